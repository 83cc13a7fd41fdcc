//! Settings: turns the command-line flags into validated settings for a scan, or a
//! [`ConfigError`] that names the flag to fix (exit code 2).

use std::time::Duration;

use thiserror::Error;

use crate::cli::{ScanArgs, TrustChoice};
use crate::probe::handshake::{load_client_identity, HandshakeSettings, IdentityError};
use crate::scan::ScanConfig;
use crate::target::{ConnectTo, Overrides, Target, TargetError};
use crate::x509::trust::{RootSource, TrustError, TrustStore};
use crate::{analysis, probe};

/// A problem with what the user asked for: exit code 2.
#[derive(Debug, Error)]
pub enum ConfigError {
    #[error(transparent)]
    Target(#[from] TargetError),
    #[error(transparent)]
    Trust(#[from] TrustError),
    #[error(transparent)]
    Identity(#[from] IdentityError),
    #[error("--timeout must be a positive number of seconds, not {0}")]
    Timeout(f64),
    #[error("--crit-days ({crit}) must not be larger than --warn-days ({warn})")]
    Days { warn: i64, crit: i64 },
    #[error("--concurrency must be at least 1")]
    Concurrency,
    #[error("--max-connections must be at least 1")]
    MaxConnections,
    #[error("--sni '{0}' is not a valid DNS name")]
    Sni(String),
    #[error("cannot start the async runtime: {0}")]
    Runtime(String),
    #[error("demo: {0}")]
    Demo(String),
}

/// Turn the scan flags into targets and a scan configuration, checking each.
pub fn scan_config(args: &ScanArgs) -> Result<(Vec<Target>, ScanConfig), ConfigError> {
    let targets = args
        .targets
        .iter()
        .map(|t| Target::parse(t))
        .collect::<Result<Vec<_>, _>>()?;
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        return Err(ConfigError::Timeout(args.timeout));
    }
    if args.crit_days > args.warn_days {
        return Err(ConfigError::Days {
            warn: args.warn_days,
            crit: args.crit_days,
        });
    }
    if args.concurrency == 0 {
        return Err(ConfigError::Concurrency);
    }
    if args.max_connections == 0 {
        return Err(ConfigError::MaxConnections);
    }
    if let Some(sni) = &args.sni {
        if rustls::pki_types::DnsName::try_from(sni.as_str()).is_err() {
            return Err(ConfigError::Sni(sni.clone()));
        }
    }
    let mut overrides = Overrides::default();
    for rule in &args.connect_to {
        overrides.rules.push(ConnectTo::parse(rule)?);
    }
    for rule in &args.resolve {
        overrides.rules.push(ConnectTo::parse_resolve(rule)?);
    }
    let source = match args.trust {
        TrustChoice::Webpki => RootSource::Webpki,
        TrustChoice::System => RootSource::System,
    };
    let trust = TrustStore::load(source, &args.ca_files)?;
    let provider = probe::handshake::provider();
    let client_identity = match (&args.client_cert, &args.client_key) {
        (Some(cert), Some(key)) => Some(load_client_identity(cert, key, &provider)?),
        _ => None,
    };
    let timeout = Duration::from_secs_f64(args.timeout);
    let config = ScanConfig {
        timeout,
        sni: args.sni.clone(),
        overrides,
        handshake: HandshakeSettings {
            verifier: trust.verifier(provider.clone())?,
            provider,
            client_identity,
            timeout,
        },
        trust,
        http_port: Some(args.http_port),
        skip_http: args.no_http,
        thresholds: analysis::ExpiryThresholds {
            warn_days: args.warn_days,
            crit_days: args.crit_days,
        },
        concurrency: args.concurrency,
        enumerate: !args.quick,
        max_connections: args.max_connections,
        handshake_counter: None,
    };
    Ok((targets, config))
}
