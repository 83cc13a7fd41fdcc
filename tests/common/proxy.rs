//! TCP proxies on 127.0.0.1 in threads of the test: count how many connections a client holds
//! open at once (from the kernel's TCP state of each connection), delay a server's replies, or
//! withhold the answer to chosen ClientHellos.

use std::collections::HashMap;
use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use super::tls_records::{read_first_flight, ClientHello};

/// How long a proxy waits for its backend to accept a connection.
const BACKEND_CONNECT_LIMIT: Duration = Duration::from_secs(5);
/// The slices in which delays are slept, so dropping a proxy never waits for a whole delay.
const PAUSE_SLICE: Duration = Duration::from_millis(5);
/// Locks `mutex`, carrying on if a thread panicked while holding it (the data stay usable).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

// ---------------------------------------------------------------------------------------------
// Counting connections

/// What a [`ConnectionCounter`] shares with its proxies.
struct CounterState {
    /// The counted proxies.
    proxies: Mutex<Vec<Weak<ProxyShared>>>,
    peak: AtomicUsize,
    accepted: AtomicUsize,
}

impl CounterState {
    /// The client connections open now towards the counted proxies: those whose client has
    /// not closed its side.
    fn open_now(&self) -> usize {
        let proxies: Vec<Arc<ProxyShared>> = lock(&self.proxies)
            .iter()
            .filter_map(Weak::upgrade)
            .collect();
        proxies
            .iter()
            .map(|proxy| {
                lock(&proxy.open)
                    .values()
                    .filter_map(|sockets| sockets.first())
                    .filter(|client| client_still_open(client))
                    .count()
            })
            .sum()
    }

    /// Counts a connection just accepted (and registered) and raises the peak to what is open.
    fn record_accept(&self) {
        self.accepted.fetch_add(1, Ordering::SeqCst);
        let open = self.open_now().max(1);
        self.peak.fetch_max(open, Ordering::SeqCst);
    }
}

/// The peak number of connections a client held open at once towards one or more
/// [`TcpProxy`]s (those built with [`TcpProxyBuilder::counted_by`]), e.g. one in front of a
/// server's HTTPS port and one in front of its plain-HTTP port.
///
/// Counted at every accept, from the kernel's TCP state of the proxy's side of each connection
/// (`TCP_INFO`): a connection counts while its client has not closed it (ESTABLISHED, or
/// FIN_WAIT when the server closed first and the client still holds its socket). On loopback a
/// client's FIN is processed before its `close()` returns, so a connection the client closed
/// before opening the next one is never counted with it; since the count only rises at an
/// accept, counting there sees every peak. Exact, unlike sampling the socket tables (whose
/// walk is not a snapshot: a socket closed during a walk and one opened during it are both
/// listed). Linux only.
pub struct ConnectionCounter {
    state: Arc<CounterState>,
}

impl ConnectionCounter {
    pub fn new() -> ConnectionCounter {
        ConnectionCounter {
            state: Arc::new(CounterState {
                proxies: Mutex::new(Vec::new()),
                peak: AtomicUsize::new(0),
                accepted: AtomicUsize::new(0),
            }),
        }
    }

    /// The most client connections seen open at once towards the counted proxies so far.
    pub fn peak(&self) -> usize {
        self.state.peak.load(Ordering::SeqCst)
    }

    /// How many connections the counted proxies accepted so far.
    pub fn connections_seen(&self) -> usize {
        self.state.accepted.load(Ordering::SeqCst)
    }

    /// The client connections open towards the counted proxies right now, e.g. to check a
    /// client closed everything it opened.
    pub fn open_now(&self) -> usize {
        self.state.open_now()
    }
}

impl Default for ConnectionCounter {
    fn default() -> ConnectionCounter {
        ConnectionCounter::new()
    }
}

/// TCP states (include/net/tcp_states.h) in which the peer has not sent its FIN.
const TCP_ESTABLISHED: u8 = 1;
const TCP_FIN_WAIT1: u8 = 4;
const TCP_FIN_WAIT2: u8 = 5;

/// Whether the client of this accepted socket still holds its side open.
fn client_still_open(socket: &TcpStream) -> bool {
    matches!(
        tcp_state(socket),
        Some(TCP_ESTABLISHED | TCP_FIN_WAIT1 | TCP_FIN_WAIT2)
    )
}

/// The kernel's state of a TCP socket, the first byte of `struct tcp_info`.
fn tcp_state(socket: &TcpStream) -> Option<u8> {
    use std::os::fd::AsRawFd;
    extern "C" {
        fn getsockopt(socket: i32, level: i32, name: i32, value: *mut u8, length: *mut u32) -> i32;
    }
    const IPPROTO_TCP: i32 = 6;
    const TCP_INFO: i32 = 11;
    let mut info = [0u8; 256];
    let mut length = info.len() as u32;
    // SAFETY: the buffer and its length describe valid, writable memory for the call; the
    // socket is open for the duration of the borrow.
    let result = unsafe {
        getsockopt(
            socket.as_raw_fd(),
            IPPROTO_TCP,
            TCP_INFO,
            info.as_mut_ptr(),
            &mut length,
        )
    };
    (result == 0 && length > 0).then_some(info[0])
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
    listen_on: Ipv4Addr,
    port: u16,
}

impl TcpProxyBuilder {
    /// Listens on `port` instead of a free one (to serve one port on two loopback addresses).
    pub fn port(mut self, port: u16) -> TcpProxyBuilder {
        self.port = port;
        self
    }

    /// Listens on another loopback address than 127.0.0.1 (any of 127.0.0.0/8), so the proxy
    /// counts as another server for a per-address connection limit.
    pub fn listen_on(mut self, address: Ipv4Addr) -> TcpProxyBuilder {
        assert!(address.is_loopback(), "{address} is not a loopback address");
        self.listen_on = address;
        self
    }

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

    /// Binds 127.0.0.1 (or the address given to [`TcpProxyBuilder::listen_on`]) on a free port
    /// and starts accepting.
    pub fn start(self) -> TcpProxy {
        let listener = TcpListener::bind((self.listen_on, self.port)).unwrap_or_else(|error| {
            panic!(
                "bind the proxy to {}:{}: {error}",
                self.listen_on, self.port
            )
        });
        let addr = listener.local_addr().expect("proxy address");
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
        if let Some(counter) = &shared.counter {
            lock(&counter.proxies).push(Arc::downgrade(&shared));
        }
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
            listen_on: Ipv4Addr::LOCALHOST,
            port: 0,
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
        // Stop counting this proxy first: the connection that wakes the accept loop is ours.
        if let Some(counter) = &self.shared.counter {
            let this = Arc::downgrade(&self.shared);
            lock(&counter.proxies).retain(|proxy| !proxy.ptr_eq(&this));
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
        let id = shared.next_id.fetch_add(1, Ordering::SeqCst);
        if !shared.register(id, &client) {
            continue;
        }
        if let Some(counter) = &shared.counter {
            counter.record_accept();
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
