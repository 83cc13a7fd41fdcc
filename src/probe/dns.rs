//! Name resolution: the `--connect-to`/`--resolve` overrides first, then the system resolver,
//! bounded by the step clock.

use std::net::SocketAddr;

use crate::facts::{ErrorKind, ProbeError, Step};
use crate::probe::connector::StepClock;
use crate::target::{Host, Overrides};

/// The socket addresses for `host:port`, IPv4 first (like most clients' happy-eyeballs outcome
/// on dual-stack hosts), otherwise in the resolver's order, without duplicates.
pub async fn resolve(
    overrides: &Overrides,
    host: &Host,
    port: u16,
    clock: &StepClock,
) -> Result<Vec<SocketAddr>, ProbeError> {
    let mut addresses = Vec::new();
    for (host, port) in overrides.apply_all(host, port) {
        match host {
            Host::Ip(ip) => addresses.push(SocketAddr::new(ip, port)),
            Host::Name(name) => addresses.extend(lookup(&name, port, clock).await?),
        }
    }
    addresses.dedup();
    Ok(addresses)
}

/// The system resolver's addresses for `name:port`, IPv4 first.
async fn lookup(name: &str, port: u16, clock: &StepClock) -> Result<Vec<SocketAddr>, ProbeError> {
    clock
        .run(Step::Resolve, async {
            let found = tokio::net::lookup_host((name, port))
                .await
                .map_err(|error| {
                    ProbeError::new(ErrorKind::Resolve, Step::Resolve, error.to_string())
                })?;
            let mut addresses: Vec<SocketAddr> = found.collect();
            addresses.sort_by_key(SocketAddr::is_ipv6);
            addresses.dedup();
            if addresses.is_empty() {
                Err(ProbeError::new(
                    ErrorKind::Resolve,
                    Step::Resolve,
                    "no addresses",
                ))
            } else {
                Ok(addresses)
            }
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::connector::{Connector, Session};
    use crate::target::ConnectTo;
    use std::sync::Arc;
    use std::time::Duration;

    #[tokio::test]
    async fn resolves_overrides_without_dns() {
        let overrides = Overrides {
            rules: vec![ConnectTo::parse_resolve("nowhere.invalid:443:127.0.0.9").unwrap()],
        };
        let connector = Arc::new(Connector::new(1, Duration::from_secs(1)));
        let session = Session::with_budget(&connector, Duration::from_secs(1));
        let addresses = resolve(
            &overrides,
            &Host::Name("nowhere.invalid".into()),
            443,
            &session.step(),
        )
        .await
        .unwrap();
        assert_eq!(addresses, vec!["127.0.0.9:443".parse().unwrap()]);
    }
}
