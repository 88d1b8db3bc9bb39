//! Readers for the official sanctions list formats, and their downloads.
//!
//! A *publication* is one release of one *source* (a list such as OFAC's SDN list): one file,
//! or a set of files read together (sdn.csv with add.csv, alt.csv and sdn_comments.csv).
//! Each format module turns a publication into a [`Parsed`]: the parties as
//! [`sanctum_model::Entity`] values, the publication date where the content gives one, and
//! the rows skipped in lenient mode.
//!
//! - [`catalog`]: the known sources, their default URLs and formats.
//! - [`detect`]: which format and source a file is, from its name and first bytes; how a
//!   directory of publications is grouped and ordered.
//! - [`ofac_csv`], [`ofac_legacy_xml`], [`ofac_advanced_xml`], [`ofac_enhanced_xml`],
//!   [`us_csl`], [`ftm`]: one module per format.
//! - [`download`]: fetching a source over HTTP, or from a local mirror directory.
//! - [`xlsx`]: the bounded spreadsheet reader every XLSX format (and screening) goes through.
//! - [`pdf`]: the text of a PDF, line by line (Japan METI publishes its list as a PDF).
//!
//! Parsers read from `BufRead` and never hold the file in memory: what they keep is the
//! parties themselves (the advanced XML's forward references need all of them until the end).
//! By default they are strict: the first bad row is an error naming file, line and reason.
//! With [`ParseOptions::lenient`] such rows are skipped and reported in [`Parsed::skipped`].
//!
//! Every reader is bounded by [`ParseOptions::limits`]: compressed inputs inflate through
//! `InflateGuard`, XML nests at most `max_xml_depth` deep, spreadsheets are checked against
//! their row and column limits before any row is built. A publication cut short is an error,
//! never a shorter list: a CSV ending inside a quoted field, an XML document ending before
//! its root closes, an OFAC CSV without its closing Ctrl-Z, a gzip stream or zip member
//! whose checksum or length does not match.

mod archive;
pub mod ca_sema;
pub mod catalog;
pub mod ch_seco;
mod csv_guard;
pub mod detect;
pub mod download;
pub mod eu_fsf;
pub mod ftm;
pub mod jp_meti;
pub mod jp_mof;
pub mod ofac_advanced_xml;
pub mod ofac_common;
pub mod ofac_csv;
pub mod ofac_enhanced_xml;
pub mod ofac_legacy_xml;
pub mod ofac_remarks;
mod ofac_xml_util;
pub mod pdf;
pub mod uk_fcdo;
pub mod uk_ofsi;
pub mod un_sc;
pub mod us_csl;
pub mod xlsx;

use sanctum_model::{Entity, PartialDate};
use std::fmt;

pub use sanctum_limits::Limits;

/// How strictly to read a publication, and within which limits.
#[derive(Debug, Clone, Default)]
pub struct ParseOptions {
    /// Skip rows that cannot be read (reporting each) instead of rejecting the publication.
    pub lenient: bool,
    /// The size, depth and count limits every reader enforces (`[limits]` in sanctum.toml).
    pub limits: Limits,
}

/// A row or record that could not be read: where it is and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The file name as the user gave it (a zip member reads `archive.zip!member.xml`).
    pub file: String,
    /// 1-based line number in the file (for XML, the line where the record starts).
    pub line: u64,
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.reason)
    }
}

/// Why a publication could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// A bad row, in strict mode.
    #[error("{0}")]
    Row(RowError),
    /// The file as a whole is not what the format expects.
    #[error("{file}: {reason}")]
    Format { file: String, reason: String },
    #[error("{file}: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
}

impl ParseError {
    pub fn format(file: &str, reason: impl Into<String>) -> Self {
        ParseError::Format {
            file: file.to_string(),
            reason: reason.into(),
        }
    }
    /// An I/O error reading `file`. The errors of the guarded readers are not I/O failures
    /// but findings about the file: a limit it went over, a quoted field left open at its
    /// end. They become format and row errors, like other bad input.
    pub fn io(file: &str, source: std::io::Error) -> Self {
        if let Some(inner) = source.get_ref() {
            if let Some(open) = inner.downcast_ref::<csv_guard::OpenQuote>() {
                return ParseError::Row(RowError {
                    file: file.to_string(),
                    line: open.line,
                    reason: open.to_string(),
                });
            }
            if inner.is::<sanctum_limits::LimitExceeded>() {
                return ParseError::format(file, inner.to_string());
            }
        }
        ParseError::Io {
            file: file.to_string(),
            source,
        }
    }
}

/// A publication read into the entity model.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub entities: Vec<Entity>,
    /// The publication date, where the content states one.
    pub published: Option<PartialDate>,
    /// Rows skipped in lenient mode.
    pub skipped: Vec<RowError>,
    /// What the user should know although the publication is accepted (records merged that
    /// look like different parties, a file whose end cannot be checked), each naming its file
    /// and, where there is one, its line.
    pub warnings: Vec<String>,
}

impl Parsed {
    /// Records a bad row: an error in strict mode, a skip notice in lenient mode.
    pub fn reject_row(&mut self, opts: &ParseOptions, row: RowError) -> Result<(), ParseError> {
        if opts.lenient {
            self.skipped.push(row);
            Ok(())
        } else {
            Err(ParseError::Row(row))
        }
    }
}

/// One file of a publication, open for reading, with the name used in messages.
pub struct Input<'a> {
    /// The file name as the user gave it (a zip member reads `archive.zip!member.xml`).
    pub name: String,
    pub reader: Box<dyn std::io::BufRead + 'a>,
}

impl<'a> Input<'a> {
    pub fn new(name: impl Into<String>, reader: impl std::io::BufRead + 'a) -> Self {
        Input {
            name: name.into(),
            reader: Box::new(reader),
        }
    }

    /// Opens a file on disk.
    pub fn open(path: &std::path::Path) -> Result<Input<'static>, ParseError> {
        let name = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|e| ParseError::io(&name, e))?;
        Ok(Input {
            name,
            reader: Box::new(std::io::BufReader::with_capacity(1 << 16, file)),
        })
    }
}

/// Reads a CSV file's header row into a column index, checking that `required` columns are
/// there; `what` names the format in the error ("a CSL file").
pub(crate) fn csv_header<R: std::io::Read>(
    reader: &mut csv::Reader<R>,
    file: &str,
    what: &str,
    required: &[&str],
) -> Result<(std::collections::HashMap<String, usize>, usize), ParseError> {
    let mut record = csv::StringRecord::new();
    if !reader
        .read_record(&mut record)
        .map_err(|e| csv_error(file, e))?
    {
        return Err(ParseError::format(file, "empty file: no header row"));
    }
    let index: std::collections::HashMap<String, usize> = record
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim_start_matches('\u{feff}').trim().to_string(), i))
        .collect();
    if let Some(missing) = required.iter().find(|r| !index.contains_key(**r)) {
        return Err(ParseError::format(
            file,
            format!("not {what}: header has no {missing:?} column"),
        ));
    }
    Ok((index, record.len()))
}

/// A csv crate error as a parse error of `file`.
pub(crate) fn csv_error(file: &str, e: csv::Error) -> ParseError {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => ParseError::io(file, io),
        other => ParseError::format(file, format!("{other:?}")),
    }
}
