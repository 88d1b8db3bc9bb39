//! Reading the screened file: CSV with a header row, JSON lines, or XLSX (first sheet, header
//! row first), each row turned into a [`Query`].
//!
//! Columns are recognised by name, case-insensitively, with spaces and hyphens read as
//! underscores: `id`, `name` (or `first_name`, `middle_name`, `last_name`), `birth_date`,
//! `country`, `nationality`, `gender`, `kind`, `id_number`, `imo`, `bic`, plus a few common
//! synonyms (`dob`, `surname`, `sex`, `type`, …). Other headers are ignored unless a
//! [`ColumnMap`] override names them (`--map "Client Name=name"`).
//!
//! A row that cannot be read (broken quoting, a wrong number of fields, invalid UTF-8 or
//! JSON, an empty name, an unknown kind or gender, a record over `max_record_bytes`)
//! becomes a [`RowError`] with its 1-based line number, and the run goes on; dates,
//! countries and the name limits are checked later, by [`Query::prepare_within`], in
//! parallel. A row screened with something to report (a field spanning lines, a name with
//! bidirectional controls) carries [`RowWarning`]s.
//!
//! CSV and JSON lines are streamed line by line ([`crate::records`]): lines are numbered as
//! an editor numbers them (`\n`, `\r\n` or `\r`), every line lands in one row or one
//! rejection, and a quote that swallows the rows after it is caught and those rows read on
//! their own. An XLSX sheet goes through the bounded reader of [`sanctum_sources::xlsx`],
//! which checks it against the limits (rows, columns, text per row and per sheet, the
//! workbook's compressed parts) before a cell is read; legacy `.xls` workbooks are refused.
//!
//! Standard input ([`InputReader::stdin`], `sanctum screen -`) is read as a stream too: CSV
//! or JSON lines, told apart by the first character unless the format is given (`{`: JSON
//! lines); a workbook cannot be streamed and is refused there.

use crate::records::{CsvRecords, Framed, Line, LineReader, RecordLimits};
use sanctum_limits::Limits;
use sanctum_matcher::{Query, QueryId, QueryWarning};
use sanctum_model::{EntityKind, Gender, IdKind};
use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};

/// What CSV and JSON lines are read from: a file or standard input.
type Stream = BufReader<Box<dyn Read + Send>>;
use std::path::{Path, PathBuf};

/// A field of the query a column can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Id,
    Name,
    FirstName,
    MiddleName,
    LastName,
    BirthDate,
    Country,
    Nationality,
    Gender,
    Kind,
    IdNumber,
    Imo,
    Bic,
    /// Read and dropped (`--map notes=ignore`).
    Ignore,
}

impl Field {
    /// The field a header names, by the documented names and their common synonyms.
    pub fn from_header(header: &str) -> Option<Field> {
        let key: String = header
            .trim()
            .trim_start_matches('\u{feff}')
            .to_lowercase()
            .chars()
            .map(|c| if c == ' ' || c == '-' { '_' } else { c })
            .collect();
        Some(match key.as_str() {
            "id" | "customer_id" | "client_id" | "ref" | "reference" => Field::Id,
            "name" | "full_name" | "fullname" => Field::Name,
            "first_name" | "firstname" | "given_name" => Field::FirstName,
            "middle_name" | "middlename" => Field::MiddleName,
            "last_name" | "lastname" | "surname" | "family_name" => Field::LastName,
            "birth_date" | "birthdate" | "date_of_birth" | "dob" => Field::BirthDate,
            "country" | "country_code" | "residence" => Field::Country,
            "nationality" | "citizenship" => Field::Nationality,
            "gender" | "sex" => Field::Gender,
            "kind" | "type" | "entity_type" | "schema" => Field::Kind,
            "id_number" | "passport" | "national_id" | "document_number" => Field::IdNumber,
            "imo" | "imo_number" => Field::Imo,
            "bic" | "swift" | "swift_bic" => Field::Bic,
            "ignore" => Field::Ignore,
            _ => return None,
        })
    }
}

/// Which column fills which field: recognised headers plus `COLUMN=FIELD` overrides.
#[derive(Debug, Clone, Default)]
pub struct ColumnMap {
    overrides: HashMap<String, Field>,
}

impl ColumnMap {
    /// Parses `COLUMN=FIELD` overrides; the column is matched case-insensitively.
    pub fn new(overrides: &[String]) -> Result<ColumnMap, InputError> {
        let mut map = HashMap::new();
        for spec in overrides {
            let (column, field) = spec
                .rsplit_once('=')
                .ok_or_else(|| InputError::BadMap(spec.clone(), "expected COLUMN=FIELD"))?;
            let field = Field::from_header(field)
                .ok_or_else(|| InputError::BadMap(spec.clone(), "unknown field"))?;
            map.insert(column.trim().to_lowercase(), field);
        }
        Ok(ColumnMap { overrides: map })
    }

    fn field(&self, header: &str) -> Option<Field> {
        self.overrides
            .get(&header.trim().to_lowercase())
            .copied()
            .or_else(|| Field::from_header(header))
    }

    /// The field of each column, and the headers nothing recognised.
    fn resolve(&self, headers: &[String]) -> (Vec<Option<Field>>, Vec<String>) {
        let fields: Vec<Option<Field>> = headers.iter().map(|h| self.field(h)).collect();
        let ignored = headers
            .iter()
            .zip(&fields)
            .filter(|(_, f)| f.is_none())
            .map(|(h, _)| h.clone())
            .collect();
        (fields, ignored)
    }
}

/// The input's format, from the file name unless given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    Csv,
    Jsonl,
    Xlsx,
}

impl InputFormat {
    pub fn from_path(path: &Path) -> Option<InputFormat> {
        let name = path.file_name()?.to_str()?.to_lowercase();
        if name.ends_with(".csv") || name.ends_with(".txt") || name.ends_with(".tsv") {
            Some(InputFormat::Csv)
        } else if name.ends_with(".jsonl") || name.ends_with(".ndjson") || name.ends_with(".json") {
            Some(InputFormat::Jsonl)
        } else if name.ends_with(".xlsx") || name.ends_with(".xlsm") || name.ends_with(".xls") {
            Some(InputFormat::Xlsx)
        } else {
            None
        }
    }
}

/// Why the input as a whole cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {reason}")]
    Unreadable { path: PathBuf, reason: String },
    #[error(
        "{path}: no column gives a name (looked for name, first_name, last_name; use --map COLUMN=name)"
    )]
    NoNameColumn { path: PathBuf },
    #[error("--map {0:?}: {1}")]
    BadMap(String, &'static str),
    #[error("{0}: unknown input format (use --input-format csv|jsonl|xlsx)")]
    UnknownFormat(PathBuf),
}

/// The classes of bad rows, as counted in the summary.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum RejectKind {
    BrokenQuoting,
    FieldCount,
    InvalidEncoding,
    InvalidJson,
    EmptyName,
    InvalidDate,
    UnknownCountry,
    InvalidValue,
    /// Only initials, particles or legal forms: nothing to screen on.
    NoNameWord,
    /// A name over `max_name_chars` or `max_name_tokens`, or too many names.
    NameTooLong,
    /// A record over `max_record_bytes`.
    RecordTooLong,
}

impl RejectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RejectKind::BrokenQuoting => "broken quoting",
            RejectKind::FieldCount => "wrong number of fields",
            RejectKind::InvalidEncoding => "invalid UTF-8",
            RejectKind::InvalidJson => "invalid JSON",
            RejectKind::EmptyName => "empty name",
            RejectKind::InvalidDate => "unparseable date",
            RejectKind::UnknownCountry => "unknown country",
            RejectKind::InvalidValue => "invalid value",
            RejectKind::NoNameWord => "no name word",
            RejectKind::NameTooLong => "name too long",
            RejectKind::RecordTooLong => "record too long",
        }
    }
}

/// A row that was not screened, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RowError {
    /// 1-based line of the row's start in the file (the sheet row for XLSX).
    pub line: u64,
    pub kind: RejectKind,
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}: {}: {}",
            self.line,
            self.kind.as_str(),
            self.reason
        )
    }
}

/// What a row screened despite it tells the analyst.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum WarnKind {
    /// A quoted field with line breaks outside the name columns (an address, a note).
    MultiLineField,
    /// A name holds bidirectional control characters: what it shows is not what it stores.
    BidiControls,
    /// One of the row's names had too little to screen on and was left out.
    NameLeftOut,
    /// No name had enough to screen on: only an identifier match alerts.
    IdentifiersOnly,
}

impl WarnKind {
    pub fn as_str(self) -> &'static str {
        match self {
            WarnKind::MultiLineField => "field spanning lines",
            WarnKind::BidiControls => "bidirectional controls in a name",
            WarnKind::NameLeftOut => "name left out",
            WarnKind::IdentifiersOnly => "identifiers only",
        }
    }
}

/// Something to report about a screened row.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RowWarning {
    /// 1-based line of the row's start.
    pub line: u64,
    pub kind: WarnKind,
    pub message: String,
}

impl RowWarning {
    /// A warning of query preparation, on the row's line.
    pub fn from_query(line: u64, warning: &QueryWarning) -> RowWarning {
        let kind = match warning {
            QueryWarning::BidiControls { .. } => WarnKind::BidiControls,
            QueryWarning::NameLeftOut(_) => WarnKind::NameLeftOut,
            QueryWarning::IdentifiersOnly => WarnKind::IdentifiersOnly,
        };
        RowWarning {
            line,
            kind,
            message: warning.to_string(),
        }
    }
}

impl fmt::Display for RowWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// One readable row.
#[derive(Debug, Clone)]
pub struct InputRow {
    pub line: u64,
    /// The `id` column, else the line number.
    pub id: String,
    pub query: Query,
    /// Usually none (no allocation).
    pub warnings: Vec<RowWarning>,
}

impl InputRow {
    /// The name as the input gave it, for the alert record.
    pub fn display_name(&self) -> String {
        self.query.names.join(" | ")
    }
}

pub type RowResult = Result<InputRow, RowError>;

/// Values of one row by field, before they become a query.
#[derive(Default)]
struct RowValues {
    id: Option<String>,
    names: Vec<String>,
    first: Vec<String>,
    middle: Vec<String>,
    last: Vec<String>,
    birth_dates: Vec<String>,
    countries: Vec<String>,
    gender: Option<String>,
    kind: Option<String>,
    ids: Vec<QueryId>,
}

impl RowValues {
    fn set(&mut self, field: Field, value: &str) {
        let value = value.trim();
        if value.is_empty() {
            return;
        }
        let v = value.to_string();
        match field {
            Field::Id => self.id = Some(v),
            Field::Name => self.names.push(v),
            Field::FirstName => self.first.push(v),
            Field::MiddleName => self.middle.push(v),
            Field::LastName => self.last.push(v),
            Field::BirthDate => self.birth_dates.push(v),
            Field::Country | Field::Nationality => self.countries.push(v),
            Field::Gender => self.gender = Some(v),
            Field::Kind => self.kind = Some(v),
            Field::IdNumber => self.ids.push(QueryId {
                kind: None,
                value: v,
            }),
            Field::Imo => self.ids.push(QueryId {
                kind: Some(IdKind::Imo),
                value: v,
            }),
            Field::Bic => self.ids.push(QueryId {
                kind: Some(IdKind::SwiftBic),
                value: v,
            }),
            Field::Ignore => {}
        }
    }

    fn into_row(self, line: u64) -> RowResult {
        let reject = |kind: RejectKind, reason: String| RowError { line, kind, reason };
        let mut names = self.names;
        let parts: Vec<String> = self
            .first
            .into_iter()
            .chain(self.middle)
            .chain(self.last)
            .collect();
        if !parts.is_empty() {
            names.push(parts.join(" "));
        }
        if let Some(bad) = names.iter().find(|n| n.contains(['\n', '\r'])) {
            return Err(reject(
                RejectKind::BrokenQuoting,
                format!(
                    "a line break inside the name {:?} (an unbalanced quote?)",
                    bad.chars().take(60).collect::<String>()
                ),
            ));
        }
        // An identifier alone is a query (a BIC, an IMO number): only its match alerts.
        if names.is_empty() && self.ids.iter().all(|i| i.value.trim().is_empty()) {
            return Err(reject(
                RejectKind::EmptyName,
                "no name or identifier given".to_string(),
            ));
        }
        let kind = match self.kind.as_deref().map(str::to_lowercase).as_deref() {
            None | Some("unknown") => None,
            Some("person" | "individual" | "natural_person") => Some(EntityKind::Person),
            Some("organization" | "organisation" | "company" | "entity" | "legal_entity") => {
                Some(EntityKind::Organization)
            }
            Some("vessel" | "ship") => Some(EntityKind::Vessel),
            Some("aircraft") => Some(EntityKind::Aircraft),
            Some(other) => {
                return Err(reject(
                    RejectKind::InvalidValue,
                    format!("unknown kind {other:?} (person, organization, vessel, aircraft)"),
                ));
            }
        };
        let gender = match self.gender.as_deref().map(str::to_lowercase).as_deref() {
            None | Some("u" | "unknown" | "x") => None,
            Some("m" | "male" | "man") => Some(Gender::Male),
            Some("f" | "female" | "woman") => Some(Gender::Female),
            Some("other") => Some(Gender::Other),
            Some(other) => {
                return Err(reject(
                    RejectKind::InvalidValue,
                    format!("unknown gender {other:?} (m, f, male, female)"),
                ));
            }
        };
        Ok(InputRow {
            line,
            warnings: Vec::new(),
            id: self.id.unwrap_or_else(|| line.to_string()),
            query: Query {
                names,
                kind,
                birth_dates: self.birth_dates,
                countries: self.countries,
                gender,
                identifiers: self.ids,
            },
        })
    }
}

/// The format of a stream by its first character that is not white space (a byte-order
/// mark skipped): `{` or `[` is JSON lines, anything else CSV. Nothing is consumed.
fn sniff_format(stream: &mut Stream) -> std::io::Result<InputFormat> {
    let buf = stream.fill_buf()?;
    let buf = buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(buf);
    Ok(match buf.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{' | b'[') => InputFormat::Jsonl,
        _ => InputFormat::Csv,
    })
}

/// A validation error of [`Query::prepare`] as a rejected row.
pub fn query_error(line: u64, err: &sanctum_matcher::QueryError) -> RowError {
    use sanctum_matcher::QueryError as E;
    let kind = match err {
        E::NoName | E::EmptyName(_) => RejectKind::EmptyName,
        E::NoNameWord(_) => RejectKind::NoNameWord,
        E::TooLarge { .. } => RejectKind::NameTooLong,
        E::InvalidDate { .. } => RejectKind::InvalidDate,
        E::UnknownCountry(_) => RejectKind::UnknownCountry,
    };
    RowError {
        line,
        kind,
        reason: err.to_string(),
    }
}

enum Inner {
    Csv {
        /// Boxed: the parser's state tables are a kilobyte.
        records: Box<CsvRecords<Stream>>,
        headers: Vec<String>,
        fields: Vec<Option<Field>>,
    },
    Jsonl {
        lines: LineReader<Stream>,
        line: Line,
        map: ColumnMap,
    },
    Xlsx {
        rows: std::vec::IntoIter<(u64, Vec<String>)>,
        fields: Vec<Option<Field>>,
    },
}

/// Rows of one input file, in file order.
pub struct InputReader {
    path: PathBuf,
    inner: Inner,
    /// Headers no field was recognised for (ignored), for a notice.
    pub ignored_columns: Vec<String>,
    /// Total size in progress units (bytes for CSV/JSONL, rows for XLSX).
    pub total: u64,
    position: u64,
    /// XLSX: the last sheet row read.
    sheet_rows: u64,
}

impl InputReader {
    /// Opens `path`; its records are bounded by `limits.max_record_bytes` and
    /// `limits.max_record_lines`, a spreadsheet by the sheet limits.
    pub fn open(
        path: &Path,
        format: Option<InputFormat>,
        map: &ColumnMap,
        limits: &Limits,
    ) -> Result<InputReader, InputError> {
        let format = format
            .or_else(|| InputFormat::from_path(path))
            .ok_or_else(|| InputError::UnknownFormat(path.to_path_buf()))?;
        let io = |source| InputError::Io {
            path: path.to_path_buf(),
            source,
        };
        if format == InputFormat::Xlsx {
            let (headers, rows) = read_xlsx(path, limits)?;
            let (fields, ignored) = map.resolve(&headers);
            check_name_column(path, &fields)?;
            let total = rows.len() as u64;
            return Ok(InputReader {
                path: path.to_path_buf(),
                inner: Inner::Xlsx {
                    rows: rows.into_iter(),
                    fields,
                },
                ignored_columns: ignored,
                total,
                position: 0,
                sheet_rows: 0,
            });
        }
        let file = File::open(path).map_err(io)?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        let stream = BufReader::with_capacity(1 << 16, Box::new(file) as Box<dyn Read + Send>);
        InputReader::from_stream(path, stream, size, format, map, limits)
    }

    /// Reads standard input (named "standard input" in messages): CSV or JSON lines, by
    /// `format` or else by its first character that is not white space (`{` or `[`: JSON
    /// lines; anything else: CSV). A workbook cannot be read from a stream.
    pub fn stdin(
        format: Option<InputFormat>,
        map: &ColumnMap,
        limits: &Limits,
    ) -> Result<InputReader, InputError> {
        let path = Path::new("standard input");
        let mut stream: Stream =
            BufReader::with_capacity(1 << 16, Box::new(std::io::stdin()) as Box<dyn Read + Send>);
        let format = match format {
            Some(InputFormat::Xlsx) => {
                return Err(InputError::Unreadable {
                    path: path.to_path_buf(),
                    reason: "an XLSX workbook cannot be read from standard input: give its file"
                        .to_string(),
                });
            }
            Some(format) => format,
            None => sniff_format(&mut stream).map_err(|source| InputError::Io {
                path: path.to_path_buf(),
                source,
            })?,
        };
        InputReader::from_stream(path, stream, 0, format, map, limits)
    }

    /// CSV or JSON lines from `stream`; `size` in bytes for progress (0: unknown).
    fn from_stream(
        path: &Path,
        stream: Stream,
        size: u64,
        format: InputFormat,
        map: &ColumnMap,
        limits: &Limits,
    ) -> Result<InputReader, InputError> {
        let io = |source| InputError::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut ignored_columns = Vec::new();
        let (inner, total) = match format {
            InputFormat::Csv => {
                let delimiter = if path.extension().is_some_and(|e| e == "tsv") {
                    b'\t'
                } else {
                    b','
                };
                let mut records = CsvRecords::new(
                    stream,
                    delimiter,
                    RecordLimits {
                        max_bytes: limits.max_record_bytes,
                        max_lines: limits.max_record_lines,
                    },
                );
                let unreadable = |reason: String| InputError::Unreadable {
                    path: path.to_path_buf(),
                    reason,
                };
                let headers: Vec<String> = match records.next().map_err(io)? {
                    None => return Err(unreadable("no header row: the file is empty".into())),
                    Some(Framed::Rejected(e)) => {
                        return Err(unreadable(format!("header row: {e}")));
                    }
                    Some(Framed::Record { .. }) => (0..records.len())
                        .map(|i| String::from_utf8_lossy(records.field(i)).into_owned())
                        .collect(),
                };
                records.set_width(headers.len());
                let (fields, ignored) = map.resolve(&headers);
                check_name_column(path, &fields)?;
                ignored_columns = ignored;
                (
                    Inner::Csv {
                        records: Box::new(records),
                        headers,
                        fields,
                    },
                    size,
                )
            }
            InputFormat::Jsonl => (
                Inner::Jsonl {
                    lines: LineReader::new(stream, limits.max_record_bytes),
                    line: Line::default(),
                    map: map.clone(),
                },
                size,
            ),
            InputFormat::Xlsx => {
                return Err(InputError::Unreadable {
                    path: path.to_path_buf(),
                    reason: "a workbook is read from its file, not a stream".to_string(),
                });
            }
        };
        Ok(InputReader {
            path: path.to_path_buf(),
            inner,
            ignored_columns,
            total,
            position: 0,
            sheet_rows: 0,
        })
    }

    /// How far the reader is, in the units of [`InputReader::total`].
    pub fn position(&self) -> u64 {
        self.position
    }

    /// Physical lines read so far, the header's included (sheet rows for XLSX).
    pub fn lines_read(&self) -> u64 {
        match &self.inner {
            Inner::Csv { records, .. } => records.lines_read(),
            Inner::Jsonl { lines, .. } => lines.lines(),
            Inner::Xlsx { .. } => self.sheet_rows,
        }
    }

    /// The next row; `Ok(None)` at the end; `Err` only when the file itself fails.
    pub fn next_row(&mut self) -> Result<Option<RowResult>, InputError> {
        match &mut self.inner {
            Inner::Csv {
                records,
                headers,
                fields,
            } => {
                let framed = records.next().map_err(|source| InputError::Io {
                    path: self.path.clone(),
                    source,
                })?;
                self.position = records.consumed();
                match framed {
                    None => Ok(None),
                    Some(Framed::Rejected(e)) => Ok(Some(Err(e))),
                    Some(Framed::Record { first, last }) => {
                        Ok(Some(csv_row(records, headers, fields, first, last)))
                    }
                }
            }
            Inner::Jsonl { lines, line, map } => loop {
                let more = lines.next_into(line).map_err(|source| InputError::Io {
                    path: self.path.clone(),
                    source,
                })?;
                if !more {
                    return Ok(None);
                }
                self.position = lines.consumed();
                let reject = |kind, reason| {
                    Ok(Some(Err(RowError {
                        line: line.number,
                        kind,
                        reason,
                    })))
                };
                if line.over {
                    return reject(
                        RejectKind::RecordTooLong,
                        format!(
                            "the line is longer than {} bytes (`max_record_bytes` in [limits]); skipped unread",
                            line.bytes.len()
                        ),
                    );
                }
                let text = match std::str::from_utf8(&line.bytes) {
                    Ok(text) => text,
                    Err(e) => {
                        return reject(
                            RejectKind::InvalidEncoding,
                            format!("invalid UTF-8 at byte {} of the line", e.valid_up_to() + 1),
                        );
                    }
                };
                let text = text.trim_start_matches('\u{feff}').trim();
                if text.is_empty() {
                    continue;
                }
                return Ok(Some(json_row(text, line.number, map)));
            },
            Inner::Xlsx { rows, fields } => {
                let Some((line, cells)) = rows.next() else {
                    return Ok(None);
                };
                self.position += 1;
                self.sheet_rows = line;
                let mut values = RowValues::default();
                for (field, value) in fields.iter().zip(cells.iter()) {
                    if let Some(field) = field {
                        values.set(*field, value);
                    }
                }
                Ok(Some(values.into_row(line)))
            }
        }
    }
}

/// The row of one CSV record spanning lines `first..=last`.
fn csv_row<R: std::io::BufRead>(
    records: &CsvRecords<R>,
    headers: &[String],
    fields: &[Option<Field>],
    first: u64,
    last: u64,
) -> RowResult {
    let reject = |kind, reason| {
        Err(RowError {
            line: first,
            kind,
            reason,
        })
    };
    let width = fields.len();
    let len = records.len();
    if len != width {
        return if last > first {
            reject(
                RejectKind::BrokenQuoting,
                format!(
                    "unbalanced quote: one record runs from line {first} to line {last} ({len} fields where the header has {width})"
                ),
            )
        } else {
            reject(
                RejectKind::FieldCount,
                format!("{len} fields where the header has {width} (a stray delimiter?)"),
            )
        };
    }
    let mut values = RowValues::default();
    let mut spanning: Vec<&str> = Vec::new();
    for (i, (field, header)) in fields.iter().zip(headers).enumerate() {
        let text = match std::str::from_utf8(records.field(i)) {
            Ok(text) => text,
            Err(e) => {
                return reject(
                    RejectKind::InvalidEncoding,
                    format!(
                        "column {header:?}: invalid UTF-8 at byte {} of the field",
                        e.valid_up_to() + 1
                    ),
                );
            }
        };
        if last > first && text.contains('\n') {
            if matches!(
                field,
                Some(Field::Name | Field::FirstName | Field::MiddleName | Field::LastName)
            ) {
                return reject(
                    RejectKind::BrokenQuoting,
                    format!(
                        "lines {first} to {last} are one record: a line break inside the name {:?} (an unbalanced quote?)",
                        text.chars().take(60).collect::<String>()
                    ),
                );
            }
            spanning.push(header);
        }
        if let Some(field) = field {
            values.set(*field, text);
        }
    }
    let mut row = values.into_row(first)?;
    if !spanning.is_empty() {
        row.warnings.push(RowWarning {
            line: first,
            kind: WarnKind::MultiLineField,
            message: format!(
                "lines {first} to {last} are one record: column {} holds line breaks",
                spanning
                    .iter()
                    .map(|h| format!("{h:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    Ok(row)
}

fn check_name_column(path: &Path, fields: &[Option<Field>]) -> Result<(), InputError> {
    let named = fields.iter().flatten().any(|f| {
        matches!(
            f,
            Field::Name | Field::FirstName | Field::MiddleName | Field::LastName
        )
    });
    if named {
        Ok(())
    } else {
        Err(InputError::NoNameColumn {
            path: path.to_path_buf(),
        })
    }
}

fn json_row(text: &str, line: u64, map: &ColumnMap) -> RowResult {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| RowError {
        line,
        kind: RejectKind::InvalidJson,
        reason: e.to_string(),
    })?;
    let serde_json::Value::Object(object) = value else {
        return Err(RowError {
            line,
            kind: RejectKind::InvalidJson,
            reason: "not a JSON object".to_string(),
        });
    };
    let mut values = RowValues::default();
    for (key, value) in &object {
        let Some(field) = map.field(key) else {
            continue;
        };
        let mut put = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) => values.set(field, s),
            serde_json::Value::Number(n) => values.set(field, &n.to_string()),
            _ => {}
        };
        match value {
            serde_json::Value::Array(items) => items.iter().for_each(&mut put),
            other => put(other),
        }
    }
    values.into_row(line)
}

type SheetRows = (Vec<String>, Vec<(u64, Vec<String>)>);

/// Reads the first sheet of an XLSX file through the bounded reader of
/// [`sanctum_sources::xlsx`]: a sheet over the row, column or size limits is refused before
/// any row is built (a two-cell sheet A1 + XFD1048576 no longer allocates the range between).
fn read_xlsx(path: &Path, limits: &Limits) -> Result<SheetRows, InputError> {
    use sanctum_sources::xlsx::{Data, Workbook, XlsxError};
    let unreadable = |reason: String| InputError::Unreadable {
        path: path.to_path_buf(),
        reason,
    };
    let file = File::open(path).map_err(|source| InputError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut workbook = Workbook::open(BufReader::with_capacity(1 << 16, file), limits)
        .map_err(|e| unreadable(e.to_string()))?;
    let sheet = workbook
        .sheet_names()
        .into_iter()
        .next()
        .ok_or_else(|| unreadable("the workbook has no sheet".to_string()))?;
    let cell_text = |cell: &Data| -> String {
        match cell {
            Data::Empty => String::new(),
            Data::String(s) => s.clone(),
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            Data::Float(f) => f.to_string(),
            Data::Int(i) => i.to_string(),
            Data::Bool(b) => b.to_string(),
            Data::DateTime(d) => {
                let (y, m, day, ..) = d.to_ymd_hms_milli();
                format!("{y:04}-{m:02}-{day:02}")
            }
            Data::DateTimeIso(s) => s.chars().take(10).collect(),
            Data::DurationIso(s) => s.clone(),
            Data::Error(e) => format!("#{e:?}"),
        }
    };
    let mut headers: Option<Vec<String>> = None;
    let mut body = Vec::new();
    workbook
        .for_each_row(&sheet, |row| -> Result<(), XlsxError> {
            let cells: Vec<String> = row.cells.iter().map(cell_text).collect();
            if headers.is_none() {
                headers = Some(cells);
            } else if cells.iter().any(|c| !c.trim().is_empty()) {
                body.push((row.line, cells));
            }
            Ok(())
        })
        .map_err(|e| unreadable(e.to_string()))?;
    let headers = headers.ok_or_else(|| unreadable("the first sheet is empty".to_string()))?;
    Ok((headers, body))
}
