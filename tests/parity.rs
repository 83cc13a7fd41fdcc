//! Parity: on the same local servers, tlscheck's accepted protocols and cipher suites equal what
//! sslyze (PyPI), sslscan and testssl.sh (Debian) report, each run live against 127.0.0.1 and
//! read from its machine output (sslyze `--json_out`, sslscan `--xml=-`, testssl.sh
//! `--jsonfile`).
//!
//! The servers are few but cover the ground: nginx configured like the seed (TLS 1.0-1.2, a
//! 40-suite string, server order), `openssl s_server` with every suite at `@SECLEVEL=0` (TLS
//! 1.0-1.2, NULL, anonymous, static RSA, 1024-bit DHE), and tlslite-ng (SSLv3, RC4, 3DES). The
//! peers are slow (testssl.sh takes up to a minute a server), so each test runs one peer on one
//! server.
//!
//! No peer touches the network beyond 127.0.0.1: sslyze gets `HOST:PORT{127.0.0.1}` (no DNS)
//! and only the protocol and curve plugins (no certificate plugin, so no trust-store update and
//! no OCSP); sslscan gets the IP literal with `--sni-name`; testssl.sh gets `--ip 127.0.0.1
//! --nodns none` and no `--phone-out` (so no OCSP, CRL or CT fetches).
//!
//! Where a peer cannot see something tlscheck sees, the test compares on what the peer tested
//! and names the difference, with the evidence from the wire, next to the peer's runner below.
//! A peer or server that is missing fails the test.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::process::Command;
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;
use tlscheck::tls::suites;

/// The sslyze release tests/run.sh installs, with which these tests were checked.
const SSLYZE: &str = "sslyze==6.3.1";

/// The name the servers are scanned as; every tool is pointed at 127.0.0.1 explicitly.
const NAME: &str = "good.test";

const VERSIONS: [&str; 6] = ["SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"];

/// What one tool says a server accepts.
#[derive(Debug, Default)]
struct View {
    tool: &'static str,
    protocols: BTreeSet<String>,
    /// Version -> IANA names of the accepted suites.
    suites: BTreeMap<String, BTreeSet<String>>,
    /// Version -> the suites the tool offered at all, where it says (sslyze does).
    tested: Option<BTreeMap<String, BTreeSet<String>>>,
    /// Version -> IANA name -> DH prime bits, where the tool reports them.
    dh_bits: BTreeMap<String, BTreeMap<String, u32>>,
    /// TLS 1.2 ECDHE curves (tlscheck's names), where the tool enumerates them.
    curves: Option<BTreeSet<String>>,
    /// The curves the tool tried, where it says.
    curves_tested: Option<BTreeSet<String>>,
    /// TLS 1.3 groups, where the tool enumerates them.
    tls13_groups: Option<BTreeSet<String>>,
    /// Version -> the suite(s) the tool says the server prefers: for tlscheck, the first of
    /// the server's order where it enforces one; for sslscan, its `status="preferred"` suites.
    preferred: BTreeMap<String, BTreeSet<String>>,
    raw: String,
}

impl View {
    fn suites_of(&self, version: &str) -> BTreeSet<String> {
        self.suites.get(version).cloned().unwrap_or_default()
    }
}

/// The IANA name of `code` from tlscheck's registry (a suite the registry lacks stays a code, so
/// it shows up as a difference).
fn iana_name(code: u16) -> String {
    suites::by_code(code)
        .map(|suite| suite.iana_name.to_string())
        .unwrap_or_else(|| format!("0x{code:04X}"))
}

fn parse_hex(text: &str) -> u16 {
    u16::from_str_radix(text.trim().trim_start_matches("0x"), 16)
        .unwrap_or_else(|error| panic!("hex code {text:?}: {error}"))
}

/// Runs `command` to completion within `limit`, killing it by PID if it overruns. Returns stdout.
fn run_peer(tool: &str, mut command: Command, limit: Duration) -> String {
    let dir = tempfile::tempdir().expect("create peer output directory");
    let stdout_path = dir.path().join("stdout");
    let stderr_path = dir.path().join("stderr");
    let started = Instant::now();
    let mut child = command
        .stdin(std::process::Stdio::null())
        .stdout(fs::File::create(&stdout_path).expect("stdout file"))
        .stderr(fs::File::create(&stderr_path).expect("stderr file"))
        .spawn()
        .unwrap_or_else(|error| panic!("cannot start {tool}: {error}"));
    let status = loop {
        if let Some(status) = child.try_wait().expect("poll peer") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{tool} still running after {limit:?}; killed it\n{}",
                fs::read_to_string(&stderr_path).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stdout = fs::read_to_string(&stdout_path).unwrap_or_default();
    let stderr = fs::read_to_string(&stderr_path).unwrap_or_default();
    eprintln!("{tool}: {status} in {:?}", started.elapsed());
    assert!(
        status.success(),
        "{tool} failed ({status})\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}"
    );
    stdout
}

// ---------------------------------------------------------------------------------------------
// tlscheck

fn tlscheck_view(port: u16) -> (View, Value) {
    let mut args = vec![format!("{NAME}:{port}")];
    args.extend(connect_to(NAME, port, port));
    args.push("--no-http".to_string());
    let report = scan_json(&args);
    assert_eq!(report["enumeration"]["status"], "ok", "{report}");
    let mut view = View {
        tool: "tlscheck",
        raw: serde_json::to_string_pretty(&report["enumeration"]).unwrap_or_default(),
        ..View::default()
    };
    for protocol in report["enumeration"]["protocols"]
        .as_array()
        .expect("protocols")
    {
        assert_eq!(protocol["error"], Value::Null, "{protocol}");
        if protocol["accepted"] == true {
            view.protocols
                .insert(protocol["version"].as_str().unwrap_or_default().to_string());
        }
    }
    for entry in report["enumeration"]["cipher_suites"]
        .as_array()
        .expect("cipher_suites")
    {
        let version = entry["version"].as_str().unwrap_or_default().to_string();
        if entry["server_order"] == true {
            if let Some(first) = entry["suites"][0]["name"].as_str() {
                view.preferred
                    .insert(version.clone(), BTreeSet::from([first.to_string()]));
            }
        }
        for suite in entry["suites"].as_array().expect("suites") {
            let name = suite["name"].as_str().unwrap_or_default().to_string();
            if let Some(bits) = suite["dh_bits"].as_u64() {
                view.dh_bits
                    .entry(version.clone())
                    .or_default()
                    .insert(name.clone(), bits as u32);
            }
            view.suites.entry(version.clone()).or_default().insert(name);
        }
    }
    let groups: BTreeSet<String> = report["enumeration"]["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|group| group["name"].as_str().unwrap_or_default().to_string())
        .collect();
    if report["enumeration"]["groups_probed_with"] == "tls1.3" {
        view.tls13_groups = Some(groups);
    } else {
        view.curves = Some(groups);
    }
    (view, report)
}

// ---------------------------------------------------------------------------------------------
// sslyze

/// sslyze 6 (nassl: a modern OpenSSL for TLS 1.0-1.3 and a legacy 1.0.2 for SSLv2/SSLv3, RC4,
/// 3DES). Its catalogue lacks a few suites OpenSSL 3 serves; the JSON lists every suite it
/// offered (accepted or rejected), so it is compared on those.
fn sslyze_view(port: u16) -> View {
    let python = require_python_module("sslyze", SSLYZE);
    let dir = tempfile::tempdir().expect("sslyze output directory");
    let json = dir.path().join("sslyze.json");
    let mut command = Command::new(python);
    command
        .args(["-m", "sslyze", "--quiet", "--mozilla_config=disable"])
        .arg(format!("--json_out={}", json.display()))
        .args([
            "--sslv2",
            "--sslv3",
            "--tlsv1",
            "--tlsv1_1",
            "--tlsv1_2",
            "--tlsv1_3",
            "--elliptic_curves",
        ])
        // HOST:PORT{IP}: connect to the IP, send HOST as SNI, resolve nothing. (Given a bare IP,
        // sslyze sends the IP as SNI, which tlslite-ng rightly refuses with illegal_parameter,
        // RFC 6066 section 3.)
        .arg(format!("{NAME}:{port}{{127.0.0.1}}"));
    run_peer("sslyze", command, Duration::from_secs(300));
    let text = fs::read_to_string(&json).expect("read sslyze JSON");
    let document: Value = serde_json::from_str(&text).expect("sslyze JSON");
    let result = &document["server_scan_results"][0];
    assert_eq!(result["connectivity_status"], "COMPLETED", "{text}");
    let scan = &result["scan_result"];
    let mut view = View {
        tool: "sslyze",
        tested: Some(BTreeMap::new()),
        raw: text.clone(),
        ..View::default()
    };
    let names = |list: &Value| -> BTreeSet<String> {
        list.as_array()
            .map(|entries| {
                entries
                    .iter()
                    .filter_map(|entry| entry["cipher_suite"]["name"].as_str())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    for (key, version) in [
        ("ssl_2_0_cipher_suites", "SSLv2"),
        ("ssl_3_0_cipher_suites", "SSLv3"),
        ("tls_1_0_cipher_suites", "TLSv1.0"),
        ("tls_1_1_cipher_suites", "TLSv1.1"),
        ("tls_1_2_cipher_suites", "TLSv1.2"),
        ("tls_1_3_cipher_suites", "TLSv1.3"),
    ] {
        let plugin = &scan[key];
        assert_eq!(plugin["status"], "COMPLETED", "sslyze {key}: {plugin}");
        let accepted = names(&plugin["result"]["accepted_cipher_suites"]);
        let rejected = names(&plugin["result"]["rejected_cipher_suites"]);
        let tested: BTreeSet<String> = accepted.union(&rejected).cloned().collect();
        view.tested
            .as_mut()
            .expect("tested")
            .insert(version.to_string(), tested);
        if !accepted.is_empty() {
            view.protocols.insert(version.to_string());
            view.suites.insert(version.to_string(), accepted);
        }
    }
    let curves = &scan["elliptic_curves"];
    assert_eq!(
        curves["status"], "COMPLETED",
        "sslyze elliptic_curves: {curves}"
    );
    let curve_names = |list: &Value| -> BTreeSet<String> {
        list.as_array()
            .map(|entries| {
                entries
                    .iter()
                    .filter_map(|entry| entry["name"].as_str())
                    // sslyze says X25519 and X448 where IANA says x25519 and x448.
                    .map(|name| match name {
                        "X25519" => "x25519".to_string(),
                        "X448" => "x448".to_string(),
                        other => other.to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let supported = curve_names(&curves["result"]["supported_curves"]);
    let rejected = curve_names(&curves["result"]["rejected_curves"]);
    view.curves_tested = Some(supported.union(&rejected).cloned().collect());
    view.curves = Some(supported);
    view
}

// ---------------------------------------------------------------------------------------------
// sslscan

/// sslscan 2 (Debian, linked with OpenSSL 3): TLS 1.0-1.2 suites by OpenSSL handshakes plus raw
/// ClientHellos for what OpenSSL 3 lacks (RC4, 3DES), TLS 1.3 by raw hellos, SSLv2 and SSLv3 by
/// raw hellos for the protocol only.
fn sslscan_view(port: u16) -> View {
    let sslscan = require_tool("sslscan");
    let mut command = Command::new(sslscan);
    command
        .args([
            "--xml=-",
            "--no-colour",
            "--no-heartbleed",
            "--no-compression",
            "--no-fallback",
            "--no-renegotiation",
        ])
        .arg(format!("--sni-name={NAME}"))
        .arg(format!("127.0.0.1:{port}"));
    let xml = run_peer("sslscan", command, Duration::from_secs(300));
    let document = roxmltree::Document::parse(&xml)
        .unwrap_or_else(|error| panic!("sslscan XML: {error}\n{xml}"));
    let mut view = View {
        tool: "sslscan",
        raw: xml.clone(),
        ..View::default()
    };
    let mut curves = BTreeSet::new();
    let mut tls13_groups = BTreeSet::new();
    for node in document.descendants() {
        match node.tag_name().name() {
            "protocol" if node.attribute("enabled") == Some("1") => {
                let version = match (node.attribute("type"), node.attribute("version")) {
                    (Some("ssl"), Some(version)) => format!("SSLv{version}"),
                    (Some("tls"), Some(version)) => format!("TLSv{version}"),
                    other => panic!("sslscan protocol {other:?}"),
                };
                view.protocols.insert(version);
            }
            "cipher" => {
                let version = node
                    .attribute("sslversion")
                    .expect("sslversion")
                    .to_string();
                let name = iana_name(parse_hex(node.attribute("id").expect("cipher id")));
                if node.attribute("status") == Some("preferred") {
                    view.preferred
                        .entry(version.clone())
                        .or_default()
                        .insert(name.clone());
                }
                if let Some(bits) = node.attribute("dhebits") {
                    view.dh_bits
                        .entry(version.clone())
                        .or_default()
                        .insert(name.clone(), bits.parse().expect("dhebits"));
                }
                view.suites.entry(version).or_default().insert(name);
            }
            "group" => {
                let code = parse_hex(node.attribute("id").expect("group id"));
                let name = tlscheck::tls::groups::display_name(code);
                match node.attribute("sslversion") {
                    Some("TLSv1.2") => curves.insert(name),
                    Some("TLSv1.3") => tls13_groups.insert(name),
                    other => panic!("sslscan group for {other:?}"),
                };
            }
            _ => {}
        }
    }
    view.curves = Some(curves);
    view.tls13_groups = Some(tls13_groups);
    view
}

// ---------------------------------------------------------------------------------------------
// testssl.sh

/// testssl.sh 3.0 (Debian): protocols with `-p`, every suite per protocol with `-E`, by its own
/// sockets (its hand-built ClientHellos) where the local OpenSSL lacks a suite.
fn testssl_view(port: u16) -> View {
    let testssl = require_tool("testssl");
    let dir = tempfile::tempdir().expect("testssl output directory");
    let json = dir.path().join("testssl.json");
    let mut command = Command::new(testssl);
    command
        .args([
            "--quiet",
            "--color",
            "0",
            "--warnings",
            "off",
            // No DNS at all, connect to 127.0.0.1, and no --phone-out: no OCSP, CRL or CT.
            "--nodns",
            "none",
            "--ip",
            "127.0.0.1",
            "--connect-timeout",
            "10",
            "--openssl-timeout",
            "10",
            "-p",
            "-E",
        ])
        .arg("--jsonfile")
        .arg(&json)
        .arg(format!("{NAME}:{port}"))
        // testssl.sh writes its temporary files under TMPDIR; keep them in ours.
        .env("TMPDIR", dir.path())
        .current_dir(dir.path());
    run_peer("testssl.sh", command, Duration::from_secs(600));
    let text = fs::read_to_string(&json).expect("read testssl.sh JSON");
    let findings: Vec<Value> = serde_json::from_str(&text).expect("testssl.sh JSON");
    let mut view = View {
        tool: "testssl.sh",
        raw: text.clone(),
        ..View::default()
    };
    let protocol_ids = [
        ("SSLv2", "SSLv2"),
        ("SSLv3", "SSLv3"),
        ("TLS1", "TLSv1.0"),
        ("TLS1_1", "TLSv1.1"),
        ("TLS1_2", "TLSv1.2"),
        ("TLS1_3", "TLSv1.3"),
    ];
    let cipher_prefixes = [
        ("cipher-ssl2_x", "SSLv2"),
        ("cipher-ssl3_x", "SSLv3"),
        ("cipher-tls1_x", "TLSv1.0"),
        ("cipher-tls1_1_x", "TLSv1.1"),
        ("cipher-tls1_2_x", "TLSv1.2"),
        ("cipher-tls1_3_x", "TLSv1.3"),
    ];
    for finding in &findings {
        let id = finding["id"].as_str().unwrap_or_default();
        let text = finding["finding"].as_str().unwrap_or_default();
        if let Some((_, version)) = protocol_ids.iter().find(|(key, _)| *key == id) {
            if text.starts_with("offered") {
                view.protocols.insert(version.to_string());
            }
        }
        if let Some((prefix, version)) = cipher_prefixes
            .iter()
            .find(|(prefix, _)| id.starts_with(prefix))
        {
            // "TLS 1.2   xc030   ECDHE-RSA-AES256-GCM-SHA384   ECDH 253   AESGCM   256
            // TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"
            let code = parse_hex(&id[prefix.len()..]);
            let name = iana_name(code);
            let columns: Vec<&str> = text.split_whitespace().collect();
            if let Some(position) = columns.iter().position(|column| *column == "DH") {
                if let Some(bits) = columns.get(position + 1).and_then(|b| b.parse().ok()) {
                    view.dh_bits
                        .entry(version.to_string())
                        .or_default()
                        .insert(name.clone(), bits);
                }
            }
            view.suites
                .entry(version.to_string())
                .or_default()
                .insert(name);
        }
    }
    view
}

// ---------------------------------------------------------------------------------------------
// Comparing

/// A suite tlscheck accepts that `peer` never offered, with why that is fine.
struct Untested {
    version: &'static str,
    suite: &'static str,
}

/// Asserts `peer` and tlscheck agree on the protocols and, version by version, on the suites.
/// `peer_blind` lists versions whose suites the peer cannot enumerate at all (it must then list
/// none); `untested` the suites tlscheck sees that the peer does not offer (checked to be
/// exactly those, so a new gap or a fixed one shows up).
#[track_caller]
fn assert_parity(tlscheck: &View, peer: &View, peer_blind: &[&str], untested: &[Untested]) {
    let context = || {
        format!(
            "--- tlscheck ---\n{}\n--- {} ---\n{}",
            tlscheck.raw,
            peer.tool,
            &peer.raw[..peer.raw.len().min(20_000)]
        )
    };
    assert_eq!(
        tlscheck.protocols,
        peer.protocols,
        "accepted protocols: tlscheck vs {}\n{}",
        peer.tool,
        context()
    );
    let mut compared = 0;
    for version in VERSIONS {
        let ours = tlscheck.suites_of(version);
        let theirs = peer.suites_of(version);
        if peer_blind.contains(&version) {
            assert!(
                theirs.is_empty(),
                "{} was expected not to enumerate {version} suites, but listed {theirs:?}: \
                 compare them now\n{}",
                peer.tool,
                context()
            );
            continue;
        }
        let expected_gap: BTreeSet<String> = untested
            .iter()
            .filter(|gap| gap.version == version)
            .map(|gap| gap.suite.to_string())
            .collect();
        if let Some(tested) = peer.tested.as_ref().and_then(|t| t.get(version)) {
            let gap: BTreeSet<String> = ours.difference(tested).cloned().collect();
            assert_eq!(
                gap,
                expected_gap,
                "{version}: suites tlscheck accepts that {} did not offer\n{}",
                peer.tool,
                context()
            );
        }
        let ours_comparable: BTreeSet<String> = ours.difference(&expected_gap).cloned().collect();
        assert_eq!(
            ours_comparable,
            theirs,
            "{version} suites: only tlscheck {:?}, only {} {:?}\n{}",
            ours_comparable.difference(&theirs).collect::<Vec<_>>(),
            peer.tool,
            theirs.difference(&ours_comparable).collect::<Vec<_>>(),
            context()
        );
        compared += theirs.len();
    }
    eprintln!(
        "tlscheck and {} agree: protocols {:?}, {compared} accepted suites",
        peer.tool, peer.protocols
    );
}

/// Asserts the DH prime sizes agree wherever both report one.
#[track_caller]
fn assert_dh_parity(tlscheck: &View, peer: &View) {
    let mut compared = 0;
    for (version, sizes) in &peer.dh_bits {
        for (suite, bits) in sizes {
            let ours = tlscheck.dh_bits.get(version).and_then(|s| s.get(suite));
            assert_eq!(
                ours,
                Some(bits),
                "{version} {suite}: DH bits tlscheck {ours:?}, {} {bits}",
                peer.tool
            );
            compared += 1;
        }
    }
    assert!(
        compared > 0 || tlscheck.dh_bits.is_empty(),
        "{} reported no DH size to compare",
        peer.tool
    );
}

/// Asserts that where tlscheck found the server enforcing its order, the peer names the same
/// suite as the server's choice.
#[track_caller]
fn assert_preference_parity(tlscheck: &View, peer: &View) {
    assert!(
        !tlscheck.preferred.is_empty(),
        "tlscheck found no server order to compare"
    );
    for (version, first) in &tlscheck.preferred {
        assert_eq!(
            peer.preferred.get(version),
            Some(first),
            "{version}: the server's preferred suite, tlscheck vs {}",
            peer.tool
        );
    }
}

/// Asserts the TLS 1.3 groups agree, less `untested` (groups tlscheck found that the peer does
/// not offer).
#[track_caller]
fn assert_tls13_group_parity(tlscheck: &View, peer: &View, untested: &[&str]) {
    let ours = tlscheck
        .tls13_groups
        .clone()
        .expect("tlscheck probed TLS 1.3 groups");
    let theirs = peer.tls13_groups.clone().expect("peer TLS 1.3 groups");
    let untested: BTreeSet<String> = untested.iter().map(|g| g.to_string()).collect();
    assert!(
        untested.is_subset(&ours),
        "tlscheck no longer finds {untested:?}: drop them here"
    );
    let ours: BTreeSet<String> = ours.difference(&untested).cloned().collect();
    assert_eq!(ours, theirs, "TLS 1.3 groups: tlscheck vs {}", peer.tool);
}

/// Asserts the TLS 1.2 curves agree, on the curves the peer tried where it says.
#[track_caller]
fn assert_curve_parity(tlscheck: &View, peer: &View, untested: &[&str]) {
    let ours = tlscheck
        .curves
        .clone()
        .expect("tlscheck probed TLS 1.2 curves");
    let theirs = peer.curves.clone().expect("peer curves");
    let expected_gap: BTreeSet<String> = untested.iter().map(|c| c.to_string()).collect();
    if let Some(tested) = &peer.curves_tested {
        let gap: BTreeSet<String> = ours.difference(tested).cloned().collect();
        assert_eq!(
            gap, expected_gap,
            "curves tlscheck found that {} did not try",
            peer.tool
        );
    }
    let ours: BTreeSet<String> = ours.difference(&expected_gap).cloned().collect();
    assert_eq!(ours, theirs, "TLS 1.2 curves: tlscheck vs {}", peer.tool);
}

// ---------------------------------------------------------------------------------------------
// The servers

fn seed_nginx() -> NginxGuard {
    NginxServer::seed_legacy().start()
}

fn legacy_openssl() -> ServerGuard {
    OpensslServer::new("good-fullchain.pem", "good.key")
        .everything()
        .without_tls13()
        .dh_params(&dh1024_params())
        .start()
}

fn tlslite() -> ServerGuard {
    TlsliteServer::new().start()
}

/// Suites sslyze 6.3.1 never offers although OpenSSL 3 serves them. Its catalogue has them,
/// but its TLS 1.2 job for each ends in nassl's "no ciphers available", which the plugin swallows
/// (`result_for_completed_scan_jobs`): they are neither accepted nor rejected in its JSON (156 of
/// its 158 TLS 1.2 suites come back). On the wire, none of the 158 TLS 1.2 ClientHellos sslyze
/// sends to this server offers 0x00BF or 0x00C5. tlscheck, sslscan and testssl.sh all find both,
/// and `openssl s_client -tls1_2 -cipher ADH-CAMELLIA128-SHA256:@SECLEVEL=0` (and 256) completes
/// a handshake with them: the server accepts them, and sslyze did not ask.
const SSLYZE_LACKS: [Untested; 2] = [
    Untested {
        version: "TLSv1.2",
        suite: "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA256",
    },
    Untested {
        version: "TLSv1.2",
        suite: "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256",
    },
];

// nginx like the seed ------------------------------------------------------------------------

#[test]
fn seed_nginx_matches_sslyze() {
    let nginx = seed_nginx();
    let (ours, _) = tlscheck_view(nginx.https_port);
    let theirs = sslyze_view(nginx.https_port);
    assert_parity(&ours, &theirs, &[], &[]);
    assert_curve_parity(&ours, &theirs, &[]);
}

#[test]
fn seed_nginx_matches_sslscan() {
    let nginx = seed_nginx();
    let (ours, _) = tlscheck_view(nginx.https_port);
    let theirs = sslscan_view(nginx.https_port);
    assert_parity(&ours, &theirs, &[], &[]);
    assert_curve_parity(&ours, &theirs, &[]);
    assert_preference_parity(&ours, &theirs);
}

#[test]
fn seed_nginx_matches_testssl() {
    let nginx = seed_nginx();
    let (ours, _) = tlscheck_view(nginx.https_port);
    let theirs = testssl_view(nginx.https_port);
    assert_parity(&ours, &theirs, &[], &[]);
}

// s_server, everything at @SECLEVEL=0, 1024-bit DHE ------------------------------------------

#[test]
fn legacy_openssl_matches_sslyze() {
    let server = legacy_openssl();
    let (ours, _) = tlscheck_view(server.port());
    let theirs = sslyze_view(server.port());
    assert_parity(&ours, &theirs, &[], &SSLYZE_LACKS);
    assert_curve_parity(&ours, &theirs, &[]);
}

#[test]
fn legacy_openssl_matches_sslscan() {
    let server = legacy_openssl();
    let (ours, _) = tlscheck_view(server.port());
    let theirs = sslscan_view(server.port());
    assert_parity(&ours, &theirs, &[], &[]);
    assert_dh_parity(&ours, &theirs);
    assert_curve_parity(&ours, &theirs, &[]);
}

#[test]
fn legacy_openssl_matches_testssl() {
    let server = legacy_openssl();
    let (ours, _) = tlscheck_view(server.port());
    let theirs = testssl_view(server.port());
    assert_parity(&ours, &theirs, &[], &[]);
    assert_dh_parity(&ours, &theirs);
}

// tlslite-ng: SSLv3, RC4, 3DES ---------------------------------------------------------------

/// tlslite-ng also picks the TLS 1.3-only brainpool code points (RFC 8734: 0x001F-0x0021) for
/// TLS 1.2 ECDHE when a client offers them, which tlscheck does and the peers never do. The wire
/// (tshark on the loopback port during a tlscheck scan) shows TLS 1.2 ServerKeyExchange
/// messages with named_curve 0x001F, 0x0020 and 0x0021; no ClientHello from sslyze or sslscan
/// lists those groups. So tlscheck reports what the server does; the peers did not ask.
const PEERS_DO_NOT_OFFER: [&str; 3] = [
    "brainpoolP256r1tls13",
    "brainpoolP384r1tls13",
    "brainpoolP512r1tls13",
];

#[test]
fn tlslite_matches_sslyze() {
    let server = tlslite();
    let (ours, _) = tlscheck_view(server.port());
    let theirs = sslyze_view(server.port());
    assert_parity(&ours, &theirs, &[], &[]);
    assert_curve_parity(&ours, &theirs, &PEERS_DO_NOT_OFFER);
}

#[test]
fn tlslite_matches_sslscan() {
    let server = tlslite();
    let (ours, _) = tlscheck_view(server.port());
    let theirs = sslscan_view(server.port());
    // sslscan built on OpenSSL 3 detects SSLv3 but cannot list its suites: on the wire it sends
    // exactly one SSLv3 ClientHello (the server answers with an SSLv3 ServerHello), then none.
    // tlscheck, sslyze (its legacy OpenSSL 1.0.2) and testssl.sh (its own sockets) agree on the
    // seven SSLv3 suites.
    assert_parity(&ours, &theirs, &["SSLv3"], &[]);
    assert_curve_parity(&ours, &theirs, &PEERS_DO_NOT_OFFER);
    // sslscan asks for the preferred suite with SSLv3 too, but cannot list SSLv3 suites.
    let mut ours = ours;
    ours.preferred.remove("SSLv3");
    assert_preference_parity(&ours, &theirs);
}

#[test]
fn tlslite_matches_testssl() {
    let server = tlslite();
    let (ours, _) = tlscheck_view(server.port());
    let theirs = testssl_view(server.port());
    assert_parity(&ours, &theirs, &[], &[]);
}

// tlslite-ng, modern: TLS 1.2 and 1.3 -------------------------------------------------------

/// Found by this lab: tlscheck's TLS 1.3 probe listed groups from RFC 8446's obsolete ranges
/// (brainpoolP256r1, secp256k1, sect571r1, ...) in a hello offering only TLS 1.3, and
/// tlslite-ng answered illegal_parameter ("Client advertised in TLS 1.3 Client Hello a key
/// exchange group forbidden in TLS 1.3 without advertising support for TLS 1.2"), so tlscheck
/// said "TLS 1.3 not accepted" while sslyze, sslscan, testssl.sh and tlscheck's own rustls
/// handshake all negotiated TLS 1.3. tlslite-ng is right (RFC 8446 section 4.2.7: "MUST NOT be
/// offered"); tlscheck now offers only groups TLS 1.3 allows.
fn tlslite_modern() -> ServerGuard {
    TlsliteServer::modern().start()
}

#[test]
fn tlslite_tls13_matches_sslyze() {
    let server = tlslite_modern();
    let (ours, _) = tlscheck_view(server.port());
    let theirs = sslyze_view(server.port());
    assert_parity(&ours, &theirs, &[], &[]);
}

#[test]
fn tlslite_tls13_matches_sslscan() {
    let server = tlslite_modern();
    let (ours, _) = tlscheck_view(server.port());
    let theirs = sslscan_view(server.port());
    assert_parity(&ours, &theirs, &[], &[]);
    assert_preference_parity(&ours, &theirs);
    // The brainpool TLS 1.3 groups (RFC 8734) are valid TLS 1.3 groups that tlslite-ng accepts
    // (the HelloRetryRequest names them); sslscan's TLS 1.3 group list does not include them.
    assert_tls13_group_parity(&ours, &theirs, &PEERS_DO_NOT_OFFER);
}

#[test]
fn tlslite_tls13_matches_testssl() {
    let server = tlslite_modern();
    let (ours, _) = tlscheck_view(server.port());
    let theirs = testssl_view(server.port());
    assert_parity(&ours, &theirs, &[], &[]);
}

// The scripted servers, against the fastest peer --------------------------------------------

#[test]
fn scripted_sslv2_server_matches_sslscan() {
    let server = start_sslv2_server("good.pem");
    let (ours, _) = tlscheck_view(server.port());
    let theirs = sslscan_view(server.port());
    // sslscan 2 detects SSLv2 with a raw CLIENT-HELLO but does not list SSLv2 cipher kinds.
    assert_parity(&ours, &theirs, &["SSLv2"], &[]);
}

#[test]
fn scripted_export_server_matches_sslscan() {
    let server = start_export_server("good-fullchain.pem", "good.key");
    let (ours, _) = tlscheck_view(server.port());
    let theirs = sslscan_view(server.port());
    assert_parity(&ours, &theirs, &[], &[]);
}
