//! The hostile-server suite: one scripted server per failure class (`hostile.rs`), each scanned
//! many times, every run asserting the exact class (kind, step, words), the exit code, and that
//! the run stayed within its time and memory bounds. The same server must give the same answer
//! on every run: the runs go at once, in threads, so races show.

#[path = "../common/mod.rs"]
mod common;
mod hostile;

use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use hostile::{Behaviour, HostileServer};
use serde_json::Value;

/// Runs of each case.
const RUNS: usize = 50;
/// Runs at once.
const PARALLEL: usize = 10;
/// `--timeout` of every run: short, so the silent cases are quick.
const STEP_TIMEOUT: &str = "0.5";
/// The most one run may take: a few steps of `--timeout` (the silent cases wait one step per
/// probe, five probes at once), far under `--target-timeout`.
const TIME_LIMIT: Duration = Duration::from_secs(8);
/// The most memory one run may hold (peak resident set).
const MEMORY_LIMIT_KB: i64 = 150 * 1024;

/// One run of tlscheck: its exit code, output, wall time and peak memory.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    elapsed: Duration,
    max_rss_kb: i64,
}

/// Runs tlscheck with `args` under GNU time, which reports its peak memory (the resident set of
/// tlscheck alone: time forks it from its own small process, where a test process's spawn
/// would count the test's memory too); kills it past twice the time limit.
fn run_measured(args: &[String]) -> Run {
    let dir = tempfile::tempdir().expect("temporary directory");
    let stdout_path = dir.path().join("stdout");
    let stderr_path = dir.path().join("stderr");
    let memory_path = dir.path().join("memory");
    let started = Instant::now();
    let mut child = Command::new(common::require_tool("time"))
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&memory_path)
        .arg(env!("CARGO_BIN_EXE_tlscheck"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout_path).expect("stdout file"))
        .stderr(std::fs::File::create(&stderr_path).expect("stderr file"))
        .spawn()
        .expect("start GNU time with tlscheck");
    let status = loop {
        if let Some(status) = child.try_wait().expect("poll tlscheck") {
            break status;
        }
        if started.elapsed() > TIME_LIMIT * 2 {
            let _ = child.kill();
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let memory = std::fs::read_to_string(&memory_path).unwrap_or_default();
    Run {
        code: status.code().unwrap_or(-1),
        stdout: std::fs::read_to_string(&stdout_path).unwrap_or_default(),
        stderr: std::fs::read_to_string(&stderr_path).unwrap_or_default(),
        elapsed: started.elapsed(),
        // GNU time's last line is the peak resident set in KiB ("Command exited with
        // non-zero status N" may come first).
        max_rss_kb: memory
            .lines()
            .last()
            .and_then(|line| line.trim().parse().ok())
            .unwrap_or(i64::MAX),
    }
}

/// What every run against one hostile server must say.
struct Expected {
    code: i32,
    /// `/unreachable/kind`.
    kind: &'static str,
    step: &'static str,
    /// Words the reason must contain.
    words: &'static [&'static str],
}

/// Runs [`RUNS`] scans of `server`, [`PARALLEL`] at once, and checks each against `expected`.
fn assert_every_run(server: &HostileServer, expected: &Expected) {
    assert_every_run_on(&server.target(), expected)
}

/// [`assert_every_run`] on any `target`.
fn assert_every_run_on(target: &str, expected: &Expected) {
    let args: Vec<String> = [
        target,
        "--no-http",
        "--timeout",
        STEP_TIMEOUT,
        "--format",
        "json",
    ]
    .iter()
    .map(|arg| arg.to_string())
    .collect();
    let runs = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..PARALLEL {
            scope.spawn(|| {
                for _ in 0..RUNS / PARALLEL {
                    let run = run_measured(&args);
                    runs.lock().unwrap().push(run);
                }
            });
        }
    });
    let runs = runs.into_inner().unwrap();
    assert_eq!(runs.len(), RUNS);
    let mut codes = std::collections::BTreeMap::new();
    for run in &runs {
        *codes.entry(run.code).or_insert(0) += 1;
    }
    let context = |run: &Run| {
        format!(
            "tlscheck {}\nexit {} in {:?}, {} KB\n--- stdout ---\n{}\n--- stderr ---\n{}",
            args.join(" "),
            run.code,
            run.elapsed,
            run.max_rss_kb,
            run.stdout,
            run.stderr
        )
    };
    for run in &runs {
        assert_eq!(
            run.code,
            expected.code,
            "the same exit code on every run (codes seen: {codes:?})\n{}",
            context(run)
        );
        assert!(run.elapsed < TIME_LIMIT, "bounded time\n{}", context(run));
        assert!(
            run.max_rss_kb < MEMORY_LIMIT_KB,
            "bounded memory\n{}",
            context(run)
        );
        let document: Value = serde_json::from_str(&run.stdout)
            .unwrap_or_else(|error| panic!("JSON ({error})\n{}", context(run)));
        let report = &document["reports"][0];
        assert_eq!(report["verdict"], "unreachable", "{}", context(run));
        let error = &report["unreachable"];
        assert_eq!(error["kind"], expected.kind, "class\n{}", context(run));
        assert_eq!(error["step"], expected.step, "step\n{}", context(run));
        let reason = error["reason"].as_str().unwrap_or_default();
        for word in expected.words {
            assert!(
                reason.contains(word),
                "{word:?} in {reason:?}\n{}",
                context(run)
            );
        }
        for banned in [
            "ssl_ciphers",
            "ssl_protocols",
            "InvalidContentType",
            "MessageTooShort",
            "TrailingData",
            "alert alert",
            "did not answer",
        ] {
            assert!(
                !run.stdout.contains(banned),
                "{banned:?} in the report\n{}",
                context(run)
            );
        }
    }
    // The report of the first run is valid against the schema and free of Debug renderings.
    let first = &runs[0];
    let document: Value = serde_json::from_str(&first.stdout).unwrap();
    let output = common::Output {
        code: first.code,
        stdout: first.stdout.clone(),
        stderr: first.stderr.clone(),
        args: args.clone(),
    };
    common::assert_matches_schema(&document, &output);
    common::assert_no_debug_rendering(&document, &output);
}

fn check(behaviour: Behaviour, expected: Expected) {
    let server = HostileServer::start(behaviour);
    assert_every_run(&server, &expected);
}

#[test]
fn a_closed_port_is_refused() {
    // Nothing listens: bind a port, note it, free it.
    let port = common::free_port();
    let args: Vec<String> = [
        &format!("127.0.0.1:{port}"),
        "--no-http",
        "--format",
        "json",
    ]
    .iter()
    .map(|arg| arg.to_string())
    .collect();
    for _ in 0..5 {
        let run = run_measured(&args);
        assert_eq!(run.code, 3, "{run:?}");
        let document: Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(document["reports"][0]["unreachable"]["kind"], "refused");
        assert_eq!(document["reports"][0]["unreachable"]["step"], "connect");
    }
}

/// A listener whose accept queue is full: the kernel drops further SYNs, so `connect()` hangs
/// as it does towards a host that drops packets. Every run times out at the connect step.
#[test]
fn a_connect_that_never_completes_times_out_at_the_connect_step() {
    use socket2::{Domain, Socket, Type};
    let listener = Socket::new(Domain::IPV4, Type::STREAM, None).expect("socket");
    let address: std::net::SocketAddr = "127.0.0.1:0".parse().unwrap();
    listener.bind(&address.into()).expect("bind");
    listener.listen(0).expect("listen");
    let address = listener
        .local_addr()
        .expect("address")
        .as_socket()
        .expect("inet");
    // Fill the queue (never accepted) until a connect no longer completes.
    let mut held = Vec::new();
    let full = (0..16).any(|_| {
        match std::net::TcpStream::connect_timeout(&address, Duration::from_millis(300)) {
            Ok(stream) => {
                held.push(stream);
                false
            }
            Err(_) => true,
        }
    });
    assert!(full, "the accept queue of {address} never filled");
    assert_every_run_on(
        &address.to_string(),
        &Expected {
            code: 3,
            kind: "timeout",
            step: "connect",
            words: &["0.5s"],
        },
    );
    drop(held);
}

#[test]
fn a_reset_on_accept_is_one_class_whichever_side_of_connect_it_lands() {
    check(
        Behaviour::ResetOnAccept,
        Expected {
            code: 3,
            kind: "reset",
            step: "server-hello",
            words: &["reset or closed the connection without a reply"],
        },
    );
}

#[test]
fn a_close_on_accept_is_the_same_class_as_a_reset() {
    check(
        Behaviour::CloseOnAccept,
        Expected {
            code: 3,
            kind: "reset",
            step: "server-hello",
            words: &["reset or closed the connection without a reply"],
        },
    );
}

#[test]
fn a_reset_after_the_hello_is_a_reset() {
    check(
        Behaviour::ResetAfterHello,
        Expected {
            code: 3,
            kind: "reset",
            step: "server-hello",
            words: &["reset or closed"],
        },
    );
}

#[test]
fn silence_times_out_waiting_for_the_server_hello() {
    check(
        Behaviour::Silent,
        Expected {
            code: 3,
            kind: "timeout",
            step: "server-hello",
            words: &["no answer within 0.5s (waiting for the ServerHello)"],
        },
    );
}

#[test]
fn http_on_the_tls_port_is_not_tls_and_says_http() {
    check(
        Behaviour::Http,
        Expected {
            code: 3,
            kind: "not-tls",
            step: "server-hello",
            words: &[
                "not a TLS server: it answered with an HTTP response",
                "HTTP/1.1 400 Bad Request",
            ],
        },
    );
}

#[test]
fn an_ssh_banner_is_not_tls_and_says_ssh() {
    check(
        Behaviour::SshBanner,
        Expected {
            code: 3,
            kind: "not-tls",
            step: "server-hello",
            words: &["an SSH banner", "SSH-2.0-OpenSSH_9.6p1"],
        },
    );
}

#[test]
fn random_bytes_are_not_tls() {
    check(
        Behaviour::RandomBytes,
        Expected {
            code: 3,
            kind: "not-tls",
            step: "server-hello",
            words: &["binary data", "bytes 5a"],
        },
    );
}

#[test]
fn an_alert_to_every_hello_is_named_by_its_rfc_name() {
    check(
        Behaviour::Alert(40),
        Expected {
            code: 3,
            kind: "alert",
            step: "server-hello",
            words: &["the server refused with alert handshake_failure"],
        },
    );
}

#[test]
fn an_unassigned_alert_is_named_as_such() {
    check(
        Behaviour::Alert(254),
        Expected {
            code: 3,
            kind: "alert",
            step: "server-hello",
            words: &["unassigned alert 254"],
        },
    );
}

#[test]
fn a_record_longer_than_tls_allows_is_malformed() {
    check(
        Behaviour::HugeRecord,
        Expected {
            code: 3,
            kind: "malformed",
            step: "server-hello",
            words: &["record of 65535 bytes is longer than the 18432 bytes TLS allows"],
        },
    );
}

#[test]
fn a_huge_announced_handshake_message_reaches_a_limit() {
    check(
        Behaviour::HugeHandshakeMessage,
        Expected {
            code: 3,
            kind: "too-large",
            step: "server-hello",
            words: &["tlscheck's limit reached"],
        },
    );
}

#[test]
fn endless_empty_handshake_records_are_malformed() {
    check(
        Behaviour::EmptyHandshakeRecords,
        Expected {
            code: 3,
            kind: "malformed",
            step: "server-hello",
            words: &["empty handshake record"],
        },
    );
}

#[test]
fn endless_empty_application_records_are_malformed_before_a_server_hello() {
    check(
        Behaviour::EmptyApplicationRecords,
        Expected {
            code: 3,
            kind: "malformed",
            step: "server-hello",
            words: &["application_data record before the server hello"],
        },
    );
}

/// A server that sends ServerHellos but never a certificate, nor a whole handshake, could not
/// be scanned, whatever the enumeration made of its ServerHellos: the handshake's error says
/// where it stopped.
#[test]
fn one_byte_records_then_silence_time_out_after_the_server_hello() {
    check(
        Behaviour::OneByteRecordsThenSilence,
        Expected {
            code: 3,
            kind: "timeout",
            step: "after-server-hello",
            words: &["no answer within 0.5s (after the ServerHello)"],
        },
    );
}

#[test]
fn a_flight_cut_short_times_out_during_the_flight() {
    check(
        Behaviour::FlightThenSilence,
        Expected {
            code: 3,
            kind: "timeout",
            step: "flight",
            words: &["no answer within 0.5s (during the server's flight after the ServerHello)"],
        },
    );
}

#[test]
fn a_hello_retry_request_loop_is_malformed() {
    check(
        Behaviour::HelloRetryRequestLoop,
        Expected {
            code: 3,
            kind: "malformed",
            step: "flight",
            words: &["an unexpected handshake message (a second HelloRetryRequest)"],
        },
    );
}

#[test]
fn a_malformed_server_hello_names_the_message_and_field() {
    check(
        Behaviour::MalformedServerHello,
        Expected {
            code: 3,
            kind: "malformed",
            step: "server-hello",
            words: &["malformed server hello", "session id"],
        },
    );
}

/// Scans `good.test` with its HTTP port on `server` and its TLS port closed (the target is
/// unreachable, its redirect check still runs): the report's `redirect`, and the run.
fn redirect_of(server: &HostileServer) -> (Value, Run) {
    let closed = common::free_port();
    let args: Vec<String> = [
        "good.test",
        "--connect-to",
        &format!("good.test:80:127.0.0.1:{}", server.port),
        "--connect-to",
        &format!("good.test:443:127.0.0.1:{closed}"),
        "--quick",
        "--timeout",
        "2",
        "--format",
        "json",
    ]
    .iter()
    .map(|arg| arg.to_string())
    .collect();
    let run = run_measured(&args);
    let document: Value =
        serde_json::from_str(&run.stdout).unwrap_or_else(|error| panic!("JSON ({error}): {run:?}"));
    let output = common::Output {
        code: run.code,
        stdout: run.stdout.clone(),
        stderr: run.stderr.clone(),
        args,
    };
    common::assert_matches_schema(&document, &output);
    (document["reports"][0]["redirect"].clone(), run)
}

#[test]
fn a_javascript_location_is_a_redirect_to_a_non_http_url() {
    let server = HostileServer::start(Behaviour::Redirect("javascript:alert(1)"));
    let (redirect, run) = redirect_of(&server);
    assert_eq!(redirect["verdict"], "not-http", "{run:?}");
    assert_eq!(
        redirect["hops"].as_array().map(Vec::len),
        Some(1),
        "{run:?}"
    );
    assert_eq!(redirect["hops"][0]["location"], "javascript:alert(1)");
    assert!(
        redirect["hops"][0]["next"].is_null(),
        "not followed: {redirect}"
    );
}

#[test]
fn a_backslash_location_names_another_host_as_the_url_standard_parses_it() {
    // `\\10.11.12.13/x` is `//10.11.12.13/x` to a browser: another host, not a path.
    let server = HostileServer::start(Behaviour::Redirect("\\\\10.11.12.13/x"));
    let (redirect, run) = redirect_of(&server);
    assert_eq!(redirect["verdict"], "other-host", "{run:?}");
    assert_eq!(redirect["hops"][0]["same_host"], false, "{redirect}");
    assert_eq!(
        redirect["hops"].as_array().map(Vec::len),
        Some(1),
        "not followed"
    );
}

#[test]
fn hosts_are_compared_after_parsing() {
    // User info, upper case, a trailing dot and percent-encoding: the same host once parsed.
    let server = HostileServer::start(Behaviour::Redirect("https://user:pw@GOOD.%74est./"));
    let (redirect, run) = redirect_of(&server);
    assert_eq!(redirect["verdict"], "https-permanent", "{run:?}");
    assert_eq!(redirect["hops"][0]["same_host"], true, "{redirect}");
}

#[test]
fn a_location_over_the_cap_is_an_error_with_its_length_not_copied() {
    let server = HostileServer::start(Behaviour::HugeLocation);
    let (redirect, run) = redirect_of(&server);
    assert_eq!(redirect["status"], "failed", "{redirect}");
    assert_eq!(redirect["error"]["kind"], "too-large", "{redirect}");
    let reason = redirect["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("location header is 102401 bytes long, over the 8192-byte limit"),
        "{reason}"
    );
    assert!(
        run.stdout.len() < 20_000,
        "the header is not copied: {} bytes",
        run.stdout.len()
    );
}

#[test]
fn an_unparsable_certificate_is_a_finding_with_the_parsers_reason() {
    let server = HostileServer::start(Behaviour::PresentCertificate(
        b"\x30\x03\x02\x01this is not a certificate",
    ));
    let args: Vec<String> = [
        &server.target(),
        "--no-http",
        "--timeout",
        "2",
        "--format",
        "json",
    ]
    .iter()
    .map(|arg| arg.to_string())
    .collect();
    let run = run_measured(&args);
    let document: Value =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:?}"));
    let report = &document["reports"][0];
    let reason = report["certificates"]["unparsable"]
        .as_str()
        .unwrap_or_default();
    assert!(reason.contains("not valid DER X.509"), "{run:?}");
    let finding = report["findings"]
        .as_array()
        .and_then(|all| all.iter().find(|f| f["id"] == "cert.unparsable"))
        .unwrap_or_else(|| panic!("cert.unparsable\n{}", run.stdout));
    assert!(
        finding["evidence"]
            .as_str()
            .unwrap_or_default()
            .contains("not valid DER"),
        "{finding}"
    );
    assert_eq!(run.code, 1, "a high finding\n{run:?}");
}

/// A certificate whose names hold what no terminal should get: a common name with bytes that
/// are not UTF-8, a DNS name with an ESC, and one with a bidirectional override. Made with
/// rcgen, then patched byte for byte (the signature no longer verifies, and OpenSSL would not
/// load it: the scripted server presents it).
fn hostile_names_server() -> HostileServer {
    use rcgen::{CertificateParams, DnType, KeyPair};
    let mut params = CertificateParams::new(vec![
        "hostile.test".to_string(),
        "escQQQ.test".to_string(),
        "bidiRR.test".to_string(),
    ])
    .expect("params");
    params
        .distinguished_name
        .push(DnType::CommonName, "evilXX.test");
    let key = KeyPair::generate().expect("key");
    let mut der = params
        .self_signed(&key)
        .expect("certificate")
        .der()
        .to_vec();
    let mut patch = |from: &[u8], to: &[u8]| {
        assert_eq!(from.len(), to.len());
        while let Some(at) = der.windows(from.len()).position(|window| window == from) {
            der[at..at + to.len()].copy_from_slice(to);
        }
    };
    patch(b"evilXX", b"evil\xff\xfe");
    patch(b"escQQQ", b"esc\x1b[2");
    patch(b"bidiRR", "bi\u{202e}d".as_bytes());
    HostileServer::start(Behaviour::PresentCertificate(Box::leak(
        der.into_boxed_slice(),
    )))
}

#[test]
fn certificate_names_are_escaped_in_the_table_and_kept_raw_in_json() {
    let server = hostile_names_server();
    let mut args = vec![
        format!("hostile.test:{}", server.port),
        "--connect-to".to_string(),
        format!("hostile.test:{}:127.0.0.1:{}", server.port, server.port),
        "--no-http".to_string(),
        "--timeout".to_string(),
        "2".to_string(),
    ];
    args.extend(["--color", "never"].map(String::from));
    let table = common::tlscheck(&args);
    for forbidden in ['\u{1b}', '\u{202e}', '\u{fffd}'] {
        assert!(
            !table.stdout.contains(forbidden),
            "{forbidden:?} reached the terminal\n{table}"
        );
    }
    assert!(table.stdout.contains("evil\\x{ff}\\x{fe}.test"), "{table}");
    assert!(table.stdout.contains("esc\\u{1b}[2.test"), "{table}");
    assert!(table.stdout.contains("bi\\u{202e}d.test"), "{table}");
    assert!(!table.stdout.contains("X509Error"), "{table}");

    let (output, report) = common::scan(&args[..args.len() - 2]);
    let leaf = &report["certificates"]["certificates"][0];
    assert_eq!(leaf["common_name"], "evil\\x{ff}\\x{fe}.test", "{output}");
    let dns: Vec<&str> = leaf["dns_names"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(
        dns,
        vec!["hostile.test", "esc\\u{1b}[2.test", "bi\\u{202e}d.test"],
        "no name dropped\n{output}"
    );
    let escaped: Vec<(&str, &str)> = leaf["escaped_names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|name| {
            (
                name["field"].as_str().unwrap(),
                name["hex"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        escaped.contains(&("common_name", "6576696cfffe2e74657374")),
        "{escaped:?}"
    );
    assert!(
        escaped.contains(&("dns_names[1]", "6573631b5b322e74657374")),
        "{escaped:?}"
    );
    assert!(
        escaped.iter().any(|(field, _)| *field == "subject"),
        "{escaped:?}"
    );
}

/// A TLS server (rustls, in a thread of the test) that completes every handshake and then never
/// answers the HTTP request.
fn tls_then_silence() -> (u16, std::sync::Arc<std::sync::atomic::AtomicBool>) {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let key = rcgen::KeyPair::generate().expect("key");
    let params = rcgen::CertificateParams::new(vec!["silent.test".to_string()]).expect("params");
    let cert = params.self_signed(&key).expect("certificate");
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_no_client_auth()
            .with_single_cert(
                vec![cert.der().clone()],
                rustls::pki_types::PrivateKeyDer::try_from(key.serialize_der()).expect("key der"),
            )
            .expect("server config"),
    );
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("non-blocking");
    let port = listener.local_addr().unwrap().port();
    let stop = Arc::new(AtomicBool::new(false));
    let stopping = stop.clone();
    std::thread::spawn(move || {
        while !stopping.load(Ordering::Relaxed) {
            let Ok((mut tcp, _)) = listener.accept() else {
                std::thread::sleep(Duration::from_millis(2));
                continue;
            };
            let config = config.clone();
            let stopping = stopping.clone();
            std::thread::spawn(move || {
                let _ = tcp.set_nonblocking(false);
                let _ = tcp.set_read_timeout(Some(Duration::from_millis(50)));
                let Ok(mut server) = rustls::ServerConnection::new(config) else {
                    return;
                };
                let started = Instant::now();
                while !stopping.load(Ordering::Relaxed)
                    && started.elapsed() < Duration::from_secs(30)
                {
                    // Complete the handshake, read what comes, answer nothing.
                    if server.wants_write() && server.write_tls(&mut tcp).is_err() {
                        return;
                    }
                    match server.read_tls(&mut tcp) {
                        Ok(0) => return,
                        Ok(_) => {
                            if server.process_new_packets().is_err() {
                                return;
                            }
                            let mut sink = Vec::new();
                            let _ = std::io::Read::read_to_end(&mut server.reader(), &mut sink);
                        }
                        Err(_) => {}
                    }
                }
            });
        }
    });
    (port, stop)
}

#[test]
fn an_http_response_that_never_comes_times_out_at_the_http_response() {
    let (port, stop) = tls_then_silence();
    let args: Vec<String> = [
        &format!("silent.test:{port}"),
        "--connect-to",
        &format!("silent.test:{port}:127.0.0.1:{port}"),
        "--no-http",
        "--quick",
        "--timeout",
        "0.5",
        "--format",
        "json",
    ]
    .iter()
    .map(|arg| arg.to_string())
    .collect();
    for _ in 0..5 {
        let run = run_measured(&args);
        let document: Value =
            serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:?}"));
        let report = &document["reports"][0];
        assert!(report["unreachable"].is_null(), "{run:?}");
        assert_eq!(report["tls"]["status"], "ok", "{run:?}");
        assert_eq!(report["https"]["error"]["kind"], "timeout", "{run:?}");
        assert_eq!(report["https"]["error"]["step"], "response", "{run:?}");
        assert_eq!(
            report["https"]["reason"], "no answer within 0.5s (the HTTP response)",
            "{run:?}"
        );
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
}

#[test]
fn a_real_server_in_one_byte_records_is_scanned_as_it_is_directly() {
    // TLS 1.2 (a TLS 1.3 server encrypts its flight, which no proxy can re-frame).
    let server = common::OpensslServer::new("good-fullchain.pem", "good.key")
        .tls12_only()
        .start();
    let proxy = hostile::OneByteRecordProxy::start(server.port());
    let scan_through = |port: u16| {
        let mut args = vec![
            format!("good.test:{port}"),
            "--connect-to".to_string(),
            format!("good.test:{port}:127.0.0.1:{port}"),
            "--no-http".to_string(),
            "--ca-file".to_string(),
            common::cert("root.pem"),
        ];
        args.extend(["--timeout", "5"].map(String::from));
        common::scan(&args)
    };
    let (direct_output, direct) = scan_through(server.port());
    let (output, reframed) = scan_through(proxy.port);
    assert_eq!(output.code, direct_output.code, "{output}\n{direct_output}");
    assert_eq!(reframed["tls"]["status"], "ok", "{output}");
    assert_eq!(reframed["tls"]["protocol"], "TLSv1.2", "{output}");
    for pointer in [
        "/tls/cipher_suite",
        "/certificates/certificates/0/subject",
        "/certificates/trust/trusted",
        "/enumeration/protocols",
    ] {
        assert_eq!(
            reframed.pointer(pointer),
            direct.pointer(pointer),
            "{pointer}\n{output}"
        );
    }
    let suites = |report: &Value| report.pointer("/enumeration/cipher_suites").cloned();
    assert_eq!(suites(&reframed), suites(&direct), "{output}");
}
