//! Wire codec for raw TLS and SSLv2 handshakes: ClientHello builder, server reply parser, and the
//! registries (cipher suites, groups, signature schemes, alerts) both of them name things with.
//!
//! No I/O happens here. A prober builds a [`ClientHello`] (or [`Sslv2ClientHello`]), writes
//! [`ClientHello::encode`]'s bytes to a socket, and feeds whatever comes back into a
//! [`ReplyParser`] until it returns a [`ServerReply`]:
//!
//! ```no_run
//! use tlscheck::tls::{ClientHello, ProtocolVersion, ReadUntil, ReplyParser, ServerReply};
//! # fn read_some() -> Vec<u8> { Vec::new() }
//! let suites: Vec<u16> = tlscheck::tls::suites::offerable(ProtocolVersion::Tls12)
//!     .map(|suite| suite.code)
//!     .collect();
//! let hello = ClientHello::new(ProtocolVersion::Tls12, suites)?.with_server_name("example.com");
//! let bytes = hello.encode()?;
//! // ... write `bytes` to the connection ...
//! let mut parser = ReplyParser::new(ReadUntil::ServerHelloDone);
//! let reply = loop {
//!     let received = read_some();
//!     if received.is_empty() {
//!         break parser.end_of_stream()?;
//!     }
//!     if let Some(reply) = parser.feed(&received)? {
//!         break reply;
//!     }
//! };
//! if let ServerReply::Handshake(flight) = reply {
//!     println!("suite {:#06x}", flight.server_hello.cipher_suite);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod alert;
pub mod client_hello;
pub mod groups;
pub mod reader;
pub mod server_messages;
pub mod server_reply;
pub mod signature_schemes;
pub mod suites;

pub use alert::{Alert, AlertLevel};
pub use client_hello::{ClientExtension, ClientHello, ClientHelloError, Sslv2ClientHello};
pub use reader::{DecodeError, Reader};
pub use server_reply::{
    ReadUntil, ReplyError, ReplyParser, ServerFlight, ServerHello, ServerKeyExchange, ServerReply,
    Sslv2ServerHello,
};
pub use suites::{CipherSuite, Sslv2CipherKind};

/// A protocol version tlscheck can offer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProtocolVersion {
    Ssl2,
    Ssl3,
    Tls10,
    Tls11,
    Tls12,
    Tls13,
}

impl ProtocolVersion {
    pub const ALL: [ProtocolVersion; 6] = [
        ProtocolVersion::Ssl2,
        ProtocolVersion::Ssl3,
        ProtocolVersion::Tls10,
        ProtocolVersion::Tls11,
        ProtocolVersion::Tls12,
        ProtocolVersion::Tls13,
    ];

    /// The two-byte version number on the wire.
    pub const fn wire(self) -> u16 {
        match self {
            ProtocolVersion::Ssl2 => 0x0002,
            ProtocolVersion::Ssl3 => 0x0300,
            ProtocolVersion::Tls10 => 0x0301,
            ProtocolVersion::Tls11 => 0x0302,
            ProtocolVersion::Tls12 => 0x0303,
            ProtocolVersion::Tls13 => 0x0304,
        }
    }

    pub fn from_wire(value: u16) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|version| version.wire() == value)
    }

    /// The name users know: `SSLv2`, `TLSv1.2`, ...
    pub const fn name(self) -> &'static str {
        match self {
            ProtocolVersion::Ssl2 => "SSLv2",
            ProtocolVersion::Ssl3 => "SSLv3",
            ProtocolVersion::Tls10 => "TLSv1.0",
            ProtocolVersion::Tls11 => "TLSv1.1",
            ProtocolVersion::Tls12 => "TLSv1.2",
            ProtocolVersion::Tls13 => "TLSv1.3",
        }
    }
}

/// The name of a wire version: `TLSv1.2` for a known one, `0x7F1C` otherwise.
pub fn version_name(wire: u16) -> String {
    ProtocolVersion::from_wire(wire)
        .map(|version| version.name().to_string())
        .unwrap_or_else(|| format!("0x{wire:04X}"))
}

impl std::fmt::Display for ProtocolVersion {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.name())
    }
}

/// Number of significant bits in a big-endian unsigned integer (leading zero bytes ignored).
pub fn bit_length(bytes: &[u8]) -> u32 {
    let start = bytes
        .iter()
        .position(|byte| *byte != 0)
        .unwrap_or(bytes.len());
    let Some((first, rest)) = bytes.get(start..).and_then(<[u8]>::split_first) else {
        return 0;
    };
    let rest_bits = u32::try_from(rest.len()).map_or(u32::MAX, |len| len.saturating_mul(8));
    rest_bits.saturating_add(8 - first.leading_zeros())
}

/// Record layer content types (RFC 8446 section 5.1).
pub mod content_type {
    pub const CHANGE_CIPHER_SPEC: u8 = 20;
    pub const ALERT: u8 = 21;
    pub const HANDSHAKE: u8 = 22;
    pub const APPLICATION_DATA: u8 = 23;
    pub const HEARTBEAT: u8 = 24;
}

/// Handshake message types (IANA "TLS HandshakeType").
pub mod handshake_type {
    pub const HELLO_REQUEST: u8 = 0;
    pub const CLIENT_HELLO: u8 = 1;
    pub const SERVER_HELLO: u8 = 2;
    pub const NEW_SESSION_TICKET: u8 = 4;
    pub const CERTIFICATE: u8 = 11;
    pub const SERVER_KEY_EXCHANGE: u8 = 12;
    pub const CERTIFICATE_REQUEST: u8 = 13;
    pub const SERVER_HELLO_DONE: u8 = 14;
    pub const CERTIFICATE_STATUS: u8 = 22;
}

/// Extension types (IANA "TLS ExtensionType Values") that tlscheck sends or reads.
pub mod extension_type {
    pub const SERVER_NAME: u16 = 0;
    pub const STATUS_REQUEST: u16 = 5;
    pub const SUPPORTED_GROUPS: u16 = 10;
    pub const EC_POINT_FORMATS: u16 = 11;
    pub const SIGNATURE_ALGORITHMS: u16 = 13;
    pub const HEARTBEAT: u16 = 15;
    pub const ALPN: u16 = 16;
    pub const SIGNED_CERTIFICATE_TIMESTAMP: u16 = 18;
    pub const PADDING: u16 = 21;
    pub const ENCRYPT_THEN_MAC: u16 = 22;
    pub const EXTENDED_MASTER_SECRET: u16 = 23;
    pub const SESSION_TICKET: u16 = 35;
    pub const SUPPORTED_VERSIONS: u16 = 43;
    pub const COOKIE: u16 = 44;
    pub const PSK_KEY_EXCHANGE_MODES: u16 = 45;
    pub const KEY_SHARE: u16 = 51;
    pub const RENEGOTIATION_INFO: u16 = 0xff01;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_length_ignores_leading_zero_bytes() {
        assert_eq!(bit_length(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(bit_length(&[0x01, 0xFF]), 9);
        assert_eq!(bit_length(&[0x00, 0x00]), 0);
        assert_eq!(bit_length(&[]), 0);
    }
}
