//! Facts and findings: the typed, serializable data that flows from probes to analysis to reports.
//!
//! Probes fill in facts; `analysis` turns facts into [`Finding`]s; `report` renders both. These types
//! are also the JSON report's wire format (see `src/report/report.schema.json` and [`SCHEMA_VERSION`]),
//! so renaming a field is a breaking change that must bump the schema version.

use serde::{Deserialize, Serialize};

pub mod time;

/// Version of the JSON report layout. Bump on any incompatible change to these types.
pub const SCHEMA_VERSION: u32 = 1;

/// The result of one probe step: its facts, or why there are none. A failure is data, never an
/// early return that loses the rest of the report.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome<T> {
    Ok(T),
    Failed { reason: String },
    Skipped { reason: String },
}

impl<T> Outcome<T> {
    pub fn ok(&self) -> Option<&T> {
        match self {
            Outcome::Ok(value) => Some(value),
            _ => None,
        }
    }

    pub fn failure(&self) -> Option<&str> {
        match self {
            Outcome::Failed { reason } => Some(reason),
            _ => None,
        }
    }
}

/// Everything tlscheck learned about one target, plus the findings drawn from it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct HostReport {
    pub target: TargetFacts,
    /// RFC 3339 time the scan of this target started.
    pub scanned_at: String,
    pub duration_ms: u64,
    /// Set when the target could not be scanned at all (name did not resolve, TCP refused or timed
    /// out): the report then holds no TLS or HTTP facts and the exit code is 3.
    pub unreachable: Option<String>,
    pub tls: Outcome<ConnectionFacts>,
    pub certificates: Option<ChainFacts>,
    pub client_auth: Option<ClientAuthFacts>,
    pub https: Outcome<HttpsResponseFacts>,
    pub redirect: Outcome<RedirectFacts>,
    /// Protocol versions, cipher suites and groups from our own ClientHellos (skipped by
    /// `--quick`).
    pub enumeration: Outcome<EnumerationFacts>,
    pub findings: Vec<Finding>,
}

impl HostReport {
    /// A report for `target` with nothing probed yet: every probe outcome skipped for `reason`.
    pub fn unscanned(target: TargetFacts, scanned_at: String, reason: &str) -> HostReport {
        fn skipped<T>(reason: &str) -> Outcome<T> {
            Outcome::Skipped {
                reason: reason.to_string(),
            }
        }
        HostReport {
            target,
            scanned_at,
            duration_ms: 0,
            unreachable: None,
            tls: skipped(reason),
            certificates: None,
            client_auth: None,
            https: skipped(reason),
            redirect: skipped(reason),
            enumeration: skipped(reason),
            findings: vec![],
        }
    }

    /// The most severe finding, if any.
    pub fn worst_severity(&self) -> Option<Severity> {
        self.findings.iter().map(|finding| finding.severity).max()
    }
}

/// What was scanned, and where it was reached.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TargetFacts {
    /// The target exactly as the user typed it.
    pub input: String,
    /// Host name or IP literal (IPv6 without brackets).
    pub host: String,
    pub port: u16,
    /// Server name sent in the TLS SNI extension; none for IP literals without `--sni`.
    pub sni: Option<String>,
    /// Path requested over HTTPS and HTTP.
    pub path: String,
    /// Addresses the name resolved to (or the `--connect-to` override).
    pub addresses: Vec<String>,
    /// The address the TLS connection was made to, `ip:port`.
    pub connected_to: Option<String>,
}

/// The negotiated TLS connection, as rustls saw it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ConnectionFacts {
    /// `TLSv1.3`, `TLSv1.2`, ...
    pub protocol: String,
    /// IANA name, e.g. `TLS_AES_256_GCM_SHA384`.
    pub cipher_suite: String,
    /// IANA code point, e.g. `0x1302`.
    pub cipher_suite_code: String,
    /// IANA name of the key-exchange group, e.g. `X25519MLKEM768`, `x25519`, `secp256r1`.
    pub key_exchange_group: Option<String>,
    pub alpn: Option<String>,
    pub tcp_connect_ms: f64,
    pub handshake_ms: f64,
    /// Length in bytes of the stapled OCSP response; none when the server stapled nothing.
    pub ocsp_stapled_bytes: Option<usize>,
    /// Set when the server's handshake signature could not be verified (e.g. an RSA key under 2048
    /// bits, which rustls refuses); the scan goes on so the rest can be reported.
    pub handshake_signature_error: Option<String>,
}

/// The certificate chain as presented, and what we concluded about it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ChainFacts {
    /// In the order the server sent them; the first is the leaf.
    pub certificates: Vec<CertificateFacts>,
    /// Each certificate is issued by the one after it.
    pub order_correct: bool,
    /// The issuer of the last certificate that chains from the leaf was neither sent nor a trust
    /// anchor: an intermediate is missing (or the issuing CA is unknown).
    pub incomplete: bool,
    /// Distinguished name of the issuer that could not be found, when `incomplete`.
    pub missing_issuer: Option<String>,
    pub trust: TrustFacts,
    pub hostname: HostnameFacts,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TrustFacts {
    pub trusted: bool,
    /// Which roots were used: `webpki-roots`, `system`, plus any `--ca-file`.
    pub store: String,
    /// rustls/webpki's reason when not trusted.
    pub error: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct HostnameFacts {
    /// The name checked: the SNI name, or the IP literal.
    pub name: String,
    pub matches: bool,
    /// DNS names and IP addresses the leaf certificate covers.
    pub covered: Vec<String>,
}

/// One X.509 certificate, parsed.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct CertificateFacts {
    pub subject: String,
    pub issuer: String,
    pub common_name: Option<String>,
    pub dns_names: Vec<String>,
    pub ip_addresses: Vec<String>,
    /// Colon-separated upper-case hex.
    pub serial: String,
    /// RFC 3339.
    pub not_before: String,
    /// RFC 3339.
    pub not_after: String,
    /// Whole days from the scan time to `not_after`; negative once expired.
    pub days_left: i64,
    pub expired: bool,
    pub not_yet_valid: bool,
    pub key: KeyFacts,
    /// e.g. `sha256WithRSAEncryption`, `ecdsa-with-SHA256`.
    pub signature_algorithm: String,
    /// Hash used by the signature, when it has a separate one (`SHA-1`, `SHA-256`, `MD5`).
    pub signature_hash: Option<String>,
    pub is_ca: bool,
    /// Issuer equals subject and the certificate's signature verifies with its own key.
    pub self_signed: bool,
    /// Colon-separated upper-case hex of the SHA-256 of the DER.
    pub sha256_fingerprint: String,
    pub ocsp_urls: Vec<String>,
    pub ca_issuer_urls: Vec<String>,
    /// Signed certificate timestamps embedded in the certificate.
    pub sct_count: usize,
    /// TLS feature extension asks for OCSP stapling.
    pub must_staple: bool,
    /// The certificate exactly as the server sent it, PEM-encoded.
    pub pem: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct KeyFacts {
    /// `RSA`, `EC`, `Ed25519`, `Ed448`, `DSA`, or the OID when unknown.
    pub algorithm: String,
    pub bits: u32,
    /// Named curve for EC keys, e.g. `P-256`.
    pub curve: Option<String>,
}

/// Client-certificate (mutual TLS) behaviour of the server.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ClientAuthFacts {
    /// The server sent a CertificateRequest.
    pub requested: bool,
    /// Distinguished names of the CAs the server said it accepts.
    pub ca_names: Vec<String>,
    /// We had a client certificate to present (`--client-cert`).
    pub presented: bool,
    /// The server refuses clients without a certificate; none when not determined.
    pub required: Option<bool>,
    /// The server accepted the certificate we presented; none when we presented none.
    pub accepted: Option<bool>,
    /// Alert the server sent when it refused a client, e.g. `certificate_required`.
    pub refusal: Option<String>,
}

/// The HTTPS response to a GET of the target path, read on the scanned connection.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct HttpsResponseFacts {
    pub url: String,
    /// HTTP status code (named so it cannot clash with the outcome's `status` tag).
    pub status_code: u16,
    pub location: Option<String>,
    pub server: Option<String>,
    pub hsts: Option<HstsFacts>,
}

/// A parsed `Strict-Transport-Security` header.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct HstsFacts {
    pub raw: String,
    pub max_age: Option<u64>,
    pub include_subdomains: bool,
    pub preload: bool,
    /// Why the header is invalid, when it is (browsers then ignore it).
    pub error: Option<String>,
}

/// The plain-HTTP redirect chain starting at `http://HOST[:http-port]/path`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RedirectFacts {
    pub start_url: String,
    pub hops: Vec<RedirectHop>,
    pub verdict: RedirectVerdict,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RedirectHop {
    pub url: String,
    pub status_code: u16,
    pub location: Option<String>,
    /// The hop's `Location` stays on the scanned host.
    pub same_host: bool,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum RedirectVerdict {
    /// Reaches https on the same host with 301 or 308.
    HttpsPermanent,
    /// Reaches https on the same host, but with at least one 302, 303 or 307.
    HttpsTemporary,
    /// Leaves for another host.
    OtherHost,
    /// Answers over plain HTTP without redirecting.
    NoRedirect,
    /// Redirects, but only to other plain-HTTP URLs and never reaches https.
    StaysHttp,
    /// Redirects back to itself.
    Loop,
    /// More hops than the limit.
    TooManyHops,
}

/// What the raw prober learned with tlscheck's own ClientHellos, SSLv2 to TLS 1.3.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct EnumerationFacts {
    /// One entry per version, SSLv2 first.
    pub protocols: Vec<ProtocolFacts>,
    /// One entry per accepted version, oldest first.
    pub cipher_suites: Vec<VersionSuites>,
    /// Key-exchange groups the server accepts, in the order it chose them; that is its order of
    /// preference when `groups_server_order` is true.
    pub groups: Vec<GroupFacts>,
    /// Where `groups` came from: `tls1.3` (HelloRetryRequest) or `tls1.2` (ECDHE parameters).
    pub groups_probed_with: Option<String>,
    /// The server picks the group by its own order (true) or by the client's (false); none with
    /// fewer than two groups.
    pub groups_server_order: Option<bool>,
    /// TCP connections (one handshake attempt each) the enumeration used.
    pub handshakes: u32,
    pub duration_ms: u64,
    /// Connections at once to this server (`--max-connections`).
    pub max_connections: usize,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ProtocolFacts {
    /// `SSLv2`, `SSLv3`, `TLSv1.0`, `TLSv1.1`, `TLSv1.2`, `TLSv1.3`.
    pub version: String,
    pub accepted: bool,
    /// Why we concluded so: the ServerHello, the alert, the downgraded version, the closed
    /// connection.
    pub evidence: String,
    /// Set when the probe itself failed (timeout, reset twice) so `accepted` is unknown.
    pub error: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct VersionSuites {
    pub version: String,
    /// The server picks by its own order (true) or by the client's (false); none with fewer
    /// than two suites.
    pub server_order: Option<bool>,
    /// In the server's order of preference when it enforces one, else by code point.
    pub suites: Vec<SuiteFacts>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SuiteFacts {
    /// IANA name.
    pub name: String,
    /// OpenSSL's name, which nginx, Apache and sslscan print.
    pub openssl_name: Option<String>,
    /// IANA code point, e.g. `0xC02F` (SSLv2 kinds have three bytes).
    pub code: String,
    /// `ECDHE`, `DHE`, `RSA`, `ECDH`, `DH`, `PSK`, `TLS13`, ...
    pub key_exchange: String,
    /// Bulk cipher key bits.
    pub bits: u16,
    pub forward_secrecy: bool,
    pub aead: bool,
    pub cbc: bool,
    pub export: bool,
    pub null: bool,
    pub anonymous: bool,
    pub rc4: bool,
    pub des: bool,
    pub triple_des: bool,
    /// Size of the DH prime the server sent (DHE suites).
    pub dh_bits: Option<u32>,
    /// Curve of the server's ECDHE parameters (ECDHE suites, TLS ≤ 1.2).
    pub ecdh_group: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct GroupFacts {
    /// IANA name, e.g. `x25519`, `secp256r1`, `ffdhe2048`, `X25519MLKEM768`.
    pub name: String,
    pub code: String,
    /// `ecdhe`, `ffdhe`, `hybrid` (post-quantum hybrid) or `pq`.
    pub kind: String,
}

/// How bad a finding is. Ordered: `Info < Low < Medium < High < Critical`.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something wrong (or worth knowing) about the deployment, with the evidence and the fix.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Finding {
    /// Stable identifier, e.g. `cert.expired`. Never changes meaning once released.
    pub id: String,
    pub severity: Severity,
    /// One line saying what is wrong.
    pub title: String,
    /// The observed facts that triggered it.
    pub evidence: String,
    pub fix: Fix,
}

/// How to fix a finding in the servers people deploy.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Fix {
    pub nginx: String,
    pub apache: String,
    /// Python's `ssl` module / Flask `app.run(ssl_context=...)`.
    pub python: String,
}
