//! SARIF 2.1.0 renderer, as GitHub code scanning takes it: the rules are the finding catalogue,
//! each finding is a result at its final severity (critical and high are errors, medium a
//! warning, low and info notes). A result points at the target as a logical location, or at a
//! file (the targets list or the policy file) when one was given. A target that could not be
//! scanned is a tool notification.

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::{Record, RenderError, RenderOptions, RunRenderer};
use crate::analysis::catalog::{Entry, CATALOG};
use crate::analysis::{describe, Severity};

pub struct SarifRenderer {
    options: RenderOptions,
}

impl SarifRenderer {
    pub fn new(options: RenderOptions) -> SarifRenderer {
        SarifRenderer { options }
    }
}

/// SARIF's level for a severity.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` (a CVSS-like score) for a severity.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

fn rule(entry: &Entry) -> Value {
    let mut full = entry.title.to_string();
    if !entry.when.is_empty() {
        full.push_str(&format!(" (severity: {})", entry.when));
    }
    json!({
        "id": entry.id.as_str(),
        "name": entry.id.as_str(),
        "shortDescription": { "text": entry.title },
        "fullDescription": { "text": full },
        "help": {
            "text": if entry.references.is_empty() {
                entry.title.to_string()
            } else {
                format!("{} References: {}.", entry.title, entry.references.join("; "))
            }
        },
        "defaultConfiguration": { "level": level(entry.default_severity()) },
        "properties": {
            "tags": ["security", "tls", entry.family.name()],
            "security-severity": security_severity(entry.default_severity()),
        },
    })
}

impl RunRenderer for SarifRenderer {
    fn render(&self, records: &[Record]) -> Result<Vec<u8>, RenderError> {
        let mut results = Vec::new();
        let mut notifications = Vec::new();
        for record in records {
            let target = &record.facts.target.input;
            if let Some(error) = &record.facts.unreachable {
                notifications.push(json!({
                    "level": "error",
                    "message": {
                        "text": format!("{target} could not be scanned: {}", describe::error(error))
                    },
                    "properties": { "target": target, "kind": error.kind.name() },
                }));
                continue;
            }
            for finding in &record.assessment.findings {
                let index = CATALOG
                    .iter()
                    .position(|entry| entry.id == finding.id)
                    .unwrap_or(0);
                let location = match &self.options.anchor {
                    Some(file) => json!({
                        "physicalLocation": {
                            "artifactLocation": { "uri": file },
                            "region": { "startLine": 1 }
                        },
                        "logicalLocations": [{ "name": target, "kind": "resource" }]
                    }),
                    None => json!({
                        "logicalLocations": [{ "name": target, "kind": "resource" }]
                    }),
                };
                let fingerprint = Sha256::digest(format!("{target}\n{}", finding.id).as_bytes());
                let fingerprint: String = fingerprint.iter().map(|b| format!("{b:02x}")).collect();
                let mut result = json!({
                    "ruleId": finding.id.as_str(),
                    "ruleIndex": index,
                    "level": level(finding.severity),
                    "message": {
                        "text": format!("{target}: {}: {}", finding.title(), finding.evidence)
                    },
                    "locations": [location],
                    "partialFingerprints": { "tlscheckTargetRule/v1": fingerprint },
                    "properties": {
                        "target": target,
                        "severity": finding.severity.as_str(),
                        "fix": {
                            "nginx": finding.fix.nginx,
                            "apache": finding.fix.apache,
                            "python": finding.fix.python,
                        },
                    },
                });
                // A waived finding is suppressed, with the policy file's reason.
                if let Some(waiver) = &finding.waiver {
                    result["suppressions"] = json!([{
                        "kind": "external",
                        "status": "accepted",
                        "justification": format!("{} (waived until {})", waiver.reason, waiver.expires),
                    }]);
                }
                results.push(result);
            }
        }
        let document = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {
                    "driver": {
                        "name": "tlscheck",
                        "version": env!("CARGO_PKG_VERSION"),
                        "semanticVersion": env!("CARGO_PKG_VERSION"),
                        "rules": CATALOG.iter().map(rule).collect::<Vec<_>>(),
                    }
                },
                "invocations": [{
                    "executionSuccessful": notifications.is_empty(),
                    "toolExecutionNotifications": notifications,
                }],
                "results": results,
            }],
        });
        let mut bytes = serde_json::to_vec_pretty(&document)?;
        bytes.push(b'\n');
        Ok(bytes)
    }
}
