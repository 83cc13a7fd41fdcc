//! The legacy client in the handshake probe: when rustls cannot connect, one more connection
//! through the gate, one legacy handshake, and the same HTTPS GET (`probe::http::get`) over it,
//! so a legacy server still gets its negotiated facts, its response, HSTS and redirect target.

use std::net::SocketAddr;
use std::time::Instant;

use hyper::header::{LOCATION, SERVER, STRICT_TRANSPORT_SECURITY};
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};

use super::client::{LegacyConfig, LegacyError, LegacySession};
use crate::facts::hsts::parse_hsts;
use crate::facts::{
    ConnectionFacts, ErrorKind, HandshakeClient, HttpsResponseFacts, ProbeError, Step,
};
use crate::probe::connector::{io_error, Connection, Session};
use crate::probe::http::{get, header_text};

/// What the legacy client found.
#[derive(Clone, Debug)]
pub struct LegacyRecord {
    /// With `client` [`HandshakeClient::Legacy`] and `strict_client_failure` the rustls error.
    pub connection: ConnectionFacts,
    /// The chain as presented, leaf first.
    pub chain: Vec<Vec<u8>>,
    /// Distinguished names the server listed in a CertificateRequest, when it sent one.
    pub client_auth_request: Option<Vec<Vec<u8>>>,
    pub https: Result<HttpsResponseFacts, ProbeError>,
}

/// Whether a rustls failure is worth a legacy handshake: the server answered, but not with
/// anything rustls accepts (an alert, a choice rustls does not support, or a closed
/// connection). A timeout, a reset or a refused connection would fail again.
pub fn worth_trying(rustls_failure: &ProbeError) -> bool {
    matches!(
        rustls_failure.kind,
        ErrorKind::Alert(_) | ErrorKind::Protocol | ErrorKind::Closed
    )
}

/// One legacy handshake with `address` and, when it completes, `GET path` on it.
pub async fn probe(
    address: SocketAddr,
    server_name: Option<&str>,
    authority: &str,
    path: &str,
    session: &Session,
    rustls_failure: ProbeError,
) -> Result<LegacyRecord, ProbeError> {
    let (stream, connected) = session.connect(address).await?;
    let tcp_connect = connected.elapsed();
    let config = LegacyConfig::everything(server_name);
    let started = Instant::now();
    let legacy = session
        .step()
        .run(Step::Handshake, async {
            LegacySession::handshake(stream, &config)
                .await
                .map_err(|error| probe_error(error, Step::Handshake))
        })
        .await?;
    let handshake = started.elapsed();
    let messages = legacy.server_messages();
    let connection = ConnectionFacts {
        client: HandshakeClient::Legacy,
        strict_client_failure: Some(rustls_failure),
        protocol: legacy.version().wire(),
        cipher_suite: legacy.cipher_suite(),
        key_exchange_group: legacy.group(),
        alpn: messages
            .server_hello
            .alpn
            .as_ref()
            .map(|protocol| String::from_utf8_lossy(protocol).into_owned()),
        tcp_connect,
        handshake,
        ocsp_stapled_bytes: messages
            .ocsp_response
            .as_ref()
            .map(Vec::len)
            .filter(|length| *length > 0),
        signature_failure: None,
    };
    let chain = messages.certificates.clone();
    let client_auth_request = messages
        .certificate_request
        .as_ref()
        .map(|request| request.authorities.clone());
    let https = session
        .step()
        .run(Step::Response, https_get(legacy, authority, path))
        .await;
    Ok(LegacyRecord {
        connection,
        chain,
        client_auth_request,
        https,
    })
}

/// A legacy client error as a probe error at `step`.
pub fn probe_error(error: LegacyError, step: Step) -> ProbeError {
    match error {
        LegacyError::Alert(alert) => ProbeError::new(ErrorKind::Alert(alert.description), step, ""),
        LegacyError::Io(error) => io_error(&error, step),
        LegacyError::Closed => ProbeError::new(ErrorKind::Closed, step, ""),
        other => ProbeError::new(ErrorKind::Protocol, step, other.to_string()),
    }
}

/// The GET over the legacy session: hyper writes and reads one end of an in-memory pipe, a task
/// carries the bytes between its other end and the session's records.
async fn https_get(
    session: LegacySession<Connection>,
    authority: &str,
    path: &str,
) -> Result<HttpsResponseFacts, ProbeError> {
    let (local, remote) = tokio::io::duplex(64 * 1024);
    let carrier = tokio::spawn(carry(session, remote));
    let response = get(local, authority, path).await;
    carrier.abort();
    let response = response.map_err(|error| error.into_probe_error(|_| None))?;
    Ok(HttpsResponseFacts {
        url: format!("https://{authority}{path}"),
        status_code: response.status().as_u16(),
        location: header_text(&response, LOCATION)?,
        server: header_text(&response, SERVER)?,
        hsts: header_text(&response, STRICT_TRANSPORT_SECURITY)?.map(|raw| parse_hsts(&raw)),
    })
}

async fn carry(mut session: LegacySession<Connection>, mut pipe: DuplexStream) {
    let mut buffer = vec![0u8; 16 * 1024];
    loop {
        tokio::select! {
            read = pipe.read(&mut buffer) => match read {
                Ok(0) | Err(_) => {
                    let _ = session.close().await;
                    return;
                }
                Ok(count) => {
                    let data = buffer.get(..count).unwrap_or_default();
                    if session.send(data).await.is_err() {
                        return;
                    }
                }
            },
            received = session.recv() => match received {
                Ok(Some(data)) => {
                    if pipe.write_all(&data).await.is_err() {
                        return;
                    }
                }
                _ => {
                    let _ = pipe.shutdown().await;
                    return;
                }
            },
        }
    }
}
