//! Property tests of the wire codec: arbitrary, truncated and corrupted server replies never make
//! the parser panic, and any ClientHello the builder encodes is read back by tls-parser.

use proptest::prelude::*;
use tlscheck::tls::server_messages::{CertificateRequest, ServerHello, ServerKeyExchange};
use tlscheck::tls::{
    suites, ClientHello, ProtocolVersion, ReadUntil, ReplyError, ReplyParser, ServerReply,
    Sslv2ServerHello,
};

const CAPTURES: &[&str] = &[
    "tls12-ecdhe-rsa",
    "tls12-dhe-rsa-1024",
    "tls12-anon-dh",
    "tls12-cert-request",
    "tls12-fragmented",
    "tls10-rsa-cbc",
    "tls13",
    "tls13-hello-retry",
    "alert-handshake-failure",
    "plain-http-server",
];

fn capture(name: &str) -> Vec<u8> {
    let path = format!("{}/testdata/wire/{name}.bin", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// Feeds `bytes` cut at the given points (taken modulo the length), then ends the stream.
fn parse_in_pieces(
    until: ReadUntil,
    bytes: &[u8],
    cuts: &[usize],
) -> Result<ServerReply, ReplyError> {
    let mut cuts: Vec<usize> = cuts.iter().map(|cut| cut % (bytes.len() + 1)).collect();
    cuts.sort_unstable();
    let mut parser = ReplyParser::new(until);
    let mut start = 0;
    for end in cuts.into_iter().chain([bytes.len()]) {
        if let Some(reply) = parser.feed(&bytes[start..end])? {
            return Ok(reply);
        }
        start = end;
    }
    parser.end_of_stream()
}

fn until() -> impl Strategy<Value = ReadUntil> {
    prop_oneof![
        Just(ReadUntil::ServerHello),
        Just(ReadUntil::ServerHelloDone)
    ]
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..4096),
        cuts in proptest::collection::vec(any::<usize>(), 0..8),
        until in until(),
    ) {
        let _ = parse_in_pieces(until, &bytes, &cuts);
    }

    #[test]
    fn arbitrary_tls_records_never_panic(
        records in proptest::collection::vec(
            (20u8..=24, 0u8..=4, proptest::collection::vec(any::<u8>(), 0..600)),
            1..6,
        ),
        until in until(),
    ) {
        // Well-framed records with arbitrary payloads get past the framing into the decoders.
        let mut bytes = Vec::new();
        for (content_type, minor, payload) in records {
            bytes.extend_from_slice(&[content_type, 3, minor]);
            bytes.extend_from_slice(&(payload.len() as u16).to_be_bytes());
            bytes.extend_from_slice(&payload);
        }
        let _ = parse_in_pieces(until, &bytes, &[]);
    }

    #[test]
    fn truncated_captures_never_panic_and_never_invent_a_server_hello(
        capture_index in 0..CAPTURES.len(),
        keep in any::<usize>(),
        cuts in proptest::collection::vec(any::<usize>(), 0..4),
        until in until(),
    ) {
        let bytes = capture(CAPTURES[capture_index]);
        let full = parse_in_pieces(until, &bytes, &[]);
        let truncated = &bytes[..keep % (bytes.len() + 1)];
        if let (Ok(ServerReply::Handshake(part)), Ok(ServerReply::Handshake(whole))) =
            (parse_in_pieces(until, truncated, &cuts), full)
        {
            prop_assert_eq!(&part.server_hello, &whole.server_hello);
        }
    }

    #[test]
    fn corrupted_captures_never_panic(
        capture_index in 0..CAPTURES.len(),
        corruptions in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4),
        cuts in proptest::collection::vec(any::<usize>(), 0..4),
        until in until(),
    ) {
        let mut bytes = capture(CAPTURES[capture_index]);
        let length = bytes.len();
        for (position, value) in corruptions {
            bytes[position % length] = value;
        }
        let _ = parse_in_pieces(until, &bytes, &cuts);
    }

    #[test]
    fn message_decoders_never_panic(
        body in proptest::collection::vec(any::<u8>(), 0..1024),
        suite_index in any::<usize>(),
        version in prop_oneof![Just(0x0300u16), Just(0x0301), Just(0x0303), any::<u16>()],
    ) {
        let registry = suites::all();
        let suite = registry.get(suite_index % registry.len());
        let _ = ServerHello::decode(&body);
        let _ = ServerKeyExchange::decode(&body, suite, version);
        let _ = CertificateRequest::decode(&body, version);
        let _ = Sslv2ServerHello::decode(&body);
    }

    #[test]
    fn encoded_client_hellos_read_back(
        suite_codes in proptest::collection::vec(any::<u16>(), 1..400),
        host in "[a-z][a-z0-9-]{0,30}(\\.[a-z]{2,10}){0,3}",
        version in prop_oneof![
            Just(ProtocolVersion::Ssl3),
            Just(ProtocolVersion::Tls10),
            Just(ProtocolVersion::Tls12),
            Just(ProtocolVersion::Tls13),
        ],
    ) {
        let mut hello = ClientHello::new(version, suite_codes.clone()).unwrap();
        if version > ProtocolVersion::Ssl3 {
            hello = hello.with_server_name(&host);
        }
        let bytes = hello.encode().unwrap();
        prop_assert_eq!(hello.encoded_len(), Ok(bytes.len()));
        let (rest, record) = tls_parser::parse_tls_plaintext(&bytes).unwrap();
        prop_assert!(rest.is_empty());
        let [tls_parser::TlsMessage::Handshake(
            tls_parser::TlsMessageHandshake::ClientHello(parsed),
        )] = &record.msg[..] else {
            panic!("not one ClientHello: {:?}", record.msg);
        };
        let parsed_suites: Vec<u16> = parsed.ciphers.iter().map(|suite| suite.0).collect();
        prop_assert_eq!(parsed_suites, suite_codes);
        // Padding keeps the handshake message out of the 256–511-byte range.
        let message_len = bytes.len() - 5;
        prop_assert!(version == ProtocolVersion::Ssl3 || !(256..512).contains(&message_len));
    }
}
