//! A certificate as a server presents it (DER of any bytes), read as tlscheck reads it: the
//! facts (names, SANs, key, signature, extensions), the RFC 4514 name, and the subject and
//! issuer as Go prints them (Prometheus labels). Must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlscheck::x509::hostname::hostname_matches;
use tlscheck::x509::parse::{distinguished_name, go_subject_and_issuer, parse_certificate};

fuzz_target!(|der: &[u8]| {
    if let Ok(facts) = parse_certificate(der, 1_795_000_000) {
        let _ = hostname_matches("www.example.test", &facts.dns_names, &facts.ip_addresses);
        let _ = facts.subject.len();
    }
    let _ = distinguished_name(der);
    let _ = go_subject_and_issuer(der);
});
