//! A test-only PDF writer that lays text out as Word's "Save as PDF" does, so the PDF reader
//! is tested without a real METI file (none may be downloaded).
//!
//! What it makes like Word: Japanese (and anything outside WinAnsi) in a `Type0` font with
//! `Identity-H` encoding, whose two-byte codes are glyph numbers of a subset font, not
//! Unicode, mapped back by a `ToUnicode` CMap (single codes in `bfchar`, the full-width
//! digits as one `bfrange`); Latin text in a simple TrueType font with `WinAnsiEncoding`
//! and `Widths`; each run of one font its own `BT … ET` placed with `Tm`; a space beside a
//! change of font shown as a gap, not a glyph; kerning inside Latin runs as `TJ`
//! adjustments; a page number in the footer; each page's content FlateDecode-compressed.
//! Written by hand (not through lopdf) so the reader is not tested against its own writer;
//! the bytes are the same on every run.
#![allow(dead_code)]

use flate2::Compression;
use flate2::write::ZlibEncoder;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;

/// Indirect objects, numbered from 1, then the cross-reference table and trailer.
#[derive(Default)]
pub struct Objects {
    bodies: Vec<Vec<u8>>,
}

impl Objects {
    /// Reserves an object number, to be filled by [`Objects::set`].
    pub fn reserve(&mut self) -> u32 {
        self.bodies.push(Vec::new());
        self.bodies.len() as u32
    }

    pub fn set(&mut self, id: u32, body: impl Into<Vec<u8>>) {
        self.bodies[id as usize - 1] = body.into();
    }

    pub fn add(&mut self, body: impl Into<Vec<u8>>) -> u32 {
        let id = self.reserve();
        self.set(id, body);
        id
    }

    /// A stream object's body: `extra` dictionary entries, compressed with FlateDecode when
    /// `compress`.
    pub fn stream(extra: &str, data: &[u8], compress: bool) -> Vec<u8> {
        let (data, filter) = if compress {
            (deflate(data), "/Filter /FlateDecode ")
        } else {
            (data.to_vec(), "")
        };
        let mut body =
            format!("<< {filter}/Length {} {extra}>>\nstream\n", data.len()).into_bytes();
        body.extend_from_slice(&data);
        body.extend_from_slice(b"\nendstream");
        body
    }

    /// The whole file, with `root` as the catalog.
    pub fn finish(&self, root: u32) -> Vec<u8> {
        let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in self.bodies.iter().enumerate() {
            offsets.push(out.len());
            writeln!(out, "{} 0 obj", i + 1).unwrap();
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        write!(
            out,
            "xref\n0 {}\n0000000000 65535 f\r\n",
            self.bodies.len() + 1
        )
        .unwrap();
        for offset in offsets {
            write!(out, "{offset:010} 00000 n\r\n").unwrap();
        }
        write!(
            out,
            "trailer\n<< /Size {} /Root {root} 0 R /ID [<5341\
             4e4354554d2d544553542d3031> <53414e4354554d2d544553542d3031>] >>\n\
             startxref\n{xref}\n%%EOF\n",
            self.bodies.len() + 1
        )
        .unwrap();
        out
    }
}

pub fn deflate(data: &[u8]) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

/// A catalog and a page tree over `pages` content bodies (each already a stream body), with
/// `resources` on every page. Returns the catalog's number.
pub fn document(objects: &mut Objects, pages: Vec<Vec<u8>>, resources: &str) -> u32 {
    let tree = objects.reserve();
    let mut kids = String::new();
    for content in pages {
        let content = objects.add(content);
        let page = objects.add(format!(
            "<< /Type /Page /Parent {tree} 0 R /MediaBox [0 0 595.32 841.92] \
             /Resources {resources} /Contents {content} 0 R >>"
        ));
        write!(kids, "{page} 0 R ").unwrap();
    }
    let count = kids.matches(" R").count();
    objects.set(
        tree,
        format!("<< /Type /Pages /Kids [{kids}] /Count {count} >>"),
    );
    objects.add(format!(
        "<< /Type /Catalog /Pages {tree} 0 R /Lang (ja-JP) >>"
    ))
}

/// The WinAnsi byte of `c`, if the encoding has it.
fn win_ansi(c: char) -> Option<u8> {
    const HIGH: [(char, u8); 27] = [
        ('€', 0x80),
        ('‚', 0x82),
        ('ƒ', 0x83),
        ('„', 0x84),
        ('…', 0x85),
        ('†', 0x86),
        ('‡', 0x87),
        ('ˆ', 0x88),
        ('‰', 0x89),
        ('Š', 0x8a),
        ('‹', 0x8b),
        ('Œ', 0x8c),
        ('Ž', 0x8e),
        ('‘', 0x91),
        ('’', 0x92),
        ('“', 0x93),
        ('”', 0x94),
        ('•', 0x95),
        ('–', 0x96),
        ('—', 0x97),
        ('˜', 0x98),
        ('™', 0x99),
        ('š', 0x9a),
        ('›', 0x9b),
        ('œ', 0x9c),
        ('ž', 0x9e),
        ('Ÿ', 0x9f),
    ];
    match c as u32 {
        0x20..=0x7e | 0xa0..=0xff => Some(c as u8),
        _ => HIGH.iter().find(|(h, _)| *h == c).map(|(_, b)| *b),
    }
}

/// The Latin font's width of a WinAnsi byte, in thousandths of an em.
fn latin_width(byte: u8) -> u32 {
    match byte {
        b' ' | b'.' | b',' | b'i' | b'l' | b'j' | b'\'' | b'!' | b':' | b';' => 278,
        b'm' | b'w' | b'M' | b'W' => 833,
        b'A'..=b'Z' => 667,
        _ => 556,
    }
}

/// Whether the Japanese font shows `c` half-width.
fn half_width(c: char) -> bool {
    (c as u32) < 0x2000 || ('\u{FF61}'..='\u{FF9F}').contains(&c)
}

/// Where the full-width digits sit in the subset font: ten consecutive glyphs, mapped by
/// one `bfrange`.
const DIGIT_GLYPHS: u16 = 0x0200;

/// The subset "Japanese" font: glyph numbers given in order of first use.
#[derive(Default)]
struct Subset {
    glyphs: BTreeMap<char, u16>,
}

impl Subset {
    fn glyph(&mut self, c: char) -> u16 {
        if ('０'..='９').contains(&c) {
            return DIGIT_GLYPHS + (c as u32 - '０' as u32) as u16;
        }
        let next = self.glyphs.len() as u16 + 3;
        *self.glyphs.entry(c).or_insert(next)
    }

    fn width(c: char) -> u32 {
        if half_width(c) { 500 } else { 1000 }
    }

    fn to_unicode(&self) -> String {
        let mut cmap = String::from(
            "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
             /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
             /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
             1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
        );
        let entries: Vec<(&char, &u16)> = self.glyphs.iter().collect();
        for block in entries.chunks(100) {
            writeln!(cmap, "{} beginbfchar", block.len()).unwrap();
            for (c, glyph) in block {
                let mut units = [0u16; 2];
                let hex: String = c
                    .encode_utf16(&mut units)
                    .iter()
                    .map(|u| format!("{u:04X}"))
                    .collect();
                writeln!(cmap, "<{glyph:04X}> <{hex}>").unwrap();
            }
            cmap.push_str("endbfchar\n");
        }
        writeln!(
            cmap,
            "1 beginbfrange\n<{DIGIT_GLYPHS:04X}> <{:04X}> <FF10>\nendbfrange",
            DIGIT_GLYPHS + 9
        )
        .unwrap();
        cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
        cmap
    }

    fn widths(&self) -> String {
        let mut by_glyph: BTreeMap<u16, u32> = self
            .glyphs
            .iter()
            .map(|(c, g)| (*g, Self::width(*c)))
            .collect();
        for d in 0..10 {
            by_glyph.insert(DIGIT_GLYPHS + d, 1000);
        }
        let mut w = String::new();
        for (glyph, width) in by_glyph {
            write!(w, "{glyph} [{width}] ").unwrap();
        }
        w
    }
}

/// How a page is laid out.
pub struct Layout {
    pub lines_per_page: usize,
    pub font_size: f64,
    /// Show a space beside a change of font as a gap rather than a glyph (as a tab shows).
    pub gaps_at_font_changes: bool,
    /// Put the page number in the footer.
    pub page_numbers: bool,
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            lines_per_page: 40,
            font_size: 10.5,
            gaps_at_font_changes: true,
            page_numbers: true,
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Face {
    Japanese,
    Latin,
}

fn face(c: char) -> Face {
    if win_ansi(c).is_some() {
        Face::Latin
    } else {
        Face::Japanese
    }
}

/// `text` laid out as a Word-made PDF, one line of text a line on the page.
pub fn text_pdf(text: &str, layout: &Layout) -> Vec<u8> {
    let mut subset = Subset::default();
    let lines: Vec<&str> = text.lines().collect();
    let pages = lines
        .chunks(layout.lines_per_page.max(1))
        .collect::<Vec<_>>();
    let mut contents = Vec::new();
    for (index, page) in pages.into_iter().enumerate() {
        let mut content = String::new();
        let top = 841.92 - 72.0;
        for (row, line) in page.iter().enumerate() {
            let y = top - row as f64 * layout.font_size * 1.5;
            show_line(&mut content, &mut subset, line, 85.1, y, layout);
        }
        if layout.page_numbers {
            let label = format!("- {} -", index + 1);
            show_line(&mut content, &mut subset, &label, 290.0, 40.0, layout);
        }
        contents.push(Objects::stream("", content.as_bytes(), true));
    }
    let mut objects = Objects::default();
    let descriptor = objects.add(
        "<< /Type /FontDescriptor /FontName /AAAAAB+MS-Mincho /Flags 6 \
         /FontBBox [-8 -141 1000 859] /ItalicAngle 0 /Ascent 859 /Descent -141 \
         /CapHeight 859 /StemV 80 >>",
    );
    let cid = objects.add(format!(
        "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /AAAAAB+MS-Mincho \
         /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> \
         /FontDescriptor {descriptor} 0 R /DW 1000 /W [{}] /CIDToGIDMap /Identity >>",
        subset.widths()
    ));
    let to_unicode = objects.add(Objects::stream("", subset.to_unicode().as_bytes(), true));
    let japanese = objects.add(format!(
        "<< /Type /Font /Subtype /Type0 /BaseFont /AAAAAB+MS-Mincho /Encoding /Identity-H \
         /DescendantFonts [{cid} 0 R] /ToUnicode {to_unicode} 0 R >>"
    ));
    let latin_descriptor = objects.add(
        "<< /Type /FontDescriptor /FontName /Century /Flags 32 \
         /FontBBox [-164 -215 1134 951] /ItalicAngle 0 /Ascent 951 /Descent -215 \
         /CapHeight 722 /StemV 80 >>",
    );
    let widths: Vec<String> = (32u8..=255).map(|b| latin_width(b).to_string()).collect();
    let latin = objects.add(format!(
        "<< /Type /Font /Subtype /TrueType /BaseFont /Century /Encoding /WinAnsiEncoding \
         /FirstChar 32 /LastChar 255 /Widths [{}] /FontDescriptor {latin_descriptor} 0 R >>",
        widths.join(" ")
    ));
    let resources = format!("<< /Font << /F1 {japanese} 0 R /F2 {latin} 0 R >> >>");
    let root = document(&mut objects, contents, &resources);
    objects.finish(root)
}

/// One line: a `BT … ET` block per run of one font, placed with `Tm`.
fn show_line(
    content: &mut String,
    subset: &mut Subset,
    line: &str,
    x0: f64,
    y: f64,
    layout: &Layout,
) {
    let size = layout.font_size;
    let chars: Vec<char> = line.chars().collect();
    let mut x = x0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        // A single space between runs of the two fonts is shown as a gap.
        if c == ' ' && layout.gaps_at_font_changes {
            let before = i.checked_sub(1).map(|j| face(chars[j]));
            let after = chars.get(i + 1).map(|&n| face(n));
            let single = before.is_some() && after.is_some_and(|_| chars[i + 1] != ' ');
            if single && (before == Some(Face::Japanese) || after == Some(Face::Japanese)) {
                x += size * 0.6;
                i += 1;
                continue;
            }
        }
        let run_face = face(c);
        let mut end = i;
        while end < chars.len() && face(chars[end]) == run_face {
            if chars[end] == ' ' && layout.gaps_at_font_changes {
                let next = chars.get(end + 1).map(|&n| face(n));
                if next == Some(Face::Japanese) && chars[end + 1] != ' ' {
                    break;
                }
            }
            end += 1;
        }
        let run = &chars[i..end];
        match run_face {
            Face::Japanese => {
                let codes: String = run
                    .iter()
                    .map(|&c| format!("{:04X}", subset.glyph(c)))
                    .collect();
                writeln!(
                    content,
                    "BT\n/F1 {size} Tf\n1 0 0 1 {x:.3} {y:.3} Tm\n<{codes}> Tj\nET"
                )
                .unwrap();
                x += run.iter().map(|&c| Subset::width(c) as f64).sum::<f64>() / 1000.0 * size;
            }
            Face::Latin => {
                // Kerning as Word writes it: the run split after its third letter with a
                // small adjustment, the space between the parts counted in the advance.
                let bytes: Vec<u8> = run.iter().filter_map(|&c| win_ansi(c)).collect();
                let kern = 12;
                let (head, tail) = bytes.split_at(bytes.len().min(3));
                let string = |part: &[u8]| {
                    let mut s = String::from("(");
                    for &b in part {
                        match b {
                            b'(' | b')' | b'\\' => {
                                s.push('\\');
                                s.push(b as char);
                            }
                            0x20..=0x7e => s.push(b as char),
                            _ => write!(s, "\\{b:03o}").unwrap(),
                        }
                    }
                    s.push(')');
                    s
                };
                let mut array = string(head);
                if !tail.is_empty() {
                    write!(array, " -{kern} {}", string(tail)).unwrap();
                }
                writeln!(
                    content,
                    "BT\n/F2 {size} Tf\n1 0 0 1 {x:.3} {y:.3} Tm\n[{array}] TJ\nET"
                )
                .unwrap();
                let mut advance: f64 = bytes.iter().map(|&b| latin_width(b) as f64).sum();
                if !tail.is_empty() {
                    advance += kern as f64;
                }
                x += advance / 1000.0 * size;
            }
        }
        i = end;
    }
}
