//! The PEM files a user names, read as tlscheck reads them: `--client-cert` with `--client-key`
//! (certificates, then a key of any kind, encrypted or not) and `--ca-file`. The input is split
//! in two at a point its first two bytes choose, and each part is written to a file, since the
//! loaders take paths (the size cap and the file checks are part of what runs). Must never
//! panic: a bad file is an error naming it.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tlscheck::probe::handshake::{load_client_identity, provider};
use tlscheck::x509::trust::{RootSource, TrustStore};

/// A folder of this process's own for the two files.
fn folder() -> &'static PathBuf {
    static FOLDER: OnceLock<PathBuf> = OnceLock::new();
    FOLDER.get_or_init(|| {
        let folder = std::env::temp_dir().join(format!("tlscheck-fuzz-pem-{}", std::process::id()));
        std::fs::create_dir_all(&folder).expect("a temporary folder");
        folder
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((split, rest)) = data.split_first_chunk::<2>() else {
        return;
    };
    let at = usize::from(u16::from_be_bytes(*split)).min(rest.len());
    let (cert, key) = rest.split_at(at);
    let cert_path = folder().join("cert.pem");
    let key_path = folder().join("key.pem");
    std::fs::write(&cert_path, cert).expect("write the certificate file");
    std::fs::write(&key_path, key).expect("write the key file");
    let _ = load_client_identity(&cert_path, &key_path, &provider());
    let _ = TrustStore::load(RootSource::Webpki, &[cert_path]);
});
