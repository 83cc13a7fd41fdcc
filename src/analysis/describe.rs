//! Words for facts: how replies, probe errors, skipped probes and certificate failures read in
//! findings and reports. Pure; the one place these phrases are written.

use crate::facts::time::rfc3339;
use crate::facts::{
    CertificateFailure, ChainFacts, ErrorKind, KeyAlgorithm, NotTlsKind, ProbeError, Refusal,
    Reply, Skip, Step,
};
use crate::tls::suites::KeyExchange;
use crate::tls::{alert, groups, suites, version_name};

/// The smallest RSA key webpki (and so rustls) verifies signatures of.
pub const WEBPKI_RSA_MIN_BITS: u32 = 2048;

/// The RFC's name of an alert (`handshake_failure`), or `unassigned alert 254` for a code
/// IANA has not assigned.
pub fn alert_name(code: u8) -> String {
    alert::description_name(code)
        .map(str::to_string)
        .unwrap_or_else(|| format!("unassigned alert {code}"))
}

/// A server's answer, as evidence: `ServerHello TLSv1.2 TLS_ECDHE_...`, `alert handshake_failure`.
pub fn reply(reply: &Reply) -> String {
    match reply {
        Reply::ServerHello {
            version,
            cipher_suite,
        } => format!(
            "ServerHello {} {}",
            version_name(*version),
            suites::iana_name(*cipher_suite)
        ),
        Reply::HelloRetryRequest { group } => format!(
            "HelloRetryRequest for {}",
            group
                .map(groups::display_name)
                .unwrap_or_else(|| "no group".into())
        ),
        Reply::Alert(code) => match alert::description_name(*code) {
            Some(name) => format!("alert {name}"),
            None => alert_name(*code),
        },
        Reply::LowerVersion(version) => {
            format!("server answered with {} instead", version_name(*version))
        }
        Reply::Sslv2ServerHello { cipher_kinds } => {
            format!("SSLv2 SERVER-HELLO with {cipher_kinds} cipher kinds")
        }
        Reply::Sslv2Error(code) => format!("SSLv2 ERROR {code}"),
        Reply::NotTls(kind) => format!("not TLS ({})", not_tls(*kind)),
        Reply::Closed => "connection closed without a reply".into(),
    }
}

fn not_tls(kind: NotTlsKind) -> &'static str {
    match kind {
        NotTlsKind::Http => "an HTTP response",
        NotTlsKind::Ssh => "an SSH banner",
        NotTlsKind::Text => "text, e.g. a banner",
        NotTlsKind::Binary => "binary data",
    }
}

fn step(step: Step) -> &'static str {
    match step {
        Step::Resolve => "resolving the name",
        Step::Connect => "connecting",
        Step::Handshake => "the handshake",
        Step::ServerHello => "waiting for the ServerHello",
        Step::AfterServerHello => "after the ServerHello",
        Step::Flight => "during the server's flight after the ServerHello",
        Step::Request => "the request",
        Step::Response => "the HTTP response",
    }
}

/// A probe error in plain words.
pub fn error(error: &ProbeError) -> String {
    let detail = |text: String| {
        if error.detail.is_empty() {
            text
        } else {
            format!("{text}: {}", crate::text::escaped(&error.detail))
        }
    };
    match error.kind {
        ErrorKind::Resolve => detail("cannot resolve the name".into()),
        ErrorKind::Refused => "connection refused".into(),
        ErrorKind::Connect => detail("cannot connect".into()),
        ErrorKind::Timeout(limit) => format!(
            "no answer within {:.1}s ({})",
            limit.as_secs_f64(),
            step(error.step)
        ),
        ErrorKind::Reset if error.after_server_hello() => {
            format!("the server reset the connection ({})", step(error.step))
        }
        ErrorKind::Reset => format!(
            "the server reset or closed the connection without a reply ({})",
            step(error.step)
        ),
        ErrorKind::Closed if error.after_server_hello() => {
            format!("the server closed the connection ({})", step(error.step))
        }
        ErrorKind::Closed => format!(
            "the server closed the connection without a reply ({})",
            step(error.step)
        ),
        ErrorKind::NotTls(kind) => detail(format!(
            "not a TLS server: it answered with {}",
            not_tls(kind)
        )),
        ErrorKind::Alert(code) => match alert::description_name(code) {
            Some(name) => format!("the server refused with alert {name}"),
            None => format!("the server refused with an {}", alert_name(code)),
        },
        ErrorKind::Protocol if error.detail.is_empty() => "the reply broke the protocol".into(),
        ErrorKind::Protocol => crate::text::escaped(&error.detail),
        ErrorKind::Malformed => detail(format!("malformed TLS ({})", step(error.step))),
        ErrorKind::TooLarge => detail("tlscheck's limit reached".into()),
        ErrorKind::Budget => "not measured: time budget".into(),
        ErrorKind::Internal => detail("internal error".into()),
    }
}

/// Why a probe did not run.
pub fn skip(skip: Skip) -> &'static str {
    match skip {
        Skip::Quick => "--quick",
        Skip::NoHttp => "--no-http",
        Skip::NoTlsConnection => "no TLS connection",
        Skip::Unreachable => "target unreachable",
        Skip::NotReached => "not reached",
    }
}

/// How a server refused a client.
pub fn refusal(refusal: Refusal) -> String {
    match refusal {
        Refusal::Alert(code) => alert_name(code),
        Refusal::Closed => "connection closed".into(),
    }
}

/// Why webpki refused a chain or signature, in words. With the chain at hand, a bad signature
/// next to an RSA key under 2048 bits is explained as what it usually is.
pub fn certificate_failure(failure: &CertificateFailure, chain: Option<&ChainFacts>) -> String {
    match failure {
        CertificateFailure::UnknownIssuer => {
            "issued by a CA that is not in the trust store (or an intermediate is missing)".into()
        }
        CertificateFailure::BadSignature => {
            let weak_rsa = chain.and_then(|chain| {
                chain
                    .certificates
                    .iter()
                    .filter(|cert| {
                        cert.key.algorithm == KeyAlgorithm::Rsa && cert.key.bits < WEBPKI_RSA_MIN_BITS
                    })
                    .map(|cert| cert.key.bits)
                    .min()
            });
            match weak_rsa {
                Some(bits) => format!(
                    "webpki cannot verify a signature made with a {bits}-bit RSA key (it accepts {WEBPKI_RSA_MIN_BITS} bits and more)"
                ),
                None => "a signature in the chain does not verify".into(),
            }
        }
        CertificateFailure::UnsupportedSignatureAlgorithm => {
            "signed with an algorithm modern clients reject (SHA-1, MD5 or an RSA key under 2048 bits)".into()
        }
        CertificateFailure::WrongPurpose => {
            "the certificate is not valid for TLS server authentication (extended key usage)".into()
        }
        CertificateFailure::Expired { not_after: Some(at) } => format!(
            "a certificate in the chain expired on {} (the chain has no moment when all its certificates are valid)",
            rfc3339(*at)
        ),
        CertificateFailure::Expired { not_after: None } => {
            "a certificate in the chain has expired".into()
        }
        CertificateFailure::NotValidYet {
            not_before: Some(at),
        } => format!(
            "a certificate in the chain is not valid before {} (the chain has no moment when all its certificates are valid)",
            rfc3339(*at)
        ),
        CertificateFailure::NotValidYet { not_before: None } => {
            "a certificate in the chain is not valid yet".into()
        }
        CertificateFailure::CaUsedAsEndEntity => {
            "the server certificate is a CA certificate (e.g. a self-signed root) used as a server certificate".into()
        }
        CertificateFailure::EndEntityUsedAsCa => {
            "a server (end-entity) certificate is used as if it were a CA".into()
        }
        CertificateFailure::UnsupportedCertVersion => {
            "a certificate is X.509 version 1 or 2; webpki (and so rustls-based clients) accept only version 3".into()
        }
        CertificateFailure::BadEncoding => "a certificate is not valid DER".into(),
        CertificateFailure::Revoked => "a certificate in the chain is revoked".into(),
        CertificateFailure::ConstraintViolated => {
            "the chain breaks a name or path-length constraint".into()
        }
        CertificateFailure::Other { name } => format!("certificate rejected by webpki: {name}"),
    }
}

/// Why rustls could not verify the server's handshake signature, in words.
pub fn signature_failure(failure: &CertificateFailure, chain: Option<&ChainFacts>) -> String {
    let leaf_rsa_bits = chain
        .and_then(|chain| chain.certificates.first())
        .filter(|leaf| leaf.key.algorithm == KeyAlgorithm::Rsa)
        .map(|leaf| leaf.key.bits);
    match (failure, leaf_rsa_bits) {
        (
            CertificateFailure::BadSignature | CertificateFailure::UnsupportedSignatureAlgorithm,
            Some(bits),
        ) if bits < WEBPKI_RSA_MIN_BITS => format!(
            "rustls cannot verify a handshake signature made with a {bits}-bit RSA key (it accepts {WEBPKI_RSA_MIN_BITS} bits and more)"
        ),
        (CertificateFailure::UnsupportedSignatureAlgorithm, _) => {
            "the handshake is signed with an algorithm rustls does not accept".into()
        }
        _ => "the server's handshake signature does not verify".into(),
    }
}

/// Key-exchange names as the report prints them: `ECDHE`, `DHE`, `RSA`, `TLS13`, ...
pub fn key_exchange(key_exchange: KeyExchange) -> &'static str {
    match key_exchange {
        KeyExchange::Null => "NULL",
        KeyExchange::Rsa => "RSA",
        KeyExchange::Dh => "DH",
        KeyExchange::Dhe => "DHE",
        KeyExchange::DhAnon => "DH_anon",
        KeyExchange::Ecdh => "ECDH",
        KeyExchange::Ecdhe => "ECDHE",
        KeyExchange::EcdhAnon => "ECDH_anon",
        KeyExchange::Psk => "PSK",
        KeyExchange::DhePsk => "DHE_PSK",
        KeyExchange::EcdhePsk => "ECDHE_PSK",
        KeyExchange::RsaPsk => "RSA_PSK",
        KeyExchange::Srp => "SRP",
        KeyExchange::Kerberos => "KRB5",
        KeyExchange::EccPassword => "ECCPWD",
        KeyExchange::Gost => "GOST",
        KeyExchange::Any => "TLS13",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn replies_read_like_the_wire() {
        assert_eq!(
            reply(&Reply::ServerHello {
                version: 0x0303,
                cipher_suite: 0xC02F
            }),
            "ServerHello TLSv1.2 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
        );
        assert_eq!(reply(&Reply::Alert(70)), "alert protocol_version");
        assert_eq!(reply(&Reply::Alert(254)), "unassigned alert 254");
        assert_eq!(
            reply(&Reply::NotTls(NotTlsKind::Http)),
            "not TLS (an HTTP response)"
        );
    }

    #[test]
    fn errors_read_as_plain_words() {
        let timeout = ProbeError::new(
            ErrorKind::Timeout(Duration::from_secs(3)),
            Step::Handshake,
            "",
        );
        assert_eq!(error(&timeout), "no answer within 3.0s (the handshake)");
        let budget = ProbeError::new(ErrorKind::Budget, Step::Connect, "");
        assert_eq!(error(&budget), "not measured: time budget");
        let alert = ProbeError::new(ErrorKind::Alert(40), Step::Handshake, "");
        assert_eq!(
            error(&alert),
            "the server refused with alert handshake_failure"
        );
    }

    #[test]
    fn trust_failures_read_as_plain_words() {
        let expired = CertificateFailure::Expired {
            not_after: Some(1_609_459_200),
        };
        assert_eq!(
            certificate_failure(&expired, None),
            "a certificate in the chain expired on 2021-01-01T00:00:00Z (the chain has no moment when all its certificates are valid)"
        );
        assert!(
            certificate_failure(&CertificateFailure::UnknownIssuer, None)
                .contains("not in the trust store")
        );
        assert!(
            certificate_failure(&CertificateFailure::UnsupportedCertVersion, None)
                .contains("version 1")
        );
    }
}
