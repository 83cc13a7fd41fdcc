//! Decoders for the messages of a server's first flight: ServerHello (and HelloRetryRequest),
//! Certificate, ServerKeyExchange, CertificateRequest, and the SSLv2 SERVER-HELLO.
//!
//! Each decoder takes one complete message body and reads it with a bounds-checked [`Reader`];
//! [`super::server_reply::ReplyParser`] does the record framing and reassembly.

use super::reader::{DecodeError, Reader};
use super::suites::{self, Authentication, CipherSuite, KeyExchange};
use super::{extension_type, ProtocolVersion};

/// The `random` of a HelloRetryRequest: SHA-256 of "HelloRetryRequest" (RFC 8446 section 4.1.3).
pub const HELLO_RETRY_REQUEST_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// A ServerHello or HelloRetryRequest, with the extensions a scanner reads already decoded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerHello {
    /// `server_version` (`legacy_version` in TLS 1.3, where it stays 0x0303).
    pub legacy_version: u16,
    pub random: [u8; 32],
    pub session_id: Vec<u8>,
    pub cipher_suite: u16,
    pub compression_method: u8,
    /// Every extension type, in the order the server sent them.
    pub extension_types: Vec<u16>,
    /// supported_versions: the version TLS 1.3 servers actually chose.
    pub selected_version: Option<u16>,
    /// key_share: the group of the server's share, or in a HelloRetryRequest the group it wants.
    pub key_share_group: Option<u16>,
    /// renegotiation_info: present (empty on an initial handshake) when the server supports
    /// secure renegotiation.
    pub renegotiation_info: Option<Vec<u8>>,
    pub extended_master_secret: bool,
    pub encrypt_then_mac: bool,
    /// The server will send a NewSessionTicket.
    pub session_ticket: bool,
    /// The server will staple an OCSP response (CertificateStatus).
    pub status_request: bool,
    /// The protocol ALPN selected.
    pub alpn: Option<Vec<u8>>,
    pub ec_point_formats: Option<Vec<u8>>,
    /// A HelloRetryRequest's cookie.
    pub cookie: Option<Vec<u8>>,
    /// heartbeat mode (1: peer allowed to send, 2: not allowed).
    pub heartbeat: Option<u8>,
}

impl ServerHello {
    /// The negotiated version: supported_versions when present, else `legacy_version`.
    pub fn version(&self) -> u16 {
        self.selected_version.unwrap_or(self.legacy_version)
    }

    /// [`Self::version`] as a known version, if it is one.
    pub fn protocol_version(&self) -> Option<ProtocolVersion> {
        ProtocolVersion::from_wire(self.version())
    }

    pub fn is_hello_retry_request(&self) -> bool {
        self.random == HELLO_RETRY_REQUEST_RANDOM
    }

    /// The selected suite, if it is a known one.
    pub fn suite(&self) -> Option<&'static CipherSuite> {
        suites::by_code(self.cipher_suite)
    }

    /// The TLS 1.3 downgrade sentinel (RFC 8446 section 4.1.3) at the end of `random`: a
    /// TLS 1.3 server that negotiated TLS 1.2 says `Tls12`, TLS 1.1 or below says `Tls11`.
    pub fn downgrade_sentinel(&self) -> Option<ProtocolVersion> {
        match self.random.get(24..) {
            Some(b"DOWNGRD\x01") => Some(ProtocolVersion::Tls12),
            Some(b"DOWNGRD\x00") => Some(ProtocolVersion::Tls11),
            _ => None,
        }
    }

    /// Decodes a ServerHello body (without the four-byte handshake header).
    pub fn decode(body: &[u8]) -> Result<Self, DecodeError> {
        let mut reader = Reader::new(body);
        let mut hello = ServerHello {
            legacy_version: reader.u16("server version")?,
            random: reader.array("server random")?,
            ..ServerHello::default()
        };
        let session_id = reader.vec_u8("session id")?;
        if session_id.len() > 32 {
            return Err(DecodeError::InvalidValue {
                what: "session id length",
                value: session_id.len() as u64,
            });
        }
        hello.session_id = session_id.to_vec();
        hello.cipher_suite = reader.u16("cipher suite")?;
        hello.compression_method = reader.u8("compression method")?;
        // SSLv3 and some TLS 1.0 servers send no extension block at all.
        if !reader.is_empty() {
            let mut extensions = Reader::new(reader.vec_u16("server hello extensions")?);
            while !extensions.is_empty() {
                let code = extensions.u16("extension type")?;
                let body = extensions.vec_u16("extension body")?;
                if !hello.extension_types.contains(&code) {
                    hello.read_extension(code, body)?;
                }
                hello.extension_types.push(code);
            }
        }
        reader.expect_end("server hello")?;
        Ok(hello)
    }

    fn read_extension(&mut self, code: u16, body: &[u8]) -> Result<(), DecodeError> {
        let mut reader = Reader::new(body);
        match code {
            extension_type::SUPPORTED_VERSIONS => {
                self.selected_version = Some(reader.u16("supported_versions")?);
            }
            extension_type::KEY_SHARE => {
                self.key_share_group = Some(reader.u16("key_share group")?);
                if !self.is_hello_retry_request() {
                    reader.vec_u16("key_share public key")?;
                }
            }
            extension_type::RENEGOTIATION_INFO => {
                self.renegotiation_info = Some(reader.vec_u8("renegotiation_info")?.to_vec());
            }
            extension_type::ALPN => {
                let mut protocols = Reader::new(reader.vec_u16("ALPN protocol list")?);
                self.alpn = Some(protocols.vec_u8("ALPN protocol")?.to_vec());
                protocols.expect_end("ALPN protocol list")?;
            }
            extension_type::EC_POINT_FORMATS => {
                self.ec_point_formats = Some(reader.vec_u8("ec_point_formats")?.to_vec());
            }
            extension_type::COOKIE => {
                self.cookie = Some(reader.vec_u16("cookie")?.to_vec());
            }
            extension_type::HEARTBEAT => {
                self.heartbeat = Some(reader.u8("heartbeat mode")?);
            }
            // Flags: their bodies are empty, or (status_request in TLS 1.3) not ours to read.
            extension_type::EXTENDED_MASTER_SECRET => self.extended_master_secret = true,
            extension_type::ENCRYPT_THEN_MAC => self.encrypt_then_mac = true,
            extension_type::SESSION_TICKET => self.session_ticket = true,
            extension_type::STATUS_REQUEST => self.status_request = true,
            _ => {}
        }
        // Bytes after what we read are tolerated: a scanner reports what it can.
        Ok(())
    }
}

/// Decodes a TLS 1.0–1.2 Certificate body: the DER certificates, leaf first.
pub fn decode_certificate_list(body: &[u8]) -> Result<Vec<Vec<u8>>, DecodeError> {
    let mut reader = Reader::new(body);
    let mut list = Reader::new(reader.vec_u24("certificate list")?);
    reader.expect_end("certificate message")?;
    let mut certificates = Vec::new();
    while !list.is_empty() {
        certificates.push(list.vec_u24("certificate")?.to_vec());
    }
    Ok(certificates)
}

/// A ServerKeyExchange, read according to the negotiated suite's key exchange.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerKeyExchange {
    /// The PSK identity hint of the PSK suites.
    pub psk_identity_hint: Option<Vec<u8>>,
    pub parameters: KeyExchangeParameters,
    /// Absent for anonymous and PSK key exchanges, and after explicit curve parameters (which
    /// tlscheck does not decode).
    pub signature: Option<ServerSignature>,
}

/// The key exchange parameters of a ServerKeyExchange.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyExchangeParameters {
    Dh(DhParameters),
    Ec(EcParameters),
    /// The temporary RSA key of an export suite.
    Rsa(RsaParameters),
    Srp(SrpParameters),
    /// PSK and RSA_PSK: the hint is all there is.
    None,
    /// A key exchange tlscheck does not decode (unknown suite, Kerberos, GOST, ECCPWD).
    Unparsed(Vec<u8>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DhParameters {
    pub prime: Vec<u8>,
    pub generator: Vec<u8>,
    pub public_value: Vec<u8>,
}

impl DhParameters {
    /// Size of the prime in bits (the figure Logjam findings compare with 2048).
    pub fn prime_bits(&self) -> u32 {
        super::bit_length(&self.prime)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EcParameters {
    NamedCurve {
        group: u16,
        point: Vec<u8>,
    },
    /// explicit_prime (1) or explicit_char2 (2) curve parameters, not decoded further.
    Explicit {
        curve_type: u8,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RsaParameters {
    pub modulus: Vec<u8>,
    pub exponent: Vec<u8>,
}

impl RsaParameters {
    pub fn modulus_bits(&self) -> u32 {
        super::bit_length(&self.modulus)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SrpParameters {
    pub prime: Vec<u8>,
    pub generator: Vec<u8>,
    pub salt: Vec<u8>,
    pub public_value: Vec<u8>,
}

impl SrpParameters {
    pub fn prime_bits(&self) -> u32 {
        super::bit_length(&self.prime)
    }
}

/// The signature over the key exchange parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerSignature {
    /// The SignatureAndHashAlgorithm, sent from TLS 1.2 on.
    pub scheme: Option<u16>,
    pub signature: Vec<u8>,
}

impl ServerKeyExchange {
    /// Decodes a ServerKeyExchange body for `suite` negotiated at `version` (which decides
    /// whether the signature names its algorithm). An unknown suite yields
    /// [`KeyExchangeParameters::Unparsed`].
    pub fn decode(
        body: &[u8],
        suite: Option<&CipherSuite>,
        version: u16,
    ) -> Result<Self, DecodeError> {
        let Some(suite) = suite else {
            return Ok(Self::unparsed(body));
        };
        let mut reader = Reader::new(body);
        let psk_identity_hint = match suite.key_exchange {
            KeyExchange::Psk
            | KeyExchange::RsaPsk
            | KeyExchange::DhePsk
            | KeyExchange::EcdhePsk => Some(reader.vec_u16("psk identity hint")?.to_vec()),
            _ => None,
        };
        let parameters = match suite.key_exchange {
            KeyExchange::Dhe | KeyExchange::DhAnon | KeyExchange::DhePsk => {
                KeyExchangeParameters::Dh(DhParameters {
                    prime: reader.vec_u16("DH prime")?.to_vec(),
                    generator: reader.vec_u16("DH generator")?.to_vec(),
                    public_value: reader.vec_u16("DH public value")?.to_vec(),
                })
            }
            KeyExchange::Ecdhe | KeyExchange::EcdhAnon | KeyExchange::EcdhePsk => {
                match reader.u8("EC curve type")? {
                    3 => KeyExchangeParameters::Ec(EcParameters::NamedCurve {
                        group: reader.u16("EC named curve")?,
                        point: reader.vec_u8("EC point")?.to_vec(),
                    }),
                    curve_type @ (1 | 2) => {
                        // The signature follows parameters we do not decode: stop here.
                        return Ok(Self {
                            psk_identity_hint,
                            parameters: KeyExchangeParameters::Ec(EcParameters::Explicit {
                                curve_type,
                            }),
                            signature: None,
                        });
                    }
                    other => {
                        return Err(DecodeError::InvalidValue {
                            what: "EC curve type",
                            value: u64::from(other),
                        })
                    }
                }
            }
            KeyExchange::Rsa => KeyExchangeParameters::Rsa(RsaParameters {
                modulus: reader.vec_u16("RSA modulus")?.to_vec(),
                exponent: reader.vec_u16("RSA exponent")?.to_vec(),
            }),
            KeyExchange::Srp => KeyExchangeParameters::Srp(SrpParameters {
                prime: reader.vec_u16("SRP prime")?.to_vec(),
                generator: reader.vec_u16("SRP generator")?.to_vec(),
                salt: reader.vec_u8("SRP salt")?.to_vec(),
                public_value: reader.vec_u16("SRP public value")?.to_vec(),
            }),
            KeyExchange::Psk | KeyExchange::RsaPsk => KeyExchangeParameters::None,
            _ => return Ok(Self::unparsed(body)),
        };
        let signed = matches!(
            suite.authentication,
            Authentication::Rsa
                | Authentication::Dss
                | Authentication::Ecdsa
                | Authentication::SrpRsa
                | Authentication::SrpDss
        ) && psk_identity_hint.is_none();
        let signature = if signed {
            let scheme = if version >= ProtocolVersion::Tls12.wire() {
                Some(reader.u16("signature algorithm")?)
            } else {
                None
            };
            let signature = reader.vec_u16("signature")?.to_vec();
            Some(ServerSignature { scheme, signature })
        } else {
            None
        };
        reader.expect_end("server key exchange")?;
        Ok(Self {
            psk_identity_hint,
            parameters,
            signature,
        })
    }

    fn unparsed(body: &[u8]) -> Self {
        Self {
            psk_identity_hint: None,
            parameters: KeyExchangeParameters::Unparsed(body.to_vec()),
            signature: None,
        }
    }
}

/// A CertificateRequest: the server asks for a client certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateRequest {
    /// ClientCertificateType values (1 rsa_sign, 2 dss_sign, 64 ecdsa_sign, ...).
    pub certificate_types: Vec<u8>,
    /// TLS 1.2 only; empty before.
    pub signature_schemes: Vec<u16>,
    /// The DER DistinguishedNames of the CAs the server accepts.
    pub authorities: Vec<Vec<u8>>,
}

impl CertificateRequest {
    /// Decodes a TLS 1.0–1.2 CertificateRequest body negotiated at `version`.
    pub fn decode(body: &[u8], version: u16) -> Result<Self, DecodeError> {
        let mut reader = Reader::new(body);
        let certificate_types = reader.vec_u8("certificate types")?.to_vec();
        let signature_schemes = if version >= ProtocolVersion::Tls12.wire() {
            reader.u16_list("signature algorithms")?
        } else {
            Vec::new()
        };
        let mut names = Reader::new(reader.vec_u16("certificate authorities")?);
        let mut authorities = Vec::new();
        while !names.is_empty() {
            authorities.push(names.vec_u16("distinguished name")?.to_vec());
        }
        reader.expect_end("certificate request")?;
        Ok(Self {
            certificate_types,
            signature_schemes,
            authorities,
        })
    }
}

/// An SSLv2 SERVER-HELLO.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sslv2ServerHello {
    pub session_id_hit: bool,
    /// 1 for X.509.
    pub certificate_type: u8,
    pub version: u16,
    /// The server's DER certificate.
    pub certificate: Vec<u8>,
    /// The cipher kinds the server shares with the client (three-byte codes).
    pub cipher_specs: Vec<u32>,
    pub connection_id: Vec<u8>,
}

impl Sslv2ServerHello {
    /// Decodes a SERVER-HELLO body after its message type byte.
    pub fn decode(body: &[u8]) -> Result<Self, DecodeError> {
        let mut reader = Reader::new(body);
        let session_id_hit = reader.u8("session id hit")? != 0;
        let certificate_type = reader.u8("certificate type")?;
        let version = reader.u16("server version")?;
        let certificate_len = reader.u16("certificate length")?;
        let cipher_specs_len = reader.u16("cipher specs length")?;
        let connection_id_len = reader.u16("connection id length")?;
        let certificate = reader
            .take(usize::from(certificate_len), "certificate")?
            .to_vec();
        let mut specs = Reader::new(reader.take(usize::from(cipher_specs_len), "cipher specs")?);
        let connection_id = reader
            .take(usize::from(connection_id_len), "connection id")?
            .to_vec();
        reader.expect_end("SSLv2 server hello")?;
        let mut cipher_specs = Vec::new();
        while !specs.is_empty() {
            let [high, middle, low] = specs.array("cipher spec")?;
            cipher_specs.push(u32::from_be_bytes([0, high, middle, low]));
        }
        Ok(Self {
            session_id_hit,
            certificate_type,
            version,
            certificate,
            cipher_specs,
            connection_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_an_sslv3_server_hello_without_extensions() {
        let mut body = vec![3, 0];
        body.extend_from_slice(&[7; 32]);
        body.extend_from_slice(&[0, 0x00, 0x0a, 0]);
        let hello = ServerHello::decode(&body).unwrap();
        assert_eq!((hello.version(), hello.cipher_suite), (0x0300, 0x000a));
        assert!(hello.extension_types.is_empty());
    }

    #[test]
    fn rejects_a_session_id_longer_than_32_bytes() {
        let mut body = vec![3, 3];
        body.extend_from_slice(&[7; 32]);
        body.push(33);
        body.extend_from_slice(&[0; 33 + 3]);
        assert_eq!(
            ServerHello::decode(&body),
            Err(DecodeError::InvalidValue {
                what: "session id length",
                value: 33
            })
        );
    }

    #[test]
    fn reads_export_rsa_key_exchange() {
        let suite = suites::by_code(0x0003); // EXP-RC4-MD5
        let mut body = vec![0, 64];
        body.extend_from_slice(&[0xc5; 64]);
        body.extend_from_slice(&[0, 3, 1, 0, 1, 0, 2, 0xaa, 0xbb]);
        let exchange = ServerKeyExchange::decode(&body, suite, 0x0301).unwrap();
        let KeyExchangeParameters::Rsa(rsa) = &exchange.parameters else {
            panic!("{exchange:?}");
        };
        assert_eq!(rsa.modulus_bits(), 512);
        assert_eq!(
            exchange.signature.map(|s| (s.scheme, s.signature)),
            Some((None, vec![0xaa, 0xbb]))
        );
    }

    #[test]
    fn reads_ecdhe_psk_without_signature() {
        let suite = suites::by_code(0xc035); // ECDHE-PSK-AES128-CBC-SHA
        let body = [0, 2, b'h', b'i', 3, 0, 0x1d, 2, 9, 9];
        let exchange = ServerKeyExchange::decode(&body, suite, 0x0303).unwrap();
        assert_eq!(exchange.psk_identity_hint.as_deref(), Some(&b"hi"[..]));
        assert_eq!(
            exchange.parameters,
            KeyExchangeParameters::Ec(EcParameters::NamedCurve {
                group: 0x1d,
                point: vec![9, 9]
            })
        );
        assert_eq!(exchange.signature, None);
    }

    #[test]
    fn rejects_an_unknown_curve_type() {
        let suite = suites::by_code(0xc02f);
        assert_eq!(
            ServerKeyExchange::decode(&[7, 0, 0x17], suite, 0x0303),
            Err(DecodeError::InvalidValue {
                what: "EC curve type",
                value: 7
            })
        );
    }

    #[test]
    fn rejects_a_key_exchange_with_trailing_bytes() {
        let suite = suites::by_code(0xc018); // AECDH-AES128-SHA: no signature
        assert_eq!(
            ServerKeyExchange::decode(&[3, 0, 0x17, 1, 4, 0xee], suite, 0x0303),
            Err(DecodeError::TrailingBytes {
                what: "server key exchange",
                count: 1
            })
        );
    }

    #[test]
    fn reads_a_tls10_certificate_request_without_signature_algorithms() {
        let body = [1, 1, 0, 5, 0, 3, 0x30, 1, 0];
        let request = CertificateRequest::decode(&body, 0x0301).unwrap();
        assert_eq!(request.certificate_types, [1]);
        assert!(request.signature_schemes.is_empty());
        assert_eq!(request.authorities, [vec![0x30, 1, 0]]);
    }
}
