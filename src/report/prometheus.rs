//! Prometheus renderer: the text exposition format (version 0.0.4) that `--format prometheus`
//! prints and `tlscheck serve` answers a scrape of `/probe` with.
//!
//! Where a metric means what one of blackbox_exporter's means, it has that metric's name, type,
//! labels and help text, so dashboards and alerts written for blackbox_exporter work unchanged
//! (`probe_success`, `probe_duration_seconds`, `probe_ssl_earliest_cert_expiry`, ...); the rest
//! are tlscheck's own, under `tlscheck_`. Certificate metrics are there whenever the server
//! presented a certificate, trusted or not, expired or not, so "expired" and "unreachable" are
//! different alerts.
//!
//! A whole-run renderer: the format wants every sample of a metric in one group, so the samples
//! of all targets are gathered family by family. In `--format prometheus` each sample has a
//! `target` label (the target as typed); a scrape of the exporter's `/probe`, one target per
//! scrape, has none (Prometheus adds `instance`), like blackbox_exporter's.
//!
//! [`Exposition`] is the one writer of the format: the exporter's own `/metrics` use it too.

use std::collections::HashSet;
use std::fmt::Write as _;

use super::{Record, RenderError, RunRenderer};
use crate::analysis::protocol::support;
use crate::analysis::Severity;
use crate::facts::{CertificateFacts, ChainFacts, Outcome, Support};
use crate::policy::grade::{cipher_strength, weakest_suite};
use crate::policy::Verdict;
use crate::tls::ProtocolVersion;
use crate::x509::parse::go_subject_and_issuer;

/// The content type of the text exposition format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// A metric's type, as `# TYPE` states it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetricType {
    Gauge,
    Counter,
    Histogram,
}

impl MetricType {
    fn as_str(self) -> &'static str {
        match self {
            MetricType::Gauge => "gauge",
            MetricType::Counter => "counter",
            MetricType::Histogram => "histogram",
        }
    }
}

/// One sample: the family's name plus `suffix` (`_bucket`, `_sum`, `_count` for a histogram),
/// its labels in order, and its value.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    pub suffix: &'static str,
    pub labels: Vec<(&'static str, String)>,
    pub value: f64,
}

/// A metric family: its help and type once, then its samples.
#[derive(Clone, Debug, PartialEq)]
pub struct Family {
    pub name: &'static str,
    pub kind: MetricType,
    pub help: &'static str,
    pub samples: Vec<Sample>,
}

impl Family {
    /// Add a sample with `labels`.
    pub fn sample(&mut self, labels: Vec<(&'static str, String)>, value: f64) {
        self.samples.push(Sample {
            suffix: "",
            labels,
            value,
        });
    }

    /// Add a sample of a histogram's series `suffix` (`_bucket`, `_sum`, `_count`).
    pub fn sample_of(
        &mut self,
        suffix: &'static str,
        labels: Vec<(&'static str, String)>,
        value: f64,
    ) {
        self.samples.push(Sample {
            suffix,
            labels,
            value,
        });
    }
}

/// Metric families in the order they were declared; written with each family's samples
/// together, families without samples left out.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Exposition {
    families: Vec<Family>,
}

impl Exposition {
    pub fn new() -> Exposition {
        Exposition::default()
    }

    /// The family `name`, declared now if it was not yet (with `kind` and `help`).
    pub fn family(
        &mut self,
        name: &'static str,
        kind: MetricType,
        help: &'static str,
    ) -> &mut Family {
        let index = match self.families.iter().position(|family| family.name == name) {
            Some(index) => index,
            None => {
                self.families.push(Family {
                    name,
                    kind,
                    help,
                    samples: Vec::new(),
                });
                self.families.len() - 1
            }
        };
        &mut self.families[index]
    }

    /// The family `name`, if it was declared.
    pub fn get(&self, name: &str) -> Option<&Family> {
        self.families.iter().find(|family| family.name == name)
    }

    /// The text exposition.
    pub fn render(&self) -> Vec<u8> {
        let mut text = String::new();
        for family in self.families.iter().filter(|f| !f.samples.is_empty()) {
            let _ = writeln!(text, "# HELP {} {}", family.name, escape_help(family.help));
            let _ = writeln!(text, "# TYPE {} {}", family.name, family.kind.as_str());
            for sample in &family.samples {
                text.push_str(family.name);
                text.push_str(sample.suffix);
                if !sample.labels.is_empty() {
                    text.push('{');
                    for (index, (name, value)) in sample.labels.iter().enumerate() {
                        if index > 0 {
                            text.push(',');
                        }
                        let _ = write!(text, "{name}=\"{}\"", escape_label_value(value));
                    }
                    text.push('}');
                }
                text.push(' ');
                text.push_str(&format_value(sample.value));
                text.push('\n');
            }
        }
        text.into_bytes()
    }
}

/// A label value as the format wants it: backslash, double quote and line feed escaped.
pub fn escape_label_value(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            '"' => escaped.push_str("\\\""),
            '\n' => escaped.push_str("\\n"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// A help text as the format wants it: backslash and line feed escaped.
pub fn escape_help(help: &str) -> String {
    help.replace('\\', "\\\\").replace('\n', "\\n")
}

/// A sample value: whole numbers without a fraction (Unix times stay exact), others in Rust's
/// shortest round-trip form, and `NaN`, `+Inf`, `-Inf`.
pub fn format_value(value: f64) -> String {
    if value.is_nan() {
        "NaN".into()
    } else if value.is_infinite() {
        if value > 0.0 { "+Inf" } else { "-Inf" }.into()
    } else if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

// Metric names, types and help texts. The `probe_*` ones are blackbox_exporter's, word for word.
const PROBE_SUCCESS: (&str, MetricType, &str) = (
    "probe_success",
    MetricType::Gauge,
    "Displays whether or not the probe was a success",
);
const PROBE_DURATION: (&str, MetricType, &str) = (
    "probe_duration_seconds",
    MetricType::Gauge,
    "Returns how long the probe took to complete in seconds",
);
const PROBE_TIMEOUT: (&str, MetricType, &str) = (
    "probe_timeout_seconds",
    MetricType::Gauge,
    "Returns how long the probe timeout is in seconds",
);
const EARLIEST_EXPIRY: (&str, MetricType, &str) = (
    "probe_ssl_earliest_cert_expiry",
    MetricType::Gauge,
    "Returns last SSL chain expiry in unixtime",
);
const LAST_CHAIN_EXPIRY: (&str, MetricType, &str) = (
    "probe_ssl_last_chain_expiry_timestamp_seconds",
    MetricType::Gauge,
    "Returns last SSL chain expiry in timestamp",
);
const LAST_CHAIN_INFO: (&str, MetricType, &str) = (
    "probe_ssl_last_chain_info",
    MetricType::Gauge,
    "Contains SSL leaf certificate information",
);
const TLS_VERSION: (&str, MetricType, &str) = (
    "probe_tls_version_info",
    MetricType::Gauge,
    "Returns the TLS version used or NaN when unknown",
);
const TLS_CIPHER: (&str, MetricType, &str) = (
    "probe_tls_cipher_info",
    MetricType::Gauge,
    "Returns the TLS cipher negotiated during handshake",
);
const VERDICT: (&str, MetricType, &str) = (
    "tlscheck_verdict",
    MetricType::Gauge,
    "The verdict on the target under the policy: 1 for the verdict it got (pass, fail or unreachable), 0 for the others",
);
const GRADE_INFO: (&str, MetricType, &str) = (
    "tlscheck_grade_info",
    MetricType::Gauge,
    "The SSL Labs letter grade, as tlscheck computes it (A+ to F; T or M with the letter underneath, e.g. T (B))",
);
const GRADE_SCORE: (&str, MetricType, &str) = (
    "tlscheck_grade_score",
    MetricType::Gauge,
    "The SSL Labs numerical score from 0 to 100, before any cap on the letter",
);
const FINDINGS: (&str, MetricType, &str) = (
    "tlscheck_findings",
    MetricType::Gauge,
    "Findings by final severity under the policy, waived ones not counted",
);
const FINDINGS_WAIVED: (&str, MetricType, &str) = (
    "tlscheck_findings_waived",
    MetricType::Gauge,
    "Findings a policy file's waiver lets pass",
);
const LEGACY_PROTOCOL: (&str, MetricType, &str) = (
    "tlscheck_legacy_protocol_accepted",
    MetricType::Gauge,
    "1 when the server accepts this legacy protocol version, 0 when it refuses it; absent when unknown",
);
const WEAKEST_CIPHER_INFO: (&str, MetricType, &str) = (
    "tlscheck_weakest_cipher_info",
    MetricType::Gauge,
    "The weakest cipher suite the server accepts (lowest bulk cipher strength, then no forward secrecy, then not AEAD, then the oldest version)",
);
// Not `_bits`: promtool asks for bytes as the base unit, and key strength is counted in bits.
const WEAKEST_CIPHER_STRENGTH: (&str, MetricType, &str) = (
    "tlscheck_weakest_cipher_strength",
    MetricType::Gauge,
    "Bulk cipher strength in bits of the weakest cipher suite the server accepts (3DES counts 112, a NULL cipher 0)",
);
const OCSP_STAPLED: (&str, MetricType, &str) = (
    "tlscheck_ocsp_stapled",
    MetricType::Gauge,
    "1 when the server stapled an OCSP response to the handshake, 0 when it did not",
);
const LIFETIME_LEFT: (&str, MetricType, &str) = (
    "tlscheck_cert_lifetime_left_ratio",
    MetricType::Gauge,
    "Share of the leaf certificate's validity period still ahead at the scan (1 just issued, 0 expired)",
);
const CHAIN_TRUSTED: (&str, MetricType, &str) = (
    "tlscheck_chain_trusted",
    MetricType::Gauge,
    "1 when the presented chain leads to a trusted root, 0 when it does not",
);
const HOSTNAME_MATCH: (&str, MetricType, &str) = (
    "tlscheck_hostname_match",
    MetricType::Gauge,
    "1 when the leaf certificate covers the name checked (the SNI name or the IP address), 0 when it does not",
);

/// Every family a target may have, in the order they are written.
const TARGET_FAMILIES: [(&str, MetricType, &str); 20] = [
    PROBE_SUCCESS,
    PROBE_DURATION,
    PROBE_TIMEOUT,
    EARLIEST_EXPIRY,
    LAST_CHAIN_EXPIRY,
    LAST_CHAIN_INFO,
    TLS_VERSION,
    TLS_CIPHER,
    VERDICT,
    GRADE_INFO,
    GRADE_SCORE,
    FINDINGS,
    FINDINGS_WAIVED,
    LEGACY_PROTOCOL,
    WEAKEST_CIPHER_INFO,
    WEAKEST_CIPHER_STRENGTH,
    OCSP_STAPLED,
    LIFETIME_LEFT,
    CHAIN_TRUSTED,
    HOSTNAME_MATCH,
];

/// The versions `tlscheck_legacy_protocol_accepted` reports.
const LEGACY_VERSIONS: [ProtocolVersion; 4] = [
    ProtocolVersion::Ssl2,
    ProtocolVersion::Ssl3,
    ProtocolVersion::Tls10,
    ProtocolVersion::Tls11,
];

/// Whether samples name their target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetLabel {
    /// A `target` label on every sample (`--format prometheus`, any number of targets).
    Named,
    /// No target label: one target per exposition, as a scrape of `/probe` (Prometheus sets
    /// `instance`).
    Omitted,
}

/// `--format prometheus`, and the body of the exporter's `/probe`.
pub struct PrometheusRenderer {
    label: TargetLabel,
}

impl PrometheusRenderer {
    /// For `--format prometheus`: samples labelled with their `target`.
    pub fn new() -> PrometheusRenderer {
        PrometheusRenderer {
            label: TargetLabel::Named,
        }
    }

    /// For one target's scrape: no target label.
    pub fn probe() -> PrometheusRenderer {
        PrometheusRenderer {
            label: TargetLabel::Omitted,
        }
    }
}

impl Default for PrometheusRenderer {
    fn default() -> PrometheusRenderer {
        PrometheusRenderer::new()
    }
}

impl RunRenderer for PrometheusRenderer {
    fn render(&self, records: &[Record]) -> Result<Vec<u8>, RenderError> {
        Ok(target_metrics(records, self.label).render())
    }
}

/// The metrics of `records`. A target given twice is written once (its first record), since
/// two series with the same labels are not allowed.
pub fn target_metrics(records: &[Record], label: TargetLabel) -> Exposition {
    let mut exposition = Exposition::new();
    for (name, kind, help) in TARGET_FAMILIES {
        exposition.family(name, kind, help);
    }
    let mut seen = HashSet::new();
    for record in records {
        if label == TargetLabel::Named && !seen.insert(record.facts.target.input.as_str()) {
            continue;
        }
        add_record(&mut exposition, record, label);
    }
    exposition
}

/// The name blackbox_exporter gives a negotiated version (Go's `tls.ConnectionState`).
fn blackbox_version_name(wire: u16) -> &'static str {
    match ProtocolVersion::from_wire(wire) {
        Some(ProtocolVersion::Tls10) => "TLS 1.0",
        Some(ProtocolVersion::Tls11) => "TLS 1.1",
        Some(ProtocolVersion::Tls12) => "TLS 1.2",
        Some(ProtocolVersion::Tls13) => "TLS 1.3",
        _ => "unknown",
    }
}

/// A version in the same words, SSL included.
fn version_label(version: ProtocolVersion) -> &'static str {
    match version {
        ProtocolVersion::Ssl2 => "SSL 2.0",
        ProtocolVersion::Ssl3 => "SSL 3.0",
        other => blackbox_version_name(other.wire()),
    }
}

/// Lower-case hex without separators, from tlscheck's colon-separated upper-case hex.
fn plain_hex(colon_hex: &str) -> String {
    colon_hex.replace(':', "").to_ascii_lowercase()
}

/// A serial number as blackbox_exporter writes it: the integer's bytes in lower-case hex, with
/// no leading zero bytes (Go's `big.Int.Bytes`).
fn blackbox_serial(colon_hex: &str) -> String {
    let bytes: Vec<&str> = colon_hex.split(':').filter(|b| !b.is_empty()).collect();
    let first = bytes
        .iter()
        .position(|byte| *byte != "00")
        .unwrap_or(bytes.len());
    bytes[first..].concat().to_ascii_lowercase()
}

/// The certificates that lead from the leaf up its issuers, as presented (each issuer found
/// once; the path stops at a self-issued certificate or an issuer that was not sent).
fn path_from_leaf(chain: &ChainFacts) -> Vec<&CertificateFacts> {
    let Some(leaf) = chain.certificates.first() else {
        return Vec::new();
    };
    let mut path = vec![leaf];
    let mut used = vec![false; chain.certificates.len()];
    used[0] = true;
    let mut current = leaf;
    while current.subject != current.issuer {
        let next = chain
            .certificates
            .iter()
            .enumerate()
            .find(|(index, candidate)| !used[*index] && candidate.subject == current.issuer);
        let Some((index, issuer)) = next else {
            break;
        };
        used[index] = true;
        path.push(issuer);
        current = issuer;
    }
    path
}

fn add_record(exposition: &mut Exposition, record: &Record, label: TargetLabel) {
    let facts = &record.facts;
    let assessment = &record.assessment;
    let base: Vec<(&'static str, String)> = match label {
        TargetLabel::Named => vec![("target", facts.target.input.clone())],
        TargetLabel::Omitted => Vec::new(),
    };
    let labels = |more: &[(&'static str, String)]| {
        let mut all = base.clone();
        all.extend(more.iter().cloned());
        all
    };
    let mut put = |family: (&'static str, MetricType, &'static str),
                   more: &[(&'static str, String)],
                   value: f64| {
        exposition
            .family(family.0, family.1, family.2)
            .sample(labels(more), value);
    };
    let flag = |value: bool| if value { 1.0 } else { 0.0 };

    // A probe succeeds when a TLS handshake with the target completed (rustls: TLS 1.2 or 1.3,
    // what current clients speak), whatever the certificate: the verdict says whether the
    // target passes. A connection only tlscheck's legacy client could make is no success.
    let connection = facts.connection.ok();
    put(
        PROBE_SUCCESS,
        &[],
        flag(connection.is_some_and(|c| c.by_modern_client())),
    );
    put(PROBE_DURATION, &[], facts.duration.as_secs_f64());
    put(PROBE_TIMEOUT, &[], facts.budget.as_secs_f64());

    let chain = facts
        .chain
        .as_ref()
        .filter(|chain| !chain.certificates.is_empty());
    if let Some(chain) = chain {
        if let Some(earliest) = chain.certificates.iter().map(|c| c.not_after).min() {
            put(EARLIEST_EXPIRY, &[], earliest as f64);
        }
        if let Some(path_expiry) = path_from_leaf(chain).iter().map(|c| c.not_after).min() {
            put(LAST_CHAIN_EXPIRY, &[], path_expiry as f64);
        }
        if let Some(leaf) = chain.certificates.first() {
            let (subject, issuer) = go_subject_and_issuer(&leaf.der)
                .unwrap_or_else(|| (leaf.subject.clone(), leaf.issuer.clone()));
            put(
                LAST_CHAIN_INFO,
                &[
                    ("fingerprint_sha256", plain_hex(&leaf.sha256_fingerprint)),
                    ("subject", subject),
                    ("issuer", issuer),
                    ("subjectalternative", leaf.dns_names.join(",")),
                    ("serialnumber", blackbox_serial(&leaf.serial)),
                ],
                1.0,
            );
        }
    }
    if let Some(connection) = connection {
        put(
            TLS_VERSION,
            &[("version", blackbox_version_name(connection.protocol).into())],
            1.0,
        );
        put(
            TLS_CIPHER,
            &[(
                "cipher",
                crate::tls::suites::iana_name(connection.cipher_suite),
            )],
            1.0,
        );
    }

    for verdict in [Verdict::Pass, Verdict::Fail, Verdict::Unreachable] {
        put(
            VERDICT,
            &[
                ("policy", assessment.policy.clone()),
                ("verdict", verdict.name().into()),
            ],
            flag(assessment.verdict == verdict),
        );
    }
    if facts.unreachable.is_some() {
        // Nothing was reached, so nothing was judged: no findings, no grade, no protocols.
        return;
    }
    if let Some(grade) = &assessment.grade {
        put(GRADE_INFO, &[("grade", grade.display())], 1.0);
        put(GRADE_SCORE, &[], grade.score as f64);
    }
    for severity in Severity::ALL {
        let count = assessment
            .findings
            .iter()
            .filter(|finding| finding.severity == severity && finding.waiver.is_none())
            .count();
        put(
            FINDINGS,
            &[("severity", severity.as_str().into())],
            count as f64,
        );
    }
    let waived = assessment
        .findings
        .iter()
        .filter(|finding| finding.waiver.is_some())
        .count();
    put(FINDINGS_WAIVED, &[], waived as f64);
    for version in LEGACY_VERSIONS {
        let accepted = match support(facts, version) {
            Some(Support::Accepted(_)) => 1.0,
            Some(Support::Refused(_)) => 0.0,
            // Unknown is not refused: no sample.
            Some(Support::Unknown(_)) | None => continue,
        };
        put(
            LEGACY_PROTOCOL,
            &[("version", version_label(version).into())],
            accepted,
        );
    }
    if let Some((version, suite)) = weakest_suite(facts) {
        put(
            WEAKEST_CIPHER_INFO,
            &[
                ("version", version_label(version).into()),
                ("cipher", suite.name.into()),
            ],
            1.0,
        );
        put(WEAKEST_CIPHER_STRENGTH, &[], cipher_strength(suite) as f64);
    }
    if let Outcome::Ok(connection) = &facts.connection {
        put(
            OCSP_STAPLED,
            &[],
            flag(connection.ocsp_stapled_bytes.is_some()),
        );
    }
    if let Some(chain) = chain {
        if let Some(leaf) = chain.certificates.first() {
            let lifetime = (leaf.not_after - leaf.not_before) as f64;
            let left = (leaf.not_after - chain.checked_at) as f64;
            let ratio = if lifetime > 0.0 {
                (left / lifetime).clamp(0.0, 1.0)
            } else {
                0.0
            };
            put(LIFETIME_LEFT, &[], ratio);
        }
        put(CHAIN_TRUSTED, &[], flag(chain.trust.trusted));
        put(HOSTNAME_MATCH, &[], flag(chain.hostname.matches));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_escape_backslash_quote_and_newline() {
        assert_eq!(escape_label_value(r#"a\b"c"#), r#"a\\b\"c"#);
        assert_eq!(escape_label_value("one\ntwo"), "one\\ntwo");
        assert_eq!(escape_label_value("CN=x,O=y"), "CN=x,O=y");
    }

    #[test]
    fn help_escapes_backslash_and_newline_but_not_quotes() {
        assert_eq!(escape_help("a \\ \"b\"\nc"), "a \\\\ \"b\"\\nc");
    }

    #[test]
    fn values_keep_whole_numbers_exact() {
        assert_eq!(format_value(1_609_459_200.0), "1609459200");
        assert_eq!(format_value(0.0), "0");
        assert_eq!(format_value(0.25), "0.25");
        assert_eq!(format_value(f64::NAN), "NaN");
        assert_eq!(format_value(f64::INFINITY), "+Inf");
        assert_eq!(format_value(f64::NEG_INFINITY), "-Inf");
    }

    #[test]
    fn serials_lose_leading_zero_bytes_like_go() {
        assert_eq!(blackbox_serial("00:9F:3A"), "9f3a");
        assert_eq!(blackbox_serial("04:01"), "0401");
        assert_eq!(plain_hex("AB:CD:0E"), "abcd0e");
    }

    #[test]
    fn a_family_is_written_once_with_its_samples_together() {
        let mut exposition = Exposition::new();
        exposition
            .family("a_total", MetricType::Counter, "A")
            .sample(vec![("x", "1".into())], 1.0);
        exposition
            .family("b", MetricType::Gauge, "B")
            .sample(vec![], 2.0);
        exposition
            .family("a_total", MetricType::Counter, "ignored")
            .sample(vec![("x", "2".into())], 3.0);
        exposition.family("empty", MetricType::Gauge, "no samples");
        assert_eq!(
            String::from_utf8(exposition.render()).expect("utf-8"),
            "# HELP a_total A\n# TYPE a_total counter\na_total{x=\"1\"} 1\na_total{x=\"2\"} 3\n\
             # HELP b B\n# TYPE b gauge\nb 2\n"
        );
    }
}
