//! Self-test of the integration-test harness in tests/common: each helper checked against real
//! servers on 127.0.0.1 and real clients (std sockets, openssl s_client). It tests no tlscheck
//! feature.

mod common;

use std::io::Cursor;

use common::*;

// ---------------------------------------------------------------------------------------------
// ClientHellos at the byte level

#[test]
fn client_hello_parser_reads_the_offered_versions() {
    let modern = ClientHello::parse(&tls13_client_hello()).expect("parse the TLS 1.3 hello");
    assert_eq!(modern.legacy_version, 0x0303);
    assert_eq!(modern.supported_versions(), vec![0x0304, 0x0303]);
    assert!(modern.offers_tls13());
    assert_eq!(&modern.cipher_suites[..3], &[0x1301, 0x1302, 0x1303]);

    let legacy = ClientHello::parse(&tls12_client_hello()).expect("parse the TLS 1.2 hello");
    assert_eq!(legacy.supported_versions(), Vec::<u16>::new());
    assert!(!legacy.offers_tls13());
    assert_eq!(legacy.cipher_suites[0], 0xc02f);
}

#[test]
fn client_hello_parser_rejects_every_truncation_without_panicking() {
    let hello = tls13_client_hello();
    for length in 0..hello.len() {
        assert_eq!(ClientHello::parse(&hello[..length]), None, "{length} bytes");
    }
    assert_eq!(ClientHello::parse(b"GET / HTTP/1.1\r\n\r\n"), None);
    // A session id longer than 32 bytes.
    let mut bad = hello.clone();
    bad[5 + 4 + 2 + 32] = 33;
    assert_eq!(ClientHello::parse(&bad), None);
}

#[test]
fn client_hello_split_over_two_records_is_reassembled() {
    let hello = tls13_client_hello();
    let message = &hello[5..];
    let (head, tail) = message.split_at(10);
    let mut flight = Vec::new();
    for part in [head, tail] {
        flight.extend_from_slice(&[0x16, 0x03, 0x01]);
        flight.extend_from_slice(&u16::try_from(part.len()).unwrap().to_be_bytes());
        flight.extend_from_slice(part);
    }
    let parsed = ClientHello::parse(&flight).expect("parse the fragmented hello");
    assert!(parsed.offers_tls13());

    // The proxy reads exactly the hello's records, not the bytes after them.
    let mut followed = flight.clone();
    followed.extend_from_slice(b"application data");
    assert_eq!(read_first_flight(&mut Cursor::new(followed)), flight);
    // Bytes that do not start a handshake record: only the first byte is read.
    assert_eq!(
        read_first_flight(&mut Cursor::new(b"GET / HTTP/1.1\r\n".to_vec())),
        b"G".to_vec()
    );
}
