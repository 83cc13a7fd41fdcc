//! Probes: the only code that touches the network. Each returns facts, or a [`ProbeError`] as
//! data; never prose or verdicts. Every socket is opened through [`connector`].
//!
//! The handshake probe ([`handshake`]) is the core every scan makes: it decides whether the
//! target is reachable and which address answers. Every other probe implements [`Probe`] and is
//! listed in [`registry`]: adding one is one file plus one line there (and a variant of
//! [`Measured`] for its facts).

pub mod client_auth;
pub mod connector;
pub mod dns;
pub mod enumerate;
pub mod handshake;
pub mod http;
pub mod legacy;
pub mod redirect;
pub mod watch;

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;

use crate::facts::{ClientAuthFacts, HostFacts, Outcome, RedirectFacts};
use crate::scan::ScanSettings;
use crate::target::Target;
use connector::Session;
use enumerate::Enumeration;
use handshake::HandshakeRecord;

/// A boxed future, as the probe interface returns them.
pub type ProbeFuture<'a> = Pin<Box<dyn Future<Output = Measured> + Send + 'a>>;

/// When a probe runs, relative to the handshake probe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// At the same time as the handshake, against the first address; run again if the
    /// handshake connected to another one.
    BesideHandshake,
    /// Also beside the handshake, but independent of the address (e.g. the redirect check).
    Independent,
    /// After the handshake, with its record and the facts so far.
    AfterHandshake,
}

/// What a probe needs to know about the target it runs against.
pub struct ProbeInput<'a> {
    pub target: &'a Target,
    pub settings: &'a ScanSettings,
    pub session: &'a Session,
    /// The server name sent in SNI (none for an IP literal without `--sni`).
    pub sni: Option<&'a str>,
    /// The address to probe.
    pub address: SocketAddr,
    /// The handshake probe's record, for [`Stage::AfterHandshake`] probes.
    pub handshake: Option<&'a HandshakeRecord>,
}

/// A probe's facts, to be folded into the target's [`HostFacts`].
#[derive(Clone, Debug)]
pub enum Measured {
    Enumeration(Outcome<Box<Enumeration>>),
    Redirect(Outcome<RedirectFacts>),
    ClientAuth(ClientAuthFacts),
    /// The probe does not apply to this target.
    Nothing,
}

impl Measured {
    /// Put the facts where they belong in `facts`.
    pub fn record(self, facts: &mut HostFacts) {
        match self {
            Measured::Enumeration(outcome) => {
                facts.enumeration = match outcome {
                    Outcome::Ok(found) => Outcome::Ok(found.facts),
                    Outcome::Failed(error) => Outcome::Failed(error),
                    Outcome::Skipped(skip) => Outcome::Skipped(skip),
                }
            }
            Measured::Redirect(outcome) => facts.redirect = outcome,
            Measured::ClientAuth(found) => facts.client_auth = Some(found),
            Measured::Nothing => {}
        }
    }
}

/// A network probe of one target.
pub trait Probe: Send + Sync {
    /// Short name, for progress and errors.
    fn name(&self) -> &'static str;
    fn stage(&self) -> Stage;
    /// Run against one target; `facts` holds what earlier stages found.
    fn run<'a>(&'a self, input: &'a ProbeInput<'a>, facts: &'a HostFacts) -> ProbeFuture<'a>;
}

/// Every probe besides the handshake, in the order their facts are recorded.
pub fn registry() -> Vec<Box<dyn Probe>> {
    vec![
        Box::new(enumerate::EnumerationProbe),
        Box::new(redirect::RedirectProbe),
        Box::new(client_auth::ClientAuthProbe),
    ]
}

/// Poll every future concurrently and keep their order (`join_all` without the futures crate).
pub async fn join_all<F, T>(futures: impl IntoIterator<Item = F>) -> Vec<T>
where
    F: std::future::Future<Output = T>,
{
    let mut pinned: Vec<std::pin::Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut results: Vec<Option<T>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|context| {
        let mut pending = false;
        for (future, slot) in pinned.iter_mut().zip(results.iter_mut()) {
            if slot.is_none() {
                match future.as_mut().poll(context) {
                    std::task::Poll::Ready(value) => *slot = Some(value),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    results.into_iter().flatten().collect()
}
