//! Reading the screened file: CSV with a header row, JSON lines, or XLSX (first sheet, header
//! row first), each row turned into a [`Query`].
//!
//! Columns are recognised by name, case-insensitively, with spaces and hyphens read as
//! underscores: `id`, `name` (or `first_name`, `middle_name`, `last_name`), `birth_date`,
//! `country`, `nationality`, `gender`, `kind`, `id_number`, `imo`, `bic`, plus a few common
//! synonyms (`dob`, `surname`, `sex`, `type`, …). Other headers are ignored unless a
//! [`ColumnMap`] override names them (`--map "Client Name=name"`).
//!
//! A row that cannot be read (broken quoting, a wrong number of fields, invalid JSON, an
//! empty name, an unknown kind or gender) becomes a [`RowError`] with its 1-based line
//! number; dates and countries are validated later, by [`Query::prepare`], in parallel.
//! CSV and JSON lines are streamed; an XLSX sheet is read whole, after the bounded reader of
//! [`sanctum_sources::xlsx`] has checked it against the limits (rows, columns, text per row
//! and per sheet, the workbook's compressed parts). Legacy `.xls` workbooks are refused.

use sanctum_limits::Limits;
use sanctum_matcher::{Query, QueryId};
use sanctum_model::{EntityKind, Gender, IdKind};
use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader};
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
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
        }
    }
}

/// A row that was not screened, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
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

/// One readable row.
#[derive(Debug, Clone)]
pub struct InputRow {
    pub line: u64,
    /// The `id` column, else the line number.
    pub id: String,
    pub query: Query,
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
        if names.is_empty() {
            return Err(reject(RejectKind::EmptyName, "no name given".to_string()));
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

/// A validation error of [`Query::prepare`] as a rejected row.
pub fn query_error(line: u64, err: &sanctum_matcher::QueryError) -> RowError {
    use sanctum_matcher::QueryError as E;
    let kind = match err {
        E::NoName | E::EmptyName(_) => RejectKind::EmptyName,
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
        reader: csv::Reader<BufReader<File>>,
        fields: Vec<Option<Field>>,
        record: csv::StringRecord,
    },
    Jsonl {
        lines: BufReader<File>,
        line: u64,
        buffer: String,
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
}

impl InputReader {
    /// [`InputReader::open_with_limits`] with the default limits.
    pub fn open(
        path: &Path,
        format: Option<InputFormat>,
        map: &ColumnMap,
    ) -> Result<InputReader, InputError> {
        Self::open_with_limits(path, format, map, &Limits::default())
    }

    /// Opens an input file, reading it within `limits` (`[limits]` of sanctum.toml).
    pub fn open_with_limits(
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
        let file = File::open(path).map_err(io)?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        let mut ignored_columns = Vec::new();
        let (inner, total) = match format {
            InputFormat::Csv => {
                let delimiter = if path.extension().is_some_and(|e| e == "tsv") {
                    b'\t'
                } else {
                    b','
                };
                let mut reader = csv::ReaderBuilder::new()
                    .delimiter(delimiter)
                    .flexible(false)
                    .from_reader(BufReader::with_capacity(1 << 16, file));
                let headers: Vec<String> = reader
                    .headers()
                    .map_err(|e| InputError::Unreadable {
                        path: path.to_path_buf(),
                        reason: format!("header row: {e}"),
                    })?
                    .iter()
                    .map(str::to_string)
                    .collect();
                let (fields, ignored) = map.resolve(&headers);
                check_name_column(path, &fields)?;
                ignored_columns = ignored;
                (
                    Inner::Csv {
                        reader,
                        fields,
                        record: csv::StringRecord::new(),
                    },
                    size,
                )
            }
            InputFormat::Jsonl => (
                Inner::Jsonl {
                    lines: BufReader::with_capacity(1 << 16, file),
                    line: 0,
                    buffer: String::new(),
                    map: map.clone(),
                },
                size,
            ),
            InputFormat::Xlsx => {
                let (headers, rows) = read_xlsx(path, limits)?;
                let (fields, ignored) = map.resolve(&headers);
                check_name_column(path, &fields)?;
                ignored_columns = ignored;
                let total = rows.len() as u64;
                (
                    Inner::Xlsx {
                        rows: rows.into_iter(),
                        fields,
                    },
                    total,
                )
            }
        };
        Ok(InputReader {
            path: path.to_path_buf(),
            inner,
            ignored_columns,
            total,
            position: 0,
        })
    }

    /// How far the reader is, in the units of [`InputReader::total`].
    pub fn position(&self) -> u64 {
        self.position
    }

    /// The next row; `Ok(None)` at the end; `Err` only when the file itself fails.
    pub fn next_row(&mut self) -> Result<Option<RowResult>, InputError> {
        match &mut self.inner {
            Inner::Csv {
                reader,
                fields,
                record,
            } => match reader.read_record(record) {
                Ok(false) => Ok(None),
                Ok(true) => {
                    let line = record.position().map(|p| p.line()).unwrap_or(0);
                    self.position = record.position().map(|p| p.byte()).unwrap_or(0);
                    let mut values = RowValues::default();
                    for (field, value) in fields.iter().zip(record.iter()) {
                        if let Some(field) = field {
                            values.set(*field, value);
                        }
                    }
                    Ok(Some(values.into_row(line)))
                }
                Err(err) => {
                    let line = err.position().map(|p| p.line()).unwrap_or(0);
                    if let Some(p) = err.position() {
                        self.position = p.byte();
                    }
                    // Where the reader stands now: a record that ran over several lines
                    // swallowed rows into a quoted field.
                    let end = reader.position().line().saturating_sub(1).max(line);
                    let (kind, reason) = match err.kind() {
                        csv::ErrorKind::UnequalLengths {
                            expected_len, len, ..
                        } if end > line => (
                            RejectKind::BrokenQuoting,
                            format!(
                                "unbalanced quote: one record runs from line {line} to line {end} ({len} fields where the header has {expected_len}); the rows in between are part of it"
                            ),
                        ),
                        csv::ErrorKind::UnequalLengths {
                            expected_len, len, ..
                        } => (
                            RejectKind::FieldCount,
                            format!(
                                "{len} fields where the header has {expected_len} (a stray delimiter?)"
                            ),
                        ),
                        csv::ErrorKind::Utf8 { err, .. } => {
                            (RejectKind::InvalidEncoding, err.to_string())
                        }
                        csv::ErrorKind::Io(_) => {
                            return Err(InputError::Unreadable {
                                path: self.path.clone(),
                                reason: err.to_string(),
                            });
                        }
                        _ => (RejectKind::BrokenQuoting, err.to_string()),
                    };
                    Ok(Some(Err(RowError { line, kind, reason })))
                }
            },
            Inner::Jsonl {
                lines,
                line,
                buffer,
                map,
            } => loop {
                buffer.clear();
                let read = lines.read_line(buffer).map_err(|source| InputError::Io {
                    path: self.path.clone(),
                    source,
                })?;
                if read == 0 {
                    return Ok(None);
                }
                *line += 1;
                self.position += read as u64;
                let text = buffer.trim();
                if text.is_empty() {
                    continue;
                }
                return Ok(Some(json_row(text, *line, map)));
            },
            Inner::Xlsx { rows, fields } => {
                let Some((line, cells)) = rows.next() else {
                    return Ok(None);
                };
                self.position += 1;
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
