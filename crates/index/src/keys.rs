//! Blocking keys: short hashes of a token's spellings, the same on both sides.
//!
//! Two tokens share a key when the matcher could align them by one of its tests:
//! - `k` the romanisation-variant key (Mohammed = Muhammad), and each pair of adjacent
//!   tokens joined (a query may glue what the list splits);
//! - `t` the text as written (a legal form glued to a name is cut off the query token), which
//!   the query also looks its key up as (a name spelt like a listed particle); listed
//!   particles, stop words and legal-form words get it and their OCR and `k` keys only;
//! - `p` the Double Metaphone key (phonetic respellings);
//! - `s` the consonant skeleton (changed vowels), `c` the consonants as written (dropped
//!   vowels), `v` words of three and four letters without each vowel (JSE / JOSE), and the
//!   OCR folding of the text as a `k` key on both sides (VT8 / VTB, WEl / WEI), the
//!   matcher's OCR test exactly;
//! - `d` every one-letter deletion of the key, and of the spelling where it differs, for
//!   tokens of four letters or more (one typo, OCR error or transposition: the deletion
//!   neighbourhood of SymSpell);
//! - `y` the classes of the syllables a Chinese or Korean word reads as, in each of its
//!   readings (CHOL / CHEOL, ZHANG / CHANG: `sanctum_names::Syllables`);
//! - `z` the deletions of a word of two or three letters, looked up by a query word of two
//!   or three letters that reads as no syllable (NQM / NAM, FI / RI: the matcher forgives
//!   such a slip in a Chinese or Korean name);
//! - `n` the given names a familiar form stands for, and a given name some familiar form
//!   stands for (TED / THEODORE: `sanctum_names::given_name_keys`);
//! - for a word written in another script, the `k` keys of the Latin forms of its name
//!   (ウラジーミル / VLADIMIR: `NameToken::across`); `f`/`g` a katakana or Hangul word's sound
//!   keys, and every other name word's sound, tagged so that only a transcription and a
//!   Latin word meet (プーチン / PUTIN: `sanctum_names::foreign_sound`);
//! - `h` the first four letters of a token of eight or more (two edits near its end);
//! - `x` the key's proper prefixes of three letters or more on the listed side, looked up by
//!   the query's whole key of four letters or more, or three when the query was cut at a
//!   field limit (a word the start of a listed one: Stepan / Stepanovich), and the query's
//!   proper prefixes looked up as `k` (IRANIAN / IRAN);
//! - runs of three initials or more joined, their parts of three or four, and a run glued to
//!   the word beside it, on both sides (A.R.A.B. / ARAB, L.X.C / LXC, R.C.A.V / RCA,
//!   AVIATION S.A.L. / AVIATIONSAL).
//!
//! No key pairs an initial with a word (V. / VLADIMIR): the matcher scores a name low when
//! only initials pair with words, so some word of the name always shares a key, and the
//! bound assumes the initials' pairings.
//!
//! Keys are hashed as they are made (FNV-1a over a tag byte and the parts), so a lookup
//! allocates no strings; a collision only adds a candidate.

use sanctum_matcher::model::is_initial;
use sanctum_names::{NameToken, Syllables, System, TokenKind};

/// Tokens per name the bound tracks (bit masks of 32 keep a name's hits in 16 bytes); later
/// tokens share the last position, and a name that long is a candidate whenever a key meets
/// it.
pub const MAX_TOKENS: usize = 32;

/// A token's position as the keys record it.
pub fn pos(i: usize) -> u8 {
    i.min(MAX_TOKENS - 1) as u8
}

/// FNV-1a over a tag and byte slices.
pub fn hash(tag: u8, parts: &[&[u8]]) -> u64 {
    let mut h = fnv(FNV_OFFSET, tag);
    for part in parts {
        for b in *part {
            h = fnv(h, *b);
        }
    }
    h
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// One FNV-1a step: the hash so far with one more byte.
fn fnv(h: u64, b: u8) -> u64 {
    (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
}

/// Whether a token gets the fuzzy keys (names, numbers, initials); particles, stop words
/// and legal-form words get only their exact keys, unless the name has nothing else.
fn indexable(t: &NameToken) -> bool {
    matches!(
        t.kind,
        TokenKind::Name | TokenKind::Number | TokenKind::Initial
    )
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

/// The keys of every token of a name, then its [`group_keys`].
pub fn name_keys(tokens: &[NameToken], side: Side, syllabic: bool, out: &mut Vec<TokenKey>) {
    out.clear();
    for (i, t) in tokens.iter().enumerate() {
        token_keys(t, pos(i), side, fuzzy(tokens, t), syllabic, out);
    }
    group_keys(tokens, side, syllabic, out);
}

/// Whether a token of this name gets the fuzzy keys: names, numbers and initials do;
/// particles, stop words and legal-form words only when the name has nothing else.
pub fn fuzzy(name: &[NameToken], t: &NameToken) -> bool {
    indexable(t) || !name.iter().any(indexable)
}

/// The keys that belong to several tokens of a name: pairs and runs joined (a joined key
/// belongs to every token it joins), acronyms, and on the query side words glued to a legal
/// form.
pub fn group_keys(tokens: &[NameToken], side: Side, syllabic: bool, out: &mut Vec<TokenKey>) {
    joined_keys(tokens, side, syllabic, out);
    heard_joined_keys(tokens, side, out);
    acronyms(tokens, out);
    if side == Side::Query {
        glued_legal_forms(tokens, out);
    }
}

/// The keys of a query cut at a field limit: its last word, of three letters, may be the
/// start of a listed word (longer last words look their prefixes up anyway).
pub fn cut_word_keys(tokens: &[NameToken], out: &mut Vec<TokenKey>) {
    let Some(last) = tokens.len().checked_sub(1) else {
        return;
    };
    let key = tokens[last].key.as_bytes();
    if key.len() == 3 {
        out.push(TokenKey {
            hash: hash(b'x', &[key]),
            token: pos(last),
            prefix: true,
        });
    }
}

/// A run of three initials or more spelt together (A.R.A.B. / ARAB, L.X.C / LXC), on either
/// side: the whole run, every part of it of three or four initials, as the matcher joins them
/// (`names::JOINED_RUN_MAX`: RCA / R.C.A.V), and a run of two or more with the word before or
/// after it; pairs are among the joined pairs.
fn acronyms(tokens: &[NameToken], out: &mut Vec<TokenKey>) {
    let n = tokens.len();
    let mut from = 0;
    while from < n {
        let mut to = from;
        while to < n && is_initial(&tokens[to]) {
            to += 1;
        }
        let whole = (to - from >= 3).then_some((from, to));
        let parts = (from..to).flat_map(|start| {
            (3..=sanctum_matcher::names::JOINED_RUN_MAX)
                .map(move |len| (start, start + len))
                .filter(|&(start, end)| end <= to && (start, end) != (from, to))
        });
        // A run of two initials or more glued to the word before or after it, as a legal
        // form's letters are (AVIATIONSAL / AVIATION S.A.L.).
        let glued = (to - from >= 2)
            .then(|| {
                let before = (from > 0).then(|| (from - 1, to));
                let after = (to < n).then(|| (from, to + 1));
                before.into_iter().chain(after)
            })
            .into_iter()
            .flatten();
        for (start, end) in whole.into_iter().chain(parts).chain(glued) {
            let run = &tokens[start..end];
            let text: Vec<u8> = run.iter().flat_map(|t| t.text.bytes()).collect();
            let key: Vec<u8> = run.iter().flat_map(|t| t.key.bytes()).collect();
            for h in [hash(b't', &[&text]), hash(b'k', &[&key])] {
                out.extend((start..end).map(|token| TokenKey {
                    hash: h,
                    token: pos(token),
                    prefix: false,
                }));
            }
        }
        from = to + 1;
    }
}

/// The keys of one token (at position `token`), from its spellings alone.
pub fn token_keys(
    t: &NameToken,
    token: u8,
    side: Side,
    fuzzy: bool,
    syllabic: bool,
    out: &mut Vec<TokenKey>,
) {
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
    // A light word of the query counts as met in the bound whatever it meets: its text is
    // enough.
    if key.is_empty() || (query && !fuzzy) {
        return;
    }
    // Scanned documents: 1/I/l, 0/O, 5/S, 8/B, rn/m, cl/d read alike (VT8 / VTB), and the
    // matcher aligns two tokens whose texts fold alike. A listed token posts its folded text
    // where it differs from the text, as a `k` key; a query token looks its folded text up as
    // a `k` key (unless its key is that) and, where it differs from the text, as a `t` key:
    // WEl (key "vel") meets WEI on "wel", Moharnad meets Mohamad on "mohamad" as written.
    let ocr = sanctum_matcher::names::ocr_fold(&t.text);
    let ocr = ocr.as_bytes();
    if ocr != text && ocr != key {
        push(hash(b'k', &[ocr]), false);
    }
    if query && ocr == text && ocr != key {
        push(hash(b'k', &[ocr]), false);
    }
    if query && ocr != text {
        push(hash(b't', &[ocr]), false);
    }
    if !fuzzy {
        // A listed light word (a particle, a legal form's word) has long posting lists: it
        // gets its `k` key only where it differs from its text, and a query name spelt like
        // it looks its own key up as text (AAL, key "al", against the particle AL).
        if key != text {
            push(hash(b'k', &[key]), false);
        }
        return;
    }
    push(hash(b'k', &[key]), false);
    if query && key != text {
        push(hash(b't', &[key]), false);
    }
    if t.kind == TokenKind::Initial || t.kind == TokenKind::Number {
        return;
    }
    // Another romanisation of the same syllables (CHOL / CHEOL, KIM / GIM, ZHANG / CHANG):
    // the classes of the syllables read, the same for any two spellings the matcher takes
    // for one. Vietnamese has one spelling per syllable: its text key serves.
    if t.kind == TokenKind::Name {
        if syllabic {
            syllable_keys(&t.text, &mut |h| push(h, false));
        }
        // A given name and its familiar forms meet on the name (TED / Theodore).
        for name in sanctum_names::given_name_keys(&t.key) {
            push(hash(b'n', &[name.as_bytes()]), false);
        }
        // A query word as Dutch, Hungarian or a Baltic language spells a foreign name meets
        // the listed word by its reading (POETIN / PUTIN: `NameToken::adapted`), which the
        // listed word posts where it differs from its key (`sanctum_names::adapted_key`).
        // A reading that is a particle (ABOE / ABU) meets the listed particle's text.
        if query {
            for reading in t.adapted.iter().filter(|r| ***r != *t.key) {
                push(hash(b'k', &[reading.as_bytes()]), false);
                push(hash(b't', &[reading.as_bytes()]), false);
            }
        } else {
            let adapted = sanctum_names::adapted_key(&t.key);
            if *adapted != t.key {
                push(hash(b'k', &[adapted.as_bytes()]), false);
            }
        }
        // A word written in another script meets the Latin forms of its name on their keys
        // (ウラジーミル / VLADIMIR: `NameToken::across`); a katakana or Hangul transcription
        // meets, by its sound keys, a word of the other side by how it sounds (プーチン / PUTIN:
        // `NameToken::sounds`, `sanctum_names::foreign_sound`).
        for latin in t.across {
            push(hash(b'k', &[latin.as_bytes()]), false);
        }
        // Only a transcription and a Latin word meet so, never two Latin words (LOBEL /
        // ROBERT would): the listed side tags a transcription's sound `f` and a Latin
        // word's `g`, the query side the other way round.
        let (transcribed, latin) = if side == Side::Listed {
            (b'f', b'g')
        } else {
            (b'g', b'f')
        };
        // By the sound's heard consonants (`heard_key`): the matcher pairs a transcription
        // with a Latin word whose consonants it hears alike, its vowels the script's own.
        for sound in &t.sounds {
            let key = sanctum_names::heard_key(sound);
            push(hash(transcribed, &[key.as_bytes()]), false);
        }
        if t.sounds.is_empty() {
            let key = sanctum_names::heard_key(&sanctum_names::foreign_sound(&t.text));
            push(hash(latin, &[key.as_bytes()]), false);
        }
    }
    if t.phonetic.len() >= 2 {
        push(hash(b'p', &[t.phonetic.as_bytes()]), false);
    }
    if t.skeleton.len() >= 3 {
        push(hash(b's', &[t.skeleton.as_bytes()]), false);
    }
    // Vowels dropped (MMLK / MAMLOUK): the consonants as written, in order.
    consonant_keys(text.iter(), &mut |h| push(h, false));
    // A vowel dropped or added in a short word (JSE / JOSE, WEEI / WEI), which the matcher
    // aligns and neither the consonants (two) nor the deletions (from four letters) see: a
    // word of three letters as it is, one of four without each of its vowels.
    match text.len() {
        3 => push(hash(b'v', &[text]), false),
        4 => {
            for (k, c) in text.iter().enumerate() {
                if b"aeiouy".contains(c) {
                    push(hash(b'v', &[&text[..k], &text[k + 1..]]), false);
                }
            }
        }
        _ => {}
    }
    if !t.key.is_ascii() || !t.text.is_ascii() {
        return;
    }
    // A slip in a short syllable of a Chinese or Korean name that makes no syllable (NQM /
    // NAM, FI / RI): words of two or three letters of a syllabic listed name post their
    // deletions, a query word of two or three letters that reads as no syllable looks its
    // own up. `syllabic`: the name is Chinese or Korean (`NameTokens::syllabic`); only such
    // names get the syllable keys, as only they are compared by syllables.
    if t.kind == TokenKind::Name
        && (2..=3).contains(&text.len())
        && if query {
            Syllables::of(&t.text).systems().is_empty()
        } else {
            syllabic
        }
    {
        for k in 0..text.len() {
            push(hash(b'z', &[&text[..k], &text[k + 1..]]), false);
        }
    }
    deletions(key, &mut |h| push(h, false));
    // The spelling's deletions too where folding changed it: folding may take two spellings
    // a transposition apart to keys further apart (MOKSVY / MOSKVY, JAIOR / JAIRO).
    if text != key {
        deletions(text, &mut |h| push(h, false));
    }
    // Prefixes: the listed side posts its own, the query looks up its whole key and, as
    // listed keys and spellings, its prefixes.
    if query {
        prefixes(b'k', key, 4, &mut |h| push(h, true));
    } else {
        // From three letters: a query cut at a field limit may end in three (TAG / TAGHTIRAN).
        prefixes(b'x', key, 3, &mut |h| push(h, false));
    }
    if query && key.len() >= 4 {
        push(hash(b'x', &[key]), true);
        prefixes(b't', text, 4, &mut |h| push(h, true));
    }
    // Long tokens, where the matcher allows two or three edits: their first four letters,
    // which edits near the end leave whole (SERGEJEWITSCH / SERGEYEVICH). The last four would
    // catch edits near the start, rarer, at a high cost: every patronymic ends in -vich.
    let spellings = std::iter::once(key).chain((text != key).then_some(text));
    for spelling in spellings.filter(|s| s.len() >= 8) {
        push(hash(b'h', &[&spelling[..4]]), query);
    }
}

/// The hashes of the proper prefixes of `word` from `shortest` bytes on, as [`hash`] makes
/// them: FNV reads left to right, so each prefix's hash is a step of the next one's.
fn prefixes(tag: u8, word: &[u8], shortest: usize, push: &mut impl FnMut(u64)) {
    let mut h = fnv(FNV_OFFSET, tag);
    for (end, &b) in word.iter().enumerate().take(word.len().saturating_sub(1)) {
        h = fnv(h, b);
        if end + 1 >= shortest {
            push(h);
        }
    }
}

/// One-letter deletions of a key of four to 64 letters, and the key itself, under the
/// `d` tag. A query makes a hundred of them: they are hashed with a polynomial hash, whose
/// value without one letter comes from the hashes of the part before and the part after in a
/// few operations, rather than by hashing every deletion anew (FNV, one byte at a time).
fn deletions(key: &[u8], push: &mut impl FnMut(u64)) {
    const BASE: u64 = 0x0000_0100_0000_01b3;
    // 'd' tag folded into the start, and a final mix to spread the polynomial's bits.
    const START: u64 = b'd' as u64 + 0x9e37_79b9;
    let mix = |h: u64| (h ^ (h >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9) ^ (h >> 32);
    let n = key.len();
    // Longer than any word of a name (or glued run of words) worth a typo key: none.
    if !(4..=64).contains(&n) {
        return;
    }
    // before[i]: the hash of the first i letters; after[i]: of the letters from i on, as the
    // tail of a longer string (each letter times BASE to the power of what follows it).
    let mut before = [0u64; 65];
    let mut after = [0u64; 66];
    let mut power = [1u64; 65];
    before[0] = START;
    for i in 0..n {
        before[i + 1] = before[i].wrapping_mul(BASE).wrapping_add(u64::from(key[i]));
        power[i + 1] = power[i].wrapping_mul(BASE);
    }
    for i in (0..n).rev() {
        after[i] = u64::from(key[i])
            .wrapping_mul(power[n - 1 - i])
            .wrapping_add(after[i + 1]);
    }
    push(mix(before[n]));
    for skip in 0..n {
        // before[skip] shifted over the n - 1 - skip letters that follow the deleted one.
        let h = before[skip]
            .wrapping_mul(power[n - 1 - skip])
            .wrapping_add(after[skip + 1]);
        push(mix(h));
    }
}

/// Tokens written apart on one side and together on the other. The listed side posts every
/// ordered pair of its tokens joined (names of up to six tokens; the matcher joins leftovers
/// in any order: ALALI / ALI … AL); the query looks up adjacent pairs and triples joined, as
/// keys, as spellings and with one letter deleted (O.F. / OF, YU JONG 2 / YUJONG1).
fn joined_keys(tokens: &[NameToken], side: Side, syllabic: bool, out: &mut Vec<TokenKey>) {
    let n = tokens.len();
    let mut push = |hash: u64, from: usize, to: usize| {
        for token in from..=to {
            out.push(TokenKey {
                hash,
                token: pos(token),
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
                    let (ta, tb) = (a.text.as_bytes(), b.text.as_bytes());
                    let mut joined = vec![hash(b'k', &[a.key.as_bytes(), b.key.as_bytes()])];
                    let adjacent = j == i + 1;
                    // A particle glued in either order (ABUUBAIDAH / UBAIDAH, Abu), and
                    // adjacent words, as written: also as a query's one word is looked up
                    // (ABOUDJARRAH / ABOU DJARRAH).
                    let particle = a.kind == TokenKind::Particle;
                    if adjacent || particle {
                        joined.extend([hash(b'k', &[ta, tb]), hash(b't', &[ta, tb])]);
                    }
                    // Adjacent words by their consonants (YHYAZADH / YAHYA ZADEH).
                    if adjacent {
                        consonant_keys(ta.iter().chain(tb), &mut |h| joined.push(h));
                    }
                    // A particle glued and misspelt (ABOUDJARRAH / ABU JARRAH): one edit of
                    // the joined spelling.
                    if particle {
                        deletions(&[ta, tb].concat(), &mut |h| joined.push(h));
                    }
                    // Syllables of a given name written apart (XIAO MING / HSIAOMING).
                    if syllabic
                        && adjacent
                        && a.kind == TokenKind::Name
                        && b.kind == TokenKind::Name
                    {
                        let text = format!("{}{}", a.text, b.text);
                        syllable_keys(&text, &mut |h| joined.push(h));
                    }
                    for h in joined {
                        for token in [i, j] {
                            out.push(TokenKey {
                                hash: h,
                                token: pos(token),
                                prefix: false,
                            });
                        }
                    }
                }
            }
        }
        Side::Query => {
            let (mut by_key, mut by_text) = (Vec::new(), Vec::new());
            for width in 2..=3 {
                for from in 0..n.saturating_sub(width - 1) {
                    let run = &tokens[from..from + width];
                    let to = from + width - 1;
                    by_key.clear();
                    by_text.clear();
                    for t in run {
                        by_key.extend_from_slice(t.key.as_bytes());
                        by_text.extend_from_slice(t.text.as_bytes());
                    }
                    push(hash(b'k', &[&by_key]), from, to);
                    deletions(&by_key, &mut |h| push(h, from, to));
                    push(hash(b't', &[&by_text]), from, to);
                    if syllabic
                        && run.iter().all(|t| t.kind == TokenKind::Name)
                        && let Ok(text) = std::str::from_utf8(&by_text)
                    {
                        syllable_keys(text, &mut |h| push(h, from, to));
                    }
                    // The spelling's own keys only where folding changed it.
                    if by_text != by_key {
                        push(hash(b'k', &[&by_text]), from, to);
                        deletions(&by_text, &mut |h| push(h, from, to));
                    }
                }
            }
        }
    }
}

/// Words heard as one across scripts (`NameToken::read_joined`): a transcription written
/// apart (サ アジ / SA'ADI) or Latin words a transcription writes as one (AL BERTOVICH /
/// アルベルトビチ). Runs of two and three adjacent words post the sound keys of the run read
/// as one, tagged as `token_keys` tags a word's (`f`/`g`), so that only a transcription and
/// Latin words meet.
fn heard_joined_keys(tokens: &[NameToken], side: Side, out: &mut Vec<TokenKey>) {
    let (transcribed, latin) = if side == Side::Listed {
        (b'f', b'g')
    } else {
        (b'g', b'f')
    };
    for width in 2..=3 {
        for from in 0..tokens.len().saturating_sub(width - 1) {
            let run = &tokens[from..from + width];
            let mut keys: Vec<u64> = Vec::new();
            if let Some(sounds) = NameToken::joined_sounds(run) {
                for sound in sounds {
                    let key = sanctum_names::heard_key(&sound);
                    keys.push(hash(transcribed, &[key.as_bytes()]));
                }
            } else if run.iter().all(NameToken::is_latin) {
                let text = NameToken::joined_text(run);
                let key = sanctum_names::heard_key(&sanctum_names::foreign_sound(&text));
                keys.push(hash(latin, &[key.as_bytes()]));
            }
            keys.sort_unstable();
            keys.dedup();
            for h in keys {
                for token in from..from + width {
                    out.push(TokenKey {
                        hash: h,
                        token: pos(token),
                        prefix: false,
                    });
                }
            }
        }
    }
}

/// The `c` keys of a spelling: its consonants in order as written (JSS / JESUS), and with a
/// doubled one once where that differs (MHMD / MUHAMMAD, MHMDALI / MUHAMMAD ALI), as the
/// matcher compares a word stripped of its vowels; three letters at least.
fn consonant_keys<'a>(letters: impl Iterator<Item = &'a u8> + Clone, push: &mut dyn FnMut(u64)) {
    let written: Vec<u8> = letters
        .clone()
        .copied()
        .filter(|c| !b"aeiouy".contains(c))
        .collect();
    let mut once = written.clone();
    once.dedup();
    if written.len() >= 3 {
        push(hash(b'c', &[&written]));
    }
    if once.len() >= 3 && once != written {
        push(hash(b'c', &[&once]));
    }
}

/// The `y` keys of a word, or of words joined (HSIAO MING / XIAOMING): per reading as
/// Chinese or Korean syllables, the classes of its syllables. Vietnamese has one spelling
/// per syllable: its text keys serve.
fn syllable_keys(text: &str, push: &mut dyn FnMut(u64)) {
    for (system, classes) in Syllables::of(text).keys() {
        if system == System::Vietnamese {
            continue;
        }
        let bytes: Vec<u8> = classes.iter().flat_map(|c| c.to_le_bytes()).collect();
        push(hash(b'y', &[&[system as u8], &bytes]));
    }
}

/// A query token glued to a legal form (JSCARGUMENT): its head or tail as a listed token.
fn glued_legal_forms(tokens: &[NameToken], out: &mut Vec<TokenKey>) {
    for (i, t) in tokens.iter().enumerate() {
        for split in 2..t.text.len().saturating_sub(2) {
            if !t.text.is_char_boundary(split) {
                continue;
            }
            let (head, tail) = t.text.split_at(split);
            let mut push = |part: &str| {
                out.push(TokenKey {
                    hash: hash(b't', &[part.as_bytes()]),
                    token: pos(i),
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

#[cfg(test)]
mod tests {
    use super::deletions;

    fn all(key: &str) -> Vec<u64> {
        let mut out = Vec::new();
        deletions(key.as_bytes(), &mut |h| out.push(h));
        out
    }

    #[test]
    fn a_deletion_hashes_as_the_shorter_word_itself() {
        let long = all("moskvy");
        // The word itself comes first, then each deletion in order.
        assert_eq!(long.len(), 7);
        assert_eq!(long[4], all("mosvy")[0], "moskvy without k is mosvy");
        assert_eq!(long[1], all("oskvy")[0]);
        assert_eq!(long[6], all("moskv")[0]);
        // A transposition: both words share the deletion of one of the swapped letters.
        let swapped = all("moksvy");
        assert!(long[1..].iter().any(|h| swapped[1..].contains(h)));
        // Different words of one length do not share their own key.
        assert_ne!(all("moskvy")[0], all("moskva")[0]);
        assert_ne!(all("abcd")[0], all("abdc")[0]);
        assert!(all("abc").is_empty(), "three letters admit no typo");
    }

    #[test]
    fn prefix_hashes_are_the_prefixes_hashed() {
        let mut made = Vec::new();
        super::prefixes(b'x', b"stepanovich", 4, &mut |h| made.push(h));
        let expected: Vec<u64> = (4..11)
            .map(|end| super::hash(b'x', &[&b"stepanovich"[..end]]))
            .collect();
        assert_eq!(made, expected);
    }
}
