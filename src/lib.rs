//! tlscheck: HTTPS diagnostics and scanning.
//!
//! The pipeline, one module per stage (`ARCHITECTURE.md` has the map):
//!
//! ```text
//! targets ──> probes ──> facts ──> findings ──> policy ──> report ──> output
//! (target)    (probe)    (facts)   (analysis)   (policy)   (report)   (output)
//!                 scheduled by (scan)
//! ```
//!
//! Only [`probe`] touches the network. [`analysis`], [`policy`] and [`report`] are pure
//! functions of data. [`app`] ties them together for the command line and the embedded demo.

pub mod analysis;
pub mod app;
pub mod cli;
pub mod drift;
pub mod facts;
pub mod files;
pub mod output;
pub mod policy;
pub mod probe;
pub mod remediation;
pub mod report;
pub mod scan;
pub mod target;
pub mod text;
pub mod tls;
pub mod x509;

pub use app::{completions, run, AppError, ExitCode};
pub use cli::settings::ConfigError;
