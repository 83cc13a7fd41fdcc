//! `tlscheck TARGET...`: scan, judge each record as it arrives, render and write it; with
//! `--baseline`, then the drift from the baseline report.

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

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
use crate::target::{Target, Targets};

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
    targets: impl Into<Targets>,
    settings: ScanSettings,
    policy: &Policy,
    sink: &mut Sink,
    out: &mut Writer<W>,
) -> Result<(), AppError> {
    let targets: Targets = targets.into();
    let connector = Arc::new(Connector::new(settings.max_connections, settings.timeout));
    // --all-ips: one target per address of each name, grouped by name (a list the user asked to
    // multiply is held whole); otherwise each target is made from its line as a slot frees up.
    let (feed, total, duplicated, group_sizes): (TargetFeed, _, _, _) = if settings.all_ips {
        let expanded = expand_addresses(targets.iter().collect(), &settings, &connector).await;
        let duplicated = duplicated_keys(expanded.iter().map(|(target, _)| target));
        let sizes = group_sizes(&expanded);
        let total = expanded.len();
        (Box::new(expanded.into_iter()), total, duplicated, sizes)
    } else {
        let duplicated = duplicated_keys(targets.iter());
        let total = targets.len();
        let feed = Box::new(targets.iter().map(|target| (target, None)));
        (feed, total, duplicated, HashMap::new())
    };
    let live = LiveProgress::start(total, connector.connections(), sink.progress);
    let offset = sink.reserve(total);
    let lines = Arc::new(Mutex::new(Lines::new(duplicated)));
    let feed = Feed {
        targets: feed,
        position: 0,
        next: 0,
        lines: lines.clone(),
    };
    let mut waiting: HashMap<usize, HostFacts> = HashMap::new();
    let stop = Arc::new(AtomicBool::new(false));
    let mut records = scan_all_until(feed, Arc::new(settings), connector, stop.clone());
    // Ctrl-C: no new target starts; what is in flight gets a second to finish, then the run
    // ends with every finished target written whole.
    let mut interrupt = std::pin::pin!(tokio::signal::ctrl_c());
    let mut deadline: Option<tokio::time::Instant> = None;
    let mut reported = 0;
    let mut report = |sink: &mut Sink,
                      out: &mut Writer<W>,
                      (position, record): (usize, Record)|
     -> Result<(), AppError> {
        reported += 1;
        match &live {
            Some(live) => {
                live.target_done(record.assessment.verdict == Verdict::Unreachable);
                live.suspend(|| sink.accept(offset + position, record, out))
            }
            None => sink.accept(offset + position, record, out),
        }
    };
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
        let group = lock(&lines).group_of.get(&index).copied();
        let ready: Vec<(usize, HostFacts, Vec<Finding>)> = match group {
            None => vec![(index, facts, Vec::new())],
            Some(group) => {
                waiting.insert(index, facts);
                let mut members: Vec<usize> = lock(&lines)
                    .group_of
                    .iter()
                    .filter(|(_, of)| **of == group)
                    .map(|(member, _)| *member)
                    .collect();
                let size = group_sizes.get(&group).copied().unwrap_or(members.len());
                if members.len() < size
                    || !members.iter().all(|member| waiting.contains_key(member))
                {
                    continue;
                }
                members.sort_unstable();
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
            let ready = lock(&lines).finish(index, Record { facts, assessment });
            for line in ready {
                report(sink, out, line)?;
            }
        }
        // Lines read after their target's record was made.
        let late = lock(&lines).take_late();
        for line in late {
            report(sink, out, line)?;
        }
    }
    let late = lock(&lines).take_late();
    for line in late {
        report(sink, out, line)?;
    }
    if let Some(live) = &live {
        live.finish();
    }
    let interrupted = deadline.is_some();
    if interrupted {
        sink.not_scanned += total.saturating_sub(reported);
        sink.interrupted = true;
    }
    Ok(())
}

/// The targets to scan, each with its `--all-ips` group.
type TargetFeed = Box<dyn Iterator<Item = (Target, Option<usize>)> + Send>;

/// What the scheduler pulls: the next target not seen before, with the index its record comes
/// back under. A repeated line is noted against the first and not scanned again.
struct Feed {
    targets: TargetFeed,
    /// Position of the next line.
    position: usize,
    /// Index of the next target to scan.
    next: usize,
    lines: Arc<Mutex<Lines>>,
}

impl Iterator for Feed {
    type Item = (usize, Target);

    fn next(&mut self) -> Option<(usize, Target)> {
        for (target, group) in self.targets.by_ref() {
            let position = self.position;
            self.position += 1;
            if lock(&self.lines).add(position, &target, group, self.next) {
                let index = self.next;
                self.next += 1;
                return Some((index, target));
            }
        }
        None
    }
}

fn lock(lines: &Mutex<Lines>) -> std::sync::MutexGuard<'_, Lines> {
    lines
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The hash of a target's scan key: equal keys are one target, scanned once.
fn key_hash(key: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    key.hash(&mut hasher);
    hasher.finish()
}

/// For each scan-key hash that more than one line has, how many lines have it. A pass over the
/// list that keeps a few bytes per distinct target, not the targets, so that a record is kept
/// only while a later line may still repeat its target.
fn duplicated_keys(
    targets: impl Iterator<Item = impl std::borrow::Borrow<Target>>,
) -> HashMap<u64, usize> {
    let mut counts: HashMap<u64, usize> = HashMap::new();
    for target in targets {
        *counts
            .entry(key_hash(&target.borrow().scan_key()))
            .or_default() += 1;
    }
    counts.retain(|_, count| *count > 1);
    counts.shrink_to_fit();
    counts
}

/// How many distinct targets each `--all-ips` group holds (a repeated line adds none).
fn group_sizes(expanded: &[(Target, Option<usize>)]) -> HashMap<usize, usize> {
    let mut seen = std::collections::HashSet::new();
    let mut sizes = HashMap::new();
    for (target, group) in expanded {
        if seen.insert(target.scan_key()) {
            if let Some(group) = group {
                *sizes.entry(*group).or_default() += 1;
            }
        }
    }
    sizes
}

/// Which input lines each scanned target answers for. Duplicate lines are scanned once and
/// reported for each, under the text of each: a line that repeats a target waits for its
/// record, or gets a copy at once when the record is already made.
struct Lines {
    /// Lines not read yet, per scan-key hash that several lines share.
    remaining: HashMap<u64, usize>,
    /// Under each such hash, the targets given an index so far, by key.
    scanned: HashMap<u64, Vec<(String, usize)>>,
    /// The hash of each target that may be repeated later.
    hash_of: HashMap<usize, u64>,
    /// Each target's lines waiting for its record: (position, input).
    pending: HashMap<usize, Vec<(usize, String)>>,
    /// Records kept for lines still to come.
    kept: HashMap<usize, Record>,
    /// Lines whose record was already made when they were read.
    late: Vec<(usize, Record)>,
    /// `--all-ips`: each target's group, until its record is made.
    group_of: HashMap<usize, usize>,
}

impl Lines {
    fn new(remaining: HashMap<u64, usize>) -> Lines {
        Lines {
            remaining,
            scanned: HashMap::new(),
            hash_of: HashMap::new(),
            pending: HashMap::new(),
            kept: HashMap::new(),
            late: Vec::new(),
            group_of: HashMap::new(),
        }
    }

    /// Line `position` names `target`: true when it is to be scanned under index `next`, false
    /// when an equal target already has an index.
    fn add(&mut self, position: usize, target: &Target, group: Option<usize>, next: usize) -> bool {
        let line = (position, target.input.clone());
        let key = target.scan_key();
        let hash = key_hash(&key);
        if let Some(left) = self.remaining.get_mut(&hash) {
            *left = left.saturating_sub(1);
            let same = self.scanned.get(&hash).and_then(|scanned| {
                scanned
                    .iter()
                    .find(|(scanned, _)| *scanned == key)
                    .map(|(_, index)| *index)
            });
            if let Some(index) = same {
                match self.kept.get(&index) {
                    Some(record) => {
                        self.late.push((line.0, for_line(record, line.1)));
                        self.forget_if_done(index);
                    }
                    None => self.pending.entry(index).or_default().push(line),
                }
                return false;
            }
            self.scanned.entry(hash).or_default().push((key, next));
            self.hash_of.insert(next, hash);
        }
        if let Some(group) = group {
            self.group_of.insert(next, group);
        }
        self.pending.insert(next, vec![line]);
        true
    }

    /// The record of target `index` is made: one copy for each line waiting for it. It is kept
    /// while later lines may repeat its target.
    fn finish(&mut self, index: usize, record: Record) -> Vec<(usize, Record)> {
        self.group_of.remove(&index);
        let pending = self.pending.remove(&index).unwrap_or_default();
        let ready = pending
            .into_iter()
            .map(|(position, input)| (position, for_line(&record, input)))
            .collect();
        if self.hash_of.contains_key(&index) {
            self.kept.insert(index, record);
            self.forget_if_done(index);
        }
        ready
    }

    /// Drops what is kept for target `index` once no line left can repeat it.
    fn forget_if_done(&mut self, index: usize) {
        let Some(hash) = self.hash_of.get(&index).copied() else {
            return;
        };
        if self.remaining.get(&hash).copied().unwrap_or(0) > 0 {
            return;
        }
        // No line under this hash is left: every target under it is done with.
        self.remaining.remove(&hash);
        for (_, index) in self.scanned.remove(&hash).unwrap_or_default() {
            self.hash_of.remove(&index);
            self.kept.remove(&index);
        }
    }

    fn take_late(&mut self) -> Vec<(usize, Record)> {
        std::mem::take(&mut self.late)
    }
}

/// `record` as the report of the line that reads `input`.
fn for_line(record: &Record, input: String) -> Record {
    let mut record = record.clone();
    record.facts.target.input = input;
    record
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
