//! Nagios renderer (`--format nagios`): the output of a monitoring plugin, as the Monitoring
//! Plugins development guidelines lay it out. The first line is the status,
//! `TLSCHECK STATE - summary | perfdata`; the long output follows, a few lines per target. The
//! states are `policy::nagios`'s; this file words them and lays out what was measured.
//!
//! Performance data, per target (labels prefixed with the target as typed, `TARGET/`, when there
//! are several):
//! - `days_chain_elemN`: whole days left of the Nth certificate the server sent (negative once
//!   expired), with the `--warn-days`/`--crit-days` thresholds for the certificates judged by
//!   days (not a self-signed root, not a short-lived certificate);
//! - `lifetime_left`: the share of the leaf's lifetime left, in whole percent, with the
//!   short-lived thresholds when the leaf is judged by its share;
//! - `handshake_time`: the TLS handshake, in seconds.
//!
//! A threshold is written in the guidelines' range format, the alert being outside the range:
//! days left at or below 30 is `31:` (days and percent are whole numbers, so this is exact).

use std::fmt::Write as _;

use super::{Record, RenderError, RenderOptions, RunRenderer};
use crate::analysis::certificate::percent_of_lifetime_left;
use crate::analysis::{describe, Finding, FindingId, Subject};
use crate::facts::time::{lifetime_days, rfc3339};
use crate::facts::{CertificateFacts, Outcome};
use crate::policy::nagios::{raising, run_state, target_state, ServiceState};
use crate::policy::Verdict;

/// The longest status line, performance data included: what Nagios reads of the first line.
/// Performance data that would make it longer goes after the long output instead.
pub const STATUS_LINE_LIMIT: usize = 4096;

/// What the status line starts with: the plugin's name.
pub const SERVICE: &str = "TLSCHECK";

pub struct NagiosRenderer {
    options: RenderOptions,
}

impl NagiosRenderer {
    pub fn new(options: RenderOptions) -> NagiosRenderer {
        NagiosRenderer { options }
    }
}

impl RunRenderer for NagiosRenderer {
    fn render(&self, records: &[Record]) -> Result<Vec<u8>, RenderError> {
        Ok(self.output(records).into_bytes())
    }
}

/// The output of a run that could not start (a usage or configuration error): UNKNOWN, with the
/// message's first paragraph as the summary (without clap's `error: `) and the rest as long
/// output.
pub fn unknown(message: &str) -> Vec<u8> {
    let message = message.trim();
    let message = message.strip_prefix("error: ").unwrap_or(message);
    let (first, rest) = message.split_once("\n\n").unwrap_or((message, ""));
    let first: Vec<&str> = first.lines().map(str::trim).collect();
    let mut out = status_line(ServiceState::Unknown, &plain(&first.join(" ")));
    out.push('\n');
    for line in rest.lines() {
        out.push_str(&plain(line));
        out.push('\n');
    }
    out.into_bytes()
}

/// `TLSCHECK STATE - summary`, the summary cut to leave room for the performance data.
fn status_line(state: ServiceState, summary: &str) -> String {
    let head = format!("{SERVICE} {} - ", state.name());
    format!(
        "{head}{}",
        truncate(summary, STATUS_LINE_LIMIT / 2 - head.len())
    )
}

/// Text for plugin output: no `|` (it would start the performance data) and no line breaks.
fn plain(text: &str) -> String {
    text.replace('|', "/").replace(['\n', '\r'], " ")
}

/// `text` cut at a character boundary to at most `limit` bytes, marked with `...` when cut.
fn truncate(text: &str, limit: usize) -> String {
    if text.len() <= limit {
        return text.to_string();
    }
    let mut end = limit.saturating_sub(3);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &text[..end])
}

fn days(count: i64) -> String {
    if count == 1 {
        "1 day".into()
    } else {
        format!("{count} days")
    }
}

/// `YYYY-MM-DD` of a Unix time.
fn date(unix_seconds: i64) -> String {
    rfc3339(unix_seconds).chars().take(10).collect()
}

impl NagiosRenderer {
    fn output(&self, records: &[Record]) -> String {
        let unreachable = self.options.unreachable;
        let run = run_state(records.iter().map(|r| &r.assessment), unreachable);
        let states: Vec<ServiceState> = records
            .iter()
            .map(|record| target_state(&record.assessment, unreachable))
            .collect();
        let status = status_line(run, &self.summary(records, &states));
        let prefixed = records.len() > 1;
        let perfdata: Vec<String> = records
            .iter()
            .flat_map(|record| self.metrics(record, prefixed))
            .map(|metric| metric.to_string())
            .collect();
        let perfdata = perfdata.join(" ");
        let mut long: Vec<String> = Vec::new();
        for (record, state) in records.iter().zip(&states) {
            long.extend(self.long_output(record, *state));
        }

        let mut out = status;
        if !perfdata.is_empty() && out.len() + 3 + perfdata.len() <= STATUS_LINE_LIMIT {
            let _ = write!(out, " | {perfdata}");
        } else if !perfdata.is_empty() {
            // Too long for the first line: after the long output, as the guidelines allow.
            match long.last_mut() {
                Some(last) => {
                    let _ = write!(last, " | {perfdata}");
                }
                None => long.push(format!("| {perfdata}")),
            }
        }
        out.push('\n');
        for line in long {
            out.push_str(&line);
            out.push('\n');
        }
        out
    }

    /// One target's summary; for several, how many are OK and the others' summaries, worst
    /// first, as many as fit.
    fn summary(&self, records: &[Record], states: &[ServiceState]) -> String {
        if let ([record], [state]) = (records, states) {
            return self.target_summary(record, *state);
        }
        let ok = states.iter().filter(|s| **s == ServiceState::Ok).count();
        let mut summary = format!("{ok} of {} targets OK", records.len());
        let mut problems: Vec<(&Record, ServiceState)> = records
            .iter()
            .zip(states.iter().copied())
            .filter(|(_, state)| *state != ServiceState::Ok)
            .collect();
        problems.sort_by_key(|(_, state)| std::cmp::Reverse(*state));
        if problems.is_empty() {
            let soonest = records
                .iter()
                .filter_map(|record| Some((record, leaf(record)?)))
                .min_by_key(|(_, leaf)| leaf.not_after);
            if let Some((record, leaf)) = soonest {
                let _ = write!(
                    summary,
                    "; soonest certificate expiry: {} in {} ({})",
                    plain(&record.facts.target.input),
                    days(leaf.days_left),
                    date(leaf.not_after)
                );
            }
            return summary;
        }
        // Room for the performance data, or at least for the long output's pointer to it.
        let budget = STATUS_LINE_LIMIT / 2 - 64;
        for (shown, (record, state)) in problems.iter().enumerate() {
            let part = format!("; {}", self.target_summary(record, *state));
            if summary.len() + part.len() > budget {
                let _ = write!(summary, "; and {} more", problems.len() - shown);
                break;
            }
            summary.push_str(&part);
        }
        summary
    }

    /// `TARGET: what set its state`, or for an OK target when its certificate expires.
    fn target_summary(&self, record: &Record, state: ServiceState) -> String {
        let input = plain(&record.facts.target.input);
        if let Some(error) = &record.facts.unreachable {
            return format!(
                "{input}: could not be scanned ({})",
                plain(&describe::error(error))
            );
        }
        let raised = raising(&record.assessment);
        match raised.first() {
            Some((finding, _)) if state != ServiceState::Ok => {
                let more = raised.len() - 1;
                let more = if more > 0 {
                    format!(" (+{more} more)")
                } else {
                    String::new()
                };
                format!("{input}: {}{more}", self.reason(record, finding))
            }
            _ => match leaf(record) {
                Some(leaf) => format!(
                    "{input}: certificate expires in {} ({})",
                    days(leaf.days_left),
                    date(leaf.not_after)
                ),
                None => format!("{input}: no finding at or above medium"),
            },
        }
    }

    /// Why a finding raised the state, in a few words: the certificate's dates for the validity
    /// findings, the catalogue's title for the others.
    fn reason(&self, record: &Record, finding: &Finding) -> String {
        let certificates: Vec<(usize, &CertificateFacts)> = record
            .facts
            .chain
            .iter()
            .flat_map(|chain| {
                finding.subjects.iter().filter_map(|subject| match subject {
                    Subject::Certificate { index, .. } => chain
                        .certificates
                        .get(*index)
                        .map(|certificate| (*index, certificate)),
                    _ => None,
                })
            })
            .collect();
        let soonest = certificates
            .iter()
            .min_by_key(|(_, certificate)| certificate.not_after);
        match (finding.id, soonest) {
            (FindingId::CertExpiresSoon, Some((index, certificate))) => {
                let role = certificate.role(*index);
                let when = if certificate.days_left < 1 {
                    "within a day".to_string()
                } else {
                    format!("in {}", days(certificate.days_left))
                };
                let lifetime = lifetime_days(certificate.not_before, certificate.not_after);
                let share = if self.options.expiry.by_share(lifetime) {
                    format!(
                        ", {}% of its {lifetime}-day lifetime left",
                        self.lifetime_percent(record, certificate)
                    )
                } else {
                    String::new()
                };
                format!(
                    "{role} certificate expires {when} ({}){share}",
                    date(certificate.not_after)
                )
            }
            (FindingId::CertExpired, Some((index, certificate))) => format!(
                "{} certificate expired {} ago ({})",
                certificate.role(*index),
                days(-certificate.days_left),
                date(certificate.not_after)
            ),
            (FindingId::CertNotYetValid, Some((index, certificate))) => format!(
                "{} certificate is not valid until {}",
                certificate.role(*index),
                date(certificate.not_before)
            ),
            _ => plain(finding.title()),
        }
    }

    /// The share of `certificate`'s lifetime left at the scan, as the analysis judged it, within
    /// 0 to 100.
    fn lifetime_percent(&self, record: &Record, certificate: &CertificateFacts) -> i64 {
        let at = record
            .facts
            .chain
            .as_ref()
            .map(|chain| chain.checked_at)
            .unwrap_or(record.facts.scanned_at);
        percent_of_lifetime_left(certificate, at).clamp(0, 100)
    }

    /// A few lines per target: its state and verdict, the connection, each certificate, and
    /// the findings that set the state.
    fn long_output(&self, record: &Record, state: ServiceState) -> Vec<String> {
        let facts = &record.facts;
        let assessment = &record.assessment;
        let input = plain(&facts.target.input);
        let mut lines = Vec::new();
        if let Some(error) = &facts.unreachable {
            lines.push(format!(
                "{input}: {}, could not be scanned: {}",
                state.name(),
                plain(&describe::error(error))
            ));
            return lines;
        }
        let verdict = match assessment.verdict {
            Verdict::Pass => "passes",
            Verdict::Fail => "fails",
            Verdict::Unreachable => "could not be scanned",
        };
        let grade = assessment
            .grade
            .as_ref()
            .map(|grade| format!(", grade {}", grade.display()))
            .unwrap_or_default();
        lines.push(format!(
            "{input}: {} ({verdict} policy {} at --fail-on {}{grade})",
            state.name(),
            plain(&assessment.policy),
            assessment.fail_on
        ));
        match &facts.connection {
            Outcome::Ok(connection) => lines.push(format!(
                "  connection: {} {}, handshake {:.3} s{}",
                crate::tls::version_name(connection.protocol),
                crate::tls::suites::iana_name(connection.cipher_suite),
                connection.handshake.as_secs_f64(),
                if connection.by_modern_client() {
                    ""
                } else {
                    " (legacy client; a modern client cannot connect)"
                }
            )),
            Outcome::Failed(error) => lines.push(format!(
                "  connection: failed: {}",
                plain(&describe::error(error))
            )),
            Outcome::Skipped(_) => {}
        }
        if let Some(chain) = &facts.chain {
            let thresholds = self.options.expiry;
            for (index, certificate) in chain.certificates.iter().enumerate() {
                let name = certificate
                    .common_name
                    .as_deref()
                    .unwrap_or(&certificate.subject);
                let lifetime = lifetime_days(certificate.not_before, certificate.not_after);
                let judged = if !judged_by_days(index, certificate) {
                    "a root: its validity is the trust store's business".to_string()
                } else if thresholds.by_share(lifetime) {
                    format!(
                        "{}% of its {lifetime}-day lifetime left; short-lived: WARNING at <= {}%, CRITICAL at <= {}%",
                        self.lifetime_percent(record, certificate),
                        thresholds.warn_percent,
                        thresholds.crit_percent
                    )
                } else {
                    format!(
                        "WARNING at <= {} days, CRITICAL at <= {}",
                        thresholds.warn_days, thresholds.crit_days
                    )
                };
                let left = if certificate.days_left < 0 {
                    format!("expired {} ago", days(-certificate.days_left))
                } else {
                    format!("{} left", days(certificate.days_left))
                };
                lines.push(format!(
                    "  chain element {} ({} \"{}\"): valid until {}, {left} ({judged})",
                    index + 1,
                    certificate.role(index),
                    plain(name),
                    rfc3339(certificate.not_after),
                ));
            }
        }
        let raised = raising(assessment);
        for (finding, state) in &raised {
            lines.push(format!(
                "  {} {} ({}): {}: {}",
                state.name(),
                finding.id,
                finding.severity,
                plain(finding.title()),
                plain(&finding.evidence)
            ));
        }
        let below: Vec<String> = assessment
            .findings
            .iter()
            .filter(|finding| {
                !raised
                    .iter()
                    .any(|(raising, _)| std::ptr::eq(*raising, *finding))
            })
            .map(|finding| {
                let waived = if finding.waiver.is_some() {
                    ", waived"
                } else {
                    ""
                };
                format!("{} ({}{waived})", finding.id, finding.severity)
            })
            .collect();
        if !below.is_empty() {
            lines.push(format!("  not raising the state: {}", below.join(", ")));
        }
        lines
    }

    /// The performance data of one target: none when it could not be scanned.
    fn metrics(&self, record: &Record, prefixed: bool) -> Vec<Metric> {
        let facts = &record.facts;
        if facts.unreachable.is_some() {
            return Vec::new();
        }
        let label = |name: String| {
            if prefixed {
                format!("{}/{name}", facts.target.input)
            } else {
                name
            }
        };
        let thresholds = self.options.expiry;
        let mut metrics = Vec::new();
        if let Some(chain) = &facts.chain {
            for (index, certificate) in chain.certificates.iter().enumerate() {
                let lifetime = lifetime_days(certificate.not_before, certificate.not_after);
                // Days left at or below the threshold alert: outside `threshold + 1:`.
                let by_days = judged_by_days(index, certificate) && !thresholds.by_share(lifetime);
                metrics.push(Metric {
                    label: label(format!("days_chain_elem{}", index + 1)),
                    value: certificate.days_left.to_string(),
                    unit: "",
                    warn: by_days.then(|| format!("{}:", thresholds.warn_days + 1)),
                    crit: by_days.then(|| format!("{}:", thresholds.crit_days + 1)),
                    min: None,
                    max: None,
                });
            }
            if let Some(leaf) = chain.certificates.first() {
                let lifetime = lifetime_days(leaf.not_before, leaf.not_after);
                let by_share = thresholds.by_share(lifetime);
                metrics.push(Metric {
                    label: label("lifetime_left".into()),
                    value: self.lifetime_percent(record, leaf).to_string(),
                    unit: "%",
                    warn: by_share.then(|| format!("{}:", thresholds.warn_percent + 1)),
                    crit: by_share.then(|| format!("{}:", thresholds.crit_percent + 1)),
                    min: Some("0".into()),
                    max: Some("100".into()),
                });
            }
        }
        if let Outcome::Ok(connection) = &facts.connection {
            metrics.push(Metric {
                label: label("handshake_time".into()),
                value: format!("{:.6}", connection.handshake.as_secs_f64()),
                unit: "s",
                warn: None,
                crit: None,
                min: Some("0".into()),
                max: None,
            });
        }
        metrics
    }
}

/// The leaf and every certificate that is not a self-signed root are judged by the expiry
/// thresholds (as in `analysis::certificate`).
fn judged_by_days(index: usize, certificate: &CertificateFacts) -> bool {
    index == 0 || !certificate.self_signed
}

/// The leaf certificate of a record, when it has one.
fn leaf(record: &Record) -> Option<&CertificateFacts> {
    record
        .facts
        .chain
        .as_ref()
        .and_then(|chain| chain.certificates.first())
}

/// One performance data item: `'label'=value[UOM];[warn];[crit];[min];[max]`.
struct Metric {
    label: String,
    value: String,
    unit: &'static str,
    warn: Option<String>,
    crit: Option<String>,
    min: Option<String>,
    max: Option<String>,
}

impl std::fmt::Display for Metric {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let label = plain(&self.label);
        // Quoted when it holds a space, `=` or `'`; a quote is written twice.
        if label.contains([' ', '=', '\'']) {
            write!(f, "'{}'", label.replace('\'', "''"))?;
        } else {
            f.write_str(&label)?;
        }
        write!(f, "={}{}", self.value, self.unit)?;
        let fields = [&self.warn, &self.crit, &self.min, &self.max];
        // Trailing empty fields are left out.
        let used = fields
            .iter()
            .rposition(|field| field.is_some())
            .map_or(0, |last| last + 1);
        for field in &fields[..used] {
            write!(f, ";{}", field.as_deref().unwrap_or(""))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metric(label: &str) -> Metric {
        Metric {
            label: label.into(),
            value: "12".into(),
            unit: "",
            warn: Some("31:".into()),
            crit: None,
            min: None,
            max: None,
        }
    }

    #[test]
    fn labels_are_quoted_only_when_they_must_be_and_quotes_are_doubled() {
        assert_eq!(
            metric("days_chain_elem1").to_string(),
            "days_chain_elem1=12;31:"
        );
        assert_eq!(metric("a b/days").to_string(), "'a b/days'=12;31:");
        assert_eq!(
            metric("https://x.test/?a=b/days").to_string(),
            "'https://x.test/?a=b/days'=12;31:"
        );
        assert_eq!(metric("it's/days").to_string(), "'it''s/days'=12;31:");
        assert_eq!(metric("a|b").to_string(), "a/b=12;31:");
    }

    #[test]
    fn trailing_empty_fields_are_left_out_and_inner_ones_kept() {
        let mut handshake = metric("handshake_time");
        handshake.value = "0.001700".into();
        handshake.unit = "s";
        handshake.warn = None;
        handshake.min = Some("0".into());
        assert_eq!(handshake.to_string(), "handshake_time=0.001700s;;;0");
        handshake.min = None;
        assert_eq!(handshake.to_string(), "handshake_time=0.001700s");
    }

    #[test]
    fn a_usage_error_is_unknown_with_the_message_as_the_status() {
        let text = String::from_utf8(unknown(
            "error: the following required arguments were not provided:\n  <TARGET>...\n\nUsage: tlscheck <TARGET>...\n\nFor more information, try '--help'.\n",
        ))
        .expect("UTF-8");
        assert_eq!(
            text,
            "TLSCHECK UNKNOWN - the following required arguments were not provided: <TARGET>...\n\
             Usage: tlscheck <TARGET>...\n\nFor more information, try '--help'.\n"
        );
        let text = String::from_utf8(unknown(
            "--crit-days (40) must not be larger than --warn-days (30)",
        ))
        .expect("UTF-8");
        assert_eq!(
            text,
            "TLSCHECK UNKNOWN - --crit-days (40) must not be larger than --warn-days (30)\n"
        );
    }

    #[test]
    fn a_long_summary_is_cut_at_a_character_boundary() {
        let cut = truncate(&"é".repeat(100), 11);
        assert!(cut.len() <= 11, "{cut}");
        assert!(cut.ends_with("..."));
    }
}
