//! Legacy servers get a whole report: when rustls cannot connect (TLS 1.0 only, CBC only, RC4
//! only), the negotiated facts, the HTTPS response, HSTS and the redirect target come from
//! tlscheck's legacy client, the report says so, and the findings say what a strict modern
//! client and a browser experience. The HTTP facts are compared with what `curl` (OpenSSL at
//! security level 0) sees on the same server.

mod common;

use std::process::Command;

use common::*;

const HSTS: &str = "max-age=31536000; includeSubDomains";
const TARGET: &str = "https://www.good.test/landing";

/// nginx on one port speaking `protocols` with `ciphers` (at `@SECLEVEL=0`), answering `/` with
/// a 301 to [`TARGET`] and the [`HSTS`] header.
fn legacy_nginx(protocols: &str, ciphers: &str) -> (ServerGuard, u16) {
    let port = free_port();
    let block = format!(
        "    server {{
        listen 127.0.0.1:{port} ssl;
        server_name good.test;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        ssl_protocols {protocols};
        ssl_ciphers '{ciphers}:@SECLEVEL=0';
        add_header Strict-Transport-Security \"{HSTS}\" always;
        location / {{ return 301 {TARGET}; }}
    }}",
        cert = cert("good-fullchain.pem"),
        key = cert("good.key"),
    );
    (start_nginx_with(&block, &[port]), port)
}

/// What curl sees: status, Location and Strict-Transport-Security, with OpenSSL at security
/// level 0 (its own config file, so TLS 1.0 and SHA-1 suites are allowed) and `tls_flags`.
fn curl_sees(port: u16, tls_flags: &[&str]) -> (u16, Option<String>, Option<String>) {
    let curl = require_tool("curl");
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("openssl.cnf");
    std::fs::write(
        &config,
        "openssl_conf = init\n[init]\nssl_conf = ssl\n[ssl]\nsystem_default = level0\n\
         [level0]\nCipherString = DEFAULT:@SECLEVEL=0\nMinProtocol = TLSv1\n",
    )
    .unwrap();
    let output = Command::new(curl)
        .env("OPENSSL_CONF", &config)
        .args(["--silent", "--show-error", "--dump-header", "-", "--output"])
        .arg(dir.path().join("body"))
        .args(["--cacert", &cert("root.pem")])
        .args(["--resolve", &format!("good.test:{port}:127.0.0.1")])
        .args(tls_flags)
        .arg(format!("https://good.test:{port}/"))
        .output()
        .expect("run curl");
    let headers = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "curl failed: {}\n{headers}",
        String::from_utf8_lossy(&output.stderr)
    );
    let status = headers
        .lines()
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line from curl:\n{headers}"));
    let header = |name: &str| {
        headers.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_string())
        })
    };
    (
        status,
        header("location"),
        header("strict-transport-security"),
    )
}

fn scan_legacy(port: u16) -> serde_json::Value {
    let mut args = vec![format!("good.test:{port}")];
    args.extend(connect_to("good.test", port, port));
    args.extend(connect_to("good.test", 80, free_port()));
    args.extend(["--ca-file".to_string(), cert("root.pem")]);
    scan_json(&args)
}

fn severity_of(report: &serde_json::Value, id: &str) -> String {
    array_at(report, "/findings")
        .iter()
        .find(|finding| finding["id"] == id)
        .and_then(|finding| finding["severity"].as_str())
        .unwrap_or_else(|| panic!("no {id} in {:?}", finding_ids(report)))
        .to_string()
}

fn assert_https_matches_curl(
    report: &serde_json::Value,
    curl: (u16, Option<String>, Option<String>),
) {
    let (status, location, hsts) = curl;
    assert_eq!(i64_at(report, "/https/status_code"), i64::from(status));
    assert_eq!(at(report, "/https/location").as_str(), location.as_deref());
    assert_eq!(at(report, "/https/hsts/raw").as_str(), hsts.as_deref());
    assert_eq!(location.as_deref(), Some(TARGET));
    assert_eq!(hsts.as_deref(), Some(HSTS));
}

#[test]
fn a_tls10_only_server_gets_its_page_hsts_and_redirect_from_the_legacy_client() {
    let (server, port) = legacy_nginx("TLSv1", "AES128-SHA");
    let report = scan_legacy(port);
    assert_at(&report, "/tls/status", "ok");
    assert_at(&report, "/tls/client", "legacy");
    assert_at(&report, "/tls/protocol", "TLSv1.0");
    assert_at(&report, "/tls/cipher_suite", "TLS_RSA_WITH_AES_128_CBC_SHA");
    assert_at(&report, "/tls/strict_client_error/kind", "alert");
    assert_at(&report, "/https/status", "ok");
    assert_https_matches_curl(&report, curl_sees(port, &["--tlsv1.0", "--tls-max", "1.0"]));
    assert_at(&report, "/https/hsts/max_age", 31536000);
    // Browsers refuse TLS 1.0: critical, and said once (no protocol.no-tls12 beside it).
    assert_eq!(severity_of(&report, "tls.handshake-failed"), "critical");
    assert_no_finding(&report, "protocol.no-tls12");
    assert_finding(&report, "protocol.tls10");
    assert_no_finding(&report, "hsts.missing");
    assert_at(&report, "/certificates/trust/trusted", true);

    // The table and the Markdown summary say which client connected.
    let mut args = vec![format!("good.test:{port}")];
    args.extend(connect_to("good.test", port, port));
    args.extend([
        "--no-http".to_string(),
        "--ca-file".to_string(),
        cert("root.pem"),
    ]);
    let table = tlscheck(&args);
    assert!(
        table
            .stdout
            .contains("tlscheck's legacy client (rustls could not connect)")
            && table
                .stdout
                .contains("FAILED: the server refused with alert protocol_version"),
        "{table}"
    );
    args.extend(["--format".to_string(), "markdown".to_string()]);
    let markdown = tlscheck(&args);
    assert!(
        markdown.stdout.contains("TLSv1.0 (legacy client)"),
        "{markdown}"
    );
    drop(server);
}

#[test]
fn a_cbc_only_tls12_server_is_not_critical_because_browsers_connect() {
    let (server, port) = legacy_nginx("TLSv1.2", "ECDHE-RSA-AES128-SHA");
    let report = scan_legacy(port);
    assert_at(&report, "/tls/client", "legacy");
    assert_at(&report, "/tls/protocol", "TLSv1.2");
    assert_at(
        &report,
        "/tls/cipher_suite",
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    );
    assert_at(&report, "/tls/key_exchange_group", "x25519");
    assert_https_matches_curl(&report, curl_sees(port, &["--tlsv1.2"]));
    // rustls refuses CBC, current browsers do not: medium, not critical.
    assert_eq!(severity_of(&report, "tls.handshake-failed"), "medium");
    assert_no_finding(&report, "protocol.no-tls12");
    assert_finding(&report, "cipher.no-aead");
    drop(server);
}

#[test]
fn a_modern_server_is_still_reported_by_rustls() {
    let (server, port) = legacy_nginx("TLSv1.2 TLSv1.3", "ECDHE-RSA-AES128-GCM-SHA256");
    let report = scan_legacy(port);
    assert_at(&report, "/tls/client", "rustls");
    assert_at(&report, "/tls/strict_client_error", serde_json::Value::Null);
    assert_no_finding(&report, "tls.handshake-failed");
    assert_https_matches_curl(&report, curl_sees(port, &[]));
    drop(server);
}

/// RC4, which no OpenSSL here serves: tlslite-ng; the legacy client reads its page.
#[test]
fn an_rc4_only_server_gets_its_page_from_the_legacy_client() {
    let server = TlsliteServer::new()
        .versions("tls1.2", "tls1.2")
        .ciphers("rc4")
        .key_exchange("rsa")
        .start();
    let report = scan_json(
        scan_args_for("good.test", &server)
            .into_iter()
            .chain(["--ca-file".to_string(), cert("root.pem")]),
    );
    assert_at(&report, "/tls/client", "legacy");
    assert_at(&report, "/tls/cipher_suite", "TLS_RSA_WITH_RC4_128_SHA");
    assert_at(&report, "/https/status_code", 200);
    assert_at(&report, "/https/hsts", serde_json::Value::Null);
    assert_finding(&report, "hsts.missing");
    assert_eq!(severity_of(&report, "tls.handshake-failed"), "critical");
}
