//! Hostile and broken inputs (issue #13): spreadsheets that claim a huge extent, zip and
//! gzip bombs, XML nested 200,000 deep, publications cut short. Each must end in a clear
//! error within the limits, never in an abort, a huge allocation or a shorter list.

mod common;

use sanctum_limits::Limits;
use sanctum_sources::detect::{self, Publication};
use sanctum_sources::xlsx::{Workbook, XlsxError};
use sanctum_sources::{Input, ParseError, ParseOptions, Parsed};
use std::io::Write;
use std::path::{Path, PathBuf};

// ---- helpers ----

const MAIN_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

/// A minimal XLSX workbook with one sheet (`sheet_data` is the inside of `<sheetData>`),
/// written part by part: no binary fixture.
fn xlsx(dimension: Option<&str>, sheet_data: &str, shared_strings: Option<&str>) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut part = |name: &str, body: &str| {
        zip.start_file(name, options).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    };
    part(
        "[Content_Types].xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
    );
    part(
        "_rels/.rels",
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    );
    part(
        "xl/workbook.xml",
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#
        ),
    );
    let shared_rel = if shared_strings.is_some() {
        r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>"#
    } else {
        ""
    };
    part(
        "xl/_rels/workbook.xml.rels",
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>{shared_rel}</Relationships>"#
        ),
    );
    let dimension = dimension
        .map(|d| format!(r#"<dimension ref="{d}"/>"#))
        .unwrap_or_default();
    part(
        "xl/worksheets/sheet1.xml",
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}">{dimension}<sheetData>{sheet_data}</sheetData></worksheet>"#
        ),
    );
    if let Some(strings) = shared_strings {
        part("xl/sharedStrings.xml", strings);
    }
    zip.finish().unwrap().into_inner()
}

/// An inline-string cell.
fn cell(at: &str, text: &str) -> String {
    format!(r#"<c r="{at}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// The rows of the first sheet, or the error.
fn sheet_rows(bytes: &[u8], limits: &Limits) -> Result<Vec<(u64, Vec<String>)>, XlsxError> {
    let mut workbook = Workbook::open(bytes, limits)?;
    let sheet = workbook.sheet_names().remove(0);
    let mut rows = Vec::new();
    workbook.for_each_row(&sheet, |row| -> Result<(), XlsxError> {
        let cells = row.cells.iter().map(|c| c.to_string()).collect();
        rows.push((row.line, cells));
        Ok(())
    })?;
    Ok(rows)
}

/// The error's text, which must name the limit that stopped the input.
fn limit_error<T: std::fmt::Debug, E: std::fmt::Display>(result: Result<T, E>, key: &str) {
    match result {
        Err(e) => assert!(e.to_string().contains(key), "expected {key}: {e}"),
        Ok(v) => panic!("expected an error naming {key}, got {v:?}"),
    }
}

fn temp_file(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Reads one file through detection, as `sanctum update --from FILE` does.
fn read_file(path: &Path, source: Option<&str>) -> Result<Parsed, ParseError> {
    let (publications, _) = detect::plan(path, source)?;
    let publication: &Publication = publications.first().expect("a publication");
    detect::read(publication, &ParseOptions::default())
}

// ---- XLSX: extent, cells and parts bounded before anything is built ----

#[test]
fn a_two_cell_sheet_spanning_the_whole_grid_is_refused_not_allocated() {
    // A1 and XFD1048576: calamine's range would be 16,384 × 1,048,576 cells (512 GB).
    let data = format!(
        r#"<row r="1">{}</row><row r="1048576">{}</row>"#,
        cell("A1", "Name"),
        cell("XFD1048576", "x")
    );
    let bytes = xlsx(None, &data, None);
    assert!(
        bytes.len() < 2000,
        "the bomb is small: {} bytes",
        bytes.len()
    );
    limit_error(sheet_rows(&bytes, &Limits::default()), "max_sheet_columns");
    // Through each reader that takes a workbook.
    let opts = ParseOptions::default();
    limit_error(
        sanctum_sources::uk_ofsi::parse_xlsx(
            "uk_ofsi",
            Input::new("ConList.xlsx", &bytes[..]),
            &opts,
        ),
        "max_sheet_columns",
    );
    limit_error(
        sanctum_sources::jp_mof::parse("jp_mof", Input::new("mof.xlsx", &bytes[..]), &opts),
        "max_sheet_columns",
    );
}

#[test]
fn a_declared_dimension_over_the_limits_is_refused_before_reading_cells() {
    let bytes = xlsx(
        Some("A1:XFD1048576"),
        &format!(r#"<row r="1">{}</row>"#, cell("A1", "a")),
        None,
    );
    limit_error(sheet_rows(&bytes, &Limits::default()), "max_sheet_columns");
    let limits = Limits {
        max_sheet_rows: 100,
        ..Limits::default()
    };
    let bytes = xlsx(
        Some("A1:B500"),
        &format!(r#"<row r="1">{}</row>"#, cell("A1", "a")),
        None,
    );
    limit_error(sheet_rows(&bytes, &limits), "max_sheet_rows");
    // The actual extent too, when no dimension is declared.
    let data = format!(
        r#"<row r="1">{}</row><row r="5000">{}</row>"#,
        cell("A1", "a"),
        cell("A5000", "b")
    );
    limit_error(
        sheet_rows(&xlsx(None, &data, None), &limits),
        "max_sheet_rows",
    );
}

#[test]
fn a_sparse_sheet_within_the_limits_streams_only_its_rows() {
    // Rows far apart, columns from C: the rows come out as used, counted from column C,
    // without the empty rows between (a range would hold them all).
    let data = format!(
        r#"<row r="2">{}{}</row><row r="900000">{}</row>"#,
        cell("C2", "id"),
        cell("E2", "name"),
        cell("D900000", "x")
    );
    let rows = sheet_rows(&xlsx(Some("C2:E900000"), &data, None), &Limits::default()).unwrap();
    assert_eq!(
        rows,
        vec![
            (2, vec!["id".to_string(), String::new(), "name".to_string()]),
            (900000, vec![String::new(), "x".to_string()]),
        ]
    );
}

#[test]
fn a_huge_shared_strings_part_is_refused_before_calamine_reads_it() {
    // 20 MiB of one repeated string deflates to ~20 KB: a ratio near 1000:1 (checked past
    // 16 MiB, what a tiny part may inflate to whatever its ratio).
    let big = "A".repeat(20 << 20);
    let strings =
        format!(r#"<sst xmlns="{MAIN_NS}" count="1" uniqueCount="1"><si><t>{big}</t></si></sst>"#);
    let data = r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#;
    let bytes = xlsx(None, data, Some(&strings));
    drop(strings);
    assert!(bytes.len() < 1 << 20, "{} bytes", bytes.len());
    limit_error(
        sheet_rows(&bytes, &Limits::default()),
        "max_compression_ratio",
    );
    // With a ratio allowed, the size limit still holds.
    let limits = Limits {
        max_compression_ratio: 1 << 20,
        max_decompressed_bytes: 8 << 20,
        ..Limits::default()
    };
    limit_error(sheet_rows(&bytes, &limits), "max_decompressed_bytes");
}

#[test]
fn a_row_repeating_a_long_shared_string_is_refused_by_the_record_limit() {
    // One 600 KB string referenced by two cells of a row: 1.2 MB of text in one row.
    let long = "B".repeat(600_000);
    let strings =
        format!(r#"<sst xmlns="{MAIN_NS}" count="1" uniqueCount="1"><si><t>{long}</t></si></sst>"#);
    let data = r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>0</v></c></row>"#;
    limit_error(
        sheet_rows(&xlsx(None, data, Some(&strings)), &Limits::default()),
        "max_record_bytes",
    );
}

#[test]
fn a_legacy_xls_workbook_is_refused_with_a_reason() {
    let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    bytes.resize(4096, 0);
    let err = Workbook::open(&bytes[..], &Limits::default())
        .err()
        .expect("refused");
    assert!(err.to_string().contains(".xls"), "{err}");
}

// ---- zip and gzip bombs ----

/// A zip with one member, optionally with its declared uncompressed size rewritten.
fn zip_of(name: &str, body: &[u8], declared: Option<u32>) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file(name, options).unwrap();
    zip.write_all(body).unwrap();
    let mut bytes = zip.finish().unwrap().into_inner();
    if let Some(size) = declared {
        // The uncompressed size: offset 22 of the local header, 24 of the central one.
        for (signature, offset) in [(b"PK\x03\x04", 22), (b"PK\x01\x02", 24)] {
            let at = bytes
                .windows(4)
                .position(|w| w == signature)
                .expect("header");
            bytes[at + offset..at + offset + 4].copy_from_slice(&size.to_le_bytes());
        }
    }
    bytes
}

const ENHANCED_HEAD: &str = r#"<?xml version="1.0" encoding="utf-8"?><sanctionsData xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML"><publicationInfo><dataAsOf>2025-01-10T00:00:00</dataAsOf></publicationInfo><entities>"#;

#[test]
fn a_small_zip_declaring_4_gib_is_refused_without_allocating_it() {
    let dir = tempfile::tempdir().unwrap();
    let body = format!("{ENHANCED_HEAD}</entities></sanctionsData>");
    let bytes = zip_of("CONS_ENHANCED.XML", body.as_bytes(), Some(u32::MAX));
    assert!(bytes.len() < 1000, "{} bytes", bytes.len());
    let path = temp_file(&dir, "CONS_ENHANCED.ZIP", &bytes);
    limit_error(read_file(&path, None), "max_decompressed_bytes");
}

#[test]
fn a_zip_bomb_is_refused_by_its_declared_ratio_and_by_what_it_inflates_to() {
    let dir = tempfile::tempdir().unwrap();
    // 20 MiB of spaces inside the root: about 20 KB deflated, a ratio near 1000:1.
    let mut body = ENHANCED_HEAD.as_bytes().to_vec();
    body.resize(body.len() + (20 << 20), b' ');
    body.extend_from_slice(b"</entities></sanctionsData>");
    let honest = zip_of("CONS_ENHANCED.XML", &body, None);
    let path = temp_file(&dir, "CONS_ENHANCED.ZIP", &honest);
    limit_error(read_file(&path, None), "max_compression_ratio");
    // Declaring a small size does not get it past: the inflated bytes are counted.
    let lying = zip_of("CONS_ENHANCED.XML", &body, Some(1 << 20));
    let path = temp_file(&dir, "CONS_ENHANCED_2.ZIP", &lying);
    let err = read_file(&path, None).unwrap_err().to_string();
    assert!(
        err.contains("declared size") || err.contains("max_compression_ratio"),
        "{err}"
    );
}

#[test]
fn a_gzip_bomb_is_refused_by_its_ratio() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = b"_id,source,name\n".to_vec();
    csv.resize(csv.len() + (20 << 20), b'\n');
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&csv).unwrap();
    let path = temp_file(&dir, "consolidated.csv.gz", &gz.finish().unwrap());
    limit_error(read_file(&path, None), "max_compression_ratio");
}

#[test]
fn a_damaged_zip_member_is_an_error_not_a_short_list() {
    let Some(lists) =
        sanctum_testkit::shared_lists("a_damaged_zip_member_is_an_error_not_a_short_list")
    else {
        return;
    };
    let real = std::fs::read(lists.join("ofac_xml/CONS_ENHANCED_2025-01-14.zip")).unwrap();
    assert_eq!(
        read_file(&lists.join("ofac_xml/CONS_ENHANCED_2025-01-14.zip"), None)
            .unwrap()
            .entities
            .len(),
        443
    );
    let dir = tempfile::tempdir().unwrap();
    // A flipped byte in the middle of the deflated data.
    let mut flipped = real.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x55;
    let path = temp_file(&dir, "CONS_ENHANCED_2025-01-14.zip", &flipped);
    assert!(read_file(&path, None).is_err());
    // Cut short: no central directory left.
    let path = temp_file(
        &dir,
        "CONS_ENHANCED_2025-01-15.zip",
        &real[..real.len() * 9 / 10],
    );
    let err = detect::plan(&path, None).unwrap_err().to_string();
    assert!(err.contains("not a readable zip archive"), "{err}");
}

// ---- deep XML ----

/// Each XML format: its root element, and the record element the reader builds a tree of.
const XML_FORMATS: [(&str, &str, &str); 9] = [
    ("sdn.xml", "sdnList", "sdnEntry"),
    ("sdn_advanced.xml", "Sanctions", "DistinctParties"),
    ("SDN_ENHANCED.XML", "sanctionsData", "entities"),
    ("consolidated.xml", "CONSOLIDATED_LIST", "INDIVIDUALS"),
    ("eu.xml", "export", "sanctionEntity"),
    ("fcdo.xml", "Designations", "Designation"),
    (
        "ConList.xml",
        "ArrayOfFinancialSanctionsTarget",
        "FinancialSanctionsTarget",
    ),
    ("sema-lmes.xml", "data-set", "record"),
    ("seco.xml", "swiss-sanctions-list", "target"),
];

fn deep_xml(root: &str, record: Option<&str>, depth: usize) -> Vec<u8> {
    let mut xml = format!(r#"<?xml version="1.0"?><{root}>"#).into_bytes();
    if let Some(record) = record {
        xml.extend_from_slice(format!("<{record}>").as_bytes());
    }
    xml.extend_from_slice(&b"<a>".repeat(depth));
    xml.extend_from_slice(&b"</a>".repeat(depth));
    if let Some(record) = record {
        xml.extend_from_slice(format!("</{record}>").as_bytes());
    }
    xml.extend_from_slice(format!("</{root}>").as_bytes());
    xml
}

type XmlParser = fn(&str, Input<'_>, &ParseOptions) -> Result<Parsed, ParseError>;

fn xml_parser(file: &str) -> XmlParser {
    use sanctum_sources::*;
    match file {
        "sdn.xml" => |s, i, o| ofac_legacy_xml::parse(s, "SDN", i, o),
        "sdn_advanced.xml" => |s, i, o| ofac_advanced_xml::parse(s, "SDN", i, o),
        "SDN_ENHANCED.XML" => |s, i, o| ofac_enhanced_xml::parse(s, "SDN", i, o),
        "consolidated.xml" => un_sc::parse,
        "eu.xml" => eu_fsf::parse_xml,
        "fcdo.xml" => uk_fcdo::parse_xml,
        "ConList.xml" => uk_ofsi::parse_xml,
        "sema-lmes.xml" => ca_sema::parse,
        "seco.xml" => ch_seco::parse,
        other => panic!("no parser for {other}"),
    }
}

#[test]
fn xml_nested_200000_deep_is_refused_by_every_xml_reader() {
    let opts = ParseOptions::default();
    for (file, root, record) in XML_FORMATS {
        let parse = xml_parser(file);
        // Inside a record (a tree is built for it) and between records (skipped elements).
        for inside in [Some(record), None] {
            let xml = deep_xml(root, inside, 200_000);
            let result = parse("test", Input::new(file, &xml[..]), &opts);
            match result {
                Err(e) => assert!(
                    e.to_string().contains("max_xml_depth"),
                    "{file} ({inside:?}): {e}"
                ),
                Ok(p) => panic!("{file} ({inside:?}): read {} parties", p.entities.len()),
            }
        }
    }
}

#[test]
fn xml_within_the_depth_limit_is_not_refused_for_its_depth() {
    let opts = ParseOptions::default();
    for (file, root, record) in XML_FORMATS {
        let xml = deep_xml(root, Some(record), 200);
        if let Err(e) = xml_parser(file)("test", Input::new(file, &xml[..]), &opts) {
            assert!(!e.to_string().contains("max_xml_depth"), "{file}: {e}");
        }
    }
}

// ---- publications cut short ----

/// A copy of `real` cut to `len` bytes, under `name` in `dir`.
fn cut(dir: &tempfile::TempDir, real: &[u8], len: usize, name: &str) -> PathBuf {
    temp_file(dir, name, &real[..len])
}

#[test]
fn an_sdn_csv_cut_anywhere_is_an_error() {
    let Some(lists) = sanctum_testkit::shared_lists("an_sdn_csv_cut_anywhere_is_an_error") else {
        return;
    };
    let real = std::fs::read(lists.join("ofac_sdn_csv/sdn_2022-05-08.csv")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // The issue's cut: inside a quoted field (the csv crate reads it as a complete record).
    let path = cut(&dir, &real, 2_338_307, "sdn_2022-05-08.csv");
    let err = read_file(&path, None).unwrap_err().to_string();
    assert!(err.contains("quoted field"), "{err}");
    // After a line end (a shorter, valid-looking file): no Ctrl-Z.
    let line_end = real[..real.len() * 97 / 100]
        .iter()
        .rposition(|&b| b == b'\n')
        .unwrap();
    let mut points = vec![
        line_end + 1,
        real.len() - 1,
        real.len() / 10,
        real.len() / 2,
    ];
    points.push(real.len() * 97 / 100);
    for len in points {
        let path = cut(&dir, &real, len, "sdn_2022-05-08.csv");
        let err = read_file(&path, None).expect_err(&format!("cut at {len}"));
        assert!(err.to_string().contains("truncated"), "cut at {len}: {err}");
    }
    // The whole file reads.
    let path = cut(&dir, &real, real.len(), "sdn_2022-05-08.csv");
    assert_eq!(read_file(&path, None).unwrap().entities.len(), 10150);
}

#[test]
fn every_shared_ofac_csv_file_passes_the_end_checks() {
    let Some(lists) =
        sanctum_testkit::shared_lists("every_shared_ofac_csv_file_passes_the_end_checks")
    else {
        return;
    };
    for dir in ["ofac_sdn_csv", "ofac_consolidated"] {
        let plan = detect::plan_all(&lists.join(dir), None, &Limits::default()).unwrap();
        assert!(plan.unreadable.is_empty());
        for publication in &plan.publications {
            let parsed = detect::read(publication, &ParseOptions::default())
                .unwrap_or_else(|e| panic!("{}: {e}", publication.main.display()));
            // Only the re-written alt_2022-01-31.csv (no quoting, no Ctrl-Z) is warned about.
            let warned: Vec<&String> = parsed.warnings.iter().collect();
            let rewritten = publication
                .companions
                .iter()
                .any(|(_, p)| p.ends_with("alt_2022-01-31.csv"));
            assert_eq!(warned.len(), usize::from(rewritten), "{warned:?}");
        }
    }
}

#[test]
fn a_companion_cut_short_is_an_error_whatever_its_quoting() {
    let Some(lists) =
        sanctum_testkit::shared_lists("a_companion_cut_short_is_an_error_whatever_its_quoting")
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let sdn = std::fs::read(lists.join("ofac_sdn_csv/sdn_2022-01-31.csv")).unwrap();
    temp_file(&dir, "sdn_2022-01-31.csv", &sdn);
    // OFAC's quoting, cut after a line: the missing Ctrl-Z tells.
    let add = std::fs::read(lists.join("ofac_sdn_csv/add_2022-01-31.csv")).unwrap();
    let at = add[..add.len() / 2]
        .iter()
        .rposition(|&b| b == b'\n')
        .unwrap()
        + 1;
    temp_file(&dir, "add_2022-01-31.csv", &add[..at]);
    let err = read_file(dir.path(), None)
        .expect_err("refused")
        .to_string();
    assert!(
        err.contains("Ctrl-Z") && err.contains("add_2022-01-31.csv"),
        "{err}"
    );
    // A re-written copy (no quoting, no mark), cut mid-row: its last row has no line end.
    std::fs::remove_file(dir.path().join("add_2022-01-31.csv")).unwrap();
    let alt = std::fs::read(lists.join("ofac_sdn_csv/alt_2022-01-31.csv")).unwrap();
    let mid_row = alt[..alt.len() / 2]
        .iter()
        .rposition(|&b| b == b'\n')
        .unwrap()
        + 4;
    temp_file(&dir, "alt_2022-01-31.csv", &alt[..mid_row]);
    assert!(read_file(dir.path(), None).is_err());
    // Even in lenient mode, where the short last row alone would only be skipped.
    let (publications, _) = detect::plan(dir.path(), None).unwrap();
    let lenient = ParseOptions {
        lenient: true,
        ..ParseOptions::default()
    };
    let err = detect::read(&publications[0], &lenient)
        .unwrap_err()
        .to_string();
    assert!(err.contains("line end"), "{err}");
}

#[test]
fn a_csl_cut_inside_a_field_or_its_gzip_cut_is_an_error() {
    let Some(lists) =
        sanctum_testkit::shared_lists("a_csl_cut_inside_a_field_or_its_gzip_cut_is_an_error")
    else {
        return;
    };
    let gz = std::fs::read(lists.join("us_csl/consolidated_2022-05.csv.gz")).unwrap();
    let mut csv = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut csv).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // 97% of the CSV falls inside a quoted field.
    let path = cut(&dir, &csv, csv.len() * 97 / 100, "consolidated_cut.csv");
    let err = read_file(&path, Some("us_csl")).unwrap_err().to_string();
    assert!(err.contains("truncated"), "{err}");
    // 97% of the gzip file: the stream ends before its trailer.
    let path = cut(&dir, &gz, gz.len() * 97 / 100, "consolidated_cut.csv.gz");
    assert!(read_file(&path, Some("us_csl")).is_err());
}

#[test]
fn xml_publications_cut_short_are_errors() {
    let Some(lists) = sanctum_testkit::shared_lists("xml_publications_cut_short_are_errors") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for rel in [
        "un/consolidated_2024-09-26.xml",
        "ofac_xml/consolidated_nonsdn_legacy_2024-05-06.xml",
        "ofac_xml/cons_advanced_2020-03-17.xml",
        "ofac_xml/enhanced_IRGC_filter_2024-08-28.xml",
        "canada_sema/sema-lmes_2025-05.xml",
    ] {
        let real = std::fs::read(lists.join(rel)).unwrap();
        let name = Path::new(rel).file_name().unwrap().to_str().unwrap();
        // Between two records (after a closing tag), and just before the root closes.
        let mid = real[..real.len() * 97 / 100]
            .iter()
            .rposition(|&b| b == b'>')
            .unwrap();
        let before_root_end = real.iter().rposition(|&b| b == b'<').unwrap();
        for len in [mid + 1, before_root_end] {
            let path = cut(&dir, &real, len, name);
            let source = if rel.contains("IRGC") {
                Some("us_ofac_sdn")
            } else {
                None
            };
            let err = read_file(&path, source).expect_err(&format!("{rel} cut at {len}"));
            assert!(
                err.to_string().contains("truncated"),
                "{rel} at {len}: {err}"
            );
        }
    }
}

// ---- the source a file belongs to ----

#[test]
fn naming_another_source_than_the_file_holds_is_an_error() {
    let Some(lists) =
        sanctum_testkit::shared_lists("naming_another_source_than_the_file_holds_is_an_error")
    else {
        return;
    };
    let un = lists.join("un/consolidated_2024-09-26.xml");
    let err = detect::plan(&un, Some("us_ofac_sdn"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("un_sc") && err.contains("us_ofac_sdn"),
        "{err}"
    );
    let err = detect::plan(
        &lists.join("us_csl/consolidated_2022-05.csv.gz"),
        Some("uk_ofsi"),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("us_csl"), "{err}");
    // The OFAC lists share their formats: a file told apart only by its name may be named.
    let (plan, _) = detect::plan(
        &lists.join("ofac_xml/cons_advanced_2020-03-17.xml"),
        Some("us_ofac_sdn"),
    )
    .unwrap();
    assert_eq!(plan[0].source, "us_ofac_sdn");
    let (plan, _) = detect::plan(&un, Some("un_sc")).unwrap();
    assert_eq!(plan[0].source, "un_sc");
}

// ---- CSL records merged under one id ----

#[test]
fn csl_rows_sharing_an_id_but_naming_other_parties_are_reported() {
    let header = "_id,source,entity_number,type,programs,name\n";
    let csv = format!(
        "{header}\
         1,Specially Designated Nationals (SDN) - Treasury Department,1,Individual,SDGT,\"DOE, John\"\n\
         1,Sectoral Sanctions Identifications List (SSI) - Treasury Department,1,Individual,UKRAINE,\"DOE,  John\"\n\
         2,Entity List (EL) - Bureau of Industry and Security,,,,Acme Trading\n\
         2,Entity List (EL) - Bureau of Industry and Security,,,,Zenith Shipping\n"
    );
    let parsed = sanctum_sources::us_csl::parse_csv(
        "us_csl",
        Input::new("consolidated.csv", csv.as_bytes()),
        &ParseOptions::default(),
    )
    .unwrap();
    assert_eq!(parsed.entities.len(), 4);
    // The same party twice (spacing aside) is not reported; two names under one id are.
    assert_eq!(parsed.warnings.len(), 1, "{:?}", parsed.warnings);
    let warning = &parsed.warnings[0];
    assert!(
        warning.contains("consolidated.csv:5")
            && warning.contains("line 4")
            && warning.contains("zenith shipping"),
        "{warning}"
    );
}

#[test]
fn the_real_csl_has_no_id_naming_two_parties() {
    let Some(lists) = sanctum_testkit::shared_lists("the_real_csl_has_no_id_naming_two_parties")
    else {
        return;
    };
    let parsed = read_file(&lists.join("us_csl/consolidated_2022-05.csv.gz"), None).unwrap();
    assert_eq!(parsed.entities.len(), 14160);
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
}
