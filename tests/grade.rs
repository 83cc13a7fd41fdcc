//! The SSL Labs grade over fact fixtures: the rating guide's tables (protocol, key exchange and
//! cipher scores; score to letter) with its own examples, and each cap, one server each.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use tlscheck::facts::hsts::parse_hsts;
use tlscheck::facts::*;
use tlscheck::policy::grade::{
    cipher_points, curve_points, grade, modulus_points, protocol_points, Grade, Letter,
};
use tlscheck::tls::suites::by_code;
use tlscheck::x509::chain::analyse_chain;

/// 2027-01-15T08:00:00Z.
const NOW: i64 = 1_800_000_000;

use ProtocolVersion::*;

const AES128_GCM_ECDHE: u16 = 0xC02F; // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
const AES256_GCM_ECDHE: u16 = 0xC030; // TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
const AES128_CBC_ECDHE: u16 = 0xC013; // TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA
const AES128_CBC_RSA: u16 = 0x002F; // TLS_RSA_WITH_AES_128_CBC_SHA
const AES128_GCM_RSA: u16 = 0x009C; // TLS_RSA_WITH_AES_128_GCM_SHA256
const DHE_AES128_GCM: u16 = 0x009E; // TLS_DHE_RSA_WITH_AES_128_GCM_SHA256
const RC4_RSA: u16 = 0x0005; // TLS_RSA_WITH_RC4_128_SHA
const TRIPLE_DES_RSA: u16 = 0x000A; // TLS_RSA_WITH_3DES_EDE_CBC_SHA
const DES_RSA: u16 = 0x0009; // TLS_RSA_WITH_DES_CBC_SHA
const EXPORT_RC4: u16 = 0x0003; // TLS_RSA_EXPORT_WITH_RC4_40_MD5
const ANON_AES128: u16 = 0x0034; // TLS_DH_anon_WITH_AES_128_CBC_SHA
const NULL_SHA: u16 = 0x0002; // TLS_RSA_WITH_NULL_SHA
const TLS13_AES128: u16 = 0x1301;
const TLS13_AES256: u16 = 0x1302;

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// A server accepting exactly `accepted` (each version with its suites), with the good RSA-2048
/// chain trusted, X25519, and HSTS for a year: what the rating guide gives an A+.
fn server(accepted: &[(ProtocolVersion, &[u16])]) -> HostFacts {
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
        http_url: Some("http://good.test/".into()),
        addresses: vec![IpAddr::from([127, 0, 0, 1])],
        connected_to: Some(SocketAddr::from(([127, 0, 0, 1], 443))),
    };
    let mut facts = HostFacts::unscanned(target, NOW, Duration::from_secs(120));
    let (best, best_suites) = accepted.last().expect("a version");
    facts.connection = Outcome::Ok(ConnectionFacts {
        client: tlscheck::facts::HandshakeClient::Rustls,
        strict_client_failure: None,
        protocol: best.wire(),
        cipher_suite: best_suites.first().copied().unwrap_or(0),
        key_exchange_group: Some(0x001D),
        alpn: None,
        tcp_connect: Duration::from_micros(400),
        handshake: Duration::from_micros(1_700),
        ocsp_stapled_bytes: None,
        signature_failure: None,
    });
    facts.chain = Some(chain);
    facts.https = Outcome::Ok(HttpsResponseFacts {
        url: "https://good.test/".into(),
        status_code: 200,
        location: None,
        server: None,
        hsts: Some(parse_hsts("max-age=31536000")),
    });
    facts.enumeration = Outcome::Ok(EnumerationFacts {
        protocols: ProtocolVersion::ALL
            .into_iter()
            .map(|version| {
                let support = match accepted.iter().find(|(v, _)| *v == version) {
                    Some((_, suites)) => Support::Accepted(Reply::ServerHello {
                        version: version.wire(),
                        cipher_suite: suites.first().copied().unwrap_or(0),
                    }),
                    None => Support::Refused(Reply::Alert(70)),
                };
                ProtocolFacts { version, support }
            })
            .collect(),
        cipher_suites: accepted
            .iter()
            .map(|(version, codes)| VersionSuites {
                version: *version,
                server_order: Some(true),
                suites: codes
                    .iter()
                    .map(|code| {
                        let suite = by_code(*code).expect("known suite");
                        let dh = (*code == DHE_AES128_GCM).then_some(2048);
                        let group = suite.has_forward_secrecy().then_some(0x001D);
                        SuiteFacts::of(suite, dh, group.filter(|_| dh.is_none()))
                    })
                    .collect(),
                incomplete: None,
            })
            .collect(),
        groups: vec![0x001D],
        groups_probed_with: Some(Tls13),
        groups_server_order: None,
        handshakes: 40,
        duration: Duration::from_millis(30),
        max_connections: 3,
    });
    facts
}

/// TLS 1.2 and 1.3 with AEAD, forward-secret suites only.
fn modern() -> HostFacts {
    server(&[
        (Tls12, &[AES128_GCM_ECDHE, AES256_GCM_ECDHE]),
        (Tls13, &[TLS13_AES128, TLS13_AES256]),
    ])
}

fn graded(facts: &HostFacts) -> Grade {
    grade(facts).expect("a grade")
}

fn leaf(facts: &mut HostFacts) -> &mut CertificateFacts {
    &mut facts.chain.as_mut().expect("chain").certificates[0]
}

/// The caps that applied, as (letter, reason).
fn caps(grade: &Grade) -> Vec<(&'static str, String)> {
    grade
        .caps
        .iter()
        .map(|cap| (cap.letter.as_str(), cap.reason.clone()))
        .collect()
}

#[track_caller]
fn assert_capped(grade: &Grade, letter: &str, reason: &str) {
    assert!(
        grade
            .caps
            .iter()
            .any(|cap| cap.letter.as_str() == letter && cap.reason.contains(reason)),
        "no cap {letter} for {reason:?}: {:?}",
        caps(grade)
    );
}

// ---- The guide's tables ---------------------------------------------------------------------

#[test]
fn scores_become_letters_by_the_guides_table() {
    for (score, letter) in [
        (100, "A"),
        (80, "A"),
        (79, "B"),
        (65, "B"),
        (64, "C"),
        (50, "C"),
        (49, "D"),
        (35, "D"),
        (34, "E"),
        (20, "E"),
        (19, "F"),
        (0, "F"),
    ] {
        assert_eq!(Letter::for_score(score).as_str(), letter, "score {score}");
    }
}

#[test]
fn protocol_key_exchange_and_cipher_points_follow_the_guides_tables() {
    // Table 2: SSL 2.0 0, SSL 3.0 80, TLS 1.0 90, TLS 1.1 95, TLS 1.2 100 (TLS 1.3 as 1.2).
    let points: Vec<u32> = ProtocolVersion::ALL
        .into_iter()
        .map(protocol_points)
        .collect();
    assert_eq!(points, [0, 80, 90, 95, 100, 100]);
    // Table 3, by its examples: under 512 bits 20; 512 40; 1024 80; 2048 90; 4096 100.
    assert_eq!(
        [256, 512, 1024, 2048, 3072, 4096, 8192].map(modulus_points),
        [20, 40, 80, 90, 90, 100, 100]
    );
    // Elliptic curves by the RSA size of equal strength: 160 bits ~ 1024, 224 ~ 2048, 256 ~ 3072+.
    assert_eq!(
        [160, 224, 256, 384, 521].map(curve_points),
        [80, 90, 100, 100, 100]
    );
    // Table 4, by its examples: 0 bits 0; 40 and 56 bits 20; 128 and 168 bits 80; 256 bits 100.
    assert_eq!(
        [0, 40, 56, 128, 168, 256].map(cipher_points),
        [0, 20, 20, 80, 80, 100]
    );
}

#[test]
fn each_category_takes_the_average_of_the_best_and_the_worst() {
    let facts = server(&[
        (Tls10, &[AES128_CBC_ECDHE]),
        (Tls12, &[AES128_GCM_ECDHE, AES256_GCM_ECDHE]),
    ]);
    let grade = graded(&facts);
    assert_eq!(
        grade.protocol_score, 95,
        "(TLS 1.2's 100 + TLS 1.0's 90) / 2"
    );
    assert_eq!(grade.key_exchange_score, 90, "RSA 2048");
    assert_eq!(grade.cipher_score, 90, "(256-bit 100 + 128-bit 80) / 2");
    // 95 x 30% + 90 x 30% + 90 x 40% = 28 + 27 + 36.
    assert_eq!(grade.score, 91);
    assert_eq!(
        grade.letter,
        Letter::B,
        "TLS 1.0 caps it: {:?}",
        caps(&grade)
    );
}

// ---- A+ and the A- caps of 2025 -------------------------------------------------------------

#[test]
fn a_modern_server_with_long_hsts_gets_a_plus() {
    let grade = graded(&modern());
    assert_eq!(grade.letter, Letter::APlus, "{:?}", caps(&grade));
    assert!(grade.caps.is_empty());
    assert!(grade.unknown.is_empty(), "{:?}", grade.unknown);
    assert_eq!(grade.underlying, None);
    assert_eq!(grade.display(), "A+");
}

#[test]
fn missing_or_short_hsts_caps_at_a_minus() {
    let mut facts = modern();
    if let Outcome::Ok(response) = &mut facts.https {
        response.hsts = None;
    }
    let grade = graded(&facts);
    assert_eq!(grade.letter, Letter::AMinus);
    assert_capped(&grade, "A-", "no HSTS");

    if let Outcome::Ok(response) = &mut facts.https {
        response.hsts = Some(parse_hsts("max-age=86400"));
    }
    let grade = graded(&facts);
    assert_eq!(grade.letter, Letter::AMinus);
    assert_capped(&grade, "A-", "HSTS max-age 86400 s is under 180 days");
}

#[test]
fn hsts_not_measured_leaves_an_a_and_says_so() {
    let mut facts = modern();
    facts.https = Outcome::Failed(ProbeError::new(
        ErrorKind::Timeout(Duration::from_secs(10)),
        Step::Response,
        "",
    ));
    let grade = graded(&facts);
    assert_eq!(grade.letter, Letter::A, "{:?}", caps(&grade));
    assert!(grade.unknown.iter().any(|what| what.contains("HSTS")));
}

#[test]
fn no_tls13_caps_at_a_minus() {
    let facts = server(&[(Tls12, &[AES128_GCM_ECDHE, AES256_GCM_ECDHE])]);
    let grade = graded(&facts);
    assert_eq!(grade.letter, Letter::AMinus);
    assert_capped(&grade, "A-", "TLSv1.3 is not accepted");
}

// ---- Protocol caps ---------------------------------------------------------------------------

#[test]
fn tls10_or_tls11_caps_at_b() {
    for version in [Tls10, Tls11] {
        let facts = server(&[
            (version, &[AES128_CBC_ECDHE]),
            (Tls12, &[AES128_GCM_ECDHE]),
            (Tls13, &[TLS13_AES128]),
        ]);
        let grade = graded(&facts);
        assert_eq!(grade.letter, Letter::B, "{version:?}");
        assert_capped(&grade, "B", &format!("{} is accepted", version.name()));
    }
}

#[test]
fn ssl3_caps_at_b_with_cbc_at_c_and_as_the_best_version_at_f() {
    let rc4_only = server(&[(Ssl3, &[RC4_RSA]), (Tls12, &[AES128_GCM_ECDHE])]);
    let grade = graded(&rc4_only);
    assert_capped(&grade, "B", "SSLv3 is accepted");
    assert!(!caps(&grade)
        .iter()
        .any(|(_, reason)| reason.contains("POODLE")));

    let cbc = server(&[(Ssl3, &[AES128_CBC_RSA]), (Tls12, &[AES128_GCM_ECDHE])]);
    let grade = graded(&cbc);
    assert_eq!(grade.letter, Letter::C);
    assert_capped(&grade, "C", "POODLE");

    let only = server(&[(Ssl3, &[AES128_CBC_RSA])]);
    let grade = graded(&only);
    assert_eq!(grade.letter, Letter::F);
    assert_capped(&grade, "F", "SSLv3 is the best version accepted");
}

#[test]
fn ssl2_is_an_f() {
    let facts = server(&[(Ssl2, &[]), (Tls12, &[AES128_GCM_ECDHE])]);
    let grade = graded(&facts);
    assert_eq!(grade.letter, Letter::F);
    assert_capped(&grade, "F", "SSLv2 is accepted");
    assert_eq!(grade.protocol_score, 50, "(100 + 0) / 2");
}

#[test]
fn without_tls12_or_tls13_the_grade_is_c_at_best() {
    let facts = server(&[(Tls10, &[AES128_CBC_ECDHE]), (Tls11, &[AES128_CBC_ECDHE])]);
    let grade = graded(&facts);
    assert_eq!(grade.letter, Letter::C);
    assert_capped(&grade, "C", "neither TLSv1.2 nor TLSv1.3 is accepted");
}

#[test]
fn cbc_with_tls10_and_nothing_later_is_beast() {
    let facts = server(&[(Tls10, &[AES128_CBC_ECDHE])]);
    let grade = graded(&facts);
    assert_capped(&grade, "B", "BEAST");
    // With TLS 1.1 or later to prefer, the server is not held to it.
    let later = server(&[(Tls10, &[AES128_CBC_ECDHE]), (Tls12, &[AES128_GCM_ECDHE])]);
    assert!(!caps(&graded(&later))
        .iter()
        .any(|(_, reason)| reason.contains("BEAST")));
}

// ---- Key exchange ---------------------------------------------------------------------------

#[test]
fn a_1024_bit_key_caps_at_b_and_a_512_bit_key_is_an_f() {
    let mut facts = modern();
    leaf(&mut facts).key.bits = 1024;
    let grade = graded(&facts);
    assert_eq!(grade.key_exchange_score, 80);
    assert_eq!(grade.letter, Letter::B);
    assert_capped(&grade, "B", "the certificate's RSA key of 1024 bits");

    leaf(&mut facts).key.bits = 512;
    let grade = graded(&facts);
    assert_eq!(grade.key_exchange_score, 40);
    assert_eq!(grade.letter, Letter::F);
    assert_capped(&grade, "F", "insecure key exchange");

    leaf(&mut facts).key.bits = 4096;
    assert_eq!(graded(&facts).key_exchange_score, 100);
}

#[test]
fn weak_dh_parameters_lower_the_key_exchange() {
    let mut facts = server(&[
        (Tls12, &[DHE_AES128_GCM, AES128_GCM_ECDHE]),
        (Tls13, &[TLS13_AES128]),
    ]);
    if let Outcome::Ok(enumeration) = &mut facts.enumeration {
        for suite in &mut enumeration.cipher_suites[0].suites {
            if suite.dh_bits.is_some() {
                suite.dh_bits = Some(1024);
            }
        }
    }
    let grade = graded(&facts);
    assert_eq!(grade.key_exchange_score, 80);
    assert_capped(&grade, "B", "1024-bit DH parameters");
}

#[test]
fn anonymous_key_exchange_zeroes_the_score() {
    let facts = server(&[(Tls12, &[ANON_AES128, AES128_GCM_ECDHE])]);
    let grade = graded(&facts);
    assert_eq!(grade.key_exchange_score, 0);
    assert_eq!(grade.score, 0, "a zero in any category zeroes the total");
    assert_eq!(grade.letter, Letter::F);
    assert_capped(
        &grade,
        "F",
        "anonymous suites: TLS_DH_anon_WITH_AES_128_CBC_SHA",
    );
}

// ---- Cipher caps ----------------------------------------------------------------------------

#[test]
fn export_null_and_des_suites_are_an_f() {
    for (code, reason) in [
        (EXPORT_RC4, "export suites: TLS_RSA_EXPORT_WITH_RC4_40_MD5"),
        (
            NULL_SHA,
            "suites weaker than 112 bits: TLS_RSA_WITH_NULL_SHA",
        ),
        (
            DES_RSA,
            "suites weaker than 112 bits: TLS_RSA_WITH_DES_CBC_SHA",
        ),
    ] {
        let facts = server(&[(Tls12, &[AES128_GCM_ECDHE, code]), (Tls13, &[TLS13_AES128])]);
        let grade = graded(&facts);
        assert_eq!(grade.letter, Letter::F, "{reason}");
        assert_capped(&grade, "F", reason);
    }
}

#[test]
fn rc4_caps_at_b_and_with_tls11_or_later_at_c() {
    let old = server(&[
        (Tls10, &[RC4_RSA]),
        (Tls12, &[AES128_GCM_ECDHE]),
        (Tls13, &[TLS13_AES128]),
    ]);
    let grade = graded(&old);
    assert_capped(&grade, "B", "RC4 suites: TLS_RSA_WITH_RC4_128_SHA");
    assert!(!caps(&grade)
        .iter()
        .any(|(_, reason)| reason.contains("RC4 with TLSv1.1")));

    let modern_rc4 = server(&[
        (Tls12, &[AES128_GCM_ECDHE, RC4_RSA]),
        (Tls13, &[TLS13_AES128]),
    ]);
    let grade = graded(&modern_rc4);
    assert_eq!(grade.letter, Letter::C);
    assert_capped(&grade, "C", "RC4 with TLSv1.1 or later");
}

#[test]
fn triple_des_with_tls11_or_later_caps_at_c() {
    let facts = server(&[
        (Tls12, &[AES128_GCM_ECDHE, TRIPLE_DES_RSA]),
        (Tls13, &[TLS13_AES128]),
    ]);
    let grade = graded(&facts);
    assert_eq!(grade.letter, Letter::C);
    assert_capped(&grade, "C", "SWEET32");
    assert_eq!(
        grade.cipher_score, 80,
        "168-bit 3DES scores like 128-bit AES"
    );
}

#[test]
fn no_forward_secrecy_or_no_aead_caps_at_b() {
    let static_rsa = server(&[(Tls12, &[AES128_GCM_RSA])]);
    let grade = graded(&static_rsa);
    assert_eq!(grade.letter, Letter::B);
    assert_capped(&grade, "B", "no suite with forward secrecy");

    let cbc_only = server(&[(Tls12, &[AES128_CBC_ECDHE])]);
    let grade = graded(&cbc_only);
    assert_eq!(grade.letter, Letter::B);
    assert_capped(&grade, "B", "no AEAD suite");
}

// ---- Certificate: T, M and the rest ---------------------------------------------------------

#[test]
fn an_untrusted_chain_is_t_with_the_letter_underneath() {
    let mut facts = modern();
    let chain = facts.chain.as_mut().expect("chain");
    chain.trust.trusted = false;
    let grade = graded(&facts);
    assert_eq!(grade.letter, Letter::T);
    assert_eq!(grade.underlying, Some(Letter::APlus));
    assert_eq!(grade.display(), "T (A+)");
    assert_capped(&grade, "T", "not trusted by root.pem");

    leaf(&mut facts).self_signed = true;
    assert_capped(&graded(&facts), "T", "the certificate is self-signed");
}

#[test]
fn expired_and_not_yet_valid_certificates_are_t() {
    let mut facts = modern();
    leaf(&mut facts).expired = true;
    let grade = graded(&facts);
    assert_eq!(grade.letter, Letter::T);
    assert_capped(&grade, "T", "the leaf certificate has expired");

    let mut facts = modern();
    leaf(&mut facts).not_yet_valid = true;
    assert_capped(
        &graded(&facts),
        "T",
        "the leaf certificate is not yet valid",
    );
}

#[test]
fn a_name_mismatch_is_m() {
    let mut facts = modern();
    let chain = facts.chain.as_mut().expect("chain");
    chain.hostname.matches = false;
    chain.hostname.name = "other.test".into();
    let grade = graded(&facts);
    assert_eq!(grade.letter, Letter::M);
    assert_eq!(grade.display(), "M (A+)");
    assert_capped(&grade, "M", "not valid for other.test");
}

#[test]
fn sha1_signatures_are_t_and_md5_signatures_an_f() {
    let mut facts = modern();
    leaf(&mut facts).signature_hash = Some(HashAlgorithm::Sha1);
    let grade = graded(&facts);
    assert_eq!(grade.letter, Letter::T);
    assert_capped(&grade, "T", "SHA-1");

    leaf(&mut facts).signature_hash = Some(HashAlgorithm::Md5);
    leaf(&mut facts).signature_algorithm = "md5WithRSAEncryption".into();
    let grade = graded(&facts);
    assert_eq!(grade.letter, Letter::F);
    assert_capped(&grade, "F", "signed with md5WithRSAEncryption");
}

#[test]
fn an_incomplete_chain_caps_at_b() {
    let mut facts = modern();
    facts.chain.as_mut().expect("chain").incomplete = true;
    let grade = graded(&facts);
    assert_eq!(grade.letter, Letter::B);
    assert_capped(&grade, "B", "the chain is incomplete");
}

// ---- What cannot be graded ------------------------------------------------------------------

#[test]
fn an_unreachable_target_has_no_grade() {
    let mut facts = modern();
    facts.unreachable = Some(ProbeError::new(ErrorKind::Refused, Step::Connect, ""));
    assert_eq!(grade(&facts), None);
}

#[test]
fn versions_the_scan_could_not_answer_are_listed_not_guessed() {
    let mut facts = modern();
    if let Outcome::Ok(enumeration) = &mut facts.enumeration {
        enumeration.protocols[2].support = Support::Unknown(ProbeError::new(
            ErrorKind::Timeout(Duration::from_secs(10)),
            Step::Handshake,
            "",
        ));
    }
    let grade = graded(&facts);
    assert_eq!(grade.letter, Letter::APlus);
    assert_eq!(grade.unknown, ["whether TLSv1.0 is accepted"]);
}

#[test]
fn caps_are_listed_worst_first() {
    let facts = server(&[
        (Tls10, &[AES128_CBC_ECDHE, RC4_RSA]),
        (Tls12, &[AES128_GCM_ECDHE, RC4_RSA]),
    ]);
    let grade = graded(&facts);
    let letters: Vec<&str> = grade.caps.iter().map(|cap| cap.letter.as_str()).collect();
    let mut sorted = letters.clone();
    sorted.sort_by_key(|letter| std::cmp::Reverse(Letter::parse(letter).expect("letter").rank()));
    assert_eq!(letters, sorted);
    assert_eq!(letters.first(), Some(&"C"));
    assert_eq!(letters.last(), Some(&"A-"));
}

#[test]
fn an_issuer_nobody_has_is_one_t_not_also_an_incomplete_chain() {
    let mut facts = modern();
    let chain = facts.chain.as_mut().expect("chain");
    chain.trust.trusted = false;
    chain.incomplete = true;
    chain.missing_issuer = Some("CN=Unknown CA".into());
    let grade = graded(&facts);
    assert_eq!(grade.display(), "T (A+)");
    assert_eq!(
        caps(&grade),
        [(
            "T",
            "the chain is not trusted by root.pem: its issuer CN=Unknown CA was neither sent nor known"
                .to_string()
        )]
    );
}
