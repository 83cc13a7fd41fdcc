//! A diagnostic legacy TLS client, for what rustls will not speak: TLS 1.0 to 1.2 with RSA, DHE
//! and ECDHE key exchange and CBC, RC4 or GCM record protection. `prf.rs` and `record.rs` are
//! the pure key schedule and record protection, tested against published vectors.

pub mod client;
pub mod https;
pub mod key_exchange;
pub mod prf;
pub mod record;
