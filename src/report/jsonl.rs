//! JSON Lines: one line per target as soon as it is scanned (`{"type":"report",...}`), flushed
//! whole, then one summary line (`{"type":"summary",...}`) with the counts, including the
//! targets an interrupted run did not scan. Each report is the JSON document's report object;
//! the lines' layout is in `wire/report.schema.json` (`jsonl_report`, `jsonl_summary`).

use serde::Serialize;

use super::wire::{Report, Tool, SCHEMA_VERSION};
use super::{Record, RecordRenderer, RenderError, RenderOptions, SummaryRow};
use crate::policy::RunVerdict;

pub struct JsonlRenderer {
    options: RenderOptions,
}

impl JsonlRenderer {
    pub fn new(options: RenderOptions) -> JsonlRenderer {
        JsonlRenderer { options }
    }
}

#[derive(Serialize)]
struct ReportLine<'a> {
    r#type: &'static str,
    schema_version: u32,
    report: &'a Report,
}

#[derive(Serialize)]
struct SummaryLine {
    r#type: &'static str,
    schema_version: u32,
    tool: Tool,
    fail_on: String,
    policy: String,
    targets: usize,
    passed: usize,
    failed: usize,
    unreachable: usize,
    /// Targets not scanned because the run was interrupted.
    not_scanned: usize,
}

fn line<T: Serialize>(value: &T) -> Result<Vec<u8>, RenderError> {
    let mut bytes = serde_json::to_vec(value)?;
    bytes.push(b'\n');
    Ok(bytes)
}

impl RecordRenderer for JsonlRenderer {
    fn record(&self, record: &Record) -> Result<Vec<u8>, RenderError> {
        line(&ReportLine {
            r#type: "report",
            schema_version: SCHEMA_VERSION,
            report: &Report::from_record(record),
        })
    }

    fn finish(&self, summary: &[SummaryRow]) -> Result<Vec<u8>, RenderError> {
        let mut run = RunVerdict::default();
        for row in summary {
            run.add(row.verdict);
        }
        self.finish_run(&[], &run, 0)
    }

    fn finish_run(
        &self,
        _summary: &[SummaryRow],
        run: &RunVerdict,
        not_scanned: usize,
    ) -> Result<Vec<u8>, RenderError> {
        line(&SummaryLine {
            r#type: "summary",
            schema_version: SCHEMA_VERSION,
            tool: Tool {
                name: "tlscheck".into(),
                version: env!("CARGO_PKG_VERSION").into(),
            },
            fail_on: self.options.fail_on.as_str().to_string(),
            policy: self.options.policy.clone(),
            targets: run.total() + not_scanned,
            passed: run.passed,
            failed: run.failed,
            unreachable: run.unreachable,
            not_scanned,
        })
    }

    fn wants_rows(&self) -> bool {
        false
    }
}
