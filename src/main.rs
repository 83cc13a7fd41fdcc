//! The `tlscheck` command: parse arguments, run (the report is written as it is made), exit with
//! a documented code.

use clap::Parser;

fn main() {
    let cli = tlscheck::cli::Cli::parse();
    let code = match tlscheck::run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("tlscheck: error: {error:#}");
            error.exit_code()
        }
    };
    std::process::exit(code as i32);
}
