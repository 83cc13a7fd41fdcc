//! Protocol-version findings from the enumeration: legacy versions accepted, modern ones refused.
//! A version counts as refused only on a definite answer from the server; a version the rustls
//! handshake negotiated counts as accepted whatever the enumeration managed to learn.

use super::catalog::{FindingId, Severity, Subject};
use super::{describe, Finding};
use crate::facts::{HostFacts, ProtocolVersion, Support};

/// What is known about `version`: the enumeration's answer, overruled by the connection rustls
/// negotiated (which proves the version is spoken).
pub fn support(facts: &HostFacts, version: ProtocolVersion) -> Option<Support> {
    let negotiated = facts
        .connection
        .ok()
        .is_some_and(|connection| connection.protocol == version.wire());
    let enumerated = facts
        .enumeration
        .ok()
        .and_then(|enumeration| enumeration.protocol(version))
        .map(|protocol| protocol.support.clone());
    match enumerated {
        Some(Support::Accepted(reply)) => Some(Support::Accepted(reply)),
        _ if negotiated => {
            let connection = facts.connection.ok()?;
            Some(Support::Accepted(crate::facts::Reply::ServerHello {
                version: connection.protocol,
                cipher_suite: connection.cipher_suite,
            }))
        }
        other => other,
    }
}

pub fn findings(facts: &HostFacts, name: &str) -> Vec<Finding> {
    if facts.enumeration.ok().is_none() {
        return Vec::new();
    }
    let mut found = Vec::new();
    let legacy = [
        (ProtocolVersion::Ssl2, FindingId::ProtocolSslv2),
        (ProtocolVersion::Ssl3, FindingId::ProtocolSslv3),
        (ProtocolVersion::Tls10, FindingId::ProtocolTls10),
        (ProtocolVersion::Tls11, FindingId::ProtocolTls11),
    ];
    for (version, id) in legacy {
        if let Some(Support::Accepted(reply)) = support(facts, version) {
            found.push(Finding::new(
                id,
                vec![Subject::Protocol(version)],
                format!("{version} accepted: {}", describe::reply(&reply)),
                name,
            ));
        }
    }
    let any_accepted = ProtocolVersion::ALL
        .iter()
        .any(|version| support(facts, *version).is_some_and(|s| s.is_accepted()));
    let tls13 = support(facts, ProtocolVersion::Tls13);
    let tls13_accepted = tls13.as_ref().is_some_and(Support::is_accepted);
    if let (true, Some(Support::Refused(reply))) =
        (any_accepted, support(facts, ProtocolVersion::Tls12))
    {
        // With TLS 1.3 (Mozilla's "modern") only clients from before TLS 1.3 are left out; without
        // it, a failed handshake already says modern clients cannot connect: one fact, one finding.
        let evidence = format!("{}: {}", ProtocolVersion::Tls12, describe::reply(&reply));
        if tls13_accepted {
            found.push(Finding::new(
                FindingId::ProtocolNoTls12,
                vec![Subject::Protocol(ProtocolVersion::Tls12)],
                evidence,
                name,
            ));
        } else if !super::connection::handshake_failed(facts) {
            found.push(
                Finding::new(
                    FindingId::ProtocolNoTls12,
                    vec![Subject::Protocol(ProtocolVersion::Tls12)],
                    evidence,
                    name,
                )
                .at(Severity::High),
            );
        }
    }
    if let (true, Some(Support::Refused(reply))) = (any_accepted, tls13) {
        found.push(Finding::new(
            FindingId::ProtocolNoTls13,
            vec![Subject::Protocol(ProtocolVersion::Tls13)],
            format!("{}: {}", ProtocolVersion::Tls13, describe::reply(&reply)),
            name,
        ));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{
        ConnectionFacts, EnumerationFacts, ErrorKind, Outcome, ProbeError, ProtocolFacts, Reply,
        Step,
    };
    use std::time::Duration;

    fn enumeration(supports: Vec<(ProtocolVersion, Support)>) -> EnumerationFacts {
        EnumerationFacts {
            protocols: supports
                .into_iter()
                .map(|(version, support)| ProtocolFacts { version, support })
                .collect(),
            cipher_suites: vec![],
            groups: vec![],
            groups_probed_with: None,
            groups_server_order: None,
            handshakes: 0,
            duration: Duration::ZERO,
            max_connections: 5,
        }
    }

    fn accepted(version: ProtocolVersion) -> Support {
        Support::Accepted(Reply::ServerHello {
            version: version.wire(),
            cipher_suite: 0xC02F,
        })
    }

    fn ids(facts: &HostFacts) -> Vec<&'static str> {
        findings(facts, "example.com")
            .iter()
            .map(|f| f.id.as_str())
            .collect()
    }

    #[test]
    fn absence_comes_only_from_a_definite_refusal() {
        let timeout = ProbeError::new(
            ErrorKind::Timeout(Duration::from_secs(3)),
            Step::Handshake,
            "",
        );
        let too_large = ProbeError::new(ErrorKind::TooLarge, Step::Handshake, "");
        let mut facts = crate::analysis::blank_facts();
        facts.enumeration = Outcome::Ok(enumeration(vec![
            (ProtocolVersion::Tls10, Support::Refused(Reply::Alert(70))),
            (ProtocolVersion::Tls12, Support::Unknown(too_large)),
            (ProtocolVersion::Tls13, Support::Unknown(timeout)),
        ]));
        assert!(ids(&facts).is_empty(), "{:?}", ids(&facts));
        facts.enumeration = Outcome::Ok(enumeration(vec![
            (ProtocolVersion::Tls10, accepted(ProtocolVersion::Tls10)),
            (ProtocolVersion::Tls12, Support::Refused(Reply::Alert(70))),
            (ProtocolVersion::Tls13, Support::Refused(Reply::Alert(70))),
        ]));
        // TLS 1.0 only, and no handshake failure on record: TLS 1.2's absence is high.
        assert_eq!(
            ids(&facts),
            vec!["protocol.tls10", "protocol.no-tls12", "protocol.no-tls13"]
        );
        let no_tls12 = findings(&facts, "example.com")
            .into_iter()
            .find(|f| f.id == FindingId::ProtocolNoTls12)
            .unwrap();
        assert_eq!(no_tls12.severity, Severity::High);
    }

    #[test]
    fn a_tls13_only_server_gets_an_info_note_and_a_tls10_only_one_is_not_counted_twice() {
        let mut facts = crate::analysis::blank_facts();
        facts.enumeration = Outcome::Ok(enumeration(vec![
            (ProtocolVersion::Tls12, Support::Refused(Reply::Alert(70))),
            (ProtocolVersion::Tls13, accepted(ProtocolVersion::Tls13)),
        ]));
        let found = findings(&facts, "example.com");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].id, FindingId::ProtocolNoTls12);
        assert_eq!(found[0].severity, Severity::Info);

        // TLS 1.0 only: the refused handshake is the finding; no-tls12 would say it again.
        facts.enumeration = Outcome::Ok(enumeration(vec![
            (ProtocolVersion::Tls10, accepted(ProtocolVersion::Tls10)),
            (ProtocolVersion::Tls12, Support::Refused(Reply::Alert(70))),
            (ProtocolVersion::Tls13, Support::Refused(Reply::Alert(70))),
        ]));
        facts.connection =
            Outcome::Failed(ProbeError::new(ErrorKind::Alert(70), Step::Handshake, ""));
        assert_eq!(ids(&facts), vec!["protocol.tls10", "protocol.no-tls13"]);
    }

    #[test]
    fn the_negotiated_version_counts_as_accepted() {
        let mut facts = crate::analysis::blank_facts();
        let timeout = ProbeError::new(
            ErrorKind::Timeout(Duration::from_secs(3)),
            Step::Handshake,
            "",
        );
        facts.enumeration = Outcome::Ok(enumeration(vec![
            (ProtocolVersion::Tls12, accepted(ProtocolVersion::Tls12)),
            (ProtocolVersion::Tls13, Support::Unknown(timeout)),
        ]));
        facts.connection = Outcome::Ok(ConnectionFacts {
            client: crate::facts::HandshakeClient::Rustls,
            strict_client_failure: None,
            protocol: 0x0304,
            cipher_suite: 0x1301,
            key_exchange_group: None,
            alpn: None,
            tcp_connect: Duration::ZERO,
            handshake: Duration::ZERO,
            ocsp_stapled_bytes: None,
            signature_failure: None,
        });
        assert!(support(&facts, ProtocolVersion::Tls13).is_some_and(|s| s.is_accepted()));
        assert!(ids(&facts).is_empty());
    }
}
