//! Scheduler: runs the probes for each target within its time budget and assembles its facts.
//! It only schedules and assembles: probes measure, `analysis` and `policy` judge. Every target
//! yields exactly one [`HostFacts`] record, sent as soon as it is complete; a failing or
//! panicking probe becomes data in it, never a lost record.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use tokio::sync::{mpsc, Semaphore};

use crate::facts::time::unix_seconds;
use crate::facts::{
    ChainFacts, ErrorKind, HostFacts, HostnameFacts, Outcome, ProbeError, Skip, Step, TargetFacts,
    TrustFacts,
};
use crate::probe::connector::{Connector, Session, DEFAULT_MAX_CONNECTIONS};
use crate::probe::dns::resolve;
use crate::probe::enumerate::Enumeration;
use crate::probe::handshake::{self, HandshakeRecord, HandshakeRequest, HandshakeSettings};
use crate::probe::{join_all, registry, Measured, Probe, ProbeInput, Stage};
use crate::target::{Overrides, Target};
use crate::x509::chain::{analyse_chain, reaches_anchor};
use crate::x509::trust::{TrustError, TrustStore};

/// How to scan, apart from what to trust and which identity to present.
#[derive(Clone, Debug)]
pub struct ScanOptions {
    /// Each network step (`--timeout`).
    pub timeout: Duration,
    /// Each target as a whole (`--target-timeout`).
    pub target_timeout: Duration,
    /// `--sni`: the name to send instead of the target's host.
    pub sni: Option<String>,
    pub overrides: Overrides,
    /// `--http-port`; an `http://host:port` target's port wins.
    pub http_port: Option<u16>,
    /// Skip the plain-HTTP redirect check.
    pub skip_http: bool,
    /// Targets scanned at once.
    pub concurrency: usize,
    /// Enumerate protocols, suites and groups with our own ClientHellos (off with `--quick`).
    pub enumerate: bool,
    /// Connections at once to one server address, across all probes and targets.
    pub max_connections: usize,
    /// `--all-ips`: scan every address of a name, not only the first.
    pub all_ips: bool,
}

/// Seconds allowed for each network step unless `--timeout` says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Seconds allowed for each target unless `--target-timeout` says otherwise.
pub const DEFAULT_TARGET_TIMEOUT: Duration = Duration::from_secs(120);

impl Default for ScanOptions {
    fn default() -> ScanOptions {
        ScanOptions {
            timeout: DEFAULT_TIMEOUT,
            target_timeout: DEFAULT_TARGET_TIMEOUT,
            sni: None,
            overrides: Overrides::default(),
            http_port: None,
            skip_http: false,
            concurrency: 16,
            enumerate: true,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            all_ips: false,
        }
    }
}

/// Everything a scan needs besides the targets. Built by [`ScanSettings::new`] only, for the
/// command line and the demo alike.
#[derive(Clone, Debug)]
pub struct ScanSettings {
    pub timeout: Duration,
    pub target_timeout: Duration,
    pub sni: Option<String>,
    pub overrides: Overrides,
    pub trust: TrustStore,
    pub handshake: HandshakeSettings,
    pub http_port: Option<u16>,
    pub skip_http: bool,
    pub concurrency: usize,
    pub enumerate: bool,
    pub max_connections: usize,
    pub all_ips: bool,
}

impl ScanSettings {
    /// The address overrides for `target`: its own (from a target list) before the global ones.
    pub fn overrides_for(&self, target: &Target) -> Overrides {
        self.overrides.with_first(&target.connect_to)
    }

    pub fn new(
        options: ScanOptions,
        trust: TrustStore,
        client_identity: Option<Arc<rustls::sign::CertifiedKey>>,
    ) -> Result<ScanSettings, TrustError> {
        let provider = handshake::provider();
        Ok(ScanSettings {
            handshake: HandshakeSettings {
                verifier: trust.verifier(provider.clone())?,
                provider,
                client_identity,
            },
            trust,
            timeout: options.timeout,
            target_timeout: options.target_timeout,
            sni: options.sni,
            overrides: options.overrides,
            http_port: options.http_port,
            skip_http: options.skip_http,
            concurrency: options.concurrency.max(1),
            enumerate: options.enumerate,
            max_connections: options.max_connections.max(1),
            all_ips: options.all_ips,
        })
    }

    /// The name to send for `sni` (or the IP literal of `address` when there is none).
    pub fn server_name(&self, sni: Option<&str>, address: SocketAddr) -> ServerName<'static> {
        sni.and_then(|name| ServerName::try_from(name.to_string()).ok())
            .unwrap_or_else(|| ServerName::IpAddress(address.ip().into()))
    }
}

/// With `--all-ips`: each target whose name has several addresses becomes one target per
/// address (its input followed by the address, the address pinned for its port), with the index
/// of its group, so the records of one name can be compared. Targets with one address, or none
/// (their scan reports why), stay as they are, without a group.
pub async fn expand_addresses(
    targets: Vec<Target>,
    settings: &ScanSettings,
    connector: &Arc<Connector>,
) -> Vec<(Target, Option<usize>)> {
    let mut expanded = Vec::new();
    let mut groups = 0;
    for target in targets {
        let session = connector.session(tokio::time::Instant::now() + settings.timeout);
        let addresses = resolve(
            &settings.overrides_for(&target),
            &target.host,
            target.port,
            &session.step(),
        )
        .await
        .unwrap_or_default();
        if addresses.len() < 2 {
            expanded.push((target, None));
            continue;
        }
        for address in addresses {
            let mut one = target.clone();
            one.input = format!("{} ({})", target.input, address.ip());
            one.connect_to.insert(
                0,
                crate::target::ConnectTo {
                    host: Some(target.host.to_string()),
                    port: Some(target.port),
                    to_host: Some(crate::target::Host::Ip(address.ip())),
                    to_port: Some(address.port()),
                    resolve: false,
                },
            );
            expanded.push((one, Some(groups)));
        }
        groups += 1;
    }
    expanded
}

/// Scan every target, at most `settings.concurrency` at once. Each record is sent with the index
/// of its target as soon as it is complete; the channel closes after the last one.
pub fn scan_all(
    targets: Vec<Target>,
    settings: Arc<ScanSettings>,
    connector: Arc<Connector>,
) -> mpsc::UnboundedReceiver<(usize, HostFacts)> {
    scan_all_until(
        targets.into_iter().enumerate(),
        settings,
        connector,
        Arc::new(AtomicBool::new(false)),
    )
}

/// [`scan_all`], starting no new target once `stop` is set (an interrupted run). A target is
/// started only when a slot is free, so at most `settings.concurrency` scans exist at once
/// however long the list.
///
/// `targets` yields each target with the index its record is sent with; it is asked for the next
/// one only once a slot is free, so a lazily made list is never held whole.
pub fn scan_all_until(
    mut targets: impl Iterator<Item = (usize, Target)> + Send + 'static,
    settings: Arc<ScanSettings>,
    connector: Arc<Connector>,
    stop: Arc<AtomicBool>,
) -> mpsc::UnboundedReceiver<(usize, HostFacts)> {
    let (sender, receiver) = mpsc::unbounded_channel();
    let limit = Arc::new(Semaphore::new(settings.concurrency));
    let probes: Arc<Vec<Box<dyn Probe>>> = Arc::new(registry());
    tokio::spawn(async move {
        loop {
            let Ok(slot) = limit.clone().acquire_owned().await else {
                return;
            };
            if stop.load(Ordering::SeqCst) {
                return;
            }
            let Some((index, target)) = targets.next() else {
                return;
            };
            let settings = settings.clone();
            let connector = connector.clone();
            let probes = probes.clone();
            let sender = sender.clone();
            tokio::spawn(async move {
                let _slot = slot;
                let input = target.input.clone();
                let budget = settings.target_timeout;
                // The scan runs in a task of its own so that a panic in a probe (a bug) still
                // yields a record for the target.
                let scan = tokio::spawn(async move {
                    scan_target(&target, &settings, &connector, &probes).await
                });
                // Every step is bounded by the budget; this only catches a step that is not.
                let facts = match tokio::time::timeout(budget + Duration::from_secs(5), scan).await
                {
                    Ok(Ok(facts)) => facts,
                    Ok(Err(error)) => failed_record(
                        &input,
                        budget,
                        ProbeError::new(ErrorKind::Internal, Step::Connect, error.to_string()),
                    ),
                    Err(_) => failed_record(
                        &input,
                        budget,
                        ProbeError::new(ErrorKind::Budget, Step::Connect, ""),
                    ),
                };
                let _ = sender.send((index, facts));
            });
        }
    });
    receiver
}

/// The record of a target whose scan task itself failed.
fn failed_record(input: &str, budget: Duration, error: ProbeError) -> HostFacts {
    let target = match Target::parse(input) {
        Ok(target) => target_facts(&target, None, None),
        Err(_) => TargetFacts {
            input: input.to_string(),
            host: input.to_string(),
            port: 0,
            sni: None,
            path: "/".into(),
            http_url: None,
            addresses: vec![],
            connected_to: None,
        },
    };
    let mut facts = HostFacts::unscanned(target, unix_seconds(SystemTime::now()), budget);
    facts.mark_unreachable(error);
    facts.redirect = Outcome::Skipped(Skip::NotReached);
    facts
}

fn target_facts(target: &Target, sni: Option<String>, http_url: Option<String>) -> TargetFacts {
    TargetFacts {
        input: target.input.clone(),
        host: target.host.to_string(),
        port: target.port,
        sni,
        path: target.path.clone(),
        http_url,
        addresses: vec![],
        connected_to: None,
    }
}

/// One target's scan in progress: what every stage's probes are given.
struct TargetScan<'a> {
    target: &'a Target,
    settings: &'a ScanSettings,
    session: Session,
    sni: Option<&'a str>,
    probes: &'a [Box<dyn Probe>],
}

impl TargetScan<'_> {
    /// Run the registered probes of `stages` at once against `address`; their measurements in
    /// registry order.
    async fn measure(
        &self,
        stages: &[Stage],
        address: SocketAddr,
        handshake: Option<&HandshakeRecord>,
        facts: &HostFacts,
    ) -> Vec<Measured> {
        let input = ProbeInput {
            target: self.target,
            settings: self.settings,
            session: &self.session,
            sni: self.sni,
            address,
            handshake,
        };
        let input = &input;
        join_all(
            self.probes
                .iter()
                .filter(|probe| stages.contains(&probe.stage()))
                .map(|probe| probe.run(input, facts)),
        )
        .await
    }

    /// [`TargetScan::measure`], recording the facts; the raw handshake's chain, when a probe
    /// read one, goes to `chain`.
    async fn record(
        &self,
        stages: &[Stage],
        address: SocketAddr,
        handshake: Option<&HandshakeRecord>,
        facts: &mut HostFacts,
        chain: &mut Option<Vec<Vec<u8>>>,
    ) {
        for measurement in self.measure(stages, address, handshake, facts).await {
            keep_chain(&measurement, chain);
            measurement.record(facts);
        }
    }

    /// The handshake probe on each address in turn until one accepts TCP.
    async fn handshake(&self, addresses: &[SocketAddr]) -> Result<HandshakeRecord, ProbeError> {
        let mut last_error = None;
        for address in addresses {
            let request = HandshakeRequest {
                address: *address,
                server_name: self.settings.server_name(self.sni, *address),
                authority: self.target.authority(),
                path: self.target.path.clone(),
                present_identity: true,
            };
            match handshake_with_retry(&request, self.settings, &self.session).await {
                Ok(found) => return Ok(found),
                Err(error) => last_error = Some(error),
            }
        }
        Err(last_error.unwrap_or_else(|| ProbeError::new(ErrorKind::Resolve, Step::Resolve, "")))
    }
}

/// Scan one target: resolve, then the handshake beside the other probes, then the probes that
/// need the handshake, then the chain facts.
pub async fn scan_target(
    target: &Target,
    settings: &ScanSettings,
    connector: &Arc<Connector>,
    probes: &[Box<dyn Probe>],
) -> HostFacts {
    let started = Instant::now();
    let now = unix_seconds(SystemTime::now());
    let sni = target
        .sni
        .clone()
        .or_else(|| settings.sni.clone())
        .or_else(|| target.server_name().map(str::to_string));
    let http_url = (!settings.skip_http)
        .then(|| crate::probe::redirect::start_url(target, settings).to_string());
    let mut facts = HostFacts::unscanned(
        target_facts(target, sni.clone(), http_url),
        now,
        settings.target_timeout,
    );
    let scan = TargetScan {
        target,
        settings,
        session: connector.session(tokio::time::Instant::now() + settings.target_timeout),
        sni: sni.as_deref(),
        probes,
    };
    let mut chain = None;

    let addresses = match resolve(
        &settings.overrides_for(target),
        &target.host,
        target.port,
        &scan.session.step(),
    )
    .await
    {
        Ok(addresses) => addresses,
        Err(error) => {
            facts.mark_unreachable(error);
            let nowhere = SocketAddr::from(([0, 0, 0, 0], target.port));
            scan.record(&[Stage::Independent], nowhere, None, &mut facts, &mut chain)
                .await;
            facts.duration = started.elapsed();
            return facts;
        }
    };
    facts.target.addresses = addresses.iter().map(SocketAddr::ip).collect();
    let first = addresses[0];

    // The handshake tries each address until one accepts TCP; the first that does is the one
    // scanned. The address-bound probes start at once on the first address.
    let (record, measured) = tokio::join!(
        scan.handshake(&addresses),
        scan.measure(
            &[Stage::BesideHandshake, Stage::Independent],
            first,
            None,
            &facts
        )
    );
    for measurement in measured {
        keep_chain(&measurement, &mut chain);
        measurement.record(&mut facts);
    }
    let record = match record {
        Ok(record) => record,
        Err(error) => {
            let redirect = facts.redirect.clone();
            facts.mark_unreachable(same_class(error));
            facts.redirect = redirect;
            facts.duration = started.elapsed();
            return facts;
        }
    };
    facts.target.connected_to = Some(record.connected_to);
    if record.connected_to != first {
        // The first address did not answer: measure the one that did.
        scan.record(
            &[Stage::BesideHandshake],
            record.connected_to,
            None,
            &mut facts,
            &mut chain,
        )
        .await;
    }
    facts.connection = match &record.connection {
        Ok(connection) => Outcome::Ok(connection.clone()),
        Err(error) => Outcome::Failed(error.clone()),
    };
    facts.https = match &record.https {
        None => Outcome::Skipped(Skip::NoTlsConnection),
        Some(Ok(https)) => Outcome::Ok(https.clone()),
        Some(Err(error)) => Outcome::Failed(error.clone()),
    };
    let hostname = scan
        .sni
        .map(str::to_string)
        .unwrap_or_else(|| target.host.to_string());
    facts.chain = if record.verifier.chain.is_empty() {
        // rustls got no certificate (e.g. a TLS 1.0-only server): use the raw handshake's.
        chain.and_then(|chain| {
            raw_chain_facts(
                &chain,
                &settings.server_name(scan.sni, record.connected_to),
                settings,
                &hostname,
                now,
            )
        })
    } else {
        let presented: Vec<Vec<u8>> = record
            .verifier
            .chain
            .iter()
            .map(|c| c.as_ref().to_vec())
            .collect();
        chain_facts(
            &presented,
            record.verifier.trust_error.clone(),
            settings,
            &hostname,
            now,
        )
    };
    if let Some(error) = no_tls_answer(&facts) {
        // Accepted TCP, then no TLS answer to any probe: the target could not be scanned.
        facts.connection = Outcome::Failed(error.clone());
        facts.unreachable = Some(error);
    }
    let mut unused = None;
    scan.record(
        &[Stage::AfterHandshake],
        record.connected_to,
        Some(&record),
        &mut facts,
        &mut unused,
    )
    .await;
    facts.duration = started.elapsed();
    facts
}

/// Why the target could not be scanned as TLS, when it could not: no handshake got far enough
/// to judge — the modern handshake failed without a ServerHello rustls could judge, and no
/// enumeration probe got a ServerHello (of any version) or an SSLv2 SERVER-HELLO, or one did
/// but the handshake broke off (timeout, reset, malformed) and no probe read a certificate
/// chain (a server that answers every hello with an alert is refused by every client: it is
/// named by that alert). The class is the same on every run against the same server: every probe's
/// failure is weighed, in a fixed order (an alert, not TLS, malformed, a limit of tlscheck's,
/// closed or reset, a timeout, the budget), so which probe
/// happens to finish first never decides it; a reset and a close without any reply are one
/// class, since which of the two a client sees depends on a race with the server's kernel.
fn no_tls_answer(facts: &HostFacts) -> Option<ProbeError> {
    use crate::facts::{Reply, Support};
    let Outcome::Failed(handshake) = &facts.connection else {
        return None;
    };
    // A ServerHello choosing what rustls does not do is a TLS answer to judge.
    if handshake.kind == ErrorKind::Protocol {
        return None;
    }
    let enumeration = facts.enumeration.ok();
    // An alert is a TLS answer; without the enumeration (--quick) it is all there is to judge.
    if matches!(handshake.kind, ErrorKind::Alert(_)) && enumeration.is_none() {
        return None;
    }
    // A definite refusal by a TLS server, beside a ServerHello some probe got, is a server to
    // judge (a legacy or anonymous-only one, say), and so is one that only went past a limit of
    // tlscheck's own (a huge chain); a handshake broken or cut short is judged only when some
    // probe read the certificate chain too.
    let refusal = matches!(handshake.kind, ErrorKind::Alert(_))
        || (handshake.kind == ErrorKind::Closed && !handshake.after_server_hello());
    let judgeable = refusal || handshake.kind == ErrorKind::TooLarge || facts.chain.is_some();
    let mut errors = vec![handshake.clone()];
    if let Some(enumeration) = enumeration {
        for protocol in &enumeration.protocols {
            match &protocol.support {
                Support::Accepted(_) if judgeable => return None,
                Support::Accepted(_) => {}
                Support::Refused(Reply::Alert(code)) => errors.push(ProbeError::new(
                    ErrorKind::Alert(*code),
                    Step::ServerHello,
                    "",
                )),
                Support::Refused(Reply::NotTls(kind)) => errors.push(ProbeError::new(
                    ErrorKind::NotTls(*kind),
                    Step::ServerHello,
                    "",
                )),
                Support::Refused(Reply::Closed) => {
                    errors.push(ProbeError::new(ErrorKind::Closed, Step::ServerHello, ""))
                }
                // A ServerHello of a lower version, an SSLv2 SERVER-HELLO: something to judge.
                Support::Refused(Reply::LowerVersion(_) | Reply::Sslv2ServerHello { .. })
                    if judgeable =>
                {
                    return None
                }
                // A HelloRetryRequest or an SSLv2 error: TLS spoken, but nothing judged yet.
                Support::Refused(_) => {}
                Support::Unknown(error) => errors.push(error.clone()),
            }
        }
    }
    // The handshake's own error when it says what went wrong (it has the most exact step and
    // detail); when it saw nothing (silence, a reset or a close before any reply), every
    // probe's failure is weighed.
    let informative = handshake.after_server_hello()
        || matches!(
            handshake.kind,
            ErrorKind::Alert(_) | ErrorKind::NotTls(_) | ErrorKind::Malformed | ErrorKind::TooLarge
        );
    if informative {
        return Some(same_class(handshake.clone()));
    }
    let rank = |error: &ProbeError| match error.kind {
        ErrorKind::Alert(_) => 0,
        ErrorKind::NotTls(_) => 1,
        ErrorKind::Malformed => 2,
        ErrorKind::TooLarge => 3,
        ErrorKind::Reset | ErrorKind::Closed => 4,
        ErrorKind::Timeout(_) => 5,
        ErrorKind::Budget => 6,
        _ => 7,
    };
    // The handshake's own error first among equals.
    let best = errors.iter().min_by_key(|error| rank(error))?.clone();
    let chosen = if rank(handshake) == rank(&best) {
        handshake.clone()
    } else {
        best
    };
    Some(same_class(chosen))
}

/// A failure of a target as its class: a reset or a close before any reply is one class,
/// whether the reset came before `connect()` returned or after; an enumeration's exchange
/// failed waiting for the ServerHello.
fn same_class(error: ProbeError) -> ProbeError {
    match error.kind {
        ErrorKind::Closed | ErrorKind::Reset if !error.after_server_hello() => {
            ProbeError::new(ErrorKind::Reset, Step::ServerHello, "")
        }
        _ if error.step == Step::Handshake => ProbeError {
            step: Step::ServerHello,
            ..error
        },
        _ => error,
    }
}

/// The handshake probe, once more when the server reset the connection.
async fn handshake_with_retry(
    request: &HandshakeRequest,
    settings: &ScanSettings,
    session: &Session,
) -> Result<HandshakeRecord, ProbeError> {
    let first = handshake::probe(request, &settings.handshake, session).await;
    let reset = match &first {
        Err(error) => error.kind == ErrorKind::Reset,
        Ok(record) => matches!(&record.connection, Err(error) if error.kind == ErrorKind::Reset),
    };
    if reset {
        handshake::probe(request, &settings.handshake, session).await
    } else {
        first
    }
}

fn keep_chain(measurement: &Measured, chain: &mut Option<Vec<Vec<u8>>>) {
    if let Measured::Enumeration(Outcome::Ok(found)) = measurement {
        let found: &Enumeration = found;
        if found.chain.is_some() {
            chain.clone_from(&found.chain);
        }
    }
}

/// Chain facts for a chain read by the raw prober, judged by the same verifier.
fn raw_chain_facts(
    chain: &[Vec<u8>],
    server_name: &ServerName<'static>,
    settings: &ScanSettings,
    hostname: &str,
    now: i64,
) -> Option<ChainFacts> {
    let certificates: Vec<CertificateDer<'_>> = chain
        .iter()
        .map(|der| CertificateDer::from(der.as_slice()))
        .collect();
    let (end_entity, intermediates) = certificates.split_first()?;
    let time = UnixTime::since_unix_epoch(Duration::from_secs(u64::try_from(now).ok()?));
    let trust_error = handshake::chain_trust_error(
        &settings.handshake.verifier,
        end_entity,
        intermediates,
        server_name,
        time,
    );
    chain_facts(chain, trust_error, settings, hostname, now)
}

/// Facts for a chain as presented (DER, leaf first), given the verifier's trust verdict.
fn chain_facts(
    presented: &[Vec<u8>],
    trust_failure: Option<crate::facts::CertificateFailure>,
    settings: &ScanSettings,
    hostname: &str,
    now: i64,
) -> Option<ChainFacts> {
    if presented.is_empty() {
        return None;
    }
    let trusted = trust_failure.is_none();
    let trust = TrustFacts {
        trusted,
        publicly_trusted: trusted
            && !reaches_anchor(presented, &settings.trust.configured_subjects()),
        store: settings.trust.label.clone(),
        failure: trust_failure,
    };
    let anchors = settings.trust.anchor_subjects();
    match analyse_chain(presented, &anchors, trust.clone(), hostname, now) {
        Ok(facts) => Some(facts),
        Err(error) => Some(ChainFacts {
            certificates: vec![],
            unparsable: Some(error.to_string()),
            order_correct: false,
            incomplete: false,
            missing_issuer: None,
            trust,
            hostname: HostnameFacts {
                name: hostname.to_string(),
                matches: false,
                covered: vec![],
            },
            checked_at: now,
        }),
    }
}
