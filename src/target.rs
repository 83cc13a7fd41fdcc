//! Targets: parsing what the user typed and resolving it to socket addresses.
//!
//! Accepted forms: `host`, `host:port`, `https://host[:port][/path]`, `http://host[:port][/path]`,
//! IPv4 `a.b.c.d[:port]`, IPv6 `[addr][:port]` or a bare IPv6 address. The HTTPS port defaults to
//! 443. A name is mapped to an address by `--connect-to`/`--resolve` overrides first (curl's
//! syntax), then by the system resolver.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use thiserror::Error;

/// The HTTPS port used when the target names none.
pub const DEFAULT_HTTPS_PORT: u16 = 443;
/// The plain-HTTP port the redirect check starts from when none is given.
pub const DEFAULT_HTTP_PORT: u16 = 80;

#[derive(Debug, Error, PartialEq)]
pub enum TargetError {
    #[error("invalid target '{input}': {reason}")]
    Invalid { input: String, reason: String },
    #[error("invalid --connect-to '{input}': {reason} (expected HOST:PORT:ADDR:PORT)")]
    ConnectTo { input: String, reason: String },
    #[error("invalid --resolve '{input}': {reason} (expected HOST:PORT:ADDR)")]
    Resolve { input: String, reason: String },
    #[error("cannot resolve '{host}': {reason}")]
    Lookup { host: String, reason: String },
    #[error("cannot resolve '{host}': timed out after {seconds:.1}s")]
    LookupTimeout { host: String, seconds: f64 },
}

/// The host part of a target.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Host {
    /// A DNS name, lower-cased, without a trailing dot.
    Name(String),
    Ip(IpAddr),
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Name(name) => f.write_str(name),
            Host::Ip(ip) => write!(f, "{ip}"),
        }
    }
}

impl Host {
    /// Parse a host name or IP literal (IPv6 with or without brackets).
    pub fn parse(text: &str) -> Result<Host, String> {
        let unbracketed = text
            .strip_prefix('[')
            .and_then(|rest| rest.strip_suffix(']'))
            .unwrap_or(text);
        if let Ok(ip) = unbracketed.parse::<IpAddr>() {
            return Ok(Host::Ip(ip));
        }
        if unbracketed.len() != text.len() {
            return Err(format!("'{unbracketed}' is not an IPv6 address"));
        }
        let name = text.strip_suffix('.').unwrap_or(text).to_ascii_lowercase();
        if name.is_empty() {
            return Err("the host is empty".into());
        }
        if name.len() > 253 {
            return Err("the host name is longer than 253 characters".into());
        }
        for label in name.split('.') {
            if label.is_empty() {
                return Err(format!("'{text}' has an empty label"));
            }
            if label.len() > 63 {
                return Err(format!("label '{label}' is longer than 63 characters"));
            }
            if let Some(bad) = label
                .chars()
                .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
            {
                return Err(format!("'{bad}' is not allowed in a host name"));
            }
            if label.starts_with('-') || label.ends_with('-') {
                return Err(format!("label '{label}' starts or ends with '-'"));
            }
        }
        Ok(Host::Name(name))
    }

    /// How the host is written in a URL or `Host:` header (IPv6 in brackets).
    pub fn authority(&self) -> String {
        match self {
            Host::Ip(IpAddr::V6(ip)) => format!("[{ip}]"),
            other => other.to_string(),
        }
    }
}

/// A scan target, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// Exactly what the user typed.
    pub input: String,
    pub host: Host,
    /// HTTPS port.
    pub port: u16,
    /// Plain-HTTP port named by an `http://host:port` target; none means the default.
    pub http_port: Option<u16>,
    /// Path for the HTTPS request and the redirect check; always starts with `/`.
    pub path: String,
}

impl Target {
    pub fn parse(input: &str) -> Result<Target, TargetError> {
        let invalid = |reason: String| TargetError::Invalid {
            input: input.to_string(),
            reason,
        };
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(invalid("the target is empty".into()));
        }
        let (scheme, rest) = match trimmed.split_once("://") {
            Some((scheme, rest)) => (Some(scheme.to_ascii_lowercase()), rest),
            None => (None, trimmed),
        };
        if let Some(scheme) = &scheme {
            if scheme != "https" && scheme != "http" {
                return Err(invalid(format!(
                    "scheme '{scheme}' is not supported (use https:// or http://)"
                )));
            }
        }
        let (authority, path) = match rest.find(['/', '?', '#']) {
            Some(index) => (&rest[..index], &rest[index..]),
            None => (rest, ""),
        };
        if authority.contains('@') {
            return Err(invalid("user info ('user@') is not supported".into()));
        }
        let path = match path.split('#').next().unwrap_or("") {
            "" => "/".to_string(),
            p if p.starts_with('/') => p.to_string(),
            p => format!("/{p}"),
        };
        let (host_text, port) = split_host_port(authority).map_err(invalid)?;
        let host = Host::parse(host_text).map_err(invalid)?;
        let (port, http_port) = match (scheme.as_deref(), port) {
            (Some("http"), Some(port)) => (DEFAULT_HTTPS_PORT, Some(port)),
            (_, Some(port)) => (port, None),
            (_, None) => (DEFAULT_HTTPS_PORT, None),
        };
        Ok(Target {
            input: input.to_string(),
            host,
            port,
            http_port,
            path,
        })
    }

    /// The name for SNI and certificate checks: the host name, or none for IP literals.
    pub fn server_name(&self) -> Option<&str> {
        match &self.host {
            Host::Name(name) => Some(name),
            Host::Ip(_) => None,
        }
    }
}

/// Split `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 address.
fn split_host_port(authority: &str) -> Result<(&str, Option<u16>), String> {
    if authority.is_empty() {
        return Err("the host is empty".into());
    }
    if authority.starts_with('[') {
        let close = authority
            .find(']')
            .ok_or_else(|| "missing ']' after the IPv6 address".to_string())?;
        let host = &authority[..=close];
        let after = &authority[close + 1..];
        if after.is_empty() {
            return Ok((host, None));
        }
        let port = after
            .strip_prefix(':')
            .ok_or_else(|| format!("unexpected '{after}' after the IPv6 address"))?;
        return Ok((host, Some(parse_port(port)?)));
    }
    match authority.matches(':').count() {
        0 => Ok((authority, None)),
        1 => {
            let (host, port) = authority.split_once(':').unwrap_or((authority, ""));
            Ok((host, Some(parse_port(port)?)))
        }
        // Several colons and no brackets: a bare IPv6 address, no port.
        _ => Ok((authority, None)),
    }
}

fn parse_port(text: &str) -> Result<u16, String> {
    match text.parse::<u16>() {
        Ok(0) => Err("port 0 is not a valid port".into()),
        Ok(port) => Ok(port),
        Err(_) => Err(format!("port '{text}' is not a number from 1 to 65535")),
    }
}

/// One `--connect-to HOST:PORT:ADDR:PORT` rule; empty HOST or PORT match any, empty ADDR or its
/// PORT keep the original (curl's semantics).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectTo {
    pub host: Option<String>,
    pub port: Option<u16>,
    pub to_host: Option<Host>,
    pub to_port: Option<u16>,
}

impl ConnectTo {
    pub fn parse(input: &str) -> Result<ConnectTo, TargetError> {
        let error = |reason: String| TargetError::ConnectTo {
            input: input.to_string(),
            reason,
        };
        let fields = split_colon_fields(input).map_err(error)?;
        let [host, port, to_host, to_port] = fields.as_slice() else {
            return Err(error(format!("found {} fields, not 4", fields.len())));
        };
        Ok(ConnectTo {
            host: optional_host(host).map_err(error)?,
            port: optional_port(port).map_err(error)?,
            to_host: optional(to_host, Host::parse).map_err(error)?,
            to_port: optional_port(to_port).map_err(error)?,
        })
    }

    /// `--resolve HOST:PORT:ADDR` is `--connect-to HOST:PORT:ADDR:` with an IP address.
    pub fn parse_resolve(input: &str) -> Result<ConnectTo, TargetError> {
        let error = |reason: String| TargetError::Resolve {
            input: input.to_string(),
            reason,
        };
        let fields = split_colon_fields(input).map_err(error)?;
        let [host, port, address] = fields.as_slice() else {
            return Err(error(format!("found {} fields, not 3", fields.len())));
        };
        let address = match Host::parse(address).map_err(error)? {
            Host::Ip(ip) => ip,
            Host::Name(name) => return Err(error(format!("'{name}' is not an IP address"))),
        };
        Ok(ConnectTo {
            host: optional_host(host).map_err(error)?,
            port: optional_port(port).map_err(error)?,
            to_host: Some(Host::Ip(address)),
            to_port: None,
        })
    }

    fn matches(&self, host: &Host, port: u16) -> bool {
        let host_matches = match &self.host {
            None => true,
            Some(name) => Host::parse(name).is_ok_and(|parsed| &parsed == host),
        };
        host_matches && self.port.is_none_or(|p| p == port)
    }
}

/// Split on ':' but keep bracketed IPv6 addresses whole.
fn split_colon_fields(input: &str) -> Result<Vec<&str>, String> {
    let mut fields = Vec::new();
    let mut start = 0;
    let mut in_brackets = false;
    for (index, c) in input.char_indices() {
        match c {
            '[' => in_brackets = true,
            ']' => in_brackets = false,
            ':' if !in_brackets => {
                fields.push(&input[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    if in_brackets {
        return Err("missing ']'".into());
    }
    fields.push(&input[start..]);
    Ok(fields)
}

fn optional<T>(text: &str, parse: impl Fn(&str) -> Result<T, String>) -> Result<Option<T>, String> {
    if text.is_empty() {
        Ok(None)
    } else {
        parse(text).map(Some)
    }
}

fn optional_host(text: &str) -> Result<Option<String>, String> {
    optional(text, |t| Host::parse(t).map(|_| t.to_string()))
}

fn optional_port(text: &str) -> Result<Option<u16>, String> {
    optional(text, parse_port)
}

/// Name-to-address overrides from `--connect-to` and `--resolve`, first match wins.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub rules: Vec<ConnectTo>,
}

impl Overrides {
    /// Where to connect for `host:port`: the rewritten host and port when a rule matches.
    pub fn apply(&self, host: &Host, port: u16) -> (Host, u16) {
        match self.rules.iter().find(|rule| rule.matches(host, port)) {
            Some(rule) => (
                rule.to_host.clone().unwrap_or_else(|| host.clone()),
                rule.to_port.unwrap_or(port),
            ),
            None => (host.clone(), port),
        }
    }

    /// Resolve `host:port` to socket addresses, honouring the overrides, bounded by `timeout`.
    pub async fn resolve(
        &self,
        host: &Host,
        port: u16,
        timeout: Duration,
    ) -> Result<Vec<SocketAddr>, TargetError> {
        let (host, port) = self.apply(host, port);
        match host {
            Host::Ip(ip) => Ok(vec![SocketAddr::new(ip, port)]),
            Host::Name(name) => {
                let lookup = tokio::net::lookup_host((name.clone(), port));
                match tokio::time::timeout(timeout, lookup).await {
                    Err(_) => Err(TargetError::LookupTimeout {
                        host: name,
                        seconds: timeout.as_secs_f64(),
                    }),
                    Ok(Err(error)) => Err(TargetError::Lookup {
                        host: name,
                        reason: error.to_string(),
                    }),
                    Ok(Ok(addresses)) => {
                        let mut addresses: Vec<SocketAddr> = addresses.collect();
                        // Prefer IPv4 first, like most clients' happy-eyeballs outcome on
                        // dual-stack hosts; keep the resolver's order otherwise.
                        addresses.sort_by_key(|a| a.is_ipv6());
                        addresses.dedup();
                        if addresses.is_empty() {
                            Err(TargetError::Lookup {
                                host: name,
                                reason: "no addresses".into(),
                            })
                        } else {
                            Ok(addresses)
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    fn parse(input: &str) -> Target {
        Target::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"))
    }

    #[test]
    fn parses_bare_host_with_default_port_and_path() {
        let target = parse("WWW.Example.com.");
        assert_eq!(target.host, Host::Name("www.example.com".into()));
        assert_eq!(target.port, 443);
        assert_eq!(target.path, "/");
        assert_eq!(target.http_port, None);
    }

    #[test]
    fn parses_host_port_and_https_url_with_path() {
        assert_eq!(parse("example.com:8443").port, 8443);
        let url = parse("https://example.com:8443/login?next=1#frag");
        assert_eq!(url.port, 8443);
        assert_eq!(url.path, "/login?next=1");
    }

    #[test]
    fn http_url_port_is_the_http_port() {
        let target = parse("http://example.com:8080/app");
        assert_eq!(target.port, 443);
        assert_eq!(target.http_port, Some(8080));
        assert_eq!(target.path, "/app");
    }

    #[test]
    fn parses_ip_literals() {
        assert_eq!(
            parse("127.0.0.1:4433").host,
            Host::Ip(IpAddr::V4(Ipv4Addr::LOCALHOST))
        );
        let v6 = parse("[::1]:4433");
        assert_eq!(v6.host, Host::Ip(IpAddr::V6(Ipv6Addr::LOCALHOST)));
        assert_eq!(v6.port, 4433);
        assert_eq!(parse("::1").port, 443);
        assert_eq!(
            parse("https://[2001:db8::1]/").host.authority(),
            "[2001:db8::1]"
        );
        assert_eq!(parse("127.0.0.1").server_name(), None);
    }

    #[test]
    fn rejects_bad_targets_with_reason() {
        for (input, needle) in [
            ("", "empty"),
            ("ftp://example.com", "scheme 'ftp'"),
            ("example.com:0", "port 0"),
            ("example.com:99999", "'99999'"),
            ("exa mple.com", "' ' is not allowed"),
            ("-bad.example", "starts or ends"),
            ("a..b", "empty label"),
            ("[::1", "missing ']'"),
            ("[nothost]:443", "not an IPv6"),
            ("user@example.com", "user info"),
        ] {
            let error = Target::parse(input).expect_err(input).to_string();
            assert!(error.contains(needle), "{input}: {error}");
        }
    }

    #[test]
    fn connect_to_rewrites_matching_host_and_port_only() {
        let rule = ConnectTo::parse("good.test:443:127.0.0.1:8443").unwrap();
        let overrides = Overrides { rules: vec![rule] };
        let good = Host::Name("good.test".into());
        assert_eq!(
            overrides.apply(&good, 443),
            (Host::Ip(IpAddr::V4(Ipv4Addr::LOCALHOST)), 8443)
        );
        assert_eq!(overrides.apply(&good, 80), (good.clone(), 80));
        let other = Host::Name("other.test".into());
        assert_eq!(overrides.apply(&other, 443), (other.clone(), 443));
    }

    #[test]
    fn connect_to_accepts_wildcards_and_ipv6() {
        let rule = ConnectTo::parse("::[::1]:").unwrap();
        assert_eq!(rule.host, None);
        assert_eq!(rule.port, None);
        assert_eq!(
            rule.to_host,
            Some(Host::Ip(IpAddr::V6(Ipv6Addr::LOCALHOST)))
        );
        assert_eq!(rule.to_port, None);
        assert!(ConnectTo::parse("a:1:b").is_err());
        assert!(ConnectTo::parse("a:x:b:1").is_err());
    }

    #[test]
    fn resolve_option_requires_an_ip() {
        let rule = ConnectTo::parse_resolve("good.test:443:127.0.0.2").unwrap();
        assert_eq!(rule.to_host, Some(Host::Ip("127.0.0.2".parse().unwrap())));
        assert_eq!(rule.to_port, None);
        let error = ConnectTo::parse_resolve("good.test:443:localhost").unwrap_err();
        assert!(error
            .to_string()
            .contains("'localhost' is not an IP address"));
    }

    #[tokio::test]
    async fn resolves_overrides_without_dns() {
        let overrides = Overrides {
            rules: vec![ConnectTo::parse_resolve("nowhere.invalid:443:127.0.0.9").unwrap()],
        };
        let addresses = overrides
            .resolve(
                &Host::Name("nowhere.invalid".into()),
                443,
                Duration::from_secs(1),
            )
            .await
            .unwrap();
        assert_eq!(addresses, vec!["127.0.0.9:443".parse().unwrap()]);
    }
}
