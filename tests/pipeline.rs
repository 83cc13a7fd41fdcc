//! The pipeline's promises, against real servers on 127.0.0.1: one connection limit across every
//! probe and target, a time budget per target that never holds back the others, no finding of
//! absence from a probe that got no answer, and a table that fits a terminal reporting 0 columns
//! without breaking a word.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

/// These tests time servers and count connections on a two-core machine: they run one at a
/// time, so one's twenty scans do not starve another's 0.5 s margin.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn alone() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// `--connect-to` rules sending every name's ports 443 and 80 to the two given loopback ports.
fn every_name_to(https_port: u16, http_port: u16) -> Vec<String> {
    vec![
        "--connect-to".into(),
        format!(":443:127.0.0.1:{https_port}"),
        "--connect-to".into(),
        format!(":80:127.0.0.1:{http_port}"),
    ]
}

/// Scans twenty names that all reach one nginx (HTTPS and plain HTTP, each behind a counting
/// proxy that holds every connection 20 ms before forwarding, so connections overlap) and
/// returns the peak number of connections open at once, and the JSON document.
fn peak_for_twenty_names(max_connections: usize) -> (usize, Value, Output) {
    let nginx = NginxServer::well_configured().start();
    let counter = ConnectionCounter::new();
    let hold = Duration::from_millis(20);
    let https = TcpProxy::to(([127, 0, 0, 1], nginx.https_port).into())
        .counted_by(&counter)
        .forward_delay(hold)
        .start();
    let http = TcpProxy::to(([127, 0, 0, 1], nginx.http_port).into())
        .counted_by(&counter)
        .forward_delay(hold)
        .start();
    let mut args: Vec<String> = (0..20).map(|i| format!("name{i}.test")).collect();
    args.extend(every_name_to(https.port(), http.port()));
    args.extend([
        "--ca-file".into(),
        cert("root.pem"),
        "--max-connections".into(),
        max_connections.to_string(),
        "--concurrency".into(),
        "20".into(),
        "--format".into(),
        "json".into(),
    ]);
    let output = tlscheck(&args);
    let document: Value = serde_json::from_str(&output.stdout)
        .unwrap_or_else(|error| panic!("stdout is not JSON ({error})\n{output}"));
    (counter.peak(), document, output)
}

#[test]
fn twenty_names_on_one_server_never_open_more_connections_than_the_limit() {
    let _alone = alone();
    let (peak, document, output) = peak_for_twenty_names(3);
    let reports = array_at(&document, "/reports");
    assert_eq!(reports.len(), 20, "one record per target\n{output}");
    for report in reports {
        assert_eq!(report["tls"]["status"], "ok", "{report}");
        assert_eq!(report["enumeration"]["status"], "ok", "{report}");
        assert_eq!(report["redirect"]["status"], "ok", "{report}");
    }
    assert!(
        peak <= 3,
        "{peak} connections at once with --max-connections 3\n{}",
        output.stderr
    );
    assert!(peak >= 2, "the scans never overlapped (peak {peak})");
}

#[test]
fn the_connection_counter_sees_a_higher_limit_used() {
    let _alone = alone();
    // The same measurement with room for more: it must see more than three, or the test
    // above could not fail.
    let (peak, _, output) = peak_for_twenty_names(12);
    assert!(peak > 3, "peak {peak} with --max-connections 12\n{output}");
    assert!(
        peak <= 12,
        "peak {peak} with --max-connections 12\n{output}"
    );
}

#[test]
fn a_late_server_is_cut_at_its_budget_and_the_other_targets_are_reported_in_full() {
    let _alone = alone();
    let slow_backend = OpensslServer::new("good-fullchain.pem", "good.key").start();
    // On 127.0.0.2: another server address, with a connection limit of its own.
    let slow = TcpProxy::to(slow_backend.addr)
        .reply_delay(Duration::from_millis(2500))
        .listen_on(std::net::Ipv4Addr::new(127, 0, 0, 2))
        .start();
    let fast = NginxServer::well_configured().start();
    let mut args = vec!["slow.test".to_string(), "good.test".to_string()];
    args.extend([
        "--connect-to".to_string(),
        format!("slow.test:443:127.0.0.2:{}", slow.port()),
    ]);
    args.extend(connect_to("slow.test", 80, free_port()));
    args.extend(connect_to("good.test", 443, fast.https_port));
    args.extend(connect_to("good.test", 80, fast.http_port));
    args.extend(
        [
            "--ca-file",
            &cert("root.pem"),
            // Room for the 2.5 s delay on a loaded machine: the budget, not a timeout, must cut.
            "--timeout",
            "5",
            "--target-timeout",
            "8",
        ]
        .map(String::from),
    );

    // Table: the fast target is printed first, as soon as it is done.
    let started = Instant::now();
    let table = tlscheck(&args);
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_secs(14),
        "took {elapsed:?} with --target-timeout 8\n{table}"
    );
    let fast_at = table
        .stdout
        .find("tlscheck good.test")
        .expect("good.test report");
    let slow_at = table
        .stdout
        .find("tlscheck slow.test")
        .expect("slow.test report");
    assert!(
        fast_at < slow_at,
        "the fast report waited for the slow one\n{table}"
    );
    assert!(table.stdout.contains("time budget"), "{table}");

    args.extend(["--format".to_string(), "json".to_string()]);
    let document: Value = serde_json::from_str(&tlscheck(&args).stdout).expect("JSON");
    let reports = array_at(&document, "/reports");
    let slow_report = &reports[0];
    let fast_report = &reports[1];
    assert_eq!(str_at(slow_report, "/target/input"), "slow.test");
    assert_eq!(i64_at(slow_report, "/time_budget_ms"), 8000);
    // The slow server answered the handshake in time, so it was reached...
    assert_at(slow_report, "/tls/status", "ok");
    // ...but its enumeration ran out of budget: what was not measured says so, and no
    // finding of absence is drawn from it.
    let enumeration = at(slow_report, "/enumeration");
    let budget_cut = array_at(enumeration, "/protocols")
        .iter()
        .chain(array_at(enumeration, "/cipher_suites"))
        .filter(|entry| entry["error"]["kind"] == "budget")
        .count();
    assert!(budget_cut > 0, "{slow_report}");
    assert_finding(slow_report, "scan.inconclusive");
    assert_no_finding_in(slow_report, &["protocol.no-", "cipher.no-aead"]);
    // The fast target was scanned in full.
    assert_at(fast_report, "/verdict", "pass");
    for protocol in array_at(fast_report, "/enumeration/protocols") {
        assert!(protocol["error"].is_null(), "{protocol}");
    }
    assert!(i64_at(fast_report, "/duration_ms") < 8000);
}

#[test]
fn a_timed_out_probe_is_unknown_not_a_refusal() {
    let _alone = alone();
    // TLS 1.2 and 1.3; the proxy never answers a hello that offers TLS 1.3.
    let server = OpensslServer::new("good-fullchain.pem", "good.key").start();
    let stalling = TcpProxy::stalling_tls13(server.addr);
    let mut args = vec!["good.test".to_string()];
    args.extend(connect_to("good.test", 443, stalling.port()));
    args.extend(connect_to("good.test", 80, free_port()));
    args.extend(["--ca-file", &cert("root.pem"), "--timeout", "2"].map(String::from));
    let (output, report) = scan(&args);

    let tls13 = array_at(&report, "/enumeration/protocols")
        .iter()
        .find(|p| p["version"] == "TLSv1.3")
        .expect("TLSv1.3 entry")
        .clone();
    assert_eq!(tls13["accepted"], Value::Null, "{tls13}\n{output}");
    assert_eq!(tls13["error"]["kind"], "timeout", "{tls13}");
    let tls12 = array_at(&report, "/enumeration/protocols")
        .iter()
        .find(|p| p["version"] == "TLSv1.2")
        .expect("TLSv1.2 entry")
        .clone();
    assert_eq!(tls12["accepted"], true, "{tls12}");
    assert_no_finding(&report, "protocol.no-tls13");
    assert_no_finding(&report, "tls.handshake-failed");
    assert_finding(&report, "scan.inconclusive");
    assert!(stalling.connections_stalled() > 0);
}

#[test]
fn a_reply_over_the_size_limit_is_unknown_not_a_refusal() {
    let _alone = alone();
    let server = oversized_chain_server();
    let args = scan_args_for("good.test", &server);
    let (output, report) = scan(&args);

    let protocols = array_at(&report, "/enumeration/protocols");
    let version = |name: &str| {
        protocols
            .iter()
            .find(|p| p["version"] == name)
            .unwrap_or_else(|| panic!("{name} entry\n{output}"))
            .clone()
    };
    let tls12 = version("TLSv1.2");
    assert_eq!(tls12["accepted"], Value::Null, "{tls12}\n{output}");
    assert_eq!(tls12["error"]["kind"], "too-large", "{tls12}");
    assert_eq!(version("TLSv1.3")["accepted"], true, "{output}");
    assert_no_finding(&report, "protocol.no-tls12");
    assert_finding(&report, "scan.inconclusive");
}

#[test]
fn a_terminal_reporting_zero_columns_gets_a_table_of_normal_length() {
    let _alone = alone();
    let nginx = NginxServer::misconfigured().start();
    let mut args = nginx.scan_args();
    args.extend(["--ca-file".to_string(), cert("root.pem")]);
    let zero = tlscheck_in_terminal(&args, None);
    let eighty = tlscheck_in_terminal(&args, Some(80));
    assert!(zero.stdout.contains("Verdict:"), "{zero}");
    let (zero_lines, eighty_lines) = (zero.stdout.lines().count(), eighty.stdout.lines().count());
    assert!(
        zero_lines <= eighty_lines + eighty_lines / 4,
        "{zero_lines} lines at 0 columns, {eighty_lines} at 80\n{zero}"
    );
    for line in eighty.stdout.lines() {
        // Only the findings list may overflow, and only by a word too long for any line.
        if line.starts_with('│') || line.starts_with('┌') {
            assert!(line.chars().count() <= 80, "wider than 80:\n{line}");
        }
    }

    // Every identifier, date and command survives whole.
    let report = scan_json(&args);
    let mut words: Vec<String> = Vec::new();
    for version in array_at(&report, "/enumeration/cipher_suites") {
        for suite in version["suites"].as_array().expect("suites") {
            words.push(
                suite["openssl_name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            );
        }
    }
    for certificate in array_at(&report, "/certificates/certificates") {
        words.push(certificate["not_after"].as_str().expect("date").to_string());
    }
    for finding in array_at(&report, "/findings") {
        words.push(finding["id"].as_str().expect("id").to_string());
        // The long words of every fix: directives, commands, cipher lists.
        for fix in ["nginx", "apache", "python"] {
            let text = finding["fix"][fix].as_str().unwrap_or_default();
            words.extend(
                text.split_whitespace()
                    .filter(|word| word.len() >= 12)
                    .map(str::to_string),
            );
        }
    }
    assert!(words.len() > 10, "{words:?}");
    for output in [&zero, &eighty] {
        for word in words.iter().filter(|w| !w.is_empty()) {
            assert!(
                output.stdout.contains(word.as_str()),
                "{word:?} is broken or missing\n{output}"
            );
        }
    }
}
