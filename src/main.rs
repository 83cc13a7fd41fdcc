//! The `tlscheck` command: parse arguments, run, print, exit with a documented code.

use std::io::Write;

use clap::Parser;

fn main() {
    let cli = tlscheck::cli::Cli::parse();
    let code = match tlscheck::run(cli) {
        Ok(output) => {
            let mut stdout = std::io::stdout().lock();
            if let Err(error) = stdout
                .write_all(&output.stdout)
                .and_then(|()| stdout.flush())
            {
                if error.kind() != std::io::ErrorKind::BrokenPipe {
                    eprintln!("tlscheck: error: cannot write the report: {error}");
                    std::process::exit(tlscheck::ExitCode::Unreachable as i32);
                }
            }
            output.exit
        }
        Err(error) => {
            eprintln!("tlscheck: error: {error:#}");
            tlscheck::ExitCode::Usage
        }
    };
    std::process::exit(code as i32);
}
