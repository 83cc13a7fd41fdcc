//! Fixes for certificate and chain findings.

use super::Fix;

pub(super) fn full_chain_fix() -> Fix {
    Fix {
        nginx: "Point `ssl_certificate` at the full chain: the leaf first, then each intermediate \
                (`cat server.crt intermediate.crt > fullchain.pem`; with certbot use `fullchain.pem`, \
                not `cert.pem`), then `nginx -t && nginx -s reload`."
            .to_string(),
        apache: "Apache 2.4.8+: append the intermediates to the file named by `SSLCertificateFile` \
                 (leaf first, then intermediates: `cat server.crt intermediate.crt > fullchain.pem`); \
                 before 2.4.8 use `SSLCertificateChainFile intermediate.crt`. Then `apachectl graceful`."
            .to_string(),
        python: "Build fullchain.pem as the leaf followed by the intermediates and load it: \
                 `context.load_cert_chain('fullchain.pem', 'server.key')`, or Flask \
                 `app.run(ssl_context=('fullchain.pem', 'server.key'))`."
            .to_string(),
    }
}

pub(super) fn chain_order_fix() -> Fix {
    Fix {
        nginx:
            "Rebuild the file named by `ssl_certificate` in issuing order: the leaf first, then \
                the intermediate that signed it, and so on (`cat server.crt intermediate.crt > \
                fullchain.pem`); the root can be left out. Then `nginx -s reload`."
                .to_string(),
        apache:
            "Rebuild the file named by `SSLCertificateFile` (2.4.8+) in issuing order: the leaf \
                 first, then the intermediate that signed it, and so on; the root can be left out. \
                 Then `apachectl graceful`."
                .to_string(),
        python: "Order fullchain.pem leaf first, then each issuer in turn, and load it with \
                 `context.load_cert_chain('fullchain.pem', 'server.key')` (Flask: \
                 `app.run(ssl_context=('fullchain.pem', 'server.key'))`)."
            .to_string(),
    }
}

pub(super) fn renew_fix() -> Fix {
    Fix {
        nginx: "Renew the certificate (e.g. `certbot renew`) and, if an intermediate expired, put \
                your CA's current intermediate in the chain file; point `ssl_certificate` and \
                `ssl_certificate_key` at the new files and `nginx -s reload` (nginx reads them only \
                at start and reload)."
            .to_string(),
        apache: "Renew the certificate (e.g. `certbot renew`) and, if an intermediate expired, put \
                 your CA's current intermediate in the chain; update `SSLCertificateFile` and \
                 `SSLCertificateKeyFile`, then `apachectl graceful`."
            .to_string(),
        python: "Renew the certificate, then restart the process: \
                 `context.load_cert_chain('fullchain.pem', 'server.key')` (Flask \
                 `app.run(ssl_context=('fullchain.pem', 'server.key'))`) reads the files only once."
            .to_string(),
    }
}

pub(super) fn renew_soon_fix() -> Fix {
    Fix {
        nginx: "Renew now and automate it: `certbot renew --deploy-hook 'nginx -s reload'` from \
                certbot's systemd timer or cron; nginx picks up the new `ssl_certificate` only on \
                reload."
            .to_string(),
        apache:
            "Renew now and automate it: `certbot renew --deploy-hook 'apachectl graceful'` from \
                 certbot's systemd timer or cron (or mod_md with `MDomain`)."
                .to_string(),
        python:
            "Renew now and automate it; `context.load_cert_chain('fullchain.pem', 'server.key')` \
                 reads the files only once, so restart the process (or build a new SSLContext) \
                 after each renewal."
                .to_string(),
    }
}

pub(super) fn lifetime_fix() -> Fix {
    Fix {
        nginx:
            "Replace it with a certificate within the CA/Browser Forum's maximum (ACME CAs such \
                as Let's Encrypt issue 90 days or less) and renew automatically: \
                `certbot renew --deploy-hook 'nginx -s reload'`."
                .to_string(),
        apache:
            "Replace it with a certificate within the CA/Browser Forum's maximum (ACME CAs such \
                 as Let's Encrypt issue 90 days or less) and renew automatically with mod_md \
                 (`MDomain`) or `certbot renew --deploy-hook 'apachectl graceful'`."
                .to_string(),
        python: "Replace it with a certificate within the CA/Browser Forum's maximum (ACME CAs \
                 such as Let's Encrypt issue 90 days or less), renew automatically and reload it \
                 with `context.load_cert_chain('fullchain.pem', 'server.key')` after each renewal."
            .to_string(),
    }
}

pub(super) fn revocation_fix() -> Fix {
    let ask = "Ask the CA to reissue the certificate with a CRL distribution point or an OCSP \
               responder (the Baseline Requirements demand one), or use certificates valid for 7 \
               days or less, which need neither";
    Fix {
        nginx: format!("{ask}; point `ssl_certificate` at the new file and `nginx -s reload`."),
        apache: format!("{ask}; update `SSLCertificateFile` and `apachectl graceful`."),
        python: format!(
            "{ask}; load it with `context.load_cert_chain('fullchain.pem', 'server.key')`."
        ),
    }
}

pub(super) fn not_yet_valid_fix() -> Fix {
    Fix {
        nginx: "Check the clocks of the server and the issuing CA (`timedatectl`); reissue the \
                certificate with a start date in the past, point `ssl_certificate` at it and \
                `nginx -s reload`."
            .to_string(),
        apache: "Check the clocks of the server and the issuing CA (`timedatectl`); reissue the \
                 certificate with a start date in the past, update `SSLCertificateFile` and \
                 `apachectl graceful`."
            .to_string(),
        python:
            "Check the clocks (`timedatectl`); reissue the certificate with a start date in the \
                 past and reload it with `context.load_cert_chain('fullchain.pem', 'server.key')`."
                .to_string(),
    }
}

pub(super) fn self_signed_fix(name: &str) -> Fix {
    Fix {
        nginx: format!(
            "Use a certificate from a CA your clients trust (e.g. `certbot --nginx -d {name}`) in \
             `ssl_certificate`/`ssl_certificate_key`; for an internal service, issue it from a \
             private CA whose root the clients are given."
        ),
        apache: format!(
            "Use a certificate from a CA your clients trust (e.g. `certbot --apache -d {name}`) in \
             `SSLCertificateFile`/`SSLCertificateKeyFile`; for an internal service, issue it from \
             a private CA whose root the clients are given."
        ),
        python: "Load a CA-issued chain: `context.load_cert_chain('fullchain.pem', 'server.key')` \
                 (Flask `app.run(ssl_context=('fullchain.pem', 'server.key'))`); clients of a \
                 private service can pin the certificate with \
                 `ssl.create_default_context(cafile='server.crt')` (tlscheck: `--ca-file`)."
            .to_string(),
    }
}

pub(super) fn untrusted_fix() -> Fix {
    Fix {
        nginx: "Use a certificate from a publicly trusted CA and send the full chain in \
                `ssl_certificate` (leaf, then intermediates). For a private CA, clients need its \
                root (tlscheck: `--ca-file root.pem`)."
            .to_string(),
        apache: "Use a certificate from a publicly trusted CA and send the full chain in \
                 `SSLCertificateFile` (leaf, then intermediates). For a private CA, clients need its \
                 root (tlscheck: `--ca-file root.pem`)."
            .to_string(),
        python: "Serve a publicly trusted chain with `context.load_cert_chain('fullchain.pem', \
                 'server.key')`; clients of a private CA need \
                 `ssl.create_default_context(cafile='root.pem')` (tlscheck: `--ca-file root.pem`)."
            .to_string(),
    }
}

pub(super) fn weak_key_fix() -> Fix {
    let generate = "`openssl req -new -newkey rsa:2048 -nodes -keyout server.key -out server.csr` \
                    (or EC: `-newkey ec -pkeyopt ec_paramgen_curve:P-256`)";
    let ca = "a weak CA key means reissuing from a CA with an RSA 2048+ or P-256+ key";
    Fix {
        nginx: format!(
            "Generate a new key and have it certified: {generate}; set `ssl_certificate_key` and \
             `ssl_certificate` to the new files and `nginx -s reload`; {ca}."
        ),
        apache: format!(
            "Generate a new key and have it certified: {generate}; set `SSLCertificateKeyFile` and \
             `SSLCertificateFile` to the new files and `apachectl graceful`; {ca}."
        ),
        python: format!(
            "Generate a new key and have it certified: {generate}; load it with \
             `context.load_cert_chain('fullchain.pem', 'server.key')`; {ca}."
        ),
    }
}

pub(super) fn weak_signature_fix(hash: &str) -> Fix {
    let reissue = format!(
        "Reissue the {hash}-signed certificate with SHA-256 (`openssl x509 -req -sha256 ...` or \
         `openssl ca -md sha256` for a private CA; public CAs no longer sign with {hash}); for an \
         intermediate, fetch your CA's current SHA-256 intermediate"
    );
    Fix {
        nginx: format!("{reissue}, rebuild the `ssl_certificate` file and `nginx -s reload`."),
        apache: format!(
            "{reissue}, rebuild the `SSLCertificateFile` chain and `apachectl graceful`."
        ),
        python: format!(
            "{reissue} and load it with `context.load_cert_chain('fullchain.pem', 'server.key')`."
        ),
    }
}

pub(super) fn hostname_fix(name: &str) -> Fix {
    Fix {
        nginx: format!(
            "Serve a certificate whose subjectAltName lists {name}: in the `server` block whose \
                 `server_name` includes {name}, point `ssl_certificate` at it (e.g. issue one with \
                 `certbot --nginx -d {name}`), then `nginx -t && nginx -s reload`."
        ),
        apache: format!(
            "In the `<VirtualHost *:443>` with `ServerName {name}` (or `ServerAlias {name}`), set \
                 `SSLCertificateFile` to a certificate whose subjectAltName lists {name} (e.g. \
                 `certbot --apache -d {name}`), then `apachectl graceful`."
        ),
        python: format!(
            "Load a certificate whose subjectAltName lists {name} (a self-made one needs \
                 `openssl req ... -addext 'subjectAltName=DNS:{name}'`): \
                 `context.load_cert_chain('fullchain.pem', 'server.key')`, or Flask \
                 `app.run(ssl_context=('fullchain.pem', 'server.key'))`; for several names pick a \
                 context per name in `context.sni_callback`."
        ),
    }
}

pub(super) fn unparsable_fix() -> Fix {
    Fix {
        nginx:
            "Point `ssl_certificate` at PEM certificates made by a standard tool (`openssl x509 \
                -in server.crt -noout -text` must read each one), leaf first, then `nginx -t && \
                nginx -s reload`."
                .to_string(),
        apache: "Point `SSLCertificateFile` at PEM certificates made by a standard tool \
                 (`openssl x509 -in server.crt -noout -text` must read each one), leaf first, then \
                 `apachectl graceful`."
            .to_string(),
        python: "Load PEM certificates that `openssl x509 -in server.crt -noout -text` can read: \
                 `context.load_cert_chain('fullchain.pem', 'server.key')`."
            .to_string(),
    }
}
