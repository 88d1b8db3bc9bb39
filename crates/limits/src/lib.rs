//! Every size, depth, count and time limit sanctum enforces, in one place.
//!
//! Brief overview: [`Limits`] holds one named field per limit, each with its default as a
//! named constant beside it. The `sanctum` binary reads the `[limits]` section of
//! `sanctum.toml` into it (unknown keys are an error) and passes it down: to the list
//! parsers (`sanctum-sources`, through `ParseOptions`), to the customer-file readers
//! (`sanctum-screen`), to query preparation (`sanctum-matcher`, `sanctum-index`) and to the
//! HTTP server (`sanctum-server`). Nothing else defines a limit; a crate that needs one
//! takes it from here, so the README's limits table (checked against [`Limits::table`] by a
//! test) is the whole story.
//!
//! Why limits at all: list files come from the network and customer files from other
//! systems; both are untrusted input. Each limit sits well above anything a real publication
//! or customer file has (the figures that justify each default are in its doc comment), so
//! it only ever stops hostile or broken input, with an error that names the file, the
//! line and the limit, never by truncating data silently.

use serde::Deserialize;
use std::time::Duration;

/// Deepest element nesting read in any XML file, and deepest graphics-state nesting (`q`)
/// on a PDF page. Real publications nest at most 12 deep (OFAC advanced XML), PDF pages a
/// handful (the PDF reference's own implementation limit is 28); no reader recurses, but
/// each open level is kept on a stack.
pub const MAX_XML_DEPTH: usize = 256;
/// Most bytes one decompressed stream may yield (a zip member, a gzip file, an XLSX part).
/// The largest real member, OFAC's SDN_ENHANCED.XML, is about 150 MB.
pub const MAX_DECOMPRESSED_BYTES: u64 = 2 << 30;
/// Most decompressed bytes per compressed byte, checked once a stream passes
/// [`RATIO_CHECK_AFTER_BYTES`]. Real list XML compresses about 17:1, XLSX sheets about 10:1;
/// zip bombs reach 1,000:1 and more.
pub const MAX_COMPRESSION_RATIO: u64 = 200;
/// Decompressed size under which the ratio is not checked: tiny files compress arbitrarily
/// well and cannot exhaust memory.
pub const RATIO_CHECK_AFTER_BYTES: u64 = 16 << 20;
/// Most rows in a spreadsheet: Excel's own limit (1,048,576).
pub const MAX_SHEET_ROWS: u64 = 1 << 20;
/// Most columns in a spreadsheet. Excel allows 16,384; the UK ConList has 36, customer
/// files a few dozen.
pub const MAX_SHEET_COLUMNS: u64 = 1024;
/// Largest single record: a CSV record, a JSON line, an XML element's text, a spreadsheet
/// row. The longest real field (a UK ConList "Other Information") is about 6 KB.
pub const MAX_RECORD_BYTES: u64 = 1 << 20;
/// Most physical lines one CSV record may span before it is reported as unusual (a quoted
/// field that an unbalanced quote keeps open swallows the lines after it).
pub const MAX_RECORD_LINES: u64 = 50;
/// Longest name screened, in characters. The longest real listed name has 383 (the CSL's
/// entry for Russia's Ministry of Defence "including the Armed Forces of …").
pub const MAX_NAME_CHARS: usize = 1000;
/// Most words in a name screened; a longer listed name is matched on its first words. The
/// candidate index bounds a name's score from at most 32 words (one bit each): past that,
/// every listed name sharing a word with the query is scored in full, and one 33-word
/// query costs about a second against every list (a 100-word one, 9 s) where a 32-word one
/// costs under 0.1 s. Only 4 of 82,186 listed names have more than 32 words, each a
/// description with its aliases written inline (the CSL's "Ministry of Defence of the
/// Russian Federation, including …", 56).
pub const MAX_NAME_TOKENS: usize = 32;
/// Largest PDF file read, and most bytes decoded from its object streams and fonts' Unicode
/// maps together. A PDF is read whole (its cross-reference table, at the end, points back
/// into it) and every object is parsed when it opens: hostile files of bare numbers take up
/// to some 64 bytes of memory a byte. METI's list is about 1 MB; a long list PDF with its
/// fonts embedded a few MB.
pub const MAX_PDF_BYTES: u64 = 32 << 20;
/// Most decoded bytes of one PDF stream: a page's content (its text and drawing
/// operators), a font's Unicode map, an object stream. A page of dense Word-made text holds
/// about 100 KB. The reader holds one operator with its operands at a time, which in a
/// hostile stream (`0 0 0 …` with no operator) takes some 64 bytes a byte.
pub const MAX_PDF_STREAM_BYTES: u64 = 4 << 20;
/// Largest payment message read (one SWIFT MT message, or one ISO 20022 document with its
/// business application header). A FIN MT message's text block holds at most 10,000
/// characters and a CBPR+ MX message at most 100 KB; a corporate's pain.001 batch of a
/// few thousand transfers is a few megabytes. Larger input is refused, not truncated.
pub const MAX_MESSAGE_BYTES: usize = 16 << 20;
/// Most names (with aliases) one query may carry.
pub const MAX_NAMES_PER_QUERY: usize = 100;
/// Most birth dates, countries or identifiers one query may carry (each list on its own).
/// A listed person has at most a dozen of each (OFAC's most aliased entries); each value is
/// weighed against every candidate, so a query's lists are bounded like its names.
pub const MAX_QUERY_VALUES: usize = 100;
/// Largest HTTP request body, in bytes.
pub const MAX_BODY_BYTES: usize = 4 << 20;
/// Most records in one `/v1/screen/batch`, or queries in one `/match`.
pub const MAX_BATCH: usize = 1000;
/// Most facet fields one `/search` request may ask for (there are five).
pub const MAX_FACETS: usize = 5;
/// Most simultaneous HTTP connections; further ones wait in the kernel's backlog.
pub const MAX_CONNECTIONS: usize = 512;
/// Time an HTTP request may take, from its first byte to its answer.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Time a client has to send a request's headers.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Time one list download may take.
pub const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(300);
/// Time one list update (every source, downloads and ingest) may take when the server runs it.
pub const UPDATE_TIMEOUT: Duration = Duration::from_secs(1800);

/// The limits in force. Build with [`Limits::default`] and override from `[limits]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    pub max_xml_depth: usize,
    pub max_decompressed_bytes: u64,
    pub max_compression_ratio: u64,
    pub max_sheet_rows: u64,
    pub max_sheet_columns: u64,
    pub max_record_bytes: u64,
    pub max_record_lines: u64,
    pub max_pdf_bytes: u64,
    pub max_pdf_stream_bytes: u64,
    pub max_message_bytes: usize,
    pub max_name_chars: usize,
    pub max_name_tokens: usize,
    pub max_names_per_query: usize,
    pub max_query_values: usize,
    pub max_body_bytes: usize,
    pub max_batch: usize,
    pub max_facets: usize,
    pub max_connections: usize,
    #[serde(with = "seconds")]
    pub request_timeout: Duration,
    #[serde(with = "seconds")]
    pub header_read_timeout: Duration,
    #[serde(with = "seconds")]
    pub download_timeout: Duration,
    #[serde(with = "seconds")]
    pub update_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_xml_depth: MAX_XML_DEPTH,
            max_decompressed_bytes: MAX_DECOMPRESSED_BYTES,
            max_compression_ratio: MAX_COMPRESSION_RATIO,
            max_sheet_rows: MAX_SHEET_ROWS,
            max_sheet_columns: MAX_SHEET_COLUMNS,
            max_record_bytes: MAX_RECORD_BYTES,
            max_record_lines: MAX_RECORD_LINES,
            max_pdf_bytes: MAX_PDF_BYTES,
            max_pdf_stream_bytes: MAX_PDF_STREAM_BYTES,
            max_message_bytes: MAX_MESSAGE_BYTES,
            max_name_chars: MAX_NAME_CHARS,
            max_name_tokens: MAX_NAME_TOKENS,
            max_names_per_query: MAX_NAMES_PER_QUERY,
            max_query_values: MAX_QUERY_VALUES,
            max_body_bytes: MAX_BODY_BYTES,
            max_batch: MAX_BATCH,
            max_facets: MAX_FACETS,
            max_connections: MAX_CONNECTIONS,
            request_timeout: REQUEST_TIMEOUT,
            header_read_timeout: HEADER_READ_TIMEOUT,
            download_timeout: DOWNLOAD_TIMEOUT,
            update_timeout: UPDATE_TIMEOUT,
        }
    }
}

/// One row of the limits table: the `[limits]` key, its default as written in TOML, and what
/// it bounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitRow {
    pub key: &'static str,
    pub default: String,
    pub bounds: &'static str,
}

impl Limits {
    /// Every limit with its default and what it bounds, in the order of the README's table.
    pub fn table() -> Vec<LimitRow> {
        let d = Limits::default();
        let row = |key, default: String, bounds| LimitRow {
            key,
            default,
            bounds,
        };
        vec![
            row(
                "max_xml_depth",
                d.max_xml_depth.to_string(),
                "element nesting in any XML file, `q` nesting on a PDF page",
            ),
            row(
                "max_decompressed_bytes",
                d.max_decompressed_bytes.to_string(),
                "bytes one zip member, gzip stream or XLSX part may inflate to",
            ),
            row(
                "max_compression_ratio",
                d.max_compression_ratio.to_string(),
                "inflated bytes per compressed byte, past 16 MiB",
            ),
            row(
                "max_sheet_rows",
                d.max_sheet_rows.to_string(),
                "rows of a spreadsheet (declared or read)",
            ),
            row(
                "max_sheet_columns",
                d.max_sheet_columns.to_string(),
                "columns of a spreadsheet (declared or read)",
            ),
            row(
                "max_record_bytes",
                d.max_record_bytes.to_string(),
                "one CSV record, JSON line, XML text or spreadsheet row",
            ),
            row(
                "max_record_lines",
                d.max_record_lines.to_string(),
                "physical lines one CSV record may span",
            ),
            row(
                "max_pdf_bytes",
                d.max_pdf_bytes.to_string(),
                "a PDF file; its object streams and font maps decoded together",
            ),
            row(
                "max_pdf_stream_bytes",
                d.max_pdf_stream_bytes.to_string(),
                "one decoded PDF stream (a page's content, a font map)",
            ),
            row(
                "max_message_bytes",
                d.max_message_bytes.to_string(),
                "one payment message (SWIFT MT, or ISO 20022 with its header)",
            ),
            row(
                "max_name_chars",
                d.max_name_chars.to_string(),
                "characters of a name screened (query or listed)",
            ),
            row(
                "max_name_tokens",
                d.max_name_tokens.to_string(),
                "words of a name screened (query or listed)",
            ),
            row(
                "max_names_per_query",
                d.max_names_per_query.to_string(),
                "names and aliases in one query",
            ),
            row(
                "max_query_values",
                d.max_query_values.to_string(),
                "birth dates, countries or identifiers in one query",
            ),
            row(
                "max_body_bytes",
                d.max_body_bytes.to_string(),
                "HTTP request body",
            ),
            row(
                "max_batch",
                d.max_batch.to_string(),
                "records in /v1/screen/batch, queries in /match",
            ),
            row(
                "max_facets",
                d.max_facets.to_string(),
                "facet fields in one /search",
            ),
            row(
                "max_connections",
                d.max_connections.to_string(),
                "simultaneous HTTP connections",
            ),
            row(
                "request_timeout",
                d.request_timeout.as_secs().to_string(),
                "seconds an HTTP request may take (503 after)",
            ),
            row(
                "header_read_timeout",
                d.header_read_timeout.as_secs().to_string(),
                "seconds a client has to send a request's headers",
            ),
            row(
                "download_timeout",
                d.download_timeout.as_secs().to_string(),
                "seconds one list download may take",
            ),
            row(
                "update_timeout",
                d.update_timeout.as_secs().to_string(),
                "seconds an update run by the server may take",
            ),
        ]
    }
}

impl Limits {
    /// [`Limits::table`] as the Markdown table README.md shows (a test keeps the two equal).
    pub fn markdown_table() -> String {
        let mut out = String::from("| `[limits]` key | default | bounds |\n|---|---:|---|\n");
        for row in Limits::table() {
            out.push_str(&format!(
                "| `{}` | {} | {} |\n",
                row.key, row.default, row.bounds
            ));
        }
        out
    }
}

/// Durations in whole seconds, as `sanctum.toml` writes them.
mod seconds {
    use serde::{Deserialize, Deserializer};
    use std::time::Duration;

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let secs = u64::deserialize(d)?;
        if secs == 0 {
            return Err(serde::de::Error::custom("must be at least 1 second"));
        }
        Ok(Duration::from_secs(secs))
    }
}

/// A limit that input went over: what it is, the limit, and what was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} exceeds the limit of {limit} (`{key}` in [limits]){found}")]
pub struct LimitExceeded {
    /// What went over, in words ("XML nesting depth", "decompressed size of CONS_ENHANCED.XML").
    pub what: String,
    /// The `[limits]` key.
    pub key: &'static str,
    pub limit: u64,
    /// What was found, when known: ": 4294967296 declared".
    pub found: String,
}

impl LimitExceeded {
    pub fn new(what: impl Into<String>, key: &'static str, limit: u64) -> Self {
        LimitExceeded {
            what: what.into(),
            key,
            limit,
            found: String::new(),
        }
    }

    /// Adds what was found (`found: 4294967296`).
    pub fn found(mut self, found: impl std::fmt::Display) -> Self {
        self.found = format!(" (found {found})");
        self
    }
}

/// A shared count of the compressed bytes a decompressor has consumed, for the ratio check.
#[derive(Debug, Clone, Default)]
pub struct ByteCount(std::sync::Arc<std::sync::atomic::AtomicU64>);

impl ByteCount {
    pub fn get(&self) -> u64 {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// Counts the bytes read through it into a [`ByteCount`]: wrap the compressed input with it.
pub struct CountingRead<R> {
    inner: R,
    count: ByteCount,
}

impl<R> CountingRead<R> {
    pub fn new(inner: R) -> (Self, ByteCount) {
        let count = ByteCount::default();
        (
            CountingRead {
                inner,
                count: count.clone(),
            },
            count,
        )
    }
}

impl<R: std::io::Read> std::io::Read for CountingRead<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count
            .0
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

/// How many compressed bytes stand behind a decompressed stream, for the ratio check.
#[derive(Debug, Clone)]
pub enum Compressed {
    /// Known up front (a zip member's compressed size).
    Size(u64),
    /// Counted as the decompressor reads (a gzip stream).
    Counted(ByteCount),
}

/// A decompressed stream that fails, instead of growing without bound, past
/// [`Limits::max_decompressed_bytes`] or [`Limits::max_compression_ratio`]. The error is an
/// `io::Error` of kind `InvalidData` wrapping a [`LimitExceeded`], so every reader up the
/// chain reports it with its file name.
pub struct InflateGuard<R> {
    inner: R,
    name: String,
    produced: u64,
    compressed: Compressed,
    max_bytes: u64,
    max_ratio: u64,
}

impl<R> InflateGuard<R> {
    /// Guards `inner`, the decompressed stream of `name`.
    pub fn new(inner: R, name: impl Into<String>, compressed: Compressed, limits: &Limits) -> Self {
        InflateGuard {
            inner,
            name: name.into(),
            produced: 0,
            compressed,
            max_bytes: limits.max_decompressed_bytes,
            max_ratio: limits.max_compression_ratio,
        }
    }

    fn check(&self) -> Result<(), LimitExceeded> {
        if self.produced > self.max_bytes {
            return Err(LimitExceeded::new(
                format!("the decompressed size of {}", self.name),
                "max_decompressed_bytes",
                self.max_bytes,
            ));
        }
        if self.produced > RATIO_CHECK_AFTER_BYTES {
            let compressed = match &self.compressed {
                Compressed::Size(n) => *n,
                Compressed::Counted(count) => count.get(),
            }
            .max(1);
            let ratio = self.produced / compressed;
            if ratio > self.max_ratio {
                return Err(LimitExceeded::new(
                    format!("the compression ratio of {}", self.name),
                    "max_compression_ratio",
                    self.max_ratio,
                )
                .found(format!("{ratio}:1")));
            }
        }
        Ok(())
    }
}

impl<R: std::io::Read> std::io::Read for InflateGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.produced += n as u64;
        self.check()
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        Ok(n)
    }
}

impl<R: std::io::BufRead> std::io::BufRead for InflateGuard<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        self.produced += amt as u64;
        self.inner.consume(amt);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_inflated_stream_stops_at_the_size_limit() {
        use std::io::Read;
        let limits = Limits {
            max_decompressed_bytes: 1000,
            ..Limits::default()
        };
        let data = vec![b'a'; 5000];
        let mut guard = InflateGuard::new(&data[..], "bomb.xml", Compressed::Size(10), &limits);
        let mut out = Vec::new();
        let err = guard.read_to_end(&mut out).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
        assert!(err.to_string().contains("bomb.xml"), "{err}");
        assert!(err.to_string().contains("max_decompressed_bytes"), "{err}");
        assert!(
            out.len() <= 1000 + 8192,
            "read {} bytes past the limit",
            out.len()
        );
    }

    #[test]
    fn an_inflated_stream_stops_at_the_ratio_limit_once_large() {
        use std::io::Read;
        let limits = Limits::default();
        let data = vec![0u8; (RATIO_CHECK_AFTER_BYTES + 100_000) as usize];
        let mut small = InflateGuard::new(&data[..1000], "small", Compressed::Size(1), &limits);
        assert_eq!(small.read_to_end(&mut Vec::new()).unwrap(), 1000);
        let mut bomb = InflateGuard::new(&data[..], "bomb", Compressed::Size(1000), &limits);
        let err = bomb.read_to_end(&mut Vec::new()).unwrap_err();
        assert!(err.to_string().contains("max_compression_ratio"), "{err}");
        let mut honest = InflateGuard::new(
            &data[..],
            "honest",
            Compressed::Size(data.len() as u64 / 20),
            &limits,
        );
        assert_eq!(honest.read_to_end(&mut Vec::new()).unwrap(), data.len());
    }

    #[test]
    fn an_empty_section_gives_every_default() {
        let limits: Limits = toml::from_str("").unwrap();
        assert_eq!(limits, Limits::default());
    }

    #[test]
    fn a_section_overrides_only_what_it_names() {
        let limits: Limits = toml::from_str("max_xml_depth = 32\nrequest_timeout = 5").unwrap();
        assert_eq!(limits.max_xml_depth, 32);
        assert_eq!(limits.request_timeout, Duration::from_secs(5));
        assert_eq!(limits.max_batch, MAX_BATCH);
    }

    #[test]
    fn an_unknown_key_or_a_zero_timeout_is_an_error() {
        let err = toml::from_str::<Limits>("max_depth = 3").unwrap_err();
        assert!(err.to_string().contains("unknown field"), "{err}");
        let err = toml::from_str::<Limits>("request_timeout = 0").unwrap_err();
        assert!(err.to_string().contains("at least 1 second"), "{err}");
    }

    #[test]
    fn the_table_names_every_field_once() {
        let keys: Vec<&str> = Limits::table().iter().map(|r| r.key).collect();
        let mut sorted = keys.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), keys.len(), "a key twice in {keys:?}");
        // Every key of the table parses as a field, so the table cannot name a field that
        // is not there; and the number of keys equals the number of fields.
        for row in Limits::table() {
            let text = format!("{} = {}", row.key, row.default);
            let parsed: Limits = toml::from_str(&text)
                .unwrap_or_else(|e| panic!("{}: not a field of Limits: {e}", row.key));
            assert_eq!(parsed, Limits::default(), "{} default differs", row.key);
        }
        let fields = serde_json_field_count();
        assert_eq!(keys.len(), fields, "the table and the struct disagree");
    }

    #[test]
    fn the_readme_shows_the_table_as_the_code_has_it() {
        let readme = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
        let readme = std::fs::read_to_string(&readme).expect("README.md beside the workspace");
        let table = Limits::markdown_table();
        assert!(
            readme.contains(&table),
            "README.md's limits table differs from the code; put this in its place:\n{table}"
        );
    }

    /// The number of fields of [`Limits`], counted from its Debug form (one `: ` a field).
    fn serde_json_field_count() -> usize {
        format!("{:?}", Limits::default()).matches(": ").count()
    }
}
