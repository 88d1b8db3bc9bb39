//! Physical lines and CSV records of a customer file, bounded and accounted for.
//!
//! [`LineReader`] yields the file's physical lines (`\n`, `\r\n` or a lone `\r` ends one),
//! each numbered as an editor numbers it and at most `max_record_bytes` long: the rest of a
//! longer line is skipped unread into memory, and the line is marked [`Line::over`].
//!
//! [`CsvRecords`] joins lines into CSV records with `csv_core` (the `csv` crate's own
//! parser, fed one line at a time), so that every record knows the lines it spans. A
//! quoted field that does not close on its line runs on to the next; when it closes, the
//! record is a multi-line record. An unbalanced quote makes such a field swallow the rows
//! after it, so a record spanning lines is looked at again:
//!
//! - if each line inside it reads on its own as a record of the header's width, the quote
//!   was unbalanced: the opening line is rejected, naming the lines, and the lines after it
//!   are read again as records of their own (the swallowed customers are screened);
//! - if the quote is still open after `max_record_lines` lines or `max_record_bytes`
//!   bytes, or at the end of the file, the same: the opening line is rejected and the rest
//!   read again;
//! - otherwise it is a genuine multi-line field (an address, a note), left to the caller
//!   to screen and report.
//!
//! Each physical line ends up in exactly one record or rejection, or is blank, so rows
//! read always equal the records found and the lines read are the file's lines.

use crate::input::{RejectKind, RowError};
use std::collections::VecDeque;
use std::io::{self, BufRead};

/// One physical line, without its line break.
#[derive(Debug, Default)]
pub(crate) struct Line {
    /// 1-based.
    pub number: u64,
    /// At most `max_record_bytes`; the first ones when [`Line::over`].
    pub bytes: Vec<u8>,
    /// The line was longer than `max_record_bytes`; its end was skipped.
    pub over: bool,
}

/// Physical lines of a stream, each bounded.
pub(crate) struct LineReader<R> {
    inner: R,
    max_bytes: usize,
    /// Lines read so far.
    lines: u64,
    /// Bytes consumed so far.
    consumed: u64,
    /// The last line ended with `\r`: a `\n` next belongs to it.
    after_cr: bool,
}

impl<R: BufRead> LineReader<R> {
    pub fn new(inner: R, max_bytes: u64) -> Self {
        LineReader {
            inner,
            max_bytes: usize::try_from(max_bytes).unwrap_or(usize::MAX),
            lines: 0,
            consumed: 0,
            after_cr: false,
        }
    }

    /// Physical lines read so far.
    pub fn lines(&self) -> u64 {
        self.lines
    }

    /// Bytes of the stream consumed so far.
    pub fn consumed(&self) -> u64 {
        self.consumed
    }

    /// The next line into `line` (its buffer reused); `false` at the end of the stream.
    pub fn next_into(&mut self, line: &mut Line) -> io::Result<bool> {
        line.bytes.clear();
        line.over = false;
        let mut started = false;
        loop {
            let buf = match self.inner.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buf.is_empty() {
                if !started {
                    return Ok(false);
                }
                break;
            }
            if self.after_cr {
                self.after_cr = false;
                if buf[0] == b'\n' {
                    self.inner.consume(1);
                    self.consumed += 1;
                    continue;
                }
            }
            started = true;
            let (take, used, ended) = match memchr::memchr2(b'\n', b'\r', buf) {
                Some(i) => {
                    self.after_cr = buf[i] == b'\r';
                    (i, i + 1, true)
                }
                None => (buf.len(), buf.len(), false),
            };
            let room = self.max_bytes.saturating_sub(line.bytes.len());
            if take > room {
                line.over = true;
            }
            line.bytes.extend_from_slice(&buf[..take.min(room)]);
            self.inner.consume(used);
            self.consumed += used as u64;
            if ended {
                break;
            }
        }
        self.lines += 1;
        line.number = self.lines;
        Ok(true)
    }
}

/// What [`CsvRecords::next`] found.
#[derive(Debug)]
pub(crate) enum Framed {
    /// A record, its fields in [`CsvRecords::field`]; `first..=last` are its lines.
    Record { first: u64, last: u64 },
    /// Lines that make no record: an unbalanced quote, a line over the byte limit.
    Rejected(RowError),
}

/// How much a record may hold.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RecordLimits {
    pub max_bytes: u64,
    pub max_lines: u64,
}

/// CSV records over physical lines (see the module documentation).
pub(crate) struct CsvRecords<R> {
    lines: LineReader<R>,
    /// Lines to read again (those of a record found to swallow rows), in order.
    again: VecDeque<Line>,
    /// Line buffers to reuse.
    spare: Vec<Line>,
    /// The lines of the current record.
    record: Vec<Line>,
    limits: RecordLimits,
    /// The header's number of fields, once read (0 before).
    width: usize,
    parser: csv_core::Reader,
    /// The current record's fields, end to end, and where each ends.
    out: Vec<u8>,
    out_len: usize,
    ends: Vec<usize>,
    ends_len: usize,
    /// The same for the look at one line alone.
    probe: csv_core::Reader,
    probe_out: Vec<u8>,
    probe_ends: Vec<usize>,
}

/// Why a quote that opened a record is taken for an unbalanced one.
enum Unbalanced {
    /// The lines inside the field read as rows of the header's width.
    Swallowed,
    /// Still open after `max_record_lines` lines.
    TooManyLines,
    /// Still open past `max_record_bytes`.
    TooManyBytes,
    /// Still open at the end of the file.
    EndOfFile,
}

impl<R: BufRead> CsvRecords<R> {
    pub fn new(inner: R, delimiter: u8, limits: RecordLimits) -> Self {
        let parser = || csv_core::ReaderBuilder::new().delimiter(delimiter).build();
        CsvRecords {
            lines: LineReader::new(inner, limits.max_bytes),
            again: VecDeque::new(),
            spare: Vec::new(),
            record: Vec::new(),
            limits,
            width: 0,
            parser: parser(),
            out: vec![0; 1024],
            out_len: 0,
            ends: vec![0; 32],
            ends_len: 0,
            probe: parser(),
            probe_out: vec![0; 1024],
            probe_ends: vec![0; 32],
        }
    }

    /// The header's width, against which records are checked.
    pub fn set_width(&mut self, width: usize) {
        self.width = width;
    }

    /// Physical lines read from the file so far.
    pub fn lines_read(&self) -> u64 {
        self.lines.lines()
    }

    /// Bytes of the file consumed so far.
    pub fn consumed(&self) -> u64 {
        self.lines.consumed()
    }

    /// Fields of the current record.
    pub fn len(&self) -> usize {
        self.ends_len
    }

    /// Field `i` of the current record, as bytes.
    pub fn field(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.out[start..self.ends[i]]
    }

    fn next_line(&mut self) -> io::Result<Option<Line>> {
        if let Some(line) = self.again.pop_front() {
            return Ok(Some(line));
        }
        let mut line = self.spare.pop().unwrap_or_default();
        if self.lines.next_into(&mut line)? {
            Ok(Some(line))
        } else {
            self.spare.push(line);
            Ok(None)
        }
    }

    /// The next record or rejection; `None` at the end of the file.
    pub fn next(&mut self) -> io::Result<Option<Framed>> {
        self.spare.append(&mut self.record);
        let first = loop {
            let Some(line) = self.next_line()? else {
                return Ok(None);
            };
            if line.over {
                let reject = RowError {
                    line: line.number,
                    kind: RejectKind::RecordTooLong,
                    reason: format!(
                        "the line is longer than {} bytes (`max_record_bytes` in [limits]); skipped unread",
                        self.limits.max_bytes
                    ),
                };
                self.spare.push(line);
                return Ok(Some(Framed::Rejected(reject)));
            }
            // Blank lines are no records (as the csv crate reads them).
            if line.bytes.is_empty() {
                self.spare.push(line);
                continue;
            }
            break line;
        };
        self.out_len = 0;
        self.ends_len = 0;
        let mut bytes = first.bytes.len() as u64;
        let mut complete = self.feed_record(&first.bytes);
        self.record.push(first);
        while !complete {
            if self.record.len() as u64 >= self.limits.max_lines {
                return Ok(Some(self.unbalanced(Unbalanced::TooManyLines)));
            }
            let Some(line) = self.next_line()? else {
                return Ok(Some(self.unbalanced(Unbalanced::EndOfFile)));
            };
            bytes += line.bytes.len() as u64 + 1;
            if line.over || bytes > self.limits.max_bytes {
                // The line is read again, on its own.
                self.again.push_front(line);
                return Ok(Some(self.unbalanced(Unbalanced::TooManyBytes)));
            }
            complete = self.feed_record(&line.bytes);
            self.record.push(line);
        }
        let first = self.record[0].number;
        let last = self.record[self.record.len() - 1].number;
        if self.record.len() > 1 && self.width > 0 && self.inside_reads_as_rows() {
            return Ok(Some(self.unbalanced(Unbalanced::Swallowed)));
        }
        Ok(Some(Framed::Record { first, last }))
    }

    /// Feeds one line (and its line break) to the record parser: whether the record ended.
    fn feed_record(&mut self, line: &[u8]) -> bool {
        for input in [line, b"\n"] {
            let mut input = input;
            loop {
                let (result, nin, nout, nend) = self.parser.read_record(
                    input,
                    &mut self.out[self.out_len..],
                    &mut self.ends[self.ends_len..],
                );
                input = &input[nin..];
                self.out_len += nout;
                self.ends_len += nend;
                match result {
                    csv_core::ReadRecordResult::InputEmpty => break,
                    csv_core::ReadRecordResult::OutputFull => {
                        let grown = self.out.len() * 2;
                        self.out.resize(grown, 0);
                    }
                    csv_core::ReadRecordResult::OutputEndsFull => {
                        let grown = self.ends.len() * 2;
                        self.ends.resize(grown, 0);
                    }
                    csv_core::ReadRecordResult::Record | csv_core::ReadRecordResult::End => {
                        return true;
                    }
                }
            }
        }
        false
    }

    /// Whether every line after the record's first reads, on its own, as one complete
    /// record of the header's width.
    fn inside_reads_as_rows(&mut self) -> bool {
        let (probe, out, ends) = (&mut self.probe, &mut self.probe_out, &mut self.probe_ends);
        self.record[1..].iter().all(|line| {
            probe.reset();
            let (mut out_len, mut ends_len) = (0, 0);
            for input in [&line.bytes[..], b"\n"] {
                let mut input = input;
                loop {
                    let (result, nin, nout, nend) =
                        probe.read_record(input, &mut out[out_len..], &mut ends[ends_len..]);
                    input = &input[nin..];
                    out_len += nout;
                    ends_len += nend;
                    match result {
                        csv_core::ReadRecordResult::InputEmpty => break,
                        csv_core::ReadRecordResult::OutputFull => {
                            let grown = out.len() * 2;
                            out.resize(grown, 0);
                        }
                        csv_core::ReadRecordResult::OutputEndsFull => {
                            let grown = ends.len() * 2;
                            ends.resize(grown, 0);
                        }
                        csv_core::ReadRecordResult::Record | csv_core::ReadRecordResult::End => {
                            return ends_len == self.width && input.is_empty();
                        }
                    }
                }
            }
            false
        })
    }

    /// Rejects the record's opening line and puts the lines after it back to be read again.
    fn unbalanced(&mut self, why: Unbalanced) -> Framed {
        self.parser.reset();
        let first = self.record[0].number;
        let last = self.record[self.record.len() - 1].number;
        let again = self.record.len() - 1;
        // In order, before any line already waiting (a line over the byte limit).
        for line in self.record.drain(1..).rev() {
            self.again.push_front(line);
        }
        let rest = match again {
            0 => String::new(),
            1 => format!("; line {last} is read as a row of its own"),
            _ => format!(
                "; lines {} to {last} are read as rows of their own",
                first + 1
            ),
        };
        let reason = match why {
            Unbalanced::Swallowed => format!(
                "unbalanced quote: a quoted field opened on line {first} closes on line {last}, and the lines inside it read as rows{rest}"
            ),
            Unbalanced::TooManyLines => format!(
                "unbalanced quote: a quoted field opened on line {first} is still open on line {last}, after {} lines (`max_record_lines` in [limits]){rest}",
                self.limits.max_lines
            ),
            Unbalanced::TooManyBytes => format!(
                "unbalanced quote: a quoted field opened on line {first} is still open past {} bytes (`max_record_bytes` in [limits]){rest}",
                self.limits.max_bytes
            ),
            Unbalanced::EndOfFile => format!(
                "unbalanced quote: a quoted field opened on line {first} is still open at the end of the file{rest}"
            ),
        };
        Framed::Rejected(RowError {
            line: first,
            kind: RejectKind::BrokenQuoting,
            reason,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &[u8], max: u64) -> Vec<(u64, String, bool)> {
        let mut reader = LineReader::new(text, max);
        let mut line = Line::default();
        let mut out = Vec::new();
        while reader.next_into(&mut line).unwrap() {
            out.push((
                line.number,
                String::from_utf8_lossy(&line.bytes).into_owned(),
                line.over,
            ));
        }
        out
    }

    #[test]
    fn lines_end_at_lf_crlf_or_a_lone_cr() {
        assert_eq!(
            lines(b"a\r\nb\nc\rd", 100),
            vec![
                (1, "a".into(), false),
                (2, "b".into(), false),
                (3, "c".into(), false),
                (4, "d".into(), false),
            ]
        );
        assert_eq!(
            lines(b"a\r\n\r\nb\r\n", 100).len(),
            3,
            "a blank line is a line"
        );
    }

    #[test]
    fn a_line_over_the_limit_keeps_its_start_and_skips_the_rest() {
        let mut text = vec![b'x'; 10_000];
        text.extend_from_slice(b"\nnext\n");
        let read = lines(&text, 100);
        assert_eq!(read[0].1.len(), 100);
        assert!(read[0].2);
        assert_eq!(read[1], (2, "next".into(), false));
    }

    /// A record's first and last line and fields, or a rejection's line and reason.
    type Read = Result<(u64, u64, Vec<String>), String>;

    fn records(text: &str, width: usize) -> Vec<Read> {
        let mut records = CsvRecords::new(
            text.as_bytes(),
            b',',
            RecordLimits {
                max_bytes: 1000,
                max_lines: 5,
            },
        );
        records.set_width(width);
        let mut out = Vec::new();
        while let Some(framed) = records.next().unwrap() {
            out.push(match framed {
                Framed::Record { first, last } => Ok((
                    first,
                    last,
                    (0..records.len())
                        .map(|i| String::from_utf8_lossy(records.field(i)).into_owned())
                        .collect(),
                )),
                Framed::Rejected(e) => Err(format!("{}: {}", e.line, e.reason)),
            });
        }
        out
    }

    #[test]
    fn swallowed_rows_are_read_again_on_their_own() {
        let read = records(
            "1,Vladimir Putin,\"customer since 2001\n2,Sergei Lavrov,vip\n3,Igor Sechin,x\"\n",
            3,
        );
        assert_eq!(read.len(), 3, "{read:?}");
        let opening = read[0].as_ref().unwrap_err();
        assert!(opening.starts_with("1: unbalanced quote"), "{opening}");
        assert!(opening.contains("lines 2 to 3"), "{opening}");
        assert_eq!(read[1].as_ref().unwrap().2[1], "Sergei Lavrov");
        assert_eq!(read[2].as_ref().unwrap().2[1], "Igor Sechin");
    }

    #[test]
    fn a_genuine_multi_line_field_is_one_record() {
        let read = records("1,Ann Smith,\"12 Main St\nSpringfield\"\n2,Bob,x\n", 3);
        assert_eq!(
            read[0].as_ref().unwrap(),
            &(
                1,
                2,
                vec![
                    "1".to_string(),
                    "Ann Smith".to_string(),
                    "12 Main St\nSpringfield".to_string()
                ]
            )
        );
        assert_eq!(read[1].as_ref().unwrap().0, 3);
    }

    #[test]
    fn a_quote_open_too_long_or_at_the_end_gives_back_its_lines() {
        let text = "1,a,\"open\n2,b,x\n3,c,x\n4,d,x\n5,e,x\n6,f,x\n7,g,x\n";
        let read = records(text, 3);
        let opening = read[0].as_ref().unwrap_err();
        assert!(opening.contains("max_record_lines"), "{opening}");
        let names: Vec<&str> = read[1..]
            .iter()
            .map(|r| r.as_ref().unwrap().2[1].as_str())
            .collect();
        assert_eq!(names, ["b", "c", "d", "e", "f", "g"]);
        // Width 4: the lines inside do not read as rows, and the quote never closes.
        let read = records("1,a,\"open,x\n2,b,x\n", 4);
        assert!(read[0].as_ref().unwrap_err().contains("end of the file"));
        assert_eq!(read.len(), 2);
    }

    #[test]
    fn crlf_records_keep_their_own_line_numbers() {
        let read = records("1,a,x\r\n2,b,\"y\r\nz\"\r\n3,c,x\r\n", 3);
        let spans: Vec<(u64, u64)> = read
            .iter()
            .map(|r| {
                let r = r.as_ref().unwrap();
                (r.0, r.1)
            })
            .collect();
        assert_eq!(spans, [(1, 1), (2, 3), (4, 4)]);
    }
}
