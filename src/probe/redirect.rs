//! Redirect probe: follow the plain-HTTP redirect chain from `http://HOST[:http-port]/path`
//! (hop-limited, loop-detected), recording each hop and why following stopped. Whether the
//! chain is good is the analysis' call.

use hyper::header::LOCATION;

use crate::facts::{
    ErrorKind, HostFacts, Outcome, ProbeError, RedirectEnd, RedirectFacts, RedirectHop, Skip, Step,
};
use crate::probe::connector::Session;
use crate::probe::dns::resolve;
use crate::probe::http::{get, header_text};
use crate::probe::{Measured, Probe, ProbeFuture, ProbeInput, Stage};
use crate::scan::ScanSettings;
use crate::target::{Overrides, Target, Url, DEFAULT_HTTP_PORT};

/// Redirects followed before giving up.
pub const MAX_HOPS: usize = 10;

/// The redirect check as a registered probe: independent of the TLS address.
pub struct RedirectProbe;

impl Probe for RedirectProbe {
    fn name(&self) -> &'static str {
        "redirect"
    }

    fn stage(&self) -> Stage {
        Stage::Independent
    }

    fn run<'a>(&'a self, input: &'a ProbeInput<'a>, _facts: &'a HostFacts) -> ProbeFuture<'a> {
        Box::pin(async move {
            let settings = input.settings;
            if settings.skip_http {
                return Measured::Redirect(Outcome::Skipped(Skip::NoHttp));
            }
            let start = start_url(input.target, settings);
            Measured::Redirect(
                match follow_redirects(&start, &settings.overrides_for(input.target), input.session)
                    .await
                {
                    Ok(facts) => Outcome::Ok(facts),
                    Err(error) => Outcome::Failed(error),
                },
            )
        })
    }
}

/// Where the redirect check of `target` starts: `http://HOST[:http-port]/path`.
pub fn start_url(target: &Target, settings: &ScanSettings) -> Url {
    Url {
        https: false,
        host: target.host.clone(),
        port: target
            .http_port
            .or(settings.http_port)
            .unwrap_or(DEFAULT_HTTP_PORT),
        path: target.path.clone(),
    }
}

/// Follow redirects from `start` while they stay on plain HTTP on the scanned host. Stops at the
/// first https URL on the same host (the TLS probe covers that endpoint), at another host, at a
/// non-redirect answer, on a loop, or after [`MAX_HOPS`]. The error of the first hop that got no
/// answer, with the hops before it lost: a chain that cannot be followed is unknown.
pub async fn follow_redirects(
    start: &Url,
    overrides: &Overrides,
    session: &Session,
) -> Result<RedirectFacts, ProbeError> {
    let mut hops: Vec<RedirectHop> = Vec::new();
    let mut visited = vec![start.to_string()];
    let mut current = start.clone();
    loop {
        let (status, location) = fetch_once(&current, overrides, session).await?;
        let redirects = (300..400).contains(&status) && location.is_some();
        let joined = location
            .as_deref()
            .filter(|_| redirects)
            .map(|l| current.join(l));
        let not_http = matches!(joined, Some(Err(_)));
        let next = joined.and_then(Result::ok);
        // Hosts compared as the URL standard parsed them (IDNA, percent-encoding, IPv4 forms).
        let same_host = next.as_ref().is_none_or(|n| n.host == start.host);
        hops.push(RedirectHop {
            url: current.to_string(),
            status_code: status,
            location: location.clone(),
            next: next.as_ref().map(Url::to_string),
            next_is_https: next.as_ref().is_some_and(|n| n.https),
            same_host,
        });
        let end = match &next {
            None if not_http => Some(RedirectEnd::NotHttp),
            None => Some(RedirectEnd::Answered),
            Some(_) if !same_host => Some(RedirectEnd::LeftHost),
            Some(next) if next.https => Some(RedirectEnd::ReachedHttps),
            Some(next) if visited.contains(&next.to_string()) => Some(RedirectEnd::Loop),
            Some(_) if hops.len() >= MAX_HOPS => Some(RedirectEnd::HopLimit),
            Some(_) => None,
        };
        let (None, Some(next)) = (end, next) else {
            return Ok(RedirectFacts {
                start_url: start.to_string(),
                hops,
                end: end.unwrap_or(RedirectEnd::Answered),
            });
        };
        visited.push(next.to_string());
        current = next;
    }
}

/// One plain-HTTP GET through the gate: the status and `Location` header.
async fn fetch_once(
    url: &Url,
    overrides: &Overrides,
    session: &Session,
) -> Result<(u16, Option<String>), ProbeError> {
    let addresses = resolve(overrides, &url.host, url.port, &session.step()).await?;
    let mut last_error = None;
    for address in addresses {
        let (stream, clock) = match session.connect(address).await {
            Ok(connected) => connected,
            Err(error) => {
                last_error = Some(error);
                continue;
            }
        };
        let exchange = async {
            let response = get(stream, &url.authority(), &url.path)
                .await
                .map_err(|error| error.into_probe_error(|_| None))?;
            Ok((
                response.status().as_u16(),
                header_text(&response, LOCATION)?,
            ))
        };
        return clock.run(Step::Response, exchange).await;
    }
    Err(last_error
        .unwrap_or_else(|| ProbeError::new(ErrorKind::Resolve, Step::Resolve, "no address")))
}
