//! The legacy TLS client (`probe::legacy`) against real servers on 127.0.0.1: OpenSSL's
//! s_server at security level 0 for TLS 1.0/1.1/1.2 with RSA, DHE and ECDHE key exchange and
//! CBC, Camellia or GCM records, and tlslite-ng for RC4, 3DES and SSLv3. Each completes the handshake, sends a
//! request and reads the server's page; s_server's `-www` page names the suite as the server
//! negotiated it, so both sides are checked to agree.

mod common;

use std::time::Duration;

use common::{OpensslServer, ServerGuard, TlsliteServer};
use tlscheck::probe::legacy::client::{LegacyConfig, LegacySession};
use tlscheck::tls::{groups, ProtocolVersion};
use tokio::net::TcpStream;

/// Connects, runs the handshake with `config`, sends a GET and returns the session and page.
async fn fetch(server: &ServerGuard, config: &LegacyConfig) -> (LegacySession<TcpStream>, String) {
    let stream = TcpStream::connect(("127.0.0.1", server.port()))
        .await
        .expect("connect");
    let mut session = tokio::time::timeout(
        Duration::from_secs(10),
        LegacySession::handshake(stream, config),
    )
    .await
    .expect("handshake in time")
    .unwrap_or_else(|error| panic!("handshake failed: {error}\n{}", server.log()));
    session
        .send(b"GET / HTTP/1.0\r\nHost: good.test\r\n\r\n")
        .await
        .expect("send request");
    let mut page = Vec::new();
    while let Some(data) = tokio::time::timeout(Duration::from_secs(10), session.recv())
        .await
        .expect("page in time")
        .expect("read page")
    {
        page.extend_from_slice(&data);
    }
    (session, String::from_utf8_lossy(&page).into_owned())
}

fn config(max: ProtocolVersion) -> LegacyConfig {
    LegacyConfig {
        max_version: max,
        ..LegacyConfig::everything(Some("good.test"))
    }
}

/// (s_server options, the OpenSSL suite it must pick, version, group) per case.
#[tokio::test]
async fn completes_handshakes_with_openssl_and_reads_the_page() {
    let dh = common::dh1024_params();
    let cases: Vec<(OpensslServer, &str, ProtocolVersion, Option<u16>)> = vec![
        (
            OpensslServer::new("good-fullchain.pem", "good.key")
                .tls12_only()
                .cipher("ECDHE-RSA-AES128-SHA"),
            "ECDHE-RSA-AES128-SHA",
            ProtocolVersion::Tls12,
            Some(groups::X25519),
        ),
        (
            OpensslServer::new("good-fullchain.pem", "good.key")
                .tls10_only()
                .cipher("AES256-SHA")
                .security_level(0),
            "AES256-SHA",
            ProtocolVersion::Tls10,
            None,
        ),
        (
            OpensslServer::new("good-fullchain.pem", "good.key")
                .tls10_only()
                .cipher("ECDHE-RSA-AES128-SHA")
                .security_level(0)
                .arg("-groups")
                .arg("P-256"),
            "ECDHE-RSA-AES128-SHA",
            ProtocolVersion::Tls10,
            Some(groups::SECP256R1),
        ),
        (
            OpensslServer::new("good-fullchain.pem", "good.key")
                .tls11_only()
                .cipher("DHE-RSA-AES128-SHA")
                .security_level(0)
                .dh_params(&dh),
            "DHE-RSA-AES128-SHA",
            ProtocolVersion::Tls11,
            None,
        ),
        (
            OpensslServer::new("good-fullchain.pem", "good.key")
                .tls12_only()
                .cipher("AES256-GCM-SHA384"),
            "AES256-GCM-SHA384",
            ProtocolVersion::Tls12,
            None,
        ),
        (
            OpensslServer::new("good-fullchain.pem", "good.key")
                .tls12_only()
                .cipher("ECDHE-RSA-AES256-SHA384")
                .arg("-groups")
                .arg("P-384"),
            "ECDHE-RSA-AES256-SHA384",
            ProtocolVersion::Tls12,
            Some(groups::SECP384R1),
        ),
        (
            OpensslServer::new("good-fullchain.pem", "good.key")
                .tls12_only()
                .cipher("DHE-RSA-AES128-GCM-SHA256")
                .dh_params(&dh)
                .security_level(0),
            "DHE-RSA-AES128-GCM-SHA256",
            ProtocolVersion::Tls12,
            None,
        ),
        (
            OpensslServer::new("good-fullchain.pem", "good.key")
                .tls10_only()
                .cipher("CAMELLIA128-SHA")
                .security_level(0),
            "CAMELLIA128-SHA",
            ProtocolVersion::Tls10,
            None,
        ),
        (
            OpensslServer::new("good-fullchain.pem", "good.key")
                .tls12_only()
                .cipher("ECDHE-RSA-CAMELLIA256-SHA384")
                .arg("-groups")
                .arg("P-384"),
            "ECDHE-RSA-CAMELLIA256-SHA384",
            ProtocolVersion::Tls12,
            Some(groups::SECP384R1),
        ),
        (
            OpensslServer::new("ec-fullchain.pem", "ec.key")
                .tls12_only()
                .cipher("ECDHE-ECDSA-AES128-SHA256"),
            "ECDHE-ECDSA-AES128-SHA256",
            ProtocolVersion::Tls12,
            Some(groups::X25519),
        ),
        (
            OpensslServer::new("ec-fullchain.pem", "ec.key")
                .tls10_only()
                .cipher("ECDHE-ECDSA-AES256-SHA")
                .security_level(0),
            "ECDHE-ECDSA-AES256-SHA",
            ProtocolVersion::Tls10,
            Some(groups::X25519),
        ),
    ];
    for (server, suite, version, group) in cases {
        let server = server.start();
        let (session, page) = fetch(&server, &config(ProtocolVersion::Tls12)).await;
        assert!(page.starts_with("HTTP/1.0 200 ok"), "{suite}: {page}");
        // s_server's page: "New, TLSv1.2, Cipher is ECDHE-RSA-AES128-SHA".
        assert!(
            page.contains(&format!(", Cipher is {suite}")),
            "{suite}: the server saw another suite:\n{page}"
        );
        assert_eq!(session.version(), version, "{suite}");
        let name =
            tlscheck::tls::suites::by_code(session.cipher_suite()).and_then(|s| s.openssl_name);
        assert_eq!(name, Some(suite));
        assert_eq!(session.group(), group, "{suite}");
        assert_eq!(session.server_messages().certificates.len(), 2, "{suite}");
        assert_eq!(session.verify_data().0.len(), 12);
    }
}

/// RC4 (with SHA-1 and MD5 MACs), 3DES and SSLv3, which Debian's OpenSSL no longer serves.
#[tokio::test]
async fn completes_rc4_3des_and_sslv3_handshakes_with_tlslite() {
    let cases = [
        (
            "rc4",
            "sha",
            "rsa",
            "tls1.0",
            0x0005,
            ProtocolVersion::Tls10,
        ),
        (
            "rc4",
            "md5",
            "rsa",
            "tls1.2",
            0x0004,
            ProtocolVersion::Tls12,
        ),
        (
            "3des",
            "sha",
            "rsa",
            "tls1.1",
            0x000a,
            ProtocolVersion::Tls11,
        ),
        (
            "3des",
            "sha",
            "ecdhe_rsa",
            "tls1.2",
            0xc012,
            ProtocolVersion::Tls12,
        ),
        // SSLv3: its own MAC, key derivation and Finished.
        ("rc4", "md5", "rsa", "ssl3", 0x0004, ProtocolVersion::Ssl3),
        ("3des", "sha", "rsa", "ssl3", 0x000a, ProtocolVersion::Ssl3),
        (
            "aes128",
            "sha",
            "rsa",
            "ssl3",
            0x002f,
            ProtocolVersion::Ssl3,
        ),
    ];
    for (cipher, mac, key_exchange, version_name, code, version) in cases {
        let server = TlsliteServer::new()
            .versions(version_name, version_name)
            .ciphers(cipher)
            .macs(mac)
            .key_exchange(key_exchange)
            .start();
        let config = LegacyConfig {
            // tlslite-ng 0.8.2 accepts extended_master_secret with SSLv3 and then fails on it
            // (an assertion in its SSLv3 key derivation); real SSLv3 servers predate it.
            extended_master_secret: version != ProtocolVersion::Ssl3,
            ..config(ProtocolVersion::Tls12)
        };
        let (session, page) = fetch(&server, &config).await;
        assert!(
            page.starts_with("HTTP/1.0 200 OK") && page.ends_with("hello from tlslite-ng\n"),
            "{cipher}: {page}"
        );
        assert_eq!(
            (session.cipher_suite(), session.version()),
            (code, version),
            "{cipher} {mac} {key_exchange}"
        );
    }
}

/// A server whose only suite the client did not offer refuses the handshake with an alert,
/// which comes back as the error.
#[tokio::test]
async fn a_server_with_nothing_in_common_answers_with_an_alert() {
    let server = OpensslServer::new("good-fullchain.pem", "good.key")
        .tls12_only()
        .cipher("ECDHE-RSA-AES128-SHA")
        .start();
    let config = LegacyConfig {
        suites: vec![0x009c], // AES128-GCM-SHA256 only
        ..config(ProtocolVersion::Tls12)
    };
    let stream = TcpStream::connect(("127.0.0.1", server.port()))
        .await
        .unwrap();
    let error = LegacySession::handshake(stream, &config)
        .await
        .expect_err("no suite in common");
    assert!(
        error.to_string().contains("handshake_failure") || error.to_string().contains("40"),
        "{error}"
    );
}

/// A stapled OCSP response (CertificateStatus) is read: `openssl ocsp` makes one for the good
/// leaf, signed by its issuer, and s_server staples it over TLS 1.0.
#[tokio::test]
async fn reads_the_stapled_ocsp_response() {
    let dir = tempfile::tempdir().unwrap();
    let openssl = common::require_tool("openssl");
    let run = |args: &[&str]| {
        let output = std::process::Command::new(&openssl)
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("run openssl");
        assert!(
            output.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_string()
    };
    let leaf = common::cert("good.pem");
    let issuer = common::cert("intermediate.pem");
    let serial = run(&["x509", "-in", &leaf, "-noout", "-serial"]);
    let subject = run(&[
        "x509", "-in", &leaf, "-noout", "-subject", "-nameopt", "compat",
    ]);
    std::fs::write(
        dir.path().join("index.txt"),
        format!(
            "V\t491231235959Z\t\t{}\tunknown\t{}\n",
            serial.trim_start_matches("serial="),
            subject.trim_start_matches("subject=")
        ),
    )
    .unwrap();
    run(&[
        "ocsp",
        "-issuer",
        &issuer,
        "-cert",
        &leaf,
        "-reqout",
        "req.der",
        "-no_nonce",
    ]);
    run(&[
        "ocsp",
        "-index",
        "index.txt",
        "-CA",
        &issuer,
        "-rsigner",
        &issuer,
        "-rkey",
        &common::cert("intermediate.key"),
        "-reqin",
        "req.der",
        "-respout",
        "resp.der",
        "-ndays",
        "1",
    ]);
    let response = std::fs::read(dir.path().join("resp.der")).unwrap();
    let server = OpensslServer::new("good-fullchain.pem", "good.key")
        .tls10_only()
        .security_level(0)
        .arg("-status_file")
        .arg(&dir.path().join("resp.der").display().to_string())
        .start();
    let (session, page) = fetch(&server, &config(ProtocolVersion::Tls12)).await;
    assert!(page.starts_with("HTTP/1.0 200 ok"), "{page}");
    assert_eq!(
        session.server_messages().ocsp_response.as_deref(),
        Some(response.as_slice())
    );
}

/// A client-initiated renegotiation (RFC 5746): s_server with `-client_renegotiation` runs a
/// second handshake inside the first, bound to it, and serves the page under the new keys; by
/// default OpenSSL 3 refuses with no_renegotiation.
#[tokio::test]
async fn renegotiates_securely_where_the_server_allows_it() {
    for (allowed, version) in [
        (true, ProtocolVersion::Tls12),
        (true, ProtocolVersion::Tls10),
        (false, ProtocolVersion::Tls12),
    ] {
        let mut server = OpensslServer::new("good-fullchain.pem", "good.key")
            .cipher("ECDHE-RSA-AES128-SHA:AES256-SHA")
            .security_level(0);
        server = if version == ProtocolVersion::Tls10 {
            server.tls10_only()
        } else {
            server.tls12_only()
        };
        if allowed {
            server = server.arg("-client_renegotiation");
        }
        let server = server.start();
        let stream = TcpStream::connect(("127.0.0.1", server.port()))
            .await
            .unwrap();
        let config = config(ProtocolVersion::Tls12);
        let mut session = LegacySession::handshake(stream, &config).await.unwrap();
        assert!(session.secure_renegotiation());
        let first = session.verify_data().0.to_vec();
        let renegotiated = tokio::time::timeout(
            Duration::from_secs(10),
            session.renegotiate(&LegacyConfig {
                suites: vec![0x0035], // AES256-SHA the second time
                ..config.clone()
            }),
        )
        .await
        .expect("renegotiation in time");
        if !allowed {
            let error = renegotiated.expect_err("OpenSSL 3 refuses client renegotiation");
            assert!(error.to_string().contains("no_renegotiation"), "{error}");
            continue;
        }
        renegotiated.unwrap_or_else(|error| panic!("{error}\n{}", server.log()));
        assert_ne!(session.verify_data().0, first.as_slice());
        assert_eq!(session.cipher_suite(), 0x0035);
        session.send(b"GET / HTTP/1.0\r\n\r\n").await.unwrap();
        let mut page = Vec::new();
        while let Some(data) = session.recv().await.unwrap() {
            page.extend_from_slice(&data);
        }
        let page = String::from_utf8_lossy(&page);
        assert!(page.contains("Cipher is AES256-SHA"), "{page}");
    }
}
