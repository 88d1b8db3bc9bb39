//! FtM JSON lines → parties (the mapping is in the module docs of [`super`]).

use super::ids::{self, SubKind};
use super::write::routed;
use super::{FtmError, FtmRead, Props, values};
use crate::{
    Address, CountryValue, DateSpec, DateValue, Designation, Entity, EntityKind, Gender, IdKind,
    Identifier, Link, Name, NameKind, NamePart, NamePartKind, PartialDate, Text,
};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::BufRead;

/// How parties get their source and publisher id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadOptions<'a> {
    /// The source of parties whose id does not say theirs (or of every party, with
    /// `import`).
    pub source: &'a str,
    /// Collect unreadable lines in [`FtmRead::errors`] instead of ending the read.
    pub lenient: bool,
    /// Read the file as one publication of `source` (an FtM import): every party gets
    /// `source`; a party of a sanctum export gets the publisher id `{dataset}:{publisher id}`
    /// (so that it is written back as it was), any other party its FtM id.
    pub import: bool,
}

/// Properties that sanctum writes to `description` as `{property}: {value}` when FtM's type
/// for the property refuses the value (see the writer).
const ROUTED: [&str; 5] = [
    "country",
    "nationality",
    "citizenship",
    "jurisdiction",
    "flag",
];

#[derive(Deserialize)]
struct InLine {
    id: Option<String>,
    schema: Option<String>,
    #[serde(default)]
    properties: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    datasets: Vec<String>,
    #[serde(default)]
    target: Option<bool>,
}

/// One FtM entity as read, its property values as strings.
struct Raw {
    id: String,
    schema: String,
    props: Props,
    datasets: Vec<String>,
    target: Option<bool>,
}

impl Raw {
    fn all(&self, key: &str) -> &[String] {
        self.props.get(key).map(Vec::as_slice).unwrap_or(&[])
    }
    fn first(&self, key: &str) -> Option<String> {
        self.all(key).first().cloned()
    }
    /// A link's far end as sanctum writes it: a LegalEntity that is no target, with a name
    /// and nothing else.
    fn is_far_end(&self) -> bool {
        self.schema == "LegalEntity"
            && self.target == Some(false)
            && self.props.len() == 1
            && self.all("name").len() == 1
    }
}

fn strings_of(v: serde_json::Value) -> Vec<String> {
    match v {
        serde_json::Value::String(s) => vec![s],
        serde_json::Value::Number(n) => vec![n.to_string()],
        serde_json::Value::Array(items) => items.into_iter().flat_map(strings_of).collect(),
        _ => Vec::new(),
    }
}

/// Puts `{property}: {value}` descriptions back into their property (see [`ROUTED`]).
fn unroute(props: &mut Props) {
    let Some(descriptions) = props.remove("description") else {
        return;
    };
    let mut kept = Vec::new();
    for d in descriptions {
        let back = ROUTED.iter().find_map(|key| {
            let prefix = routed(key, "");
            d.strip_prefix(&prefix).map(|v| (*key, v.to_string()))
        });
        match back {
            Some((key, value)) => props.entry(key.to_string()).or_default().push(value),
            None => kept.push(d),
        }
    }
    if !kept.is_empty() {
        props.insert("description".to_string(), kept);
    }
}

fn parse_line(text: &str, line: u64) -> Result<Raw, FtmError> {
    let err = |reason: String| FtmError { line, reason };
    let parsed: InLine =
        serde_json::from_str(text).map_err(|e| err(format!("invalid JSON: {e}")))?;
    let id = parsed
        .id
        .filter(|s| !s.is_empty())
        .ok_or_else(|| err("entity without an id".to_string()))?;
    let schema = parsed
        .schema
        .filter(|s| !s.is_empty())
        .ok_or_else(|| err(format!("entity {id} without a schema")))?;
    let mut props: Props = parsed
        .properties
        .into_iter()
        .map(|(k, v)| (k, strings_of(v)))
        .collect();
    unroute(&mut props);
    Ok(Raw {
        id,
        schema,
        props,
        datasets: parsed.datasets,
        target: parsed.target,
    })
}

fn kind_of_schema(schema: &str) -> Option<EntityKind> {
    Some(match schema {
        "Person" => EntityKind::Person,
        "Organization" | "Company" | "PublicBody" => EntityKind::Organization,
        "Vessel" => EntityKind::Vessel,
        "Airplane" => EntityKind::Aircraft,
        "LegalEntity" => EntityKind::Unknown,
        _ => return None,
    })
}

/// Party properties read as identifiers, for files sanctum did not write.
const PARTY_ID_PROPERTIES: [(&str, IdKind, Option<&str>); 16] = [
    ("passportNumber", IdKind::Passport, None),
    ("idNumber", IdKind::NationalId, None),
    ("taxNumber", IdKind::TaxId, None),
    ("innCode", IdKind::TaxId, Some("INN")),
    ("vatCode", IdKind::TaxId, Some("VAT")),
    ("ogrnCode", IdKind::Registration, Some("OGRN")),
    ("registrationNumber", IdKind::Registration, None),
    ("swiftBic", IdKind::SwiftBic, None),
    ("leiCode", IdKind::Lei, None),
    ("imoNumber", IdKind::Imo, None),
    ("mmsi", IdKind::Mmsi, None),
    ("callSign", IdKind::CallSign, None),
    ("serialNumber", IdKind::AircraftSerial, None),
    ("email", IdKind::Email, None),
    ("website", IdKind::Website, None),
    ("phone", IdKind::Phone, None),
];

/// Relationship schemas and the properties naming their two ends.
const LINK_SCHEMAS: [(&str, &str, &str); 9] = [
    ("UnknownLink", "subject", "object"),
    ("Ownership", "owner", "asset"),
    ("Directorship", "director", "organization"),
    ("Family", "person", "relative"),
    ("Associate", "person", "associate"),
    ("Employment", "employee", "employer"),
    ("Membership", "member", "organization"),
    ("Representation", "agent", "client"),
    ("Occupancy", "holder", "post"),
];

/// A country as sanctum holds it: FtM's lower-case codes in upper case; anything else (a
/// value FtM refused, which sanctum wrote to `description`) as written.
fn country_in(code: &str) -> String {
    if values::country_ok(code) {
        code.trim().to_ascii_uppercase()
    } else {
        code.to_string()
    }
}

/// The position and record in a sub-entity id of the old scheme, `{holder}.{tag}.{n}[.{record}]`.
fn parse_legacy_sub_id<'a>(id: &'a str, holder: &str) -> Option<(&'a str, Option<String>)> {
    let rest = id.strip_prefix(holder)?.strip_prefix('.')?;
    let mut it = rest.splitn(3, '.');
    let tag = it.next()?;
    let n = it.next()?;
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((tag, it.next().map(str::to_string)))
}

/// A sub-entity's record: its `recordId`, or the record in an old-scheme id.
fn record_of(s: &Raw, holder: &str, legacy_tag: &str) -> Option<String> {
    s.first("recordId").or_else(|| {
        parse_legacy_sub_id(&s.id, holder)
            .filter(|(t, _)| *t == legacy_tag)
            .and_then(|(_, r)| r)
    })
}

fn date_of(text: &str) -> Option<PartialDate> {
    text.parse().ok()
}

/// The identifier kind of an Identification from elsewhere, from its schema and type label.
fn classify_identification(schema: &str, label: Option<&str>) -> IdKind {
    if schema == "Passport" {
        return IdKind::Passport;
    }
    let l = label.unwrap_or("").to_ascii_lowercase();
    if l.contains("passport") {
        IdKind::Passport
    } else if l.contains("tax") || l.contains("inn") || l.contains("vat") {
        IdKind::TaxId
    } else if l.contains("regist") || l.contains("ogrn") {
        IdKind::Registration
    } else if l.contains("national") || l.contains("identity") || l.contains("id card") {
        IdKind::NationalId
    } else {
        IdKind::Other
    }
}

/// Reads FtM JSON lines into parties; the first unreadable line is an error.
pub fn read_entities(input: impl BufRead, default_source: &str) -> Result<Vec<Entity>, FtmError> {
    read_ftm(input, default_source, false).map(|r| r.entities)
}

/// Reads FtM JSON lines into parties, counting what it skips. In lenient mode unreadable
/// lines are collected in [`FtmRead::errors`] instead of ending the read.
pub fn read_ftm(
    input: impl BufRead,
    default_source: &str,
    lenient: bool,
) -> Result<FtmRead, FtmError> {
    read_ftm_with(
        input,
        ReadOptions {
            source: default_source,
            lenient,
            import: false,
        },
    )
}

/// Where a party of the file comes from, as its id and datasets say.
struct Origin {
    source: String,
    source_id: String,
    /// The dataset whose id scheme the party's id follows (a sanctum export's party).
    dataset: Option<String>,
}

/// The source and publisher id of a party line (see the module docs, "Reading").
fn origin_of(p: &Raw, sanctions: &[Raw], opts: &ReadOptions<'_>) -> Origin {
    let fallback = Origin {
        source: opts.source.to_string(),
        source_id: p.id.clone(),
        dataset: None,
    };
    let [dataset] = p.datasets.as_slice() else {
        return fallback;
    };
    if ids::is_import_source(dataset) {
        return fallback;
    }
    // This scheme: `{slug}-{publisher id}` or `{slug}-{hash}`, the publisher id then in the
    // sanctions' `authorityId`.
    let publisher = ids::source_id_in(&p.id, dataset).map(|rest| {
        sanctions
            .iter()
            .filter_map(|s| s.first("authorityId"))
            .find(|a| ids::party_id(dataset, a) == p.id)
            .unwrap_or(rest)
    });
    let publisher = publisher
        .filter(|id| ids::party_id(dataset, id) == p.id)
        // The old scheme: `{source}-{publisher id}`.
        .or_else(|| {
            p.id.strip_prefix(dataset.as_str())
                .and_then(|r| r.strip_prefix('-'))
                .filter(|r| !r.is_empty())
                .map(str::to_string)
        });
    match publisher {
        Some(id) if opts.import && dataset != opts.source => Origin {
            source: opts.source.to_string(),
            source_id: format!("{dataset}:{id}"),
            dataset: Some(dataset.clone()),
        },
        Some(id) => Origin {
            source: dataset.clone(),
            source_id: id,
            dataset: Some(dataset.clone()),
        },
        None => fallback,
    }
}

/// Reads FtM JSON lines into parties as `opts` says, counting what it skips.
pub fn read_ftm_with(input: impl BufRead, opts: ReadOptions<'_>) -> Result<FtmRead, FtmError> {
    let mut out = FtmRead::default();
    let mut parties: Vec<Raw> = Vec::new();
    let mut subs: HashMap<String, Vec<Raw>> = HashMap::new();
    let mut addresses: HashMap<String, Raw> = HashMap::new();
    let mut links: Vec<Raw> = Vec::new();
    let mut fragments: HashMap<String, usize> = HashMap::new();

    for (i, line) in input.lines().enumerate() {
        let line_no = i as u64 + 1;
        let text = line.map_err(|e| FtmError {
            line: line_no,
            reason: format!("read error: {e}"),
        })?;
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let raw = match parse_line(text, line_no) {
            Ok(raw) => raw,
            Err(e) if opts.lenient => {
                out.errors.push(e);
                continue;
            }
            Err(e) => return Err(e),
        };
        let holder_key = match raw.schema.as_str() {
            "Sanction" => Some("entity"),
            "Identification" | "Passport" | "CryptoWallet" => Some("holder"),
            _ => None,
        };
        if kind_of_schema(&raw.schema).is_some() {
            // Lines with the same id are fragments of one entity (FtM's convention).
            match fragments.get(&raw.id).and_then(|&i| parties.get_mut(i)) {
                Some(first) => {
                    for (key, values) in raw.props {
                        let into = first.props.entry(key).or_default();
                        for v in values {
                            if !into.contains(&v) {
                                into.push(v);
                            }
                        }
                    }
                }
                None => {
                    fragments.insert(raw.id.clone(), parties.len());
                    parties.push(raw);
                }
            }
        } else if let Some(key) = holder_key {
            match raw.first(key) {
                Some(h) => subs.entry(h).or_default().push(raw),
                None => *out.skipped.entry(raw.schema).or_default() += 1,
            }
        } else if raw.schema == "Address" {
            addresses.insert(raw.id.clone(), raw);
        } else if LINK_SCHEMAS.iter().any(|(s, _, _)| *s == raw.schema) {
            links.push(raw);
        } else {
            *out.skipped.entry(raw.schema).or_default() += 1;
        }
    }

    // A link's far end that sanctum wrote is no party: its name is the link's `summary`.
    let link_objects: HashSet<&str> = links
        .iter()
        .filter(|l| l.schema == "UnknownLink")
        .filter_map(|l| l.all("object").first().map(String::as_str))
        .collect();
    let far_ends: HashSet<String> = parties
        .iter()
        .filter(|p| p.is_far_end() && link_objects.contains(p.id.as_str()))
        .map(|p| p.id.clone())
        .collect();
    if !far_ends.is_empty() {
        parties.retain(|p| !far_ends.contains(&p.id));
    }
    let party_index: HashMap<String, usize> = parties
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.clone(), i))
        .collect();

    let no_subs: Vec<Raw> = Vec::new();
    let origins: Vec<Origin> = parties
        .iter()
        .map(|p| {
            let sanctions = subs.get(&p.id).unwrap_or(&no_subs);
            origin_of(p, sanctions, &opts)
        })
        .collect();
    let mut entities: Vec<Entity> = parties
        .iter()
        .zip(&origins)
        .map(|(p, o)| party_entity(p, o))
        .collect();
    let mut used_addresses: HashSet<String> = HashSet::new();

    for (idx, p) in parties.iter().enumerate() {
        let Some(e) = entities.get_mut(idx) else {
            continue;
        };
        // Addresses the party references, then its plain address texts not covered by them.
        for addr_id in p.all("addressEntity") {
            if let Some(a) = addresses.get(addr_id) {
                used_addresses.insert(addr_id.clone());
                let mut address = address_of(a);
                address.record = parse_legacy_sub_id(&a.id, &p.id)
                    .filter(|(t, _)| *t == "addr")
                    .and_then(|(_, r)| r);
                e.addresses.push(address);
            }
        }
        let covered: HashSet<String> = e
            .addresses
            .iter()
            .map(Address::full)
            .chain(
                p.all("addressEntity")
                    .iter()
                    .filter_map(|id| addresses.get(id))
                    .flat_map(|a| a.all("full").iter().cloned()),
            )
            .collect();
        for text in p.all("address") {
            if !covered.contains(text) {
                e.addresses.push(Address {
                    lines: vec![text.clone()],
                    ..Address::default()
                });
            }
        }
        for s in subs.remove(&p.id).unwrap_or_default() {
            attach_sub(e, &p.id, &s);
        }
        // Party-level numbers not already given by an Identification.
        for (key, kind, label) in PARTY_ID_PROPERTIES.iter() {
            for v in p.all(key) {
                if e.identifiers.iter().any(|i| &i.value == v) {
                    continue;
                }
                let kind = match (key, e.kind) {
                    (&"registrationNumber", EntityKind::Aircraft) => IdKind::AircraftTail,
                    _ => kind.clone(),
                };
                let mut id = Identifier::new(kind, v.clone());
                id.label = label.map(str::to_string);
                e.identifiers.push(id);
            }
        }
    }
    for (_, rest) in subs {
        for s in rest {
            *out.skipped.entry(s.schema).or_default() += 1;
        }
    }
    for (id, a) in addresses {
        if !used_addresses.contains(&id) {
            *out.skipped.entry(a.schema).or_default() += 1;
        }
    }
    for l in links {
        let Some((_, from_key, to_key)) = LINK_SCHEMAS.iter().find(|(s, _, _)| *s == l.schema)
        else {
            continue;
        };
        let from = l.first(from_key);
        let to = l.first(to_key);
        let relation = l
            .first("role")
            .or_else(|| l.first("relationship"))
            .unwrap_or_else(|| l.schema.clone());
        let at = |end: &Option<String>| end.as_ref().and_then(|id| party_index.get(id).copied());
        let (holder, other, relation) = match (at(&from), at(&to)) {
            (Some(h), _) => (h, to, relation),
            (None, Some(h)) => (h, from, format!("{relation} (as {to_key})")),
            (None, None) => {
                *out.skipped.entry(l.schema.clone()).or_default() += 1;
                continue;
            }
        };
        let target_id = other.and_then(|o| {
            if far_ends.contains(&o) && o == ids::link_object_id(&l.id) {
                // A far end of the link's own: the link names no listed party.
                return None;
            }
            if let Some(&i) = party_index.get(&o) {
                return origins.get(i).map(|t| t.source_id.clone());
            }
            // A listed party the file lacks: the id it would have, in the holder's dataset.
            let dataset = origins.get(holder).and_then(|h| h.dataset.as_deref());
            match dataset.and_then(|d| ids::source_id_in(&o, d).map(|rest| (d, rest))) {
                Some((d, rest)) if opts.import => Some(format!("{d}:{rest}")),
                Some((_, rest)) => Some(rest),
                None => Some(o),
            }
        });
        let Some(e) = entities.get_mut(holder) else {
            continue;
        };
        let Some(p) = parties.get(holder) else {
            continue;
        };
        e.links.push(Link {
            relation,
            target_name: l.first("summary"),
            target_id,
            record: record_of(&l, &p.id, "link"),
        });
    }
    out.entities = entities;
    Ok(out)
}

fn party_entity(p: &Raw, origin: &Origin) -> Entity {
    let kind = kind_of_schema(&p.schema).unwrap_or(EntityKind::Unknown);
    let mut e = Entity::new(origin.source.clone(), origin.source_id.clone(), kind);
    for (key, name_kind) in [
        ("name", NameKind::Primary),
        ("alias", NameKind::Alias),
        ("weakAlias", NameKind::WeakAlias),
        ("previousName", NameKind::Former),
    ] {
        for v in p.all(key) {
            e.push_name(Name::new(v.clone(), name_kind));
        }
    }
    let mut parts = Vec::new();
    for (key, part_kind) in [
        ("firstName", NamePartKind::Given),
        ("middleName", NamePartKind::Middle),
        ("secondName", NamePartKind::Middle),
        ("lastName", NamePartKind::Family),
        ("fatherName", NamePartKind::Patronymic),
        ("motherName", NamePartKind::Matronymic),
    ] {
        for v in p.all(key) {
            parts.push(NamePart {
                kind: part_kind,
                value: v.clone(),
            });
        }
    }
    if let Some(primary) = e.names.iter_mut().find(|n| n.kind == NameKind::Primary) {
        primary.parts = parts;
    }
    for key in ["birthDate", "incorporationDate"] {
        for v in p.all(key) {
            if let Some(d) = date_of(v) {
                e.birth_dates.push(DateValue {
                    date: DateSpec::Exact(d),
                    record: None,
                });
            }
        }
    }
    let texts = |key: &str| p.all(key).iter().map(Text::new).collect::<Vec<_>>();
    e.birth_places = texts("birthPlace");
    e.titles = texts("title");
    e.positions = texts("position");
    e.remarks = texts("notes");
    let countries = |keys: &[&str]| {
        let mut list: Vec<CountryValue> = Vec::new();
        for key in keys {
            for v in p.all(key) {
                Entity::push_country(&mut list, country_in(v), None);
            }
        }
        list
    };
    e.nationalities = countries(&["nationality", "jurisdiction"]);
    e.citizenships = countries(&["citizenship"]);
    e.countries = countries(&["country"]);
    e.gender = p
        .first("gender")
        .and_then(|g| match g.to_ascii_lowercase().as_str() {
            "male" => Some(Gender::Male),
            "female" => Some(Gender::Female),
            "other" => Some(Gender::Other),
            _ => None,
        });
    if matches!(kind, EntityKind::Vessel | EntityKind::Aircraft) {
        let c = &mut e.craft;
        c.craft_type = if kind == EntityKind::Vessel {
            p.first("type")
        } else {
            p.first("model").or_else(|| p.first("type"))
        };
        c.build_date = p.first("buildDate").and_then(|d| date_of(&d));
        c.flag = p.first("flag").map(|f| country_in(&f));
        c.tonnage = p.first("tonnage");
        c.gross_registered_tonnage = p.first("grossRegisteredTonnage");
    }
    e
}

fn address_of(a: &Raw) -> Address {
    let mut address = Address {
        lines: a.all("street").to_vec(),
        city: a.first("city"),
        region: a.first("region").or_else(|| a.first("state")),
        postal_code: a.first("postalCode"),
        country: a.first("country").map(|c| country_in(&c)),
        remarks: a.first("remarks"),
        record: None,
    };
    for extra in ["street2", "street3"] {
        address.lines.extend(a.all(extra).iter().cloned());
    }
    // Where the full text says more than the parts (OpenSanctions often gives `full` with
    // only city and country), keep the full text as the one line, and the country.
    if let Some(full) = a.first("full").filter(|f| *f != address.full()) {
        address = Address {
            lines: vec![full],
            country: address.country,
            remarks: address.remarks,
            ..Address::default()
        };
    }
    address
}

/// The identifier kind and legacy record an Identification's id gives, for ids of this
/// scheme (`{holder}-{kind}-{hash}`) and the old one (`{holder}.{tag}.{n}[.{record}]`).
fn kind_in_id(id: &str, holder: &str) -> Option<(IdKind, Option<String>)> {
    if let Some(SubKind::Identifier(kind)) = ids::parse_derived(id, holder) {
        return Some((kind, None));
    }
    let (tag, record) = parse_legacy_sub_id(id, holder)?;
    Some((ids::id_kind_of(tag)?, record))
}

fn attach_sub(e: &mut Entity, holder: &str, s: &Raw) {
    match s.schema.as_str() {
        "Sanction" => {
            e.designations.push(Designation {
                authority: s.first("authority").unwrap_or_default(),
                list: s.first("summary").unwrap_or_default(),
                programs: s.all("program").to_vec(),
                listed_on: s
                    .first("listingDate")
                    .or_else(|| s.first("startDate"))
                    .and_then(|d| date_of(&d)),
                ended_on: s.first("endDate").and_then(|d| date_of(&d)),
                legal_basis: s.all("provisions").to_vec(),
                record: record_of(s, holder, "sanction"),
            });
        }
        "CryptoWallet" => {
            let Some(key) = s.first("publicKey") else {
                return;
            };
            let mut id = Identifier::new(IdKind::CryptoWallet, key);
            id.label = s.first("currency");
            id.country = s.first("country").map(|c| country_in(&c));
            id.note = s.first("summary");
            id.record = record_of(s, holder, "crypto_wallet");
            e.identifiers.push(id);
        }
        _ => {
            let Some(number) = s.first("number") else {
                return;
            };
            let label = s.first("type");
            let (kind, legacy_record) = kind_in_id(&s.id, holder)
                .unwrap_or_else(|| (classify_identification(&s.schema, label.as_deref()), None));
            let mut id = Identifier::new(kind, number);
            id.label = label;
            id.country = s.first("country").map(|c| country_in(&c));
            id.issued = s.first("startDate").and_then(|d| date_of(&d));
            id.expires = s.first("endDate").and_then(|d| date_of(&d));
            id.note = s.first("summary");
            id.record = s.first("recordId").or(legacy_record);
            e.identifiers.push(id);
        }
    }
}
