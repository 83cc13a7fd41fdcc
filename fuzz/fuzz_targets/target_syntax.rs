//! What a user types or a list file holds: a target, a target list (with per-line overrides),
//! a `--connect-to` or `--resolve` rule and a `serve --allow` pattern. Must never panic; a list
//! that checks out yields exactly as many targets as it counted.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlscheck::target::{ConnectTo, Target, TargetList, TargetPattern};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(target) = Target::parse(&text) {
        let _ = (target.scan_key(), target.authority());
    }
    let _ = ConnectTo::parse(&text);
    let _ = ConnectTo::parse_resolve(&text);
    let _ = TargetPattern::parse(&text);
    if let Ok(list) = TargetList::parse("fuzz", text.to_string()) {
        assert_eq!(list.iter().count(), list.len());
    }
});
