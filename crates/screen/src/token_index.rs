//! The screening candidate index: the blocking keys of `sanctum-index` (variant key,
//! phonetic key, consonant skeleton, one-deletion neighbourhood, adjacent tokens joined,
//! identifiers; plus listed initials under their letter, looked up by every query token's
//! first letter), posted per listed *token* rather than per party, so that for each listed
//! name the index knows which query tokens and which listed tokens can align. From that it
//! bounds the name score the matcher can give, before scoring anything:
//!
//! ```text
//! bound = (Σ hit query weights + Σ hit listed weights)
//!       / (Σ hit weights + ½ Σ missed query weights + 0.15 Σ missed listed weights)
//! ```
//!
//! the matcher's own formula with every possible alignment at similarity 1 and the most
//! lenient treatment of what is left over, plus the alignments the keys cannot see (see
//! `bound`: initials, two edits in long tokens, a query cut short). A listed name whose bound, with the largest
//! feature bonus (same birth date +0.06, shared country +0.02), stays below the threshold
//! cannot alert and is not scored. A shared identifier always makes a candidate. The recall
//! of candidates against a brute-force scan with the matcher is measured ([`crate::recall`]).

use sanctum_index::{indexable, token_keys};
use sanctum_matcher::features::normalize_id;
use sanctum_matcher::{PreparedEntity, PreparedName, PreparedQuery};
use sanctum_names::{NameToken, TokenKind};
use std::collections::HashMap;

/// The largest bonus the features can add to `0.9 × name score` (birth date + country).
const MAX_FEATURE_BONUS: f64 = 0.08;
/// The matcher's share of the score carried by the name.
const NAME_SHARE: f64 = 0.90;
/// Tokens per name the index tracks (bit masks); later tokens are ignored.
const MAX_TOKENS: usize = 64;

fn hash(bytes: &[u8]) -> u64 {
    // FNV-1a: keys are short, and a collision only adds a candidate.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A listed name's tokens, as the bound needs them.
struct NameEntry {
    party: u32,
    /// Weight of each token when aligned, and when left over (most lenient case).
    hit: Vec<f32>,
    miss: Vec<f32>,
    /// Initials (align with any token of that letter) and long tokens (six letters or
    /// more: the matcher allows two edits there, the index's keys only one).
    initials: u64,
    long: u64,
    signatures: Vec<Signature>,
}

/// What the bound needs of a token to rule out an alignment the keys cannot see.
#[derive(Clone, Copy)]
struct Signature {
    first: char,
    key_len: usize,
    text_len: usize,
    /// Letters present (a-z folded onto 32 bits): each edit flips at most two.
    key_letters: u32,
    text_letters: u32,
}

fn letters(s: &str) -> u32 {
    s.chars().fold(0, |m, c| m | (1u32 << (u32::from(c) % 32)))
}

impl Signature {
    fn of(t: &NameToken) -> Signature {
        Signature {
            first: t.text.chars().next().unwrap_or(' '),
            key_len: t.key.chars().count(),
            text_len: t.text.chars().count(),
            key_letters: letters(&t.key),
            text_letters: letters(&t.text),
        }
    }

    /// Whether the two may be within two edits, by key or by spelling.
    fn near(&self, other: &Signature) -> bool {
        let close = |la: usize, lb: usize, ma: u32, mb: u32| {
            la.abs_diff(lb) <= 2 && (ma ^ mb).count_ones() <= 4
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

fn is_initial(t: &NameToken) -> bool {
    t.kind == TokenKind::Initial || t.text.chars().count() == 1
}

fn is_long(t: &NameToken) -> bool {
    t.key.chars().count() >= 6
}

fn mask(tokens: &[NameToken], test: fn(&NameToken) -> bool) -> u64 {
    tokens
        .iter()
        .take(MAX_TOKENS)
        .enumerate()
        .filter(|(_, t)| test(t))
        .fold(0, |m, (i, _)| m | (1u64 << i))
}

/// The lightest a left-over token can weigh in the matcher's denominator.
fn miss_weight(t: &NameToken, weight: f64, listed: bool) -> f64 {
    let lenient = if listed { 0.15 } else { 0.5 } * weight;
    if t.kind == TokenKind::LegalForm || weight < 0.5 {
        // Stray legal words may be weighed down to 0.05 by the matcher.
        lenient.min(0.05)
    } else {
        lenient
    }
}

/// Keys of each token of a name; a joined pair's key belongs to both tokens.
fn name_token_keys(
    tokens: &[NameToken],
    listed: bool,
    out: &mut Vec<(u64, usize)>,
    scratch: &mut Vec<String>,
) {
    out.clear();
    let all_plain = !tokens.iter().any(indexable);
    for (i, t) in tokens.iter().enumerate().take(MAX_TOKENS) {
        scratch.clear();
        if all_plain || indexable(t) {
            token_keys(t, scratch);
        }
        scratch.push(format!("t{}", t.text));
        // Initials: a listed initial is posted under its letter, and every query token
        // looks its first letter up (M. / MUNANDAR, T.M.A. / TROSHEV).
        if let Some(first) = t.text.chars().next() {
            if listed && is_initial(t) {
                scratch.push(format!("f{first}"));
            }
            if !listed && !is_initial(t) {
                scratch.push(format!("f{first}"));
            }
        }
        for k in scratch.iter() {
            out.push((hash(k.as_bytes()), i));
        }
    }
    for (i, pair) in tokens.windows(2).enumerate().take(MAX_TOKENS - 1) {
        for joined in [
            format!("k{}{}", pair[0].key, pair[1].key),
            format!("k{}{}", pair[0].text, pair[1].text),
        ] {
            let h = hash(joined.as_bytes());
            out.push((h, i));
            out.push((h, i + 1));
        }
    }
}

/// Listed names by token key, with the weights to bound their score.
pub struct TokenIndex {
    postings: HashMap<u64, Vec<(u32, u8)>>,
    identifiers: HashMap<String, Vec<u32>>,
    names: Vec<NameEntry>,
    parties: usize,
    /// Name score a listed name must be able to reach to be scored.
    min_name_score: f64,
}

/// Per-thread state of a lookup.
#[derive(Default)]
pub struct Scratch {
    /// Per listed name: (query token mask, listed token mask).
    masks: Vec<(u64, u64)>,
    touched: Vec<u32>,
    keys: Vec<(u64, usize)>,
    strings: Vec<String>,
    /// The candidates of the last lookup (party positions, sorted).
    pub parties: Vec<u32>,
}

impl TokenIndex {
    pub fn build(parties: &[PreparedEntity], threshold: f64) -> TokenIndex {
        let mut postings: HashMap<u64, Vec<(u32, u8)>> = HashMap::new();
        let mut identifiers: HashMap<String, Vec<u32>> = HashMap::new();
        let mut names = Vec::new();
        let mut keys = Vec::new();
        let mut strings = Vec::new();
        for (p, party) in parties.iter().enumerate() {
            for name in &party.names {
                let toks = &name.tokens;
                let id = names.len() as u32;
                names.push(NameEntry {
                    party: p as u32,
                    hit: toks.weights.iter().map(|w| *w as f32).collect(),
                    miss: toks
                        .tokens
                        .iter()
                        .zip(&toks.weights)
                        .map(|(t, w)| miss_weight(t, *w, true) as f32)
                        .collect(),
                    initials: mask(&toks.tokens, is_initial),
                    long: mask(&toks.tokens, is_long),
                    signatures: toks.tokens.iter().map(Signature::of).collect(),
                });
                name_token_keys(&toks.tokens, true, &mut keys, &mut strings);
                keys.sort_unstable();
                keys.dedup();
                for &(h, i) in &keys {
                    postings.entry(h).or_default().push((id, i as u8));
                }
            }
            for ident in &party.entity.identifiers {
                let v = normalize_id(&ident.value);
                if !v.is_empty() {
                    let list = identifiers.entry(v).or_default();
                    if list.last() != Some(&(p as u32)) {
                        list.push(p as u32);
                    }
                }
            }
        }
        postings.shrink_to_fit();
        TokenIndex {
            postings,
            identifiers,
            names,
            parties: parties.len(),
            min_name_score: (threshold - MAX_FEATURE_BONUS) / NAME_SHARE,
        }
    }

    pub fn len(&self) -> usize {
        self.parties
    }

    pub fn is_empty(&self) -> bool {
        self.parties == 0
    }

    /// The parties that could reach the threshold for `query`, into `scratch.parties`.
    pub fn candidates(&self, query: &PreparedQuery, scratch: &mut Scratch) {
        scratch.parties.clear();
        if scratch.masks.len() != self.names.len() {
            scratch.masks = vec![(0, 0); self.names.len()];
        }
        for name in &query.names {
            self.name_candidates(name, scratch);
        }
        for (_, value) in &query.identifiers {
            if let Some(list) = self.identifiers.get(value) {
                scratch.parties.extend_from_slice(list);
            }
        }
        scratch.parties.sort_unstable();
        scratch.parties.dedup();
    }

    fn name_candidates(&self, name: &PreparedName, scratch: &mut Scratch) {
        let toks = &name.tokens;
        let mut keys = std::mem::take(&mut scratch.keys);
        name_token_keys(&toks.tokens, false, &mut keys, &mut scratch.strings);
        // A query token glued to a legal form (JSCARGUMENT): its head or tail as a token.
        for (i, t) in toks.tokens.iter().enumerate().take(MAX_TOKENS) {
            for split in 2..t.text.len().saturating_sub(2) {
                if !t.text.is_char_boundary(split) {
                    continue;
                }
                let (head, tail) = t.text.split_at(split);
                if sanctum_names::classify(head) == TokenKind::LegalForm {
                    keys.push((hash(format!("t{tail}").as_bytes()), i));
                }
                if sanctum_names::classify(tail) == TokenKind::LegalForm {
                    keys.push((hash(format!("t{head}").as_bytes()), i));
                }
            }
        }
        keys.sort_unstable();
        keys.dedup();
        for &(h, i) in &keys {
            let Some(list) = self.postings.get(&h) else {
                continue;
            };
            for &(id, j) in list {
                let Some(m) = scratch.masks.get_mut(id as usize) else {
                    continue;
                };
                if *m == (0, 0) {
                    scratch.touched.push(id);
                }
                m.0 |= 1 << i;
                m.1 |= 1 << j;
            }
        }
        scratch.keys = keys;
        let q_hit: Vec<f64> = toks.weights.clone();
        let q_initials = mask(&toks.tokens, is_initial);
        let q_long = mask(&toks.tokens, is_long);
        let q_signatures: Vec<Signature> = toks.tokens.iter().map(Signature::of).collect();
        let q_miss: Vec<f64> = toks
            .tokens
            .iter()
            .zip(&toks.weights)
            .map(|(t, w)| miss_weight(t, *w, false))
            .collect();
        for id in scratch.touched.drain(..) {
            let Some(m) = scratch.masks.get_mut(id as usize) else {
                continue;
            };
            let (qm, lm) = std::mem::take(m);
            let Some(entry) = self.names.get(id as usize) else {
                continue;
            };
            let bound = bound(
                name.tokens.chars,
                (qm, q_initials, q_long, &q_hit, &q_miss, &q_signatures),
                entry,
                lm,
            );
            if bound >= self.min_name_score {
                scratch.parties.push(entry.party);
            }
        }
    }
}

/// The query side of the bound: hit mask, initials, long tokens, weights hit and missed.
type QuerySide<'a> = (u64, u64, u64, &'a [f64], &'a [f64], &'a [Signature]);

/// The best name score the matcher could give, from what the keys say can align.
///
/// Beyond shared keys, three alignments the keys cannot see are assumed possible: an
/// initial with any token; two long tokens (six letters or more) within two edits, at most
/// 0.93; and a query cut short (15 characters or more), whose last word may be the start of
/// a listed word and whose missing tail then weighs a tenth.
fn bound(query_chars: usize, q: QuerySide<'_>, entry: &NameEntry, lm: u64) -> f64 {
    let (qm, q_initials, q_long, q_hit, q_miss, q_sig) = q;
    let same_first = |qi: usize, lj: usize| matches!((q_sig.get(qi), entry.signatures.get(lj)), (Some(a), Some(b)) if a.first == b.first);
    let near = |qi: usize, lj: usize| matches!((q_sig.get(qi), entry.signatures.get(lj)), (Some(a), Some(b)) if a.near(b));
    let bit = |m: u64, i: usize| i < MAX_TOKENS && m & (1u64 << i) != 0;
    let q_len = q_hit.len();
    let l_len = entry.hit.len();
    // Missed tokens that may still pair up, as (weight, index) lists.
    let mut q_free: Vec<usize> = (0..q_len).filter(|&i| !bit(qm, i)).collect();
    let mut l_free: Vec<usize> = (0..l_len).filter(|&j| !bit(lm, j)).collect();
    let mut numerator = 0.0;
    let mut denominator = 0.0;
    let pair = |qi: usize, lj: usize, s: f64, n: &mut f64, d: &mut f64| {
        let (wq, wl) = (q_hit[qi], f64::from(entry.hit[lj]));
        *n += s * (wq + wl);
        *d += wq + wl;
    };
    // Initials on either side pair with any free token of the other.
    let mut k = 0;
    while k < q_free.len() {
        let qi = q_free[k];
        let initial = bit(q_initials, qi);
        let partner = l_free
            .iter()
            .position(|&lj| (initial || bit(entry.initials, lj)) && same_first(qi, lj));
        match partner {
            Some(p) => {
                let lj = l_free.remove(p);
                pair(qi, lj, 1.0, &mut numerator, &mut denominator);
                q_free.remove(k);
            }
            _ => k += 1,
        }
    }
    // Long tokens within two edits.
    let mut k = 0;
    while k < q_free.len() {
        let qi = q_free[k];
        let partner = l_free
            .iter()
            .position(|&lj| bit(q_long, qi) && bit(entry.long, lj) && near(qi, lj));
        match partner {
            Some(p) => {
                let lj = l_free.remove(p);
                pair(qi, lj, 0.93, &mut numerator, &mut denominator);
                q_free.remove(k);
            }
            None => k += 1,
        }
    }
    for i in 0..q_len {
        if !q_free.contains(&i) {
            if bit(qm, i) {
                numerator += q_hit[i];
                denominator += q_hit[i];
            }
        } else {
            denominator += q_miss[i];
        }
    }
    for j in 0..l_len {
        if bit(lm, j) {
            numerator += f64::from(entry.hit[j]);
            denominator += f64::from(entry.hit[j]);
        }
    }
    let l_missed: f64 = l_free.iter().map(|&j| f64::from(entry.miss[j])).sum();
    // A cut-short query: its last word may be the start of a listed one, and what the cut
    // took away weighs a tenth, when nothing else of the query is left over.
    let cut = query_chars >= 15 && q_free.iter().all(|&i| i + 1 == q_len) && !l_free.is_empty();
    let score = |n: f64, d: f64| if d > 0.0 { n / d } else { 0.0 };
    let plain = score(numerator, denominator + l_missed);
    if !cut {
        return plain;
    }
    let (mut n, mut d) = (numerator, denominator);
    if let Some(&last) = q_free.last() {
        // The last query word against the start of a listed word (0.9), replacing its miss.
        d -= q_miss[last];
        n += 0.9 * q_hit[last];
        d += q_hit[last];
    }
    plain.max(score(n, d + 0.1 * l_missed))
}
