//! TLS handshake probe: one rustls connection that records what was negotiated, the chain exactly
//! as presented, the trust verdict (without aborting on it), whether the server asked for a client
//! certificate, and the HTTPS response to a GET on the same connection.

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use hyper::header::{LOCATION, SERVER, STRICT_TRANSPORT_SECURITY};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{ResolvesClientCert, WebPkiServerVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::sign::CertifiedKey;
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, Error, SignatureScheme};
use rustls_pki_types::pem::PemObject;
use thiserror::Error;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use crate::facts::{ConnectionFacts, HttpsResponseFacts};
use crate::probe::http::{get, header_text, parse_hsts, GetError};

/// The crypto provider every probe uses: aws-lc-rs with every suite and group it has, so we can
/// talk to as many servers as rustls allows.
pub fn provider() -> Arc<CryptoProvider> {
    let mut provider = rustls::crypto::aws_lc_rs::default_provider();
    provider.cipher_suites = rustls::crypto::aws_lc_rs::ALL_CIPHER_SUITES.to_vec();
    provider.kx_groups = rustls::crypto::aws_lc_rs::ALL_KX_GROUPS.to_vec();
    Arc::new(provider)
}

#[derive(Debug, Error)]
pub enum IdentityError {
    #[error("cannot read --client-cert '{path}': {reason}")]
    Certificate { path: String, reason: String },
    #[error("--client-cert '{path}' holds no PEM certificate")]
    NoCertificate { path: String },
    #[error("cannot read --client-key '{path}': {reason}")]
    Key { path: String, reason: String },
    #[error("--client-key '{path}' does not fit --client-cert or is unsupported: {reason}")]
    Unusable { path: String, reason: String },
}

/// Load a client certificate chain and its private key (PEM) for mutual TLS.
pub fn load_client_identity(
    cert_path: &Path,
    key_path: &Path,
    provider: &CryptoProvider,
) -> Result<Arc<CertifiedKey>, IdentityError> {
    let cert_name = cert_path.display().to_string();
    let key_name = key_path.display().to_string();
    let cert_bytes = std::fs::read(cert_path).map_err(|e| IdentityError::Certificate {
        path: cert_name.clone(),
        reason: e.to_string(),
    })?;
    let chain = CertificateDer::pem_slice_iter(&cert_bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| IdentityError::Certificate {
            path: cert_name.clone(),
            reason: e.to_string(),
        })?;
    if chain.is_empty() {
        return Err(IdentityError::NoCertificate { path: cert_name });
    }
    let key = PrivateKeyDer::from_pem_file(key_path).map_err(|e| IdentityError::Key {
        path: key_name.clone(),
        reason: e.to_string(),
    })?;
    let signing_key =
        provider
            .key_provider
            .load_private_key(key)
            .map_err(|e| IdentityError::Unusable {
                path: key_name.clone(),
                reason: e.to_string(),
            })?;
    let certified = CertifiedKey::new(chain, signing_key);
    certified
        .keys_match()
        .map_err(|e| IdentityError::Unusable {
            path: key_name,
            reason: e.to_string(),
        })?;
    Ok(Arc::new(certified))
}

/// Everything a handshake probe needs besides the address.
#[derive(Clone, Debug)]
pub struct HandshakeSettings {
    pub provider: Arc<CryptoProvider>,
    pub verifier: Arc<WebPkiServerVerifier>,
    pub client_identity: Option<Arc<CertifiedKey>>,
    pub timeout: Duration,
}

/// One handshake to make.
#[derive(Clone, Debug)]
pub struct HandshakeRequest {
    pub address: std::net::SocketAddr,
    pub server_name: ServerName<'static>,
    /// `Host:` header and URL authority for the HTTPS request.
    pub authority: String,
    pub path: String,
    /// Present `settings.client_identity` when the server asks (false to test "required").
    pub present_identity: bool,
}

/// What the chain verifier saw during the handshake.
#[derive(Clone, Debug, Default)]
pub struct VerifierRecord {
    /// The chain exactly as presented, leaf first.
    pub chain: Vec<CertificateDer<'static>>,
    pub ocsp_response: Vec<u8>,
    /// Why the chain does not lead to a trusted root. Validity dates and the host name are
    /// judged separately, so an expired or misnamed but otherwise trusted chain has none.
    pub trust_error: Option<Error>,
    /// The server's handshake signature did not verify with rustls (e.g. RSA under 2048 bits).
    pub signature_error: Option<Error>,
}

/// Why a TLS connection could not be used.
#[derive(Clone, Debug)]
pub struct TlsFailure {
    pub message: String,
    /// TLS alert received from the server, e.g. `protocol_version`, `handshake_failure`.
    pub alert: Option<String>,
}

/// The result of one handshake probe that reached the server over TCP.
#[derive(Clone, Debug)]
pub struct HandshakeRecord {
    pub connected_to: std::net::SocketAddr,
    pub tcp_connect_ms: f64,
    pub connection: Result<ConnectionFacts, TlsFailure>,
    pub verifier: VerifierRecord,
    /// Distinguished names (DER) the server listed in its CertificateRequest, when it sent one.
    pub client_auth_request: Option<Vec<Vec<u8>>>,
    /// The HTTPS exchange after the handshake; none when the handshake failed.
    pub https: Option<Result<HttpsResponseFacts, TlsFailure>>,
}

/// The TCP connection failed: the target is unreachable.
#[derive(Clone, Debug, Error)]
pub enum ConnectError {
    #[error("cannot connect to {address}: {reason}")]
    Refused {
        address: std::net::SocketAddr,
        reason: String,
    },
    #[error("cannot connect to {address}: timed out after {seconds:.1}s")]
    Timeout {
        address: std::net::SocketAddr,
        seconds: f64,
    },
}

/// Open a TCP connection within `timeout`.
pub async fn connect(
    address: std::net::SocketAddr,
    timeout: Duration,
) -> Result<TcpStream, ConnectError> {
    match tokio::time::timeout(timeout, TcpStream::connect(address)).await {
        Err(_) => Err(ConnectError::Timeout {
            address,
            seconds: timeout.as_secs_f64(),
        }),
        Ok(Err(error)) => Err(ConnectError::Refused {
            address,
            reason: error.to_string(),
        }),
        Ok(Ok(stream)) => {
            // Small request/response exchanges: don't let Nagle delay them.
            let _ = stream.set_nodelay(true);
            Ok(stream)
        }
    }
}

/// Make one TLS connection and, when it succeeds, one HTTPS GET on it.
pub async fn probe(
    request: &HandshakeRequest,
    settings: &HandshakeSettings,
) -> Result<HandshakeRecord, ConnectError> {
    let tcp_started = Instant::now();
    let tcp = connect(request.address, settings.timeout).await?;
    let tcp_connect_ms = millis(tcp_started.elapsed());

    let verifier_record = Arc::new(Mutex::new(VerifierRecord::default()));
    let client_auth_request = Arc::new(Mutex::new(None));
    let verifier = RecordingVerifier {
        inner: settings.verifier.clone(),
        record: verifier_record.clone(),
    };
    let resolver = RecordingResolver {
        identity: settings
            .client_identity
            .clone()
            .filter(|_| request.present_identity),
        request: client_auth_request.clone(),
    };
    let mut config = ClientConfig::builder_with_provider(settings.provider.clone())
        .with_protocol_versions(rustls::ALL_VERSIONS)
        .map_err(|e| ConnectError::Refused {
            address: request.address,
            reason: format!("internal error configuring TLS: {e}"),
        })?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_client_cert_resolver(Arc::new(resolver));
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    config.resumption = rustls::client::Resumption::disabled();
    let connector = TlsConnector::from(Arc::new(config));

    let handshake_started = Instant::now();
    let handshake = tokio::time::timeout(
        settings.timeout,
        connector.connect(request.server_name.clone(), tcp),
    )
    .await;
    let (connection, https) = match handshake {
        Err(_) => (
            Err(TlsFailure {
                message: format!(
                    "no TLS handshake within {:.1}s (the server accepted TCP but did not answer)",
                    settings.timeout.as_secs_f64()
                ),
                alert: None,
            }),
            None,
        ),
        Ok(Err(error)) => (Err(tls_failure(&error)), None),
        Ok(Ok(stream)) => {
            let handshake_ms = millis(handshake_started.elapsed());
            let facts = connection_facts(
                stream.get_ref().1,
                tcp_connect_ms,
                handshake_ms,
                &lock(&verifier_record),
            );
            let https = tokio::time::timeout(
                settings.timeout,
                https_get(stream, &request.authority, &request.path),
            )
            .await
            .unwrap_or_else(|_| {
                Err(TlsFailure {
                    message: format!(
                        "no HTTP response within {:.1}s",
                        settings.timeout.as_secs_f64()
                    ),
                    alert: None,
                })
            });
            (Ok(facts), Some(https))
        }
    };
    let verifier = lock(&verifier_record).clone();
    let client_auth_request = lock(&client_auth_request).clone();
    Ok(HandshakeRecord {
        connected_to: request.address,
        tcp_connect_ms,
        connection,
        verifier,
        client_auth_request,
        https,
    })
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn millis(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 1000.0 * 100.0).round() / 100.0
}

fn connection_facts(
    connection: &rustls::ClientConnection,
    tcp_connect_ms: f64,
    handshake_ms: f64,
    verifier: &VerifierRecord,
) -> ConnectionFacts {
    let ocsp_len = verifier.ocsp_response.len();
    let suite = connection.negotiated_cipher_suite().map(|s| s.suite());
    ConnectionFacts {
        protocol: connection
            .protocol_version()
            .map(protocol_name)
            .unwrap_or_else(|| "unknown".into()),
        cipher_suite: suite.map(suite_name).unwrap_or_else(|| "unknown".into()),
        cipher_suite_code: suite
            .map(|s| format!("0x{:04X}", u16::from(s)))
            .unwrap_or_default(),
        key_exchange_group: connection
            .negotiated_key_exchange_group()
            .map(|group| group_name(group.name())),
        alpn: connection
            .alpn_protocol()
            .map(|p| String::from_utf8_lossy(p).into_owned()),
        tcp_connect_ms,
        handshake_ms,
        ocsp_stapled_bytes: (ocsp_len > 0).then_some(ocsp_len),
        handshake_signature_error: verifier.signature_error.as_ref().map(|e| e.to_string()),
    }
}

/// `TLSv1.3` style names, as OpenSSL and the peers print them (the codec's names).
pub fn protocol_name(version: rustls::ProtocolVersion) -> String {
    crate::tls::version_name(u16::from(version))
}

/// IANA name of a cipher suite, from the codec's suite registry.
pub fn suite_name(suite: rustls::CipherSuite) -> String {
    crate::tls::suites::iana_name(u16::from(suite))
}

/// IANA name of a named group (`x25519`, `secp256r1`, `X25519MLKEM768`, ...), from the codec's
/// group registry.
pub fn group_name(group: rustls::NamedGroup) -> String {
    crate::tls::groups::display_name(u16::from(group))
}

/// The RFC's name of an alert (`handshake_failure`, `unknown_ca`), from the codec's table.
pub fn alert_name(alert: rustls::AlertDescription) -> String {
    let code = u8::from(alert);
    crate::tls::alert::description_name(code)
        .map(str::to_string)
        .unwrap_or_else(|| format!("alert {code}"))
}

/// Find the rustls error inside an I/O or hyper error chain and describe it.
fn tls_failure(error: &(dyn std::error::Error + 'static)) -> TlsFailure {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = source {
        if let Some(tls) = current.downcast_ref::<Error>() {
            return describe_tls_error(tls);
        }
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            if let Some(inner) = io.get_ref() {
                if let Some(tls) = inner.downcast_ref::<Error>() {
                    return describe_tls_error(tls);
                }
            }
            if io.kind() == std::io::ErrorKind::UnexpectedEof {
                return TlsFailure {
                    message: "the server closed the connection".into(),
                    alert: None,
                };
            }
            if io.kind() == std::io::ErrorKind::ConnectionReset {
                return TlsFailure {
                    message: "the server reset the connection".into(),
                    alert: None,
                };
            }
        }
        source = current.source();
    }
    TlsFailure {
        message: error.to_string(),
        alert: None,
    }
}

fn describe_tls_error(error: &Error) -> TlsFailure {
    match error {
        Error::AlertReceived(alert) => {
            let name = alert_name(*alert);
            let meaning = match alert {
                rustls::AlertDescription::ProtocolVersion => {
                    ": it does not accept TLS 1.2 or 1.3 (it may speak only TLS 1.0/1.1 or SSL)"
                }
                rustls::AlertDescription::HandshakeFailure
                | rustls::AlertDescription::InsufficientSecurity => {
                    ": no cipher suite or key-exchange group in common with a modern client (it may allow only legacy suites)"
                }
                _ => "",
            };
            TlsFailure {
                message: format!("the server refused the handshake with alert {name}{meaning}"),
                alert: Some(name),
            }
        }
        Error::PeerIncompatible(reason) => TlsFailure {
            message: format!("no protocol version or cipher suite in common with rustls (TLS 1.2/1.3, modern suites): {reason:?}"),
            alert: None,
        },
        Error::InvalidMessage(reason) => TlsFailure {
            message: format!("the server's reply is not valid TLS 1.2/1.3: {reason:?}"),
            alert: None,
        },
        other => TlsFailure {
            message: other.to_string(),
            alert: None,
        },
    }
}

async fn https_get(
    stream: tokio_rustls::client::TlsStream<TcpStream>,
    authority: &str,
    path: &str,
) -> Result<HttpsResponseFacts, TlsFailure> {
    let response = get(stream, authority, path)
        .await
        .map_err(|error| match error {
            GetError::Handshake(e) | GetError::Response(e) => tls_failure(&e),
            GetError::Request(e) => TlsFailure {
                message: format!("cannot build the request for '{path}': {e}"),
                alert: None,
            },
        })?;
    Ok(HttpsResponseFacts {
        url: format!("https://{authority}{path}"),
        status_code: response.status().as_u16(),
        location: header_text(&response, LOCATION),
        server: header_text(&response, SERVER),
        hsts: header_text(&response, STRICT_TRANSPORT_SECURITY).map(|raw| parse_hsts(&raw)),
    })
}

/// Delegates to rustls' WebPki verifier, keeps its verdict, and lets the handshake go on.
#[derive(Debug)]
struct RecordingVerifier {
    inner: Arc<WebPkiServerVerifier>,
    record: Arc<Mutex<VerifierRecord>>,
}

/// Why `end_entity` + `intermediates` do not lead to a trusted root, judged apart from validity
/// dates and the host name (both reported by the analysis); none when the chain is trusted.
pub fn chain_trust_error(
    verifier: &WebPkiServerVerifier,
    end_entity: &CertificateDer<'_>,
    intermediates: &[CertificateDer<'_>],
    server_name: &ServerName<'_>,
    now: UnixTime,
) -> Option<Error> {
    let first = verifier
        .verify_server_cert(end_entity, intermediates, server_name, &[], now)
        .err()?;
    match &first {
        Error::InvalidCertificate(
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
        ) => None,
        Error::InvalidCertificate(
            CertificateError::Expired
            | CertificateError::ExpiredContext { .. }
            | CertificateError::NotValidYet
            | CertificateError::NotValidYetContext { .. },
        ) => {
            // Judge the chain at a moment when every presented certificate is within its
            // dates; dates are reported by the analysis. No such moment: keep the error.
            let Some(inside) = common_validity_midpoint(end_entity, intermediates) else {
                return Some(first);
            };
            match verifier.verify_server_cert(end_entity, intermediates, server_name, &[], inside) {
                Ok(_) => None,
                Err(Error::InvalidCertificate(
                    CertificateError::NotValidForName
                    | CertificateError::NotValidForNameContext { .. },
                )) => None,
                Err(Error::InvalidCertificate(
                    CertificateError::Expired
                    | CertificateError::ExpiredContext { .. }
                    | CertificateError::NotValidYet
                    | CertificateError::NotValidYetContext { .. },
                )) => Some(first),
                Err(other) => Some(other),
            }
        }
        _ => Some(first),
    }
}

/// The middle of the period in which every given certificate is within its validity dates.
fn common_validity_midpoint(
    end_entity: &CertificateDer<'_>,
    intermediates: &[CertificateDer<'_>],
) -> Option<UnixTime> {
    let mut start = i64::MIN;
    let mut end = i64::MAX;
    for der in std::iter::once(end_entity).chain(intermediates) {
        let (_, cert) = x509_parser::parse_x509_certificate(der.as_ref()).ok()?;
        let validity = cert.validity();
        start = start.max(validity.not_before.timestamp());
        end = end.min(validity.not_after.timestamp());
    }
    if start > end {
        return None;
    }
    let middle = start.checked_add(end.checked_sub(start)? / 2)?;
    Some(UnixTime::since_unix_epoch(Duration::from_secs(
        u64::try_from(middle).ok()?,
    )))
}

impl RecordingVerifier {
    /// Record a handshake-signature failure and let the handshake go on.
    fn keep_going(
        &self,
        result: Result<HandshakeSignatureValid, Error>,
    ) -> Result<HandshakeSignatureValid, Error> {
        result.or_else(|error| {
            lock(&self.record).signature_error = Some(error);
            Ok(HandshakeSignatureValid::assertion())
        })
    }
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        let trust_error =
            chain_trust_error(&self.inner, end_entity, intermediates, server_name, now);
        let mut record = lock(&self.record);
        record.chain = std::iter::once(end_entity)
            .chain(intermediates)
            .map(|cert| cert.clone().into_owned())
            .collect();
        record.ocsp_response = ocsp_response.to_vec();
        record.trust_error = trust_error;
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.keep_going(self.inner.verify_tls12_signature(message, cert, dss))
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.keep_going(self.inner.verify_tls13_signature(message, cert, dss))
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// Records the server's CertificateRequest and presents our identity, if we have one.
#[derive(Debug)]
struct RecordingResolver {
    identity: Option<Arc<CertifiedKey>>,
    request: Arc<Mutex<Option<Vec<Vec<u8>>>>>,
}

impl ResolvesClientCert for RecordingResolver {
    fn resolve(
        &self,
        root_hint_subjects: &[&[u8]],
        _sigschemes: &[SignatureScheme],
    ) -> Option<Arc<CertifiedKey>> {
        *lock(&self.request) = Some(root_hint_subjects.iter().map(|s| s.to_vec()).collect());
        self.identity.clone()
    }

    fn has_certs(&self) -> bool {
        self.identity.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_iana_and_rfc_spelling() {
        assert_eq!(
            suite_name(rustls::CipherSuite::TLS13_AES_256_GCM_SHA384),
            "TLS_AES_256_GCM_SHA384"
        );
        assert_eq!(
            suite_name(rustls::CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256),
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
        );
        assert_eq!(group_name(rustls::NamedGroup::X25519), "x25519");
        assert_eq!(group_name(rustls::NamedGroup::secp256r1), "secp256r1");
        assert_eq!(
            group_name(rustls::NamedGroup::X25519MLKEM768),
            "X25519MLKEM768"
        );
        assert_eq!(
            alert_name(rustls::AlertDescription::HandshakeFailure),
            "handshake_failure"
        );
        assert_eq!(
            alert_name(rustls::AlertDescription::CertificateRequired),
            "certificate_required"
        );
        assert_eq!(
            alert_name(rustls::AlertDescription::UnknownCA),
            "unknown_ca"
        );
        assert_eq!(
            alert_name(rustls::AlertDescription::UnknownPSKIdentity),
            "unknown_psk_identity"
        );
        assert_eq!(protocol_name(rustls::ProtocolVersion::TLSv1_3), "TLSv1.3");
    }
}
