//! Profiles as data: Mozilla's server-side TLS guideline files (`profiles/`, compiled in), each
//! configuration a profile (`mozilla-intermediate`, `mozilla-modern@5.7`, ...), and the check of
//! a target's facts against one. Every deviation is a `policy.*` finding naming the rule and the
//! profile version, with the offending protocols, suites, groups or certificate properties.
//! Rules are one-sided: offering less than a profile lists (TLS 1.3 only under intermediate, a
//! subset of its suites) is no deviation; offering what it does not list is.

use std::collections::BTreeSet;

use serde::Deserialize;

use crate::analysis::catalog::{CertificatePart, FindingId, Subject};
use crate::analysis::certificate::SHORT_LIVED_DAYS;
use crate::analysis::protocol::support;
use crate::analysis::Finding;
use crate::facts::time::lifetime_days;
use crate::facts::{HostFacts, KeyAlgorithm, ProtocolVersion, SuiteId};
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
    rules: Rules,
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

#[derive(Clone, Debug, PartialEq, Eq)]
struct Rules {
    versions: Vec<ProtocolVersion>,
    /// TLS <= 1.2 suites and TLS 1.3 suites, by code.
    suites: BTreeSet<u16>,
    tls13_suites: BTreeSet<u16>,
    groups: BTreeSet<u16>,
    group_names: Vec<String>,
    certificate_types: Vec<KeyAlgorithm>,
    /// Our curve names (`P-256`).
    certificate_curves: Vec<String>,
    certificate_signatures: Vec<String>,
    rsa_key_size: Option<u32>,
    dh_param_size: Option<u32>,
    ecdh_param_size: Option<u32>,
    hsts_min_age: Option<u64>,
    maximum_certificate_lifespan: Option<i64>,
    ocsp_staple: bool,
    server_preferred_order: bool,
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
                return Ok(Profile {
                    configuration: configuration.to_string(),
                    version: (*number).to_string(),
                    rules: Rules::from(found),
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
fn group_of(name: &str) -> Option<u16> {
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
fn curve_of(name: &str) -> String {
    match name {
        "prime256v1" => "P-256".into(),
        "secp384r1" => "P-384".into(),
        "secp521r1" => "P-521".into(),
        other => other.into(),
    }
}

/// The size in bits of an elliptic-curve group, for `ecdh_param_size`; none for finite-field,
/// post-quantum and hybrid groups.
fn ecdh_bits(code: u16) -> Option<u32> {
    let group = groups::by_code(code)?;
    match group.kind {
        GroupKind::Montgomery => Some(if code == groups::X25519 { 256 } else { 448 }),
        GroupKind::EllipticCurve => {
            let digits: String = group
                .name
                .chars()
                .skip_while(|c| !c.is_ascii_digit())
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        }
        _ => None,
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

impl From<&Configuration> for Rules {
    fn from(configuration: &Configuration) -> Rules {
        let suite_codes = |names: &[String]| -> BTreeSet<u16> {
            names
                .iter()
                .filter_map(|name| suites::by_name(name).map(|suite| suite.code))
                .collect()
        };
        Rules {
            versions: configuration
                .tls_versions
                .iter()
                .filter_map(|name| version_of(name))
                .collect(),
            suites: suite_codes(&configuration.ciphers.iana),
            tls13_suites: suite_codes(&configuration.ciphersuites),
            groups: configuration
                .tls_curves
                .iter()
                .filter_map(|name| group_of(name))
                .collect(),
            group_names: configuration.tls_curves.clone(),
            certificate_types: key_types(&configuration.certificate_types),
            certificate_curves: configuration
                .certificate_curves
                .iter()
                .map(|name| curve_of(name))
                .collect(),
            certificate_signatures: configuration.certificate_signatures.clone(),
            rsa_key_size: configuration.rsa_key_size,
            dh_param_size: configuration.dh_param_size,
            ecdh_param_size: configuration.ecdh_param_size,
            hsts_min_age: configuration.hsts_min_age,
            maximum_certificate_lifespan: configuration.maximum_certificate_lifespan,
            ocsp_staple: configuration.ocsp_staple,
            server_preferred_order: configuration.server_preferred_order,
        }
    }
}

impl Profile {
    /// Every deviation of `facts` from this profile, as findings.
    pub fn deviations(&self, facts: &HostFacts, name: &str) -> Vec<Finding> {
        let rules = &self.rules;
        let label = self.label();
        let mut found = Vec::new();
        let mut deviation = |id: FindingId, subjects: Vec<Subject>, rule: &str, what: String| {
            found.push(Finding::new(
                id,
                subjects,
                format!("{label} ({rule}): {what}"),
                name,
            ));
        };

        // Protocol versions accepted that the profile does not list.
        let extra_versions: Vec<ProtocolVersion> = ProtocolVersion::ALL
            .into_iter()
            .filter(|version| !rules.versions.contains(version))
            .filter(|version| support(facts, *version).is_some_and(|s| s.is_accepted()))
            .collect();
        if !extra_versions.is_empty() {
            deviation(
                FindingId::PolicyTlsVersions,
                extra_versions
                    .iter()
                    .map(|v| Subject::Protocol(*v))
                    .collect(),
                &format!("tls_versions {}", names(&rules.versions)),
                format!("{} accepted", names(&extra_versions)),
            );
        }

        if let Some(enumeration) = facts.enumeration.ok() {
            // Suites accepted, at the versions the profile allows, that it does not list.
            let mut subjects = Vec::new();
            let mut offending: Vec<String> = Vec::new();
            for version in &enumeration.cipher_suites {
                if !rules.versions.contains(&version.version) {
                    continue;
                }
                let allowed = if version.version == ProtocolVersion::Tls13 {
                    &rules.tls13_suites
                } else {
                    &rules.suites
                };
                let extra: Vec<&str> = version
                    .suites
                    .iter()
                    .filter(|suite| match suite.id {
                        SuiteId::Tls(code) => !allowed.contains(&code),
                        SuiteId::Sslv2(_) => true,
                    })
                    .map(|suite| {
                        subjects.push(Subject::Suite {
                            version: version.version,
                            id: suite.id,
                        });
                        suite.name
                    })
                    .collect();
                if !extra.is_empty() {
                    offending.push(format!("{}: {}", version.version, extra.join(", ")));
                }
            }
            if !offending.is_empty() {
                deviation(
                    FindingId::PolicyCipherSuites,
                    subjects,
                    "ciphers, ciphersuites",
                    format!("not in the profile: {}", offending.join("; ")),
                );
            }

            // Key-exchange groups accepted that the profile does not list, and groups too small.
            let extra_groups: Vec<u16> = enumeration
                .groups
                .iter()
                .copied()
                .filter(|code| !rules.groups.contains(code))
                .collect();
            if !extra_groups.is_empty() {
                deviation(
                    FindingId::PolicyGroups,
                    extra_groups
                        .iter()
                        .map(|code| Subject::Group(*code))
                        .collect(),
                    &format!("tls_curves {}", rules.group_names.join(", ")),
                    format!("{} accepted", group_names(&extra_groups)),
                );
            }
            if let Some(minimum) = rules.ecdh_param_size {
                let small: Vec<u16> = enumeration
                    .groups
                    .iter()
                    .copied()
                    .chain(
                        enumeration
                            .cipher_suites
                            .iter()
                            .flat_map(|v| &v.suites)
                            .filter_map(|s| s.ecdh_group),
                    )
                    .filter(|code| ecdh_bits(*code).is_some_and(|bits| bits < minimum))
                    .collect::<BTreeSet<u16>>()
                    .into_iter()
                    .collect();
                if !small.is_empty() {
                    deviation(
                        FindingId::PolicyEcdhParamSize,
                        small.iter().map(|code| Subject::Group(*code)).collect(),
                        &format!("ecdh_param_size {minimum}"),
                        format!("{} accepted", group_names(&small)),
                    );
                }
            }
            let weakest_dh = enumeration
                .cipher_suites
                .iter()
                .flat_map(|version| {
                    version.suites.iter().filter_map(move |suite| {
                        suite.dh_bits.map(|bits| (version.version, suite, bits))
                    })
                })
                .min_by_key(|(_, _, bits)| *bits);
            if let (Some(minimum), Some((version, suite, bits))) = (rules.dh_param_size, weakest_dh)
            {
                if bits < minimum {
                    deviation(
                        FindingId::PolicyDhParamSize,
                        vec![Subject::Suite {
                            version,
                            id: suite.id,
                        }],
                        &format!("dh_param_size {minimum}"),
                        format!("{bits}-bit DH prime ({version} {})", suite.name),
                    );
                }
            }

            // Who picks the suite.
            let disagreeing: Vec<ProtocolVersion> = enumeration
                .cipher_suites
                .iter()
                .filter(|v| v.version != ProtocolVersion::Tls13)
                .filter(|v| v.server_order == Some(!rules.server_preferred_order))
                .map(|v| v.version)
                .collect();
            if !disagreeing.is_empty() {
                deviation(
                    FindingId::PolicyServerOrder,
                    disagreeing
                        .iter()
                        .map(|v| Subject::SuiteOrder(*v))
                        .collect(),
                    &format!("server_preferred_order {}", rules.server_preferred_order),
                    format!(
                        "the {} order wins for {}",
                        if rules.server_preferred_order {
                            "client's"
                        } else {
                            "server's"
                        },
                        names(&disagreeing)
                    ),
                );
            }
        }

        if let Some(chain) = &facts.chain {
            if let Some(leaf) = chain.certificates.first() {
                let key = Subject::Certificate {
                    index: 0,
                    part: CertificatePart::Key,
                };
                if !rules.certificate_types.contains(&leaf.key.algorithm) {
                    deviation(
                        FindingId::PolicyCertificateType,
                        vec![key],
                        "certificate_types",
                        format!("the leaf has an {} key", leaf.key.algorithm.name()),
                    );
                }
                if leaf.key.algorithm == KeyAlgorithm::Ec {
                    let curve = leaf.key.curve.clone().unwrap_or_default();
                    if !rules.certificate_curves.contains(&curve) {
                        deviation(
                            FindingId::PolicyCertificateCurve,
                            vec![key],
                            &format!("certificate_curves {}", rules.certificate_curves.join(", ")),
                            format!("the leaf's key is on {curve}"),
                        );
                    }
                }
                if let Some(maximum) = rules.maximum_certificate_lifespan {
                    let days = lifetime_days(leaf.not_before, leaf.not_after);
                    if days > maximum {
                        deviation(
                            FindingId::PolicyCertificateLifespan,
                            vec![Subject::Certificate {
                                index: 0,
                                part: CertificatePart::Validity,
                            }],
                            &format!("maximum_certificate_lifespan {maximum} days"),
                            format!("the leaf is valid for {days} days"),
                        );
                    }
                }
                let stapled = facts
                    .connection
                    .ok()
                    .is_some_and(|c| c.ocsp_stapled_bytes.is_some());
                // A certificate without an OCSP responder cannot be stapled, and a short-lived one
                // needs no revocation information: no deviation either way.
                let short_lived =
                    lifetime_days(leaf.not_before, leaf.not_after) <= SHORT_LIVED_DAYS;
                if rules.ocsp_staple && !leaf.ocsp_urls.is_empty() && !stapled && !short_lived {
                    deviation(
                        FindingId::PolicyOcspStaple,
                        vec![Subject::Connection],
                        "ocsp_staple",
                        format!(
                            "no OCSP response stapled, though the leaf names a responder ({})",
                            leaf.ocsp_urls.join(", ")
                        ),
                    );
                }
            }
            // Signatures and RSA key sizes of the certificates the server sends, roots aside.
            let mut signatures = Vec::new();
            let mut small_keys = Vec::new();
            for (index, cert) in chain.certificates.iter().enumerate() {
                if index > 0 && cert.self_signed {
                    continue;
                }
                if !rules
                    .certificate_signatures
                    .contains(&cert.signature_algorithm)
                {
                    signatures.push((index, cert));
                }
                if let Some(minimum) = rules.rsa_key_size {
                    if cert.key.algorithm == KeyAlgorithm::Rsa && cert.key.bits < minimum {
                        small_keys.push((index, cert));
                    }
                }
            }
            if !signatures.is_empty() {
                deviation(
                    FindingId::PolicyCertificateSignature,
                    signatures
                        .iter()
                        .map(|(index, _)| Subject::Certificate {
                            index: *index,
                            part: CertificatePart::Signature,
                        })
                        .collect(),
                    &format!(
                        "certificate_signatures {}",
                        rules.certificate_signatures.join(", ")
                    ),
                    signatures
                        .iter()
                        .map(|(index, cert)| {
                            format!(
                                "{} is signed with {}",
                                cert.role(*index),
                                cert.signature_algorithm
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                );
            }
            if let (Some(minimum), false) = (rules.rsa_key_size, small_keys.is_empty()) {
                deviation(
                    FindingId::PolicyRsaKeySize,
                    small_keys
                        .iter()
                        .map(|(index, _)| Subject::Certificate {
                            index: *index,
                            part: CertificatePart::Key,
                        })
                        .collect(),
                    &format!("rsa_key_size {minimum}"),
                    small_keys
                        .iter()
                        .map(|(index, cert)| {
                            format!("{} has a {}-bit RSA key", cert.role(*index), cert.key.bits)
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                );
            }
        }

        if let (Some(minimum), Some(https)) = (rules.hsts_min_age, facts.https.ok()) {
            if let Some(max_age) = https
                .hsts
                .as_ref()
                .filter(|hsts| hsts.error.is_none())
                .and_then(|hsts| hsts.max_age)
                .filter(|age| *age < minimum)
            {
                deviation(
                    FindingId::PolicyHstsMinAge,
                    vec![Subject::Hsts],
                    &format!("hsts_min_age {minimum}"),
                    format!("max-age={max_age}"),
                );
            }
        }
        found
    }
}

fn names(versions: &[ProtocolVersion]) -> String {
    versions
        .iter()
        .map(|v| v.name())
        .collect::<Vec<_>>()
        .join(", ")
}

fn group_names(codes: &[u16]) -> String {
    codes
        .iter()
        .map(|code| groups::display_name(*code))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_profiles_load_by_name_and_version() {
        let intermediate = Profile::builtin("mozilla-intermediate").unwrap();
        assert_eq!(intermediate.version, "6.0");
        assert_eq!(
            intermediate.rules.versions,
            vec![ProtocolVersion::Tls12, ProtocolVersion::Tls13]
        );
        assert_eq!(intermediate.rules.suites.len(), 6);
        assert_eq!(intermediate.rules.tls13_suites.len(), 3);
        assert!(intermediate.rules.groups.contains(&groups::X25519MLKEM768));
        let old = Profile::builtin("mozilla-old@5.7").unwrap();
        assert!(old.rules.versions.contains(&ProtocolVersion::Tls10));
        assert_eq!(
            old.rules.suites.len(),
            26,
            "every IANA name maps to a suite"
        );
        assert!(old.rules.server_preferred_order);
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
            assert_eq!(rules.versions.len(), raw.tls_versions.len(), "{name}");
            assert_eq!(rules.suites.len(), raw.ciphers.iana.len(), "{name}");
            assert_eq!(rules.tls13_suites.len(), raw.ciphersuites.len(), "{name}");
            assert_eq!(rules.groups.len(), raw.tls_curves.len(), "{name}");
        }
    }

    #[test]
    fn ecdh_sizes_come_from_the_group() {
        assert_eq!(ecdh_bits(groups::X25519), Some(256));
        assert_eq!(ecdh_bits(0x0015), Some(224)); // secp224r1
        assert_eq!(ecdh_bits(groups::SECP384R1), Some(384));
        assert_eq!(ecdh_bits(0x0100), None); // ffdhe2048
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
            assert_eq!(codes, profile.rules.suites, "{name}");
            assert_eq!(prescription.versions, profile.rules.versions, "{name}");
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
