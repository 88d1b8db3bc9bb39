//! Cyrillic → Latin with Russian, Ukrainian or Serbian conventions.
// Hand-written: any_ascii has one context-free table (г→g, и→i), which spells
// Ukrainian and Serbian names differently from the lists.

#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Language {
    Russian,
    Ukrainian,
    Serbian,
}

/// The convention a whole name suggests, for words with no telling letter.
pub(crate) fn name_language(text: &str) -> Language {
    if text.chars().any(is_ukrainian_letter) {
        Language::Ukrainian
    } else if text.chars().any(is_serbian_letter) {
        Language::Serbian
    } else {
        Language::Russian
    }
}

fn is_ukrainian_letter(c: char) -> bool {
    matches!(c, 'і' | 'ї' | 'є' | 'ґ' | 'І' | 'Ї' | 'Є' | 'Ґ')
}

fn is_russian_letter(c: char) -> bool {
    matches!(c, 'ы' | 'э' | 'ъ' | 'ё' | 'Ы' | 'Э' | 'Ъ' | 'Ё')
}

fn is_serbian_letter(c: char) -> bool {
    matches!(
        c,
        'ђ' | 'ј'
            | 'љ'
            | 'њ'
            | 'ћ'
            | 'џ'
            | 'ѓ'
            | 'ќ'
            | 'ѕ'
            | 'Ђ'
            | 'Ј'
            | 'Љ'
            | 'Њ'
            | 'Ћ'
            | 'Џ'
            | 'Ѓ'
            | 'Ќ'
            | 'Ѕ'
    )
}

/// `name_language`: what the rest of the name suggests ([`name_language`]).
pub(crate) fn transliterate(run: &[char], name_language: Language, out: &mut String) {
    let language = if run.iter().any(|&c| is_ukrainian_letter(c)) {
        Language::Ukrainian
    } else if run.iter().any(|&c| is_serbian_letter(c)) {
        Language::Serbian
    } else if run.iter().any(|&c| is_russian_letter(c)) {
        Language::Russian
    } else {
        name_language
    };
    let mut previous = None;
    for (index, &original) in run.iter().enumerate() {
        let (c, _) = crate::script::to_lower(original);
        let at_start = index == 0;
        let latin: &str = match language {
            Language::Ukrainian => match c {
                'г' => {
                    // зг is written zgh so that it is not read as зх (zkh)
                    if previous == Some('з') { "gh" } else { "h" }
                }
                'и' => "y",
                'є' => pick(at_start, "ye", "ie"),
                'ї' => pick(at_start, "yi", "i"),
                'й' => pick(at_start, "y", "i"),
                'ю' => pick(at_start, "yu", "iu"),
                'я' => pick(at_start, "ya", "ia"),
                _ => common(c),
            },
            Language::Serbian => match c {
                'ч' | 'ћ' | 'ц' => "c",
                'ш' => "s",
                'ж' => "z",
                'х' => "h",
                _ => common(c),
            },
            Language::Russian => common(c),
        };
        if latin.is_empty() && !is_silent(c) {
            out.push_str(any_ascii::any_ascii_char(original));
        } else {
            out.push_str(latin);
        }
        previous = Some(c);
    }
}

fn pick(at_start: bool, initial: &'static str, other: &'static str) -> &'static str {
    if at_start { initial } else { other }
}

fn is_silent(c: char) -> bool {
    matches!(c, 'ь' | 'ъ')
}

/// Russian values, plus the letters of other Cyrillic alphabets that have one
/// usual spelling. Returns "" for the silent signs and for unknown letters.
fn common(c: char) -> &'static str {
    match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'ґ' => "g",
        'д' => "d",
        'е' | 'ё' | 'э' | 'є' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' | 'і' | 'ї' => "i",
        'й' => "y",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' | 'ў' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ы' => "y",
        'ю' => "yu",
        'я' => "ya",
        'ђ' => "dj",
        'ј' => "j",
        'љ' => "lj",
        'њ' => "nj",
        'ћ' => "c",
        'џ' => "dz",
        'ѓ' => "gj",
        'ќ' => "kj",
        'ѕ' => "dz",
        _ => "",
    }
}
