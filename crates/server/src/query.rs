//! From FollowTheMoney examples to matcher queries, and from parties to FtM JSON; the
//! scoring loop shared by `/match`, `/search` and `/v1/screen`.

use crate::error::ApiError;
use crate::scoring::{Cancel, Cancelled};
use crate::snapshot::Snapshot;
use axum::http::StatusCode;
use sanctum_index::Scratch;
use sanctum_limits::Limits;
use sanctum_matcher::{Hit, Matcher, PreparedQuery, Query, QueryError, QueryId};
use sanctum_model::{Entity, EntityKind, Gender, IdKind};
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};

/// The FtM schemata a query may use.
pub const QUERY_SCHEMATA: &[&str] = &[
    "Person",
    "Organization",
    "Company",
    "PublicBody",
    "LegalEntity",
    "Vessel",
    "Airplane",
];

/// The kind a query schema asks for; `Ok(None)` for `LegalEntity`, which covers them all.
pub fn kind_of_schema(schema: &str) -> Result<Option<EntityKind>, String> {
    Ok(Some(match schema {
        "Person" => EntityKind::Person,
        "Organization" | "Company" | "PublicBody" => EntityKind::Organization,
        "Vessel" => EntityKind::Vessel,
        "Airplane" => EntityKind::Aircraft,
        "LegalEntity" => return Ok(None),
        other => {
            return Err(format!(
                "unknown schema {other:?}: one of {}",
                QUERY_SCHEMATA.join(", ")
            ));
        }
    }))
}

/// The FtM schema of a party, as `sanctum export` writes it.
pub use sanctum_model::ftm::schema_of;

/// Whether a party falls under a schema filter: `LegalEntity` and `Thing` cover all parties,
/// `Company` and `Organization` both mean organizations.
pub fn schema_covers(filter: &str, kind: EntityKind) -> bool {
    match filter {
        "Thing" | "LegalEntity" => true,
        other => kind_of_schema(other).ok().flatten() == Some(kind),
    }
}

/// The values of one property: a string or a list of strings (numbers are taken as text).
fn property_values(query: &str, prop: &str, value: &Value) -> Result<Vec<String>, ApiError> {
    let one = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let bad = || {
        ApiError::bad_request(format!(
            "query {query:?}: property {prop:?} must be a string or a list of strings"
        ))
    };
    match value {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => items.iter().map(|v| one(v).ok_or_else(bad)).collect(),
        v => Ok(vec![one(v).ok_or_else(bad)?]),
    }
}

const NAME_PROPS: &[&str] = &["name", "alias", "previousName", "weakAlias"];
const PART_PROPS: &[&str] = &[
    "firstName",
    "secondName",
    "middleName",
    "fatherName",
    "lastName",
];
const DATE_PROPS: &[&str] = &["birthDate", "incorporationDate"];
const COUNTRY_PROPS: &[&str] = &[
    "nationality",
    "citizenship",
    "country",
    "jurisdiction",
    "mainCountry",
    "flag",
];

fn id_kind_of(prop: &str) -> Option<Option<IdKind>> {
    Some(match prop {
        // A generic number may be any document the list holds.
        "idNumber" => None,
        "passportNumber" => Some(IdKind::Passport),
        "taxNumber" | "innCode" | "vatCode" => Some(IdKind::TaxId),
        "registrationNumber" | "ogrnCode" => Some(IdKind::Registration),
        "imoNumber" => Some(IdKind::Imo),
        "mmsi" => Some(IdKind::Mmsi),
        "callSign" => Some(IdKind::CallSign),
        "swiftBic" => Some(IdKind::SwiftBic),
        "leiCode" => Some(IdKind::Lei),
        _ => return None,
    })
}

/// A matcher query from an FtM example (`schema` + `properties`). Properties the matcher
/// does not use (address, notes…) are accepted and ignored.
pub fn query_from_example(
    name: &str,
    schema: &str,
    properties: &BTreeMap<String, Value>,
    limits: &Limits,
) -> Result<PreparedQuery, ApiError> {
    let kind = kind_of_schema(schema)
        .map_err(|e| ApiError::bad_request(format!("query {name:?}: {e}")))?;
    let mut query = Query {
        kind,
        ..Query::default()
    };
    let mut parts: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (prop, value) in properties {
        let values = property_values(name, prop, value)?;
        let prop = prop.as_str();
        if NAME_PROPS.contains(&prop) {
            query.names.extend(values);
        } else if let Some(p) = PART_PROPS.iter().find(|p| **p == prop) {
            parts.insert(p, values);
        } else if DATE_PROPS.contains(&prop) {
            query.birth_dates.extend(values);
        } else if COUNTRY_PROPS.contains(&prop) {
            query.countries.extend(values);
        } else if prop == "gender" {
            for v in values {
                query.gender = Some(parse_gender(&v).ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "query {name:?}: gender {v:?} is not one of male, female, other"
                    ))
                })?);
            }
        } else if let Some(kind) = id_kind_of(prop) {
            query
                .identifiers
                .extend(values.into_iter().map(|value| QueryId {
                    kind: kind.clone(),
                    value,
                }));
        }
    }
    // A name given in parts only: join them in the usual order.
    let joined: Vec<&str> = PART_PROPS
        .iter()
        .filter_map(|p| parts.get(p).and_then(|v| v.first()))
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    if !joined.is_empty() {
        query.names.push(joined.join(" "));
    }
    prepare(&format!("query {name:?}"), &query, limits)
}

pub fn parse_gender(text: &str) -> Option<Gender> {
    match text.trim().to_ascii_lowercase().as_str() {
        "male" | "m" => Some(Gender::Male),
        "female" | "f" => Some(Gender::Female),
        "other" => Some(Gender::Other),
        _ => None,
    }
}

/// Validates a query, naming it in the error: over a limit of the matcher's
/// ([`QueryError::TooLarge`]: too many names or values, a name too long) 422, its content
/// (no name, a date that does not exist) 400.
pub fn prepare(name: &str, query: &Query, limits: &Limits) -> Result<PreparedQuery, ApiError> {
    query.prepare_within(limits).map(|p| p.query).map_err(|e| {
        let status = if matches!(e, QueryError::TooLarge { .. }) {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::BAD_REQUEST
        };
        ApiError::new(status, format!("{name}: {e}"))
    })
}

/// Which parties a scoring run may return.
#[derive(Debug, Default, Clone)]
pub struct Filters {
    /// `None`: every source.
    pub sources: Option<HashSet<String>>,
    pub exclude_sources: HashSet<String>,
    pub exclude_schema: Vec<String>,
    pub topics: Vec<String>,
    pub exclude_ids: HashSet<String>,
    /// Only parties whose record changed at or after this time (yente's `changed_since`,
    /// as [`parse_changed_since`] gives it); a party whose history is unknown is left out.
    pub changed_since: Option<String>,
}

/// yente's `changed_since`: `YYYY-MM-DD`, optionally with `THH`, `THH:MM` or `THH:MM:SS`
/// (UTC), completed to seconds (`2024-05-03T00:00:00`) to compare with a party's
/// `last_change`. An error names the parameter and what it expected.
pub fn parse_changed_since(text: &str) -> Result<String, ApiError> {
    let text = text.trim();
    let bad = || {
        ApiError::bad_request(format!(
            "parameter changed_since: {text:?} is not a date or time as YYYY-MM-DD[THH[:MM[:SS]]]"
        ))
    };
    let full = match text.len() {
        10 => format!("{text}T00:00:00"),
        13 => format!("{text}:00:00"),
        16 => format!("{text}:00"),
        19 => text.to_string(),
        _ => return Err(bad()),
    };
    let shape_ok = full.bytes().enumerate().all(|(i, b)| match i {
        4 | 7 => b == b'-',
        10 => b == b'T',
        13 | 16 => b == b':',
        _ => b.is_ascii_digit(),
    });
    if !shape_ok || full.parse::<jiff::civil::DateTime>().is_err() {
        return Err(bad());
    }
    Ok(full)
}

impl Filters {
    /// [`Filters::admits`] for the party at `position` of `snapshot`, with `changed_since`.
    pub fn admits_at(&self, snapshot: &Snapshot, position: usize) -> bool {
        let Some(party) = snapshot.parties.get(position) else {
            return false;
        };
        if let Some(since) = &self.changed_since
            && snapshot
                .seen(position)
                .last_change
                .as_ref()
                .is_none_or(|changed| changed < since)
        {
            return false;
        }
        self.admits(&party.entity)
    }

    pub fn admits(&self, e: &Entity) -> bool {
        if let Some(sources) = &self.sources
            && !sources.contains(&e.source)
        {
            return false;
        }
        if self.exclude_sources.contains(&e.source) {
            return false;
        }
        if self.exclude_schema.iter().any(|s| schema_covers(s, e.kind)) {
            return false;
        }
        if !self.topics.is_empty()
            && !topics_of(e)
                .iter()
                .any(|t| self.topics.iter().any(|f| f == t))
        {
            return false;
        }
        if !self.exclude_ids.is_empty()
            && (self.exclude_ids.contains(&crate::snapshot::api_id(e))
                || self.exclude_ids.contains(&e.id())
                || self
                    .exclude_ids
                    .contains(&format!("{}-{}", e.source, e.source_id)))
        {
            return false;
        }
        true
    }
}

/// Why a party scored what it scored, in one line: the names compared and how their words
/// met, then each feature that counted (`sanctum search` and the search page print it).
pub fn why(explanation: &sanctum_matcher::Explanation) -> String {
    let mut results = crate::api::yente_explanations(explanation);
    let name = results.remove("name");
    name.and_then(|r| Some(format!("{} ({:.2})", r.detail?, r.score)))
        .into_iter()
        .chain(
            results.into_iter().filter_map(|(feature, r)| {
                Some(format!("{feature} {:+.2}: {}", r.score, r.detail?))
            }),
        )
        .collect::<Vec<_>>()
        .join("; ")
}

/// FtM topics of a party: a designated party is a `sanction` target.
pub fn topics_of(e: &Entity) -> Vec<&'static str> {
    if e.designations.is_empty() {
        Vec::new()
    } else {
        vec!["sanction"]
    }
}

thread_local! {
    /// The index's per-lookup buffers, kept per worker thread (one per listed name: too big
    /// to allocate per request).
    static SCRATCH: std::cell::Cell<Scratch> = std::cell::Cell::new(Scratch::default());
}

/// Scores the index's candidates; returns how many reach `cutoff` and the best `limit` of
/// them, best first. Stops with [`Cancelled`] between two candidates once `cancel` is
/// raised.
pub fn score(
    snapshot: &Snapshot,
    matcher: &Matcher,
    query: &PreparedQuery,
    filters: &Filters,
    cutoff: f64,
    limit: usize,
    cancel: &Cancel,
) -> Result<(usize, Vec<(u32, Hit)>), Cancelled> {
    let mut scratch = SCRATCH.take();
    let options = sanctum_matcher::MatchOptions {
        threshold: cutoff,
        ..matcher.options.clone()
    };
    let mut stopped = !snapshot
        .index
        .candidates_until(query, &options, &mut scratch, &|| cancel.is_cancelled());
    let mut hits: Vec<(u32, Hit)> = Vec::new();
    for &i in &scratch.parties {
        if stopped || cancel.is_cancelled() {
            stopped = true;
            break;
        }
        let Some(party) = snapshot.parties.get(i as usize) else {
            continue;
        };
        if !filters.admits_at(snapshot, i as usize) {
            continue;
        }
        if let Some(hit) = matcher.score(query, party)
            && hit.score >= cutoff
        {
            hits.push((i, hit));
        }
    }
    SCRATCH.set(scratch);
    if stopped {
        return Err(Cancelled);
    }
    let total = hits.len();
    hits.sort_by(|a, b| b.1.score.total_cmp(&a.1.score).then(a.0.cmp(&b.0)));
    hits.truncate(limit);
    Ok((total, hits))
}

/// A party as FtM JSON: its main object, and its sub-entities (sanctions, identifications,
/// addresses, links) in the order `sanctum export` writes them.
pub fn ftm_objects(e: &Entity) -> Vec<Value> {
    let mut buf = Vec::new();
    if sanctum_model::ftm::write_entity(e, &mut buf).is_err() {
        return Vec::new();
    }
    buf.split(|b| *b == b'\n')
        .filter(|line| !line.is_empty())
        .filter_map(|line| serde_json::from_slice(line).ok())
        .collect()
}

/// An FtM entity's caption as FollowTheMoney picks it: the first value of the first of its
/// schema's caption properties that has one, else the schema's label. For the sub-entities
/// `sanctum export` writes (FtM 4.9's schema definitions).
pub fn ftm_caption(schema: &str, properties: &Value) -> String {
    let (props, label): (&[&str], &str) = match schema {
        "Sanction" => (&["program"], "Sanction"),
        "Identification" => (&["number"], "Identification"),
        "Passport" => (&["passportNumber", "number"], "Passport"),
        "Address" => (&["full", "summary", "city", "remarks"], "Address"),
        "CryptoWallet" => (&["publicKey", "name", "summary"], "Cryptocurrency wallet"),
        "UnknownLink" => (&[], "Other link"),
        "Ownership" => (&[], "Ownership"),
        _ => (&["name"], schema),
    };
    props
        .iter()
        .find_map(|p| {
            properties
                .get(*p)?
                .as_array()?
                .iter()
                .find_map(Value::as_str)
        })
        .unwrap_or(label)
        .to_string()
}

/// The party's FtM properties (the main object's).
pub fn ftm_properties(e: &Entity) -> Value {
    ftm_objects(e)
        .into_iter()
        .next()
        .and_then(|mut v| v.get_mut("properties").map(Value::take))
        .unwrap_or_else(|| Value::Object(Default::default()))
}

/// The party's properties with its sub-entities nested as yente nests them: `sanctions`,
/// `identification`, `cryptoWallets`, `unknownLinkSubject`, and `addressEntity` as objects.
pub fn ftm_properties_nested(e: &Entity) -> Value {
    let mut objects = ftm_objects(e).into_iter();
    let Some(mut main) = objects.next() else {
        return Value::Object(Default::default());
    };
    let mut props = main
        .get_mut("properties")
        .map(Value::take)
        .unwrap_or_else(|| Value::Object(Default::default()));
    let Some(map) = props.as_object_mut() else {
        return props;
    };
    let mut addresses = Vec::new();
    for sub in objects {
        let key = match sub.get("schema").and_then(Value::as_str) {
            Some("Sanction") => "sanctions",
            Some("Passport") | Some("Identification") => "identification",
            Some("CryptoWallet") => "cryptoWallets",
            Some("UnknownLink") => "unknownLinkSubject",
            Some("Address") => {
                addresses.push(sub);
                continue;
            }
            _ => "related",
        };
        if let Value::Array(list) = map.entry(key).or_insert_with(|| Value::Array(Vec::new())) {
            list.push(sub);
        }
    }
    if !addresses.is_empty() {
        map.insert("addressEntity".to_string(), Value::Array(addresses));
    }
    props
}
