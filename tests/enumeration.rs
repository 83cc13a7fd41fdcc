//! The enumeration probe against the legacy-server lab on 127.0.0.1: `openssl s_server` at
//! `@SECLEVEL=0` (TLS 1.0/1.1/1.2 only, CBC only, static RSA only, 1024-bit DHE, server order),
//! nginx configured like the seed and like a modern site, tlslite-ng (SSLv3, RC4, 3DES), the
//! scripted SSLv2 and export servers, and servers that stay silent or reset.
//!
//! Each test asserts the exact accepted protocols and the exact suite set per version. Where the
//! server is OpenSSL, the expected set is what OpenSSL itself says the configured cipher string
//! means for that version (`openssl ciphers -V -s`), less what the server cannot negotiate (PSK
//! and SRP suites without credentials, ECDSA and DSS suites with an RSA certificate, DHE in nginx
//! without `ssl_dhparam`). A server that cannot start fails the test.

mod common;

use std::collections::BTreeSet;
use std::process::Command;
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// Running the scan

const VERSIONS: [&str; 6] = ["SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"];

/// Scans `good.test` at `port` on 127.0.0.1 (no plain-HTTP check) and returns `reports[0]`,
/// asserting the enumeration ran.
fn enumerate_port(port: u16, extra: &[&str]) -> Value {
    let name = "good.test";
    let mut args = vec![format!("{name}:{port}")];
    args.extend(connect_to(name, port, port));
    args.push("--no-http".to_string());
    args.extend(extra.iter().map(|arg| arg.to_string()));
    let report = scan_json(&args);
    assert_at(&report, "/enumeration/status", "ok");
    report
}

fn enumerate(server: &ServerGuard) -> Value {
    enumerate_port(server.port(), &[])
}

fn accepted_protocols(report: &Value) -> Vec<String> {
    array_at(report, "/enumeration/protocols")
        .iter()
        .filter(|protocol| protocol["accepted"] == true)
        .map(|protocol| protocol["version"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[track_caller]
fn assert_protocols(report: &Value, expected: &[&str]) {
    assert_eq!(
        accepted_protocols(report),
        expected,
        "accepted protocols\n{}",
        pretty(report)
    );
    for protocol in array_at(report, "/enumeration/protocols") {
        assert_eq!(
            protocol["error"],
            Value::Null,
            "no probe may fail against a healthy server\n{}",
            pretty(report)
        );
    }
}

fn version_entry<'a>(report: &'a Value, version: &str) -> Option<&'a Value> {
    array_at(report, "/enumeration/cipher_suites")
        .iter()
        .find(|entry| entry["version"] == version)
}

/// The accepted suites of `version` as the report lists them (server order when it has one).
fn suites<'a>(report: &'a Value, version: &str) -> Vec<&'a Value> {
    version_entry(report, version)
        .and_then(|entry| entry["suites"].as_array())
        .map(|suites| suites.iter().collect())
        .unwrap_or_default()
}

fn suite_names(report: &Value, version: &str) -> Vec<String> {
    suites(report, version)
        .iter()
        .map(|suite| suite["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn suite_codes(report: &Value, version: &str) -> BTreeSet<u16> {
    suites(report, version)
        .iter()
        .map(|suite| parse_code(suite["code"].as_str().unwrap_or_default()))
        .collect()
}

fn parse_code(text: &str) -> u16 {
    u16::from_str_radix(text.trim_start_matches("0x"), 16)
        .unwrap_or_else(|error| panic!("suite code {text:?}: {error}"))
}

/// Asserts the accepted suites of `version` are exactly `expected` (IANA names, any order).
#[track_caller]
fn assert_suite_names(report: &Value, version: &str, expected: &[&str]) {
    let found: BTreeSet<String> = suite_names(report, version).into_iter().collect();
    let expected: BTreeSet<String> = expected.iter().map(|name| name.to_string()).collect();
    assert_eq!(
        found,
        expected,
        "{version} suites: missing {:?}, unexpected {:?}\n{}",
        expected.difference(&found).collect::<Vec<_>>(),
        found.difference(&expected).collect::<Vec<_>>(),
        pretty(report)
    );
}

fn server_order(report: &Value, version: &str) -> Option<bool> {
    version_entry(report, version).and_then(|entry| entry["server_order"].as_bool())
}

fn pretty(report: &Value) -> String {
    serde_json::to_string_pretty(report).unwrap_or_default()
}

/// The handshake count is reported and sane: at least one handshake per accepted suite plus one
/// refusal per accepted version, and at most that plus a few per version (chunks of the
/// offer-and-remove walk, the server-order check), the group walk, and, for a server that
/// enforces its order, one more walk over its suites to learn that order.
#[track_caller]
fn assert_handshakes_sane(report: &Value) {
    let handshakes = i64_at(report, "/enumeration/handshakes");
    let versions = array_at(report, "/enumeration/cipher_suites");
    let accepted: i64 = versions
        .iter()
        .map(|entry| entry["suites"].as_array().map_or(0, Vec::len) as i64)
        .sum();
    let server_ordered: i64 = versions
        .iter()
        .filter(|entry| entry["server_order"] == true)
        .map(|entry| entry["suites"].as_array().map_or(0, Vec::len) as i64)
        .sum();
    let groups = array_at(report, "/enumeration/groups").len() as i64;
    let lower = accepted + versions.len() as i64;
    let upper = accepted + server_ordered + 5 * VERSIONS.len() as i64 + groups + 1;
    assert!(
        (lower..=upper).contains(&handshakes),
        "{handshakes} handshakes for {accepted} accepted suites in {} versions and {groups} groups: \
         expected {lower}..={upper}\n{}",
        versions.len(),
        pretty(report)
    );
    assert!(i64_at(report, "/enumeration/max_connections") >= 1);
}

/// The chain was analysed although rustls could not connect: tlscheck's legacy client made the
/// connection instead, and the report says that rustls failed.
#[track_caller]
fn assert_chain_analysed_without_rustls(report: &Value, leaf_subject_part: &str) {
    assert_at(report, "/tls/status", "ok");
    assert_at(report, "/tls/client", "legacy");
    assert!(
        at(report, "/tls/strict_client_error").is_object(),
        "the rustls failure is kept\n{}",
        pretty(report)
    );
    assert_chain_from_the_raw_handshake(report, leaf_subject_part);
}

/// Neither rustls nor the legacy client could connect (SSLv2, export suites, tlslite-ng's SSLv3):
/// the chain comes from the enumeration's raw handshake.
#[track_caller]
fn assert_chain_analysed_without_a_connection(report: &Value, leaf_subject_part: &str) {
    assert_at(report, "/tls/status", "failed");
    assert_chain_from_the_raw_handshake(report, leaf_subject_part);
}

#[track_caller]
fn assert_chain_from_the_raw_handshake(report: &Value, leaf_subject_part: &str) {
    let certificates = array_at(report, "/certificates/certificates");
    assert!(
        !certificates.is_empty(),
        "the chain must come from the raw handshake\n{}",
        pretty(report)
    );
    let subject = certificates[0]["subject"].to_string();
    assert!(
        subject.contains(leaf_subject_part),
        "leaf subject {subject} should name {leaf_subject_part}\n{}",
        pretty(report)
    );
}

#[track_caller]
fn assert_findings(report: &Value, present: &[&str], absent: &[&str]) {
    for id in present {
        assert_finding(report, id);
    }
    for id in absent {
        assert_no_finding(report, id);
    }
}

fn severity_of(report: &Value, id: &str) -> String {
    array_at(report, "/findings")
        .iter()
        .find(|finding| finding["id"] == id)
        .and_then(|finding| finding["severity"].as_str())
        .unwrap_or_else(|| panic!("no finding {id}\n{}", pretty(report)))
        .to_string()
}

/// Every protocol and cipher finding id of issue 3.
const ENUMERATION_FINDINGS: [&str; 17] = [
    "protocol.sslv2",
    "protocol.sslv3",
    "protocol.tls10",
    "protocol.tls11",
    "protocol.no-tls12",
    "protocol.no-tls13",
    "cipher.null",
    "cipher.anonymous",
    "cipher.export",
    "cipher.rc4",
    "cipher.des",
    "cipher.3des",
    "cipher.cbc-tls10",
    "cipher.no-forward-secrecy",
    "cipher.no-aead",
    "dh.weak",
    "cipher.client-order",
];

/// The ids of [`ENUMERATION_FINDINGS`] not in `present`: what must not fire.
fn all_but(present: &[&str]) -> Vec<&'static str> {
    ENUMERATION_FINDINGS
        .iter()
        .copied()
        .filter(|id| !present.contains(id))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// What OpenSSL says a cipher string means

/// One line of `openssl ciphers -V -s`.
#[derive(Clone, Debug)]
struct OpensslSuite {
    code: u16,
    name: String,
    protocol: String,
    key_exchange: String,
    authentication: String,
}

/// The suites `cipher_string` enables for `version_flag` (`-tls1`, `-tls1_1`, `-tls1_2`), in
/// OpenSSL's order (the configured order, which a server-order server enforces). TLS 1.3 suites
/// are left out: `-cipher` does not configure them.
fn openssl_suites(version_flag: &str, cipher_string: &str) -> Vec<OpensslSuite> {
    let output = Command::new(require_tool("openssl"))
        .args(["ciphers", "-V", "-s", version_flag, cipher_string])
        .output()
        .expect("run openssl ciphers");
    assert!(
        output.status.success(),
        "openssl ciphers {version_flag} {cipher_string:?}: {output:?}"
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| {
            // "0xC0,0x30 - ECDHE-RSA-AES256-GCM-SHA384 TLSv1.2 Kx=ECDH Au=RSA Enc=... Mac=..."
            let fields: Vec<&str> = line.split_whitespace().collect();
            let (code, name, protocol) = (fields.first()?, fields.get(2)?, fields.get(3)?);
            let value = |prefix: &str| {
                fields
                    .iter()
                    .find_map(|field| field.strip_prefix(prefix))
                    .unwrap_or_default()
                    .to_string()
            };
            let (high, low) = code.split_once(',')?;
            let code = (parse_code(high) << 8) | parse_code(low);
            Some(OpensslSuite {
                code,
                name: name.to_string(),
                protocol: protocol.to_string(),
                key_exchange: value("Kx="),
                authentication: value("Au="),
            })
        })
        .filter(|suite| suite.protocol != "TLSv1.3")
        .collect()
}

/// What a server with an RSA certificate and no PSK or SRP credentials can negotiate.
fn servable_with_rsa_certificate(suite: &OpensslSuite) -> bool {
    matches!(suite.authentication.as_str(), "RSA" | "None")
        && !suite.key_exchange.contains("PSK")
        && suite.key_exchange != "SRP"
}

fn codes(suites: &[OpensslSuite]) -> BTreeSet<u16> {
    suites.iter().map(|suite| suite.code).collect()
}

/// Asserts the accepted suites of `version` are exactly `expected` (by code), and that the
/// report gives each OpenSSL's own name for it.
#[track_caller]
fn assert_openssl_suites(report: &Value, version: &str, expected: &[OpensslSuite]) {
    let found = suite_codes(report, version);
    let wanted = codes(expected);
    let name_of = |code: &u16| format!("0x{code:04X}");
    assert_eq!(
        found,
        wanted,
        "{version} suites: missing {:?}, unexpected {:?}\n{}",
        wanted.difference(&found).map(name_of).collect::<Vec<_>>(),
        found.difference(&wanted).map(name_of).collect::<Vec<_>>(),
        pretty(report)
    );
    for suite in suites(report, version) {
        let code = parse_code(suite["code"].as_str().unwrap_or_default());
        let openssl = expected.iter().find(|s| s.code == code).map(|s| &s.name);
        assert_eq!(
            suite["openssl_name"].as_str(),
            openssl.map(String::as_str),
            "OpenSSL name of {}\n{}",
            suite["name"],
            pretty(report)
        );
    }
}

/// OpenSSL 3's default groups, which s_server and nginx (`ssl_ecdh_curve auto`) offer: the
/// curves in TLS 1.2's ECDHE ...
const OPENSSL_DEFAULT_CURVES: [&str; 5] = ["x25519", "secp256r1", "x448", "secp521r1", "secp384r1"];
/// ... and, in TLS 1.3, the RFC 7919 finite-field groups too.
const OPENSSL_DEFAULT_FFDHE: [&str; 5] = [
    "ffdhe2048",
    "ffdhe3072",
    "ffdhe4096",
    "ffdhe6144",
    "ffdhe8192",
];

fn names(lists: &[&[&str]]) -> BTreeSet<String> {
    lists
        .iter()
        .flat_map(|list| list.iter().map(|name| name.to_string()))
        .collect()
}

fn group_names(report: &Value) -> BTreeSet<String> {
    array_at(report, "/enumeration/groups")
        .iter()
        .map(|group| group["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// openssl s_server at @SECLEVEL=0

fn everything_for_rsa(version_flag: &str) -> Vec<OpensslSuite> {
    openssl_suites(version_flag, &format!("{OPENSSL_EVERYTHING}:@SECLEVEL=0"))
        .into_iter()
        .filter(servable_with_rsa_certificate)
        .collect()
}

#[test]
fn tls10_only_server_lists_every_suite_and_its_chain_without_rustls() {
    let server = OpensslServer::new("good-fullchain.pem", "good.key")
        .everything()
        .tls10_only()
        .start();
    let report = enumerate(&server);

    assert_protocols(&report, &["TLSv1.0"]);
    let expected = everything_for_rsa("-tls1");
    assert_eq!(expected.len(), 20, "OpenSSL 3.0's TLS 1.0 suites for RSA");
    assert_openssl_suites(&report, "TLSv1.0", &expected);
    assert_eq!(server_order(&report, "TLSv1.0"), Some(false));
    assert_chain_analysed_without_rustls(&report, "good.test");
    assert_eq!(array_at(&report, "/certificates/certificates").len(), 2);
    assert_handshakes_sane(&report);
    let present = [
        "protocol.tls10",
        "protocol.no-tls13",
        "cipher.null",
        "cipher.anonymous",
        "cipher.cbc-tls10",
        "cipher.no-forward-secrecy",
        "cipher.client-order",
    ];
    // cipher.no-aead is judged on TLS 1.2 and 1.3 only. Without them, the failed handshake says
    // modern clients cannot connect, and protocol.no-tls12 does not say it again.
    // dh.weak depends on OpenSSL's automatic DH size here: asserted with -dhparam below.
    let absent: Vec<&str> = all_but(&present)
        .into_iter()
        .filter(|id| *id != "dh.weak")
        .collect();
    assert_findings(&report, &present, &absent);
    // One fact, one finding: modern clients cannot connect (critical), and that is all.
    assert_eq!(severity_of(&report, "tls.handshake-failed"), "critical");
    assert_no_finding(&report, "protocol.no-tls12");
}

#[test]
fn tls11_only_server_lists_every_suite() {
    let server = OpensslServer::new("good-fullchain.pem", "good.key")
        .everything()
        .tls11_only()
        .start();
    let report = enumerate(&server);

    assert_protocols(&report, &["TLSv1.1"]);
    assert_openssl_suites(&report, "TLSv1.1", &everything_for_rsa("-tls1_1"));
    assert_chain_analysed_without_rustls(&report, "good.test");
    assert_handshakes_sane(&report);
    assert_findings(
        &report,
        &["protocol.tls11", "tls.handshake-failed", "cipher.null"],
        &["protocol.tls10", "cipher.cbc-tls10", "protocol.sslv3"],
    );
}

#[test]
fn tls12_only_server_lists_every_suite() {
    let server = OpensslServer::new("good-fullchain.pem", "good.key")
        .everything()
        .tls12_only()
        .start();
    let report = enumerate(&server);

    assert_protocols(&report, &["TLSv1.2"]);
    let expected = everything_for_rsa("-tls1_2");
    assert_eq!(expected.len(), 61, "OpenSSL 3.0's TLS 1.2 suites for RSA");
    assert_openssl_suites(&report, "TLSv1.2", &expected);
    assert_eq!(server_order(&report, "TLSv1.2"), Some(false));
    // rustls connects (ECDHE-RSA-AES-GCM is among them).
    assert_at(&report, "/tls/status", "ok");
    assert_eq!(
        group_names(&report),
        names(&[&OPENSSL_DEFAULT_CURVES]),
        "TLS 1.2 curves from the ECDHE ServerKeyExchange"
    );
    assert_at(&report, "/enumeration/groups_probed_with", "tls1.2");
    assert_handshakes_sane(&report);
    assert_findings(
        &report,
        &[
            "protocol.no-tls13",
            "cipher.null",
            "cipher.anonymous",
            "cipher.no-forward-secrecy",
        ],
        &[
            "protocol.tls10",
            "protocol.tls11",
            "protocol.no-tls12",
            "cipher.cbc-tls10",
            "cipher.no-aead",
            "cipher.rc4",
            "cipher.3des",
        ],
    );
}

#[test]
fn dhe_with_a_1024_bit_group_reports_dh_bits_and_dh_weak() {
    let server = OpensslServer::new("good-fullchain.pem", "good.key")
        .everything()
        .without_tls13()
        .dh_params(&dh1024_params())
        .start();
    let report = enumerate(&server);

    assert_protocols(&report, &["TLSv1.0", "TLSv1.1", "TLSv1.2"]);
    for (version, flag) in [
        ("TLSv1.0", "-tls1"),
        ("TLSv1.1", "-tls1_1"),
        ("TLSv1.2", "-tls1_2"),
    ] {
        assert_openssl_suites(&report, version, &everything_for_rsa(flag));
        let mut dhe = 0;
        for suite in suites(&report, version) {
            match suite["key_exchange"].as_str() {
                Some("DHE" | "DH_anon") => {
                    dhe += 1;
                    assert_eq!(suite["dh_bits"], 1024, "{suite}");
                }
                Some("ECDHE" | "ECDH_anon") => {
                    assert_eq!(suite["dh_bits"], Value::Null, "{suite}");
                    assert!(suite["ecdh_group"].is_string(), "{suite}");
                }
                _ => assert_eq!(suite["dh_bits"], Value::Null, "{suite}"),
            }
        }
        assert!(dhe >= 8, "{version}: {dhe} DHE suites\n{}", pretty(&report));
    }
    assert_finding(&report, "dh.weak");
    assert_eq!(severity_of(&report, "dh.weak"), "high");
    let dh_weak = array_at(&report, "/findings")
        .iter()
        .find(|finding| finding["id"] == "dh.weak")
        .map(|finding| finding["evidence"].to_string())
        .unwrap_or_default();
    assert!(dh_weak.contains("1024"), "evidence {dh_weak}");
    assert_handshakes_sane(&report);
}

#[test]
fn cbc_only_server_has_no_aead_and_cbc_over_tls10() {
    let server = OpensslServer::new("good-fullchain.pem", "good.key")
        .cipher("AES128-SHA:AES256-SHA256:ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA384")
        .security_level(0)
        .without_tls13()
        .start();
    let report = enumerate(&server);

    assert_protocols(&report, &["TLSv1.0", "TLSv1.1", "TLSv1.2"]);
    let sha1_suites = [
        "TLS_RSA_WITH_AES_128_CBC_SHA",
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    ];
    assert_suite_names(&report, "TLSv1.0", &sha1_suites);
    assert_suite_names(&report, "TLSv1.1", &sha1_suites);
    assert_suite_names(
        &report,
        "TLSv1.2",
        &[
            "TLS_RSA_WITH_AES_128_CBC_SHA",
            "TLS_RSA_WITH_AES_256_CBC_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
            "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
        ],
    );
    for version in ["TLSv1.0", "TLSv1.1", "TLSv1.2"] {
        for suite in suites(&report, version) {
            assert_eq!(suite["cbc"], true, "{suite}");
            assert_eq!(suite["aead"], false, "{suite}");
        }
    }
    // rustls has no CBC suite: the chain comes from the raw handshake.
    assert_chain_analysed_without_rustls(&report, "good.test");
    assert_handshakes_sane(&report);
    assert_findings(
        &report,
        &[
            "cipher.no-aead",
            "cipher.cbc-tls10",
            "protocol.tls10",
            "protocol.tls11",
            "cipher.no-forward-secrecy",
            "cipher.client-order",
        ],
        &[
            "cipher.null",
            "cipher.anonymous",
            "cipher.rc4",
            "cipher.3des",
            "protocol.no-tls12",
        ],
    );
    assert_eq!(severity_of(&report, "cipher.no-forward-secrecy"), "medium");
}

#[test]
fn static_rsa_only_server_has_no_forward_secrecy_at_all() {
    let cipher_string = "kRSA:!eNULL";
    let server = OpensslServer::new("good-fullchain.pem", "good.key")
        .cipher(cipher_string)
        .security_level(0)
        .without_tls13()
        .start();
    let report = enumerate(&server);

    assert_protocols(&report, &["TLSv1.0", "TLSv1.1", "TLSv1.2"]);
    let with_level = format!("{cipher_string}:@SECLEVEL=0");
    for (version, flag) in [
        ("TLSv1.0", "-tls1"),
        ("TLSv1.1", "-tls1_1"),
        ("TLSv1.2", "-tls1_2"),
    ] {
        let expected = openssl_suites(flag, &with_level);
        assert!(expected.iter().all(|suite| suite.key_exchange == "RSA"));
        assert_openssl_suites(&report, version, &expected);
        for suite in suites(&report, version) {
            assert_eq!(suite["key_exchange"], "RSA", "{suite}");
            assert_eq!(suite["forward_secrecy"], false, "{suite}");
        }
    }
    // No ECDHE suite accepted: no curves to learn.
    assert_eq!(array_at(&report, "/enumeration/groups").len(), 0);
    assert_handshakes_sane(&report);
    assert_finding(&report, "cipher.no-forward-secrecy");
    assert_eq!(severity_of(&report, "cipher.no-forward-secrecy"), "high");
    assert_no_finding(&report, "dh.weak");
}

/// A list whose order differs from OpenSSL's default ranking, so "server order" and "client
/// order" give different picks.
const ORDERED_TLS12: &str =
    "AES128-SHA:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256";
const ORDERED_TLS13: &str = "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256";

#[test]
fn server_preference_is_detected_with_the_servers_order() {
    let server = OpensslServer::new("good-fullchain.pem", "good.key")
        .cipher(ORDERED_TLS12)
        .security_level(0)
        .arg("-ciphersuites")
        .arg(ORDERED_TLS13)
        .dh_params(&dh1024_params())
        .server_preference()
        .start();
    let report = enumerate(&server);

    assert_protocols(&report, &["TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"]);
    assert_eq!(server_order(&report, "TLSv1.2"), Some(true));
    assert_eq!(
        suite_names(&report, "TLSv1.2"),
        [
            "TLS_RSA_WITH_AES_128_CBC_SHA",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        ],
        "the server's order\n{}",
        pretty(&report)
    );
    assert_eq!(server_order(&report, "TLSv1.3"), Some(true));
    assert_eq!(
        suite_names(&report, "TLSv1.3"),
        ["TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256"]
    );
    // One suite in TLS 1.0/1.1: no order to speak of.
    assert_suite_names(&report, "TLSv1.0", &["TLS_RSA_WITH_AES_128_CBC_SHA"]);
    assert_eq!(server_order(&report, "TLSv1.0"), None);
    assert_no_finding(&report, "cipher.client-order");
    assert_handshakes_sane(&report);

    // The same server without -serverpref lets the client choose.
    let client_order = OpensslServer::new("good-fullchain.pem", "good.key")
        .cipher(ORDERED_TLS12)
        .security_level(0)
        .arg("-ciphersuites")
        .arg(ORDERED_TLS13)
        .dh_params(&dh1024_params())
        .start();
    let report = enumerate(&client_order);
    assert_eq!(server_order(&report, "TLSv1.2"), Some(false));
    assert_eq!(server_order(&report, "TLSv1.3"), Some(false));
    assert_finding(&report, "cipher.client-order");
}

// ---------------------------------------------------------------------------------------------
// nginx

/// What nginx serves of `cipher_string` for `version_flag`: no DHE without `ssl_dhparam`.
fn nginx_suites(version_flag: &str, cipher_string: &str) -> Vec<OpensslSuite> {
    openssl_suites(version_flag, cipher_string)
        .into_iter()
        .filter(servable_with_rsa_certificate)
        .filter(|suite| suite.key_exchange != "DH")
        .collect()
}

#[test]
fn seed_style_nginx_lists_its_suites_in_its_own_order() {
    let nginx = NginxServer::seed_legacy().start();
    let report = enumerate_port(nginx.https_port, &[]);

    assert_protocols(&report, &["TLSv1.0", "TLSv1.1", "TLSv1.2"]);
    for (version, flag) in [
        ("TLSv1.0", "-tls1"),
        ("TLSv1.1", "-tls1_1"),
        ("TLSv1.2", "-tls1_2"),
    ] {
        let expected = nginx_suites(flag, SEED_CIPHERS);
        assert_openssl_suites(&report, version, &expected);
        assert_eq!(server_order(&report, version), Some(true), "{version}");
        // ssl_prefer_server_ciphers on: the configured order, as OpenSSL reads the string.
        let order: Vec<String> = expected.iter().map(|suite| suite.name.clone()).collect();
        let reported: Vec<String> = suites(&report, version)
            .iter()
            .map(|suite| {
                suite["openssl_name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect();
        assert_eq!(reported, order, "{version} order\n{}", pretty(&report));
    }
    assert_eq!(suite_codes(&report, "TLSv1.2").len(), 15);
    assert_eq!(group_names(&report), names(&[&OPENSSL_DEFAULT_CURVES]));
    // rustls connects with TLS 1.2 and an ECDHE-GCM suite.
    assert_at(&report, "/tls/status", "ok");
    assert_handshakes_sane(&report);
    let present = [
        "protocol.tls10",
        "protocol.tls11",
        "protocol.no-tls13",
        "cipher.cbc-tls10",
        "cipher.no-forward-secrecy",
    ];
    assert_findings(&report, &present, &all_but(&present));
}

#[test]
fn modern_nginx_has_no_protocol_or_cipher_findings() {
    let nginx = NginxServer::modern().start();
    let report = enumerate_port(nginx.https_port, &[]);

    assert_protocols(&report, &["TLSv1.2", "TLSv1.3"]);
    assert_openssl_suites(&report, "TLSv1.2", &nginx_suites("-tls1_2", HOW_TO_CIPHERS));
    assert_suite_names(
        &report,
        "TLSv1.2",
        &[
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        ],
    );
    assert_suite_names(
        &report,
        "TLSv1.3",
        &[
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
        ],
    );
    assert_eq!(server_order(&report, "TLSv1.2"), Some(true));
    assert_at(&report, "/enumeration/groups_probed_with", "tls1.3");
    assert_eq!(
        group_names(&report),
        names(&[&OPENSSL_DEFAULT_CURVES, &OPENSSL_DEFAULT_FFDHE])
    );
    assert_handshakes_sane(&report);
    assert_no_finding_in(&report, &["protocol.", "cipher.", "dh.", "scan."]);
}

// ---------------------------------------------------------------------------------------------
// tlslite-ng: SSLv3, RC4, 3DES

/// What the lab's tlslite-ng server accepts at every version it speaks.
const TLSLITE_SUITES: [&str; 7] = [
    "TLS_RSA_WITH_RC4_128_MD5",
    "TLS_RSA_WITH_RC4_128_SHA",
    "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
    "TLS_RSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
    "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
];

#[test]
fn tlslite_server_speaks_sslv3_with_rc4_and_3des() {
    let server = TlsliteServer::new().start();
    let report = enumerate(&server);

    assert_protocols(&report, &["SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2"]);
    for version in ["SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2"] {
        assert_suite_names(&report, version, &TLSLITE_SUITES);
        // tlslite-ng picks by its own order.
        assert_eq!(server_order(&report, version), Some(true), "{version}");
    }
    // No AEAD suite, so rustls cannot connect; the chain comes from the raw handshake.
    assert_chain_analysed_without_rustls(&report, "good.test");
    assert_handshakes_sane(&report);
    let present = [
        "protocol.sslv3",
        "protocol.tls10",
        "protocol.tls11",
        "protocol.no-tls13",
        "cipher.rc4",
        "cipher.3des",
        "cipher.cbc-tls10",
        "cipher.no-forward-secrecy",
        "cipher.no-aead",
    ];
    assert_findings(&report, &present, &all_but(&present));
}

#[test]
fn sslv3_only_rc4_server_still_gets_its_chain_analysed() {
    let server = TlsliteServer::new()
        .versions("ssl3", "ssl3")
        .ciphers("rc4")
        .key_exchange("rsa")
        .start();
    let report = enumerate(&server);

    assert_protocols(&report, &["SSLv3"]);
    assert_suite_names(
        &report,
        "SSLv3",
        &["TLS_RSA_WITH_RC4_128_MD5", "TLS_RSA_WITH_RC4_128_SHA"],
    );
    // The legacy client speaks SSLv3, but offers extended_master_secret as browsers do, which
    // tlslite-ng 0.8.2 accepts for SSLv3 and then fails on (tests/legacy_client.rs reaches this
    // server without it): no connection, and the chain from the raw handshake.
    assert_chain_analysed_without_a_connection(&report, "good.test");
    assert_handshakes_sane(&report);
    let present = [
        "protocol.sslv3",
        "protocol.no-tls13",
        "cipher.rc4",
        "cipher.no-forward-secrecy",
    ];
    assert_findings(&report, &present, &all_but(&present));
}

/// RFC 8446 section 4.2.7: groups in the obsolete_RESERVED ranges "MUST NOT be offered or
/// negotiated by TLS 1.3 implementations".
fn obsolete_in_tls13(code: u16) -> bool {
    matches!(code, 0x0001..=0x0016 | 0x001A..=0x001C | 0xFF01..=0xFF02)
}

/// tlslite-ng enforces RFC 8446's group rule: a ClientHello that offers only TLS 1.3 and lists a
/// group from the obsolete ranges (brainpoolP256r1, secp256k1, sect571r1, ...) gets a fatal
/// illegal_parameter alert. A TLS 1.3 probe that offers such groups sees that alert and
/// concludes "TLS 1.3 not accepted" about a server that rustls just reached with TLS 1.3.
#[test]
fn tls13_server_enforcing_rfc8446_group_rules_is_found_with_its_groups() {
    let server = TlsliteServer::modern().start();
    let report = enumerate(&server);

    // rustls reaches it with TLS 1.3 ...
    assert_at(&report, "/tls/status", "ok");
    assert_at(&report, "/tls/protocol", "TLSv1.3");
    // ... and so must the enumeration.
    assert_protocols(&report, &["TLSv1.2", "TLSv1.3"]);
    assert_suite_names(
        &report,
        "TLSv1.3",
        &[
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
        ],
    );
    assert_suite_names(
        &report,
        "TLSv1.2",
        &[
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        ],
    );
    assert_at(&report, "/enumeration/groups_probed_with", "tls1.3");
    let groups = array_at(&report, "/enumeration/groups");
    for group in groups {
        let code = parse_code(group["code"].as_str().unwrap_or_default());
        assert!(
            !obsolete_in_tls13(code),
            "a TLS 1.3 server cannot have negotiated {group}\n{}",
            pretty(&report)
        );
    }
    for expected in ["x25519", "secp256r1", "secp384r1", "secp521r1", "x448"] {
        assert!(
            group_names(&report).contains(expected),
            "TLS 1.3 groups lack {expected}\n{}",
            pretty(&report)
        );
    }
    assert_handshakes_sane(&report);
    assert_no_finding_in(&report, &["protocol.", "cipher.", "dh.", "scan."]);
}

// ---------------------------------------------------------------------------------------------
// Scripted servers: SSLv2 and export suites

#[test]
fn sslv2_server_is_found_with_its_cipher_kinds_and_certificate() {
    let server = start_sslv2_server("good.pem");
    let report = enumerate(&server);

    assert_protocols(&report, &["SSLv2"]);
    assert_suite_names(
        &report,
        "SSLv2",
        &[
            "SSL_CK_RC4_128_WITH_MD5",
            "SSL_CK_DES_192_EDE3_CBC_WITH_MD5",
            "SSL_CK_RC4_128_EXPORT40_WITH_MD5",
        ],
    );
    assert_eq!(server_order(&report, "SSLv2"), None);
    assert_chain_analysed_without_a_connection(&report, "good.test");
    assert_handshakes_sane(&report);
    let present = [
        "protocol.sslv2",
        "protocol.no-tls13",
        "cipher.export",
        "cipher.rc4",
        "cipher.3des",
        "cipher.no-forward-secrecy",
    ];
    assert_findings(&report, &present, &all_but(&present));
    assert_eq!(severity_of(&report, "protocol.sslv2"), "critical");
}

#[test]
fn export_server_is_found_and_offer_and_remove_terminates() {
    let server = start_export_server("good-fullchain.pem", "good.key");
    let report = enumerate(&server);

    assert_protocols(&report, &["TLSv1.0"]);
    assert_suite_names(
        &report,
        "TLSv1.0",
        &[
            "TLS_RSA_EXPORT_WITH_RC4_40_MD5",
            "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5",
            "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA",
        ],
    );
    for suite in suites(&report, "TLSv1.0") {
        assert_eq!(suite["export"], true, "{suite}");
    }
    // The server answers TLS 1.1 and 1.2 hellos with a TLS 1.0 ServerHello.
    let evidence = array_at(&report, "/enumeration/protocols")
        .iter()
        .find(|protocol| protocol["version"] == "TLSv1.2")
        .map(|protocol| protocol["evidence"].to_string())
        .unwrap_or_default();
    assert!(evidence.contains("TLSv1.0"), "TLSv1.2 evidence {evidence}");
    assert_chain_analysed_without_a_connection(&report, "good.test");
    assert_handshakes_sane(&report);
    let present = [
        "protocol.tls10",
        "protocol.no-tls13",
        "cipher.export",
        "cipher.des",
        "cipher.cbc-tls10",
        "cipher.no-forward-secrecy",
        "cipher.client-order",
        "cipher.rc4",
    ];
    assert_findings(&report, &present, &all_but(&present));
    assert_eq!(severity_of(&report, "cipher.export"), "critical");
}

// ---------------------------------------------------------------------------------------------
// --quick, and hostile servers

#[test]
fn quick_skips_the_enumeration() {
    let server = OpensslServer::new("good-fullchain.pem", "good.key")
        .everything()
        .tls10_only()
        .start();
    let mut args = scan_args_for("good.test", &server);
    args.extend(["--no-http".to_string(), "--quick".to_string()]);
    let report = scan_json(&args);
    assert_at(&report, "/enumeration/status", "skipped");
    assert_no_finding_in(&report, &["protocol.", "cipher.", "dh."]);
}

#[test]
fn silent_server_does_not_hang_the_enumeration_beyond_the_timeout() {
    let silent = HostileServer::start(Hostility::Silent);
    let started = Instant::now();
    let (output, report) = scan([
        format!("127.0.0.1:{}", silent.port).as_str(),
        "--no-http",
        "--timeout",
        "1",
    ]);
    let elapsed = started.elapsed();

    // Six versions, each one exchange bounded by the timeout, five connections at a time, in
    // parallel with the rustls handshake: a few timeouts long, never a hang.
    assert!(
        elapsed < Duration::from_secs(6),
        "took {elapsed:?} with --timeout 1\n{output}"
    );
    // No answer to any probe: the target could not be scanned (exit 3), and nothing is
    // concluded from the silence.
    assert_eq!(output.code, 3, "{output}");
    assert_at(&report, "/unreachable/kind", "timeout");
    assert_no_finding(&report, "tls.handshake-failed");
    let protocols = array_at(&report, "/enumeration/protocols");
    assert_eq!(protocols.len(), VERSIONS.len());
    for protocol in protocols {
        assert_eq!(
            protocol["accepted"],
            Value::Null,
            "unknown, not refused: {protocol}"
        );
        assert_eq!(protocol["error"]["kind"], "timeout", "{protocol}\n{output}");
    }
}

#[test]
fn resetting_server_is_reported_as_resets_not_refusals() {
    let resetting = HostileServer::start(Hostility::Reset);
    let started = Instant::now();
    let (output, report) = scan([
        format!("127.0.0.1:{}", resetting.port).as_str(),
        "--no-http",
        "--timeout",
        "2",
    ]);
    let elapsed = started.elapsed();

    assert!(
        elapsed < Duration::from_secs(6),
        "took {elapsed:?} with --timeout 2\n{output}"
    );
    let protocols = array_at(&report, "/enumeration/protocols");
    for protocol in protocols {
        assert_eq!(
            protocol["accepted"],
            Value::Null,
            "unknown, not refused: {protocol}"
        );
        assert_eq!(protocol["error"]["kind"], "reset", "{protocol}\n{output}");
    }
    // One retry on a reset: two connections per version, no more.
    let handshakes = i64_at(&report, "/enumeration/handshakes");
    assert_eq!(handshakes, 2 * VERSIONS.len() as i64, "{output}");
    assert_eq!(output.code, 3, "could not be scanned\n{output}");
    assert_at(&report, "/unreachable/kind", "reset");
}
