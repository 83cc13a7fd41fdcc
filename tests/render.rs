//! The renderers, from a fixed record: expected output for the table and the JSON (rewritten
//! with `TLSCHECK_BLESS=1 cargo test --test render`), and the table's marks following the
//! findings, not judgements of its own.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use tlscheck::analysis::{ExpiryThresholds, FindingId, Severity};
use tlscheck::facts::hsts::parse_hsts;
use tlscheck::facts::*;
use tlscheck::policy::nagios::UnreachableState;
use tlscheck::policy::{assess, Policy};
use tlscheck::remediation::Server;
use tlscheck::report::{self, FixFor, Format, Record, RenderOptions, Renderer, SummaryRow};
use tlscheck::tls::suites::by_code;
use tlscheck::x509::chain::analyse_chain;

/// 2027-01-15T08:00:00Z.
const NOW: i64 = 1_800_000_000;

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn suite(code: u16, dh_bits: Option<u32>, ecdh_group: Option<u16>) -> SuiteFacts {
    SuiteFacts::of(by_code(code).expect("known suite"), dh_bits, ecdh_group)
}

fn accepted(version: ProtocolVersion, cipher_suite: u16) -> ProtocolFacts {
    ProtocolFacts {
        version,
        support: Support::Accepted(Reply::ServerHello {
            version: version.wire(),
            cipher_suite,
        }),
    }
}

fn refused(version: ProtocolVersion, alert: u8) -> ProtocolFacts {
    ProtocolFacts {
        version,
        support: Support::Refused(Reply::Alert(alert)),
    }
}

/// A TLS 1.0-1.3 server with a 3DES suite, a good chain, a temporary redirect and a short
/// HSTS max-age; TLS 1.1 unknown after a timeout.
fn facts() -> HostFacts {
    let pem = std::fs::read(repo("testdata/certs/good-fullchain.pem")).expect("fixture");
    let chain: Vec<Vec<u8>> = CertificateDer::pem_slice_iter(&pem)
        .map(|der| der.expect("PEM").as_ref().to_vec())
        .collect();
    let root = std::fs::read(repo("testdata/certs/root.pem")).expect("fixture");
    let root = CertificateDer::from_pem_slice(&root).expect("root");
    let anchor = webpki::anchor_from_trusted_cert(&root).expect("anchor");
    let trust = TrustFacts {
        trusted: true,
        publicly_trusted: false,
        store: "webpki-roots + root.pem".into(),
        failure: None,
    };
    let chain =
        analyse_chain(&chain, &[anchor.subject.as_ref()], trust, "good.test", NOW).expect("chain");
    let target = TargetFacts {
        input: "good.test".into(),
        host: "good.test".into(),
        port: 443,
        sni: Some("good.test".into()),
        path: "/".into(),
        http_url: Some("http://good.test/".into()),
        addresses: vec![IpAddr::from([127, 0, 0, 1])],
        connected_to: Some(SocketAddr::from(([127, 0, 0, 1], 443))),
    };
    let timeout = ProbeError::new(
        ErrorKind::Timeout(Duration::from_secs(10)),
        Step::Handshake,
        "",
    );
    let mut facts = HostFacts::unscanned(target, NOW, Duration::from_secs(120));
    facts.duration = Duration::from_millis(42);
    facts.connection = Outcome::Ok(ConnectionFacts {
        client: tlscheck::facts::HandshakeClient::Rustls,
        strict_client_failure: None,
        protocol: 0x0304,
        cipher_suite: 0x1302,
        key_exchange_group: Some(0x001D),
        alpn: Some("http/1.1".into()),
        tcp_connect: Duration::from_micros(400),
        handshake: Duration::from_micros(1_700),
        ocsp_stapled_bytes: None,
        signature_failure: None,
    });
    facts.chain = Some(chain);
    facts.client_auth = Some(ClientAuthFacts {
        requested: false,
        ca_names: vec![],
        presented: false,
        required: Some(false),
        accepted: None,
        refusal: None,
    });
    facts.https = Outcome::Ok(HttpsResponseFacts {
        url: "https://good.test/".into(),
        status_code: 200,
        location: None,
        server: Some("nginx".into()),
        hsts: Some(parse_hsts("max-age=3600")),
    });
    facts.redirect = Outcome::Ok(RedirectFacts {
        start_url: "http://good.test/".into(),
        hops: vec![RedirectHop {
            url: "http://good.test/".into(),
            status_code: 302,
            location: Some("https://good.test/".into()),
            next: Some("https://good.test/".into()),
            next_is_https: true,
            same_host: true,
        }],
        end: RedirectEnd::ReachedHttps,
    });
    facts.enumeration = Outcome::Ok(EnumerationFacts {
        protocols: vec![
            refused(ProtocolVersion::Ssl2, 70),
            refused(ProtocolVersion::Ssl3, 40),
            accepted(ProtocolVersion::Tls10, 0xC013),
            ProtocolFacts {
                version: ProtocolVersion::Tls11,
                support: Support::Unknown(timeout),
            },
            accepted(ProtocolVersion::Tls12, 0xC02F),
            accepted(ProtocolVersion::Tls13, 0x1302),
        ],
        cipher_suites: vec![
            VersionSuites {
                version: ProtocolVersion::Tls10,
                server_order: Some(true),
                suites: vec![suite(0xC013, None, Some(0x001D)), suite(0x000A, None, None)],
                incomplete: None,
            },
            VersionSuites {
                version: ProtocolVersion::Tls12,
                server_order: Some(true),
                suites: vec![
                    suite(0xC02F, None, Some(0x001D)),
                    suite(0x009E, Some(2048), None),
                ],
                incomplete: None,
            },
            VersionSuites {
                version: ProtocolVersion::Tls13,
                server_order: None,
                suites: vec![suite(0x1302, None, None)],
                incomplete: None,
            },
        ],
        groups: vec![0x001D, 0x0017],
        groups_probed_with: Some(ProtocolVersion::Tls13),
        groups_server_order: Some(true),
        handshakes: 17,
        duration: Duration::from_millis(30),
        max_connections: 5,
    });
    facts
}

fn options(color: bool) -> RenderOptions {
    RenderOptions {
        color,
        width: 100,
        fix_for: FixFor::Server(Server::Nginx),
        fail_on: Severity::High,
        anchor: None,
        policy: "mozilla-intermediate@6.0".into(),
        expiry: ExpiryThresholds::default(),
        unreachable: UnreachableState::Critical,
    }
}

fn record(policy: &Policy) -> Record {
    let facts = facts();
    let assessment = assess(&facts, policy);
    Record { facts, assessment }
}

fn table(record: &Record, color: bool) -> String {
    let Renderer::PerRecord(renderer) = report::renderer(Format::Table, options(color)) else {
        panic!("the table renders per record");
    };
    let mut bytes = renderer.record(record).expect("render");
    bytes.extend(
        renderer
            .finish(&[SummaryRow::of(record), SummaryRow::of(record)])
            .expect("summary"),
    );
    String::from_utf8(bytes).expect("UTF-8")
}

#[track_caller]
fn assert_expected(actual: &str, file: &str) {
    let path = repo(file);
    if std::env::var_os("TLSCHECK_BLESS").is_some() {
        std::fs::write(&path, actual).expect("write expected output");
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        expected == actual,
        "{file} differs (TLSCHECK_BLESS=1 cargo test --test render rewrites it):\n{actual}"
    );
}

#[test]
fn the_table_renders_a_record_as_expected() {
    let record = record(&Policy::default());
    let ids: Vec<&str> = record
        .assessment
        .findings
        .iter()
        .map(|f| f.id.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "policy.cipher-suites",
            "policy.tls-versions",
            "cipher.3des",
            "cipher.no-forward-secrecy",
            "protocol.tls10",
            "cipher.cbc-tls10",
            "hsts.short-max-age",
            "http.redirect-temporary",
            "policy.certificate-lifespan",
            "policy.hsts-min-age",
            "policy.server-order",
            "scan.inconclusive"
        ]
    );
    assert_expected(&table(&record, false), "testdata/render/table.txt");
}

#[test]
fn the_json_renders_a_record_as_expected() {
    let record = record(&Policy::default());
    let Renderer::WholeRun(renderer) = report::renderer(Format::Json, options(false)) else {
        panic!("JSON renders the whole run");
    };
    let json = String::from_utf8(renderer.render(&[record]).expect("render")).expect("UTF-8");
    assert_expected(&json, "testdata/render/report.json");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo("src/report/wire/report.schema.json")).expect("schema"),
    )
    .expect("schema is JSON");
    let document: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&document)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn a_cell_is_marked_because_a_finding_points_at_it() {
    const RED: &str = "\u{1b}[38;5;9m";
    let line_of = |text: &str, needle: &str| {
        text.lines()
            .find(|line| line.contains(needle))
            .unwrap_or_else(|| panic!("no line with {needle}:\n{text}"))
            .to_string()
    };
    let default = table(&record(&Policy::default()), true);
    let des_line = line_of(&default, "DES-CBC3-SHA");
    assert!(des_line.contains(RED), "3DES is not marked: {des_line:?}");
    // The same facts with cipher.3des lowered to info: the suite is no longer marked (the
    // static-RSA finding, which also points at it, is lowered too).
    let lenient = Policy {
        overrides: vec![
            (FindingId::Cipher3des, Severity::Info),
            (FindingId::CipherNoForwardSecrecy, Severity::Info),
            (FindingId::CipherCbcTls10, Severity::Info),
        ],
        ..Policy::default()
    };
    let lowered = table(&record(&lenient), true);
    let des_line = line_of(&lowered, "DES-CBC3-SHA");
    assert!(!des_line.contains(RED), "3DES still marked: {des_line:?}");
}

#[test]
fn the_ci_formats_render_a_record_as_expected() {
    let record = record(&Policy::default());
    for (format, file) in [
        (Format::Junit, "testdata/render/report.xml"),
        (Format::Sarif, "testdata/render/report.sarif"),
        (Format::Markdown, "testdata/render/report.md"),
    ] {
        let Renderer::WholeRun(renderer) = report::renderer(format, options(false)) else {
            panic!("{format:?} renders the whole run");
        };
        let bytes = renderer
            .render(std::slice::from_ref(&record))
            .expect("render");
        assert_expected(&String::from_utf8(bytes).expect("UTF-8"), file);
    }
}
