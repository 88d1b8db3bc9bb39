//! FollowTheMoney (FtM) JSON lines in and out: the format of OpenSanctions'
//! `entities.ftm.json`, one JSON object `{id, schema, properties, datasets}` per line, every
//! property a list of strings.
//!
//! # Writing
//!
//! [`write_entity`] writes the party, then one line per sub-entity:
//!
//! | sanctum | FtM |
//! |---|---|
//! | [`EntityKind`] Person / Organization / Vessel / Aircraft / Unknown | `Person` / `Organization` / `Vessel` / `Airplane` / `LegalEntity` |
//! | party id | `{source}-{source_id}`, `datasets: [source]` |
//! | names: primary / alias / weak alias / former / original script | `name` / `alias` / `weakAlias` / `previousName` / `alias` |
//! | parts of the first primary name | `firstName`, `middleName`, `lastName`, `fatherName`, `motherName` |
//! | birth dates | `birthDate` (Person), `incorporationDate` (other legal entities) |
//! | birth places, titles, positions, gender | `birthPlace`, `title`, `position`, `gender` (Person) |
//! | nationalities, citizenships | `nationality`, `citizenship` (Person); nationalities → `jurisdiction` (other legal entities) |
//! | countries | `country` |
//! | remarks | `notes` |
//! | craft info | `type` (vessel) or `model` (aircraft), `flag`, `tonnage`, `grossRegisteredTonnage`, `buildDate` |
//! | each identifier | a `Passport`, `CryptoWallet` or `Identification` entity `{holder, number, country, type, startDate, endDate, summary}`, plus the party's own property where its schema has one (`passportNumber`, `idNumber`, `taxNumber`, `registrationNumber`, `swiftBic`, `leiCode`, `imoNumber`, `mmsi`, `callSign`, `email`, `website`, `phone`, `serialNumber`) |
//! | each address | an `Address` entity `{full, street (one value per line), city, region, postalCode, country, remarks}`, plus the party's `address` (full text) and `addressEntity` |
//! | each designation | a `Sanction` entity `{entity, authority, summary (the list), program, listingDate, endDate, provisions (the legal basis), authorityId}`; the party gets `topics: ["sanction"]` |
//! | each link | an `UnknownLink` `{subject, object ("{source}-{target_id}"), role (the relation), summary (the target's name)}` |
//!
//! Country codes are written in lower case, as FtM does, and read back in upper case.
//!
//! Sub-entity ids carry what FtM has no property for: `{party-id}.{tag}.{n}` or
//! `{party-id}.{tag}.{n}.{record}`, where `tag` is `sanction`, `addr`, `link`, or the
//! identifier kind ([`IdKind::as_str`]), `n` the position, and `record` the value's record id.
//!
//! # What a round trip loses
//!
//! Everything above comes back as written, with these exceptions:
//! - Names come back grouped by kind in the order primary, alias, weak alias, former; an
//!   original-script name comes back as an alias. The script, language and record of a name
//!   are lost. Name parts come back on the first primary name only, in the order given,
//!   middle, family, patronymic, matronymic; `Whole` and `Other` parts are lost.
//! - Birth dates: a circa date is written as its date; a range as two values, its earliest and
//!   latest bound (FtM dates are ISO prefixes and cannot say "circa" or "between"). Both come
//!   back as exact dates. Record ids of dates, places, titles, positions, remarks and countries
//!   are lost.
//! - Facts the FtM schema of the party has no property for: birth dates of vessels and
//!   aircraft; birth places, titles, positions, gender and citizenships of non-persons;
//!   nationalities of vessels and aircraft; the craft owner (FtM wants an entity there, not a
//!   name); the flag and tonnage of aircraft; craft info of parties that are no craft.
//! - Crypto wallets keep their address, currency and record; their country, dates and note
//!   are lost (the FtM `CryptoWallet` has no such properties).
//! - A link without a target id is written with no `object`, so FtM tools that need both
//!   ends drop it; sanctum reads it back.
//!
//! # Reading
//!
//! [`read_entities`] reads the whole file first, so sub-entities may come before or after
//! their holder. Party lines sharing an id are fragments of one party and are merged. `LegalEntity` reads as [`EntityKind::Unknown`], `Company` and `PublicBody`
//! as organizations. Relationship schemas (`Ownership`, `Directorship`, `Family`,
//! `Associate`, `Employment`, `Membership`, `Representation`, `Occupancy`, `UnknownLink`)
//! become [`Link`]s on the party at their first end (or their second end, marked
//! `(as {property})`, when only that one is a party in the file). Everything else
//! (`Position`, `Security`, sub-entities of parties not in the file…) is skipped and counted
//! in [`FtmRead::skipped`]. An `Address` whose `full` text is more than its parts say reads
//! as that text (one line) with its country. A party id `{dataset}-{rest}` with `datasets: [dataset]` gives
//! back source `dataset` and source id `rest`; any other id keeps the default source and the
//! id as source id.

use crate::{
    Address, CountryValue, DateSpec, DateValue, Designation, Entity, EntityKind, Gender, IdKind,
    Identifier, Link, Name, NameKind, NamePart, NamePartKind, PartialDate, Text,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, Write};

/// A line of an FtM file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct FtmError {
    /// 1-based line number.
    pub line: u64,
    pub reason: String,
}

/// The result of reading an FtM file.
#[derive(Debug, Clone, Default)]
pub struct FtmRead {
    pub entities: Vec<Entity>,
    /// Entities that are no party and could not be attached to one, counted by schema.
    pub skipped: BTreeMap<String, u64>,
    /// Lines that could not be read, in lenient mode.
    pub errors: Vec<FtmError>,
}

type Props = BTreeMap<String, Vec<String>>;

#[derive(Serialize)]
struct OutLine<'a> {
    id: &'a str,
    schema: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    caption: Option<&'a str>,
    properties: &'a Props,
    datasets: [&'a str; 1],
}

/// The FtM schema a party of this kind is written as.
pub fn schema_of(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Person => "Person",
        EntityKind::Organization => "Organization",
        EntityKind::Vessel => "Vessel",
        EntityKind::Aircraft => "Airplane",
        EntityKind::Unknown => "LegalEntity",
    }
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

fn is_legal_entity(kind: EntityKind) -> bool {
    matches!(
        kind,
        EntityKind::Person | EntityKind::Organization | EntityKind::Unknown
    )
}

fn kind_from_tag(tag: &str) -> Option<IdKind> {
    Some(match tag {
        "passport" => IdKind::Passport,
        "national_id" => IdKind::NationalId,
        "tax_id" => IdKind::TaxId,
        "registration" => IdKind::Registration,
        "imo" => IdKind::Imo,
        "mmsi" => IdKind::Mmsi,
        "call_sign" => IdKind::CallSign,
        "swift_bic" => IdKind::SwiftBic,
        "lei" => IdKind::Lei,
        "crypto_wallet" => IdKind::CryptoWallet,
        "aircraft_serial" => IdKind::AircraftSerial,
        "aircraft_tail" => IdKind::AircraftTail,
        "email" => IdKind::Email,
        "website" => IdKind::Website,
        "phone" => IdKind::Phone,
        "other" => IdKind::Other,
        _ => return None,
    })
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

fn country_out(code: &str) -> String {
    if is_code_like(code) {
        code.to_ascii_lowercase()
    } else {
        code.to_string()
    }
}

fn country_in(code: &str) -> String {
    if is_code_like(code) {
        code.to_ascii_uppercase()
    } else {
        code.to_string()
    }
}

/// ISO alpha-2 codes and FtM's four-letter historic codes ("suhh").
fn is_code_like(code: &str) -> bool {
    matches!(code.len(), 2 | 4) && code.bytes().all(|b| b.is_ascii_alphabetic())
}

fn gender_str(g: Gender) -> &'static str {
    match g {
        Gender::Male => "male",
        Gender::Female => "female",
        Gender::Other => "other",
    }
}

fn sub_id(party: &str, tag: &str, n: usize, record: &Option<String>) -> String {
    match record {
        Some(r) => format!("{party}.{tag}.{n}.{r}"),
        None => format!("{party}.{tag}.{n}"),
    }
}

fn push(props: &mut Props, key: &str, value: impl Into<String>) {
    let value = value.into();
    if !value.is_empty() {
        props.entry(key.to_string()).or_default().push(value);
    }
}

fn write_line(
    out: &mut impl Write,
    id: &str,
    schema: &str,
    caption: Option<&str>,
    props: &Props,
    dataset: &str,
) -> std::io::Result<()> {
    let line = OutLine {
        id,
        schema,
        caption,
        properties: props,
        datasets: [dataset],
    };
    serde_json::to_writer(&mut *out, &line)?;
    out.write_all(b"\n")
}

/// Writes a party and its sub-entities as FtM JSON lines.
pub fn write_entity(e: &Entity, out: &mut impl Write) -> std::io::Result<()> {
    let party = format!("{}-{}", e.source, e.source_id);
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
            push(&mut p, "nationality", country_out(&c.code));
        }
        for c in &e.citizenships {
            push(&mut p, "citizenship", country_out(&c.code));
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
            push(&mut p, "jurisdiction", country_out(&c.code));
        }
    }
    for c in &e.countries {
        push(&mut p, "country", country_out(&c.code));
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
                push(&mut p, "flag", country_out(f));
            }
            if let Some(t) = &c.tonnage {
                push(&mut p, "tonnage", t);
            }
            if let Some(t) = &c.gross_registered_tonnage {
                push(&mut p, "grossRegisteredTonnage", t);
            }
        }
    }
    for id in &e.identifiers {
        if let Some(key) = party_id_property(&id.kind, kind) {
            push(&mut p, key, &id.value);
        }
    }
    for (n, a) in e.addresses.iter().enumerate() {
        push(&mut p, "address", a.full());
        push(
            &mut p,
            "addressEntity",
            sub_id(&party, "addr", n, &a.record),
        );
    }
    if !e.designations.is_empty() {
        push(&mut p, "topics", "sanction");
    }
    write_line(
        out,
        &party,
        schema_of(kind),
        Some(e.caption()),
        &p,
        &e.source,
    )?;

    for (n, d) in e.designations.iter().enumerate() {
        let mut s = Props::new();
        push(&mut s, "entity", &party);
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
        push(&mut s, "authorityId", &e.source_id);
        let id = sub_id(&party, "sanction", n, &d.record);
        write_line(out, &id, "Sanction", None, &s, &e.source)?;
    }
    for (n, i) in e.identifiers.iter().enumerate() {
        let mut s = Props::new();
        let id = sub_id(&party, i.kind.as_str(), n, &i.record);
        push(&mut s, "holder", &party);
        if i.kind == IdKind::CryptoWallet {
            push(&mut s, "publicKey", &i.value);
            if let Some(l) = &i.label {
                push(&mut s, "currency", l);
            }
            write_line(out, &id, "CryptoWallet", None, &s, &e.source)?;
            continue;
        }
        push(&mut s, "number", &i.value);
        if let Some(l) = &i.label {
            push(&mut s, "type", l);
        }
        if let Some(c) = &i.country {
            push(&mut s, "country", country_out(c));
        }
        if let Some(d) = i.issued {
            push(&mut s, "startDate", d.to_string());
        }
        if let Some(d) = i.expires {
            push(&mut s, "endDate", d.to_string());
        }
        if let Some(note) = &i.note {
            push(&mut s, "summary", note);
        }
        let schema = if i.kind == IdKind::Passport {
            "Passport"
        } else {
            "Identification"
        };
        write_line(out, &id, schema, None, &s, &e.source)?;
    }
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
            push(&mut s, "country", country_out(c));
        }
        let id = sub_id(&party, "addr", n, &a.record);
        write_line(out, &id, "Address", None, &s, &e.source)?;
    }
    for (n, l) in e.links.iter().enumerate() {
        let mut s = Props::new();
        push(&mut s, "subject", &party);
        if let Some(t) = &l.target_id {
            push(&mut s, "object", format!("{}-{t}", e.source));
        }
        push(&mut s, "role", &l.relation);
        if let Some(name) = &l.target_name {
            push(&mut s, "summary", name);
        }
        let id = sub_id(&party, "link", n, &l.record);
        write_line(out, &id, "UnknownLink", None, &s, &e.source)?;
    }
    Ok(())
}

// ---- reading ----

#[derive(Deserialize)]
struct InLine {
    id: Option<String>,
    schema: Option<String>,
    #[serde(default)]
    properties: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    datasets: Vec<String>,
}

/// One FtM entity as read, its property values as strings.
struct Raw {
    id: String,
    schema: String,
    props: Props,
    datasets: Vec<String>,
}

impl Raw {
    fn all(&self, key: &str) -> &[String] {
        self.props.get(key).map(Vec::as_slice).unwrap_or(&[])
    }
    fn first(&self, key: &str) -> Option<String> {
        self.all(key).first().cloned()
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
    let props = parsed
        .properties
        .into_iter()
        .map(|(k, v)| (k, strings_of(v)))
        .collect();
    Ok(Raw {
        id,
        schema,
        props,
        datasets: parsed.datasets,
    })
}

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

/// The position and record encoded in a sub-entity id `{holder}.{tag}.{n}[.{record}]`.
fn parse_sub_id<'a>(id: &'a str, holder: &str) -> Option<(&'a str, Option<String>)> {
    let rest = id.strip_prefix(holder)?.strip_prefix('.')?;
    let mut it = rest.splitn(3, '.');
    let tag = it.next()?;
    let n = it.next()?;
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((tag, it.next().map(str::to_string)))
}

fn record_of(id: &str, holder: &str, tag: &str) -> Option<String> {
    parse_sub_id(id, holder)
        .filter(|(t, _)| *t == tag)
        .and_then(|(_, r)| r)
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
            Err(e) if lenient => {
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

    let party_index = fragments;
    let mut entities: Vec<Entity> = parties
        .iter()
        .map(|p| party_entity(p, default_source))
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
                address.record = record_of(&a.id, &p.id, "addr");
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
        let (Some(e), Some(p)) = (entities.get_mut(holder), parties.get(holder)) else {
            continue;
        };
        let prefix = format!("{}-", e.source);
        let target_id = other.map(|o| {
            if p.id.starts_with(&prefix) {
                o.strip_prefix(&prefix).map(str::to_string).unwrap_or(o)
            } else {
                o
            }
        });
        e.links.push(Link {
            relation,
            target_name: l.first("summary"),
            target_id,
            record: record_of(&l.id, &p.id, "link"),
        });
    }
    out.entities = entities;
    Ok(out)
}

fn party_entity(p: &Raw, default_source: &str) -> Entity {
    let kind = kind_of_schema(&p.schema).unwrap_or(EntityKind::Unknown);
    let (source, source_id) = match p.datasets.as_slice() {
        [dataset] => match p.id.strip_prefix(&format!("{dataset}-")) {
            Some(rest) if !rest.is_empty() => (dataset.clone(), rest.to_string()),
            _ => (default_source.to_string(), p.id.clone()),
        },
        _ => (default_source.to_string(), p.id.clone()),
    };
    let mut e = Entity::new(source, source_id, kind);
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

fn attach_sub(e: &mut Entity, holder: &str, s: &Raw) {
    match s.schema.as_str() {
        "Sanction" => {
            let record = record_of(&s.id, holder, "sanction");
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
                record,
            });
        }
        "CryptoWallet" => {
            let Some(key) = s.first("publicKey") else {
                return;
            };
            let mut id = Identifier::new(IdKind::CryptoWallet, key);
            id.label = s.first("currency");
            id.record = record_of(&s.id, holder, "crypto_wallet");
            e.identifiers.push(id);
        }
        _ => {
            let Some(number) = s.first("number") else {
                return;
            };
            let label = s.first("type");
            let (kind, record) = match parse_sub_id(&s.id, holder) {
                Some((tag, record)) => match kind_from_tag(tag) {
                    Some(k) => (k, record),
                    None => (classify_identification(&s.schema, label.as_deref()), None),
                },
                None => (classify_identification(&s.schema, label.as_deref()), None),
            };
            let mut id = Identifier::new(kind, number);
            id.label = label;
            id.country = s.first("country").map(|c| country_in(&c));
            id.issued = s.first("startDate").and_then(|d| date_of(&d));
            id.expires = s.first("endDate").and_then(|d| date_of(&d));
            id.note = s.first("summary");
            id.record = record;
            e.identifiers.push(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CraftInfo;

    fn d(s: &str) -> PartialDate {
        s.parse().unwrap()
    }

    fn round_trip(e: &Entity) -> Vec<Entity> {
        let mut buf = Vec::new();
        write_entity(e, &mut buf).unwrap();
        read_entities(buf.as_slice(), "other").unwrap()
    }

    fn rich_person() -> Entity {
        let mut e = Entity::new("us_ofac_sdn", "35096", EntityKind::Person);
        let mut primary = Name::new("PUTIN, Vladimir Vladimirovich", NameKind::Primary);
        primary.parts = vec![
            NamePart {
                kind: NamePartKind::Given,
                value: "Vladimir".into(),
            },
            NamePart {
                kind: NamePartKind::Family,
                value: "PUTIN".into(),
            },
            NamePart {
                kind: NamePartKind::Patronymic,
                value: "Vladimirovich".into(),
            },
        ];
        e.names = vec![
            primary,
            Name::new("PUTIN, Vladimir", NameKind::Alias),
            Name::new("Vova", NameKind::WeakAlias),
            Name::new("PUTIN, V. V.", NameKind::Former),
        ];
        e.birth_dates = vec![
            DateValue {
                date: DateSpec::Exact(d("1952-10-07")),
                record: None,
            },
            DateValue {
                date: DateSpec::Exact(d("1953")),
                record: None,
            },
        ];
        e.birth_places = vec![Text::new("Leningrad, Russia")];
        e.nationalities = vec![CountryValue {
            code: "RU".into(),
            record: None,
        }];
        e.citizenships = vec![CountryValue {
            code: "SUHH".into(),
            record: None,
        }];
        e.countries = vec![CountryValue {
            code: "RU".into(),
            record: None,
        }];
        e.gender = Some(Gender::Male);
        e.titles = vec![Text::new("President of the Russian Federation")];
        e.positions = vec![Text::new("Head of State")];
        let mut passport = Identifier::new(IdKind::Passport, "K475336");
        passport.label = Some("Diplomatic Passport".into());
        passport.country = Some("RU".into());
        passport.issued = Some(d("2009-08"));
        passport.expires = Some(d("2014-08-30"));
        passport.note = Some("issued under another name".into());
        passport.record = Some("feature.123".into());
        let mut tax = Identifier::new(IdKind::TaxId, "7706810747");
        tax.label = Some("Tax ID No.".into());
        let mut wallet =
            Identifier::new(IdKind::CryptoWallet, "1AeSq93WDNdLoEJ92sex7T8xQZoYYm8BtS");
        wallet.label = Some("XBT".into());
        wallet.record = Some("w1".into());
        let email = Identifier::new(IdKind::Email, "vvp@kremlin.ru");
        e.identifiers = vec![passport, tax, wallet, email];
        e.addresses = vec![
            Address {
                lines: vec!["Kremlin".into(), "Building 1".into()],
                city: Some("Moscow".into()),
                region: Some("Moscow Region".into()),
                postal_code: Some("103132".into()),
                country: Some("RU".into()),
                remarks: Some("official residence".into()),
                record: Some("25811".into()),
            },
            Address {
                city: Some("Sochi".into()),
                country: Some("RU".into()),
                ..Address::default()
            },
        ];
        e.links = vec![
            Link {
                relation: "Linked To".into(),
                target_name: Some("ROSTEC".into()),
                target_id: Some("12345".into()),
                record: Some("rel.9".into()),
            },
            Link {
                relation: "Associate of".into(),
                target_name: Some("SECHIN, Igor".into()),
                target_id: None,
                record: None,
            },
        ];
        e.remarks = vec![Text::new("Linked To: ROSTEC."), Text::new("second remark")];
        e.designations = vec![
            Designation {
                authority: "US OFAC".into(),
                list: "SDN".into(),
                programs: vec!["RUSSIA-EO14024".into(), "UKRAINE-EO13660".into()],
                listed_on: Some(d("2022-02-25")),
                ended_on: None,
                legal_basis: vec!["E.O. 14024".into()],
                record: Some("sanction.1".into()),
            },
            Designation {
                authority: "UK OFSI".into(),
                list: "Consolidated".into(),
                programs: vec!["Russia".into()],
                listed_on: Some(d("2022-02")),
                ended_on: Some(d("2030")),
                legal_basis: Vec::new(),
                record: None,
            },
        ];
        e
    }

    #[test]
    fn rich_person_round_trips_exactly() {
        let e = rich_person();
        let back = round_trip(&e);
        assert_eq!(back.len(), 1);
        assert_eq!(back[0], e, "changed: {:?}", back[0].changed_fields(&e));
    }

    #[test]
    fn vessel_round_trips_with_craft_info() {
        let mut e = Entity::new("us_csl", "9999", EntityKind::Vessel);
        e.names = vec![Name::new("ADRIAN DARYA 1", NameKind::Primary)];
        e.craft = CraftInfo {
            craft_type: Some("Crude Oil Tanker".into()),
            flag: Some("PA".into()),
            tonnage: Some("159681".into()),
            gross_registered_tonnage: Some("81479".into()),
            owner: None,
            build_date: Some(d("1996")),
        };
        let mut imo = Identifier::new(IdKind::Imo, "IMO 9116412");
        imo.label = Some("Vessel Registration Identification".into());
        e.identifiers = vec![imo, Identifier::new(IdKind::CallSign, "9HA2504")];
        e.countries = vec![CountryValue {
            code: "IR".into(),
            record: None,
        }];
        let back = round_trip(&e);
        assert_eq!(back[0], e, "changed: {:?}", back[0].changed_fields(&e));
    }

    #[test]
    fn documented_losses_happen_as_documented() {
        let mut e = Entity::new("src", "1", EntityKind::Organization);
        e.names = vec![
            Name::new("Alias First", NameKind::Alias),
            Name::new("Primary", NameKind::Primary),
            Name::new("Примари", NameKind::OriginalScript),
        ];
        e.birth_dates = vec![
            DateValue {
                date: DateSpec::Circa(d("1970")),
                record: Some("r".into()),
            },
            DateValue {
                date: DateSpec::Range(d("1955"), d("1958")),
                record: None,
            },
        ];
        e.titles = vec![Text::new("not a person's")];
        e.craft.owner = Some("Nobody".into());
        let back = &round_trip(&e)[0];
        let names: Vec<_> = back
            .names
            .iter()
            .map(|n| (n.full.as_str(), n.kind))
            .collect();
        assert_eq!(
            names,
            vec![
                ("Primary", NameKind::Primary),
                ("Alias First", NameKind::Alias),
                ("Примари", NameKind::Alias)
            ]
        );
        let dates: Vec<_> = back
            .birth_dates
            .iter()
            .map(|d| d.date.to_string())
            .collect();
        assert_eq!(dates, vec!["1970", "1955", "1958"]);
        assert!(back.titles.is_empty());
        assert!(back.craft.is_empty());
    }

    #[test]
    fn party_lines_use_ftm_names() {
        let mut buf = Vec::new();
        write_entity(&rich_person(), &mut buf).unwrap();
        let text = String::from_utf8(buf).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let party = &lines[0];
        assert_eq!(party["id"], "us_ofac_sdn-35096");
        assert_eq!(party["schema"], "Person");
        assert_eq!(party["datasets"][0], "us_ofac_sdn");
        assert_eq!(party["properties"]["nationality"][0], "ru");
        assert_eq!(party["properties"]["birthDate"][0], "1952-10-07");
        assert_eq!(party["properties"]["topics"][0], "sanction");
        assert_eq!(party["properties"]["passportNumber"][0], "K475336");
        assert_eq!(party["properties"]["gender"][0], "male");
        assert_eq!(
            party["properties"]["addressEntity"][0],
            "us_ofac_sdn-35096.addr.0.25811"
        );
        let schemas: Vec<_> = lines
            .iter()
            .map(|l| l["schema"].as_str().unwrap())
            .collect();
        assert_eq!(
            schemas,
            vec![
                "Person",
                "Sanction",
                "Sanction",
                "Passport",
                "Identification",
                "CryptoWallet",
                "Identification",
                "Address",
                "Address",
                "UnknownLink",
                "UnknownLink"
            ]
        );
        let sanction = &lines[1]["properties"];
        assert_eq!(sanction["entity"][0], "us_ofac_sdn-35096");
        assert_eq!(sanction["program"][1], "UKRAINE-EO13660");
        assert_eq!(sanction["listingDate"][0], "2022-02-25");
        let passport = &lines[3];
        assert_eq!(passport["id"], "us_ofac_sdn-35096.passport.0.feature.123");
        assert_eq!(passport["properties"]["country"][0], "ru");
        assert_eq!(passport["properties"]["startDate"][0], "2009-08");
    }

    #[test]
    fn sub_entities_before_their_holder_are_attached() {
        let text = r#"{"id":"x.s","schema":"Sanction","properties":{"entity":["p1"],"authority":["EU"],"program":["RUS"]},"datasets":["eu"]}
{"id":"p1","schema":"LegalEntity","properties":{"name":["Acme"],"innCode":["7706810747"]},"datasets":["eu","us"]}
{"id":"pos","schema":"Position","properties":{"name":["Minister"]}}
"#;
        let read = read_ftm(text.as_bytes(), "opensanctions", false).unwrap();
        assert_eq!(read.entities.len(), 1);
        let e = &read.entities[0];
        assert_eq!(
            (e.source.as_str(), e.source_id.as_str()),
            ("opensanctions", "p1")
        );
        assert_eq!(e.kind, EntityKind::Unknown);
        assert_eq!(e.designations[0].authority, "EU");
        assert_eq!(e.identifiers[0].kind, IdKind::TaxId);
        assert_eq!(e.identifiers[0].label.as_deref(), Some("INN"));
        assert_eq!(read.skipped.get("Position"), Some(&1));
    }

    #[test]
    fn fragments_of_one_party_are_merged() {
        let text = r#"{"id":"d-1","schema":"Person","properties":{"name":["A"]},"datasets":["d"]}
{"id":"d-1","schema":"Person","properties":{"name":["A"],"alias":["B"]},"datasets":["d"]}
"#;
        let read = read_entities(text.as_bytes(), "x").unwrap();
        assert_eq!(read.len(), 1);
        let names: Vec<_> = read[0].names.iter().map(|n| n.full.as_str()).collect();
        assert_eq!(names, vec!["A", "B"]);
        assert_eq!(
            (read[0].source.as_str(), read[0].source_id.as_str()),
            ("d", "1")
        );
    }

    #[test]
    fn malformed_lines_name_their_line() {
        let text = "{\"id\":\"a\",\"schema\":\"Person\",\"properties\":{\"name\":[\"A\"]}}\n\n{\"id\": oops}\n";
        let err = read_entities(text.as_bytes(), "x").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.reason.contains("invalid JSON"), "{}", err.reason);
        let err = read_entities("{\"schema\":\"Person\"}\n".as_bytes(), "x").unwrap_err();
        assert_eq!(err.line, 1);
        let read = read_ftm(text.as_bytes(), "x", true).unwrap();
        assert_eq!(read.entities.len(), 1);
        assert_eq!(read.errors.len(), 1);
    }
}
