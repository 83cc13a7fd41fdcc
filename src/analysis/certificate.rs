//! Certificate facts (x509-parser) and certificate/chain findings.
//!
//! Pure code: [`parse_certificate`] turns one DER certificate into [`CertificateFacts`],
//! [`analyse_chain`] looks at the chain as the server presented it (order, missing intermediates,
//! hostname) and [`findings`] turns the result into [`Finding`]s with fixes. Trust itself is decided
//! elsewhere (rustls' WebPki verifier) and only passed through.
//!
//! Two deliberate limits:
//!
//! - `self_signed` needs the certificate's signature to verify with its own key. x509-parser's
//!   verifier (aws-lc-rs, `verify-aws`) cannot check every algorithm: not MD5, DSA, Ed448, P-521 or ECDSA with SHA-512,
//!   and not SHA-2 RSA signatures from keys under 2048 bits. For those, a certificate counts as
//!   self-signed when its issuer equals its subject and its authority key identifier (if any) equals
//!   its subject key identifier (if any).
//! - Names are compared as DER bytes, as webpki does, not with RFC 5280's case-folding rules.

use std::net::IpAddr;

use sha2::{Digest, Sha256};
use x509_parser::asn1_rs::{Any, FromDer, Integer, Tag};
use x509_parser::certificate::X509Certificate;
use x509_parser::error::X509Error;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::oid_registry::{
    OID_CT_LIST_SCT, OID_PKIX_ACCESS_DESCRIPTOR_CA_ISSUERS, OID_PKIX_ACCESS_DESCRIPTOR_OCSP,
};
use x509_parser::public_key::RSAPublicKey;
use x509_parser::signature_algorithm::RsaSsaPssParams;
use x509_parser::x509::{AlgorithmIdentifier, SubjectPublicKeyInfo};

use crate::model::{
    CertificateFacts, ChainFacts, Finding, Fix, HostnameFacts, KeyFacts, Severity, TrustFacts,
};

/// Why a certificate or chain could not be analysed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CertificateError {
    #[error("certificate is not valid DER X.509: {reason}")]
    Malformed { reason: String },
    #[error("certificate has {count} unexpected bytes after its DER encoding")]
    TrailingBytes { count: usize },
    #[error("the server presented no certificates")]
    EmptyChain,
    #[error("certificate {position} of the presented chain (1 is the leaf): {cause}")]
    InChain {
        position: usize,
        cause: Box<CertificateError>,
    },
}

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

const SECONDS_PER_DAY: i64 = 86_400;
const OID_RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";
const OID_RSASSA_PSS: &str = "1.2.840.113549.1.1.10";
const OID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
const OID_ED25519: &str = "1.3.101.112";
const OID_ED448: &str = "1.3.101.113";
const OID_DSA: &str = "1.2.840.10040.4.1";
/// TLS feature extension (RFC 7633); `status_request` (5) in it means "must staple".
const OID_TLS_FEATURE: &str = "1.3.6.1.5.5.7.1.24";
const TLS_FEATURE_STATUS_REQUEST: u32 = 5;

/// Parse one DER certificate. `now` is Unix seconds (scan time) for days_left/expired/not_yet_valid.
pub fn parse_certificate(der: &[u8], now: i64) -> Result<CertificateFacts, CertificateError> {
    let cert = parse_x509(der)?;
    Ok(certificate_facts(&cert, der, now))
}

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
        order_correct,
        incomplete: missing_issuer.is_some(),
        missing_issuer,
        trust,
        hostname,
    })
}

/// Hostname check per RFC 6125 / CA/B: DNS SANs only (no CN fallback), wildcard only as the whole
/// left-most label and matching exactly one label, case-insensitive, trailing dot ignored; IP literal
/// (v4 or v6) matches only IP SANs.
pub fn hostname_matches(name: &str, dns_names: &[String], ip_addresses: &[String]) -> bool {
    let literal = name
        .strip_prefix('[')
        .and_then(|inner| inner.strip_suffix(']'))
        .unwrap_or(name);
    if let Ok(ip) = literal.parse::<IpAddr>() {
        return ip_addresses
            .iter()
            .any(|san| san.parse::<IpAddr>() == Ok(ip));
    }
    let name = normalise_dns_name(name);
    if name.is_empty() || name.contains('*') {
        return false;
    }
    dns_names
        .iter()
        .any(|san| dns_name_matches(&name, &normalise_dns_name(san)))
}

fn normalise_dns_name(name: &str) -> String {
    name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase()
}

/// `name` and `pattern` are normalised (lower case, no trailing dot).
fn dns_name_matches(name: &str, pattern: &str) -> bool {
    match pattern.strip_prefix("*.") {
        // The wildcard must stand for exactly one non-empty label, and must not sit directly on a
        // single label (`*.com`).
        Some(parent) => {
            !parent.contains('*')
                && parent.contains('.')
                && name
                    .split_once('.')
                    .is_some_and(|(label, rest)| !label.is_empty() && rest == parent)
        }
        None => !pattern.contains('*') && !pattern.is_empty() && name == pattern,
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

fn parse_x509(der: &[u8]) -> Result<X509Certificate<'_>, CertificateError> {
    let (rest, cert) = X509Certificate::from_der(der).map_err(|error| {
        let reason = match error {
            x509_parser::nom::Err::Incomplete(_) => "truncated input".to_string(),
            x509_parser::nom::Err::Error(error) | x509_parser::nom::Err::Failure(error) => {
                error.to_string()
            }
        };
        CertificateError::Malformed { reason }
    })?;
    if !rest.is_empty() {
        return Err(CertificateError::TrailingBytes { count: rest.len() });
    }
    Ok(cert)
}

fn certificate_facts(cert: &X509Certificate<'_>, der: &[u8], now: i64) -> CertificateFacts {
    let mut dns_names = Vec::new();
    let mut ip_addresses = Vec::new();
    let mut ocsp_urls = Vec::new();
    let mut ca_issuer_urls = Vec::new();
    let mut sct_count = 0;
    let mut must_staple = false;
    for extension in cert.extensions() {
        match extension.parsed_extension() {
            ParsedExtension::SubjectAlternativeName(san) => {
                for name in &san.general_names {
                    match name {
                        GeneralName::DNSName(dns) => dns_names.push(dns.to_string()),
                        GeneralName::IPAddress(bytes) => {
                            if let Some(ip) = ip_from_bytes(bytes) {
                                ip_addresses.push(ip.to_string());
                            }
                        }
                        _ => {}
                    }
                }
            }
            ParsedExtension::AuthorityInfoAccess(aia) => {
                for access in aia.iter() {
                    let GeneralName::URI(uri) = access.access_location else {
                        continue;
                    };
                    if access.access_method == OID_PKIX_ACCESS_DESCRIPTOR_OCSP {
                        ocsp_urls.push(uri.to_string());
                    } else if access.access_method == OID_PKIX_ACCESS_DESCRIPTOR_CA_ISSUERS {
                        ca_issuer_urls.push(uri.to_string());
                    }
                }
            }
            ParsedExtension::SCT(scts) if extension.oid == OID_CT_LIST_SCT => {
                sct_count += scts.len();
            }
            _ if extension.oid.to_id_string() == OID_TLS_FEATURE => {
                must_staple |= tls_features(extension.value).contains(&TLS_FEATURE_STATUS_REQUEST);
            }
            _ => {}
        }
    }

    let validity = cert.validity();
    let not_before = validity.not_before.timestamp();
    let not_after = validity.not_after.timestamp();
    let (signature_algorithm, signature_hash) = signature_names(&cert.signature_algorithm);
    let key = key_facts(cert.public_key());

    CertificateFacts {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        common_name: cert
            .subject()
            .iter_common_name()
            .next()
            .and_then(|cn| cn.as_str().ok())
            .map(str::to_string),
        dns_names,
        ip_addresses,
        serial: serial_hex(cert.raw_serial()),
        not_before: rfc3339(not_before),
        not_after: rfc3339(not_after),
        days_left: (not_after - now).div_euclid(SECONDS_PER_DAY),
        expired: now > not_after,
        not_yet_valid: now < not_before,
        self_signed: is_self_signed(cert, &key),
        key,
        signature_algorithm,
        signature_hash,
        is_ca: cert.is_ca(),
        sha256_fingerprint: colon_hex(&Sha256::digest(cert.as_raw())),
        ocsp_urls,
        ca_issuer_urls,
        sct_count,
        must_staple,
        pem: pem::encode(&pem::Pem::new("CERTIFICATE", der.to_vec())),
    }
}

fn ip_from_bytes(bytes: &[u8]) -> Option<IpAddr> {
    match bytes.len() {
        4 => <[u8; 4]>::try_from(bytes).ok().map(IpAddr::from),
        16 => <[u8; 16]>::try_from(bytes).ok().map(IpAddr::from),
        _ => None,
    }
}

/// The feature numbers in a TLS feature extension (`SEQUENCE OF INTEGER`); empty when malformed.
fn tls_features(value: &[u8]) -> Vec<u32> {
    <Vec<u32>>::from_der(value)
        .map(|(_, features)| features)
        .unwrap_or_default()
}

/// Issuer equals subject and the signature verifies with the certificate's own key; see the module
/// documentation for the algorithms where a key-identifier match stands in for the signature check.
fn is_self_signed(cert: &X509Certificate<'_>, key: &KeyFacts) -> bool {
    if cert.issuer().as_raw() != cert.subject().as_raw() {
        return false;
    }
    match cert.verify_signature(None) {
        Ok(()) => true,
        Err(X509Error::SignatureUnsupportedAlgorithm) => key_identifiers_match(cert),
        // ring refuses SHA-2 RSA signatures from keys outside 2048..=8192 bits (only its SHA-1
        // verifier takes 1024-bit keys), and reports that as a failed verification.
        Err(X509Error::SignatureVerificationError)
            if key.algorithm == "RSA" && !(2048..=8192).contains(&key.bits) =>
        {
            key_identifiers_match(cert)
        }
        Err(_) => false,
    }
}

/// The authority key identifier, when present, equals the subject key identifier, when present.
fn key_identifiers_match(cert: &X509Certificate<'_>) -> bool {
    let mut subject_key = None;
    let mut authority_key = None;
    for extension in cert.extensions() {
        match extension.parsed_extension() {
            ParsedExtension::SubjectKeyIdentifier(id) => subject_key = Some(id.0),
            ParsedExtension::AuthorityKeyIdentifier(aki) => {
                authority_key = aki.key_identifier.as_ref().map(|id| id.0)
            }
            _ => {}
        }
    }
    match (subject_key, authority_key) {
        (Some(subject), Some(authority)) => subject == authority,
        _ => true,
    }
}

fn key_facts(spki: &SubjectPublicKeyInfo<'_>) -> KeyFacts {
    let oid = spki.algorithm.algorithm.to_id_string();
    let key_bytes: &[u8] = &spki.subject_public_key.data;
    let facts = |algorithm: &str, bits: u32, curve: Option<String>| KeyFacts {
        algorithm: algorithm.to_string(),
        bits,
        curve,
    };
    match oid.as_str() {
        OID_RSA_ENCRYPTION | OID_RSASSA_PSS => {
            let bits = RSAPublicKey::from_der(key_bytes)
                .map(|(_, key)| bit_length(key.modulus))
                .unwrap_or(0);
            facts("RSA", bits, None)
        }
        OID_EC_PUBLIC_KEY => {
            let curve_oid = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|parameters| parameters.as_oid().ok())
                .map(|oid| oid.to_id_string());
            match curve_oid.as_deref().and_then(named_curve) {
                Some((name, bits)) => facts("EC", bits, Some(name.to_string())),
                None => {
                    // Unknown curve: half the uncompressed point (0x04 || X || Y) is one coordinate.
                    let bits = key_bytes.len().saturating_sub(1) / 2 * 8;
                    facts("EC", u32::try_from(bits).unwrap_or(0), curve_oid)
                }
            }
        }
        OID_ED25519 => facts("Ed25519", 256, None),
        OID_ED448 => facts("Ed448", 456, None),
        OID_DSA => facts("DSA", dsa_bits(spki), None),
        _ => facts(&oid, 0, None),
    }
}

fn named_curve(oid: &str) -> Option<(&'static str, u32)> {
    Some(match oid {
        "1.2.840.10045.3.1.7" => ("P-256", 256),
        "1.3.132.0.34" => ("P-384", 384),
        "1.3.132.0.35" => ("P-521", 521),
        "1.3.132.0.33" => ("P-224", 224),
        "1.2.840.10045.3.1.1" => ("P-192", 192),
        "1.3.132.0.10" => ("secp256k1", 256),
        "1.3.36.3.3.2.8.1.1.7" => ("brainpoolP256r1", 256),
        "1.3.36.3.3.2.8.1.1.11" => ("brainpoolP384r1", 384),
        "1.3.36.3.3.2.8.1.1.13" => ("brainpoolP512r1", 512),
        _ => return None,
    })
}

/// The size of the prime `p` from the DSA domain parameters (`SEQUENCE { p, q, g }`), or of the
/// public value when the parameters are inherited from the issuer.
fn dsa_bits(spki: &SubjectPublicKeyInfo<'_>) -> u32 {
    let from_parameters = spki
        .algorithm
        .parameters
        .as_ref()
        .filter(|parameters| parameters.tag() == Tag::Sequence)
        .and_then(|parameters| Integer::from_der(parameters.data).ok())
        .map(|(_, p)| bit_length(p.as_ref()));
    from_parameters.unwrap_or_else(|| {
        Integer::from_der(&spki.subject_public_key.data)
            .map(|(_, y)| bit_length(y.as_ref()))
            .unwrap_or(0)
    })
}

/// Number of significant bits in a big-endian unsigned integer (leading zero bytes ignored).
fn bit_length(bytes: &[u8]) -> u32 {
    let start = bytes
        .iter()
        .position(|byte| *byte != 0)
        .unwrap_or(bytes.len());
    let Some((first, rest)) = bytes.get(start..).and_then(<[u8]>::split_first) else {
        return 0;
    };
    let rest_bits = u32::try_from(rest.len()).map_or(u32::MAX, |len| len.saturating_mul(8));
    rest_bits.saturating_add(8 - first.leading_zeros())
}

/// Friendly name of the signature algorithm (OpenSSL's spelling) and the hash it uses.
fn signature_names(algorithm: &AlgorithmIdentifier<'_>) -> (String, Option<String>) {
    let oid = algorithm.algorithm.to_id_string();
    let (name, hash) = match oid.as_str() {
        "1.2.840.113549.1.1.2" => ("md2WithRSAEncryption", "MD2"),
        "1.2.840.113549.1.1.4" => ("md5WithRSAEncryption", "MD5"),
        "1.2.840.113549.1.1.5" | "1.3.14.3.2.29" => ("sha1WithRSAEncryption", "SHA-1"),
        "1.2.840.113549.1.1.14" => ("sha224WithRSAEncryption", "SHA-224"),
        "1.2.840.113549.1.1.11" => ("sha256WithRSAEncryption", "SHA-256"),
        "1.2.840.113549.1.1.12" => ("sha384WithRSAEncryption", "SHA-384"),
        "1.2.840.113549.1.1.13" => ("sha512WithRSAEncryption", "SHA-512"),
        OID_RSASSA_PSS => return ("RSASSA-PSS".to_string(), pss_hash(algorithm)),
        "1.2.840.10045.4.1" => ("ecdsa-with-SHA1", "SHA-1"),
        "1.2.840.10045.4.3.1" => ("ecdsa-with-SHA224", "SHA-224"),
        "1.2.840.10045.4.3.2" => ("ecdsa-with-SHA256", "SHA-256"),
        "1.2.840.10045.4.3.3" => ("ecdsa-with-SHA384", "SHA-384"),
        "1.2.840.10045.4.3.4" => ("ecdsa-with-SHA512", "SHA-512"),
        "1.2.840.10040.4.3" => ("dsa-with-SHA1", "SHA-1"),
        "2.16.840.1.101.3.4.3.1" => ("dsa_with_SHA224", "SHA-224"),
        "2.16.840.1.101.3.4.3.2" => ("dsa_with_SHA256", "SHA-256"),
        OID_ED25519 => return ("ED25519".to_string(), None),
        OID_ED448 => return ("ED448".to_string(), None),
        _ => return (oid, None),
    };
    (name.to_string(), Some(hash.to_string()))
}

/// The hash named in RSASSA-PSS parameters (SHA-1 when they leave it out, per RFC 4055).
fn pss_hash(algorithm: &AlgorithmIdentifier<'_>) -> Option<String> {
    let parameters: &Any<'_> = algorithm.parameters.as_ref()?;
    let parameters = RsaSsaPssParams::try_from(parameters).ok()?;
    let name = match parameters.hash_algorithm_oid().to_id_string().as_str() {
        "1.3.14.3.2.26" => "SHA-1",
        "2.16.840.1.101.3.4.2.4" => "SHA-224",
        "2.16.840.1.101.3.4.2.1" => "SHA-256",
        "2.16.840.1.101.3.4.2.2" => "SHA-384",
        "2.16.840.1.101.3.4.2.3" => "SHA-512",
        _ => return None,
    };
    Some(name.to_string())
}

/// Serial number as colon-separated upper-case hex, without the sign byte DER adds when the top
/// bit is set (so it reads like `openssl x509 -serial`).
fn serial_hex(raw: &[u8]) -> String {
    let unsigned = match raw {
        [0, rest @ ..] if rest.first().is_some_and(|next| next & 0x80 != 0) => rest,
        _ => raw,
    };
    colon_hex(unsigned)
}

fn colon_hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|byte| format!("{byte:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// RFC 3339 in UTC with a `Z`, e.g. `2026-04-01T00:00:00Z`.
fn rfc3339(unix_seconds: i64) -> String {
    let days = unix_seconds.div_euclid(SECONDS_PER_DAY);
    let seconds = unix_seconds.rem_euclid(SECONDS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        seconds / 3600,
        seconds % 3600 / 60,
        seconds % 60
    )
}

/// Proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
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
fn is_anchor_subject(name: &[u8], anchor_subjects: &[&[u8]]) -> bool {
    let contents = match Any::from_der(name) {
        Ok((rest, any)) if rest.is_empty() && any.tag() == Tag::Sequence => any.data,
        _ => return false,
    };
    anchor_subjects
        .iter()
        .any(|anchor| *anchor == contents || *anchor == name)
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

fn full_chain_fix() -> Fix {
    Fix {
        nginx: "Point `ssl_certificate` at the full chain: the leaf first, then each intermediate \
                (`cat server.crt intermediate.crt > fullchain.pem`; with certbot use `fullchain.pem`, \
                not `cert.pem`), then `nginx -t && nginx -s reload`."
            .to_string(),
        apache: "Apache 2.4.8+: append the intermediates to the file named by `SSLCertificateFile` \
                 (leaf first, then intermediates: `cat server.crt intermediate.crt > fullchain.pem`); \
                 before 2.4.8 use `SSLCertificateChainFile intermediate.crt`. Then `apachectl graceful`."
            .to_string(),
        python: "Build fullchain.pem as the leaf followed by the intermediates and load it: \
                 `context.load_cert_chain('fullchain.pem', 'server.key')`, or Flask \
                 `app.run(ssl_context=('fullchain.pem', 'server.key'))`."
            .to_string(),
    }
}

fn chain_order_fix() -> Fix {
    Fix {
        nginx:
            "Rebuild the file named by `ssl_certificate` in issuing order: the leaf first, then \
                the intermediate that signed it, and so on (`cat server.crt intermediate.crt > \
                fullchain.pem`); the root can be left out. Then `nginx -s reload`."
                .to_string(),
        apache:
            "Rebuild the file named by `SSLCertificateFile` (2.4.8+) in issuing order: the leaf \
                 first, then the intermediate that signed it, and so on; the root can be left out. \
                 Then `apachectl graceful`."
                .to_string(),
        python: "Order fullchain.pem leaf first, then each issuer in turn, and load it with \
                 `context.load_cert_chain('fullchain.pem', 'server.key')` (Flask: \
                 `app.run(ssl_context=('fullchain.pem', 'server.key'))`)."
            .to_string(),
    }
}

fn renew_fix() -> Fix {
    Fix {
        nginx: "Renew the certificate (e.g. `certbot renew`) and, if an intermediate expired, put \
                your CA's current intermediate in the chain file; point `ssl_certificate` and \
                `ssl_certificate_key` at the new files and `nginx -s reload` (nginx reads them only \
                at start and reload)."
            .to_string(),
        apache: "Renew the certificate (e.g. `certbot renew`) and, if an intermediate expired, put \
                 your CA's current intermediate in the chain; update `SSLCertificateFile` and \
                 `SSLCertificateKeyFile`, then `apachectl graceful`."
            .to_string(),
        python: "Renew the certificate, then restart the process: \
                 `context.load_cert_chain('fullchain.pem', 'server.key')` (Flask \
                 `app.run(ssl_context=('fullchain.pem', 'server.key'))`) reads the files only once."
            .to_string(),
    }
}

fn renew_soon_fix() -> Fix {
    Fix {
        nginx: "Renew now and automate it: `certbot renew --deploy-hook 'nginx -s reload'` from \
                certbot's systemd timer or cron; nginx picks up the new `ssl_certificate` only on \
                reload."
            .to_string(),
        apache:
            "Renew now and automate it: `certbot renew --deploy-hook 'apachectl graceful'` from \
                 certbot's systemd timer or cron (or mod_md with `MDomain`)."
                .to_string(),
        python:
            "Renew now and automate it; `context.load_cert_chain('fullchain.pem', 'server.key')` \
                 reads the files only once, so restart the process (or build a new SSLContext) \
                 after each renewal."
                .to_string(),
    }
}

fn not_yet_valid_fix() -> Fix {
    Fix {
        nginx: "Check the clocks of the server and the issuing CA (`timedatectl`); reissue the \
                certificate with a start date in the past, point `ssl_certificate` at it and \
                `nginx -s reload`."
            .to_string(),
        apache: "Check the clocks of the server and the issuing CA (`timedatectl`); reissue the \
                 certificate with a start date in the past, update `SSLCertificateFile` and \
                 `apachectl graceful`."
            .to_string(),
        python:
            "Check the clocks (`timedatectl`); reissue the certificate with a start date in the \
                 past and reload it with `context.load_cert_chain('fullchain.pem', 'server.key')`."
                .to_string(),
    }
}

fn self_signed_fix(name: &str) -> Fix {
    Fix {
        nginx: format!(
            "Use a certificate from a CA your clients trust (e.g. `certbot --nginx -d {name}`) in \
             `ssl_certificate`/`ssl_certificate_key`; for an internal service, issue it from a \
             private CA whose root the clients are given."
        ),
        apache: format!(
            "Use a certificate from a CA your clients trust (e.g. `certbot --apache -d {name}`) in \
             `SSLCertificateFile`/`SSLCertificateKeyFile`; for an internal service, issue it from \
             a private CA whose root the clients are given."
        ),
        python: "Load a CA-issued chain: `context.load_cert_chain('fullchain.pem', 'server.key')` \
                 (Flask `app.run(ssl_context=('fullchain.pem', 'server.key'))`); clients of a \
                 private service can pin the certificate with \
                 `ssl.create_default_context(cafile='server.crt')` (tlscheck: `--ca-file`)."
            .to_string(),
    }
}

fn untrusted_fix() -> Fix {
    Fix {
        nginx: "Use a certificate from a publicly trusted CA and send the full chain in \
                `ssl_certificate` (leaf, then intermediates). For a private CA, clients need its \
                root (tlscheck: `--ca-file root.pem`)."
            .to_string(),
        apache: "Use a certificate from a publicly trusted CA and send the full chain in \
                 `SSLCertificateFile` (leaf, then intermediates). For a private CA, clients need its \
                 root (tlscheck: `--ca-file root.pem`)."
            .to_string(),
        python: "Serve a publicly trusted chain with `context.load_cert_chain('fullchain.pem', \
                 'server.key')`; clients of a private CA need \
                 `ssl.create_default_context(cafile='root.pem')` (tlscheck: `--ca-file root.pem`)."
            .to_string(),
    }
}

fn weak_key_fix() -> Fix {
    let generate = "`openssl req -new -newkey rsa:2048 -nodes -keyout server.key -out server.csr` \
                    (or EC: `-newkey ec -pkeyopt ec_paramgen_curve:P-256`)";
    let ca = "a weak CA key means reissuing from a CA with an RSA 2048+ or P-256+ key";
    Fix {
        nginx: format!(
            "Generate a new key and have it certified: {generate}; set `ssl_certificate_key` and \
             `ssl_certificate` to the new files and `nginx -s reload`; {ca}."
        ),
        apache: format!(
            "Generate a new key and have it certified: {generate}; set `SSLCertificateKeyFile` and \
             `SSLCertificateFile` to the new files and `apachectl graceful`; {ca}."
        ),
        python: format!(
            "Generate a new key and have it certified: {generate}; load it with \
             `context.load_cert_chain('fullchain.pem', 'server.key')`; {ca}."
        ),
    }
}

fn weak_signature_fix(hash: &str) -> Fix {
    let reissue = format!(
        "Reissue the {hash}-signed certificate with SHA-256 (`openssl x509 -req -sha256 ...` or \
         `openssl ca -md sha256` for a private CA; public CAs no longer sign with {hash}); for an \
         intermediate, fetch your CA's current SHA-256 intermediate"
    );
    Fix {
        nginx: format!("{reissue}, rebuild the `ssl_certificate` file and `nginx -s reload`."),
        apache: format!(
            "{reissue}, rebuild the `SSLCertificateFile` chain and `apachectl graceful`."
        ),
        python: format!(
            "{reissue} and load it with `context.load_cert_chain('fullchain.pem', 'server.key')`."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_unix_time_as_rfc3339_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_775_001_599), "2026-03-31T23:59:59Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
        assert_eq!(rfc3339(253_402_300_799), "9999-12-31T23:59:59Z");
    }

    #[test]
    fn serial_drops_only_the_der_sign_byte() {
        assert_eq!(serial_hex(&[0x00, 0x9F, 0x3A]), "9F:3A");
        assert_eq!(serial_hex(&[0x04, 0x01]), "04:01");
        assert_eq!(serial_hex(&[0x00]), "00");
        assert_eq!(serial_hex(&[0x00, 0x7F]), "00:7F");
    }

    #[test]
    fn bit_length_ignores_leading_zero_bytes() {
        assert_eq!(bit_length(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(bit_length(&[0x01, 0xFF]), 9);
        assert_eq!(bit_length(&[0x00, 0x00]), 0);
        assert_eq!(bit_length(&[]), 0);
    }

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
    fn rejects_bytes_that_are_not_a_certificate() {
        assert!(matches!(
            parse_certificate(b"not a certificate", 0),
            Err(CertificateError::Malformed { .. })
        ));
        assert!(matches!(
            parse_certificate(&[], 0),
            Err(CertificateError::Malformed { .. })
        ));
    }

    #[test]
    fn rejects_an_empty_chain() {
        let trust = TrustFacts {
            trusted: false,
            store: "webpki-roots".to_string(),
            error: None,
        };
        assert_eq!(
            analyse_chain(&[], &[], trust, "example.com", 0),
            Err(CertificateError::EmptyChain)
        );
    }
}
