//! Blocking keys: short hashes of a token's spellings, the same on both sides.
//!
//! Two tokens share a key when the matcher could align them by one of its tests:
//! - `k` the romanisation-variant key (Mohammed = Muhammad), and each pair of adjacent
//!   tokens joined (a query may glue what the list splits);
//! - `t` the text as written (a legal form glued to a name is cut off the query token);
//! - `p` the Double Metaphone key (phonetic respellings);
//! - `s` the consonant skeleton (changed vowels), `c` the consonants as written (dropped
//!   vowels), and the OCR folding as a `k` key (VT8 / VTB);
//! - `d` every one-letter deletion of the key, for tokens of four letters or more (one typo,
//!   OCR error or transposition: the deletion neighbourhood of SymSpell);
//! - `x` the key's proper prefixes of four letters or more on the listed side, looked up by
//!   the query's whole key (a word the start of a listed one: Stepan / Stepanovich), and the
//!   query's proper prefixes looked up as `k` (IRANIAN / IRAN);
//! - `f` a listed initial under its letter, looked up by every query token's first letter.
//!
//! Keys are hashed as they are made (FNV-1a over a tag byte and the parts), so a lookup
//! allocates no strings; a collision only adds a candidate.

use sanctum_names::{NameToken, TokenKind};

/// Tokens per name the index tracks (bit masks); later tokens are ignored.
pub const MAX_TOKENS: usize = 64;

/// FNV-1a over a tag and byte slices.
pub fn hash(tag: u8, parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |b: u8| {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    };
    feed(tag);
    for part in parts {
        for b in *part {
            feed(*b);
        }
    }
    h
}

/// Whether a token gets the fuzzy keys (names, numbers, initials); particles, stop words
/// and legal-form words get only their exact keys, unless the name has nothing else.
fn indexable(t: &NameToken) -> bool {
    matches!(
        t.kind,
        TokenKind::Name | TokenKind::Number | TokenKind::Initial
    )
}

/// A single letter is an initial, whatever the analysis called it.
pub fn is_initial(t: &NameToken) -> bool {
    t.kind == TokenKind::Initial || t.text.len() == 1
}

/// The side a key is made for: a few keys differ (initials, prefixes).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Listed,
    Query,
}

/// A key of a token of a name.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TokenKey {
    pub hash: u64,
    /// Position of the token in the name.
    pub token: u8,
    /// A query's prefix key: the tokens meet as word and start of a word, not as spellings
    /// of one word.
    pub prefix: bool,
}

/// The keys of every token of a name; a joined pair's key belongs to both tokens.
pub fn name_keys(tokens: &[NameToken], side: Side, out: &mut Vec<TokenKey>) {
    out.clear();
    let all_plain = !tokens.iter().any(indexable);
    for (i, t) in tokens.iter().enumerate().take(MAX_TOKENS) {
        let fuzzy = all_plain || indexable(t);
        token_keys(t, i as u8, side, fuzzy, out);
    }
    joined_keys(tokens, side, out);
    if side == Side::Query {
        glued_legal_forms(tokens, out);
    }
}

fn token_keys(t: &NameToken, token: u8, side: Side, fuzzy: bool, out: &mut Vec<TokenKey>) {
    let mut push = |hash: u64, prefix: bool| {
        out.push(TokenKey {
            hash,
            token,
            prefix,
        })
    };
    let (text, key) = (t.text.as_bytes(), t.key.as_bytes());
    let query = side == Side::Query;
    push(hash(b't', &[text]), false);
    // A listed initial is posted under its letter; each query word looks its letter up.
    if let Some(&first) = text.first()
        && query != is_initial(t)
    {
        push(hash(b'f', &[&[first]]), false);
    }
    if key.is_empty() || !fuzzy {
        return;
    }
    push(hash(b'k', &[key]), false);
    // Scanned documents: 1/I/l, 0/O, 5/S, 8/B, rn/m, cl/d read alike (VT8 / VTB).
    let ocr = sanctum_matcher::names::ocr_fold(&t.text);
    if ocr != t.text {
        push(hash(b'k', &[ocr.as_bytes()]), false);
    }
    if t.kind == TokenKind::Initial || t.kind == TokenKind::Number {
        return;
    }
    if t.phonetic.len() >= 2 {
        push(hash(b'p', &[t.phonetic.as_bytes()]), false);
    }
    if t.skeleton.len() >= 3 {
        push(hash(b's', &[t.skeleton.as_bytes()]), false);
    }
    // Vowels dropped (MMLK / MAMLOUK): the consonants as written, in order.
    let consonants: Vec<u8> = text
        .iter()
        .copied()
        .filter(|c| !b"aeiouy".contains(c))
        .collect();
    if consonants.len() >= 3 {
        push(hash(b'c', &[&consonants]), false);
    }
    if !t.key.is_ascii() || !t.text.is_ascii() {
        return;
    }
    deletions(key, &mut |h| push(h, false));
    // Prefixes: the listed side posts its own, the query looks up its whole key and, as
    // listed keys and spellings, its prefixes.
    for end in 4..key.len() {
        if query {
            push(hash(b'k', &[&key[..end]]), true);
        } else {
            push(hash(b'x', &[&key[..end]]), false);
        }
    }
    if query && key.len() >= 4 {
        push(hash(b'x', &[key]), true);
        for end in 4..text.len() {
            push(hash(b't', &[&text[..end]]), true);
        }
    }
    // Long tokens, where the matcher allows two or three edits: their first and last four
    // letters, one of which such edits often leave whole.
    if key.len() >= 6 {
        push(hash(b'h', &[&key[..4]]), query);
        push(hash(b'e', &[&key[key.len() - 4..]]), query);
    }
}

/// One-letter deletions of a key of four letters or more, and the key itself.
fn deletions(key: &[u8], push: &mut impl FnMut(u64)) {
    if key.len() < 4 {
        return;
    }
    push(hash(b'd', &[key]));
    for skip in 0..key.len() {
        push(hash(b'd', &[&key[..skip], &key[skip + 1..]]));
    }
}

/// Tokens written apart on one side and together on the other. The listed side posts every
/// ordered pair of its tokens joined (names of up to six tokens; the matcher joins leftovers
/// in any order: ALALI / ALI … AL); the query looks up adjacent pairs and triples joined, as
/// keys, as spellings and with one letter deleted (O.F. / OF, YU JONG 2 / YUJONG1).
fn joined_keys(tokens: &[NameToken], side: Side, out: &mut Vec<TokenKey>) {
    let n = tokens.len().min(MAX_TOKENS);
    let mut push = |hash: u64, from: usize, to: usize| {
        for token in from..=to {
            out.push(TokenKey {
                hash,
                token: token as u8,
                prefix: false,
            });
        }
    };
    match side {
        Side::Listed => {
            let all_pairs = n <= 6;
            for i in 0..n {
                for j in 0..n {
                    if i == j || (!all_pairs && j != i + 1) {
                        continue;
                    }
                    let (a, b) = (&tokens[i], &tokens[j]);
                    let h = hash(b'k', &[a.key.as_bytes(), b.key.as_bytes()]);
                    out.push(TokenKey {
                        hash: h,
                        token: i as u8,
                        prefix: false,
                    });
                    out.push(TokenKey {
                        hash: h,
                        token: j as u8,
                        prefix: false,
                    });
                    if j == i + 1 {
                        // Adjacent words as written, also as a query's one word is looked up
                        // (ABOUDJARRAH / ABOU DJARRAH) and by its consonants (YHYAZADH /
                        // YAHYA ZADEH).
                        let (ta, tb) = (a.text.as_bytes(), b.text.as_bytes());
                        let consonants: Vec<u8> = ta
                            .iter()
                            .chain(tb)
                            .copied()
                            .filter(|c| !b"aeiouy".contains(c))
                            .collect();
                        let mut joined = vec![hash(b'k', &[ta, tb]), hash(b't', &[ta, tb])];
                        if consonants.len() >= 3 {
                            joined.push(hash(b'c', &[&consonants]));
                        }
                        for h in joined {
                            for token in [i, j] {
                                out.push(TokenKey {
                                    hash: h,
                                    token: token as u8,
                                    prefix: false,
                                });
                            }
                        }
                    }
                }
            }
        }
        Side::Query => {
            let mut joined = Vec::new();
            for width in 2..=3 {
                for from in 0..n.saturating_sub(width - 1) {
                    let run = &tokens[from..from + width];
                    let to = from + width - 1;
                    joined.clear();
                    run.iter()
                        .for_each(|t| joined.extend_from_slice(t.key.as_bytes()));
                    push(hash(b'k', &[&joined]), from, to);
                    deletions(&joined, &mut |h| push(h, from, to));
                    joined.clear();
                    run.iter()
                        .for_each(|t| joined.extend_from_slice(t.text.as_bytes()));
                    push(hash(b'k', &[&joined]), from, to);
                    push(hash(b't', &[&joined]), from, to);
                    deletions(&joined, &mut |h| push(h, from, to));
                }
            }
        }
    }
}

/// A query token glued to a legal form (JSCARGUMENT): its head or tail as a listed token.
fn glued_legal_forms(tokens: &[NameToken], out: &mut Vec<TokenKey>) {
    for (i, t) in tokens.iter().enumerate().take(MAX_TOKENS) {
        for split in 2..t.text.len().saturating_sub(2) {
            if !t.text.is_char_boundary(split) {
                continue;
            }
            let (head, tail) = t.text.split_at(split);
            let mut push = |part: &str| {
                out.push(TokenKey {
                    hash: hash(b't', &[part.as_bytes()]),
                    token: i as u8,
                    prefix: false,
                })
            };
            if sanctum_names::classify(head) == TokenKind::LegalForm {
                push(tail);
            }
            if sanctum_names::classify(tail) == TokenKind::LegalForm {
                push(head);
            }
        }
    }
}
