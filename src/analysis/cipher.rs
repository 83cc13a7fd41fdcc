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
    let client_order: Vec<ProtocolVersion> = facts
        .cipher_suites
        .iter()
        .filter(|v| v.server_order == Some(false) && v.version != ProtocolVersion::Tls13)
        .map(|v| v.version)
        .collect();
    if !client_order.is_empty() {
        found.push(Finding::new(
            FindingId::CipherClientOrder,
            client_order
                .iter()
                .map(|v| Subject::SuiteOrder(*v))
                .collect(),
            format!(
                "client's preference wins for {}",
                client_order
                    .iter()
                    .map(|v| v.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            name,
        ));
    }
    found
}
