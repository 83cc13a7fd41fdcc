//! Named groups for (EC)DHE and hybrid post-quantum key exchange, and real key shares for the
//! ones rustls' aws-lc-rs provider can generate.

use rustls::crypto::aws_lc_rs::ALL_KX_GROUPS;
use thiserror::Error;

/// The family a group belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GroupKind {
    /// A named elliptic curve (SEC 2, brainpool, GOST) used with ECDHE.
    EllipticCurve,
    /// X25519 or X448 (RFC 7748).
    Montgomery,
    /// A finite-field Diffie-Hellman group of RFC 7919.
    FiniteField,
    /// A post-quantum KEM alone (ML-KEM).
    PostQuantum,
    /// A classical group combined with a post-quantum KEM.
    Hybrid,
}

/// One entry of the IANA "TLS Supported Groups" registry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedGroup {
    pub code: u16,
    pub name: &'static str,
    pub kind: GroupKind,
    /// Length of a client key share for this group, in bytes, where the group has a fixed one.
    pub key_share_len: Option<usize>,
}

pub const X25519: u16 = 0x001d;
pub const SECP256R1: u16 = 0x0017;
pub const SECP384R1: u16 = 0x0018;
pub const SECP521R1: u16 = 0x0019;
pub const X25519MLKEM768: u16 = 0x11ec;

const fn group(
    code: u16,
    name: &'static str,
    kind: GroupKind,
    key_share_len: Option<usize>,
) -> NamedGroup {
    NamedGroup {
        code,
        name,
        kind,
        key_share_len,
    }
}

/// Every named group tlscheck knows, in code order.
#[rustfmt::skip]
pub const NAMED_GROUPS: &[NamedGroup] = &[
    group(0x0001, "sect163k1", GroupKind::EllipticCurve, None),
    group(0x0002, "sect163r1", GroupKind::EllipticCurve, None),
    group(0x0003, "sect163r2", GroupKind::EllipticCurve, None),
    group(0x0004, "sect193r1", GroupKind::EllipticCurve, None),
    group(0x0005, "sect193r2", GroupKind::EllipticCurve, None),
    group(0x0006, "sect233k1", GroupKind::EllipticCurve, None),
    group(0x0007, "sect233r1", GroupKind::EllipticCurve, None),
    group(0x0008, "sect239k1", GroupKind::EllipticCurve, None),
    group(0x0009, "sect283k1", GroupKind::EllipticCurve, None),
    group(0x000a, "sect283r1", GroupKind::EllipticCurve, None),
    group(0x000b, "sect409k1", GroupKind::EllipticCurve, None),
    group(0x000c, "sect409r1", GroupKind::EllipticCurve, None),
    group(0x000d, "sect571k1", GroupKind::EllipticCurve, None),
    group(0x000e, "sect571r1", GroupKind::EllipticCurve, None),
    group(0x000f, "secp160k1", GroupKind::EllipticCurve, None),
    group(0x0010, "secp160r1", GroupKind::EllipticCurve, None),
    group(0x0011, "secp160r2", GroupKind::EllipticCurve, None),
    group(0x0012, "secp192k1", GroupKind::EllipticCurve, None),
    group(0x0013, "secp192r1", GroupKind::EllipticCurve, None),
    group(0x0014, "secp224k1", GroupKind::EllipticCurve, None),
    group(0x0015, "secp224r1", GroupKind::EllipticCurve, None),
    group(0x0016, "secp256k1", GroupKind::EllipticCurve, None),
    group(0x0017, "secp256r1", GroupKind::EllipticCurve, Some(65)),
    group(0x0018, "secp384r1", GroupKind::EllipticCurve, Some(97)),
    group(0x0019, "secp521r1", GroupKind::EllipticCurve, Some(133)),
    group(0x001a, "brainpoolP256r1", GroupKind::EllipticCurve, Some(65)),
    group(0x001b, "brainpoolP384r1", GroupKind::EllipticCurve, Some(97)),
    group(0x001c, "brainpoolP512r1", GroupKind::EllipticCurve, Some(129)),
    group(0x001d, "x25519", GroupKind::Montgomery, Some(32)),
    group(0x001e, "x448", GroupKind::Montgomery, Some(56)),
    group(0x001f, "brainpoolP256r1tls13", GroupKind::EllipticCurve, Some(65)),
    group(0x0020, "brainpoolP384r1tls13", GroupKind::EllipticCurve, Some(97)),
    group(0x0021, "brainpoolP512r1tls13", GroupKind::EllipticCurve, Some(129)),
    group(0x0022, "GC256A", GroupKind::EllipticCurve, None),
    group(0x0023, "GC256B", GroupKind::EllipticCurve, None),
    group(0x0024, "GC256C", GroupKind::EllipticCurve, None),
    group(0x0025, "GC256D", GroupKind::EllipticCurve, None),
    group(0x0026, "GC512A", GroupKind::EllipticCurve, None),
    group(0x0027, "GC512B", GroupKind::EllipticCurve, None),
    group(0x0028, "GC512C", GroupKind::EllipticCurve, None),
    group(0x0029, "curveSM2", GroupKind::EllipticCurve, Some(65)),
    group(0x0100, "ffdhe2048", GroupKind::FiniteField, Some(256)),
    group(0x0101, "ffdhe3072", GroupKind::FiniteField, Some(384)),
    group(0x0102, "ffdhe4096", GroupKind::FiniteField, Some(512)),
    group(0x0103, "ffdhe6144", GroupKind::FiniteField, Some(768)),
    group(0x0104, "ffdhe8192", GroupKind::FiniteField, Some(1024)),
    group(0x0200, "MLKEM512", GroupKind::PostQuantum, Some(800)),
    group(0x0201, "MLKEM768", GroupKind::PostQuantum, Some(1184)),
    group(0x0202, "MLKEM1024", GroupKind::PostQuantum, Some(1568)),
    group(0x11eb, "SecP256r1MLKEM768", GroupKind::Hybrid, Some(65 + 1184)),
    group(0x11ec, "X25519MLKEM768", GroupKind::Hybrid, Some(1184 + 32)),
    group(0x11ed, "SecP384r1MLKEM1024", GroupKind::Hybrid, Some(97 + 1568)),
    group(0x6399, "X25519Kyber768Draft00", GroupKind::Hybrid, Some(32 + 1184)),
    group(0x639a, "SecP256r1Kyber768Draft00", GroupKind::Hybrid, Some(65 + 1184)),
];

/// The group with this code, if known.
pub fn by_code(code: u16) -> Option<&'static NamedGroup> {
    NAMED_GROUPS.iter().find(|group| group.code == code)
}

/// Whether a TLS 1.3 hello may offer this group. RFC 8446 section 4.2.7 puts 0x0001-0x0016,
/// 0x001A-0x001C and 0xFF01-0xFF02 in obsolete_RESERVED ranges that "MUST NOT be offered or
/// negotiated by TLS 1.3 implementations"; strict servers (tlslite-ng) refuse a hello offering
/// only TLS 1.3 that lists one, with illegal_parameter.
pub fn allowed_in_tls13(code: u16) -> bool {
    !matches!(code, 0x0001..=0x0016 | 0x001a..=0x001c | 0xff01..=0xff02)
}

/// The group's name, or its code in hex when unknown.
pub fn display_name(code: u16) -> String {
    by_code(code).map_or_else(|| format!("{code:#06x}"), |group| group.name.to_owned())
}

/// The groups whose key shares [`key_share`] can generate: x25519, secp256r1, secp384r1,
/// X25519MLKEM768, SecP256r1MLKEM768, MLKEM768 and MLKEM1024. For any other group a prober
/// offers it in supported_groups without a share and reads the server's HelloRetryRequest.
pub fn can_generate_key_share(code: u16) -> bool {
    ALL_KX_GROUPS
        .iter()
        .any(|group| u16::from(group.name()) == code)
}

/// One `KeyShareEntry` of a ClientHello's key_share extension.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyShare {
    pub group: u16,
    pub public_key: Vec<u8>,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum KeyShareError {
    #[error("no key share generator for group {name} ({code:#06x}); offer it without a share")]
    Unavailable { code: u16, name: String },
    #[error("generating a key share for group {name} failed: {reason}")]
    Failed { name: String, reason: String },
}

/// A fresh key share with a real public key, so the server can complete the exchange if it
/// wants to. The private half is dropped at once: tlscheck never finishes a raw handshake.
pub fn key_share(code: u16) -> Result<KeyShare, KeyShareError> {
    let supported = ALL_KX_GROUPS
        .iter()
        .find(|group| u16::from(group.name()) == code)
        .ok_or_else(|| KeyShareError::Unavailable {
            code,
            name: display_name(code),
        })?;
    let active = supported.start().map_err(|error| KeyShareError::Failed {
        name: display_name(code),
        reason: error.to_string(),
    })?;
    Ok(KeyShare {
        group: code,
        public_key: active.pub_key().to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generates_real_shares_of_the_registered_length() {
        for code in [X25519, SECP256R1, SECP384R1, X25519MLKEM768] {
            let share = key_share(code).unwrap();
            assert_eq!(
                Some(share.public_key.len()),
                by_code(code).unwrap().key_share_len,
                "{code:#x}"
            );
        }
        // Uncompressed points start with 4.
        assert_eq!(key_share(SECP256R1).unwrap().public_key.first(), Some(&4));
    }

    #[test]
    fn shares_are_fresh_each_time() {
        assert_ne!(key_share(X25519).unwrap(), key_share(X25519).unwrap());
    }

    #[test]
    fn refuses_groups_without_a_generator() {
        assert!(!can_generate_key_share(0x0100));
        assert_eq!(
            key_share(0x0100),
            Err(KeyShareError::Unavailable {
                code: 0x0100,
                name: "ffdhe2048".into()
            })
        );
    }

    #[test]
    fn obsolete_groups_are_not_allowed_in_tls13() {
        for obsolete in [0x0001, 0x0009, 0x0016, 0x001a, 0x001c, 0xff01, 0xff02] {
            assert!(!allowed_in_tls13(obsolete), "{obsolete:#06x}");
        }
        for allowed in [0x0017, 0x0019, 0x001d, 0x001e, 0x001f, 0x0100, 0x11ec] {
            assert!(allowed_in_tls13(allowed), "{allowed:#06x}");
        }
    }

    #[test]
    fn registry_is_sorted_by_code() {
        assert!(NAMED_GROUPS
            .windows(2)
            .all(|pair| pair[0].code < pair[1].code));
        assert_eq!(display_name(0xabcd), "0xabcd");
    }
}
