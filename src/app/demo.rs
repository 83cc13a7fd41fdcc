//! Demo: in-process loopback servers reproducing common deployments, scanned by tlscheck.
//!
//! Everything is made at start-up on 127.0.0.1 (no internet, no files): a demo PKI (root CA,
//! intermediate, leaves, client CA) and, per site, a rustls HTTPS server plus a plain-HTTP
//! server. Names are mapped to the local ports with the same `--connect-to` overrides users have.

use std::convert::Infallible;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use super::scan::{scan_into, Sink};
use super::{render_options, AppError, ExitCode};
use crate::cli::settings::format as output_format;
use crate::cli::DemoArgs;
use crate::output::Writer;
use crate::policy::{nagios, Policy};
use crate::probe::handshake::provider;
use crate::report::Format;
use crate::scan::{ScanOptions, ScanSettings};
use crate::target::{ConnectTo, Host, Overrides, Target};
use crate::x509::trust::TrustStore;
use crate::ConfigError;

fn demo_error(context: &str) -> impl Fn(rcgen::Error) -> ConfigError + '_ {
    move |error| ConfigError::Demo(format!("{context}: {error}"))
}

/// A certificate and key to serve.
struct Identity {
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

/// The demo PKI: a root and intermediate for servers, and a separate client CA.
pub struct DemoPki {
    root: CertifiedIssuer<'static, KeyPair>,
    intermediate: CertifiedIssuer<'static, KeyPair>,
    client_ca: CertifiedIssuer<'static, KeyPair>,
}

fn ca_params(name: &str) -> CertificateParams {
    let mut params = CertificateParams::default();
    params.distinguished_name.push(DnType::CommonName, name);
    params
        .distinguished_name
        .push(DnType::OrganizationName, "tlscheck demo");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    params
}

fn leaf_params(
    names: &[&str],
    days_valid: (i64, i64),
    purpose: ExtendedKeyUsagePurpose,
) -> Result<CertificateParams, ConfigError> {
    let mut params =
        CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
            .map_err(demo_error("leaf names"))?;
    if let Some(first) = names.first() {
        params.distinguished_name.push(DnType::CommonName, *first);
    }
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now + time::Duration::days(days_valid.0);
    params.not_after = now + time::Duration::days(days_valid.1);
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![purpose];
    params.use_authority_key_identifier_extension = true;
    Ok(params)
}

fn pkcs8(key: &KeyPair) -> PrivateKeyDer<'static> {
    PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()))
}

impl DemoPki {
    pub fn new() -> Result<DemoPki, ConfigError> {
        let root = CertifiedIssuer::self_signed(
            ca_params("tlscheck Demo Root CA"),
            KeyPair::generate().map_err(demo_error("root key"))?,
        )
        .map_err(demo_error("root CA"))?;
        let intermediate = CertifiedIssuer::signed_by(
            ca_params("tlscheck Demo Intermediate CA"),
            KeyPair::generate().map_err(demo_error("intermediate key"))?,
            &root,
        )
        .map_err(demo_error("intermediate CA"))?;
        let client_ca = CertifiedIssuer::self_signed(
            ca_params("tlscheck Demo Client CA"),
            KeyPair::generate().map_err(demo_error("client CA key"))?,
        )
        .map_err(demo_error("client CA"))?;
        Ok(DemoPki {
            root,
            intermediate,
            client_ca,
        })
    }

    pub fn root_der(&self) -> CertificateDer<'static> {
        self.root.der().clone()
    }

    /// A server leaf from the intermediate; the chain served is leaf + intermediate.
    fn server(&self, name: &str, days_valid: (i64, i64)) -> Result<Identity, ConfigError> {
        let key = KeyPair::generate().map_err(demo_error("server key"))?;
        let cert = leaf_params(&[name], days_valid, ExtendedKeyUsagePurpose::ServerAuth)?
            .signed_by(&key, &self.intermediate)
            .map_err(demo_error("server certificate"))?;
        Ok(Identity {
            chain: vec![cert.der().clone(), self.intermediate.der().clone()],
            key: pkcs8(&key),
        })
    }

    /// A self-signed server certificate, as `openssl req -x509` makes them.
    fn self_signed(&self, name: &str) -> Result<Identity, ConfigError> {
        let key = KeyPair::generate().map_err(demo_error("server key"))?;
        let cert = leaf_params(&[name], (-1, 364), ExtendedKeyUsagePurpose::ServerAuth)?
            .self_signed(&key)
            .map_err(demo_error("self-signed certificate"))?;
        Ok(Identity {
            chain: vec![cert.der().clone()],
            key: pkcs8(&key),
        })
    }

    /// A client certificate from the client CA.
    fn client(&self, name: &str) -> Result<Identity, ConfigError> {
        let key = KeyPair::generate().map_err(demo_error("client key"))?;
        let cert = leaf_params(&[name], (-1, 365), ExtendedKeyUsagePurpose::ClientAuth)?
            .signed_by(&key, &self.client_ca)
            .map_err(demo_error("client certificate"))?;
        Ok(Identity {
            chain: vec![cert.der().clone()],
            key: pkcs8(&key),
        })
    }
}

/// How a demo site's plain-HTTP port answers.
#[derive(Clone, Copy)]
enum PlainHttp {
    Redirect(u16),
    Content,
}

/// One demo site: what it reproduces, and how it is configured.
struct Site {
    name: &'static str,
    identity: Identity,
    hsts: Option<&'static str>,
    plain_http: PlainHttp,
    client_ca: Option<CertificateDer<'static>>,
}

/// A running site's local ports.
struct Running {
    name: &'static str,
    https: SocketAddr,
    http: SocketAddr,
}

async fn start_site(site: Site) -> Result<Running, ConfigError> {
    // rustls' defaults: TLS 1.2 and 1.3 with AEAD suites and forward secrecy, and the groups
    // X25519MLKEM768, X25519, P-256 and P-384, as Mozilla's intermediate profile has them.
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| ConfigError::Demo(e.to_string()))?;
    let builder = match &site.client_ca {
        Some(ca) => {
            let mut roots = RootCertStore::empty();
            roots
                .add(ca.clone())
                .map_err(|e| ConfigError::Demo(e.to_string()))?;
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .map_err(|e| ConfigError::Demo(e.to_string()))?;
            builder.with_client_cert_verifier(verifier)
        }
        None => builder.with_no_client_auth(),
    };
    let mut config = builder
        .with_single_cert(site.identity.chain, site.identity.key)
        .map_err(|e| ConfigError::Demo(format!("{}: {e}", site.name)))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    // Let the client choose among them, as Mozilla's intermediate profile prescribes.
    config.ignore_client_order = false;
    let acceptor = TlsAcceptor::from(Arc::new(config));

    let bind = |what: &'static str| async move {
        TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| ConfigError::Demo(format!("cannot listen for {what} on 127.0.0.1: {e}")))
    };
    let https_listener = bind("HTTPS").await?;
    let http_listener = bind("HTTP").await?;
    let https = https_listener
        .local_addr()
        .map_err(|e| ConfigError::Demo(e.to_string()))?;
    let http = http_listener
        .local_addr()
        .map_err(|e| ConfigError::Demo(e.to_string()))?;

    let hsts = site.hsts;
    tokio::spawn(async move {
        while let Ok((tcp, _)) = https_listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let service =
                    service_fn(move |_request: Request<hyper::body::Incoming>| async move {
                        let mut response = Response::builder().header("Server", "tlscheck-demo");
                        if let Some(hsts) = hsts {
                            response = response.header("Strict-Transport-Security", hsts);
                        }
                        Ok::<_, Infallible>(
                            response
                                .body(Full::new(Bytes::from_static(
                                    b"hello from the tlscheck demo\n",
                                )))
                                .unwrap_or_default(),
                        )
                    });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tls), service)
                    .await;
            });
        }
    });

    let name = site.name;
    let plain_http = site.plain_http;
    tokio::spawn(async move {
        while let Ok((tcp, _)) = http_listener.accept().await {
            tokio::spawn(async move {
                let service =
                    service_fn(move |request: Request<hyper::body::Incoming>| async move {
                        let path = request
                            .uri()
                            .path_and_query()
                            .map(|p| p.as_str().to_string())
                            .unwrap_or_else(|| "/".into());
                        let response = match plain_http {
                            PlainHttp::Redirect(status) => Response::builder()
                                .status(status)
                                .header("Location", format!("https://{name}{path}"))
                                .body(Full::new(Bytes::new())),
                            PlainHttp::Content => Response::builder()
                                .body(Full::new(Bytes::from_static(b"plain HTTP, no redirect\n"))),
                        };
                        Ok::<_, Infallible>(response.unwrap_or_default())
                    });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tcp), service)
                    .await;
            });
        }
    });
    Ok(Running { name, https, http })
}

/// Map `name:443` and `name:80` to the site's local ports, as a user would with --connect-to.
fn overrides_for(sites: &[Running]) -> Overrides {
    let mut overrides = Overrides::default();
    for site in sites {
        for (port, local) in [(443, site.https), (80, site.http)] {
            overrides.rules.push(ConnectTo {
                host: Some(site.name.to_string()),
                port: Some(port),
                to_host: Some(Host::Ip(local.ip())),
                to_port: Some(local.port()),
                resolve: false,
            });
        }
    }
    overrides
}

const PREFACE: &str = "\
tlscheck demo: four local HTTPS deployments on 127.0.0.1, made just now, scanned like real ones.
  good.demo.test        full chain from the demo CA, TLS 1.2+1.3, 301 redirect, HSTS 2 years
  expired.demo.test     certificate expired 10 days ago, 302 redirect, HSTS of one hour
  selfsigned.demo.test  self-signed certificate (openssl req -x509 style), no redirect, no HSTS
  mtls.demo.test        requires a client certificate: scanned without one, then with one
Names reach the local ports through --connect-to overrides; the demo root is passed as --ca-file.
";

pub async fn run<W: Write>(args: DemoArgs, out: &mut Writer<W>) -> Result<ExitCode, AppError> {
    let pki = DemoPki::new()?;
    let client = pki.client("demo-client")?;
    let sites = vec![
        Site {
            name: "good.demo.test",
            // 365 days in all: within Mozilla's 366-day maximum and the CA/B Forum's 398.
            identity: pki.server("good.demo.test", (-1, 364))?,
            hsts: Some("max-age=63072000; includeSubDomains"),
            plain_http: PlainHttp::Redirect(301),
            client_ca: None,
        },
        Site {
            name: "expired.demo.test",
            identity: pki.server("expired.demo.test", (-400, -10))?,
            hsts: Some("max-age=3600"),
            plain_http: PlainHttp::Redirect(302),
            client_ca: None,
        },
        Site {
            name: "selfsigned.demo.test",
            identity: pki.self_signed("selfsigned.demo.test")?,
            hsts: None,
            plain_http: PlainHttp::Content,
            client_ca: None,
        },
        Site {
            name: "mtls.demo.test",
            identity: pki.server("mtls.demo.test", (-1, 364))?,
            hsts: Some("max-age=63072000"),
            plain_http: PlainHttp::Redirect(301),
            client_ca: Some(pki.client_ca.der().clone()),
        },
    ];
    let mut running = Vec::new();
    for site in sites {
        running.push(start_site(site).await?);
    }

    let trust = TrustStore::with_extra_roots(&[pki.root_der()], "webpki-roots + demo root CA")
        .map_err(|e| ConfigError::Demo(e.to_string()))?;
    let options = ScanOptions {
        timeout: Duration::from_secs(5),
        overrides: overrides_for(&running),
        concurrency: 8,
        ..ScanOptions::default()
    };
    let without_client_cert = ScanSettings::new(options.clone(), trust.clone(), None)
        .map_err(|e| ConfigError::Demo(e.to_string()))?;
    let signing_key = provider()
        .key_provider
        .load_private_key(client.key)
        .map_err(|e| ConfigError::Demo(format!("client key: {e}")))?;
    let identity = Arc::new(rustls::sign::CertifiedKey::new(client.chain, signing_key));
    let with_client_cert = ScanSettings::new(options, trust, Some(identity))
        .map_err(|e| ConfigError::Demo(e.to_string()))?;
    let targets = running
        .iter()
        .map(|site| Target::parse(site.name))
        .collect::<Result<Vec<_>, _>>()
        .map_err(ConfigError::from)?;
    let mut mtls = Target::parse("mtls.demo.test").map_err(ConfigError::from)?;
    mtls.input = "mtls.demo.test (with --client-cert)".into();

    let policy = Policy::default();
    let format = output_format(&args.output);
    if format == Format::Table {
        out.write(PREFACE.as_bytes())?;
        out.write(b"\n")?;
    }
    let options = render_options(&args.output, &policy);
    let unreachable = options.unreachable;
    let mut sink = Sink::new(format, options);
    scan_into(targets, without_client_cert, &policy, &mut sink, out).await?;
    scan_into(vec![mtls], with_client_cert, &policy, &mut sink, out).await?;
    if format == Format::Nagios {
        // A plugin's exit code is its state, in the demo too.
        let (_, records) = sink.finish_keeping(out)?;
        let state = nagios::run_state(records.iter().map(|r| &r.assessment), unreachable);
        return Ok(ExitCode::Nagios(state));
    }
    let run = sink.finish(out)?;
    // The demo is a showcase: it succeeds when every site could be scanned.
    Ok(if run.unreachable > 0 {
        ExitCode::Unreachable
    } else {
        ExitCode::Clean
    })
}
