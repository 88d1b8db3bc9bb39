//! Hebrew → Latin.
// Hand-written: any_ascii reads ב as v and ו as v everywhere ("vnymyn
// ntnyhv"); names need the position rules (ב→b first, v after) and the vowel
// letters (ו, י) read as vowels inside a word.

pub(crate) fn transliterate(run: &[char], out: &mut String) {
    let letters: Vec<char> = run
        .iter()
        .copied()
        .filter(|&c| !unicode_normalization::char::is_combining_mark(c))
        .collect();
    let last = letters.len().saturating_sub(1);
    let mut index = 0;
    while let Some(&c) = letters.get(index) {
        let next = letters.get(index + 1).copied();
        let at_start = index == 0;
        let at_end = index == last;
        let mut used = 1;
        let latin: &str = match c {
            'א' => {
                if at_start {
                    "a"
                } else {
                    ""
                }
            }
            'ב' => {
                if at_start {
                    "b"
                } else {
                    "v"
                }
            }
            'ג' => "g",
            'ד' => "d",
            'ה' => {
                if at_end && !at_start {
                    "a"
                } else {
                    "h"
                }
            }
            'ו' => {
                if next == Some('ו') {
                    used = 2;
                    "v"
                } else if at_start {
                    "v"
                } else if at_end {
                    "u"
                } else {
                    "o"
                }
            }
            'ז' => "z",
            'ח' => "h",
            'ט' => "t",
            'י' => {
                if next == Some('י') {
                    used = 2;
                    "y"
                } else if at_start || matches!(next, Some('ו' | 'א')) {
                    "y"
                } else {
                    "i"
                }
            }
            'כ' => {
                if at_start {
                    "k"
                } else {
                    "kh"
                }
            }
            'ך' => "kh",
            'ל' => "l",
            'מ' | 'ם' => "m",
            'נ' | 'ן' => "n",
            'ס' => "s",
            'ע' => {
                if at_start {
                    "a"
                } else {
                    ""
                }
            }
            'פ' => {
                if at_start {
                    "p"
                } else {
                    "f"
                }
            }
            'ף' => "f",
            'צ' | 'ץ' => "ts",
            'ק' => "k",
            'ר' => "r",
            'ש' => "sh",
            'ת' => "t",
            _ => any_ascii::any_ascii_char(c),
        };
        out.push_str(latin);
        index += used;
    }
}
