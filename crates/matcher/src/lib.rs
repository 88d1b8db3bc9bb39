//! Scoring a query (a customer, a counterparty) against one listed party, with an explanation
//! an analyst can read.
//!
//! - [`Query`]: what is known of the one screened: names, kind, birth dates, countries,
//!   gender, identifiers. [`Query::prepare_within`] validates it against the name limits
//!   (`[limits]`: characters, words, names), refuses a name with too little to screen on,
//!   and analyses its names once.
//! - [`PreparedEntity`]: a listed [`Entity`] with every name analysed by `sanctum-names`
//!   (normalised, transliterated, tokenised, variant-folded), built once per list version.
//!   A listed name over the name limits is analysed on its first words only
//!   ([`bounded_name`]): the work per listed name is bounded, the stored record whole.
//! - [`Matcher::score`]: compares every query name with every listed name
//!   ([`names::compare`]), keeps the best pair, then weighs birth dates, countries, gender,
//!   kind and identifiers ([`features`]). Returns a [`Hit`]: a score in [0, 1] and its
//!   [`Explanation`].
//! - [`model`]: every tuned number (similarities, token weights, the shares of what is left
//!   over, the feature weights, the cap) and the formula from aligned tokens to a score,
//!   which the candidate index's bound evaluates too.
//!
//! Scores stay ordered rather than saturating: a perfect name alone scores 0.90, a name with
//! an agreeing birth date and nationality up to 0.98, and only an exact identifier lifts a
//! match above that. [`DEFAULT_THRESHOLD`] is the one documented alert threshold.

pub mod features;
pub mod model;
pub mod names;

use sanctum_limits::{LimitExceeded, Limits};
use sanctum_model::{Entity, EntityKind, Gender, IdKind, NameKind, PartialDate};
use sanctum_names::{TokenKind, analyze, analyze_keys};
use serde::Serialize;
use std::fmt;

pub use model::{DEFAULT_THRESHOLD, SEARCH_THRESHOLD};

use model::NAME_SHARE;

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
    /// Analyses the name within the default limits (see [`PreparedName::within`]).
    pub fn new(text: &str, kind: NameKind, family: Option<&str>, person: bool) -> Self {
        Self::within(text, kind, family, person, &Limits::default())
    }

    /// [`PreparedName::new`] analysing at most the name's first `max_name_chars` characters
    /// and `max_name_tokens` words: a longer name is matched on its start (its `text`
    /// stays whole, for the explanation).
    pub fn within(
        text: &str,
        kind: NameKind,
        family: Option<&str>,
        person: bool,
        limits: &Limits,
    ) -> Self {
        let analysed = bounded_name(text, limits);
        let mut analysis = if person {
            sanctum_names::analyze_person(analysed)
        } else {
            analyze(analysed)
        };
        analysis.tokens.truncate(limits.max_name_tokens);
        let tokens = names::NameTokens::new(analysed, analysis);
        let family_keys = family
            .map(|f| {
                let mut keys: Vec<String> = analyze_keys(bounded_name(f, limits))
                    .into_iter()
                    .map(|(_, key)| key)
                    .collect();
                keys.truncate(limits.max_name_tokens);
                keys
            })
            .unwrap_or_default();
        PreparedName {
            text: text.to_string(),
            kind,
            tokens,
            family_keys,
        }
    }
}

/// The start of `text` that the matcher analyses: at most `max_name_chars` characters and
/// `max_name_tokens` words, cut before a word where it can be. A name within the limits is
/// returned whole. One 333,000-word listed name once made every index build take minutes:
/// the work per name must not grow with the input.
pub fn bounded_name<'a>(text: &'a str, limits: &Limits) -> &'a str {
    let mut words = 0;
    let mut in_word = false;
    let mut last_break = 0;
    for (chars, (at, c)) in text.char_indices().enumerate() {
        if chars == limits.max_name_chars {
            // Cut before the word the limit falls in, unless that leaves nothing.
            let cut = if in_word && last_break > 0 {
                last_break
            } else {
                at
            };
            return &text[..cut];
        }
        if c.is_whitespace() {
            if in_word {
                last_break = at;
            }
            in_word = false;
        } else if !in_word {
            in_word = true;
            words += 1;
            if words > limits.max_name_tokens {
                return &text[..at];
            }
        }
    }
    text
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
        let family: Vec<String> = analyze_keys(family).into_iter().map(|(_, k)| k).collect();
        let given_words = analyze_keys(given).len();
        if !family.is_empty() && given_words > 0 {
            return family;
        }
        return vec![];
    }
    // The last word as written: a hyphen joins a double family name (REYES-BAEZ).
    let last_word = text.split_whitespace().last().unwrap_or_default();
    let family: Vec<String> = analyze_keys(last_word)
        .into_iter()
        .filter(|(kind, _)| *kind == sanctum_names::TokenKind::Name)
        .map(|(_, key)| key)
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
    /// Prepares a party within the default limits (see [`PreparedEntity::within`]).
    pub fn new(entity: Entity) -> Self {
        Self::within(entity, &Limits::default())
    }

    /// Prepares a party, each name analysed on at most its first `max_name_chars`
    /// characters and `max_name_tokens` words ([`bounded_name`]); the entity is kept whole.
    pub fn within(entity: Entity, limits: &Limits) -> Self {
        // A party of unknown kind is compared as a person when the query is one.
        let person = matches!(
            entity.kind,
            sanctum_model::EntityKind::Person | sanctum_model::EntityKind::Unknown
        );
        let names = entity
            .names
            .iter()
            .map(|n| {
                let mut name = PreparedName::within(
                    &n.full,
                    n.kind,
                    n.part(sanctum_model::NamePartKind::Family),
                    entity.kind == sanctum_model::EntityKind::Person,
                    limits,
                );
                if person && name.family_keys.is_empty() {
                    name.family_keys = names::family_by_patronymic(&name.tokens.tokens)
                        .into_iter()
                        .collect();
                }
                if person && name.family_keys.is_empty() {
                    name.family_keys =
                        unmarked_family(bounded_name(&n.full, limits), &name.tokens.tokens);
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
    /// Only initials (no acronym, [`MIN_ACRONYM_LETTERS`]), particles, generations, function words
    /// or legal forms: nothing a listed name could be told apart by.
    #[error(
        "name {0:?} has too little to screen on: only initials, particles or legal forms (give a name word)"
    )]
    NoNameWord(String),
    /// A name over `max_name_chars` or `max_name_tokens`, or more names than
    /// `max_names_per_query`: the work per query would grow with the input.
    #[error("{}{limit}", .name.as_ref().map(|n| format!("name {n:?}: ")).unwrap_or_default())]
    TooLarge {
        /// The name's start, when one name is too long.
        name: Option<String>,
        limit: LimitExceeded,
    },
    #[error("invalid birth date {text:?}: {reason}")]
    InvalidDate { text: String, reason: String },
    #[error("unknown country {0:?}: give an ISO 3166 code or an English country name")]
    UnknownCountry(String),
}

/// What preparing a query noticed without refusing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryWarning {
    /// The name holds bidirectional control characters (U+202E …), which make the text
    /// shown differ from the text stored. The controls are left out for matching and, where
    /// they reorder the letters, the name is also screened as displayed (`displayed`).
    BidiControls {
        name: String,
        displayed: Option<String>,
    },
    /// A name with too little to screen on (see [`QueryError::NoNameWord`]) was left out;
    /// the query's other names are screened.
    NameLeftOut(String),
    /// No name has enough to screen on: only an identifier match may alert.
    IdentifiersOnly,
}

impl fmt::Display for QueryWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueryWarning::BidiControls {
                name,
                displayed: Some(shown),
            } => write!(
                f,
                "name {name:?} holds bidirectional control characters: it displays as {shown:?}; screened as stored and as displayed"
            ),
            QueryWarning::BidiControls { name, .. } => write!(
                f,
                "name {name:?} holds bidirectional control characters: screened without them"
            ),
            QueryWarning::NameLeftOut(name) => write!(
                f,
                "name {name:?} left out: only initials, particles or legal forms"
            ),
            QueryWarning::IdentifiersOnly => write!(
                f,
                "no name to screen on (none given, or only initials, particles or legal forms): only an identifier match alerts"
            ),
        }
    }
}

/// A prepared query with what preparing it noticed.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub query: PreparedQuery,
    /// Empty for most queries (no allocation).
    pub warnings: Vec<QueryWarning>,
}

/// Without a name word, a name is an acronym written with dots (N.I.A., AR.P.Č.) only
/// with two initials or more and this many letters in its short pieces (initials and
/// pieces of one or two letters). One or two letters meet every listed name with those
/// initials: the query `a` once alerted at 0.873 on the weak alias `AA`.
pub const MIN_ACRONYM_LETTERS: usize = 3;

/// Whether a name carries something to screen on: a word of two or more letters or digits
/// that is no particle, generation, function word or legal form; or an acronym
/// ([`MIN_ACRONYM_LETTERS`]). A name of titles alone (the alias DOCTOR) is weighed by the
/// matcher as words, and counts as one; beside other words, titles weigh nothing. A lone
/// particle of three letters or more with no name word to bind to is the name itself: the
/// surnames Das, Dos, Van and Del are spelt like particles (`Das LLP` is a firm), where two
/// particles with nothing else (`al bin`) name nobody.
pub fn has_name_word(tokens: &names::NameTokens) -> bool {
    let (mut initials, mut letters) = (0, 0);
    let (mut particles, mut long_particles) = (0, 0);
    for t in &tokens.tokens {
        let chars = t.text.chars().count();
        if t.kind == TokenKind::Particle {
            particles += 1;
            long_particles += usize::from(chars >= MIN_SURNAME_PARTICLE_LETTERS);
        }
        match t.kind {
            TokenKind::Name | TokenKind::Number | TokenKind::Honorific if chars > 1 => {
                return true;
            }
            TokenKind::Initial | TokenKind::Name => {
                initials += 1;
                letters += 1;
            }
            _ if chars <= 2 => letters += chars,
            _ => {}
        }
    }
    (particles == 1 && long_particles == 1) || (initials >= 2 && letters >= MIN_ACRONYM_LETTERS)
}

/// Fewest letters of a particle that, alone in a name, is read as the surname it is spelt
/// like (see [`has_name_word`]): `das`, `van`, `del` are surnames; `al`, `de` alone are not.
pub const MIN_SURNAME_PARTICLE_LETTERS: usize = 3;

/// Unicode's Bidi_Control characters: the marks (ALM, LRM, RLM), embeddings and overrides
/// (LRE … RLO) and isolates (LRI … PDI). They change the order text is shown in, not its
/// letters; a name holding one shows a different name than it stores.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// `text` in display order (the Unicode bidirectional algorithm's, left to right), its
/// controls left out.
fn visual(text: &str) -> String {
    let info = unicode_bidi::BidiInfo::new(text, None);
    let lines: Vec<String> = info
        .paragraphs
        .iter()
        .map(|para| {
            info.reorder_line(para, para.range.clone())
                .chars()
                .filter(|c| !is_bidi_control(*c))
                .collect()
        })
        .collect();
    lines.join(" ")
}

/// The name a reader takes in when the controls change how `text` shows: the text without
/// controls that shows as `text` does (`\u{202E}nituP rimidalV` shows, and reads, as
/// `Vladimir Putin`); `None` when the controls change nothing shown (a mark beside
/// right-to-left letters) or no such text is found.
fn displayed(text: &str) -> Option<String> {
    let stored: String = text.chars().filter(|c| !is_bidi_control(*c)).collect();
    let shown = visual(text);
    if shown == visual(&stored) {
        return None;
    }
    let reversed: String = shown.chars().rev().collect();
    [shown.clone(), reversed]
        .into_iter()
        .find(|candidate| visual(candidate) == shown)
}

/// A name's start for an error message.
fn name_start(text: &str) -> String {
    const SHOWN: usize = 60;
    let mut start: String = text.chars().take(SHOWN).collect();
    if text.chars().nth(SHOWN).is_some() {
        start.push('…');
    }
    start
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

    /// [`Query::prepare_within`] the default limits, its warnings left out.
    pub fn prepare(&self) -> Result<PreparedQuery, QueryError> {
        self.prepare_within(&Limits::default()).map(|p| p.query)
    }

    /// Validates the query and analyses its names once, for scoring against many parties.
    ///
    /// Refused: more names than `max_names_per_query`, a name over `max_name_chars`
    /// characters or `max_name_tokens` words (the work per query stays bounded), and a query
    /// whose names have nothing to screen on ([`has_name_word`]) unless an identifier does;
    /// a name without a name word beside one that has some is left out. Bidirectional
    /// controls are left out for matching, and a name they reorder is screened as
    /// displayed too; both are reported in [`Prepared::warnings`].
    pub fn prepare_within(&self, limits: &Limits) -> Result<Prepared, QueryError> {
        let given: Vec<&String> = self.names.iter().filter(|n| !n.trim().is_empty()).collect();
        let has_identifier = self
            .identifiers
            .iter()
            .any(|i| !features::normalize_id(&i.value).is_empty());
        if given.is_empty() && !has_identifier {
            return Err(QueryError::NoName);
        }
        if given.len() > limits.max_names_per_query {
            return Err(QueryError::TooLarge {
                name: None,
                limit: LimitExceeded::new(
                    "the number of names",
                    "max_names_per_query",
                    limits.max_names_per_query as u64,
                )
                .found(given.len()),
            });
        }
        for (what, n) in [
            ("the number of birth dates", self.birth_dates.len()),
            ("the number of countries", self.countries.len()),
            ("the number of identifiers", self.identifiers.len()),
        ] {
            if n > limits.max_query_values {
                return Err(QueryError::TooLarge {
                    name: None,
                    limit: LimitExceeded::new(
                        what,
                        "max_query_values",
                        limits.max_query_values as u64,
                    )
                    .found(n),
                });
            }
        }
        let person = self.kind == Some(EntityKind::Person);
        let mut warnings = Vec::new();
        let mut names = Vec::with_capacity(given.len());
        let mut left_out = Vec::new();
        for n in given {
            let chars = n.chars().count();
            if chars > limits.max_name_chars {
                return Err(QueryError::TooLarge {
                    name: Some(name_start(n)),
                    limit: LimitExceeded::new(
                        "the name's length in characters",
                        "max_name_chars",
                        limits.max_name_chars as u64,
                    )
                    .found(chars),
                });
            }
            let shown = if n.contains(is_bidi_control) {
                let shown = displayed(n);
                warnings.push(QueryWarning::BidiControls {
                    name: n.clone(),
                    displayed: shown.clone(),
                });
                shown
            } else {
                None
            };
            for text in std::iter::once(n.as_str()).chain(shown.as_deref()) {
                let analysis = if person {
                    sanctum_names::analyze_person(text)
                } else {
                    analyze(text)
                };
                if analysis.tokens.len() > limits.max_name_tokens {
                    return Err(QueryError::TooLarge {
                        name: Some(name_start(n)),
                        limit: LimitExceeded::new(
                            "the name's number of words",
                            "max_name_tokens",
                            limits.max_name_tokens as u64,
                        )
                        .found(analysis.tokens.len()),
                    });
                }
                let prepared = PreparedName {
                    text: text.to_string(),
                    kind: NameKind::Primary,
                    tokens: names::NameTokens::new(text, analysis),
                    family_keys: Vec::new(),
                };
                if prepared.tokens.tokens.is_empty() {
                    return Err(QueryError::EmptyName(n.clone()));
                }
                if has_name_word(&prepared.tokens) {
                    names.push(prepared);
                } else {
                    left_out.push(prepared);
                }
            }
        }
        if names.is_empty() {
            if let Some(first) = left_out.first()
                && !has_identifier
            {
                return Err(QueryError::NoNameWord(first.text.clone()));
            }
            // The identifier carries the query; the names stay for the matcher to align,
            // and the caller keeps only identifier matches.
            warnings.push(QueryWarning::IdentifiersOnly);
            names = left_out;
        } else {
            warnings.extend(
                left_out
                    .into_iter()
                    .map(|n| QueryWarning::NameLeftOut(n.text)),
            );
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
        Ok(Prepared {
            query: PreparedQuery {
                names,
                kind: self.kind,
                birth_dates,
                countries,
                gender: self.gender,
                identifiers,
            },
            warnings,
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
    /// A given name and its familiar form (TED / Theodore, SASHA / Aleksandr).
    Familiar,
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
        let Some((raw, q, l)) = best else {
            return query
                .names
                .is_empty()
                .then(|| self.identifier_only(query, party))
                .flatten();
        };
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
        let score = model::party_score(m.score, adjustment, id_match);
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

impl Matcher {
    /// A query of identifiers alone (a BIC, an IMO number): a party is a hit when one of
    /// them is listed for it, and scores as any identifier match does with no name met.
    fn identifier_only(&self, query: &PreparedQuery, party: &PreparedEntity) -> Option<Hit> {
        let features = features::weigh(query, &party.entity);
        let id_match = features
            .iter()
            .any(|f| f.feature == "identifier" && f.contribution > 0.0);
        if !id_match {
            return None;
        }
        let adjustment: f64 = features
            .iter()
            .filter(|f| f.feature != "identifier")
            .map(|f| f.contribution)
            .sum();
        let score = (model::party_score(0.0, adjustment, true) * 1e4).round() / 1e4;
        let listed = party.names.first();
        Some(Hit {
            score,
            explanation: Explanation {
                query_name: String::new(),
                matched_name: listed.map(|l| l.text.clone()).unwrap_or_default(),
                matched_name_kind: listed.map_or(NameKind::Primary, |l| l.kind),
                name_score: 0.0,
                alignment: Vec::new(),
                unmatched_query: Vec::new(),
                unmatched_listed: Vec::new(),
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

    #[test]
    fn an_identifier_alone_is_a_query_and_outweighs_a_differing_name() {
        use sanctum_model::{IdKind, Identifier};
        // As OFAC lists a vessel: the IMO number's seven digits.
        let mut vessel = Entity::new("test", "1", EntityKind::Vessel);
        vessel
            .names
            .push(sanctum_model::Name::new("SNOW STORM 2", NameKind::Primary));
        vessel
            .identifiers
            .push(Identifier::new(IdKind::Imo, "9187629"));
        let vessel = PreparedEntity::new(vessel);
        let imo = |value: &str| QueryId {
            kind: Some(IdKind::Imo),
            value: value.into(),
        };
        // Only the number, written with its prefix as payment and yente clients send it.
        let only = Query {
            identifiers: vec![imo("IMO 9187629")],
            ..Query::default()
        };
        let prepared = only.prepare_within(&Limits::default()).unwrap();
        assert!(prepared.query.names.is_empty());
        let hit = Matcher::default().score(&prepared.query, &vessel).unwrap();
        assert!(hit.score >= model::SCORE_CAP, "{hit:?}");
        assert!(Matcher::default().alert(&prepared.query, &vessel).is_some());
        // Another number is no hit; neither names nor numbers is no query.
        let other = Query {
            identifiers: vec![imo("IMO 9187620")],
            ..Query::default()
        };
        let other = other.prepare().unwrap();
        assert!(Matcher::default().score(&other, &vessel).is_none());
        assert_eq!(Query::default().prepare().unwrap_err(), QueryError::NoName);
        // A name that differs in its number, with the listed IMO number: the number decides.
        let named = Query {
            names: vec!["Snow Storm 1".into()],
            identifiers: vec![imo("9187629")],
            ..Query::default()
        };
        let hit = Matcher::default()
            .alert(&named.prepare().unwrap(), &vessel)
            .unwrap();
        assert!(hit.score >= model::SCORE_CAP, "{hit:?}");
        let unnamed = Query::name("Snow Storm 1").prepare().unwrap();
        let without = Matcher::default().score(&unnamed, &vessel).unwrap();
        assert!(without.score < DEFAULT_THRESHOLD, "{without:?}");
    }

    #[test]
    fn a_legal_form_misspelt_in_the_query_is_that_form() {
        let listed = |name: &str| {
            let mut firm = Entity::new("test", "1", EntityKind::Organization);
            firm.names
                .push(sanctum_model::Name::new(name, NameKind::Primary));
            PreparedEntity::new(firm)
        };
        for (query, name) in [
            (
                "TRADE POINT INTERNATIONAL S.A.R.LL.",
                "TRADE POINT INTERNATIONAL S.A.R.L.",
            ),
            ("INVERSIONES TALADRO LTDDA.", "INVERSIONES TALADRO LTDA."),
            ("PABAS HOLDING CORRP.", "PABAS HOLDING CORP."),
        ] {
            let hit =
                Matcher::default().score(&Query::name(query).prepare().unwrap(), &listed(name));
            assert!(
                hit.as_ref().is_some_and(|h| h.score >= DEFAULT_THRESHOLD),
                "{query}: {hit:?}"
            );
        }
        // Where the listed name has no form, the words are the query's own.
        let hit = Matcher::default()
            .score(
                &Query::name("PABAS HOLDING CORRP.").prepare().unwrap(),
                &listed("PABAS HOLDING"),
            )
            .unwrap();
        let with_form = Matcher::default()
            .score(
                &Query::name("PABAS HOLDING CORRP.").prepare().unwrap(),
                &listed("PABAS HOLDING CORP."),
            )
            .unwrap();
        assert!(hit.score < with_form.score, "{hit:?}");
    }

    #[test]
    fn a_legal_form_the_query_leaves_out_costs_little() {
        let mut firm = Entity::new("test", "1", EntityKind::Organization);
        firm.names.push(sanctum_model::Name::new(
            "FABERLIC EUROPE Sp. z o.o.",
            NameKind::Primary,
        ));
        let firm = PreparedEntity::new(firm);
        let hit = Matcher::default()
            .alert(&Query::name("FABERLIC EUROPE").prepare().unwrap(), &firm)
            .unwrap();
        assert!(hit.score >= 0.85, "{hit:?}");
    }

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
    fn a_query_over_the_name_limits_is_refused_naming_the_limit() {
        let limits = Limits::default();
        let long = "x".repeat(limits.max_name_chars + 1);
        let err = Query::name(long.as_str()).prepare().unwrap_err();
        assert!(
            err.to_string().contains("`max_name_chars`") && err.to_string().contains("…"),
            "{err}"
        );
        let words = vec!["Ivan"; limits.max_name_tokens + 1].join(" ");
        let err = Query::name(words.as_str()).prepare().unwrap_err();
        assert!(matches!(err, QueryError::TooLarge { .. }), "{err}");
        assert!(err.to_string().contains("`max_name_tokens`"), "{err}");
        let at_limit = vec!["Ivan"; limits.max_name_tokens].join(" ");
        assert!(Query::name(at_limit.as_str()).prepare().is_ok());
        let many = Query {
            names: vec!["Ivan Petrov".to_string(); limits.max_names_per_query + 1],
            ..Query::default()
        };
        let err = many.prepare().unwrap_err();
        assert!(err.to_string().contains("`max_names_per_query`"), "{err}");
    }

    #[test]
    fn a_name_without_a_name_word_is_refused_or_left_out() {
        for name in [
            "a", "A. B.", "al bin", "OOO", "LLC", "x y", "Jr", "El M", "de la x", "1-P",
        ] {
            assert!(
                matches!(Query::name(name).prepare(), Err(QueryError::NoNameWord(_))),
                "{name:?}"
            );
        }
        for name in [
            "Li", "N.I.A.", "AR.P.Č.", "Al Sham", "7 Seas", "DOCTOR", "Das LLP", "Van GmbH", "Dos",
        ] {
            assert!(Query::name(name).prepare().is_ok(), "{name:?}");
        }
        // Beside a real name, it is left out with a warning.
        let q = Query {
            names: vec!["Vladimir Putin".into(), "V".into()],
            ..Query::default()
        };
        let p = q.prepare_within(&Limits::default()).unwrap();
        assert_eq!(p.query.names.len(), 1);
        assert_eq!(p.warnings, [QueryWarning::NameLeftOut("V".into())]);
        // With an identifier, the identifier alone may alert.
        let q = Query {
            names: vec!["A".into()],
            identifiers: vec![QueryId {
                kind: None,
                value: "IMO 9123456".into(),
            }],
            ..Query::default()
        };
        let p = q.prepare_within(&Limits::default()).unwrap();
        assert_eq!(p.warnings, [QueryWarning::IdentifiersOnly]);
    }

    #[test]
    fn the_one_letter_query_no_longer_meets_a_two_letter_alias() {
        let mut aa = Entity::new("test", "1", EntityKind::Person);
        aa.names
            .push(sanctum_model::Name::new("AA", NameKind::Alias));
        let aa = PreparedEntity::new(aa);
        assert!(Query::name("a").prepare().is_err());
        // What made it alert: the same key (a → aa). A name word still meets it.
        let q = Query::name("Aa").prepare().unwrap();
        assert!(Matcher::default().score(&q, &aa).is_some());
    }

    #[test]
    fn bidi_controls_are_flagged_and_an_override_screened_as_displayed() {
        let q = Query::name("\u{202E}nituP rimidalV");
        let p = q.prepare_within(&Limits::default()).unwrap();
        assert_eq!(
            p.warnings,
            [QueryWarning::BidiControls {
                name: "\u{202E}nituP rimidalV".into(),
                displayed: Some("Vladimir Putin".into()),
            }]
        );
        let texts: Vec<&str> = p.query.names.iter().map(|n| n.text.as_str()).collect();
        assert_eq!(texts, ["\u{202E}nituP rimidalV", "Vladimir Putin"]);
        // A mark that reorders nothing is flagged, and the name screened once.
        let p = Query::name("Ann\u{200F} Smith")
            .prepare_within(&Limits::default())
            .unwrap();
        assert_eq!(p.query.names.len(), 1);
        assert!(matches!(
            p.warnings[..],
            [QueryWarning::BidiControls {
                displayed: None,
                ..
            }]
        ));
        // Nor does a mark beside right-to-left letters (read as stored).
        let p = Query::name("سید علیرضا آوایی\u{200E}")
            .prepare_within(&Limits::default())
            .unwrap();
        assert_eq!(p.query.names.len(), 1);
        let p = Query::name("Ann Smith")
            .prepare_within(&Limits::default())
            .unwrap();
        assert!(p.warnings.is_empty());
    }

    #[test]
    fn a_listed_name_over_the_limits_is_matched_on_its_first_words() {
        let limits = Limits::default();
        let mut text = String::from("Vladimir Vladimirovich PUTIN");
        for i in 0..200_000 {
            text.push_str(if i % 2 == 0 { " alpha" } else { " beta" });
        }
        let putin = listed_person(&text);
        let name = &putin.names[0];
        assert_eq!(name.text, text, "the listed text stays whole");
        assert!(name.tokens.tokens.len() <= limits.max_name_tokens);
        assert!(name.tokens.chars <= limits.max_name_chars);
        assert_eq!(putin.entity.names[0].full, text);
        let q = Query::name("Vladimir PUTIN alpha beta").prepare().unwrap();
        assert!(Matcher::default().score(&q, &putin).is_some());
    }

    #[test]
    fn bounded_name_cuts_before_a_word_within_both_limits() {
        let limits = Limits {
            max_name_chars: 12,
            max_name_tokens: 2,
            ..Limits::default()
        };
        assert_eq!(bounded_name("Ann Smith", &limits), "Ann Smith");
        assert_eq!(bounded_name("Ann Mary Smith", &limits), "Ann Mary ");
        assert_eq!(bounded_name("Anna Maryanne", &limits), "Anna");
        assert_eq!(bounded_name("Annamaryannesmith", &limits), "Annamaryanne");
        assert_eq!(bounded_name("Аннамарияннасмит", &limits), "Аннамариянна");
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
