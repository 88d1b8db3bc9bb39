//! The trade.gov Consolidated Screening List (CSL): thirteen US export-screening and
//! sanctions lists (OFAC, BIS, State) merged into one file, as `consolidated.csv` or
//! `consolidated.json`.
//!
//! One row is one listed party. Multi-valued cells are joined with `; `; composite values
//! (addresses, ids) join their parts with `, `, dropping empty parts, so their structure has
//! to be guessed back:
//!
//! - `addresses`: `street, city, postcode, CC`. A last part that is an ISO alpha-2 code is the
//!   country; a short last part with a digit is the postcode; a two-letter upper-case part
//!   before it in a US (or country-less) address is the state; the part before that the city;
//!   the rest are street lines. [`Address::full`] gives the published text back.
//! - `ids`: `[CC, ][expiration, ][issue, ]number, type`. With two ISO dates the first is the
//!   expiry and the second the issue date (checked against the SDN remarks). A lone date is
//!   ambiguous (OFAC's remark says "issued" for some, "expires" for others), so it is kept in
//!   [`sanctum_model::Identifier::note`] as `date YYYY-MM-DD (issue or expiry)`.
//!   Types that are facts rather than documents go elsewhere: Gender to the entity's gender,
//!   Organization Established Date to birth dates, Aircraft Model and Aircraft Manufacture
//!   Date to the craft info, anything else to a remark `type: value`.
//! - Names are kept as published (OFAC writes individuals `LAST, First`; BIS and State write
//!   `First Last`), except that surrounding spaces are trimmed (95 names in the 2022 file
//!   carry a stray one). A person's name with exactly one `, ` also gets family and given
//!   parts.
//! - `source` names the list: [`list_of_source`] maps the 13 published strings to an
//!   authority and list name; an unknown string is not an error (authority `US`).
//! - `remarks` is kept whole; `Linked To: X` clauses in it also become [`Link`]s.
//! - The federal register notices become the designation's legal basis; the BIS licence
//!   requirement, licence policy and standard-order flag become remarks. `entity_number`
//!   (equal to `_id` for OFAC lists), `source_list_url` and `source_information_url` are not
//!   kept.
//!
//! A date that does not parse (the 2022 file has start dates such as `0097-06-30`) does not
//! reject its row: its text is kept as a remark (`start_date: 0097-06-30`,
//! `Date of birth: …`) or in the identifier's note. Rows are rejected only when the column
//! count is wrong or `_id` or `name` is missing. In the JSON, a rejected result is located
//! by the line where it ends.
//!
//! The parsers return one entity per row. OFAC parties on several Treasury lists appear
//! once per list with the same `_id`; the store folds them into one party with one
//! designation per list ([`sanctum_model::merge_duplicates`]). Rows that share an `_id` but
//! describe different parties (another primary name, another type) would be merged all the
//! same, so each such row is reported in [`Parsed::warnings`] with both lines; the real
//! 2022 file has 71 repeated ids and none of them differ.
//!
//! The file carries no publication date, so [`Parsed::published`] is `None`.
//!
//! The JSON reader ([`parse_json`]) follows FORMATS.md §1.5 and the OpenSanctions crawler:
//! `addresses` and `ids` are arrays of objects, multi-valued fields arrays of strings (a plain
//! string is split on `; ` as in the CSV). It has been tested on hand-written samples only; it
//! has not met a full real `consolidated.json`.

use crate::ofac_common::{id_kind_for_label, linked_to};
use crate::{Input, ParseError, ParseOptions, Parsed, RowError};
use sanctum_model::date::parse_date_text;
use sanctum_model::{
    Address, DateValue, Designation, Entity, EntityKind, Gender, IdKind, Identifier, Name,
    NameKind, NamePart, NamePartKind, PartialDate, Text, country,
};
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::cell::Cell;
use std::collections::HashMap;
use std::fmt;
use std::io::Read;
use std::rc::Rc;

/// The source key of this list.
pub const SOURCE: &str = "us_csl";

/// The `source` strings of the CSL, with the authority and list name sanctum uses for each.
pub const SOURCE_LISTS: [(&str, &str, &str); 13] = [
    (
        "Specially Designated Nationals (SDN) - Treasury Department",
        "US OFAC",
        "SDN",
    ),
    (
        "Sectoral Sanctions Identifications List (SSI) - Treasury Department",
        "US OFAC",
        "SSI",
    ),
    (
        "Foreign Sanctions Evaders (FSE) - Treasury Department",
        "US OFAC",
        "FSE",
    ),
    (
        "Palestinian Legislative Council List (PLC) - Treasury Department",
        "US OFAC",
        "NS-PLC",
    ),
    (
        "Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department",
        "US OFAC",
        "NS-MBS",
    ),
    ("Capta List (CAP) - Treasury Department", "US OFAC", "CAPTA"),
    (
        "Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - Treasury Department",
        "US OFAC",
        "CMIC",
    ),
    (
        "Entity List (EL) - Bureau of Industry and Security",
        "US BIS",
        "Entity List",
    ),
    (
        "Denied Persons List (DPL) - Bureau of Industry and Security",
        "US BIS",
        "Denied Persons List",
    ),
    (
        "Unverified List (UVL) - Bureau of Industry and Security",
        "US BIS",
        "Unverified List",
    ),
    (
        "Military End User (MEU) List - Bureau of Industry and Security",
        "US BIS",
        "Military End User",
    ),
    (
        "ITAR Debarred (DTC) - State Department",
        "US State",
        "ITAR Debarred",
    ),
    (
        "Nonproliferation Sanctions (ISN) - State Department",
        "US State",
        "Nonproliferation Sanctions",
    ),
];

/// The (authority, list) of a CSL `source` string; an unknown string gives ("US", string).
pub fn list_of_source(source: &str) -> (String, String) {
    let s = source.trim();
    SOURCE_LISTS
        .iter()
        .find(|(name, _, _)| name.eq_ignore_ascii_case(s))
        .map(|(_, authority, list)| (authority.to_string(), list.to_string()))
        .unwrap_or_else(|| ("US".to_string(), s.to_string()))
}

/// One id as published, before it is routed to an identifier or a fact.
#[derive(Debug, Default)]
struct RawId {
    label: String,
    value: String,
    country: Option<String>,
    issued: Option<String>,
    expires: Option<String>,
    /// A lone date in the CSV that may be either the issue or the expiry date.
    undetermined_date: Option<String>,
}

/// One CSL record with its multi-valued cells split, whatever the file format.
#[derive(Debug, Default)]
struct RawRow {
    id: String,
    source: String,
    kind: String,
    programs: Vec<String>,
    name: String,
    titles: Vec<String>,
    addresses: Vec<Address>,
    federal_register_notices: Vec<String>,
    start_date: String,
    end_date: String,
    standard_order: String,
    license_requirement: String,
    license_policy: String,
    call_sign: String,
    vessel_type: String,
    gross_tonnage: String,
    gross_registered_tonnage: String,
    vessel_flag: String,
    vessel_owner: String,
    remarks: String,
    alt_names: Vec<String>,
    citizenships: Vec<String>,
    dates_of_birth: Vec<String>,
    nationalities: Vec<String>,
    places_of_birth: Vec<String>,
    ids: Vec<RawId>,
}

/// Splits a multi-valued cell on `; `, trimming and dropping empty values. A `;` without
/// the space is left inside its value: in the 2022 file it is a typo within one address
/// (`Economic Zone;, CN`) or alias, not a separator.
fn split_multi(cell: &str) -> Vec<String> {
    cell.split("; ")
        .map(|v| v.trim().trim_end_matches(';').trim())
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect()
}

fn is_iso_day(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

fn is_country_code(s: &str) -> bool {
    s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase()) && country::name(s).is_some()
}

/// `street, city, postcode, CC` → Address, so that `Address::full()` gives the text back.
fn split_address(text: &str) -> Address {
    let mut parts: Vec<String> = text
        .split(", ")
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    let mut addr = Address::default();
    if parts.last().is_some_and(|p| is_country_code(p)) {
        addr.country = parts.pop();
    }
    let is_postcode = |p: &str| p.len() <= 10 && p.bytes().any(|b| b.is_ascii_digit());
    if parts.len() >= 2 && parts.last().is_some_and(|p| is_postcode(p)) {
        addr.postal_code = parts.pop();
    }
    // US states as two capitals ("TX"), only where the address is American or has no country.
    let us_like = matches!(addr.country.as_deref(), None | Some("US"));
    if us_like
        && addr.postal_code.is_some()
        && parts.len() >= 2
        && parts
            .last()
            .is_some_and(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_uppercase()))
    {
        addr.region = parts.pop();
    }
    if parts.len() >= 2 || (parts.len() == 1 && addr.country.is_some()) {
        addr.city = parts.pop();
    }
    addr.lines = parts;
    addr
}

/// `[CC, ][expiration, ][issue, ]number, type` → RawId.
fn split_id(text: &str) -> Option<RawId> {
    let mut parts: Vec<&str> = text.split(", ").map(str::trim).collect();
    let label = parts.pop()?.to_string();
    if label.is_empty() {
        return None;
    }
    let mut id = RawId {
        label,
        ..RawId::default()
    };
    let mut rest = parts.as_slice();
    if let [first, tail @ ..] = rest
        && !tail.is_empty()
        && is_country_code(first)
    {
        id.country = Some(first.to_string());
        rest = tail;
    }
    let mut dates = Vec::new();
    while let [first, tail @ ..] = rest {
        if tail.is_empty() || !is_iso_day(first) || dates.len() == 2 {
            break;
        }
        dates.push(first.to_string());
        rest = tail;
    }
    match dates.len() {
        2 => {
            id.expires = dates.first().cloned();
            id.issued = dates.get(1).cloned();
        }
        1 => id.undetermined_date = dates.pop(),
        _ => {}
    }
    id.value = rest.join(", ");
    Some(id)
}

fn parse_partial(text: &str) -> Option<PartialDate> {
    parse_date_text(text).ok().map(|spec| spec.bounds().0)
}

fn country_value(text: &str) -> String {
    country::code(text)
        .map(str::to_string)
        .unwrap_or_else(|| text.trim().to_string())
}

/// Splits `LAST, First` into family and given parts.
fn person_parts(full: &str) -> Vec<NamePart> {
    let mut it = full.split(", ");
    match (it.next(), it.next(), it.next()) {
        (Some(family), Some(given), None) if !family.is_empty() && !given.is_empty() => vec![
            NamePart {
                kind: NamePartKind::Family,
                value: family.trim().to_string(),
            },
            NamePart {
                kind: NamePartKind::Given,
                value: given.trim().to_string(),
            },
        ],
        _ => Vec::new(),
    }
}

fn kind_of(word: &str) -> EntityKind {
    match word.trim().to_ascii_lowercase().as_str() {
        "individual" => EntityKind::Person,
        "entity" => EntityKind::Organization,
        "vessel" => EntityKind::Vessel,
        "aircraft" => EntityKind::Aircraft,
        _ => EntityKind::Unknown,
    }
}

/// Turns a split record into an entity; the error is the reason the row is bad.
fn to_entity(source: &str, raw: RawRow) -> Result<Entity, String> {
    let id = raw.id.trim();
    if id.is_empty() {
        return Err("missing _id".to_string());
    }
    let name = raw.name.trim();
    if name.is_empty() {
        return Err(format!("record {id}: missing name"));
    }
    let kind = kind_of(&raw.kind);
    let mut e = Entity::new(source, id, kind);
    let named = |full: &str, kind_of_name: NameKind| {
        let mut n = Name::new(full, kind_of_name);
        if kind == EntityKind::Person {
            n.parts = person_parts(full);
        }
        n
    };
    e.push_name(named(name, NameKind::Primary));
    // BIS lists often repeat the primary name among the aliases.
    for alias in raw.alt_names.iter().filter(|a| a.as_str() != name) {
        e.push_name(named(alias, NameKind::Alias));
    }
    e.titles = raw.titles.iter().map(Text::new).collect();
    e.addresses = raw.addresses;
    for dob in &raw.dates_of_birth {
        match parse_date_text(dob) {
            Ok(date) => e.birth_dates.push(DateValue { date, record: None }),
            Err(_) => e.remarks.push(Text::new(format!("Date of birth: {dob}"))),
        }
    }
    e.birth_places = raw.places_of_birth.iter().map(Text::new).collect();
    for n in &raw.nationalities {
        Entity::push_country(&mut e.nationalities, country_value(n), None);
    }
    for c in &raw.citizenships {
        Entity::push_country(&mut e.citizenships, country_value(c), None);
    }
    for raw_id in raw.ids {
        route_id(&mut e, raw_id);
    }
    if !raw.call_sign.trim().is_empty() {
        let call_sign = Identifier::new(IdKind::CallSign, raw.call_sign.trim());
        if !e.identifiers.contains(&call_sign) {
            e.identifiers.push(call_sign);
        }
    }
    let opt = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
    if let Some(t) = opt(&raw.vessel_type) {
        e.craft.craft_type = Some(t);
    }
    e.craft.flag = opt(&raw.vessel_flag).map(|f| country_value(&f));
    e.craft.tonnage = opt(&raw.gross_tonnage);
    e.craft.gross_registered_tonnage = opt(&raw.gross_registered_tonnage);
    e.craft.owner = opt(&raw.vessel_owner);
    if let Some(remarks) = opt(&raw.remarks) {
        e.links = linked_to(&remarks);
        e.remarks.push(Text::new(remarks));
    }
    for (label, value) in [
        ("License requirement", &raw.license_requirement),
        ("License policy", &raw.license_policy),
        ("Standard order", &raw.standard_order),
    ] {
        if let Some(v) = opt(value) {
            e.remarks.push(Text::new(format!("{label}: {v}")));
        }
    }
    let (authority, list) = list_of_source(&raw.source);
    // The 2022 file has start dates such as "0097-06-30": kept as a remark, not a rejection.
    let mut date = |text: &str, what: &str| match opt(text) {
        Some(t) => parse_partial(&t).or_else(|| {
            e.remarks.push(Text::new(format!("{what}: {t}")));
            None
        }),
        None => None,
    };
    let listed_on = date(&raw.start_date, "start_date");
    let ended_on = date(&raw.end_date, "end_date");
    e.designations.push(Designation {
        authority,
        list,
        programs: raw.programs,
        listed_on,
        ended_on,
        legal_basis: raw.federal_register_notices,
        record: None,
    });
    Ok(e)
}

/// Puts one published id where it belongs: an identifier, or a fact about the party.
fn route_id(e: &mut Entity, raw: RawId) {
    let label = raw.label.trim();
    let value = raw.value.trim();
    let lower = label.to_ascii_lowercase();
    let Some(kind) = id_kind_for_label(label) else {
        let as_remark = || {
            let clean = label.trim_end_matches([':', '-', ' ']);
            Text::new(format!("{clean}: {value}"))
        };
        if lower == "gender" {
            match value.to_ascii_lowercase().as_str() {
                "male" => e.gender = Some(Gender::Male),
                "female" => e.gender = Some(Gender::Female),
                _ => e.remarks.push(as_remark()),
            }
        } else if lower.starts_with("organization established date") {
            match parse_date_text(value) {
                Ok(date) => e.birth_dates.push(DateValue { date, record: None }),
                Err(_) => e.remarks.push(as_remark()),
            }
        } else if lower == "aircraft model" && e.craft.craft_type.is_none() {
            e.craft.craft_type = Some(value.to_string());
        } else if lower == "aircraft manufacture date" && e.craft.build_date.is_none() {
            match parse_date_text(value) {
                Ok(d) => e.craft.build_date = Some(d.bounds().0),
                Err(_) => e.remarks.push(as_remark()),
            }
        } else {
            e.remarks.push(as_remark());
        }
        return;
    };
    let mut id = Identifier::new(kind.clone(), value);
    id.label = Some(if kind == IdKind::CryptoWallet {
        // The model keeps the currency as the label: "Digital Currency Address - XBT" → "XBT".
        label
            .rsplit_once(" - ")
            .map(|(_, currency)| currency.trim().to_string())
            .unwrap_or_else(|| label.to_string())
    } else {
        label.to_string()
    });
    id.country = raw.country.as_deref().map(country_value);
    let mut notes = Vec::new();
    let mut date = |d: &Option<String>, what: &str| match d {
        Some(t) => parse_partial(t).or_else(|| {
            notes.push(format!("{what} {t}"));
            None
        }),
        None => None,
    };
    id.issued = date(&raw.issued, "issued");
    id.expires = date(&raw.expires, "expires");
    if let Some(d) = raw.undetermined_date {
        notes.push(format!("date {d} (issue or expiry)"));
    }
    if !notes.is_empty() {
        id.note = Some(notes.join("; "));
    }
    e.identifiers.push(id);
}

/// The CSV columns this reader uses, by header name.
struct Columns {
    index: HashMap<String, usize>,
    count: usize,
}

impl Columns {
    fn get<'r>(&self, rec: &'r csv::StringRecord, name: &str) -> &'r str {
        self.index.get(name).and_then(|&i| rec.get(i)).unwrap_or("")
    }
}

fn raw_from_csv(cols: &Columns, rec: &csv::StringRecord) -> RawRow {
    let get = |name: &str| cols.get(rec, name).to_string();
    let multi = |name: &str| split_multi(cols.get(rec, name));
    RawRow {
        id: get("_id"),
        source: get("source"),
        kind: get("type"),
        programs: multi("programs"),
        name: get("name"),
        titles: multi("title"),
        addresses: multi("addresses")
            .iter()
            .map(|a| split_address(a))
            .collect(),
        federal_register_notices: multi("federal_register_notice"),
        start_date: get("start_date"),
        end_date: get("end_date"),
        standard_order: get("standard_order"),
        license_requirement: get("license_requirement"),
        license_policy: get("license_policy"),
        call_sign: get("call_sign"),
        vessel_type: get("vessel_type"),
        gross_tonnage: get("gross_tonnage"),
        gross_registered_tonnage: get("gross_registered_tonnage"),
        vessel_flag: get("vessel_flag"),
        vessel_owner: get("vessel_owner"),
        remarks: get("remarks"),
        alt_names: multi("alt_names"),
        citizenships: multi("citizenships"),
        dates_of_birth: multi("dates_of_birth"),
        nationalities: multi("nationalities"),
        places_of_birth: multi("places_of_birth"),
        ids: multi("ids").iter().filter_map(|i| split_id(i)).collect(),
    }
}

/// Reads `consolidated.csv` (already un-gzipped).
pub fn parse_csv(
    source: &str,
    input: Input<'_>,
    opts: &ParseOptions,
) -> Result<Parsed, ParseError> {
    let file = input.name;
    // An input ending inside a quoted field fails the read (a cut file, not a short row).
    let (guarded, _) = crate::csv_guard::CsvGuard::new(input.reader, b',', false);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(guarded);
    let (index, count) =
        crate::csv_header(&mut reader, &file, "a CSL file", &["_id", "source", "name"])?;
    let cols = Columns { index, count };
    let mut record = csv::StringRecord::new();
    let mut parsed = Parsed::default();
    let mut same_id = SameId::default();
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(line);
                if let csv::ErrorKind::Io(io) = e.into_kind() {
                    return Err(ParseError::io(&file, io));
                }
                let reason = "unreadable row (invalid UTF-8 or CSV)".to_string();
                parsed.reject_row(
                    opts,
                    RowError {
                        file: file.clone(),
                        line,
                        reason,
                    },
                )?;
                continue;
            }
        }
        let line = record.position().map(|p| p.line()).unwrap_or(line);
        // A blank line at the end reads as a record with one empty field.
        if record.len() == 1 && record.get(0).is_some_and(str::is_empty) {
            continue;
        }
        let result = if record.len() != cols.count {
            Err(format!(
                "expected {} columns, found {}",
                cols.count,
                record.len()
            ))
        } else {
            to_entity(source, raw_from_csv(&cols, &record))
        };
        match result {
            Ok(entity) => {
                same_id.check(&file, line, &entity, &mut parsed.warnings);
                parsed.entities.push(entity)
            }
            Err(reason) => parsed.reject_row(
                opts,
                RowError {
                    file: file.clone(),
                    line,
                    reason,
                },
            )?,
        }
    }
    Ok(parsed)
}

/// Remembers the first row of each `_id`, to report a later row that names another party.
#[derive(Default)]
struct SameId {
    first: HashMap<String, (u64, String, EntityKind)>,
}

impl SameId {
    /// Names compared ignoring case and spacing: the lists repeat a party verbatim.
    fn key(name: &str) -> String {
        name.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    }

    /// Checks `entity`, read at `line`, against the first row of its id.
    fn check(&mut self, file: &str, line: u64, entity: &Entity, warnings: &mut Vec<String>) {
        let name = Self::key(entity.caption());
        let Some((first_line, first_name, first_kind)) = self.first.get(&entity.source_id) else {
            self.first
                .insert(entity.source_id.clone(), (line, name, entity.kind));
            return;
        };
        let known = |k: EntityKind| k != EntityKind::Unknown;
        let other_kind = known(*first_kind) && known(entity.kind) && *first_kind != entity.kind;
        if *first_name != name || other_kind {
            warnings.push(format!(
                "{file}:{line}: _id {} repeats line {first_line} but describes another party \
                 ({:?}, {} there; {:?}, {} here); the two records are merged into one party",
                entity.source_id,
                first_name,
                first_kind.as_str(),
                name,
                entity.kind.as_str()
            ));
        }
    }
}

// ---- JSON ----

/// Counts the lines a reader has handed out, so JSON errors can name a line.
struct LineCounter<R> {
    inner: R,
    line: Rc<Cell<u64>>,
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let newlines = buf
            .get(..n)
            .unwrap_or(&[])
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.line.set(self.line.get() + newlines as u64);
        Ok(n)
    }
}

/// A JSON value as one string, or as many strings (arrays, or `; `-joined text).
fn json_strings(v: Option<&serde_json::Value>) -> Vec<String> {
    match v {
        Some(serde_json::Value::String(s)) => split_multi(s),
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .filter_map(|i| json_scalar(Some(i)))
            .filter(|s| !s.trim().is_empty())
            .map(|s| s.trim().to_string())
            .collect(),
        other => json_scalar(other).into_iter().collect(),
    }
}

fn json_scalar(v: Option<&serde_json::Value>) -> Option<String> {
    match v? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(if *b { "Y" } else { "N" }.to_string()),
        _ => None,
    }
}

fn json_text(obj: &serde_json::Map<String, serde_json::Value>, key: &str) -> String {
    json_strings(obj.get(key)).join("; ")
}

fn json_opt(obj: &serde_json::Value, key: &str) -> Option<String> {
    json_scalar(obj.get(key))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

fn raw_from_json(v: &serde_json::Value) -> Result<RawRow, String> {
    let obj = v.as_object().ok_or("result is not an object")?;
    let mut addresses = Vec::new();
    match obj.get("addresses") {
        Some(serde_json::Value::Array(items)) => {
            for item in items {
                match item {
                    serde_json::Value::String(s) => addresses.push(split_address(s)),
                    serde_json::Value::Object(_) => {
                        let lines = json_opt(item, "address")
                            .map(|a| vec![a])
                            .unwrap_or_default();
                        let addr = Address {
                            lines,
                            city: json_opt(item, "city"),
                            region: json_opt(item, "state"),
                            postal_code: json_opt(item, "postal_code"),
                            country: json_opt(item, "country").map(|c| country_value(&c)),
                            ..Address::default()
                        };
                        if addr != Address::default() {
                            addresses.push(addr);
                        }
                    }
                    _ => {}
                }
            }
        }
        Some(serde_json::Value::String(s)) => {
            addresses = split_multi(s).iter().map(|a| split_address(a)).collect();
        }
        _ => {}
    }
    let mut ids = Vec::new();
    match obj.get("ids") {
        Some(serde_json::Value::Array(items)) => {
            for item in items {
                match item {
                    serde_json::Value::String(s) => ids.extend(split_id(s)),
                    serde_json::Value::Object(_) => {
                        let (Some(label), Some(value)) =
                            (json_opt(item, "type"), json_opt(item, "number"))
                        else {
                            continue;
                        };
                        ids.push(RawId {
                            label,
                            value,
                            country: json_opt(item, "country"),
                            issued: json_opt(item, "issue_date"),
                            expires: json_opt(item, "expiration_date"),
                            undetermined_date: None,
                        });
                    }
                    _ => {}
                }
            }
        }
        Some(serde_json::Value::String(s)) => {
            ids = split_multi(s).iter().filter_map(|i| split_id(i)).collect();
        }
        _ => {}
    }
    let text = |key: &str| json_text(obj, key);
    let many = |key: &str| json_strings(obj.get(key));
    Ok(RawRow {
        id: if text("_id").is_empty() {
            text("id")
        } else {
            text("_id")
        },
        source: text("source"),
        kind: text("type"),
        programs: many("programs"),
        name: text("name"),
        titles: many("title"),
        addresses,
        federal_register_notices: many("federal_register_notice"),
        start_date: text("start_date"),
        end_date: text("end_date"),
        standard_order: text("standard_order"),
        license_requirement: text("license_requirement"),
        license_policy: text("license_policy"),
        call_sign: text("call_sign"),
        vessel_type: text("vessel_type"),
        gross_tonnage: text("gross_tonnage"),
        gross_registered_tonnage: text("gross_registered_tonnage"),
        vessel_flag: text("vessel_flag"),
        vessel_owner: text("vessel_owner"),
        remarks: text("remarks"),
        alt_names: many("alt_names"),
        citizenships: many("citizenships"),
        dates_of_birth: many("dates_of_birth"),
        nationalities: many("nationalities"),
        places_of_birth: many("places_of_birth"),
        ids,
    })
}

struct JsonContext<'a> {
    source: &'a str,
    file: &'a str,
    opts: &'a ParseOptions,
    line: Rc<Cell<u64>>,
    parsed: Parsed,
    /// A strict-mode row error, kept here because serde errors can only carry text.
    fatal: Option<ParseError>,
    seen_results: bool,
    same_id: SameId,
}

impl JsonContext<'_> {
    fn take(&mut self, index: usize, value: serde_json::Value) -> Result<(), ()> {
        let result = raw_from_json(&value).and_then(|raw| to_entity(self.source, raw));
        match result {
            Ok(e) => {
                let line = self.line.get();
                self.same_id
                    .check(self.file, line, &e, &mut self.parsed.warnings);
                self.parsed.entities.push(e)
            }
            Err(reason) => {
                let row = RowError {
                    file: self.file.to_string(),
                    line: self.line.get(),
                    reason: format!("results[{index}]: {reason}"),
                };
                if let Err(e) = self.parsed.reject_row(self.opts, row) {
                    self.fatal = Some(e);
                    return Err(());
                }
            }
        }
        Ok(())
    }
}

struct TopVisitor<'c, 'a> {
    ctx: &'c mut JsonContext<'a>,
}

impl<'de> Visitor<'de> for TopVisitor<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object with a results array")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "results" {
                self.ctx.seen_results = true;
                map.next_value_seed(ResultsVisitor {
                    ctx: &mut *self.ctx,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for TopVisitor<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

/// Streams the `results` array, turning each element into an entity as it is read.
struct ResultsVisitor<'c, 'a> {
    ctx: &'c mut JsonContext<'a>,
}

impl<'de> DeserializeSeed<'de> for ResultsVisitor<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ResultsVisitor<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of results")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        while let Some(value) = seq.next_element::<serde_json::Value>()? {
            if self.ctx.take(index, value).is_err() {
                return Err(serde::de::Error::custom("row rejected"));
            }
            index += 1;
        }
        Ok(())
    }
}

/// Reads `consolidated.json` (`{"results": [...]}`).
pub fn parse_json(
    source: &str,
    input: Input<'_>,
    opts: &ParseOptions,
) -> Result<Parsed, ParseError> {
    let file = input.name;
    let line = Rc::new(Cell::new(1u64));
    let reader = LineCounter {
        inner: input.reader,
        line: line.clone(),
    };
    let mut ctx = JsonContext {
        source,
        file: &file,
        opts,
        line,
        parsed: Parsed::default(),
        fatal: None,
        seen_results: false,
        same_id: SameId::default(),
    };
    let mut de = serde_json::Deserializer::from_reader(reader);
    let result = TopVisitor { ctx: &mut ctx }.deserialize(&mut de);
    if let Some(fatal) = ctx.fatal.take() {
        return Err(fatal);
    }
    result
        .and_then(|()| de.end())
        .map_err(|e| ParseError::format(&file, format!("invalid JSON: {e}")))?;
    if !ctx.seen_results {
        return Err(ParseError::format(
            &file,
            "not a CSL JSON file: no \"results\" array",
        ));
    }
    Ok(ctx.parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_split_back_to_the_published_text() {
        for text in [
            "Kremlin, Moscow, RU",
            "36-02 A, Suntec Tower, 9, Temasek Boulevard, Singapore, 038989, SG",
            "2113 NORTH HIGHWAY 175, SEAGOVILLE, TX, 75159, US",
            "120 SAINT JOHN DRIVE, PHARR, TX, 78577",
            "Ramallah II 970",
            "RU",
        ] {
            assert_eq!(split_address(text).full(), text);
        }
        let a = split_address("2113 NORTH HIGHWAY 175, SEAGOVILLE, TX, 75159, US");
        assert_eq!(a.city.as_deref(), Some("SEAGOVILLE"));
        assert_eq!(a.region.as_deref(), Some("TX"));
        assert_eq!(a.postal_code.as_deref(), Some("75159"));
        assert_eq!(a.country.as_deref(), Some("US"));
        let a = split_address("Kremlin, Moscow, RU");
        assert_eq!(a.lines, vec!["Kremlin"]);
        assert_eq!(a.city.as_deref(), Some("Moscow"));
    }

    #[test]
    fn ids_split_into_country_dates_number_and_type() {
        let id = split_id("JO, 2014-08-30, 2009-08-31, K475336, Passport").unwrap();
        assert_eq!(id.country.as_deref(), Some("JO"));
        assert_eq!(id.expires.as_deref(), Some("2014-08-30"));
        assert_eq!(id.issued.as_deref(), Some("2009-08-31"));
        assert_eq!(id.value, "K475336");
        let id = split_id("RU, 2017-05-30, 515458008, Passport").unwrap();
        assert_eq!(id.undetermined_date.as_deref(), Some("2017-05-30"));
        let id = split_id(
            "section 1(b) of Executive Order 13224, as amended by Executive Order 13886, Secondary sanctions risk:",
        )
        .unwrap();
        assert_eq!(id.country, None);
        assert_eq!(id.label, "Secondary sanctions risk:");
        assert!(id.value.starts_with("section 1(b)"));
        let id = split_id("Male, Gender").unwrap();
        assert_eq!((id.value.as_str(), id.label.as_str()), ("Male", "Gender"));
    }

    #[test]
    fn linked_to_clauses_become_links() {
        let links = linked_to(
            "(Linked To: ISLAMIC REVOLUTIONARY GUARD CORPS (IRGC)-QODS FORCE; Linked To: LIU, Emily)",
        );
        let names: Vec<_> = links
            .iter()
            .filter_map(|l| l.target_name.as_deref())
            .collect();
        assert_eq!(
            names,
            vec![
                "ISLAMIC REVOLUTIONARY GUARD CORPS (IRGC)-QODS FORCE",
                "LIU, Emily"
            ]
        );
    }
}
