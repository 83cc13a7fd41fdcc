//! HTTP/1 over a connection tlscheck opened (plain or TLS): one `GET`, size-capped, body never
//! read. Shared by the HTTPS request of the handshake probe and the redirect probe.

use bytes::Bytes;
use http_body_util::Empty;
use hyper::header::{CONNECTION, HOST, USER_AGENT};
use hyper_util::rt::TokioIo;

use crate::facts::{ErrorKind, ProbeError, Step};

/// Why a GET failed, by stage, so each caller can word it its own way.
pub enum GetError {
    /// The HTTP/1 connection could not be set up (for TLS: the alert shows here).
    Handshake(hyper::Error),
    /// The request could not be built from the path.
    Request(hyper::http::Error),
    /// No valid response came back.
    Response(hyper::Error),
}

/// One `GET path` on an open connection, plain or TLS: HTTP/1.1, `Connection: close`, response
/// headers capped at 64 KiB, body never read.
pub async fn get<Stream>(
    stream: Stream,
    authority: &str,
    path: &str,
) -> Result<hyper::Response<hyper::body::Incoming>, GetError>
where
    Stream: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, connection) = hyper::client::conn::http1::Builder::new()
        .max_buf_size(64 * 1024)
        .handshake::<_, Empty<Bytes>>(TokioIo::new(stream))
        .await
        .map_err(GetError::Handshake)?;
    let driver = tokio::spawn(connection);
    let request = hyper::Request::get(path)
        .header(HOST, authority)
        .header(USER_AGENT, concat!("tlscheck/", env!("CARGO_PKG_VERSION")))
        .header(CONNECTION, "close")
        .body(Empty::new());
    let request = match request {
        Ok(request) => request,
        Err(error) => {
            driver.abort();
            return Err(GetError::Request(error));
        }
    };
    let result = sender.send_request(request).await;
    driver.abort();
    result.map_err(GetError::Response)
}

/// The longest response header value tlscheck keeps (`Location`, `Server`,
/// `Strict-Transport-Security`); a longer one is an error with its length, never copied.
pub const MAX_HEADER_BYTES: usize = 8 * 1024;

/// A response header as text (lossy for non-UTF-8 bytes); an error naming the header and its
/// length when it is longer than [`MAX_HEADER_BYTES`].
pub fn header_text<Body>(
    response: &hyper::Response<Body>,
    name: hyper::header::HeaderName,
) -> Result<Option<String>, ProbeError> {
    let Some(value) = response.headers().get(&name) else {
        return Ok(None);
    };
    let length = value.as_bytes().len();
    if length > MAX_HEADER_BYTES {
        return Err(ProbeError::new(
            ErrorKind::TooLarge,
            Step::Response,
            format!(
                "the {name} header is {length} bytes long, over the {MAX_HEADER_BYTES}-byte limit"
            ),
        ));
    }
    Ok(Some(String::from_utf8_lossy(value.as_bytes()).into_owned()))
}

impl GetError {
    /// The failure as a probe error; `tls` finds a TLS error (an alert) inside hyper's.
    pub fn into_probe_error(
        self,
        tls: impl Fn(&(dyn std::error::Error + 'static)) -> Option<ProbeError>,
    ) -> ProbeError {
        match self {
            GetError::Handshake(error) | GetError::Response(error) => {
                if let Some(found) = tls(&error) {
                    return found;
                }
                let kind = if error.is_incomplete_message() {
                    ErrorKind::Closed
                } else if error.is_parse_too_large() {
                    ErrorKind::TooLarge
                } else if error.is_parse() {
                    ErrorKind::Protocol
                } else {
                    io_kind(&error).unwrap_or(ErrorKind::Protocol)
                };
                ProbeError::new(kind, Step::Response, error.to_string())
            }
            GetError::Request(error) => {
                ProbeError::new(ErrorKind::Internal, Step::Request, error.to_string())
            }
        }
    }
}

/// The kind of an I/O error inside `error`'s source chain.
fn io_kind(error: &(dyn std::error::Error + 'static)) -> Option<ErrorKind> {
    let mut source = Some(error);
    while let Some(current) = source {
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            return Some(crate::probe::connector::io_error(io, Step::Response).kind);
        }
        source = current.source();
    }
    None
}
