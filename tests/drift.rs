//! Drift against real servers: nginx scanned, reconfigured and scanned again, then `tlscheck
//! diff` on the two reports (both ways); `--baseline` end to end; bad input; and a genuine
//! schema version 1 report (testdata/diff/) compared with fresh scans.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;
use tempfile::TempDir;

/// The well-configured site made weaker in every way drift looks at: TLS 1.0 and 1.1 and a
/// static-RSA CBC suite added, a self-signed certificate for another name, HSTS down to five
/// minutes without includeSubDomains, and a 302 instead of the 301.
fn weakened() -> NginxServer {
    NginxServer::well_configured()
        .protocols("TLSv1 TLSv1.1 TLSv1.2 TLSv1.3")
        .ciphers(&format!("{HOW_TO_CIPHERS}:AES128-SHA:@SECLEVEL=0"))
        .certificate("selfsigned.pem", "selfsigned.key")
        .hsts("max-age=300")
        .redirect(302, "https://$server_name$request_uri")
}

fn scan_args(nginx: &NginxGuard) -> Vec<String> {
    let mut args = nginx.scan_args();
    args.extend(["--ca-file".to_string(), cert("root.pem")]);
    args
}

/// Scans `nginx` with `--format json` (checked against the report schema) into `dir/name`;
/// returns the file and its one report.
fn scan_to_file(nginx: &NginxGuard, dir: &Path, name: &str) -> (PathBuf, Value) {
    let (output, report) = scan(scan_args(nginx));
    let path = dir.join(name);
    std::fs::write(&path, &output.stdout).expect("write the report");
    (path, report)
}

fn path_arg(path: &Path) -> String {
    path.display().to_string()
}

fn drift_schema() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/report/wire/drift.schema.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("read drift.schema.json"))
        .expect("the drift schema is JSON")
}

#[track_caller]
fn assert_matches_drift_schema(drift: &Value, output: &Output) {
    let schema = drift_schema();
    let validator = jsonschema::validator_for(&schema).expect("the drift schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(drift)
        .map(|error| format!("{error} at {}", error.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "drift document violates drift.schema.json:\n{}\n{output}",
        errors.join("\n")
    );
}

/// `tlscheck diff OLD NEW --format json`: the run and its drift document, checked against the
/// drift schema.
fn diff_json(old: &Path, new: &Path) -> (Output, Value) {
    let output = tlscheck([
        "diff".to_string(),
        path_arg(old),
        path_arg(new),
        "--format".to_string(),
        "json".to_string(),
    ]);
    let drift: Value = serde_json::from_str(&output.stdout)
        .unwrap_or_else(|error| panic!("diff's stdout is not JSON ({error})\n{output}"));
    assert_matches_drift_schema(&drift, &output);
    (output, drift)
}

/// The one compared target's changes as (effect, area, change, subject).
fn changes(drift: &Value) -> Vec<(String, String, String, String)> {
    let targets = array_at(drift, "/targets");
    assert_eq!(targets.len(), 1, "one target: {drift:#}");
    assert_eq!(targets[0]["presence"], "compared");
    array_at(&targets[0], "/changes")
        .iter()
        .map(|change| {
            let field = |name: &str| change[name].as_str().unwrap_or_default().to_string();
            (
                field("effect"),
                field("area"),
                field("change"),
                field("subject"),
            )
        })
        .collect()
}

fn line(effect: &str, area: &str, change: &str, subject: &str) -> (String, String, String, String) {
    (
        effect.to_string(),
        area.to_string(),
        change.to_string(),
        subject.to_string(),
    )
}

/// The change in `area` about `subject`.
fn change_at<'a>(drift: &'a Value, area: &str, subject: &str) -> &'a Value {
    array_at(drift, "/targets/0/changes")
        .iter()
        .find(|change| change["area"] == area && change["subject"] == subject)
        .unwrap_or_else(|| panic!("no {area} change about {subject:?}: {drift:#}"))
}

#[test]
fn diff_lists_what_a_weakened_configuration_changed_and_exits_1_and_0_the_other_way() {
    let dir = TempDir::new().expect("temporary directory");
    let good = NginxServer::well_configured().start();
    let (before_path, before) = scan_to_file(&good, dir.path(), "before.json");
    drop(good);
    let weak = weakened().start();
    let (after_path, after) = scan_to_file(&weak, dir.path(), "after.json");
    drop(weak);

    let (output, drift) = diff_json(&before_path, &after_path);
    assert_eq!(output.code, 1, "a regression exits 1\n{output}");
    assert_eq!(drift["regressed"], true);
    assert_eq!(drift["old"]["source"], path_arg(&before_path));
    assert_eq!(drift["new"]["schema_version"], 2);
    let found = changes(&drift);
    let (findings, others): (Vec<_>, Vec<_>) = found
        .iter()
        .cloned()
        .partition(|(_, area, _, _)| area == "finding");
    assert_eq!(
        others,
        vec![
            line("change", "certificate", "changed", "leaf"),
            line("regression", "trust", "changed", ""),
            line("regression", "hostname", "changed", "good.test"),
            line("regression", "protocol", "added", "TLSv1.0"),
            line("regression", "protocol", "added", "TLSv1.1"),
            line(
                "regression",
                "cipher-suite",
                "added",
                "TLSv1.0 TLS_RSA_WITH_AES_128_CBC_SHA"
            ),
            line(
                "regression",
                "cipher-suite",
                "added",
                "TLSv1.1 TLS_RSA_WITH_AES_128_CBC_SHA"
            ),
            line(
                "regression",
                "cipher-suite",
                "added",
                "TLSv1.2 TLS_RSA_WITH_AES_128_CBC_SHA"
            ),
            line("regression", "verdict", "changed", ""),
            line("regression", "grade", "changed", ""),
            line("regression", "hsts", "changed", "max-age"),
            line("regression", "hsts", "removed", "includeSubDomains"),
            line("regression", "redirect", "changed", ""),
        ],
        "{drift:#}"
    );
    // The rotation says from what to what.
    let rotation = change_at(&drift, "certificate", "leaf");
    assert_eq!(
        rotation["before"]["sha256_fingerprint"],
        openssl_sha256_fingerprint("good.pem")
    );
    assert_eq!(
        rotation["after"]["sha256_fingerprint"],
        openssl_sha256_fingerprint("selfsigned.pem")
    );
    assert_eq!(rotation["after"]["subject"], "CN=selfsigned.test");
    assert_eq!(rotation["after"]["key"], "RSA 2048");
    let details: Vec<&str> = array_at(rotation, "/details")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        details.contains(&"subject CN=good.test -> CN=selfsigned.test"),
        "{details:?}"
    );
    // Values come from the two reports.
    let grade = change_at(&drift, "grade", "");
    assert_eq!(grade["before"], before["grade"]["letter"]);
    assert_eq!(grade["after"], after["grade"]["letter"]);
    assert_eq!(grade["after"], "T", "untrusted: {:#}", after["grade"]);
    assert_eq!(change_at(&drift, "verdict", "")["before"], "pass");
    assert_eq!(change_at(&drift, "verdict", "")["after"], "fail");
    let max_age = change_at(&drift, "hsts", "max-age");
    assert_eq!(
        (max_age["before"].as_u64(), max_age["after"].as_u64()),
        (Some(63_072_000), Some(300))
    );
    assert_eq!(
        change_at(&drift, "redirect", "")["message"],
        "plain-HTTP redirect https-permanent (301) -> https-temporary (302)"
    );
    // Findings only appeared; those at or above fail_on (high) are regressions.
    assert!(
        findings.iter().all(|(_, _, change, _)| change == "added"),
        "{findings:?}"
    );
    for (id, effect) in [
        ("cert.hostname-mismatch", "regression"),
        ("cert.self-signed", "regression"),
        ("policy.tls-versions", "regression"),
        ("protocol.tls10", "change"),
        ("hsts.short-max-age", "change"),
    ] {
        assert!(
            findings.contains(&line(effect, "finding", "added", id)),
            "{id} should be a {effect}: {findings:?}"
        );
    }
    let regressions = found
        .iter()
        .filter(|(effect, ..)| effect == "regression")
        .count();
    assert_eq!(drift["summary"]["regressions"], regressions);

    // The same, as text: a line per change and the counts.
    let text = tlscheck(["diff", &path_arg(&before_path), &path_arg(&after_path)]);
    assert_eq!(text.code, 1, "{text}");
    for expected in [
        "good.test (good.test:443)\n",
        "  regression    protocol      TLSv1.0 accepted now (refused before)\n",
        "  regression    hsts          HSTS includeSubDomains dropped\n",
        "  change        certificate   leaf certificate rotated: CN=good.test (",
    ] {
        assert!(text.stdout.contains(expected), "no {expected:?} in\n{text}");
    }
    assert!(
        text.stdout.ends_with(&format!(
            "\n{regressions} regressions, 0 improvements, {} changes, 0 not compared\n",
            found
                .iter()
                .filter(|(effect, ..)| effect == "change")
                .count()
        )),
        "{text}"
    );
    let markdown = tlscheck([
        "diff",
        &path_arg(&before_path),
        &path_arg(&after_path),
        "--format",
        "markdown",
    ]);
    assert_eq!(markdown.code, 1, "{markdown}");
    assert!(
        markdown
            .stdout
            .starts_with("### tlscheck drift: REGRESSED ("),
        "{markdown}"
    );

    // The other way round everything is better, and nothing regressed: exit 0.
    let (output, drift) = diff_json(&after_path, &before_path);
    assert_eq!(output.code, 0, "improvements exit 0\n{output}");
    assert_eq!(drift["regressed"], false);
    let found = changes(&drift);
    let (findings, others): (Vec<_>, Vec<_>) = found
        .iter()
        .cloned()
        .partition(|(_, area, _, _)| area == "finding");
    assert_eq!(
        others,
        vec![
            line("change", "certificate", "changed", "leaf"),
            line("improvement", "trust", "changed", ""),
            line("improvement", "hostname", "changed", "good.test"),
            line("improvement", "protocol", "removed", "TLSv1.0"),
            line("improvement", "protocol", "removed", "TLSv1.1"),
            line(
                "improvement",
                "cipher-suite",
                "removed",
                "TLSv1.0 TLS_RSA_WITH_AES_128_CBC_SHA"
            ),
            line(
                "improvement",
                "cipher-suite",
                "removed",
                "TLSv1.1 TLS_RSA_WITH_AES_128_CBC_SHA"
            ),
            line(
                "improvement",
                "cipher-suite",
                "removed",
                "TLSv1.2 TLS_RSA_WITH_AES_128_CBC_SHA"
            ),
            line("improvement", "verdict", "changed", ""),
            line("improvement", "grade", "changed", ""),
            line("improvement", "hsts", "changed", "max-age"),
            line("improvement", "hsts", "added", "includeSubDomains"),
            line("improvement", "redirect", "changed", ""),
        ],
        "{drift:#}"
    );
    assert!(
        findings
            .iter()
            .all(|(effect, _, change, _)| change == "removed" && effect != "regression"),
        "{findings:?}"
    );
    assert!(findings.contains(&line(
        "improvement",
        "finding",
        "removed",
        "cert.self-signed"
    )));
}

#[test]
fn baseline_prints_the_drift_after_the_report_and_a_regression_fails_a_passing_scan() {
    let dir = TempDir::new().expect("temporary directory");
    let good = NginxServer::well_configured().start();
    let (baseline, _) = scan_to_file(&good, dir.path(), "baseline.json");

    // The same server against its own baseline: no changes, exit 0.
    let mut args = scan_args(&good);
    args.extend(["--baseline".to_string(), path_arg(&baseline)]);
    let same = tlscheck(&args);
    assert_eq!(same.code, 0, "{same}");
    let drift_at = same
        .stdout
        .find("Drift from ")
        .unwrap_or_else(|| panic!("no drift after the report\n{same}"));
    assert!(drift_at > 0, "the report comes first\n{same}");
    assert!(same.stdout[drift_at..].contains(" to this scan"), "{same}");
    assert!(
        same.stdout.ends_with("  no changes\n\nno changes\n"),
        "{same}"
    );
    drop(good);

    // Only HSTS shortened: the scan itself still passes (exit 0 without a baseline), but it
    // is weaker than the baseline, so with it the exit code is 1.
    let shorter = NginxServer::well_configured()
        .hsts("max-age=300; includeSubDomains")
        .start();
    let alone = tlscheck(scan_args(&shorter));
    assert_eq!(alone.code, 0, "the scan alone passes\n{alone}");
    let mut args = scan_args(&shorter);
    args.extend(["--baseline".to_string(), path_arg(&baseline)]);
    let compared = tlscheck(&args);
    assert_eq!(
        compared.code, 1,
        "a regression from the baseline exits 1\n{compared}"
    );
    assert!(
        compared
            .stdout
            .contains("  regression    hsts          HSTS max-age lowered from 63072000 s (730 days) to 300 s\n"),
        "{compared}"
    );

    // In JSON the drift is inside the one document, which still matches the report schema.
    args.extend(["--format".to_string(), "json".to_string()]);
    let json = tlscheck(&args);
    assert_eq!(json.code, 1, "{json}");
    let document: Value = serde_json::from_str(&json.stdout)
        .unwrap_or_else(|error| panic!("not one JSON document ({error})\n{json}"));
    assert_matches_schema(&document, &json);
    assert_no_debug_rendering(&document, &json);
    let drift = &document["drift"];
    assert_matches_drift_schema(drift, &json);
    assert_eq!(drift["regressed"], true);
    assert_eq!(drift["old"]["source"], path_arg(&baseline));
    assert_eq!(drift["new"]["source"], "this scan");
    assert_eq!(change_at(drift, "hsts", "max-age")["effect"], "regression");
    assert!(json.stderr.is_empty(), "{json}");

    // JUnit has no room for it: the drift goes to standard error, the XML stays whole.
    let mut junit_args = scan_args(&shorter);
    junit_args.extend(["--baseline", &path_arg(&baseline), "--format", "junit"].map(String::from));
    let junit = tlscheck(&junit_args);
    assert_eq!(junit.code, 1, "{junit}");
    assert!(junit.stdout.starts_with("<?xml"), "{junit}");
    assert!(junit.stderr.contains("HSTS max-age lowered"), "{junit}");
}

#[test]
fn baseline_of_a_target_that_went_away_exits_3_and_lists_the_regression() {
    let dir = TempDir::new().expect("temporary directory");
    let good = NginxServer::well_configured().start();
    let (baseline, _) = scan_to_file(&good, dir.path(), "baseline.json");
    let port = good.https_port;
    drop(good);
    let mut args = vec!["good.test".to_string()];
    args.extend(connect_to("good.test", 443, port));
    args.extend(connect_to("good.test", 80, free_port()));
    args.extend(["--baseline".to_string(), path_arg(&baseline)]);
    let output = tlscheck(&args);
    assert_eq!(
        output.code, 3,
        "unreachable exits 3 whatever the drift\n{output}"
    );
    assert!(
        output
            .stdout
            .contains("  regression    reachability  could not be scanned: "),
        "{output}"
    );
}

#[test]
fn a_bad_baseline_is_a_usage_error_found_before_any_scan() {
    let dir = TempDir::new().expect("temporary directory");
    // Nobody listens here: a scan would exit 3, so exit 2 shows the file was checked first.
    let mut target = vec!["good.test".to_string()];
    target.extend(connect_to("good.test", 443, free_port()));
    target.extend(["--no-http".to_string()]);

    let missing = dir.path().join("missing.json");
    let mut args = target.clone();
    args.extend(["--baseline".to_string(), path_arg(&missing)]);
    let output = tlscheck(&args);
    assert_eq!(output.code, 2, "{output}");
    assert!(output.stdout.is_empty(), "{output}");
    assert!(
        output.stderr.starts_with(&format!(
            "tlscheck: error: cannot read --baseline '{}': ",
            missing.display()
        )),
        "{output}"
    );

    let sarif = dir.path().join("report.sarif");
    std::fs::write(&sarif, "{\"version\": \"2.1.0\", \"runs\": []}").expect("write");
    let mut args = target;
    args.extend(["--baseline".to_string(), path_arg(&sarif)]);
    let output = tlscheck(&args);
    assert_eq!(output.code, 2, "{output}");
    assert_eq!(
        output.stderr,
        format!(
            "tlscheck: error: --baseline '{}' is not a tlscheck JSON report: it has no \
             schema_version (write one with `tlscheck TARGET --format json`)\n",
            sarif.display()
        )
    );
}

#[test]
fn diff_refuses_files_that_are_not_reports_it_can_read_naming_each() {
    let dir = TempDir::new().expect("temporary directory");
    let v1 = testdata_path("diff/v1-good-test.json");
    let write = |name: &str, content: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, content).expect("write");
        path
    };
    let text = write("notes.txt", "not json at all");
    let future = write(
        "future.json",
        r#"{"schema_version": 3, "tool": {"name": "tlscheck", "version": "9.0.0"}, "reports": []}"#,
    );
    let broken = write(
        "broken.json",
        r#"{"schema_version": 2, "reports": [{"target": {"input": "a", "host": "a", "port": "443"}}]}"#,
    );
    let missing = dir.path().join("missing.json");
    for (old, new, expected) in [
        (
            &missing,
            &v1,
            format!("cannot read OLD '{}': ", missing.display()),
        ),
        (
            &v1,
            &text,
            format!(
                "NEW '{}' is not a tlscheck JSON report: not JSON (",
                text.display()
            ),
        ),
        (
            &future,
            &v1,
            format!(
                "OLD '{}' has schema_version 3, which this tlscheck (",
                future.display()
            ),
        ),
        (
            &v1,
            &broken,
            format!(
                "NEW '{}' is not a valid tlscheck report: reports[0]: ",
                broken.display()
            ),
        ),
    ] {
        let output = tlscheck(["diff", &path_arg(old), &path_arg(new)]);
        assert_eq!(output.code, 2, "{output}");
        assert!(output.stdout.is_empty(), "{output}");
        assert!(
            output
                .stderr
                .starts_with(&format!("tlscheck: error: {expected}")),
            "expected {expected:?}\n{output}"
        );
    }

    // A drift document is not a report either.
    let (_, drift) = diff_json(&v1, &v1);
    let drift_file = write("drift.json", &drift.to_string());
    let output = tlscheck(["diff", &path_arg(&drift_file), &path_arg(&v1)]);
    assert_eq!(output.code, 2, "{output}");
    assert!(output.stderr.contains("it is a drift document"), "{output}");

    // And diff wants exactly two files.
    let output = tlscheck(["diff", &path_arg(&v1)]);
    assert_eq!(output.code, 2, "{output}");
}

#[test]
fn a_version_1_report_compares_with_fresh_scans_of_its_configuration_and_a_weaker_one() {
    let dir = TempDir::new().expect("temporary directory");
    let v1 = testdata_path("diff/v1-good-test.json");
    let v1_document: Value =
        serde_json::from_str(&std::fs::read_to_string(&v1).expect("read")).expect("JSON");
    assert_eq!(
        v1_document["schema_version"], 1,
        "the fixture is a version 1 report"
    );

    // The configuration the version 1 report was made from: nothing the server does changed.
    let same = NginxServer::well_configured().start();
    let (now, _) = scan_to_file(&same, dir.path(), "now.json");
    let (output, drift) = diff_json(&v1, &now);
    assert_eq!(output.code, 0, "{output}");
    assert_eq!(drift["old"]["schema_version"], 1);
    assert_eq!(drift["old"]["policy"], "none");
    let found = changes(&drift);
    let server_areas = [
        "certificate",
        "chain",
        "trust",
        "hostname",
        "protocol",
        "cipher-suite",
        "group",
        "hsts",
        "redirect",
        "reachability",
    ];
    assert!(
        !found
            .iter()
            .any(|(_, area, ..)| server_areas.contains(&area.as_str())),
        "the server did not change: {drift:#}"
    );
    assert!(
        found.contains(&line("not-compared", "grade", "changed", "")),
        "{found:?}"
    );
    assert!(
        array_at(&drift, "/notes").iter().any(|note| note
            .as_str()
            .is_some_and(|n| n.contains("schema_version 1"))),
        "{drift:#}"
    );
    // As a baseline too.
    let mut args = scan_args(&same);
    args.extend(["--baseline".to_string(), path_arg(&v1)]);
    let baseline = tlscheck(&args);
    assert_eq!(baseline.code, 0, "{baseline}");
    drop(same);

    // A weaker server than the version 1 report's.
    let weak = weakened().start();
    let mut args = scan_args(&weak);
    args.extend(["--baseline", &path_arg(&v1), "--format", "json"].map(String::from));
    let output = tlscheck(&args);
    assert_eq!(output.code, 1, "{output}");
    let document: Value = serde_json::from_str(&output.stdout).expect("JSON");
    let drift = &document["drift"];
    for subject in ["TLSv1.0", "TLSv1.1"] {
        let change = change_at(drift, "protocol", subject);
        assert_eq!(change["effect"], "regression", "{change:#}");
        assert_eq!(
            (&change["before"], &change["after"]),
            (&Value::from("refused"), &Value::from("accepted"))
        );
    }
    assert_eq!(change_at(drift, "trust", "")["effect"], "regression");
}
