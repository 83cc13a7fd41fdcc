//! Nagios plugin states: each target's assessment as OK, WARNING, CRITICAL or UNKNOWN, and the
//! state of a run. The one place this mapping lives: `--format nagios`'s status line, its long
//! output and its exit code all read it. Pure.
//!
//! The mapping, per finding that is not waived:
//! - `cert.expires-soon` follows the expiry thresholds alone (`--warn-days`, `--crit-days`, and
//!   for a short-lived certificate the share of its lifetime left): the analysis makes it high
//!   within the critical threshold and medium within the warning one, so high or above is
//!   CRITICAL and medium is WARNING, whatever `--fail-on` says; below medium (a policy file's
//!   override) it is OK;
//! - any other finding at or above `--fail-on` (the ones that fail the target) is CRITICAL;
//! - any other finding of medium or high severity is WARNING;
//! - the rest (low, info, waived) is OK.
//!
//! A target's state is its worst finding's; one that could not be scanned is CRITICAL or
//! UNKNOWN (`--unreachable`), never OK. A run's state is its worst target's, ranked as the
//! Monitoring Plugins' `max_state_alt` ranks them: OK < UNKNOWN < WARNING < CRITICAL, so a
//! definite problem outranks not knowing.

use super::{Assessment, Verdict};
use crate::analysis::{Finding, FindingId, Severity};

/// A Nagios plugin state, with its exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ServiceState {
    Ok,
    Warning,
    Critical,
    Unknown,
}

impl ServiceState {
    /// The plugin's exit code: 0, 1, 2, 3.
    pub fn code(self) -> i32 {
        match self {
            ServiceState::Ok => 0,
            ServiceState::Warning => 1,
            ServiceState::Critical => 2,
            ServiceState::Unknown => 3,
        }
    }

    /// `OK`, `WARNING`, `CRITICAL`, `UNKNOWN`.
    pub fn name(self) -> &'static str {
        match self {
            ServiceState::Ok => "OK",
            ServiceState::Warning => "WARNING",
            ServiceState::Critical => "CRITICAL",
            ServiceState::Unknown => "UNKNOWN",
        }
    }

    /// How bad it is: OK < UNKNOWN < WARNING < CRITICAL (the order of [`Ord`]).
    fn rank(self) -> u8 {
        match self {
            ServiceState::Ok => 0,
            ServiceState::Unknown => 1,
            ServiceState::Warning => 2,
            ServiceState::Critical => 3,
        }
    }

    /// The worse of the two.
    pub fn worst(self, other: ServiceState) -> ServiceState {
        self.max(other)
    }
}

/// Worse is greater: OK < UNKNOWN < WARNING < CRITICAL.
impl Ord for ServiceState {
    fn cmp(&self, other: &ServiceState) -> std::cmp::Ordering {
        self.rank().cmp(&other.rank())
    }
}

impl PartialOrd for ServiceState {
    fn partial_cmp(&self, other: &ServiceState) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// The state of a target that could not be scanned (`--unreachable`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum UnreachableState {
    /// The Monitoring Plugins guidelines' choice: name resolution errors, refused connections
    /// and timeouts are the service's problem, not the plugin's.
    #[default]
    Critical,
    /// For setups that watch availability with another check.
    Unknown,
}

impl UnreachableState {
    pub fn state(self) -> ServiceState {
        match self {
            UnreachableState::Critical => ServiceState::Critical,
            UnreachableState::Unknown => ServiceState::Unknown,
        }
    }
}

/// The state one finding asks for (see the module's documentation).
pub fn finding_state(finding: &Finding, fail_on: Severity) -> ServiceState {
    if finding.waiver.is_some() {
        return ServiceState::Ok;
    }
    if finding.id == FindingId::CertExpiresSoon {
        return if finding.severity >= Severity::High {
            ServiceState::Critical
        } else if finding.severity == Severity::Medium {
            ServiceState::Warning
        } else {
            ServiceState::Ok
        };
    }
    if finding.severity >= fail_on {
        ServiceState::Critical
    } else if finding.severity >= Severity::Medium {
        ServiceState::Warning
    } else {
        ServiceState::Ok
    }
}

/// The findings that make a target WARNING or CRITICAL, with the state each asks for: CRITICAL
/// ones first, then in the assessment's order (most severe first).
pub fn raising(assessment: &Assessment) -> Vec<(&Finding, ServiceState)> {
    let mut raising: Vec<(&Finding, ServiceState)> = assessment
        .findings
        .iter()
        .map(|finding| (finding, finding_state(finding, assessment.fail_on)))
        .filter(|(_, state)| *state != ServiceState::Ok)
        .collect();
    // A stable sort keeps the assessment's order within a state.
    raising.sort_by_key(|(_, state)| std::cmp::Reverse(*state));
    raising
}

/// A target's state: its worst finding's, or `unreachable`'s when it could not be scanned.
pub fn target_state(assessment: &Assessment, unreachable: UnreachableState) -> ServiceState {
    if assessment.verdict == Verdict::Unreachable {
        return unreachable.state();
    }
    assessment
        .findings
        .iter()
        .map(|finding| finding_state(finding, assessment.fail_on))
        .fold(ServiceState::Ok, ServiceState::worst)
}

/// A run's state: its worst target's (OK for no target at all).
pub fn run_state<'a>(
    assessments: impl IntoIterator<Item = &'a Assessment>,
    unreachable: UnreachableState,
) -> ServiceState {
    assessments
        .into_iter()
        .map(|assessment| target_state(assessment, unreachable))
        .fold(ServiceState::Ok, ServiceState::worst)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{self, AppliedWaiver, Subject};
    use crate::facts::{ErrorKind, ProbeError, Step};
    use crate::policy::{assess, Policy};

    fn finding(id: FindingId, severity: Severity) -> Finding {
        Finding::new(id, vec![Subject::Hsts], "evidence", "example.com").at(severity)
    }

    fn assessment(findings: Vec<Finding>, fail_on: Severity) -> Assessment {
        let verdict = if findings.iter().any(|f| f.fails(fail_on)) {
            Verdict::Fail
        } else {
            Verdict::Pass
        };
        Assessment {
            findings,
            verdict,
            fail_on,
            policy: "none".into(),
            grade: None,
        }
    }

    #[test]
    fn findings_at_or_above_fail_on_are_critical_and_other_medium_or_high_ones_warning() {
        let high = Severity::High;
        assert_eq!(
            finding_state(&finding(FindingId::HstsMissing, Severity::Critical), high),
            ServiceState::Critical
        );
        assert_eq!(
            finding_state(&finding(FindingId::HstsMissing, Severity::High), high),
            ServiceState::Critical
        );
        assert_eq!(
            finding_state(&finding(FindingId::HstsMissing, Severity::Medium), high),
            ServiceState::Warning
        );
        assert_eq!(
            finding_state(&finding(FindingId::HstsMissing, Severity::Low), high),
            ServiceState::Ok
        );
        assert_eq!(
            finding_state(&finding(FindingId::HstsMissing, Severity::Info), high),
            ServiceState::Ok
        );
        // --fail-on critical: a high finding only warns; --fail-on low: a low one is critical.
        assert_eq!(
            finding_state(
                &finding(FindingId::HstsMissing, Severity::High),
                Severity::Critical
            ),
            ServiceState::Warning
        );
        assert_eq!(
            finding_state(
                &finding(FindingId::HstsMissing, Severity::Low),
                Severity::Low
            ),
            ServiceState::Critical
        );
    }

    #[test]
    fn expiry_follows_the_day_thresholds_whatever_fail_on_says() {
        for fail_on in Severity::ALL {
            assert_eq!(
                finding_state(
                    &finding(FindingId::CertExpiresSoon, Severity::Medium),
                    fail_on
                ),
                ServiceState::Warning,
                "within --warn-days at --fail-on {fail_on}"
            );
            assert_eq!(
                finding_state(
                    &finding(FindingId::CertExpiresSoon, Severity::High),
                    fail_on
                ),
                ServiceState::Critical,
                "within --crit-days at --fail-on {fail_on}"
            );
            // Lowered below medium by a policy file: silenced.
            assert_eq!(
                finding_state(&finding(FindingId::CertExpiresSoon, Severity::Low), fail_on),
                ServiceState::Ok
            );
        }
    }

    #[test]
    fn a_waived_finding_raises_nothing() {
        let mut waived = finding(FindingId::CertExpired, Severity::Critical);
        waived.waiver = Some(AppliedWaiver {
            reason: "replaced on Monday".into(),
            expires: "2099-01-01".into(),
        });
        assert_eq!(finding_state(&waived, Severity::High), ServiceState::Ok);
    }

    #[test]
    fn a_target_takes_its_worst_finding_and_lists_what_raised_it_critical_first() {
        let target = assessment(
            vec![
                finding(FindingId::Cipher3des, Severity::Medium),
                finding(FindingId::CertExpiresSoon, Severity::High),
                finding(FindingId::ProtocolNoTls13, Severity::Low),
            ],
            Severity::Critical,
        );
        assert_eq!(
            target_state(&target, UnreachableState::Critical),
            ServiceState::Critical
        );
        let raised: Vec<(FindingId, ServiceState)> = raising(&target)
            .into_iter()
            .map(|(finding, state)| (finding.id, state))
            .collect();
        assert_eq!(
            raised,
            [
                (FindingId::CertExpiresSoon, ServiceState::Critical),
                (FindingId::Cipher3des, ServiceState::Warning)
            ]
        );
        let clean = assessment(
            vec![finding(FindingId::ProtocolNoTls13, Severity::Low)],
            Severity::High,
        );
        assert_eq!(
            target_state(&clean, UnreachableState::Unknown),
            ServiceState::Ok
        );
        assert!(raising(&clean).is_empty());
    }

    #[test]
    fn an_unreachable_target_is_critical_or_unknown_never_ok() {
        let mut facts = analysis::blank_facts();
        facts.mark_unreachable(ProbeError::new(ErrorKind::Refused, Step::Connect, ""));
        let unreachable = assess(&facts, &Policy::default());
        assert!(unreachable.findings.is_empty());
        assert_eq!(
            target_state(&unreachable, UnreachableState::Critical),
            ServiceState::Critical
        );
        assert_eq!(
            target_state(&unreachable, UnreachableState::Unknown),
            ServiceState::Unknown
        );
        assert_eq!(UnreachableState::default(), UnreachableState::Critical);
    }

    #[test]
    fn a_run_takes_its_worst_target_and_a_problem_outranks_not_knowing() {
        let ok = assessment(vec![], Severity::High);
        let warning = assessment(
            vec![finding(FindingId::Cipher3des, Severity::Medium)],
            Severity::High,
        );
        let critical = assessment(
            vec![finding(FindingId::CertExpired, Severity::Critical)],
            Severity::High,
        );
        let unknown = Assessment {
            verdict: Verdict::Unreachable,
            ..ok.clone()
        };
        let state =
            |targets: &[&Assessment]| run_state(targets.iter().copied(), UnreachableState::Unknown);
        assert_eq!(state(&[&ok, &ok]), ServiceState::Ok);
        assert_eq!(state(&[&ok, &unknown]), ServiceState::Unknown);
        assert_eq!(state(&[&unknown, &warning]), ServiceState::Warning);
        assert_eq!(
            state(&[&warning, &critical, &unknown]),
            ServiceState::Critical
        );
        assert_eq!(
            [
                ServiceState::Ok,
                ServiceState::Warning,
                ServiceState::Critical,
                ServiceState::Unknown
            ]
            .map(ServiceState::code),
            [0, 1, 2, 3]
        );
    }
}
