//! Table renderer: per target, sections for the connection, the certificate chain, HTTP, and
//! the findings with their fixes, drawn with comfy-table; coloured only when asked to.

use std::fmt::Write as _;

use comfy_table::{presets, Attribute, Cell, Color, ContentArrangement, Table};

use super::{RenderOptions, Renderer};
use crate::facts::{
    ChainFacts, ClientAuthFacts, EnumerationFacts, HostReport, Outcome, RedirectFacts,
    RedirectVerdict, Severity, SuiteFacts,
};

pub struct TableRenderer;

impl Renderer for TableRenderer {
    fn render(&self, reports: &[HostReport], options: &RenderOptions) -> Vec<u8> {
        let mut out = String::new();
        for (index, report) in reports.iter().enumerate() {
            if index > 0 {
                out.push('\n');
            }
            render_report(&mut out, report, options);
        }
        if reports.len() > 1 {
            render_summary(&mut out, reports, options);
        }
        out.into_bytes()
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

fn heading(out: &mut String, text: &str, options: &RenderOptions) {
    if options.color {
        let _ = writeln!(out, "\x1b[1m{text}\x1b[0m");
    } else {
        let _ = writeln!(out, "{text}");
    }
}

fn severity_cell(severity: Severity) -> Cell {
    let cell = Cell::new(severity.as_str().to_uppercase());
    match severity {
        Severity::Critical => cell.fg(Color::Red).add_attribute(Attribute::Bold),
        Severity::High => cell.fg(Color::Red),
        Severity::Medium => cell.fg(Color::Yellow),
        Severity::Low => cell.fg(Color::Cyan),
        Severity::Info => cell.fg(Color::Grey),
    }
}

fn good(text: impl Into<String>) -> Cell {
    Cell::new(text.into()).fg(Color::Green)
}

/// Red when `is_bad`, plain otherwise.
fn flagged(text: impl Into<String>, is_bad: bool) -> Cell {
    if is_bad {
        bad(text)
    } else {
        Cell::new(text.into())
    }
}

fn bad(text: impl Into<String>) -> Cell {
    Cell::new(text.into()).fg(Color::Red)
}

fn render_report(out: &mut String, report: &HostReport, options: &RenderOptions) {
    let target = &report.target;
    let address = target
        .connected_to
        .as_deref()
        .map(|a| format!(" ({a})"))
        .unwrap_or_default();
    heading(
        out,
        &format!(
            "tlscheck {}{address}, scanned {} in {} ms",
            target.input, report.scanned_at, report.duration_ms
        ),
        options,
    );
    if let Some(reason) = &report.unreachable {
        let _ = writeln!(out, "UNREACHABLE: {reason}");
        return;
    }
    out.push('\n');
    heading(out, "Connection", options);
    let mut table = new_table(options);
    match &report.tls {
        Outcome::Ok(tls) => {
            table.add_row(vec![Cell::new("Protocol"), Cell::new(&tls.protocol)]);
            table.add_row(vec![
                Cell::new("Cipher suite"),
                Cell::new(format!("{} ({})", tls.cipher_suite, tls.cipher_suite_code)),
            ]);
            table.add_row(vec![
                Cell::new("Key exchange"),
                Cell::new(tls.key_exchange_group.as_deref().unwrap_or("n/a")),
            ]);
            table.add_row(vec![
                Cell::new("ALPN"),
                Cell::new(tls.alpn.as_deref().unwrap_or("none")),
            ]);
            table.add_row(vec![
                Cell::new("Timing"),
                Cell::new(format!(
                    "TCP {:.1} ms, TLS handshake {:.1} ms",
                    tls.tcp_connect_ms, tls.handshake_ms
                )),
            ]);
            table.add_row(vec![
                Cell::new("OCSP stapling"),
                Cell::new(match tls.ocsp_stapled_bytes {
                    Some(bytes) => format!("stapled ({bytes} bytes)"),
                    None => "none".into(),
                }),
            ]);
            if let Some(error) = &tls.handshake_signature_error {
                table.add_row(vec![Cell::new("Handshake signature"), bad(error)]);
            }
        }
        Outcome::Failed { reason } => {
            table.add_row(vec![
                Cell::new("Handshake"),
                bad(format!("FAILED: {reason}")),
            ]);
        }
        Outcome::Skipped { reason } => {
            table.add_row(vec![
                Cell::new("Handshake"),
                Cell::new(format!("skipped: {reason}")),
            ]);
        }
    }
    if let Some(auth) = &report.client_auth {
        table.add_row(vec![
            Cell::new("Client certificate"),
            Cell::new(client_auth_text(auth)),
        ]);
    }
    let _ = writeln!(out, "{table}");

    if let Some(chain) = &report.certificates {
        out.push('\n');
        heading(out, "Certificate chain", options);
        render_chain(out, chain, options);
    }

    match &report.enumeration {
        Outcome::Ok(enumeration) => {
            out.push('\n');
            render_enumeration(out, enumeration, options);
        }
        Outcome::Failed { reason } => {
            out.push('\n');
            heading(out, "Protocols and cipher suites", options);
            let _ = writeln!(out, "enumeration failed: {reason}");
        }
        Outcome::Skipped { .. } => {}
    }

    out.push('\n');
    heading(out, "HTTP", options);
    let mut table = new_table(options);
    table.add_row(vec![Cell::new("Redirect"), redirect_cell(&report.redirect)]);
    let (hsts, response) = match &report.https {
        Outcome::Ok(https) => (
            match &https.hsts {
                Some(hsts) => match &hsts.error {
                    Some(error) => bad(format!("invalid: {} ({error})", hsts.raw)),
                    None => good(hsts.raw.clone()),
                },
                None => bad("missing"),
            },
            Cell::new(format!(
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
        Outcome::Failed { reason } => (Cell::new("unknown"), bad(format!("failed: {reason}"))),
        Outcome::Skipped { reason } => (
            Cell::new("unknown"),
            Cell::new(format!("skipped: {reason}")),
        ),
    };
    table.add_row(vec![Cell::new("HTTPS response"), response]);
    table.add_row(vec![Cell::new("HSTS"), hsts]);
    let _ = writeln!(out, "{table}");

    out.push('\n');
    heading(out, "Findings", options);
    if report.findings.is_empty() {
        let _ = writeln!(out, "No findings.");
    } else {
        let mut table = new_table(options);
        table.set_header(vec!["Severity", "Finding", "Evidence", "Fix"]);
        for finding in &report.findings {
            table.add_row(vec![
                severity_cell(finding.severity),
                Cell::new(format!("{}\n{}", finding.id, finding.title)),
                Cell::new(&finding.evidence),
                Cell::new(fix_text(&finding.fix, options.fix_for)),
            ]);
        }
        let _ = writeln!(out, "{table}");
    }
    let _ = writeln!(out, "{}", verdict_line(report, options));
}

fn render_chain(out: &mut String, chain: &ChainFacts, options: &RenderOptions) {
    let mut table = new_table(options);
    table.set_header(vec![
        "#",
        "Subject / SANs",
        "Issuer",
        "Key",
        "Signature",
        "Valid until",
    ]);
    for (index, cert) in chain.certificates.iter().enumerate() {
        let mut subject = cert.subject.clone();
        let names: Vec<&str> = cert
            .dns_names
            .iter()
            .chain(&cert.ip_addresses)
            .map(String::as_str)
            .collect();
        if !names.is_empty() {
            let _ = write!(subject, "\nSANs: {}", names.join(", "));
        }
        if cert.self_signed {
            subject.push_str("\n(self-signed)");
        }
        let key = match &cert.key.curve {
            Some(curve) => format!("{} {curve}", cert.key.algorithm),
            None => format!("{} {}", cert.key.algorithm, cert.key.bits),
        };
        let weak_key = (cert.key.algorithm == "RSA" && cert.key.bits < 2048)
            || (cert.key.algorithm == "EC" && cert.key.bits < 256);
        let weak_signature =
            matches!(cert.signature_hash.as_deref(), Some("SHA-1" | "MD5")) && !cert.self_signed;
        let validity = format!("{}\n{} days left", cert.not_after, cert.days_left);
        let validity_cell = if cert.expired || cert.not_yet_valid {
            bad(format!(
                "{validity}\n{}",
                if cert.expired {
                    "EXPIRED"
                } else {
                    "NOT YET VALID"
                }
            ))
        } else {
            Cell::new(validity)
        };
        table.add_row(vec![
            Cell::new(index),
            Cell::new(subject),
            Cell::new(&cert.issuer),
            flagged(key, weak_key),
            flagged(&cert.signature_algorithm, weak_signature),
            validity_cell,
        ]);
    }
    let _ = writeln!(out, "{table}");
    let mut table = new_table(options);
    table.add_row(vec![
        Cell::new("Trust"),
        if chain.trust.trusted {
            good(format!("trusted ({})", chain.trust.store))
        } else {
            bad(format!(
                "NOT trusted ({}): {}",
                chain.trust.store,
                chain.trust.error.as_deref().unwrap_or("unknown reason")
            ))
        },
    ]);
    table.add_row(vec![
        Cell::new("Hostname"),
        if chain.hostname.matches {
            good(format!("{} matches", chain.hostname.name))
        } else {
            bad(format!(
                "{} does NOT match (certificate covers: {})",
                chain.hostname.name,
                if chain.hostname.covered.is_empty() {
                    "no names".to_string()
                } else {
                    chain.hostname.covered.join(", ")
                }
            ))
        },
    ]);
    table.add_row(vec![
        Cell::new("Order"),
        if chain.order_correct {
            good("correct")
        } else {
            bad("wrong: each certificate should be followed by its issuer")
        },
    ]);
    table.add_row(vec![
        Cell::new("Complete"),
        match &chain.missing_issuer {
            Some(issuer) if chain.incomplete => bad(format!("no: issuer '{issuer}' not sent")),
            _ if chain.incomplete => bad("no: an intermediate is missing"),
            _ => good("yes"),
        },
    ]);
    let _ = writeln!(out, "{table}");
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
    if let Some(alert) = &auth.refusal {
        let _ = write!(text, "\nrefusal: {alert}");
    }
    text
}

fn redirect_cell(redirect: &Outcome<RedirectFacts>) -> Cell {
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
            let (verdict, ok) = match facts.verdict {
                RedirectVerdict::HttpsPermanent => ("permanent redirect to HTTPS", true),
                RedirectVerdict::HttpsTemporary => ("temporary redirect to HTTPS", false),
                RedirectVerdict::OtherHost => ("redirects to another host", false),
                RedirectVerdict::NoRedirect => ("no redirect to HTTPS", false),
                RedirectVerdict::StaysHttp => ("redirects, but stays on HTTP", false),
                RedirectVerdict::Loop => ("redirect loop", false),
                RedirectVerdict::TooManyHops => ("too many redirects", false),
            };
            let text = format!("{verdict}\n{}", hops.join("\n"));
            if ok {
                good(text)
            } else {
                bad(text)
            }
        }
        Outcome::Failed { reason } => bad(format!("no answer on plain HTTP: {reason}")),
        Outcome::Skipped { reason } => Cell::new(format!("skipped: {reason}")),
    }
}

fn verdict_line(report: &HostReport, options: &RenderOptions) -> String {
    let counts: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .filter_map(|severity| {
            let count = report
                .findings
                .iter()
                .filter(|f| f.severity == *severity)
                .count();
            (count > 0).then(|| format!("{count} {severity}"))
        })
        .collect();
    let failing = report
        .worst_severity()
        .is_some_and(|worst| worst >= options.fail_on);
    let verdict = if failing { "FAIL" } else { "PASS" };
    let counts = if counts.is_empty() {
        "no findings".to_string()
    } else {
        counts.join(", ")
    };
    let text = format!(
        "Verdict: {verdict} ({counts}; --fail-on {})",
        options.fail_on
    );
    match (options.color, failing) {
        (true, true) => format!("\x1b[1;31m{text}\x1b[0m"),
        (true, false) => format!("\x1b[1;32m{text}\x1b[0m"),
        _ => text,
    }
}

fn render_summary(out: &mut String, reports: &[HostReport], options: &RenderOptions) {
    out.push('\n');
    heading(out, "Summary", options);
    let mut table = new_table(options);
    table.set_header(vec![
        "Target",
        "Protocol",
        "Certificate",
        "Worst finding",
        "Verdict",
    ]);
    for report in reports {
        let protocol = match &report.tls {
            Outcome::Ok(tls) => tls.protocol.clone(),
            Outcome::Failed { .. } => "handshake failed".into(),
            Outcome::Skipped { .. } => "-".into(),
        };
        let certificate = report
            .certificates
            .as_ref()
            .and_then(|c| c.certificates.first())
            .map(|leaf| format!("{} days left", leaf.days_left))
            .unwrap_or_else(|| "-".into());
        let worst = report
            .worst_severity()
            .map(severity_cell)
            .unwrap_or_else(|| Cell::new("none"));
        let verdict = if report.unreachable.is_some() {
            bad("UNREACHABLE")
        } else if report
            .worst_severity()
            .is_some_and(|w| w >= options.fail_on)
        {
            bad("FAIL")
        } else {
            good("PASS")
        };
        table.add_row(vec![
            Cell::new(&report.target.input),
            Cell::new(protocol),
            Cell::new(certificate),
            worst,
            verdict,
        ]);
    }
    let _ = writeln!(out, "{table}");
}

fn render_enumeration(out: &mut String, facts: &EnumerationFacts, options: &RenderOptions) {
    heading(
        out,
        &format!(
            "Protocols ({} handshakes in {} ms, at most {} at once)",
            facts.handshakes, facts.duration_ms, facts.max_connections
        ),
        options,
    );
    let mut table = new_table(options);
    for protocol in &facts.protocols {
        let legacy = matches!(
            protocol.version.as_str(),
            "SSLv2" | "SSLv3" | "TLSv1.0" | "TLSv1.1"
        );
        let verdict = match (&protocol.error, protocol.accepted) {
            (_, true) if legacy => bad("accepted"),
            (_, true) => good("accepted"),
            (Some(_), false) => Cell::new("unknown"),
            (None, false) if legacy => good("refused"),
            (None, false) => Cell::new("refused"),
        };
        let evidence = match &protocol.error {
            Some(error) if !protocol.accepted => format!("probe failed: {error}"),
            _ => protocol.evidence.clone(),
        };
        table.add_row(vec![
            Cell::new(&protocol.version),
            verdict,
            Cell::new(evidence),
        ]);
    }
    let _ = writeln!(out, "{table}");

    if !facts.cipher_suites.is_empty() {
        out.push('\n');
        heading(out, "Cipher suites", options);
        let mut table = new_table(options);
        table.set_header(vec![
            "Versions",
            "Order",
            "Suite",
            "Key exchange",
            "Bits",
            "Notes",
        ]);
        // Versions with the same suites in the same order share one block.
        let mut blocks: Vec<(Vec<&str>, &crate::facts::VersionSuites)> = Vec::new();
        for version in &facts.cipher_suites {
            let same = blocks.iter_mut().find(|(_, other)| {
                other.suites == version.suites && other.server_order == version.server_order
            });
            match same {
                Some((names, _)) => names.push(&version.version),
                None => blocks.push((vec![&version.version], version)),
            }
        }
        for (names, version) in blocks {
            let order = match version.server_order {
                Some(true) => "server",
                Some(false) => "client",
                None => "-",
            };
            for (index, suite) in version.suites.iter().enumerate() {
                let (first, order) = if index == 0 {
                    (names.join(", "), order)
                } else {
                    (String::new(), "")
                };
                let (notes, weak) = suite_notes(suite);
                let name = suite.openssl_name.as_deref().unwrap_or(&suite.name);
                let key_exchange = match (&suite.ecdh_group, suite.dh_bits) {
                    (Some(group), _) => format!("{} {group}", suite.key_exchange),
                    (None, Some(bits)) => format!("{} {bits}", suite.key_exchange),
                    _ => suite.key_exchange.clone(),
                };
                table.add_row(vec![
                    Cell::new(first),
                    Cell::new(order),
                    flagged(name, weak),
                    Cell::new(key_exchange),
                    Cell::new(suite.bits),
                    flagged(notes, weak),
                ]);
            }
        }
        let _ = writeln!(out, "{table}");
    }
    if !facts.groups.is_empty() {
        let names: Vec<&str> = facts.groups.iter().map(|g| g.name.as_str()).collect();
        let _ = writeln!(
            out,
            "Key-exchange groups{}: {}",
            groups_source(facts),
            names.join(", ")
        );
    }
}

/// Short notes on a suite, and whether any of them is a weakness.
fn suite_notes(suite: &SuiteFacts) -> (String, bool) {
    let mut notes = Vec::new();
    let mut weak = false;
    for (flag, note) in [
        (suite.null, "NULL"),
        (suite.anonymous, "anonymous"),
        (suite.export, "EXPORT"),
        (suite.rc4, "RC4"),
        (suite.des, "DES"),
        (suite.triple_des, "3DES"),
    ] {
        if flag {
            notes.push(note);
            weak = true;
        }
    }
    if suite.dh_bits.is_some_and(|bits| bits < 2048) {
        notes.push("weak DH");
        weak = true;
    }
    if !suite.forward_secrecy {
        notes.push("no FS");
    }
    if suite.cbc {
        notes.push("CBC");
    }
    if suite.aead {
        notes.push("AEAD");
    }
    (notes.join(", "), weak)
}

fn fix_text(fix: &crate::facts::Fix, fix_for: crate::cli::FixFor) -> String {
    use crate::cli::FixFor;
    match fix_for {
        FixFor::Nginx => fix.nginx.clone(),
        FixFor::Apache => fix.apache.clone(),
        FixFor::Python => fix.python.clone(),
        FixFor::All => [
            ("nginx", &fix.nginx),
            ("Apache", &fix.apache),
            ("Python", &fix.python),
        ]
        .iter()
        .filter(|(_, text)| !text.is_empty())
        .map(|(server, text)| format!("{server}: {text}"))
        .collect::<Vec<_>>()
        .join("\n"),
    }
}

/// Where the groups came from, and whose order they are in.
fn groups_source(facts: &EnumerationFacts) -> String {
    let source = match facts.groups_probed_with.as_deref() {
        Some("tls1.3") => "TLS 1.3 HelloRetryRequests".to_string(),
        Some(version) => format!("{version} ServerKeyExchange"),
        None => "probe".to_string(),
    };
    let order = match facts.groups_server_order {
        Some(true) => ", server's preference first",
        Some(false) => ", the client's order wins",
        None => "",
    };
    format!(" ({source}{order})")
}
