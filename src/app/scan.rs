//! `tlscheck TARGET...`: scan, judge each record as it arrives, render and write it.

use std::io::Write;
use std::sync::Arc;

use super::progress::LiveProgress;
use super::{render_options, AppError, ExitCode};
use crate::cli::settings::{format, settings};
use crate::cli::ScanArgs;
use crate::output::Writer;
use crate::policy::{self, Policy, RunVerdict};
use crate::probe::connector::Connector;
use crate::report::suggest::SuggestRenderer;
use crate::report::{self, Format, Record, RenderOptions, Renderer, SummaryRow};
use crate::scan::{scan_all, ScanSettings};
use crate::target::Target;

pub async fn run<W: Write>(args: ScanArgs, out: &mut Writer<W>) -> Result<ExitCode, AppError> {
    let settings = settings(&args)?;
    let options = render_options(&args.output, &settings.policy);
    let mut sink = match settings.suggest {
        // The fragments replace the report; the verdicts, and so the exit code, stay the scan's.
        Some(suggest) => Sink::with(Renderer::PerRecord(Box::new(SuggestRenderer::new(
            suggest.server,
            suggest.profile,
            suggest.choice,
        )))),
        None => Sink::new(format(&args.output), options),
    };
    scan_into(
        settings.targets,
        settings.scan,
        &settings.policy,
        &mut sink,
        out,
    )
    .await?;
    let run = sink.finish(out)?;
    Ok(ExitCode::of(&run))
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
        match &self.renderer {
            Renderer::PerRecord(renderer) => out.write(&renderer.record(&record)?)?,
            Renderer::WholeRun(_) => {
                if let Some(slot) = self.kept.get_mut(position) {
                    *slot = Some(record);
                }
            }
        }
        Ok(())
    }

    /// Write what comes after the last record; the verdicts of the run.
    pub fn finish<W: Write>(self, out: &mut Writer<W>) -> Result<RunVerdict, AppError> {
        match &self.renderer {
            Renderer::PerRecord(renderer) => {
                let summary: Vec<SummaryRow> = self.summary.into_iter().flatten().collect();
                out.write(&renderer.finish(&summary)?)?;
            }
            Renderer::WholeRun(renderer) => {
                let records: Vec<Record> = self.kept.into_iter().flatten().collect();
                out.write(&renderer.render(&records)?)?;
            }
        }
        Ok(self.run)
    }
}
