//! TLS records at the byte level for the harness: a bounds-checked ClientHello parser (used by
//! [`super::TcpProxyBuilder::stall_when`]), hand-built ClientHellos, and a raw TLS 1.2 client
//! that reads the server's Certificate message whatever its size (OpenSSL's and rustls' clients
//! refuse messages over 100 KiB and 64 KiB).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// TLS record content type of handshake records.
const HANDSHAKE_RECORD: u8 = 0x16;
/// TLS record content type of alerts.
const ALERT_RECORD: u8 = 0x15;
/// Handshake message type of the ClientHello.
const CLIENT_HELLO: u8 = 1;
/// Handshake message type of the Certificate.
const CERTIFICATE: u8 = 11;
/// The `supported_versions` extension (RFC 8446, 4.2.1).
pub const SUPPORTED_VERSIONS: u16 = 0x002b;
/// The TLS 1.3 version code.
pub const TLS13: u16 = 0x0304;
/// The TLS 1.2 version code.
pub const TLS12: u16 = 0x0303;
/// The largest record body a peer may send: 2^14 plus the expansion RFC 5246 allows.
pub const MAX_RECORD_BODY: usize = 16384 + 2048;
/// The largest ClientHello the harness reassembles before giving up on parsing it.
pub const MAX_CLIENT_HELLO: usize = 64 * 1024;

/// A bounds-checked reader over bytes that came from the network: every read returns `None`
/// instead of panicking when the bytes run out.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes }
    }

    fn take(&mut self, count: usize) -> Option<&'a [u8]> {
        if count > self.bytes.len() {
            return None;
        }
        let (taken, rest) = self.bytes.split_at(count);
        self.bytes = rest;
        Some(taken)
    }

    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|bytes| bytes[0])
    }

    fn u16(&mut self) -> Option<u16> {
        self.take(2)
            .map(|bytes| u16::from_be_bytes([bytes[0], bytes[1]]))
    }

    fn u24(&mut self) -> Option<usize> {
        self.take(3).map(|bytes| {
            usize::from(bytes[0]) << 16 | usize::from(bytes[1]) << 8 | usize::from(bytes[2])
        })
    }

    /// A vector with a one-byte length prefix.
    fn vec_u8(&mut self) -> Option<&'a [u8]> {
        let length = self.u8()?;
        self.take(usize::from(length))
    }

    /// A vector with a two-byte length prefix.
    fn vec_u16(&mut self) -> Option<&'a [u8]> {
        let length = self.u16()?;
        self.take(usize::from(length))
    }

    fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

/// The parts of a ClientHello the harness decides on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientHello {
    /// `legacy_version`, e.g. 0x0303.
    pub legacy_version: u16,
    /// The offered cipher suite codes, in the client's order.
    pub cipher_suites: Vec<u16>,
    /// Every extension as (type, body), in the client's order; empty when the hello has none.
    pub extensions: Vec<(u16, Vec<u8>)>,
}

impl ClientHello {
    /// Parses the client's first bytes on a connection: one or more TLS handshake records
    /// carrying a complete ClientHello (record headers, handshake header, `legacy_version`,
    /// random, session id, cipher suites, compression methods, extensions, every length checked).
    /// `None` when the bytes are anything else, truncated, or malformed; never panics.
    pub fn parse(flight: &[u8]) -> Option<ClientHello> {
        let message = handshake_bytes(flight)?;
        let mut reader = Reader::new(&message);
        if reader.u8()? != CLIENT_HELLO {
            return None;
        }
        let length = reader.u24()?;
        let mut body = Reader::new(reader.take(length)?);

        let legacy_version = body.u16()?;
        body.take(32)?; // random
        let session_id = body.vec_u8()?;
        if session_id.len() > 32 {
            return None;
        }
        let suites = body.vec_u16()?;
        if suites.len() % 2 != 0 {
            return None;
        }
        let cipher_suites = suites
            .chunks_exact(2)
            .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
            .collect();
        if body.vec_u8()?.is_empty() {
            return None; // at least the null compression method
        }
        let mut extensions = Vec::new();
        if !body.is_empty() {
            let mut list = Reader::new(body.vec_u16()?);
            while !list.is_empty() {
                let kind = list.u16()?;
                let data = list.vec_u16()?;
                extensions.push((kind, data.to_vec()));
            }
        }
        if !body.is_empty() {
            return None; // trailing bytes after the extensions
        }
        Some(ClientHello {
            legacy_version,
            cipher_suites,
            extensions,
        })
    }

    /// The body of extension `kind`, if the client sent it.
    pub fn extension(&self, kind: u16) -> Option<&[u8]> {
        self.extensions
            .iter()
            .find(|(found, _)| *found == kind)
            .map(|(_, data)| data.as_slice())
    }

    /// The versions listed in `supported_versions` (0x002b); empty when the extension is absent
    /// or malformed.
    pub fn supported_versions(&self) -> Vec<u16> {
        let Some(data) = self.extension(SUPPORTED_VERSIONS) else {
            return Vec::new();
        };
        let mut reader = Reader::new(data);
        match reader.vec_u8() {
            Some(list) if reader.is_empty() && list.len() % 2 == 0 => list
                .chunks_exact(2)
                .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Whether the client offers TLS 1.3: `supported_versions` lists 0x0304.
    pub fn offers_tls13(&self) -> bool {
        self.supported_versions().contains(&TLS13)
    }
}

/// The concatenated bodies of the handshake records at the start of `flight`, up to the end of
/// the first handshake message (or of the bytes); `None` if a record is malformed or not a
/// handshake record before the first message is complete.
fn handshake_bytes(flight: &[u8]) -> Option<Vec<u8>> {
    let mut records = Reader::new(flight);
    let mut message = Vec::new();
    loop {
        if records.u8()? != HANDSHAKE_RECORD {
            return None;
        }
        records.u16()?; // record version: any
        let body = records.vec_u16()?;
        if body.is_empty() || body.len() > MAX_RECORD_BODY {
            return None;
        }
        message.extend_from_slice(body);
        if let Some(length) = handshake_message_length(&message) {
            if message.len() >= 4 + length {
                return Some(message);
            }
        }
    }
}

/// The length in the handshake header at the start of `message`, once 4 bytes are there.
fn handshake_message_length(message: &[u8]) -> Option<usize> {
    let mut reader = Reader::new(message);
    reader.u8()?;
    reader.u24()
}

/// Reads the client's first bytes for [`ClientHello::parse`]: when the first byte starts a
/// handshake record, whole records until the first handshake message is complete (at most
/// [`MAX_CLIENT_HELLO`] bytes); otherwise just that byte. Returns every byte read, complete or
/// not, so the caller can forward them; stops early at EOF or an error.
pub fn read_first_flight(stream: &mut impl Read) -> Vec<u8> {
    let mut flight = Vec::new();
    if !read_more(stream, &mut flight, 1) || flight[0] != HANDSHAKE_RECORD {
        return flight;
    }
    if !read_more(stream, &mut flight, 4) {
        return flight;
    }
    let mut record_start = 0;
    // The record bodies so far: the handshake message, possibly fragmented over records.
    let mut message = Vec::new();
    loop {
        // The record header is in flight[record_start..record_start + 5].
        let header = &flight[record_start..record_start + 5];
        let body_length = usize::from(u16::from_be_bytes([header[3], header[4]]));
        if header[0] != HANDSHAKE_RECORD || body_length == 0 || body_length > MAX_RECORD_BODY {
            return flight;
        }
        if !read_more(stream, &mut flight, body_length) {
            return flight;
        }
        message.extend_from_slice(&flight[flight.len() - body_length..]);
        if let Some(length) = handshake_message_length(&message) {
            if length > MAX_CLIENT_HELLO || message.len() >= 4 + length {
                return flight;
            }
        }
        record_start = flight.len();
        if !read_more(stream, &mut flight, 5) {
            return flight;
        }
    }
}

/// Appends exactly `count` more bytes from `stream` to `bytes`; false (with what did arrive
/// appended) at EOF or on an error.
fn read_more(stream: &mut impl Read, bytes: &mut Vec<u8>, count: usize) -> bool {
    let mut buffer = [0u8; 4096];
    let mut missing = count;
    while missing > 0 {
        let want = missing.min(buffer.len());
        match stream.read(&mut buffer[..want]) {
            Ok(0) => return false,
            Ok(read) => {
                bytes.extend_from_slice(&buffer[..read]);
                missing -= read;
            }
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
    true
}

// ---------------------------------------------------------------------------------------------
// Hand-built ClientHellos

/// Appends `bytes` to `out` behind a two-byte length.
fn push_u16_vec(out: &mut Vec<u8>, bytes: &[u8]) {
    let length = u16::try_from(bytes.len()).expect("vector under 64 KiB");
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(bytes);
}

fn extension(kind: u16, body: &[u8]) -> Vec<u8> {
    let mut out = kind.to_be_bytes().to_vec();
    push_u16_vec(&mut out, body);
    out
}

fn u16_list(codes: &[u16]) -> Vec<u8> {
    codes.iter().flat_map(|code| code.to_be_bytes()).collect()
}

/// One TLS handshake record carrying a ClientHello for `127.0.0.1` (no SNI) with ECDHE-RSA and
/// RSA AES-GCM suites, x25519/P-256/P-384, RSA and ECDSA signature schemes; with `tls13`, also
/// the TLS 1.3 suites, `supported_versions` [1.3, 1.2] and an x25519 key share (a fixed point,
/// so the handshake cannot complete, but a server does answer it).
fn client_hello(tls13: bool) -> Vec<u8> {
    let mut suites = vec![0xc02f, 0xc030, 0xc02b, 0xc02c, 0x009c, 0x009d];
    if tls13 {
        suites.splice(0..0, [0x1301, 0x1302, 0x1303]);
    }
    let mut extensions = Vec::new();
    let mut groups = Vec::new();
    push_u16_vec(&mut groups, &u16_list(&[0x001d, 0x0017, 0x0018]));
    extensions.extend(extension(0x000a, &groups)); // supported_groups
    extensions.extend(extension(0x000b, &[1, 0])); // ec_point_formats: uncompressed
    let mut schemes = Vec::new();
    push_u16_vec(
        &mut schemes,
        &u16_list(&[
            0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0403, 0x0503,
        ]),
    );
    extensions.extend(extension(0x000d, &schemes)); // signature_algorithms
    extensions.extend(extension(0x0017, &[])); // extended_master_secret
    extensions.extend(extension(0xff01, &[0])); // renegotiation_info, empty
    if tls13 {
        let mut versions = vec![4];
        versions.extend(u16_list(&[TLS13, TLS12]));
        extensions.extend(extension(SUPPORTED_VERSIONS, &versions));
        let mut share = 0x001du16.to_be_bytes().to_vec();
        push_u16_vec(&mut share, &[9; 32]);
        let mut shares = Vec::new();
        push_u16_vec(&mut shares, &share);
        extensions.extend(extension(0x0033, &shares)); // key_share
        extensions.extend(extension(0x002d, &[1, 1])); // psk_key_exchange_modes: psk_dhe_ke
    }

    let mut body = TLS12.to_be_bytes().to_vec();
    body.extend_from_slice(&[0x5a; 32]); // random
    body.push(32); // session id, as middlebox-compatible clients send
    body.extend_from_slice(&[0xa5; 32]);
    push_u16_vec(&mut body, &u16_list(&suites));
    body.extend_from_slice(&[1, 0]); // compression: null
    push_u16_vec(&mut body, &extensions);

    let mut message = vec![CLIENT_HELLO];
    message.extend_from_slice(&u32::try_from(body.len()).expect("small").to_be_bytes()[1..]);
    message.extend(body);
    let mut record = vec![HANDSHAKE_RECORD, 0x03, 0x01];
    push_u16_vec(&mut record, &message);
    record
}

/// A ClientHello record offering TLS 1.2 only (no `supported_versions`), which OpenSSL, nginx
/// and rustls servers with an RSA certificate answer with a full TLS 1.2 flight.
pub fn tls12_client_hello() -> Vec<u8> {
    client_hello(false)
}

/// A ClientHello record offering TLS 1.3 and 1.2 (`supported_versions` lists 0x0304, 0x0303),
/// like a modern client's first bytes.
pub fn tls13_client_hello() -> Vec<u8> {
    client_hello(true)
}

// ---------------------------------------------------------------------------------------------
// Reading the server's certificates at the byte level

/// The TLS 1.2 Certificate handshake message a server sent, measured from its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServedCertificates {
    /// The length in the message's handshake header: what a client compares with its limit.
    pub message_length: usize,
    /// The DER length of each certificate, leaf first.
    pub certificate_lengths: Vec<usize>,
}

/// Connects to `addr`, sends [`tls12_client_hello`] and reads the server's TLS 1.2 flight until
/// its Certificate message is complete, whatever its size. Panics with the reason when the
/// server answers otherwise (an alert, no Certificate, malformed bytes) or within 10 s not at all.
pub fn tls12_certificate_message(addr: SocketAddr) -> ServedCertificates {
    let mut stream =
        TcpStream::connect(addr).unwrap_or_else(|error| panic!("connect {addr}: {error}"));
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("set read timeout");
    stream
        .write_all(&tls12_client_hello())
        .unwrap_or_else(|error| panic!("send ClientHello to {addr}: {error}"));

    // Handshake bytes received so far, and how many of them are parsed messages.
    let mut handshake = Vec::new();
    let mut parsed = 0;
    loop {
        let mut header = Vec::new();
        assert!(
            read_more(&mut stream, &mut header, 5),
            "{addr} closed or stalled before sending its Certificate ({} handshake bytes)",
            handshake.len()
        );
        let length = usize::from(u16::from_be_bytes([header[3], header[4]]));
        let mut body = Vec::new();
        assert!(
            read_more(&mut stream, &mut body, length),
            "{addr} closed inside a record of {length} bytes"
        );
        match header[0] {
            HANDSHAKE_RECORD => handshake.extend_from_slice(&body),
            ALERT_RECORD => panic!("{addr} answered the TLS 1.2 ClientHello with alert {body:?}"),
            other => panic!("{addr} sent a record of content type {other} before its Certificate"),
        }
        while let Some(length) = handshake_message_length(&handshake[parsed..]) {
            let end = parsed + 4 + length;
            if handshake.len() < end {
                break;
            }
            let kind = handshake[parsed];
            if kind == CERTIFICATE {
                return certificates(&handshake[parsed + 4..end], length)
                    .unwrap_or_else(|| panic!("{addr} sent a malformed Certificate message"));
            }
            parsed = end;
        }
    }
}

/// The certificates in the body of a TLS 1.2 Certificate message.
fn certificates(body: &[u8], message_length: usize) -> Option<ServedCertificates> {
    let mut reader = Reader::new(body);
    let list_length = reader.u24()?;
    let mut list = Reader::new(reader.take(list_length)?);
    let mut certificate_lengths = Vec::new();
    while !list.is_empty() {
        let length = list.u24()?;
        list.take(length)?;
        certificate_lengths.push(length);
    }
    Some(ServedCertificates {
        message_length,
        certificate_lengths,
    })
}
