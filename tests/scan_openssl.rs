//! Scans of `openssl s_server` on 127.0.0.1 serving the how-to certificates in testdata/certs:
//! connection facts, chain facts and certificate findings, exit codes and the table output.

mod common;

use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::*;

/// `--ca-file root.pem`: trust the private test root.
fn trusting_test_root(mut args: Vec<String>) -> Vec<String> {
    args.extend(["--ca-file".to_string(), cert("root.pem")]);
    args
}

fn good_server() -> ServerGuard {
    OpensslServer::new("good-fullchain.pem", "good.key").start()
}

#[test]
fn trusted_private_chain_has_no_certificate_findings() {
    let server = good_server();
    let report = scan_json(trusting_test_root(scan_args_for("good.test", &server)));

    assert_at(&report, "/unreachable", serde_json::Value::Null);
    assert_at(&report, "/target/host", "good.test");
    assert_at(&report, "/target/port", server.port());
    assert_at(&report, "/target/sni", "good.test");
    assert_at(
        &report,
        "/target/connected_to",
        format!("127.0.0.1:{}", server.port()),
    );

    assert_at(&report, "/tls/status", "ok");
    assert_at(&report, "/tls/protocol", "TLSv1.3");
    let group = str_at(&report, "/tls/key_exchange_group");
    // OpenSSL 3.0 has no ML-KEM, so the hybrid group cannot be chosen; x25519 is its first choice.
    assert!(
        group.eq_ignore_ascii_case("x25519"),
        "key exchange group {group:?}"
    );
    assert!(str_at(&report, "/tls/cipher_suite").starts_with("TLS_AES_"));
    assert_at(
        &report,
        "/tls/handshake_signature_error",
        serde_json::Value::Null,
    );

    let chain = at(&report, "/certificates");
    let certificates = array_at(chain, "/certificates");
    assert_eq!(certificates.len(), 2, "leaf and intermediate, as served");
    assert_at(chain, "/certificates/0/common_name", "good.test");
    assert_at(
        chain,
        "/certificates/1/common_name",
        "tlscheck Test Intermediate CA",
    );
    assert_at(chain, "/order_correct", true);
    assert_at(chain, "/incomplete", false);
    assert_at(chain, "/trust/trusted", true);
    assert_at(chain, "/trust/error", serde_json::Value::Null);
    assert_at(chain, "/hostname/name", "good.test");
    assert_at(chain, "/hostname/matches", true);

    let leaf = at(chain, "/certificates/0");
    assert_at(
        leaf,
        "/dns_names",
        serde_json::json!(["good.test", "www.good.test"]),
    );
    assert_at(leaf, "/ip_addresses", serde_json::json!(["127.0.0.1"]));
    assert_at(leaf, "/key/algorithm", "RSA");
    assert_at(leaf, "/key/bits", 2048);
    assert_at(leaf, "/signature_algorithm", "sha256WithRSAEncryption");
    assert_at(leaf, "/is_ca", false);
    assert_at(leaf, "/self_signed", false);
    assert_at(leaf, "/expired", false);
    assert_at(leaf, "/not_yet_valid", false);
    assert_at(
        leaf,
        "/sha256_fingerprint",
        openssl_sha256_fingerprint("good.pem"),
    );
    let serial: String = str_at(leaf, "/serial")
        .chars()
        .filter(|c| *c != ':')
        .collect();
    assert_eq!(
        serial.trim_start_matches('0'),
        openssl_serial("good.pem").trim_start_matches('0'),
        "serial"
    );
    assert!(
        i64_at(leaf, "/days_left") > 365 * 15,
        "20-year fixture: {}",
        i64_at(leaf, "/days_left")
    );
    assert_at(chain, "/certificates/1/is_ca", true);

    assert_no_finding_in(&report, &["cert.", "chain.", "tls."]);
}

#[test]
fn private_chain_is_untrusted_without_ca_file() {
    let server = good_server();
    let report = scan_json(scan_args_for("good.test", &server));

    assert_at(&report, "/certificates/trust/trusted", false);
    assert!(
        str_at(&report, "/certificates/trust/store").contains("webpki-roots"),
        "default store is webpki-roots"
    );
    assert!(at(&report, "/certificates/trust/error").is_string());
    assert_finding(&report, "cert.untrusted");
    // The handshake still completes: untrusted is a finding, not a failed scan.
    assert_at(&report, "/tls/status", "ok");
    assert_at(&report, "/certificates/hostname/matches", true);
}

#[test]
fn how_to_weak_ca_reports_rsa_1024_key_and_sha1_signature() {
    let server = OpensslServer::new("weak.pem", "weak.key")
        .security_level(0)
        .start();
    let report = scan_json(scan_args_for("weak.test", &server));

    // rustls refuses to verify a handshake signature from an RSA-1024 key; the scan goes on.
    assert_at(&report, "/tls/status", "ok");
    assert_at(
        &report,
        "/tls/handshake_signature_error",
        "rustls cannot verify a handshake signature made with a 1024-bit RSA key (it accepts 2048 bits and more)",
    );
    let leaf = at(&report, "/certificates/certificates/0");
    assert_at(leaf, "/common_name", "weak.test");
    assert_at(leaf, "/key/algorithm", "RSA");
    assert_at(leaf, "/key/bits", 1024);
    assert_at(leaf, "/signature_algorithm", "sha1WithRSAEncryption");
    assert_at(leaf, "/signature_hash", "SHA-1");
    assert_finding(&report, "cert.weak-key");
    assert_finding(&report, "cert.sha1-signature");
    assert_at(&report, "/certificates/trust/trusted", false);
}

/// Runs openssl with `args` in `dir`, panicking with its output when it fails.
fn openssl_in(dir: &std::path::Path, args: &[&str]) {
    let output = std::process::Command::new(require_tool("openssl"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run openssl");
    assert!(output.status.success(), "openssl {args:?}: {output:?}");
}

#[test]
fn x509_v1_certificate_is_explained_in_words() {
    // `openssl x509 -req` without an extension file, as the Flask article does: the server
    // certificate is X.509 version 1, which webpki refuses.
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path();
    openssl_in(path, &["genrsa", "-out", "ca.key", "2048"]);
    openssl_in(
        path,
        &[
            "req",
            "-x509",
            "-new",
            "-key",
            "ca.key",
            "-subj",
            "/CN=v1 Test CA",
            "-days",
            "30",
            "-out",
            "ca.crt",
        ],
    );
    openssl_in(path, &["genrsa", "-out", "server.key", "2048"]);
    openssl_in(
        path,
        &[
            "req",
            "-new",
            "-key",
            "server.key",
            "-subj",
            "/CN=v1.test",
            "-out",
            "server.csr",
        ],
    );
    openssl_in(
        path,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "30",
            "-sha256",
            "-out",
            "server.crt",
        ],
    );
    let server = OpensslServer::new_at(&path.join("server.crt"), &path.join("server.key")).start();
    let mut args = scan_args_for("v1.test", &server);
    args.extend([
        "--ca-file".to_string(),
        path.join("ca.crt").display().to_string(),
    ]);
    let report = scan_json(&args);

    assert_at(&report, "/certificates/trust/trusted", false);
    assert_at(
        &report,
        "/certificates/trust/failure",
        "unsupported-cert-version",
    );
    assert_at(
        &report,
        "/certificates/trust/error",
        "a certificate is X.509 version 1 or 2; webpki (and so rustls-based clients) accept only version 3",
    );
    assert_finding(&report, "cert.untrusted");
}

#[test]
fn each_certificate_carries_its_exact_bytes_as_pem() {
    let server = OpensslServer::new("good-fullchain.pem", "good.key").start();
    let report = scan_json(scan_args_for("good.test", &server));
    let pem = str_at(&report, "/certificates/certificates/0/pem");
    let served = std::fs::read_to_string(cert_path("good.pem")).expect("fixture");
    assert_eq!(
        pem.replace("\r\n", "\n").trim(),
        served.trim(),
        "the leaf's PEM differs from the file served"
    );
}

#[test]
fn self_signed_certificate_is_reported() {
    let server = OpensslServer::new("selfsigned.pem", "selfsigned.key").start();
    let report = scan_json(scan_args_for("selfsigned.test", &server));

    assert_at(&report, "/tls/status", "ok");
    assert_eq!(array_at(&report, "/certificates/certificates").len(), 1);
    assert_at(&report, "/certificates/certificates/0/self_signed", true);
    assert_at(
        &report,
        "/certificates/certificates/0/issuer",
        str_at(&report, "/certificates/certificates/0/subject"),
    );
    assert_at(&report, "/certificates/trust/trusted", false);
    assert_at(&report, "/certificates/hostname/matches", true);
    assert_finding(&report, "cert.self-signed");
}

/// Whole days from now to `when` (seconds since the epoch), rounded toward negative infinity.
fn days_from_now(when: i64) -> i64 {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs() as i64;
    (when - now).div_euclid(86_400)
}

#[test]
fn expired_certificate_is_reported_with_negative_days_left() {
    let server = OpensslServer::new("expired-fullchain.pem", "expired.key").start();
    let (output, report) = scan(trusting_test_root(scan_args_for("expired.test", &server)));

    let leaf = at(&report, "/certificates/certificates/0");
    assert_at(leaf, "/common_name", "expired.test");
    assert_at(leaf, "/expired", true);
    assert!(str_at(leaf, "/not_before").starts_with("2020-01-01T00:00:00"));
    assert!(str_at(leaf, "/not_after").starts_with("2021-01-01T00:00:00"));
    // not_after is 2021-01-01T00:00:00Z = 1609459200.
    let expected = days_from_now(1_609_459_200);
    let days_left = i64_at(leaf, "/days_left");
    assert!(
        (days_left - expected).abs() <= 1,
        "days_left {days_left}, expected about {expected}"
    );
    assert_at(&report, "/certificates/trust/trusted", false);
    assert_finding(&report, "cert.expired");
    assert_eq!(
        output.code, 1,
        "an expired certificate fails the scan\n{output}"
    );
}

#[test]
fn not_yet_valid_certificate_is_reported() {
    let server = OpensslServer::new("future-fullchain.pem", "future.key").start();
    let report = scan_json(trusting_test_root(scan_args_for("future.test", &server)));

    let leaf = at(&report, "/certificates/certificates/0");
    assert_at(leaf, "/common_name", "future.test");
    assert_at(leaf, "/not_yet_valid", true);
    assert_at(leaf, "/expired", false);
    assert!(str_at(leaf, "/not_before").starts_with("2090-01-01T00:00:00"));
    assert_at(&report, "/certificates/trust/trusted", false);
    assert_finding(&report, "cert.not-yet-valid");
    assert_no_finding(&report, "cert.expired");
}

/// The severity of finding `id` in `report`.
#[track_caller]
fn severity_of(report: &serde_json::Value, id: &str) -> usize {
    assert_finding(report, id);
    let findings = array_at(report, "/findings");
    let finding = findings
        .iter()
        .find(|finding| finding["id"] == id)
        .expect("asserted above");
    severity_rank(str_at(finding, "/severity"))
}

#[test]
fn expiry_windows_come_from_warn_and_crit_days() {
    // The 20-year fixture has about 7300 days left: inside an 8000-day warning window.
    let server = good_server();
    let mut warn = trusting_test_root(scan_args_for("good.test", &server));
    warn.extend(["--warn-days".to_string(), "8000".to_string()]);
    let warned = scan_json(&warn);
    let warned_severity = severity_of(&warned, "cert.expires-soon");

    let mut critical = warn.clone();
    critical.extend(["--crit-days".to_string(), "7500".to_string()]);
    let critical_report = scan_json(&critical);
    let critical_severity = severity_of(&critical_report, "cert.expires-soon");
    assert!(
        critical_severity > warned_severity,
        "inside --crit-days is worse than inside --warn-days only"
    );

    let mut inverted = trusting_test_root(scan_args_for("good.test", &server));
    inverted.extend(["--warn-days", "5", "--crit-days", "10"].map(str::to_string));
    let output = tlscheck(&inverted);
    assert_eq!(output.code, 2, "--crit-days above --warn-days\n{output}");
}

#[test]
fn hostname_mismatch_names_what_the_certificate_covers() {
    let server = good_server();
    let report = scan_json(trusting_test_root(scan_args_for("other.test", &server)));

    assert_at(&report, "/target/sni", "other.test");
    assert_at(&report, "/certificates/hostname/name", "other.test");
    assert_at(&report, "/certificates/hostname/matches", false);
    let covered = array_at(&report, "/certificates/hostname/covered");
    for name in ["good.test", "www.good.test", "127.0.0.1"] {
        assert!(
            covered.iter().any(|value| value == name),
            "covered {covered:?} lacks {name}"
        );
    }
    assert_finding(&report, "cert.hostname-mismatch");
}

#[test]
fn missing_intermediate_makes_chain_incomplete_and_untrusted() {
    let server = OpensslServer::new("good.pem", "good.key").start();
    let report = scan_json(trusting_test_root(scan_args_for("good.test", &server)));

    let chain = at(&report, "/certificates");
    assert_eq!(array_at(chain, "/certificates").len(), 1, "leaf only");
    assert_at(chain, "/incomplete", true);
    let missing = str_at(chain, "/missing_issuer");
    assert!(
        missing.contains("tlscheck Test Intermediate CA"),
        "missing issuer {missing:?}"
    );
    assert_at(chain, "/trust/trusted", false);
    assert_finding(&report, "chain.incomplete");
    assert_finding(&report, "cert.untrusted");
}

#[test]
fn chain_in_wrong_order_is_reported() {
    // leaf, root, intermediate: the root was pasted before the intermediate.
    let server = OpensslServer::new("good-wrong-order.pem", "good.key").start();
    let report = scan_json(trusting_test_root(scan_args_for("good.test", &server)));

    let chain = at(&report, "/certificates");
    assert!(
        chain.is_object(),
        "no chain in the report\n{}",
        serde_json::to_string_pretty(&report).unwrap_or_default()
    );
    assert_eq!(array_at(chain, "/certificates").len(), 3, "as presented");
    assert_at(chain, "/certificates/0/common_name", "good.test");
    assert_at(
        chain,
        "/certificates/1/common_name",
        "tlscheck Test Root CA",
    );
    assert_at(
        chain,
        "/certificates/2/common_name",
        "tlscheck Test Intermediate CA",
    );
    assert_at(chain, "/order_correct", false);
    assert_at(chain, "/incomplete", false);
    // Path building does not depend on the order, so clients still trust it.
    assert_at(chain, "/trust/trusted", true);
    assert_finding(&report, "chain.order");
    assert_no_finding(&report, "chain.incomplete");
}

#[test]
fn tls12_only_server_negotiates_tls12_with_the_servers_cipher() {
    let server = OpensslServer::new("good-fullchain.pem", "good.key")
        .without_tls13()
        .cipher("ECDHE-RSA-AES128-GCM-SHA256")
        .start();
    let report = scan_json(trusting_test_root(scan_args_for("good.test", &server)));

    assert_at(&report, "/tls/status", "ok");
    assert_at(&report, "/tls/protocol", "TLSv1.2");
    assert_at(
        &report,
        "/tls/cipher_suite",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    );
    let code = str_at(&report, "/tls/cipher_suite_code");
    assert!(code.eq_ignore_ascii_case("0xc02f"), "suite code {code:?}");
    let group = str_at(&report, "/tls/key_exchange_group");
    assert!(
        group.eq_ignore_ascii_case("x25519"),
        "key exchange group {group:?}"
    );
    assert_at(&report, "/certificates/trust/trusted", true);
}

#[test]
fn tls10_only_server_is_reported_as_a_modern_handshake_failure_with_its_alert() {
    // OpenSSL 3 speaks TLS 1.0 only at security level 0.
    let server = OpensslServer::new("good-fullchain.pem", "good.key")
        .arg("-tls1")
        .security_level(0)
        .start();
    let (output, report) = scan(trusting_test_root(scan_args_for("good.test", &server)));

    assert_at(&report, "/unreachable", serde_json::Value::Null);
    // rustls is refused; tlscheck's legacy client connects and says so.
    assert_at(&report, "/tls/status", "ok");
    assert_at(&report, "/tls/client", "legacy");
    assert_at(&report, "/tls/protocol", "TLSv1.0");
    let reason = str_at(&report, "/tls/strict_client_error/reason");
    assert!(
        reason.contains("protocol_version"),
        "names the alert: {reason:?}"
    );
    assert_finding(&report, "tls.handshake-failed");
    assert_eq!(
        output.code, 1,
        "a server reached but refusing us is a finding\n{output}"
    );
}

#[test]
fn legacy_cipher_only_server_is_reported_as_a_modern_handshake_failure_with_its_alert() {
    // RSA key exchange with AES-CBC-SHA: no suite rustls offers.
    let server = OpensslServer::new("good-fullchain.pem", "good.key")
        .tls12_only()
        .cipher("AES128-SHA")
        .start();
    let report = scan_json(trusting_test_root(scan_args_for("good.test", &server)));

    assert_at(&report, "/unreachable", serde_json::Value::Null);
    assert_at(&report, "/tls/status", "ok");
    assert_at(&report, "/tls/client", "legacy");
    assert_at(&report, "/tls/cipher_suite", "TLS_RSA_WITH_AES_128_CBC_SHA");
    let reason = str_at(&report, "/tls/strict_client_error/reason");
    assert!(
        reason.contains("handshake_failure"),
        "names the alert: {reason:?}"
    );
    assert_finding(&report, "tls.handshake-failed");
    // The page was fetched over the legacy connection.
    assert_at(&report, "/https/status_code", 200);
}

#[test]
fn ec_p256_leaf_reports_its_curve() {
    let server = OpensslServer::new("ec-fullchain.pem", "ec.key").start();
    let report = scan_json(trusting_test_root(scan_args_for("ec.test", &server)));

    let leaf = at(&report, "/certificates/certificates/0");
    assert_at(leaf, "/common_name", "ec.test");
    assert_at(leaf, "/key/algorithm", "EC");
    assert_at(leaf, "/key/bits", 256);
    assert_at(leaf, "/key/curve", "P-256");
    assert_at(&report, "/certificates/trust/trusted", true);
    assert_no_finding(&report, "cert.weak-key");
}

#[test]
fn ip_literal_target_is_checked_against_ip_san() {
    let server = good_server();
    let port = server.port();
    let closed = free_port().to_string();
    let report = scan_json([
        format!("127.0.0.1:{port}").as_str(),
        "--http-port",
        closed.as_str(),
        "--ca-file",
        cert("root.pem").as_str(),
    ]);

    assert_at(&report, "/target/host", "127.0.0.1");
    assert_at(&report, "/target/sni", serde_json::Value::Null);
    assert_at(&report, "/certificates/hostname/name", "127.0.0.1");
    assert_at(&report, "/certificates/hostname/matches", true);
    assert_at(&report, "/certificates/trust/trusted", true);
    assert_no_finding(&report, "cert.hostname-mismatch");
}

#[test]
fn sni_option_names_the_host_at_an_ip_literal() {
    let server = good_server();
    let port = server.port();
    let closed = free_port().to_string();
    let report = scan_json([
        format!("127.0.0.1:{port}").as_str(),
        "--sni",
        "www.good.test",
        "--http-port",
        closed.as_str(),
        "--ca-file",
        cert("root.pem").as_str(),
    ]);

    assert_at(&report, "/target/sni", "www.good.test");
    assert_at(&report, "/certificates/hostname/name", "www.good.test");
    assert_at(&report, "/certificates/hostname/matches", true);
    assert_no_finding(&report, "cert.hostname-mismatch");
}

#[test]
fn resolve_option_maps_a_name_to_loopback() {
    let server = good_server();
    let port = server.port();
    let closed = free_port();
    let report = scan_json([
        format!("https://good.test:{port}/").as_str(),
        "--resolve",
        format!("good.test:{port}:127.0.0.1").as_str(),
        "--resolve",
        format!("good.test:{closed}:127.0.0.1").as_str(),
        "--http-port",
        closed.to_string().as_str(),
        "--ca-file",
        cert("root.pem").as_str(),
    ]);

    assert_at(&report, "/target/host", "good.test");
    assert_at(&report, "/target/path", "/");
    assert_at(&report, "/target/connected_to", format!("127.0.0.1:{port}"));
    assert_at(&report, "/certificates/trust/trusted", true);
    assert_at(&report, "/certificates/hostname/matches", true);
}

#[test]
fn unreachable_port_exits_3_with_the_reason_in_the_report() {
    let closed = free_port();
    let http_closed = free_port().to_string();
    let (output, report) = scan([
        format!("127.0.0.1:{closed}").as_str(),
        "--http-port",
        http_closed.as_str(),
        "--timeout",
        "3",
    ]);

    assert_eq!(output.code, 3, "unreachable target\n{output}");
    assert_at(&report, "/unreachable/kind", "refused");
    assert_at(&report, "/unreachable/step", "connect");
    assert_at(&report, "/verdict", "unreachable");

    let table = tlscheck([
        format!("127.0.0.1:{closed}").as_str(),
        "--http-port",
        http_closed.as_str(),
        "--timeout",
        "3",
    ]);
    assert_eq!(table.code, 3, "{table}");
}

/// A TCP listener on 127.0.0.1 that accepts connections and never says a word, until dropped.
struct SilentServer {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<thread::JoinHandle<()>>,
}

impl SilentServer {
    fn start() -> SilentServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let port = listener.local_addr().expect("local address").port();
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let thread = thread::spawn(move || {
            let mut held = Vec::new();
            while !stopping.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => held.push(stream),
                    Err(_) => thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        SilentServer {
            port,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for SilentServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[test]
fn silent_server_is_bounded_by_the_timeout() {
    let silent = SilentServer::start();
    let port = silent.port.to_string();
    let started = Instant::now();
    let (output, report) = scan([
        format!("127.0.0.1:{port}").as_str(),
        "--http-port",
        port.as_str(),
        "--timeout",
        "1",
    ]);
    let elapsed = started.elapsed();

    // Each network step is bounded by --timeout; a few steps, not a hang.
    assert!(
        elapsed < Duration::from_secs(5),
        "took {elapsed:?} with --timeout 1\n{output}"
    );
    // Silence is not an answer: the target could not be scanned, and no finding is drawn
    // from it.
    assert_at(&report, "/tls/status", "failed");
    assert_at(&report, "/tls/error/kind", "timeout");
    assert_at(&report, "/redirect/status", "failed");
    assert_at(&report, "/unreachable/kind", "timeout");
    assert_no_finding(&report, "tls.handshake-failed");
    assert_eq!(output.code, 3, "{output}");
}

#[test]
fn bad_targets_exit_2_naming_the_input() {
    for target in ["good.test:99999", "[::1", "https://", "good.test:notaport"] {
        let output = tlscheck([target]);
        assert_eq!(output.code, 2, "target {target:?}\n{output}");
        assert!(
            output.stderr.contains("error"),
            "an error message for {target:?}\n{output}"
        );
        assert!(
            output.stderr.contains(target),
            "the message quotes the bad target {target:?}\n{output}"
        );
    }
}

#[test]
fn configuration_errors_exit_2() {
    // An IP literal and closed ports, so nothing leaves loopback even if options were checked late.
    let target = format!("127.0.0.1:{}", free_port());
    let http_port = free_port().to_string();
    let missing = "/nonexistent/tlscheck-test/root.pem";
    let output = tlscheck([&target, "--http-port", &http_port, "--ca-file", missing]);
    assert_eq!(output.code, 2, "{output}");
    assert!(output.stderr.contains(missing), "names the file\n{output}");

    for options in [
        ["--format", "yaml"],
        ["--fail-on", "severe"],
        ["--connect-to", "good.test:443"],
        ["--resolve", "good.test:443:not-an-address"],
        ["--timeout", "soon"],
    ] {
        let mut args = vec![target.as_str(), "--http-port", &http_port];
        args.extend(options);
        let output = tlscheck(&args);
        assert_eq!(output.code, 2, "{output}");
    }
    let output = tlscheck([&target, "--no-such-option"]);
    assert_eq!(output.code, 2, "{output}");
}

#[test]
fn fail_on_threshold_decides_exit_code() {
    let server = OpensslServer::new("expired-fullchain.pem", "expired.key").start();
    let args = trusting_test_root(scan_args_for("expired.test", &server));
    let (default_run, report) = scan(&args);
    let worst = worst_severity_rank(&report).expect("an expired certificate yields findings");

    assert_eq!(default_run.code, 1, "default --fail-on high\n{default_run}");
    for threshold in SEVERITIES {
        let mut with_threshold = args.clone();
        with_threshold.extend(["--fail-on".to_string(), threshold.to_string()]);
        let output = tlscheck(&with_threshold);
        let expected = if worst >= severity_rank(threshold) {
            1
        } else {
            0
        };
        assert_eq!(
            output.code, expected,
            "--fail-on {threshold} with worst finding {}\n{output}",
            SEVERITIES[worst]
        );
    }
}

#[test]
fn table_output_shows_sections_and_findings() {
    let server = OpensslServer::new("expired-fullchain.pem", "expired.key").start();
    let output = tlscheck(trusting_test_root(scan_args_for("expired.test", &server)));

    assert_eq!(output.code, 1, "{output}");
    let text = output.stdout.to_lowercase();
    for section in ["connection", "chain", "http", "findings"] {
        assert!(text.contains(section), "section {section:?}\n{output}");
    }
    assert!(output.stdout.contains("cert.expired"), "{output}");
    assert!(output.stdout.contains("expired.test"), "{output}");
    assert!(output.stdout.contains("TLSv1.3"), "{output}");
    assert!(
        !output.stdout.contains('\u{1b}'),
        "no colour when stdout is not a terminal\n{output}"
    );
}
