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
    out.push_str(&wrap(
        &format!(
            "Drift from {} to {}",
            describe_source(&drift.old),
            describe_source(&drift.new)
        ),
        width,
        "",
        "  ",
    ));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Severity;
    use crate::drift::{Area, Change, Movement};

    fn source(label: &str) -> Source {
        Source {
            label: label.into(),
            schema_version: 2,
            tool_version: Some("0.1.0".into()),
            fail_on: Severity::High,
            policy: "none".into(),
            scanned_at: Some("2026-06-01T00:00:00Z".into()),
        }
    }

    fn drift(targets: Vec<TargetDrift>) -> Drift {
        Drift {
            old: source("old.json"),
            new: source("new.json"),
            notes: Vec::new(),
            targets,
        }
    }

    fn target(name: &str, presence: Presence, changes: Vec<Change>) -> TargetDrift {
        TargetDrift {
            target: name.into(),
            address: format!("{name}:443"),
            presence,
            changes,
        }
    }

    const PLAIN: DriftStyle = DriftStyle {
        color: false,
        width: 100,
    };

    #[test]
    fn text_lists_each_change_marked_under_its_target_then_the_counts() {
        let drift = drift(vec![
            target(
                "good.test",
                Presence::Both,
                vec![
                    Change::new(
                        Effect::Regression,
                        Area::Protocol,
                        Movement::Added,
                        "TLSv1.0",
                    )
                    .message("TLSv1.0 accepted now (refused before)"),
                    Change::new(Effect::Change, Area::Certificate, Movement::Changed, "leaf")
                        .message("leaf certificate rotated")
                        .details(vec!["sha256 AA -> BB".into()]),
                ],
            ),
            target("same.test", Presence::Both, Vec::new()),
            target("new.test", Presence::Added, Vec::new()),
        ]);
        let shown = String::from_utf8(text(&drift, PLAIN)).expect("utf-8");
        assert_eq!(
            shown,
            "Drift from old.json (scanned 2026-06-01T00:00:00Z, schema 2) to new.json (scanned\n\
             \x20 2026-06-01T00:00:00Z, schema 2)\n\
             \n\
             good.test (good.test:443)\n\
             \x20 regression    protocol      TLSv1.0 accepted now (refused before)\n\
             \x20 change        certificate   leaf certificate rotated\n\
             \x20                               sha256 AA -> BB\n\
             \n\
             same.test (same.test:443)\n\
             \x20 no changes\n\
             \n\
             new.test (new.test:443): only in the new report\n\
             \n\
             1 regression, 0 improvements, 1 change, 0 not compared; 1 target added\n"
        );
    }

    #[test]
    fn text_says_no_changes_when_nothing_changed_and_colours_only_when_asked() {
        let unchanged = drift(vec![target("good.test", Presence::Both, Vec::new())]);
        assert_eq!(summary(&unchanged), "no changes");
        let shown = String::from_utf8(text(&unchanged, PLAIN)).expect("utf-8");
        assert!(shown.ends_with("  no changes\n\nno changes\n"), "{shown}");
        assert!(!shown.contains('\x1b'));

        let regressed = drift(vec![target(
            "good.test",
            Presence::Both,
            vec![
                Change::new(Effect::Regression, Area::Hsts, Movement::Removed, "")
                    .message("HSTS header gone"),
            ],
        )]);
        let coloured = String::from_utf8(text(
            &regressed,
            DriftStyle {
                color: true,
                width: 100,
            },
        ))
        .expect("utf-8");
        assert!(
            coloured.contains("\x1b[1;31mregression    \x1b[0mhsts"),
            "{coloured}"
        );
    }

    #[test]
    fn markdown_puts_the_outcome_first_and_escapes_what_it_quotes() {
        let drift = drift(vec![target(
            "good.test",
            Presence::Both,
            vec![Change::new(
                Effect::Regression,
                Area::Certificate,
                Movement::Changed,
                "leaf",
            )
            .message("leaf certificate rotated: CN=a|b -> CN=<c>")
            .details(vec!["weaker: the new key is weaker".into()])],
        )]);
        let shown = String::from_utf8(markdown(&drift)).expect("utf-8");
        assert!(
            shown.starts_with(
                "### tlscheck drift: REGRESSED (1 regression, 0 improvements, 0 changes, 0 not compared)\n"
            ),
            "{shown}"
        );
        assert!(
            shown.contains(
                "| **regression** | certificate | leaf certificate rotated: CN=a\\|b -\\> CN=\\<c\\><br>weaker: the new key is weaker |"
            ),
            "{shown}"
        );
    }
}
