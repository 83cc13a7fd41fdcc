//! A diagnostic legacy TLS client, for what rustls will not speak: SSLv3 to TLS 1.2 with RSA,
//! DHE and ECDHE key exchange and CBC (AES, Camellia, 3DES, DES), RC4 or AES-GCM records. It
//! only ever sends the probe's own requests.
//!
//! [`client::LegacySession::handshake`] makes one full handshake over any stream with the
//! versions, suites, groups and extensions of a [`client::LegacyConfig`]; the session then holds
//! the transcript, the server's messages, the verify data and the master secret, and sends and
//! receives records ([`client::LegacySession::send`], [`client::LegacySession::recv`],
//! [`client::LegacySession::send_record`], [`client::LegacySession::recv_record`]) and
//! renegotiates ([`client::LegacySession::renegotiate`], RFC 5746). `prf.rs` and
//! `record.rs` are the pure key schedule and record protection, tested against published
//! vectors; `key_exchange.rs` the client's shares and the check of the server's signature;
//! `https.rs` the handshake probe's fallback when rustls cannot connect.

pub mod client;
pub mod https;
pub mod key_exchange;
pub mod prf;
pub mod record;
