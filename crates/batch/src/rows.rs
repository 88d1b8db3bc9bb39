//! A chunk's rows as stored: the rows `sanctum screen` would have read from the file, with
//! their line numbers, ids and warnings, so that a worker screens exactly them and writes
//! the alert records a single `sanctum screen` writes. Rows the reader rejected are kept
//! too, in place, so a chunk's outcome accounts for every row of it.
//!
//! Written here rather than derived on the matcher's `Query`: the stored form is this
//! crate's format, and the matcher stays free of a storage concern.

use sanctum_matcher::{Query, QueryId};
use sanctum_model::{EntityKind, Gender, IdKind};
use sanctum_screen::input::{InputRow, RowError, RowResult, RowWarning};
use serde::{Deserialize, Serialize};

/// One row of a chunk: read, or rejected by the reader.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum StoredRow {
    Read(ReadRow),
    Rejected(RowError),
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ReadRow {
    line: u64,
    id: String,
    names: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kind: Option<EntityKind>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    birth_dates: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    countries: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    gender: Option<Gender>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    identifiers: Vec<(Option<IdKind>, String)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    warnings: Vec<RowWarning>,
}

impl From<RowResult> for StoredRow {
    fn from(row: RowResult) -> StoredRow {
        match row {
            Err(e) => StoredRow::Rejected(e),
            Ok(row) => {
                let Query {
                    names,
                    kind,
                    birth_dates,
                    countries,
                    gender,
                    identifiers,
                } = row.query;
                StoredRow::Read(ReadRow {
                    line: row.line,
                    id: row.id,
                    names,
                    kind,
                    birth_dates,
                    countries,
                    gender,
                    identifiers: identifiers.into_iter().map(|i| (i.kind, i.value)).collect(),
                    warnings: row.warnings,
                })
            }
        }
    }
}

impl From<StoredRow> for RowResult {
    fn from(row: StoredRow) -> RowResult {
        match row {
            StoredRow::Rejected(e) => Err(e),
            StoredRow::Read(row) => Ok(InputRow {
                line: row.line,
                id: row.id,
                query: Query {
                    names: row.names,
                    kind: row.kind,
                    birth_dates: row.birth_dates,
                    countries: row.countries,
                    gender: row.gender,
                    identifiers: row
                        .identifiers
                        .into_iter()
                        .map(|(kind, value)| QueryId { kind, value })
                        .collect(),
                },
                warnings: row.warnings,
            }),
        }
    }
}

impl StoredRow {
    /// The row's line in the file.
    pub(crate) fn line(&self) -> u64 {
        match self {
            StoredRow::Read(row) => row.line,
            StoredRow::Rejected(e) => e.line,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sanctum_screen::input::{RejectKind, WarnKind};

    #[test]
    fn a_row_survives_storage_with_every_field() {
        let row = InputRow {
            line: 7,
            id: "c-7".to_string(),
            query: Query {
                names: vec!["Ali Hassan".to_string(), "A. Hasan".to_string()],
                kind: Some(EntityKind::Person),
                birth_dates: vec!["1970-02".to_string()],
                countries: vec!["IR".to_string()],
                gender: Some(Gender::Male),
                identifiers: vec![QueryId {
                    kind: Some(IdKind::Imo),
                    value: "9123456".to_string(),
                }],
            },
            warnings: vec![RowWarning {
                line: 7,
                kind: WarnKind::MultiLineField,
                message: "the address spans lines".to_string(),
            }],
        };
        let text = serde_json::to_string(&StoredRow::from(Ok(row.clone()))).unwrap();
        let back: StoredRow = serde_json::from_str(&text).unwrap();
        assert_eq!(back.line(), 7);
        let back = RowResult::from(back).unwrap();
        assert_eq!(back.line, row.line);
        assert_eq!(back.id, row.id);
        assert_eq!(back.query.names, row.query.names);
        assert_eq!(back.query.kind, row.query.kind);
        assert_eq!(back.query.birth_dates, row.query.birth_dates);
        assert_eq!(back.query.countries, row.query.countries);
        assert_eq!(back.query.gender, row.query.gender);
        assert_eq!(back.query.identifiers[0].kind, Some(IdKind::Imo));
        assert_eq!(back.query.identifiers[0].value, "9123456");
        assert_eq!(back.warnings, row.warnings);

        let rejected = RowError {
            line: 9,
            kind: RejectKind::EmptyName,
            reason: "no name given".to_string(),
        };
        let text = serde_json::to_string(&StoredRow::from(Err(rejected.clone()))).unwrap();
        let back: StoredRow = serde_json::from_str(&text).unwrap();
        assert_eq!(RowResult::from(back).unwrap_err(), rejected);
    }
}
