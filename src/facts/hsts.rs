//! A `Strict-Transport-Security` header, parsed (RFC 6797 section 6.1): directives separated by
//! `;`, names case-insensitive, `max-age` required and a number (optionally quoted), no
//! directive twice.

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HstsFacts {
    pub raw: String,
    pub max_age: Option<u64>,
    pub include_subdomains: bool,
    pub preload: bool,
    /// Why browsers ignore the header, when they do.
    pub error: Option<HstsError>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HstsError {
    /// A directive appears more than once (its name, lower case).
    Repeated(String),
    /// `max-age` is not a number of seconds (the value given).
    MaxAgeNotANumber(String),
    /// `max-age` has no value.
    MaxAgeEmpty,
    /// There is no `max-age` directive.
    MaxAgeMissing,
}

/// Parse a header value; an invalid header still yields what could be read, with the error.
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
            facts.error = Some(HstsError::Repeated(name));
            continue;
        }
        seen.push(name.clone());
        match (name.as_str(), value) {
            ("max-age", Some(value)) => match value.trim_matches('"').parse::<u64>() {
                Ok(seconds) => facts.max_age = Some(seconds),
                Err(_) => facts.error = Some(HstsError::MaxAgeNotANumber(value.to_string())),
            },
            ("max-age", None) => facts.error = Some(HstsError::MaxAgeEmpty),
            ("includesubdomains", _) => facts.include_subdomains = true,
            ("preload", _) => facts.preload = true,
            _ => {}
        }
    }
    if facts.max_age.is_none() && facts.error.is_none() {
        facts.error = Some(HstsError::MaxAgeMissing);
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
        assert_eq!(
            parse_hsts("includeSubDomains").error,
            Some(HstsError::MaxAgeMissing)
        );
        assert_eq!(
            parse_hsts("max-age=abc").error,
            Some(HstsError::MaxAgeNotANumber("abc".into()))
        );
        assert_eq!(
            parse_hsts("max-age=1; max-age=2").error,
            Some(HstsError::Repeated("max-age".into()))
        );
    }
}
