//! Mutual TLS against `openssl s_server -Verify/-verify`: whether the server asks for a client
//! certificate, insists on one, and accepts ours or refuses a stranger's.

mod common;

use common::*;

const CLIENT_CA: &str = "tlscheck Test Client CA";

/// The good server chain, trusted via `--ca-file root.pem`, plus `extra` options.
fn scan_args(server: &ServerGuard, extra: &[&str]) -> Vec<String> {
    let mut args = scan_args_for("good.test", server);
    args.extend(["--ca-file".to_string(), cert("root.pem")]);
    args.extend(extra.iter().map(|arg| arg.to_string()));
    args
}

fn with_client(cert_file: &str, key_file: &str) -> [String; 4] {
    [
        "--client-cert".to_string(),
        cert(cert_file),
        "--client-key".to_string(),
        cert(key_file),
    ]
}

fn requiring_server() -> ServerGuard {
    OpensslServer::new("good-fullchain.pem", "good.key")
        .require_client_cert("client-ca.pem")
        .start()
}

#[track_caller]
fn assert_refusal_is(report: &serde_json::Value, alert: &str) {
    let refusal = str_at(report, "/client_auth/refusal");
    let normalized: String = refusal
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_lowercase();
    assert!(
        normalized.contains(alert),
        "refusal {refusal:?} should name the {alert} alert"
    );
}

#[test]
fn server_requiring_client_cert_is_reported_when_we_have_none() {
    let server = requiring_server();
    let report = scan_json(scan_args(&server, &[]));

    assert_at(&report, "/client_auth/requested", true);
    assert_at(&report, "/client_auth/required", true);
    assert_at(&report, "/client_auth/presented", false);
    assert_at(&report, "/client_auth/accepted", serde_json::Value::Null);
    let ca_names = array_at(&report, "/client_auth/ca_names");
    assert!(
        ca_names
            .iter()
            .any(|name| name.as_str().is_some_and(|name| name.contains(CLIENT_CA))),
        "CA names {ca_names:?} should include {CLIENT_CA}"
    );
    // TLS 1.3 servers refuse a missing certificate with the certificate_required alert.
    assert_refusal_is(&report, "certificaterequired");
    assert_finding(&report, "client-auth.required");
    // The server's chain arrives before the refusal, so it is still reported.
    assert_at(
        &report,
        "/certificates/certificates/0/common_name",
        "good.test",
    );
    assert_at(&report, "/certificates/trust/trusted", true);
}

#[test]
fn server_accepts_our_client_cert() {
    let server = requiring_server();
    let mut args = scan_args(&server, &[]);
    args.extend(with_client("client.pem", "client.key"));
    let report = scan_json(args);

    assert_at(&report, "/client_auth/requested", true);
    assert_at(&report, "/client_auth/presented", true);
    assert_at(&report, "/client_auth/accepted", true);
    assert_at(&report, "/client_auth/refusal", serde_json::Value::Null);
    assert_no_finding(&report, "client-auth.rejected");
    assert_at(&report, "/tls/status", "ok");
    // With the certificate accepted, the HTTPS request goes through.
    assert_at(&report, "/https/status", "ok");
    assert_at(
        &report,
        "/https/url",
        format!("https://good.test:{}/", server.port()),
    );
    assert_at(&report, "/https/status_code", 200);
}

#[test]
fn server_refusing_a_rogue_client_cert_is_reported_as_rejected() {
    let server = requiring_server();
    let mut args = scan_args(&server, &[]);
    args.extend(with_client("rogue-client.pem", "rogue-client.key"));
    let report = scan_json(args);

    assert_at(&report, "/client_auth/requested", true);
    assert_at(&report, "/client_auth/presented", true);
    assert_at(&report, "/client_auth/accepted", false);
    // OpenSSL answers a certificate from an unknown issuer with the unknown_ca alert.
    assert_refusal_is(&report, "unknownca");
    assert_finding(&report, "client-auth.rejected");
}

#[test]
fn server_asking_optionally_is_not_reported_as_requiring() {
    let server = OpensslServer::new("good-fullchain.pem", "good.key")
        .request_client_cert("client-ca.pem")
        .start();
    let report = scan_json(scan_args(&server, &[]));

    assert_at(&report, "/client_auth/requested", true);
    assert_at(&report, "/client_auth/required", false);
    assert_at(&report, "/client_auth/presented", false);
    assert_no_finding(&report, "client-auth.required");
    assert_at(&report, "/tls/status", "ok");
}

#[test]
fn server_not_asking_reports_no_request() {
    let server = OpensslServer::new("good-fullchain.pem", "good.key").start();
    let report = scan_json(scan_args(&server, &[]));

    let requested = at(&report, "/client_auth");
    // Either no client-auth facts at all, or facts saying nothing was requested.
    if !requested.is_null() {
        assert_at(&report, "/client_auth/requested", false);
    }
    assert_no_finding(&report, "client-auth.required");
}

#[test]
fn client_cert_without_key_is_a_usage_error() {
    let target = format!("127.0.0.1:{}", free_port());
    let http_port = free_port().to_string();
    let client_cert = cert("client.pem");
    let output = tlscheck([
        target.as_str(),
        "--http-port",
        &http_port,
        "--client-cert",
        &client_cert,
    ]);
    assert_eq!(output.code, 2, "{output}");
    assert!(
        output.stderr.contains("--client-key"),
        "names the flag\n{output}"
    );

    let missing = "/nonexistent/tlscheck-test/client.key";
    let output = tlscheck([
        target.as_str(),
        "--http-port",
        &http_port,
        "--client-cert",
        &client_cert,
        "--client-key",
        missing,
    ]);
    assert_eq!(output.code, 2, "{output}");
    assert!(output.stderr.contains(missing), "names the file\n{output}");
}
