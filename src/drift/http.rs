//! Drift of HTTP: the HSTS header and the plain-HTTP redirect.

use serde_json::Value;

use super::compare::which;
use super::snapshot::{Hsts, Probed, TargetSnapshot};
use super::{Area, Change, Effect, Movement};

/// `63072000 s (730 days)`.
fn duration(seconds: u64) -> String {
    if seconds >= 86_400 {
        format!("{seconds} s ({} days)", seconds / 86_400)
    } else {
        format!("{seconds} s")
    }
}

enum HstsState<'a> {
    Missing,
    Invalid(&'a Hsts, &'a str),
    Valid(&'a Hsts),
}

fn hsts_state(hsts: Option<&Hsts>) -> HstsState<'_> {
    match hsts {
        None => HstsState::Missing,
        Some(header) => match &header.error {
            Some(error) => HstsState::Invalid(header, error),
            None => HstsState::Valid(header),
        },
    }
}

pub(super) fn hsts(old: &TargetSnapshot, new: &TargetSnapshot, changes: &mut Vec<Change>) {
    let (before, after) = match (old.https.ok(), new.https.ok()) {
        (Some(before), Some(after)) => (before, after),
        (None, None) => return,
        (before, _) => {
            let missing = if before.is_none() {
                &old.https
            } else {
                &new.https
            };
            changes.push(
                Change::new(Effect::NotCompared, Area::Hsts, Movement::Changed, "").message(
                    format!(
                        "HSTS not compared: {} got no HTTPS response ({})",
                        which(before.is_none(), false),
                        missing.why_not()
                    ),
                ),
            );
            return;
        }
    };
    let raw = |hsts: Option<&Hsts>| hsts.map(|h| h.raw.clone());
    let (old_header, new_header) = (before.hsts.as_ref(), after.hsts.as_ref());
    let change =
        |effect, movement, subject: &str| Change::new(effect, Area::Hsts, movement, subject);
    match (hsts_state(old_header), hsts_state(new_header)) {
        (HstsState::Valid(header), HstsState::Missing) => changes.push(
            change(Effect::Regression, Movement::Removed, "")
                .values(raw(old_header), Value::Null)
                .message(format!("HSTS header gone (it was {})", header.raw)),
        ),
        (HstsState::Missing, HstsState::Valid(header)) => changes.push(
            change(Effect::Improvement, Movement::Added, "")
                .values(Value::Null, raw(new_header))
                .message(format!("HSTS header sent now: {}", header.raw)),
        ),
        (HstsState::Valid(header), HstsState::Invalid(_, error)) => changes.push(
            change(Effect::Regression, Movement::Changed, "")
                .values(raw(old_header), raw(new_header))
                .message(format!(
                    "HSTS header no longer valid: {error} (it was {})",
                    header.raw
                )),
        ),
        (HstsState::Invalid(_, error), HstsState::Valid(header)) => changes.push(
            change(Effect::Improvement, Movement::Changed, "")
                .values(raw(old_header), raw(new_header))
                .message(format!(
                    "HSTS header valid now: {} (it was not: {error})",
                    header.raw
                )),
        ),
        (HstsState::Missing, HstsState::Invalid(header, error)) => changes.push(
            change(Effect::Change, Movement::Added, "")
                .values(Value::Null, raw(new_header))
                .message(format!(
                    "an invalid HSTS header is sent now: {} ({error})",
                    header.raw
                )),
        ),
        (HstsState::Invalid(header, _), HstsState::Missing) => changes.push(
            change(Effect::Change, Movement::Removed, "")
                .values(raw(old_header), Value::Null)
                .message(format!(
                    "the invalid HSTS header is gone (it was {})",
                    header.raw
                )),
        ),
        (HstsState::Invalid(b, _), HstsState::Invalid(a, error)) if b.raw != a.raw => changes.push(
            change(Effect::Change, Movement::Changed, "")
                .values(raw(old_header), raw(new_header))
                .message(format!(
                    "HSTS header still invalid, now {} ({error})",
                    a.raw
                )),
        ),
        (HstsState::Valid(b), HstsState::Valid(a)) => {
            match (b.max_age, a.max_age) {
                (Some(was), Some(now)) if now != was => changes.push(
                    change(
                        if now < was {
                            Effect::Regression
                        } else {
                            Effect::Improvement
                        },
                        Movement::Changed,
                        "max-age",
                    )
                    .values(was, now)
                    .message(format!(
                        "HSTS max-age {} from {} to {}",
                        if now < was { "lowered" } else { "raised" },
                        duration(was),
                        duration(now)
                    )),
                ),
                _ => {}
            }
            for (name, was, now) in [
                (
                    "includeSubDomains",
                    b.include_subdomains,
                    a.include_subdomains,
                ),
                ("preload", b.preload, a.preload),
            ] {
                if was != now {
                    changes.push(
                        change(
                            if now {
                                Effect::Improvement
                            } else {
                                Effect::Regression
                            },
                            if now {
                                Movement::Added
                            } else {
                                Movement::Removed
                            },
                            name,
                        )
                        .values(was, now)
                        .message(if now {
                            format!("HSTS {name} added")
                        } else {
                            format!("HSTS {name} dropped")
                        }),
                    );
                }
            }
        }
        _ => {}
    }
}

/// How good a redirect verdict is: https-permanent best, no redirect at all worst.
fn redirect_rank(verdict: &str) -> Option<u8> {
    match verdict {
        "https-permanent" => Some(3),
        "https-temporary" => Some(2),
        "other-host" => Some(1),
        "no-redirect" | "stays-http" | "loop" | "too-many-hops" | "not-http" => Some(0),
        _ => None,
    }
}

pub(super) fn redirect(old: &TargetSnapshot, new: &TargetSnapshot, changes: &mut Vec<Change>) {
    let (before, after) = match (old.redirect.ok(), new.redirect.ok()) {
        (Some(before), Some(after)) => (before, after),
        (None, None) => return,
        (before, _) => {
            let missing = if before.is_none() {
                &old.redirect
            } else {
                &new.redirect
            };
            let verb = if matches!(missing, Probed::Skipped { .. }) {
                "did not check it"
            } else {
                "could not check it"
            };
            changes.push(
                Change::new(Effect::NotCompared, Area::Redirect, Movement::Changed, "").message(
                    format!(
                        "plain-HTTP redirect not compared: {} {verb} ({})",
                        which(before.is_none(), false),
                        missing.why_not()
                    ),
                ),
            );
            return;
        }
    };
    let first_status =
        |redirect: &super::snapshot::Redirect| redirect.hops.first().map(|hop| hop.status_code);
    let shown = |redirect: &super::snapshot::Redirect| match first_status(redirect) {
        Some(status) => format!("{} ({status})", redirect.verdict),
        None => redirect.verdict.clone(),
    };
    if before.verdict != after.verdict {
        let effect = match (
            redirect_rank(&before.verdict),
            redirect_rank(&after.verdict),
        ) {
            (Some(b), Some(a)) if a < b => Effect::Regression,
            (Some(b), Some(a)) if a > b => Effect::Improvement,
            _ => Effect::Change,
        };
        changes.push(
            Change::new(effect, Area::Redirect, Movement::Changed, "")
                .values(before.verdict.clone(), after.verdict.clone())
                .message(format!(
                    "plain-HTTP redirect {} -> {}",
                    shown(before),
                    shown(after)
                )),
        );
    } else if first_status(before) != first_status(after) {
        changes.push(
            Change::new(Effect::Change, Area::Redirect, Movement::Changed, "status")
                .values(first_status(before), first_status(after))
                .message(format!(
                    "plain-HTTP redirect {} -> {}",
                    shown(before),
                    shown(after)
                )),
        );
    }
}
