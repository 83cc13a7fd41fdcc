//! Connection findings: a handshake a modern client cannot complete (even where tlscheck's
//! legacy client could, and how bad that is depends on whether browsers still connect), and a
//! handshake signature rustls cannot verify.

use super::catalog::{FindingId, Severity, Subject};
use super::{client_auth, describe, Finding};
use crate::facts::{ConnectionFacts, ErrorKind, HostFacts, KeyAlgorithm, Outcome, ProbeError};
use crate::tls::suites::{self, BulkCipher, KeyExchange};
use crate::tls::ProtocolVersion;

/// How rustls, a strict modern client, failed against the server: the connection's error, or
/// when the legacy client connected instead, the failure it records.
pub fn strict_client_failure(facts: &HostFacts) -> Option<&ProbeError> {
    match &facts.connection {
        Outcome::Failed(error) => Some(error),
        Outcome::Ok(connection) => connection.strict_client_failure.as_ref(),
        Outcome::Skipped(_) => None,
    }
}

/// The handshake failed for a strict modern client on a definite answer from the server that
/// client certificates do not explain: `tls.handshake-failed` is raised.
pub fn handshake_failed(facts: &HostFacts) -> bool {
    // A refusal over client certificates explains the failure; it has its own finding.
    // A failure that is not the server's answer (timeout, reset, limit) is inconclusive.
    // A refusal is an alert, a close before any ServerHello, or a ServerHello choosing what
    // a modern client does not do; a malformed reply, a close after the ServerHello or a
    // reply that is not TLS is no configuration a fix could name.
    strict_client_failure(facts).is_some_and(|error| {
        let refusal = match error.kind {
            ErrorKind::Alert(_) | ErrorKind::Protocol => true,
            ErrorKind::Closed => !error.after_server_hello(),
            _ => false,
        };
        refusal && !client_auth::explains_refusal(facts)
    })
}

/// Current browsers still complete this handshake: TLS 1.2 with AES (CBC or GCM) and ECDHE or
/// RSA key exchange. (They refuse TLS 1.0/1.1, RC4, 3DES and DES, and DHE.)
pub fn browsers_connect(connection: &ConnectionFacts) -> bool {
    let Some(suite) = suites::by_code(connection.cipher_suite) else {
        return false;
    };
    connection.protocol == ProtocolVersion::Tls12.wire()
        && suite.cipher == BulkCipher::Aes
        && matches!(suite.key_exchange, KeyExchange::Ecdhe | KeyExchange::Rsa)
        && !suite.is_export()
}

pub fn findings(facts: &HostFacts, name: &str) -> Vec<Finding> {
    let mut found = Vec::new();
    match &facts.connection {
        Outcome::Ok(connection) if connection.strict_client_failure.is_some() => {
            if let (true, Some(error)) = (handshake_failed(facts), strict_client_failure(facts)) {
                let negotiated = format!(
                    "{} {}",
                    crate::tls::version_name(connection.protocol),
                    suites::by_code(connection.cipher_suite).map_or_else(
                        || suites::iana_name(connection.cipher_suite),
                        |s| { s.display_name().to_string() }
                    )
                );
                let browsers = browsers_connect(connection);
                let evidence = format!(
                    "rustls (a strict modern client): {}; tlscheck's legacy client connected with {negotiated}, {}",
                    describe::error(error),
                    if browsers {
                        "which current browsers still accept"
                    } else {
                        "which current browsers refuse"
                    }
                );
                let finding = Finding::new(
                    FindingId::HandshakeFailed,
                    vec![Subject::Connection],
                    evidence,
                    name,
                );
                found.push(if browsers {
                    finding.at(Severity::Medium)
                } else {
                    finding
                });
            }
        }
        Outcome::Failed(error) => {
            if handshake_failed(facts) {
                let meaning = match error.kind {
                    ErrorKind::Alert(70) => {
                        ": it does not accept TLS 1.2 or 1.3 (it may speak only TLS 1.0/1.1 or SSL)"
                    }
                    ErrorKind::Alert(40 | 71) => {
                        ": no cipher suite or key-exchange group in common with a modern client (it may allow only legacy suites)"
                    }
                    _ => "",
                };
                found.push(Finding::new(
                    FindingId::HandshakeFailed,
                    vec![Subject::Connection],
                    format!("{}{meaning}", describe::error(error)),
                    name,
                ));
            }
        }
        Outcome::Ok(connection) => {
            let weak_rsa_leaf = facts
                .chain
                .as_ref()
                .and_then(|chain| chain.certificates.first())
                .is_some_and(|leaf| {
                    leaf.key.algorithm == KeyAlgorithm::Rsa
                        && leaf.key.bits < describe::WEBPKI_RSA_MIN_BITS
                });
            if let (Some(failure), false) = (&connection.signature_failure, weak_rsa_leaf) {
                found.push(Finding::new(
                    FindingId::SignatureUnverifiable,
                    vec![Subject::Connection],
                    describe::signature_failure(failure, facts.chain.as_ref()),
                    name,
                ));
            }
        }
        Outcome::Skipped(_) => {}
    }
    found
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::facts::{
        EnumerationFacts, HandshakeClient, ProtocolFacts, ProtocolVersion, Reply, Step, Support,
    };

    fn legacy_connection(protocol: ProtocolVersion, cipher_suite: u16) -> ConnectionFacts {
        ConnectionFacts {
            client: HandshakeClient::Legacy,
            strict_client_failure: Some(ProbeError::new(ErrorKind::Alert(40), Step::Handshake, "")),
            protocol: protocol.wire(),
            cipher_suite,
            key_exchange_group: None,
            alpn: None,
            tcp_connect: Duration::ZERO,
            handshake: Duration::ZERO,
            ocsp_stapled_bytes: None,
            signature_failure: None,
        }
    }

    fn severity(facts: &HostFacts) -> Option<Severity> {
        findings(facts, "example.com")
            .iter()
            .find(|finding| finding.id == FindingId::HandshakeFailed)
            .map(|finding| finding.severity)
    }

    #[test]
    fn a_legacy_connection_browsers_accept_is_medium_and_one_they_refuse_critical() {
        let mut facts = crate::analysis::blank_facts();
        for (protocol, suite, expected) in [
            // ECDHE-RSA-AES128-SHA over TLS 1.2: browsers connect, rustls does not.
            (ProtocolVersion::Tls12, 0xc013, Severity::Medium),
            // AES128-SHA over TLS 1.2: Firefox and Safari still connect.
            (ProtocolVersion::Tls12, 0x002f, Severity::Medium),
            (ProtocolVersion::Tls10, 0xc013, Severity::Critical),
            (ProtocolVersion::Tls12, 0x000a, Severity::Critical), // 3DES
            (ProtocolVersion::Tls12, 0x0005, Severity::Critical), // RC4
            (ProtocolVersion::Tls12, 0x0033, Severity::Critical), // DHE
        ] {
            facts.connection = Outcome::Ok(legacy_connection(protocol, suite));
            assert_eq!(severity(&facts), Some(expected), "{protocol} {suite:#06x}");
        }
        // rustls connected: nothing to say.
        let mut rustls = legacy_connection(ProtocolVersion::Tls12, 0xc02f);
        rustls.client = HandshakeClient::Rustls;
        rustls.strict_client_failure = None;
        facts.connection = Outcome::Ok(rustls);
        assert_eq!(severity(&facts), None);
    }

    #[test]
    fn a_tls10_only_server_reached_by_the_legacy_client_is_not_counted_twice() {
        let mut facts = crate::analysis::blank_facts();
        facts.connection = Outcome::Ok(legacy_connection(ProtocolVersion::Tls10, 0x002f));
        facts.enumeration = Outcome::Ok(EnumerationFacts {
            protocols: vec![
                ProtocolFacts {
                    version: ProtocolVersion::Tls10,
                    support: Support::Accepted(Reply::ServerHello {
                        version: 0x0301,
                        cipher_suite: 0x002f,
                    }),
                },
                ProtocolFacts {
                    version: ProtocolVersion::Tls12,
                    support: Support::Refused(Reply::Alert(70)),
                },
            ],
            cipher_suites: vec![],
            groups: vec![],
            groups_probed_with: None,
            groups_server_order: None,
            handshakes: 0,
            duration: Duration::ZERO,
            max_connections: 5,
        });
        assert_eq!(severity(&facts), Some(Severity::Critical));
        let protocol_ids: Vec<_> = super::super::protocol::findings(&facts, "example.com")
            .iter()
            .map(|finding| finding.id)
            .collect();
        assert!(
            !protocol_ids.contains(&FindingId::ProtocolNoTls12),
            "{protocol_ids:?}"
        );
        assert!(protocol_ids.contains(&FindingId::ProtocolTls10));
    }
}
