//! Vietnamese syllables: one word is one syllable, an onset and a rhyme of the national
//! orthography, read here without its diacritics (as lists and payment systems write it).
// Hand-written: the orthography's onsets and rhymes are a short closed list, and no crate
// of the registry validates them.

use super::{Sets, Syllable};
use rustc_hash::FxHashSet as HashSet;
use std::sync::OnceLock;

const ONSETS: &[&str] = &[
    "ngh", "ch", "gh", "gi", "kh", "ng", "nh", "ph", "qu", "th", "tr", "b", "c", "d", "g", "h",
    "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
];

/// Vowel nuclei, with the glide that may precede them (oa, uy …).
const NUCLEI: &[&str] = &[
    "uye", "uya", "oai", "oay", "uoi", "uou", "ieu", "yeu", "oa", "oe", "uy", "uo", "ua", "ue",
    "ie", "ia", "ye", "uu", "ai", "ao", "au", "ay", "eo", "eu", "iu", "oi", "ui", "a", "e", "i",
    "o", "u", "y",
];

const CODAS: &[&str] = &["ch", "ng", "nh", "c", "m", "n", "p", "t", ""];

/// Family names (the commonest, covering most of the population).
const SURNAMES: &str = "nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly \
dinh truong doan mai lam ta cao luu ton trinh quach la chau ha tang thai vuong kieu";

/// Every syllable the orthography spells (onset + nucleus + coda), made once: one hash
/// lookup a word instead of matching the tables' prefixes.
fn valid() -> &'static HashSet<String> {
    static VALID: OnceLock<HashSet<String>> = OnceLock::new();
    VALID.get_or_init(|| {
        let mut valid = HashSet::default();
        for onset in ONSETS {
            for nucleus in NUCLEI {
                for coda in CODAS {
                    valid.insert(format!("{onset}{nucleus}{coda}"));
                }
            }
        }
        valid
    })
}

pub(super) fn syllable(word: &str) -> Option<Syllable> {
    valid().contains(word).then(|| Syllable {
        sets: Sets::Vietnamese,
        key: word.bytes().fold(0x811c_9dc5u32, |h, b| {
            (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
        }),
    })
}

pub(super) fn is_surname(word: &str) -> bool {
    static SET: OnceLock<std::collections::HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| SURNAMES.split_whitespace().collect())
        .contains(word)
}
