//! Client-certificate (mutual TLS) findings.

use super::catalog::{FindingId, Subject};
use super::{describe, Finding};
use crate::facts::HostFacts;

/// The server refused us over client certificates: that, not a cipher problem, is why the
/// handshake failed.
pub fn explains_refusal(facts: &HostFacts) -> bool {
    facts.client_auth.as_ref().is_some_and(|auth| {
        (auth.requested && !auth.presented && auth.required == Some(true))
            || auth.accepted == Some(false)
    })
}

pub fn findings(facts: &HostFacts, name: &str) -> Vec<Finding> {
    let Some(auth) = &facts.client_auth else {
        return Vec::new();
    };
    let mut found = Vec::new();
    let refusal = auth.refusal.map(describe::refusal);
    if auth.requested && !auth.presented && auth.required == Some(true) {
        found.push(Finding::new(
            FindingId::ClientAuthRequired,
            vec![Subject::ClientAuth],
            format!(
                "connection refused without a client certificate{}; pass --client-cert and --client-key to scan past it",
                refusal.as_deref().map(|a| format!(" (alert {a})")).unwrap_or_default()
            ),
            name,
        ));
    }
    if auth.accepted == Some(false) {
        found.push(Finding::new(
            FindingId::ClientAuthRejected,
            vec![Subject::ClientAuth],
            format!(
                "server asked for a certificate from {}; ours was refused{}",
                if auth.ca_names.is_empty() {
                    "any CA".to_string()
                } else {
                    auth.ca_names.join("; ")
                },
                refusal
                    .as_deref()
                    .map(|a| format!(" with alert {a}"))
                    .unwrap_or_default()
            ),
            name,
        ));
    }
    found
}
