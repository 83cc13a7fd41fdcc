//! Policy: findings + a policy -> an assessment (the findings with their final severities, and a
//! verdict). Pure. The one place the pass/fail rule lives: the exit code, the table's verdict
//! line and the demo's summary all read [`Assessment::verdict`] and [`RunVerdict`]. A policy may
//! hold a profile ([`profile`]): its deviations are findings too.

pub mod file;
pub mod grade;
pub mod nagios;
pub mod profile;
pub mod rules;

use crate::analysis::{self, AppliedWaiver, ExpiryThresholds, Finding, FindingId, Severity};
use crate::facts::time::rfc3339;
use crate::facts::HostFacts;
pub use file::{PolicyFile, PolicyFileError, Waiver};
pub use grade::{Grade, Letter};
pub use profile::Profile;

/// What the deployment is judged against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    /// A finding at or above this severity fails the target (`--fail-on`).
    pub fail_on: Severity,
    /// When certificate expiry becomes a finding (`--warn-days`, `--crit-days`).
    pub expiry: ExpiryThresholds,
    /// Severity overrides by finding id, applied after the analysis.
    pub overrides: Vec<(FindingId, Severity)>,
    /// The profile the target is checked against (`--policy`); none for the findings alone.
    pub profile: Option<Profile>,
    /// A policy file (`--policy FILE`): its rules (with the profile it extends) replace
    /// `profile`, and its waivers apply.
    pub file: Option<PolicyFile>,
}

/// The profile tlscheck checks against unless `--policy` says otherwise.
pub const DEFAULT_PROFILE: &str = "mozilla-intermediate";

impl Default for Policy {
    /// `--fail-on high`, expiry at 30 and 7 days, and the newest Mozilla intermediate profile.
    fn default() -> Policy {
        Policy {
            fail_on: Severity::High,
            expiry: ExpiryThresholds::default(),
            overrides: Vec::new(),
            profile: Profile::builtin(DEFAULT_PROFILE).ok(),
            file: None,
        }
    }
}

impl Policy {
    /// What the policy is called in reports: `mozilla-intermediate@6.0`, or `none`.
    pub fn name(&self) -> String {
        match (&self.file, &self.profile) {
            (Some(file), _) => file.name(),
            (None, Some(profile)) => profile.name(),
            (None, None) => "none".into(),
        }
    }

    /// The policy of a policy file: its rules, its `fail_on` (else high), its severity
    /// overrides and waivers, and the default expiry thresholds.
    pub fn from_file(file: PolicyFile) -> Policy {
        Policy {
            fail_on: file.fail_on.unwrap_or(Severity::High),
            expiry: ExpiryThresholds::default(),
            overrides: file.overrides.clone(),
            profile: None,
            file: Some(file),
        }
    }

    /// The rules checked: the policy file's, else the profile's.
    pub fn rules(&self) -> Option<&rules::Rules> {
        match (&self.file, &self.profile) {
            (Some(file), _) => Some(&file.rules),
            (None, Some(profile)) => Some(&profile.rules),
            (None, None) => None,
        }
    }
}

/// The judgement on one target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// No finding at or above `fail_on`.
    Pass,
    /// A finding at or above `fail_on`.
    Fail,
    /// The target could not be scanned.
    Unreachable,
}

impl Verdict {
    /// Stable machine name, as in the JSON report.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Unreachable => "unreachable",
        }
    }
}

/// The findings for one target with their final severities, most severe first, and the verdict.
#[derive(Clone, Debug, PartialEq)]
pub struct Assessment {
    pub findings: Vec<Finding>,
    pub verdict: Verdict,
    pub fail_on: Severity,
    /// The policy's name (`mozilla-intermediate@6.0`, `none`).
    pub policy: String,
    /// The SSL Labs letter grade; none for an unreachable target.
    pub grade: Option<Grade>,
}

impl Assessment {
    /// The most severe finding, if any.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|finding| finding.severity).max()
    }

    /// How many findings there are of `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|finding| finding.severity == severity)
            .count()
    }
}

/// Judge one target's facts: analysis, then the policy's overrides, then the verdict.
pub fn assess(facts: &HostFacts, policy: &Policy) -> Assessment {
    assess_with(facts, policy, Vec::new())
}

/// [`assess`], with findings made across records (`--all-ips` consistency) added first.
pub fn assess_with(facts: &HostFacts, policy: &Policy, extra: Vec<Finding>) -> Assessment {
    let mut findings = analysis::findings(facts, policy.expiry);
    findings.extend(extra);
    let name = facts
        .chain
        .as_ref()
        .map(|chain| chain.hostname.name.clone())
        .unwrap_or_else(|| facts.target.host.clone());
    if let (Some(rules), None) = (policy.rules(), &facts.unreachable) {
        findings.extend(rules.deviations(facts, &name));
    }
    for finding in &mut findings {
        if let Some((_, severity)) = policy.overrides.iter().find(|(id, _)| *id == finding.id) {
            finding.severity = *severity;
        }
    }
    // Waivers: in force, the finding is reported but passes; expired, it counts again and the
    // expiry is a finding of its own.
    let mut expired = Vec::new();
    for finding in &mut findings {
        let waiver = policy
            .file
            .iter()
            .flat_map(|file| &file.waivers)
            .find(|waiver| waiver.covers(finding.id, &facts.target.input, &facts.target.host));
        let Some(waiver) = waiver else {
            continue;
        };
        if facts.scanned_at < waiver.expires_at {
            finding.waiver = Some(AppliedWaiver {
                reason: waiver.reason.clone(),
                expires: waiver.expires.clone(),
            });
        } else {
            expired.push(Finding::new(
                FindingId::PolicyWaiverExpired,
                finding.subjects.clone(),
                format!(
                    "the waiver for {} (\"{}\") ended with {} (it is now {}): the finding counts again",
                    finding.id,
                    waiver.reason,
                    waiver.expires,
                    rfc3339(facts.scanned_at)
                ),
                &name,
            ));
        }
    }
    findings.extend(expired);
    analysis::sort(&mut findings);
    let verdict = if facts.unreachable.is_some() {
        Verdict::Unreachable
    } else if findings.iter().any(|f| f.fails(policy.fail_on)) {
        Verdict::Fail
    } else {
        Verdict::Pass
    };
    Assessment {
        findings,
        verdict,
        fail_on: policy.fail_on,
        policy: policy.name(),
        grade: grade::grade(facts),
    }
}

/// The verdicts of a whole run, counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RunVerdict {
    pub passed: usize,
    pub failed: usize,
    pub unreachable: usize,
}

impl RunVerdict {
    pub fn add(&mut self, verdict: Verdict) {
        match verdict {
            Verdict::Pass => self.passed += 1,
            Verdict::Fail => self.failed += 1,
            Verdict::Unreachable => self.unreachable += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.passed + self.failed + self.unreachable
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Subject;
    use crate::facts::{ErrorKind, Outcome, ProbeError, Step};

    fn facts_with_no_hsts() -> HostFacts {
        let mut facts = analysis::blank_facts();
        facts.https = Outcome::Ok(crate::facts::HttpsResponseFacts {
            url: "https://example.com/".into(),
            status_code: 200,
            location: None,
            server: None,
            hsts: None,
        });
        facts
    }

    #[test]
    fn the_verdict_follows_fail_on() {
        let facts = facts_with_no_hsts();
        let high = assess(&facts, &Policy::default());
        assert_eq!(high.verdict, Verdict::Pass);
        assert_eq!(high.findings[0].id, FindingId::HstsMissing);
        let medium = assess(
            &facts,
            &Policy {
                fail_on: Severity::Medium,
                ..Policy::default()
            },
        );
        assert_eq!(medium.verdict, Verdict::Fail);
    }

    #[test]
    fn an_override_changes_the_severity_and_so_the_verdict() {
        let facts = facts_with_no_hsts();
        let policy = Policy {
            overrides: vec![(FindingId::HstsMissing, Severity::Critical)],
            ..Policy::default()
        };
        let assessment = assess(&facts, &policy);
        assert_eq!(assessment.findings[0].severity, Severity::Critical);
        assert_eq!(assessment.findings[0].subjects, vec![Subject::Hsts]);
        assert_eq!(assessment.verdict, Verdict::Fail);
    }

    #[test]
    fn an_unreachable_target_has_no_findings_and_its_own_verdict() {
        let mut facts = analysis::blank_facts();
        facts.mark_unreachable(ProbeError::new(ErrorKind::Refused, Step::Connect, ""));
        let assessment = assess(&facts, &Policy::default());
        assert!(assessment.findings.is_empty());
        assert_eq!(assessment.verdict, Verdict::Unreachable);
    }
}
