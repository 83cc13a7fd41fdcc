//! The application: one function per subcommand, tying the pipeline together for the command
//! line (`targets -> probes -> facts -> findings -> policy -> report -> output`), and the
//! documented exit codes.

pub mod demo;
pub mod diff;
pub mod policy;
pub mod progress;
pub mod scan;
pub mod serve;

use std::io::IsTerminal;

use thiserror::Error;

use crate::cli::settings::{fix_for, unreachable, ConfigError};
use crate::cli::{Cli, ColorChoice, Command, OutputArgs};
use crate::drift::SnapshotError;
use crate::output::Writer;
use crate::policy::nagios::ServiceState;
use crate::policy::{Policy, RunVerdict};
use crate::report::{RenderError, RenderOptions};

/// Documented process exit codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitCode {
    /// 0: no finding at or above `--fail-on`.
    Clean,
    /// 1: findings at or above `--fail-on`; for `diff` and `--baseline`, also a regression.
    Findings,
    /// 2: usage or configuration error.
    Usage,
    /// 3: a target was unreachable or could not be scanned, or the report could not be written.
    Unreachable,
    /// `--format nagios`: the plugin's state, 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
    Nagios(ServiceState),
    /// 130: interrupted (Ctrl-C): what was finished is written, the rest is counted.
    Interrupted,
}

impl ExitCode {
    /// The process exit code.
    pub fn code(self) -> i32 {
        match self {
            ExitCode::Clean => 0,
            ExitCode::Findings => 1,
            ExitCode::Usage => 2,
            ExitCode::Unreachable => 3,
            ExitCode::Interrupted => 130,
            ExitCode::Nagios(state) => state.code(),
        }
    }

    /// The scan's exit code: 3 when a target could not be scanned, else 1 when one failed the
    /// policy, else 0.
    pub fn of(run: &RunVerdict) -> ExitCode {
        if run.unreachable > 0 {
            ExitCode::Unreachable
        } else if run.failed > 0 {
            ExitCode::Findings
        } else {
            ExitCode::Clean
        }
    }
}

/// Why a run stopped before its end.
#[derive(Debug, Error)]
pub enum AppError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A report given to `diff` or `--baseline` that cannot be compared.
    #[error(transparent)]
    Report(#[from] SnapshotError),
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error("cannot write the report: {0}")]
    Write(#[from] std::io::Error),
}

impl AppError {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            AppError::Config(_) | AppError::Report(_) => ExitCode::Usage,
            AppError::Render(_) | AppError::Write(_) => ExitCode::Unreachable,
        }
    }
}

/// Run the command line, writing the report to standard output as it is made.
pub fn run(cli: Cli) -> Result<ExitCode, AppError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| ConfigError::Runtime(e.to_string()))?;
    let mut out = Writer::stdout();
    match cli.command {
        Some(Command::Demo(args)) => runtime.block_on(demo::run(args, &mut out)),
        Some(Command::Diff(args)) => diff::run(args, &mut out),
        Some(Command::Policy(command)) => policy::run(command, &mut out),
        Some(Command::Serve(args)) => runtime.block_on(serve::run(args)),
        Some(Command::Completions { shell }) => {
            out.write(&completions(shell))?;
            Ok(ExitCode::Clean)
        }
        None => runtime.block_on(scan::run(cli.scan, &mut out)),
    }
}

/// A completion script for `shell`, generated from the clap definition.
pub fn completions(shell: clap_complete::Shell) -> Vec<u8> {
    let mut command = <Cli as clap::CommandFactory>::command();
    let mut bytes = Vec::new();
    clap_complete::generate(shell, &mut command, "tlscheck", &mut bytes);
    bytes
}

/// The width tables are fitted to: `COLUMNS`, else the terminal's width, else 100 (a terminal
/// that reports 0 columns, as under `script` or some CI runners, and output that is not a
/// terminal).
pub fn table_width() -> u16 {
    let from_environment = std::env::var("COLUMNS")
        .ok()
        .and_then(|columns| columns.trim().parse::<u16>().ok())
        .filter(|columns| *columns > 0);
    from_environment
        .or_else(|| {
            std::io::stdout()
                .is_terminal()
                .then(|| comfy_table::Table::new().width())
                .flatten()
                .filter(|columns| *columns > 0)
        })
        .unwrap_or(100)
}

/// Whether to colour what we print: `--color`, with `auto` meaning a terminal and no
/// `NO_COLOR`.
pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            std::io::stdout().is_terminal() && !no_color
        }
    }
}

/// Colour, width and fixes for the output we print to, and the policy documents state.
pub fn render_options(output: &OutputArgs, policy: &Policy) -> RenderOptions {
    RenderOptions {
        color: use_color(output.color),
        width: table_width(),
        fix_for: fix_for(output),
        fail_on: policy.fail_on,
        // SARIF results point at the policy file, when one was given.
        anchor: policy.file.as_ref().map(|file| file.path.clone()),
        policy: policy.name(),
        expiry: policy.expiry,
        unreachable: unreachable(output),
    }
}
