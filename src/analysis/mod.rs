//! Analysis: pure functions from facts to findings, one file per family, plus the finding
//! catalogue ([`catalog`]) and the words for facts ([`describe`]). The first layer allowed to
//! write prose. Severities here are the catalogue's defaults (or its documented escalations);
//! `policy` decides the final ones.

pub mod catalog;
pub mod certificate;
pub mod cipher;
pub mod client_auth;
pub mod connection;
pub mod consistency;
pub mod describe;
pub mod http;
pub mod inconclusive;
pub mod protocol;

pub use catalog::{FindingId, Severity, Subject};

use crate::facts::HostFacts;
use crate::remediation::{self, Fix};

/// Something wrong (or worth knowing) about the deployment, with the evidence and the fix.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub id: FindingId,
    pub severity: Severity,
    /// What the finding points at.
    pub subjects: Vec<Subject>,
    /// The observed facts that triggered it.
    pub evidence: String,
    pub fix: Fix,
    /// The policy file's waiver that lets this finding pass, while it lasts.
    pub waiver: Option<AppliedWaiver>,
}

/// A waiver in force on a finding: it is reported but does not fail the target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedWaiver {
    pub reason: String,
    /// The last day it applies (`YYYY-MM-DD`).
    pub expires: String,
}

impl Finding {
    /// A finding at the catalogue's default severity, with the remediation's fix for `name`.
    pub fn new(
        id: FindingId,
        subjects: Vec<Subject>,
        evidence: impl Into<String>,
        name: &str,
    ) -> Finding {
        Finding {
            id,
            severity: id.default_severity(),
            subjects,
            // Evidence quotes what servers sent: every output gets it escaped.
            evidence: crate::text::escaped_lines(&evidence.into()),
            fix: remediation::fix(id, name),
            waiver: None,
        }
    }

    /// The same finding at another of its catalogue severities.
    pub fn at(mut self, severity: Severity) -> Finding {
        self.severity = severity;
        self
    }

    pub fn title(&self) -> &'static str {
        self.id.title()
    }

    /// Whether it fails a target at `fail_on`: severe enough and not waived.
    pub fn fails(&self, fail_on: Severity) -> bool {
        self.severity >= fail_on && self.waiver.is_none()
    }
}

/// When a certificate's remaining lifetime becomes a finding: at most `crit_days` days left is
/// high, at most `warn_days` is medium (`--crit-days`, `--warn-days`). A short-lived certificate
/// (a lifetime of at most [`SHORT_EXPIRY_LIFETIME_DAYS`] and under three times `warn_days`, e.g.
/// 47 days against 30, which would otherwise warn for most of its life) is judged by the share
/// of its lifetime left instead: at most `crit_percent` is high, at most `warn_percent` medium.
/// Part of the policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExpiryThresholds {
    pub warn_days: i64,
    pub crit_days: i64,
    pub warn_percent: i64,
    pub crit_percent: i64,
}

/// The longest lifetime judged by its share left rather than by days: the CA/Browser Forum's
/// maximum from 2027-03-15 (ballot SC-081). A longer certificate is judged by `--warn-days` alone,
/// however large.
pub const SHORT_EXPIRY_LIFETIME_DAYS: i64 = 100;

impl ExpiryThresholds {
    /// Whether a certificate valid for `lifetime_days` is judged by the share of it left.
    pub fn by_share(&self, lifetime_days: i64) -> bool {
        lifetime_days <= SHORT_EXPIRY_LIFETIME_DAYS && lifetime_days < 3 * self.warn_days
    }
}

impl Default for ExpiryThresholds {
    fn default() -> Self {
        ExpiryThresholds {
            warn_days: 30,
            crit_days: 7,
            warn_percent: 33,
            crit_percent: 10,
        }
    }
}

/// Every finding for one target, most severe first. Nothing for an unreachable target: there
/// are no facts to judge.
pub fn findings(facts: &HostFacts, thresholds: ExpiryThresholds) -> Vec<Finding> {
    if facts.unreachable.is_some() {
        return Vec::new();
    }
    let name = facts
        .chain
        .as_ref()
        .map(|chain| chain.hostname.name.clone())
        .unwrap_or_else(|| facts.target.host.clone());
    let mut found = Vec::new();
    found.extend(connection::findings(facts, &name));
    found.extend(client_auth::findings(facts, &name));
    if let Some(chain) = &facts.chain {
        found.extend(certificate::findings(chain, thresholds));
    }
    found.extend(protocol::findings(facts, &name));
    found.extend(cipher::findings(facts, &name));
    found.extend(http::findings(facts, &name));
    found.extend(inconclusive::findings(facts, &name));
    sort(&mut found);
    found
}

/// Most severe first, then by id.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.id.as_str().cmp(b.id.as_str()))
    });
}

/// A record with nothing probed, for the analysis unit tests to fill in.
#[cfg(test)]
pub(crate) fn blank_facts() -> HostFacts {
    let target = crate::facts::TargetFacts {
        input: "example.com".into(),
        host: "example.com".into(),
        port: 443,
        sni: Some("example.com".into()),
        path: "/".into(),
        http_url: Some("http://example.com/".into()),
        addresses: vec![],
        connected_to: None,
    };
    HostFacts::unscanned(target, 0, std::time::Duration::from_secs(120))
}
