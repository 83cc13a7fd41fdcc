//! Host name matching per RFC 6125 and the CA/Browser Forum rules.

use std::net::IpAddr;

/// Hostname check per RFC 6125 / CA/B: DNS SANs only (no CN fallback), wildcard only as the whole
/// left-most label and matching exactly one label, case-insensitive, trailing dot ignored; IP literal
/// (v4 or v6) matches only IP SANs.
pub fn hostname_matches(name: &str, dns_names: &[String], ip_addresses: &[String]) -> bool {
    let literal = name
        .strip_prefix('[')
        .and_then(|inner| inner.strip_suffix(']'))
        .unwrap_or(name);
    if let Ok(ip) = literal.parse::<IpAddr>() {
        return ip_addresses
            .iter()
            .any(|san| san.parse::<IpAddr>() == Ok(ip));
    }
    let name = normalise_dns_name(name);
    if name.is_empty() || name.contains('*') {
        return false;
    }
    dns_names
        .iter()
        .any(|san| dns_name_matches(&name, &normalise_dns_name(san)))
}

pub(crate) fn normalise_dns_name(name: &str) -> String {
    name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase()
}

/// `name` and `pattern` are normalised (lower case, no trailing dot).
fn dns_name_matches(name: &str, pattern: &str) -> bool {
    match pattern.strip_prefix("*.") {
        // The wildcard must stand for exactly one non-empty label, and must not sit directly on a
        // single label (`*.com`).
        Some(parent) => {
            !parent.contains('*')
                && parent.contains('.')
                && name
                    .split_once('.')
                    .is_some_and(|(label, rest)| !label.is_empty() && rest == parent)
        }
        None => !pattern.contains('*') && !pattern.is_empty() && name == pattern,
    }
}
