//! Name processing for sanctions screening: the same steps run on list names
//! when the index is built and on each query name, so both sides meet in the
//! same form. Strings in, strings out; no dependency on the rest of sanctum.
//!
//! How a name passes through:
//!
//! 1. [`normalize`]: NFKC, invisible characters removed, look-alike letters of
//!    other scripts folded, case folded, diacritics removed, punctuation made
//!    into word boundaries. Each word stays in its own script.
//! 2. [`to_latin`]: every script into lower-case Latin ASCII, with the
//!    convention the lists use for that script (Russian/Ukrainian/Serbian
//!    Cyrillic, Greek, Arabic, Hebrew, Korean, Chinese, Japanese kana;
//!    any_ascii for the rest).
//! 3. [`tokens`]: the words, with glued Arabic particles split
//!    (ALZAWAHIRI → al zawahiri), and numbers written in words as digits
//!    (FORTY-FOUR → 44). [`classify`] tells a name word from a
//!    [`TokenKind::Particle`], [`TokenKind::Honorific`],
//!    [`TokenKind::Generation`], [`TokenKind::Stopword`] or
//!    [`TokenKind::LegalForm`]; [`strip_honorifics`] drops titles and
//!    [`legal_form`] removes an organisation's legal form and returns its
//!    canonical class (ООО = OOO = LLC).
//! 4. Per token, three keys for finding candidates:
//!    [`fold_variant`] (one key for romanisation variants: Mohammed/Muhammad,
//!    Dmitriy/Dmitry), [`phonetic`] (Double Metaphone of that key) and
//!    [`skeleton`] (consonants only, for vowel-less Arabic and Hebrew
//!    romanisations).
//!
//! 5. [`Syllables`]: for Chinese, Korean and Vietnamese names, a token's readings as
//!    syllables across romanisations (ZHANG = CHANG, CHOL = CHEOL), and [`name_systems`]
//!    tells which names are written in syllables.
//!
//! [`analyze`] runs all of it and returns a [`NameAnalysis`] of
//! [`NameToken`]s. Every function is deterministic, allocation-light and
//! panic-free on any input.

mod across;
mod adapted;
mod foreign;
mod legal;
mod nicknames;
mod normalize;
mod numbers;
mod phonetic;
mod script;
mod syllables;
mod tokens;
mod translit;
mod variant;

pub use across::across_scripts;
pub use adapted::adapted_key;
pub use foreign::{HEARD_CONSONANTS_MIN, foreign_sound, heard_consonants, heard_key};
pub use legal::{legal_form, misspells_legal_form, tag as legal_tag};
pub use nicknames::given_name_keys;
pub use normalize::normalize;
pub use phonetic::{phonetic, skeleton};
pub use syllables::{
    SyllableMatch, Syllables, System, Systems, is_syllabic_surname, name_systems, script_systems,
};
pub use tokens::{
    TokenKind, classify, is_generation, is_glued_particle, is_honorific, is_particle, is_stopword,
    near_honorific, starts_with_glued_particle, strip_honorifics, tokens,
};
pub use translit::to_latin;
pub(crate) use translit::to_latin_words;
pub use variant::fold_variant;

/// One token of an analysed name with its matching keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameToken {
    /// The token as [`tokens`] gives it (lower-case Latin ASCII).
    pub text: String,
    /// What kind of word it is.
    pub kind: TokenKind,
    /// [`fold_variant`] of the text.
    pub key: String,
    /// [`skeleton`] of the key.
    pub skeleton: String,
    /// Double Metaphone of the key (see [`phonetic`]).
    pub phonetic: String,
    /// A word written in a non-Latin script that the table of names across scripts knows:
    /// the variant keys of the Latin forms of its name ([`across_scripts`]: ウラジーミル →
    /// vladimir, volodymyr …); empty for any other word, Latin words always.
    pub across: &'static [Box<str>],
    /// A katakana word, or a Hangul word that is no Korean name, read as a foreign name's
    /// transcription: its sound keys, met by a Latin word's [`foreign_sound`] (プーチン,
    /// 푸틴 / PUTIN); empty for any other word.
    pub sounds: Box<[Box<str>]>,
    /// The word read as Dutch, Hungarian, Lithuanian or Latvian spell a foreign name (Poetin,
    /// Putyin, Putinas, Putins: PUTIN), in the languages its name shows: keys to meet a
    /// listed word's [`adapted_key`]; empty for most words.
    pub adapted: Box<[Box<str>]>,
}

impl NameToken {
    /// Whether another script's reading of this token meets `other`: a Latin form of its
    /// name is the other's key, they share one, or the other is heard as it sounds. Never
    /// true of two Latin words.
    pub fn read_as(&self, other: &NameToken) -> Option<Reading> {
        let listed_in = |t: &NameToken, key: &str| t.across.iter().any(|k| **k == *key);
        if listed_in(self, &other.key)
            || listed_in(other, &self.key)
            || self.across.iter().any(|k| listed_in(other, k))
        {
            return Some(Reading::Across);
        }
        let heard_as = |t: &NameToken, sound: &str| {
            if t.sounds.iter().any(|s| **s == *sound) {
                return Some(Reading::Sound);
            }
            // A script that writes three vowels (Arabic: a, i for e, u for o) heard against
            // the Latin vowels it writes so (تشابو / CHAPO).
            let three = foreign::three_vowels(sound);
            if t.sounds
                .iter()
                .any(|s| !s.contains(['e', 'o']) && **s == *three)
            {
                return Some(Reading::Sound);
            }
            let consonants = foreign::heard_consonants(sound);
            (consonants.len() >= foreign::HEARD_CONSONANTS_MIN
                && t.sounds
                    .iter()
                    .any(|s| foreign::heard_consonants(s) == consonants))
            .then_some(Reading::Consonants(consonants.len()))
        };
        // A transcription heard against a Latin word: not against a word of a script the
        // table of names knows (عثمان is no Latin spelling to hear ياسمينة by).
        let heard = |t: &NameToken, o: &NameToken| {
            if t.sounds.is_empty() || !o.is_latin() {
                return None;
            }
            heard_as(t, &foreign_sound(&o.text))
        };
        heard(self, other).or_else(|| heard(other, self))
    }

    /// Whether a run of adjacent words, read as one word, meets `other` across scripts
    /// ([`NameToken::read_as`]): a Latin word a transcription writes as two (SA'ADI, サ アジ:
    /// the apostrophe a break), or two Latin words it writes as one (ABDUL BARIEVNA,
    /// アブドルバリエヴナ). One side transcribed, the other Latin, as for a word.
    pub fn read_joined(run: &[NameToken], other: &NameToken) -> Option<Reading> {
        if run.len() < 2 {
            return None;
        }
        if other.is_latin() {
            let joined = NameToken {
                sounds: Self::joined_sounds(run)?
                    .into_iter()
                    .map(String::into_boxed_str)
                    .collect(),
                ..NameToken::plain(String::new())
            };
            joined.read_as(other)
        } else if run.iter().all(NameToken::is_latin) {
            other.read_as(&NameToken::plain(Self::joined_text(run)))
        } else {
            None
        }
    }

    /// The sound keys of a run of transcriptions read as one word ([`NameToken::read_joined`]):
    /// each word's readings with each of the next's, a long vowel across the break written
    /// once (サ アジ: saaji, saji). `None` unless every word of the run is a transcription.
    pub fn joined_sounds(run: &[NameToken]) -> Option<Vec<String>> {
        if run.is_empty() || run.iter().any(|t| t.sounds.is_empty()) {
            return None;
        }
        let mut sounds: Vec<String> = vec![String::new()];
        for t in run {
            sounds = sounds
                .iter()
                .flat_map(|before| {
                    t.sounds
                        .iter()
                        .map(move |s| foreign::single(&format!("{before}{s}")))
                })
                .take(JOINED_SOUNDS_MAX)
                .collect();
        }
        Some(sounds)
    }

    /// The text of a run of words read as one word.
    pub fn joined_text(run: &[NameToken]) -> String {
        run.iter().map(|t| t.text.as_str()).collect()
    }

    /// Whether the word is heard as a Latin word: no transcription, and no word of another
    /// script the table of names knows.
    pub fn is_latin(&self) -> bool {
        self.sounds.is_empty() && self.across.is_empty()
    }

    /// A word with its text only, read by sound where it meets a transcription.
    fn plain(text: String) -> NameToken {
        NameToken {
            kind: TokenKind::Name,
            key: String::new(),
            skeleton: String::new(),
            phonetic: String::new(),
            across: &[],
            sounds: Box::default(),
            adapted: Box::default(),
            text,
        }
    }

    /// Whether the token is written in another script and read as the name it transcribes
    /// (it has Latin forms from the table or sound keys).
    pub fn is_transcription(&self) -> bool {
        !self.across.is_empty() || !self.sounds.is_empty()
    }

    /// Whether this word of a query, read as the language of its name spells a foreign
    /// name, is the listed word `other` ([`NameToken::adapted`], [`adapted_key`]).
    pub fn adapted_as(&self, other: &NameToken) -> bool {
        let key = adapted_key(&other.key);
        // A word whose own key is the listed word's as these languages spell it, none of
        // them writing c (SESILIA / CECILIA): its readings leave that key out, as its own.
        self.adapted.iter().any(|r| **r == *key)
            || (*key != *other.key && other.key.contains('c') && *key == *self.key)
    }
}

/// The most joined sound keys [`NameToken::read_joined`] compares: each word has a few
/// readings, and a run of four words would multiply them.
const JOINED_SOUNDS_MAX: usize = 81;

/// How two tokens meet across scripts ([`NameToken::read_as`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    /// A Latin form of the name in the table of names across scripts.
    Across,
    /// A transcription (katakana, Hangul, Greek, Arabic) heard as the Latin word.
    Sound,
    /// A transcription whose consonants, as heard, are the Latin word's (this many of them,
    /// [`foreign::HEARD_CONSONANTS_MIN`] or more): its vowels are the script's own
    /// (スールタン / SULTAN, 알레크세이 / ALEKSEY).
    Consonants(usize),
}

/// A name after the full analysis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameAnalysis {
    /// The name's tokens, legal form removed, titles kept (see [`TokenKind`]).
    pub tokens: Vec<NameToken>,
    /// Canonical legal form, if the name ends or starts with one.
    pub legal_form: Option<&'static str>,
    /// The legal form is the name's last words (the name was not cut short after its name).
    pub form_at_end: bool,
}

impl NameAnalysis {
    /// The variant keys of the tokens, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.tokens.iter().map(|token| token.key.as_str())
    }
}

/// The whole pipeline: [`tokens`], [`legal_form`], then per token
/// [`classify`], [`fold_variant`], [`skeleton`] and [`phonetic`].
pub fn analyze(text: &str) -> NameAnalysis {
    analyze_with(text, true)
}

/// [`analyze`] for a person's name: no legal form is looked for (S. A. TSYB is no
/// Sociedad Anónima).
pub fn analyze_person(text: &str) -> NameAnalysis {
    analyze_with(text, false)
}

/// The kinds and variant keys of [`analyze`]'s tokens, without the rest of the analysis
/// (skeletons, phonetics, readings): for a caller that compares keys only, such as the
/// family name looked for in a listed name, at a fraction of the cost.
pub fn analyze_keys(text: &str) -> Vec<(TokenKind, String)> {
    let (all, _) = tokens::read_tokens(text);
    let (words, _) = legal_form(&all);
    words
        .into_iter()
        .map(|text| (classify(&text), fold_variant(&text).into_owned()))
        .collect()
}

fn analyze_with(text: &str, legal_forms: bool) -> NameAnalysis {
    let (all, readings) = tokens::read_tokens(text);
    let (words, legal_form) = if legal_forms {
        legal_form(&all)
    } else {
        (all.clone(), None)
    };
    // The form is taken from the end first: the first word kept tells which end it was.
    let form_at_end = legal_form.is_some() && words.first() == all.first();
    // The languages whose spelling of foreign names the name shows, and its words with their
    // carons spelt out (the tokens have lost the marks), paired with the tokens by position.
    let carons = adapted::has_carons(text);
    let with_carons = if carons {
        tokens::read_tokens(&adapted::carons_spelt_out(text)).0
    } else {
        Vec::new()
    };
    let word_refs: Vec<&str> = all.iter().map(String::as_str).collect();
    let languages = adapted::languages(&word_refs, carons, !legal_forms);
    let caron_spelling = |text: &str| {
        let at = all.iter().position(|w| w == text)?;
        (with_carons.len() == all.len()).then(|| with_carons[at].as_str())
    };
    let tokens = words
        .into_iter()
        .map(|text| {
            let adapted = if classify(&text) == TokenKind::Name {
                adapted::readings(&text, caron_spelling(&text), languages)
            } else {
                Vec::new()
            };
            let key = fold_variant(&text).into_owned();
            let reading = readings
                .iter()
                .find(|(token, _)| *token == text)
                .map(|(_, reading)| reading.clone())
                .unwrap_or_default();
            // A transcription is a name's word, or a particle written in the script: its
            // romanisation spelling a legal form or a title (サ: sa, S.A.) is chance.
            let kind = match classify(&text) {
                TokenKind::Particle => TokenKind::Particle,
                _ if !reading.sounds.is_empty() => TokenKind::Name,
                kind => kind,
            };
            NameToken {
                across: reading.across,
                sounds: reading.sounds.into_boxed_slice(),
                adapted: adapted.into_boxed_slice(),
                kind,
                skeleton: skeleton(&key),
                phonetic: phonetic::phonetic_of_key(&key),
                key,
                text,
            }
        })
        .collect();
    NameAnalysis {
        tokens,
        legal_form,
        form_at_end,
    }
}

#[cfg(test)]
mod tests;
