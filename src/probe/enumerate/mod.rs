//! Enumeration probe: which protocol versions (SSLv2 to TLS 1.3), cipher suites and key-exchange
//! groups a server accepts, using tlscheck's own ClientHellos (see `crate::tls`).
//!
//! Method, per version: offer the suites valid for it in size-bounded chunks; the server picks
//! one; remove it and offer the rest, until the server refuses (offer-and-remove, about one
//! handshake per accepted suite plus one per chunk). TLS 1.3 groups come from HelloRetryRequests
//! to a hello with an empty key_share. Every exchange is one short connection through the gate
//! (`probe::connector`): connect, send the hello, read the reply, close; never an idle connection
//! held while waiting on another, so servers that handle one connection at a time (Flask's dev
//! server) are not stalled.
//!
//! - `exchange.rs`: one connection, one hello, one reply.
//! - `judge.rs`: what a reply says (pure).
//! - `suites.rs`: the offer-and-remove walk per version.
//! - `order.rs`: whose order wins, and the server's order.
//! - `groups.rs`: key-exchange groups.

mod exchange;
mod groups;
mod judge;
mod order;
mod suites;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;

use tokio::sync::oneshot;

use exchange::Prober;
use groups::{is_ecdhe, tls12_curves, tls13_groups};
use order::server_order;
use suites::{probe_sslv2, probe_tls13, probe_version};

use crate::facts::{
    EnumerationFacts, ErrorKind, ProbeError, ProtocolFacts, Reply, Step, SuiteFacts, SuiteId,
    Support, VersionSuites,
};
use crate::facts::{Outcome, Skip};
use crate::probe::connector::Session;
use crate::probe::Measured;
use crate::tls::suites::{sslv2_by_code, CipherSuite, KeyExchange};
use crate::tls::ProtocolVersion;

#[derive(Clone, Debug)]
pub struct EnumerationSettings {
    pub address: SocketAddr,
    /// SNI to send; none for IP literals.
    pub server_name: Option<String>,
    /// The target's session with the gate: per-address limit, step timeout, time budget.
    pub session: Session,
}

/// The enumeration as a registered probe: beside the handshake, on the first address.
pub struct EnumerationProbe;

impl crate::probe::Probe for EnumerationProbe {
    fn name(&self) -> &'static str {
        "enumeration"
    }

    fn stage(&self) -> crate::probe::Stage {
        crate::probe::Stage::BesideHandshake
    }

    fn run<'a>(
        &'a self,
        input: &'a crate::probe::ProbeInput<'a>,
        _facts: &'a crate::facts::HostFacts,
    ) -> crate::probe::ProbeFuture<'a> {
        Box::pin(async move {
            if !input.settings.enumerate {
                return Measured::Enumeration(Outcome::Skipped(Skip::Quick));
            }
            let found = enumerate(EnumerationSettings {
                address: input.address,
                server_name: input.sni.map(str::to_string),
                session: input.session.clone(),
            })
            .await;
            Measured::Enumeration(Outcome::Ok(Box::new(found)))
        })
    }
}

/// Facts, plus the chain read from the first TLS <= 1.2 (or SSLv2) handshake: the certificate
/// analysis uses it when rustls could not connect.
#[derive(Clone, Debug)]
pub struct Enumeration {
    pub facts: EnumerationFacts,
    pub chain: Option<Vec<Vec<u8>>>,
}

/// A suite the server accepted, with the parameters it sent.
#[derive(Clone, Debug)]
pub(super) struct Accepted {
    pub(super) suite: &'static CipherSuite,
    pub(super) dh_bits: Option<u32>,
    pub(super) ecdh_group: Option<u16>,
}

/// What one version's probing found.
#[derive(Debug, Default)]
pub(super) struct VersionResult {
    pub(super) accepted: Vec<Accepted>,
    /// Evidence for the verdict: the first reply.
    pub(super) evidence: Option<Reply>,
    /// The first probe failure (no answer to judge).
    pub(super) error: Option<ProbeError>,
    pub(super) chain: Option<Vec<Vec<u8>>>,
    /// Accepted suites in the order the server picked them, per chunk.
    pub(super) pick_orders: Vec<Vec<u16>>,
    /// SSLv2 cipher kinds the server listed.
    pub(super) sslv2_kinds: Vec<u32>,
    /// Server order, when the walk already checked it (see [`probe_version`]).
    pub(super) server_order: Option<bool>,
}

impl VersionResult {
    pub(super) fn is_accepted(&self) -> bool {
        !self.accepted.is_empty() || !self.sslv2_kinds.is_empty()
    }
}

/// Run the whole enumeration against one address.
pub async fn enumerate(settings: EnumerationSettings) -> Enumeration {
    let started = Instant::now();
    let max_connections = settings.session.max_per_host();
    let prober = Prober {
        settings,
        handshakes: AtomicU32::new(0),
    };
    let prober = &prober;
    // The TLS 1.3 groups need only know that TLS 1.3 is spoken: that walk starts as soon as the
    // first TLS 1.3 ServerHello says so, alongside the rest of the first round.
    let (tls13_spoken, tls13_spoken_heard) = oneshot::channel();
    let early_groups = async {
        match tls13_spoken_heard.await {
            Ok(()) => Some(tls13_groups(prober).await),
            Err(_) => None,
        }
    };
    let ((sslv2, sslv3, tls10, tls11, tls12, tls13), tls13_groups_found) = tokio::join!(
        async {
            tokio::join!(
                probe_sslv2(prober),
                probe_version(prober, ProtocolVersion::Ssl3),
                probe_version(prober, ProtocolVersion::Tls10),
                probe_version(prober, ProtocolVersion::Tls11),
                probe_version(prober, ProtocolVersion::Tls12),
                probe_tls13(prober, tls13_spoken),
            )
        },
        early_groups,
    );
    let results = [
        (ProtocolVersion::Ssl2, sslv2),
        (ProtocolVersion::Ssl3, sslv3),
        (ProtocolVersion::Tls10, tls10),
        (ProtocolVersion::Tls11, tls11),
        (ProtocolVersion::Tls12, tls12),
        (ProtocolVersion::Tls13, tls13),
    ];

    // Server order, and the TLS <= 1.2 curves, need the accepted suites: a second, smaller
    // round, the two at once.
    let orders = crate::probe::join_all(
        results
            .iter()
            .map(|(version, result)| async move { server_order(prober, *version, result).await }),
    );
    let groups = async {
        if let Some((found, order)) = tls13_groups_found {
            (found, Some(ProtocolVersion::Tls13), order)
        } else if let Some((version, result)) = results
            .iter()
            .rev()
            .find(|(_, r)| r.accepted.iter().any(|a| is_ecdhe(a.suite)))
        {
            let (found, order) = tls12_curves(prober, *version, result).await;
            (found, Some(*version), order)
        } else {
            (Vec::new(), None, None)
        }
    };
    let (orders, (groups, groups_probed_with, groups_server_order)) = tokio::join!(orders, groups);

    let mut protocols = Vec::new();
    let mut cipher_suites = Vec::new();
    let mut chain = None;
    for ((version, result), (server_order, order)) in results.into_iter().zip(orders) {
        let accepted = result.is_accepted();
        protocols.push(ProtocolFacts {
            version,
            support: support(version, &result),
        });
        if chain.is_none() {
            chain = result.chain.clone();
        }
        if accepted {
            let mut suites: Vec<&Accepted> = result.accepted.iter().collect();
            match &order {
                Some(order) => suites.sort_by_key(|a| {
                    order
                        .iter()
                        .position(|code| *code == a.suite.code)
                        .unwrap_or(usize::MAX)
                }),
                None => suites.sort_by_key(|a| a.suite.code),
            }
            let mut suites: Vec<SuiteFacts> = suites.into_iter().map(suite_facts).collect();
            suites.extend(
                result
                    .sslv2_kinds
                    .iter()
                    .map(|code| sslv2_suite_facts(*code)),
            );
            cipher_suites.push(VersionSuites {
                version,
                server_order,
                suites,
                incomplete: result.error.clone(),
            });
        }
    }
    Enumeration {
        facts: EnumerationFacts {
            protocols,
            cipher_suites,
            groups,
            groups_probed_with,
            groups_server_order,
            handshakes: prober.handshakes.load(Ordering::Relaxed),
            duration: started.elapsed(),
            max_connections,
        },
        chain,
    }
}

/// What one version's results say about support: only a definite answer is a refusal.
fn support(version: ProtocolVersion, result: &VersionResult) -> Support {
    if result.is_accepted() {
        let evidence = result.evidence.clone().unwrap_or(Reply::ServerHello {
            version: version.wire(),
            cipher_suite: result.accepted.first().map_or(0, |a| a.suite.code),
        });
        return Support::Accepted(evidence);
    }
    match (&result.error, &result.evidence) {
        (Some(error), _) => Support::Unknown(error.clone()),
        (None, Some(evidence)) => Support::Refused(evidence.clone()),
        (None, None) => Support::Unknown(ProbeError::new(
            ErrorKind::Internal,
            Step::Handshake,
            "no hello was sent",
        )),
    }
}

fn suite_facts(accepted: &Accepted) -> SuiteFacts {
    SuiteFacts::of(accepted.suite, accepted.dh_bits, accepted.ecdh_group)
}

fn sslv2_suite_facts(code: u32) -> SuiteFacts {
    use crate::tls::suites::BulkCipher;
    let kind = sslv2_by_code(code);
    let cipher = kind.map(|k| k.cipher);
    SuiteFacts {
        id: SuiteId::Sslv2(code),
        name: kind.map_or("SSLv2 unknown cipher kind", |k| k.spec_name),
        openssl_name: kind.map(|k| k.openssl_name),
        key_exchange: KeyExchange::Rsa,
        bits: kind.map_or(0, |k| k.key_bits),
        forward_secrecy: false,
        aead: false,
        cbc: matches!(
            cipher,
            Some(BulkCipher::Rc2 | BulkCipher::Des | BulkCipher::TripleDes | BulkCipher::Idea)
        ),
        export: kind.is_some_and(|k| k.export),
        null: matches!(cipher, Some(BulkCipher::Null)),
        anonymous: false,
        rc4: matches!(cipher, Some(BulkCipher::Rc4)),
        des: matches!(cipher, Some(BulkCipher::Des)),
        triple_des: matches!(cipher, Some(BulkCipher::TripleDes)),
        dh_bits: None,
        ecdh_group: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_definite_answer_is_a_refusal() {
        let timeout = ProbeError::new(
            ErrorKind::Timeout(std::time::Duration::from_secs(3)),
            Step::Handshake,
            "",
        );
        let failed = VersionResult {
            error: Some(timeout.clone()),
            ..VersionResult::default()
        };
        assert_eq!(
            support(ProtocolVersion::Tls13, &failed),
            Support::Unknown(timeout)
        );
        let refused = VersionResult {
            evidence: Some(Reply::Alert(70)),
            ..VersionResult::default()
        };
        assert_eq!(
            support(ProtocolVersion::Tls13, &refused),
            Support::Refused(Reply::Alert(70))
        );
    }

    #[test]
    fn suite_facts_carry_the_classes_and_parameters() {
        let suite = crate::tls::suites::by_code(0x0033).unwrap(); // TLS_DHE_RSA_WITH_AES_128_CBC_SHA
        let facts = suite_facts(&Accepted {
            suite,
            dh_bits: Some(1024),
            ecdh_group: None,
        });
        assert_eq!(facts.name, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA");
        assert_eq!(facts.openssl_name, Some("DHE-RSA-AES128-SHA"));
        assert_eq!(facts.id, SuiteId::Tls(0x0033));
        assert_eq!(facts.key_exchange, KeyExchange::Dhe);
        assert!(facts.forward_secrecy && facts.cbc && !facts.aead);
        assert_eq!(facts.dh_bits, Some(1024));
        let sslv2 = sslv2_suite_facts(0x020080);
        assert!(sslv2.export && sslv2.rc4);
        assert_eq!(sslv2.openssl_name, Some("EXP-RC4-MD5"));
        assert_eq!(sslv2.id.to_string(), "0x020080");
    }
}
