//! The reply parser on bytes captured from real servers (`testdata/wire/`, see its README): what
//! it reads from each, however the bytes are split, and the typed errors for damaged replies.

use tlscheck::tls::alert::AlertLevel;
use tlscheck::tls::server_reply::{
    DhParameters, EcParameters, KeyExchangeParameters, NotTlsKind, MAX_RECORD_PAYLOAD,
};
use tlscheck::tls::{
    groups, Alert, DecodeError, ProtocolVersion, ReadUntil, ReplyError, ReplyParser, ServerFlight,
    ServerReply,
};
use x509_parser::prelude::{FromDer, X509Certificate};

fn capture(name: &str) -> Vec<u8> {
    let path = format!("{}/testdata/wire/{name}.bin", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// Feeds `chunks` in order, then signals the end of the stream if no reply came.
fn parse_chunks<'a>(
    until: ReadUntil,
    chunks: impl IntoIterator<Item = &'a [u8]>,
) -> Result<ServerReply, ReplyError> {
    let mut parser = ReplyParser::new(until);
    for chunk in chunks {
        if let Some(reply) = parser.feed(chunk)? {
            return Ok(reply);
        }
    }
    parser.end_of_stream()
}

fn parse(bytes: &[u8]) -> Result<ServerReply, ReplyError> {
    parse_chunks(ReadUntil::ServerHelloDone, [bytes])
}

fn flight(bytes: &[u8]) -> Box<ServerFlight> {
    match parse(bytes) {
        Ok(ServerReply::Handshake(flight)) => flight,
        other => panic!("expected a handshake flight, got {other:?}"),
    }
}

fn common_name(der: &[u8]) -> String {
    let (_, certificate) = X509Certificate::from_der(der).expect("captured certificate parses");
    let name = certificate
        .subject()
        .iter_common_name()
        .next()
        .and_then(|name| name.as_str().ok())
        .unwrap_or_default()
        .to_owned();
    name
}

#[test]
fn reads_a_tls12_ecdhe_rsa_flight() {
    let flight = flight(&capture("tls12-ecdhe-rsa"));
    let hello = &flight.server_hello;
    assert_eq!(hello.protocol_version(), Some(ProtocolVersion::Tls12));
    assert_eq!(hello.cipher_suite, 0xc02f);
    assert_eq!(
        hello.suite().and_then(|suite| suite.openssl_name),
        Some("ECDHE-RSA-AES128-GCM-SHA256")
    );
    assert_eq!(hello.compression_method, 0);
    assert_eq!(hello.renegotiation_info.as_deref(), Some(&[][..]));
    assert!(hello.extended_master_secret);
    // OpenSSL 3 can do TLS 1.3, so it marks the downgrade to 1.2 in its random.
    assert_eq!(hello.downgrade_sentinel(), Some(ProtocolVersion::Tls12));

    let certificates = flight.certificates.as_ref().expect("certificate message");
    assert_eq!(certificates.len(), 1);
    assert_eq!(common_name(&certificates[0]), "tlscheck-wire-test");

    let exchange = flight
        .server_key_exchange
        .as_ref()
        .expect("server key exchange");
    let KeyExchangeParameters::Ec(EcParameters::NamedCurve { group, point }) = &exchange.parameters
    else {
        panic!("{exchange:?}");
    };
    assert_eq!((*group, point.len()), (groups::X25519, 32));
    let signature = exchange.signature.as_ref().expect("signed");
    assert_eq!(signature.scheme, Some(0x0804)); // rsa_pss_rsae_sha256
    assert_eq!(signature.signature.len(), 256); // RSA-2048

    assert!(flight.hello_done);
    assert!(flight.certificate_request.is_none());
    assert!(flight.warnings.is_empty() && flight.closing_alert.is_none());
}

#[test]
fn reads_the_dh_prime_size_of_a_dhe_suite() {
    let flight = flight(&capture("tls12-dhe-rsa-1024"));
    assert_eq!(flight.server_hello.cipher_suite, 0x0039); // DHE-RSA-AES256-SHA
    let exchange = flight.server_key_exchange.expect("server key exchange");
    let KeyExchangeParameters::Dh(dh) = &exchange.parameters else {
        panic!("{exchange:?}");
    };
    assert_eq!(dh.prime_bits(), 1024);
    assert_eq!(dh.generator, [2]);
    assert!(exchange.signature.is_some());
}

#[test]
fn reads_an_unsigned_anonymous_dh_exchange_without_certificates() {
    let flight = flight(&capture("tls12-anon-dh"));
    let suite = flight.server_hello.suite().expect("known suite");
    assert_eq!(suite.openssl_name, Some("ADH-AES128-SHA"));
    assert!(suite.is_anonymous());
    assert_eq!(flight.certificates, None);
    let exchange = flight.server_key_exchange.expect("server key exchange");
    assert!(matches!(
        exchange.parameters,
        KeyExchangeParameters::Dh(ref dh @ DhParameters { .. }) if dh.prime_bits() == 1024
    ));
    assert_eq!(exchange.signature, None);
    assert!(flight.hello_done);
}

#[test]
fn reads_a_certificate_request_and_its_authorities() {
    let flight = flight(&capture("tls12-cert-request"));
    assert_eq!(flight.server_hello.cipher_suite, 0xc030);
    let exchange = flight.server_key_exchange.expect("server key exchange");
    let KeyExchangeParameters::Ec(EcParameters::NamedCurve { group, point }) = &exchange.parameters
    else {
        panic!("{exchange:?}");
    };
    assert_eq!(
        (*group, point.len(), point.first()),
        (groups::SECP384R1, 97, Some(&4))
    );

    let request = flight.certificate_request.expect("certificate request");
    assert_eq!(request.certificate_types, [1, 2, 64]); // rsa_sign, dss_sign, ecdsa_sign
    assert!(request.signature_schemes.contains(&0x0804));
    assert_eq!(request.authorities.len(), 1);
    let (_, name) = x509_parser::x509::X509Name::from_der(&request.authorities[0]).unwrap();
    assert_eq!(name.to_string(), "CN=tlscheck-wire-test");
    assert!(flight.hello_done);
}

#[test]
fn joins_a_certificate_split_across_records() {
    let fragmented = flight(&capture("tls12-fragmented"));
    assert_eq!(fragmented.server_hello.cipher_suite, 0xc013); // ECDHE-RSA-AES128-SHA
                                                              // Same server certificate as in the unfragmented capture of the same run.
    assert_eq!(
        fragmented.certificates,
        flight(&capture("tls12-ecdhe-rsa")).certificates
    );
    assert!(matches!(
        fragmented
            .server_key_exchange
            .map(|exchange| exchange.parameters),
        Some(KeyExchangeParameters::Ec(EcParameters::NamedCurve {
            group: groups::SECP256R1,
            ..
        }))
    ));
    assert!(fragmented.hello_done);
}

/// Rewrites a capture so all its handshake messages share one record, as some servers send them.
fn coalesce_handshake_records(bytes: &[u8]) -> Vec<u8> {
    let mut handshake = Vec::new();
    let mut rest = bytes;
    while let [22, 3, _, high, low, after @ ..] = rest {
        let length = usize::from(u16::from_be_bytes([*high, *low]));
        handshake.extend_from_slice(&after[..length]);
        rest = &after[length..];
    }
    let mut record = vec![22, 3, 3];
    record.extend_from_slice(&u16::try_from(handshake.len()).unwrap().to_be_bytes());
    record.extend_from_slice(&handshake);
    record
}

#[test]
fn splits_several_messages_out_of_one_record() {
    let original = capture("tls12-cert-request");
    let coalesced = coalesce_handshake_records(&original);
    assert_eq!(coalesced.len(), original.len() - 4 * 5);
    assert_eq!(flight(&coalesced), flight(&original));
}

#[test]
fn gives_the_same_reply_however_the_bytes_arrive() {
    for name in [
        "tls12-ecdhe-rsa",
        "tls12-fragmented",
        "tls13",
        "alert-handshake-failure",
    ] {
        let bytes = capture(name);
        let whole = parse(&bytes).unwrap();
        let byte_by_byte = parse_chunks(ReadUntil::ServerHelloDone, bytes.chunks(1)).unwrap();
        assert_eq!(byte_by_byte, whole, "{name} fed byte by byte");
        for split in 1..bytes.len() {
            let (head, tail) = bytes.split_at(split);
            let two_reads = parse_chunks(ReadUntil::ServerHelloDone, [head, tail]).unwrap();
            assert_eq!(two_reads, whole, "{name} split at {split}");
        }
    }
}

#[test]
fn stops_at_the_server_hello_when_asked_to() {
    let bytes = capture("tls12-ecdhe-rsa");
    let server_hello_record = &bytes[..5 + 65];
    let reply = parse_chunks(ReadUntil::ServerHello, [server_hello_record]).unwrap();
    let ServerReply::Handshake(flight) = reply else {
        panic!("{reply:?}");
    };
    assert_eq!(flight.server_hello.cipher_suite, 0xc02f);
    assert_eq!(flight.certificates, None);
    assert!(!flight.hello_done);
}

#[test]
fn reports_a_flight_cut_short_by_the_connection_closing() {
    let bytes = capture("tls12-ecdhe-rsa");
    // ServerHello and half the Certificate record, then the connection closes.
    let reply = parse(&bytes[..5 + 65 + 400]).unwrap();
    let ServerReply::Handshake(flight) = reply else {
        panic!("{reply:?}");
    };
    assert_eq!(flight.server_hello.cipher_suite, 0xc02f);
    assert!(!flight.hello_done);
    assert_eq!(flight.certificates, None);
}

#[test]
fn reads_a_tls10_static_rsa_flight() {
    let flight = flight(&capture("tls10-rsa-cbc"));
    let hello = &flight.server_hello;
    assert_eq!(hello.protocol_version(), Some(ProtocolVersion::Tls10));
    assert_eq!(hello.selected_version, None);
    let suite = hello.suite().expect("known suite");
    assert_eq!(suite.openssl_name, Some("AES128-SHA"));
    assert!(suite.is_cbc() && !suite.has_forward_secrecy());
    // A TLS 1.0-only server has nothing to signal a downgrade from.
    assert_eq!(hello.downgrade_sentinel(), None);
    assert_eq!(flight.certificates.as_ref().map(Vec::len), Some(1));
    assert_eq!(flight.server_key_exchange, None);
    assert!(flight.hello_done);
}

#[test]
fn stops_at_a_tls13_server_hello() {
    let flight = flight(&capture("tls13"));
    let hello = &flight.server_hello;
    assert_eq!(hello.legacy_version, 0x0303);
    assert_eq!(hello.selected_version, Some(0x0304));
    assert_eq!(hello.protocol_version(), Some(ProtocolVersion::Tls13));
    assert_eq!(hello.cipher_suite, 0x1301); // the client's first choice
    assert_eq!(hello.key_share_group, Some(groups::X25519));
    assert_eq!(hello.session_id.len(), 32); // echoes the client's
    assert!(!hello.is_hello_retry_request());
    // Everything after the ServerHello is encrypted.
    assert_eq!(flight.certificates, None);
    assert!(!flight.hello_done);
}

#[test]
fn reads_the_group_a_hello_retry_request_asks_for() {
    let reply = parse(&capture("tls13-hello-retry")).unwrap();
    let ServerReply::HelloRetryRequest(retry) = reply else {
        panic!("{reply:?}");
    };
    assert!(retry.is_hello_retry_request());
    assert_eq!(retry.selected_version, Some(0x0304));
    assert_eq!(retry.key_share_group, Some(groups::SECP384R1));
    assert_eq!(retry.cipher_suite, 0x1301);
}

#[test]
fn reads_refusals_as_alerts() {
    for (name, description, description_name) in [
        ("alert-handshake-failure", 40, "handshake_failure"),
        ("alert-protocol-version", 70, "protocol_version"),
        ("sslv2-hello-to-openssl3", 70, "protocol_version"),
    ] {
        let reply = parse(&capture(name)).unwrap();
        let expected = Alert {
            level: AlertLevel::Fatal,
            description,
        };
        assert_eq!(reply, ServerReply::Alert(expected), "{name}");
        assert_eq!(expected.description_name(), Some(description_name));
    }
}

#[test]
fn classifies_a_plain_http_server_as_not_tls() {
    let reply = parse(&capture("plain-http-server")).unwrap();
    let ServerReply::NotTls(not_tls) = reply else {
        panic!("{reply:?}");
    };
    assert_eq!(not_tls.kind, NotTlsKind::Text);
    assert!(not_tls.first_bytes.starts_with(b"<!DOCTYPE HTML>"));
    assert_eq!(not_tls.first_bytes.len(), 64);

    let status_line = parse(b"HTTP/1.1 400 Bad Request\r\n\r\n").unwrap();
    assert!(matches!(status_line, ServerReply::NotTls(ref n) if n.kind == NotTlsKind::Http));
    let binary = parse(&[0x00, 0x01, 0xfe, 0x02, 0x03]).unwrap();
    assert!(matches!(binary, ServerReply::NotTls(ref n) if n.kind == NotTlsKind::Binary));
}

#[test]
fn tells_a_silent_close_from_a_reply() {
    assert_eq!(parse(&[]), Ok(ServerReply::ClosedWithoutReply));
    // A record header and no more.
    assert_eq!(
        parse(&[22, 3, 3, 0, 60]),
        Err(ReplyError::ClosedMidMessage {
            what: "record",
            buffered: 5
        })
    );
    // Half an SSLv2 SERVER-HELLO.
    assert_eq!(
        parse(&[0x80, 40, 4, 0, 1]),
        Err(ReplyError::ClosedMidMessage {
            what: "SSLv2 record",
            buffered: 5
        })
    );
    // Two bytes of something: too little to say what it is.
    assert!(matches!(parse(b"HT"), Ok(ServerReply::NotTls(_))));
}

/// An SSLv2 SERVER-HELLO around a real certificate (no local server speaks SSLv2).
#[test]
fn reads_an_sslv2_server_hello() {
    let certificates = flight(&capture("tls10-rsa-cbc")).certificates.unwrap();
    let certificate = &certificates[0];
    let specs = [0x01, 0x00, 0x80, 0x07, 0x00, 0xc0];
    let connection_id = [0x55; 16];
    let mut message = vec![4, 0, 1, 0, 2];
    for length in [certificate.len(), specs.len(), connection_id.len()] {
        message.extend_from_slice(&u16::try_from(length).unwrap().to_be_bytes());
    }
    message.extend_from_slice(certificate);
    message.extend_from_slice(&specs);
    message.extend_from_slice(&connection_id);
    let mut record = (u16::try_from(message.len()).unwrap() | 0x8000)
        .to_be_bytes()
        .to_vec();
    record.extend_from_slice(&message);

    let reply = parse_chunks(ReadUntil::ServerHello, record.chunks(7)).unwrap();
    let ServerReply::Sslv2(hello) = reply else {
        panic!("{reply:?}");
    };
    assert_eq!((hello.version, hello.certificate_type), (0x0002, 1));
    assert!(!hello.session_id_hit);
    assert_eq!(hello.certificate, *certificate);
    assert_eq!(hello.cipher_specs, [0x010080, 0x0700c0]);
    assert_eq!(hello.connection_id, connection_id);

    // NO-CIPHER-ERROR.
    assert_eq!(parse(&[0x80, 3, 0, 0, 1]), Ok(ServerReply::Sslv2Error(1)));
}

#[test]
fn rejects_damaged_replies_with_typed_errors() {
    let bytes = capture("tls12-ecdhe-rsa");

    let mut too_long = bytes.clone();
    too_long[3..5].copy_from_slice(&0x5000u16.to_be_bytes());
    assert_eq!(
        parse(&too_long),
        Err(ReplyError::RecordTooLong { length: 0x5000 })
    );
    const { assert!(0x5000 > MAX_RECORD_PAYLOAD) };

    // The second record claims to be version 0x0403.
    let mut bad_version = bytes.clone();
    bad_version[5 + 65 + 1] = 4;
    assert_eq!(
        parse(&bad_version),
        Err(ReplyError::BadRecordVersion { version: 0x0403 })
    );

    // The ServerHello's extension block says it is one byte longer than it is.
    let mut bad_hello = bytes.clone();
    bad_hello[5 + 4 + 2 + 32 + 1 + 2 + 1 + 1] += 1;
    assert!(matches!(
        parse(&bad_hello),
        Err(ReplyError::Malformed {
            message: "server hello",
            source: DecodeError::Truncated {
                what: "server hello extensions",
                ..
            }
        })
    ));

    // The certificate comes first.
    let certificate_first = &bytes[5 + 65..];
    assert_eq!(
        parse(certificate_first),
        Err(ReplyError::UnexpectedBeforeServerHello {
            what: "handshake message type 11".into()
        })
    );

    // A handshake header announcing 16 MiB.
    assert_eq!(
        parse(&[22, 3, 3, 0, 4, 11, 0xff, 0xff, 0xff]),
        Err(ReplyError::HandshakeMessageTooLong { length: 0xff_ffff })
    );

    let mut parser = ReplyParser::new(ReadUntil::ServerHelloDone);
    assert!(parser
        .feed(&capture("alert-handshake-failure"))
        .unwrap()
        .is_some());
    assert_eq!(parser.feed(&[0]), Err(ReplyError::AlreadyComplete));
    assert_eq!(parser.end_of_stream(), Err(ReplyError::AlreadyComplete));
}

/// Found by the `server_reply` fuzzer: a reply that is not TLS was called binary or text
/// depending on how its bytes were split in transit. Its kind now comes from its first five
/// bytes, whatever the split; the evidence is what had arrived.
#[test]
fn the_kind_of_a_reply_that_is_not_tls_does_not_depend_on_how_it_arrives() {
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
            NotTlsKind::Ssh,
        ),
        (b"HTTP/1.1 400 Bad Request\r\n\r\n", NotTlsKind::Http),
        (b"\x00\x01\x02\x03\x04 plain words", NotTlsKind::Binary),
    ];
    for (bytes, expected) in cases {
        for until in [ReadUntil::ServerHello, ReadUntil::ServerHelloDone] {
            for chunk in 1..=bytes.len() {
                match parse_chunks(until, bytes.chunks(chunk)) {
                    Ok(ServerReply::NotTls(not_tls)) => {
                        assert_eq!(not_tls.kind, expected, "{bytes:?} in pieces of {chunk}");
                        assert!(bytes.starts_with(&not_tls.first_bytes));
                    }
                    other => panic!("{bytes:?} in pieces of {chunk}: {other:?}"),
                }
            }
        }
    }
}
