//! A connection that watches what the server sends during the rustls handshake: how far it got
//! (nothing, part of a ServerHello, the ServerHello, more of the flight), its first bytes (to
//! tell HTTP or an SSH banner from TLS, and to re-read a malformed reply with tlscheck's own
//! parser, which names the message and the field), and tlscheck's own limits on what a
//! handshake may take: [`MAX_EMPTY_RECORDS`] empty records in a row, [`MAX_HANDSHAKE_BYTES`].

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::facts::{ErrorKind, ProbeError, Step};
use crate::probe::connector::Connection;
use crate::tls::server_reply::{not_tls_start, ReadUntil, ReplyParser};

/// Empty records in a row a server may send before tlscheck stops reading.
pub const MAX_EMPTY_RECORDS: usize = 32;
/// Bytes a server may send before its handshake completes.
pub const MAX_HANDSHAKE_BYTES: usize = 1024 * 1024;
/// Bytes kept to re-read a reply that rustls refused.
const CAPTURE_BYTES: usize = 64 * 1024;

/// What the server sent so far.
#[derive(Clone, Debug, Default)]
pub struct Seen {
    pub bytes: usize,
    /// The first bytes received, up to 64 KiB.
    pub capture: Vec<u8>,
    /// A whole ServerHello (or HelloRetryRequest) arrived.
    pub server_hello: bool,
    /// Records begun after the ServerHello was whole.
    pub records_after_hello: usize,
    /// Bytes of records received after the ServerHello was whole.
    pub flight_bytes: usize,
    /// The limit of tlscheck's that stopped the reading, if one did.
    pub limit: Option<String>,
    /// The handshake is over: the limits no longer apply.
    pub done: bool,
    header: Vec<u8>,
    record_type: u8,
    remaining: usize,
    empty_run: usize,
    /// Bytes of the first handshake message read so far, and its 4-byte header.
    hello_read: usize,
    hello_header: Vec<u8>,
}

impl Seen {
    /// The step a failure at this point belongs to.
    pub fn step(&self) -> Step {
        if !self.server_hello {
            Step::ServerHello
        } else if self.records_after_hello > 0 || self.flight_bytes > 0 {
            Step::Flight
        } else {
            Step::AfterServerHello
        }
    }

    fn observe(&mut self, bytes: &[u8]) -> Result<(), String> {
        if self.done {
            return Ok(());
        }
        self.bytes = self.bytes.saturating_add(bytes.len());
        let room = CAPTURE_BYTES.saturating_sub(self.capture.len());
        self.capture
            .extend_from_slice(&bytes[..bytes.len().min(room)]);
        for &byte in bytes {
            if self.remaining == 0 {
                self.header.push(byte);
                if self.header.len() < 5 {
                    continue;
                }
                self.record_type = self.header[0];
                let length = usize::from(u16::from_be_bytes([self.header[3], self.header[4]]));
                self.header.clear();
                if self.server_hello {
                    self.records_after_hello += 1;
                }
                if length > 0 {
                    self.empty_run = 0;
                    self.remaining = length;
                } else if self.record_type != 22 {
                    // An empty handshake record is malformed (rustls and the parser say so);
                    // other empty records are allowed, but not without end.
                    self.empty_run += 1;
                    if self.empty_run > MAX_EMPTY_RECORDS {
                        return Err(format!(
                            "more than {MAX_EMPTY_RECORDS} empty records in a row"
                        ));
                    }
                }
                continue;
            }
            self.remaining -= 1;
            if self.server_hello {
                self.flight_bytes += 1;
                continue;
            }
            if self.record_type != 22 {
                continue;
            }
            // The first handshake message: its type and length, then its body.
            self.hello_read += 1;
            if self.hello_read <= 4 {
                self.hello_header.push(byte);
            }
            if let [2, a, b, c] = self.hello_header[..] {
                let length = usize::from(a) << 16 | usize::from(b) << 8 | usize::from(c);
                if self.hello_read >= 4 + length {
                    self.server_hello = true;
                }
            }
        }
        if self.bytes > MAX_HANDSHAKE_BYTES {
            return Err(format!(
                "the server sent more than {MAX_HANDSHAKE_BYTES} bytes without completing the handshake"
            ));
        }
        Ok(())
    }

    /// A failed handshake's error, made exact with what was seen: the step it failed at, a
    /// reply that is not TLS named for what it is, a malformed reply's message and field as
    /// tlscheck's own parser reads them, a limit of tlscheck's as such.
    pub fn classify(&self, error: ProbeError) -> ProbeError {
        let step = self.step();
        match error.kind {
            ErrorKind::Timeout(_) | ErrorKind::Budget | ErrorKind::Reset | ErrorKind::Closed
                if self.limit.is_none() && (self.bytes == 0 || self.server_hello) =>
            {
                return ProbeError { step, ..error };
            }
            ErrorKind::Alert(_) | ErrorKind::Internal => return ProbeError { step, ..error },
            _ => {}
        }
        if self.bytes > 0 {
            if let Some(not_tls) = not_tls_start(&self.capture) {
                return ProbeError::new(
                    ErrorKind::NotTls(not_tls.kind),
                    Step::ServerHello,
                    first_line(&not_tls.first_bytes),
                );
            }
            // tlscheck's own parser names the message and the field.
            let mut parser = ReplyParser::new(ReadUntil::ServerHelloDone);
            if let Err(reason) = parser.feed(&self.capture) {
                use crate::tls::server_reply::ReplyError;
                let kind = match reason {
                    ReplyError::ReplyTooLong | ReplyError::HandshakeMessageTooLong { .. } => {
                        ErrorKind::TooLarge
                    }
                    _ => ErrorKind::Malformed,
                };
                let step = match reason {
                    ReplyError::Malformed {
                        message: "server hello",
                        ..
                    } => Step::ServerHello,
                    _ => step,
                };
                return ProbeError::new(kind, step, reason.to_string());
            }
        }
        if let Some(limit) = &self.limit {
            return ProbeError::new(ErrorKind::TooLarge, step, limit.clone());
        }
        ProbeError { step, ..error }
    }
}

/// The first line of a reply that is not TLS, as evidence: text up to the first line break
/// (at most 64 bytes, escaped), or the bytes in hex when they are not text.
fn first_line(bytes: &[u8]) -> String {
    let line: Vec<u8> = bytes
        .iter()
        .copied()
        .take_while(|&byte| byte != b'\r' && byte != b'\n')
        .take(64)
        .collect();
    if line
        .iter()
        .all(|byte| byte.is_ascii_graphic() || *byte == b' ')
        && !line.is_empty()
    {
        format!("\"{}\"", String::from_utf8_lossy(&line))
    } else {
        let shown = &bytes[..bytes.len().min(16)];
        format!("bytes {}", crate::text::hex(shown))
    }
}

/// The error a watched read ends with when a limit is reached.
#[derive(Debug)]
struct LimitReached(String);

impl std::fmt::Display for LimitReached {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LimitReached {}

/// A [`Connection`] whose reads are watched (see the module docs).
#[derive(Debug)]
pub struct Watched {
    inner: Connection,
    seen: Arc<Mutex<Seen>>,
}

impl Watched {
    pub fn new(inner: Connection) -> (Watched, Arc<Mutex<Seen>>) {
        let seen = Arc::new(Mutex::new(Seen::default()));
        (
            Watched {
                inner,
                seen: seen.clone(),
            },
            seen,
        )
    }
}

/// What was seen, whatever a panicking holder left.
pub fn lock(seen: &Mutex<Seen>) -> std::sync::MutexGuard<'_, Seen> {
    seen.lock().unwrap_or_else(PoisonError::into_inner)
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buffer: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buffer.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(context, buffer);
        if let Poll::Ready(Ok(())) = &result {
            let mut seen = lock(&self.seen);
            if let Err(limit) = seen.observe(&buffer.filled()[before..]) {
                seen.limit = Some(limit.clone());
                return Poll::Ready(Err(io::Error::other(LimitReached(limit))));
            }
        }
        result
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        bytes: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(context, bytes)
    }

    fn poll_flush(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(context)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(context)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(bytes: &[u8]) -> Seen {
        let mut seen = Seen::default();
        let _ = seen.observe(bytes);
        seen
    }

    #[test]
    fn steps_follow_the_server_hello() {
        assert_eq!(seen(b"").step(), Step::ServerHello);
        // A ServerHello of a 1-byte body, whole.
        assert_eq!(
            seen(&[22, 3, 3, 0, 5, 2, 0, 0, 1, 9]).step(),
            Step::AfterServerHello
        );
        // One byte per record: only its first byte arrived.
        assert_eq!(seen(&[22, 3, 3, 0, 1, 2]).step(), Step::ServerHello);
        let mut one_byte_records = Vec::new();
        for byte in [2u8, 0, 0, 1, 9, 11] {
            one_byte_records.extend_from_slice(&[22, 3, 3, 0, 1, byte]);
        }
        assert_eq!(seen(&one_byte_records[..30]).step(), Step::AfterServerHello);
        assert_eq!(seen(&one_byte_records).step(), Step::Flight);
    }

    #[test]
    fn endless_empty_records_reach_a_limit() {
        let mut seen = Seen::default();
        let empty = [23u8, 3, 3, 0, 0].repeat(MAX_EMPTY_RECORDS + 1);
        assert!(seen.observe(&empty).unwrap_err().contains("empty records"));
    }

    #[test]
    fn http_and_ssh_are_named_with_their_first_line() {
        let http = seen(b"HTTP/1.1 400 Bad Request\r\nServer: x\r\n\r\n");
        let error = http.classify(ProbeError::new(ErrorKind::Protocol, Step::Handshake, ""));
        assert_eq!(
            error.kind,
            ErrorKind::NotTls(crate::tls::server_reply::NotTlsKind::Http)
        );
        assert_eq!(error.detail, "\"HTTP/1.1 400 Bad Request\"");
        let ssh = seen(b"SSH-2.0-OpenSSH_9.6\r\n");
        let error = ssh.classify(ProbeError::new(ErrorKind::Protocol, Step::Handshake, ""));
        assert_eq!(
            error.kind,
            ErrorKind::NotTls(crate::tls::server_reply::NotTlsKind::Ssh)
        );
    }

    #[test]
    fn a_silent_server_times_out_waiting_for_the_server_hello() {
        let silent = Seen::default();
        let timeout = ErrorKind::Timeout(std::time::Duration::from_secs(1));
        let error = silent.classify(ProbeError::new(timeout, Step::Handshake, ""));
        assert_eq!(error.step, Step::ServerHello);
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_replies_in_arbitrary_pieces_never_panic(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..3000),
            cut in 0usize..3000,
        ) {
            let mut seen = Seen::default();
            let cut = cut.min(bytes.len());
            let _ = seen.observe(&bytes[..cut]);
            let _ = seen.observe(&bytes[cut..]);
            let _ = seen.step();
            for kind in [ErrorKind::Protocol, ErrorKind::Closed, ErrorKind::Malformed] {
                let _ = seen.classify(ProbeError::new(kind, Step::Handshake, ""));
            }
        }
    }
}
