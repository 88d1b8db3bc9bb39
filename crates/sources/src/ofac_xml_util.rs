//! What the XML readers share (the three OFAC formats, and the UN, EU, UK, Canadian and Swiss
//! lists): a streaming reader that hands out one record at a time as a small element tree
//! (never the whole file), bounded in depth by `max_xml_depth` and in text by
//! `max_record_bytes`, line numbers for messages, the
//! begin/end date spans of the advanced and enhanced formats, name formatting as OFAC prints
//! it in sdn.csv, and the routing of OFAC "features" (typed facts) into the entity model.

use crate::{Input, ParseError, RowError};
use quick_xml::Reader;
use quick_xml::events::Event;
use sanctum_limits::{LimitExceeded, Limits};
use sanctum_model::date::{parse_date_text, parse_single_date};
use sanctum_model::{
    DateSpec, DateValue, Entity, Gender, IdKind, Identifier, NamePart, NamePartKind, PartialDate,
    Text, country,
};
use std::io::{self, BufRead, Read};

/// Counts the line breaks quick-xml has consumed, so events can be given a line number
/// without keeping the file.
struct LineCounter<R> {
    inner: R,
    newlines: u64,
}

impl<R: BufRead> Read for LineCounter<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(out)?;
        self.newlines += out.get(..n).map_or(0, count_newlines);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for LineCounter<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        // The bytes about to be consumed are still in the buffer: fill_buf does no I/O here.
        if let Ok(buf) = self.inner.fill_buf() {
            self.newlines += buf.get(..amt).map_or(0, count_newlines);
        }
        self.inner.consume(amt);
    }
}

fn count_newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

/// An element of one record, with its attributes, text and children (local names only:
/// OFAC has changed namespaces over the years).
#[derive(Debug, Clone, Default)]
pub(crate) struct Node {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    text: String,
    pub children: Vec<Node>,
    /// The line where the element starts.
    pub line: u64,
}

/// Drops a tree without recursing: the derived drop would recurse once per level, and a
/// tree's depth comes from its input.
impl Drop for Node {
    fn drop(&mut self) {
        let mut pending = std::mem::take(&mut self.children);
        while let Some(mut node) = pending.pop() {
            pending.append(&mut node.children);
        }
    }
}

impl Node {
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// The element's own text, trimmed; `None` when empty.
    pub fn text(&self) -> Option<&str> {
        Some(self.text.trim()).filter(|t| !t.is_empty())
    }

    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    pub fn children_named<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Node> + 's {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The text of the child with this name.
    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).and_then(Node::text)
    }

    /// A boolean attribute or child (`true`/`false`); absent means false.
    pub fn flag(&self, name: &str) -> bool {
        self.attr(name)
            .or_else(|| self.child_text(name))
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }
}

/// The start of an element met while streaming.
pub(crate) struct Start {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub line: u64,
    /// How many elements enclose it (0 for the root).
    pub depth: usize,
}

/// A streaming XML reader over one input.
pub(crate) struct XmlStream<'a> {
    reader: Reader<LineCounter<Box<dyn BufRead + 'a>>>,
    buf: Vec<u8>,
    file: String,
    open: Vec<String>,
    max_depth: usize,
    max_text: u64,
}

impl<'a> XmlStream<'a> {
    pub fn new(input: Input<'a>, limits: &Limits) -> Self {
        let mut reader = Reader::from_reader(LineCounter {
            inner: input.reader,
            newlines: 0,
        });
        let config = reader.config_mut();
        config.expand_empty_elements = true;
        config.check_end_names = true;
        XmlStream {
            reader,
            buf: Vec::with_capacity(4096),
            file: input.name,
            open: Vec::new(),
            max_depth: limits.max_xml_depth,
            max_text: limits.max_record_bytes,
        }
    }

    /// Opens an element: an error past the depth limit, before anything is built for it.
    fn push_open(&mut self, name: String) -> Result<(), ParseError> {
        if self.open.len() >= self.max_depth {
            let limit =
                LimitExceeded::new("XML nesting depth", "max_xml_depth", self.max_depth as u64)
                    .found(format!("<{name}> at depth {}", self.open.len() + 1));
            return Err(self.error_at(self.line(), limit.to_string()));
        }
        self.open.push(name);
        Ok(())
    }

    pub fn file(&self) -> &str {
        &self.file
    }

    /// The current line (1-based).
    pub fn line(&self) -> u64 {
        self.reader.get_ref().newlines + 1
    }

    /// A located error: file, line and reason.
    pub fn error_at(&self, line: u64, reason: impl Into<String>) -> ParseError {
        ParseError::Row(self.row_error(line, reason))
    }

    pub fn row_error(&self, line: u64, reason: impl Into<String>) -> RowError {
        RowError {
            file: self.file.clone(),
            line,
            reason: reason.into(),
        }
    }

    fn xml_error(&self, e: quick_xml::Error) -> ParseError {
        match e {
            quick_xml::Error::Io(io) => match io.get_ref() {
                // A guarded stream (a zip member, a gzip file) went over a limit.
                Some(inner) if inner.is::<LimitExceeded>() => {
                    ParseError::format(&self.file, inner.to_string())
                }
                _ => ParseError::io(&self.file, io::Error::new(io.kind(), io.to_string())),
            },
            other => self.error_at(self.line(), format!("malformed XML: {other}")),
        }
    }

    fn truncated(&self) -> ParseError {
        let inside = self.open.last().map(String::as_str).unwrap_or("?");
        self.error_at(
            self.line(),
            format!("truncated file: the input ends inside <{inside}>"),
        )
    }

    /// The next element start at any depth; `None` at the end of a complete document.
    pub fn next_start(&mut self) -> Result<Option<Start>, ParseError> {
        loop {
            self.buf.clear();
            let event = match self.reader.read_event_into(&mut self.buf) {
                Ok(ev) => ev,
                Err(e) => return Err(self.xml_error(e)),
            };
            let start = match event {
                Event::Start(s) => Some((s.local_name().as_ref().to_string(), attributes(&s))),
                Event::End(_) => {
                    self.open.pop();
                    None
                }
                Event::Eof if self.open.is_empty() => return Ok(None),
                Event::Eof => return Err(self.truncated()),
                _ => None,
            };
            if let Some((name, attrs)) = start {
                let attrs = attrs.map_err(|reason| self.error_at(self.line(), reason))?;
                let depth = self.open.len();
                self.push_open(name.clone())?;
                return Ok(Some(Start {
                    name,
                    attrs,
                    line: self.line(),
                    depth,
                }));
            }
        }
    }

    /// Reads the rest of the element that `start` opened, with everything inside it.
    pub fn read_node(&mut self, start: Start) -> Result<Node, ParseError> {
        let mut stack = vec![Node {
            name: start.name,
            attrs: start.attrs,
            line: start.line,
            text: String::new(),
            children: Vec::new(),
        }];
        loop {
            self.buf.clear();
            let line = self.line();
            let event = match self.reader.read_event_into(&mut self.buf) {
                Ok(ev) => ev,
                Err(e) => return Err(self.xml_error(e)),
            };
            match event {
                Event::Start(s) => {
                    let name = s.local_name().as_ref().to_string();
                    let attrs = attributes(&s).map_err(|reason| self.error_at(line, reason))?;
                    self.push_open(name.clone())?;
                    stack.push(Node {
                        name,
                        attrs,
                        line: self.line(),
                        text: String::new(),
                        children: Vec::new(),
                    });
                }
                Event::Text(t) => {
                    if let Some(top) = stack.last_mut() {
                        top.text.push_str(&t.xml10_content());
                    }
                }
                Event::CData(t) => {
                    if let Some(top) = stack.last_mut() {
                        top.text.push_str(&t.xml10_content());
                    }
                }
                Event::GeneralRef(r) => {
                    let resolved = if let Some(name) = r.strip_prefix('#') {
                        char_ref(name).map(String::from)
                    } else {
                        quick_xml::escape::resolve_predefined_entity(&r).map(str::to_string)
                    };
                    let Some(resolved) = resolved else {
                        let reason = format!("malformed XML: unknown entity reference &{};", &*r);
                        return Err(self.error_at(self.line(), reason));
                    };
                    if let Some(top) = stack.last_mut() {
                        top.text.push_str(&resolved);
                    }
                }
                Event::End(_) => {
                    self.open.pop();
                    let Some(done) = stack.pop() else {
                        return Err(self.error_at(self.line(), "malformed XML: unbalanced end tag"));
                    };
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(done),
                        None => return Ok(done),
                    }
                }
                Event::Eof => return Err(self.truncated()),
                _ => {}
            }
            if let Some(top) = stack.last()
                && top.text.len() as u64 > self.max_text
            {
                let limit = LimitExceeded::new(
                    format!("the text of <{}>", top.name),
                    "max_record_bytes",
                    self.max_text,
                )
                .found(format!("{} bytes", top.text.len()));
                return Err(self.error_at(top.line, limit.to_string()));
            }
        }
    }
}

fn char_ref(num: &str) -> Option<char> {
    let code = match num.strip_prefix(['x', 'X']) {
        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
        None => num.parse().ok()?,
    };
    char::from_u32(code).filter(|&c| c != '\0')
}

fn attributes(start: &quick_xml::events::BytesStart<'_>) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| format!("malformed XML: bad attribute: {e}"))?;
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| format!("malformed XML: bad attribute value: {e}"))?;
        out.push((
            attr.key.local_name().as_ref().to_string(),
            value.into_owned(),
        ));
    }
    Ok(out)
}

/// Checks that the document root is the one the format expects.
pub(crate) fn expect_root(
    xml: &mut XmlStream<'_>,
    root: &str,
    format: &str,
) -> Result<(), ParseError> {
    match xml.next_start()? {
        Some(start) if start.name == root => Ok(()),
        Some(start) => Err(ParseError::format(
            xml.file(),
            format!(
                "not {format}: the root element is <{}>, not <{root}>",
                start.name
            ),
        )),
        None => Err(ParseError::format(
            xml.file(),
            format!("not {format}: the file holds no XML element"),
        )),
    }
}

/// Removes the bidirectional-text marks OFAC wraps Arabic names in, and collapses spaces.
pub(crate) fn clean(text: &str) -> String {
    let stripped: String = text
        .chars()
        .filter(|c| !matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}'))
        .collect();
    stripped.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The name part kind for an OFAC name-part label ("Last Name", "Entity Name", …).
pub(crate) fn name_part_kind(label: &str) -> NamePartKind {
    match label.trim().to_ascii_lowercase().as_str() {
        "last name" => NamePartKind::Family,
        "first name" => NamePartKind::Given,
        "middle name" => NamePartKind::Middle,
        "patronymic" => NamePartKind::Patronymic,
        "matronymic" => NamePartKind::Matronymic,
        "nickname" | "entity name" | "vessel name" | "aircraft name" => NamePartKind::Whole,
        _ => NamePartKind::Other,
    }
}

/// The name on one line as OFAC prints it in sdn.csv: the family name in capitals, then a
/// comma and the other parts as written ("HANIYA, Ismail Abdul Salah"); whole names
/// (entities, vessels) in capitals.
pub(crate) fn sdn_style_full(parts: &[NamePart]) -> String {
    let join = |want: &dyn Fn(NamePartKind) -> bool| {
        parts
            .iter()
            .filter(|p| want(p.kind))
            .map(|p| p.value.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let family = join(&|k| k == NamePartKind::Family).to_uppercase();
    let whole = join(&|k| k == NamePartKind::Whole).to_uppercase();
    let given = join(&|k| !matches!(k, NamePartKind::Family | NamePartKind::Whole));
    let head = [family, whole]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    match (head.is_empty(), given.is_empty()) {
        (false, false) => format!("{head}, {given}"),
        (false, true) => head,
        _ => given,
    }
}

/// Whether a script label denotes the Latin script.
pub(crate) fn is_latin(script: Option<&str>) -> bool {
    script.is_none_or(|s| s.eq_ignore_ascii_case("latin") || s.eq_ignore_ascii_case("latn"))
}

fn last_day(year: u16, month: u8) -> u8 {
    (28..=31)
        .rev()
        .find(|&d| PartialDate::new(year, Some(month), Some(d)).is_ok())
        .unwrap_or(28)
}

/// The partial date a span of days denotes when it is exactly one day, month or year.
fn span_as_partial(from: PartialDate, to: PartialDate) -> Option<PartialDate> {
    let (fy, fm, fd) = from.earliest();
    let (ty, tm, td) = to.latest();
    if (fy, fm, fd) == (ty, tm, td) {
        return PartialDate::new(fy, Some(fm), Some(fd)).ok();
    }
    if fy == ty && fm == tm && fd == 1 && td == last_day(ty, tm) {
        return PartialDate::new(fy, Some(fm), None).ok();
    }
    if fy == ty && (fm, fd) == (1, 1) && (tm, td) == (12, 31) {
        return Some(PartialDate::year(fy));
    }
    None
}

/// A date as the advanced and enhanced formats give it: the start of the period (earliest,
/// latest) and its end (earliest, latest), flagged approximate or as a range.
pub(crate) fn date_span(
    start: (PartialDate, PartialDate),
    end: (PartialDate, PartialDate),
    approximate: bool,
    is_range: bool,
) -> DateSpec {
    if let Some(d) = span_as_partial(start.0, end.1).filter(|_| !is_range) {
        return if approximate {
            DateSpec::Circa(d)
        } else {
            DateSpec::Exact(d)
        };
    }
    let (s, e) = (start.0.earliest(), end.1.latest());
    if start.0 == start.1 && end.0 == end.1 {
        // Single-day boundaries (1 Jan 1951 … 31 Dec 1953) read as whole years or months.
        if (s.1, s.2) == (1, 1) && (e.1, e.2) == (12, 31) {
            return DateSpec::Range(PartialDate::year(s.0), PartialDate::year(e.0));
        }
        if let (true, Ok(a), Ok(b)) = (
            s.2 == 1 && e.2 == last_day(e.0, e.1),
            PartialDate::new(s.0, Some(s.1), None),
            PartialDate::new(e.0, Some(e.1), None),
        ) {
            return DateSpec::Range(a, b);
        }
    }
    let from = span_as_partial(start.0, start.1).unwrap_or(start.0);
    let to = span_as_partial(end.0, end.1).unwrap_or(end.1);
    DateSpec::Range(from, to)
}

/// The country code for a country name or code as OFAC writes it.
pub(crate) fn country_code(name: &str) -> Option<String> {
    country::code(name).map(str::to_string)
}

/// A typed fact about a party: an OFAC "feature" (advanced and enhanced formats).
pub(crate) struct Feature<'v> {
    /// The feature type label ("Birthdate", "Nationality Country", "SWIFT/BIC", …).
    pub label: &'v str,
    /// The value as text.
    pub text: Option<String>,
    /// The value as a date, where the publisher gives one.
    pub date: Option<DateSpec>,
    /// The value as a country code, where the publisher gives a country.
    pub country: Option<String>,
    pub record: Option<String>,
}

/// A feature label trimmed of OFAC's trailing punctuation, with typographic apostrophes made
/// plain ("Aircraft Manufacturer’s Serial Number (MSN)").
fn plain_label(label: &str) -> String {
    label
        .trim()
        .trim_end_matches([':', '-', ' '])
        .trim()
        .replace('\u{2019}', "'")
}

/// The labels [`apply_feature`] files in a field of their own rather than reading them as an
/// identifier or a remark.
const OWN_PLACE_LABELS: [&str; 19] = [
    "birthdate",
    "date of birth",
    "organization established date",
    "place of birth",
    "nationality country",
    "nationality",
    "citizenship country",
    "citizenship",
    "nationality of registration",
    "location",
    "gender",
    "vessel flag",
    "vessel type",
    "aircraft model",
    "vessel owner",
    "vessel tonnage",
    "vessel gross registered tonnage",
    "vessel year of build",
    "aircraft manufacture date",
];

/// Whether [`apply_feature`] files this label in a field of its own (legacy ids use it to
/// route facts such as "Nationality of Registration" before reading them as identifiers).
pub(crate) fn has_own_place(label: &str) -> bool {
    OWN_PLACE_LABELS.contains(&plain_label(label).to_ascii_lowercase().as_str())
}

/// Puts a feature where it belongs in the entity: dates of birth, places, countries, gender,
/// craft facts, identifiers; anything else becomes a remark "Label: value".
pub(crate) fn apply_feature(entity: &mut Entity, feature: Feature<'_>) {
    let label = plain_label(feature.label);
    let record = feature.record;
    let text = feature.text.as_deref().map(clean).filter(|t| !t.is_empty());
    let date = feature
        .date
        .or_else(|| text.as_deref().and_then(|t| parse_date_text(t).ok()));
    let country = feature
        .country
        .or_else(|| text.as_deref().and_then(country_code));
    match (label.to_ascii_lowercase().as_str(), date, country, text) {
        ("birthdate" | "date of birth" | "organization established date", Some(date), _, _) => {
            entity.birth_dates.push(DateValue { date, record })
        }
        ("place of birth", _, _, Some(value)) => entity.birth_places.push(Text { value, record }),
        ("nationality country" | "nationality", _, Some(code), _) => {
            Entity::push_country(&mut entity.nationalities, code, record)
        }
        ("citizenship country" | "citizenship", _, Some(code), _) => {
            Entity::push_country(&mut entity.citizenships, code, record)
        }
        ("nationality of registration" | "location", _, Some(code), _) => {
            Entity::push_country(&mut entity.countries, code, record)
        }
        ("gender", _, _, Some(word)) => {
            entity.gender = Some(match word.to_ascii_lowercase().as_str() {
                "male" => Gender::Male,
                "female" => Gender::Female,
                _ => Gender::Other,
            })
        }
        ("vessel flag", _, Some(code), _) => entity.craft.flag = Some(code),
        ("vessel flag", _, None, Some(name)) => entity.craft.flag = Some(name),
        ("vessel type" | "aircraft model", _, _, Some(t)) => entity.craft.craft_type = Some(t),
        ("vessel owner", _, _, Some(t)) => entity.craft.owner = Some(t),
        ("vessel tonnage", _, _, Some(t)) => entity.craft.tonnage = Some(t),
        ("vessel gross registered tonnage", _, _, Some(t)) => {
            entity.craft.gross_registered_tonnage = Some(t)
        }
        ("vessel year of build" | "aircraft manufacture date", Some(d), _, _) => {
            entity.craft.build_date = Some(d.bounds().0)
        }
        (_, date, _, text) => {
            let Some(value) = text.or_else(|| date.map(|d| d.to_string())) else {
                return;
            };
            if has_own_place(&label) {
                // Its field could not take the value (an unknown country, an unreadable date).
                entity.remarks.push(Text {
                    value: format!("{label}: {value}"),
                    record,
                });
            } else {
                identifier_or_remark(entity, &label, value, record);
            }
        }
    }
}

/// A feature with no field of its own: an identifier when its label names one, else a
/// remark "Label: value".
fn identifier_or_remark(entity: &mut Entity, label: &str, value: String, record: Option<String>) {
    match crate::ofac_common::id_kind_for_label(label) {
        Some(kind) => {
            let mut id = Identifier::new(kind.clone(), value);
            id.label = Some(if kind == IdKind::CryptoWallet {
                crypto_currency(label)
            } else {
                label.to_string()
            });
            id.record = record;
            entity.identifiers.push(id);
        }
        None => entity.remarks.push(Text {
            value: format!("{label}: {value}"),
            record,
        }),
    }
}

/// "Digital Currency Address - XBT" → "XBT".
pub(crate) fn crypto_currency(label: &str) -> String {
    label
        .rsplit_once(['-', ':'])
        .map(|(_, c)| c.trim())
        .filter(|c| !c.is_empty())
        .unwrap_or(label)
        .to_string()
}

/// A date given as plain text (legacy ids, enhanced fallbacks), as one day/month/year.
pub(crate) fn text_date(text: &str) -> Option<PartialDate> {
    parse_single_date(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> PartialDate {
        s.parse().expect("date")
    }

    #[test]
    fn date_spans_reduce_to_the_precision_they_cover() {
        let day = |s: &str| (d(s), d(s));
        let year = date_span(day("1962-01-01"), day("1962-12-31"), false, false);
        assert_eq!(year, DateSpec::Exact(PartialDate::year(1962)));
        let month = date_span(day("1962-02-01"), day("1962-02-28"), false, false);
        assert_eq!(month, DateSpec::Exact(d("1962-02")));
        let exact = date_span(day("1966-02-13"), day("1966-02-13"), false, false);
        assert_eq!(exact, DateSpec::Exact(d("1966-02-13")));
        let circa = date_span(day("1957-01-01"), day("1957-12-31"), true, false);
        assert_eq!(circa, DateSpec::Circa(PartialDate::year(1957)));
        // Boundaries that are themselves whole years, as the enhanced XML writes ranges.
        let range = date_span(
            (d("1951-01-01"), d("1951-12-31")),
            (d("1953-01-01"), d("1953-12-31")),
            false,
            true,
        );
        assert_eq!(
            range,
            DateSpec::Range(PartialDate::year(1951), PartialDate::year(1953))
        );
        // Single-day boundaries spanning several years read as a range of years.
        let years = date_span(day("1955-01-01"), day("1958-12-31"), false, false);
        assert_eq!(
            years,
            DateSpec::Range(PartialDate::year(1955), PartialDate::year(1958))
        );
        let odd = date_span(day("1955-03-04"), day("1955-06-07"), false, false);
        assert_eq!(odd, DateSpec::Range(d("1955-03-04"), d("1955-06-07")));
    }

    #[test]
    fn a_deep_tree_drops_without_recursing() {
        // On a small stack, where a drop recursing once per level overflows and aborts.
        let dropped = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(|| {
                let mut node = Node::default();
                for _ in 0..200_000 {
                    node = Node {
                        name: "a".to_string(),
                        attrs: Vec::new(),
                        text: String::new(),
                        children: vec![node],
                        line: 1,
                    };
                }
                drop(node);
            })
            .unwrap()
            .join();
        assert!(dropped.is_ok());
    }

    #[test]
    fn names_print_as_in_sdn_csv() {
        let part = |kind, value: &str| NamePart {
            kind,
            value: value.to_string(),
        };
        let person = [
            part(NamePartKind::Family, "Haniya"),
            part(NamePartKind::Given, "Ismail"),
            part(NamePartKind::Middle, "Abdul Salah"),
        ];
        assert_eq!(sdn_style_full(&person), "HANIYA, Ismail Abdul Salah");
        let entity = [part(NamePartKind::Whole, "Rosneft Oil Company")];
        assert_eq!(sdn_style_full(&entity), "ROSNEFT OIL COMPANY");
        assert_eq!(
            sdn_style_full(&[part(NamePartKind::Given, "Vanya")]),
            "Vanya"
        );
    }

    #[test]
    fn bidi_marks_and_runs_of_space_are_removed() {
        assert_eq!(clean("\u{202B}لواء  فاطميون\u{202C}"), "لواء فاطميون");
        assert_eq!(crypto_currency("Digital Currency Address - XBT"), "XBT");
        assert!(has_own_place("Nationality of Registration"));
        assert!(!has_own_place("SWIFT/BIC"));
    }
}
