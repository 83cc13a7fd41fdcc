//! What the user types is checked before anything is sent: every number with its range (in
//! `--help` too), every file read as a regular file under its size cap, keys that cannot be used
//! named for what they are, and targets with control characters refused with the character
//! escaped. Each bad input is exit 2 with one `tlscheck: error:` line naming the flag; none
//! panics, aborts or hangs.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::*;

/// A closed port on 127.0.0.1: a target that is valid but gets no scan (exit 3) once the
/// flags pass.
fn closed_target() -> String {
    format!("127.0.0.1:{}", free_port())
}

/// Runs tlscheck and asserts a usage error: exit 2, and a first stderr line that starts with
/// `tlscheck: error:` and contains every one of `needles`.
#[track_caller]
fn assert_usage_error(args: &[&str], needles: &[&str]) -> Output {
    let started = Instant::now();
    let output = tlscheck(args);
    assert_eq!(output.code, 2, "a usage error\n{output}");
    let first = output.stderr.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("tlscheck: error:") || first.starts_with("error:"),
        "an error line first\n{output}"
    );
    for needle in needles {
        assert!(first.contains(needle), "{needle:?} in {first:?}\n{output}");
    }
    assert!(!output.stderr.contains("panicked"), "no panic\n{output}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "refused at once, not after a scan or a hang\n{output}"
    );
    output
}

#[test]
fn numbers_out_of_range_are_usage_errors_naming_the_flag() {
    let target = closed_target();
    for (flag, value) in [
        ("--timeout", "1e20"),
        ("--timeout", "1e19"),
        ("--timeout", "NaN"),
        ("--timeout", "inf"),
        ("--timeout", "0"),
        ("--timeout", "0.0000001"),
        ("--timeout", "-1"),
        ("--target-timeout", "1e20"),
        ("--concurrency", "18446744073709551615"),
        ("--concurrency", "18446744073709551616"),
        ("--concurrency", "0"),
        ("--max-connections", "18446744073709551615"),
        ("--max-connections", "0"),
        ("--warn-days", "99999999999999"),
        ("--warn-days", "-1"),
        ("--crit-days", "-5"),
        ("--http-port", "0"),
        ("--http-port", "65536"),
    ] {
        assert_usage_error(&[&target, "--no-http", flag, value], &[flag]);
    }
}

#[test]
fn serve_checks_its_numbers_too() {
    for (flag, value) in [
        ("--timeout", "1e19"),
        ("--max-connections", "18446744073709551615"),
        ("--max-concurrent-probes", "0"),
        ("--warn-days", "99999"),
    ] {
        assert_usage_error(&["serve", "--allow", "*", flag, value], &[flag]);
    }
}

#[test]
fn help_states_every_range_and_cap() {
    let help = tlscheck(["--help"]).stdout;
    for range in [
        "0.001 to\n          86400",
        "1 to 10000",
        "1 to 1000)",
        "0 to 36500",
        "1 to 65535",
        "at most 4 MiB",
    ] {
        let flat = help.split_whitespace().collect::<Vec<_>>().join(" ");
        let wanted = range.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains(&wanted), "{range:?} in --help:\n{help}");
    }
}

fn fifo(dir: &Path) -> String {
    let path = dir.join("fifo");
    let status = Command::new(require_tool("mkfifo"))
        .arg(&path)
        .status()
        .expect("run mkfifo");
    assert!(status.success(), "mkfifo");
    path.display().to_string()
}

#[test]
fn devices_fifos_and_huge_files_are_refused_without_reading_them() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = fifo(dir.path());
    let huge = dir.path().join("huge.pem");
    std::fs::write(&huge, vec![b'A'; 5 * 1024 * 1024]).unwrap();
    let huge = huge.display().to_string();
    let target = closed_target();
    let cert = cert_path("client.pem").display().to_string();
    let key = cert_path("client.key").display().to_string();
    for (args, needles) in [
        (
            vec!["--client-cert", &cert, "--client-key", "/dev/zero"],
            vec!["--client-key", "a device"],
        ),
        (
            vec!["--client-cert", &cert, "--client-key", &fifo],
            vec!["--client-key", "a FIFO"],
        ),
        (
            vec!["--client-cert", &huge, "--client-key", &key],
            vec!["--client-cert", "4194304-byte limit"],
        ),
        (
            vec!["--ca-file", "/dev/zero"],
            vec!["--ca-file", "a device"],
        ),
        (vec!["--ca-file", &fifo], vec!["--ca-file", "a FIFO"]),
        (vec!["--ca-file", &huge], vec!["--ca-file", "limit"]),
        (vec!["--ca-file", "/"], vec!["--ca-file", "a directory"]),
        (vec!["--input", &fifo], vec!["target list", "a FIFO"]),
        (
            vec!["--input", "/dev/zero"],
            vec!["target list", "a device"],
        ),
        (
            vec!["--baseline", "/dev/zero"],
            vec!["--baseline", "a device"],
        ),
        (vec!["--baseline", &fifo], vec!["--baseline", "a FIFO"]),
        (vec!["--policy", &format!("{fifo}.toml")], vec!["policy"]),
    ] {
        let mut all = vec![target.as_str(), "--no-http"];
        all.extend(args);
        assert_usage_error(&all, &needles);
    }
    assert_usage_error(&["diff", &fifo, "/dev/zero"], &["a FIFO"]);
}

#[test]
fn unusable_key_files_say_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let cert = cert_path("client.pem").display().to_string();
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path.display().to_string()
    };
    let empty = write("empty.key", b"");
    let garbage = write("garbage.key", b"\x00\x01garbage\xff not a key at all\n");
    // A real encrypted key, made by OpenSSL from the fixture.
    let encrypted = dir.path().join("encrypted.key");
    let made = Command::new(require_tool("openssl"))
        .args([
            "pkcs8",
            "-topk8",
            "-v2",
            "aes-256-cbc",
            "-passout",
            "pass:secret",
            "-in",
        ])
        .arg(cert_path("client.key"))
        .arg("-out")
        .arg(&encrypted)
        .output()
        .expect("run openssl pkcs8");
    assert!(made.status.success(), "openssl pkcs8: {made:?}");
    let encrypted = encrypted.display().to_string();
    let traditional = write(
        "traditional.key",
        b"-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n",
    );
    let target = closed_target();
    for key in [&empty, &garbage] {
        assert_usage_error(
            &[&target, "--client-cert", &cert, "--client-key", key],
            &["--client-key", "holds no private key", "BEGIN PRIVATE KEY"],
        );
    }
    for key in [&encrypted, &traditional] {
        assert_usage_error(
            &[&target, "--client-cert", &cert, "--client-key", key],
            &[
                "encrypted private keys are not supported: decrypt it with `openssl pkey -in KEY -out PLAIN`",
            ],
        );
    }
}

#[test]
fn targets_with_control_characters_are_refused_with_the_character_escaped() {
    for (target, escaped) in [
        ("a\u{1b}[31m.example", "\\u{1b}"),
        ("good.example\n", "\\u{a}"),
        ("https://good.example/\u{1b}]0;title\u{7}", "\\u{1b}"),
        ("evil\u{202e}elpmaxe.com", "\\u{202e}"),
        ("tab\there.example", "\\u{9}"),
    ] {
        let output = assert_usage_error(&[target], &["invalid target", escaped]);
        assert!(
            !output.stderr.contains('\u{1b}') && !output.stderr.contains('\u{202e}'),
            "the character itself never reaches the terminal\n{output}"
        );
        assert_eq!(output.stderr.lines().count(), 1, "one line\n{output}");
    }
}

#[test]
fn a_target_list_line_with_an_escape_is_refused_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("targets.txt");
    std::fs::write(&list, "good.example\nbad\u{1b}[2J.example\n").unwrap();
    let output = assert_usage_error(
        &["--input", &list.display().to_string()],
        &[":2:", "\\u{1b}"],
    );
    assert!(!output.stderr.contains('\u{1b}'), "{output}");
}

#[test]
fn impossible_ipv4_addresses_are_refused_and_whatwg_numbers_are_addresses() {
    for target in ["999.1.1.1", "1.2.3.256", "https://256.0.0.1/"] {
        assert_usage_error(&[target], &["not a valid IPv4 address"]);
    }
    // The URL standard reads a last label that is a number as IPv4: 0x7f.1 is 127.0.0.1.
    let port = free_port();
    let (output, report) = scan([format!("0x7f.1:{port}").as_str(), "--no-http", "--quick"]);
    assert_eq!(output.code, 3, "{output}");
    assert_at(&report, "/target/host", "127.0.0.1");
}

#[test]
fn internationalised_names_are_converted_to_their_ascii_form() {
    let port = free_port();
    let resolve = format!("xn--bcher-kva.example:{port}:127.0.0.1");
    let (output, report) = scan([
        format!("bücher.example:{port}").as_str(),
        "--resolve",
        &resolve,
        "--no-http",
        "--quick",
    ]);
    assert_eq!(output.code, 3, "a closed port\n{output}");
    assert_at(&report, "/target/host", "xn--bcher-kva.example");
    assert_at(&report, "/target/sni", "xn--bcher-kva.example");
    let addresses = array_at(&report, "/target/addresses");
    assert_eq!(addresses, &vec![serde_json::json!("127.0.0.1")], "{output}");
}
