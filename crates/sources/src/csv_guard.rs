//! The end of a CSV file, checked: a file cut inside a quoted field is an error, never a
//! last record that quietly holds the rest of the file.
//!
//! The csv crate reads an unterminated quoted field at the end of its input as a complete
//! field (csv-core has no error for it), so a publication cut mid-record inside quotes reads
//! as a shorter, valid one. [`CsvGuard`] sits between the file and the csv reader, follows the
//! quoting as csv-core does (a `"` opens a quoted field only at the start of a field, `""`
//! inside one is a literal quote), and fails the read at end of input when a quoted field is
//! still open, naming the line where it opened. It also records how the file ends
//! ([`Tail`]), for formats with an end marker of their own (OFAC's Ctrl-Z).

use std::cell::Cell;
use std::io::{self, Read};
use std::rc::Rc;

/// How the bytes of a CSV file ended, known once the reader has reached its end.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Tail {
    /// The last byte that is not ASCII white space.
    pub last_visible: Option<u8>,
    /// The last byte.
    pub last: Option<u8>,
    /// The line of the first quoted field, if any field was quoted.
    pub first_quote_line: Option<u64>,
}

/// The error a [`CsvGuard`] fails with: the input ended inside the quoted field opened on
/// `line` ([`crate::ParseError::io`] turns it into a row error at that line).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("truncated file: it ends inside the quoted field opened on line {line}")]
pub(crate) struct OpenQuote {
    pub line: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    StartField,
    InField,
    InQuoted,
    /// A quote inside a quoted field: the field's end, or the first of `""`.
    QuoteInQuoted,
}

/// A reader that follows CSV quoting and refuses an input that ends inside a quoted field.
pub(crate) struct CsvGuard<R> {
    inner: R,
    delimiter: u8,
    /// Records end at `\n` only (the csv crate's `Terminator::Any(b'\n')`), else at `\r` or
    /// `\n` (its default CRLF terminator).
    lf_only: bool,
    state: State,
    line: u64,
    quote_line: u64,
    tail: Tail,
    shared: Rc<Cell<Tail>>,
}

impl<R: Read> CsvGuard<R> {
    /// Guards `inner`, read as CSV with `delimiter`; `lf_only` as the csv reader is set up.
    /// The returned cell holds the file's [`Tail`] once the end is reached.
    pub fn new(inner: R, delimiter: u8, lf_only: bool) -> (Self, Rc<Cell<Tail>>) {
        let shared = Rc::new(Cell::new(Tail::default()));
        (
            CsvGuard {
                inner,
                delimiter,
                lf_only,
                state: State::StartField,
                line: 1,
                quote_line: 0,
                tail: Tail::default(),
                shared: Rc::clone(&shared),
            },
            shared,
        )
    }

    fn is_terminator(&self, b: u8) -> bool {
        b == b'\n' || (!self.lf_only && b == b'\r')
    }

    fn step(&mut self, b: u8) {
        if b == b'\n' {
            self.line += 1;
        }
        self.state = match self.state {
            State::StartField if b == b'"' => {
                self.quote_line = self.line;
                self.tail.first_quote_line.get_or_insert(self.line);
                State::InQuoted
            }
            State::StartField | State::InField | State::QuoteInQuoted
                if b == self.delimiter || self.is_terminator(b) =>
            {
                State::StartField
            }
            State::StartField | State::InField => State::InField,
            State::InQuoted if b == b'"' => State::QuoteInQuoted,
            State::InQuoted => State::InQuoted,
            State::QuoteInQuoted if b == b'"' => State::InQuoted,
            State::QuoteInQuoted => State::InField,
        };
    }
}

impl<R: Read> Read for CsvGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let got = buf.get(..n).unwrap_or_default();
        for &b in got {
            self.step(b);
        }
        if let Some(&last) = got.last() {
            self.tail.last = Some(last);
        }
        if let Some(&visible) = got.iter().rev().find(|b| !b.is_ascii_whitespace()) {
            self.tail.last_visible = Some(visible);
        }
        if n == 0 && !buf.is_empty() {
            self.shared.set(self.tail);
            if self.state == State::InQuoted {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    OpenQuote {
                        line: self.quote_line,
                    },
                ));
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(data: &[u8], lf_only: bool) -> (io::Result<usize>, Tail) {
        let (mut guard, tail) = CsvGuard::new(data, b',', lf_only);
        let mut out = Vec::new();
        let result = guard.read_to_end(&mut out);
        (result, tail.get())
    }

    #[test]
    fn a_closed_quote_passes_and_an_open_one_fails_with_its_line() {
        let (ok, tail) = read_all(b"1,\"a \"\"b\"\" c\"\r\n2,\"x\ny\"\r\n\x1a", true);
        assert!(ok.is_ok());
        assert_eq!(tail.last_visible, Some(0x1a));
        assert_eq!(tail.first_quote_line, Some(1));
        let (err, _) = read_all(b"1,\"a\"\r\n2,\"cut here", true);
        let err = err.unwrap_err().to_string();
        assert!(err.contains("opened on line 2"), "{err}");
        // A quote inside an unquoted field is a literal, as csv-core reads it.
        let (ok, tail) = read_all(b"1,ab\"c\n", false);
        assert!(ok.is_ok());
        assert_eq!(tail.first_quote_line, None);
        // `""` at the very end closes the field and opens none.
        assert!(read_all(b"1,\"a\"\"\"", false).0.is_ok());
        assert!(read_all(b"1,\"a\"\"", false).0.is_err());
    }
}
