//! TLS connection findings: a handshake rustls cannot complete, an unverifiable handshake
//! signature, and client-certificate (mutual TLS) behaviour.

use super::{finding, fix};
use crate::facts::{Finding, HostReport, Outcome, Severity};

pub fn findings(report: &HostReport) -> Vec<Finding> {
    let mut findings = Vec::new();
    let client_auth = report.client_auth.as_ref();
    let refused_for_client_cert = client_auth
        .is_some_and(|auth| auth.requested && !auth.presented && auth.required == Some(true));
    let refused_our_cert = client_auth.is_some_and(|auth| auth.accepted == Some(false));
    if let Outcome::Failed { reason } = &report.tls {
        // A refusal over client certificates explains the failure; it has its own finding.
        if !refused_for_client_cert && !refused_our_cert {
            findings.push(finding(
                "tls.handshake-failed",
                Severity::Critical,
                "A modern client (TLS 1.2/1.3, current cipher suites) cannot connect",
                reason.clone(),
                fix(
                    "ssl_protocols TLSv1.2 TLSv1.3; ssl_ciphers with ECDHE+AESGCM/CHACHA20 suites (e.g. Mozilla's intermediate list); reload nginx",
                    "SSLProtocol -all +TLSv1.2 +TLSv1.3 and an SSLCipherSuite with ECDHE+AESGCM suites; restart Apache",
                    "ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.minimum_version = ssl.TLSVersion.TLSv1_2; keep the default cipher list",
                ),
            ));
        }
    }
    if let Outcome::Ok(connection) = &report.tls {
        let weak_rsa_leaf = report
            .certificates
            .as_ref()
            .and_then(|chain| chain.certificates.first())
            .is_some_and(|leaf| leaf.key.algorithm == "RSA" && leaf.key.bits < 2048);
        if let (Some(error), false) = (&connection.handshake_signature_error, weak_rsa_leaf) {
            findings.push(finding(
                "tls.signature-unverifiable",
                Severity::High,
                "The server's handshake signature does not verify for a modern client",
                error.clone(),
                fix(
                    "use a certificate with an RSA-2048+ or ECDSA P-256 key (ssl_certificate/ssl_certificate_key)",
                    "use a certificate with an RSA-2048+ or ECDSA P-256 key (SSLCertificateFile/SSLCertificateKeyFile)",
                    "load a certificate with an RSA-2048+ or ECDSA P-256 key: ctx.load_cert_chain('fullchain.pem', 'server.key')",
                ),
            ));
        }
    }
    if let Some(auth) = client_auth {
        if refused_for_client_cert {
            findings.push(finding(
                "client-auth.required",
                Severity::Info,
                "The server requires a client certificate (mutual TLS)",
                format!(
                    "connection refused without a client certificate{}; pass --client-cert and --client-key to scan past it",
                    auth.refusal.as_deref().map(|a| format!(" (alert {a})")).unwrap_or_default()
                ),
                fix(
                    "intended for mutual TLS (ssl_verify_client on); to make it optional use ssl_verify_client optional",
                    "intended for mutual TLS (SSLVerifyClient require); to make it optional use SSLVerifyClient optional",
                    "intended for mutual TLS (ctx.verify_mode = ssl.CERT_REQUIRED); ssl.CERT_OPTIONAL makes it optional",
                ),
            ));
        }
        if auth.accepted == Some(false) {
            findings.push(finding(
                "client-auth.rejected",
                Severity::High,
                "The server refused the client certificate we presented",
                format!(
                    "server asked for a certificate from {}; ours was refused{}",
                    if auth.ca_names.is_empty() { "any CA".to_string() } else { auth.ca_names.join("; ") },
                    auth.refusal.as_deref().map(|a| format!(" with alert {a}")).unwrap_or_default()
                ),
                fix(
                    "ssl_client_certificate must name the CA that issued the client certificates (and ssl_verify_depth cover its chain)",
                    "SSLCACertificateFile must name the CA that issued the client certificates (and SSLVerifyDepth cover its chain)",
                    "ctx.load_verify_locations('client-ca.pem') must load the CA that issued the client certificates",
                ),
            ));
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::*;

    fn report(tls: Outcome<ConnectionFacts>, client_auth: Option<ClientAuthFacts>) -> HostReport {
        HostReport {
            tls,
            client_auth,
            ..crate::analysis::blank_report()
        }
    }

    fn auth(presented: bool, required: Option<bool>, accepted: Option<bool>) -> ClientAuthFacts {
        ClientAuthFacts {
            requested: true,
            ca_names: vec!["CN=Client CA".into()],
            presented,
            required,
            accepted,
            refusal: Some("certificate_required".into()),
        }
    }

    fn ids(report: &HostReport) -> Vec<String> {
        findings(report).into_iter().map(|f| f.id).collect()
    }

    fn failed() -> Outcome<ConnectionFacts> {
        Outcome::Failed {
            reason: "the server refused the handshake with alert protocol_version".into(),
        }
    }

    #[test]
    fn a_failed_handshake_is_critical_with_its_reason() {
        let found = findings(&report(failed(), None));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].id, "tls.handshake-failed");
        assert_eq!(found[0].severity, Severity::Critical);
        assert!(found[0].evidence.contains("protocol_version"));
    }

    #[test]
    fn refusal_for_a_missing_client_certificate_is_not_a_handshake_failure() {
        let found = ids(&report(failed(), Some(auth(false, Some(true), None))));
        assert_eq!(found, vec!["client-auth.required"]);
    }

    #[test]
    fn a_refused_client_certificate_is_high() {
        let found = findings(&report(failed(), Some(auth(true, Some(true), Some(false)))));
        let ids: Vec<&str> = found.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, vec!["client-auth.rejected"]);
        assert!(found[0].evidence.contains("CN=Client CA"));
    }

    #[test]
    fn an_accepted_client_certificate_has_no_findings() {
        let connection = ConnectionFacts {
            protocol: "TLSv1.3".into(),
            cipher_suite: "TLS_AES_128_GCM_SHA256".into(),
            cipher_suite_code: "0x1301".into(),
            key_exchange_group: Some("x25519".into()),
            alpn: None,
            tcp_connect_ms: 0.1,
            handshake_ms: 1.0,
            ocsp_stapled_bytes: None,
            handshake_signature_error: None,
        };
        let found = ids(&report(
            Outcome::Ok(connection),
            Some(auth(true, Some(true), Some(true))),
        ));
        assert!(found.is_empty(), "{found:?}");
    }
}
