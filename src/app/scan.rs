//! `tlscheck TARGET...`: scan, judge each record as it arrives, render and write it; with
//! `--baseline`, then the drift from the baseline report.

use std::io::Write;
use std::sync::Arc;

use super::progress::LiveProgress;
use super::{render_options, table_width, AppError, ExitCode};
use crate::cli::settings::{format, settings};
use crate::cli::ScanArgs;
use crate::drift::{self, Scope, Snapshot};
use crate::output::Writer;
use crate::policy::{self, Policy, RunVerdict};
use crate::probe::connector::Connector;
use crate::report::drift::{markdown, text, DriftStyle};
use crate::report::json::{encode, JsonRenderer};
use crate::report::suggest::SuggestRenderer;
use crate::report::wire::drift::DriftDocument;
use crate::report::{self, Format, Record, RenderOptions, Renderer, SummaryRow};
use crate::scan::{scan_all, ScanSettings};
use crate::target::Target;

/// How `--baseline` names the current scan in the drift.
pub const THIS_SCAN: &str = "this scan";

pub async fn run<W: Write>(args: ScanArgs, out: &mut Writer<W>) -> Result<ExitCode, AppError> {
    let settings = settings(&args)?;
    // Read before any packet is sent: a bad baseline is a usage error (exit 2), not a scan.
    let baseline = match &args.baseline {
        Some(path) => Some(Snapshot::read(path, "--baseline")?),
        None => None,
    };
    let options = render_options(&args.output, &settings.policy);
    let format = format(&args.output);
    let mut sink = match settings.suggest {
        // The fragments replace the report; the verdicts, and so the exit code, stay the scan's.
        Some(suggest) => Sink::with(Renderer::PerRecord(Box::new(SuggestRenderer::new(
            suggest.server,
            suggest.profile,
            suggest.choice,
        )))),
        None => Sink::new(format, options.clone()),
    };
    sink.keep_records = baseline.is_some();
    scan_into(
        settings.targets,
        settings.scan,
        &settings.policy,
        &mut sink,
        out,
    )
    .await?;
    let Some(baseline) = baseline else {
        let run = sink.finish(out)?;
        return Ok(ExitCode::of(&run));
    };

    // The JSON document carries the drift inside; every other format is written as usual and
    // the drift follows it.
    let (run, records) = if format == Format::Json {
        sink.into_records()
    } else {
        sink.finish_keeping(out)?
    };
    let json = JsonRenderer::new(options.clone());
    let mut document = json.document(&records);
    let current = Snapshot::from_value(
        serde_json::to_value(&document).map_err(report::RenderError::from)?,
        THIS_SCAN,
        THIS_SCAN,
    )?;
    let drift = drift::compare(&baseline, &current, Scope::NewTargets);
    let style = DriftStyle {
        color: options.color,
        width: table_width(),
    };
    match format {
        Format::Json => {
            document.drift = Some(DriftDocument::from_drift(&drift));
            out.write(&encode(&document)?)?;
        }
        Format::Table => {
            out.write(b"\n")?;
            out.write(&text(&drift, style))?;
        }
        Format::Markdown => {
            out.write(b"\n")?;
            out.write(&markdown(&drift))?;
        }
        // Their documents have no place for it: the drift goes to standard error.
        Format::Junit | Format::Sarif | Format::Prometheus => {
            let mut errors = Writer::new(std::io::stderr());
            errors.write(&text(
                &drift,
                DriftStyle {
                    color: false,
                    ..style
                },
            ))?;
        }
    }
    Ok(match ExitCode::of(&run) {
        ExitCode::Clean if drift.regressed() => ExitCode::Findings,
        code => code,
    })
}

/// Scan `targets` and pass each record, judged by `policy`, to `sink` as it comes.
pub async fn scan_into<W: Write>(
    targets: Vec<Target>,
    settings: ScanSettings,
    policy: &Policy,
    sink: &mut Sink,
    out: &mut Writer<W>,
) -> Result<(), AppError> {
    let connector = Arc::new(Connector::new(settings.max_connections, settings.timeout));
    let live = LiveProgress::start(targets.len(), connector.connections());
    let offset = sink.reserve(targets.len());
    let mut records = scan_all(targets, Arc::new(settings), connector);
    while let Some((index, facts)) = records.recv().await {
        let assessment = policy::assess(&facts, policy);
        if let Some(live) = &live {
            live.target_done();
            live.clear();
        }
        sink.accept(offset + index, Record { facts, assessment }, out)?;
    }
    if let Some(live) = &live {
        live.clear();
    }
    Ok(())
}

/// Where judged records go: written at once by a per-record renderer, kept for the end by a
/// whole-run one. Records keep their input position.
pub struct Sink {
    renderer: Renderer,
    kept: Vec<Option<Record>>,
    summary: Vec<Option<SummaryRow>>,
    run: RunVerdict,
    /// Keep every record, whatever the renderer (for `--baseline`).
    keep_records: bool,
}

impl Sink {
    pub fn new(format: Format, options: RenderOptions) -> Sink {
        Sink::with(report::renderer(format, options))
    }

    /// A sink for any renderer (`--suggest`'s).
    pub fn with(renderer: Renderer) -> Sink {
        Sink {
            renderer,
            kept: Vec::new(),
            summary: Vec::new(),
            run: RunVerdict::default(),
            keep_records: false,
        }
    }

    /// Room for `count` more records; the position of the first.
    fn reserve(&mut self, count: usize) -> usize {
        let offset = self.summary.len();
        self.summary.resize(offset + count, None);
        self.kept.resize(offset + count, None);
        offset
    }

    fn accept<W: Write>(
        &mut self,
        position: usize,
        record: Record,
        out: &mut Writer<W>,
    ) -> Result<(), AppError> {
        self.run.add(record.assessment.verdict);
        if let Some(slot) = self.summary.get_mut(position) {
            *slot = Some(SummaryRow::of(&record));
        }
        let keep = match &self.renderer {
            Renderer::PerRecord(renderer) => {
                out.write(&renderer.record(&record)?)?;
                self.keep_records
            }
            Renderer::WholeRun(_) => true,
        };
        if keep {
            if let Some(slot) = self.kept.get_mut(position) {
                *slot = Some(record);
            }
        }
        Ok(())
    }

    /// Write what comes after the last record; the verdicts of the run.
    pub fn finish<W: Write>(self, out: &mut Writer<W>) -> Result<RunVerdict, AppError> {
        Ok(self.finish_keeping(out)?.0)
    }

    /// [`Sink::finish`], also returning the records kept, in input order.
    pub fn finish_keeping<W: Write>(
        self,
        out: &mut Writer<W>,
    ) -> Result<(RunVerdict, Vec<Record>), AppError> {
        let records: Vec<Record> = self.kept.into_iter().flatten().collect();
        match &self.renderer {
            Renderer::PerRecord(renderer) => {
                let summary: Vec<SummaryRow> = self.summary.into_iter().flatten().collect();
                out.write(&renderer.finish(&summary)?)?;
            }
            Renderer::WholeRun(renderer) => {
                out.write(&renderer.render(&records)?)?;
            }
        }
        Ok((self.run, records))
    }

    /// The verdicts and the records kept, writing nothing (the caller renders them).
    pub fn into_records(self) -> (RunVerdict, Vec<Record>) {
        (self.run, self.kept.into_iter().flatten().collect())
    }
}
