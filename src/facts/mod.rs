//! Facts: what the probes measured about one target, as typed data. No prose and no verdicts
//! live here: enums for values from a known set, numbers for numbers, and failures as
//! [`ProbeError`]s. `analysis` turns facts into findings; `report::wire` turns them into the JSON
//! contract.

pub mod error;
pub mod hsts;
pub mod time;

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

pub use crate::tls::ProtocolVersion;
pub use error::{ErrorKind, ProbeError, Step};
pub use hsts::{HstsError, HstsFacts};

/// The result of one probe: its facts, or why there are none. A failure is data, never an early
/// return that loses the rest of the report.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome<T> {
    Ok(T),
    Failed(ProbeError),
    Skipped(Skip),
}

impl<T> Outcome<T> {
    pub fn ok(&self) -> Option<&T> {
        match self {
            Outcome::Ok(value) => Some(value),
            _ => None,
        }
    }

    pub fn failure(&self) -> Option<&ProbeError> {
        match self {
            Outcome::Failed(error) => Some(error),
            _ => None,
        }
    }
}

/// Why a probe did not run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Skip {
    /// `--quick`.
    Quick,
    /// `--no-http`.
    NoHttp,
    /// It needs a TLS connection, and there was none.
    NoTlsConnection,
    /// The target could not be reached at all.
    Unreachable,
    /// The scan of the target ended before this probe ran.
    NotReached,
}

/// Everything the probes learned about one target.
#[derive(Clone, Debug, PartialEq)]
pub struct HostFacts {
    pub target: TargetFacts,
    /// Unix seconds when the scan of this target started.
    pub scanned_at: i64,
    pub duration: Duration,
    /// The target's time budget (`--target-timeout`).
    pub budget: Duration,
    /// Set when the target could not be scanned at all (name did not resolve, TCP refused or timed
    /// out on every address): the record then holds no TLS or HTTP facts.
    pub unreachable: Option<ProbeError>,
    pub connection: Outcome<ConnectionFacts>,
    pub chain: Option<ChainFacts>,
    pub client_auth: Option<ClientAuthFacts>,
    pub https: Outcome<HttpsResponseFacts>,
    pub redirect: Outcome<RedirectFacts>,
    /// Protocol versions, cipher suites and groups from our own ClientHellos.
    pub enumeration: Outcome<EnumerationFacts>,
}

impl HostFacts {
    /// A record for `target` with nothing probed yet.
    pub fn unscanned(target: TargetFacts, scanned_at: i64, budget: Duration) -> HostFacts {
        HostFacts {
            target,
            scanned_at,
            duration: Duration::ZERO,
            budget,
            unreachable: None,
            connection: Outcome::Skipped(Skip::NotReached),
            chain: None,
            client_auth: None,
            https: Outcome::Skipped(Skip::NotReached),
            redirect: Outcome::Skipped(Skip::NotReached),
            enumeration: Outcome::Skipped(Skip::NotReached),
        }
    }

    /// Marks the record unreachable: every probe that needs the server is skipped.
    pub fn mark_unreachable(&mut self, error: ProbeError) {
        self.connection = Outcome::Skipped(Skip::Unreachable);
        self.https = Outcome::Skipped(Skip::Unreachable);
        self.enumeration = Outcome::Skipped(Skip::Unreachable);
        self.unreachable = Some(error);
    }
}

/// What was scanned, and where it was reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetFacts {
    /// The target exactly as the user typed it.
    pub input: String,
    /// Host name (ASCII, lower case) or IP literal (IPv6 without brackets).
    pub host: String,
    pub port: u16,
    /// Server name sent in the TLS SNI extension; none for IP literals without `--sni`.
    pub sni: Option<String>,
    /// Path requested over HTTPS and HTTP.
    pub path: String,
    /// Where the plain-HTTP redirect check starts; none with `--no-http`.
    pub http_url: Option<String>,
    /// Addresses the name resolved to (or the `--connect-to` override).
    pub addresses: Vec<IpAddr>,
    /// The address the TLS connection was made to.
    pub connected_to: Option<SocketAddr>,
}

/// Which client completed the handshake a [`ConnectionFacts`] describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HandshakeClient {
    /// rustls: TLS 1.2 and 1.3 with AEAD suites only, as strict modern clients.
    Rustls,
    /// tlscheck's own legacy client (`probe::legacy`), tried when rustls could not connect:
    /// SSLv3 to TLS 1.2 with CBC, RC4, 3DES and GCM suites.
    Legacy,
}

impl HandshakeClient {
    /// Stable machine name, as in the JSON report.
    pub fn as_str(self) -> &'static str {
        match self {
            HandshakeClient::Rustls => "rustls",
            HandshakeClient::Legacy => "legacy",
        }
    }
}

/// The negotiated TLS connection, as the client that made it saw it: rustls, or when rustls
/// could not connect, the legacy client.
#[derive(Clone, Debug, PartialEq)]
pub struct ConnectionFacts {
    /// The client that completed this handshake.
    pub client: HandshakeClient,
    /// With the legacy client: how rustls, a strict modern client, failed against the server.
    pub strict_client_failure: Option<ProbeError>,
    /// Wire version, e.g. 0x0304.
    pub protocol: u16,
    /// IANA code point.
    pub cipher_suite: u16,
    /// IANA code point of the key-exchange group.
    pub key_exchange_group: Option<u16>,
    pub alpn: Option<String>,
    pub tcp_connect: Duration,
    pub handshake: Duration,
    /// Length in bytes of the stapled OCSP response; none when the server stapled nothing.
    pub ocsp_stapled_bytes: Option<usize>,
    /// The server's handshake signature could not be verified by rustls (e.g. an RSA key under
    /// 2048 bits); the scan went on so the rest could be reported.
    pub signature_failure: Option<CertificateFailure>,
}

impl ConnectionFacts {
    /// rustls, a strict modern client, made this connection.
    pub fn by_modern_client(&self) -> bool {
        self.client == HandshakeClient::Rustls
    }
}

/// A name from a certificate that is shown escaped, with the bytes it really holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EscapedName {
    /// Which name: `subject`, `issuer`, `common_name` or `dns_names[N]`.
    pub field: String,
    /// The raw bytes: the DER of a distinguished name, the string's bytes otherwise.
    pub raw: Vec<u8>,
}

/// The certificate chain as presented, and what the verifier concluded about it.
#[derive(Clone, Debug, PartialEq)]
pub struct ChainFacts {
    /// In the order the server sent them; the first is the leaf. Empty when the chain could not
    /// be parsed (`unparsable` says why).
    pub certificates: Vec<CertificateFacts>,
    /// Why the presented bytes are not a chain of X.509 certificates.
    pub unparsable: Option<String>,
    /// Each certificate is issued by the one after it.
    pub order_correct: bool,
    /// The issuer of the last certificate that chains from the leaf was neither sent nor a trust
    /// anchor: an intermediate is missing (or the issuing CA is unknown).
    pub incomplete: bool,
    /// Distinguished name of the issuer that could not be found, when `incomplete`.
    pub missing_issuer: Option<String>,
    pub trust: TrustFacts,
    pub hostname: HostnameFacts,
    /// Unix seconds the chain was judged at (the scan time).
    pub checked_at: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TrustFacts {
    pub trusted: bool,
    /// Trusted through a public root (webpki-roots or the system's), not only through a
    /// configured one (`--ca-file`): the CA/Browser Forum's rules apply.
    pub publicly_trusted: bool,
    /// Which roots were used: `webpki-roots`, `system`, plus any `--ca-file`.
    pub store: String,
    /// webpki's reason when not trusted.
    pub failure: Option<CertificateFailure>,
}

/// Why webpki (and so rustls) refused a certificate or a handshake signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CertificateFailure {
    UnknownIssuer,
    /// A signature did not verify with the issuer's key. webpki also says this when the key is
    /// outside the sizes it accepts (RSA under 2048 bits).
    BadSignature,
    UnsupportedSignatureAlgorithm,
    /// Not valid for TLS server authentication (extended key usage).
    WrongPurpose,
    /// Expired at the scan time; `not_after` in Unix seconds when known.
    Expired {
        not_after: Option<i64>,
    },
    NotValidYet {
        not_before: Option<i64>,
    },
    /// A CA certificate (e.g. a self-signed root) used as the server certificate.
    CaUsedAsEndEntity,
    /// An end-entity certificate used as a CA.
    EndEntityUsedAsCa,
    /// X.509 v1 or v2: webpki accepts only v3.
    UnsupportedCertVersion,
    /// The DER encoding is invalid.
    BadEncoding,
    Revoked,
    /// A name or path constraint is violated.
    ConstraintViolated,
    /// Anything else webpki reports, by its name.
    Other {
        name: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostnameFacts {
    /// The name checked: the SNI name, or the IP literal.
    pub name: String,
    pub matches: bool,
    /// DNS names and IP addresses the leaf certificate covers.
    pub covered: Vec<String>,
}

/// One X.509 certificate, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateFacts {
    /// The names that held bytes unsafe to show (invalid UTF-8, control characters,
    /// bidirectional overrides), which `subject`, `issuer`, `common_name` and `dns_names` show
    /// escaped: each with its raw bytes.
    pub escaped_names: Vec<EscapedName>,
    pub subject: String,
    pub issuer: String,
    pub common_name: Option<String>,
    pub dns_names: Vec<String>,
    pub ip_addresses: Vec<String>,
    /// Colon-separated upper-case hex.
    pub serial: String,
    /// Unix seconds.
    pub not_before: i64,
    /// Unix seconds.
    pub not_after: i64,
    /// Whole days from the scan time to `not_after`; negative once expired.
    pub days_left: i64,
    pub expired: bool,
    pub not_yet_valid: bool,
    pub key: KeyFacts,
    /// OpenSSL's name, e.g. `sha256WithRSAEncryption`, `ecdsa-with-SHA256`, or the OID.
    pub signature_algorithm: String,
    /// Hash used by the signature, when it has a separate one.
    pub signature_hash: Option<HashAlgorithm>,
    pub is_ca: bool,
    /// Issuer equals subject and the certificate's signature verifies with its own key.
    pub self_signed: bool,
    /// Colon-separated upper-case hex of the SHA-256 of the DER.
    pub sha256_fingerprint: String,
    pub ocsp_urls: Vec<String>,
    /// URIs of the CRL distribution points.
    pub crl_urls: Vec<String>,
    pub ca_issuer_urls: Vec<String>,
    /// Signed certificate timestamps embedded in the certificate.
    pub sct_count: usize,
    /// TLS feature extension asks for OCSP stapling.
    pub must_staple: bool,
    /// The certificate exactly as the server sent it (DER).
    pub der: Vec<u8>,
}

impl CertificateFacts {
    /// Its role at `index` in a chain as presented: `leaf`, `root` (self-signed) or
    /// `intermediate`.
    pub fn role(&self, index: usize) -> &'static str {
        if index == 0 {
            "leaf"
        } else if self.self_signed {
            "root"
        } else {
            "intermediate"
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyFacts {
    pub algorithm: KeyAlgorithm,
    pub bits: u32,
    /// Named curve for EC keys, e.g. `P-256`, or the curve's OID when unknown.
    pub curve: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyAlgorithm {
    Rsa,
    Ec,
    Ed25519,
    Ed448,
    Dsa,
    /// Another algorithm, by OID.
    Other(String),
}

impl KeyAlgorithm {
    /// `RSA`, `EC`, `Ed25519`, `Ed448`, `DSA`, or the OID.
    pub fn name(&self) -> &str {
        match self {
            KeyAlgorithm::Rsa => "RSA",
            KeyAlgorithm::Ec => "EC",
            KeyAlgorithm::Ed25519 => "Ed25519",
            KeyAlgorithm::Ed448 => "Ed448",
            KeyAlgorithm::Dsa => "DSA",
            KeyAlgorithm::Other(oid) => oid,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum HashAlgorithm {
    Md2,
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl HashAlgorithm {
    /// `MD5`, `SHA-1`, `SHA-256`, ...
    pub fn name(self) -> &'static str {
        match self {
            HashAlgorithm::Md2 => "MD2",
            HashAlgorithm::Md5 => "MD5",
            HashAlgorithm::Sha1 => "SHA-1",
            HashAlgorithm::Sha224 => "SHA-224",
            HashAlgorithm::Sha256 => "SHA-256",
            HashAlgorithm::Sha384 => "SHA-384",
            HashAlgorithm::Sha512 => "SHA-512",
        }
    }
}

/// Client-certificate (mutual TLS) behaviour of the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientAuthFacts {
    /// The server sent a CertificateRequest.
    pub requested: bool,
    /// Distinguished names of the CAs the server said it accepts.
    pub ca_names: Vec<String>,
    /// We had a client certificate to present (`--client-cert`).
    pub presented: bool,
    /// The server refuses clients without a certificate; none when not determined.
    pub required: Option<bool>,
    /// The server accepted the certificate we presented; none when we presented none.
    pub accepted: Option<bool>,
    /// How the server refused a client.
    pub refusal: Option<Refusal>,
}

/// How a server refused a TLS client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// A TLS alert, by its code (e.g. 116, certificate_required).
    Alert(u8),
    /// It closed or reset the connection without an alert.
    Closed,
}

/// The HTTPS response to a GET of the target path, read on the scanned connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpsResponseFacts {
    pub url: String,
    pub status_code: u16,
    pub location: Option<String>,
    pub server: Option<String>,
    pub hsts: Option<HstsFacts>,
}

/// The plain-HTTP redirect chain starting at `http://HOST[:http-port]/path`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RedirectFacts {
    pub start_url: String,
    pub hops: Vec<RedirectHop>,
    /// Why the probe stopped following.
    pub end: RedirectEnd,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RedirectHop {
    pub url: String,
    pub status_code: u16,
    pub location: Option<String>,
    /// Where `location` leads, resolved against `url`, when it is an http(s) URL.
    pub next: Option<String>,
    /// `next` is https.
    pub next_is_https: bool,
    /// `next` stays on the scanned host (true when there is no `next`).
    pub same_host: bool,
}

/// Why the redirect probe stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RedirectEnd {
    /// The last hop answered without a usable redirect.
    Answered,
    /// A redirect reached https on the scanned host (that endpoint is the TLS probe's).
    ReachedHttps,
    /// A redirect left the scanned host.
    LeftHost,
    /// A redirect led to a URL already visited.
    Loop,
    /// [`crate::probe::redirect::MAX_HOPS`] redirects were followed.
    HopLimit,
    /// A redirect to something that is no http(s) URL (`javascript:`, `mailto:`, garbage):
    /// not followed.
    NotHttp,
}

/// What the raw prober learned with tlscheck's own ClientHellos, SSLv2 to TLS 1.3.
#[derive(Clone, Debug, PartialEq)]
pub struct EnumerationFacts {
    /// One entry per version, SSLv2 first.
    pub protocols: Vec<ProtocolFacts>,
    /// One entry per accepted version, oldest first.
    pub cipher_suites: Vec<VersionSuites>,
    /// Key-exchange groups the server accepts (IANA codes), in the order it chose them; that is
    /// its order of preference when `groups_server_order` is true.
    pub groups: Vec<u16>,
    /// Where `groups` came from: TLS 1.3 HelloRetryRequests, or the ECDHE parameters of an
    /// older version.
    pub groups_probed_with: Option<ProtocolVersion>,
    /// The server picks the group by its own order (true) or by the client's (false); none with
    /// fewer than two groups.
    pub groups_server_order: Option<bool>,
    /// TCP connections (one handshake attempt each) the enumeration used.
    pub handshakes: u32,
    pub duration: Duration,
    /// Connections at once to this server (`--max-connections`).
    pub max_connections: usize,
}

impl EnumerationFacts {
    /// What the enumeration found out about `version`.
    pub fn protocol(&self, version: ProtocolVersion) -> Option<&ProtocolFacts> {
        self.protocols.iter().find(|p| p.version == version)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ProtocolFacts {
    pub version: ProtocolVersion,
    pub support: Support,
}

/// Whether a server speaks a version: only a definite answer says no.
#[derive(Clone, Debug, PartialEq)]
pub enum Support {
    /// It answered a hello of this version with a ServerHello of it.
    Accepted(Reply),
    /// It answered, definitely, that it does not speak it (alert, lower version, close).
    Refused(Reply),
    /// The probe failed (timeout, reset, size limit, time budget): we do not know.
    Unknown(ProbeError),
}

impl Support {
    pub fn is_accepted(&self) -> bool {
        matches!(self, Support::Accepted(_))
    }

    pub fn is_refused(&self) -> bool {
        matches!(self, Support::Refused(_))
    }
}

/// A server's answer to one of our hellos, as evidence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    ServerHello {
        version: u16,
        cipher_suite: u16,
    },
    HelloRetryRequest {
        group: Option<u16>,
    },
    /// A TLS alert, by its description code.
    Alert(u8),
    /// A ServerHello of a lower version than offered.
    LowerVersion(u16),
    Sslv2ServerHello {
        cipher_kinds: usize,
    },
    Sslv2Error(u16),
    NotTls(NotTlsKind),
    /// The connection closed before the server said anything.
    Closed,
}

pub use crate::tls::server_reply::NotTlsKind;

#[derive(Clone, Debug, PartialEq)]
pub struct VersionSuites {
    pub version: ProtocolVersion,
    /// The server picks by its own order (true) or by the client's (false); none with fewer
    /// than two suites.
    pub server_order: Option<bool>,
    /// In the server's order of preference when it enforces one, else by code point.
    pub suites: Vec<SuiteFacts>,
    /// Set when the walk over this version's suites was cut short, so `suites` may miss some.
    pub incomplete: Option<ProbeError>,
}

/// A suite the server accepted, with the parameters it sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuiteFacts {
    pub id: SuiteId,
    /// IANA name (the specification's for SSLv2 kinds).
    pub name: &'static str,
    /// OpenSSL's name, which nginx, Apache and sslscan print.
    pub openssl_name: Option<&'static str>,
    pub key_exchange: crate::tls::suites::KeyExchange,
    /// Bulk cipher key bits.
    pub bits: u16,
    pub forward_secrecy: bool,
    pub aead: bool,
    pub cbc: bool,
    pub export: bool,
    pub null: bool,
    pub anonymous: bool,
    pub rc4: bool,
    pub des: bool,
    pub triple_des: bool,
    /// Size of the DH prime the server sent (DHE suites).
    pub dh_bits: Option<u32>,
    /// Curve of the server's ECDHE parameters (ECDHE suites, TLS ≤ 1.2), IANA code.
    pub ecdh_group: Option<u16>,
}

impl SuiteFacts {
    /// A TLS suite from the codec's registry, with the parameters the server sent.
    pub fn of(
        suite: &crate::tls::suites::CipherSuite,
        dh_bits: Option<u32>,
        ecdh_group: Option<u16>,
    ) -> SuiteFacts {
        SuiteFacts {
            id: SuiteId::Tls(suite.code),
            name: suite.iana_name,
            openssl_name: suite.openssl_name,
            key_exchange: suite.key_exchange,
            bits: suite.key_bits,
            forward_secrecy: suite.has_forward_secrecy(),
            aead: suite.is_aead(),
            cbc: suite.is_cbc(),
            export: suite.is_export(),
            null: suite.is_null(),
            anonymous: suite.is_anonymous(),
            rc4: suite.is_rc4(),
            des: suite.is_des(),
            triple_des: suite.is_3des(),
            dh_bits,
            ecdh_group,
        }
    }

    /// The name people know: OpenSSL's when it has one, else IANA's.
    pub fn display_name(&self) -> &'static str {
        self.openssl_name.unwrap_or(self.name)
    }
}

/// A cipher suite's code point: two bytes in TLS, three for an SSLv2 cipher kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SuiteId {
    Tls(u16),
    Sslv2(u32),
}

impl std::fmt::Display for SuiteId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SuiteId::Tls(code) => write!(f, "0x{code:04X}"),
            SuiteId::Sslv2(code) => write!(f, "0x{code:06X}"),
        }
    }
}
