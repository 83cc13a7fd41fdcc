//! Drift of the leaf certificate (rotated, and whether to a weaker one), the chain, trust and
//! the host-name match.

use serde_json::{json, Value};

use super::compare::which;
use super::snapshot::{Certificate, Key, TargetSnapshot};
use super::{Area, Change, Effect, Movement};

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

pub(super) fn certificate(old: &TargetSnapshot, new: &TargetSnapshot, changes: &mut Vec<Change>) {
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

pub(super) fn chain(old: &TargetSnapshot, new: &TargetSnapshot, changes: &mut Vec<Change>) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_times_tlscheck_writes() {
        assert_eq!(unix_time("2027-01-15T08:00:00Z"), Some(1_800_000_000));
        assert_eq!(unix_time("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(unix_time("2027-01-15 08:00:00"), None);
        assert_eq!(unix_time("2027-13-15T08:00:00Z"), None);
    }
}
