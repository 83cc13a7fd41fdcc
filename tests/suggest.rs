//! `--suggest nginx|apache|python` against real servers: scan a badly configured site, take the
//! fragment tlscheck prints, put the test's certificate where its placeholders are and loopback
//! ports where its ports are, start nginx, Apache or Python with it, scan again: the policy the
//! fragment was written for passes.

mod common;

use std::fs;
use std::path::PathBuf;
use std::process::Command;

use common::*;
use serde_json::Value;
use tempfile::TempDir;

/// The placeholders tlscheck derives from the scanned name `good.test`.
const CERTIFICATE_PLACEHOLDER: &str = "/etc/ssl/good.test/fullchain.pem";
const KEY_PLACEHOLDER: &str = "/etc/ssl/good.test/privkey.pem";

/// The kind of key of the certificate a test serves the fragment with.
#[derive(Clone, Copy, Debug)]
enum KeyKind {
    Rsa,
    Ecdsa,
}

/// A private CA made for one test with the openssl command line: an ECDSA P-256 root (signing
/// with ecdsa-with-SHA256, which every Mozilla profile lists) and a `good.test` leaf valid for
/// 60 days (within modern's 90), so the certificate can pass the profile the fragment is for.
struct TestPki {
    dir: TempDir,
}

impl TestPki {
    fn new(leaf_key: KeyKind) -> TestPki {
        let dir = tempfile::tempdir().expect("create PKI directory");
        let run = |args: &[&str]| {
            let output = Command::new(require_tool("openssl"))
                .args(args)
                .current_dir(dir.path())
                .output()
                .expect("run openssl");
            assert!(
                output.status.success(),
                "openssl {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&output.stderr)
            );
        };
        run(&[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            "root.key",
            "-out",
            "root.pem",
            "-sha256",
            "-days",
            "60",
            "-subj",
            "/O=tlscheck tests/CN=tlscheck Suggest Test Root",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ]);
        let new_key: &[&str] = match leaf_key {
            KeyKind::Rsa => &["-newkey", "rsa:2048"],
            KeyKind::Ecdsa => &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"],
        };
        let mut request = vec!["req", "-new"];
        request.extend_from_slice(new_key);
        request.extend([
            "-nodes",
            "-keyout",
            "leaf.key",
            "-out",
            "leaf.csr",
            "-subj",
            "/CN=good.test",
        ]);
        run(&request);
        fs::write(
            dir.path().join("leaf.ext"),
            "basicConstraints = critical, CA:FALSE\n\
             keyUsage = critical, digitalSignature, keyEncipherment\n\
             extendedKeyUsage = serverAuth\n\
             subjectAltName = DNS:good.test\n",
        )
        .expect("write leaf.ext");
        run(&[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "root.pem",
            "-CAkey",
            "root.key",
            "-CAcreateserial",
            "-sha256",
            "-days",
            "60",
            "-extfile",
            "leaf.ext",
            "-out",
            "leaf.pem",
        ]);
        TestPki { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn root(&self) -> String {
        self.path("root.pem").display().to_string()
    }
}

/// Ports a suggested server listens on.
struct Ports {
    https: u16,
    http: u16,
}

impl Ports {
    fn free() -> Ports {
        let ports = free_ports(2);
        Ports {
            https: ports[0],
            http: ports[1],
        }
    }
}

/// `text` with each `(from, to)` replaced, each `from` checked to be there: a placeholder the
/// fragment no longer has fails the test rather than leaving a server half configured.
fn substitute(text: &str, replacements: &[(&str, String)]) -> String {
    let mut result = text.to_string();
    for (from, to) in replacements {
        assert!(
            result.contains(from),
            "the fragment has no {from:?}:\n{text}"
        );
        result = result.replace(from, to);
    }
    result
}

/// The fragment's certificate placeholders replaced by the test PKI's leaf and key.
fn certificate_paths(pki: &TestPki) -> Vec<(&'static str, String)> {
    vec![
        (
            CERTIFICATE_PLACEHOLDER,
            pki.path("leaf.pem").display().to_string(),
        ),
        (KEY_PLACEHOLDER, pki.path("leaf.key").display().to_string()),
    ]
}

/// Runs `tlscheck --suggest SERVER --policy POLICY` against the site behind `args` (good.test
/// mapped to loopback), checks the exit code is the scan's own, and returns the fragment.
fn suggestion(mut args: Vec<String>, server: &str, policy: &str, expected_code: i32) -> String {
    args.extend(
        [
            "--ca-file",
            &cert("root.pem"),
            "--policy",
            policy,
            "--suggest",
            server,
        ]
        .map(String::from),
    );
    let output = tlscheck(&args);
    assert_eq!(output.code, expected_code, "the scan's exit code\n{output}");
    assert!(
        output
            .stdout
            .starts_with(&format!("# tlscheck --suggest {server}: good.test")),
        "{output}"
    );
    assert!(
        output
            .stdout
            .contains(&format!("# Written for the policy {policy}.")),
        "{output}"
    );
    output.stdout
}

/// Scans good.test on `ports` (HTTPS as 443, plain HTTP as 80) under `policy`, trusting the
/// test PKI's root, and asserts that the policy passes: exit 0, verdict pass, no `policy.*`
/// finding, and neither the redirect nor HSTS findings the fragment is there to prevent; then
/// that the findings are exactly those the profile itself implies (see [`expected_findings`]).
fn assert_passes(ports: &Ports, pki: &TestPki, policy: &str, fragment: &str) -> Value {
    let mut args = vec!["good.test".to_string()];
    args.extend(connect_to("good.test", 443, ports.https));
    args.extend(connect_to("good.test", 80, ports.http));
    args.extend(["--ca-file", &pki.root(), "--policy", policy].map(String::from));
    let (output, report) = scan(args);
    let ids = finding_ids(&report);
    let failing: Vec<&String> = ids
        .iter()
        .filter(|id| {
            id.starts_with("policy.") || id.starts_with("http.") || id.starts_with("hsts.")
        })
        .collect();
    assert!(
        failing.is_empty(),
        "the suggested configuration deviates: {failing:?}\n{fragment}\n{output}"
    );
    assert_eq!(output.code, 0, "{fragment}\n{output}");
    assert_at(&report, "/verdict", "pass");
    let document: Value = serde_json::from_str(&output.stdout).expect("JSON");
    assert_eq!(document["policy"], policy, "{output}");
    assert_eq!(ids, expected_findings(policy), "{fragment}\n{output}");
    report
}

/// Every finding a site configured by the fragment still has: none under intermediate; under
/// modern, TLS 1.3 only, the info note that clients without TLS 1.3 cannot connect.
fn expected_findings(policy: &str) -> Vec<String> {
    if policy.starts_with("mozilla-modern") {
        vec!["protocol.no-tls12".to_string()]
    } else {
        Vec::new()
    }
}

/// nginx configured like the seed, and serving the page over plain HTTP instead of redirecting.
fn seed_nginx() -> NginxGuard {
    NginxServer::seed_legacy()
        .plain_http(PlainHttp::Content)
        .start()
}

fn nginx_passes_with_its_suggestion(policy: &str, key: KeyKind) -> Value {
    let seed = seed_nginx();
    let fragment = suggestion(seed.scan_args(), "nginx", policy, 1);
    // The seed serves a 20-year certificate; the scan found no redirect.
    assert!(
        fragment.contains("#   policy.certificate-lifespan: "),
        "{fragment}"
    );
    assert!(
        fragment.contains("return 301 https://$host$request_uri;"),
        "{fragment}"
    );
    drop(seed);

    let pki = TestPki::new(key);
    let ports = Ports::free();
    let mut replacements = certificate_paths(&pki);
    replacements.extend([
        (
            "listen 443 ssl;",
            format!("listen 127.0.0.1:{} ssl;", ports.https),
        ),
        ("listen 80;", format!("listen 127.0.0.1:{};", ports.http)),
    ]);
    let configured = substitute(&fragment, &replacements);
    let _nginx = start_nginx_with(&configured, &[ports.https, ports.http]);
    assert_passes(&ports, &pki, policy, &configured)
}

#[test]
fn nginx_from_the_suggested_fragment_passes_mozilla_intermediate() {
    let report = nginx_passes_with_its_suggestion("mozilla-intermediate@6.0", KeyKind::Rsa);
    // TLS 1.0 and 1.1 are gone, and what remains is the profile's.
    let versions: Vec<&str> = array_at(&report, "/enumeration/protocols")
        .iter()
        .filter(|p| p["accepted"] == true)
        .map(|p| p["version"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(versions, vec!["TLSv1.2", "TLSv1.3"]);
    assert_at(&report, "/redirect/verdict", "https-permanent");
}

#[test]
fn nginx_from_the_suggested_fragment_passes_mozilla_modern() {
    let report = nginx_passes_with_its_suggestion("mozilla-modern@6.0", KeyKind::Ecdsa);
    let versions: Vec<&str> = array_at(&report, "/enumeration/protocols")
        .iter()
        .filter(|p| p["accepted"] == true)
        .map(|p| p["version"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(versions, vec!["TLSv1.3"]);
}

/// Apache configured like seed C (the 2013 article): every protocol OpenSSL will speak, its
/// cipher string, and a plain-HTTP VirtualHost that serves the page instead of redirecting.
fn seed_apache(ports: &Ports) -> ServerGuard {
    let site = format!(
        "<VirtualHost *:{https}>\n\
         ServerName good.test\n\
         SSLEngine On\n\
         SSLProtocol all -SSLv3\n\
         SSLCipherSuite ALL:!ADH:!EXPORT:!SSLv2:RC4+RSA:+HIGH:+MEDIUM:+LOW:@SECLEVEL=0\n\
         SSLCertificateFile {certificate}\n\
         SSLCertificateKeyFile {key}\n\
         </VirtualHost>\n\
         <VirtualHost *:{http}>\n\
         ServerName good.test\n\
         </VirtualHost>\n",
        https = ports.https,
        http = ports.http,
        certificate = cert("good-fullchain.pem"),
        key = cert("good.key"),
    );
    start_apache_with(&site, &[ports.https, ports.http])
}

fn apache_passes_with_its_suggestion(policy: &str, key: KeyKind) -> Value {
    let seed_ports = Ports::free();
    let seed = seed_apache(&seed_ports);
    let mut args = vec!["good.test".to_string()];
    args.extend(connect_to("good.test", 443, seed_ports.https));
    args.extend(connect_to("good.test", 80, seed_ports.http));
    let fragment = suggestion(args, "apache", policy, 1);
    assert!(
        fragment.contains("Redirect permanent / https://good.test/"),
        "{fragment}"
    );
    drop(seed);

    let pki = TestPki::new(key);
    let ports = Ports::free();
    let mut replacements = certificate_paths(&pki);
    replacements.extend([
        (
            "<VirtualHost *:443>",
            format!("<VirtualHost *:{}>", ports.https),
        ),
        (
            "<VirtualHost *:80>",
            format!("<VirtualHost *:{}>", ports.http),
        ),
    ]);
    let configured = substitute(&fragment, &replacements);
    let _apache = start_apache_with(&configured, &[ports.https, ports.http]);
    assert_passes(&ports, &pki, policy, &configured)
}

#[test]
fn apache_from_the_suggested_fragment_passes_mozilla_intermediate() {
    let report = apache_passes_with_its_suggestion("mozilla-intermediate@6.0", KeyKind::Rsa);
    assert_at(&report, "/redirect/verdict", "https-permanent");
}

#[test]
fn apache_from_the_suggested_fragment_passes_mozilla_modern() {
    apache_passes_with_its_suggestion("mozilla-modern@6.0", KeyKind::Ecdsa);
}

/// The Flask application the fragment is pasted into.
const FLASK_APP: &str = r#"from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "hello from good.test\n"


"#;

fn python_passes_with_its_suggestion(policy: &str, key: KeyKind) -> Value {
    let seed = seed_nginx();
    let fragment = suggestion(seed.scan_args(), "python", policy, 1);
    drop(seed);

    let pki = TestPki::new(key);
    let ports = Ports::free();
    let mut replacements = certificate_paths(&pki);
    replacements.extend([
        (
            "HTTPServer((\"\", 80), RedirectToHttps)",
            format!(
                "HTTPServer((\"127.0.0.1\", {}), RedirectToHttps)",
                ports.http
            ),
        ),
        (
            "app.run(host=\"0.0.0.0\", port=443, ssl_context=context)",
            format!(
                "app.run(host=\"127.0.0.1\", port={}, ssl_context=context)",
                ports.https
            ),
        ),
    ]);
    let script = format!("{FLASK_APP}{}", substitute(&fragment, &replacements));
    let _python = start_python_script(&script, &[ports.https, ports.http], "flask", "flask==3.1.3");
    assert_passes(&ports, &pki, policy, &script)
}

#[test]
fn flask_with_the_suggested_context_passes_mozilla_intermediate() {
    let report = python_passes_with_its_suggestion("mozilla-intermediate@6.0", KeyKind::Rsa);
    // A Python without SSLContext.set_groups keeps the one group set_ecdh_curve sets (P-256),
    // for TLS 1.3 too; one with it, the profile's classical three. Either is the profile's.
    let groups: Vec<&str> = array_at(&report, "/enumeration/groups")
        .iter()
        .map(|g| g["name"].as_str().unwrap_or_default())
        .collect();
    assert!(
        groups == ["secp256r1"] || groups == ["x25519", "secp256r1", "secp384r1"],
        "{groups:?}"
    );
}

#[test]
fn flask_with_the_suggested_context_passes_mozilla_modern() {
    python_passes_with_its_suggestion("mozilla-modern@6.0", KeyKind::Ecdsa);
}

#[test]
fn an_unreachable_target_under_policy_none_gets_the_default_profiles_fragment_and_exit_3() {
    let closed = free_port();
    let mut args = vec!["good.test".to_string()];
    args.extend(connect_to("good.test", 443, closed));
    args.extend(connect_to("good.test", 80, closed));
    args.extend(["--policy", "none", "--suggest", "apache"].map(String::from));
    let output = tlscheck(&args);
    assert_eq!(output.code, 3, "{output}");
    assert!(
        output.stdout.contains(
            "# --policy none checks no profile: this follows mozilla-intermediate@6.0, the \
             default profile."
        ),
        "{output}"
    );
    assert!(
        output.stdout.contains("# good.test could not be scanned ("),
        "{output}"
    );
    assert!(
        output.stdout.contains("SSLProtocol -all +TLSv1.2 +TLSv1.3"),
        "{output}"
    );
}

#[test]
fn suggest_replaces_the_report_so_it_refuses_a_format() {
    let output = tlscheck(["good.test", "--suggest", "nginx", "--format", "json"]);
    assert_eq!(output.code, 2, "{output}");
    assert!(output.stderr.contains("--suggest"), "{output}");
    assert!(output.stdout.is_empty(), "{output}");
}

#[test]
fn several_targets_get_one_labelled_fragment_each() {
    let seed = seed_nginx();
    let port = seed.https_port;
    let mut args = vec!["good.test".to_string(), "www.good.test".to_string()];
    for name in ["good.test", "www.good.test"] {
        args.extend(connect_to(name, 443, port));
        args.extend(connect_to(name, 80, seed.http_port));
    }
    args.extend(["--ca-file", &cert("root.pem"), "--suggest", "nginx"].map(String::from));
    let output = tlscheck(&args);
    assert_eq!(output.code, 1, "{output}");
    // Fragments come as targets finish, like the table's records.
    let mut headers: Vec<&str> = output
        .stdout
        .lines()
        .filter(|line| line.starts_with("# tlscheck --suggest nginx: "))
        .collect();
    headers.sort_unstable();
    assert_eq!(
        headers,
        vec![
            "# tlscheck --suggest nginx: good.test (target good.test, port 443)",
            "# tlscheck --suggest nginx: www.good.test (target www.good.test, port 443)",
        ],
        "{output}"
    );
    assert!(
        output.stdout.contains("server_name www.good.test;")
            && output
                .stdout
                .contains("ssl_certificate /etc/ssl/www.good.test/fullchain.pem;"),
        "{output}"
    );
}
