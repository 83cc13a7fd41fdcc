//! Certificate parsing, chain analysis and certificate findings, from real certificates: the
//! OpenSSL-made fixtures in `testdata/certs-unit` (see its README) and rcgen-made ones built here.

use std::path::PathBuf;

use rcgen::{
    date_time_ymd, BasicConstraints, CertificateParams, CertifiedIssuer, CrlDistributionPoint,
    DistinguishedName, DnType, DnValue, IsCa, KeyPair,
};
use rustls::RootCertStore;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use tlscheck::analysis::certificate::findings;
use tlscheck::analysis::{ExpiryThresholds, Finding, Severity};
use tlscheck::facts::time::rfc3339;
use tlscheck::facts::CertificateFailure;
use tlscheck::facts::{ChainFacts, TrustFacts};
use tlscheck::x509::chain::analyse_chain;
use tlscheck::x509::hostname::hostname_matches;
use tlscheck::x509::parse::{parse_certificate, CertificateError};

/// 2026-02-01T00:00:00Z: inside every fixture's validity except the expired and future ones.
const NOW: i64 = 1_769_904_000;
/// 2026-04-01T00:00:00Z: `ec-leaf` and `wildcard-leaf` notAfter.
const EC_LEAF_NOT_AFTER: i64 = 1_775_001_600;
const DAY: i64 = 86_400;

fn fixture_path(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/certs-unit")
        .join(file)
}

fn fixture(name: &str) -> Vec<u8> {
    let path = fixture_path(&format!("{name}.crt"));
    CertificateDer::from_pem_file(&path)
        .unwrap_or_else(|error| panic!("reading {}: {error}", path.display()))
        .to_vec()
}

fn openssl_fingerprint(name: &str) -> String {
    let path = fixture_path(&format!("{name}.sha256"));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("reading {}: {error}", path.display()))
        .trim()
        .to_string()
}

/// Trust-anchor subjects exactly as rustls builds them (webpki's `anchor_from_trusted_cert`).
fn anchor_subjects_of(roots: &[&[u8]]) -> Vec<Vec<u8>> {
    let mut store = RootCertStore::empty();
    for root in roots {
        store
            .add(CertificateDer::from(root.to_vec()))
            .expect("root accepted by webpki");
    }
    store
        .roots
        .iter()
        .map(|anchor| anchor.subject.as_ref().to_vec())
        .collect()
}

fn trusted() -> TrustFacts {
    TrustFacts {
        trusted: true,
        publicly_trusted: false,
        store: "webpki-roots + --ca-file".to_string(),
        failure: None,
    }
}

fn untrusted(failure: CertificateFailure) -> TrustFacts {
    TrustFacts {
        trusted: false,
        publicly_trusted: false,
        store: "webpki-roots".to_string(),
        failure: Some(failure),
    }
}

fn chain_of(
    names: &[&str],
    anchors: &[&str],
    trust: TrustFacts,
    hostname: &str,
    now: i64,
) -> ChainFacts {
    let presented: Vec<Vec<u8>> = names.iter().map(|name| fixture(name)).collect();
    let roots: Vec<Vec<u8>> = anchors.iter().map(|name| fixture(name)).collect();
    let roots: Vec<&[u8]> = roots.iter().map(Vec::as_slice).collect();
    let subjects = anchor_subjects_of(&roots);
    let subjects: Vec<&[u8]> = subjects.iter().map(Vec::as_slice).collect();
    analyse_chain(&presented, &subjects, trust, hostname, now).expect("chain analysed")
}

fn good_chain(now: i64) -> ChainFacts {
    chain_of(
        &["ec-leaf", "ec-intermediate"],
        &["ec-root"],
        trusted(),
        "www.example.test",
        now,
    )
}

fn find<'a>(found: &'a [Finding], id: &str) -> &'a Finding {
    found
        .iter()
        .find(|finding| finding.id.as_str() == id)
        .unwrap_or_else(|| panic!("no {id} finding in {:?}", ids(found)))
}

fn ids(found: &[Finding]) -> Vec<&str> {
    found.iter().map(|finding| finding.id.as_str()).collect()
}

fn ca_params(common_name: &str) -> CertificateParams {
    let mut params = CertificateParams::default();
    params.distinguished_name = DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::CommonName, common_name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.not_before = date_time_ymd(2024, 1, 1);
    params.not_after = date_time_ymd(2036, 1, 1);
    params
}

fn leaf_params(name: &str) -> CertificateParams {
    let mut params = CertificateParams::new(vec![name.to_string()]).expect("valid name");
    params.distinguished_name = DistinguishedName::new();
    params.distinguished_name.push(DnType::CommonName, name);
    params.not_before = date_time_ymd(2026, 1, 1);
    params.not_after = date_time_ymd(2027, 1, 1);
    params
}

fn new_key() -> KeyPair {
    KeyPair::generate().expect("P-256 key")
}

// ---- parse_certificate ----------------------------------------------------------------------

#[test]
fn parses_every_field_of_the_ec_leaf() {
    let facts = parse_certificate(&fixture("ec-leaf"), NOW).expect("parsed");
    assert_eq!(facts.subject, "CN=www.example.test");
    assert_eq!(
        facts.issuer,
        "O=Tlscheck Test, CN=Tlscheck Test Intermediate EC"
    );
    assert_eq!(facts.common_name.as_deref(), Some("www.example.test"));
    assert_eq!(facts.dns_names, ["www.example.test", "example.test"]);
    assert_eq!(facts.ip_addresses, ["127.0.0.1", "::1"]);
    assert_eq!(facts.serial, "9F:3A:5B:7C:1D:2E");
    assert_eq!(rfc3339(facts.not_before), "2026-01-01T00:00:00Z");
    assert_eq!(rfc3339(facts.not_after), "2026-04-01T00:00:00Z");
    assert_eq!(facts.days_left, 59);
    assert!(!facts.expired);
    assert!(!facts.not_yet_valid);
    assert_eq!(facts.key.algorithm.name(), "EC");
    assert_eq!(facts.key.bits, 256);
    assert_eq!(facts.key.curve.as_deref(), Some("P-256"));
    assert_eq!(facts.signature_algorithm, "ecdsa-with-SHA256");
    assert_eq!(
        facts.signature_hash.map(|hash| hash.name()),
        Some("SHA-256")
    );
    assert!(!facts.is_ca);
    assert!(!facts.self_signed);
    assert_eq!(facts.sha256_fingerprint, openssl_fingerprint("ec-leaf"));
    assert_eq!(facts.ocsp_urls, ["http://ocsp.example.test"]);
    assert_eq!(
        facts.ca_issuer_urls,
        ["http://ca.example.test/intermediate.crt"]
    );
    assert_eq!(facts.sct_count, 2);
    assert!(facts.must_staple);
}

#[test]
fn parses_the_ec_root_and_intermediate() {
    let root = parse_certificate(&fixture("ec-root"), NOW).expect("parsed");
    assert_eq!(root.subject, "O=Tlscheck Test, CN=Tlscheck Test Root EC");
    assert_eq!(root.key.curve.as_deref(), Some("P-384"));
    assert_eq!(root.key.bits, 384);
    assert_eq!(root.signature_algorithm, "ecdsa-with-SHA384");
    assert!(root.is_ca);
    assert!(root.self_signed);
    assert_eq!(root.serial, "01:00");
    assert!(!root.must_staple);
    assert_eq!(root.sct_count, 0);

    let intermediate = parse_certificate(&fixture("ec-intermediate"), NOW).expect("parsed");
    assert!(intermediate.is_ca);
    assert!(!intermediate.self_signed);
    assert!(intermediate.ocsp_urls.is_empty());
    assert_eq!(
        intermediate.ca_issuer_urls,
        ["http://ca.example.test/root.crt"]
    );
    assert_eq!(
        intermediate.sha256_fingerprint,
        openssl_fingerprint("ec-intermediate")
    );
}

#[test]
fn parses_the_howto_rsa1024_sha1_ca_as_self_signed() {
    let ca = parse_certificate(&fixture("howto-ca"), NOW).expect("parsed");
    assert_eq!(
        ca.subject,
        "C=US, ST=State, L=City, O=Howto Org, CN=Howto Test CA"
    );
    assert_eq!(ca.issuer, ca.subject);
    assert_eq!(ca.key.algorithm.name(), "RSA");
    assert_eq!(ca.key.bits, 1024);
    assert_eq!(ca.key.curve, None);
    assert_eq!(ca.signature_algorithm, "sha1WithRSAEncryption");
    assert_eq!(ca.signature_hash.map(|hash| hash.name()), Some("SHA-1"));
    assert_eq!(ca.serial, "01");
    assert!(ca.is_ca);
    assert!(ca.self_signed);
    assert_eq!(ca.days_left, 2891);
}

#[test]
fn parses_a_v1_leaf_without_extensions() {
    let leaf = parse_certificate(&fixture("howto-leaf"), NOW).expect("parsed");
    assert_eq!(leaf.common_name.as_deref(), Some("www.howto.test"));
    assert!(leaf.dns_names.is_empty());
    assert!(leaf.ip_addresses.is_empty());
    assert_eq!(leaf.serial, "10:00");
    assert_eq!(leaf.key.bits, 1024);
    assert!(!leaf.is_ca);
    assert!(!leaf.self_signed);
    assert!(leaf.ocsp_urls.is_empty() && leaf.ca_issuer_urls.is_empty());
    assert_eq!(leaf.sha256_fingerprint, openssl_fingerprint("howto-leaf"));
}

#[test]
fn names_keys_and_signature_algorithms_of_each_type() {
    // (fixture, key algorithm, bits, curve, signature algorithm, hash)
    let cases = [
        ("rsa-pss", "RSA", 2048, None, "RSASSA-PSS", Some("SHA-256")),
        ("ed25519", "Ed25519", 256, None, "ED25519", None),
        ("ed448", "Ed448", 456, None, "ED448", None),
        (
            "p521",
            "EC",
            521,
            Some("P-521"),
            "ecdsa-with-SHA512",
            Some("SHA-512"),
        ),
        ("dsa", "DSA", 2048, None, "dsa_with_SHA256", Some("SHA-256")),
        (
            "md5-leaf",
            "RSA",
            2048,
            None,
            "md5WithRSAEncryption",
            Some("MD5"),
        ),
        (
            "howto-selfsigned",
            "RSA",
            1024,
            None,
            "sha256WithRSAEncryption",
            Some("SHA-256"),
        ),
    ];
    for (name, algorithm, bits, curve, signature, hash) in cases {
        let facts = parse_certificate(&fixture(name), NOW).expect("parsed");
        assert_eq!(facts.key.algorithm.name(), algorithm, "{name}");
        assert_eq!(facts.key.bits, bits, "{name}");
        assert_eq!(facts.key.curve.as_deref(), curve, "{name}");
        assert_eq!(facts.signature_algorithm, signature, "{name}");
        assert_eq!(facts.signature_hash.map(|hash| hash.name()), hash, "{name}");
        assert_eq!(
            facts.sha256_fingerprint,
            openssl_fingerprint(name),
            "{name}"
        );
    }
}

#[test]
fn detects_self_signed_certificates_the_verifier_cannot_check() {
    // ring verifies RSA-PSS and Ed25519; Ed448, P-521/SHA-512, DSA and RSA-1024 with SHA-256 fall
    // back to the issuer == subject and key-identifier check.
    for name in [
        "rsa-pss",
        "ed25519",
        "ed448",
        "p521",
        "dsa",
        "howto-selfsigned",
    ] {
        let facts = parse_certificate(&fixture(name), NOW).expect("parsed");
        assert!(facts.self_signed, "{name} should be self-signed");
    }
    let md5 = parse_certificate(&fixture("md5-leaf"), NOW).expect("parsed");
    assert!(!md5.self_signed);
}

#[test]
fn same_issuer_and_subject_signed_by_another_key_is_not_self_signed() {
    let ca = CertifiedIssuer::self_signed(ca_params("Same Name"), new_key()).expect("ca");
    let mut params = leaf_params("same.example.test");
    params.distinguished_name = DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::CommonName, "Same Name");
    let impostor = params.signed_by(&new_key(), &ca).expect("signed");

    let facts = parse_certificate(impostor.der(), NOW).expect("parsed");
    assert_eq!(facts.subject, facts.issuer);
    assert!(!facts.self_signed);

    let genuine = parse_certificate(ca.der(), NOW).expect("parsed");
    assert!(genuine.self_signed);
}

#[test]
fn counts_days_left_and_validity_at_the_edges() {
    let der = fixture("ec-leaf");
    let at_expiry = parse_certificate(&der, EC_LEAF_NOT_AFTER).expect("parsed");
    assert_eq!(at_expiry.days_left, 0);
    assert!(!at_expiry.expired);

    let just_after = parse_certificate(&der, EC_LEAF_NOT_AFTER + 1).expect("parsed");
    assert_eq!(just_after.days_left, -1);
    assert!(just_after.expired);

    let one_second_short_of_a_day = parse_certificate(&der, EC_LEAF_NOT_AFTER - DAY + 1).unwrap();
    assert_eq!(one_second_short_of_a_day.days_left, 0);

    // 2025-12-31T23:59:59Z, one second before notBefore.
    let early = parse_certificate(&der, 1_767_225_599).expect("parsed");
    assert!(early.not_yet_valid);
    assert!(!early.expired);
}

#[test]
fn rejects_trailing_and_truncated_der() {
    let mut der = fixture("ec-leaf");
    der.push(0);
    assert_eq!(
        parse_certificate(&der, NOW),
        Err(CertificateError::TrailingBytes { count: 1 })
    );
    der.truncate(der.len() - 20);
    assert!(matches!(
        parse_certificate(&der, NOW),
        Err(CertificateError::Malformed { .. })
    ));
}

#[test]
fn names_the_position_of_an_unparsable_certificate_in_the_chain() {
    let presented = vec![fixture("ec-leaf"), b"garbage".to_vec()];
    let error = analyse_chain(&presented, &[], trusted(), "www.example.test", NOW).unwrap_err();
    assert!(matches!(
        error,
        CertificateError::InChain { position: 2, .. }
    ));
    assert!(error.to_string().starts_with(
        "certificate 2 of the presented chain (1 is the leaf): certificate is not valid DER X.509"
    ));
}

// ---- analyse_chain --------------------------------------------------------------------------

#[test]
fn good_chain_is_ordered_complete_and_matches() {
    let chain = good_chain(NOW);
    assert_eq!(chain.certificates.len(), 2);
    assert!(chain.order_correct);
    assert!(!chain.incomplete);
    assert_eq!(chain.missing_issuer, None);
    assert_eq!(chain.hostname.name, "www.example.test");
    assert!(chain.hostname.matches);
    assert_eq!(
        chain.hostname.covered,
        ["www.example.test", "example.test", "127.0.0.1", "::1"]
    );
    assert_eq!(chain.trust, trusted());
}

#[test]
fn good_chain_has_no_findings_with_or_without_the_root() {
    assert!(findings(&good_chain(NOW), ExpiryThresholds::default()).is_empty());
    let with_root = chain_of(
        &["ec-leaf", "ec-intermediate", "ec-root"],
        &["ec-root"],
        trusted(),
        "example.test",
        NOW,
    );
    assert!(with_root.order_correct);
    assert!(!with_root.incomplete);
    assert!(findings(&with_root, ExpiryThresholds::default()).is_empty());
    let by_ip = chain_of(
        &["ec-leaf", "ec-intermediate"],
        &["ec-root"],
        trusted(),
        "::1",
        NOW,
    );
    assert!(findings(&by_ip, ExpiryThresholds::default()).is_empty());
}

#[test]
fn leaf_without_its_intermediate_is_incomplete() {
    let chain = chain_of(
        &["ec-leaf"],
        &["ec-root"],
        untrusted(CertificateFailure::UnknownIssuer),
        "www.example.test",
        NOW,
    );
    assert!(chain.order_correct);
    assert!(chain.incomplete);
    assert_eq!(
        chain.missing_issuer.as_deref(),
        Some("O=Tlscheck Test, CN=Tlscheck Test Intermediate EC")
    );
    let found = findings(&chain, ExpiryThresholds::default());
    let incomplete = find(&found, "chain.incomplete");
    assert_eq!(incomplete.severity, Severity::High);
    assert!(incomplete
        .evidence
        .contains("\"O=Tlscheck Test, CN=Tlscheck Test Intermediate EC\""));
    assert!(incomplete
        .fix
        .nginx
        .contains("cat server.crt intermediate.crt > fullchain.pem"));
    assert!(incomplete.fix.apache.contains("2.4.8"));
    assert!(incomplete
        .fix
        .python
        .contains("load_cert_chain('fullchain.pem', 'server.key')"));
    assert!(!ids(&found).contains(&"chain.order"));
}

#[test]
fn intermediate_whose_issuer_is_neither_sent_nor_an_anchor_is_incomplete() {
    let chain = chain_of(
        &["ec-leaf", "ec-intermediate"],
        &["howto-ca"],
        untrusted(CertificateFailure::UnknownIssuer),
        "www.example.test",
        NOW,
    );
    assert!(chain.incomplete);
    assert_eq!(
        chain.missing_issuer.as_deref(),
        Some("O=Tlscheck Test, CN=Tlscheck Test Root EC")
    );
}

#[test]
fn chain_in_the_wrong_order_is_reported_as_order_only() {
    let chain = chain_of(
        &["ec-leaf", "ec-root", "ec-intermediate"],
        &["ec-root"],
        trusted(),
        "www.example.test",
        NOW,
    );
    assert!(!chain.order_correct);
    assert!(!chain.incomplete);
    let found = findings(&chain, ExpiryThresholds::default());
    assert_eq!(ids(&found), ["chain.order"]);
    let order = find(&found, "chain.order");
    assert_eq!(order.severity, Severity::Low);
    assert!(order
        .evidence
        .contains("#2 \"O=Tlscheck Test, CN=Tlscheck Test Root EC\""));
}

#[test]
fn matches_a_real_webpki_roots_anchor_subject() {
    let isrg = webpki_roots::TLS_SERVER_ROOTS
        .iter()
        .find(|anchor| {
            anchor
                .subject
                .as_ref()
                .windows(12)
                .any(|window| window == b"ISRG Root X1")
        })
        .expect("ISRG Root X1 in webpki-roots");
    // webpki keeps the Name without its SEQUENCE: it starts with the first RDN's SET.
    assert_eq!(isrg.subject.as_ref().first(), Some(&0x31));

    // A stand-in CA with ISRG Root X1's exact name, encoded as in the real certificate.
    let mut params = ca_params("unused");
    params.distinguished_name = DistinguishedName::new();
    for (kind, value) in [
        (DnType::CountryName, "US"),
        (DnType::OrganizationName, "Internet Security Research Group"),
        (DnType::CommonName, "ISRG Root X1"),
    ] {
        params.distinguished_name.push(
            kind,
            DnValue::PrintableString(value.try_into().expect("printable")),
        );
    }
    let ca = CertifiedIssuer::self_signed(params, new_key()).expect("ca");
    let leaf = leaf_params("le.example.test")
        .signed_by(&new_key(), &ca)
        .expect("leaf");
    let presented = vec![leaf.der().to_vec()];

    let (_, parsed) = x509_parser::parse_x509_certificate(leaf.der()).expect("x509");
    let issuer = parsed.issuer().as_raw();
    assert_eq!(
        &issuer[2..],
        isrg.subject.as_ref(),
        "stand-in name is byte-exact"
    );

    let all_roots: Vec<&[u8]> = webpki_roots::TLS_SERVER_ROOTS
        .iter()
        .map(|anchor| anchor.subject.as_ref())
        .collect();
    let chain =
        analyse_chain(&presented, &all_roots, trusted(), "le.example.test", NOW).expect("analysed");
    assert!(!chain.incomplete);
    assert_eq!(chain.missing_issuer, None);

    let without_isrg: Vec<&[u8]> = all_roots
        .iter()
        .copied()
        .filter(|subject| *subject != isrg.subject.as_ref())
        .collect();
    let chain = analyse_chain(&presented, &without_isrg, trusted(), "le.example.test", NOW)
        .expect("analysed");
    assert!(chain.incomplete);
    assert_eq!(
        chain.missing_issuer.as_deref(),
        Some("C=US, O=Internet Security Research Group, CN=ISRG Root X1")
    );
}

#[test]
fn intermediate_issued_by_an_anchor_completes_a_chain_with_a_cross_sign() {
    let new_root_key = new_key();
    let new_root = CertifiedIssuer::self_signed(ca_params("New Root"), &new_root_key).expect("ca");
    let old_root = CertifiedIssuer::self_signed(ca_params("Old Root"), new_key()).expect("ca");
    let cross_signed = ca_params("New Root")
        .signed_by(&new_root_key, &old_root)
        .expect("cross-sign");
    let intermediate_key = new_key();
    let intermediate =
        CertifiedIssuer::signed_by(ca_params("Intermediate"), &intermediate_key, &new_root)
            .expect("intermediate");
    let leaf = leaf_params("cross.example.test")
        .signed_by(&new_key(), &intermediate)
        .expect("leaf");
    let presented = vec![
        leaf.der().to_vec(),
        intermediate.der().to_vec(),
        cross_signed.der().to_vec(),
    ];

    let new_root_subject = anchor_subjects_of(&[new_root.der().as_ref()]);
    let anchors: Vec<&[u8]> = new_root_subject.iter().map(Vec::as_slice).collect();
    let chain = analyse_chain(&presented, &anchors, trusted(), "cross.example.test", NOW)
        .expect("analysed");
    assert!(chain.order_correct);
    assert!(!chain.incomplete);

    let chain =
        analyse_chain(&presented, &[], trusted(), "cross.example.test", NOW).expect("analysed");
    assert!(chain.incomplete);
    assert_eq!(chain.missing_issuer.as_deref(), Some("CN=Old Root"));
}

// ---- findings -------------------------------------------------------------------------------

#[test]
fn expired_leaf_is_critical() {
    let chain = chain_of(
        &["expired-leaf", "ec-intermediate"],
        &["ec-root"],
        untrusted(CertificateFailure::Expired { not_after: None }),
        "expired.example.test",
        NOW,
    );
    let found = findings(&chain, ExpiryThresholds::default());
    let expired = find(&found, "cert.expired");
    assert_eq!(expired.severity, Severity::Critical);
    assert_eq!(expired.title(), "A certificate in the chain has expired");
    assert_eq!(
        expired.evidence,
        "leaf \"CN=expired.example.test\" expired on 2025-01-01T00:00:00Z (396 days ago)"
    );
    assert!(!ids(&found).contains(&"cert.expires-soon"));
}

#[test]
fn expired_intermediate_and_leaf_share_one_finding() {
    let root = CertifiedIssuer::self_signed(ca_params("Expiry Root"), new_key()).expect("root");
    let mut params = ca_params("Expired Intermediate");
    params.not_after = date_time_ymd(2025, 6, 1);
    let intermediate = CertifiedIssuer::signed_by(params, new_key(), &root).expect("intermediate");
    let good_leaf = leaf_params("x.example.test")
        .signed_by(&new_key(), &intermediate)
        .expect("leaf");
    let anchors = anchor_subjects_of(&[root.der().as_ref()]);
    let anchors: Vec<&[u8]> = anchors.iter().map(Vec::as_slice).collect();

    let presented = vec![good_leaf.der().to_vec(), intermediate.der().to_vec()];
    let chain =
        analyse_chain(&presented, &anchors, trusted(), "x.example.test", NOW).expect("analysed");
    let found = findings(&chain, ExpiryThresholds::default());
    let expired = find(&found, "cert.expired");
    assert_eq!(
        expired.evidence,
        "intermediate \"CN=Expired Intermediate\" expired on 2025-06-01T00:00:00Z (245 days ago)"
    );

    // Both expired: still one finding, naming both.
    let later = 1_800_000_000; // 2027-01-15
    let chain =
        analyse_chain(&presented, &anchors, trusted(), "x.example.test", later).expect("analysed");
    let found = findings(&chain, ExpiryThresholds::default());
    assert_eq!(
        found
            .iter()
            .filter(|f| f.id.as_str() == "cert.expired")
            .count(),
        1
    );
    let expired = find(&found, "cert.expired");
    assert!(expired.evidence.contains("leaf \"CN=x.example.test\""));
    assert!(expired
        .evidence
        .contains("intermediate \"CN=Expired Intermediate\""));
}

#[test]
fn expires_soon_is_high_within_crit_days_and_medium_within_warn_days() {
    let thresholds = ExpiryThresholds {
        warn_percent: 33,
        crit_percent: 10,
        warn_days: 30,
        crit_days: 7,
    };
    let at = |days_before: i64| {
        findings(
            &good_chain(EC_LEAF_NOT_AFTER - days_before * DAY),
            thresholds,
        )
    };

    let seven = at(7);
    let soon = find(&seven, "cert.expires-soon");
    assert_eq!(soon.severity, Severity::High);
    assert_eq!(soon.title(), "A certificate in the chain expires soon");
    assert_eq!(
        soon.evidence,
        "leaf \"CN=www.example.test\" expires on 2026-04-01T00:00:00Z, in 7 days (high at <= 7 days, medium at <= 30)"
    );
    assert_eq!(find(&at(8), "cert.expires-soon").severity, Severity::Medium);
    assert_eq!(
        find(&at(30), "cert.expires-soon").severity,
        Severity::Medium
    );
    assert!(at(31).is_empty());
}

#[test]
fn not_yet_valid_leaf_is_critical() {
    let chain = chain_of(
        &["not-yet-valid-leaf", "ec-intermediate"],
        &["ec-root"],
        untrusted(CertificateFailure::NotValidYet { not_before: None }),
        "future.example.test",
        NOW,
    );
    let found = findings(&chain, ExpiryThresholds::default());
    let future = find(&found, "cert.not-yet-valid");
    assert_eq!(future.severity, Severity::Critical);
    assert_eq!(
        future.evidence,
        "leaf \"CN=future.example.test\" is valid only from 2030-01-01T00:00:00Z"
    );
    assert!(!ids(&found).contains(&"cert.expires-soon"));
}

#[test]
fn hostname_mismatch_lists_what_the_certificate_covers() {
    let chain = chain_of(
        &["ec-leaf", "ec-intermediate"],
        &["ec-root"],
        trusted(),
        "other.example.test",
        NOW,
    );
    assert!(!chain.hostname.matches);
    let found = findings(&chain, ExpiryThresholds::default());
    let mismatch = find(&found, "cert.hostname-mismatch");
    assert_eq!(mismatch.severity, Severity::Critical);
    assert!(mismatch
        .evidence
        .contains("the certificate covers: www.example.test, example.test, 127.0.0.1, ::1"));
    assert!(mismatch.fix.nginx.contains("server_name"));
    assert!(mismatch
        .fix
        .apache
        .contains("ServerName other.example.test"));
}

#[test]
fn name_only_in_the_common_name_does_not_match() {
    let chain = chain_of(
        &["howto-leaf", "howto-ca"],
        &["howto-ca"],
        trusted(),
        "www.howto.test",
        NOW,
    );
    assert!(!chain.hostname.matches);
    assert!(chain.hostname.covered.is_empty());
    let mismatch = findings(&chain, ExpiryThresholds::default());
    let mismatch = find(&mismatch, "cert.hostname-mismatch");
    assert!(mismatch
        .evidence
        .contains("the certificate has no DNS or IP subjectAltName"));
    assert!(mismatch.evidence.contains("appears only in the subject CN"));
}

#[test]
fn untrusted_self_signed_leaf_is_high_and_not_also_untrusted() {
    let chain = chain_of(
        &["howto-selfsigned"],
        &[],
        untrusted(CertificateFailure::UnknownIssuer),
        "localhost",
        NOW,
    );
    assert!(!chain.incomplete);
    let found = findings(&chain, ExpiryThresholds::default());
    let self_signed = find(&found, "cert.self-signed");
    assert_eq!(self_signed.severity, Severity::High);
    assert!(self_signed.evidence.contains("leaf \"CN=localhost\""));
    assert!(self_signed
        .evidence
        .contains("issued by a CA that is not in the trust store"));
    assert!(!ids(&found).contains(&"cert.untrusted"));
}

#[test]
fn self_signed_leaf_trusted_through_ca_file_is_low() {
    let key = new_key();
    let cert = leaf_params("pinned.example.test")
        .self_signed(&key)
        .expect("self-signed");
    let chain = analyse_chain(
        &[cert.der().to_vec()],
        &[],
        trusted(),
        "pinned.example.test",
        NOW,
    )
    .expect("analysed");
    let found = findings(&chain, ExpiryThresholds::default());
    assert_eq!(ids(&found), ["cert.self-signed"]);
    assert_eq!(found[0].severity, Severity::Low);
}

#[test]
fn untrusted_chain_carries_the_verifier_error() {
    let chain = chain_of(
        &["ec-leaf", "ec-intermediate"],
        &["ec-root"],
        untrusted(CertificateFailure::UnknownIssuer),
        "www.example.test",
        NOW,
    );
    let found = findings(&chain, ExpiryThresholds::default());
    assert_eq!(ids(&found), ["cert.untrusted"]);
    assert_eq!(found[0].severity, Severity::High);
    assert!(found[0].evidence.starts_with(
        "webpki-roots rejected the chain: issued by a CA that is not in the trust store"
    ));
}

#[test]
fn howto_chain_has_weak_keys_and_a_sha1_leaf_but_the_root_signature_is_ignored() {
    let chain = chain_of(
        &["howto-leaf", "howto-ca"],
        &["howto-ca"],
        trusted(),
        "www.howto.test",
        NOW,
    );
    let found = findings(&chain, ExpiryThresholds::default());
    let weak = find(&found, "cert.weak-key");
    assert_eq!(weak.severity, Severity::High);
    assert_eq!(
        weak.evidence,
        "leaf \"C=US, ST=State, L=City, O=Howto Org, CN=www.howto.test\": RSA 1024 bits (minimum 2048); \
         root \"C=US, ST=State, L=City, O=Howto Org, CN=Howto Test CA\": RSA 1024 bits (minimum 2048)"
    );
    let sha1 = find(&found, "cert.sha1-signature");
    assert_eq!(sha1.severity, Severity::High);
    assert_eq!(
        sha1.evidence,
        "leaf \"C=US, ST=State, L=City, O=Howto Org, CN=www.howto.test\" is signed with sha1WithRSAEncryption"
    );
    assert!(!ids(&found).contains(&"cert.md5-signature"));
}

#[test]
fn sha1_signature_of_a_self_signed_certificate_is_not_a_finding() {
    let extra_root = chain_of(
        &["ec-leaf", "ec-intermediate", "howto-ca"],
        &[],
        trusted(),
        "www.example.test",
        NOW,
    );
    let found = findings(&extra_root, ExpiryThresholds::default());
    assert!(!ids(&found).contains(&"cert.sha1-signature"));

    let self_signed_leaf = chain_of(&["howto-ca"], &[], trusted(), "www.howto.test", NOW);
    let found = findings(&self_signed_leaf, ExpiryThresholds::default());
    assert!(ids(&found).contains(&"cert.self-signed"));
    assert!(!ids(&found).contains(&"cert.sha1-signature"));
}

#[test]
fn md5_signature_is_critical() {
    let chain = chain_of(
        &["md5-leaf", "howto-ca"],
        &["howto-ca"],
        untrusted(CertificateFailure::UnsupportedSignatureAlgorithm),
        "md5.howto.test",
        NOW,
    );
    let found = findings(&chain, ExpiryThresholds::default());
    let md5 = find(&found, "cert.md5-signature");
    assert_eq!(md5.severity, Severity::Critical);
    assert_eq!(
        md5.evidence,
        "leaf \"CN=md5.howto.test\" is signed with md5WithRSAEncryption"
    );
    assert!(!ids(&found).contains(&"cert.sha1-signature"));
    // The RSA-2048 leaf is fine; only the CA's key is weak.
    assert!(!find(&found, "cert.weak-key")
        .evidence
        .contains("md5.howto.test"));
}

#[test]
fn dsa_and_small_keys_are_weak_but_p256_ed25519_and_rsa2048_are_not() {
    let weak = |name: &str| {
        let chain = chain_of(&[name], &[], trusted(), "key.example.test", NOW);
        ids(&findings(&chain, ExpiryThresholds::default())).contains(&"cert.weak-key")
    };
    assert!(weak("dsa"));
    assert!(weak("howto-selfsigned"));
    assert!(!weak("rsa-pss"));
    assert!(!weak("ed25519"));
    assert!(!weak("ed448"));
    assert!(!weak("p521"));
}

// ---- hostname_matches -----------------------------------------------------------------------

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|name| name.to_string()).collect()
}

#[test]
fn hostname_matches_exact_names_case_insensitively_ignoring_a_trailing_dot() {
    let dns = names(&["www.example.com", "API.Example.COM."]);
    assert!(hostname_matches("www.example.com", &dns, &[]));
    assert!(hostname_matches("WWW.EXAMPLE.COM", &dns, &[]));
    assert!(hostname_matches("www.example.com.", &dns, &[]));
    assert!(hostname_matches("api.example.com", &dns, &[]));
    assert!(!hostname_matches("example.com", &dns, &[]));
    assert!(!hostname_matches("ww.example.com", &dns, &[]));
    assert!(!hostname_matches("", &dns, &[]));
}

#[test]
fn wildcard_matches_exactly_one_left_most_label() {
    let dns = names(&["*.example.com"]);
    assert!(hostname_matches("a.example.com", &dns, &[]));
    assert!(hostname_matches("WWW.Example.Com.", &dns, &[]));
    assert!(!hostname_matches("example.com", &dns, &[]));
    assert!(!hostname_matches("a.b.example.com", &dns, &[]));
    assert!(!hostname_matches(".example.com", &dns, &[]));
    assert!(!hostname_matches("*.example.com", &dns, &[]));
    assert!(!hostname_matches("a.example.org", &dns, &[]));
}

#[test]
fn partial_nested_and_bare_wildcards_match_nothing() {
    assert!(!hostname_matches(
        "foo.example.com",
        &names(&["f*.example.com"]),
        &[]
    ));
    assert!(!hostname_matches(
        "foo.example.com",
        &names(&["*oo.example.com"]),
        &[]
    ));
    assert!(!hostname_matches(
        "a.b.example.com",
        &names(&["a.*.example.com"]),
        &[]
    ));
    assert!(!hostname_matches(
        "a.b.example.com",
        &names(&["*.*.example.com"]),
        &[]
    ));
    assert!(!hostname_matches("example.com", &names(&["*.com"]), &[]));
    assert!(!hostname_matches("localhost", &names(&["*"]), &[]));
}

#[test]
fn ip_literals_match_only_ip_sans() {
    let dns = names(&["127.0.0.1", "::1"]);
    let ips = names(&["192.0.2.7", "2001:db8::1"]);
    assert!(hostname_matches("192.0.2.7", &[], &ips));
    assert!(hostname_matches("2001:db8::1", &[], &ips));
    assert!(hostname_matches("2001:DB8:0:0:0:0:0:1", &[], &ips));
    assert!(hostname_matches("[2001:db8::1]", &[], &ips));
    assert!(!hostname_matches("127.0.0.1", &dns, &[]));
    assert!(!hostname_matches("::1", &dns, &[]));
    assert!(!hostname_matches("192.0.2.8", &dns, &ips));
    // A DNS name never matches an IP SAN.
    assert!(!hostname_matches("localhost", &[], &names(&["127.0.0.1"])));
}

#[test]
fn each_certificate_carries_its_exact_bytes() {
    let der = fixture("ec-leaf");
    let facts = parse_certificate(&der, NOW).expect("parse");
    assert_eq!(facts.der, der);
}

/// A trusted one-certificate chain of a leaf from `from` to `to` (rcgen dates), judged at `now`,
/// trusted through a public root when `public`.
fn dated_chain(from: (i32, u8, u8), to: (i32, u8, u8), now: i64, public: bool) -> ChainFacts {
    dated_chain_with_crl(from, to, now, public, &[])
}

/// [`dated_chain`] with a leaf naming these CRL distribution points.
fn dated_chain_with_crl(
    from: (i32, u8, u8),
    to: (i32, u8, u8),
    now: i64,
    public: bool,
    crl_urls: &[&str],
) -> ChainFacts {
    let root = CertifiedIssuer::self_signed(ca_params("Dated Root"), new_key()).expect("root");
    let mut params = leaf_params("dated.example.test");
    params.not_before = date_time_ymd(from.0, from.1, from.2);
    params.not_after = date_time_ymd(to.0, to.1, to.2);
    if !crl_urls.is_empty() {
        params.crl_distribution_points = vec![CrlDistributionPoint {
            uris: crl_urls.iter().map(|url| url.to_string()).collect(),
        }];
    }
    let leaf = params.signed_by(&new_key(), &root).expect("leaf");
    let anchors = anchor_subjects_of(&[root.der().as_ref()]);
    let anchors: Vec<&[u8]> = anchors.iter().map(Vec::as_slice).collect();
    let trust = TrustFacts {
        publicly_trusted: public,
        ..trusted()
    };
    analyse_chain(
        &[leaf.der().to_vec()],
        &anchors,
        trust,
        "dated.example.test",
        now,
    )
    .expect("analysed")
}

#[test]
fn a_short_lived_certificate_expires_soon_by_the_share_of_its_lifetime_left() {
    // From 2026-02-01T00:00:00Z to 2026-02-07T00:00:00Z: seven days as the CA/Browser Forum
    // counts (notAfter is inclusive, so the last second makes a seventh day); 30 days of
    // --warn-days would always warn.
    let at = |now: i64| {
        findings(
            &dated_chain((2026, 2, 1), (2026, 2, 7), now, false),
            ExpiryThresholds::default(),
        )
    };
    let issued = 1_769_904_000; // 2026-02-01T00:00:00Z
    assert!(
        !ids(&at(issued)).contains(&"cert.expires-soon"),
        "a fresh seven-day certificate is not expiring soon"
    );
    let third_left = at(issued + 4 * DAY); // 2 days left of 6 days and 1 s: 33%
    let soon = find(&third_left, "cert.expires-soon");
    assert_eq!(soon.severity, Severity::Medium);
    assert!(
        soon.evidence
            .contains("with 33% of its 7-day lifetime left"),
        "{}",
        soon.evidence
    );
    let nearly_gone = at(issued + 5 * DAY + DAY / 2); // 12 hours of 6 days: 8%
    assert_eq!(
        find(&nearly_gone, "cert.expires-soon").severity,
        Severity::High
    );
}

#[test]
fn a_public_certificate_longer_than_the_ca_browser_forum_allows_is_refused() {
    // Issued 2026-04-01: 200 days at most (SC-081).
    let now = 1_775_001_600; // 2026-04-01T00:00:00Z
    let year = dated_chain((2026, 4, 1), (2027, 4, 1), now, true);
    let found = findings(&year, ExpiryThresholds::default());
    let too_long = find(&found, "cert.lifetime-too-long");
    assert_eq!(too_long.severity, Severity::High);
    assert!(
        too_long.evidence.contains("valid for 366 days")
            && too_long.evidence.contains("allows 200 days"),
        "{}",
        too_long.evidence
    );
    // A private CA's certificate is not the CA/Browser Forum's business.
    let private = dated_chain((2026, 4, 1), (2027, 4, 1), now, false);
    assert!(
        !ids(&findings(&private, ExpiryThresholds::default())).contains(&"cert.lifetime-too-long")
    );
    // Before 2026-03-15, 398 days were allowed.
    let old = dated_chain((2025, 6, 1), (2026, 7, 1), now, true);
    assert!(!ids(&findings(&old, ExpiryThresholds::default())).contains(&"cert.lifetime-too-long"));
}

#[test]
fn the_ca_browser_forum_schedule_follows_the_issue_date() {
    use tlscheck::analysis::certificate::cab_maximum_days;
    assert_eq!(cab_maximum_days(1_773_532_799), 398); // 2026-03-14T23:59:59Z
    assert_eq!(cab_maximum_days(1_773_532_800), 200); // 2026-03-15
    assert_eq!(cab_maximum_days(1_805_068_800), 100); // 2027-03-15
    assert_eq!(cab_maximum_days(1_868_227_200), 47); // 2029-03-15
}

#[test]
fn a_public_certificate_without_revocation_information_is_noted_unless_short_lived() {
    let now = 1_775_001_600; // 2026-04-01T00:00:00Z
    let ninety = dated_chain((2026, 4, 1), (2026, 6, 30), now, true);
    assert!(ninety.certificates[0].crl_urls.is_empty());
    let found = findings(&ninety, ExpiryThresholds::default());
    let missing = find(&found, "cert.no-revocation-info");
    assert_eq!(missing.severity, Severity::Low);
    assert!(
        missing.evidence.contains("valid for 91 days"),
        "{}",
        missing.evidence
    );
    // A CRL distribution point is revocation information.
    let with_crl = dated_chain_with_crl(
        (2026, 4, 1),
        (2026, 6, 30),
        now,
        true,
        &["http://crl.example.test/dated.crl"],
    );
    assert_eq!(
        with_crl.certificates[0].crl_urls,
        ["http://crl.example.test/dated.crl"]
    );
    assert!(!ids(&findings(&with_crl, ExpiryThresholds::default()))
        .contains(&"cert.no-revocation-info"));
    // Seven days (notAfter inclusive: six days and one second) is short-lived: nothing needed.
    let week = dated_chain((2026, 4, 1), (2026, 4, 7), now, true);
    assert!(
        !ids(&findings(&week, ExpiryThresholds::default())).contains(&"cert.no-revocation-info")
    );
    // Eight days is not.
    let eight = dated_chain((2026, 4, 1), (2026, 4, 8), now, true);
    assert!(
        ids(&findings(&eight, ExpiryThresholds::default())).contains(&"cert.no-revocation-info")
    );
    // A private CA's certificate is not judged by the Baseline Requirements.
    let private = dated_chain((2026, 4, 1), (2026, 6, 30), now, false);
    assert!(
        !ids(&findings(&private, ExpiryThresholds::default())).contains(&"cert.no-revocation-info")
    );
}
