//! The comparison: two snapshots to a [`Drift`], target by target and area by area, each
//! difference judged. Pure.
//!
//! The judgements: weaker than before is a regression (a legacy protocol, a suite without
//! forward secrecy or AEAD, a weaker key or signature, trust or the name match lost, a lower
//! grade, a failing verdict, a new finding at or above `--fail-on`, HSTS gone or shorter, a
//! permanent redirect no longer permanent, a reachable target now unreachable); the reverse is
//! an improvement; anything else is a change. What one scan could not measure is not compared,
//! and said so, rather than read as added or removed. Each area's rules are in the file beside:
//! `certificate.rs`, `tls.rs`, `assessment.rs`, `http.rs`.

use super::snapshot::{Snapshot, TargetSnapshot};
use super::{assessment, certificate, http, tls};
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

pub(super) struct Context {
    /// The threshold findings are weighed at: the new report's.
    pub(super) fail_on: Severity,
    pub(super) policies_differ: bool,
    pub(super) old_is_version_1: bool,
}

/// Which of the two scans, in words.
pub(super) fn which(old_missing: bool, new_missing: bool) -> &'static str {
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
    certificate::certificate(old, new, &mut changes);
    certificate::chain(old, new, &mut changes);
    match (old.enumeration.ok(), new.enumeration.ok()) {
        (Some(old_enumeration), Some(new_enumeration)) => {
            tls::protocols(old_enumeration, new_enumeration, &mut changes);
            tls::suites(old_enumeration, new_enumeration, &mut changes);
            tls::groups(old_enumeration, new_enumeration, &mut changes);
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
            tls::connection(old, new, &mut changes);
        }
    }
    tls::client_auth(old, new, &mut changes);
    assessment::verdict(old, new, &mut changes);
    assessment::findings(old, new, context, &mut changes);
    assessment::grade(old, new, &mut changes);
    http::hsts(old, new, &mut changes);
    http::redirect(old, new, &mut changes);
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

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
