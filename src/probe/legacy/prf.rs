//! The TLS pseudo-random function and handshake hashes: RFC 2246's MD5 ⊕ SHA-1 PRF for TLS 1.0
//! and 1.1, RFC 5246's P_SHA256 / P_SHA384 for TLS 1.2, and the hashes of the handshake
//! transcript that Finished and extended_master_secret are computed over. Pure.

use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use md5::Md5;
use sha1::{Digest, Sha1};
use sha2::{Sha256, Sha384};

/// Which PRF (and so which transcript hash) a connection uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrfHash {
    /// TLS 1.0 and 1.1: P_MD5 over one half of the secret XOR P_SHA1 over the other.
    Md5Sha1,
    /// TLS 1.2, every suite whose PRF is not SHA-384.
    Sha256,
    /// TLS 1.2, the `_SHA384` suites.
    Sha384,
}

/// `PRF(secret, label, seed)` truncated to `length` bytes.
pub fn prf(hash: PrfHash, secret: &[u8], label: &[u8], seed: &[u8], length: usize) -> Vec<u8> {
    let mut label_seed = Vec::with_capacity(label.len() + seed.len());
    label_seed.extend_from_slice(label);
    label_seed.extend_from_slice(seed);
    match hash {
        PrfHash::Sha256 => p_hash::<Hmac<Sha256>>(secret, &label_seed, length),
        PrfHash::Sha384 => p_hash::<Hmac<Sha384>>(secret, &label_seed, length),
        PrfHash::Md5Sha1 => {
            // RFC 2246 section 5: the halves overlap by one byte when the length is odd.
            let half = secret.len().div_ceil(2);
            let first = secret.get(..half).unwrap_or_default();
            let second = secret.get(secret.len() - half..).unwrap_or_default();
            let md5 = p_hash::<Hmac<Md5>>(first, &label_seed, length);
            let sha1 = p_hash::<Hmac<Sha1>>(second, &label_seed, length);
            md5.iter().zip(&sha1).map(|(a, b)| a ^ b).collect()
        }
    }
}

/// RFC 5246 section 5: `P_hash(secret, seed)`.
fn p_hash<M: Mac + KeyInit + Clone>(secret: &[u8], seed: &[u8], length: usize) -> Vec<u8> {
    let Ok(keyed) = <M as KeyInit>::new_from_slice(secret) else {
        // HMAC takes keys of any length; unreachable, but never a panic.
        return Vec::new();
    };
    let mac = |parts: &[&[u8]]| {
        let mut mac = keyed.clone();
        for part in parts {
            mac.update(part);
        }
        mac.finalize().into_bytes().to_vec()
    };
    let mut output = Vec::with_capacity(length + 64);
    let mut a = mac(&[seed]);
    while output.len() < length {
        output.extend_from_slice(&mac(&[&a, seed]));
        a = mac(&[&a]);
    }
    output.truncate(length);
    output
}

/// The hash of the handshake messages so far, as Finished (and the session hash of RFC 7627)
/// take it: MD5 followed by SHA-1 before TLS 1.2, the PRF's hash in TLS 1.2.
pub fn transcript_hash(hash: PrfHash, messages: &[u8]) -> Vec<u8> {
    match hash {
        PrfHash::Md5Sha1 => {
            let mut both = Md5::digest(messages).to_vec();
            both.extend_from_slice(&Sha1::digest(messages));
            both
        }
        PrfHash::Sha256 => Sha256::digest(messages).to_vec(),
        PrfHash::Sha384 => Sha384::digest(messages).to_vec(),
    }
}

/// SSLv3's key derivation (RFC 6101 section 6.1 and 6.2.2): `MD5(secret ‖ SHA1("A" ‖ secret ‖
/// seed)) ‖ MD5(secret ‖ SHA1("BB" ‖ secret ‖ seed)) ‖ ...`, truncated to `length` bytes. The
/// master secret takes the premaster secret and client ‖ server random; the key block the
/// master secret and server ‖ client random.
pub fn ssl3_derive(secret: &[u8], seed: &[u8], length: usize) -> Vec<u8> {
    let mut output = Vec::with_capacity(length + 16);
    let mut round = 1u8;
    while output.len() < length && round <= 26 {
        let letters = vec![b'A' + round - 1; usize::from(round)];
        let inner = Sha1::new()
            .chain_update(&letters)
            .chain_update(secret)
            .chain_update(seed)
            .finalize();
        output.extend_from_slice(
            &Md5::new()
                .chain_update(secret)
                .chain_update(inner)
                .finalize(),
        );
        round += 1;
    }
    output.truncate(length);
    output
}

/// Whose Finished message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FinishedBy {
    Client,
    Server,
}

/// SSLv3's Finished (RFC 6101 section 5.6.9): `MD5(master ‖ pad2 ‖ MD5(messages ‖ sender ‖
/// master ‖ pad1)) ‖ SHA(master ‖ pad2 ‖ SHA(messages ‖ sender ‖ master ‖ pad1))`.
pub fn ssl3_finished(master_secret: &[u8], messages: &[u8], sender: FinishedBy) -> Vec<u8> {
    let sender: &[u8] = match sender {
        FinishedBy::Client => b"CLNT",
        FinishedBy::Server => b"SRVR",
    };
    let md5_inner = Md5::new()
        .chain_update(messages)
        .chain_update(sender)
        .chain_update(master_secret)
        .chain_update([0x36; 48])
        .finalize();
    let md5 = Md5::new()
        .chain_update(master_secret)
        .chain_update([0x5c; 48])
        .chain_update(md5_inner)
        .finalize();
    let sha_inner = Sha1::new()
        .chain_update(messages)
        .chain_update(sender)
        .chain_update(master_secret)
        .chain_update([0x36; 40])
        .finalize();
    let sha = Sha1::new()
        .chain_update(master_secret)
        .chain_update([0x5c; 40])
        .chain_update(sha_inner)
        .finalize();
    [&md5[..], &sha[..]].concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(text: &str) -> Vec<u8> {
        let digits: Vec<u8> = text
            .bytes()
            .filter(u8::is_ascii_hexdigit)
            .map(|d| (d as char).to_digit(16).unwrap() as u8)
            .collect();
        digits
            .chunks(2)
            .map(|pair| pair[0] << 4 | pair[1])
            .collect()
    }

    /// The P_SHA256 vector posted to the IETF TLS list during the TLS 1.2 drafts (msg03416),
    /// used by most TLS stacks' tests.
    #[test]
    fn tls12_sha256_prf_matches_the_published_vector() {
        let output = prf(
            PrfHash::Sha256,
            &hex("9bbe436ba940f017b17652849a71db35"),
            b"test label",
            &hex("a0ba9f936cda311827a6f796ffd5198c"),
            100,
        );
        assert_eq!(
            output,
            hex(
                "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a
                 6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab
                 4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701
                 87347b66"
            )
        );
    }

    /// The P_SHA384 vector of the same post (also OpenSSL's `kdf TLS1-PRF` output).
    #[test]
    fn tls12_sha384_prf_matches_the_published_vector() {
        let output = prf(
            PrfHash::Sha384,
            &hex("b80b733d6ceefcdc71566ea48e5567df"),
            b"test label",
            &hex("cd665cf6a8447dd6ff8b27555edb7465"),
            148,
        );
        assert_eq!(
            output,
            hex(
                "7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cd
                 e9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd
                 8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d918425
                 9b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee6
                 91c8f3a26854308d5eaa3be85e0990703d73e56f"
            )
        );
    }

    /// TLS 1.0's PRF; the expected bytes are OpenSSL's
    /// (`openssl kdf -keylen 64 -kdfopt digest:MD5-SHA1 ... TLS1-PRF`), an independent
    /// implementation.
    #[test]
    fn tls10_prf_matches_openssl() {
        let output = prf(
            PrfHash::Md5Sha1,
            &hex("9bbe436ba940f017b17652849a71db35"),
            b"test label",
            &hex("a0ba9f936cda311827a6f796ffd5198c"),
            64,
        );
        assert_eq!(
            output,
            hex(
                "661740e6f98bc901efd2738502a71c03f76dd2f86298549b1148eff06714cf0f
                 6b7c532cd8c69f1530e0bb680eec34c495fa75a8bfcc9c335484c0d3d194ab6e"
            )
        );
    }

    #[test]
    fn tls10_prf_splits_an_odd_secret_with_one_shared_byte() {
        // A 3-byte secret: MD5 takes bytes 0..2, SHA-1 bytes 1..3.
        let secret = [1u8, 2, 3];
        let md5 = p_hash::<Hmac<Md5>>(&secret[..2], b"labelseed", 20);
        let sha1 = p_hash::<Hmac<Sha1>>(&secret[1..], b"labelseed", 20);
        let expected: Vec<u8> = md5.iter().zip(&sha1).map(|(a, b)| a ^ b).collect();
        assert_eq!(
            prf(PrfHash::Md5Sha1, &secret, b"label", b"seed", 20),
            expected
        );
    }

    /// SSLv3's derivation and Finished, against Python's hashlib following RFC 6101 by hand
    /// (no library has an SSLv3 KDF any more); the handshake with tlslite-ng's SSLv3 server in
    /// tests/legacy_client.rs checks them against a real peer.
    #[test]
    fn ssl3_derivation_and_finished_follow_rfc_6101() {
        let secret: Vec<u8> = (0..48).collect();
        let seed: Vec<u8> = (100..164).collect();
        assert_eq!(
            ssl3_derive(&secret, &seed, 104),
            hex(
                "1d951449ec9a55924fd25a084453fa6ca42dda4dd43958a820699ee5b6cc833f
                 3dd559abf64d2a6194cd998b25a775836d2d8458267ea545e0015e34811dfe8a
                 4e6f2a5ba63bd0a852f9ed6daefc1e5dcb5caa5bb4116696e412049c7d8c28f6
                 7e6c40b614513ab4"
            )
        );
        assert_eq!(
            ssl3_finished(&secret, b"handshake messages", FinishedBy::Client),
            hex("c2f7d22bbd1e05bca832ac6b8be6320bdbd292db770a9de01b1e6e8ee09568ee51daf7f6")
        );
        assert_eq!(
            ssl3_finished(&secret, b"handshake messages", FinishedBy::Server),
            hex("4bea73d25b7c26fc5fc6be4cac7ca49f3e4ead831f7199c453488b015067d7741e404ce8")
        );
    }

    #[test]
    fn transcript_hash_lengths() {
        assert_eq!(transcript_hash(PrfHash::Md5Sha1, b"x").len(), 36);
        assert_eq!(transcript_hash(PrfHash::Sha256, b"x").len(), 32);
        assert_eq!(transcript_hash(PrfHash::Sha384, b"x").len(), 48);
    }
}
