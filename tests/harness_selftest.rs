//! Self-test of the integration-test harness in tests/common: each helper checked against real
//! servers on 127.0.0.1 and real clients (std sockets, openssl s_client). It tests no tlscheck
//! feature.

mod common;

use std::fs::{self, File};
use std::io::{Cursor, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use common::*;

/// How long the tests wait for something the kernel or a proxy thread does asynchronously.
const SETTLE_LIMIT: Duration = Duration::from_secs(5);

fn good_server() -> ServerGuard {
    OpensslServer::new("good-fullchain.pem", "good.key").start()
}

/// Polls `condition` until it holds or [`SETTLE_LIMIT`] passes; returns whether it held.
fn eventually(mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + SETTLE_LIMIT;
    loop {
        if condition() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        sleep(Duration::from_millis(10));
    }
}

/// Sends `hello` to `addr` and returns how long the first reply byte took, and that byte.
fn time_to_first_reply_byte(addr: SocketAddr, hello: &[u8]) -> (Duration, u8) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("set read timeout");
    let started = Instant::now();
    stream.write_all(hello).expect("send ClientHello");
    let mut first = [0u8; 1];
    stream
        .read_exact(&mut first)
        .unwrap_or_else(|error| panic!("no reply from {addr}: {error}"));
    (started.elapsed(), first[0])
}

/// Runs `openssl s_client -connect ADDR ARGS` with stdin at EOF (so it quits after the
/// handshake), killing it by PID after 20 s; returns its exit code, stdout + stderr, and the time
/// it took.
fn s_client(addr: SocketAddr, args: &[&str]) -> (Option<i32>, String, Duration) {
    let openssl = require_tool("openssl");
    let dir = tempfile::tempdir().expect("create output directory");
    let log_path = dir.path().join("s_client.log");
    let log = File::create(&log_path).expect("create s_client log");
    let started = Instant::now();
    let mut child = Command::new(openssl)
        .arg("s_client")
        .arg("-connect")
        .arg(addr.to_string())
        .args(args)
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("clone log handle"))
        .stderr(log)
        .spawn()
        .expect("start openssl s_client");
    let status = loop {
        if let Some(status) = child.try_wait().expect("poll s_client") {
            break Some(status);
        }
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        sleep(Duration::from_millis(10));
    };
    let elapsed = started.elapsed();
    let text = fs::read_to_string(&log_path).expect("read s_client log");
    (status.and_then(|status| status.code()), text, elapsed)
}

// ---------------------------------------------------------------------------------------------
// ClientHellos at the byte level

#[test]
fn client_hello_parser_reads_the_offered_versions() {
    let modern = ClientHello::parse(&tls13_client_hello()).expect("parse the TLS 1.3 hello");
    assert_eq!(modern.legacy_version, 0x0303);
    assert_eq!(modern.supported_versions(), vec![0x0304, 0x0303]);
    assert!(modern.offers_tls13());
    assert_eq!(&modern.cipher_suites[..3], &[0x1301, 0x1302, 0x1303]);

    let legacy = ClientHello::parse(&tls12_client_hello()).expect("parse the TLS 1.2 hello");
    assert_eq!(legacy.supported_versions(), Vec::<u16>::new());
    assert!(!legacy.offers_tls13());
    assert_eq!(legacy.cipher_suites[0], 0xc02f);
}

#[test]
fn client_hello_parser_rejects_every_truncation_without_panicking() {
    let hello = tls13_client_hello();
    for length in 0..hello.len() {
        assert_eq!(ClientHello::parse(&hello[..length]), None, "{length} bytes");
    }
    assert_eq!(ClientHello::parse(b"GET / HTTP/1.1\r\n\r\n"), None);
    // A session id longer than 32 bytes.
    let mut bad = hello.clone();
    bad[5 + 4 + 2 + 32] = 33;
    assert_eq!(ClientHello::parse(&bad), None);
}

#[test]
fn client_hello_split_over_two_records_is_reassembled() {
    let hello = tls13_client_hello();
    let message = &hello[5..];
    let (head, tail) = message.split_at(10);
    let mut flight = Vec::new();
    for part in [head, tail] {
        flight.extend_from_slice(&[0x16, 0x03, 0x01]);
        flight.extend_from_slice(&u16::try_from(part.len()).unwrap().to_be_bytes());
        flight.extend_from_slice(part);
    }
    let parsed = ClientHello::parse(&flight).expect("parse the fragmented hello");
    assert!(parsed.offers_tls13());

    // The proxy reads exactly the hello's records, not the bytes after them.
    let mut followed = flight.clone();
    followed.extend_from_slice(b"application data");
    assert_eq!(read_first_flight(&mut Cursor::new(followed)), flight);
    // Bytes that do not start a handshake record: only the first byte is read.
    assert_eq!(
        read_first_flight(&mut Cursor::new(b"GET / HTTP/1.1\r\n".to_vec())),
        b"G".to_vec()
    );
}

// ---------------------------------------------------------------------------------------------
// ConnectionCounter and the counting proxy

#[test]
fn counter_sees_four_connections_held_at_once() {
    let server = good_server();
    let counter = ConnectionCounter::new();
    let proxy = TcpProxy::counting(server.addr, &counter);

    let held: Vec<TcpStream> = (0..4)
        .map(|_| TcpStream::connect(proxy.addr()).expect("connect to the proxy"))
        .collect();
    assert!(
        eventually(|| counter.connections_seen() == 4),
        "the proxy accepted {} of 4 connections",
        counter.connections_seen()
    );
    assert_eq!(counter.open_now(), 4, "4 client sockets open now");
    drop(held);

    let peak = counter.peak();
    eprintln!("4 held connections: peak {peak}");
    assert_eq!(peak, 4);
    assert!(
        eventually(|| counter.open_now() == 0),
        "client sockets still open after closing them: {}",
        counter.open_now()
    );
    assert_eq!(counter.connections_seen(), 4);
}

#[test]
fn counter_sees_one_connection_at_a_time_from_a_sequential_client() {
    let server = good_server();
    let counter = ConnectionCounter::new();
    let proxy = TcpProxy::counting(server.addr, &counter);

    for _ in 0..50 {
        let mut stream = TcpStream::connect(proxy.addr()).expect("connect to the proxy");
        stream.write_all(&[0x16]).expect("write a byte");
        drop(stream);
    }
    assert!(
        eventually(|| counter.connections_seen() == 50),
        "the proxy accepted {} of 50 connections",
        counter.connections_seen()
    );

    // A socket the client closed is in FIN_WAIT or TIME_WAIT, which the counter ignores, so a
    // client with one connection at a time peaks at exactly 1 (most of these connections are
    // closed before the proxy's accept samples; the accept itself makes the peak 1).
    let peak = counter.peak();
    eprintln!("50 sequential connections: peak {peak}");
    assert_eq!(peak, 1);
}

#[test]
fn proxies_in_front_of_https_and_plain_http_share_one_counter() {
    let nginx = NginxServer::how_to().start();
    let counter = ConnectionCounter::new();
    let https = TcpProxy::counting(nginx.server.addr, &counter);
    let http = TcpProxy::counting(
        SocketAddr::from(([127, 0, 0, 1], nginx.http_port)),
        &counter,
    );

    let held_https: Vec<TcpStream> = (0..2)
        .map(|_| TcpStream::connect(https.addr()).expect("connect to the HTTPS proxy"))
        .collect();
    // The plain-HTTP proxy really forwards: nginx's redirect comes back through it.
    let mut plain = TcpStream::connect(http.addr()).expect("connect to the HTTP proxy");
    plain
        .write_all(b"GET /page HTTP/1.1\r\nHost: good.test\r\nConnection: close\r\n\r\n")
        .expect("send request");
    let mut response = String::new();
    plain
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("set read timeout");
    plain.read_to_string(&mut response).expect("read response");
    assert!(
        response.starts_with("HTTP/1.1 301"),
        "response {response:?}"
    );
    assert!(
        response.contains("Location: https://good.test/page"),
        "response {response:?}"
    );

    // nginx closed the plain connection; while the client holds it, it is in CLOSE_WAIT and
    // still counts, next to the two held HTTPS connections.
    assert_eq!(counter.open_now(), 3);
    drop(plain);
    drop(held_https);
    let peak = counter.peak();
    eprintln!("2 HTTPS + 1 HTTP held: peak {peak}");
    assert_eq!(peak, 3);
    assert!(
        eventually(|| counter.connections_seen() == 3),
        "the proxies accepted {} of 3 connections",
        counter.connections_seen()
    );
    assert_eq!(https.connections_accepted(), 2);
    assert_eq!(http.connections_accepted(), 1);
}

#[test]
fn forward_delay_holds_each_connection_before_forwarding() {
    let server = good_server();
    let counter = ConnectionCounter::new();
    let delay = Duration::from_millis(400);
    let proxy = TcpProxy::to(server.addr)
        .counted_by(&counter)
        .forward_delay(delay)
        .start();

    // Three clients each waiting for their answer overlap for the whole delay.
    let clients: Vec<_> = (0..3)
        .map(|_| {
            let addr = proxy.addr();
            std::thread::spawn(move || time_to_first_reply_byte(addr, &tls12_client_hello()))
        })
        .collect();
    for client in clients {
        let (elapsed, first) = client.join().expect("client thread");
        eprintln!("forward delay {delay:?}: first reply byte after {elapsed:?}");
        assert!(elapsed >= delay, "reply after {elapsed:?}");
        assert_eq!(first, 0x16, "a handshake record");
    }
    assert_eq!(counter.peak(), 3);
}

#[test]
fn dropping_a_proxy_closes_its_connections_without_waiting_out_delays() {
    let server = good_server();
    let counter = ConnectionCounter::new();
    let proxy = TcpProxy::to(server.addr)
        .counted_by(&counter)
        .reply_delay(Duration::from_secs(30))
        .stall_tls13()
        .start();
    let mut delayed = TcpStream::connect(proxy.addr()).expect("connect");
    delayed.write_all(&tls12_client_hello()).expect("send");
    let mut stalled = TcpStream::connect(proxy.addr()).expect("connect");
    stalled.write_all(&tls13_client_hello()).expect("send");
    assert!(eventually(|| proxy.connections_stalled() == 1));
    assert_eq!(counter.open_now(), 2);

    let started = Instant::now();
    drop(proxy);
    let took = started.elapsed();
    eprintln!("dropping a proxy with 2 open connections took {took:?}");
    assert!(took < Duration::from_secs(2), "drop took {took:?}");
    for mut stream in [delayed, stalled] {
        stream
            .set_read_timeout(Some(Duration::from_secs(2)))
            .expect("set read timeout");
        let mut rest = Vec::new();
        // EOF (or a reset), not a timeout: the proxy closed its side, sending nothing.
        match stream.read_to_end(&mut rest) {
            Ok(_) => assert_eq!(rest, Vec::<u8>::new()),
            Err(error) => assert_eq!(error.kind(), std::io::ErrorKind::ConnectionReset),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Delayed replies

#[test]
fn delaying_proxy_answers_every_handshake_late() {
    let server = good_server();
    let delay = Duration::from_millis(2500);
    let proxy = TcpProxy::delaying_replies(server.addr, delay);

    let (direct, _) = time_to_first_reply_byte(server.addr, &tls12_client_hello());
    let (delayed, first) = time_to_first_reply_byte(proxy.addr(), &tls12_client_hello());
    eprintln!("first reply byte: direct {direct:?}, through the proxy {delayed:?}");
    assert!(delayed >= delay, "first reply byte after {delayed:?}");
    assert!(delayed < delay + Duration::from_secs(2), "{delayed:?}");
    assert_eq!(first, 0x16, "a handshake record");

    // A whole handshake completes through it, late.
    let (code, text, elapsed) = s_client(proxy.addr(), &["-tls1_3"]);
    eprintln!("s_client -tls1_3 through the delaying proxy: {elapsed:?}");
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("New, TLSv1.3, Cipher is TLS_"), "{text}");
    assert!(elapsed >= delay, "handshake took {elapsed:?}");
}

// ---------------------------------------------------------------------------------------------
// Withheld TLS 1.3 hellos

#[test]
fn stalling_proxy_withholds_only_hellos_offering_tls13() {
    let server = good_server();
    let proxy = TcpProxy::stalling_tls13(server.addr);

    let (code, text, elapsed) = s_client(proxy.addr(), &["-tls1_2"]);
    eprintln!("s_client -tls1_2 through the stalling proxy: {elapsed:?}");
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("New, TLSv1.2, Cipher is ECDHE-RSA-"),
        "{text}"
    );
    assert_eq!(proxy.connections_stalled(), 0);

    // s_client -tls1_3 sends its ClientHello (-msg shows it) and hears nothing back.
    let openssl = require_tool("openssl");
    let dir = tempfile::tempdir().expect("create output directory");
    let log_path = dir.path().join("s_client.log");
    let log = File::create(&log_path).expect("create s_client log");
    let mut child = Command::new(openssl)
        .args(["s_client", "-tls1_3", "-msg", "-connect"])
        .arg(proxy.addr().to_string())
        // Held open, so s_client waits for the handshake instead of quitting at EOF.
        .stdin(Stdio::piped())
        .stdout(log.try_clone().expect("clone log handle"))
        .stderr(log)
        .spawn()
        .expect("start openssl s_client");
    sleep(Duration::from_secs(2));
    let still_waiting = child.try_wait().expect("poll s_client").is_none();
    let _ = child.kill();
    let _ = child.wait();
    let text = fs::read_to_string(&log_path).expect("read s_client log");
    assert!(still_waiting, "s_client -tls1_3 finished:\n{text}");
    assert!(text.contains(">>> TLS 1.3, Handshake"), "{text}");
    assert!(text.contains("ClientHello"), "{text}");
    assert!(!text.contains("<<<"), "the server answered:\n{text}");
    assert_eq!(proxy.connections_stalled(), 1);

    // The raw TLS 1.3 hello: the server answers it directly, never through the proxy.
    let (direct, first) = time_to_first_reply_byte(server.addr, &tls13_client_hello());
    assert_eq!(first, 0x16, "direct reply after {direct:?}");
    let mut stream = TcpStream::connect(proxy.addr()).expect("connect to the proxy");
    stream
        .set_read_timeout(Some(Duration::from_secs(2)))
        .expect("set read timeout");
    stream.write_all(&tls13_client_hello()).expect("send");
    let mut reply = [0u8; 1];
    let error = stream.read(&mut reply).expect_err("no reply within 2 s");
    assert!(
        matches!(
            error.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ),
        "{error}"
    );
    assert_eq!(proxy.connections_stalled(), 2);
}

// ---------------------------------------------------------------------------------------------
// The oversized chain

#[test]
fn oversized_chain_server_sends_a_certificate_message_over_256_kib() {
    let server = oversized_chain_server();
    let served = tls12_certificate_message(server.addr);
    let total: usize = served.certificate_lengths.iter().sum();
    eprintln!(
        "oversized chain: Certificate message {} bytes, {} certificates, {total} bytes of DER",
        served.message_length,
        served.certificate_lengths.len()
    );
    assert!(served.message_length > 256 * 1024, "{served:?}");
    assert_eq!(served.certificate_lengths.len(), 1 + OVERSIZED_CHAIN_COPIES);
    assert!(
        served.certificate_lengths[1..]
            .iter()
            .all(|length| *length == served.certificate_lengths[1]),
        "every copy of the intermediate is the same size"
    );

    // OpenSSL's own client refuses it, in TLS 1.2 and 1.3: it takes at most 100 KiB.
    for version in ["-tls1_2", "-tls1_3"] {
        let (code, text, _) = s_client(server.addr, &[version, "-showcerts"]);
        assert_ne!(code, Some(0), "{text}");
        assert!(text.contains("excessive message size"), "{version}: {text}");
        assert!(!text.contains("BEGIN CERTIFICATE"), "{version}: {text}");
    }
}

// ---------------------------------------------------------------------------------------------
// tlscheck under a pseudo-terminal

#[test]
fn tlscheck_in_terminal_prints_the_usage() {
    let output = tlscheck_in_terminal(["--help"], None);
    assert_eq!(output.code, 0, "{output}");
    assert!(output.stdout.contains("Usage: tlscheck"), "{output}");
    assert!(!output.stdout.contains('\r'), "{output}");
}

#[test]
fn pseudo_terminal_reports_zero_columns_and_passes_columns_on() {
    let output = shell_in_terminal("test -t 1 && test -t 2 && stty size", None);
    assert_eq!(output.code, 0, "{output}");
    assert_eq!(output.stdout, "0 0\n", "{output}");

    let output = shell_in_terminal("echo \"$COLUMNS $NO_COLOR\"; stty size", Some(100));
    assert_eq!(output.stdout, "100 1\n0 0\n", "{output}");

    let output = shell_in_terminal("echo \"[$COLUMNS]\"; exit 3", None);
    assert_eq!(output.stdout, "[]\n", "{output}");
    assert_eq!(output.code, 3, "script -e passes the exit code on");
}

#[test]
fn tlscheck_in_terminal_quotes_arguments() {
    // clap quotes an unknown subcommand-like argument back: it must arrive as one word, with
    // the quote, `$` and backticks untouched by the shell `script` runs.
    let output = tlscheck_in_terminal(["--format", "it's $HOME `x`", "a.test"], Some(80));
    assert_eq!(output.code, 2, "{output}");
    assert!(
        output.stdout.contains("it's $HOME `x`"),
        "the argument arrives unchanged\n{output}"
    );
}

#[test]
fn debug_renderings_are_spotted_and_message_names_are_not() {
    assert_eq!(
        debug_renderings("invalid peer certificate: Other(OtherError(UnsupportedCertVersion))"),
        vec!["Other", "OtherError", "UnsupportedCertVersion"]
    );
    assert_eq!(
        debug_renderings("received corrupt message: TrailingData(\"SessionID\")"),
        vec!["TrailingData"]
    );
    assert_eq!(debug_renderings("BadSignature"), vec!["BadSignature"]);
    assert!(debug_renderings(
        "ServerHello TLSv1.2 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256; HelloRetryRequest for X25519MLKEM768"
    )
    .is_empty());
    assert!(
        debug_renderings("alert handshake_failure; CN=Test CA, O=Example (self-signed)").is_empty()
    );
}
