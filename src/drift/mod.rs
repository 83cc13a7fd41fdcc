//! Drift: what changed between two scans of the same targets, read from their JSON reports
//! (`snapshot`, schema versions 1 and 2), each change judged a regression, an improvement, a
//! neutral change, or not comparable (`compare`). Pure: `report::drift` renders the result,
//! `app::diff` and `--baseline` read the files.

mod assessment;
mod certificate;
pub mod compare;
mod http;
pub mod snapshot;
mod tls;

pub use compare::{compare, Scope};
pub use snapshot::{Snapshot, SnapshotError, Source};

use serde_json::Value;

/// What a change means for the security of the target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Effect {
    /// Something is weaker than before (exit code 1).
    Regression,
    /// Something is stronger than before.
    Improvement,
    /// Different, neither weaker nor stronger.
    Change,
    /// One scan could not measure it, so the two cannot be compared.
    NotCompared,
}

impl Effect {
    pub const ALL: [Effect; 4] = [
        Effect::Regression,
        Effect::Improvement,
        Effect::Change,
        Effect::NotCompared,
    ];

    /// The machine name, as in the JSON.
    pub fn name(self) -> &'static str {
        match self {
            Effect::Regression => "regression",
            Effect::Improvement => "improvement",
            Effect::Change => "change",
            Effect::NotCompared => "not-compared",
        }
    }

    /// In words.
    pub fn words(self) -> &'static str {
        match self {
            Effect::Regression => "regression",
            Effect::Improvement => "improvement",
            Effect::Change => "change",
            Effect::NotCompared => "not compared",
        }
    }
}

/// What part of the deployment a change is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Area {
    Reachability,
    Certificate,
    Chain,
    Trust,
    Hostname,
    Protocol,
    CipherSuite,
    Group,
    Connection,
    ClientAuth,
    Verdict,
    Finding,
    Grade,
    Hsts,
    Redirect,
}

impl Area {
    pub fn name(self) -> &'static str {
        match self {
            Area::Reachability => "reachability",
            Area::Certificate => "certificate",
            Area::Chain => "chain",
            Area::Trust => "trust",
            Area::Hostname => "hostname",
            Area::Protocol => "protocol",
            Area::CipherSuite => "cipher-suite",
            Area::Group => "group",
            Area::Connection => "connection",
            Area::ClientAuth => "client-auth",
            Area::Verdict => "verdict",
            Area::Finding => "finding",
            Area::Grade => "grade",
            Area::Hsts => "hsts",
            Area::Redirect => "redirect",
        }
    }
}

/// Whether something appeared, went away, or took another value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Movement {
    Added,
    Removed,
    Changed,
}

impl Movement {
    pub fn name(self) -> &'static str {
        match self {
            Movement::Added => "added",
            Movement::Removed => "removed",
            Movement::Changed => "changed",
        }
    }
}

/// One difference between the two scans of a target.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub effect: Effect,
    pub area: Area,
    pub movement: Movement,
    /// What within the area: a protocol version, `TLSv1.2 TLS_RSA_WITH_AES_128_CBC_SHA`, a group,
    /// a finding id, `leaf`; empty when the area has one value (the verdict, the grade).
    pub subject: String,
    /// The old and new values, as JSON (`null` for none).
    pub before: Value,
    pub after: Value,
    /// One line in words.
    pub message: String,
    /// More lines: what else differs (a rotated certificate's fields), why it is judged so.
    pub details: Vec<String>,
}

impl Change {
    pub fn new(
        effect: Effect,
        area: Area,
        movement: Movement,
        subject: impl Into<String>,
    ) -> Change {
        Change {
            effect,
            area,
            movement,
            subject: subject.into(),
            before: Value::Null,
            after: Value::Null,
            message: String::new(),
            details: Vec::new(),
        }
    }

    pub fn values(mut self, before: impl Into<Value>, after: impl Into<Value>) -> Change {
        self.before = before.into();
        self.after = after.into();
        self
    }

    pub fn message(mut self, message: impl Into<String>) -> Change {
        self.message = message.into();
        self
    }

    pub fn details(mut self, details: Vec<String>) -> Change {
        self.details = details;
        self
    }
}

/// Whether a target was in both reports or in one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    Both,
    /// Only in the new report.
    Added,
    /// Only in the old report.
    Removed,
}

impl Presence {
    pub fn name(self) -> &'static str {
        match self {
            Presence::Both => "compared",
            Presence::Added => "added",
            Presence::Removed => "removed",
        }
    }
}

/// One target's drift.
#[derive(Clone, Debug, PartialEq)]
pub struct TargetDrift {
    /// The target as the user typed it (the new report's spelling when both have it).
    pub target: String,
    /// `host:port`.
    pub address: String,
    pub presence: Presence,
    pub changes: Vec<Change>,
}

/// The drift between two reports.
#[derive(Clone, Debug, PartialEq)]
pub struct Drift {
    pub old: Source,
    pub new: Source,
    /// What the reader should know about the comparison as a whole (different `--fail-on` or
    /// policy, baseline targets not scanned again).
    pub notes: Vec<String>,
    /// The new report's targets in its order, then the targets only in the old one.
    pub targets: Vec<TargetDrift>,
}

impl Drift {
    /// How many changes have `effect`, over all targets.
    pub fn count(&self, effect: Effect) -> usize {
        self.changes()
            .filter(|change| change.effect == effect)
            .count()
    }

    /// How many targets are only in the new (`Added`) or the old (`Removed`) report.
    pub fn count_targets(&self, presence: Presence) -> usize {
        self.targets
            .iter()
            .filter(|target| target.presence == presence)
            .count()
    }

    pub fn changes(&self) -> impl Iterator<Item = &Change> {
        self.targets.iter().flat_map(|target| target.changes.iter())
    }

    /// Something is weaker than before: exit code 1.
    pub fn regressed(&self) -> bool {
        self.count(Effect::Regression) > 0
    }

    /// Nothing changed at all: no change, no target added or removed.
    pub fn is_empty(&self) -> bool {
        self.targets
            .iter()
            .all(|target| target.presence == Presence::Both && target.changes.is_empty())
    }
}
