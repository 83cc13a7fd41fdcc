//! The rules a target is checked against, whether they come from a built-in profile (Mozilla's
//! guideline files) or a policy file, and the check itself. Each rule remembers where it came
//! from: its deviations are `policy.*` findings whose evidence names the source and the rule
//! (`mozilla-intermediate 6.0 (tls_versions TLSv1.2, TLSv1.3): TLSv1.0 accepted`), at the
//! catalogue's severity for a profile's rule and at high for one a policy file sets.
//!
//! Allow-lists are one-sided: offering less than a rule allows (TLS 1.3 only under
//! intermediate, a subset of its suites) is no deviation; offering what it does not list is.

use std::collections::BTreeSet;

use crate::analysis::catalog::{CertificatePart, FindingId, Severity, Subject};
use crate::analysis::certificate::SHORT_LIVED_DAYS;
use crate::analysis::http::{redirect_verdict, RedirectVerdict};
use crate::analysis::protocol::support;
use crate::analysis::Finding;
use crate::facts::time::lifetime_days;
use crate::facts::{HostFacts, KeyAlgorithm, Outcome, ProtocolVersion, SuiteFacts, SuiteId};
use crate::tls::groups::{self, GroupKind};

/// One rule: its value, the source it came from (`mozilla-intermediate 6.0`, `policy.toml`),
/// the rule as its source writes it (`tls_versions TLSv1.2, TLSv1.3`), and whether a policy
/// file set it (then its deviations are high).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule<T> {
    pub value: T,
    pub source: String,
    pub text: String,
    pub from_file: bool,
}

impl<T> Rule<T> {
    pub fn new(value: T, source: &str, text: impl Into<String>, from_file: bool) -> Rule<T> {
        Rule {
            value,
            source: source.to_string(),
            text: text.into(),
            from_file,
        }
    }
}

/// Allowed suites: TLS 1.2 and earlier, and TLS 1.3, by code.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct SuiteSet {
    pub tls12: BTreeSet<u16>,
    pub tls13: BTreeSet<u16>,
}

/// A kind of suite a policy may forbid, or one suite by code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SuiteClass {
    Cbc,
    Rc4,
    TripleDes,
    Des,
    Null,
    Export,
    Anonymous,
    NoForwardSecrecy,
    NoAead,
    Suite(u16),
}

impl SuiteClass {
    /// The class names a policy file may use, beside IANA suite names.
    pub const NAMES: [(&'static str, SuiteClass); 9] = [
        ("cbc", SuiteClass::Cbc),
        ("rc4", SuiteClass::Rc4),
        ("3des", SuiteClass::TripleDes),
        ("des", SuiteClass::Des),
        ("null", SuiteClass::Null),
        ("export", SuiteClass::Export),
        ("anonymous", SuiteClass::Anonymous),
        ("no-forward-secrecy", SuiteClass::NoForwardSecrecy),
        ("no-aead", SuiteClass::NoAead),
    ];

    pub fn matches(self, suite: &SuiteFacts) -> bool {
        match self {
            SuiteClass::Cbc => suite.cbc,
            SuiteClass::Rc4 => suite.rc4,
            SuiteClass::TripleDes => suite.triple_des,
            SuiteClass::Des => suite.des,
            SuiteClass::Null => suite.null,
            SuiteClass::Export => suite.export,
            SuiteClass::Anonymous => suite.anonymous,
            SuiteClass::NoForwardSecrecy => !suite.forward_secrecy,
            SuiteClass::NoAead => !suite.aead,
            SuiteClass::Suite(code) => suite.id == SuiteId::Tls(code),
        }
    }
}

/// What a policy asks of the plain-HTTP redirect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RedirectRule {
    /// Any redirect to HTTPS on the same host.
    Any,
    /// A permanent one (301 or 308).
    Permanent,
}

/// Every rule a policy may hold; none set means nothing is asked.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Rules {
    pub versions: Option<Rule<Vec<ProtocolVersion>>>,
    pub suites: Option<Rule<SuiteSet>>,
    pub forbidden_suites: Option<Rule<Vec<SuiteClass>>>,
    pub groups: Option<Rule<BTreeSet<u16>>>,
    pub forbidden_groups: Option<Rule<BTreeSet<u16>>>,
    pub server_preferred_order: Option<Rule<bool>>,
    pub rsa_key_size: Option<Rule<u32>>,
    pub ec_key_size: Option<Rule<u32>>,
    pub dh_param_size: Option<Rule<u32>>,
    pub ecdh_param_size: Option<Rule<u32>>,
    pub certificate_types: Option<Rule<Vec<KeyAlgorithm>>>,
    /// Our curve names (`P-256`).
    pub certificate_curves: Option<Rule<Vec<String>>>,
    /// OpenSSL's names (`sha256WithRSAEncryption`).
    pub certificate_signatures: Option<Rule<Vec<String>>>,
    pub maximum_certificate_lifespan: Option<Rule<i64>>,
    pub min_days_left: Option<Rule<i64>>,
    /// Per mille of the lifetime.
    pub min_lifetime_left: Option<Rule<u32>>,
    pub ocsp_staple: Option<Rule<bool>>,
    pub trusted: Option<Rule<bool>>,
    pub hostname_match: Option<Rule<bool>>,
    /// The leaf's issuer, as tlscheck prints distinguished names.
    pub issuer: Option<Rule<String>>,
    /// The leaf's subject alternative names, exactly (DNS names and IP addresses).
    pub san: Option<Rule<BTreeSet<String>>>,
    /// SHA-256 fingerprints of leaves the policy accepts (colon-separated upper-case hex).
    pub fingerprints: Option<Rule<Vec<String>>>,
    pub redirect: Option<Rule<RedirectRule>>,
    pub hsts: Option<Rule<bool>>,
    pub hsts_min_age: Option<Rule<u64>>,
    pub hsts_include_subdomains: Option<Rule<bool>>,
    pub hsts_preload: Option<Rule<bool>>,
    pub client_auth_required: Option<Rule<bool>>,
}

impl Rules {
    /// These rules, with every rule `overrides` sets replacing this one's.
    pub fn overridden_by(self, overrides: Rules) -> Rules {
        macro_rules! layer {
            ($($field:ident),* $(,)?) => {
                Rules { $($field: overrides.$field.or(self.$field),)* }
            };
        }
        layer!(
            versions,
            suites,
            forbidden_suites,
            groups,
            forbidden_groups,
            server_preferred_order,
            rsa_key_size,
            ec_key_size,
            dh_param_size,
            ecdh_param_size,
            certificate_types,
            certificate_curves,
            certificate_signatures,
            maximum_certificate_lifespan,
            min_days_left,
            min_lifetime_left,
            ocsp_staple,
            trusted,
            hostname_match,
            issuer,
            san,
            fingerprints,
            redirect,
            hsts,
            hsts_min_age,
            hsts_include_subdomains,
            hsts_preload,
            client_auth_required,
        )
    }

    /// Each rule that is set, as its source writes it, and whether a policy file set it.
    pub fn described(&self) -> Vec<(&str, bool)> {
        macro_rules! each {
            ($($field:ident),* $(,)?) => {{
                let mut out = Vec::new();
                $(if let Some(rule) = &self.$field {
                    out.push((rule.text.as_str(), rule.from_file));
                })*
                out
            }};
        }
        each!(
            versions,
            suites,
            forbidden_suites,
            groups,
            forbidden_groups,
            server_preferred_order,
            rsa_key_size,
            ec_key_size,
            dh_param_size,
            ecdh_param_size,
            certificate_types,
            certificate_curves,
            certificate_signatures,
            maximum_certificate_lifespan,
            min_days_left,
            min_lifetime_left,
            ocsp_staple,
            trusted,
            hostname_match,
            issuer,
            san,
            fingerprints,
            redirect,
            hsts,
            hsts_min_age,
            hsts_include_subdomains,
            hsts_preload,
            client_auth_required,
        )
    }

    /// Every deviation of `facts` from these rules, as findings about `name`.
    pub fn deviations(&self, facts: &HostFacts, name: &str) -> Vec<Finding> {
        let mut found = Vec::new();
        let mut deviation = |id: FindingId,
                             subjects: Vec<Subject>,
                             source: &str,
                             rule: &str,
                             from_file: bool,
                             what: String| {
            let finding = Finding::new(id, subjects, format!("{source} ({rule}): {what}"), name);
            found.push(if from_file {
                finding.at(Severity::High)
            } else {
                finding
            });
        };
        macro_rules! deviate {
            ($rule:expr, $id:expr, $subjects:expr, $what:expr) => {{
                let rule = $rule;
                deviation(
                    $id,
                    $subjects,
                    &rule.source,
                    &rule.text,
                    rule.from_file,
                    $what,
                )
            }};
        }

        // Protocol versions accepted that the policy does not allow.
        if let Some(rule) = &self.versions {
            let extra: Vec<ProtocolVersion> = ProtocolVersion::ALL
                .into_iter()
                .filter(|version| !rule.value.contains(version))
                .filter(|version| support(facts, *version).is_some_and(|s| s.is_accepted()))
                .collect();
            if !extra.is_empty() {
                deviate!(
                    rule,
                    FindingId::PolicyTlsVersions,
                    extra.iter().map(|v| Subject::Protocol(*v)).collect(),
                    format!("{} accepted", names(&extra))
                );
            }
        }

        if let Some(enumeration) = facts.enumeration.ok() {
            let allowed_versions = self.versions.as_ref().map(|rule| &rule.value);
            // Suites accepted, at versions the policy allows, that it does not list.
            if let Some(rule) = &self.suites {
                let mut subjects = Vec::new();
                let mut offending: Vec<String> = Vec::new();
                for version in &enumeration.cipher_suites {
                    if allowed_versions.is_some_and(|allowed| !allowed.contains(&version.version)) {
                        continue;
                    }
                    let allowed = if version.version == ProtocolVersion::Tls13 {
                        &rule.value.tls13
                    } else {
                        &rule.value.tls12
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
                    deviate!(
                        rule,
                        FindingId::PolicyCipherSuites,
                        subjects,
                        format!("not allowed: {}", offending.join("; "))
                    );
                }
            }
            // Suites of a forbidden class, at any version.
            if let Some(rule) = &self.forbidden_suites {
                let mut subjects = Vec::new();
                let mut offending: Vec<String> = Vec::new();
                for version in &enumeration.cipher_suites {
                    let forbidden: Vec<&str> = version
                        .suites
                        .iter()
                        .filter(|suite| rule.value.iter().any(|class| class.matches(suite)))
                        .map(|suite| {
                            subjects.push(Subject::Suite {
                                version: version.version,
                                id: suite.id,
                            });
                            suite.name
                        })
                        .collect();
                    if !forbidden.is_empty() {
                        offending.push(format!("{}: {}", version.version, forbidden.join(", ")));
                    }
                }
                if !offending.is_empty() {
                    deviate!(
                        rule,
                        FindingId::PolicyCipherSuites,
                        subjects,
                        format!("forbidden: {}", offending.join("; "))
                    );
                }
            }

            // Key-exchange groups accepted that the policy does not list, or forbids.
            if let Some(rule) = &self.groups {
                let extra: Vec<u16> = enumeration
                    .groups
                    .iter()
                    .copied()
                    .filter(|code| !rule.value.contains(code))
                    .collect();
                if !extra.is_empty() {
                    deviate!(
                        rule,
                        FindingId::PolicyGroups,
                        extra.iter().map(|code| Subject::Group(*code)).collect(),
                        format!("{} accepted", group_names(&extra))
                    );
                }
            }
            if let Some(rule) = &self.forbidden_groups {
                let forbidden: Vec<u16> = enumeration
                    .groups
                    .iter()
                    .copied()
                    .filter(|code| rule.value.contains(code))
                    .collect();
                if !forbidden.is_empty() {
                    deviate!(
                        rule,
                        FindingId::PolicyGroups,
                        forbidden.iter().map(|code| Subject::Group(*code)).collect(),
                        format!("{} accepted", group_names(&forbidden))
                    );
                }
            }
            if let Some(rule) = &self.ecdh_param_size {
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
                    .filter(|code| ecdh_bits(*code).is_some_and(|bits| bits < rule.value))
                    .collect::<BTreeSet<u16>>()
                    .into_iter()
                    .collect();
                if !small.is_empty() {
                    deviate!(
                        rule,
                        FindingId::PolicyEcdhParamSize,
                        small.iter().map(|code| Subject::Group(*code)).collect(),
                        format!("{} accepted", group_names(&small))
                    );
                }
            }
            if let Some(rule) = &self.dh_param_size {
                let weakest = enumeration
                    .cipher_suites
                    .iter()
                    .flat_map(|version| {
                        version.suites.iter().filter_map(move |suite| {
                            suite.dh_bits.map(|bits| (version.version, suite, bits))
                        })
                    })
                    .min_by_key(|(_, _, bits)| *bits);
                if let Some((version, suite, bits)) = weakest.filter(|(_, _, b)| *b < rule.value) {
                    deviate!(
                        rule,
                        FindingId::PolicyDhParamSize,
                        vec![Subject::Suite {
                            version,
                            id: suite.id,
                        }],
                        format!("{bits}-bit DH prime ({version} {})", suite.name)
                    );
                }
            }

            // Who picks the suite.
            if let Some(rule) = &self.server_preferred_order {
                let disagreeing: Vec<ProtocolVersion> = enumeration
                    .cipher_suites
                    .iter()
                    .filter(|v| v.version != ProtocolVersion::Tls13)
                    .filter(|v| v.server_order == Some(!rule.value))
                    .map(|v| v.version)
                    .collect();
                if !disagreeing.is_empty() {
                    deviate!(
                        rule,
                        FindingId::PolicyServerOrder,
                        disagreeing
                            .iter()
                            .map(|v| Subject::SuiteOrder(*v))
                            .collect(),
                        format!(
                            "the {} order wins for {}",
                            if rule.value { "client's" } else { "server's" },
                            names(&disagreeing)
                        )
                    );
                }
            }
        }

        if let Some(chain) = &facts.chain {
            if let Some(leaf) = chain.certificates.first() {
                let key = Subject::Certificate {
                    index: 0,
                    part: CertificatePart::Key,
                };
                let validity = Subject::Certificate {
                    index: 0,
                    part: CertificatePart::Validity,
                };
                let whole = Subject::Certificate {
                    index: 0,
                    part: CertificatePart::Whole,
                };
                if let Some(rule) = &self.certificate_types {
                    if !rule.value.contains(&leaf.key.algorithm) {
                        deviate!(
                            rule,
                            FindingId::PolicyCertificateType,
                            vec![key],
                            format!("the leaf has an {} key", leaf.key.algorithm.name())
                        );
                    }
                }
                if let Some(rule) = &self.certificate_curves {
                    if leaf.key.algorithm == KeyAlgorithm::Ec {
                        let curve = leaf.key.curve.clone().unwrap_or_default();
                        if !rule.value.contains(&curve) {
                            deviate!(
                                rule,
                                FindingId::PolicyCertificateCurve,
                                vec![key],
                                format!("the leaf's key is on {curve}")
                            );
                        }
                    }
                }
                if let Some(rule) = &self.ec_key_size {
                    if leaf.key.algorithm == KeyAlgorithm::Ec && leaf.key.bits < rule.value {
                        deviate!(
                            rule,
                            FindingId::PolicyEcKeySize,
                            vec![key],
                            format!("the leaf has a {}-bit EC key", leaf.key.bits)
                        );
                    }
                }
                let lifetime = lifetime_days(leaf.not_before, leaf.not_after);
                if let Some(rule) = &self.maximum_certificate_lifespan {
                    if lifetime > rule.value {
                        deviate!(
                            rule,
                            FindingId::PolicyCertificateLifespan,
                            vec![validity],
                            format!("the leaf is valid for {lifetime} days")
                        );
                    }
                }
                if let Some(rule) = &self.min_days_left {
                    if !leaf.expired && leaf.days_left < rule.value {
                        deviate!(
                            rule,
                            FindingId::PolicyExpiry,
                            vec![validity],
                            format!("the leaf expires in {} days", leaf.days_left)
                        );
                    }
                }
                if let Some(rule) = &self.min_lifetime_left {
                    let total = (leaf.not_after - leaf.not_before).max(1);
                    let left = (leaf.not_after - chain.checked_at).max(0);
                    let permille = left.saturating_mul(1000) / total;
                    if !leaf.expired && permille < i64::from(rule.value) {
                        deviate!(
                            rule,
                            FindingId::PolicyExpiry,
                            vec![validity],
                            format!(
                                "{:.1}% of the leaf's {lifetime}-day lifetime is left",
                                permille as f64 / 10.0
                            )
                        );
                    }
                }
                // A certificate without an OCSP responder cannot be stapled, and a short-lived
                // one needs no revocation information: no deviation either way.
                if let Some(rule) = self.ocsp_staple.as_ref().filter(|rule| rule.value) {
                    let stapled = facts
                        .connection
                        .ok()
                        .is_some_and(|c| c.ocsp_stapled_bytes.is_some());
                    let short_lived = lifetime <= SHORT_LIVED_DAYS;
                    if !leaf.ocsp_urls.is_empty() && !stapled && !short_lived {
                        deviate!(
                            rule,
                            FindingId::PolicyOcspStaple,
                            vec![Subject::Connection],
                            format!(
                                "no OCSP response stapled, though the leaf names a responder ({})",
                                leaf.ocsp_urls.join(", ")
                            )
                        );
                    }
                }
                if let Some(rule) = self.trusted.as_ref().filter(|rule| rule.value) {
                    if !chain.trust.trusted {
                        deviate!(
                            rule,
                            FindingId::PolicyTrust,
                            vec![Subject::Trust],
                            format!("the chain is not trusted by {}", chain.trust.store)
                        );
                    }
                }
                if let Some(rule) = self.hostname_match.as_ref().filter(|rule| rule.value) {
                    if !chain.hostname.matches {
                        deviate!(
                            rule,
                            FindingId::PolicyHostname,
                            vec![Subject::Hostname],
                            format!("the leaf is not valid for {}", chain.hostname.name)
                        );
                    }
                }
                if let Some(rule) = &self.issuer {
                    if leaf.issuer != rule.value {
                        deviate!(
                            rule,
                            FindingId::PolicyIssuer,
                            vec![whole],
                            format!("the leaf is issued by {}", leaf.issuer)
                        );
                    }
                }
                if let Some(rule) = &self.san {
                    let names: BTreeSet<String> = leaf
                        .dns_names
                        .iter()
                        .chain(&leaf.ip_addresses)
                        .map(|name| name.to_ascii_lowercase())
                        .collect();
                    if names != rule.value {
                        let missing: Vec<&String> = rule.value.difference(&names).collect();
                        let extra: Vec<&String> = names.difference(&rule.value).collect();
                        let mut parts = Vec::new();
                        if !missing.is_empty() {
                            parts.push(format!("missing {}", join(&missing)));
                        }
                        if !extra.is_empty() {
                            parts.push(format!("unexpected {}", join(&extra)));
                        }
                        deviate!(
                            rule,
                            FindingId::PolicySan,
                            vec![whole],
                            format!("the leaf's names differ: {}", parts.join("; "))
                        );
                    }
                }
                if let Some(rule) = &self.fingerprints {
                    if !rule
                        .value
                        .iter()
                        .any(|pin| pin.eq_ignore_ascii_case(&leaf.sha256_fingerprint))
                    {
                        deviate!(
                            rule,
                            FindingId::PolicyPin,
                            vec![whole],
                            format!("the leaf's SHA-256 is {}", leaf.sha256_fingerprint)
                        );
                    }
                }
            }
            // Signatures and RSA key sizes of the certificates the server sends, roots aside.
            let sent: Vec<(usize, &crate::facts::CertificateFacts)> = chain
                .certificates
                .iter()
                .enumerate()
                .filter(|(index, cert)| *index == 0 || !cert.self_signed)
                .collect();
            if let Some(rule) = &self.certificate_signatures {
                let signatures: Vec<_> = sent
                    .iter()
                    .filter(|(_, cert)| !rule.value.contains(&cert.signature_algorithm))
                    .collect();
                if !signatures.is_empty() {
                    deviate!(
                        rule,
                        FindingId::PolicyCertificateSignature,
                        signatures
                            .iter()
                            .map(|(index, _)| Subject::Certificate {
                                index: *index,
                                part: CertificatePart::Signature,
                            })
                            .collect(),
                        signatures
                            .iter()
                            .map(|(index, cert)| format!(
                                "{} is signed with {}",
                                cert.role(*index),
                                cert.signature_algorithm
                            ))
                            .collect::<Vec<_>>()
                            .join("; ")
                    );
                }
            }
            if let Some(rule) = &self.rsa_key_size {
                let small: Vec<_> = sent
                    .iter()
                    .filter(|(_, cert)| {
                        cert.key.algorithm == KeyAlgorithm::Rsa && cert.key.bits < rule.value
                    })
                    .collect();
                if !small.is_empty() {
                    deviate!(
                        rule,
                        FindingId::PolicyRsaKeySize,
                        small
                            .iter()
                            .map(|(index, _)| Subject::Certificate {
                                index: *index,
                                part: CertificatePart::Key,
                            })
                            .collect(),
                        small
                            .iter()
                            .map(|(index, cert)| format!(
                                "{} has a {}-bit RSA key",
                                cert.role(*index),
                                cert.key.bits
                            ))
                            .collect::<Vec<_>>()
                            .join("; ")
                    );
                }
            }
        }

        // HSTS and the redirect, where the HTTP probes answered.
        if let Some(https) = facts.https.ok() {
            let hsts = https.hsts.as_ref().filter(|hsts| hsts.error.is_none());
            if let Some(rule) = self.hsts.as_ref().filter(|rule| rule.value) {
                if hsts.is_none() {
                    let what = match &https.hsts {
                        Some(_) => "the HSTS header is invalid",
                        None => "no HSTS header",
                    };
                    deviate!(
                        rule,
                        FindingId::PolicyHsts,
                        vec![Subject::Hsts],
                        what.into()
                    );
                }
            }
            if let Some(hsts) = hsts {
                if let Some(rule) = &self.hsts_min_age {
                    if let Some(max_age) = hsts.max_age.filter(|age| *age < rule.value) {
                        deviate!(
                            rule,
                            FindingId::PolicyHstsMinAge,
                            vec![Subject::Hsts],
                            format!("max-age={max_age}")
                        );
                    }
                }
                if let Some(rule) = self.hsts_include_subdomains.as_ref().filter(|r| r.value) {
                    if !hsts.include_subdomains {
                        deviate!(
                            rule,
                            FindingId::PolicyHsts,
                            vec![Subject::Hsts],
                            format!("no includeSubDomains in \"{}\"", hsts.raw)
                        );
                    }
                }
                if let Some(rule) = self.hsts_preload.as_ref().filter(|r| r.value) {
                    if !hsts.preload {
                        deviate!(
                            rule,
                            FindingId::PolicyHsts,
                            vec![Subject::Hsts],
                            format!("no preload in \"{}\"", hsts.raw)
                        );
                    }
                }
            }
        }
        if let Some(rule) = &self.redirect {
            let verdict = match &facts.redirect {
                Outcome::Ok(redirect) => Some(redirect_verdict(redirect)),
                // Nothing listening on plain HTTP: no redirect, definitely.
                Outcome::Failed(error) if error.kind == crate::facts::ErrorKind::Refused => {
                    Some(RedirectVerdict::NoRedirect)
                }
                _ => None,
            };
            let wanted = match rule.value {
                RedirectRule::Permanent => verdict == Some(RedirectVerdict::HttpsPermanent),
                RedirectRule::Any => matches!(
                    verdict,
                    Some(RedirectVerdict::HttpsPermanent | RedirectVerdict::HttpsTemporary)
                ),
            };
            if let (Some(verdict), false) = (verdict, wanted) {
                deviate!(
                    rule,
                    FindingId::PolicyRedirect,
                    vec![Subject::Redirect],
                    verdict.text().to_string()
                );
            }
        }
        if let Some(rule) = self.client_auth_required.as_ref().filter(|r| r.value) {
            if let Some(client_auth) = &facts.client_auth {
                if client_auth.required == Some(false) {
                    deviate!(
                        rule,
                        FindingId::PolicyClientAuth,
                        vec![Subject::ClientAuth],
                        if client_auth.requested {
                            "a client certificate is requested but not required".to_string()
                        } else {
                            "no client certificate is requested".to_string()
                        }
                    );
                }
            }
        }
        found
    }
}

/// The size in bits of an elliptic-curve group, for `ecdh_param_size`; none for finite-field,
/// post-quantum and hybrid groups.
pub(crate) fn ecdh_bits(code: u16) -> Option<u32> {
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

pub(crate) fn names(versions: &[ProtocolVersion]) -> String {
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

fn join(names: &[&String]) -> String {
    names
        .iter()
        .map(|name| name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecdh_sizes_come_from_the_group() {
        assert_eq!(ecdh_bits(groups::X25519), Some(256));
        assert_eq!(ecdh_bits(0x0015), Some(224)); // secp224r1
        assert_eq!(ecdh_bits(groups::SECP384R1), Some(384));
        assert_eq!(ecdh_bits(0x0100), None); // ffdhe2048
    }

    #[test]
    fn a_later_layer_replaces_only_the_rules_it_sets() {
        let base = Rules {
            rsa_key_size: Some(Rule::new(2048, "base", "rsa_key_size 2048", false)),
            hsts_min_age: Some(Rule::new(1, "base", "hsts_min_age 1", false)),
            ..Rules::default()
        };
        let file = Rules {
            rsa_key_size: Some(Rule::new(3072, "file", "keys.rsa_min_bits = 3072", true)),
            ..Rules::default()
        };
        let merged = base.overridden_by(file);
        assert_eq!(
            merged.rsa_key_size.map(|r| (r.value, r.from_file)),
            Some((3072, true))
        );
        assert_eq!(merged.hsts_min_age.map(|r| r.source), Some("base".into()));
    }
}
