//! Connection findings: a handshake a modern client cannot complete, and a handshake signature
//! rustls cannot verify.

use super::catalog::{FindingId, Subject};
use super::{client_auth, describe, Finding};
use crate::facts::{ErrorKind, HostFacts, KeyAlgorithm, Outcome};

/// The handshake failed on a definite answer from the server that client certificates do not
/// explain: `tls.handshake-failed` is raised.
pub fn handshake_failed(facts: &HostFacts) -> bool {
    match &facts.connection {
        // A refusal over client certificates explains the failure; it has its own finding.
        // A failure that is not the server's answer (timeout, reset, limit) is inconclusive.
        // A refusal is an alert, a close before any ServerHello, or a ServerHello choosing what
        // a modern client does not do; a malformed reply, a close after the ServerHello or a
        // reply that is not TLS is no configuration a fix could name.
        Outcome::Failed(error) => {
            let refusal = match error.kind {
                ErrorKind::Alert(_) | ErrorKind::Protocol => true,
                ErrorKind::Closed => !error.after_server_hello(),
                _ => false,
            };
            refusal && !client_auth::explains_refusal(facts)
        }
        _ => false,
    }
}

pub fn findings(facts: &HostFacts, name: &str) -> Vec<Finding> {
    let mut found = Vec::new();
    match &facts.connection {
        Outcome::Failed(error) => {
            if handshake_failed(facts) {
                let meaning = match error.kind {
                    ErrorKind::Alert(70) => {
                        ": it does not accept TLS 1.2 or 1.3 (it may speak only TLS 1.0/1.1 or SSL)"
                    }
                    ErrorKind::Alert(40 | 71) => {
                        ": no cipher suite or key-exchange group in common with a modern client (it may allow only legacy suites)"
                    }
                    _ => "",
                };
                found.push(Finding::new(
                    FindingId::HandshakeFailed,
                    vec![Subject::Connection],
                    format!("{}{meaning}", describe::error(error)),
                    name,
                ));
            }
        }
        Outcome::Ok(connection) => {
            let weak_rsa_leaf = facts
                .chain
                .as_ref()
                .and_then(|chain| chain.certificates.first())
                .is_some_and(|leaf| {
                    leaf.key.algorithm == KeyAlgorithm::Rsa
                        && leaf.key.bits < describe::WEBPKI_RSA_MIN_BITS
                });
            if let (Some(failure), false) = (&connection.signature_failure, weak_rsa_leaf) {
                found.push(Finding::new(
                    FindingId::SignatureUnverifiable,
                    vec![Subject::Connection],
                    describe::signature_failure(failure, facts.chain.as_ref()),
                    name,
                ));
            }
        }
        Outcome::Skipped(_) => {}
    }
    found
}
