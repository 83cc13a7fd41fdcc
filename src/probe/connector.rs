//! The connection gate: the one place tlscheck opens sockets. Every probe connects through a
//! [`Session`], which
//!
//! - takes a permit from the per-address limit (`--max-connections`) and holds it for the whole
//!   life of the connection, shared by every probe and every target that reaches the address;
//! - bounds each step by `--timeout` and by what is left of the target's time budget
//!   (`--target-timeout`), telling the two apart when one runs out;
//! - takes a permit from the process's file-descriptor budget (the soft `RLIMIT_NOFILE` less a
//!   reserve), so a long target list running short of descriptors waits instead of failing;
//! - counts the connections (one handshake attempt each);
//! - classifies failures into [`ProbeError`] kinds, and retries a reset once ([`Session::retry_reset`]).

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use crate::facts::{ErrorKind, ProbeError, Step};

/// Connections at once to one server address, unless `--max-connections` says otherwise.
pub const DEFAULT_MAX_CONNECTIONS: usize = 5;

/// One connection limit per server address, shared by every target that reaches it, so several
/// names (or ports) on one machine do not multiply the load on it.
#[derive(Debug, Default)]
pub struct HostLimits {
    per_host: usize,
    limits: Mutex<HashMap<IpAddr, Arc<Semaphore>>>,
}

impl HostLimits {
    pub fn new(per_host: usize) -> HostLimits {
        HostLimits {
            per_host: per_host.clamp(1, Semaphore::MAX_PERMITS),
            limits: Mutex::default(),
        }
    }

    /// The limit for `address`, made on first use.
    pub fn for_address(&self, address: IpAddr) -> Arc<Semaphore> {
        let mut limits = self.limits.lock().unwrap_or_else(PoisonError::into_inner);
        limits
            .entry(address)
            .or_insert_with(|| Arc::new(Semaphore::new(self.per_host)))
            .clone()
    }

    pub fn per_host(&self) -> usize {
        self.per_host
    }
}

/// Descriptors kept back from the connection budget for everything else the process opens
/// (standard streams, files, the runtime's own, a server's listener).
const DESCRIPTOR_RESERVE: usize = 32;

/// How many sockets the process may hold at once: its soft open-file limit (Linux's
/// `/proc/self/limits`) less [`DESCRIPTOR_RESERVE`]; 1024 less the reserve when unknown.
pub fn descriptor_budget() -> usize {
    let soft = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|limits| {
            limits
                .lines()
                .find(|line| line.starts_with("Max open files"))
                .and_then(|line| line.split_whitespace().nth(3).map(str::to_string))
        })
        .and_then(|soft| soft.parse::<usize>().ok())
        .unwrap_or(1024);
    soft.saturating_sub(DESCRIPTOR_RESERVE)
        .clamp(4, Semaphore::MAX_PERMITS)
}

/// The gate shared by a whole run.
#[derive(Debug)]
pub struct Connector {
    limits: HostLimits,
    step_timeout: Duration,
    connections: Arc<AtomicU32>,
    /// Sockets open at once in the whole process.
    descriptors: Arc<Semaphore>,
}

impl Connector {
    pub fn new(max_per_host: usize, step_timeout: Duration) -> Connector {
        Connector {
            limits: HostLimits::new(max_per_host),
            step_timeout,
            connections: Arc::new(AtomicU32::new(0)),
            descriptors: Arc::new(Semaphore::new(descriptor_budget())),
        }
    }

    /// Connections opened so far by every target (for a progress display).
    pub fn connections(&self) -> Arc<AtomicU32> {
        self.connections.clone()
    }

    pub fn max_per_host(&self) -> usize {
        self.limits.per_host()
    }

    pub fn step_timeout(&self) -> Duration {
        self.step_timeout
    }

    /// A session for one target whose time budget ends at `deadline`.
    pub fn session(self: &Arc<Self>, deadline: Instant) -> Session {
        Session {
            connector: self.clone(),
            deadline,
        }
    }
}

/// One target's use of the gate: the connector plus the target's deadline.
#[derive(Clone, Debug)]
pub struct Session {
    connector: Arc<Connector>,
    deadline: Instant,
}

/// The time allowed for one step: `--timeout`, or less when the budget ends sooner.
#[derive(Clone, Copy, Debug)]
pub struct StepClock {
    started: Instant,
    deadline: Instant,
    cut_by_budget: bool,
    timeout: Duration,
}

impl StepClock {
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Time since the step started.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// The error for this step running out of time.
    pub fn expired(&self, step: Step) -> ProbeError {
        if self.cut_by_budget {
            ProbeError::new(ErrorKind::Budget, step, "")
        } else {
            ProbeError::new(ErrorKind::Timeout(self.timeout), step, "")
        }
    }

    /// Run `work` within this step's time.
    pub async fn run<T>(
        &self,
        step: Step,
        work: impl Future<Output = Result<T, ProbeError>>,
    ) -> Result<T, ProbeError> {
        if Instant::now() >= self.deadline {
            return Err(self.expired(step));
        }
        match tokio::time::timeout_at(self.deadline, work).await {
            Ok(result) => result,
            Err(_) => Err(self.expired(step)),
        }
    }
}

impl Session {
    /// A session without a budget beyond `budget` from now (tests and one-off probes).
    pub fn with_budget(connector: &Arc<Connector>, budget: Duration) -> Session {
        connector.session(Instant::now() + budget)
    }

    /// The clock for a step starting now.
    pub fn step(&self) -> StepClock {
        let timeout = self.connector.step_timeout;
        let started = Instant::now();
        let by_timeout = started + timeout;
        StepClock {
            started,
            deadline: by_timeout.min(self.deadline),
            cut_by_budget: self.deadline < by_timeout,
            timeout,
        }
    }

    /// The budget ran out.
    pub fn out_of_budget(&self) -> bool {
        Instant::now() >= self.deadline
    }

    pub fn step_timeout(&self) -> Duration {
        self.connector.step_timeout
    }

    pub fn max_per_host(&self) -> usize {
        self.connector.max_per_host()
    }

    /// Open a TCP connection to `address` through the gate. The permit is held until the
    /// returned [`Connection`] is dropped. Waiting for the permit is bounded by the budget only
    /// (the wait is ours, not the server's); the step's clock starts once the permit is held,
    /// bounds the connect, and is returned for the rest of the step (the exchange on the
    /// connection).
    pub async fn connect(
        &self,
        address: SocketAddr,
    ) -> Result<(Connection, StepClock), ProbeError> {
        let limit = self.connector.limits.for_address(address.ip());
        let permit = match tokio::time::timeout_at(self.deadline, limit.acquire_owned()).await {
            Err(_) => return Err(ProbeError::new(ErrorKind::Budget, Step::Connect, "")),
            Ok(Err(_)) => {
                return Err(ProbeError::new(
                    ErrorKind::Internal,
                    Step::Connect,
                    "connection limit closed",
                ))
            }
            Ok(Ok(permit)) => permit,
        };
        // A descriptor of the process's budget: waiting for one is ours too.
        let descriptor = match tokio::time::timeout_at(
            self.deadline,
            self.connector.descriptors.clone().acquire_owned(),
        )
        .await
        {
            Err(_) => return Err(ProbeError::new(ErrorKind::Budget, Step::Connect, "")),
            Ok(Err(_)) => {
                return Err(ProbeError::new(
                    ErrorKind::Internal,
                    Step::Connect,
                    "descriptor budget closed",
                ))
            }
            Ok(Ok(descriptor)) => descriptor,
        };
        self.connector.connections.fetch_add(1, Ordering::Relaxed);
        let stream = loop {
            let clock = self.step();
            let attempt = clock
                .run(Step::Connect, async {
                    TcpStream::connect(address).await.map_err(|error| {
                        if is_descriptor_shortage(&error) {
                            ProbeError::new(ErrorKind::Internal, Step::Connect, DESCRIPTOR_SHORTAGE)
                        } else {
                            io_error(&error, Step::Connect)
                        }
                    })
                })
                .await;
            match attempt {
                // Something else holds the descriptors for now: wait, within the budget.
                Err(error) if error.detail == DESCRIPTOR_SHORTAGE => {
                    if Instant::now() + SHORTAGE_WAIT >= self.deadline {
                        return Err(ProbeError::new(ErrorKind::Budget, Step::Connect, ""));
                    }
                    tokio::time::sleep(SHORTAGE_WAIT).await;
                }
                other => break (other?, clock),
            }
        };
        let (stream, clock) = stream;
        // Small request/response exchanges: don't let Nagle delay them.
        let _ = stream.set_nodelay(true);
        Ok((
            Connection {
                stream,
                _permit: permit,
                _descriptor: descriptor,
            },
            clock,
        ))
    }

    /// Run `attempt` and, when it fails with a reset, once more.
    pub async fn retry_reset<T, F, Fut>(&self, mut attempt: F) -> Result<T, ProbeError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, ProbeError>>,
    {
        match attempt().await {
            Err(error) if error.kind == ErrorKind::Reset => attempt().await,
            other => other,
        }
    }
}

/// An I/O error as a probe error at `step`.
pub fn io_error(error: &io::Error, step: Step) -> ProbeError {
    let kind = match error.kind() {
        io::ErrorKind::ConnectionRefused => ErrorKind::Refused,
        io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::BrokenPipe => ErrorKind::Reset,
        io::ErrorKind::UnexpectedEof => ErrorKind::Closed,
        io::ErrorKind::TimedOut => ErrorKind::Connect,
        _ if step == Step::Connect => ErrorKind::Connect,
        _ => ErrorKind::Protocol,
    };
    ProbeError::new(kind, step, error.to_string())
}

/// A TCP connection that holds its per-address permit until it is dropped.
#[derive(Debug)]
pub struct Connection {
    stream: TcpStream,
    _permit: OwnedSemaphorePermit,
    _descriptor: OwnedSemaphorePermit,
}

const DESCRIPTOR_SHORTAGE: &str = "the process has no file descriptor free";
const SHORTAGE_WAIT: Duration = Duration::from_millis(25);

/// EMFILE or ENFILE: out of descriptors, for the process or the system.
fn is_descriptor_shortage(error: &io::Error) -> bool {
    matches!(error.raw_os_error(), Some(23 | 24))
}

impl AsyncRead for Connection {
    fn poll_read(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buffer: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(context, buffer)
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        bytes: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(context, bytes)
    }

    fn poll_flush(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(context)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(context)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_on_one_address_share_one_connection_limit() {
        let limits = HostLimits::new(3);
        let here: IpAddr = "127.0.0.1".parse().unwrap();
        let there: IpAddr = "::1".parse().unwrap();
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
        assert_eq!(
            HostLimits::new(usize::MAX).per_host(),
            Semaphore::MAX_PERMITS
        );
    }

    #[tokio::test]
    async fn a_connection_holds_its_permit_until_dropped() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let connector = Arc::new(Connector::new(1, Duration::from_secs(5)));
        let session = Session::with_budget(&connector, Duration::from_secs(5));
        let (first, _) = session.connect(address).await.unwrap();
        let limit = connector.limits.for_address(address.ip());
        assert_eq!(limit.available_permits(), 0);
        drop(first);
        assert_eq!(limit.available_permits(), 1);
        assert_eq!(connector.connections.load(Ordering::Relaxed), 1);
    }

    #[tokio::test]
    async fn waiting_past_the_budget_is_a_budget_error_not_a_timeout() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let connector = Arc::new(Connector::new(1, Duration::from_secs(5)));
        let session = Session::with_budget(&connector, Duration::from_millis(200));
        let _held = session.connect(address).await.unwrap();
        let error = session.connect(address).await.unwrap_err();
        assert_eq!(error.kind, ErrorKind::Budget);
        let clock = session.step();
        assert_eq!(clock.expired(Step::Handshake).kind, ErrorKind::Budget);
    }

    #[tokio::test]
    async fn a_refused_connection_is_refused() {
        let address = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap()
        };
        let connector = Arc::new(Connector::new(2, Duration::from_secs(5)));
        let session = Session::with_budget(&connector, Duration::from_secs(5));
        let error = session.connect(address).await.unwrap_err();
        assert_eq!(error.kind, ErrorKind::Refused);
        assert_eq!(error.step, Step::Connect);
    }

    #[tokio::test]
    async fn a_reset_is_retried_once() {
        let connector = Arc::new(Connector::new(2, Duration::from_secs(5)));
        let session = Session::with_budget(&connector, Duration::from_secs(5));
        let mut attempts = 0;
        let result: Result<(), ProbeError> = session
            .retry_reset(|| {
                attempts += 1;
                std::future::ready(Err(ProbeError::new(ErrorKind::Reset, Step::Handshake, "")))
            })
            .await;
        assert_eq!(attempts, 2);
        assert_eq!(result.unwrap_err().kind, ErrorKind::Reset);
    }
}
