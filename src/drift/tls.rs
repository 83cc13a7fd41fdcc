//! Drift of what the server speaks: protocol versions, cipher suites per version and
//! key-exchange groups from the enumeration, the negotiated connection when there is none, and
//! client certificates.

use serde_json::Value;

use super::compare::which;
use super::snapshot::{Enumeration, Suite, TargetSnapshot, VersionSuites};
use super::{Area, Change, Effect, Movement};

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

pub(super) fn protocols(old: &Enumeration, new: &Enumeration, changes: &mut Vec<Change>) {
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

pub(super) fn suites(old: &Enumeration, new: &Enumeration, changes: &mut Vec<Change>) {
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

pub(super) fn groups(old: &Enumeration, new: &Enumeration, changes: &mut Vec<Change>) {
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
pub(super) fn connection(old: &TargetSnapshot, new: &TargetSnapshot, changes: &mut Vec<Change>) {
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

pub(super) fn client_auth(old: &TargetSnapshot, new: &TargetSnapshot, changes: &mut Vec<Change>) {
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
