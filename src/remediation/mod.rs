//! Remediation: how to fix each finding in the servers people deploy (nginx, Apache mod_ssl,
//! Python's `ssl` / Flask), as data keyed by finding id. The analysis attaches them.

mod certificate;
pub mod suggest;

use crate::analysis::catalog::FindingId;

/// How to fix a finding in each server; an empty text means there is nothing to fix there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub nginx: String,
    pub apache: String,
    /// Python's `ssl` module / Flask `app.run(ssl_context=...)`.
    pub python: String,
}

/// The servers fixes are written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Server {
    Nginx,
    Apache,
    Python,
}

impl Fix {
    fn new(nginx: &str, apache: &str, python: &str) -> Fix {
        Fix {
            nginx: nginx.to_string(),
            apache: apache.to_string(),
            python: python.to_string(),
        }
    }

    pub fn for_server(&self, server: Server) -> &str {
        match server {
            Server::Nginx => &self.nginx,
            Server::Apache => &self.apache,
            Server::Python => &self.python,
        }
    }
}

const MODERN_PROTOCOLS: (&str, &str, &str) = (
    "ssl_protocols TLSv1.2 TLSv1.3;",
    "SSLProtocol -all +TLSv1.2 +TLSv1.3",
    "ctx.minimum_version = ssl.TLSVersion.TLSv1_2",
);
const MODERN_CIPHERS: (&str, &str, &str) = (
    "ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305; (Mozilla intermediate)",
    "SSLCipherSuite ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305 (Mozilla intermediate)",
    "ctx.set_ciphers('ECDHE+AESGCM:ECDHE+CHACHA20') (Python's default list is already safe: drop custom set_ciphers calls that add legacy suites)",
);

const REDIRECT_FIX_NGINX: &str =
    "server { listen 80; server_name example.com; return 301 https://$host$request_uri; }";
const REDIRECT_FIX_APACHE: &str = "<VirtualHost *:80> ServerName example.com; Redirect permanent / https://example.com/ </VirtualHost>";
const REDIRECT_FIX_PYTHON: &str = "put nginx/Apache in front for port 80, or in Flask: @app.before_request def force_https(): if not request.is_secure: return redirect(request.url.replace('http://', 'https://', 1), code=301)";
const HSTS_FIX_NGINX: &str = "add_header Strict-Transport-Security \"max-age=63072000; includeSubDomains\" always; (in the ssl server block)";
const HSTS_FIX_APACHE: &str = "Header always set Strict-Transport-Security \"max-age=63072000; includeSubDomains\" (mod_headers, in the :443 VirtualHost)";
const HSTS_FIX_PYTHON: &str = "@app.after_request def hsts(r): r.headers['Strict-Transport-Security'] = 'max-age=63072000; includeSubDomains'; return r";

/// The fix for `id`; `name` is the host name checked (for certificate commands).
pub fn fix(id: FindingId, name: &str) -> Fix {
    use FindingId as F;
    let modern_protocols = || Fix::new(MODERN_PROTOCOLS.0, MODERN_PROTOCOLS.1, MODERN_PROTOCOLS.2);
    let modern_ciphers = || Fix::new(MODERN_CIPHERS.0, MODERN_CIPHERS.1, MODERN_CIPHERS.2);
    let redirect = || Fix::new(REDIRECT_FIX_NGINX, REDIRECT_FIX_APACHE, REDIRECT_FIX_PYTHON);
    let hsts = || Fix::new(HSTS_FIX_NGINX, HSTS_FIX_APACHE, HSTS_FIX_PYTHON);
    match id {
        F::HandshakeFailed => Fix::new(
            "ssl_protocols TLSv1.2 TLSv1.3; ssl_ciphers with ECDHE+AESGCM/CHACHA20 suites (e.g. Mozilla's intermediate list); reload nginx",
            "SSLProtocol -all +TLSv1.2 +TLSv1.3 and an SSLCipherSuite with ECDHE+AESGCM suites; restart Apache",
            "ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.minimum_version = ssl.TLSVersion.TLSv1_2; keep the default cipher list",
        ),
        F::SignatureUnverifiable => Fix::new(
            "use a certificate with an RSA-2048+ or ECDSA P-256 key (ssl_certificate/ssl_certificate_key)",
            "use a certificate with an RSA-2048+ or ECDSA P-256 key (SSLCertificateFile/SSLCertificateKeyFile)",
            "load a certificate with an RSA-2048+ or ECDSA P-256 key: ctx.load_cert_chain('fullchain.pem', 'server.key')",
        ),
        F::CertExpired => certificate::renew_fix(),
        F::CertExpiresSoon => certificate::renew_soon_fix(),
        F::CertNotYetValid => certificate::not_yet_valid_fix(),
        F::CertLifetimeTooLong => certificate::lifetime_fix(),
        F::CertNoRevocationInfo => certificate::revocation_fix(),
        F::CertHostnameMismatch => certificate::hostname_fix(name),
        F::CertUntrusted => certificate::untrusted_fix(),
        F::CertSelfSigned => certificate::self_signed_fix(name),
        F::CertWeakKey => certificate::weak_key_fix(),
        F::CertSha1Signature => certificate::weak_signature_fix("SHA-1"),
        F::CertMd5Signature => certificate::weak_signature_fix("MD5"),
        F::CertUnparsable => certificate::unparsable_fix(),
        F::ChainIncomplete => certificate::full_chain_fix(),
        F::ChainOrder => certificate::chain_order_fix(),
        F::ProtocolSslv2
        | F::ProtocolSslv3
        | F::ProtocolTls10
        | F::ProtocolTls11
        | F::ProtocolNoTls12
        | F::CipherCbcTls10 => modern_protocols(),
        F::ProtocolNoTls13 => Fix::new(
            "ssl_protocols TLSv1.2 TLSv1.3; (needs OpenSSL 1.1.1 or later)",
            "SSLProtocol -all +TLSv1.2 +TLSv1.3 (needs OpenSSL 1.1.1 or later)",
            "ctx.maximum_version = ssl.TLSVersion.MAXIMUM_SUPPORTED (and no OP_NO_TLSv1_3)",
        ),
        F::CipherNull
        | F::CipherAnonymous
        | F::CipherExport
        | F::CipherRc4
        | F::CipherDes
        | F::Cipher3des
        | F::CipherNoForwardSecrecy
        | F::CipherNoAead => modern_ciphers(),
        F::CipherClientOrder => Fix::new(
            "ssl_prefer_server_ciphers on;",
            "SSLHonorCipherOrder on",
            "ctx.options |= ssl.OP_CIPHER_SERVER_PREFERENCE",
        ),
        F::DhWeak => Fix::new(
            "openssl dhparam -out /etc/nginx/dhparam.pem 2048; ssl_dhparam /etc/nginx/dhparam.pem; (or drop DHE suites)",
            "SSLOpenSSLConfCmd DHParameters /etc/apache2/dhparam.pem with a 2048-bit group (or drop DHE suites)",
            "ctx.load_dh_params('dhparam-2048.pem') (or drop DHE suites from set_ciphers)",
        ),
        F::ClientAuthRequired => Fix::new(
            "intended for mutual TLS (ssl_verify_client on); to make it optional use ssl_verify_client optional",
            "intended for mutual TLS (SSLVerifyClient require); to make it optional use SSLVerifyClient optional",
            "intended for mutual TLS (ctx.verify_mode = ssl.CERT_REQUIRED); ssl.CERT_OPTIONAL makes it optional",
        ),
        F::ClientAuthRejected => Fix::new(
            "ssl_client_certificate must name the CA that issued the client certificates (and ssl_verify_depth cover its chain)",
            "SSLCACertificateFile must name the CA that issued the client certificates (and SSLVerifyDepth cover its chain)",
            "ctx.load_verify_locations('client-ca.pem') must load the CA that issued the client certificates",
        ),
        F::HttpNoRedirect
        | F::HttpRedirectTemporary
        | F::HttpRedirectOtherHost
        | F::HttpRedirectToHttp
        | F::HttpRedirectLoop
        | F::HttpTooManyRedirects => redirect(),
        F::HstsMissing | F::HstsShortMaxAge | F::HstsInvalid => hsts(),
        F::ScanInconclusive => Fix::new("", "", ""),
        F::ScanAddressesDiffer => Fix::new(
            "Deploy the same ssl_certificate, ssl_protocols and ssl_ciphers on every server behind the name (one configuration, rolled out everywhere), then scan again with --all-ips",
            "Deploy the same SSLCertificateFile, SSLProtocol and SSLCipherSuite on every server behind the name, then scan again with --all-ips",
            "Load the same certificate and SSLContext settings on every server behind the name, then scan again with --all-ips",
        ),
        F::PolicyTlsVersions => modern_protocols(),
        F::PolicyCipherSuites | F::PolicyDhParamSize => modern_ciphers(),
        F::PolicyGroups | F::PolicyEcdhParamSize => Fix::new(
            "ssl_ecdh_curve X25519:prime256v1:secp384r1; (X25519MLKEM768 first with OpenSSL 3.5+)",
            "SSLOpenSSLConfCmd Curves X25519:prime256v1:secp384r1 (X25519MLKEM768 first with OpenSSL 3.5+)",
            "ctx.set_ecdh_curve('prime256v1') (TLS 1.3 groups follow OpenSSL's defaults; Python 3.13+: ctx.set_groups('X25519:prime256v1:secp384r1'))",
        ),
        F::PolicyServerOrder => Fix::new(
            "ssl_prefer_server_ciphers off; for Mozilla's modern and intermediate profiles (on for old)",
            "SSLHonorCipherOrder off for Mozilla's modern and intermediate profiles (on for old)",
            "leave ssl.OP_CIPHER_SERVER_PREFERENCE unset for Mozilla's modern and intermediate profiles",
        ),
        F::PolicyCertificateType
        | F::PolicyCertificateCurve
        | F::PolicyRsaKeySize
        | F::PolicyEcKeySize => certificate::weak_key_fix(),
        F::PolicyExpiry => certificate::renew_soon_fix(),
        F::PolicyTrust => certificate::untrusted_fix(),
        F::PolicyHostname => certificate::hostname_fix(name),
        F::PolicyIssuer | F::PolicySan | F::PolicyPin => Fix::new(
            "Deploy the certificate the policy expects (its issuer, names or fingerprint) with `ssl_certificate`/`ssl_certificate_key` and `nginx -s reload`, or update the policy file if the change was intended.",
            "Deploy the certificate the policy expects (its issuer, names or fingerprint) with `SSLCertificateFile`/`SSLCertificateKeyFile` and `apachectl graceful`, or update the policy file if the change was intended.",
            "Load the certificate the policy expects (its issuer, names or fingerprint) with `context.load_cert_chain('fullchain.pem', 'server.key')`, or update the policy file if the change was intended.",
        ),
        F::PolicyHsts => hsts(),
        F::PolicyWaiverExpired => Fix::new(
            "Fix what the waiver covered (see that finding's fix), or renew the waiver with a new date and reason in the policy file.",
            "Fix what the waiver covered (see that finding's fix), or renew the waiver with a new date and reason in the policy file.",
            "Fix what the waiver covered (see that finding's fix), or renew the waiver with a new date and reason in the policy file.",
        ),
        F::PolicyRedirect => redirect(),
        F::PolicyClientAuth => Fix::new(
            "ssl_client_certificate /path/to/client-ca.pem; ssl_verify_client on;",
            "SSLCACertificateFile /path/to/client-ca.pem and SSLVerifyClient require",
            "ctx.load_verify_locations('client-ca.pem'); ctx.verify_mode = ssl.CERT_REQUIRED",
        ),
        F::PolicyCertificateSignature => Fix::new(
            "Reissue the certificate signed with an algorithm the profile lists (sha256WithRSAEncryption or ecdsa-with-SHA256: `openssl x509 -req -sha256 ...`), rebuild the `ssl_certificate` file and `nginx -s reload`.",
            "Reissue the certificate signed with an algorithm the profile lists (sha256WithRSAEncryption or ecdsa-with-SHA256: `openssl x509 -req -sha256 ...`), rebuild the `SSLCertificateFile` chain and `apachectl graceful`.",
            "Reissue the certificate signed with an algorithm the profile lists (sha256WithRSAEncryption or ecdsa-with-SHA256) and load it with `context.load_cert_chain('fullchain.pem', 'server.key')`.",
        ),
        F::PolicyCertificateLifespan => certificate::lifetime_fix(),
        F::PolicyOcspStaple => Fix::new(
            "ssl_stapling on; ssl_stapling_verify on; ssl_trusted_certificate /path/to/chain.pem; (and a resolver)",
            "SSLUseStapling on and, outside the VirtualHost, SSLStaplingCache shmcb:/var/run/ocsp(128000)",
            "Python's ssl cannot staple OCSP responses: put nginx or Apache in front to staple",
        ),
        F::PolicyHstsMinAge => hsts(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::catalog::CATALOG;

    #[test]
    fn every_finding_but_the_scan_note_has_a_fix_for_each_server() {
        for entry in CATALOG {
            let fix = fix(entry.id, "example.com");
            let empty = [Server::Nginx, Server::Apache, Server::Python]
                .into_iter()
                .filter(|server| fix.for_server(*server).is_empty())
                .count();
            let expected = if entry.id == FindingId::ScanInconclusive {
                3
            } else {
                0
            };
            assert_eq!(empty, expected, "{}", entry.id);
        }
    }
}
