//! A customer workbook that claims a huge extent (issue #13: two cells, A1 and XFD1048576,
//! made the reader allocate 16,384 × 1,048,576 cells) is refused before any row is built.

use sanctum_limits::Limits;
use sanctum_screen::input::{ColumnMap, InputReader};
use std::io::Write;

const MAIN_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

/// A one-sheet workbook written part by part (no binary fixture).
fn workbook(sheet_data: &str) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    let parts = [
        (
            "_rels/.rels",
            r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string(),
        ),
        (
            "xl/workbook.xml",
            format!(r#"<workbook xmlns="{MAIN_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Customers" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string(),
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!(r#"<worksheet xmlns="{MAIN_NS}"><sheetData>{sheet_data}</sheetData></worksheet>"#),
        ),
    ];
    for (name, body) in parts {
        zip.start_file(name, options).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn cell(at: &str, text: &str) -> String {
    format!(r#"<c r="{at}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

#[test]
fn a_sheet_spanning_the_whole_grid_is_refused_without_allocating_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("customers.xlsx");
    let data = format!(
        r#"<row r="1">{}</row><row r="1048576">{}</row>"#,
        cell("A1", "name"),
        cell("XFD1048576", "x")
    );
    std::fs::write(&path, workbook(&data)).unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 2000);
    let err = InputReader::open(&path, None, &ColumnMap::default(), &Limits::default())
        .err()
        .expect("refused");
    assert!(err.to_string().contains("max_sheet_columns"), "{err}");
    // The limits come from the caller: a tighter row limit refuses a 3-row sheet.
    let data = format!(
        r#"<row r="1">{}</row><row r="2">{}</row><row r="3">{}</row>"#,
        cell("A1", "name"),
        cell("A2", "Jean Dupont"),
        cell("A3", "Vladimir Putin")
    );
    std::fs::write(&path, workbook(&data)).unwrap();
    let tight = Limits {
        max_sheet_rows: 2,
        ..Limits::default()
    };
    let err = InputReader::open(&path, None, &ColumnMap::default(), &tight)
        .err()
        .expect("refused");
    assert!(err.to_string().contains("max_sheet_rows"), "{err}");
}

#[test]
fn a_sparse_sheet_reads_its_rows_with_their_sheet_line_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("customers.xlsx");
    // The table starts in column B; a far row is read without the empty rows between.
    let data = format!(
        r#"<row r="2">{}{}</row><row r="3">{}{}</row><row r="700000">{}{}</row>"#,
        cell("B2", "id"),
        cell("C2", "name"),
        cell("B3", "c1"),
        cell("C3", "Jean Dupont"),
        cell("B700000", "c2"),
        cell("C700000", "Vladimir Putin")
    );
    std::fs::write(&path, workbook(&data)).unwrap();
    let mut reader =
        InputReader::open(&path, None, &ColumnMap::default(), &Limits::default()).unwrap();
    assert!(
        reader.ignored_columns.is_empty(),
        "{:?}",
        reader.ignored_columns
    );
    let mut rows = Vec::new();
    while let Some(row) = reader.next_row().unwrap() {
        let row = row.unwrap();
        rows.push((row.line, row.id, row.query.names));
    }
    assert_eq!(
        rows,
        vec![
            (3, "c1".to_string(), vec!["Jean Dupont".to_string()]),
            (700000, "c2".to_string(), vec!["Vladimir Putin".to_string()]),
        ]
    );
}
