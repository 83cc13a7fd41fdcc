//! HTTP probe: follow the plain-HTTP redirect chain from `http://HOST/path` (hyper 1 over
//! connections we open, size-capped, hop-limited, loop-detected), and parse HSTS headers.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::Empty;
use hyper::header::{CONNECTION, HOST, LOCATION, USER_AGENT};
use hyper_util::rt::TokioIo;

use crate::facts::{HstsFacts, RedirectFacts, RedirectHop, RedirectVerdict};
use crate::probe::handshake::connect;
use crate::target::{Host, Overrides};

/// Redirects followed before giving up.
pub const MAX_HOPS: usize = 10;

/// An absolute http(s) URL, split into the parts we need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url {
    pub https: bool,
    pub host: Host,
    pub port: u16,
    /// Path and query, starting with `/`.
    pub path: String,
}

impl Url {
    pub fn scheme(&self) -> &'static str {
        if self.https {
            "https"
        } else {
            "http"
        }
    }

    fn default_port(&self) -> u16 {
        if self.https {
            443
        } else {
            80
        }
    }

    /// `host` or `host:port` when the port is not the scheme's default.
    pub fn authority(&self) -> String {
        if self.port == self.default_port() {
            self.host.authority()
        } else {
            format!("{}:{}", self.host.authority(), self.port)
        }
    }

    /// Parse an absolute `http://` or `https://` URL.
    pub fn parse(text: &str) -> Option<Url> {
        let (scheme, rest) = text.split_once("://")?;
        let https = match scheme.to_ascii_lowercase().as_str() {
            "https" => true,
            "http" => false,
            _ => return None,
        };
        let split = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, path) = rest.split_at(split);
        let authority = authority.rsplit('@').next().unwrap_or(authority);
        let (host, port) = match authority.rfind(':') {
            Some(colon) if !authority[colon..].contains(']') => {
                let port = &authority[colon + 1..];
                let port = if port.is_empty() {
                    None
                } else {
                    Some(port.parse::<u16>().ok()?)
                };
                (&authority[..colon], port)
            }
            _ => (authority, None),
        };
        let host = Host::parse(host).ok()?;
        let path = path.split('#').next().unwrap_or("");
        let path = if path.is_empty() {
            "/".to_string()
        } else if path.starts_with('?') {
            format!("/{path}")
        } else {
            path.to_string()
        };
        Some(Url {
            https,
            host,
            port: port.unwrap_or(if https { 443 } else { 80 }),
            path,
        })
    }

    /// Resolve a `Location` header against this URL (absolute, scheme-relative, absolute-path
    /// or relative-path references).
    pub fn join(&self, location: &str) -> Option<Url> {
        let location = location.trim();
        if location.contains("://") {
            return Url::parse(location);
        }
        if let Some(rest) = location.strip_prefix("//") {
            return Url::parse(&format!("{}://{rest}", self.scheme()));
        }
        let path = if location.starts_with('/') {
            location.to_string()
        } else {
            let base = self.path.split('?').next().unwrap_or("/");
            let directory = &base[..base.rfind('/').map_or(0, |i| i + 1)];
            format!("{directory}{location}")
        };
        Some(Url {
            path: if path.is_empty() { "/".into() } else { path },
            ..self.clone()
        })
    }
}

impl std::fmt::Display for Url {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}://{}{}", self.scheme(), self.authority(), self.path)
    }
}

/// Follow redirects from `start` while they stay on plain HTTP on the scanned host. Stops at the
/// first https URL on the same host (the TLS probe covers that endpoint), at another host, at a
/// non-redirect answer, on a loop, or after [`MAX_HOPS`].
pub async fn follow_redirects(
    start: &Url,
    overrides: &Overrides,
    timeout: Duration,
) -> Result<RedirectFacts, String> {
    let mut hops: Vec<RedirectHop> = Vec::new();
    let mut statuses: Vec<u16> = Vec::new();
    let mut visited = vec![start.to_string()];
    let mut current = start.clone();
    loop {
        let (status, location) =
            fetch_once(&current, overrides, timeout)
                .await
                .map_err(|reason| {
                    if hops.is_empty() {
                        reason
                    } else {
                        format!("{reason} (after {} redirect(s))", hops.len())
                    }
                })?;
        let next = location
            .as_deref()
            .filter(|_| (300..400).contains(&status))
            .and_then(|l| current.join(l));
        let same_host = next.as_ref().is_some_and(|n| n.host == start.host);
        hops.push(RedirectHop {
            url: current.to_string(),
            status_code: status,
            location: location.clone(),
            same_host: next.is_none() || same_host,
        });
        let Some(next) = next else {
            let verdict = if hops.len() == 1 {
                RedirectVerdict::NoRedirect
            } else {
                RedirectVerdict::StaysHttp
            };
            return Ok(RedirectFacts {
                start_url: start.to_string(),
                hops,
                verdict,
            });
        };
        statuses.push(status);
        let verdict = if !same_host {
            Some(RedirectVerdict::OtherHost)
        } else if next.https {
            if statuses.iter().all(|s| *s == 301 || *s == 308) {
                Some(RedirectVerdict::HttpsPermanent)
            } else {
                Some(RedirectVerdict::HttpsTemporary)
            }
        } else if visited.contains(&next.to_string()) {
            Some(RedirectVerdict::Loop)
        } else if hops.len() >= MAX_HOPS {
            Some(RedirectVerdict::TooManyHops)
        } else {
            None
        };
        if let Some(verdict) = verdict {
            return Ok(RedirectFacts {
                start_url: start.to_string(),
                hops,
                verdict,
            });
        }
        visited.push(next.to_string());
        current = next;
    }
}

/// One plain-HTTP GET: the status and `Location` header.
async fn fetch_once(
    url: &Url,
    overrides: &Overrides,
    timeout: Duration,
) -> Result<(u16, Option<String>), String> {
    let addresses = overrides
        .resolve(&url.host, url.port, timeout)
        .await
        .map_err(|e| e.to_string())?;
    let mut last_error = String::from("no address to connect to");
    for address in addresses {
        let stream = match connect(address, timeout).await {
            Ok(stream) => stream,
            Err(error) => {
                last_error = error.to_string();
                continue;
            }
        };
        let exchange = async {
            let response = get(stream, &url.authority(), &url.path)
                .await
                .map_err(|error| match error {
                    GetError::Handshake(e) => format!("HTTP error from {url}: {e}"),
                    GetError::Request(e) => format!("cannot request '{url}': {e}"),
                    GetError::Response(e) => format!("no valid HTTP response from {url}: {e}"),
                })?;
            Ok::<_, String>((response.status().as_u16(), header_text(&response, LOCATION)))
        };
        return match tokio::time::timeout(timeout, exchange).await {
            Ok(result) => result,
            Err(_) => Err(format!(
                "no HTTP response from {url} within {:.1}s",
                timeout.as_secs_f64()
            )),
        };
    }
    Err(last_error)
}

/// Why a GET failed, by stage, so each caller can word it its own way.
pub(crate) enum GetError {
    /// The HTTP/1 connection could not be set up (for TLS: the alert shows here).
    Handshake(hyper::Error),
    /// The request could not be built from the path.
    Request(hyper::http::Error),
    /// No valid response came back.
    Response(hyper::Error),
}

/// One `GET path` on an open connection, plain or TLS: HTTP/1.1, `Connection: close`, response
/// headers capped at 64 KiB, body never read.
pub(crate) async fn get<Stream>(
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

/// A response header as text (lossy for non-UTF-8 bytes).
pub(crate) fn header_text<Body>(
    response: &hyper::Response<Body>,
    name: hyper::header::HeaderName,
) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
}

/// Parse a `Strict-Transport-Security` value (RFC 6797 §6.1): directives separated by `;`,
/// names case-insensitive, `max-age` required and a number (optionally quoted), no directive
/// twice.
pub fn parse_hsts(raw: &str) -> HstsFacts {
    let mut facts = HstsFacts {
        raw: raw.to_string(),
        max_age: None,
        include_subdomains: false,
        preload: false,
        error: None,
    };
    let mut seen: Vec<String> = Vec::new();
    for directive in raw.split(';') {
        let directive = directive.trim();
        if directive.is_empty() {
            continue;
        }
        let (name, value) = match directive.split_once('=') {
            Some((name, value)) => (name.trim().to_ascii_lowercase(), Some(value.trim())),
            None => (directive.to_ascii_lowercase(), None),
        };
        if seen.contains(&name) {
            facts.error = Some(format!("directive '{name}' appears more than once"));
            continue;
        }
        seen.push(name.clone());
        match (name.as_str(), value) {
            ("max-age", Some(value)) => {
                let unquoted = value.trim_matches('"');
                match unquoted.parse::<u64>() {
                    Ok(seconds) => facts.max_age = Some(seconds),
                    Err(_) => {
                        facts.error = Some(format!("max-age '{value}' is not a number of seconds"))
                    }
                }
            }
            ("max-age", None) => facts.error = Some("max-age has no value".into()),
            ("includesubdomains", _) => facts.include_subdomains = true,
            ("preload", _) => facts.preload = true,
            _ => {}
        }
    }
    if facts.max_age.is_none() && facts.error.is_none() {
        facts.error = Some("the required max-age directive is missing".into());
    }
    facts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_hsts_header() {
        let facts = parse_hsts("max-age=63072000; includeSubDomains; preload");
        assert_eq!(facts.max_age, Some(63_072_000));
        assert!(facts.include_subdomains);
        assert!(facts.preload);
        assert_eq!(facts.error, None);
    }

    #[test]
    fn accepts_quoted_max_age_and_any_case() {
        let facts = parse_hsts("Max-Age=\"300\" ; INCLUDESUBDOMAINS");
        assert_eq!(facts.max_age, Some(300));
        assert!(facts.include_subdomains);
        assert!(!facts.preload);
    }

    #[test]
    fn reports_invalid_hsts_headers() {
        assert!(parse_hsts("includeSubDomains")
            .error
            .unwrap()
            .contains("missing"));
        assert!(parse_hsts("max-age=abc").error.unwrap().contains("'abc'"));
        assert!(parse_hsts("max-age=1; max-age=2")
            .error
            .unwrap()
            .contains("more than once"));
    }

    #[test]
    fn joins_locations_like_a_browser() {
        let base = Url::parse("http://example.com/a/b?x=1").unwrap();
        assert_eq!(
            base.join("https://example.com/").unwrap().to_string(),
            "https://example.com/"
        );
        assert_eq!(
            base.join("//www.example.com/z").unwrap().to_string(),
            "http://www.example.com/z"
        );
        assert_eq!(
            base.join("/root").unwrap().to_string(),
            "http://example.com/root"
        );
        assert_eq!(
            base.join("c").unwrap().to_string(),
            "http://example.com/a/c"
        );
    }

    #[test]
    fn parses_urls_with_ports_and_ipv6() {
        let url = Url::parse("https://[::1]:8443/x").unwrap();
        assert_eq!(url.port, 8443);
        assert_eq!(url.authority(), "[::1]:8443");
        let url = Url::parse("HTTPS://Example.COM").unwrap();
        assert_eq!(url.to_string(), "https://example.com/");
        assert!(Url::parse("ftp://example.com/").is_none());
        assert!(Url::parse("http://example.com:99999/").is_none());
    }
}
