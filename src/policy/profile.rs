//! Profiles as data: Mozilla's server-side TLS guideline files (`profiles/`, compiled in), each
//! configuration a profile (`mozilla-intermediate`, `mozilla-modern@5.7`, ...), and the check of
//! a target's facts against one. Every deviation is a `policy.*` finding naming the rule and the
//! profile version, with the offending protocols, suites, groups or certificate properties.
//! Rules are one-sided: offering less than a profile lists (TLS 1.3 only under intermediate, a
//! subset of its suites) is no deviation; offering what it does not list is.

use std::collections::BTreeSet;

use serde::Deserialize;

use super::rules::{Rule, Rules, SuiteSet};
use crate::analysis::Finding;
use crate::facts::{HostFacts, KeyAlgorithm, ProtocolVersion};
use crate::tls::groups::{self, GroupKind};
use crate::tls::suites;

/// The guideline files, newest last; the newest holding a configuration is its default.
const GUIDELINES: [(&str, &str); 2] = [
    ("5.7", include_str!("profiles/mozilla-5.7.json")),
    ("6.0", include_str!("profiles/mozilla-6.0.json")),
];

/// One configuration of one guideline file, as Mozilla wrote it.
#[derive(Clone, Debug, Deserialize)]
struct Configuration {
    certificate_curves: Vec<String>,
    certificate_signatures: Vec<String>,
    certificate_types: Vec<String>,
    ciphers: Ciphers,
    ciphersuites: Vec<String>,
    dh_param_size: Option<u32>,
    ecdh_param_size: Option<u32>,
    hsts_min_age: Option<u64>,
    maximum_certificate_lifespan: Option<i64>,
    ocsp_staple: bool,
    rsa_key_size: Option<u32>,
    server_preferred_order: bool,
    tls_curves: Vec<String>,
    tls_versions: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
struct Ciphers {
    iana: Vec<String>,
    openssl: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Guideline {
    configurations: std::collections::BTreeMap<String, Configuration>,
}

/// A profile a target is checked against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    /// `intermediate`, `modern` or `old`.
    pub configuration: String,
    /// The guideline version, e.g. `6.0`.
    pub version: String,
    pub rules: Rules,
    prescription: Prescription,
}

/// What a profile prescribes, in the words servers are configured with (OpenSSL's names, in
/// the profile's order): the data `--suggest` writes configurations from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prescription {
    pub versions: Vec<ProtocolVersion>,
    /// Suites for TLS 1.2 and below, by OpenSSL name.
    pub ciphers: Vec<String>,
    /// TLS 1.3 suites (OpenSSL uses the IANA names).
    pub ciphersuites: Vec<String>,
    /// Key-exchange groups, by OpenSSL name.
    pub groups: Vec<String>,
    pub server_preferred_order: bool,
    /// The smallest DH prime, in bits, for DHE suites.
    pub dh_param_size: Option<u32>,
    /// The smallest HSTS max-age, in seconds.
    pub hsts_min_age: Option<u64>,
    pub ocsp_staple: bool,
    pub certificate_types: Vec<KeyAlgorithm>,
    /// Curves of ECDSA certificates, by OpenSSL name (`prime256v1`).
    pub certificate_curves: Vec<String>,
    /// Signature algorithms, by OpenSSL name (`ecdsa-with-SHA256`).
    pub certificate_signatures: Vec<String>,
    pub rsa_key_size: Option<u32>,
    /// The longest certificate lifetime, in days.
    pub maximum_certificate_lifespan: Option<i64>,
}

impl Prescription {
    /// The groups an OpenSSL older than 3.5 knows: every one but the post-quantum and hybrid
    /// ones (`X25519MLKEM768`), which OpenSSL 3.5 brought. A server refuses to start with a group
    /// its OpenSSL does not know; offering fewer groups than a profile lists is no deviation.
    pub fn classical_groups(&self) -> Vec<&str> {
        self.groups
            .iter()
            .filter(|name| !is_post_quantum(name))
            .map(String::as_str)
            .collect()
    }

    /// The post-quantum and hybrid groups the profile lists (OpenSSL 3.5 or later).
    pub fn post_quantum_groups(&self) -> Vec<&str> {
        self.groups
            .iter()
            .filter(|name| is_post_quantum(name))
            .map(String::as_str)
            .collect()
    }

    /// The profile lists suites with finite-field Diffie-Hellman key exchange (`DHE-RSA-...`),
    /// which need DH parameters of at least [`Prescription::dh_param_size`] bits.
    pub fn has_dhe_suites(&self) -> bool {
        self.ciphers
            .iter()
            .any(|name| name.starts_with("DHE-") || name.starts_with("EDH-"))
    }
}

fn is_post_quantum(name: &str) -> bool {
    group_of(name)
        .and_then(groups::by_code)
        .is_some_and(|group| matches!(group.kind, GroupKind::PostQuantum | GroupKind::Hybrid))
}

/// Why a profile name is not one tlscheck has.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("--policy '{name}' is not a built-in profile (try: {known})")]
pub struct UnknownProfile {
    pub name: String,
    pub known: String,
}

impl Profile {
    /// `mozilla-intermediate` (the newest version with it) or `mozilla-old@5.7`.
    pub fn builtin(name: &str) -> Result<Profile, UnknownProfile> {
        let unknown = || UnknownProfile {
            name: name.to_string(),
            known: Profile::names().join(", "),
        };
        let (base, version) = match name.split_once('@') {
            Some((base, version)) => (base, Some(version)),
            None => (name, None),
        };
        let configuration = base.strip_prefix("mozilla-").ok_or_else(unknown)?;
        let candidates = GUIDELINES
            .iter()
            .rev()
            .filter(|(number, _)| version.is_none_or(|wanted| wanted == *number));
        for (number, text) in candidates {
            let guideline: Guideline = serde_json::from_str(text).map_err(|_| unknown())?;
            if let Some(found) = guideline.configurations.get(configuration) {
                let label = format!("mozilla-{configuration} {number}");
                return Ok(Profile {
                    configuration: configuration.to_string(),
                    version: (*number).to_string(),
                    rules: found.rules(&label),
                    prescription: Prescription::from(found),
                });
            }
        }
        Err(unknown())
    }

    /// Every built-in profile name, with its version.
    pub fn names() -> Vec<String> {
        let mut names = Vec::new();
        for (number, text) in GUIDELINES.iter().rev() {
            if let Ok(guideline) = serde_json::from_str::<Guideline>(text) {
                for configuration in guideline.configurations.keys() {
                    names.push(format!("mozilla-{configuration}@{number}"));
                }
            }
        }
        names
    }

    /// `mozilla-intermediate 6.0`.
    pub fn label(&self) -> String {
        format!("mozilla-{} {}", self.configuration, self.version)
    }

    /// `mozilla-intermediate@6.0`.
    pub fn name(&self) -> String {
        format!("mozilla-{}@{}", self.configuration, self.version)
    }

    /// What the profile prescribes, in configuration words.
    pub fn prescription(&self) -> &Prescription {
        &self.prescription
    }
}

fn version_of(name: &str) -> Option<ProtocolVersion> {
    match name {
        "SSLv3" => Some(ProtocolVersion::Ssl3),
        "TLSv1" => Some(ProtocolVersion::Tls10),
        "TLSv1.1" => Some(ProtocolVersion::Tls11),
        "TLSv1.2" => Some(ProtocolVersion::Tls12),
        "TLSv1.3" => Some(ProtocolVersion::Tls13),
        _ => None,
    }
}

/// A group by the name OpenSSL (and so Mozilla) gives it.
pub(crate) fn group_of(name: &str) -> Option<u16> {
    let ours = match name {
        "prime256v1" => "secp256r1",
        "X25519" => "x25519",
        "X448" => "x448",
        other => other,
    };
    groups::NAMED_GROUPS
        .iter()
        .find(|group| group.name.eq_ignore_ascii_case(ours))
        .map(|group| group.code)
}

/// A certificate curve by OpenSSL's name, as our certificate facts name it.
pub(crate) fn curve_of(name: &str) -> String {
    match name {
        "prime256v1" => "P-256".into(),
        "secp384r1" => "P-384".into(),
        "secp521r1" => "P-521".into(),
        other => other.into(),
    }
}

impl From<&Configuration> for Prescription {
    fn from(configuration: &Configuration) -> Prescription {
        Prescription {
            versions: configuration
                .tls_versions
                .iter()
                .filter_map(|name| version_of(name))
                .collect(),
            ciphers: configuration.ciphers.openssl.clone(),
            ciphersuites: configuration.ciphersuites.clone(),
            groups: configuration.tls_curves.clone(),
            server_preferred_order: configuration.server_preferred_order,
            dh_param_size: configuration.dh_param_size,
            hsts_min_age: configuration.hsts_min_age,
            ocsp_staple: configuration.ocsp_staple,
            certificate_types: key_types(&configuration.certificate_types),
            certificate_curves: configuration.certificate_curves.clone(),
            certificate_signatures: configuration.certificate_signatures.clone(),
            rsa_key_size: configuration.rsa_key_size,
            maximum_certificate_lifespan: configuration.maximum_certificate_lifespan,
        }
    }
}

fn key_types(names: &[String]) -> Vec<KeyAlgorithm> {
    names
        .iter()
        .filter_map(|name| match name.as_str() {
            "rsa" => Some(KeyAlgorithm::Rsa),
            "ecdsa" => Some(KeyAlgorithm::Ec),
            _ => None,
        })
        .collect()
}

impl Configuration {
    /// The rules of this configuration, named `label` (`mozilla-intermediate 6.0`) in evidence.
    fn rules(&self, label: &str) -> Rules {
        fn new<T>(value: T, (label, text): (&str, String)) -> Option<Rule<T>> {
            Some(Rule::new(value, label, text, false))
        }
        let rule = |text: String| (label, text);
        let suite_codes = |names: &[String]| -> BTreeSet<u16> {
            names
                .iter()
                .filter_map(|name| suites::by_name(name).map(|suite| suite.code))
                .collect()
        };
        let list = |names: &[String]| names.join(", ");
        Rules {
            versions: new(
                self.tls_versions
                    .iter()
                    .filter_map(|name| version_of(name))
                    .collect(),
                rule(format!("tls_versions {}", list(&self.tls_versions))),
            ),
            suites: new(
                SuiteSet {
                    tls12: suite_codes(&self.ciphers.iana),
                    tls13: suite_codes(&self.ciphersuites),
                },
                rule("ciphers, ciphersuites".into()),
            ),
            groups: new(
                self.tls_curves
                    .iter()
                    .filter_map(|name| group_of(name))
                    .collect(),
                rule(format!("tls_curves {}", list(&self.tls_curves))),
            ),
            server_preferred_order: new(
                self.server_preferred_order,
                rule(format!(
                    "server_preferred_order {}",
                    self.server_preferred_order
                )),
            ),
            certificate_types: new(
                self.certificate_types
                    .iter()
                    .filter_map(|name| match name.as_str() {
                        "rsa" => Some(KeyAlgorithm::Rsa),
                        "ecdsa" => Some(KeyAlgorithm::Ec),
                        _ => None,
                    })
                    .collect(),
                rule("certificate_types".into()),
            ),
            certificate_curves: {
                let curves: Vec<String> = self
                    .certificate_curves
                    .iter()
                    .map(|name| curve_of(name))
                    .collect();
                let text = format!("certificate_curves {}", curves.join(", "));
                new(curves, rule(text))
            },
            certificate_signatures: new(
                self.certificate_signatures.clone(),
                rule(format!(
                    "certificate_signatures {}",
                    list(&self.certificate_signatures)
                )),
            ),
            rsa_key_size: self
                .rsa_key_size
                .and_then(|bits| new(bits, rule(format!("rsa_key_size {bits}")))),
            dh_param_size: self
                .dh_param_size
                .and_then(|bits| new(bits, rule(format!("dh_param_size {bits}")))),
            ecdh_param_size: self
                .ecdh_param_size
                .and_then(|bits| new(bits, rule(format!("ecdh_param_size {bits}")))),
            hsts_min_age: self
                .hsts_min_age
                .and_then(|age| new(age, rule(format!("hsts_min_age {age}")))),
            maximum_certificate_lifespan: self.maximum_certificate_lifespan.and_then(|days| {
                new(
                    days,
                    rule(format!("maximum_certificate_lifespan {days} days")),
                )
            }),
            ocsp_staple: new(self.ocsp_staple, rule("ocsp_staple".into())),
            ..Rules::default()
        }
    }
}

impl Profile {
    /// Every deviation of `facts` from this profile, as findings.
    pub fn deviations(&self, facts: &HostFacts, name: &str) -> Vec<Finding> {
        self.rules.deviations(facts, name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value<T: Clone>(rule: &Option<Rule<T>>) -> T {
        rule.as_ref().expect("rule set").value.clone()
    }

    #[test]
    fn built_in_profiles_load_by_name_and_version() {
        let intermediate = Profile::builtin("mozilla-intermediate").unwrap();
        assert_eq!(intermediate.version, "6.0");
        assert_eq!(
            value(&intermediate.rules.versions),
            vec![ProtocolVersion::Tls12, ProtocolVersion::Tls13]
        );
        assert_eq!(value(&intermediate.rules.suites).tls12.len(), 6);
        assert_eq!(value(&intermediate.rules.suites).tls13.len(), 3);
        assert!(value(&intermediate.rules.groups).contains(&groups::X25519MLKEM768));
        let versions = intermediate.rules.versions.as_ref().unwrap();
        assert_eq!(versions.source, "mozilla-intermediate 6.0");
        assert_eq!(versions.text, "tls_versions TLSv1.2, TLSv1.3");
        assert!(!versions.from_file);
        let old = Profile::builtin("mozilla-old@5.7").unwrap();
        assert!(value(&old.rules.versions).contains(&ProtocolVersion::Tls10));
        assert_eq!(
            value(&old.rules.suites).tls12.len(),
            26,
            "every IANA name maps to a suite"
        );
        assert!(value(&old.rules.server_preferred_order));
        assert_eq!(
            Profile::builtin("mozilla-old").unwrap().version,
            "5.7",
            "6.0 has no old configuration"
        );
        let error = Profile::builtin("mozilla-ancient").unwrap_err().to_string();
        assert!(error.contains("mozilla-intermediate@6.0"), "{error}");
        assert!(Profile::builtin("mozilla-modern@4.0").is_err());
    }

    #[test]
    fn every_name_in_the_guidelines_maps_to_a_known_code() {
        for name in Profile::names() {
            let (configuration, number) =
                name.trim_start_matches("mozilla-").split_once('@').unwrap();
            let (_, text) = GUIDELINES.iter().find(|(n, _)| *n == number).unwrap();
            let guideline: Guideline = serde_json::from_str(text).unwrap();
            let raw = &guideline.configurations[configuration];
            let rules = Profile::builtin(&name).unwrap().rules;
            assert_eq!(
                value(&rules.versions).len(),
                raw.tls_versions.len(),
                "{name}"
            );
            assert_eq!(
                value(&rules.suites).tls12.len(),
                raw.ciphers.iana.len(),
                "{name}"
            );
            assert_eq!(
                value(&rules.suites).tls13.len(),
                raw.ciphersuites.len(),
                "{name}"
            );
            assert_eq!(value(&rules.groups).len(), raw.tls_curves.len(), "{name}");
        }
    }

    #[test]
    fn prescriptions_name_the_same_suites_in_openssl_words_as_the_rules_check() {
        for name in Profile::names() {
            let profile = Profile::builtin(&name).unwrap();
            let prescription = profile.prescription();
            let codes: BTreeSet<u16> = prescription
                .ciphers
                .iter()
                .map(|cipher| {
                    suites::by_name(cipher)
                        .unwrap_or_else(|| panic!("{name}: unknown OpenSSL name {cipher}"))
                        .code
                })
                .collect();
            assert_eq!(codes, value(&profile.rules.suites).tls12, "{name}");
            assert_eq!(
                prescription.versions,
                value(&profile.rules.versions),
                "{name}"
            );
        }
    }

    #[test]
    fn post_quantum_groups_are_told_apart_from_the_classical_ones() {
        let intermediate = Profile::builtin("mozilla-intermediate@6.0").unwrap();
        let prescription = intermediate.prescription();
        assert_eq!(
            prescription.classical_groups(),
            vec!["X25519", "prime256v1", "secp384r1"]
        );
        assert_eq!(prescription.post_quantum_groups(), vec!["X25519MLKEM768"]);
        assert!(!prescription.has_dhe_suites(), "6.0 dropped DHE");
        let older = Profile::builtin("mozilla-intermediate@5.7").unwrap();
        assert!(older.prescription().post_quantum_groups().is_empty());
        assert!(older.prescription().has_dhe_suites());
    }
}
