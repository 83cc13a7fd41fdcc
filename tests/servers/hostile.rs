//! Scripted hostile servers, in-process: a TCP listener on 127.0.0.1 whose every connection is
//! answered with one [`Behaviour`] — a reset, a close, silence, HTTP or an SSH banner on the TLS
//! port, random bytes, an unassigned alert, and the TLS framing tricks no real server plays
//! (one-byte records, endless empty records, records and messages of absurd announced lengths,
//! HelloRetryRequests without end). Dropping the server stops its threads and closes every
//! connection.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{sleep, JoinHandle};
use std::time::{Duration, Instant};

/// How long a connection is held open at most, whatever the behaviour.
const HOLD_LIMIT: Duration = Duration::from_secs(30);

/// What the server does with each connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Behaviour {
    /// Accepts and resets at once (SO_LINGER 0): the RST may beat the client's ClientHello or
    /// follow it.
    ResetOnAccept,
    /// Accepts and closes at once (a FIN, or a RST when the hello is already there unread).
    CloseOnAccept,
    /// Reads the ClientHello, then resets.
    ResetAfterHello,
    /// Accepts and never says a word.
    Silent,
    /// Answers the ClientHello with an HTTP 400 response and closes, as a plain HTTP server on
    /// the TLS port does.
    Http,
    /// Sends an SSH banner on accept and waits, as sshd does.
    SshBanner,
    /// Answers the ClientHello with bytes that are no protocol at all, and closes.
    RandomBytes,
    /// Answers every ClientHello with a fatal alert of this code (254 is unassigned).
    Alert(u8),
    /// Answers with a record header announcing 65535 bytes (TLS allows 18432), then waits.
    HugeRecord,
    /// Answers with a ServerHello announcing a 16 MiB body, then sends it slowly.
    HugeHandshakeMessage,
    /// Answers with empty handshake records, without end.
    EmptyHandshakeRecords,
    /// Answers with empty application_data records, without end.
    EmptyApplicationRecords,
    /// Answers with a well-formed TLS 1.2 ServerHello, one byte per record, then waits.
    OneByteRecordsThenSilence,
    /// Answers with a TLS 1.2 ServerHello and the first bytes of a Certificate message, then
    /// waits.
    FlightThenSilence,
    /// Answers every ClientHello with a TLS 1.3 HelloRetryRequest, however often it is asked.
    HelloRetryRequestLoop,
    /// Answers with a TLS 1.2 ServerHello whose session id is 33 bytes long (at most 32 allowed).
    MalformedServerHello,
    /// Answers with a TLS 1.2 ServerHello, a Certificate message holding these bytes as its
    /// one certificate, and ServerHelloDone, then closes.
    PresentCertificate(&'static [u8]),
    /// A plain HTTP server answering every request with a 301 to this `Location`.
    Redirect(&'static str),
    /// A plain HTTP server answering with a 301 whose `Location` is 100 KiB long.
    HugeLocation,
}

/// A hostile server on 127.0.0.1 (see the module docs).
pub struct HostileServer {
    pub port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl HostileServer {
    pub fn start(behaviour: Behaviour) -> HostileServer {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let port = listener.local_addr().expect("local address").port();
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut connections = Vec::new();
            while !stopping.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let stop = stopping.clone();
                        connections.push(std::thread::spawn(move || {
                            let _ = stream.set_nonblocking(false);
                            serve(behaviour, stream, &stop);
                        }));
                    }
                    Err(_) => sleep(Duration::from_millis(2)),
                }
                connections.retain(|connection: &JoinHandle<()>| !connection.is_finished());
            }
            for connection in connections {
                let _ = connection.join();
            }
        });
        HostileServer {
            port,
            stop,
            thread: Some(thread),
        }
    }

    pub fn target(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

impl Drop for HostileServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Close with a RST: SO_LINGER of zero seconds.
fn reset(stream: TcpStream) {
    let socket = socket2::Socket::from(stream);
    let _ = socket.set_linger(Some(Duration::ZERO));
    drop(socket);
}

/// Keep the connection open until the server stops (or [`HOLD_LIMIT`]), reading and dropping
/// what the client sends.
fn hold(mut stream: TcpStream, stop: &AtomicBool) {
    let _ = stream.set_read_timeout(Some(Duration::from_millis(50)));
    let started = Instant::now();
    let mut buffer = [0u8; 4096];
    while !stop.load(Ordering::Relaxed) && started.elapsed() < HOLD_LIMIT {
        match stream.read(&mut buffer) {
            Ok(0) => return,
            Ok(_) => {}
            Err(error)
                if matches!(
                    error.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return,
        }
    }
}

/// The client's first TLS record (its ClientHello), or None when it sends something else or
/// closes. SSLv2-framed hellos are read as whatever arrives.
fn read_hello(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut header = [0u8; 5];
    stream.read_exact(&mut header[..2]).ok()?;
    if header[0] & 0x80 != 0 {
        // SSLv2 record: two-byte header, length in the low 15 bits.
        let length = usize::from(u16::from_be_bytes([header[0] & 0x7f, header[1]]));
        let mut body = vec![0u8; length];
        stream.read_exact(&mut body).ok()?;
        return Some(Vec::new());
    }
    stream.read_exact(&mut header[2..]).ok()?;
    let length = usize::from(u16::from_be_bytes([header[3], header[4]]));
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).ok()?;
    Some(body)
}

/// The session id of a ClientHello record body (empty when it cannot be read).
fn session_id(hello: &[u8]) -> Vec<u8> {
    // Handshake header (4), legacy_version (2), random (32), then the session id.
    let Some(&length) = hello.get(38) else {
        return Vec::new();
    };
    hello
        .get(39..39 + usize::from(length))
        .map(<[u8]>::to_vec)
        .unwrap_or_default()
}

fn record(content_type: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![content_type, 3, 3];
    out.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    out.extend_from_slice(payload);
    out
}

fn handshake(message_type: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![message_type];
    out.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    out.extend_from_slice(body);
    out
}

/// A TLS 1.2 ServerHello choosing ECDHE-RSA-AES128-GCM-SHA256 with `session_id`.
fn server_hello_tls12(session_id: &[u8]) -> Vec<u8> {
    let mut body = vec![3, 3];
    body.extend_from_slice(&[0x42; 32]);
    body.push(session_id.len() as u8);
    body.extend_from_slice(session_id);
    body.extend_from_slice(&[0xC0, 0x2F, 0x00]);
    handshake(2, &body)
}

/// RFC 8446's HelloRetryRequest random.
const HRR_RANDOM: [u8; 32] = [
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
];

/// A HelloRetryRequest for TLS_AES_128_GCM_SHA256 asking for a secp384r1 key share.
fn hello_retry_request(session_id: &[u8]) -> Vec<u8> {
    let mut body = vec![3, 3];
    body.extend_from_slice(&HRR_RANDOM);
    body.push(session_id.len() as u8);
    body.extend_from_slice(session_id);
    body.extend_from_slice(&[0x13, 0x01, 0x00]);
    let extensions = [
        0x00, 0x2b, 0x00, 0x02, 0x03, 0x04, // supported_versions: TLS 1.3
        0x00, 0x33, 0x00, 0x02, 0x00, 0x18, // key_share: secp384r1
    ];
    body.extend_from_slice(&(extensions.len() as u16).to_be_bytes());
    body.extend_from_slice(&extensions);
    handshake(2, &body)
}

/// Bytes of no protocol, the same on every run (a xorshift from a fixed seed; the first byte is
/// neither a TLS content type nor an SSLv2 header).
fn random_bytes() -> Vec<u8> {
    let mut state: u32 = 0x9E37_79B9;
    let mut out = vec![0x5a];
    for _ in 0..511 {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        out.push(state as u8);
    }
    out
}

/// Reads an HTTP request's head (up to the blank line, at most 64 KiB).
fn read_request(stream: &mut TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while head.len() < 64 * 1024 && !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
}

fn redirect_to(stream: &mut TcpStream, location: &str) {
    read_request(stream);
    let _ = stream.write_all(
        format!(
            "HTTP/1.1 301 Moved Permanently\r\nLocation: {location}\r\nContent-Length: 0\r\n\
             Connection: close\r\n\r\n"
        )
        .as_bytes(),
    );
}

fn serve(behaviour: Behaviour, mut stream: TcpStream, stop: &AtomicBool) {
    match behaviour {
        Behaviour::Redirect(location) => redirect_to(&mut stream, location),
        Behaviour::HugeLocation => {
            redirect_to(&mut stream, &format!("/{}", "a".repeat(100 * 1024)))
        }
        Behaviour::ResetOnAccept => reset(stream),
        Behaviour::CloseOnAccept => drop(stream),
        Behaviour::ResetAfterHello => {
            let _ = read_hello(&mut stream);
            reset(stream);
        }
        Behaviour::Silent => hold(stream, stop),
        Behaviour::Http => {
            let _ = read_hello(&mut stream);
            let _ = stream.write_all(
                b"HTTP/1.1 400 Bad Request\r\nServer: nginx\r\nContent-Type: text/html\r\n\
                  Content-Length: 0\r\nConnection: close\r\n\r\n",
            );
            let _ = stream.shutdown(Shutdown::Write);
            hold(stream, stop);
        }
        Behaviour::SshBanner => {
            let _ = stream.write_all(b"SSH-2.0-OpenSSH_9.6p1 Debian-4\r\n");
            hold(stream, stop);
        }
        Behaviour::RandomBytes => {
            let _ = read_hello(&mut stream);
            let _ = stream.write_all(&random_bytes());
            let _ = stream.shutdown(Shutdown::Write);
            hold(stream, stop);
        }
        Behaviour::Alert(code) => {
            if read_hello(&mut stream).is_some() {
                let _ = stream.write_all(&record(21, &[2, code]));
            }
            let _ = stream.shutdown(Shutdown::Write);
            hold(stream, stop);
        }
        Behaviour::HugeRecord => {
            if read_hello(&mut stream).is_some() {
                let _ = stream.write_all(&[22, 3, 3, 0xff, 0xff]);
                let _ = stream.write_all(&[0u8; 1024]);
            }
            hold(stream, stop);
        }
        Behaviour::HugeHandshakeMessage => {
            if read_hello(&mut stream).is_some() {
                // A ServerHello announcing 16 MiB - 1, in full records of zeros.
                let mut first = vec![2, 0xff, 0xff, 0xff];
                first.extend_from_slice(&[0u8; 16380]);
                let _ = stream.write_all(&record(22, &first));
                let started = Instant::now();
                while !stop.load(Ordering::Relaxed) && started.elapsed() < HOLD_LIMIT {
                    if stream.write_all(&record(22, &[0u8; 16384])).is_err() {
                        return;
                    }
                    sleep(Duration::from_millis(1));
                }
            }
        }
        Behaviour::EmptyHandshakeRecords | Behaviour::EmptyApplicationRecords => {
            if read_hello(&mut stream).is_some() {
                let content_type = if behaviour == Behaviour::EmptyHandshakeRecords {
                    22
                } else {
                    23
                };
                let burst = record(content_type, &[]).repeat(1000);
                let started = Instant::now();
                while !stop.load(Ordering::Relaxed) && started.elapsed() < HOLD_LIMIT {
                    if stream.write_all(&burst).is_err() {
                        return;
                    }
                }
            }
        }
        Behaviour::OneByteRecordsThenSilence => {
            if let Some(hello) = read_hello(&mut stream) {
                let _ = hello;
                for byte in server_hello_tls12(&[]) {
                    if stream.write_all(&record(22, &[byte])).is_err() {
                        return;
                    }
                }
            }
            hold(stream, stop);
        }
        Behaviour::FlightThenSilence => {
            if read_hello(&mut stream).is_some() {
                let mut flight = server_hello_tls12(&[]);
                // A Certificate message announcing 1000 bytes, of which 10 come.
                flight.extend_from_slice(&[11, 0, 0x03, 0xe8]);
                flight.extend_from_slice(&[0u8; 10]);
                let _ = stream.write_all(&record(22, &flight));
            }
            hold(stream, stop);
        }
        Behaviour::HelloRetryRequestLoop => {
            while let Some(hello) = read_hello(&mut stream) {
                let reply = record(22, &hello_retry_request(&session_id(&hello)));
                if stream.write_all(&reply).is_err() {
                    return;
                }
                if stop.load(Ordering::Relaxed) {
                    return;
                }
            }
        }
        Behaviour::PresentCertificate(certificate) => {
            if read_hello(&mut stream).is_some() {
                let mut entry = (certificate.len() as u32).to_be_bytes()[1..].to_vec();
                entry.extend_from_slice(certificate);
                let mut list = (entry.len() as u32).to_be_bytes()[1..].to_vec();
                list.extend_from_slice(&entry);
                let mut flight = server_hello_tls12(&[]);
                flight.extend(handshake(11, &list));
                flight.extend(handshake(14, &[]));
                let _ = stream.write_all(&record(22, &flight));
            }
            let _ = stream.shutdown(Shutdown::Write);
            hold(stream, stop);
        }
        Behaviour::MalformedServerHello => {
            if read_hello(&mut stream).is_some() {
                let _ = stream.write_all(&record(22, &server_hello_tls12(&[7u8; 33])));
            }
            hold(stream, stop);
        }
    }
}

/// A TCP proxy on 127.0.0.1 to a real TLS server that re-frames the server's plaintext
/// handshake records into one-byte records (legal TLS, and the worst framing a client must
/// take), up to its ChangeCipherSpec; everything else passes through as it is.
pub struct OneByteRecordProxy {
    pub port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl OneByteRecordProxy {
    pub fn start(backend_port: u16) -> OneByteRecordProxy {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let port = listener.local_addr().expect("local address").port();
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = stop.clone();
        let thread = std::thread::spawn(move || {
            while !stopping.load(Ordering::Relaxed) {
                let Ok((client, _)) = listener.accept() else {
                    sleep(Duration::from_millis(2));
                    continue;
                };
                let _ = client.set_nonblocking(false);
                let Ok(server) = TcpStream::connect((Ipv4Addr::LOCALHOST, backend_port)) else {
                    continue;
                };
                let (Ok(mut client_reader), Ok(mut server_writer)) =
                    (client.try_clone(), server.try_clone())
                else {
                    continue;
                };
                // Client to server: as it is.
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut client_reader, &mut server_writer);
                    let _ = server_writer.shutdown(Shutdown::Write);
                });
                // Server to client: re-framed.
                std::thread::spawn(move || reframe(server, client));
            }
        });
        OneByteRecordProxy {
            port,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for OneByteRecordProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Copies records from `server` to `client`, each handshake record before the first
/// ChangeCipherSpec as one record per byte.
fn reframe(mut server: TcpStream, mut client: TcpStream) {
    let _ = server.set_read_timeout(Some(HOLD_LIMIT));
    let mut encrypted = false;
    loop {
        let mut header = [0u8; 5];
        if server.read_exact(&mut header).is_err() {
            break;
        }
        let length = usize::from(u16::from_be_bytes([header[3], header[4]]));
        let mut payload = vec![0u8; length];
        if server.read_exact(&mut payload).is_err() {
            break;
        }
        encrypted |= header[0] == 20;
        let mut out = Vec::new();
        if header[0] == 22 && !encrypted {
            for byte in payload {
                out.extend_from_slice(&[22, header[1], header[2], 0, 1, byte]);
            }
        } else {
            out.extend_from_slice(&header);
            out.extend_from_slice(&payload);
        }
        if client.write_all(&out).is_err() {
            break;
        }
    }
    let _ = client.shutdown(Shutdown::Write);
}
