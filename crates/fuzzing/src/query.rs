//! The query target: a query read from the fuzzer's bytes, prepared within the limits and
//! scored against a listed party made of its own names.
//!
//! The bytes are read as lines of `key=value` (lossy UTF-8) so that seeds stay readable and
//! a mutation of one line changes one field:
//!
//! ```text
//! name=Vladimir Putin
//! birth_date=1952-10-07
//! country=ru
//! id=passport:100000
//! kind=person
//! gender=male
//! ```
//!
//! A line with another key, or none, is one more name.

use sanctum_limits::Limits;
use sanctum_matcher::{Matcher, PreparedEntity, Query, QueryId};
use sanctum_model::{Entity, EntityKind, Gender, IdKind, Name, NameKind};

/// Every identifier kind, by the name `IdKind::as_str` gives it.
const ID_KINDS: [IdKind; 16] = [
    IdKind::Passport,
    IdKind::NationalId,
    IdKind::TaxId,
    IdKind::Registration,
    IdKind::Imo,
    IdKind::Mmsi,
    IdKind::CallSign,
    IdKind::SwiftBic,
    IdKind::Lei,
    IdKind::CryptoWallet,
    IdKind::AircraftSerial,
    IdKind::AircraftTail,
    IdKind::Email,
    IdKind::Website,
    IdKind::Phone,
    IdKind::Other,
];

/// The query the bytes describe.
pub fn decode(data: &[u8]) -> Query {
    let text = String::from_utf8_lossy(data);
    let mut query = Query::default();
    for line in text.split('\n') {
        let (key, value) = line.split_once('=').unwrap_or(("name", line));
        match key {
            "birth_date" => query.birth_dates.push(value.to_string()),
            "country" => query.countries.push(value.to_string()),
            "id" => {
                let (kind, value) = match value.split_once(':') {
                    Some((kind, value)) => (ID_KINDS.iter().find(|k| k.as_str() == kind), value),
                    None => (None, value),
                };
                query.identifiers.push(QueryId {
                    kind: kind.cloned(),
                    value: value.to_string(),
                });
            }
            "kind" => {
                query.kind = [
                    EntityKind::Person,
                    EntityKind::Organization,
                    EntityKind::Vessel,
                    EntityKind::Aircraft,
                    EntityKind::Unknown,
                ]
                .into_iter()
                .find(|k| k.as_str() == value);
            }
            "gender" => {
                query.gender = match value {
                    "male" => Some(Gender::Male),
                    "female" => Some(Gender::Female),
                    "other" => Some(Gender::Other),
                    _ => None,
                };
            }
            "name" => query.names.push(value.to_string()),
            _ => query.names.push(line.to_string()),
        }
    }
    query
}

/// Prepares the query the bytes describe and scores it against a party listed under the
/// same names. A score must be a number in [0, 1].
pub fn run(data: &[u8], limits: &Limits) {
    let query = decode(data);
    let Ok(prepared) = query.prepare_within(limits) else {
        return;
    };
    let mut party = Entity::new("fuzz", "1", query.kind.unwrap_or(EntityKind::Unknown));
    for (i, name) in query.names.iter().enumerate() {
        let kind = if i == 0 {
            NameKind::Primary
        } else {
            NameKind::Alias
        };
        party.names.push(Name::new(name.clone(), kind));
    }
    party.gender = query.gender;
    let party = PreparedEntity::within(party, limits);
    if let Some(hit) = Matcher::default().score(&prepared.query, &party) {
        assert!(
            (0.0..=1.0).contains(&hit.score),
            "score {} out of [0, 1] for {query:?}",
            hit.score
        );
    }
}
