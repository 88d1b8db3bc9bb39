//! Writing for people: standard output that a closed pipe (`sanctum … | head`) ends
//! quietly, and text from the lists and customer files shown with its control characters
//! escaped.
//!
//! Rust's `println!` panics when standard output is a closed pipe. Commands write through
//! [`say!`] instead, which returns the error: `main` ends a command whose output was
//! closed quietly, with exit code 0 (the reader has what it wanted). `update` ignores the
//! failure and goes on ingesting; `screen` stops screening and exits with the code of what
//! it found (see `screen.rs`). [`note!`] writes to standard error and ignores a failure.
//!
//! A listed name is publisher data and a customer name is someone else's: a terminal
//! escape (ESC …), another C0 or C1 control, or a bidirectional control (U+202E) in one
//! must not drive the terminal or reorder what is shown. [`safe`] escapes them as
//! `\u{…}` in tables and cards; JSON output is left to JSON's own escaping.

use std::borrow::Cow;

/// `writeln!` to standard output, returning the `io::Result`.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)
    }};
}

/// `writeln!` to standard error, a failure ignored (the message has nowhere else to go).
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

/// Whether the error is a write to a closed pipe, anywhere in its chain.
pub fn closed_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Characters a terminal must not receive raw from data (the server's definition, shared).
fn unsafe_char(c: char) -> bool {
    sanctum_server::auth::is_unprintable(c)
}

/// One-line text (a name, a table cell) with every control escaped as `\u{…}`.
pub fn safe(text: &str) -> Cow<'_, str> {
    escape(text, false)
}

/// Several lines of text (a rendered table, a card): controls escaped, line breaks kept.
pub fn safe_lines(text: &str) -> Cow<'_, str> {
    escape(text, true)
}

fn escape(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    let bad = |c: char| unsafe_char(c) && !(keep_newlines && c == '\n');
    if !text.contains(bad) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if bad(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped_and_plain_text_borrowed() {
        assert!(matches!(safe("Vladimir Putin"), Cow::Borrowed(_)));
        assert_eq!(safe("A\u{1b}[31mB"), "A\\u{1b}[31mB");
        assert_eq!(safe("x\u{9b}y\u{7f}"), "x\\u{9b}y\\u{7f}");
        assert_eq!(safe("\u{202e}nituP"), "\\u{202e}nituP");
        assert_eq!(safe("a\nb"), "a\\u{a}b");
        assert_eq!(safe_lines("a\nb\u{1b}"), "a\nb\\u{1b}");
        // Escaping twice changes nothing more.
        assert_eq!(safe(&safe("\u{1b}")), "\\u{1b}");
    }
}
