//! Profiles against real servers: Mozilla's guideline files, each configuration checked against
//! nginx set up like it, like the seed article, and like the next profile up.

mod common;

use common::*;
use serde_json::Value;

/// Mozilla's 6.0 intermediate nginx lines (for OpenSSL 3.0, which has no X25519MLKEM768).
const MOZILLA_INTERMEDIATE_CIPHERS: &str = "ECDHE-ECDSA-AES128-GCM-SHA256:\
ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:\
ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
const MOZILLA_CURVES: &str = "X25519:prime256v1:secp384r1";

fn mozilla_intermediate() -> NginxServer {
    NginxServer::well_configured()
        .protocols("TLSv1.2 TLSv1.3")
        .ciphers(MOZILLA_INTERMEDIATE_CIPHERS)
        .ecdh_curve(MOZILLA_CURVES)
        .prefer_server_ciphers(false)
}

fn scan_with(nginx: &NginxGuard, policy: &str) -> (Output, Value) {
    let mut args = nginx.scan_args();
    args.extend(["--ca-file", &cert("root.pem"), "--policy", policy].map(String::from));
    scan(args)
}

/// The `policy.*` findings of a report, by id, with their evidence.
fn deviations(report: &Value) -> Vec<(String, String)> {
    array_at(report, "/findings")
        .iter()
        .filter(|f| f["id"].as_str().is_some_and(|id| id.starts_with("policy.")))
        .map(|f| {
            (
                f["id"].as_str().unwrap_or_default().to_string(),
                f["evidence"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn mozilla_intermediate_nginx_passes_intermediate_and_fails_modern() {
    let nginx = mozilla_intermediate().start();
    let (output, report) = scan_with(&nginx, "mozilla-intermediate");
    assert_eq!(output.code, 0, "{output}");
    assert_eq!(
        deviations(&report)
            .iter()
            .map(|(id, _)| id.as_str())
            .collect::<Vec<_>>(),
        // The test certificate is a private CA's, valid for 20 years: a note, not a failure.
        vec!["policy.certificate-lifespan"],
        "{output}"
    );

    let (output, report) = scan_with(&nginx, "mozilla-modern");
    assert_eq!(output.code, 1, "{output}");
    let found = deviations(&report);
    let versions = found
        .iter()
        .find(|(id, _)| id == "policy.tls-versions")
        .unwrap_or_else(|| panic!("TLS 1.2 is not modern: {found:?}"));
    assert_eq!(
        versions.1,
        "mozilla-modern 6.0 (tls_versions TLSv1.3): TLSv1.2 accepted"
    );
    assert!(
        found
            .iter()
            .any(|(id, evidence)| id == "policy.certificate-type" && evidence.contains("RSA")),
        "modern wants an ECDSA certificate: {found:?}"
    );
}

#[test]
fn the_seed_nginx_fails_intermediate_with_its_protocols_and_suites() {
    let nginx = NginxServer::seed_legacy().start();
    let (output, report) = scan_with(&nginx, "mozilla-intermediate");
    assert_eq!(output.code, 1, "{output}");
    let found = deviations(&report);
    let evidence = |id: &str| {
        found
            .iter()
            .find(|(found_id, _)| found_id == id)
            .map(|(_, evidence)| evidence.clone())
            .unwrap_or_else(|| panic!("no {id}: {found:?}"))
    };
    assert_eq!(
        evidence("policy.tls-versions"),
        "mozilla-intermediate 6.0 (tls_versions TLSv1.2, TLSv1.3): TLSv1.0, TLSv1.1 accepted"
    );
    // Every TLS 1.2 suite the seed accepts beyond the profile's six, and no other.
    let suites = evidence("policy.cipher-suites");
    let listed: Vec<&str> = suites
        .trim_start_matches(
            "mozilla-intermediate 6.0 (ciphers, ciphersuites): not allowed: TLSv1.2: ",
        )
        .split(", ")
        .collect();
    let accepted: Vec<String> = array_at(&report, "/enumeration/cipher_suites")
        .iter()
        .filter(|v| v["version"] == "TLSv1.2")
        .flat_map(|v| v["suites"].as_array().expect("suites").clone())
        .map(|s| s["name"].as_str().expect("name").to_string())
        .collect();
    let intermediate = [
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    ];
    let expected: Vec<&str> = accepted
        .iter()
        .map(String::as_str)
        .filter(|name| !intermediate.contains(name))
        .collect();
    let mut listed_sorted = listed.clone();
    listed_sorted.sort_unstable();
    let mut expected_sorted = expected.clone();
    expected_sorted.sort_unstable();
    assert_eq!(listed_sorted, expected_sorted, "{suites}");
    assert!(listed.contains(&"TLS_RSA_WITH_AES_128_CBC_SHA"), "{suites}");

    // The old profile (5.7) allows TLS 1.0 and 1.1 and most of these suites.
    let (_, old) = scan_with(&nginx, "mozilla-old@5.7");
    assert!(
        !deviations(&old)
            .iter()
            .any(|(id, _)| id == "policy.tls-versions"),
        "{:?}",
        deviations(&old)
    );
}

#[test]
fn a_tls13_only_ecdsa_nginx_passes_modern_apart_from_its_certificate() {
    let nginx = mozilla_intermediate()
        .protocols("TLSv1.3")
        .server_name("ec.test")
        .certificate("ec-fullchain.pem", "ec.key")
        .start();
    let (output, report) = scan_with(&nginx, "mozilla-modern");
    let found: Vec<String> = deviations(&report).into_iter().map(|(id, _)| id).collect();
    // Only the certificate breaks modern: the test CA signs with RSA (modern lists ECDSA
    // signatures only) for 20 years (modern asks for 90 days). Both are below --fail-on high.
    assert_eq!(
        found,
        vec![
            "policy.certificate-signature",
            "policy.certificate-lifespan"
        ],
        "{output}"
    );
    assert_eq!(output.code, 0, "{output}");
    assert_at(&report, "/certificates/certificates/0/key/algorithm", "EC");
}

#[test]
fn unknown_profiles_are_usage_errors_that_list_the_known_ones() {
    let output = tlscheck(["example.test", "--policy", "mozilla-ancient"]);
    assert_eq!(output.code, 2, "{output}");
    assert!(
        output.stderr.contains("mozilla-intermediate@6.0")
            && output.stderr.contains("mozilla-old@5.7"),
        "{output}"
    );
}

#[test]
fn policy_none_leaves_only_the_findings_and_the_document_says_which_policy() {
    let nginx = NginxServer::seed_legacy().start();
    let (output, report) = scan_with(&nginx, "none");
    assert!(deviations(&report).is_empty(), "{output}");
    let document: Value = serde_json::from_str(&output.stdout).expect("JSON");
    assert_eq!(document["policy"], "none");
    let (output, _) = scan_with(&nginx, "mozilla-old@5.7");
    let document: Value = serde_json::from_str(&output.stdout).expect("JSON");
    assert_eq!(document["policy"], "mozilla-old@5.7");
}

/// The grade's letter, its underlying letter and its caps as (letter, reason).
fn grade_of(report: &Value) -> (String, Option<String>, Vec<(String, String)>) {
    let grade = at(report, "/grade");
    let caps = array_at(grade, "/caps")
        .iter()
        .map(|cap| {
            (
                str_at(cap, "/letter").to_string(),
                str_at(cap, "/reason").to_string(),
            )
        })
        .collect();
    (
        str_at(grade, "/letter").to_string(),
        grade["underlying"].as_str().map(str::to_string),
        caps,
    )
}

#[test]
fn real_nginx_servers_get_the_grade_their_configuration_earns() {
    // Mozilla intermediate with HSTS for two years: nothing caps it.
    let intermediate = mozilla_intermediate().start();
    let (_, report) = scan_with(&intermediate, "mozilla-intermediate");
    assert_eq!(grade_of(&report), ("A+".into(), None, vec![]));
    assert_at(&report, "/grade/protocol_score", 100);

    // Without --ca-file the test root is unknown: T, with the A+ underneath.
    let (_, untrusted) = scan(intermediate.scan_args());
    let (letter, underlying, caps) = grade_of(&untrusted);
    assert_eq!((letter.as_str(), underlying.as_deref()), ("T", Some("A+")));
    assert_eq!(caps.len(), 1, "{caps:?}");
    assert!(caps[0].1.contains("not trusted"), "{caps:?}");

    // The seed article's nginx: TLS 1.0 and 1.1 cap it at B, and it has no TLS 1.3.
    let seed = NginxServer::seed_legacy().start();
    let (_, report) = scan_with(&seed, "mozilla-intermediate");
    let (letter, _, caps) = grade_of(&report);
    assert_eq!(letter, "B");
    let expected: Vec<(String, String)> = [
        ("B", "TLSv1.0 is accepted"),
        ("B", "TLSv1.1 is accepted"),
        ("A-", "TLSv1.3 is not accepted"),
    ]
    .map(|(letter, reason)| (letter.to_string(), reason.to_string()))
    .to_vec();
    assert_eq!(caps, expected);
    assert_at(&report, "/grade/protocol_score", 95);

    // The how-to's nginx sends no HSTS: A- since 2025.
    let how_to = NginxServer::how_to().start();
    let (_, report) = scan_with(&how_to, "mozilla-intermediate");
    assert_eq!(
        grade_of(&report),
        ("A-".into(), None, vec![("A-".into(), "no HSTS".into())])
    );
}
