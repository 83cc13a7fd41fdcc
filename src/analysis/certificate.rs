//! Certificate and chain findings: expiry, names, trust, keys, signatures, order, completeness.

use crate::facts::{CertificateFacts, ChainFacts, Finding, Fix, KeyFacts, Severity};
use crate::remediation::certificate::*;
use crate::x509::hostname::normalise_dns_name;

/// When a certificate's remaining lifetime becomes a finding: at most `crit_days` days left is
/// high, at most `warn_days` is medium (`--crit-days`, `--warn-days`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExpiryThresholds {
    pub warn_days: i64,
    pub crit_days: i64,
}

impl Default for ExpiryThresholds {
    fn default() -> Self {
        ExpiryThresholds {
            warn_days: 30,
            crit_days: 7,
        }
    }
}

/// Certificate and chain findings.
pub fn findings(chain: &ChainFacts, thresholds: ExpiryThresholds) -> Vec<Finding> {
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

    let expired: Vec<String> = checked
        .iter()
        .filter(|(_, cert)| cert.expired)
        .map(|(index, cert)| {
            format!(
                "{} expired on {} ({} days ago)",
                describe(*index, cert),
                cert.not_after,
                -cert.days_left
            )
        })
        .collect();
    if !expired.is_empty() {
        found.push(finding(
            "cert.expired",
            Severity::Critical,
            title_for(
                &checked,
                |cert| cert.expired,
                ("has expired", "have expired"),
            ),
            expired,
            renew_fix(),
        ));
    }

    let mut soon_severity = None;
    let mut soon = Vec::new();
    for (index, cert) in &checked {
        if cert.expired || cert.not_yet_valid || cert.days_left > thresholds.warn_days {
            continue;
        }
        let severity = if cert.days_left <= thresholds.crit_days {
            Severity::High
        } else {
            Severity::Medium
        };
        soon_severity = soon_severity.max(Some(severity));
        soon.push(format!(
            "{} expires on {}, in {} days (high at <= {} days, medium at <= {})",
            describe(*index, cert),
            cert.not_after,
            cert.days_left,
            thresholds.crit_days,
            thresholds.warn_days
        ));
    }
    if let Some(severity) = soon_severity {
        found.push(finding(
            "cert.expires-soon",
            severity,
            title_for(
                &checked,
                |cert| {
                    !cert.expired && !cert.not_yet_valid && cert.days_left <= thresholds.warn_days
                },
                ("expires soon", "expire soon"),
            ),
            soon,
            renew_soon_fix(),
        ));
    }

    let not_yet_valid: Vec<String> = checked
        .iter()
        .filter(|(_, cert)| cert.not_yet_valid)
        .map(|(index, cert)| {
            format!(
                "{} is valid only from {}",
                describe(*index, cert),
                cert.not_before
            )
        })
        .collect();
    if !not_yet_valid.is_empty() {
        found.push(finding(
            "cert.not-yet-valid",
            Severity::Critical,
            title_for(
                &checked,
                |cert| cert.not_yet_valid,
                ("is not yet valid", "are not yet valid"),
            ),
            not_yet_valid,
            not_yet_valid_fix(),
        ));
    }

    if !chain.hostname.matches {
        found.push(hostname_mismatch(chain, leaf));
    }

    if leaf.self_signed {
        let (severity, title, note) = if chain.trust.trusted {
            (
                Severity::Low,
                "The certificate is self-signed (trusted only through the configured roots)",
                format!(
                    "trusted by the configured store ({}), but by no public trust store",
                    chain.trust.store
                ),
            )
        } else {
            (
                Severity::High,
                "The certificate is self-signed and not trusted",
                format!(
                    "not trusted by {}{}",
                    chain.trust.store,
                    chain
                        .trust
                        .error
                        .as_deref()
                        .map(|error| format!(": {error}"))
                        .unwrap_or_default()
                ),
            )
        };
        found.push(finding(
            "cert.self-signed",
            severity,
            title.to_string(),
            vec![
                format!(
                    "leaf \"{}\" is issued by itself and signed with its own key",
                    leaf.subject
                ),
                note,
            ],
            self_signed_fix(&chain.hostname.name),
        ));
    } else if !chain.trust.trusted {
        let mut evidence = vec![format!(
            "{} rejected the chain: {}",
            chain.trust.store,
            chain.trust.error.as_deref().unwrap_or("no reason given")
        )];
        evidence.push(format!("leaf is issued by \"{}\"", leaf.issuer));
        found.push(finding(
            "cert.untrusted",
            Severity::High,
            "The certificate chain is not trusted".to_string(),
            evidence,
            untrusted_fix(),
        ));
    }

    let weak: Vec<String> = chain
        .certificates
        .iter()
        .enumerate()
        .filter_map(|(index, cert)| {
            weak_key_reason(&cert.key).map(|reason| format!("{}: {reason}", describe(index, cert)))
        })
        .collect();
    if !weak.is_empty() {
        found.push(finding(
            "cert.weak-key",
            Severity::High,
            "A certificate in the chain has a weak key".to_string(),
            weak,
            weak_key_fix(),
        ));
    }

    for (id, hash, severity) in [
        ("cert.md5-signature", "MD5", Severity::Critical),
        ("cert.sha1-signature", "SHA-1", Severity::High),
    ] {
        // A self-signed certificate's own signature protects nothing (a client trusts it as it
        // is), so only certificates signed by another key count, the leaf included.
        let signed: Vec<String> = checked
            .iter()
            .filter(|(_, cert)| !cert.self_signed && cert.signature_hash.as_deref() == Some(hash))
            .map(|(index, cert)| {
                format!(
                    "{} is signed with {}",
                    describe(*index, cert),
                    cert.signature_algorithm
                )
            })
            .collect();
        if !signed.is_empty() {
            found.push(finding(
                id,
                severity,
                format!("A certificate in the chain is signed with {hash}"),
                signed,
                weak_signature_fix(hash),
            ));
        }
    }

    if chain.incomplete {
        let mut evidence = vec![format!(
            "the chain from the leaf ends at a certificate issued by \"{}\", which the server did not send and {} does not contain",
            chain.missing_issuer.as_deref().unwrap_or("an unknown issuer"),
            chain.trust.store
        )];
        evidence.push(format!(
            "sent: {}",
            sent_order(&chain.certificates).join(", ")
        ));
        if !chain.order_correct {
            evidence.push("the certificates sent are also not in issuing order".to_string());
        }
        found.push(finding(
            "chain.incomplete",
            Severity::High,
            "The server does not send the intermediate certificates".to_string(),
            evidence,
            full_chain_fix(),
        ));
    } else if !chain.order_correct {
        found.push(finding(
            "chain.order",
            Severity::Low,
            "The certificate chain is not in issuing order".to_string(),
            vec![format!(
                "sent: {}",
                sent_order(&chain.certificates).join(", ")
            )],
            chain_order_fix(),
        ));
    }

    found
}

fn describe(index: usize, cert: &CertificateFacts) -> String {
    let role = if index == 0 {
        "leaf"
    } else if cert.self_signed {
        "root"
    } else {
        "intermediate"
    };
    format!("{role} \"{}\"", cert.subject)
}

/// "The leaf certificate has expired", "An intermediate certificate has expired", or both.
fn title_for(
    checked: &[(usize, &CertificateFacts)],
    affected: impl Fn(&CertificateFacts) -> bool,
    (singular, plural): (&str, &str),
) -> String {
    let leaf = checked
        .iter()
        .any(|(index, cert)| *index == 0 && affected(cert));
    let other = checked
        .iter()
        .any(|(index, cert)| *index != 0 && affected(cert));
    match (leaf, other) {
        (true, true) => format!("The leaf and intermediate certificates {plural}"),
        (true, false) => format!("The leaf certificate {singular}"),
        _ => format!("An intermediate certificate {singular}"),
    }
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

fn weak_key_reason(key: &KeyFacts) -> Option<String> {
    match key.algorithm.as_str() {
        "RSA" if key.bits < 2048 => Some(format!("RSA {} bits (minimum 2048)", key.bits)),
        "EC" if key.bits < 256 => Some(format!(
            "EC {} bits{} (minimum 256)",
            key.bits,
            key.curve
                .as_deref()
                .map(|curve| format!(" ({curve})"))
                .unwrap_or_default()
        )),
        "DSA" => Some(format!(
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
    finding(
        "cert.hostname-mismatch",
        Severity::Critical,
        format!("The certificate is not valid for \"{name}\""),
        evidence,
        Fix {
            nginx: format!(
                "Serve a certificate whose subjectAltName lists {name}: in the `server` block whose \
                 `server_name` includes {name}, point `ssl_certificate` at it (e.g. issue one with \
                 `certbot --nginx -d {name}`), then `nginx -t && nginx -s reload`."
            ),
            apache: format!(
                "In the `<VirtualHost *:443>` with `ServerName {name}` (or `ServerAlias {name}`), set \
                 `SSLCertificateFile` to a certificate whose subjectAltName lists {name} (e.g. \
                 `certbot --apache -d {name}`), then `apachectl graceful`."
            ),
            python: format!(
                "Load a certificate whose subjectAltName lists {name} (a self-made one needs \
                 `openssl req ... -addext 'subjectAltName=DNS:{name}'`): \
                 `context.load_cert_chain('fullchain.pem', 'server.key')`, or Flask \
                 `app.run(ssl_context=('fullchain.pem', 'server.key'))`; for several names pick a \
                 context per name in `context.sni_callback`."
            ),
        },
    )
}

fn finding(
    id: &str,
    severity: Severity,
    title: String,
    evidence: Vec<String>,
    fix: Fix,
) -> Finding {
    Finding {
        id: id.to_string(),
        severity,
        title,
        evidence: evidence.join("; "),
        fix,
    }
}
