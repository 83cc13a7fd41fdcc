//! Markdown renderer, for a pull-request comment: the verdict first, a line per target, then
//! each failing target's failing findings with their evidence; fixes and the findings below
//! `--fail-on` folded away. Short on purpose.

use std::fmt::Write as _;

use super::{FixFor, Record, RenderError, RenderOptions, RunRenderer, SummaryRow};
use crate::analysis::{describe, Finding, Severity};
use crate::policy::{RunVerdict, Verdict};
use crate::remediation::Server;

pub struct MarkdownRenderer {
    options: RenderOptions,
}

impl MarkdownRenderer {
    pub fn new(options: RenderOptions) -> MarkdownRenderer {
        MarkdownRenderer { options }
    }
}

/// Text for a table cell: no line breaks, `|` escaped.
pub(crate) fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// Inline text: Markdown's emphasis and HTML characters escaped.
pub(crate) fn inline(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '*' | '_' | '`' | '[' | ']' | '<' | '>' | '|' | '\\' => {
                escaped.push('\\');
                escaped.push(c);
            }
            '\n' | '\r' => escaped.push(' '),
            c => escaped.push(c),
        }
    }
    escaped
}

fn verdict_word(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Pass => "PASS",
        Verdict::Fail => "FAIL",
        Verdict::Unreachable => "UNREACHABLE",
    }
}

fn counts(findings: &[Finding]) -> String {
    let counts: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .filter_map(|severity| {
            let count = findings.iter().filter(|f| f.severity == *severity).count();
            (count > 0).then(|| format!("{count} {severity}"))
        })
        .collect();
    if counts.is_empty() {
        "none".into()
    } else {
        counts.join(", ")
    }
}

impl RunRenderer for MarkdownRenderer {
    fn render(&self, records: &[Record]) -> Result<Vec<u8>, RenderError> {
        let fail_on = self.options.fail_on;
        let mut run = RunVerdict::default();
        for record in records {
            run.add(record.assessment.verdict);
        }
        let overall = if run.unreachable > 0 {
            Verdict::Unreachable
        } else if run.failed > 0 {
            Verdict::Fail
        } else {
            Verdict::Pass
        };
        let mut out = String::new();
        let _ = writeln!(
            out,
            "### tlscheck: {} ({} passed, {} failed, {} could not be scanned; `--fail-on {fail_on}`, policy `{}`)\n",
            verdict_word(overall),
            run.passed,
            run.failed,
            run.unreachable,
            self.options.policy
        );
        let _ = writeln!(
            out,
            "| Target | Verdict | Grade | Protocol | Certificate | Findings |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|---|");
        for record in records {
            let row = SummaryRow::of(record);
            let _ = writeln!(
                out,
                "| {} | **{}** | {} | {} | {} | {} |",
                cell(&row.input),
                verdict_word(row.verdict),
                cell(&row.grade),
                cell(&row.protocol),
                cell(&row.certificate),
                cell(&counts(&record.assessment.findings))
            );
        }
        for record in records {
            let target = &record.facts.target.input;
            match record.assessment.verdict {
                Verdict::Pass => continue,
                Verdict::Unreachable => {
                    let reason = record
                        .facts
                        .unreachable
                        .as_ref()
                        .map(describe::error)
                        .unwrap_or_default();
                    let _ = writeln!(
                        out,
                        "\n#### {}: could not be scanned\n\n{}",
                        inline(target),
                        inline(&reason)
                    );
                }
                Verdict::Fail => {
                    let _ = writeln!(out, "\n#### {}: FAIL\n", inline(target));
                    let (failing, below): (Vec<&Finding>, Vec<&Finding>) = record
                        .assessment
                        .findings
                        .iter()
                        .partition(|f| f.fails(fail_on));
                    for finding in failing {
                        let _ = writeln!(
                            out,
                            "- **{}** `{}` {}: {}",
                            finding.severity.as_str().to_uppercase(),
                            finding.id,
                            inline(finding.title()),
                            inline(&finding.evidence)
                        );
                        let fixes: Vec<(&str, Server)> = match self.options.fix_for {
                            FixFor::All => vec![
                                ("nginx", Server::Nginx),
                                ("Apache", Server::Apache),
                                ("Python", Server::Python),
                            ],
                            FixFor::Server(server) => vec![(
                                match server {
                                    Server::Nginx => "nginx",
                                    Server::Apache => "Apache",
                                    Server::Python => "Python",
                                },
                                server,
                            )],
                        };
                        let _ = writeln!(out, "  <details><summary>Fix</summary>\n");
                        for (name, server) in fixes {
                            let _ = writeln!(
                                out,
                                "  - {name}: {}",
                                inline(finding.fix.for_server(server))
                            );
                        }
                        let _ = writeln!(out, "\n  </details>");
                    }
                    if !below.is_empty() {
                        let _ = writeln!(
                            out,
                            "\n<details><summary>{} more below --fail-on {fail_on}</summary>\n",
                            below.len()
                        );
                        for finding in below {
                            let _ = writeln!(
                                out,
                                "- {} `{}` {}",
                                finding.severity,
                                finding.id,
                                inline(finding.title())
                            );
                        }
                        let _ = writeln!(out, "\n</details>");
                    }
                }
            }
        }
        Ok(out.into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_and_inline_text_cannot_break_the_markdown() {
        assert_eq!(cell("a|b\nc"), "a\\|b c");
        assert_eq!(inline("*x* <b> `y`"), "\\*x\\* \\<b\\> \\`y\\`");
    }
}
