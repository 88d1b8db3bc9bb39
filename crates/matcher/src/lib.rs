//! Scoring a query (a customer, a counterparty) against one listed party, with an explanation
//! an analyst can read.
//!
//! - [`Query`]: what is known of the one screened: names, kind, birth dates, countries,
//!   gender, identifiers. [`Query::prepare`] validates it and analyses its names once.
//! - [`PreparedEntity`]: a listed [`Entity`] with every name analysed by `sanctum-names`
//!   (normalised, transliterated, tokenised, variant-folded), built once per list version.
//! - [`Matcher::score`]: compares every query name with every listed name
//!   ([`names::compare`]), keeps the best pair, then weighs birth dates, countries, gender,
//!   kind and identifiers ([`features`]). Returns a [`Hit`]: a score in [0, 1] and its
//!   [`Explanation`].
//!
//! Scores stay ordered rather than saturating: a perfect name alone scores 0.90, a name with
//! an agreeing birth date and nationality up to 0.98, and only an exact identifier lifts a
//! match above that. [`DEFAULT_THRESHOLD`] is the one documented alert threshold.

pub mod deck;
pub mod eval;
pub mod features;
pub mod names;

use sanctum_model::{Entity, EntityKind, Gender, IdKind, NameKind, PartialDate};
use sanctum_names::analyze;
use serde::Serialize;
use std::fmt;

/// Alerts are raised at or above this score.
pub const DEFAULT_THRESHOLD: f64 = 0.80;

/// The share of the final score the name carries; the features move the rest.
pub(crate) const NAME_SHARE: f64 = 0.90;

#[derive(Debug, Clone)]
pub struct MatchOptions {
    pub threshold: f64,
    /// Weak aliases ("a.k.a. 'BNC'") are too broad to alert on fuzzily: by default they
    /// count only when the query name equals them after normalisation.
    pub weak_alias_fuzzy: bool,
}

impl Default for MatchOptions {
    fn default() -> Self {
        MatchOptions {
            threshold: DEFAULT_THRESHOLD,
            weak_alias_fuzzy: false,
        }
    }
}

/// One name of a listed party, analysed.
#[derive(Debug, Clone)]
pub struct PreparedName {
    pub text: String,
    pub kind: NameKind,
    pub tokens: names::NameTokens,
    /// The family name's variant keys, where the publisher marks it; an unmatched family
    /// name weighs fully, unmatched given and middle names lightly.
    pub family_keys: Vec<String>,
}

impl PreparedName {
    /// `person`: the name is known to be a person's (no legal form is looked for in it).
    pub fn new(text: &str, kind: NameKind, family: Option<&str>, person: bool) -> Self {
        let analysis = if person {
            sanctum_names::analyze_person(text)
        } else {
            analyze(text)
        };
        let tokens = names::NameTokens::new(text, analysis);
        let family_keys = family
            .map(|f| analyze(f).tokens.into_iter().map(|t| t.key).collect())
            .unwrap_or_default();
        PreparedName {
            text: text.to_string(),
            kind,
            tokens,
            family_keys,
        }
    }
}

/// The family name of a person's name of three words or more that the publisher does not
/// mark: the words before the comma of "LAST, First Middle", else the last word as written
/// (lists write the others given names first; a hyphen joins a double family name).
/// Unmarked, it would be weighed as a middle name a customer file may leave out.
fn unmarked_family(text: &str, tokens: &[sanctum_names::NameToken]) -> Vec<String> {
    if tokens.len() < 3 {
        return vec![];
    }
    if let Some((family, given)) = text.split_once(',')
        && !given.contains(',')
    {
        let family: Vec<String> = analyze(family).tokens.into_iter().map(|t| t.key).collect();
        let given_words = analyze(given).tokens.len();
        if !family.is_empty() && given_words > 0 {
            return family;
        }
        return vec![];
    }
    // The last word as written: a hyphen joins a double family name (REYES-BAEZ).
    let last_word = text.split_whitespace().last().unwrap_or_default();
    let family: Vec<String> = analyze(last_word)
        .tokens
        .into_iter()
        .filter(|t| t.kind == sanctum_names::TokenKind::Name)
        .map(|t| t.key)
        .collect();
    if family.len() < tokens.len() {
        family
    } else {
        vec![]
    }
}

/// A listed party ready to be scored many times.
#[derive(Debug, Clone)]
pub struct PreparedEntity {
    pub entity: Entity,
    pub names: Vec<PreparedName>,
}

impl PreparedEntity {
    pub fn new(entity: Entity) -> Self {
        // A party of unknown kind is compared as a person when the query is one.
        let person = matches!(
            entity.kind,
            sanctum_model::EntityKind::Person | sanctum_model::EntityKind::Unknown
        );
        let names = entity
            .names
            .iter()
            .map(|n| {
                let mut name = PreparedName::new(
                    &n.full,
                    n.kind,
                    n.part(sanctum_model::NamePartKind::Family),
                    entity.kind == sanctum_model::EntityKind::Person,
                );
                if person && name.family_keys.is_empty() {
                    name.family_keys = names::family_by_patronymic(&name.tokens.tokens)
                        .into_iter()
                        .collect();
                }
                if person && name.family_keys.is_empty() {
                    name.family_keys = unmarked_family(&n.full, &name.tokens.tokens);
                }
                name
            })
            .filter(|n| !n.tokens.tokens.is_empty())
            .collect();
        PreparedEntity { entity, names }
    }
}

/// An identifying number given with a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryId {
    /// `None` when the kind is unknown: it then matches an identifier of any kind.
    pub kind: Option<IdKind>,
    pub value: String,
}

/// What is known of the one screened.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub names: Vec<String>,
    pub kind: Option<EntityKind>,
    /// ISO dates, full or partial: `1952-10-07`, `1952-10`, `1952`.
    pub birth_dates: Vec<String>,
    /// Country names or ISO codes (nationality, citizenship, residence, seat).
    pub countries: Vec<String>,
    pub gender: Option<Gender>,
    pub identifiers: Vec<QueryId>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("the query has no name")]
    NoName,
    #[error("name {0:?} has no letters or digits to match on")]
    EmptyName(String),
    #[error("invalid birth date {text:?}: {reason}")]
    InvalidDate { text: String, reason: String },
    #[error("unknown country {0:?}: give an ISO 3166 code or an English country name")]
    UnknownCountry(String),
}

/// A validated query with its names analysed.
#[derive(Debug, Clone)]
pub struct PreparedQuery {
    pub names: Vec<PreparedName>,
    pub kind: Option<EntityKind>,
    pub birth_dates: Vec<PartialDate>,
    pub countries: Vec<&'static str>,
    pub gender: Option<Gender>,
    pub identifiers: Vec<(Option<IdKind>, String)>,
}

impl Query {
    pub fn name(name: impl Into<String>) -> Self {
        Query {
            names: vec![name.into()],
            ..Query::default()
        }
    }

    /// Validates the query and analyses its names once, for scoring against many parties.
    pub fn prepare(&self) -> Result<PreparedQuery, QueryError> {
        if self.names.iter().all(|n| n.trim().is_empty()) {
            return Err(QueryError::NoName);
        }
        let mut names = Vec::new();
        for n in self.names.iter().filter(|n| !n.trim().is_empty()) {
            let prepared = PreparedName::new(
                n,
                NameKind::Primary,
                None,
                self.kind == Some(EntityKind::Person),
            );
            if prepared.tokens.tokens.is_empty() {
                return Err(QueryError::EmptyName(n.clone()));
            }
            names.push(prepared);
        }
        let birth_dates = self
            .birth_dates
            .iter()
            .filter(|d| !d.trim().is_empty())
            .map(|d| {
                sanctum_model::date::parse_single_date(d).map_err(|e| QueryError::InvalidDate {
                    text: d.clone(),
                    reason: e.reason.to_string(),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let countries = self
            .countries
            .iter()
            .filter(|c| !c.trim().is_empty())
            .map(|c| {
                sanctum_model::country::code(c).ok_or_else(|| QueryError::UnknownCountry(c.clone()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let identifiers = self
            .identifiers
            .iter()
            .map(|i| (i.kind.clone(), features::normalize_id(&i.value)))
            .filter(|(_, v)| !v.is_empty())
            .collect();
        Ok(PreparedQuery {
            names,
            kind: self.kind,
            birth_dates,
            countries,
            gender: self.gender,
            identifiers,
        })
    }
}

/// How two tokens were found to correspond.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum How {
    Exact,
    /// The same romanisation variant key (Mohammed / Muhammad).
    Variant,
    /// Within the edit tolerance for the token's length (typo, transposition, OCR).
    Fuzzy,
    /// The same Double Metaphone key.
    Phonetic,
    /// The same consonant skeleton (dropped vowels).
    Skeleton,
    /// An initial against a given name.
    Initial,
    /// One is the start of the other (a field cut short).
    Prefix,
    /// Tokens split or joined (JSCARGUMENT / JSC ARGUMENT).
    Joined,
}

/// One query token aligned with one listed token.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Aligned {
    pub query: String,
    pub listed: String,
    pub similarity: f64,
    pub how: How,
}

/// A feature's contribution to the score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Feature {
    pub feature: &'static str,
    pub contribution: f64,
    pub detail: String,
}

/// Why a party scored what it scored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    pub query_name: String,
    pub matched_name: String,
    pub matched_name_kind: NameKind,
    pub name_score: f64,
    pub alignment: Vec<Aligned>,
    pub unmatched_query: Vec<String>,
    pub unmatched_listed: Vec<String>,
    pub features: Vec<Feature>,
    pub score: f64,
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "score {:.3}: {:?} met {:?} ({:?}), name similarity {:.3}",
            self.score, self.query_name, self.matched_name, self.matched_name_kind, self.name_score
        )?;
        for a in &self.alignment {
            writeln!(
                f,
                "  {} ~ {}: {:.2} ({:?})",
                a.query, a.listed, a.similarity, a.how
            )?;
        }
        if !self.unmatched_query.is_empty() {
            writeln!(
                f,
                "  not in the listed name: {}",
                self.unmatched_query.join(" ")
            )?;
        }
        if !self.unmatched_listed.is_empty() {
            writeln!(f, "  not in the query: {}", self.unmatched_listed.join(" "))?;
        }
        for feat in &self.features {
            writeln!(
                f,
                "  {} {:+.3}: {}",
                feat.feature, feat.contribution, feat.detail
            )?;
        }
        Ok(())
    }
}

/// A scored party.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub score: f64,
    pub explanation: Explanation,
}

#[derive(Debug, Clone, Default)]
pub struct Matcher {
    pub options: MatchOptions,
}

impl Matcher {
    pub fn new(options: MatchOptions) -> Self {
        Matcher { options }
    }

    /// Scores a query against a party: the best name pair, then the other features.
    /// `None` when no name pair is comparable at all (a weak alias not met exactly).
    pub fn score(&self, query: &PreparedQuery, party: &PreparedEntity) -> Option<Hit> {
        self.score_at_least(query, party, f64::NEG_INFINITY, u64::MAX)
    }

    /// The threshold's hit, if the party reaches it: the same score as [`Matcher::score`],
    /// but a party whose best name cannot reach `self.options.threshold` even with every
    /// feature in its favour costs no explanation (screening scores many such candidates).
    pub fn alert(&self, query: &PreparedQuery, party: &PreparedEntity) -> Option<Hit> {
        self.alert_among(query, party, u64::MAX)
    }

    /// [`Matcher::alert`] comparing only the party's names whose bit is set in `name_mask`
    /// (names from the 64th on are always compared): a candidate index that knows which
    /// names cannot reach the threshold saves their comparison.
    pub fn alert_among(
        &self,
        query: &PreparedQuery,
        party: &PreparedEntity,
        name_mask: u64,
    ) -> Option<Hit> {
        self.score_at_least(query, party, self.options.threshold, name_mask)
            .filter(|hit| hit.score >= self.options.threshold)
    }

    fn score_at_least(
        &self,
        query: &PreparedQuery,
        party: &PreparedEntity,
        floor: f64,
        name_mask: u64,
    ) -> Option<Hit> {
        // The other features first (cheap, no words): a birth date ten years away can rule
        // the party out before any name is compared. Scores are rounded to four decimals,
        // hence the margin.
        let floor = floor - 1e-4;
        let adjustment = if query.identifiers.is_empty() {
            let (adjustment, _) = features::adjustment(query, &party.entity);
            if NAME_SHARE + adjustment < floor {
                return None;
            }
            adjustment
        } else {
            features::MAX_BONUS
        };
        let person =
            party.entity.kind == EntityKind::Person || query.kind == Some(EntityKind::Person);
        let mut best: Option<(names::RawMatch, &PreparedName, &PreparedName)> = None;
        for q in &query.names {
            for (k, l) in party.names.iter().enumerate() {
                if k < 64 && name_mask & (1 << k) == 0 {
                    continue;
                }
                let m = names::compare(&q.tokens, &l.tokens, &l.family_keys, person);
                if l.kind == NameKind::WeakAlias && !self.options.weak_alias_fuzzy && !m.is_exact()
                {
                    continue;
                }
                if best.as_ref().is_none_or(|(b, ..)| m.score > b.score) {
                    best = Some((m, q, l));
                }
            }
        }
        let (raw, q, l) = best?;
        // The best name with the other features as they are stays below the floor.
        if query.identifiers.is_empty() && NAME_SHARE * raw.score + adjustment < floor {
            return None;
        }
        let m = raw.explain(&q.tokens, &l.tokens);
        let features = features::weigh(query, &party.entity);
        let id_match = features
            .iter()
            .any(|f| f.feature == "identifier" && f.contribution > 0.0);
        let adjustment: f64 = features
            .iter()
            .filter(|f| f.feature != "identifier")
            .map(|f| f.contribution)
            .sum();
        let score = if id_match {
            // An exact identifier makes the match near certain; the name still orders it.
            0.98 + 0.02 * m.score
        } else {
            (NAME_SHARE * m.score + adjustment).clamp(0.0, 0.98)
        };
        let score = (score * 1e4).round() / 1e4;
        Some(Hit {
            score,
            explanation: Explanation {
                query_name: q.text.clone(),
                matched_name: l.text.clone(),
                matched_name_kind: l.kind,
                name_score: (m.score * 1e4).round() / 1e4,
                alignment: m.aligned,
                unmatched_query: m.unmatched_query,
                unmatched_listed: m.unmatched_listed,
                features,
                score,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sanctum_model::EntityKind;

    fn listed_person(full: &str) -> PreparedEntity {
        let mut e = Entity::new("test", full, EntityKind::Person);
        e.names
            .push(sanctum_model::Name::new(full, NameKind::Primary));
        PreparedEntity::new(e)
    }

    #[test]
    fn a_persons_name_has_no_legal_form() {
        let tsyb = listed_person("Sergey Anatolyevich TSYB");
        let mut query = Query::name("S A TSYB");
        query.kind = Some(EntityKind::Person);
        let hit = Matcher::default()
            .score(&query.prepare().unwrap(), &tsyb)
            .unwrap();
        assert!(hit.explanation.name_score > 0.85, "{hit:?}");
    }

    #[test]
    fn an_unmarked_family_name_is_the_last_word_or_before_the_comma() {
        let family = |name: &str| {
            let tokens = names::NameTokens::new(name, analyze(name)).tokens;
            unmarked_family(name, &tokens)
        };
        let keys = |text: &str| -> Vec<String> { analyze(text).keys().map(String::from).collect() };
        assert_eq!(family("PIERRE ANDRE RANDIN"), keys("RANDIN"));
        assert_eq!(
            family("Jose Luis Gonzalez-Salinas"),
            keys("Gonzalez Salinas")
        );
        assert_eq!(
            family("QUINTERO MERAZ, Jose Albino"),
            keys("QUINTERO MERAZ")
        );
        // Two words: nothing to tell apart from a middle name.
        assert!(family("Jason Smith").is_empty());
    }

    #[test]
    fn an_unmarked_family_name_found_by_the_patronymic_weighs_fully() {
        let matcher = Matcher::new(MatchOptions::default());
        let score = |query: &str, party: &PreparedEntity| {
            let q = Query::name(query).prepare().expect("query");
            matcher.score(&q, party).map_or(0.0, |h| h.score)
        };
        let orlova = listed_person("Орлова Наталья Алексеевна");
        assert_eq!(orlova.names[0].family_keys, ["orlova"]);
        // Given name and (nearly) the patronymic alike, the family name missing: another
        // woman (a customer of the deck; 0.84 while ORLOVA weighed as a given name).
        assert!(score("Наталья Алексеева", &orlova) < DEFAULT_THRESHOLD);
        // The patronymic left out still matches.
        assert!(score("Наталья Орлова", &orlova) >= DEFAULT_THRESHOLD);
        let melnik = listed_person("Roman Ivanovich Melnik");
        assert!(score("Роман Мельник", &melnik) >= DEFAULT_THRESHOLD);
    }
}
