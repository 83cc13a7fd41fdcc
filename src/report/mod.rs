//! Renderers: reports to bytes, one file per format, behind one trait. Nothing here writes to
//! a terminal or a file; `main` does that in one place.

pub mod json;
pub mod table;

use crate::facts::{HostReport, Severity};

/// How a renderer should present the reports.
#[derive(Clone, Debug)]
pub struct RenderOptions {
    /// Use ANSI colours (decided by the caller from --color, NO_COLOR and the terminal).
    pub color: bool,
    /// Width to fit tables into.
    pub width: u16,
    /// The `--fail-on` threshold, so the verdict line says what the exit code will be.
    pub fail_on: Severity,
    /// Whose fixes a human-readable format shows.
    pub fix_for: crate::cli::FixFor,
}

pub trait Renderer {
    fn render(&self, reports: &[HostReport], options: &RenderOptions) -> Vec<u8>;
}

/// The renderer for a `--format` value.
pub fn renderer(format: crate::cli::Format) -> Box<dyn Renderer> {
    match format {
        crate::cli::Format::Table => Box::new(table::TableRenderer),
        crate::cli::Format::Json => Box::new(json::JsonRenderer),
    }
}
