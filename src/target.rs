//! Targets: parsing what the user typed (pure), the one URL type, and the `--connect-to` /
//! `--resolve` overrides (curl's syntax) that map a name to an address before DNS.
//!
//! Accepted forms: `host`, `host:port`, `https://host[:port][/path]`, `http://host[:port][/path]`,
//! IPv4 `a.b.c.d[:port]`, IPv6 `[addr][:port]` or a bare IPv6 address. The HTTPS port defaults to
//! 443. Resolving is a probe (`probe::dns`).

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;

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
    #[error("{origin}:{line}: {source}")]
    Line {
        origin: String,
        line: usize,
        source: Box<TargetError>,
    },
    #[error("{origin}:{line}: {reason}")]
    LineSyntax {
        origin: String,
        line: usize,
        reason: String,
    },
    #[error("cannot read the target list '{origin}': {reason}")]
    Read { origin: String, reason: String },
    #[error("invalid --allow '{input}': {reason} (expected HOST or HOST:PORT, with * and ? as wildcards)")]
    Allow { input: String, reason: String },
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
    /// Parse a host name or IP literal (IPv6 with or without brackets). An internationalised
    /// name is converted to its ASCII form (IDNA, `bücher.example` to `xn--bcher-kva.example`).
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
        // The WHATWG host parser: IDNA to ASCII, lower case, and a name whose last label is a
        // number is an IPv4 address (`127.1`, `0x7f.0.0.1`) or invalid (`999.1.1.1`).
        // ASCII with other characters than a name's: the label checks below say which.
        let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
        if text.is_ascii() && !text.chars().all(plain) {
            return check_name(text);
        }
        let ascii = match url::Host::parse(text) {
            Ok(url::Host::Domain(domain)) => domain,
            Ok(url::Host::Ipv4(ip)) => return Ok(Host::Ip(IpAddr::V4(ip))),
            Ok(url::Host::Ipv6(ip)) => return Ok(Host::Ip(IpAddr::V6(ip))),
            Err(url::ParseError::InvalidIpv4Address) => {
                return Err(format!(
                    "'{}' is not a valid IPv4 address",
                    crate::text::escaped(text)
                ))
            }
            Err(url::ParseError::EmptyHost) => return Err("the host is empty".into()),
            Err(url::ParseError::IdnaError) if !text.is_ascii() => {
                return Err(format!(
                    "'{}' is not a valid internationalised host name",
                    crate::text::escaped(text)
                ))
            }
            Err(error) => return Err(format!("'{}': {error}", crate::text::escaped(text))),
        };
        check_name(&ascii)
    }

    /// How the host is written in a URL or `Host:` header (IPv6 in brackets).
    pub fn authority(&self) -> String {
        match self {
            Host::Ip(IpAddr::V6(ip)) => format!("[{ip}]"),
            other => other.to_string(),
        }
    }
}

/// An ASCII host name, checked label by label (letters, digits, `-` and `_`).
fn check_name(text: &str) -> Result<Host, String> {
    let name = text.strip_suffix('.').unwrap_or(text).to_ascii_lowercase();
    if name.is_empty() {
        return Err("the host is empty".into());
    }
    if name.len() > 253 {
        return Err("the host name is longer than 253 characters".into());
    }
    let labels: Vec<&str> = name.split('.').collect();
    if labels
        .iter()
        .all(|label| !label.is_empty() && label.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(format!("'{name}' is not a valid IPv4 address"));
    }
    for label in labels {
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
            return Err(format!(
                "'{}' is not allowed in a host name",
                bad.escape_default()
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!("label '{label}' starts or ends with '-'"));
        }
    }
    Ok(Host::Name(name))
}

/// An absolute http(s) URL, split into the parts tlscheck needs. The one URL parser: targets
/// and `Location` headers both go through [`Url::parse`] (the WHATWG rules of the `url` crate,
/// then [`Host::parse`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url {
    pub https: bool,
    pub host: Host,
    pub port: u16,
    /// Path and query, starting with `/`.
    pub path: String,
}

impl Url {
    /// Parse an absolute `http://` or `https://` URL; the reason when it is not one.
    pub fn parse(text: &str) -> Result<Url, String> {
        let parsed = url::Url::parse(text.trim()).map_err(|error| error.to_string())?;
        Url::from_parsed(&parsed)
    }

    fn from_parsed(parsed: &url::Url) -> Result<Url, String> {
        let https = match parsed.scheme() {
            "https" => true,
            "http" => false,
            other => {
                return Err(format!(
                    "scheme '{other}' is not supported (use https:// or http://)"
                ))
            }
        };
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err("user info ('user@') is not supported".into());
        }
        let host = match parsed.host() {
            Some(url::Host::Domain(domain)) => Host::parse(domain)?,
            Some(url::Host::Ipv4(ip)) => Host::Ip(IpAddr::V4(ip)),
            Some(url::Host::Ipv6(ip)) => Host::Ip(IpAddr::V6(ip)),
            None => return Err("the host is empty".into()),
        };
        let port = parsed
            .port_or_known_default()
            .unwrap_or(if https { 443 } else { 80 });
        if port == 0 {
            return Err("port 0 is not a valid port".into());
        }
        let mut path = parsed.path().to_string();
        if !path.starts_with('/') {
            path.insert(0, '/');
        }
        if let Some(query) = parsed.query() {
            path.push('?');
            path.push_str(query);
        }
        Ok(Url {
            https,
            host,
            port,
            path,
        })
    }

    pub fn scheme(&self) -> &'static str {
        if self.https {
            "https"
        } else {
            "http"
        }
    }

    fn default_port(&self) -> u16 {
        if self.https {
            DEFAULT_HTTPS_PORT
        } else {
            DEFAULT_HTTP_PORT
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

    /// Resolve a `Location` header against this URL as a browser does (the WHATWG URL
    /// standard: backslashes are slashes, `\\host/x` names another host, user info is
    /// dropped); the reason when it does not lead to an http(s) URL (`javascript:`, `mailto:`,
    /// garbage).
    pub fn join(&self, location: &str) -> Result<Url, String> {
        let base = url::Url::parse(&self.to_string()).map_err(|error| error.to_string())?;
        let mut joined = base
            .join(location.trim())
            .map_err(|error| error.to_string())?;
        // Credentials in a Location are no part of where it leads.
        let _ = joined.set_username("");
        let _ = joined.set_password(None);
        Url::from_parsed(&joined)
    }
}

impl std::fmt::Display for Url {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}://{}{}", self.scheme(), self.authority(), self.path)
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
    /// This target's own server name (a target list's `--sni`), before the global `--sni`.
    pub sni: Option<String>,
    /// This target's own address overrides (a target list's `--connect-to`/`--resolve`),
    /// tried before the global ones.
    pub connect_to: Vec<ConnectTo>,
}

impl Target {
    pub fn parse(input: &str) -> Result<Target, TargetError> {
        let invalid = |reason: String| TargetError::Invalid {
            input: crate::text::escaped(input),
            reason,
        };
        if let Some(character) = crate::text::first_unsafe(input) {
            return Err(invalid(format!(
                "it holds the control character {character}"
            )));
        }
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
        // Check the host and port first, for errors that say what is wrong with them.
        let (host_text, port) = split_host_port(authority).map_err(invalid)?;
        let host = Host::parse(host_text).map_err(invalid)?;
        let scheme = scheme.unwrap_or_else(|| "https".to_string());
        let authority = match port {
            Some(port) => format!("{}:{port}", host.authority()),
            None => host.authority(),
        };
        let url = Url::parse(&format!("{scheme}://{authority}{path}")).map_err(invalid)?;
        let (port, http_port) = match (url.https, port) {
            (false, Some(port)) => (DEFAULT_HTTPS_PORT, Some(port)),
            (_, Some(port)) => (port, None),
            (_, None) => (DEFAULT_HTTPS_PORT, None),
        };
        Ok(Target {
            input: input.to_string(),
            host: url.host,
            port,
            http_port,
            path: url.path,
            sni: None,
            connect_to: Vec::new(),
        })
    }

    /// What makes two targets the same scan: everything but the text typed.
    pub fn scan_key(&self) -> String {
        format!(
            "{}|{}|{:?}|{}|{:?}|{:?}",
            self.host, self.port, self.http_port, self.path, self.sni, self.connect_to
        )
    }

    /// `host` or `host:port` (when the port is not 443), for the `Host` header and URLs.
    pub fn authority(&self) -> String {
        match self.port {
            DEFAULT_HTTPS_PORT => self.host.authority(),
            port => format!("{}:{port}", self.host.authority()),
        }
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
    /// From `--resolve`: repeated for one name, its addresses add up.
    pub resolve: bool,
}

impl ConnectTo {
    pub fn parse(input: &str) -> Result<ConnectTo, TargetError> {
        let error = |reason: String| TargetError::ConnectTo {
            input: crate::text::escaped(input),
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
            resolve: false,
        })
    }

    /// `--resolve HOST:PORT:ADDR` is `--connect-to HOST:PORT:ADDR:` with an IP address.
    pub fn parse_resolve(input: &str) -> Result<ConnectTo, TargetError> {
        let error = |reason: String| TargetError::Resolve {
            input: crate::text::escaped(input),
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
            resolve: true,
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
        self.apply_all(host, port)
            .into_iter()
            .next()
            .unwrap_or_else(|| (host.clone(), port))
    }

    /// Every place `host:port` may be reached: the first matching rule's, or, when it is a
    /// `--resolve` rule, the addresses of every `--resolve` rule for it (one name, several
    /// addresses); `host:port` itself when none matches.
    pub fn apply_all(&self, host: &Host, port: u16) -> Vec<(Host, u16)> {
        let mut matching = self.rules.iter().filter(|rule| rule.matches(host, port));
        let Some(first) = matching.next() else {
            return vec![(host.clone(), port)];
        };
        let place = |rule: &ConnectTo| {
            (
                rule.to_host.clone().unwrap_or_else(|| host.clone()),
                rule.to_port.unwrap_or(port),
            )
        };
        let mut places = vec![place(first)];
        if first.resolve {
            for rule in matching.filter(|rule| rule.resolve) {
                let next = place(rule);
                if !places.contains(&next) {
                    places.push(next);
                }
            }
        }
        places
    }

    /// These overrides with `first` tried before them.
    pub fn with_first(&self, first: &[ConnectTo]) -> Overrides {
        Overrides {
            rules: first.iter().chain(&self.rules).cloned().collect(),
        }
    }
}

/// Targets from a list (`-i FILE`, or `-i -` for standard input) named `origin`: one per line,
/// blank lines and `#` comments skipped; after the target, its own `--sni NAME`,
/// `--connect-to HOST:PORT:ADDR:PORT` and `--resolve HOST:PORT:ADDR` (also `--flag=value`).
pub fn parse_list(origin: &str, text: &str) -> Result<Vec<Target>, TargetError> {
    let mut targets = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        if let Some(target) = parse_line(origin, index + 1, raw)? {
            targets.push(target);
        }
    }
    Ok(targets)
}

/// A target list, checked whole but kept as text: each line becomes a [`Target`] only when the
/// scan reaches it, so a long list costs its text, not a parsed target per line.
#[derive(Clone, Debug)]
pub struct TargetList {
    origin: Arc<str>,
    text: Arc<str>,
    count: usize,
}

impl TargetList {
    /// Checks every line of `text` (the first bad one is the error) and counts the targets.
    pub fn parse(origin: &str, text: String) -> Result<TargetList, TargetError> {
        let mut count = 0;
        for (index, raw) in text.lines().enumerate() {
            if parse_line(origin, index + 1, raw)?.is_some() {
                count += 1;
            }
        }
        Ok(TargetList {
            origin: origin.into(),
            text: text.into(),
            count,
        })
    }

    /// How many targets the list holds.
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The targets, in order, each parsed as it is asked for.
    pub fn iter(&self) -> TargetLines {
        TargetLines {
            origin: self.origin.clone(),
            text: self.text.clone(),
            at: 0,
            line: 0,
        }
    }
}

/// The targets of a run: those given as arguments, then a list's.
#[derive(Clone, Debug, Default)]
pub struct Targets {
    pub args: Vec<Target>,
    pub list: Option<TargetList>,
}

impl Targets {
    pub fn len(&self) -> usize {
        self.args.len() + self.list.as_ref().map_or(0, TargetList::len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every target in order; a list's lines are parsed as they are reached.
    pub fn iter(&self) -> impl Iterator<Item = Target> + Send + 'static {
        self.args
            .clone()
            .into_iter()
            .chain(self.list.clone().into_iter().flat_map(|list| list.iter()))
    }
}

impl From<Vec<Target>> for Targets {
    fn from(args: Vec<Target>) -> Targets {
        Targets { args, list: None }
    }
}

/// The targets of a [`TargetList`], parsed one line at a time.
pub struct TargetLines {
    origin: Arc<str>,
    text: Arc<str>,
    /// Byte offset of the next line.
    at: usize,
    /// Number of the line before it.
    line: usize,
}

impl Iterator for TargetLines {
    type Item = Target;

    fn next(&mut self) -> Option<Target> {
        while self.at < self.text.len() {
            let rest = &self.text[self.at..];
            let (raw, advance) = match rest.find('\n') {
                Some(end) => (&rest[..end], end + 1),
                None => (rest, rest.len()),
            };
            let raw = raw.strip_suffix('\r').unwrap_or(raw);
            self.at += advance;
            self.line += 1;
            // The list was checked whole when it was read: every line parses again the same.
            if let Ok(Some(target)) = parse_line(&self.origin, self.line, raw) {
                return Some(target);
            }
        }
        None
    }
}

/// One line of a target list: `None` for a blank or comment line.
fn parse_line(origin: &str, line: usize, raw: &str) -> Result<Option<Target>, TargetError> {
    let content = match raw
        .find(" #")
        .or_else(|| raw.trim_start().starts_with('#').then_some(0))
    {
        Some(at) => &raw[..at],
        None => raw,
    };
    let mut words = content.split_whitespace();
    let Some(first) = words.next() else {
        return Ok(None);
    };
    let at_line = |source: TargetError| TargetError::Line {
        origin: origin.to_string(),
        line,
        source: Box::new(source),
    };
    let syntax = |reason: String| TargetError::LineSyntax {
        origin: origin.to_string(),
        line,
        reason,
    };
    let mut target = Target::parse(first).map_err(at_line)?;
    while let Some(word) = words.next() {
        let (flag, inline) = match word.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_string())),
            _ => (word, None),
        };
        let mut value = || -> Result<String, TargetError> {
            match &inline {
                Some(value) => Ok(value.clone()),
                None => words
                    .next()
                    .map(str::to_string)
                    .ok_or_else(|| syntax(format!("{flag} needs a value"))),
            }
        };
        match flag {
            "--sni" => {
                let name = value()?;
                if rustls::pki_types::DnsName::try_from(name.as_str()).is_err() {
                    return Err(syntax(format!("--sni '{name}' is not a valid DNS name")));
                }
                target.sni = Some(name);
            }
            "--connect-to" => target
                .connect_to
                .push(ConnectTo::parse(&value()?).map_err(at_line)?),
            "--resolve" => target
                .connect_to
                .push(ConnectTo::parse_resolve(&value()?).map_err(at_line)?),
            other => {
                return Err(syntax(format!(
                    "unexpected '{other}' after the target (a line holds one target, then --sni, --connect-to or --resolve)"
                )))
            }
        }
    }
    Ok(Some(target))
}

/// A `--allow` pattern of `tlscheck serve`: the targets it may probe. `HOST` or `HOST:PORT`, where
/// `*` stands for any run of characters (dots included) and `?` for one; a pattern without a
/// port allows every port. IPv6 addresses go in brackets (`[2001:db8::1]:443`). Matched against
/// the target as asked for (its host, lower case, and its HTTPS port), before any name is
/// resolved or `--connect-to` applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetPattern {
    text: String,
    host: String,
    port: Option<String>,
}

impl TargetPattern {
    pub fn parse(input: &str) -> Result<TargetPattern, TargetError> {
        let invalid = |reason: &str| TargetError::Allow {
            input: crate::text::escaped(input),
            reason: reason.to_string(),
        };
        let text = input.trim();
        if text.is_empty() {
            return Err(invalid("the pattern is empty"));
        }
        if text.contains("://") || text.contains('/') {
            return Err(invalid("a pattern names a host and port, not a URL"));
        }
        let (host, port) = if let Some(rest) = text.strip_prefix('[') {
            let close = rest
                .find(']')
                .ok_or_else(|| invalid("missing ']' after the IPv6 address"))?;
            let inside = &rest[..close];
            // A literal address is compared in its usual form; a wildcard one as written.
            let inside = match inside.parse::<std::net::Ipv6Addr>() {
                Ok(address) => address.to_string(),
                Err(_) => inside.to_ascii_lowercase(),
            };
            let port = match &rest[close + 1..] {
                "" => None,
                after => Some(
                    after
                        .strip_prefix(':')
                        .ok_or_else(|| invalid("expected ':PORT' after the IPv6 address"))?,
                ),
            };
            (format!("[{inside}]"), port)
        } else {
            match text.matches(':').count() {
                0 => (text.to_ascii_lowercase(), None),
                1 => {
                    let (host, port) = text.split_once(':').unwrap_or((text, ""));
                    (host.to_ascii_lowercase(), Some(port))
                }
                _ => {
                    return Err(invalid(
                        "an IPv6 address goes in brackets, e.g. [2001:db8::1]:443",
                    ))
                }
            }
        };
        if host.is_empty() || host == "[]" {
            return Err(invalid("the host is empty"));
        }
        if let Some(port) = port {
            if port.is_empty()
                || !port
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '*' || c == '?')
            {
                return Err(invalid("the port must be digits, * or ?"));
            }
        }
        Ok(TargetPattern {
            text: text.to_string(),
            host,
            port: port.map(str::to_string),
        })
    }

    /// The pattern as given.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether `target` (its host and HTTPS port) is one the pattern allows.
    pub fn matches(&self, target: &Target) -> bool {
        let host = target.host.authority().to_ascii_lowercase();
        let port_matches = match &self.port {
            Some(port) => glob_matches(port.as_bytes(), target.port.to_string().as_bytes()),
            None => true,
        };
        port_matches && glob_matches(self.host.as_bytes(), host.as_bytes())
    }
}

/// Whether `text` matches `pattern`, where `*` stands for any run of bytes and `?` for one.
fn glob_matches(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    // Where the last `*` was, and the text position it now stands for up to.
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == b'?' || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                // Let the last `*` take one more byte and try again.
                Some((star_p, star_t)) => {
                    p = star_p + 1;
                    t = star_t + 1;
                    star = Some((star_p, star_t + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p.min(pattern.len())..].iter().all(|c| *c == b'*')
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
    fn locations_join_as_the_url_standard_says() {
        let base = Url::parse("http://good.test/a/b").unwrap();
        assert!(base.join("javascript:alert(1)").is_err());
        assert!(base.join("mailto:x@good.test").is_err());
        let backslash = base.join("\\\\10.11.12.13/x").unwrap();
        assert_eq!(backslash.to_string(), "http://10.11.12.13/x");
        let parsed = base.join("https://user:pw@GOOD.%74est./").unwrap();
        assert_eq!(parsed.host, Host::Name("good.test".into()));
        assert_eq!(parsed.to_string(), "https://good.test/");
        let idn = base.join("http://BÜCHER.example/").unwrap();
        assert_eq!(idn.host, Host::Name("xn--bcher-kva.example".into()));
        assert_eq!(base.join("c").unwrap().path, "/a/c");
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

    #[test]
    fn urls_join_locations_like_a_browser() {
        let base = Url::parse("http://example.com/a/b?x=1").unwrap();
        for (location, expected) in [
            ("https://example.com/", Some("https://example.com/")),
            ("//www.example.com/z", Some("http://www.example.com/z")),
            ("/root", Some("http://example.com/root")),
            ("c", Some("http://example.com/a/c")),
            ("javascript:alert(1)", None),
            ("mailto:a@example.com", None),
        ] {
            assert_eq!(
                base.join(location)
                    .ok()
                    .map(|url| url.to_string())
                    .as_deref(),
                expected,
                "{location}"
            );
        }
        // A backslash is a slash in http(s) URLs, as browsers read them.
        assert_eq!(
            base.join("\\\\10.11.12.13/x").unwrap().to_string(),
            "http://10.11.12.13/x"
        );
    }

    #[test]
    fn urls_parse_ports_and_ipv6() {
        let url = Url::parse("https://[::1]:8443/x").unwrap();
        assert_eq!(url.port, 8443);
        assert_eq!(url.authority(), "[::1]:8443");
        let url = Url::parse("HTTPS://Example.COM").unwrap();
        assert_eq!(url.to_string(), "https://example.com/");
        assert!(Url::parse("ftp://example.com/").is_err());
        assert!(Url::parse("http://example.com:99999/").is_err());
    }

    #[test]
    fn internationalised_names_become_ascii_and_bad_ipv4_is_refused() {
        assert_eq!(
            parse("bücher.example").host,
            Host::Name("xn--bcher-kva.example".into())
        );
        let error = Target::parse("999.1.1.1").unwrap_err().to_string();
        assert!(error.contains("not a valid IPv4 address"), "{error}");
    }

    fn allows(pattern: &str, target: &str) -> bool {
        TargetPattern::parse(pattern)
            .unwrap_or_else(|e| panic!("{pattern}: {e}"))
            .matches(&parse(target))
    }

    #[test]
    fn allow_patterns_match_host_and_port_with_wildcards() {
        assert!(allows("*.example.com", "www.example.com"));
        assert!(allows("*.example.com", "a.b.example.com:8443"));
        assert!(!allows("*.example.com", "example.com"));
        assert!(!allows("*.example.com", "www.example.com.evil.test"));
        assert!(allows(
            "WWW.Example.com:443",
            "https://www.example.com/login"
        ));
        assert!(!allows("www.example.com:443", "www.example.com:8443"));
        assert!(allows("www.example.com:84?3", "www.example.com:8443"));
        assert!(allows("10.0.0.*:*", "10.0.0.7:9443"));
        assert!(!allows("10.0.0.*", "10.0.1.7"));
        assert!(allows("*", "[2001:db8::1]:443"));
        assert!(allows("[2001:DB8:0::1]:443", "[2001:db8::1]"));
        assert!(!allows("[2001:db8::1]:443", "[2001:db8::2]"));
        assert!(allows("good.test:*", "good.test:1"));
        assert!(allows("a*b*c", "aXXbYYc"));
        assert!(!allows("a*b*c", "aXXbYY"));
    }

    #[test]
    fn allow_patterns_that_cannot_match_a_target_are_refused() {
        for bad in [
            "",
            "https://example.com",
            "example.com/path",
            "2001:db8::1",
            "host:",
            "host:80x",
            "[::1",
            "[::1]443",
            "[]:443",
        ] {
            let error = TargetPattern::parse(bad).expect_err(bad);
            assert!(
                error
                    .to_string()
                    .starts_with(&format!("invalid --allow '{bad}'")),
                "{error}"
            );
        }
    }
}
