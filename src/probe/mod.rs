//! Probes: the only code that touches the network. Each probe step uses at most one connection
//! at a time and returns facts (or a failure as data).

pub mod enumerate;
pub mod handshake;
pub mod http;
