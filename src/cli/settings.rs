//! Settings: turns the command-line flags into validated settings (targets, scan settings, the
//! policy, the output), or a [`ConfigError`] that names the flag to fix (exit code 2).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use thiserror::Error;

use crate::analysis::{ExpiryThresholds, Severity};
use crate::cli::{
    FailOn, FixFor as FixForArg, Format as FormatArg, OutputArgs, ScanArgs, ServeArgs, SuggestFor,
    TrustChoice, Unreachable,
};
use crate::policy::nagios::UnreachableState;
use crate::policy::{Policy, PolicyFile, Profile, DEFAULT_PROFILE};
use crate::probe::handshake::{load_client_identity, provider, IdentityError};
use crate::remediation::suggest::ProfileChoice;
use crate::remediation::Server;
use crate::report::{FixFor, Format};
use crate::scan::{ScanOptions, ScanSettings};
use crate::target::{
    ConnectTo, Overrides, Target, TargetError, TargetList, TargetPattern, Targets,
};
use crate::x509::trust::{RootSource, TrustError, TrustStore};

/// The longest `--timeout` or `--target-timeout` accepted: one day.
pub const MAX_SECONDS: f64 = 86_400.0;
/// The shortest `--timeout` or `--target-timeout` accepted: a millisecond.
pub const MIN_SECONDS: f64 = 0.001;
/// The most days `--warn-days` and `--crit-days` accept: a hundred years.
pub const MAX_DAYS: i64 = 36_500;
/// The most targets scanned at once.
pub const MAX_CONCURRENCY: usize = 10_000;
/// The most connections at once to one server.
pub const MAX_CONNECTIONS: usize = 1_000;

/// A problem with what the user asked for: exit code 2.
#[derive(Debug, Error)]
pub enum ConfigError {
    #[error(transparent)]
    Target(#[from] TargetError),
    #[error(transparent)]
    Trust(#[from] TrustError),
    #[error(transparent)]
    Identity(#[from] IdentityError),
    #[error("{flag} must be a number of seconds from {MIN_SECONDS} to {MAX_SECONDS}, not {value}")]
    Seconds { flag: &'static str, value: f64 },
    #[error("--crit-days ({crit}) must not be larger than --warn-days ({warn})")]
    Days { warn: i64, crit: i64 },
    #[error("{flag} must be a number of days from 0 to {MAX_DAYS}, not {value}")]
    DaysRange { flag: &'static str, value: i64 },
    #[error("--http-port must be from 1 to 65535, not 0")]
    HttpPort,
    #[error("--concurrency must be from 1 to {MAX_CONCURRENCY}, not {0}")]
    Concurrency(usize),
    #[error("--max-connections must be from 1 to {MAX_CONNECTIONS}, not {0}")]
    MaxConnections(usize),
    #[error("--sni '{0}' is not a valid DNS name")]
    Sni(String),
    #[error("cannot start the async runtime: {0}")]
    Runtime(String),
    #[error(transparent)]
    Profile(#[from] crate::policy::profile::UnknownProfile),
    #[error(transparent)]
    PolicyFile(#[from] crate::policy::PolicyFileError),
    #[error("demo: {0}")]
    Demo(String),
    #[error("no targets: '{0}' lists none (give TARGET arguments or lines in the list)")]
    NoTargets(String),
    #[error("--baseline does not combine with --format nagios: a check reports the state now (compare reports with `tlscheck diff`)")]
    BaselineNagios,
    #[error(
        "serve probes only the targets an --allow pattern names: give --allow PATTERN \
         (repeatable), or --allow '*' to let anyone who reaches the exporter have it probe any host"
    )]
    NoAllow,
    #[error("--listen '{value}': {reason}")]
    Listen { value: String, reason: String },
    #[error("--max-concurrent-probes must be from 1 to {MAX_CONCURRENCY}, not {0}")]
    MaxConcurrentProbes(usize),
}

/// Everything a scan run needs, checked.
pub struct Settings {
    pub targets: Targets,
    pub scan: ScanSettings,
    pub policy: Policy,
    /// `--suggest`: print configuration fragments instead of the report.
    pub suggest: Option<Suggest>,
}

/// What `--suggest` writes: fragments for `server` that pass `profile`.
pub struct Suggest {
    pub server: Server,
    /// The policy's profile, or the default one with `--policy none`.
    pub profile: Profile,
    pub choice: ProfileChoice,
}

/// `--suggest SERVER` for `policy`: its profile, or with `--policy none` the default one.
fn suggest(server: SuggestFor, policy: &Policy) -> Result<Suggest, ConfigError> {
    let server = match server {
        SuggestFor::Nginx => Server::Nginx,
        SuggestFor::Apache => Server::Apache,
        SuggestFor::Python => Server::Python,
    };
    // A policy file's fragment follows the profile it extends; its own rules are not written.
    let chosen = match (&policy.file, &policy.profile) {
        (Some(file), _) => file.extends.as_ref(),
        (None, profile) => profile.as_ref(),
    };
    Ok(match chosen {
        Some(profile) => Suggest {
            server,
            profile: profile.clone(),
            choice: ProfileChoice::Chosen,
        },
        None => Suggest {
            server,
            profile: Profile::builtin(DEFAULT_PROFILE)?,
            choice: ProfileChoice::DefaultForNone,
        },
    })
}

fn seconds(flag: &'static str, value: f64) -> Result<Duration, ConfigError> {
    if value.is_finite() && (MIN_SECONDS..=MAX_SECONDS).contains(&value) {
        Ok(Duration::from_secs_f64(value))
    } else {
        Err(ConfigError::Seconds { flag, value })
    }
}

/// The targets listed in `path` (`-` for standard input), at most
/// [`crate::files::MAX_TARGET_LIST_BYTES`].
fn read_target_list(path: &std::path::Path) -> Result<TargetList, ConfigError> {
    use crate::files::{read_all_capped, read_capped, MAX_TARGET_LIST_BYTES};
    let origin = if path.as_os_str() == "-" {
        "standard input".to_string()
    } else {
        crate::text::escaped(&path.display().to_string())
    };
    let read = if path.as_os_str() == "-" {
        read_all_capped(std::io::stdin().lock(), MAX_TARGET_LIST_BYTES)
    } else {
        read_capped(path, MAX_TARGET_LIST_BYTES)
    };
    let text = read.and_then(|bytes| {
        String::from_utf8(bytes).map_err(|_| {
            std::io::Error::new(std::io::ErrorKind::InvalidData, "it is not UTF-8 text").into()
        })
    });
    let text = text.map_err(|error| TargetError::Read {
        origin: origin.clone(),
        reason: error.to_string(),
    })?;
    Ok(TargetList::parse(&origin, text)?)
}

/// `--connect-to` and `--resolve`, in that order.
fn overrides(connect_to: &[String], resolve: &[String]) -> Result<Overrides, ConfigError> {
    let mut overrides = Overrides::default();
    for rule in connect_to {
        overrides.rules.push(ConnectTo::parse(rule)?);
    }
    for rule in resolve {
        overrides.rules.push(ConnectTo::parse_resolve(rule)?);
    }
    Ok(overrides)
}

/// `--trust` with the `--ca-file`s.
fn trust_store(choice: TrustChoice, ca_files: &[PathBuf]) -> Result<TrustStore, ConfigError> {
    let source = match choice {
        TrustChoice::Webpki => RootSource::Webpki,
        TrustChoice::System => RootSource::System,
    };
    Ok(TrustStore::load(source, ca_files)?)
}

/// `--client-cert` with `--client-key`, when given.
fn client_identity(
    cert: &Option<PathBuf>,
    key: &Option<PathBuf>,
) -> Result<Option<Arc<rustls::sign::CertifiedKey>>, ConfigError> {
    Ok(match (cert, key) {
        (Some(cert), Some(key)) => Some(load_client_identity(cert, key, &provider())?),
        _ => None,
    })
}

fn check_days(warn_days: i64, crit_days: i64) -> Result<(), ConfigError> {
    for (flag, value) in [("--warn-days", warn_days), ("--crit-days", crit_days)] {
        if !(0..=MAX_DAYS).contains(&value) {
            return Err(ConfigError::DaysRange { flag, value });
        }
    }
    if crit_days > warn_days {
        return Err(ConfigError::Days {
            warn: warn_days,
            crit: crit_days,
        });
    }
    Ok(())
}

fn check_max_connections(max_connections: usize) -> Result<(), ConfigError> {
    if !(1..=MAX_CONNECTIONS).contains(&max_connections) {
        return Err(ConfigError::MaxConnections(max_connections));
    }
    Ok(())
}

/// Turn the scan flags into targets, scan settings and a policy, checking each.
pub fn settings(args: &ScanArgs) -> Result<Settings, ConfigError> {
    if args.baseline.is_some() && format(&args.output) == Format::Nagios {
        return Err(ConfigError::BaselineNagios);
    }
    let mut targets = Targets::from(
        args.targets
            .iter()
            .map(|t| Target::parse(t))
            .collect::<Result<Vec<_>, _>>()?,
    );
    if let Some(path) = &args.input {
        targets.list = Some(read_target_list(path)?);
    }
    if targets.is_empty() {
        return Err(ConfigError::NoTargets(
            args.input
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
        ));
    }
    let timeout = seconds("--timeout", args.timeout)?;
    let target_timeout = seconds("--target-timeout", args.target_timeout)?;
    check_days(args.warn_days, args.crit_days)?;
    if !(1..=MAX_CONCURRENCY).contains(&args.concurrency) {
        return Err(ConfigError::Concurrency(args.concurrency));
    }
    check_max_connections(args.max_connections)?;
    if args.http_port == 0 {
        return Err(ConfigError::HttpPort);
    }
    if let Some(sni) = &args.sni {
        if rustls::pki_types::DnsName::try_from(sni.as_str()).is_err() {
            return Err(ConfigError::Sni(sni.clone()));
        }
    }
    let overrides = overrides(&args.connect_to, &args.resolve)?;
    let trust = trust_store(args.tls.trust, &args.tls.ca_files)?;
    let client_identity = client_identity(&args.tls.client_cert, &args.tls.client_key)?;
    let options = ScanOptions {
        timeout,
        target_timeout,
        sni: args.sni.clone(),
        overrides,
        http_port: Some(args.http_port),
        skip_http: args.no_http,
        concurrency: args.concurrency,
        enumerate: !args.quick,
        max_connections: args.max_connections,
        all_ips: args.all_ips,
    };
    let policy = policy(args)?;
    let suggest = args
        .suggest
        .map(|server| suggest(server, &policy))
        .transpose()?;
    Ok(Settings {
        targets,
        scan: ScanSettings::new(options, trust, client_identity)?,
        policy,
        suggest,
    })
}

/// The policy of `--policy` (a built-in profile, `none`, or a policy file), `--fail-on` and the
/// expiry thresholds. A policy file's `fail_on` applies unless `--fail-on` is given.
pub fn policy(args: &ScanArgs) -> Result<Policy, ConfigError> {
    policy_of(&args.policy, args.fail_on, args.warn_days, args.crit_days)
}

fn policy_of(
    name: &str,
    fail_on: Option<FailOn>,
    warn_days: i64,
    crit_days: i64,
) -> Result<Policy, ConfigError> {
    let expiry = ExpiryThresholds {
        warn_days,
        crit_days,
        ..ExpiryThresholds::default()
    };
    let path = std::path::Path::new(name);
    let mut policy = if name.ends_with(".toml") || path.is_file() {
        Policy::from_file(PolicyFile::load(path)?)
    } else {
        Policy {
            profile: match name {
                "none" => None,
                name => Some(Profile::builtin(name)?),
            },
            ..Policy::default()
        }
    };
    policy.expiry = expiry;
    if let Some(flag) = fail_on {
        policy.fail_on = severity(flag);
    }
    Ok(policy)
}

/// Everything `tlscheck serve` needs, checked.
pub struct ServeSettings {
    pub listen: SocketAddr,
    pub allow: Vec<TargetPattern>,
    pub max_concurrent_probes: usize,
    /// How to scan; each probe's time budget comes from its scrape, at most `scan.target_timeout`.
    pub scan: ScanSettings,
    /// The policy of a probe whose scrape names none (`--policy`).
    pub policy: Policy,
    /// What a scrape's `policy=NAME` builds on: `--fail-on` (else high) and the expiry
    /// thresholds, with no profile.
    pub named_policy: Policy,
}

impl ServeSettings {
    /// The policy a scrape's `policy=NAME` asks for: a built-in profile or `none`, judged with
    /// `--fail-on` and the expiry thresholds. Policy files are for the operator (`--policy`),
    /// never read at a scraper's request.
    pub fn policy_named(
        &self,
        name: &str,
    ) -> Result<Policy, crate::policy::profile::UnknownProfile> {
        Ok(Policy {
            profile: match name {
                "none" => None,
                name => Some(Profile::builtin(name)?),
            },
            ..self.named_policy.clone()
        })
    }
}

/// Turn the `serve` flags into its settings, checking each. No --allow is an error: an exporter
/// that probes anything for anyone must be asked for (`--allow '*'`).
pub fn serve_settings(args: &ServeArgs) -> Result<ServeSettings, ConfigError> {
    let listen = args
        .listen
        .parse::<SocketAddr>()
        .map_err(|_| ConfigError::Listen {
            value: args.listen.clone(),
            reason: "expected an IP address and a port, e.g. 127.0.0.1:9219 or [::]:9219".into(),
        })?;
    if args.allow.is_empty() {
        return Err(ConfigError::NoAllow);
    }
    let allow = args
        .allow
        .iter()
        .map(|pattern| TargetPattern::parse(pattern))
        .collect::<Result<Vec<_>, _>>()?;
    if !(1..=MAX_CONCURRENCY).contains(&args.max_concurrent_probes) {
        return Err(ConfigError::MaxConcurrentProbes(args.max_concurrent_probes));
    }
    let timeout = seconds("--timeout", args.timeout)?;
    let target_timeout = seconds("--target-timeout", args.target_timeout)?;
    check_days(args.warn_days, args.crit_days)?;
    check_max_connections(args.max_connections)?;
    if args.http_port == 0 {
        return Err(ConfigError::HttpPort);
    }
    let options = ScanOptions {
        timeout,
        target_timeout,
        sni: None,
        overrides: overrides(&args.connect_to, &args.resolve)?,
        http_port: Some(args.http_port),
        skip_http: args.no_http,
        concurrency: 1,
        enumerate: true,
        max_connections: args.max_connections,
        all_ips: false,
    };
    let scan = ScanSettings::new(
        options,
        trust_store(args.tls.trust, &args.tls.ca_files)?,
        client_identity(&args.tls.client_cert, &args.tls.client_key)?,
    )?;
    let policy = policy_of(&args.policy, args.fail_on, args.warn_days, args.crit_days)?;
    let named_policy = Policy {
        fail_on: args.fail_on.map(severity).unwrap_or(Severity::High),
        profile: None,
        ..policy_of("none", None, args.warn_days, args.crit_days)?
    };
    Ok(ServeSettings {
        listen,
        allow,
        max_concurrent_probes: args.max_concurrent_probes,
        scan,
        policy,
        named_policy,
    })
}

pub fn severity(fail_on: FailOn) -> Severity {
    match fail_on {
        FailOn::Info => Severity::Info,
        FailOn::Low => Severity::Low,
        FailOn::Medium => Severity::Medium,
        FailOn::High => Severity::High,
        FailOn::Critical => Severity::Critical,
    }
}

pub fn format(output: &OutputArgs) -> Format {
    match output.format {
        FormatArg::Table => Format::Table,
        FormatArg::Json => Format::Json,
        FormatArg::Junit => Format::Junit,
        FormatArg::Sarif => Format::Sarif,
        FormatArg::Markdown => Format::Markdown,
        FormatArg::Jsonl => Format::Jsonl,
        FormatArg::Nagios => Format::Nagios,
        FormatArg::Prometheus => Format::Prometheus,
    }
}

/// `--unreachable`: the Nagios state of a target that could not be scanned.
pub fn unreachable(output: &OutputArgs) -> UnreachableState {
    match output.unreachable {
        Unreachable::Critical => UnreachableState::Critical,
        Unreachable::Unknown => UnreachableState::Unknown,
    }
}

pub fn fix_for(output: &OutputArgs) -> FixFor {
    match output.fix_for {
        FixForArg::All => FixFor::All,
        FixForArg::Nginx => FixFor::Server(Server::Nginx),
        FixForArg::Apache => FixFor::Server(Server::Apache),
        FixForArg::Python => FixFor::Server(Server::Python),
    }
}
