//! HTTP findings: the plain-HTTP to HTTPS redirect and the HSTS header.

use super::catalog::{FindingId, Severity, Subject};
use super::Finding;
use crate::facts::{
    ErrorKind, HostFacts, HstsError, Outcome, RedirectEnd, RedirectFacts, RedirectHop,
};

/// HSTS max-age below this (180 days, as SSL Labs requires) is too short to protect returning users.
pub const HSTS_MIN_MAX_AGE: u64 = 180 * 24 * 3600;

/// What a redirect chain amounts to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RedirectVerdict {
    /// Reaches https on the same host with 301 or 308 only.
    HttpsPermanent,
    /// Reaches https on the same host, but with at least one 302, 303 or 307.
    HttpsTemporary,
    /// Leaves for another host.
    OtherHost,
    /// Answers over plain HTTP without redirecting.
    NoRedirect,
    /// Redirects, but only to other plain-HTTP URLs and never reaches https.
    StaysHttp,
    /// Redirects back to a URL already visited.
    Loop,
    /// More hops than the limit.
    TooManyHops,
    /// Redirects to something that is no http(s) URL (`javascript:`, `mailto:`, garbage).
    NotHttp,
}

impl RedirectVerdict {
    /// Stable machine name, as in the JSON report.
    pub fn name(self) -> &'static str {
        match self {
            RedirectVerdict::HttpsPermanent => "https-permanent",
            RedirectVerdict::HttpsTemporary => "https-temporary",
            RedirectVerdict::OtherHost => "other-host",
            RedirectVerdict::NoRedirect => "no-redirect",
            RedirectVerdict::StaysHttp => "stays-http",
            RedirectVerdict::Loop => "loop",
            RedirectVerdict::TooManyHops => "too-many-hops",
            RedirectVerdict::NotHttp => "not-http",
        }
    }

    /// In words, for a report.
    pub fn text(self) -> &'static str {
        match self {
            RedirectVerdict::HttpsPermanent => "permanent redirect to HTTPS",
            RedirectVerdict::HttpsTemporary => "temporary redirect to HTTPS",
            RedirectVerdict::OtherHost => "redirects to another host",
            RedirectVerdict::NoRedirect => "no redirect to HTTPS",
            RedirectVerdict::StaysHttp => "redirects, but stays on HTTP",
            RedirectVerdict::Loop => "redirect loop",
            RedirectVerdict::TooManyHops => "too many redirects",
            RedirectVerdict::NotHttp => "redirects to a non-HTTP URL",
        }
    }
}

/// The verdict on a redirect chain, from its hops and why following stopped.
pub fn redirect_verdict(redirect: &RedirectFacts) -> RedirectVerdict {
    match redirect.end {
        RedirectEnd::Answered if redirect.hops.len() <= 1 => RedirectVerdict::NoRedirect,
        RedirectEnd::Answered => RedirectVerdict::StaysHttp,
        RedirectEnd::LeftHost => RedirectVerdict::OtherHost,
        RedirectEnd::Loop => RedirectVerdict::Loop,
        RedirectEnd::HopLimit => RedirectVerdict::TooManyHops,
        RedirectEnd::NotHttp => RedirectVerdict::NotHttp,
        RedirectEnd::ReachedHttps => {
            if redirect
                .hops
                .iter()
                .all(|hop| matches!(hop.status_code, 301 | 308))
            {
                RedirectVerdict::HttpsPermanent
            } else {
                RedirectVerdict::HttpsTemporary
            }
        }
    }
}

fn describe_hop(hop: Option<&RedirectHop>) -> String {
    hop.map(|h| {
        format!(
            "{} answered {}{}",
            h.url,
            h.status_code,
            h.location
                .as_deref()
                .map(|l| format!(" -> {}", crate::text::escaped(l)))
                .unwrap_or_default()
        )
    })
    .unwrap_or_default()
}

pub fn findings(facts: &HostFacts, name: &str) -> Vec<Finding> {
    let mut found = Vec::new();
    let redirect_finding =
        |id, evidence: String| Finding::new(id, vec![Subject::Redirect], evidence, name);
    match &facts.redirect {
        Outcome::Ok(redirect) => {
            let first = redirect.hops.first();
            let last = redirect.hops.last();
            match redirect_verdict(redirect) {
                RedirectVerdict::HttpsPermanent => {}
                RedirectVerdict::HttpsTemporary => found.push(redirect_finding(
                    FindingId::HttpRedirectTemporary,
                    redirect
                        .hops
                        .iter()
                        .map(|h| describe_hop(Some(h)))
                        .collect::<Vec<_>>()
                        .join("; "),
                )),
                RedirectVerdict::NoRedirect => found.push(redirect_finding(
                    FindingId::HttpNoRedirect,
                    describe_hop(first),
                )),
                // Not a redirect a browser can follow to HTTPS: no redirect, in effect.
                RedirectVerdict::NotHttp => found.push(redirect_finding(
                    FindingId::HttpNoRedirect,
                    format!(
                        "{} (a redirect to a non-HTTP URL, not followed)",
                        describe_hop(last)
                    ),
                )),
                RedirectVerdict::StaysHttp => found.push(redirect_finding(
                    FindingId::HttpRedirectToHttp,
                    describe_hop(last),
                )),
                RedirectVerdict::OtherHost => found.push(redirect_finding(
                    FindingId::HttpRedirectOtherHost,
                    describe_hop(last),
                )),
                RedirectVerdict::Loop => found.push(redirect_finding(
                    FindingId::HttpRedirectLoop,
                    describe_hop(last),
                )),
                RedirectVerdict::TooManyHops => found.push(redirect_finding(
                    FindingId::HttpTooManyRedirects,
                    format!("{} hops; last: {}", redirect.hops.len(), describe_hop(last)),
                )),
            }
        }
        // Nothing listens on plain HTTP: a definite answer. A timeout or a reset is not.
        Outcome::Failed(error) if error.kind == ErrorKind::Refused => found.push(
            redirect_finding(
                FindingId::HttpNoRedirect,
                format!(
                    "{}: {}; visitors who type the bare name get an error instead of the HTTPS site",
                    redirect_start(facts),
                    super::describe::error(error)
                ),
            )
            .at(Severity::Low),
        ),
        Outcome::Failed(_) | Outcome::Skipped(_) => {}
    }
    let hsts_finding = |id, evidence: String| Finding::new(id, vec![Subject::Hsts], evidence, name);
    if let Outcome::Ok(https) = &facts.https {
        match &https.hsts {
            None => found.push(hsts_finding(
                FindingId::HstsMissing,
                format!("{} answered {} without HSTS", https.url, https.status_code),
            )),
            Some(hsts) => {
                if let Some(error) = &hsts.error {
                    found.push(hsts_finding(
                        FindingId::HstsInvalid,
                        format!(
                            "'{}': {}",
                            crate::text::escaped(&hsts.raw),
                            hsts_error(error)
                        ),
                    ));
                } else if let Some(max_age) = hsts.max_age.filter(|age| *age < HSTS_MIN_MAX_AGE) {
                    let note = if max_age == 0 {
                        " (max-age=0 tells browsers to forget HSTS)"
                    } else {
                        ""
                    };
                    found.push(hsts_finding(
                        FindingId::HstsShortMaxAge,
                        format!("max-age={max_age} ({} days){note}", max_age / 86400),
                    ));
                }
            }
        }
    }
    found
}

/// The URL the redirect check started from.
fn redirect_start(facts: &HostFacts) -> &str {
    facts.target.http_url.as_deref().unwrap_or("plain HTTP")
}

/// Why browsers ignore an HSTS header, in words.
pub fn hsts_error(error: &HstsError) -> String {
    match error {
        HstsError::Repeated(name) => format!("directive '{name}' appears more than once"),
        HstsError::MaxAgeNotANumber(value) => {
            format!("max-age '{value}' is not a number of seconds")
        }
        HstsError::MaxAgeEmpty => "max-age has no value".into(),
        HstsError::MaxAgeMissing => "the required max-age directive is missing".into(),
    }
}
