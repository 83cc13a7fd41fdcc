//! Many targets: lists from a file or standard input (comments, per-line overrides, duplicates
//! scanned once and reported per line), JSON Lines streamed as targets finish, repeated
//! `--resolve` for one name, and Ctrl-C (exit 130, every finished target written whole, the
//! rest counted).

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

fn openssl_good() -> ServerGuard {
    OpensslServer::new("good-fullchain.pem", "good.key").start()
}

/// The `jsonl_line` definition of the report schema, ready to validate lines.
fn line_validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("src/report/wire/report.schema.json"),
        )
        .expect("schema"),
    )
    .expect("schema JSON");
    let mut line = schema.clone();
    line.as_object_mut()
        .expect("object")
        .retain(|key, _| key.starts_with('$'));
    line["$ref"] = "#/$defs/jsonl_line".into();
    jsonschema::validator_for(&line).expect("the line schema compiles")
}

fn lines_of(stdout: &str) -> Vec<Value> {
    let validator = line_validator();
    stdout
        .lines()
        .map(|line| {
            let value: Value = serde_json::from_str(line)
                .unwrap_or_else(|error| panic!("not a JSON line ({error}): {line}"));
            let errors: Vec<String> = validator
                .iter_errors(&value)
                .map(|e| format!("{e} at {}", e.instance_path))
                .collect();
            assert!(errors.is_empty(), "{}\n{line}", errors.join("\n"));
            value
        })
        .collect()
}

#[test]
fn a_target_list_has_comments_per_line_overrides_and_duplicates_scanned_once() {
    let server = openssl_good();
    let counter = ConnectionCounter::new();
    let proxy = TcpProxy::counting(server.addr, &counter);
    let dir = tempfile::tempdir().expect("temporary directory");
    let list = dir.path().join("targets.txt");
    let rule = format!("good.test:443:127.0.0.1:{}", proxy.port());
    std::fs::write(
        &list,
        format!(
            "# the fleet\n\
             good.test --connect-to {rule}   # first\n\
             \n\
             https://good.test/ --connect-to={rule}\n\
             www.good.test --sni good.test --connect-to www.good.test:443:127.0.0.1:{}\n",
            proxy.port()
        ),
    )
    .expect("write list");
    let args = |list: &str| {
        vec![
            "-i".to_string(),
            list.to_string(),
            "--ca-file".into(),
            cert("root.pem"),
            "--quick".into(),
            "--no-http".into(),
            "--format".into(),
            "jsonl".into(),
        ]
    };
    let output = tlscheck(args(list.to_str().expect("path")));
    assert_eq!(output.code, 0, "{output}");
    let lines = lines_of(&output.stdout);
    assert_eq!(lines.len(), 4, "three reports and the summary\n{output}");
    let mut inputs: Vec<&str> = lines[..3]
        .iter()
        .map(|line| str_at(line, "/report/target/input"))
        .collect();
    inputs.sort_unstable();
    assert_eq!(inputs, ["good.test", "https://good.test/", "www.good.test"]);
    for line in &lines[..3] {
        assert_at(line, "/report/tls/status", "ok");
        assert_at(line, "/report/target/sni", "good.test");
    }
    let summary = &lines[3];
    assert_at(summary, "/type", "summary");
    assert_at(summary, "/targets", 3);
    assert_at(summary, "/not_scanned", 0);
    // good.test and https://good.test/ are one scan: two scans' worth of connections.
    let two_scans = counter.connections_seen();
    let single = tlscheck([
        "good.test",
        "--connect-to",
        &rule,
        "--ca-file",
        &cert("root.pem"),
        "--quick",
        "--no-http",
    ]);
    assert_eq!(single.code, 0, "{single}");
    let one_scan = counter.connections_seen() - two_scans;
    assert!(one_scan > 0);
    assert_eq!(two_scans, 2 * one_scan, "duplicates were scanned again");

    // The same list on standard input.
    let mut child = Command::new(env!("CARGO_BIN_EXE_tlscheck"))
        .args(args("-"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start tlscheck");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&std::fs::read(&list).expect("list"))
        .expect("write stdin");
    let piped = child.wait_with_output().expect("tlscheck");
    assert_eq!(piped.status.code(), Some(0));
    assert_eq!(lines_of(&String::from_utf8_lossy(&piped.stdout)).len(), 4);
}

/// The list is read a line at a time as slots free up: with one slot, a line that repeats a
/// target comes after that target's record is made, and still gets it, without a scan.
#[test]
fn a_repeat_read_after_its_record_is_made_gets_it_without_a_scan() {
    let server = openssl_good();
    let counter = ConnectionCounter::new();
    let proxy = TcpProxy::counting(server.addr, &counter);
    let dir = tempfile::tempdir().expect("temporary directory");
    let list = dir.path().join("targets.txt");
    let rule = |name: &str| format!("--connect-to {name}:443:127.0.0.1:{}", proxy.port());
    let names = [
        "a.good.test",
        "b.good.test",
        "a.good.test",
        "c.good.test",
        "a.good.test",
    ];
    let text: String = names
        .iter()
        .map(|name| format!("{name} --sni good.test {}\n", rule(name)))
        .collect();
    std::fs::write(&list, text).expect("write list");
    let args = |format: &str| {
        [
            "-i",
            list.to_str().expect("path"),
            "--ca-file",
            &cert("root.pem"),
            "--quick",
            "--no-http",
            "--concurrency",
            "1",
            "--format",
            format,
        ]
        .map(String::from)
    };
    let output = tlscheck(args("jsonl"));
    assert_eq!(output.code, 0, "{output}");
    let lines = lines_of(&output.stdout);
    assert_eq!(lines.len(), 6, "five reports and the summary\n{output}");
    let mut inputs: Vec<&str> = lines[..5]
        .iter()
        .map(|line| str_at(line, "/report/target/input"))
        .collect();
    inputs.sort_unstable();
    assert_eq!(
        inputs
            .iter()
            .filter(|input| input.starts_with("a."))
            .count(),
        3
    );
    for line in &lines[..5] {
        assert_at(line, "/report/tls/status", "ok");
    }
    assert_at(&lines[5], "/targets", 5);
    let three_scans = counter.connections_seen();
    // One scan's connections, for comparison.
    let single = tlscheck(
        [
            "a.good.test",
            "--sni",
            "good.test",
            "--connect-to",
            &format!("a.good.test:443:127.0.0.1:{}", proxy.port()),
            "--ca-file",
            &cert("root.pem"),
            "--quick",
            "--no-http",
        ]
        .map(String::from),
    );
    assert_eq!(single.code, 0, "{single}");
    let one_scan = counter.connections_seen() - three_scans;
    assert!(one_scan > 0);
    assert_eq!(
        three_scans,
        3 * one_scan,
        "a repeated line was scanned again"
    );

    // A whole-run document lists the lines in input order, each under its own text.
    let json = tlscheck(args("json"));
    assert_eq!(json.code, 0, "{json}");
    let document: Value = serde_json::from_str(&json.stdout).expect("JSON");
    let reports = document["reports"].as_array().expect("reports");
    let order: Vec<&str> = reports
        .iter()
        .map(|report| str_at(report, "/target/input"))
        .collect();
    assert_eq!(order, names);
}

#[test]
fn a_bad_line_is_a_usage_error_that_names_the_line() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let list = dir.path().join("targets.txt");
    for (text, expected) in [
        (
            "good.test\nhttps://\n",
            "tlscheck: error: {}:2: invalid target 'https://': the host is empty\n",
        ),
        (
            "good.test --sni\n",
            "tlscheck: error: {}:1: --sni needs a value\n",
        ),
        (
            "good.test --port 8443\n",
            "tlscheck: error: {}:1: unexpected '--port' after the target (a line holds one target, then --sni, --connect-to or --resolve)\n",
        ),
        (
            "good.test --connect-to good.test:443\n",
            "tlscheck: error: {}:1: invalid --connect-to 'good.test:443': found 2 fields, not 4 (expected HOST:PORT:ADDR:PORT)\n",
        ),
        (
            "# only a comment\n\n",
            "tlscheck: error: no targets: '{}' lists none (give TARGET arguments or lines in the list)\n",
        ),
    ] {
        std::fs::write(&list, text).expect("write list");
        let output = tlscheck(["-i", list.to_str().expect("path")]);
        assert_eq!(output.code, 2, "{output}");
        assert_eq!(
            output.stderr,
            expected.replace("{}", &list.display().to_string()),
            "{text}"
        );
        assert_eq!(output.stdout, "");
    }
    let missing = tlscheck(["-i", "/nonexistent/targets.txt"]);
    assert_eq!(missing.code, 2, "{missing}");
    assert!(missing
        .stderr
        .starts_with("tlscheck: error: cannot read the target list '/nonexistent/targets.txt': "));
}

#[test]
fn json_lines_stream_each_target_as_it_finishes() {
    let server = openssl_good();
    let slow = TcpProxy::delaying_replies(server.addr, Duration::from_millis(2500));
    let rule = |name: &str, port: u16| format!("{name}:443:127.0.0.1:{port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_tlscheck"))
        .args([
            "slow.test",
            "good.test",
            "--connect-to",
            &rule("slow.test", slow.port()),
            "--connect-to",
            &rule("good.test", server.port()),
            "--sni",
            "good.test",
            "--ca-file",
            &cert("root.pem"),
            "--quick",
            "--no-http",
            "--timeout",
            "8",
            "--format",
            "jsonl",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start tlscheck");
    let started = Instant::now();
    let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    reader.read_line(&mut first).expect("a first line");
    let first_at = started.elapsed();
    let first: Value = serde_json::from_str(&first).expect("JSON line");
    // The fast target's line arrives while the slow one is still being scanned.
    assert_at(&first, "/report/target/input", "good.test");
    assert!(
        first_at < Duration::from_millis(2000),
        "the first line took {first_at:?}"
    );
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut reader, &mut rest).expect("the rest");
    let status = child.wait().expect("tlscheck");
    assert_eq!(status.code(), Some(0));
    let rest = lines_of(&rest);
    assert_eq!(rest.len(), 2);
    assert_at(&rest[0], "/report/target/input", "slow.test");
    assert_at(&rest[1], "/type", "summary");
    assert_at(&rest[1], "/targets", 2);
}

#[test]
fn repeated_resolve_rules_give_one_name_several_addresses() {
    let output = tlscheck([
        "multi.test",
        "--resolve",
        "multi.test:443:127.0.0.1",
        "--resolve",
        "multi.test:443:127.0.0.2",
        "--resolve",
        "other.test:443:127.0.0.3",
        "--quick",
        "--no-http",
        "--timeout",
        "2",
        "--format",
        "json",
    ]);
    let document: Value = serde_json::from_str(&output.stdout).expect("JSON");
    let addresses = array_at(&document, "/reports/0/target/addresses");
    assert_eq!(
        addresses,
        &vec![Value::from("127.0.0.1"), Value::from("127.0.0.2")],
        "{output}"
    );
}

#[test]
fn ctrl_c_writes_what_finished_counts_the_rest_and_exits_130() {
    let server = openssl_good();
    let slow = TcpProxy::delaying_replies(server.addr, Duration::from_millis(1500));
    let dir = tempfile::tempdir().expect("temporary directory");
    let list = dir.path().join("targets.txt");
    let mut text = String::new();
    for i in 0..40 {
        text.push_str(&format!(
            "t{i}.test --sni good.test --connect-to t{i}.test:443:127.0.0.1:{}\n",
            slow.port()
        ));
    }
    std::fs::write(&list, text).expect("write list");
    let mut child = Command::new(env!("CARGO_BIN_EXE_tlscheck"))
        .args([
            "-i",
            list.to_str().expect("path"),
            "--ca-file",
            &cert("root.pem"),
            "--quick",
            "--no-http",
            "--concurrency",
            "4",
            "--timeout",
            "8",
            "--format",
            "jsonl",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start tlscheck");
    let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    reader.read_line(&mut first).expect("a first line");
    // SIGINT, by the PID we started.
    let signalled = Instant::now();
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(kill.success());
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut reader, &mut rest).expect("the rest");
    let output = child.wait_with_output().expect("tlscheck");
    let took = signalled.elapsed();
    assert_eq!(output.status.code(), Some(130));
    assert!(
        took < Duration::from_millis(2500),
        "took {took:?} after Ctrl-C"
    );
    let lines = lines_of(&format!("{first}{rest}"));
    let (summary, reports) = lines.split_last().expect("lines");
    assert_at(summary, "/type", "summary");
    assert_at(summary, "/targets", 40);
    let not_scanned = summary["not_scanned"].as_u64().expect("count") as usize;
    assert!(not_scanned > 0, "{summary}");
    assert_eq!(reports.len() + not_scanned, 40, "{summary}");
    assert!(!reports.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!(
            "tlscheck: interrupted: {not_scanned} target(s) not scanned"
        )),
        "{stderr}"
    );
}

#[test]
fn running_short_of_file_descriptors_makes_work_wait_and_never_fails_a_target() {
    let nginx = NginxServer::well_configured().start();
    let mut args: Vec<String> = (0..40).map(|i| format!("n{i}.test")).collect();
    for i in 0..40 {
        args.extend(connect_to(&format!("n{i}.test"), 443, nginx.https_port));
        args.extend(connect_to(&format!("n{i}.test"), 80, nginx.http_port));
    }
    args.extend(
        [
            "--sni",
            "good.test",
            "--ca-file",
            &cert("root.pem"),
            "--concurrency",
            "40",
            "--max-connections",
            "40",
            "--format",
            "jsonl",
        ]
        .map(String::from),
    );
    // 30 descriptors for the whole process: far fewer than 40 targets' connections at once.
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    let output = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -n 30 && exec '{}' {}",
            env!("CARGO_BIN_EXE_tlscheck"),
            quoted.join(" ")
        ))
        .output()
        .expect("run tlscheck under ulimit");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines = lines_of(&stdout);
    assert_eq!(
        lines.len(),
        41,
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for line in &lines[..40] {
        assert_at(line, "/report/tls/status", "ok");
        assert_at(line, "/report/enumeration/status", "ok");
        assert_at(line, "/report/redirect/status", "ok");
        assert!(
            !line.to_string().contains("file descriptor"),
            "a target failed for want of descriptors: {line}"
        );
    }
    assert_at(&lines[40], "/passed", 40);
}

#[test]
fn progress_shows_on_a_terminal_beside_the_table_only() {
    let server = openssl_good();
    let slow = TcpProxy::delaying_replies(server.addr, Duration::from_millis(700));
    let args = |format: &str| {
        vec![
            "a.test".to_string(),
            "b.test".into(),
            "--connect-to".into(),
            format!("a.test:443:127.0.0.1:{}", slow.port()),
            "--connect-to".into(),
            format!("b.test:443:127.0.0.1:{}", slow.port()),
            "--sni".into(),
            "good.test".into(),
            "--ca-file".into(),
            cert("root.pem"),
            "--quick".into(),
            "--no-http".into(),
            "--concurrency".into(),
            "1".into(),
            "--format".into(),
            format.into(),
        ]
    };
    let table = tlscheck_in_terminal(args("table"), Some(100));
    assert_eq!(table.code, 0, "{table}");
    assert!(
        table.stdout.contains("tlscheck: 0/2 targets")
            || table.stdout.contains("tlscheck: 1/2 targets"),
        "no progress on the terminal\n{table}"
    );
    // Machine formats, and anything not on a terminal, get none.
    let jsonl = tlscheck_in_terminal(args("jsonl"), Some(100));
    assert_eq!(jsonl.code, 0, "{jsonl}");
    assert!(!jsonl.stdout.contains("targets  "), "{jsonl}");
    let piped = tlscheck(args("table"));
    assert_eq!(piped.code, 0, "{piped}");
    assert_eq!(piped.stderr, "", "{piped}");
}

#[test]
fn all_ips_scans_every_address_and_says_where_they_differ() {
    let good = openssl_good();
    let other = OpensslServer::new("ec-fullchain.pem", "ec.key").start();
    let first = TcpProxy::to(good.addr).start();
    let port = first.port();
    let second = TcpProxy::to(other.addr)
        .listen_on(std::net::Ipv4Addr::new(127, 0, 0, 2))
        .port(port)
        .start();
    let same = TcpProxy::to(good.addr)
        .listen_on(std::net::Ipv4Addr::new(127, 0, 0, 3))
        .port(port)
        .start();
    let scan_addresses = |addresses: &[&str]| {
        let mut args = vec![
            format!("multi.test:{port}"),
            "--all-ips".into(),
            "--sni".into(),
            "good.test".into(),
            "--ca-file".into(),
            cert("root.pem"),
            "--quick".into(),
            "--no-http".into(),
            "--format".into(),
            "jsonl".into(),
        ];
        for address in addresses {
            args.extend(["--resolve".into(), format!("multi.test:{port}:{address}")]);
        }
        let output = tlscheck(&args);
        let lines = lines_of(&output.stdout);
        assert_eq!(lines.len(), addresses.len() + 1, "{output}");
        lines
    };

    // 127.0.0.1 and 127.0.0.2 serve different certificates: each says so.
    let lines = scan_addresses(&["127.0.0.1", "127.0.0.2"]);
    let mut inputs: Vec<&str> = lines[..2]
        .iter()
        .map(|line| str_at(line, "/report/target/input"))
        .collect();
    inputs.sort_unstable();
    assert_eq!(
        inputs,
        [
            format!("multi.test:{port} (127.0.0.1)"),
            format!("multi.test:{port} (127.0.0.2)")
        ]
    );
    for line in &lines[..2] {
        let findings = array_at(line, "/report/findings");
        let differ = findings
            .iter()
            .find(|f| f["id"] == "scan.addresses-differ")
            .unwrap_or_else(|| panic!("no scan.addresses-differ: {line}"));
        let evidence = str_at(differ, "/evidence");
        let connected = str_at(line, "/report/target/connected_to");
        let here = connected
            .rsplit_once(':')
            .map(|(ip, _)| ip)
            .expect("address");
        assert!(
            evidence.starts_with(&format!(
                "multi.test at {here} serves a certificate other than"
            )),
            "{evidence}"
        );
    }
    assert!(second.connections_accepted() > 0);

    // 127.0.0.1 and 127.0.0.3 serve the same: no finding.
    let lines = scan_addresses(&["127.0.0.1", "127.0.0.3"]);
    for line in &lines[..2] {
        assert!(
            !line.to_string().contains("scan.addresses-differ"),
            "{line}"
        );
    }
    assert!(same.connections_accepted() > 0);
    // Without --all-ips, only the first address is scanned.
    let output = tlscheck([
        format!("multi.test:{port}"),
        "--resolve".into(),
        format!("multi.test:{port}:127.0.0.1"),
        "--resolve".into(),
        format!("multi.test:{port}:127.0.0.2"),
        "--sni".into(),
        "good.test".into(),
        "--quick".into(),
        "--no-http".into(),
        "--format".into(),
        "jsonl".into(),
    ]);
    assert_eq!(lines_of(&output.stdout).len(), 2, "{output}");
}
