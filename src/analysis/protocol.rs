//! Protocol and cipher-suite findings from the enumeration: legacy versions, weak suites, weak
//! Diffie-Hellman parameters, and who picks the suite.

use super::{finding, fix};
use crate::facts::{EnumerationFacts, Finding, Fix, Outcome, Severity, SuiteFacts, VersionSuites};

/// DH primes below this many bits are weak (Logjam; NIST and Mozilla ask for 2048).
pub const DH_MIN_BITS: u32 = 2048;

const MODERN_PROTOCOLS: (&str, &str, &str) = (
    "ssl_protocols TLSv1.2 TLSv1.3;",
    "SSLProtocol -all +TLSv1.2 +TLSv1.3",
    "ctx.minimum_version = ssl.TLSVersion.TLSv1_2",
);
const MODERN_CIPHERS: (&str, &str, &str) = (
    "ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305; (Mozilla intermediate)",
    "SSLCipherSuite ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305 (Mozilla intermediate)",
    "ctx.set_ciphers('ECDHE+AESGCM:ECDHE+CHACHA20') (Python's default list is already safe: drop custom set_ciphers calls that add legacy suites)",
);

fn modern_protocols() -> Fix {
    fix(MODERN_PROTOCOLS.0, MODERN_PROTOCOLS.1, MODERN_PROTOCOLS.2)
}

fn modern_ciphers() -> Fix {
    fix(MODERN_CIPHERS.0, MODERN_CIPHERS.1, MODERN_CIPHERS.2)
}

pub fn findings(report: &crate::facts::HostReport) -> Vec<Finding> {
    match &report.enumeration {
        Outcome::Ok(facts) => enumeration_findings(facts),
        _ => Vec::new(),
    }
}

fn accepted(facts: &EnumerationFacts, version: &str) -> bool {
    facts
        .protocols
        .iter()
        .any(|p| p.version == version && p.accepted)
}

/// Suites (with their version) matching `predicate`, described as `TLSv1.0: A, B; TLSv1.2: C`.
fn matching(
    facts: &EnumerationFacts,
    predicate: impl Fn(&VersionSuites, &SuiteFacts) -> bool,
) -> Option<String> {
    let parts: Vec<String> = facts
        .cipher_suites
        .iter()
        .filter_map(|version| {
            let names: Vec<&str> = version
                .suites
                .iter()
                .filter(|suite| predicate(version, suite))
                .map(|suite| suite.openssl_name.as_deref().unwrap_or(&suite.name))
                .collect();
            (!names.is_empty()).then(|| format!("{}: {}", version.version, names.join(", ")))
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// A finding id, its severity and title, and which suites trigger it.
type WeakSuiteRule = (
    &'static str,
    Severity,
    &'static str,
    fn(&SuiteFacts) -> bool,
);

/// `VERSION<separator>EVIDENCE` for one version's probe, empty when it was not probed.
fn protocol_evidence(facts: &EnumerationFacts, version: &str, separator: &str) -> String {
    facts
        .protocols
        .iter()
        .find(|p| p.version == version)
        .map(|p| format!("{version}{separator}{}", p.evidence))
        .unwrap_or_default()
}

fn enumeration_findings(facts: &EnumerationFacts) -> Vec<Finding> {
    let mut findings = Vec::new();
    let evidence = |version: &str| protocol_evidence(facts, version, " accepted: ");
    let legacy = [
        (
            "SSLv2",
            "protocol.sslv2",
            Severity::Critical,
            "SSLv2 is accepted: broken since 1996 and exploitable by DROWN",
        ),
        (
            "SSLv3",
            "protocol.sslv3",
            Severity::High,
            "SSLv3 is accepted: broken by POODLE",
        ),
        (
            "TLSv1.0",
            "protocol.tls10",
            Severity::Medium,
            "TLS 1.0 is accepted: deprecated by RFC 8996, refused by current browsers",
        ),
        (
            "TLSv1.1",
            "protocol.tls11",
            Severity::Medium,
            "TLS 1.1 is accepted: deprecated by RFC 8996, refused by current browsers",
        ),
    ];
    for (version, id, severity, title) in legacy {
        if accepted(facts, version) {
            findings.push(finding(
                id,
                severity,
                title,
                evidence(version),
                modern_protocols(),
            ));
        }
    }
    let any_accepted = facts.protocols.iter().any(|p| p.accepted);
    if any_accepted && !accepted(facts, "TLSv1.2") {
        findings.push(finding(
            "protocol.no-tls12",
            Severity::High,
            "TLS 1.2 is not accepted: most clients need TLS 1.2 or 1.3",
            protocol_evidence(facts, "TLSv1.2", ": "),
            modern_protocols(),
        ));
    }
    if any_accepted && !accepted(facts, "TLSv1.3") {
        findings.push(finding(
            "protocol.no-tls13",
            Severity::Low,
            "TLS 1.3 is not accepted: it is faster and drops every legacy construction",
            protocol_evidence(facts, "TLSv1.3", ": "),
            fix(
                "ssl_protocols TLSv1.2 TLSv1.3; (needs OpenSSL 1.1.1 or later)",
                "SSLProtocol -all +TLSv1.2 +TLSv1.3 (needs OpenSSL 1.1.1 or later)",
                "ctx.maximum_version = ssl.TLSVersion.MAXIMUM_SUPPORTED (and no OP_NO_TLSv1_3)",
            ),
        ));
    }

    let weak_suites: [WeakSuiteRule; 6] = [
        (
            "cipher.null",
            Severity::Critical,
            "Suites without encryption (NULL) are accepted",
            |s| s.null,
        ),
        (
            "cipher.anonymous",
            Severity::Critical,
            "Anonymous suites are accepted: no server authentication, trivial to intercept",
            |s| s.anonymous,
        ),
        (
            "cipher.export",
            Severity::Critical,
            "Export-grade suites are accepted (FREAK, Logjam)",
            |s| s.export,
        ),
        (
            "cipher.rc4",
            Severity::High,
            "RC4 suites are accepted: RC4 is broken (RFC 7465)",
            |s| s.rc4,
        ),
        (
            "cipher.des",
            Severity::High,
            "Single-DES suites are accepted: 56-bit keys are brute-forced in hours",
            |s| s.des,
        ),
        (
            "cipher.3des",
            Severity::Medium,
            "3DES suites are accepted: 64-bit blocks allow SWEET32",
            |s| s.triple_des,
        ),
    ];
    for (id, severity, title, predicate) in weak_suites {
        if let Some(evidence) = matching(facts, |_, suite| predicate(suite)) {
            findings.push(finding(id, severity, title, evidence, modern_ciphers()));
        }
    }
    if let Some(evidence) = matching(facts, |version, suite| {
        version.version == "TLSv1.0" && suite.cbc
    }) {
        findings.push(finding(
            "cipher.cbc-tls10",
            Severity::Low,
            "CBC suites over TLS 1.0 (BEAST)",
            evidence,
            modern_protocols(),
        ));
    }
    let static_key_exchange = matching(facts, |_, suite| {
        !suite.forward_secrecy && !suite.anonymous && !suite.null
    });
    if let Some(evidence) = static_key_exchange {
        let any_forward_secret = facts
            .cipher_suites
            .iter()
            .flat_map(|v| &v.suites)
            .any(|s| s.forward_secrecy && !s.anonymous);
        findings.push(finding(
            "cipher.no-forward-secrecy",
            if any_forward_secret {
                Severity::Medium
            } else {
                Severity::High
            },
            if any_forward_secret {
                "Suites without forward secrecy (static RSA or DH key exchange) are accepted"
            } else {
                "No suite has forward secrecy: a stolen key decrypts all recorded traffic"
            },
            evidence,
            modern_ciphers(),
        ));
    }
    let modern_versions: Vec<&VersionSuites> = facts
        .cipher_suites
        .iter()
        .filter(|v| v.version == "TLSv1.2" || v.version == "TLSv1.3")
        .collect();
    if !modern_versions.is_empty()
        && !modern_versions
            .iter()
            .flat_map(|v| &v.suites)
            .any(|s| s.aead)
    {
        findings.push(finding(
            "cipher.no-aead",
            Severity::Medium,
            "No AEAD suite (AES-GCM, ChaCha20-Poly1305) is accepted",
            matching(facts, |v, _| v.version == "TLSv1.2").unwrap_or_default(),
            modern_ciphers(),
        ));
    }
    let weakest_dh = facts
        .cipher_suites
        .iter()
        .flat_map(|v| &v.suites)
        .filter_map(|s| s.dh_bits)
        .min();
    if let Some(bits) = weakest_dh.filter(|bits| *bits < DH_MIN_BITS) {
        findings.push(finding(
            "dh.weak",
            if bits <= 1024 {
                Severity::High
            } else {
                Severity::Medium
            },
            "Diffie-Hellman parameters are weaker than 2048 bits (Logjam)",
            format!(
                "{bits}-bit DH prime; {}",
                matching(facts, |_, s| s.dh_bits.is_some_and(|b| b < DH_MIN_BITS)).unwrap_or_default()
            ),
            fix(
                "openssl dhparam -out /etc/nginx/dhparam.pem 2048; ssl_dhparam /etc/nginx/dhparam.pem; (or drop DHE suites)",
                "SSLOpenSSLConfCmd DHParameters /etc/apache2/dhparam.pem with a 2048-bit group (or drop DHE suites)",
                "ctx.load_dh_params('dhparam-2048.pem') (or drop DHE suites from set_ciphers)",
            ),
        ));
    }
    let client_order: Vec<&str> = facts
        .cipher_suites
        .iter()
        .filter(|v| v.server_order == Some(false) && v.version != "TLSv1.3")
        .map(|v| v.version.as_str())
        .collect();
    if !client_order.is_empty() {
        findings.push(finding(
            "cipher.client-order",
            Severity::Low,
            "The server lets the client choose the cipher suite",
            format!("client's preference wins for {}", client_order.join(", ")),
            fix(
                "ssl_prefer_server_ciphers on;",
                "SSLHonorCipherOrder on",
                "ctx.options |= ssl.OP_CIPHER_SERVER_PREFERENCE",
            ),
        ));
    }
    let errors: Vec<String> = facts
        .protocols
        .iter()
        .filter_map(|p| p.error.as_ref().map(|e| format!("{}: {e}", p.version)))
        .collect();
    if !errors.is_empty() {
        findings.push(finding(
            "scan.incomplete",
            Severity::Info,
            "Some protocol probes failed, so their verdicts are unknown",
            errors.join("; "),
            fix("", "", ""),
        ));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::ProtocolFacts;

    fn suite(name: &str, tweak: impl Fn(&mut SuiteFacts)) -> SuiteFacts {
        let mut suite = SuiteFacts {
            name: name.into(),
            openssl_name: None,
            code: "0x0000".into(),
            key_exchange: "ECDHE".into(),
            bits: 128,
            forward_secrecy: true,
            aead: true,
            cbc: false,
            export: false,
            null: false,
            anonymous: false,
            rc4: false,
            des: false,
            triple_des: false,
            dh_bits: None,
            ecdh_group: None,
        };
        tweak(&mut suite);
        suite
    }

    fn facts(versions: &[(&str, Option<bool>, Vec<SuiteFacts>)]) -> EnumerationFacts {
        let all = ["SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"];
        EnumerationFacts {
            protocols: all
                .iter()
                .map(|v| ProtocolFacts {
                    version: v.to_string(),
                    accepted: versions.iter().any(|(name, _, _)| name == v),
                    evidence: "test".into(),
                    error: None,
                })
                .collect(),
            cipher_suites: versions
                .iter()
                .map(|(version, order, suites)| VersionSuites {
                    version: version.to_string(),
                    server_order: *order,
                    suites: suites.clone(),
                })
                .collect(),
            groups: vec![],
            groups_probed_with: None,
            groups_server_order: None,
            handshakes: 0,
            duration_ms: 0,
            max_connections: 5,
        }
    }

    fn ids(facts: &EnumerationFacts) -> Vec<String> {
        let mut ids: Vec<String> = enumeration_findings(facts)
            .into_iter()
            .map(|f| f.id)
            .collect();
        ids.sort();
        ids
    }

    #[test]
    fn a_modern_server_has_no_findings() {
        let modern = facts(&[
            (
                "TLSv1.2",
                Some(true),
                vec![suite("ECDHE-AESGCM", |_| {}), suite("ECDHE-CHACHA", |_| {})],
            ),
            (
                "TLSv1.3",
                Some(false),
                vec![suite("TLS_AES_128_GCM_SHA256", |_| {})],
            ),
        ]);
        assert!(ids(&modern).is_empty(), "{:?}", ids(&modern));
    }

    #[test]
    fn a_seed_style_legacy_server_gets_each_finding() {
        let cbc = |s: &mut SuiteFacts| {
            s.aead = false;
            s.cbc = true;
        };
        let legacy = facts(&[
            (
                "SSLv3",
                Some(true),
                vec![suite("RC4-SHA", |s| {
                    s.rc4 = true;
                    s.aead = false;
                    s.forward_secrecy = false;
                })],
            ),
            (
                "TLSv1.0",
                Some(false),
                vec![
                    suite("AES128-SHA", |s| {
                        cbc(s);
                        s.forward_secrecy = false;
                    }),
                    suite("DES-CBC3-SHA", |s| {
                        cbc(s);
                        s.triple_des = true;
                        s.forward_secrecy = false;
                    }),
                    suite("EDH-RSA-DES-CBC-SHA", |s| {
                        cbc(s);
                        s.des = true;
                        s.dh_bits = Some(1024);
                    }),
                ],
            ),
            (
                "TLSv1.2",
                Some(true),
                vec![suite("AES128-SHA", |s| {
                    cbc(s);
                    s.forward_secrecy = false;
                })],
            ),
        ]);
        assert_eq!(
            ids(&legacy),
            vec![
                "cipher.3des",
                "cipher.cbc-tls10",
                "cipher.client-order",
                "cipher.des",
                "cipher.no-aead",
                "cipher.no-forward-secrecy",
                "cipher.rc4",
                "dh.weak",
                "protocol.no-tls13",
                "protocol.sslv3",
                "protocol.tls10",
            ]
        );
        let all = enumeration_findings(&legacy);
        let dh = all.iter().find(|f| f.id == "dh.weak").unwrap();
        assert_eq!(dh.severity, Severity::High);
        assert!(
            dh.evidence.starts_with("1024-bit DH prime"),
            "{}",
            dh.evidence
        );
        let order = all.iter().find(|f| f.id == "cipher.client-order").unwrap();
        assert_eq!(order.evidence, "client's preference wins for TLSv1.0");
        // Some suites have forward secrecy (EDH), so static RSA is medium, not high.
        let fs = all
            .iter()
            .find(|f| f.id == "cipher.no-forward-secrecy")
            .unwrap();
        assert_eq!(fs.severity, Severity::Medium);
    }

    #[test]
    fn sslv2_export_null_and_anonymous_are_critical() {
        let awful = facts(&[
            (
                "SSLv2",
                None,
                vec![suite("EXP-RC4-MD5", |s| {
                    s.export = true;
                    s.rc4 = true;
                    s.aead = false;
                    s.forward_secrecy = false;
                })],
            ),
            (
                "TLSv1.0",
                Some(true),
                vec![
                    suite("NULL-SHA", |s| {
                        s.null = true;
                        s.aead = false;
                        s.forward_secrecy = false;
                    }),
                    suite("ADH-AES128-SHA", |s| {
                        s.anonymous = true;
                        s.aead = false;
                        s.cbc = true;
                    }),
                ],
            ),
        ]);
        let all = enumeration_findings(&awful);
        for id in [
            "protocol.sslv2",
            "cipher.export",
            "cipher.null",
            "cipher.anonymous",
        ] {
            let found = all
                .iter()
                .find(|f| f.id == id)
                .unwrap_or_else(|| panic!("{id}"));
            assert_eq!(found.severity, Severity::Critical, "{id}");
        }
        assert!(all
            .iter()
            .any(|f| f.id == "protocol.no-tls12" && f.severity == Severity::High));
        // Only anonymous suites have forward secrecy here: no FS in the real sense.
        let fs = all
            .iter()
            .find(|f| f.id == "cipher.no-forward-secrecy")
            .unwrap();
        assert_eq!(fs.severity, Severity::High);
    }

    #[test]
    fn dh_between_1024_and_2048_bits_is_medium() {
        let facts = facts(&[(
            "TLSv1.2",
            Some(true),
            vec![suite("DHE-RSA-AES128-GCM-SHA256", |s| {
                s.dh_bits = Some(1536)
            })],
        )]);
        let all = enumeration_findings(&facts);
        let dh = all.iter().find(|f| f.id == "dh.weak").unwrap();
        assert_eq!(dh.severity, Severity::Medium);
    }
}
