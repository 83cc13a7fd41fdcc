//! Certificate and chain findings: expiry, names, trust, keys, signatures, order, completeness.

use super::catalog::{CertificatePart, FindingId, Severity, Subject};
use super::describe;
use super::{ExpiryThresholds, Finding};
use crate::facts::time::{lifetime_days, rfc3339};
use crate::facts::{CertificateFacts, ChainFacts, HashAlgorithm, KeyAlgorithm, KeyFacts};
use crate::x509::hostname::normalise_dns_name;

/// The share of a certificate's lifetime (notBefore to notAfter) left at `at`, in whole percent
/// rounded down: 0 once expired, above 100 before it is valid. What the short-lived expiry
/// thresholds (`ExpiryThresholds::warn_percent`, `crit_percent`) are compared with.
pub fn percent_of_lifetime_left(cert: &CertificateFacts, at: i64) -> i64 {
    let total = (cert.not_after - cert.not_before).max(1);
    let left = (cert.not_after - at).max(0);
    left.saturating_mul(100) / total
}

/// Certificate and chain findings.
pub fn findings(chain: &ChainFacts, thresholds: ExpiryThresholds) -> Vec<Finding> {
    let name = chain.hostname.name.as_str();
    if let Some(reason) = &chain.unparsable {
        return vec![Finding::new(
            FindingId::CertUnparsable,
            vec![Subject::Certificate {
                index: 0,
                part: CertificatePart::Whole,
            }],
            reason.clone(),
            name,
        )];
    }
    let Some(leaf) = chain.certificates.first() else {
        return Vec::new();
    };
    let mut found = Vec::new();
    // The leaf and every certificate that is not a self-signed root: a root's validity and
    // signature are the trust store's business, not the server's.
    let checked: Vec<(usize, &CertificateFacts)> = chain
        .certificates
        .iter()
        .enumerate()
        .filter(|(index, cert)| *index == 0 || !cert.self_signed)
        .collect();
    let validity = |index: usize| Subject::Certificate {
        index,
        part: CertificatePart::Validity,
    };

    let expired: Vec<&(usize, &CertificateFacts)> =
        checked.iter().filter(|(_, cert)| cert.expired).collect();
    if !expired.is_empty() {
        found.push(Finding::new(
            FindingId::CertExpired,
            expired.iter().map(|(index, _)| validity(*index)).collect(),
            expired
                .iter()
                .map(|(index, cert)| {
                    format!(
                        "{} expired on {} ({} days ago)",
                        role(*index, cert),
                        rfc3339(cert.not_after),
                        -cert.days_left
                    )
                })
                .collect::<Vec<_>>()
                .join("; "),
            name,
        ));
    }

    // Expiring soon: by days, or for a short-lived certificate by the share of its lifetime left.
    let mut soon: Vec<(usize, String, bool)> = Vec::new();
    for (index, cert) in &checked {
        if cert.expired || cert.not_yet_valid {
            continue;
        }
        let lifetime = lifetime_days(cert.not_before, cert.not_after);
        if thresholds.by_share(lifetime) {
            let percent = percent_of_lifetime_left(cert, chain.checked_at);
            if percent <= thresholds.warn_percent {
                soon.push((
                    *index,
                    format!(
                        "{} expires on {}, with {percent}% of its {lifetime}-day lifetime left (short-lived: high at <= {}%, medium at <= {}%)",
                        role(*index, cert),
                        rfc3339(cert.not_after),
                        thresholds.crit_percent,
                        thresholds.warn_percent
                    ),
                    percent <= thresholds.crit_percent,
                ));
            }
        } else if cert.days_left <= thresholds.warn_days {
            soon.push((
                *index,
                format!(
                    "{} expires on {}, in {} days (high at <= {} days, medium at <= {})",
                    role(*index, cert),
                    rfc3339(cert.not_after),
                    cert.days_left,
                    thresholds.crit_days,
                    thresholds.warn_days
                ),
                cert.days_left <= thresholds.crit_days,
            ));
        }
    }
    if !soon.is_empty() {
        let critical = soon.iter().any(|(_, _, critical)| *critical);
        found.push(
            Finding::new(
                FindingId::CertExpiresSoon,
                soon.iter().map(|(index, _, _)| validity(*index)).collect(),
                soon.iter()
                    .map(|(_, text, _)| text.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
                name,
            )
            .at(if critical {
                Severity::High
            } else {
                Severity::Medium
            }),
        );
    }

    // The CA/Browser Forum's maximum validity (ballot SC-081), for publicly trusted chains.
    if chain.trust.publicly_trusted {
        let lifetime = lifetime_days(leaf.not_before, leaf.not_after);
        let maximum = cab_maximum_days(leaf.not_before);
        if lifetime > maximum {
            found.push(Finding::new(
                FindingId::CertLifetimeTooLong,
                vec![validity(0)],
                format!(
                    "the leaf, issued {}, is valid for {lifetime} days; the CA/Browser Forum allows {maximum} days for certificates issued then",
                    rfc3339(leaf.not_before)
                ),
                name,
            ));
        }
        // Short-lived certificates (7 days or less) need no revocation information.
        if lifetime > SHORT_LIVED_DAYS && leaf.ocsp_urls.is_empty() && leaf.crl_urls.is_empty() {
            found.push(Finding::new(
                FindingId::CertNoRevocationInfo,
                vec![Subject::Certificate {
                    index: 0,
                    part: CertificatePart::Whole,
                }],
                format!(
                    "the leaf is valid for {lifetime} days and names no CRL distribution point and no OCSP responder; only certificates valid for {SHORT_LIVED_DAYS} days or less may go without"
                ),
                name,
            ));
        }
    }

    let not_yet_valid: Vec<&(usize, &CertificateFacts)> = checked
        .iter()
        .filter(|(_, cert)| cert.not_yet_valid)
        .collect();
    if !not_yet_valid.is_empty() {
        found.push(Finding::new(
            FindingId::CertNotYetValid,
            not_yet_valid
                .iter()
                .map(|(index, _)| validity(*index))
                .collect(),
            not_yet_valid
                .iter()
                .map(|(index, cert)| {
                    format!(
                        "{} is valid only from {}",
                        role(*index, cert),
                        rfc3339(cert.not_before)
                    )
                })
                .collect::<Vec<_>>()
                .join("; "),
            name,
        ));
    }

    if !chain.hostname.matches {
        found.push(hostname_mismatch(chain, leaf));
    }

    let trust_reason = chain
        .trust
        .failure
        .as_ref()
        .map(|failure| describe::certificate_failure(failure, Some(chain)));
    if leaf.self_signed {
        let (severity, note) = if chain.trust.trusted {
            (
                Severity::Low,
                format!(
                    "trusted by the configured store ({}), but by no public trust store",
                    chain.trust.store
                ),
            )
        } else {
            (
                Severity::High,
                format!(
                    "not trusted by {}{}",
                    chain.trust.store,
                    trust_reason
                        .as_deref()
                        .map(|reason| format!(": {reason}"))
                        .unwrap_or_default()
                ),
            )
        };
        found.push(
            Finding::new(
                FindingId::CertSelfSigned,
                vec![Subject::Trust],
                format!(
                    "leaf \"{}\" is issued by itself and signed with its own key; {note}",
                    leaf.subject
                ),
                name,
            )
            .at(severity),
        );
    } else if !chain.trust.trusted {
        found.push(Finding::new(
            FindingId::CertUntrusted,
            vec![Subject::Trust],
            format!(
                "{} rejected the chain: {}; leaf is issued by \"{}\"",
                chain.trust.store,
                trust_reason.as_deref().unwrap_or("no reason given"),
                leaf.issuer
            ),
            name,
        ));
    }

    let weak: Vec<(usize, String)> = chain
        .certificates
        .iter()
        .enumerate()
        .filter_map(|(index, cert)| {
            weak_key_reason(&cert.key)
                .map(|reason| (index, format!("{}: {reason}", role(index, cert))))
        })
        .collect();
    if !weak.is_empty() {
        found.push(Finding::new(
            FindingId::CertWeakKey,
            weak.iter()
                .map(|(index, _)| Subject::Certificate {
                    index: *index,
                    part: CertificatePart::Key,
                })
                .collect(),
            weak.into_iter()
                .map(|(_, text)| text)
                .collect::<Vec<_>>()
                .join("; "),
            name,
        ));
    }

    for (id, hash) in [
        (FindingId::CertMd5Signature, HashAlgorithm::Md5),
        (FindingId::CertSha1Signature, HashAlgorithm::Sha1),
    ] {
        // A self-signed certificate's own signature protects nothing (a client trusts it as it
        // is), so only certificates signed by another key count, the leaf included.
        let signed: Vec<&(usize, &CertificateFacts)> = checked
            .iter()
            .filter(|(_, cert)| !cert.self_signed && cert.signature_hash == Some(hash))
            .collect();
        if !signed.is_empty() {
            found.push(Finding::new(
                id,
                signed
                    .iter()
                    .map(|(index, _)| Subject::Certificate {
                        index: *index,
                        part: CertificatePart::Signature,
                    })
                    .collect(),
                signed
                    .iter()
                    .map(|(index, cert)| {
                        format!(
                            "{} is signed with {}",
                            role(*index, cert),
                            cert.signature_algorithm
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
                name,
            ));
        }
    }

    if chain.incomplete {
        let mut evidence = vec![
            format!(
                "the chain from the leaf ends at a certificate issued by \"{}\", which the server did not send and {} does not contain",
                chain.missing_issuer.as_deref().unwrap_or("an unknown issuer"),
                chain.trust.store
            ),
            format!("sent: {}", sent_order(&chain.certificates).join(", ")),
        ];
        if !chain.order_correct {
            evidence.push("the certificates sent are also not in issuing order".to_string());
        }
        found.push(Finding::new(
            FindingId::ChainIncomplete,
            vec![Subject::ChainCompleteness],
            evidence.join("; "),
            name,
        ));
    } else if !chain.order_correct {
        found.push(Finding::new(
            FindingId::ChainOrder,
            vec![Subject::ChainOrder],
            format!("sent: {}", sent_order(&chain.certificates).join(", ")),
            name,
        ));
    }

    found
}

/// The longest validity the CA/Browser Forum allows for a certificate issued at `not_before`
/// (Baseline Requirements 6.3.2 as ballot SC-081 amended it).
pub fn cab_maximum_days(not_before: i64) -> i64 {
    const FROM_2026_03_15: i64 = 1_773_532_800;
    const FROM_2027_03_15: i64 = 1_805_068_800;
    const FROM_2029_03_15: i64 = 1_868_227_200;
    match not_before {
        t if t < FROM_2026_03_15 => 398,
        t if t < FROM_2027_03_15 => 200,
        t if t < FROM_2029_03_15 => 100,
        _ => 47,
    }
}

/// `leaf "CN=..."`, `intermediate "..."` or `root "..."`.
fn role(index: usize, cert: &CertificateFacts) -> String {
    format!("{} \"{}\"", cert.role(index), cert.subject)
}

fn sent_order(certificates: &[CertificateFacts]) -> Vec<String> {
    certificates
        .iter()
        .enumerate()
        .map(|(index, cert)| {
            format!(
                "#{} \"{}\" (issued by \"{}\")",
                index + 1,
                cert.subject,
                cert.issuer
            )
        })
        .collect()
}

/// RSA keys under this many bits are weak (NIST SP 800-131A).
pub const RSA_MIN_BITS: u32 = 2048;
/// Certificates valid this many days or fewer are short-lived: under the Baseline Requirements
/// they need no revocation information (no CRL, no OCSP, so nothing to staple).
pub const SHORT_LIVED_DAYS: i64 = 7;
/// EC keys under this many bits are weak.
pub const EC_MIN_BITS: u32 = 256;

fn weak_key_reason(key: &KeyFacts) -> Option<String> {
    match key.algorithm {
        KeyAlgorithm::Rsa if key.bits < RSA_MIN_BITS => {
            Some(format!("RSA {} bits (minimum {RSA_MIN_BITS})", key.bits))
        }
        KeyAlgorithm::Ec if key.bits < EC_MIN_BITS => Some(format!(
            "EC {} bits{} (minimum {EC_MIN_BITS})",
            key.bits,
            key.curve
                .as_deref()
                .map(|curve| format!(" ({curve})"))
                .unwrap_or_default()
        )),
        KeyAlgorithm::Dsa => Some(format!(
            "DSA {} bits (DSA is no longer accepted for TLS certificates)",
            key.bits
        )),
        _ => None,
    }
}

fn hostname_mismatch(chain: &ChainFacts, leaf: &CertificateFacts) -> Finding {
    let name = &chain.hostname.name;
    let mut evidence = vec![format!("checked \"{name}\"")];
    if chain.hostname.covered.is_empty() {
        evidence.push("the certificate has no DNS or IP subjectAltName".to_string());
    } else {
        evidence.push(format!(
            "the certificate covers: {}",
            chain.hostname.covered.join(", ")
        ));
    }
    if let Some(common_name) = &leaf.common_name {
        let note = if normalise_dns_name(common_name) == normalise_dns_name(name) {
            "the name appears only in the subject CN, which clients ignore since RFC 6125 (Chrome 58+)"
        } else {
            "the subject CN is not used for matching"
        };
        evidence.push(format!("CN=\"{common_name}\": {note}"));
    }
    Finding::new(
        FindingId::CertHostnameMismatch,
        vec![Subject::Hostname],
        evidence.join("; "),
        name,
    )
}
