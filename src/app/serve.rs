//! `tlscheck serve`: a Prometheus exporter with blackbox_exporter's multi-target pattern.
//! `/probe?target=HOST[:PORT]` scans that one target with the scan pipeline (the same probes,
//! policy and renderer as `tlscheck HOST --format prometheus`, without the target label) and
//! answers with its metrics; `/metrics` answers with the exporter's own.
//!
//! It is no open relay: a target no `--allow` pattern matches is refused with 403 before it is
//! resolved or connected to. `--max-concurrent-probes` bounds the probes running at once (503
//! beyond), Prometheus' `X-Prometheus-Scrape-Timeout-Seconds` bounds each one, and SIGTERM or
//! Ctrl-C stops accepting, lets the probes in flight finish and exits 0. The HTTP server is
//! hyper's, with no framework; the probes still open their sockets only in `probe/`.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{HeaderValue, ALLOW, CONTENT_TYPE, RETRY_AFTER};
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;

use super::{AppError, ExitCode};
use crate::cli::settings::{serve_settings, ConfigError, ServeSettings};
use crate::cli::ServeArgs;
use crate::policy::{self, Policy};
use crate::probe::connector::Connector;
use crate::report::prometheus::{
    target_metrics, Exposition, MetricType, TargetLabel, CONTENT_TYPE as METRICS_CONTENT_TYPE,
};
use crate::report::Record;
use crate::scan::scan_all;
use crate::target::Target;

/// The header Prometheus states its scrape timeout in.
pub const SCRAPE_TIMEOUT_HEADER: &str = "X-Prometheus-Scrape-Timeout-Seconds";
/// What a probe leaves of the scrape timeout for the answer to travel (blackbox_exporter's
/// default `--timeout-offset`); half the timeout when it is under a second.
pub const SCRAPE_TIMEOUT_MARGIN: Duration = Duration::from_millis(500);
/// How long a client may take to send a request's headers.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Upper bounds of the probe-duration histogram's buckets, in seconds.
const DURATION_BUCKETS: [f64; 11] = [0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0];

pub async fn run(args: ServeArgs) -> Result<ExitCode, AppError> {
    let settings = serve_settings(&args)?;
    // Before anything can be asked of us: a SIGTERM from now on is a graceful stop.
    let mut stop = StopSignals::listen().map_err(|error| ConfigError::Listen {
        value: args.listen.clone(),
        reason: format!("cannot listen for SIGTERM: {error}"),
    })?;
    let listener =
        TcpListener::bind(settings.listen)
            .await
            .map_err(|error| ConfigError::Listen {
                value: args.listen.clone(),
                reason: error.to_string(),
            })?;
    let address = listener.local_addr().unwrap_or(settings.listen);
    let patterns: Vec<&str> = settings.allow.iter().map(|p| p.as_str()).collect();
    log(&format!(
        "listening on http://{address} (/probe, /metrics); targets allowed: {}",
        patterns.join(" ")
    ));
    let grace = settings.scan.target_timeout + Duration::from_secs(1);
    let exporter = Arc::new(Exporter::new(settings));

    let (stopping, stopped) = watch::channel(false);
    let mut connections = JoinSet::new();
    let signal = loop {
        tokio::select! {
            signal = stop.next() => break signal,
            accepted = listener.accept() => {
                let (stream, _) = match accepted {
                    Ok(accepted) => accepted,
                    Err(error) => {
                        // Out of file descriptors and the like: say so, wait a little, go on.
                        log(&format!("cannot accept a connection: {error}"));
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                };
                connections.spawn(serve_connection(stream, exporter.clone(), stopped.clone()));
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    };

    // Stop accepting; let each connection finish the request it is answering, then close.
    drop(listener);
    let _ = stopping.send(true);
    log(&format!(
        "{signal}: no longer accepting; waiting for {} probe(s) in flight (at most {:.0} s)",
        exporter.in_flight.load(Ordering::Relaxed),
        grace.as_secs_f64()
    ));
    let drained = tokio::select! {
        drained = tokio::time::timeout(grace, async {
            while connections.join_next().await.is_some() {}
        }) => drained.is_ok(),
        signal = stop.next() => {
            log(&format!("{signal} again: stopping now"));
            false
        }
    };
    if !drained {
        log(&format!(
            "cutting {} connection(s) short",
            connections.len()
        ));
        connections.shutdown().await;
    }
    log("stopped");
    Ok(ExitCode::Clean)
}

/// One HTTP/1.1 connection, until it closes or, once a stop was asked for, its request is
/// answered.
async fn serve_connection(
    stream: tokio::net::TcpStream,
    exporter: Arc<Exporter>,
    mut stopped: watch::Receiver<bool>,
) {
    let service = service_fn(move |request| {
        let exporter = exporter.clone();
        async move { Ok::<_, Infallible>(exporter.handle(request).await) }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    let connection = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);
    let stop_asked = async {
        let _ = stopped.wait_for(|stop| *stop).await;
    };
    tokio::select! {
        _ = connection.as_mut() => {}
        _ = stop_asked => {
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}

/// SIGTERM and SIGINT (Ctrl-C), listened for from start-up on.
struct StopSignals {
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
}

impl StopSignals {
    fn listen() -> std::io::Result<StopSignals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Ok(StopSignals {
                terminate: signal(SignalKind::terminate())?,
                interrupt: signal(SignalKind::interrupt())?,
            })
        }
        #[cfg(not(unix))]
        Ok(StopSignals {})
    }

    /// The next stop signal's name.
    async fn next(&mut self) -> &'static str {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.terminate.recv() => "SIGTERM",
                _ = self.interrupt.recv() => "SIGINT",
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            "Ctrl-C"
        }
    }
}

/// A line on standard error.
fn log(message: &str) {
    // What a scraper sent is in some messages: no control character reaches the log raw, so
    // nobody can forge a line of it.
    let message: String = message
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect();
    eprintln!("tlscheck serve: {message}");
}

/// A logfmt value: bare when it can be, else quoted.
fn logfmt(value: &str) -> String {
    if !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_graphic() && c != '"' && c != '=')
    {
        value.to_string()
    } else {
        format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// How deep a probe scans (`module=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Module {
    /// The whole scan: protocols, suites and groups enumerated (the default).
    Full,
    /// One handshake, as `--quick`.
    Quick,
}

impl Module {
    pub fn parse(name: &str) -> Option<Module> {
        match name {
            "full" => Some(Module::Full),
            "quick" => Some(Module::Quick),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Module::Full => "full",
            Module::Quick => "quick",
        }
    }
}

/// A probe's time budget: the scrape timeout less [`SCRAPE_TIMEOUT_MARGIN`] (less half of it when
/// it is under a second), at most `limit` (`--target-timeout`); `limit` without the header.
pub fn probe_budget(header: Option<&str>, limit: Duration) -> Result<Duration, String> {
    let Some(text) = header else {
        return Ok(limit);
    };
    let seconds: f64 = text
        .trim()
        .parse()
        .ok()
        .filter(|seconds: &f64| seconds.is_finite() && *seconds > 0.0)
        .ok_or_else(|| {
            format!("{SCRAPE_TIMEOUT_HEADER} '{text}' is not a number of seconds above 0")
        })?;
    let margin = SCRAPE_TIMEOUT_MARGIN.as_secs_f64().min(seconds / 2.0);
    // Bounded before it becomes a Duration, which a huge number would overflow.
    Ok(Duration::from_secs_f64(
        (seconds - margin).min(limit.as_secs_f64()),
    ))
}

/// The exporter's own counts, for `/metrics`.
#[derive(Debug, Default)]
struct Counts {
    /// Probes by `probe_success`.
    succeeded: u64,
    failed: u64,
    /// Requests refused, by reason.
    forbidden: u64,
    overloaded: u64,
    bad_request: u64,
    /// Probe durations: per bucket of [`DURATION_BUCKETS`] (not cumulative), then the sum.
    buckets: [u64; DURATION_BUCKETS.len()],
    slower: u64,
    duration_sum: f64,
}

/// Why a request gets no probe.
enum Refusal {
    BadRequest(String),
    Forbidden(String),
    Overloaded(String),
    /// A bug: the scan gave no record.
    Internal(String),
}

struct Exporter {
    settings: ServeSettings,
    /// One connection gate for every probe: the per-address limit holds across scrapes.
    connector: Arc<Connector>,
    probes: Arc<Semaphore>,
    in_flight: AtomicUsize,
    /// `--policy`, for probes whose scrape names none.
    default_policy: Arc<Policy>,
    /// Built-in profiles named by `policy=`, compiled once.
    policies: Mutex<HashMap<String, Arc<Policy>>>,
    counts: Mutex<Counts>,
    started: std::time::SystemTime,
}

/// One probe in flight, counted while it lives.
struct InFlight<'a>(&'a AtomicUsize);

impl<'a> InFlight<'a> {
    fn start(count: &'a AtomicUsize) -> InFlight<'a> {
        count.fetch_add(1, Ordering::Relaxed);
        InFlight(count)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

fn text_response(status: StatusCode, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

fn metrics_response(body: Vec<u8>) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(METRICS_CONTENT_TYPE));
    response
}

impl Exporter {
    fn new(settings: ServeSettings) -> Exporter {
        Exporter {
            connector: Arc::new(Connector::new(
                settings.scan.max_connections,
                settings.scan.timeout,
            )),
            probes: Arc::new(Semaphore::new(settings.max_concurrent_probes)),
            in_flight: AtomicUsize::new(0),
            default_policy: Arc::new(settings.policy.clone()),
            policies: Mutex::default(),
            counts: Mutex::default(),
            started: std::time::SystemTime::now(),
            settings,
        }
    }

    fn counts(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.counts.lock().unwrap_or_else(PoisonError::into_inner)
    }

    async fn handle(&self, request: Request<Incoming>) -> Response<Full<Bytes>> {
        if request.method() != Method::GET {
            let mut response = text_response(
                StatusCode::METHOD_NOT_ALLOWED,
                "tlscheck serve answers GET only\n".into(),
            );
            response
                .headers_mut()
                .insert(ALLOW, HeaderValue::from_static("GET"));
            return response;
        }
        match request.uri().path() {
            "/probe" => match self.probe(&request).await {
                Ok(body) => metrics_response(body),
                Err(refusal) => self.refuse(refusal),
            },
            "/metrics" => metrics_response(self.own_metrics()),
            "/" => text_response(
                StatusCode::OK,
                format!(
                    "tlscheck {} exporter\n\n\
                     /probe?target=HOST[:PORT][&module=full|quick][&policy=NAME]  one target's metrics\n\
                     /metrics  the exporter's own\n",
                    env!("CARGO_PKG_VERSION")
                ),
            ),
            path => text_response(
                StatusCode::NOT_FOUND,
                format!("no such page '{path}': try /probe?target=HOST:PORT or /metrics\n"),
            ),
        }
    }

    fn refuse(&self, refusal: Refusal) -> Response<Full<Bytes>> {
        let mut counts = self.counts();
        let (status, message) = match refusal {
            Refusal::BadRequest(message) => {
                counts.bad_request += 1;
                (StatusCode::BAD_REQUEST, message)
            }
            Refusal::Forbidden(message) => {
                counts.forbidden += 1;
                (StatusCode::FORBIDDEN, message)
            }
            Refusal::Overloaded(message) => {
                counts.overloaded += 1;
                (StatusCode::SERVICE_UNAVAILABLE, message)
            }
            Refusal::Internal(message) => (StatusCode::INTERNAL_SERVER_ERROR, message),
        };
        drop(counts);
        log(&format!("refused: {message}"));
        let mut response = text_response(status, format!("{message}\n"));
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }

    /// The policy of `policy=`, or `--policy` without one.
    fn policy(&self, name: Option<&str>) -> Result<Arc<Policy>, Refusal> {
        let Some(name) = name else {
            return Ok(self.default_policy.clone());
        };
        let mut policies = self.policies.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(policy) = policies.get(name) {
            return Ok(policy.clone());
        }
        // Only names that are built-in profiles are kept, so the map stays small.
        let policy = Arc::new(self.settings.policy_named(name).map_err(|unknown| {
            Refusal::BadRequest(format!(
                "policy '{name}' is not a built-in profile or none (try: {}); a policy file is \
                 given to the exporter with --policy",
                unknown.known
            ))
        })?);
        policies.insert(name.to_string(), policy.clone());
        Ok(policy)
    }

    /// Scan the target of a `/probe` request and render its metrics.
    async fn probe(&self, request: &Request<Incoming>) -> Result<Vec<u8>, Refusal> {
        let mut parameters: HashMap<String, Vec<String>> = HashMap::new();
        for (name, value) in
            url::form_urlencoded::parse(request.uri().query().unwrap_or("").as_bytes())
        {
            parameters
                .entry(name.into_owned())
                .or_default()
                .push(value.into_owned());
        }
        let single = |name: &str| -> Result<Option<&str>, Refusal> {
            match parameters.get(name).map(Vec::as_slice) {
                None => Ok(None),
                Some([value]) => Ok(Some(value.as_str())),
                Some(_) => Err(Refusal::BadRequest(format!(
                    "give '{name}' once: one target per probe"
                ))),
            }
        };
        let input = single("target")?.ok_or_else(|| {
            Refusal::BadRequest("the target parameter is missing: /probe?target=HOST:PORT".into())
        })?;
        let target =
            Target::parse(input).map_err(|error| Refusal::BadRequest(error.to_string()))?;
        if target.http_port.is_some() {
            return Err(Refusal::BadRequest(format!(
                "target '{input}': the exporter probes TLS endpoints; give HOST:PORT or an https:// URL"
            )));
        }
        // The allowlist comes before anything that could send a packet (resolving included).
        if !self
            .settings
            .allow
            .iter()
            .any(|pattern| pattern.matches(&target))
        {
            return Err(Refusal::Forbidden(format!(
                "target '{input}' is not allowed: no --allow pattern of this exporter matches {}:{}",
                target.host.authority(),
                target.port
            )));
        }
        let module = match single("module")? {
            None => Module::Full,
            Some(name) => Module::parse(name).ok_or_else(|| {
                Refusal::BadRequest(format!("unknown module '{name}' (try: full, quick)"))
            })?,
        };
        let policy = self.policy(single("policy")?)?;
        let header = match request.headers().get(SCRAPE_TIMEOUT_HEADER) {
            None => None,
            Some(value) => Some(value.to_str().map_err(|_| {
                Refusal::BadRequest(format!("{SCRAPE_TIMEOUT_HEADER} is not text"))
            })?),
        };
        let budget =
            probe_budget(header, self.settings.scan.target_timeout).map_err(Refusal::BadRequest)?;
        let Ok(_permit) = self.probes.clone().try_acquire_owned() else {
            let limit = self.settings.max_concurrent_probes;
            return Err(Refusal::Overloaded(format!(
                "target '{input}' not probed: {limit} probe(s) already running, the most \
                 --max-concurrent-probes {limit} allows; try again later"
            )));
        };
        let _in_flight = InFlight::start(&self.in_flight);

        let started = Instant::now();
        let mut settings = self.settings.scan.clone();
        settings.target_timeout = budget;
        settings.enumerate = module == Module::Full;
        let mut records = scan_all(vec![target], Arc::new(settings), self.connector.clone());
        let Some((_, facts)) = records.recv().await else {
            return Err(Refusal::Internal(format!(
                "target '{input}': the scan ended without a record"
            )));
        };
        let assessment = policy::assess(&facts, &policy);
        let record = Record { facts, assessment };
        let body = target_metrics(std::slice::from_ref(&record), TargetLabel::Omitted).render();
        let elapsed = started.elapsed().as_secs_f64();
        let success = record
            .facts
            .connection
            .ok()
            .is_some_and(|connection| connection.by_modern_client());
        {
            let mut counts = self.counts();
            if success {
                counts.succeeded += 1;
            } else {
                counts.failed += 1;
            }
            match DURATION_BUCKETS.iter().position(|bound| elapsed <= *bound) {
                Some(bucket) => counts.buckets[bucket] += 1,
                None => counts.slower += 1,
            }
            counts.duration_sum += elapsed;
        }
        log(&format!(
            "probe target={} module={} policy={} success={} verdict={} duration_seconds={elapsed:.3} budget_seconds={:.3}",
            logfmt(input),
            module.name(),
            logfmt(&policy.name()),
            u8::from(success),
            record.assessment.verdict.name(),
            budget.as_secs_f64()
        ));
        Ok(body)
    }

    /// `/metrics`: probes by result, their durations, in flight, refusals.
    fn own_metrics(&self) -> Vec<u8> {
        let counts = self.counts();
        let mut exposition = Exposition::new();
        let probes = exposition.family(
            "tlscheck_exporter_probes_total",
            MetricType::Counter,
            "Probes run, by result: success when a TLS handshake with the target completed (probe_success 1)",
        );
        probes.sample(vec![("result", "success".into())], counts.succeeded as f64);
        probes.sample(vec![("result", "failure".into())], counts.failed as f64);
        let duration = exposition.family(
            "tlscheck_exporter_probe_duration_seconds",
            MetricType::Histogram,
            "Time from the start of a probe's scan to its metrics",
        );
        let mut cumulative = 0;
        for (bound, count) in DURATION_BUCKETS.iter().zip(counts.buckets) {
            cumulative += count;
            duration.sample_of(
                "_bucket",
                vec![("le", crate::report::prometheus::format_value(*bound))],
                cumulative as f64,
            );
        }
        let total = cumulative + counts.slower;
        duration.sample_of("_bucket", vec![("le", "+Inf".into())], total as f64);
        duration.sample_of("_sum", vec![], counts.duration_sum);
        duration.sample_of("_count", vec![], total as f64);
        exposition
            .family(
                "tlscheck_exporter_probes_in_flight",
                MetricType::Gauge,
                "Probes running now",
            )
            .sample(vec![], self.in_flight.load(Ordering::Relaxed) as f64);
        exposition
            .family(
                "tlscheck_exporter_max_concurrent_probes",
                MetricType::Gauge,
                "Probes allowed at once (--max-concurrent-probes); more get HTTP 503",
            )
            .sample(vec![], self.settings.max_concurrent_probes as f64);
        let refused = exposition.family(
            "tlscheck_exporter_requests_refused_total",
            MetricType::Counter,
            "Probe requests answered without a probe, by reason: forbidden (403, no --allow pattern matches), overloaded (503), bad_request (400)",
        );
        refused.sample(
            vec![("reason", "forbidden".into())],
            counts.forbidden as f64,
        );
        refused.sample(
            vec![("reason", "overloaded".into())],
            counts.overloaded as f64,
        );
        refused.sample(
            vec![("reason", "bad_request".into())],
            counts.bad_request as f64,
        );
        exposition
            .family(
                "tlscheck_exporter_start_time_seconds",
                MetricType::Gauge,
                "When the exporter started, in Unix seconds",
            )
            .sample(
                vec![],
                crate::facts::time::unix_seconds(self.started) as f64,
            );
        exposition
            .family(
                "tlscheck_exporter_build_info",
                MetricType::Gauge,
                "The tlscheck version the exporter runs",
            )
            .sample(vec![("version", env!("CARGO_PKG_VERSION").into())], 1.0);
        exposition.render()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_is_the_scrape_timeout_less_half_a_second_at_most_the_limit() {
        let limit = Duration::from_secs(30);
        assert_eq!(probe_budget(None, limit), Ok(limit));
        assert_eq!(
            probe_budget(Some("10"), limit),
            Ok(Duration::from_millis(9_500))
        );
        assert_eq!(
            probe_budget(Some(" 2.5 "), limit),
            Ok(Duration::from_secs(2))
        );
        assert_eq!(
            probe_budget(Some("0.6"), limit),
            Ok(Duration::from_millis(300))
        );
        assert_eq!(probe_budget(Some("120"), limit), Ok(limit));
        assert_eq!(probe_budget(Some("1e300"), limit), Ok(limit));
        for bad in ["", "soon", "0", "-1", "NaN", "inf"] {
            let error = probe_budget(Some(bad), limit).expect_err(bad);
            assert!(error.contains(SCRAPE_TIMEOUT_HEADER), "{error}");
        }
    }

    #[test]
    fn modules_are_full_and_quick() {
        assert_eq!(Module::parse("full"), Some(Module::Full));
        assert_eq!(Module::parse("quick"), Some(Module::Quick));
        assert_eq!(Module::parse("http_2xx"), None);
    }

    #[test]
    fn logfmt_quotes_only_when_needed() {
        assert_eq!(logfmt("good.test:443"), "good.test:443");
        assert_eq!(logfmt("a b"), "\"a b\"");
        assert_eq!(logfmt("say \"hi\""), "\"say \\\"hi\\\"\"");
        assert_eq!(logfmt(""), "\"\"");
    }
}
