//! tlscheck: HTTPS diagnostics and scanning.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! targets ──> probes ──> facts ──> findings ──> report
//! (target)    (probe)    (model)   (analysis)   (report)
//! ```
//!
//! Only [`probe`] touches the network. [`analysis`] and [`report`] are pure functions of data.

pub mod analysis;
pub mod model;
pub mod probe;
pub mod report;
pub mod scan;
pub mod target;
pub mod tls;
