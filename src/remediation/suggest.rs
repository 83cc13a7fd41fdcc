//! Suggested configurations (`--suggest`): for one scanned target and one server (nginx, Apache
//! mod_ssl, Python's `ssl` with Flask), a configuration fragment that would pass a profile.
//! Written from the profile's [`Prescription`] (versions, suites, groups, suite order, DH, HSTS,
//! OCSP) and from what the scan found ([`Site`]: the name and port, the redirect, the HSTS
//! header, the certificate's problems). Pure: a fragment is text made from data.

use std::net::IpAddr;

use super::Server;
use crate::analysis::catalog::{Family, FindingId};
use crate::analysis::certificate::SHORT_LIVED_DAYS;
use crate::analysis::describe;
use crate::analysis::http::{redirect_verdict, RedirectVerdict};
use crate::analysis::Finding;
use crate::facts::time::lifetime_days;
use crate::facts::{ErrorKind, HostFacts, KeyAlgorithm, Outcome};
use crate::policy::profile::Prescription;
use crate::policy::Profile;
use crate::tls::ProtocolVersion;

/// The HSTS max-age a fragment sends when the profile names no minimum: two years.
pub const DEFAULT_HSTS_MAX_AGE: u64 = 63_072_000;

/// OpenSSL's TLS 1.3 suites when none are configured (OpenSSL 1.1.1 to 3.x).
const OPENSSL_DEFAULT_CIPHERSUITES: [&str; 3] = [
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_AES_128_GCM_SHA256",
];

/// The findings about the certificate itself: a new certificate fixes them, not the
/// configuration.
const CERTIFICATE_POLICY_RULES: [FindingId; 5] = [
    FindingId::PolicyCertificateType,
    FindingId::PolicyCertificateCurve,
    FindingId::PolicyCertificateSignature,
    FindingId::PolicyRsaKeySize,
    FindingId::PolicyCertificateLifespan,
];

/// Whether the profile was the one the user chose, or the default standing in for `--policy
/// none`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProfileChoice {
    /// `--policy NAME`.
    Chosen,
    /// `--policy none`: there is nothing to pass, so the fragment follows the default profile.
    DefaultForNone,
}

/// What the plain-HTTP redirect check found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Redirect {
    /// Plain HTTP already redirects to HTTPS on the same host, permanently (where it starts).
    Permanent(String),
    /// It does not: what it does instead.
    Missing(String),
    /// Not known: why.
    Unknown(String),
}

/// What a fragment takes from the scan of one target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Site {
    /// The target as the user typed it.
    pub input: String,
    /// The name the certificate was checked for: `server_name`, `ServerName`.
    pub name: String,
    /// The HTTPS port.
    pub port: u16,
    /// The plain-HTTP port the redirect check used.
    pub http_port: u16,
    pub redirect: Redirect,
    /// The `Strict-Transport-Security` value to send.
    pub hsts: String,
    /// The leaf names an OCSP responder (and is not short-lived), so the profile's stapling
    /// applies.
    pub staple: bool,
    /// What only a new certificate fixes: `id: evidence`, one per finding.
    pub certificate_problems: Vec<String>,
    /// What the chain file's content gets wrong (missing intermediates, order): `id: evidence`.
    pub chain_problems: Vec<String>,
    /// Why the target could not be scanned, when it could not.
    pub unreachable: Option<String>,
}

impl Site {
    /// The site as the scan saw it, judged against `profile` (whose deviations are computed
    /// here, so `--policy none` gets them too); `findings` are the target's own findings.
    pub fn of(facts: &HostFacts, findings: &[Finding], profile: &Profile) -> Site {
        let prescription = profile.prescription();
        let name = facts
            .chain
            .as_ref()
            .map(|chain| chain.hostname.name.clone())
            .or_else(|| facts.target.sni.clone())
            .unwrap_or_else(|| facts.target.host.clone());
        let http_port = facts
            .target
            .http_url
            .as_deref()
            .and_then(|url| url::Url::parse(url).ok())
            .and_then(|url| url.port_or_known_default())
            .unwrap_or(80);
        let start = facts.target.http_url.clone().unwrap_or_else(|| {
            let port = if http_port == 80 {
                String::new()
            } else {
                format!(":{http_port}")
            };
            format!("http://{name}{port}/")
        });
        let redirect = match &facts.redirect {
            Outcome::Ok(redirect) => match redirect_verdict(redirect) {
                RedirectVerdict::HttpsPermanent => Redirect::Permanent(redirect.start_url.clone()),
                verdict => Redirect::Missing(format!("{}: {}", redirect.start_url, verdict.text())),
            },
            Outcome::Failed(error) if error.kind == ErrorKind::Refused => {
                Redirect::Missing(format!("nothing listens on {start}"))
            }
            Outcome::Failed(error) => Redirect::Unknown(format!(
                "{start} was not measured: {}",
                describe::error(error)
            )),
            Outcome::Skipped(_) => Redirect::Unknown(format!("{start} was not checked")),
        };
        let minimum = prescription.hsts_min_age.unwrap_or(DEFAULT_HSTS_MAX_AGE);
        let found_hsts = facts
            .https
            .ok()
            .and_then(|https| https.hsts.as_ref())
            .filter(|hsts| hsts.error.is_none());
        let mut hsts = format!(
            "max-age={}",
            found_hsts
                .and_then(|hsts| hsts.max_age)
                .unwrap_or(minimum)
                .max(minimum)
        );
        if found_hsts.is_some_and(|hsts| hsts.include_subdomains) {
            hsts.push_str("; includeSubDomains");
        }
        if found_hsts.is_some_and(|hsts| hsts.preload) {
            hsts.push_str("; preload");
        }
        let leaf = facts
            .chain
            .as_ref()
            .and_then(|chain| chain.certificates.first());
        let staple = prescription.ocsp_staple
            && leaf.is_some_and(|leaf| {
                !leaf.ocsp_urls.is_empty()
                    && lifetime_days(leaf.not_before, leaf.not_after) > SHORT_LIVED_DAYS
            });
        let deviations = if facts.unreachable.is_none() {
            profile.deviations(facts, &name)
        } else {
            Vec::new()
        };
        let own_and_deviations = || {
            findings
                .iter()
                .filter(|finding| finding.id.entry().family != Family::Policy)
                .chain(deviations.iter())
        };
        let described = |finding: &Finding| format!("{}: {}", finding.id, finding.evidence);
        let certificate_problems = own_and_deviations()
            .filter(|finding| {
                finding.id.entry().family == Family::Certificate
                    || CERTIFICATE_POLICY_RULES.contains(&finding.id)
            })
            .map(described)
            .collect();
        let chain_problems = own_and_deviations()
            .filter(|finding| finding.id.entry().family == Family::Chain)
            .map(described)
            .collect();
        Site {
            input: facts.target.input.clone(),
            name,
            port: facts.target.port,
            http_port,
            redirect,
            hsts,
            staple,
            certificate_problems,
            chain_problems,
            unreachable: facts.unreachable.as_ref().map(describe::error),
        }
    }

    /// The directory of the placeholder paths: `/etc/ssl/NAME`.
    fn directory(&self) -> String {
        let safe: String = self
            .name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        format!("/etc/ssl/{safe}")
    }

    /// The placeholder of the certificate chain file (leaf first).
    pub fn certificate_path(&self) -> String {
        format!("{}/fullchain.pem", self.directory())
    }

    /// The placeholder of the private key file.
    pub fn key_path(&self) -> String {
        format!("{}/privkey.pem", self.directory())
    }

    fn dhparam_path(&self) -> String {
        format!("{}/dhparam.pem", self.directory())
    }

    /// The placeholder of the issuers' certificates, for verifying OCSP responses.
    fn issuers_path(&self) -> String {
        format!("{}/chain.pem", self.directory())
    }

    /// `https://NAME` with the port when it is not 443.
    fn https_origin(&self) -> String {
        let host = match self.name.parse::<IpAddr>() {
            Ok(IpAddr::V6(address)) => format!("[{address}]"),
            _ => self.name.clone(),
        };
        if self.port == 443 {
            format!("https://{host}")
        } else {
            format!("https://{host}:{}", self.port)
        }
    }
}

/// The fragment for `server` that would make `site` pass `profile`, as text.
pub fn fragment(server: Server, profile: &Profile, choice: ProfileChoice, site: &Site) -> String {
    let mut lines = header(server, profile, choice, site);
    lines.extend(certificate_note(profile, site));
    lines.push(String::new());
    lines.extend(match server {
        Server::Nginx => nginx(profile.prescription(), site),
        Server::Apache => apache(profile.prescription(), site),
        Server::Python => python(profile, site),
    });
    lines.join("\n") + "\n"
}

fn server_name(server: Server) -> &'static str {
    match server {
        Server::Nginx => "nginx",
        Server::Apache => "apache",
        Server::Python => "python",
    }
}

fn header(server: Server, profile: &Profile, choice: ProfileChoice, site: &Site) -> Vec<String> {
    let mut lines = vec![format!(
        "# tlscheck --suggest {}: {} (target {}, port {})",
        server_name(server),
        site.name,
        site.input,
        site.port
    )];
    lines.push(match choice {
        ProfileChoice::Chosen => format!("# Written for the policy {}.", profile.name()),
        ProfileChoice::DefaultForNone => format!(
            "# --policy none checks no profile: this follows {}, the default profile.",
            profile.name()
        ),
    });
    lines.push(
        match server {
            Server::Nginx => {
                "# For nginx 1.19.4+ with OpenSSL 1.1.1+: these server blocks replace the \
                 site's own in the http { } context; then `nginx -t && nginx -s reload`."
            }
            Server::Apache => {
                "# For Apache 2.4.11+ with OpenSSL 1.1.1+, mod_ssl, mod_headers and mod_alias \
                 (a2enmod ssl headers alias): these VirtualHosts replace the site's own; then \
                 `apachectl configtest && apachectl graceful`."
            }
            Server::Python => {
                "# For Python 3.7+ (ssl.TLSVersion) with OpenSSL 1.1.1+, and Flask: the \
                 SSLContext, the port-80 redirect, HSTS and app.run in place of the app's own."
            }
        }
        .to_string(),
    );
    lines.push(format!(
        "# Placeholders: {} (the certificate chain, leaf first) and {} (its key) stand for \
         this host's files, which tlscheck cannot see from outside: use their real paths.",
        site.certificate_path(),
        site.key_path()
    ));
    if let Some(reason) = &site.unreachable {
        lines.push(format!(
            "# {} could not be scanned ({reason}): this follows the profile alone; what the \
             scan would have shown of the certificate and the redirect is unknown.",
            site.input
        ));
    }
    lines
}

/// Comment lines saying what is wrong with the chain file, and what keeps the certificate
/// itself from passing with the command to make one that would; none when nothing is.
fn certificate_note(profile: &Profile, site: &Site) -> Vec<String> {
    let mut lines = Vec::new();
    if !site.chain_problems.is_empty() {
        lines.push("#".to_string());
        lines.push("# The chain file:".to_string());
        lines.extend(
            site.chain_problems
                .iter()
                .map(|problem| format!("#   {problem}")),
        );
        lines.push(format!(
            "# Put the leaf first, then the intermediates in issuing order, in the file {} stands \
             for (certbot: fullchain.pem; or cat leaf.pem intermediate.pem > fullchain.pem).",
            site.certificate_path()
        ));
    }
    if site.certificate_problems.is_empty() {
        return lines;
    }
    let prescription = profile.prescription();
    lines.extend([
        "#".to_string(),
        format!(
            "# The certificate itself needs replacing (no configuration fixes this; {} is \
             checked against it):",
            profile.name()
        ),
    ]);
    lines.extend(
        site.certificate_problems
            .iter()
            .map(|problem| format!("#   {problem}")),
    );
    let ecdsa = prescription.certificate_types.contains(&KeyAlgorithm::Ec)
        && (prescription.certificate_curves.is_empty()
            || prescription
                .certificate_curves
                .iter()
                .any(|curve| curve == "prime256v1"));
    let rsa_bits = prescription.rsa_key_size.unwrap_or(2048).max(2048);
    let (key, new_key) = if ecdsa {
        (
            "an ECDSA P-256 key".to_string(),
            "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1".to_string(),
        )
    } else {
        (
            format!("an RSA {rsa_bits}-bit key"),
            format!("-newkey rsa:{rsa_bits}"),
        )
    };
    let mut terms = Vec::new();
    if !prescription.certificate_signatures.is_empty() {
        terms.push(format!(
            "signs with {}",
            prescription.certificate_signatures.join(", ")
        ));
    }
    if let Some(days) = prescription.maximum_certificate_lifespan {
        terms.push(format!("issues for {days} days or less"));
    }
    let is_ip = site.name.parse::<IpAddr>().is_ok();
    let san = if is_ip { "IP" } else { "DNS" };
    lines.push(format!(
        "# To make one that would: {key}, certified by a CA your clients trust{}:",
        if terms.is_empty() {
            String::new()
        } else {
            format!(" that {}", terms.join(" and "))
        }
    ));
    lines.push(format!(
        "#   openssl req -new {new_key} -nodes -keyout {} -out {}.csr -subj \"/CN={}\" -addext \
         \"subjectAltName={san}:{}\"",
        site.key_path(),
        site.name,
        site.name,
        site.name
    ));
    if !is_ip {
        lines.push(format!(
            "#   or from an ACME CA such as Let's Encrypt (90 days, renewed automatically): \
             certbot certonly --key-type {} --webroot -w /var/www/html -d {}",
            if ecdsa {
                "ecdsa".to_string()
            } else {
                format!("rsa --rsa-key-size {rsa_bits}")
            },
            site.name
        ));
    }
    lines
}

fn protocol_names(versions: &[ProtocolVersion], server: Server) -> Vec<String> {
    versions
        .iter()
        .filter_map(|version| {
            let name = match (version, server) {
                (ProtocolVersion::Ssl2, _) => return None,
                (ProtocolVersion::Ssl3, Server::Python) => "SSLv3",
                (ProtocolVersion::Tls10, Server::Python) => "TLSv1",
                (ProtocolVersion::Tls11, Server::Python) => "TLSv1_1",
                (ProtocolVersion::Tls12, Server::Python) => "TLSv1_2",
                (ProtocolVersion::Tls13, Server::Python) => "TLSv1_3",
                (ProtocolVersion::Ssl3, _) => "SSLv3",
                (ProtocolVersion::Tls10, _) => "TLSv1",
                (ProtocolVersion::Tls11, _) => "TLSv1.1",
                (ProtocolVersion::Tls12, _) => "TLSv1.2",
                (ProtocolVersion::Tls13, _) => "TLSv1.3",
            };
            Some(name.to_string())
        })
        .collect()
}

/// Versions below TLS 1.2 are in the profile: OpenSSL 3 speaks them only at security level 0.
fn needs_security_level_zero(prescription: &Prescription) -> bool {
    prescription.versions.iter().any(|version| {
        matches!(
            version,
            ProtocolVersion::Ssl3 | ProtocolVersion::Tls10 | ProtocolVersion::Tls11
        )
    })
}

/// The TLS 1.2-and-below cipher string, when the profile allows TLS 1.2 or below.
fn cipher_string(prescription: &Prescription) -> Option<String> {
    let legacy = prescription
        .versions
        .iter()
        .any(|version| *version != ProtocolVersion::Tls13);
    if !legacy || prescription.ciphers.is_empty() {
        return None;
    }
    let mut list = prescription.ciphers.join(":");
    if needs_security_level_zero(prescription) {
        list.push_str(":@SECLEVEL=0");
    }
    Some(list)
}

const SECURITY_LEVEL_NOTE: &str = "@SECLEVEL=0: OpenSSL 3 speaks TLS 1.0 and 1.1 only at security \
                                   level 0";

/// The TLS 1.3 suites to configure, when the profile allows TLS 1.3 and its list differs from
/// OpenSSL's default.
fn ciphersuites_to_set(prescription: &Prescription) -> Option<String> {
    if !prescription.versions.contains(&ProtocolVersion::Tls13) {
        return None;
    }
    let mut listed: Vec<&str> = prescription
        .ciphersuites
        .iter()
        .map(String::as_str)
        .collect();
    listed.sort_unstable();
    let mut default = OPENSSL_DEFAULT_CIPHERSUITES.to_vec();
    default.sort_unstable();
    (listed != default).then(|| prescription.ciphersuites.join(":"))
}

/// Comment lines on the post-quantum groups the fragment leaves out.
fn post_quantum_note(prescription: &Prescription, directive: &str, indent: &str) -> Vec<String> {
    let post_quantum = prescription.post_quantum_groups();
    if post_quantum.is_empty() {
        return Vec::new();
    }
    vec![
        format!(
            "{indent}# {} needs OpenSSL 3.5 or later (servers refuse to start with a group their \
             OpenSSL does not know; offering fewer groups than the profile lists passes it). \
             With OpenSSL 3.5+:",
            post_quantum.join(", ")
        ),
        format!("{indent}# {directive}{}", prescription.groups.join(":")),
    ]
}

fn dhparam_command(prescription: &Prescription, site: &Site) -> String {
    let bits = prescription.dh_param_size.unwrap_or(2048).max(2048);
    format!("openssl dhparam -out {} {bits}", site.dhparam_path())
}

fn redirect_reason(redirect: &Redirect) -> Option<&str> {
    match redirect {
        Redirect::Permanent(_) => None,
        Redirect::Missing(reason) | Redirect::Unknown(reason) => Some(reason),
    }
}

fn nginx(prescription: &Prescription, site: &Site) -> Vec<String> {
    let indent = "    ";
    let mut lines = vec![
        "server {".to_string(),
        format!("{indent}listen {} ssl;", site.port),
        format!("{indent}server_name {};", site.name),
        String::new(),
        format!("{indent}ssl_certificate {};", site.certificate_path()),
        format!("{indent}ssl_certificate_key {};", site.key_path()),
        String::new(),
        format!(
            "{indent}ssl_protocols {};",
            protocol_names(&prescription.versions, Server::Nginx).join(" ")
        ),
    ];
    if let Some(ciphers) = cipher_string(prescription) {
        if needs_security_level_zero(prescription) {
            lines.push(format!("{indent}# {SECURITY_LEVEL_NOTE}"));
        }
        lines.push(format!("{indent}ssl_ciphers {ciphers};"));
    }
    if let Some(suites) = ciphersuites_to_set(prescription) {
        lines.push(format!("{indent}ssl_conf_command Ciphersuites {suites};"));
    }
    let groups = prescription.classical_groups();
    if !groups.is_empty() {
        lines.push(format!("{indent}ssl_ecdh_curve {};", groups.join(":")));
    }
    lines.extend(post_quantum_note(prescription, "ssl_ecdh_curve ", indent));
    lines.push(format!(
        "{indent}ssl_prefer_server_ciphers {};",
        if prescription.server_preferred_order {
            "on"
        } else {
            "off"
        }
    ));
    if prescription.has_dhe_suites() {
        lines.push(format!(
            "{indent}# DHE suites need DH parameters: {}",
            dhparam_command(prescription, site)
        ));
        lines.push(format!("{indent}ssl_dhparam {};", site.dhparam_path()));
    }
    lines.extend([
        format!("{indent}ssl_session_timeout 1d;"),
        format!("{indent}ssl_session_cache shared:MozSSL:10m;"),
        format!("{indent}ssl_session_tickets off;"),
    ]);
    if site.staple {
        lines.extend([
            format!(
                "{indent}# OCSP stapling: {} holds the intermediates and the root (certbot's \
                 chain.pem); resolver is a DNS server nginx can ask for the responder's address.",
                site.issuers_path()
            ),
            format!("{indent}ssl_stapling on;"),
            format!("{indent}ssl_stapling_verify on;"),
            format!("{indent}ssl_trusted_certificate {};", site.issuers_path()),
            format!("{indent}resolver 127.0.0.1;"),
        ]);
    }
    lines.extend([
        String::new(),
        format!(
            "{indent}add_header Strict-Transport-Security \"{}\" always;",
            site.hsts
        ),
        String::new(),
        format!(
            "{indent}# The site itself (root, location, proxy_pass) goes here; a location with \
             add_header of its own must repeat the Strict-Transport-Security line."
        ),
        "}".to_string(),
        String::new(),
    ]);
    match redirect_reason(&site.redirect) {
        None => lines.push(format!(
            "# Plain HTTP already redirects permanently to HTTPS ({}): keep that server block.",
            redirect_start(&site.redirect)
        )),
        Some(reason) => {
            let port = if site.port == 443 {
                String::new()
            } else {
                format!(":{}", site.port)
            };
            lines.extend([
                format!("# Plain HTTP to HTTPS, permanently ({reason})."),
                "server {".to_string(),
                format!("{indent}listen {};", site.http_port),
                format!("{indent}server_name {};", site.name),
                format!("{indent}return 301 https://$host{port}$request_uri;"),
                "}".to_string(),
            ]);
        }
    }
    lines
}

fn redirect_start(redirect: &Redirect) -> &str {
    match redirect {
        Redirect::Permanent(start) | Redirect::Missing(start) | Redirect::Unknown(start) => start,
    }
}

fn apache(prescription: &Prescription, site: &Site) -> Vec<String> {
    let indent = "    ";
    let mut lines = Vec::new();
    if site.port != 443 {
        lines.push(format!(
            "# Port {} needs `Listen {} https` too, if no other site listens there.",
            site.port, site.port
        ));
    }
    if site.staple {
        lines.extend([
            "# OCSP stapling's cache, outside any VirtualHost:".to_string(),
            "SSLStaplingCache \"shmcb:logs/ssl_stapling(32768)\"".to_string(),
            String::new(),
        ]);
    }
    let mut protocols = vec!["-all".to_string()];
    protocols.extend(
        protocol_names(&prescription.versions, Server::Apache)
            .into_iter()
            .map(|name| format!("+{name}")),
    );
    lines.extend([
        format!("<VirtualHost *:{}>", site.port),
        format!("{indent}ServerName {}", site.name),
        format!("{indent}SSLEngine on"),
        format!("{indent}SSLCertificateFile {}", site.certificate_path()),
        format!("{indent}SSLCertificateKeyFile {}", site.key_path()),
        String::new(),
        format!("{indent}SSLProtocol {}", protocols.join(" ")),
    ]);
    if let Some(ciphers) = cipher_string(prescription) {
        if needs_security_level_zero(prescription) {
            lines.push(format!("{indent}# {SECURITY_LEVEL_NOTE}"));
        }
        lines.push(format!("{indent}SSLCipherSuite {ciphers}"));
    }
    if let Some(suites) = ciphersuites_to_set(prescription) {
        lines.push(format!("{indent}SSLCipherSuite TLSv1.3 {suites}"));
    }
    let groups = prescription.classical_groups();
    if !groups.is_empty() {
        lines.push(format!(
            "{indent}SSLOpenSSLConfCmd Curves {}",
            groups.join(":")
        ));
    }
    lines.extend(post_quantum_note(
        prescription,
        "SSLOpenSSLConfCmd Curves ",
        indent,
    ));
    lines.push(format!(
        "{indent}SSLHonorCipherOrder {}",
        if prescription.server_preferred_order {
            "on"
        } else {
            "off"
        }
    ));
    if prescription.has_dhe_suites() {
        lines.push(format!(
            "{indent}# DHE suites' parameters: {}",
            dhparam_command(prescription, site)
        ));
        lines.push(format!(
            "{indent}SSLOpenSSLConfCmd DHParameters \"{}\"",
            site.dhparam_path()
        ));
    }
    lines.push(format!("{indent}SSLSessionTickets off"));
    if site.staple {
        lines.push(format!("{indent}SSLUseStapling on"));
    }
    lines.extend([
        String::new(),
        format!(
            "{indent}Header always set Strict-Transport-Security \"{}\"",
            site.hsts
        ),
        String::new(),
        format!("{indent}# The site itself (DocumentRoot, WSGIScriptAlias, ProxyPass) goes here."),
        "</VirtualHost>".to_string(),
        String::new(),
    ]);
    match redirect_reason(&site.redirect) {
        None => lines.push(format!(
            "# Plain HTTP already redirects permanently to HTTPS ({}): keep that VirtualHost.",
            redirect_start(&site.redirect)
        )),
        Some(reason) => lines.extend([
            format!("# Plain HTTP to HTTPS, permanently ({reason})."),
            format!("<VirtualHost *:{}>", site.http_port),
            format!("{indent}ServerName {}", site.name),
            format!("{indent}Redirect permanent / {}/", site.https_origin()),
            "</VirtualHost>".to_string(),
        ]),
    }
    lines
}

fn python(profile: &Profile, site: &Site) -> Vec<String> {
    let prescription = profile.prescription();
    let mut lines = vec![
        "import ssl".to_string(),
        String::new(),
        "context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)".to_string(),
    ];
    let versions = protocol_names(&prescription.versions, Server::Python);
    if let (Some(lowest), Some(highest)) = (versions.first(), versions.last()) {
        lines.push(format!("context.minimum_version = ssl.TLSVersion.{lowest}"));
        lines.push(format!(
            "context.maximum_version = ssl.TLSVersion.{highest}"
        ));
    }
    if let Some(ciphers) = cipher_string(prescription) {
        if needs_security_level_zero(prescription) {
            lines.push(format!("# {SECURITY_LEVEL_NOTE}"));
        }
        lines.push(format!(
            "context.set_ciphers(\"{ciphers}\")  # TLS 1.2 and below"
        ));
    }
    if prescription.versions.contains(&ProtocolVersion::Tls13) {
        match ciphersuites_to_set(prescription) {
            None => lines.push(format!(
                "# TLS 1.3 suites: OpenSSL's default ({}), all of which {} lists.",
                OPENSSL_DEFAULT_CIPHERSUITES.join(", "),
                profile.name()
            )),
            Some(suites) => lines.push(format!(
                "# TLS 1.3 suites: {} lists {suites}, but Python's ssl cannot choose them \
                 (OpenSSL's default is {}): put nginx or Apache in front (--suggest nginx).",
                profile.name(),
                OPENSSL_DEFAULT_CIPHERSUITES.join(", ")
            )),
        }
    }
    let groups = prescription.classical_groups();
    if !groups.is_empty() {
        // One group where set_groups is missing: the curve every client of the profile has.
        let single = groups
            .iter()
            .find(|group| **group == "prime256v1")
            .or_else(|| groups.first())
            .copied()
            .unwrap_or("prime256v1");
        lines.extend([
            "if hasattr(context, \"set_groups\"):  # newer Pythons".to_string(),
            format!("    context.set_groups(\"{}\")", groups.join(":")),
            "else:  # set_ecdh_curve keeps one group, for every version".to_string(),
            format!("    context.set_ecdh_curve(\"{single}\")"),
        ]);
    }
    if !prescription.post_quantum_groups().is_empty() {
        lines.push(format!(
            "# {} needs OpenSSL 3.5 or later (and set_groups); offering fewer groups than the \
             profile lists passes it.",
            prescription.post_quantum_groups().join(", ")
        ));
    }
    if prescription.server_preferred_order {
        lines.push(
            "context.options |= ssl.OP_CIPHER_SERVER_PREFERENCE  # the server's order".to_string(),
        );
    } else {
        lines.push(
            "context.options &= ~ssl.OP_CIPHER_SERVER_PREFERENCE  # the client's order (Python \
             sets the server's by default)"
                .to_string(),
        );
    }
    if prescription.has_dhe_suites() {
        lines.push(format!(
            "context.load_dh_params(\"{}\")  # DHE suites: {}",
            site.dhparam_path(),
            dhparam_command(prescription, site)
        ));
    }
    lines.push("context.options |= ssl.OP_NO_TICKET".to_string());
    lines.push(format!(
        "context.load_cert_chain(\"{}\", \"{}\")",
        site.certificate_path(),
        site.key_path()
    ));
    if site.staple {
        lines.push(format!(
            "# OCSP: {} asks for a stapled response, since the certificate names a responder, \
             and Python's ssl cannot staple: put nginx or Apache in front (--suggest nginx).",
            profile.name()
        ));
    }
    lines.push(String::new());
    match redirect_reason(&site.redirect) {
        None => lines.push(format!(
            "# Plain HTTP already redirects permanently to HTTPS ({}): keep what does that.",
            redirect_start(&site.redirect)
        )),
        Some(reason) => lines.extend([
            format!("# Plain HTTP to HTTPS, permanently ({reason})."),
            "import threading".to_string(),
            "from http.server import BaseHTTPRequestHandler, HTTPServer".to_string(),
            String::new(),
            String::new(),
            "class RedirectToHttps(BaseHTTPRequestHandler):".to_string(),
            "    def do_GET(self):".to_string(),
            "        self.send_response(301)".to_string(),
            format!(
                "        self.send_header(\"Location\", \"{}\" + self.path)",
                site.https_origin()
            ),
            "        self.end_headers()".to_string(),
            String::new(),
            "    do_HEAD = do_GET".to_string(),
            String::new(),
            String::new(),
            format!(
                "threading.Thread(target=HTTPServer((\"\", {}), RedirectToHttps).serve_forever, \
                 daemon=True).start()",
                site.http_port
            ),
        ]),
    }
    lines.extend([
        String::new(),
        "# Flask (your app = Flask(__name__)): HSTS on every response, served with the context."
            .to_string(),
        "@app.after_request".to_string(),
        "def strict_transport_security(response):".to_string(),
        format!(
            "    response.headers[\"Strict-Transport-Security\"] = \"{}\"",
            site.hsts
        ),
        "    return response".to_string(),
        String::new(),
        String::new(),
        format!(
            "app.run(host=\"0.0.0.0\", port={}, ssl_context=context)",
            site.port
        ),
        "# app.run is Flask's development server: under gunicorn or uWSGI give their TLS options \
         the same versions, suites and groups, or put nginx in front (--suggest nginx)."
            .to_string(),
    ]);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{ErrorKind, HttpsResponseFacts, ProbeError, Step};

    fn profile(name: &str) -> Profile {
        Profile::builtin(name).expect("built-in profile")
    }

    fn site() -> Site {
        Site {
            input: "good.test".into(),
            name: "good.test".into(),
            port: 443,
            http_port: 80,
            redirect: Redirect::Missing("http://good.test/: no redirect to HTTPS".into()),
            hsts: "max-age=63072000".into(),
            staple: false,
            certificate_problems: Vec::new(),
            chain_problems: Vec::new(),
            unreachable: None,
        }
    }

    fn suggest(server: Server, name: &str, site: &Site) -> String {
        fragment(server, &profile(name), ProfileChoice::Chosen, site)
    }

    /// The lines of `text` without their indentation.
    fn lines(text: &str) -> Vec<&str> {
        text.lines().map(str::trim).collect()
    }

    #[track_caller]
    fn assert_line(text: &str, line: &str) {
        assert!(lines(text).contains(&line), "no line {line:?} in\n{text}");
    }

    #[track_caller]
    fn assert_no_line_starting(text: &str, start: &str) {
        assert!(
            !lines(text).iter().any(|line| line.starts_with(start)),
            "a line starts with {start:?} in\n{text}"
        );
    }

    const INTERMEDIATE_CIPHERS: &str = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:\
ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:\
ECDHE-RSA-CHACHA20-POLY1305";

    #[test]
    fn nginx_intermediate_lists_the_profiles_suites_and_the_groups_openssl_3_0_knows() {
        let text = suggest(Server::Nginx, "mozilla-intermediate@6.0", &site());
        assert!(text.starts_with("# tlscheck --suggest nginx: good.test (target good.test, port 443)\n# Written for the policy mozilla-intermediate@6.0.\n"), "{text}");
        for line in [
            "server {",
            "listen 443 ssl;",
            "server_name good.test;",
            "ssl_certificate /etc/ssl/good.test/fullchain.pem;",
            "ssl_certificate_key /etc/ssl/good.test/privkey.pem;",
            "ssl_protocols TLSv1.2 TLSv1.3;",
            &format!("ssl_ciphers {INTERMEDIATE_CIPHERS};"),
            "ssl_ecdh_curve X25519:prime256v1:secp384r1;",
            "# ssl_ecdh_curve X25519MLKEM768:X25519:prime256v1:secp384r1",
            "ssl_prefer_server_ciphers off;",
            "ssl_session_tickets off;",
            "add_header Strict-Transport-Security \"max-age=63072000\" always;",
            "# Plain HTTP to HTTPS, permanently (http://good.test/: no redirect to HTTPS).",
            "listen 80;",
            "return 301 https://$host$request_uri;",
        ] {
            assert_line(&text, line);
        }
        // OpenSSL's default TLS 1.3 suites are the profile's; 6.0 has no DHE suites; the
        // certificate names no OCSP responder.
        for absent in [
            "ssl_conf_command",
            "ssl_dhparam",
            "ssl_stapling",
            "# The certificate",
        ] {
            assert_no_line_starting(&text, absent);
        }
    }

    #[test]
    fn nginx_modern_is_tls13_only_without_a_cipher_list() {
        let text = suggest(Server::Nginx, "mozilla-modern@6.0", &site());
        assert_line(&text, "ssl_protocols TLSv1.3;");
        assert_line(&text, "ssl_prefer_server_ciphers off;");
        assert_line(&text, "ssl_ecdh_curve X25519:prime256v1:secp384r1;");
        assert_no_line_starting(&text, "ssl_ciphers");
    }

    #[test]
    fn nginx_old_gets_server_order_dh_parameters_and_security_level_zero() {
        let text = suggest(Server::Nginx, "mozilla-old@5.7", &site());
        assert_line(&text, "ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;");
        assert_line(&text, "ssl_prefer_server_ciphers on;");
        assert_line(&text, "ssl_dhparam /etc/ssl/good.test/dhparam.pem;");
        assert_line(
            &text,
            "# DHE suites need DH parameters: openssl dhparam -out /etc/ssl/good.test/dhparam.pem 2048",
        );
        let ciphers = lines(&text)
            .into_iter()
            .find(|line| line.starts_with("ssl_ciphers "))
            .expect("ssl_ciphers")
            .to_string();
        assert!(ciphers.ends_with(":DES-CBC3-SHA:@SECLEVEL=0;"), "{ciphers}");
        assert_eq!(ciphers.matches(':').count(), 26, "26 suites: {ciphers}");
        // 5.7 lists no post-quantum group.
        assert_line(&text, "ssl_ecdh_curve X25519:prime256v1:secp384r1;");
        assert!(!text.contains("MLKEM"), "{text}");
    }

    #[test]
    fn tls13_suites_are_set_only_when_they_differ_from_openssls_default() {
        let mut prescription = profile("mozilla-intermediate@6.0").prescription().clone();
        assert_eq!(ciphersuites_to_set(&prescription), None);
        prescription.ciphersuites = vec!["TLS_AES_256_GCM_SHA384".into()];
        let nginx_lines = nginx(&prescription, &site());
        assert!(nginx_lines
            .iter()
            .any(|line| line.trim() == "ssl_conf_command Ciphersuites TLS_AES_256_GCM_SHA384;"));
        let apache_lines = apache(&prescription, &site());
        assert!(apache_lines
            .iter()
            .any(|line| line.trim() == "SSLCipherSuite TLSv1.3 TLS_AES_256_GCM_SHA384"));
    }

    #[test]
    fn apache_intermediate_is_one_ssl_virtualhost_and_a_redirecting_one() {
        let text = suggest(Server::Apache, "mozilla-intermediate@6.0", &site());
        for line in [
            "<VirtualHost *:443>",
            "ServerName good.test",
            "SSLEngine on",
            "SSLCertificateFile /etc/ssl/good.test/fullchain.pem",
            "SSLCertificateKeyFile /etc/ssl/good.test/privkey.pem",
            "SSLProtocol -all +TLSv1.2 +TLSv1.3",
            &format!("SSLCipherSuite {INTERMEDIATE_CIPHERS}"),
            "SSLOpenSSLConfCmd Curves X25519:prime256v1:secp384r1",
            "# SSLOpenSSLConfCmd Curves X25519MLKEM768:X25519:prime256v1:secp384r1",
            "SSLHonorCipherOrder off",
            "SSLSessionTickets off",
            "Header always set Strict-Transport-Security \"max-age=63072000\"",
            "</VirtualHost>",
            "<VirtualHost *:80>",
            "Redirect permanent / https://good.test/",
        ] {
            assert_line(&text, line);
        }
        for absent in [
            "SSLCipherSuite TLSv1.3",
            "SSLUseStapling",
            "SSLStaplingCache",
            "Listen",
        ] {
            assert_no_line_starting(&text, absent);
        }
    }

    #[test]
    fn apache_modern_on_another_port_listens_there_and_redirects_to_it() {
        let site = Site {
            port: 8443,
            http_port: 8080,
            ..site()
        };
        let text = suggest(Server::Apache, "mozilla-modern", &site);
        assert_line(&text, "<VirtualHost *:8443>");
        assert_line(&text, "SSLProtocol -all +TLSv1.3");
        assert_line(&text, "<VirtualHost *:8080>");
        assert_line(&text, "Redirect permanent / https://good.test:8443/");
        assert_line(
            &text,
            "# Port 8443 needs `Listen 8443 https` too, if no other site listens there.",
        );
        assert_no_line_starting(&text, "SSLCipherSuite");
    }

    #[test]
    fn python_intermediate_builds_the_context_and_serves_flask_with_it() {
        let text = suggest(Server::Python, "mozilla-intermediate", &site());
        for line in [
            "import ssl",
            "context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)",
            "context.minimum_version = ssl.TLSVersion.TLSv1_2",
            "context.maximum_version = ssl.TLSVersion.TLSv1_3",
            &format!("context.set_ciphers(\"{INTERMEDIATE_CIPHERS}\")  # TLS 1.2 and below"),
            "context.set_groups(\"X25519:prime256v1:secp384r1\")",
            "context.set_ecdh_curve(\"prime256v1\")",
            "context.options &= ~ssl.OP_CIPHER_SERVER_PREFERENCE  # the client's order (Python sets the server's by default)",
            "context.options |= ssl.OP_NO_TICKET",
            "context.load_cert_chain(\"/etc/ssl/good.test/fullchain.pem\", \"/etc/ssl/good.test/privkey.pem\")",
            "class RedirectToHttps(BaseHTTPRequestHandler):",
            "self.send_header(\"Location\", \"https://good.test\" + self.path)",
            "threading.Thread(target=HTTPServer((\"\", 80), RedirectToHttps).serve_forever, daemon=True).start()",
            "@app.after_request",
            "response.headers[\"Strict-Transport-Security\"] = \"max-age=63072000\"",
            "app.run(host=\"0.0.0.0\", port=443, ssl_context=context)",
        ] {
            assert_line(&text, line);
        }
    }

    #[test]
    fn python_modern_sets_tls13_only_and_no_cipher_list() {
        let text = suggest(Server::Python, "mozilla-modern", &site());
        assert_line(&text, "context.minimum_version = ssl.TLSVersion.TLSv1_3");
        assert_line(&text, "context.maximum_version = ssl.TLSVersion.TLSv1_3");
        assert_no_line_starting(&text, "context.set_ciphers");
    }

    #[test]
    fn python_old_keeps_the_servers_order_and_loads_dh_parameters() {
        let text = suggest(Server::Python, "mozilla-old@5.7", &site());
        assert_line(&text, "context.minimum_version = ssl.TLSVersion.TLSv1");
        assert_line(
            &text,
            "context.options |= ssl.OP_CIPHER_SERVER_PREFERENCE  # the server's order",
        );
        assert!(
            text.contains("context.load_dh_params(\"/etc/ssl/good.test/dhparam.pem\")"),
            "{text}"
        );
    }

    #[test]
    fn a_permanent_redirect_already_there_is_kept_not_repeated() {
        let site = Site {
            redirect: Redirect::Permanent("http://good.test/".into()),
            ..site()
        };
        for (server, keep) in [
            (Server::Nginx, "keep that server block."),
            (Server::Apache, "keep that VirtualHost."),
            (Server::Python, "keep what does that."),
        ] {
            let text = suggest(server, "mozilla-intermediate", &site);
            assert!(
                text.contains(&format!(
                    "# Plain HTTP already redirects permanently to HTTPS (http://good.test/): {keep}"
                )),
                "{text}"
            );
            for absent in ["listen 80;", "<VirtualHost *:80>", "class RedirectToHttps"] {
                assert_no_line_starting(&text, absent);
            }
        }
    }

    #[test]
    fn a_certificate_that_cannot_pass_modern_gets_the_command_for_an_ecdsa_one() {
        let site = Site {
            certificate_problems: vec![
                "policy.certificate-type: mozilla-modern 6.0 (certificate_types): the leaf has an RSA key".into(),
            ],
            ..site()
        };
        let text = suggest(Server::Nginx, "mozilla-modern", &site);
        assert_line(
            &text,
            "# The certificate itself needs replacing (no configuration fixes this; mozilla-modern@6.0 is checked against it):",
        );
        assert_line(&text, "#   policy.certificate-type: mozilla-modern 6.0 (certificate_types): the leaf has an RSA key");
        assert_line(&text, "# To make one that would: an ECDSA P-256 key, certified by a CA your clients trust that signs with ecdsa-with-SHA256, ecdsa-with-SHA384, ecdsa-with-SHA512 and issues for 90 days or less:");
        assert_line(&text, "#   openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout /etc/ssl/good.test/privkey.pem -out good.test.csr -subj \"/CN=good.test\" -addext \"subjectAltName=DNS:good.test\"");
        assert!(
            text.contains(
                "certbot certonly --key-type ecdsa --webroot -w /var/www/html -d good.test"
            ),
            "{text}"
        );

        // The old profile takes RSA certificates only.
        let text = suggest(Server::Apache, "mozilla-old@5.7", &site);
        assert!(
            text.contains("openssl req -new -newkey rsa:2048 -nodes"),
            "{text}"
        );
        assert!(
            text.contains("--key-type rsa --rsa-key-size 2048"),
            "{text}"
        );
    }

    #[test]
    fn a_chain_problem_asks_for_the_full_chain_not_a_new_key() {
        let site = Site {
            chain_problems: vec!["chain.incomplete: the intermediate is missing".into()],
            ..site()
        };
        let text = suggest(Server::Nginx, "mozilla-intermediate", &site);
        assert_line(&text, "#   chain.incomplete: the intermediate is missing");
        assert!(
            text.contains("# Put the leaf first, then the intermediates in issuing order, in the file /etc/ssl/good.test/fullchain.pem stands for"),
            "{text}"
        );
        assert!(!text.contains("openssl req"), "{text}");
    }

    #[test]
    fn an_ip_address_gets_an_ip_subject_alternative_name_and_no_certbot() {
        let site = Site {
            name: "127.0.0.1".into(),
            certificate_problems: vec!["cert.self-signed: ...".into()],
            ..site()
        };
        let text = suggest(Server::Nginx, "mozilla-intermediate", &site);
        assert!(
            text.contains("-addext \"subjectAltName=IP:127.0.0.1\""),
            "{text}"
        );
        assert!(!text.contains("certbot"), "{text}");
    }

    #[test]
    fn stapling_lines_only_when_the_certificate_names_a_responder() {
        let site = Site {
            staple: true,
            ..site()
        };
        let text = suggest(Server::Nginx, "mozilla-intermediate", &site);
        assert_line(&text, "ssl_stapling on;");
        assert_line(&text, "ssl_stapling_verify on;");
        assert_line(
            &text,
            "ssl_trusted_certificate /etc/ssl/good.test/chain.pem;",
        );
        let text = suggest(Server::Apache, "mozilla-intermediate", &site);
        assert_line(&text, "SSLStaplingCache \"shmcb:logs/ssl_stapling(32768)\"");
        assert_line(&text, "SSLUseStapling on");
        let text = suggest(Server::Python, "mozilla-intermediate", &site);
        assert!(text.contains("Python's ssl cannot staple"), "{text}");
    }

    #[test]
    fn policy_none_says_which_profile_the_fragment_follows() {
        let text = fragment(
            Server::Nginx,
            &profile(crate::policy::DEFAULT_PROFILE),
            ProfileChoice::DefaultForNone,
            &site(),
        );
        assert_line(
            &text,
            "# --policy none checks no profile: this follows mozilla-intermediate@6.0, the default profile.",
        );
    }

    #[test]
    fn an_unreachable_target_still_gets_the_profiles_fragment_with_a_warning() {
        let site = Site {
            unreachable: Some("connection refused".into()),
            redirect: Redirect::Unknown("http://good.test/ was not checked".into()),
            ..site()
        };
        let text = suggest(Server::Nginx, "mozilla-intermediate", &site);
        assert!(
            text.contains("# good.test could not be scanned (connection refused)"),
            "{text}"
        );
        assert_line(&text, "ssl_protocols TLSv1.2 TLSv1.3;");
        assert_line(&text, "return 301 https://$host$request_uri;");
    }

    #[test]
    fn the_site_keeps_a_long_enough_hsts_header_and_raises_a_short_one() {
        let intermediate = profile("mozilla-intermediate");
        let mut facts = crate::analysis::blank_facts();
        let https = |raw: &str| {
            Outcome::Ok(HttpsResponseFacts {
                url: "https://example.com/".into(),
                status_code: 200,
                location: None,
                server: None,
                hsts: Some(crate::facts::hsts::parse_hsts(raw)),
            })
        };
        facts.https = https("max-age=31536000; includeSubDomains");
        let site = Site::of(&facts, &[], &intermediate);
        assert_eq!(site.hsts, "max-age=63072000; includeSubDomains");
        facts.https = https("max-age=94608000; includeSubDomains; preload");
        let site = Site::of(&facts, &[], &intermediate);
        assert_eq!(site.hsts, "max-age=94608000; includeSubDomains; preload");
        facts.https = https("max-age=oops");
        assert_eq!(
            Site::of(&facts, &[], &intermediate).hsts,
            "max-age=63072000"
        );
    }

    #[test]
    fn the_site_reads_the_redirect_check() {
        let intermediate = profile("mozilla-intermediate");
        let mut facts = crate::analysis::blank_facts();
        facts.target.http_url = Some("http://example.com:8080/".into());
        facts.redirect = Outcome::Failed(ProbeError::new(ErrorKind::Refused, Step::Connect, ""));
        let site = Site::of(&facts, &[], &intermediate);
        assert_eq!(site.http_port, 8080);
        assert_eq!(
            site.redirect,
            Redirect::Missing("nothing listens on http://example.com:8080/".into())
        );
        assert_eq!(site.name, "example.com");
        assert!(site.certificate_problems.is_empty());
        facts.redirect = Outcome::Failed(ProbeError::new(
            ErrorKind::Timeout(std::time::Duration::from_secs(10)),
            Step::Connect,
            "",
        ));
        assert!(matches!(
            Site::of(&facts, &[], &intermediate).redirect,
            Redirect::Unknown(_)
        ));
    }
}
