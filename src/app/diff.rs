//! `tlscheck diff OLD NEW`: read two JSON reports, compare them, print the drift, exit 1 on a
//! regression. Also the drift printed after a scan with `--baseline`.

use std::io::Write;

use super::{table_width, use_color, AppError, ExitCode};
use crate::cli::{DiffArgs, DiffFormat};
use crate::drift::{self, Drift, Scope, Snapshot};
use crate::output::Writer;
use crate::report::drift::{markdown, text, DriftStyle};
use crate::report::json;

pub fn run<W: Write>(args: DiffArgs, out: &mut Writer<W>) -> Result<ExitCode, AppError> {
    let old = Snapshot::read(&args.old, "OLD")?;
    let new = Snapshot::read(&args.new, "NEW")?;
    let drift = drift::compare(&old, &new, Scope::All);
    let bytes = match args.format {
        DiffFormat::Text => text(
            &drift,
            DriftStyle {
                color: use_color(args.color),
                width: table_width(),
            },
        ),
        DiffFormat::Json => json::drift(&drift)?,
        DiffFormat::Markdown => markdown(&drift),
    };
    out.write(&bytes)?;
    Ok(exit_code(&drift))
}

/// 1 when something regressed, else 0.
pub fn exit_code(drift: &Drift) -> ExitCode {
    if drift.regressed() {
        ExitCode::Findings
    } else {
        ExitCode::Clean
    }
}
