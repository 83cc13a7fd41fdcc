//! Consistency across the addresses of one name (`--all-ips`): every address should serve the
//! same certificate, protocol versions and cipher suites. Each address's record gets a
//! `scan.addresses-differ` finding saying where it differs from the others. Pure.

use std::collections::BTreeSet;

use super::catalog::{FindingId, Subject};
use super::protocol::support;
use super::Finding;
use crate::facts::{HostFacts, ProtocolVersion, Support};

/// What one address serves, in the terms it is compared by.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Served {
    address: String,
    leaf: Option<String>,
    versions: Option<BTreeSet<ProtocolVersion>>,
    suites: Option<BTreeSet<String>>,
}

impl Served {
    fn of(facts: &HostFacts) -> Served {
        let address = facts
            .target
            .connected_to
            .map(|address| address.ip().to_string())
            .unwrap_or_else(|| "-".into());
        let leaf = facts
            .chain
            .as_ref()
            .and_then(|chain| chain.certificates.first())
            .map(|leaf| leaf.sha256_fingerprint.clone());
        // Only definite answers compare; an unknown version leaves the set unknown.
        let mut versions = Some(BTreeSet::new());
        for version in ProtocolVersion::ALL {
            match support(facts, version) {
                Some(Support::Accepted(_)) => {
                    if let Some(set) = versions.as_mut() {
                        set.insert(version);
                    }
                }
                Some(Support::Refused(_)) => {}
                _ => versions = None,
            }
        }
        let suites = facts.enumeration.ok().map(|enumeration| {
            enumeration
                .cipher_suites
                .iter()
                .flat_map(|list| {
                    list.suites
                        .iter()
                        .map(move |suite| format!("{} {}", list.version, suite.name))
                })
                .collect()
        });
        Served {
            address,
            leaf,
            versions,
            suites,
        }
    }
}

/// For each record of one name's addresses (in order), the findings on how it differs from
/// the others; nothing when they agree or there is only one.
pub fn findings(group: &[&HostFacts], name: &str) -> Vec<Vec<Finding>> {
    let served: Vec<Served> = group.iter().map(|facts| Served::of(facts)).collect();
    served
        .iter()
        .map(|this| {
            let mut differences = Vec::new();
            for other in served.iter().filter(|other| other.address != this.address) {
                if this.leaf.is_some() && other.leaf.is_some() && this.leaf != other.leaf {
                    differences.push(format!(
                        "a certificate other than {}'s (SHA-256 {} here, {} there)",
                        other.address,
                        short(this.leaf.as_deref()),
                        short(other.leaf.as_deref())
                    ));
                }
                if let (Some(mine), Some(theirs)) = (&this.versions, &other.versions) {
                    if mine != theirs {
                        differences.push(format!(
                            "protocol versions {} where {} accepts {}",
                            versions(mine),
                            other.address,
                            versions(theirs)
                        ));
                    }
                }
                if let (Some(mine), Some(theirs)) = (&this.suites, &other.suites) {
                    if mine != theirs {
                        let only_here: Vec<&String> = mine.difference(theirs).collect();
                        let only_there: Vec<&String> = theirs.difference(mine).collect();
                        differences.push(format!(
                            "cipher suites that differ from {}'s ({} only here, {} only there)",
                            other.address,
                            only_here.len(),
                            only_there.len()
                        ));
                    }
                }
            }
            if differences.is_empty() {
                return Vec::new();
            }
            vec![Finding::new(
                FindingId::ScanAddressesDiffer,
                vec![Subject::Connection],
                format!(
                    "{name} at {} serves {}",
                    this.address,
                    differences.join("; ")
                ),
                name,
            )]
        })
        .collect()
}

fn short(fingerprint: Option<&str>) -> String {
    fingerprint
        .map(|f| f.chars().take(11).collect::<String>() + "...")
        .unwrap_or_else(|| "-".into())
}

fn versions(set: &BTreeSet<ProtocolVersion>) -> String {
    if set.is_empty() {
        return "none".into();
    }
    set.iter().map(|v| v.name()).collect::<Vec<_>>().join(", ")
}
