//! JSON renderer: one document with `schema_version`, the tool, and one report per target.
//! The layout is a public contract described by `src/report/report.schema.json`.

use serde::Serialize;

use super::{RenderOptions, Renderer};
use crate::facts::{HostReport, SCHEMA_VERSION};

pub struct JsonRenderer;

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    tool: Tool,
    fail_on: &'a str,
    reports: &'a [HostReport],
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

impl Renderer for JsonRenderer {
    fn render(&self, reports: &[HostReport], options: &RenderOptions) -> Vec<u8> {
        let document = Document {
            schema_version: SCHEMA_VERSION,
            tool: Tool {
                name: "tlscheck",
                version: env!("CARGO_PKG_VERSION"),
            },
            fail_on: options.fail_on.as_str(),
            reports,
        };
        // Serializing plain data with string keys cannot fail.
        let mut bytes = serde_json::to_vec_pretty(&document).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }
}
