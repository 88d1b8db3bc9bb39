//! Name tokens and their classification.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::{legal, normalize, to_latin};

/// What a token is, for weighting in the matcher. Nothing is dropped by
/// [`tokens`]; [`strip_honorifics`] removes titles when asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// An ordinary name word.
    Name,
    /// A single letter.
    Initial,
    /// Digits only.
    Number,
    /// A name particle: al, bin, abu, van, de, y …
    Particle,
    /// A title or honorific: dr, sheikh, haji, mullah …
    Honorific,
    /// A generational suffix: jr, sr, ii, iii …
    Generation,
    /// A function word of organisation names: of, for, the, and.
    Stopword,
    /// A one-word legal form: llc, ooo, gmbh … (see [`legal_form`](crate::legal_form)).
    LegalForm,
}

/// `normalize` → `to_latin` → split on spaces, then two name-specific steps:
///
/// 1. Glued Arabic particles are split off (`alzawahiri` → `al zawahiri`,
///    `binladen` → `bin laden`, `abdulaziz` → `abdul aziz`). The rule, which
///    must leave Western names such as Albert, Alvarez or Elena alone:
///    - `al`/`el` + a remainder of at least 5 letters starting with a
///      consonant other than l, unless the word is a known Western name
///      (alberto, alvarez, …);
///    - `bin`/`ibn`/`abu` + at least 5 letters starting with a consonant or
///      with al/el + consonant (`binalshibh` → `bin al shibh`);
///    - the `abd` family (abdul, abdel, abdal, abdu, abdi, abd …, longest
///      first) + at least 4 letters not starting with l (so `abdullah` stays
///      whole); a doubled first letter of the remainder is the assimilated
///      article (`abdurrahman` → `abdu rahman`).
///
///    Camel case ("alZawahiri") is already split by `normalize`.
/// 2. `abd` followed by an article or by allah is joined (`abd al aziz` →
///    `abdal aziz`, `abd allah` → `abdallah`), so that the spaced, hyphenated
///    and glued spellings meet after [`fold_variant`](crate::fold_variant).
///
/// A word written in another script that is read as a name of its own (see
/// [`read_tokens`]) is one token: its romanisation joined.
pub fn tokens(text: &str) -> Vec<String> {
    read_tokens(text).0
}

/// How a token written in another script may be read as the name it transcribes.
#[derive(Clone, Debug, Default)]
pub(crate) struct Reading {
    /// The variant keys of the Latin forms of its name ([`crate::across::across_scripts`]).
    pub(crate) across: &'static [Box<str>],
    /// Its sound keys as a foreign name in katakana or Hangul
    /// ([`crate::foreign::sound_readings`]).
    pub(crate) sounds: Vec<Box<str>>,
}

/// [`tokens`], with the readings of the tokens written in another script, by token text.
/// A word the table of names across scripts knows, a katakana word and a Hangul word that
/// does not start with a Korean family name become one token each (블라디미르 is one name, not
/// five syllables) with their readings; every other word is read as before.
pub(crate) fn read_tokens(text: &str) -> (Vec<String>, Vec<(String, Reading)>) {
    let normalized = normalize(text);
    let mut readings: Vec<(String, Reading)> = Vec::new();
    let latin = if normalized.is_ascii() {
        to_latin(&normalized)
    } else {
        // Romanised in the context of the whole name (its Cyrillic language is the name's);
        // the words read as names of their own joined into one token.
        let mut latin = String::with_capacity(normalized.len() + 16);
        let words = crate::to_latin_words(&normalized);
        // A Hangul name with one word that is a foreign name's transcription is a foreign
        // name throughout (조세프 코니: JOSEPH KONY, though 조 is a Korean family name).
        let foreign_hangul = words
            .iter()
            .any(|(word, _)| crate::foreign::is_hangul_transcription(word));
        for (word, romanised) in words {
            match read_word(word, &romanised, foreign_hangul) {
                Some((token, reading)) => {
                    latin.push_str(&token);
                    readings.push((token, reading));
                }
                None => latin.push_str(&romanised),
            }
            latin.push(' ');
        }
        latin
    };
    let mut out = Vec::with_capacity(6);
    for word in latin.split(' ').filter(|word| !word.is_empty()) {
        if readings.iter().any(|(token, _)| token == word) {
            out.push(word.to_string());
        } else {
            split_glued(&digits_as_letters(word), &mut out);
        }
    }
    join_abd(&mut out);
    crate::numbers::number_words(&mut out);
    (out, readings)
}

/// A normalised word read as a name of its own (`romanised` as [`to_latin`] reads it in its
/// name): its joined romanisation and its readings.
fn read_word(word: &str, romanised: &str, foreign_hangul: bool) -> Option<(String, Reading)> {
    // A syllable of a foreign name in katakana or Hangul is read as one too (サ of SA'ADI
    // written サ アジ, 칸 KAN, 빈 BIN).
    let first = word.chars().next()?;
    let foreign_syllable = word.chars().nth(1).is_none()
        && (crate::foreign::is_katakana(first)
            || (foreign_hangul
                && crate::script::letter_script(first) == crate::script::Script::Hangul));
    if !crate::across::is_looked_up(word) && !foreign_syllable {
        return None;
    }
    let across = crate::across::across_scripts(word);
    let katakana = word.chars().all(crate::foreign::is_katakana);
    let hangul = crate::foreign::hangul_foreign_name(word, foreign_hangul);
    // Greek and Arabic spell a foreign name out letter by letter by its sounds.
    let greek = crate::foreign::greek_as_heard(word, false);
    let arabic = greek
        .is_none()
        .then(|| crate::foreign::arabic_as_heard(word))
        .flatten();
    let three_vowels = arabic.is_some();
    let spelt = greek.or(arabic);
    if across.is_empty() && !katakana && hangul.is_none() && spelt.is_none() {
        return None;
    }
    // Chinese, Korean and Japanese romanisers cut a name into syllables: such a word is one
    // name. A word of another script that romanises into several (الظواهري: al zawahiri) is
    // read as its words.
    let syllabic = word.chars().all(|c| {
        matches!(
            crate::script::letter_script(c),
            crate::script::Script::Han
                | crate::script::Script::Hangul
                | crate::script::Script::Kana
        )
    });
    if romanised.contains(' ') && !syllabic {
        return None;
    }
    let token: String = romanised.split(' ').collect();
    if token.is_empty() || !token.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let (spelling, sounds) = if katakana {
        let heard = crate::to_latin(&crate::foreign::kana_as_heard(word));
        let sounds = crate::foreign::sound_readings(&heard, crate::foreign::Added::Kana);
        (heard, sounds)
    } else if let Some(romanised) = hangul {
        let sounds = crate::foreign::sound_readings(&romanised, crate::foreign::Added::Hangul);
        (romanised, sounds)
    } else if let Some(heard) = spelt {
        let mut sounds = crate::foreign::sound_readings(&heard, crate::foreign::Added::None);
        // Greek vowel digraphs also as a writer spells a foreign name's letters with them.
        if let Some(letters) = crate::foreign::greek_as_heard(word, true).filter(|l| *l != heard) {
            for sound in crate::foreign::sound_readings(&letters, crate::foreign::Added::None) {
                if !sounds.contains(&sound) {
                    sounds.push(sound);
                }
            }
        }
        (heard, sounds)
    } else {
        (String::new(), Vec::new())
    };
    // A particle written in the script (アル・バグダディ, 빈 라딘) is that particle, weighed
    // and matched as one; still heard, where it is a name's word (ビン WIN).
    if let Some(particle) = crate::foreign::heard_particle(&spelling, &sounds, three_vowels) {
        return Some((particle.to_string(), Reading { across, sounds }));
    }
    Some((token, Reading { across, sounds }))
}

/// The digit rule of `normalize` again, for digits that only became ASCII in
/// transliteration (so that tokens fed back in give the same tokens).
fn digits_as_letters(word: &str) -> std::borrow::Cow<'_, str> {
    let letters = word.bytes().filter(u8::is_ascii_alphabetic).count();
    let digits = word.bytes().filter(u8::is_ascii_digit).count();
    let letter_like = word
        .bytes()
        .filter(|b| matches!(b, b'0' | b'1' | b'5'))
        .count();
    if letters >= 2 && digits > 0 && digits == letter_like {
        let mapped = word.replace('0', "o").replace('1', "l").replace('5', "s");
        std::borrow::Cow::Owned(mapped)
    } else {
        std::borrow::Cow::Borrowed(word)
    }
}

const GLUED_PARTICLES: [&str; 5] = ["al", "el", "bin", "ibn", "abu"];
const ABD_FAMILY: [&str; 9] = [
    "abdoul", "abdul", "abdel", "abdal", "abdol", "abdou", "abdu", "abdi", "abd",
];
/// Words that begin like a glued al/el but are Western names.
const NOT_GLUED: &[&str] = &[
    "albrecht",
    "albright",
    "alberto",
    "alcala",
    "alcantara",
    "alfaro",
    "alfonso",
    "alford",
    "alfredo",
    "almeida",
    "almond",
    "alston",
    "altman",
    "alvarado",
    "alvarez",
    "alvaro",
    "elbrus",
    "elgin",
    "elkins",
    "elmira",
    "elmore",
    "elsner",
    "elvira",
    "elvis",
];

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
}

fn starts_with_consonant(word: &str) -> bool {
    word.bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() && !is_vowel(b))
}

fn split_glued(word: &str, out: &mut Vec<String>) {
    if let Some((prefix, rest)) = split_abd(word) {
        out.push(prefix.to_string());
        out.push(rest.to_string());
        return;
    }
    for particle in GLUED_PARTICLES {
        let Some(rest) = word.strip_prefix(particle) else {
            continue;
        };
        if rest.len() < 5 {
            continue;
        }
        let plausible = match particle {
            "al" | "el" => {
                starts_with_consonant(rest) && !rest.starts_with('l') && !NOT_GLUED.contains(&word)
            }
            _ => {
                starts_with_consonant(rest)
                    || ((rest.starts_with("al") || rest.starts_with("el"))
                        && starts_with_consonant(&rest[2..]))
            }
        };
        // A word written without its vowels (ALKSNDRVCH for Aleksandrovich) has no name
        // glued to a particle: a name has vowels.
        if plausible && rest.bytes().any(is_vowel) {
            out.push(particle.to_string());
            split_glued(rest, out);
            return;
        }
    }
    out.push(word.to_string());
}

/// Whether `token` is a particle [`tokens`] splits from a name glued to it (al, el, bin,
/// ibn, abu, abd and its spellings).
pub fn is_glued_particle(token: &str) -> bool {
    GLUED_PARTICLES.contains(&token) || ABD_FAMILY.contains(&token)
}

/// Whether `word` starts with such a particle and goes on: a word cut short may keep the
/// particle and only the start of the name glued to it (ALZ of AL ZAHRANI).
pub fn starts_with_glued_particle(word: &str) -> bool {
    GLUED_PARTICLES
        .iter()
        .chain(&ABD_FAMILY)
        .any(|p| word.len() > p.len() && word.starts_with(p))
}

fn split_abd(word: &str) -> Option<(&str, &str)> {
    let prefix = ABD_FAMILY
        .iter()
        .find(|prefix| word.starts_with(**prefix))?;
    let mut rest = &word[prefix.len()..];
    let bytes = rest.as_bytes();
    if let [first, second, ..] = bytes
        && first == second
        && !is_vowel(*first)
    {
        rest = rest.get(1..).unwrap_or_default();
    }
    (rest.len() >= 4 && !rest.starts_with('l') && rest.bytes().all(|b| b.is_ascii_alphabetic()))
        .then_some((*prefix, rest))
}

const ARTICLES: [&str; 16] = [
    "al", "el", "ul", "ar", "ur", "as", "us", "an", "un", "ad", "ud", "az", "uz", "ash", "ush",
    "at",
];

fn join_abd(tokens: &mut Vec<String>) {
    let mut index = 0;
    while index + 1 < tokens.len() {
        let joins = tokens.get(index).is_some_and(|t| t == "abd")
            && tokens.get(index + 1).is_some_and(|next| {
                ARTICLES.contains(&next.as_str()) || next == "allah" || next == "ullah"
            });
        if joins {
            let next = tokens.remove(index + 1);
            if let Some(token) = tokens.get_mut(index) {
                token.push_str(&next);
            }
        }
        index += 1;
    }
}

// Word lists, sorted for binary search (a test checks the order).
// Titles and forms of address in the lists' and customers' languages, as tokens read them
// (Президент → prezident, Präsident → prasident): beside a name they weigh nothing.
const HONORIFICS: &[&str] = &[
    "alhaj",
    "alhaji",
    "alhajj",
    "ayatollah",
    "capt",
    "captain",
    "cheikh",
    "col",
    "colonel",
    "cumhurbaskani",
    "dame",
    "doctor",
    "doktor",
    "dr",
    "elhadj",
    "elnok",
    "frau",
    "gen",
    "general",
    "gospodin",
    "gospozha",
    "hadji",
    "haj",
    "haji",
    "hajj",
    "hajji",
    "herr",
    "hojatoleslam",
    "hon",
    "lady",
    "lord",
    "lt",
    "madame",
    "maj",
    "maulana",
    "maulvi",
    "mawlana",
    "mawlawi",
    "minister",
    "ministr",
    "ministre",
    "ministro",
    "miss",
    "mister",
    "mlle",
    "mme",
    "monsieur",
    "moulana",
    "mr",
    "mrs",
    "ms",
    "mulla",
    "mullah",
    "praesident",
    "prasident",
    "predsednik",
    "predsjednik",
    "president",
    "presidente",
    "presidentti",
    "prezident",
    "prezydent",
    "proedros",
    "prof",
    "professor",
    "rev",
    "sayyed",
    "sayyid",
    "senador",
    "senator",
    "senhor",
    "senhora",
    "senor",
    "senora",
    "shaik",
    "shaikh",
    "shaikha",
    "shaykh",
    "sheik",
    "sheikh",
    "sheikha",
    "sheykh",
    "signor",
    "signora",
    "sir",
    "syed",
];
const GENERATIONS: &[&str] = &[
    "2nd", "3rd", "4th", "ii", "iii", "iv", "ix", "jnr", "jr", "junior", "senior", "snr", "sr",
    "vi", "vii", "viii",
];
const PARTICLES: &[&str] = &[
    "abd", "abou", "abu", "ad", "al", "ar", "ash", "az", "ben", "bin", "bint", "binti", "bte",
    "da", "das", "de", "del", "della", "den", "der", "di", "do", "dos", "du", "el", "ibn", "la",
    "le", "les", "ter", "ud", "ul", "ur", "van", "von", "y", "zu",
];
const STOPWORDS: &[&str] = &["&", "and", "for", "of", "the"];

/// A title or honorific (dr, sheikh, haji …).
pub fn is_honorific(token: &str) -> bool {
    HONORIFICS.binary_search(&token).is_ok()
}

/// A word one letter from a title of four letters or more (SHHEIKH, HAJJA, MINISTRA): a
/// title misspelt, or in a form the list of titles lacks, rather than a person's name.
pub fn near_honorific(token: &str) -> bool {
    let t = token.as_bytes();
    HONORIFICS.iter().any(|h| {
        let h = h.as_bytes();
        h.len() >= 4 && h.len().abs_diff(t.len()) <= 1 && one_edit_apart(h, t)
    })
}

/// Whether two words are at most one letter changed, added or left out apart.
fn one_edit_apart(a: &[u8], b: &[u8]) -> bool {
    let start = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let end = a[start..]
        .iter()
        .rev()
        .zip(b[start..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    a.len().max(b.len()) <= start + end + 1
}

/// A generational suffix (jr, sr, ii, iii, iv …). Single `v` and `x` are
/// read as initials, not as numerals.
pub fn is_generation(token: &str) -> bool {
    GENERATIONS.binary_search(&token).is_ok()
}

/// A name particle (al, el, bin, ibn, abu, abd, van, von, de, da, di, del,
/// der, la, le, du, dos, das, y …).
pub fn is_particle(token: &str) -> bool {
    PARTICLES.binary_search(&token).is_ok()
}

/// A function word of organisation names (of, for, the, and, &): kept in the
/// tokens, to be weighed lightly rather than dropped.
pub fn is_stopword(token: &str) -> bool {
    STOPWORDS.binary_search(&token).is_ok()
}

/// Classifies one token of [`tokens`].
pub fn classify(token: &str) -> TokenKind {
    if let Some(kind) = WORD_KINDS.get(token) {
        *kind
    } else if token.chars().count() == 1 && token.chars().all(char::is_alphabetic) {
        TokenKind::Initial
    } else if !token.is_empty() && token.chars().all(|c| c.is_ascii_digit()) {
        TokenKind::Number
    } else {
        TokenKind::Name
    }
}

/// All listed words with their kind, for one hash look-up per token. Where a
/// word is in two lists, the order below decides (honorific first).
static WORD_KINDS: LazyLock<HashMap<&'static str, TokenKind>> = LazyLock::new(|| {
    let lists = [
        (legal::FORM_WORDS, TokenKind::LegalForm),
        (STOPWORDS, TokenKind::Stopword),
        (PARTICLES, TokenKind::Particle),
        (GENERATIONS, TokenKind::Generation),
        (HONORIFICS, TokenKind::Honorific),
    ];
    // later lists overwrite earlier ones: honorifics win over everything
    lists
        .iter()
        .flat_map(|(words, kind)| words.iter().map(move |word| (*word, *kind)))
        .collect()
});

/// The tokens without titles and generational suffixes (also the two-word
/// title "al haj"). If that would leave nothing, the tokens are kept.
pub fn strip_honorifics<S: AsRef<str>>(tokens: &[S]) -> Vec<String> {
    let mut kept = Vec::with_capacity(tokens.len());
    let mut index = 0;
    while let Some(token) = tokens.get(index) {
        let token = token.as_ref();
        let next = tokens.get(index + 1).map(AsRef::as_ref);
        if matches!(token, "al" | "el") && matches!(next, Some("haj" | "hajj" | "hadj" | "haji")) {
            index += 2;
            continue;
        }
        if !is_honorific(token) && !is_generation(token) {
            kept.push(token.to_string());
        }
        index += 1;
    }
    if kept.is_empty() {
        tokens
            .iter()
            .map(|token| token.as_ref().to_string())
            .collect()
    } else {
        kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(text: &str) -> String {
        tokens(text).join(" ")
    }

    #[test]
    fn particles_spacing_and_glue() {
        let cases = [
            ("al-Zawahiri", "al zawahiri"),
            ("al Zawahiri", "al zawahiri"),
            ("alZawahiri", "al zawahiri"),
            ("ALZAWAHIRI", "al zawahiri"),
            ("Zawahiri", "zawahiri"),
            ("El-Masri", "el masri"),
            ("ELMASRI", "el masri"),
            ("BINLADEN, Usama", "bin laden usama"),
            ("Ramzi BINALSHIBH", "ramzi bin al shibh"),
            ("Ramzi Bin al-Shibh", "ramzi bin al shibh"),
            ("Abubakar Shekau", "abu bakar shekau"),
            ("ABDULAZIZ", "abdul aziz"),
            ("Abdel-Aziz", "abdel aziz"),
            ("Abd al-Aziz", "abdal aziz"),
            ("Abdurrahman", "abdu rahman"),
            ("Abd Allah", "abdallah"),
            ("Abdullah", "abdullah"),
            ("Abdullahi Yusuf", "abdullahi yusuf"),
            // Western names are not split
            ("Albert Alvarez", "albert alvarez"),
            ("Alexander Elena Alina", "alexander elena alina"),
            ("Allison Ellison", "allison ellison"),
            ("Alberto Almeida", "alberto almeida"),
            ("Ali Aliyev", "ali aliyev"),
            ("Van der Berg", "van der berg"),
            ("vanDerBerg", "van der berg"),
        ];
        for (input, expected) in cases {
            assert_eq!(joined(input), expected, "input {input:?}");
        }
    }

    #[test]
    fn word_lists_are_sorted() {
        for list in [HONORIFICS, GENERATIONS, PARTICLES, STOPWORDS] {
            assert!(
                list.windows(2).all(|pair| pair.first() < pair.get(1)),
                "{list:?}"
            );
        }
    }

    #[test]
    fn classification_table() {
        let cases = [
            ("sheikh", TokenKind::Honorific),
            ("shaykh", TokenKind::Honorific),
            ("haji", TokenKind::Honorific),
            ("mullah", TokenKind::Honorific),
            ("dr", TokenKind::Honorific),
            ("jr", TokenKind::Generation),
            ("iii", TokenKind::Generation),
            ("al", TokenKind::Particle),
            ("bin", TokenKind::Particle),
            ("von", TokenKind::Particle),
            ("y", TokenKind::Particle),
            ("of", TokenKind::Stopword),
            ("the", TokenKind::Stopword),
            ("and", TokenKind::Stopword),
            ("&", TokenKind::Stopword),
            ("llc", TokenKind::LegalForm),
            ("gmbh", TokenKind::LegalForm),
            ("j", TokenKind::Initial),
            ("v", TokenKind::Initial),
            ("1970", TokenKind::Number),
            ("putin", TokenKind::Name),
        ];
        for (token, kind) in cases {
            assert_eq!(classify(token), kind, "token {token:?}");
        }
    }

    #[test]
    fn honorifics_are_removable() {
        let cases = [
            ("Dr. Ayman al-Zawahiri", "ayman al zawahiri"),
            ("Sheikh Mohammed bin Rashid", "mohammed bin rashid"),
            ("Al-Haj Mohammed Omar", "mohammed omar"),
            ("Mullah Mohammed Omar", "mohammed omar"),
            ("Prof Sir John Smith Jr.", "john smith"),
            ("Louis XIV", "louis xiv"),
            ("John Smith III", "john smith"),
            ("Sheikh", "sheikh"),
        ];
        for (input, expected) in cases {
            assert_eq!(
                strip_honorifics(&tokens(input)).join(" "),
                expected,
                "input {input:?}"
            );
        }
    }

    #[test]
    fn stopwords_are_kept() {
        assert_eq!(
            joined("Bank of the Republic & Trust"),
            "bank of the republic and trust"
        );
        assert!(
            tokens("Bank of Syria")
                .iter()
                .any(|t| classify(t) == TokenKind::Stopword)
        );
    }
}
