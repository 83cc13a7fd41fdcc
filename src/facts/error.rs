//! Probe failures as data: a small closed set of kinds, the step they happened at, and the
//! technical detail (an OS or library message, never a Rust `Debug` rendering).

use std::time::Duration;

use crate::tls::server_reply::NotTlsKind;

/// Why a probe step got no answer to judge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProbeError {
    pub kind: ErrorKind,
    pub step: Step,
    /// The underlying message, for the curious; may be empty.
    pub detail: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The name did not resolve.
    Resolve,
    /// TCP connection refused (nothing listens).
    Refused,
    /// Another failure to open the TCP connection (no route, network unreachable).
    Connect,
    /// No answer within `--timeout`.
    Timeout(Duration),
    /// The connection was reset (after one retry).
    Reset,
    /// The server closed the connection without a reply.
    Closed,
    /// The server answered with something that is not TLS (HTTP, a banner, binary).
    NotTls(NotTlsKind),
    /// The server sent a TLS alert (its description code).
    Alert(u8),
    /// The server's reply was well-formed but broke the protocol's rules, or chose something the
    /// client does not support (a version or suite it did not offer).
    Protocol,
    /// The reply could not be decoded: which message and which field are in `detail`.
    Malformed,
    /// A limit of tlscheck's own was reached (a reply's size, a run of empty records): which
    /// one is in `detail`.
    TooLarge,
    /// The target's time budget (`--target-timeout`) ran out before or during the step.
    Budget,
    /// A bug or an environment problem in tlscheck itself.
    Internal,
}

/// The step of a probe at which it failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Resolve,
    Connect,
    /// The TLS handshake, where no finer step is known (the enumeration's exchanges).
    Handshake,
    /// Waiting for the ServerHello: nothing of it had arrived, or only part of it.
    ServerHello,
    /// The ServerHello had arrived and nothing after it.
    AfterServerHello,
    /// Part of the flight after the ServerHello (certificates, key exchange) had arrived.
    Flight,
    Request,
    /// Waiting for or reading the HTTP response.
    Response,
}

impl ProbeError {
    pub fn new(kind: ErrorKind, step: Step, detail: impl Into<String>) -> ProbeError {
        ProbeError {
            kind,
            step,
            detail: detail.into(),
        }
    }

    /// A failure that is a definite answer from the server (an alert, a close, a non-TLS
    /// reply), as opposed to not getting one (timeout, reset, limit, budget).
    pub fn is_answer(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::Alert(_) | ErrorKind::Closed | ErrorKind::NotTls(_) | ErrorKind::Refused
        )
    }
}

impl ProbeError {
    /// Whether the failure came after the server had started speaking TLS (a ServerHello, or
    /// part of one), so the server is not silent, whatever else went wrong.
    pub fn after_server_hello(&self) -> bool {
        matches!(self.step, Step::AfterServerHello | Step::Flight)
    }
}

impl ErrorKind {
    /// Stable machine name, as in the JSON report: `timeout`, `reset`, `alert`, ...
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Resolve => "resolve",
            ErrorKind::Refused => "refused",
            ErrorKind::Connect => "connect",
            ErrorKind::Timeout(_) => "timeout",
            ErrorKind::Reset => "reset",
            ErrorKind::Closed => "closed",
            ErrorKind::NotTls(_) => "not-tls",
            ErrorKind::Alert(_) => "alert",
            ErrorKind::Protocol => "protocol",
            ErrorKind::Malformed => "malformed",
            ErrorKind::TooLarge => "too-large",
            ErrorKind::Budget => "budget",
            ErrorKind::Internal => "internal",
        }
    }
}

impl Step {
    pub fn name(self) -> &'static str {
        match self {
            Step::Resolve => "resolve",
            Step::Connect => "connect",
            Step::Handshake => "handshake",
            Step::ServerHello => "server-hello",
            Step::AfterServerHello => "after-server-hello",
            Step::Flight => "flight",
            Step::Request => "request",
            Step::Response => "response",
        }
    }
}
