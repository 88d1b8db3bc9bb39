//! The UK OFSI Consolidated List of asset-freeze targets ("ConList", the 2022 format), as
//! `ConList.csv`, `ConList.xlsx` or `ConList.xml` (FORMATS.md §1.6).
//!
//! **One row per name.** Each row (XML: each `FinancialSanctionsTarget`) is one name of a
//! party, and repeats the party's other details; the rows of a party share a `Group ID`, and
//! need not be adjacent (the 2023 file interleaves them). Rows are grouped in memory by Group
//! ID, one [`Entity`] per group, in the order groups are first seen. Values repeated on each
//! row are kept once.
//!
//! How the columns land in the model:
//! - `Group ID` → [`Entity::source_id`], and an identifier labelled `OFSI group id`.
//! - `Group Type` Individual / Entity / Ship → person / organization / vessel.
//! - `Alias Type` and `Alias Quality`: `Primary name` → primary; `Primary name variation` and
//!   `AKA` → alias, or weak alias when the quality is `Low quality`; `FKA` → former name.
//! - `Name 1`..`Name 5` are given-name parts, `Name 6` the family name (an organization's or
//!   ship's whole name). The full name is the parts in that order: `Vladimir Vladimirovich
//!   PUTIN`. `Name Non-Latin Script` becomes an original-script name, with its script and
//!   language as published.
//! - Cells holding several values as `(1) … (2) …` (Title, DOB, places of birth, Nationality,
//!   passports, national ids, Position) are split. Passport and national-id numbers are paired
//!   with the details cell item by item when both have as many items; otherwise each number
//!   gets the whole details text as its note.
//! - `DOB` is `dd/mm/yyyy` with `00` for unknown parts, or `mm/yyyy`, or `yyyy`. A date that
//!   does not parse is kept as a remark `DOB: …`.
//! - `Town of Birth` and `Country of Birth` are paired into places of birth (`-` means none).
//! - `Address 1`..`Address 5` are street lines; `Address 6` (the town, or the region when the
//!   town sits in `Address 5`) is the city; `Country` is resolved to its ISO code where known.
//! - `Other Information` is kept whole as a remark, and its labelled parts are read:
//!   `(UK Sanctions List Ref):RUS0251` → identifier `UK sanctions list ref`, `(UN Ref):QDi.198`
//!   → `UN reference number`, `(Gender):Male` → gender, phone / fax / email / website / business
//!   registration / IMO number → identifiers, ship flag / type / tonnage / year built / current
//!   owners → craft facts, `(Parent company)` and `(Subsidiaries)` → links.
//! - `Regime` → a designation (authority `UK OFSI`, list `Consolidated List`, the regime as its
//!   program). Its `listed_on` is the earlier of `Listed On` and `UK Sanctions List Date
//!   Designated`; when the two differ, the other one is kept in the designation's legal basis
//!   as `Listed On: dd/mm/yyyy` or `UK Sanctions List Date Designated: dd/mm/yyyy`. A party
//!   under several regimes gets one designation per regime.
//! - The group's `Last Updated` is kept as a remark `Last Updated: dd/mm/yyyy`.
//!
//! Row 1 of the CSV and XLSX (`Last Updated,dd/mm/yyyy`) is the publication date. ConList.xml
//! carries none that is known, so [`Parsed::published`] stays `None` for it unless a top-level
//! `DateGenerated` element is present.
//!
//! A row is rejected (strict: error; lenient: skipped and reported) when it has the wrong
//! number of cells, no Group ID, an unknown Group Type or Alias Type, no name, or a Group Type
//! that contradicts the group's earlier rows. A file cut short (its last CSV row short of
//! cells, an XML element left open, a damaged XLSX archive) is always an error.
//!
//! The CSV is read as a stream of byte records: a cell that is not UTF-8 is read as
//! Windows-1252/Latin-1 (the official encoding of ConList.csv is not documented). The XLSX is
//! read through the bounded reader of [`crate::xlsx`] and its first sheet is used. The XML
//! reader follows the element list in FORMATS.md §1.6 (`name1`..`name5`, `Name6`,
//! `GroupTypeDescription`, `Individual_DateOfBirth`, `UKSanctionsListRef`, …); it has been
//! tested on hand-written samples only, and has not yet met a full real ConList.xml.

use crate::ofac_xml_util::{Node, XmlStream, expect_root};
use crate::{Input, ParseError, ParseOptions, Parsed, RowError};
use sanctum_model::date::{parse_date_text, parse_single_date};
use sanctum_model::{
    Address, DateSpec, DateValue, Designation, Entity, EntityKind, Gender, IdKind, Identifier,
    Link, Name, NameKind, NamePart, NamePartKind, PartialDate, Text, country,
};
use std::collections::HashMap;
use std::io::Read;

/// The authority of this list, as [`Designation::authority`].
pub const AUTHORITY: &str = "UK OFSI";
/// The list's name, as [`Designation::list`].
pub const LIST: &str = "Consolidated List";

/// Identifier labels shared by the UK readers (and used for cross-list linking).
pub const UK_REF_LABEL: &str = "UK sanctions list ref";
pub const OFSI_GROUP_LABEL: &str = "OFSI group id";
pub const UN_REF_LABEL: &str = "UN reference number";

/// The 36 columns of ConList.csv / .xlsx, in published order.
pub const COLUMNS: [&str; 36] = [
    "Name 6",
    "Name 1",
    "Name 2",
    "Name 3",
    "Name 4",
    "Name 5",
    "Title",
    "Name Non-Latin Script",
    "Non-Latin Script Type",
    "Non-Latin Script Language",
    "DOB",
    "Town of Birth",
    "Country of Birth",
    "Nationality",
    "Passport Number",
    "Passport Details",
    "National Identification Number",
    "National Identification Details",
    "Position",
    "Address 1",
    "Address 2",
    "Address 3",
    "Address 4",
    "Address 5",
    "Address 6",
    "Post/Zip Code",
    "Country",
    "Other Information",
    "Group Type",
    "Alias Type",
    "Alias Quality",
    "Regime",
    "Listed On",
    "UK Sanctions List Date Designated",
    "Last Updated",
    "Group ID",
];

// ---------------------------------------------------------------------------------------
// Helpers shared with the FCDO reader.
// ---------------------------------------------------------------------------------------

/// Collapses runs of white space and trims.
pub(crate) fn tidy(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn push_unique<T: PartialEq>(list: &mut Vec<T>, value: T) {
    if !list.contains(&value) {
        list.push(value);
    }
}

/// Splits a cell holding several values as `(1) a (2) b`; a cell without `(1)` is one value.
/// Items are tidied; empty items and `-` placeholders are dropped.
pub(crate) fn split_numbered(text: &str) -> Vec<String> {
    numbered_items(text)
        .into_iter()
        .filter(|item| !item.is_empty())
        .collect()
}

/// The items of a `(1) a (2) b` cell, tidied, with `-` placeholders kept as empty items so
/// that two cells can be paired item by item. Text before `(1)` is an item if not empty.
fn numbered_items(text: &str) -> Vec<String> {
    let clean = |item: &str| {
        let item = tidy(item.trim().trim_end_matches([';', ',']));
        if item == "-" { String::new() } else { item }
    };
    let Some(start) = text.find("(1)") else {
        return vec![clean(text)];
    };
    let mut items = Vec::new();
    let head = clean(&text[..start]);
    if !head.is_empty() {
        items.push(head);
    }
    let mut rest = &text[start + 3..];
    let mut n = 2u32;
    loop {
        let marker = format!("({n})");
        match rest.find(&marker) {
            Some(i) => {
                items.push(clean(&rest[..i]));
                rest = &rest[i + marker.len()..];
                n += 1;
            }
            None => {
                items.push(clean(rest));
                return items;
            }
        }
    }
}

/// A UK date (`dd/mm/yyyy` with `00` or `dd`/`mm` for unknown parts, `mm/yyyy`, `yyyy`, ISO,
/// `13-Feb-2026`), or `None`.
pub(crate) fn uk_date_spec(text: &str) -> Option<DateSpec> {
    let t = text.trim().trim_end_matches('.');
    if t.is_empty() {
        return None;
    }
    let lower = t.to_ascii_lowercase();
    let unknown_parts = lower.replace("dd/", "00/").replace("mm/", "00/");
    let parts: Vec<&str> = unknown_parts.split('/').collect();
    let normalised = match parts.as_slice() {
        [m, y] if m.len() <= 2 && y.len() == 4 => format!("00/{m}/{y}"),
        [_, _, _] => unknown_parts.clone(),
        // "13-Feb-2026", the FCDO report date.
        _ if t.len() == 11 && t.as_bytes().get(2) == Some(&b'-') => t.replace('-', " "),
        _ => t.to_string(),
    };
    parse_date_text(&normalised).ok()
}

/// A UK date as one day, month or year.
pub(crate) fn uk_date(text: &str) -> Option<PartialDate> {
    match uk_date_spec(text)? {
        DateSpec::Exact(d) => Some(d),
        _ => parse_single_date(text).ok(),
    }
}

/// The ISO code of a country as the UK lists write it; a bracketed comment
/// (`Iraq (previous address)`) is ignored when the whole text is not a country name.
pub(crate) fn country_code(text: &str) -> Option<&'static str> {
    country::code(text).or_else(|| {
        let open = text.find('(')?;
        let close = text.get(open..)?.find(')')? + open;
        let outside = format!("{} {}", &text[..open], text.get(close + 1..).unwrap_or(""));
        Some(outside.trim())
            .filter(|t| !t.is_empty())
            .and_then(country::code)
    })
}

fn country_or_text(text: &str) -> String {
    country_code(text)
        .map(str::to_string)
        .unwrap_or_else(|| tidy(text))
}

/// How a name relates to the party, from the UK name type and quality; `None` if unknown.
pub(crate) fn name_kind(name_type: &str, quality: &str) -> Option<NameKind> {
    let quality = quality.to_ascii_lowercase();
    let weak = quality.contains("low") || quality.contains("weak");
    let alias = if weak {
        NameKind::WeakAlias
    } else {
        NameKind::Alias
    };
    match tidy(name_type).to_ascii_lowercase().as_str() {
        "primary name" => Some(NameKind::Primary),
        "primary name variation" | "aka" | "alias" => Some(alias),
        "fka" => Some(NameKind::Former),
        _ => None,
    }
}

/// The entity kind of a UK group type; `None` if unknown.
pub(crate) fn entity_kind(group_type: &str) -> Option<EntityKind> {
    match group_type.trim().to_ascii_lowercase().as_str() {
        "individual" => Some(EntityKind::Person),
        "entity" => Some(EntityKind::Organization),
        "ship" => Some(EntityKind::Vessel),
        _ => None,
    }
}

/// Adds a name from the six UK name cells (`parts[0..5]` = Name 1..5, `parts[5]` = Name 6).
/// Returns false when all six are empty.
pub(crate) fn add_latin_name(entity: &mut Entity, parts: &[&str; 6], kind: NameKind) -> bool {
    let cleaned: Vec<String> = parts.iter().map(|p| tidy(p)).collect();
    if cleaned.iter().all(String::is_empty) {
        return false;
    }
    let full = cleaned
        .iter()
        .filter(|p| !p.is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join(" ");
    let mut name = Name::new(full, kind);
    if entity.kind == EntityKind::Person {
        for (i, value) in cleaned.iter().enumerate() {
            if value.is_empty() {
                continue;
            }
            let part_kind = if i == 5 {
                NamePartKind::Family
            } else {
                NamePartKind::Given
            };
            name.parts.push(NamePart {
                kind: part_kind,
                value: value.clone(),
            });
        }
    } else if cleaned.iter().take(5).all(String::is_empty) {
        name.parts.push(NamePart {
            kind: NamePartKind::Whole,
            value: cleaned[5].clone(),
        });
    }
    entity.push_name(name);
    true
}

/// Adds a name in its original script. Returns false when the text is empty.
pub(crate) fn add_original_script_name(
    entity: &mut Entity,
    text: &str,
    script: &str,
    lang: &str,
) -> bool {
    let full = tidy(text);
    if full.is_empty() {
        return false;
    }
    let mut name = Name::new(full, NameKind::OriginalScript);
    name.script = Some(tidy(script)).filter(|s| !s.is_empty());
    name.lang = Some(tidy(lang)).filter(|s| !s.is_empty());
    entity.push_name(name);
    true
}

pub(crate) fn add_titles(entity: &mut Entity, cell: &str) {
    for title in split_numbered(cell) {
        push_unique(&mut entity.titles, Text::new(title));
    }
}

pub(crate) fn add_birth_dates(entity: &mut Entity, cell: &str, label: &str) {
    for value in split_numbered(cell) {
        match uk_date_spec(&value) {
            Some(date) => push_unique(&mut entity.birth_dates, DateValue { date, record: None }),
            None => push_unique(&mut entity.remarks, Text::new(format!("{label}: {value}"))),
        }
    }
}

/// Pairs towns and countries of birth item by item when they have as many items.
pub(crate) fn add_birth_places(entity: &mut Entity, towns: &str, countries: &str) {
    let towns = numbered_items(towns);
    let countries = numbered_items(countries);
    let places: Vec<String> = if towns.len() == countries.len() {
        towns
            .iter()
            .zip(&countries)
            .map(|(t, c)| {
                [t.as_str(), c.as_str()]
                    .into_iter()
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .collect()
    } else {
        towns.into_iter().chain(countries).collect()
    };
    for place in places.into_iter().filter(|p| !p.is_empty()) {
        push_unique(&mut entity.birth_places, Text::new(place));
    }
}

pub(crate) fn add_nationalities(entity: &mut Entity, cell: &str) {
    for item in split_numbered(cell) {
        for value in item.split(". ") {
            let value = value.trim().trim_end_matches('.').trim();
            if value.is_empty() {
                continue;
            }
            // "Estonia, Russia": two countries in one item.
            let codes: Option<Vec<&str>> = match country_code(value) {
                Some(code) => Some(vec![code]),
                None => value.split(", ").map(country_code).collect(),
            };
            match codes {
                Some(codes) => {
                    for code in codes {
                        Entity::push_country(&mut entity.nationalities, code, None);
                    }
                }
                None => push_unique(
                    &mut entity.remarks,
                    Text::new(format!("Nationality: {value}")),
                ),
            }
        }
    }
}

/// Adds documents from a numbers cell and its details cell.
pub(crate) fn add_documents(entity: &mut Entity, kind: IdKind, numbers: &str, details: &str) {
    let numbers = split_numbered(numbers);
    let notes = split_numbered(details);
    let whole_details = tidy(details);
    for (i, number) in numbers.iter().enumerate() {
        let note = if notes.len() == numbers.len() {
            notes.get(i).cloned()
        } else {
            Some(whole_details.clone()).filter(|d| !d.is_empty())
        };
        let mut id = Identifier::new(kind.clone(), number.clone());
        id.note = note;
        push_unique(&mut entity.identifiers, id);
    }
}

pub(crate) fn add_positions(entity: &mut Entity, cell: &str) {
    for position in split_numbered(cell) {
        push_unique(&mut entity.positions, Text::new(position));
    }
}

/// Adds an address from six lines (the sixth is the city), a postcode and a country.
pub(crate) fn add_address(entity: &mut Entity, lines: &[&str; 6], post_code: &str, country: &str) {
    let mut address = Address::default();
    for line in lines.iter().take(5) {
        let line = tidy(line);
        if !line.is_empty() {
            address.lines.push(line);
        }
    }
    address.city = Some(tidy(lines[5])).filter(|c| !c.is_empty());
    address.postal_code = Some(tidy(post_code)).filter(|c| !c.is_empty());
    address.country = Some(country_or_text(country)).filter(|c| !c.is_empty());
    if address != Address::default() {
        push_unique(&mut entity.addresses, address);
    }
}

pub(crate) fn add_identifier(entity: &mut Entity, kind: IdKind, label: &str, value: &str) {
    let value = tidy(value);
    if value.is_empty() {
        return;
    }
    let mut id = Identifier::new(kind, value);
    id.label = Some(label.to_string());
    push_unique(&mut entity.identifiers, id);
}

pub(crate) fn add_remark(entity: &mut Entity, text: &str) {
    let text = tidy(text);
    if !text.is_empty() {
        push_unique(&mut entity.remarks, Text::new(text));
    }
}

pub(crate) fn set_gender(entity: &mut Entity, word: &str) {
    let word = word
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_end_matches(['.', ','])
        .to_ascii_lowercase();
    entity.gender = match word.as_str() {
        "male" => Some(Gender::Male),
        "female" => Some(Gender::Female),
        "" => entity.gender,
        _ => Some(Gender::Other),
    };
}

/// The first word of a labelled value, without trailing punctuation: `RUS0251. Financial …`
/// → `RUS0251`.
fn first_token(value: &str) -> &str {
    value
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_end_matches(['.', ',', ';'])
}

/// The references in the first sentence of a labelled value that pass `looks_like`
/// (`INU0082 and SYR0310. Listed under…` → INU0082, SYR0310); else its first word.
fn references(value: &str, looks_like: fn(&str) -> bool) -> Vec<&str> {
    let sentence = value.split(". ").next().unwrap_or("");
    let found: Vec<&str> = sentence
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .map(|w| w.trim_end_matches(['.', ')']).trim_start_matches('('))
        .filter(|w| looks_like(w))
        .collect();
    if found.is_empty() {
        vec![first_token(value)]
    } else {
        found
    }
}

/// `RUS0251`: capital letters, then digits.
fn is_uk_ref(word: &str) -> bool {
    let letters = word.bytes().take_while(u8::is_ascii_uppercase).count();
    (2..=4).contains(&letters)
        && word.len() > letters
        && word.bytes().skip(letters).all(|b| b.is_ascii_digit())
}

/// `QDi.198`, `KPe.007`: two capitals, i or e, a dot, digits.
fn is_un_ref(word: &str) -> bool {
    let b = word.as_bytes();
    b.len() > 4
        && b[..2].iter().all(u8::is_ascii_uppercase)
        && matches!(b[2], b'i' | b'e')
        && b[3] == b'.'
        && b[4..].iter().all(u8::is_ascii_digit)
}

/// Splits contact values: numbered items, then `. `, `; ` and `, ` (and spaces for e-mail
/// addresses and websites, which hold none).
fn contact_values(value: &str, split_spaces: bool) -> Vec<String> {
    let mut out = Vec::new();
    for item in split_numbered(value) {
        for piece in item.split([';', ',']).flat_map(|p| p.split(". ")) {
            let pieces: Vec<&str> = if split_spaces {
                piece.split_whitespace().collect()
            } else {
                vec![piece]
            };
            for p in pieces {
                let p = p.trim().trim_end_matches('.').trim();
                if !p.is_empty() {
                    out.push(p.to_string());
                }
            }
        }
    }
    out
}

/// The facts a UK list publishes with a label, either inside ConList's `Other Information`
/// (`(Gender):Male`) or as fields of their own (ConList.xml, the FCDO list). Labels are those
/// of ConList's Other Information.
pub(crate) const FACT_LABELS: [&str; 24] = [
    "UK Sanctions List Ref",
    "UN Ref",
    "UK Statement of Reasons",
    "Gender",
    "Phone number",
    "Fax",
    "Tel",
    "Email address",
    "Website",
    "Type of entity",
    "Parent company",
    "Subsidiaries",
    "Business Reg No",
    "IMO number",
    "Flag of ship",
    "Previous flags",
    "Type of ship",
    "Tonnage of ship",
    "Length of ship",
    "Year built",
    "Current owners",
    "Previous owners",
    "Hull identification number",
    "Designation source",
];

/// The labelled parts of a ConList `Other Information` cell: `(Label):value` up to the next
/// known label.
pub(crate) fn labelled_facts(text: &str) -> Vec<(&'static str, &str)> {
    let mut marks: Vec<(usize, usize, &'static str)> = Vec::new();
    for label in FACT_LABELS {
        let marker = format!("({label}):");
        let mut from = 0;
        while let Some(i) = text.get(from..).and_then(|rest| rest.find(&marker)) {
            let at = from + i;
            marks.push((at, at + marker.len(), label));
            from = at + marker.len();
        }
    }
    marks.sort();
    let mut out = Vec::new();
    for (i, &(_, value_start, label)) in marks.iter().enumerate() {
        let value_end = marks.get(i + 1).map_or(text.len(), |next| next.0);
        if let Some(value) = text.get(value_start..value_end) {
            out.push((label, value.trim()));
        }
    }
    out
}

/// Puts one labelled fact into the entity. `inside_remark`: the fact was read from a text that
/// is itself kept as a remark, so facts with no field of their own are not repeated.
pub(crate) fn apply_fact(entity: &mut Entity, label: &str, value: &str, inside_remark: bool) {
    let text = tidy(value.trim().trim_end_matches('.'));
    if text.is_empty() {
        return;
    }
    match label {
        "UK Sanctions List Ref" => {
            for reference in references(&text, is_uk_ref) {
                add_identifier(entity, IdKind::Other, UK_REF_LABEL, reference);
            }
        }
        "UN Ref" => {
            for reference in references(text.trim_start_matches("UN Ref"), is_un_ref) {
                add_identifier(entity, IdKind::Other, UN_REF_LABEL, reference);
            }
        }
        "Gender" => set_gender(entity, &text),
        "Phone number" | "Fax" | "Tel" => {
            for phone in contact_values(&text, false) {
                add_identifier(entity, IdKind::Phone, label, &phone);
            }
        }
        "Email address" => {
            for email in contact_values(&text, true) {
                add_identifier(entity, IdKind::Email, label, &email);
            }
        }
        "Website" => {
            for site in contact_values(&text, true) {
                add_identifier(entity, IdKind::Website, label, &site);
            }
        }
        "Business Reg No" => {
            for number in split_numbered(&text) {
                add_identifier(entity, IdKind::Registration, label, &number);
            }
        }
        "IMO number" => add_identifier(entity, IdKind::Imo, label, first_token(&text)),
        "Hull identification number" => {
            add_identifier(entity, IdKind::Other, label, &text);
        }
        "Flag of ship" => entity.craft.flag = Some(country_or_text(&text)),
        "Type of ship" => entity.craft.craft_type = Some(text),
        "Tonnage of ship" => entity.craft.tonnage = Some(text),
        "Current owners" => entity.craft.owner = Some(text),
        "Year built" => match uk_date(&text) {
            Some(date) => entity.craft.build_date = Some(date),
            None if !inside_remark => add_remark(entity, &format!("{label}: {text}")),
            None => {}
        },
        "Parent company" | "Subsidiaries" => {
            let relation = if label == "Parent company" {
                "Parent company"
            } else {
                "Subsidiary"
            };
            for target in split_numbered(&text) {
                push_unique(
                    &mut entity.links,
                    Link {
                        relation: relation.to_string(),
                        target_name: Some(target),
                        target_id: None,
                        record: None,
                    },
                );
            }
        }
        "UK Statement of Reasons" if !inside_remark => add_remark(entity, &text),
        _ if !inside_remark => add_remark(entity, &format!("{label}: {text}")),
        _ => {}
    }
}

/// Adds a designation: `listed_on` is the earlier of the two dates; the other one, when it
/// differs, is kept in the legal basis under its label.
pub(crate) fn add_designation(
    entity: &mut Entity,
    authority: &str,
    list: &str,
    regime: &str,
    dates: &[(&str, &str)],
) {
    let parsed: Vec<(&str, String, Option<PartialDate>)> = dates
        .iter()
        .map(|(label, text)| (*label, tidy(text), uk_date(text)))
        .filter(|(_, text, _)| !text.is_empty())
        .collect();
    let earliest = parsed.iter().filter_map(|(_, _, d)| *d).min();
    let mut legal_basis = Vec::new();
    for (label, text, date) in &parsed {
        if date.is_none() || (*date != earliest && parsed.len() > 1) {
            legal_basis.push(format!("{label}: {text}"));
        }
    }
    let regime = tidy(regime);
    let designation = Designation {
        authority: authority.to_string(),
        list: list.to_string(),
        programs: if regime.is_empty() {
            Vec::new()
        } else {
            vec![regime]
        },
        listed_on: earliest,
        ended_on: None,
        legal_basis,
        record: None,
    };
    push_unique(&mut entity.designations, designation);
}

/// Rows grouped into entities by a key, in first-seen order.
pub(crate) struct Groups {
    index: HashMap<String, usize>,
    pub entities: Vec<Entity>,
    /// The line of each group's first row.
    pub first_lines: Vec<u64>,
}

impl Groups {
    pub fn new() -> Self {
        Groups {
            index: HashMap::new(),
            entities: Vec::new(),
            first_lines: Vec::new(),
        }
    }

    /// The entity of a key, created by `create` when the key is new. Errors when the kind
    /// contradicts the group's earlier rows.
    pub fn entity(
        &mut self,
        key: &str,
        kind: EntityKind,
        line: u64,
        create: impl FnOnce() -> Entity,
    ) -> Result<&mut Entity, String> {
        let at = match self.index.get(key) {
            Some(&at) => at,
            None => {
                self.index.insert(key.to_string(), self.entities.len());
                self.entities.push(create());
                self.first_lines.push(line);
                self.entities.len() - 1
            }
        };
        let entity = self
            .entities
            .get_mut(at)
            .ok_or_else(|| format!("group {key}: lost"))?;
        if entity.kind != kind {
            return Err(format!(
                "group {key}: type {} contradicts {} on an earlier row",
                kind.as_str(),
                entity.kind.as_str()
            ));
        }
        Ok(entity)
    }
}

/// A cell value decoded as UTF-8, else as Windows-1252/Latin-1 (every byte maps to a char).
pub(crate) fn decode_cell(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| cp1252(b)).collect(),
    }
}

fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH
            .get(usize::from(b - 0x80))
            .copied()
            .unwrap_or('\u{fffd}'),
        _ => char::from(b),
    }
}

/// A table of text rows read from a CSV stream, with true line numbers and truncation
/// detection: a short last row is a cut file, not a bad row.
pub(crate) struct CsvRows<R: Read> {
    reader: csv::Reader<crate::csv_guard::CsvGuard<R>>,
    record: csv::ByteRecord,
    file: String,
}

/// One row of cells with the line it starts on.
pub(crate) struct CsvRow {
    pub line: u64,
    pub cells: Vec<String>,
    /// Whether this is the last row of the file.
    pub last: bool,
}

impl<R: Read> CsvRows<R> {
    pub fn new(file: &str, reader: R) -> Self {
        CsvRows {
            // Records end at `\n` only, so that record positions are true line numbers (with
            // the CRLF terminator the crate counts a record's line one short); the `\r` left at
            // the end of the last cell is trimmed with the cell.
            reader: csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .terminator(csv::Terminator::Any(b'\n'))
                // An input ending inside a quoted field fails the read: a cut file.
                .from_reader(crate::csv_guard::CsvGuard::new(reader, b',', true).0),
            record: csv::ByteRecord::new(),
            file: file.to_string(),
        }
    }

    fn read(&mut self) -> Result<Option<(u64, Vec<String>)>, ParseError> {
        loop {
            match self.reader.read_byte_record(&mut self.record) {
                Ok(false) => return Ok(None),
                Ok(true) => {}
                Err(e) => {
                    let line = e.position().map_or(0, csv::Position::line);
                    return Err(match e.into_kind() {
                        csv::ErrorKind::Io(io) => ParseError::io(&self.file, io),
                        other => ParseError::Row(RowError {
                            file: self.file.clone(),
                            line,
                            reason: format!("malformed CSV: {other:?}"),
                        }),
                    });
                }
            }
            let line = self.record.position().map_or(0, csv::Position::line);
            let mut cells: Vec<String> = self.record.iter().map(decode_cell).collect();
            if let Some(first) = cells.first_mut()
                && let Some(stripped) = first.strip_prefix('\u{feff}')
            {
                *first = stripped.to_string();
            }
            if let Some(last) = cells.last_mut()
                && last.ends_with('\r')
            {
                last.pop();
            }
            // Blank lines (a trailing newline, Ctrl-Z) are not rows.
            if cells.iter().all(|c| c.trim().is_empty() || c == "\u{1a}") {
                continue;
            }
            return Ok(Some((line, cells)));
        }
    }

    /// Reads every row, handing each to `each` with a flag for the last one.
    pub fn for_each(
        mut self,
        mut each: impl FnMut(CsvRow) -> Result<(), ParseError>,
    ) -> Result<(), ParseError> {
        let mut current = self.read()?;
        while let Some((line, cells)) = current {
            let next = self.read()?;
            each(CsvRow {
                line,
                cells,
                last: next.is_none(),
            })?;
            current = next;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// ConList rows.
// ---------------------------------------------------------------------------------------

/// One ConList name row, whatever the file format.
#[derive(Debug, Default)]
struct ConRow {
    line: u64,
    group_id: String,
    group_type: String,
    alias_type: String,
    alias_quality: String,
    /// Name 1..Name 5, Name 6.
    names: [String; 6],
    title: String,
    non_latin: String,
    non_latin_type: String,
    non_latin_lang: String,
    dob: String,
    town_of_birth: String,
    country_of_birth: String,
    nationality: String,
    passport_number: String,
    passport_details: String,
    ni_number: String,
    ni_details: String,
    position: String,
    address: [String; 6],
    post_code: String,
    country: String,
    other_information: String,
    regime: String,
    listed_on: String,
    designated_on: String,
    last_updated: String,
    /// Facts published in fields of their own (ConList.xml), with their Other Information label.
    facts: Vec<(&'static str, String)>,
}

fn con_row_from_cells(index: &HashMap<String, usize>, line: u64, cells: &[String]) -> ConRow {
    let get = |column: &str| -> String {
        index
            .get(column)
            .and_then(|&i| cells.get(i))
            .map(|c| c.trim().to_string())
            .unwrap_or_default()
    };
    ConRow {
        line,
        group_id: get("Group ID"),
        group_type: get("Group Type"),
        alias_type: get("Alias Type"),
        alias_quality: get("Alias Quality"),
        names: [
            get("Name 1"),
            get("Name 2"),
            get("Name 3"),
            get("Name 4"),
            get("Name 5"),
            get("Name 6"),
        ],
        title: get("Title"),
        non_latin: get("Name Non-Latin Script"),
        non_latin_type: get("Non-Latin Script Type"),
        non_latin_lang: get("Non-Latin Script Language"),
        dob: get("DOB"),
        town_of_birth: get("Town of Birth"),
        country_of_birth: get("Country of Birth"),
        nationality: get("Nationality"),
        passport_number: get("Passport Number"),
        passport_details: get("Passport Details"),
        ni_number: get("National Identification Number"),
        ni_details: get("National Identification Details"),
        position: get("Position"),
        address: [
            get("Address 1"),
            get("Address 2"),
            get("Address 3"),
            get("Address 4"),
            get("Address 5"),
            get("Address 6"),
        ],
        post_code: get("Post/Zip Code"),
        country: get("Country"),
        other_information: get("Other Information"),
        regime: get("Regime"),
        listed_on: get("Listed On"),
        designated_on: get("UK Sanctions List Date Designated"),
        last_updated: get("Last Updated"),
        facts: Vec::new(),
    }
}

/// Adds one row to its group; the error is why the row is bad.
fn add_con_row(source: &str, groups: &mut Groups, row: &ConRow) -> Result<(), String> {
    let key = row.group_id.as_str();
    if key.is_empty() {
        return Err("missing Group ID".to_string());
    }
    let kind = entity_kind(&row.group_type)
        .ok_or_else(|| format!("group {key}: unknown Group Type {:?}", row.group_type))?;
    let name_kind = name_kind(&row.alias_type, &row.alias_quality)
        .ok_or_else(|| format!("group {key}: unknown Alias Type {:?}", row.alias_type))?;
    if row.names.iter().all(|n| n.trim().is_empty()) && row.non_latin.trim().is_empty() {
        return Err(format!("group {key}: row without a name"));
    }
    let entity = groups.entity(key, kind, row.line, || {
        let mut e = Entity::new(source, key, kind);
        add_identifier(&mut e, IdKind::Other, OFSI_GROUP_LABEL, key);
        e
    })?;
    let parts: [&str; 6] = [
        &row.names[0],
        &row.names[1],
        &row.names[2],
        &row.names[3],
        &row.names[4],
        &row.names[5],
    ];
    add_latin_name(entity, &parts, name_kind);
    add_titles(entity, &row.title);
    add_original_script_name(
        entity,
        &row.non_latin,
        &row.non_latin_type,
        &row.non_latin_lang,
    );
    add_birth_dates(entity, &row.dob, "DOB");
    add_birth_places(entity, &row.town_of_birth, &row.country_of_birth);
    add_nationalities(entity, &row.nationality);
    add_documents(
        entity,
        IdKind::Passport,
        &row.passport_number,
        &row.passport_details,
    );
    add_documents(entity, IdKind::NationalId, &row.ni_number, &row.ni_details);
    add_positions(entity, &row.position);
    let lines: [&str; 6] = [
        &row.address[0],
        &row.address[1],
        &row.address[2],
        &row.address[3],
        &row.address[4],
        &row.address[5],
    ];
    add_address(entity, &lines, &row.post_code, &row.country);
    add_remark(entity, &row.other_information);
    for (label, value) in labelled_facts(&row.other_information) {
        apply_fact(entity, label, value, true);
    }
    for (label, value) in &row.facts {
        apply_fact(entity, label, value, false);
    }
    add_designation(
        entity,
        AUTHORITY,
        LIST,
        &row.regime,
        &[
            ("Listed On", &row.listed_on),
            ("UK Sanctions List Date Designated", &row.designated_on),
        ],
    );
    if !row.last_updated.is_empty() {
        add_remark(entity, &format!("Last Updated: {}", row.last_updated));
    }
    Ok(())
}

/// Reads the table rows of the CSV or XLSX: the optional `Last Updated` row, the header, then
/// name rows. `rows` yields (line, cells, is_last_row).
struct TableReader<'s> {
    source: &'s str,
    file: String,
    header: Option<(HashMap<String, usize>, usize)>,
    groups: Groups,
    parsed: Parsed,
}

impl<'s> TableReader<'s> {
    fn new(source: &'s str, file: &str) -> Self {
        TableReader {
            source,
            file: file.to_string(),
            header: None,
            groups: Groups::new(),
            parsed: Parsed::default(),
        }
    }

    fn row_error(&self, line: u64, reason: impl Into<String>) -> RowError {
        RowError {
            file: self.file.clone(),
            line,
            reason: reason.into(),
        }
    }

    /// The `Last Updated` row or the header, before any name row.
    fn head_row(
        &mut self,
        opts: &ParseOptions,
        line: u64,
        cells: &[String],
    ) -> Result<(), ParseError> {
        let first = cells.first().map(|c| c.trim()).unwrap_or("");
        if first.eq_ignore_ascii_case("Last Updated") && !cells.iter().any(|c| c == "Group ID") {
            let text = cells.get(1).map(|c| c.trim()).unwrap_or("");
            match uk_date(text) {
                Some(date) => self.parsed.published = Some(date),
                None => {
                    let row =
                        self.row_error(line, format!("unreadable Last Updated date {text:?}"));
                    self.parsed.reject_row(opts, row)?;
                }
            }
            return Ok(());
        }
        let index: HashMap<String, usize> = cells
            .iter()
            .enumerate()
            .map(|(i, h)| (tidy(h), i))
            .collect();
        for required in ["Group ID", "Group Type", "Alias Type", "Name 6"] {
            if !index.contains_key(required) {
                return Err(ParseError::format(
                    &self.file,
                    format!("not a ConList file: the header has no {required:?} column"),
                ));
            }
        }
        self.header = Some((index, cells.len()));
        Ok(())
    }

    /// `check_width`: whether a row must have as many cells as the header (CSV).
    fn row(
        &mut self,
        opts: &ParseOptions,
        line: u64,
        cells: &[String],
        last: bool,
        check_width: bool,
    ) -> Result<(), ParseError> {
        let Some((index, width)) = &self.header else {
            return self.head_row(opts, line, cells);
        };
        let width = *width;
        let result = if check_width && cells.len() != width {
            let reason = format!("expected {width} cells, found {}", cells.len());
            if last && cells.len() < width {
                return Err(ParseError::format(
                    &self.file,
                    format!("truncated file: the last row (line {line}) is cut short: {reason}"),
                ));
            }
            Err(reason)
        } else {
            let row = con_row_from_cells(index, line, cells);
            add_con_row(self.source, &mut self.groups, &row)
        };
        match result {
            Ok(()) => Ok(()),
            Err(reason) => {
                let row = self.row_error(line, reason);
                self.parsed.reject_row(opts, row)
            }
        }
    }

    fn finish(mut self) -> Result<Parsed, ParseError> {
        if self.header.is_none() {
            return Err(ParseError::format(
                &self.file,
                "not a ConList file: no header row",
            ));
        }
        self.parsed.entities = self.groups.entities;
        Ok(self.parsed)
    }
}

/// Reads `ConList.csv`.
pub fn parse_csv(
    source: &str,
    input: Input<'_>,
    opts: &ParseOptions,
) -> Result<Parsed, ParseError> {
    let mut table = TableReader::new(source, &input.name);
    let rows = CsvRows::new(&input.name, input.reader);
    rows.for_each(|row| table.row(opts, row.line, &row.cells, row.last, true))?;
    table.finish()
}

/// A spreadsheet cell as text (the published sheets hold text only; numbers and dates are
/// written as ConList.csv writes them).
fn cell_text(cell: &calamine::Data) -> String {
    use calamine::Data;
    match cell {
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{d:02}/{m:02}/{y:04}")
        }
        Data::Error(_) | Data::Empty => String::new(),
    }
}

/// Reads `ConList.xlsx` (its first sheet), through the bounded reader of [`crate::xlsx`].
pub fn parse_xlsx(
    source: &str,
    input: Input<'_>,
    opts: &ParseOptions,
) -> Result<Parsed, ParseError> {
    let file = input.name.clone();
    let fail = |e: crate::xlsx::XlsxError| ParseError::format(&file, e.to_string());
    let mut workbook = crate::xlsx::Workbook::open(input.reader, &opts.limits).map_err(fail)?;
    let Some(sheet) = workbook.sheet_names().into_iter().next() else {
        return Err(ParseError::format(&file, "the workbook has no sheet"));
    };
    let mut table = TableReader::new(source, &file);
    workbook
        .for_each_row(&sheet, |row| -> Result<(), SheetFailure> {
            let cells: Vec<String> = row.cells.iter().map(cell_text).collect();
            if cells.iter().all(|c| c.trim().is_empty()) {
                return Ok(());
            }
            table
                .row(opts, row.line, &cells, false, false)
                .map_err(SheetFailure::Parse)
        })
        .map_err(|e| match e {
            SheetFailure::Parse(e) => e,
            SheetFailure::Sheet(e) => fail(e),
        })?;
    table.finish()
}

/// A sheet that could not be read, or a row the table refused.
pub(crate) enum SheetFailure {
    Sheet(crate::xlsx::XlsxError),
    Parse(ParseError),
}

impl From<crate::xlsx::XlsxError> for SheetFailure {
    fn from(e: crate::xlsx::XlsxError) -> Self {
        SheetFailure::Sheet(e)
    }
}

/// ConList.xml element names → the ConList CSV columns they stand for.
const XML_FIELDS: [(&str, &str); 36] = [
    ("Name6", "Name 6"),
    ("name1", "Name 1"),
    ("name2", "Name 2"),
    ("name3", "Name 3"),
    ("name4", "Name 4"),
    ("name5", "Name 5"),
    ("Title", "Title"),
    ("NameNonLatinScript", "Name Non-Latin Script"),
    ("NonLatinScriptType", "Non-Latin Script Type"),
    ("NonLatinScriptLanguage", "Non-Latin Script Language"),
    ("Individual_DateOfBirth", "DOB"),
    ("Individual_TownOfBirth", "Town of Birth"),
    ("Individual_CountryOfBirth", "Country of Birth"),
    ("Individual_Nationality", "Nationality"),
    ("Individual_PassportNumber", "Passport Number"),
    ("Individual_PassportDetails", "Passport Details"),
    ("Individual_NINumber", "National Identification Number"),
    ("Individual_NIDetails", "National Identification Details"),
    ("Individual_Position", "Position"),
    ("Address1", "Address 1"),
    ("Address2", "Address 2"),
    ("Address3", "Address 3"),
    ("Address4", "Address 4"),
    ("Address5", "Address 5"),
    ("Address6", "Address 6"),
    ("PostCode", "Post/Zip Code"),
    ("Country", "Country"),
    ("OtherInformation", "Other Information"),
    ("GroupTypeDescription", "Group Type"),
    ("AliasType", "Alias Type"),
    ("AliasQuality", "Alias Quality"),
    ("RegimeName", "Regime"),
    ("DateListed", "Listed On"),
    ("DateDesignated", "UK Sanctions List Date Designated"),
    ("LastUpdated", "Last Updated"),
    ("GroupID", "Group ID"),
];

/// ConList.xml elements that hold a labelled fact of their own.
const XML_FACTS: [(&str, &str); 19] = [
    ("UKSanctionsListRef", "UK Sanctions List Ref"),
    ("UNRef", "UN Ref"),
    ("UKStatementOfReasons", "UK Statement of Reasons"),
    ("Individual_Gender", "Gender"),
    ("PhoneNumber", "Phone number"),
    ("EmailAddress", "Email address"),
    ("Website", "Website"),
    ("Entity_Type", "Type of entity"),
    ("Entity_BusinessRegNumber", "Business Reg No"),
    ("Entity_ParentCompany", "Parent company"),
    ("Entity_Subsidiaries", "Subsidiaries"),
    ("Ship_IMONumber", "IMO number"),
    ("Ship_Flag", "Flag of ship"),
    ("Ship_PreviousFlags", "Previous flags"),
    ("Ship_Type", "Type of ship"),
    ("Ship_Tonnage", "Tonnage of ship"),
    ("Ship_Length", "Length of ship"),
    ("Ship_YearBuilt", "Year built"),
    ("Ship_CurrentOwners", "Current owners"),
];

fn con_row_from_xml(node: &Node) -> ConRow {
    // Element names are matched ignoring case: `name1` and `Name6` sit side by side.
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut cells: Vec<String> = Vec::new();
    let mut facts = Vec::new();
    for child in &node.children {
        let text = child.text().unwrap_or("").to_string();
        if let Some((_, column)) = XML_FIELDS
            .iter()
            .find(|(element, _)| element.eq_ignore_ascii_case(&child.name))
        {
            index.insert(column.to_string(), cells.len());
            cells.push(text);
        } else if let Some((_, label)) = XML_FACTS
            .iter()
            .find(|(element, _)| element.eq_ignore_ascii_case(&child.name))
            && !text.trim().is_empty()
        {
            facts.push((*label, text));
        }
    }
    let mut row = con_row_from_cells(&index, node.line, &cells);
    row.facts = facts;
    row
}

/// Reads `ConList.xml`. Not yet tested on a full real file (see the module doc).
pub fn parse_xml(
    source: &str,
    input: Input<'_>,
    opts: &ParseOptions,
) -> Result<Parsed, ParseError> {
    let mut xml = XmlStream::new(input, &opts.limits);
    expect_root(
        &mut xml,
        "ArrayOfFinancialSanctionsTarget",
        "a ConList XML file",
    )?;
    let mut parsed = Parsed::default();
    let mut groups = Groups::new();
    while let Some(start) = xml.next_start()? {
        if start.depth != 1 {
            continue;
        }
        match start.name.as_str() {
            "FinancialSanctionsTarget" => {
                let node = xml.read_node(start)?;
                let row = con_row_from_xml(&node);
                if let Err(reason) = add_con_row(source, &mut groups, &row) {
                    parsed.reject_row(opts, xml.row_error(row.line, reason))?;
                }
            }
            "DateGenerated" => {
                let node = xml.read_node(start)?;
                parsed.published = node.text().and_then(uk_date);
            }
            _ => {}
        }
    }
    parsed.entities = groups.entities;
    Ok(parsed)
}

fn head_text(head: &[u8]) -> String {
    String::from_utf8_lossy(head).into_owned()
}

/// Whether a file's first bytes look like ConList.csv: the `Last Updated` line or the header
/// with `Group Type`, `Alias Type` and `Group ID`.
pub fn sniff_csv(head: &[u8], _file_name: &str) -> bool {
    let text = head_text(head);
    let text = text.trim_start_matches('\u{feff}');
    !text.trim_start().starts_with('<')
        && text.contains("Name 6")
        && text.contains("Group Type")
        && text.contains("Alias Type")
        && !text.contains("Unique ID")
}

/// Whether a file looks like ConList.xlsx: a zip archive (`PK`) whose name says ConList.
/// The sheet itself cannot be seen in the first bytes of the archive.
pub fn sniff_xlsx(head: &[u8], file_name: &str) -> bool {
    let name = file_name.to_ascii_lowercase();
    head.starts_with(b"PK\x03\x04") && name.ends_with(".xlsx") && name.contains("conlist")
}

/// Whether a file looks like ConList.xml: root `ArrayOfFinancialSanctionsTarget`.
pub fn sniff_xml(head: &[u8], _file_name: &str) -> bool {
    head_text(head).contains("<ArrayOfFinancialSanctionsTarget")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_cells_split() {
        assert_eq!(
            split_numbered("(1) Tunis (2) - (3) Sousse"),
            vec!["Tunis", "Sousse"]
        );
        assert_eq!(split_numbered("Moscow"), vec!["Moscow"]);
        assert_eq!(split_numbered(""), Vec::<String>::new());
        assert_eq!(
            split_numbered("(1) Germany. (2) Morocco"),
            vec!["Germany.", "Morocco"]
        );
        assert_eq!(numbered_items("(1) Tunis (2) -"), vec!["Tunis", ""]);
        assert_eq!(
            references("INU0082 and SYR0310. Listed under RUS0001.", is_uk_ref),
            vec!["INU0082", "SYR0310"]
        );
        assert_eq!(references("KPe.007. The GBAE", is_un_ref), vec!["KPe.007"]);
    }

    #[test]
    fn uk_dates() {
        let d = |s: &str| uk_date_spec(s).map(|d| d.to_string());
        assert_eq!(d("07/10/1952").as_deref(), Some("1952-10-07"));
        assert_eq!(d("00/00/1954").as_deref(), Some("1954"));
        assert_eq!(d("00/05/1954").as_deref(), Some("1954-05"));
        assert_eq!(d("05/1954").as_deref(), Some("1954-05"));
        assert_eq!(d("dd/mm/1958").as_deref(), Some("1958"));
        assert_eq!(d("1960").as_deref(), Some("1960"));
        assert_eq!(d("2022-12-09T00:00:00").as_deref(), Some("2022-12-09"));
        assert_eq!(d("13-Feb-2026").as_deref(), Some("2026-02-13"));
        assert_eq!(d("31/02/1960"), None);
    }

    #[test]
    fn other_information_labels() {
        let facts = labelled_facts(
            "(UK Sanctions List Ref):RUS0251. Financial sanctions imposed. (Gender):Male (Phone number):(Fax): +375 1",
        );
        assert_eq!(
            facts,
            vec![
                (
                    "UK Sanctions List Ref",
                    "RUS0251. Financial sanctions imposed."
                ),
                ("Gender", "Male"),
                ("Phone number", ""),
                ("Fax", "+375 1"),
            ]
        );
    }
}
