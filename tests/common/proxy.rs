//! TCP proxies on 127.0.0.1 in threads of the test: count how many connections a client holds
//! open at once (read from the kernel's socket tables), delay a server's replies, or withhold
//! the answer to chosen ClientHellos.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use super::tls_records::{read_first_flight, ClientHello};

/// How often the [`ConnectionCounter`]'s sampler reads the socket tables.
const SAMPLE_INTERVAL: Duration = Duration::from_millis(1);
/// How long a proxy waits for its backend to accept a connection.
const BACKEND_CONNECT_LIMIT: Duration = Duration::from_secs(5);
/// The slices in which delays are slept, so dropping a proxy never waits for a whole delay.
const PAUSE_SLICE: Duration = Duration::from_millis(5);
/// The kernel's TCP socket table for IPv4.
const TCP4_TABLE: &str = "/proc/net/tcp";
/// The kernel's TCP socket table for IPv6 (and IPv4-mapped addresses).
const TCP6_TABLE: &str = "/proc/net/tcp6";
/// The kernel's IPv6 socket counts: `TCP6: inuse N`.
const SOCKSTAT6: &str = "/proc/net/sockstat6";
/// The kernel's protocol counters, with TCP's `ActiveOpens` (every connect() so far).
const SNMP: &str = "/proc/net/snmp";
/// seq_file returns a short read only at the end of a table or when its page buffer is full,
/// which is then fuller than this.
const SHORT_READ: usize = 2048;

/// Locks `mutex`, carrying on if a thread panicked while holding it (the data stay usable).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

// ---------------------------------------------------------------------------------------------
// Counting connections

/// What a [`ConnectionCounter`] shares with its sampler thread and its proxies.
struct CounterState {
    /// The proxy ports being counted.
    ports: Mutex<Vec<u16>>,
    peak: AtomicUsize,
    accepted: AtomicUsize,
    stop: AtomicBool,
    /// Set (and the sampler woken) when a proxy accepted a connection.
    sample_requested: Mutex<bool>,
    wake_sampler: Condvar,
}

impl CounterState {
    /// Counts the client sockets open towards the counted ports now, raising the peak to it.
    fn sample(&self) -> usize {
        let ports = lock(&self.ports).clone();
        if ports.is_empty() {
            return 0;
        }
        let open = client_sockets_towards(&ports);
        self.peak.fetch_max(open, Ordering::SeqCst);
        open
    }

    /// Counts an accepted connection and has the sampler walk the tables at once (not on the
    /// accept thread: a walk takes milliseconds). The connection was open at some moment even
    /// if the client closes it before the walk (a fast client often does), so the peak is at
    /// least 1 from here on.
    fn record_accept(&self) {
        self.accepted.fetch_add(1, Ordering::SeqCst);
        self.peak.fetch_max(1, Ordering::SeqCst);
        *lock(&self.sample_requested) = true;
        self.wake_sampler.notify_all();
    }

    /// The sampler thread: walks the tables when a proxy accepted, or when `ActiveOpens` moved,
    /// checking every [`SAMPLE_INTERVAL`]; after a walk, rests as long as the walk took, so it
    /// never takes over half a core however large the tables grow.
    fn run_sampler(&self) {
        // ActiveOpens as read before the last walk; `None` (unreadable) walks every time.
        let mut walked_at = None;
        while !self.stop.load(Ordering::SeqCst) {
            let opens = active_opens();
            let requested = std::mem::take(&mut *lock(&self.sample_requested));
            if requested || opens.is_none() || opens != walked_at {
                walked_at = opens;
                let started = Instant::now();
                self.sample();
                thread::sleep(started.elapsed().max(SAMPLE_INTERVAL));
                continue;
            }
            let requested = lock(&self.sample_requested);
            if !*requested && !self.stop.load(Ordering::SeqCst) {
                let _ = self
                    .wake_sampler
                    .wait_timeout(requested, SAMPLE_INTERVAL)
                    .unwrap_or_else(PoisonError::into_inner);
            }
        }
    }
}

/// The peak number of connections a client held open at once towards one or more
/// [`TcpProxy`]s (those built with [`TcpProxyBuilder::counted_by`]), e.g. one in front of a
/// server's HTTPS port and one in front of its plain-HTTP port.
///
/// The count comes from the kernel, not from the proxy's threads (whose accept and EOF order is
/// racy): a sample reads `/proc/net/tcp` and `/proc/net/tcp6` and counts the client-side
/// sockets whose remote address is loopback, whose remote port is a counted proxy port, and
/// whose state is SYN_SENT, ESTABLISHED or CLOSE_WAIT (the server closed, the client still
/// holds the socket). The proxy's own sockets towards its backend have the backend's port as
/// remote port, so they never count.
///
/// Samples are taken by [`ConnectionCounter::peak`] and [`ConnectionCounter::open_now`], and by
/// a sampler thread, woken at once by every accept and otherwise looking every ~1 ms while the
/// counter lives. Reading a table is costly: the kernel walks its whole established-socket hash
/// table and prints every socket, TIME_WAIT ones included (measured on a 24 GB machine whose
/// table has 262144 buckets: ~2.5 ms per table with no sockets, ~45 ms with 28 000 sockets in
/// TIME_WAIT). So the sampler walks only when a proxy accepted or TCP's `ActiveOpens` counter in
/// `/proc/net/snmp` (cheap to read) has moved since its last walk (the counted set only grows by
/// a connect(), so a quiet table needs no walk), rests after each walk as long as the walk took
/// (at most half a core), and skips `/proc/net/tcp6` while `/proc/net/sockstat6` says no IPv6
/// TCP socket exists. The
/// kernel lists the table in page-sized reads, resuming each where the last stopped while
/// sockets come and go, so a socket can be listed twice: sockets are counted once by address.
///
/// An overlap shorter than a walk (or than the rest between walks) may be missed, and a client
/// that connects, writes a byte and closes is often gone before the walk: an accept therefore
/// raises the peak to at least 1. [`TcpProxyBuilder::forward_delay`] makes each connection last
/// as long as needed for an overlap to show.
///
/// Dropping the counter stops and joins its sampler.
pub struct ConnectionCounter {
    state: Arc<CounterState>,
    sampler: Option<JoinHandle<()>>,
}

impl ConnectionCounter {
    /// Starts the sampler. Panics, loudly, where the kernel has no `/proc/net/tcp` (not Linux).
    pub fn new() -> ConnectionCounter {
        assert!(
            Path::new(TCP4_TABLE).is_file(),
            "ConnectionCounter reads the kernel's socket table {TCP4_TABLE}, which this system \
             does not have: the connection-counting tests need Linux"
        );
        let state = Arc::new(CounterState {
            ports: Mutex::new(Vec::new()),
            peak: AtomicUsize::new(0),
            accepted: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
            sample_requested: Mutex::new(false),
            wake_sampler: Condvar::new(),
        });
        let sampling = Arc::clone(&state);
        let sampler = thread::Builder::new()
            .name("connection-counter".to_string())
            .spawn(move || sampling.run_sampler())
            .expect("start the connection counter's sampler");
        ConnectionCounter {
            state,
            sampler: Some(sampler),
        }
    }

    /// The most client connections seen open at once towards the counted proxies so far
    /// (sampling once more now).
    pub fn peak(&self) -> usize {
        self.state.sample();
        self.state.peak.load(Ordering::SeqCst)
    }

    /// How many connections the counted proxies accepted so far.
    pub fn connections_seen(&self) -> usize {
        self.state.accepted.load(Ordering::SeqCst)
    }

    /// The client connections open towards the counted proxies right now (also counted towards
    /// the peak), e.g. to check a client closed everything it opened.
    pub fn open_now(&self) -> usize {
        self.state.sample()
    }
}

impl Default for ConnectionCounter {
    fn default() -> ConnectionCounter {
        ConnectionCounter::new()
    }
}

impl Drop for ConnectionCounter {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::SeqCst);
        {
            let _requested = lock(&self.state.sample_requested);
            self.state.wake_sampler.notify_all();
        }
        if let Some(sampler) = self.sampler.take() {
            let _ = sampler.join();
        }
    }
}

/// The client-side sockets in the kernel's tables connected (or connecting) to one of `ports`
/// on loopback, and not yet closed by the client.
fn client_sockets_towards(ports: &[u16]) -> usize {
    let mut tables = vec![TCP4_TABLE];
    if ipv6_tcp_sockets_exist() {
        tables.push(TCP6_TABLE);
    }
    tables
        .into_iter()
        .filter_map(read_socket_table)
        .map(|table| {
            // The table comes in page-sized reads, and the kernel resumes each read from where
            // the last stopped while sockets come and go: a socket can be listed twice. Its
            // local and remote addresses identify it.
            let sockets: HashSet<(&str, &str)> = table
                .lines()
                .skip(1)
                .filter_map(|line| open_client_socket(line, ports))
                .collect();
            sockets.len()
        })
        .sum()
}

/// A socket table in one walk of the kernel's hash table: reading on to the EOF read would walk
/// it all again, so a short read (see [`SHORT_READ`]) ends the table.
fn read_socket_table(path: &str) -> Option<String> {
    let mut file = fs::File::open(path).ok()?;
    let mut table = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        match file.read(&mut chunk) {
            Ok(read) => {
                table.extend_from_slice(&chunk[..read]);
                if read < SHORT_READ {
                    break;
                }
            }
            Err(error) if error.kind() == ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    String::from_utf8(table).ok()
}

/// Whether `/proc/net/sockstat6` counts any IPv6 TCP socket in use (true when unreadable).
fn ipv6_tcp_sockets_exist() -> bool {
    let Ok(counts) = fs::read_to_string(SOCKSTAT6) else {
        return true;
    };
    counts
        .lines()
        .find_map(|line| line.strip_prefix("TCP6: inuse "))
        .and_then(|count| count.split_whitespace().next())
        .and_then(|count| count.parse::<u64>().ok())
        .is_none_or(|count| count > 0)
}

/// TCP's `ActiveOpens` from `/proc/net/snmp`: how many connect()s this network namespace made.
fn active_opens() -> Option<u64> {
    let counters = fs::read_to_string(SNMP).ok()?;
    let mut tcp = counters.lines().filter(|line| line.starts_with("Tcp:"));
    let names = tcp.next()?;
    let values = tcp.next()?;
    let column = names
        .split_whitespace()
        .position(|name| name == "ActiveOpens")?;
    values.split_whitespace().nth(column)?.parse().ok()
}

/// The local and remote address of the socket on one line of `/proc/net/tcp{,6}`
/// (`sl local_address rem_address st ...`), if its remote end is a loopback port in `ports`
/// and its state SYN_SENT (02), ESTABLISHED (01) or CLOSE_WAIT (08).
fn open_client_socket<'a>(line: &'a str, ports: &[u16]) -> Option<(&'a str, &'a str)> {
    let mut fields = line.split_whitespace();
    let (Some(_slot), Some(local), Some(remote), Some(state)) =
        (fields.next(), fields.next(), fields.next(), fields.next())
    else {
        return None;
    };
    let (address, port) = remote.split_once(':')?;
    let counted = matches!(state, "01" | "02" | "08")
        && u16::from_str_radix(port, 16).is_ok_and(|port| ports.contains(&port))
        && is_loopback_hex(address);
    counted.then_some((local, remote))
}

/// Whether an address as the kernel prints it in `/proc/net/tcp{,6}` (each 32-bit word in host
/// byte order, as hex) is loopback: 127.0.0.0/8, ::1, or ::ffff:127.x.x.x.
fn is_loopback_hex(address: &str) -> bool {
    let word = |hex: &str| u32::from_str_radix(hex, 16).ok().map(u32::to_ne_bytes);
    match address.len() {
        8 => word(address).is_some_and(|bytes| Ipv4Addr::from(bytes).is_loopback()),
        32 => {
            let mut bytes = [0u8; 16];
            for (index, chunk) in bytes.chunks_exact_mut(4).enumerate() {
                match address.get(index * 8..index * 8 + 8).and_then(word) {
                    Some(word) => chunk.copy_from_slice(&word),
                    None => return false,
                }
            }
            let address = Ipv6Addr::from(bytes);
            address.is_loopback()
                || address
                    .to_ipv4_mapped()
                    .is_some_and(|mapped| mapped.is_loopback())
        }
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------------
// The proxy

/// Decides from a client's ClientHello whether a [`TcpProxy`] withholds the answer.
type StallPredicate = Arc<dyn Fn(&ClientHello) -> bool + Send + Sync>;

/// How a [`TcpProxy`] treats its connections; [`TcpProxy::to`] starts one.
pub struct TcpProxyBuilder {
    backend: SocketAddr,
    counter: Option<Arc<CounterState>>,
    forward_delay: Duration,
    reply_delay: Duration,
    stall_when: Option<StallPredicate>,
}

impl TcpProxyBuilder {
    /// Counts this proxy's connections in `counter` (several proxies may share one counter).
    pub fn counted_by(mut self, counter: &ConnectionCounter) -> TcpProxyBuilder {
        self.counter = Some(Arc::clone(&counter.state));
        self
    }

    /// Holds each accepted connection `delay` before connecting to the backend and forwarding
    /// the client's first bytes, so a client's connections overlap (a client that opens the next
    /// connection before the last one ends shows in [`ConnectionCounter::peak`]).
    pub fn forward_delay(mut self, delay: Duration) -> TcpProxyBuilder {
        self.forward_delay = delay;
        self
    }

    /// Holds the server's first reply bytes on every connection `delay`, then forwards normally:
    /// a server that answers every handshake (or request) `delay` late.
    pub fn reply_delay(mut self, delay: Duration) -> TcpProxyBuilder {
        self.reply_delay = delay;
        self
    }

    /// Reads each client's first TLS records; if they hold a ClientHello for which `predicate`
    /// is true, never answers (nothing reaches the backend, and the connection is held open
    /// until the client closes it or the proxy is dropped). Anything else, including bytes that
    /// are not a ClientHello, is forwarded normally, first bytes included.
    pub fn stall_when(
        mut self,
        predicate: impl Fn(&ClientHello) -> bool + Send + Sync + 'static,
    ) -> TcpProxyBuilder {
        self.stall_when = Some(Arc::new(predicate));
        self
    }

    /// [`TcpProxyBuilder::stall_when`] the ClientHello offers TLS 1.3 (`supported_versions`
    /// lists 0x0304): in front of a TLS 1.2 and 1.3 server, only the TLS 1.3 handshakes time out.
    pub fn stall_tls13(self) -> TcpProxyBuilder {
        self.stall_when(ClientHello::offers_tls13)
    }

    /// Binds 127.0.0.1 on a free port and starts accepting.
    pub fn start(self) -> TcpProxy {
        let listener =
            TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind the proxy to 127.0.0.1:0");
        let addr = listener.local_addr().expect("proxy address");
        if let Some(counter) = &self.counter {
            lock(&counter.ports).push(addr.port());
        }
        let shared = Arc::new(ProxyShared {
            backend: self.backend,
            counter: self.counter,
            forward_delay: self.forward_delay,
            reply_delay: self.reply_delay,
            stall_when: self.stall_when,
            stop: AtomicBool::new(false),
            open: Mutex::new(HashMap::new()),
            workers: Mutex::new(Vec::new()),
            next_id: AtomicU64::new(0),
            accepted: AtomicUsize::new(0),
            stalled: AtomicUsize::new(0),
        });
        let accepting = Arc::clone(&shared);
        let accept_thread = thread::Builder::new()
            .name(format!("proxy-{}", addr.port()))
            .spawn(move || accept_loop(&accepting, &listener))
            .expect("start the proxy's accept thread");
        TcpProxy {
            addr,
            shared,
            accept_thread: Some(accept_thread),
        }
    }
}

/// A TCP proxy on 127.0.0.1, in threads of the test, forwarding every connection it accepts to
/// a backend address (both directions copied as they come). When one side closes, the proxy
/// passes the close on to the other (a FIN after any bytes still in flight, never a reset that
/// could discard them), and the connection ends once both sides have closed; a reset or error
/// on either side tears down both. Built with [`TcpProxy::to`]; options count connections,
/// delay or withhold replies.
///
/// Dropping the proxy closes its listener and every connection, and joins its threads.
pub struct TcpProxy {
    addr: SocketAddr,
    shared: Arc<ProxyShared>,
    accept_thread: Option<JoinHandle<()>>,
}

/// What a [`TcpProxy`] shares with its threads.
struct ProxyShared {
    backend: SocketAddr,
    counter: Option<Arc<CounterState>>,
    forward_delay: Duration,
    reply_delay: Duration,
    stall_when: Option<StallPredicate>,
    stop: AtomicBool,
    /// Clones of every open socket, by connection, so dropping the proxy can shut them down.
    /// A connection removes its entry when it ends (a clone left here would keep it open).
    open: Mutex<HashMap<u64, Vec<TcpStream>>>,
    workers: Mutex<Vec<JoinHandle<()>>>,
    next_id: AtomicU64,
    accepted: AtomicUsize,
    stalled: AtomicUsize,
}

impl TcpProxy {
    /// A proxy to `backend`, to configure and [`TcpProxyBuilder::start`].
    pub fn to(backend: SocketAddr) -> TcpProxyBuilder {
        TcpProxyBuilder {
            backend,
            counter: None,
            forward_delay: Duration::ZERO,
            reply_delay: Duration::ZERO,
            stall_when: None,
        }
    }

    /// A plain forwarding proxy to `backend` counted by `counter`.
    pub fn counting(backend: SocketAddr, counter: &ConnectionCounter) -> TcpProxy {
        TcpProxy::to(backend).counted_by(counter).start()
    }

    /// A proxy making `backend` answer every connection `delay` late (its first reply bytes).
    pub fn delaying_replies(backend: SocketAddr, delay: Duration) -> TcpProxy {
        TcpProxy::to(backend).reply_delay(delay).start()
    }

    /// A proxy that never answers ClientHellos offering TLS 1.3 and forwards everything else
    /// to `backend`.
    pub fn stalling_tls13(backend: SocketAddr) -> TcpProxy {
        TcpProxy::to(backend).stall_tls13().start()
    }

    /// The address clients connect to: 127.0.0.1 and the proxy's port.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The proxy's port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// How many connections this proxy accepted so far.
    pub fn connections_accepted(&self) -> usize {
        self.shared.accepted.load(Ordering::SeqCst)
    }

    /// How many connections this proxy withheld the answer from (see
    /// [`TcpProxyBuilder::stall_when`]).
    pub fn connections_stalled(&self) -> usize {
        self.shared.stalled.load(Ordering::SeqCst)
    }
}

impl Drop for TcpProxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Stop counting this port first: the connection that wakes the accept loop is ours.
        if let Some(counter) = &self.shared.counter {
            lock(&counter.ports).retain(|port| *port != self.addr.port());
        }
        // Wake the blocking accept; the loop sees `stop` and returns, closing the listener.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(accept_thread) = self.accept_thread.take() {
            let _ = accept_thread.join();
        }
        // Connections registering a socket from now on see `stop` under this lock and give up.
        for streams in lock(&self.shared.open).values() {
            for stream in streams {
                let _ = stream.shutdown(Shutdown::Both);
            }
        }
        let workers = std::mem::take(&mut *lock(&self.shared.workers));
        for worker in workers {
            let _ = worker.join();
        }
    }
}

impl ProxyShared {
    /// Records a clone of `stream` under connection `id`, for shutdown on drop; false when the
    /// proxy is stopping (then the caller drops the connection).
    fn register(&self, id: u64, stream: &TcpStream) -> bool {
        let mut open = lock(&self.open);
        if self.stop.load(Ordering::SeqCst) {
            return false;
        }
        match stream.try_clone() {
            Ok(clone) => {
                open.entry(id).or_default().push(clone);
                true
            }
            Err(_) => false,
        }
    }

    /// Forgets connection `id`'s sockets, so they close when its threads drop them.
    fn forget(&self, id: u64) {
        lock(&self.open).remove(&id);
    }

    /// Sleeps `delay`, in slices; false if the proxy is being dropped meanwhile.
    fn pause(&self, delay: Duration) -> bool {
        let until = Instant::now() + delay;
        loop {
            if self.stop.load(Ordering::SeqCst) {
                return false;
            }
            let now = Instant::now();
            if now >= until {
                return true;
            }
            thread::sleep(PAUSE_SLICE.min(until - now));
        }
    }
}

fn accept_loop(shared: &Arc<ProxyShared>, listener: &TcpListener) {
    for incoming in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            return;
        }
        let client = match incoming {
            Ok(client) => client,
            Err(_) => {
                // E.g. out of file descriptors: let some close.
                thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        shared.accepted.fetch_add(1, Ordering::SeqCst);
        if let Some(counter) = &shared.counter {
            counter.record_accept();
        }
        let id = shared.next_id.fetch_add(1, Ordering::SeqCst);
        if !shared.register(id, &client) {
            continue;
        }
        let connection = Arc::clone(shared);
        let spawned = thread::Builder::new()
            .name(format!("proxy-connection-{id}"))
            .spawn(move || {
                relay(&connection, id, client);
                connection.forget(id);
            });
        match spawned {
            Ok(worker) => {
                let mut workers = lock(&shared.workers);
                // Finished workers need no join; dropping their handles keeps the list short.
                workers.retain(|worker| !worker.is_finished());
                workers.push(worker);
            }
            Err(_) => shared.forget(id),
        }
    }
}

/// Serves one accepted connection until both sides have closed or the proxy stops.
fn relay(shared: &Arc<ProxyShared>, id: u64, mut client: TcpStream) {
    if !shared.pause(shared.forward_delay) {
        return;
    }
    let mut first_bytes = Vec::new();
    if let Some(stall_when) = &shared.stall_when {
        first_bytes = read_first_flight(&mut client);
        if ClientHello::parse(&first_bytes).is_some_and(|hello| stall_when(&hello)) {
            shared.stalled.fetch_add(1, Ordering::SeqCst);
            hold_until_closed(&mut client);
            return;
        }
    }
    let Ok(mut backend) = TcpStream::connect_timeout(&shared.backend, BACKEND_CONNECT_LIMIT) else {
        return;
    };
    if !shared.register(id, &backend) || backend.write_all(&first_bytes).is_err() {
        return;
    }
    let (Ok(client_writer), Ok(backend_reader)) = (client.try_clone(), backend.try_clone()) else {
        return;
    };
    let replying = Arc::clone(shared);
    let replies = thread::Builder::new()
        .name(format!("proxy-replies-{id}"))
        .spawn(move || {
            let delay = replying.reply_delay;
            copy_until_closed(&replying, backend_reader, client_writer, delay);
        });
    let Ok(replies) = replies else {
        let _ = client.shutdown(Shutdown::Both);
        let _ = backend.shutdown(Shutdown::Both);
        return;
    };
    copy_until_closed(shared, client, backend, Duration::ZERO);
    let _ = replies.join();
}

/// Reads and discards what the client sends until it closes (or the proxy shuts the socket).
fn hold_until_closed(client: &mut TcpStream) {
    let mut buffer = [0u8; 4096];
    loop {
        match client.read(&mut buffer) {
            Ok(0) => return,
            Ok(_) => {}
            Err(error) if error.kind() == ErrorKind::Interrupted => {}
            Err(_) => return,
        }
    }
}

/// Copies `from` to `to` until `from` closes (then closes `to` for writing, passing the FIN on)
/// or either fails (then shuts both down entirely). The first bytes wait `first_delay`.
fn copy_until_closed(
    shared: &ProxyShared,
    mut from: TcpStream,
    mut to: TcpStream,
    first_delay: Duration,
) {
    let mut buffer = [0u8; 16 * 1024];
    let mut waited = first_delay.is_zero();
    loop {
        match from.read(&mut buffer) {
            Ok(0) => {
                let _ = to.shutdown(Shutdown::Write);
                return;
            }
            Ok(read) => {
                if !waited {
                    waited = true;
                    if !shared.pause(first_delay) {
                        return;
                    }
                }
                if to.write_all(&buffer[..read]).is_err() {
                    break;
                }
            }
            Err(error) if error.kind() == ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    let _ = from.shutdown(Shutdown::Both);
    let _ = to.shutdown(Shutdown::Both);
}
