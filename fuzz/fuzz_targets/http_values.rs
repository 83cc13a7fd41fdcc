//! What an HTTP response carries that tlscheck reads: a `Location` header resolved against the
//! page that sent it (as a browser does), and a `Strict-Transport-Security` header. Must never
//! panic; a resolved Location is always an http(s) URL that prints and parses back to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlscheck::facts::hsts::parse_hsts;
use tlscheck::target::Url;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = parse_hsts(&text);
    let base = Url::parse("https://www.example.test:8443/a/b?c=d").expect("a base URL");
    if let Ok(joined) = base.join(&text) {
        let printed = joined.to_string();
        assert!(printed.starts_with("http://") || printed.starts_with("https://"), "{printed}");
        let again = Url::parse(&printed).expect("a joined URL parses again");
        assert_eq!(again, joined, "{printed}");
    }
    let _ = Url::parse(&text);
});
