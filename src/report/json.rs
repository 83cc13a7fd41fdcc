//! JSON renderer: one document with `schema_version`, the tool, and one report per target in
//! the order given. The layout is the public contract in `wire/`.

use super::wire::drift::DriftDocument;
use super::wire::{Document, Report, Tool, SCHEMA_VERSION};
use super::{Record, RenderError, RenderOptions, RunRenderer};

pub struct JsonRenderer {
    options: RenderOptions,
}

impl JsonRenderer {
    pub fn new(options: RenderOptions) -> JsonRenderer {
        JsonRenderer { options }
    }

    /// The document for `records`, before it is encoded.
    pub fn document(&self, records: &[Record]) -> Document {
        Document {
            schema_version: SCHEMA_VERSION,
            tool: Tool {
                name: "tlscheck".into(),
                version: env!("CARGO_PKG_VERSION").into(),
            },
            fail_on: self.options.fail_on.as_str().to_string(),
            policy: self.options.policy.clone(),
            reports: records.iter().map(Report::from_record).collect(),
            drift: None,
            not_scanned: 0,
        }
    }
}

/// A document as pretty JSON with a final newline.
pub fn encode<T: serde::Serialize>(document: &T) -> Result<Vec<u8>, RenderError> {
    let mut bytes = serde_json::to_vec_pretty(document)?;
    bytes.push(b'\n');
    Ok(bytes)
}

impl RunRenderer for JsonRenderer {
    fn render(&self, records: &[Record]) -> Result<Vec<u8>, RenderError> {
        encode(&self.document(records))
    }

    fn render_run(&self, records: &[Record], not_scanned: usize) -> Result<Vec<u8>, RenderError> {
        let mut document = self.document(records);
        document.not_scanned = not_scanned;
        encode(&document)
    }
}

/// The drift document of `tlscheck diff --format json`.
pub fn drift(drift: &crate::drift::Drift) -> Result<Vec<u8>, RenderError> {
    encode(&DriftDocument::from_drift(drift))
}
