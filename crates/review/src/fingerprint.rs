//! Fingerprints of the fields that matter for matching, and what changed between two.
//!
//! Both sides of an alert are reduced to [`Facets`]: named sets of normalised values
//! (names, aliases, birth dates, countries, identifiers, programs, kind). A fingerprint is
//! the SHA-256 of a canonical encoding of the facets, so it changes exactly when a value
//! that matching reads is added or removed, and not when a record is merely reordered,
//! re-spaced or re-cased, or when a field matching ignores (a remark, an address) changes.
//! [`diff`] tells what was added and removed, facet by facet: the "what changed" of a
//! re-alert.

use sanctum_model::{Entity, NameKind};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

/// Facet name → normalised values.
pub type Facets = BTreeMap<String, BTreeSet<String>>;

/// Lower case, whitespace collapsed, trimmed.
pub fn normalize_text(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// An identifier value as compared: letters and digits only, upper case.
pub fn normalize_identifier(value: &str) -> String {
    value
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

fn insert(facets: &mut Facets, facet: &str, value: String) {
    if !value.is_empty() {
        facets.entry(facet.to_string()).or_default().insert(value);
    }
}

/// The facets of one listed record.
pub fn party_facets(entity: &Entity) -> Facets {
    let mut facets = Facets::new();
    add_party(&mut facets, entity);
    facets
}

fn add_party(facets: &mut Facets, entity: &Entity) {
    insert(facets, "kind", entity.kind.as_str().to_string());
    for name in &entity.names {
        let facet = match name.kind {
            NameKind::Primary => "names",
            NameKind::WeakAlias => "weak_aliases",
            _ => "aliases",
        };
        insert(facets, facet, normalize_text(&name.full));
    }
    for date in &entity.birth_dates {
        insert(facets, "birth_dates", date.date.to_string());
    }
    for (facet, values) in [
        ("nationalities", &entity.nationalities),
        ("citizenships", &entity.citizenships),
        ("countries", &entity.countries),
    ] {
        for country in values {
            insert(facets, facet, country.code.to_uppercase());
        }
    }
    for id in &entity.identifiers {
        insert(
            facets,
            "identifiers",
            format!("{}:{}", id.kind.as_str(), normalize_identifier(&id.value)),
        );
    }
    for program in entity.programs() {
        insert(facets, "programs", program.trim().to_string());
    }
}

/// The facets of a target: the union of its records' (a new designation of the same
/// party on another list changes the target).
pub fn target_facets<'a>(entities: impl IntoIterator<Item = &'a Entity>) -> Facets {
    let mut facets = Facets::new();
    for entity in entities {
        add_party(&mut facets, entity);
    }
    facets
}

/// SHA-256 (hex) of the canonical encoding: each facet name and value as its byte length
/// (8 bytes, big-endian) then its bytes, facets and values in sorted order, each facet's
/// value count before its values.
pub fn fingerprint(facets: &Facets) -> String {
    let mut hasher = Sha256::new();
    let mut field = |bytes: &[u8]| {
        hasher.update((bytes.len() as u64).to_be_bytes());
        hasher.update(bytes);
    };
    for (facet, values) in facets {
        if values.is_empty() {
            continue;
        }
        field(facet.as_bytes());
        field(&(values.len() as u64).to_be_bytes());
        for value in values {
            field(value.as_bytes());
        }
    }
    hex::encode(hasher.finalize())
}

/// What changed in one facet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetChange {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub added: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<String>,
}

/// Facet name → values added and removed; facets that did not change are absent.
pub type FacetDiff = BTreeMap<String, FacetChange>;

pub fn diff(before: &Facets, after: &Facets) -> FacetDiff {
    let empty = BTreeSet::new();
    let names: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    let mut out = FacetDiff::new();
    for name in names {
        let b = before.get(name).unwrap_or(&empty);
        let a = after.get(name).unwrap_or(&empty);
        let change = FacetChange {
            added: a.difference(b).cloned().collect(),
            removed: b.difference(a).cloned().collect(),
        };
        if !change.added.is_empty() || !change.removed.is_empty() {
            out.insert(name.clone(), change);
        }
    }
    out
}

/// Facets back from their stored JSON (an unreadable value reads as no facets: the
/// fingerprint, not the facets, decides whether a pair changed).
pub fn facets_from_json(value: &serde_json::Value) -> Facets {
    serde_json::from_value(value.clone()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sanctum_model::{EntityKind, Name};

    fn party() -> Entity {
        let mut e = Entity::new("us_ofac_sdn", "7", EntityKind::Person);
        e.names.push(Name::new("PETROV, Ivan", NameKind::Primary));
        e.identifiers.push(
            serde_json::from_value(serde_json::json!({"kind": "passport", "value": "AB 123-456"}))
                .unwrap(),
        );
        e.designations.push(
            serde_json::from_value(serde_json::json!({
                "authority": "US OFAC", "list": "SDN", "programs": ["RUSSIA-EO14024"]
            }))
            .unwrap(),
        );
        e
    }

    #[test]
    fn cosmetic_changes_keep_the_fingerprint_and_a_new_alias_changes_it() {
        let before = party();
        let mut respaced = before.clone();
        respaced.names[0].full = "petrov,   IVAN".into();
        respaced.identifiers[0].value = "ab123456".into();
        respaced
            .remarks
            .push(sanctum_model::Text::new("a remark matching ignores"));
        assert_eq!(
            fingerprint(&party_facets(&before)),
            fingerprint(&party_facets(&respaced))
        );
        let mut amended = before.clone();
        amended
            .names
            .push(Name::new("PETROV, Vanya", NameKind::Alias));
        let (a, b) = (party_facets(&before), party_facets(&amended));
        assert_ne!(fingerprint(&a), fingerprint(&b));
        let changes = diff(&a, &b);
        assert_eq!(
            changes,
            [(
                "aliases".to_string(),
                FacetChange {
                    added: vec!["petrov, vanya".into()],
                    removed: vec![]
                }
            )]
            .into_iter()
            .collect()
        );
    }

    #[test]
    fn a_value_moving_between_facets_changes_the_fingerprint() {
        let mut a = Facets::new();
        insert(&mut a, "names", "x".into());
        let mut b = Facets::new();
        insert(&mut b, "aliases", "x".into());
        assert_ne!(fingerprint(&a), fingerprint(&b));
        assert_eq!(diff(&a, &b).len(), 2);
    }
}
