//! `tlscheck TARGET...`: scan, judge each record as it arrives, render and write it; with
//! `--baseline`, then the drift from the baseline report.

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::progress::LiveProgress;
use super::{render_options, table_width, AppError, ExitCode};
use crate::analysis::{consistency, Finding};
use crate::cli::settings::{format, settings};
use crate::cli::ScanArgs;
use crate::drift::{self, Scope, Snapshot};
use crate::facts::HostFacts;
use crate::output::Writer;
use crate::policy::{self, nagios, Policy, RunVerdict, Verdict};
use crate::probe::connector::Connector;
use crate::report::drift::{markdown, text, DriftStyle};
use crate::report::json::{encode, JsonRenderer};
use crate::report::suggest::SuggestRenderer;
use crate::report::wire::drift::DriftDocument;
use crate::report::{self, Format, Record, RenderOptions, Renderer, SummaryRow};
use crate::scan::{expand_addresses, scan_all_until, ScanSettings};
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
        Some(suggest) => {
            let mut sink = Sink::with(Renderer::PerRecord(Box::new(SuggestRenderer::new(
                suggest.server,
                suggest.profile,
                suggest.choice,
            ))));
            sink.progress = true;
            sink
        }
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
    if sink.interrupted {
        let not_scanned = sink.not_scanned;
        sink.finish(out)?;
        eprintln!("tlscheck: interrupted: {not_scanned} target(s) not scanned");
        return Ok(ExitCode::Interrupted);
    }
    let Some(baseline) = baseline else {
        if format == Format::Nagios {
            // The plugin's state, from the same records and mapping as its status line.
            let (_, records) = sink.finish_keeping(out)?;
            let state = nagios::run_state(
                records.iter().map(|record| &record.assessment),
                options.unreachable,
            );
            return Ok(ExitCode::Nagios(state));
        }
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
        // One more line, after the summary line.
        Format::Jsonl => {
            let mut line = serde_json::to_vec(&serde_json::json!({
                "type": "drift",
                "schema_version": crate::report::wire::SCHEMA_VERSION,
                "drift": DriftDocument::from_drift(&drift),
            }))
            .map_err(report::RenderError::from)?;
            line.push(b'\n');
            out.write(&line)?;
        }
        // Their documents have no place for it: the drift goes to standard error. (Settings
        // refuse --baseline with --format nagios.)
        Format::Junit | Format::Sarif | Format::Nagios | Format::Prometheus => {
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
    // --all-ips: one target per address of each name, grouped by name.
    let targets: Vec<(Target, Option<usize>)> = if settings.all_ips {
        expand_addresses(targets, &settings, &connector).await
    } else {
        targets.into_iter().map(|target| (target, None)).collect()
    };
    let live = LiveProgress::start(targets.len(), connector.connections(), sink.progress);
    let offset = sink.reserve(targets.len());
    // Duplicate lines are scanned once and reported for each, under the text of each.
    let mut unique: Vec<Target> = Vec::new();
    let mut lines: Vec<Vec<(usize, String)>> = Vec::new();
    let mut group_of: Vec<Option<usize>> = Vec::new();
    // By the hash of the scan key (a hit is confirmed against the target itself), so a long
    // list holds no second copy of its keys.
    let mut seen: HashMap<u64, Vec<usize>> = HashMap::new();
    for (position, (target, group)) in targets.into_iter().enumerate() {
        let input = target.input.clone();
        let key = target.scan_key();
        let hash = {
            use std::hash::{Hash, Hasher};
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            key.hash(&mut hasher);
            hasher.finish()
        };
        let same = seen.get(&hash).and_then(|candidates| {
            candidates
                .iter()
                .copied()
                .find(|index| unique[*index].scan_key() == key)
        });
        match same {
            Some(index) => lines[index].push((position, input)),
            None => {
                seen.entry(hash).or_default().push(unique.len());
                lines.push(vec![(position, input)]);
                group_of.push(group);
                unique.push(target);
            }
        }
    }
    drop(seen);
    // The records of a name's addresses wait for each other, to be compared.
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for (index, group) in group_of.iter().enumerate() {
        if let Some(group) = group {
            groups.entry(*group).or_default().push(index);
        }
    }
    let mut waiting: HashMap<usize, HostFacts> = HashMap::new();
    let stop = Arc::new(AtomicBool::new(false));
    let mut records = scan_all_until(unique, Arc::new(settings), connector, stop.clone());
    // Ctrl-C: no new target starts; what is in flight gets a second to finish, then the run
    // ends with every finished target written whole.
    let mut interrupt = std::pin::pin!(tokio::signal::ctrl_c());
    let mut deadline: Option<tokio::time::Instant> = None;
    let mut remaining = lines.iter().map(Vec::len).sum::<usize>();
    loop {
        let next = match deadline {
            None => tokio::select! {
                next = records.recv() => next,
                _ = &mut interrupt => {
                    stop.store(true, Ordering::SeqCst);
                    deadline = Some(tokio::time::Instant::now() + INTERRUPT_GRACE);
                    continue;
                }
            },
            // Past the grace period, what is still in flight is abandoned.
            Some(deadline) => tokio::time::timeout_at(deadline, records.recv())
                .await
                .unwrap_or_default(),
        };
        let Some((index, facts)) = next else {
            break;
        };
        // A record of a group is judged once its whole group is in, with how it differs.
        let ready: Vec<(usize, HostFacts, Vec<Finding>)> =
            match group_of.get(index).copied().flatten() {
                None => vec![(index, facts, Vec::new())],
                Some(group) => {
                    waiting.insert(index, facts);
                    let members = groups.get(&group).cloned().unwrap_or_default();
                    if !members.iter().all(|member| waiting.contains_key(member)) {
                        continue;
                    }
                    let records: Vec<(usize, HostFacts)> = members
                        .iter()
                        .filter_map(|member| waiting.remove(member).map(|facts| (*member, facts)))
                        .collect();
                    let name = records
                        .first()
                        .map(|(_, facts)| facts.target.host.clone())
                        .unwrap_or_default();
                    let all: Vec<&HostFacts> = records.iter().map(|(_, facts)| facts).collect();
                    let differences = consistency::findings(&all, &name);
                    records
                        .into_iter()
                        .zip(differences)
                        .map(|((member, facts), extra)| (member, facts, extra))
                        .collect()
                }
            };
        for (index, facts, extra) in ready {
            let assessment = policy::assess_with(&facts, policy, extra);
            let Some(lines) = lines.get_mut(index).map(std::mem::take) else {
                continue;
            };
            for (position, input) in lines {
                let mut record = Record {
                    facts: facts.clone(),
                    assessment: assessment.clone(),
                };
                record.facts.target.input = input;
                remaining -= 1;
                match &live {
                    Some(live) => {
                        live.target_done(record.assessment.verdict == Verdict::Unreachable);
                        live.suspend(|| sink.accept(offset + position, record, out))?;
                    }
                    None => sink.accept(offset + position, record, out)?,
                }
            }
        }
    }
    if let Some(live) = &live {
        live.finish();
    }
    let interrupted = deadline.is_some();
    if interrupted {
        sink.not_scanned += remaining;
        sink.interrupted = true;
    }
    Ok(())
}

/// How long work in flight may take to finish after Ctrl-C.
const INTERRUPT_GRACE: std::time::Duration = std::time::Duration::from_secs(1);

/// Where judged records go: written at once by a per-record renderer, kept for the end by a
/// whole-run one. Records keep their input position.
pub struct Sink {
    renderer: Renderer,
    /// Records kept for the end, with their input position (only what a renderer needs: a
    /// streamed run keeps none, so its memory does not grow with the list).
    kept: Vec<(usize, Record)>,
    /// Summary rows with their input position, when the renderer wants them.
    summary: Vec<(usize, SummaryRow)>,
    /// Positions handed out so far.
    positions: usize,
    run: RunVerdict,
    /// Keep every record, whatever the renderer (for `--baseline`).
    keep_records: bool,
    /// Targets an interrupted run did not scan.
    pub not_scanned: usize,
    /// The run was interrupted (Ctrl-C).
    pub interrupted: bool,
    /// Show progress on a terminal (output meant for people).
    pub progress: bool,
}

impl Sink {
    pub fn new(format: Format, options: RenderOptions) -> Sink {
        let mut sink = Sink::with(report::renderer(format, options));
        sink.progress = format == Format::Table;
        sink
    }

    /// A sink for any renderer (`--suggest`'s).
    pub fn with(renderer: Renderer) -> Sink {
        Sink {
            renderer,
            kept: Vec::new(),
            summary: Vec::new(),
            positions: 0,
            run: RunVerdict::default(),
            keep_records: false,
            not_scanned: 0,
            interrupted: false,
            progress: false,
        }
    }

    /// Room for `count` more records; the position of the first.
    fn reserve(&mut self, count: usize) -> usize {
        let offset = self.positions;
        self.positions += count;
        offset
    }

    fn accept<W: Write>(
        &mut self,
        position: usize,
        record: Record,
        out: &mut Writer<W>,
    ) -> Result<(), AppError> {
        self.run.add(record.assessment.verdict);
        let keep = match &self.renderer {
            Renderer::PerRecord(renderer) => {
                if renderer.wants_rows() {
                    self.summary.push((position, SummaryRow::of(&record)));
                }
                out.write(&renderer.record(&record)?)?;
                self.keep_records
            }
            Renderer::WholeRun(_) => true,
        };
        if keep {
            self.kept.push((position, record));
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
        let records = in_order(self.kept);
        match &self.renderer {
            Renderer::PerRecord(renderer) => {
                let mut summary = self.summary;
                summary.sort_by_key(|(position, _)| *position);
                let summary: Vec<SummaryRow> = summary.into_iter().map(|(_, row)| row).collect();
                out.write(&renderer.finish_run(&summary, &self.run, self.not_scanned)?)?;
            }
            Renderer::WholeRun(renderer) => {
                out.write(&renderer.render_run(&records, self.not_scanned)?)?;
            }
        }
        Ok((self.run, records))
    }

    /// The verdicts and the records kept, writing nothing (the caller renders them).
    pub fn into_records(self) -> (RunVerdict, Vec<Record>) {
        (self.run, in_order(self.kept))
    }
}

/// Records in input order.
fn in_order(mut kept: Vec<(usize, Record)>) -> Vec<Record> {
    kept.sort_by_key(|(position, _)| *position);
    kept.into_iter().map(|(_, record)| record).collect()
}
