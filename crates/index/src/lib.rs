//! Candidate generation: for a query, the listed parties the matcher could score above a
//! threshold, without scoring them all.
//!
//! [`CandidateIndex::build`] takes the [`PreparedEntity`] list (the matcher's analysed
//! parties) and posts every token of every listed name under its blocking keys
//! ([`keys`]: variant, phonetic, skeleton, one-deletion, prefix, joined-pair and initial
//! keys), remembering per name what the score bound needs ([`bound::Side`]: token weights,
//! initials, long tokens). [`CandidateIndex::candidates`] makes the same keys for the
//! query's tokens, marks for each listed name it meets which query tokens and which listed
//! tokens shared a key, and keeps the names whose [`bound::bound`] — the best name score
//! the matcher could give them, plus the largest bonus the query's birth date and country
//! can earn — reaches the threshold. A shared identifier always makes a candidate. The
//! parties found land in [`Scratch::parties`], sorted, for the caller to score with the
//! matcher.
//!
//! The candidates' recall against a brute-force scan with the same matcher is measured by
//! `sanctum screen-tools recall` (BENCHMARKS.md). The index lives in memory and is built
//! when a list version is loaded (about a second for every list), rather than stored with
//! the version: it follows the matcher's analysis, which changes with the code, and it is
//! then never stale against the store.

pub mod bound;
pub mod keys;

use bound::{Hits, Shape, Side, TokenInfo};
use keys::name_keys;
use sanctum_matcher::features::normalize_id;
use sanctum_matcher::{MatchOptions, PreparedEntity, PreparedName, PreparedQuery};
use sanctum_model::{EntityKind, NameKind};
use std::collections::HashMap;

/// The matcher's share of the score carried by the name.
const NAME_SHARE: f64 = 0.90;

/// A listed name, as the bound needs it.
struct NameEntry {
    party: u32,
    /// The name's bit among the party's names (all bits from the 64th name on).
    name_bit: u64,
    person: bool,
    /// A weak alias: by default the matcher counts it only when met exactly.
    weak: bool,
    /// The name's tokens in [`CandidateIndex::tokens`].
    start: u32,
    len: u8,
    shape: Shape,
}

/// The postings' hasher: keys are FNV hashes already, so hashing them again (SipHash, the
/// default) would only cost time; a multiply spreads their bits over the table's buckets.
#[derive(Clone, Copy, Default)]
struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn write_u64(&mut self, key: u64) {
        self.0 = key.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

type Postings = HashMap<u64, Vec<(u32, u8)>, std::hash::BuildHasherDefault<KeyHasher>>;

/// Listed names by token key, with what bounds their score.
#[derive(Default)]
pub struct CandidateIndex {
    /// Key → (name, token position).
    postings: Postings,
    identifiers: HashMap<String, Vec<u32>>,
    names: Vec<NameEntry>,
    tokens: Vec<TokenInfo>,
    parties: usize,
}

/// Per-thread state of a lookup, reused from one query to the next.
#[derive(Default)]
pub struct Scratch {
    /// Per listed name, the tokens that shared a key with the current query name.
    hits: Vec<Hits>,
    touched: Vec<u32>,
    keys: Vec<keys::TokenKey>,
    query_tokens: Vec<TokenInfo>,
    /// Listed names met by a key and bounded, over every lookup (a cost measure).
    pub names_bounded: u64,
    /// (party, names) as found, before sorting.
    found: Vec<(u32, u64)>,
    /// The candidates of the last lookup (party positions, sorted, distinct).
    pub parties: Vec<u32>,
    /// Per candidate, its names that may reach the threshold (bit k: the party's k-th name),
    /// for `Matcher::alert_among`.
    pub name_masks: Vec<u64>,
}

/// What one lookup asks of the listed names.
struct Lookup {
    query_person: bool,
    min_name_score: f64,
    weak_alias_fuzzy: bool,
}

/// The most the query's other features can add to `NAME_SHARE × name score`: an exact birth
/// date when it gives one, a shared country when it gives one (see `sanctum_matcher::features`).
fn feature_bonus(query: &PreparedQuery) -> f64 {
    let dob = if query.birth_dates.is_empty() {
        0.0
    } else {
        0.06
    };
    let country = if query.countries.is_empty() {
        0.0
    } else {
        0.02
    };
    dob + country
}

impl CandidateIndex {
    pub fn build(parties: &[PreparedEntity]) -> CandidateIndex {
        let mut index = CandidateIndex {
            parties: parties.len(),
            ..CandidateIndex::default()
        };
        let mut keys = Vec::new();
        for (p, party) in parties.iter().enumerate() {
            for (k, name) in party.names.iter().enumerate() {
                let toks = &name.tokens;
                let id = index.names.len() as u32;
                let start = index.tokens.len();
                let shape = bound::prepare(
                    &toks.tokens,
                    &toks.weights,
                    true,
                    &name.family_keys,
                    &mut index.tokens,
                );
                index.names.push(NameEntry {
                    party: p as u32,
                    name_bit: if k < 64 { 1 << k } else { u64::MAX },
                    person: party.entity.kind == EntityKind::Person,
                    weak: name.kind == NameKind::WeakAlias,
                    start: start as u32,
                    len: (index.tokens.len() - start) as u8,
                    shape,
                });
                name_keys(&toks.tokens, keys::Side::Listed, &mut keys);
                keys.sort_unstable();
                keys.dedup();
                keys.dedup_by_key(|k| (k.hash, k.token));
                for k in &keys {
                    index
                        .postings
                        .entry(k.hash)
                        .or_default()
                        .push((id, k.token));
                }
            }
            for ident in &party.entity.identifiers {
                let v = normalize_id(&ident.value);
                if !v.is_empty() {
                    let list = index.identifiers.entry(v).or_default();
                    if list.last() != Some(&(p as u32)) {
                        list.push(p as u32);
                    }
                }
            }
        }
        index.postings.shrink_to_fit();
        index
    }

    /// Number of parties indexed.
    pub fn len(&self) -> usize {
        self.parties
    }

    pub fn is_empty(&self) -> bool {
        self.parties == 0
    }

    /// Number of distinct blocking keys.
    pub fn key_count(&self) -> usize {
        self.postings.len()
    }

    /// The parties that could score `options.threshold` or more for `query` with a matcher
    /// of these options, into `scratch.parties` (sorted, distinct).
    pub fn candidates(&self, query: &PreparedQuery, options: &MatchOptions, scratch: &mut Scratch) {
        let threshold = options.threshold;
        scratch.found.clear();
        if scratch.hits.len() != self.names.len() {
            scratch.hits = vec![Hits::default(); self.names.len()];
        }
        // Scores are rounded to four decimals: 0.79996 alerts at 0.80.
        let min_name_score = (threshold - feature_bonus(query) - 1e-4) / NAME_SHARE - 1e-9;
        let query_person = query.kind == Some(EntityKind::Person);
        for name in &query.names {
            let lookup = Lookup {
                query_person,
                min_name_score,
                weak_alias_fuzzy: options.weak_alias_fuzzy,
            };
            self.name_candidates(name, &lookup, scratch);
        }
        for (_, value) in &query.identifiers {
            if let Some(list) = self.identifiers.get(value) {
                scratch.found.extend(list.iter().map(|&p| (p, u64::MAX)));
            }
        }
        scratch.found.sort_unstable_by_key(|f| f.0);
        scratch.parties.clear();
        scratch.name_masks.clear();
        for &(party, names) in &scratch.found {
            if scratch.parties.last() == Some(&party) {
                if let Some(last) = scratch.name_masks.last_mut() {
                    *last |= names;
                }
            } else {
                scratch.parties.push(party);
                scratch.name_masks.push(names);
            }
        }
    }

    fn name_candidates(&self, name: &PreparedName, lookup: &Lookup, scratch: &mut Scratch) {
        let toks = &name.tokens;
        name_keys(&toks.tokens, keys::Side::Query, &mut scratch.keys);
        scratch.keys.sort_unstable();
        scratch.keys.dedup();
        for key in &scratch.keys {
            let Some(list) = self.postings.get(&key.hash) else {
                continue;
            };
            let i = key.token;
            for &(id, j) in list {
                let Some(hits) = scratch.hits.get_mut(id as usize) else {
                    continue;
                };
                if hits.is_empty() {
                    scratch.touched.push(id);
                }
                if key.prefix {
                    hits.query_prefix |= 1 << i;
                    hits.listed_prefix |= 1 << j;
                } else {
                    hits.query_full |= 1 << i;
                    hits.listed_full |= 1 << j;
                }
            }
        }
        scratch.query_tokens.clear();
        let shape = bound::prepare(
            &toks.tokens,
            &toks.weights,
            false,
            &[],
            &mut scratch.query_tokens,
        );
        let query_side = Side {
            tokens: &scratch.query_tokens,
            shape,
        };
        scratch.names_bounded += scratch.touched.len() as u64;
        for id in scratch.touched.drain(..) {
            let Some(hits) = scratch.hits.get_mut(id as usize) else {
                continue;
            };
            let hits = std::mem::take(hits);
            let Some(entry) = self.names.get(id as usize) else {
                continue;
            };
            let person = lookup.query_person || entry.person;
            if bound::quick_bound(query_side, toks.chars, &entry.shape, hits, person)
                < lookup.min_name_score
            {
                continue;
            }
            let start = entry.start as usize;
            let listed = Side {
                tokens: &self.tokens[start..start + usize::from(entry.len)],
                shape: entry.shape,
            };
            if entry.weak && !lookup.weak_alias_fuzzy && !hits.covers(query_side, listed) {
                continue;
            }
            if bound::bound(query_side, toks.chars, listed, hits, person) >= lookup.min_name_score {
                scratch.found.push((entry.party, entry.name_bit));
            }
        }
    }
}
