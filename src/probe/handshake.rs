//! TLS handshake probe: one rustls connection that records what was negotiated, the chain exactly
//! as presented, the trust verdict (without aborting on it), whether the server asked for a client
//! certificate, and the HTTPS response to a GET on the same connection.

use std::net::SocketAddr;
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
use tokio_rustls::TlsConnector;

use crate::facts::hsts::parse_hsts;
use crate::facts::{
    CertificateFailure, ConnectionFacts, ErrorKind, HttpsResponseFacts, ProbeError, Step,
};
use crate::probe::connector::Session;
use crate::probe::http::{get, header_text};
use crate::probe::legacy::https as legacy;
use crate::probe::watch::{self, Watched};

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
    #[error(
        "--client-key '{path}' holds no private key: expected a PEM block \
         'BEGIN PRIVATE KEY', 'BEGIN RSA PRIVATE KEY' or 'BEGIN EC PRIVATE KEY'"
    )]
    NoKey { path: String },
    #[error(
        "--client-key '{path}': encrypted private keys are not supported: decrypt it with \
         `openssl pkey -in KEY -out PLAIN`"
    )]
    EncryptedKey { path: String },
    #[error("--client-key '{path}' does not fit --client-cert or is unsupported: {reason}")]
    Unusable { path: String, reason: String },
}

/// Whether PEM text holds an encrypted private key: PKCS #8's `ENCRYPTED PRIVATE KEY` block, or
/// OpenSSL's traditional format with `Proc-Type: 4,ENCRYPTED`.
fn is_encrypted_key(pem: &[u8]) -> bool {
    let contains = |needle: &[u8]| pem.windows(needle.len()).any(|window| window == needle);
    contains(b"-----BEGIN ENCRYPTED PRIVATE KEY-----") || contains(b"Proc-Type: 4,ENCRYPTED")
}

/// Load a client certificate chain and its private key (PEM) for mutual TLS. Both files are
/// read as regular files of at most [`crate::files::MAX_PEM_BYTES`].
pub fn load_client_identity(
    cert_path: &Path,
    key_path: &Path,
    provider: &CryptoProvider,
) -> Result<Arc<CertifiedKey>, IdentityError> {
    use crate::files::{read_capped, MAX_PEM_BYTES};
    let cert_name = crate::text::escaped(&cert_path.display().to_string());
    let key_name = crate::text::escaped(&key_path.display().to_string());
    let cert_bytes =
        read_capped(cert_path, MAX_PEM_BYTES).map_err(|e| IdentityError::Certificate {
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
    let key_bytes = read_capped(key_path, MAX_PEM_BYTES).map_err(|e| IdentityError::Key {
        path: key_name.clone(),
        reason: e.to_string(),
    })?;
    if is_encrypted_key(&key_bytes) {
        return Err(IdentityError::EncryptedKey { path: key_name });
    }
    let key = PrivateKeyDer::from_pem_slice(&key_bytes).map_err(|e| match e {
        rustls_pki_types::pem::Error::NoItemsFound => IdentityError::NoKey {
            path: key_name.clone(),
        },
        other => IdentityError::Key {
            path: key_name.clone(),
            reason: other.to_string(),
        },
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
}

/// One handshake to make.
#[derive(Clone, Debug)]
pub struct HandshakeRequest {
    pub address: SocketAddr,
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
    pub trust_error: Option<CertificateFailure>,
    /// The server's handshake signature did not verify with rustls (e.g. RSA under 2048 bits).
    pub signature_error: Option<CertificateFailure>,
}

/// The result of one handshake probe that reached the server over TCP.
#[derive(Clone, Debug)]
pub struct HandshakeRecord {
    pub connected_to: SocketAddr,
    pub tcp_connect: Duration,
    pub connection: Result<ConnectionFacts, ProbeError>,
    pub verifier: VerifierRecord,
    /// Distinguished names (DER) the server listed in its CertificateRequest, when it sent one.
    pub client_auth_request: Option<Vec<Vec<u8>>>,
    /// The HTTPS exchange after the handshake; none when the handshake failed.
    pub https: Option<Result<HttpsResponseFacts, ProbeError>>,
}

/// Make one TLS connection through the gate and, when it succeeds, one HTTPS GET on it. An error
/// means the TCP connection could not be made (or the budget ran out before it).
pub async fn probe(
    request: &HandshakeRequest,
    settings: &HandshakeSettings,
    session: &Session,
) -> Result<HandshakeRecord, ProbeError> {
    let (tcp, connected) = session.connect(request.address).await?;
    let tcp_connect = connected.elapsed();
    let (tcp, seen) = Watched::new(tcp);

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
        .map_err(|e| ProbeError::new(ErrorKind::Internal, Step::Handshake, e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_client_cert_resolver(Arc::new(resolver));
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    config.resumption = rustls::client::Resumption::disabled();
    let connector = TlsConnector::from(Arc::new(config));

    let handshake_started = Instant::now();
    let handshake = session
        .step()
        .run(Step::Handshake, async {
            connector
                .connect(request.server_name.clone(), tcp)
                .await
                .map_err(|error| tls_error(&error, Step::Handshake))
        })
        .await;
    let handshake = handshake.map_err(|error| watch::lock(&seen).classify(error));
    watch::lock(&seen).done = true;
    let mut client_auth_from_legacy = None;
    let (connection, https) = match handshake {
        Err(error) if legacy::worth_trying(&error) => {
            // rustls cannot talk to this server: the legacy client may (one more connection).
            let server_name = match &request.server_name {
                ServerName::DnsName(name) => Some(name.as_ref().to_string()),
                _ => None,
            };
            match legacy::probe(
                request.address,
                server_name.as_deref(),
                &request.authority,
                &request.path,
                session,
                error.clone(),
            )
            .await
            {
                Ok(found) => {
                    let mut record = lock(&verifier_record);
                    if record.chain.is_empty() {
                        if let Some((leaf, rest)) = found.chain.split_first() {
                            let leaf = CertificateDer::from(leaf.clone());
                            let rest: Vec<CertificateDer<'static>> =
                                rest.iter().cloned().map(CertificateDer::from).collect();
                            record.trust_error = chain_trust_error(
                                &settings.verifier,
                                &leaf,
                                &rest,
                                &request.server_name,
                                UnixTime::now(),
                            );
                            record.chain = std::iter::once(leaf).chain(rest).collect();
                        }
                    }
                    client_auth_from_legacy = found.client_auth_request;
                    (Ok(found.connection), Some(found.https))
                }
                Err(_) => (Err(error), None),
            }
        }
        Err(error) => (Err(error), None),
        Ok(stream) => {
            let facts = connection_facts(
                stream.get_ref().1,
                tcp_connect,
                handshake_started.elapsed(),
                &lock(&verifier_record),
            );
            let https = session
                .step()
                .run(
                    Step::Response,
                    https_get(stream, &request.authority, &request.path),
                )
                .await;
            (Ok(facts), Some(https))
        }
    };
    let verifier = lock(&verifier_record).clone();
    let client_auth_request = lock(&client_auth_request)
        .clone()
        .or(client_auth_from_legacy);
    Ok(HandshakeRecord {
        connected_to: request.address,
        tcp_connect,
        connection,
        verifier,
        client_auth_request,
        https,
    })
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn connection_facts(
    connection: &rustls::ClientConnection,
    tcp_connect: Duration,
    handshake: Duration,
    verifier: &VerifierRecord,
) -> ConnectionFacts {
    let ocsp_len = verifier.ocsp_response.len();
    ConnectionFacts {
        client: crate::facts::HandshakeClient::Rustls,
        strict_client_failure: None,
        protocol: connection.protocol_version().map(u16::from).unwrap_or(0),
        cipher_suite: connection
            .negotiated_cipher_suite()
            .map(|s| u16::from(s.suite()))
            .unwrap_or(0),
        key_exchange_group: connection
            .negotiated_key_exchange_group()
            .map(|group| u16::from(group.name())),
        alpn: connection
            .alpn_protocol()
            .map(|p| String::from_utf8_lossy(p).into_owned()),
        tcp_connect,
        handshake,
        ocsp_stapled_bytes: (ocsp_len > 0).then_some(ocsp_len),
        signature_failure: verifier.signature_error.clone(),
    }
}

/// A TLS failure as a probe error at `step`: the rustls error inside an I/O or hyper error
/// chain, classified, or the I/O error itself.
pub fn tls_error(error: &(dyn std::error::Error + 'static), step: Step) -> ProbeError {
    find_tls_error(error, step)
        .unwrap_or_else(|| ProbeError::new(ErrorKind::Protocol, step, error.to_string()))
}

fn find_tls_error(error: &(dyn std::error::Error + 'static), step: Step) -> Option<ProbeError> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = source {
        if let Some(tls) = current.downcast_ref::<Error>() {
            return Some(rustls_error(tls, step));
        }
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            if let Some(tls) = io.get_ref().and_then(|inner| inner.downcast_ref::<Error>()) {
                return Some(rustls_error(tls, step));
            }
            return Some(crate::probe::connector::io_error(io, step));
        }
        source = current.source();
    }
    None
}

/// A rustls error as a probe error: an alert from the server, or the protocol broken.
fn rustls_error(error: &Error, step: Step) -> ProbeError {
    match error {
        Error::AlertReceived(alert) => {
            ProbeError::new(ErrorKind::Alert(u8::from(*alert)), step, "")
        }
        Error::PeerIncompatible(reason) => ProbeError::new(
            ErrorKind::Protocol,
            step,
            format!(
                "the server's choice is one rustls does not support: {}",
                variant_words(&format!("{reason:?}"))
            ),
        ),
        Error::InvalidMessage(reason) => invalid_message(reason, step),
        Error::PeerMisbehaved(reason) => ProbeError::new(
            ErrorKind::Malformed,
            step,
            format!(
                "the server broke the protocol: {}",
                variant_words(&format!("{reason:?}"))
            ),
        ),
        Error::InappropriateMessage { got_type, .. } => ProbeError::new(
            ErrorKind::Malformed,
            step,
            format!("an unexpected {} record", content_type_words(*got_type)),
        ),
        Error::InappropriateHandshakeMessage { got_type, .. } => ProbeError::new(
            ErrorKind::Malformed,
            step,
            format!(
                "an unexpected handshake message ({})",
                handshake_type_words(*got_type)
            ),
        ),
        Error::InvalidCertificate(failure) => ProbeError::new(
            ErrorKind::Protocol,
            step,
            format!(
                "certificate refused: {}",
                variant_words(&format!("{failure:?}"))
            ),
        ),
        other => ProbeError::new(ErrorKind::Protocol, step, other.to_string()),
    }
}

/// A message rustls could not decode, in words: which message or field, as far as rustls says.
fn invalid_message(reason: &rustls::InvalidMessage, step: Step) -> ProbeError {
    use rustls::InvalidMessage as M;
    let what = |name: &str| field_words(name);
    let (kind, words) = match reason {
        M::CertificatePayloadTooLarge => (
            ErrorKind::TooLarge,
            "a Certificate message over the 64 KiB rustls reads".to_string(),
        ),
        M::HandshakePayloadTooLarge => (
            ErrorKind::TooLarge,
            "a handshake message over the 64 KiB rustls reads".to_string(),
        ),
        M::MessageTooLarge => (
            ErrorKind::Malformed,
            "a record longer than TLS allows".to_string(),
        ),
        M::MessageTooShort => (
            ErrorKind::Malformed,
            "a message shorter than its fields".to_string(),
        ),
        M::InvalidContentType => (
            ErrorKind::Malformed,
            "a record of an unknown content type".to_string(),
        ),
        M::InvalidEmptyPayload => (
            ErrorKind::Malformed,
            "an empty handshake record (TLS forbids them)".to_string(),
        ),
        M::MissingData(name) => (ErrorKind::Malformed, format!("{} is cut short", what(name))),
        M::TrailingData(name) => (
            ErrorKind::Malformed,
            format!("bytes left over after {}", what(name)),
        ),
        M::UnexpectedMessage(name) => (
            ErrorKind::Malformed,
            format!("an unexpected {}", what(name)),
        ),
        M::IllegalEmptyList(name) => (
            ErrorKind::Malformed,
            format!("an empty list of {}", what(name)),
        ),
        M::DuplicateExtension(code) => (
            ErrorKind::Malformed,
            format!("extension {code} twice in one message"),
        ),
        M::UnknownProtocolVersion => (
            ErrorKind::Malformed,
            "an unknown protocol version".to_string(),
        ),
        M::UnsupportedCompression => (
            ErrorKind::Protocol,
            "a compression method other than null".to_string(),
        ),
        M::InvalidDhParams => (
            ErrorKind::Malformed,
            "DH parameters in the ServerKeyExchange that do not decode".to_string(),
        ),
        M::InvalidCcs => (
            ErrorKind::Malformed,
            "a ChangeCipherSpec whose body is not 1".to_string(),
        ),
        other => (ErrorKind::Malformed, variant_words(&format!("{other:?}"))),
    };
    ProbeError::new(kind, step, format!("invalid TLS message: {words}"))
}

fn content_type_words(content_type: rustls::ContentType) -> String {
    match u8::from(content_type) {
        20 => "change_cipher_spec".into(),
        21 => "alert".into(),
        22 => "handshake".into(),
        23 => "application_data".into(),
        24 => "heartbeat".into(),
        other => format!("content type {other}"),
    }
}

fn handshake_type_words(handshake_type: rustls::HandshakeType) -> String {
    match u8::from(handshake_type) {
        0 => "HelloRequest".into(),
        1 => "ClientHello".into(),
        2 => "ServerHello".into(),
        4 => "NewSessionTicket".into(),
        // rustls's own code for a HelloRetryRequest (a ServerHello on the wire).
        6 => "a second HelloRetryRequest".into(),
        8 => "EncryptedExtensions".into(),
        11 => "Certificate".into(),
        12 => "ServerKeyExchange".into(),
        13 => "CertificateRequest".into(),
        14 => "ServerHelloDone".into(),
        15 => "CertificateVerify".into(),
        20 => "Finished".into(),
        22 => "CertificateStatus".into(),
        other => format!("type {other}"),
    }
}

/// A rustls codec type name (`SessionID`, `ServerHelloPayload`, `ServerExtension`) as the
/// message or field it is: `the session id`, `the ServerHello`, `an extension`.
fn field_words(name: &str) -> String {
    match name {
        "SessionID" | "SessionId" => "the session id".into(),
        "ServerHelloPayload" | "ServerHello" => "the ServerHello".into(),
        "HelloRetryRequest" => "the HelloRetryRequest".into(),
        "CertificatePayload" | "CertificateChain" => "the Certificate message".into(),
        "ServerKeyExchangePayload" | "ServerKeyExchange" => "the ServerKeyExchange".into(),
        "CertificateRequestPayload" => "the CertificateRequest".into(),
        "ServerExtension" | "ServerExtensions" => "an extension of the ServerHello".into(),
        "HandshakeMessagePayload" | "HandshakePayload" => "a handshake message".into(),
        "Random" => "the random".into(),
        "ProtocolVersion" => "the protocol version".into(),
        "CipherSuite" => "the cipher suite".into(),
        "Compression" => "the compression method".into(),
        "AlertMessagePayload" => "an alert".into(),
        other => format!("the {}", variant_words(other)),
    }
}

/// A rustls or webpki error variant's name as lower-case words, without its fields:
/// `UnsupportedCertVersion` to `unsupported cert version`.
pub fn variant_words(debug: &str) -> String {
    let name: String = debug
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let mut words = String::new();
    for (index, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && index > 0 {
            words.push(' ');
        }
        if c == '_' {
            words.push(' ');
        } else {
            words.push(c.to_ascii_lowercase());
        }
    }
    words
}

/// What webpki's verdict on a certificate means, typed.
pub fn certificate_failure(error: &Error) -> CertificateFailure {
    use CertificateError as E;
    let seconds = |time: &UnixTime| i64::try_from(time.as_secs()).ok();
    match error {
        Error::InvalidCertificate(failure) => match failure {
            E::UnknownIssuer => CertificateFailure::UnknownIssuer,
            E::BadSignature => CertificateFailure::BadSignature,
            #[allow(deprecated)]
            E::UnsupportedSignatureAlgorithm
            | E::UnsupportedSignatureAlgorithmContext { .. }
            | E::UnsupportedSignatureAlgorithmForPublicKeyContext { .. } => {
                CertificateFailure::UnsupportedSignatureAlgorithm
            }
            E::InvalidPurpose | E::InvalidPurposeContext { .. } => CertificateFailure::WrongPurpose,
            E::Expired => CertificateFailure::Expired { not_after: None },
            E::ExpiredContext { not_after, .. } => CertificateFailure::Expired {
                not_after: seconds(not_after),
            },
            E::NotValidYet => CertificateFailure::NotValidYet { not_before: None },
            E::NotValidYetContext { not_before, .. } => CertificateFailure::NotValidYet {
                not_before: seconds(not_before),
            },
            E::BadEncoding => CertificateFailure::BadEncoding,
            E::Revoked => CertificateFailure::Revoked,
            E::Other(other) => match other.0.downcast_ref::<webpki::Error>() {
                Some(webpki::Error::CaUsedAsEndEntity) => CertificateFailure::CaUsedAsEndEntity,
                Some(webpki::Error::EndEntityUsedAsCa) => CertificateFailure::EndEntityUsedAsCa,
                Some(webpki::Error::UnsupportedCertVersion) => {
                    CertificateFailure::UnsupportedCertVersion
                }
                Some(
                    webpki::Error::NameConstraintViolation
                    | webpki::Error::PathLenConstraintViolated
                    | webpki::Error::MaximumPathDepthExceeded
                    | webpki::Error::MaximumPathBuildCallsExceeded,
                ) => CertificateFailure::ConstraintViolated,
                Some(other) => CertificateFailure::Other {
                    name: variant_words(&format!("{other:?}")),
                },
                None => CertificateFailure::Other {
                    name: other.0.to_string(),
                },
            },
            other => CertificateFailure::Other {
                name: variant_words(&format!("{other:?}")),
            },
        },
        other => CertificateFailure::Other {
            name: other.to_string(),
        },
    }
}

async fn https_get(
    stream: tokio_rustls::client::TlsStream<Watched>,
    authority: &str,
    path: &str,
) -> Result<HttpsResponseFacts, ProbeError> {
    let response = get(stream, authority, path)
        .await
        .map_err(|error| error.into_probe_error(|inner| find_tls_error(inner, Step::Response)))?;
    Ok(HttpsResponseFacts {
        url: format!("https://{authority}{path}"),
        status_code: response.status().as_u16(),
        location: header_text(&response, LOCATION)?,
        server: header_text(&response, SERVER)?,
        hsts: header_text(&response, STRICT_TRANSPORT_SECURITY)?.map(|raw| parse_hsts(&raw)),
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
) -> Option<CertificateFailure> {
    raw_trust_error(verifier, end_entity, intermediates, server_name, now)
        .map(|error| certificate_failure(&error))
}

fn raw_trust_error(
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
            lock(&self.record).signature_error = Some(certificate_failure(&error));
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
    fn variant_names_read_as_words() {
        assert_eq!(
            variant_words("UnsupportedCertVersion"),
            "unsupported cert version"
        );
        assert_eq!(
            variant_words("InvalidContentType { x: 1 }"),
            "invalid content type"
        );
        assert_eq!(
            variant_words("TrailingData(\"SessionID\")"),
            "trailing data"
        );
    }

    #[test]
    fn webpki_errors_behind_other_are_typed() {
        let other = Error::InvalidCertificate(CertificateError::Other(rustls::OtherError(
            Arc::new(webpki::Error::UnsupportedCertVersion),
        )));
        assert_eq!(
            certificate_failure(&other),
            CertificateFailure::UnsupportedCertVersion
        );
        let ca = Error::InvalidCertificate(CertificateError::Other(rustls::OtherError(Arc::new(
            webpki::Error::CaUsedAsEndEntity,
        ))));
        assert_eq!(
            certificate_failure(&ca),
            CertificateFailure::CaUsedAsEndEntity
        );
        let expired = Error::InvalidCertificate(CertificateError::ExpiredContext {
            time: UnixTime::since_unix_epoch(Duration::from_secs(1_800_000_000)),
            not_after: UnixTime::since_unix_epoch(Duration::from_secs(1_609_459_200)),
        });
        assert_eq!(
            certificate_failure(&expired),
            CertificateFailure::Expired {
                not_after: Some(1_609_459_200)
            }
        );
    }

    #[test]
    fn an_alert_is_an_alert_kind() {
        let error = rustls_error(
            &Error::AlertReceived(rustls::AlertDescription::HandshakeFailure),
            Step::Handshake,
        );
        assert_eq!(error.kind, ErrorKind::Alert(40));
    }
}
