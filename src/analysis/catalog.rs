//! The finding catalogue: the single list of what tlscheck can say. Each [`FindingId`] has a
//! family, a default severity (and the others the analysis may give it), a title, references, and
//! the kind of subject it points at. The README's table and the JSON Schema are checked against
//! this list by `tests/docs.rs`.

use std::fmt;

/// How bad a finding is. Ordered: `Info < Low < Medium < High < Critical`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The families findings come in, one analysis file each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    Connection,
    Certificate,
    Chain,
    Protocol,
    Cipher,
    ClientAuth,
    Http,
    Hsts,
    Scan,
    Policy,
}

impl Family {
    pub fn name(self) -> &'static str {
        match self {
            Family::Connection => "connection",
            Family::Certificate => "certificate",
            Family::Chain => "chain",
            Family::Protocol => "protocol",
            Family::Cipher => "cipher",
            Family::ClientAuth => "client-auth",
            Family::Http => "http",
            Family::Hsts => "hsts",
            Family::Scan => "scan",
            Family::Policy => "policy",
        }
    }
}

/// What a finding points at, so a report can mark exactly that (a renderer never re-judges).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Subject {
    /// The negotiated connection.
    Connection,
    /// A part of the certificate at `index` in the presented chain.
    Certificate {
        index: usize,
        part: CertificatePart,
    },
    /// The chain's trust verdict.
    Trust,
    /// The host name check.
    Hostname,
    /// The order the chain was sent in.
    ChainOrder,
    /// Whether the chain is complete.
    ChainCompleteness,
    /// A protocol version's support.
    Protocol(crate::facts::ProtocolVersion),
    /// An accepted cipher suite at a version.
    Suite {
        version: crate::facts::ProtocolVersion,
        id: crate::facts::SuiteId,
    },
    /// Who picks the suite at a version.
    SuiteOrder(crate::facts::ProtocolVersion),
    /// A key-exchange group the server accepts (IANA code).
    Group(u16),
    ClientAuth,
    Redirect,
    Hsts,
    /// The scan itself (what could not be measured).
    Scan,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CertificatePart {
    Whole,
    Validity,
    Key,
    Signature,
}

/// The kinds of [`Subject`], as the catalogue names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubjectKind {
    Connection,
    Certificate,
    Trust,
    Hostname,
    ChainOrder,
    ChainCompleteness,
    Protocol,
    Suite,
    SuiteOrder,
    Group,
    ClientAuth,
    Redirect,
    Hsts,
    Scan,
}

impl Subject {
    pub fn kind(&self) -> SubjectKind {
        match self {
            Subject::Connection => SubjectKind::Connection,
            Subject::Certificate { .. } => SubjectKind::Certificate,
            Subject::Trust => SubjectKind::Trust,
            Subject::Hostname => SubjectKind::Hostname,
            Subject::ChainOrder => SubjectKind::ChainOrder,
            Subject::ChainCompleteness => SubjectKind::ChainCompleteness,
            Subject::Protocol(_) => SubjectKind::Protocol,
            Subject::Suite { .. } => SubjectKind::Suite,
            Subject::SuiteOrder(_) => SubjectKind::SuiteOrder,
            Subject::Group(_) => SubjectKind::Group,
            Subject::ClientAuth => SubjectKind::ClientAuth,
            Subject::Redirect => SubjectKind::Redirect,
            Subject::Hsts => SubjectKind::Hsts,
            Subject::Scan => SubjectKind::Scan,
        }
    }
}

impl SubjectKind {
    pub fn name(self) -> &'static str {
        match self {
            SubjectKind::Connection => "connection",
            SubjectKind::Certificate => "certificate",
            SubjectKind::Trust => "trust",
            SubjectKind::Hostname => "hostname",
            SubjectKind::ChainOrder => "chain-order",
            SubjectKind::ChainCompleteness => "chain-completeness",
            SubjectKind::Protocol => "protocol",
            SubjectKind::Suite => "suite",
            SubjectKind::SuiteOrder => "suite-order",
            SubjectKind::Group => "group",
            SubjectKind::ClientAuth => "client-auth",
            SubjectKind::Redirect => "redirect",
            SubjectKind::Hsts => "hsts",
            SubjectKind::Scan => "scan",
        }
    }
}

/// One entry of the catalogue.
#[derive(Debug)]
pub struct Entry {
    pub id: FindingId,
    pub family: Family,
    /// The default severity first, then any other the analysis may give (see `when`).
    pub severities: &'static [Severity],
    pub title: &'static str,
    /// When the severity differs from the default.
    pub when: &'static str,
    pub references: &'static [&'static str],
    pub subject: SubjectKind,
}

impl Entry {
    pub fn default_severity(&self) -> Severity {
        self.severities.first().copied().unwrap_or(Severity::Info)
    }
}

macro_rules! catalogue {
    ($( $variant:ident = $id:literal, $family:ident, [$($severity:ident),+], $subject:ident,
        $title:literal, $when:literal, [$($reference:literal),*]; )+) => {
        /// Stable finding identifiers; the string form (`cert.expired`) never changes meaning.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum FindingId { $($variant),+ }

        /// Every finding tlscheck can report.
        pub const CATALOG: &[Entry] = &[
            $(Entry {
                id: FindingId::$variant,
                family: Family::$family,
                severities: &[$(Severity::$severity),+],
                title: $title,
                when: $when,
                references: &[$($reference),*],
                subject: SubjectKind::$subject,
            }),+
        ];

        impl FindingId {
            pub fn as_str(self) -> &'static str {
                match self { $(FindingId::$variant => $id),+ }
            }
        }
    };
}

catalogue! {
    HandshakeFailed = "tls.handshake-failed", Connection, [Critical, Medium], Connection,
        "A modern client (TLS 1.2/1.3, current cipher suites) cannot connect",
        "medium when tlscheck's legacy client connected with what current browsers still accept (TLS 1.2, AES, ECDHE or RSA)",
        ["RFC 8446", "RFC 5246"];
    SignatureUnverifiable = "tls.signature-unverifiable", Connection, [High], Connection,
        "The server's handshake signature does not verify for a modern client",
        "", ["RFC 8446 section 4.4.3"];
    CertExpired = "cert.expired", Certificate, [Critical], Certificate,
        "A certificate in the chain has expired",
        "", ["RFC 5280 section 4.1.2.5"];
    CertExpiresSoon = "cert.expires-soon", Certificate, [Medium, High], Certificate,
        "A certificate in the chain expires soon",
        "high within --crit-days, medium within --warn-days; for a certificate valid up to 100 days, high at 10% of its lifetime left, medium at 33%", ["RFC 5280 section 4.1.2.5"];
    CertNotYetValid = "cert.not-yet-valid", Certificate, [Critical], Certificate,
        "A certificate in the chain is not valid yet",
        "", ["RFC 5280 section 4.1.2.5"];
    CertHostnameMismatch = "cert.hostname-mismatch", Certificate, [Critical], Hostname,
        "The certificate is not valid for the name that was checked",
        "", ["RFC 6125", "CA/Browser Forum Baseline Requirements 7.1.4.2"];
    CertUntrusted = "cert.untrusted", Certificate, [High], Trust,
        "The certificate chain is not trusted",
        "", ["RFC 5280 section 6"];
    CertSelfSigned = "cert.self-signed", Certificate, [High, Low], Trust,
        "The certificate is self-signed",
        "low when the configured roots (--ca-file) trust it", ["RFC 5280 section 6"];
    CertLifetimeTooLong = "cert.lifetime-too-long", Certificate, [High], Certificate,
        "The certificate is valid for longer than the CA/Browser Forum allows, so browsers refuse it",
        "", ["CA/Browser Forum Baseline Requirements 6.3.2", "CA/Browser Forum ballot SC-081"];
    CertNoRevocationInfo = "cert.no-revocation-info", Certificate, [Low], Certificate,
        "The certificate names neither a CRL nor an OCSP responder, so clients cannot learn that it was revoked",
        "", ["CA/Browser Forum Baseline Requirements 7.1.2.11.2", "CA/Browser Forum Baseline Requirements 4.9.7"];
    CertWeakKey = "cert.weak-key", Certificate, [High], Certificate,
        "A certificate in the chain has a weak key",
        "", ["NIST SP 800-131A", "CA/Browser Forum Baseline Requirements 6.1.5"];
    CertSha1Signature = "cert.sha1-signature", Certificate, [High], Certificate,
        "A certificate in the chain is signed with SHA-1",
        "", ["SHAttered (2017)", "CA/Browser Forum Baseline Requirements 7.1.3"];
    CertMd5Signature = "cert.md5-signature", Certificate, [Critical], Certificate,
        "A certificate in the chain is signed with MD5",
        "", ["RFC 6151"];
    CertUnparsable = "cert.unparsable", Certificate, [High], Certificate,
        "The server's certificate chain cannot be parsed",
        "", ["RFC 5280"];
    ChainIncomplete = "chain.incomplete", Chain, [High], ChainCompleteness,
        "The server does not send the intermediate certificates",
        "", ["RFC 8446 section 4.4.2", "RFC 5246 section 7.4.2"];
    ChainOrder = "chain.order", Chain, [Low], ChainOrder,
        "The certificate chain is not in issuing order",
        "", ["RFC 5246 section 7.4.2"];
    ProtocolSslv2 = "protocol.sslv2", Protocol, [Critical], Protocol,
        "SSLv2 is accepted: broken since 1996 and exploitable by DROWN",
        "", ["RFC 6176", "CVE-2016-0800"];
    ProtocolSslv3 = "protocol.sslv3", Protocol, [High], Protocol,
        "SSLv3 is accepted: broken by POODLE",
        "", ["RFC 7568", "CVE-2014-3566"];
    ProtocolTls10 = "protocol.tls10", Protocol, [Medium], Protocol,
        "TLS 1.0 is accepted: deprecated by RFC 8996, refused by current browsers",
        "", ["RFC 8996"];
    ProtocolTls11 = "protocol.tls11", Protocol, [Medium], Protocol,
        "TLS 1.1 is accepted: deprecated by RFC 8996, refused by current browsers",
        "", ["RFC 8996"];
    ProtocolNoTls12 = "protocol.no-tls12", Protocol, [Info, High], Protocol,
        "TLS 1.2 is not accepted: clients without TLS 1.3 cannot connect",
        "high when TLS 1.3 is not accepted either and no handshake failure already says so",
        ["RFC 8996", "RFC 5246"];
    ProtocolNoTls13 = "protocol.no-tls13", Protocol, [Low], Protocol,
        "TLS 1.3 is not accepted: it is faster and drops every legacy construction",
        "", ["RFC 8446"];
    CipherNull = "cipher.null", Cipher, [Critical], Suite,
        "Suites without encryption (NULL) are accepted",
        "", ["RFC 5246 appendix A.5"];
    CipherAnonymous = "cipher.anonymous", Cipher, [Critical], Suite,
        "Anonymous suites are accepted: no server authentication, trivial to intercept",
        "", ["RFC 5246 appendix A.5"];
    CipherExport = "cipher.export", Cipher, [Critical], Suite,
        "Export-grade suites are accepted (FREAK, Logjam)",
        "", ["CVE-2015-0204", "CVE-2015-4000"];
    CipherRc4 = "cipher.rc4", Cipher, [High], Suite,
        "RC4 suites are accepted: RC4 is broken (RFC 7465)",
        "", ["RFC 7465"];
    CipherDes = "cipher.des", Cipher, [High], Suite,
        "Single-DES suites are accepted: 56-bit keys are brute-forced in hours",
        "", ["RFC 5469"];
    Cipher3des = "cipher.3des", Cipher, [Medium], Suite,
        "3DES suites are accepted: 64-bit blocks allow SWEET32",
        "", ["CVE-2016-2183"];
    CipherCbcTls10 = "cipher.cbc-tls10", Cipher, [Low], Suite,
        "CBC suites over TLS 1.0 (BEAST)",
        "", ["CVE-2011-3389"];
    CipherNoForwardSecrecy = "cipher.no-forward-secrecy", Cipher, [Medium, High], Suite,
        "Suites without forward secrecy (static RSA or DH key exchange) are accepted",
        "high when no accepted suite has forward secrecy", ["RFC 7525 section 4.2.1"];
    CipherNoAead = "cipher.no-aead", Cipher, [Medium], Suite,
        "No AEAD suite (AES-GCM, ChaCha20-Poly1305) is accepted",
        "", ["RFC 7525 section 4.2"];
    CipherClientOrder = "cipher.client-order", Cipher, [Low], SuiteOrder,
        "The server lets the client choose among suites that include weaker ones",
        "", ["RFC 7525 section 4.2"];
    DhWeak = "dh.weak", Cipher, [Medium, High], Suite,
        "Diffie-Hellman parameters are weaker than 2048 bits (Logjam)",
        "high at 1024 bits or fewer", ["CVE-2015-4000", "RFC 7919"];
    ClientAuthRequired = "client-auth.required", ClientAuth, [Info], ClientAuth,
        "The server requires a client certificate (mutual TLS)",
        "", ["RFC 8446 section 4.3.2"];
    ClientAuthRejected = "client-auth.rejected", ClientAuth, [High], ClientAuth,
        "The server refused the client certificate we presented",
        "", ["RFC 8446 section 4.4.2.4"];
    HttpNoRedirect = "http.no-redirect", Http, [Medium, Low], Redirect,
        "Plain HTTP does not redirect to HTTPS",
        "low when nothing answers on plain HTTP", ["RFC 6797 section 7.2"];
    HttpRedirectTemporary = "http.redirect-temporary", Http, [Low], Redirect,
        "HTTP redirects to HTTPS with a temporary (302/303/307) redirect",
        "", ["RFC 9110 section 15.4"];
    HttpRedirectOtherHost = "http.redirect-other-host", Http, [Low], Redirect,
        "HTTP redirects to another host instead of HTTPS on the same host",
        "", ["RFC 6797 section 7.2"];
    HttpRedirectToHttp = "http.redirect-to-http", Http, [Medium], Redirect,
        "HTTP redirects, but never to HTTPS",
        "", ["RFC 6797 section 7.2"];
    HttpRedirectLoop = "http.redirect-loop", Http, [Medium], Redirect,
        "The HTTP redirects loop",
        "", ["RFC 9110 section 15.4"];
    HttpTooManyRedirects = "http.too-many-redirects", Http, [Medium], Redirect,
        "The HTTP redirect chain is longer than browsers follow comfortably",
        "", ["RFC 9110 section 15.4"];
    HstsMissing = "hsts.missing", Hsts, [Medium], Hsts,
        "No Strict-Transport-Security header: browsers may be downgraded to HTTP",
        "", ["RFC 6797"];
    HstsShortMaxAge = "hsts.short-max-age", Hsts, [Low], Hsts,
        "HSTS max-age is shorter than 180 days",
        "", ["RFC 6797 section 6.1.1"];
    HstsInvalid = "hsts.invalid", Hsts, [Medium], Hsts,
        "The Strict-Transport-Security header is invalid and browsers ignore it",
        "", ["RFC 6797 section 6.1"];
    ScanInconclusive = "scan.inconclusive", Scan, [Info], Scan,
        "Some facts could not be measured, so what depends on them is unknown",
        "", [];
    ScanAddressesDiffer = "scan.addresses-differ", Scan, [Medium], Connection,
        "The addresses of this name do not serve the same certificate, protocols or suites",
        "", [];
    PolicyTlsVersions = "policy.tls-versions", Policy, [High], Protocol,
        "Protocol versions the policy does not allow are accepted",
        "", ["Mozilla Server Side TLS"];
    PolicyCipherSuites = "policy.cipher-suites", Policy, [High], Suite,
        "Cipher suites the policy does not allow are accepted",
        "", ["Mozilla Server Side TLS"];
    PolicyGroups = "policy.groups", Policy, [Low, High], Group,
        "Key-exchange groups the policy does not allow are accepted",
        "high when a policy file sets the rule", ["Mozilla Server Side TLS"];
    PolicyEcdhParamSize = "policy.ecdh-param-size", Policy, [High], Group,
        "Elliptic-curve groups smaller than the policy allows are accepted",
        "", ["Mozilla Server Side TLS"];
    PolicyDhParamSize = "policy.dh-param-size", Policy, [High], Suite,
        "Diffie-Hellman parameters are smaller than the policy allows",
        "", ["Mozilla Server Side TLS"];
    PolicyServerOrder = "policy.server-order", Policy, [Low, High], SuiteOrder,
        "Who picks the cipher suite differs from the policy",
        "high when a policy file sets the rule", ["Mozilla Server Side TLS"];
    PolicyCertificateType = "policy.certificate-type", Policy, [High], Certificate,
        "The certificate's key type is not one the policy allows",
        "", ["Mozilla Server Side TLS"];
    PolicyCertificateCurve = "policy.certificate-curve", Policy, [Medium, High], Certificate,
        "The certificate's curve is not one the policy allows",
        "high when a policy file sets the rule", ["Mozilla Server Side TLS"];
    PolicyCertificateSignature = "policy.certificate-signature", Policy, [Medium, High], Certificate,
        "A certificate's signature algorithm is not one the policy allows",
        "high when a policy file sets the rule", ["Mozilla Server Side TLS"];
    PolicyRsaKeySize = "policy.rsa-key-size", Policy, [High], Certificate,
        "An RSA key is smaller than the policy allows",
        "", ["Mozilla Server Side TLS"];
    PolicyEcKeySize = "policy.ec-key-size", Policy, [High], Certificate,
        "The certificate's EC key is smaller than the policy allows",
        "", [];
    PolicyCertificateLifespan = "policy.certificate-lifespan", Policy, [Low, High], Certificate,
        "The certificate is valid for longer than the policy allows",
        "high when a policy file sets the rule", ["Mozilla Server Side TLS", "CA/Browser Forum ballot SC-081"];
    PolicyExpiry = "policy.expiry", Policy, [High], Certificate,
        "The certificate expires sooner than the policy requires",
        "", [];
    PolicyOcspStaple = "policy.ocsp-staple", Policy, [Low, High], Connection,
        "The policy asks for a stapled OCSP response and none is stapled",
        "high when a policy file sets the rule", ["Mozilla Server Side TLS", "RFC 6066 section 8"];
    PolicyTrust = "policy.trust", Policy, [High], Trust,
        "The policy requires a trusted chain and the chain is not trusted",
        "", [];
    PolicyHostname = "policy.hostname", Policy, [High], Hostname,
        "The policy requires the certificate to match the name and it does not",
        "", [];
    PolicyIssuer = "policy.issuer", Policy, [High], Certificate,
        "The certificate is not issued by the CA the policy expects",
        "", [];
    PolicySan = "policy.san", Policy, [High], Certificate,
        "The certificate's names are not the set the policy expects",
        "", [];
    PolicyPin = "policy.pin", Policy, [High], Certificate,
        "The certificate is not one the policy pins",
        "", [];
    PolicyHsts = "policy.hsts", Policy, [High], Hsts,
        "HSTS is not set up as the policy requires",
        "", ["RFC 6797"];
    PolicyHstsMinAge = "policy.hsts-min-age", Policy, [Low, High], Hsts,
        "The HSTS max-age is shorter than the policy asks",
        "high when a policy file sets the rule", ["Mozilla Server Side TLS", "RFC 6797"];
    PolicyRedirect = "policy.redirect", Policy, [High], Redirect,
        "Plain HTTP does not redirect to HTTPS as the policy requires",
        "", ["RFC 6797 section 7.2"];
    PolicyWaiverExpired = "policy.waiver-expired", Policy, [Medium], Scan,
        "A waiver in the policy file has expired, so the finding it covered counts again",
        "", [];
    PolicyClientAuth = "policy.client-auth", Policy, [High], ClientAuth,
        "The policy requires client certificates and the server does not",
        "", ["RFC 8446 section 4.3.2"];
}

impl FindingId {
    /// The catalogue entry of this id.
    pub fn entry(self) -> &'static Entry {
        CATALOG
            .iter()
            .find(|entry| entry.id == self)
            .unwrap_or(&CATALOG[0])
    }

    pub fn title(self) -> &'static str {
        self.entry().title
    }

    pub fn default_severity(self) -> Severity {
        self.entry().default_severity()
    }

    /// The id for its string form (`cert.expired`).
    pub fn parse(text: &str) -> Option<FindingId> {
        CATALOG
            .iter()
            .map(|entry| entry.id)
            .find(|id| id.as_str() == text)
    }
}

impl fmt::Display for FindingId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_named_after_their_family() {
        let mut seen = std::collections::HashSet::new();
        for entry in CATALOG {
            assert!(seen.insert(entry.id.as_str()), "{} twice", entry.id);
            assert_eq!(entry.id.entry().id, entry.id);
            assert_eq!(FindingId::parse(entry.id.as_str()), Some(entry.id));
            assert!(!entry.title.is_empty());
            assert_eq!(
                entry.severities.len() > 1,
                !entry.when.is_empty(),
                "{}: say when the severity differs",
                entry.id
            );
        }
    }
}
