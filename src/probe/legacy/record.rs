//! Record protection for the legacy client: what a cipher suite means for the record layer
//! ([`SuiteParameters`]), the key block cut into keys ([`KeyBlock`]), and one direction's
//! protection ([`RecordProtection`]): MAC-then-encrypt with CBC (the TLS 1.0 implicit IV chained
//! from the previous record, or an explicit IV per record from TLS 1.1), RC4, and AES-GCM. The
//! ciphers, MACs and AEADs are RustCrypto's; only the TLS framing around them is written here.
//! Pure.

use aes_gcm::aead::AeadInPlace;
use aes_gcm::{Aes128Gcm, Aes256Gcm};
use cbc::cipher::block_padding::NoPadding;
use cbc::cipher::{
    BlockCipher, BlockDecryptMut, BlockEncryptMut, KeyInit, KeyIvInit, StreamCipher,
};
use hmac::Hmac;
use md5::Md5;
use rand_core::{OsRng, RngCore};
use sha1::Sha1;
use sha2::{Sha256, Sha384};
use thiserror::Error;

use super::prf::PrfHash;
use crate::tls::suites::{Authentication, BulkCipher, CipherMode, CipherSuite, KeyExchange, Mac};
use crate::tls::ProtocolVersion;

/// The key exchanges the legacy client completes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientKeyExchange {
    /// The premaster secret encrypted to the certificate's RSA key.
    Rsa,
    /// Ephemeral finite-field Diffie-Hellman, signed by the server's RSA key.
    Dhe,
    /// Ephemeral elliptic-curve Diffie-Hellman (x25519, P-256, P-384), signed by the server's
    /// RSA or ECDSA key.
    Ecdhe,
}

/// The bulk ciphers the legacy client can run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bulk {
    Aes128Cbc,
    Aes256Cbc,
    TripleDesCbc,
    DesCbc,
    Camellia128Cbc,
    Camellia256Cbc,
    Rc4,
    Aes128Gcm,
    Aes256Gcm,
}

impl Bulk {
    fn key_len(self) -> usize {
        match self {
            Bulk::Aes128Cbc | Bulk::Camellia128Cbc | Bulk::Rc4 | Bulk::Aes128Gcm => 16,
            Bulk::Aes256Cbc | Bulk::Camellia256Cbc | Bulk::Aes256Gcm => 32,
            Bulk::TripleDesCbc => 24,
            Bulk::DesCbc => 8,
        }
    }

    /// Block length for CBC ciphers; none for stream ciphers and AEADs.
    fn block_len(self) -> Option<usize> {
        match self {
            Bulk::Aes128Cbc | Bulk::Aes256Cbc | Bulk::Camellia128Cbc | Bulk::Camellia256Cbc => {
                Some(16)
            }
            Bulk::TripleDesCbc | Bulk::DesCbc => Some(8),
            Bulk::Rc4 | Bulk::Aes128Gcm | Bulk::Aes256Gcm => None,
        }
    }

    fn is_aead(self) -> bool {
        matches!(self, Bulk::Aes128Gcm | Bulk::Aes256Gcm)
    }
}

/// The record MACs (HMAC with these hashes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MacHash {
    Md5,
    Sha1,
    Sha256,
    Sha384,
}

impl MacHash {
    fn len(self) -> usize {
        match self {
            MacHash::Md5 => 16,
            MacHash::Sha1 => 20,
            MacHash::Sha256 => 32,
            MacHash::Sha384 => 48,
        }
    }

    /// SSLv3's MAC (RFC 6101 section 5.2.3.1): `hash(secret ‖ pad2 ‖ hash(secret ‖ pad1 ‖
    /// parts))`, pads of 48 bytes for MD5 and 40 for SHA-1.
    fn compute_ssl3(self, key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
        fn run<D: sha1::Digest>(key: &[u8], pad: usize, parts: &[&[u8]]) -> Vec<u8> {
            let mut inner = D::new();
            inner.update(key);
            inner.update(vec![0x36; pad]);
            for part in parts {
                inner.update(part);
            }
            let mut outer = D::new();
            outer.update(key);
            outer.update(vec![0x5c; pad]);
            outer.update(inner.finalize());
            outer.finalize().to_vec()
        }
        match self {
            MacHash::Md5 => run::<Md5>(key, 48, parts),
            MacHash::Sha1 => run::<Sha1>(key, 40, parts),
            // No SSLv3 suite has another MAC ([`SuiteParameters::new`] refuses them).
            MacHash::Sha256 => run::<Sha256>(key, 40, parts),
            MacHash::Sha384 => run::<Sha384>(key, 40, parts),
        }
    }

    fn compute(self, key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
        fn run<M: hmac::Mac + KeyInit>(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
            let Ok(mut mac) = <M as KeyInit>::new_from_slice(key) else {
                return Vec::new();
            };
            for part in parts {
                mac.update(part);
            }
            mac.finalize().into_bytes().to_vec()
        }
        match self {
            MacHash::Md5 => run::<Hmac<Md5>>(key, parts),
            MacHash::Sha1 => run::<Hmac<Sha1>>(key, parts),
            MacHash::Sha256 => run::<Hmac<Sha256>>(key, parts),
            MacHash::Sha384 => run::<Hmac<Sha384>>(key, parts),
        }
    }
}

/// What a cipher suite, at a version, asks of the record layer and the key schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SuiteParameters {
    pub code: u16,
    pub key_exchange: ClientKeyExchange,
    pub bulk: Bulk,
    /// None for AEAD suites.
    pub mac: Option<MacHash>,
    pub prf: PrfHash,
}

impl SuiteParameters {
    /// The parameters of `suite` negotiated at `version`, if the legacy client can run it.
    pub fn new(suite: &CipherSuite, version: ProtocolVersion) -> Option<Self> {
        if suite.is_export() || !(ProtocolVersion::Ssl3..=ProtocolVersion::Tls12).contains(&version)
        {
            return None;
        }
        let key_exchange = match (suite.key_exchange, suite.authentication) {
            (KeyExchange::Rsa, Authentication::Rsa) => ClientKeyExchange::Rsa,
            (KeyExchange::Dhe, Authentication::Rsa) => ClientKeyExchange::Dhe,
            (KeyExchange::Ecdhe, Authentication::Rsa | Authentication::Ecdsa) => {
                ClientKeyExchange::Ecdhe
            }
            _ => return None,
        };
        let bulk = match (suite.cipher, suite.mode, suite.key_bits) {
            (BulkCipher::Aes, CipherMode::Cbc, 128) => Bulk::Aes128Cbc,
            (BulkCipher::Aes, CipherMode::Cbc, 256) => Bulk::Aes256Cbc,
            (BulkCipher::Aes, CipherMode::Gcm, 128) => Bulk::Aes128Gcm,
            (BulkCipher::Aes, CipherMode::Gcm, 256) => Bulk::Aes256Gcm,
            (BulkCipher::Camellia, CipherMode::Cbc, 128) => Bulk::Camellia128Cbc,
            (BulkCipher::Camellia, CipherMode::Cbc, 256) => Bulk::Camellia256Cbc,
            (BulkCipher::TripleDes, CipherMode::Cbc, _) => Bulk::TripleDesCbc,
            (BulkCipher::Des, CipherMode::Cbc, 56) => Bulk::DesCbc,
            (BulkCipher::Rc4, CipherMode::Stream, 128) => Bulk::Rc4,
            _ => return None,
        };
        let mac = match suite.mac {
            Mac::Md5 => Some(MacHash::Md5),
            Mac::Sha1 => Some(MacHash::Sha1),
            Mac::Sha256 => Some(MacHash::Sha256),
            Mac::Sha384 => Some(MacHash::Sha384),
            Mac::Aead if bulk.is_aead() => None,
            _ => return None,
        };
        if version == ProtocolVersion::Ssl3 && !matches!(mac, Some(MacHash::Md5 | MacHash::Sha1)) {
            return None;
        }
        let prf = if version < ProtocolVersion::Tls12 {
            PrfHash::Md5Sha1
        } else if mac == Some(MacHash::Sha384) || suite.iana_name.ends_with("SHA384") {
            PrfHash::Sha384
        } else {
            PrfHash::Sha256
        };
        if !suite.is_valid_for(version) {
            return None;
        }
        Some(Self {
            code: suite.code,
            key_exchange,
            bulk,
            mac,
            prf,
        })
    }

    fn mac_len(&self) -> usize {
        self.mac.map_or(0, MacHash::len)
    }

    /// Length of the implicit IV taken from the key block: the first CBC IV in TLS 1.0, GCM's
    /// four-byte salt.
    fn fixed_iv_len(&self, version: ProtocolVersion) -> usize {
        match self.bulk.block_len() {
            Some(block) if version <= ProtocolVersion::Tls10 => block,
            _ if self.bulk.is_aead() => 4,
            _ => 0,
        }
    }

    /// Bytes of key block the suite needs (RFC 5246 section 6.3).
    pub fn key_block_len(&self, version: ProtocolVersion) -> usize {
        2 * (self.mac_len() + self.bulk.key_len() + self.fixed_iv_len(version))
    }
}

/// One direction's keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirectionKeys {
    pub mac_key: Vec<u8>,
    pub key: Vec<u8>,
    pub iv: Vec<u8>,
}

/// The key block cut into the client's and the server's keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyBlock {
    pub client: DirectionKeys,
    pub server: DirectionKeys,
}

impl KeyBlock {
    /// Cuts `block` (at least [`SuiteParameters::key_block_len`] bytes) in RFC 5246's order:
    /// MAC keys, then encryption keys, then IVs, client first each time.
    pub fn split(block: &[u8], suite: &SuiteParameters, version: ProtocolVersion) -> Option<Self> {
        let mut rest = block;
        let mut take = |length: usize| -> Option<Vec<u8>> {
            let (taken, after) = rest.split_at_checked(length)?;
            rest = after;
            Some(taken.to_vec())
        };
        let (mac, key, iv) = (
            suite.mac_len(),
            suite.bulk.key_len(),
            suite.fixed_iv_len(version),
        );
        let (client_mac, server_mac) = (take(mac)?, take(mac)?);
        let (client_key, server_key) = (take(key)?, take(key)?);
        let (client_iv, server_iv) = (take(iv)?, take(iv)?);
        Some(Self {
            client: DirectionKeys {
                mac_key: client_mac,
                key: client_key,
                iv: client_iv,
            },
            server: DirectionKeys {
                mac_key: server_mac,
                key: server_key,
                iv: server_iv,
            },
        })
    }
}

/// Why a protected record could not be opened (or, rarely, sealed).
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum RecordError {
    #[error("record of {length} bytes is too short or not a whole number of cipher blocks")]
    BadLength { length: usize },
    #[error("bad record MAC or padding")]
    BadRecordMac,
    #[error("the record's sequence number wrapped")]
    SequenceExhausted,
    #[error("the cipher refused its key")]
    BadKey,
}

enum CipherState {
    Cbc {
        bulk: Bulk,
        key: Vec<u8>,
        /// TLS 1.0: the IV of the next record (the last ciphertext block); none from TLS 1.1,
        /// where each record carries its own.
        chained_iv: Option<Vec<u8>>,
    },
    Rc4(Box<rc4::Rc4<rc4::consts::U16>>),
    Aes128Gcm(Box<Aes128Gcm>, Vec<u8>),
    Aes256Gcm(Box<Aes256Gcm>, Vec<u8>),
}

/// One direction of a connection's record protection, with its sequence number.
pub struct RecordProtection {
    cipher: CipherState,
    /// SSLv3: its own MAC, and CBC padding of any content.
    ssl3: bool,
    mac: Option<(MacHash, Vec<u8>)>,
    sequence: u64,
}

impl std::fmt::Debug for RecordProtection {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("RecordProtection")
            .field("sequence", &self.sequence)
            .finish_non_exhaustive()
    }
}

impl RecordProtection {
    /// Protection for one direction with `keys`, as `suite` at `version` asks.
    pub fn new(
        suite: &SuiteParameters,
        version: ProtocolVersion,
        keys: &DirectionKeys,
    ) -> Result<Self, RecordError> {
        let cipher = match suite.bulk {
            Bulk::Rc4 => CipherState::Rc4(Box::new(
                <rc4::Rc4<rc4::consts::U16> as rc4::KeyInit>::new_from_slice(&keys.key)
                    .map_err(|_| RecordError::BadKey)?,
            )),
            Bulk::Aes128Gcm => CipherState::Aes128Gcm(
                Box::new(Aes128Gcm::new_from_slice(&keys.key).map_err(|_| RecordError::BadKey)?),
                keys.iv.clone(),
            ),
            Bulk::Aes256Gcm => CipherState::Aes256Gcm(
                Box::new(Aes256Gcm::new_from_slice(&keys.key).map_err(|_| RecordError::BadKey)?),
                keys.iv.clone(),
            ),
            bulk => CipherState::Cbc {
                bulk,
                key: keys.key.clone(),
                chained_iv: (version <= ProtocolVersion::Tls10).then(|| keys.iv.clone()),
            },
        };
        Ok(Self {
            cipher,
            ssl3: version == ProtocolVersion::Ssl3,
            mac: suite.mac.map(|hash| (hash, keys.mac_key.clone())),
            sequence: 0,
        })
    }

    /// The sequence number of the next record.
    pub fn sequence(&self) -> u64 {
        self.sequence
    }

    fn next_sequence(&mut self) -> Result<[u8; 8], RecordError> {
        let current = self.sequence;
        self.sequence = current
            .checked_add(1)
            .ok_or(RecordError::SequenceExhausted)?;
        Ok(current.to_be_bytes())
    }

    fn record_mac(&self, sequence: &[u8; 8], header: &[u8; 3], data: &[u8]) -> Vec<u8> {
        let Some((hash, key)) = &self.mac else {
            return Vec::new();
        };
        let length = u16::try_from(data.len()).unwrap_or(u16::MAX).to_be_bytes();
        if self.ssl3 {
            // SSLv3 MACs the type but not the version.
            return hash.compute_ssl3(key, &[sequence, &header[..1], &length, data]);
        }
        hash.compute(key, &[sequence, header, &length, data])
    }

    /// Protects one record's plaintext (at most 2^14 bytes) of `content_type` at the record
    /// version `version`; returns the record's fragment.
    pub fn seal(
        &mut self,
        content_type: u8,
        version: u16,
        plaintext: &[u8],
    ) -> Result<Vec<u8>, RecordError> {
        let sequence = self.next_sequence()?;
        let [high, low] = version.to_be_bytes();
        let header = [content_type, high, low];
        let mac = self.record_mac(&sequence, &header, plaintext);
        match &mut self.cipher {
            CipherState::Rc4(cipher) => {
                let mut data = [plaintext, &mac].concat();
                cipher.apply_keystream(&mut data);
                Ok(data)
            }
            CipherState::Aes128Gcm(_, salt) | CipherState::Aes256Gcm(_, salt) => {
                let nonce = [salt.as_slice(), &sequence].concat();
                let length = u16::try_from(plaintext.len()).unwrap_or(u16::MAX);
                let aad = [&sequence[..], &header, &length.to_be_bytes()].concat();
                let mut data = plaintext.to_vec();
                let nonce = aes_gcm::Nonce::from_slice(&nonce);
                let tag = match &self.cipher {
                    CipherState::Aes128Gcm(aead, _) => {
                        aead.encrypt_in_place_detached(nonce, &aad, &mut data)
                    }
                    CipherState::Aes256Gcm(aead, _) => {
                        aead.encrypt_in_place_detached(nonce, &aad, &mut data)
                    }
                    _ => return Err(RecordError::BadKey),
                }
                .map_err(|_| RecordError::BadKey)?;
                Ok([&sequence[..], &data, &tag].concat())
            }
            CipherState::Cbc {
                bulk,
                key,
                chained_iv,
            } => {
                let block = bulk.block_len().unwrap_or(16);
                let unpadded = plaintext.len() + mac.len() + 1;
                let padding = (block - unpadded % block) % block;
                let padding_byte = u8::try_from(padding).unwrap_or(0);
                let mut data = [plaintext, &mac].concat();
                data.resize(data.len() + padding + 1, padding_byte);
                let (iv, explicit) = match chained_iv {
                    Some(iv) => (iv.clone(), false),
                    None => {
                        let mut iv = vec![0u8; block];
                        OsRng.fill_bytes(&mut iv);
                        (iv, true)
                    }
                };
                cbc_encrypt(*bulk, key, &iv, &mut data)?;
                if let Some(chained) = chained_iv {
                    *chained = last_block(&data, block);
                }
                Ok(if explicit { [iv, data].concat() } else { data })
            }
        }
    }

    /// Opens one record's fragment of `content_type` at the record version `version`.
    pub fn open(
        &mut self,
        content_type: u8,
        version: u16,
        fragment: &[u8],
    ) -> Result<Vec<u8>, RecordError> {
        let sequence = self.next_sequence()?;
        let [high, low] = version.to_be_bytes();
        let header = [content_type, high, low];
        let mac_len = self.mac.as_ref().map_or(0, |(hash, _)| hash.len());
        let bad_length = RecordError::BadLength {
            length: fragment.len(),
        };
        let mut data = match &mut self.cipher {
            CipherState::Rc4(cipher) => {
                let mut data = fragment.to_vec();
                cipher.apply_keystream(&mut data);
                data
            }
            CipherState::Aes128Gcm(_, salt) | CipherState::Aes256Gcm(_, salt) => {
                let (explicit, rest) = fragment.split_at_checked(8).ok_or(bad_length.clone())?;
                let (ciphertext, tag) = rest
                    .split_at_checked(rest.len().checked_sub(16).ok_or(bad_length)?)
                    .ok_or(RecordError::BadRecordMac)?;
                let nonce = [salt.as_slice(), explicit].concat();
                let length = u16::try_from(ciphertext.len()).unwrap_or(u16::MAX);
                let aad = [&sequence[..], &header, &length.to_be_bytes()].concat();
                let mut data = ciphertext.to_vec();
                let nonce = aes_gcm::Nonce::from_slice(&nonce);
                let tag = aes_gcm::Tag::from_slice(tag);
                match &self.cipher {
                    CipherState::Aes128Gcm(aead, _) => {
                        aead.decrypt_in_place_detached(nonce, &aad, &mut data, tag)
                    }
                    CipherState::Aes256Gcm(aead, _) => {
                        aead.decrypt_in_place_detached(nonce, &aad, &mut data, tag)
                    }
                    _ => return Err(RecordError::BadKey),
                }
                .map_err(|_| RecordError::BadRecordMac)?;
                return Ok(data);
            }
            CipherState::Cbc {
                bulk,
                key,
                chained_iv,
            } => {
                let block = bulk.block_len().unwrap_or(16);
                let (iv, ciphertext) = match chained_iv {
                    Some(iv) => (iv.clone(), fragment),
                    None => {
                        let (iv, rest) =
                            fragment.split_at_checked(block).ok_or(bad_length.clone())?;
                        (iv.to_vec(), rest)
                    }
                };
                if ciphertext.is_empty()
                    || ciphertext.len() % block != 0
                    || ciphertext.len() < mac_len + 1
                {
                    return Err(bad_length);
                }
                if let Some(chained) = chained_iv {
                    *chained = last_block(ciphertext, block);
                }
                let mut data = ciphertext.to_vec();
                cbc_decrypt(*bulk, key, &iv, &mut data)?;
                let padding = usize::from(*data.last().ok_or(RecordError::BadRecordMac)?);
                let unpadded = data
                    .len()
                    .checked_sub(padding + 1)
                    .filter(|&length| length >= mac_len)
                    .ok_or(RecordError::BadRecordMac)?;
                // SSLv3's padding is of any content, and shorter than a block.
                let bad_padding = if self.ssl3 {
                    padding >= block
                } else {
                    data.get(unpadded..)
                        .is_none_or(|tail| tail.iter().any(|&byte| usize::from(byte) != padding))
                };
                if bad_padding {
                    return Err(RecordError::BadRecordMac);
                }
                data.truncate(unpadded);
                data
            }
        };
        let plaintext_len = data
            .len()
            .checked_sub(mac_len)
            .ok_or(RecordError::BadRecordMac)?;
        let received_mac = data.split_off(plaintext_len);
        let expected = self.record_mac(&sequence, &header, &data);
        if !constant_time_eq(&received_mac, &expected) {
            return Err(RecordError::BadRecordMac);
        }
        Ok(data)
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn last_block(data: &[u8], block: usize) -> Vec<u8> {
    data.get(data.len().saturating_sub(block)..)
        .unwrap_or_default()
        .to_vec()
}

fn cbc_encrypt(bulk: Bulk, key: &[u8], iv: &[u8], data: &mut [u8]) -> Result<(), RecordError> {
    fn run<C: BlockEncryptMut + BlockCipher + KeyInit>(
        key: &[u8],
        iv: &[u8],
        data: &mut [u8],
    ) -> Result<(), RecordError> {
        let length = data.len();
        cbc::Encryptor::<C>::new_from_slices(key, iv)
            .map_err(|_| RecordError::BadKey)?
            .encrypt_padded_mut::<NoPadding>(data, length)
            .map(|_| ())
            .map_err(|_| RecordError::BadLength { length })
    }
    match bulk {
        Bulk::Aes128Cbc => run::<aes::Aes128>(key, iv, data),
        Bulk::Aes256Cbc => run::<aes::Aes256>(key, iv, data),
        Bulk::TripleDesCbc => run::<des::TdesEde3>(key, iv, data),
        Bulk::DesCbc => run::<des::Des>(key, iv, data),
        Bulk::Camellia128Cbc => run::<camellia::Camellia128>(key, iv, data),
        Bulk::Camellia256Cbc => run::<camellia::Camellia256>(key, iv, data),
        _ => Err(RecordError::BadKey),
    }
}

fn cbc_decrypt(bulk: Bulk, key: &[u8], iv: &[u8], data: &mut [u8]) -> Result<(), RecordError> {
    fn run<C: BlockDecryptMut + BlockCipher + KeyInit>(
        key: &[u8],
        iv: &[u8],
        data: &mut [u8],
    ) -> Result<(), RecordError> {
        let length = data.len();
        cbc::Decryptor::<C>::new_from_slices(key, iv)
            .map_err(|_| RecordError::BadKey)?
            .decrypt_padded_mut::<NoPadding>(data)
            .map(|_| ())
            .map_err(|_| RecordError::BadLength { length })
    }
    match bulk {
        Bulk::Aes128Cbc => run::<aes::Aes128>(key, iv, data),
        Bulk::Aes256Cbc => run::<aes::Aes256>(key, iv, data),
        Bulk::TripleDesCbc => run::<des::TdesEde3>(key, iv, data),
        Bulk::DesCbc => run::<des::Des>(key, iv, data),
        Bulk::Camellia128Cbc => run::<camellia::Camellia128>(key, iv, data),
        Bulk::Camellia256Cbc => run::<camellia::Camellia256>(key, iv, data),
        _ => Err(RecordError::BadKey),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tls::suites;

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

    fn parameters(code: u16, version: ProtocolVersion) -> SuiteParameters {
        SuiteParameters::new(suites::by_code(code).unwrap(), version).unwrap()
    }

    fn keys(mac: usize, key: usize, iv: usize) -> DirectionKeys {
        DirectionKeys {
            mac_key: (32..32 + mac as u8).collect(),
            key: (0..key as u8).collect(),
            iv: (16..16 + iv as u8).collect(),
        }
    }

    /// NIST SP 800-38A, F.2.1 CBC-AES128.Encrypt, through our CBC helpers.
    #[test]
    fn cbc_matches_nist_sp800_38a() {
        let key = hex("2b7e151628aed2a6abf7158809cf4f3c");
        let iv = hex("000102030405060708090a0b0c0d0e0f");
        let plaintext = hex(
            "6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51
                             30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710",
        );
        let ciphertext = hex(
            "7649abac8119b246cee98e9b12e9197d 5086cb9b507219ee95db113a917678b2
                              73bed6b8e3c1743b7116e69e22229516 3ff1caa1681fac09120eca307586e1a7",
        );
        let mut data = plaintext.clone();
        cbc_encrypt(Bulk::Aes128Cbc, &key, &iv, &mut data).unwrap();
        assert_eq!(data, ciphertext);
        cbc_decrypt(Bulk::Aes128Cbc, &key, &iv, &mut data).unwrap();
        assert_eq!(data, plaintext);
    }

    /// RFC 2202 (HMAC-MD5, HMAC-SHA1) and RFC 4231 (HMAC-SHA256, HMAC-SHA384) test case 2.
    #[test]
    fn record_macs_match_rfc_2202_and_4231() {
        let data: &[&[u8]] = &[b"what do ya want ", b"for nothing?"];
        let cases = [
            (MacHash::Md5, "750c783e6ab0b503eaa86e310a5db738"),
            (MacHash::Sha1, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
            (
                MacHash::Sha256,
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            (
                MacHash::Sha384,
                "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e
                 8e2240ca5e69e2c78b3239ecfab21649",
            ),
        ];
        for (hash, expected) in cases {
            assert_eq!(hash.compute(b"Jefe", data), hex(expected), "{hash:?}");
            assert_eq!(
                hash.len(),
                expected.split_whitespace().collect::<String>().len() / 2
            );
        }
    }

    /// Two TLS 1.0 AES128-SHA records, the second chained from the first's last block; the
    /// expected bytes were made with Python's `cryptography` (OpenSSL) and `hmac`, following
    /// RFC 2246 section 6.2.3 by hand.
    #[test]
    fn tls10_cbc_records_chain_the_implicit_iv() {
        let suite = parameters(0x002f, ProtocolVersion::Tls10);
        let keys = keys(20, 16, 16);
        let mut client = RecordProtection::new(&suite, ProtocolVersion::Tls10, &keys).unwrap();
        let first = client.seal(23, 0x0301, b"GET / HTTP/1.0\r\n\r\n").unwrap();
        assert_eq!(
            first,
            hex(
                "dceb43bd4aa90484cac693fff669258305a319eb27c57b58266046998263d443
                 565178d938a5ca567d0f9d053823765a"
            )
        );
        let second = client.seal(23, 0x0301, b"x").unwrap();
        assert_eq!(
            second,
            hex("0a67abb3e5a1475dbc4f74d21381172f665f090dc8f609790f24f3479d080caa")
        );
        let mut server = RecordProtection::new(&suite, ProtocolVersion::Tls10, &keys).unwrap();
        assert_eq!(
            server.open(23, 0x0301, &first).unwrap(),
            b"GET / HTTP/1.0\r\n\r\n"
        );
        assert_eq!(server.open(23, 0x0301, &second).unwrap(), b"x");
    }

    /// A TLS 1.2 AES128-GCM record (RFC 5288): explicit nonce = sequence number, additional
    /// data = sequence, type, version, length; expected bytes from Python's `cryptography`.
    #[test]
    fn tls12_gcm_record_matches_an_independent_implementation() {
        let suite = parameters(0x009c, ProtocolVersion::Tls12);
        let keys = DirectionKeys {
            mac_key: vec![],
            key: (0..16).collect(),
            iv: vec![0xa0, 0xa1, 0xa2, 0xa3],
        };
        let mut client = RecordProtection::new(&suite, ProtocolVersion::Tls12, &keys).unwrap();
        let record = client.seal(23, 0x0303, b"GET / HTTP/1.0\r\n\r\n").unwrap();
        assert_eq!(
            record,
            hex(
                "0000000000000000cd189abd68af7c3b079605125ffa76aa6182de8f1b32480e
                 b84d48fc7ccf4df237ea"
            )
        );
        let mut server = RecordProtection::new(&suite, ProtocolVersion::Tls12, &keys).unwrap();
        let mut tampered = record.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert_eq!(
            server.open(23, 0x0303, &tampered),
            Err(RecordError::BadRecordMac)
        );
    }

    #[test]
    fn every_supported_bulk_cipher_round_trips_and_refuses_tampering() {
        let cases = [
            (0x000a, ProtocolVersion::Tls10), // DES-CBC3-SHA
            (0x0009, ProtocolVersion::Tls10), // DES-CBC-SHA
            (0x0005, ProtocolVersion::Tls10), // RC4-SHA
            (0x0004, ProtocolVersion::Tls11), // RC4-MD5
            (0x0035, ProtocolVersion::Tls11), // AES256-SHA, explicit IV
            (0x0041, ProtocolVersion::Tls10), // CAMELLIA128-SHA
            (0x00c4, ProtocolVersion::Tls12), // DHE-RSA-CAMELLIA256-SHA256
            (0xc027, ProtocolVersion::Tls12), // ECDHE-RSA-AES128-SHA256
            (0xc028, ProtocolVersion::Tls12), // ECDHE-RSA-AES256-SHA384
            (0xc030, ProtocolVersion::Tls12), // ECDHE-RSA-AES256-GCM-SHA384
        ];
        for (code, version) in cases {
            let suite = parameters(code, version);
            let block: Vec<u8> = (0..suite.key_block_len(version) as u8).collect();
            let keys = KeyBlock::split(&block, &suite, version).unwrap();
            let mut sender = RecordProtection::new(&suite, version, &keys.client).unwrap();
            let mut receiver = RecordProtection::new(&suite, version, &keys.client).unwrap();
            for length in [0usize, 1, 15, 16, 17, 1000] {
                let plaintext: Vec<u8> = (0..length).map(|i| i as u8).collect();
                let sealed = sender.seal(23, version.wire(), &plaintext).unwrap();
                assert_eq!(
                    receiver.open(23, version.wire(), &sealed).as_deref(),
                    Ok(plaintext.as_slice()),
                    "{code:#06x} {length}"
                );
            }
            let mut sealed = sender.seal(23, version.wire(), b"hello").unwrap();
            let middle = sealed.len() / 2;
            sealed[middle] ^= 0x40;
            assert!(
                receiver.open(23, version.wire(), &sealed).is_err(),
                "{code:#06x}"
            );
        }
    }

    #[test]
    fn the_prf_hash_follows_the_version_and_suite() {
        assert_eq!(
            parameters(0x002f, ProtocolVersion::Tls10).prf,
            PrfHash::Md5Sha1
        );
        assert_eq!(
            parameters(0x002f, ProtocolVersion::Tls12).prf,
            PrfHash::Sha256
        );
        assert_eq!(
            parameters(0xc030, ProtocolVersion::Tls12).prf,
            PrfHash::Sha384
        );
        assert_eq!(
            parameters(0xc028, ProtocolVersion::Tls12).prf,
            PrfHash::Sha384
        );
        // GCM needs TLS 1.2; export, anonymous and PSK suites are not run.
        let at = |code, version| SuiteParameters::new(suites::by_code(code).unwrap(), version);
        assert_eq!(at(0xc02f, ProtocolVersion::Tls11), None);
        assert_eq!(at(0x0003, ProtocolVersion::Tls10), None);
        assert_eq!(at(0x0034, ProtocolVersion::Tls10), None);
        // The TLS 1.0 key block carries the CBC IVs; TLS 1.1's does not.
        let aes = parameters(0x002f, ProtocolVersion::Tls10);
        assert_eq!(
            aes.key_block_len(ProtocolVersion::Tls10),
            2 * (20 + 16 + 16)
        );
        assert_eq!(aes.key_block_len(ProtocolVersion::Tls11), 2 * (20 + 16));
    }
}
