//! Hangul → Latin as sanctions lists write Korean (DPRK) names.
// Hand-written: any_ascii gives Revised Romanization run together
// ("GimJeongEun"), while the lists use McCune–Reischauer without breves, one
// word per syllable ("Kim Jong Un"); the syllable arithmetic is standard.

const INITIALS: [&str; 19] = [
    "k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "j", "jj", "ch", "kh", "th",
    "ph", "h",
];
const VOWELS: [&str; 21] = [
    "a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we",
    "wi", "yu", "u", "ui", "i",
];
const FINALS: [&str; 28] = [
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p",
    "t", "t", "ng", "t", "t", "k", "t", "p", "t",
];

const FIRST_SYLLABLE: u32 = 0xAC00;
const SYLLABLE_COUNT: u32 = 11172;

/// Surnames whose list spelling is not the syllable's romanisation.
fn surname(c: char) -> Option<&'static str> {
    match c {
        '이' => Some("lee"),
        _ => None,
    }
}

pub(crate) fn transliterate(run: &[char], out: &mut String) {
    for (index, &c) in run.iter().enumerate() {
        if index > 0 {
            out.push(' ');
        }
        if index == 0
            && run.len() >= 2
            && let Some(latin) = surname(c)
        {
            out.push_str(latin);
            continue;
        }
        let code = c as u32;
        if !(FIRST_SYLLABLE..FIRST_SYLLABLE + SYLLABLE_COUNT).contains(&code) {
            out.push_str(any_ascii::any_ascii_char(c));
            continue;
        }
        let syllable = (code - FIRST_SYLLABLE) as usize;
        let parts = [
            INITIALS.get(syllable / 588),
            VOWELS.get((syllable % 588) / 28),
            FINALS.get(syllable % 28),
        ];
        for part in parts.into_iter().flatten() {
            out.push_str(part);
        }
    }
}
