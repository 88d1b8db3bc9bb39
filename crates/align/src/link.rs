//! Linking: which records of different publishers denote the same party.
//!
//! 1. Candidate pairs come from two blockings over all records at once:
//!    - identifiers: the same normalised UN reference number, UK sanctions list ref, EU
//!      reference number, OFAC uid (a CSL OFAC row and an SDN record share the uid), IMO
//!      number, passport, national id, tax id or registration number;
//!    - names: records whose names share at least two name tokens (by romanisation-variant
//!      key or Double Metaphone), or one when either name has a single token.
//! 2. A pair sharing a strong identifier links with high confidence (see
//!    [`IdEvidence::confidence`]), unless the kinds conflict.
//! 3. Otherwise the matcher scores one record as a query (names, birth dates, countries,
//!    kind) against the other. The pair links when the kinds do not conflict, the birth
//!    dates do not conflict, and the names are close enough for what else agrees (see
//!    [`decide_names`]); and only when each record is the other's best match within the
//!    other's publisher (mutual best), so two look-alikes on one list never both link.
//! 4. Targets are the connected components of the links (union-find), identifier links
//!    first, then name links by decreasing confidence. A name link never merges two
//!    components that already hold records of the same publisher: only an identifier may
//!    put two records of one publisher into one target (a publisher listing a party twice).
//!    A publisher is a source and one of its lists (the CSL's SDN rows and its BIS Entity
//!    List rows are different publishers).

use rayon::prelude::*;
use sanctum_matcher::{Matcher, PreparedEntity, PreparedName, PreparedQuery, Query};
use sanctum_model::{DateSpec, Entity, EntityKind, IdKind, NameKind, PartialDate};
use sanctum_names::TokenKind;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// One publisher's record, with what the store knows of its history.
#[derive(Debug, Clone)]
pub struct Record {
    pub entity: Entity,
    /// The publication date of the first stored version of its source that lists it,
    /// where the source has a history; the listing date when the publisher gives none.
    pub first_seen: Option<PartialDate>,
    /// It is in the first stored version of its source, so it may have been listed earlier.
    pub first_seen_is_bound: bool,
    /// No longer in the current version of its source: the date of the version it left.
    pub delisted_on: Option<PartialDate>,
}

impl Record {
    pub fn current(entity: Entity) -> Self {
        Record {
            entity,
            first_seen: None,
            first_seen_is_bound: false,
            delisted_on: None,
        }
    }

    /// Source and list: records of one publisher are never name-linked into one target.
    pub fn publisher(&self) -> String {
        let list = self
            .entity
            .designations
            .first()
            .map(|d| format!("{}/{}", d.authority, d.list))
            .unwrap_or_default();
        format!("{}/{list}", self.entity.source)
    }
}

/// Agreement of one fact between two records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Agreement {
    Agree,
    Conflict,
    /// One side or both do not give it.
    Unknown,
}

/// A shared identifier.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IdEvidence {
    /// "UN reference number", "passport", "OFAC uid", …
    pub kind: String,
    pub value: String,
    pub country: Option<String>,
}

impl IdEvidence {
    /// Reference numbers assigned by a publisher for this very purpose are near certain;
    /// document numbers slightly less (a typo, a shared company document).
    pub fn confidence(&self) -> f64 {
        match self.kind.as_str() {
            "UN reference number"
            | "OFAC uid"
            | "UK sanctions list ref"
            | "EU reference number" => 0.99,
            "imo" => 0.98,
            _ if self.country.is_some() => 0.97,
            _ => 0.93,
        }
    }
}

/// Why two records were linked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NameEvidence {
    /// The name of the first record and the name of the second that met best.
    pub names: (String, String),
    pub name_score: f64,
    /// The matcher's score with birth dates, countries and kind weighed in.
    pub score: f64,
    pub birth_date: Agreement,
    pub country: Agreement,
    /// Tokens of either name left unaligned.
    pub unmatched_tokens: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Link {
    /// Positions in [`Alignment::records`], `a < b`.
    pub a: usize,
    pub b: usize,
    pub confidence: f64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<IdEvidence>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub names: Option<NameEvidence>,
}

impl Link {
    pub fn by_identifier(&self) -> bool {
        !self.identifiers.is_empty()
    }

    /// One line for people: "UN reference number KPi.059" or "names 0.96 (…) dob agree".
    pub fn describe(&self) -> String {
        if let Some(id) = self.identifiers.first() {
            return format!("same {} {}", id.kind, id.value);
        }
        match &self.names {
            Some(n) => format!(
                "names {:?} ~ {:?} {:.2}, birth date {}, country {}",
                n.names.0,
                n.names.1,
                n.name_score,
                agreement_word(n.birth_date),
                agreement_word(n.country)
            ),
            None => String::new(),
        }
    }
}

fn agreement_word(a: Agreement) -> &'static str {
    match a {
        Agreement::Agree => "agrees",
        Agreement::Conflict => "conflicts",
        Agreement::Unknown => "unknown",
    }
}

/// One party across lists: records (positions) and the links that joined them.
#[derive(Debug, Clone, Serialize)]
pub struct Target {
    pub records: Vec<usize>,
    pub links: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct LinkOptions {
    /// Organisations, vessels, aircraft: least name similarity.
    pub min_name_org: f64,
    /// Persons whose birth dates agree.
    pub min_name_person_dob: f64,
    /// Persons with no birth date to compare: the names must be nearly equal and have at
    /// least [`LinkOptions::min_tokens_without_dob`] name tokens each.
    pub min_name_person_no_dob: f64,
    pub min_tokens_without_dob: usize,
    /// How far below the best match of a publisher a second one may still link.
    pub best_margin: f64,
    /// An identifier value shared by more records than this identifies nothing.
    pub max_id_postings: usize,
    /// Name blocking: a token on more records than this is ignored.
    pub max_token_postings: usize,
    /// Name blocking: the least summed inverse document frequency (ln(N/df)) of the tokens
    /// two records share; one rare token (df ≤ ~N/600) or two middling ones.
    pub min_block_weight: f64,
    /// Name blocking: per record and other source, the candidates with the most weight
    /// kept (ties with the last one too).
    pub block_per_publisher: usize,
}

impl Default for LinkOptions {
    fn default() -> Self {
        LinkOptions {
            min_name_org: 0.92,
            min_name_person_dob: 0.85,
            min_name_person_no_dob: 0.95,
            min_tokens_without_dob: 3,
            best_margin: 0.02,
            max_id_postings: 6,
            max_token_postings: 2000,
            min_block_weight: 6.4,
            block_per_publisher: 4,
        }
    }
}

/// Records, links between them, and the targets they form.
#[derive(Debug, Clone)]
pub struct Alignment {
    pub records: Vec<Record>,
    pub links: Vec<Link>,
    pub targets: Vec<Target>,
    /// For each record, the position of its target.
    pub target_of: Vec<usize>,
    /// Candidate pairs scored by the matcher.
    pub scored_pairs: usize,
    /// Time spent per stage, for the benchmarks.
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

impl Alignment {
    pub fn target(&self, record: usize) -> Option<&Target> {
        self.target_of
            .get(record)
            .and_then(|t| self.targets.get(*t))
    }

    /// The position of a record by `source:source_id`.
    pub fn position(&self, source: &str, source_id: &str) -> Option<usize> {
        self.records
            .iter()
            .position(|r| r.entity.source == source && r.entity.source_id == source_id)
    }
}

/// Identifier kinds that identify a party on their own (with the same country).
fn strong_kind(kind: &IdKind) -> Option<&'static str> {
    match kind {
        IdKind::Passport => Some("passport"),
        IdKind::NationalId => Some("national_id"),
        IdKind::TaxId => Some("tax_id"),
        IdKind::Registration => Some("registration"),
        IdKind::Imo => Some("imo"),
        _ => None,
    }
}

const REFERENCE_LABELS: &[&str] = &[
    "UN reference number",
    "UK sanctions list ref",
    "EU reference number",
];

fn normalize_value(value: &str) -> String {
    value
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

/// The blocking keys of a record's identifiers: (key, evidence).
fn id_keys(record: &Record) -> Vec<(String, IdEvidence)> {
    let e = &record.entity;
    let mut out = Vec::new();
    for id in &e.identifiers {
        let value = normalize_value(&id.value);
        let (kind, country) = match (&id.kind, id.label.as_deref()) {
            (IdKind::Other, Some(label)) if REFERENCE_LABELS.contains(&label) => {
                (label.to_string(), None)
            }
            (kind, _) => match strong_kind(kind) {
                // OFAC writes company IMO numbers as "IMO 1234567" national ids: not a ship.
                Some(_) if value.starts_with("IMO") && *kind != IdKind::Imo => continue,
                Some(k) => (k.to_string(), id.country.clone()),
                None => continue,
            },
        };
        if value.len() < 5 || value.chars().all(|c| c == '0') {
            continue;
        }
        out.push((
            format!("{kind}\u{1f}{value}"),
            IdEvidence {
                kind,
                value: id.value.clone(),
                country,
            },
        ));
    }
    // A CSL row of OFAC's lists carries the OFAC uid as its id, as the SDN file does.
    let ofac =
        e.source.starts_with("us_ofac") || e.designations.iter().any(|d| d.authority == "US OFAC");
    if ofac && !e.source_id.is_empty() && e.source_id.chars().all(|c| c.is_ascii_digit()) {
        out.push((
            format!("OFAC uid\u{1f}{}", e.source_id),
            IdEvidence {
                kind: "OFAC uid".into(),
                value: e.source_id.clone(),
                country: None,
            },
        ));
    }
    out
}

fn kinds_conflict(a: EntityKind, b: EntityKind) -> bool {
    a != b && a != EntityKind::Unknown && b != EntityKind::Unknown
}

fn date_range(spec: &DateSpec) -> ((u16, u8, u8), (u16, u8, u8)) {
    let (lo, hi) = spec.bounds();
    let (lo, hi) = (lo.earliest(), hi.latest());
    if matches!(spec, DateSpec::Circa(_)) {
        // "circa 1961": a year either side.
        ((lo.0.saturating_sub(1), lo.1, lo.2), (hi.0 + 1, hi.1, hi.2))
    } else {
        (lo, hi)
    }
}

pub fn birth_date_agreement(a: &Entity, b: &Entity) -> Agreement {
    if a.birth_dates.is_empty() || b.birth_dates.is_empty() {
        return Agreement::Unknown;
    }
    for x in &a.birth_dates {
        let (xl, xh) = date_range(&x.date);
        for y in &b.birth_dates {
            let (yl, yh) = date_range(&y.date);
            if xl <= yh && yl <= xh {
                return Agreement::Agree;
            }
        }
    }
    Agreement::Conflict
}

fn nationalities(e: &Entity) -> HashSet<&str> {
    e.nationalities
        .iter()
        .chain(&e.citizenships)
        .map(|c| c.code.as_str())
        .collect()
}

pub fn country_agreement(a: &Entity, b: &Entity) -> Agreement {
    let (x, y) = (nationalities(a), nationalities(b));
    if x.is_empty() || y.is_empty() {
        Agreement::Unknown
    } else if x.intersection(&y).next().is_some() {
        Agreement::Agree
    } else {
        Agreement::Conflict
    }
}

/// The matcher query that describes a listed party.
pub fn query_of(e: &Entity) -> Query {
    let mut names: Vec<String> = Vec::new();
    for n in e.names.iter().filter(|n| n.kind != NameKind::WeakAlias) {
        if names.len() >= 12 {
            break;
        }
        if !names.contains(&n.full) {
            names.push(n.full.clone());
        }
    }
    let birth_dates = e
        .birth_dates
        .iter()
        .filter_map(|d| match d.date {
            DateSpec::Exact(p) => Some(p.to_string()),
            _ => None,
        })
        .collect();
    let countries = nationalities(e).into_iter().map(str::to_string).collect();
    Query {
        names,
        kind: (e.kind != EntityKind::Unknown).then_some(e.kind),
        birth_dates,
        countries,
        gender: None,
        identifiers: Vec::new(),
    }
}

/// [`query_of`] without analysing the names a second time.
fn prepared_query_of(p: &PreparedEntity) -> Option<PreparedQuery> {
    let e = &p.entity;
    let names: Vec<PreparedName> = p
        .names
        .iter()
        .filter(|n| n.kind != NameKind::WeakAlias)
        .take(12)
        .map(|n| PreparedName {
            kind: NameKind::Primary,
            ..n.clone()
        })
        .collect();
    if names.is_empty() {
        return None;
    }
    Some(PreparedQuery {
        names,
        kind: (e.kind != EntityKind::Unknown).then_some(e.kind),
        birth_dates: e
            .birth_dates
            .iter()
            .filter_map(|d| match d.date {
                DateSpec::Exact(p) => Some(p),
                _ => None,
            })
            .collect(),
        countries: nationalities(e)
            .into_iter()
            .filter_map(sanctum_model::country::code)
            .collect(),
        gender: None,
        identifiers: Vec::new(),
    })
}

fn name_token_count(text: &str) -> usize {
    sanctum_names::analyze(text)
        .tokens
        .iter()
        .filter(|t| t.kind == TokenKind::Name)
        .count()
}

/// The name decision for a pair whose kinds and birth dates do not conflict.
pub fn decide_names(person: bool, evidence: &NameEvidence, options: &LinkOptions) -> Option<f64> {
    let s = evidence.name_score;
    let tokens = || name_token_count(&evidence.names.0).min(name_token_count(&evidence.names.1));
    let ok = if !person {
        // One distinctive word ("LLC ALFA") must be the whole of the other name too.
        s >= options.min_name_org && (evidence.unmatched_tokens == 0 || tokens() >= 2)
    } else if evidence.birth_date == Agreement::Agree {
        s >= options.min_name_person_dob
    } else {
        s >= options.min_name_person_no_dob
            && tokens() >= options.min_tokens_without_dob
            && evidence.country != Agreement::Conflict
    };
    ok.then_some(evidence.score.max(0.5))
}

/// Name blocking keys of one record: per distinct name token, its variant key and
/// phonetic key (weak aliases left out, as the decision leaves them out).
fn token_keys(p: &PreparedEntity) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for n in p.names.iter().filter(|n| n.kind != NameKind::WeakAlias) {
        for t in &n.tokens.tokens {
            if !matches!(t.kind, TokenKind::Name | TokenKind::Number) || t.key.len() < 2 {
                continue;
            }
            let pair = (t.key.clone(), t.phonetic.clone());
            if !out.contains(&pair) {
                out.push(pair);
            }
        }
    }
    out
}

struct UnionFind {
    parent: Vec<usize>,
    publishers: Vec<HashSet<u32>>,
}

impl UnionFind {
    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    /// Joins two components; a name link is refused when both hold one publisher.
    fn union(&mut self, a: usize, b: usize, by_identifier: bool) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return true;
        }
        if !by_identifier && !self.publishers[ra].is_disjoint(&self.publishers[rb]) {
            return false;
        }
        let (big, small) = if self.publishers[ra].len() >= self.publishers[rb].len() {
            (ra, rb)
        } else {
            (rb, ra)
        };
        let moved = std::mem::take(&mut self.publishers[small]);
        self.publishers[big].extend(moved);
        self.parent[small] = big;
        true
    }
}

/// Links the records and forms the targets.
pub fn align(records: Vec<Record>, options: &LinkOptions) -> Alignment {
    let mut timings = Vec::new();
    let mut clock = std::time::Instant::now();
    let trace = std::env::var_os("SANCTUM_ALIGN_TRACE").is_some();
    let mut lap = |stage: &'static str| {
        if trace {
            eprintln!("align: {stage} took {:.1?}", clock.elapsed());
        }
        timings.push((stage, clock.elapsed()));
        clock = std::time::Instant::now();
    };
    let prepared: Vec<PreparedEntity> = records
        .par_iter()
        .map(|r| PreparedEntity::new(r.entity.clone()))
        .collect();
    let mut publisher_ids: HashMap<String, u32> = HashMap::new();
    let publisher: Vec<u32> = records
        .iter()
        .map(|r| {
            let next = publisher_ids.len() as u32;
            *publisher_ids.entry(r.publisher()).or_insert(next)
        })
        .collect();

    lap("prepare");
    // Identifier blocking.
    let mut by_id: HashMap<String, Vec<(usize, IdEvidence)>> = HashMap::new();
    for (i, r) in records.iter().enumerate() {
        for (key, ev) in id_keys(r) {
            by_id.entry(key).or_default().push((i, ev));
        }
    }
    let mut id_pairs: HashMap<(usize, usize), Vec<IdEvidence>> = HashMap::new();
    for postings in by_id.values() {
        let mut distinct: Vec<usize> = postings.iter().map(|(i, _)| *i).collect();
        distinct.dedup();
        if distinct.len() < 2 || distinct.len() > options.max_id_postings {
            continue;
        }
        for (x, (i, ei)) in postings.iter().enumerate() {
            for (j, ej) in &postings[x + 1..] {
                if i == j {
                    continue;
                }
                let (a, b) = if i < j { (*i, *j) } else { (*j, *i) };
                // Document numbers must not come from two different countries.
                if let (Some(ci), Some(cj)) = (&ei.country, &ej.country)
                    && ci != cj
                {
                    continue;
                }
                let mut ev = ei.clone();
                ev.country = ei.country.clone().or_else(|| ej.country.clone());
                let list = id_pairs.entry((a, b)).or_default();
                if !list.contains(&ev) {
                    list.push(ev);
                }
            }
        }
    }

    // Name blocking: token key or phonetic key → records; a pair is a candidate when the
    // tokens it shares are rare enough (summed inverse document frequency).
    let keys: Vec<Vec<(String, String)>> = prepared.par_iter().map(token_keys).collect();
    let mut postings: HashMap<&str, Vec<u32>> = HashMap::new();
    for (i, tokens) in keys.iter().enumerate() {
        let mut seen: HashSet<&str> = HashSet::new();
        for (k, p) in tokens {
            for key in [k.as_str(), p.as_str()] {
                if !key.is_empty() && seen.insert(key) {
                    postings.entry(key).or_default().push(i as u32);
                }
            }
        }
    }
    // A floor on the corpus size keeps a small set of records (a test, one country's
    // lists) from finding every shared token common.
    let total = records.len().max(40_000) as f64;
    let idf = |n: usize| (total / n.max(1) as f64).ln();
    let name_pairs: Vec<(usize, usize)> = (0..records.len())
        .into_par_iter()
        .flat_map_iter(|i| {
            let mut weight: HashMap<u32, f64> = HashMap::new();
            for (k, p) in &keys[i] {
                let mut hit: HashMap<u32, f64> = HashMap::new();
                for key in [k.as_str(), p.as_str()] {
                    let Some(list) = postings.get(key) else {
                        continue;
                    };
                    // A token on thousands of records (a common given name) blocks nothing.
                    if list.len() > options.max_token_postings {
                        continue;
                    }
                    let w = idf(list.len());
                    for j in list.iter().copied().filter(|j| *j as usize != i) {
                        let slot = hit.entry(j).or_insert(0.0);
                        *slot = slot.max(w);
                    }
                }
                for (j, w) in hit {
                    *weight.entry(j).or_default() += w;
                }
            }
            // The best few per other source: the decision keeps mutual best matches only.
            let mut by_source: HashMap<&str, Vec<(f64, usize)>> = HashMap::new();
            for (j, w) in weight {
                let j = j as usize;
                if w >= options.min_block_weight && publisher[i] != publisher[j] {
                    by_source
                        .entry(records[j].entity.source.as_str())
                        .or_default()
                        .push((w, j));
                }
            }
            by_source.into_values().flat_map(move |mut list| {
                list.sort_unstable_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
                // Ties with the last kept weight stay (Alfa-Bank among its subsidiaries),
                // up to three times the number asked for.
                let cut = list
                    .get(options.block_per_publisher.saturating_sub(1))
                    .map(|(w, _)| *w)
                    .unwrap_or(f64::MIN);
                let keep = list
                    .iter()
                    .take_while(|(w, _)| *w >= cut)
                    .count()
                    .min(3 * options.block_per_publisher);
                list.truncate(keep);
                list.into_iter().map(move |(_, j)| (i.min(j), i.max(j)))
            })
        })
        .collect();

    lap("block");
    // Score every candidate pair (names and identifier pairs alike, for the evidence).
    if trace {
        eprintln!(
            "align: {} name pairs, {} identifier pairs",
            name_pairs.len(),
            id_pairs.len()
        );
        let mut per: HashMap<usize, usize> = HashMap::new();
        for (a, b) in &name_pairs {
            *per.entry(*a).or_default() += 1;
            *per.entry(*b).or_default() += 1;
        }
        let mut top: Vec<(usize, usize)> = per.into_iter().map(|(r, n)| (n, r)).collect();
        top.sort_unstable_by(|x, y| y.cmp(x));
        for (n, r) in top.iter().take(15) {
            eprintln!(
                "align:   {n} pairs: {} {:?}",
                records[*r].entity.id(),
                records[*r].entity.caption()
            );
        }
    }
    let mut pairs: Vec<(usize, usize)> = name_pairs;
    pairs.sort_unstable();
    pairs.dedup();
    pairs.extend(id_pairs.keys().copied());
    pairs.sort_unstable();
    pairs.dedup();
    let matcher = Matcher::default();
    let queries: Vec<Option<PreparedQuery>> = prepared.par_iter().map(prepared_query_of).collect();
    let scored: Vec<(usize, usize, Option<NameEvidence>)> = pairs
        .par_iter()
        .map(|&(a, b)| {
            let (ea, eb) = (&records[a].entity, &records[b].entity);
            if kinds_conflict(ea.kind, eb.kind) {
                return (a, b, None);
            }
            let evidence = queries[a].as_ref().and_then(|q| {
                matcher.score(q, &prepared[b]).map(|hit| NameEvidence {
                    names: (
                        hit.explanation.query_name.clone(),
                        hit.explanation.matched_name.clone(),
                    ),
                    name_score: hit.explanation.name_score,
                    unmatched_tokens: hit.explanation.unmatched_query.len()
                        + hit.explanation.unmatched_listed.len(),
                    score: hit.score,
                    birth_date: birth_date_agreement(ea, eb),
                    country: country_agreement(ea, eb),
                })
            });
            (a, b, evidence)
        })
        .collect();
    let scored_pairs = scored.len();
    lap("score");

    // Name decisions, then mutual best per publisher.
    let mut accepted: Vec<(usize, usize, f64, NameEvidence)> = Vec::new();
    let mut id_links: Vec<Link> = Vec::new();
    for (a, b, evidence) in scored {
        let (ea, eb) = (&records[a].entity, &records[b].entity);
        if let Some(ids) = id_pairs.get(&(a, b)) {
            if kinds_conflict(ea.kind, eb.kind) {
                continue;
            }
            let confidence = ids.iter().map(IdEvidence::confidence).fold(0.0, f64::max);
            id_links.push(Link {
                a,
                b,
                confidence,
                identifiers: ids.clone(),
                names: evidence,
            });
            continue;
        }
        let Some(evidence) = evidence else { continue };
        if evidence.birth_date == Agreement::Conflict {
            continue;
        }
        let person = ea.kind == EntityKind::Person || eb.kind == EntityKind::Person;
        if let Some(confidence) = decide_names(person, &evidence, options) {
            accepted.push((a, b, confidence, evidence));
        }
    }
    let mut best: HashMap<(usize, u32), f64> = HashMap::new();
    for (a, b, c, _) in &accepted {
        for (x, y) in [(*a, *b), (*b, *a)] {
            let slot = best.entry((x, publisher[y])).or_insert(0.0);
            *slot = slot.max(*c);
        }
    }
    let mut links = id_links;
    for (a, b, confidence, evidence) in accepted {
        let best_a = best.get(&(a, publisher[b])).copied().unwrap_or(0.0);
        let best_b = best.get(&(b, publisher[a])).copied().unwrap_or(0.0);
        if confidence + options.best_margin >= best_a && confidence + options.best_margin >= best_b
        {
            links.push(Link {
                a,
                b,
                confidence,
                identifiers: Vec::new(),
                names: Some(evidence),
            });
        }
    }
    links.sort_by(|x, y| {
        y.by_identifier()
            .cmp(&x.by_identifier())
            .then(y.confidence.total_cmp(&x.confidence))
            .then((x.a, x.b).cmp(&(y.a, y.b)))
    });

    let mut uf = UnionFind {
        parent: (0..records.len()).collect(),
        publishers: publisher.iter().map(|p| HashSet::from([*p])).collect(),
    };
    let mut kept = Vec::with_capacity(links.len());
    for link in links {
        if uf.union(link.a, link.b, link.by_identifier()) {
            kept.push(link);
        }
    }
    let mut root_target: HashMap<usize, usize> = HashMap::new();
    let mut targets: Vec<Target> = Vec::new();
    let mut target_of = vec![0; records.len()];
    for (i, slot) in target_of.iter_mut().enumerate() {
        let root = uf.find(i);
        let t = *root_target.entry(root).or_insert_with(|| {
            targets.push(Target {
                records: Vec::new(),
                links: Vec::new(),
            });
            targets.len() - 1
        });
        targets[t].records.push(i);
        *slot = t;
    }
    for (l, link) in kept.iter().enumerate() {
        targets[target_of[link.a]].links.push(l);
    }
    lap("decide");
    Alignment {
        records,
        links: kept,
        targets,
        target_of,
        scored_pairs,
        timings,
    }
}
