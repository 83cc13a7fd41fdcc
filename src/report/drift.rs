//! Drift renderers: a [`Drift`] as text (a line per change, grouped by target, marked
//! regression, improvement, change or not compared, then a summary line) and as Markdown (for a
//! pull-request comment). The JSON form is `json::drift` over `wire::drift`. Pure, like every
//! renderer.

use std::fmt::Write as _;

use super::markdown::inline;
use super::table::wrap;
use crate::drift::{Drift, Effect, Presence, Source, TargetDrift};

/// How the text is presented.
#[derive(Clone, Copy, Debug)]
pub struct DriftStyle {
    /// Use ANSI colours.
    pub color: bool,
    /// Width to wrap lines at, in columns.
    pub width: u16,
}

/// Width of the effect and area columns.
const EFFECT_WIDTH: usize = 14;
const AREA_WIDTH: usize = 14;

fn counted(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// `3 regressions, 1 improvement, 2 changes, 1 not compared; 1 target added`, or `no changes`.
pub fn summary(drift: &Drift) -> String {
    if drift.is_empty() {
        return "no changes".into();
    }
    let mut line = [
        counted(drift.count(Effect::Regression), "regression", "regressions"),
        counted(
            drift.count(Effect::Improvement),
            "improvement",
            "improvements",
        ),
        counted(drift.count(Effect::Change), "change", "changes"),
        counted(
            drift.count(Effect::NotCompared),
            "not compared",
            "not compared",
        ),
    ]
    .join(", ");
    let added = drift.count_targets(Presence::Added);
    let removed = drift.count_targets(Presence::Removed);
    if added + removed > 0 {
        let mut targets = Vec::new();
        if added > 0 {
            targets.push(format!("{} added", counted(added, "target", "targets")));
        }
        if removed > 0 {
            targets.push(format!("{} removed", counted(removed, "target", "targets")));
        }
        line.push_str("; ");
        line.push_str(&targets.join(", "));
    }
    line
}

fn describe_source(source: &Source) -> String {
    let mut parts = Vec::new();
    if let Some(scanned_at) = &source.scanned_at {
        parts.push(format!("scanned {scanned_at}"));
    }
    parts.push(format!("schema {}", source.schema_version));
    format!("{} ({})", source.label, parts.join(", "))
}

fn paint(text: &str, effect: Effect, color: bool) -> String {
    if !color {
        return text.to_string();
    }
    let code = match effect {
        Effect::Regression => "1;31",
        Effect::Improvement => "32",
        Effect::Change => "0",
        Effect::NotCompared => "33",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

fn target_heading(target: &TargetDrift) -> String {
    let mut heading = target.target.clone();
    if target.address != target.target {
        heading.push_str(&format!(" ({})", target.address));
    }
    match target.presence {
        Presence::Both => heading,
        Presence::Added => format!("{heading}: only in the new report"),
        Presence::Removed => format!("{heading}: only in the old report"),
    }
}

/// The drift as text: a heading naming the two reports, the notes, each target's changes, and
/// the summary line.
pub fn text(drift: &Drift, style: DriftStyle) -> Vec<u8> {
    let width = usize::from(style.width).max(60);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Drift from {} to {}",
        describe_source(&drift.old),
        describe_source(&drift.new)
    );
    for note in &drift.notes {
        out.push_str(&wrap(&format!("note: {note}"), width, "", "      "));
    }
    let column = " ".repeat(2 + EFFECT_WIDTH + AREA_WIDTH);
    let details_column = format!("{column}  ");
    for target in &drift.targets {
        out.push('\n');
        let heading = target_heading(target);
        if style.color {
            let _ = writeln!(out, "\x1b[1m{heading}\x1b[0m");
        } else {
            let _ = writeln!(out, "{heading}");
        }
        if target.presence == Presence::Both && target.changes.is_empty() {
            let _ = writeln!(out, "  no changes");
        }
        for change in &target.changes {
            let label = format!("{:<EFFECT_WIDTH$}", change.effect.words());
            let prefix = format!("  {label}{:<AREA_WIDTH$}", change.area.name());
            let wrapped = wrap(&change.message, width, &prefix, &column);
            let coloured_label = paint(&label, change.effect, style.color);
            out.push_str(&wrapped.replacen(&label, &coloured_label, 1));
            for detail in &change.details {
                out.push_str(&wrap(detail, width, &details_column, &details_column));
            }
        }
    }
    let _ = writeln!(out, "\n{}", summary(drift));
    out.into_bytes()
}

fn effect_mark(effect: Effect) -> &'static str {
    match effect {
        Effect::Regression => "**regression**",
        Effect::Improvement => "improvement",
        Effect::Change => "change",
        Effect::NotCompared => "*not compared*",
    }
}

/// The drift as Markdown: the outcome first, then a table of changes per target.
pub fn markdown(drift: &Drift) -> Vec<u8> {
    let mut out = String::new();
    let outcome = if drift.regressed() {
        "REGRESSED"
    } else if drift.is_empty() {
        "NO CHANGES"
    } else {
        "NO REGRESSION"
    };
    let _ = writeln!(out, "### tlscheck drift: {outcome} ({})\n", summary(drift));
    let _ = writeln!(
        out,
        "From {} to {}.",
        inline(&describe_source(&drift.old)),
        inline(&describe_source(&drift.new))
    );
    for note in &drift.notes {
        let _ = writeln!(out, "\n> {}", inline(note));
    }
    for target in &drift.targets {
        let _ = writeln!(out, "\n#### {}\n", inline(&target_heading(target)));
        if target.changes.is_empty() {
            if target.presence == Presence::Both {
                let _ = writeln!(out, "No changes.");
            }
            continue;
        }
        let _ = writeln!(out, "| Effect | Area | Change |");
        let _ = writeln!(out, "|---|---|---|");
        for change in &target.changes {
            let mut text = inline(&change.message);
            for detail in &change.details {
                text.push_str("<br>");
                text.push_str(&inline(detail));
            }
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                effect_mark(change.effect),
                change.area.name(),
                text
            );
        }
    }
    out.into_bytes()
}
