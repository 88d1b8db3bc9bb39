//! OFAC's CSV set: `sdn.csv` (or `cons_prim.csv`) with its companions `add.csv`, `alt.csv`
//! and `sdn_comments.csv` (`cons_add`, `cons_alt`, `cons_comments`).
//!
//! The files have no header, CRLF line ends, `-0- ` for null, and a Ctrl-Z byte on a last line
//! of its own. Third-party copies drop the quotes, so a companion name with a comma spills
//! into extra columns: those are joined back.
//!
//! Companions are read first into maps keyed by `ent_num`; the main file is then streamed,
//! each party taking its companion rows. Companion rows whose party is absent from the main
//! file are reported in [`Parsed::skipped`] (real publications have a few) without failing
//! the publication. The Remarks clauses are read by [`crate::ofac_remarks`];
//! sdn_comments.csv text is appended to the Remarks first, since it continues them
//! mid-clause.
//!
//! **A file cut short is an error.** A file ending inside a quoted field is refused (see
//! `csv_guard`), and so is one without its closing Ctrl-Z, per role:
//! - the main file (`sdn.csv`, `cons_prim.csv`) must end with it: it decides which parties
//!   exist, OFAC always writes the mark, and every real main file has it; a cut there loses
//!   designations.
//! - a companion written with OFAC's quoting (every string field quoted, so its first row
//!   has a quote) must end with it too: it is OFAC's file, cut.
//! - a companion re-written by a third party (no quoting on its first row, as
//!   `alt_2022-01-31.csv` in the shared folder: quotes stripped, LF line ends, no Ctrl-Z)
//!   has lost the mark with the quoting. Its last row must end with a line break (a cut
//!   mid-row is refused) and the publication is accepted with a warning that the file's
//!   completeness cannot be checked.
//! - an empty file is refused in every role: OFAC writes none.

use crate::csv_guard::{CsvGuard, Tail};
use crate::ofac_common::{self, AUTHORITY, LIST_CONSOLIDATED, LIST_SDN};
use crate::ofac_remarks::{apply_remarks, ofac_name};
use crate::{Input, ParseError, ParseOptions, Parsed, RowError};
use sanctum_model::{
    Address, Designation, Entity, EntityKind, IdKind, Identifier, NameKind, Text, country,
};
use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::rc::Rc;

/// Which OFAC list a CSV set publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfacList {
    /// The SDN list: sdn.csv, add.csv, alt.csv, sdn_comments.csv.
    Sdn,
    /// The consolidated non-SDN lists: cons_prim.csv, cons_add.csv, cons_alt.csv,
    /// cons_comments.csv.
    Consolidated,
}

impl OfacList {
    fn list_name(self) -> &'static str {
        match self {
            OfacList::Sdn => LIST_SDN,
            OfacList::Consolidated => LIST_CONSOLIDATED,
        }
    }
}

/// The files of one publication: the main file and whichever companions are at hand.
pub struct CsvSet<'a> {
    pub main: Input<'a>,
    pub add: Option<Input<'a>>,
    pub alt: Option<Input<'a>>,
    pub comments: Option<Input<'a>>,
}

/// Columns of the main file: ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign,
/// Vess_type, Tonnage, GRT, Vess_flag, Vess_owner, Remarks.
const MAIN_COLUMNS: usize = 12;

/// Reads a CSV set into entities. Strict by default: the first bad row of any file is an
/// error naming file and line; lenient mode skips it. An empty main file is rejected.
pub fn parse(
    source: &str,
    list: OfacList,
    set: CsvSet<'_>,
    opts: &ParseOptions,
) -> Result<Parsed, ParseError> {
    let mut parsed = Parsed::default();
    // add.csv: ent_num, Add_num, Address, City/State/Postal, Country, Add_remarks.
    let mut addresses = match set.add {
        Some(input) => Companion::read(input, 6, 2, opts, &mut parsed)?,
        None => Companion::default(),
    };
    // alt.csv: ent_num, alt_num, alt_type, alt_name, alt_remarks.
    let mut aliases = match set.alt {
        Some(input) => Companion::read(input, 5, 3, opts, &mut parsed)?,
        None => Companion::default(),
    };
    // sdn_comments.csv: ent_num, remarks_continued.
    let mut comments = match set.comments {
        Some(input) => Companion::read(input, 2, 1, opts, &mut parsed)?,
        None => Companion::default(),
    };

    let file = set.main.name;
    let (mut reader, tail) = guarded_reader(set.main.reader);
    let mut record = csv::ByteRecord::new();
    let mut seen_rows = false;
    let mut seen_ids = HashSet::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(csv_error(&file, e)),
        }
        let line = record.position().map_or(0, csv::Position::line);
        let Some(fields) = decode_record(&record) else {
            continue;
        };
        seen_rows = true;
        let reject = |reason: String| RowError {
            file: file.clone(),
            line,
            reason,
        };
        if fields.len() != MAIN_COLUMNS {
            parsed.reject_row(
                opts,
                reject(format!(
                    "expected {MAIN_COLUMNS} columns, found {}",
                    fields.len()
                )),
            )?;
            continue;
        }
        let Some(ent_num) = ent_num(&fields[0]) else {
            parsed.reject_row(
                opts,
                reject(format!("ent_num {:?} is not a number", fields[0])),
            )?;
            continue;
        };
        if !seen_ids.insert(ent_num.to_string()) {
            parsed.reject_row(opts, reject(format!("duplicate ent_num {ent_num}")))?;
            continue;
        }
        let Some(primary) = cell(&fields[1]) else {
            parsed.reject_row(opts, reject(format!("ent_num {ent_num} has no name")))?;
            continue;
        };
        let mut entity = main_entity(source, list, ent_num, primary, &fields);
        for row in aliases.take(ent_num) {
            push_alias(&mut entity, &row.fields);
        }
        for row in addresses.take(ent_num) {
            push_address(&mut entity, &row.fields);
        }
        let mut remarks = text_cell(&fields[11]).unwrap_or_default().to_string();
        for row in comments.take(ent_num) {
            // The continuation resumes mid-word: join without a separator.
            if let Some(more) = text_cell(&row.fields[1]) {
                remarks.push_str(more);
            }
        }
        apply_remarks(&mut entity, &remarks);
        parsed.entities.push(entity);
    }
    if !seen_rows {
        return Err(ParseError::format(&file, "empty publication"));
    }
    check_end(&file, tail.get(), true, &mut parsed)?;
    for companion in [addresses, aliases, comments] {
        companion.report_orphans(&file, &mut parsed);
    }
    Ok(parsed)
}

fn main_entity(
    source: &str,
    list: OfacList,
    ent_num: &str,
    primary: &str,
    fields: &[String],
) -> Entity {
    let kind = cell(&fields[2]).map_or(EntityKind::Organization, ofac_common::kind_from_type);
    let mut entity = Entity::new(source, ent_num, kind);
    entity.push_name(ofac_name(primary, NameKind::Primary, kind, None));
    entity.designations.push(Designation {
        authority: AUTHORITY.to_string(),
        list: list.list_name().to_string(),
        programs: ofac_common::split_programs(&fields[3]),
        listed_on: None,
        ended_on: None,
        legal_basis: Vec::new(),
        record: None,
    });
    if let Some(title) = cell(&fields[4]) {
        for part in title.split(';').map(str::trim).filter(|t| !t.is_empty()) {
            entity.titles.push(Text::new(part));
        }
    }
    if let Some(call_sign) = cell(&fields[5]) {
        let mut id = Identifier::new(IdKind::CallSign, call_sign);
        id.label = Some("Call Sign".to_string());
        entity.identifiers.push(id);
    }
    let craft = &mut entity.craft;
    craft.craft_type = cell(&fields[6]).map(str::to_string);
    craft.tonnage = cell(&fields[7]).map(str::to_string);
    craft.gross_registered_tonnage = cell(&fields[8]).map(str::to_string);
    craft.flag = cell(&fields[9]).map(country_or_text);
    craft.owner = cell(&fields[10]).map(str::to_string);
    entity
}

/// alt.csv row → a name. aka and nka are aliases, fka former names; "weak" in the remarks
/// marks a weak alias.
fn push_alias(entity: &mut Entity, fields: &[String]) {
    let Some(full) = cell(&fields[3]) else {
        return;
    };
    let alt_type = cell(&fields[2]).unwrap_or("aka").to_ascii_lowercase();
    let weak = cell(&fields[4]).is_some_and(|r| r.to_ascii_lowercase().contains("weak"));
    let kind = match alt_type.trim_matches('.') {
        "fka" | "f.k.a" => NameKind::Former,
        _ if weak => NameKind::WeakAlias,
        _ => NameKind::Alias,
    };
    let record = cell(&fields[1]).map(str::to_string);
    entity.push_name(ofac_name(full, kind, entity.kind, record));
}

/// add.csv row → an address. The "City/State/Postal" cell is split into city, region and
/// postal code where its shape allows ("Cumberland, MD 21502", "London EC3N 1DY").
fn push_address(entity: &mut Entity, fields: &[String]) {
    let (city, region, postal_code) = match cell(&fields[3]) {
        Some(text) => split_city_cell(text),
        None => (None, None, None),
    };
    let address = Address {
        lines: cell(&fields[2]).map(str::to_string).into_iter().collect(),
        city,
        region,
        postal_code,
        country: cell(&fields[4]).map(country_or_text),
        remarks: cell(&fields[5]).map(str::to_string),
        record: cell(&fields[1]).map(str::to_string),
    };
    let empty = Address {
        record: address.record.clone(),
        ..Address::default()
    };
    if address != empty {
        entity.addresses.push(address);
    }
}

/// `City[, Region] [Postal]`: the postal code is the last word when it holds a digit, with the
/// word before it for two-word codes ("EC3N 1DY"); the region follows the first comma.
fn split_city_cell(text: &str) -> (Option<String>, Option<String>, Option<String>) {
    let words: Vec<&str> = text.split_whitespace().collect();
    let is_code = |w: &str| {
        w.len() >= 2
            && w.bytes().any(|b| b.is_ascii_digit())
            && w.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    let mut postal_words = 0;
    if words.last().is_some_and(|w| w.len() >= 3 && is_code(w)) {
        postal_words = 1;
        let before = words.len().checked_sub(2).and_then(|i| words.get(i));
        if before.is_some_and(|w| w.len() <= 4 && is_code(w)) {
            postal_words = 2;
        }
    }
    let keep = words.len() - postal_words;
    let postal = (postal_words > 0).then(|| words[keep..].join(" "));
    let place = words[..keep].join(" ");
    let place = place.trim().trim_end_matches(',').trim();
    let non_empty = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
    let (city, region) = match place.split_once(',') {
        Some((city, region)) => (non_empty(city), non_empty(region)),
        None => (non_empty(place), None),
    };
    (city, region, postal)
}

fn country_or_text(text: &str) -> String {
    country::code(text).map_or_else(|| text.to_string(), str::to_string)
}

/// A companion file's rows, by ent_num, with where each came from.
#[derive(Default)]
struct Companion {
    file: String,
    rows: HashMap<String, Vec<CompanionRow>>,
}

struct CompanionRow {
    line: u64,
    fields: Vec<String>,
}

impl Companion {
    /// Reads a companion of `columns` columns; extra columns (a quote-stripped copy whose
    /// column `spill_at` held commas) are joined back into that column.
    fn read(
        input: Input<'_>,
        columns: usize,
        spill_at: usize,
        opts: &ParseOptions,
        parsed: &mut Parsed,
    ) -> Result<Companion, ParseError> {
        let file = input.name;
        let (mut reader, tail) = guarded_reader(input.reader);
        let mut record = csv::ByteRecord::new();
        let mut rows: HashMap<String, Vec<CompanionRow>> = HashMap::new();
        loop {
            match reader.read_byte_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => return Err(csv_error(&file, e)),
            }
            let line = record.position().map_or(0, csv::Position::line);
            let Some(mut fields) = decode_record(&record) else {
                continue;
            };
            let reject = |reason: String| RowError {
                file: file.clone(),
                line,
                reason,
            };
            if fields.len() < columns {
                parsed.reject_row(
                    opts,
                    reject(format!(
                        "expected {columns} columns, found {}",
                        fields.len()
                    )),
                )?;
                continue;
            }
            if fields.len() > columns {
                let extra = fields.len() - columns;
                let joined = fields[spill_at..=spill_at + extra].join(",");
                fields.splice(spill_at..=spill_at + extra, [joined]);
            }
            let Some(key) = ent_num(&fields[0]).map(str::to_string) else {
                parsed.reject_row(
                    opts,
                    reject(format!("ent_num {:?} is not a number", fields[0])),
                )?;
                continue;
            };
            rows.entry(key)
                .or_default()
                .push(CompanionRow { line, fields });
        }
        check_end(&file, tail.get(), false, parsed)?;
        Ok(Companion { file, rows })
    }

    fn take(&mut self, ent_num: &str) -> Vec<CompanionRow> {
        self.rows.remove(ent_num).unwrap_or_default()
    }

    /// Rows left over have no party in the main file: noted, not fatal.
    fn report_orphans(self, main_file: &str, parsed: &mut Parsed) {
        let mut orphans: Vec<(String, CompanionRow)> = self
            .rows
            .into_iter()
            .flat_map(|(key, rows)| rows.into_iter().map(move |r| (key.clone(), r)))
            .collect();
        orphans.sort_by_key(|(_, row)| row.line);
        for (key, row) in orphans {
            parsed.skipped.push(RowError {
                file: self.file.clone(),
                line: row.line,
                reason: format!("ent_num {key} has no party in {main_file}"),
            });
        }
    }
}

/// OFAC's end-of-file mark, Ctrl-Z.
const END_MARK: u8 = 0x1a;

/// Checks how a file of the set ends (see the module doc for what each role requires).
fn check_end(file: &str, tail: Tail, main: bool, parsed: &mut Parsed) -> Result<(), ParseError> {
    if tail.last_visible == Some(END_MARK) {
        return Ok(());
    }
    if tail.last.is_none() {
        return Err(ParseError::format(
            file,
            "empty file: OFAC's files are never empty (a failed download?)",
        ));
    }
    let ofac_quoting = tail.first_quote_line == Some(1);
    if main || ofac_quoting {
        return Err(ParseError::format(
            file,
            "truncated file: it does not end with the Ctrl-Z (0x1A) that ends every OFAC CSV \
             file",
        ));
    }
    if !matches!(tail.last, Some(b'\n' | b'\r')) {
        return Err(ParseError::format(
            file,
            "truncated file: its last row has no line end (and the file, re-written without \
             OFAC's quoting, has no Ctrl-Z end mark)",
        ));
    }
    parsed.warnings.push(format!(
        "{file}: no Ctrl-Z end mark and no OFAC quoting: a re-written copy, whose completeness \
         cannot be checked"
    ));
    Ok(())
}

/// A csv reader over a guarded input ([`CsvGuard`]: an input ending inside a quoted field
/// is an error), and the cell that tells how the input ended.
fn guarded_reader<R: Read>(reader: R) -> (csv::Reader<BlankLines<CsvGuard<R>>>, Rc<Cell<Tail>>) {
    let (guard, tail) = CsvGuard::new(reader, b',', true);
    (csv_reader(guard), tail)
}

/// A csv reader whose record positions give true line numbers: records end at `\n` only (a
/// CRLF's `\r` is trimmed with the cell) and empty lines reach it as blank records.
fn csv_reader<R: Read>(reader: R) -> csv::Reader<BlankLines<R>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(BlankLines::new(reader))
}

/// Turns each empty line into a line holding one space. The csv crate skips empty lines
/// without counting them, which would shift the line numbers of the rows after them.
struct BlankLines<R> {
    inner: R,
    /// The last byte read from `inner` (`\n` at the start: the first line may be empty).
    last: u8,
    /// A byte owed to the caller when its buffer was full.
    pending: Option<u8>,
    buf: Vec<u8>,
}

impl<R: Read> BlankLines<R> {
    fn new(inner: R) -> Self {
        BlankLines {
            inner,
            last: b'\n',
            pending: None,
            buf: Vec::new(),
        }
    }
}

impl<R: Read> Read for BlankLines<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        if let Some(byte) = self.pending.take() {
            out[0] = byte;
            return Ok(1);
        }
        // Each byte read may become two: read at most half the room (at least one byte).
        let want = (out.len() / 2).max(1);
        self.buf.resize(want, 0);
        let got = self.inner.read(&mut self.buf[..want])?;
        let mut n = 0;
        for &byte in &self.buf[..got] {
            if byte == b'\n' && self.last == b'\n' {
                out[n] = b' ';
                n += 1;
                match out.get_mut(n) {
                    Some(slot) => {
                        *slot = byte;
                        n += 1;
                    }
                    None => self.pending = Some(byte),
                }
            } else {
                out[n] = byte;
                n += 1;
            }
            self.last = byte;
        }
        Ok(n)
    }
}

fn csv_error(file: &str, error: csv::Error) -> ParseError {
    let line = error.position().map(csv::Position::line);
    let reason = error.to_string();
    match error.into_kind() {
        csv::ErrorKind::Io(e) => ParseError::io(file, e),
        _ => match line {
            Some(line) => ParseError::Row(RowError {
                file: file.to_string(),
                line,
                reason,
            }),
            None => ParseError::format(file, reason),
        },
    }
}

/// The record's cells as text (UTF-8 where valid, else Latin-1), or `None` for the Ctrl-Z
/// end-of-file line and blank lines.
fn decode_record(record: &csv::ByteRecord) -> Option<Vec<String>> {
    let fields: Vec<String> = record.iter().map(decode).collect();
    let blank = fields.iter().all(|f| {
        f.trim_matches(|c: char| c == '\u{1a}' || c.is_whitespace())
            .is_empty()
    });
    (!blank).then_some(fields)
}

fn decode(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// A free-text cell (Remarks, remarks_continued) with its inner spacing kept, as the
/// continuation may start or end mid-sentence; `None` for null and empty cells.
fn text_cell(text: &str) -> Option<&str> {
    let t = text.trim_end_matches(['\r', '\n', '\u{1a}']);
    cell(t).map(|_| t)
}

/// A cell's value: `None` for OFAC's null `-0-` and for empty cells.
fn cell(text: &str) -> Option<&str> {
    let t = text.trim_matches(|c: char| c == '\u{1a}' || c.is_whitespace());
    (!t.is_empty() && t != "-0-").then_some(t)
}

fn ent_num(text: &str) -> Option<&str> {
    let t = text.trim();
    (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())).then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn city_cell_shapes() {
        let s = |t| split_city_cell(t);
        let some = |t: &str| Some(t.to_string());
        assert_eq!(s("Moscow 117335"), (some("Moscow"), None, some("117335")));
        assert_eq!(
            s("Cumberland, MD 21502"),
            (some("Cumberland"), some("MD"), some("21502"))
        );
        assert_eq!(
            s("London EC3N 1DY"),
            (some("London"), None, some("EC3N 1DY"))
        );
        assert_eq!(s("Zurich CH-8022"), (some("Zurich"), None, some("CH-8022")));
        assert_eq!(s("Havana"), (some("Havana"), None, None));
        assert_eq!(
            s("Varamin, Tehran"),
            (some("Varamin"), some("Tehran"), None)
        );
        assert_eq!(s("123456"), (None, None, some("123456")));
    }

    #[test]
    fn line_numbers_count_crlf_and_empty_lines() {
        let data: &[u8] = b"\r\n1,a\r\n\n\n2,\"b\r\nc\"\r\n3,d\n\x1a";
        let mut csv = csv_reader(data);
        let mut record = csv::ByteRecord::new();
        let mut lines = Vec::new();
        while csv.read_byte_record(&mut record).unwrap() {
            if let Some(fields) = decode_record(&record) {
                let line = record.position().map_or(0, csv::Position::line);
                lines.push((fields[0].clone(), line));
            }
        }
        let want = [("1", 2), ("2", 5), ("3", 7)].map(|(f, l)| (f.to_string(), l));
        assert_eq!(lines, want);
    }

    #[test]
    fn blank_lines_owe_a_byte_to_a_full_buffer() {
        let mut reader = BlankLines::new(&b"a\n\nb"[..]);
        let mut out = Vec::new();
        let mut one = [0u8; 1];
        while reader.read(&mut one).unwrap() == 1 {
            out.push(one[0]);
        }
        assert_eq!(out, b"a\n \nb");
    }
}
