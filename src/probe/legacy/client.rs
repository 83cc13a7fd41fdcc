//! The legacy client's connection: one full SSLv3–TLS 1.2 handshake in tlscheck's own codec (the
//! ClientHello builder and the server-message decoders of `tls/`), then protected records both
//! ways. It keeps the transcript and every server message, so later probes can look at them.

use rand_core::{OsRng, RngCore};
use thiserror::Error;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use super::key_exchange::{self, ClientShare, KeyExchangeError, ServerKey, ECDHE_GROUPS};
use super::prf::{prf, ssl3_derive, ssl3_finished, transcript_hash, FinishedBy};
use super::record::{ClientKeyExchange, KeyBlock, RecordError, RecordProtection, SuiteParameters};
use crate::tls::alert::{self, Alert};
use crate::tls::reader::{DecodeError, Reader};
use crate::tls::server_messages::{decode_certificate_list, CertificateRequest};
use crate::tls::{
    content_type, extension_type, handshake_type, suites, ClientExtension, ClientHello,
    ProtocolVersion, ServerHello, ServerKeyExchange,
};

/// Largest protected record accepted: 2^14 plus the 2048 bytes RFC 5246 allows.
const MAX_RECORD: usize = 16384 + 2048;
/// Largest handshake message accepted (a long chain fits).
const MAX_HANDSHAKE_MESSAGE: usize = 256 * 1024;
/// Most handshake bytes a server may send before its Finished (a hostile server could send
/// messages without end).
const MAX_TRANSCRIPT: usize = 1024 * 1024;
/// Plaintext per record sent.
const MAX_FRAGMENT: usize = 16384;

/// What to offer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LegacyConfig {
    /// The lowest and highest versions to accept; the ClientHello offers the highest.
    pub min_version: ProtocolVersion,
    pub max_version: ProtocolVersion,
    /// In order of preference; suites the client cannot run are dropped from the offer.
    pub suites: Vec<u16>,
    /// ECDHE groups, in order of preference (among x25519, secp256r1, secp384r1).
    pub groups: Vec<u16>,
    pub server_name: Option<String>,
    pub alpn: Vec<Vec<u8>>,
    /// Offer extended_master_secret (RFC 7627).
    pub extended_master_secret: bool,
    /// Further extensions, sent as given after the client's own.
    pub extensions: Vec<ClientExtension>,
}

impl LegacyConfig {
    /// Every version from SSLv3 to TLS 1.2 and every suite and group the client can run, in a
    /// browser's order of preference: forward secrecy and AEAD first, RC4 and single DES last.
    pub fn everything(server_name: Option<&str>) -> Self {
        Self {
            min_version: ProtocolVersion::Ssl3,
            max_version: ProtocolVersion::Tls12,
            suites: runnable_suites(ProtocolVersion::Tls12),
            groups: ECDHE_GROUPS.to_vec(),
            server_name: server_name.map(str::to_owned),
            alpn: vec![b"http/1.1".to_vec()],
            extended_master_secret: true,
            // OCSP stapling, so the report can say whether the server staples.
            extensions: vec![ClientExtension::StatusRequest],
        }
    }
}

/// The suites the client can run at `version` or below, best first.
pub fn runnable_suites(version: ProtocolVersion) -> Vec<u16> {
    let mut runnable: Vec<(u8, u16)> = suites::all()
        .iter()
        .filter_map(|suite| {
            let at = ProtocolVersion::ALL
                .iter()
                .rev()
                .filter(|v| (ProtocolVersion::Tls10..=version).contains(v))
                .find_map(|v| SuiteParameters::new(suite, *v))?;
            let rank = match (at.key_exchange, suite.is_aead()) {
                (ClientKeyExchange::Ecdhe, true) => 0,
                (ClientKeyExchange::Dhe, true) => 1,
                (ClientKeyExchange::Ecdhe, false) => 2,
                (ClientKeyExchange::Dhe, false) => 3,
                (ClientKeyExchange::Rsa, true) => 4,
                (ClientKeyExchange::Rsa, false) => 5,
            };
            let rank = rank
                + if suite.is_3des() { 10 } else { 0 }
                + if suite.is_rc4() || suite.is_des() {
                    20
                } else {
                    0
                };
            Some((rank, suite.code))
        })
        .collect();
    runnable.sort();
    runnable.into_iter().map(|(_, code)| code).collect()
}

/// Why the handshake or a record failed.
#[derive(Debug, Error)]
pub enum LegacyError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("the server sent the alert {0}")]
    Alert(Alert),
    #[error("the connection closed before the handshake completed")]
    Closed,
    #[error("malformed {what}: {source}")]
    Malformed {
        what: &'static str,
        source: DecodeError,
    },
    #[error("unexpected {0}")]
    Unexpected(String),
    #[error("the server chose {0}, which the client did not offer")]
    NotOffered(String),
    #[error(transparent)]
    KeyExchange(#[from] KeyExchangeError),
    #[error(transparent)]
    Record(#[from] RecordError),
    #[error("the server's Finished does not match the handshake")]
    BadFinished,
    #[error("the ClientHello could not be built: {0}")]
    Hello(String),
}

fn malformed(what: &'static str) -> impl FnOnce(DecodeError) -> LegacyError {
    move |source| LegacyError::Malformed { what, source }
}

/// What the server sent in its first flight.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerMessages {
    pub server_hello: ServerHello,
    /// DER certificates, leaf first.
    pub certificates: Vec<Vec<u8>>,
    pub key_exchange: Option<ServerKeyExchange>,
    pub certificate_request: Option<CertificateRequest>,
    /// The OCSP response the server stapled (CertificateStatus), when it sent one.
    pub ocsp_response: Option<Vec<u8>>,
    /// Types of the other handshake messages received (22: CertificateStatus, 4:
    /// NewSessionTicket).
    pub other_messages: Vec<u8>,
}

/// A record read off the wire after the handshake, opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub content_type: u8,
    pub payload: Vec<u8>,
}

/// One connection after a completed handshake.
pub struct LegacySession<S> {
    stream: S,
    version: ProtocolVersion,
    suite: SuiteParameters,
    server: ServerMessages,
    share: ClientShare,
    transcript: Vec<u8>,
    client_random: [u8; 32],
    master_secret: Vec<u8>,
    client_verify_data: Vec<u8>,
    server_verify_data: Vec<u8>,
    write: Option<RecordProtection>,
    read: Option<RecordProtection>,
    /// Bytes received and not yet consumed as a whole record.
    incoming: Vec<u8>,
    /// Handshake bytes not yet a whole message.
    handshake: Vec<u8>,
    closed: bool,
}

impl<S> std::fmt::Debug for LegacySession<S> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("LegacySession")
            .field("version", &self.version)
            .field("suite", &self.suite)
            .finish_non_exhaustive()
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send> LegacySession<S> {
    /// A full handshake over `stream` as `config` says. The caller bounds it in time.
    pub async fn handshake(stream: S, config: &LegacyConfig) -> Result<Self, LegacyError> {
        let offered = offered_suites(config);
        let hello = client_hello(config, &offered)?;
        let mut session = LegacySession {
            stream,
            version: config.max_version,
            suite: SuiteParameters::new(
                suites::by_code(0x002f).ok_or(LegacyError::Closed)?,
                ProtocolVersion::Tls10,
            )
            .ok_or(LegacyError::Closed)?,
            server: ServerMessages {
                server_hello: ServerHello::default(),
                certificates: Vec::new(),
                key_exchange: None,
                certificate_request: None,
                ocsp_response: None,
                other_messages: Vec::new(),
            },
            share: ClientShare {
                message: Vec::new(),
                premaster_secret: Vec::new(),
                group: None,
                dh_bits: None,
            },
            transcript: Vec::new(),
            client_random: hello.random,
            master_secret: Vec::new(),
            client_verify_data: Vec::new(),
            server_verify_data: Vec::new(),
            write: None,
            read: None,
            incoming: Vec::new(),
            handshake: Vec::new(),
            closed: false,
        };
        let hello_message = hello
            .encode_handshake()
            .map_err(|error| LegacyError::Hello(error.to_string()))?;
        session
            .stream
            .write_all(
                &hello
                    .encode()
                    .map_err(|error| LegacyError::Hello(error.to_string()))?,
            )
            .await?;
        session.transcript.extend_from_slice(&hello_message);
        session.read_server_flight(config, &offered).await?;
        session.finish(config).await?;
        Ok(session)
    }

    async fn read_server_flight(
        &mut self,
        config: &LegacyConfig,
        offered: &[u16],
    ) -> Result<(), LegacyError> {
        // ServerHello.
        let (kind, body) = self.next_handshake_message().await?;
        if kind != handshake_type::SERVER_HELLO {
            return Err(LegacyError::Unexpected(format!(
                "handshake message {kind} instead of the server hello"
            )));
        }
        let server_hello = ServerHello::decode(&body).map_err(malformed("server hello"))?;
        let version = ProtocolVersion::from_wire(server_hello.legacy_version)
            .filter(|version| (config.min_version..=config.max_version).contains(version))
            .ok_or_else(|| {
                LegacyError::NotOffered(crate::tls::version_name(server_hello.legacy_version))
            })?;
        if !offered.contains(&server_hello.cipher_suite) {
            return Err(LegacyError::NotOffered(suites::iana_name(
                server_hello.cipher_suite,
            )));
        }
        let suite = suites::by_code(server_hello.cipher_suite)
            .and_then(|suite| SuiteParameters::new(suite, version))
            .ok_or_else(|| {
                LegacyError::NotOffered(format!(
                    "{} at {version}",
                    suites::iana_name(server_hello.cipher_suite)
                ))
            })?;
        if server_hello.compression_method != 0 {
            return Err(LegacyError::NotOffered("compression".into()));
        }
        self.version = version;
        self.suite = suite;
        self.server.server_hello = server_hello;

        // Certificate, ServerKeyExchange, CertificateRequest, ServerHelloDone.
        loop {
            let (kind, body) = self.next_handshake_message().await?;
            match kind {
                handshake_type::CERTIFICATE => {
                    self.server.certificates =
                        decode_certificate_list(&body).map_err(malformed("certificate"))?;
                }
                handshake_type::SERVER_KEY_EXCHANGE => {
                    let decoded = ServerKeyExchange::decode(
                        &body,
                        suites::by_code(suite.code),
                        version.wire(),
                    )
                    .map_err(malformed("server key exchange"))?;
                    self.verify_key_exchange(&body, &decoded)?;
                    self.server.key_exchange = Some(decoded);
                }
                handshake_type::CERTIFICATE_REQUEST => {
                    self.server.certificate_request = Some(
                        CertificateRequest::decode(&body, version.wire())
                            .map_err(malformed("certificate request"))?,
                    );
                }
                handshake_type::CERTIFICATE_STATUS => {
                    // status_type ocsp (1), then the DER response.
                    let mut reader = Reader::new(&body);
                    if reader
                        .u8("status type")
                        .map_err(malformed("certificate status"))?
                        == 1
                    {
                        self.server.ocsp_response = Some(
                            reader
                                .vec_u24("OCSP response")
                                .map_err(malformed("certificate status"))?
                                .to_vec(),
                        );
                    }
                    self.server.other_messages.push(kind);
                }
                handshake_type::SERVER_HELLO_DONE => return Ok(()),
                other => self.server.other_messages.push(other),
            }
        }
    }

    fn leaf_key(&self) -> Result<ServerKey, LegacyError> {
        let leaf =
            self.server.certificates.first().ok_or_else(|| {
                LegacyError::Unexpected("key exchange without a certificate".into())
            })?;
        Ok(ServerKey::from_certificate(leaf)?)
    }

    /// Checks the ServerKeyExchange signature over both randoms and the parameters as sent.
    fn verify_key_exchange(
        &self,
        body: &[u8],
        decoded: &ServerKeyExchange,
    ) -> Result<(), LegacyError> {
        let signature = decoded.signature.as_ref().ok_or_else(|| {
            LegacyError::Unexpected("an unsigned server key exchange".to_string())
        })?;
        let trailer =
            2 + signature.signature.len() + if signature.scheme.is_some() { 2 } else { 0 };
        let parameters = body
            .get(..body.len().saturating_sub(trailer))
            .unwrap_or_default();
        let mut signed = self.client_random.to_vec();
        signed.extend_from_slice(&self.server.server_hello.random);
        signed.extend_from_slice(parameters);
        self.leaf_key()?.verify(
            self.version,
            signature.scheme,
            &signed,
            &signature.signature,
        )?;
        Ok(())
    }

    async fn finish(&mut self, config: &LegacyConfig) -> Result<(), LegacyError> {
        let version = self.version;
        let ssl3 = version == ProtocolVersion::Ssl3;
        let share = match self.suite.key_exchange {
            ClientKeyExchange::Rsa => {
                let mut share =
                    key_exchange::rsa_share(&self.leaf_key()?, config.max_version.wire())?;
                if ssl3 {
                    // SSLv3 sends the encrypted secret without a length.
                    share.message.drain(..2);
                }
                share
            }
            ClientKeyExchange::Dhe | ClientKeyExchange::Ecdhe => {
                let parameters = self
                    .server
                    .key_exchange
                    .as_ref()
                    .ok_or_else(|| LegacyError::Unexpected("no server key exchange".into()))?;
                key_exchange::ephemeral_share(&parameters.parameters)?
            }
        };
        if let Some(group) = share.group {
            if !config.groups.contains(&group) {
                return Err(LegacyError::NotOffered(crate::tls::groups::display_name(
                    group,
                )));
            }
        }
        let mut flight = Vec::new();
        if self.server.certificate_request.is_some() {
            if ssl3 {
                // SSLv3 says it has none with a no_certificate warning.
                flight.extend(self.seal_records(content_type::ALERT, &[1, 41])?);
            } else {
                // No client certificate: an empty Certificate message.
                let message = handshake_message(handshake_type::CERTIFICATE, &[0, 0, 0]);
                self.transcript.extend_from_slice(&message);
                flight.extend(self.seal_records(content_type::HANDSHAKE, &message)?);
            }
        }
        let message = handshake_message(CLIENT_KEY_EXCHANGE, &share.message);
        self.transcript.extend_from_slice(&message);
        flight.extend(self.seal_records(content_type::HANDSHAKE, &message)?);

        let randoms = [&self.client_random[..], &self.server.server_hello.random].concat();
        self.master_secret = if ssl3 {
            ssl3_derive(&share.premaster_secret, &randoms, 48)
        } else if config.extended_master_secret && self.server.server_hello.extended_master_secret {
            let session_hash = transcript_hash(self.suite.prf, &self.transcript);
            prf(
                self.suite.prf,
                &share.premaster_secret,
                b"extended master secret",
                &session_hash,
                48,
            )
        } else {
            prf(
                self.suite.prf,
                &share.premaster_secret,
                b"master secret",
                &randoms,
                48,
            )
        };
        self.share = share;
        let server_first = [&self.server.server_hello.random[..], &self.client_random].concat();
        let block = if ssl3 {
            ssl3_derive(
                &self.master_secret,
                &server_first,
                self.suite.key_block_len(version),
            )
        } else {
            prf(
                self.suite.prf,
                &self.master_secret,
                b"key expansion",
                &server_first,
                self.suite.key_block_len(version),
            )
        };
        let keys = KeyBlock::split(&block, &self.suite, version)
            .ok_or(LegacyError::Record(RecordError::BadKey))?;
        flight.extend(self.seal_records(content_type::CHANGE_CIPHER_SPEC, &[1])?);
        self.stream.write_all(&flight).await?;
        self.write = Some(RecordProtection::new(&self.suite, version, &keys.client)?);
        let pending_read = RecordProtection::new(&self.suite, version, &keys.server)?;

        self.client_verify_data = self.finished_data(FinishedBy::Client, &self.transcript);
        let finished = handshake_message(FINISHED, &self.client_verify_data);
        self.transcript.extend_from_slice(&finished);
        self.send_record(content_type::HANDSHAKE, &finished).await?;

        // The server's ChangeCipherSpec (perhaps after a NewSessionTicket), then Finished.
        let mut pending_read = Some(pending_read);
        loop {
            if pending_read.is_none() {
                let (kind, body) = self.next_handshake_message().await?;
                if kind != FINISHED {
                    return Err(LegacyError::Unexpected(format!(
                        "handshake message {kind} instead of Finished"
                    )));
                }
                // The transcript now ends with the server's Finished: judge without it.
                let without = self.transcript.len().saturating_sub(4 + body.len());
                let expected = self.finished_data(
                    FinishedBy::Server,
                    self.transcript.get(..without).unwrap_or_default(),
                );
                if body != expected {
                    return Err(LegacyError::BadFinished);
                }
                self.server_verify_data = body;
                return Ok(());
            }
            if self.handshake.is_empty() {
                if let Some(record) = self.next_record().await? {
                    match record.content_type {
                        content_type::CHANGE_CIPHER_SPEC => self.read = pending_read.take(),
                        content_type::HANDSHAKE => {
                            self.handshake.extend_from_slice(&record.payload);
                            self.drain_unencrypted_handshake()?;
                        }
                        other => {
                            return Err(LegacyError::Unexpected(format!(
                                "record type {other} before the server's ChangeCipherSpec"
                            )))
                        }
                    }
                    continue;
                }
                return Err(LegacyError::Closed);
            }
            self.drain_unencrypted_handshake()?;
            if !self.handshake.is_empty() {
                let record = self.next_record().await?.ok_or(LegacyError::Closed)?;
                if record.content_type != content_type::HANDSHAKE {
                    return Err(LegacyError::Unexpected("a split handshake message".into()));
                }
                self.handshake.extend_from_slice(&record.payload);
            }
        }
    }

    /// Whole handshake messages (NewSessionTicket) before the server's ChangeCipherSpec.
    fn drain_unencrypted_handshake(&mut self) -> Result<(), LegacyError> {
        while let Some((kind, body)) = self.take_handshake_message()? {
            self.server.other_messages.push(kind);
            let _ = body;
        }
        Ok(())
    }

    /// The verify_data of `sender`'s Finished over `messages`.
    fn finished_data(&self, sender: FinishedBy, messages: &[u8]) -> Vec<u8> {
        if self.version == ProtocolVersion::Ssl3 {
            return ssl3_finished(&self.master_secret, messages, sender);
        }
        let label: &[u8] = match sender {
            FinishedBy::Client => b"client finished",
            FinishedBy::Server => b"server finished",
        };
        prf(
            self.suite.prf,
            &self.master_secret,
            label,
            &transcript_hash(self.suite.prf, messages),
            12,
        )
    }

    /// One whole handshake message from the buffer, added to the transcript.
    fn take_handshake_message(&mut self) -> Result<Option<(u8, Vec<u8>)>, LegacyError> {
        let mut reader = Reader::new(&self.handshake);
        let (Ok(kind), Ok(length)) = (reader.u8("type"), reader.u24("length")) else {
            return Ok(None);
        };
        let length = usize::try_from(length).unwrap_or(usize::MAX);
        if length > MAX_HANDSHAKE_MESSAGE {
            return Err(LegacyError::Unexpected(format!(
                "a handshake message of {length} bytes"
            )));
        }
        let Ok(body) = reader.take(length, "body") else {
            return Ok(None);
        };
        let body = body.to_vec();
        if self.transcript.len().saturating_add(4 + length) > MAX_TRANSCRIPT {
            return Err(LegacyError::Unexpected(format!(
                "more than {MAX_TRANSCRIPT} bytes of handshake messages"
            )));
        }
        let message: Vec<u8> = self.handshake.drain(..4 + length).collect();
        if kind != handshake_type::HELLO_REQUEST {
            self.transcript.extend_from_slice(&message);
        }
        Ok(Some((kind, body)))
    }

    async fn next_handshake_message(&mut self) -> Result<(u8, Vec<u8>), LegacyError> {
        loop {
            if let Some(message) = self.take_handshake_message()? {
                return Ok(message);
            }
            let record = self.next_record().await?.ok_or(LegacyError::Closed)?;
            match record.content_type {
                content_type::HANDSHAKE => self.handshake.extend_from_slice(&record.payload),
                other => {
                    return Err(LegacyError::Unexpected(format!(
                        "record type {other} during the handshake"
                    )))
                }
            }
        }
    }

    /// The next record, opened; alerts are returned as errors (a close_notify as `None`).
    /// Cancel-safe: bytes read are kept until they form a whole record.
    async fn next_record(&mut self) -> Result<Option<Record>, LegacyError> {
        loop {
            if let Some(record) = self.take_record()? {
                if record.content_type == content_type::ALERT {
                    let alert = Alert::read(&mut Reader::new(&record.payload))
                        .map_err(malformed("alert"))?;
                    if alert.description == alert::description::CLOSE_NOTIFY {
                        self.closed = true;
                        return Ok(None);
                    }
                    // A warning no_renegotiation refuses the handshake just asked for.
                    if alert.is_fatal() || alert.description == NO_RENEGOTIATION {
                        self.closed = true;
                        return Err(LegacyError::Alert(alert));
                    }
                    continue;
                }
                return Ok(Some(record));
            }
            if self.closed {
                return Ok(None);
            }
            let mut buffer = [0u8; 16 * 1024];
            let read = self.stream.read(&mut buffer).await?;
            if read == 0 {
                self.closed = true;
                if self.incoming.is_empty() {
                    return Ok(None);
                }
                return Err(LegacyError::Closed);
            }
            self.incoming
                .extend_from_slice(buffer.get(..read).unwrap_or_default());
        }
    }

    fn take_record(&mut self) -> Result<Option<Record>, LegacyError> {
        let mut reader = Reader::new(&self.incoming);
        let (Ok(kind), Ok(version), Ok(length)) = (
            reader.u8("record type"),
            reader.u16("record version"),
            reader.u16("record length"),
        ) else {
            return Ok(None);
        };
        let length = usize::from(length);
        if length > MAX_RECORD || version >> 8 != 3 {
            return Err(LegacyError::Unexpected(format!(
                "a record of type {kind}, version {version:#06x}, {length} bytes"
            )));
        }
        let Ok(fragment) = reader.take(length, "record") else {
            return Ok(None);
        };
        let payload = match &mut self.read {
            Some(protection) => protection.open(kind, version, fragment)?,
            _ => fragment.to_vec(),
        };
        self.incoming.drain(..5 + length);
        Ok(Some(Record {
            content_type: kind,
            payload,
        }))
    }

    /// Sends `payload` as records of `content_type`, protected once the handshake has switched.
    pub async fn send_record(
        &mut self,
        content_type: u8,
        payload: &[u8],
    ) -> Result<(), LegacyError> {
        let bytes = self.seal_records(content_type, payload)?;
        self.stream.write_all(&bytes).await?;
        Ok(())
    }

    /// `payload` as records of `content_type`, protected once the handshake has switched.
    fn seal_records(&mut self, content_type: u8, payload: &[u8]) -> Result<Vec<u8>, LegacyError> {
        let version = self.version.wire();
        let mut bytes = Vec::with_capacity(payload.len() + 64);
        let chunks: Vec<&[u8]> = if payload.is_empty() {
            vec![payload]
        } else {
            payload.chunks(MAX_FRAGMENT).collect()
        };
        for chunk in chunks {
            let fragment = match &mut self.write {
                Some(protection) => protection.seal(content_type, version, chunk)?,
                None => chunk.to_vec(),
            };
            bytes.extend(plain_record(content_type, version, &fragment));
        }
        Ok(bytes)
    }

    /// A client-initiated renegotiation (RFC 5746): a new full handshake inside this
    /// connection's protection, with `config`'s offer and the previous client verify_data in
    /// renegotiation_info. The server's renegotiation_info must carry both previous verify
    /// data; a server that refuses answers no_renegotiation, returned as
    /// [`LegacyError::Alert`]. On success the session runs under the new keys, with the new
    /// transcript and server messages.
    pub async fn renegotiate(&mut self, config: &LegacyConfig) -> Result<(), LegacyError> {
        let offered = offered_suites(config);
        let mut hello = client_hello(config, &offered)?;
        let mut binding = vec![u8::try_from(self.client_verify_data.len()).unwrap_or(0)];
        binding.extend_from_slice(&self.client_verify_data);
        hello
            .extensions
            .retain(|extension| extension.code() != extension_type::RENEGOTIATION_INFO);
        hello.extensions.insert(
            0,
            ClientExtension::Other {
                code: extension_type::RENEGOTIATION_INFO,
                body: binding,
            },
        );
        let message = hello
            .encode_handshake()
            .map_err(|error| LegacyError::Hello(error.to_string()))?;
        let expected_binding = [
            self.client_verify_data.as_slice(),
            self.server_verify_data.as_slice(),
        ]
        .concat();
        self.client_random = hello.random;
        self.transcript = message.clone();
        self.handshake.clear();
        self.server = ServerMessages::default();
        self.send_record(content_type::HANDSHAKE, &message).await?;
        self.read_server_flight(config, &offered).await?;
        if self.server.server_hello.renegotiation_info.as_deref() != Some(&expected_binding[..]) {
            return Err(LegacyError::Unexpected(
                "a renegotiation_info that does not bind the previous handshake".into(),
            ));
        }
        self.finish(config).await
    }

    /// The server supports secure renegotiation (RFC 5746): its ServerHello carried
    /// renegotiation_info.
    pub fn secure_renegotiation(&self) -> bool {
        self.server.server_hello.renegotiation_info.is_some()
    }

    /// Sends application data.
    pub async fn send(&mut self, data: &[u8]) -> Result<(), LegacyError> {
        self.send_record(content_type::APPLICATION_DATA, data).await
    }

    /// The next application data; `None` once the server closed (close_notify or end of
    /// stream). Other records after the handshake (a HelloRequest, say) are skipped.
    /// Cancel-safe.
    pub async fn recv(&mut self) -> Result<Option<Vec<u8>>, LegacyError> {
        loop {
            match self.next_record().await? {
                None => return Ok(None),
                Some(record) if record.content_type == content_type::APPLICATION_DATA => {
                    return Ok(Some(record.payload))
                }
                Some(_) => {}
            }
        }
    }

    /// The next record of any type, opened (alerts other than close_notify are errors).
    pub async fn recv_record(&mut self) -> Result<Option<Record>, LegacyError> {
        self.next_record().await
    }

    /// Sends a close_notify alert.
    pub async fn close(&mut self) -> Result<(), LegacyError> {
        self.send_record(content_type::ALERT, &[1, alert::description::CLOSE_NOTIFY])
            .await?;
        self.stream.shutdown().await?;
        Ok(())
    }

    pub fn version(&self) -> ProtocolVersion {
        self.version
    }

    pub fn cipher_suite(&self) -> u16 {
        self.suite.code
    }

    /// The ECDHE group, when the key exchange used one.
    pub fn group(&self) -> Option<u16> {
        self.share.group
    }

    /// The DHE prime's size in bits, when the key exchange was DHE.
    pub fn dh_bits(&self) -> Option<u32> {
        self.share.dh_bits
    }

    pub fn server_messages(&self) -> &ServerMessages {
        &self.server
    }

    /// Every handshake message sent and received, in order, as on the wire (without record
    /// framing).
    pub fn transcript(&self) -> &[u8] {
        &self.transcript
    }

    pub fn client_random(&self) -> &[u8; 32] {
        &self.client_random
    }

    /// The Finished verify_data of each side (RFC 5746 renegotiation binds to them).
    pub fn verify_data(&self) -> (&[u8], &[u8]) {
        (&self.client_verify_data, &self.server_verify_data)
    }

    /// The master secret (for resumption and renegotiation probes).
    pub fn master_secret(&self) -> &[u8] {
        &self.master_secret
    }
}

const CLIENT_KEY_EXCHANGE: u8 = 16;
const NO_RENEGOTIATION: u8 = 100;
const FINISHED: u8 = 20;

fn client_hello(config: &LegacyConfig, offered: &[u16]) -> Result<ClientHello, LegacyError> {
    let mut hello = ClientHello::new(config.max_version, offered.to_vec())
        .map_err(|error| LegacyError::Hello(error.to_string()))?;
    if config.max_version == ProtocolVersion::Ssl3 {
        // SSLv3 servers predate extensions: the hello ClientHello::new made has none.
        return Ok(hello);
    }
    hello.extensions = vec![ClientExtension::RenegotiationInfo];
    if let Some(name) = &config.server_name {
        hello
            .extensions
            .push(ClientExtension::ServerName(name.clone()));
    }
    hello.extensions.extend([
        ClientExtension::SupportedGroups(config.groups.clone()),
        ClientExtension::EcPointFormats(vec![0]),
    ]);
    if config.max_version >= ProtocolVersion::Tls12 {
        hello.extensions.push(ClientExtension::SignatureAlgorithms(
            key_exchange::VERIFIABLE_SCHEMES.to_vec(),
        ));
    }
    if config.extended_master_secret {
        hello.extensions.push(ClientExtension::ExtendedMasterSecret);
    }
    if !config.alpn.is_empty() {
        hello
            .extensions
            .push(ClientExtension::Alpn(config.alpn.clone()));
    }
    hello.extensions.extend(config.extensions.iter().cloned());
    let mut random = [0u8; 32];
    OsRng.fill_bytes(&mut random);
    hello.random = random;
    Ok(hello)
}

/// The suites of `config` the client can run at one of its versions.
fn offered_suites(config: &LegacyConfig) -> Vec<u16> {
    let mut offered: Vec<u16> = config
        .suites
        .iter()
        .copied()
        .filter(|code| {
            suites::by_code(*code).is_some_and(|suite| {
                ProtocolVersion::ALL.iter().any(|version| {
                    (config.min_version..=config.max_version).contains(version)
                        && SuiteParameters::new(suite, *version).is_some()
                })
            })
        })
        .collect();
    offered.dedup();
    offered
}

fn handshake_message(kind: u8, body: &[u8]) -> Vec<u8> {
    let length = u32::try_from(body.len()).unwrap_or(0).to_be_bytes();
    let mut message = vec![kind, length[1], length[2], length[3]];
    message.extend_from_slice(body);
    message
}

fn plain_record(kind: u8, version: u16, fragment: &[u8]) -> Vec<u8> {
    let mut record = vec![kind];
    record.extend_from_slice(&version.to_be_bytes());
    record.extend_from_slice(&u16::try_from(fragment.len()).unwrap_or(0).to_be_bytes());
    record.extend_from_slice(fragment);
    record
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    fn server_hello(version: u16, suite: u16) -> Vec<u8> {
        let mut body = version.to_be_bytes().to_vec();
        body.extend_from_slice(&[7; 32]);
        body.push(0);
        body.extend_from_slice(&suite.to_be_bytes());
        body.push(0);
        handshake_message(handshake_type::SERVER_HELLO, &body)
    }

    /// Runs a handshake against a scripted peer that reads the ClientHello and answers `reply`
    /// (then keeps sending `then` until the client hangs up).
    async fn against(reply: Vec<u8>, then: Option<Vec<u8>>) -> LegacyError {
        let (client, mut server) = tokio::io::duplex(64 * 1024);
        let peer = tokio::spawn(async move {
            let mut buffer = vec![0u8; 4096];
            let _ = server.read(&mut buffer).await;
            if server.write_all(&reply).await.is_err() {
                return;
            }
            if let Some(chunk) = then {
                while server.write_all(&chunk).await.is_ok() {}
            }
        });
        let config = LegacyConfig::everything(Some("example.test"));
        let error = LegacySession::handshake(client, &config)
            .await
            .expect_err("the scripted peer never completes a handshake");
        peer.abort();
        error
    }

    #[tokio::test]
    async fn refuses_a_suite_it_did_not_offer() {
        let reply = plain_record(22, 0x0303, &server_hello(0x0303, 0x1301));
        let error = against(reply, None).await;
        assert!(matches!(error, LegacyError::NotOffered(_)), "{error}");
        let reply = plain_record(22, 0x0303, &server_hello(0x0304, 0xc013));
        let error = against(reply, None).await;
        assert!(matches!(error, LegacyError::NotOffered(_)), "{error}");
    }

    #[tokio::test]
    async fn a_reply_that_is_not_tls_is_an_error_not_a_panic() {
        let error = against(b"HTTP/1.1 400 Bad Request\r\n\r\n".to_vec(), None).await;
        assert!(matches!(error, LegacyError::Unexpected(_)), "{error}");
        let alert = plain_record(21, 0x0303, &[2, 40]);
        let error = against(alert, None).await;
        assert!(
            matches!(&error, LegacyError::Alert(alert) if alert.description == 40),
            "{error}"
        );
    }

    #[tokio::test]
    async fn stops_reading_a_flight_that_never_ends() {
        // A ServerHello, then CertificateStatus messages without end.
        let reply = plain_record(22, 0x0303, &server_hello(0x0303, 0xc013));
        let status = handshake_message(handshake_type::CERTIFICATE_STATUS, &[2; 8000]);
        let error = against(reply, Some(plain_record(22, 0x0303, &status))).await;
        assert!(
            error.to_string().contains("bytes of handshake messages"),
            "{error}"
        );
    }
}
