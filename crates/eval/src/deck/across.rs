//! A listed person written in another script or language, as a writer of that language
//! writes a foreign name: forward, by that language's rules of transcription, from the
//! sounds of the Latin name (ПУТИН, プーチン, 푸틴, Πούτιν, بوتين, Poetin, Putyin, Putinas).
//!
//! The forms are made here, not looked up: the matcher's table of names across scripts
//! (`sanctum_names::across_scripts`) and its reading of katakana and Hangul play no part,
//! so a case found is one the matcher reads, not one it was handed. The writers follow the
//! published conventions (Japanese 外来語の表記, Korean 외래어 표기법, Greek and Arabic press
//! usage, Dutch, Hungarian, Lithuanian and Latvian adaptations of Russian names) at the
//! level of detail a clerk does, with the variation clerks show (ティ or チ, a long vowel
//! marked or not, ・ or a space).
// Hand-written: no crate writes Latin names forward into katakana, Hangul, Greek or Arabic.

use super::rng::Rng;
use super::variants::{Source, syllabic};

/// A sound of a Latin name, as the writers see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sound {
    Vowel(char),
    /// A consonant, by its usual Latin spelling (b, v, sh, ch, zh, kh, ts …).
    Consonant(&'static str),
    /// y before a vowel (Yuri, Yakov).
    Glide,
}

/// Consonant spellings, longest first.
const CONSONANTS: &[&str] = &[
    "shch", "tsch", "dzh", "sch", "tch", "zh", "kh", "ch", "sh", "ts", "tz", "th", "ph", "ck",
    "dj", "gh", "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "q", "r", "s", "t",
    "v", "w", "x", "z",
];

/// The sounds of a lower-case Latin word: spellings of one sound read as one, doubled
/// letters once.
fn sounds(word: &str) -> Vec<Sound> {
    let mut out: Vec<Sound> = Vec::new();
    let mut rest = word;
    while let Some(c) = rest.chars().next() {
        let next_is_vowel = rest[c.len_utf8()..]
            .chars()
            .next()
            .is_some_and(|n| "aeiou".contains(n));
        let sound = if c == 'y' && next_is_vowel {
            rest = &rest[1..];
            Sound::Glide
        } else if "aeiouy".contains(c) {
            rest = &rest[1..];
            Sound::Vowel(if c == 'y' { 'i' } else { c })
        } else if let Some(spelling) = CONSONANTS.iter().find(|s| rest.starts_with(**s)) {
            rest = &rest[spelling.len()..];
            Sound::Consonant(match *spelling {
                "shch" | "sch" => "sh",
                "tsch" | "tch" => "ch",
                "dzh" | "dj" => "j",
                "tz" => "ts",
                "ph" => "f",
                "ck" | "q" => "k",
                "gh" => "g",
                "c" if next_is_vowel && rest.starts_with(['e', 'i']) => "s",
                "c" => "k",
                "x" => {
                    out.push(Sound::Consonant("k"));
                    "s"
                }
                other => other,
            })
        } else {
            // Anything else (a digit, a letter with a mark) is left out.
            rest = &rest[c.len_utf8()..];
            continue;
        };
        if out.last() != Some(&sound) || matches!(sound, Sound::Vowel(_)) {
            out.push(sound);
        }
    }
    out
}

pub(super) type Writer = fn(&[String], &mut Rng) -> Option<String>;

/// A listed person's name written by `writer`: persons whose name is in Latin letters and
/// not Chinese, Korean or Vietnamese (those are written in their own script, not
/// transcribed), titles left out.
pub(super) fn written_in(src: &Source, rng: &mut Rng, writer: Writer) -> Option<String> {
    if !src.person || !src.base.is_ascii() || syllabic(&src.base) {
        return None;
    }
    let words: Vec<String> = src
        .base
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() > 1 && !sanctum_names::is_honorific(&w.to_lowercase()))
        .map(str::to_lowercase)
        .collect();
    if words.len() < 2 {
        return None;
    }
    // A Latin-script language may leave a name as it was (no u, no final consonant).
    let unchanged = words.join(" ");
    writer(&words, rng).filter(|w| *w != unchanged)
}

/// Each word written by `word`, joined by `separator`.
fn each_word(
    words: &[String],
    separator: &str,
    mut word: impl FnMut(&[Sound]) -> String,
) -> Option<String> {
    let written: Vec<String> = words
        .iter()
        .map(|w| word(&sounds(&w.to_lowercase())))
        .filter(|w| !w.is_empty())
        .collect();
    (!written.is_empty()).then(|| written.join(separator))
}

fn vowel_index(v: char) -> usize {
    match v {
        'a' => 0,
        'i' => 1,
        'u' => 2,
        'e' => 3,
        _ => 4,
    }
}

/// Katakana, by the rows of the syllabary: a consonant with no vowel gets u (o after t and
/// d), n alone is ン, a long vowel is sometimes marked ー, the words are joined by ・.
pub(super) fn katakana(words: &[String], rng: &mut Rng) -> Option<String> {
    // Rows a i u e o; modern spellings for ti, di, tu, du, fa … (ティ, ディ, トゥ, ファ).
    fn row(consonant: &str, rng: &mut Rng) -> [&'static str; 5] {
        match consonant {
            "" => ["ア", "イ", "ウ", "エ", "オ"],
            "k" => ["カ", "キ", "ク", "ケ", "コ"],
            "g" => ["ガ", "ギ", "グ", "ゲ", "ゴ"],
            "s" => ["サ", "シ", "ス", "セ", "ソ"],
            "z" => ["ザ", "ジ", "ズ", "ゼ", "ゾ"],
            // Older spellings read ti as チ and di as ジ (プーチン).
            "t" if rng.chance(0.5) => ["タ", "チ", "ト", "テ", "ト"],
            "t" => ["タ", "ティ", "トゥ", "テ", "ト"],
            "d" if rng.chance(0.5) => ["ダ", "ジ", "ド", "デ", "ド"],
            "d" => ["ダ", "ディ", "ドゥ", "デ", "ド"],
            "n" => ["ナ", "ニ", "ヌ", "ネ", "ノ"],
            "h" | "kh" => ["ハ", "ヒ", "フ", "ヘ", "ホ"],
            "f" => ["ファ", "フィ", "フ", "フェ", "フォ"],
            "b" => ["バ", "ビ", "ブ", "ベ", "ボ"],
            "v" if rng.chance(0.5) => ["ヴァ", "ヴィ", "ヴ", "ヴェ", "ヴォ"],
            "v" | "w" => ["バ", "ビ", "ブ", "ベ", "ボ"],
            "p" => ["パ", "ピ", "プ", "ペ", "ポ"],
            "m" => ["マ", "ミ", "ム", "メ", "モ"],
            "r" | "l" => ["ラ", "リ", "ル", "レ", "ロ"],
            "y" => ["ヤ", "イ", "ユ", "イエ", "ヨ"],
            "sh" => ["シャ", "シ", "シュ", "シェ", "ショ"],
            "ch" => ["チャ", "チ", "チュ", "チェ", "チョ"],
            "j" | "zh" => ["ジャ", "ジ", "ジュ", "ジェ", "ジョ"],
            "ts" => ["ツァ", "ツィ", "ツ", "ツェ", "ツォ"],
            "th" => ["サ", "シ", "ス", "セ", "ソ"],
            _ => ["", "", "", "", ""],
        }
    }
    let long_marked = rng.chance(0.5);
    let separator = if rng.chance(0.7) { "・" } else { " " };
    each_word(words, separator, |sounds| {
        let mut out = String::new();
        // The long vowel of the stressed syllable, taken as the one before the last
        // (Vla-DI-mir: ヴラジーミル; PU-tin: プーチン).
        let total = sounds
            .iter()
            .filter(|s| matches!(s, Sound::Vowel(_)))
            .count();
        let long = total.saturating_sub(2);
        let mut vowels = 0;
        let mut i = 0;
        while i < sounds.len() {
            let (consonant, vowel) = match (sounds[i], sounds.get(i + 1)) {
                (Sound::Consonant(c), Some(Sound::Vowel(v))) => (c, Some(*v)),
                (Sound::Glide, Some(Sound::Vowel(v))) => ("y", Some(*v)),
                (Sound::Vowel(v), _) => ("", Some(v)),
                (Sound::Consonant(c), _) => (c, None),
                (Sound::Glide, _) => ("", Some('i')),
            };
            let used = if vowel.is_some() && consonant.is_empty() {
                1
            } else {
                2
            };
            match vowel {
                Some(v) => {
                    out.push_str(row(consonant, rng)[vowel_index(v)]);
                    if vowels == long && long_marked && total > 1 {
                        out.push('ー');
                    }
                    vowels += 1;
                    i += used;
                }
                None => {
                    out.push_str(match consonant {
                        "n" => "ン",
                        "t" => "ト",
                        "d" => "ド",
                        "ch" => "チ",
                        "j" | "zh" => "ジ",
                        "sh" => "シュ",
                        // A final v is heard f (Lavrov: ラブロフ).
                        "v" if i + 1 == sounds.len() => "フ",
                        c => row(c, rng)[2],
                    });
                    i += 1;
                }
            }
        }
        out
    })
}

/// Hangul, syllable by syllable: a consonant with no vowel gets ㅡ, except n, m, l after a
/// vowel at the end of a syllable (final consonants); l before a vowel after a vowel or a
/// bare consonant is doubled (블라디미르, 니콜라이).
pub(super) fn hangul(words: &[String], _rng: &mut Rng) -> Option<String> {
    const A: u32 = 0;
    const E: u32 = 5;
    const O: u32 = 8;
    const U: u32 = 13;
    const EU: u32 = 18;
    const I: u32 = 20;
    fn initial(consonant: &str) -> u32 {
        match consonant {
            "g" => 0,
            "n" => 2,
            "d" => 3,
            "r" | "l" => 5,
            "m" => 6,
            "b" | "v" | "w" => 7,
            "s" | "sh" | "th" => 9,
            "" => 11,
            "j" | "zh" | "z" => 12,
            "ch" | "ts" => 14,
            "k" => 15,
            "t" => 16,
            "p" | "f" => 17,
            _ => 18,
        }
    }
    fn vowel(v: char, glide: bool) -> u32 {
        match (v, glide) {
            ('a', false) => A,
            ('a', true) => 2,
            ('e', false) => E,
            ('e', true) => 7,
            ('o', false) => O,
            ('o', true) => 12,
            ('u', false) => U,
            ('u', true) => 17,
            _ => I,
        }
    }
    fn syllable(initial: u32, vowel: u32, last: u32) -> char {
        char::from_u32(0xAC00 + (initial * 21 + vowel) * 28 + last).unwrap_or(' ')
    }
    const FINAL_N: u32 = 4;
    const FINAL_L: u32 = 8;
    const FINAL_M: u32 = 16;
    each_word(words, " ", |sounds| {
        // (initial, vowel, final) per syllable.
        let mut out: Vec<(u32, u32, u32)> = Vec::new();
        let mut i = 0;
        while i < sounds.len() {
            let after_vowel = out.last().is_some_and(|s| s.2 == 0 && s.1 != EU)
                && matches!(sounds.get(i.wrapping_sub(1)), Some(Sound::Vowel(_)));
            match (sounds[i], sounds.get(i + 1)) {
                (Sound::Consonant(c), Some(Sound::Vowel(v))) => {
                    // An l between vowels, or after a bare consonant, is written twice.
                    if c == "l"
                        && let Some(last) = out.last_mut()
                        && last.2 == 0
                    {
                        last.2 = FINAL_L;
                    }
                    let glide = c == "sh" && *v != 'i';
                    out.push((initial(c), vowel(*v, glide), 0));
                    i += 2;
                }
                (Sound::Glide, Some(Sound::Vowel(v))) => {
                    out.push((initial(""), vowel(*v, true), 0));
                    i += 2;
                }
                (Sound::Vowel(v), _) => {
                    out.push((initial(""), vowel(v, false), 0));
                    i += 1;
                }
                (Sound::Consonant(c), _) => {
                    let last = match c {
                        "n" => FINAL_N,
                        "m" => FINAL_M,
                        "l" => FINAL_L,
                        _ => 0,
                    };
                    match out.last_mut() {
                        Some(prev) if after_vowel && last != 0 => prev.2 = last,
                        _ => {
                            let v = if matches!(c, "ch" | "j" | "zh" | "sh") {
                                I
                            } else {
                                EU
                            };
                            // A final v is heard f (Lavrov: 라브로프).
                            let c = if c == "v" && i + 1 == sounds.len() {
                                "p"
                            } else {
                                c
                            };
                            out.push((initial(c), v, 0));
                        }
                    }
                    i += 1;
                }
                (Sound::Glide, _) => i += 1,
            }
        }
        out.into_iter().map(|(a, b, c)| syllable(a, b, c)).collect()
    })
}

/// Greek, letter by letter as the Greek press writes Russian and English names: b as μπ, d
/// as ντ, g as γκ, u as ου, final s as ς, one accent.
pub(super) fn greek(words: &[String], rng: &mut Rng) -> Option<String> {
    let accent = rng.chance(0.6);
    each_word(words, " ", |sounds| {
        let mut out = String::new();
        let mut accented = !accent;
        for (i, s) in sounds.iter().enumerate() {
            let last = i + 1 == sounds.len();
            let glided = i > 0 && sounds[i - 1] == Sound::Glide;
            out.push_str(match s {
                Sound::Vowel('a') if !accented => {
                    accented = true;
                    "ά"
                }
                Sound::Vowel('o') if !accented => {
                    accented = true;
                    "ό"
                }
                Sound::Vowel('u') if !accented && !glided => {
                    accented = true;
                    "ού"
                }
                Sound::Vowel('a') => "α",
                Sound::Vowel('e') => "ε",
                Sound::Vowel('o') => "ο",
                Sound::Vowel('u') => "ου",
                Sound::Vowel(_) => "ι",
                Sound::Glide => "γι",
                Sound::Consonant(c) => match *c {
                    "b" => "μπ",
                    "v" | "w" => "β",
                    "g" => "γκ",
                    "d" => "ντ",
                    "k" => "κ",
                    "l" => "λ",
                    "m" => "μ",
                    "n" => "ν",
                    "p" => "π",
                    "r" => "ρ",
                    "s" | "sh" if last => "ς",
                    "s" | "sh" => "σ",
                    "t" => "τ",
                    "f" => "φ",
                    "h" | "kh" => "χ",
                    "z" => "ζ",
                    "j" | "zh" => "τζ",
                    "ch" | "ts" => "τσ",
                    "th" => "θ",
                    _ => "",
                },
            });
        }
        out
    })
}

/// Arabic as the Arab press writes foreign names: every vowel long (ا و ي), p as ب, v as ف,
/// g as غ, no short-vowel marks.
pub(super) fn arabic(words: &[String], _rng: &mut Rng) -> Option<String> {
    each_word(words, " ", |sounds| {
        let mut out = String::new();
        for (i, s) in sounds.iter().enumerate() {
            out.push_str(match s {
                Sound::Vowel('a') if i == 0 => "أ",
                Sound::Vowel('i' | 'e') if i == 0 => "إي",
                Sound::Vowel('o' | 'u') if i == 0 => "أو",
                Sound::Vowel('a') => "ا",
                Sound::Vowel('i' | 'e') => "ي",
                Sound::Vowel(_) => "و",
                Sound::Glide => "ي",
                Sound::Consonant(c) => match *c {
                    "b" | "p" => "ب",
                    "v" | "f" => "ف",
                    "w" => "و",
                    "g" => "غ",
                    "d" => "د",
                    "k" => "ك",
                    "l" => "ل",
                    "m" => "م",
                    "n" => "ن",
                    "r" => "ر",
                    "s" => "س",
                    "t" => "ت",
                    "h" => "ه",
                    "kh" => "خ",
                    "z" => "ز",
                    "j" | "zh" => "ج",
                    "ch" => "تش",
                    "sh" => "ش",
                    "ts" => "تس",
                    "th" => "ث",
                    _ => "",
                },
            });
        }
        out
    })
}

/// A Latin-script language's own spelling: Dutch (oe for u: Poetin), Hungarian (ty, gy, ny
/// before i: Putyin), Lithuanian (-as: Putinas) or Latvian (-s: Putins), with their letters
/// for sh, ch, zh, kh, ts and y.
pub(super) fn latin_languages(words: &[String], rng: &mut Rng) -> Option<String> {
    let language = rng.below(4);
    let last = words.len().saturating_sub(1);
    let mut i = 0;
    each_word(words, " ", |sounds| {
        let family = i == last;
        i += 1;
        let mut out = String::new();
        for (k, s) in sounds.iter().enumerate() {
            let before_i = matches!(sounds.get(k + 1), Some(Sound::Vowel('i' | 'e')));
            match (language, s) {
                (0, Sound::Vowel('u')) => out.push_str("oe"),
                (_, Sound::Vowel(v)) => out.push(*v),
                (_, Sound::Glide) => out.push('j'),
                (_, Sound::Consonant(c)) => out.push_str(match (language, *c) {
                    (0, "sh") => "sj",
                    (0, "ch") => "tsj",
                    (0, "zh") => "zj",
                    (0, "kh") => "ch",
                    (0, "j") => "dzj",
                    (1, "t") if before_i => "ty",
                    (1, "d") if before_i => "gy",
                    (1, "n") if before_i => "ny",
                    (1, "s") => "sz",
                    (1, "sh") => "s",
                    (1, "ch") => "cs",
                    (1, "zh") => "zs",
                    (1, "ts") => "c",
                    (1, "kh") => "h",
                    (1, "j") => "dzs",
                    (_, "sh") => "š",
                    (_, "ch") => "č",
                    (_, "zh") => "ž",
                    (_, "ts") => "c",
                    (2, "kh") => "ch",
                    (3, "kh") => "h",
                    (_, "j") => "dž",
                    (_, c) => c,
                }),
            }
        }
        // Lithuanian and Latvian give a man's family name their own ending.
        let ends_in_consonant = matches!(sounds.last(), Some(Sound::Consonant(_)));
        if family && ends_in_consonant {
            out.push_str(match language {
                2 => "as",
                3 => "s",
                _ => "",
            });
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(writer: Writer, name: &str, seed: u64) -> String {
        let words: Vec<String> = name.split(' ').map(String::from).collect();
        writer(&words, &mut Rng::fork(seed, "across")).unwrap_or_default()
    }

    #[test]
    fn writers_write_as_a_person_of_the_language_would() {
        // Some seed gives each usual form.
        let forms = |writer: Writer, name: &str| -> Vec<String> {
            (0..200).map(|seed| written(writer, name, seed)).collect()
        };
        assert!(forms(katakana, "Vladimir Putin").contains(&"ヴラジーミル・プーチン".to_string()));
        assert!(forms(hangul, "Vladimir Putin").contains(&"블라디미르 푸틴".to_string()));
        assert!(forms(greek, "Vladimir Putin").contains(&"Βλάντιμιρ Πούτιν".to_lowercase()));
        assert!(forms(arabic, "Vladimir Putin").contains(&"فلاديمير بوتين".to_string()));
        let latin = forms(latin_languages, "Vladimir Putin");
        for form in [
            "Vladimir Poetin",
            "Vlagyimir Putyin",
            "Vladimir Putinas",
            "Vladimir Putins",
        ] {
            assert!(latin.contains(&form.to_lowercase()), "{form}: {latin:?}");
        }
        assert_eq!(written(hangul, "Sergei Lavrov", 1), "세르게이 라브로프");
    }
}
