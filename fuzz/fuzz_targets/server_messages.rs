//! Each handshake message decoder on its own, with a body of any bytes: ServerHello,
//! Certificate, ServerKeyExchange (for every suite tlscheck knows, at each version),
//! CertificateRequest and SSLv2's SERVER-HELLO. Must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlscheck::tls::server_messages::{
    decode_certificate_list, CertificateRequest, ServerHello, ServerKeyExchange, Sslv2ServerHello,
};
use tlscheck::tls::suites;

const VERSIONS: [u16; 5] = [0x0300, 0x0301, 0x0302, 0x0303, 0x0304];

fuzz_target!(|data: &[u8]| {
    let Some((&control, body)) = data.split_first() else {
        return;
    };
    let version = VERSIONS[usize::from(control) % VERSIONS.len()];
    match control % 5 {
        0 => {
            if let Ok(hello) = ServerHello::decode(body) {
                let _ = (hello.protocol_version(), hello.suite(), hello.downgrade_sentinel());
            }
        }
        1 => {
            let _ = decode_certificate_list(body);
        }
        2 => {
            // The suite is chosen by the next two bytes, so every key exchange is reached.
            let Some((code, body)) = body.split_first_chunk::<2>() else {
                return;
            };
            let suite = suites::by_code(u16::from_be_bytes(*code));
            let _ = ServerKeyExchange::decode(body, suite, version);
        }
        3 => {
            let _ = CertificateRequest::decode(body, version);
        }
        _ => {
            let _ = Sslv2ServerHello::decode(body);
        }
    }
});
