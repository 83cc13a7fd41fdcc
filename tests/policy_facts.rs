//! Profiles and policy files against fact fixtures: rules whose inputs no local server produces
//! on demand (an OCSP responder named in the leaf, a short-lived certificate), and each rule a
//! policy file may set, its severity overrides and its waivers.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use tlscheck::analysis::Severity;
use tlscheck::facts::hsts::parse_hsts;
use tlscheck::facts::*;
use tlscheck::policy::{assess, Policy, PolicyFile, Profile, Verdict};
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
        client: tlscheck::facts::HandshakeClient::Rustls,
        strict_client_failure: None,
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

// ---- Policy files ---------------------------------------------------------------------------

/// The policy of the policy file `text` (named `policy.toml`).
fn file_policy(text: &str) -> Policy {
    Policy::from_file(PolicyFile::parse("policy.toml", text).expect("a valid policy file"))
}

/// A TLS 1.2 and 1.3 server with the good chain, HSTS for a year without includeSubDomains, a
/// permanent redirect and no client certificates.
fn served() -> HostFacts {
    let mut facts = facts();
    facts.https = Outcome::Ok(HttpsResponseFacts {
        url: "https://good.test/".into(),
        status_code: 200,
        location: None,
        server: None,
        hsts: Some(parse_hsts("max-age=31536000")),
    });
    facts.redirect = Outcome::Ok(RedirectFacts {
        start_url: "http://good.test/".into(),
        hops: vec![RedirectHop {
            url: "http://good.test/".into(),
            status_code: 301,
            location: Some("https://good.test/".into()),
            next: Some("https://good.test/".into()),
            next_is_https: true,
            same_host: true,
        }],
        end: RedirectEnd::ReachedHttps,
    });
    facts.client_auth = Some(ClientAuthFacts {
        requested: false,
        ca_names: vec![],
        presented: false,
        required: Some(false),
        accepted: None,
        refusal: None,
    });
    facts
}

/// The `policy.*` findings as (id, severity, evidence).
fn deviations(facts: &HostFacts, policy: &Policy) -> Vec<(String, Severity, String)> {
    assess(facts, policy)
        .findings
        .iter()
        .filter(|finding| finding.id.as_str().starts_with("policy."))
        .map(|finding| {
            (
                finding.id.as_str().to_string(),
                finding.severity,
                finding.evidence.clone(),
            )
        })
        .collect()
}

#[test]
fn a_policy_file_rule_that_holds_says_nothing_and_one_that_breaks_is_high() {
    let facts = served();
    let leaf_facts = facts.chain.as_ref().unwrap().certificates[0].clone();
    let holds = file_policy(&format!(
        r#"
[certificate]
trusted = true
hostname_match = true
issuer = "{issuer}"
san = ["good.test", "www.good.test", "127.0.0.1"]
sha256_fingerprints = ["{pin}"]
min_days_left = 30
[http]
redirect = "permanent"
hsts = true
hsts_min_max_age = 31536000
"#,
        issuer = leaf_facts.issuer,
        pin = leaf_facts
            .sha256_fingerprint
            .replace(':', "")
            .to_lowercase(),
    ));
    assert_eq!(deviations(&facts, &holds), vec![]);

    let breaks = file_policy(
        r#"
[certificate]
issuer = "CN=Some Other CA"
san = ["good.test", "api.good.test"]
sha256_fingerprints = ["0000000000000000000000000000000000000000000000000000000000000000"]
[http]
hsts_include_subdomains = true
hsts_preload = true
[client_auth]
required = true
"#,
    );
    let found = deviations(&facts, &breaks);
    let evidence = |id: &str| -> Vec<String> {
        found
            .iter()
            .filter(|(found_id, severity, _)| {
                assert_eq!(*severity, Severity::High, "{found_id}");
                found_id == id
            })
            .map(|(_, _, evidence)| evidence.clone())
            .collect()
    };
    assert_eq!(
        evidence("policy.issuer"),
        [format!(
            "policy.toml (certificate.issuer = \"CN=Some Other CA\"): the leaf is issued by {}",
            leaf_facts.issuer
        )]
    );
    assert_eq!(
        evidence("policy.san"),
        ["policy.toml (certificate.san api.good.test, good.test): the leaf's names differ: missing api.good.test; unexpected 127.0.0.1, www.good.test"]
    );
    assert_eq!(
        evidence("policy.pin"),
        [format!(
            "policy.toml (certificate.sha256_fingerprints): the leaf's SHA-256 is {}",
            leaf_facts.sha256_fingerprint
        )]
    );
    assert_eq!(
        evidence("policy.hsts"),
        [
            "policy.toml (http.hsts_include_subdomains = true): no includeSubDomains in \"max-age=31536000\"",
            "policy.toml (http.hsts_preload = true): no preload in \"max-age=31536000\""
        ]
    );
    assert_eq!(
        evidence("policy.client-auth"),
        ["policy.toml (client_auth.required = true): no client certificate is requested"]
    );
    assert_eq!(found.len(), 6, "{found:?}");
}

#[test]
fn trust_hostname_redirect_and_hsts_requirements_fail_when_broken() {
    let mut facts = served();
    let chain = facts.chain.as_mut().unwrap();
    chain.trust.trusted = false;
    chain.hostname.matches = false;
    if let Outcome::Ok(redirect) = &mut facts.redirect {
        redirect.hops[0].status_code = 302;
    }
    if let Outcome::Ok(https) = &mut facts.https {
        https.hsts = None;
    }
    let policy = file_policy(
        r#"
[certificate]
trusted = true
hostname_match = true
[http]
redirect = "permanent"
hsts = true
"#,
    );
    let ids: Vec<String> = deviations(&facts, &policy)
        .into_iter()
        .map(|(id, _, _)| id)
        .collect();
    assert_eq!(
        ids,
        [
            "policy.hostname",
            "policy.hsts",
            "policy.redirect",
            "policy.trust"
        ]
    );
    // A temporary redirect is enough for `any`.
    let any = file_policy("[http]\nredirect = \"any\"\n");
    assert_eq!(deviations(&facts, &any), vec![]);
}

#[test]
fn expiry_rules_count_days_or_the_share_of_the_lifetime_left() {
    let mut facts = served();
    // Ninety days from 30 days ago: 60 days, two thirds, left.
    leaf(&mut facts).not_before = NOW - 30 * DAY;
    leaf(&mut facts).not_after = NOW + 60 * DAY;
    leaf(&mut facts).days_left = 60;
    let days = file_policy("[certificate]\nmin_days_left = 61\n");
    assert_eq!(
        deviations(&facts, &days),
        [(
            "policy.expiry".to_string(),
            Severity::High,
            "policy.toml (certificate.min_days_left = 61): the leaf expires in 60 days".to_string()
        )]
    );
    let share = file_policy("[certificate]\nmin_lifetime_left = 0.7\n");
    let found = deviations(&facts, &share);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0]
            .2
            .ends_with("66.6% of the leaf's 91-day lifetime is left"),
        "{found:?}"
    );
    assert_eq!(
        deviations(
            &facts,
            &file_policy("[certificate]\nmin_lifetime_left = 0.5\n")
        ),
        vec![]
    );
}

#[test]
fn extends_keeps_the_profiles_rules_and_the_file_replaces_the_ones_it_sets() {
    let facts = served();
    // The good chain's leaf is valid for 20 years and HSTS for one: intermediate (366 days,
    // two years) notes both, at low.
    let extends = file_policy("extends = \"mozilla-intermediate\"\n");
    assert_eq!(
        deviations(&facts, &extends),
        [
            (
                "policy.certificate-lifespan".to_string(),
                Severity::Low,
                "mozilla-intermediate 6.0 (maximum_certificate_lifespan 366 days): the leaf is valid for 7301 days".to_string()
            ),
            (
                "policy.hsts-min-age".to_string(),
                Severity::Low,
                "mozilla-intermediate 6.0 (hsts_min_age 63072000): max-age=31536000".to_string()
            )
        ]
    );
    // Set in the file, the same rule is a requirement: high, and the file names it.
    let stricter =
        file_policy("extends = \"mozilla-intermediate\"\n[certificate]\nmax_lifetime_days = 398\n");
    assert_eq!(
        deviations(&facts, &stricter),
        [(
            "policy.certificate-lifespan".to_string(),
            Severity::High,
            "policy.toml (certificate.max_lifetime_days = 398): the leaf is valid for 7301 days"
                .to_string()
        ), (
            "policy.hsts-min-age".to_string(),
            Severity::Low,
            "mozilla-intermediate 6.0 (hsts_min_age 63072000): max-age=31536000".to_string()
        )]
    );
    assert_eq!(
        stricter.name(),
        "policy.toml (extends mozilla-intermediate@6.0)"
    );
    // A severity override applies to the finding whatever set the rule.
    let lowered = file_policy(
        "extends = \"mozilla-intermediate\"\n[certificate]\nmax_lifetime_days = 398\n[severity]\n\"policy.certificate-lifespan\" = \"info\"\n",
    );
    let lifespan = deviations(&facts, &lowered)
        .into_iter()
        .find(|(id, _, _)| id == "policy.certificate-lifespan")
        .expect("still reported");
    assert_eq!(lifespan.1, Severity::Info);
}

#[test]
fn a_waiver_in_force_lets_a_finding_pass_and_an_expired_one_says_so() {
    let facts = served();
    let waived = |expires: &str, target: &str| {
        file_policy(&format!(
            r#"
[certificate]
max_lifetime_days = 90
[[waivers]]
finding = "policy.certificate-lifespan"
target = "{target}"
reason = "the private CA issues 20-year certificates until the migration"
expires = "{expires}"
"#
        ))
    };
    // NOW is 2027-01-15: a waiver to the end of January applies.
    let assessment = assess(&facts, &waived("2027-01-31", "*.test"));
    assert_eq!(assessment.verdict, Verdict::Pass);
    let finding = &assessment.findings[0];
    assert_eq!(finding.id.as_str(), "policy.certificate-lifespan");
    let waiver = finding.waiver.as_ref().expect("waived");
    assert_eq!(waiver.expires, "2027-01-31");
    assert!(waiver.reason.starts_with("the private CA"));

    // For another target, it does not.
    let other = assess(&facts, &waived("2027-01-31", "other.example"));
    assert_eq!(other.verdict, Verdict::Fail);
    assert!(other.findings.iter().all(|f| f.waiver.is_none()));

    // Expired on 2027-01-14: the finding counts again, and the expiry is a finding.
    let expired = assess(&facts, &waived("2027-01-14", "good.test"));
    assert_eq!(expired.verdict, Verdict::Fail);
    let note = expired
        .findings
        .iter()
        .find(|f| f.id.as_str() == "policy.waiver-expired")
        .expect("an expired-waiver finding");
    assert_eq!(note.severity, Severity::Medium);
    assert!(
        note.evidence
            .starts_with("the waiver for policy.certificate-lifespan (\"the private CA")
            && note.evidence.contains("ended with 2027-01-14"),
        "{}",
        note.evidence
    );
}

#[test]
fn a_policy_files_fail_on_sets_the_gate() {
    let facts = served();
    let policy = file_policy("fail_on = \"critical\"\n[certificate]\nmax_lifetime_days = 90\n");
    assert_eq!(policy.fail_on, Severity::Critical);
    assert_eq!(assess(&facts, &policy).verdict, Verdict::Pass);
}
