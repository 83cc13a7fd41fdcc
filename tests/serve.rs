//! `tlscheck serve` over HTTP: the allowlist (403, with no connection to the target, counted by
//! a proxy), the probe limit (503), Prometheus' scrape-timeout header bounding the probe, the
//! `module=` and `policy=` parameters, the exporter's own `/metrics`, and a graceful stop on
//! SIGTERM. Every target is a server the test started on 127.0.0.1.

mod common;

use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::thread::sleep;
use std::time::{Duration, Instant};

use common::*;

const TIMEOUT_HEADER: &str = "X-Prometheus-Scrape-Timeout-Seconds";

/// The flags every exporter here gets: the test CA, no plain-HTTP check (nothing listens on
/// port 80 of the test hosts), and names mapped to loopback ports.
fn exporter_args(allow: &[&str], mappings: &[(&str, u16)], more: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = vec!["--ca-file".into(), cert("root.pem"), "--no-http".into()];
    for pattern in allow {
        args.extend(["--allow".to_string(), pattern.to_string()]);
    }
    for (name, port) in mappings {
        args.extend(connect_to(name, 443, *port));
    }
    args.extend(more.iter().map(|arg| arg.to_string()));
    args
}

fn own(exporter: &Exporter, name: &str, labels: &[(&str, &str)]) -> f64 {
    sample_value(&exporter.own_metrics(), name, labels)
        .unwrap_or_else(|| panic!("no {name} {labels:?} in /metrics"))
}

/// Polls the exporter's `/metrics` until `probes_in_flight` is `count`.
fn wait_in_flight(exporter: &Exporter, count: f64) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while own(exporter, "tlscheck_exporter_probes_in_flight", &[]) != count {
        assert!(
            Instant::now() < deadline,
            "never {count} probe(s) in flight\n{}",
            exporter.process.log()
        );
        sleep(Duration::from_millis(20));
    }
}

#[test]
fn serve_refuses_to_start_without_an_allow_pattern() {
    let port = free_port();
    let output = tlscheck(["serve", "--listen", &format!("127.0.0.1:{port}")]);
    assert_eq!(output.code, 2, "{output}");
    assert!(
        output.stderr.contains("--allow PATTERN") && output.stderr.contains("--allow '*'"),
        "{output}"
    );
    assert!(
        TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err(),
        "nothing may listen"
    );
    let output = tlscheck(["serve", "--allow", "https://x.test/"]);
    assert_eq!(output.code, 2, "{output}");
    assert!(
        output.stderr.contains("invalid --allow 'https://x.test/'"),
        "{output}"
    );
}

#[test]
fn a_target_no_pattern_allows_gets_403_and_not_a_single_connection() {
    let nginx = NginxServer::well_configured().start();
    let backend = SocketAddr::from((Ipv4Addr::LOCALHOST, nginx.https_port));
    // Every way to the proxy below is refused; only the control goes through the other one.
    let forbidden = TcpProxy::to(backend).start();
    let allowed = TcpProxy::to(backend).start();
    let exporter = Exporter::start(&exporter_args(
        &["good.test:443"],
        &[
            ("good.test", allowed.port()),
            ("sneaky.test", forbidden.port()),
        ],
        &[],
    ));
    let port = forbidden.port();
    for target in [
        format!("127.0.0.1:{port}"),
        format!("https://127.0.0.1:{port}/"),
        // A name the operator mapped, but did not allow.
        "sneaky.test:443".to_string(),
        // An allowed name on another port.
        format!("good.test:{port}"),
    ] {
        let reply = exporter.probe(&target, "", &[]);
        assert_eq!(reply.status, 403, "{target}: {reply:?}");
        assert!(
            reply.body.contains("is not allowed") && reply.body.contains("--allow"),
            "{reply:?}"
        );
    }
    // Give a stray connection time to arrive before counting.
    sleep(Duration::from_millis(300));
    assert_eq!(
        forbidden.connections_accepted(),
        0,
        "a packet reached a forbidden target"
    );
    assert_eq!(
        own(
            &exporter,
            "tlscheck_exporter_requests_refused_total",
            &[("reason", "forbidden")]
        ),
        4.0
    );
    assert_eq!(
        own(
            &exporter,
            "tlscheck_exporter_probes_total",
            &[("result", "success")]
        ),
        0.0
    );

    // The control: the allowed name reaches the server through the other proxy.
    let reply = exporter.probe("good.test:443", "&module=quick", &[]);
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(
        sample_value(&parse_exposition(&reply.body), "probe_success", &[]),
        Some(1.0),
        "{}",
        reply.body
    );
    assert!(allowed.connections_accepted() > 0);
    assert_eq!(forbidden.connections_accepted(), 0);
}

#[test]
fn a_probe_beyond_the_limit_gets_503_at_once() {
    let silent = HostileServer::start(Hostility::Silent);
    let nginx = NginxServer::well_configured().start();
    let exporter = Exporter::start(&exporter_args(
        &["*.test"],
        &[("stall.test", silent.port), ("good.test", nginx.https_port)],
        &["--max-concurrent-probes", "1", "--target-timeout", "3"],
    ));
    std::thread::scope(|scope| {
        let first = scope.spawn(|| exporter.probe("stall.test:443", "&module=quick", &[]));
        wait_in_flight(&exporter, 1.0);
        let started = Instant::now();
        let reply = exporter.probe("good.test:443", "&module=quick", &[]);
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "the 503 took {:?}",
            started.elapsed()
        );
        assert_eq!(reply.status, 503, "{reply:?}");
        assert!(
            reply.body.contains("1 probe(s) already running")
                && reply.body.contains("--max-concurrent-probes 1"),
            "{reply:?}"
        );
        assert_eq!(reply.header("retry-after"), Some("1"), "{reply:?}");
        let first = first.join().expect("first probe");
        assert_eq!(first.status, 200, "{first:?}");
        assert_eq!(
            sample_value(&parse_exposition(&first.body), "probe_success", &[]),
            Some(0.0),
            "a server that never answers: {}",
            first.body
        );
    });
    assert_eq!(
        own(
            &exporter,
            "tlscheck_exporter_requests_refused_total",
            &[("reason", "overloaded")]
        ),
        1.0
    );
    // The slot is free again.
    let reply = exporter.probe("good.test:443", "&module=quick", &[]);
    assert_eq!(reply.status, 200, "{reply:?}");
}

#[test]
fn the_scrape_timeout_header_bounds_the_probe() {
    let silent = HostileServer::start(Hostility::Silent);
    let exporter = Exporter::start(&exporter_args(
        &["stall.test"],
        &[("stall.test", silent.port)],
        &["--target-timeout", "4"],
    ));
    for (header, budget) in [(Some("2"), 1.5), (Some("0.8"), 0.4), (None, 4.0)] {
        let headers: Vec<(&str, &str)> = header.map(|h| (TIMEOUT_HEADER, h)).into_iter().collect();
        let started = Instant::now();
        let reply = exporter.probe("stall.test:443", "", &headers);
        let elapsed = started.elapsed().as_secs_f64();
        assert_eq!(reply.status, 200, "{reply:?}");
        let samples = parse_exposition(&reply.body);
        assert_eq!(
            sample_value(&samples, "probe_timeout_seconds", &[]),
            Some(budget),
            "{header:?}: {}",
            reply.body
        );
        assert_eq!(sample_value(&samples, "probe_success", &[]), Some(0.0));
        // The whole scan, enumeration included, ends with its budget: never after the scrape
        // timeout Prometheus stated.
        assert!(
            elapsed >= budget * 0.9 && elapsed < budget + 0.45,
            "{header:?}: answered after {elapsed:.2} s for a budget of {budget} s"
        );
    }
    let reply = exporter.probe("stall.test:443", "", &[(TIMEOUT_HEADER, "soon")]);
    assert_eq!(reply.status, 400, "{reply:?}");
    assert!(reply.body.contains(TIMEOUT_HEADER), "{reply:?}");
}

#[test]
fn module_and_policy_choose_the_depth_and_the_profile() {
    let nginx = NginxServer::well_configured().start();
    let exporter = Exporter::start(&exporter_args(
        &["good.test:443"],
        &[("good.test", nginx.https_port)],
        &["--policy", "mozilla-intermediate"],
    ));
    let samples = |query: &str| {
        let reply = exporter.probe("good.test:443", query, &[]);
        assert_eq!(reply.status, 200, "{query}: {reply:?}");
        assert_promtool_accepts(&reply.body);
        assert!(!reply.body.contains("target="), "{}", reply.body);
        parse_exposition(&reply.body)
    };
    let full = samples("");
    assert_eq!(
        sample_value(
            &full,
            "tlscheck_legacy_protocol_accepted",
            &[("version", "TLS 1.0")]
        ),
        Some(0.0)
    );
    assert_eq!(
        samples_named(&full, "tlscheck_weakest_cipher_info", &[]).len(),
        1
    );
    assert_eq!(
        sample_value(
            &full,
            "tlscheck_verdict",
            &[("policy", "mozilla-intermediate@6.0"), ("verdict", "pass")]
        ),
        Some(1.0)
    );
    // One handshake: what the enumeration would tell is not known, so not reported.
    let quick = samples("&module=quick");
    assert_eq!(sample_value(&quick, "probe_success", &[]), Some(1.0));
    assert!(samples_named(&quick, "tlscheck_legacy_protocol_accepted", &[]).is_empty());
    assert!(samples_named(&quick, "tlscheck_weakest_cipher_info", &[]).is_empty());
    let none = samples("&module=quick&policy=none");
    assert_eq!(
        sample_value(
            &none,
            "tlscheck_verdict",
            &[("policy", "none"), ("verdict", "pass")]
        ),
        Some(1.0)
    );
    let modern = samples("&module=quick&policy=mozilla-modern");
    assert_eq!(
        samples_named(
            &modern,
            "tlscheck_verdict",
            &[("policy", "mozilla-modern@6.0")]
        )
        .len(),
        3
    );

    for (query, expected) in [
        ("&module=http_2xx", "unknown module 'http_2xx'"),
        ("&policy=/etc/passwd", "is not a built-in profile"),
        ("&policy=mozilla-nope", "is not a built-in profile"),
        ("&target=good.test:443", "give 'target' once"),
    ] {
        let reply = exporter.probe("good.test:443", query, &[]);
        assert_eq!(reply.status, 400, "{query}: {reply:?}");
        assert!(reply.body.contains(expected), "{query}: {reply:?}");
    }
    for (path, status) in [
        ("/probe", 400),
        ("/probe?target=http%3A%2F%2Fgood.test%3A8080%2F", 400),
        ("/probe?target=bad%20host", 400),
        ("/nowhere", 404),
        ("/", 200),
    ] {
        let reply = http_get(exporter.addr, path, &[]);
        assert_eq!(reply.status, status, "{path}: {reply:?}");
    }
}

#[test]
fn metrics_count_probes_by_result_and_time_them() {
    let nginx = NginxServer::well_configured().start();
    let closed = free_port();
    let exporter = Exporter::start(&exporter_args(
        &["*.test:443"],
        &[("good.test", nginx.https_port), ("closed.test", closed)],
        &[],
    ));
    for (target, query) in [
        ("good.test:443", ""),
        ("good.test:443", "&module=quick"),
        ("closed.test:443", "&module=quick"),
    ] {
        assert_eq!(exporter.probe(target, query, &[]).status, 200);
    }
    let reply = http_get(
        exporter.addr,
        "/probe?target=good.test:443&module=bogus",
        &[],
    );
    assert_eq!(reply.status, 400);

    let reply = http_get(exporter.addr, "/metrics", &[]);
    assert_eq!(reply.status, 200);
    assert!(
        reply
            .header("content-type")
            .is_some_and(|value| value.starts_with("text/plain; version=0.0.4")),
        "{reply:?}"
    );
    assert_promtool_accepts(&reply.body);
    assert_well_formed(&reply.body);
    let samples = parse_exposition(&reply.body);
    let value = |name: &str, labels: &[(&str, &str)]| {
        sample_value(&samples, name, labels).unwrap_or_else(|| panic!("{name}: {}", reply.body))
    };
    assert_eq!(
        value("tlscheck_exporter_probes_total", &[("result", "success")]),
        2.0
    );
    assert_eq!(
        value("tlscheck_exporter_probes_total", &[("result", "failure")]),
        1.0
    );
    assert_eq!(
        value("tlscheck_exporter_probe_duration_seconds_count", &[]),
        3.0
    );
    assert_eq!(
        value(
            "tlscheck_exporter_probe_duration_seconds_bucket",
            &[("le", "+Inf")]
        ),
        3.0
    );
    assert!(value("tlscheck_exporter_probe_duration_seconds_sum", &[]) > 0.0);
    assert_eq!(value("tlscheck_exporter_probes_in_flight", &[]), 0.0);
    assert_eq!(
        value(
            "tlscheck_exporter_requests_refused_total",
            &[("reason", "bad_request")]
        ),
        1.0
    );
    // One log line per probe, naming its target.
    assert_eq!(
        exporter.probed_targets(),
        vec!["good.test:443", "good.test:443", "closed.test:443"]
    );
    // What a scraper sends cannot forge a log line.
    let forged = "good.test:443/\ntlscheck serve: probe target=forged.test:443";
    let reply = exporter.probe(forged, "&module=bogus", &[]);
    assert_eq!(reply.status, 400, "{reply:?}");
    // A target with a control character is refused, the character escaped in the answer.
    let reply = exporter.probe(forged, "&module=quick", &[]);
    assert_eq!(reply.status, 400, "{reply:?}");
    assert!(reply.body.contains("\\u{a}"), "{reply:?}");
    let log = exporter.process.log();
    assert!(
        !log.lines()
            .any(|line| line.starts_with("tlscheck serve: probe target=forged")),
        "{log}"
    );
}

#[test]
fn sigterm_stops_accepting_lets_the_probe_in_flight_finish_and_exits_0() {
    let silent = HostileServer::start(Hostility::Silent);
    let mut exporter = Exporter::start(&exporter_args(
        &["stall.test"],
        &[("stall.test", silent.port)],
        &["--target-timeout", "10"],
    ));
    let addr = exporter.addr;
    let in_flight = std::thread::spawn(move || {
        let started = Instant::now();
        let reply = http_get(addr, "/probe?target=stall.test", &[(TIMEOUT_HEADER, "2.5")]);
        (reply, started.elapsed())
    });
    wait_in_flight(&exporter, 1.0);
    let process = &mut exporter.process;
    let sent = Instant::now();
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &process.pid().to_string()])
        .status()
        .expect("run kill");
    assert!(kill.success());
    // It stops accepting at once, while the probe is still running.
    let deadline = Instant::now() + Duration::from_secs(1);
    while TcpStream::connect_timeout(&addr, Duration::from_millis(100)).is_ok() {
        assert!(Instant::now() < deadline, "still accepting after SIGTERM");
        sleep(Duration::from_millis(20));
    }
    assert!(
        process.exited().is_none(),
        "exited before its probe finished"
    );
    let (reply, took) = in_flight.join().expect("probe thread");
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(
        sample_value(&parse_exposition(&reply.body), "probe_timeout_seconds", &[]),
        Some(2.0)
    );
    assert!(
        took >= Duration::from_millis(1_800),
        "the probe was cut: {took:?}"
    );
    let deadline = Instant::now() + Duration::from_secs(5);
    let status = loop {
        if let Some(status) = process.exited() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "still running:\n{}",
            process.log()
        );
        sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0), "{}", process.log());
    assert!(sent.elapsed() < Duration::from_secs(5));
    let log = process.log();
    assert!(log.contains("SIGTERM: no longer accepting"), "{log}");
    assert!(log.contains("probe target=stall.test"), "{log}");
    assert!(log.trim_end().ends_with("tlscheck serve: stopped"), "{log}");
}
