//! Captures a server's raw reply to one of tlscheck's ClientHellos, for the fixtures in
//! `testdata/wire/` (see the README there). Connects to loopback addresses only.
//!
//! ```text
//! cargo run --example capture_server_reply -- 127.0.0.1:4433 tls12 OUT.bin \
//!     [--suites ECDHE-RSA-AES128-GCM-SHA256,0xc030] [--groups x25519,secp384r1] \
//!     [--key-shares x25519] [--sni name] [--sslv2] [--half-close]
//! ```
//!
//! `--half-close` shuts the sending side after the hello, so a plain HTTP server that waits for
//! the end of a request line answers.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use tlscheck::tls::{
    groups, suites, ClientHello, ProtocolVersion, ReadUntil, ReplyParser, Sslv2ClientHello,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let [address, version, out, options @ ..] = arguments.as_slice() else {
        return Err("usage: capture_server_reply ADDRESS VERSION OUT [--suites LIST] [--groups LIST] [--key-shares LIST] [--sni NAME] [--sslv2] [--half-close]".into());
    };
    let address: SocketAddr = address.parse()?;
    if !address.ip().is_loopback() {
        return Err(
            format!("refusing to connect to '{address}': captures use loopback only").into(),
        );
    }
    let version = match version.as_str() {
        "ssl3" => ProtocolVersion::Ssl3,
        "tls10" => ProtocolVersion::Tls10,
        "tls11" => ProtocolVersion::Tls11,
        "tls12" => ProtocolVersion::Tls12,
        "tls13" => ProtocolVersion::Tls13,
        other => return Err(format!("unknown version '{other}'").into()),
    };
    let option = |name: &str| {
        options
            .iter()
            .position(|option| option == name)
            .and_then(|index| options.get(index + 1))
    };

    let hello_bytes = if options.iter().any(|option| option == "--sslv2") {
        let specs = suites::SSLV2_CIPHER_KINDS
            .iter()
            .map(|kind| kind.code)
            .collect();
        Sslv2ClientHello::new(specs)?.encode()?
    } else {
        let suite_codes: Vec<u16> = match option("--suites") {
            Some(list) => list.split(',').map(suite_code).collect::<Result<_, _>>()?,
            None => suites::offerable(version).map(|suite| suite.code).collect(),
        };
        let mut hello = ClientHello::new(version, suite_codes)?;
        if let Some(list) = option("--groups") {
            let codes: Vec<u16> = list.split(',').map(group_code).collect::<Result<_, _>>()?;
            hello = hello.with_groups(&codes);
        }
        if let Some(list) = option("--key-shares") {
            let codes: Vec<u16> = list.split(',').map(group_code).collect::<Result<_, _>>()?;
            hello = hello.with_key_shares(&codes)?;
        }
        if let Some(name) = option("--sni") {
            hello = hello.with_server_name(name);
        }
        hello.encode()?
    };

    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(3))?;
    stream.write_all(&hello_bytes)?;
    if options.iter().any(|option| option == "--half-close") {
        stream.shutdown(std::net::Shutdown::Write)?;
    }
    // Read until the server closes, goes quiet for a second, or three seconds pass.
    stream.set_read_timeout(Some(Duration::from_secs(1)))?;
    let started = Instant::now();
    let mut reply = Vec::new();
    let mut buffer = [0u8; 16384];
    while started.elapsed() < Duration::from_secs(3) {
        match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(count) => reply.extend_from_slice(buffer.get(..count).unwrap_or_default()),
            Err(error)
                if matches!(
                    error.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                break
            }
            Err(error) if error.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(error) => return Err(error.into()),
        }
    }
    std::fs::write(out, &reply)?;

    let mut parser = ReplyParser::new(ReadUntil::ServerHelloDone);
    let verdict = match parser.feed(&reply) {
        Ok(Some(reply)) => format!("{reply:?}"),
        Ok(None) => format!("{:?}", parser.end_of_stream()),
        Err(error) => format!("error: {error}"),
    };
    let shown: String = verdict.chars().take(300).collect();
    println!("{out}: {} bytes; {shown}", reply.len());
    Ok(())
}

fn suite_code(text: &str) -> Result<u16, String> {
    if let Some(hex) = text.strip_prefix("0x") {
        return u16::from_str_radix(hex, 16).map_err(|error| format!("'{text}': {error}"));
    }
    suites::by_name(text)
        .map(|suite| suite.code)
        .ok_or_else(|| format!("unknown cipher suite '{text}'"))
}

fn group_code(text: &str) -> Result<u16, String> {
    groups::NAMED_GROUPS
        .iter()
        .find(|group| group.name.eq_ignore_ascii_case(text))
        .map(|group| group.code)
        .ok_or_else(|| format!("unknown group '{text}'"))
}
