//! Analysis: pure functions from facts to findings, one file per family.

pub mod certificate;
pub mod http;
pub mod protocol;
pub mod tls;

use crate::facts::{Finding, Fix, HostReport, Severity};

pub use certificate::ExpiryThresholds;

/// Every finding for one report, most severe first.
pub fn findings(report: &HostReport, thresholds: ExpiryThresholds) -> Vec<Finding> {
    let mut findings = Vec::new();
    findings.extend(tls::findings(report));
    if let Some(chain) = &report.certificates {
        findings.extend(certificate::findings(chain, thresholds));
    }
    findings.extend(protocol::findings(report));
    findings.extend(http::findings(report));
    findings.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.id.cmp(&b.id)));
    findings
}

/// Build a finding; the one constructor every family uses.
pub(crate) fn finding(
    id: &str,
    severity: Severity,
    title: impl Into<String>,
    evidence: impl Into<String>,
    fix: Fix,
) -> Finding {
    Finding {
        id: id.to_string(),
        severity,
        title: title.into(),
        evidence: evidence.into(),
        fix,
    }
}

pub(crate) fn fix(nginx: &str, apache: &str, python: &str) -> Fix {
    Fix {
        nginx: nginx.to_string(),
        apache: apache.to_string(),
        python: python.to_string(),
    }
}

/// A report with nothing probed, for the analysis unit tests to fill in.
#[cfg(test)]
pub(crate) fn blank_report() -> HostReport {
    let target = crate::facts::TargetFacts {
        input: "example.com".into(),
        host: "example.com".into(),
        port: 443,
        sni: Some("example.com".into()),
        path: "/".into(),
        addresses: vec![],
        connected_to: None,
    };
    HostReport::unscanned(target, String::new(), "test")
}
