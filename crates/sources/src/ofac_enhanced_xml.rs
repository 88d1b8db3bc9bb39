//! OFAC "enhanced" XML of the Sanctions List Service (2024+): root `sanctionsData` with
//! `publicationInfo`, `referenceValues`, `featureTypes` and one `entities/entity` per party.
//! `CONS_ENHANCED.ZIP` holds the same XML; the caller opens the zip and passes the member.
//!
//! Each entity is self-contained (names with their translations into other scripts, lists
//! with their listing dates, programs, features, documents, addresses, relationships), so it
//! is read and converted one at a time; only the reference values are kept aside.

use crate::ofac_common::{self, AUTHORITY, LIST_CONSOLIDATED, LIST_SDN};
use crate::ofac_xml_util::{
    Feature, Node, XmlStream, apply_feature, clean, country_code, crypto_currency, date_span,
    expect_root, is_latin, name_part_kind,
};
use crate::{Input, ParseError, ParseOptions, Parsed};
use sanctum_model::{
    Address, DateSpec, Designation, Entity, IdKind, Identifier, Link, Name, NameKind, NamePart,
    NamePartKind, PartialDate, Text,
};
use std::collections::HashMap;

/// Reads an enhanced XML publication. `list` names the Designation list for entities that
/// carry no `sanctionsLists`.
pub fn parse(
    source: &str,
    list: &str,
    input: Input<'_>,
    opts: &ParseOptions,
) -> Result<Parsed, ParseError> {
    let mut xml = XmlStream::new(input, &opts.limits);
    expect_root(&mut xml, "sanctionsData", "an OFAC enhanced XML file")?;
    let mut parsed = Parsed::default();
    // refId → ISO code of COUNTRY reference values.
    let mut countries: HashMap<String, String> = HashMap::new();
    let mut section = String::new();
    while let Some(start) = xml.next_start()? {
        match start.depth {
            1 => match start.name.as_str() {
                "publicationInfo" => {
                    let node = xml.read_node(start)?;
                    if let Some(text) = node.child_text("dataAsOf") {
                        match text.parse::<PartialDate>() {
                            Ok(d) => parsed.published = Some(d),
                            Err(e) => {
                                let row = xml.row_error(node.line, format!("dataAsOf: {e}"));
                                parsed.reject_row(opts, row)?;
                            }
                        }
                    }
                }
                "referenceValues" => {
                    let node = xml.read_node(start)?;
                    for value in node.children_named("referenceValue") {
                        let is_country = value
                            .child_text("type")
                            .is_some_and(|t| t.eq_ignore_ascii_case("country"));
                        let code = value
                            .child_text("isoCode")
                            .map(str::to_string)
                            .or_else(|| value.child_text("value").and_then(country_code));
                        if let (true, Some(id), Some(code)) =
                            (is_country, value.attr("refId"), code)
                        {
                            countries.insert(id.to_string(), code);
                        }
                    }
                }
                _ => section = start.name,
            },
            2 if section == "entities" && start.name == "entity" => {
                let node = xml.read_node(start)?;
                match entity(source, list, &node, &countries) {
                    Ok(e) => parsed.entities.push(e),
                    Err(reason) => parsed.reject_row(opts, xml.row_error(node.line, reason))?,
                }
            }
            _ => {}
        }
    }
    Ok(parsed)
}

fn list_name(published: &str) -> String {
    match published {
        "SDN List" => LIST_SDN.to_string(),
        "Consolidated List" => LIST_CONSOLIDATED.to_string(),
        other => other.to_string(),
    }
}

fn record(node: &Node) -> Option<String> {
    node.attr("id").map(str::to_string)
}

fn items<'n>(node: &'n Node, list: &'n str, item: &'n str) -> impl Iterator<Item = &'n Node> {
    node.children_named(list)
        .flat_map(move |l| l.children_named(item))
}

/// The country code of an element with a COUNTRY `refId` and the name as text.
fn country_of(node: &Node, countries: &HashMap<String, String>) -> Option<String> {
    node.attr("refId")
        .and_then(|r| countries.get(r).cloned())
        .or_else(|| node.text().and_then(country_code))
}

fn entity(
    source: &str,
    list: &str,
    node: &Node,
    countries: &HashMap<String, String>,
) -> Result<Entity, String> {
    let id = node.attr("id").ok_or("entity without an id")?;
    let general = node.child("generalInfo");
    let type_word = general
        .and_then(|g| g.child_text("entityType"))
        .ok_or_else(|| format!("entity {id}: no generalInfo/entityType"))?;
    let mut entity = Entity::new(source, id, ofac_common::kind_from_type(type_word));
    if let Some(g) = general {
        for remark in g.children_named("remarks").filter_map(Node::text) {
            entity.remarks.push(Text::new(clean(remark)));
        }
        for title in g.children_named("title").filter_map(Node::text) {
            entity.titles.push(Text::new(clean(title)));
        }
    }

    for name in items(node, "names", "name") {
        add_name(&mut entity, name);
    }
    if !entity.names.iter().any(|n| n.kind == NameKind::Primary) {
        return Err(format!("entity {id}: no primary name"));
    }

    let programs: Vec<String> = items(node, "sanctionsPrograms", "sanctionsProgram")
        .filter_map(Node::text)
        .map(clean)
        .collect();
    let legal_basis: Vec<String> = items(node, "legalAuthorities", "legalAuthority")
        .filter_map(Node::text)
        .map(clean)
        .collect();
    for l in items(node, "sanctionsLists", "sanctionsList") {
        entity.designations.push(Designation {
            authority: AUTHORITY.to_string(),
            list: l.text().map_or(list.to_string(), list_name),
            programs: programs.clone(),
            listed_on: l.attr("datePublished").and_then(|d| d.parse().ok()),
            ended_on: None,
            legal_basis: legal_basis.clone(),
            record: record(l),
        });
    }
    if entity.designations.is_empty() {
        entity.designations.push(Designation {
            authority: AUTHORITY.to_string(),
            list: list.to_string(),
            programs,
            listed_on: None,
            ended_on: None,
            legal_basis,
            record: None,
        });
    }

    for feature in items(node, "features", "feature") {
        let Some(label) = feature.child_text("type") else {
            continue;
        };
        apply_feature(
            &mut entity,
            Feature {
                label,
                text: feature.child_text("value").map(str::to_string),
                date: feature.child("valueDate").and_then(value_date),
                country: feature
                    .child_text("valueRefId")
                    .and_then(|r| countries.get(r).cloned()),
                record: record(feature),
            },
        );
    }

    for doc in items(node, "identityDocuments", "identityDocument") {
        if let Some(id) = document(doc, countries) {
            entity.identifiers.push(id);
        }
    }

    for a in items(node, "addresses", "address") {
        let address = address(a, countries);
        // OFAC lists an empty address where the legacy file had only an "undetermined" one.
        if address != Address::default() {
            entity.addresses.push(Address {
                record: record(a),
                ..address
            });
        }
    }

    for rel in items(node, "relationships", "relationship") {
        let related = rel.child("relatedEntity");
        entity.links.push(Link {
            relation: rel
                .child_text("type")
                .map_or("Related To".to_string(), clean),
            target_name: related.and_then(Node::text).map(clean),
            target_id: related.and_then(|r| r.attr("entityId")).map(str::to_string),
            record: record(rel),
        });
    }
    Ok(entity)
}

fn add_name(entity: &mut Entity, name: &Node) {
    let primary = name.flag("isPrimary");
    let alias_type = name
        .child_text("aliasType")
        .unwrap_or("")
        .to_ascii_uppercase();
    let kind = if primary {
        NameKind::Primary
    } else if name.flag("isLowQuality") {
        NameKind::WeakAlias
    } else if alias_type == "F.K.A." {
        NameKind::Former
    } else {
        NameKind::Alias
    };
    for translation in items(name, "translations", "translation") {
        let script = translation.child_text("script").map(str::to_string);
        let latin = is_latin(script.as_deref());
        let parts: Vec<NamePart> = items(translation, "nameParts", "namePart")
            .filter_map(|p| {
                let value = p.child_text("value").map(clean)?;
                let label = p.child_text("type").unwrap_or("");
                Some(NamePart {
                    kind: name_part_kind(label),
                    value,
                })
            })
            .filter(|p| !p.value.is_empty())
            .collect();
        let formatted = |field: &str| {
            translation
                .child_text(field)
                .map(clean)
                .filter(|t| !t.is_empty())
        };
        let full = formatted("formattedFullName").or_else(|| {
            match (
                formatted("formattedLastName"),
                formatted("formattedFirstName"),
            ) {
                (Some(l), Some(f)) => Some(format!("{l}, {f}")),
                (l, f) => l.or(f),
            }
        });
        let Some(full) = full else { continue };
        let mut n = Name::new(
            full,
            if primary && !latin {
                NameKind::OriginalScript
            } else {
                kind
            },
        );
        n.parts = parts;
        if n.parts.is_empty() {
            n.parts
                .extend(formatted("formattedLastName").map(|value| NamePart {
                    kind: NamePartKind::Family,
                    value,
                }));
        }
        n.script = script.filter(|_| !latin);
        n.record = record(name);
        entity.push_name(n);
    }
}

/// A `valueDate`-shaped element: the begin and end of the period's start and end.
fn value_date(node: &Node) -> Option<DateSpec> {
    let day = |n: &str| {
        node.child_text(n)
            .and_then(|t| t.parse::<PartialDate>().ok())
    };
    let from_begin = day("fromDateBegin").or_else(|| day("fromDateEnd"))?;
    let from_end = day("fromDateEnd").unwrap_or(from_begin);
    let to_end = day("toDateEnd")
        .or_else(|| day("toDateBegin"))
        .unwrap_or(from_end);
    let to_begin = day("toDateBegin").unwrap_or(to_end);
    Some(date_span(
        (from_begin, from_end),
        (to_begin, to_end),
        node.flag("isApproximate"),
        node.flag("isDateRange"),
    ))
}

fn document(doc: &Node, countries: &HashMap<String, String>) -> Option<Identifier> {
    let number = doc.child_text("documentNumber").map(clean)?;
    let label = doc.child_text("type").map_or("Document".to_string(), clean);
    let kind = ofac_common::id_kind_for_label(&label).unwrap_or(IdKind::Other);
    let mut id = Identifier::new(kind.clone(), number);
    id.label = Some(if kind == IdKind::CryptoWallet {
        crypto_currency(&label)
    } else {
        label
    });
    id.country = doc
        .child("issuingCountry")
        .and_then(|c| country_of(c, countries));
    id.issued = doc
        .child("issueDate")
        .and_then(value_date)
        .map(|d| d.bounds().0);
    id.expires = doc
        .child("expirationDate")
        .and_then(value_date)
        .map(|d| d.bounds().0);
    let mut notes = Vec::new();
    if let Some(place) = doc.child_text("issuingLocation") {
        notes.push(format!("issued in {}", clean(place)));
    }
    if doc.child("isValid").is_some() && !doc.flag("isValid") {
        notes.push("not valid".to_string());
    }
    for f in items(doc, "idFeatures", "idFeature").filter_map(Node::text) {
        notes.push(clean(f));
    }
    if !notes.is_empty() {
        id.note = Some(notes.join("; "));
    }
    id.record = record(doc);
    Some(id)
}

fn address(a: &Node, countries: &HashMap<String, String>) -> Address {
    let mut out = Address {
        country: a
            .child("country")
            .and_then(|c| country_of(c, countries).or_else(|| c.text().map(clean))),
        ..Address::default()
    };
    let translations: Vec<&Node> = items(a, "translations", "translation").collect();
    let chosen = translations
        .iter()
        .find(|t| is_latin(t.child_text("script")))
        .or_else(|| translations.iter().find(|t| t.flag("isPrimary")))
        .or_else(|| translations.first());
    if let Some(t) = chosen {
        for part in items(t, "addressParts", "addressPart") {
            let Some(value) = part.child_text("value").map(clean) else {
                continue;
            };
            let label = part.child_text("type").unwrap_or("").to_ascii_uppercase();
            match label.as_str() {
                "ADDRESS1" | "ADDRESS2" | "ADDRESS3" => out.lines.push(value),
                "CITY" => out.city = Some(value),
                "STATE/PROVINCE" => out.region = Some(value),
                "POSTAL CODE" => out.postal_code = Some(value),
                _ => out.remarks = Some(value),
            }
        }
    }
    out
}
