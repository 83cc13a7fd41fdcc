//! Table renderer: per target, sections for the connection, the certificate chain, the protocols
//! and suites, HTTP, and the findings with their fixes; a summary after several targets.
//!
//! It never judges: a cell is red because a finding points at its subject, green when it shows a
//! good fact no finding points at. Tables fit the given width without breaking a word (an
//! identifier, a date, a command): each column is at least as wide as its longest word, and the
//! findings are a list wrapped at spaces.

use std::collections::HashMap;
use std::fmt::Write as _;

use comfy_table::{presets, Cell, Color, ColumnConstraint, ContentArrangement, Table, Width};

use super::{FixFor, Record, RecordRenderer, RenderError, RenderOptions, SummaryRow};
use crate::analysis::catalog::{CertificatePart, Subject};
use crate::analysis::describe;
use crate::analysis::http::{redirect_verdict, RedirectVerdict};
use crate::analysis::{Finding, Severity};
use crate::facts::{
    ChainFacts, ClientAuthFacts, EnumerationFacts, HostFacts, Outcome, RedirectFacts, SuiteFacts,
    Support,
};
use crate::policy::{Grade, Verdict};
use crate::remediation::Server;
use crate::tls::{groups, suites, version_name};

pub struct TableRenderer {
    options: RenderOptions,
}

impl TableRenderer {
    pub fn new(options: RenderOptions) -> TableRenderer {
        TableRenderer { options }
    }
}

impl RecordRenderer for TableRenderer {
    fn record(&self, record: &Record) -> Result<Vec<u8>, RenderError> {
        let mut out = String::new();
        render_report(&mut out, record, &self.options);
        out.push('\n');
        Ok(out.into_bytes())
    }

    fn finish(&self, summary: &[SummaryRow]) -> Result<Vec<u8>, RenderError> {
        let mut out = String::new();
        if summary.len() > 1 {
            render_summary(&mut out, summary, &self.options);
        }
        Ok(out.into_bytes())
    }
}

/// The subjects findings point at, with the worst severity pointing at each.
struct Marks(HashMap<Subject, Severity>);

impl Marks {
    fn of(findings: &[Finding]) -> Marks {
        let mut marks = HashMap::new();
        for finding in findings.iter().filter(|f| f.severity > Severity::Info) {
            for subject in &finding.subjects {
                let worst = marks.entry(*subject).or_insert(finding.severity);
                *worst = (*worst).max(finding.severity);
            }
        }
        Marks(marks)
    }

    fn marked(&self, subject: &Subject) -> bool {
        self.0.contains_key(subject)
    }

    /// Red when a finding points at `subject`, green when `good`, plain otherwise.
    fn cell(&self, text: impl Into<String>, subject: &Subject, good: bool) -> Cell {
        let cell = Cell::new(crate::text::escaped_lines(&text.into()));
        if self.marked(subject) {
            cell.fg(Color::Red)
        } else if good {
            cell.fg(Color::Green)
        } else {
            cell
        }
    }
}

fn new_table(options: &RenderOptions) -> Table {
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(options.width);
    if options.color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table
}

/// Give every column at least the width of its longest word, so comfy-table wraps cells only
/// between words.
fn keep_words_whole(table: &mut Table, rows: &[Vec<String>]) {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let constraints: Vec<ColumnConstraint> = (0..columns)
        .map(|column| {
            let longest = rows
                .iter()
                .filter_map(|row| row.get(column))
                .flat_map(|text| text.split_whitespace())
                .map(|word| word.chars().count())
                .max()
                .unwrap_or(1);
            // The constraint's width includes the cell's padding, one space each side.
            let width = u16::try_from(longest + 2).unwrap_or(u16::MAX);
            ColumnConstraint::LowerBoundary(Width::Fixed(width))
        })
        .collect();
    table.set_constraints(constraints);
}

/// A table built from rows of cells, keeping words whole.
struct Rows {
    header: Option<Vec<String>>,
    cells: Vec<Vec<Cell>>,
    texts: Vec<Vec<String>>,
}

impl Rows {
    fn new() -> Rows {
        Rows {
            header: None,
            cells: Vec::new(),
            texts: Vec::new(),
        }
    }

    fn header(&mut self, header: &[&str]) {
        let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
        self.texts.push(header.clone());
        self.header = Some(header);
    }

    fn add(&mut self, row: Vec<(String, Option<Color>)>) {
        self.texts
            .push(row.iter().map(|(text, _)| text.clone()).collect());
        self.cells.push(
            row.into_iter()
                .map(|(text, color)| match color {
                    Some(color) => Cell::new(text).fg(color),
                    None => Cell::new(text),
                })
                .collect(),
        );
    }

    fn add_cells(&mut self, row: Vec<Cell>) {
        self.texts
            .push(row.iter().map(|cell| cell.content()).collect());
        self.cells.push(row);
    }

    fn render(self, out: &mut String, options: &RenderOptions) {
        let mut table = new_table(options);
        if let Some(header) = self.header {
            table.set_header(header);
        }
        for row in self.cells {
            table.add_row(row);
        }
        keep_words_whole(&mut table, &self.texts);
        let _ = writeln!(out, "{table}");
    }
}

/// A cell of text that may come from the network: escaped, its own line breaks kept.
fn plain(text: impl Into<String>) -> Cell {
    Cell::new(crate::text::escaped_lines(&text.into()))
}

fn heading(out: &mut String, text: &str, options: &RenderOptions) {
    if options.color {
        let _ = writeln!(out, "\x1b[1m{text}\x1b[0m");
    } else {
        let _ = writeln!(out, "{text}");
    }
}

fn render_report(out: &mut String, record: &Record, options: &RenderOptions) {
    let facts = &record.facts;
    let marks = Marks::of(&record.assessment.findings);
    let target = &facts.target;
    let address = target
        .connected_to
        .map(|a| format!(" ({a})"))
        .unwrap_or_default();
    heading(
        out,
        &format!(
            "tlscheck {}{address}, scanned {} in {} ms",
            target.input,
            crate::facts::time::rfc3339(facts.scanned_at),
            facts.duration.as_millis()
        ),
        options,
    );
    if let Some(error) = &facts.unreachable {
        let _ = writeln!(out, "UNREACHABLE: {}", describe::error(error));
        return;
    }
    out.push('\n');
    heading(out, "Connection", options);
    render_connection(out, facts, &marks, options);

    if let Some(chain) = &facts.chain {
        out.push('\n');
        heading(out, "Certificate chain", options);
        render_chain(out, chain, &marks, options);
    }

    match &facts.enumeration {
        Outcome::Ok(enumeration) => {
            out.push('\n');
            render_enumeration(out, enumeration, &marks, options);
        }
        Outcome::Failed(error) => {
            out.push('\n');
            heading(out, "Protocols and cipher suites", options);
            let _ = writeln!(out, "not measured: {}", describe::error(error));
        }
        Outcome::Skipped(_) => {}
    }

    out.push('\n');
    heading(out, "HTTP", options);
    render_http(out, facts, &marks, options);

    out.push('\n');
    heading(out, "Findings", options);
    render_findings(out, &record.assessment.findings, options);
    if let Some(grade) = &record.assessment.grade {
        let _ = writeln!(out, "{}", grade_line(grade));
    }
    let _ = writeln!(out, "{}", verdict_line(record, options));
}

/// `Grade: B (score 86 = protocol 95 x 30% + …; capped by: TLS 1.0 is accepted (B); …)`.
fn grade_line(grade: &Grade) -> String {
    let mut parts = vec![format!("score {}", grade.formula())];
    if !grade.caps.is_empty() {
        let caps: Vec<String> = grade
            .caps
            .iter()
            .map(|cap| format!("{} ({})", cap.reason, cap.letter))
            .collect();
        parts.push(format!("capped by: {}", caps.join("; ")));
    }
    if !grade.unknown.is_empty() {
        parts.push(format!("not measured: {}", grade.unknown.join(", ")));
    }
    let not_graded = crate::policy::grade::NOT_GRADED;
    parts.push(format!(
        "not graded yet: {} rules that need probes tlscheck lacks, such as Heartbleed and ROBOT",
        not_graded.len()
    ));
    format!("Grade: {} ({})", grade.display(), parts.join("; "))
}

fn render_connection(out: &mut String, facts: &HostFacts, marks: &Marks, options: &RenderOptions) {
    let mut rows = Rows::new();
    let connection_subject = Subject::Connection;
    match &facts.connection {
        Outcome::Ok(tls) => {
            if let Some(error) = &tls.strict_client_failure {
                rows.add_cells(vec![
                    plain("Client"),
                    plain("tlscheck's legacy client (rustls could not connect)"),
                ]);
                rows.add_cells(vec![
                    plain("Modern client"),
                    marks.cell(
                        format!("FAILED: {}", describe::error(error)),
                        &connection_subject,
                        false,
                    ),
                ]);
            }
            rows.add_cells(vec![plain("Protocol"), plain(version_name(tls.protocol))]);
            rows.add_cells(vec![
                plain("Cipher suite"),
                plain(format!(
                    "{} (0x{:04X})",
                    suites::iana_name(tls.cipher_suite),
                    tls.cipher_suite
                )),
            ]);
            rows.add_cells(vec![
                plain("Key exchange"),
                plain(
                    tls.key_exchange_group
                        .map(groups::display_name)
                        .unwrap_or_else(|| "n/a".into()),
                ),
            ]);
            rows.add_cells(vec![
                plain("ALPN"),
                plain(tls.alpn.as_deref().unwrap_or("none")),
            ]);
            rows.add_cells(vec![
                plain("Timing"),
                plain(format!(
                    "TCP {:.1} ms, TLS handshake {:.1} ms",
                    tls.tcp_connect.as_secs_f64() * 1000.0,
                    tls.handshake.as_secs_f64() * 1000.0
                )),
            ]);
            rows.add_cells(vec![
                plain("OCSP stapling"),
                plain(match tls.ocsp_stapled_bytes {
                    Some(bytes) => format!("stapled ({bytes} bytes)"),
                    None => "none".into(),
                }),
            ]);
            if let Some(failure) = &tls.signature_failure {
                rows.add_cells(vec![
                    plain("Handshake signature"),
                    marks.cell(
                        describe::signature_failure(failure, facts.chain.as_ref()),
                        &connection_subject,
                        false,
                    ),
                ]);
            }
        }
        Outcome::Failed(error) => {
            rows.add_cells(vec![
                plain("Handshake"),
                marks.cell(
                    format!("FAILED: {}", describe::error(error)),
                    &connection_subject,
                    false,
                ),
            ]);
        }
        Outcome::Skipped(skip) => {
            rows.add_cells(vec![
                plain("Handshake"),
                plain(format!("skipped: {}", describe::skip(*skip))),
            ]);
        }
    }
    if let Some(auth) = &facts.client_auth {
        rows.add_cells(vec![
            plain("Client certificate"),
            marks.cell(client_auth_text(auth), &Subject::ClientAuth, false),
        ]);
    }
    rows.render(out, options);
}

fn render_chain(out: &mut String, chain: &ChainFacts, marks: &Marks, options: &RenderOptions) {
    if let Some(reason) = &chain.unparsable {
        let _ = writeln!(out, "cannot parse the certificate chain: {reason}");
    }
    // One two-column block per certificate: it fits narrow terminals without breaking a name,
    // an algorithm or a date.
    let mut rows = Rows::new();
    for (index, cert) in chain.certificates.iter().enumerate() {
        let part = |part| Subject::Certificate { index, part };
        let role = cert.role(index);
        let mut subject = cert.subject.clone();
        if cert.self_signed {
            subject.push_str(" (self-signed)");
        }
        rows.add_cells(vec![plain(format!("#{index} {role}")), plain(subject)]);
        let names: Vec<&str> = cert
            .dns_names
            .iter()
            .chain(&cert.ip_addresses)
            .map(String::as_str)
            .collect();
        if !names.is_empty() {
            rows.add_cells(vec![plain("SANs"), plain(names.join(", "))]);
        }
        rows.add_cells(vec![plain("Issuer"), plain(cert.issuer.clone())]);
        let key = match &cert.key.curve {
            Some(curve) => format!("{} {curve}", cert.key.algorithm.name()),
            None => format!("{} {}", cert.key.algorithm.name(), cert.key.bits),
        };
        rows.add_cells(vec![
            plain("Key"),
            marks.cell(key, &part(CertificatePart::Key), false),
        ]);
        rows.add_cells(vec![
            plain("Signature"),
            marks.cell(
                cert.signature_algorithm.clone(),
                &part(CertificatePart::Signature),
                false,
            ),
        ]);
        let mut validity = format!(
            "{}, {} days left",
            crate::facts::time::rfc3339(cert.not_after),
            cert.days_left
        );
        if cert.expired {
            validity.push_str(", EXPIRED");
        } else if cert.not_yet_valid {
            validity = format!(
                "{validity}, NOT YET VALID (from {})",
                crate::facts::time::rfc3339(cert.not_before)
            );
        }
        rows.add_cells(vec![
            plain("Valid until"),
            marks.cell(validity, &part(CertificatePart::Validity), false),
        ]);
    }
    if !chain.certificates.is_empty() {
        rows.render(out, options);
    }
    let mut rows = Rows::new();
    rows.add_cells(vec![
        plain("Trust"),
        marks.cell(
            if chain.trust.trusted {
                format!("trusted ({})", chain.trust.store)
            } else {
                format!(
                    "NOT trusted ({}): {}",
                    chain.trust.store,
                    chain
                        .trust
                        .failure
                        .as_ref()
                        .map(|failure| describe::certificate_failure(failure, Some(chain)))
                        .unwrap_or_else(|| "unknown reason".into())
                )
            },
            &Subject::Trust,
            chain.trust.trusted,
        ),
    ]);
    rows.add_cells(vec![
        plain("Hostname"),
        marks.cell(
            if chain.hostname.matches {
                format!("{} matches", chain.hostname.name)
            } else {
                format!(
                    "{} does NOT match (certificate covers: {})",
                    chain.hostname.name,
                    if chain.hostname.covered.is_empty() {
                        "no names".to_string()
                    } else {
                        chain.hostname.covered.join(", ")
                    }
                )
            },
            &Subject::Hostname,
            chain.hostname.matches,
        ),
    ]);
    rows.add_cells(vec![
        plain("Order"),
        marks.cell(
            if chain.order_correct {
                "correct"
            } else {
                "wrong: each certificate should be followed by its issuer"
            },
            &Subject::ChainOrder,
            chain.order_correct,
        ),
    ]);
    rows.add_cells(vec![
        plain("Complete"),
        marks.cell(
            match &chain.missing_issuer {
                Some(issuer) if chain.incomplete => format!("no: issuer '{issuer}' not sent"),
                _ if chain.incomplete => "no: an intermediate is missing".into(),
                _ => "yes".into(),
            },
            &Subject::ChainCompleteness,
            !chain.incomplete,
        ),
    ]);
    rows.render(out, options);
}

fn client_auth_text(auth: &ClientAuthFacts) -> String {
    if !auth.requested {
        return "not requested".into();
    }
    let mut text = String::from("requested");
    match auth.required {
        Some(true) => text.push_str(", required"),
        Some(false) => text.push_str(", optional"),
        None => {}
    }
    if !auth.ca_names.is_empty() {
        let _ = write!(text, "\naccepted CAs: {}", auth.ca_names.join("; "));
    }
    match auth.accepted {
        Some(true) => text.push_str("\nours: presented and accepted"),
        Some(false) => text.push_str("\nours: presented and REFUSED"),
        None if !auth.presented => text.push_str("\nours: none presented (--client-cert)"),
        None => {}
    }
    if let Some(refusal) = auth.refusal {
        let _ = write!(text, "\nrefusal: {}", describe::refusal(refusal));
    }
    text
}

fn redirect_cell(redirect: &Outcome<RedirectFacts>, marks: &Marks) -> Cell {
    match redirect {
        Outcome::Ok(facts) => {
            let hops: Vec<String> = facts
                .hops
                .iter()
                .map(|hop| {
                    format!(
                        "{} -> {}{}",
                        hop.url,
                        hop.status_code,
                        hop.location
                            .as_deref()
                            .map(|l| format!(" {l}"))
                            .unwrap_or_default()
                    )
                })
                .collect();
            let verdict = redirect_verdict(facts);
            marks.cell(
                format!("{}\n{}", verdict.text(), hops.join("\n")),
                &Subject::Redirect,
                verdict == RedirectVerdict::HttpsPermanent,
            )
        }
        Outcome::Failed(error) => marks.cell(
            format!("no answer on plain HTTP: {}", describe::error(error)),
            &Subject::Redirect,
            false,
        ),
        Outcome::Skipped(skip) => plain(format!("skipped: {}", describe::skip(*skip))),
    }
}

fn render_http(out: &mut String, facts: &HostFacts, marks: &Marks, options: &RenderOptions) {
    let mut rows = Rows::new();
    rows.add_cells(vec![
        plain("Redirect"),
        redirect_cell(&facts.redirect, marks),
    ]);
    let (hsts, response) = match &facts.https {
        Outcome::Ok(https) => (
            match &https.hsts {
                Some(hsts) => match &hsts.error {
                    Some(error) => marks.cell(
                        format!(
                            "invalid: {} ({})",
                            hsts.raw,
                            crate::analysis::http::hsts_error(error)
                        ),
                        &Subject::Hsts,
                        false,
                    ),
                    None => marks.cell(hsts.raw.clone(), &Subject::Hsts, true),
                },
                None => marks.cell("missing", &Subject::Hsts, false),
            },
            plain(format!(
                "{} {}{}",
                https.url,
                https.status_code,
                https
                    .location
                    .as_deref()
                    .map(|l| format!(" -> {l}"))
                    .unwrap_or_default()
            )),
        ),
        Outcome::Failed(error) => (
            plain("unknown"),
            plain(format!("failed: {}", describe::error(error))),
        ),
        Outcome::Skipped(skip) => (
            plain("unknown"),
            plain(format!("skipped: {}", describe::skip(*skip))),
        ),
    };
    rows.add_cells(vec![plain("HTTPS response"), response]);
    rows.add_cells(vec![plain("HSTS"), hsts]);
    rows.render(out, options);
}

/// Word-wrap `text` to `width` columns: `first` before the first line, `rest` before the others.
/// Words are never broken; a word longer than a line gets a line of its own.
pub(crate) fn wrap(text: &str, width: usize, first: &str, rest: &str) -> String {
    let mut out = String::new();
    for (number, paragraph) in text.split('\n').enumerate() {
        let mut line = String::from(if number == 0 { first } else { rest });
        let mut line_has_word = false;
        for word in paragraph.split_whitespace() {
            let line_len = line.chars().count();
            if line_has_word && line_len + 1 + word.chars().count() > width {
                out.push_str(line.trim_end());
                out.push('\n');
                line = String::from(rest);
                line_has_word = false;
            }
            if line_has_word {
                line.push(' ');
            }
            line.push_str(&crate::text::escaped(word));
            line_has_word = true;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn severity_label(severity: Severity, options: &RenderOptions) -> String {
    let label = format!("{:<8}", severity.as_str().to_uppercase());
    if !options.color {
        return label;
    }
    let code = match severity {
        Severity::Critical => "1;31",
        Severity::High => "31",
        Severity::Medium => "33",
        Severity::Low => "36",
        Severity::Info => "90",
    };
    format!("\x1b[{code}m{label}\x1b[0m")
}

fn render_findings(out: &mut String, findings: &[Finding], options: &RenderOptions) {
    if findings.is_empty() {
        let _ = writeln!(out, "No findings.");
        return;
    }
    let width = usize::from(options.width).max(40);
    let indent = "           ";
    for finding in findings {
        let label = severity_label(finding.severity, options);
        out.push_str(&wrap(
            &format!("{}: {}", finding.id, finding.title()),
            width,
            &format!("  {label} "),
            indent,
        ));
        out.push_str(&wrap(
            &finding.evidence,
            width,
            &format!("{indent}Evidence: "),
            &format!("{indent}  "),
        ));
        if let Some(waiver) = &finding.waiver {
            out.push_str(&wrap(
                &format!("until {}: {}", waiver.expires, waiver.reason),
                width,
                &format!("{indent}Waived "),
                &format!("{indent}  "),
            ));
        }
        for (server, text) in fixes(finding, options.fix_for) {
            out.push_str(&wrap(
                text,
                width,
                &format!("{indent}Fix ({server}): "),
                &format!("{indent}  "),
            ));
        }
    }
}

fn fixes(finding: &Finding, fix_for: FixFor) -> Vec<(&'static str, &str)> {
    let all = [
        ("nginx", Server::Nginx),
        ("Apache", Server::Apache),
        ("Python", Server::Python),
    ];
    all.into_iter()
        .filter(|(_, server)| match fix_for {
            FixFor::All => true,
            FixFor::Server(only) => only == *server,
        })
        .map(|(name, server)| (name, finding.fix.for_server(server)))
        .filter(|(_, text)| !text.is_empty())
        .collect()
}

fn verdict_line(record: &Record, options: &RenderOptions) -> String {
    let assessment = &record.assessment;
    let counts: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .filter_map(|severity| {
            let count = assessment.count(*severity);
            (count > 0).then(|| format!("{count} {severity}"))
        })
        .chain(
            Some(
                assessment
                    .findings
                    .iter()
                    .filter(|f| f.waiver.is_some())
                    .count(),
            )
            .filter(|waived| *waived > 0)
            .map(|waived| format!("{waived} waived")),
        )
        .collect();
    let failing = assessment.verdict == Verdict::Fail;
    let verdict = if failing { "FAIL" } else { "PASS" };
    let counts = if counts.is_empty() {
        "no findings".to_string()
    } else {
        counts.join(", ")
    };
    let text = format!(
        "Verdict: {verdict} ({counts}; --fail-on {}, policy {})",
        assessment.fail_on, assessment.policy
    );
    match (options.color, failing) {
        (true, true) => format!("\x1b[1;31m{text}\x1b[0m"),
        (true, false) => format!("\x1b[1;32m{text}\x1b[0m"),
        _ => text,
    }
}

fn render_summary(out: &mut String, summary: &[SummaryRow], options: &RenderOptions) {
    heading(out, "Summary", options);
    let mut rows = Rows::new();
    rows.header(&[
        "Target",
        "Protocol",
        "Certificate",
        "Worst finding",
        "Grade",
        "Verdict",
    ]);
    for row in summary {
        let worst = match row.worst {
            Some(severity) => (
                severity.as_str().to_uppercase(),
                Some(severity_color(severity)),
            ),
            None => ("none".to_string(), None),
        };
        let verdict = match row.verdict {
            Verdict::Pass => ("PASS".to_string(), Some(Color::Green)),
            Verdict::Fail => ("FAIL".to_string(), Some(Color::Red)),
            Verdict::Unreachable => ("UNREACHABLE".to_string(), Some(Color::Red)),
        };
        rows.add(vec![
            (row.input.clone(), None),
            (row.protocol.clone(), None),
            (row.certificate.clone(), None),
            worst,
            (row.grade.clone(), None),
            verdict,
        ]);
    }
    rows.render(out, options);
}

fn severity_color(severity: Severity) -> Color {
    match severity {
        Severity::Critical | Severity::High => Color::Red,
        Severity::Medium => Color::Yellow,
        Severity::Low => Color::Cyan,
        Severity::Info => Color::Grey,
    }
}

fn render_enumeration(
    out: &mut String,
    facts: &EnumerationFacts,
    marks: &Marks,
    options: &RenderOptions,
) {
    heading(
        out,
        &format!(
            "Protocols ({} handshakes in {} ms, at most {} at once)",
            facts.handshakes,
            facts.duration.as_millis(),
            facts.max_connections
        ),
        options,
    );
    let mut rows = Rows::new();
    for protocol in &facts.protocols {
        let subject = Subject::Protocol(protocol.version);
        let (verdict, evidence) = match &protocol.support {
            Support::Accepted(reply) => (
                marks.cell("accepted", &subject, true),
                describe::reply(reply),
            ),
            Support::Refused(reply) => (
                marks.cell("refused", &subject, false),
                describe::reply(reply),
            ),
            Support::Unknown(error) => (
                marks.cell("unknown", &subject, false),
                format!("probe failed: {}", describe::error(error)),
            ),
        };
        rows.add_cells(vec![
            plain(protocol.version.name()),
            verdict,
            plain(evidence),
        ]);
    }
    rows.render(out, options);

    if !facts.cipher_suites.is_empty() {
        out.push('\n');
        heading(out, "Cipher suites", options);
        let mut rows = Rows::new();
        rows.header(&[
            "Versions",
            "Order",
            "Suite",
            "Key exchange",
            "Bits",
            "Notes",
        ]);
        // Versions with the same suites, order and marks share one block.
        let mut blocks: Vec<(
            Vec<&crate::facts::VersionSuites>,
            &crate::facts::VersionSuites,
        )> = Vec::new();
        for version in &facts.cipher_suites {
            let same_marks = |other: &crate::facts::VersionSuites| {
                version.suites.iter().all(|suite| {
                    marks.marked(&Subject::Suite {
                        version: version.version,
                        id: suite.id,
                    }) == marks.marked(&Subject::Suite {
                        version: other.version,
                        id: suite.id,
                    })
                })
            };
            let same = blocks.iter_mut().find(|(_, other)| {
                other.suites == version.suites
                    && other.server_order == version.server_order
                    && other.incomplete == version.incomplete
                    && same_marks(other)
            });
            match same {
                Some((versions, _)) => versions.push(version),
                None => blocks.push((vec![version], version)),
            }
        }
        for (versions, version) in blocks {
            let order = match version.server_order {
                Some(true) => "server",
                Some(false) => "client",
                None => "-",
            };
            let order_cell = marks.cell(order, &Subject::SuiteOrder(version.version), false);
            let names: Vec<&str> = versions.iter().map(|v| v.version.name()).collect();
            let mut label = names.join(", ");
            if let Some(error) = &version.incomplete {
                let _ = write!(label, "\n(incomplete: {})", describe::error(error));
            }
            for (index, suite) in version.suites.iter().enumerate() {
                let subject = Subject::Suite {
                    version: version.version,
                    id: suite.id,
                };
                let (first, order) = if index == 0 {
                    (plain(label.clone()), order_cell.clone())
                } else {
                    (plain(""), plain(""))
                };
                let key_exchange = match (suite.ecdh_group, suite.dh_bits) {
                    (Some(group), _) => format!(
                        "{} {}",
                        describe::key_exchange(suite.key_exchange),
                        groups::display_name(group)
                    ),
                    (None, Some(bits)) => {
                        format!("{} {bits}", describe::key_exchange(suite.key_exchange))
                    }
                    _ => describe::key_exchange(suite.key_exchange).to_string(),
                };
                rows.add_cells(vec![
                    first,
                    order,
                    marks.cell(suite.display_name(), &subject, false),
                    plain(key_exchange),
                    plain(suite.bits.to_string()),
                    marks.cell(suite_notes(suite), &subject, false),
                ]);
            }
        }
        rows.render(out, options);
    }
    if !facts.groups.is_empty() {
        let names: Vec<String> = facts
            .groups
            .iter()
            .map(|code| groups::display_name(*code))
            .collect();
        out.push_str(&wrap(
            &format!(
                "Key-exchange groups{}: {}",
                groups_source(facts),
                names.join(", ")
            ),
            usize::from(options.width),
            "",
            "  ",
        ));
    }
}

/// Short notes on a suite's properties.
fn suite_notes(suite: &SuiteFacts) -> String {
    let notes: Vec<&str> = [
        (suite.null, "NULL"),
        (suite.anonymous, "anonymous"),
        (suite.export, "EXPORT"),
        (suite.rc4, "RC4"),
        (suite.des, "DES"),
        (suite.triple_des, "3DES"),
        (!suite.forward_secrecy, "no FS"),
        (suite.cbc, "CBC"),
        (suite.aead, "AEAD"),
    ]
    .into_iter()
    .filter(|(flag, _)| *flag)
    .map(|(_, note)| note)
    .collect();
    notes.join(", ")
}

/// Where the groups came from, and whose order they are in.
fn groups_source(facts: &EnumerationFacts) -> String {
    let source = match facts.groups_probed_with {
        Some(crate::facts::ProtocolVersion::Tls13) => "TLS 1.3 HelloRetryRequests".to_string(),
        Some(version) => format!(
            "{} ServerKeyExchange",
            version.name().to_ascii_lowercase().replace('v', "")
        ),
        None => "probe".to_string(),
    };
    let order = match facts.groups_server_order {
        Some(true) => ", server's preference first",
        Some(false) => ", the client's order wins",
        None => "",
    };
    format!(" ({source}{order})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_never_breaks_a_word() {
        let text = "ssl_certificate/ssl_certificate_key and a very-long-identifier-that-is-longer-than-the-line";
        let wrapped = wrap(text, 20, "> ", "  ");
        for word in text.split_whitespace() {
            assert!(
                wrapped.lines().any(|line| line.contains(word)),
                "{word} was broken:\n{wrapped}"
            );
        }
        assert_eq!(
            wrapped.lines().next(),
            Some("> ssl_certificate/ssl_certificate_key")
        );
    }

    #[test]
    fn wrapping_fits_words_into_the_width() {
        let wrapped = wrap("one two three four five six", 10, "", "");
        assert!(
            wrapped.lines().all(|line| line.chars().count() <= 10),
            "{wrapped}"
        );
        assert_eq!(wrapped.lines().count(), 3);
    }
}
