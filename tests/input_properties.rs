//! Property tests of what tlscheck reads from users and servers outside the TLS codec (whose
//! own are in `wire_properties.rs`): any target text, any certificate bytes and any name never
//! make it panic, and what it shows of them never holds a control character.

use proptest::prelude::*;
use tlscheck::target::{ConnectTo, Target, TargetPattern};
use tlscheck::text::{escaped, escaped_bytes, is_unsafe};
use tlscheck::x509::parse::parse_certificate;

/// A real certificate to corrupt.
fn fixture() -> Vec<u8> {
    let pem = std::fs::read(format!(
        "{}/testdata/certs/good.pem",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture");
    pem::parse(pem).expect("PEM").into_contents()
}

proptest! {
    #[test]
    fn any_target_text_parses_or_is_refused_without_panic(text in "\\PC{0,80}|.{0,80}") {
        if let Err(error) = Target::parse(&text) {
            let message = error.to_string();
            prop_assert!(!message.chars().any(is_unsafe), "{message:?}");
        }
        let _ = ConnectTo::parse(&text);
        let _ = ConnectTo::parse_resolve(&text);
        let _ = TargetPattern::parse(&text);
    }

    #[test]
    fn escaped_text_never_holds_a_control_character(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let shown = escaped_bytes(&bytes);
        prop_assert!(!shown.chars().any(is_unsafe), "{shown:?}");
        let text = String::from_utf8_lossy(&bytes);
        prop_assert!(!escaped(&text).chars().any(is_unsafe));
    }

    #[test]
    fn corrupted_certificates_never_panic_and_show_only_safe_names(
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
    ) {
        let mut der = fixture();
        let length = der.len();
        for (at, byte) in flips {
            der[at % length] = byte;
        }
        if let Ok(cert) = parse_certificate(&der, 0) {
            for name in [&cert.subject, &cert.issuer]
                .into_iter()
                .chain(cert.common_name.iter())
                .chain(cert.dns_names.iter())
            {
                prop_assert!(!name.chars().any(is_unsafe), "{name:?}");
            }
        }
    }
}
