//! Swiss SECO sanctions list, SESAM XML:
//! `swiss-sanctions-list list-type="whole-list|amendment" date=…` holding
//! `sanctions-program*`, `place*` and `target*`.
//!
//! **Not yet met a full real list**: the only real sample is SECO's three-target test
//! amendment file; the whole-list elements (places, spelling variants, documents,
//! modifications) follow FORMATS.md §1.12 and the structure public crawlers read.
//!
//! Read as a stream, one `target` at a time; `place` definitions and programme sets are
//! small and kept in memory, and references to them are resolved at the end (so their
//! order in the file does not matter). Mapping:
//! - target `ssid` → `source_id`; `individual` → person, `entity` → organization,
//!   `object object-type=vessel|aircraft` → vessel / aircraft.
//! - `sanctions-set-id` → the programme's English `program-key` as program, and
//!   "program name: set name" (e.g. "EXAMPLE: Financial measures, annex 2") as legal basis.
//! - names: `name-part`s joined in their `order`; the first `primary-name` of a main identity
//!   is the primary name, other names aliases, "former…" name types former names,
//!   `quality="low"` weak aliases; a `title` part goes to titles. A `spelling-variant`
//!   (lang, script) of the parts gives one more name per variant: the original-script name
//!   for a primary name written in a non-Latin script, else an alias.
//! - `day-month-year` (any part may be missing) → birth date; `nationality/country
//!   iso-code`; `place-of-birth` / `address place-id` → the referenced place's location,
//!   area and country; `identification-document` → passport / national id / other.
//! - `other-information` and `justification` → remarks; `relation` → links.
//! - `modification`: the earliest `listed` date → `listed_on`; a `de-listed` modification
//!   with no later `listed` one → `ended_on`. The whole-list export keeps de-listed targets:
//!   they are kept here too, with `ended_on` set, so history is not lost; callers that want
//!   only current listings filter on `ended_on`.
//! - An amendment file holds only the changed targets.
//!
//! The format carries no UN reference number field, so none is extracted.

use crate::ofac_xml_util::{Node, XmlStream, clean, is_latin};
use crate::un_sc::{iso_date, root_start, script_of};
use crate::{Input, ParseError, ParseOptions, Parsed};
use sanctum_model::{
    Address, DateSpec, DateValue, Designation, Entity, EntityKind, Gender, IdKind, Identifier,
    Link, Name, NameKind, NamePart, NamePartKind, PartialDate, Text, country,
};
use std::collections::HashMap;

pub const AUTHORITY: &str = "CH SECO";
pub const LIST: &str = "SESAM";

/// Whether the first bytes of a file look like a SESAM XML file.
pub fn sniff(head: &[u8], _file_name: &str) -> bool {
    String::from_utf8_lossy(head).contains("<swiss-sanctions-list")
}

#[derive(Debug, Clone, Default)]
struct Place {
    location: Option<String>,
    area: Option<String>,
    country_code: Option<String>,
    country_name: Option<String>,
}

#[derive(Debug, Clone, Default)]
struct SanctionsSet {
    program_key: Option<String>,
    program_name: Option<String>,
    set_name: Option<String>,
}

/// Where a place reference lands once the place is known.
enum PlaceUse {
    Address(usize),
    BirthPlace(usize),
}

/// What a target still needs from the rest of the file.
struct Pending {
    line: u64,
    set_ids: Vec<String>,
    places: Vec<(PlaceUse, String)>,
}

fn text(node: &Node) -> Option<String> {
    node.text().map(clean).filter(|t| !t.is_empty())
}

fn text_of(node: &Node, name: &str) -> Option<String> {
    node.child(name).and_then(text)
}

fn attr(node: &Node, name: &str) -> Option<String> {
    node.attr(name).map(clean).filter(|t| !t.is_empty())
}

/// The English text among language variants (`lang="eng"`), else the first.
fn english(node: &Node, name: &str) -> Option<String> {
    let mut all = node.children_named(name);
    node.children_named(name)
        .find(|c| c.attr("lang") == Some("eng"))
        .and_then(text)
        .or_else(|| all.find_map(text))
}

/// Reads a SESAM XML publication (whole list or amendment).
pub fn parse(source: &str, input: Input<'_>, opts: &ParseOptions) -> Result<Parsed, ParseError> {
    let mut xml = XmlStream::new(input, &opts.limits);
    let root = root_start(&mut xml, "swiss-sanctions-list", "a SECO SESAM XML file")?;
    let mut parsed = Parsed::default();
    if let Some(date) = root.attr("date") {
        match iso_date(date) {
            Some(d) => parsed.published = Some(d),
            None => {
                let row = xml.row_error(root.line, format!("bad list date {date:?}"));
                parsed.reject_row(opts, row)?;
            }
        }
    }
    let mut places: HashMap<String, Place> = HashMap::new();
    let mut sets: HashMap<String, SanctionsSet> = HashMap::new();
    let mut targets: Vec<(Entity, Pending)> = Vec::new();
    while let Some(start) = xml.next_start()? {
        if start.depth != 1 {
            continue;
        }
        match start.name.as_str() {
            "sanctions-program" => {
                let node = xml.read_node(start)?;
                let program_key = english(&node, "program-key");
                let program_name = english(&node, "program-name");
                for set in node.children_named("sanctions-set") {
                    let Some(ssid) = attr(set, "ssid") else {
                        continue;
                    };
                    let entry = sets.entry(ssid).or_insert_with(|| SanctionsSet {
                        program_key: program_key.clone(),
                        program_name: program_name.clone(),
                        set_name: None,
                    });
                    if entry.set_name.is_none() || set.attr("lang") == Some("eng") {
                        entry.set_name = text(set);
                    }
                }
            }
            "place" => {
                let node = xml.read_node(start)?;
                match attr(&node, "ssid") {
                    Some(ssid) => {
                        places.insert(ssid, place(&node));
                    }
                    None => {
                        let row = xml.row_error(node.line, "place without an ssid");
                        parsed.reject_row(opts, row)?;
                    }
                }
            }
            "target" => {
                let node = xml.read_node(start)?;
                match target(source, &node) {
                    Ok(done) => targets.push(done),
                    Err(reason) => parsed.reject_row(opts, xml.row_error(node.line, reason))?,
                }
            }
            _ => {}
        }
    }
    for (mut entity, pending) in targets {
        match resolve(&mut entity, &pending, &places, &sets) {
            Ok(()) => parsed.entities.push(entity),
            Err(reason) => parsed.reject_row(opts, xml.row_error(pending.line, reason))?,
        }
    }
    Ok(parsed)
}

fn place(node: &Node) -> Place {
    let country = node.child("country");
    Place {
        location: text_of(node, "location"),
        area: text_of(node, "area"),
        country_code: country
            .and_then(|c| attr(c, "iso-code"))
            .map(|c| country::code(&c).map(str::to_string).unwrap_or(c)),
        country_name: country.and_then(text),
    }
}

/// Fills in place references and the designation from the programme sets.
fn resolve(
    entity: &mut Entity,
    pending: &Pending,
    places: &HashMap<String, Place>,
    sets: &HashMap<String, SanctionsSet>,
) -> Result<(), String> {
    for (place_use, place_id) in &pending.places {
        let place = places.get(place_id).ok_or_else(|| {
            format!(
                "target {}: place-id {place_id} has no place definition",
                entity.source_id
            )
        })?;
        match *place_use {
            PlaceUse::Address(i) => {
                if let Some(address) = entity.addresses.get_mut(i) {
                    address.city = address.city.take().or_else(|| place.location.clone());
                    address.region = address.region.take().or_else(|| place.area.clone());
                    address.country = address
                        .country
                        .take()
                        .or_else(|| place.country_code.clone())
                        .or_else(|| place.country_name.clone());
                }
            }
            PlaceUse::BirthPlace(i) => {
                if let Some(birth_place) = entity.birth_places.get_mut(i) {
                    birth_place.value = [
                        place.location.clone(),
                        place.area.clone(),
                        place
                            .country_name
                            .clone()
                            .or_else(|| place.country_code.clone()),
                    ]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", ");
                }
            }
        }
    }
    entity.birth_places.retain(|p| !p.value.is_empty());
    let Some(designation) = entity.designations.first_mut() else {
        return Ok(());
    };
    for set_id in &pending.set_ids {
        let set = sets.get(set_id).ok_or_else(|| {
            format!(
                "target {}: sanctions-set-id {set_id} has no sanctions-set",
                entity.source_id
            )
        })?;
        if let Some(key) = set.program_key.clone().or_else(|| set.program_name.clone())
            && !designation.programs.contains(&key)
        {
            designation.programs.push(key);
        }
        let basis = [set.program_name.clone(), set.set_name.clone()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(": ");
        if !basis.is_empty() && !designation.legal_basis.contains(&basis) {
            designation.legal_basis.push(basis);
        }
    }
    Ok(())
}

fn target(source: &str, node: &Node) -> Result<(Entity, Pending), String> {
    let ssid = attr(node, "ssid").ok_or("target without an ssid")?;
    let (subject, kind) = node
        .children
        .iter()
        .find_map(|c| match c.name.as_str() {
            "individual" => Some((c, EntityKind::Person)),
            "entity" => Some((c, EntityKind::Organization)),
            "object" => {
                let object_type = c.attr("object-type").unwrap_or("").to_ascii_lowercase();
                let kind = match object_type.as_str() {
                    "vessel" | "ship" => EntityKind::Vessel,
                    "aircraft" => EntityKind::Aircraft,
                    _ => EntityKind::Unknown,
                };
                Some((c, kind))
            }
            _ => None,
        })
        .ok_or_else(|| format!("target {ssid}: no individual, entity or object"))?;
    let mut entity = Entity::new(source, ssid.as_str(), kind);
    let mut pending = Pending {
        line: node.line,
        set_ids: node
            .children_named("sanctions-set-id")
            .filter_map(text)
            .chain(attr(node, "sanctions-set-id"))
            .collect(),
        places: Vec::new(),
    };
    entity.gender = match subject.attr("sex") {
        Some("male") => Some(Gender::Male),
        Some("female") => Some(Gender::Female),
        _ => None,
    };
    if let Some(object_type) = attr(subject, "object-type") {
        entity.craft.craft_type = Some(object_type);
    }

    let identities: Vec<&Node> = subject.children_named("identity").collect();
    // Main identities first, so the primary name comes from one of them.
    let mut ordered: Vec<&Node> = identities
        .iter()
        .copied()
        .filter(|i| i.flag("main"))
        .collect();
    ordered.extend(identities.iter().copied().filter(|i| !i.flag("main")));
    for identity in ordered {
        read_identity(&mut entity, &mut pending, identity)?;
    }
    if !entity.names.iter().any(|n| n.kind == NameKind::Primary) {
        match entity.names.first_mut() {
            Some(first) => first.kind = NameKind::Primary,
            None => return Err(format!("target {ssid}: no name")),
        }
    }

    for holder in [node, subject] {
        for info in holder.children_named("other-information") {
            if let Some(value) = text(info) {
                entity.remarks.push(Text {
                    value,
                    record: attr(info, "ssid"),
                });
            }
        }
        for justification in holder.children_named("justification") {
            if let Some(value) = text(justification) {
                entity.remarks.push(Text {
                    value: format!("Justification: {value}"),
                    record: attr(justification, "ssid"),
                });
            }
        }
        for relation in holder.children_named("relation") {
            entity.links.push(Link {
                relation: attr(relation, "relation-type").unwrap_or_else(|| "related".into()),
                target_name: text_of(relation, "remark"),
                target_id: attr(relation, "target-id"),
                record: attr(relation, "ssid"),
            });
        }
    }

    let (listed_on, ended_on, delisted_undated) = modifications(node);
    if delisted_undated {
        entity
            .remarks
            .push(Text::new("De-listed (the file gives no date)"));
    }
    entity.designations.push(Designation {
        authority: AUTHORITY.to_string(),
        list: LIST.to_string(),
        programs: Vec::new(),
        listed_on,
        ended_on,
        legal_basis: Vec::new(),
        record: None,
    });
    Ok((entity, pending))
}

/// The listing date (earliest `listed`) and the delisting date (the last `de-listed` with no
/// later `listed`).
/// The third value tells whether a de-listing without a date was met (and no dated one).
fn modifications(target: &Node) -> (Option<PartialDate>, Option<PartialDate>, bool) {
    let mut listed: Vec<PartialDate> = Vec::new();
    let mut delisted: Vec<PartialDate> = Vec::new();
    let mut delisted_without_date = false;
    for m in target.children_named("modification") {
        let date = ["effective-date", "publication-date", "enactment-date"]
            .iter()
            .find_map(|a| m.attr(a).and_then(iso_date));
        match (m.attr("modification-type").unwrap_or(""), date) {
            ("listed", Some(d)) => listed.push(d),
            ("de-listed", Some(d)) => delisted.push(d),
            ("de-listed", None) => delisted_without_date = true,
            _ => {}
        }
    }
    let listed_on = listed.iter().min().copied();
    let last_listed = listed.iter().max().copied();
    let ended_on = delisted
        .iter()
        .max()
        .copied()
        .filter(|d| last_listed.is_none_or(|l| l <= *d));
    (
        listed_on,
        ended_on,
        delisted_without_date && ended_on.is_none(),
    )
}

fn read_identity(
    entity: &mut Entity,
    pending: &mut Pending,
    identity: &Node,
) -> Result<(), String> {
    let main = identity.flag("main");
    for name in identity.children_named("name") {
        read_name(entity, name, main);
    }
    for dmy in identity.children_named("day-month-year") {
        birth_date(entity, dmy);
    }
    for nationality in identity.children_named("nationality") {
        let record = attr(nationality, "ssid");
        let Some(country_node) = nationality.child("country") else {
            continue;
        };
        let code = attr(country_node, "iso-code")
            .map(|c| country::code(&c).map(str::to_string).unwrap_or(c))
            .or_else(|| text(country_node).and_then(|n| country::code(&n).map(str::to_string)));
        match code {
            Some(code) => Entity::push_country(&mut entity.nationalities, code, record),
            None => {
                if let Some(name) = text(country_node) {
                    entity.remarks.push(Text {
                        value: format!("Nationality: {name}"),
                        record,
                    });
                }
            }
        }
    }
    for birth_place in identity.children_named("place-of-birth") {
        let record = attr(birth_place, "ssid");
        let Some(place_id) = attr(birth_place, "place-id") else {
            continue;
        };
        pending
            .places
            .push((PlaceUse::BirthPlace(entity.birth_places.len()), place_id));
        entity.birth_places.push(Text {
            value: String::new(),
            record,
        });
    }
    for address in identity.children_named("address") {
        let remarks = text_of(address, "remarks");
        let lines = [
            text_of(address, "c-o").map(|c| format!("c/o {c}")),
            text_of(address, "address-details"),
            text_of(address, "p-o-box").map(|p| format!("P.O. Box {p}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        let value = Address {
            lines,
            city: text_of(address, "location"),
            region: text_of(address, "area"),
            postal_code: text_of(address, "zip-code"),
            country: address
                .child("country")
                .and_then(|c| attr(c, "iso-code"))
                .map(|c| country::code(&c).map(str::to_string).unwrap_or(c)),
            remarks,
            record: attr(address, "ssid"),
        };
        if let Some(place_id) = attr(address, "place-id") {
            pending
                .places
                .push((PlaceUse::Address(entity.addresses.len()), place_id));
        } else if value == Address::default() {
            continue;
        }
        entity.addresses.push(value);
    }
    for document in identity.children_named("identification-document") {
        read_document(entity, document);
    }
    Ok(())
}

fn part_kind(part_type: &str) -> NamePartKind {
    match part_type {
        "given-name" => NamePartKind::Given,
        "further-given-name" => NamePartKind::Middle,
        "family-name" => NamePartKind::Family,
        "father-name" => NamePartKind::Patronymic,
        "whole-name" => NamePartKind::Whole,
        _ => NamePartKind::Other,
    }
}

/// A spelling variant's (lang, script).
type VariantKey = (Option<String>, Option<String>);

fn read_name(entity: &mut Entity, name: &Node, main_identity: bool) {
    let record = attr(name, "ssid");
    let name_type = name.attr("name-type").unwrap_or("").to_ascii_lowercase();
    let low = name
        .attr("quality")
        .is_some_and(|q| q.eq_ignore_ascii_case("low"));
    let mut parts: Vec<(u32, &Node)> = name
        .children_named("name-part")
        .enumerate()
        .map(|(i, p)| {
            let order = p.attr("order").and_then(|o| o.parse().ok());
            (order.unwrap_or(1000 + i as u32), p)
        })
        .collect();
    parts.sort_by_key(|(order, _)| *order);

    let has_primary = entity.names.iter().any(|n| n.kind == NameKind::Primary);
    let is_primary = name_type == "primary-name" && main_identity && !has_primary && !low;
    let kind = if low {
        NameKind::WeakAlias
    } else if is_primary {
        NameKind::Primary
    } else if name_type.contains("former") {
        NameKind::Former
    } else {
        NameKind::Alias
    };

    let mut name_parts = Vec::new();
    // Spelling variants per (lang, script), in first-seen order.
    let mut variants: Vec<(VariantKey, Vec<NamePart>)> = Vec::new();
    for (_, part) in &parts {
        let part_type = part
            .attr("name-part-type")
            .unwrap_or("")
            .to_ascii_lowercase();
        let Some(value) = text_of(part, "value") else {
            continue;
        };
        if part_type == "title" {
            if !entity.titles.iter().any(|t| t.value == value) {
                entity.titles.push(Text {
                    value,
                    record: record.clone(),
                });
            }
            continue;
        }
        let kind = part_kind(&part_type);
        for variant in part.children_named("spelling-variant") {
            let Some(spelled) = text(variant) else {
                continue;
            };
            let key = (attr(variant, "lang"), attr(variant, "script"));
            let part = NamePart {
                kind,
                value: spelled,
            };
            match variants.iter_mut().find(|(k, _)| *k == key) {
                Some((_, list)) => list.push(part),
                None => variants.push((key, vec![part])),
            }
        }
        name_parts.push(NamePart { kind, value });
    }
    if name_parts.is_empty() {
        return;
    }
    let mut main_name = Name::new(join(&name_parts), kind);
    main_name.parts = name_parts;
    main_name.lang = attr(name, "lang");
    main_name.record = record.clone();
    entity.push_name(main_name);

    for ((lang, script), parts) in variants {
        let full = join(&parts);
        let script = script.or_else(|| script_of(&full).map(str::to_string));
        let non_latin = !is_latin(script.as_deref()) || script_of(&full).is_some();
        let variant_kind = match kind {
            NameKind::Primary if non_latin => NameKind::OriginalScript,
            NameKind::Primary => NameKind::Alias,
            other => other,
        };
        let mut variant = Name::new(full, variant_kind);
        variant.parts = parts;
        variant.script = script;
        variant.lang = lang;
        variant.record = record.clone();
        entity.push_name(variant);
    }
}

fn join(parts: &[NamePart]) -> String {
    parts
        .iter()
        .map(|p| p.value.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

fn birth_date(entity: &mut Entity, dmy: &Node) {
    let record = attr(dmy, "ssid");
    let number = |key: &str| dmy.attr(key).and_then(|v| v.parse::<u16>().ok());
    let calendar = dmy.attr("calendar").unwrap_or("");
    let gregorian = calendar.is_empty() || calendar.eq_ignore_ascii_case("gregorian");
    let month = number("month").and_then(|m| u8::try_from(m).ok());
    let day = number("day")
        .and_then(|d| u8::try_from(d).ok())
        .filter(|_| month.is_some());
    let date = number("year").and_then(|y| PartialDate::new(y, month, day).ok());
    match date {
        Some(d) if gregorian => {
            let approximate = dmy
                .attr("quality")
                .is_some_and(|q| q.to_ascii_lowercase().starts_with("approx"));
            let date = if approximate {
                DateSpec::Circa(d)
            } else {
                DateSpec::Exact(d)
            };
            entity.birth_dates.push(DateValue { date, record });
        }
        _ => {
            let raw = ["day", "month", "year"]
                .iter()
                .filter_map(|k| dmy.attr(k).map(|v| format!("{k} {v}")))
                .collect::<Vec<_>>()
                .join(", ");
            if raw.is_empty() {
                return;
            }
            let value = if gregorian {
                format!("Date of birth: {raw}")
            } else {
                format!("Date of birth ({calendar} calendar): {raw}")
            };
            entity.remarks.push(Text { value, record });
        }
    }
}

/// A date given as element text, or as `day`/`month`/`year` attributes.
fn element_date(node: &Node) -> Option<PartialDate> {
    if let Some(t) = text(node) {
        return iso_date(&t);
    }
    let number = |key: &str| node.attr(key).and_then(|v| v.parse::<u16>().ok());
    let month = number("month").and_then(|m| u8::try_from(m).ok());
    let day = number("day")
        .and_then(|d| u8::try_from(d).ok())
        .filter(|_| month.is_some());
    PartialDate::new(number("year")?, month, day).ok()
}

fn read_document(entity: &mut Entity, document: &Node) {
    let document_type = attr(document, "document-type").unwrap_or_else(|| "document".into());
    let lower = document_type.to_ascii_lowercase();
    let kind = if lower.contains("passport") {
        IdKind::Passport
    } else if lower.contains("id-card") || lower.contains("identity") || lower == "national-id" {
        IdKind::NationalId
    } else {
        IdKind::Other
    };
    let remark = text_of(document, "remark");
    let Some(number) = text_of(document, "number") else {
        if let Some(remark) = remark {
            entity.remarks.push(Text {
                value: format!("{document_type}: {remark}"),
                record: attr(document, "ssid"),
            });
        }
        return;
    };
    let mut id = Identifier::new(kind, number);
    id.label = Some(document_type);
    let issuer = document.child("issuer");
    id.country = issuer
        .and_then(|i| attr(i, "code").or_else(|| attr(i, "iso-code")))
        .map(|c| country::code(&c).map(str::to_string).unwrap_or(c))
        .or_else(|| {
            issuer
                .and_then(text)
                .and_then(|n| country::code(&n).map(str::to_string))
        });
    id.issued = document.child("date-of-issue").and_then(element_date);
    id.expires = document.child("expiry-date").and_then(element_date);
    let mut notes = Vec::new();
    if id.country.is_none() {
        notes.extend(issuer.and_then(text).map(|i| format!("issued by {i}")));
    }
    notes.extend(remark);
    if !notes.is_empty() {
        id.note = Some(notes.join("; "));
    }
    id.record = attr(document, "ssid");
    entity.identifiers.push(id);
}
