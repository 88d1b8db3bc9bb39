//! The best name score the matcher could give a listed name, from what the keys say can
//! align, before comparing anything.
//!
//! It is the matcher's own model (`sanctum_matcher::model`: its token weights, its shares of
//! what is left over, its [`Tally`]) evaluated with optimistic inputs: every token that may
//! be met (a key met it, or one of the alignments below is possible) counts as met exactly,
//! and what is left over at the lightest weight the matcher's rules could give it. Met at
//! similarity 1, a token raises the score above any other reading of it (met less well or
//! at a lighter weight, left over, cut away), so the bound is an upper bound without
//! guessing which reading the matcher takes.
//!
//! A missed token weighs fully, except where the matcher is lenient: for a person, with two
//! names aligned and left-over names on one side only, a missed query name weighs
//! `query_leftover_weight` and a missed listed given name `omitted_weight` (a listed family
//! name fully). Words of legal forms and light words weigh at most
//! `STRAY_LEGAL_WORD_WEIGHT`, and so does a query word the matcher may take for a legal form
//! cut short (`sanctum_matcher::names::cut_legal_word`). Alignments the keys cannot see are
//! assumed possible: an initial with any token of its letter; two long tokens (eight letters
//! or more, where the matcher allows two edits and the keys see one) within two edits; and a
//! query cut at a field limit (`sanctum_matcher::names::at_field_limit`), whose last word may be
//! the start of a listed word (or of a particle and the word after it) and whose missing tail
//! then weighs `CUT_AWAY_SHARE`. The rules that only lower a score are left out. That the
//! result stays an upper bound is checked over generated name pairs
//! (`tests/bound_model.rs`).

use crate::keys::MAX_TOKENS;
use sanctum_matcher::model::{
    self, CUT_AWAY_SHARE, EXACT_SIMILARITY, NAME_WORD_MIN_WEIGHT, OMITTED_NAMES_MAX,
    STRAY_LEGAL_WORD_WEIGHT, Tally, is_initial,
};
use sanctum_matcher::names::{
    allowed_edits, at_field_limit, cut_legal_word, in_misspelt_legal_form, inside_legal_form,
};
use sanctum_names::{NameToken, TokenKind};

/// A set of a name's tokens, by position (see [`MAX_TOKENS`]).
pub type Mask = u32;

/// What the bound needs of a token to rule out an alignment the keys cannot see.
#[derive(Clone, Copy, Default)]
pub struct Signature {
    first: u8,
    /// The first four bytes of the text (zero-padded): what a cut-short word may start.
    head: [u8; 4],
    /// The text starts with a particle the tokeniser splits from a name glued to it: cut
    /// short, it may be the start of two listed words (ALZ / AL ZAHRANI).
    glued: bool,
    near: Near,
}

/// What tells whether two tokens may be within the matcher's edit tolerance (the part of a
/// [`Signature`] a [`Shape`] keeps for its long tokens). Packed: two of them and the rest
/// of a [`Shape`] fit the index's 64-byte name entry.
#[derive(Clone, Copy, Default)]
#[repr(C, packed)]
struct Near {
    key_len: u8,
    text_len: u8,
    /// Letters present (folded onto 32 bits): each edit flips at most two.
    key_letters: u32,
    text_letters: u32,
}

/// A first letter's bit (folded onto 32 bits, as [`letters`]).
fn letter_bit(c: u8) -> u32 {
    1 << (u32::from(c) % 32)
}

fn letters(s: &str) -> u32 {
    s.bytes().fold(0, |m, c| m | (1u32 << (u32::from(c) % 32)))
}

impl Signature {
    fn of(t: &NameToken) -> Signature {
        let clip = |n: usize| n.min(255) as u8;
        let mut head = [0u8; 4];
        for (h, b) in head.iter_mut().zip(t.text.bytes()) {
            *h = b;
        }
        Signature {
            first: t.text.bytes().next().unwrap_or(b' '),
            head,
            glued: sanctum_names::starts_with_glued_particle(&t.text),
            near: Near {
                key_len: clip(t.key.chars().count()),
                text_len: clip(t.text.chars().count()),
                key_letters: letters(&t.key),
                text_letters: letters(&t.text),
            },
        }
    }

    /// The bit of the first three letters in a name's [`Shape::heads`] (none for a shorter
    /// word): a word that starts another of three letters or more has the same first three.
    fn head_bit(&self) -> u32 {
        if self.text_len() < 3 {
            return 0;
        }
        let h =
            (u32::from(self.head[0]) * 31 + u32::from(self.head[1])) * 31 + u32::from(self.head[2]);
        1 << (h % 32)
    }

    /// Whether a word spelt like `self` may start with a word spelt like `start`.
    fn may_start_with(&self, start: &Signature) -> bool {
        if start.glued {
            return true;
        }
        let n = usize::from(start.text_len()).min(4);
        self.text_len() >= start.text_len() && self.head[..n] == start.head[..n]
    }

    fn near(&self, other: &Signature) -> bool {
        self.near.near(&other.near)
    }

    /// The text's length in characters (at most 255).
    fn text_len(&self) -> u8 {
        self.near.text_len
    }
}

impl Near {
    /// Whether the two may be within the matcher's edit tolerance by key or by spelling,
    /// where it allows two edits or more (one edit shares a deletion key); each edit changes
    /// the length by at most one and flips at most two letters of the set.
    fn near(&self, other: &Near) -> bool {
        let close = |la: u8, lb: u8, ma: u32, mb: u32| {
            let edits = allowed_edits(usize::from(la.min(lb))) as u32;
            edits >= 2 && u32::from(la.abs_diff(lb)) <= edits && (ma ^ mb).count_ones() <= 2 * edits
        };
        close(
            self.key_len,
            other.key_len,
            self.key_letters,
            other.key_letters,
        ) || close(
            self.text_len,
            other.text_len,
            self.text_letters,
            other.text_letters,
        )
    }
}

/// A token, as the bound weighs it.
#[derive(Clone, Copy)]
pub struct TokenInfo {
    /// Weight when aligned.
    hit: f32,
    /// Weight when left over: where the matcher is lenient, and where it is not.
    miss_lenient: f32,
    miss_full: f32,
    signature: Signature,
}

/// A name's shape: which tokens are names in the matcher's leftover test (weight 0.5 or
/// more), initials, and long (eight letters or more: the matcher allows two edits there, the
/// keys only one); and the sum of the token weights, for [`quick_bound`].
#[derive(Clone, Copy, Default)]
pub struct Shape {
    heavy: Mask,
    initials: Mask,
    /// The letters of the initials (see [`letter_bit`]): the query tokens one may stand for.
    initial_letters: u32,
    long: Mask,
    weight: f32,
    /// What [`quick_bound`] needs to weigh the listed tokens it does not read: how many are
    /// heavy, the weight of the others, and the least a heavy one weighs when missed.
    heavy_count: u8,
    light_weight: f32,
    heavy_miss_lenient: f32,
    heavy_miss_full: f32,
    /// How many tokens are long, and the signatures of the first two: whether a query's long
    /// token may pair with one of them without reading the name's tokens.
    long_count: u8,
    long_signatures: [Near; 2],
    /// The first three letters of each token, as bits: whether a query word cut short may be
    /// the start of one of them.
    heads: u32,
}

impl Shape {
    /// Whether one of the name's words may start with `word` (a query's last word, cut
    /// short).
    fn may_have_start(&self, word: &Signature) -> bool {
        word.text_len() < 3 || word.glued || self.heads & word.head_bit() != 0
    }

    /// Whether a long query token may be within the matcher's edit tolerance of one of this
    /// name's long tokens (any token, when there are more than two).
    fn may_be_near(&self, token: &Signature) -> bool {
        let count = usize::from(self.long_count);
        count > self.long_signatures.len()
            || self.long_signatures[..count]
                .iter()
                .any(|s| s.near(&token.near))
    }
}

/// One side of a comparison: a name's tokens (at most [`MAX_TOKENS`]) and shape. The index
/// keeps every listed name's tokens in one array, so a bound reads one place in memory.
#[derive(Clone, Copy)]
pub struct Side<'a> {
    pub tokens: &'a [TokenInfo],
    pub shape: Shape,
}

/// Appends a name's tokens to `out` and returns its shape. `family` holds the listed family
/// name's keys (never weighed leniently); the query side has none.
pub fn prepare(
    tokens: &[NameToken],
    weights: &[f64],
    listed: bool,
    family: &[String],
    chars: usize,
    out: &mut Vec<TokenInfo>,
) -> Shape {
    let mut shape = Shape {
        heavy_miss_lenient: f32::MAX,
        heavy_miss_full: f32::MAX,
        ..Shape::default()
    };
    for (i, (t, &w)) in tokens.iter().zip(weights).take(MAX_TOKENS).enumerate() {
        // A query word the matcher may take for part of a legal form (cut short, or a short
        // word inside one) weighs as one, and is not a name in its leftover test. Which words
        // are the legal form's is taken more widely than the matcher does (every word below
        // 0.5, as org words are), which only raises the bound.
        let legal = |k: usize| {
            tokens[k].kind == TokenKind::LegalForm
                || weights[k] < NAME_WORD_MIN_WEIGHT
                || (!listed && cut_legal_word(tokens, k, chars))
        };
        // A misspelt form at the query's end is light where the listed name has a form:
        // light here whatever the listed name has, which only raises the bound.
        let legal_part = (!listed
            && (cut_legal_word(tokens, i, chars) || in_misspelt_legal_form(tokens, i)))
            || inside_legal_form(tokens, i, legal);
        let light = t.kind == TokenKind::LegalForm || w < NAME_WORD_MIN_WEIGHT || legal_part;
        let lenient = if !listed {
            model::query_leftover_weight(w, true)
        } else if family.contains(&t.key) {
            if model::double_family_name(family) {
                model::ONE_OF_TWO_FAMILY_NAMES_SHARE * w
            } else {
                w
            }
        } else {
            model::omitted_weight(w)
        };
        let cap = |x: f64| {
            if light {
                x.min(STRAY_LEGAL_WORD_WEIGHT)
            } else {
                x
            }
        };
        let signature = Signature::of(t);
        shape.heads |= signature.head_bit();
        out.push(TokenInfo {
            hit: w as f32,
            miss_lenient: cap(lenient) as f32,
            miss_full: cap(w) as f32,
            signature,
        });
        let bit: Mask = 1 << i;
        shape.weight += w as f32;
        // A query word that may be a misspelt particle (SL for AL) is light: the matcher
        // weighs it as the particle it meets.
        let particle_like = !listed && model::may_be_misspelt_particle(t);
        if w >= NAME_WORD_MIN_WEIGHT && !legal_part && !particle_like {
            shape.heavy |= bit;
            shape.heavy_count += 1;
            shape.heavy_miss_lenient = shape.heavy_miss_lenient.min(cap(lenient) as f32);
            shape.heavy_miss_full = shape.heavy_miss_full.min(cap(w) as f32);
        } else {
            shape.light_weight += w as f32;
        }
        if is_initial(t) {
            shape.initials |= bit;
            shape.initial_letters |= letter_bit(signature.first);
        }
        if allowed_edits(t.key.chars().count().max(t.text.chars().count())) >= 2 {
            shape.long |= bit;
            if let Some(slot) = shape.long_signatures.get_mut(usize::from(shape.long_count)) {
                *slot = signature.near;
            }
            shape.long_count = shape.long_count.saturating_add(1);
        }
    }
    shape
}

impl Shape {
    /// The sum of the name's token weights.
    pub fn weight(&self) -> f32 {
        self.weight
    }

    /// Whether the name has an initial, which may stand for any query word of its letter.
    pub fn has_initials(&self) -> bool {
        self.initials != 0
    }

    /// Whether the name has a long word (eight letters or more), which a long query word
    /// may be within two edits of, where the keys see one.
    pub fn has_long(&self) -> bool {
        self.long != 0
    }
}

impl TokenInfo {
    /// The token's weight when aligned.
    pub fn weight(&self) -> f32 {
        self.hit
    }

    /// The token's weight when left over, where the matcher is lenient or not.
    fn missed(&self, lenient: bool) -> f32 {
        if lenient {
            self.miss_lenient
        } else {
            self.miss_full
        }
    }
}

impl Side<'_> {
    fn all(&self) -> Mask {
        ((1u64 << self.tokens.len().min(MAX_TOKENS)) - 1) as Mask
    }
}

/// Which tokens shared a key: through a full key, or only a prefix key.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct Hits {
    pub query_full: Mask,
    pub query_prefix: Mask,
    pub listed_full: Mask,
    pub listed_prefix: Mask,
}

impl Hits {
    pub fn is_empty(&self) -> bool {
        *self == Hits::default()
    }

    /// Every token of both names met by a key other than a prefix: what an exact match
    /// (the only one a weak alias gets) needs.
    pub fn covers(&self, query: Side, listed: Side) -> bool {
        self.query_full & query.all() == query.all()
            && self.listed_full & listed.all() == listed.all()
    }
}

pub(crate) fn bits(mut m: Mask) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (m != 0).then(|| {
            let i = m.trailing_zeros() as usize;
            m &= m - 1;
            i
        })
    })
}

/// A looser bound from the listed name's [`Shape`] alone, without reading its tokens. Query
/// side: every query token that could still pair (an initial, a long token near one of the
/// name's, or a token of the letter of one of the listed initials) counted as met; only the query tokens that can pair
/// with nothing count as missed. Listed side: the tokens a key met, one more per query
/// token that could pair (and per query initial met, which may stand for another listed
/// name), and the light words, each at full weight; the heavy tokens beyond those count as
/// missed at the least a missed heavy token of the name weighs. Most names a common word
/// meets fail it, and the full [`bound`] is then not needed. A query that may be cut short
/// gets 1 unless one of its names other than the last can pair with nothing (which rules the
/// cut out).
pub fn quick_bound(
    query: Side,
    sums: &QuerySums,
    query_chars: usize,
    listed: &Shape,
    hits: Hits,
    person: bool,
) -> f64 {
    let q_hit = (hits.query_full | hits.query_prefix) & query.all();
    let q_free = query.all() & !q_hit;
    // A listed initial stands for a query token of its letter.
    let by_initial = if listed.initials != 0 {
        bits(q_free)
            .filter(|&i| listed.initial_letters & letter_bit(query.tokens[i].signature.first) != 0)
            .fold(0, |m: Mask, i| m | 1 << i)
    } else {
        0
    };
    let near = bits(q_free & query.shape.long & !by_initial)
        .filter(|&i| listed.may_be_near(&query.tokens[i].signature))
        .fold(0, |m: Mask, i| m | 1 << i);
    let pairable = q_free & (query.shape.initials | near | by_initial);
    let last = query.tokens.len().saturating_sub(1);
    // The cut is of use only where a listed word may start with the last query word.
    let cut = at_field_limit(query_chars)
        && query
            .tokens
            .get(last)
            .is_some_and(|t| listed.may_have_start(&t.signature));
    let pairable = if cut {
        pairable | (q_free & (1 << last))
    } else {
        pairable
    };
    let light = q_free & !query.shape.heavy;
    let unpaired = q_free & !pairable & !light;
    if cut && unpaired & !(1 << last) & query.shape.heavy == 0 {
        return 1.0;
    }
    let lenient = person && (q_hit | pairable | light).count_ones() >= 2;
    let mut numerator = sums.hit(query, q_hit | pairable | light);
    let mut missed = sums.missed(query, unpaired, lenient);
    let listed_hits = (hits.listed_full | hits.listed_prefix).count_ones();
    // A listed initial may stand for a query word a key met, of its letter.
    let initials_of_met = if listed.initials != 0 {
        bits(q_hit)
            .filter(|&i| listed.initial_letters & letter_bit(query.tokens[i].signature.first) != 0)
            .count() as u32
    } else {
        0
    };
    // The last word of a cut query, met by a key, may still start another listed word.
    let cut_of_met = u32::from(cut && q_hit & (1 << last) != 0);
    let listed_met = listed_hits
        + pairable.count_ones()
        + (q_hit & query.shape.initials).count_ones()
        + initials_of_met
        + cut_of_met;
    numerator += f64::from(listed.weight.min(listed_met as f32 + listed.light_weight));
    let heavy_missed = u32::from(listed.heavy_count).saturating_sub(listed_met);
    if heavy_missed > 0 {
        let least = if lenient {
            listed.heavy_miss_lenient
        } else {
            listed.heavy_miss_full
        };
        let heavy_miss = f64::from(heavy_missed as f32 * least);
        missed += if lenient {
            heavy_miss.min(OMITTED_NAMES_MAX)
        } else {
            heavy_miss
        };
    }
    if numerator + missed > 0.0 {
        numerator / (numerator + missed)
    } else {
        0.0
    }
}

/// Sums of a query name's token weights over any set of its tokens, read from tables when it
/// has few tokens (the quick bound runs a thousand times a query name). Each sum adds the
/// weights in token order, as a loop over the set would.
#[derive(Default)]
pub struct QuerySums {
    /// Per set of tokens (bit i: token i), when the name has at most [`QuerySums::TABLED`].
    hit: Vec<f64>,
    miss_lenient: Vec<f64>,
    miss_full: Vec<f64>,
}

impl QuerySums {
    const TABLED: usize = 8;

    /// Fills the tables for `query` (or empties them when it has too many tokens).
    pub fn prepare(&mut self, query: Side) {
        self.hit.clear();
        self.miss_lenient.clear();
        self.miss_full.clear();
        let n = query.tokens.len();
        if n > Self::TABLED {
            return;
        }
        for table in [&mut self.hit, &mut self.miss_lenient, &mut self.miss_full] {
            table.push(0.0);
        }
        for m in 1usize..(1 << n) {
            // The set without its highest token, plus that token: the loop's order.
            let top = usize::BITS as usize - 1 - m.leading_zeros() as usize;
            let rest = m & !(1 << top);
            let t = &query.tokens[top];
            self.hit.push(self.hit[rest] + f64::from(t.hit));
            self.miss_lenient
                .push(self.miss_lenient[rest] + f64::from(t.miss_lenient));
            self.miss_full
                .push(self.miss_full[rest] + f64::from(t.miss_full));
        }
    }

    fn hit(&self, query: Side, set: Mask) -> f64 {
        match self.hit.get(set as usize) {
            Some(&sum) => sum,
            None => bits(set)
                .map(|i| f64::from(query.tokens[i].hit))
                .fold(0.0, |a, b| a + b),
        }
    }

    fn missed(&self, query: Side, set: Mask, lenient: bool) -> f64 {
        let table = if lenient {
            &self.miss_lenient
        } else {
            &self.miss_full
        };
        match table.get(set as usize) {
            Some(&sum) => sum,
            None => bits(set)
                .map(|i| f64::from(query.tokens[i].missed(lenient)))
                .fold(0.0, |a, b| a + b),
        }
    }
}

/// The bound (see the module doc). `person`: the matcher compares as persons (either side
/// is one), which is when it may be lenient.
///
/// Every token that may be met counts as met exactly at its own weight, whatever similarity
/// the matcher could give it: met at 1, a token raises the score above any other reading
/// of it (met at a lower similarity or a lighter weight, left over, cut away), so the bound
/// needs no guess of which reading the matcher takes (CABELLO, Vladimir against CABELLO,
/// Vladimir Vladimirovich: VLADIMIROVICH shares a prefix key with VLADIMIR, and the matcher
/// leaves it out as a patronymic, lighter than met at a prefix's similarity).
pub fn bound(query: Side, query_chars: usize, listed: Side, hits: Hits, person: bool) -> f64 {
    let q_hit = (hits.query_full | hits.query_prefix) & query.all();
    let l_hit = (hits.listed_full | hits.listed_prefix) & listed.all();
    let mut q_met = q_hit;
    let mut l_met = l_hit;
    let last = query.tokens.len().saturating_sub(1);
    // Alignments the keys cannot see: an initial with a token of its letter, two long
    // tokens within two edits, a word cut short and the word it is the start of.
    for i in bits(query.all() & !q_hit) {
        let q_sig = &query.tokens[i].signature;
        let initial = query.shape.initials & (1 << i) != 0;
        let long = query.shape.long & (1 << i) != 0;
        let initial_of = |j: usize| {
            (initial || listed.shape.initials & (1 << j) != 0)
                && listed.tokens[j].signature.first == q_sig.first
        };
        // The last word of a query cut at a field limit may be the start of a listed word,
        // which the matcher aligns whatever else is left over.
        let cut_word = i == last && at_field_limit(query_chars);
        let starts = |j: usize| cut_word && listed.tokens[j].signature.may_start_with(q_sig);
        let l_free = listed.all() & !l_met;
        let near = |j: usize| {
            long && listed.shape.long & (1 << j) != 0 && q_sig.near(&listed.tokens[j].signature)
        };
        if let Some(j) = bits(l_free).find(|&j| initial_of(j) || starts(j) || near(j)) {
            q_met |= 1 << i;
            l_met |= 1 << j;
        } else if bits(l_met).any(|j| initial_of(j) || starts(j)) {
            // A listed word met already: of the initial's letter (T. TAN / TAN, Tieniu,
            // where TAN and TIENIU sound alike), or one a word cut short is the start of
            // (AVIATION CAPITAL AVI / AVIATION CAPITAL AVIATION).
            q_met |= 1 << i;
        }
    }
    // The last word of a query cut short, even met by a key, may be the start of another
    // listed word that nothing met (MIN AL KSNDRVCH AL / Min Aleksandrovich AL PUTIN: the
    // last AL is the particle's spelling and ALEKSANDROVICH's start).
    if at_field_limit(query_chars) && q_hit & (1 << last) != 0 {
        let q_sig = &query.tokens[last].signature;
        let l_free = listed.all() & !l_met;
        if let Some(j) = bits(l_free).find(|&j| listed.tokens[j].signature.may_start_with(q_sig)) {
            l_met |= 1 << j;
        }
    }
    // A query initial a key met (through a joined or spelt-out form) may still stand for a
    // listed name of its letter that nothing met (Q. AHMED / AHMAD … QADIR).
    for i in bits(q_hit & query.shape.initials) {
        let first = query.tokens[i].signature.first;
        let l_free = listed.all() & !l_met;
        if let Some(j) = bits(l_free).find(|&j| listed.tokens[j].signature.first == first) {
            l_met |= 1 << j;
        }
    }
    // A listed initial may stand for a query word of its letter, whatever else met that word
    // (X.A.Q / X.A.QQ, where QQ met Q's run); each word for one initial, as the matcher
    // pairs each token once.
    let mut standing_for: Mask = 0;
    for j in bits(listed.all() & !l_met & listed.shape.initials) {
        let first = listed.tokens[j].signature.first;
        let word =
            bits(query.all() & !standing_for).find(|&i| query.tokens[i].signature.first == first);
        if let Some(i) = word {
            standing_for |= 1 << i;
            l_met |= 1 << j;
        }
    }
    // The leniency test counts the query words met by a key or a pairing: a light word the
    // matcher aligns no key met is too rare to pay for (counted, the light words of every
    // name make most names lenient, and candidates grew by a quarter).
    let matched = q_met.count_ones();
    // Light words (particles, function words, legal-form words) get few keys; counted as met,
    // they can only raise the bound (ABOU / ABU).
    q_met |= query.all() & !query.shape.heavy;
    l_met |= listed.all() & !listed.shape.heavy;
    let q_free = query.all() & !q_met;
    let l_free = listed.all() & !l_met;
    let conflict = q_free != 0 && l_free != 0;
    let lenient = person && matched >= 2 && !conflict;
    let mut met = Tally::default();
    for (side, mask) in [(query, q_met), (listed, l_met)] {
        for k in bits(mask) {
            met.met(EXACT_SIMILARITY, f64::from(side.tokens[k].hit));
        }
    }
    let mut tally = met;
    for k in bits(q_free) {
        tally.left_over(f64::from(query.tokens[k].missed(lenient)));
    }
    // Listed names left out leniently weigh OMITTED_NAMES_MAX at most together (a family
    // name fully: capping it with the others only lowers the sum further).
    for k in bits(l_free) {
        let t = &listed.tokens[k];
        if lenient {
            tally.omitted(f64::from(t.miss_lenient));
        } else {
            tally.left_over(f64::from(t.miss_full));
        }
    }
    let plain = tally.score();
    // A cut-short query: its last word may be the start of a listed one, and what the cut
    // took away weighs CUT_AWAY_SHARE, when no other name of the query is left over.
    let cut = at_field_limit(query_chars)
        && q_free & !(1 << last) == 0
        && l_free != 0
        && listed
            .tokens
            .iter()
            .any(|t| t.signature.may_start_with(&query.tokens[last].signature));
    if !cut {
        return plain;
    }
    let mut cut_reading = met;
    if q_free & (1 << last) != 0 {
        // The last query word against the start of a listed word, instead of missed.
        cut_reading.met(EXACT_SIMILARITY, f64::from(query.tokens[last].hit));
    }
    let l_lenient: f64 = bits(l_free)
        .map(|k| {
            f64::from(
                listed.tokens[k]
                    .miss_lenient
                    .min(listed.tokens[k].miss_full),
            )
        })
        .sum();
    cut_reading.omitted(CUT_AWAY_SHARE * l_lenient);
    plain.max(cut_reading.score())
}

/// The best name score the matcher could give any listed name that only the query tokens
/// `met` meet by keys of a single token: what lets a lookup leave the names of a common
/// spelling unwalked when the query's other tokens must carry every name that reaches the
/// threshold (prefix filtering: MARIA GARCIA needs GARCIA, so the names of MARIA are only
/// looked at where GARCIA's keys found them).
///
/// The listed names it covers have no initial and at most [`MAX_TOKENS`] tokens, and no
/// key of joined tokens met them (the lookup reads those always); `listed_long`: they may
/// have a long word (see [`Shape::has_long`]). Of the query, a token not in `met` may still
/// pair by what the keys cannot see: an initial, a long word within two edits of a listed
/// long word, a light word; and a query cut at a field limit may pair its last word with
/// any listed word's start (1 then). The listed name is taken at its best: every listed
/// word paired, one to each query word that may pair, at the heaviest weight a word has,
/// so nothing listed is left over and the matcher may be lenient. Checked against the
/// matcher's scores over generated pairs (`tests/bound_model.rs`), with the lookup that
/// uses it.
pub fn bound_met_only_by(
    query: Side,
    query_chars: usize,
    met: Mask,
    listed_long: bool,
    person: bool,
) -> f64 {
    if at_field_limit(query_chars) {
        return 1.0;
    }
    let all = query.all();
    let near = if listed_long { query.shape.long } else { 0 };
    let may_pair = (met | query.shape.initials | near) & all;
    let light = all & !query.shape.heavy;
    let missed = all & !may_pair & !light;
    if missed == 0 {
        return 1.0;
    }
    let lenient = person && (may_pair | light).count_ones() >= 2;
    let mut tally = Tally::default();
    for k in bits(may_pair | light) {
        tally.met(EXACT_SIMILARITY, f64::from(query.tokens[k].hit));
        tally.met(EXACT_SIMILARITY, model::NAME_WEIGHT);
    }
    for k in bits(missed) {
        tally.left_over(f64::from(query.tokens[k].missed(lenient)));
    }
    tally.score()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabled_sums_are_the_loop_sums_exactly() {
        let analysis = sanctum_names::analyze("Abu Bakr al Baghdadi ibn Ibrahim Awwad Samarrai");
        let weights: Vec<f64> = (0..analysis.tokens.len())
            .map(|i| [1.0, 0.15, 0.3, 0.97, 0.5][i % 5])
            .collect();
        let mut tokens = Vec::new();
        let shape = prepare(&analysis.tokens, &weights, false, &[], 40, &mut tokens);
        let query = Side {
            tokens: &tokens,
            shape,
        };
        let looped = QuerySums::default();
        let mut tabled = QuerySums::default();
        tabled.prepare(query);
        assert_eq!(tabled.hit.len(), 1 << tokens.len());
        for set in 0..(1u32 << tokens.len()) {
            assert_eq!(tabled.hit(query, set), looped.hit(query, set));
            for lenient in [false, true] {
                assert_eq!(
                    tabled.missed(query, set, lenient),
                    looped.missed(query, set, lenient)
                );
            }
        }
    }
}
