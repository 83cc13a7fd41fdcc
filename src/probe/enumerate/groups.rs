//! Key-exchange groups: TLS 1.3 groups from HelloRetryRequests to hellos with an empty
//! key_share, or the curves of TLS <= 1.2 ECDHE parameters, each in the order the server chose.

use super::exchange::Prober;
use super::order::{order_check, remove_each};
use super::suites::candidates;
use super::VersionResult;
use crate::tls::groups::{self, GroupKind};
use crate::tls::server_messages::{EcParameters, KeyExchangeParameters};
use crate::tls::suites::{CipherSuite, KeyExchange};
use crate::tls::{ProtocolVersion, ReadUntil, ServerReply};

/// TLS 1.3 groups: offer every group allowed in TLS 1.3 with an empty key_share; the
/// HelloRetryRequest names the group the server chose; remove it and ask again. Then whether it
/// chose by its own order (see [`order_check`]).
pub(super) async fn tls13_groups(prober: &Prober) -> (Vec<u16>, Option<bool>) {
    let tls13_suites = candidates(ProtocolVersion::Tls13);
    let all: Vec<u16> = groups::NAMED_GROUPS
        .iter()
        .map(|g| g.code)
        .filter(|code| groups::allowed_in_tls13(*code))
        .collect();
    let ask = |offer: Vec<u16>| {
        let hello = prober
            .hello(ProtocolVersion::Tls13, &tls13_suites)
            .and_then(|h| h.with_groups(&offer).with_key_shares(&[]).ok())
            .and_then(|h| h.encode().ok());
        async move {
            match prober.exchange(&hello?, ReadUntil::ServerHello).await {
                Ok(ServerReply::HelloRetryRequest(hello)) => hello.key_share_group,
                Ok(ServerReply::Handshake(flight)) => flight.server_hello.key_share_group,
                _ => None,
            }
        }
    };
    let picked = remove_each(all, &ask).await;
    let server_order = order_check(&picked, &ask).await;
    (picked, server_order)
}

pub(super) fn is_ecdhe(suite: &CipherSuite) -> bool {
    matches!(
        suite.key_exchange,
        KeyExchange::Ecdhe | KeyExchange::EcdhAnon
    )
}

/// TLS ≤ 1.2 curves: offer the accepted ECDHE suites with the remaining curves; the
/// ServerKeyExchange names the one chosen.
pub(super) async fn tls12_curves(
    prober: &Prober,
    version: ProtocolVersion,
    result: &VersionResult,
) -> (Vec<u16>, Option<bool>) {
    let ecdhe: Vec<u16> = result
        .accepted
        .iter()
        .filter(|a| is_ecdhe(a.suite))
        .map(|a| a.suite.code)
        .collect();
    let curves: Vec<u16> = groups::NAMED_GROUPS
        .iter()
        .filter(|g| matches!(g.kind, GroupKind::EllipticCurve | GroupKind::Montgomery))
        .map(|g| g.code)
        .collect();
    let ask = |offer: Vec<u16>| {
        let hello = prober
            .hello(version, &ecdhe)
            .map(|h| h.with_groups(&offer))
            .and_then(|h| h.encode().ok());
        async move {
            match prober.exchange(&hello?, ReadUntil::ServerHelloDone).await {
                Ok(ServerReply::Handshake(flight)) => {
                    match flight.server_key_exchange.as_ref().map(|k| &k.parameters) {
                        Some(KeyExchangeParameters::Ec(EcParameters::NamedCurve {
                            group, ..
                        })) => Some(*group),
                        _ => None,
                    }
                }
                _ => None,
            }
        }
    };
    let picked = remove_each(curves, &ask).await;
    let server_order = order_check(&picked, &ask).await;
    (picked, server_order)
}
