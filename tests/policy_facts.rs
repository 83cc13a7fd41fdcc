//! Profiles against fact fixtures: rules whose inputs no local server produces on demand (an
//! OCSP responder named in the leaf, a short-lived certificate).

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use tlscheck::facts::*;
use tlscheck::policy::{assess, Policy, Profile};
use tlscheck::x509::chain::analyse_chain;

/// 2027-01-15T08:00:00Z.
const NOW: i64 = 1_800_000_000;
const DAY: i64 = 86_400;

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// A TLS 1.3 connection to a server with the good fixture chain and no OCSP staple.
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
        store: "root.pem".into(),
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
        http_url: None,
        addresses: vec![IpAddr::from([127, 0, 0, 1])],
        connected_to: Some(SocketAddr::from(([127, 0, 0, 1], 443))),
    };
    let mut facts = HostFacts::unscanned(target, NOW, Duration::from_secs(120));
    facts.connection = Outcome::Ok(ConnectionFacts {
        protocol: 0x0304,
        cipher_suite: 0x1301,
        key_exchange_group: Some(0x001D),
        alpn: None,
        tcp_connect: Duration::from_micros(400),
        handshake: Duration::from_micros(1_700),
        ocsp_stapled_bytes: None,
        signature_failure: None,
    });
    facts.chain = Some(chain);
    facts
}

fn leaf(facts: &mut HostFacts) -> &mut CertificateFacts {
    &mut facts.chain.as_mut().expect("chain").certificates[0]
}

fn staple_findings(facts: &HostFacts) -> Vec<String> {
    let policy = Policy {
        profile: Some(Profile::builtin("mozilla-intermediate@5.7").expect("profile")),
        ..Policy::default()
    };
    assess(facts, &policy)
        .findings
        .iter()
        .filter(|finding| finding.id.as_str() == "policy.ocsp-staple")
        .map(|finding| finding.evidence.clone())
        .collect()
}

#[test]
fn an_ocsp_staple_is_required_only_where_a_responder_is_named_and_the_certificate_is_not_short_lived(
) {
    let mut named = facts();
    leaf(&mut named).ocsp_urls = vec!["http://ocsp.example.test".into()];
    leaf(&mut named).not_before = NOW - 30 * DAY;
    leaf(&mut named).not_after = NOW + 60 * DAY;
    let found = staple_findings(&named);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("http://ocsp.example.test"), "{found:?}");

    // Stapled: nothing to say.
    let mut stapled = named.clone();
    if let Outcome::Ok(connection) = &mut stapled.connection {
        connection.ocsp_stapled_bytes = Some(1_200);
    }
    assert!(staple_findings(&stapled).is_empty());

    // No responder in the certificate: it cannot be stapled (public CAs are dropping OCSP).
    let mut unnamed = named.clone();
    leaf(&mut unnamed).ocsp_urls.clear();
    assert!(staple_findings(&unnamed).is_empty());

    // Seven days (inclusive) is short-lived and needs no revocation information; eight is not.
    let mut week = named.clone();
    leaf(&mut week).not_before = NOW - 3 * DAY;
    leaf(&mut week).not_after = NOW + 4 * DAY - 1;
    assert!(staple_findings(&week).is_empty());
    leaf(&mut week).not_after = NOW + 5 * DAY - 1;
    assert_eq!(staple_findings(&week).len(), 1);
}
