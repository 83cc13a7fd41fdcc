//! Drift of the judgement: the verdict, the findings (by id, weighed at the new report's
//! `fail_on`, waivers honoured) and the grade.

use std::collections::BTreeMap;

use serde_json::Value;

use super::compare::Context;
use super::snapshot::{Finding, TargetSnapshot, VERSION_1_FINDINGS};
use super::{Area, Change, Effect, Movement};
use crate::analysis::Severity;

pub(super) fn verdict(old: &TargetSnapshot, new: &TargetSnapshot, changes: &mut Vec<Change>) {
    if old.verdict == new.verdict {
        return;
    }
    let rank = |verdict: &str| match verdict {
        "pass" => Some(2),
        "fail" => Some(1),
        "unreachable" => Some(0),
        _ => None,
    };
    let effect = match (rank(&old.verdict), rank(&new.verdict)) {
        (Some(before), Some(after)) if after < before => Effect::Regression,
        (Some(before), Some(after)) if after > before => Effect::Improvement,
        _ => Effect::Change,
    };
    changes.push(
        Change::new(effect, Area::Verdict, Movement::Changed, "")
            .values(old.verdict.clone(), new.verdict.clone())
            .message(format!("verdict {} -> {}", old.verdict, new.verdict)),
    );
}

/// One finding id as a report has it: its worst severity, whether a waiver covers it, and the
/// finding shown.
struct Seen<'a> {
    severity: Option<Severity>,
    waived: bool,
    finding: &'a Finding,
}

impl Seen<'_> {
    /// It fails the target: at or above `fail_on` and not waived.
    fn blocks(&self, fail_on: Severity) -> bool {
        !self.waived && self.severity.is_some_and(|severity| severity >= fail_on)
    }

    fn label(&self) -> String {
        let severity = severity_name(self.severity);
        if self.waived {
            format!("{severity}, waived")
        } else {
            severity.to_string()
        }
    }
}

/// Each finding id once, at its worst severity (an unwaived instance before a waived one).
fn by_id(findings: &[Finding]) -> BTreeMap<&str, Seen<'_>> {
    let mut found: BTreeMap<&str, Seen<'_>> = BTreeMap::new();
    for finding in findings {
        let seen = Seen {
            severity: finding.severity(),
            waived: finding.waived(),
            finding,
        };
        let worse = |kept: &Seen<'_>| (seen.severity, !seen.waived) > (kept.severity, !kept.waived);
        match found.get(finding.id.as_str()) {
            Some(kept) if !worse(kept) => {}
            _ => {
                found.insert(finding.id.as_str(), seen);
            }
        }
    }
    found
}

fn severity_name(severity: Option<Severity>) -> &'static str {
    severity.map(Severity::as_str).unwrap_or("unknown")
}

pub(super) fn findings(
    old: &TargetSnapshot,
    new: &TargetSnapshot,
    context: &Context,
    changes: &mut Vec<Change>,
) {
    let (before, after) = (by_id(&old.findings), by_id(&new.findings));
    let fail_on = context.fail_on;
    let mut policy_skipped: Vec<&str> = Vec::new();
    let mut new_checks: Vec<&str> = Vec::new();
    for (id, now) in &after {
        if context.policies_differ && id.starts_with("policy.") {
            policy_skipped.push(id);
            continue;
        }
        let finding = now.finding;
        let details = || {
            let mut details = vec![finding.evidence.clone()];
            if let Some(reason) = finding.waiver_reason() {
                details.push(format!("waived: {reason}"));
            }
            details
        };
        match before.get(id) {
            None if context.old_is_version_1 && !VERSION_1_FINDINGS.contains(id) => {
                new_checks.push(id);
            }
            None => {
                let effect = if now.blocks(fail_on) {
                    Effect::Regression
                } else {
                    Effect::Change
                };
                changes.push(
                    Change::new(effect, Area::Finding, Movement::Added, *id)
                        .values(Value::Null, severity_name(now.severity))
                        .message(format!(
                            "new finding {id} ({}): {}",
                            now.label(),
                            finding.title
                        ))
                        .details(details()),
                );
            }
            Some(was) if was.severity != now.severity || was.waived != now.waived => {
                let effect = if now.blocks(fail_on)
                    && (!was.blocks(fail_on) || now.severity > was.severity)
                {
                    Effect::Regression
                } else if was.blocks(fail_on) && !now.blocks(fail_on) && !now.waived {
                    Effect::Improvement
                } else {
                    Effect::Change
                };
                let mut what = Vec::new();
                if was.severity != now.severity {
                    what.push(format!(
                        "{} from {} to {}",
                        if now.severity > was.severity {
                            "raised"
                        } else {
                            "lowered"
                        },
                        severity_name(was.severity),
                        severity_name(now.severity)
                    ));
                }
                if was.waived != now.waived {
                    what.push(if now.waived {
                        "waived now".to_string()
                    } else {
                        "no longer waived".to_string()
                    });
                }
                changes.push(
                    Change::new(effect, Area::Finding, Movement::Changed, *id)
                        .values(was.label(), now.label())
                        .message(format!(
                            "finding {id} {}: {}",
                            what.join(", "),
                            finding.title
                        ))
                        .details(details()),
                );
            }
            Some(_) => {}
        }
    }
    for (id, was) in &before {
        if after.contains_key(id) {
            continue;
        }
        if context.policies_differ && id.starts_with("policy.") {
            policy_skipped.push(id);
            continue;
        }
        let effect = if was.blocks(fail_on) {
            Effect::Improvement
        } else {
            Effect::Change
        };
        changes.push(
            Change::new(effect, Area::Finding, Movement::Removed, *id)
                .values(severity_name(was.severity), Value::Null)
                .message(format!(
                    "finding {id} ({}) gone: {}",
                    was.label(),
                    was.finding.title
                )),
        );
    }
    if !policy_skipped.is_empty() {
        policy_skipped.sort_unstable();
        policy_skipped.dedup();
        changes.push(
            Change::new(Effect::NotCompared, Area::Finding, Movement::Changed, "policy")
                .message(format!(
                    "policy findings not compared (the reports were checked against different policies): {}",
                    policy_skipped.join(", ")
                )),
        );
    }
    if !new_checks.is_empty() {
        changes.push(
            Change::new(
                Effect::NotCompared,
                Area::Finding,
                Movement::Added,
                "new-checks",
            )
            .message(format!(
                "findings of checks newer than the old report not compared: {}",
                new_checks.join(", ")
            )),
        );
    }
}

/// A letter's place, best first: `A+` is 0; `T` and `M` come after `F`.
fn grade_rank(letter: &str) -> Option<u8> {
    match letter {
        "A+" => Some(0),
        "A" => Some(1),
        "A-" => Some(2),
        "B" => Some(3),
        "C" => Some(4),
        "D" => Some(5),
        "E" => Some(6),
        "F" => Some(7),
        "T" | "M" => Some(8),
        _ => None,
    }
}

fn by_rank(before: &str, after: &str) -> Effect {
    match (grade_rank(before), grade_rank(after)) {
        (Some(b), Some(a)) if a > b => Effect::Regression,
        (Some(b), Some(a)) if a < b => Effect::Improvement,
        _ => Effect::Change,
    }
}

pub(super) fn grade(old: &TargetSnapshot, new: &TargetSnapshot, changes: &mut Vec<Change>) {
    let (before, after) = match (&old.grade, &new.grade) {
        (Some(before), Some(after)) => (before, after),
        (None, None) => return,
        (before, after) => {
            changes.push(
                Change::new(Effect::NotCompared, Area::Grade, Movement::Changed, "")
                    .values(
                        before.as_ref().map(|g| g.letter.clone()),
                        after.as_ref().map(|g| g.letter.clone()),
                    )
                    .message(format!(
                        "grade not compared: {} report has none",
                        if before.is_none() {
                            "the old"
                        } else {
                            "the new"
                        }
                    )),
            );
            return;
        }
    };
    let shown = |grade: &super::snapshot::Grade| match &grade.underlying {
        Some(underlying) => format!("{} ({underlying} underneath)", grade.letter),
        None => grade.letter.clone(),
    };
    if before.letter != after.letter {
        let mut effect = by_rank(&before.letter, &after.letter);
        if effect == Effect::Change {
            // T and M rank alike: the letter underneath decides.
            if let (Some(b), Some(a)) = (&before.underlying, &after.underlying) {
                effect = by_rank(b, a);
            }
        }
        changes.push(
            Change::new(effect, Area::Grade, Movement::Changed, "")
                .values(before.letter.clone(), after.letter.clone())
                .message(format!("grade {} -> {}", shown(before), shown(after))),
        );
    } else if before.underlying != after.underlying {
        let effect = match (&before.underlying, &after.underlying) {
            (Some(b), Some(a)) => by_rank(b, a),
            _ => Effect::Change,
        };
        changes.push(
            Change::new(effect, Area::Grade, Movement::Changed, "underlying")
                .values(before.underlying.clone(), after.underlying.clone())
                .message(format!("grade {} -> {}", shown(before), shown(after))),
        );
    }
}
