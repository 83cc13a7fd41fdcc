//! The legacy client's handshake against a server that sends any bytes: every record, message
//! and key-exchange decoder it runs before the server has proved its keys (ServerHello,
//! Certificate, ServerKeyExchange and its signature, CertificateRequest, alerts, record
//! framing). The client's own writes go nowhere. Must never panic or hang: the bytes run out.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlscheck::probe::legacy::client::{LegacyConfig, LegacySession};

fuzz_target!(|data: &[u8]| {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let stream = tokio::io::join(data, tokio::io::sink());
    let config = LegacyConfig::everything(Some("fuzz.test"));
    let _ = runtime.block_on(LegacySession::handshake(stream, &config));
});
