//! What could not be measured: a probe that got no answer (timeout, reset, size limit, time
//! budget) leaves its facts unknown. Nothing else may read that as absence; this finding says
//! what is unknown and why.

use super::catalog::{FindingId, Subject};
use super::{describe, protocol, Finding};
use crate::facts::{ErrorKind, HostFacts, Outcome, ProbeError, ProtocolVersion, Support};

/// A failure that is not the server's answer, so the fact behind it is unknown.
fn unknown(error: &ProbeError) -> bool {
    !(error.is_answer() || error.kind == ErrorKind::Protocol)
}

pub fn findings(facts: &HostFacts, name: &str) -> Vec<Finding> {
    let mut unknowns: Vec<String> = Vec::new();
    if let Outcome::Failed(error) = &facts.connection {
        if unknown(error) {
            unknowns.push(format!("TLS handshake: {}", describe::error(error)));
        }
    }
    if let Outcome::Failed(error) = &facts.https {
        if unknown(error) {
            unknowns.push(format!("HTTPS response (HSTS): {}", describe::error(error)));
        }
    }
    match &facts.enumeration {
        Outcome::Failed(error) => {
            unknowns.push(format!("protocols and suites: {}", describe::error(error)))
        }
        Outcome::Ok(enumeration) => {
            for version in ProtocolVersion::ALL {
                if let Some(Support::Unknown(error)) = protocol::support(facts, version) {
                    unknowns.push(format!("{version}: {}", describe::error(&error)));
                }
            }
            for suites in &enumeration.cipher_suites {
                if let Some(error) = &suites.incomplete {
                    unknowns.push(format!(
                        "{} suites (the list may be incomplete): {}",
                        suites.version,
                        describe::error(error)
                    ));
                }
            }
        }
        Outcome::Skipped(_) => {}
    }
    if let Outcome::Failed(error) = &facts.redirect {
        if error.kind != ErrorKind::Refused {
            unknowns.push(format!("redirect check: {}", describe::error(error)));
        }
    }
    if unknowns.is_empty() {
        return Vec::new();
    }
    vec![Finding::new(
        FindingId::ScanInconclusive,
        vec![Subject::Scan],
        unknowns.join("; "),
        name,
    )]
}
