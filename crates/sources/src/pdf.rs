//! The text of a PDF, line by line as it reads on the page.
//!
//! Brief overview: [`text`] takes a PDF's bytes and gives its text, page after page, one
//! line of text for each line printed on the page, with a space where the page shows a gap
//! between words. It exists for Japan METI's list, which is published only as a PDF made
//! with Word ([`crate::jp_meti`] reads the text). [lopdf] parses the file: its objects,
//! streams, fonts and content operators; this module follows the text operators to place
//! each run of text on the page, decodes it through the font's Unicode map, and joins the
//! runs into lines.
//!
//! How Word writes Japanese: each font is a `Type0` font with `Identity-H` encoding, so the
//! page shows two-byte glyph numbers of a font subset, which are not Unicode; the font's
//! `ToUnicode` CMap maps them back. Each run of one font is its own `BT … ET` block placed
//! with `Tm`, so one printed line (a full-width entry number, a Japanese name, a Latin name)
//! is several blocks at the same height, and a tab shows as a gap, not a character.
//!
//! Why not lopdf's own `extract_text` or the pdf-extract crate: `extract_text` ends a line
//! at every `ET`, so a Word line comes out as several, and knows no gaps. pdf-extract lays
//! text out, but panics on malformed fonts and colour spaces (`panic!`/`unwrap` on input
//! throughout), and pins lopdf 0.42, which inflates streams without bound. Unicode maps are
//! read here too, not through lopdf: its reader builds a reverse map over every code of every
//! range, so one range `<00000000> <FFFFFFFF>` takes minutes and gigabytes.
//!
//! What hostile input meets ([`sanctum_limits::Limits`]): the file is at most
//! `max_pdf_bytes` and must end with `%%EOF` (a cut file does not); lopdf bounds object
//! nesting and reference chains itself, so deep input cannot overflow the stack; object
//! streams decoded while the file opens share `max_pdf_bytes`; each stream decoded here
//! (page content, Unicode map) is at most `max_pdf_stream_bytes`, FlateDecode inflating
//! through [`InflateGuard`]; everything decoded, and the text itself, counts against
//! `max_decompressed_bytes`; `q` nesting is held to `max_xml_depth`. A file whose
//! cross-reference table had to be rebuilt, an encrypted file that needs a password, a page
//! whose content does not parse to its end, text in a font with no Unicode mapping: each is
//! an error naming the file and the page, never text silently lost.

use crate::ParseError;
use lopdf::content::{Content, Operation};
use lopdf::xref::XrefRecovery;
use lopdf::{Dictionary, Document, Encoding, LoadOptions, Object, ObjectId, Stream};
use sanctum_limits::{Compressed, InflateGuard, LimitExceeded, Limits};
use std::collections::{BTreeMap, HashMap};
use std::io::Read;

/// How far into a file the `%PDF-` header, and back from its end the `%%EOF` marker, may
/// sit: readers accept up to 1,024 bytes of anything around them (PDF 32000-1, annex H).
const MARKER_WINDOW: usize = 1024;

/// A gap between two runs of text on one line wider than this share of the font size reads
/// as a space. A space glyph is about a quarter of an em; kerning moves a run by less than
/// a tenth.
const WORD_GAP_EM: f64 = 0.15;

/// Two runs whose baselines differ by at most this share of the font size are on one line
/// (a superscript rises about a third of an em; lines are more than an em apart).
const SAME_LINE_EM: f64 = 0.5;

/// Glyph width assumed, in ems, for a simple font that gives none (the standard 14 fonts).
const UNKNOWN_WIDTH_EM: f64 = 0.5;

/// An operator no PDF uses, appended to each stream parsed, so that a stream whose parse
/// stops early is told from one read to its end: lopdf's content iterator stops silently at
/// the first token it cannot read.
const END_SENTINEL: &str = "sanctumEndOfStream";

/// The text of a PDF and where its pages start.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PdfText {
    /// Lines of every page, each ending with `\n`.
    pub text: String,
    /// The 1-based line of `text` each page starts on (a page without text starts where the
    /// next one does).
    pub page_starts: Vec<u64>,
}

impl PdfText {
    /// The 1-based page that line `line` of the text is on.
    pub fn page_of(&self, line: u64) -> usize {
        self.page_starts
            .partition_point(|&start| start <= line)
            .max(1)
    }
}

/// Whether `head`, a file's first bytes, is a PDF: `%PDF-` in its first kilobyte.
pub fn is_pdf(head: &[u8]) -> bool {
    let window = head.get(..MARKER_WINDOW + 5).unwrap_or(head);
    window.windows(5).any(|w| w == b"%PDF-")
}

/// Reads a PDF file whole, refusing one larger than `max_pdf_bytes`.
pub fn read_all(file: &str, reader: impl Read, limits: &Limits) -> Result<Vec<u8>, ParseError> {
    let mut bytes = Vec::new();
    reader
        .take(limits.max_pdf_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| ParseError::io(file, e))?;
    if bytes.len() as u64 > limits.max_pdf_bytes {
        return Err(ParseError::format(
            file,
            LimitExceeded::new("the size of the PDF", "max_pdf_bytes", limits.max_pdf_bytes)
                .to_string(),
        ));
    }
    Ok(bytes)
}

/// The text of every page of the PDF `bytes`, named `file` in errors.
pub fn text(file: &str, bytes: &[u8], limits: &Limits) -> Result<PdfText, ParseError> {
    text_of_pages(file, bytes, limits, usize::MAX)
}

/// The text of the first `pages` pages (to recognise a publication by its title).
pub fn text_of_pages(
    file: &str,
    bytes: &[u8],
    limits: &Limits,
    pages: usize,
) -> Result<PdfText, ParseError> {
    let fail = |reason: String| ParseError::format(file, reason);
    if bytes.len() as u64 > limits.max_pdf_bytes {
        return Err(fail(
            LimitExceeded::new("the size of the PDF", "max_pdf_bytes", limits.max_pdf_bytes)
                .found(bytes.len())
                .to_string(),
        ));
    }
    if !is_pdf(bytes) {
        return Err(fail("not a PDF: no %PDF- header".into()));
    }
    let tail = bytes.get(bytes.len().saturating_sub(MARKER_WINDOW)..);
    if !tail.is_some_and(|t| t.windows(5).any(|w| w == b"%%EOF")) {
        return Err(fail(
            "truncated PDF: it does not end with %%EOF, so pages may be missing".into(),
        ));
    }
    // lopdf is a large parser of untrusted input. It has no `unsafe` and bounds nesting, so
    // it cannot overflow the stack, but it indexes and unwraps in places this crate cannot
    // audit: a panic there must become an error naming the file, not end the process (the
    // server runs updates). The limits above and in `extract` stop every failure known;
    // this is the last line behind them.
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        extract(bytes, limits, pages)
    })) {
        Ok(result) => result.map_err(fail),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(fail(format!(
                "unreadable PDF: the PDF reader failed on it ({what})"
            )))
        }
    }
}

/// A lopdf error with its causes.
fn describe(e: &lopdf::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn extract(bytes: &[u8], limits: &Limits, max_pages: usize) -> Result<PdfText, String> {
    let doc = open(bytes, limits)?;
    let mut reader = Reader {
        doc: &doc,
        limits,
        fonts: HashMap::new(),
        inflated: 0,
        font_bytes: 0,
        text_bytes: 0,
    };
    let all: Vec<ObjectId> = doc.page_iter().collect();
    // lopdf skips an object it cannot parse: a page lost so is missing from the page count,
    // or its reference leads nowhere.
    let declared = doc
        .catalog()
        .and_then(|catalog| catalog.get_deref(b"Pages", &doc))
        .and_then(Object::as_dict)
        .and_then(|tree| tree.get_deref(b"Count", &doc))
        .and_then(Object::as_i64)
        .ok();
    if declared != Some(all.len() as i64) {
        let declared = declared.map_or("no".to_string(), |n| n.to_string());
        return Err(format!(
            "damaged PDF: its page tree declares {declared} pages, {} can be read",
            all.len()
        ));
    }
    if all.is_empty() {
        return Err("a PDF without pages".into());
    }
    for (index, page) in all.iter().enumerate() {
        if doc.get_dictionary(*page).is_err() {
            return Err(format!(
                "damaged PDF: page {} (object {} {} R) cannot be read",
                index + 1,
                page.0,
                page.1
            ));
        }
    }
    let total = all.len();
    let pages: Vec<ObjectId> = all.into_iter().take(max_pages).collect();
    let mut out = PdfText::default();
    let mut line = 1u64;
    for (index, page) in pages.iter().enumerate() {
        let number = index + 1;
        out.page_starts.push(line);
        let mut lines = reader
            .page_lines(*page)
            .map_err(|e| format!("page {number}: {e}"))?;
        drop_page_number(&mut lines, number, total);
        for l in lines {
            out.text.push_str(&l);
            out.text.push('\n');
            line += 1;
        }
    }
    if out.text.trim().is_empty() {
        return Err(
            "no text layer: the PDF shows no text (a scanned or image-only PDF?); \
                    sanctum reads the list's text as published, not images of it"
                .into(),
        );
    }
    Ok(out)
}

/// Opens the document within the limits.
fn open(bytes: &[u8], limits: &Limits) -> Result<Document, String> {
    // Object streams are decoded and parsed while the file opens, each bounded by lopdf's
    // one size limit. Their total is held to `max_pdf_bytes` by giving each a share of it:
    // every object stream's dictionary is in the file uncompressed, so counting `/ObjStm`
    // counts them (or more).
    let object_streams = bytes.windows(7).filter(|w| w == b"/ObjStm").count().max(1) as u64;
    let share = limits.max_pdf_bytes / object_streams;
    let (per_stream, key) = if share < limits.max_pdf_stream_bytes {
        (share, "max_pdf_bytes")
    } else {
        (limits.max_pdf_stream_bytes, "max_pdf_stream_bytes")
    };
    let options = LoadOptions {
        max_decompressed_size: Some(usize::try_from(per_stream).unwrap_or(usize::MAX)),
        ..LoadOptions::default()
    };
    let doc = match Document::load_mem_with_options(bytes, options) {
        Ok(doc) => doc,
        Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })) => {
            return Err(
                LimitExceeded::new("a decoded object stream of the PDF", key, per_stream)
                    .to_string(),
            );
        }
        Err(e) => return Err(format!("unreadable PDF: {}", describe(&e))),
    };
    if doc.trailer.get(b"Encrypt").is_ok() {
        return Err(
            "an encrypted PDF that needs a password to open; sanctum reads PDFs that open \
             without one"
                .into(),
        );
    }
    if doc.xref_recovery == Some(XrefRecovery::Reconstructed) {
        return Err(
            "damaged PDF: its cross-reference table does not read, so objects may be missing"
                .into(),
        );
    }
    Ok(doc)
}

/// Drops a line that is only the page's number (a footer or header), at the top or the
/// bottom of the page: `12`, `- 12 -`, `12 / 70`.
fn drop_page_number(lines: &mut Vec<String>, page: usize, pages: usize) {
    let is_number = |line: &str| {
        let bare: String = line
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '－' | '—' | '–'))
            .collect();
        let (own, total) = bare.split_once('/').unwrap_or((bare.as_str(), ""));
        own == page.to_string() && (total.is_empty() || total == pages.to_string())
    };
    if lines.last().is_some_and(|l| is_number(l)) {
        lines.pop();
    }
    if lines.first().is_some_and(|l| is_number(l)) {
        lines.remove(0);
    }
}

/// What reading a document keeps across its pages.
struct Reader<'a> {
    doc: &'a Document,
    limits: &'a Limits,
    /// Fonts by the address of their dictionary in `doc`: pages share fonts.
    fonts: HashMap<usize, Font<'a>>,
    /// Bytes decoded from streams so far (`max_decompressed_bytes`).
    inflated: u64,
    /// Bytes of Unicode maps decoded so far, which fonts keep (`max_pdf_bytes`).
    font_bytes: u64,
    /// Bytes of text so far (`max_decompressed_bytes`).
    text_bytes: u64,
}

impl<'a> Reader<'a> {
    /// A stream's decoded bytes, at most `cap` of them. FlateDecode, the filter of every
    /// content stream Word writes, inflates through the guard; other filters through
    /// lopdf's decoders, which bound size but not ratio.
    /// `key` names the limit `cap` comes from.
    fn decode(
        &mut self,
        stream: &Stream,
        what: &str,
        cap: u64,
        key: &'static str,
    ) -> Result<Vec<u8>, String> {
        let remaining = self
            .limits
            .max_decompressed_bytes
            .saturating_sub(self.inflated);
        let cap = cap.min(remaining);
        let over = || {
            if cap == remaining {
                LimitExceeded::new(
                    "the streams of the PDF decoded together",
                    "max_decompressed_bytes",
                    self.limits.max_decompressed_bytes,
                )
            } else {
                LimitExceeded::new(what, key, cap)
            }
            .to_string()
        };
        let filters = if stream.dict.has(b"Filter") {
            stream
                .filters()
                .map_err(|e| format!("{what}: unreadable /Filter: {}", describe(&e)))?
        } else {
            Vec::new()
        };
        let data = match filters.as_slice() {
            [] => {
                if stream.content.len() as u64 > cap {
                    return Err(over());
                }
                stream.content.clone()
            }
            [b"FlateDecode" | b"Fl"] if !stream.dict.has(b"DecodeParms") => {
                let raw = stream.content.as_slice();
                let inflater = flate2::read::ZlibDecoder::new(raw);
                let guard = InflateGuard::new(
                    inflater,
                    what,
                    Compressed::Size(raw.len() as u64),
                    self.limits,
                );
                let mut data = Vec::new();
                if let Err(e) = guard.take(cap.saturating_add(1)).read_to_end(&mut data) {
                    let limit = e
                        .get_ref()
                        .and_then(|inner| inner.downcast_ref::<LimitExceeded>());
                    return Err(match limit {
                        Some(limit) => limit.to_string(),
                        None => format!("{what}: corrupt compressed data ({e})"),
                    });
                }
                if data.len() as u64 > cap {
                    return Err(over());
                }
                data
            }
            _ => {
                let limit = usize::try_from(cap).unwrap_or(usize::MAX);
                match stream.decompressed_content_with_limit(limit) {
                    Ok(data) => data,
                    Err(lopdf::Error::Decompress(
                        lopdf::DecompressError::MemoryLimitExceeded { .. },
                    )) => return Err(over()),
                    Err(e) => return Err(format!("{what}: {}", describe(&e))),
                }
            }
        };
        self.inflated += data.len() as u64;
        Ok(data)
    }

    /// The lines of one page, top to bottom.
    fn page_lines(&mut self, page: ObjectId) -> Result<Vec<String>, String> {
        let doc = self.doc;
        let fonts = doc
            .get_page_fonts(page)
            .map_err(|e| format!("unreadable resources: {}", describe(&e)))?;
        let mut content = Vec::new();
        for id in doc.get_page_contents(page) {
            let what = format!("content stream {} {} R", id.0, id.1);
            let stream = doc
                .get_object(id)
                .and_then(Object::as_stream)
                .map_err(|e| format!("{what}: {}", describe(&e)))?;
            let cap = self
                .limits
                .max_pdf_stream_bytes
                .saturating_sub(content.len() as u64);
            content.extend(self.decode(stream, &what, cap, "max_pdf_stream_bytes")?);
            // Streams of a page are one content, split between tokens.
            content.push(b'\n');
        }
        content.extend_from_slice(END_SENTINEL.as_bytes());
        content.push(b'\n');

        let mut walker = Walker::new(self.limits.max_xml_depth);
        let mut complete = false;
        // XObjects drawn (`Do`), to look into forms once the page is read.
        let mut drawn: Vec<Vec<u8>> = Vec::new();
        for operation in Content::decode_iter(&content) {
            let operation = operation.map_err(|e| {
                format!(
                    "its content does not parse to its end ({}): text may be missing",
                    describe(&e)
                )
            })?;
            if operation.operator == END_SENTINEL {
                complete = true;
                break;
            }
            if operation.operator == "Tf" {
                let name = operation.operands.first().and_then(|o| o.as_name().ok());
                let key = match name.and_then(|n| fonts.get(n)) {
                    Some(&dict) => {
                        let key = std::ptr::from_ref::<Dictionary>(dict) as usize;
                        if !self.fonts.contains_key(&key) {
                            let font = self.font(dict)?;
                            self.fonts.insert(key, font);
                        }
                        FontRef::Known(key)
                    }
                    None => FontRef::Unknown,
                };
                walker.set_font(key, name.unwrap_or_default(), &operation);
                continue;
            }
            if operation.operator == "Do"
                && let Some(Ok(name)) = operation.operands.first().map(Object::as_name)
                && !drawn.iter().any(|d| d == name)
            {
                drawn.push(name.to_vec());
            }
            walker.step(&operation, &self.fonts, &mut self.text_bytes, self.limits)?;
        }
        if !complete {
            return Err("its content does not parse to its end: text may be missing".into());
        }
        self.check_forms(page, &drawn)?;
        Ok(layout(walker.spans))
    }

    /// The `XObject` dictionaries of a page's resources (its own, then inherited).
    fn page_xobjects(&self, page: ObjectId) -> Vec<&'a Dictionary> {
        let doc = self.doc;
        let Ok((own, inherited)) = doc.get_page_resources(page) else {
            return Vec::new();
        };
        let inherited = inherited
            .into_iter()
            .filter_map(|id| doc.get_dictionary(id).ok());
        own.into_iter()
            .chain(inherited)
            .filter_map(|r| r.get_deref(b"XObject", doc).and_then(Object::as_dict).ok())
            .collect()
    }

    /// Text drawn inside a form XObject is not read (Word does not put text in forms): a
    /// page that has some is an error rather than text silently lost. Forms within forms
    /// are looked into from a work list, each once, so nesting costs no recursion.
    fn check_forms(&mut self, page: ObjectId, drawn: &[Vec<u8>]) -> Result<(), String> {
        let doc = self.doc;
        let find = |dicts: &[&'a Dictionary], name: &[u8]| -> Option<&'a Stream> {
            dicts
                .iter()
                .find_map(|d| d.get_deref(name, doc).ok())
                .and_then(|o| o.as_stream().ok())
                .filter(|s| {
                    let subtype = s.dict.get(b"Subtype").and_then(Object::as_name);
                    subtype.is_ok_and(|t| t == b"Form")
                })
        };
        let page_xobjects = self.page_xobjects(page);
        let mut seen: Vec<usize> = Vec::new();
        let mut work: Vec<(String, &'a Stream)> = Vec::new();
        let mut push = |work: &mut Vec<(String, &'a Stream)>, name: &[u8], form: &'a Stream| {
            let key = std::ptr::from_ref(form) as usize;
            if !seen.contains(&key) {
                seen.push(key);
                work.push((String::from_utf8_lossy(name).into_owned(), form));
            }
        };
        for name in drawn {
            if let Some(form) = find(&page_xobjects, name) {
                push(&mut work, name, form);
            }
        }
        while let Some((name, form)) = work.pop() {
            let what = format!("the form XObject /{name}");
            let mut data = self.decode(
                form,
                &what,
                self.limits.max_pdf_stream_bytes,
                "max_pdf_stream_bytes",
            )?;
            data.push(b'\n');
            data.extend_from_slice(END_SENTINEL.as_bytes());
            data.push(b'\n');
            let own: Vec<&'a Dictionary> = form
                .dict
                .get_deref(b"Resources", doc)
                .and_then(Object::as_dict)
                .and_then(|r| r.get_deref(b"XObject", doc))
                .and_then(Object::as_dict)
                .into_iter()
                .collect();
            let xobjects = if own.is_empty() { &page_xobjects } else { &own };
            let mut complete = false;
            for operation in Content::decode_iter(&data) {
                let Ok(operation) = operation else { break };
                match operation.operator.as_str() {
                    END_SENTINEL => complete = true,
                    "Tj" | "TJ" | "'" | "\"" => {
                        return Err(format!(
                            "text inside {what}, which sanctum does not read: text would be \
                             missing"
                        ));
                    }
                    "Do" => {
                        let inner = operation.operands.first().map(Object::as_name);
                        if let Some(Ok(inner)) = inner
                            && let Some(nested) = find(xobjects, inner)
                        {
                            push(&mut work, inner, nested);
                        }
                    }
                    _ => {}
                }
            }
            if !complete {
                return Err(format!("{what} does not parse to its end"));
            }
        }
        Ok(())
    }

    /// Reads a font: how its codes decode to text and how wide its glyphs are.
    fn font(&mut self, dict: &'a Dictionary) -> Result<Font<'a>, String> {
        let doc = self.doc;
        let name = |key: &[u8]| {
            dict.get_deref(key, doc)
                .and_then(Object::as_name)
                .map(|n| String::from_utf8_lossy(n).into_owned())
                .unwrap_or_default()
        };
        let base = name(b"BaseFont");
        let label = format!("font {base}");
        let composite = name(b"Subtype") == "Type0";
        let to_unicode = match dict
            .get_deref(b"ToUnicode", doc)
            .and_then(Object::as_stream)
        {
            Ok(stream) => {
                let what = format!("the Unicode map of {label}");
                let remaining = self.limits.max_pdf_bytes.saturating_sub(self.font_bytes);
                let (cap, key) = if remaining < self.limits.max_pdf_stream_bytes {
                    (remaining, "max_pdf_bytes")
                } else {
                    (self.limits.max_pdf_stream_bytes, "max_pdf_stream_bytes")
                };
                let data = self.decode(stream, &what, cap, key)?;
                self.font_bytes += data.len() as u64;
                Some(CodeMap::parse(&data).map_err(|e| format!("{what}: {e}"))?)
            }
            Err(_) => None,
        };
        let fallback = if to_unicode.is_some() {
            Fallback::None
        } else if composite {
            // Without a Unicode map, only the Unicode CMaps name their codes' characters.
            let encoding = name(b"Encoding");
            if encoding.contains("UCS2") || encoding.contains("UTF16") {
                Fallback::Utf16
            } else {
                Fallback::None
            }
        } else {
            // A simple font's named encoding (WinAnsi, MacRoman, Differences). lopdf
            // reads a Unicode map only for a font that has one, which this one has not.
            let limit = usize::try_from(self.limits.max_pdf_stream_bytes).unwrap_or(usize::MAX);
            match dict.get_font_encoding_with_limit(doc, limit) {
                Ok(encoding) => Fallback::Encoding(encoding),
                Err(e) => return Err(format!("{label}: {}", describe(&e))),
            }
        };
        let widths = if composite {
            Widths::composite(doc, dict)
        } else {
            Widths::simple(doc, dict)
        };
        Ok(Font {
            label,
            composite,
            to_unicode,
            fallback,
            widths,
        })
    }
}

/// How a font's codes become text when it has no Unicode map.
enum Fallback<'a> {
    None,
    /// Codes are UTF-16 (the `UniJIS-UCS2-H` family of CMaps).
    Utf16,
    Encoding(Encoding<'a>),
}

struct Font<'a> {
    label: String,
    /// Type0: two-byte codes.
    composite: bool,
    to_unicode: Option<CodeMap>,
    fallback: Fallback<'a>,
    widths: Widths,
}

impl Font<'_> {
    /// Appends the text of one code; false when the font cannot tell it.
    fn push_text(&self, code: u32, len: u8, out: &mut String) -> bool {
        if let Some(map) = &self.to_unicode {
            if !map.push(code, len, out) {
                out.push(char::REPLACEMENT_CHARACTER);
            }
            return true;
        }
        match &self.fallback {
            Fallback::None => false,
            Fallback::Utf16 => {
                out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
                true
            }
            Fallback::Encoding(encoding) => {
                let byte = [code as u8];
                encoding.write_to_string(&byte, out).is_ok()
            }
        }
    }
}

/// Glyph widths, in ems.
struct Widths {
    /// (first code, last code, width), sorted by first code.
    ranges: Vec<(u32, u32, f64)>,
    default: f64,
}

impl Widths {
    fn width(&self, code: u32) -> f64 {
        let at = self.ranges.partition_point(|r| r.0 <= code);
        match at.checked_sub(1).and_then(|i| self.ranges.get(i)) {
            Some(&(_, last, width)) if code <= last => width,
            _ => self.default,
        }
    }

    fn number(doc: &Document, object: &Object) -> Option<f64> {
        doc.dereference(object)
            .ok()
            .and_then(|(_, o)| o.as_float().ok())
            .map(f64::from)
    }

    /// A CID font's `W` array (`c [w1 w2 …]` and `c_first c_last w`) and `DW`, in
    /// thousandths of an em.
    fn composite(doc: &Document, font: &Dictionary) -> Widths {
        let descendant = font
            .get_deref(b"DescendantFonts", doc)
            .and_then(Object::as_array)
            .ok()
            .and_then(|a| a.first())
            .and_then(|d| doc.dereference(d).ok())
            .and_then(|(_, d)| d.as_dict().ok());
        let mut widths = Widths {
            ranges: Vec::new(),
            default: 1.0,
        };
        let Some(cid) = descendant else {
            return widths;
        };
        if let Some(dw) = cid.get(b"DW").ok().and_then(|o| Self::number(doc, o)) {
            widths.default = dw / 1000.0;
        }
        let Ok(list) = cid.get_deref(b"W", doc).and_then(Object::as_array) else {
            return widths;
        };
        let code = |o: &Object| Self::number(doc, o).map(|n| n.max(0.0) as u32);
        let mut i = 0;
        while let Some(first) = list.get(i).and_then(code) {
            let next = list.get(i + 1).map(|o| doc.dereference(o).map(|(_, o)| o));
            match next {
                Some(Ok(Object::Array(each))) => {
                    for (k, w) in each.iter().enumerate() {
                        if let Some(w) = Self::number(doc, w) {
                            let c = first.saturating_add(k as u32);
                            widths.ranges.push((c, c, w / 1000.0));
                        }
                    }
                    i += 2;
                }
                Some(Ok(_)) => {
                    let last = list.get(i + 1).and_then(code);
                    let w = list.get(i + 2).and_then(|o| Self::number(doc, o));
                    if let (Some(last), Some(w)) = (last, w) {
                        widths.ranges.push((first, last, w / 1000.0));
                    }
                    i += 3;
                }
                _ => break,
            }
        }
        widths.ranges.sort_by_key(|r| r.0);
        widths
    }

    /// A simple font's `FirstChar` and `Widths`, in glyph space (thousandths of an em, or
    /// the `FontMatrix` of a Type 3 font).
    fn simple(doc: &Document, font: &Dictionary) -> Widths {
        let scale = font
            .get_deref(b"FontMatrix", doc)
            .and_then(Object::as_array)
            .ok()
            .and_then(|m| m.first())
            .and_then(|a| Self::number(doc, a))
            .unwrap_or(0.001);
        let missing = font
            .get_deref(b"FontDescriptor", doc)
            .and_then(Object::as_dict)
            .ok()
            .and_then(|d| d.get(b"MissingWidth").ok())
            .and_then(|w| Self::number(doc, w))
            .filter(|w| *w > 0.0)
            .map(|w| w * scale);
        let first = font
            .get(b"FirstChar")
            .ok()
            .and_then(|o| Self::number(doc, o))
            .map(|n| n.max(0.0) as u32)
            .unwrap_or(0);
        let list = font.get_deref(b"Widths", doc).and_then(Object::as_array);
        let ranges: Vec<(u32, u32, f64)> = match list {
            Ok(list) => list
                .iter()
                .enumerate()
                .filter_map(|(k, w)| {
                    let c = first.saturating_add(k as u32);
                    Self::number(doc, w).map(|w| (c, c, w * scale))
                })
                .collect(),
            Err(_) => Vec::new(),
        };
        let default = missing.unwrap_or(if ranges.is_empty() {
            UNKNOWN_WIDTH_EM
        } else {
            0.0
        });
        Widths { ranges, default }
    }
}

/// A `ToUnicode` CMap: codes of 1 to 4 bytes to UTF-16 text.
#[derive(Default)]
struct CodeMap {
    /// (code length, first code) → (last code, text).
    ranges: BTreeMap<(u8, u32), (u32, Target)>,
}

enum Target {
    /// The text of the first code; each next code adds one to its last unit.
    Offset(Vec<u16>),
    /// The text of each code in turn.
    List(Vec<Vec<u16>>),
}

impl CodeMap {
    /// Reads `beginbfchar` and `beginbfrange` sections. The CMap's PostScript tokens are
    /// those of a content stream, so lopdf's content parser reads them: each section comes
    /// out as one operation whose operator is `endbfchar`/`endbfrange`.
    fn parse(data: &[u8]) -> Result<CodeMap, String> {
        let mut map = CodeMap::default();
        let mut input = data.to_vec();
        input.push(b'\n');
        input.extend_from_slice(END_SENTINEL.as_bytes());
        input.push(b'\n');
        for operation in Content::decode_iter(&input) {
            let operation = operation.map_err(|e| describe(&e))?;
            match operation.operator.as_str() {
                END_SENTINEL => return Ok(map),
                "endbfchar" => {
                    for pair in operation.operands.chunks_exact(2) {
                        if let [Object::String(code, _), Object::String(text, _)] = pair {
                            map.insert(code, code, Target::Offset(utf16_units(text)));
                        }
                    }
                }
                "endbfrange" => {
                    for triple in operation.operands.chunks_exact(3) {
                        match triple {
                            [
                                Object::String(first, _),
                                Object::String(last, _),
                                Object::String(text, _),
                            ] => map.insert(first, last, Target::Offset(utf16_units(text))),
                            [
                                Object::String(first, _),
                                Object::String(last, _),
                                Object::Array(texts),
                            ] => {
                                let texts = texts
                                    .iter()
                                    .map(|t| t.as_str().map(utf16_units).unwrap_or_default())
                                    .collect();
                                map.insert(first, last, Target::List(texts));
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        Err("it does not parse to its end".into())
    }

    fn insert(&mut self, first: &[u8], last: &[u8], target: Target) {
        let (Some(first), Some(last)) = (code_of(first), code_of(last)) else {
            return;
        };
        if first.0 == last.0 && first.1 <= last.1 {
            self.ranges.insert(first, (last.1, target));
        }
    }

    /// Appends the text of `code`; false when the map has none.
    fn push(&self, code: u32, len: u8, out: &mut String) -> bool {
        let Some((&(found_len, first), (last, target))) =
            self.ranges.range(..=(len, code)).next_back()
        else {
            return false;
        };
        if found_len != len || code > *last {
            return false;
        }
        let step = code - first;
        match target {
            Target::Offset(units) => {
                let last = units.len().saturating_sub(1);
                let shifted = units.iter().enumerate().map(|(i, &unit)| {
                    if i == last {
                        unit.wrapping_add(step as u16)
                    } else {
                        unit
                    }
                });
                push_utf16(shifted, out);
            }
            Target::List(list) => match list.get(step as usize) {
                Some(units) => push_utf16(units.iter().copied(), out),
                None => return false,
            },
        }
        true
    }
}

fn push_utf16(units: impl Iterator<Item = u16>, out: &mut String) {
    out.extend(char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)));
}

/// A hex string's code and its length in bytes (1 to 4).
fn code_of(bytes: &[u8]) -> Option<(u8, u32)> {
    if bytes.is_empty() || bytes.len() > 4 {
        return None;
    }
    let code = bytes.iter().fold(0u32, |c, &b| (c << 8) | u32::from(b));
    Some((bytes.len() as u8, code))
}

/// UTF-16BE bytes as code units (a lone last byte as a unit of its own).
fn utf16_units(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks(2)
        .map(|pair| match pair {
            [hi, lo] => u16::from_be_bytes([*hi, *lo]),
            [one] => u16::from(*one),
            _ => 0,
        })
        .collect()
}

/// An affine matrix `[a b c d e f]`, points as row vectors: `[x y 1] × M`.
type Matrix = [f64; 6];

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

fn multiply(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

fn apply(m: &Matrix, x: f64, y: f64) -> (f64, f64) {
    (x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5])
}

fn numbers(operands: &[Object]) -> Vec<f64> {
    operands
        .iter()
        .filter_map(|o| o.as_float().ok())
        .map(f64::from)
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum FontRef {
    None,
    /// A key of [`Reader::fonts`].
    Known(usize),
    /// A name the page's resources do not define.
    Unknown,
}

/// The graphics state the text operators read (`q` saves it, `Q` restores it).
#[derive(Debug, Clone, Copy)]
struct State {
    ctm: Matrix,
    font: FontRef,
    size: f64,
    char_spacing: f64,
    word_spacing: f64,
    /// Horizontal scaling, as a factor (`Tz` 100 is 1).
    scale: f64,
    leading: f64,
    rise: f64,
}

/// A run of text as placed on the page, in device space.
#[derive(Debug)]
struct Span {
    text: String,
    x0: f64,
    x1: f64,
    y: f64,
    size: f64,
}

/// Follows the operators of one page.
struct Walker {
    state: State,
    saved: Vec<State>,
    max_depth: usize,
    tm: Matrix,
    tlm: Matrix,
    /// The name of the font last set, for messages.
    font_name: String,
    spans: Vec<Span>,
}

impl Walker {
    fn new(max_depth: usize) -> Walker {
        Walker {
            state: State {
                ctm: IDENTITY,
                font: FontRef::None,
                size: 0.0,
                char_spacing: 0.0,
                word_spacing: 0.0,
                scale: 1.0,
                leading: 0.0,
                rise: 0.0,
            },
            saved: Vec::new(),
            max_depth,
            tm: IDENTITY,
            tlm: IDENTITY,
            font_name: String::new(),
            spans: Vec::new(),
        }
    }

    fn set_font(&mut self, font: FontRef, name: &[u8], operation: &Operation) {
        self.state.font = font;
        self.font_name = String::from_utf8_lossy(name).into_owned();
        if let Some(size) = numbers(&operation.operands).first() {
            self.state.size = *size;
        }
    }

    fn next_line(&mut self, tx: f64, ty: f64) {
        self.tlm = multiply(&[1.0, 0.0, 0.0, 1.0, tx, ty], &self.tlm);
        self.tm = self.tlm;
    }

    fn step(
        &mut self,
        operation: &Operation,
        fonts: &HashMap<usize, Font<'_>>,
        text_bytes: &mut u64,
        limits: &Limits,
    ) -> Result<(), String> {
        let n = || numbers(&operation.operands);
        let first = || n().first().copied();
        match operation.operator.as_str() {
            "q" => {
                if self.saved.len() >= self.max_depth {
                    return Err(LimitExceeded::new(
                        "graphics state nesting (q)",
                        "max_xml_depth",
                        self.max_depth as u64,
                    )
                    .to_string());
                }
                self.saved.push(self.state);
            }
            "Q" => {
                if let Some(state) = self.saved.pop() {
                    self.state = state;
                }
            }
            "cm" => {
                if let [a, b, c, d, e, f] = n()[..] {
                    self.state.ctm = multiply(&[a, b, c, d, e, f], &self.state.ctm);
                }
            }
            "BT" => {
                self.tm = IDENTITY;
                self.tlm = IDENTITY;
            }
            "Tc" => self.state.char_spacing = first().unwrap_or(0.0),
            "Tw" => self.state.word_spacing = first().unwrap_or(0.0),
            "Tz" => self.state.scale = first().unwrap_or(100.0) / 100.0,
            "TL" => self.state.leading = first().unwrap_or(0.0),
            "Ts" => self.state.rise = first().unwrap_or(0.0),
            "Td" => {
                if let [tx, ty] = n()[..] {
                    self.next_line(tx, ty);
                }
            }
            "TD" => {
                if let [tx, ty] = n()[..] {
                    self.state.leading = -ty;
                    self.next_line(tx, ty);
                }
            }
            "Tm" => {
                if let [a, b, c, d, e, f] = n()[..] {
                    self.tm = [a, b, c, d, e, f];
                    self.tlm = self.tm;
                }
            }
            "T*" => self.next_line(0.0, -self.state.leading),
            "Tj" => {
                if let Some(Object::String(bytes, _)) = operation.operands.first() {
                    self.show(bytes, fonts, text_bytes, limits)?;
                }
            }
            "'" => {
                self.next_line(0.0, -self.state.leading);
                if let Some(Object::String(bytes, _)) = operation.operands.first() {
                    self.show(bytes, fonts, text_bytes, limits)?;
                }
            }
            "\"" => {
                if let [aw, ac, ..] = n()[..] {
                    self.state.word_spacing = aw;
                    self.state.char_spacing = ac;
                }
                self.next_line(0.0, -self.state.leading);
                if let Some(Object::String(bytes, _)) = operation.operands.get(2) {
                    self.show(bytes, fonts, text_bytes, limits)?;
                }
            }
            "TJ" => {
                let Some(Object::Array(items)) = operation.operands.first() else {
                    return Ok(());
                };
                for item in items {
                    match item {
                        Object::String(bytes, _) => self.show(bytes, fonts, text_bytes, limits)?,
                        other => {
                            if let Ok(adjust) = other.as_float() {
                                let tx = -f64::from(adjust) / 1000.0
                                    * self.state.size
                                    * self.state.scale;
                                self.tm = multiply(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &self.tm);
                            }
                        }
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Shows a string: its text as one span, the text matrix moved past it.
    fn show(
        &mut self,
        bytes: &[u8],
        fonts: &HashMap<usize, Font<'_>>,
        text_bytes: &mut u64,
        limits: &Limits,
    ) -> Result<(), String> {
        if bytes.is_empty() {
            return Ok(());
        }
        let font = match self.state.font {
            FontRef::Known(key) => fonts.get(&key),
            FontRef::None | FontRef::Unknown => None,
        };
        let Some(font) = font else {
            return Err(format!(
                "text shown in font /{} that the page's resources do not define",
                self.font_name
            ));
        };
        let state = self.state;
        let start = multiply(&self.tm, &state.ctm);
        let (x0, y) = apply(&start, 0.0, state.rise);
        let size = state.size.abs() * start[2].hypot(start[3]);
        let mut text = String::new();
        let step = if font.composite { 2 } else { 1 };
        for chunk in bytes.chunks(step) {
            let len = chunk.len() as u8;
            let code = chunk.iter().fold(0u32, |c, &b| (c << 8) | u32::from(b));
            if !font.push_text(code, len, &mut text) {
                return Err(format!(
                    "text in {} (/{}), which has no Unicode mapping (ToUnicode): its text cannot \
                     be read",
                    font.label, self.font_name
                ));
            }
            let mut advance = font.widths.width(code) * state.size + state.char_spacing;
            if len == 1 && code == 32 {
                advance += state.word_spacing;
            }
            let tx = advance * state.scale;
            self.tm = multiply(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &self.tm);
        }
        *text_bytes += text.len() as u64;
        if *text_bytes > limits.max_decompressed_bytes {
            return Err(LimitExceeded::new(
                "the text of the PDF",
                "max_decompressed_bytes",
                limits.max_decompressed_bytes,
            )
            .to_string());
        }
        let (x1, _) = apply(&multiply(&self.tm, &state.ctm), 0.0, state.rise);
        self.spans.push(Span {
            text,
            x0: x0.min(x1),
            x1: x0.max(x1),
            y,
            size,
        });
        Ok(())
    }
}

/// Joins a page's spans into lines: top to bottom, each line left to right, with a space
/// where two runs are further apart than a word gap.
fn layout(mut spans: Vec<Span>) -> Vec<String> {
    // Stable: runs at one height keep their order in the content.
    spans.sort_by(|a, b| b.y.total_cmp(&a.y));
    let mut lines = Vec::new();
    let mut current: Vec<Span> = Vec::new();
    let mut line_y = 0.0;
    let mut tolerance = 0.0;
    for span in spans {
        if !current.is_empty() && (line_y - span.y).abs() > tolerance {
            lines.push(join(std::mem::take(&mut current)));
        }
        if current.is_empty() {
            line_y = span.y;
            tolerance = SAME_LINE_EM * span.size;
        }
        current.push(span);
    }
    if !current.is_empty() {
        lines.push(join(current));
    }
    lines.retain(|l| !l.is_empty());
    lines
}

fn join(mut spans: Vec<Span>) -> String {
    spans.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    let mut line = String::new();
    let mut previous: Option<(f64, f64)> = None;
    for span in spans {
        if let Some((end, size)) = previous {
            let gap = span.x0 - end;
            let spaced =
                line.ends_with(char::is_whitespace) || span.text.starts_with(char::is_whitespace);
            if gap > WORD_GAP_EM * size.min(span.size) && !spaced && !line.is_empty() {
                line.push(' ');
            }
        }
        line.push_str(&span.text);
        let end = previous.map_or(span.x1, |(end, _)| end.max(span.x1));
        previous = Some((end, span.size));
    }
    line.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(text: &str, x0: f64, x1: f64, y: f64) -> Span {
        Span {
            text: text.into(),
            x0,
            x1,
            y,
            size: 10.0,
        }
    }

    #[test]
    fn runs_at_one_height_join_into_a_line_with_spaces_at_gaps() {
        let lines = layout(vec![
            span("Admiralty", 100.0, 140.0, 700.0),
            span("１", 50.0, 60.0, 720.0),
            span("株式会社", 80.0, 120.0, 720.4),
            span("Shipyard", 140.0, 175.0, 700.0),
            span("JSC", 178.0, 190.0, 700.0),
        ]);
        assert_eq!(lines, ["１ 株式会社", "AdmiraltyShipyard JSC"]);
    }

    #[test]
    fn a_page_number_line_at_the_foot_is_dropped() {
        let mut lines = vec!["12 名前".to_string(), "- 3 -".to_string()];
        drop_page_number(&mut lines, 3, 9);
        assert_eq!(lines, ["12 名前"]);
        let mut lines = vec![
            "3 / 9".to_string(),
            "Moscow".to_string(),
            "123308".to_string(),
        ];
        drop_page_number(&mut lines, 3, 9);
        assert_eq!(lines, ["Moscow", "123308"]);
    }

    #[test]
    fn code_maps_read_chars_ranges_and_lists() {
        let cmap = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap
            /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
            /CMapName /Adobe-Identity-UCS def /CMapType 2 def
            1 begincodespacerange <0000> <FFFF> endcodespacerange
            2 beginbfchar <0003> <0020> <0102> <682A> endbfchar
            2 beginbfrange <0010> <0012> <0041> <0020> <0021> [<0066006C> <D83DDE00>] endbfrange
            endcmap CMapName currentdict /CMap defineresource pop end end";
        let map = CodeMap::parse(cmap).expect("parses");
        let text = |code| {
            let mut s = String::new();
            map.push(code, 2, &mut s).then_some(s)
        };
        assert_eq!(text(0x0003).as_deref(), Some(" "));
        assert_eq!(text(0x0102).as_deref(), Some("株"));
        assert_eq!(text(0x0012).as_deref(), Some("C"));
        assert_eq!(text(0x0020).as_deref(), Some("fl"));
        assert_eq!(text(0x0021).as_deref(), Some("😀"));
        assert_eq!(text(0x0013), None);
        let mut s = String::new();
        assert!(
            !map.push(0x03, 1, &mut s),
            "one-byte code 03 is not two-byte 0003"
        );
    }

    #[test]
    fn a_range_over_every_code_is_one_entry() {
        let cmap = b"1 beginbfrange <00000000> <FFFFFFFF> <0041> endbfrange";
        let started = std::time::Instant::now();
        let map = CodeMap::parse(cmap).expect("parses");
        assert!(started.elapsed().as_secs() < 1);
        let mut s = String::new();
        assert!(map.push(0x0000_0001, 4, &mut s));
        assert_eq!(s, "B");
    }
}
