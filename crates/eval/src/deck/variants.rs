//! The variant classes: each takes a listed name and returns a spelling of it that a
//! customer file, a payment message or an evasive party might carry, or `None` when the
//! class does not apply to that name.

use super::rng::Rng;
use sanctum_model::{Entity, Gender, NameKind};

/// A listed name prepared for variation.
pub(super) struct Source<'a> {
    pub entity: &'a Entity,
    /// The name as a customer file would hold it: natural order for a person listed
    /// "LAST, First".
    pub base: String,
    pub person: bool,
    /// How many trailing words of `base` are the family name, where the publisher tells.
    pub family_words: Option<usize>,
}

/// "LAST, First Middle" → "First Middle LAST" (a second comma starts a suffix:
/// "SMITH, John, Jr." → "John SMITH Jr."). `None` when the name has no comma form.
pub(super) fn natural_order(full: &str) -> Option<String> {
    let (last, rest) = full.split_once(',')?;
    let (given, suffix) = match rest.split_once(',') {
        Some((given, suffix)) => (given.trim(), suffix.trim()),
        None => (rest.trim(), ""),
    };
    let last = last.trim();
    if last.is_empty() || given.is_empty() {
        return None;
    }
    let mut out = format!("{given} {last}");
    if !suffix.is_empty() {
        out.push(' ');
        out.push_str(suffix);
    }
    Some(collapse_spaces(&out))
}

pub(super) fn collapse_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_string).collect()
}

/// A title (`Dr.`, `Sheikh`), however punctuated.
fn is_title(word: &str) -> bool {
    sanctum_names::is_honorific(
        &word
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase(),
    )
}

fn letters(word: &str) -> usize {
    word.chars().filter(|c| c.is_alphabetic()).count()
}

fn ascii_letters(word: &str) -> usize {
    word.chars().filter(char::is_ascii_alphabetic).count()
}

fn is_vowel(c: char) -> bool {
    matches!(c.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u')
}

/// `new_lower` written in the case style of `template` (upper, title or lower).
pub(super) fn recase(template: &str, new_lower: &str) -> String {
    let cased: Vec<char> = template.chars().filter(|c| c.is_alphabetic()).collect();
    let all_upper = cased.len() > 1 && cased.iter().all(|c| c.is_uppercase());
    if all_upper {
        new_lower.to_uppercase()
    } else if cased.first().is_some_and(|c| c.is_uppercase()) {
        title_word(new_lower)
    } else {
        new_lower.to_string()
    }
}

/// Upper-cases the first letter and each letter after a hyphen or apostrophe.
pub(super) fn title_word(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut start = true;
    for c in word.chars() {
        if start && c.is_alphabetic() {
            out.extend(c.to_uppercase());
            start = false;
        } else if c.is_alphabetic() {
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
            start = matches!(c, '-' | '\'' | '’');
        }
    }
    out
}

/// Applies `edit` to one word chosen at random among those `eligible`, trying the others
/// when the edit does not apply to the first choice.
fn edit_one_word(
    base: &str,
    rng: &mut Rng,
    eligible: impl Fn(&str) -> bool,
    mut edit: impl FnMut(&str, &mut Rng) -> Option<String>,
) -> Option<String> {
    let mut ws = words(base);
    let mut candidates: Vec<usize> = (0..ws.len())
        .filter(|&i| ws.get(i).is_some_and(|w| eligible(w)))
        .collect();
    rng.shuffle(&mut candidates);
    for i in candidates {
        let Some(word) = ws.get(i) else { continue };
        if let Some(new) = edit(word, rng).filter(|n| n != word && !n.is_empty()) {
            if let Some(slot) = ws.get_mut(i) {
                *slot = new;
            }
            return Some(ws.join(" "));
        }
    }
    None
}

fn long_ascii_word(min: usize) -> impl Fn(&str) -> bool {
    move |w: &str| ascii_letters(w) >= min
}

// ---------------------------------------------------------------------------------------
// Benign classes

pub(super) fn name_order(src: &Source, rng: &mut Rng) -> Option<String> {
    if !src.person {
        return None;
    }
    let ws = words(&src.base.replace(',', " "));
    if !(2..=6).contains(&ws.len()) {
        return None;
    }
    let mut out = ws.clone();
    if ws.len() == 2 {
        out.reverse();
    } else if let (Some(f), true) = (src.family_words, rng.chance(0.6)) {
        // The commonest reordering: family name first, without the comma.
        let split = ws.len().saturating_sub(f);
        out = ws
            .get(split..)?
            .iter()
            .chain(ws.get(..split)?)
            .cloned()
            .collect();
    } else {
        for _ in 0..6 {
            rng.shuffle(&mut out);
            if out != ws {
                break;
            }
        }
    }
    Some(out.join(" "))
}

/// Re-romanisation conventions for Russian and Ukrainian names: (end-of-word rules,
/// rules anywhere), longest first.
type Convention = (
    &'static [(&'static str, &'static str)],
    &'static [(&'static str, &'static str)],
);

const ENGLISH: Convention = (
    &[
        ("iy", "y"),
        ("yy", "y"),
        ("ey", "ei"),
        ("ay", "ai"),
        ("ii", "y"),
    ],
    &[
        ("aleksandr", "alexander"),
        ("aleks", "alex"),
        ("kh", "h"),
        ("ye", "e"),
        ("ks", "x"),
        ("yu", "iu"),
        ("ya", "ia"),
        ("yo", "e"),
    ],
);
const GERMAN: Convention = (
    &[
        ("ov", "ow"),
        ("ev", "ew"),
        ("iy", "ij"),
        ("yy", "yj"),
        ("ich", "itsch"),
        ("ova", "owa"),
        ("eva", "ewa"),
    ],
    &[
        ("shch", "schtsch"),
        ("zh", "sch"),
        ("sh", "sch"),
        ("ch", "tsch"),
        ("kh", "ch"),
        ("ts", "z"),
        ("v", "w"),
        ("ya", "ja"),
        ("yu", "ju"),
        ("ye", "je"),
        ("y", "j"),
    ],
);
const FRENCH: Convention = (
    &[
        ("ov", "off"),
        ("ev", "eff"),
        ("iy", "i"),
        ("yy", "i"),
        ("ich", "itch"),
    ],
    &[
        ("shch", "chtch"),
        ("zh", "j"),
        ("sh", "ch"),
        ("ch", "tch"),
        ("kh", "kh"),
        ("ya", "ia"),
        ("yu", "iou"),
        ("u", "ou"),
    ],
);
const SIMPLE: Convention = (
    &[("iy", "i"), ("yy", "y"), ("ey", "ei")],
    &[
        ("yevg", "evg"),
        ("ye", "e"),
        ("yu", "iu"),
        ("ya", "ia"),
        ("kh", "h"),
        ("ts", "tz"),
    ],
);

fn respell(word: &str, (end_rules, rules): Convention) -> String {
    let mut stem = word;
    let mut tail = "";
    for (pat, rep) in end_rules {
        if word.len() > pat.len() + 1 && word.ends_with(pat) {
            stem = word.get(..word.len() - pat.len()).unwrap_or(word);
            tail = rep;
            break;
        }
    }
    let mut out = String::with_capacity(word.len() + 4);
    let mut i = 0;
    'scan: while i < stem.len() {
        for (pat, rep) in rules {
            if stem.get(i..).is_some_and(|rest| rest.starts_with(pat)) {
                out.push_str(rep);
                i += pat.len();
                continue 'scan;
            }
        }
        let Some(c) = stem.get(i..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        out.push(c);
        i += c.len_utf8();
    }
    out.push_str(tail);
    out
}

const CYRILLIC_RULES: &[(&str, &str)] = &[
    ("shch", "щ"),
    ("zh", "ж"),
    ("kh", "х"),
    ("ts", "ц"),
    ("ch", "ч"),
    ("sh", "ш"),
    ("yu", "ю"),
    ("ya", "я"),
    ("ye", "е"),
    ("yo", "ё"),
    ("iy", "ий"),
    ("yy", "ый"),
    ("ey", "ей"),
    ("ay", "ай"),
    ("oy", "ой"),
    ("a", "а"),
    ("b", "б"),
    ("v", "в"),
    ("g", "г"),
    ("d", "д"),
    ("e", "е"),
    ("z", "з"),
    ("i", "и"),
    ("y", "ы"),
    ("k", "к"),
    ("l", "л"),
    ("m", "м"),
    ("n", "н"),
    ("o", "о"),
    ("p", "п"),
    ("r", "р"),
    ("s", "с"),
    ("t", "т"),
    ("u", "у"),
    ("f", "ф"),
    ("h", "х"),
    ("c", "к"),
    ("w", "в"),
    ("x", "кс"),
    ("j", "й"),
    ("q", "к"),
    ("'", "ь"),
];

fn to_cyrillic(word: &str) -> String {
    let lower = word.to_lowercase();
    // A word-initial "y" before a vowel is one Cyrillic letter (yu, ya, ye, yo are in the
    // rules); elsewhere a "y" after a vowel is й.
    let mut out = String::new();
    let mut i = 0;
    let mut prev_vowel = false;
    'scan: while i < lower.len() {
        if lower.get(i..).is_some_and(|r| r.starts_with('y')) && prev_vowel {
            out.push('й');
            i += 1;
            prev_vowel = false;
            continue;
        }
        for (pat, rep) in CYRILLIC_RULES {
            if lower.get(i..).is_some_and(|rest| rest.starts_with(pat)) {
                out.push_str(rep);
                prev_vowel = pat.chars().last().is_some_and(is_vowel);
                i += pat.len();
                continue 'scan;
            }
        }
        let Some(c) = lower.get(i..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        out.push(c);
        prev_vowel = false;
        i += c.len_utf8();
    }
    recase(word, &out)
}

const RUSSIAN_SUFFIXES: &[&str] = &[
    "ovich", "evich", "ovna", "evna", "ov", "ev", "ova", "eva", "in", "ina", "sky", "skiy", "skii",
    "skaya", "enko", "chuk", "yuk", "iy", "yy", "kh",
];
const RUSSIAN_COUNTRIES: &[&str] = &[
    "RU", "UA", "BY", "KZ", "KG", "TJ", "UZ", "MD", "AM", "GE", "AZ", "TM",
];

fn russian_like(src: &Source) -> bool {
    let ws = words(&src.base.to_lowercase());
    if ws.is_empty()
        || !ws.iter().all(|w| {
            w.chars()
                .all(|c| c.is_ascii_alphabetic() || c == '-' || c == '\'')
        })
    {
        return false;
    }
    let hits = ws
        .iter()
        .filter(|w| RUSSIAN_SUFFIXES.iter().any(|s| w.ends_with(s)))
        .count();
    let e = src.entity;
    let country = e
        .nationalities
        .iter()
        .chain(&e.citizenships)
        .chain(&e.countries)
        .any(|c| RUSSIAN_COUNTRIES.contains(&c.code.as_str()));
    hits >= 2 || (country && hits >= 1)
}

/// Romanisation variants of Arabic and Persian names, one group per name.
const ARABIC_VARIANTS: &[&[&str]] = &[
    &["mohammed", "muhammad", "mohamed", "mohammad", "muhammed"],
    &["ahmed", "ahmad"],
    &["mahmoud", "mahmud", "mahmood"],
    &["hussein", "husain", "husayn", "hussain", "hosein"],
    &["hassan", "hasan"],
    &["abdul", "abdel", "abd al"],
    &["abdullah", "abdallah", "abdollah"],
    &["yousef", "yusuf", "youssef", "yousif"],
    &["omar", "umar"],
    &["osama", "usama"],
    &["khaled", "khalid"],
    &["saeed", "said", "saied"],
    &["ibrahim", "ebrahim"],
    &["mustafa", "mostafa", "moustafa"],
    &["qasim", "qassem", "kasim", "qasem"],
    &["jamal", "gamal"],
    &["abdulrahman", "abdelrahman", "abdurrahman"],
    &["rahman", "rehman"],
    &["hamid", "hameed"],
    &["rashid", "rasheed"],
    &["sheikh", "shaikh"],
    &["nasser", "nasir", "naser"],
    &["faisal", "faysal"],
    &["hezbollah", "hizballah", "hizbullah"],
    &["qaeda", "qaida"],
    &["mujahideen", "mujahidin"],
    &["ali", "aly"],
    &["abu", "abou"],
    &["jihad", "jehad"],
    &["zawahiri", "zawahri"],
    &["tahir", "taher"],
    &["yasin", "yaseen", "yassin"],
];

fn arabic_respelling(base: &str, rng: &mut Rng) -> Option<String> {
    edit_one_word(
        base,
        rng,
        |w| w.chars().all(|c| c.is_ascii_alphabetic() || c == '-'),
        |w, rng| {
            let lower = w.to_lowercase();
            let (prefix, core) = match lower.split_once('-') {
                Some((p, c)) if matches!(p, "al" | "el") => (format!("{p}-"), c.to_string()),
                _ => (String::new(), lower.clone()),
            };
            let group = ARABIC_VARIANTS
                .iter()
                .find(|g| g.contains(&core.as_str()))?;
            let others: Vec<&str> = group.iter().copied().filter(|v| *v != core).collect();
            let new = rng.pick(&others)?;
            Some(recase(w, &format!("{prefix}{new}")))
        },
    )
}

fn non_latin_original(src: &Source) -> Option<String> {
    src.entity
        .names
        .iter()
        .filter(|n| n.kind == NameKind::OriginalScript)
        .find(|n| {
            n.full
                .chars()
                .any(|c| c.is_alphabetic() && !c.is_ascii() && !is_latin_extended(c))
        })
        .map(|n| collapse_spaces(&n.full))
}

fn is_latin_extended(c: char) -> bool {
    matches!(c as u32, 0x00C0..=0x024F | 0x1E00..=0x1EFF)
}

pub(super) fn transliteration(src: &Source, rng: &mut Rng) -> Option<String> {
    let original = non_latin_original(src).filter(|o| *o != src.base);
    if let Some(original) = &original
        && rng.chance(0.4)
    {
        return Some(original.clone());
    }
    if russian_like(src) {
        if rng.chance(0.25) {
            return Some(
                words(&src.base)
                    .iter()
                    .map(|w| to_cyrillic(w))
                    .collect::<Vec<_>>()
                    .join(" "),
            );
        }
        let mut conventions = [ENGLISH, GERMAN, FRENCH, SIMPLE];
        rng.shuffle(&mut conventions);
        for convention in conventions {
            let out: Vec<String> = words(&src.base)
                .iter()
                .map(|w| recase(w, &respell(&w.to_lowercase(), convention)))
                .collect();
            let out = out.join(" ");
            if out.to_lowercase() != src.base.to_lowercase() {
                return Some(out);
            }
        }
    }
    arabic_respelling(&src.base, rng).or(original)
}

const DIACRITICS: &[(char, &[char])] = &[
    ('a', &['á', 'à', 'ä', 'â', 'ã']),
    ('e', &['é', 'è', 'ë', 'ê']),
    ('i', &['í', 'ï', 'î']),
    ('o', &['ó', 'ö', 'ô', 'õ']),
    ('u', &['ú', 'ü', 'û']),
    ('c', &['ç', 'č']),
    ('n', &['ñ', 'ń']),
    ('s', &['š', 'ş']),
    ('z', &['ž', 'ż']),
    ('y', &['ý']),
    ('g', &['ğ']),
    ('r', &['ř']),
];

pub(super) fn diacritics(src: &Source, rng: &mut Rng) -> Option<String> {
    let mut chars: Vec<char> = src.base.chars().collect();
    let mut positions: Vec<usize> = (0..chars.len())
        .filter(|&i| {
            chars.get(i).is_some_and(|c| {
                DIACRITICS
                    .iter()
                    .any(|(b, _)| *b == c.to_ascii_lowercase() && c.is_ascii())
            })
        })
        .collect();
    if positions.is_empty() {
        return None;
    }
    rng.shuffle(&mut positions);
    let count = if positions.len() > 3 && rng.chance(0.5) {
        2
    } else {
        1
    };
    for &i in positions.iter().take(count) {
        let Some(c) = chars.get(i).copied() else {
            continue;
        };
        let Some((_, marks)) = DIACRITICS
            .iter()
            .find(|(b, _)| *b == c.to_ascii_lowercase())
        else {
            continue;
        };
        let Some(&mark) = rng.pick(marks) else {
            continue;
        };
        let new = if c.is_uppercase() {
            mark.to_uppercase().next().unwrap_or(mark)
        } else {
            mark
        };
        if let Some(slot) = chars.get_mut(i) {
            *slot = new;
        }
    }
    Some(chars.into_iter().collect())
}

/// Whether an unmarked person's name of three words puts the family name first, as a
/// patronymic ending it tells (SHIPULIN Anton Vladimirovich, the Russian official order);
/// else the family name is the last word.
fn family_first(ws: &[String]) -> bool {
    if ws.len() != 3 {
        return false;
    }
    let analysis = sanctum_names::analyze(&ws.join(" "));
    sanctum_matcher::names::family_by_patronymic(&analysis.tokens)
        .is_some_and(|family| analysis.tokens.first().is_some_and(|t| t.key == family))
}

/// Drops a middle name: never the first given name (titles before it aside) nor the family
/// name.
pub(super) fn token_drop(src: &Source, rng: &mut Rng) -> Option<String> {
    // A Chinese or Korean given name is its syllables together: KIM Kyong for KIM Kyong Hak
    // is another name, not one left out.
    if !src.person || syllabic(&src.base) {
        return None;
    }
    let mut ws = words(&src.base);
    if ws.len() < 3 {
        return None;
    }
    if src.family_words.is_none() && family_first(&ws) {
        // FAMILY Given Patronymic: the patronymic is the middle name.
        ws.rotate_left(1);
    }
    let family_start = ws
        .len()
        .saturating_sub(src.family_words.unwrap_or(1).max(1));
    let first_given = ws.iter().position(|w| !is_title(w)).unwrap_or(0);
    let binds = |w: &String| {
        let w = w.to_lowercase();
        sanctum_names::is_particle(&w) || sanctum_names::is_glued_particle(&w)
    };
    // A particle binds the word after it: dropping that word would leave `ABD` of
    // `ABD AL-BASET AZZOUZ` or `BIN` of `Ali BIN Hamad` naming nobody.
    let mut candidates: Vec<usize> = (first_given + 1..family_start)
        .filter(|&i| {
            ws.get(i).is_some_and(|w| letters(w) >= 2 && !binds(w))
                && !i.checked_sub(1).and_then(|p| ws.get(p)).is_some_and(binds)
        })
        .collect();
    if candidates.is_empty() {
        return None;
    }
    rng.shuffle(&mut candidates);
    let drop = candidates.first().copied()?;
    Some(
        ws.iter()
            .enumerate()
            .filter(|(i, _)| *i != drop)
            .map(|(_, w)| w.as_str())
            .collect::<Vec<_>>()
            .join(" "),
    )
}

pub(super) fn initials(src: &Source, rng: &mut Rng) -> Option<String> {
    if !src.person {
        return None;
    }
    // Titles have no initial: "M. NOORZAI" is not Mullah Ahmed Shah NOORZAI.
    let mut ws: Vec<String> = words(&src.base.replace(',', " "))
        .into_iter()
        .filter(|w| !is_title(w))
        .collect();
    if src.family_words.is_none() && family_first(&ws) {
        ws.rotate_left(1);
    }
    let family = src.family_words.unwrap_or(1).max(1);
    if ws.len() < family + 1 {
        return None;
    }
    let (given, family) = ws.split_at(ws.len() - family);
    let initial = |w: &str, dot: bool| -> Option<String> {
        let c = w.chars().find(|c| c.is_alphabetic())?;
        let mut s: String = c.to_uppercase().collect();
        if dot {
            s.push('.');
        }
        Some(s)
    };
    let first = given.first()?;
    if letters(first) < 2 {
        return None;
    }
    let dot = rng.chance(0.7);
    let style = rng.below(3);
    let mut out: Vec<String> = Vec::new();
    match style {
        // "V. Putin"
        0 => out.push(initial(first, dot)?),
        // "V. V. Putin"
        1 => {
            for w in given {
                out.push(initial(w, dot)?);
            }
        }
        // "Vladimir V. Putin" where there is a middle name, else "V. Putin"
        _ => {
            if given.len() >= 2 {
                out.push(first.clone());
                for w in given.get(1..).unwrap_or_default() {
                    out.push(initial(w, dot)?);
                }
            } else {
                out.push(initial(first, dot)?);
            }
        }
    }
    out.extend(family.iter().cloned());
    Some(out.join(" "))
}

const ARTICLE: &[&str] = &[
    "al", "el", "ad", "ash", "as", "ar", "az", "an", "at", "ud", "ul", "ut",
];
/// Whether `article` before `word` is the Arabic article: al and el before any word; its
/// assimilated forms (ad-Din, ash-Shami, ut-Tahir) only before a word that starts with the
/// consonant they assimilated to (UT IT NOVAYA is no article).
pub(super) fn is_article_of(article: &str, word: &str) -> bool {
    let article = article.to_lowercase();
    ARTICLE.contains(&article.as_str())
        && (matches!(article.as_str(), "al" | "el")
            || article
                .get(1..)
                .is_some_and(|consonant| word.to_lowercase().starts_with(consonant)))
}

const GLUED_PREFIXES: &[&str] = &["abdul", "abdel", "abu", "abou", "abd", "bin", "ibn"];
const WESTERN_PARTICLES: &[&str] = &[
    "van", "von", "de", "da", "di", "del", "der", "du", "la", "le", "dos", "das",
];

pub(super) fn particles(src: &Source, rng: &mut Rng) -> Option<String> {
    let ws = words(&src.base);
    let mut options: Vec<Vec<String>> = Vec::new();
    // The words with `count` words from `i` replaced by `new`.
    let splice = |i: usize, count: usize, new: Vec<String>| -> Vec<String> {
        let mut out: Vec<String> = ws.get(..i).unwrap_or_default().to_vec();
        out.extend(new);
        out.extend(ws.get(i + count..).unwrap_or_default().iter().cloned());
        out
    };
    for (i, w) in ws.iter().enumerate() {
        let lower = w.to_lowercase();
        let next = ws.get(i + 1);
        // "al-Zawahiri": spaced, glued, dropped.
        if let Some((article, rest)) = w.split_once('-')
            && is_article_of(article, rest)
            && letters(rest) >= 2
        {
            options.push(splice(i, 1, vec![article.to_string(), rest.to_string()]));
            options.push(splice(
                i,
                1,
                vec![recase(
                    rest,
                    &format!("{}{}", article.to_lowercase(), rest.to_lowercase()),
                )],
            ));
            options.push(splice(i, 1, vec![rest.to_string()]));
        }
        // "al Zawahiri": hyphenated, glued, dropped.
        if let Some(next) = next
            && is_article_of(&lower, next)
            && letters(next) >= 2
        {
            options.push(splice(i, 2, vec![format!("{w}-{next}")]));
            options.push(splice(
                i,
                2,
                vec![recase(next, &format!("{lower}{}", next.to_lowercase()))],
            ));
            options.push(splice(i, 1, vec![]));
        }
        // "Abdul Aziz" → "Abdulaziz", "Abu Bakr" → "Abubakr".
        if let Some(next) = next
            && GLUED_PREFIXES.contains(&lower.as_str())
            && letters(next) >= 3
        {
            options.push(splice(
                i,
                2,
                vec![recase(w, &format!("{lower}{}", next.to_lowercase()))],
            ));
        }
        // "Abdulaziz" → "Abdul Aziz".
        if let Some(prefix) = GLUED_PREFIXES
            .iter()
            .find(|p| lower.starts_with(*p) && lower.len() >= p.len() + 4)
            && lower.chars().all(|c| c.is_ascii_alphabetic())
            && let Some(rest) = lower.get(prefix.len()..)
            && !rest.starts_with(['l', 'a'])
        {
            options.push(splice(i, 1, vec![recase(w, prefix), recase(w, rest)]));
        }
        // "van der Berg": glued or dropped.
        if let Some(next) = next
            && i > 0
            && WESTERN_PARTICLES.contains(&lower.as_str())
            && letters(next) >= 3
        {
            options.push(splice(i, 1, vec![]));
            options.push(splice(
                i,
                2,
                vec![recase(w, &format!("{lower}{}", next.to_lowercase()))],
            ));
        }
    }
    options.retain(|o| !o.is_empty() && o.join(" ") != src.base);
    let chosen = rng.pick(&options)?;
    Some(chosen.join(" "))
}

pub(super) fn titles(src: &Source, rng: &mut Rng) -> Option<String> {
    if !src.person {
        return None;
    }
    let female = src.entity.gender == Some(Gender::Female);
    let prefixes: &[&str] = if female {
        &[
            "Mrs",
            "Mrs.",
            "Ms",
            "Ms.",
            "Dr.",
            "Dr",
            "Prof.",
            "Sheikha",
            "Hajja",
            "Madame",
            // Forms of address and titles of other languages (issue 16, part 3).
            "Señora",
            "Senhora",
            "Frau",
            "Signora",
            "Gospozha",
            "Presidente",
            "Ministra",
        ]
    } else {
        &[
            "Mr",
            "Mr.",
            "Dr",
            "Dr.",
            "Sheikh",
            "Shaykh",
            "Haji",
            "Hajji",
            "Mullah",
            "Gen.",
            "Col.",
            "Prof.",
            "Sayyid",
            "Alhaji",
            // Forms of address and titles of other languages (issue 16, part 3).
            "Señor",
            "Senhor",
            "Monsieur",
            "Herr",
            "Signor",
            "Gospodin",
            "Président",
            "Präsident",
            "Presidente",
            "Prezydent",
            "Minister",
            "Senator",
            "Doktor",
        ]
    };
    if !female && rng.chance(0.2) {
        let suffix = rng
            .pick(&["Jr", "Jr.", "Sr.", "Sr"])
            .copied()
            .unwrap_or("Jr");
        return Some(format!("{} {suffix}", src.base));
    }
    let prefix = rng.pick(prefixes).copied().unwrap_or("Mr");
    let upper = src
        .base
        .chars()
        .filter(|c| c.is_alphabetic())
        .all(char::is_uppercase);
    let prefix = if upper && rng.chance(0.5) {
        prefix.to_uppercase()
    } else {
        prefix.to_string()
    };
    Some(format!("{prefix} {}", src.base))
}

pub(super) fn punctuation(src: &Source, rng: &mut Rng) -> Option<String> {
    let base = &src.base;
    let ws = words(base);
    let mut options: Vec<String> = Vec::new();
    if ws.len() >= 2 {
        let i = rng.below(ws.len() - 1);
        let ends_in_mark = ws
            .get(i)
            .is_some_and(|w| w.ends_with(|c: char| !c.is_alphanumeric()));
        let mut joined: Vec<String> = ws.get(..i).unwrap_or_default().to_vec();
        joined.push(format!("{}-{}", ws.get(i)?, ws.get(i + 1)?));
        joined.extend(ws.get(i + 2..).unwrap_or_default().iter().cloned());
        if !ends_in_mark {
            options.push(joined.join(" "));
        }
        if src.person && !base.contains(',') {
            options.push(format!(
                "{},{}",
                ws.first()?,
                ws.get(1..)?
                    .iter()
                    .map(|w| format!(" {w}"))
                    .collect::<String>()
            ));
        }
    }
    if base.contains('-') {
        options.push(collapse_spaces(&base.replace('-', " ")));
        options.push(base.replace('-', ""));
    }
    for mark in [',', '.', '\'', '’', '"', '(', ')'] {
        if base.contains(mark) {
            options.push(collapse_spaces(
                &base.replace(mark, if mark == '.' { " " } else { "" }),
            ));
            if mark == '.' {
                options.push(base.replace('.', ""));
            }
        }
    }
    // Dots after abbreviations and initials: "JSC" → "J.S.C.", "V" → "V.".
    if let Some((i, w)) = ws.iter().enumerate().find(|(_, w)| {
        (1..=4).contains(&w.chars().count()) && w.chars().all(|c| c.is_ascii_uppercase())
    }) {
        let dotted: String = if w.len() == 1 {
            format!("{w}.")
        } else {
            w.chars().map(|c| format!("{c}.")).collect()
        };
        let mut out = ws.clone();
        if let Some(slot) = out.get_mut(i) {
            *slot = dotted;
        }
        options.push(out.join(" "));
    }
    // Quotes around an organisation's proper name: AO "ARGUMENT".
    if !src.person && ws.len() >= 2 && !base.contains('"') {
        let (first, rest) = ws.split_first()?;
        options.push(format!("{first} \"{}\"", rest.join(" ")));
    }
    options.retain(|o| o != base && o.chars().any(char::is_alphanumeric));
    rng.pick(&options).cloned()
}

pub(super) fn case(src: &Source, rng: &mut Rng) -> Option<String> {
    let options = [
        src.base.to_lowercase(),
        src.base.to_uppercase(),
        words(&src.base)
            .iter()
            .map(|w| title_word(w))
            .collect::<Vec<_>>()
            .join(" "),
    ];
    let mut differing: Vec<&String> = options.iter().filter(|o| **o != src.base).collect();
    differing.dedup();
    rng.pick(&differing).map(|s| (*s).clone())
}

// ---------------------------------------------------------------------------------------
// Adversarial classes

const HOMOGLYPHS: &[(char, &[char])] = &[
    ('a', &['а']),
    ('c', &['с']),
    ('e', &['е']),
    ('i', &['і']),
    ('j', &['ј']),
    ('o', &['о', 'ο']),
    ('p', &['р']),
    ('s', &['ѕ']),
    ('x', &['х']),
    ('y', &['у']),
    ('A', &['А', 'Α']),
    ('B', &['В', 'Β']),
    ('C', &['С']),
    ('E', &['Е', 'Ε']),
    ('H', &['Н', 'Η']),
    ('I', &['І', 'Ι']),
    ('J', &['Ј']),
    ('K', &['К', 'Κ']),
    ('M', &['М', 'Μ']),
    ('N', &['Ν']),
    ('O', &['О', 'Ο']),
    ('P', &['Р', 'Ρ']),
    ('S', &['Ѕ']),
    ('T', &['Т', 'Τ']),
    ('X', &['Х', 'Χ']),
    ('Y', &['Υ']),
    ('Z', &['Ζ']),
];

pub(super) fn homoglyphs(src: &Source, rng: &mut Rng) -> Option<String> {
    let mut chars: Vec<char> = src.base.chars().collect();
    let mut positions: Vec<usize> = (0..chars.len())
        .filter(|&i| {
            chars
                .get(i)
                .is_some_and(|c| HOMOGLYPHS.iter().any(|(l, _)| l == c))
        })
        .collect();
    if positions.is_empty() {
        return None;
    }
    rng.shuffle(&mut positions);
    let count = if positions.len() > 2 && rng.chance(0.5) {
        2
    } else {
        1
    };
    for &i in positions.iter().take(count) {
        let Some(c) = chars.get(i).copied() else {
            continue;
        };
        let Some((_, glyphs)) = HOMOGLYPHS.iter().find(|(l, _)| *l == c) else {
            continue;
        };
        if let (Some(&g), Some(slot)) = (rng.pick(glyphs), chars.get_mut(i)) {
            *slot = g;
        }
    }
    Some(chars.into_iter().collect())
}

const INVISIBLE: &[char] = &[
    '\u{200B}', '\u{200C}', '\u{200D}', '\u{00AD}', '\u{200E}', '\u{200F}', '\u{2060}', '\u{FEFF}',
];

pub(super) fn invisible(src: &Source, rng: &mut Rng) -> Option<String> {
    let chars: Vec<char> = src.base.chars().collect();
    // Between two letters of one word.
    let mut gaps: Vec<usize> = (1..chars.len())
        .filter(|&i| {
            chars.get(i - 1).is_some_and(|c| c.is_alphabetic())
                && chars.get(i).is_some_and(|c| c.is_alphabetic())
        })
        .collect();
    if gaps.is_empty() {
        return None;
    }
    rng.shuffle(&mut gaps);
    let count = if gaps.len() > 3 && rng.chance(0.5) {
        2
    } else {
        1
    };
    let mut chosen: Vec<usize> = gaps.into_iter().take(count).collect();
    chosen.sort_unstable();
    let mut out = String::with_capacity(src.base.len() + 8);
    for (i, c) in chars.iter().enumerate() {
        if chosen.contains(&i) {
            out.push(rng.pick(INVISIBLE).copied().unwrap_or('\u{200B}'));
        }
        out.push(*c);
    }
    Some(out)
}

pub(super) fn dropped_vowels(src: &Source, rng: &mut Rng) -> Option<String> {
    edit_one_word(&src.base, rng, long_ascii_word(5), |w, rng| {
        let chars: Vec<char> = w.chars().collect();
        let last = chars.len().saturating_sub(1);
        let mut inner: Vec<usize> = (1..last)
            .filter(|&i| chars.get(i).is_some_and(|c| is_vowel(*c)))
            .collect();
        if inner.is_empty() {
            return None;
        }
        rng.shuffle(&mut inner);
        let count = if inner.len() >= 2 && chars.len() >= 7 && rng.chance(0.5) {
            2
        } else {
            1
        };
        let drop: Vec<usize> = inner.into_iter().take(count).collect();
        Some(
            chars
                .iter()
                .enumerate()
                .filter(|(i, _)| !drop.contains(i))
                .map(|(_, c)| *c)
                .collect(),
        )
    })
}

pub(super) fn doubled_letters(src: &Source, rng: &mut Rng) -> Option<String> {
    edit_one_word(&src.base, rng, long_ascii_word(4), |w, rng| {
        let chars: Vec<char> = w.chars().collect();
        let doubles: Vec<usize> = (1..chars.len())
            .filter(|&i| {
                chars.get(i).is_some_and(|c| {
                    c.is_ascii_alphabetic()
                        && Some(c.to_ascii_lowercase())
                            == chars.get(i - 1).map(|p| p.to_ascii_lowercase())
                })
            })
            .collect();
        if !doubles.is_empty() && rng.chance(0.5) {
            let i = *rng.pick(&doubles)?;
            return Some(
                chars
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(_, c)| *c)
                    .collect(),
            );
        }
        let singles: Vec<usize> = (1..chars.len())
            .filter(|&i| {
                chars
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphabetic() && !is_vowel(*c))
                    && chars.get(i - 1).map(|p| p.to_ascii_lowercase())
                        != chars.get(i).map(|c| c.to_ascii_lowercase())
                    && chars.get(i + 1).map(|n| n.to_ascii_lowercase())
                        != chars.get(i).map(|c| c.to_ascii_lowercase())
            })
            .collect();
        let i = *rng.pick(&singles)?;
        let mut out = chars.clone();
        out.insert(i, *chars.get(i)?);
        Some(out.into_iter().collect())
    })
}

pub(super) fn phonetic(src: &Source, rng: &mut Rng) -> Option<String> {
    edit_one_word(
        &src.base,
        rng,
        |w| ascii_letters(w) >= 3 && w.is_ascii(),
        |w, rng| {
            let lower = w.to_lowercase();
            let b = lower.as_bytes();
            let at = |i: usize| b.get(i).map(|&c| c as char);
            let vowel_at = |i: usize| at(i).is_some_and(is_vowel);
            let mut options: Vec<(usize, usize, &str)> = Vec::new();
            for i in 0..b.len() {
                let rest = lower.get(i..).unwrap_or("");
                let pairs: &[(&str, &str)] = &[
                    ("ph", "f"),
                    ("ck", "k"),
                    ("ee", "i"),
                    ("oo", "u"),
                    ("ou", "u"),
                    ("th", "t"),
                    ("ks", "x"),
                    ("dj", "j"),
                ];
                for (pat, rep) in pairs {
                    if rest.starts_with(pat) {
                        options.push((i, pat.len(), rep));
                    }
                }
                match at(i) {
                    Some('f') if i > 0 => options.push((i, 1, "ph")),
                    Some('c') if matches!(at(i + 1), Some('a' | 'o' | 'u')) => {
                        options.push((i, 1, "k"))
                    }
                    Some('k')
                        if matches!(at(i + 1), Some('a' | 'o' | 'u'))
                            && at(i.wrapping_sub(1)) != Some('c') =>
                    {
                        options.push((i, 1, "c"))
                    }
                    Some('z') => options.push((i, 1, "s")),
                    Some('s') if i > 0 && vowel_at(i - 1) && vowel_at(i + 1) => {
                        options.push((i, 1, "z"))
                    }
                    Some('w') => options.push((i, 1, "v")),
                    Some('v') => options.push((i, 1, "w")),
                    Some('q') => options.push((i, 1, "k")),
                    Some('x') if i > 0 => options.push((i, 1, "ks")),
                    Some('u') if i > 0 && !vowel_at(i - 1) && !vowel_at(i + 1) => {
                        options.push((i, 1, "oo"))
                    }
                    Some('i')
                        if i > 0 && !vowel_at(i - 1) && !vowel_at(i + 1) && i + 1 < b.len() =>
                    {
                        options.push((i, 1, "ee"))
                    }
                    Some('y') if i + 1 == b.len() && i > 0 && !vowel_at(i - 1) => {
                        options.push((i, 1, "ie"))
                    }
                    _ => {}
                }
                if rest == "ie" && i > 0 {
                    options.push((i, 2, "y"));
                }
            }
            let (i, len, rep) = *rng.pick(&options)?;
            let new = format!("{}{}{}", lower.get(..i)?, rep, lower.get(i + len..)?);
            Some(recase(w, &new))
        },
    )
}

// ---------------------------------------------------------------------------------------
// Degraded classes

const OCR: &[(&str, &str)] = &[
    ("m", "rn"),
    ("d", "cl"),
    ("o", "0"),
    ("O", "0"),
    ("l", "1"),
    ("I", "l"),
    ("I", "1"),
    ("S", "5"),
    ("B", "8"),
    ("Z", "2"),
    ("G", "6"),
    ("rn", "m"),
    ("e", "c"),
    ("h", "b"),
];

pub(super) fn ocr(src: &Source, rng: &mut Rng) -> Option<String> {
    let base = &src.base;
    let mut options: Vec<(usize, &str, &str)> = Vec::new();
    for (i, _) in base.char_indices() {
        let rest = base.get(i..).unwrap_or("");
        for (from, to) in OCR {
            if rest.starts_with(from) {
                options.push((i, from, to));
            }
        }
    }
    let (i, from, to) = *rng.pick(&options)?;
    Some(format!(
        "{}{}{}",
        base.get(..i)?,
        to,
        base.get(i + from.len()..)?
    ))
}

const QWERTY: &[(char, &str)] = &[
    ('q', "wa"),
    ('w', "qes"),
    ('e', "wrd"),
    ('r', "etf"),
    ('t', "ryg"),
    ('y', "tuh"),
    ('u', "yij"),
    ('i', "uok"),
    ('o', "ipl"),
    ('p', "ol"),
    ('a', "qsz"),
    ('s', "adwx"),
    ('d', "sfex"),
    ('f', "dgrc"),
    ('g', "fhtv"),
    ('h', "gjyb"),
    ('j', "hkun"),
    ('k', "jlim"),
    ('l', "ko"),
    ('z', "ax"),
    ('x', "zcs"),
    ('c', "xvd"),
    ('v', "cbf"),
    ('b', "vng"),
    ('n', "bmh"),
    ('m', "nj"),
];

pub(super) fn keyboard_typo(src: &Source, rng: &mut Rng) -> Option<String> {
    edit_one_word(&src.base, rng, long_ascii_word(5), |w, rng| {
        let mut chars: Vec<char> = w.chars().collect();
        let positions: Vec<usize> = (0..chars.len())
            .filter(|&i| chars.get(i).is_some_and(char::is_ascii_alphabetic))
            .collect();
        let i = *rng.pick(&positions)?;
        let c = *chars.get(i)?;
        let (_, near) = QWERTY.iter().find(|(k, _)| *k == c.to_ascii_lowercase())?;
        let near: Vec<char> = near.chars().collect();
        let n = *rng.pick(&near)?;
        let n = if c.is_ascii_uppercase() {
            n.to_ascii_uppercase()
        } else {
            n
        };
        *chars.get_mut(i)? = n;
        Some(chars.into_iter().collect())
    })
}

pub(super) fn transposition(src: &Source, rng: &mut Rng) -> Option<String> {
    edit_one_word(
        &src.base,
        rng,
        |w| letters(w) >= 5,
        |w, rng| {
            let mut chars: Vec<char> = w.chars().collect();
            let pairs: Vec<usize> = (0..chars.len().saturating_sub(1))
                .filter(|&i| match (chars.get(i), chars.get(i + 1)) {
                    (Some(a), Some(b)) => {
                        a.is_alphabetic()
                            && b.is_alphabetic()
                            && a.to_lowercase().ne(b.to_lowercase())
                    }
                    _ => false,
                })
                .collect();
            let i = *rng.pick(&pairs)?;
            chars.swap(i, i + 1);
            Some(chars.into_iter().collect())
        },
    )
}

pub(super) fn truncation(src: &Source, limit: usize) -> Option<String> {
    if src.base.chars().count() <= limit {
        return None;
    }
    let cut: String = src.base.chars().take(limit).collect();
    let cut = cut.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, ',' | '-' | '.' | '(' | '"' | '\'')
    });
    // A cut that leaves nothing but a legal form ("JOINT STOCK COMPANY", or the start of one
    // the name opens with: "LIMITED LIABILITY CO") names nobody: no screening tool can be
    // asked to find the party from it.
    let full = sanctum_names::tokens(&src.base);
    let (kept, form) = sanctum_names::legal_form(&full);
    let opening_form = if form.is_some() && kept.first() != full.first() {
        full.len() - kept.len()
    } else {
        0
    };
    if sanctum_names::tokens(cut).len() <= opening_form {
        return None;
    }
    let analysis = sanctum_names::analyze(cut);
    let names_someone = analysis.tokens.iter().any(|t| {
        matches!(
            t.kind,
            sanctum_names::TokenKind::Name | sanctum_names::TokenKind::Number
        )
    });
    names_someone.then(|| cut.to_string())
}

// ---------------------------------------------------------------------------------------
// Look-alikes

/// Changes at least 40 % of the letters of every word of three or more letters (at least
/// one consonant each, so the consonant skeleton changes too), keeping vowels vowels and
/// consonants consonants so the result still reads as a name. `None` when fewer than three
/// letters would change.
pub(super) fn many_edits(base: &str, rng: &mut Rng) -> Option<String> {
    const VOWELS: &[char] = &['a', 'e', 'i', 'o', 'u'];
    const CONSONANTS: &[char] = &[
        'b', 'd', 'f', 'g', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'z',
    ];
    let mut total = 0;
    let mut out = Vec::new();
    for w in words(base) {
        let mut chars: Vec<char> = w.chars().collect();
        let positions: Vec<usize> = (0..chars.len())
            .filter(|&i| chars.get(i).is_some_and(char::is_ascii_alphabetic))
            .collect();
        // Particles, titles, legal forms and the like stay: they do not tell parties apart.
        let function_word = !matches!(
            sanctum_names::classify(&w.to_lowercase()),
            sanctum_names::TokenKind::Name
        );
        if positions.len() < 3 || function_word {
            out.push(w);
            continue;
        }
        let need = (positions.len() * 2).div_ceil(5).max(2);
        let mut shuffled = positions.clone();
        rng.shuffle(&mut shuffled);
        // A consonant first, so the skeleton changes.
        if let Some(k) = shuffled
            .iter()
            .position(|&i| chars.get(i).is_some_and(|c| !is_vowel(*c)))
        {
            shuffled.swap(0, k);
        }
        for &i in shuffled.iter().take(need) {
            let Some(c) = chars.get(i).copied() else {
                continue;
            };
            let pool = if is_vowel(c) { VOWELS } else { CONSONANTS };
            let choices: Vec<char> = pool
                .iter()
                .copied()
                .filter(|p| *p != c.to_ascii_lowercase())
                .collect();
            let Some(&n) = rng.pick(&choices) else {
                continue;
            };
            if let Some(slot) = chars.get_mut(i) {
                *slot = if c.is_ascii_uppercase() {
                    n.to_ascii_uppercase()
                } else {
                    n
                };
                total += 1;
            }
        }
        out.push(chars.into_iter().collect());
    }
    (total >= 3).then(|| out.join(" "))
}

// ---------------------------------------------------------------------------------------
// Names written in syllables, and names stripped of their vowels (issue 16)

/// Every word of four letters or more written without its vowels, but for a vowel that
/// starts it, as payment operators and evaders write names (`Gdn Shmry MWSSA` for Guidon
/// Shimiray MWISSA): at least two words stripped.
pub(super) fn vowelless(src: &Source, _rng: &mut Rng) -> Option<String> {
    let ws = words(&src.base);
    let mut stripped = 0;
    let out: Vec<String> = ws
        .iter()
        .map(|w| {
            if !w.is_ascii() || ascii_letters(w) < 4 || is_title(w) {
                return w.clone();
            }
            let bare: String = w
                .chars()
                .enumerate()
                .filter(|(i, c)| *i == 0 || !is_vowel(*c))
                .map(|(_, c)| c)
                .collect();
            if ascii_letters(&bare) < 3 || bare == *w {
                return w.clone();
            }
            stripped += 1;
            bare
        })
        .collect();
    (stripped >= 2).then(|| out.join(" "))
}

/// Korean syllables as McCune–Reischauer writes them (the DPRK's lists) and as Revised
/// Romanization or the South's usage writes them; Chinese syllables in pinyin and in
/// Wade–Giles (Taiwan, older lists). The deck's own table: the matcher's is not used to make
/// its test cases.
const KOREAN_ROMANISATIONS: &[(&str, &str)] = &[
    ("chol", "cheol"),
    ("yong", "yeong"),
    ("song", "seong"),
    ("jong", "jeong"),
    ("chong", "jeong"),
    ("un", "eun"),
    ("pak", "park"),
    ("ri", "lee"),
    ("choe", "choi"),
    ("chon", "jeon"),
    ("hyon", "hyeon"),
    ("sok", "seok"),
    ("kwang", "gwang"),
    ("kyong", "gyeong"),
    ("myong", "myeong"),
    ("tong", "dong"),
    ("thae", "tae"),
    ("pyong", "pyeong"),
    ("chun", "jun"),
    ("kum", "geum"),
    ("kil", "gil"),
    ("kon", "geon"),
];
const CHINESE_ROMANISATIONS: &[(&str, &str)] = &[
    ("zhang", "chang"),
    ("zhou", "chou"),
    ("zhao", "chao"),
    ("zheng", "cheng"),
    ("zhong", "chung"),
    ("zhi", "chih"),
    ("xu", "hsu"),
    ("xiao", "hsiao"),
    ("xie", "hsieh"),
    ("xin", "hsin"),
    ("xiang", "hsiang"),
    ("xing", "hsing"),
    ("qin", "chin"),
    ("qiang", "chiang"),
    ("jiang", "chiang"),
    ("jin", "chin"),
    ("jian", "chien"),
    ("jun", "chun"),
    ("zeng", "tseng"),
    ("zou", "tsou"),
    ("cai", "tsai"),
    ("cao", "tsao"),
    ("dong", "tung"),
    ("hong", "hung"),
    ("long", "lung"),
    ("guo", "kuo"),
    ("gao", "kao"),
    ("guang", "kuang"),
    ("deng", "teng"),
    ("ren", "jen"),
    ("rong", "jung"),
];

/// A word's syllables from `table`, greedily from the start (XIAOMING: XIAO, MING).
fn respelt(word: &str, table: &[(&str, &str)]) -> Option<String> {
    let lower = word.to_ascii_lowercase();
    if let Some((_, other)) = table
        .iter()
        .find(|(a, b)| *a == lower || *b == lower)
        .map(|(a, b)| if *a == lower { (a, b) } else { (b, a) })
    {
        return Some(recase(word, other));
    }
    // Two syllables of a given name written together: respell the first and hyphenate.
    for (a, b) in table {
        if let Some(rest) = lower.strip_prefix(a)
            && rest.len() >= 2
        {
            return Some(recase(word, &format!("{b}-{rest}")));
        }
    }
    None
}

/// A Chinese or Korean name in the other romanisation: every word the table knows respelt
/// (`KIM Chol Yong` → `KIM Cheol Yeong`, `ZHANG Xiaoming` → `CHANG Hsiao-ming`).
pub(super) fn romanised_syllables(src: &Source, _rng: &mut Rng) -> Option<String> {
    if !src.person {
        return None;
    }
    // Each language's own romanisations: a Korean name is not respelt in Wade–Giles.
    let table = match syllabic_language(&src.base)? {
        sanctum_names::System::Korean => KOREAN_ROMANISATIONS,
        _ => CHINESE_ROMANISATIONS,
    };
    let ws = words(&src.base);
    let mut changed = 0;
    let out: Vec<String> = ws
        .iter()
        .map(|w| match respelt(w, table) {
            Some(other) => {
                changed += 1;
                other
            }
            None => w.clone(),
        })
        .collect();
    (changed > 0).then(|| out.join(" "))
}

/// A slip in a syllable of a Chinese or Korean name that makes no syllable (`Ki Nqm KIM`
/// for KIM Ki Nam): a letter of a word of two to four letters changed for a neighbouring
/// key, where the result reads as no syllable of the language.
pub(super) fn syllable_typo(src: &Source, rng: &mut Rng) -> Option<String> {
    if !src.person || !syllabic(&src.base) {
        return None;
    }
    edit_one_word(
        &src.base,
        rng,
        |w| (2..=4).contains(&ascii_letters(w)) && w.is_ascii(),
        |w, rng| {
            let mut chars: Vec<char> = w.chars().collect();
            let i = rng.below(chars.len());
            let c = *chars.get(i)?;
            let (_, near) = QWERTY.iter().find(|(k, _)| *k == c.to_ascii_lowercase())?;
            let near: Vec<char> = near.chars().filter(|n| n.is_ascii_alphabetic()).collect();
            let n = *rng.pick(&near)?;
            *chars.get_mut(i)? = if c.is_ascii_uppercase() {
                n.to_ascii_uppercase()
            } else {
                n
            };
            let typo: String = chars.into_iter().collect();
            let letters: String = typo
                .chars()
                .filter(char::is_ascii_alphabetic)
                .map(|c| c.to_ascii_lowercase())
                .collect();
            let reads = sanctum_names::Syllables::of(&letters);
            reads.systems().is_empty().then_some(typo)
        },
    )
}

/// Whether a name is Chinese or Korean by its shape (every word syllables, a family name
/// at an end).
pub(super) fn syllabic(name: &str) -> bool {
    syllabic_language(name).is_some()
}

/// The language a Chinese or Korean name is in by its shape: Korean where it reads as
/// Korean only, else Chinese.
fn syllabic_language(name: &str) -> Option<sanctum_names::System> {
    let latin = sanctum_names::to_latin(&sanctum_names::normalize(name));
    let ws: Vec<&str> = latin.split_whitespace().collect();
    let syllables: Vec<sanctum_names::Syllables> =
        ws.iter().map(|w| sanctum_names::Syllables::of(w)).collect();
    let refs: Vec<&sanctum_names::Syllables> = syllables.iter().collect();
    let systems = sanctum_names::name_systems(name, &ws, &refs);
    let chinese = systems.contains(sanctum_names::System::Mandarin)
        || systems.contains(sanctum_names::System::WadeGiles);
    if systems.contains(sanctum_names::System::Korean) && !chinese {
        Some(sanctum_names::System::Korean)
    } else if chinese {
        Some(sanctum_names::System::Mandarin)
    } else {
        None
    }
}

/// A person with a double family name (CABELLO RONDON, Diosdado) written with one of the
/// two, either one (`Diosdado RONDON`, `Diosdado CABELLO`), as Spanish and Portuguese names
/// often are.
pub(super) fn one_family_name(src: &Source, rng: &mut Rng) -> Option<String> {
    if !src.person || src.family_words != Some(2) {
        return None;
    }
    let mut ws = words(&src.base);
    if ws.len() < 3 || syllabic(&src.base) {
        return None;
    }
    // Two family names of one word each (no particle, suffix or hyphen: JUBAYR AL-RAWI and
    // KINAHAN JUNIOR are not two family names).
    let first_family = ws.len() - 2;
    let plain = |w: &String| {
        let lower = w.to_lowercase();
        w.chars().all(char::is_alphabetic)
            && !sanctum_names::is_particle(&lower)
            && !sanctum_names::is_generation(&lower)
    };
    if !ws
        .iter()
        .all(|w| !sanctum_names::is_particle(&w.to_lowercase()))
        || !ws[first_family..].iter().all(plain)
    {
        return None;
    }
    ws.remove(first_family + rng.below(2));
    Some(ws.join(" "))
}
