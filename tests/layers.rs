//! The layers keep their places: the network stays in `probe/`, facts never reach up to the
//! judging or rendering layers, and the judging and rendering layers never reach down to the
//! network or the command line. Checked from the source, file by file.

use std::path::{Path, PathBuf};

fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            found.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
    found
}

/// The crate modules a file refers to (`crate::probe::...`, `use crate::{probe, scan}`), with
/// the file's test module left out.
fn crate_modules(text: &str) -> Vec<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or(text);
    let mut modules = Vec::new();
    for (index, _) in code.match_indices("crate::") {
        let rest = &code[index + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = group.split('}').next().unwrap_or("");
            for item in inner.split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                modules.push(name);
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            modules.push(name);
        }
    }
    modules.retain(|m| !m.is_empty());
    modules
}

/// Every file under `src/<folder>` (or the file `src/<folder>.rs`), by its path from `src/`.
fn files_of(folder: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    sources(&root)
        .into_iter()
        .map(|path| {
            let relative = path
                .strip_prefix(&root)
                .expect("under src")
                .display()
                .to_string();
            let text = std::fs::read_to_string(&path).expect("read source");
            (relative, text)
        })
        .filter(|(relative, _)| {
            relative.starts_with(&format!("{folder}/")) || *relative == format!("{folder}.rs")
        })
        .collect()
}

#[track_caller]
fn assert_never_uses(folders: &[&str], forbidden: &[&str]) {
    let mut broken = Vec::new();
    for folder in folders {
        let files = files_of(folder);
        assert!(!files.is_empty(), "no sources under src/{folder}");
        for (file, text) in files {
            for module in crate_modules(&text) {
                if forbidden.contains(&module.as_str()) {
                    broken.push(format!("src/{file} uses crate::{module}"));
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "layer rule broken:\n{}",
        broken.join("\n")
    );
}

#[test]
fn probes_and_facts_never_use_the_judging_or_rendering_layers() {
    assert_never_uses(
        &["probe", "scan", "facts", "x509", "tls", "target"],
        &[
            "analysis",
            "policy",
            "report",
            "remediation",
            "cli",
            "app",
            "output",
        ],
    );
}

#[test]
fn analysis_policy_and_remediation_are_pure() {
    assert_never_uses(
        &["analysis", "policy", "remediation"],
        &["probe", "scan", "report", "cli", "app", "output"],
    );
}

#[test]
fn drift_compares_reports_without_the_network_the_command_line_or_the_renderers() {
    assert_never_uses(
        &["drift"],
        &["probe", "scan", "report", "cli", "app", "output"],
    );
}

#[test]
fn renderers_know_neither_the_network_nor_the_command_line() {
    assert_never_uses(&["report"], &["probe", "scan", "cli", "app", "output"]);
}

#[test]
fn only_probes_open_sockets() {
    // The demo starts its own servers, and `serve` its HTTP server: the other places with
    // sockets. Neither connects to a target: the probes they run still go through probe/.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut broken = Vec::new();
    for path in sources(&root) {
        let relative = path
            .strip_prefix(&root)
            .expect("under src")
            .display()
            .to_string();
        if relative.starts_with("probe/") || relative == "app/demo.rs" {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read source");
        let code = text.split("#[cfg(test)]").next().unwrap_or(&text);
        // The exporter accepts connections; it never opens one itself.
        let needles: &[&str] = if relative == "app/serve.rs" {
            &[
                "TcpStream::connect",
                "UdpSocket",
                "lookup_host",
                "TcpSocket",
            ]
        } else {
            &["TcpStream", "TcpListener", "UdpSocket", "lookup_host"]
        };
        for needle in needles {
            if code.contains(needle) {
                broken.push(format!("src/{relative} uses {needle}"));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "sockets outside probe/:\n{}",
        broken.join("\n")
    );
}

#[test]
fn the_module_reference_reader_reads_groups_and_paths() {
    let modules = crate_modules("use crate::{probe, scan::X};\nlet x = crate::report::y();");
    assert_eq!(modules, vec!["probe", "scan", "report"]);
}
