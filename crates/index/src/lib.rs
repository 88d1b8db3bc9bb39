//! Candidate generation: for a query, the listed parties the matcher could score above a
//! threshold, without scoring them all.
//!
//! [`CandidateIndex::build`] takes the [`PreparedEntity`] list (the matcher's analysed
//! parties) and posts each distinct listed spelling under its blocking keys ([`keys`]:
//! variant, phonetic, skeleton, deletions, prefixes…), each spelling listing the names that
//! use it, and every name under the keys of its tokens joined (pairs, acronyms); it remembers
//! per name what the score bound needs ([`bound::Side`], [`bound::Shape`]: token weights,
//! initials, long tokens). [`CandidateIndex::candidates`] makes the same keys for the
//! query's tokens and gathers the uses of every spelling met, sorted by name (each
//! spelling's list is in name order), into which query tokens and which listed tokens shared
//! a key per listed name. A name met only by query words that cannot carry a name alone
//! ([`bound::bound_met_only_by`], from which words met it and whether it has an initial or a
//! long word, known from where its use sits in the spelling's list) is dropped unread: at a
//! million parties that is half the names a common given name meets. The others are kept
//! when their bound — [`bound::quick_bound`] from the name's shape, then [`bound::bound`]
//! from its tokens: the best name score the matcher could give them, plus the largest bonus
//! the query's birth date and country can earn — reaches the threshold. A shared identifier
//! always makes a candidate. The parties found land in [`Scratch::parties`], sorted, for the
//! caller to score with the matcher.
//!
//! [`Prepared`] is what every caller matches queries against: the parties prepared (in
//! parallel, within the name limits) and indexed, built one way for batch screening, the
//! server's snapshot and the evaluation.
//!
//! The candidates' recall against a brute-force scan with the same matcher is measured by
//! `sanctum screen-tools recall` (BENCHMARKS.md). The index lives in memory and is built
//! when a list version is loaded (about a second for every list), rather than stored with
//! the version: it follows the matcher's analysis, which changes with the code, and it is
//! then never stale against the store.

pub mod bound;
pub mod keys;

use bound::{Hits, Mask, QuerySums, Shape, Side, TokenInfo, bits};
use rayon::prelude::*;
use sanctum_limits::Limits;
use sanctum_matcher::features::normalize_id;
use sanctum_matcher::model;
use sanctum_matcher::names::PlainSpelling;
use sanctum_matcher::{MatchOptions, PreparedEntity, PreparedName, PreparedQuery};
use sanctum_model::{Entity, EntityKind, NameKind};
use sanctum_names::TokenKind;
use std::collections::HashMap;

/// Listed parties ready to match: each analysed by the matcher within the name limits (a
/// listed name over them is matched on its first words), all of them indexed. Batch
/// screening (`sanctum_screen::Screener`), the server's snapshot and the evaluation build
/// theirs here, so that all three match against the same preparation.
pub struct Prepared {
    pub parties: Vec<PreparedEntity>,
    pub index: CandidateIndex,
}

impl Prepared {
    /// Prepares the parties in parallel, then builds the index.
    pub fn within(entities: Vec<Entity>, limits: &Limits) -> Prepared {
        let parties: Vec<PreparedEntity> = entities
            .into_par_iter()
            .map(|e| PreparedEntity::within(e, limits))
            .collect();
        let index = CandidateIndex::build(&parties);
        Prepared { parties, index }
    }
}

/// A listed name, as the quick bound needs it: one cache line, since a lookup reads a
/// thousand of them at random.
#[repr(align(64))]
struct NameEntry {
    shape: Shape,
    len: u8,
    person: bool,
    /// More tokens than the bound tracks: a candidate whenever a key meets it.
    overflow: bool,
}

const _: () = assert!(std::mem::size_of::<NameEntry>() == 64);

/// The rest of a listed name, read only for the names that pass the quick bound.
struct NameInfo {
    party: u32,
    /// The name's tokens in [`CandidateIndex::tokens`].
    start: u32,
    /// The name's place among the party's names (64: the 64th or a later one).
    place: u8,
    /// A weak alias: by default the matcher counts it only when met exactly.
    weak: bool,
}

/// Reads every value (each a load from memory) and keeps the sum from being optimised away.
fn warm(values: impl Iterator<Item = f32>) {
    std::hint::black_box(values.sum::<f32>());
}

impl NameInfo {
    /// The name's bit among the party's names, for `Matcher::alert_among`.
    fn name_bit(&self) -> u64 {
        if self.place < 64 {
            1 << self.place
        } else {
            u64::MAX
        }
    }
}

/// The postings' hasher: keys are hashes already, so hashing them again (SipHash, the
/// default) would only cost time; a multiply and two shifts spread their bits over the
/// table's buckets and tags.
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
        // The table takes its bucket from the low bits and its tag from the top ones: a
        // multiply alone leaves the low bits of the product to the key's low bits only.
        let h = (key ^ (key >> 32)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        self.0 = h ^ (h >> 29);
    }
}

type KeyMap<V> = HashMap<u64, V, std::hash::BuildHasherDefault<KeyHasher>>;

/// The fewest names a spelling must have for a lookup to ask whether the query token that
/// met it may pair with it at all (`PlainSpelling::may_pair`, a token comparison): below
/// it, walking the names costs less than asking.
const PAIR_CHECK_MIN_USES: u32 = 16;

/// A spelling's uses in [`CandidateIndex::uses`]: `count` from `start`, the first
/// `uncovered` of them in names [`bound::bound_met_only_by`] does not cover, the next `long`
/// in names with a long word ([`Shape::has_long`]).
#[derive(Clone, Copy)]
struct UseRange {
    start: u32,
    count: u32,
    uncovered: u32,
    long: u32,
}

/// How keys met a listed token, as a lookup gathers the uses: the query tokens that met it
/// fully and as a prefix, and whether a key of joined tokens did (on either side).
#[derive(Clone, Copy)]
struct Way {
    full: Mask,
    prefix: Mask,
    joined: bool,
}

/// A listed token met, packed to sort by name: the name id (the high 32 bits), the index
/// of its [`Way`], a bit for a name [`bound::bound_met_only_by`] does not cover, a bit for a
/// name with a long word, and the token's position (the low [`GATHERED_TOKEN_BITS`] bits).
type Gathered = u64;
const GATHERED_TOKEN_BITS: u32 = 5;
const GATHERED_UNCOVERED: u64 = 1 << GATHERED_TOKEN_BITS;
const GATHERED_LONG: u64 = 1 << (GATHERED_TOKEN_BITS + 1);
const GATHERED_WAY_SHIFT: u32 = GATHERED_TOKEN_BITS + 2;
const GATHERED_WAYS: usize = 1 << (32 - GATHERED_WAY_SHIFT);
const _: () = assert!(keys::MAX_TOKENS == 1 << GATHERED_TOKEN_BITS);

/// What a use's place in its spelling's list says of its name: not covered by the bound of
/// single words, or with a long word.
const USE_UNCOVERED: u64 = GATHERED_UNCOVERED;
const USE_LONG: u64 = GATHERED_LONG;

fn gathered(id: u32, way: usize, name: u64, token: u8) -> Gathered {
    (u64::from(id) << 32) | ((way as u64) << GATHERED_WAY_SHIFT) | name | u64::from(token)
}

/// The most query tokens whose sets [`Scratch::cannot_carry`] keeps a table for (a set of
/// more is never ruled out by it).
const CARRY_TABLE_TOKENS: usize = 12;

/// A posting's position value marking a spelling (the id is then a vocabulary position).
const SPELLING: u8 = u8::MAX;

/// One posting: a spelling (its position in the vocabulary, with [`Posting::SPELLING`]
/// set), or a name's token met by a key of joined tokens (name id,
/// token position). As a key's value in the table, with [`Posting::MANY`] set, it is a range
/// of [`CandidateIndex::posting_lists`] (start, count) instead: most keys have one posting,
/// kept in the table itself (one memory read fewer per key), in 8 bytes.
#[derive(Clone, Copy)]
struct Posting {
    id: u32,
    tag: u32,
}

impl Posting {
    const SPELLING: u32 = 1 << 31;
    const MANY: u32 = 1 << 30;
    const COUNT: u32 = Self::MANY - 1;
}

/// Listed names by token key, with what bounds their score.
///
/// Keys of one token lead to the distinct listed spellings that have them (the vocabulary),
/// and each spelling to the names that use it: a query token meets a listed spelling through
/// many keys at once (the word itself, its variant, phonetic, every deletion), and its names
/// are then walked once rather than once per key. Keys of joined pairs and runs lead to the
/// names directly.
#[derive(Default)]
pub struct CandidateIndex {
    /// Key → its postings (one probe per key): a spelling's uses for a token key, (name,
    /// token position) for a key of joined tokens.
    postings: KeyMap<Posting>,
    posting_lists: Vec<Posting>,
    /// (name, token position) of every token of every listed name, by spelling, each
    /// spelling's in name order: the names [`bound::bound_met_only_by`] does not cover (with
    /// an initial, or more tokens than the bound tracks), then the others.
    uses: Vec<(u32, u8)>,
    /// Per spelling, its range of `uses`.
    use_ranges: Vec<UseRange>,
    /// Per spelling of names written in no syllables, what tells whether a query token may
    /// pair with it: a key can meet spellings the matcher then refuses to pair (a prefix
    /// key, a deletion that makes another name), and every name using such a spelling would
    /// otherwise be bounded as if the pair were exact.
    plain_spellings: Vec<Option<PlainSpelling>>,
    identifiers: HashMap<String, Vec<u32>>,
    names: Vec<NameEntry>,
    /// Beside each of `names`.
    infos: Vec<NameInfo>,
    tokens: Vec<TokenInfo>,
    parties: usize,
}

/// Per-thread state of a lookup, reused from one query to the next.
#[derive(Default)]
pub struct Scratch {
    /// The listed tokens the current query name's keys met, packed ([`Gathered`]), and the
    /// ways they were met.
    gathered: Vec<Gathered>,
    ways: Vec<Way>,
    /// The listed names met that may reach the threshold, with the tokens met.
    touched: Vec<(u32, Hits)>,
    /// Per set of query tokens (bit i: token i), whether a listed name met by those tokens'
    /// own keys alone stays below the threshold: 0 not asked yet, 1 yes, 2 no.
    cannot_carry: Vec<u8>,
    keys: Vec<keys::TokenKey>,
    query_tokens: Vec<TokenInfo>,
    query_sums: QuerySums,
    /// Listed names met by a key, over every lookup (a cost measure).
    pub names_met: u64,
    /// Listed names met by a key and bounded, over every lookup.
    pub names_bounded: u64,
    pub postings_read: u64,
    pub quick_passed: u64,
    pub bound_passed: u64,
    /// Spellings the query's keys met: (the spelling, query tokens met fully by a key of
    /// the token alone, fully by a key of joined tokens, as a prefix).
    met: Vec<(u32, Mask, Mask, Mask)>,
    /// Names that passed the quick bound, with their hits, for the full bound.
    survivors: Vec<(u32, Hits)>,
    /// (party, names) as found, before sorting.
    found: Vec<(u32, u64)>,
    /// The candidates of the last lookup (party positions, sorted, distinct).
    pub parties: Vec<u32>,
    /// Per candidate, its names that may reach the threshold (bit k: the party's k-th name),
    /// for `Matcher::alert_among`.
    pub name_masks: Vec<u64>,
}

/// Whether a listed name met only by the query tokens `met`, through their own keys, stays
/// below `min_name_score` ([`bound::bound_met_only_by`]; `long`: the name has a long word),
/// asked once per set (`known`: per set and length, 0 not asked yet, 1 yes, 2 no).
fn cannot_carry(
    known: &mut [u8],
    query: Side,
    query_chars: usize,
    (met, long): (Mask, bool),
    min_name_score: f64,
) -> bool {
    let slot = (met as usize) << 1 | usize::from(long);
    let Some(known) = known.get_mut(slot) else {
        return false;
    };
    if *known == 0 {
        // A listed person is compared leniently whatever the query is.
        let below = bound::bound_met_only_by(query, query_chars, met, long, true) < min_name_score;
        *known = if below { 1 } else { 2 };
    }
    *known == 1
}

/// What one lookup asks of the listed names.
struct Lookup {
    query_person: bool,
    min_name_score: f64,
    weak_alias_fuzzy: bool,
}

/// The most the query's other features can add to `NAME_SHARE × name score`: a same birth
/// date when it gives one, a shared country when it gives one (see `sanctum_matcher::model`).
fn feature_bonus(query: &PreparedQuery) -> f64 {
    let dob = if query.birth_dates.is_empty() {
        0.0
    } else {
        model::SAME_BIRTH_DATE
    };
    let country = if query.countries.is_empty() {
        0.0
    } else {
        model::SHARED_COUNTRY
    };
    dob + country
}

impl CandidateIndex {
    pub fn build(parties: &[PreparedEntity]) -> CandidateIndex {
        let mut index = CandidateIndex {
            parties: parties.len(),
            ..CandidateIndex::default()
        };
        // A spelling is what its keys are made of: text, key, kind and whether it is fuzzy.
        let mut vocabulary: rustc_hash::FxHashMap<(&str, &str, TokenKind, bool, bool, bool), u32> =
            rustc_hash::FxHashMap::default();
        let mut plain_tokens: Vec<Option<&sanctum_names::NameToken>> = Vec::new();
        let mut uses: Vec<Vec<(u32, u8)>> = Vec::new();
        // (key, spelling, SPELLING) or (key, name, position), laid out once all is known: a
        // flat list takes a fifth of the memory a list per key would at the build's peak.
        // Reserved generously (a name's tokens give about fourteen postings each): pages
        // never written are not resident, whereas growing would copy what is there.
        let tokens: usize = parties
            .iter()
            .flat_map(|p| &p.names)
            .map(|n| n.tokens.tokens.len())
            .sum();
        let mut postings: Vec<(u64, u32, u8)> = Vec::with_capacity(tokens * 24);
        let names: usize = parties.iter().map(|p| p.names.len()).sum();
        index.names.reserve_exact(names);
        index.infos.reserve_exact(names);
        index.tokens.reserve_exact(tokens);
        index.uses.reserve_exact(tokens);
        // The keys of every name's joined tokens, made in parallel (a name's id is its place
        // among every party's names, in order), a slice of names at a time: what the threads
        // make is held twice until it is appended.
        let all_names: Vec<&PreparedName> = parties.iter().flat_map(|p| &p.names).collect();
        const GROUP_KEYS_SLICE: usize = 1 << 16;
        for (slice, names) in all_names.chunks(GROUP_KEYS_SLICE).enumerate() {
            let first = slice * GROUP_KEYS_SLICE;
            postings.par_extend(names.par_iter().enumerate().flat_map_iter(|(k, name)| {
                let toks = &name.tokens;
                let mut keys = Vec::new();
                keys::group_keys(&toks.tokens, keys::Side::Listed, toks.syllabic(), &mut keys);
                keys.sort_unstable();
                keys.dedup_by_key(|k| (k.hash, k.token));
                let id = (first + k) as u32;
                keys.into_iter().map(move |k| (k.hash, id, k.token))
            }));
        }
        drop(all_names);
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
                    toks.chars,
                    &mut index.tokens,
                );
                index.names.push(NameEntry {
                    shape,
                    len: (index.tokens.len() - start) as u8,
                    person: party.entity.kind == EntityKind::Person,
                    overflow: toks.tokens.len() > keys::MAX_TOKENS,
                });
                index.infos.push(NameInfo {
                    party: p as u32,
                    start: start as u32,
                    place: k.min(64) as u8,
                    weak: name.kind == NameKind::WeakAlias,
                });
                for (i, t) in toks.tokens.iter().enumerate() {
                    let fuzzy = keys::fuzzy(&toks.tokens, t);
                    let syllabic = toks.syllabic();
                    let plain = toks.systems.is_empty();
                    let identity = (
                        t.text.as_str(),
                        t.key.as_str(),
                        t.kind,
                        fuzzy,
                        syllabic,
                        plain,
                    );
                    let next = uses.len() as u32;
                    let spelling = *vocabulary.entry(identity).or_insert_with(|| {
                        keys.clear();
                        keys::token_keys(t, 0, keys::Side::Listed, fuzzy, syllabic, &mut keys);
                        keys.sort_unstable();
                        keys.dedup_by_key(|k| k.hash);
                        for key in &keys {
                            postings.push((key.hash, next, SPELLING));
                        }
                        uses.push(Vec::new());
                        plain_tokens.push(plain.then_some(t));
                        next
                    });
                    let list = &mut uses[spelling as usize];
                    if list.last() != Some(&(id, keys::pos(i))) {
                        list.push((id, keys::pos(i)));
                    }
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
        index.use_ranges.reserve_exact(uses.len());
        for list in uses {
            let start = index.uses.len() as u32;
            // Uncovered names, then names with a long word, then the rest: each part in
            // name order.
            let part = |&(id, _): &(u32, u8)| {
                let entry = &index.names[id as usize];
                if entry.overflow || entry.shape.has_initials() {
                    0
                } else if entry.shape.has_long() {
                    1
                } else {
                    2
                }
            };
            let mut counts = [0u32; 3];
            for u in &list {
                counts[part(u)] += 1;
            }
            for p in 0..3 {
                index.uses.extend(list.iter().filter(|u| part(u) == p));
            }
            index.use_ranges.push(UseRange {
                start,
                count: list.len() as u32,
                uncovered: counts[0],
                long: counts[1],
            });
        }
        index.plain_spellings = plain_tokens
            .par_iter()
            .map(|t| t.map(PlainSpelling::of))
            .collect();
        let posting = |(id, j): (u32, u8)| {
            if j == SPELLING {
                Posting {
                    id,
                    tag: Posting::SPELLING,
                }
            } else {
                Posting {
                    id,
                    tag: u32::from(j),
                }
            }
        };
        postings.par_sort_unstable();
        // Sized once: growing the table would hold the old one and the new one at once.
        let (mut distinct, mut listed) = (0, 0);
        for list in postings.chunk_by(|a, b| a.0 == b.0) {
            distinct += 1;
            if list.len() > 1 {
                listed += list.len();
            }
        }
        index.postings.reserve(distinct);
        index.posting_lists.reserve_exact(listed);
        for list in postings.chunk_by(|a, b| a.0 == b.0) {
            let value = if let [(_, id, j)] = list[..] {
                posting((id, j))
            } else {
                let start = index.posting_lists.len() as u32;
                index
                    .posting_lists
                    .extend(list.iter().map(|&(_, id, j)| posting((id, j))));
                Posting {
                    id: start,
                    tag: Posting::MANY | (list.len() as u32).min(Posting::COUNT),
                }
            };
            index.postings.insert(list[0].0, value);
        }
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
        self.candidates_until(query, options, scratch, &|| false);
    }

    /// [`CandidateIndex::candidates`], asking `stop` before each of the query's names (one
    /// name's lookup is bounded by `max_name_tokens`; a query of many names is not): `false`
    /// when `stop` answered yes, and `scratch` then holds no usable candidates.
    pub fn candidates_until(
        &self,
        query: &PreparedQuery,
        options: &MatchOptions,
        scratch: &mut Scratch,
        stop: &dyn Fn() -> bool,
    ) -> bool {
        let threshold = options.threshold;
        scratch.found.clear();
        let min_name_score = model::min_name_score(threshold, feature_bonus(query));
        let query_person = query.kind == Some(EntityKind::Person);
        for name in &query.names {
            if stop() {
                scratch.found.clear();
                scratch.parties.clear();
                scratch.name_masks.clear();
                return false;
            }
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
        true
    }

    /// The bounds of every listed name a key of `name` meets: (party, the name's place among
    /// the party's names, [`bound::quick_bound`], [`bound::bound`]), as a lookup computes
    /// them (the weak-alias rule aside). For tests and diagnosis: why a party was or was not
    /// proposed.
    pub fn bounds(
        &self,
        name: &PreparedName,
        query_person: bool,
        scratch: &mut Scratch,
    ) -> Vec<(u32, u8, f64, f64)> {
        let shape = self.collect_hits(name, None, scratch);
        let toks = &name.tokens;
        let query_side = Side {
            tokens: &scratch.query_tokens,
            shape,
        };
        let mut out = Vec::new();
        for (id, hits) in scratch.touched.drain(..) {
            let (Some(entry), Some(info)) =
                (self.names.get(id as usize), self.infos.get(id as usize))
            else {
                continue;
            };
            let person = query_person || entry.person;
            let start = info.start as usize;
            let listed = Side {
                tokens: &self.tokens[start..start + usize::from(entry.len)],
                shape: entry.shape,
            };
            let quick = bound::quick_bound(
                query_side,
                &scratch.query_sums,
                toks.chars,
                &entry.shape,
                hits,
                person,
            );
            let full = bound::bound(query_side, toks.chars, listed, hits, person);
            out.push((info.party, info.place, quick, full));
        }
        out
    }

    /// Looks the keys of `name` up: the listed names met land in `scratch.touched`, each with
    /// the tokens met, but for those met only by query words that cannot carry a name alone
    /// (with `lookup`; see [`bound::bound_met_only_by`]); the query's tokens as the bound
    /// weighs them in `scratch.query_tokens` and `scratch.query_sums`. Returns the query's
    /// shape.
    fn collect_hits(
        &self,
        name: &PreparedName,
        lookup: Option<&Lookup>,
        scratch: &mut Scratch,
    ) -> Shape {
        let toks = &name.tokens;
        let overflow = toks.tokens.len() > keys::MAX_TOKENS;
        // Keys met twice only set the same bits twice: no need to sort them out. The keys of
        // single tokens come first: a spelling met by those alone is met by a token the
        // matcher may then refuse to pair with it.
        scratch.keys.clear();
        for (i, t) in toks.tokens.iter().enumerate() {
            keys::token_keys(
                t,
                keys::pos(i),
                keys::Side::Query,
                keys::fuzzy(&toks.tokens, t),
                toks.syllabic(),
                &mut scratch.keys,
            );
        }
        let single = scratch.keys.len();
        keys::group_keys(
            &toks.tokens,
            keys::Side::Query,
            toks.syllabic(),
            &mut scratch.keys,
        );
        if sanctum_matcher::names::at_field_limit(toks.chars) {
            keys::cut_word_keys(&toks.tokens, &mut scratch.keys);
        }
        // Spellings met, with the query tokens that met them (fully, or as a prefix).
        scratch.met.clear();
        scratch.gathered.clear();
        scratch.ways.clear();
        let keys = std::mem::take(&mut scratch.keys);
        for (k, key) in keys.iter().enumerate() {
            let bit: Mask = 1 << key.token;
            let list = match self.postings.get(&key.hash) {
                None => continue,
                Some(p) if p.tag & Posting::MANY != 0 => {
                    let start = p.id as usize;
                    &self.posting_lists[start..start + (p.tag & Posting::COUNT) as usize]
                }
                Some(p) => std::slice::from_ref(p),
            };
            let (alone, joined, prefix) = match (key.prefix, k < single) {
                (true, _) => (0, 0, bit),
                (false, true) => (bit, 0, 0),
                (false, false) => (0, bit, 0),
            };
            // A key of a listed name's joined tokens, met by any key of the query's.
            let direct = scratch.ways.len();
            scratch.ways.push(Way {
                full: alone | joined,
                prefix,
                joined: true,
            });
            for p in list {
                if p.tag & Posting::SPELLING != 0 {
                    scratch.met.push((p.id, alone, joined, prefix));
                } else {
                    scratch.postings_read += 1;
                    scratch
                        .gathered
                        .push(gathered(p.id, direct, 0, p.tag as u8));
                }
            }
        }
        scratch.keys = keys;
        scratch.query_tokens.clear();
        let shape = bound::prepare(
            &toks.tokens,
            &toks.weights,
            false,
            &[],
            toks.chars,
            &mut scratch.query_tokens,
        );
        let query_side = Side {
            tokens: &scratch.query_tokens,
            shape,
        };
        scratch.query_sums.prepare(query_side);
        // One entry per spelling met: the query tokens that met it by their own keys (those
        // the matcher would pair with it), by keys of joined tokens, as a prefix.
        scratch.met.sort_unstable_by_key(|m| m.0);
        let mut groups = 0;
        let mut m = 0;
        while m < scratch.met.len() {
            let spelling = scratch.met[m].0;
            let (mut alone, mut joined, mut prefix) = (0, 0, 0);
            while m < scratch.met.len() && scratch.met[m].0 == spelling {
                alone |= scratch.met[m].1;
                joined |= scratch.met[m].2;
                prefix |= scratch.met[m].3;
                m += 1;
            }
            let Some(range) = self.use_ranges.get(spelling as usize) else {
                continue;
            };
            // A token met by its own keys only, which the matcher would not pair with the
            // spelling, does not meet it: the bound would count the pair as exact. Asked of
            // common spellings only, where it saves walking many names.
            if range.count >= PAIR_CHECK_MIN_USES
                && let Some(Some(plain)) = self.plain_spellings.get(spelling as usize)
            {
                for i in bits(alone & !joined) {
                    if !plain.may_pair(toks, i) {
                        alone &= !(1 << i);
                    }
                }
            }
            if alone | joined | prefix != 0 {
                scratch.met[groups] = (spelling, alone, joined, prefix);
                groups += 1;
            }
        }
        scratch.met.truncate(groups);
        for &(spelling, alone, joined, prefix) in &scratch.met {
            let range = self.use_ranges[spelling as usize];
            let way = scratch.ways.len();
            scratch.ways.push(Way {
                full: alone | joined,
                prefix,
                joined: joined != 0,
            });
            let from = range.start as usize;
            let long = from + range.uncovered as usize;
            let short = long + range.long as usize;
            let to = from + range.count as usize;
            scratch.postings_read += (to - from) as u64;
            for (part, flags) in [
                (from..long, USE_UNCOVERED),
                (long..short, USE_LONG),
                (short..to, 0),
            ] {
                for &(id, j) in &self.uses[part] {
                    scratch.gathered.push(gathered(id, way, flags, j));
                }
            }
        }
        // By name: each list is in name order, so the sort merges runs.
        scratch.gathered.sort_unstable();
        let query_chars = toks.chars;
        let n = scratch.query_tokens.len();
        scratch.cannot_carry.clear();
        if lookup.is_some() && !overflow && n <= CARRY_TABLE_TOKENS {
            scratch.cannot_carry.resize(2 << n, 0);
        }
        scratch.touched.clear();
        for uses in scratch.gathered.chunk_by(|a, b| a >> 32 == b >> 32) {
            let id = (uses[0] >> 32) as u32;
            let mut hits = Hits::default();
            let mut covered = true;
            let mut long = false;
            for &u in uses {
                let way = scratch.ways[(u >> GATHERED_WAY_SHIFT) as usize & (GATHERED_WAYS - 1)];
                let listed: Mask = 1 << (u & ((1 << GATHERED_TOKEN_BITS) - 1));
                if way.full != 0 {
                    hits.query_full |= way.full;
                    hits.listed_full |= listed;
                }
                if way.prefix != 0 {
                    hits.query_prefix |= way.prefix;
                    hits.listed_prefix |= listed;
                }
                covered &= !way.joined && u & GATHERED_UNCOVERED == 0;
                long |= u & GATHERED_LONG != 0;
            }
            scratch.names_met += 1;
            // A name met only by query words that cannot carry a name alone is not read.
            if covered
                && let Some(lookup) = lookup
                && cannot_carry(
                    &mut scratch.cannot_carry,
                    query_side,
                    query_chars,
                    (hits.query_full | hits.query_prefix, long),
                    lookup.min_name_score,
                )
            {
                continue;
            }
            scratch.touched.push((id, hits));
        }
        shape
    }

    fn name_candidates(&self, name: &PreparedName, lookup: &Lookup, scratch: &mut Scratch) {
        let toks = &name.tokens;
        let shape = self.collect_hits(name, Some(lookup), scratch);
        let query_side = Side {
            tokens: &scratch.query_tokens,
            shape,
        };
        let query_overflow = toks.tokens.len() > keys::MAX_TOKENS;
        scratch.names_bounded += scratch.touched.len() as u64;
        // The names and their tokens are read at random, one cache miss each: the reads of a
        // pass go first, independent of one another, so that the memory serves them together
        // rather than one after the other (a third of the lookup time).
        warm(scratch.touched.iter().map(|&(id, _)| {
            self.names
                .get(id as usize)
                .map_or(0.0, |e| e.shape.weight())
        }));
        scratch.survivors.clear();
        for (id, hits) in scratch.touched.drain(..) {
            let Some(entry) = self.names.get(id as usize) else {
                continue;
            };
            if entry.overflow || query_overflow {
                let info = &self.infos[id as usize];
                scratch.found.push((info.party, info.name_bit()));
                continue;
            }
            let person = lookup.query_person || entry.person;
            if bound::quick_bound(
                query_side,
                &scratch.query_sums,
                toks.chars,
                &entry.shape,
                hits,
                person,
            ) >= lookup.min_name_score
            {
                scratch.survivors.push((id, hits));
            }
        }
        scratch.quick_passed += scratch.survivors.len() as u64;
        warm(scratch.survivors.iter().map(|&(id, _)| {
            self.infos
                .get(id as usize)
                .and_then(|e| self.tokens.get(e.start as usize))
                .map_or(0.0, |t| t.weight())
        }));
        for &(id, hits) in &scratch.survivors {
            let (Some(entry), Some(info)) =
                (self.names.get(id as usize), self.infos.get(id as usize))
            else {
                continue;
            };
            let person = lookup.query_person || entry.person;
            let start = info.start as usize;
            let listed = Side {
                tokens: &self.tokens[start..start + usize::from(entry.len)],
                shape: entry.shape,
            };
            if info.weak && !lookup.weak_alias_fuzzy && !hits.covers(query_side, listed) {
                continue;
            }
            if bound::bound(query_side, toks.chars, listed, hits, person) >= lookup.min_name_score {
                scratch.bound_passed += 1;
                scratch.found.push((info.party, info.name_bit()));
            }
        }
    }
}
