//! HTTP findings: the plain-HTTP to HTTPS redirect and the HSTS header.

use super::{finding, fix};
use crate::facts::{Finding, HostReport, Outcome, RedirectVerdict, Severity};

/// HSTS max-age below this (180 days, as SSL Labs requires) is too short to protect returning users.
pub const HSTS_MIN_MAX_AGE: u64 = 180 * 24 * 3600;

const REDIRECT_FIX_NGINX: &str =
    "server { listen 80; server_name example.com; return 301 https://$host$request_uri; }";
const REDIRECT_FIX_APACHE: &str = "<VirtualHost *:80> ServerName example.com; Redirect permanent / https://example.com/ </VirtualHost>";
const REDIRECT_FIX_PYTHON: &str = "put nginx/Apache in front for port 80, or in Flask: @app.before_request def force_https(): if not request.is_secure: return redirect(request.url.replace('http://', 'https://', 1), code=301)";
const HSTS_FIX_NGINX: &str = "add_header Strict-Transport-Security \"max-age=63072000; includeSubDomains\" always; (in the ssl server block)";
const HSTS_FIX_APACHE: &str = "Header always set Strict-Transport-Security \"max-age=63072000; includeSubDomains\" (mod_headers, in the :443 VirtualHost)";
const HSTS_FIX_PYTHON: &str = "@app.after_request def hsts(r): r.headers['Strict-Transport-Security'] = 'max-age=63072000; includeSubDomains'; return r";

pub fn findings(report: &HostReport) -> Vec<Finding> {
    let mut findings = Vec::new();
    let redirect_fix = || fix(REDIRECT_FIX_NGINX, REDIRECT_FIX_APACHE, REDIRECT_FIX_PYTHON);
    match &report.redirect {
        Outcome::Ok(redirect) => {
            let first = redirect.hops.first();
            let last = redirect.hops.last();
            let describe = |hop: Option<&crate::facts::RedirectHop>| {
                hop.map(|h| {
                    format!(
                        "{} answered {}{}",
                        h.url,
                        h.status_code,
                        h.location
                            .as_deref()
                            .map(|l| format!(" -> {l}"))
                            .unwrap_or_default()
                    )
                })
                .unwrap_or_default()
            };
            match redirect.verdict {
                RedirectVerdict::HttpsPermanent => {}
                RedirectVerdict::HttpsTemporary => findings.push(finding(
                    "http.redirect-temporary",
                    Severity::Low,
                    "HTTP redirects to HTTPS with a temporary (302/303/307) redirect",
                    redirect
                        .hops
                        .iter()
                        .map(|h| describe(Some(h)))
                        .collect::<Vec<_>>()
                        .join("; "),
                    redirect_fix(),
                )),
                RedirectVerdict::NoRedirect => findings.push(finding(
                    "http.no-redirect",
                    Severity::Medium,
                    "Plain HTTP is served without redirecting to HTTPS",
                    describe(first),
                    redirect_fix(),
                )),
                RedirectVerdict::StaysHttp => findings.push(finding(
                    "http.redirect-to-http",
                    Severity::Medium,
                    "HTTP redirects, but never to HTTPS",
                    describe(last),
                    redirect_fix(),
                )),
                RedirectVerdict::OtherHost => findings.push(finding(
                    "http.redirect-other-host",
                    Severity::Low,
                    "HTTP redirects to another host instead of HTTPS on the same host",
                    describe(last),
                    redirect_fix(),
                )),
                RedirectVerdict::Loop => findings.push(finding(
                    "http.redirect-loop",
                    Severity::Medium,
                    "The HTTP redirects loop",
                    describe(last),
                    redirect_fix(),
                )),
                RedirectVerdict::TooManyHops => findings.push(finding(
                    "http.too-many-redirects",
                    Severity::Medium,
                    "The HTTP redirect chain is longer than browsers follow comfortably",
                    format!("{} hops; last: {}", redirect.hops.len(), describe(last)),
                    redirect_fix(),
                )),
            }
        }
        Outcome::Failed { reason } => findings.push(finding(
            "http.no-redirect",
            Severity::Low,
            "Nothing on plain HTTP redirects to HTTPS",
            format!(
                "{reason}; visitors who type the bare name get an error instead of the HTTPS site"
            ),
            redirect_fix(),
        )),
        Outcome::Skipped { .. } => {}
    }
    let hsts_fix = || fix(HSTS_FIX_NGINX, HSTS_FIX_APACHE, HSTS_FIX_PYTHON);
    if let Outcome::Ok(https) = &report.https {
        match &https.hsts {
            None => findings.push(finding(
                "hsts.missing",
                Severity::Medium,
                "No Strict-Transport-Security header: browsers may be downgraded to HTTP",
                format!("{} answered {} without HSTS", https.url, https.status_code),
                hsts_fix(),
            )),
            Some(hsts) => {
                if let Some(error) = &hsts.error {
                    findings.push(finding(
                        "hsts.invalid",
                        Severity::Medium,
                        "The Strict-Transport-Security header is invalid and browsers ignore it",
                        format!("'{}': {error}", hsts.raw),
                        hsts_fix(),
                    ));
                } else if let Some(max_age) = hsts.max_age.filter(|age| *age < HSTS_MIN_MAX_AGE) {
                    findings.push(finding(
                        "hsts.short-max-age",
                        Severity::Low,
                        if max_age == 0 {
                            "HSTS max-age=0 tells browsers to forget HSTS".to_string()
                        } else {
                            "HSTS max-age is shorter than 180 days".to_string()
                        },
                        format!("max-age={max_age} ({} days)", max_age / 86400),
                        hsts_fix(),
                    ));
                }
            }
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::*;
    use crate::probe::http::parse_hsts;

    fn report(redirect: Outcome<RedirectFacts>, hsts: Option<&str>) -> HostReport {
        HostReport {
            https: Outcome::Ok(HttpsResponseFacts {
                url: "https://example.com/".into(),
                status_code: 200,
                location: None,
                server: None,
                hsts: hsts.map(parse_hsts),
            }),
            redirect,
            ..crate::analysis::blank_report()
        }
    }

    fn redirect(statuses: &[u16], verdict: RedirectVerdict) -> Outcome<RedirectFacts> {
        Outcome::Ok(RedirectFacts {
            start_url: "http://example.com/".into(),
            hops: statuses
                .iter()
                .map(|status| RedirectHop {
                    url: "http://example.com/".into(),
                    status_code: *status,
                    location: Some("https://example.com/".into()),
                    same_host: true,
                })
                .collect(),
            verdict,
        })
    }

    fn ids(report: &HostReport) -> Vec<String> {
        findings(report).into_iter().map(|f| f.id).collect()
    }

    #[test]
    fn permanent_redirect_with_long_hsts_has_no_findings() {
        let good = report(
            redirect(&[301], RedirectVerdict::HttpsPermanent),
            Some("max-age=63072000; includeSubDomains"),
        );
        assert!(ids(&good).is_empty(), "{:?}", ids(&good));
    }

    #[test]
    fn flags_each_redirect_problem() {
        let hsts = Some("max-age=63072000");
        for (verdict, id) in [
            (RedirectVerdict::HttpsTemporary, "http.redirect-temporary"),
            (RedirectVerdict::NoRedirect, "http.no-redirect"),
            (RedirectVerdict::StaysHttp, "http.redirect-to-http"),
            (RedirectVerdict::OtherHost, "http.redirect-other-host"),
            (RedirectVerdict::Loop, "http.redirect-loop"),
            (RedirectVerdict::TooManyHops, "http.too-many-redirects"),
        ] {
            assert_eq!(ids(&report(redirect(&[302], verdict), hsts)), vec![id]);
        }
        let closed = report(
            Outcome::Failed {
                reason: "connection refused".into(),
            },
            hsts,
        );
        let found = findings(&closed);
        assert_eq!(found[0].id, "http.no-redirect");
        assert_eq!(found[0].severity, Severity::Low);
    }

    #[test]
    fn judges_hsts() {
        let permanent = || redirect(&[301], RedirectVerdict::HttpsPermanent);
        assert_eq!(ids(&report(permanent(), None)), vec!["hsts.missing"]);
        assert_eq!(
            ids(&report(permanent(), Some("max-age=3600"))),
            vec!["hsts.short-max-age"]
        );
        assert_eq!(
            ids(&report(permanent(), Some("max-age=0"))),
            vec!["hsts.short-max-age"]
        );
        assert_eq!(
            ids(&report(permanent(), Some("includeSubDomains"))),
            vec!["hsts.invalid"]
        );
        assert!(ids(&report(permanent(), Some("max-age=15552000"))).is_empty());
    }
}
