//! Spreadsheets (XLSX) read in bounded memory: the one reader behind the UK ConList and
//! Japan MOF workbooks, and behind customer files in `sanctum screen`.
//!
//! calamine's own sheet reader builds a dense range from the first used cell to the last:
//! two cells, A1 and XFD1048576, make it allocate 16,384 × 1,048,576 cells from a 1.6 KB
//! file. So the workbook is checked before calamine builds anything, and a sheet is streamed
//! cell by cell, never as a range:
//!
//! 1. [`Workbook::open`]: every zip part's declared size and ratio are checked against
//!    `max_decompressed_bytes` and `max_compression_ratio`, then each part is inflated once
//!    through `InflateGuard` (declared sizes can lie), so calamine's reading of the shared
//!    strings and styles is bounded. Legacy `.xls` workbooks (and encrypted ones, which use
//!    the same container) are refused: calamine's `.xls` reader reserves the declared
//!    dimensions up front and offers no cell stream.
//! 2. [`Workbook::for_each_row`]: a first pass over the sheet's cells (calamine's
//!    `worksheet_cells_reader`) checks the declared dimension and the actual extent against
//!    `max_sheet_rows` and `max_sheet_columns`, each row's text against `max_record_bytes` and
//!    the whole sheet's against `max_decompressed_bytes`, and that rows come in order (as
//!    Excel writes them). A second pass hands out the rows one at a time, each as wide as its
//!    last used cell, with columns counted from the sheet's first used column (as calamine's
//!    ranges count them). Rows with no value are not handed out.

use crate::archive::check_declared;
use calamine::{DataRef, Reader, Xlsx};
use sanctum_limits::{Compressed, InflateGuard, LimitExceeded, Limits};
use std::io::{Cursor, Read};

pub use calamine::Data;

/// Why a workbook or sheet cannot be read. The file name is the caller's to add.
#[derive(Debug, thiserror::Error)]
pub enum XlsxError {
    #[error(transparent)]
    Limit(#[from] LimitExceeded),
    #[error("{0}")]
    Unreadable(String),
}

impl XlsxError {
    fn unreadable(reason: impl Into<String>) -> Self {
        XlsxError::Unreadable(reason.into())
    }

    /// An I/O error of an inflated part: the limit it went over, or what broke.
    fn io(part: &str, e: std::io::Error) -> Self {
        match e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<LimitExceeded>())
        {
            Some(limit) => XlsxError::Limit(limit.clone()),
            None => XlsxError::unreadable(format!("damaged part {part}: {e}")),
        }
    }
}

/// One row of a sheet: its number as Excel shows it, and its cells from the sheet's first
/// used column to the row's last used cell.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetRow {
    pub line: u64,
    pub cells: Vec<Data>,
}

/// An XLSX workbook whose parts have been checked against the limits.
pub struct Workbook {
    xlsx: Xlsx<Cursor<Vec<u8>>>,
    limits: Limits,
}

/// The signature of an OLE compound file: legacy `.xls`, or an encrypted `.xlsx`.
const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

impl Workbook {
    /// Reads a workbook. The file is held in memory (a zip is read by seeking), so it may be
    /// at most `max_decompressed_bytes` long itself.
    pub fn open(reader: impl Read, limits: &Limits) -> Result<Workbook, XlsxError> {
        let mut bytes = Vec::new();
        reader
            .take(limits.max_decompressed_bytes.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| XlsxError::unreadable(e.to_string()))?;
        if bytes.len() as u64 > limits.max_decompressed_bytes {
            return Err(LimitExceeded::new(
                "the size of the workbook",
                "max_decompressed_bytes",
                limits.max_decompressed_bytes,
            )
            .into());
        }
        if bytes.starts_with(&CFB_MAGIC) {
            return Err(XlsxError::unreadable(
                "a legacy Excel 97-2003 (.xls) or encrypted workbook, which is not read: save \
                 it as an unencrypted .xlsx",
            ));
        }
        check_parts(&bytes, limits)?;
        let xlsx = Xlsx::new(Cursor::new(bytes))
            .map_err(|e| XlsxError::unreadable(format!("not a readable XLSX workbook: {e}")))?;
        Ok(Workbook {
            xlsx,
            limits: limits.clone(),
        })
    }

    /// The sheet names, in workbook order.
    pub fn sheet_names(&self) -> Vec<String> {
        self.xlsx.sheet_names()
    }

    /// Hands each row of `sheet` with a value to `each`, in order, after the whole sheet has
    /// been checked against the limits. A chart sheet has no rows.
    pub fn for_each_row<E: From<XlsxError>>(
        &mut self,
        sheet: &str,
        mut each: impl FnMut(SheetRow) -> Result<(), E>,
    ) -> Result<(), E> {
        let Some(first_column) = self.scan(sheet)? else {
            return Ok(());
        };
        let max_columns = self.limits.max_sheet_columns;
        let mut cells = match self.xlsx.worksheet_cells_reader(sheet) {
            Ok(cells) => cells,
            Err(e) => return Err(sheet_error(sheet, e).into()),
        };
        let mut row: Option<SheetRow> = None;
        loop {
            let cell = match cells.next_cell() {
                Ok(Some(cell)) => cell,
                Ok(None) => break,
                Err(e) => return Err(sheet_error(sheet, e).into()),
            };
            if matches!(cell.get_value(), DataRef::Empty) {
                continue;
            }
            let (r, c) = cell.get_position();
            let line = u64::from(r) + 1;
            let column = u64::from(c.saturating_sub(first_column));
            if column >= max_columns {
                // Checked by the scan; the sheet cannot have changed since.
                return Err(
                    XlsxError::unreadable(format!("sheet {sheet:?} changed while read")).into(),
                );
            }
            if row.as_ref().is_some_and(|row| row.line != line)
                && let Some(done) = row.take()
            {
                each(done)?;
            }
            let current = row.get_or_insert_with(|| SheetRow {
                line,
                cells: Vec::new(),
            });
            let column = column as usize;
            if current.cells.len() <= column {
                current.cells.resize(column + 1, Data::Empty);
            }
            current.cells[column] = Data::from(cell.get_value().clone());
        }
        if let Some(done) = row {
            each(done)?;
        }
        Ok(())
    }

    /// Checks a sheet against the limits without keeping anything; its first used column,
    /// `None` when it has no value (or is a chart sheet).
    fn scan(&mut self, sheet: &str) -> Result<Option<u32>, XlsxError> {
        let limits = &self.limits;
        let mut cells = match self.xlsx.worksheet_cells_reader(sheet) {
            Ok(cells) => cells,
            Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok(None),
            Err(e) => return Err(sheet_error(sheet, e)),
        };
        let declared = cells.dimensions();
        let span = |from: u32, to: u32| u64::from(to.saturating_sub(from)) + 1;
        let too_many = |what: &str, key: &'static str, limit: u64, found: u64| {
            XlsxError::from(
                LimitExceeded::new(format!("{what} of sheet {sheet:?}"), key, limit).found(found),
            )
        };
        let declared_rows = span(declared.start.0, declared.end.0);
        if declared_rows > limits.max_sheet_rows {
            return Err(too_many(
                "the declared number of rows",
                "max_sheet_rows",
                limits.max_sheet_rows,
                declared_rows,
            ));
        }
        let declared_columns = span(declared.start.1, declared.end.1);
        if declared_columns > limits.max_sheet_columns {
            return Err(too_many(
                "the declared number of columns",
                "max_sheet_columns",
                limits.max_sheet_columns,
                declared_columns,
            ));
        }
        // (first row, last row, first column, last column) of the cells with a value.
        let mut extent: Option<(u32, u32, u32, u32)> = None;
        let mut row_bytes = 0u64;
        let mut sheet_bytes = 0u64;
        let cell_size = std::mem::size_of::<Data>() as u64;
        loop {
            let cell = match cells.next_cell() {
                Ok(Some(cell)) => cell,
                Ok(None) => break,
                Err(e) => return Err(sheet_error(sheet, e)),
            };
            let value = cell.get_value();
            if matches!(value, DataRef::Empty) {
                continue;
            }
            let (r, c) = cell.get_position();
            let (first_row, last_row, first_col, last_col) = extent.unwrap_or((r, r, c, c));
            if r < last_row {
                return Err(XlsxError::unreadable(format!(
                    "sheet {sheet:?}: row {} comes after row {} (rows out of order)",
                    u64::from(r) + 1,
                    u64::from(last_row) + 1
                )));
            }
            if r != last_row {
                row_bytes = 0;
            }
            let (first_col, last_col) = (first_col.min(c), last_col.max(c));
            extent = Some((first_row, r, first_col, last_col));
            let rows = span(first_row, r);
            if rows > limits.max_sheet_rows {
                return Err(too_many(
                    "the number of rows",
                    "max_sheet_rows",
                    limits.max_sheet_rows,
                    rows,
                ));
            }
            let columns = span(first_col, last_col);
            if columns > limits.max_sheet_columns {
                return Err(too_many(
                    "the number of columns",
                    "max_sheet_columns",
                    limits.max_sheet_columns,
                    columns,
                ));
            }
            let text = match value {
                DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.len(),
                DataRef::SharedString(s) => s.len(),
                _ => 0,
            } as u64;
            row_bytes += text;
            if row_bytes > limits.max_record_bytes {
                return Err(LimitExceeded::new(
                    format!("the text of row {} of sheet {sheet:?}", u64::from(r) + 1),
                    "max_record_bytes",
                    limits.max_record_bytes,
                )
                .into());
            }
            sheet_bytes += text + cell_size;
            if sheet_bytes > limits.max_decompressed_bytes {
                return Err(LimitExceeded::new(
                    format!("the cells of sheet {sheet:?}"),
                    "max_decompressed_bytes",
                    limits.max_decompressed_bytes,
                )
                .into());
            }
        }
        Ok(extent.map(|(_, _, first_col, _)| first_col))
    }
}

fn sheet_error(sheet: &str, e: calamine::XlsxError) -> XlsxError {
    match e {
        calamine::XlsxError::Io(io) => XlsxError::io(sheet, io),
        other => XlsxError::unreadable(format!("unreadable sheet {sheet:?}: {other}")),
    }
}

/// Checks every part of the workbook's zip: declared size and ratio first, then the bytes it
/// really inflates to, through the guard, before calamine reads any of them.
fn check_parts(bytes: &[u8], limits: &Limits) -> Result<(), XlsxError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| XlsxError::unreadable(format!("not a readable XLSX workbook: {e}")))?;
    for i in 0..archive.len() {
        let mut part = archive
            .by_index(i)
            .map_err(|e| XlsxError::unreadable(format!("unreadable workbook part: {e}")))?;
        if part.is_dir() {
            continue;
        }
        let name = part
            .name()
            .map(|n| n.into_owned())
            .unwrap_or_else(|_| format!("part {i}"));
        let compressed = part.compressed_size();
        check_declared(&name, part.size(), compressed, limits)?;
        let mut guard = InflateGuard::new(&mut part, &name, Compressed::Size(compressed), limits);
        std::io::copy(&mut guard, &mut std::io::sink()).map_err(|e| XlsxError::io(&name, e))?;
    }
    Ok(())
}
