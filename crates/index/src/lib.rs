//! Candidate generation: for a query, the listed parties the matcher could score above the
//! threshold, without scoring them all.
//!
//! [`CandidateIndex::build`] turns every analysed name token of every [`PreparedEntity`] into
//! a few blocking keys, each pointing at the parties that have it:
//! - `k` the romanisation-variant key (Mohammed = Muhammad), and the key of each pair of
//!   adjacent tokens joined (a query may glue what the list splits);
//! - `p` the Double Metaphone key (phonetic respellings);
//! - `s` the consonant skeleton (dropped or changed vowels);
//! - `d` every one-letter deletion of the key (one typo, OCR error or transposition in a
//!   token of four letters or more: the deletion neighbourhood of SymSpell);
//! - `i` every identifier, normalised.
//!
//! [`CandidateIndex::candidates`] looks up the same keys for the query's tokens and returns
//! the union. The matcher aligns tokens only when they are similar by one of these very
//! tests, so a party that shares no key with the query cannot align a single token and
//! cannot reach the threshold; the recall against a brute-force scan is measured in the
//! screening benchmarks. The index lives in memory and is built when a list version is
//! loaded (a second for all lists), so it never disagrees with the store.

use sanctum_matcher::{PreparedEntity, PreparedQuery};
use sanctum_names::{NameToken, TokenKind};
use std::collections::HashMap;

/// Blocking keys to party positions.
#[derive(Debug, Default)]
pub struct CandidateIndex {
    postings: HashMap<String, Vec<u32>>,
    parties: usize,
}

/// Whether a token gets its own keys (names, numbers, initials).
pub fn indexable(t: &NameToken) -> bool {
    matches!(
        t.kind,
        TokenKind::Name | TokenKind::Number | TokenKind::Initial
    )
}

/// The keys of one token, as used on both sides.
pub fn token_keys(t: &NameToken, out: &mut Vec<String>) {
    if t.key.is_empty() {
        return;
    }
    out.push(format!("k{}", t.key));
    if t.kind == TokenKind::Initial || t.kind == TokenKind::Number {
        return;
    }
    if t.phonetic.len() >= 2 {
        out.push(format!("p{}", t.phonetic));
    }
    if t.skeleton.len() >= 3 {
        out.push(format!("s{}", t.skeleton));
    }
    let chars: Vec<char> = t.key.chars().collect();
    if chars.len() >= 4 {
        for skip in 0..chars.len() {
            let deleted: String = chars
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, c)| c)
                .collect();
            out.push(format!("d{deleted}"));
        }
        out.push(format!("d{}", t.key));
    }
}

fn name_keys(tokens: &[NameToken], out: &mut Vec<String>) {
    let mut chosen: Vec<&NameToken> = tokens.iter().filter(|t| indexable(t)).collect();
    if chosen.is_empty() {
        // A name made only of particles or function words is still findable.
        chosen = tokens.iter().collect();
    }
    for t in &chosen {
        token_keys(t, out);
    }
    for pair in tokens.windows(2) {
        out.push(format!("k{}{}", pair[0].key, pair[1].key));
        out.push(format!("k{}{}", pair[0].text, pair[1].text));
    }
    // A legal form glued to the name: the index holds the name, the query the glued token.
    for t in tokens {
        out.push(format!("t{}", t.text));
    }
}

impl CandidateIndex {
    pub fn build(parties: &[PreparedEntity]) -> Self {
        let mut postings: HashMap<String, Vec<u32>> = HashMap::new();
        let mut keys = Vec::new();
        for (position, party) in parties.iter().enumerate() {
            keys.clear();
            for name in &party.names {
                name_keys(&name.tokens.tokens, &mut keys);
            }
            for id in &party.entity.identifiers {
                keys.push(format!(
                    "i{}",
                    sanctum_matcher::features::normalize_id(&id.value)
                ));
            }
            keys.sort_unstable();
            keys.dedup();
            for key in keys.drain(..) {
                postings.entry(key).or_default().push(position as u32);
            }
        }
        CandidateIndex {
            postings,
            parties: parties.len(),
        }
    }

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

    /// The positions of the parties a query could match, sorted and deduplicated.
    pub fn candidates(&self, query: &PreparedQuery, out: &mut Vec<u32>) {
        out.clear();
        let mut keys = Vec::new();
        for name in &query.names {
            name_keys(&name.tokens.tokens, &mut keys);
            // Glued legal forms: the query token minus a leading or trailing legal form.
            for t in &name.tokens.tokens {
                for split in 2..t.text.len().saturating_sub(2) {
                    if !t.text.is_char_boundary(split) {
                        continue;
                    }
                    let (head, tail) = t.text.split_at(split);
                    if sanctum_names::classify(head) == TokenKind::LegalForm {
                        keys.push(format!("t{tail}"));
                    }
                    if sanctum_names::classify(tail) == TokenKind::LegalForm {
                        keys.push(format!("t{head}"));
                    }
                }
            }
        }
        for (_, value) in &query.identifiers {
            keys.push(format!("i{value}"));
        }
        for key in &keys {
            if let Some(list) = self.postings.get(key) {
                out.extend_from_slice(list);
            }
        }
        out.sort_unstable();
        out.dedup();
    }
}
