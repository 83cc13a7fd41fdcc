//! Server reply parser: takes the bytes a server sends after a ClientHello, in whatever pieces
//! the network delivers them, and decides what the server said — a handshake flight, a
//! HelloRetryRequest, an alert, an SSLv2 SERVER-HELLO, something that is not TLS, or nothing.
//!
//! Records are reassembled from partial reads, handshake messages are joined across records
//! (and split when several share one record), and every message is decoded with a
//! bounds-checked reader, so a malformed reply is a [`ReplyError`], never a panic.

use thiserror::Error;

use super::alert::{self, Alert};
use super::reader::{DecodeError, Reader};
use super::server_messages::decode_certificate_list;
pub use super::server_messages::{
    CertificateRequest, DhParameters, EcParameters, KeyExchangeParameters, RsaParameters,
    ServerHello, ServerKeyExchange, ServerSignature, SrpParameters, Sslv2ServerHello,
    HELLO_RETRY_REQUEST_RANDOM,
};
use super::{content_type, handshake_type, ProtocolVersion};

/// Largest record payload accepted: 2^14 plus the 2048 bytes RFC 5246 allows for expansion.
pub const MAX_RECORD_PAYLOAD: usize = 16384 + 2048;
/// Largest handshake message accepted (a long certificate chain fits with room to spare).
pub const MAX_HANDSHAKE_MESSAGE: usize = 256 * 1024;
/// Most bytes one reply may take before the parser gives up on it.
pub const MAX_REPLY_BYTES: usize = 1024 * 1024;

/// How much of a TLS 1.0–1.2 flight to wait for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadUntil {
    /// Stop at the ServerHello: enough to know the version and suite accepted.
    ServerHello,
    /// Read the whole first flight (Certificate, ServerKeyExchange, CertificateRequest) up to
    /// ServerHelloDone: needed for the chain and the DH or ECDH parameters.
    ServerHelloDone,
}

/// What the server answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServerReply {
    /// A ServerHello, and with [`ReadUntil::ServerHelloDone`] the rest of a TLS ≤ 1.2 flight.
    Handshake(Box<ServerFlight>),
    /// A TLS 1.3 HelloRetryRequest: the server wants a key share for
    /// [`ServerHello::key_share_group`].
    HelloRetryRequest(ServerHello),
    /// An alert before any ServerHello: the server refused.
    Alert(Alert),
    Sslv2(Sslv2ServerHello),
    /// An SSLv2 ERROR message (1: no cipher, 2: no certificate, 4: bad certificate,
    /// 6: unsupported certificate type).
    Sslv2Error(u16),
    /// The reply is not TLS at all (an HTTP server answering a ClientHello, for one).
    NotTls(NotTls),
    /// The connection closed before the server said anything.
    ClosedWithoutReply,
}

/// A ServerHello and what followed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerFlight {
    pub server_hello: ServerHello,
    /// DER certificates, leaf first; `None` when no Certificate message came (anonymous and PSK
    /// suites, TLS 1.3 where it is encrypted, or reading only to the ServerHello).
    pub certificates: Option<Vec<Vec<u8>>>,
    pub server_key_exchange: Option<ServerKeyExchange>,
    pub certificate_request: Option<CertificateRequest>,
    /// The ServerHelloDone arrived, so the flight is complete.
    pub hello_done: bool,
    /// Types of other handshake messages received and skipped (22: CertificateStatus).
    pub other_messages: Vec<u8>,
    /// Warning alerts received.
    pub warnings: Vec<Alert>,
    /// A fatal alert (or close_notify) that cut the flight short.
    pub closing_alert: Option<Alert>,
}

impl ServerFlight {
    fn new(server_hello: ServerHello, warnings: Vec<Alert>) -> Self {
        Self {
            server_hello,
            certificates: None,
            server_key_exchange: None,
            certificate_request: None,
            hello_done: false,
            other_messages: Vec::new(),
            warnings,
            closing_alert: None,
        }
    }
}

/// A reply that is not TLS, with its first bytes as evidence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotTls {
    pub kind: NotTlsKind,
    /// Up to the first 64 bytes received.
    pub first_bytes: Vec<u8>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotTlsKind {
    /// Starts with `HTTP/`: a plain HTTP server on the port.
    Http,
    /// Starts with `SSH-`: an SSH server's banner.
    Ssh,
    /// Printable text (an SMTP or FTP banner, an HTML page).
    Text,
    Binary,
}

/// Why a reply could not be read.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum ReplyError {
    #[error("malformed {message}: {source}")]
    Malformed {
        message: &'static str,
        source: DecodeError,
    },
    #[error("record of {length} bytes is longer than the {MAX_RECORD_PAYLOAD} bytes TLS allows")]
    RecordTooLong { length: usize },
    #[error(
        "handshake message of {length} bytes is longer than the {MAX_HANDSHAKE_MESSAGE}-byte limit"
    )]
    HandshakeMessageTooLong { length: usize },
    #[error("reply is longer than the {MAX_REPLY_BYTES}-byte limit")]
    ReplyTooLong,
    #[error("record version {version:#06x} is not SSLv3 or TLS")]
    BadRecordVersion { version: u16 },
    #[error("unknown record content type {0}")]
    UnknownContentType(u8),
    #[error("{what} before the server hello")]
    UnexpectedBeforeServerHello { what: String },
    #[error("unexpected SSLv2 message type {0}")]
    UnexpectedSslv2Message(u8),
    #[error("connection closed in the middle of a {what} ({buffered} bytes buffered)")]
    ClosedMidMessage { what: &'static str, buffered: usize },
    #[error("empty handshake record (TLS forbids them: RFC 8446, 5.1)")]
    EmptyHandshakeRecord,
    #[error("the reply parser was fed after it had returned a reply")]
    AlreadyComplete,
}

fn malformed(message: &'static str) -> impl FnOnce(DecodeError) -> ReplyError {
    move |source| ReplyError::Malformed { message, source }
}

/// Where the parser is.
#[derive(Debug)]
enum State {
    /// Nothing read yet that tells TLS from SSLv2 from something else.
    Start,
    /// TLS records, no ServerHello yet.
    AwaitingServerHello { warnings: Vec<Alert> },
    /// ServerHello read; collecting the rest of the flight.
    Flight(Box<ServerFlight>),
    /// A reply was returned.
    Complete,
}

/// Incremental reader of a server's reply. See the [module docs](self).
#[derive(Debug)]
pub struct ReplyParser {
    until: ReadUntil,
    state: State,
    /// Received bytes not yet consumed as a whole record.
    pending: Vec<u8>,
    /// Handshake bytes not yet forming a whole message.
    handshake: Vec<u8>,
    received: usize,
}

impl ReplyParser {
    pub fn new(until: ReadUntil) -> Self {
        Self {
            until,
            state: State::Start,
            pending: Vec::new(),
            handshake: Vec::new(),
            received: 0,
        }
    }

    /// Total bytes fed so far.
    pub fn bytes_received(&self) -> usize {
        self.received
    }

    /// Feeds the next bytes received. Returns the reply once there is one; `Ok(None)` means
    /// "read more". Bytes after the reply (TLS 1.3's encrypted flight, say) are ignored.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<Option<ServerReply>, ReplyError> {
        if matches!(self.state, State::Complete) {
            return Err(ReplyError::AlreadyComplete);
        }
        self.received = self.received.saturating_add(bytes.len());
        if self.received > MAX_REPLY_BYTES {
            self.state = State::Complete;
            return Err(ReplyError::ReplyTooLong);
        }
        self.pending.extend_from_slice(bytes);
        let result = self.process();
        if !matches!(result, Ok(None)) {
            self.state = State::Complete;
        }
        result
    }

    /// The connection closed: returns what the server said, if anything.
    pub fn end_of_stream(&mut self) -> Result<ServerReply, ReplyError> {
        let buffered = self.pending.len() + self.handshake.len();
        match std::mem::replace(&mut self.state, State::Complete) {
            State::Complete => Err(ReplyError::AlreadyComplete),
            State::Start if self.pending.is_empty() => Ok(ServerReply::ClosedWithoutReply),
            State::Start => match classify_start(&self.pending, true) {
                Some(Start::NotTls(not_tls)) => Ok(ServerReply::NotTls(not_tls)),
                Some(Start::Sslv2) => Err(ReplyError::ClosedMidMessage {
                    what: "SSLv2 record",
                    buffered,
                }),
                Some(Start::Tls) | None => Err(ReplyError::ClosedMidMessage {
                    what: "record",
                    buffered,
                }),
            },
            State::AwaitingServerHello { warnings } => {
                if buffered > 0 {
                    Err(ReplyError::ClosedMidMessage {
                        what: if self.pending.is_empty() {
                            "handshake message"
                        } else {
                            "record"
                        },
                        buffered,
                    })
                } else if let Some(&warning) = warnings.first() {
                    Ok(ServerReply::Alert(warning))
                } else {
                    Ok(ServerReply::ClosedWithoutReply)
                }
            }
            // A flight cut short still says which version and suite the server chose.
            State::Flight(flight) => Ok(ServerReply::Handshake(flight)),
        }
    }

    fn process(&mut self) -> Result<Option<ServerReply>, ReplyError> {
        if matches!(self.state, State::Start) {
            match classify_start(&self.pending, false) {
                None => return Ok(None),
                Some(Start::NotTls(not_tls)) => return Ok(Some(ServerReply::NotTls(not_tls))),
                Some(Start::Sslv2) => return self.read_sslv2(),
                Some(Start::Tls) => {
                    self.state = State::AwaitingServerHello {
                        warnings: Vec::new(),
                    }
                }
            }
        }
        // Work on the buffer moved out of `self`, and drop what was consumed once at the end:
        // draining after every record would be quadratic in the number of records.
        let pending = std::mem::take(&mut self.pending);
        let mut records = Reader::new(&pending);
        let result = loop {
            let mut record = records.clone();
            let (Ok(record_type), Ok(version), Ok(length)) = (
                record.u8("record type"),
                record.u16("record version"),
                record.u16("record length"),
            ) else {
                break Ok(None);
            };
            let length = usize::from(length);
            if length > MAX_RECORD_PAYLOAD {
                break Err(ReplyError::RecordTooLong { length });
            }
            if version >> 8 != 3 {
                break Err(ReplyError::BadRecordVersion { version });
            }
            let Ok(payload) = record.take(length, "record payload") else {
                break Ok(None);
            };
            records = record;
            match self.read_record(record_type, payload) {
                Ok(None) => {}
                reply_or_error => break reply_or_error,
            }
        };
        let consumed = pending.len() - records.remaining();
        self.pending = pending;
        self.pending.drain(..consumed);
        result
    }

    fn read_record(
        &mut self,
        record_type: u8,
        payload: &[u8],
    ) -> Result<Option<ServerReply>, ReplyError> {
        match record_type {
            content_type::HANDSHAKE if payload.is_empty() => Err(ReplyError::EmptyHandshakeRecord),
            content_type::HANDSHAKE => {
                self.handshake.extend_from_slice(payload);
                self.read_handshake_messages()
            }
            content_type::ALERT => {
                let alert = Alert::read(&mut Reader::new(payload)).map_err(malformed("alert"))?;
                let ends =
                    alert.is_fatal() || alert.description == alert::description::CLOSE_NOTIFY;
                match &mut self.state {
                    State::AwaitingServerHello { .. } if ends => {
                        Ok(Some(ServerReply::Alert(alert)))
                    }
                    State::AwaitingServerHello { warnings } => {
                        warnings.push(alert);
                        Ok(None)
                    }
                    State::Flight(flight) if ends => {
                        flight.closing_alert = Some(alert);
                        Ok(self.finish_flight())
                    }
                    State::Flight(flight) => {
                        flight.warnings.push(alert);
                        Ok(None)
                    }
                    State::Start | State::Complete => Ok(None),
                }
            }
            // After a ServerHello these mean the server went on past the flight we read
            // (resumption, or TLS 1.3 which we stop before): the flight is all we get.
            content_type::CHANGE_CIPHER_SPEC | content_type::APPLICATION_DATA => {
                if matches!(self.state, State::Flight(_)) {
                    Ok(self.finish_flight())
                } else {
                    let what = if record_type == content_type::CHANGE_CIPHER_SPEC {
                        "change_cipher_spec record"
                    } else {
                        "application_data record"
                    };
                    Err(ReplyError::UnexpectedBeforeServerHello { what: what.into() })
                }
            }
            content_type::HEARTBEAT => Ok(None),
            other => Err(ReplyError::UnknownContentType(other)),
        }
    }

    fn read_handshake_messages(&mut self) -> Result<Option<ServerReply>, ReplyError> {
        let buffered = std::mem::take(&mut self.handshake);
        let mut messages = Reader::new(&buffered);
        let result = loop {
            let mut message = messages.clone();
            let (Ok(message_type), Ok(length)) = (
                message.u8("handshake type"),
                message.u24("handshake length"),
            ) else {
                break Ok(None);
            };
            let length = usize::try_from(length).unwrap_or(usize::MAX);
            if length > MAX_HANDSHAKE_MESSAGE {
                break Err(ReplyError::HandshakeMessageTooLong { length });
            }
            let Ok(body) = message.take(length, "handshake body") else {
                break Ok(None);
            };
            messages = message;
            match self.read_handshake_message(message_type, body) {
                Ok(None) => {}
                reply_or_error => break reply_or_error,
            }
        };
        let consumed = buffered.len() - messages.remaining();
        self.handshake = buffered;
        self.handshake.drain(..consumed);
        result
    }

    fn read_handshake_message(
        &mut self,
        message_type: u8,
        body: &[u8],
    ) -> Result<Option<ServerReply>, ReplyError> {
        let flight = match &mut self.state {
            State::AwaitingServerHello { warnings } => {
                return match message_type {
                    handshake_type::HELLO_REQUEST => Ok(None),
                    handshake_type::SERVER_HELLO => {
                        let hello = ServerHello::decode(body).map_err(malformed("server hello"))?;
                        if hello.is_hello_retry_request() {
                            return Ok(Some(ServerReply::HelloRetryRequest(hello)));
                        }
                        // TLS 1.3 encrypts everything after the ServerHello.
                        let done = self.until == ReadUntil::ServerHello
                            || hello.version() >= ProtocolVersion::Tls13.wire();
                        let flight = Box::new(ServerFlight::new(hello, std::mem::take(warnings)));
                        if done {
                            Ok(Some(ServerReply::Handshake(flight)))
                        } else {
                            self.state = State::Flight(flight);
                            Ok(None)
                        }
                    }
                    other => Err(ReplyError::UnexpectedBeforeServerHello {
                        what: format!("handshake message type {other}"),
                    }),
                };
            }
            State::Flight(flight) => flight,
            State::Start | State::Complete => return Ok(None),
        };
        let version = flight.server_hello.version();
        match message_type {
            handshake_type::CERTIFICATE => {
                flight.certificates =
                    Some(decode_certificate_list(body).map_err(malformed("certificate"))?);
            }
            handshake_type::SERVER_KEY_EXCHANGE => {
                let suite = flight.server_hello.suite();
                flight.server_key_exchange = Some(
                    ServerKeyExchange::decode(body, suite, version)
                        .map_err(malformed("server key exchange"))?,
                );
            }
            handshake_type::CERTIFICATE_REQUEST => {
                flight.certificate_request = Some(
                    CertificateRequest::decode(body, version)
                        .map_err(malformed("certificate request"))?,
                );
            }
            handshake_type::SERVER_HELLO_DONE => {
                flight.hello_done = true;
                return Ok(self.finish_flight());
            }
            other => flight.other_messages.push(other),
        }
        Ok(None)
    }

    fn finish_flight(&mut self) -> Option<ServerReply> {
        match std::mem::replace(&mut self.state, State::Complete) {
            State::Flight(flight) => Some(ServerReply::Handshake(flight)),
            other => {
                self.state = other;
                None
            }
        }
    }

    /// Reads an SSLv2 record (two-byte header) holding a SERVER-HELLO or an ERROR.
    fn read_sslv2(&mut self) -> Result<Option<ServerReply>, ReplyError> {
        let mut reader = Reader::new(&self.pending);
        let Ok(header) = reader.u16("SSLv2 record header") else {
            return Ok(None);
        };
        let Ok(message) = reader.take(usize::from(header & 0x7fff), "SSLv2 record") else {
            return Ok(None);
        };
        let mut message = Reader::new(message);
        let reply = match message
            .u8("SSLv2 message type")
            .map_err(malformed("SSLv2 record"))?
        {
            SSLV2_SERVER_HELLO => ServerReply::Sslv2(
                Sslv2ServerHello::decode(message.rest())
                    .map_err(malformed("SSLv2 server hello"))?,
            ),
            SSLV2_ERROR => ServerReply::Sslv2Error(
                message
                    .u16("SSLv2 error code")
                    .map_err(malformed("SSLv2 error"))?,
            ),
            other => return Err(ReplyError::UnexpectedSslv2Message(other)),
        };
        Ok(Some(reply))
    }
}

const SSLV2_ERROR: u8 = 0;
const SSLV2_SERVER_HELLO: u8 = 4;

enum Start {
    Tls,
    Sslv2,
    NotTls(NotTls),
}

/// Tells TLS from SSLv2 from anything else by the first bytes; `None` until it can.
/// What the first bytes a server sent say it is: `None` when they start like TLS (or SSLv2),
/// its kind and first bytes when they are something else. For a caller that saw the bytes
/// go by (the rustls probe), with the connection over.
pub fn not_tls_start(bytes: &[u8]) -> Option<NotTls> {
    match classify_start(bytes, true)? {
        Start::NotTls(not_tls) => Some(not_tls),
        Start::Tls | Start::Sslv2 => None,
    }
}

fn classify_start(bytes: &[u8], closed: bool) -> Option<Start> {
    let first = *bytes.first()?;
    if first & 0x80 != 0 {
        // An SSLv2 record header; the message type follows it.
        return match bytes.get(2) {
            Some(&(SSLV2_SERVER_HELLO | SSLV2_ERROR)) => Some(Start::Sslv2),
            Some(_) => Some(Start::NotTls(not_tls(bytes))),
            None if closed => Some(Start::NotTls(not_tls(bytes))),
            None => None,
        };
    }
    if (content_type::CHANGE_CIPHER_SPEC..=content_type::HEARTBEAT).contains(&first) {
        return match bytes.get(1) {
            Some(3) => Some(Start::Tls),
            Some(_) => Some(Start::NotTls(not_tls(bytes))),
            None if closed => Some(Start::NotTls(not_tls(bytes))),
            None => None,
        };
    }
    // Wait for enough bytes to recognise "HTTP/" unless the connection is gone.
    if bytes.len() < 5 && !closed {
        return None;
    }
    Some(Start::NotTls(not_tls(bytes)))
}

/// What a reply that is not TLS looks like. The kind is read from the first five bytes only
/// (all that is waited for), so it does not depend on how the bytes were split in transit; the
/// evidence is whatever had arrived, up to 64 bytes.
fn not_tls(bytes: &[u8]) -> NotTls {
    let first_bytes: Vec<u8> = bytes.iter().copied().take(64).collect();
    let head = &bytes[..bytes.len().min(5)];
    let kind = if head.starts_with(b"HTTP/") {
        NotTlsKind::Http
    } else if head.starts_with(b"SSH-") {
        NotTlsKind::Ssh
    } else if head
        .iter()
        .all(|&byte| byte.is_ascii_graphic() || byte.is_ascii_whitespace())
    {
        NotTlsKind::Text
    } else {
        NotTlsKind::Binary
    };
    NotTls { kind, first_bytes }
}
