//! Alert records: one per alert, as JSON lines or CSV.
//!
//! Fields: `input_id`, `input_line`, `input_name`, `score`, `status` (`alert`; in a delta
//! re-screening `new`, `amended`, or, for an earlier alert that no longer holds, `delisted`
//! or `amended_away`), `entity_id` (`source:source_id`), `source`, `source_id` (the
//! publisher's own record id, e.g. the OFAC uid), `kind`, `caption`, `matched_name`,
//! `matched_name_kind`, `programs`, `explanation` (an object in JSON lines, one line of text
//! in CSV), `input_warnings` (what the row was screened despite: a field spanning lines, a
//! name with bidirectional controls; left out of JSON lines when there is none).
//!
//! CSV cells are opened by spreadsheets, which run a cell starting with `=`, `+`, `-`, `@`,
//! a tab or a carriage return as a formula: such a cell is written with a `'` before it
//! (OWASP's advice against CSV injection), since names and ids come from the lists and
//! the customer file, not from us.

use crate::input::{InputRow, RowError};
use crate::{Alert, RowOutcome, ScreenError, Screener};
use serde::Serialize;
use std::io::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Jsonl,
    Csv,
}

#[derive(Serialize)]
struct Record<'a> {
    input_id: &'a str,
    input_line: u64,
    input_name: String,
    score: f64,
    status: &'static str,
    entity_id: String,
    source: &'a str,
    source_id: &'a str,
    kind: &'static str,
    caption: &'a str,
    matched_name: &'a str,
    matched_name_kind: &'static str,
    programs: Vec<&'a str>,
    explanation: &'a sanctum_matcher::Explanation,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    input_warnings: Vec<&'a str>,
}

const CSV_HEADER: &[&str] = &[
    "input_id",
    "input_line",
    "input_name",
    "score",
    "status",
    "entity_id",
    "source",
    "source_id",
    "kind",
    "caption",
    "matched_name",
    "matched_name_kind",
    "programs",
    "explanation",
    "input_warnings",
];

/// A CSV cell a spreadsheet will not run as a formula: one starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return gets a `'` before it.
pub fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

fn name_kind(kind: sanctum_model::NameKind) -> &'static str {
    use sanctum_model::NameKind as K;
    match kind {
        K::Primary => "primary",
        K::Alias => "alias",
        K::WeakAlias => "weak_alias",
        K::Former => "former",
        K::OriginalScript => "original_script",
    }
}

/// The explanation on one line, for CSV.
pub fn explanation_line(e: &sanctum_matcher::Explanation) -> String {
    e.to_string()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Writes alert records.
pub struct AlertWriter {
    format: OutputFormat,
    json: Option<Box<dyn Write + Send>>,
    csv: Option<csv::Writer<Box<dyn Write + Send>>>,
}

/// Writes the CSV header row alone: the start of an output whose records are written in
/// parts elsewhere ([`AlertWriter::continuing`]).
pub fn write_csv_header(out: &mut dyn Write) -> Result<(), ScreenError> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CSV_HEADER).map_err(csv_error)?;
    w.flush()?;
    Ok(())
}

impl AlertWriter {
    /// A writer of a whole output: in CSV, the header row first.
    pub fn new(
        out: Box<dyn Write + Send>,
        format: OutputFormat,
    ) -> Result<AlertWriter, ScreenError> {
        let mut writer = AlertWriter::continuing(out, format);
        if let Some(w) = writer.csv.as_mut() {
            w.write_record(CSV_HEADER).map_err(csv_error)?;
        }
        Ok(writer)
    }

    /// A writer of a part of an output whose header is written once elsewhere
    /// ([`write_csv_header`]): a chunk of a batch job, joined to the others in file order.
    pub fn continuing(out: Box<dyn Write + Send>, format: OutputFormat) -> AlertWriter {
        match format {
            OutputFormat::Jsonl => AlertWriter {
                format,
                json: Some(out),
                csv: None,
            },
            OutputFormat::Csv => AlertWriter {
                format,
                json: None,
                csv: Some(csv::Writer::from_writer(out)),
            },
        }
    }

    /// Writes the alerts of one row.
    pub fn write_row(
        &mut self,
        row: &InputRow,
        alerts: &[Alert],
        screener: &Screener,
    ) -> Result<(), ScreenError> {
        if alerts.is_empty() {
            return Ok(());
        }
        let input_name = row.display_name();
        for alert in alerts {
            let Some(party) = screener.parties().get(alert.party as usize) else {
                continue;
            };
            let e = &party.entity;
            let record = Record {
                input_id: &row.id,
                input_line: row.line,
                input_name: input_name.clone(),
                score: alert.score,
                status: alert.status.as_str(),
                entity_id: e.id(),
                source: &e.source,
                source_id: &e.source_id,
                kind: e.kind.as_str(),
                caption: e.caption(),
                matched_name: &alert.explanation.matched_name,
                matched_name_kind: name_kind(alert.explanation.matched_name_kind),
                programs: e.programs(),
                explanation: &alert.explanation,
                input_warnings: row.warnings.iter().map(|w| w.message.as_str()).collect(),
            };
            match self.format {
                OutputFormat::Jsonl => {
                    if let Some(out) = self.json.as_mut() {
                        serde_json::to_writer(&mut *out, &record).map_err(std::io::Error::from)?;
                        out.write_all(b"\n")?;
                    }
                }
                OutputFormat::Csv => {
                    if let Some(w) = self.csv.as_mut() {
                        let text = [
                            record.input_id,
                            &record.input_line.to_string(),
                            &record.input_name,
                            &format!("{:.4}", record.score),
                            record.status,
                            &record.entity_id,
                            record.source,
                            record.source_id,
                            record.kind,
                            record.caption,
                            record.matched_name,
                            record.matched_name_kind,
                            &record.programs.join("; "),
                            &explanation_line(record.explanation),
                            &record.input_warnings.join("; "),
                        ];
                        w.write_record(text.iter().map(|cell| spreadsheet_safe(cell).into_owned()))
                            .map_err(csv_error)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Writes one row's outcome (alerts only; rejected rows go to a [`RejectWriter`]).
    pub fn write(&mut self, outcome: &RowOutcome, screener: &Screener) -> Result<(), ScreenError> {
        match outcome {
            RowOutcome::Screened { row, alerts } => self.write_row(row, alerts, screener),
            RowOutcome::Rejected(_) => Ok(()),
        }
    }

    pub fn finish(mut self) -> Result<(), ScreenError> {
        if let Some(out) = self.json.as_mut() {
            out.flush()?;
        }
        if let Some(w) = self.csv.as_mut() {
            w.flush()?;
        }
        Ok(())
    }
}

/// The csv writer's error as an I/O error, its kind kept (a closed pipe stays one).
fn csv_error(e: csv::Error) -> ScreenError {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => ScreenError::Output(e),
        other => ScreenError::Output(std::io::Error::other(format!("{other:?}"))),
    }
}

/// Writes every rejected row as a JSON line: `{"line", "kind", "reason"}`.
pub struct RejectWriter {
    out: Box<dyn Write + Send>,
}

impl RejectWriter {
    pub fn new(out: Box<dyn Write + Send>) -> RejectWriter {
        RejectWriter { out }
    }

    pub fn write(&mut self, row: &RowError) -> Result<(), ScreenError> {
        serde_json::to_writer(&mut self.out, row).map_err(std::io::Error::from)?;
        self.out.write_all(b"\n")?;
        Ok(())
    }

    pub fn finish(mut self) -> Result<(), ScreenError> {
        self.out.flush()?;
        Ok(())
    }
}
