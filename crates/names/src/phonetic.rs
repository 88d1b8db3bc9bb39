//! Phonetic key and consonant skeleton.

use rphonetic::{DoubleMetaphone, Encoder};

use crate::fold_variant;

/// Longest Double Metaphone code kept: the default 4 merges too many long
/// names ("Rotenberg" and "Rotenfeld").
const PHONETIC_LENGTH: usize = 6;

/// Phonetic key of a token: Double Metaphone (primary code, up to 6
/// characters) of the token's [`fold_variant`] key.
///
/// Double Metaphone already merges the spelling habits of European languages
/// (c/k/ck/q, ph/f, sch/sh, silent letters, w/v in Slavic names); folding first
/// removes the transliteration variance that it does not know (-iy/-y, kh/h,
/// dzh/j …). So "Mohammed" and "Muhammad" share MHMT, "Husayn" and "Hussein"
/// HSN. Non-Latin letters are ignored: transliterate first.
pub fn phonetic(token: &str) -> String {
    phonetic_of_key(&fold_variant(token))
}

pub(crate) fn phonetic_of_key(key: &str) -> String {
    // rphonetic slices by byte offsets: give it ASCII letters only.
    let encoder = DoubleMetaphone::new(Some(PHONETIC_LENGTH));
    if !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphabetic()) {
        return encoder.encode(key);
    }
    let letters: String = key.chars().filter(char::is_ascii_alphabetic).collect();
    if letters.is_empty() {
        return String::new();
    }
    encoder.encode(&letters)
}

/// Consonant skeleton: the first letter, then the consonants, with doubled
/// letters collapsed and vowels (a e i o u y) dropped after the first letter.
/// An initial vowel is written `a`, since romanisations of an initial hamza or
/// ayn differ in their vowel (Osama/Usama → asm, Omar/Umar → amr).
///
/// Arabic and Hebrew romanisations differ mostly in vowels, which their
/// scripts do not write: "zawahiri", "zwahri" (from Arabic script) and
/// "zawahri" all give zwhr. Characters other than letters and digits are
/// ignored.
pub fn skeleton(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    let mut previous: Option<char> = None;
    for c in token.chars().filter(|c| c.is_alphanumeric()) {
        let c = c.to_ascii_lowercase();
        if previous == Some(c) {
            continue;
        }
        let vowel = matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y');
        if previous.is_none() {
            out.push(if vowel && c != 'y' { 'a' } else { c });
        } else if !vowel {
            out.push(c);
        }
        previous = Some(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{phonetic, skeleton};

    #[test]
    fn phonetic_keys_meet_for_respellings() {
        let groups: &[&[&str]] = &[
            &["muhammad", "mohammed", "mohamad"],
            &["husayn", "hussein", "husain"],
            &["zawahiri", "zavahiri", "sawahiri"],
            &["rotenberg", "rottenberg"],
            &["schmidt", "shmidt"],
        ];
        for group in groups {
            let first = phonetic(group.first().copied().unwrap_or_default());
            assert!(!first.is_empty());
            for token in group.iter().skip(1) {
                assert_eq!(phonetic(token), first, "{token:?} vs {:?}", group.first());
            }
        }
        assert_ne!(phonetic("rotenberg"), phonetic("rotenfeld"));
        assert_ne!(phonetic("putin"), phonetic("patel"));
        assert_eq!(phonetic("Путин"), "");
    }

    #[test]
    fn skeletons() {
        let cases = [
            ("muhammad", "mhmd"),
            ("mohammed", "mhmd"),
            ("mhmd", "mhmd"),
            ("zawahiri", "zwhr"),
            ("zwahri", "zwhr"),
            ("osama", "asm"),
            ("usama", "asm"),
            ("netanyahu", "ntnh"),
            ("ntnihu", "ntnh"),
            ("yusuf", "ysf"),
            ("", ""),
        ];
        for (token, expected) in cases {
            assert_eq!(skeleton(token), expected, "token {token:?}");
        }
    }
}
