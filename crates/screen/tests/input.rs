//! The screening input reader and pipeline on hand-made fixtures: CSV, JSON lines, XLSX,
//! column overrides, bad rows with their lines, lenient and strict runs.

use sanctum_matcher::MatchOptions;
use sanctum_model::{Entity, EntityKind, Name, NameKind};
use sanctum_screen::input::{ColumnMap, InputFormat, InputReader, RejectKind, RowResult};
use sanctum_screen::lists::Role;
use sanctum_screen::{Limits, RowOutcome, RunOptions, ScreenError, Screener, Status};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn read_all(path: &Path, map: &[&str]) -> (Vec<RowResult>, Vec<String>) {
    let map = ColumnMap::new(&map.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    let mut reader = InputReader::open(path, None, &map, &Limits::default()).unwrap();
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
    let mut vessel = Entity::new("us_ofac_sdn", "901", EntityKind::Vessel);
    vessel
        .names
        .push(Name::new("SNOW STORM 2", NameKind::Primary));
    vessel.identifiers.push(sanctum_model::Identifier::new(
        sanctum_model::IdKind::Imo,
        "9187629",
    ));
    Screener::new(
        vec![
            (putin, Role::Listed),
            (acme, Role::Listed),
            (vessel, Role::Listed),
        ],
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
    let reader = InputReader::open(path, None, &map, &Limits::default())?;
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
        &RunOptions {
            strict,
            ..RunOptions::default()
        },
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
    // The quote opened on line 9 never closes: line 9 is rejected, and line 10, which it
    // swallowed, is read as a row of its own.
    let broken = rows[rows.len() - 2].as_ref().unwrap_err();
    assert!(
        broken.reason.contains("still open at the end of the file")
            && broken
                .reason
                .contains("line 10 is read as a row of its own"),
        "{}",
        broken.reason
    );
    let li = rows.last().unwrap().as_ref().unwrap();
    assert_eq!((li.line, li.id.as_str()), (10, "9"));
}

#[test]
fn lenient_run_counts_every_bad_row_and_screens_the_rest() {
    let (summary, outcomes) = screen(&fixture("customers.csv"), &[], false).unwrap();
    assert_eq!(summary.lines_read, 10);
    assert_eq!(
        summary.rows_read, 9,
        "line 10 is not swallowed by line 9's quote"
    );
    assert_eq!(summary.rows_screened, 3);
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
    assert_eq!(lines, vec![2, 3, 4, 5, 6, 7, 8, 9, 10]);
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
    let mut reader = InputReader::open(&path, None, &map, &Limits::default()).unwrap();
    let row = reader.next_row().unwrap().unwrap().unwrap();
    assert_eq!(row.query.names, vec!["Jean Dupont".to_string()]);
    assert_eq!(row.id, "2", "no id column: the line number");
    std::fs::write(&path, "Pays\nFR\n").unwrap();
    assert!(InputReader::open(&path, None, &ColumnMap::default(), &Limits::default()).is_err());
}

/// Writes `bytes` as `name` in a temporary directory.
fn write_file(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn rows_swallowed_by_an_unbalanced_quote_are_screened_on_their_own() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(
        &dir,
        "swallow.csv",
        b"id,name,notes\n1,Vladimir Putin,\"customer since 2001\n2,Sergei Lavrov,vip\n3,Igor Sechin,x\"\n",
    );
    let (rows, _) = read_all(&path, &[]);
    let opening = rows[0].as_ref().unwrap_err();
    assert_eq!((opening.line, opening.kind), (2, RejectKind::BrokenQuoting));
    assert!(
        opening.reason.contains("opened on line 2 closes on line 4")
            && opening
                .reason
                .contains("lines 3 to 4 are read as rows of their own"),
        "{}",
        opening.reason
    );
    let screened: Vec<(u64, &str)> = rows
        .iter()
        .flatten()
        .map(|r| (r.line, r.query.names[0].as_str()))
        .collect();
    assert_eq!(screened, [(3, "Sergei Lavrov"), (4, "Igor Sechin")]);

    let (summary, _) = screen(&path, &[], false).unwrap();
    assert_eq!(summary.lines_read, 4);
    assert_eq!(summary.rows_read, 3);
    assert_eq!(
        summary.rows_screened + summary.rows_rejected,
        summary.rows_read
    );
    assert_eq!(summary.rows_screened, 2);
    assert_eq!(summary.rows_rejected, 1);
}

#[test]
fn a_genuine_multi_line_note_is_screened_with_a_warning_naming_its_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(
        &dir,
        "notes.csv",
        b"id,name,notes\n1,Vladimir Putin,\"met in Geneva\nsee file 7\"\n2,Ann Smith,x\n",
    );
    let (rows, _) = read_all(&path, &[]);
    let putin = rows[0].as_ref().unwrap();
    assert_eq!(putin.line, 2);
    assert_eq!(putin.warnings.len(), 1);
    assert!(
        putin.warnings[0].message.contains("lines 2 to 3"),
        "{}",
        putin.warnings[0]
    );
    assert_eq!(rows[1].as_ref().unwrap().line, 4);
    let (summary, outcomes) = screen(&path, &[], false).unwrap();
    assert_eq!((summary.lines_read, summary.rows_read), (4, 2));
    assert_eq!(summary.rows_with_warnings, 1);
    assert_eq!(summary.warning_examples[0].line, 2);
    assert_eq!(
        outcomes[0].1,
        Ok(vec![("us_ofac_sdn:35096".to_string(), Status::Alert)])
    );
}

#[test]
fn a_record_over_the_line_or_byte_limit_is_rejected_and_the_rest_read() {
    let dir = tempfile::tempdir().unwrap();
    let limits = Limits {
        max_record_lines: 3,
        max_record_bytes: 1000,
        ..Limits::default()
    };
    let mut text = b"id,name,notes\n1,Vladimir Putin,\"open\n".to_vec();
    // Lines that do not read as rows (two fields where the header has three).
    text.extend_from_slice(b"note a\nnote b\nnote c\n2,Ann Smith,x\n");
    text.extend(std::iter::repeat_n(b'x', 5000));
    text.extend_from_slice(b"\n3,Bob Jones,y\n");
    let path = write_file(&dir, "limits.csv", &text);
    let mut reader = InputReader::open(&path, None, &ColumnMap::default(), &limits).unwrap();
    let mut rows = Vec::new();
    while let Some(row) = reader.next_row().unwrap() {
        rows.push(row);
    }
    let opening = rows[0].as_ref().unwrap_err();
    assert_eq!((opening.line, opening.kind), (2, RejectKind::BrokenQuoting));
    assert!(
        opening.reason.contains("max_record_lines"),
        "{}",
        opening.reason
    );
    let long = rows
        .iter()
        .find_map(|r| {
            r.as_ref()
                .err()
                .filter(|e| e.kind == RejectKind::RecordTooLong)
        })
        .expect("the long line is rejected");
    assert_eq!(long.line, 7);
    let screened: Vec<(u64, &str)> = rows
        .iter()
        .flatten()
        .map(|r| (r.line, r.query.names[0].as_str()))
        .collect();
    assert_eq!(screened, [(6, "Ann Smith"), (8, "Bob Jones")]);
    assert_eq!(reader.lines_read(), 8);
}

#[test]
fn crlf_rows_keep_their_own_line_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(
        &dir,
        "crlf.csv",
        b"id,name\r\nA1,Ann Smith\r\nA2,Vladimir Putin\r\nA3,Bob Jones\r\n",
    );
    let (summary, outcomes) = screen(&path, &[], false).unwrap();
    assert_eq!(summary.lines_read, 4);
    let alerted: Vec<u64> = outcomes
        .iter()
        .filter(|(_, o)| o.as_ref().is_ok_and(|a| !a.is_empty()))
        .map(|(line, _)| *line)
        .collect();
    assert_eq!(alerted, [3], "Putin is on line 3");
}

#[test]
fn invalid_utf8_rejects_its_line_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = write_file(
        &dir,
        "bad.jsonl",
        b"{\"name\": \"Ann Smith\"}\n{\"name\": \"Bad \xff\xfe Name\"}\n{\"name\": \"Vladimir Putin\"}\n",
    );
    let (summary, outcomes) = screen(&jsonl, &[], false).unwrap();
    assert_eq!(outcomes[1], (2, Err(RejectKind::InvalidEncoding)));
    assert_eq!(summary.rows_read, 3);
    assert_eq!(summary.rows_alerted, 1, "line 3 is screened");
    let csv = write_file(
        &dir,
        "bad.csv",
        b"id,name\n1,Bad \xff Name\n2,Vladimir Putin\n",
    );
    let (summary, outcomes) = screen(&csv, &[], false).unwrap();
    assert_eq!(outcomes[0], (2, Err(RejectKind::InvalidEncoding)));
    assert_eq!((summary.rows_read, summary.rows_alerted), (2, 1));
}

#[test]
fn names_over_the_limits_or_without_a_name_word_are_rejected_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let long_name = "Vladimir ".repeat(30);
    let many_words = "Ab Cd Ef ".repeat(11);
    let text = format!(
        "id,name\n1,{}\n2,{long_name}\n3,{many_words}\n4,a\n5,A. B.\n6,al bin\n7,OOO\n8,Vladimir Putin\n",
        "x".repeat(2000)
    );
    let path = write_file(&dir, "names.csv", text.as_bytes());
    let (summary, outcomes) = screen(&path, &[], false).unwrap();
    let kinds: Vec<(u64, Result<usize, RejectKind>)> = outcomes
        .iter()
        .map(|(line, o)| (*line, o.as_ref().map(Vec::len).map_err(|k| *k)))
        .collect();
    assert_eq!(
        kinds,
        [
            (2, Err(RejectKind::NameTooLong)),
            (3, Ok(0)),
            (4, Err(RejectKind::NameTooLong)),
            (5, Err(RejectKind::NoNameWord)),
            (6, Err(RejectKind::NoNameWord)),
            (7, Err(RejectKind::NoNameWord)),
            (8, Err(RejectKind::NoNameWord)),
            (9, Ok(1)),
        ]
    );
    assert_eq!(summary.rejected_by_reason.get("name too long"), Some(&2));
    let reason = &summary.rejected_examples[0].reason;
    assert!(reason.contains("max_name_chars"), "{reason}");
}

#[test]
fn a_name_reversed_by_a_bidi_override_is_screened_as_displayed_and_flagged() {
    let dir = tempfile::tempdir().unwrap();
    // U+202E RIGHT-TO-LEFT OVERRIDE: stored "nituP rimidalV", shown "Vladimir Putin".
    let path = write_file(
        &dir,
        "bidi.csv",
        "id,name\n1,\u{202E}nituP rimidalV\n2,Ann\u{200F} Smith\n".as_bytes(),
    );
    let (summary, outcomes) = screen(&path, &[], false).unwrap();
    assert_eq!(
        outcomes[0].1,
        Ok(vec![("us_ofac_sdn:35096".to_string(), Status::Alert)])
    );
    assert_eq!(summary.rows_with_warnings, 2);
    assert_eq!(
        summary
            .warnings_by_kind
            .get("bidirectional controls in a name"),
        Some(&2)
    );
    assert!(
        summary.warning_examples[0]
            .message
            .contains("Vladimir Putin"),
        "{}",
        summary.warning_examples[0]
    );
}

#[test]
fn a_row_with_an_identifier_and_no_name_is_screened_on_the_identifier() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(
        &dir,
        "vessels.csv",
        b"id,name,imo\nv1,,IMO 9187629\nv2,,IMO 9187620\nv3,,\n",
    );
    let (summary, outcomes) = screen(&path, &[], false).unwrap();
    assert_eq!(summary.rows_read, 3);
    assert_eq!(
        outcomes,
        vec![
            (2, Ok(vec![("us_ofac_sdn:901".to_string(), Status::Alert)])),
            (3, Ok(vec![])),
            (4, Err(RejectKind::EmptyName)),
        ]
    );
}
