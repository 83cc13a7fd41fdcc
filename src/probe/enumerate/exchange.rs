//! One enumeration exchange: connect through the gate, send a hello, read the reply until it
//! can be judged, close. A reset is retried once.

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::EnumerationSettings;
use crate::facts::{ErrorKind, ProbeError, Step};
use crate::probe::connector::io_error;
use crate::tls::{ClientHello, ProtocolVersion, ReadUntil, ReplyError, ReplyParser, ServerReply};

pub(super) struct Prober {
    pub(super) settings: EnumerationSettings,
    pub(super) handshakes: std::sync::atomic::AtomicU32,
}

impl Prober {
    /// One exchange, retried once when the connection is reset.
    pub(super) async fn exchange(
        &self,
        hello: &[u8],
        until: ReadUntil,
    ) -> Result<ServerReply, ProbeError> {
        self.settings
            .session
            .retry_reset(|| self.exchange_once(hello, until))
            .await
    }

    async fn exchange_once(
        &self,
        hello: &[u8],
        until: ReadUntil,
    ) -> Result<ServerReply, ProbeError> {
        let session = &self.settings.session;
        let (mut stream, clock) = session.connect(self.settings.address).await?;
        self.handshakes
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        clock
            .run(Step::Handshake, async {
                stream
                    .write_all(hello)
                    .await
                    .map_err(|error| io_error(&error, Step::Handshake))?;
                let mut parser = ReplyParser::new(until);
                let mut buffer = vec![0u8; 16 * 1024];
                loop {
                    let read = match stream.read(&mut buffer).await {
                        Ok(read) => read,
                        Err(error) if parser.bytes_received() == 0 => {
                            return Err(io_error(&error, Step::Handshake))
                        }
                        // A reset after the reply started: judge what arrived.
                        Err(_) => 0,
                    };
                    if read == 0 {
                        return parser.end_of_stream().map_err(reply_error);
                    }
                    let chunk = buffer.get(..read).unwrap_or_default();
                    if let Some(reply) = parser.feed(chunk).map_err(reply_error)? {
                        return Ok(reply);
                    }
                }
            })
            .await
    }

    pub(super) fn hello(&self, version: ProtocolVersion, suites: &[u16]) -> Option<ClientHello> {
        let hello = ClientHello::new(version, suites.to_vec()).ok()?;
        Some(match (&self.settings.server_name, version) {
            (Some(name), v) if v != ProtocolVersion::Ssl3 => hello.with_server_name(name),
            _ => hello,
        })
    }
}

/// A reply that could not be read: over one of tlscheck's size limits, or malformed (a record
/// longer than TLS allows is malformed: the limit is the protocol's).
fn reply_error(error: ReplyError) -> ProbeError {
    let kind = match error {
        ReplyError::HandshakeMessageTooLong { .. } | ReplyError::ReplyTooLong => {
            ErrorKind::TooLarge
        }
        _ => ErrorKind::Malformed,
    };
    ProbeError::new(kind, Step::Handshake, error.to_string())
}
