//! Fuzz target: the server reply parser, fed arbitrary bytes in arbitrary pieces, and the message
//! decoders on their own. Nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlscheck::tls::server_messages::{CertificateRequest, ServerHello, ServerKeyExchange};
use tlscheck::tls::{suites, ReadUntil, ReplyParser, Sslv2ServerHello};

fuzz_target!(|data: &[u8]| {
    let Some((&control, bytes)) = data.split_first() else {
        return;
    };
    let until = if control & 1 == 0 {
        ReadUntil::ServerHello
    } else {
        ReadUntil::ServerHelloDone
    };
    // The other bits pick the size of each read, 1 to 128 bytes.
    let piece = usize::from(control >> 1) + 1;
    let mut parser = ReplyParser::new(until);
    let mut finished = false;
    for chunk in bytes.chunks(piece) {
        match parser.feed(chunk) {
            Ok(None) => {}
            Ok(Some(_)) | Err(_) => {
                finished = true;
                break;
            }
        }
    }
    if !finished {
        let _ = parser.end_of_stream();
    }

    let registry = suites::all();
    let suite = registry.get(usize::from(control) * 3 % registry.len());
    let version = if control & 2 == 0 { 0x0301 } else { 0x0303 };
    let _ = ServerHello::decode(bytes);
    let _ = ServerKeyExchange::decode(bytes, suite, version);
    let _ = CertificateRequest::decode(bytes, version);
    let _ = Sslv2ServerHello::decode(bytes);
});
