//! Cipher suite registry: every IANA TLS cipher suite (plus a few pre-standard ones seen on real
//! servers) and the SSLv2 cipher kinds, with the classes users care about derived in code.
//!
//! The IANA table and its key exchange / cipher / MAC columns come from `tls-parser`
//! ([`tls_parser::CIPHERS`]); the few codes it lacks are in [`EXTRA_SUITES`]; OpenSSL's names are
//! in [`OPENSSL_NAMES`]. Classes (export, NULL, RC4, forward secrecy, minimum version, ...) are
//! computed from those columns by the methods of [`CipherSuite`], never stored.

use std::sync::OnceLock;

use tls_parser::{TlsCipherAu, TlsCipherEnc, TlsCipherEncMode, TlsCipherKx, TlsCipherMac};

use super::ProtocolVersion;

/// How the premaster secret is agreed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyExchange {
    /// TLS_NULL_WITH_NULL_NULL and the signalling values: no key exchange.
    Null,
    /// Static RSA: the client encrypts the premaster secret to the certificate's key.
    Rsa,
    /// Static Diffie-Hellman with the certificate's DH key.
    Dh,
    /// Ephemeral Diffie-Hellman.
    Dhe,
    /// Ephemeral, unauthenticated Diffie-Hellman (OpenSSL's `ADH`).
    DhAnon,
    /// Static elliptic-curve Diffie-Hellman with the certificate's EC key.
    Ecdh,
    /// Ephemeral elliptic-curve Diffie-Hellman.
    Ecdhe,
    /// Ephemeral, unauthenticated elliptic-curve Diffie-Hellman (OpenSSL's `AECDH`).
    EcdhAnon,
    Psk,
    DhePsk,
    EcdhePsk,
    RsaPsk,
    Srp,
    Kerberos,
    EccPassword,
    Gost,
    /// TLS 1.3: the suite does not fix the key exchange; `key_share` negotiates it.
    Any,
}

/// How the server proves its identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Authentication {
    /// No authentication at all: anonymous suites.
    Anonymous,
    Rsa,
    Dss,
    Ecdsa,
    Psk,
    Srp,
    SrpRsa,
    SrpDss,
    Kerberos,
    EccPassword,
    Gost,
    /// TLS 1.3: the certificate's key decides, not the suite.
    Any,
}

/// The bulk encryption algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BulkCipher {
    /// No encryption.
    Null,
    Rc2,
    Rc4,
    Des,
    TripleDes,
    Idea,
    Seed,
    Aes,
    Camellia,
    Aria,
    Chacha20,
    Sm4,
    Aegis,
    Kuznyechik,
    Magma,
    Gost28147,
}

/// How the bulk cipher is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CipherMode {
    /// No encryption.
    Null,
    /// A stream cipher (RC4) or a counter mode with a separate MAC (the GOST suites).
    Stream,
    Cbc,
    Gcm,
    Ccm,
    /// CCM with an 8-byte tag.
    Ccm8,
    /// ChaCha20 with Poly1305.
    Poly1305,
    /// AEGIS, an AEAD of its own.
    Aegis,
}

/// The record MAC; `Aead` when the cipher mode authenticates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mac {
    Null,
    Md5,
    Sha1,
    Sha256,
    Sha384,
    Gost,
    Aead,
}

/// One TLS cipher suite.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CipherSuite {
    pub code: u16,
    /// The IANA registry name (`TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`); for the few pre-standard
    /// suites, the name their draft gave them.
    pub iana_name: &'static str,
    /// The name OpenSSL (and so sslscan, nginx, Apache) prints, where OpenSSL has one.
    pub openssl_name: Option<&'static str>,
    pub key_exchange: KeyExchange,
    pub authentication: Authentication,
    pub cipher: BulkCipher,
    pub mode: CipherMode,
    /// Key size of the bulk cipher in bits (3DES counts as 168, export suites as 40 or 56).
    pub key_bits: u16,
    pub mac: Mac,
}

/// The signalling cipher suite value of RFC 5746 (secure renegotiation).
pub const EMPTY_RENEGOTIATION_INFO_SCSV: u16 = 0x00ff;
/// The signalling cipher suite value of RFC 7507 (downgrade protection).
pub const FALLBACK_SCSV: u16 = 0x5600;

impl CipherSuite {
    /// The name to show: OpenSSL's when there is one (what peers print), else IANA's.
    pub fn display_name(&self) -> &'static str {
        self.openssl_name.unwrap_or(self.iana_name)
    }

    /// A signalling value (TLS_EMPTY_RENEGOTIATION_INFO_SCSV, TLS_FALLBACK_SCSV), not a suite a
    /// server can select.
    pub fn is_signalling(&self) -> bool {
        matches!(self.code, EMPTY_RENEGOTIATION_INFO_SCSV | FALLBACK_SCSV)
    }

    /// Weakened for 1990s US export rules (40- or 56-bit keys, 512- or 1024-bit key exchange).
    pub fn is_export(&self) -> bool {
        self.iana_name.contains("EXPORT")
    }

    /// No encryption at all.
    pub fn is_null(&self) -> bool {
        self.cipher == BulkCipher::Null && !self.is_signalling()
    }

    /// The server is not authenticated, so anyone in the path can impersonate it.
    pub fn is_anonymous(&self) -> bool {
        self.authentication == Authentication::Anonymous && !self.is_signalling()
    }

    pub fn is_rc4(&self) -> bool {
        self.cipher == BulkCipher::Rc4
    }

    /// Single DES, including the 40-bit export variants.
    pub fn is_des(&self) -> bool {
        self.cipher == BulkCipher::Des
    }

    /// Triple DES: a 64-bit block, so SWEET32 applies.
    pub fn is_3des(&self) -> bool {
        self.cipher == BulkCipher::TripleDes
    }

    pub fn is_cbc(&self) -> bool {
        self.mode == CipherMode::Cbc
    }

    /// Authenticated encryption (GCM, CCM, ChaCha20-Poly1305, AEGIS).
    pub fn is_aead(&self) -> bool {
        self.mac == Mac::Aead
    }

    /// The key exchange is ephemeral, so a later leak of the server's key does not expose
    /// recorded traffic. Anonymous (EC)DH is ephemeral too; [`Self::is_anonymous`] flags it.
    pub fn has_forward_secrecy(&self) -> bool {
        matches!(
            self.key_exchange,
            KeyExchange::Dhe
                | KeyExchange::DhAnon
                | KeyExchange::Ecdhe
                | KeyExchange::EcdhAnon
                | KeyExchange::DhePsk
                | KeyExchange::EcdhePsk
                | KeyExchange::Any
        )
    }

    /// Only TLS 1.3 can negotiate it.
    pub fn is_tls13_only(&self) -> bool {
        self.key_exchange == KeyExchange::Any
    }

    /// The oldest version that can negotiate it: SHA-256/384 MACs, AEAD modes and the GOST
    /// suites need TLS 1.2's PRF, so must not be offered in an older ClientHello.
    pub fn min_version(&self) -> ProtocolVersion {
        if self.is_tls13_only() {
            ProtocolVersion::Tls13
        } else if self.is_aead() || matches!(self.mac, Mac::Sha256 | Mac::Sha384 | Mac::Gost) {
            ProtocolVersion::Tls12
        } else {
            ProtocolVersion::Ssl3
        }
    }

    /// The newest version that can negotiate it.
    pub fn max_version(&self) -> ProtocolVersion {
        if self.is_tls13_only() {
            ProtocolVersion::Tls13
        } else {
            ProtocolVersion::Tls12
        }
    }

    /// Whether a ClientHello for `version` may offer it (never for SSLv2, which has
    /// [`Sslv2CipherKind`]s instead).
    pub fn is_valid_for(&self, version: ProtocolVersion) -> bool {
        version != ProtocolVersion::Ssl2
            && !self.is_signalling()
            && (self.min_version()..=self.max_version()).contains(&version)
    }
}

/// Every suite, sorted by code, signalling values included.
pub fn all() -> &'static [CipherSuite] {
    static REGISTRY: OnceLock<Vec<CipherSuite>> = OnceLock::new();
    REGISTRY.get_or_init(build_registry)
}

/// The suite with this code, if it is a known one.
pub fn by_code(code: u16) -> Option<&'static CipherSuite> {
    let registry = all();
    registry
        .binary_search_by_key(&code, |suite| suite.code)
        .ok()
        .and_then(|index| registry.get(index))
}

/// The IANA name of a suite code, or the code in hex when the registry has none.
pub fn iana_name(code: u16) -> String {
    by_code(code)
        .map(|suite| suite.iana_name.to_string())
        .unwrap_or_else(|| format!("0x{code:04X}"))
}

/// The suite with this IANA or OpenSSL name (case-insensitive).
pub fn by_name(name: &str) -> Option<&'static CipherSuite> {
    all().iter().find(|suite| {
        suite.iana_name.eq_ignore_ascii_case(name)
            || suite
                .openssl_name
                .is_some_and(|openssl| openssl.eq_ignore_ascii_case(name))
    })
}

/// The suites a ClientHello for `version` may offer, in code order.
pub fn offerable(version: ProtocolVersion) -> impl Iterator<Item = &'static CipherSuite> {
    all()
        .iter()
        .filter(move |suite| suite.is_valid_for(version))
}

fn build_registry() -> Vec<CipherSuite> {
    let mut suites: Vec<CipherSuite> = tls_parser::CIPHERS
        .values()
        .map(from_tls_parser)
        .chain(EXTRA_SUITES.iter().cloned())
        .collect();
    suites.sort_by_key(|suite| suite.code);
    suites.dedup_by_key(|suite| suite.code);
    for suite in &mut suites {
        suite.openssl_name = openssl_name(suite.code);
    }
    suites
}

fn openssl_name(code: u16) -> Option<&'static str> {
    OPENSSL_NAMES
        .binary_search_by_key(&code, |&(known, _)| known)
        .ok()
        .and_then(|index| OPENSSL_NAMES.get(index))
        .map(|&(_, name)| name)
}

/// Maps one row of tls-parser's table, fixing what that table models loosely: anonymous
/// (EC)DH, the PSK combinations, ChaCha20's key size and the TLS 1.3 suites' MAC.
fn from_tls_parser(suite: &tls_parser::TlsCipherSuite) -> CipherSuite {
    let code = suite.id.0;
    let key_exchange = match (suite.kx, suite.au) {
        (TlsCipherKx::Null, _) => KeyExchange::Null,
        (TlsCipherKx::Rsa, TlsCipherAu::Psk) => KeyExchange::RsaPsk,
        (TlsCipherKx::Rsa, _) => KeyExchange::Rsa,
        (TlsCipherKx::Dh, TlsCipherAu::Null) => KeyExchange::DhAnon,
        (TlsCipherKx::Dh, _) => KeyExchange::Dh,
        (TlsCipherKx::Dhe, TlsCipherAu::Psk) | (TlsCipherKx::Psk, TlsCipherAu::Dhe) => {
            KeyExchange::DhePsk
        }
        (TlsCipherKx::Dhe, _) => KeyExchange::Dhe,
        (TlsCipherKx::Ecdh, TlsCipherAu::Null) | (TlsCipherKx::Aecdh, _) => KeyExchange::EcdhAnon,
        (TlsCipherKx::Ecdh, _) => KeyExchange::Ecdh,
        (TlsCipherKx::Ecdhe, TlsCipherAu::Psk) => KeyExchange::EcdhePsk,
        (TlsCipherKx::Ecdhe, _) => KeyExchange::Ecdhe,
        (TlsCipherKx::Psk, _) => KeyExchange::Psk,
        (TlsCipherKx::Krb5, _) => KeyExchange::Kerberos,
        (TlsCipherKx::Srp, _) => KeyExchange::Srp,
        (TlsCipherKx::Eccpwd, _) => KeyExchange::EccPassword,
        (TlsCipherKx::Tls13, _) => KeyExchange::Any,
    };
    let authentication = match suite.au {
        TlsCipherAu::Null => Authentication::Anonymous,
        TlsCipherAu::Psk | TlsCipherAu::Dhe => Authentication::Psk,
        TlsCipherAu::Krb5 => Authentication::Kerberos,
        TlsCipherAu::Srp => Authentication::Srp,
        TlsCipherAu::Srp_Dss => Authentication::SrpDss,
        TlsCipherAu::Srp_Rsa => Authentication::SrpRsa,
        TlsCipherAu::Dss => Authentication::Dss,
        TlsCipherAu::Rsa => Authentication::Rsa,
        TlsCipherAu::Ecdsa => Authentication::Ecdsa,
        TlsCipherAu::Eccpwd => Authentication::EccPassword,
        TlsCipherAu::Tls13 => Authentication::Any,
    };
    let cipher = match suite.enc {
        TlsCipherEnc::Null => BulkCipher::Null,
        TlsCipherEnc::Des => BulkCipher::Des,
        TlsCipherEnc::TripleDes => BulkCipher::TripleDes,
        TlsCipherEnc::Rc2 => BulkCipher::Rc2,
        TlsCipherEnc::Rc4 => BulkCipher::Rc4,
        TlsCipherEnc::Aria => BulkCipher::Aria,
        TlsCipherEnc::Idea => BulkCipher::Idea,
        TlsCipherEnc::Seed => BulkCipher::Seed,
        TlsCipherEnc::Aes => BulkCipher::Aes,
        TlsCipherEnc::Camellia => BulkCipher::Camellia,
        TlsCipherEnc::Chacha20_Poly1305 => BulkCipher::Chacha20,
        TlsCipherEnc::Sm4 => BulkCipher::Sm4,
        TlsCipherEnc::Aegis => BulkCipher::Aegis,
    };
    let mode = match (cipher, suite.enc_mode) {
        (BulkCipher::Null, _) => CipherMode::Null,
        (BulkCipher::Rc4, _) => CipherMode::Stream,
        (BulkCipher::Chacha20, _) => CipherMode::Poly1305,
        (BulkCipher::Aegis, _) => CipherMode::Aegis,
        (_, TlsCipherEncMode::Ccm) if suite.name.contains("CCM_8") => CipherMode::Ccm8,
        (_, TlsCipherEncMode::Ccm) => CipherMode::Ccm,
        (_, TlsCipherEncMode::Gcm) => CipherMode::Gcm,
        (_, TlsCipherEncMode::Cbc | TlsCipherEncMode::Null) => CipherMode::Cbc,
    };
    let aead = matches!(
        mode,
        CipherMode::Gcm
            | CipherMode::Ccm
            | CipherMode::Ccm8
            | CipherMode::Poly1305
            | CipherMode::Aegis
    );
    let mac = match suite.mac {
        _ if aead => Mac::Aead,
        TlsCipherMac::Null | TlsCipherMac::Aead => Mac::Null,
        TlsCipherMac::HmacMd5 => Mac::Md5,
        TlsCipherMac::HmacSha1 => Mac::Sha1,
        TlsCipherMac::HmacSha256 => Mac::Sha256,
        TlsCipherMac::HmacSha384 | TlsCipherMac::HmacSha512 => Mac::Sha384,
    };
    let key_bits = match cipher {
        // tls-parser lists ChaCha20 with 128 bits; its key is 256 bits.
        BulkCipher::Chacha20 => 256,
        _ => suite.enc_size,
    };
    CipherSuite {
        code,
        iana_name: suite.name,
        openssl_name: None,
        key_exchange,
        authentication,
        cipher,
        mode,
        key_bits,
        mac,
    }
}

const fn extra(
    code: u16,
    iana_name: &'static str,
    key_exchange: KeyExchange,
    authentication: Authentication,
    (cipher, mode, key_bits): (BulkCipher, CipherMode, u16),
    mac: Mac,
) -> CipherSuite {
    CipherSuite {
        code,
        iana_name,
        openssl_name: None,
        key_exchange,
        authentication,
        cipher,
        mode,
        key_bits,
        mac,
    }
}

/// Suites tls-parser's table lacks: the IANA GOST suites, the pre-RFC 7905 ChaCha20 code points
/// that old Chrome and BoringSSL servers used, and Netscape's "FIPS" suites.
#[rustfmt::skip]
pub const EXTRA_SUITES: &[CipherSuite] = &[
    extra(0xc100, "TLS_GOSTR341112_256_WITH_KUZNYECHIK_CTR_OMAC", KeyExchange::Gost, Authentication::Gost, (BulkCipher::Kuznyechik, CipherMode::Stream, 256), Mac::Gost),
    extra(0xc101, "TLS_GOSTR341112_256_WITH_MAGMA_CTR_OMAC", KeyExchange::Gost, Authentication::Gost, (BulkCipher::Magma, CipherMode::Stream, 256), Mac::Gost),
    extra(0xc102, "TLS_GOSTR341112_256_WITH_28147_CNT_IMIT", KeyExchange::Gost, Authentication::Gost, (BulkCipher::Gost28147, CipherMode::Stream, 256), Mac::Gost),
    extra(0xcc13, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256_OLD", KeyExchange::Ecdhe, Authentication::Rsa, (BulkCipher::Chacha20, CipherMode::Poly1305, 256), Mac::Aead),
    extra(0xcc14, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256_OLD", KeyExchange::Ecdhe, Authentication::Ecdsa, (BulkCipher::Chacha20, CipherMode::Poly1305, 256), Mac::Aead),
    extra(0xcc15, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256_OLD", KeyExchange::Dhe, Authentication::Rsa, (BulkCipher::Chacha20, CipherMode::Poly1305, 256), Mac::Aead),
    extra(0xfefe, "SSL_RSA_FIPS_WITH_DES_CBC_SHA", KeyExchange::Rsa, Authentication::Rsa, (BulkCipher::Des, CipherMode::Cbc, 56), Mac::Sha1),
    extra(0xfeff, "SSL_RSA_FIPS_WITH_3DES_EDE_CBC_SHA", KeyExchange::Rsa, Authentication::Rsa, (BulkCipher::TripleDes, CipherMode::Cbc, 168), Mac::Sha1),
    extra(0xffe0, "SSL_RSA_FIPS_WITH_3DES_EDE_CBC_SHA", KeyExchange::Rsa, Authentication::Rsa, (BulkCipher::TripleDes, CipherMode::Cbc, 168), Mac::Sha1),
    extra(0xffe1, "SSL_RSA_FIPS_WITH_DES_CBC_SHA", KeyExchange::Rsa, Authentication::Rsa, (BulkCipher::Des, CipherMode::Cbc, 56), Mac::Sha1),
];

/// One SSLv2 cipher kind (three-byte code).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sslv2CipherKind {
    pub code: u32,
    /// The SSLv2 specification's name (`SSL_CK_RC4_128_WITH_MD5`).
    pub spec_name: &'static str,
    pub openssl_name: &'static str,
    pub cipher: BulkCipher,
    pub key_bits: u16,
    pub export: bool,
}

const fn sslv2(
    code: u32,
    spec_name: &'static str,
    openssl_name: &'static str,
    cipher: BulkCipher,
    key_bits: u16,
    export: bool,
) -> Sslv2CipherKind {
    Sslv2CipherKind {
        code,
        spec_name,
        openssl_name,
        cipher,
        key_bits,
        export,
    }
}

/// All SSLv2 cipher kinds, the seven of the specification first. The last two come from SSLeay;
/// their codes are those of OpenSSL 0.9.8's `ssl2.h`.
#[rustfmt::skip]
pub const SSLV2_CIPHER_KINDS: &[Sslv2CipherKind] = &[
    sslv2(0x010080, "SSL_CK_RC4_128_WITH_MD5", "RC4-MD5", BulkCipher::Rc4, 128, false),
    sslv2(0x020080, "SSL_CK_RC4_128_EXPORT40_WITH_MD5", "EXP-RC4-MD5", BulkCipher::Rc4, 40, true),
    sslv2(0x030080, "SSL_CK_RC2_128_CBC_WITH_MD5", "RC2-CBC-MD5", BulkCipher::Rc2, 128, false),
    sslv2(0x040080, "SSL_CK_RC2_128_CBC_EXPORT40_WITH_MD5", "EXP-RC2-CBC-MD5", BulkCipher::Rc2, 40, true),
    sslv2(0x050080, "SSL_CK_IDEA_128_CBC_WITH_MD5", "IDEA-CBC-MD5", BulkCipher::Idea, 128, false),
    sslv2(0x060040, "SSL_CK_DES_64_CBC_WITH_MD5", "DES-CBC-MD5", BulkCipher::Des, 56, false),
    sslv2(0x0700c0, "SSL_CK_DES_192_EDE3_CBC_WITH_MD5", "DES-CBC3-MD5", BulkCipher::TripleDes, 168, false),
    sslv2(0x080080, "SSL_CK_RC4_64_WITH_MD5", "RC4-64-MD5", BulkCipher::Rc4, 64, false),
    sslv2(0x060140, "SSL_CK_DES_64_CBC_WITH_SHA", "DES-CBC-SHA", BulkCipher::Des, 56, false),
    sslv2(0x0701c0, "SSL_CK_DES_192_EDE3_CBC_WITH_SHA", "DES-CBC3-SHA", BulkCipher::TripleDes, 168, false),
    sslv2(0xff0800, "SSL_CK_DES_64_CFB64_WITH_MD5_1", "DES-CFB-M1", BulkCipher::Des, 56, false),
    sslv2(0x000000, "SSL_CK_NULL_WITH_MD5", "NULL-MD5", BulkCipher::Null, 0, false),
    sslv2(0xff0810, "SSL_CK_NULL", "NULL", BulkCipher::Null, 0, false),
];

/// The SSLv2 cipher kind with this code, if known.
pub fn sslv2_by_code(code: u32) -> Option<&'static Sslv2CipherKind> {
    SSLV2_CIPHER_KINDS.iter().find(|kind| kind.code == code)
}

/// OpenSSL's names, sorted by code. Taken from `openssl ciphers -V 'ALL:COMPLEMENTOFALL:@SECLEVEL=0'`
/// of OpenSSL 3.0, plus the names older OpenSSL releases (0.9.8 to 1.1.1) gave to suites OpenSSL 3
/// dropped (export, static DH/ECDH, Kerberos, RC4, SEED, IDEA, DES), as sslscan and testssl.sh
/// print them; `-OLD` marks the pre-RFC ChaCha20 code points as those tools do.
pub const OPENSSL_NAMES: &[(u16, &str)] = &[
    (0x0001, "NULL-MD5"),
    (0x0002, "NULL-SHA"),
    (0x0003, "EXP-RC4-MD5"),
    (0x0004, "RC4-MD5"),
    (0x0005, "RC4-SHA"),
    (0x0006, "EXP-RC2-CBC-MD5"),
    (0x0007, "IDEA-CBC-SHA"),
    (0x0008, "EXP-DES-CBC-SHA"),
    (0x0009, "DES-CBC-SHA"),
    (0x000a, "DES-CBC3-SHA"),
    (0x000b, "EXP-DH-DSS-DES-CBC-SHA"),
    (0x000c, "DH-DSS-DES-CBC-SHA"),
    (0x000d, "DH-DSS-DES-CBC3-SHA"),
    (0x000e, "EXP-DH-RSA-DES-CBC-SHA"),
    (0x000f, "DH-RSA-DES-CBC-SHA"),
    (0x0010, "DH-RSA-DES-CBC3-SHA"),
    (0x0011, "EXP-EDH-DSS-DES-CBC-SHA"),
    (0x0012, "EDH-DSS-DES-CBC-SHA"),
    (0x0013, "EDH-DSS-DES-CBC3-SHA"),
    (0x0014, "EXP-EDH-RSA-DES-CBC-SHA"),
    (0x0015, "EDH-RSA-DES-CBC-SHA"),
    (0x0016, "EDH-RSA-DES-CBC3-SHA"),
    (0x0017, "EXP-ADH-RC4-MD5"),
    (0x0018, "ADH-RC4-MD5"),
    (0x0019, "EXP-ADH-DES-CBC-SHA"),
    (0x001a, "ADH-DES-CBC-SHA"),
    (0x001b, "ADH-DES-CBC3-SHA"),
    (0x001e, "KRB5-DES-CBC-SHA"),
    (0x001f, "KRB5-DES-CBC3-SHA"),
    (0x0020, "KRB5-RC4-SHA"),
    (0x0021, "KRB5-IDEA-CBC-SHA"),
    (0x0022, "KRB5-DES-CBC-MD5"),
    (0x0023, "KRB5-DES-CBC3-MD5"),
    (0x0024, "KRB5-RC4-MD5"),
    (0x0025, "KRB5-IDEA-CBC-MD5"),
    (0x0026, "EXP-KRB5-DES-CBC-SHA"),
    (0x0027, "EXP-KRB5-RC2-CBC-SHA"),
    (0x0028, "EXP-KRB5-RC4-SHA"),
    (0x0029, "EXP-KRB5-DES-CBC-MD5"),
    (0x002a, "EXP-KRB5-RC2-CBC-MD5"),
    (0x002b, "EXP-KRB5-RC4-MD5"),
    (0x002c, "PSK-NULL-SHA"),
    (0x002d, "DHE-PSK-NULL-SHA"),
    (0x002e, "RSA-PSK-NULL-SHA"),
    (0x002f, "AES128-SHA"),
    (0x0030, "DH-DSS-AES128-SHA"),
    (0x0031, "DH-RSA-AES128-SHA"),
    (0x0032, "DHE-DSS-AES128-SHA"),
    (0x0033, "DHE-RSA-AES128-SHA"),
    (0x0034, "ADH-AES128-SHA"),
    (0x0035, "AES256-SHA"),
    (0x0036, "DH-DSS-AES256-SHA"),
    (0x0037, "DH-RSA-AES256-SHA"),
    (0x0038, "DHE-DSS-AES256-SHA"),
    (0x0039, "DHE-RSA-AES256-SHA"),
    (0x003a, "ADH-AES256-SHA"),
    (0x003b, "NULL-SHA256"),
    (0x003c, "AES128-SHA256"),
    (0x003d, "AES256-SHA256"),
    (0x003e, "DH-DSS-AES128-SHA256"),
    (0x003f, "DH-RSA-AES128-SHA256"),
    (0x0040, "DHE-DSS-AES128-SHA256"),
    (0x0041, "CAMELLIA128-SHA"),
    (0x0042, "DH-DSS-CAMELLIA128-SHA"),
    (0x0043, "DH-RSA-CAMELLIA128-SHA"),
    (0x0044, "DHE-DSS-CAMELLIA128-SHA"),
    (0x0045, "DHE-RSA-CAMELLIA128-SHA"),
    (0x0046, "ADH-CAMELLIA128-SHA"),
    (0x0060, "EXP1024-RC4-MD5"),
    (0x0061, "EXP1024-RC2-CBC-MD5"),
    (0x0062, "EXP1024-DES-CBC-SHA"),
    (0x0063, "EXP1024-DHE-DSS-DES-CBC-SHA"),
    (0x0064, "EXP1024-RC4-SHA"),
    (0x0065, "EXP1024-DHE-DSS-RC4-SHA"),
    (0x0066, "DHE-DSS-RC4-SHA"),
    (0x0067, "DHE-RSA-AES128-SHA256"),
    (0x0068, "DH-DSS-AES256-SHA256"),
    (0x0069, "DH-RSA-AES256-SHA256"),
    (0x006a, "DHE-DSS-AES256-SHA256"),
    (0x006b, "DHE-RSA-AES256-SHA256"),
    (0x006c, "ADH-AES128-SHA256"),
    (0x006d, "ADH-AES256-SHA256"),
    (0x0084, "CAMELLIA256-SHA"),
    (0x0085, "DH-DSS-CAMELLIA256-SHA"),
    (0x0086, "DH-RSA-CAMELLIA256-SHA"),
    (0x0087, "DHE-DSS-CAMELLIA256-SHA"),
    (0x0088, "DHE-RSA-CAMELLIA256-SHA"),
    (0x0089, "ADH-CAMELLIA256-SHA"),
    (0x008a, "PSK-RC4-SHA"),
    (0x008b, "PSK-3DES-EDE-CBC-SHA"),
    (0x008c, "PSK-AES128-CBC-SHA"),
    (0x008d, "PSK-AES256-CBC-SHA"),
    (0x008e, "DHE-PSK-RC4-SHA"),
    (0x008f, "DHE-PSK-3DES-EDE-CBC-SHA"),
    (0x0090, "DHE-PSK-AES128-CBC-SHA"),
    (0x0091, "DHE-PSK-AES256-CBC-SHA"),
    (0x0092, "RSA-PSK-RC4-SHA"),
    (0x0093, "RSA-PSK-3DES-EDE-CBC-SHA"),
    (0x0094, "RSA-PSK-AES128-CBC-SHA"),
    (0x0095, "RSA-PSK-AES256-CBC-SHA"),
    (0x0096, "SEED-SHA"),
    (0x0097, "DH-DSS-SEED-SHA"),
    (0x0098, "DH-RSA-SEED-SHA"),
    (0x0099, "DHE-DSS-SEED-SHA"),
    (0x009a, "DHE-RSA-SEED-SHA"),
    (0x009b, "ADH-SEED-SHA"),
    (0x009c, "AES128-GCM-SHA256"),
    (0x009d, "AES256-GCM-SHA384"),
    (0x009e, "DHE-RSA-AES128-GCM-SHA256"),
    (0x009f, "DHE-RSA-AES256-GCM-SHA384"),
    (0x00a0, "DH-RSA-AES128-GCM-SHA256"),
    (0x00a1, "DH-RSA-AES256-GCM-SHA384"),
    (0x00a2, "DHE-DSS-AES128-GCM-SHA256"),
    (0x00a3, "DHE-DSS-AES256-GCM-SHA384"),
    (0x00a4, "DH-DSS-AES128-GCM-SHA256"),
    (0x00a5, "DH-DSS-AES256-GCM-SHA384"),
    (0x00a6, "ADH-AES128-GCM-SHA256"),
    (0x00a7, "ADH-AES256-GCM-SHA384"),
    (0x00a8, "PSK-AES128-GCM-SHA256"),
    (0x00a9, "PSK-AES256-GCM-SHA384"),
    (0x00aa, "DHE-PSK-AES128-GCM-SHA256"),
    (0x00ab, "DHE-PSK-AES256-GCM-SHA384"),
    (0x00ac, "RSA-PSK-AES128-GCM-SHA256"),
    (0x00ad, "RSA-PSK-AES256-GCM-SHA384"),
    (0x00ae, "PSK-AES128-CBC-SHA256"),
    (0x00af, "PSK-AES256-CBC-SHA384"),
    (0x00b0, "PSK-NULL-SHA256"),
    (0x00b1, "PSK-NULL-SHA384"),
    (0x00b2, "DHE-PSK-AES128-CBC-SHA256"),
    (0x00b3, "DHE-PSK-AES256-CBC-SHA384"),
    (0x00b4, "DHE-PSK-NULL-SHA256"),
    (0x00b5, "DHE-PSK-NULL-SHA384"),
    (0x00b6, "RSA-PSK-AES128-CBC-SHA256"),
    (0x00b7, "RSA-PSK-AES256-CBC-SHA384"),
    (0x00b8, "RSA-PSK-NULL-SHA256"),
    (0x00b9, "RSA-PSK-NULL-SHA384"),
    (0x00ba, "CAMELLIA128-SHA256"),
    (0x00bd, "DHE-DSS-CAMELLIA128-SHA256"),
    (0x00be, "DHE-RSA-CAMELLIA128-SHA256"),
    (0x00bf, "ADH-CAMELLIA128-SHA256"),
    (0x00c0, "CAMELLIA256-SHA256"),
    (0x00c3, "DHE-DSS-CAMELLIA256-SHA256"),
    (0x00c4, "DHE-RSA-CAMELLIA256-SHA256"),
    (0x00c5, "ADH-CAMELLIA256-SHA256"),
    (0x1301, "TLS_AES_128_GCM_SHA256"),
    (0x1302, "TLS_AES_256_GCM_SHA384"),
    (0x1303, "TLS_CHACHA20_POLY1305_SHA256"),
    (0x1304, "TLS_AES_128_CCM_SHA256"),
    (0x1305, "TLS_AES_128_CCM_8_SHA256"),
    (0xc001, "ECDH-ECDSA-NULL-SHA"),
    (0xc002, "ECDH-ECDSA-RC4-SHA"),
    (0xc003, "ECDH-ECDSA-DES-CBC3-SHA"),
    (0xc004, "ECDH-ECDSA-AES128-SHA"),
    (0xc005, "ECDH-ECDSA-AES256-SHA"),
    (0xc006, "ECDHE-ECDSA-NULL-SHA"),
    (0xc007, "ECDHE-ECDSA-RC4-SHA"),
    (0xc008, "ECDHE-ECDSA-DES-CBC3-SHA"),
    (0xc009, "ECDHE-ECDSA-AES128-SHA"),
    (0xc00a, "ECDHE-ECDSA-AES256-SHA"),
    (0xc00b, "ECDH-RSA-NULL-SHA"),
    (0xc00c, "ECDH-RSA-RC4-SHA"),
    (0xc00d, "ECDH-RSA-DES-CBC3-SHA"),
    (0xc00e, "ECDH-RSA-AES128-SHA"),
    (0xc00f, "ECDH-RSA-AES256-SHA"),
    (0xc010, "ECDHE-RSA-NULL-SHA"),
    (0xc011, "ECDHE-RSA-RC4-SHA"),
    (0xc012, "ECDHE-RSA-DES-CBC3-SHA"),
    (0xc013, "ECDHE-RSA-AES128-SHA"),
    (0xc014, "ECDHE-RSA-AES256-SHA"),
    (0xc015, "AECDH-NULL-SHA"),
    (0xc016, "AECDH-RC4-SHA"),
    (0xc017, "AECDH-DES-CBC3-SHA"),
    (0xc018, "AECDH-AES128-SHA"),
    (0xc019, "AECDH-AES256-SHA"),
    (0xc01a, "SRP-3DES-EDE-CBC-SHA"),
    (0xc01b, "SRP-RSA-3DES-EDE-CBC-SHA"),
    (0xc01c, "SRP-DSS-3DES-EDE-CBC-SHA"),
    (0xc01d, "SRP-AES-128-CBC-SHA"),
    (0xc01e, "SRP-RSA-AES-128-CBC-SHA"),
    (0xc01f, "SRP-DSS-AES-128-CBC-SHA"),
    (0xc020, "SRP-AES-256-CBC-SHA"),
    (0xc021, "SRP-RSA-AES-256-CBC-SHA"),
    (0xc022, "SRP-DSS-AES-256-CBC-SHA"),
    (0xc023, "ECDHE-ECDSA-AES128-SHA256"),
    (0xc024, "ECDHE-ECDSA-AES256-SHA384"),
    (0xc025, "ECDH-ECDSA-AES128-SHA256"),
    (0xc026, "ECDH-ECDSA-AES256-SHA384"),
    (0xc027, "ECDHE-RSA-AES128-SHA256"),
    (0xc028, "ECDHE-RSA-AES256-SHA384"),
    (0xc029, "ECDH-RSA-AES128-SHA256"),
    (0xc02a, "ECDH-RSA-AES256-SHA384"),
    (0xc02b, "ECDHE-ECDSA-AES128-GCM-SHA256"),
    (0xc02c, "ECDHE-ECDSA-AES256-GCM-SHA384"),
    (0xc02d, "ECDH-ECDSA-AES128-GCM-SHA256"),
    (0xc02e, "ECDH-ECDSA-AES256-GCM-SHA384"),
    (0xc02f, "ECDHE-RSA-AES128-GCM-SHA256"),
    (0xc030, "ECDHE-RSA-AES256-GCM-SHA384"),
    (0xc031, "ECDH-RSA-AES128-GCM-SHA256"),
    (0xc032, "ECDH-RSA-AES256-GCM-SHA384"),
    (0xc033, "ECDHE-PSK-RC4-SHA"),
    (0xc034, "ECDHE-PSK-3DES-EDE-CBC-SHA"),
    (0xc035, "ECDHE-PSK-AES128-CBC-SHA"),
    (0xc036, "ECDHE-PSK-AES256-CBC-SHA"),
    (0xc037, "ECDHE-PSK-AES128-CBC-SHA256"),
    (0xc038, "ECDHE-PSK-AES256-CBC-SHA384"),
    (0xc039, "ECDHE-PSK-NULL-SHA"),
    (0xc03a, "ECDHE-PSK-NULL-SHA256"),
    (0xc03b, "ECDHE-PSK-NULL-SHA384"),
    (0xc050, "ARIA128-GCM-SHA256"),
    (0xc051, "ARIA256-GCM-SHA384"),
    (0xc052, "DHE-RSA-ARIA128-GCM-SHA256"),
    (0xc053, "DHE-RSA-ARIA256-GCM-SHA384"),
    (0xc056, "DHE-DSS-ARIA128-GCM-SHA256"),
    (0xc057, "DHE-DSS-ARIA256-GCM-SHA384"),
    (0xc05c, "ECDHE-ECDSA-ARIA128-GCM-SHA256"),
    (0xc05d, "ECDHE-ECDSA-ARIA256-GCM-SHA384"),
    (0xc060, "ECDHE-ARIA128-GCM-SHA256"),
    (0xc061, "ECDHE-ARIA256-GCM-SHA384"),
    (0xc06a, "PSK-ARIA128-GCM-SHA256"),
    (0xc06b, "PSK-ARIA256-GCM-SHA384"),
    (0xc06c, "DHE-PSK-ARIA128-GCM-SHA256"),
    (0xc06d, "DHE-PSK-ARIA256-GCM-SHA384"),
    (0xc06e, "RSA-PSK-ARIA128-GCM-SHA256"),
    (0xc06f, "RSA-PSK-ARIA256-GCM-SHA384"),
    (0xc072, "ECDHE-ECDSA-CAMELLIA128-SHA256"),
    (0xc073, "ECDHE-ECDSA-CAMELLIA256-SHA384"),
    (0xc076, "ECDHE-RSA-CAMELLIA128-SHA256"),
    (0xc077, "ECDHE-RSA-CAMELLIA256-SHA384"),
    (0xc094, "PSK-CAMELLIA128-SHA256"),
    (0xc095, "PSK-CAMELLIA256-SHA384"),
    (0xc096, "DHE-PSK-CAMELLIA128-SHA256"),
    (0xc097, "DHE-PSK-CAMELLIA256-SHA384"),
    (0xc098, "RSA-PSK-CAMELLIA128-SHA256"),
    (0xc099, "RSA-PSK-CAMELLIA256-SHA384"),
    (0xc09a, "ECDHE-PSK-CAMELLIA128-SHA256"),
    (0xc09b, "ECDHE-PSK-CAMELLIA256-SHA384"),
    (0xc09c, "AES128-CCM"),
    (0xc09d, "AES256-CCM"),
    (0xc09e, "DHE-RSA-AES128-CCM"),
    (0xc09f, "DHE-RSA-AES256-CCM"),
    (0xc0a0, "AES128-CCM8"),
    (0xc0a1, "AES256-CCM8"),
    (0xc0a2, "DHE-RSA-AES128-CCM8"),
    (0xc0a3, "DHE-RSA-AES256-CCM8"),
    (0xc0a4, "PSK-AES128-CCM"),
    (0xc0a5, "PSK-AES256-CCM"),
    (0xc0a6, "DHE-PSK-AES128-CCM"),
    (0xc0a7, "DHE-PSK-AES256-CCM"),
    (0xc0a8, "PSK-AES128-CCM8"),
    (0xc0a9, "PSK-AES256-CCM8"),
    (0xc0aa, "DHE-PSK-AES128-CCM8"),
    (0xc0ab, "DHE-PSK-AES256-CCM8"),
    (0xc0ac, "ECDHE-ECDSA-AES128-CCM"),
    (0xc0ad, "ECDHE-ECDSA-AES256-CCM"),
    (0xc0ae, "ECDHE-ECDSA-AES128-CCM8"),
    (0xc0af, "ECDHE-ECDSA-AES256-CCM8"),
    (0xcc13, "ECDHE-RSA-CHACHA20-POLY1305-OLD"),
    (0xcc14, "ECDHE-ECDSA-CHACHA20-POLY1305-OLD"),
    (0xcc15, "DHE-RSA-CHACHA20-POLY1305-OLD"),
    (0xcca8, "ECDHE-RSA-CHACHA20-POLY1305"),
    (0xcca9, "ECDHE-ECDSA-CHACHA20-POLY1305"),
    (0xccaa, "DHE-RSA-CHACHA20-POLY1305"),
    (0xccab, "PSK-CHACHA20-POLY1305"),
    (0xccac, "ECDHE-PSK-CHACHA20-POLY1305"),
    (0xccad, "DHE-PSK-CHACHA20-POLY1305"),
    (0xccae, "RSA-PSK-CHACHA20-POLY1305"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn suite(code: u16) -> &'static CipherSuite {
        by_code(code).unwrap_or_else(|| panic!("suite {code:#06x} missing"))
    }

    #[test]
    fn registry_holds_every_iana_suite_and_is_sorted() {
        let registry = all();
        assert!(registry.len() >= 350, "only {} suites", registry.len());
        assert!(registry.windows(2).all(|pair| pair[0].code < pair[1].code));
    }

    #[test]
    fn ecdhe_rsa_aes128_gcm_is_aead_forward_secret_and_tls12_only() {
        let gcm = suite(0xc02f);
        assert_eq!(gcm.iana_name, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        assert_eq!(gcm.openssl_name, Some("ECDHE-RSA-AES128-GCM-SHA256"));
        assert_eq!(gcm.key_exchange, KeyExchange::Ecdhe);
        assert_eq!(gcm.authentication, Authentication::Rsa);
        assert_eq!(
            (gcm.cipher, gcm.mode, gcm.key_bits),
            (BulkCipher::Aes, CipherMode::Gcm, 128)
        );
        assert!(gcm.is_aead() && gcm.has_forward_secrecy() && !gcm.is_cbc());
        assert_eq!(gcm.min_version(), ProtocolVersion::Tls12);
        assert!(!gcm.is_valid_for(ProtocolVersion::Tls10));
        assert!(gcm.is_valid_for(ProtocolVersion::Tls12));
        assert!(!gcm.is_valid_for(ProtocolVersion::Tls13));
    }

    #[test]
    fn sha256_cbc_suites_need_tls12() {
        let cbc_sha256 = suite(0x003c); // TLS_RSA_WITH_AES_128_CBC_SHA256
        assert!(cbc_sha256.is_cbc() && !cbc_sha256.is_aead());
        assert_eq!(cbc_sha256.min_version(), ProtocolVersion::Tls12);
        let cbc_sha = suite(0x002f); // TLS_RSA_WITH_AES_128_CBC_SHA
        assert_eq!(cbc_sha.min_version(), ProtocolVersion::Ssl3);
        assert!(!cbc_sha.has_forward_secrecy());
        assert_eq!(cbc_sha.openssl_name, Some("AES128-SHA"));
    }

    #[test]
    fn export_suites_are_export_and_weak() {
        let export_rc4 = suite(0x0003);
        assert_eq!(export_rc4.openssl_name, Some("EXP-RC4-MD5"));
        assert!(export_rc4.is_export() && export_rc4.is_rc4());
        assert_eq!(export_rc4.key_bits, 40);
        assert_eq!(export_rc4.mac, Mac::Md5);
        let export1024 = suite(0x0062);
        assert!(export1024.is_export() && export1024.is_des());
        let edh_export = suite(0x0014);
        assert!(edh_export.is_export() && edh_export.has_forward_secrecy());
        assert!(!suite(0x000a).is_export());
    }

    #[test]
    fn null_and_anonymous_suites_are_classified() {
        let null_sha = suite(0x0002);
        assert!(null_sha.is_null() && !null_sha.is_anonymous());
        assert_eq!(null_sha.mode, CipherMode::Null);
        let adh = suite(0x0034); // TLS_DH_anon_WITH_AES_128_CBC_SHA
        assert_eq!(adh.openssl_name, Some("ADH-AES128-SHA"));
        assert_eq!(adh.key_exchange, KeyExchange::DhAnon);
        assert!(adh.is_anonymous() && !adh.is_null());
        let aecdh_null = suite(0xc015);
        assert_eq!(aecdh_null.key_exchange, KeyExchange::EcdhAnon);
        assert!(aecdh_null.is_anonymous() && aecdh_null.is_null());
        let psk = suite(0x008c); // TLS_PSK_WITH_AES_128_CBC_SHA
        assert!(!psk.is_anonymous());
        assert_eq!(psk.key_exchange, KeyExchange::Psk);
    }

    #[test]
    fn des_and_3des_are_told_apart() {
        let triple = suite(0x000a);
        assert_eq!(triple.openssl_name, Some("DES-CBC3-SHA"));
        assert!(triple.is_3des() && !triple.is_des());
        assert_eq!(triple.key_bits, 168);
        let single = suite(0x0009);
        assert!(single.is_des() && !single.is_3des());
    }

    #[test]
    fn chacha20_has_a_256_bit_key_and_poly1305() {
        let chacha = suite(0xcca8);
        assert_eq!(chacha.openssl_name, Some("ECDHE-RSA-CHACHA20-POLY1305"));
        assert_eq!((chacha.mode, chacha.key_bits), (CipherMode::Poly1305, 256));
        assert!(chacha.is_aead());
        let old = suite(0xcc13);
        assert_eq!(old.openssl_name, Some("ECDHE-RSA-CHACHA20-POLY1305-OLD"));
        assert_eq!(old.min_version(), ProtocolVersion::Tls12);
    }

    #[test]
    fn tls13_suites_are_tls13_only() {
        for code in [0x1301, 0x1302, 0x1303, 0x1304, 0x1305] {
            let tls13 = suite(code);
            assert!(tls13.is_tls13_only() && tls13.is_aead() && tls13.has_forward_secrecy());
            assert!(!tls13.is_null());
            assert!(tls13.is_valid_for(ProtocolVersion::Tls13));
            assert!(!tls13.is_valid_for(ProtocolVersion::Tls12));
        }
        assert_eq!(suite(0x1305).mode, CipherMode::Ccm8);
        let integrity_only = suite(0xc0b4); // TLS_SHA256_SHA256
        assert!(integrity_only.is_tls13_only() && integrity_only.is_null());
        assert_eq!(suite(0x1301).openssl_name, Some("TLS_AES_128_GCM_SHA256"));
    }

    #[test]
    fn psk_dhe_ccm8_suites_are_dhe_psk() {
        let psk_dhe = suite(0xc0aa); // TLS_PSK_DHE_WITH_AES_128_CCM_8
        assert_eq!(psk_dhe.key_exchange, KeyExchange::DhePsk);
        assert_eq!(psk_dhe.authentication, Authentication::Psk);
        assert_eq!(psk_dhe.mode, CipherMode::Ccm8);
    }

    #[test]
    fn signalling_values_are_never_offered_as_suites() {
        for code in [EMPTY_RENEGOTIATION_INFO_SCSV, FALLBACK_SCSV] {
            let scsv = suite(code);
            assert!(scsv.is_signalling() && !scsv.is_null() && !scsv.is_anonymous());
            assert!(ProtocolVersion::ALL.iter().all(|&v| !scsv.is_valid_for(v)));
        }
    }

    #[test]
    fn offerable_lists_respect_versions() {
        let tls10 = offerable(ProtocolVersion::Tls10).count();
        let tls12 = offerable(ProtocolVersion::Tls12).count();
        let tls13 = offerable(ProtocolVersion::Tls13).count();
        assert!(tls10 > 100 && tls12 > 300, "{tls10} {tls12}");
        // The five RFC 8446 suites, SM4, AEGIS and the integrity-only ones of RFC 9150.
        assert_eq!(tls13, 11);
        assert!(offerable(ProtocolVersion::Tls10).all(|s| !s.is_aead()));
        assert_eq!(offerable(ProtocolVersion::Ssl2).count(), 0);
    }

    #[test]
    fn finds_suites_by_either_name() {
        assert_eq!(
            by_name("ECDHE-RSA-AES256-GCM-SHA384").map(|s| s.code),
            Some(0xc030)
        );
        assert_eq!(
            by_name("tls_rsa_with_rc4_128_sha").map(|s| s.code),
            Some(0x0005)
        );
        assert!(by_name("NO-SUCH-SUITE").is_none());
    }

    #[test]
    fn openssl_names_are_sorted_and_all_name_known_suites() {
        assert!(OPENSSL_NAMES.windows(2).all(|pair| pair[0].0 < pair[1].0));
        for (code, name) in OPENSSL_NAMES {
            assert!(
                by_code(*code).is_some(),
                "{name} ({code:#06x}) not in the registry"
            );
        }
    }

    #[test]
    fn sslv2_kinds_have_three_byte_codes() {
        assert!(SSLV2_CIPHER_KINDS.iter().all(|kind| kind.code <= 0xff_ffff));
        let export = sslv2_by_code(0x020080).map(|kind| (kind.openssl_name, kind.export));
        assert_eq!(export, Some(("EXP-RC4-MD5", true)));
    }
}
