//! The suite walk: per version, offer the candidate suites in size-bounded chunks, remove each
//! one the server picks and offer the rest, until it refuses (offer-and-remove). The first chunk
//! decides whether the version is spoken; when the client's order wins, the rest is walked in
//! parallel parts.

use tokio::sync::oneshot;

use super::exchange::Prober;
use super::judge::{accepted_from, judge, reply_of, Verdict};
use super::order::order_check;
use super::{Accepted, VersionResult};
use crate::facts::{ErrorKind, ProbeError, Reply, Step};
use crate::probe::join_all;
use crate::tls::suites::{self, CipherSuite, KeyExchange, SSLV2_CIPHER_KINDS};
use crate::tls::{ProtocolVersion, ReadUntil, ServerReply, Sslv2ClientHello};

/// Suites per ClientHello: keeps hellos near 512 bytes, which old servers and middleboxes take.
pub(super) const SUITES_PER_HELLO: usize = 128;

/// Suites to offer at `version`, commonest kinds first so the first chunk usually finds one.
pub(super) fn candidates(version: ProtocolVersion) -> Vec<u16> {
    let mut suites: Vec<&CipherSuite> = suites::offerable(version)
        .filter(|s| !s.is_signalling())
        .filter(|s| version == ProtocolVersion::Tls13 || !s.is_tls13_only())
        .collect();
    let rank = |s: &CipherSuite| match (s.key_exchange, s.is_aead()) {
        (KeyExchange::Ecdhe, true) => 0,
        (KeyExchange::Ecdhe, false) => 1,
        (KeyExchange::Dhe, true) => 2,
        (KeyExchange::Dhe, false) => 3,
        (KeyExchange::Rsa, true) => 4,
        (KeyExchange::Rsa, false) => 5,
        _ => 6,
    };
    suites.sort_by_key(|s| (rank(s), s.code));
    suites.iter().map(|s| s.code).collect()
}

/// SSLv3 to TLS 1.2: offer-and-remove over the candidate suites, chunk by chunk.
pub(super) async fn probe_version(prober: &Prober, version: ProtocolVersion) -> VersionResult {
    let chunks: Vec<Vec<u16>> = candidates(version)
        .chunks(SUITES_PER_HELLO)
        .map(<[u16]>::to_vec)
        .collect();
    let mut result = VersionResult::default();
    let Some((first, rest)) = chunks.split_first() else {
        return result;
    };
    // The first chunk decides whether the version is spoken at all; its first two picks tell
    // whose order the server follows.
    let mut opening = walk_chunk_until(prober, version, first.clone(), 2).await;
    let spoken = !opening.accepted.is_empty() || opening.no_common_suite;
    if !spoken {
        merge(&mut result, opening);
        return result;
    }
    let left_in_first = std::mem::take(&mut opening.unoffered);
    result.server_order = match opening.picks.as_slice() {
        [first, second] if !left_in_first.is_empty() => {
            order_check(&[*first, *second], &|offer: Vec<u16>| {
                pick_suite(prober, version, offer)
            })
            .await
        }
        _ => None,
    };
    if result.server_order == Some(false) {
        // The client's order wins, so the order of picks means nothing: walk everything left
        // in parallel parts, one connection each.
        merge(&mut result, opening);
        let left: Vec<u16> = left_in_first
            .into_iter()
            .chain(rest.iter().flatten().copied())
            .collect();
        let parts = prober
            .settings
            .session
            .max_per_host()
            .max(left.len().div_ceil(SUITES_PER_HELLO))
            .max(1);
        let part_size = left.len().div_ceil(parts).max(1);
        for walked in join_all(
            left.chunks(part_size)
                .map(|part| walk_chunk(prober, version, part.to_vec())),
        )
        .await
        {
            merge(&mut result, walked);
        }
        return result;
    }
    // The server's order (or unknown): finish the first chunk in sequence, so its picks give
    // that order, while the other chunks are walked alongside.
    let finish_first = async {
        if left_in_first.is_empty() {
            None
        } else {
            Some(walk_chunk(prober, version, left_in_first).await)
        }
    };
    let others = join_all(
        rest.iter()
            .map(|chunk| walk_chunk(prober, version, chunk.clone())),
    );
    let (continued, others) = tokio::join!(finish_first, others);
    if let Some(continued) = continued {
        opening.accepted.extend(continued.accepted);
        opening.picks.extend(continued.picks);
        opening.evidence = opening.evidence.or(continued.evidence);
        opening.error = opening.error.or(continued.error);
        opening.chain = opening.chain.or(continued.chain);
    }
    merge(&mut result, opening);
    for walked in others {
        merge(&mut result, walked);
    }
    result
}

/// The suite the server picks from `offer`, if it picks one.
pub(super) async fn pick_suite(
    prober: &Prober,
    version: ProtocolVersion,
    offer: Vec<u16>,
) -> Option<u16> {
    let until = if version == ProtocolVersion::Tls13 {
        ReadUntil::ServerHello
    } else {
        ReadUntil::ServerHelloDone
    };
    let bytes = prober.hello(version, &offer)?.encode().ok()?;
    match prober.exchange(&bytes, until).await.ok()? {
        ServerReply::Handshake(flight) => Some(flight.server_hello.cipher_suite),
        ServerReply::HelloRetryRequest(hello) => Some(hello.cipher_suite),
        _ => None,
    }
}

#[derive(Default)]
pub(super) struct ChunkWalk {
    accepted: Vec<Accepted>,
    picks: Vec<u16>,
    /// Suites not yet offered when a limited walk stopped.
    unoffered: Vec<u16>,
    evidence: Option<Reply>,
    error: Option<ProbeError>,
    no_common_suite: bool,
    chain: Option<Vec<Vec<u8>>>,
}

fn merge(result: &mut VersionResult, walk: ChunkWalk) {
    if result.evidence.is_none() || (!walk.accepted.is_empty() && result.accepted.is_empty()) {
        result.evidence = walk.evidence.or(result.evidence.take());
    }
    if result.error.is_none() {
        result.error = walk.error;
    }
    if result.chain.is_none() {
        result.chain = walk.chain;
    }
    if !walk.picks.is_empty() {
        result.pick_orders.push(walk.picks);
    }
    result.accepted.extend(walk.accepted);
}

/// Offer `remaining`, record the pick, remove it, repeat until the server refuses.
async fn walk_chunk(prober: &Prober, version: ProtocolVersion, remaining: Vec<u16>) -> ChunkWalk {
    walk_chunk_until(prober, version, remaining, usize::MAX).await
}

/// [`walk_chunk`], stopping after `max_picks` picks; `walk.unoffered` then holds the rest.
async fn walk_chunk_until(
    prober: &Prober,
    version: ProtocolVersion,
    remaining: Vec<u16>,
    max_picks: usize,
) -> ChunkWalk {
    walk_and_signal(prober, version, remaining, max_picks, None).await
}

/// The offer-and-remove walk itself; `spoken` fires at the first pick.
async fn walk_and_signal(
    prober: &Prober,
    version: ProtocolVersion,
    mut remaining: Vec<u16>,
    max_picks: usize,
    mut spoken: Option<oneshot::Sender<()>>,
) -> ChunkWalk {
    let mut walk = ChunkWalk::default();
    let until = if version == ProtocolVersion::Tls13 {
        ReadUntil::ServerHello
    } else {
        ReadUntil::ServerHelloDone
    };
    while !remaining.is_empty() {
        if walk.picks.len() >= max_picks {
            walk.unoffered = std::mem::take(&mut remaining);
            break;
        }
        let Some(bytes) = prober
            .hello(version, &remaining)
            .and_then(|hello| hello.encode().ok())
        else {
            walk.error = Some(ProbeError::new(
                ErrorKind::Internal,
                Step::Handshake,
                "cannot build the ClientHello",
            ));
            break;
        };
        let reply = prober.exchange(&bytes, until).await;
        match judge(version, &remaining, reply) {
            Verdict::Picked(flight, suite, evidence) => {
                walk.evidence.get_or_insert(evidence);
                walk.accepted.push(accepted_from(flight.as_deref(), suite));
                if walk.chain.is_none() {
                    walk.chain = flight
                        .and_then(|flight| flight.certificates)
                        .filter(|c| !c.is_empty());
                }
                walk.picks.push(suite.code);
                remaining.retain(|code| *code != suite.code);
                if let Some(spoken) = spoken.take() {
                    let _ = spoken.send(());
                }
            }
            Verdict::NoCommonSuite(evidence) => {
                walk.no_common_suite = true;
                walk.evidence.get_or_insert(evidence);
                break;
            }
            Verdict::NotSpoken(evidence) => {
                walk.evidence.get_or_insert(evidence);
                break;
            }
            Verdict::Failed(error) => {
                walk.error = Some(error);
                break;
            }
        }
    }
    walk
}

/// TLS 1.3: the version and its suites, by the same walk (a HelloRetryRequest also names the
/// suite chosen). `spoken` fires with the first accepted suite (it is dropped unheard when there
/// is none).
pub(super) async fn probe_tls13(prober: &Prober, spoken: oneshot::Sender<()>) -> VersionResult {
    let mut result = VersionResult::default();
    let walk = walk_and_signal(
        prober,
        ProtocolVersion::Tls13,
        candidates(ProtocolVersion::Tls13),
        usize::MAX,
        Some(spoken),
    )
    .await;
    merge(&mut result, walk);
    result
}

/// SSLv2: one CLIENT-HELLO with every cipher kind; the SERVER-HELLO lists all it shares.
pub(super) async fn probe_sslv2(prober: &Prober) -> VersionResult {
    let mut result = VersionResult::default();
    let specs: Vec<u32> = SSLV2_CIPHER_KINDS.iter().map(|k| k.code).collect();
    let Some(bytes) = Sslv2ClientHello::new(specs).and_then(|h| h.encode()).ok() else {
        result.error = Some(ProbeError::new(
            ErrorKind::Internal,
            Step::Handshake,
            "cannot build the SSLv2 CLIENT-HELLO",
        ));
        return result;
    };
    match prober.exchange(&bytes, ReadUntil::ServerHello).await {
        Ok(ServerReply::Sslv2(hello)) => {
            result.evidence = Some(Reply::Sslv2ServerHello {
                cipher_kinds: hello.cipher_specs.len(),
            });
            if !hello.certificate.is_empty() {
                result.chain = Some(vec![hello.certificate.clone()]);
            }
            result.sslv2_kinds = hello.cipher_specs.clone();
        }
        Ok(other) => result.evidence = Some(reply_of(&other)),
        Err(error) => result.error = Some(error),
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tls::ClientHello;

    const ECDHE_RSA_AES128_GCM: u16 = 0xC02F;
    const RSA_AES128_SHA: u16 = 0x002F;

    #[test]
    fn candidates_put_common_suites_first_and_respect_versions() {
        let tls12 = candidates(ProtocolVersion::Tls12);
        let first = suites::by_code(tls12[0]).unwrap();
        assert_eq!(first.key_exchange, KeyExchange::Ecdhe);
        assert!(first.is_aead());
        assert!(tls12.len() > 250, "{}", tls12.len());
        // No TLS 1.2-only suite (GCM, SHA-256) in a TLS 1.0 hello, no TLS 1.3 suite before 1.3.
        let tls10 = candidates(ProtocolVersion::Tls10);
        assert!(!tls10.contains(&ECDHE_RSA_AES128_GCM));
        assert!(!tls10.contains(&0x1301));
        assert!(tls10.contains(&RSA_AES128_SHA));
        // TLS 1.3: the RFC 8446 five plus the other IANA ones (SM4, AEGIS, integrity-only).
        let tls13 = candidates(ProtocolVersion::Tls13);
        for code in [
            0x1301, 0x1302, 0x1303, 0x1304, 0x1305, 0x00C6, 0x1306, 0xC0B4,
        ] {
            assert!(tls13.contains(&code), "{code:#06x}");
        }
        assert!(tls13
            .iter()
            .all(|c| suites::by_code(*c).unwrap().is_tls13_only()));
        assert!(
            suites::by_code(0xC0B4).unwrap().is_null(),
            "TLS_SHA256_SHA256 encrypts nothing"
        );
        // Every chunk of a TLS 1.2 offer stays within what servers take.
        for chunk in tls12.chunks(SUITES_PER_HELLO) {
            let hello = ClientHello::new(ProtocolVersion::Tls12, chunk.to_vec())
                .unwrap()
                .with_server_name("example.com");
            assert!(hello.encoded_len().unwrap() < 1024);
        }
    }
}
