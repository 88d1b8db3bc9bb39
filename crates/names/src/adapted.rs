//! Foreign names as another Latin-script language spells them (Dutch `Poetin`, Hungarian
//! `Putyin` / `Vlagyimir`, Lithuanian `Putinas`, Latvian `Putins`), read back to the form a
//! list writes them in.
//!
//! Each of these languages writes the sounds of a Russian or Arabic name with its own
//! letters, by a published convention for foreign names:
//! - Dutch: oe for u, j for y, sj for sh, tsj for ch, zj for zh, dzj for j, ch for kh;
//! - Hungarian: sz for s, s for sh, cs for ch, zs for zh, c for ts, dzs for j, j for y,
//!   h for kh, and ty, gy, ny for t, d, n before i and e (Putyin, Vlagyimir);
//! - Lithuanian and Latvian (and the Czech, Slovak and Croatian transcriptions, which share
//!   their letters): š for sh, č for ch, ž for zh, dž for j, c for ts, j for y, ch (Lithuanian)
//!   or h (Latvian) for kh; a man's family name that ends in a consonant takes the
//!   language's ending, -as in Lithuanian (Putinas), -s in Latvian (Putins).
//!
//! [`readings`] writes a word back in English letters as each of the languages the name is
//! written in would have it ([`Languages`], told by the letters only that language uses), and
//! folds the result as [`adapted_key`] folds a listed word's variant key: a reading equal to
//! a listed word's [`adapted_key`] is that word as the language spells it.
//!
//! Letters these languages share with English spelling only count as theirs where the name
//! shows the language: `ch` is kh at the start of a word only in a Dutch or Baltic name
//! (CHAN is not KHAN), `s` is sh only in a Hungarian one, `oe` is u only in a Dutch one.
// Hand-written: no crate of the registry reads Dutch, Hungarian or Baltic transcriptions of
// foreign names back; the conventions are a few letters each.

use crate::fold_variant;
use std::borrow::Cow;

/// The languages whose writing of foreign names a name shows, by letters only they use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Languages {
    /// oe, sj, zj (Poetin, Sjojgoe, Zjoekov).
    pub dutch: bool,
    /// sz, cs, zs, or gy, ty, ny before i or e (Szergej, Putyin, Vlagyimir).
    pub hungarian: bool,
    /// š, č or ž as written, or a family name with the Baltic ending (Putinas, Putins).
    pub baltic: bool,
    /// The name is a person's, whose family name may carry the Baltic ending: a company's
    /// word ending in -s is an English plural (STEELS), not a man's family name.
    pub endings: bool,
}

/// The languages a name's words (as [`tokens`](crate::tokens) gives them) show; `carons`:
/// the name as written has š, č or ž; `person`: the name is a person's.
pub fn languages(words: &[&str], carons: bool, person: bool) -> Languages {
    let has = |parts: &[&str]| words.iter().any(|w| parts.iter().any(|p| w.contains(p)));
    Languages {
        dutch: has(&["oe", "sj", "zj"]),
        hungarian: has(&["sz", "cs", "zs", "gyi", "gye", "tyi", "tye", "nyi", "nye"]),
        baltic: carons || (person && words.iter().any(|w| baltic_stem(w).is_some())),
        endings: person,
    }
}

/// Whether a name as written has one of the letters with a caron that the Baltic and West
/// and South Slavic languages write sh, ch and zh with (precomposed or combining).
pub fn has_carons(text: &str) -> bool {
    text.chars()
        .any(|c| matches!(c, 'š' | 'č' | 'ž' | 'Š' | 'Č' | 'Ž' | '\u{30C}'))
}

/// The name with its carons written out as English writes those sounds (š sh, č ch, ž zh,
/// so dž dzh): read as words like the name itself, its words tell which s, c and z had a
/// caron once the marks are gone.
pub fn carons_spelt_out(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let base = match c {
            'š' | 'Š' => Some('s'),
            // tch, which reads as ch, so that a Lithuanian ch (kh) stays apart.
            'č' | 'Č' => Some('c'),
            'ž' | 'Ž' => Some('z'),
            's' | 'S' | 'c' | 'C' | 'z' | 'Z' if chars.peek() == Some(&'\u{30C}') => {
                chars.next();
                Some(c.to_ascii_lowercase())
            }
            _ => None,
        };
        match base {
            Some('s') => out.push_str("sh"),
            Some('c') => out.push_str("tch"),
            Some('z') => out.push_str("zh"),
            _ => out.push(c),
        }
    }
    out
}

/// The least a family name's stem keeps before a Baltic ending: shorter stems (HAW-S,
/// JON-AS) are words of their own more often than names with an ending.
const STEM_MIN: usize = 4;

/// The stem of a word with the Baltic ending of a man's family name: -as (Lithuanian), -is,
/// -us (both), -s (Latvian) after a consonant, the stem of [`STEM_MIN`] letters or more. A
/// given name with -s is an English or Dutch family name of its own (WILLIAMS, PETERS), not
/// a Latvian ending.
pub fn baltic_stem(word: &str) -> Option<&str> {
    let consonant = |s: &str| {
        s.bytes()
            .last()
            .is_some_and(|c| c.is_ascii_lowercase() && !b"aeiouy".contains(&c))
    };
    for ending in ["as", "is", "us", "s"] {
        if let Some(stem) = word.strip_suffix(ending)
            && stem.len() >= STEM_MIN
            && consonant(stem)
        {
            if ending == "s" && !crate::given_name_keys(&fold_variant(stem)).is_empty() {
                return None;
            }
            return Some(stem);
        }
    }
    None
}

/// A listed word's variant key as a reading is compared with it: the letters English
/// spellings of one sound differ in and none of these languages writes folded (gh g, tz ts,
/// shch sh; c as k, or s before e, i and y).
pub fn adapted_key(key: &str) -> Cow<'_, str> {
    if !key.contains(['c', 'g', 'z']) {
        return Cow::Borrowed(key);
    }
    let b = key.as_bytes();
    let mut out = String::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let rest = &b[i..];
        let (written, used): (&str, usize) = if rest.starts_with(b"shch") {
            ("sh", 4)
        } else if rest.starts_with(b"ch") {
            ("ch", 2)
        } else if rest.starts_with(b"gh") {
            ("g", 2)
        } else if rest.starts_with(b"tz") {
            ("ts", 2)
        } else if rest[0] == b'c' {
            match rest.get(1) {
                Some(b'e' | b'i' | b'y') => ("s", 1),
                _ => ("k", 1),
            }
        } else {
            out.push(char::from(rest[0]));
            i += 1;
            continue;
        };
        out.push_str(written);
        i += used;
    }
    // Two spellings of one letter met (ck, kk): once, as the variant key has them.
    let mut single = String::with_capacity(out.len());
    for c in out.chars() {
        if !single.ends_with(c) {
            single.push(c);
        }
    }
    Cow::Owned(single)
}

/// One language's letters for the sounds English writes otherwise, longest first: what the
/// language writes, and what English writes.
type Letters = &'static [(&'static str, &'static str)];

/// Dutch.
const DUTCH: Letters = &[
    ("dzj", "j"),
    ("tsj", "ch"),
    ("sj", "sh"),
    ("zj", "zh"),
    ("oe", "u"),
    ("ch", "kh"),
    ("c", "ts"),
    ("j", "y"),
];

/// Hungarian; ty, gy, ny only before i and e, where Hungarian writes the soft Russian t, d, n.
const HUNGARIAN: Letters = &[
    ("dzs", "j"),
    ("tyi", "ti"),
    ("tye", "te"),
    ("gyi", "di"),
    ("gye", "de"),
    ("nyi", "ni"),
    ("nye", "ne"),
    ("cs", "ch"),
    ("zs", "zh"),
    ("sz", "s"),
    ("s", "sh"),
    ("c", "ts"),
    ("j", "y"),
];

/// Lithuanian and Latvian, their carons spelt out by [`carons_spelt_out`] (tch for č, sh,
/// zh, dzh): ch is the Lithuanian kh, c ts. Where the marks are gone, dz is dž.
const BALTIC: Letters = &[
    ("tch", "ch"),
    ("dzh", "j"),
    ("ch", "kh"),
    ("dz", "j"),
    ("c", "ts"),
    ("j", "y"),
];

/// What every one of these languages writes alike, read in any name: c for ts, ch for kh
/// inside a word (MICHAIL), j for y (MJINT, BELJAEV).
const SHARED: Letters = &[("ch", "kh"), ("c", "ts"), ("j", "y")];

/// `word` with `letters` written as English writes them. A j is read y only after a
/// consonant: at the start of a word it may be English's (JANG), and the variant key reads it
/// so between vowels and at the start of a longer word already; with [`SHARED`], ch at the
/// start is English's too (CHAN).
fn respell(word: &str, letters: Letters) -> String {
    let b = word.as_bytes();
    let shared = std::ptr::eq(letters, SHARED);
    let mut out = String::with_capacity(b.len() + 4);
    let mut i = 0;
    while i < b.len() {
        let rest = &word[i..];
        let english = |from: &str| match from {
            "ch" => shared && i == 0,
            "j" => i == 0 || b"aeioudz".contains(&b[i - 1]),
            _ => false,
        };
        match letters.iter().find(|(from, _)| rest.starts_with(from)) {
            Some((from, _)) if english(from) => {
                out.push_str(from);
                i += from.len();
            }
            Some((from, to)) => {
                out.push_str(to);
                i += from.len();
            }
            None => {
                out.push(char::from(b[i]));
                i += 1;
            }
        }
    }
    out
}

/// The fewest letters a reading keeps, unless it is a particle (ABOE / ABU) or a stem's (of
/// [`STEM_MIN`] letters as written: RAADAS / RAAD): a shorter word is another name too often
/// (BOER, a Dutch name, read BUR; KOEN, KUN).
const SHORTEST: usize = 4;

/// A reading as it is compared: the variant key of what English would write, folded as
/// [`adapted_key`] folds a listed word's.
fn folded(english: &str) -> String {
    adapted_key(&fold_variant(english)).into_owned()
}

/// The readings of a word (lower-case ASCII, as [`tokens`](crate::tokens) gives it) as each
/// language of the name writes a foreign name, folded to compare with a listed word's
/// [`adapted_key`]: the letters all of them share, and each language the name shows; a
/// word with the Baltic ending also as its stem. `carons` is the word with its carons spelt
/// out ([`carons_spelt_out`]), where it had some. A Hungarian or Latvian h may be kh at the
/// start of a word too. Outside such a name, readings the word's own variant key already
/// gives are left out.
pub fn readings(word: &str, carons: Option<&str>, languages: Languages) -> Vec<Box<str>> {
    if !word.is_ascii() || word.len() < 2 {
        return Vec::new();
    }
    let key = fold_variant(word);
    // In a name that shows one of the languages, the word as written is read too: none of
    // them writes gh, or c for k (GANIMI / GHANIMI).
    let shown = languages.dutch || languages.hungarian || languages.baltic;
    let with_carons = carons.unwrap_or(word);
    let ending = baltic_stem(with_carons)
        .filter(|_| languages.endings)
        .map(|stem| with_carons.len() - stem.len());
    // Most words: in a name that shows no language, without the Baltic ending, with no
    // letter the shared readings change (c, j) and none `adapted_key` folds (c, g, z), the
    // only reading is the key itself. Every name of a list is read, so this is asked first.
    if !shown && ending.is_none() && !word.contains(['c', 'j']) && !key.contains(['c', 'g', 'z']) {
        return Vec::new();
    }
    let mut out: Vec<Box<str>> = Vec::new();
    // `stem`: the reading of a stem, which keeps STEM_MIN letters as written.
    let mut add = |english: &str, stem: bool| {
        let reading = folded(english);
        // Counted as spelt, before the variant key folds it shorter (JEGA: "ega").
        let long =
            stem || english.len().max(reading.len()) >= SHORTEST || crate::is_particle(&reading);
        if long && (shown || reading != *key) && !out.iter().any(|r| **r == *reading) {
            out.push(reading.into_boxed_str());
        }
    };
    if shown {
        add(word, false);
    }
    // The word, and the stem of a word with the Baltic ending: each as it is, as every
    // language reads it, and as each language of the name reads it.
    let stem = ending.filter(|&n| word.len() > n).map(|n| {
        (
            &word[..word.len() - n],
            &with_carons[..with_carons.len() - n],
        )
    });
    if let Some((_, stem)) = stem {
        add(stem, true);
    }
    let spellings = [(word, with_carons, false)]
        .into_iter()
        .chain(stem.map(|(plain, carons)| (plain, carons, true)));
    for (spelling, spelling_with_carons, stem) in spellings {
        let mut add = |english: &str| add(english, stem);
        add(&respell(spelling, SHARED));
        if languages.dutch {
            add(&respell(spelling, DUTCH));
        }
        let hungarian = languages.hungarian.then(|| respell(spelling, HUNGARIAN));
        let baltic = languages
            .baltic
            .then(|| respell(spelling_with_carons, BALTIC));
        // Hungarian and Latvian write kh as h, at the start of a word too (HALIL, KHALIL),
        // where the variant key keeps kh apart from h.
        for english in hungarian.into_iter().chain(baltic) {
            add(&english);
            if english.starts_with('h') {
                add(&format!("k{english}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `query`, in a name written `name`, reads as `listed`.
    fn reads_as(name: &str, query: &str, listed: &str) -> bool {
        let words = crate::tokens(name);
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        let carons = has_carons(name);
        let spelt = crate::tokens(&carons_spelt_out(name));
        let word = crate::tokens(query).concat();
        let at = words.iter().position(|w| *w == word);
        let spelt_word = at.filter(|_| carons).and_then(|k| spelt.get(k));
        let key = crate::tokens(listed).concat();
        let listed_key = adapted_key(&fold_variant(&key)).into_owned();
        readings(
            &word,
            spelt_word.map(String::as_str),
            languages(&words, carons, true),
        )
        .iter()
        .any(|r| **r == *listed_key)
    }

    #[test]
    fn each_language_reads_back_as_the_list_writes() {
        for (name, query, listed) in [
            // Dutch
            ("Vladimir Poetin", "Poetin", "PUTIN"),
            (
                "Hoesain Moehamad al Dzjoeaithini",
                "Dzjoeaithini",
                "JUAYTHINI",
            ),
            ("Hoesain Moehamad al Dzjoeaithini", "Hoesain", "Husayn"),
            ("Nedzjm Adin Chreit", "Chreit", "KHREIT"),
            ("Roman Joerjevitsj Lensjin", "Joerjevitsj", "Yuryevich"),
            ("Roman Joerjevitsj Lensjin", "Lensjin", "LENSHIN"),
            ("Mohamad Mehdi Nedzjad Nooeri", "Nooeri", "NOURI"),
            // Hungarian
            ("Vlagyimir Putyin", "Vlagyimir", "Vladimir"),
            ("Vlagyimir Putyin", "Putyin", "PUTIN"),
            ("Milos Eduardovics Vagnyer", "Vagnyer", "VAGNER"),
            ("Alekszei Baslikov", "Baslikov", "BASHLIKOV"),
            ("Abu Dzsabal", "Dzsabal", "JABAL"),
            ("Halil Dzsaraja", "Halil", "KHALIL"),
            ("Fransziszko Dzsavier", "Fransziszko", "Francisco"),
            ("Gyiana Igorevna Misenko", "Misenko", "MISHCHENKO"),
            // Lithuanian and Latvian
            ("Vladimir Putinas", "Putinas", "PUTIN"),
            ("Vladimir Putins", "Putins", "PUTIN"),
            ("Aleksandr Valerjevič Nikitins", "Valerjevič", "Valeryevich"),
            ("Aleksandr Sergeevič Kuznecovas", "Kuznecovas", "KUZNETSOV"),
            ("Marial Čans", "Čans", "CHAN"),
            ("Talal Machlufas", "Machlufas", "MAKHLUF"),
            ("Hazalbek Atabekovs", "Hazalbek", "KHAZALBEK"),
            ("Mjint Kjaingas", "Kjaingas", "KYAING"),
            ("Luis Antonio Bermudez Medžia", "Medžia", "MEJIA"),
            ("Saidulah Džanas", "Džanas", "JAN"),
            ("Abas Džega", "Džega", "JEGA"),
            ("Talal Muhamad Rašid Nadži", "Nadži", "NAJI"),
            ("Mohamed Raadas", "Raadas", "RAAD"),
            ("Karim Dža Far Muhsin al Ganimi", "Ganimi", "GHANIMI"),
            ("Aboe Moestafa al Sjaibani", "Aboe", "ABU"),
            // Any of them
            ("Michail Iskricki", "Iskricki", "ISKRITSKY"),
            ("Michail Iskricki", "Michail", "Mikhail"),
        ] {
            assert!(reads_as(name, query, listed), "{query} ({name}) / {listed}");
        }
    }

    #[test]
    fn a_word_spelt_without_c_reads_as_the_listed_word_with_it() {
        let token = |name: &str| crate::analyze_person(name).tokens.remove(0);
        assert!(token("Sesilia").adapted_as(&token("Cecilia")));
        // Nor does a listed word without c meet a word by its key alone.
        assert!(!token("Sesilia").adapted_as(&token("Sesilia")));
        assert!(!token("Sesil").adapted_as(&token("Cecilia")));
    }

    #[test]
    fn english_spellings_and_other_names_stay_apart() {
        for (name, query, listed) in [
            // ch and j at the start are English's, s is s, oe is oe, but in names that
            // show the language.
            ("Jackie Chan", "Chan", "KHAN"),
            ("Jang Min Ho", "Jang", "YANG"),
            ("Samir Basha", "Samir", "SHAMIR"),
            ("Joel Smith", "Joel", "YUL"),
            ("Hans Han", "Han", "KHAN"),
            // An English or Dutch family name of a given name is no Latvian ending.
            ("John Williams", "Williams", "WILLIAM"),
            ("Peter Roberts", "Roberts", "ROBERT"),
            // Short stems are words of their own.
            ("Aik Haws", "Haws", "HAW"),
            ("Jonas Berg", "Jonas", "JON"),
            // Two names a reading does not join.
            ("Pieter de Boer", "Boer", "BUR"),
            ("Janos Szabo", "Janos", "JANO"),
            ("Szandor Szabo", "Szabo", "SHABO"),
            ("Ivan Petrovas", "Petrovas", "PETROVA"),
        ] {
            assert!(
                !reads_as(name, query, listed),
                "{query} ({name}) / {listed}"
            );
        }
    }

    #[test]
    fn languages_are_told_by_their_own_letters() {
        let of = |name: &str| {
            let words = crate::tokens(name);
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            languages(&words, has_carons(name), true)
        };
        assert!(of("Vladimir Poetin").dutch);
        assert!(of("Vlagyimir Putyin").hungarian);
        assert!(of("Vladimir Putinas").baltic && of("Sergej Šojgu").baltic);
        let none = Languages {
            endings: true,
            ..Languages::default()
        };
        assert_eq!(of("Vladimir Putin"), none);
        assert_eq!(of("John Williams"), none);
        // A company's plural is no Baltic ending (NAIR STEELS / NEYRIZ STEEL).
        let company = languages(&["nair", "steels"], false, false);
        assert!(!company.baltic && readings("steels", None, company).is_empty());
        assert_eq!(
            carons_spelt_out("Medžia Čans Šipicin"),
            "Medzhia tchans shipicin"
        );
    }
}
