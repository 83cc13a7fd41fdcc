//! The client's side of the key exchanges, and the check of the server's ServerKeyExchange
//! signature against the leaf certificate's key: RSA key transport (PKCS #1 v1.5), ephemeral
//! finite-field Diffie-Hellman, and ECDHE over x25519, P-256 and P-384. The arithmetic is
//! RustCrypto's (`rsa`, `x25519-dalek`, `p256`, `p384`). Pure but for the system random source.

use md5::Md5;
use rand_core::{OsRng, RngCore};
use rsa::traits::PublicKeyParts;
use rsa::{BigUint, Pkcs1v15Encrypt, Pkcs1v15Sign, Pss, RsaPublicKey};
use sha1::{Digest, Sha1};
use sha2::{Sha256, Sha384, Sha512};
use thiserror::Error;

use crate::tls::groups;
use crate::tls::server_messages::{DhParameters, EcParameters, KeyExchangeParameters};
use crate::tls::ProtocolVersion;

/// The signature schemes the legacy client offers in TLS 1.2 and can verify.
pub const VERIFIABLE_SCHEMES: &[u16] = &[
    0x0403, // ecdsa_secp256r1_sha256
    0x0503, // ecdsa_secp384r1_sha384
    0x0603, // ecdsa_secp521r1_sha512 (the hash; P-521 keys are not supported)
    0x0804, // rsa_pss_rsae_sha256
    0x0805, // rsa_pss_rsae_sha384
    0x0806, // rsa_pss_rsae_sha512
    0x0401, // rsa_pkcs1_sha256
    0x0501, // rsa_pkcs1_sha384
    0x0601, // rsa_pkcs1_sha512
    0x0201, // rsa_pkcs1_sha1
    0x0203, // ecdsa_sha1
];

/// The groups the legacy client can complete an ECDHE exchange on.
pub const ECDHE_GROUPS: &[u16] = &[groups::X25519, groups::SECP256R1, groups::SECP384R1];

#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum KeyExchangeError {
    #[error("the leaf certificate's key cannot be read: {0}")]
    BadCertificateKey(String),
    #[error("the leaf certificate's key ({0}) does not fit the negotiated key exchange")]
    WrongKeyType(&'static str),
    #[error("the server's key exchange signature does not verify with the leaf's key")]
    BadSignature,
    #[error("the server signed with scheme {0:#06x}, which the client did not offer")]
    UnofferedScheme(u16),
    #[error("group {0} is not one the legacy client can use")]
    UnsupportedGroup(String),
    #[error("the server's key exchange parameters are invalid: {0}")]
    BadParameters(&'static str),
    #[error("RSA encryption failed: {0}")]
    Rsa(String),
}

/// The server's certificate key.
#[derive(Clone, Debug)]
pub enum ServerKey {
    Rsa(RsaPublicKey),
    P256(p256::PublicKey),
    P384(p384::PublicKey),
}

impl ServerKey {
    /// The key of a DER certificate.
    pub fn from_certificate(der: &[u8]) -> Result<Self, KeyExchangeError> {
        use rsa::pkcs8::DecodePublicKey;
        let (_, certificate) = x509_parser::parse_x509_certificate(der)
            .map_err(|error| KeyExchangeError::BadCertificateKey(error.to_string()))?;
        let spki = certificate.public_key().raw;
        if let Ok(key) = RsaPublicKey::from_public_key_der(spki) {
            return Ok(ServerKey::Rsa(key));
        }
        if let Ok(key) = p256::PublicKey::from_public_key_der(spki) {
            return Ok(ServerKey::P256(key));
        }
        if let Ok(key) = p384::PublicKey::from_public_key_der(spki) {
            return Ok(ServerKey::P384(key));
        }
        Err(KeyExchangeError::BadCertificateKey(
            "not an RSA, P-256 or P-384 key".into(),
        ))
    }

    fn name(&self) -> &'static str {
        match self {
            ServerKey::Rsa(_) => "RSA",
            ServerKey::P256(_) => "ECDSA P-256",
            ServerKey::P384(_) => "ECDSA P-384",
        }
    }

    /// Size of the key in bits.
    pub fn bits(&self) -> usize {
        match self {
            ServerKey::Rsa(key) => key.n().bits(),
            ServerKey::P256(_) => 256,
            ServerKey::P384(_) => 384,
        }
    }

    /// Checks a ServerKeyExchange signature over `signed` (client random, server random and
    /// the parameters). Before TLS 1.2 the scheme is implied: RSA signs MD5 ‖ SHA-1 without a
    /// DigestInfo, ECDSA signs SHA-1.
    pub fn verify(
        &self,
        version: ProtocolVersion,
        scheme: Option<u16>,
        signed: &[u8],
        signature: &[u8],
    ) -> Result<(), KeyExchangeError> {
        let scheme = match (version >= ProtocolVersion::Tls12, scheme) {
            (false, _) => None,
            (true, Some(scheme)) if VERIFIABLE_SCHEMES.contains(&scheme) => Some(scheme),
            (true, Some(scheme)) => return Err(KeyExchangeError::UnofferedScheme(scheme)),
            (true, None) => return Err(KeyExchangeError::BadParameters("no signature scheme")),
        };
        let bad = |_| KeyExchangeError::BadSignature;
        match (self, scheme) {
            (ServerKey::Rsa(key), None) => {
                let mut hashed = Md5::digest(signed).to_vec();
                hashed.extend_from_slice(&Sha1::digest(signed));
                key.verify(Pkcs1v15Sign::new_unprefixed(), &hashed, signature)
                    .map_err(bad)
            }
            (ServerKey::Rsa(key), Some(scheme)) => {
                let (pss, hashed) = match scheme {
                    0x0201 => (false, Sha1::digest(signed).to_vec()),
                    0x0401 | 0x0804 => (scheme == 0x0804, Sha256::digest(signed).to_vec()),
                    0x0501 | 0x0805 => (scheme == 0x0805, Sha384::digest(signed).to_vec()),
                    0x0601 | 0x0806 => (scheme == 0x0806, Sha512::digest(signed).to_vec()),
                    _ => return Err(KeyExchangeError::WrongKeyType(self.name())),
                };
                let result = match (pss, scheme) {
                    (false, 0x0201) => key.verify(Pkcs1v15Sign::new::<Sha1>(), &hashed, signature),
                    (false, 0x0401) => {
                        key.verify(Pkcs1v15Sign::new::<Sha256>(), &hashed, signature)
                    }
                    (false, 0x0501) => {
                        key.verify(Pkcs1v15Sign::new::<Sha384>(), &hashed, signature)
                    }
                    (false, _) => key.verify(Pkcs1v15Sign::new::<Sha512>(), &hashed, signature),
                    (true, 0x0804) => key.verify(Pss::new::<Sha256>(), &hashed, signature),
                    (true, 0x0805) => key.verify(Pss::new::<Sha384>(), &hashed, signature),
                    (true, _) => key.verify(Pss::new::<Sha512>(), &hashed, signature),
                };
                result.map_err(bad)
            }
            (ServerKey::P256(_) | ServerKey::P384(_), scheme) => {
                let hashed = match scheme {
                    None | Some(0x0203) => Sha1::digest(signed).to_vec(),
                    Some(0x0403) => Sha256::digest(signed).to_vec(),
                    Some(0x0503) => Sha384::digest(signed).to_vec(),
                    Some(0x0603) => Sha512::digest(signed).to_vec(),
                    Some(_) => return Err(KeyExchangeError::WrongKeyType(self.name())),
                };
                self.verify_ecdsa(&hashed, signature)
            }
        }
    }

    fn verify_ecdsa(&self, hashed: &[u8], signature: &[u8]) -> Result<(), KeyExchangeError> {
        use p256::ecdsa::signature::hazmat::PrehashVerifier;
        let bad = |_| KeyExchangeError::BadSignature;
        match self {
            ServerKey::P256(key) => {
                let signature = p256::ecdsa::Signature::from_der(signature).map_err(bad)?;
                p256::ecdsa::VerifyingKey::from(key)
                    .verify_prehash(hashed, &signature)
                    .map_err(bad)
            }
            ServerKey::P384(key) => {
                let signature = p384::ecdsa::Signature::from_der(signature).map_err(bad)?;
                p384::ecdsa::VerifyingKey::from(key)
                    .verify_prehash(hashed, &signature)
                    .map_err(bad)
            }
            ServerKey::Rsa(_) => Err(KeyExchangeError::WrongKeyType(self.name())),
        }
    }
}

/// The client's half of a key exchange: what to send and the premaster secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientShare {
    /// The ClientKeyExchange body.
    pub message: Vec<u8>,
    pub premaster_secret: Vec<u8>,
    /// The ECDHE group used, if any.
    pub group: Option<u16>,
    /// The finite-field prime's size in bits, for DHE.
    pub dh_bits: Option<u32>,
}

/// RSA key transport: a fresh premaster secret that names `client_version` (the version of
/// the ClientHello, RFC 5246 section 7.4.7.1), encrypted to the certificate's key.
pub fn rsa_share(key: &ServerKey, client_version: u16) -> Result<ClientShare, KeyExchangeError> {
    let ServerKey::Rsa(key) = key else {
        return Err(KeyExchangeError::WrongKeyType(key.name()));
    };
    let mut premaster_secret = vec![0u8; 48];
    OsRng.fill_bytes(&mut premaster_secret);
    premaster_secret[..2].copy_from_slice(&client_version.to_be_bytes());
    let encrypted = key
        .encrypt(&mut OsRng, Pkcs1v15Encrypt, &premaster_secret)
        .map_err(|error| KeyExchangeError::Rsa(error.to_string()))?;
    Ok(ClientShare {
        message: u16_prefixed(&encrypted),
        premaster_secret,
        group: None,
        dh_bits: None,
    })
}

/// The client's share for the server's (EC)DHE parameters.
pub fn ephemeral_share(
    parameters: &KeyExchangeParameters,
) -> Result<ClientShare, KeyExchangeError> {
    match parameters {
        KeyExchangeParameters::Ec(EcParameters::NamedCurve { group, point }) => {
            ecdhe_share(*group, point)
        }
        KeyExchangeParameters::Ec(EcParameters::Explicit { .. }) => Err(
            KeyExchangeError::UnsupportedGroup("explicit curve parameters".into()),
        ),
        KeyExchangeParameters::Dh(dh) => dhe_share(dh),
        _ => Err(KeyExchangeError::BadParameters(
            "not Diffie-Hellman parameters",
        )),
    }
}

fn ecdhe_share(group: u16, point: &[u8]) -> Result<ClientShare, KeyExchangeError> {
    let bad_point = KeyExchangeError::BadParameters("the server's public point");
    let (public, shared) = match group {
        groups::X25519 => {
            let server: [u8; 32] = point.try_into().map_err(|_| bad_point.clone())?;
            let secret = x25519_dalek::EphemeralSecret::random_from_rng(OsRng);
            let public = x25519_dalek::PublicKey::from(&secret);
            let shared = secret.diffie_hellman(&x25519_dalek::PublicKey::from(server));
            if !shared.was_contributory() {
                return Err(bad_point);
            }
            (public.as_bytes().to_vec(), shared.as_bytes().to_vec())
        }
        groups::SECP256R1 => {
            use p256::elliptic_curve::sec1::ToEncodedPoint;
            let server = p256::PublicKey::from_sec1_bytes(point).map_err(|_| bad_point)?;
            let secret = p256::ecdh::EphemeralSecret::random(&mut OsRng);
            let public = secret
                .public_key()
                .to_encoded_point(false)
                .as_bytes()
                .to_vec();
            let shared = secret.diffie_hellman(&server).raw_secret_bytes().to_vec();
            (public, shared)
        }
        groups::SECP384R1 => {
            use p384::elliptic_curve::sec1::ToEncodedPoint;
            let server = p384::PublicKey::from_sec1_bytes(point).map_err(|_| bad_point)?;
            let secret = p384::ecdh::EphemeralSecret::random(&mut OsRng);
            let public = secret
                .public_key()
                .to_encoded_point(false)
                .as_bytes()
                .to_vec();
            let shared = secret.diffie_hellman(&server).raw_secret_bytes().to_vec();
            (public, shared)
        }
        other => {
            return Err(KeyExchangeError::UnsupportedGroup(groups::display_name(
                other,
            )))
        }
    };
    let mut message = vec![u8::try_from(public.len()).unwrap_or(0)];
    message.extend_from_slice(&public);
    Ok(ClientShare {
        message,
        premaster_secret: shared,
        group: Some(group),
        dh_bits: None,
    })
}

fn dhe_share(dh: &DhParameters) -> Result<ClientShare, KeyExchangeError> {
    let prime = BigUint::from_bytes_be(&dh.prime);
    let generator = BigUint::from_bytes_be(&dh.generator);
    let server = BigUint::from_bytes_be(&dh.public_value);
    let one = BigUint::from(1u8);
    if prime.bits() < 256 || generator <= one || generator >= prime {
        return Err(KeyExchangeError::BadParameters("the DH prime or generator"));
    }
    let limit = &prime - &one;
    if server <= one || server >= limit {
        return Err(KeyExchangeError::BadParameters(
            "the server's DH public value",
        ));
    }
    // A private exponent as long as the prime, reduced below it.
    let mut random = vec![0u8; dh.prime.len()];
    OsRng.fill_bytes(&mut random);
    let private = BigUint::from_bytes_be(&random) % &limit + &one;
    let public = generator.modpow(&private, &prime);
    let shared = server.modpow(&private, &prime);
    // RFC 5246 section 8.1.2: leading zero bytes of Z are stripped.
    let premaster_secret = shared.to_bytes_be();
    Ok(ClientShare {
        message: u16_prefixed(&public.to_bytes_be()),
        premaster_secret,
        group: None,
        dh_bits: Some(dh.prime_bits()),
    })
}

fn u16_prefixed(bytes: &[u8]) -> Vec<u8> {
    let mut out = u16::try_from(bytes.len())
        .unwrap_or(u16::MAX)
        .to_be_bytes()
        .to_vec();
    out.extend_from_slice(bytes);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> String {
        let path = format!("{}/testdata/certs/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
    }

    fn leaf_key(name: &str) -> ServerKey {
        let pem = pem::parse(fixture(name)).unwrap();
        ServerKey::from_certificate(pem.contents()).unwrap()
    }

    /// The fixtures' own private keys sign as a server would; the client accepts exactly those
    /// signatures, under the scheme and version they were made for.
    #[test]
    fn verifies_rsa_signatures_as_tls10_and_tls12_servers_make_them() {
        use rsa::pkcs8::DecodePrivateKey;
        let private = rsa::RsaPrivateKey::from_pkcs8_pem(&fixture("good.key")).unwrap();
        let key = leaf_key("good.pem");
        assert_eq!(key.bits(), 2048);
        let signed = b"client random, server random, parameters";

        // TLS 1.0: PKCS #1 v1.5 over MD5 || SHA-1, no DigestInfo.
        let mut hashed = Md5::digest(signed).to_vec();
        hashed.extend_from_slice(&Sha1::digest(signed));
        let tls10 = private
            .sign(Pkcs1v15Sign::new_unprefixed(), &hashed)
            .unwrap();
        assert_eq!(
            key.verify(ProtocolVersion::Tls10, None, signed, &tls10),
            Ok(())
        );
        assert_eq!(
            key.verify(ProtocolVersion::Tls10, None, b"other parameters", &tls10),
            Err(KeyExchangeError::BadSignature)
        );

        // TLS 1.2: rsa_pkcs1_sha256 and rsa_pss_rsae_sha256.
        let sha256 = Sha256::digest(signed).to_vec();
        let pkcs1 = private
            .sign(Pkcs1v15Sign::new::<Sha256>(), &sha256)
            .unwrap();
        assert_eq!(
            key.verify(ProtocolVersion::Tls12, Some(0x0401), signed, &pkcs1),
            Ok(())
        );
        // The same signature claimed under another scheme does not verify.
        assert_eq!(
            key.verify(ProtocolVersion::Tls12, Some(0x0501), signed, &pkcs1),
            Err(KeyExchangeError::BadSignature)
        );
        let pss = private
            .sign_with_rng(&mut OsRng, Pss::new::<Sha256>(), &sha256)
            .unwrap();
        assert_eq!(
            key.verify(ProtocolVersion::Tls12, Some(0x0804), signed, &pss),
            Ok(())
        );
        // A scheme the client did not offer is refused as such.
        assert_eq!(
            key.verify(ProtocolVersion::Tls12, Some(0x0807), signed, &pss),
            Err(KeyExchangeError::UnofferedScheme(0x0807))
        );
        assert!(rsa_share(&key, 0x0303).is_ok_and(|share| {
            share.premaster_secret.len() == 48 && share.premaster_secret[..2] == [3, 3]
        }));
    }

    #[test]
    fn verifies_ecdsa_signatures_and_refuses_an_rsa_share_to_an_ec_key() {
        use p256::ecdsa::signature::hazmat::PrehashSigner;
        use p256::pkcs8::DecodePrivateKey as _;
        let pem = pem::parse(fixture("ec.key")).unwrap();
        let secret = p256::SecretKey::from_sec1_der(pem.contents())
            .or_else(|_| p256::SecretKey::from_pkcs8_der(pem.contents()))
            .unwrap();
        let signer = p256::ecdsa::SigningKey::from(secret);
        let key = leaf_key("ec.pem");
        let signed = b"client random, server random, parameters";
        let signature: p256::ecdsa::Signature =
            signer.sign_prehash(&Sha256::digest(signed)).unwrap();
        let der = signature.to_der();
        assert_eq!(
            key.verify(ProtocolVersion::Tls12, Some(0x0403), signed, der.as_bytes()),
            Ok(())
        );
        assert_eq!(
            key.verify(
                ProtocolVersion::Tls12,
                Some(0x0403),
                b"tampered",
                der.as_bytes()
            ),
            Err(KeyExchangeError::BadSignature)
        );
        // TLS 1.0 ECDSA signs SHA-1.
        let tls10: p256::ecdsa::Signature = signer.sign_prehash(&Sha1::digest(signed)).unwrap();
        assert_eq!(
            key.verify(
                ProtocolVersion::Tls10,
                None,
                signed,
                tls10.to_der().as_bytes()
            ),
            Ok(())
        );
        assert_eq!(
            rsa_share(&key, 0x0303),
            Err(KeyExchangeError::WrongKeyType("ECDSA P-256"))
        );
    }

    #[test]
    fn dhe_shares_agree_with_the_servers_side() {
        // RFC 3526 group 14's 2048-bit prime, generator 2, computed on both sides.
        let prime_hex = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AACAA68FFFFFFFFFFFFFFFF";
        let prime = BigUint::parse_bytes(prime_hex.as_bytes(), 16).unwrap();
        let generator = BigUint::from(2u8);
        let server_private = BigUint::from(0x1234_5678_9abc_def1u64);
        let server_public = generator.modpow(&server_private, &prime);
        let share = dhe_share(&DhParameters {
            prime: prime.to_bytes_be(),
            generator: vec![2],
            public_value: server_public.to_bytes_be(),
        })
        .unwrap();
        let length = usize::from(u16::from_be_bytes([share.message[0], share.message[1]]));
        let client_public = BigUint::from_bytes_be(&share.message[2..2 + length]);
        let shared = client_public.modpow(&server_private, &prime);
        assert_eq!(share.premaster_secret, shared.to_bytes_be());
        assert_eq!(share.dh_bits, Some(2048));
        // A public value of 1 would make the secret known: refused.
        assert!(dhe_share(&DhParameters {
            prime: prime.to_bytes_be(),
            generator: vec![2],
            public_value: vec![1],
        })
        .is_err());
    }

    #[test]
    fn ecdhe_shares_agree_with_the_servers_side() {
        let server = p256::ecdh::EphemeralSecret::random(&mut OsRng);
        use p256::elliptic_curve::sec1::ToEncodedPoint;
        let point = server.public_key().to_encoded_point(false);
        let share = ecdhe_share(groups::SECP256R1, point.as_bytes()).unwrap();
        let client = p256::PublicKey::from_sec1_bytes(&share.message[1..]).unwrap();
        assert_eq!(
            server.diffie_hellman(&client).raw_secret_bytes().to_vec(),
            share.premaster_secret
        );
        let server = x25519_dalek::EphemeralSecret::random_from_rng(OsRng);
        let point = x25519_dalek::PublicKey::from(&server);
        let share = ecdhe_share(groups::X25519, point.as_bytes()).unwrap();
        let client: [u8; 32] = share.message[1..].try_into().unwrap();
        assert_eq!(
            server
                .diffie_hellman(&x25519_dalek::PublicKey::from(client))
                .as_bytes()
                .to_vec(),
            share.premaster_secret
        );
        // The all-zero point gives a known secret: refused.
        assert!(ecdhe_share(groups::X25519, &[0; 32]).is_err());
        assert!(matches!(
            ecdhe_share(0x0100, &[1]),
            Err(KeyExchangeError::UnsupportedGroup(_))
        ));
    }
}
