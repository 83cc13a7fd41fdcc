//! A policy file (TOML: extends, rules, severities, waivers), as `--policy FILE` reads it. Must
//! never panic: a bad file is an error with a line and column.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlscheck::policy::file::PolicyFile;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = PolicyFile::parse("fuzz.toml", &text);
});
