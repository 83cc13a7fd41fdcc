//! Protocol-version findings from the enumeration: legacy versions accepted, modern ones refused.
//! A version counts as refused only on a definite answer from the server; a version the rustls
//! handshake negotiated counts as accepted whatever the enumeration managed to learn.

use super::catalog::{FindingId, Subject};
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
    for (version, id) in [
        (ProtocolVersion::Tls12, FindingId::ProtocolNoTls12),
        (ProtocolVersion::Tls13, FindingId::ProtocolNoTls13),
    ] {
        if let (true, Some(Support::Refused(reply))) = (any_accepted, support(facts, version)) {
            found.push(Finding::new(
                id,
                vec![Subject::Protocol(version)],
                format!("{version}: {}", describe::reply(&reply)),
                name,
            ));
        }
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
        assert_eq!(
            ids(&facts),
            vec!["protocol.tls10", "protocol.no-tls12", "protocol.no-tls13"]
        );
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
