//! Harness for the Prometheus tests: a reader of the text exposition, `promtool check metrics`,
//! a minimal HTTP/1.0 client, the `tlscheck serve` exporter and a real Prometheus (Debian's
//! `prometheus` package, /usr/bin/prometheus), each started on 127.0.0.1 with its files in a
//! temporary directory and stopped by PID.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

use super::{free_port, require_tool, wait_until_listening};

// ---------------------------------------------------------------------------------------------
// The text exposition

/// One sample line: name (with any `_bucket`/`_sum`/`_count`), labels, value.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricSample {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub value: f64,
}

/// The samples of an exposition, in order; `# HELP` and `# TYPE` lines are checked by
/// [`assert_well_formed`], not returned. Label values are unescaped.
pub fn parse_exposition(text: &str) -> Vec<MetricSample> {
    let mut samples = Vec::new();
    for line in text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let (name_end, mut labels) = (line.find(['{', ' ']).expect("a name"), BTreeMap::new());
        let name = line[..name_end].to_string();
        let mut rest = &line[name_end..];
        if let Some(inner) = rest.strip_prefix('{') {
            let mut chars = inner.char_indices();
            let mut label = String::new();
            let mut end = None;
            while let Some((index, c)) = chars.next() {
                match c {
                    '}' => {
                        end = Some(index);
                        break;
                    }
                    ',' => {}
                    '=' => {
                        assert_eq!(chars.next().map(|(_, c)| c), Some('"'), "{line}");
                        let mut value = String::new();
                        loop {
                            match chars.next().map(|(_, c)| c) {
                                Some('\\') => match chars.next().map(|(_, c)| c) {
                                    Some('n') => value.push('\n'),
                                    Some(other) => value.push(other),
                                    None => panic!("dangling escape: {line}"),
                                },
                                Some('"') => break,
                                Some(other) => value.push(other),
                                None => panic!("unterminated label value: {line}"),
                            }
                        }
                        labels.insert(std::mem::take(&mut label), value);
                    }
                    other => label.push(other),
                }
            }
            let end = end.unwrap_or_else(|| panic!("no closing brace: {line}"));
            rest = &inner[end + 1..];
        }
        let value = rest.trim();
        let value = match value {
            "NaN" => f64::NAN,
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            number => number
                .parse()
                .unwrap_or_else(|_| panic!("bad value {number:?}: {line}")),
        };
        samples.push(MetricSample {
            name,
            labels,
            value,
        });
    }
    samples
}

/// The family a sample belongs to: its name without a histogram's suffix.
fn family_of(name: &str) -> &str {
    ["_bucket", "_sum", "_count"]
        .iter()
        .find_map(|suffix| name.strip_suffix(suffix))
        .unwrap_or(name)
}

/// Each family's `# HELP` and `# TYPE` come once, before its samples, and its samples are
/// together; no two samples have the same name and labels.
pub fn assert_well_formed(text: &str) {
    let mut declared: Vec<String> = Vec::new();
    let mut current: Option<String> = None;
    let mut histograms: Vec<String> = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let name = rest.split(' ').next().unwrap_or("").to_string();
            assert!(!declared.contains(&name), "HELP of {name} twice:\n{text}");
            declared.push(name.clone());
            current = Some(name);
        } else if let Some(rest) = line.strip_prefix("# TYPE ") {
            let mut words = rest.split(' ');
            let name = words.next().unwrap_or("");
            assert_eq!(
                Some(name),
                current.as_deref(),
                "TYPE apart from HELP:\n{text}"
            );
            if words.next() == Some("histogram") {
                histograms.push(name.to_string());
            }
        } else if !line.is_empty() {
            let name = line.split(['{', ' ']).next().unwrap_or("");
            let family = if histograms.iter().any(|h| h == family_of(name)) {
                family_of(name)
            } else {
                name
            };
            assert_eq!(
                Some(family),
                current.as_deref(),
                "sample of {family} outside its family's group:\n{text}"
            );
        }
    }
    let samples = parse_exposition(text);
    for (index, sample) in samples.iter().enumerate() {
        assert!(
            !samples[..index]
                .iter()
                .any(|earlier| earlier.name == sample.name && earlier.labels == sample.labels),
            "duplicate series {} {:?}:\n{text}",
            sample.name,
            sample.labels
        );
    }
}

/// The value of the one sample named `name` whose labels include `labels`.
pub fn sample_value(samples: &[MetricSample], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let matching: Vec<&MetricSample> = samples
        .iter()
        .filter(|sample| {
            sample.name == name
                && labels
                    .iter()
                    .all(|(key, value)| sample.labels.get(*key).map(String::as_str) == Some(*value))
        })
        .collect();
    assert!(
        matching.len() <= 1,
        "{name} {labels:?} matches several samples: {matching:?}"
    );
    matching.first().map(|sample| sample.value)
}

/// The samples named `name` whose labels include `labels`.
pub fn samples_named<'a>(
    samples: &'a [MetricSample],
    name: &str,
    labels: &[(&str, &str)],
) -> Vec<&'a MetricSample> {
    samples
        .iter()
        .filter(|sample| {
            sample.name == name
                && labels
                    .iter()
                    .all(|(key, value)| sample.labels.get(*key).map(String::as_str) == Some(*value))
        })
        .collect()
}

/// `promtool check metrics` on `text`: its exit status and what it printed. promtool lives in
/// /usr/bin (Debian's `prometheus` package).
pub fn promtool_check_metrics(text: &str) -> (ExitStatus, String) {
    let promtool = require_tool("promtool");
    let mut child = Command::new(promtool)
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start promtool");
    child
        .stdin
        .take()
        .expect("promtool stdin")
        .write_all(text.as_bytes())
        .expect("write to promtool");
    let output = child.wait_with_output().expect("run promtool");
    let mut printed = String::from_utf8_lossy(&output.stdout).into_owned();
    printed.push_str(&String::from_utf8_lossy(&output.stderr));
    (output.status, printed)
}

/// promtool accepts `text` with no problem reported.
#[track_caller]
pub fn assert_promtool_accepts(text: &str) {
    let (status, printed) = promtool_check_metrics(text);
    assert!(
        status.success() && printed.trim().is_empty(),
        "promtool check metrics: {status}\n{printed}\n--- input ---\n{text}"
    );
}

/// The YAML block of the README between `<!-- NAME:start -->` and `<!-- NAME:end -->`.
pub fn readme_yaml(name: &str) -> String {
    let readme = fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let start_marker = format!("<!-- {name}:start -->\n```yaml\n");
    let start = readme
        .find(&start_marker)
        .unwrap_or_else(|| panic!("README.md has no {name}:start marker"))
        + start_marker.len();
    let end = readme[start..]
        .find(&format!("```\n<!-- {name}:end -->"))
        .unwrap_or_else(|| panic!("README.md has no {name}:end marker"))
        + start;
    readme[start..end].to_string()
}

/// `text` with `from` replaced by `to`, which must occur `count` times.
#[track_caller]
pub fn replaced(text: &str, from: &str, to: &str, count: usize) -> String {
    assert_eq!(
        text.matches(from).count(),
        count,
        "{from:?} should occur {count} times in:\n{text}"
    );
    text.replace(from, to)
}

// ---------------------------------------------------------------------------------------------
// HTTP

/// An HTTP answer.
#[derive(Debug)]
pub struct HttpReply {
    pub status: u16,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl HttpReply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// `GET path` from `addr` over HTTP/1.0 (one request, the body ends with the connection), with
/// extra `headers`. Panics when the server cannot be reached or answers nothing in 30 s.
pub fn http_get(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> HttpReply {
    try_http_get(addr, path, headers)
        .unwrap_or_else(|error| panic!("GET http://{addr}{path}: {error}"))
}

/// [`http_get`], with a failure to connect or read as an error.
pub fn try_http_get(
    addr: SocketAddr,
    path: &str,
    headers: &[(&str, &str)],
) -> Result<HttpReply, String> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))
        .map_err(|error| format!("connect: {error}"))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(|error| error.to_string())?;
    let mut request = format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream
        .write_all(request.as_bytes())
        .map_err(|error| format!("send: {error}"))?;
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .map_err(|error| format!("read: {error}"))?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| format!("no header end in {text:?}"))?;
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| format!("no status in {head:?}"))?;
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_string()))
        .collect();
    Ok(HttpReply {
        status,
        headers,
        body: body.to_string(),
    })
}

/// Percent-encoding for a query parameter's value.
pub fn url_encode(value: &str) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (byte as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Processes stopped by PID

/// A process the test started, with its output in a file; dropping it kills it by its PID.
pub struct Process {
    name: String,
    child: Child,
    log: PathBuf,
    pub dir: TempDir,
}

impl Process {
    fn spawn(name: &str, mut command: Command, dir: TempDir) -> Process {
        let log = dir.path().join(format!("{name}.log"));
        let file = File::create(&log).expect("create log");
        command
            .stdin(Stdio::null())
            .stdout(file.try_clone().expect("clone log handle"))
            .stderr(file);
        let child = command
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {name}: {error}"));
        Process {
            name: name.to_string(),
            child,
            log,
            dir,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything it printed so far.
    pub fn log(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Its exit status, if it has exited.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().expect("poll process")
    }

    /// Waits until it listens on `addr`, failing loudly if it exits or takes over 20 s.
    fn wait_listening(&mut self, addr: SocketAddr) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.exited() {
                panic!(
                    "{} exited ({status}) before listening on {addr}:\n{}",
                    self.name,
                    self.log()
                );
            }
            let step = (Instant::now() + Duration::from_millis(200)).min(deadline);
            match wait_until_listening(addr, step) {
                Ok(()) => return,
                Err(error) if Instant::now() >= deadline => {
                    panic!("{} is not listening: {error}\n{}", self.name, self.log())
                }
                Err(_) => {}
            }
        }
    }

    /// Sends SIGTERM (by PID, with kill(1)) and waits up to `limit` for the exit.
    pub fn terminate(&mut self, limit: Duration) -> Option<ExitStatus> {
        let status = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM {} failed", self.pid());
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Some(status) = self.exited() {
                return Some(status);
            }
            sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!(
                "=== {} (pid {}) log:\n{}",
                self.name,
                self.child.id(),
                self.log()
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The exporter

/// `tlscheck serve` on 127.0.0.1, on a port of its own.
pub struct Exporter {
    pub process: Process,
    pub addr: SocketAddr,
}

impl Exporter {
    /// Starts `tlscheck serve --listen 127.0.0.1:PORT` with `args` and waits until it listens.
    pub fn start<S: AsRef<str>>(args: &[S]) -> Exporter {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, free_port()));
        let dir = tempfile::tempdir().expect("exporter directory");
        let mut command = Command::new(env!("CARGO_BIN_EXE_tlscheck"));
        command
            .args(["serve", "--listen", &addr.to_string()])
            .args(args.iter().map(AsRef::as_ref));
        let mut process = Process::spawn("tlscheck serve", command, dir);
        process.wait_listening(addr);
        Exporter { process, addr }
    }

    /// `GET /probe?target=TARGET` plus `query` (e.g. `&module=quick`), with extra headers.
    pub fn probe(&self, target: &str, query: &str, headers: &[(&str, &str)]) -> HttpReply {
        http_get(
            self.addr,
            &format!("/probe?target={}{query}", url_encode(target)),
            headers,
        )
    }

    /// The samples of `/metrics`.
    pub fn own_metrics(&self) -> Vec<MetricSample> {
        let reply = http_get(self.addr, "/metrics", &[]);
        assert_eq!(reply.status, 200, "{reply:?}");
        parse_exposition(&reply.body)
    }

    /// The `probe target=...` lines of its log: the targets it probed, in order.
    pub fn probed_targets(&self) -> Vec<String> {
        self.process
            .log()
            .lines()
            .filter_map(|line| line.strip_prefix("tlscheck serve: probe target="))
            .map(|rest| rest.split(' ').next().unwrap_or("").to_string())
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Prometheus

/// A real Prometheus on 127.0.0.1 with `config` (YAML) and its database in a temporary
/// directory.
pub struct PrometheusServer {
    pub process: Process,
    pub addr: SocketAddr,
}

impl PrometheusServer {
    pub fn start(config: &str) -> PrometheusServer {
        let prometheus = require_tool("prometheus");
        let dir = tempfile::tempdir().expect("prometheus directory");
        let config_path = dir.path().join("prometheus.yml");
        fs::write(&config_path, config).expect("write prometheus.yml");
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, free_port()));
        let mut command = Command::new(prometheus);
        command
            .arg(format!("--config.file={}", config_path.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address={addr}"))
            .arg("--log.level=warn");
        let mut process = Process::spawn("prometheus", command, dir);
        process.wait_listening(addr);
        let server = PrometheusServer { process, addr };
        server.wait_ready();
        server
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match try_http_get(self.addr, "/-/ready", &[]) {
                Ok(reply) if reply.status == 200 => return,
                _ if Instant::now() >= deadline => panic!(
                    "prometheus is not ready after 30 s:\n{}",
                    self.process.log()
                ),
                _ => sleep(Duration::from_millis(100)),
            }
        }
    }

    /// The result vector of an instant query.
    pub fn query(&self, expression: &str) -> Vec<Value> {
        let reply = http_get(
            self.addr,
            &format!("/api/v1/query?query={}", url_encode(expression)),
            &[],
        );
        assert_eq!(reply.status, 200, "query {expression}: {reply:?}");
        let document: Value = serde_json::from_str(&reply.body).expect("JSON from Prometheus");
        assert_eq!(document["status"], "success", "{document}");
        document["data"]["result"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The value of each series of an instant query, by the value of `label`.
    pub fn values_by(&self, expression: &str, label: &str) -> BTreeMap<String, f64> {
        self.query(expression)
            .iter()
            .map(|series| {
                let key = series["metric"][label].as_str().unwrap_or("").to_string();
                let value = series["value"][1]
                    .as_str()
                    .and_then(|value| value.parse().ok())
                    .unwrap_or(f64::NAN);
                (key, value)
            })
            .collect()
    }

    /// Polls `expression` until `done` holds for its values by `label`, or `limit` passes.
    pub fn wait_for(
        &self,
        expression: &str,
        label: &str,
        limit: Duration,
        done: impl Fn(&BTreeMap<String, f64>) -> bool,
    ) -> BTreeMap<String, f64> {
        let deadline = Instant::now() + limit;
        loop {
            let values = self.values_by(expression, label);
            if done(&values) {
                return values;
            }
            if Instant::now() >= deadline {
                panic!(
                    "after {limit:?}, {expression} by {label} is {values:?}\n--- prometheus ---\n{}",
                    self.process.log()
                );
            }
            sleep(Duration::from_millis(250));
        }
    }

    /// The scrape targets of one job and their health, by `instance`.
    pub fn target_health(&self) -> Vec<(String, String, String)> {
        let reply = http_get(self.addr, "/api/v1/targets", &[]);
        let document: Value = serde_json::from_str(&reply.body).expect("JSON from Prometheus");
        document["data"]["activeTargets"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|target| {
                (
                    target["labels"]["job"].as_str().unwrap_or("").to_string(),
                    target["labels"]["instance"]
                        .as_str()
                        .unwrap_or("")
                        .to_string(),
                    format!(
                        "{} {}",
                        target["health"].as_str().unwrap_or(""),
                        target["lastError"].as_str().unwrap_or("")
                    ),
                )
            })
            .collect()
    }
}
