//! The application: one function per subcommand, tying the pipeline together for the command
//! line, and the documented exit codes.

pub mod demo;

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

use crate::cli::settings::{scan_config, ConfigError};
use crate::cli::{self, Cli, ColorChoice, Command, ScanArgs};
use crate::facts::{HostReport, Severity};
use crate::report::{self, RenderOptions};
use crate::scan;

/// Documented process exit codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitCode {
    /// No finding at or above `--fail-on`.
    Clean = 0,
    /// Findings at or above `--fail-on`.
    Findings = 1,
    /// Usage or configuration error.
    Usage = 2,
    /// A target was unreachable or could not be scanned.
    Unreachable = 3,
}

/// What to print and how to exit.
pub struct RunOutput {
    pub stdout: Vec<u8>,
    pub exit: ExitCode,
}

/// Run the command line: parse-independent entry point used by `main` and tests.
pub fn run(cli: Cli) -> Result<RunOutput, ConfigError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| ConfigError::Runtime(e.to_string()))?;
    match cli.command {
        Some(Command::Demo(args)) => runtime.block_on(demo::run(args)),
        Some(Command::Completions { shell }) => Ok(RunOutput {
            stdout: completions(shell),
            exit: ExitCode::Clean,
        }),
        None => runtime.block_on(run_scan(cli.scan)),
    }
}

/// A completion script for `shell`, generated from the clap definition.
pub fn completions(shell: clap_complete::Shell) -> Vec<u8> {
    let mut command = <Cli as clap::CommandFactory>::command();
    let mut bytes = Vec::new();
    clap_complete::generate(shell, &mut command, "tlscheck", &mut bytes);
    bytes
}

async fn run_scan(args: ScanArgs) -> Result<RunOutput, ConfigError> {
    let (targets, mut config) = scan_config(&args)?;
    // A live status line on stderr, only for a person watching a terminal.
    let live = std::io::stderr()
        .is_terminal()
        .then(|| Arc::new(LiveProgress::new(targets.len())));
    config.handshake_counter = live.as_ref().map(|l| l.handshakes.clone());
    let ticker = live.clone().map(|live| {
        tokio::spawn(async move {
            loop {
                live.draw();
                tokio::time::sleep(Duration::from_millis(150)).await;
            }
        })
    });
    let progress = live.clone().map(|l| l as Arc<dyn scan::Progress>);
    let reports = scan::scan_all(targets, Arc::new(config), progress).await;
    if let Some(ticker) = ticker {
        ticker.abort();
    }
    if let Some(live) = &live {
        live.clear();
    }
    let fail_on = Severity::from(args.fail_on);
    let options = render_options(&args.output, fail_on);
    let stdout = report::renderer(args.output.format).render(&reports, &options);
    Ok(RunOutput {
        stdout,
        exit: exit_code(&reports, fail_on),
    })
}

/// 3 when any target was unreachable, else 1 when any finding reaches `fail_on`, else 0.
pub fn exit_code(reports: &[HostReport], fail_on: Severity) -> ExitCode {
    if reports.iter().any(|r| r.unreachable.is_some()) {
        ExitCode::Unreachable
    } else if reports
        .iter()
        .any(|r| r.worst_severity().is_some_and(|w| w >= fail_on))
    {
        ExitCode::Findings
    } else {
        ExitCode::Clean
    }
}

/// Colour and width for the terminal we print to.
pub fn render_options(output: &cli::OutputArgs, fail_on: Severity) -> RenderOptions {
    let terminal = std::io::stdout().is_terminal();
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let color = match output.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && !no_color,
    };
    let width = comfy_table::Table::new()
        .width()
        .filter(|_| terminal)
        .unwrap_or(120);
    RenderOptions {
        color,
        width,
        fail_on,
        fix_for: output.fix_for,
    }
}

/// A status line on stderr while scanning: targets done and handshakes made so far.
struct LiveProgress {
    total: usize,
    done: std::sync::atomic::AtomicUsize,
    handshakes: Arc<std::sync::atomic::AtomicU32>,
    started: std::time::Instant,
}

impl LiveProgress {
    fn new(total: usize) -> LiveProgress {
        LiveProgress {
            total,
            done: std::sync::atomic::AtomicUsize::new(0),
            handshakes: Arc::new(std::sync::atomic::AtomicU32::new(0)),
            started: std::time::Instant::now(),
        }
    }

    fn draw(&self) {
        use std::sync::atomic::Ordering;
        eprint!(
            "\r\x1b[2Ktlscheck: {}/{} targets done, {} handshakes, {:.1}s",
            self.done.load(Ordering::Relaxed),
            self.total,
            self.handshakes.load(Ordering::Relaxed),
            self.started.elapsed().as_secs_f64()
        );
    }

    fn clear(&self) {
        eprint!("\r\x1b[2K");
    }
}

impl scan::Progress for LiveProgress {
    fn target_done(&self, done: usize, _total: usize, _report: &HostReport) {
        self.done.store(done, std::sync::atomic::Ordering::Relaxed);
    }
}
