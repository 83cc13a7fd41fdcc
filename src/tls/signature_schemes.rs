//! Signature schemes (TLS 1.3 `SignatureScheme`, and TLS 1.2 `SignatureAndHashAlgorithm`, which
//! shares the code space: hash byte, then signature byte).

/// The scheme's IANA name, or for legacy TLS 1.2 pairs `hash+signature` (`md5+rsa`).
pub fn name(code: u16) -> Option<&'static str> {
    SIGNATURE_SCHEMES
        .iter()
        .find(|&&(known, _)| known == code)
        .map(|&(_, name)| name)
}

/// Known schemes and their names.
#[rustfmt::skip]
pub const SIGNATURE_SCHEMES: &[(u16, &str)] = &[
    (0x0101, "md5+rsa"),
    (0x0102, "md5+dsa"),
    (0x0103, "md5+ecdsa"),
    (0x0201, "rsa_pkcs1_sha1"),
    (0x0202, "sha1+dsa"),
    (0x0203, "ecdsa_sha1"),
    (0x0301, "sha224+rsa"),
    (0x0302, "sha224+dsa"),
    (0x0303, "sha224+ecdsa"),
    (0x0401, "rsa_pkcs1_sha256"),
    (0x0402, "sha256+dsa"),
    (0x0403, "ecdsa_secp256r1_sha256"),
    (0x0420, "rsa_pkcs1_sha256_legacy"),
    (0x0501, "rsa_pkcs1_sha384"),
    (0x0502, "sha384+dsa"),
    (0x0503, "ecdsa_secp384r1_sha384"),
    (0x0520, "rsa_pkcs1_sha384_legacy"),
    (0x0601, "rsa_pkcs1_sha512"),
    (0x0602, "sha512+dsa"),
    (0x0603, "ecdsa_secp521r1_sha512"),
    (0x0620, "rsa_pkcs1_sha512_legacy"),
    (0x0704, "eccsi_sha256"),
    (0x0708, "sm2sig_sm3"),
    (0x0709, "gostr34102012_256a"),
    (0x070a, "gostr34102012_256b"),
    (0x070b, "gostr34102012_256c"),
    (0x070c, "gostr34102012_256d"),
    (0x070d, "gostr34102012_512a"),
    (0x070e, "gostr34102012_512b"),
    (0x070f, "gostr34102012_512c"),
    (0x0804, "rsa_pss_rsae_sha256"),
    (0x0805, "rsa_pss_rsae_sha384"),
    (0x0806, "rsa_pss_rsae_sha512"),
    (0x0807, "ed25519"),
    (0x0808, "ed448"),
    (0x0809, "rsa_pss_pss_sha256"),
    (0x080a, "rsa_pss_pss_sha384"),
    (0x080b, "rsa_pss_pss_sha512"),
    (0x081a, "ecdsa_brainpoolP256r1tls13_sha256"),
    (0x081b, "ecdsa_brainpoolP384r1tls13_sha384"),
    (0x081c, "ecdsa_brainpoolP512r1tls13_sha512"),
    (0x0904, "mldsa44"),
    (0x0905, "mldsa65"),
    (0x0906, "mldsa87"),
];

/// What tlscheck offers by default: every scheme a server might sign with, modern first, so an
/// old server that only signs with SHA-1 or DSA still answers.
#[rustfmt::skip]
pub const DEFAULT_OFFER: &[u16] = &[
    0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x081a, 0x081b, 0x081c,
    0x0804, 0x0805, 0x0806, 0x0809, 0x080a, 0x080b,
    0x0401, 0x0501, 0x0601, 0x0303, 0x0301, 0x0302, 0x0402, 0x0502, 0x0602,
    0x0203, 0x0201, 0x0202,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_tls13_and_legacy_schemes() {
        assert_eq!(name(0x0804), Some("rsa_pss_rsae_sha256"));
        assert_eq!(name(0x0201), Some("rsa_pkcs1_sha1"));
        assert_eq!(name(0x0101), Some("md5+rsa"));
        assert_eq!(name(0xfefe), None);
    }

    #[test]
    fn default_offer_is_all_named() {
        assert!(DEFAULT_OFFER.iter().all(|&code| name(code).is_some()));
    }
}
