//! OFAC advanced XML (`sdn_advanced.xml`, `cons_advanced.xml`): the UN Sanctions Data Model,
//! root `Sanctions` in `http://www.un.org/sanctions/1.0`.
//!
//! The file is a set of tables cross-referenced by numeric ids, in this order: DateOfIssue,
//! ReferenceValueSets (lookups), Locations, IDRegDocuments, DistinctParties,
//! ProfileRelationships, SanctionsEntries. Lookups and locations are kept as read; each
//! DistinctParty becomes an [`Entity`] at once; documents, relationships and sanctions entries
//! refer to parties by id and are joined once the whole file has been read, so the parties
//! (not the file) are what stays in memory.

use crate::ofac_common::{self, AUTHORITY, LIST_CONSOLIDATED, LIST_SDN};
use crate::ofac_xml_util::{
    Feature, Node, XmlStream, apply_feature, clean, country_code, crypto_currency, date_span,
    expect_root, is_latin, name_part_kind, sdn_style_full,
};
use crate::{Input, ParseError, ParseOptions, Parsed, RowError};
use sanctum_model::{
    Address, DateSpec, Designation, Entity, EntityKind, IdKind, Identifier, Link, Name, NameKind,
    NamePart, PartialDate,
};
use std::collections::HashMap;

/// Reads an advanced XML publication. `list` names the Designation list for parties that no
/// SanctionsEntry places on a list.
pub fn parse(
    source: &str,
    list: &str,
    input: Input<'_>,
    opts: &ParseOptions,
) -> Result<Parsed, ParseError> {
    let mut xml = XmlStream::new(input, &opts.limits);
    expect_root(&mut xml, "Sanctions", "an OFAC advanced XML file")?;
    let mut parsed = Parsed::default();
    let mut refs = Refs::default();
    let mut locations: HashMap<String, Place> = HashMap::new();
    let mut documents: Vec<(String, u64, Identifier)> = Vec::new();
    let mut by_profile: HashMap<String, usize> = HashMap::new();
    let mut by_identity: HashMap<String, usize> = HashMap::new();
    let mut relationships: Vec<Node> = Vec::new();
    let mut entries: Vec<Node> = Vec::new();
    let mut section = String::new();

    while let Some(start) = xml.next_start()? {
        match start.depth {
            1 => match start.name.as_str() {
                "DateOfIssue" => {
                    let node = xml.read_node(start)?;
                    parsed.published = point(&node);
                }
                "ReferenceValueSets" => refs = Refs::from_node(xml.read_node(start)?),
                _ => section = start.name,
            },
            2 => match (section.as_str(), start.name.as_str()) {
                ("Locations", "Location") => {
                    let node = xml.read_node(start)?;
                    if let Some(id) = node.attr("ID") {
                        locations.insert(id.to_string(), Place::from_node(&node, &refs));
                    }
                }
                ("IDRegDocuments", "IDRegDocument") => {
                    let node = xml.read_node(start)?;
                    match (node.attr("IdentityID"), document(&node, &refs)) {
                        (Some(identity), Some(id)) => {
                            documents.push((identity.to_string(), node.line, id))
                        }
                        _ => {
                            let row = xml.row_error(
                                node.line,
                                "IDRegDocument without IdentityID or IDRegistrationNo",
                            );
                            parsed.reject_row(opts, row)?;
                        }
                    }
                }
                ("DistinctParties", "DistinctParty") => {
                    let node = xml.read_node(start)?;
                    match party(source, &node, &refs, &locations) {
                        Ok((entity, profiles, identities)) => {
                            let index = parsed.entities.len();
                            for p in profiles {
                                by_profile.insert(p, index);
                            }
                            for i in identities {
                                by_identity.insert(i, index);
                            }
                            parsed.entities.push(entity);
                        }
                        Err(reason) => parsed.reject_row(opts, xml.row_error(node.line, reason))?,
                    }
                }
                ("ProfileRelationships", "ProfileRelationship") => {
                    relationships.push(xml.read_node(start)?)
                }
                ("SanctionsEntries", "SanctionsEntry") => entries.push(xml.read_node(start)?),
                _ => {}
            },
            _ => {}
        }
    }

    let row = |line: u64, reason: String| RowError {
        file: xml.file().to_string(),
        line,
        reason,
    };
    for (identity, line, id) in documents {
        match by_identity.get(&identity) {
            Some(&i) => parsed.entities[i].identifiers.push(id),
            None => parsed.reject_row(
                opts,
                row(
                    line,
                    format!("IDRegDocument for unknown identity {identity}"),
                ),
            )?,
        }
    }
    for rel in &relationships {
        let (Some(from), Some(to)) = (rel.attr("From-ProfileID"), rel.attr("To-ProfileID")) else {
            parsed.reject_row(
                opts,
                row(rel.line, "ProfileRelationship without profiles".into()),
            )?;
            continue;
        };
        let Some(&from_index) = by_profile.get(from) else {
            let reason = format!("ProfileRelationship from unknown profile {from}");
            parsed.reject_row(opts, row(rel.line, reason))?;
            continue;
        };
        let target = by_profile.get(to).map(|&i| &parsed.entities[i]);
        let link = Link {
            relation: refs
                .text("RelationType", rel.attr("RelationTypeID"))
                .unwrap_or("Related To")
                .to_string(),
            target_name: target.map(|t| t.caption().to_string()),
            target_id: Some(target.map_or(to.to_string(), |t| t.source_id.clone())),
            record: rel.attr("ID").map(str::to_string),
        };
        parsed.entities[from_index].links.push(link);
    }
    for entry in &entries {
        let Some(&index) = entry.attr("ProfileID").and_then(|p| by_profile.get(p)) else {
            let reason = format!(
                "SanctionsEntry {} for unknown profile {}",
                entry.attr("ID").unwrap_or("?"),
                entry.attr("ProfileID").unwrap_or("?")
            );
            parsed.reject_row(opts, row(entry.line, reason))?;
            continue;
        };
        let designation = sanctions_entry(entry, &refs, list);
        parsed.entities[index].designations.push(designation);
    }
    for entity in &mut parsed.entities {
        if entity.designations.is_empty() {
            entity.designations.push(designation(list));
        }
    }
    Ok(parsed)
}

fn designation(list: &str) -> Designation {
    Designation {
        authority: AUTHORITY.to_string(),
        list: list.to_string(),
        programs: Vec::new(),
        listed_on: None,
        ended_on: None,
        legal_basis: Vec::new(),
        record: None,
    }
}

/// The lookup tables of ReferenceValueSets, by value element name ("AliasType") and ID.
#[derive(Default)]
struct Refs {
    sets: HashMap<String, HashMap<String, Node>>,
}

impl Refs {
    fn from_node(mut node: Node) -> Self {
        let mut sets: HashMap<String, HashMap<String, Node>> = HashMap::new();
        for mut values in std::mem::take(&mut node.children) {
            for value in std::mem::take(&mut values.children) {
                if let Some(id) = value.attr("ID").map(str::to_string) {
                    sets.entry(value.name.clone())
                        .or_default()
                        .insert(id, value);
                }
            }
        }
        Refs { sets }
    }

    fn node(&self, set: &str, id: Option<&str>) -> Option<&Node> {
        self.sets.get(set)?.get(id?)
    }

    fn text(&self, set: &str, id: Option<&str>) -> Option<&str> {
        self.node(set, id).and_then(Node::text)
    }

    /// The ISO code of a Country lookup value.
    fn country(&self, id: Option<&str>) -> Option<String> {
        let node = self.node("Country", id)?;
        node.attr("ISO2")
            .map(str::to_string)
            .or_else(|| node.text().and_then(country_code))
    }
}

/// A Location resolved through the lookups.
#[derive(Default)]
struct Place {
    address: Address,
    country: Option<String>,
    /// The location on one line, as text (a place of birth).
    text: String,
}

impl Place {
    fn from_node(node: &Node, refs: &Refs) -> Self {
        let mut place = Place::default();
        let country = node
            .children_named("LocationCountry")
            .find_map(|c| refs.country(c.attr("CountryID")))
            .or_else(|| {
                node.children_named("LocationAreaCode")
                    .find_map(|a| refs.text("AreaCode", a.attr("AreaCodeID")))
                    .and_then(country_code)
            });
        // The country as OFAC names it, for the one-line form of the place.
        let country_name = node
            .children_named("LocationCountry")
            .find_map(|c| refs.text("Country", c.attr("CountryID")));
        let mut words = Vec::new();
        for part in node.children_named("LocationPart") {
            let value = part
                .children_named("LocationPartValue")
                .find(|v| v.flag("Primary"))
                .or_else(|| part.child("LocationPartValue"))
                .and_then(|v| v.child_text("Value"))
                .map(clean);
            let Some(value) = value.filter(|v| !v.is_empty()) else {
                continue;
            };
            words.push(value.clone());
            let label = refs
                .text("LocPartType", part.attr("LocPartTypeID"))
                .unwrap_or("")
                .to_ascii_uppercase();
            let a = &mut place.address;
            match label.as_str() {
                "ADDRESS1" | "ADDRESS2" | "ADDRESS3" => a.lines.push(value),
                "CITY" => a.city = Some(value),
                "STATE/PROVINCE" => a.region = Some(value),
                "POSTAL CODE" => a.postal_code = Some(value),
                _ => {
                    // REGION, or a bare country name under an "Unknown" part.
                    let code = country_code(&value);
                    if code.is_some() && place.country.is_none() && country.is_none() {
                        place.country = code;
                    } else {
                        a.remarks = Some(value);
                    }
                }
            }
        }
        if country.is_some() {
            place.country = country;
        }
        place.address.country = place.country.clone();
        place.address.record = node.attr("ID").map(str::to_string);
        if let Some(code) = &place.country
            && !words
                .iter()
                .any(|w| country_code(w).as_deref() == Some(code))
        {
            words.push(country_name.unwrap_or(code).to_string());
        }
        place.text = words.join(", ");
        place
    }
}

/// A `Year/Month/Day` point.
fn point(node: &Node) -> Option<PartialDate> {
    let num = |n: &str| node.child_text(n).and_then(|t| t.parse::<u32>().ok());
    let year = u16::try_from(num("Year")?).ok()?;
    let month = num("Month").and_then(|m| u8::try_from(m).ok());
    let day = num("Day").and_then(|d| u8::try_from(d).ok());
    PartialDate::new(year, month, day.filter(|_| month.is_some())).ok()
}

/// A DatePeriod: Start and End, each a From–To span of days.
fn date_period(node: &Node) -> Option<DateSpec> {
    let boundary = |name: &str| {
        let b = node.child(name)?;
        let from = b.child("From").and_then(point);
        let to = b.child("To").and_then(point);
        let from = from.or(to)?;
        Some(((from, to.unwrap_or(from)), b.flag("Approximate")))
    };
    let start = boundary("Start");
    let end = boundary("End");
    let ((s, s_approx), (e, e_approx)) = match (start, end) {
        (Some(s), Some(e)) => (s, e),
        (Some(one), None) | (None, Some(one)) => (one, one),
        (None, None) => return None,
    };
    Some(date_span(s, e, s_approx || e_approx, false))
}

fn document(node: &Node, refs: &Refs) -> Option<Identifier> {
    let number = node.child_text("IDRegistrationNo").map(clean)?;
    let label = refs
        .text("IDRegDocType", node.attr("IDRegDocTypeID"))
        .unwrap_or("Document")
        .to_string();
    let kind = ofac_common::id_kind_for_label(&label).unwrap_or(IdKind::Other);
    let mut id = Identifier::new(kind.clone(), number);
    id.label = Some(if kind == IdKind::CryptoWallet {
        crypto_currency(&label)
    } else {
        label
    });
    id.country = refs.country(node.attr("IssuedBy-CountryID"));
    for date in node.children_named("DocumentDate") {
        let when = date
            .child("DatePeriod")
            .and_then(date_period)
            .map(|d| d.bounds().0);
        let which = refs
            .text("IDRegDocDateType", date.attr("IDRegDocDateTypeID"))
            .unwrap_or("")
            .to_ascii_lowercase();
        if which.contains("expir") {
            id.expires = when;
        } else if which.contains("issue") {
            id.issued = when;
        }
    }
    let mut notes: Vec<String> = Vec::new();
    notes.extend(node.child_text("IssuingAuthority").map(clean));
    notes.extend(node.child_text("Comment").map(clean));
    if let Some(validity) = refs.text("Validity", node.attr("ValidityID"))
        && !validity.eq_ignore_ascii_case("valid")
    {
        notes.push(validity.to_string());
    }
    notes.retain(|n| !n.is_empty());
    if !notes.is_empty() {
        id.note = Some(notes.join("; "));
    }
    id.record = node.attr("ID").map(str::to_string);
    Some(id)
}

type PartyParts = (Entity, Vec<String>, Vec<String>);

fn party(
    source: &str,
    node: &Node,
    refs: &Refs,
    locations: &HashMap<String, Place>,
) -> Result<PartyParts, String> {
    let fixed_ref = node
        .attr("FixedRef")
        .ok_or("DistinctParty without FixedRef")?;
    let profile = node
        .child("Profile")
        .ok_or_else(|| format!("DistinctParty {fixed_ref}: no Profile"))?;
    let kind = party_kind(refs, profile.attr("PartySubTypeID"));
    let mut entity = Entity::new(source, fixed_ref, kind);
    let profiles: Vec<String> = node
        .children_named("Profile")
        .filter_map(|p| p.attr("ID").map(str::to_string))
        .collect();
    let mut identities = Vec::new();
    for profile in node.children_named("Profile") {
        for identity in profile.children_named("Identity") {
            identities.extend(identity.attr("ID").map(str::to_string));
            add_names(&mut entity, identity, refs);
        }
        for feature in profile.children_named("Feature") {
            add_feature(&mut entity, feature, refs, locations);
        }
    }
    if !entity.names.iter().any(|n| n.kind == NameKind::Primary) {
        return Err(format!("DistinctParty {fixed_ref}: no primary name"));
    }
    Ok((entity, profiles, identities))
}

fn party_kind(refs: &Refs, sub_type_id: Option<&str>) -> EntityKind {
    let Some(sub) = refs.node("PartySubType", sub_type_id) else {
        return EntityKind::Unknown;
    };
    match sub.text() {
        Some(word) if !word.eq_ignore_ascii_case("unknown") => ofac_common::kind_from_type(word),
        _ => refs
            .text("PartyType", sub.attr("PartyTypeID"))
            .map_or(EntityKind::Unknown, ofac_common::kind_from_type),
    }
}

fn add_names(entity: &mut Entity, identity: &Node, refs: &Refs) {
    let groups: HashMap<&str, &str> = identity
        .children_named("NamePartGroups")
        .flat_map(|g| g.children_named("MasterNamePartGroup"))
        .flat_map(|m| m.children_named("NamePartGroup"))
        .filter_map(|g| Some((g.attr("ID")?, g.attr("NamePartTypeID")?)))
        .collect();
    for alias in identity.children_named("Alias") {
        let alias_type = refs
            .text("AliasType", alias.attr("AliasTypeID"))
            .unwrap_or("")
            .to_ascii_uppercase();
        let primary = alias.flag("Primary");
        let kind = if primary {
            NameKind::Primary
        } else if alias.flag("LowQuality") {
            NameKind::WeakAlias
        } else if alias_type == "F.K.A." {
            NameKind::Former
        } else {
            NameKind::Alias
        };
        for documented in alias.children_named("DocumentedName") {
            let mut parts = Vec::new();
            let mut script = None;
            for value in documented
                .children_named("DocumentedNamePart")
                .filter_map(|p| p.child("NamePartValue"))
            {
                let Some(text) = value.text().map(clean).filter(|t| !t.is_empty()) else {
                    continue;
                };
                let type_id = value.attr("NamePartGroupID").and_then(|g| groups.get(g));
                let label = refs.text("NamePartType", type_id.copied()).unwrap_or("");
                parts.push(NamePart {
                    kind: name_part_kind(label),
                    value: text,
                });
                if script.is_none() {
                    script = refs.node("Script", value.attr("ScriptID")).and_then(|s| {
                        s.attr("ScriptCode")
                            .or_else(|| s.text())
                            .map(str::to_string)
                    });
                }
            }
            if parts.is_empty() {
                continue;
            }
            let latin = is_latin(script.as_deref());
            let mut name = Name::new(
                sdn_style_full(&parts),
                if primary && !latin {
                    NameKind::OriginalScript
                } else {
                    kind
                },
            );
            name.parts = parts;
            name.script = script.filter(|_| !latin);
            name.record = documented.attr("ID").map(str::to_string);
            entity.push_name(name);
        }
    }
}

fn add_feature(
    entity: &mut Entity,
    feature: &Node,
    refs: &Refs,
    locations: &HashMap<String, Place>,
) {
    let label = refs
        .text("FeatureType", feature.attr("FeatureTypeID"))
        .unwrap_or("Feature")
        .to_string();
    let record = feature.attr("ID").map(str::to_string);
    for version in feature.children_named("FeatureVersion") {
        let place = version
            .children_named("VersionLocation")
            .find_map(|l| l.attr("LocationID").and_then(|id| locations.get(id)));
        if label.eq_ignore_ascii_case("location") {
            if let Some(place) = place
                && place.address != Address::default()
            {
                entity.addresses.push(place.address.clone());
            }
            continue;
        }
        let detail = version.children_named("VersionDetail").find_map(|d| {
            d.text().map(str::to_string).or_else(|| {
                refs.text("DetailReference", d.attr("DetailReferenceID"))
                    .map(str::to_string)
            })
        });
        let text = detail.or_else(|| place.map(|p| p.text.clone()).filter(|t| !t.is_empty()));
        apply_feature(
            entity,
            Feature {
                label: &label,
                text,
                date: version.child("DatePeriod").and_then(date_period),
                country: place.and_then(|p| p.country.clone()),
                record: record.clone(),
            },
        );
    }
}

fn list_name(published: &str) -> String {
    match published {
        "SDN List" => LIST_SDN.to_string(),
        "Consolidated List" => LIST_CONSOLIDATED.to_string(),
        other => other.to_string(),
    }
}

fn sanctions_entry(entry: &Node, refs: &Refs, default_list: &str) -> Designation {
    let mut d = designation(
        &refs
            .text("List", entry.attr("ListID"))
            .map_or(default_list.to_string(), list_name),
    );
    d.record = entry.attr("ID").map(str::to_string);
    for event in entry.children_named("EntryEvent") {
        if let Some(date) = event.child("Date").and_then(point)
            && d.listed_on.is_none_or(|l| date < l)
        {
            d.listed_on = Some(date);
        }
        if let Some(basis) = refs.text("LegalBasis", event.attr("LegalBasisID"))
            && !basis.eq_ignore_ascii_case("unknown")
            && !d.legal_basis.iter().any(|b| b == basis)
        {
            d.legal_basis.push(basis.to_string());
        }
    }
    for measure in entry.children_named("SanctionsMeasure") {
        let is_program = refs
            .text("SanctionsType", measure.attr("SanctionsTypeID"))
            .is_some_and(|t| t.eq_ignore_ascii_case("program"));
        if let Some(program) = measure.child_text("Comment").filter(|_| is_program) {
            let program = clean(program);
            if !program.is_empty() && !d.programs.contains(&program) {
                d.programs.push(program);
            }
        }
    }
    d
}
