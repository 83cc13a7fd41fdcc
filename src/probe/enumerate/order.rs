//! Whose order wins: offer two accepted suites (or groups) in the reverse of the order the
//! server picked them; the same pick means the server's own order. When it has one, walk the
//! accepted set once more to learn that order.

use super::exchange::Prober;
use super::suites::pick_suite;
use super::VersionResult;
use crate::tls::ProtocolVersion;

/// Does the server pick by its own order? Offer two accepted suites in the reverse of the
/// order it picked them; then, if the picks spanned several hellos, walk the accepted set once
/// more to learn the full order.
pub(super) async fn server_order(
    prober: &Prober,
    version: ProtocolVersion,
    result: &VersionResult,
) -> (Option<bool>, Option<Vec<u16>>) {
    if version == ProtocolVersion::Ssl2 || result.accepted.len() < 2 {
        return (None, None);
    }
    let pick = |offer: Vec<u16>| pick_suite(prober, version, offer);
    let server_order = match result.server_order {
        Some(known) => Some(known),
        None => match result.pick_orders.iter().find(|picks| picks.len() >= 2) {
            Some(picks) => order_check(picks, &pick).await,
            None => {
                let (a, b) = (result.accepted[0].suite.code, result.accepted[1].suite.code);
                let (forward, backward) = tokio::join!(pick(vec![a, b]), pick(vec![b, a]));
                match (forward, backward) {
                    (Some(x), Some(y)) if x == y => Some(true),
                    (Some(_), Some(_)) => Some(false),
                    _ => None,
                }
            }
        },
    };
    if server_order != Some(true) {
        return (server_order, None);
    }
    if result.pick_orders.len() == 1 {
        return (server_order, result.pick_orders.first().cloned());
    }
    let accepted: Vec<u16> = result.accepted.iter().map(|a| a.suite.code).collect();
    let order = remove_each(accepted.clone(), |remaining| {
        let pick = &pick;
        async move {
            // The last one needs no handshake.
            match remaining.as_slice() {
                [only] => Some(*only),
                _ => pick(remaining).await,
            }
        }
    })
    .await;
    // A pick that failed midway leaves the order unknown.
    (
        server_order,
        (order.len() == accepted.len()).then_some(order),
    )
}

/// Offer-and-remove: ask with the remaining codes, remove the one the server picks, repeat until
/// it picks none (or one that was not offered). Returns the picks in order.
pub(super) async fn remove_each<F, Fut>(mut remaining: Vec<u16>, mut ask: F) -> Vec<u16>
where
    F: FnMut(Vec<u16>) -> Fut,
    Fut: std::future::Future<Output = Option<u16>>,
{
    let mut picked = Vec::new();
    while !remaining.is_empty() {
        match ask(remaining.clone())
            .await
            .filter(|code| remaining.contains(code))
        {
            Some(code) => {
                picked.push(code);
                remaining.retain(|c| *c != code);
            }
            None => break,
        }
    }
    picked
}

/// Did the server choose among `picked` by its own order? Offer the first two picks swapped: the
/// same choice means yes. One handshake; none when fewer than two were picked.
pub(super) async fn order_check<F, Fut>(picked: &[u16], ask: &F) -> Option<bool>
where
    F: Fn(Vec<u16>) -> Fut,
    Fut: std::future::Future<Output = Option<u16>>,
{
    let (first, second) = match picked {
        [first, second, ..] => (*first, *second),
        _ => return None,
    };
    match ask(vec![second, first]).await {
        Some(choice) if choice == first => Some(true),
        Some(choice) if choice == second => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scripted server: picks by its own preference list, or the client's first it supports.
    fn chooser(
        preference: &'static [u16],
        own_order: bool,
    ) -> impl Fn(Vec<u16>) -> std::future::Ready<Option<u16>> {
        move |offer: Vec<u16>| {
            let choice = if own_order {
                preference.iter().find(|code| offer.contains(code)).copied()
            } else {
                offer.iter().find(|code| preference.contains(code)).copied()
            };
            std::future::ready(choice)
        }
    }

    #[tokio::test]
    async fn offer_and_remove_finds_every_supported_code_in_the_servers_order() {
        let server = chooser(&[30, 10, 20], true);
        let picked = remove_each(vec![10, 20, 30, 40], &server).await;
        assert_eq!(picked, vec![30, 10, 20]);
        assert_eq!(order_check(&picked, &server).await, Some(true));
    }

    #[tokio::test]
    async fn a_server_following_the_client_is_told_apart() {
        let server = chooser(&[30, 10, 20], false);
        let picked = remove_each(vec![10, 20, 30, 40], &server).await;
        assert_eq!(picked, vec![10, 20, 30]);
        assert_eq!(order_check(&picked, &server).await, Some(false));
        assert_eq!(order_check(&picked[..1], &server).await, None);
    }

    #[tokio::test]
    async fn a_pick_that_was_not_offered_ends_the_walk() {
        let liar = |_offer: Vec<u16>| std::future::ready(Some(99));
        assert!(remove_each(vec![1, 2], &liar).await.is_empty());
    }
}
