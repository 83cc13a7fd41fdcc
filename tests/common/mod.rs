//! Test harness shared by the integration tests: real servers on 127.0.0.1, stopped by PID, and a
//! runner for the tlscheck binary.
//!
//! Every server binds 127.0.0.1 only. Names are mapped to loopback with tlscheck's own
//! `--connect-to`, never DNS or /etc/hosts. A test that needs a server binary it cannot find
//! panics with a clear message: in CI a missing server is a failure, never a silent skip.

#![allow(dead_code)]

mod prometheus;
mod proxy;
mod terminal;
mod tls_records;

// Each test file compiles this module on its own and uses some of these helpers, not all.
#[allow(unused_imports)]
pub use prometheus::*;
#[allow(unused_imports)]
pub use proxy::*;
#[allow(unused_imports)]
pub use terminal::*;
#[allow(unused_imports)]
pub use tls_records::*;

use std::ffi::OsStr;
use std::fs::{self, File};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

/// How long a server may take to start listening.
const SERVER_START_LIMIT: Duration = Duration::from_secs(10);
/// How long one tlscheck run may take before the harness kills it: far above `--timeout`, so it
/// only fires when tlscheck hangs.
const TLSCHECK_RUN_LIMIT: Duration = Duration::from_secs(60);
const POLL_INTERVAL: Duration = Duration::from_millis(20);

// ---------------------------------------------------------------------------------------------
// Fixtures

/// Absolute path of a fixture in `testdata/certs/`, checked to exist.
pub fn cert_path(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join("certs")
        .join(name);
    assert!(
        path.is_file(),
        "fixture {} is missing; regenerate with testdata/certs/generate.sh",
        path.display()
    );
    path
}

/// Absolute path of any fixture under `testdata/`, e.g. `dh/dh1024.pem`, checked to exist.
pub fn testdata_path(relative: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(relative);
    assert!(
        path.is_file(),
        "fixture {} is missing; testdata/README.md says how to regenerate it",
        path.display()
    );
    path
}

/// The committed 1024-bit DH group (`testdata/dh/dh1024.pem`), for `dh.weak`.
pub fn dh1024_params() -> String {
    testdata_path("dh/dh1024.pem").display().to_string()
}

/// [`cert_path`] as a string, for command lines.
pub fn cert(name: &str) -> String {
    cert_path(name).display().to_string()
}

/// The SHA-256 fingerprint of a fixture as openssl prints it: colon-separated upper-case hex.
pub fn openssl_sha256_fingerprint(name: &str) -> String {
    let printed = openssl_x509_field(name, "-fingerprint");
    // "sha256 Fingerprint=AB:CD:..." (the prefix's case varies between OpenSSL versions)
    printed
        .split_once('=')
        .map(|(_, value)| value.trim().to_uppercase())
        .unwrap_or_else(|| panic!("unexpected openssl fingerprint output {printed:?}"))
}

/// The serial number of a fixture as openssl prints it: upper-case hex without separators.
pub fn openssl_serial(name: &str) -> String {
    let printed = openssl_x509_field(name, "-serial");
    printed
        .split_once('=')
        .map(|(_, value)| value.trim().to_uppercase())
        .unwrap_or_else(|| panic!("unexpected openssl serial output {printed:?}"))
}

fn openssl_x509_field(name: &str, option: &str) -> String {
    let openssl = require_tool("openssl");
    let output = Command::new(openssl)
        .args(["x509", "-noout", "-sha256", option, "-in"])
        .arg(cert_path(name))
        .output()
        .expect("run openssl x509");
    assert!(
        output.status.success(),
        "openssl x509 {option} failed: {output:?}"
    );
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

// ---------------------------------------------------------------------------------------------
// Ports and tools

/// A TCP port on 127.0.0.1 that was free a moment ago. Also used as a port nobody listens on.
pub fn free_port() -> u16 {
    let listener =
        TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0 to find a free port");
    listener.local_addr().expect("local address").port()
}

/// `count` distinct free ports on 127.0.0.1 (all held at once while choosing, so none repeats).
pub fn free_ports(count: usize) -> Vec<u16> {
    let listeners: Vec<TcpListener> = (0..count)
        .map(|_| TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0"))
        .collect();
    listeners
        .iter()
        .map(|listener| listener.local_addr().expect("local address").port())
        .collect()
}

/// Polls until something accepts TCP connections on `addr`, or `deadline` passes.
pub fn wait_until_listening(addr: SocketAddr, deadline: Instant) -> Result<(), String> {
    loop {
        match TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
            Ok(_) => return Ok(()),
            Err(error) if Instant::now() >= deadline => {
                return Err(format!("nothing listening on {addr}: {error}"))
            }
            Err(_) => sleep(POLL_INTERVAL),
        }
    }
}

/// The full path of a server binary the tests need. Panics, loudly, when it is not installed.
pub fn require_tool(name: &str) -> PathBuf {
    let path_var = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs: Vec<PathBuf> = std::env::split_paths(&path_var).collect();
    // nginx and apache2 live in /usr/sbin, which is not on every user's PATH.
    dirs.extend(["/usr/local/sbin", "/usr/sbin", "/sbin"].map(PathBuf::from));
    dirs.into_iter()
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!(
                "the integration tests need `{name}`, which is not installed (searched PATH and \
                 /usr/sbin): run ./tests/run.sh as root, which installs it, or `apt-get install -y \
                 --no-install-recommends nginx apache2 gnutls-bin openssl sslscan testssl.sh python3 \
                 prometheus`"
            )
        })
}

// ---------------------------------------------------------------------------------------------
// Servers

/// A server process the test started. Dropping it kills that process by its recorded PID and
/// reaps it; if the test is panicking, it prints the server's log so the failure shows it.
pub struct ServerGuard {
    name: String,
    command_line: String,
    child: Child,
    /// The address tests connect to.
    pub addr: SocketAddr,
    logs: Vec<PathBuf>,
    _dir: TempDir,
}

impl ServerGuard {
    /// Spawns `command` with stdout and stderr written to `dir/server.log`, and waits until it
    /// listens on every address in `listening`. `extra_logs` are more files to show on failure.
    pub fn start(
        name: &str,
        mut command: Command,
        dir: TempDir,
        listening: &[SocketAddr],
        extra_logs: Vec<PathBuf>,
    ) -> ServerGuard {
        let log_path = dir.path().join("server.log");
        let log = File::create(&log_path).expect("create server log");
        command
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("clone log handle"))
            .stderr(log);
        let command_line = describe(&command);
        let child = command
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {name} ({command_line}): {error}"));
        let mut logs = vec![log_path];
        logs.extend(extra_logs);
        let mut guard = ServerGuard {
            name: name.to_string(),
            command_line,
            child,
            addr: listening[0],
            logs,
            _dir: dir,
        };
        let deadline = Instant::now() + SERVER_START_LIMIT;
        for &addr in listening {
            guard.wait_for(addr, deadline);
        }
        guard
    }

    fn wait_for(&mut self, addr: SocketAddr, deadline: Instant) {
        loop {
            if let Some(status) = self.child.try_wait().expect("poll server process") {
                panic!(
                    "{} exited ({status}) before listening on {addr}\ncommand: {}\n{}",
                    self.name,
                    self.command_line,
                    self.log()
                );
            }
            let step = (Instant::now() + Duration::from_millis(100)).min(deadline);
            match wait_until_listening(addr, step) {
                Ok(()) => return,
                Err(error) if Instant::now() >= deadline => panic!(
                    "{} did not start within {SERVER_START_LIMIT:?}: {error}\ncommand: {}\n{}",
                    self.name,
                    self.command_line,
                    self.log()
                ),
                Err(_) => {}
            }
        }
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything the server logged so far.
    pub fn log(&self) -> String {
        let mut text = String::new();
        for path in &self.logs {
            let content = fs::read_to_string(path).unwrap_or_else(|error| format!("({error})"));
            text.push_str(&format!("--- {} ---\n{content}\n", path.display()));
        }
        text
    }
}

impl Drop for ServerGuard {
    fn drop(&mut self) {
        // By PID, the one we spawned: never by name.
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!(
                "=== {} (pid {}) log, command: {}\n{}",
                self.name,
                self.child.id(),
                self.command_line,
                self.log()
            );
        }
    }
}

fn describe(command: &Command) -> String {
    std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(OsStr::to_string_lossy)
        .collect::<Vec<_>>()
        .join(" ")
}

/// `openssl s_server -www` on 127.0.0.1, built up from options.
pub struct OpensslServer {
    certificate_file: String,
    key_file: String,
    cipher: Option<String>,
    security_level: Option<u8>,
    /// Fixtures appended to the chain after those of `certificate_file`, with their counts.
    chain_padding: Vec<(String, usize)>,
    args: Vec<String>,
}

impl OpensslServer {
    /// Serves the certificates in fixture `certificate_file` in file order, the first being the
    /// leaf (like nginx's `ssl_certificate`), with the private key in fixture `key_file`.
    pub fn new(certificate_file: &str, key_file: &str) -> OpensslServer {
        OpensslServer::new_at(&cert_path(certificate_file), &cert_path(key_file))
    }

    /// [`OpensslServer::new`] with files anywhere (e.g. made by the test in a temporary
    /// directory).
    pub fn new_at(certificate_file: &Path, key_file: &Path) -> OpensslServer {
        OpensslServer {
            certificate_file: certificate_file.display().to_string(),
            key_file: key_file.display().to_string(),
            cipher: None,
            security_level: None,
            chain_padding: Vec::new(),
            args: Vec::new(),
        }
    }

    /// TLS 1.2 and below only (`-no_tls1_3`).
    pub fn without_tls13(self) -> OpensslServer {
        self.arg("-no_tls1_3")
    }

    /// TLS 1.2 exactly (`-tls1_2`).
    pub fn tls12_only(self) -> OpensslServer {
        self.arg("-tls1_2")
    }

    /// TLS 1.0 exactly (`-tls1`).
    pub fn tls10_only(self) -> OpensslServer {
        self.arg("-tls1")
    }

    /// TLS 1.1 exactly (`-tls1_1`).
    pub fn tls11_only(self) -> OpensslServer {
        self.arg("-tls1_1")
    }

    /// Every suite this OpenSSL has, at security level 0 (so TLS 1.0/1.1, NULL, anonymous and
    /// small keys are allowed): `-cipher 'ALL:COMPLEMENTOFALL:@SECLEVEL=0'`.
    pub fn everything(self) -> OpensslServer {
        self.cipher(OPENSSL_EVERYTHING).security_level(0)
    }

    /// DHE with the DH group in `params_file` (`-dhparam`), e.g. [`dh1024_params`].
    pub fn dh_params(self, params_file: &str) -> OpensslServer {
        self.arg("-dhparam").arg(params_file)
    }

    /// The server picks the suite by its own order (`-serverpref`).
    pub fn server_preference(self) -> OpensslServer {
        self.arg("-serverpref")
    }

    /// The TLS 1.2 cipher list (`-cipher`).
    pub fn cipher(mut self, list: &str) -> OpensslServer {
        self.cipher = Some(list.to_string());
        self
    }

    /// OpenSSL security level; 0 lets it serve RSA-1024 keys and SHA-1 certificates.
    pub fn security_level(mut self, level: u8) -> OpensslServer {
        self.security_level = Some(level);
        self
    }

    /// Refuses clients without a certificate issued by the CA in fixture `ca_file`
    /// (`-Verify 1 -CAfile ... -verify_return_error`); the CA's name is sent in the request.
    pub fn require_client_cert(self, ca_file: &str) -> OpensslServer {
        self.client_verification("-Verify", ca_file)
    }

    /// Asks for, but does not insist on, a client certificate from the CA in `ca_file`
    /// (`-verify 1 -CAfile ... -verify_return_error`).
    pub fn request_client_cert(self, ca_file: &str) -> OpensslServer {
        self.client_verification("-verify", ca_file)
    }

    fn client_verification(self, option: &str, ca_file: &str) -> OpensslServer {
        // Without -verify_return_error, s_server logs a bad client certificate and carries on.
        self.arg(option)
            .arg("1")
            .arg("-CAfile")
            .arg(&cert(ca_file))
            .arg("-verify_return_error")
    }

    /// Appends `copies` copies of the certificates in fixture `certificate_file` to the chain
    /// sent after the leaf (the `-cert_chain` file, written at start in the server's temporary
    /// directory); s_server sends them all, duplicates included. See [`oversized_chain_server`].
    pub fn pad_chain(mut self, certificate_file: &str, copies: usize) -> OpensslServer {
        self.chain_padding
            .push((certificate_file.to_string(), copies));
        self
    }

    /// Any other s_server option.
    pub fn arg(mut self, arg: &str) -> OpensslServer {
        self.args.push(arg.to_string());
        self
    }

    pub fn start(self) -> ServerGuard {
        let openssl = require_tool("openssl");
        let dir = tempfile::tempdir().expect("create server directory");
        let port = free_port();
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));

        // s_server reads one certificate from -cert; the rest of the file goes to -cert_chain.
        let pem = fs::read_to_string(&self.certificate_file).expect("read certificate");
        let blocks = pem_certificates(&pem);
        assert!(
            !blocks.is_empty(),
            "no certificate in {}",
            self.certificate_file
        );
        let leaf = dir.path().join("leaf.pem");
        fs::write(&leaf, &blocks[0]).expect("write leaf");

        let mut command = Command::new(openssl);
        command
            .arg("s_server")
            .arg("-accept")
            .arg(addr.to_string())
            .arg("-cert")
            .arg(&leaf)
            .arg("-key")
            .arg(&self.key_file)
            .arg("-www");
        let mut chain = blocks[1..].concat();
        for (file, copies) in &self.chain_padding {
            let padding = fs::read_to_string(cert_path(file)).expect("read chain padding");
            chain.push_str(&pem_certificates(&padding).concat().repeat(*copies));
        }
        if !chain.is_empty() {
            let chain_path = dir.path().join("chain.pem");
            fs::write(&chain_path, chain).expect("write chain");
            command.arg("-cert_chain").arg(chain_path);
        }
        if self.cipher.is_some() || self.security_level.is_some() {
            let mut list = self.cipher.unwrap_or_else(|| "DEFAULT".to_string());
            if let Some(level) = self.security_level {
                list.push_str(&format!(":@SECLEVEL={level}"));
            }
            command.arg("-cipher").arg(list);
        }
        command.args(&self.args);
        ServerGuard::start("openssl s_server", command, dir, &[addr], Vec::new())
    }
}

/// How many copies of the intermediate [`oversized_chain_server`] sends: each is 879 bytes of
/// DER plus a 3-byte length, so 350 make a Certificate message of about 310 KB, well over
/// tlscheck's 256 KiB limit.
pub const OVERSIZED_CHAIN_COPIES: usize = 350;

/// `openssl s_server` speaking TLS 1.2 and 1.3 with the good.test leaf and key, followed by
/// [`OVERSIZED_CHAIN_COPIES`] copies of the test intermediate, so its Certificate handshake
/// message is larger than 256 KiB (tlscheck's `MAX_HANDSHAKE_MESSAGE`; rustls refuses handshake
/// messages over 64 KiB, OpenSSL's client over 100 KiB). [`tls12_certificate_message`] measures
/// what it sends.
pub fn oversized_chain_server() -> ServerGuard {
    OpensslServer::new("good.pem", "good.key")
        .pad_chain("intermediate.pem", OVERSIZED_CHAIN_COPIES)
        .start()
}

/// OpenSSL's cipher string for every suite it has (with `@SECLEVEL=0` appended by
/// [`OpensslServer::everything`]).
pub const OPENSSL_EVERYTHING: &str = "ALL:COMPLEMENTOFALL";

/// The PEM certificate blocks in `pem`, each with its END line and a newline.
fn pem_certificates(pem: &str) -> Vec<String> {
    const END: &str = "-----END CERTIFICATE-----";
    pem.split_inclusive(END)
        .filter_map(|part| {
            part.find("-----BEGIN CERTIFICATE-----")
                .map(|start| format!("{}\n", &part[start..]))
        })
        .collect()
}

/// The how-to nginx configuration's ciphers (Mozilla "intermediate").
pub const HOW_TO_CIPHERS: &str = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:\
ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:\
ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384";

/// A seed-style `ssl_ciphers` string as old how-to articles and generators (Mozilla "old",
/// 2015-2019) printed it: 40 suites, ECDSA ones too (unused with an RSA certificate), DHE ones
/// (unused: nginx serves DHE only with `ssl_dhparam`), and 3DES/RC4/IDEA/SEED ones that
/// Debian's OpenSSL 3 no longer has and silently drops. `@SECLEVEL=0` is what lets OpenSSL 3
/// speak TLS 1.0/1.1 at all.
pub const SEED_CIPHERS: &str = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:\
ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:\
ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:\
DHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:\
ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384:\
ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA256:DHE-RSA-AES128-SHA:\
DHE-RSA-AES256-SHA256:DHE-RSA-AES256-SHA:ECDHE-ECDSA-DES-CBC3-SHA:ECDHE-RSA-DES-CBC3-SHA:\
EDH-RSA-DES-CBC3-SHA:AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA256:AES256-SHA256:\
AES128-SHA:AES256-SHA:DES-CBC3-SHA:CAMELLIA128-SHA:CAMELLIA256-SHA:DHE-RSA-CAMELLIA128-SHA:\
DHE-RSA-CAMELLIA256-SHA:SEED-SHA:IDEA-CBC-SHA:RC4-SHA:RC4-MD5:!DSS:@SECLEVEL=0";

/// The HSTS header of the well-configured site.
pub const GOOD_HSTS: &str = "max-age=63072000; includeSubDomains";

/// What nginx's plain-HTTP server block does.
#[derive(Clone, Debug)]
pub enum PlainHttp {
    /// `return STATUS LOCATION;`, e.g. `return 301 https://$server_name$request_uri;`.
    Redirect { status: u16, location: String },
    /// Serves the page over plain HTTP, no redirect.
    Content,
    /// No plain-HTTP server at all: the port is closed.
    Absent,
}

/// nginx serving `server_name` over HTTPS and plain HTTP on 127.0.0.1, from a config written into
/// a temporary directory; single process (`daemon off; master_process off;`).
#[derive(Clone, Debug)]
pub struct NginxServer {
    server_name: String,
    certificate_file: String,
    key_file: String,
    protocols: String,
    ciphers: String,
    hsts: Option<String>,
    plain_http: PlainHttp,
    prefer_server_ciphers: bool,
    ecdh_curve: Option<String>,
}

impl NginxServer {
    /// The seed how-to configuration: TLS 1.2 and 1.3, the how-to ciphers, full chain, and a
    /// port-80 block with `return 301 https://$server_name$request_uri;`; no HSTS.
    pub fn how_to() -> NginxServer {
        NginxServer {
            server_name: "good.test".to_string(),
            certificate_file: "good-fullchain.pem".to_string(),
            key_file: "good.key".to_string(),
            protocols: "TLSv1.2 TLSv1.3".to_string(),
            ciphers: HOW_TO_CIPHERS.to_string(),
            hsts: None,
            plain_http: PlainHttp::Redirect {
                status: 301,
                location: "https://$server_name$request_uri".to_string(),
            },
            prefer_server_ciphers: false,
            ecdh_curve: None,
        }
    }

    /// Configured like the seed deployments: `ssl_protocols TLSv1 TLSv1.1 TLSv1.2;`,
    /// [`SEED_CIPHERS`], `ssl_prefer_server_ciphers on;`, HSTS and the port-80 redirect.
    pub fn seed_legacy() -> NginxServer {
        NginxServer::how_to()
            .protocols("TLSv1 TLSv1.1 TLSv1.2")
            .ciphers(SEED_CIPHERS)
            .prefer_server_ciphers(true)
            .hsts(GOOD_HSTS)
    }

    /// A modern site: `ssl_protocols TLSv1.2 TLSv1.3;`, the how-to (Mozilla intermediate)
    /// ciphers, `ssl_prefer_server_ciphers on;`, HSTS and the port-80 redirect.
    pub fn modern() -> NginxServer {
        NginxServer::how_to()
            .prefer_server_ciphers(true)
            .hsts(GOOD_HSTS)
    }

    /// The how-to configuration plus
    /// `add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;`.
    pub fn well_configured() -> NginxServer {
        NginxServer::how_to().hsts(GOOD_HSTS)
    }

    /// A good certificate, but plain HTTP serves the page (no redirect) and no HSTS.
    pub fn misconfigured() -> NginxServer {
        NginxServer::how_to().plain_http(PlainHttp::Content)
    }

    pub fn hsts(mut self, value: &str) -> NginxServer {
        self.hsts = Some(value.to_string());
        self
    }

    pub fn plain_http(mut self, plain_http: PlainHttp) -> NginxServer {
        self.plain_http = plain_http;
        self
    }

    /// Plain HTTP answers `return STATUS LOCATION;`.
    pub fn redirect(self, status: u16, location: &str) -> NginxServer {
        self.plain_http(PlainHttp::Redirect {
            status,
            location: location.to_string(),
        })
    }

    /// `ssl_ciphers`.
    pub fn ciphers(mut self, ciphers: &str) -> NginxServer {
        self.ciphers = ciphers.to_string();
        self
    }

    /// `ssl_prefer_server_ciphers on|off;`.
    /// `ssl_ecdh_curve` (the key-exchange groups, e.g. `X25519:prime256v1:secp384r1`).
    pub fn ecdh_curve(mut self, groups: &str) -> NginxServer {
        self.ecdh_curve = Some(groups.to_string());
        self
    }

    /// A server name other than `good.test`.
    pub fn server_name(mut self, name: &str) -> NginxServer {
        self.server_name = name.to_string();
        self
    }

    pub fn prefer_server_ciphers(mut self, on: bool) -> NginxServer {
        self.prefer_server_ciphers = on;
        self
    }

    /// `ssl_protocols`, e.g. `TLSv1.2`.
    pub fn protocols(mut self, protocols: &str) -> NginxServer {
        self.protocols = protocols.to_string();
        self
    }

    pub fn certificate(mut self, certificate_file: &str, key_file: &str) -> NginxServer {
        self.certificate_file = certificate_file.to_string();
        self.key_file = key_file.to_string();
        self
    }

    /// The nginx.conf for this site, with everything nginx writes kept inside `dir`.
    pub fn config(&self, dir: &Path, https_port: u16, http_port: u16) -> String {
        let name = &self.server_name;
        let mut lines = nginx_preamble(dir);
        let plain_http_body = match &self.plain_http {
            PlainHttp::Redirect { status, location } => {
                Some(format!("return {status} {location};"))
            }
            PlainHttp::Content => Some(format!(
                "location / {{ return 200 \"hello from {name} over plain http\\n\"; }}"
            )),
            PlainHttp::Absent => None,
        };
        if let Some(body) = plain_http_body {
            lines.extend([
                "    server {".to_string(),
                format!("        listen 127.0.0.1:{http_port};"),
                format!("        server_name {name};"),
                format!("        {body}"),
                "    }".to_string(),
            ]);
        }
        lines.extend([
            "    server {".to_string(),
            format!("        listen 127.0.0.1:{https_port} ssl;"),
            format!("        server_name {name};"),
            format!("        ssl_certificate {};", cert(&self.certificate_file)),
            format!("        ssl_certificate_key {};", cert(&self.key_file)),
            format!("        ssl_protocols {};", self.protocols),
            format!("        ssl_ciphers '{}';", self.ciphers),
            format!(
                "        ssl_prefer_server_ciphers {};",
                if self.prefer_server_ciphers {
                    "on"
                } else {
                    "off"
                }
            ),
        ]);
        if let Some(groups) = &self.ecdh_curve {
            lines.push(format!("        ssl_ecdh_curve {groups};"));
        }
        if let Some(value) = &self.hsts {
            lines.push(format!(
                "        add_header Strict-Transport-Security \"{value}\" always;"
            ));
        }
        lines.extend([
            format!("        location / {{ return 200 \"hello from {name}\\n\"; }}"),
            "    }".to_string(),
            "}".to_string(),
        ]);
        lines.join("\n") + "\n"
    }

    pub fn start(self) -> NginxGuard {
        let nginx = require_tool("nginx");
        let dir = tempfile::tempdir().expect("create nginx prefix directory");
        let ports = free_ports(2);
        let (https_port, http_port) = (ports[0], ports[1]);
        let config_path = dir.path().join("nginx.conf");
        fs::write(&config_path, self.config(dir.path(), https_port, http_port))
            .expect("write nginx.conf");

        let mut command = Command::new(nginx);
        // -e: the startup error log too goes to stderr, not /var/log/nginx.
        command
            .arg("-e")
            .arg("stderr")
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(&config_path);
        let mut listening = vec![SocketAddr::from((Ipv4Addr::LOCALHOST, https_port))];
        if !matches!(self.plain_http, PlainHttp::Absent) {
            listening.push(SocketAddr::from((Ipv4Addr::LOCALHOST, http_port)));
        }
        let extra_logs = vec![config_path.clone(), dir.path().join("access.log")];
        let server = ServerGuard::start("nginx", command, dir, &listening, extra_logs);
        NginxGuard {
            server,
            server_name: self.server_name,
            https_port,
            http_port,
        }
    }
}

/// The start of an nginx.conf that keeps everything nginx writes inside `dir`, single process
/// (`daemon off; master_process off;`), up to the open `http {` block.
fn nginx_preamble(dir: &Path) -> Vec<String> {
    let dir = dir.display();
    vec![
        "daemon off;".to_string(),
        "master_process off;".to_string(),
        "worker_processes 1;".to_string(),
        format!("pid {dir}/nginx.pid;"),
        "error_log stderr info;".to_string(),
        "events { worker_connections 64; }".to_string(),
        "http {".to_string(),
        format!("    access_log {dir}/access.log;"),
        format!("    client_body_temp_path {dir}/client_body;"),
        format!("    proxy_temp_path {dir}/proxy;"),
        format!("    fastcgi_temp_path {dir}/fastcgi;"),
        format!("    uwsgi_temp_path {dir}/uwsgi;"),
        format!("    scgi_temp_path {dir}/scgi;"),
        "    default_type text/plain;".to_string(),
    ]
}

/// nginx serving `http_block` (server blocks for the `http { }` context, e.g. what `tlscheck
/// --suggest nginx` printed) on 127.0.0.1, with the rest of its nginx.conf and everything it
/// writes in a temporary directory; waits until it listens on every port in `ports`.
pub fn start_nginx_with(http_block: &str, ports: &[u16]) -> ServerGuard {
    let nginx = require_tool("nginx");
    let dir = tempfile::tempdir().expect("create nginx prefix directory");
    let mut lines = nginx_preamble(dir.path());
    lines.push(http_block.to_string());
    lines.push("}".to_string());
    let config_path = dir.path().join("nginx.conf");
    fs::write(&config_path, lines.join("\n") + "\n").expect("write nginx.conf");
    let mut command = Command::new(nginx);
    command
        .arg("-e")
        .arg("stderr")
        .arg("-p")
        .arg(dir.path())
        .arg("-c")
        .arg(&config_path);
    let listening = loopback(ports);
    ServerGuard::start("nginx", command, dir, &listening, vec![config_path])
}

fn loopback(ports: &[u16]) -> Vec<SocketAddr> {
    ports
        .iter()
        .map(|port| SocketAddr::from((Ipv4Addr::LOCALHOST, *port)))
        .collect()
}

/// Where Debian's apache2 package keeps the modules.
pub const APACHE_MODULES: &str = "/usr/lib/apache2/modules";

/// Apache httpd (`apache2 -X`: one process, in the foreground, so the guard's kill by PID stops
/// all of it) serving `site` (VirtualHosts, e.g. what `tlscheck --suggest apache` printed) on
/// 127.0.0.1 `ports`, from its own httpd.conf in a temporary directory that also holds its pid
/// file, logs and runtime files. Loads mpm_event, authz_core, ssl, socache_shmcb, headers and
/// alias; runs as nobody when started as root.
pub fn start_apache_with(site: &str, ports: &[u16]) -> ServerGuard {
    use std::os::unix::fs::MetadataExt;

    let apache = require_tool("apache2");
    let dir = tempfile::tempdir().expect("create Apache server root");
    let root = dir.path().display().to_string();
    let mut lines = vec![
        format!("ServerRoot {root}"),
        format!("DefaultRuntimeDir {root}"),
        format!("PidFile {root}/httpd.pid"),
        format!("ErrorLog {root}/error.log"),
        "LogLevel info".to_string(),
        format!("Mutex file:{root} default"),
        "ServerName 127.0.0.1".to_string(),
    ];
    for module in [
        "mpm_event",
        "authz_core",
        "ssl",
        "socache_shmcb",
        "headers",
        "alias",
    ] {
        let file = Path::new(APACHE_MODULES).join(format!("mod_{module}.so"));
        assert!(
            file.is_file(),
            "Apache module {} is missing: apt-get install -y --no-install-recommends apache2",
            file.display()
        );
        lines.push(format!("LoadModule {module}_module {}", file.display()));
    }
    let running_as_root = fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
    if running_as_root {
        lines.extend(["User nobody".to_string(), "Group nogroup".to_string()]);
    }
    lines.push(format!("SSLSessionCache shmcb:{root}/ssl_scache(512000)"));
    lines.push(format!("DocumentRoot {root}"));
    for port in ports {
        lines.push(format!("Listen 127.0.0.1:{port}"));
    }
    lines.push(site.to_string());
    let config_path = dir.path().join("httpd.conf");
    fs::write(&config_path, lines.join("\n") + "\n").expect("write httpd.conf");
    let mut command = Command::new(apache);
    command.arg("-f").arg(&config_path).arg("-X");
    let listening = loopback(ports);
    let error_log = dir.path().join("error.log");
    ServerGuard::start(
        "apache2",
        command,
        dir,
        &listening,
        vec![config_path, error_log],
    )
}

/// `python3 SCRIPT` (the script's text written to a temporary directory) that should listen on
/// 127.0.0.1 `ports`; `module`/`package` is a module it needs (e.g. `flask`/`flask==3.1.3`).
pub fn start_python_script(
    script: &str,
    ports: &[u16],
    module: &str,
    package: &str,
) -> ServerGuard {
    let python = require_python_module(module, package);
    let dir = tempfile::tempdir().expect("create script directory");
    let path = dir.path().join("server.py");
    fs::write(&path, script).expect("write server.py");
    let mut command = Command::new(python);
    command
        .arg(&path)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONUNBUFFERED", "1");
    let listening = loopback(ports);
    ServerGuard::start("python3 server.py", command, dir, &listening, vec![path])
}

/// A running nginx; drop stops it.
pub struct NginxGuard {
    pub server: ServerGuard,
    pub server_name: String,
    pub https_port: u16,
    /// Plain HTTP; nobody listens there with [`PlainHttp::Absent`].
    pub http_port: u16,
}

impl NginxGuard {
    /// Scan arguments for `https://SERVER_NAME/` with ports 443 and 80 mapped to this nginx.
    pub fn scan_args(&self) -> Vec<String> {
        let name = &self.server_name;
        let mut args = vec![name.clone()];
        args.extend(connect_to(name, 443, self.https_port));
        args.extend(connect_to(name, 80, self.http_port));
        args
    }
}

/// `--connect-to NAME:PORT:127.0.0.1:LOOPBACK_PORT`.
pub fn connect_to(name: &str, port: u16, loopback_port: u16) -> [String; 2] {
    [
        "--connect-to".to_string(),
        format!("{name}:{port}:127.0.0.1:{loopback_port}"),
    ]
}

/// Scan arguments for `NAME:PORT` served by `server`, with plain HTTP (port 80) mapped to a
/// loopback port nobody listens on, so no packet leaves the machine.
pub fn scan_args_for(name: &str, server: &ServerGuard) -> Vec<String> {
    let port = server.port();
    let mut args = vec![format!("{name}:{port}")];
    args.extend(connect_to(name, port, port));
    args.extend(connect_to(name, 80, free_port()));
    args
}

// ---------------------------------------------------------------------------------------------
// Python servers (tests/servers/): tlslite-ng, and the scripted SSLv2 and export servers

/// The tlslite-ng release tests/run.sh installs (and the lab was checked with).
pub const TLSLITE_NG: &str = "tlslite-ng==0.8.2";

/// `python3`, checked to import `module` (from PyPI `package`). Panics, loudly, when it cannot.
pub fn require_python_module(module: &str, package: &str) -> PathBuf {
    let python = require_tool("python3");
    let output = Command::new(&python)
        .args(["-c", &format!("import {module}")])
        .output()
        .unwrap_or_else(|error| panic!("cannot run {}: {error}", python.display()));
    assert!(
        output.status.success(),
        "the integration tests need the Python module `{module}`, which {} cannot import: run \
         ./tests/run.sh as root, which installs it, or `python3 -m pip install {package}`\n{}",
        python.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    python
}

fn server_script(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("servers")
        .join(name);
    assert!(
        path.is_file(),
        "server script {} is missing",
        path.display()
    );
    path
}

/// Runs `tests/servers/SCRIPT ARGS --port PORT` on 127.0.0.1 under the Python that imports
/// tlslite-ng.
fn start_python_server(name: &str, script: &str, args: &[String]) -> ServerGuard {
    let python = require_python_module("tlslite", TLSLITE_NG);
    let dir = tempfile::tempdir().expect("create server directory");
    let port = free_port();
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut command = Command::new(python);
    command
        .arg(server_script(script))
        .args(args)
        .arg("--port")
        .arg(port.to_string())
        // Keep tests/servers free of __pycache__, and the log in order.
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONUNBUFFERED", "1");
    ServerGuard::start(name, command, dir, &[addr], Vec::new())
}

/// A tlslite-ng server (`tests/servers/tlslite_server.py`): the SSLv3, RC4 and 3DES that
/// Debian's OpenSSL no longer serves. Names are tlslite-ng's `HandshakeSettings` names.
#[derive(Clone, Debug)]
pub struct TlsliteServer {
    certificate_file: String,
    key_file: String,
    min_version: String,
    max_version: String,
    ciphers: String,
    key_exchange: String,
    macs: String,
}

impl TlsliteServer {
    /// The lab's legacy server: SSLv3 to TLS 1.2 with RC4, 3DES and AES-128-CBC, static RSA and
    /// ECDHE-RSA key exchange, SHA-1 and MD5 MACs, serving the good chain. tlslite-ng picks by
    /// its own order.
    pub fn new() -> TlsliteServer {
        TlsliteServer {
            certificate_file: "good-fullchain.pem".to_string(),
            key_file: "good.key".to_string(),
            min_version: "ssl3".to_string(),
            max_version: "tls1.2".to_string(),
            ciphers: "rc4,3des,aes128".to_string(),
            key_exchange: "rsa,ecdhe_rsa".to_string(),
            macs: "sha,md5".to_string(),
        }
    }

    /// tlslite-ng as a modern server: TLS 1.2 and 1.3, AES-GCM and ChaCha20-Poly1305, ECDHE only.
    /// It enforces RFC 8446's rule that a TLS 1.3 hello lists no obsolete group.
    pub fn modern() -> TlsliteServer {
        TlsliteServer::new()
            .versions("tls1.2", "tls1.3")
            .ciphers("aes128gcm,aes256gcm,chacha20-poly1305")
            .key_exchange("ecdhe_rsa")
            .macs("aead")
    }

    /// `ssl3`, `tls1.0`, `tls1.1`, `tls1.2` or `tls1.3`.
    pub fn versions(mut self, min: &str, max: &str) -> TlsliteServer {
        self.min_version = min.to_string();
        self.max_version = max.to_string();
        self
    }

    /// Comma-separated cipher names, e.g. `rc4,3des,aes128`.
    pub fn ciphers(mut self, ciphers: &str) -> TlsliteServer {
        self.ciphers = ciphers.to_string();
        self
    }

    /// Comma-separated key exchanges, e.g. `rsa,ecdhe_rsa`.
    pub fn key_exchange(mut self, key_exchange: &str) -> TlsliteServer {
        self.key_exchange = key_exchange.to_string();
        self
    }

    /// Comma-separated MACs, e.g. `sha,md5`.
    pub fn macs(mut self, macs: &str) -> TlsliteServer {
        self.macs = macs.to_string();
        self
    }

    pub fn start(self) -> ServerGuard {
        let args = [
            "--cert".to_string(),
            cert(&self.certificate_file),
            "--key".to_string(),
            cert(&self.key_file),
            "--min-version".to_string(),
            self.min_version,
            "--max-version".to_string(),
            self.max_version,
            "--ciphers".to_string(),
            self.ciphers,
            "--key-exchange".to_string(),
            self.key_exchange,
            "--macs".to_string(),
            self.macs,
        ];
        start_python_server("tlslite-ng server", "tlslite_server.py", &args)
    }
}

impl Default for TlsliteServer {
    fn default() -> TlsliteServer {
        TlsliteServer::new()
    }
}

/// The scripted SSLv2-only server (`tests/servers/sslv2_server.py`): SERVER-HELLO with the
/// leaf of `certificate_file` and RC4-MD5, DES-CBC3-MD5, EXP-RC4-MD5.
pub fn start_sslv2_server(certificate_file: &str) -> ServerGuard {
    let args = ["--cert".to_string(), cert(certificate_file)];
    start_python_server("scripted SSLv2 server", "sslv2_server.py", &args)
}

/// The scripted TLS 1.0 export server (`tests/servers/export_server.py`): EXP-RC4-MD5,
/// EXP-RC2-CBC-MD5, EXP-DES-CBC-SHA with a 512-bit RSA ServerKeyExchange.
pub fn start_export_server(certificate_file: &str, key_file: &str) -> ServerGuard {
    let args = [
        "--cert".to_string(),
        cert(certificate_file),
        "--key".to_string(),
        cert(key_file),
    ];
    start_python_server("scripted export server", "export_server.py", &args)
}

// ---------------------------------------------------------------------------------------------
// Hostile servers (in-process)

/// What a [`HostileServer`] does with each connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hostility {
    /// Accepts and never says a word, holding the connection until the server is dropped.
    Silent,
    /// Waits for the client's first bytes, then resets the connection (RST, not FIN).
    Reset,
}

/// A TCP listener on 127.0.0.1, in a thread of the test, that misbehaves on purpose; dropping it
/// stops the thread and closes every connection.
pub struct HostileServer {
    pub port: u16,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl HostileServer {
    pub fn start(hostility: Hostility) -> HostileServer {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::Arc;

        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let port = listener.local_addr().expect("local address").port();
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let mut held = Vec::new();
            while !stopping.load(Ordering::Relaxed) {
                let Ok((stream, _)) = listener.accept() else {
                    sleep(Duration::from_millis(5));
                    continue;
                };
                match hostility {
                    Hostility::Silent => held.push(stream),
                    Hostility::Reset => {
                        // Closing a socket with unread received data makes the kernel send a
                        // RST instead of a FIN (RFC 2525, 2.17): wait for the hello, leave it
                        // unread, close.
                        let _ = stream.set_nonblocking(false);
                        let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
                        let mut first = [0u8; 1];
                        let _ = stream.peek(&mut first);
                        drop(stream);
                    }
                }
            }
        });
        HostileServer {
            port,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for HostileServer {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Running tlscheck

/// What one tlscheck run produced.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub args: Vec<String>,
}

impl std::fmt::Display for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "tlscheck {}\nexit code: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.args.join(" "),
            self.code,
            self.stdout,
            self.stderr
        )
    }
}

/// Runs the tlscheck binary with `args`, killing it (by PID) if it outlives the run limit.
pub fn tlscheck<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let args: Vec<String> = args
        .into_iter()
        .map(|arg| arg.as_ref().to_string())
        .collect();
    let dir = tempfile::tempdir().expect("create output directory");
    let stdout_path = dir.path().join("stdout");
    let stderr_path = dir.path().join("stderr");
    let mut child = Command::new(env!("CARGO_BIN_EXE_tlscheck"))
        .args(&args)
        .stdin(Stdio::null())
        .stdout(File::create(&stdout_path).expect("create stdout file"))
        .stderr(File::create(&stderr_path).expect("create stderr file"))
        .spawn()
        .expect("start tlscheck");
    let deadline = Instant::now() + TLSCHECK_RUN_LIMIT;
    let status: ExitStatus = loop {
        if let Some(status) = child.try_wait().expect("poll tlscheck") {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "tlscheck {} still running after {TLSCHECK_RUN_LIMIT:?}; killed it\n\
                 --- stdout ---\n{}\n--- stderr ---\n{}",
                args.join(" "),
                fs::read_to_string(&stdout_path).unwrap_or_default(),
                fs::read_to_string(&stderr_path).unwrap_or_default()
            );
        }
        sleep(POLL_INTERVAL);
    };
    let output = Output {
        code: status.code().unwrap_or(-1),
        stdout: fs::read_to_string(&stdout_path).expect("read stdout"),
        stderr: fs::read_to_string(&stderr_path).expect("read stderr"),
        args,
    };
    save_snapshot(&output);
    assert!(
        status.code().is_some(),
        "tlscheck was killed by a signal ({status})\n{output}"
    );
    output
}

/// With `TLSCHECK_SNAPSHOT_DIR` set, keeps every JSON run as `DIR/<test name>-<n>.json` (with its
/// arguments beside it), so the facts of two revisions can be compared server by server with
/// `tests/compare_snapshots.py`. Off by default.
fn save_snapshot(output: &Output) {
    thread_local! {
        // Runs so far in this test (each test runs in a thread of its own).
        static RUNS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }
    let Some(dir) = std::env::var_os("TLSCHECK_SNAPSHOT_DIR") else {
        return;
    };
    if !output
        .args
        .windows(2)
        .any(|pair| pair[1] == "json" && (pair[0] == "--format" || pair[0] == "-f"))
    {
        return;
    }
    let dir = PathBuf::from(dir);
    fs::create_dir_all(&dir).expect("create the snapshot directory");
    let test = std::thread::current()
        .name()
        .unwrap_or("unnamed")
        .replace("::", "-");
    let binary = std::env::current_exe()
        .ok()
        .and_then(|path| {
            path.file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
        })
        .unwrap_or_default();
    let binary = binary.split('-').next().unwrap_or("tests").to_string();
    let run = RUNS.with(|runs| runs.replace(runs.get() + 1));
    let stem = dir.join(format!("{binary}-{test}-{run}"));
    let record = serde_json::json!({
        "args": output.args,
        "code": output.code,
        "stdout": output.stdout,
    });
    fs::write(stem.with_extension("json"), record.to_string()).expect("write snapshot");
}

/// Runs tlscheck with `--format json` and returns the run and its single report.
pub fn scan<I, S>(args: I) -> (Output, Value)
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut args: Vec<String> = args
        .into_iter()
        .map(|arg| arg.as_ref().to_string())
        .collect();
    args.extend(["--format".to_string(), "json".to_string()]);
    let output = tlscheck(&args);
    let document: Value = serde_json::from_str(&output.stdout)
        .unwrap_or_else(|error| panic!("stdout is not JSON ({error})\n{output}"));
    assert_eq!(document["schema_version"], 2, "schema_version\n{output}");
    assert_matches_schema(&document, &output);
    assert_no_debug_rendering(&document, &output);
    let reports = document["reports"]
        .as_array()
        .unwrap_or_else(|| panic!("no reports array\n{output}"));
    assert_eq!(reports.len(), 1, "one target, one report\n{output}");
    let report = reports[0].clone();
    (output, report)
}

/// Words that look like a Rust `Debug` rendering but are protocol message names tlscheck's
/// evidence uses on purpose.
const MESSAGE_NAMES: [&str; 7] = [
    "ServerHello",
    "HelloRetryRequest",
    "ClientHello",
    "ServerKeyExchange",
    "ServerHelloDone",
    "CertificateRequest",
    "CertificateStatus",
];

/// The words of `text` that look like a Rust `Debug` rendering of an error: a capitalised
/// name directly followed by `(` or `{` (`Other(`, `TrailingData(`), or a CamelCase name
/// (`UnknownIssuer`, `InvalidContentType`).
pub fn debug_renderings(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut index = 0;
    while index < chars.len() {
        let starts_word = index == 0 || !chars[index - 1].is_alphanumeric();
        if !(starts_word && chars[index].is_ascii_uppercase()) {
            index += 1;
            continue;
        }
        let end = (index..chars.len())
            .find(|&i| !chars[i].is_ascii_alphanumeric() && chars[i] != '_')
            .unwrap_or(chars.len());
        let word: String = chars[index..end].iter().collect();
        let followed_by_bracket = matches!(chars.get(end), Some('(' | '{'));
        let humps = word
            .chars()
            .zip(word.chars().skip(1))
            .filter(|(a, b)| a.is_ascii_uppercase() && b.is_ascii_lowercase())
            .count();
        let camel = humps >= 2 && word.chars().all(|c| c.is_ascii_alphabetic());
        let lower_start = word.chars().nth(1).is_some_and(|c| c.is_ascii_lowercase());
        if (followed_by_bracket && lower_start || camel) && !MESSAGE_NAMES.contains(&word.as_str())
        {
            found.push(word);
        }
        index = end.max(index + 1);
    }
    found
}

/// Asserts no text of `document` (but the fixes, which quote server configuration, and the
/// PEM certificates) contains a Rust `Debug` rendering of an error.
#[track_caller]
pub fn assert_no_debug_rendering(document: &Value, output: &Output) {
    fn walk(value: &Value, path: &str, found: &mut Vec<String>) {
        match value {
            Value::String(text) => {
                for word in debug_renderings(text) {
                    found.push(format!("{path}: {word} in {text:?}"));
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    walk(item, &format!("{path}/{index}"), found);
                }
            }
            Value::Object(fields) => {
                for (key, item) in fields {
                    if key != "fix" && key != "pem" {
                        walk(item, &format!("{path}/{key}"), found);
                    }
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk(document, "", &mut found);
    assert!(
        found.is_empty(),
        "Debug renderings in the report:\n{}\n{output}",
        found.join("\n")
    );
}

/// Asserts `document` validates against the committed JSON Schema of the report.
#[track_caller]
pub fn assert_matches_schema(document: &Value, output: &Output) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/report/wire/report.schema.json");
    let schema: Value = serde_json::from_str(
        &fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("read {}: {error}", path.display())),
    )
    .expect("the schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(document)
        .map(|error| format!("{error} at {}", error.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "JSON output violates {}:\n{}\n{output}",
        path.display(),
        errors.join("\n")
    );
}

/// Runs tlscheck with `--format json` and returns `reports[0]`.
pub fn scan_json<I, S>(args: I) -> Value
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    scan(args).1
}

// ---------------------------------------------------------------------------------------------
// Reading reports

fn pretty(report: &Value) -> String {
    serde_json::to_string_pretty(report).unwrap_or_else(|_| report.to_string())
}

/// The value at JSON pointer `pointer`, e.g. `/tls/protocol`; panics showing the report if absent.
#[track_caller]
pub fn at<'a>(report: &'a Value, pointer: &str) -> &'a Value {
    report
        .pointer(pointer)
        .unwrap_or_else(|| panic!("report has no {pointer}\n{}", pretty(report)))
}

#[track_caller]
pub fn str_at<'a>(report: &'a Value, pointer: &str) -> &'a str {
    at(report, pointer)
        .as_str()
        .unwrap_or_else(|| panic!("{pointer} is not a string\n{}", pretty(report)))
}

#[track_caller]
pub fn bool_at(report: &Value, pointer: &str) -> bool {
    at(report, pointer)
        .as_bool()
        .unwrap_or_else(|| panic!("{pointer} is not a boolean\n{}", pretty(report)))
}

#[track_caller]
pub fn i64_at(report: &Value, pointer: &str) -> i64 {
    at(report, pointer)
        .as_i64()
        .unwrap_or_else(|| panic!("{pointer} is not an integer\n{}", pretty(report)))
}

#[track_caller]
pub fn array_at<'a>(report: &'a Value, pointer: &str) -> &'a Vec<Value> {
    at(report, pointer)
        .as_array()
        .unwrap_or_else(|| panic!("{pointer} is not an array\n{}", pretty(report)))
}

/// Asserts the value at `pointer` equals `expected`, showing the report when it does not.
#[track_caller]
pub fn assert_at(report: &Value, pointer: &str, expected: impl Into<Value>) {
    let expected = expected.into();
    assert_eq!(
        at(report, pointer),
        &expected,
        "{pointer}\n{}",
        pretty(report)
    );
}

/// The ids of the report's findings, in order.
pub fn finding_ids(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .map(|findings| {
            findings
                .iter()
                .filter_map(|finding| finding["id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[track_caller]
pub fn assert_finding(report: &Value, id: &str) {
    let ids = finding_ids(report);
    assert!(
        ids.iter().any(|found| found == id),
        "expected finding {id}, found {ids:?}\n{}",
        pretty(report)
    );
}

#[track_caller]
pub fn assert_no_finding(report: &Value, id: &str) {
    let ids = finding_ids(report);
    assert!(
        !ids.iter().any(|found| found == id),
        "unexpected finding {id} among {ids:?}\n{}",
        pretty(report)
    );
}

/// Asserts no finding id starts with any of `prefixes`, e.g. `["cert.", "chain."]`.
#[track_caller]
pub fn assert_no_finding_in(report: &Value, prefixes: &[&str]) {
    let ids = finding_ids(report);
    let unexpected: Vec<&String> = ids
        .iter()
        .filter(|id| prefixes.iter().any(|prefix| id.starts_with(prefix)))
        .collect();
    assert!(
        unexpected.is_empty(),
        "unexpected findings {unexpected:?}\n{}",
        pretty(report)
    );
}

/// Severity names from least to most severe, as `--fail-on` takes them.
pub const SEVERITIES: [&str; 5] = ["info", "low", "medium", "high", "critical"];

/// Rank of a severity name in [`SEVERITIES`].
pub fn severity_rank(name: &str) -> usize {
    SEVERITIES
        .iter()
        .position(|severity| *severity == name)
        .unwrap_or_else(|| panic!("unknown severity {name:?}"))
}

/// The most severe finding's rank, if there are findings.
pub fn worst_severity_rank(report: &Value) -> Option<usize> {
    report["findings"].as_array().and_then(|findings| {
        findings
            .iter()
            .filter_map(|finding| finding["severity"].as_str())
            .map(severity_rank)
            .max()
    })
}
