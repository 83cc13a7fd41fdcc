//! Renderers: records to bytes. Pure: nothing here writes to a terminal or a file (`output`
//! does that), reads the command line, or judges a fact (a cell is marked because a finding
//! points at it). Two kinds:
//!
//! - per-record ([`RecordRenderer`]): each target's bytes as soon as it is scanned, then a
//!   closing part (table, JSON Lines, `--suggest`'s fragments);
//! - whole-run ([`RunRenderer`]): one document once every target is done (JSON, JUnit XML,
//!   SARIF, Markdown, Nagios, whose status line sums up every target, and the Prometheus
//!   exposition, whose metric families each gather every target's samples).
//!
//! `drift` renders the drift between two reports (`tlscheck diff`, `--baseline`).

pub mod drift;
pub mod json;
pub mod jsonl;
pub mod junit;
pub mod markdown;
pub mod nagios;
pub mod prometheus;
pub mod sarif;
pub mod suggest;
pub mod table;
pub mod wire;

use crate::analysis::{ExpiryThresholds, Severity};
use crate::facts::HostFacts;
use crate::policy::nagios::UnreachableState;
use crate::policy::{Assessment, RunVerdict, Verdict};
use crate::remediation::Server;

/// One target's facts and their assessment: what every renderer renders.
#[derive(Clone, Debug)]
pub struct Record {
    pub facts: HostFacts,
    pub assessment: Assessment,
}

/// The output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Junit,
    Sarif,
    Markdown,
    Jsonl,
    Nagios,
    Prometheus,
}

/// Whose fixes a human-readable format shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixFor {
    All,
    Server(Server),
}

/// How a renderer should present the records.
#[derive(Clone, Debug)]
pub struct RenderOptions {
    /// Use ANSI colours.
    pub color: bool,
    /// Width to fit tables into, in columns.
    pub width: u16,
    pub fix_for: FixFor,
    /// The `--fail-on` threshold, for documents that state it.
    pub fail_on: Severity,
    /// A file results are anchored to (the targets list or the policy file), when one was given.
    pub anchor: Option<String>,
    /// The policy's name, for documents that state it.
    pub policy: String,
    /// The policy's expiry thresholds, for documents that state them (Nagios performance data).
    pub expiry: ExpiryThresholds,
    /// The Nagios state of a target that could not be scanned (`--unreachable`).
    pub unreachable: UnreachableState,
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("cannot encode the JSON report: {0}")]
    Json(#[from] serde_json::Error),
}

/// A line of the run's summary, kept for every target while the others are rendered.
#[derive(Clone, Debug)]
pub struct SummaryRow {
    pub input: String,
    pub protocol: String,
    pub certificate: String,
    pub worst: Option<Severity>,
    /// The letter grade (`B`, `T (B)`), or `-` when unreachable.
    pub grade: String,
    pub verdict: Verdict,
}

impl SummaryRow {
    pub fn of(record: &Record) -> SummaryRow {
        use crate::facts::Outcome;
        let facts = &record.facts;
        SummaryRow {
            input: facts.target.input.clone(),
            protocol: match &facts.connection {
                Outcome::Ok(connection) if connection.by_modern_client() => {
                    crate::tls::version_name(connection.protocol)
                }
                // Only tlscheck's legacy client connected: say so beside the version.
                Outcome::Ok(connection) => {
                    format!(
                        "{} (legacy client)",
                        crate::tls::version_name(connection.protocol)
                    )
                }
                Outcome::Failed(_) => "handshake failed".into(),
                Outcome::Skipped(_) => "-".into(),
            },
            certificate: facts
                .chain
                .as_ref()
                .and_then(|chain| chain.certificates.first())
                .map(|leaf| format!("{} days left", leaf.days_left))
                .unwrap_or_else(|| "-".into()),
            worst: record.assessment.worst(),
            grade: record
                .assessment
                .grade
                .as_ref()
                .map(|grade| grade.display())
                .unwrap_or_else(|| "-".into()),
            verdict: record.assessment.verdict,
        }
    }
}

/// Renders each record as it comes, then a closing part.
pub trait RecordRenderer {
    /// The bytes for one record.
    fn record(&self, record: &Record) -> Result<Vec<u8>, RenderError>;
    /// The bytes after the last record, given the summary of every record in input order.
    fn finish(&self, summary: &[SummaryRow]) -> Result<Vec<u8>, RenderError>;
    /// [`RecordRenderer::finish`] with the run's verdict counts, and the targets an interrupted
    /// run left (`not_scanned`).
    fn finish_run(
        &self,
        summary: &[SummaryRow],
        run: &RunVerdict,
        not_scanned: usize,
    ) -> Result<Vec<u8>, RenderError> {
        let _ = (run, not_scanned);
        self.finish(summary)
    }
    /// Whether [`RecordRenderer::finish`] needs a row per target; a renderer that only counts
    /// gets none kept, so a long run's memory does not grow with its list.
    fn wants_rows(&self) -> bool {
        true
    }
}

/// Renders the whole run at once.
pub trait RunRenderer {
    fn render(&self, records: &[Record]) -> Result<Vec<u8>, RenderError>;
    /// [`RunRenderer::render`] for a run interrupted with `not_scanned` targets left.
    fn render_run(&self, records: &[Record], not_scanned: usize) -> Result<Vec<u8>, RenderError> {
        let _ = not_scanned;
        self.render(records)
    }
}

pub enum Renderer {
    PerRecord(Box<dyn RecordRenderer>),
    WholeRun(Box<dyn RunRenderer>),
}

/// The renderer for a format.
pub fn renderer(format: Format, options: RenderOptions) -> Renderer {
    match format {
        Format::Table => Renderer::PerRecord(Box::new(table::TableRenderer::new(options))),
        Format::Json => Renderer::WholeRun(Box::new(json::JsonRenderer::new(options))),
        Format::Junit => Renderer::WholeRun(Box::new(junit::JunitRenderer::new(options))),
        Format::Sarif => Renderer::WholeRun(Box::new(sarif::SarifRenderer::new(options))),
        Format::Markdown => Renderer::WholeRun(Box::new(markdown::MarkdownRenderer::new(options))),
        Format::Jsonl => Renderer::PerRecord(Box::new(jsonl::JsonlRenderer::new(options))),
        Format::Nagios => Renderer::WholeRun(Box::new(nagios::NagiosRenderer::new(options))),
        Format::Prometheus => Renderer::WholeRun(Box::new(prometheus::PrometheusRenderer::new())),
    }
}
