//! `--format prometheus`: the exposition of records built from fixture facts (names, labels,
//! escaping, grouping, what is left out and why), and of real scans of nginx, an expired
//! certificate and a closed port, each checked by `promtool check metrics`.

mod common;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use common::*;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use tlscheck::facts::*;
use tlscheck::policy::{assess, Policy};
use tlscheck::report::prometheus::{PrometheusRenderer, TargetLabel};
use tlscheck::report::{Record, RunRenderer};
use tlscheck::tls::suites::by_code;
use tlscheck::x509::chain::analyse_chain;

/// 2027-01-15T08:00:00Z.
const NOW: i64 = 1_800_000_000;
/// Not after of testdata/certs/expired.pem: 2021-01-01T00:00:00Z (testdata/certs/generate.sh).
const EXPIRED_NOT_AFTER: f64 = 1_609_459_200.0;

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn chain_of(fixture: &str, name: &str, trusted: bool, now: i64) -> ChainFacts {
    let pem = std::fs::read(repo(&format!("testdata/certs/{fixture}"))).expect("fixture");
    let chain: Vec<Vec<u8>> = CertificateDer::pem_slice_iter(&pem)
        .map(|der| der.expect("PEM").as_ref().to_vec())
        .collect();
    let root = std::fs::read(repo("testdata/certs/root.pem")).expect("fixture");
    let root = CertificateDer::from_pem_slice(&root).expect("root");
    let anchor = webpki::anchor_from_trusted_cert(&root).expect("anchor");
    let trust = TrustFacts {
        trusted,
        publicly_trusted: false,
        store: "webpki-roots + root.pem".into(),
        failure: (!trusted).then_some(CertificateFailure::Expired { not_after: None }),
    };
    analyse_chain(&chain, &[anchor.subject.as_ref()], trust, name, now).expect("chain")
}

fn suite(code: u16) -> SuiteFacts {
    SuiteFacts::of(by_code(code).expect("known suite"), None, None)
}

fn protocol(version: ProtocolVersion, support: Support) -> ProtocolFacts {
    ProtocolFacts { version, support }
}

fn hello(version: ProtocolVersion, cipher_suite: u16) -> Support {
    Support::Accepted(Reply::ServerHello {
        version: version.wire(),
        cipher_suite,
    })
}

/// TLS 1.0, 1.2 and 1.3 accepted with a 3DES suite among them, TLS 1.1 unknown after a timeout,
/// SSLv2 and SSLv3 refused; the good chain, trusted; TLS 1.3 negotiated.
fn facts(input: &str) -> HostFacts {
    let target = TargetFacts {
        input: input.into(),
        host: "good.test".into(),
        port: 443,
        sni: Some("good.test".into()),
        path: "/".into(),
        http_url: None,
        addresses: vec![IpAddr::from([127, 0, 0, 1])],
        connected_to: Some(SocketAddr::from(([127, 0, 0, 1], 443))),
    };
    let mut facts = HostFacts::unscanned(target, NOW, Duration::from_secs(120));
    facts.duration = Duration::from_millis(42);
    facts.connection = Outcome::Ok(ConnectionFacts {
        client: tlscheck::facts::HandshakeClient::Rustls,
        strict_client_failure: None,
        protocol: 0x0304,
        cipher_suite: 0x1302,
        key_exchange_group: Some(0x001D),
        alpn: None,
        tcp_connect: Duration::from_micros(400),
        handshake: Duration::from_micros(1_700),
        ocsp_stapled_bytes: Some(1_400),
        signature_failure: None,
    });
    facts.chain = Some(chain_of("good-fullchain.pem", "good.test", true, NOW));
    facts.redirect = Outcome::Skipped(Skip::NoHttp);
    let timeout = ProbeError::new(
        ErrorKind::Timeout(Duration::from_secs(10)),
        Step::Handshake,
        "",
    );
    facts.enumeration = Outcome::Ok(EnumerationFacts {
        protocols: vec![
            protocol(ProtocolVersion::Ssl2, Support::Refused(Reply::Alert(70))),
            protocol(ProtocolVersion::Ssl3, Support::Refused(Reply::Alert(40))),
            protocol(
                ProtocolVersion::Tls10,
                hello(ProtocolVersion::Tls10, 0xC013),
            ),
            protocol(ProtocolVersion::Tls11, Support::Unknown(timeout)),
            protocol(
                ProtocolVersion::Tls12,
                hello(ProtocolVersion::Tls12, 0xC02F),
            ),
            protocol(
                ProtocolVersion::Tls13,
                hello(ProtocolVersion::Tls13, 0x1302),
            ),
        ],
        cipher_suites: vec![
            VersionSuites {
                version: ProtocolVersion::Tls10,
                server_order: Some(true),
                suites: vec![suite(0xC013), suite(0x000A)],
                incomplete: None,
            },
            VersionSuites {
                version: ProtocolVersion::Tls12,
                server_order: Some(true),
                suites: vec![suite(0xC02F), suite(0x000A)],
                incomplete: None,
            },
            VersionSuites {
                version: ProtocolVersion::Tls13,
                server_order: None,
                suites: vec![suite(0x1302)],
                incomplete: None,
            },
        ],
        groups: vec![0x001D],
        groups_probed_with: Some(ProtocolVersion::Tls13),
        groups_server_order: None,
        handshakes: 17,
        duration: Duration::from_millis(30),
        max_connections: 5,
    });
    facts
}

fn record(facts: HostFacts) -> Record {
    let assessment = assess(&facts, &Policy::default());
    Record { facts, assessment }
}

fn unreachable(input: &str) -> Record {
    let mut facts = facts(input);
    facts.chain = None;
    facts.mark_unreachable(ProbeError::new(ErrorKind::Refused, Step::Connect, ""));
    record(facts)
}

fn render(records: &[Record]) -> String {
    String::from_utf8(PrometheusRenderer::new().render(records).expect("render")).expect("UTF-8")
}

/// The leaf's fingerprint and serial as blackbox_exporter writes them, from openssl.
fn blackbox_identity(fixture: &str) -> (String, String) {
    let fingerprint = openssl_sha256_fingerprint(fixture)
        .replace(':', "")
        .to_lowercase();
    let serial = openssl_serial(fixture).to_lowercase();
    let serial = serial.trim_start_matches("00").to_string();
    (fingerprint, serial)
}

#[test]
fn blackbox_metrics_have_blackbox_names_labels_and_values() {
    let text = render(&[record(facts("good.test"))]);
    let samples = parse_exposition(&text);
    let target = [("target", "good.test")];
    assert_eq!(sample_value(&samples, "probe_success", &target), Some(1.0));
    assert_eq!(
        sample_value(&samples, "probe_duration_seconds", &target),
        Some(0.042)
    );
    assert_eq!(
        sample_value(&samples, "probe_timeout_seconds", &target),
        Some(120.0)
    );
    // Earliest over every certificate sent; the chain's is the same here (leaf, intermediate).
    let chain = chain_of("good-fullchain.pem", "good.test", true, NOW);
    let earliest = chain
        .certificates
        .iter()
        .map(|c| c.not_after)
        .min()
        .expect("certificates");
    assert_eq!(
        sample_value(&samples, "probe_ssl_earliest_cert_expiry", &target),
        Some(earliest as f64)
    );
    assert_eq!(
        sample_value(
            &samples,
            "probe_ssl_last_chain_expiry_timestamp_seconds",
            &target
        ),
        Some(earliest as f64)
    );
    let (fingerprint, serial) = blackbox_identity("good.pem");
    let info = samples_named(&samples, "probe_ssl_last_chain_info", &target);
    assert_eq!(info.len(), 1, "{text}");
    let labels: Vec<(&str, &str)> = info[0]
        .labels
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        labels,
        vec![
            ("fingerprint_sha256", fingerprint.as_str()),
            (
                "issuer",
                "CN=tlscheck Test Intermediate CA,O=tlscheck tests"
            ),
            ("serialnumber", serial.as_str()),
            ("subject", "CN=good.test"),
            // Its DNS names only, as Go's DNSNames (the IP address 127.0.0.1 is left out).
            ("subjectalternative", "good.test,www.good.test"),
            ("target", "good.test"),
        ]
    );
    assert_eq!(info[0].value, 1.0);
    assert_eq!(
        sample_value(
            &samples,
            "probe_tls_version_info",
            &[("target", "good.test"), ("version", "TLS 1.3")]
        ),
        Some(1.0)
    );
    assert_eq!(
        sample_value(
            &samples,
            "probe_tls_cipher_info",
            &[
                ("target", "good.test"),
                ("cipher", "TLS_AES_256_GCM_SHA384")
            ]
        ),
        Some(1.0)
    );
    // Blackbox_exporter's help texts, word for word.
    for line in [
        "# HELP probe_success Displays whether or not the probe was a success",
        "# TYPE probe_ssl_earliest_cert_expiry gauge",
        "# HELP probe_ssl_earliest_cert_expiry Returns last SSL chain expiry in unixtime",
        "# HELP probe_ssl_last_chain_expiry_timestamp_seconds Returns last SSL chain expiry in timestamp",
        "# HELP probe_ssl_last_chain_info Contains SSL leaf certificate information",
        "# HELP probe_tls_version_info Returns the TLS version used or NaN when unknown",
        "# HELP probe_tls_cipher_info Returns the TLS cipher negotiated during handshake",
    ] {
        assert!(text.lines().any(|l| l == line), "no {line:?} in\n{text}");
    }
}

#[test]
fn tlscheck_metrics_report_verdict_grade_findings_protocols_and_weakest_suite() {
    let record = record(facts("good.test"));
    let text = render(std::slice::from_ref(&record));
    let samples = parse_exposition(&text);
    let t = ("target", "good.test");
    let policy = ("policy", "mozilla-intermediate@6.0");
    let verdict = record.assessment.verdict.name();
    for name in ["pass", "fail", "unreachable"] {
        assert_eq!(
            sample_value(
                &samples,
                "tlscheck_verdict",
                &[t, policy, ("verdict", name)]
            ),
            Some(if name == verdict { 1.0 } else { 0.0 }),
            "{text}"
        );
    }
    let grade = record.assessment.grade.as_ref().expect("a grade");
    assert_eq!(
        sample_value(
            &samples,
            "tlscheck_grade_info",
            &[t, ("grade", &grade.display())]
        ),
        Some(1.0)
    );
    assert_eq!(
        sample_value(&samples, "tlscheck_grade_score", &[t]),
        Some(grade.score as f64)
    );
    for severity in tlscheck::analysis::Severity::ALL {
        assert_eq!(
            sample_value(
                &samples,
                "tlscheck_findings",
                &[t, ("severity", severity.as_str())]
            ),
            Some(record.assessment.count(severity) as f64),
            "{severity}"
        );
    }
    assert!(record.assessment.count(tlscheck::analysis::Severity::High) > 0);
    assert_eq!(
        sample_value(&samples, "tlscheck_findings_waived", &[t]),
        Some(0.0)
    );
    // Accepted 1, refused 0, unknown (TLS 1.1 timed out) absent: not a guess either way.
    let legacy = |version| {
        sample_value(
            &samples,
            "tlscheck_legacy_protocol_accepted",
            &[t, ("version", version)],
        )
    };
    assert_eq!(legacy("SSL 2.0"), Some(0.0));
    assert_eq!(legacy("SSL 3.0"), Some(0.0));
    assert_eq!(legacy("TLS 1.0"), Some(1.0));
    assert_eq!(legacy("TLS 1.1"), None);
    assert!(samples_named(&samples, "tlscheck_legacy_protocol_accepted", &[t]).len() == 3);
    // 3DES (112 bits) at TLS 1.0 and 1.2: the oldest version is named.
    assert_eq!(
        sample_value(
            &samples,
            "tlscheck_weakest_cipher_info",
            &[
                t,
                ("version", "TLS 1.0"),
                ("cipher", "TLS_RSA_WITH_3DES_EDE_CBC_SHA")
            ]
        ),
        Some(1.0)
    );
    assert_eq!(
        sample_value(&samples, "tlscheck_weakest_cipher_strength", &[t]),
        Some(112.0)
    );
    assert_eq!(
        sample_value(&samples, "tlscheck_ocsp_stapled", &[t]),
        Some(1.0)
    );
    assert_eq!(
        sample_value(&samples, "tlscheck_chain_trusted", &[t]),
        Some(1.0)
    );
    assert_eq!(
        sample_value(&samples, "tlscheck_hostname_match", &[t]),
        Some(1.0)
    );
    let leaf = &record.facts.chain.as_ref().expect("chain").certificates[0];
    let ratio = (leaf.not_after - NOW) as f64 / (leaf.not_after - leaf.not_before) as f64;
    let reported =
        sample_value(&samples, "tlscheck_cert_lifetime_left_ratio", &[t]).expect("ratio");
    assert!(
        (reported - ratio).abs() < 1e-9,
        "{reported} against {ratio}"
    );
    assert!(reported > 0.0 && reported < 1.0, "{reported}");
}

#[test]
fn an_expired_untrusted_chain_keeps_its_certificate_metrics() {
    let mut facts = facts("expired.test");
    facts.chain = Some(chain_of(
        "expired-fullchain.pem",
        "expired.test",
        false,
        NOW,
    ));
    let record = record(facts);
    let text = render(std::slice::from_ref(&record));
    let samples = parse_exposition(&text);
    let t = ("target", "expired.test");
    // The handshake completed: the probe succeeded, the verdict fails.
    assert_eq!(sample_value(&samples, "probe_success", &[t]), Some(1.0));
    assert_eq!(
        sample_value(&samples, "tlscheck_verdict", &[t, ("verdict", "fail")]),
        Some(1.0)
    );
    assert_eq!(
        sample_value(&samples, "probe_ssl_earliest_cert_expiry", &[t]),
        Some(EXPIRED_NOT_AFTER)
    );
    assert_eq!(
        sample_value(
            &samples,
            "probe_ssl_last_chain_expiry_timestamp_seconds",
            &[t]
        ),
        Some(EXPIRED_NOT_AFTER)
    );
    assert_eq!(
        samples_named(&samples, "probe_ssl_last_chain_info", &[t]).len(),
        1
    );
    assert_eq!(
        sample_value(&samples, "tlscheck_chain_trusted", &[t]),
        Some(0.0)
    );
    assert_eq!(
        sample_value(&samples, "tlscheck_cert_lifetime_left_ratio", &[t]),
        Some(0.0)
    );
}

#[test]
fn an_unreachable_target_fails_its_probe_and_has_no_certificate_or_finding_series() {
    let text = render(&[unreachable("closed.test")]);
    let samples = parse_exposition(&text);
    let t = ("target", "closed.test");
    assert_eq!(sample_value(&samples, "probe_success", &[t]), Some(0.0));
    assert_eq!(
        sample_value(
            &samples,
            "tlscheck_verdict",
            &[t, ("verdict", "unreachable")]
        ),
        Some(1.0)
    );
    let names: Vec<&str> = samples.iter().map(|s| s.name.as_str()).collect();
    for absent in [
        "probe_ssl_earliest_cert_expiry",
        "probe_ssl_last_chain_expiry_timestamp_seconds",
        "probe_ssl_last_chain_info",
        "probe_tls_version_info",
        "probe_tls_cipher_info",
        "tlscheck_grade_info",
        "tlscheck_findings",
        "tlscheck_legacy_protocol_accepted",
        "tlscheck_chain_trusted",
    ] {
        assert!(!names.contains(&absent), "{absent} in\n{text}");
    }
    // A family with no sample is not declared either.
    assert!(!text.contains("probe_ssl_earliest_cert_expiry"), "{text}");
}

#[test]
fn several_targets_share_each_family_and_differ_by_the_target_label() {
    let odd = "odd\"name\\with\nbreak";
    let text = render(&[
        record(facts("good.test")),
        unreachable("closed.test"),
        record(facts(odd)),
        // Given twice: written once.
        record(facts("good.test")),
    ]);
    assert_well_formed(&text);
    let samples = parse_exposition(&text);
    let success: Vec<(&str, f64)> = samples_named(&samples, "probe_success", &[])
        .iter()
        .map(|s| (s.labels["target"].as_str(), s.value))
        .collect();
    assert_eq!(
        success,
        vec![("good.test", 1.0), ("closed.test", 0.0), (odd, 1.0)]
    );
    assert!(
        text.contains("probe_success{target=\"odd\\\"name\\\\with\\nbreak\"} 1\n"),
        "{text}"
    );
    assert_promtool_accepts(&text);
}

#[test]
fn a_probe_exposition_names_no_target() {
    let bytes = PrometheusRenderer::probe()
        .render(&[record(facts("good.test"))])
        .expect("render");
    let text = String::from_utf8(bytes).expect("UTF-8");
    assert!(text.contains("\nprobe_success 1\n"), "{text}");
    assert!(!text.contains("target="), "{text}");
    assert_promtool_accepts(&text);
    let direct = tlscheck::report::prometheus::target_metrics(
        &[record(facts("good.test"))],
        TargetLabel::Omitted,
    )
    .render();
    assert_eq!(String::from_utf8(direct).expect("UTF-8"), text);
}

// ---------------------------------------------------------------------------------------------
// Real scans

/// A passing nginx, a server with an expired certificate, and a closed port.
struct Lab {
    good: NginxGuard,
    expired: ServerGuard,
    closed: u16,
}

impl Lab {
    fn start() -> Lab {
        Lab {
            good: NginxServer::well_configured().start(),
            expired: OpensslServer::new("expired-fullchain.pem", "expired.key").start(),
            closed: free_port(),
        }
    }

    fn args(&self, targets: &[&str]) -> Vec<String> {
        let mut args: Vec<String> = targets.iter().map(|t| t.to_string()).collect();
        args.extend(connect_to("good.test", 443, self.good.https_port));
        args.extend(connect_to("good.test", 80, self.good.http_port));
        args.extend(connect_to("expired.test", 443, self.expired.port()));
        args.extend(connect_to("expired.test", 80, free_port()));
        args.extend(connect_to("closed.test", 443, self.closed));
        args.extend(connect_to("closed.test", 80, self.closed));
        args.extend(
            [
                "--ca-file",
                &cert("root.pem"),
                "--format",
                "prometheus",
                "--timeout",
                "3",
            ]
            .map(String::from),
        );
        args
    }
}

#[test]
fn promtool_accepts_the_exposition_of_real_scans() {
    let lab = Lab::start();
    let output = tlscheck(lab.args(&["good.test", "expired.test", "closed.test"]));
    assert_eq!(output.code, 3, "a closed port exits 3\n{output}");
    assert_well_formed(&output.stdout);
    assert_promtool_accepts(&output.stdout);
    let samples = parse_exposition(&output.stdout);
    let success = |target| sample_value(&samples, "probe_success", &[("target", target)]);
    assert_eq!(success("good.test"), Some(1.0), "{output}");
    assert_eq!(success("expired.test"), Some(1.0), "{output}");
    assert_eq!(success("closed.test"), Some(0.0), "{output}");
    assert_eq!(
        sample_value(
            &samples,
            "probe_ssl_earliest_cert_expiry",
            &[("target", "expired.test")]
        ),
        Some(EXPIRED_NOT_AFTER)
    );
    assert!(samples_named(
        &samples,
        "probe_ssl_earliest_cert_expiry",
        &[("target", "closed.test")]
    )
    .is_empty());
    let verdict = |target, verdict| {
        sample_value(
            &samples,
            "tlscheck_verdict",
            &[("target", target), ("verdict", verdict)],
        )
    };
    assert_eq!(verdict("good.test", "pass"), Some(1.0), "{output}");
    assert_eq!(verdict("expired.test", "fail"), Some(1.0), "{output}");
    assert_eq!(verdict("closed.test", "unreachable"), Some(1.0), "{output}");
    // The nginx leaf, as blackbox_exporter would label it.
    let (fingerprint, _) = blackbox_identity("good.pem");
    assert_eq!(
        sample_value(
            &samples,
            "probe_ssl_last_chain_info",
            &[
                ("target", "good.test"),
                ("fingerprint_sha256", &fingerprint)
            ]
        ),
        Some(1.0),
        "{output}"
    );
    assert_eq!(
        sample_value(
            &samples,
            "tlscheck_legacy_protocol_accepted",
            &[("target", "good.test"), ("version", "TLS 1.0")]
        ),
        Some(0.0),
        "{output}"
    );
}

#[test]
fn the_exit_code_is_the_gate_of_every_format() {
    let lab = Lab::start();
    for (targets, expected) in [
        (&["good.test"][..], 0),
        (&["good.test", "expired.test"][..], 1),
        (&["good.test", "expired.test", "closed.test"][..], 3),
    ] {
        let output = tlscheck(lab.args(targets));
        assert_eq!(output.code, expected, "{targets:?}\n{output}");
        assert_promtool_accepts(&output.stdout);
        assert_eq!(
            samples_named(&parse_exposition(&output.stdout), "probe_success", &[]).len(),
            targets.len(),
            "{output}"
        );
    }
}

#[test]
fn the_readme_rules_and_scrape_configurations_pass_promtool() {
    let dir = tempfile::tempdir().expect("directory");
    let promtool = require_tool("promtool");
    for (block, check) in [
        ("prometheus-rules", "rules"),
        ("prometheus-scrape", "config"),
        ("prometheus-hashmod", "config"),
    ] {
        let path = dir.path().join(format!("{block}.yml"));
        std::fs::write(&path, readme_yaml(block)).expect("write");
        let output = std::process::Command::new(&promtool)
            .args(["check", check])
            .arg(&path)
            .output()
            .expect("run promtool");
        assert!(
            output.status.success(),
            "promtool check {check} on the README's {block}:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn a_server_speaking_only_tls_1_0_fails_the_probe_but_keeps_its_facts() {
    // No TLS 1.2 or 1.3 handshake completes (what a current client needs), so probe_success is
    // 0; the enumeration still read the chain and the versions.
    let server = OpensslServer::new("good-fullchain.pem", "good.key")
        .everything()
        .tls10_only()
        .start();
    let mut args = vec!["old.test".to_string()];
    args.extend(connect_to("old.test", 443, server.port()));
    args.extend(
        [
            "--no-http",
            "--ca-file",
            &cert("root.pem"),
            "--format",
            "prometheus",
        ]
        .map(String::from),
    );
    let output = tlscheck(args);
    assert_eq!(output.code, 1, "{output}");
    assert_promtool_accepts(&output.stdout);
    let samples = parse_exposition(&output.stdout);
    let t = ("target", "old.test");
    assert_eq!(
        sample_value(&samples, "probe_success", &[t]),
        Some(0.0),
        "{output}"
    );
    // tlscheck's legacy client reached it: the version is known, yet no modern client connects.
    assert_eq!(
        sample_value(
            &samples,
            "probe_tls_version_info",
            &[t, ("version", "TLS 1.0")]
        ),
        Some(1.0),
        "{output}"
    );
    let chain = chain_of("good-fullchain.pem", "good.test", true, NOW);
    let earliest = chain
        .certificates
        .iter()
        .map(|c| c.not_after)
        .min()
        .expect("certificates");
    assert_eq!(
        sample_value(&samples, "probe_ssl_earliest_cert_expiry", &[t]),
        Some(earliest as f64),
        "{output}"
    );
    assert_eq!(
        sample_value(
            &samples,
            "tlscheck_legacy_protocol_accepted",
            &[t, ("version", "TLS 1.0")]
        ),
        Some(1.0),
        "{output}"
    );
    assert_eq!(
        sample_value(&samples, "tlscheck_verdict", &[t, ("verdict", "fail")]),
        Some(1.0)
    );
}
