//! `normalize`: one canonical spelling of a name in its own script.
//!
//! Steps, in order: NFKC; invisible characters removed; word boundaries from
//! punctuation; look-alike letters of another script folded into the word's
//! majority script; digits used as letters folded; case folded; diacritics
//! removed (where they are accents, not letters); whitespace collapsed.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::decompose_canonical;

use crate::script::is_mark as is_combining_mark;

use crate::script::{self, Script, letter_script, strips_marks};

/// Normalises `text` for comparison, keeping each word in its own script.
///
/// The output is lower case, has no diacritics on Latin, Greek or Cyrillic
/// letters (except the Cyrillic letters й ї ў, which are letters of their own),
/// no invisible characters, and single spaces between words. Hyphens, dots,
/// commas, slashes, brackets and quotes separate words; apostrophes are
/// dropped (`O'Brien` → `obrien`, `Ma'mun` → `mamun`); `&` becomes the word
/// `and`. `normalize(normalize(x)) == normalize(x)`.
pub fn normalize(text: &str) -> String {
    let already_nfkc = text.chars().all(script::is_nfkc_stable)
        || unicode_normalization::is_nfkc_quick(text.chars())
            == unicode_normalization::IsNormalized::Yes;
    let nfkc: Cow<str> = if already_nfkc {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.nfkc().collect())
    };
    let pieces = split_pieces(&nfkc);
    let vietnamese = nfkc.chars().any(is_vietnamese_marker);
    let stats: Vec<WordStats> = pieces
        .iter()
        .map(|piece| match piece {
            Piece::Word(word) => WordStats::of(word, vietnamese),
            // becomes the Latin word "and"
            Piece::And => WordStats::of("and", false),
        })
        .collect();
    // A word made only of look-alikes (e.g. "ВАТ" typed in Cyrillic) inside an
    // otherwise Latin name is a spoof of a Latin word; inside a genuinely
    // Cyrillic or Greek name it is a real word and stays in its script.
    let latin_context = stats.iter().any(|s| s.majority() == Script::Latin)
        && !stats.iter().any(|s| s.non_confusable > 0);

    let mut out = String::with_capacity(nfkc.len() + 8);
    let mut needs_recheck = false;
    for (piece, stat) in pieces.iter().zip(&stats) {
        match piece {
            Piece::And => push_word_separator(&mut out, "and"),
            Piece::Word(word) => {
                let fold = if stat.majority() == Script::Latin
                    || (latin_context && stat.non_confusable == 0 && stat.other == 0)
                {
                    Fold::ToLatin
                } else if stat.majority() == Script::Cyrillic {
                    Fold::ToCyrillic
                } else {
                    Fold::None
                };
                // Only in Latin words: there a digit spoofs a Latin letter, and
                // the letters it becomes keep the word Latin on a second pass.
                let digits_as_letters = fold == Fold::ToLatin
                    && stat.letters >= 2
                    && stat.digits > 0
                    && stat.digits == stat.letter_like_digits;
                if !out.is_empty() && !out.ends_with(' ') {
                    out.push(' ');
                }
                let start = out.len();
                needs_recheck |= emit_word(word, fold, digits_as_letters, vietnamese, &mut out);
                if out.len() == start {
                    // nothing visible in this word: undo the separator
                    if out.ends_with(' ') {
                        out.pop();
                    }
                }
            }
        }
    }
    while out.ends_with(' ') {
        out.pop();
    }
    // Lower-casing can, in rare cases, produce a sequence that NFKC would
    // change again; one more pass makes the result a fixed point.
    if needs_recheck
        && !out.is_ascii()
        && unicode_normalization::is_nfkc_quick(out.chars())
            != unicode_normalization::IsNormalized::Yes
    {
        let again: String = out.nfkc().collect();
        if again != out {
            return normalize(&again);
        }
    }
    out
}

fn push_word_separator(out: &mut String, word: &str) {
    if !out.is_empty() && !out.ends_with(' ') {
        out.push(' ');
    }
    out.push_str(word);
}

enum Piece<'a> {
    Word(&'a str),
    And,
}

/// How a character acts between words.
#[derive(PartialEq)]
enum CharRole {
    /// Letter, digit or combining mark: part of a word.
    Word,
    /// Dropped without breaking the word (invisible characters, apostrophes).
    Joiner,
    /// `&`
    Ampersand,
    /// Everything else ends the word.
    Separator,
}

fn char_role(c: char) -> CharRole {
    if c.is_ascii_alphanumeric() {
        CharRole::Word
    } else if is_invisible(c) || is_apostrophe(c) {
        CharRole::Joiner
    } else if script::is_alphanumeric(c) || is_combining_mark(c) {
        CharRole::Word
    } else if c == '&' {
        CharRole::Ampersand
    } else {
        CharRole::Separator
    }
}

fn split_pieces(text: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::with_capacity(8);
    let mut word_start: Option<usize> = None;
    for (index, c) in text.char_indices() {
        match char_role(c) {
            CharRole::Word | CharRole::Joiner => {
                if word_start.is_none() {
                    word_start = Some(index);
                }
            }
            role => {
                if let Some(start) = word_start.take() {
                    pieces.push(Piece::Word(&text[start..index]));
                }
                if role == CharRole::Ampersand {
                    pieces.push(Piece::And);
                }
            }
        }
    }
    if let Some(start) = word_start {
        pieces.push(Piece::Word(&text[start..]));
    }
    pieces
}

/// Characters that render as nothing and only serve to hide or spoof a name.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' // soft hyphen
        | '\u{034F}' // combining grapheme joiner
        | '\u{061C}' // Arabic letter mark
        | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' // Hangul fillers
        | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' // Mongolian variation selectors and vowel separator
        | '\u{200B}'..='\u{200F}' // zero-width space, ZWNJ, ZWJ, LRM, RLM
        | '\u{202A}'..='\u{202E}' // bidi embeddings and overrides
        | '\u{2060}'..='\u{206F}' // word joiner, invisible operators, bidi isolates
        | '\u{FE00}'..='\u{FE0F}' // variation selectors
        | '\u{FEFF}' // BOM / zero-width no-break space
        | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E0FFF}' // tags and variation selectors supplement
    )
}

pub(crate) fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '`'
            | '\u{00B4}' // acute accent
            | '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{2032}' // quotes, prime
            | '\u{02B9}' | '\u{02BB}' | '\u{02BC}' | '\u{02BD}' | '\u{02BE}' | '\u{02BF}' // modifier letters: ayn, hamza
            | '\u{02C8}'
            | '\u{05F3}' | '\u{05F4}' // Hebrew geresh, gershayim
    )
}

/// Letters that only Vietnamese uses: their presence makes đ read as d, not dj.
fn is_vietnamese_marker(c: char) -> bool {
    matches!(c, '\u{1EA0}'..='\u{1EF9}' | 'ơ' | 'Ơ' | 'ư' | 'Ư')
}

#[derive(Default, Clone, Copy)]
struct WordStats {
    latin: usize,
    cyrillic: usize,
    greek: usize,
    /// Letters of any other script.
    other: usize,
    /// Cyrillic or Greek letters with no Latin look-alike.
    non_confusable: usize,
    letters: usize,
    digits: usize,
    /// Digits 0, 1, 5 that stand for o, l, s.
    letter_like_digits: usize,
}

impl WordStats {
    fn of(word: &str, vietnamese: bool) -> Self {
        let mut stats = WordStats::default();
        for c in word.chars() {
            if c.is_ascii_alphabetic() {
                stats.latin += 1;
                stats.letters += 1;
                continue;
            }
            if c.is_ascii_digit() {
                stats.digits += 1;
                if matches!(c, '0' | '1' | '5') {
                    stats.letter_like_digits += 1;
                }
                continue;
            }
            // marks with the Alphabetic property (Indic vowel signs) are not letters here
            if !script::is_alphabetic(c) || is_combining_mark(c) {
                continue;
            }
            match letter_script(c) {
                Script::Latin => {
                    stats.latin += 1;
                    // count letters as written out: æ is two (a second pass sees "ae")
                    let (lower, _) = script::to_lower(c);
                    stats.letters += special_letter(lower, vietnamese).map_or(1, str::len);
                    continue;
                }
                Script::Cyrillic => {
                    stats.letters += 1;
                    stats.cyrillic += 1;
                    if latin_twin(c).is_none() {
                        stats.non_confusable += 1;
                    }
                }
                Script::Greek => {
                    stats.letters += 1;
                    stats.greek += 1;
                    if latin_twin(c).is_none() {
                        stats.non_confusable += 1;
                    }
                }
                _ => {
                    stats.letters += 1;
                    stats.other += 1;
                }
            }
        }
        stats
    }

    /// The script most of the word's Latin/Cyrillic/Greek letters are in; ties go to Latin.
    fn majority(&self) -> Script {
        if self.latin == 0 && self.cyrillic == 0 && self.greek == 0 {
            Script::Other
        } else if self.latin >= self.cyrillic && self.latin >= self.greek {
            Script::Latin
        } else if self.cyrillic >= self.greek {
            Script::Cyrillic
        } else {
            Script::Greek
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Fold {
    ToLatin,
    ToCyrillic,
    None,
}

/// Cyrillic and Greek letters that look like a Latin letter (in the case given).
// Hand-written: UTS#39 skeletons (unicode-security) also fold sequences like
// "rn"→"m" and map to odd prototypes; here only letter-for-letter twins matter.
fn confusable_to_latin(c: char) -> Option<char> {
    Some(match c {
        // Cyrillic lower case
        'а' => 'a',
        'е' => 'e',
        'о' => 'o',
        'р' => 'p',
        'с' => 'c',
        'у' => 'y',
        'х' => 'x',
        'і' => 'i',
        'ј' => 'j',
        'ѕ' => 's',
        'һ' => 'h',
        'ԁ' => 'd',
        'ԛ' => 'q',
        'ԝ' => 'w',
        'ӏ' => 'l',
        // Cyrillic upper case
        'А' => 'a',
        'В' => 'b',
        'Е' => 'e',
        'К' => 'k',
        'М' => 'm',
        'Н' => 'h',
        'О' => 'o',
        'Р' => 'p',
        'С' => 'c',
        'Т' => 't',
        'У' => 'y',
        'Х' => 'x',
        'І' => 'i',
        'Ј' => 'j',
        'Ѕ' => 's',
        'Ӏ' => 'l',
        // Greek lower case
        'ο' => 'o',
        'α' => 'a',
        'ι' => 'i',
        'κ' => 'k',
        'ν' => 'v',
        'ρ' => 'p',
        'υ' => 'u',
        'χ' => 'x',
        // Greek upper case
        'Α' => 'a',
        'Β' => 'b',
        'Ε' => 'e',
        'Ζ' => 'z',
        'Η' => 'h',
        'Ι' => 'i',
        'Κ' => 'k',
        'Μ' => 'm',
        'Ν' => 'n',
        'Ο' => 'o',
        'Ρ' => 'p',
        'Τ' => 't',
        'Υ' => 'y',
        'Χ' => 'x',
        _ => return None,
    })
}

/// The Latin look-alike of `c`, or of `c` lower-cased without its accents
/// (Greek ὐ is υ is u), so that a second pass finds nothing more to fold.
fn latin_twin(c: char) -> Option<char> {
    if c.is_ascii() {
        return None;
    }
    confusable_to_latin(c).or_else(|| confusable_to_latin(lower_base(c)?))
}

/// The Cyrillic look-alike of `c`, or of `c` lower-cased without its accents.
fn cyrillic_twin(c: char) -> Option<char> {
    latin_to_cyrillic(c).or_else(|| latin_to_cyrillic(lower_base(c)?))
}

fn lower_base(c: char) -> Option<char> {
    let (lower, _) = script::to_lower(c);
    if script::has_no_decomposition(lower) {
        return Some(lower);
    }
    let mut base = None;
    decompose_canonical(lower, |part| {
        if base.is_none() && !is_combining_mark(part) {
            base = Some(part);
        }
    });
    // a letter written as one other letter (ø → o) is that letter here too
    let mut written = special_letter(base?, false).map(str::chars);
    match written.as_mut().map(|chars| (chars.next(), chars.next())) {
        Some((Some(single), None)) => Some(single),
        _ => base,
    }
}

/// Latin letters that look like a Cyrillic letter, for Latin slipped into a
/// Cyrillic word. Latin `i` is left alone: it transliterates the same and
/// folding it to і would make the word look Ukrainian.
fn latin_to_cyrillic(c: char) -> Option<char> {
    Some(match c {
        'a' => 'а',
        'e' => 'е',
        'o' => 'о',
        'p' => 'р',
        'c' => 'с',
        'y' => 'у',
        'x' => 'х',
        'A' => 'А',
        'B' => 'В',
        'E' => 'Е',
        'K' => 'К',
        'M' => 'М',
        'H' => 'Н',
        'O' => 'О',
        'P' => 'Р',
        'C' => 'С',
        'T' => 'Т',
        'X' => 'Х',
        'Y' => 'У',
        _ => return None,
    })
}

/// Particles that a writer may glue to the next word in camel case
/// ("alZawahiri", "DeLorean", "vanDerBerg"): the case change marks the boundary.
fn is_camel_particle(prefix: &str) -> bool {
    matches!(
        prefix,
        "al" | "el"
            | "ul"
            | "bin"
            | "ibn"
            | "abu"
            | "abd"
            | "van"
            | "von"
            | "der"
            | "den"
            | "de"
            | "da"
            | "di"
            | "du"
            | "del"
            | "della"
            | "la"
            | "le"
            | "dos"
            | "das"
    )
}

/// What `push_folded` carries from one character to the next.
struct EmitState {
    /// The last base letter takes no combining marks (see `strips_marks`).
    last_base_strips: bool,
    /// Some letter was lower-cased by the general (rare) path, or an invisible
    /// character was dropped: the result may need NFKC again.
    needs_recheck: bool,
}

fn emit_word(
    word: &str,
    fold: Fold,
    digits_as_letters: bool,
    vietnamese: bool,
    out: &mut String,
) -> bool {
    let word_start = out.len();
    let mut part_start = word_start;
    let mut state = EmitState {
        last_base_strips: true,
        needs_recheck: false,
    };
    // the last letter as written, for camel case
    let mut previous: Option<char> = None;
    for c in word.chars() {
        if is_invisible(c) || is_apostrophe(c) {
            // its neighbours may now compose (Hangul 다 + filler + ᆨ → 닥)
            state.needs_recheck |= !c.is_ascii();
            continue;
        }
        let c = match fold {
            Fold::ToLatin => latin_twin(c).unwrap_or(c),
            Fold::ToCyrillic => cyrillic_twin(c).unwrap_or(c),
            Fold::None => c,
        };
        let c = if digits_as_letters {
            match c {
                '0' => 'o',
                '1' => 'l',
                '5' => 's',
                other => other,
            }
        } else {
            c
        };
        if is_camel_particle(&out[part_start..])
            && previous.is_some_and(char::is_lowercase)
            && c.is_uppercase()
        {
            out.push(' ');
            part_start = out.len();
        }
        if !is_combining_mark(c) {
            previous = Some(c);
        }
        push_folded(c, vietnamese, &mut state, out);
    }
    state.needs_recheck
}

/// Pushes `c` lower-cased and without accents.
fn push_folded(c: char, vietnamese: bool, state: &mut EmitState, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        state.last_base_strips = true;
        return;
    }
    if is_combining_mark(c) {
        // A mark on Latin/Greek/Cyrillic/Arabic/Hebrew is an accent or a
        // vowel point; on kana, Indic scripts etc. it is part of the letter.
        if !state.last_base_strips {
            out.push(c);
        }
        return;
    }
    let (fast_lower, slow) = script::to_lower(c);
    let mut general = None;
    if slow {
        state.needs_recheck = true;
        // the full mapping: İ lower-cases to two characters
        general = Some(c.to_lowercase());
    }
    let fast = (!slow).then_some(fast_lower);
    for lower in fast.into_iter().chain(general.into_iter().flatten()) {
        if is_combining_mark(lower) {
            if !state.last_base_strips {
                out.push(lower);
            }
            continue;
        }
        state.last_base_strips = strips_marks(lower);
        if let Some(replacement) = special_letter(lower, vietnamese) {
            out.push_str(replacement);
            continue;
        }
        if decomposes_to_base(lower) {
            decompose_canonical(lower, |part| {
                if !is_combining_mark(part) {
                    match special_letter(part, vietnamese) {
                        Some(replacement) => out.push_str(replacement),
                        None => out.push(part),
                    }
                }
            });
        } else {
            out.push(lower);
        }
    }
}

/// Whether the accents on this letter are removable.
fn decomposes_to_base(c: char) -> bool {
    if script::has_no_decomposition(c) {
        return false;
    }
    match letter_script(c) {
        Script::Latin | Script::Greek => true,
        // й ї ў are letters of their own; ё ѐ ѝ are е and и with an accent.
        Script::Cyrillic => matches!(c, 'ё' | 'ѐ' | 'ѝ'),
        _ => false,
    }
}

/// Letters that carry no decomposable accent but are written without one in
/// lists (ø, ł, ß …), plus Greek final sigma.
fn special_letter(c: char, vietnamese: bool) -> Option<&'static str> {
    Some(match c {
        'ß' => "ss",
        'ø' => "o",
        'ł' => "l",
        // Serbian/Croatian đ is written dj in lists (Đorđević → Djordjevic);
        // Vietnamese đ is written d.
        'đ' => {
            if vietnamese {
                "d"
            } else {
                "dj"
            }
        }
        'ð' => "d",
        'þ' => "th",
        'æ' => "ae",
        'œ' => "oe",
        'ı' => "i",
        'ħ' => "h",
        'ŧ' => "t",
        'ŀ' => "l",
        'ŋ' => "ng",
        'ƒ' => "f",
        'ɑ' => "a",
        'ɡ' => "g",
        'ĸ' => "k",
        'ə' => "a", // Azerbaijani: Əliyev → Aliyev
        'ǝ' | 'ɛ' => "e",
        'ɔ' => "o",
        'ɓ' => "b",
        'ɗ' => "d",
        'ƙ' => "k",
        'ƴ' => "y",
        'ʃ' => "sh",
        'ʒ' => "zh",
        'ς' => "σ",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn normalises_table() {
        let cases = [
            // NFKC: full-width letters, ligatures
            ("ＶＬＡＤＩＭＩＲ ＰＵＴＩＮ", "vladimir putin"),
            ("ﬁnance", "finance"),
            // invisible characters
            ("Pu\u{200B}tin", "putin"),
            ("Pu\u{00AD}tin", "putin"),
            ("\u{FEFF}Putin\u{200D}", "putin"),
            ("Pu\u{202E}tin\u{202C}", "putin"),
            ("Pu\u{FE0F}tin", "putin"),
            ("Osama\u{200C} bin\u{2066} Laden", "osama bin laden"),
            // diacritics
            ("Müller", "muller"),
            ("José Ñúñez", "jose nunez"),
            ("Đorđević", "djordjevic"),
            ("Øresund Łódź", "oresund lodz"),
            ("Straße", "strasse"),
            ("Ærø Œuvre", "aero oeuvre"),
            ("İstanbul Işık", "istanbul isik"),
            ("Əliyev", "aliyev"),
            ("Nguyễn Tấn Dũng Đặng", "nguyen tan dung dang"),
            // Cyrillic accents: ё→е, й and ї stay letters
            ("Алёна Йовович Їжак", "алена йовович їжак"),
            // Greek accents and final sigma
            ("Αλέξης Τσίπρας", "αλεξησ τσιπρασ"),
            // Arabic vowel points and Hebrew niqqud are dropped
            ("مُحَمَّد", "محمد"),
            ("שָׁלוֹם", "שלום"),
            // kana keeps its voicing marks; Hangul is not decomposed
            ("ガ ギ", "ガ ギ"),
            ("김정은", "김정은"),
            // homoglyphs: Cyrillic а and о inside a Latin word
            ("Vlаdimir Putin", "vladimir putin"),
            ("Usаmа bin Lаdеn", "usama bin laden"),
            ("ΡUTIN", "putin"),
            // a whole look-alike word in a Latin name is a spoof
            ("ВАТ Smith", "bat smith"),
            // a Latin letter inside a Cyrillic word
            ("Пyтин", "путин"),
            // a whole Cyrillic word stays Cyrillic
            ("Владимир Путин", "владимир путин"),
            ("ООО Ромашка", "ооо ромашка"),
            // digits used as letters
            ("0sama B1n Laden", "osama bln laden"),
            ("Usama5", "usamas"),
            ("Boeing 737", "boeing 737"),
            ("A1 Group", "a1 group"),
            // punctuation and spacing
            ("al-Zawahiri", "al zawahiri"),
            ("al Zawahiri", "al zawahiri"),
            ("alZawahiri", "al zawahiri"),
            ("AL-ZAWAHIRI, Ayman", "al zawahiri ayman"),
            ("O'Brien", "obrien"),
            ("Ma’mun", "mamun"),
            ("L.L.C.", "l l c"),
            ("Smith & Sons", "smith and sons"),
            ("A/B (C) \"D\" «Е»", "a b c d e"),
            ("  lots \t of\n space  ", "lots of space"),
            ("DeLorean", "de lorean"),
            ("McDonald", "mcdonald"),
            ("", ""),
            ("\u{200B}", ""),
            ("-- ..", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(normalize(input), expected, "input {input:?}");
        }
    }

    #[test]
    fn normalize_is_idempotent_on_table() {
        for input in ["Рoма Smith", "ВОТ Дом Smith", "İİ", "ǅemal", "Ω ℃ ㎏", "ΐΰ"]
        {
            let once = normalize(input);
            assert_eq!(normalize(&once), once, "input {input:?}");
        }
    }
}
