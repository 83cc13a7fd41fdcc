//! Enumeration probe: which protocol versions (SSLv2 to TLS 1.3), cipher suites and key-exchange
//! groups a server accepts, using tlscheck's own ClientHellos (see `crate::tls`).
//!
//! Method, per version: offer the suites valid for it in size-bounded chunks; the server picks
//! one; remove it and offer the rest, until the server refuses (offer-and-remove, about one
//! handshake per accepted suite plus one per chunk). TLS 1.3 groups come from HelloRetryRequests
//! to a hello with an empty key_share. Every exchange is one short connection: connect, send the
//! hello, read the reply, close; never an idle connection held while waiting on another, so
//! servers that handle one connection at a time (Flask's dev server) are not stalled. A
//! semaphore bounds the connections open at once to one server.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{oneshot, Semaphore};

use crate::facts::{EnumerationFacts, GroupFacts, ProtocolFacts, SuiteFacts, VersionSuites};
use crate::tls::alert;
use crate::tls::groups::{self, GroupKind};
use crate::tls::server_messages::{EcParameters, KeyExchangeParameters};
use crate::tls::suites::{self, CipherSuite, KeyExchange, SSLV2_CIPHER_KINDS};
use crate::tls::{
    version_name, ClientHello, ProtocolVersion, ReadUntil, ReplyParser, ServerFlight, ServerReply,
    Sslv2ClientHello,
};

/// Connections at once to one server, unless `--max-connections` says otherwise.
pub const DEFAULT_MAX_CONNECTIONS: usize = 5;

/// Suites per ClientHello: keeps hellos near 512 bytes, which old servers and middleboxes take.
const SUITES_PER_HELLO: usize = 128;

#[derive(Clone, Debug)]
pub struct EnumerationSettings {
    pub address: SocketAddr,
    /// SNI to send; none for IP literals.
    pub server_name: Option<String>,
    /// Bound on each exchange (connect + hello + reply).
    pub timeout: Duration,
    pub max_connections: usize,
    /// Counts every handshake of every target, for a progress display.
    pub progress: Option<std::sync::Arc<AtomicU32>>,
    /// Connections allowed at once to this server's address, shared by every target that
    /// reaches it; none gives this enumeration a limit of `max_connections` of its own.
    pub host_limit: Option<std::sync::Arc<Semaphore>>,
}

/// Facts, plus the chain read from the first TLS ≤ 1.2 (or SSLv2) handshake: the certificate
/// analysis uses it when rustls could not connect.
#[derive(Clone, Debug)]
pub struct Enumeration {
    pub facts: EnumerationFacts,
    pub chain: Option<Vec<Vec<u8>>>,
}

/// Why one exchange gave no reply to judge.
#[derive(Clone, Debug, PartialEq, Eq)]
enum ExchangeError {
    Connect(String),
    Timeout,
    Reset,
    Malformed(String),
}

impl std::fmt::Display for ExchangeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExchangeError::Connect(reason) => write!(f, "cannot connect: {reason}"),
            ExchangeError::Timeout => f.write_str("timed out waiting for the reply"),
            ExchangeError::Reset => f.write_str("connection reset (twice)"),
            ExchangeError::Malformed(reason) => write!(f, "malformed reply: {reason}"),
        }
    }
}

struct Prober {
    settings: EnumerationSettings,
    limit: std::sync::Arc<Semaphore>,
    handshakes: AtomicU32,
}

impl Prober {
    /// One exchange, retried once when the connection is reset.
    async fn exchange(&self, hello: &[u8], until: ReadUntil) -> Result<ServerReply, ExchangeError> {
        match self.exchange_once(hello, until).await {
            Err(ExchangeError::Reset) => self.exchange_once(hello, until).await,
            other => other,
        }
    }

    async fn exchange_once(
        &self,
        hello: &[u8],
        until: ReadUntil,
    ) -> Result<ServerReply, ExchangeError> {
        let _permit = self
            .limit
            .acquire()
            .await
            .map_err(|_| ExchangeError::Connect("scan cancelled".into()))?;
        self.handshakes.fetch_add(1, Ordering::Relaxed);
        if let Some(progress) = &self.settings.progress {
            progress.fetch_add(1, Ordering::Relaxed);
        }
        let deadline = tokio::time::Instant::now() + self.settings.timeout;
        let mut stream = match tokio::time::timeout_at(
            deadline,
            TcpStream::connect(self.settings.address),
        )
        .await
        {
            Err(_) => return Err(ExchangeError::Timeout),
            Ok(Err(error)) => return Err(ExchangeError::Connect(error.to_string())),
            Ok(Ok(stream)) => stream,
        };
        let _ = stream.set_nodelay(true);
        match tokio::time::timeout_at(deadline, stream.write_all(hello)).await {
            Err(_) => return Err(ExchangeError::Timeout),
            Ok(Err(error)) if is_reset(&error) => return Err(ExchangeError::Reset),
            Ok(Err(error)) => return Err(ExchangeError::Connect(error.to_string())),
            Ok(Ok(())) => {}
        }
        let mut parser = ReplyParser::new(until);
        let mut buffer = vec![0u8; 16 * 1024];
        loop {
            let read = match tokio::time::timeout_at(deadline, stream.read(&mut buffer)).await {
                Err(_) => return Err(ExchangeError::Timeout),
                Ok(Err(error)) if is_reset(&error) && parser.bytes_received() == 0 => {
                    return Err(ExchangeError::Reset)
                }
                Ok(Err(_)) => 0,
                Ok(Ok(read)) => read,
            };
            if read == 0 {
                return parser
                    .end_of_stream()
                    .map_err(|e| ExchangeError::Malformed(e.to_string()));
            }
            let chunk = buffer.get(..read).unwrap_or_default();
            match parser.feed(chunk) {
                Ok(Some(reply)) => return Ok(reply),
                Ok(None) => {}
                Err(error) => return Err(ExchangeError::Malformed(error.to_string())),
            }
        }
    }

    fn hello(&self, version: ProtocolVersion, suites: &[u16]) -> Option<ClientHello> {
        let hello = ClientHello::new(version, suites.to_vec()).ok()?;
        Some(match (&self.settings.server_name, version) {
            (Some(name), v) if v != ProtocolVersion::Ssl3 => hello.with_server_name(name),
            _ => hello,
        })
    }
}

fn is_reset(error: &std::io::Error) -> bool {
    matches!(
        error.kind(),
        std::io::ErrorKind::ConnectionReset
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::BrokenPipe
    )
}

/// A suite the server accepted, with the parameters it sent.
#[derive(Clone, Debug)]
struct Accepted {
    suite: &'static CipherSuite,
    dh_bits: Option<u32>,
    ecdh_group: Option<u16>,
}

/// What one version's probing found.
#[derive(Debug, Default)]
struct VersionResult {
    accepted: Vec<Accepted>,
    /// Evidence for the verdict: the first reply's description.
    evidence: Option<String>,
    error: Option<String>,
    chain: Option<Vec<Vec<u8>>>,
    /// Accepted suites in the order the server picked them, per chunk.
    pick_orders: Vec<Vec<u16>>,
    /// SSLv2 cipher kinds the server listed.
    sslv2_kinds: Vec<u32>,
    /// Server order, when the walk already checked it (see [`probe_version`]).
    server_order: Option<bool>,
}

impl VersionResult {
    fn is_accepted(&self) -> bool {
        !self.accepted.is_empty() || !self.sslv2_kinds.is_empty()
    }
}

/// Run the whole enumeration against one address.
pub async fn enumerate(settings: EnumerationSettings) -> Enumeration {
    let started = Instant::now();
    let max_connections = settings.max_connections.max(1);
    let prober = Prober {
        limit: settings
            .host_limit
            .clone()
            .unwrap_or_else(|| std::sync::Arc::new(Semaphore::new(max_connections))),
        settings,
        handshakes: AtomicU32::new(0),
    };
    let prober = &prober;
    // The TLS 1.3 groups need only know that TLS 1.3 is spoken: that walk starts as soon as the
    // first TLS 1.3 ServerHello says so, alongside the rest of the first round.
    let (tls13_spoken, tls13_spoken_heard) = oneshot::channel();
    let early_groups = async {
        match tls13_spoken_heard.await {
            Ok(()) => Some(tls13_groups(prober).await),
            Err(_) => None,
        }
    };
    let ((sslv2, sslv3, tls10, tls11, tls12, tls13), tls13_groups_found) = tokio::join!(
        async {
            tokio::join!(
                probe_sslv2(prober),
                probe_version(prober, ProtocolVersion::Ssl3),
                probe_version(prober, ProtocolVersion::Tls10),
                probe_version(prober, ProtocolVersion::Tls11),
                probe_version(prober, ProtocolVersion::Tls12),
                probe_tls13(prober, tls13_spoken),
            )
        },
        early_groups,
    );
    let results = [
        (ProtocolVersion::Ssl2, sslv2),
        (ProtocolVersion::Ssl3, sslv3),
        (ProtocolVersion::Tls10, tls10),
        (ProtocolVersion::Tls11, tls11),
        (ProtocolVersion::Tls12, tls12),
        (ProtocolVersion::Tls13, tls13),
    ];

    // Server order, and the TLS <= 1.2 curves, need the accepted suites: a second, smaller
    // round, the two at once.
    let orders = futures_join_all(
        results
            .iter()
            .map(|(version, result)| async move { server_order(prober, *version, result).await }),
    );
    let groups = async {
        if let Some((found, order)) = tls13_groups_found {
            (found, Some("tls1.3".to_string()), order)
        } else if let Some((version, result)) = results
            .iter()
            .rev()
            .find(|(_, r)| r.accepted.iter().any(|a| is_ecdhe(a.suite)))
        {
            let (found, order) = tls12_curves(prober, *version, result).await;
            (
                found,
                Some(version.name().to_ascii_lowercase().replace("v", "")),
                order,
            )
        } else {
            (Vec::new(), None, None)
        }
    };
    let (orders, (groups, groups_probed_with, groups_server_order)) = tokio::join!(orders, groups);

    let mut protocols = Vec::new();
    let mut cipher_suites = Vec::new();
    let mut chain = None;
    for ((version, result), (server_order, order)) in results.into_iter().zip(orders) {
        let accepted = result.is_accepted();
        protocols.push(ProtocolFacts {
            version: version.name().to_string(),
            accepted,
            evidence: result.evidence.clone().unwrap_or_else(|| {
                if accepted {
                    "accepted".into()
                } else {
                    "no reply".into()
                }
            }),
            error: if accepted { None } else { result.error.clone() },
        });
        if chain.is_none() {
            chain = result.chain.clone();
        }
        if accepted {
            let mut suites: Vec<&Accepted> = result.accepted.iter().collect();
            match &order {
                Some(order) => suites.sort_by_key(|a| {
                    order
                        .iter()
                        .position(|code| *code == a.suite.code)
                        .unwrap_or(usize::MAX)
                }),
                None => suites.sort_by_key(|a| a.suite.code),
            }
            let mut suites: Vec<SuiteFacts> = suites.into_iter().map(suite_facts).collect();
            suites.extend(
                result
                    .sslv2_kinds
                    .iter()
                    .map(|code| sslv2_suite_facts(*code)),
            );
            cipher_suites.push(VersionSuites {
                version: version.name().to_string(),
                server_order,
                suites,
            });
        }
    }
    Enumeration {
        facts: EnumerationFacts {
            protocols,
            cipher_suites,
            groups,
            groups_probed_with,
            groups_server_order,
            handshakes: prober.handshakes.load(Ordering::Relaxed),
            duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            max_connections,
        },
        chain,
    }
}

/// `join_all` without the futures crate: poll every future concurrently, keep the order.
async fn futures_join_all<F, T>(futures: impl IntoIterator<Item = F>) -> Vec<T>
where
    F: std::future::Future<Output = T>,
{
    let mut pinned: Vec<std::pin::Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut results: Vec<Option<T>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|context| {
        let mut pending = false;
        for (future, slot) in pinned.iter_mut().zip(results.iter_mut()) {
            if slot.is_none() {
                match future.as_mut().poll(context) {
                    std::task::Poll::Ready(value) => *slot = Some(value),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    results.into_iter().flatten().collect()
}

/// Suites to offer at `version`, commonest kinds first so the first chunk usually finds one.
fn candidates(version: ProtocolVersion) -> Vec<u16> {
    let mut suites: Vec<&CipherSuite> = suites::offerable(version)
        .filter(|s| !s.is_signalling())
        .filter(|s| version == ProtocolVersion::Tls13 || !s.is_tls13_only())
        .collect();
    let rank = |s: &CipherSuite| match (s.key_exchange, s.is_aead()) {
        (KeyExchange::Ecdhe, true) => 0,
        (KeyExchange::Ecdhe, false) => 1,
        (KeyExchange::Dhe, true) => 2,
        (KeyExchange::Dhe, false) => 3,
        (KeyExchange::Rsa, true) => 4,
        (KeyExchange::Rsa, false) => 5,
        _ => 6,
    };
    suites.sort_by_key(|s| (rank(s), s.code));
    suites.iter().map(|s| s.code).collect()
}

fn describe_reply(reply: &ServerReply) -> String {
    match reply {
        ServerReply::Handshake(flight) => {
            let hello = &flight.server_hello;
            format!(
                "ServerHello {} {}",
                version_name(hello.version()),
                suites::iana_name(hello.cipher_suite)
            )
        }
        ServerReply::HelloRetryRequest(hello) => format!(
            "HelloRetryRequest for {}",
            hello
                .key_share_group
                .map(groups::display_name)
                .unwrap_or_else(|| "no group".into())
        ),
        ServerReply::Alert(alert) => format!(
            "alert {}",
            alert
                .description_name()
                .map(str::to_string)
                .unwrap_or_else(|| format!("{}", alert.description))
        ),
        ServerReply::Sslv2(_) => "SSLv2 SERVER-HELLO".into(),
        ServerReply::Sslv2Error(code) => format!("SSLv2 ERROR {code}"),
        ServerReply::NotTls(not_tls) => format!("not TLS ({:?})", not_tls.kind),
        ServerReply::ClosedWithoutReply => "connection closed without a reply".into(),
    }
}

fn accepted_from(flight: Option<&ServerFlight>, suite: &'static CipherSuite) -> Accepted {
    let parameters = flight
        .and_then(|flight| flight.server_key_exchange.as_ref())
        .map(|k| &k.parameters);
    let (dh_bits, ecdh_group) = match parameters {
        Some(KeyExchangeParameters::Dh(dh)) => (u32::try_from(dh.prime_bits()).ok(), None),
        Some(KeyExchangeParameters::Ec(EcParameters::NamedCurve { group, .. })) => {
            (None, Some(*group))
        }
        _ => (None, None),
    };
    Accepted {
        suite,
        dh_bits,
        ecdh_group,
    }
}

/// Whether the server speaks `version` at all, judged from a reply to a hello of that version.
enum Verdict {
    /// A ServerHello (or, in TLS 1.3, a HelloRetryRequest: no flight then) of this version
    /// choosing an offered suite, with the reply described for evidence.
    Picked(Option<Box<ServerFlight>>, &'static CipherSuite, String),
    /// The server speaks the version but shares none of the offered suites.
    NoCommonSuite(String),
    /// The server does not speak the version (protocol_version alert, lower version, closed).
    NotSpoken(String),
    Failed(String),
}

fn judge(
    version: ProtocolVersion,
    offered: &[u16],
    reply: Result<ServerReply, ExchangeError>,
) -> Verdict {
    let reply = match reply {
        Ok(reply) => reply,
        Err(error) => return Verdict::Failed(error.to_string()),
    };
    let description = describe_reply(&reply);
    let (flight, hello) = match reply {
        ServerReply::Handshake(flight) => {
            let hello = flight.server_hello.clone();
            (Some(flight), hello)
        }
        ServerReply::HelloRetryRequest(hello) if version == ProtocolVersion::Tls13 => (None, hello),
        ServerReply::Alert(alert)
            if alert.description == alert::description::HANDSHAKE_FAILURE
                || alert.description == 71 // insufficient_security
                || alert.description == 47 =>
        {
            return Verdict::NoCommonSuite(description)
        }
        _ => return Verdict::NotSpoken(description),
    };
    if hello.version() != version.wire() {
        return Verdict::NotSpoken(format!(
            "server answered with {} instead",
            version_name(hello.version())
        ));
    }
    match suites::by_code(hello.cipher_suite) {
        Some(suite) if offered.contains(&suite.code) => Verdict::Picked(flight, suite, description),
        _ => Verdict::Failed(format!(
            "server chose {} which was not offered",
            suites::iana_name(hello.cipher_suite)
        )),
    }
}

/// SSLv3 to TLS 1.2: offer-and-remove over the candidate suites, chunk by chunk.
async fn probe_version(prober: &Prober, version: ProtocolVersion) -> VersionResult {
    let chunks: Vec<Vec<u16>> = candidates(version)
        .chunks(SUITES_PER_HELLO)
        .map(<[u16]>::to_vec)
        .collect();
    let mut result = VersionResult::default();
    let Some((first, rest)) = chunks.split_first() else {
        return result;
    };
    // The first chunk decides whether the version is spoken at all; its first two picks tell
    // whose order the server follows.
    let mut opening = walk_chunk_until(prober, version, first.clone(), 2).await;
    let spoken = !opening.accepted.is_empty() || opening.no_common_suite;
    if !spoken {
        merge(&mut result, opening);
        return result;
    }
    let left_in_first = std::mem::take(&mut opening.unoffered);
    result.server_order = match opening.picks.as_slice() {
        [first, second] if !left_in_first.is_empty() => {
            order_check(&[*first, *second], &|offer: Vec<u16>| {
                pick_suite(prober, version, offer)
            })
            .await
        }
        _ => None,
    };
    if result.server_order == Some(false) {
        // The client's order wins, so the order of picks means nothing: walk everything left
        // in parallel parts, one connection each.
        merge(&mut result, opening);
        let left: Vec<u16> = left_in_first
            .into_iter()
            .chain(rest.iter().flatten().copied())
            .collect();
        let parts = prober
            .settings
            .max_connections
            .max(left.len().div_ceil(SUITES_PER_HELLO))
            .max(1);
        let part_size = left.len().div_ceil(parts).max(1);
        for walked in futures_join_all(
            left.chunks(part_size)
                .map(|part| walk_chunk(prober, version, part.to_vec())),
        )
        .await
        {
            merge(&mut result, walked);
        }
        return result;
    }
    // The server's order (or unknown): finish the first chunk in sequence, so its picks give
    // that order, while the other chunks are walked alongside.
    let finish_first = async {
        if left_in_first.is_empty() {
            None
        } else {
            Some(walk_chunk(prober, version, left_in_first).await)
        }
    };
    let others = futures_join_all(
        rest.iter()
            .map(|chunk| walk_chunk(prober, version, chunk.clone())),
    );
    let (continued, others) = tokio::join!(finish_first, others);
    if let Some(continued) = continued {
        opening.accepted.extend(continued.accepted);
        opening.picks.extend(continued.picks);
        opening.evidence = opening.evidence.or(continued.evidence);
        opening.error = opening.error.or(continued.error);
        opening.chain = opening.chain.or(continued.chain);
    }
    merge(&mut result, opening);
    for walked in others {
        merge(&mut result, walked);
    }
    result
}

/// The suite the server picks from `offer`, if it picks one.
async fn pick_suite(prober: &Prober, version: ProtocolVersion, offer: Vec<u16>) -> Option<u16> {
    let until = if version == ProtocolVersion::Tls13 {
        ReadUntil::ServerHello
    } else {
        ReadUntil::ServerHelloDone
    };
    let bytes = prober.hello(version, &offer)?.encode().ok()?;
    match prober.exchange(&bytes, until).await.ok()? {
        ServerReply::Handshake(flight) => Some(flight.server_hello.cipher_suite),
        ServerReply::HelloRetryRequest(hello) => Some(hello.cipher_suite),
        _ => None,
    }
}

#[derive(Default)]
struct ChunkWalk {
    accepted: Vec<Accepted>,
    picks: Vec<u16>,
    /// Suites not yet offered when a limited walk stopped.
    unoffered: Vec<u16>,
    evidence: Option<String>,
    error: Option<String>,
    no_common_suite: bool,
    chain: Option<Vec<Vec<u8>>>,
}

fn merge(result: &mut VersionResult, walk: ChunkWalk) {
    if result.evidence.is_none() || (!walk.accepted.is_empty() && result.accepted.is_empty()) {
        result.evidence = walk.evidence.or(result.evidence.take());
    }
    if result.error.is_none() {
        result.error = walk.error;
    }
    if result.chain.is_none() {
        result.chain = walk.chain;
    }
    if !walk.picks.is_empty() {
        result.pick_orders.push(walk.picks);
    }
    result.accepted.extend(walk.accepted);
}

/// Offer `remaining`, record the pick, remove it, repeat until the server refuses.
async fn walk_chunk(prober: &Prober, version: ProtocolVersion, remaining: Vec<u16>) -> ChunkWalk {
    walk_chunk_until(prober, version, remaining, usize::MAX).await
}

/// [`walk_chunk`], stopping after `max_picks` picks; `walk.unoffered` then holds the rest.
async fn walk_chunk_until(
    prober: &Prober,
    version: ProtocolVersion,
    remaining: Vec<u16>,
    max_picks: usize,
) -> ChunkWalk {
    walk_and_signal(prober, version, remaining, max_picks, None).await
}

/// The offer-and-remove walk itself; `spoken` fires at the first pick.
async fn walk_and_signal(
    prober: &Prober,
    version: ProtocolVersion,
    mut remaining: Vec<u16>,
    max_picks: usize,
    mut spoken: Option<oneshot::Sender<()>>,
) -> ChunkWalk {
    let mut walk = ChunkWalk::default();
    let until = if version == ProtocolVersion::Tls13 {
        ReadUntil::ServerHello
    } else {
        ReadUntil::ServerHelloDone
    };
    while !remaining.is_empty() {
        if walk.picks.len() >= max_picks {
            walk.unoffered = std::mem::take(&mut remaining);
            break;
        }
        let Some(hello) = prober.hello(version, &remaining) else {
            walk.error = Some("cannot build the ClientHello".into());
            break;
        };
        let Ok(bytes) = hello.encode() else {
            walk.error = Some("cannot encode the ClientHello".into());
            break;
        };
        let reply = prober.exchange(&bytes, until).await;
        match judge(version, &remaining, reply) {
            Verdict::Picked(flight, suite, description) => {
                walk.evidence.get_or_insert(description);
                walk.accepted.push(accepted_from(flight.as_deref(), suite));
                if walk.chain.is_none() {
                    walk.chain = flight
                        .and_then(|flight| flight.certificates)
                        .filter(|c| !c.is_empty());
                }
                walk.picks.push(suite.code);
                remaining.retain(|code| *code != suite.code);
                if let Some(spoken) = spoken.take() {
                    let _ = spoken.send(());
                }
            }
            Verdict::NoCommonSuite(evidence) => {
                walk.no_common_suite = true;
                walk.evidence.get_or_insert(evidence);
                break;
            }
            Verdict::NotSpoken(evidence) => {
                walk.evidence.get_or_insert(evidence);
                break;
            }
            Verdict::Failed(error) => {
                walk.error = Some(error);
                break;
            }
        }
    }
    walk
}

/// TLS 1.3: the version and its suites, by the same walk (a HelloRetryRequest also names the
/// suite chosen). `spoken` fires with the first accepted suite (it is dropped unheard when there
/// is none).
async fn probe_tls13(prober: &Prober, spoken: oneshot::Sender<()>) -> VersionResult {
    let mut result = VersionResult::default();
    let walk = walk_and_signal(
        prober,
        ProtocolVersion::Tls13,
        candidates(ProtocolVersion::Tls13),
        usize::MAX,
        Some(spoken),
    )
    .await;
    merge(&mut result, walk);
    result
}

/// SSLv2: one CLIENT-HELLO with every cipher kind; the SERVER-HELLO lists all it shares.
async fn probe_sslv2(prober: &Prober) -> VersionResult {
    let mut result = VersionResult::default();
    let specs: Vec<u32> = SSLV2_CIPHER_KINDS.iter().map(|k| k.code).collect();
    let Some(bytes) = Sslv2ClientHello::new(specs).and_then(|h| h.encode()).ok() else {
        result.error = Some("cannot build the SSLv2 CLIENT-HELLO".into());
        return result;
    };
    match prober.exchange(&bytes, ReadUntil::ServerHello).await {
        Ok(ServerReply::Sslv2(hello)) => {
            result.evidence = Some(format!(
                "SSLv2 SERVER-HELLO with {} cipher kinds",
                hello.cipher_specs.len()
            ));
            if !hello.certificate.is_empty() {
                result.chain = Some(vec![hello.certificate.clone()]);
            }
            result.sslv2_kinds = hello.cipher_specs.clone();
        }
        Ok(other) => result.evidence = Some(describe_reply(&other)),
        Err(error) => result.error = Some(error.to_string()),
    }
    result
}

/// Does the server pick by its own order? Offer two accepted suites in the reverse of the
/// order it picked them; then, if the picks spanned several hellos, walk the accepted set once
/// more to learn the full order.
async fn server_order(
    prober: &Prober,
    version: ProtocolVersion,
    result: &VersionResult,
) -> (Option<bool>, Option<Vec<u16>>) {
    if version == ProtocolVersion::Ssl2 || result.accepted.len() < 2 {
        return (None, None);
    }
    let pick = |offer: Vec<u16>| pick_suite(prober, version, offer);
    let server_order = match result.server_order {
        Some(known) => Some(known),
        None => match result.pick_orders.iter().find(|picks| picks.len() >= 2) {
            Some(picks) => order_check(picks, &pick).await,
            None => {
                let (a, b) = (result.accepted[0].suite.code, result.accepted[1].suite.code);
                let (forward, backward) = tokio::join!(pick(vec![a, b]), pick(vec![b, a]));
                match (forward, backward) {
                    (Some(x), Some(y)) if x == y => Some(true),
                    (Some(_), Some(_)) => Some(false),
                    _ => None,
                }
            }
        },
    };
    if server_order != Some(true) {
        return (server_order, None);
    }
    if result.pick_orders.len() == 1 {
        return (server_order, result.pick_orders.first().cloned());
    }
    let accepted: Vec<u16> = result.accepted.iter().map(|a| a.suite.code).collect();
    let order = remove_each(accepted.clone(), |remaining| {
        let pick = &pick;
        async move {
            // The last one needs no handshake.
            match remaining.as_slice() {
                [only] => Some(*only),
                _ => pick(remaining).await,
            }
        }
    })
    .await;
    // A pick that failed midway leaves the order unknown.
    (
        server_order,
        (order.len() == accepted.len()).then_some(order),
    )
}

/// Offer-and-remove: ask with the remaining codes, remove the one the server picks, repeat until
/// it picks none (or one that was not offered). Returns the picks in order.
async fn remove_each<F, Fut>(mut remaining: Vec<u16>, mut ask: F) -> Vec<u16>
where
    F: FnMut(Vec<u16>) -> Fut,
    Fut: std::future::Future<Output = Option<u16>>,
{
    let mut picked = Vec::new();
    while !remaining.is_empty() {
        match ask(remaining.clone())
            .await
            .filter(|code| remaining.contains(code))
        {
            Some(code) => {
                picked.push(code);
                remaining.retain(|c| *c != code);
            }
            None => break,
        }
    }
    picked
}

fn group_facts(code: u16) -> GroupFacts {
    let kind = match groups::by_code(code).map(|g| g.kind) {
        Some(GroupKind::FiniteField) => "ffdhe",
        Some(GroupKind::Hybrid) => "hybrid",
        Some(GroupKind::PostQuantum) => "pq",
        _ => "ecdhe",
    };
    GroupFacts {
        name: groups::display_name(code),
        code: format!("0x{code:04X}"),
        kind: kind.to_string(),
    }
}

/// TLS 1.3 groups in the server's order: offer every known group TLS 1.3 allows with an empty
/// key_share; the HelloRetryRequest names the server's favourite; remove it and ask again.
/// TLS 1.3 groups: offer every group allowed in TLS 1.3 with an empty key_share; the
/// HelloRetryRequest names the group the server chose; remove it and ask again. Then whether it
/// chose by its own order (see [`order_check`]).
async fn tls13_groups(prober: &Prober) -> (Vec<GroupFacts>, Option<bool>) {
    let tls13_suites = candidates(ProtocolVersion::Tls13);
    let all: Vec<u16> = groups::NAMED_GROUPS
        .iter()
        .map(|g| g.code)
        .filter(|code| groups::allowed_in_tls13(*code))
        .collect();
    let ask = |offer: Vec<u16>| {
        let hello = prober
            .hello(ProtocolVersion::Tls13, &tls13_suites)
            .and_then(|h| h.with_groups(&offer).with_key_shares(&[]).ok())
            .and_then(|h| h.encode().ok());
        async move {
            match prober.exchange(&hello?, ReadUntil::ServerHello).await {
                Ok(ServerReply::HelloRetryRequest(hello)) => hello.key_share_group,
                Ok(ServerReply::Handshake(flight)) => flight.server_hello.key_share_group,
                _ => None,
            }
        }
    };
    let picked = remove_each(all, &ask).await;
    let server_order = order_check(&picked, &ask).await;
    (picked.into_iter().map(group_facts).collect(), server_order)
}

/// Did the server choose among `picked` by its own order? Offer the first two picks swapped: the
/// same choice means yes. One handshake; none when fewer than two were picked.
async fn order_check<F, Fut>(picked: &[u16], ask: &F) -> Option<bool>
where
    F: Fn(Vec<u16>) -> Fut,
    Fut: std::future::Future<Output = Option<u16>>,
{
    let (first, second) = match picked {
        [first, second, ..] => (*first, *second),
        _ => return None,
    };
    match ask(vec![second, first]).await {
        Some(choice) if choice == first => Some(true),
        Some(choice) if choice == second => Some(false),
        _ => None,
    }
}

fn is_ecdhe(suite: &CipherSuite) -> bool {
    matches!(
        suite.key_exchange,
        KeyExchange::Ecdhe | KeyExchange::EcdhAnon
    )
}

/// TLS ≤ 1.2 curves: offer the accepted ECDHE suites with the remaining curves; the
/// ServerKeyExchange names the one chosen.
async fn tls12_curves(
    prober: &Prober,
    version: ProtocolVersion,
    result: &VersionResult,
) -> (Vec<GroupFacts>, Option<bool>) {
    let ecdhe: Vec<u16> = result
        .accepted
        .iter()
        .filter(|a| is_ecdhe(a.suite))
        .map(|a| a.suite.code)
        .collect();
    let curves: Vec<u16> = groups::NAMED_GROUPS
        .iter()
        .filter(|g| matches!(g.kind, GroupKind::EllipticCurve | GroupKind::Montgomery))
        .map(|g| g.code)
        .collect();
    let ask = |offer: Vec<u16>| {
        let hello = prober
            .hello(version, &ecdhe)
            .map(|h| h.with_groups(&offer))
            .and_then(|h| h.encode().ok());
        async move {
            match prober.exchange(&hello?, ReadUntil::ServerHelloDone).await {
                Ok(ServerReply::Handshake(flight)) => {
                    match flight.server_key_exchange.as_ref().map(|k| &k.parameters) {
                        Some(KeyExchangeParameters::Ec(EcParameters::NamedCurve {
                            group, ..
                        })) => Some(*group),
                        _ => None,
                    }
                }
                _ => None,
            }
        }
    };
    let picked = remove_each(curves, &ask).await;
    let server_order = order_check(&picked, &ask).await;
    (picked.into_iter().map(group_facts).collect(), server_order)
}

fn key_exchange_name(key_exchange: KeyExchange) -> &'static str {
    match key_exchange {
        KeyExchange::Null => "NULL",
        KeyExchange::Rsa => "RSA",
        KeyExchange::Dh => "DH",
        KeyExchange::Dhe => "DHE",
        KeyExchange::DhAnon => "DH_anon",
        KeyExchange::Ecdh => "ECDH",
        KeyExchange::Ecdhe => "ECDHE",
        KeyExchange::EcdhAnon => "ECDH_anon",
        KeyExchange::Psk => "PSK",
        KeyExchange::DhePsk => "DHE_PSK",
        KeyExchange::EcdhePsk => "ECDHE_PSK",
        KeyExchange::RsaPsk => "RSA_PSK",
        KeyExchange::Srp => "SRP",
        KeyExchange::Kerberos => "KRB5",
        KeyExchange::EccPassword => "ECCPWD",
        KeyExchange::Gost => "GOST",
        KeyExchange::Any => "TLS13",
    }
}

fn suite_facts(accepted: &Accepted) -> SuiteFacts {
    let suite = accepted.suite;
    SuiteFacts {
        name: suite.iana_name.to_string(),
        openssl_name: suite.openssl_name.map(str::to_string),
        code: format!("0x{:04X}", suite.code),
        key_exchange: key_exchange_name(suite.key_exchange).to_string(),
        bits: suite.key_bits,
        forward_secrecy: suite.has_forward_secrecy(),
        aead: suite.is_aead(),
        cbc: suite.is_cbc(),
        export: suite.is_export(),
        null: suite.is_null(),
        anonymous: suite.is_anonymous(),
        rc4: suite.is_rc4(),
        des: suite.is_des(),
        triple_des: suite.is_3des(),
        dh_bits: accepted.dh_bits,
        ecdh_group: accepted.ecdh_group.map(groups::display_name),
    }
}

fn sslv2_suite_facts(code: u32) -> SuiteFacts {
    use crate::tls::suites::BulkCipher;
    let kind = suites::sslv2_by_code(code);
    let cipher = kind.map(|k| k.cipher);
    SuiteFacts {
        name: kind
            .map(|k| k.spec_name.to_string())
            .unwrap_or_else(|| format!("SSLv2 0x{code:06X}")),
        openssl_name: kind.map(|k| k.openssl_name.to_string()),
        code: format!("0x{code:06X}"),
        key_exchange: "RSA".into(),
        bits: kind.map_or(0, |k| k.key_bits),
        forward_secrecy: false,
        aead: false,
        cbc: matches!(
            cipher,
            Some(BulkCipher::Rc2 | BulkCipher::Des | BulkCipher::TripleDes | BulkCipher::Idea)
        ),
        export: kind.is_some_and(|k| k.export),
        null: matches!(cipher, Some(BulkCipher::Null)),
        anonymous: false,
        rc4: matches!(cipher, Some(BulkCipher::Rc4)),
        des: matches!(cipher, Some(BulkCipher::Des)),
        triple_des: matches!(cipher, Some(BulkCipher::TripleDes)),
        dh_bits: None,
        ecdh_group: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tls::server_messages::ServerHello;
    use crate::tls::{Alert, AlertLevel};

    fn flight(version: u16, suite: u16) -> ServerReply {
        ServerReply::Handshake(Box::new(ServerFlight {
            server_hello: ServerHello {
                legacy_version: version,
                cipher_suite: suite,
                ..ServerHello::default()
            },
            certificates: None,
            server_key_exchange: None,
            certificate_request: None,
            hello_done: true,
            other_messages: vec![],
            warnings: vec![],
            closing_alert: None,
        }))
    }

    fn alert(description: u8) -> ServerReply {
        ServerReply::Alert(Alert {
            level: AlertLevel::Fatal,
            description,
        })
    }

    const ECDHE_RSA_AES128_GCM: u16 = 0xC02F;
    const RSA_AES128_SHA: u16 = 0x002F;

    #[test]
    fn a_server_hello_with_an_offered_suite_is_a_pick() {
        let offered = [ECDHE_RSA_AES128_GCM, RSA_AES128_SHA];
        match judge(
            ProtocolVersion::Tls12,
            &offered,
            Ok(flight(0x0303, RSA_AES128_SHA)),
        ) {
            Verdict::Picked(_, suite, _) => assert_eq!(suite.code, RSA_AES128_SHA),
            _ => panic!("expected a pick"),
        }
    }

    #[test]
    fn a_lower_version_means_the_version_is_not_spoken() {
        let verdict = judge(
            ProtocolVersion::Tls12,
            &[RSA_AES128_SHA],
            Ok(flight(0x0301, RSA_AES128_SHA)),
        );
        match verdict {
            Verdict::NotSpoken(evidence) => {
                assert_eq!(evidence, "server answered with TLSv1.0 instead")
            }
            _ => panic!("expected not spoken"),
        }
    }

    #[test]
    fn handshake_failure_means_no_common_suite_and_protocol_version_means_not_spoken() {
        assert!(matches!(
            judge(ProtocolVersion::Tls10, &[RSA_AES128_SHA], Ok(alert(40))),
            Verdict::NoCommonSuite(ref e) if e == "alert handshake_failure"
        ));
        assert!(matches!(
            judge(ProtocolVersion::Tls10, &[RSA_AES128_SHA], Ok(alert(70))),
            Verdict::NotSpoken(ref e) if e == "alert protocol_version"
        ));
        assert!(matches!(
            judge(
                ProtocolVersion::Tls10,
                &[RSA_AES128_SHA],
                Ok(ServerReply::ClosedWithoutReply)
            ),
            Verdict::NotSpoken(_)
        ));
    }

    #[test]
    fn a_suite_that_was_not_offered_is_a_failure_not_a_pick() {
        assert!(matches!(
            judge(ProtocolVersion::Tls12, &[ECDHE_RSA_AES128_GCM], Ok(flight(0x0303, RSA_AES128_SHA))),
            Verdict::Failed(ref e) if e.contains("not offered")
        ));
        assert!(matches!(
            judge(ProtocolVersion::Tls12, &[RSA_AES128_SHA], Err(ExchangeError::Timeout)),
            Verdict::Failed(ref e) if e == "timed out waiting for the reply"
        ));
    }

    #[test]
    fn candidates_put_common_suites_first_and_respect_versions() {
        let tls12 = candidates(ProtocolVersion::Tls12);
        let first = suites::by_code(tls12[0]).unwrap();
        assert_eq!(first.key_exchange, KeyExchange::Ecdhe);
        assert!(first.is_aead());
        assert!(tls12.len() > 250, "{}", tls12.len());
        // No TLS 1.2-only suite (GCM, SHA-256) in a TLS 1.0 hello, no TLS 1.3 suite before 1.3.
        let tls10 = candidates(ProtocolVersion::Tls10);
        assert!(!tls10.contains(&ECDHE_RSA_AES128_GCM));
        assert!(!tls10.contains(&0x1301));
        assert!(tls10.contains(&RSA_AES128_SHA));
        // TLS 1.3: the RFC 8446 five plus the other IANA ones (SM4, AEGIS, integrity-only).
        let tls13 = candidates(ProtocolVersion::Tls13);
        for code in [
            0x1301, 0x1302, 0x1303, 0x1304, 0x1305, 0x00C6, 0x1306, 0xC0B4,
        ] {
            assert!(tls13.contains(&code), "{code:#06x}");
        }
        assert!(tls13
            .iter()
            .all(|c| suites::by_code(*c).unwrap().is_tls13_only()));
        assert!(
            suites::by_code(0xC0B4).unwrap().is_null(),
            "TLS_SHA256_SHA256 encrypts nothing"
        );
        // Every chunk of a TLS 1.2 offer stays within what servers take.
        for chunk in tls12.chunks(SUITES_PER_HELLO) {
            let hello = ClientHello::new(ProtocolVersion::Tls12, chunk.to_vec())
                .unwrap()
                .with_server_name("example.com");
            assert!(hello.encoded_len().unwrap() < 1024);
        }
    }

    /// A scripted server: picks by its own preference list, or the client's first it supports.
    fn chooser(
        preference: &'static [u16],
        own_order: bool,
    ) -> impl Fn(Vec<u16>) -> std::future::Ready<Option<u16>> {
        move |offer: Vec<u16>| {
            let choice = if own_order {
                preference.iter().find(|code| offer.contains(code)).copied()
            } else {
                offer.iter().find(|code| preference.contains(code)).copied()
            };
            std::future::ready(choice)
        }
    }

    #[tokio::test]
    async fn offer_and_remove_finds_every_supported_code_in_the_servers_order() {
        let server = chooser(&[30, 10, 20], true);
        let picked = remove_each(vec![10, 20, 30, 40], &server).await;
        assert_eq!(picked, vec![30, 10, 20]);
        assert_eq!(order_check(&picked, &server).await, Some(true));
    }

    #[tokio::test]
    async fn a_server_following_the_client_is_told_apart() {
        let server = chooser(&[30, 10, 20], false);
        let picked = remove_each(vec![10, 20, 30, 40], &server).await;
        assert_eq!(picked, vec![10, 20, 30]);
        assert_eq!(order_check(&picked, &server).await, Some(false));
        assert_eq!(order_check(&picked[..1], &server).await, None);
    }

    #[tokio::test]
    async fn a_pick_that_was_not_offered_ends_the_walk() {
        let liar = |_offer: Vec<u16>| std::future::ready(Some(99));
        assert!(remove_each(vec![1, 2], &liar).await.is_empty());
    }

    #[test]
    fn suite_facts_carry_the_classes_and_parameters() {
        let suite = suites::by_code(0x0033).unwrap(); // TLS_DHE_RSA_WITH_AES_128_CBC_SHA
        let facts = suite_facts(&Accepted {
            suite,
            dh_bits: Some(1024),
            ecdh_group: None,
        });
        assert_eq!(facts.name, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA");
        assert_eq!(facts.openssl_name.as_deref(), Some("DHE-RSA-AES128-SHA"));
        assert_eq!(facts.code, "0x0033");
        assert_eq!(facts.key_exchange, "DHE");
        assert!(facts.forward_secrecy && facts.cbc && !facts.aead);
        assert_eq!(facts.dh_bits, Some(1024));
        let sslv2 = sslv2_suite_facts(0x020080);
        assert!(sslv2.export && sslv2.rc4);
        assert_eq!(sslv2.openssl_name.as_deref(), Some("EXP-RC4-MD5"));
        assert_eq!(sslv2.code, "0x020080");
    }
}
