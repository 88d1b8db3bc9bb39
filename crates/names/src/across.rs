//! Names across scripts: the Latin forms of a given or family name written in another script
//! (ウラジーミル, 블라디미르, فلاديمير → Vladimir, Wladimir, Volodymyr …).
//!
//! A romaniser reads a word letter by letter: it cannot know that Japanese writes Vladimir
//! ウラジーミル (u-ra-ji-i-mi-ru) or Arabic leaves its vowels out. The table knows the name:
//! it comes from Wikidata's name items through rigour 1.8.2 (see `data/README.md`, rebuilt by
//! `scripts/build_name_table.py`), one group per item, its non-Latin forms pointing to its
//! Latin forms. Only a word written in a non-Latin script is looked up, so the table never
//! makes two Latin spellings equal (Ivan and Juan stay two names). Cyrillic is left to its
//! romaniser (see `data/README.md`).
//!
//! The table is read and decompressed on first use ([`OnceLock`]), about 185,000 forms.

use crate::script::{Script, letter_script};
use crate::{fold_variant, normalize};
use rustc_hash::FxHashMap;
use std::io::Read;
use std::sync::OnceLock;

/// The table as `scripts/build_name_table.py` writes it: gzip of lines `latin …\tother …`.
static DATA: &[u8] = include_bytes!("../data/across-scripts.txt.gz");

struct Table {
    /// A normalised non-Latin word → index into `readings`.
    words: FxHashMap<Box<str>, u32>,
    /// Sets of variant keys of Latin forms, sorted and without repeats.
    readings: Vec<Box<[Box<str>]>>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| load(DATA))
}

/// Reads the table; a damaged table reads as far as it is whole (it is compiled in, so a
/// test catches that first).
fn load(data: &[u8]) -> Table {
    let mut text = String::new();
    let _ = flate2::read::GzDecoder::new(data).read_to_string(&mut text);
    let mut words: FxHashMap<Box<str>, u32> = FxHashMap::default();
    let mut readings: Vec<Box<[Box<str>]>> = Vec::new();
    // The sets a word in several groups was given, by their indices: each union made once.
    let mut unions: FxHashMap<(u32, u32), u32> = FxHashMap::default();
    for line in text.lines() {
        let Some((latin, others)) = line.split_once('\t') else {
            continue;
        };
        let mut keys: Vec<Box<str>> = latin
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(|w| Box::from(fold_variant(w).as_ref()))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        if keys.is_empty() {
            continue;
        }
        let group = readings.len() as u32;
        readings.push(keys.into_boxed_slice());
        for other in others.split(' ') {
            let word = normalize(other);
            if !is_looked_up(&word) {
                continue;
            }
            match words.get(word.as_str()).copied() {
                None => {
                    words.insert(word.into_boxed_str(), group);
                }
                Some(before) => {
                    let merged = *unions.entry((before, group)).or_insert_with(|| {
                        let mut keys: Vec<Box<str>> = readings[before as usize]
                            .iter()
                            .chain(readings[group as usize].iter())
                            .cloned()
                            .collect();
                        keys.sort_unstable();
                        keys.dedup();
                        readings.push(keys.into_boxed_slice());
                        readings.len() as u32 - 1
                    });
                    words.insert(word.into_boxed_str(), merged);
                }
            }
        }
    }
    Table { words, readings }
}

/// Whether a normalised word is one the table is looked up by: one word of two letters or
/// more, none of them Latin.
pub(crate) fn is_looked_up(word: &str) -> bool {
    !word.is_ascii()
        && !word.contains(' ')
        && word.chars().nth(1).is_some()
        && word.chars().all(|c| letter_script(c) != Script::Latin)
}

/// The [`fold_variant`] keys of the Latin forms of the name a [`normalize`]d word in a
/// non-Latin script is written as (empty for a Latin word or a word the table does not
/// know).
pub fn across_scripts(word: &str) -> &'static [Box<str>] {
    if !is_looked_up(word) {
        return &[];
    }
    let t = table();
    match t.words.get(word) {
        Some(&i) => &t.readings[i as usize],
        None => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads_as(word: &str, latin: &str) -> bool {
        let key = fold_variant(latin);
        across_scripts(&normalize(word)).iter().any(|k| **k == *key)
    }

    #[test]
    fn a_name_in_other_scripts_reads_as_its_latin_forms() {
        for word in [
            "ウラジーミル",
            "블라디미르",
            "弗拉基米尔",
            "فلاديمير",
            "ולדימיר",
            "Βλαντίμιρ",
            "վլադիմիր",
            "ვლადიმერი",
        ] {
            assert!(reads_as(word, "vladimir"), "{word}");
        }
        assert!(reads_as("セルゲイ", "sergei") && reads_as("알렉산더", "alexander"));
    }

    #[test]
    fn cyrillic_is_left_to_its_romaniser() {
        // Сергій and Sergey are two languages' names, as often two people's.
        assert!(across_scripts(&normalize("Сергій")).is_empty());
    }

    #[test]
    fn a_latin_word_is_never_looked_up() {
        for word in ["ivan", "vladimir", "juan", "müller", "łukasz"] {
            assert!(across_scripts(&normalize(word)).is_empty(), "{word}");
        }
    }

    #[test]
    fn native_chinese_japanese_and_korean_names_are_left_to_the_romanisers() {
        // 娟 (juan) and 연 (yeon) are one syllable each; ゆうき is hiragana.
        for word in ["娟", "연", "ゆうき", "淑娟"] {
            assert!(across_scripts(&normalize(word)).is_empty(), "{word}");
        }
    }

    #[test]
    fn every_word_of_the_table_is_found_as_normalised() {
        let t = table();
        assert!(t.words.len() > 100_000, "{} words", t.words.len());
        assert!(t.words.keys().all(|w| normalize(w) == **w));
        assert!(t.readings.iter().all(|r| !r.is_empty()));
    }
}
