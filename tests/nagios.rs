//! `--format nagios`, the output of a monitoring plugin. First the renderer over records built
//! from fact fixtures (each state and what sets it, the expiry thresholds by days and by the
//! share of a short lifetime, several targets, label quoting, the 4 KiB status line); then the
//! binary against real servers on 127.0.0.1 (nginx, openssl s_server, a closed port): status
//! line, exit code and performance data, read by a strict parser of the Monitoring Plugins
//! guidelines' grammar written here and by the Monitoring Plugins' own Perl parser
//! (Monitoring::Plugin::Performance, Debian's libmonitoring-plugin-perl).

mod common;

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::*;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, IsCa, KeyPair,
};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use serde_json::Value;
use tlscheck::analysis::{ExpiryThresholds, Severity};
use tlscheck::facts::hsts::parse_hsts;
use tlscheck::facts::*;
use tlscheck::policy::nagios::UnreachableState;
use tlscheck::policy::{assess, Policy};
use tlscheck::report::{self, FixFor, Format, Record, RenderOptions, Renderer};
use tlscheck::x509::chain::analyse_chain;

/// 2027-01-15T08:00:00Z.
const NOW: i64 = 1_800_000_000;
const DAY: i64 = 86_400;

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

// ---------------------------------------------------------------------------------------------
// The guidelines' grammar, strictly: `'label'=value[UOM];[warn];[crit];[min];[max]`

/// A threshold range, `[@]start:end`: an alert outside start..end (inside with `@`).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Range {
    start: f64,
    end: f64,
    inside: bool,
}

impl Range {
    fn alerts(&self, value: f64) -> bool {
        let within = self.start <= value && value <= self.end;
        within == self.inside
    }
}

/// `[-0-9.]+` read as a number: the guidelines' class, so no thousands separators, no `+`, no
/// exponent.
fn number(text: &str) -> Result<f64, String> {
    if text.is_empty()
        || !text
            .chars()
            .all(|c| c.is_ascii_digit() || c == '-' || c == '.')
    {
        return Err(format!("{text:?} is not in the class [-0-9.]"));
    }
    text.parse::<f64>()
        .map_err(|_| format!("{text:?} is not a number"))
}

fn range(text: &str) -> Result<Range, String> {
    let (inside, body) = match text.strip_prefix('@') {
        Some(body) => (true, body),
        None => (false, text),
    };
    let (start, end) = match body.split_once(':') {
        Some((start, end)) => {
            let start = match start {
                "~" => f64::NEG_INFINITY,
                "" => 0.0,
                start => number(start)?,
            };
            let end = if end.is_empty() {
                f64::INFINITY
            } else {
                number(end)?
            };
            (start, end)
        }
        None => (0.0, number(body)?),
    };
    if start > end {
        return Err(format!("range {text:?} starts after it ends"));
    }
    Ok(Range { start, end, inside })
}

/// One performance data item, parsed.
#[derive(Clone, Debug, PartialEq)]
struct Perf {
    label: String,
    value: f64,
    uom: String,
    warn: Option<Range>,
    crit: Option<Range>,
    min: Option<f64>,
    max: Option<f64>,
}

impl Perf {
    /// The state its own thresholds give its value: 0, 1 or 2.
    fn state(&self) -> i32 {
        if self.crit.is_some_and(|crit| crit.alerts(self.value)) {
            2
        } else if self.warn.is_some_and(|warn| warn.alerts(self.value)) {
            1
        } else {
            0
        }
    }
}

const UNITS: [&str; 11] = ["", "s", "ms", "us", "%", "B", "KB", "MB", "GB", "TB", "c"];

/// Space-separated items, each `label=value[UOM]` and up to four `;`-fields; a label quoted
/// with `'` when it holds a space, `=` or `'` (a quote written twice); nothing else.
fn parse_perfdata(text: &str) -> Result<Vec<Perf>, String> {
    let mut items = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let (label, after) = if let Some(quoted) = rest.strip_prefix('\'') {
            let mut label = String::new();
            let mut chars = quoted.char_indices();
            let end = loop {
                match chars.next() {
                    Some((index, '\'')) => {
                        if quoted[index + 1..].starts_with('\'') {
                            label.push('\'');
                            chars.next();
                        } else {
                            break index + 1;
                        }
                    }
                    Some((_, c)) => label.push(c),
                    None => return Err(format!("unclosed quote in {rest:?}")),
                }
            };
            (label, &quoted[end..])
        } else {
            let end = rest
                .find('=')
                .ok_or_else(|| format!("no '=' in {rest:?}"))?;
            let label = &rest[..end];
            if label.contains([' ', '\'']) {
                return Err(format!("label {label:?} must be quoted"));
            }
            (label.to_string(), &rest[end..])
        };
        if label.is_empty() {
            return Err(format!("empty label in {text:?}"));
        }
        let after = after
            .strip_prefix('=')
            .ok_or_else(|| format!("no '=' after label {label:?}"))?;
        let (item, next) = after.split_once(' ').unwrap_or((after, ""));
        if next.starts_with(' ') || (after.contains(' ') && next.is_empty()) {
            return Err(format!("items must be separated by one space: {text:?}"));
        }
        let mut fields = item.split(';');
        let head = fields.next().unwrap_or_default();
        let digits = head
            .find(|c: char| !(c.is_ascii_digit() || c == '-' || c == '.'))
            .unwrap_or(head.len());
        let value = number(&head[..digits])?;
        let uom = &head[digits..];
        if !UNITS.contains(&uom) {
            return Err(format!(
                "{uom:?} is not a unit of measurement of the guidelines"
            ));
        }
        let fields: Vec<&str> = fields.collect();
        if fields.len() > 4 {
            return Err(format!("more than five fields in {item:?}"));
        }
        let field = |index: usize| fields.get(index).copied().filter(|f| !f.is_empty());
        items.push(Perf {
            label,
            value,
            uom: uom.to_string(),
            warn: field(0).map(range).transpose()?,
            crit: field(1).map(range).transpose()?,
            min: field(2).map(number).transpose()?,
            max: field(3).map(number).transpose()?,
        });
        rest = next;
    }
    Ok(items)
}

/// A plugin's output, split as Nagios splits it.
#[derive(Debug)]
struct PluginOutput {
    state: String,
    /// The status line's text, without `TLSCHECK STATE - ` and the performance data.
    summary: String,
    status_line: String,
    long: Vec<String>,
    perfdata: Vec<Perf>,
    /// The performance data as written.
    perfdata_text: String,
    /// Whether the performance data came on the status line.
    perfdata_on_status_line: bool,
}

fn parse_output(stdout: &str) -> PluginOutput {
    assert!(stdout.ends_with('\n'), "no final newline: {stdout:?}");
    let mut lines = stdout.lines();
    let status_line = lines.next().expect("a status line").to_string();
    assert!(
        status_line.len() <= 4096,
        "status line of {} bytes",
        status_line.len()
    );
    let (status, perf_on_status) = match status_line.split_once(" | ") {
        Some((status, perf)) => (status.to_string(), Some(perf.to_string())),
        None => (status_line.clone(), None),
    };
    assert!(!status.contains('|'), "a '|' in the status: {status_line}");
    let (state, summary) = status
        .strip_prefix("TLSCHECK ")
        .and_then(|rest| rest.split_once(" - "))
        .unwrap_or_else(|| panic!("not `TLSCHECK STATE - summary`: {status_line}"));
    assert!(
        ["OK", "WARNING", "CRITICAL", "UNKNOWN"].contains(&state),
        "state {state:?}"
    );
    let mut long = Vec::new();
    let mut perf_after = None;
    for line in lines {
        assert!(perf_after.is_none(), "a line after the performance data");
        match line.split_once(" | ") {
            Some((text, perf)) => {
                assert!(perf_on_status.is_none(), "performance data twice");
                long.push(text.to_string());
                perf_after = Some(perf.to_string());
            }
            None => {
                assert!(!line.contains('|'), "a '|' in the long output: {line}");
                long.push(line.to_string());
            }
        }
    }
    let perfdata_on_status_line = perf_on_status.is_some();
    let perfdata_text = perf_on_status.or(perf_after).unwrap_or_default();
    let perfdata =
        parse_perfdata(&perfdata_text).unwrap_or_else(|error| panic!("{error}\n{perfdata_text}"));
    PluginOutput {
        state: state.to_string(),
        summary: summary.to_string(),
        status_line,
        long,
        perfdata,
        perfdata_text,
        perfdata_on_status_line,
    }
}

impl PluginOutput {
    fn perf(&self, label: &str) -> &Perf {
        self.perfdata
            .iter()
            .find(|perf| perf.label == label)
            .unwrap_or_else(|| panic!("no {label} in {}", self.perfdata_text))
    }

    fn labels(&self) -> Vec<&str> {
        self.perfdata.iter().map(|p| p.label.as_str()).collect()
    }
}

#[test]
fn the_strict_parser_refuses_what_the_guidelines_forbid() {
    assert!(parse_perfdata("a=1;2;3;0;10").is_ok());
    assert!(parse_perfdata("'a b'=1 'it''s'=2").is_ok());
    for broken in [
        "a b=1",
        "a=1,000",
        "a=1d",
        "a=1;2;3;4;5;6",
        "a=1  b=2",
        "a=1;5:1",
        "a=",
        "=1",
        "'a=1",
    ] {
        assert!(parse_perfdata(broken).is_err(), "{broken:?} accepted");
    }
    assert_eq!(
        parse_perfdata("'it''s'=2").expect("parsed")[0].label,
        "it's"
    );
    let days = &parse_perfdata("d=30;31:;8:").expect("parsed")[0];
    assert_eq!(days.state(), 1, "30 days is outside 31:");
    assert!(range("@~:30").expect("range").alerts(30.0));
    assert!(!range("10").expect("range").alerts(10.0));
    assert!(range("10").expect("range").alerts(-1.0));
}

// ---------------------------------------------------------------------------------------------
// The renderer over fact fixtures

/// The good.test chain (leaf and intermediate from testdata/certs) judged at `now`, trusted
/// through root.pem.
fn good_chain(name: &str, now: i64) -> ChainFacts {
    chain_of(
        &repo("testdata/certs/good-fullchain.pem"),
        &repo("testdata/certs/root.pem"),
        name,
        now,
    )
}

fn chain_of(chain_pem: &Path, root_pem: &Path, name: &str, now: i64) -> ChainFacts {
    let pem = std::fs::read(chain_pem).expect("chain fixture");
    let chain: Vec<Vec<u8>> = CertificateDer::pem_slice_iter(&pem)
        .map(|der| der.expect("PEM").as_ref().to_vec())
        .collect();
    let root = std::fs::read(root_pem).expect("root fixture");
    let root = CertificateDer::from_pem_slice(&root).expect("root");
    let anchor = webpki::anchor_from_trusted_cert(&root).expect("anchor");
    let trust = TrustFacts {
        trusted: true,
        publicly_trusted: false,
        store: "webpki-roots + root.pem".into(),
        failure: None,
    };
    analyse_chain(&chain, &[anchor.subject.as_ref()], trust, name, now).expect("chain")
}

/// The good.test leaf's notAfter.
fn good_not_after() -> i64 {
    good_chain("good.test", NOW).certificates[0].not_after
}

/// A well-run site `input` (host `good.test`) scanned at `now`: TLS 1.3, the good chain, HSTS
/// for two years, a 301 to HTTPS; no enumeration (`--quick`).
fn site(input: &str, chain: ChainFacts, now: i64) -> HostFacts {
    let target = TargetFacts {
        input: input.into(),
        host: "good.test".into(),
        port: 443,
        sni: Some("good.test".into()),
        path: "/".into(),
        http_url: Some("http://good.test/".into()),
        addresses: vec![IpAddr::from([127, 0, 0, 1])],
        connected_to: Some(SocketAddr::from(([127, 0, 0, 1], 443))),
    };
    let mut facts = HostFacts::unscanned(target, now, Duration::from_secs(120));
    facts.duration = Duration::from_millis(42);
    facts.connection = Outcome::Ok(ConnectionFacts {
        client: tlscheck::facts::HandshakeClient::Rustls,
        strict_client_failure: None,
        protocol: 0x0304,
        cipher_suite: 0x1302,
        key_exchange_group: Some(0x001D),
        alpn: Some("http/1.1".into()),
        tcp_connect: Duration::from_micros(400),
        handshake: Duration::from_micros(1_700),
        ocsp_stapled_bytes: None,
        signature_failure: None,
    });
    facts.chain = Some(chain);
    facts.client_auth = Some(ClientAuthFacts {
        requested: false,
        ca_names: vec![],
        presented: false,
        required: Some(false),
        accepted: None,
        refusal: None,
    });
    facts.https = Outcome::Ok(HttpsResponseFacts {
        url: "https://good.test/".into(),
        status_code: 200,
        location: None,
        server: Some("nginx".into()),
        hsts: Some(parse_hsts("max-age=63072000; includeSubDomains")),
    });
    facts.redirect = Outcome::Ok(RedirectFacts {
        start_url: "http://good.test/".into(),
        hops: vec![RedirectHop {
            url: "http://good.test/".into(),
            status_code: 301,
            location: Some("https://good.test/".into()),
            next: Some("https://good.test/".into()),
            next_is_https: true,
            same_host: true,
        }],
        end: RedirectEnd::ReachedHttps,
    });
    facts.enumeration = Outcome::Skipped(Skip::Quick);
    facts
}

fn good_site(input: &str, now: i64) -> HostFacts {
    site(input, good_chain("good.test", now), now)
}

fn closed(input: &str) -> HostFacts {
    let mut facts = good_site(input, NOW);
    facts.chain = None;
    facts.client_auth = None;
    facts.redirect = Outcome::Skipped(Skip::Unreachable);
    facts.mark_unreachable(ProbeError::new(ErrorKind::Refused, Step::Connect, ""));
    facts
}

/// The findings alone: no profile.
fn no_profile() -> Policy {
    Policy {
        profile: None,
        ..Policy::default()
    }
}

fn record(facts: HostFacts, policy: &Policy) -> Record {
    let assessment = assess(&facts, policy);
    Record { facts, assessment }
}

fn options(policy: &Policy, unreachable: UnreachableState) -> RenderOptions {
    RenderOptions {
        color: false,
        width: 100,
        fix_for: FixFor::All,
        fail_on: policy.fail_on,
        anchor: None,
        policy: policy.name(),
        expiry: policy.expiry,
        unreachable,
    }
}

fn render_with(records: &[Record], options: RenderOptions) -> String {
    let Renderer::WholeRun(renderer) = report::renderer(Format::Nagios, options) else {
        panic!("the Nagios output sums up the whole run");
    };
    String::from_utf8(renderer.render(records).expect("render")).expect("UTF-8")
}

fn render(records: &[Record], policy: &Policy) -> String {
    render_with(records, options(policy, UnreachableState::Critical))
}

/// The state a whole run exits with, from the same mapping.
fn exit_state(records: &[Record], unreachable: UnreachableState) -> i32 {
    tlscheck::policy::nagios::run_state(records.iter().map(|r| &r.assessment), unreachable).code()
}

#[test]
fn a_clean_site_is_ok_with_its_expiry_on_the_status_line() {
    let policy = no_profile();
    let facts = good_site("good.test", NOW);
    let record = record(facts, &policy);
    let ids: Vec<&str> = record
        .assessment
        .findings
        .iter()
        .map(|f| f.id.as_str())
        .collect();
    let text = render(std::slice::from_ref(&record), &policy);
    let output = parse_output(&text);
    assert_eq!(output.state, "OK", "{ids:?}\n{text}");
    let leaf = &record.facts.chain.as_ref().expect("chain").certificates[0];
    let intermediate = &record.facts.chain.as_ref().expect("chain").certificates[1];
    assert_eq!(
        output.status_line,
        format!(
            "TLSCHECK OK - good.test: certificate expires in {} days (2046-11-17) | \
             days_chain_elem1={};31:;8: days_chain_elem2={};31:;8: lifetime_left={}%;;;0;100 \
             handshake_time=0.001700s;;;0",
            leaf.days_left, leaf.days_left, intermediate.days_left, 99
        )
    );
    assert!(output.perfdata_on_status_line);
    assert!(output.perfdata.iter().all(|perf| perf.state() == 0));
    assert_eq!(
        output.long[0],
        "good.test: OK (passes policy none at --fail-on high, grade A+)"
    );
    assert_eq!(
        output.long[1],
        "  connection: TLSv1.3 TLS_AES_256_GCM_SHA384, handshake 0.002 s"
    );
    assert!(
        output.long[2].starts_with(&format!(
            "  chain element 1 (leaf \"good.test\"): valid until 2046-11-17T08:07:44Z, {} days left (WARNING at <= 30 days, CRITICAL at <= 7)",
            leaf.days_left
        )),
        "{text}"
    );
    assert_eq!(exit_state(&[record], UnreachableState::Critical), 0);
}

#[test]
fn a_certificate_within_warn_days_is_warning_and_within_crit_days_critical() {
    let policy = no_profile();
    let not_after = good_not_after();
    // 20 days and a second left: within --warn-days 30, not --crit-days 7.
    let warning = record(good_site("good.test", not_after - 20 * DAY - 1), &policy);
    let text = render(std::slice::from_ref(&warning), &policy);
    let output = parse_output(&text);
    assert_eq!(
        output.summary, "good.test: leaf certificate expires in 20 days (2046-11-17)",
        "{text}"
    );
    assert_eq!(output.state, "WARNING");
    assert_eq!(output.perf("days_chain_elem1").value, 20.0);
    assert_eq!(output.perf("days_chain_elem1").state(), 1);
    assert!(
        output
            .long
            .iter()
            .any(|line| line.starts_with("  WARNING cert.expires-soon (medium): ")),
        "{text}"
    );
    assert_eq!(exit_state(&[warning], UnreachableState::Critical), 1);

    // Five days left: critical, whatever --fail-on says.
    let lenient = Policy {
        fail_on: Severity::Critical,
        ..no_profile()
    };
    let critical = record(good_site("good.test", not_after - 5 * DAY - 1), &lenient);
    let text = render(std::slice::from_ref(&critical), &lenient);
    let output = parse_output(&text);
    assert_eq!(output.state, "CRITICAL", "{text}");
    assert!(
        output
            .summary
            .starts_with("good.test: leaf certificate expires in 5 days (2046-11-17)"),
        "{text}"
    );
    assert_eq!(output.perf("days_chain_elem1").state(), 2);
    assert_eq!(exit_state(&[critical], UnreachableState::Critical), 2);

    // Custom thresholds reach the performance data.
    let strict = Policy {
        expiry: ExpiryThresholds {
            warn_days: 60,
            crit_days: 21,
            ..ExpiryThresholds::default()
        },
        ..no_profile()
    };
    let forty = record(good_site("good.test", not_after - 40 * DAY - 1), &strict);
    let output = parse_output(&render(std::slice::from_ref(&forty), &strict));
    assert_eq!(output.state, "WARNING");
    assert!(
        output
            .perfdata_text
            .starts_with("days_chain_elem1=40;61:;22: "),
        "{}",
        output.perfdata_text
    );
}

#[test]
fn an_expired_certificate_is_critical() {
    let policy = no_profile();
    let expired = record(good_site("good.test", good_not_after() + 3 * DAY), &policy);
    let text = render(std::slice::from_ref(&expired), &policy);
    let output = parse_output(&text);
    assert_eq!(output.state, "CRITICAL");
    assert!(
        output
            .summary
            .starts_with("good.test: leaf certificate expired 3 days ago (2046-11-17)"),
        "{text}"
    );
    assert_eq!(output.perf("days_chain_elem1").value, -3.0);
    assert_eq!(output.perf("lifetime_left").value, 0.0);
    assert!(text.contains(
        "chain element 1 (leaf \"good.test\"): valid until 2046-11-17T08:07:44Z, expired 3 days ago"
    ));
}

#[test]
fn a_certificate_not_valid_yet_is_critical_with_its_whole_lifetime_left() {
    let policy = no_profile();
    let chain = chain_of(
        &repo("testdata/certs/future-fullchain.pem"),
        &repo("testdata/certs/root.pem"),
        "future.test",
        NOW,
    );
    let future = record(site("future.test", chain, NOW), &policy);
    let text = render(std::slice::from_ref(&future), &policy);
    let output = parse_output(&text);
    assert_eq!(output.state, "CRITICAL");
    assert!(
        output
            .summary
            .starts_with("future.test: leaf certificate is not valid until 2090-01-01"),
        "{text}"
    );
    assert_eq!(output.perf("lifetime_left").value, 100.0);
    assert_eq!(output.perf("days_chain_elem1").state(), 0);
}

#[test]
fn a_finding_at_fail_on_is_critical_and_below_it_a_warning() {
    // The certificate does not cover other.test: cert.hostname-mismatch, critical.
    let mismatch = site("other.test", good_chain("other.test", NOW), NOW);
    let policy = no_profile();
    let critical = record(mismatch.clone(), &policy);
    let output = parse_output(&render(std::slice::from_ref(&critical), &policy));
    assert_eq!(output.state, "CRITICAL");
    assert_eq!(
        output.summary,
        "other.test: The certificate is not valid for the name that was checked"
    );

    // No HSTS is medium: below --fail-on high it warns; at --fail-on medium it is critical.
    let mut no_hsts = good_site("good.test", NOW);
    no_hsts.https = Outcome::Ok(HttpsResponseFacts {
        url: "https://good.test/".into(),
        status_code: 200,
        location: None,
        server: None,
        hsts: None,
    });
    let warning = record(no_hsts.clone(), &policy);
    let output = parse_output(&render(std::slice::from_ref(&warning), &policy));
    assert_eq!(output.state, "WARNING");
    assert!(output
        .summary
        .starts_with("good.test: No Strict-Transport-Security header"));
    let strict = Policy {
        fail_on: Severity::Medium,
        ..no_profile()
    };
    let failing = record(no_hsts, &strict);
    assert_eq!(
        parse_output(&render(std::slice::from_ref(&failing), &strict)).state,
        "CRITICAL"
    );
}

#[test]
fn an_unreachable_target_is_critical_or_unknown_by_the_flag_with_no_performance_data() {
    let policy = no_profile();
    let records = [record(closed("closed.test"), &policy)];
    let critical = render_with(&records, options(&policy, UnreachableState::Critical));
    assert_eq!(
        critical,
        "TLSCHECK CRITICAL - closed.test: could not be scanned (connection refused)\n\
         closed.test: CRITICAL, could not be scanned: connection refused\n"
    );
    assert_eq!(exit_state(&records, UnreachableState::Critical), 2);
    let unknown = render_with(&records, options(&policy, UnreachableState::Unknown));
    assert!(
        unknown.starts_with("TLSCHECK UNKNOWN - closed.test: could not be scanned"),
        "{unknown}"
    );
    assert_eq!(exit_state(&records, UnreachableState::Unknown), 3);
}

/// A chain of one leaf valid from `not_before` to `not_after`, issued by a fresh P-256 root;
/// with the PEM of the root, the leaf and its key.
struct ShortLived {
    root_pem: String,
    leaf_pem: String,
    key_pem: String,
}

fn short_lived(name: &str, not_before: i64, not_after: i64) -> ShortLived {
    let unix = |seconds: i64| ::time::OffsetDateTime::from_unix_timestamp(seconds).expect("time");
    let mut root = CertificateParams::default();
    root.distinguished_name = DistinguishedName::new();
    root.distinguished_name
        .push(DnType::CommonName, "tlscheck Nagios Test Root");
    root.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    root.not_before = unix(not_before - 365 * DAY);
    root.not_after = unix(not_after + 365 * DAY);
    let root = CertifiedIssuer::self_signed(root, KeyPair::generate().expect("key")).expect("root");
    let mut leaf = CertificateParams::new(vec![name.to_string()]).expect("name");
    leaf.distinguished_name = DistinguishedName::new();
    leaf.distinguished_name.push(DnType::CommonName, name);
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf.not_before = unix(not_before);
    leaf.not_after = unix(not_after);
    let key = KeyPair::generate().expect("key");
    let leaf = leaf.signed_by(&key, &root).expect("leaf");
    ShortLived {
        root_pem: root.pem(),
        leaf_pem: leaf.pem(),
        key_pem: key.serialize_pem(),
    }
}

#[test]
fn a_short_lived_certificate_is_judged_by_the_share_of_its_lifetime_left() {
    let dir = tempfile::tempdir().expect("temporary directory");
    // Twenty days, five left: 25%. By days that would be critical (<= 7); by share it warns.
    let issued = NOW - 15 * DAY;
    let pki = short_lived("short.test", issued, NOW + 5 * DAY);
    let (leaf, root) = (dir.path().join("leaf.pem"), dir.path().join("root.pem"));
    std::fs::write(&leaf, &pki.leaf_pem).expect("write");
    std::fs::write(&root, &pki.root_pem).expect("write");
    let policy = no_profile();
    let at = |now: i64| {
        let chain = chain_of(&leaf, &root, "short.test", now);
        record(site("short.test", chain, now), &policy)
    };
    let warning = at(NOW);
    let text = render(std::slice::from_ref(&warning), &policy);
    let output = parse_output(&text);
    assert_eq!(output.state, "WARNING", "{text}");
    assert!(
        output.summary.starts_with(
            "short.test: leaf certificate expires in 5 days (2027-01-20), 25% of its 21-day lifetime left"
        ),
        "{text}"
    );
    let days = output.perf("days_chain_elem1");
    assert_eq!((days.value, days.warn, days.crit), (5.0, None, None));
    let share = output.perf("lifetime_left");
    assert_eq!(share.value, 25.0);
    assert_eq!(share.uom, "%");
    assert_eq!(
        (share.warn, share.crit, share.min, share.max),
        (
            Some(range("34:").expect("range")),
            Some(range("11:").expect("range")),
            Some(0.0),
            Some(100.0)
        )
    );
    assert_eq!(share.state(), 1);
    assert!(
        text.contains(
            "25% of its 21-day lifetime left; short-lived: WARNING at <= 33%, CRITICAL at <= 10%"
        ),
        "{text}"
    );
    // A day and a half left: 7%, critical.
    let critical = at(NOW + 3 * DAY + DAY / 2);
    let output = parse_output(&render(std::slice::from_ref(&critical), &policy));
    assert_eq!(output.state, "CRITICAL");
    assert_eq!(output.perf("lifetime_left").value, 7.0);
    assert_eq!(output.perf("lifetime_left").state(), 2);
}

#[test]
fn several_targets_take_the_worst_state_and_prefix_their_labels() {
    let policy = no_profile();
    let not_after = good_not_after();
    let now = not_after - 20 * DAY - 1;
    let records = [
        record(good_site("good.test", NOW), &policy),
        record(closed("closed.test"), &policy),
        record(good_site("soon.test", now), &policy),
    ];
    let text = render_with(&records, options(&policy, UnreachableState::Unknown));
    let output = parse_output(&text);
    // WARNING outranks UNKNOWN, and comes first in the summary.
    assert_eq!(output.state, "WARNING", "{text}");
    assert_eq!(
        output.summary,
        "1 of 3 targets OK; soon.test: leaf certificate expires in 20 days (2046-11-17); \
         closed.test: could not be scanned (connection refused)"
    );
    assert_eq!(exit_state(&records, UnreachableState::Unknown), 1);
    assert_eq!(
        output.labels(),
        [
            "good.test/days_chain_elem1",
            "good.test/days_chain_elem2",
            "good.test/lifetime_left",
            "good.test/handshake_time",
            "soon.test/days_chain_elem1",
            "soon.test/days_chain_elem2",
            "soon.test/lifetime_left",
            "soon.test/handshake_time"
        ]
    );
    // Long output per target, in input order.
    let heads: Vec<&String> = output
        .long
        .iter()
        .filter(|l| !l.starts_with("  "))
        .collect();
    assert_eq!(heads.len(), 3, "{text}");
    assert!(heads[0].starts_with("good.test: OK"));
    assert!(heads[1].starts_with("closed.test: UNKNOWN, could not be scanned"));
    assert!(heads[2].starts_with("soon.test: WARNING"));
    // And the unreachable one as CRITICAL by default makes the run CRITICAL.
    let critical = parse_output(&render(&records, &policy));
    assert_eq!(critical.state, "CRITICAL");
    assert!(critical
        .summary
        .starts_with("1 of 3 targets OK; closed.test: could not be scanned"));

    let all_ok = [
        record(good_site("good.test", NOW), &policy),
        record(good_site("later.test", NOW - DAY), &policy),
    ];
    let output = parse_output(&render(&all_ok, &policy));
    assert_eq!(output.state, "OK");
    let days = all_ok[0].facts.chain.as_ref().expect("chain").certificates[0].days_left;
    assert_eq!(
        output.summary,
        format!(
            "2 of 2 targets OK; soonest certificate expiry: good.test in {days} days (2046-11-17)"
        )
    );
}

#[test]
fn labels_with_spaces_equals_signs_or_quotes_are_quoted() {
    let policy = no_profile();
    let records = [
        record(good_site("https://good.test/?a=b", NOW), &policy),
        record(good_site("it's.test", NOW), &policy),
    ];
    let output = parse_output(&render(&records, &policy));
    assert!(
        output
            .perfdata_text
            .starts_with("'https://good.test/?a=b/days_chain_elem1'="),
        "{}",
        output.perfdata_text
    );
    assert!(
        output
            .perfdata_text
            .contains(" 'it''s.test/days_chain_elem1'="),
        "{}",
        output.perfdata_text
    );
    assert_eq!(output.labels()[4], "it's.test/days_chain_elem1");
}

#[test]
fn performance_data_too_long_for_the_status_line_follows_the_long_output() {
    let policy = no_profile();
    let records: Vec<Record> = (0..60)
        .map(|n| record(good_site(&format!("site-{n:02}.good.test"), NOW), &policy))
        .collect();
    let text = render(&records, &policy);
    let output = parse_output(&text);
    assert!(!output.perfdata_on_status_line);
    let days = records[0].facts.chain.as_ref().expect("chain").certificates[0].days_left;
    assert_eq!(
        output.status_line,
        format!(
            "TLSCHECK OK - 60 of 60 targets OK; soonest certificate expiry: site-00.good.test in {days} days (2046-11-17)"
        )
    );
    assert!(output
        .long
        .last()
        .expect("long output")
        .starts_with("  chain element 2"));
    assert_eq!(output.perfdata.len(), 60 * 4);
    // Many failing targets: the summary names those that fit and counts the rest.
    let failing: Vec<Record> = (0..200)
        .map(|n| record(closed(&format!("closed-{n:03}.test")), &policy))
        .collect();
    let output = parse_output(&render(&failing, &policy));
    assert_eq!(output.state, "CRITICAL");
    assert!(
        output.status_line.len() <= 2048,
        "{}",
        output.status_line.len()
    );
    assert!(
        output
            .summary
            .starts_with("0 of 200 targets OK; closed-000.test: could not be scanned"),
        "{}",
        output.summary
    );
    assert!(output.summary.ends_with(" more"), "{}", output.summary);
}

// ---------------------------------------------------------------------------------------------
// The binary against real servers

/// `perl`, checked to load the Monitoring Plugins' Perl library. Panics, loudly, when it cannot.
fn require_monitoring_plugin_perl() -> PathBuf {
    let perl = require_tool("perl");
    let output = Command::new(&perl)
        .args(["-MMonitoring::Plugin::Performance", "-MJSON::PP", "-e", "1"])
        .output()
        .expect("run perl");
    assert!(
        output.status.success(),
        "the Nagios tests read the performance data with Monitoring::Plugin::Performance: run \
         ./tests/run.sh as root, which installs it, or `apt-get install libmonitoring-plugin-perl`\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    perl
}

/// The performance data as the Monitoring Plugins' Perl library reads it: per item its label,
/// value, unit, thresholds and min/max as it understood them, and the state its own threshold
/// check gives the value (0 OK, 1 WARNING, 2 CRITICAL).
fn monitoring_plugin_reads(perfdata: &str) -> Vec<Value> {
    let perl = require_monitoring_plugin_perl();
    let script = r#"
use strict; use warnings;
use Monitoring::Plugin::Performance;
use JSON::PP;
my @out;
for my $p (Monitoring::Plugin::Performance->parse_perfstring($ARGV[0])) {
    my $t = $p->threshold;
    push @out, {
        label => $p->label, value => $p->value + 0, uom => $p->uom,
        warning => "" . $t->warning, critical => "" . $t->critical,
        min => $p->min, max => $p->max,
        state => $t->get_status($p->value) + 0,
    };
}
print encode_json(\@out);
"#;
    let output = Command::new(perl)
        .args(["-e", script, perfdata])
        .output()
        .expect("run perl");
    assert!(
        output.status.success(),
        "Monitoring::Plugin::Performance failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON from perl")
}

/// Checks that the Monitoring Plugins' parser reads every item as the strict parser does, and
/// that its threshold check gives each the state the strict parser's does.
fn assert_read_alike(output: &PluginOutput) {
    let theirs = monitoring_plugin_reads(&output.perfdata_text);
    assert_eq!(
        theirs.len(),
        output.perfdata.len(),
        "Monitoring::Plugin read {theirs:?} from {}",
        output.perfdata_text
    );
    for (mine, theirs) in output.perfdata.iter().zip(&theirs) {
        assert_eq!(theirs["label"], mine.label.as_str(), "{theirs}");
        assert_eq!(theirs["value"].as_f64(), Some(mine.value), "{theirs}");
        assert_eq!(theirs["uom"], mine.uom.as_str(), "{theirs}");
        assert_eq!(
            theirs["warning"].as_str().is_some_and(|w| !w.is_empty()),
            mine.warn.is_some(),
            "{theirs}"
        );
        assert_eq!(
            theirs["critical"].as_str().is_some_and(|c| !c.is_empty()),
            mine.crit.is_some(),
            "{theirs}"
        );
        assert_eq!(theirs["state"], mine.state(), "{theirs}");
        let number = |value: &Value| {
            value
                .as_f64()
                .or_else(|| value.as_str().and_then(|v| v.parse::<f64>().ok()))
        };
        assert_eq!(number(&theirs["min"]), mine.min, "{theirs}");
        assert_eq!(number(&theirs["max"]), mine.max, "{theirs}");
    }
}

fn nagios_args(scan: Vec<String>, extra: &[&str]) -> Vec<String> {
    let mut args = scan;
    args.extend(
        [
            "--ca-file",
            &cert("root.pem"),
            "--format",
            "nagios",
            "--timeout",
            "3",
        ]
        .map(String::from),
    );
    args.extend(extra.iter().map(|arg| arg.to_string()));
    args
}

#[test]
fn a_well_configured_nginx_is_ok_and_exits_0() {
    let nginx = NginxServer::well_configured().start();
    let run = tlscheck(nagios_args(nginx.scan_args(), &[]));
    assert_eq!(run.code, 0, "{run}");
    assert!(run.stderr.is_empty(), "{run}");
    let output = parse_output(&run.stdout);
    assert_eq!(output.state, "OK", "{run}");
    let leaf = tlscheck::x509::parse::parse_certificate(
        CertificateDer::from_pem_file(cert_path("good.pem"))
            .expect("good.pem")
            .as_ref(),
        tlscheck::facts::time::unix_seconds(std::time::SystemTime::now()),
    )
    .expect("parse good.pem");
    assert_eq!(
        output.summary,
        format!(
            "good.test: certificate expires in {} days (2046-11-17)",
            leaf.days_left
        ),
        "{run}"
    );
    assert_eq!(
        output.labels(),
        [
            "days_chain_elem1",
            "days_chain_elem2",
            "lifetime_left",
            "handshake_time"
        ]
    );
    assert_eq!(output.perf("days_chain_elem1").value, leaf.days_left as f64);
    let handshake = output.perf("handshake_time");
    assert_eq!(handshake.uom, "s");
    assert!(handshake.value > 0.0 && handshake.value < 3.0, "{run}");
    assert_read_alike(&output);
}

#[test]
fn an_expired_certificate_is_critical_and_exits_2() {
    let server = OpensslServer::new("expired-fullchain.pem", "expired.key").start();
    let run = tlscheck(nagios_args(
        scan_args_for("expired.test", &server),
        &["--policy", "none"],
    ));
    assert_eq!(run.code, 2, "{run}");
    let output = parse_output(&run.stdout);
    assert_eq!(output.state, "CRITICAL");
    let port = server.port();
    assert!(
        output
            .summary
            .starts_with(&format!("expired.test:{port}: leaf certificate expired "))
            && output.summary.contains(" days ago (2021-01-01)"),
        "{run}"
    );
    let days = output.perf("days_chain_elem1");
    assert!(days.value < -365.0, "{run}");
    assert_eq!(days.state(), 2);
    assert!(output
        .long
        .iter()
        .any(|line| line.starts_with("  CRITICAL cert.expired (critical): ")));
    assert_read_alike(&output);
}

#[test]
fn a_closed_port_is_critical_by_default_and_unknown_with_the_flag() {
    let port = free_port();
    let mut scan = vec!["closed.test".to_string()];
    scan.extend(connect_to("closed.test", 443, port));
    scan.extend(connect_to("closed.test", 80, port));
    let run = tlscheck(nagios_args(scan.clone(), &[]));
    assert_eq!(run.code, 2, "{run}");
    assert_eq!(
        run.stdout,
        "TLSCHECK CRITICAL - closed.test: could not be scanned (connection refused)\n\
         closed.test: CRITICAL, could not be scanned: connection refused\n"
    );
    let run = tlscheck(nagios_args(scan, &["--unreachable", "unknown"]));
    assert_eq!(run.code, 3, "{run}");
    assert!(
        run.stdout.starts_with(
            "TLSCHECK UNKNOWN - closed.test: could not be scanned (connection refused)\n"
        ),
        "{run}"
    );
}

#[test]
fn a_short_lived_certificate_warns_by_its_share_left_end_to_end() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let now = tlscheck::facts::time::unix_seconds(std::time::SystemTime::now());
    // 20 days, 5 and a half left: 27%, a warning (by days it would be critical).
    let pki = short_lived(
        "short.test",
        now - 14 * DAY - DAY / 2,
        now + 5 * DAY + DAY / 2,
    );
    let (leaf, key, root) = (
        dir.path().join("leaf.pem"),
        dir.path().join("leaf.key"),
        dir.path().join("root.pem"),
    );
    std::fs::write(&leaf, &pki.leaf_pem).expect("write");
    std::fs::write(&key, &pki.key_pem).expect("write");
    std::fs::write(&root, &pki.root_pem).expect("write");
    let nginx = NginxServer::well_configured()
        .server_name("short.test")
        .certificate(&leaf.display().to_string(), &key.display().to_string())
        .start();
    let mut args = nginx.scan_args();
    args.extend(
        [
            "--ca-file",
            &root.display().to_string(),
            "--format",
            "nagios",
            "--timeout",
            "3",
        ]
        .map(String::from),
    );
    let run = tlscheck(&args);
    assert_eq!(run.code, 1, "{run}");
    let output = parse_output(&run.stdout);
    assert_eq!(output.state, "WARNING", "{run}");
    assert!(
        output
            .summary
            .starts_with("short.test: leaf certificate expires in 5 days (")
            && output
                .summary
                .contains("), 27% of its 21-day lifetime left"),
        "{run}"
    );
    let share = output.perf("lifetime_left");
    assert_eq!((share.value, share.state()), (27.0, 1), "{run}");
    assert_eq!(output.perf("days_chain_elem1").warn, None);
    assert_read_alike(&output);
}

#[test]
fn several_real_targets_exit_with_the_worst_state() {
    let good = NginxServer::well_configured().start();
    let expired = OpensslServer::new("expired-fullchain.pem", "expired.key").start();
    let mut scan = good.scan_args();
    scan.push("expired.test".into());
    scan.extend(connect_to("expired.test", 443, expired.port()));
    scan.extend(connect_to("expired.test", 80, free_port()));
    let run = tlscheck(nagios_args(scan, &[]));
    assert_eq!(run.code, 2, "{run}");
    let output = parse_output(&run.stdout);
    assert!(
        output
            .summary
            .starts_with("1 of 2 targets OK; expired.test: leaf certificate expired "),
        "{run}"
    );
    assert!(output.labels().contains(&"good.test/days_chain_elem1"));
    assert!(output.labels().contains(&"expired.test/days_chain_elem1"));
    assert_read_alike(&output);
}

#[test]
fn usage_errors_are_unknown_with_a_status_line() {
    let run = tlscheck(["good.test", "--format", "nagios", "--crit-days", "40"]);
    assert_eq!(run.code, 3, "{run}");
    assert_eq!(
        run.stdout,
        "TLSCHECK UNKNOWN - --crit-days (40) must not be larger than --warn-days (30)\n"
    );
    assert!(run.stderr.is_empty(), "{run}");
    let run = tlscheck(["--format=nagios", "good.test", "--no-such-flag"]);
    assert_eq!(run.code, 3, "{run}");
    assert!(
        run.stdout
            .starts_with("TLSCHECK UNKNOWN - unexpected argument '--no-such-flag' found\n"),
        "{run}"
    );
    let run = tlscheck(["-f", "nagios"]);
    assert_eq!(run.code, 3, "{run}");
    assert!(
        run.stdout.starts_with(
            "TLSCHECK UNKNOWN - the following required arguments were not provided: <TARGET>...\n"
        ),
        "{run}"
    );
    let run = tlscheck([
        "good.test",
        "--format",
        "nagios",
        "--baseline",
        "monday.json",
    ]);
    assert_eq!(run.code, 3, "{run}");
    assert!(run
        .stdout
        .starts_with("TLSCHECK UNKNOWN - --baseline does not combine with --format nagios"));
    // Other formats keep exit code 2 and standard error.
    let run = tlscheck(["good.test", "--format", "json", "--crit-days", "40"]);
    assert_eq!(run.code, 2, "{run}");
    assert!(run.stdout.is_empty());
}

#[test]
fn the_demo_exits_with_the_plugin_state_and_quotes_a_label_with_spaces() {
    let run = tlscheck(["demo", "--format", "nagios"]);
    assert_eq!(run.code, 2, "{run}");
    let output = parse_output(&run.stdout);
    assert_eq!(output.state, "CRITICAL");
    assert!(
        output.summary.starts_with(
            "3 of 5 targets OK; expired.demo.test: leaf certificate expired 10 days ago ("
        ) && output
            .summary
            .ends_with("; selfsigned.demo.test: The certificate is self-signed (+2 more)"),
        "{run}"
    );
    assert!(
        output
            .perfdata_text
            .contains(" 'mtls.demo.test (with --client-cert)/days_chain_elem1'="),
        "{run}"
    );
    assert_eq!(
        output.perf("expired.demo.test/days_chain_elem1").value,
        -10.0
    );
    assert_read_alike(&output);
}
