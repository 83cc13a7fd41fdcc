//! Text from outside — what the user typed, what a server sent — made safe to show: control
//! characters (ESC, newline, DEL, C1) and the bidirectional controls that reorder what a terminal
//! shows become visible escapes (`\u{1b}`), and bytes that are not UTF-8 become `\x{ff}`. Pure.

/// Whether `c` must not reach a terminal or a report as itself.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// The Unicode bidirectional formatting characters (embeddings, overrides, isolates, marks):
/// they make a terminal show text in another order than it is.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// `text` with every unsafe character escaped as `\u{..}`; unchanged when there is none.
pub fn escaped(text: &str) -> String {
    if !text.chars().any(is_unsafe) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_char(&mut out, c);
    }
    out
}

/// [`escaped`], but line breaks kept: for text whose own lines tlscheck made (a table cell).
pub fn escaped_lines(text: &str) -> String {
    text.split('\n').map(escaped).collect::<Vec<_>>().join("\n")
}

/// `bytes` as text: valid UTF-8 as [`escaped`] writes it, each byte that is not UTF-8 as `\x{..}`.
pub fn escaped_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            push_char(&mut out, c);
        }
        for byte in chunk.invalid() {
            out.push_str(&format!("\\x{{{byte:02x}}}"));
        }
    }
    out
}

/// The first unsafe character of `text`, escaped, if there is one.
pub fn first_unsafe(text: &str) -> Option<String> {
    text.chars()
        .find(|&c| is_unsafe(c))
        .map(|c| format!("\\u{{{:x}}}", u32::from(c)))
}

/// `bytes` as lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn push_char(out: &mut String, c: char) {
    if is_unsafe(c) {
        out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
    } else {
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_overrides_are_escaped() {
        assert_eq!(escaped("a\u{1b}[31mb\n"), "a\\u{1b}[31mb\\u{a}");
        assert_eq!(escaped("evil\u{202E}gpj.exe"), "evil\\u{202e}gpj.exe");
        assert_eq!(escaped("bücher"), "bücher");
        assert_eq!(escaped("\u{9b}"), "\\u{9b}");
        assert_eq!(first_unsafe("ok\u{7f}"), Some("\\u{7f}".into()));
        assert_eq!(first_unsafe("ok"), None);
    }

    #[test]
    fn invalid_utf8_is_escaped_byte_by_byte() {
        assert_eq!(
            escaped_bytes(b"ab\xff\xfecd\x1b"),
            "ab\\x{ff}\\x{fe}cd\\u{1b}"
        );
        assert_eq!(hex(b"\x00\xff"), "00ff");
    }
}
