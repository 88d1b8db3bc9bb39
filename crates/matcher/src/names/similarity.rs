//! How alike two tokens are, in [0, 1], and why ([`How`]): exact, the same variant or OCR
//! reading, an initial, a spelling within the edit tolerance (weighed by how people
//! misspell), a sound-alike, vowels dropped, a prefix. The similarities are the model's
//! ([`crate::model`]).

use super::alignment::SHORT_WORD;
use super::spelling::{
    allowed_edits, bounded_osa, consonants, is_descriptor, is_patronymic, is_stem_of,
    last_vowel_left_out, nearest_spelling, ocr_fold, other_form_of_stem, single_vowels,
    unexplained_letter, unlikely_swap, vowel_changed, vowels_dropped,
};
use crate::How;
use crate::model::{
    self, CHANGED_IN_FOUR_SIMILARITY, EXACT_SIMILARITY, FIRST_LETTER_PENALTY,
    INITIAL_SIMILARITY_OTHER, INITIAL_SIMILARITY_PERSON, LONG_PREFIX_SIMILARITY, OCR_SIMILARITY,
    ONE_EDIT_SIMILARITY, PER_EDIT_PENALTY, PHONETIC_MIN_JARO_WINKLER, PHONETIC_SIMILARITY,
    SHORT_PREFIX_SIMILARITY, SYLLABLE_SLIP_SIMILARITY, UNLIKELY_SWAP_PENALTY, VARIANT_SIMILARITY,
    VOWEL_IN_FOUR_SIMILARITY, is_initial, vowels_dropped_similarity,
};
use sanctum_names::{NameToken, Reading, SyllableMatch, Syllables, System, Systems, TokenKind};
use std::sync::OnceLock;

/// What token comparisons need of a token beyond its analysis.
#[derive(Debug, Clone)]
pub(crate) struct TokenFeatures {
    pub(crate) ocr: String,
    pub(crate) org: bool,
    pub(crate) initial: bool,
    pub(crate) first: Option<char>,
    pub(crate) patronymic: bool,
    /// An org word that describes the company (see [`DESCRIPTORS`]).
    pub(crate) descriptor: bool,
    /// The text with its long vowels written single, where it has some (see
    /// [`single_vowels`]).
    pub(crate) single_vowels: Option<Box<str>>,
    /// Its readings as Chinese, Korean or Vietnamese syllables: read with the name where
    /// the name may be one of theirs, else once on demand, against such a name.
    pub(crate) syllables: OnceLock<Syllables>,
    /// The given names it is or is a familiar form of (`sanctum_names::given_name_keys`),
    /// looked up once.
    pub(crate) given_names: &'static [String],
}

/// The languages two names are written in syllables in: the syllable rules lower a pair's
/// similarity where either name is syllabic, and raise it only where both are.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct SyllableMode {
    pub(crate) both: Systems,
    pub(crate) either: Systems,
    /// The listed name's: a slip is forgiven only in a syllabic listed name (the index keys
    /// only those names' short words for slips).
    pub(crate) listed: Systems,
}

impl SyllableMode {
    pub(crate) fn of(query: Systems, listed: Systems) -> SyllableMode {
        let mut both = query.intersection(listed);
        // One name written in Wade–Giles is read so against a Chinese name in pinyin (KUANG-FU
        // / GUANGFU): the romanisation is the writer's, not the person's.
        let chinese = |s: Systems| s.contains(System::Mandarin) || s.contains(System::WadeGiles);
        if (query.contains(System::WadeGiles) || listed.contains(System::WadeGiles))
            && chinese(query)
            && chinese(listed)
        {
            both = both.union(Systems::of(System::WadeGiles));
        }
        SyllableMode {
            both,
            either: query.union(listed),
            listed,
        }
    }
}

impl TokenFeatures {
    pub(crate) fn of(t: &NameToken, org: bool) -> Self {
        TokenFeatures {
            ocr: ocr_fold(&t.text),
            org,
            initial: is_initial(t),
            first: t.text.chars().next(),
            patronymic: is_patronymic(t),
            descriptor: org && is_descriptor(&t.text),
            single_vowels: single_vowels(&t.text),
            syllables: OnceLock::new(),
            given_names: if t.kind == TokenKind::Name {
                sanctum_names::given_name_keys(&t.key)
            } else {
                &[]
            },
        }
    }
}

/// How alike a reading across scripts makes two words ([`NameToken::read_as`]).
pub(crate) fn reading_similarity(reading: Reading) -> f64 {
    match reading {
        Reading::Across => model::ACROSS_SCRIPTS_SIMILARITY,
        Reading::Sound => model::FOREIGN_SOUND_SIMILARITY,
        Reading::Consonants(n) => model::heard_consonants_similarity(n),
    }
}

/// How alike two tokens are, in [0, 1], and why.
/// `person` says the names are of persons: an initial stands for a given name there, while
/// in a company name a letter is rarely short for a word.
pub(crate) fn token_similarity(
    a: &NameToken,
    fa: &TokenFeatures,
    b: &NameToken,
    fb: &TokenFeatures,
    person: bool,
    syllabic: SyllableMode,
) -> (f64, How) {
    if a.text == b.text {
        return (EXACT_SIMILARITY, How::Exact);
    }
    if a.key == b.key && !a.key.is_empty() {
        return (VARIANT_SIMILARITY, How::Variant);
    }
    // A word written in another script read as the name it transcribes: a Latin form of
    // that name (ウラジーミル / VLADIMIR) or, in katakana and Hangul, the word as heard
    // (プーチン / PUTIN). Never between two Latin words. Before the spelling rules: a
    // transcription has no spelling of the Latin word's to compare.
    // A particle written in the script is heard too (ビン / WIN).
    let heard_word = |t: &NameToken| {
        t.kind == TokenKind::Name || (t.kind == TokenKind::Particle && !t.sounds.is_empty())
    };
    if heard_word(a) && heard_word(b) && (a.kind == TokenKind::Name || b.kind == TokenKind::Name) {
        match a.read_as(b) {
            Some(Reading::Across) => return (model::ACROSS_SCRIPTS_SIMILARITY, How::Variant),
            Some(reading) => return (reading_similarity(reading), How::Phonetic),
            None => {}
        }
    }
    // A word of the query as Dutch, Hungarian, Lithuanian or Latvian spell a foreign name
    // (POETIN, PUTYIN, PUTINAS / PUTIN; ABOE / the particle ABU): the listed word in that
    // language's letters, its Baltic ending (-as, -s) none of the endings below. Not in a
    // name written in syllables, which the syllable rules below read (JANG is not YANG).
    if a.kind == TokenKind::Name
        && matches!(b.kind, TokenKind::Name | TokenKind::Particle)
        && syllabic.either.is_empty()
        && a.adapted_as(b)
    {
        return (model::ADAPTED_SIMILARITY, How::Variant);
    }
    // A gender's ending or a suffix on one stem makes another name, however small the edit:
    // SAMIRA is not SAMIR, nor IVANOVA IVANOV, VOROBYOV VOROBEY, AMINI AMIN, ROSTOK ROSTEC.
    if a.kind == TokenKind::Name
        && b.kind == TokenKind::Name
        && (other_form_of_stem(&a.text, &b.text, person, false)
            // By key only where the spellings are more than a slip apart (PHILIPPE /
            // PHILLIPS): one edit as written is the spelling rules' (YAHYQ / YAHYA).
            || (bounded_osa(&a.text, &b.text, 1) > 1
                && other_form_of_stem(&a.key, &b.key, person, true)))
    {
        return (0.0, How::Fuzzy);
    }
    // A given name and its familiar form, or two familiar forms of one name.
    if !fa.given_names.is_empty() && fa.given_names.iter().any(|k| fb.given_names.contains(k)) {
        return (model::FAMILIAR_SIMILARITY, How::Familiar);
    }
    // Names written in syllables: another romanisation of the same syllables is the same
    // name (CHOL / CHEOL, ZHANG / CHANG); an edit into other valid syllables is another
    // name (FANG / WANG, SANG / SONG), however small.
    if !syllabic.either.is_empty() && a.kind == TokenKind::Name && b.kind == TokenKind::Name {
        // Tokens of a name that is none of these languages' are read here, against one that
        // is: once, and only then.
        let sa = fa.syllables.get_or_init(|| Syllables::of(&a.text));
        let sb = fb.syllables.get_or_init(|| Syllables::of(&b.text));
        match sa.compare(sb, syllabic.either) {
            SyllableMatch::Same if sa.compare(sb, syllabic.both) == SyllableMatch::Same => {
                return (VARIANT_SIMILARITY, How::Variant);
            }
            SyllableMatch::Different => return (0.0, How::Fuzzy),
            SyllableMatch::Unknown => {
                // A slip that makes no syllable, in a word too short for the spelling
                // rules' edits (NQM for NAM, FI for RI): one letter changed or two swapped
                // (the index's `z` keys).
                // As the index's `z` keys tell: a word that reads as syllables of any of
                // the languages is no slip.
                let a_reads = !sa.systems().is_empty();
                let b_reads = !sb.systems().is_empty();
                if syllabic.listed.chinese_or_korean()
                    && a_reads != b_reads
                    && (2..=3).contains(&a.text.len())
                    && a.text.len() == b.text.len()
                    && a.kind == TokenKind::Name
                    && b.kind == TokenKind::Name
                    && bounded_osa(&a.text, &b.text, 1) == 1
                {
                    return (SYLLABLE_SLIP_SIMILARITY, How::Fuzzy);
                }
            }
            SyllableMatch::Same => {}
        }
    }
    // Scanned documents confuse 1/I/l, 0/O, 5/S: the same after folding is the same token.
    if fa.ocr == fb.ocr {
        return (OCR_SIMILARITY, How::Fuzzy);
    }
    if a.kind == TokenKind::Number || b.kind == TokenKind::Number {
        return (0.0, How::Fuzzy);
    }
    // A listed particle misspelt in the query (SL GHABRA for AL GHABRA): one letter of two
    // changed.
    if b.kind == TokenKind::Particle
        && model::may_be_misspelt_particle(a)
        && b.text.len() == 2
        && bounded_osa(&a.text, &b.text, 1) == 1
    {
        return (ONE_EDIT_SIMILARITY, How::Fuzzy);
    }
    if fa.initial || fb.initial {
        let other = if fa.initial { b } else { a };
        if other.text.len() > 1 && fa.first == fb.first {
            let s = if person {
                INITIAL_SIMILARITY_PERSON
            } else {
                INITIAL_SIMILARITY_OTHER
            };
            return (s, How::Initial);
        }
        return (0.0, How::Initial);
    }
    // A patronymic is made of the father's name, not the person's: SERGEY is not
    // SERGEYEVICH, nor ALEKSANDROV ALEKSANDROVICH (a prefix, or three edits in eleven letters).
    if fa.patronymic != fb.patronymic {
        let (word, patronymic) = if fa.patronymic { (b, a) } else { (a, b) };
        if is_stem_of(word, patronymic) {
            return (0.0, How::Fuzzy);
        }
    }
    let (ka, kb) = (a.key.as_str(), b.key.as_str());
    let (la, lb) = (ka.chars().count(), kb.chars().count());
    let (short, long) = (la.min(lb), la.max(lb));
    let mut best = (0.0, How::Fuzzy);
    let mut consider = |s: f64, how: How| {
        if s > best.0 {
            best = (s, how);
        }
    };
    // Folding can take a misspelt token away from its variant key (Mobamed stays, Mohamed
    // becomes muhammad): the spelling as written counts too. Below the tolerance nothing
    // aligns (ALIGN_MIN), so only distances within it are computed.
    let text_len = a.text.chars().count().min(b.text.chars().count());
    let distance = nearest_spelling(
        (ka, kb, allowed_edits(short)),
        (&a.text, &b.text, allowed_edits(text_len)),
    );
    if let Some(distance) = distance {
        // Typos in the first letter are rarer than elsewhere; a different first letter more
        // often means a different name (Iberia/Siberia).
        let first_differs = ka.chars().next() != kb.chars().next();
        // One consonant for another that is neither next to it on a keyboard nor alike in
        // sound (NEVA/NESA, SAMI/SAFI, RAMOS/RAMON) makes another name more often than a slip.
        // As written where one edit apart there (the key's folding, W to V, is no edit
        // anybody made), else by key.
        let (x, y) = if bounded_osa(&a.text, &b.text, 1) <= 1 {
            (a.text.as_str(), b.text.as_str())
        } else {
            (ka, kb)
        };
        let unlikely = distance == 1 && unlikely_swap(x, y);
        // One letter changed in four is as often another name (NEVA/NEGA, ARYA/ARTA) as a
        // slip.
        let changed_in_four = a.text.len() == b.text.len() && a.text.len() <= 4;
        // A vowel for another there changes the syllable: PENG/PANG, CHEN/CHUN.
        let vowel_in_four = changed_in_four && vowel_changed(&a.text, &b.text);
        let base = if vowel_in_four {
            VOWEL_IN_FOUR_SIMILARITY
        } else if changed_in_four {
            CHANGED_IN_FOUR_SIMILARITY
        } else {
            ONE_EDIT_SIMILARITY
        };
        // In a short word such a change is another name outright (RANA / RAZA, SALMA /
        // SALWA, KHANI / KHAKI): typing makes no such slip, and a few letters leave no room
        // to tell one.
        // So is a consonant added that typing and romanisation do not explain (SAMI /
        // SAMIR, ADEL / FADEL).
        let another_name = (unlikely || (distance == 1 && unexplained_letter(x, y)))
            && a.text.len().max(b.text.len()) < SHORT_WORD;
        let s = base
            - PER_EDIT_PENALTY * (distance.saturating_sub(1)) as f64
            - if first_differs {
                FIRST_LETTER_PENALTY
            } else {
                0.0
            }
            - if unlikely { UNLIKELY_SWAP_PENALTY } else { 0.0 };
        if !another_name {
            consider(s, How::Fuzzy);
        }
    }
    // Double Metaphone alone joins too much (Serrano/Sarina, Perez/Boreas): a phonetic match
    // also needs the same first letter and nearly the same consonants.
    if short >= 4
        && long - short <= 2
        && !a.phonetic.is_empty()
        && a.phonetic == b.phonetic
        && fa.first == fb.first
        && consonants(&a.text).len() >= 4
        && strsim::jaro_winkler(&a.text, &b.text) >= PHONETIC_MIN_JARO_WINKLER
        && strsim::osa_distance(&consonants(&a.text), &consonants(&b.text)) <= 1
    {
        consider(PHONETIC_SIMILARITY, How::Phonetic);
    }
    // Long vowels doubled in one spelling and not the other (DEEN / DIN, LOO / LU).
    if fa.single_vowels.is_some() || fb.single_vowels.is_some() {
        let single_a = fa.single_vowels.as_deref().unwrap_or(a.text.as_str());
        let single_b = fb.single_vowels.as_deref().unwrap_or(b.text.as_str());
        if single_a == single_b {
            consider(PHONETIC_SIMILARITY, How::Phonetic);
        }
    }
    // Vowels dropped (MHLLA for MAHALLA, not Sarina for Serrano): the shorter spelling is the
    // longer one with some of its vowels left out.
    // By the words as written: folding may shorten the stripped one further (IMM: im).
    // A company's word without its last vowel is another word (HAN / HANA); in a person's
    // name the ending rules judge a last vowel (SAMIR / SAMIRA), and a transcription from
    // katakana or Hangul adds vowels of its own.
    let (long_word, short_word) = if a.text.len() < b.text.len() {
        (b, a)
    } else {
        (a, b)
    };
    let other_word = !person
        && a.sounds.is_empty()
        && b.sounds.is_empty()
        && last_vowel_left_out(&long_word.text, &short_word.text);
    if text_len >= 3
        && !other_word
        && (vowels_dropped(&a.text, &b.text) || vowels_dropped(&b.text, &a.text))
    {
        let written = if a.text.len() < b.text.len() { a } else { b };
        consider(vowelless_similarity(&written.text), How::Skeleton);
    }
    if short >= 4 && long > short && (ka.starts_with(kb) || kb.starts_with(ka)) {
        // A longer remainder is a name of its own (MAHMUD / MAHMOUDZADEH, KOVAL / KOVALENKO).
        let remainder = a.text.len().abs_diff(b.text.len()).max(long - short);
        let s = if remainder <= 2 {
            SHORT_PREFIX_SIMILARITY
        } else {
            LONG_PREFIX_SIMILARITY
        };
        consider(s, How::Prefix);
    }
    best
}

/// How alike a word written without (some of) its vowels is to the word it strips: by the
/// consonants it keeps ([`vowels_dropped_similarity`]).
pub(crate) fn vowelless_similarity(written: &str) -> f64 {
    let kept = written.chars().filter(|c| !"aeiou".contains(*c)).count();
    vowels_dropped_similarity(kept)
}

/// A listed spelling as the index holds it once for every name that uses it: whether a
/// query token may pair with it by the alignment's first step (similarity at least
/// [`ALIGN_MIN`](crate::model::ALIGN_MIN)), asked once per spelling a lookup meets rather
/// than once per name. Only for spellings of names written in no syllables: there the
/// similarity of two tokens depends on the two tokens and the query alone.
#[derive(Debug, Clone)]
pub struct PlainSpelling {
    token: NameToken,
    features: TokenFeatures,
}

impl PlainSpelling {
    pub fn of(token: &NameToken) -> PlainSpelling {
        PlainSpelling {
            token: token.clone(),
            // `org` only marks descriptors, which token similarity does not read.
            features: TokenFeatures::of(token, false),
        }
    }

    /// Whether token `i` of `query` may pair with this spelling in a listed name written in
    /// no syllables, as a person's name or not.
    pub fn may_pair(&self, query: &super::NameTokens, i: usize) -> bool {
        let (Some(token), Some(features)) = (query.tokens.get(i), query.features.get(i)) else {
            return true;
        };
        let mode = SyllableMode::of(query.systems, Systems::NONE);
        [true, false].into_iter().any(|person| {
            token_similarity(token, features, &self.token, &self.features, person, mode).0
                >= crate::model::ALIGN_MIN
        })
    }
}
