//! The chain as the server presented it: issuing order, and whether a path leads from the leaf
//! to a trust anchor through the certificates sent (a missing intermediate otherwise). Names are
//! compared as DER bytes, as webpki does, not with RFC 5280's case-folding rules.

use x509_parser::asn1_rs::{Any, FromDer, Tag};
use x509_parser::certificate::X509Certificate;

use super::hostname::hostname_matches;
use super::parse::{certificate_facts, parse_x509, CertificateError};
use crate::facts::{CertificateFacts, ChainFacts, HostnameFacts, TrustFacts};

/// Analyse the chain as the server presented it (leaf first).
///
/// `anchor_subjects` holds the `subject` of each `rustls_pki_types::TrustAnchor` in the store in
/// use. webpki stores that Name without its outer SEQUENCE tag and length (it starts with the
/// first RDN's SET, `0x31`); a subject given with the SEQUENCE is accepted too.
pub fn analyse_chain(
    presented: &[Vec<u8>],
    anchor_subjects: &[&[u8]],
    trust: TrustFacts,
    hostname: &str,
    now: i64,
) -> Result<ChainFacts, CertificateError> {
    let parsed = presented
        .iter()
        .enumerate()
        .map(|(index, der)| {
            parse_x509(der).map_err(|cause| CertificateError::InChain {
                position: index + 1,
                cause: Box::new(cause),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;

    let order_correct = parsed
        .iter()
        .zip(parsed.iter().skip(1))
        .all(|(cert, next)| cert.issuer().as_raw() == next.subject().as_raw());
    let mut visited = vec![false; parsed.len()];
    let missing_issuer = match path_to_trust(&parsed, anchor_subjects, 0, &mut visited) {
        Ok(()) => None,
        Err(dead_end) => parsed.get(dead_end).map(|cert| cert.issuer().to_string()),
    };

    let certificates: Vec<CertificateFacts> = parsed
        .iter()
        .zip(presented)
        .map(|(cert, der)| certificate_facts(cert, der, now))
        .collect();
    let leaf_facts = certificates.first().ok_or(CertificateError::EmptyChain)?;
    let hostname = HostnameFacts {
        name: hostname.to_string(),
        matches: hostname_matches(hostname, &leaf_facts.dns_names, &leaf_facts.ip_addresses),
        covered: leaf_facts
            .dns_names
            .iter()
            .chain(&leaf_facts.ip_addresses)
            .cloned()
            .collect(),
    };
    Ok(ChainFacts {
        certificates,
        unparsable: None,
        order_correct,
        incomplete: missing_issuer.is_some(),
        missing_issuer,
        trust,
        hostname,
        checked_at: now,
    })
}

/// Walks from `index` towards a trust anchor through the presented certificates. `Ok` when some
/// path ends at a self-issued certificate or at one whose issuer is an anchor; otherwise the index
/// of the first certificate whose issuer could not be found.
fn path_to_trust(
    chain: &[X509Certificate<'_>],
    anchor_subjects: &[&[u8]],
    index: usize,
    visited: &mut [bool],
) -> Result<(), usize> {
    let Some(cert) = chain.get(index) else {
        return Err(index);
    };
    let issuer = cert.issuer().as_raw();
    if issuer == cert.subject().as_raw() || is_anchor_subject(issuer, anchor_subjects) {
        return Ok(());
    }
    if let Some(seen) = visited.get_mut(index) {
        *seen = true;
    }
    let mut dead_end = None;
    for (candidate, issuing) in chain.iter().enumerate() {
        if visited.get(candidate).copied().unwrap_or(true) || issuing.subject().as_raw() != issuer {
            continue;
        }
        match path_to_trust(chain, anchor_subjects, candidate, visited) {
            Ok(()) => return Ok(()),
            Err(end) => {
                dead_end.get_or_insert(end);
            }
        }
    }
    Err(dead_end.unwrap_or(index))
}

/// `name` is a DER Name with its SEQUENCE header; webpki anchors store only its contents.
/// Whether a certificate the server presented is issued by (or is itself) one of the given
/// anchors: the chain ends at a configured (`--ca-file`) root rather than a public one.
pub fn reaches_anchor(presented: &[Vec<u8>], anchor_subjects: &[&[u8]]) -> bool {
    if anchor_subjects.is_empty() {
        return false;
    }
    presented.iter().any(|der| {
        parse_x509(der).is_ok_and(|cert| {
            is_anchor_subject(cert.issuer().as_raw(), anchor_subjects)
                || is_anchor_subject(cert.subject().as_raw(), anchor_subjects)
        })
    })
}

fn is_anchor_subject(name: &[u8], anchor_subjects: &[&[u8]]) -> bool {
    let contents = match Any::from_der(name) {
        Ok((rest, any)) if rest.is_empty() && any.tag() == Tag::Sequence => any.data,
        _ => return false,
    };
    anchor_subjects
        .iter()
        .any(|anchor| *anchor == contents || *anchor == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchor_subject_matches_name_contents_not_the_sequence() {
        // SEQUENCE { SET { SEQUENCE { OID 2.5.4.3, PrintableString "A" } } }
        let name = [
            0x30, 0x0c, 0x31, 0x0a, 0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x03, 0x13, 0x01, b'A',
        ];
        let contents: &[u8] = &name[2..];
        assert!(is_anchor_subject(&name, &[contents]));
        assert!(!is_anchor_subject(&name, &[&name[4..]]));
        assert!(!is_anchor_subject(&name[..10], &[contents]));
    }

    #[test]
    fn rejects_an_empty_chain() {
        let trust = TrustFacts {
            trusted: false,
            store: "webpki-roots".to_string(),
            failure: None,
            publicly_trusted: false,
        };
        assert_eq!(
            analyse_chain(&[], &[], trust, "example.com", 0),
            Err(CertificateError::EmptyChain)
        );
    }
}
