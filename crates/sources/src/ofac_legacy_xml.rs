//! OFAC legacy XML (`sdn.xml`, and the non-SDN `consolidated.xml` in the same schema):
//! `sdnList/publshInformation` then one `sdnEntry` per party.
//!
//! Read as a stream, one `sdnEntry` at a time. Element names are matched on their local name:
//! the namespace moved from `http://tempuri.org/sdnList.xsd` to the Sanctions List Service
//! one in 2024. The legacy schema carries no listing dates.

use crate::ofac_common::{self, AUTHORITY, linked_to};
use crate::ofac_xml_util::{
    Feature, Node, XmlStream, apply_feature, clean, country_code, crypto_currency, expect_root,
    has_own_place, text_date,
};
use crate::{Input, ParseError, ParseOptions, Parsed};
use sanctum_model::date::{parse_date_text, parse_mdy};
use sanctum_model::{
    Address, DateValue, Designation, Entity, EntityKind, Gender, IdKind, Identifier, Name,
    NameKind, NamePart, NamePartKind, Text,
};

/// Reads a legacy XML publication. `list` names the Designation list (the file does not say
/// whether it is the SDN or the consolidated list).
pub fn parse(
    source: &str,
    list: &str,
    input: Input<'_>,
    opts: &ParseOptions,
) -> Result<Parsed, ParseError> {
    let mut xml = XmlStream::new(input, &opts.limits);
    expect_root(&mut xml, "sdnList", "an OFAC legacy XML file")?;
    let mut parsed = Parsed::default();
    while let Some(start) = xml.next_start()? {
        if start.depth != 1 {
            continue;
        }
        match start.name.as_str() {
            "publshInformation" => {
                let node = xml.read_node(start)?;
                if let Some(text) = node.child_text("Publish_Date") {
                    match parse_mdy(text) {
                        Ok(date) => parsed.published = Some(date),
                        Err(e) => {
                            let row = xml.row_error(node.line, format!("Publish_Date: {e}"));
                            parsed.reject_row(opts, row)?;
                        }
                    }
                }
            }
            "sdnEntry" => {
                let node = xml.read_node(start)?;
                match entry(source, list, &node) {
                    Ok(entity) => parsed.entities.push(entity),
                    Err(reason) => parsed.reject_row(opts, xml.row_error(node.line, reason))?,
                }
            }
            _ => {}
        }
    }
    Ok(parsed)
}

fn text_of(node: &Node, name: &str) -> Option<String> {
    node.child_text(name).map(clean).filter(|t| !t.is_empty())
}

/// "LAST, First" as sdn.csv prints it, with the parts.
fn person_name(node: &Node, kind: NameKind, party: EntityKind) -> Option<Name> {
    let last = text_of(node, "lastName");
    let first = text_of(node, "firstName");
    let family_kind = if party == EntityKind::Person {
        NamePartKind::Family
    } else {
        NamePartKind::Whole
    };
    let full = match (&last, &first) {
        (Some(l), Some(f)) => format!("{l}, {f}"),
        (Some(one), None) | (None, Some(one)) => one.clone(),
        (None, None) => return None,
    };
    let mut name = Name::new(full, kind);
    if let Some(l) = last {
        name.parts.push(NamePart {
            kind: family_kind,
            value: l,
        });
    }
    if let Some(f) = first {
        name.parts.push(NamePart {
            kind: NamePartKind::Given,
            value: f,
        });
    }
    Some(name)
}

fn entry(source: &str, list: &str, node: &Node) -> Result<Entity, String> {
    let uid = node
        .child_text("uid")
        .ok_or("sdnEntry without a uid")?
        .to_string();
    let type_word = node
        .child_text("sdnType")
        .ok_or_else(|| format!("sdnEntry {uid}: no sdnType"))?;
    let kind = ofac_common::kind_from_type(type_word);
    let mut entity = Entity::new(source, uid.as_str(), kind);
    let primary = person_name(node, NameKind::Primary, kind)
        .ok_or_else(|| format!("sdnEntry {uid}: no lastName or firstName"))?;
    entity.push_name(primary);

    if let Some(title) = text_of(node, "title") {
        entity.titles.push(Text::new(title));
    }
    if let Some(remarks) = text_of(node, "remarks") {
        entity.links.extend(linked_to(&remarks));
        entity.remarks.push(Text::new(remarks));
    }

    for aka in node
        .children_named("akaList")
        .flat_map(|l| l.children_named("aka"))
    {
        let weak = aka
            .child_text("category")
            .is_some_and(|c| c.eq_ignore_ascii_case("weak"));
        let former = aka
            .child_text("type")
            .is_some_and(|t| t.eq_ignore_ascii_case("f.k.a."));
        let name_kind = if weak {
            NameKind::WeakAlias
        } else if former {
            NameKind::Former
        } else {
            NameKind::Alias
        };
        if let Some(name) = person_name(aka, name_kind, kind) {
            entity.push_name(name.with_record(aka.child_text("uid").map(str::to_string)));
        }
    }

    for id in node
        .children_named("idList")
        .flat_map(|l| l.children_named("id"))
    {
        add_id(&mut entity, id);
    }

    for a in node
        .children_named("addressList")
        .flat_map(|l| l.children_named("address"))
    {
        let country = text_of(a, "country");
        let state = text_of(a, "stateOrProvince");
        let region = text_of(a, "region");
        let address = Address {
            lines: ["address1", "address2", "address3"]
                .iter()
                .filter_map(|n| text_of(a, n))
                .collect(),
            city: text_of(a, "city"),
            postal_code: text_of(a, "postalCode"),
            country: country.map(|c| country_code(&c).unwrap_or(c)),
            remarks: region.clone().filter(|_| state.is_some()),
            region: state.or(region),
            record: a.child_text("uid").map(str::to_string),
        };
        if address != Address::default() {
            entity.addresses.push(address);
        }
    }

    for (list_name, item_name, label) in [
        ("nationalityList", "nationality", "Nationality"),
        ("citizenshipList", "citizenship", "Citizenship"),
    ] {
        for item in node
            .children_named(list_name)
            .flat_map(|l| l.children_named(item_name))
        {
            let record = item.child_text("uid").map(str::to_string);
            let Some(name) = text_of(item, "country") else {
                continue;
            };
            match country_code(&name) {
                Some(code) if label == "Nationality" => {
                    Entity::push_country(&mut entity.nationalities, code, record)
                }
                Some(code) => Entity::push_country(&mut entity.citizenships, code, record),
                None => entity.remarks.push(Text {
                    value: format!("{label}: {name}"),
                    record,
                }),
            }
        }
    }

    for item in node
        .children_named("dateOfBirthList")
        .flat_map(|l| l.children_named("dateOfBirthItem"))
    {
        let record = item.child_text("uid").map(str::to_string);
        let Some(text) = text_of(item, "dateOfBirth") else {
            continue;
        };
        match parse_date_text(&text) {
            Ok(date) => entity.birth_dates.push(DateValue { date, record }),
            // Kept word for word rather than lost.
            Err(_) => entity.remarks.push(Text {
                value: format!("Date of birth: {text}"),
                record,
            }),
        }
    }

    for item in node
        .children_named("placeOfBirthList")
        .flat_map(|l| l.children_named("placeOfBirthItem"))
    {
        if let Some(value) = text_of(item, "placeOfBirth") {
            entity.birth_places.push(Text {
                value,
                record: item.child_text("uid").map(str::to_string),
            });
        }
    }

    if let Some(vessel) = node.child("vesselInfo") {
        if let Some(call_sign) = text_of(vessel, "callSign") {
            let mut id = Identifier::new(IdKind::CallSign, call_sign);
            id.label = Some("Call Sign".to_string());
            entity.identifiers.push(id);
        }
        entity.craft.craft_type = text_of(vessel, "vesselType");
        entity.craft.flag = text_of(vessel, "vesselFlag").map(|f| country_code(&f).unwrap_or(f));
        entity.craft.owner = text_of(vessel, "vesselOwner");
        entity.craft.tonnage = text_of(vessel, "tonnage");
        entity.craft.gross_registered_tonnage = text_of(vessel, "grossRegisteredTonnage");
    }

    let programs = node
        .children_named("programList")
        .flat_map(|l| l.children_named("program"))
        .filter_map(|p| p.text().map(clean))
        .filter(|p| !p.is_empty())
        .collect();
    entity.designations.push(Designation {
        authority: AUTHORITY.to_string(),
        list: list.to_string(),
        programs,
        listed_on: None,
        ended_on: None,
        legal_basis: Vec::new(),
        record: None,
    });
    Ok(entity)
}

/// One `idList/id`: an identifying document, or a fact OFAC files under ids (gender,
/// establishment date, directive determinations…).
fn add_id(entity: &mut Entity, id: &Node) {
    let record = id.child_text("uid").map(str::to_string);
    let Some(label) = text_of(id, "idType") else {
        return;
    };
    let number = text_of(id, "idNumber");
    let country = text_of(id, "idCountry");
    let kind = if has_own_place(&label) {
        None
    } else {
        ofac_common::id_kind_for_label(&label)
    };
    match kind {
        Some(kind) => {
            let Some(number) = number else { return };
            let mut ident = Identifier::new(kind.clone(), number);
            ident.label = Some(if kind == IdKind::CryptoWallet {
                crypto_currency(&label)
            } else {
                label
            });
            ident.country = country.map(|c| country_code(&c).unwrap_or(c));
            let mut notes = Vec::new();
            for (field, slot, word) in [
                ("issueDate", &mut ident.issued, "issued"),
                ("expirationDate", &mut ident.expires, "expires"),
            ] {
                if let Some(text) = text_of(id, field) {
                    match text_date(&text) {
                        Some(d) => *slot = Some(d),
                        None => notes.push(format!("{word} {text}")),
                    }
                }
            }
            if !notes.is_empty() {
                ident.note = Some(notes.join("; "));
            }
            ident.record = record;
            entity.identifiers.push(ident);
        }
        None if label.eq_ignore_ascii_case("gender") => {
            entity.gender = number.map(|g| match g.to_ascii_lowercase().as_str() {
                "male" => Gender::Male,
                "female" => Gender::Female,
                _ => Gender::Other,
            });
        }
        None => {
            let country_value = country.as_deref().and_then(country_code);
            let text = number.or(country);
            apply_feature(
                entity,
                Feature {
                    label: &label,
                    text,
                    date: None,
                    country: country_value,
                    record,
                },
            );
        }
    }
}
