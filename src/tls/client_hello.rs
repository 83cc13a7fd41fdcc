//! ClientHello builder: a TLS ClientHello for any version from SSLv3 to TLS 1.3 with the
//! extensions a scanner needs, and an SSLv2 CLIENT-HELLO, encoded into records ready to send.

use thiserror::Error;

use super::groups::{self, KeyShare, KeyShareError};
use super::{content_type, extension_type, handshake_type, signature_schemes, ProtocolVersion};

/// Largest plaintext record payload (RFC 8446 section 5.1); longer hellos span several records.
pub const MAX_RECORD_PAYLOAD: usize = 16384;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ClientHelloError {
    #[error("{what} is {length} bytes, more than the {max} its length field allows")]
    TooLong {
        what: &'static str,
        length: usize,
        max: usize,
    },
    #[error("the system random number generator failed")]
    Random,
    #[error(transparent)]
    KeyShare(#[from] KeyShareError),
    #[error("SSLv2 has a hello of its own: build an Sslv2ClientHello")]
    Sslv2NeedsItsOwnHello,
    #[error("an SSLv2 challenge must be 16 to 32 bytes long, not {0}")]
    Sslv2Challenge(usize),
}

/// One ClientHello extension. Bodies are encoded by [`ClientHello::encode`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientExtension {
    /// server_name with one host_name entry.
    ServerName(String),
    /// supported_groups (called elliptic_curves before RFC 7919).
    SupportedGroups(Vec<u16>),
    EcPointFormats(Vec<u8>),
    /// signature_algorithms (TLS 1.2 and later).
    SignatureAlgorithms(Vec<u16>),
    SupportedVersions(Vec<u16>),
    KeyShare(Vec<KeyShare>),
    /// renegotiation_info for an initial handshake (empty renegotiated_connection).
    RenegotiationInfo,
    ExtendedMasterSecret,
    /// session_ticket with no ticket: asks for a new one.
    SessionTicket,
    /// status_request for OCSP, with no responder ids or request extensions.
    StatusRequest,
    /// application_layer_protocol_negotiation.
    Alpn(Vec<Vec<u8>>),
    EncryptThenMac,
    SignedCertificateTimestamp,
    /// psk_key_exchange_modes; TLS 1.3 clients send `[1]` (psk_dhe_ke).
    PskKeyExchangeModes(Vec<u8>),
    /// Any other extension, body as given.
    Other {
        code: u16,
        body: Vec<u8>,
    },
}

impl ClientExtension {
    /// The extension type on the wire.
    pub fn code(&self) -> u16 {
        match self {
            ClientExtension::ServerName(_) => extension_type::SERVER_NAME,
            ClientExtension::SupportedGroups(_) => extension_type::SUPPORTED_GROUPS,
            ClientExtension::EcPointFormats(_) => extension_type::EC_POINT_FORMATS,
            ClientExtension::SignatureAlgorithms(_) => extension_type::SIGNATURE_ALGORITHMS,
            ClientExtension::SupportedVersions(_) => extension_type::SUPPORTED_VERSIONS,
            ClientExtension::KeyShare(_) => extension_type::KEY_SHARE,
            ClientExtension::RenegotiationInfo => extension_type::RENEGOTIATION_INFO,
            ClientExtension::ExtendedMasterSecret => extension_type::EXTENDED_MASTER_SECRET,
            ClientExtension::SessionTicket => extension_type::SESSION_TICKET,
            ClientExtension::StatusRequest => extension_type::STATUS_REQUEST,
            ClientExtension::Alpn(_) => extension_type::ALPN,
            ClientExtension::EncryptThenMac => extension_type::ENCRYPT_THEN_MAC,
            ClientExtension::SignedCertificateTimestamp => {
                extension_type::SIGNED_CERTIFICATE_TIMESTAMP
            }
            ClientExtension::PskKeyExchangeModes(_) => extension_type::PSK_KEY_EXCHANGE_MODES,
            ClientExtension::Other { code, .. } => *code,
        }
    }

    fn encode_body(&self, out: &mut Vec<u8>) -> Result<(), ClientHelloError> {
        match self {
            ClientExtension::ServerName(name) => {
                let mut entry = vec![0]; // name_type host_name
                put_u16_prefixed(&mut entry, "server name", name.as_bytes())?;
                put_u16_prefixed(out, "server name list", &entry)
            }
            ClientExtension::SupportedGroups(codes) => {
                put_u16_prefixed(out, "supported groups", &u16_bytes(codes))
            }
            ClientExtension::EcPointFormats(formats) => {
                put_u8_prefixed(out, "ec point formats", formats)
            }
            ClientExtension::SignatureAlgorithms(codes) => {
                put_u16_prefixed(out, "signature algorithms", &u16_bytes(codes))
            }
            ClientExtension::SupportedVersions(versions) => {
                put_u8_prefixed(out, "supported versions", &u16_bytes(versions))
            }
            ClientExtension::KeyShare(shares) => {
                let mut entries = Vec::new();
                for share in shares {
                    entries.extend_from_slice(&share.group.to_be_bytes());
                    put_u16_prefixed(&mut entries, "key share", &share.public_key)?;
                }
                put_u16_prefixed(out, "key shares", &entries)
            }
            ClientExtension::RenegotiationInfo => put_u8_prefixed(out, "renegotiation info", &[]),
            ClientExtension::StatusRequest => {
                out.push(1); // status_type ocsp
                put_u16_prefixed(out, "responder id list", &[])?;
                put_u16_prefixed(out, "request extensions", &[])
            }
            ClientExtension::Alpn(protocols) => {
                let mut list = Vec::new();
                for protocol in protocols {
                    put_u8_prefixed(&mut list, "ALPN protocol name", protocol)?;
                }
                put_u16_prefixed(out, "ALPN protocol list", &list)
            }
            ClientExtension::PskKeyExchangeModes(modes) => {
                put_u8_prefixed(out, "psk key exchange modes", modes)
            }
            ClientExtension::ExtendedMasterSecret
            | ClientExtension::SessionTicket
            | ClientExtension::EncryptThenMac
            | ClientExtension::SignedCertificateTimestamp => Ok(()),
            ClientExtension::Other { body, .. } => {
                out.extend_from_slice(body);
                Ok(())
            }
        }
    }
}

/// Groups offered in supported_groups by default: every curve and finite-field group a server
/// could pick for ECDHE or DHE, so the offer is limited by cipher suites, not by groups.
pub const DEFAULT_GROUPS: &[u16] = &[
    groups::X25519,
    groups::SECP256R1,
    groups::SECP384R1,
    groups::SECP521R1,
    0x001e, // x448
    0x001a, // brainpoolP256r1
    0x001b, // brainpoolP384r1
    0x001c, // brainpoolP512r1
    0x0016, // secp256k1
    0x0015, // secp224r1
    0x0013, // secp192r1
    0x000e, // sect571r1
    0x000d, // sect571k1
    0x000c, // sect409r1
    0x000b, // sect409k1
    0x000a, // sect283r1
    0x0009, // sect283k1
    0x0100, // ffdhe2048
    0x0101, // ffdhe3072
    0x0102, // ffdhe4096
    0x0103, // ffdhe6144
    0x0104, // ffdhe8192
];

/// A TLS ClientHello. Fields are public so a prober can shape any hello; [`ClientHello::new`]
/// fills in what a typical client of that version sends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientHello {
    /// Version in the record header (0x0301 for TLS hellos, as most clients send).
    pub record_version: u16,
    /// `client_version` (`legacy_version` in TLS 1.3, where it stays 0x0303).
    pub client_version: u16,
    pub random: [u8; 32],
    pub session_id: Vec<u8>,
    pub cipher_suites: Vec<u16>,
    pub compression_methods: Vec<u8>,
    /// In wire order.
    pub extensions: Vec<ClientExtension>,
    /// Add an RFC 7685 padding extension when the handshake message would be 256 to 511 bytes
    /// long, which hangs some F5 load balancers.
    pub pad: bool,
}

impl ClientHello {
    /// A hello offering `version` and the given suites with the extensions a client of that
    /// version sends: none for SSLv3; renegotiation_info, supported_groups, ec_point_formats,
    /// session_ticket, extended_master_secret and status_request from TLS 1.0; plus
    /// signature_algorithms from TLS 1.2; plus supported_versions, key_share (x25519 and
    /// secp256r1) and psk_key_exchange_modes for TLS 1.3.
    pub fn new(
        version: ProtocolVersion,
        cipher_suites: Vec<u16>,
    ) -> Result<Self, ClientHelloError> {
        let mut random = [0u8; 32];
        fill_random(&mut random)?;
        let mut hello = ClientHello {
            record_version: ProtocolVersion::Tls10.wire(),
            client_version: version.wire(),
            random,
            session_id: Vec::new(),
            cipher_suites,
            compression_methods: vec![0],
            extensions: Vec::new(),
            pad: true,
        };
        match version {
            ProtocolVersion::Ssl2 => return Err(ClientHelloError::Sslv2NeedsItsOwnHello),
            ProtocolVersion::Ssl3 => {
                // SSLv3 servers predate extensions and some reject any.
                hello.record_version = ProtocolVersion::Ssl3.wire();
                hello.pad = false;
                return Ok(hello);
            }
            ProtocolVersion::Tls10 | ProtocolVersion::Tls11 | ProtocolVersion::Tls12 => {}
            ProtocolVersion::Tls13 => {
                hello.client_version = ProtocolVersion::Tls12.wire();
                // A session id makes the hello look like a resumption to middleboxes
                // (RFC 8446 appendix D.4).
                let mut session_id = vec![0u8; 32];
                fill_random(&mut session_id)?;
                hello.session_id = session_id;
            }
        }
        // A hello offering only TLS 1.3 must not list the groups TLS 1.3 made obsolete.
        let offered_groups: Vec<u16> = DEFAULT_GROUPS
            .iter()
            .copied()
            .filter(|code| version != ProtocolVersion::Tls13 || groups::allowed_in_tls13(*code))
            .collect();
        hello.extensions.extend([
            ClientExtension::RenegotiationInfo,
            ClientExtension::SupportedGroups(offered_groups),
            ClientExtension::EcPointFormats(vec![0, 1, 2]),
            ClientExtension::SessionTicket,
            ClientExtension::ExtendedMasterSecret,
            ClientExtension::StatusRequest,
        ]);
        if version >= ProtocolVersion::Tls12 {
            hello.extensions.push(ClientExtension::SignatureAlgorithms(
                signature_schemes::DEFAULT_OFFER.to_vec(),
            ));
        }
        if version == ProtocolVersion::Tls13 {
            hello.extensions.extend([
                ClientExtension::SupportedVersions(vec![ProtocolVersion::Tls13.wire()]),
                ClientExtension::PskKeyExchangeModes(vec![1]),
            ]);
            hello = hello.with_key_shares(&[groups::X25519, groups::SECP256R1])?;
        }
        Ok(hello)
    }

    /// Sets server_name (replacing any earlier one).
    pub fn with_server_name(self, host_name: &str) -> Self {
        self.with_extension(ClientExtension::ServerName(host_name.to_owned()))
    }

    /// Sets supported_groups.
    pub fn with_groups(self, groups: &[u16]) -> Self {
        self.with_extension(ClientExtension::SupportedGroups(groups.to_vec()))
    }

    /// Sets signature_algorithms.
    pub fn with_signature_schemes(self, schemes: &[u16]) -> Self {
        self.with_extension(ClientExtension::SignatureAlgorithms(schemes.to_vec()))
    }

    /// Sets ALPN, protocols in order of preference (`b"h2"`, `b"http/1.1"`).
    pub fn with_alpn(self, protocols: &[&[u8]]) -> Self {
        let protocols = protocols.iter().map(|protocol| protocol.to_vec()).collect();
        self.with_extension(ClientExtension::Alpn(protocols))
    }

    /// Sets supported_versions.
    pub fn with_supported_versions(self, versions: &[ProtocolVersion]) -> Self {
        let versions = versions.iter().map(|version| version.wire()).collect();
        self.with_extension(ClientExtension::SupportedVersions(versions))
    }

    /// Sets key_share to fresh shares for `groups` (see [`groups::can_generate_key_share`]).
    pub fn with_key_shares(self, groups: &[u16]) -> Result<Self, ClientHelloError> {
        let shares = groups
            .iter()
            .map(|&group| groups::key_share(group))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(self.with_extension(ClientExtension::KeyShare(shares)))
    }

    /// Adds an extension, replacing one of the same type in place.
    pub fn with_extension(mut self, extension: ClientExtension) -> Self {
        match self
            .extensions
            .iter_mut()
            .find(|existing| existing.code() == extension.code())
        {
            Some(existing) => *existing = extension,
            None => self.extensions.push(extension),
        }
        self
    }

    /// Removes the extension of this type, if present.
    pub fn without_extension(mut self, code: u16) -> Self {
        self.extensions.retain(|extension| extension.code() != code);
        self
    }

    /// The extension of this type, if present.
    pub fn extension(&self, code: u16) -> Option<&ClientExtension> {
        self.extensions
            .iter()
            .find(|extension| extension.code() == code)
    }

    /// The handshake message: type, length and body, without record framing.
    pub fn encode_handshake(&self) -> Result<Vec<u8>, ClientHelloError> {
        let mut body = Vec::with_capacity(512);
        body.extend_from_slice(&self.client_version.to_be_bytes());
        body.extend_from_slice(&self.random);
        put_u8_prefixed(&mut body, "session id", &self.session_id)?;
        put_u16_prefixed(&mut body, "cipher suites", &u16_bytes(&self.cipher_suites))?;
        put_u8_prefixed(&mut body, "compression methods", &self.compression_methods)?;

        let mut extensions = Vec::new();
        for extension in &self.extensions {
            let mut extension_body = Vec::new();
            extension.encode_body(&mut extension_body)?;
            extensions.extend_from_slice(&extension.code().to_be_bytes());
            put_u16_prefixed(&mut extensions, "extension", &extension_body)?;
        }
        if self.pad {
            // As BoringSSL does: the length so far counts the handshake header and the
            // extensions' two-byte length field.
            let unpadded = 4 + body.len() + 2 + extensions.len();
            if (0x100..0x200).contains(&unpadded) {
                let padding = (0x200 - unpadded)
                    .checked_sub(4)
                    .filter(|&n| n >= 1)
                    .unwrap_or(1);
                extensions.extend_from_slice(&extension_type::PADDING.to_be_bytes());
                put_u16_prefixed(&mut extensions, "padding", &vec![0; padding])?;
            }
        }
        if !extensions.is_empty() {
            put_u16_prefixed(&mut body, "extensions", &extensions)?;
        }

        let mut message = vec![handshake_type::CLIENT_HELLO];
        put_u24_prefixed(&mut message, "client hello", &body)?;
        Ok(message)
    }

    /// The bytes to send: the handshake message in as many handshake records as it needs.
    pub fn encode(&self) -> Result<Vec<u8>, ClientHelloError> {
        let message = self.encode_handshake()?;
        let mut records = Vec::with_capacity(message.len() + 5);
        for fragment in message.chunks(MAX_RECORD_PAYLOAD) {
            records.push(content_type::HANDSHAKE);
            records.extend_from_slice(&self.record_version.to_be_bytes());
            put_u16_prefixed(&mut records, "record", fragment)?;
        }
        Ok(records)
    }

    /// Length of [`Self::encode`]'s output, so a prober can split suite offers to stay under
    /// the hello sizes a server tolerates.
    pub fn encoded_len(&self) -> Result<usize, ClientHelloError> {
        let message_len = self.encode_handshake()?.len();
        Ok(message_len + 5 * message_len.div_ceil(MAX_RECORD_PAYLOAD))
    }
}

/// An SSLv2 CLIENT-HELLO (draft-hickman-netscape-ssl-00), in the two-byte record header form.
///
/// With `version` 0x0002 and SSLv2 cipher kinds it asks for SSLv2. With a TLS version and TLS
/// suites as `0x00XXYY` specs it is the SSLv2-compatible hello old clients used to reach TLS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sslv2ClientHello {
    pub version: u16,
    /// Three-byte cipher specs ([`super::suites::SSLV2_CIPHER_KINDS`] codes).
    pub cipher_specs: Vec<u32>,
    pub session_id: Vec<u8>,
    /// 16 to 32 random bytes.
    pub challenge: Vec<u8>,
}

impl Sslv2ClientHello {
    /// An SSLv2 hello offering `cipher_specs` with a fresh 16-byte challenge.
    pub fn new(cipher_specs: Vec<u32>) -> Result<Self, ClientHelloError> {
        let mut challenge = vec![0u8; 16];
        fill_random(&mut challenge)?;
        Ok(Self {
            version: ProtocolVersion::Ssl2.wire(),
            cipher_specs,
            session_id: Vec::new(),
            challenge,
        })
    }

    /// The bytes to send, record header included.
    pub fn encode(&self) -> Result<Vec<u8>, ClientHelloError> {
        if !(16..=32).contains(&self.challenge.len()) {
            return Err(ClientHelloError::Sslv2Challenge(self.challenge.len()));
        }
        let mut specs = Vec::with_capacity(self.cipher_specs.len() * 3);
        for spec in &self.cipher_specs {
            let [_, high, middle, low] = spec.to_be_bytes();
            specs.extend_from_slice(&[high, middle, low]);
        }
        let mut message = vec![1]; // MSG-CLIENT-HELLO
        message.extend_from_slice(&self.version.to_be_bytes());
        for (what, field) in [
            ("cipher specs", &specs),
            ("session id", &self.session_id),
            ("challenge", &self.challenge),
        ] {
            message.extend_from_slice(&length_u16(what, field.len())?.to_be_bytes());
        }
        message.extend_from_slice(&specs);
        message.extend_from_slice(&self.session_id);
        message.extend_from_slice(&self.challenge);

        let length = message.len();
        if length > 0x7fff {
            return Err(ClientHelloError::TooLong {
                what: "SSLv2 client hello",
                length,
                max: 0x7fff,
            });
        }
        let [high, low] = (length as u16 | 0x8000).to_be_bytes();
        let mut record = vec![high, low];
        record.extend_from_slice(&message);
        Ok(record)
    }
}

fn fill_random(buffer: &mut [u8]) -> Result<(), ClientHelloError> {
    rustls::crypto::aws_lc_rs::default_provider()
        .secure_random
        .fill(buffer)
        .map_err(|_| ClientHelloError::Random)
}

fn u16_bytes(values: &[u16]) -> Vec<u8> {
    values
        .iter()
        .flat_map(|value| value.to_be_bytes())
        .collect()
}

fn length_u16(what: &'static str, length: usize) -> Result<u16, ClientHelloError> {
    u16::try_from(length).map_err(|_| ClientHelloError::TooLong {
        what,
        length,
        max: usize::from(u16::MAX),
    })
}

fn put_u8_prefixed(
    out: &mut Vec<u8>,
    what: &'static str,
    bytes: &[u8],
) -> Result<(), ClientHelloError> {
    let length = u8::try_from(bytes.len()).map_err(|_| ClientHelloError::TooLong {
        what,
        length: bytes.len(),
        max: usize::from(u8::MAX),
    })?;
    out.push(length);
    out.extend_from_slice(bytes);
    Ok(())
}

fn put_u16_prefixed(
    out: &mut Vec<u8>,
    what: &'static str,
    bytes: &[u8],
) -> Result<(), ClientHelloError> {
    out.extend_from_slice(&length_u16(what, bytes.len())?.to_be_bytes());
    out.extend_from_slice(bytes);
    Ok(())
}

fn put_u24_prefixed(
    out: &mut Vec<u8>,
    what: &'static str,
    bytes: &[u8],
) -> Result<(), ClientHelloError> {
    const MAX_U24: usize = 0xff_ffff;
    if bytes.len() > MAX_U24 {
        return Err(ClientHelloError::TooLong {
            what,
            length: bytes.len(),
            max: MAX_U24,
        });
    }
    let [_, high, middle, low] = (bytes.len() as u32).to_be_bytes();
    out.extend_from_slice(&[high, middle, low]);
    out.extend_from_slice(bytes);
    Ok(())
}

#[cfg(test)]
mod tests {
    use tls_parser::{
        parse_tls_extensions, parse_tls_plaintext, TlsExtension, TlsMessage, TlsMessageHandshake,
    };

    use super::*;
    use crate::tls::suites;

    /// Parses `bytes` with tls-parser, an independent implementation, and returns the
    /// ClientHello's version, suites and extensions.
    fn parse_with_tls_parser(bytes: &[u8]) -> (u16, Vec<u16>, Vec<TlsExtension<'_>>) {
        let (rest, record) = parse_tls_plaintext(bytes).expect("tls-parser reads our record");
        assert!(rest.is_empty(), "{} bytes after the record", rest.len());
        let [TlsMessage::Handshake(TlsMessageHandshake::ClientHello(hello))] = &record.msg[..]
        else {
            panic!("not a single ClientHello: {:?}", record.msg);
        };
        let suites = hello.ciphers.iter().map(|suite| suite.0).collect();
        let (_, extensions) = parse_tls_extensions(hello.ext.unwrap_or_default()).unwrap();
        (hello.version.0, suites, extensions)
    }

    #[test]
    fn tls12_hello_is_read_back_by_tls_parser() {
        let offered: Vec<u16> = suites::offerable(ProtocolVersion::Tls12)
            .map(|s| s.code)
            .collect();
        let hello = ClientHello::new(ProtocolVersion::Tls12, offered.clone())
            .unwrap()
            .with_server_name("example.test")
            .with_alpn(&[b"h2", b"http/1.1"]);
        let bytes = hello.encode().unwrap();
        assert_eq!(bytes.get(..3), Some(&[22, 3, 1][..]));
        assert_eq!(hello.encoded_len(), Ok(bytes.len()));

        let (version, suites, extensions) = parse_with_tls_parser(&bytes);
        assert_eq!(version, 0x0303);
        assert_eq!(suites, offered);
        assert!(extensions.contains(&TlsExtension::SNI(vec![(
            tls_parser::SNIType::HostName,
            b"example.test".as_slice()
        )])));
        assert!(extensions.contains(&TlsExtension::ALPN(vec![b"h2".as_slice(), b"http/1.1"])));
        assert!(extensions.contains(&TlsExtension::RenegotiationInfo(&[])));
        assert!(extensions.contains(&TlsExtension::ExtendedMasterSecret));
        assert!(extensions
            .iter()
            .any(|extension| matches!(extension, TlsExtension::SignatureAlgorithms(list) if list.len() == signature_schemes::DEFAULT_OFFER.len())));
    }

    #[test]
    fn tls13_hello_carries_real_key_shares_and_supported_versions() {
        let hello = ClientHello::new(ProtocolVersion::Tls13, vec![0x1301, 0x1302, 0x1303]).unwrap();
        assert_eq!(hello.session_id.len(), 32);
        let bytes = hello.encode().unwrap();
        let (version, _, extensions) = parse_with_tls_parser(&bytes);
        assert_eq!(version, 0x0303);
        assert!(extensions.contains(&TlsExtension::SupportedVersions(vec![
            tls_parser::TlsVersion::Tls13
        ])));
        let Some(ClientExtension::KeyShare(shares)) = hello.extension(extension_type::KEY_SHARE)
        else {
            panic!("no key share");
        };
        let groups: Vec<(u16, usize)> = shares
            .iter()
            .map(|share| (share.group, share.public_key.len()))
            .collect();
        assert_eq!(groups, [(groups::X25519, 32), (groups::SECP256R1, 65)]);
    }

    #[test]
    fn tls13_hello_offers_no_group_tls13_made_obsolete() {
        let offered = |version| {
            let hello = ClientHello::new(version, vec![0x1301, 0xc02f]).unwrap();
            match hello.extension(extension_type::SUPPORTED_GROUPS) {
                Some(ClientExtension::SupportedGroups(list)) => list.clone(),
                other => panic!("supported_groups: {other:?}"),
            }
        };
        let tls13 = offered(ProtocolVersion::Tls13);
        assert!(
            tls13.iter().all(|code| groups::allowed_in_tls13(*code)),
            "{tls13:x?}"
        );
        assert!(tls13.contains(&groups::X25519) && tls13.contains(&0x0100));
        // TLS 1.2 and below still offer every curve a legacy server could pick.
        assert_eq!(offered(ProtocolVersion::Tls12), DEFAULT_GROUPS);
    }

    #[test]
    fn pads_hellos_of_256_to_511_bytes_to_512() {
        for suite_count in [10, 60, 120, 200] {
            let hello = ClientHello::new(ProtocolVersion::Tls12, (1..=suite_count).collect())
                .unwrap()
                .without_extension(extension_type::SIGNATURE_ALGORITHMS);
            let unpadded = ClientHello {
                pad: false,
                ..hello.clone()
            }
            .encode_handshake()
            .unwrap();
            let padded = hello.encode_handshake().unwrap();
            if (256..512).contains(&unpadded.len()) {
                assert_eq!(padded.len(), 512, "{} suites", suite_count);
            } else {
                assert_eq!(padded, unpadded, "{} suites", suite_count);
            }
        }
    }

    #[test]
    fn sslv3_hello_has_no_extension_block() {
        let hello = ClientHello::new(ProtocolVersion::Ssl3, vec![0x000a, 0x002f]).unwrap();
        let bytes = hello.encode().unwrap();
        // record header 5 + handshake header 4 + version 2 + random 32 + session id 1
        // + suites 2+4 + compression 2 = 52, with nothing after.
        assert_eq!(bytes.len(), 52);
        assert_eq!(bytes.get(..3), Some(&[22, 3, 0][..]));
        assert_eq!(bytes.get(9..11), Some(&[3, 0][..]));
    }

    #[test]
    fn splits_huge_hellos_into_several_records() {
        let hello = ClientHello::new(ProtocolVersion::Tls12, vec![0x002f; 9000]).unwrap();
        let bytes = hello.encode().unwrap();
        let message_len = hello.encode_handshake().unwrap().len();
        assert_eq!(bytes.len(), message_len + 10);
        assert_eq!(hello.encoded_len(), Ok(bytes.len()));
        assert_eq!(bytes.get(3..5), Some(&[0x40, 0x00][..]));
    }

    #[test]
    fn rejects_fields_longer_than_their_length_prefix() {
        let hello = ClientHello::new(ProtocolVersion::Tls12, vec![0x002f; 40_000]).unwrap();
        assert_eq!(
            hello.encode(),
            Err(ClientHelloError::TooLong {
                what: "cipher suites",
                length: 80_000,
                max: 65535
            })
        );
        assert_eq!(
            ClientHello::new(ProtocolVersion::Ssl2, vec![]),
            Err(ClientHelloError::Sslv2NeedsItsOwnHello)
        );
    }

    #[test]
    fn with_extension_replaces_in_place() {
        let hello = ClientHello::new(ProtocolVersion::Tls12, vec![0x002f])
            .unwrap()
            .with_server_name("a.test")
            .with_server_name("b.test");
        let names: Vec<_> = hello
            .extensions
            .iter()
            .filter(|extension| extension.code() == extension_type::SERVER_NAME)
            .collect();
        assert_eq!(names, [&ClientExtension::ServerName("b.test".into())]);
    }

    #[test]
    fn sslv2_hello_has_three_byte_cipher_specs() {
        let hello = Sslv2ClientHello::new(vec![0x010080, 0x0700c0]).unwrap();
        let bytes = hello.encode().unwrap();
        // header 2 + type 1 + version 2 + three lengths 6 + specs 6 + challenge 16
        assert_eq!(bytes.len(), 33);
        assert_eq!(
            bytes.get(..17),
            Some(&[0x80, 31, 1, 0, 2, 0, 6, 0, 0, 0, 16, 1, 0, 0x80, 7, 0, 0xc0][..])
        );
        let bad = Sslv2ClientHello {
            challenge: vec![0; 8],
            ..hello
        };
        assert_eq!(bad.encode(), Err(ClientHelloError::Sslv2Challenge(8)));
    }
}
