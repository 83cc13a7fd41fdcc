//! The `tlscheck` command: parse arguments, run (the report is written as it is made), exit with
//! a documented code. With `--format nagios`, a usage or configuration error is the plugin's
//! UNKNOWN: a status line on standard output and exit code 3.

use std::io::Write;

use tlscheck::policy::nagios::ServiceState;

fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let nagios = tlscheck::cli::asks_for_nagios(&args);
    let cli = match <tlscheck::cli::Cli as clap::Parser>::try_parse_from(&args) {
        Ok(cli) => cli,
        // --help and --version are no errors.
        Err(error) if nagios && error.use_stderr() => unknown(&error.render().to_string()),
        Err(error) => error.exit(),
    };
    let code = match tlscheck::run(cli) {
        Ok(code) => code,
        Err(error) if nagios => unknown(&format!("{error:#}")),
        Err(error) => {
            eprintln!("tlscheck: error: {error:#}");
            error.exit_code()
        }
    };
    std::process::exit(code.code());
}

/// Exit as a Nagios plugin that could not check anything: UNKNOWN, saying why.
fn unknown(message: &str) -> ! {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(&tlscheck::report::nagios::unknown(message));
    let _ = stdout.flush();
    std::process::exit(ServiceState::Unknown.code());
}
