//! The screening input reader and pipeline on hand-made fixtures: CSV, JSON lines, XLSX,
//! column overrides, bad rows with their lines, lenient and strict runs.

use sanctum_matcher::MatchOptions;
use sanctum_model::{Entity, EntityKind, Name, NameKind};
use sanctum_screen::input::{ColumnMap, InputFormat, InputReader, RejectKind, RowResult};
use sanctum_screen::lists::Role;
use sanctum_screen::{RowOutcome, RunOptions, ScreenError, Screener, Status};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn read_all(path: &Path, map: &[&str]) -> (Vec<RowResult>, Vec<String>) {
    let map = ColumnMap::new(&map.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    let mut reader = InputReader::open(path, None, &map).unwrap();
    let ignored = reader.ignored_columns.clone();
    let mut rows = Vec::new();
    while let Some(row) = reader.next_row().unwrap() {
        rows.push(row);
    }
    (rows, ignored)
}

fn rejected(rows: &[RowResult]) -> Vec<(u64, RejectKind)> {
    rows.iter()
        .filter_map(|r| r.as_ref().err().map(|e| (e.line, e.kind)))
        .collect()
}

fn screener() -> Screener {
    let mut putin = Entity::new("us_ofac_sdn", "35096", EntityKind::Person);
    putin.names.push(Name::new(
        "PUTIN, Vladimir Vladimirovich",
        NameKind::Primary,
    ));
    let mut acme = Entity::new("us_ofac_sdn", "900", EntityKind::Organization);
    acme.names
        .push(Name::new("ACME TRADING GMBH", NameKind::Primary));
    Screener::new(
        vec![(putin, Role::Listed), (acme, Role::Listed)],
        MatchOptions::default(),
    )
}

type Outcomes = Vec<(u64, Result<Vec<(String, Status)>, RejectKind>)>;

fn screen(
    path: &Path,
    map: &[&str],
    strict: bool,
) -> Result<(sanctum_screen::Summary, Outcomes), ScreenError> {
    let map = ColumnMap::new(&map.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    let reader = InputReader::open(path, None, &map)?;
    let screener = screener();
    let mut outcomes = Vec::new();
    let mut sink = |o: &RowOutcome, s: &Screener| {
        outcomes.push(match o {
            RowOutcome::Screened { row, alerts } => (
                row.line,
                Ok(alerts
                    .iter()
                    .map(|a| (s.parties()[a.party as usize].entity.id(), a.status))
                    .collect()),
            ),
            RowOutcome::Rejected(e) => (e.line, Err(e.kind)),
        });
        Ok(())
    };
    let summary = sanctum_screen::run(
        reader,
        &screener,
        &RunOptions { strict },
        "fixture",
        &mut sink,
        &mut |_, _, _| {},
    )?;
    Ok((summary, outcomes))
}

#[test]
fn csv_rows_are_read_with_their_lines_and_bad_rows_named() {
    let (rows, ignored) = read_all(&fixture("customers.csv"), &[]);
    assert_eq!(ignored, vec!["notes".to_string()]);
    let first = rows[0].as_ref().unwrap();
    assert_eq!((first.line, first.id.as_str()), (2, "1"));
    assert_eq!(first.query.names, vec!["Vladimir Putin".to_string()]);
    assert_eq!(first.query.birth_dates, vec!["1952-10-07".to_string()]);
    let hassan = rows.iter().flatten().find(|r| r.id == "6").unwrap();
    assert_eq!(hassan.query.identifiers[0].value, "P123456");
    assert_eq!(hassan.query.gender, None, "x reads as unknown gender");
    assert_eq!(
        rejected(&rows),
        vec![
            (3, RejectKind::EmptyName),
            (5, RejectKind::FieldCount),
            (8, RejectKind::InvalidValue),
            (9, RejectKind::BrokenQuoting),
        ]
    );
    let broken = rows.last().unwrap().as_ref().unwrap_err();
    assert!(
        broken.reason.contains("line 9 to line 10"),
        "{}",
        broken.reason
    );
}

#[test]
fn lenient_run_counts_every_bad_row_and_screens_the_rest() {
    let (summary, outcomes) = screen(&fixture("customers.csv"), &[], false).unwrap();
    assert_eq!(summary.rows_read, 8, "rows 9 and 10 are one broken record");
    assert_eq!(summary.rows_screened, 2);
    assert_eq!(summary.rows_rejected, 6);
    for (reason, count) in [
        ("empty name", 1),
        ("unparseable date", 1),
        ("wrong number of fields", 1),
        ("unknown country", 1),
        ("invalid value", 1),
        ("broken quoting", 1),
    ] {
        assert_eq!(
            summary.rejected_by_reason.get(reason),
            Some(&count),
            "{reason}"
        );
    }
    // Outcomes come in input order, bad rows with their lines.
    let lines: Vec<u64> = outcomes.iter().map(|(l, _)| *l).collect();
    assert_eq!(lines, vec![2, 3, 4, 5, 6, 7, 8, 9]);
    assert_eq!(outcomes[2].1, Err(RejectKind::InvalidDate));
    assert_eq!(outcomes[4].1, Err(RejectKind::UnknownCountry));
    assert_eq!(
        outcomes[0].1,
        Ok(vec![("us_ofac_sdn:35096".to_string(), Status::Alert)])
    );
    assert_eq!(outcomes[5].1, Ok(vec![]), "Ali Hassan is not listed");
    assert_eq!(summary.alerts, 1);
    assert_eq!(summary.rows_alerted, 1);
}

#[test]
fn strict_run_stops_at_the_first_bad_row() {
    match screen(&fixture("customers.csv"), &[], true) {
        Err(ScreenError::BadRow { row, .. }) => {
            assert_eq!((row.line, row.kind), (3, RejectKind::EmptyName));
        }
        other => panic!("expected a bad row error, got {:?}", other.map(|r| r.0)),
    }
}

#[test]
fn json_lines_take_arrays_numbers_and_mapped_keys() {
    let path = fixture("customers.jsonl");
    let (rows, _) = read_all(&path, &[]);
    assert_eq!(
        rejected(&rows),
        vec![
            (2, RejectKind::EmptyName),
            (3, RejectKind::InvalidJson),
            (6, RejectKind::InvalidJson),
            (7, RejectKind::EmptyName),
        ]
    );
    let acme = rows.iter().flatten().find(|r| r.id == "J4").unwrap();
    assert_eq!(acme.line, 5);
    assert_eq!(acme.query.names.len(), 2);
    assert_eq!(acme.query.kind, Some(EntityKind::Organization));
    assert_eq!(acme.query.identifiers[0].value, "9123456");

    let (rows, _) = read_all(&path, &["client name=name"]);
    let chen = rows.iter().flatten().find(|r| r.id == "J6").unwrap();
    assert_eq!(chen.query.names, vec!["Chen Wei".to_string()]);

    let (summary, outcomes) = screen(&path, &[], false).unwrap();
    assert_eq!(summary.rows_read, 6, "the blank line is not a row");
    let acme_alerts = &outcomes.iter().find(|(l, _)| *l == 5).unwrap().1;
    assert_eq!(
        acme_alerts,
        &Ok(vec![("us_ofac_sdn:900".to_string(), Status::Alert)])
    );
}

#[test]
fn xlsx_sheet_rows_with_dates_and_synonym_headers() {
    let path = fixture("customers.xlsx");
    assert_eq!(InputFormat::from_path(&path), Some(InputFormat::Xlsx));
    let (rows, ignored) = read_all(&path, &[]);
    assert!(ignored.is_empty(), "{ignored:?}");
    let putin = rows[0].as_ref().unwrap();
    assert_eq!((putin.line, putin.id.as_str()), (2, "X1"));
    assert_eq!(putin.query.birth_dates, vec!["1952-10-07".to_string()]);
    assert_eq!(rejected(&rows), vec![(3, RejectKind::EmptyName)]);
    let (summary, outcomes) = screen(&path, &[], false).unwrap();
    assert_eq!(summary.rows_read, 4);
    assert_eq!(outcomes[3].1, Err(RejectKind::InvalidDate), "31/02/1990");
    assert_eq!(summary.rows_alerted, 2, "Putin and Acme Trading GmbH");
}

#[test]
fn map_overrides_are_checked() {
    assert!(ColumnMap::new(&["nonsense".to_string()]).is_err());
    assert!(ColumnMap::new(&["a=spaceship".to_string()]).is_err());
    let map = ColumnMap::new(&["Nom=name".to_string()]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.csv");
    std::fs::write(&path, "Nom,Pays\nJean Dupont,FR\n").unwrap();
    let mut reader = InputReader::open(&path, None, &map).unwrap();
    let row = reader.next_row().unwrap().unwrap().unwrap();
    assert_eq!(row.query.names, vec!["Jean Dupont".to_string()]);
    assert_eq!(row.id, "2", "no id column: the line number");
    std::fs::write(&path, "Pays\nFR\n").unwrap();
    assert!(InputReader::open(&path, None, &ColumnMap::default()).is_err());
}
