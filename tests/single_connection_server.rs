//! A server that handles one connection at a time must not stall the scan (issue 3, item 7): the
//! Flask development server that `app.run(ssl_context=..., threaded=False)` starts accepts a
//! connection, runs its TLS handshake and serves it before it accepts the next. A scanner that
//! held one connection open and idle while waiting on another would wait for its own timeout.
//!
//! Self-contained: the launcher below starts `python3` with Flask on 127.0.0.1 and stops it by
//! PID. Without Python or Flask the tests fail loudly (`pip install flask==3.1.3`; tests/run.sh
//! installs it when run as root).

use std::collections::BTreeSet;
use std::io::Read;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use serde_json::Value;

/// Per-step `--timeout` of the scans below (tlscheck's default).
const STEP_TIMEOUT_SECONDS: u64 = 10;
/// A whole scan of a Flask server takes well under a second in a release build and a few hundred
/// milliseconds in a debug one. One exchange stalled behind another connection would wait for
/// `--timeout`, so any stall pushes the scan past this bound.
const SCAN_BOUND: Duration = Duration::from_secs(8);
/// How long Python may take to import Flask and start listening.
const START_LIMIT: Duration = Duration::from_secs(20);

const FLASK_PIN: &str = "flask==3.1.3";

/// The app: one route. `DELAY` > 0 makes every TLS handshake that sends SNI wait that long
/// before the server answers the ClientHello (a slow server: the one thread is busy meanwhile).
const FLASK_APP: &str = r#"
import ssl, sys, time
from flask import Flask

port, chain, key, delay = int(sys.argv[1]), sys.argv[2], sys.argv[3], float(sys.argv[4])
app = Flask(__name__)

@app.route("/")
def index():
    return "hello\n"

if delay > 0:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(chain, key)
    context.sni_callback = lambda *_: time.sleep(delay)
else:
    context = (chain, key)  # what the Flask docs show
app.run(host="127.0.0.1", port=port, ssl_context=context, threaded=False)
"#;

/// What Python's `ssl` serves with the test chain loaded: OpenSSL names by protocol. DHE suites
/// are listed but never chosen, because neither Flask nor Python's `ssl` loads DH parameters.
const PYTHON_SUITES: &str = r#"
import json, ssl, sys
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(sys.argv[1], sys.argv[2])
suites = [c for c in context.get_ciphers() if c["auth"] in ("auth-rsa", "auth-any")]
print(json.dumps({
    "tls13": sorted(c["name"] for c in suites if c["protocol"] == "TLSv1.3"),
    "tls12": sorted(c["name"] for c in suites if c["protocol"] == "TLSv1.2" and c["kea"] != "kx-dhe"),
}))
"#;

fn cert(name: &str) -> String {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "testdata", "certs", name]
        .iter()
        .collect();
    assert!(path.is_file(), "fixture {} is missing", path.display());
    path.display().to_string()
}

/// `python3`, with Flask importable: panics with the fix when either is missing.
fn python_with_flask() -> &'static str {
    let output = Command::new("python3")
        .args(["-c", "import flask"])
        .output()
        .unwrap_or_else(|error| {
            panic!("python3 is needed to run the Flask server ({error}); install Python 3")
        });
    assert!(
        output.status.success(),
        "Flask is missing: pip install {FLASK_PIN} (tests/run.sh does it as root)\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    "python3"
}

/// A single-threaded Flask development server on 127.0.0.1, killed by PID when dropped.
struct FlaskServer {
    child: Child,
    port: u16,
}

impl FlaskServer {
    fn start(handshake_delay: Duration) -> FlaskServer {
        let python = python_with_flask();
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("pick a free port on 127.0.0.1")
            .port();
        let child = Command::new(python)
            .args(["-c", FLASK_APP])
            .arg(port.to_string())
            .arg(cert("good-fullchain.pem"))
            .arg(cert("good.key"))
            .arg(handshake_delay.as_secs_f64().to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start python3");
        let mut server = FlaskServer { child, port };
        server.wait_until_listening();
        server
    }

    fn wait_until_listening(&mut self) {
        let address = SocketAddr::from(([127, 0, 0, 1], self.port));
        let deadline = Instant::now() + START_LIMIT;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                let mut stderr = String::new();
                if let Some(mut pipe) = self.child.stderr.take() {
                    let _ = pipe.read_to_string(&mut stderr);
                }
                panic!("the Flask server exited ({status}) before listening:\n{stderr}");
            }
            // The probe connection is closed at once: the server's failed handshake with it
            // costs a log line, then it accepts the next connection.
            if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
                return;
            }
            sleep(Duration::from_millis(50));
        }
        panic!("the Flask server did not listen on {address} within {START_LIMIT:?}");
    }
}

impl Drop for FlaskServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A full scan (no `--quick`) of `good.test` on the server, timed. The server speaks only HTTPS,
/// so the plain-HTTP check is off.
fn scan(server: &FlaskServer) -> (Value, Duration) {
    let started = Instant::now();
    let output: Output = Command::new(env!("CARGO_BIN_EXE_tlscheck"))
        .args(["good.test", "--format", "json", "--no-http", "--ca-file"])
        .arg(cert("root.pem"))
        .arg("--connect-to")
        .arg(format!("good.test:443:127.0.0.1:{}", server.port))
        .args(["--timeout", &STEP_TIMEOUT_SECONDS.to_string()])
        .output()
        .expect("run tlscheck");
    let elapsed = started.elapsed();
    let document: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "tlscheck printed no JSON ({error}); status {}, stderr:\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (document["reports"][0].clone(), elapsed)
}

fn python_suites() -> (BTreeSet<String>, BTreeSet<String>) {
    let output = Command::new(python_with_flask())
        .args(["-c", PYTHON_SUITES])
        .arg(cert("good-fullchain.pem"))
        .arg(cert("good.key"))
        .output()
        .expect("run python3");
    assert!(output.status.success(), "python3 ssl: {output:?}");
    let listed: Value = serde_json::from_slice(&output.stdout).expect("JSON from python3");
    let names = |key: &str| -> BTreeSet<String> {
        listed[key]
            .as_array()
            .expect("a list of suite names")
            .iter()
            .map(|name| name.as_str().expect("a suite name").to_string())
            .collect()
    };
    (names("tls12"), names("tls13"))
}

/// OpenSSL names of the suites tlscheck found at `version`.
fn found_suites(report: &Value, version: &str) -> BTreeSet<String> {
    report["enumeration"]["cipher_suites"]
        .as_array()
        .expect("enumeration.cipher_suites")
        .iter()
        .filter(|block| block["version"] == version)
        .flat_map(|block| block["suites"].as_array().cloned().unwrap_or_default())
        .map(|suite| {
            suite["openssl_name"]
                .as_str()
                .or(suite["name"].as_str())
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

/// The facts every scan of the Flask server must find, whatever its speed.
fn assert_complete_scan(report: &Value) {
    assert_eq!(report["unreachable"], Value::Null, "{report:#}");
    assert_eq!(
        report["tls"]["status"], "ok",
        "rustls handshake: {report:#}"
    );
    assert_eq!(
        report["https"]["status"], "ok",
        "HTTPS GET: {:#}",
        report["https"]
    );
    let enumeration = &report["enumeration"];
    assert_eq!(enumeration["status"], "ok", "{enumeration:#}");
    for protocol in enumeration["protocols"].as_array().expect("protocols") {
        assert_eq!(
            protocol["error"],
            Value::Null,
            "no exchange may fail or time out: {protocol}"
        );
        let accepted = matches!(protocol["version"].as_str(), Some("TLSv1.2" | "TLSv1.3"));
        assert_eq!(
            protocol["accepted"], accepted,
            "Python's ssl speaks TLS 1.2 and 1.3 only: {protocol}"
        );
    }
    let (tls12, tls13) = python_suites();
    assert!(
        tls12.contains("ECDHE-RSA-AES128-GCM-SHA256") && tls13.contains("TLS_AES_128_GCM_SHA256"),
        "Python's ssl lists its usual suites: {tls12:?} {tls13:?}"
    );
    assert_eq!(found_suites(report, "TLSv1.2"), tls12, "TLS 1.2 suites");
    assert_eq!(found_suites(report, "TLSv1.3"), tls13, "TLS 1.3 suites");
    let groups: Vec<&str> = enumeration["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .filter_map(|group| group["name"].as_str())
        .collect();
    assert!(
        groups.contains(&"x25519") && groups.contains(&"secp256r1"),
        "groups {groups:?}"
    );
}

#[test]
fn single_threaded_flask_server_is_scanned_without_stalling() {
    let server = FlaskServer::start(Duration::ZERO);
    let (report, elapsed) = scan(&server);
    assert_complete_scan(&report);
    assert!(
        elapsed < SCAN_BOUND,
        "a full scan of a one-connection-at-a-time server took {elapsed:?} (bound {SCAN_BOUND:?}, \
         --timeout {STEP_TIMEOUT_SECONDS}s): some exchange waited behind another connection"
    );
}

#[test]
fn slow_single_threaded_flask_server_is_scanned_without_timeouts() {
    // Every handshake that sends SNI keeps the server's one thread busy for 50 ms, so the
    // connections tlscheck opens in parallel queue up in the listen backlog; each still gets its
    // answer well within --timeout.
    let delay = Duration::from_millis(50);
    let server = FlaskServer::start(delay);
    let (report, elapsed) = scan(&server);
    assert_complete_scan(&report);
    // Each suite found took one handshake that went through the delay, one after the other.
    let picks = found_suites(&report, "TLSv1.2").len() + found_suites(&report, "TLSv1.3").len();
    let picks = u32::try_from(picks).unwrap_or(u32::MAX);
    assert!(
        elapsed >= delay * picks,
        "the server answers one handshake at a time: {picks} suite picks at {delay:?} each \
         cannot finish in {elapsed:?}"
    );
    assert!(
        elapsed < SCAN_BOUND,
        "a slow one-connection-at-a-time server: the scan took {elapsed:?} (bound {SCAN_BOUND:?})"
    );
}
