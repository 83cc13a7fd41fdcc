//! tlscheck: HTTPS diagnostics and scanning.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! targets ──> probes ──> facts ──> findings ──> report
//! (target)    (probe)    (facts)   (analysis)   (report)
//!                 scheduled by (scan)
//! ```
//!
//! Only [`probe`] touches the network. [`analysis`] and [`report`] are pure functions of data.
//! [`app`] ties them together for the command line and serves the embedded demo.

pub mod analysis;
pub mod app;
pub mod cli;
pub mod facts;
pub mod probe;
pub mod remediation;
pub mod report;
pub mod scan;
pub mod target;
pub mod tls;
pub mod x509;

pub use app::{completions, run, ExitCode, RunOutput};
pub use cli::settings::ConfigError;
