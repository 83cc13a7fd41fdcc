//! Scans of nginx on 127.0.0.1 configured the way how-to articles configure it: `ssl_protocols`,
//! `ssl_ciphers`, a port-80 `return 301 https://$server_name$request_uri;` block and HSTS; and
//! the usual mistakes. Ports 443 and 80 of `good.test` are mapped with `--connect-to`.

mod common;

use common::*;

fn trusting_test_root(mut args: Vec<String>) -> Vec<String> {
    args.extend(["--ca-file".to_string(), cert("root.pem")]);
    args
}

#[test]
fn well_configured_nginx_redirects_permanently_and_sends_hsts() {
    let nginx = NginxServer::well_configured().start();
    let (output, report) = scan(trusting_test_root(nginx.scan_args()));

    assert_at(&report, "/target/host", "good.test");
    assert_at(&report, "/target/port", 443);
    assert_at(
        &report,
        "/target/connected_to",
        format!("127.0.0.1:{}", nginx.https_port),
    );
    assert_at(&report, "/tls/protocol", "TLSv1.3");
    assert_at(&report, "/certificates/trust/trusted", true);
    assert_at(&report, "/certificates/order_correct", true);
    assert_eq!(array_at(&report, "/certificates/certificates").len(), 2);

    assert_at(&report, "/redirect/status", "ok");
    assert_at(&report, "/redirect/start_url", "http://good.test/");
    assert_at(&report, "/redirect/verdict", "https-permanent");
    assert_at(&report, "/redirect/hops/0/url", "http://good.test/");
    assert_at(&report, "/redirect/hops/0/status_code", 301);
    assert_at(&report, "/redirect/hops/0/location", "https://good.test/");
    assert_at(&report, "/redirect/hops/0/same_host", true);

    assert_at(&report, "/https/status", "ok");
    assert_at(&report, "/https/url", "https://good.test/");
    assert_at(&report, "/https/status_code", 200);
    assert!(str_at(&report, "/https/server").starts_with("nginx"));
    assert_at(&report, "/https/hsts/raw", GOOD_HSTS);
    assert_at(&report, "/https/hsts/max_age", 63_072_000);
    assert_at(&report, "/https/hsts/include_subdomains", true);
    assert_at(&report, "/https/hsts/preload", false);
    assert_at(&report, "/https/hsts/error", serde_json::Value::Null);

    assert_no_finding_in(&report, &["cert.", "chain.", "tls.", "http.", "hsts."]);
    assert_eq!(output.code, 0, "a well-configured site passes\n{output}");
}

#[test]
fn how_to_config_redirects_but_lacks_hsts() {
    let nginx = NginxServer::how_to().start();
    let report = scan_json(trusting_test_root(nginx.scan_args()));

    assert_at(&report, "/redirect/verdict", "https-permanent");
    assert_at(&report, "/https/hsts", serde_json::Value::Null);
    assert_finding(&report, "hsts.missing");
    assert_no_finding_in(&report, &["http."]);
}

#[test]
fn misconfigured_nginx_reports_no_redirect_and_missing_hsts() {
    let nginx = NginxServer::misconfigured().start();
    let report = scan_json(trusting_test_root(nginx.scan_args()));

    assert_at(&report, "/redirect/status", "ok");
    assert_at(&report, "/redirect/verdict", "no-redirect");
    assert_at(&report, "/redirect/hops/0/status_code", 200);
    assert_at(
        &report,
        "/redirect/hops/0/location",
        serde_json::Value::Null,
    );
    assert_at(&report, "/https/hsts", serde_json::Value::Null);
    assert_finding(&report, "http.no-redirect");
    assert_finding(&report, "hsts.missing");
    // The certificate side is fine.
    assert_no_finding_in(&report, &["cert.", "chain."]);
}

#[test]
fn temporary_redirect_is_reported() {
    let nginx = NginxServer::well_configured()
        .redirect(302, "https://$server_name$request_uri")
        .start();
    let report = scan_json(trusting_test_root(nginx.scan_args()));

    assert_at(&report, "/redirect/verdict", "https-temporary");
    assert_at(&report, "/redirect/hops/0/status_code", 302);
    assert_at(&report, "/redirect/hops/0/location", "https://good.test/");
    assert_finding(&report, "http.redirect-temporary");
    assert_no_finding(&report, "http.no-redirect");
}

#[test]
fn redirect_to_another_host_is_reported() {
    let nginx = NginxServer::well_configured()
        .redirect(301, "https://www.other.test$request_uri")
        .start();
    let mut args = trusting_test_root(nginx.scan_args());
    // Should the redirect be followed, www.other.test is this nginx too: nothing leaves loopback.
    args.extend(connect_to("www.other.test", 443, nginx.https_port));
    args.extend(connect_to("www.other.test", 80, nginx.http_port));
    let report = scan_json(args);

    assert_at(&report, "/redirect/verdict", "other-host");
    assert_at(&report, "/redirect/hops/0/status_code", 301);
    assert_at(
        &report,
        "/redirect/hops/0/location",
        "https://www.other.test/",
    );
    assert_at(&report, "/redirect/hops/0/same_host", false);
    assert_finding(&report, "http.redirect-other-host");
}

#[test]
fn redirect_loop_is_detected() {
    let nginx = NginxServer::well_configured()
        .redirect(301, "http://$server_name$request_uri")
        .start();
    let report = scan_json(trusting_test_root(nginx.scan_args()));

    assert_at(&report, "/redirect/verdict", "loop");
    assert_at(&report, "/redirect/hops/0/location", "http://good.test/");
}

#[test]
fn https_only_site_reports_the_failed_plain_http_probe() {
    let nginx = NginxServer::well_configured()
        .plain_http(PlainHttp::Absent)
        .start();
    let report = scan_json(trusting_test_root(nginx.scan_args()));

    // Nothing listens on port 80: that probe failed, the rest of the report stands.
    assert_at(&report, "/redirect/status", "failed");
    assert!(at(&report, "/redirect/reason").is_string());
    assert_at(&report, "/tls/status", "ok");
    assert_at(&report, "/https/hsts/max_age", 63_072_000);
    assert_at(&report, "/unreachable", serde_json::Value::Null);
}

#[test]
fn short_hsts_max_age_is_reported() {
    let nginx = NginxServer::how_to().hsts("max-age=300").start();
    let report = scan_json(trusting_test_root(nginx.scan_args()));

    assert_at(&report, "/https/hsts/max_age", 300);
    assert_at(&report, "/https/hsts/include_subdomains", false);
    assert_finding(&report, "hsts.short-max-age");
    assert_no_finding(&report, "hsts.missing");
}

#[test]
fn tls12_only_nginx_negotiates_tls12() {
    let nginx = NginxServer::well_configured().protocols("TLSv1.2").start();
    let report = scan_json(trusting_test_root(nginx.scan_args()));

    assert_at(&report, "/tls/protocol", "TLSv1.2");
    let suite = str_at(&report, "/tls/cipher_suite");
    assert!(
        suite.starts_with("TLS_ECDHE_RSA_WITH_")
            && (suite.contains("_GCM_") || suite.contains("CHACHA20")),
        "an ECDHE-RSA AEAD suite from ssl_ciphers, got {suite:?}"
    );
}

#[test]
fn http_findings_fail_the_scan_only_up_to_their_severity() {
    let nginx = NginxServer::misconfigured().start();
    let args = trusting_test_root(nginx.scan_args());
    let (default_run, report) = scan(&args);
    let worst = worst_severity_rank(&report).expect("a misconfigured site has findings");

    let expected_default = if worst >= severity_rank("high") { 1 } else { 0 };
    assert_eq!(default_run.code, expected_default, "{default_run}");
    for threshold in SEVERITIES {
        let mut with_threshold = args.clone();
        with_threshold.extend(["--fail-on".to_string(), threshold.to_string()]);
        let output = tlscheck(&with_threshold);
        let expected = if worst >= severity_rank(threshold) {
            1
        } else {
            0
        };
        assert_eq!(output.code, expected, "--fail-on {threshold}\n{output}");
    }
    // No redirect and no HSTS are serious, but not critical: --fail-on critical passes them.
    assert!(
        worst < severity_rank("critical"),
        "worst severity {}",
        SEVERITIES[worst]
    );
    let mut lenient = args.clone();
    lenient.extend(["--fail-on".to_string(), "critical".to_string()]);
    assert_eq!(tlscheck(&lenient).code, 0);
    let mut strict = args;
    strict.extend(["--fail-on".to_string(), "info".to_string()]);
    assert_eq!(tlscheck(&strict).code, 1);
}

#[test]
fn table_output_for_good_and_misconfigured_nginx() {
    let good = NginxServer::well_configured().start();
    let good_table = tlscheck(trusting_test_root(good.scan_args()));
    let bad = NginxServer::misconfigured().start();
    let bad_table = tlscheck(trusting_test_root(bad.scan_args()));
    // Shown with `cargo test -- --nocapture`, for the issue note.
    eprintln!("{good_table}\n{bad_table}");

    for output in [&good_table, &bad_table] {
        let text = output.stdout.to_lowercase();
        for section in ["connection", "chain", "http", "findings"] {
            assert!(text.contains(section), "section {section:?}\n{output}");
        }
        assert!(output.stdout.contains("good.test"), "{output}");
        assert!(
            !output.stdout.contains('\u{1b}'),
            "no colour in a file\n{output}"
        );
    }
    assert!(good_table.stdout.contains("63072000"), "{good_table}");
    assert!(bad_table.stdout.contains("http.no-redirect"), "{bad_table}");
    assert!(bad_table.stdout.contains("hsts.missing"), "{bad_table}");
    assert_eq!(good_table.code, 0, "{good_table}");
}

#[test]
fn json_report_round_trips_through_the_wire_types() {
    let nginx = NginxServer::well_configured().start();
    let mut args = trusting_test_root(nginx.scan_args());
    args.extend(["--format".to_string(), "json".to_string()]);
    let output = tlscheck(&args);

    // A typed parse of the raw text: a duplicate key is an error here, where a parse into
    // serde_json::Value silently keeps the last one (so the other tests cannot see it).
    let document: tlscheck::report::wire::Document = serde_json::from_str(&output.stdout)
        .unwrap_or_else(|error| panic!("output does not match the wire types: {error}\n{output}"));
    assert_eq!(
        document.schema_version,
        tlscheck::report::wire::SCHEMA_VERSION
    );
    assert_eq!(document.reports.len(), 1);
    let report = &document.reports[0];
    let https = report
        .https
        .ok()
        .unwrap_or_else(|| panic!("https probe failed\n{output}"));
    assert_eq!(https.status_code, 200);
    assert_eq!(
        https.hsts.as_ref().and_then(|hsts| hsts.max_age),
        Some(63_072_000)
    );
    let redirect = report.redirect.ok().expect("redirect facts");
    assert_eq!(redirect.verdict, "https-permanent");
    assert_eq!(report.verdict, "pass");
}

#[test]
fn mozilla_modern_tls13_only_nginx_passes_the_default_gate() {
    // Mozilla's "modern" profile: TLS 1.3 only. Leaving out TLS 1.2 is a note, not a failure.
    let nginx = NginxServer::well_configured().protocols("TLSv1.3").start();
    let (output, report) = scan(trusting_test_root(nginx.scan_args()));
    assert_eq!(output.code, 0, "{output}");
    assert_at(&report, "/verdict", "pass");
    let no_tls12 = array_at(&report, "/findings")
        .iter()
        .find(|finding| finding["id"] == "protocol.no-tls12")
        .unwrap_or_else(|| panic!("a note that TLS 1.2 is not accepted\n{output}"));
    assert_eq!(no_tls12["severity"], "info", "{no_tls12}");
}

#[test]
fn mozilla_intermediate_client_order_over_aead_suites_is_not_a_finding() {
    // Mozilla's intermediate profile lets the client choose among its all-AEAD,
    // all-forward-secret suites (ssl_prefer_server_ciphers off).
    let nginx = NginxServer::well_configured()
        .prefer_server_ciphers(false)
        .start();
    let (output, report) = scan(trusting_test_root(nginx.scan_args()));
    assert_eq!(
        at(&report, "/enumeration/cipher_suites/0/server_order"),
        false,
        "{output}"
    );
    assert_no_finding(&report, "cipher.client-order");
    assert_eq!(output.code, 0, "{output}");
    // The seed's client order over CBC and static-RSA suites still is one.
    let seed = NginxServer::seed_legacy()
        .prefer_server_ciphers(false)
        .start();
    let report = scan_json(trusting_test_root(seed.scan_args()));
    assert_finding(&report, "cipher.client-order");
}
