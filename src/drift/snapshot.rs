//! Reading a JSON report (`tlscheck --format json`, schema version 1 or 2) into the few facts a
//! comparison needs, leniently: fields a version lacks take defaults, version 1's spellings are
//! turned into version 2's, and anything that is not a tlscheck report is a [`SnapshotError`]
//! naming the file.

use std::path::Path;

use serde::Deserialize;
use serde_json::Value;
use thiserror::Error;

use crate::analysis::Severity;

/// The report layouts this reader knows: `schema_version` 1 (before typed errors and verdicts)
/// and 2 (the current one).
pub const READABLE_VERSIONS: [u32; 2] = [1, 2];

/// Finding ids that version 1 spelled differently.
const RENAMED_FINDINGS: [(&str, &str); 1] = [("scan.incomplete", "scan.inconclusive")];

/// Every finding id the tlscheck that wrote schema version 1 could raise (its catalogue, with
/// `scan.incomplete` under its new name). A finding of a newer
/// check is not compared with a version 1 report: its absence there says nothing.
pub const VERSION_1_FINDINGS: [&str; 42] = [
    "cert.expired",
    "cert.expires-soon",
    "cert.hostname-mismatch",
    "cert.md5-signature",
    "cert.not-yet-valid",
    "cert.self-signed",
    "cert.sha1-signature",
    "cert.untrusted",
    "cert.weak-key",
    "chain.incomplete",
    "chain.order",
    "cipher.3des",
    "cipher.anonymous",
    "cipher.cbc-tls10",
    "cipher.client-order",
    "cipher.des",
    "cipher.export",
    "cipher.no-aead",
    "cipher.no-forward-secrecy",
    "cipher.null",
    "cipher.rc4",
    "client-auth.rejected",
    "client-auth.required",
    "dh.weak",
    "hsts.invalid",
    "hsts.missing",
    "hsts.short-max-age",
    "http.no-redirect",
    "http.redirect-loop",
    "http.redirect-other-host",
    "http.redirect-temporary",
    "http.redirect-to-http",
    "http.too-many-redirects",
    "protocol.no-tls12",
    "protocol.no-tls13",
    "protocol.sslv2",
    "protocol.sslv3",
    "protocol.tls10",
    "protocol.tls11",
    "scan.inconclusive",
    "tls.handshake-failed",
    "tls.signature-unverifiable",
];

/// Why a file cannot be compared: exit code 2. `role` is how the command line named the file
/// (`OLD`, `NEW`, `--baseline`).
#[derive(Debug, Error)]
pub enum SnapshotError {
    #[error("cannot read {role} '{path}': {source}")]
    Read {
        role: &'static str,
        path: String,
        source: crate::files::FileError,
    },
    #[error(
        "{role} '{path}' is not a tlscheck JSON report: {reason} (write one with `tlscheck TARGET --format json`)"
    )]
    NotReport {
        role: &'static str,
        path: String,
        reason: String,
    },
    #[error(
        "{role} '{path}' has schema_version {version}, which this tlscheck ({tool}) cannot read: it reads versions 1 and 2{hint}"
    )]
    UnknownVersion {
        role: &'static str,
        path: String,
        version: u64,
        tool: &'static str,
        /// What to do about it: a newer tlscheck, for a newer version.
        hint: &'static str,
    },
    #[error("{role} '{path}' is not a valid tlscheck report: {at}: {reason}")]
    Invalid {
        role: &'static str,
        path: String,
        at: String,
        reason: String,
    },
}

/// One report document, reduced to what the comparison reads.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub source: Source,
    pub targets: Vec<TargetSnapshot>,
}

/// Where a snapshot came from and under which settings it was judged.
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    /// The file as given, or a phrase such as `this scan`.
    pub label: String,
    pub schema_version: u32,
    pub tool_version: Option<String>,
    pub fail_on: Severity,
    /// The policy profile, `none` when the report predates policies.
    pub policy: String,
    /// When the first target was scanned.
    pub scanned_at: Option<String>,
}

impl Snapshot {
    /// Reads and checks the report in `path`; `role` names it in errors.
    pub fn read(path: &Path, role: &'static str) -> Result<Snapshot, SnapshotError> {
        let shown = path.display().to_string();
        let bytes =
            crate::files::read_capped(path, crate::files::MAX_REPORT_BYTES).map_err(|source| {
                SnapshotError::Read {
                    role,
                    path: shown.clone(),
                    source,
                }
            })?;
        let value: Value =
            serde_json::from_slice(&bytes).map_err(|error| SnapshotError::NotReport {
                role,
                path: shown.clone(),
                reason: format!("not JSON ({error})"),
            })?;
        Snapshot::from_value(value, &shown, role)
    }

    /// A snapshot of a parsed report document; `label` and `role` name it in errors.
    pub fn from_value(
        value: Value,
        label: &str,
        role: &'static str,
    ) -> Result<Snapshot, SnapshotError> {
        let not_report = |reason: &str| SnapshotError::NotReport {
            role,
            path: label.to_string(),
            reason: reason.to_string(),
        };
        let Value::Object(mut document) = value else {
            return Err(not_report("it is not a JSON object"));
        };
        if let Some(name) = document
            .get("tool")
            .and_then(|tool| tool.get("name"))
            .and_then(Value::as_str)
            .filter(|name| *name != "tlscheck")
        {
            return Err(not_report(&format!("it was written by {name}")));
        }
        if document.get("kind").and_then(Value::as_str) == Some("drift") {
            return Err(not_report(
                "it is a drift document (tlscheck diff --format json), not a report",
            ));
        }
        let version = match document.get("schema_version") {
            None => return Err(not_report("it has no schema_version")),
            Some(version) => version
                .as_u64()
                .ok_or_else(|| not_report("its schema_version is not a whole number"))?,
        };
        let Some(Value::Array(reports)) = document.remove("reports") else {
            return Err(not_report("it has no list of reports"));
        };
        let version = match u32::try_from(version) {
            Ok(version) if READABLE_VERSIONS.contains(&version) => version,
            _ => {
                let newest = READABLE_VERSIONS.iter().max().copied().unwrap_or(0);
                return Err(SnapshotError::UnknownVersion {
                    role,
                    path: label.to_string(),
                    version,
                    tool: env!("CARGO_PKG_VERSION"),
                    hint: if version > u64::from(newest) {
                        " (compare it with the newer tlscheck that wrote it)"
                    } else {
                        ""
                    },
                });
            }
        };
        let invalid = |at: String, reason: String| SnapshotError::Invalid {
            role,
            path: label.to_string(),
            at,
            reason,
        };
        let fail_on = match document.get("fail_on") {
            None | Some(Value::Null) => Severity::High,
            Some(value) => value
                .as_str()
                .and_then(parse_severity)
                .ok_or_else(|| invalid("fail_on".into(), format!("unknown severity {value}")))?,
        };
        let policy = document
            .get("policy")
            .and_then(Value::as_str)
            .filter(|policy| !policy.is_empty())
            .unwrap_or("none")
            .to_string();
        let tool_version = document
            .get("tool")
            .and_then(|tool| tool.get("version"))
            .and_then(Value::as_str)
            .map(str::to_string);
        let mut targets = Vec::with_capacity(reports.len());
        for (index, report) in reports.into_iter().enumerate() {
            let mut target: TargetSnapshot = serde_json::from_value(report)
                .map_err(|error| invalid(format!("reports[{index}]"), error.to_string()))?;
            if target.target.host.is_empty() && target.target.input.is_empty() {
                return Err(invalid(
                    format!("reports[{index}]"),
                    "it names no target".into(),
                ));
            }
            target.normalise(version, fail_on);
            targets.push(target);
        }
        Ok(Snapshot {
            source: Source {
                label: label.to_string(),
                schema_version: version,
                tool_version,
                fail_on,
                policy,
                scanned_at: targets.first().and_then(|t| t.scanned_at.clone()),
            },
            targets,
        })
    }
}

/// `info`, `low`, ... as in the reports.
pub fn parse_severity(text: &str) -> Option<Severity> {
    Severity::ALL
        .into_iter()
        .find(|severity| severity.as_str() == text)
}

/// The result of one probe: its facts, or why there are none.
#[derive(Clone, Debug, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Probed<T> {
    Ok(T),
    Failed {
        #[serde(default)]
        reason: String,
    },
    Skipped {
        #[serde(default)]
        reason: String,
    },
}

impl<T> Default for Probed<T> {
    fn default() -> Probed<T> {
        Probed::Skipped {
            reason: "not in the report".into(),
        }
    }
}

impl<T> Probed<T> {
    pub fn ok(&self) -> Option<&T> {
        match self {
            Probed::Ok(value) => Some(value),
            _ => None,
        }
    }

    /// Why there are no facts, in words.
    pub fn why_not(&self) -> &str {
        match self {
            Probed::Ok(_) => "",
            Probed::Failed { reason } | Probed::Skipped { reason } => reason,
        }
    }
}

/// One target's report, as far as the comparison reads it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct TargetSnapshot {
    pub target: TargetName,
    pub scanned_at: Option<String>,
    /// A string in version 1, an error object in version 2; see [`TargetSnapshot::unreachable`].
    unreachable: Value,
    /// `pass`, `fail` or `unreachable`; worked out from the findings for version 1.
    pub verdict: String,
    pub tls: Probed<Connection>,
    pub certificates: Option<Chain>,
    pub client_auth: Option<ClientAuth>,
    pub https: Probed<HttpsResponse>,
    pub redirect: Probed<Redirect>,
    pub enumeration: Probed<Enumeration>,
    pub findings: Vec<Finding>,
    /// Absent from reports written before grades.
    pub grade: Option<Grade>,
}

impl TargetSnapshot {
    /// Why the target could not be scanned, when it could not.
    pub fn unreachable(&self) -> Option<String> {
        match &self.unreachable {
            Value::Null => None,
            Value::String(reason) => Some(reason.clone()),
            Value::Object(error) => Some(
                error
                    .get("reason")
                    .or_else(|| error.get("detail"))
                    .and_then(Value::as_str)
                    .unwrap_or("could not be scanned")
                    .to_string(),
            ),
            other => Some(other.to_string()),
        }
    }

    /// Version 1's spellings in version 2's terms.
    fn normalise(&mut self, version: u32, fail_on: Severity) {
        for finding in &mut self.findings {
            if let Some((_, new)) = RENAMED_FINDINGS.iter().find(|(old, _)| *old == finding.id) {
                finding.id = (*new).to_string();
            }
        }
        if let Probed::Ok(enumeration) = &mut self.enumeration {
            for protocol in &mut enumeration.protocols {
                // Version 1 said `accepted: false` beside an error when the probe failed.
                if !protocol.error.is_null() {
                    protocol.accepted = None;
                }
            }
        }
        if version == 1 || self.verdict.is_empty() {
            self.verdict = if self.unreachable().is_some() {
                "unreachable".into()
            } else if self.findings.iter().any(|finding| {
                !finding.waived() && finding.severity().is_some_and(|s| s >= fail_on)
            }) {
                "fail".into()
            } else {
                "pass".into()
            };
        }
    }

    /// How the target is shown: what the user typed.
    pub fn name(&self) -> String {
        if self.target.input.is_empty() {
            self.target.host_port()
        } else {
            self.target.input.clone()
        }
    }

    /// The leaf certificate, when the chain was seen.
    pub fn leaf(&self) -> Option<&Certificate> {
        self.certificates
            .as_ref()
            .and_then(|chain| chain.certificates.first())
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct TargetName {
    pub input: String,
    pub host: String,
    pub port: u16,
}

impl TargetName {
    pub fn host_port(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Connection {
    pub protocol: String,
    pub cipher_suite: String,
    pub key_exchange_group: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Chain {
    pub certificates: Vec<Certificate>,
    pub incomplete: bool,
    pub order_correct: bool,
    pub missing_issuer: Option<String>,
    pub trust: Trust,
    pub hostname: Hostname,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Trust {
    pub trusted: bool,
    pub store: String,
    pub error: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Hostname {
    pub name: String,
    pub matches: bool,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Certificate {
    pub subject: String,
    pub issuer: String,
    pub serial: String,
    pub not_before: String,
    pub not_after: String,
    pub expired: bool,
    pub not_yet_valid: bool,
    pub key: Key,
    pub signature_algorithm: String,
    pub signature_hash: Option<String>,
    pub self_signed: bool,
    pub sha256_fingerprint: String,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Key {
    pub algorithm: String,
    pub bits: u32,
    pub curve: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ClientAuth {
    pub requested: bool,
    pub required: Option<bool>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct HttpsResponse {
    pub status_code: u16,
    pub hsts: Option<Hsts>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Hsts {
    pub raw: String,
    pub max_age: Option<u64>,
    pub include_subdomains: bool,
    pub preload: bool,
    pub error: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Redirect {
    pub hops: Vec<RedirectHop>,
    pub verdict: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct RedirectHop {
    pub url: String,
    pub status_code: u16,
    pub location: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Enumeration {
    pub protocols: Vec<Protocol>,
    pub cipher_suites: Vec<VersionSuites>,
    pub groups: Vec<Group>,
    pub groups_probed_with: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Protocol {
    pub version: String,
    /// `None` when the probe got no answer (version 2's `null`; version 1's `false` beside an
    /// error).
    pub accepted: Option<bool>,
    pub evidence: String,
    /// A string in version 1, an object in version 2.
    pub error: Value,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct VersionSuites {
    pub version: String,
    pub suites: Vec<Suite>,
    /// Version 1 did not say; its lists are taken as complete.
    pub complete: bool,
}

impl Default for VersionSuites {
    fn default() -> VersionSuites {
        VersionSuites {
            version: String::new(),
            suites: Vec::new(),
            complete: true,
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Suite {
    pub name: String,
    pub openssl_name: Option<String>,
    pub code: String,
    pub forward_secrecy: bool,
    pub aead: bool,
    pub cbc: bool,
    pub export: bool,
    pub null: bool,
    pub anonymous: bool,
    pub rc4: bool,
    pub des: bool,
    pub triple_des: bool,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Group {
    pub name: String,
    pub code: String,
    pub kind: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Finding {
    pub id: String,
    severity: String,
    pub title: String,
    pub evidence: String,
    /// A policy file's waiver (`{"reason", "expires"}`): reported, but it does not fail the
    /// target. Absent before waivers.
    waiver: Option<Value>,
}

impl Finding {
    pub fn severity(&self) -> Option<Severity> {
        parse_severity(&self.severity)
    }

    pub fn waived(&self) -> bool {
        self.waiver.as_ref().is_some_and(|waiver| !waiver.is_null())
    }

    /// The waiver's reason and last day, in words.
    pub fn waiver_reason(&self) -> Option<String> {
        let waiver = self.waiver.as_ref().filter(|waiver| !waiver.is_null())?;
        let field = |name: &str| waiver.get(name).and_then(Value::as_str).unwrap_or("");
        Some(match (field("reason"), field("expires")) {
            (reason, "") => reason.to_string(),
            (reason, expires) => format!("{reason} (until {expires})"),
        })
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Grade {
    pub letter: String,
    pub underlying: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(value: Value) -> Result<Snapshot, SnapshotError> {
        Snapshot::from_value(value, "old.json", "OLD")
    }

    #[test]
    fn reads_every_version_the_json_renderer_writes() {
        assert!(READABLE_VERSIONS.contains(&crate::report::wire::SCHEMA_VERSION));
    }

    #[test]
    fn rejects_a_future_schema_version_naming_the_file() {
        let error = read(json!({"schema_version": 3, "reports": []})).unwrap_err();
        let message = error.to_string();
        assert!(matches!(
            error,
            SnapshotError::UnknownVersion { version: 3, .. }
        ));
        assert_eq!(
            message,
            format!(
                "OLD 'old.json' has schema_version 3, which this tlscheck ({}) cannot read: it \
                 reads versions 1 and 2 (compare it with the newer tlscheck that wrote it)",
                env!("CARGO_PKG_VERSION")
            )
        );
        let message = read(json!({"schema_version": 0, "reports": []}))
            .unwrap_err()
            .to_string();
        assert!(message.ends_with("it reads versions 1 and 2"), "{message}");
    }

    #[test]
    fn rejects_json_that_is_not_a_report() {
        let message = read(json!({"name": "x"})).unwrap_err().to_string();
        assert_eq!(
            message,
            "OLD 'old.json' is not a tlscheck JSON report: it has no schema_version \
             (write one with `tlscheck TARGET --format json`)"
        );
        let message = read(json!([1, 2])).unwrap_err().to_string();
        assert!(message.contains("it is not a JSON object"), "{message}");
        let message = read(json!({"schema_version": 1, "tool": {"name": "sslyze"}}))
            .unwrap_err()
            .to_string();
        assert!(message.contains("it was written by sslyze"), "{message}");
        let message = read(json!({"schema_version": 1})).unwrap_err().to_string();
        assert!(message.contains("it has no list of reports"), "{message}");
        let message = read(json!({"schema_version": 1, "kind": "drift", "reports": []}))
            .unwrap_err()
            .to_string();
        assert!(message.contains("it is a drift document"), "{message}");
    }

    #[test]
    fn rejects_a_report_with_fields_of_the_wrong_type_saying_where() {
        let error = read(json!({
            "schema_version": 2,
            "reports": [{"target": {"input": "a", "host": "a", "port": "443"}}]
        }))
        .unwrap_err();
        let message = error.to_string();
        assert!(
            message.starts_with("OLD 'old.json' is not a valid tlscheck report: reports[0]:"),
            "{message}"
        );
    }

    #[test]
    fn version_1_unknown_protocols_and_verdicts_read_as_version_2() {
        let snapshot = read(json!({
            "schema_version": 1,
            "fail_on": "medium",
            "reports": [{
                "target": {"input": "a.test", "host": "a.test", "port": 443},
                "unreachable": null,
                "enumeration": {"status": "ok", "protocols": [
                    {"version": "TLSv1.1", "accepted": false, "evidence": "", "error": "timed out"},
                    {"version": "TLSv1.2", "accepted": true, "evidence": "", "error": null}
                ], "cipher_suites": [{"version": "TLSv1.2", "suites": []}]},
                "findings": [
                    {"id": "scan.incomplete", "severity": "info"},
                    {"id": "hsts.missing", "severity": "medium"}
                ]
            }, {
                "target": {"input": "b.test", "host": "b.test", "port": 443},
                "unreachable": "connection refused"
            }]
        }))
        .expect("a version 1 report");
        assert_eq!(snapshot.source.schema_version, 1);
        assert_eq!(snapshot.source.policy, "none");
        assert_eq!(snapshot.source.fail_on, Severity::Medium);
        let first = &snapshot.targets[0];
        let enumeration = first.enumeration.ok().expect("enumeration");
        assert_eq!(enumeration.protocols[0].accepted, None);
        assert_eq!(enumeration.protocols[1].accepted, Some(true));
        assert!(enumeration.cipher_suites[0].complete);
        assert_eq!(first.findings[0].id, "scan.inconclusive");
        assert_eq!(first.verdict, "fail");
        let second = &snapshot.targets[1];
        assert_eq!(second.unreachable().as_deref(), Some("connection refused"));
        assert_eq!(second.verdict, "unreachable");
    }

    #[test]
    fn version_2_keeps_its_verdict_and_reads_error_objects() {
        let snapshot = read(json!({
            "schema_version": 2,
            "fail_on": "high",
            "policy": "mozilla-intermediate@6.0",
            "reports": [{
                "target": {"input": "a.test", "host": "a.test", "port": 443},
                "unreachable": {"kind": "refused", "step": "connect", "detail": "", "reason": "connection refused"},
                "verdict": "unreachable",
                "grade": null
            }]
        }))
        .expect("a version 2 report");
        assert_eq!(snapshot.source.policy, "mozilla-intermediate@6.0");
        let target = &snapshot.targets[0];
        assert_eq!(target.unreachable().as_deref(), Some("connection refused"));
        assert!(target.grade.is_none());
        assert!(matches!(target.tls, Probed::Skipped { .. }));
    }
}
