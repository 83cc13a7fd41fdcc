//! Scheduler: runs the probes for each target and assembles its report. Every target yields
//! exactly one [`HostReport`]; a failing probe becomes data in it, never a lost report.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use tokio::sync::Semaphore;

use crate::analysis::{self, ExpiryThresholds};
use crate::facts::time::{rfc3339, unix_seconds};
use crate::facts::{
    ChainFacts, ClientAuthFacts, HostReport, HostnameFacts, Outcome, TargetFacts, TrustFacts,
};
use crate::probe::enumerate::{enumerate, EnumerationSettings};
use crate::probe::handshake::{self, HandshakeRecord, HandshakeRequest, HandshakeSettings};
use crate::probe::http::{follow_redirects, Url};
use crate::target::{Overrides, Target, DEFAULT_HTTP_PORT};
use crate::x509::chain::analyse_chain;
use crate::x509::trust::TrustStore;

/// Everything a scan needs besides the targets.
#[derive(Clone, Debug)]
pub struct ScanConfig {
    pub timeout: Duration,
    /// `--sni`: the name to send instead of the target's host.
    pub sni: Option<String>,
    pub overrides: Overrides,
    pub trust: TrustStore,
    pub handshake: HandshakeSettings,
    /// `--http-port`; an `http://host:port` target's port wins.
    pub http_port: Option<u16>,
    /// Skip the plain-HTTP redirect check.
    pub skip_http: bool,
    pub thresholds: ExpiryThresholds,
    /// Targets scanned at once.
    pub concurrency: usize,
    /// Enumerate protocols, suites and groups with our own ClientHellos (off with `--quick`).
    pub enumerate: bool,
    /// Connections at once to one server during enumeration.
    pub max_connections: usize,
    /// Counts enumeration handshakes across targets, for a progress display.
    pub handshake_counter: Option<Arc<std::sync::atomic::AtomicU32>>,
}

/// One connection limit per server address, shared by every target that reaches it, so
/// several names (or ports) on one machine do not multiply the load on it.
#[derive(Debug, Default)]
pub struct HostLimits {
    per_host: usize,
    limits: std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, Arc<Semaphore>>>,
}

impl HostLimits {
    pub fn new(per_host: usize) -> HostLimits {
        HostLimits {
            per_host: per_host.max(1),
            limits: Default::default(),
        }
    }

    /// The limit for `address`, made on first use.
    pub fn for_address(&self, address: std::net::IpAddr) -> Arc<Semaphore> {
        let mut limits = self
            .limits
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        limits
            .entry(address)
            .or_insert_with(|| Arc::new(Semaphore::new(self.per_host)))
            .clone()
    }
}

/// Observes progress (for a progress line on a terminal); called from the scan tasks.
pub trait Progress: Send + Sync {
    fn target_done(&self, done: usize, total: usize, report: &HostReport);
}

/// Scan every target, at most `config.concurrency` at once; reports come back in input order.
pub async fn scan_all(
    targets: Vec<Target>,
    config: Arc<ScanConfig>,
    progress: Option<Arc<dyn Progress>>,
) -> Vec<HostReport> {
    let total = targets.len();
    let limit = Arc::new(Semaphore::new(config.concurrency.max(1)));
    let host_limits = Arc::new(HostLimits::new(config.max_connections));
    let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::with_capacity(total);
    for target in targets {
        let config = config.clone();
        let limit = limit.clone();
        let progress = progress.clone();
        let done = done.clone();
        let host_limits = host_limits.clone();
        tasks.push(tokio::spawn(async move {
            let _permit = limit.acquire_owned().await;
            let report = scan_target(&target, &config, &host_limits).await;
            let finished = done.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            if let Some(progress) = &progress {
                progress.target_done(finished, total, &report);
            }
            (target, report)
        }));
    }
    let mut reports = Vec::with_capacity(total);
    for task in tasks {
        match task.await {
            Ok((_, report)) => reports.push(report),
            // A panicking probe is a bug; the report still says what happened.
            Err(error) => reports.push(failed_report(
                "unknown",
                format!("internal error: scan task failed: {error}"),
            )),
        }
    }
    reports
}

fn failed_report(input: &str, reason: String) -> HostReport {
    let target = TargetFacts {
        input: input.to_string(),
        host: input.to_string(),
        port: 0,
        sni: None,
        path: "/".into(),
        addresses: vec![],
        connected_to: None,
    };
    HostReport {
        unreachable: Some(reason.clone()),
        ..HostReport::unscanned(target, rfc3339(unix_seconds(SystemTime::now())), &reason)
    }
}

/// Scan one target: resolve, TLS handshake + HTTPS request, plain-HTTP redirect, analysis.
pub async fn scan_target(
    target: &Target,
    config: &ScanConfig,
    host_limits: &HostLimits,
) -> HostReport {
    let started = Instant::now();
    let scanned_at = SystemTime::now();
    let now = unix_seconds(scanned_at);
    let sni = config
        .sni
        .clone()
        .or_else(|| target.server_name().map(str::to_string));
    let facts = TargetFacts {
        input: target.input.clone(),
        host: target.host.to_string(),
        port: target.port,
        sni: sni.clone(),
        path: target.path.clone(),
        addresses: vec![],
        connected_to: None,
    };
    let mut report = HostReport::unscanned(facts, rfc3339(now), "not reached");

    let http_future = redirect_probe(target, config);
    let tls_future = tls_probe(
        target,
        config,
        host_limits,
        sni.as_deref(),
        &mut report,
        now,
    );
    let (redirect, ()) = tokio::join!(http_future, tls_future);
    report.redirect = redirect;
    if report.unreachable.is_none() {
        report.findings = analysis::findings(&report, config.thresholds);
    }
    report.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    report
}

async fn redirect_probe(
    target: &Target,
    config: &ScanConfig,
) -> Outcome<crate::facts::RedirectFacts> {
    if config.skip_http {
        return Outcome::Skipped {
            reason: "--no-http".into(),
        };
    }
    let start = Url {
        https: false,
        host: target.host.clone(),
        port: target
            .http_port
            .or(config.http_port)
            .unwrap_or(DEFAULT_HTTP_PORT),
        path: target.path.clone(),
    };
    match follow_redirects(&start, &config.overrides, config.timeout).await {
        Ok(facts) => Outcome::Ok(facts),
        Err(reason) => Outcome::Failed { reason },
    }
}

async fn tls_probe(
    target: &Target,
    config: &ScanConfig,
    host_limits: &HostLimits,
    sni: Option<&str>,
    report: &mut HostReport,
    now: i64,
) {
    let addresses = match config
        .overrides
        .resolve(&target.host, target.port, config.timeout)
        .await
    {
        Ok(addresses) => addresses,
        Err(error) => return mark_unreachable(report, error.to_string()),
    };
    report.target.addresses = addresses.iter().map(|a| a.ip().to_string()).collect();
    let server_name = match server_name(sni, &addresses) {
        Ok(name) => name,
        Err(reason) => return mark_unreachable(report, reason),
    };
    let authority = match target.port {
        443 => target.host.authority(),
        port => format!("{}:{port}", target.host.authority()),
    };
    let mut request = HandshakeRequest {
        address: addresses[0],
        server_name,
        authority,
        path: target.path.clone(),
        present_identity: true,
    };
    // Try each address until one accepts TCP; the first that does is the one scanned. The
    // enumeration starts at once on the first address, in parallel.
    let handshakes = async {
        let mut last_error = String::new();
        for address in &addresses {
            request.address = *address;
            match handshake::probe(&request, &config.handshake).await {
                Ok(found) => return Ok(found),
                Err(error) => last_error = error.to_string(),
            }
        }
        Err(last_error)
    };
    let enumeration = async {
        if config.enumerate {
            Some(enumerate(enumeration_settings(config, host_limits, sni, addresses[0])).await)
        } else {
            None
        }
    };
    let (record, mut enumeration) = tokio::join!(handshakes, enumeration);
    let record = match record {
        Ok(record) => record,
        Err(last_error) => return mark_unreachable(report, last_error),
    };
    if record.connected_to != addresses[0] && config.enumerate {
        enumeration = Some(
            enumerate(enumeration_settings(
                config,
                host_limits,
                sni,
                record.connected_to,
            ))
            .await,
        );
    }
    report.enumeration = match &enumeration {
        Some(found) => Outcome::Ok(found.facts.clone()),
        None => Outcome::Skipped {
            reason: "--quick".into(),
        },
    };
    report.target.connected_to = Some(record.connected_to.to_string());
    let hostname = sni
        .map(str::to_string)
        .unwrap_or_else(|| target.host.to_string());
    report.client_auth = Some(client_auth(&record, &request, config).await);
    report.certificates = if record.verifier.chain.is_empty() {
        // rustls got no certificate (e.g. a TLS 1.0-only server): use the raw handshake's.
        enumeration
            .as_ref()
            .and_then(|e| e.chain.as_ref())
            .and_then(|chain| raw_chain_facts(chain, &request.server_name, config, &hostname, now))
    } else {
        let presented: Vec<Vec<u8>> = record
            .verifier
            .chain
            .iter()
            .map(|c| c.as_ref().to_vec())
            .collect();
        chain_facts(
            &presented,
            record.verifier.trust_error.as_ref(),
            config,
            &hostname,
            now,
        )
    };
    report.tls = match &record.connection {
        Ok(facts) => Outcome::Ok(facts.clone()),
        Err(failure) => Outcome::Failed {
            reason: failure.message.clone(),
        },
    };
    report.https = match &record.https {
        None => Outcome::Skipped {
            reason: "no TLS connection".into(),
        },
        Some(Ok(facts)) => Outcome::Ok(facts.clone()),
        Some(Err(failure)) => Outcome::Failed {
            reason: failure.message.clone(),
        },
    };
}

fn mark_unreachable(report: &mut HostReport, reason: String) {
    report.tls = Outcome::Skipped {
        reason: reason.clone(),
    };
    report.https = Outcome::Skipped {
        reason: reason.clone(),
    };
    report.enumeration = Outcome::Skipped {
        reason: "target unreachable".into(),
    };
    report.unreachable = Some(reason);
}

fn server_name(sni: Option<&str>, addresses: &[SocketAddr]) -> Result<ServerName<'static>, String> {
    match sni {
        Some(name) => ServerName::try_from(name.to_string())
            .map_err(|e| format!("'{name}' cannot be sent as a server name: {e}")),
        None => addresses
            .first()
            .map(|a| ServerName::IpAddress(a.ip().into()))
            .ok_or_else(|| "no address to connect to".to_string()),
    }
}

/// What the server did about client certificates; makes a second handshake without our
/// certificate when we presented one, to learn whether it is required.
async fn client_auth(
    record: &HandshakeRecord,
    request: &HandshakeRequest,
    config: &ScanConfig,
) -> ClientAuthFacts {
    let requested = record.client_auth_request.is_some();
    let ca_names = record
        .client_auth_request
        .iter()
        .flatten()
        .map(|der| distinguished_name(der))
        .collect();
    let have_identity = config.handshake.client_identity.is_some();
    let presented = requested && have_identity;
    let refusal = refusal_alert(record);
    let refused = refusal.is_some() || record.connection.is_err();
    let mut facts = ClientAuthFacts {
        requested,
        ca_names,
        presented,
        required: Some(requested && refused && !have_identity),
        accepted: None,
        refusal: None,
    };
    if !requested {
        return facts;
    }
    facts.refusal = refused.then(|| refusal.unwrap_or_else(|| "connection closed".into()));
    if !have_identity {
        return facts;
    }
    facts.accepted = Some(!refused);
    let without = HandshakeRequest {
        present_identity: false,
        ..request.clone()
    };
    facts.required = match handshake::probe(&without, &config.handshake).await {
        Ok(second) => Some(refusal_alert(&second).is_some() || second.connection.is_err()),
        Err(_) => None,
    };
    facts
}

/// The alert that refused us, during the handshake or right after it (TLS 1.3 servers check
/// the client certificate after the client considers the handshake done).
fn refusal_alert(record: &HandshakeRecord) -> Option<String> {
    match (&record.connection, &record.https) {
        (Err(failure), _) => failure.alert.clone(),
        (Ok(_), Some(Err(failure))) => failure.alert.clone(),
        _ => None,
    }
}

fn enumeration_settings(
    config: &ScanConfig,
    host_limits: &HostLimits,
    sni: Option<&str>,
    address: SocketAddr,
) -> EnumerationSettings {
    EnumerationSettings {
        address,
        server_name: sni.map(str::to_string),
        timeout: config.timeout,
        max_connections: config.max_connections,
        progress: config.handshake_counter.clone(),
        host_limit: Some(host_limits.for_address(address.ip())),
    }
}

/// Chain facts for a chain read by the raw prober, judged by the same verifier.
fn raw_chain_facts(
    chain: &[Vec<u8>],
    server_name: &ServerName<'static>,
    config: &ScanConfig,
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
        &config.handshake.verifier,
        end_entity,
        intermediates,
        server_name,
        time,
    );
    chain_facts(chain, trust_error.as_ref(), config, hostname, now)
}

/// Facts for a chain as presented (DER, leaf first), given the verifier's trust verdict.
fn chain_facts(
    presented: &[Vec<u8>],
    trust_error: Option<&rustls::Error>,
    config: &ScanConfig,
    hostname: &str,
    now: i64,
) -> Option<ChainFacts> {
    if presented.is_empty() {
        return None;
    }
    let trust = TrustFacts {
        trusted: trust_error.is_none(),
        store: config.trust.label.clone(),
        error: trust_error.map(trust_error_text),
    };
    let anchors = config.trust.anchor_subjects();
    match analyse_chain(presented, &anchors, trust.clone(), hostname, now) {
        Ok(facts) => Some(facts),
        Err(error) => Some(ChainFacts {
            certificates: vec![],
            order_correct: false,
            incomplete: false,
            missing_issuer: None,
            trust: TrustFacts {
                error: Some(format!("cannot parse the certificate chain: {error}")),
                ..trust
            },
            hostname: HostnameFacts {
                name: hostname.to_string(),
                matches: false,
                covered: vec![],
            },
        }),
    }
}

/// A reader-friendly reason for an untrusted chain.
fn trust_error_text(error: &rustls::Error) -> String {
    use rustls::CertificateError as E;
    match error {
        rustls::Error::InvalidCertificate(E::UnknownIssuer) => {
            "issued by a CA that is not in the trust store (or an intermediate is missing)".into()
        }
        rustls::Error::InvalidCertificate(E::BadSignature) => {
            "a signature in the chain does not verify".into()
        }
        rustls::Error::InvalidCertificate(E::UnsupportedSignatureAlgorithmContext { .. }) => {
            "signed with an algorithm modern clients reject (SHA-1, MD5 or an RSA key under 2048 bits)".into()
        }
        rustls::Error::InvalidCertificate(E::InvalidPurpose)
        | rustls::Error::InvalidCertificate(E::InvalidPurposeContext { .. }) => {
            "the certificate is not valid for TLS server authentication (extended key usage)".into()
        }
        rustls::Error::InvalidCertificate(E::ExpiredContext { not_after, .. }) => format!(
            "a certificate in the chain expired on {} (the chain has no moment when all its certificates are valid)",
            rfc3339(i64::try_from(not_after.as_secs()).unwrap_or(i64::MAX))
        ),
        rustls::Error::InvalidCertificate(E::NotValidYetContext { not_before, .. }) => format!(
            "a certificate in the chain is not valid before {} (the chain has no moment when all its certificates are valid)",
            rfc3339(i64::try_from(not_before.as_secs()).unwrap_or(i64::MAX))
        ),
        rustls::Error::InvalidCertificate(E::Expired) => "a certificate in the chain has expired".into(),
        rustls::Error::InvalidCertificate(E::NotValidYet) => "a certificate in the chain is not valid yet".into(),
        rustls::Error::InvalidCertificate(E::Other(other)) => {
            let text = format!("{other:?}");
            if text.contains("CaUsedAsEndEntity") {
                "the server certificate is a CA certificate (e.g. a self-signed root) used as a server certificate".into()
            } else if text.contains("EndEntityUsedAsCa") {
                "a server (end-entity) certificate is used as if it were a CA".into()
            } else {
                format!("certificate rejected by webpki: {}", text.trim_start_matches("OtherError(").trim_end_matches(')'))
            }
        }
        other => other.to_string(),
    }
}

/// A DER distinguished name (with or without its outer SEQUENCE) as text.
fn distinguished_name(der: &[u8]) -> String {
    use x509_parser::prelude::FromDer;
    let parse = |bytes: &[u8]| match x509_parser::x509::X509Name::from_der(bytes) {
        Ok((rest, name)) if rest.is_empty() && name.iter().next().is_some() => {
            Some(name.to_string())
        }
        _ => None,
    };
    if let Some(name) = parse(der) {
        return name;
    }
    let mut wrapped = vec![0x30];
    let len = der.len();
    if len < 0x80 {
        wrapped.push(len as u8);
    } else if len <= 0xFF {
        wrapped.extend([0x81, len as u8]);
    } else {
        wrapped.extend([0x82, (len >> 8) as u8, (len & 0xFF) as u8]);
    }
    wrapped.extend_from_slice(der);
    parse(&wrapped).unwrap_or_else(|| format!("(unparsable name, {} bytes)", der.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::pki_types::UnixTime;

    #[test]
    fn targets_on_one_address_share_one_connection_limit() {
        let limits = HostLimits::new(3);
        let here: std::net::IpAddr = "127.0.0.1".parse().unwrap();
        let there: std::net::IpAddr = "::1".parse().unwrap();
        let first = limits.for_address(here);
        let again = limits.for_address(here);
        assert!(Arc::ptr_eq(&first, &again));
        assert!(!Arc::ptr_eq(&first, &limits.for_address(there)));
        assert_eq!(first.available_permits(), 3);
        let _held = first.try_acquire_many(3).unwrap();
        assert_eq!(
            again.available_permits(),
            0,
            "the second target sees the first's connections"
        );
        assert_eq!(limits.for_address(there).available_permits(), 3);
        assert_eq!(HostLimits::new(0).for_address(here).available_permits(), 1);
    }

    #[test]
    fn trust_errors_read_as_plain_words() {
        let expired = rustls::Error::InvalidCertificate(rustls::CertificateError::ExpiredContext {
            time: UnixTime::since_unix_epoch(Duration::from_secs(1_800_000_000)),
            not_after: UnixTime::since_unix_epoch(Duration::from_secs(1_609_459_200)),
        });
        assert_eq!(
            trust_error_text(&expired),
            "a certificate in the chain expired on 2021-01-01T00:00:00Z (the chain has no moment when all its certificates are valid)"
        );
        let unknown = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        assert!(trust_error_text(&unknown).contains("not in the trust store"));
    }

    #[test]
    fn distinguished_names_parse_with_or_without_the_outer_sequence() {
        // SEQUENCE { SET { SEQUENCE { OID 2.5.4.3, UTF8String "CA" } } }
        let inner = [
            0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x02, b'C', b'A',
        ];
        let mut outer = vec![0x30, inner.len() as u8];
        outer.extend_from_slice(&inner);
        assert_eq!(distinguished_name(&outer), "CN=CA");
        assert_eq!(distinguished_name(&inner), "CN=CA");
        let garbage = distinguished_name(&[0xff]);
        assert!(garbage.contains("unparsable"), "{garbage:?}");
    }
}
