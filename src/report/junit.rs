//! JUnit XML renderer, for CI systems' test reports (GitLab, Jenkins, and the like): one
//! `testsuite` per target and one `testcase` per rule of the finding catalogue. A rule fails when
//! a finding of it reaches `--fail-on`, with the evidence and the fix in the failure; a finding
//! below the threshold leaves its testcase passing, with the finding in `system-out`. A target
//! that could not be scanned is one testcase in `error`.

use std::fmt::Write as _;

use super::{Record, RenderError, RenderOptions, RunRenderer};
use crate::analysis::catalog::CATALOG;
use crate::analysis::describe;
use crate::analysis::Finding;
use crate::facts::time::rfc3339;
use crate::policy::Verdict;

pub struct JunitRenderer {
    options: RenderOptions,
}

impl JunitRenderer {
    pub fn new(options: RenderOptions) -> JunitRenderer {
        JunitRenderer { options }
    }
}

/// `text` with XML's five special characters escaped, and characters XML 1.0 cannot carry
/// (control characters but tab, newline and carriage return) replaced.
pub fn xml_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\t' | '\n' | '\r' => escaped.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                escaped.push('\u{FFFD}')
            }
            c => escaped.push(c),
        }
    }
    escaped
}

fn failure_body(finding: &Finding) -> String {
    format!(
        "{}\n\nEvidence: {}\n\nFix (nginx): {}\nFix (Apache): {}\nFix (Python): {}",
        finding.title(),
        finding.evidence,
        finding.fix.nginx,
        finding.fix.apache,
        finding.fix.python
    )
}

impl RunRenderer for JunitRenderer {
    fn render(&self, records: &[Record]) -> Result<Vec<u8>, RenderError> {
        let fail_on = self.options.fail_on;
        let mut suites = String::new();
        let (mut all_tests, mut all_failures, mut all_errors) = (0, 0, 0);
        let mut all_time = 0.0;
        for record in records {
            let facts = &record.facts;
            let seconds = facts.duration.as_secs_f64();
            all_time += seconds;
            let name = xml_escape(&facts.target.input);
            let timestamp = rfc3339(facts.scanned_at).trim_end_matches('Z').to_string();
            let mut cases = String::new();
            let (tests, failures, errors);
            if let Some(error) = &facts.unreachable {
                tests = 1;
                failures = 0;
                errors = 1;
                let _ = write!(
                    cases,
                    "    <testcase classname=\"tlscheck.scan\" name=\"scan\" time=\"{seconds:.3}\">\n      <error message=\"{}\" type=\"{}\">{}</error>\n    </testcase>\n",
                    xml_escape(&describe::error(error)),
                    error.kind.name(),
                    xml_escape(&format!(
                        "{} could not be scanned: {}",
                        facts.target.input,
                        describe::error(error)
                    ))
                );
            } else {
                tests = CATALOG.len();
                errors = 0;
                let mut failed = 0;
                for entry in CATALOG {
                    let found = record.assessment.findings.iter().find(|f| f.id == entry.id);
                    let _ = write!(
                        cases,
                        "    <testcase classname=\"tlscheck.{}\" name=\"{}\" time=\"0\">",
                        entry.family.name(),
                        entry.id
                    );
                    match found {
                        Some(finding) if finding.fails(fail_on) => {
                            failed += 1;
                            let _ = write!(
                                cases,
                                "\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    ",
                                xml_escape(&format!("{}: {}", finding.title(), finding.evidence)),
                                finding.severity,
                                xml_escape(&failure_body(finding))
                            );
                        }
                        Some(finding) => {
                            let why = match &finding.waiver {
                                Some(waiver) => {
                                    format!("waived until {}: {}", waiver.expires, waiver.reason)
                                }
                                None => format!("below --fail-on {fail_on}"),
                            };
                            let _ = write!(
                                cases,
                                "\n      <system-out>{}</system-out>\n    ",
                                xml_escape(&format!(
                                    "{} ({why}): {}",
                                    finding.severity,
                                    failure_body(finding)
                                ))
                            );
                        }
                        None => {}
                    }
                    cases.push_str("</testcase>\n");
                }
                failures = failed;
            }
            all_tests += tests;
            all_failures += failures;
            all_errors += errors;
            let verdict = match record.assessment.verdict {
                Verdict::Pass => "pass",
                Verdict::Fail => "fail",
                Verdict::Unreachable => "unreachable",
            };
            let _ = write!(
                suites,
                "  <testsuite name=\"{name}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"0\" time=\"{seconds:.3}\" timestamp=\"{timestamp}\">\n    <properties>\n      <property name=\"verdict\" value=\"{verdict}\"/>\n      <property name=\"fail_on\" value=\"{fail_on}\"/>\n    </properties>\n{cases}  </testsuite>\n"
            );
        }
        let document = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"tlscheck\" tests=\"{all_tests}\" failures=\"{all_failures}\" errors=\"{all_errors}\" time=\"{all_time:.3}\">\n{suites}</testsuites>\n"
        );
        Ok(document.into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_special_and_control_characters_are_escaped() {
        assert_eq!(
            xml_escape("a<b & \"c\" 'd' \u{1b}[31m"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos; \u{FFFD}[31m"
        );
        assert_eq!(xml_escape("line\nnext\ttab"), "line\nnext\ttab");
    }
}
