//! The JSON report's wire types: a public contract, versioned by [`SCHEMA_VERSION`] and described
//! by `report.schema.json` beside this file (a test validates real output against it). They are
//! built from facts and the assessment by [`Report::from_record`] and change only on purpose.
//!
//! Version 2 (from 1): `unreachable` and failed outcomes carry a typed `error` (`kind`, `step`,
//! `detail`) beside the `reason` text; each report has a `verdict`; `protocols[].accepted` is
//! `null` when unknown and `protocols[].error` is an error object; `cipher_suites[]` say whether
//! the list is `complete`; findings have `subjects`; `certificates` has `unparsable` and
//! `trust.failure`; `target` has `http_url`; the report has `time_budget_ms`.
//!
//! Compatible additions to version 2 (readers of version 2 may meet documents without them):
//! the document's `policy`, `trust.publicly_trusted`, `certificates[].crl_urls`, each report's
//! `grade`, each finding's `waiver`; the document's `drift` (only with `--baseline`: the drift
//! from the baseline, a [`drift::DriftDocument`], described by `drift.schema.json`).

pub mod drift;

use serde::{Deserialize, Serialize};

use super::Record;
use crate::analysis::catalog::{CertificatePart, Subject as FindingSubject};
use crate::analysis::{describe, http::hsts_error, http::redirect_verdict, Finding as Judged};
use crate::facts::time::rfc3339;
use crate::facts::{self, Outcome as FactOutcome, ProbeError};
use crate::tls::groups::{self, GroupKind};
use crate::tls::{suites, version_name};

/// Version of the JSON report layout. Bump on any incompatible change to these types.
pub const SCHEMA_VERSION: u32 = 2;

/// The whole document.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Document {
    pub schema_version: u32,
    pub tool: Tool,
    pub fail_on: String,
    /// The profile checked against (`mozilla-intermediate@6.0`), or `none`.
    #[serde(default)]
    pub policy: String,
    pub reports: Vec<Report>,
    /// With `--baseline`: what changed since the baseline report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drift: Option<drift::DriftDocument>,
    /// Targets an interrupted run (Ctrl-C) did not scan; absent when every target was.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub not_scanned: usize,
}

fn is_zero(count: &usize) -> bool {
    *count == 0
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

/// The result of one probe: its facts, or why there are none.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome<T> {
    Ok(T),
    Failed { reason: String, error: Error },
    Skipped { reason: String },
}

impl<T> Outcome<T> {
    pub fn ok(&self) -> Option<&T> {
        match self {
            Outcome::Ok(value) => Some(value),
            _ => None,
        }
    }
}

/// A probe failure: `kind` is one of a small closed set (`refused`, `timeout`, `reset`,
/// `closed`, `not-tls`, `alert`, `protocol`, `too-large`, `budget`, ...).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Error {
    pub kind: String,
    pub step: String,
    /// The alert's name, for `alert`.
    pub alert: Option<String>,
    pub detail: String,
    /// The same in words.
    pub reason: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Report {
    pub target: Target,
    pub scanned_at: String,
    pub duration_ms: u64,
    pub time_budget_ms: u64,
    pub unreachable: Option<Error>,
    pub verdict: String,
    /// The SSL Labs letter grade; null when unreachable. Absent from reports written before it.
    #[serde(default)]
    pub grade: Option<Grade>,
    pub tls: Outcome<Connection>,
    pub certificates: Option<Chain>,
    pub client_auth: Option<ClientAuth>,
    pub https: Outcome<HttpsResponse>,
    pub redirect: Outcome<Redirect>,
    pub enumeration: Outcome<Enumeration>,
    pub findings: Vec<Finding>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Grade {
    /// `A+` to `F`, or `T` (not trusted) or `M` (name mismatch).
    pub letter: String,
    /// For `T` and `M`: the letter apart from trust and name.
    pub underlying: Option<String>,
    pub score: u32,
    pub protocol_score: u32,
    pub key_exchange_score: u32,
    pub cipher_score: u32,
    /// Every cap that applied, worst first.
    pub caps: Vec<GradeCap>,
    /// What the scan could not measure, so the grade does not reflect it.
    pub unknown: Vec<String>,
    /// Rules of the rating guide tlscheck does not test yet; each could only lower the grade.
    pub not_graded: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct GradeCap {
    pub letter: String,
    pub reason: String,
}

impl Grade {
    fn from_grade(grade: &crate::policy::Grade) -> Grade {
        Grade {
            letter: grade.letter.as_str().to_string(),
            underlying: grade.underlying.map(|letter| letter.as_str().to_string()),
            score: grade.score,
            protocol_score: grade.protocol_score,
            key_exchange_score: grade.key_exchange_score,
            cipher_score: grade.cipher_score,
            caps: grade
                .caps
                .iter()
                .map(|cap| GradeCap {
                    letter: cap.letter.as_str().to_string(),
                    reason: cap.reason.clone(),
                })
                .collect(),
            unknown: grade.unknown.clone(),
            not_graded: crate::policy::grade::NOT_GRADED
                .iter()
                .map(|rule| rule.to_string())
                .collect(),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Target {
    pub input: String,
    pub host: String,
    pub port: u16,
    pub sni: Option<String>,
    pub path: String,
    pub http_url: Option<String>,
    pub addresses: Vec<String>,
    pub connected_to: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Connection {
    /// `rustls`, or `legacy` when tlscheck's legacy client made the connection.
    pub client: String,
    /// With the legacy client: how rustls, a strict modern client, failed.
    pub strict_client_error: Option<Error>,
    pub protocol: String,
    pub cipher_suite: String,
    pub cipher_suite_code: String,
    pub key_exchange_group: Option<String>,
    pub alpn: Option<String>,
    pub tcp_connect_ms: f64,
    pub handshake_ms: f64,
    pub ocsp_stapled_bytes: Option<usize>,
    pub handshake_signature_error: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Chain {
    pub certificates: Vec<Certificate>,
    pub unparsable: Option<String>,
    pub order_correct: bool,
    pub incomplete: bool,
    pub missing_issuer: Option<String>,
    pub trust: Trust,
    pub hostname: Hostname,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Trust {
    pub trusted: bool,
    /// Through a public root, not only a configured (`--ca-file`) one.
    #[serde(default)]
    pub publicly_trusted: bool,
    pub store: String,
    /// Why not, in words.
    pub error: Option<String>,
    /// Why not, as a kind (`unknown-issuer`, `ca-used-as-end-entity`, ...).
    pub failure: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Hostname {
    pub name: String,
    pub matches: bool,
    pub covered: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Certificate {
    /// Names shown escaped (invalid UTF-8, control characters, bidirectional overrides), each
    /// with its raw bytes in hex. Absent from reports written before it was recorded.
    #[serde(default)]
    pub escaped_names: Vec<EscapedName>,
    pub subject: String,
    pub issuer: String,
    pub common_name: Option<String>,
    pub dns_names: Vec<String>,
    pub ip_addresses: Vec<String>,
    pub serial: String,
    pub not_before: String,
    pub not_after: String,
    pub days_left: i64,
    pub expired: bool,
    pub not_yet_valid: bool,
    pub key: Key,
    pub signature_algorithm: String,
    pub signature_hash: Option<String>,
    pub is_ca: bool,
    pub self_signed: bool,
    pub sha256_fingerprint: String,
    pub ocsp_urls: Vec<String>,
    /// Absent from reports written before it was recorded.
    #[serde(default)]
    pub crl_urls: Vec<String>,
    pub ca_issuer_urls: Vec<String>,
    pub sct_count: usize,
    pub must_staple: bool,
    pub pem: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct EscapedName {
    /// `subject`, `issuer`, `common_name` or `dns_names[N]`.
    pub field: String,
    /// The raw bytes, lower-case hex (a distinguished name's DER, a string's bytes).
    pub hex: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Key {
    pub algorithm: String,
    pub bits: u32,
    pub curve: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ClientAuth {
    pub requested: bool,
    pub ca_names: Vec<String>,
    pub presented: bool,
    pub required: Option<bool>,
    pub accepted: Option<bool>,
    pub refusal: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct HttpsResponse {
    pub url: String,
    pub status_code: u16,
    pub location: Option<String>,
    pub server: Option<String>,
    pub hsts: Option<Hsts>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Hsts {
    pub raw: String,
    pub max_age: Option<u64>,
    pub include_subdomains: bool,
    pub preload: bool,
    pub error: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Redirect {
    pub start_url: String,
    pub hops: Vec<RedirectHop>,
    pub verdict: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RedirectHop {
    pub url: String,
    pub status_code: u16,
    pub location: Option<String>,
    pub same_host: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Enumeration {
    pub protocols: Vec<Protocol>,
    pub cipher_suites: Vec<VersionSuites>,
    pub groups: Vec<Group>,
    pub groups_probed_with: Option<String>,
    pub groups_server_order: Option<bool>,
    pub handshakes: u32,
    pub duration_ms: u64,
    pub max_connections: usize,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Protocol {
    pub version: String,
    /// `null` when the probe got no answer to judge (see `error`).
    pub accepted: Option<bool>,
    pub evidence: String,
    pub error: Option<Error>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct VersionSuites {
    pub version: String,
    pub server_order: Option<bool>,
    pub suites: Vec<Suite>,
    /// False when the walk was cut short (see `error`): suites may be missing.
    pub complete: bool,
    pub error: Option<Error>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Suite {
    pub name: String,
    pub openssl_name: Option<String>,
    pub code: String,
    pub key_exchange: String,
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
    pub dh_bits: Option<u32>,
    pub ecdh_group: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Group {
    pub name: String,
    pub code: String,
    pub kind: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Finding {
    pub id: String,
    pub severity: String,
    pub title: String,
    pub evidence: String,
    pub subjects: Vec<Subject>,
    pub fix: Fix,
    /// The policy file's waiver in force on it: reported, but it does not fail the target.
    #[serde(default)]
    pub waiver: Option<Waiver>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Waiver {
    pub reason: String,
    /// The last day it applies (`YYYY-MM-DD`).
    pub expires: String,
}

/// What a finding points at: `{"kind": "suite", "version": "TLSv1.0", "code": "0x002F"}`,
/// `{"kind": "certificate", "index": 0, "part": "key"}`, `{"kind": "hsts"}`, ...
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Subject {
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Fix {
    pub nginx: String,
    pub apache: String,
    pub python: String,
}

fn millis(duration: std::time::Duration) -> f64 {
    (duration.as_secs_f64() * 1000.0 * 100.0).round() / 100.0
}

fn whole_millis(duration: std::time::Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

impl Error {
    pub fn from_fact(error: &ProbeError) -> Error {
        Error {
            kind: error.kind.name().to_string(),
            step: error.step.name().to_string(),
            alert: match error.kind {
                facts::ErrorKind::Alert(code) => Some(describe::alert_name(code)),
                _ => None,
            },
            detail: error.detail.clone(),
            reason: describe::error(error),
        }
    }
}

fn outcome<T, W>(outcome: &FactOutcome<T>, wire: impl FnOnce(&T) -> W) -> Outcome<W> {
    match outcome {
        FactOutcome::Ok(value) => Outcome::Ok(wire(value)),
        FactOutcome::Failed(error) => Outcome::Failed {
            reason: describe::error(error),
            error: Error::from_fact(error),
        },
        FactOutcome::Skipped(skip) => Outcome::Skipped {
            reason: describe::skip(*skip).to_string(),
        },
    }
}

impl Report {
    pub fn from_record(record: &Record) -> Report {
        let facts = &record.facts;
        Report {
            target: target(&facts.target),
            scanned_at: rfc3339(facts.scanned_at),
            duration_ms: whole_millis(facts.duration),
            time_budget_ms: whole_millis(facts.budget),
            unreachable: facts.unreachable.as_ref().map(Error::from_fact),
            verdict: record.assessment.verdict.name().to_string(),
            grade: record.assessment.grade.as_ref().map(Grade::from_grade),
            tls: outcome(&facts.connection, |found| {
                connection(found, facts.chain.as_ref())
            }),
            certificates: facts.chain.as_ref().map(chain),
            client_auth: facts.client_auth.as_ref().map(client_auth),
            https: outcome(&facts.https, https),
            redirect: outcome(&facts.redirect, redirect),
            enumeration: outcome(&facts.enumeration, enumeration),
            findings: record.assessment.findings.iter().map(finding).collect(),
        }
    }
}

fn target(target: &facts::TargetFacts) -> Target {
    Target {
        input: target.input.clone(),
        host: target.host.clone(),
        port: target.port,
        sni: target.sni.clone(),
        path: target.path.clone(),
        http_url: target.http_url.clone(),
        addresses: target.addresses.iter().map(ToString::to_string).collect(),
        connected_to: target.connected_to.map(|a| a.to_string()),
    }
}

fn connection(facts: &facts::ConnectionFacts, chain: Option<&facts::ChainFacts>) -> Connection {
    Connection {
        client: facts.client.as_str().to_string(),
        strict_client_error: facts.strict_client_failure.as_ref().map(Error::from_fact),
        protocol: version_name(facts.protocol),
        cipher_suite: suites::iana_name(facts.cipher_suite),
        cipher_suite_code: format!("0x{:04X}", facts.cipher_suite),
        key_exchange_group: facts.key_exchange_group.map(groups::display_name),
        alpn: facts.alpn.clone(),
        tcp_connect_ms: millis(facts.tcp_connect),
        handshake_ms: millis(facts.handshake),
        ocsp_stapled_bytes: facts.ocsp_stapled_bytes,
        handshake_signature_error: facts
            .signature_failure
            .as_ref()
            .map(|failure| describe::signature_failure(failure, chain)),
    }
}

/// The kind name of a certificate failure, as in `trust.failure`.
pub fn failure_kind(failure: &facts::CertificateFailure) -> &'static str {
    use facts::CertificateFailure as F;
    match failure {
        F::UnknownIssuer => "unknown-issuer",
        F::BadSignature => "bad-signature",
        F::UnsupportedSignatureAlgorithm => "unsupported-signature-algorithm",
        F::WrongPurpose => "wrong-purpose",
        F::Expired { .. } => "expired",
        F::NotValidYet { .. } => "not-valid-yet",
        F::CaUsedAsEndEntity => "ca-used-as-end-entity",
        F::EndEntityUsedAsCa => "end-entity-used-as-ca",
        F::UnsupportedCertVersion => "unsupported-cert-version",
        F::BadEncoding => "bad-encoding",
        F::Revoked => "revoked",
        F::ConstraintViolated => "constraint-violated",
        F::Other { .. } => "other",
    }
}

fn chain(facts: &facts::ChainFacts) -> Chain {
    Chain {
        certificates: facts.certificates.iter().map(certificate).collect(),
        unparsable: facts.unparsable.clone(),
        order_correct: facts.order_correct,
        incomplete: facts.incomplete,
        missing_issuer: facts.missing_issuer.clone(),
        trust: Trust {
            trusted: facts.trust.trusted,
            publicly_trusted: facts.trust.publicly_trusted,
            store: facts.trust.store.clone(),
            error: facts
                .trust
                .failure
                .as_ref()
                .map(|failure| describe::certificate_failure(failure, Some(facts))),
            failure: facts
                .trust
                .failure
                .as_ref()
                .map(|failure| failure_kind(failure).to_string()),
        },
        hostname: Hostname {
            name: facts.hostname.name.clone(),
            matches: facts.hostname.matches,
            covered: facts.hostname.covered.clone(),
        },
    }
}

fn certificate(facts: &facts::CertificateFacts) -> Certificate {
    Certificate {
        escaped_names: facts
            .escaped_names
            .iter()
            .map(|name| EscapedName {
                field: name.field.clone(),
                hex: crate::text::hex(&name.raw),
            })
            .collect(),
        subject: facts.subject.clone(),
        issuer: facts.issuer.clone(),
        common_name: facts.common_name.clone(),
        dns_names: facts.dns_names.clone(),
        ip_addresses: facts.ip_addresses.clone(),
        serial: facts.serial.clone(),
        not_before: rfc3339(facts.not_before),
        not_after: rfc3339(facts.not_after),
        days_left: facts.days_left,
        expired: facts.expired,
        not_yet_valid: facts.not_yet_valid,
        key: Key {
            algorithm: facts.key.algorithm.name().to_string(),
            bits: facts.key.bits,
            curve: facts.key.curve.clone(),
        },
        signature_algorithm: facts.signature_algorithm.clone(),
        signature_hash: facts.signature_hash.map(|hash| hash.name().to_string()),
        is_ca: facts.is_ca,
        self_signed: facts.self_signed,
        sha256_fingerprint: facts.sha256_fingerprint.clone(),
        ocsp_urls: facts.ocsp_urls.clone(),
        crl_urls: facts.crl_urls.clone(),
        ca_issuer_urls: facts.ca_issuer_urls.clone(),
        sct_count: facts.sct_count,
        must_staple: facts.must_staple,
        pem: pem::encode(&pem::Pem::new("CERTIFICATE", facts.der.clone())),
    }
}

fn client_auth(facts: &facts::ClientAuthFacts) -> ClientAuth {
    ClientAuth {
        requested: facts.requested,
        ca_names: facts.ca_names.clone(),
        presented: facts.presented,
        required: facts.required,
        accepted: facts.accepted,
        refusal: facts.refusal.map(describe::refusal),
    }
}

fn https(facts: &facts::HttpsResponseFacts) -> HttpsResponse {
    HttpsResponse {
        url: facts.url.clone(),
        status_code: facts.status_code,
        location: facts.location.clone(),
        server: facts.server.clone(),
        hsts: facts.hsts.as_ref().map(|hsts| Hsts {
            raw: hsts.raw.clone(),
            max_age: hsts.max_age,
            include_subdomains: hsts.include_subdomains,
            preload: hsts.preload,
            error: hsts.error.as_ref().map(hsts_error),
        }),
    }
}

fn redirect(facts: &facts::RedirectFacts) -> Redirect {
    Redirect {
        start_url: facts.start_url.clone(),
        hops: facts
            .hops
            .iter()
            .map(|hop| RedirectHop {
                url: hop.url.clone(),
                status_code: hop.status_code,
                location: hop.location.clone(),
                same_host: hop.same_host,
            })
            .collect(),
        verdict: redirect_verdict(facts).name().to_string(),
    }
}

/// `tls1.3`, `tls1.2`: how `groups_probed_with` names a version.
fn probed_with(version: facts::ProtocolVersion) -> String {
    version.name().to_ascii_lowercase().replace('v', "")
}

fn enumeration(facts: &facts::EnumerationFacts) -> Enumeration {
    Enumeration {
        protocols: facts
            .protocols
            .iter()
            .map(|protocol| {
                let (accepted, evidence, error) = match &protocol.support {
                    facts::Support::Accepted(reply) => (Some(true), describe::reply(reply), None),
                    facts::Support::Refused(reply) => (Some(false), describe::reply(reply), None),
                    facts::Support::Unknown(error) => (
                        None,
                        format!("probe failed: {}", describe::error(error)),
                        Some(Error::from_fact(error)),
                    ),
                };
                Protocol {
                    version: protocol.version.name().to_string(),
                    accepted,
                    evidence,
                    error,
                }
            })
            .collect(),
        cipher_suites: facts
            .cipher_suites
            .iter()
            .map(|version| VersionSuites {
                version: version.version.name().to_string(),
                server_order: version.server_order,
                suites: version.suites.iter().map(suite).collect(),
                complete: version.incomplete.is_none(),
                error: version.incomplete.as_ref().map(Error::from_fact),
            })
            .collect(),
        groups: facts.groups.iter().map(|code| group(*code)).collect(),
        groups_probed_with: facts.groups_probed_with.map(probed_with),
        groups_server_order: facts.groups_server_order,
        handshakes: facts.handshakes,
        duration_ms: whole_millis(facts.duration),
        max_connections: facts.max_connections,
    }
}

fn suite(facts: &facts::SuiteFacts) -> Suite {
    Suite {
        name: facts.name.to_string(),
        openssl_name: facts.openssl_name.map(str::to_string),
        code: facts.id.to_string(),
        key_exchange: describe::key_exchange(facts.key_exchange).to_string(),
        bits: facts.bits,
        forward_secrecy: facts.forward_secrecy,
        aead: facts.aead,
        cbc: facts.cbc,
        export: facts.export,
        null: facts.null,
        anonymous: facts.anonymous,
        rc4: facts.rc4,
        des: facts.des,
        triple_des: facts.triple_des,
        dh_bits: facts.dh_bits,
        ecdh_group: facts.ecdh_group.map(groups::display_name),
    }
}

fn group(code: u16) -> Group {
    let kind = match groups::by_code(code).map(|g| g.kind) {
        Some(GroupKind::FiniteField) => "ffdhe",
        Some(GroupKind::Hybrid) => "hybrid",
        Some(GroupKind::PostQuantum) => "pq",
        _ => "ecdhe",
    };
    Group {
        name: groups::display_name(code),
        code: format!("0x{code:04X}"),
        kind: kind.to_string(),
    }
}

fn finding(finding: &Judged) -> Finding {
    Finding {
        id: finding.id.as_str().to_string(),
        severity: finding.severity.as_str().to_string(),
        title: finding.title().to_string(),
        evidence: finding.evidence.clone(),
        subjects: finding.subjects.iter().map(subject).collect(),
        fix: Fix {
            nginx: finding.fix.nginx.clone(),
            apache: finding.fix.apache.clone(),
            python: finding.fix.python.clone(),
        },
        waiver: finding.waiver.as_ref().map(|waiver| Waiver {
            reason: waiver.reason.clone(),
            expires: waiver.expires.clone(),
        }),
    }
}

fn subject(subject: &FindingSubject) -> Subject {
    let mut wire = Subject {
        kind: subject.kind().name().to_string(),
        version: None,
        code: None,
        index: None,
        part: None,
    };
    match subject {
        FindingSubject::Certificate { index, part } => {
            wire.index = Some(*index);
            wire.part = Some(
                match part {
                    CertificatePart::Whole => "whole",
                    CertificatePart::Validity => "validity",
                    CertificatePart::Key => "key",
                    CertificatePart::Signature => "signature",
                }
                .to_string(),
            );
        }
        FindingSubject::Protocol(version) | FindingSubject::SuiteOrder(version) => {
            wire.version = Some(version.name().to_string());
        }
        FindingSubject::Group(code) => {
            wire.code = Some(format!("0x{code:04X}"));
        }
        FindingSubject::Suite { version, id } => {
            wire.version = Some(version.name().to_string());
            wire.code = Some(id.to_string());
        }
        _ => {}
    }
    wire
}
