//! Running tlscheck under a pseudo-terminal (util-linux `script`), for what it prints when its
//! output is a terminal.

use std::fs::{self, File};
use std::process::{Command, ExitStatus, Stdio};
use std::thread::sleep;
use std::time::Instant;

use super::{require_tool, Output, POLL_INTERVAL, TLSCHECK_RUN_LIMIT};

/// Quotes `word` for a POSIX shell: inside single quotes, with each `'` written as `'\''`.
pub fn shell_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// Runs the tlscheck binary with `args` with its stdout and stderr on a pseudo-terminal, as
/// `script -qec "<tlscheck args>" /dev/null`, with `NO_COLOR=1`, and returns the run.
///
/// The pty's size is copied from `script`'s stdin, which here is /dev/null, not a terminal, so
/// the pty reports 0 columns and 0 rows (like a terminal that cannot say its width).
/// With `columns` set, tlscheck gets `COLUMNS=n` in its environment; without, `COLUMNS` and
/// `LINES` are removed, so the caller's terminal does not leak in. On the pty, stdout and
/// stderr are one stream: [`Output::stdout`] holds both, with the pty's `\r\n` line ends turned
/// into `\n`; [`Output::stderr`] holds only what `script` itself wrote. `script -e` passes on
/// tlscheck's exit code. After the same limit as [`super::tlscheck`], `script` is killed by its
/// PID; tlscheck then gets the pty's hangup (SIGHUP).
pub fn tlscheck_in_terminal<I, S>(args: I, columns: Option<u16>) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let args: Vec<String> = args
        .into_iter()
        .map(|arg| arg.as_ref().to_string())
        .collect();
    let command_line = std::iter::once(env!("CARGO_BIN_EXE_tlscheck").to_string())
        .chain(args.iter().cloned())
        .map(|word| shell_quote(&word))
        .collect::<Vec<_>>()
        .join(" ");
    let mut output = shell_in_terminal(&command_line, columns);
    output.args = args;
    output
}

/// Runs the shell command `command_line` under a pseudo-terminal exactly as
/// [`tlscheck_in_terminal`] runs tlscheck (same environment, size, limit and output handling),
/// e.g. `stty size` to see what the pty reports. [`Output::args`] holds `command_line`.
pub fn shell_in_terminal(command_line: &str, columns: Option<u16>) -> Output {
    let script = require_tool("script");
    let dir = tempfile::tempdir().expect("create output directory");
    let stdout_path = dir.path().join("stdout");
    let stderr_path = dir.path().join("stderr");
    let mut command = Command::new(script);
    command
        .arg("-qec")
        .arg(command_line)
        .arg("/dev/null")
        .env("NO_COLOR", "1")
        .env_remove("LINES")
        .stdin(Stdio::null())
        .stdout(File::create(&stdout_path).expect("create stdout file"))
        .stderr(File::create(&stderr_path).expect("create stderr file"));
    match columns {
        Some(columns) => command.env("COLUMNS", columns.to_string()),
        None => command.env_remove("COLUMNS"),
    };
    let mut child = command
        .spawn()
        .unwrap_or_else(|error| panic!("cannot start script for {command_line}: {error}"));
    let deadline = Instant::now() + TLSCHECK_RUN_LIMIT;
    let status: ExitStatus = loop {
        if let Some(status) = child.try_wait().expect("poll script") {
            break status;
        }
        if Instant::now() >= deadline {
            // By PID, the one we spawned: never by name.
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{command_line} (in a pty) still running after {TLSCHECK_RUN_LIMIT:?}; killed \
                 script\n--- output ---\n{}",
                fs::read_to_string(&stdout_path)
                    .unwrap_or_default()
                    .replace("\r\n", "\n")
            );
        }
        sleep(POLL_INTERVAL);
    };
    let output = Output {
        code: status.code().unwrap_or(-1),
        stdout: fs::read_to_string(&stdout_path)
            .expect("read stdout")
            .replace("\r\n", "\n"),
        stderr: fs::read_to_string(&stderr_path).expect("read stderr"),
        args: vec![command_line.to_string()],
    };
    assert!(
        status.code().is_some(),
        "script was killed by a signal ({status})\n{output}"
    );
    output
}
