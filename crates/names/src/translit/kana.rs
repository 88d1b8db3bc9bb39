//! Japanese kana → Hepburn (wana_kana), long vowels as on passports.

use unicode_normalization::UnicodeNormalization;
use wana_kana::ConvertJapanese;

/// Kana that wana_kana converts safely: its half-width path can panic, so
/// half-width forms are first made full-width (NFKC) and anything outside
/// the main hiragana/katakana letters goes to any_ascii.
fn is_plain_kana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' | 'ー')
}

pub(crate) fn transliterate(run: &[char], out: &mut String) {
    let text: String = run.iter().collect::<String>().nfkc().collect();
    let mut kana = String::with_capacity(text.len());
    for c in text.chars() {
        if is_plain_kana(c) {
            kana.push(c);
            continue;
        }
        flush(&mut kana, out);
        out.push_str(any_ascii::any_ascii_char(c));
    }
    flush(&mut kana, out);
}

fn flush(kana: &mut String, out: &mut String) {
    if !kana.is_empty() {
        drop_long_vowels(&kana.as_str().to_romaji(), out);
        kana.clear();
    }
}

/// ou/oo → o and uu → u, unless a vowel follows (イノウエ is i-no-u-e):
/// passports and lists write サトウ as Sato, not Satou or Satō.
fn drop_long_vowels(romaji: &str, out: &mut String) {
    let chars: Vec<char> = romaji.chars().collect();
    let is_vowel = |c: Option<&char>| matches!(c, Some('a' | 'e' | 'i' | 'o' | 'u'));
    let mut index = 0;
    while let Some(&c) = chars.get(index) {
        let next = chars.get(index + 1).copied();
        let long = matches!((c, next), ('o', Some('u' | 'o')) | ('u', Some('u')))
            && !is_vowel(chars.get(index + 2));
        out.push(c);
        index += if long { 2 } else { 1 };
    }
}
