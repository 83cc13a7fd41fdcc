//! Judging one reply: did the server pick an offered suite at the version offered, refuse the
//! version, share no suite, or give no answer to judge? Pure.

use super::Accepted;
use crate::facts::{ErrorKind, ProbeError, Reply, Step};
use crate::tls::alert;
use crate::tls::server_messages::{EcParameters, KeyExchangeParameters};
use crate::tls::suites::{self, CipherSuite};
use crate::tls::{ProtocolVersion, ServerFlight, ServerReply};

/// A reply as evidence.
pub(super) fn reply_of(reply: &ServerReply) -> Reply {
    match reply {
        ServerReply::Handshake(flight) => Reply::ServerHello {
            version: flight.server_hello.version(),
            cipher_suite: flight.server_hello.cipher_suite,
        },
        ServerReply::HelloRetryRequest(hello) => Reply::HelloRetryRequest {
            group: hello.key_share_group,
        },
        ServerReply::Alert(alert) => Reply::Alert(alert.description),
        ServerReply::Sslv2(hello) => Reply::Sslv2ServerHello {
            cipher_kinds: hello.cipher_specs.len(),
        },
        ServerReply::Sslv2Error(code) => Reply::Sslv2Error(*code),
        ServerReply::NotTls(not_tls) => Reply::NotTls(not_tls.kind),
        ServerReply::ClosedWithoutReply => Reply::Closed,
    }
}

pub(super) fn accepted_from(
    flight: Option<&ServerFlight>,
    suite: &'static CipherSuite,
) -> Accepted {
    let parameters = flight
        .and_then(|flight| flight.server_key_exchange.as_ref())
        .map(|k| &k.parameters);
    let (dh_bits, ecdh_group) = match parameters {
        Some(KeyExchangeParameters::Dh(dh)) => (Some(dh.prime_bits()), None),
        Some(KeyExchangeParameters::Ec(EcParameters::NamedCurve { group, .. })) => {
            (None, Some(*group))
        }
        _ => (None, None),
    };
    Accepted {
        suite,
        dh_bits,
        ecdh_group,
    }
}

/// Whether the server speaks `version` at all, judged from a reply to a hello of that version.
pub(super) enum Verdict {
    /// A ServerHello (or, in TLS 1.3, a HelloRetryRequest: no flight then) of this version
    /// choosing an offered suite, with the reply as evidence.
    Picked(Option<Box<ServerFlight>>, &'static CipherSuite, Reply),
    /// The server speaks the version but shares none of the offered suites.
    NoCommonSuite(Reply),
    /// The server does not speak the version (protocol_version alert, lower version, closed).
    NotSpoken(Reply),
    /// No answer to judge.
    Failed(ProbeError),
}

/// The alerts that say "no suite in common" rather than "not this version".
const NO_COMMON_SUITE_ALERTS: [u8; 3] = [
    alert::description::HANDSHAKE_FAILURE,
    alert::description::INSUFFICIENT_SECURITY,
    alert::description::ILLEGAL_PARAMETER,
];

pub(super) fn judge(
    version: ProtocolVersion,
    offered: &[u16],
    reply: Result<ServerReply, ProbeError>,
) -> Verdict {
    let reply = match reply {
        Ok(reply) => reply,
        Err(error) => return Verdict::Failed(error),
    };
    let evidence = reply_of(&reply);
    let (flight, hello) = match reply {
        ServerReply::Handshake(flight) => {
            let hello = flight.server_hello.clone();
            (Some(flight), hello)
        }
        ServerReply::HelloRetryRequest(hello) if version == ProtocolVersion::Tls13 => (None, hello),
        // Only a client offering TLS 1.3 may be asked to retry: no answer to judge.
        ServerReply::HelloRetryRequest(_) => {
            return Verdict::Failed(ProbeError::new(
                ErrorKind::Malformed,
                Step::Handshake,
                format!(
                    "a HelloRetryRequest to a {} hello (only TLS 1.3 has them)",
                    crate::tls::version_name(version.wire())
                ),
            ))
        }
        ServerReply::Alert(alert) if NO_COMMON_SUITE_ALERTS.contains(&alert.description) => {
            return Verdict::NoCommonSuite(evidence)
        }
        _ => return Verdict::NotSpoken(evidence),
    };
    if hello.version() > version.wire() {
        // A server may only choose a version the client offered: no answer to judge.
        return Verdict::Failed(ProbeError::new(
            ErrorKind::Malformed,
            Step::Handshake,
            format!(
                "a ServerHello of {} to a {} hello",
                crate::tls::version_name(hello.version()),
                crate::tls::version_name(version.wire())
            ),
        ));
    }
    if hello.version() != version.wire() {
        return Verdict::NotSpoken(Reply::LowerVersion(hello.version()));
    }
    match suites::by_code(hello.cipher_suite) {
        Some(suite) if offered.contains(&suite.code) => Verdict::Picked(flight, suite, evidence),
        _ => Verdict::Failed(ProbeError::new(
            ErrorKind::Protocol,
            Step::Handshake,
            format!(
                "the server chose {}, which was not offered",
                suites::iana_name(hello.cipher_suite)
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tls::server_messages::ServerHello;
    use crate::tls::{Alert, AlertLevel};

    fn flight(version: u16, suite: u16) -> ServerReply {
        ServerReply::Handshake(Box::new(ServerFlight {
            server_hello: ServerHello {
                legacy_version: version,
                cipher_suite: suite,
                ..ServerHello::default()
            },
            certificates: None,
            server_key_exchange: None,
            certificate_request: None,
            hello_done: true,
            other_messages: vec![],
            warnings: vec![],
            closing_alert: None,
        }))
    }

    fn alert(description: u8) -> ServerReply {
        ServerReply::Alert(Alert {
            level: AlertLevel::Fatal,
            description,
        })
    }

    const ECDHE_RSA_AES128_GCM: u16 = 0xC02F;
    const RSA_AES128_SHA: u16 = 0x002F;

    #[test]
    fn a_server_hello_with_an_offered_suite_is_a_pick() {
        let offered = [ECDHE_RSA_AES128_GCM, RSA_AES128_SHA];
        match judge(
            ProtocolVersion::Tls12,
            &offered,
            Ok(flight(0x0303, RSA_AES128_SHA)),
        ) {
            Verdict::Picked(_, suite, evidence) => {
                assert_eq!(suite.code, RSA_AES128_SHA);
                assert_eq!(
                    evidence,
                    Reply::ServerHello {
                        version: 0x0303,
                        cipher_suite: RSA_AES128_SHA
                    }
                );
            }
            _ => panic!("expected a pick"),
        }
    }

    #[test]
    fn a_lower_version_means_the_version_is_not_spoken() {
        let verdict = judge(
            ProtocolVersion::Tls12,
            &[RSA_AES128_SHA],
            Ok(flight(0x0301, RSA_AES128_SHA)),
        );
        assert!(matches!(
            verdict,
            Verdict::NotSpoken(Reply::LowerVersion(0x0301))
        ));
    }

    #[test]
    fn handshake_failure_means_no_common_suite_and_protocol_version_means_not_spoken() {
        assert!(matches!(
            judge(ProtocolVersion::Tls10, &[RSA_AES128_SHA], Ok(alert(40))),
            Verdict::NoCommonSuite(Reply::Alert(40))
        ));
        assert!(matches!(
            judge(ProtocolVersion::Tls10, &[RSA_AES128_SHA], Ok(alert(70))),
            Verdict::NotSpoken(Reply::Alert(70))
        ));
        assert!(matches!(
            judge(
                ProtocolVersion::Tls10,
                &[RSA_AES128_SHA],
                Ok(ServerReply::ClosedWithoutReply)
            ),
            Verdict::NotSpoken(Reply::Closed)
        ));
    }

    #[test]
    fn a_suite_that_was_not_offered_or_no_reply_is_a_failure_not_a_pick() {
        assert!(matches!(
            judge(ProtocolVersion::Tls12, &[ECDHE_RSA_AES128_GCM], Ok(flight(0x0303, RSA_AES128_SHA))),
            Verdict::Failed(ref e) if e.detail.contains("not offered") && e.kind == ErrorKind::Protocol
        ));
        let timeout = ProbeError::new(
            ErrorKind::Timeout(std::time::Duration::from_secs(3)),
            Step::Handshake,
            "",
        );
        assert!(matches!(
            judge(ProtocolVersion::Tls12, &[RSA_AES128_SHA], Err(timeout)),
            Verdict::Failed(ref e) if matches!(e.kind, ErrorKind::Timeout(_))
        ));
    }
}
