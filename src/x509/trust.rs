//! Trust stores: the roots a certificate chain is judged against (webpki-roots, the system's, and
//! any `--ca-file`), and the rustls verifier built from them.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::RootCertStore;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use thiserror::Error;

/// Which built-in roots to start from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RootSource {
    /// Mozilla's roots as shipped in the `webpki-roots` crate (the default: same answer everywhere).
    Webpki,
    /// The operating system's store, through `rustls-native-certs`.
    System,
}

#[derive(Debug, Error)]
pub enum TrustError {
    #[error("cannot read --ca-file '{path}': {reason}")]
    CaFile { path: PathBuf, reason: String },
    #[error("--ca-file '{path}' holds no PEM certificate")]
    CaFileEmpty { path: PathBuf },
    #[error("cannot load the system trust store (--trust system): {reason}")]
    System { reason: String },
    #[error("cannot build the certificate verifier: {reason}")]
    Verifier { reason: String },
}

/// The roots in use, with a label for reports.
#[derive(Clone, Debug)]
pub struct TrustStore {
    pub roots: Arc<RootCertStore>,
    /// e.g. `webpki-roots + ca.pem`.
    pub label: String,
    /// How many of `roots` come from the public store (webpki-roots or the system's); the rest
    /// were configured (`--ca-file`, the demo's root).
    public_roots: usize,
}

impl TrustStore {
    pub fn load(source: RootSource, ca_files: &[PathBuf]) -> Result<TrustStore, TrustError> {
        let mut roots = RootCertStore::empty();
        let mut label = match source {
            RootSource::Webpki => {
                roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
                "webpki-roots".to_string()
            }
            RootSource::System => {
                let loaded = rustls_native_certs::load_native_certs();
                if loaded.certs.is_empty() {
                    let reason = loaded
                        .errors
                        .first()
                        .map(|e| e.to_string())
                        .unwrap_or_else(|| "no certificates found".into());
                    return Err(TrustError::System { reason });
                }
                roots.add_parsable_certificates(loaded.certs);
                "system".to_string()
            }
        };
        let public_roots = roots.roots.len();
        for path in ca_files {
            let added = add_pem_file(&mut roots, path)?;
            if added == 0 {
                return Err(TrustError::CaFileEmpty { path: path.clone() });
            }
            label.push_str(" + ");
            label.push_str(&path.display().to_string());
        }
        Ok(TrustStore {
            roots: Arc::new(roots),
            label,
            public_roots,
        })
    }

    /// webpki-roots plus the given roots (used by the demo, whose CA exists only in memory).
    pub fn with_extra_roots(
        extra: &[CertificateDer<'static>],
        label: &str,
    ) -> Result<TrustStore, TrustError> {
        let mut roots = RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        let public_roots = roots.roots.len();
        for cert in extra {
            roots.add(cert.clone()).map_err(|e| TrustError::Verifier {
                reason: format!("extra root: {e}"),
            })?;
        }
        Ok(TrustStore {
            roots: Arc::new(roots),
            label: label.to_string(),
            public_roots,
        })
    }

    /// The `subject` of each trust anchor (webpki's encoding: the Name without its outer tag).
    pub fn anchor_subjects(&self) -> Vec<&[u8]> {
        self.roots
            .roots
            .iter()
            .map(|anchor| anchor.subject.as_ref())
            .collect()
    }

    /// The `subject` of each configured trust anchor (`--ca-file`), as [`TrustStore::anchor_subjects`].
    pub fn configured_subjects(&self) -> Vec<&[u8]> {
        self.roots
            .roots
            .iter()
            .skip(self.public_roots)
            .map(|anchor| anchor.subject.as_ref())
            .collect()
    }

    pub fn verifier(
        &self,
        provider: Arc<CryptoProvider>,
    ) -> Result<Arc<WebPkiServerVerifier>, TrustError> {
        WebPkiServerVerifier::builder_with_provider(self.roots.clone(), provider)
            .build()
            .map_err(|e| TrustError::Verifier {
                reason: e.to_string(),
            })
    }
}

fn add_pem_file(roots: &mut RootCertStore, path: &Path) -> Result<usize, TrustError> {
    let error = |reason: String| TrustError::CaFile {
        path: path.to_path_buf(),
        reason,
    };
    let bytes = crate::files::read_capped(path, crate::files::MAX_PEM_BYTES)
        .map_err(|e| error(e.to_string()))?;
    let mut added = 0;
    for cert in CertificateDer::pem_slice_iter(&bytes) {
        let cert = cert.map_err(|e| error(e.to_string()))?;
        roots
            .add(cert)
            .map_err(|e| error(format!("not a usable CA certificate: {e}")))?;
        added += 1;
    }
    Ok(added)
}
