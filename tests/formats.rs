//! The CI formats against real servers: JUnit XML read back by a JUnit reader of another
//! ecosystem (Python's junitparser), SARIF validated against the OASIS SARIF 2.1.0 schema,
//! Markdown for a pull request; and the exit codes, the same for every format: 0 compliant,
//! 1 non-compliant, 3 a target could not be scanned (but `--format nagios`, which exits with the
//! plugin's state: tests/nagios.rs).

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::*;
use serde_json::Value;

const FORMATS: [&str; 5] = ["table", "json", "junit", "sarif", "markdown"];

/// Three targets: a passing nginx, a failing one (an expired certificate), and a closed port.
struct Lab {
    good: NginxGuard,
    expired: ServerGuard,
    closed: u16,
}

impl Lab {
    fn start() -> Lab {
        Lab {
            good: NginxServer::well_configured().start(),
            expired: OpensslServer::new("expired-fullchain.pem", "expired.key").start(),
            closed: free_port(),
        }
    }

    /// Arguments scanning the passing target, then the failing one, then the closed port, as
    /// far as `how_many` says.
    fn args(&self, how_many: usize, format: &str) -> Vec<String> {
        let mut args: Vec<String> = ["good.test", "expired.test", "closed.test"]
            .iter()
            .take(how_many)
            .map(|name| name.to_string())
            .collect();
        args.extend(connect_to("good.test", 443, self.good.https_port));
        args.extend(connect_to("good.test", 80, self.good.http_port));
        args.extend(connect_to("expired.test", 443, self.expired.port()));
        args.extend(connect_to("expired.test", 80, free_port()));
        args.extend(connect_to("closed.test", 443, self.closed));
        args.extend(connect_to("closed.test", 80, self.closed));
        args.extend(
            [
                "--ca-file",
                &cert("root.pem"),
                "--format",
                format,
                "--timeout",
                "3",
            ]
            .map(String::from),
        );
        args
    }
}

#[test]
fn exit_codes_mean_the_same_in_every_format() {
    let lab = Lab::start();
    for format in FORMATS {
        for (targets, expected) in [(1, 0), (2, 1), (3, 3)] {
            let output = tlscheck(lab.args(targets, format));
            assert_eq!(
                output.code, expected,
                "--format {format} with {targets} target(s)\n{output}"
            );
            assert!(!output.stdout.is_empty(), "{output}");
        }
    }
}

#[test]
fn junit_is_read_back_by_a_junit_reader() {
    let lab = Lab::start();
    let output = tlscheck(lab.args(3, "junit"));
    assert_eq!(output.code, 3, "{output}");
    let dir = tempfile::tempdir().expect("temporary directory");
    let report = dir.path().join("report.xml");
    std::fs::write(&report, &output.stdout).expect("write the report");
    let python = require_python_module("junitparser", "junitparser==5.0.3");
    // junitparser's own reading of the file: suites, their counts, and the failed cases.
    let script = r#"
import json, sys
from junitparser import JUnitXml, Failure, Error
xml = JUnitXml.fromfile(sys.argv[1])
out = []
for suite in xml:
    cases = []
    for case in suite:
        kinds = [type(r).__name__ for r in case.result]
        messages = [r.message for r in case.result]
        if kinds:
            cases.append({"name": case.name, "classname": case.classname, "kinds": kinds, "messages": messages})
    out.append({"name": suite.name, "tests": suite.tests, "failures": suite.failures,
                "errors": suite.errors, "cases": cases})
print(json.dumps(out))
"#;
    let read = Command::new(python)
        .args(["-c", script])
        .arg(&report)
        .output()
        .expect("run junitparser");
    assert!(
        read.status.success(),
        "junitparser could not read it: {}\n{output}",
        String::from_utf8_lossy(&read.stderr)
    );
    let suites: Value = serde_json::from_slice(&read.stdout).expect("JSON from the reader");
    let suites = suites.as_array().expect("suites");
    assert_eq!(suites.len(), 3, "{suites:?}");
    let by_name = |name: &str| {
        suites
            .iter()
            .find(|suite| suite["name"] == name)
            .unwrap_or_else(|| panic!("no suite {name}: {suites:?}"))
    };
    let good = by_name("good.test");
    assert_eq!(good["failures"], 0, "{good}");
    assert_eq!(good["errors"], 0);
    assert!(good["tests"].as_u64().expect("tests") > 40);
    let expired = by_name("expired.test");
    assert!(
        expired["failures"].as_u64().expect("failures") >= 1,
        "{expired}"
    );
    let failed = expired["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|case| case["name"] == "cert.expired")
        .unwrap_or_else(|| panic!("cert.expired did not fail: {expired}"));
    assert_eq!(failed["kinds"][0], "Failure");
    assert_eq!(failed["classname"], "tlscheck.certificate");
    assert!(failed["messages"][0]
        .as_str()
        .expect("message")
        .contains("expired on"));
    let closed = by_name("closed.test");
    assert_eq!(closed["errors"], 1, "{closed}");
    assert_eq!(closed["cases"][0]["kinds"][0], "Error");
}

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    let lab = Lab::start();
    let output = tlscheck(lab.args(3, "sarif"));
    assert_eq!(output.code, 3, "{output}");
    let document: Value = serde_json::from_str(&output.stdout).expect("SARIF is JSON");
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(repo("testdata/sarif/sarif-schema-2.1.0.json"))
            .expect("the SARIF schema"),
    )
    .expect("schema JSON");
    let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&document)
        .map(|error| format!("{error} at {}", error.instance_path))
        .collect();
    assert!(errors.is_empty(), "not SARIF 2.1.0:\n{}", errors.join("\n"));
    // The schema does catch a broken document.
    let mut broken = document.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(
        !validator.is_valid(&broken),
        "the schema let a bad level through"
    );

    let run = &document["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), tlscheck::analysis::catalog::CATALOG.len());
    let results = run["results"].as_array().expect("results");
    let expired = results
        .iter()
        .find(|result| result["ruleId"] == "cert.expired")
        .unwrap_or_else(|| panic!("no cert.expired result: {results:?}"));
    assert_eq!(expired["level"], "error");
    assert_eq!(
        rules[expired["ruleIndex"].as_u64().expect("index") as usize]["id"],
        "cert.expired"
    );
    assert_eq!(
        expired["locations"][0]["logicalLocations"][0]["name"],
        "expired.test"
    );
    // A rule id that is not in the catalogue would not be found above; the unreachable target
    // is a notification, not a result.
    assert!(results
        .iter()
        .all(|result| result["properties"]["target"] != "closed.test"));
    let notification = &run["invocations"][0]["toolExecutionNotifications"][0];
    assert_eq!(notification["level"], "error");
    assert!(notification["message"]["text"]
        .as_str()
        .expect("text")
        .starts_with("closed.test could not be scanned"));
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
}

#[test]
fn markdown_puts_the_verdict_first_and_only_failing_findings() {
    let lab = Lab::start();
    let output = tlscheck(lab.args(2, "markdown"));
    assert_eq!(output.code, 1, "{output}");
    let text = &output.stdout;
    assert!(
        text.starts_with("### tlscheck: FAIL (1 passed, 1 failed, 0 could not be scanned"),
        "{text}"
    );
    assert!(text.contains("| good.test | **PASS** |"), "{text}");
    assert!(text.contains("#### expired.test: FAIL"), "{text}");
    assert!(text.contains("- **CRITICAL** `cert.expired`"), "{text}");
    assert!(
        !text.contains("#### good.test"),
        "a passing target has no section\n{text}"
    );
}
