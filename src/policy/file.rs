//! Policy files: a TOML file (`--policy FILE`) that may extend a built-in profile and then set
//! or replace rules (protocols, suites by name or class, groups, key sizes, the certificate,
//! HTTP), raise or lower finding severities, and waive findings until a date. Every error names
//! the file, the line and column, and the key. `tlscheck policy show NAME` writes a built-in
//! profile out in this format, as a file to start from.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::profile::{curve_of, group_of, Profile};
use super::rules::{RedirectRule, Rule, Rules, SuiteClass, SuiteSet};
use crate::analysis::{FindingId, Severity};
use crate::facts::{KeyAlgorithm, ProtocolVersion};
use crate::tls::{groups, suites};

/// A policy file, read and checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyFile {
    /// The file as given (`ci/policy.toml`), which reports name.
    pub path: String,
    /// The built-in profile it extends, if any.
    pub extends: Option<Profile>,
    /// The profile's rules with the file's on top.
    pub rules: Rules,
    pub fail_on: Option<Severity>,
    pub overrides: Vec<(FindingId, Severity)>,
    pub waivers: Vec<Waiver>,
}

/// A finding the policy lets pass until a date, with the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waiver {
    pub finding: FindingId,
    /// Which targets: a host name or target, `*` matching any run of characters; none for all.
    pub target: Option<String>,
    pub reason: String,
    /// The last day it applies, `YYYY-MM-DD` (UTC).
    pub expires: String,
    /// The first second after that day.
    pub expires_at: i64,
}

impl Waiver {
    /// Whether it covers a finding about `target` (the target as given, or its host).
    pub fn covers(&self, finding: FindingId, target: &str, host: &str) -> bool {
        self.finding == finding
            && self
                .target
                .as_deref()
                .is_none_or(|pattern| glob(pattern, target) || glob(pattern, host))
    }
}

/// What is wrong with a policy file.
#[derive(Debug, thiserror::Error)]
pub enum PolicyFileError {
    #[error("cannot read policy file '{path}': {source}")]
    Read {
        path: String,
        source: crate::files::FileError,
    },
    #[error("{path}:{line}:{column}: {key}: {message}")]
    Invalid {
        path: String,
        line: usize,
        column: usize,
        /// The key at fault, as a path (`protocols.min`, `waivers[2].expires`).
        key: String,
        message: String,
    },
}

impl PolicyFile {
    /// Reads and checks the policy file at `path`.
    pub fn load(path: &Path) -> Result<PolicyFile, PolicyFileError> {
        let shown = path.display().to_string();
        let text = crate::files::read_text_capped(path, crate::files::MAX_POLICY_BYTES).map_err(
            |source| PolicyFileError::Read {
                path: shown.clone(),
                source,
            },
        )?;
        PolicyFile::parse(&shown, &text)
    }

    /// Checks `text`, the contents of the file `path`.
    pub fn parse(path: &str, text: &str) -> Result<PolicyFile, PolicyFileError> {
        let invalid = |span: Range<usize>, message: String| {
            let (line, column) = line_column(text, span.start);
            PolicyFileError::Invalid {
                path: path.to_string(),
                line,
                column,
                key: key_at(text, span.start),
                message,
            }
        };
        let document: Document = toml::from_str(text).map_err(|error| {
            invalid(
                error.span().unwrap_or(0..0),
                error.message().trim().to_string(),
            )
        })?;
        Compiler {
            path,
            invalid: &invalid,
        }
        .compile(document)
    }

    /// What reports call it: `ci/policy.toml (extends mozilla-intermediate@6.0)`.
    pub fn name(&self) -> String {
        match &self.extends {
            Some(profile) => format!("{} (extends {})", self.path, profile.name()),
            None => self.path.clone(),
        }
    }
}

// ---- The file's shape -----------------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    extends: Option<Spanned<String>>,
    fail_on: Option<Spanned<String>>,
    protocols: Option<Protocols>,
    cipher_suites: Option<CipherSuites>,
    groups: Option<Groups>,
    keys: Option<Keys>,
    certificate: Option<Certificate>,
    http: Option<Http>,
    client_auth: Option<ClientAuth>,
    severity: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    #[serde(default)]
    waivers: Vec<WaiverEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Protocols {
    allow: Option<Spanned<Vec<Spanned<String>>>>,
    min: Option<Spanned<String>>,
    max: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CipherSuites {
    allow: Option<Vec<Spanned<String>>>,
    forbid: Option<Vec<Spanned<String>>>,
    server_order: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Groups {
    allow: Option<Vec<Spanned<String>>>,
    forbid: Option<Vec<Spanned<String>>>,
    min_ecdh_bits: Option<Spanned<u32>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Keys {
    rsa_min_bits: Option<Spanned<u32>>,
    ec_min_bits: Option<Spanned<u32>>,
    dh_min_bits: Option<Spanned<u32>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Certificate {
    types: Option<Vec<Spanned<String>>>,
    curves: Option<Vec<Spanned<String>>>,
    signatures: Option<Vec<Spanned<String>>>,
    max_lifetime_days: Option<Spanned<i64>>,
    min_days_left: Option<Spanned<i64>>,
    min_lifetime_left: Option<Spanned<f64>>,
    trusted: Option<bool>,
    hostname_match: Option<bool>,
    ocsp_staple: Option<bool>,
    issuer: Option<String>,
    san: Option<Vec<String>>,
    sha256_fingerprints: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Http {
    redirect: Option<Spanned<String>>,
    hsts: Option<bool>,
    hsts_min_max_age: Option<u64>,
    hsts_include_subdomains: Option<bool>,
    hsts_preload: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientAuth {
    required: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WaiverEntry {
    finding: Spanned<String>,
    target: Option<String>,
    reason: Spanned<String>,
    expires: Spanned<String>,
}

// ---- From the shape to rules ----------------------------------------------------------------

struct Compiler<'a> {
    path: &'a str,
    invalid: &'a dyn Fn(Range<usize>, String) -> PolicyFileError,
}

impl Compiler<'_> {
    fn error(&self, span: Range<usize>, message: String) -> PolicyFileError {
        (self.invalid)(span, message)
    }

    fn rule<T>(&self, value: T, text: String) -> Option<Rule<T>> {
        Some(Rule::new(value, self.path, text, true))
    }

    fn compile(&self, document: Document) -> Result<PolicyFile, PolicyFileError> {
        let extends = match &document.extends {
            Some(name) => Some(Profile::builtin(name.get_ref()).map_err(|error| {
                self.error(
                    name.span(),
                    format!(
                        "'{}' is not a built-in profile (try: {})",
                        name.get_ref(),
                        error.known
                    ),
                )
            })?),
            None => None,
        };
        let fail_on = match &document.fail_on {
            Some(name) => Some(self.severity(name)?),
            None => None,
        };
        let mut rules = Rules::default();
        if let Some(protocols) = &document.protocols {
            rules.versions = self.protocols(protocols)?;
        }
        if let Some(cipher_suites) = &document.cipher_suites {
            if let Some(allow) = &cipher_suites.allow {
                let mut set = SuiteSet::default();
                for name in allow {
                    let suite = suites::by_name(name.get_ref()).ok_or_else(|| {
                        self.error(
                            name.span(),
                            format!("unknown cipher suite '{}' (IANA names, e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)", name.get_ref()),
                        )
                    })?;
                    if suite.is_tls13_only() {
                        set.tls13.insert(suite.code);
                    } else {
                        set.tls12.insert(suite.code);
                    }
                }
                rules.suites = self.rule(set, "cipher_suites.allow".into());
            }
            if let Some(forbid) = &cipher_suites.forbid {
                let mut classes = Vec::new();
                for name in forbid {
                    let class = SuiteClass::NAMES
                        .iter()
                        .find(|(class, _)| class.eq_ignore_ascii_case(name.get_ref()))
                        .map(|(_, class)| *class)
                        .or_else(|| {
                            suites::by_name(name.get_ref()).map(|s| SuiteClass::Suite(s.code))
                        })
                        .ok_or_else(|| {
                            self.error(
                                name.span(),
                                format!(
                                    "'{}' is neither a class ({}) nor an IANA suite name",
                                    name.get_ref(),
                                    SuiteClass::NAMES.map(|(class, _)| class).join(", ")
                                ),
                            )
                        })?;
                    classes.push(class);
                }
                let text = format!(
                    "cipher_suites.forbid {}",
                    forbid
                        .iter()
                        .map(|n| n.get_ref().as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                rules.forbidden_suites = self.rule(classes, text);
            }
            if let Some(server_order) = cipher_suites.server_order {
                rules.server_preferred_order = self.rule(
                    server_order,
                    format!("cipher_suites.server_order = {server_order}"),
                );
            }
        }
        if let Some(groups) = &document.groups {
            if let Some(allow) = &groups.allow {
                let codes = self.groups(allow)?;
                rules.groups = self.rule(codes, format!("groups.allow {}", names(allow)));
            }
            if let Some(forbid) = &groups.forbid {
                let codes = self.groups(forbid)?;
                rules.forbidden_groups =
                    self.rule(codes, format!("groups.forbid {}", names(forbid)));
            }
            if let Some(bits) = &groups.min_ecdh_bits {
                rules.ecdh_param_size = self.rule(
                    *bits.get_ref(),
                    format!("groups.min_ecdh_bits = {}", bits.get_ref()),
                );
            }
        }
        if let Some(keys) = &document.keys {
            let size = |bits: &Spanned<u32>,
                        key: &str|
             -> Result<Option<Rule<u32>>, PolicyFileError> {
                if *bits.get_ref() == 0 {
                    return Err(self.error(bits.span(), "must be a number of bits above 0".into()));
                }
                Ok(self.rule(*bits.get_ref(), format!("keys.{key} = {}", bits.get_ref())))
            };
            if let Some(bits) = &keys.rsa_min_bits {
                rules.rsa_key_size = size(bits, "rsa_min_bits")?;
            }
            if let Some(bits) = &keys.ec_min_bits {
                rules.ec_key_size = size(bits, "ec_min_bits")?;
            }
            if let Some(bits) = &keys.dh_min_bits {
                rules.dh_param_size = size(bits, "dh_min_bits")?;
            }
        }
        if let Some(certificate) = &document.certificate {
            self.certificate(certificate, &mut rules)?;
        }
        if let Some(http) = &document.http {
            if let Some(redirect) = &http.redirect {
                let value = match redirect.get_ref().as_str() {
                    "permanent" => RedirectRule::Permanent,
                    "any" => RedirectRule::Any,
                    other => {
                        return Err(self.error(
                            redirect.span(),
                            format!("'{other}' is not a redirect rule (permanent, any)"),
                        ))
                    }
                };
                rules.redirect =
                    self.rule(value, format!("http.redirect = \"{}\"", redirect.get_ref()));
            }
            if let Some(hsts) = http.hsts {
                rules.hsts = self.rule(hsts, format!("http.hsts = {hsts}"));
            }
            if let Some(age) = http.hsts_min_max_age {
                rules.hsts_min_age = self.rule(age, format!("http.hsts_min_max_age = {age}"));
            }
            if let Some(on) = http.hsts_include_subdomains {
                rules.hsts_include_subdomains =
                    self.rule(on, format!("http.hsts_include_subdomains = {on}"));
            }
            if let Some(on) = http.hsts_preload {
                rules.hsts_preload = self.rule(on, format!("http.hsts_preload = {on}"));
            }
        }
        if let Some(required) = document.client_auth.as_ref().and_then(|c| c.required) {
            rules.client_auth_required =
                self.rule(required, format!("client_auth.required = {required}"));
        }

        let mut overrides = Vec::new();
        for (id, severity) in document.severity.iter().flatten() {
            let finding = self.finding(id)?;
            overrides.push((finding, self.severity(severity)?));
        }
        let mut waivers = Vec::new();
        for entry in &document.waivers {
            let finding = self.finding(&entry.finding)?;
            if entry.reason.get_ref().trim().is_empty() {
                return Err(self.error(entry.reason.span(), "a waiver needs a reason".into()));
            }
            let expires_at = end_of_day(entry.expires.get_ref()).ok_or_else(|| {
                self.error(
                    entry.expires.span(),
                    format!("'{}' is not a date (YYYY-MM-DD)", entry.expires.get_ref()),
                )
            })?;
            waivers.push(Waiver {
                finding,
                target: entry.target.clone(),
                reason: entry.reason.get_ref().trim().to_string(),
                expires: entry.expires.get_ref().clone(),
                expires_at,
            });
        }

        let base = extends
            .as_ref()
            .map(|p| p.rules.clone())
            .unwrap_or_default();
        Ok(PolicyFile {
            path: self.path.to_string(),
            extends,
            rules: base.overridden_by(rules),
            fail_on,
            overrides,
            waivers,
        })
    }

    fn protocols(
        &self,
        protocols: &Protocols,
    ) -> Result<Option<Rule<Vec<ProtocolVersion>>>, PolicyFileError> {
        let version = |name: &Spanned<String>| {
            version_named(name.get_ref()).ok_or_else(|| {
                self.error(
                    name.span(),
                    format!(
                        "unknown protocol '{}' (one of {})",
                        name.get_ref(),
                        ProtocolVersion::ALL.map(|v| v.name()).join(", ")
                    ),
                )
            })
        };
        if let Some(allow) = &protocols.allow {
            if let Some(bound) = protocols.min.as_ref().or(protocols.max.as_ref()) {
                return Err(self.error(
                    bound.span(),
                    "use either allow or min and max, not both".into(),
                ));
            }
            let mut versions = Vec::new();
            for name in allow.get_ref() {
                versions.push(version(name)?);
            }
            versions.sort();
            versions.dedup();
            let text = format!("protocols.allow {}", super::rules::names(&versions));
            return Ok(self.rule(versions, text));
        }
        let min = protocols.min.as_ref().map(version).transpose()?;
        let max = protocols.max.as_ref().map(version).transpose()?;
        if let (Some(min), Some(max), Some(span)) = (min, max, protocols.max.as_ref()) {
            if max < min {
                return Err(self.error(
                    span.span(),
                    format!("max {} is below min {}", max.name(), min.name()),
                ));
            }
        }
        if min.is_none() && max.is_none() {
            return Ok(None);
        }
        let versions: Vec<ProtocolVersion> = ProtocolVersion::ALL
            .into_iter()
            .filter(|v| min.is_none_or(|min| *v >= min) && max.is_none_or(|max| *v <= max))
            .collect();
        let mut text = Vec::new();
        if let Some(min) = min {
            text.push(format!("protocols.min = {}", min.name()));
        }
        if let Some(max) = max {
            text.push(format!("protocols.max = {}", max.name()));
        }
        Ok(self.rule(versions, text.join(", ")))
    }

    fn groups(&self, names: &[Spanned<String>]) -> Result<BTreeSet<u16>, PolicyFileError> {
        names
            .iter()
            .map(|name| {
                group_of(name.get_ref()).ok_or_else(|| {
                    self.error(
                        name.span(),
                        format!(
                            "unknown group '{}' (IANA or OpenSSL names, e.g. x25519, secp256r1, prime256v1, X25519MLKEM768)",
                            name.get_ref()
                        ),
                    )
                })
            })
            .collect()
    }

    fn certificate(
        &self,
        certificate: &Certificate,
        rules: &mut Rules,
    ) -> Result<(), PolicyFileError> {
        if let Some(types) = &certificate.types {
            let mut algorithms = Vec::new();
            for name in types {
                algorithms.push(match name.get_ref().to_ascii_lowercase().as_str() {
                    "rsa" => KeyAlgorithm::Rsa,
                    "ecdsa" | "ec" => KeyAlgorithm::Ec,
                    "ed25519" => KeyAlgorithm::Ed25519,
                    "ed448" => KeyAlgorithm::Ed448,
                    _ => {
                        return Err(self.error(
                            name.span(),
                            format!(
                                "unknown key type '{}' (rsa, ecdsa, ed25519, ed448)",
                                name.get_ref()
                            ),
                        ))
                    }
                });
            }
            rules.certificate_types =
                self.rule(algorithms, format!("certificate.types {}", names(types)));
        }
        if let Some(curves) = &certificate.curves {
            let ours: Vec<String> = curves.iter().map(|name| curve_of(name.get_ref())).collect();
            if let Some(unknown) = curves
                .iter()
                .zip(&ours)
                .find(|(_, ours)| !["P-256", "P-384", "P-521"].contains(&ours.as_str()))
            {
                return Err(self.error(
                    unknown.0.span(),
                    format!(
                        "unknown curve '{}' (P-256, P-384, P-521 or OpenSSL's names)",
                        unknown.0.get_ref()
                    ),
                ));
            }
            let text = format!("certificate.curves {}", ours.join(", "));
            rules.certificate_curves = self.rule(ours, text);
        }
        if let Some(signatures) = &certificate.signatures {
            if let Some(empty) = signatures.iter().find(|s| s.get_ref().trim().is_empty()) {
                return Err(self.error(empty.span(), "an empty signature algorithm name".into()));
            }
            rules.certificate_signatures = self.rule(
                signatures.iter().map(|s| s.get_ref().clone()).collect(),
                format!("certificate.signatures {}", names(signatures)),
            );
        }
        let days = |value: &Spanned<i64>| {
            if *value.get_ref() <= 0 {
                Err(self.error(value.span(), "must be a number of days above 0".into()))
            } else {
                Ok(*value.get_ref())
            }
        };
        if let Some(value) = &certificate.max_lifetime_days {
            let maximum = days(value)?;
            rules.maximum_certificate_lifespan = self.rule(
                maximum,
                format!("certificate.max_lifetime_days = {maximum}"),
            );
        }
        if let Some(value) = &certificate.min_days_left {
            let minimum = days(value)?;
            rules.min_days_left =
                self.rule(minimum, format!("certificate.min_days_left = {minimum}"));
        }
        if let Some(share) = &certificate.min_lifetime_left {
            let fraction = *share.get_ref();
            if !(fraction > 0.0 && fraction < 1.0) {
                return Err(self.error(
                    share.span(),
                    format!("{fraction} is not a fraction between 0 and 1 (e.g. 0.33)"),
                ));
            }
            rules.min_lifetime_left = self.rule(
                (fraction * 1000.0).round() as u32,
                format!("certificate.min_lifetime_left = {fraction}"),
            );
        }
        if let Some(on) = certificate.trusted {
            rules.trusted = self.rule(on, format!("certificate.trusted = {on}"));
        }
        if let Some(on) = certificate.hostname_match {
            rules.hostname_match = self.rule(on, format!("certificate.hostname_match = {on}"));
        }
        if let Some(on) = certificate.ocsp_staple {
            rules.ocsp_staple = self.rule(on, format!("certificate.ocsp_staple = {on}"));
        }
        if let Some(issuer) = &certificate.issuer {
            rules.issuer = self.rule(issuer.clone(), format!("certificate.issuer = \"{issuer}\""));
        }
        if let Some(san) = &certificate.san {
            let set: BTreeSet<String> = san.iter().map(|name| name.to_ascii_lowercase()).collect();
            let text = format!(
                "certificate.san {}",
                set.iter().cloned().collect::<Vec<_>>().join(", ")
            );
            rules.san = self.rule(set, text);
        }
        if let Some(pins) = &certificate.sha256_fingerprints {
            let mut fingerprints = Vec::new();
            for pin in pins {
                fingerprints.push(fingerprint(pin.get_ref()).ok_or_else(|| {
                    self.error(
                        pin.span(),
                        format!(
                            "'{}' is not a SHA-256 fingerprint (64 hex digits, colons optional)",
                            pin.get_ref()
                        ),
                    )
                })?);
            }
            rules.fingerprints = self.rule(fingerprints, "certificate.sha256_fingerprints".into());
        }
        Ok(())
    }

    fn finding(&self, id: &Spanned<String>) -> Result<FindingId, PolicyFileError> {
        FindingId::parse(id.get_ref()).ok_or_else(|| {
            self.error(
                id.span(),
                format!(
                    "unknown finding '{}' (the ids are listed in README.md and by --format json)",
                    id.get_ref()
                ),
            )
        })
    }

    fn severity(&self, name: &Spanned<String>) -> Result<Severity, PolicyFileError> {
        Severity::ALL
            .into_iter()
            .find(|severity| severity.as_str() == name.get_ref())
            .ok_or_else(|| {
                self.error(
                    name.span(),
                    format!(
                        "unknown severity '{}' (info, low, medium, high, critical)",
                        name.get_ref()
                    ),
                )
            })
    }
}

/// `TLSv1.2`, also `TLS1.2`, `TLSv1` and `SSLv3`.
fn version_named(name: &str) -> Option<ProtocolVersion> {
    let normal = name
        .replace("TLS1", "TLSv1")
        .replace("SSL", "SSLv")
        .replace("vv", "v");
    ProtocolVersion::ALL.into_iter().find(|version| {
        version.name() == normal || (normal == "TLSv1" && *version == ProtocolVersion::Tls10)
    })
}

fn names(list: &[Spanned<String>]) -> String {
    list.iter()
        .map(|name| name.get_ref().as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `AB:CD:…` (upper case, colons) from hex with or without colons; none unless 32 bytes.
fn fingerprint(text: &str) -> Option<String> {
    let hex: String = text.chars().filter(|c| *c != ':').collect();
    if hex.len() != 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let upper = hex.to_ascii_uppercase();
    Some(
        upper
            .as_bytes()
            .chunks(2)
            .map(|pair| String::from_utf8_lossy(pair).into_owned())
            .collect::<Vec<_>>()
            .join(":"),
    )
}

/// The first second after the day `YYYY-MM-DD` (UTC).
fn end_of_day(date: &str) -> Option<i64> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let day = time::Date::parse(date, &format).ok()?;
    Some(day.next_day()?.midnight().assume_utc().unix_timestamp())
}

/// Whether `text` matches `pattern`, where `*` matches any run of characters (case-blind).
pub fn glob(pattern: &str, text: &str) -> bool {
    let pattern = pattern.to_ascii_lowercase();
    let text = text.to_ascii_lowercase();
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || !text[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

/// 1-based line and column of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The dotted key at byte `offset`: the table header above it and the key of its line, or of
/// the nearest line above that has one (for values that span lines).
fn key_at(text: &str, offset: usize) -> String {
    let line_end = text[offset.min(text.len())..]
        .find('\n')
        .map_or(text.len(), |at| offset + at);
    let lines: Vec<&str> = text[..line_end].lines().collect();
    let mut key = None;
    let mut table = String::new();
    for (index, line) in lines.iter().enumerate().rev() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            let name = trimmed.trim_matches(|c| c == '[' || c == ']').trim();
            table = if trimmed.starts_with("[[") {
                let count = lines[..=index]
                    .iter()
                    .filter(|l| l.trim() == trimmed)
                    .count();
                format!("{name}[{count}]")
            } else {
                name.to_string()
            };
            break;
        }
        if key.is_none() {
            if let Some((name, _)) = trimmed.split_once('=') {
                if !trimmed.starts_with('#') {
                    key = Some(name.trim().to_string());
                }
            }
        }
    }
    match (table.is_empty(), key) {
        (true, Some(key)) => key,
        (false, Some(key)) => format!("{table}.{key}"),
        (false, None) => table,
        (true, None) => "(top level)".to_string(),
    }
}

/// A built-in profile written out as a policy file that states every rule itself.
pub fn show(profile: &Profile) -> String {
    let rules = &profile.rules;
    let quote = |items: Vec<String>| {
        let quoted: Vec<String> = items.iter().map(|item| format!("\"{item}\"")).collect();
        format!("[{}]", quoted.join(", "))
    };
    let suite_names = |codes: &BTreeSet<u16>| {
        codes
            .iter()
            .map(|code| {
                suites::by_code(*code)
                    .map(|suite| suite.iana_name.to_string())
                    .unwrap_or_else(|| format!("0x{code:04X}"))
            })
            .collect::<Vec<_>>()
    };
    let mut out = format!(
        "# {} written out as a tlscheck policy file: the same rules as\n\
         # `--policy {}`, stated one by one. Edit it, check it with\n\
         # `tlscheck policy check FILE` and use it with `tlscheck --policy FILE HOST`.\n\
         # (Or keep only your changes below `extends = \"{}\"`.)\n",
        profile.label(),
        profile.name(),
        profile.name()
    );
    if let Some(rule) = &rules.versions {
        out.push_str(&format!(
            "\n[protocols]\nallow = {}\n",
            quote(rule.value.iter().map(|v| v.name().to_string()).collect())
        ));
    }
    out.push_str("\n[cipher_suites]\n");
    if let Some(rule) = &rules.suites {
        let mut all = suite_names(&rule.value.tls12);
        all.extend(suite_names(&rule.value.tls13));
        out.push_str("allow = [\n");
        for name in all {
            out.push_str(&format!("  \"{name}\",\n"));
        }
        out.push_str("]\n");
    }
    if let Some(rule) = &rules.server_preferred_order {
        out.push_str(&format!("server_order = {}\n", rule.value));
    }
    out.push_str("\n[groups]\n");
    if let Some(rule) = &rules.groups {
        out.push_str(&format!(
            "allow = {}\n",
            quote(
                rule.value
                    .iter()
                    .map(|code| {
                        groups::by_code(*code)
                            .map(|g| g.name.to_string())
                            .unwrap_or_else(|| format!("0x{code:04X}"))
                    })
                    .collect()
            )
        ));
    }
    if let Some(rule) = &rules.ecdh_param_size {
        out.push_str(&format!("min_ecdh_bits = {}\n", rule.value));
    }
    out.push_str("\n[keys]\n");
    if let Some(rule) = &rules.rsa_key_size {
        out.push_str(&format!("rsa_min_bits = {}\n", rule.value));
    }
    if let Some(rule) = &rules.dh_param_size {
        out.push_str(&format!("dh_min_bits = {}\n", rule.value));
    }
    out.push_str("\n[certificate]\n");
    if let Some(rule) = &rules.certificate_types {
        out.push_str(&format!(
            "types = {}\n",
            quote(
                rule.value
                    .iter()
                    .map(|algorithm| match algorithm {
                        KeyAlgorithm::Ec => "ecdsa".to_string(),
                        other => other.name().to_ascii_lowercase(),
                    })
                    .collect()
            )
        ));
    }
    if let Some(rule) = &rules.certificate_curves {
        out.push_str(&format!("curves = {}\n", quote(rule.value.clone())));
    }
    if let Some(rule) = &rules.certificate_signatures {
        out.push_str(&format!("signatures = {}\n", quote(rule.value.clone())));
    }
    if let Some(rule) = &rules.maximum_certificate_lifespan {
        out.push_str(&format!("max_lifetime_days = {}\n", rule.value));
    }
    if let Some(rule) = &rules.ocsp_staple {
        out.push_str(&format!("ocsp_staple = {}\n", rule.value));
    }
    if let Some(rule) = &rules.hsts_min_age {
        out.push_str(&format!("\n[http]\nhsts_min_max_age = {}\n", rule.value));
    }
    // A rule a policy file sets is a requirement (high); keep the profile's own severities.
    let softer: Vec<FindingId> = [
        (rules.groups.is_some(), FindingId::PolicyGroups),
        (
            rules.server_preferred_order.is_some(),
            FindingId::PolicyServerOrder,
        ),
        (
            rules.certificate_curves.is_some(),
            FindingId::PolicyCertificateCurve,
        ),
        (
            rules.certificate_signatures.is_some(),
            FindingId::PolicyCertificateSignature,
        ),
        (
            rules.maximum_certificate_lifespan.is_some(),
            FindingId::PolicyCertificateLifespan,
        ),
        (rules.ocsp_staple.is_some(), FindingId::PolicyOcspStaple),
        (rules.hsts_min_age.is_some(), FindingId::PolicyHstsMinAge),
    ]
    .into_iter()
    .filter(|(set, id)| *set && id.default_severity() < Severity::High)
    .map(|(_, id)| id)
    .collect();
    if !softer.is_empty() {
        out.push_str(
            "\n# The profile's own severities: a rule set in a policy file is otherwise high.\n[severity]\n",
        );
        for id in softer {
            out.push_str(&format!("\"{id}\" = \"{}\"\n", id.default_severity()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_whole_names_with_stars_for_any_run() {
        assert!(glob("legacy.example.com", "LEGACY.example.com"));
        assert!(glob("*.example.com", "a.b.example.com"));
        assert!(glob("legacy-*", "legacy-7.example.com"));
        assert!(glob("*", "anything"));
        assert!(glob("a*c*e", "abcde"));
        assert!(!glob("*.example.com", "example.com"));
        assert!(!glob("legacy", "legacy.example.com"));
        assert!(!glob("a*c*e", "abdex"));
    }

    #[test]
    fn fingerprints_are_normalised() {
        let hex = "ab".repeat(32);
        let expected = vec!["AB"; 32].join(":");
        assert_eq!(fingerprint(&hex).as_deref(), Some(expected.as_str()));
        assert_eq!(fingerprint(&expected).as_deref(), Some(expected.as_str()));
        assert_eq!(fingerprint("AB:CD"), None);
        assert_eq!(fingerprint(&"zz".repeat(32)), None);
    }

    #[test]
    fn versions_have_their_usual_spellings() {
        assert_eq!(version_named("TLSv1.2"), Some(ProtocolVersion::Tls12));
        assert_eq!(version_named("TLS1.3"), Some(ProtocolVersion::Tls13));
        assert_eq!(version_named("TLSv1"), Some(ProtocolVersion::Tls10));
        assert_eq!(version_named("SSLv3"), Some(ProtocolVersion::Ssl3));
        assert_eq!(version_named("TLSv1.4"), None);
    }

    #[test]
    fn a_waiver_ends_after_its_day() {
        assert_eq!(end_of_day("2027-03-31"), Some(1_806_537_600)); // 2027-04-01T00:00:00Z
        assert_eq!(end_of_day("2027-02-30"), None);
        assert_eq!(end_of_day("next week"), None);
    }
}
