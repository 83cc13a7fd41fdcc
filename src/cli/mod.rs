//! Command-line interface: the clap definitions; [`settings`] turns them into validated settings.

pub mod settings;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const AFTER_HELP: &str = "\
Exit codes:
  0  no finding at or above --fail-on (and, with --baseline, no regression)
  1  findings at or above --fail-on, or with --baseline a regression from the baseline
  2  usage or configuration error (a --baseline file that is not a readable report too)
  3  a target was unreachable or could not be scanned
  130  interrupted (Ctrl-C); finished targets are written, the rest counted

With --format nagios the exit code is the plugin's state instead, as its status line says:
  0  OK
  1  WARNING: a medium or high finding below --fail-on, or a certificate that expires within
     --warn-days (short-lived ones: a third of their lifetime or less left)
  2  CRITICAL: a finding at or above --fail-on, a certificate that expires within --crit-days
     (short-lived ones: a tenth or less left), or with --unreachable critical (the default) a
     target that could not be scanned
  3  UNKNOWN: with --unreachable unknown a target that could not be scanned; a usage or
     configuration error (with an UNKNOWN status line)
  Several targets: the worst state wins (OK < UNKNOWN < WARNING < CRITICAL).

Examples:
  tlscheck www.example.com
  tlscheck https://example.com:8443/login --format json
  tlscheck www.example.com --format nagios --warn-days 21 --crit-days 7
  tlscheck good.test --connect-to good.test:443:127.0.0.1:8443 --ca-file ca.pem
  tlscheck deploy.example.com --policy ci/policy.toml
  tlscheck policy show mozilla-intermediate > ci/policy.toml
  tlscheck www.example.com --suggest nginx --policy mozilla-modern
  tlscheck www.example.com --format json > monday.json
  tlscheck www.example.com --baseline monday.json
  tlscheck diff monday.json tuesday.json
  tlscheck www.example.com api.example.com --format prometheus > tlscheck.prom
  tlscheck serve --allow '*.example.com'
  tlscheck demo";

const DIFF_AFTER_HELP: &str = "\
Targets are matched by what was typed, else by host and port. Each change is a regression
(weaker than before: an older protocol or a weak suite added, TLS 1.2 or 1.3 removed, a weaker
key or signature, trust or the host-name match lost, a failing verdict, a new finding at or
above the new report's fail_on, a lower grade, HSTS gone, shorter or narrower, the redirect no
longer permanent, a reachable target now unreachable), an improvement (the reverse), or a
change. What one scan could not measure is listed as not compared, never as added or removed.

Exit codes:
  0  no regression
  1  a regression: something is weaker than before
  2  usage error, or a file that cannot be read, is not a tlscheck report, or has a
     schema_version this tlscheck does not know

Examples:
  tlscheck www.example.com --format json > monday.json
  tlscheck www.example.com --format json > tuesday.json
  tlscheck diff monday.json tuesday.json
  tlscheck diff monday.json tuesday.json --format markdown";

/// Whether the command line asks for `--format nagios` (`--format nagios`, `--format=nagios`,
/// `-f nagios`, `-fnagios`), read before clap parses it: a Nagios plugin's usage errors are
/// UNKNOWN, with a status line. The subcommands other than `demo` have no such format.
pub fn asks_for_nagios(args: &[std::ffi::OsString]) -> bool {
    let args: Vec<&str> = args.iter().skip(1).filter_map(|arg| arg.to_str()).collect();
    if matches!(
        args.first(),
        Some(&("diff" | "policy" | "completions" | "help"))
    ) {
        return false;
    }
    args.iter().enumerate().any(|(index, arg)| match *arg {
        "--format" | "-f" => args.get(index + 1) == Some(&"nagios"),
        _ => matches!(*arg, "--format=nagios" | "-fnagios" | "-f=nagios"),
    })
}

#[derive(Debug, Parser)]
#[command(
    name = "tlscheck",
    version,
    about = "Check an HTTPS deployment: TLS connection, certificate chain, redirect and HSTS, with fixes",
    after_help = AFTER_HELP,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub scan: ScanArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start local demo servers (good, misconfigured, mutual TLS) on 127.0.0.1 and scan them
    Demo(DemoArgs),
    /// Compare two JSON reports (schema_version 1 or 2) and list what changed; exit 1 on a regression
    Diff(DiffArgs),
    /// Check a policy file, or print a built-in profile as a policy file to start from
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Run as a Prometheus exporter: /probe?target=HOST:PORT scans one target and answers with its
    /// metrics (blackbox_exporter's multi-target pattern), /metrics with the exporter's own
    Serve(ServeArgs),
    /// Print a shell completion script
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Check a policy file: exit 0 and a summary when it is valid, else exit 2 and what is wrong
    /// (file, line, column and key)
    Check {
        /// The policy file (TOML)
        file: PathBuf,
    },
    /// Print a built-in profile (mozilla-intermediate, mozilla-modern@6.0, mozilla-old@5.7, ...)
    /// as a policy file stating each of its rules
    Show {
        /// The built-in profile
        name: String,
    },
}

const SERVE_AFTER_HELP: &str = "\
Endpoints:
  /probe?target=HOST[:PORT]  scan the target, answer with its metrics (HTTP 200 even when the
                             probe fails: probe_success says so); &policy=NAME checks it against a
                             built-in profile (or none) instead of --policy; &module=quick makes
                             one handshake instead of the full enumeration (module=full, the
                             default); 403 for a target no --allow pattern matches, before any
                             packet is sent to it; 503 when --max-concurrent-probes are running
  /metrics                   the exporter's own: probes by result, their durations, in flight,
                             requests refused

Each probe's time budget is Prometheus' X-Prometheus-Scrape-Timeout-Seconds less 0.5 s (less
half when it is under a second), at most --target-timeout. SIGTERM or Ctrl-C: stop accepting,
let the probes in flight finish (at most --target-timeout), exit 0.

Exit codes:
  0  stopped by SIGTERM or Ctrl-C
  2  a bad flag, no --allow, or an address --listen cannot listen on

Examples:
  tlscheck serve --allow '*.example.com' --allow 'api.example.net:8443'
  tlscheck serve --listen 0.0.0.0:9219 --allow '10.1.*' --policy mozilla-modern
  curl 'http://127.0.0.1:9219/probe?target=www.example.com:443&module=quick'";

/// Default address of `tlscheck serve`. The exporter port range of Prometheus' allocation list
/// (9100-9999) is full; 9219 is not blackbox_exporter's 9115, so both can run on one machine.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:9219";

#[derive(Debug, Args)]
#[command(after_help = SERVE_AFTER_HELP)]
pub struct ServeArgs {
    /// Address and port to listen on for HTTP
    #[arg(long, value_name = "ADDR:PORT", default_value = DEFAULT_LISTEN)]
    pub listen: String,

    /// Targets the exporter may probe: HOST or HOST:PORT, * and ? as wildcards (*.example.com,
    /// www.example.com:443, 10.1.2.*:*, [2001:db8::1]:443); repeatable and required (--allow '*'
    /// lets anyone who reaches the exporter have it probe any host)
    #[arg(long = "allow", value_name = "PATTERN")]
    pub allow: Vec<String>,

    /// Probes running at once, 1 to 10000; a scrape beyond them gets HTTP 503
    #[arg(long, value_name = "N", default_value_t = 16)]
    pub max_concurrent_probes: usize,

    /// Policy of a probe whose scrape names none: a built-in profile (mozilla-intermediate,
    /// mozilla-modern, mozilla-old@5.7, ...), none, or a policy file (TOML)
    #[arg(long, value_name = "NAME|FILE", default_value = crate::policy::DEFAULT_PROFILE)]
    pub policy: String,

    /// A finding at least this severe fails the target (tlscheck_verdict) [default: the policy
    /// file's fail_on, else high]
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,

    /// Warn when the certificate expires within this many days (0 to 36500)
    #[arg(
        long,
        value_name = "DAYS",
        default_value_t = 30,
        allow_negative_numbers = true
    )]
    pub warn_days: i64,

    /// Critical when the certificate expires within this many days (0 to --warn-days)
    #[arg(
        long,
        value_name = "DAYS",
        default_value_t = 7,
        allow_negative_numbers = true
    )]
    pub crit_days: i64,

    /// Seconds allowed for each network step (resolve, connect, handshake, response), 0.001 to
    /// 86400
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 10.0,
        allow_negative_numbers = true
    )]
    pub timeout: f64,

    /// Most seconds a probe may take, whatever the scrape timeout (0.001 to 86400)
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 30.0,
        allow_negative_numbers = true
    )]
    pub target_timeout: f64,

    #[command(flatten)]
    pub tls: TrustArgs,

    /// Connect to ADDR:PORT when HOST:PORT is asked for (repeatable); --allow is matched against
    /// what was asked for
    #[arg(long = "connect-to", value_name = "HOST:PORT:ADDR:PORT")]
    pub connect_to: Vec<String>,

    /// Use ADDR for HOST:PORT (repeatable)
    #[arg(long, value_name = "HOST:PORT:ADDR")]
    pub resolve: Vec<String>,

    /// Port of the plain-HTTP redirect check, on the target's host (1 to 65535)
    #[arg(long, value_name = "PORT", default_value_t = 80)]
    pub http_port: u16,

    /// Skip the plain-HTTP redirect check
    #[arg(long)]
    pub no_http: bool,

    /// Connections open at once to one server address, across all probes (1 to 1000)
    #[arg(long, value_name = "N", default_value_t = crate::probe::connector::DEFAULT_MAX_CONNECTIONS)]
    pub max_connections: usize,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
#[command(after_help = DIFF_AFTER_HELP)]
pub struct DiffArgs {
    /// The earlier report, written by `tlscheck ... --format json`
    #[arg(value_name = "OLD")]
    pub old: PathBuf,

    /// The later report
    #[arg(value_name = "NEW")]
    pub new: PathBuf,

    /// Output format
    #[arg(short, long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,

    /// When to colour the text (NO_COLOR is honoured with auto)
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// A line per change, grouped by target, then a summary line
    Text,
    /// One JSON document (see src/report/wire/drift.schema.json)
    Json,
    /// Markdown for a pull-request comment
    Markdown,
}

/// How to print the report: shared by the scan and the demo.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format
    #[arg(short, long, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// When to colour the table (NO_COLOR is honoured with auto)
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Which server's fixes the table shows (JSON always has all)
    #[arg(long, value_enum, value_name = "SERVER", default_value_t = FixFor::All)]
    pub fix_for: FixFor,

    /// With --format nagios: the state of a target that could not be scanned (never OK)
    #[arg(long, value_enum, value_name = "STATE", default_value_t = Unreachable::Critical)]
    pub unreachable: Unreachable,
}

/// How tlscheck judges the chain and which identity it presents: the same for a scan and for
/// `serve`.
#[derive(Debug, Args)]
pub struct TrustArgs {
    /// Also trust the CA certificates in this PEM file (repeatable), e.g. a private CA (a regular
    /// file of at most 4 MiB)
    #[arg(long = "ca-file", value_name = "PEM")]
    pub ca_files: Vec<PathBuf>,

    /// Root store to judge the chain against
    #[arg(long, value_enum, default_value_t = TrustChoice::Webpki)]
    pub trust: TrustChoice,

    /// Client certificate (PEM, with its chain) to present for mutual TLS (at most 4 MiB)
    #[arg(long, value_name = "PEM", requires = "client_key")]
    pub client_cert: Option<PathBuf>,

    /// Private key (PEM, not encrypted) of --client-cert (at most 4 MiB)
    #[arg(long, value_name = "PEM", requires = "client_cert")]
    pub client_key: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Hosts to scan: host, host:port, https://host[:port]/path, http://host[:port], IPv4, [IPv6]:port
    #[arg(value_name = "TARGET", required_unless_present = "input")]
    pub targets: Vec<String>,

    /// Read targets from FILE too (`-` for standard input): one per line, `#` comments, each
    /// optionally followed by its own --sni, --connect-to or --resolve
    #[arg(short = 'i', long = "input", value_name = "FILE")]
    pub input: Option<PathBuf>,

    #[command(flatten)]
    pub output: OutputArgs,

    /// Server name to send (SNI) and check the certificate against, instead of the target's host
    #[arg(long, value_name = "NAME")]
    pub sni: Option<String>,

    /// Connect to ADDR:PORT when HOST:PORT is asked for, like curl (repeatable; empty fields match any)
    #[arg(long = "connect-to", value_name = "HOST:PORT:ADDR:PORT")]
    pub connect_to: Vec<String>,

    /// Use ADDR for HOST:PORT, like curl (repeatable)
    #[arg(long, value_name = "HOST:PORT:ADDR")]
    pub resolve: Vec<String>,

    #[command(flatten)]
    pub tls: TrustArgs,

    /// Port of the plain-HTTP redirect check (1 to 65535)
    #[arg(long, value_name = "PORT", default_value_t = 80)]
    pub http_port: u16,

    /// Skip the plain-HTTP redirect check
    #[arg(long)]
    pub no_http: bool,

    /// Seconds allowed for each network step (resolve, connect, handshake, response), 0.001 to
    /// 86400
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 10.0,
        allow_negative_numbers = true
    )]
    pub timeout: f64,

    /// Seconds allowed for each target as a whole, 0.001 to 86400; what is not measured by then is
    /// reported as such
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 120.0,
        allow_negative_numbers = true
    )]
    pub target_timeout: f64,

    /// Warn when the certificate expires within this many days, 0 to 36500 (one valid for at most
    /// 100 days and under three times this: when a third of its lifetime or less is left)
    #[arg(
        long,
        value_name = "DAYS",
        default_value_t = 30,
        allow_negative_numbers = true
    )]
    pub warn_days: i64,

    /// Critical when the certificate expires within this many days, 0 to --warn-days (short-lived
    /// ones, as for --warn-days: when a tenth of its lifetime or less is left)
    #[arg(
        long,
        value_name = "DAYS",
        default_value_t = 7,
        allow_negative_numbers = true
    )]
    pub crit_days: i64,

    /// Exit 1 when a finding is at least this severe [default: the policy file's fail_on, else high]
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,

    /// Profile to check against: mozilla-intermediate, mozilla-modern, mozilla-old@5.7 (NAME@VERSION for an older guideline), none, or a policy file (TOML; see `tlscheck policy show`)
    #[arg(long, value_name = "NAME|FILE", default_value = crate::policy::DEFAULT_PROFILE)]
    pub policy: String,

    /// An earlier JSON report to compare this scan with: what changed is printed after the
    /// report (inside the JSON document as `drift`; on stderr for junit and sarif), and a
    /// regression exits 1 (see `tlscheck diff --help`)
    #[arg(long, value_name = "REPORT", conflicts_with = "suggest")]
    pub baseline: Option<PathBuf>,

    /// Instead of the report, print per target a configuration fragment for SERVER that would pass
    /// --policy (with none: mozilla-intermediate), named for the target; the exit code is still
    /// the scan's
    #[arg(long, value_enum, value_name = "SERVER", conflicts_with_all = ["format", "fix_for"])]
    pub suggest: Option<SuggestFor>,

    /// Scan every address of a name (A and AAAA, or every --resolve), not only the first, and
    /// say where they differ (certificate, protocols, suites)
    #[arg(long)]
    pub all_ips: bool,

    /// Skip the protocol, cipher-suite and group enumeration (one handshake instead of dozens)
    #[arg(long)]
    pub quick: bool,

    /// Connections open at once to one server address, by every probe of every target (1 to 1000)
    #[arg(long, value_name = "N", default_value_t = crate::probe::connector::DEFAULT_MAX_CONNECTIONS)]
    pub max_connections: usize,

    /// Targets scanned at once (1 to 10000)
    #[arg(long, value_name = "N", default_value_t = 16)]
    pub concurrency: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable tables
    Table,
    /// One JSON document (see src/report/wire/report.schema.json)
    Json,
    /// JUnit XML for CI test reports: a testsuite per target, a testcase per rule
    Junit,
    /// SARIF 2.1.0 for code scanning (GitHub): the catalogue as rules, findings as results
    Sarif,
    /// Markdown for a pull-request comment: verdict first, failing findings only
    Markdown,
    /// JSON Lines: one line per target as it is scanned, then a summary line
    Jsonl,
    /// A Nagios/Icinga plugin: a status line with performance data, long output per target, and
    /// the plugin's exit code (see below)
    Nagios,
    /// Prometheus text exposition (blackbox_exporter's probe_* metrics and tlscheck_* ones), one
    /// target label per target, e.g. for node_exporter's textfile collector
    Prometheus,
}

/// `--unreachable`: how `--format nagios` reports a target that could not be scanned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Unreachable {
    /// CRITICAL, as the Monitoring Plugins guidelines ask for refused connections and timeouts
    Critical,
    /// UNKNOWN, for setups that watch availability with another check
    Unknown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FixFor {
    All,
    Nginx,
    Apache,
    /// Python's ssl module / Flask
    Python,
}

/// The servers `--suggest` writes configurations for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SuggestFor {
    /// nginx `server` blocks
    Nginx,
    /// Apache mod_ssl `VirtualHost`s
    Apache,
    /// Python's ssl module (an SSLContext) with Flask
    Python,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TrustChoice {
    /// Mozilla's roots built into tlscheck (same answer on every machine)
    Webpki,
    /// The operating system's trust store
    System,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asks(line: &str) -> bool {
        let args: Vec<std::ffi::OsString> = line.split(' ').map(Into::into).collect();
        asks_for_nagios(&args)
    }

    #[test]
    fn nagios_is_recognised_in_every_spelling_before_parsing() {
        assert!(asks("tlscheck a.test --format nagios"));
        assert!(asks("tlscheck --format=nagios a.test --crit-days 40"));
        assert!(asks("tlscheck -f nagios a.test"));
        assert!(asks("tlscheck -fnagios"));
        assert!(asks("tlscheck demo --format nagios"));
        assert!(!asks("tlscheck a.test --format json"));
        assert!(!asks("tlscheck nagios"));
        assert!(!asks("tlscheck diff a.json b.json --format nagios"));
    }
}
