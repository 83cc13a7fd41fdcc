//! JSON renderer: one document with `schema_version`, the tool, and one report per target in
//! the order given. The layout is the public contract in `wire/`.

use super::wire::{Document, Report, Tool, SCHEMA_VERSION};
use super::{Record, RenderError, RenderOptions, RunRenderer};

pub struct JsonRenderer {
    options: RenderOptions,
}

impl JsonRenderer {
    pub fn new(options: RenderOptions) -> JsonRenderer {
        JsonRenderer { options }
    }
}

impl RunRenderer for JsonRenderer {
    fn render(&self, records: &[Record]) -> Result<Vec<u8>, RenderError> {
        let document = Document {
            schema_version: SCHEMA_VERSION,
            tool: Tool {
                name: "tlscheck".into(),
                version: env!("CARGO_PKG_VERSION").into(),
            },
            fail_on: self.options.fail_on.as_str().to_string(),
            policy: self.options.policy.clone(),
            reports: records.iter().map(Report::from_record).collect(),
        };
        let mut bytes = serde_json::to_vec_pretty(&document)?;
        bytes.push(b'\n');
        Ok(bytes)
    }
}
