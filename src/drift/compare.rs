//! The comparison: two snapshots to a [`Drift`], target by target and area by area, each
//! difference judged. Pure.
//!
//! The judgements: weaker than before is a regression (a legacy protocol, a suite without
//! forward secrecy or AEAD, a weaker key or signature, trust or the name match lost, a lower
//! grade, a failing verdict, a new finding at or above `--fail-on`, HSTS gone or shorter, a
//! permanent redirect no longer permanent, a reachable target now unreachable); the reverse is
//! an improvement; anything else is a change. What one scan could not measure is not compared,
//! and said so, rather than read as added or removed.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::snapshot::{
    Certificate, Enumeration, Finding, Hsts, Key, Probed, Snapshot, Suite, TargetSnapshot,
    VersionSuites, VERSION_1_FINDINGS,
};
use super::{Area, Change, Drift, Effect, Movement, Presence, TargetDrift};
use crate::analysis::Severity;

/// Which targets of the old report are listed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every target of both reports (`tlscheck diff`): those only in the old one are removed.
    All,
    /// Only the new report's targets (`--baseline`): baseline targets that were not scanned
    /// again are named in a note, not listed as removed.
    NewTargets,
}

/// The drift from `old` to `new`.
pub fn compare(old: &Snapshot, new: &Snapshot, scope: Scope) -> Drift {
    let context = Context {
        fail_on: new.source.fail_on,
        policies_differ: old.source.policy != new.source.policy,
        old_is_version_1: old.source.schema_version == 1,
    };
    let mut notes = Vec::new();
    if old.source.fail_on != new.source.fail_on {
        notes.push(format!(
            "the reports were judged at different --fail-on thresholds ({} in the old, {} in the new); findings are weighed at {}",
            old.source.fail_on, new.source.fail_on, new.source.fail_on
        ));
    }
    if context.policies_differ {
        notes.push(format!(
            "the reports were checked against different policies ({} in the old, {} in the new): policy.* findings are not compared",
            old.source.policy, new.source.policy
        ));
    }
    if context.old_is_version_1 {
        notes.push(
            "the old report is schema_version 1: findings of checks added since are not compared, and it has no grade"
                .to_string(),
        );
    }

    let (pairs, unmatched_old) = pair(&old.targets, &new.targets);
    let mut targets = Vec::new();
    for (old_index, new_index) in pairs {
        let Some(new_target) = new.targets.get(new_index) else {
            continue;
        };
        match old_index.and_then(|index| old.targets.get(index)) {
            Some(old_target) => targets.push(TargetDrift {
                target: new_target.name(),
                address: new_target.target.host_port(),
                presence: Presence::Both,
                changes: compare_target(old_target, new_target, &context),
            }),
            None => targets.push(TargetDrift {
                target: new_target.name(),
                address: new_target.target.host_port(),
                presence: Presence::Added,
                changes: Vec::new(),
            }),
        }
    }
    let removed: Vec<&TargetSnapshot> = unmatched_old
        .iter()
        .filter_map(|index| old.targets.get(*index))
        .collect();
    match scope {
        Scope::All => targets.extend(removed.iter().map(|target| TargetDrift {
            target: target.name(),
            address: target.target.host_port(),
            presence: Presence::Removed,
            changes: Vec::new(),
        })),
        Scope::NewTargets if !removed.is_empty() => {
            let names: Vec<String> = removed.iter().map(|target| target.name()).collect();
            notes.push(format!(
                "{} of the baseline's targets {} not scanned this time: {}",
                names.len(),
                if names.len() == 1 { "was" } else { "were" },
                names.join(", ")
            ));
        }
        Scope::NewTargets => {}
    }
    Drift {
        old: old.source.clone(),
        new: new.source.clone(),
        notes,
        targets,
    }
}

/// Pairs each new target with an old one: first by what the user typed, then by host and port.
/// Returns (old index, new index) per new target, in the new order, and the old targets left.
fn pair(
    old: &[TargetSnapshot],
    new: &[TargetSnapshot],
) -> (Vec<(Option<usize>, usize)>, Vec<usize>) {
    let mut taken = vec![false; old.len()];
    let mut pairs: Vec<(Option<usize>, usize)> =
        (0..new.len()).map(|index| (None, index)).collect();
    let rules: [fn(&TargetSnapshot, &TargetSnapshot) -> bool; 2] = [
        |a, b| !a.target.input.is_empty() && a.target.input == b.target.input,
        |a, b| a.target.host_port() == b.target.host_port(),
    ];
    for same in rules {
        for (found, new_index) in pairs.iter_mut() {
            if found.is_some() {
                continue;
            }
            let Some(new_target) = new.get(*new_index) else {
                continue;
            };
            if let Some(old_index) = (0..old.len())
                .find(|&index| !taken[index] && old.get(index).is_some_and(|o| same(o, new_target)))
            {
                taken[old_index] = true;
                *found = Some(old_index);
            }
        }
    }
    let left = (0..old.len()).filter(|&index| !taken[index]).collect();
    (pairs, left)
}

struct Context {
    /// The threshold findings are weighed at: the new report's.
    fail_on: Severity,
    policies_differ: bool,
    old_is_version_1: bool,
}

/// Which of the two scans, in words.
fn which(old_missing: bool, new_missing: bool) -> &'static str {
    match (old_missing, new_missing) {
        (true, true) => "either scan",
        (true, false) => "the old scan",
        _ => "the new scan",
    }
}

fn compare_target(old: &TargetSnapshot, new: &TargetSnapshot, context: &Context) -> Vec<Change> {
    let mut changes = Vec::new();
    match (old.unreachable(), new.unreachable()) {
        (None, Some(reason)) => {
            changes.push(
                Change::new(
                    Effect::Regression,
                    Area::Reachability,
                    Movement::Changed,
                    "",
                )
                .values("reachable", "unreachable")
                .message(format!(
                    "could not be scanned: {reason} (the old scan reached it)"
                )),
            );
            return changes;
        }
        (Some(reason), None) => {
            changes.push(
                Change::new(Effect::Improvement, Area::Reachability, Movement::Changed, "")
                    .values("unreachable", "reachable")
                    .message(format!(
                        "reachable now (the old scan could not reach it: {reason}); nothing else to compare"
                    )),
            );
            return changes;
        }
        (Some(_), Some(reason)) => {
            changes.push(
                Change::new(
                    Effect::NotCompared,
                    Area::Reachability,
                    Movement::Changed,
                    "",
                )
                .values("unreachable", "unreachable")
                .message(format!(
                    "unreachable in both scans ({reason}): nothing to compare"
                )),
            );
            return changes;
        }
        (None, None) => {}
    }
    certificate(old, new, &mut changes);
    chain(old, new, &mut changes);
    match (old.enumeration.ok(), new.enumeration.ok()) {
        (Some(old_enumeration), Some(new_enumeration)) => {
            protocols(old_enumeration, new_enumeration, &mut changes);
            suites(old_enumeration, new_enumeration, &mut changes);
            groups(old_enumeration, new_enumeration, &mut changes);
        }
        (old_found, new_found) => {
            if old_found.is_some() != new_found.is_some() {
                let missing = if old_found.is_none() {
                    &old.enumeration
                } else {
                    &new.enumeration
                };
                changes.push(
                    Change::new(Effect::NotCompared, Area::Protocol, Movement::Changed, "")
                        .message(format!(
                            "protocols, cipher suites and groups not compared: {} did not enumerate them ({})",
                            which(old_found.is_none(), new_found.is_none()),
                            missing.why_not()
                        )),
                );
            }
            connection(old, new, &mut changes);
        }
    }
    client_auth(old, new, &mut changes);
    verdict(old, new, &mut changes);
    findings(old, new, context, &mut changes);
    grade(old, new, &mut changes);
    hsts(old, new, &mut changes);
    redirect(old, new, &mut changes);
    changes
}

// ---------------------------------------------------------------------------------------------
// Certificate, chain, trust, host name

/// `RSA 2048`, `EC P-256`.
fn describe_key(key: &Key) -> String {
    match &key.curve {
        Some(curve) => format!("{} {curve}", key.algorithm),
        None => format!("{} {}", key.algorithm, key.bits),
    }
}

/// Security strength in bits (NIST SP 800-57 for RSA and DSA, half the size for EC).
fn key_strength(key: &Key) -> Option<u32> {
    match key.algorithm.as_str() {
        "RSA" | "DSA" => Some(match key.bits {
            bits if bits >= 15_360 => 256,
            bits if bits >= 7_680 => 192,
            bits if bits >= 3_072 => 128,
            bits if bits >= 2_048 => 112,
            bits if bits >= 1_024 => 80,
            bits => bits / 16,
        }),
        "EC" => Some(key.bits / 2),
        "Ed25519" => Some(128),
        "Ed448" => Some(224),
        _ => None,
    }
}

/// The signature's hash, ranked (higher is stronger).
fn signature_strength(certificate: &Certificate) -> Option<u8> {
    match certificate.signature_hash.as_deref() {
        Some("MD2") => Some(0),
        Some("MD5") => Some(1),
        Some("SHA-1") => Some(2),
        Some("SHA-224") => Some(3),
        Some("SHA-256") => Some(4),
        Some("SHA-384") => Some(5),
        Some("SHA-512") => Some(6),
        Some(_) => None,
        None => {
            let algorithm = certificate.signature_algorithm.to_ascii_lowercase();
            (algorithm.contains("ed25519") || algorithm.contains("ed448")).then_some(5)
        }
    }
}

fn describe_signature(certificate: &Certificate) -> String {
    let plain = |text: &str| text.to_ascii_lowercase().replace('-', "");
    match &certificate.signature_hash {
        // `RSASSA-PSS` does not name its hash; `sha256WithRSAEncryption` does.
        Some(hash) if !plain(&certificate.signature_algorithm).contains(&plain(hash)) => {
            format!("{} ({hash})", certificate.signature_algorithm)
        }
        _ => certificate.signature_algorithm.clone(),
    }
}

const DAY: i64 = 86_400;

/// Seconds since 1970 of a time as tlscheck writes it (RFC 3339 in UTC:
/// `2027-01-15T08:00:00Z`); `None` for anything else.
fn unix_time(text: &str) -> Option<i64> {
    let (date, clock) = text.strip_suffix('Z')?.split_once('T')?;
    let numbers = |text: &str, separator: char| -> Option<Vec<i32>> {
        text.split(separator)
            .map(|part| part.parse::<i32>().ok())
            .collect()
    };
    let (date, clock) = (numbers(date, '-')?, numbers(clock, ':')?);
    let ([year, month, day], [hour, minute, second]) = (date.as_slice(), clock.as_slice()) else {
        return None;
    };
    let small = |value: &i32| u8::try_from(*value).ok();
    let date = time::Date::from_calendar_date(
        *year,
        time::Month::try_from(small(month)?).ok()?,
        small(day)?,
    )
    .ok()?;
    let clock = time::Time::from_hms(small(hour)?, small(minute)?, small(second)?).ok()?;
    Some(
        time::PrimitiveDateTime::new(date, clock)
            .assume_utc()
            .unix_timestamp(),
    )
}

/// The first four bytes of a fingerprint, enough to tell two apart in a line (the JSON has
/// them whole).
fn short_fingerprint(fingerprint: &str) -> String {
    let bytes: Vec<&str> = fingerprint.split(':').collect();
    if bytes.len() > 4 {
        format!("{}…", bytes[..4].join(":"))
    } else {
        fingerprint.to_string()
    }
}

fn certificate_value(certificate: &Certificate) -> Value {
    json!({
        "sha256_fingerprint": certificate.sha256_fingerprint,
        "subject": certificate.subject,
        "issuer": certificate.issuer,
        "serial": certificate.serial,
        "not_before": certificate.not_before,
        "not_after": certificate.not_after,
        "key": describe_key(&certificate.key),
        "signature": describe_signature(certificate),
    })
}

fn certificate(old: &TargetSnapshot, new: &TargetSnapshot, changes: &mut Vec<Change>) {
    let (old_leaf, new_leaf) = match (old.leaf(), new.leaf()) {
        (Some(old_leaf), Some(new_leaf)) => (old_leaf, new_leaf),
        (None, None) => return,
        (old_leaf, new_leaf) => {
            let missing = if old_leaf.is_none() { old } else { new };
            changes.push(
                Change::new(
                    Effect::NotCompared,
                    Area::Certificate,
                    Movement::Changed,
                    "leaf",
                )
                .message(format!(
                    "leaf certificate not compared: {} saw none ({})",
                    which(old_leaf.is_none(), new_leaf.is_none()),
                    match missing.tls.why_not() {
                        "" => "no certificate",
                        reason => reason,
                    }
                )),
            );
            return;
        }
    };
    if old_leaf.sha256_fingerprint == new_leaf.sha256_fingerprint {
        return;
    }
    let mut weaker = Vec::new();
    let mut stronger = Vec::new();
    let (old_key, new_key) = (describe_key(&old_leaf.key), describe_key(&new_leaf.key));
    match (key_strength(&old_leaf.key), key_strength(&new_leaf.key)) {
        (Some(before), Some(after)) if after < before => {
            weaker.push(format!("the new key is weaker ({old_key} -> {new_key})"));
        }
        (Some(before), Some(after)) if after > before => {
            stronger.push(format!("the new key is stronger ({old_key} -> {new_key})"));
        }
        _ => {}
    }
    let (old_signature, new_signature) =
        (describe_signature(old_leaf), describe_signature(new_leaf));
    match (signature_strength(old_leaf), signature_strength(new_leaf)) {
        (Some(before), Some(after)) if after < before => weaker.push(format!(
            "the new signature is weaker ({old_signature} -> {new_signature})"
        )),
        (Some(before), Some(after)) if after > before => stronger.push(format!(
            "the new signature is stronger ({old_signature} -> {new_signature})"
        )),
        _ => {}
    }
    // A rollback: issued before the one it replaces and expiring at least a day sooner (a
    // newer certificate that simply has a shorter life is not weaker).
    if let (Some(old_from), Some(old_until), Some(new_from), Some(new_until)) = (
        unix_time(&old_leaf.not_before),
        unix_time(&old_leaf.not_after),
        unix_time(&new_leaf.not_before),
        unix_time(&new_leaf.not_after),
    ) {
        if new_from < old_from && new_until + DAY <= old_until {
            weaker.push(format!(
                "an older certificate is back: issued {} (the old one {}), it expires {} where the old one expired {}",
                new_leaf.not_before, old_leaf.not_before, new_leaf.not_after, old_leaf.not_after
            ));
        }
    }
    if new_leaf.expired && !old_leaf.expired {
        weaker.push(format!(
            "the new certificate expired {}",
            new_leaf.not_after
        ));
    } else if old_leaf.expired && !new_leaf.expired {
        stronger.push("the old certificate had expired".to_string());
    }
    if new_leaf.not_yet_valid && !old_leaf.not_yet_valid {
        weaker.push(format!(
            "the new certificate is not valid until {}",
            new_leaf.not_before
        ));
    }
    let effect = if !weaker.is_empty() {
        Effect::Regression
    } else if !stronger.is_empty() {
        Effect::Improvement
    } else {
        Effect::Change
    };
    let mut details: Vec<String> = weaker
        .into_iter()
        .map(|reason| format!("weaker: {reason}"))
        .chain(
            stronger
                .into_iter()
                .map(|reason| format!("stronger: {reason}")),
        )
        .collect();
    if old_leaf.subject != new_leaf.subject {
        details.push(format!(
            "subject {} -> {}",
            old_leaf.subject, new_leaf.subject
        ));
    }
    if old_leaf.issuer != new_leaf.issuer {
        details.push(format!("issuer {} -> {}", old_leaf.issuer, new_leaf.issuer));
    }
    details.push(format!(
        "valid until {} -> {}",
        old_leaf.not_after, new_leaf.not_after
    ));
    if old_key != new_key {
        details.push(format!("key {old_key} -> {new_key}"));
    }
    if old_signature != new_signature {
        details.push(format!("signature {old_signature} -> {new_signature}"));
    }
    changes.push(
        Change::new(effect, Area::Certificate, Movement::Changed, "leaf")
            .values(certificate_value(old_leaf), certificate_value(new_leaf))
            .message(format!(
                "leaf certificate rotated: {} ({}) -> {} ({})",
                old_leaf.subject,
                short_fingerprint(&old_leaf.sha256_fingerprint),
                new_leaf.subject,
                short_fingerprint(&new_leaf.sha256_fingerprint)
            ))
            .details(details),
    );
}

fn chain(old: &TargetSnapshot, new: &TargetSnapshot, changes: &mut Vec<Change>) {
    let (Some(old_chain), Some(new_chain)) = (&old.certificates, &new.certificates) else {
        return;
    };
    if old_chain.incomplete != new_chain.incomplete {
        let change = Change::new(
            if new_chain.incomplete {
                Effect::Regression
            } else {
                Effect::Improvement
            },
            Area::Chain,
            Movement::Changed,
            "complete",
        )
        .values(!old_chain.incomplete, !new_chain.incomplete);
        changes.push(if new_chain.incomplete {
            change.message(format!(
                "chain incomplete now{}",
                new_chain
                    .missing_issuer
                    .as_ref()
                    .map(|issuer| format!(": the server does not send {issuer}"))
                    .unwrap_or_default()
            ))
        } else {
            change.message("chain complete now (it was missing an intermediate)")
        });
    }
    if old_chain.order_correct != new_chain.order_correct {
        let change = Change::new(
            if new_chain.order_correct {
                Effect::Improvement
            } else {
                Effect::Regression
            },
            Area::Chain,
            Movement::Changed,
            "order",
        )
        .values(old_chain.order_correct, new_chain.order_correct);
        changes.push(if new_chain.order_correct {
            change.message("chain in order now (each certificate followed by its issuer)")
        } else {
            change.message("chain out of order now (a certificate is not followed by its issuer)")
        });
    }
    let trust_store_note = (old_chain.trust.store != new_chain.trust.store).then(|| {
        format!(
            "judged against different trust stores: {} in the old scan, {} in the new",
            old_chain.trust.store, new_chain.trust.store
        )
    });
    if old_chain.trust.trusted != new_chain.trust.trusted {
        let change = Change::new(
            if new_chain.trust.trusted {
                Effect::Improvement
            } else {
                Effect::Regression
            },
            Area::Trust,
            Movement::Changed,
            "",
        )
        .values(old_chain.trust.trusted, new_chain.trust.trusted)
        .details(trust_store_note.into_iter().collect());
        changes.push(if new_chain.trust.trusted {
            change.message(format!(
                "certificate trusted now{}",
                old_chain
                    .trust
                    .error
                    .as_ref()
                    .map(|error| format!(" (was not: {error})"))
                    .unwrap_or_default()
            ))
        } else {
            change.message(format!(
                "certificate no longer trusted{}",
                new_chain
                    .trust
                    .error
                    .as_ref()
                    .map(|error| format!(": {error}"))
                    .unwrap_or_default()
            ))
        });
    }
    let (old_name, new_name) = (&old_chain.hostname, &new_chain.hostname);
    if old_name.matches != new_name.matches {
        let names = if old_name.name == new_name.name {
            Vec::new()
        } else {
            vec![format!(
                "checked against different names: {} in the old scan, {} in the new",
                old_name.name, new_name.name
            )]
        };
        let change = Change::new(
            if new_name.matches {
                Effect::Improvement
            } else {
                Effect::Regression
            },
            Area::Hostname,
            Movement::Changed,
            new_name.name.clone(),
        )
        .values(old_name.matches, new_name.matches)
        .details(names);
        changes.push(if new_name.matches {
            change.message(format!("certificate matches {} now", new_name.name))
        } else {
            change.message(format!("certificate no longer matches {}", new_name.name))
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Protocols, suites, groups, the negotiated connection

/// Whether accepting a version is good (TLS 1.2 and 1.3), bad (older) or neither (unknown).
fn version_is_modern(version: &str) -> Option<bool> {
    match version {
        "TLSv1.2" | "TLSv1.3" => Some(true),
        "SSLv2" | "SSLv3" | "TLSv1.0" | "TLSv1.1" => Some(false),
        _ => None,
    }
}

/// Protocol versions in order, oldest first.
fn version_rank(version: &str) -> Option<u8> {
    ["SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"]
        .iter()
        .position(|known| *known == version)
        .and_then(|position| u8::try_from(position).ok())
}

/// Names in first-seen order over both lists.
fn union<'a>(
    old: impl Iterator<Item = &'a str>,
    new: impl Iterator<Item = &'a str>,
) -> Vec<&'a str> {
    let mut all: Vec<&str> = Vec::new();
    for name in new.chain(old) {
        if !all.contains(&name) {
            all.push(name);
        }
    }
    all.sort_by_key(|name| version_rank(name).unwrap_or(u8::MAX));
    all
}

/// Whether `version` was accepted: `Some(answer)`, or `None` when unknown or not probed.
fn accepted(enumeration: &Enumeration, version: &str) -> Option<bool> {
    enumeration
        .protocols
        .iter()
        .find(|protocol| protocol.version == version)
        .and_then(|protocol| protocol.accepted)
}

fn protocols(old: &Enumeration, new: &Enumeration, changes: &mut Vec<Change>) {
    let versions = union(
        old.protocols.iter().map(|p| p.version.as_str()),
        new.protocols.iter().map(|p| p.version.as_str()),
    );
    for version in versions {
        match (accepted(old, version), accepted(new, version)) {
            (Some(before), Some(after)) if before != after => {
                let effect = match (version_is_modern(version), after) {
                    (Some(true), true) | (Some(false), false) => Effect::Improvement,
                    (Some(true), false) | (Some(false), true) => Effect::Regression,
                    (None, _) => Effect::Change,
                };
                let (movement, message) = if after {
                    (
                        Movement::Added,
                        format!("{version} accepted now (refused before)"),
                    )
                } else {
                    (Movement::Removed, format!("{version} no longer accepted"))
                };
                changes.push(
                    Change::new(effect, Area::Protocol, movement, version)
                        .values(state(Some(before)), state(Some(after)))
                        .message(message),
                );
            }
            (Some(_), Some(_)) | (None, None) => {}
            (before, after) => {
                let evidence = |enumeration: &Enumeration| {
                    enumeration
                        .protocols
                        .iter()
                        .find(|protocol| protocol.version == version)
                        .map(|protocol| protocol.evidence.clone())
                        .filter(|evidence| !evidence.is_empty())
                        .unwrap_or_else(|| "not probed".to_string())
                };
                let unknown_in = if before.is_none() { old } else { new };
                changes.push(
                    Change::new(
                        Effect::NotCompared,
                        Area::Protocol,
                        Movement::Changed,
                        version,
                    )
                    .values(state(before), state(after))
                    .message(format!(
                        "{version} not compared: unknown in {} ({})",
                        which(before.is_none(), after.is_none()),
                        evidence(unknown_in)
                    )),
                );
            }
        }
    }
}

fn state(accepted: Option<bool>) -> Value {
    match accepted {
        Some(true) => "accepted".into(),
        Some(false) => "refused".into(),
        None => Value::Null,
    }
}

/// What makes a suite weak, in words; empty for a suite with forward secrecy and AEAD.
fn weaknesses(suite: &Suite) -> Vec<&'static str> {
    let mut found = Vec::new();
    for (flag, word) in [
        (suite.null, "NULL encryption"),
        (suite.anonymous, "anonymous"),
        (suite.export, "export grade"),
        (suite.rc4, "RC4"),
        (suite.des, "DES"),
        (suite.triple_des, "3DES"),
        (!suite.forward_secrecy, "no forward secrecy"),
        (!suite.aead, "not AEAD"),
    ] {
        if flag {
            found.push(word);
        }
    }
    found
}

fn suite_key(suite: &Suite) -> &str {
    if suite.code.is_empty() {
        &suite.name
    } else {
        &suite.code
    }
}

fn suite_label(suite: &Suite) -> String {
    match &suite.openssl_name {
        Some(openssl) if openssl != &suite.name => format!("{} ({openssl})", suite.name),
        _ => suite.name.clone(),
    }
}

/// The suites accepted at `version` and whether the list is complete; `None` when unknown.
fn suites_at<'a>(enumeration: &'a Enumeration, version: &str) -> Option<(Vec<&'a Suite>, bool)> {
    match enumeration
        .cipher_suites
        .iter()
        .find(|list| list.version == version)
    {
        Some(VersionSuites {
            suites, complete, ..
        }) => Some((suites.iter().collect(), *complete)),
        // A refused version has no suites, for certain.
        None if accepted(enumeration, version) == Some(false) => Some((Vec::new(), true)),
        None => None,
    }
}

fn suites(old: &Enumeration, new: &Enumeration, changes: &mut Vec<Change>) {
    let versions = union(
        old.cipher_suites.iter().map(|v| v.version.as_str()),
        new.cipher_suites.iter().map(|v| v.version.as_str()),
    );
    for version in versions {
        let (before, after) = match (suites_at(old, version), suites_at(new, version)) {
            (Some(before), Some(after)) => (before, after),
            // The protocol's own line says it could not be compared.
            _ if accepted(old, version).is_none() || accepted(new, version).is_none() => continue,
            (before, _) => {
                changes.push(
                    Change::new(
                        Effect::NotCompared,
                        Area::CipherSuite,
                        Movement::Changed,
                        version,
                    )
                    .message(format!(
                        "{version} cipher suites not compared: {} did not list them",
                        if before.is_none() {
                            "the old scan"
                        } else {
                            "the new scan"
                        }
                    )),
                );
                continue;
            }
        };
        let (old_suites, old_complete) = before;
        let (new_suites, new_complete) = after;
        let added: Vec<&&Suite> = new_suites
            .iter()
            .filter(|suite| !old_suites.iter().any(|o| suite_key(o) == suite_key(suite)))
            .collect();
        let removed: Vec<&&Suite> = old_suites
            .iter()
            .filter(|suite| !new_suites.iter().any(|n| suite_key(n) == suite_key(suite)))
            .collect();
        if !added.is_empty() && !old_complete {
            changes.push(
                Change::new(Effect::NotCompared, Area::CipherSuite, Movement::Added, version)
                    .message(format!(
                        "{version} suites the old scan did not list not compared (its list is incomplete): {}",
                        added.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", ")
                    )),
            );
        } else {
            for suite in added {
                let weak = weaknesses(suite);
                let (effect, why) = if weak.is_empty() {
                    (Effect::Change, String::new())
                } else {
                    (Effect::Regression, format!(": {}", weak.join(", ")))
                };
                changes.push(
                    Change::new(
                        effect,
                        Area::CipherSuite,
                        Movement::Added,
                        format!("{version} {}", suite.name),
                    )
                    .values(Value::Null, suite.name.clone())
                    .message(format!("{version} suite {} added{why}", suite_label(suite))),
                );
            }
        }
        if !removed.is_empty() && !new_complete {
            changes.push(
                Change::new(Effect::NotCompared, Area::CipherSuite, Movement::Removed, version)
                    .message(format!(
                        "{version} suites the new scan did not list not compared (its list is incomplete): {}",
                        removed.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", ")
                    )),
            );
        } else {
            for suite in removed {
                let weak = weaknesses(suite);
                let (effect, why) = if weak.is_empty() {
                    (Effect::Change, String::new())
                } else {
                    (
                        Effect::Improvement,
                        format!(" (it had {})", weak.join(", ")),
                    )
                };
                changes.push(
                    Change::new(
                        effect,
                        Area::CipherSuite,
                        Movement::Removed,
                        format!("{version} {}", suite.name),
                    )
                    .values(suite.name.clone(), Value::Null)
                    .message(format!(
                        "{version} suite {} removed{why}",
                        suite_label(suite)
                    )),
                );
            }
        }
    }
}

/// A named curve of under 256 bits (`secp224r1`, `sect163k1`, ...): below what current
/// guidance allows.
fn weak_group(name: &str) -> bool {
    ["secp", "sect", "brainpoolP"]
        .iter()
        .filter_map(|prefix| name.strip_prefix(prefix))
        .filter_map(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse::<u32>().ok()
        })
        .any(|bits| bits < 256)
}

fn post_quantum(kind: &str) -> bool {
    kind == "hybrid" || kind == "pq"
}

fn groups(old: &Enumeration, new: &Enumeration, changes: &mut Vec<Change>) {
    if old.groups.is_empty() && new.groups.is_empty() {
        return;
    }
    if let (Some(before), Some(after)) = (&old.groups_probed_with, &new.groups_probed_with) {
        if before != after {
            changes.push(
                Change::new(Effect::NotCompared, Area::Group, Movement::Changed, "")
                    .values(before.clone(), after.clone())
                    .message(format!(
                        "key-exchange groups not compared: probed over {before} in the old scan and {after} in the new"
                    )),
            );
            return;
        }
    }
    let key = |group: &super::snapshot::Group| {
        if group.code.is_empty() {
            group.name.clone()
        } else {
            group.code.clone()
        }
    };
    for group in &new.groups {
        if old.groups.iter().any(|o| key(o) == key(group)) {
            continue;
        }
        let (effect, why) = if weak_group(&group.name) {
            (Effect::Regression, ": a curve under 256 bits")
        } else if post_quantum(&group.kind) {
            (Effect::Improvement, ": post-quantum key exchange")
        } else {
            (Effect::Change, "")
        };
        changes.push(
            Change::new(effect, Area::Group, Movement::Added, group.name.clone())
                .values(Value::Null, group.name.clone())
                .message(format!("key-exchange group {} added{why}", group.name)),
        );
    }
    for group in &old.groups {
        if new.groups.iter().any(|n| key(n) == key(group)) {
            continue;
        }
        let (effect, why) = if weak_group(&group.name) {
            (Effect::Improvement, " (a curve under 256 bits)")
        } else if post_quantum(&group.kind) {
            (Effect::Regression, ": no post-quantum key exchange with it")
        } else {
            (Effect::Change, "")
        };
        changes.push(
            Change::new(effect, Area::Group, Movement::Removed, group.name.clone())
                .values(group.name.clone(), Value::Null)
                .message(format!("key-exchange group {} removed{why}", group.name)),
        );
    }
}

/// The negotiated connection, compared when the enumeration cannot be (`--quick`).
fn connection(old: &TargetSnapshot, new: &TargetSnapshot, changes: &mut Vec<Change>) {
    let (Some(before), Some(after)) = (old.tls.ok(), new.tls.ok()) else {
        if old.tls.ok().is_some() != new.tls.ok().is_some() {
            let missing = if old.tls.ok().is_none() {
                &old.tls
            } else {
                &new.tls
            };
            changes.push(
                Change::new(Effect::NotCompared, Area::Connection, Movement::Changed, "").message(
                    format!(
                        "the negotiated connection not compared: {} had no handshake ({})",
                        which(old.tls.ok().is_none(), new.tls.ok().is_none()),
                        missing.why_not()
                    ),
                ),
            );
        }
        return;
    };
    if before.protocol != after.protocol {
        let effect = match (
            version_rank(&before.protocol),
            version_rank(&after.protocol),
        ) {
            (Some(b), Some(a)) if a < b => Effect::Regression,
            (Some(b), Some(a)) if a > b => Effect::Improvement,
            _ => Effect::Change,
        };
        changes.push(
            Change::new(effect, Area::Connection, Movement::Changed, "protocol")
                .values(before.protocol.clone(), after.protocol.clone())
                .message(format!(
                    "negotiates {} now (was {})",
                    after.protocol, before.protocol
                )),
        );
    }
    if before.cipher_suite != after.cipher_suite {
        changes.push(
            Change::new(
                Effect::Change,
                Area::Connection,
                Movement::Changed,
                "cipher-suite",
            )
            .values(before.cipher_suite.clone(), after.cipher_suite.clone())
            .message(format!(
                "negotiates {} now (was {})",
                after.cipher_suite, before.cipher_suite
            )),
        );
    }
}

fn client_auth(old: &TargetSnapshot, new: &TargetSnapshot, changes: &mut Vec<Change>) {
    let (Some(before), Some(after)) = (&old.client_auth, &new.client_auth) else {
        return;
    };
    let words = |requested: bool, required: Option<bool>| match (requested, required) {
        (false, _) => "not requested",
        (true, Some(true)) => "required",
        (true, Some(false)) => "requested, not required",
        (true, None) => "requested",
    };
    let (was, now) = (
        words(before.requested, before.required),
        words(after.requested, after.required),
    );
    if was != now {
        changes.push(
            Change::new(Effect::Change, Area::ClientAuth, Movement::Changed, "")
                .values(was, now)
                .message(format!("client certificate {now} now (was {was})")),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Verdict, findings, grade

fn verdict(old: &TargetSnapshot, new: &TargetSnapshot, changes: &mut Vec<Change>) {
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

fn findings(
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

fn grade(old: &TargetSnapshot, new: &TargetSnapshot, changes: &mut Vec<Change>) {
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

// ---------------------------------------------------------------------------------------------
// HSTS and the redirect

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

fn hsts(old: &TargetSnapshot, new: &TargetSnapshot, changes: &mut Vec<Change>) {
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
        "no-redirect" | "stays-http" | "loop" | "too-many-hops" => Some(0),
        _ => None,
    }
}

fn redirect(old: &TargetSnapshot, new: &TargetSnapshot, changes: &mut Vec<Change>) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drift::Snapshot;
    use serde_json::json;

    fn suite(name: &str, code: &str, forward_secrecy: bool, aead: bool) -> Value {
        json!({"name": name, "openssl_name": null, "code": code, "forward_secrecy": forward_secrecy,
               "aead": aead, "cbc": !aead, "export": false, "null": false, "anonymous": false,
               "rc4": false, "des": false, "triple_des": false})
    }

    fn leaf(fingerprint: &str) -> Value {
        json!({
            "subject": "CN=good.test", "issuer": "CN=Test CA", "serial": "01",
            "not_before": "2026-01-01T00:00:00Z", "not_after": "2027-01-01T00:00:00Z",
            "expired": false, "not_yet_valid": false,
            "key": {"algorithm": "RSA", "bits": 2048, "curve": null},
            "signature_algorithm": "sha256WithRSAEncryption", "signature_hash": "SHA-256",
            "self_signed": false, "sha256_fingerprint": fingerprint
        })
    }

    /// A healthy TLS 1.2 and 1.3 site: trusted, HSTS, a 301, grade A, no findings.
    fn report() -> Value {
        json!({
            "target": {"input": "good.test", "host": "good.test", "port": 443},
            "scanned_at": "2026-06-01T00:00:00Z",
            "unreachable": null,
            "verdict": "pass",
            "grade": {"letter": "A", "underlying": null},
            "tls": {"status": "ok", "protocol": "TLSv1.3", "cipher_suite": "TLS_AES_128_GCM_SHA256"},
            "certificates": {
                "certificates": [leaf("AA:BB:CC:DD:EE:FF")],
                "incomplete": false, "order_correct": true, "missing_issuer": null,
                "trust": {"trusted": true, "store": "webpki-roots", "error": null},
                "hostname": {"name": "good.test", "matches": true}
            },
            "https": {"status": "ok", "status_code": 200, "hsts": {
                "raw": "max-age=63072000; includeSubDomains", "max_age": 63_072_000,
                "include_subdomains": true, "preload": false, "error": null}},
            "redirect": {"status": "ok", "verdict": "https-permanent",
                "hops": [{"url": "http://good.test/", "status_code": 301, "location": "https://good.test/"}]},
            "enumeration": {"status": "ok",
                "protocols": [
                    {"version": "TLSv1.0", "accepted": false, "evidence": "alert", "error": null},
                    {"version": "TLSv1.1", "accepted": false, "evidence": "alert", "error": null},
                    {"version": "TLSv1.2", "accepted": true, "evidence": "ServerHello", "error": null},
                    {"version": "TLSv1.3", "accepted": true, "evidence": "ServerHello", "error": null}
                ],
                "cipher_suites": [
                    {"version": "TLSv1.2", "complete": true, "suites": [
                        suite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "0xC02F", true, true)]},
                    {"version": "TLSv1.3", "complete": true, "suites": [
                        suite("TLS_AES_128_GCM_SHA256", "0x1301", true, true)]}
                ],
                "groups": [
                    {"name": "x25519", "code": "0x001D", "kind": "ecdhe"},
                    {"name": "secp256r1", "code": "0x0017", "kind": "ecdhe"}
                ],
                "groups_probed_with": "tls1.3"
            },
            "findings": []
        })
    }

    fn document(reports: Vec<Value>) -> Value {
        json!({"schema_version": 2, "tool": {"name": "tlscheck", "version": "0.1.0"},
               "fail_on": "high", "policy": "mozilla-intermediate@6.0", "reports": reports})
    }

    fn snapshot(document: Value, label: &str) -> Snapshot {
        Snapshot::from_value(document, label, "OLD").expect("a valid report")
    }

    fn drift(old: Value, new: Value) -> Drift {
        compare(
            &snapshot(document(vec![old]), "old.json"),
            &snapshot(document(vec![new]), "new.json"),
            Scope::All,
        )
    }

    /// The one target's changes as (effect, area, movement, subject).
    fn changes(old: Value, new: Value) -> Vec<(Effect, Area, Movement, String)> {
        let drift = drift(old, new);
        assert_eq!(drift.targets.len(), 1, "{drift:#?}");
        drift.targets[0]
            .changes
            .iter()
            .map(|c| (c.effect, c.area, c.movement, c.subject.clone()))
            .collect()
    }

    fn change(
        effect: Effect,
        area: Area,
        movement: Movement,
        subject: &str,
    ) -> (Effect, Area, Movement, String) {
        (effect, area, movement, subject.to_string())
    }

    fn set(report: &mut Value, pointer: &str, value: Value) {
        *report
            .pointer_mut(pointer)
            .unwrap_or_else(|| panic!("no {pointer}")) = value;
    }

    #[test]
    fn the_same_report_twice_has_no_changes() {
        let drift = drift(report(), report());
        assert!(drift.is_empty());
        assert!(!drift.regressed());
        assert!(drift.notes.is_empty(), "{:?}", drift.notes);
    }

    #[test]
    fn legacy_protocols_added_are_regressions_and_tls13_removed_too() {
        let mut new = report();
        set(&mut new, "/enumeration/protocols/0/accepted", json!(true));
        set(&mut new, "/enumeration/protocols/3/accepted", json!(false));
        set(&mut new, "/enumeration/cipher_suites/1/suites", json!([]));
        let found = changes(report(), new);
        assert_eq!(
            found,
            vec![
                change(
                    Effect::Regression,
                    Area::Protocol,
                    Movement::Added,
                    "TLSv1.0"
                ),
                change(
                    Effect::Regression,
                    Area::Protocol,
                    Movement::Removed,
                    "TLSv1.3"
                ),
                change(
                    Effect::Change,
                    Area::CipherSuite,
                    Movement::Removed,
                    "TLSv1.3 TLS_AES_128_GCM_SHA256"
                ),
            ]
        );
    }

    #[test]
    fn legacy_protocols_removed_and_tls13_added_are_improvements() {
        let mut old = report();
        set(&mut old, "/enumeration/protocols/1/accepted", json!(true));
        set(&mut old, "/enumeration/protocols/3/accepted", json!(false));
        set(&mut old, "/enumeration/cipher_suites/1/suites", json!([]));
        let found = changes(old, report());
        assert_eq!(
            found[0],
            change(
                Effect::Improvement,
                Area::Protocol,
                Movement::Removed,
                "TLSv1.1"
            )
        );
        assert_eq!(
            found[1],
            change(
                Effect::Improvement,
                Area::Protocol,
                Movement::Added,
                "TLSv1.3"
            )
        );
    }

    #[test]
    fn a_protocol_unknown_in_one_scan_is_not_compared_rather_than_removed() {
        let mut new = report();
        set(&mut new, "/enumeration/protocols/3/accepted", Value::Null);
        set(
            &mut new,
            "/enumeration/protocols/3/evidence",
            json!("probe failed: timed out"),
        );
        set(
            &mut new,
            "/enumeration/cipher_suites",
            json!([report()["enumeration"]["cipher_suites"][0].clone()]),
        );
        let drift = drift(report(), new);
        let only = &drift.targets[0].changes;
        assert_eq!(only.len(), 1, "{only:#?}");
        assert_eq!(only[0].effect, Effect::NotCompared);
        assert_eq!(only[0].subject, "TLSv1.3");
        assert_eq!(
            only[0].message,
            "TLSv1.3 not compared: unknown in the new scan (probe failed: timed out)"
        );
        assert!(!drift.regressed());
    }

    #[test]
    fn a_suite_without_forward_secrecy_or_aead_added_is_a_regression_with_its_reasons() {
        let mut new = report();
        let suites = new
            .pointer_mut("/enumeration/cipher_suites/0/suites")
            .and_then(Value::as_array_mut)
            .expect("suites");
        suites.push(suite(
            "TLS_RSA_WITH_AES_128_CBC_SHA",
            "0x002F",
            false,
            false,
        ));
        suites.push(suite(
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "0xC030",
            true,
            true,
        ));
        let drift = drift(report(), new);
        let found = &drift.targets[0].changes;
        assert_eq!(found.len(), 2, "{found:#?}");
        assert_eq!(found[0].effect, Effect::Regression);
        assert_eq!(
            found[0].message,
            "TLSv1.2 suite TLS_RSA_WITH_AES_128_CBC_SHA added: no forward secrecy, not AEAD"
        );
        assert_eq!(found[1].effect, Effect::Change);
        assert_eq!(
            found[1].subject,
            "TLSv1.2 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"
        );
    }

    #[test]
    fn a_weak_suite_removed_is_an_improvement_unless_the_new_list_is_incomplete() {
        let mut old = report();
        old.pointer_mut("/enumeration/cipher_suites/0/suites")
            .and_then(Value::as_array_mut)
            .expect("suites")
            .push(suite(
                "TLS_RSA_WITH_AES_128_CBC_SHA",
                "0x002F",
                false,
                false,
            ));
        let found = changes(old.clone(), report());
        assert_eq!(
            found,
            vec![change(
                Effect::Improvement,
                Area::CipherSuite,
                Movement::Removed,
                "TLSv1.2 TLS_RSA_WITH_AES_128_CBC_SHA"
            )]
        );

        let mut incomplete = report();
        set(
            &mut incomplete,
            "/enumeration/cipher_suites/0/complete",
            json!(false),
        );
        let found = changes(old, incomplete);
        assert_eq!(
            found,
            vec![change(
                Effect::NotCompared,
                Area::CipherSuite,
                Movement::Removed,
                "TLSv1.2"
            )]
        );
    }

    #[test]
    fn a_rotation_to_a_sound_certificate_is_a_neutral_change_that_says_what_changed() {
        let mut new = report();
        let mut rotated = leaf("11:22:33:44:55:66");
        rotated["not_before"] = json!("2026-09-01T00:00:00Z");
        rotated["not_after"] = json!("2027-09-01T00:00:00Z");
        rotated["issuer"] = json!("CN=Other CA");
        set(&mut new, "/certificates/certificates/0", rotated);
        let drift = drift(report(), new);
        let rotation = &drift.targets[0].changes[0];
        assert_eq!(
            (rotation.effect, rotation.area, rotation.subject.as_str()),
            (Effect::Change, Area::Certificate, "leaf")
        );
        assert_eq!(
            rotation.message,
            "leaf certificate rotated: CN=good.test (AA:BB:CC:DD…) -> CN=good.test (11:22:33:44…)"
        );
        assert_eq!(
            rotation.details,
            vec![
                "issuer CN=Test CA -> CN=Other CA",
                "valid until 2027-01-01T00:00:00Z -> 2027-09-01T00:00:00Z",
            ]
        );
        assert_eq!(rotation.after["issuer"], "CN=Other CA");
        assert!(!drift.regressed());
    }

    #[test]
    fn a_rotation_to_a_weaker_key_and_signature_is_a_regression() {
        let mut new = report();
        let mut weak = leaf("11:22:33:44:55:66");
        weak["key"] = json!({"algorithm": "RSA", "bits": 1024, "curve": null});
        weak["signature_algorithm"] = json!("sha1WithRSAEncryption");
        weak["signature_hash"] = json!("SHA-1");
        set(&mut new, "/certificates/certificates/0", weak);
        let drift = drift(report(), new);
        let rotation = &drift.targets[0].changes[0];
        assert_eq!(rotation.effect, Effect::Regression);
        assert_eq!(
            rotation.details[0],
            "weaker: the new key is weaker (RSA 2048 -> RSA 1024)"
        );
        assert_eq!(
            rotation.details[1],
            "weaker: the new signature is weaker (sha256WithRSAEncryption -> sha1WithRSAEncryption)"
        );
    }

    #[test]
    fn reads_the_times_tlscheck_writes() {
        assert_eq!(unix_time("2027-01-15T08:00:00Z"), Some(1_800_000_000));
        assert_eq!(unix_time("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(unix_time("2027-01-15 08:00:00"), None);
        assert_eq!(unix_time("2027-13-15T08:00:00Z"), None);
    }

    #[test]
    fn a_certificate_issued_a_second_earlier_is_no_rollback() {
        let mut old = report();
        let mut first = leaf("11:22:33:44:55:66");
        first["not_before"] = json!("2026-01-01T00:00:01Z");
        first["not_after"] = json!("2027-01-01T00:00:01Z");
        set(&mut old, "/certificates/certificates/0", first);
        assert_eq!(
            changes(old, report()),
            vec![change(
                Effect::Change,
                Area::Certificate,
                Movement::Changed,
                "leaf"
            )]
        );
    }

    #[test]
    fn an_older_certificate_coming_back_is_a_regression_but_a_shorter_newer_one_is_not() {
        let mut old_again = report();
        let mut older = leaf("11:22:33:44:55:66");
        older["not_before"] = json!("2025-01-01T00:00:00Z");
        older["not_after"] = json!("2026-12-01T00:00:00Z");
        set(&mut old_again, "/certificates/certificates/0", older);
        let drift_back = drift(report(), old_again);
        assert_eq!(drift_back.targets[0].changes[0].effect, Effect::Regression);
        assert!(drift_back.targets[0].changes[0].details[0]
            .starts_with("weaker: an older certificate is back"));

        let mut shorter = report();
        let mut short_lived = leaf("11:22:33:44:55:66");
        short_lived["key"] = json!({"algorithm": "EC", "bits": 256, "curve": "P-256"});
        short_lived["not_before"] = json!("2026-06-01T00:00:00Z");
        short_lived["not_after"] = json!("2026-08-30T00:00:00Z");
        set(&mut shorter, "/certificates/certificates/0", short_lived);
        let drift_short = drift(report(), shorter);
        let rotation = &drift_short.targets[0].changes[0];
        assert_eq!(rotation.effect, Effect::Improvement, "{rotation:#?}");
        assert_eq!(
            rotation.details[0],
            "stronger: the new key is stronger (RSA 2048 -> EC P-256)"
        );
    }

    #[test]
    fn trust_and_the_host_name_lost_are_regressions_and_found_again_improvements() {
        let mut broken = report();
        set(&mut broken, "/certificates/trust/trusted", json!(false));
        set(
            &mut broken,
            "/certificates/trust/error",
            json!("unknown issuer"),
        );
        set(&mut broken, "/certificates/hostname/matches", json!(false));
        let drift_lost = drift(report(), broken.clone());
        let messages: Vec<(Effect, &str)> = drift_lost.targets[0]
            .changes
            .iter()
            .map(|c| (c.effect, c.message.as_str()))
            .collect();
        assert_eq!(
            messages,
            vec![
                (
                    Effect::Regression,
                    "certificate no longer trusted: unknown issuer"
                ),
                (
                    Effect::Regression,
                    "certificate no longer matches good.test"
                ),
            ]
        );
        let found = changes(broken, report());
        assert_eq!(
            found,
            vec![
                change(Effect::Improvement, Area::Trust, Movement::Changed, ""),
                change(
                    Effect::Improvement,
                    Area::Hostname,
                    Movement::Changed,
                    "good.test"
                ),
            ]
        );
    }

    #[test]
    fn groups_judged_by_strength_and_post_quantum_protection() {
        let mut old = report();
        old.pointer_mut("/enumeration/groups")
            .and_then(Value::as_array_mut)
            .expect("groups")
            .push(json!({"name": "X25519MLKEM768", "code": "0x11EC", "kind": "hybrid"}));
        let mut new = report();
        new.pointer_mut("/enumeration/groups")
            .and_then(Value::as_array_mut)
            .expect("groups")
            .push(json!({"name": "secp224r1", "code": "0x0015", "kind": "ecdhe"}));
        let found = changes(old, new);
        assert_eq!(
            found,
            vec![
                change(
                    Effect::Regression,
                    Area::Group,
                    Movement::Added,
                    "secp224r1"
                ),
                change(
                    Effect::Regression,
                    Area::Group,
                    Movement::Removed,
                    "X25519MLKEM768"
                ),
            ]
        );
        let mut other_probe = report();
        set(
            &mut other_probe,
            "/enumeration/groups_probed_with",
            json!("tls1.2"),
        );
        set(&mut other_probe, "/enumeration/groups", json!([]));
        assert_eq!(
            changes(report(), other_probe),
            vec![change(
                Effect::NotCompared,
                Area::Group,
                Movement::Changed,
                ""
            )]
        );
    }

    #[test]
    fn verdict_and_findings_are_weighed_at_the_new_fail_on() {
        let mut new = report();
        set(&mut new, "/verdict", json!("fail"));
        set(
            &mut new,
            "/findings",
            json!([
                {"id": "protocol.tls10", "severity": "high", "title": "TLS 1.0 is accepted", "evidence": "TLSv1.0 accepted"},
                {"id": "cipher.client-order", "severity": "low", "title": "client order", "evidence": ""}
            ]),
        );
        let found = changes(report(), new.clone());
        assert_eq!(
            found,
            vec![
                change(Effect::Regression, Area::Verdict, Movement::Changed, ""),
                change(
                    Effect::Change,
                    Area::Finding,
                    Movement::Added,
                    "cipher.client-order"
                ),
                change(
                    Effect::Regression,
                    Area::Finding,
                    Movement::Added,
                    "protocol.tls10"
                ),
            ]
        );
        let found = changes(new.clone(), report());
        assert_eq!(
            found,
            vec![
                change(Effect::Improvement, Area::Verdict, Movement::Changed, ""),
                change(
                    Effect::Change,
                    Area::Finding,
                    Movement::Removed,
                    "cipher.client-order"
                ),
                change(
                    Effect::Improvement,
                    Area::Finding,
                    Movement::Removed,
                    "protocol.tls10"
                ),
            ]
        );
        let mut raised = new.clone();
        set(&mut raised, "/findings/1/severity", json!("critical"));
        let found = changes(new, raised);
        assert_eq!(
            found,
            vec![change(
                Effect::Regression,
                Area::Finding,
                Movement::Changed,
                "cipher.client-order"
            )]
        );
    }

    #[test]
    fn a_waived_finding_fails_nothing_until_its_waiver_goes() {
        let with = |waiver: Value| {
            let mut report = report();
            set(
                &mut report,
                "/findings",
                json!([{"id": "protocol.tls10", "severity": "high", "title": "TLS 1.0",
                        "evidence": "accepted", "waiver": waiver}]),
            );
            report
        };
        let waived = with(json!({"reason": "old clients", "expires": "2027-01-31"}));
        let drift_waived = drift(report(), waived.clone());
        let added = &drift_waived.targets[0].changes[0];
        assert_eq!(
            (added.effect, added.movement),
            (Effect::Change, Movement::Added)
        );
        assert_eq!(
            added.message,
            "new finding protocol.tls10 (high, waived): TLS 1.0"
        );
        assert_eq!(
            added.details,
            vec!["accepted", "waived: old clients (until 2027-01-31)"]
        );
        let drift_lifted = drift(waived, with(Value::Null));
        let lifted = &drift_lifted.targets[0].changes[0];
        assert_eq!(lifted.effect, Effect::Regression);
        assert_eq!(
            lifted.message,
            "finding protocol.tls10 no longer waived: TLS 1.0"
        );
    }

    #[test]
    fn policy_findings_are_not_compared_across_policies() {
        let mut old_document = document(vec![report()]);
        old_document["policy"] = json!("none");
        let mut new_report = report();
        set(
            &mut new_report,
            "/findings",
            json!([
                {"id": "policy.tls-versions", "severity": "high", "title": "t", "evidence": "e"}
            ]),
        );
        let drift = compare(
            &snapshot(old_document, "old.json"),
            &snapshot(document(vec![new_report]), "new.json"),
            Scope::All,
        );
        assert!(!drift.regressed(), "{drift:#?}");
        assert_eq!(drift.count(Effect::NotCompared), 1);
        assert_eq!(
            drift.notes,
            vec![
                "the reports were checked against different policies (none in the old, \
                  mozilla-intermediate@6.0 in the new): policy.* findings are not compared"
            ]
        );
    }

    #[test]
    fn grades_compare_by_letter_with_t_and_m_below_f() {
        let with_grade = |letter: &str, underlying: Option<&str>| {
            let mut graded = report();
            set(
                &mut graded,
                "/grade",
                json!({"letter": letter, "underlying": underlying}),
            );
            graded
        };
        let effect = |old: Value, new: Value| changes(old, new).first().map(|c| c.0);
        assert_eq!(
            effect(with_grade("A", None), with_grade("B", None)),
            Some(Effect::Regression)
        );
        assert_eq!(
            effect(with_grade("A-", None), with_grade("A+", None)),
            Some(Effect::Improvement)
        );
        assert_eq!(
            effect(with_grade("F", None), with_grade("T", Some("A"))),
            Some(Effect::Regression)
        );
        assert_eq!(
            effect(with_grade("T", Some("A")), with_grade("M", Some("B"))),
            Some(Effect::Regression)
        );
        assert_eq!(
            effect(with_grade("T", Some("B")), with_grade("T", Some("A"))),
            Some(Effect::Improvement)
        );
        let mut ungraded = report();
        set(&mut ungraded, "/grade", Value::Null);
        assert_eq!(
            changes(ungraded.clone(), report()),
            vec![change(
                Effect::NotCompared,
                Area::Grade,
                Movement::Changed,
                ""
            )]
        );
        assert!(changes(ungraded.clone(), ungraded).is_empty());
    }

    #[test]
    fn hsts_shorter_narrower_or_gone_is_a_regression() {
        let mut weaker = report();
        set(
            &mut weaker,
            "/https/hsts",
            json!({"raw": "max-age=300", "max_age": 300,
            "include_subdomains": false, "preload": false, "error": null}),
        );
        let drift_weaker = drift(report(), weaker.clone());
        let messages: Vec<(Effect, &str)> = drift_weaker.targets[0]
            .changes
            .iter()
            .map(|c| (c.effect, c.message.as_str()))
            .collect();
        assert_eq!(
            messages,
            vec![
                (
                    Effect::Regression,
                    "HSTS max-age lowered from 63072000 s (730 days) to 300 s"
                ),
                (Effect::Regression, "HSTS includeSubDomains dropped"),
            ]
        );
        let mut gone = report();
        set(&mut gone, "/https/hsts", Value::Null);
        assert_eq!(
            changes(report(), gone.clone()),
            vec![change(
                Effect::Regression,
                Area::Hsts,
                Movement::Removed,
                ""
            )]
        );
        assert_eq!(
            changes(gone, report()),
            vec![change(Effect::Improvement, Area::Hsts, Movement::Added, "")]
        );
        let mut failed = report();
        set(
            &mut failed,
            "/https",
            json!({"status": "failed", "reason": "connection reset"}),
        );
        let drift_failed = drift(report(), failed);
        assert_eq!(
            drift_failed.targets[0].changes[0].effect,
            Effect::NotCompared
        );
        assert_eq!(
            drift_failed.targets[0].changes[0].message,
            "HSTS not compared: the new scan got no HTTPS response (connection reset)"
        );
    }

    #[test]
    fn a_permanent_redirect_turned_temporary_is_a_regression() {
        let mut temporary = report();
        set(
            &mut temporary,
            "/redirect/verdict",
            json!("https-temporary"),
        );
        set(&mut temporary, "/redirect/hops/0/status_code", json!(302));
        let drift_temporary = drift(report(), temporary.clone());
        let only = &drift_temporary.targets[0].changes[0];
        assert_eq!(only.effect, Effect::Regression);
        assert_eq!(
            only.message,
            "plain-HTTP redirect https-permanent (301) -> https-temporary (302)"
        );
        assert_eq!(changes(temporary, report())[0].0, Effect::Improvement);
        let mut skipped = report();
        set(
            &mut skipped,
            "/redirect",
            json!({"status": "skipped", "reason": "--no-http"}),
        );
        assert_eq!(
            changes(report(), skipped),
            vec![change(
                Effect::NotCompared,
                Area::Redirect,
                Movement::Changed,
                ""
            )]
        );
    }

    #[test]
    fn a_reachable_target_now_unreachable_is_a_regression_and_nothing_else_is_compared() {
        let mut down = report();
        set(
            &mut down,
            "/unreachable",
            json!({"kind": "refused", "reason": "connection refused"}),
        );
        set(&mut down, "/verdict", json!("unreachable"));
        set(
            &mut down,
            "/enumeration",
            json!({"status": "skipped", "reason": "unreachable"}),
        );
        let drift_down = drift(report(), down.clone());
        assert_eq!(drift_down.targets[0].changes.len(), 1);
        assert_eq!(
            drift_down.targets[0].changes[0].message,
            "could not be scanned: connection refused (the old scan reached it)"
        );
        assert!(drift_down.regressed());
        assert_eq!(
            changes(down.clone(), report()),
            vec![change(
                Effect::Improvement,
                Area::Reachability,
                Movement::Changed,
                ""
            )]
        );
        assert_eq!(
            changes(down.clone(), down),
            vec![change(
                Effect::NotCompared,
                Area::Reachability,
                Movement::Changed,
                ""
            )]
        );
    }

    #[test]
    fn targets_pair_by_input_then_host_and_port_and_a_removed_one_is_no_regression() {
        let mut other = report();
        set(
            &mut other,
            "/target",
            json!({"input": "other.test", "host": "other.test", "port": 443}),
        );
        let mut spelled_as_url = report();
        set(
            &mut spelled_as_url,
            "/target/input",
            json!("https://good.test/"),
        );
        let mut added = report();
        set(
            &mut added,
            "/target",
            json!({"input": "new.test:8443", "host": "new.test", "port": 8443}),
        );
        let old = snapshot(document(vec![report(), other]), "old.json");
        let new = snapshot(document(vec![spelled_as_url, added]), "new.json");
        let all = compare(&old, &new, Scope::All);
        let targets: Vec<(&str, Presence)> = all
            .targets
            .iter()
            .map(|t| (t.target.as_str(), t.presence))
            .collect();
        assert_eq!(
            targets,
            vec![
                ("https://good.test/", Presence::Both),
                ("new.test:8443", Presence::Added),
                ("other.test", Presence::Removed),
            ]
        );
        assert!(!all.regressed());
        assert!(!all.is_empty());

        let baseline = compare(&old, &new, Scope::NewTargets);
        assert_eq!(baseline.targets.len(), 2);
        assert_eq!(
            baseline.notes,
            vec!["1 of the baseline's targets was not scanned this time: other.test"]
        );
    }

    #[test]
    fn findings_of_checks_newer_than_a_version_1_report_are_not_compared() {
        let mut old_document = document(vec![report()]);
        old_document["schema_version"] = json!(1);
        let mut new_report = report();
        set(
            &mut new_report,
            "/findings",
            json!([
                {"id": "cert.lifetime-too-long", "severity": "high", "title": "t", "evidence": "e"},
                {"id": "protocol.tls10", "severity": "high", "title": "t", "evidence": "e"}
            ]),
        );
        let drift = compare(
            &snapshot(old_document, "v1.json"),
            &snapshot(document(vec![new_report]), "new.json"),
            Scope::All,
        );
        let found: Vec<(Effect, &str)> = drift.targets[0]
            .changes
            .iter()
            .map(|c| (c.effect, c.subject.as_str()))
            .collect();
        assert!(
            found.contains(&(Effect::Regression, "protocol.tls10")),
            "{found:?}"
        );
        assert!(
            found.contains(&(Effect::NotCompared, "new-checks")),
            "{found:?}"
        );
        assert!(
            !found
                .iter()
                .any(|(_, subject)| *subject == "cert.lifetime-too-long"),
            "{found:?}"
        );
    }

    #[test]
    fn without_an_enumeration_the_negotiated_protocol_is_compared() {
        let quick = |protocol: &str| {
            let mut quick = report();
            set(
                &mut quick,
                "/enumeration",
                json!({"status": "skipped", "reason": "--quick"}),
            );
            set(&mut quick, "/tls/protocol", json!(protocol));
            quick
        };
        assert_eq!(
            changes(quick("TLSv1.3"), quick("TLSv1.2")),
            vec![change(
                Effect::Regression,
                Area::Connection,
                Movement::Changed,
                "protocol"
            )]
        );
        assert_eq!(
            changes(report(), quick("TLSv1.3")),
            vec![change(
                Effect::NotCompared,
                Area::Protocol,
                Movement::Changed,
                ""
            )]
        );
    }
}
