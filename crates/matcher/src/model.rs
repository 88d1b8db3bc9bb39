//! The scoring model: every tuned number of the matcher, named once, and the formula that
//! turns aligned tokens into a name score and a name score into a party score.
//!
//! The model is evaluated twice, as tantivy evaluates its BM25 weight twice:
//! - [`crate::names::compare`] feeds it the similarities it finds token by token and the
//!   weights its rules give what is left over;
//! - the candidate index's bound (`sanctum_index::bound`) feeds it, through the same
//!   [`Tally`], the best similarity ([`EXACT_SIMILARITY`]) for every token the blocking keys
//!   say may be met, and the lightest weight the rules could give each token left over.
//!
//! Since both go through one [`Tally`] with the weights of [`base_weight`] and the shares
//! below, the bound cannot drift from the score: a rule that changes a weight changes it for
//! both. The rules that only ever lower a score (names met only by initials, no word spelt
//! alike, different legal forms) are left out of the bound, which stays an upper bound; a
//! property test (`crates/index/tests/bound_model.rs`) checks it over generated pairs.
//!
//! A name score is
//!
//! ```text
//! score = Σ similarity · weight over the aligned tokens of both names
//!       / (Σ weight of the aligned tokens + Σ weight left over + min(Σ omitted, OMITTED_NAMES_MAX))
//! ```
//!
//! and a party score `NAME_SHARE · score + features`, capped at [`SCORE_CAP`] unless an
//! identifier matched ([`party_score`]).

use sanctum_names::{NameToken, TokenKind};

// ---------------------------------------------------------------------------------------
// Similarities of two tokens, in [0, 1].
// ---------------------------------------------------------------------------------------

/// The same text.
pub const EXACT_SIMILARITY: f64 = 1.0;
/// The same variant key (Mohammed / Muhammad): another romanisation of one name.
pub const VARIANT_SIMILARITY: f64 = 0.97;
/// A given name and its familiar form (TED / Theodore, BOB / Robert): another name of the
/// same person, less sure than a spelling (TED is also Edward's).
pub const FAMILIAR_SIMILARITY: f64 = 0.9;
/// A word written in another script and a Latin form of its name in the table of names
/// across scripts (ウラジーミル / VLADIMIR, فلاديمير / WLADIMIR): an attested spelling of the
/// name, as sure as another romanisation.
pub const ACROSS_SCRIPTS_SIMILARITY: f64 = VARIANT_SIMILARITY;
/// A word as Dutch, Hungarian, Lithuanian or Latvian spell a foreign name, read back to the
/// listed word (POETIN, PUTYIN, PUTINAS / PUTIN: `NameToken::adapted`): a spelling by the
/// language's published convention, as sure as another romanisation.
pub const ADAPTED_SIMILARITY: f64 = VARIANT_SIMILARITY;
/// A transcription (katakana, Hangul, Greek, Arabic) heard as the Latin word, consonants
/// and vowels (プーチン / PUTIN): the sound rules join a few names a spelling would not, as
/// an edit does.
pub const FOREIGN_SOUND_SIMILARITY: f64 = ONE_EDIT_SIMILARITY;

/// A transcription whose heard consonants are the Latin word's, its vowels the script's own
/// (スールタン / SULTAN): the same rule as vowels left out, by as many consonants.
pub fn heard_consonants_similarity(consonants: usize) -> f64 {
    vowels_dropped_similarity(consonants).min(FOREIGN_SOUND_SIMILARITY)
}
/// The same text once OCR look-alikes are folded (1/I/l, 0/O, rn/m: `names::ocr_fold`).
pub const OCR_SIMILARITY: f64 = 0.93;
/// An initial and a word of its letter, in a person's name (V. / Vladimir).
pub const INITIAL_SIMILARITY_PERSON: f64 = 0.9;
/// An initial and a word of its letter, in a company's name: a letter is rarely short for a
/// word there.
pub const INITIAL_SIMILARITY_OTHER: f64 = 0.7;
/// An initial and the listed first name it stands for: the initial people write.
pub const FIRST_INITIAL_SIMILARITY: f64 = 0.95;
/// Spellings one edit apart (within [`crate::names::allowed_edits`]).
pub const ONE_EDIT_SIMILARITY: f64 = 0.93;
/// One letter changed in a word of four letters or less: as often another name as a slip
/// (NEVA / NEGA).
pub const CHANGED_IN_FOUR_SIMILARITY: f64 = 0.88;
/// A vowel changed in a word of four letters or less: another syllable (PENG / PANG).
pub const VOWEL_IN_FOUR_SIMILARITY: f64 = 0.75;
/// A slip in a syllable of a Chinese or Korean name that makes no syllable (NQM for NAM):
/// as likely a slip as a letter changed in a word of four.
pub const SYLLABLE_SLIP_SIMILARITY: f64 = CHANGED_IN_FOUR_SIMILARITY;
/// What each edit beyond the first costs.
pub const PER_EDIT_PENALTY: f64 = 0.05;
/// What a different first letter costs: typos there are rarer (Iberia / Siberia).
pub const FIRST_LETTER_PENALTY: f64 = 0.08;
/// What a consonant changed for an unrelated one costs (NEVA / NESA, SAMI / SAFI).
pub const UNLIKELY_SWAP_PENALTY: f64 = 0.08;
/// The same Double Metaphone code, first letter and nearly the same consonants; or long
/// vowels written double in one spelling (DEEN / DIN).
pub const PHONETIC_SIMILARITY: f64 = 0.9;
/// Jaro-Winkler below which a phonetic match is taken for another name (Serrano / Sarina).
pub const PHONETIC_MIN_JARO_WINKLER: f64 = 0.85;
/// The shorter spelling is the longer with vowels left out (MHLLA / MAHALLA, MHMD /
/// MOHAMMED), by the letters the shorter keeps: a skeleton of three letters is shared by
/// many names (MHD: Mahdi, Mahmoud, Muhammad), one of five by few (SHMRY: Shimiray).
pub const VOWELS_DROPPED_SIMILARITY: [f64; 3] = [0.88, 0.91, 0.94];

/// [`VOWELS_DROPPED_SIMILARITY`] for a skeleton that keeps `letters` letters: three or
/// fewer, four, five or more.
pub fn vowels_dropped_similarity(letters: usize) -> f64 {
    VOWELS_DROPPED_SIMILARITY[letters.saturating_sub(3).min(2)]
}
/// One key the start of the other, with a remainder of two letters or less.
pub const SHORT_PREFIX_SIMILARITY: f64 = 0.85;
/// One key the start of the other, with a longer remainder: a name of its own
/// (MAHMUD / MAHMOUDZADEH).
pub const LONG_PREFIX_SIMILARITY: f64 = 0.75;
/// Adjacent tokens joined into one (N.I.A. / NIA, DE GEETERE / DEGEETERE), less
/// [`PER_EDIT_PENALTY`] per edit.
pub const JOINED_SIMILARITY: f64 = 0.95;
/// A cut query's last word with the listed word it is the start of.
pub const CUT_SIMILARITY: f64 = 0.93;
/// Below this similarity two tokens are not considered the same word at all.
pub const ALIGN_MIN: f64 = 0.6;
/// From this similarity on a pair is spelt alike (an exact join is): below it, a pair is
/// loose, and the matcher tries joins and cuts around it.
pub const SPELT_ALIKE_MIN: f64 = JOINED_SIMILARITY;

// Every similarity is at most an exact one: the bound counts what may be met as exact.
const _: () = assert!(VARIANT_SIMILARITY < EXACT_SIMILARITY);
const _: () = assert!(FIRST_INITIAL_SIMILARITY < EXACT_SIMILARITY);
const _: () = assert!(JOINED_SIMILARITY < EXACT_SIMILARITY);

// ---------------------------------------------------------------------------------------
// Token weights: what a token weighs when aligned (and, unless excused, when left over).
// ---------------------------------------------------------------------------------------

/// A name or a number.
pub const NAME_WEIGHT: f64 = 1.0;
/// A single letter, or a word taken for a listed initial.
pub const INITIAL_WEIGHT: f64 = 0.5;
/// A word of legal forms (LIMITED, JOINT, STOCK…) written outside a recognised one, and a
/// recognised legal form.
pub const ORG_WORD_WEIGHT: f64 = 0.3;
/// Function words (of, the).
pub const STOPWORD_WEIGHT: f64 = 0.2;
/// Particles (al, bin, van).
pub const PARTICLE_WEIGHT: f64 = 0.15;
/// From this weight on a token is a name in the leftover tests: two names left over on
/// both sides differ, they are not omissions.
pub const NAME_WORD_MIN_WEIGHT: f64 = 0.5;
/// A descriptor left over (GROUP, HOLDING): EVEREST is not EVEREST GROUP.
pub const DESCRIPTOR_LEFTOVER_WEIGHT: f64 = 0.5;
/// A legal form's word left over where the other name has a legal form: that legal form,
/// misspelt or partly recognised.
pub const STRAY_LEGAL_WORD_WEIGHT: f64 = 0.05;

/// A single letter is an initial, whatever else it could be ("Y." is not Spanish "y"); a
/// single digit is a number. One definition for the matcher, the keys and the bound.
pub fn is_initial(t: &NameToken) -> bool {
    t.kind == TokenKind::Initial || (t.text.len() == 1 && t.kind != TokenKind::Number)
}

/// A two-letter name word one letter from a two-letter particle (SL / AL, EK / EL): a
/// misspelt particle where the other name has that particle, and weighed as one there. The
/// bound counts such a word as met whatever it meets.
pub fn may_be_misspelt_particle(t: &NameToken) -> bool {
    t.kind == TokenKind::Name
        && t.text.len() == 2
        && misspelt_particle_of(&t.text).is_some()
        // A Chinese syllable is a name of its own (LI, MA, WU, DU), not a particle misspelt.
        && !sanctum_names::Syllables::of(&t.text).systems().contains(sanctum_names::System::Mandarin)
}

/// The two-letter particle a two-letter word is one letter from, if any (the first in
/// order: AS is one from AD, AL, AR, AZ alike).
pub fn misspelt_particle_of(word: &str) -> Option<&'static str> {
    const TWO_LETTER_PARTICLES: [&str; 14] = [
        "ad", "al", "ar", "az", "da", "de", "di", "do", "du", "el", "la", "le", "ud", "ul",
    ];
    let w = word.as_bytes();
    TWO_LETTER_PARTICLES.into_iter().find(|p| {
        let p = p.as_bytes();
        w.len() == 2 && (w[0] == p[0]) != (w[1] == p[1])
    })
}

/// What a token weighs. `org`: it is a word of company names (`names::is_org_word`).
pub fn base_weight(t: &NameToken, org: bool) -> f64 {
    if is_initial(t) {
        return INITIAL_WEIGHT;
    }
    match t.kind {
        TokenKind::Name if org => ORG_WORD_WEIGHT,
        TokenKind::Name | TokenKind::Number => NAME_WEIGHT,
        TokenKind::Initial => INITIAL_WEIGHT,
        TokenKind::LegalForm => ORG_WORD_WEIGHT,
        TokenKind::Stopword => STOPWORD_WEIGHT,
        TokenKind::Particle => PARTICLE_WEIGHT,
        TokenKind::Honorific | TokenKind::Generation => 0.0,
    }
}

// ---------------------------------------------------------------------------------------
// Leftovers: what the matcher excuses, and how much.
// ---------------------------------------------------------------------------------------

/// A query name a person's list entry lacks (a patronymic the list leaves out), when the
/// other side has no name left over: a share of its weight.
pub const QUERY_EXTRA_SHARE: f64 = 0.5;
/// A listed given name a person's query leaves out, a share of its weight.
pub const OMITTED_NAME_SHARE: f64 = 0.15;
/// The most that listed given names a query leaves out weigh together: a chain of father's
/// and grandfather's names (Yasir Sab'awi Ibrahim Hasan AL-TIKRITI) is routinely left out
/// whole, so a third name left out tells no more than two.
pub const OMITTED_NAMES_MAX: f64 = 0.3;
/// One word of a listed two-word family name (CABELLO RONDON, PLANCARTE SOLIS) a query
/// leaves out while it has the other, a share of its weight: Spanish and Portuguese names
/// are written with one family name as often as with both, and with either one.
pub const ONE_OF_TWO_FAMILY_NAMES_SHARE: f64 = 0.2;

/// Whether a listed family name of these keys is a double one, either word of which a
/// person may go by.
pub fn double_family_name(family: &[String]) -> bool {
    family.len() == 2 && family[0] != family[1]
}

/// A listed word a query cut at a field limit took away, a share of its weight: the query
/// says nothing of it.
pub const CUT_AWAY_SHARE: f64 = 0.03;

/// What a query token left over weighs: [`QUERY_EXTRA_SHARE`] of it where the matcher is
/// lenient.
pub fn query_leftover_weight(weight: f64, lenient: bool) -> f64 {
    if lenient {
        QUERY_EXTRA_SHARE * weight
    } else {
        weight
    }
}

/// What a listed given name left out weighs, before [`OMITTED_NAMES_MAX`] caps them all.
pub fn omitted_weight(weight: f64) -> f64 {
    OMITTED_NAME_SHARE * weight
}

/// The score of aligned and left-over tokens: the one formula of a name score (see the
/// module doc). `compare` adds what it found, the bound what the keys allow.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tally {
    numerator: f64,
    denominator: f64,
    omitted: f64,
}

impl Tally {
    /// A token aligned at `similarity`.
    pub fn met(&mut self, similarity: f64, weight: f64) {
        self.numerator += similarity * weight;
        self.denominator += weight;
    }

    /// A token left over, at the weight its rules give it.
    pub fn left_over(&mut self, weight: f64) {
        self.denominator += weight;
    }

    /// A listed name left out, at its [`omitted_weight`]: all of them together weigh
    /// [`OMITTED_NAMES_MAX`] at most.
    pub fn omitted(&mut self, weight: f64) {
        self.omitted += weight;
    }

    /// The name score, in [0, 1]; 0 for nothing at all.
    pub fn score(&self) -> f64 {
        let denominator = self.denominator + self.omitted.min(OMITTED_NAMES_MAX);
        if denominator > 0.0 {
            self.numerator / denominator
        } else {
            0.0
        }
    }
}

// ---------------------------------------------------------------------------------------
// Rules that lower a name score (left out of the bound: they only lower it).
// ---------------------------------------------------------------------------------------

/// The most a name scores when only initials pair with words, or only words that are no
/// name (legal forms, particles).
pub const INITIALS_ONLY_SCORE: f64 = 0.5;
/// What a name whose aligned words all differ in spelling keeps of its score.
pub const NONE_SPELT_ALIKE: f64 = 0.95;
/// What a company name keeps of its score when the two legal forms differ (LLC / JSC).
pub const OTHER_LEGAL_FORM: f64 = 0.95;

// ---------------------------------------------------------------------------------------
// From a name score to a party score.
// ---------------------------------------------------------------------------------------

/// Alerts are raised at or above this score.
pub const DEFAULT_THRESHOLD: f64 = 0.80;
/// The lowest score a search shows by default (`sanctum search`, the search page): yente's
/// match threshold, under the alert threshold so that near misses show too; each hit says
/// whether it would alert.
pub const SEARCH_THRESHOLD: f64 = 0.70;
/// The share of the final score the name carries; the features move the rest.
pub const NAME_SHARE: f64 = 0.90;
/// The most a party scores without an identifier: a perfect name with an agreeing birth
/// date and country.
pub const SCORE_CAP: f64 = 0.98;
/// Birth dates: the same day; dates that overlap (a year, a range).
pub const SAME_BIRTH_DATE: f64 = 0.06;
pub const OVERLAPPING_BIRTH_DATE: f64 = 0.03;
/// Birth years apart, counting from the nearest edge of the listed range: 0, 1, 2–4, 5–9,
/// 10 or more years.
pub const BIRTH_YEARS_APART: [f64; 5] = [-0.02, -0.04, -0.10, -0.18, -0.30];
/// A country shared by the query and the party; none shared.
pub const SHARED_COUNTRY: f64 = 0.02;
pub const NO_SHARED_COUNTRY: f64 = -0.04;
/// Genders that differ.
pub const OTHER_GENDER: f64 = -0.12;
/// A person against an organisation or a craft, an organisation against a craft, or the
/// reverse (see `features::kind_class`).
pub const OTHER_KIND: f64 = -0.20;
/// The most the features other than identifiers can add (what the bound adds to the name's
/// share): a same birth date and a shared country.
pub const MAX_BONUS: f64 = SAME_BIRTH_DATE + SHARED_COUNTRY;

/// The party score from the name score, the features' sum and whether an identifier
/// matched: an identifier makes the match near certain (the name still orders it).
pub fn party_score(name_score: f64, adjustment: f64, identifier: bool) -> f64 {
    if identifier {
        SCORE_CAP + (1.0 - SCORE_CAP) * name_score
    } else {
        (NAME_SHARE * name_score + adjustment).clamp(0.0, SCORE_CAP)
    }
}

/// The least name score that can still reach `threshold` with a `bonus` from the features
/// (scores are rounded to four decimals: 0.79996 alerts at 0.80).
pub fn min_name_score(threshold: f64, bonus: f64) -> f64 {
    (threshold - bonus - 1e-4) / NAME_SHARE - 1e-9
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn omitted_names_weigh_two_names_at_most() {
        let mut tally = Tally::default();
        tally.met(1.0, 1.0);
        tally.met(1.0, 1.0);
        for _ in 0..5 {
            tally.omitted(omitted_weight(1.0));
        }
        assert!((tally.score() - 2.0 / 2.3).abs() < 1e-12);
        assert_eq!(Tally::default().score(), 0.0);
    }

    #[test]
    fn an_identifier_lifts_a_party_above_the_cap() {
        assert_eq!(party_score(1.0, 0.5, false), SCORE_CAP);
        assert!((party_score(0.5, 0.0, true) - 0.99).abs() < 1e-12);
        assert!((party_score(1.0, 0.0, false) - 0.9).abs() < 1e-12);
    }
}
