//! Japan METI's list as published, a PDF made with Word: text laid out by the test writer in
//! `pdf_writer` (Type0 fonts with Identity-H glyph codes and ToUnicode maps, one `BT … ET`
//! per run, FlateDecode pages), read back through `sanctum_sources::pdf` and the METI
//! parser; and hostile PDFs, each a clear error naming the file.

mod common;
mod pdf_writer;

use pdf_writer::{Layout, Objects, document, text_pdf};
use sanctum_limits::Limits;
use sanctum_model::{EntityKind, NameKind};
use sanctum_sources::detect::{self, Format, Role};
use sanctum_sources::{Input, ParseError, ParseOptions, Parsed, jp_meti, pdf};

const SYNTHETIC_TEXT: &str = "jp_meti/meti_synthetic.txt";
const SYNTHETIC_PDF: &str = "jp_meti/meti_synthetic.pdf";

/// The committed fixture's layout: three pages, so entries cross page breaks.
fn fixture_layout() -> Layout {
    Layout {
        lines_per_page: 10,
        ..Layout::default()
    }
}

fn read_pdf(name: &str, bytes: &[u8], opts: &ParseOptions) -> Result<Parsed, ParseError> {
    jp_meti::parse_pdf("jp_meti", Input::new(name, bytes), opts)
}

/// The error a PDF gives; it must name the file and must not come from a panic.
fn error_of(name: &str, bytes: &[u8], limits: Limits) -> String {
    let opts = ParseOptions {
        limits,
        ..ParseOptions::default()
    };
    let err = match read_pdf(name, bytes, &opts) {
        Ok(parsed) => panic!("{name}: read {} parties", parsed.entities.len()),
        Err(err) => err.to_string(),
    };
    assert!(err.starts_with(name), "{err}");
    assert!(!err.contains("reader failed"), "a panic: {err}");
    err
}

#[test]
fn the_shared_text_laid_out_as_a_word_pdf_reads_to_the_same_parties() {
    let Some(lists) = sanctum_testkit::shared_lists("the_shared_text_laid_out_as_a_word_pdf")
    else {
        return;
    };
    let path = lists.join("japan/meti_russia_export_ban_list_2025-09-12.pdf.txt");
    let text = std::fs::read_to_string(&path).expect("read");
    let from_text = jp_meti::parse(
        "jp_meti",
        Input::new("list.txt", text.as_bytes()),
        &ParseOptions::default(),
    )
    .expect("text");
    let bytes = text_pdf(&text, &Layout::default());
    let from_pdf = read_pdf("list.pdf", &bytes, &ParseOptions::default()).expect("pdf");
    assert_eq!(from_pdf.entities.len(), 561);
    assert_eq!(from_pdf.published, from_text.published);
    for (p, t) in from_pdf.entities.iter().zip(&from_text.entities) {
        assert_eq!(p, t, "entry {}", t.source_id);
    }
    assert_eq!(from_pdf.entities, from_text.entities);
}

#[test]
fn the_pdf_text_has_the_lines_of_the_page() {
    let text = std::fs::read_to_string(common::fixture(SYNTHETIC_TEXT)).expect("read");
    let bytes = text_pdf(&text, &fixture_layout());
    let read = pdf::text("synthetic.pdf", &bytes, &Limits::default()).expect("text");
    // Lines as written: runs of two fonts joined, gaps read as spaces, the page numbers in
    // the footers dropped.
    assert_eq!(read.text, text);
    assert_eq!(read.page_starts, [1, 11, 21]);
    assert_eq!(read.page_of(12), 2);
}

#[test]
fn the_committed_pdf_fixture_reads_correctly() {
    let bytes = std::fs::read(common::fixture(SYNTHETIC_PDF)).expect("fixture");
    let parsed = read_pdf("meti_synthetic.pdf", &bytes, &ParseOptions::default()).expect("pdf");
    assert_eq!(parsed.published, Some("2026-01-20".parse().expect("date")));
    let ids: Vec<&str> = parsed
        .entities
        .iter()
        .map(|e| e.source_id.as_str())
        .collect();
    assert_eq!(ids, ["1", "2", "3", "4", "5", "6"]);
    let names = |i: usize, kind: NameKind| -> Vec<&str> {
        parsed.entities[i]
            .names
            .iter()
            .filter(|n| n.kind == kind)
            .map(|n| n.full.as_str())
            .collect()
    };
    let first = &parsed.entities[0];
    assert_eq!(first.caption(), "Beresta Optics JSC");
    assert_eq!(names(0, NameKind::OriginalScript), ["株式会社ベレスタ光学"]);
    assert_eq!(
        first.addresses[0].lines[0],
        "14 Lesnaya Street, Tver 170001, Russia"
    );
    assert_eq!(
        first.designations[0].listed_on,
        Some("2022-03-01".parse().expect("date"))
    );
    // Japanese aliases inside （別称、…）, English a.k.a. items, two addresses across a
    // wrapped line.
    assert_eq!(
        names(1, NameKind::Alias),
        ["Sevpribor", "NII SPM", "セヴプリボル"]
    );
    assert_eq!(parsed.entities[1].addresses.len(), 2);
    assert_eq!(
        parsed.entities[1].addresses[1].lines[0],
        "22 Zavodskaya Street, Severodvinsk 164500, Russia"
    );
    assert_eq!(parsed.entities[2].designations[0].listed_on, None);
    assert_eq!(parsed.entities[3].kind, EntityKind::Person);
    assert_eq!(
        names(3, NameKind::OriginalScript),
        ["イワン・ペトロヴィチ・ソコロフ"]
    );
    // An em-dash item; curly quotes of WinAnsi.
    assert_eq!(names(4, NameKind::Alias), ["Volga UAV", "ヴォルガ UAV"]);
    assert!(parsed.entities[4].addresses[0].lines[0].contains("“Volna,”"));
    // `別称：` lines; another country.
    assert_eq!(
        names(5, NameKind::Alias),
        ["MLC Company", "OOO MLC", "MLC社", "有限会社 MLC"]
    );
    assert_eq!(
        parsed.entities[5].addresses[0].country.as_deref(),
        Some("BY")
    );
}

#[test]
fn the_committed_fixture_is_what_the_writer_makes() {
    let text = std::fs::read_to_string(common::fixture(SYNTHETIC_TEXT)).expect("read");
    let made = text_pdf(&text, &fixture_layout());
    let path = common::fixture(SYNTHETIC_PDF);
    if std::env::var_os("SANCTUM_WRITE_FIXTURES").is_some() {
        std::fs::write(&path, &made).expect("write fixture");
    }
    let committed = std::fs::read(&path).expect("fixture");
    assert!(
        committed == made,
        "{} is stale: run with SANCTUM_WRITE_FIXTURES=1",
        path.display()
    );
}

#[test]
fn a_pdf_is_recognised_as_the_meti_list_by_its_text() {
    let path = common::fixture(SYNTHETIC_PDF);
    let found = detect::detect(&path).expect("detect").expect("recognised");
    assert_eq!(
        (found.format, found.role, found.source),
        (Format::JpMetiPdf, Role::Main, Some("jp_meti"))
    );
    let (publications, _) = detect::plan(&path, None).expect("plan");
    let parsed = detect::read(&publications[0], &ParseOptions::default()).expect("read");
    assert_eq!(parsed.entities.len(), 6);

    // Another PDF is no list; a METI PDF beside it in a directory is.
    let dir = tempfile::tempdir().expect("tempdir");
    let other = text_pdf(
        "Minutes of the meeting\nNothing listed here\n",
        &Layout::default(),
    );
    std::fs::write(dir.path().join("minutes.pdf"), other).expect("write");
    assert_eq!(
        detect::detect(&dir.path().join("minutes.pdf")).expect("detect"),
        None
    );
    std::fs::copy(&path, dir.path().join("250912_list_russia.pdf")).expect("copy");
    let (publications, _) = detect::plan(dir.path(), None).expect("plan");
    assert_eq!(publications.len(), 1);
    assert_eq!(publications[0].source, "jp_meti");
}

#[test]
fn a_bad_entry_names_its_page() {
    let text = std::fs::read_to_string(common::fixture(SYNTHETIC_TEXT)).expect("read");
    let broken = text.replace("所在地：Office 12", "Office 12");
    let bytes = text_pdf(&broken, &fixture_layout());
    match read_pdf("broken.pdf", &bytes, &ParseOptions::default()) {
        Err(ParseError::Row(row)) => {
            assert_eq!(row.file, "broken.pdf");
            assert_eq!(row.line, 14);
            assert!(row.reason.contains("entry 3"), "{}", row.reason);
            assert!(
                row.reason.ends_with("(page 2 of the PDF)"),
                "{}",
                row.reason
            );
        }
        other => panic!("expected a row error, got {other:?}"),
    }
}

// ---------------------------------------------------------------- hostile PDFs

fn synthetic_pdf() -> Vec<u8> {
    std::fs::read(common::fixture(SYNTHETIC_PDF)).expect("fixture")
}

/// A one-page PDF with `content` (compressed) and `resources`.
fn one_page(content: &[u8], resources: &str) -> Vec<u8> {
    let mut objects = Objects::default();
    let root = document(
        &mut objects,
        vec![Objects::stream("", content, true)],
        resources,
    );
    objects.finish(root)
}

#[test]
fn a_cut_pdf_is_an_error() {
    let bytes = synthetic_pdf();
    for cut in [bytes.len() / 3, bytes.len() / 2, bytes.len() - 10] {
        let err = error_of("cut.pdf", &bytes[..cut], Limits::default());
        assert!(err.contains("truncated PDF"), "{err}");
    }
    // Cut, with the end marker put back: the cross-reference table no longer reads.
    let mut patched = bytes[..bytes.len() / 2].to_vec();
    patched.extend_from_slice(b"\n%%EOF\n");
    let err = error_of("patched.pdf", &patched, Limits::default());
    assert!(
        err.contains("damaged PDF") || err.contains("unreadable PDF"),
        "{err}"
    );
}

#[test]
fn a_file_that_is_not_a_pdf_is_an_error() {
    let err = error_of(
        "list.pdf",
        b"PK\x03\x04 not a pdf at all",
        Limits::default(),
    );
    assert!(err.contains("not a PDF"), "{err}");
    let err = error_of("empty.pdf", b"", Limits::default());
    assert!(err.contains("not a PDF"), "{err}");
}

#[test]
fn a_pdf_over_the_size_limit_is_refused() {
    let limits = Limits {
        max_pdf_bytes: 1000,
        ..Limits::default()
    };
    let err = error_of("big.pdf", &synthetic_pdf(), limits);
    assert!(err.contains("max_pdf_bytes"), "{err}");
}

#[test]
fn a_flate_bomb_page_stops_at_the_stream_limit() {
    let mut content = b"BT /F1 10 Tf (x) Tj ET\n".to_vec();
    content.resize(64 << 20, b' ');
    let bytes = one_page(&content, "<< >>");
    assert!(bytes.len() < 200_000, "{} bytes", bytes.len());
    let err = error_of("bomb.pdf", &bytes, Limits::default());
    assert!(err.contains("max_pdf_stream_bytes"), "{err}");
    assert!(err.contains("page 1"), "{err}");
    // With the stream limit raised, the ratio limit stops it.
    let limits = Limits {
        max_pdf_stream_bytes: 1 << 30,
        ..Limits::default()
    };
    let err = error_of("bomb.pdf", &bytes, limits);
    assert!(err.contains("max_compression_ratio"), "{err}");
}

#[test]
fn a_flate_bomb_font_map_stops_at_the_stream_limit() {
    let mut cmap = b"1 beginbfchar <0001> <0041> endbfchar\n".to_vec();
    cmap.resize(64 << 20, b' ');
    let mut objects = Objects::default();
    let map = objects.add(Objects::stream("", &cmap, true));
    let font = objects.add(format!(
        "<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H \
         /DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /BaseFont /X >>] \
         /ToUnicode {map} 0 R >>"
    ));
    let content = Objects::stream("", b"BT /F1 10 Tf 1 0 0 1 50 700 Tm <0001> Tj ET", true);
    let root = document(
        &mut objects,
        vec![content],
        &format!("<< /Font << /F1 {font} 0 R >> >>"),
    );
    let err = error_of("bomb.pdf", &objects.finish(root), Limits::default());
    assert!(err.contains("max_pdf_stream_bytes"), "{err}");
    assert!(err.contains("Unicode map"), "{err}");
}

#[test]
fn an_object_stream_bomb_stops_while_the_file_opens() {
    let mut inner = b"5 0 [".to_vec();
    inner.resize(64 << 20, b' ');
    let mut objects = Objects::default();
    let root = document(&mut objects, vec![Objects::stream("", b"", true)], "<< >>");
    objects.add(Objects::stream("/Type /ObjStm /N 1 /First 4", &inner, true));
    let err = error_of("objstm.pdf", &objects.finish(root), Limits::default());
    assert!(err.contains("object stream"), "{err}");
    assert!(err.contains("max_pdf_stream_bytes"), "{err}");
}

const HELVETICA: &str =
    "<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>";

/// What a hostile PDF whose page shows "Moscow" gives: the text, or an error naming the
/// file and never a panic.
fn moscow_or_error(name: &str, bytes: &[u8]) -> Result<(), String> {
    match pdf::text(name, bytes, &Limits::default()) {
        Ok(read) => {
            assert_eq!(read.text, "Moscow\n");
            Ok(())
        }
        Err(err) => {
            let err = err.to_string();
            assert!(err.starts_with(name), "{err}");
            assert!(!err.contains("reader failed"), "a panic: {err}");
            Err(err)
        }
    }
}

/// 100,000 nested arrays, where lopdf reads objects and where it reads content: bounded by
/// lopdf's nesting limit, never a stack overflow.
#[test]
fn deeply_nested_arrays_are_an_error_not_a_crash() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));

    // In the page's dictionary.
    let mut objects = Objects::default();
    let tree = objects.reserve();
    let content = objects.add(Objects::stream("", b"BT /F1 10 Tf (Moscow) Tj ET", true));
    let page = objects.add(format!(
        "<< /Type /Page /Parent {tree} 0 R /Deep {deep} /Resources {HELVETICA} \
         /Contents {content} 0 R >>"
    ));
    objects.set(
        tree,
        format!("<< /Type /Pages /Kids [{page} 0 R] /Count 1 >>"),
    );
    let root = objects.add(format!("<< /Type /Catalog /Pages {tree} 0 R >>"));
    let err = moscow_or_error("deep.pdf", &objects.finish(root)).expect_err("page lost");
    assert!(err.contains("damaged PDF: page 1"), "{err}");

    // In a page's content.
    let content = format!("BT /F1 10 Tf (Moscow) Tj {deep} TJ ET");
    let err = error_of(
        "deep.pdf",
        &one_page(content.as_bytes(), HELVETICA),
        Limits::default(),
    );
    assert!(err.contains("does not parse to its end"), "{err}");

    // Nested dictionaries too.
    let dicts = format!("{}{}", "<< /A ".repeat(50_000), ">> ".repeat(50_000));
    let content = format!("BT /F1 10 Tf (Moscow) Tj ET /P {dicts} BDC EMC");
    let err = error_of(
        "deep.pdf",
        &one_page(content.as_bytes(), HELVETICA),
        Limits::default(),
    );
    assert!(err.contains("does not parse to its end"), "{err}");
}

#[test]
fn a_deep_page_tree_is_an_error_not_a_crash() {
    let mut objects = Objects::default();
    let content = objects.add(Objects::stream("", b"BT /F1 10 Tf (Moscow) Tj ET", true));
    let depth = 100_000;
    let first = objects.reserve();
    let mut parent = first;
    for _ in 0..depth {
        let node = objects.reserve();
        objects.set(
            parent,
            format!("<< /Type /Pages /Kids [{node} 0 R] /Count 1 >>"),
        );
        parent = node;
    }
    objects.set(
        parent,
        format!(
            "<< /Type /Page /MediaBox [0 0 10 10] /Resources {HELVETICA} \
             /Contents {content} 0 R >>"
        ),
    );
    let root = objects.add(format!("<< /Type /Catalog /Pages {first} 0 R >>"));
    if let Err(err) = moscow_or_error("tree.pdf", &objects.finish(root)) {
        assert!(err.contains("page"), "{err}");
    }
}

#[test]
fn deep_graphics_state_nesting_stops_at_the_depth_limit() {
    let content = "q ".repeat(100_000);
    let err = error_of(
        "q.pdf",
        &one_page(content.as_bytes(), "<< >>"),
        Limits::default(),
    );
    assert!(err.contains("max_xml_depth"), "{err}");
}

#[test]
fn an_image_only_pdf_has_no_text_layer() {
    let mut objects = Objects::default();
    let image = objects.add(Objects::stream(
        "/Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray \
         /BitsPerComponent 8 ",
        &[0, 255, 255, 0],
        false,
    ));
    let content = Objects::stream("", b"q 500 0 0 700 40 60 cm /Im1 Do Q", true);
    let root = document(
        &mut objects,
        vec![content],
        &format!("<< /XObject << /Im1 {image} 0 R >> >>"),
    );
    let err = error_of("scan.pdf", &objects.finish(root), Limits::default());
    assert!(err.contains("no text layer"), "{err}");
}

#[test]
fn text_inside_a_form_is_an_error_not_text_lost() {
    let mut objects = Objects::default();
    let inner = objects.add(Objects::stream(
        &format!("/Type /XObject /Subtype /Form /BBox [0 0 100 100] /Resources {HELVETICA} "),
        b"BT /F1 10 Tf (Moscow) Tj ET",
        true,
    ));
    // A form that draws the one with text, and draws itself.
    let outer = objects.reserve();
    objects.set(
        outer,
        Objects::stream(
            &format!(
                "/Type /XObject /Subtype /Form /BBox [0 0 100 100] \
                 /Resources << /XObject << /Fm2 {inner} 0 R /Fm1 {outer} 0 R >> >> "
            ),
            b"q /Fm1 Do Q /Fm2 Do",
            true,
        ),
    );
    let content = Objects::stream("", b"BT /F1 10 Tf (Kazan) Tj ET q /Fm1 Do Q", true);
    let root = document(
        &mut objects,
        vec![content],
        &format!(
            "<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> \
             /XObject << /Fm1 {outer} 0 R >> >>"
        ),
    );
    let err = error_of("form.pdf", &objects.finish(root), Limits::default());
    assert!(err.contains("text inside the form XObject /Fm2"), "{err}");
}

#[test]
fn text_in_a_font_without_a_unicode_map_is_an_error() {
    let mut objects = Objects::default();
    let font = objects.add(
        "<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+MS-Mincho /Encoding /Identity-H \
         /DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /BaseFont /X >>] >>",
    );
    let content = Objects::stream("", b"BT /F1 10 Tf 1 0 0 1 50 700 Tm <00030004> Tj ET", true);
    let root = document(
        &mut objects,
        vec![content],
        &format!("<< /Font << /F1 {font} 0 R >> >>"),
    );
    let err = error_of("nomap.pdf", &objects.finish(root), Limits::default());
    assert!(err.contains("no Unicode mapping"), "{err}");
    assert!(err.contains("MS-Mincho"), "{err}");

    // A font name the page does not define.
    let bytes = one_page(b"BT /F9 10 Tf (Moscow) Tj ET", "<< >>");
    let err = error_of("nofont.pdf", &bytes, Limits::default());
    assert!(err.contains("/F9"), "{err}");
}

#[test]
fn an_encrypted_pdf_needs_its_password_unless_it_has_none() {
    use lopdf::encryption::{EncryptionState, EncryptionVersion, Permissions};
    let encrypt = |user_password: &str| {
        let mut doc = lopdf::Document::load_mem(&synthetic_pdf()).expect("load");
        let version = EncryptionVersion::V2 {
            document: &doc,
            owner_password: "owner",
            user_password,
            key_length: 128,
            permissions: Permissions::default(),
        };
        let state = EncryptionState::try_from(version).expect("state");
        doc.encrypt(&state).expect("encrypt");
        let mut out = Vec::new();
        doc.save_to(&mut out).expect("save");
        out
    };
    let err = error_of("locked.pdf", &encrypt("secret"), Limits::default());
    assert!(err.contains("encrypted PDF that needs a password"), "{err}");
    // An owner password only (no user password) opens as readers open it.
    let parsed = read_pdf("owner.pdf", &encrypt(""), &ParseOptions::default()).expect("opens");
    assert_eq!(parsed.entities.len(), 6);
}

/// Bytes changed at random places (a fixed sequence): every result is parties or an error
/// naming the file, never a panic.
#[test]
fn damaged_bytes_give_errors_not_panics() {
    let original = synthetic_pdf();
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut errors = 0;
    for _ in 0..300 {
        let mut bytes = original.clone();
        for _ in 0..(next() % 4 + 1) {
            let at = (next() % bytes.len() as u64) as usize;
            bytes[at] = next() as u8;
        }
        match read_pdf("damaged.pdf", &bytes, &ParseOptions::default()) {
            Ok(parsed) => assert!(!parsed.entities.is_empty()),
            Err(err) => {
                let err = err.to_string();
                assert!(err.starts_with("damaged.pdf"), "{err}");
                assert!(!err.contains("reader failed"), "a panic: {err}");
                errors += 1;
            }
        }
    }
    assert!(errors > 0);
}

#[test]
fn a_page_with_a_uncompressed_and_a_compressed_stream_reads_both() {
    // Two content streams make one content; a literal string in a simple font.
    let mut objects = Objects::default();
    let font = objects
        .add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
    let first = objects.add(Objects::stream(
        "",
        b"BT /F1 10 Tf 1 0 0 1 50 700 Tm",
        false,
    ));
    let second = objects.add(Objects::stream("", b"(Moscow 129090) Tj ET", true));
    let tree = objects.reserve();
    let page = objects.add(format!(
        "<< /Type /Page /Parent {tree} 0 R /Resources << /Font << /F1 {font} 0 R >> >> \
         /Contents [{first} 0 R {second} 0 R] >>"
    ));
    objects.set(
        tree,
        format!("<< /Type /Pages /Kids [{page} 0 R] /Count 1 >>"),
    );
    let root = objects.add(format!("<< /Type /Catalog /Pages {tree} 0 R >>"));
    let read = pdf::text("two.pdf", &objects.finish(root), &Limits::default()).expect("text");
    assert_eq!(read.text, "Moscow 129090\n");
}
