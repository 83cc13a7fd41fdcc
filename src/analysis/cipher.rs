//! Cipher-suite findings from the enumeration: weak suites, no forward secrecy, no AEAD, weak
//! Diffie-Hellman parameters, and who picks the suite. Findings of absence ("no suite has ...")
//! need complete suite lists.

use super::catalog::{FindingId, Severity, Subject};
use super::Finding;
use crate::facts::{
    EnumerationFacts, HostFacts, Outcome, ProtocolVersion, SuiteFacts, VersionSuites,
};

/// DH primes below this many bits are weak (Logjam; NIST and Mozilla ask for 2048).
pub const DH_MIN_BITS: u32 = 2048;
/// DH primes of at most this many bits are a high finding.
pub const DH_HIGH_BITS: u32 = 1024;

/// The suites (with their version) matching `predicate`: their subjects, and the evidence
/// `TLSv1.0: A, B; TLSv1.2: C`.
fn matching(
    facts: &EnumerationFacts,
    predicate: impl Fn(&VersionSuites, &SuiteFacts) -> bool,
) -> Option<(Vec<Subject>, String)> {
    let mut subjects = Vec::new();
    let parts: Vec<String> = facts
        .cipher_suites
        .iter()
        .filter_map(|version| {
            let names: Vec<&str> = version
                .suites
                .iter()
                .filter(|suite| predicate(version, suite))
                .map(|suite| {
                    subjects.push(Subject::Suite {
                        version: version.version,
                        id: suite.id,
                    });
                    suite.display_name()
                })
                .collect();
            (!names.is_empty()).then(|| format!("{}: {}", version.version, names.join(", ")))
        })
        .collect();
    (!parts.is_empty()).then(|| (subjects, parts.join("; ")))
}

/// A finding id and which suites trigger it.
type WeakSuiteRule = (FindingId, fn(&SuiteFacts) -> bool);

const WEAK_SUITES: [WeakSuiteRule; 6] = [
    (FindingId::CipherNull, |s| s.null),
    (FindingId::CipherAnonymous, |s| s.anonymous),
    (FindingId::CipherExport, |s| s.export),
    (FindingId::CipherRc4, |s| s.rc4),
    (FindingId::CipherDes, |s| s.des),
    (FindingId::Cipher3des, |s| s.triple_des),
];

pub fn findings(facts: &HostFacts, name: &str) -> Vec<Finding> {
    match &facts.enumeration {
        Outcome::Ok(enumeration) => enumeration_findings(enumeration, name),
        _ => Vec::new(),
    }
}

fn enumeration_findings(facts: &EnumerationFacts, name: &str) -> Vec<Finding> {
    let mut found = Vec::new();
    for (id, predicate) in WEAK_SUITES {
        if let Some((subjects, evidence)) = matching(facts, |_, suite| predicate(suite)) {
            found.push(Finding::new(id, subjects, evidence, name));
        }
    }
    if let Some((subjects, evidence)) = matching(facts, |version, suite| {
        version.version == ProtocolVersion::Tls10 && suite.cbc
    }) {
        found.push(Finding::new(
            FindingId::CipherCbcTls10,
            subjects,
            evidence,
            name,
        ));
    }
    let complete = facts.cipher_suites.iter().all(|v| v.incomplete.is_none());
    if let Some((subjects, evidence)) = matching(facts, |_, suite| {
        !suite.forward_secrecy && !suite.anonymous && !suite.null
    }) {
        let any_forward_secret = facts
            .cipher_suites
            .iter()
            .flat_map(|v| &v.suites)
            .any(|s| s.forward_secrecy && !s.anonymous);
        // "No suite has forward secrecy" is a claim of absence: only from complete lists.
        let severity = if any_forward_secret || !complete {
            Severity::Medium
        } else {
            Severity::High
        };
        found.push(
            Finding::new(FindingId::CipherNoForwardSecrecy, subjects, evidence, name).at(severity),
        );
    }
    let modern: Vec<&VersionSuites> = facts
        .cipher_suites
        .iter()
        .filter(|v| matches!(v.version, ProtocolVersion::Tls12 | ProtocolVersion::Tls13))
        .collect();
    if !modern.is_empty()
        && modern.iter().all(|v| v.incomplete.is_none())
        && !modern.iter().flat_map(|v| &v.suites).any(|s| s.aead)
    {
        let (subjects, evidence) =
            matching(facts, |v, _| v.version == ProtocolVersion::Tls12).unwrap_or_default();
        found.push(Finding::new(
            FindingId::CipherNoAead,
            subjects,
            evidence,
            name,
        ));
    }
    let weakest_dh = facts
        .cipher_suites
        .iter()
        .flat_map(|v| &v.suites)
        .filter_map(|s| s.dh_bits)
        .min();
    if let Some(bits) = weakest_dh.filter(|bits| *bits < DH_MIN_BITS) {
        let (subjects, suites) =
            matching(facts, |_, s| s.dh_bits.is_some_and(|b| b < DH_MIN_BITS)).unwrap_or_default();
        found.push(
            Finding::new(
                FindingId::DhWeak,
                subjects,
                format!("{bits}-bit DH prime; {suites}"),
                name,
            )
            .at(if bits <= DH_HIGH_BITS {
                Severity::High
            } else {
                Severity::Medium
            }),
        );
    }
    // Letting the client choose is harmless when every suite it can choose is AEAD with forward
    // secrecy (Mozilla's intermediate profile prescribes it); it matters when weaker ones are
    // on offer.
    let weaker = |suite: &SuiteFacts| !(suite.aead && suite.forward_secrecy);
    let client_order: Vec<&VersionSuites> = facts
        .cipher_suites
        .iter()
        .filter(|v| v.server_order == Some(false) && v.version != ProtocolVersion::Tls13)
        .filter(|v| v.suites.iter().any(weaker))
        .collect();
    if !client_order.is_empty() {
        found.push(Finding::new(
            FindingId::CipherClientOrder,
            client_order
                .iter()
                .map(|v| Subject::SuiteOrder(v.version))
                .collect(),
            client_order
                .iter()
                .map(|v| {
                    let names: Vec<&str> = v
                        .suites
                        .iter()
                        .filter(|s| weaker(s))
                        .map(SuiteFacts::display_name)
                        .collect();
                    format!(
                        "client's preference wins for {}, where it may pick {}",
                        v.version,
                        names.join(", ")
                    )
                })
                .collect::<Vec<_>>()
                .join("; "),
            name,
        ));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{findings as all_findings, ExpiryThresholds, Severity};
    use crate::facts::{ProtocolFacts, Reply, SuiteId, Support};
    use crate::tls::suites::by_code;
    use std::time::Duration;

    fn suite(code: u16, dh_bits: Option<u32>) -> SuiteFacts {
        SuiteFacts::of(by_code(code).expect("known suite"), dh_bits, None)
    }

    /// A record whose enumeration accepted `versions` (with their order and suites), refused the
    /// rest with protocol_version.
    fn facts(versions: &[(ProtocolVersion, Option<bool>, Vec<SuiteFacts>)]) -> HostFacts {
        let protocols = ProtocolVersion::ALL
            .iter()
            .map(|version| ProtocolFacts {
                version: *version,
                support: match versions.iter().find(|(v, _, _)| v == version) {
                    Some((_, _, suites)) => Support::Accepted(Reply::ServerHello {
                        version: version.wire(),
                        cipher_suite: match suites.first().map(|s| s.id) {
                            Some(SuiteId::Tls(code)) => code,
                            _ => 0,
                        },
                    }),
                    None => Support::Refused(Reply::Alert(70)),
                },
            })
            .collect();
        let mut facts = crate::analysis::blank_facts();
        facts.enumeration = Outcome::Ok(EnumerationFacts {
            protocols,
            cipher_suites: versions
                .iter()
                .map(|(version, order, suites)| VersionSuites {
                    version: *version,
                    server_order: *order,
                    suites: suites.clone(),
                    incomplete: None,
                })
                .collect(),
            groups: vec![],
            groups_probed_with: None,
            groups_server_order: None,
            handshakes: 0,
            duration: Duration::ZERO,
            max_connections: 5,
        });
        facts
    }

    fn ids(facts: &HostFacts) -> Vec<&'static str> {
        let mut ids: Vec<&'static str> = all_findings(facts, ExpiryThresholds::default())
            .iter()
            .map(|f| f.id.as_str())
            .collect();
        ids.sort_unstable();
        ids
    }

    const ECDHE_RSA_AES128_GCM: u16 = 0xC02F;
    const ECDHE_RSA_CHACHA20: u16 = 0xCCA8;
    const TLS_AES_128_GCM: u16 = 0x1301;

    #[test]
    fn mozilla_intermediate_with_client_order_has_no_findings() {
        let intermediate = facts(&[
            (
                ProtocolVersion::Tls12,
                Some(false),
                vec![
                    suite(ECDHE_RSA_AES128_GCM, None),
                    suite(ECDHE_RSA_CHACHA20, None),
                ],
            ),
            (
                ProtocolVersion::Tls13,
                Some(false),
                vec![suite(TLS_AES_128_GCM, None)],
            ),
        ]);
        assert!(ids(&intermediate).is_empty(), "{:?}", ids(&intermediate));
    }

    #[test]
    fn a_seed_style_legacy_server_gets_each_finding() {
        let legacy = facts(&[
            (ProtocolVersion::Ssl3, Some(true), vec![suite(0x0005, None)]), // RC4-SHA
            (
                ProtocolVersion::Tls10,
                Some(false),
                vec![
                    suite(0x002F, None),       // AES128-SHA
                    suite(0x000A, None),       // DES-CBC3-SHA
                    suite(0x0015, Some(1024)), // EDH-RSA-DES-CBC-SHA
                ],
            ),
            (
                ProtocolVersion::Tls12,
                Some(true),
                vec![suite(0x002F, None)],
            ),
        ]);
        assert_eq!(
            ids(&legacy),
            vec![
                "cipher.3des",
                "cipher.cbc-tls10",
                "cipher.client-order",
                "cipher.des",
                "cipher.no-aead",
                "cipher.no-forward-secrecy",
                "cipher.rc4",
                "dh.weak",
                "protocol.no-tls13",
                "protocol.sslv3",
                "protocol.tls10",
            ]
        );
        let found = all_findings(&legacy, ExpiryThresholds::default());
        let find = |id: FindingId| found.iter().find(|f| f.id == id).expect("finding");
        let dh = find(FindingId::DhWeak);
        assert_eq!(dh.severity, Severity::High);
        assert!(
            dh.evidence.starts_with("1024-bit DH prime"),
            "{}",
            dh.evidence
        );
        assert_eq!(
            find(FindingId::CipherClientOrder).evidence,
            "client's preference wins for TLSv1.0, where it may pick AES128-SHA, DES-CBC3-SHA, EDH-RSA-DES-CBC-SHA"
        );
        // Some suites have forward secrecy (EDH), so static RSA is medium, not high.
        assert_eq!(
            find(FindingId::CipherNoForwardSecrecy).severity,
            Severity::Medium
        );
        // The marks point at the very suites.
        assert!(find(FindingId::Cipher3des)
            .subjects
            .contains(&Subject::Suite {
                version: ProtocolVersion::Tls10,
                id: SuiteId::Tls(0x000A)
            }));
    }

    #[test]
    fn dh_between_1024_and_2048_bits_is_medium() {
        let facts = facts(&[(
            ProtocolVersion::Tls12,
            Some(true),
            vec![suite(0x009E, Some(1536))],
        )]);
        let found = all_findings(&facts, ExpiryThresholds::default());
        let dh = found.iter().find(|f| f.id == FindingId::DhWeak).unwrap();
        assert_eq!(dh.severity, Severity::Medium);
    }

    #[test]
    fn no_forward_secrecy_at_all_is_high_only_from_complete_lists() {
        let mut only_rsa = facts(&[(
            ProtocolVersion::Tls12,
            Some(true),
            vec![suite(0x009C, None)], // AES128-GCM-SHA256
        )]);
        let severity = |facts: &HostFacts| {
            all_findings(facts, ExpiryThresholds::default())
                .into_iter()
                .find(|f| f.id == FindingId::CipherNoForwardSecrecy)
                .map(|f| f.severity)
        };
        assert_eq!(severity(&only_rsa), Some(Severity::High));
        if let Outcome::Ok(enumeration) = &mut only_rsa.enumeration {
            enumeration.cipher_suites[0].incomplete = Some(crate::facts::ProbeError::new(
                crate::facts::ErrorKind::Budget,
                crate::facts::Step::Connect,
                "",
            ));
        }
        assert_eq!(severity(&only_rsa), Some(Severity::Medium));
    }
}
