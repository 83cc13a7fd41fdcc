//! Certificate facts from DER: subject, issuer, names, validity, key, signature, extensions.
//!
//! `self_signed` needs the certificate's signature to verify with its own key. x509-parser's
//! verifier (aws-lc-rs, `verify-aws`) cannot check every algorithm: not MD5, DSA, Ed448, P-521 or
//! ECDSA with SHA-512, and not SHA-2 RSA signatures from keys under 2048 bits. For those, a
//! certificate counts as self-signed when its issuer equals its subject and its authority key
//! identifier (if any) equals its subject key identifier (if any).

use std::net::IpAddr;

use sha2::{Digest, Sha256};
use x509_parser::asn1_rs::{Any, FromDer, Integer, Tag};
use x509_parser::certificate::X509Certificate;
use x509_parser::error::X509Error;
use x509_parser::extensions::{DistributionPointName, GeneralName, ParsedExtension};
use x509_parser::oid_registry::{
    OID_CT_LIST_SCT, OID_PKIX_ACCESS_DESCRIPTOR_CA_ISSUERS, OID_PKIX_ACCESS_DESCRIPTOR_OCSP,
};
use x509_parser::public_key::RSAPublicKey;
use x509_parser::signature_algorithm::RsaSsaPssParams;
use x509_parser::x509::{AlgorithmIdentifier, SubjectPublicKeyInfo};

use crate::facts::{CertificateFacts, EscapedName, HashAlgorithm, KeyAlgorithm, KeyFacts};
use crate::tls::bit_length;

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

pub(crate) fn parse_x509(der: &[u8]) -> Result<X509Certificate<'_>, CertificateError> {
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

pub(crate) fn certificate_facts(
    cert: &X509Certificate<'_>,
    der: &[u8],
    now: i64,
) -> CertificateFacts {
    let mut dns_names = Vec::new();
    let mut escaped_names = Vec::new();
    let mut ip_addresses = Vec::new();
    let mut ocsp_urls = Vec::new();
    let mut ca_issuer_urls = Vec::new();
    let mut crl_urls = Vec::new();
    let mut sct_count = 0;
    let mut must_staple = false;
    for extension in cert.extensions() {
        match extension.parsed_extension() {
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
            ParsedExtension::CRLDistributionPoints(points) => {
                for point in points.iter() {
                    if let Some(DistributionPointName::FullName(names)) = &point.distribution_point
                    {
                        for name in names {
                            if let GeneralName::URI(uri) = name {
                                crl_urls.push(uri.to_string());
                            }
                        }
                    }
                }
            }
            ParsedExtension::SCT(scts) if extension.oid == OID_CT_LIST_SCT => {
                sct_count += scts.len();
            }
            // The SAN's names by hand, so a dNSName with bytes IA5String does not allow (which
            // x509-parser drops) is kept, escaped, rather than lost.
            _ if extension.oid.to_id_string() == OID_SUBJECT_ALT_NAME => {
                for (tag, raw) in san_entries(extension.value) {
                    match tag {
                        DNS_NAME_TAG => push_dns_name(&mut dns_names, &mut escaped_names, raw),
                        IP_ADDRESS_TAG => {
                            if let Some(ip) = ip_from_bytes(raw) {
                                ip_addresses.push(ip.to_string());
                            }
                        }
                        _ => {}
                    }
                }
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

    let subject = name_text(cert.subject(), "subject", &mut escaped_names);
    let issuer = name_text(cert.issuer(), "issuer", &mut escaped_names);
    let common_name = cert.subject().iter_common_name().next().map(|cn| {
        let (text, unsafe_bytes) = attribute_display(cn.attr_value());
        if unsafe_bytes {
            escaped_names.push(EscapedName {
                field: "common_name".into(),
                raw: cn.attr_value().as_bytes().to_vec(),
            });
        }
        text
    });
    CertificateFacts {
        escaped_names,
        subject,
        issuer,
        common_name,
        dns_names,
        ip_addresses,
        serial: serial_hex(cert.raw_serial()),
        not_before,
        not_after,
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
        crl_urls,
        ca_issuer_urls,
        sct_count,
        must_staple,
        der: der.to_vec(),
    }
}

const OID_SUBJECT_ALT_NAME: &str = "2.5.29.17";
/// GeneralName's context tags (primitive) for dNSName and iPAddress.
const DNS_NAME_TAG: u8 = 0x82;
const IP_ADDRESS_TAG: u8 = 0x87;

/// A dNSName as text, escaped when its bytes are unsafe to show (recorded in `escaped`).
fn push_dns_name(names: &mut Vec<String>, escaped: &mut Vec<EscapedName>, raw: &[u8]) {
    let text = crate::text::escaped_bytes(raw);
    if text.as_bytes() != raw {
        escaped.push(EscapedName {
            field: format!("dns_names[{}]", names.len()),
            raw: raw.to_vec(),
        });
    }
    names.push(text);
}

/// The (tag, value) entries of a SubjectAltName extension's DER value, read with bounds
/// checks: a SEQUENCE of GeneralNames; what does not decode ends the list.
fn san_entries(value: &[u8]) -> Vec<(u8, &[u8])> {
    fn element(bytes: &[u8]) -> Option<(u8, &[u8], &[u8])> {
        let (&tag, rest) = bytes.split_first()?;
        let (&first, rest) = rest.split_first()?;
        let (length, rest) = if first < 0x80 {
            (usize::from(first), rest)
        } else {
            let count = usize::from(first & 0x7f);
            if count == 0 || count > 4 || rest.len() < count {
                return None;
            }
            let (digits, rest) = rest.split_at(count);
            let length = digits
                .iter()
                .fold(0usize, |length, digit| length << 8 | usize::from(*digit));
            (length, rest)
        };
        if rest.len() < length {
            return None;
        }
        let (content, rest) = rest.split_at(length);
        Some((tag, content, rest))
    }
    let mut entries = Vec::new();
    let Some((0x30, mut list, _)) = element(value) else {
        return entries;
    };
    while let Some((tag, content, rest)) = element(list) {
        entries.push((tag, content));
        list = rest;
    }
    entries
}

/// A distinguished name as text: x509-parser's rendering (`CN=good.test, O=Example`) when it
/// has one and it is safe to show; else built attribute by attribute with every unsafe byte
/// escaped, and the name's DER recorded in `escaped` under `field`.
fn name_text(
    name: &x509_parser::x509::X509Name<'_>,
    field: &str,
    escaped: &mut Vec<EscapedName>,
) -> String {
    if let Ok(text) = x509_parser::x509::X509Name::to_string_with_registry(
        name,
        x509_parser::objects::oid_registry(),
    ) {
        if !text.chars().any(crate::text::is_unsafe) {
            return text;
        }
    }
    escaped.push(EscapedName {
        field: field.into(),
        raw: name.as_raw().to_vec(),
    });
    name.iter()
        .map(|relative| {
            relative
                .iter()
                .map(|attribute| {
                    let oid = attribute.attr_type();
                    let short =
                        x509_parser::objects::oid2abbrev(oid, x509_parser::objects::oid_registry())
                            .map(str::to_string)
                            .unwrap_or_else(|_| oid.to_id_string());
                    format!("{short}={}", attribute_display(attribute.attr_value()).0)
                })
                .collect::<Vec<_>>()
                .join(" + ")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// An attribute value as text safe to show, and whether showing it took escaping: a BMPString
/// decoded, any other string's bytes as they are, unsafe ones escaped.
fn attribute_display(value: &Any<'_>) -> (String, bool) {
    let decoded = match value.tag() {
        Tag::BmpString => attribute_text(value),
        _ => std::str::from_utf8(value.as_bytes())
            .ok()
            .map(str::to_string),
    };
    match decoded {
        Some(text) if !text.chars().any(crate::text::is_unsafe) => (text, false),
        Some(text) => (crate::text::escaped(&text), true),
        None => (crate::text::escaped_bytes(value.as_bytes()), true),
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
            if key.algorithm == KeyAlgorithm::Rsa && !(2048..=8192).contains(&key.bits) =>
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
    let facts = |algorithm: KeyAlgorithm, bits: u32, curve: Option<String>| KeyFacts {
        algorithm,
        bits,
        curve,
    };
    match oid.as_str() {
        OID_RSA_ENCRYPTION | OID_RSASSA_PSS => {
            let bits = RSAPublicKey::from_der(key_bytes)
                .map(|(_, key)| bit_length(key.modulus))
                .unwrap_or(0);
            facts(KeyAlgorithm::Rsa, bits, None)
        }
        OID_EC_PUBLIC_KEY => {
            let curve_oid = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|parameters| parameters.as_oid().ok())
                .map(|oid| oid.to_id_string());
            match curve_oid.as_deref().and_then(named_curve) {
                Some((name, bits)) => facts(KeyAlgorithm::Ec, bits, Some(name.to_string())),
                None => {
                    // Unknown curve: half the uncompressed point (0x04 || X || Y) is one coordinate.
                    let bits = key_bytes.len().saturating_sub(1) / 2 * 8;
                    facts(
                        KeyAlgorithm::Ec,
                        u32::try_from(bits).unwrap_or(0),
                        curve_oid,
                    )
                }
            }
        }
        OID_ED25519 => facts(KeyAlgorithm::Ed25519, 256, None),
        OID_ED448 => facts(KeyAlgorithm::Ed448, 456, None),
        OID_DSA => facts(KeyAlgorithm::Dsa, dsa_bits(spki), None),
        _ => facts(KeyAlgorithm::Other(oid.clone()), 0, None),
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

/// Friendly name of the signature algorithm (OpenSSL's spelling) and the hash it uses.
fn signature_names(algorithm: &AlgorithmIdentifier<'_>) -> (String, Option<HashAlgorithm>) {
    let oid = algorithm.algorithm.to_id_string();
    let (name, hash) = match oid.as_str() {
        "1.2.840.113549.1.1.2" => ("md2WithRSAEncryption", HashAlgorithm::Md2),
        "1.2.840.113549.1.1.4" => ("md5WithRSAEncryption", HashAlgorithm::Md5),
        "1.2.840.113549.1.1.5" | "1.3.14.3.2.29" => ("sha1WithRSAEncryption", HashAlgorithm::Sha1),
        "1.2.840.113549.1.1.14" => ("sha224WithRSAEncryption", HashAlgorithm::Sha224),
        "1.2.840.113549.1.1.11" => ("sha256WithRSAEncryption", HashAlgorithm::Sha256),
        "1.2.840.113549.1.1.12" => ("sha384WithRSAEncryption", HashAlgorithm::Sha384),
        "1.2.840.113549.1.1.13" => ("sha512WithRSAEncryption", HashAlgorithm::Sha512),
        OID_RSASSA_PSS => return ("RSASSA-PSS".to_string(), pss_hash(algorithm)),
        "1.2.840.10045.4.1" => ("ecdsa-with-SHA1", HashAlgorithm::Sha1),
        "1.2.840.10045.4.3.1" => ("ecdsa-with-SHA224", HashAlgorithm::Sha224),
        "1.2.840.10045.4.3.2" => ("ecdsa-with-SHA256", HashAlgorithm::Sha256),
        "1.2.840.10045.4.3.3" => ("ecdsa-with-SHA384", HashAlgorithm::Sha384),
        "1.2.840.10045.4.3.4" => ("ecdsa-with-SHA512", HashAlgorithm::Sha512),
        "1.2.840.10040.4.3" => ("dsa-with-SHA1", HashAlgorithm::Sha1),
        "2.16.840.1.101.3.4.3.1" => ("dsa_with_SHA224", HashAlgorithm::Sha224),
        "2.16.840.1.101.3.4.3.2" => ("dsa_with_SHA256", HashAlgorithm::Sha256),
        OID_ED25519 => return ("ED25519".to_string(), None),
        OID_ED448 => return ("ED448".to_string(), None),
        _ => return (oid, None),
    };
    (name.to_string(), Some(hash))
}

/// The hash named in RSASSA-PSS parameters (SHA-1 when they leave it out, per RFC 4055).
fn pss_hash(algorithm: &AlgorithmIdentifier<'_>) -> Option<HashAlgorithm> {
    let parameters: &Any<'_> = algorithm.parameters.as_ref()?;
    let parameters = RsaSsaPssParams::try_from(parameters).ok()?;
    let name = match parameters.hash_algorithm_oid().to_id_string().as_str() {
        "1.3.14.3.2.26" => HashAlgorithm::Sha1,
        "2.16.840.1.101.3.4.2.4" => HashAlgorithm::Sha224,
        "2.16.840.1.101.3.4.2.1" => HashAlgorithm::Sha256,
        "2.16.840.1.101.3.4.2.2" => HashAlgorithm::Sha384,
        "2.16.840.1.101.3.4.2.3" => HashAlgorithm::Sha512,
        _ => return None,
    };
    Some(name)
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

/// A DER distinguished name (with or without its outer SEQUENCE) as text.
pub fn distinguished_name(der: &[u8]) -> String {
    use x509_parser::prelude::FromDer;
    let parse = |bytes: &[u8]| match x509_parser::x509::X509Name::from_der(bytes) {
        Ok((rest, name)) if rest.is_empty() && name.iter().next().is_some() => {
            Some(name_text(&name, "name", &mut Vec::new()))
        }
        _ => None,
    };
    if let Some(name) = parse(der) {
        return name;
    }
    let mut wrapped = vec![0x30];
    let len = der.len();
    if len < 0x80 {
        wrapped.push(len as u8);
    } else if len <= 0xFF {
        wrapped.extend([0x81, len as u8]);
    } else {
        wrapped.extend([0x82, (len >> 8) as u8, (len & 0xFF) as u8]);
    }
    wrapped.extend_from_slice(der);
    parse(&wrapped).unwrap_or_else(|| format!("(unparsable name, {} bytes)", der.len()))
}

/// The subject and issuer of a DER certificate as Go's `crypto/x509` prints them (and so
/// blackbox_exporter's `probe_ssl_last_chain_info`): the standard attributes in Go's order, last
/// to first (`CN=good.test,O=Example,C=US`), several values of one type joined by `+`, other
/// attributes after them as `OID=#hex` of their DER value, and RFC 2253's escaping. Used where a
/// label value must equal the one blackbox_exporter would give.
pub fn go_subject_and_issuer(der: &[u8]) -> Option<(String, String)> {
    let cert = parse_x509(der).ok()?;
    Some((
        go_distinguished_name(cert.subject()),
        go_distinguished_name(cert.issuer()),
    ))
}

/// Go's short names for the attribute types it parses (`pkix.Name`), in the order its
/// `ToRDNSequence` writes them; it prints the sequence from last to first.
const GO_NAME_ATTRIBUTES: [(&str, &str); 9] = [
    ("2.5.4.6", "C"),
    ("2.5.4.8", "ST"),
    ("2.5.4.7", "L"),
    ("2.5.4.9", "STREET"),
    ("2.5.4.17", "POSTALCODE"),
    ("2.5.4.10", "O"),
    ("2.5.4.11", "OU"),
    ("2.5.4.3", "CN"),
    ("2.5.4.5", "SERIALNUMBER"),
];

fn go_distinguished_name(name: &x509_parser::x509::X509Name<'_>) -> String {
    // Values of the standard types, by type, in certificate order; other attributes as found.
    let mut standard: Vec<Vec<String>> = vec![Vec::new(); GO_NAME_ATTRIBUTES.len()];
    let mut others: Vec<String> = Vec::new();
    for attribute in name.iter_attributes() {
        let oid = attribute.attr_type().to_id_string();
        let position = GO_NAME_ATTRIBUTES.iter().position(|(id, _)| *id == oid);
        match (position, attribute_text(attribute.attr_value())) {
            (Some(position), Some(text)) => {
                // Go keeps one common name and one serial number: the last.
                if matches!(GO_NAME_ATTRIBUTES[position].1, "CN" | "SERIALNUMBER") {
                    standard[position].clear();
                }
                standard[position].push(text);
            }
            (_, text) => {
                // Go re-encodes a string as a PrintableString when its characters allow, else
                // as a UTF8String; other values keep their encoding.
                let value = attribute.attr_value();
                let (tag, content) = match &text {
                    Some(text) if text.bytes().all(printable_string_byte) => {
                        (0x13, text.as_bytes())
                    }
                    Some(text) => (0x0c, text.as_bytes()),
                    None => (value.tag().0 as u8, value.as_bytes()),
                };
                let mut encoded = vec![tag];
                encoded.extend(der_length(content.len()));
                encoded.extend_from_slice(content);
                let hex: String = encoded.iter().map(|byte| format!("{byte:02x}")).collect();
                others.push(format!("{oid}=#{hex}"));
            }
        }
    }
    let mut relative_names: Vec<String> = others;
    for (position, values) in standard.iter().enumerate() {
        if values.is_empty() {
            continue;
        }
        let short = GO_NAME_ATTRIBUTES[position].1;
        relative_names.push(
            values
                .iter()
                .map(|value| format!("{short}={}", rfc2253_escape(value)))
                .collect::<Vec<_>>()
                .join("+"),
        );
    }
    relative_names.reverse();
    relative_names.join(",")
}

/// A string attribute's text: the ASN.1 string types Go decodes.
fn attribute_text(value: &Any<'_>) -> Option<String> {
    let bytes = value.as_bytes();
    match value.tag() {
        Tag::PrintableString | Tag::Utf8String | Tag::Ia5String | Tag::NumericString => {
            std::str::from_utf8(bytes).ok().map(str::to_string)
        }
        // Latin-1, as Go reads it.
        Tag::T61String => Some(bytes.iter().map(|byte| *byte as char).collect()),
        Tag::BmpString => {
            let units: Vec<u16> = bytes
                .chunks(2)
                .map(|pair| match pair {
                    [high, low] => u16::from_be_bytes([*high, *low]),
                    _ => 0xFFFD,
                })
                .collect();
            String::from_utf16(&units).ok()
        }
        _ => None,
    }
}

/// A byte ASN.1's PrintableString may hold.
fn printable_string_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b" '()+,-./:=?".contains(&byte)
}

/// A DER length.
fn der_length(length: usize) -> Vec<u8> {
    if length < 0x80 {
        return vec![length as u8];
    }
    let bytes: Vec<u8> = length
        .to_be_bytes()
        .into_iter()
        .skip_while(|byte| *byte == 0)
        .collect();
    let mut encoded = vec![0x80 | bytes.len() as u8];
    encoded.extend(bytes);
    encoded
}

/// RFC 2253's escaping, as Go applies it: `,+"\<>;` anywhere, a space at either end, `#` first.
fn rfc2253_escape(value: &str) -> String {
    let count = value.chars().count();
    let mut escaped = String::with_capacity(value.len());
    for (index, c) in value.chars().enumerate() {
        let escape = match c {
            ',' | '+' | '"' | '\\' | '<' | '>' | ';' => true,
            ' ' => index == 0 || index + 1 == count,
            '#' => index == 0,
            _ => false,
        };
        if escape {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinguished_names_parse_with_or_without_the_outer_sequence() {
        // SEQUENCE { SET { SEQUENCE { OID 2.5.4.3, UTF8String "CA" } } }
        let inner = [
            0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x02, b'C', b'A',
        ];
        let mut outer = vec![0x30, inner.len() as u8];
        outer.extend_from_slice(&inner);
        assert_eq!(distinguished_name(&outer), "CN=CA");
        assert_eq!(distinguished_name(&inner), "CN=CA");
        let garbage = distinguished_name(&[0xff]);
        assert!(garbage.contains("unparsable"), "{garbage:?}");
    }

    #[test]
    fn serial_drops_only_the_der_sign_byte() {
        assert_eq!(serial_hex(&[0x00, 0x9F, 0x3A]), "9F:3A");
        assert_eq!(serial_hex(&[0x04, 0x01]), "04:01");
        assert_eq!(serial_hex(&[0x00]), "00");
        assert_eq!(serial_hex(&[0x00, 0x7F]), "00:7F");
    }

    #[test]
    fn names_read_as_go_prints_them_last_attribute_type_first() {
        let pem = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/certs/good.pem"),
        )
        .expect("fixture");
        let der = ::pem::parse(pem).expect("PEM").into_contents();
        let (subject, issuer) = go_subject_and_issuer(&der).expect("a certificate");
        assert_eq!(subject, "CN=good.test");
        // The certificate says O first and CN second; Go prints CN first.
        assert_eq!(issuer, "CN=tlscheck Test Intermediate CA,O=tlscheck tests");
    }

    #[test]
    fn go_names_escape_and_put_other_attributes_last() {
        use rcgen::{CertificateParams, DnType, KeyPair};
        let mut params = CertificateParams::default();
        params.distinguished_name.push(
            DnType::CustomDnType(vec![1, 2, 840, 113549, 1, 9, 1]),
            "a@b.example",
        );
        params.distinguished_name.push(DnType::CommonName, " #x");
        params
            .distinguished_name
            .push(DnType::OrganizationName, "Example, Inc. <\"q\">;+");
        params.distinguished_name.push(DnType::CountryName, "US");
        let key = KeyPair::generate().expect("key");
        let der = params
            .self_signed(&key)
            .expect("certificate")
            .der()
            .to_vec();
        let (subject, issuer) = go_subject_and_issuer(&der).expect("a certificate");
        assert_eq!(
            subject,
            "CN=\\ #x,O=Example\\, Inc. \\<\\\"q\\\"\\>\\;\\+,C=US,\
             1.2.840.113549.1.9.1=#0c0b6140622e6578616d706c65"
        );
        assert_eq!(issuer, subject);
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

    /// A self-signed certificate with common name `cn` and DNS names `sans`, its DER with
    /// every `from` replaced by `to` (same length: the signature no longer matters here).
    fn hostile_certificate(cn: &str, sans: &[&str], from: &[u8], to: &[u8]) -> Vec<u8> {
        use rcgen::{CertificateParams, DnType, KeyPair};
        let mut params =
            CertificateParams::new(sans.iter().map(|name| name.to_string()).collect::<Vec<_>>())
                .expect("params");
        params.distinguished_name.push(DnType::CommonName, cn);
        let key = KeyPair::generate().expect("key");
        let mut der = params
            .self_signed(&key)
            .expect("certificate")
            .der()
            .to_vec();
        assert_eq!(from.len(), to.len());
        let mut index = 0;
        while index + from.len() <= der.len() {
            if &der[index..index + from.len()] == from {
                der[index..index + from.len()].copy_from_slice(to);
            }
            index += 1;
        }
        der
    }

    #[test]
    fn names_with_invalid_utf8_or_control_bytes_are_escaped_and_kept_raw() {
        // CN "evil\xff\xfe.test" (invalid UTF-8) and a dNSName with an ESC in it.
        let der = hostile_certificate(
            "evilXX.test",
            &["good.test", "escQQ.test"],
            b"evilXX",
            b"evil\xff\xfe",
        );
        let der = {
            let mut der = der;
            let at = der.windows(5).position(|w| w == b"escQQ").expect("san");
            der[at + 3] = 0x1b;
            der[at + 4] = b'[';
            der
        };
        let cert = parse_certificate(&der, 0).expect("still a certificate");
        assert_eq!(cert.common_name.as_deref(), Some("evil\\x{ff}\\x{fe}.test"));
        assert_eq!(cert.subject, "CN=evil\\x{ff}\\x{fe}.test");
        assert!(!cert.subject.contains("X509Error"), "{}", cert.subject);
        assert_eq!(cert.dns_names, vec!["good.test", "esc\\u{1b}[.test"]);
        let fields: Vec<&str> = cert
            .escaped_names
            .iter()
            .map(|n| n.field.as_str())
            .collect();
        assert_eq!(
            fields,
            vec!["dns_names[1]", "subject", "issuer", "common_name"]
        );
        let common = cert
            .escaped_names
            .iter()
            .find(|n| n.field == "common_name")
            .unwrap();
        assert_eq!(common.raw, b"evil\xff\xfe.test");
    }

    #[test]
    fn a_san_x509_parser_refuses_still_gives_its_names_escaped() {
        // A byte over 0x7f in a dNSName: no IA5String, so x509-parser drops the extension.
        let der = hostile_certificate(
            "ok.test",
            &["good.test", "badQQ.test"],
            b"badQQ",
            b"bad\xe9\x01",
        );
        let cert = parse_certificate(&der, 0).expect("still a certificate");
        assert_eq!(cert.dns_names, vec!["good.test", "bad\\x{e9}\\u{1}.test"]);
        assert_eq!(cert.escaped_names[0].field, "dns_names[1]");
    }
}
