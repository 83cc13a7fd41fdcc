//! A server's reply to a ClientHello, as the enumeration reads it: records of any framing, fed in
//! pieces of any size, then the end of the stream. Must never panic, and must give the same
//! answer whether the bytes come at once or in pieces (for a reply that is not TLS, the same
//! kind: its evidence is what had arrived when it was recognised).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlscheck::tls::server_reply::{NotTls, ReadUntil, ReplyParser, ServerReply};

fn parse(bytes: &[u8], until: ReadUntil, chunk: usize) -> Result<ServerReply, String> {
    let mut parser = ReplyParser::new(until);
    for piece in bytes.chunks(chunk.max(1)) {
        match parser.feed(piece) {
            Ok(Some(reply)) => return Ok(reply),
            Ok(None) => {}
            Err(error) => return Err(error.to_string()),
        }
    }
    parser.end_of_stream().map_err(|error| error.to_string())
}

/// The reply without the evidence of a reply that is not TLS.
fn class(reply: Result<ServerReply, String>) -> Result<ServerReply, String> {
    reply.map(|reply| match reply {
        ServerReply::NotTls(not_tls) => ServerReply::NotTls(NotTls {
            kind: not_tls.kind,
            first_bytes: Vec::new(),
        }),
        other => other,
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&control, bytes)) = data.split_first() else {
        return;
    };
    let until = if control & 1 == 0 {
        ReadUntil::ServerHello
    } else {
        ReadUntil::ServerHelloDone
    };
    let chunk = usize::from(control >> 1) + 1;
    let whole = class(parse(bytes, until, bytes.len()));
    let pieces = class(parse(bytes, until, chunk));
    assert_eq!(whole, pieces, "the answer depends on how the bytes arrive");
});
