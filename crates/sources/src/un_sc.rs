//! UN Security Council Consolidated List (`consolidated.xml`):
//! `CONSOLIDATED_LIST dateGenerated=…` then `INDIVIDUALS/INDIVIDUAL*` and `ENTITIES/ENTITY*`.
//!
//! Read as a stream, one record at a time. Mapping:
//! - `DATAID` → `source_id`; individuals are persons, entities organizations.
//! - `FIRST_NAME`…`FOURTH_NAME` are name parts in published order, not given/family: they
//!   become [`NamePartKind::Other`] parts (an entity's `FIRST_NAME` a [`NamePartKind::Whole`]
//!   part) and the primary name is the parts joined in that order.
//! - `NAME_ORIGINAL_SCRIPT` → an [`NameKind::OriginalScript`] name; aliases by `QUALITY`:
//!   `Low` → weak alias, `f.k.a.` → former name, `Good`, `a.k.a.` or empty → alias.
//! - `UN_LIST_TYPE` → the designation's program; `LISTED_ON` → `listed_on`;
//!   `REFERENCE_NUMBER` (QDi.123) → identifier "UN reference number".
//! - `TITLE`, `DESIGNATION` (positions), `NATIONALITY` (country names → ISO codes; a name
//!   that does not resolve is kept as a remark), `COMMENTS1` → remarks, addresses, dates and
//!   places of birth, documents (`TYPE_OF_DOCUMENT` → passport / national id / other).
//! - Dates of birth: `TYPE_OF_DATE` EXACT / APPROXIMATELY / BETWEEN with `DATE`, `YEAR` or
//!   `FROM_YEAR`/`TO_YEAR`. A date given only in `NOTE` ("Nov. 1973") is read when it parses,
//!   else kept as a remark; a note beside a date is kept as a remark.
//!
//! Dates may carry a time-zone suffix (`1965-01-01-05:00`); the day is what counts.
//! A record without `DATAID` or a name, or with an unreadable `LISTED_ON`, is a bad record.

use crate::ofac_xml_util::{Node, XmlStream, clean, country_code};
use crate::{Input, ParseError, ParseOptions, Parsed};
use sanctum_model::date::{parse_date_text, parse_single_date};
use sanctum_model::{
    Address, DateSpec, DateValue, Designation, Entity, EntityKind, Gender, IdKind, Identifier,
    Name, NameKind, NamePart, NamePartKind, PartialDate, Text,
};

pub const AUTHORITY: &str = "UN SC";
pub const LIST: &str = "UN Security Council Consolidated List";
/// The identifier label for UN reference numbers, shared by every list that cites them.
pub const UN_REFERENCE_LABEL: &str = "UN reference number";

/// Whether the first bytes of a file look like the UN consolidated list.
pub fn sniff(head: &[u8], _file_name: &str) -> bool {
    String::from_utf8_lossy(head).contains("<CONSOLIDATED_LIST")
}

/// Reads a UN consolidated list publication.
pub fn parse(source: &str, input: Input<'_>, opts: &ParseOptions) -> Result<Parsed, ParseError> {
    let mut xml = XmlStream::new(input, &opts.limits);
    let root = expect_root_start(&mut xml)?;
    let mut parsed = Parsed::default();
    if let Some(generated) = root.attr("dateGenerated") {
        match iso_date(generated) {
            Some(date) => parsed.published = Some(date),
            None => {
                let row = xml.row_error(root.line, format!("bad dateGenerated {generated:?}"));
                parsed.reject_row(opts, row)?;
            }
        }
    }
    while let Some(start) = xml.next_start()? {
        let kind = match (start.depth, start.name.as_str()) {
            (2, "INDIVIDUAL") => EntityKind::Person,
            (2, "ENTITY") => EntityKind::Organization,
            _ => continue,
        };
        let node = xml.read_node(start)?;
        match record(source, kind, &node) {
            Ok(entity) => parsed.entities.push(entity),
            Err(reason) => parsed.reject_row(opts, xml.row_error(node.line, reason))?,
        }
    }
    Ok(parsed)
}

/// The root element, checked, with its attributes.
fn expect_root_start(xml: &mut XmlStream<'_>) -> Result<Root, ParseError> {
    root_start(xml, "CONSOLIDATED_LIST", "a UN consolidated list")
}

/// A document's root element: its attributes and line.
pub(crate) struct Root {
    attrs: Vec<(String, String)>,
    pub line: u64,
}

impl Root {
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }
}

/// Reads the document's root element and checks its name.
pub(crate) fn root_start(
    xml: &mut XmlStream<'_>,
    root: &str,
    format: &str,
) -> Result<Root, ParseError> {
    match xml.next_start()? {
        Some(start) if start.name == root => Ok(Root {
            attrs: start.attrs,
            line: start.line,
        }),
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

/// A date given as `yyyy-mm-dd`, possibly followed by a time or a time-zone offset, or in
/// any form [`parse_single_date`] reads.
pub(crate) fn iso_date(text: &str) -> Option<PartialDate> {
    let t = text.trim();
    let head = t.get(..10).filter(|h| {
        h.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        })
    });
    match head {
        Some(day) => parse_single_date(day).ok(),
        None => parse_single_date(t).ok(),
    }
}

/// The ISO 15924 code of the first non-Latin letter's script, `None` for Latin text.
pub(crate) fn script_of(text: &str) -> Option<&'static str> {
    text.chars().find_map(|c| {
        let script = match c as u32 {
            0x0370..=0x03FF => "Grek",
            0x0400..=0x052F => "Cyrl",
            0x0530..=0x058F => "Armn",
            0x0590..=0x05FF => "Hebr",
            0x0600..=0x06FF | 0x0750..=0x077F | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => "Arab",
            0x0900..=0x097F => "Deva",
            0x0E00..=0x0E7F => "Thai",
            0x10A0..=0x10FF => "Geor",
            0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF => "Hang",
            0x3040..=0x30FF => "Jpan",
            0x3400..=0x4DBF | 0x4E00..=0x9FFF => "Hani",
            _ => return None,
        };
        Some(script)
    })
}

fn text_of(node: &Node, name: &str) -> Option<String> {
    node.child_text(name).map(clean).filter(|t| !t.is_empty())
}

/// The texts of `name/VALUE*`.
fn values(node: &Node, name: &str) -> Vec<String> {
    node.children_named(name)
        .flat_map(|l| l.children_named("VALUE"))
        .filter_map(|v| v.text().map(clean))
        .filter(|v| !v.is_empty())
        .collect()
}

fn record(source: &str, kind: EntityKind, node: &Node) -> Result<Entity, String> {
    let data_id = text_of(node, "DATAID").ok_or("record without a DATAID")?;
    let mut entity = Entity::new(source, data_id.as_str(), kind);

    let part_kind = if kind == EntityKind::Person {
        NamePartKind::Other
    } else {
        NamePartKind::Whole
    };
    let parts: Vec<NamePart> = ["FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"]
        .iter()
        .filter_map(|n| text_of(node, n))
        .map(|value| NamePart {
            kind: part_kind,
            value,
        })
        .collect();
    if parts.is_empty() {
        return Err(format!("DATAID {data_id}: no FIRST_NAME"));
    }
    let full = parts
        .iter()
        .map(|p| p.value.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let mut primary = Name::new(full, NameKind::Primary);
    primary.parts = parts;
    entity.push_name(primary);

    if let Some(original) = text_of(node, "NAME_ORIGINAL_SCRIPT") {
        let mut name = Name::new(original.as_str(), NameKind::OriginalScript);
        name.script = script_of(&original).map(str::to_string);
        entity.push_name(name);
    }

    for alias in node
        .children
        .iter()
        .filter(|c| c.name == "INDIVIDUAL_ALIAS" || c.name == "ENTITY_ALIAS")
    {
        let Some(full) = text_of(alias, "ALIAS_NAME") else {
            continue;
        };
        let quality = alias.child_text("QUALITY").unwrap_or("");
        let name_kind = match quality.to_ascii_lowercase().as_str() {
            "low" => NameKind::WeakAlias,
            "f.k.a." => NameKind::Former,
            _ => NameKind::Alias,
        };
        let mut name = Name::new(full.as_str(), name_kind);
        name.script = script_of(&full).map(str::to_string);
        entity.push_name(name);
        if let Some(note) = text_of(alias, "NOTE") {
            entity
                .remarks
                .push(Text::new(format!("Alias {full}: {note}")));
        }
    }

    let reference = text_of(node, "REFERENCE_NUMBER");
    if let Some(reference) = &reference {
        let mut id = Identifier::new(IdKind::Other, reference.as_str());
        id.label = Some(UN_REFERENCE_LABEL.to_string());
        entity.identifiers.push(id);
    }

    let listed_on = match text_of(node, "LISTED_ON") {
        Some(text) => Some(
            iso_date(&text).ok_or_else(|| format!("DATAID {data_id}: bad LISTED_ON {text:?}"))?,
        ),
        None => None,
    };
    entity.gender = text_of(node, "GENDER").and_then(|g| match g.to_ascii_lowercase().as_str() {
        "male" => Some(Gender::Male),
        "female" => Some(Gender::Female),
        _ => None,
    });
    if let Some(comments) = text_of(node, "COMMENTS1") {
        entity.remarks.push(Text::new(comments));
    }
    entity
        .titles
        .extend(values(node, "TITLE").into_iter().map(Text::new));
    entity
        .positions
        .extend(values(node, "DESIGNATION").into_iter().map(Text::new));
    for nationality in values(node, "NATIONALITY") {
        match country_code(&nationality) {
            Some(code) => Entity::push_country(&mut entity.nationalities, code, None),
            None => entity
                .remarks
                .push(Text::new(format!("Nationality: {nationality}"))),
        }
    }
    for submitted in ["SUBMITTED_BY", "SUBMITTED_ON"] {
        if let Some(value) = text_of(node, submitted) {
            let label = if submitted == "SUBMITTED_BY" {
                "Submitted by"
            } else {
                "Submitted on"
            };
            entity.remarks.push(Text::new(format!("{label}: {value}")));
        }
    }

    for child in &node.children {
        match child.name.as_str() {
            "INDIVIDUAL_ADDRESS" | "ENTITY_ADDRESS" => {
                if let Some(address) = address(child) {
                    entity.addresses.push(address);
                }
            }
            "INDIVIDUAL_DATE_OF_BIRTH" => birth_date(&mut entity, child),
            "INDIVIDUAL_PLACE_OF_BIRTH" => {
                if let Some(place) = birth_place(child) {
                    entity.birth_places.push(Text::new(place));
                }
            }
            "INDIVIDUAL_DOCUMENT" => document(&mut entity, child),
            _ => {}
        }
    }

    entity.designations.push(Designation {
        authority: AUTHORITY.to_string(),
        list: LIST.to_string(),
        programs: text_of(node, "UN_LIST_TYPE").into_iter().collect(),
        listed_on,
        ended_on: None,
        legal_basis: Vec::new(),
        record: reference,
    });
    Ok(entity)
}

fn address(node: &Node) -> Option<Address> {
    let address = Address {
        lines: text_of(node, "STREET").into_iter().collect(),
        city: text_of(node, "CITY"),
        region: text_of(node, "STATE_PROVINCE"),
        postal_code: text_of(node, "ZIP_CODE"),
        country: text_of(node, "COUNTRY").map(|c| country_code(&c).unwrap_or(c)),
        remarks: text_of(node, "NOTE"),
        record: None,
    };
    (address != Address::default()).then_some(address)
}

/// "Street, City, Province, Country (note)".
fn birth_place(node: &Node) -> Option<String> {
    let place = ["STREET", "CITY", "STATE_PROVINCE", "COUNTRY"]
        .iter()
        .filter_map(|n| text_of(node, n))
        .collect::<Vec<_>>()
        .join(", ");
    match (place.is_empty(), text_of(node, "NOTE")) {
        (true, None) => None,
        (true, Some(note)) => Some(note),
        (false, Some(note)) => Some(format!("{place} ({note})")),
        (false, None) => Some(place),
    }
}

fn year(text: &str) -> Option<PartialDate> {
    let year: u16 = text.trim().parse().ok()?;
    PartialDate::new(year, None, None).ok()
}

fn birth_date(entity: &mut Entity, node: &Node) {
    let type_of_date = text_of(node, "TYPE_OF_DATE")
        .unwrap_or_default()
        .to_ascii_uppercase();
    let note = text_of(node, "NOTE");
    let single = text_of(node, "DATE")
        .map(|t| (iso_date(&t), t))
        .or_else(|| text_of(node, "YEAR").map(|t| (year(&t), t)));
    let range = match (text_of(node, "FROM_YEAR"), text_of(node, "TO_YEAR")) {
        (Some(from), Some(to)) => Some((year(&from), year(&to), format!("{from} to {to}"))),
        (Some(one), None) | (None, Some(one)) => Some((year(&one), None, one)),
        (None, None) => None,
    };
    let spec = match (single, range) {
        (Some((Some(date), _)), _) if type_of_date == "APPROXIMATELY" => Ok(DateSpec::Circa(date)),
        (Some((Some(date), _)), _) => Ok(DateSpec::Exact(date)),
        (Some((None, raw)), _) => Err(Some(raw)),
        (None, Some((Some(from), Some(to), _))) => Ok(DateSpec::Range(from, to)),
        (None, Some((Some(one), None, _))) => Ok(DateSpec::Exact(one)),
        (None, Some((_, _, raw))) => Err(Some(raw)),
        (None, None) => match note
            .as_deref()
            .map(|n| parse_date_text(&n.replace('.', "")))
        {
            Some(Ok(spec)) if type_of_date == "APPROXIMATELY" => Ok(match spec {
                DateSpec::Exact(d) => DateSpec::Circa(d),
                other => other,
            }),
            Some(Ok(spec)) => {
                entity.birth_dates.push(DateValue {
                    date: spec,
                    record: None,
                });
                return;
            }
            _ => Err(None),
        },
    };
    match (spec, note) {
        (Ok(date), note) => {
            if let Some(note) = note {
                entity
                    .remarks
                    .push(Text::new(format!("Date of birth {date}: {note}")));
            }
            entity.birth_dates.push(DateValue { date, record: None });
        }
        (Err(raw), note) => {
            let value = [raw, note]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            if !value.is_empty() {
                entity
                    .remarks
                    .push(Text::new(format!("Date of birth: {value}")));
            }
        }
    }
}

/// What a UN document label denotes.
fn document_kind(label: &str) -> IdKind {
    let lower = label.to_lowercase();
    if ["passport", "pasaporte", "passeport"]
        .iter()
        .any(|w| lower.contains(w))
    {
        return IdKind::Passport;
    }
    if lower.contains("social security") || lower.contains("fiscal code") {
        return IdKind::TaxId;
    }
    match crate::ofac_common::id_kind_for_label(label) {
        Some(IdKind::NationalId) => IdKind::NationalId,
        _ if lower.contains("identification")
            || lower.contains("identity")
            || lower.contains("national number") =>
        {
            IdKind::NationalId
        }
        Some(kind) => kind,
        None => IdKind::Other,
    }
}

fn document(entity: &mut Entity, node: &Node) {
    let main_type = text_of(node, "TYPE_OF_DOCUMENT");
    let sub_type = text_of(node, "TYPE_OF_DOCUMENT2");
    let Some(label) = main_type.clone().or_else(|| sub_type.clone()) else {
        return;
    };
    let note = text_of(node, "NOTE");
    let Some(number) = text_of(node, "NUMBER") else {
        // A document described only in words ("Passport: issued under a false name").
        let detail = [sub_type, note].into_iter().flatten().collect::<Vec<_>>();
        if !detail.is_empty() {
            entity
                .remarks
                .push(Text::new(format!("{label}: {}", detail.join("; "))));
        }
        return;
    };
    let mut kind = document_kind(&label);
    if kind == IdKind::Other
        && let Some(sub) = &sub_type
    {
        kind = document_kind(sub);
    }
    let mut id = Identifier::new(kind, number);
    id.label = Some(label);
    id.country = text_of(node, "ISSUING_COUNTRY")
        .or_else(|| text_of(node, "COUNTRY_OF_ISSUE"))
        .map(|c| country_code(&c).unwrap_or(c));
    let mut notes: Vec<String> = sub_type.into_iter().collect();
    if let Some(issued) = text_of(node, "DATE_OF_ISSUE") {
        match iso_date(&issued) {
            Some(d) => id.issued = Some(d),
            None => notes.push(format!("issued {issued}")),
        }
    }
    if let Some(city) = text_of(node, "CITY_OF_ISSUE") {
        notes.push(format!("issued in {city}"));
    }
    notes.extend(note);
    if !notes.is_empty() {
        id.note = Some(notes.join("; "));
    }
    entity.identifiers.push(id);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_with_time_or_zone_keep_the_day() {
        let d = |s: &str| iso_date(s).map(|d| d.to_string());
        assert_eq!(d("2024-09-26T00:00:07.514Z").as_deref(), Some("2024-09-26"));
        assert_eq!(d("1965-01-01-05:00").as_deref(), Some("1965-01-01"));
        assert_eq!(d("1965"), Some("1965".to_string()));
        assert_eq!(d("soon"), None);
        // A multi-byte character at byte 10 must not panic.
        assert_eq!(d("１２３４５６７８９é"), None);
    }

    #[test]
    fn scripts_are_recognised() {
        assert_eq!(script_of("محمد طاهر"), Some("Arab"));
        assert_eq!(script_of("Владимир"), Some("Cyrl"));
        assert_eq!(script_of("리원호"), Some("Hang"));
        assert_eq!(script_of("Vladimir Putin"), None);
    }

    #[test]
    fn document_labels_map_to_kinds() {
        assert_eq!(document_kind("Passport"), IdKind::Passport);
        assert_eq!(document_kind("Numéro de passeport "), IdKind::Passport);
        assert_eq!(
            document_kind("National Identification Number"),
            IdKind::NationalId
        );
        assert_eq!(document_kind("Birth certificate"), IdKind::Other);
    }
}
