//! Docs stay true: committed completions and man page match the CLI, README usage matches
//! `--help`, the README's findings table and the schema's finding ids match the catalogue,
//! ARCHITECTURE.md names every source folder, and real JSON output validates against the
//! committed schema.
//!
//! Run with `TLSCHECK_BLESS=1` to rewrite the completions, the man page, the README's usage and
//! findings table after a change.

use std::path::PathBuf;
use std::process::Command;

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn tlscheck(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tlscheck"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run tlscheck")
}

#[test]
fn committed_completions_match_the_cli() {
    use clap_complete::Shell;
    let bless = std::env::var_os("TLSCHECK_BLESS").is_some();
    for (shell, file) in [
        (Shell::Bash, "completions/tlscheck.bash"),
        (Shell::Zsh, "completions/_tlscheck"),
        (Shell::Fish, "completions/tlscheck.fish"),
        (Shell::PowerShell, "completions/_tlscheck.ps1"),
    ] {
        let generated = tlscheck::completions(shell);
        let path = repo(file);
        if bless {
            std::fs::write(&path, &generated).expect("write completion");
        }
        let committed = std::fs::read(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "{file} is stale: regenerate with TLSCHECK_BLESS=1 cargo test --test docs"
        );
        // The subcommand prints the same script.
        let output = tlscheck(&["completions", &shell.to_string()]);
        assert_eq!(output.status.code(), Some(0));
        assert_eq!(output.stdout, generated, "`tlscheck completions {shell}`");
    }
}

#[test]
fn readme_usage_matches_help() {
    let readme = std::fs::read_to_string(repo("README.md")).expect("README.md");
    let start = readme
        .find("<!-- usage:start -->\n```text\n")
        .expect("README has a usage:start marker")
        + "<!-- usage:start -->\n```text\n".len();
    let end = readme[start..]
        .find("```\n<!-- usage:end -->")
        .expect("README has a usage:end marker")
        + start;
    let help = tlscheck(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    let help = String::from_utf8(help.stdout).expect("utf-8 help");
    if std::env::var_os("TLSCHECK_BLESS").is_some() {
        let blessed = format!("{}{}{}", &readme[..start], help, &readme[end..]);
        std::fs::write(repo("README.md"), blessed).expect("write README.md");
        return;
    }
    assert_eq!(
        readme[start..end],
        help,
        "README usage differs from `tlscheck --help`: TLSCHECK_BLESS=1 cargo test --test docs rewrites it"
    );
}

#[test]
fn demo_json_validates_against_the_committed_schema() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo("src/report/wire/report.schema.json")).expect("schema"),
    )
    .expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let output = tlscheck(&["demo", "--format", "json"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON output");
    let errors: Vec<String> = validator
        .iter_errors(&document)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "schema violations:\n{}",
        errors.join("\n")
    );
    // The demo covers each kind of outcome the schema allows.
    let reports = document["reports"].as_array().expect("reports");
    assert_eq!(reports.len(), 5);
    assert_eq!(reports[0]["tls"]["status"], "ok");
    assert_eq!(reports[0]["redirect"]["verdict"], "https-permanent");
    assert_eq!(reports[2]["redirect"]["verdict"], "no-redirect");
    assert_eq!(reports[3]["client_auth"]["required"], true);
    assert_eq!(reports[4]["client_auth"]["accepted"], true);
}

#[test]
fn schema_rejects_a_report_that_breaks_the_contract() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo("src/report/wire/report.schema.json")).expect("schema"),
    )
    .expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let output = tlscheck(&["demo", "--format", "json"]);
    let mut document: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    document["reports"][0]["findings"] = serde_json::json!([{"id": "x", "severity": "urgent"}]);
    assert!(!validator.is_valid(&document));
}

fn bless() -> bool {
    std::env::var_os("TLSCHECK_BLESS").is_some()
}

#[test]
fn committed_man_page_matches_the_cli() {
    let command = <tlscheck::cli::Cli as clap::CommandFactory>::command();
    let mut generated = Vec::new();
    clap_mangen::Man::new(command)
        .render(&mut generated)
        .expect("render the man page");
    let path = repo("completions/tlscheck.1");
    if bless() {
        std::fs::write(&path, &generated).expect("write the man page");
    }
    let committed = std::fs::read(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "completions/tlscheck.1 is stale: regenerate with TLSCHECK_BLESS=1 cargo test --test docs"
    );
    let text = String::from_utf8(generated).expect("UTF-8 man page");
    for flag in ["target\\-timeout", "max\\-connections", "fail\\-on"] {
        assert!(text.contains(flag), "the man page lacks {flag}");
    }
}

/// The README's findings table, made from the catalogue.
fn findings_table() -> String {
    use tlscheck::analysis::catalog::CATALOG;
    let mut table = String::from("| Finding | Severity | Says | Points at |\n|---|---|---|---|\n");
    for entry in CATALOG {
        let severities: Vec<&str> = entry.severities.iter().map(|s| s.as_str()).collect();
        let severity = if entry.when.is_empty() {
            severities.join(", ")
        } else {
            format!("{} ({})", severities.join(", "), entry.when)
        };
        table.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            entry.id,
            severity,
            entry.title,
            entry.subject.name()
        ));
    }
    table
}

#[test]
fn readme_findings_table_matches_the_catalogue() {
    let readme = std::fs::read_to_string(repo("README.md")).expect("README.md");
    let start_marker = "<!-- findings:start -->\n";
    let end_marker = "<!-- findings:end -->";
    let start = readme
        .find(start_marker)
        .expect("README has a findings:start marker")
        + start_marker.len();
    let end = readme[start..]
        .find(end_marker)
        .expect("README has a findings:end marker")
        + start;
    let generated = findings_table();
    if bless() {
        let blessed = format!("{}{}{}", &readme[..start], generated, &readme[end..]);
        std::fs::write(repo("README.md"), blessed).expect("write README.md");
        return;
    }
    assert_eq!(
        readme[start..end],
        generated,
        "README findings table differs from the catalogue: TLSCHECK_BLESS=1 cargo test --test docs rewrites it"
    );
}

#[test]
fn schema_lists_exactly_the_catalogue_ids() {
    use tlscheck::analysis::catalog::CATALOG;
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo("src/report/wire/report.schema.json")).expect("schema"),
    )
    .expect("schema is JSON");
    let listed: Vec<&str> = schema["$defs"]["finding"]["properties"]["id"]["enum"]
        .as_array()
        .expect("the schema lists finding ids")
        .iter()
        .map(|id| id.as_str().expect("id"))
        .collect();
    let catalogue: Vec<&str> = CATALOG.iter().map(|entry| entry.id.as_str()).collect();
    assert_eq!(listed, catalogue);
}

#[test]
fn architecture_names_every_source_folder() {
    fn folders(dir: &std::path::Path, found: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                found.push(path.clone());
                folders(&path, found);
            }
        }
    }
    let architecture = std::fs::read_to_string(repo("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let root = repo("");
    let mut found = Vec::new();
    folders(&repo("src"), &mut found);
    assert!(found.len() > 5, "{found:?}");
    for folder in found {
        let name = format!(
            "{}/",
            folder.strip_prefix(&root).expect("in repo").display()
        );
        assert!(
            architecture.contains(&format!("`{name}")),
            "ARCHITECTURE.md does not name {name}"
        );
    }
}

#[test]
fn a_reader_that_goes_away_is_not_an_error() {
    use std::io::Read;
    let mut child = Command::new(env!("CARGO_BIN_EXE_tlscheck"))
        .args(["demo"])
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start tlscheck demo");
    let mut first = [0u8; 64];
    let mut stdout = child.stdout.take().expect("stdout");
    stdout.read_exact(&mut first).expect("the demo prints");
    drop(stdout);
    let output = child.wait_with_output().expect("wait for tlscheck demo");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
}
