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
    let chars: Vec<char> = text.chars().collect();
    let mut kana = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if let Some(sound) = extended_syllable(c, chars.get(i + 1).copied()) {
            // A geminate mark before it doubles its consonant (ッティ tti).
            let doubled = kana.ends_with(['ッ', 'っ']);
            if doubled {
                kana.pop();
            }
            flush(&mut kana, out);
            if doubled {
                out.push_str(&sound[..1]);
            }
            out.push_str(&sound);
            i += 2;
            // A long vowel after it, as flush writes long vowels: a, e, i twice, o, u once.
            if chars.get(i) == Some(&'ー') {
                if let Some(vowel) = sound
                    .chars()
                    .last()
                    .filter(|v| matches!(v, 'a' | 'e' | 'i'))
                {
                    out.push(vowel);
                }
                i += 1;
            }
            continue;
        }
        i += 1;
        // ヴ on its own is vu (wana_kana reads it "vo").
        if c == 'ヴ' {
            flush(&mut kana, out);
            out.push_str("vu");
            continue;
        }
        if is_plain_kana(c) {
            kana.push(c);
            continue;
        }
        flush(&mut kana, out);
        out.push_str(any_ascii::any_ascii_char(c));
    }
    flush(&mut kana, out);
}

/// A syllable katakana writes a foreign sound with, a kana and a small vowel after it
/// (ティ ti, ファ fa, ウィ wi, ヴァ va, デュ dyu), in Hepburn: wana_kana reads both letters
/// (ティ "tei", ファ "fua"). `None` for any other pair.
fn extended_syllable(kana: char, small: Option<char>) -> Option<String> {
    let vowel = match small? {
        'ァ' | 'ぁ' => "a",
        'ィ' | 'ぃ' => "i",
        'ゥ' | 'ぅ' => "u",
        'ェ' | 'ぇ' => "e",
        'ォ' | 'ぉ' => "o",
        'ャ' | 'ゃ' => "ya",
        'ュ' | 'ゅ' => "yu",
        'ョ' | 'ょ' => "yo",
        _ => return None,
    };
    // Hand-written: the consonants of the kana that take a small vowel in loanwords.
    let consonant = match kana {
        'テ' | 'て' | 'ト' | 'と' => "t",
        'デ' | 'で' | 'ド' | 'ど' => "d",
        'フ' | 'ふ' => "f",
        'ヴ' => "v",
        'ウ' | 'う' => "w",
        'ク' | 'く' if !vowel.starts_with('y') => "kw",
        'グ' | 'ぐ' if !vowel.starts_with('y') => "gw",
        'ツ' | 'つ' if !vowel.starts_with('y') => "ts",
        'ス' | 'す' if vowel == "i" => "s",
        'ズ' | 'ず' if vowel == "i" => "z",
        'シ' | 'し' if vowel == "e" => "sh",
        'ジ' | 'じ' if vowel == "e" => "j",
        'チ' | 'ち' if vowel == "e" => "ch",
        'イ' | 'い' if vowel == "e" => "y",
        _ => return None,
    };
    Some(format!("{consonant}{vowel}"))
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

#[cfg(test)]
mod tests {
    #[test]
    fn loanword_syllables_are_read_in_hepburn() {
        for (kana, latin) in [
            ("ティホーノフ", "tihonofu"),
            ("フェドレンコ", "fedorenko"),
            ("ウィリアム", "wiriamu"),
            ("ヴァディム", "vadimu"),
            ("ヴ", "vu"),
            ("パーティー", "paatii"),
        ] {
            assert_eq!(crate::to_latin(kana), latin, "{kana}");
        }
    }
}
