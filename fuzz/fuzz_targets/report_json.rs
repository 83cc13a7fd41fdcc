//! A JSON report read back by `tlscheck diff` and `--baseline` (any JSON, any schema version).
//! Must never panic; two snapshots that read compare.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlscheck::drift::{self, Scope, Snapshot};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    if let Ok(snapshot) = Snapshot::from_value(value, "fuzz.json", "old") {
        let _ = drift::compare(&snapshot, &snapshot, Scope::NewTargets);
    }
});
