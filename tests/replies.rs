//! The TLS decoders on real servers' replies, captured from the wire by
//! `testdata/replies/capture.sh` (openssl s_server answering openssl s_client). The same files seed
//! the fuzzers (`fuzz/`). Each reply is fed whole, then one byte at a time: the parser must give
//! the same answer however the bytes arrive.

use tlscheck::tls::alert::AlertLevel;
use tlscheck::tls::server_messages::KeyExchangeParameters;
use tlscheck::tls::server_reply::{ReadUntil, ReplyParser, ServerReply};

fn capture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/testdata/replies/{name}.server",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// The reply `bytes` make, fed in chunks of `chunk` bytes.
fn parse(bytes: &[u8], until: ReadUntil, chunk: usize) -> ServerReply {
    let mut parser = ReplyParser::new(until);
    for piece in bytes.chunks(chunk) {
        if let Some(reply) = parser.feed(piece).expect("a real server's reply parses") {
            return reply;
        }
    }
    parser
        .end_of_stream()
        .expect("a real server's reply parses")
}

fn flight(name: &str) -> tlscheck::tls::server_reply::ServerFlight {
    let bytes = capture(name);
    let whole = parse(&bytes, ReadUntil::ServerHelloDone, bytes.len());
    let bytewise = parse(&bytes, ReadUntil::ServerHelloDone, 1);
    assert_eq!(
        whole, bytewise,
        "{name}: the answer depends on how the bytes arrive"
    );
    match whole {
        ServerReply::Handshake(flight) => *flight,
        other => panic!("{name}: expected a handshake, got {other:?}"),
    }
}

#[test]
fn a_tls12_ecdhe_flight_has_its_suite_chain_and_curve() {
    let flight = flight("tls12-ecdhe");
    assert_eq!(flight.server_hello.legacy_version, 0x0303);
    assert_eq!(flight.server_hello.cipher_suite, 0xc02f); // ECDHE-RSA-AES128-GCM-SHA256
    assert!(flight.hello_done);
    assert_eq!(
        flight.certificates.as_ref().map(Vec::len),
        Some(2),
        "leaf and intermediate"
    );
    match flight.server_key_exchange.map(|kx| kx.parameters) {
        Some(KeyExchangeParameters::Ec(_)) => {}
        other => panic!("expected ECDH parameters, got {other:?}"),
    }
    assert!(flight.server_hello.renegotiation_info.is_some());
    assert!(flight.server_hello.extended_master_secret);
}

#[test]
fn a_tls12_rsa_flight_has_no_key_exchange_message() {
    let flight = flight("tls12-rsa");
    assert_eq!(flight.server_hello.cipher_suite, 0x002f); // AES128-SHA
    assert!(flight.hello_done);
    assert!(flight.server_key_exchange.is_none());
    assert_eq!(flight.certificates.map(|chain| chain.len()), Some(2));
}

#[test]
fn a_tls12_dhe_flight_has_its_prime() {
    let flight = flight("tls12-dhe");
    assert_eq!(flight.server_hello.cipher_suite, 0x009e); // DHE-RSA-AES128-GCM-SHA256
    match flight.server_key_exchange.map(|kx| kx.parameters) {
        Some(KeyExchangeParameters::Dh(dh)) => assert!(dh.prime_bits() >= 2048, "{dh:?}"),
        other => panic!("expected DH parameters, got {other:?}"),
    }
}

#[test]
fn a_tls10_flight_is_read_as_tls10() {
    let flight = flight("tls10-ecdhe");
    assert_eq!(flight.server_hello.legacy_version, 0x0301);
    assert_eq!(flight.server_hello.cipher_suite, 0xc013); // ECDHE-RSA-AES128-SHA
    assert!(flight.hello_done);
}

#[test]
fn a_certificate_request_names_the_accepted_authorities() {
    let flight = flight("tls12-client-auth");
    let request = flight.certificate_request.expect("a CertificateRequest");
    assert_eq!(request.authorities.len(), 1, "the client CA");
    assert!(!request.signature_schemes.is_empty());
}

#[test]
fn a_tls13_reply_stops_at_its_encrypted_flight() {
    let flight = flight("tls13");
    assert_eq!(flight.server_hello.selected_version, Some(0x0304));
    assert_eq!(flight.server_hello.key_share_group, Some(0x001d)); // x25519
                                                                   // The certificate is encrypted in TLS 1.3.
    assert!(flight.certificates.is_none());
}

#[test]
fn a_hello_retry_request_asks_for_its_group() {
    let bytes = capture("tls13-hrr");
    for chunk in [bytes.len(), 1] {
        match parse(&bytes, ReadUntil::ServerHelloDone, chunk) {
            ServerReply::HelloRetryRequest(hello) => {
                assert_eq!(hello.key_share_group, Some(0x0017)) // secp256r1
            }
            other => panic!("expected a HelloRetryRequest, got {other:?}"),
        }
    }
}

#[test]
fn a_refusal_is_its_alert() {
    let bytes = capture("alert-protocol-version");
    for chunk in [bytes.len(), 1] {
        match parse(&bytes, ReadUntil::ServerHello, chunk) {
            ServerReply::Alert(alert) => {
                assert_eq!(alert.level, AlertLevel::Fatal);
                assert_eq!(alert.description, 70); // protocol_version
            }
            other => panic!("expected an alert, got {other:?}"),
        }
    }
}

/// Every prefix of every capture gives an answer or an error, never a panic, and a truncated
/// reply is never taken for a complete flight.
#[test]
fn every_prefix_of_every_capture_is_handled() {
    let dir = format!("{}/testdata/replies", env!("CARGO_MANIFEST_DIR"));
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).expect("testdata/replies") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("server") {
            continue;
        }
        files += 1;
        let bytes = std::fs::read(&path).expect("capture");
        for end in 0..bytes.len().min(4096) {
            let mut parser = ReplyParser::new(ReadUntil::ServerHelloDone);
            let fed = parser.feed(&bytes[..end]);
            if let Ok(None) = fed {
                if let Ok(ServerReply::Handshake(flight)) = parser.end_of_stream() {
                    let whole = parse(&bytes, ReadUntil::ServerHelloDone, bytes.len());
                    if let ServerReply::Handshake(complete) = whole {
                        if complete.hello_done && flight.hello_done {
                            assert_eq!(*flight, *complete, "{}: prefix {end}", path.display());
                        }
                    }
                }
            }
        }
    }
    assert!(files >= 8, "the captures are missing from {dir}");
}

/// Found by the `server_reply` fuzzer: a reply that is not TLS was called binary or text
/// depending on how its bytes were split in transit. Its kind now comes from its first five
/// bytes, whatever the split; the evidence is what had arrived.
#[test]
fn the_kind_of_a_reply_that_is_not_tls_does_not_depend_on_how_it_arrives() {
    use tlscheck::tls::server_reply::NotTlsKind;
    let cases: [(&[u8], NotTlsKind); 4] = [
        (
            &[
                0xd3, 0xd3, 0xd3, 0xd3, 0xd3, 0xd3, 0xd3, 0xd3, 0xd3, 0x15, 0x03, 0x08, 0x00, 0x02,
                0x00, 0x00, 0x00, 0x00, 0x02, 0x46,
            ],
            NotTlsKind::Binary,
        ),
        (
            b"SSH-2.0-OpenSSH_9.2\r\n\x00\x00\x01\x14\x0a\x14",
            NotTlsKind::Text,
        ),
        (b"HTTP/1.1 400 Bad Request\r\n\r\n", NotTlsKind::Http),
        (b"\x00\x01\x02\x03\x04 plain words", NotTlsKind::Binary),
    ];
    for (bytes, expected) in cases {
        for until in [ReadUntil::ServerHello, ReadUntil::ServerHelloDone] {
            for chunk in 1..=bytes.len() {
                match parse(bytes, until, chunk) {
                    ServerReply::NotTls(not_tls) => {
                        assert_eq!(not_tls.kind, expected, "{bytes:?} in pieces of {chunk}");
                        assert!(bytes.starts_with(&not_tls.first_bytes));
                    }
                    other => panic!("{bytes:?} in pieces of {chunk}: {other:?}"),
                }
            }
        }
    }
}
