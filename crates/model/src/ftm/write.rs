//! Parties → FtM objects → JSON lines (the mapping is in the module docs of [`super`]).

use super::ids::{self, SubKind};
use super::values;
use super::{Props, is_legal_entity, schema_of};
use crate::{DateSpec, Entity, EntityKind, Gender, IdKind, NameKind, NamePartKind};
use serde::Serialize;
use std::collections::HashSet;
use std::io::Write;

/// Where an FtM object written for a party comes from: the party, or the n-th designation,
/// identifier, address or link of it (or that link's far end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    Party,
    Designation(usize),
    Identifier(usize),
    Address(usize),
    Link(usize),
    LinkObject(usize),
}

impl Origin {
    pub(crate) fn index(self) -> usize {
        match self {
            Origin::Party => 0,
            Origin::Designation(n)
            | Origin::Identifier(n)
            | Origin::Address(n)
            | Origin::Link(n)
            | Origin::LinkObject(n) => n,
        }
    }

    /// The tag ids of the old scheme gave this object (`{party}.{tag}.{n}`).
    pub(crate) fn legacy_tag(self, e: &Entity) -> Option<&'static str> {
        match self {
            Origin::Designation(_) => Some("sanction"),
            Origin::Address(_) => Some("addr"),
            Origin::Link(_) => Some("link"),
            Origin::Identifier(n) => e.identifiers.get(n).map(|i| i.kind.as_str()),
            Origin::Party | Origin::LinkObject(_) => None,
        }
    }
}

/// One FtM entity about to be written.
pub(crate) struct Object {
    pub id: String,
    pub schema: &'static str,
    pub caption: Option<String>,
    pub props: Props,
    /// OpenSanctions' `target`: true for a listed party, false for everything else.
    pub target: bool,
    pub origin: Origin,
}

#[derive(Serialize)]
struct OutLine<'a> {
    id: &'a str,
    schema: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    caption: Option<&'a str>,
    properties: &'a Props,
    datasets: [&'a str; 1],
    target: bool,
}

pub(crate) fn push(props: &mut Props, key: &str, value: impl Into<String>) {
    let value = value.into();
    if !value.is_empty() {
        props.entry(key.to_string()).or_default().push(value);
    }
}

/// The prefix of a `description` value that stands for a value of `key` FtM's type refuses.
pub(crate) fn routed(key: &str, value: &str) -> String {
    format!("{key}: {value}")
}

/// A country-typed value: in `key` as FtM's lower-case code when FtM knows the code, else
/// kept whole in `description` as `{key}: {value}` (FtM would drop it from `key`).
fn push_country(props: &mut Props, key: &str, code: &str) {
    if values::country_ok(code) {
        push(props, key, code.trim().to_ascii_lowercase());
    } else {
        push(props, "description", routed(key, code));
    }
}

fn gender_str(g: Gender) -> &'static str {
    match g {
        Gender::Male => "male",
        Gender::Female => "female",
        Gender::Other => "other",
    }
}

/// The party property that carries an identifier of this kind, where the schema has one.
fn party_id_property(kind: &IdKind, entity: EntityKind) -> Option<&'static str> {
    let legal = is_legal_entity(entity);
    match kind {
        IdKind::Passport if entity == EntityKind::Person => Some("passportNumber"),
        IdKind::NationalId if legal => Some("idNumber"),
        IdKind::TaxId if legal => Some("taxNumber"),
        IdKind::Registration if legal || entity == EntityKind::Vessel => Some("registrationNumber"),
        IdKind::SwiftBic if legal => Some("swiftBic"),
        IdKind::Lei if legal => Some("leiCode"),
        IdKind::Email if legal => Some("email"),
        IdKind::Website if legal => Some("website"),
        IdKind::Phone if legal => Some("phone"),
        IdKind::Imo if entity == EntityKind::Vessel => Some("imoNumber"),
        IdKind::Mmsi if entity == EntityKind::Vessel => Some("mmsi"),
        IdKind::CallSign if entity == EntityKind::Vessel => Some("callSign"),
        IdKind::AircraftTail if entity == EntityKind::Aircraft => Some("registrationNumber"),
        IdKind::AircraftSerial if entity == EntityKind::Aircraft => Some("serialNumber"),
        _ => None,
    }
}

/// The canonical JSON of a derived entity's properties, which its id hashes.
fn content(props: &Props) -> String {
    serde_json::to_string(props).unwrap_or_default()
}

/// The party's own properties (everything but the references to its sub-entities).
fn party_props(e: &Entity) -> Props {
    let kind = e.kind;
    let person = kind == EntityKind::Person;
    let legal = is_legal_entity(kind);
    let mut p = Props::new();
    for n in &e.names {
        let key = match n.kind {
            NameKind::Primary => "name",
            NameKind::Alias | NameKind::OriginalScript => "alias",
            NameKind::WeakAlias => "weakAlias",
            NameKind::Former => "previousName",
        };
        push(&mut p, key, &n.full);
    }
    let primary = e.names.iter().find(|n| n.kind == NameKind::Primary);
    // FtM requires a `name`: a party listed under aliases only gets its first one there too.
    if let (None, Some(first)) = (primary, e.names.first()) {
        push(&mut p, "name", &first.full);
    }
    if let (true, Some(primary)) = (person, primary) {
        for part in &primary.parts {
            let key = match part.kind {
                NamePartKind::Given => "firstName",
                NamePartKind::Middle => "middleName",
                NamePartKind::Family => "lastName",
                NamePartKind::Patronymic => "fatherName",
                NamePartKind::Matronymic => "motherName",
                NamePartKind::Whole | NamePartKind::Other => continue,
            };
            push(&mut p, key, &part.value);
        }
    }
    let date_key = if person {
        Some("birthDate")
    } else if legal {
        Some("incorporationDate")
    } else {
        None
    };
    if let Some(key) = date_key {
        for d in &e.birth_dates {
            match d.date {
                DateSpec::Exact(x) | DateSpec::Circa(x) => push(&mut p, key, x.to_string()),
                DateSpec::Range(a, b) => {
                    push(&mut p, key, a.to_string());
                    push(&mut p, key, b.to_string());
                }
            }
        }
    }
    if person {
        for t in &e.birth_places {
            push(&mut p, "birthPlace", &t.value);
        }
        for c in &e.nationalities {
            push_country(&mut p, "nationality", &c.code);
        }
        for c in &e.citizenships {
            push_country(&mut p, "citizenship", &c.code);
        }
        if let Some(g) = e.gender {
            push(&mut p, "gender", gender_str(g));
        }
        for t in &e.titles {
            push(&mut p, "title", &t.value);
        }
        for t in &e.positions {
            push(&mut p, "position", &t.value);
        }
    } else if legal {
        for c in &e.nationalities {
            push_country(&mut p, "jurisdiction", &c.code);
        }
    }
    for c in &e.countries {
        push_country(&mut p, "country", &c.code);
    }
    for r in &e.remarks {
        push(&mut p, "notes", &r.value);
    }
    if matches!(kind, EntityKind::Vessel | EntityKind::Aircraft) {
        let c = &e.craft;
        let type_key = if kind == EntityKind::Vessel {
            "type"
        } else {
            "model"
        };
        if let Some(t) = &c.craft_type {
            push(&mut p, type_key, t);
        }
        if let Some(b) = c.build_date {
            push(&mut p, "buildDate", b.to_string());
        }
        if kind == EntityKind::Vessel {
            if let Some(f) = &c.flag {
                push_country(&mut p, "flag", f);
            }
            if let Some(t) = &c.tonnage {
                push(&mut p, "tonnage", t);
            }
            if let Some(t) = &c.gross_registered_tonnage {
                push(&mut p, "grossRegisteredTonnage", t);
            }
        }
    }
    // The number also goes to the party's own property where FtM keeps it there; it is
    // always in the Identification entity, whose `number` keeps any text.
    for id in &e.identifiers {
        if let Some(key) = party_id_property(&id.kind, kind)
            && values::party_value_ok(key, &id.value)
        {
            push(&mut p, key, &id.value);
        }
    }
    for a in &e.addresses {
        push(&mut p, "address", a.full());
    }
    if !e.designations.is_empty() {
        push(&mut p, "topics", "sanction");
    }
    p
}

/// The FtM objects of one party: the party first, then its sanctions, identifications,
/// addresses, links and links' far ends. `listed` says whether a party id is in the file
/// (a link to it needs no far end of its own).
pub(crate) fn objects(e: &Entity, listed: &dyn Fn(&str) -> bool) -> Vec<Object> {
    let party = ids::entity_id(e);
    let (_, publisher_id) = ids::publisher_of(&e.source, &e.source_id);
    let mut taken: HashSet<String> = HashSet::new();
    taken.insert(party.clone());
    let mut subs: Vec<Object> = Vec::new();
    let sub = |kind: SubKind,
               schema: &'static str,
               props: Props,
               origin: Origin,
               taken: &mut HashSet<String>| {
        let id = ids::derived_id(&party, &kind, &content(&props), taken);
        Object {
            id,
            schema,
            caption: None,
            props,
            target: false,
            origin,
        }
    };

    for (n, d) in e.designations.iter().enumerate() {
        let mut s = Props::new();
        push(&mut s, "authority", &d.authority);
        push(&mut s, "summary", &d.list);
        for prog in &d.programs {
            push(&mut s, "program", prog);
        }
        if let Some(x) = d.listed_on {
            push(&mut s, "listingDate", x.to_string());
        }
        if let Some(x) = d.ended_on {
            push(&mut s, "endDate", x.to_string());
        }
        for basis in &d.legal_basis {
            push(&mut s, "provisions", basis);
        }
        push(&mut s, "authorityId", publisher_id);
        if let Some(r) = &d.record {
            push(&mut s, "recordId", r);
        }
        let mut o = sub(
            SubKind::Sanction,
            "Sanction",
            s,
            Origin::Designation(n),
            &mut taken,
        );
        push(&mut o.props, "entity", &party);
        subs.push(o);
    }
    for (n, i) in e.identifiers.iter().enumerate() {
        let mut s = Props::new();
        let kind = SubKind::Identifier(i.kind.clone());
        if let Some(c) = &i.country {
            push_country(&mut s, "country", c);
        }
        if let Some(note) = &i.note {
            push(&mut s, "summary", note);
        }
        if i.kind == IdKind::CryptoWallet {
            push(&mut s, "publicKey", &i.value);
            if let Some(l) = &i.label {
                push(&mut s, "currency", l);
            }
            let mut o = sub(kind, "CryptoWallet", s, Origin::Identifier(n), &mut taken);
            push(&mut o.props, "holder", &party);
            subs.push(o);
            continue;
        }
        push(&mut s, "number", &i.value);
        if let Some(l) = &i.label {
            push(&mut s, "type", l);
        }
        if let Some(d) = i.issued {
            push(&mut s, "startDate", d.to_string());
        }
        if let Some(d) = i.expires {
            push(&mut s, "endDate", d.to_string());
        }
        if let Some(r) = &i.record {
            push(&mut s, "recordId", r);
        }
        let schema = if i.kind == IdKind::Passport {
            "Passport"
        } else {
            "Identification"
        };
        let mut o = sub(kind, schema, s, Origin::Identifier(n), &mut taken);
        push(&mut o.props, "holder", &party);
        subs.push(o);
    }
    let mut address_ids = Vec::new();
    for (n, a) in e.addresses.iter().enumerate() {
        let mut s = Props::new();
        push(&mut s, "full", a.full());
        for line in &a.lines {
            push(&mut s, "street", line);
        }
        for (key, v) in [
            ("city", &a.city),
            ("region", &a.region),
            ("postalCode", &a.postal_code),
            ("remarks", &a.remarks),
        ] {
            if let Some(v) = v {
                push(&mut s, key, v);
            }
        }
        if let Some(c) = &a.country {
            push_country(&mut s, "country", c);
        }
        let o = sub(
            SubKind::Address,
            "Address",
            s,
            Origin::Address(n),
            &mut taken,
        );
        address_ids.push(o.id.clone());
        subs.push(o);
    }
    let mut far_ends = Vec::new();
    for (n, l) in e.links.iter().enumerate() {
        let mut s = Props::new();
        let target = l.target_id.as_ref().map(|t| ids::party_id(&e.source, t));
        if let Some(t) = &target {
            push(&mut s, "object", t);
        }
        push(&mut s, "role", &l.relation);
        if let Some(name) = &l.target_name {
            push(&mut s, "summary", name);
        }
        if let Some(r) = &l.record {
            push(&mut s, "recordId", r);
        }
        let mut o = sub(SubKind::Link, "UnknownLink", s, Origin::Link(n), &mut taken);
        push(&mut o.props, "subject", &party);
        // FtM wants both ends: a far end that is no party of the file is written as a
        // LegalEntity with the name the link gives (the target's own id if it has one).
        let far_end = match target {
            Some(t) if listed(&t) => None,
            Some(t) => Some(t),
            None => {
                let id = ids::link_object_id(&o.id);
                push(&mut o.props, "object", &id);
                Some(id)
            }
        };
        if let Some(id) = far_end {
            let name = l
                .target_name
                .clone()
                .or_else(|| l.target_id.clone())
                .unwrap_or_else(|| l.relation.clone());
            let mut props = Props::new();
            push(&mut props, "name", name.clone());
            far_ends.push(Object {
                id,
                schema: "LegalEntity",
                caption: Some(name),
                props,
                target: false,
                origin: Origin::LinkObject(n),
            });
        }
        subs.push(o);
    }

    let mut p = party_props(e);
    for id in address_ids {
        push(&mut p, "addressEntity", id);
    }
    let mut out = Vec::with_capacity(1 + subs.len() + far_ends.len());
    out.push(Object {
        id: party,
        schema: schema_of(e.kind),
        caption: Some(e.caption().to_string()),
        props: p,
        target: true,
        origin: Origin::Party,
    });
    out.extend(subs);
    out.extend(far_ends);
    out
}

/// The ids of a party's sub-entities, by origin (for [`super::LegacyId::resolve`]).
pub(crate) fn sub_entity_ids(e: &Entity) -> Vec<(Origin, String)> {
    objects(e, &|_| false)
        .into_iter()
        .filter(|o| o.origin != Origin::Party)
        .map(|o| (o.origin, o.id))
        .collect()
}

fn write_object(out: &mut impl Write, o: &Object, dataset: &str) -> std::io::Result<()> {
    let line = OutLine {
        id: &o.id,
        schema: o.schema,
        caption: o.caption.as_deref(),
        properties: &o.props,
        datasets: [dataset],
        target: o.target,
    };
    serde_json::to_writer(&mut *out, &line)?;
    out.write_all(b"\n")
}

/// Writes parties as one FtM file: a link to a party of the file points at it; the far end
/// of any other link is written once, however many links name it.
pub struct FtmWriter {
    parties: HashSet<String>,
    far_ends: HashSet<String>,
}

impl FtmWriter {
    /// A writer for a file holding these parties.
    pub fn new<'a>(parties: impl IntoIterator<Item = &'a Entity>) -> Self {
        FtmWriter {
            parties: parties.into_iter().map(ids::entity_id).collect(),
            far_ends: HashSet::new(),
        }
    }

    /// Writes a party and its sub-entities as FtM JSON lines.
    pub fn write(&mut self, e: &Entity, out: &mut impl Write) -> std::io::Result<()> {
        let (dataset, _) = ids::publisher_of(&e.source, &e.source_id);
        for o in objects(e, &|id| self.parties.contains(id)) {
            if o.origin == Origin::Party && !self.parties.contains(&o.id) {
                self.parties.insert(o.id.clone());
            }
            if matches!(o.origin, Origin::LinkObject(_)) && !self.far_ends.insert(o.id.clone()) {
                continue;
            }
            write_object(out, &o, dataset)?;
        }
        Ok(())
    }
}

/// Writes a party and its sub-entities as FtM JSON lines, as if it were alone in its file.
pub fn write_entity(e: &Entity, out: &mut impl Write) -> std::io::Result<()> {
    FtmWriter::new([e]).write(e, out)
}

/// Writes parties as one FtM file (see [`FtmWriter`]).
pub fn write_entities(entities: &[Entity], out: &mut impl Write) -> std::io::Result<()> {
    let mut writer = FtmWriter::new(entities);
    for e in entities {
        writer.write(e, out)?;
    }
    Ok(())
}
