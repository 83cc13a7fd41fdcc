//! The drift document's wire types (`tlscheck diff --format json`, and the `drift` member of a
//! report written with `--baseline`): a public contract like the report's, versioned by
//! [`DRIFT_SCHEMA_VERSION`] and described by `drift.schema.json` beside this file.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Tool;
use crate::drift::{self, Effect, Presence};

/// Version of the drift document's layout. Bump on any incompatible change to these types.
pub const DRIFT_SCHEMA_VERSION: u32 = 1;

/// The whole drift document.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct DriftDocument {
    /// Always `drift`: tells the document from a report.
    pub kind: String,
    pub schema_version: u32,
    pub tool: Tool,
    pub old: Side,
    pub new: Side,
    /// Something is weaker than before (the exit code is 1).
    pub regressed: bool,
    pub summary: Summary,
    pub notes: Vec<String>,
    pub targets: Vec<TargetDrift>,
}

/// One of the two reports compared.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Side {
    /// The file as given, or `this scan` for `--baseline`'s new side.
    pub source: String,
    pub schema_version: u32,
    pub tool_version: Option<String>,
    pub scanned_at: Option<String>,
    pub fail_on: String,
    pub policy: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Summary {
    pub regressions: usize,
    pub improvements: usize,
    pub changes: usize,
    pub not_compared: usize,
    pub targets_added: usize,
    pub targets_removed: usize,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TargetDrift {
    /// As the user typed it.
    pub target: String,
    /// `host:port`.
    pub address: String,
    /// `compared` (in both reports), `added` (only in the new), `removed` (only in the old).
    pub presence: String,
    pub changes: Vec<Change>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Change {
    /// `regression`, `improvement`, `change` or `not-compared`.
    pub effect: String,
    /// `reachability`, `certificate`, `chain`, `trust`, `hostname`, `protocol`,
    /// `cipher-suite`, `group`, `connection`, `client-auth`, `verdict`, `finding`, `grade`,
    /// `hsts`, `redirect`.
    pub area: String,
    /// `added`, `removed` or `changed`.
    pub change: String,
    /// What within the area (`TLSv1.0`, `TLSv1.2 TLS_RSA_WITH_AES_128_CBC_SHA`, `x25519`, a
    /// finding id, `leaf`, `max-age`); empty for the area as a whole.
    pub subject: String,
    /// The old and new values: a string, number, boolean, object (a certificate) or null.
    pub before: Value,
    pub after: Value,
    pub message: String,
    pub details: Vec<String>,
}

impl DriftDocument {
    pub fn from_drift(drift: &drift::Drift) -> DriftDocument {
        DriftDocument {
            kind: "drift".into(),
            schema_version: DRIFT_SCHEMA_VERSION,
            tool: Tool {
                name: "tlscheck".into(),
                version: env!("CARGO_PKG_VERSION").into(),
            },
            old: side(&drift.old),
            new: side(&drift.new),
            regressed: drift.regressed(),
            summary: Summary {
                regressions: drift.count(Effect::Regression),
                improvements: drift.count(Effect::Improvement),
                changes: drift.count(Effect::Change),
                not_compared: drift.count(Effect::NotCompared),
                targets_added: drift.count_targets(Presence::Added),
                targets_removed: drift.count_targets(Presence::Removed),
            },
            notes: drift.notes.clone(),
            targets: drift
                .targets
                .iter()
                .map(|target| TargetDrift {
                    target: target.target.clone(),
                    address: target.address.clone(),
                    presence: target.presence.name().into(),
                    changes: target.changes.iter().map(change).collect(),
                })
                .collect(),
        }
    }
}

fn side(source: &drift::Source) -> Side {
    Side {
        source: source.label.clone(),
        schema_version: source.schema_version,
        tool_version: source.tool_version.clone(),
        scanned_at: source.scanned_at.clone(),
        fail_on: source.fail_on.as_str().into(),
        policy: source.policy.clone(),
    }
}

fn change(change: &drift::Change) -> Change {
    Change {
        effect: change.effect.name().into(),
        area: change.area.name().into(),
        change: change.movement.name().into(),
        subject: change.subject.clone(),
        before: change.before.clone(),
        after: change.after.clone(),
        message: change.message.clone(),
        details: change.details.clone(),
    }
}
