//! Canada's Consolidated Canadian Autonomous Sanctions List (`sema-lmes.xml`, Global Affairs
//! Canada): `data-set` holding flat `record` elements.
//!
//! Two element sets are read:
//! - current (2022+): `Country`, `LastName`/`GivenName` or `EntityOrShip`, `TitleOrShip`,
//!   `ShipIMONumber`, `DateOfBirthOrShipBuildDate`, `Aliases`, `Schedule`, `Item`,
//!   `DateOfListing`;
//! - older (2020): `Entity`, `Title`, `DateOfBirth`, and no `DateOfListing`.
//!
//! `Country` is the sanctions regime, bilingual ("Russia / Russie"); its English part is the
//! programme. It is not the party's country, so no country is set from it.
//!
//! **Record key.** The list has no official id. `source_id` is built from the regime's English
//! part, the schedule and the item, each slugged (lower case, runs of anything but letters,
//! digits and `.` become `-`): `russia/1-part-1/503`; a record without a schedule has `-`
//! there (`venezuela/-/12`). The slug absorbs the publisher's spacing variants ("1,Part 3",
//! "Venezuela "). In the 2020 and 2025 files the key is unique. Should a later file repeat a
//! key, the repeat gets the slugged primary name appended (`…/503/vladimir-putin`), then a
//! counter (`…/2`), in document order, so every record keeps an id of its own.
//!
//! **Aliases** are one free-text field: names separated by `;`, `,` (a trailing legal form
//! such as ", АО" or ", LLC" stays with its name), `/ `, ` or ` between long names, language
//! labels ("Russian:", "Arabic:") and line breaks where the script changes. Names in another
//! script than Latin keep their ISO 15924 script ("Cyrl", "Arab").
//!
//! Dates of birth that are not dates ("born in the early 1970s") become remarks; a
//! `DateOfListing` that is not a date is a bad record.

use crate::ofac_xml_util::{Node, XmlStream, clean, expect_root};
use crate::{Input, ParseError, ParseOptions, Parsed};
use sanctum_model::date::{parse_date_text, parse_single_date};
use sanctum_model::{
    DateValue, Designation, Entity, EntityKind, IdKind, Identifier, Name, NameKind, NamePart,
    NamePartKind, Text,
};
use std::collections::HashSet;

pub const AUTHORITY: &str = "CA GAC";
pub const LIST: &str = "Consolidated Canadian Autonomous Sanctions List";

/// Whether a file's first bytes look like a SEMA consolidated list.
pub fn sniff(head: &[u8], file_name: &str) -> bool {
    let has = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
    let name = file_name.to_ascii_lowercase();
    has(b"<data-set")
        && (has(b"<Schedule>") || has(b"<Item>") || has(b"<Country>") || name.contains("sema"))
}

/// Reads a SEMA consolidated list.
pub fn parse(source: &str, input: Input<'_>, opts: &ParseOptions) -> Result<Parsed, ParseError> {
    let mut xml = XmlStream::new(input, &opts.limits);
    expect_root(&mut xml, "data-set", "a SEMA consolidated list")?;
    let mut parsed = Parsed::default();
    let mut keys = HashSet::new();
    while let Some(start) = xml.next_start()? {
        if start.depth != 1 || start.name != "record" {
            continue;
        }
        let node = xml.read_node(start)?;
        match record(source, &node, &mut keys) {
            Ok(entity) => parsed.entities.push(entity),
            Err(reason) => parsed.reject_row(opts, xml.row_error(node.line, reason))?,
        }
    }
    Ok(parsed)
}

fn text_of(node: &Node, names: &[&str]) -> Option<String> {
    names
        .iter()
        .find_map(|n| node.child_text(n))
        .map(clean)
        .filter(|t| !t.is_empty())
}

/// The English part of a bilingual label ("Russia / Russie" → "Russia").
pub fn english_part(label: &str) -> String {
    label
        .split('/')
        .next()
        .map(clean)
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| clean(label))
}

/// Lower case; runs of characters other than letters, digits and `.` become one `-`.
pub fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if ch.is_alphanumeric() || ch == '.' {
            out.extend(ch.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// Vessel types as `TitleOrShip` gives them ("Oil Tanker", "General Cargo / Multi Purpose").
fn looks_like_ship_type(text: &str) -> bool {
    let lower = text.to_lowercase();
    [
        "tanker",
        "cargo",
        "carrier",
        "ro-ro",
        "vessel",
        "container",
        "bulk",
        "fso",
        "fpso",
        "tug",
        "trawler",
        "ferry",
        "yacht",
        "ship",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

fn record(source: &str, node: &Node, keys: &mut HashSet<String>) -> Result<Entity, String> {
    let regime_label = text_of(node, &["Country"]).ok_or("record without Country")?;
    let regime = english_part(&regime_label);
    let item = text_of(node, &["Item"]).ok_or("record without Item")?;
    let schedule = text_of(node, &["Schedule"]);
    let last = text_of(node, &["LastName"]);
    let given = text_of(node, &["GivenName"]);
    let whole = text_of(node, &["EntityOrShip", "Entity"]);
    let title = text_of(node, &["TitleOrShip", "Title"]);
    let imo = text_of(node, &["ShipIMONumber"]);

    let (kind, primary) = match (&last, &given, &whole) {
        (None, None, None) => {
            return Err("record without a name (LastName, GivenName or EntityOrShip)".into());
        }
        (None, None, Some(whole)) => {
            let ship = imo.is_some() || title.as_deref().is_some_and(looks_like_ship_type);
            let kind = if ship {
                EntityKind::Vessel
            } else {
                EntityKind::Organization
            };
            let mut name = Name::new(whole.clone(), NameKind::Primary);
            name.parts.push(NamePart {
                kind: NamePartKind::Whole,
                value: whole.clone(),
            });
            (kind, name)
        }
        _ => {
            let full = [given.as_deref(), last.as_deref(), whole.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            let mut name = Name::new(full, NameKind::Primary);
            for (kind, value) in [(NamePartKind::Given, &given), (NamePartKind::Family, &last)] {
                if let Some(value) = value {
                    name.parts.push(NamePart {
                        kind,
                        value: value.clone(),
                    });
                }
            }
            (EntityKind::Person, name)
        }
    };

    let listed_on = match text_of(node, &["DateOfListing"]) {
        Some(text) => Some(parse_single_date(&text).map_err(|e| format!("DateOfListing: {e}"))?),
        None => None,
    };

    let key = [
        slug(&regime),
        schedule.as_deref().map(slug).unwrap_or_else(|| "-".into()),
        slug(&item),
    ]
    .join("/");
    let source_id = unique_key(keys, key, &primary.full);
    let mut entity = Entity::new(source, source_id, kind);
    entity.names.push(primary);

    for alias in split_aliases(node.child_text("Aliases").unwrap_or_default()) {
        let mut name = Name::new(alias.clone(), NameKind::Alias);
        name.script = script_of(&alias).map(str::to_string);
        entity.push_name(name);
    }

    if let Some(title) = title {
        match kind {
            EntityKind::Vessel => entity.craft.craft_type = Some(title),
            EntityKind::Person => entity.titles.push(Text::new(title)),
            _ => entity.remarks.push(Text::new(format!("Title: {title}"))),
        }
    }
    if let Some(imo) = imo {
        let mut id = Identifier::new(IdKind::Imo, imo);
        id.label = Some("IMO".into());
        entity.identifiers.push(id);
    }
    if let Some(dates) = text_of(node, &["DateOfBirthOrShipBuildDate", "DateOfBirth"]) {
        birth_or_build_dates(&mut entity, &dates);
    }

    let mut legal = match &schedule {
        Some(s) => format!("Schedule {s}, Item {item}"),
        None => format!("Item {item}"),
    };
    if regime_label != regime {
        legal = format!("{regime_label}: {legal}");
    }
    entity.designations.push(Designation {
        authority: AUTHORITY.into(),
        list: LIST.into(),
        programs: vec![regime],
        listed_on,
        ended_on: None,
        legal_basis: vec![legal],
        record: None,
    });

    // Elements this reader does not know are kept as remarks rather than lost.
    const KNOWN: [&str; 14] = [
        "Country",
        "Item",
        "Schedule",
        "LastName",
        "GivenName",
        "EntityOrShip",
        "Entity",
        "TitleOrShip",
        "Title",
        "ShipIMONumber",
        "DateOfBirthOrShipBuildDate",
        "DateOfBirth",
        "Aliases",
        "DateOfListing",
    ];
    for child in &node.children {
        if !KNOWN.contains(&child.name.as_str())
            && let Some(text) = child.text()
        {
            entity
                .remarks
                .push(Text::new(format!("{}: {}", child.name, clean(text))));
        }
    }
    Ok(entity)
}

/// The key itself, or, when an earlier record holds it, the key extended with the name and
/// then a counter.
fn unique_key(keys: &mut HashSet<String>, key: String, name: &str) -> String {
    if keys.insert(key.clone()) {
        return key;
    }
    let with_name = format!("{key}/{}", slug(name));
    if keys.insert(with_name.clone()) {
        return with_name;
    }
    let mut n = 2;
    loop {
        let candidate = format!("{with_name}/{n}");
        if keys.insert(candidate.clone()) {
            return candidate;
        }
        n += 1;
    }
}

/// "1963 or 1964", "1965-07-15 OR 1969-09-28", "1963-1964": dates of birth, or for a vessel its
/// build date. Text that is no date is kept as a remark.
fn birth_or_build_dates(entity: &mut Entity, text: &str) {
    for part in split_or(text) {
        match parse_date_text(&part) {
            Ok(date) if entity.kind == EntityKind::Vessel => {
                if entity.craft.build_date.is_none() {
                    entity.craft.build_date = Some(date.bounds().0);
                }
            }
            Ok(date) => entity.birth_dates.push(DateValue { date, record: None }),
            Err(_) => {
                let label = if entity.kind == EntityKind::Vessel {
                    "Build date"
                } else {
                    "Date of birth"
                };
                entity.remarks.push(Text::new(format!("{label}: {part}")));
            }
        }
    }
}

/// Splits on the word "or" in any case.
fn split_or(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for word in text.split_whitespace() {
        if word.eq_ignore_ascii_case("or") {
            out.push(current.join(" "));
            current.clear();
        } else {
            current.push(word);
        }
    }
    out.push(current.join(" "));
    out.retain(|s| !s.is_empty());
    out
}

/// Legal forms that follow a name after a comma ("Завод "Дагдизель", АО"): they belong to
/// that name, not to a new alias.
const TRAILING_LEGAL_FORMS: [&str; 38] = [
    "ао", "ооо", "оао", "зао", "пао", "нао", "фгуп", "фгбу", "фкп", "ано", "мк", "сао", "ип",
    "llc", "jsc", "ojsc", "cjsc", "pjsc", "fsue", "ao", "oao", "zao", "ooo", "pao", "ltd", "ltd.",
    "inc", "inc.", "co.", "corp.", "llp", "plc", "sa", "s.a.", "gmbh", "limited", "sarl", "sau",
];

/// Language labels that introduce names in another script ("Russian: Владимир …"), longest
/// first so that the misspelt "Belarussian:" is not read as "Bela" + "russian:".
const LANGUAGE_LABELS: [&str; 10] = [
    "belarussian",
    "belarusian",
    "ukrainian",
    "russian",
    "arabic",
    "persian",
    "farsi",
    "chinese",
    "korean",
    "burmese",
];

/// The names in a SEMA `Aliases` field (see the module documentation).
pub fn split_aliases(text: &str) -> Vec<String> {
    let text = text.replace(['\u{a0}', '\u{202f}', '\r'], " ");
    let joined = join_lines(&text);
    let labelled = strip_language_labels(&joined);
    let mut out: Vec<String> = Vec::new();
    for piece in labelled.split([';', '；']) {
        for piece in split_commas(piece) {
            for piece in split_slash(&piece) {
                for piece in split_long_or(&piece) {
                    let name = tidy_alias(&piece);
                    if name.chars().any(char::is_alphabetic) && !out.contains(&name) {
                        out.push(name);
                    }
                }
            }
        }
    }
    out
}

/// Line breaks inside a name become spaces; a break where the script changes ("… Nilforushan
/// \n عباس نیلفروشان") separates two names.
fn join_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        let line = line.trim();
        if i > 0 && !out.is_empty() && !line.is_empty() {
            let before = out.chars().rev().find(|c| c.is_alphabetic());
            let after = line.chars().find(|c| c.is_alphabetic());
            let changes = match (before, after) {
                (Some(a), Some(b)) => char_script(a) != char_script(b),
                _ => false,
            };
            out.push_str(if changes { "; " } else { " " });
        }
        out.push_str(line);
    }
    out
}

/// Replaces each language label (the word, optional spaces, a colon) by a `;` separator.
fn strip_language_labels(text: &str) -> String {
    let mut out = text.to_string();
    for label in LANGUAGE_LABELS {
        let mut from = 0;
        while let Some(found) = find_ascii_ci(&out, label, from) {
            let after_word = found + label.len();
            let rest = out.get(after_word..).unwrap_or_default();
            let spaces = rest.len() - rest.trim_start_matches(' ').len();
            let starts_word = out
                .get(..found)
                .and_then(|b| b.chars().last())
                .is_none_or(|c| !c.is_alphabetic());
            if starts_word && rest.get(spaces..).is_some_and(|r| r.starts_with(':')) {
                out.replace_range(found..after_word + spaces + 1, ";");
                from = found + 1;
            } else {
                from = after_word;
            }
        }
    }
    out
}

/// The byte offset of an ASCII word in `text` from `from`, ignoring ASCII case.
fn find_ascii_ci(text: &str, word: &str, from: usize) -> Option<usize> {
    let hay = text.as_bytes();
    let needle = word.as_bytes();
    (from..hay.len().checked_sub(needle.len())? + 1).find(|&i| {
        hay.get(i..i + needle.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(needle))
    })
}

/// Splits on commas outside parentheses, keeping a trailing legal form with its name.
fn split_commas(text: &str) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut depth = 0i32;
    for ch in text.chars() {
        match ch {
            '(' => depth += 1,
            ')' => depth = (depth - 1).max(0),
            _ => {}
        }
        if ch == ',' && depth == 0 {
            parts.push(std::mem::take(&mut current));
        } else {
            current.push(ch);
        }
    }
    parts.push(current);
    let mut out: Vec<String> = Vec::new();
    for part in parts {
        let word = part.trim().to_lowercase();
        match out.last_mut() {
            Some(prev) if TRAILING_LEGAL_FORMS.contains(&word.as_str()) => {
                prev.push(',');
                prev.push_str(&part);
            }
            _ => out.push(part),
        }
    }
    out
}

/// "ООО "ТРАНСОЙЛ" / ОБЩЕСТВО …" and "Маслюков/ Сяргей …": a slash followed by a space
/// separates names.
fn split_slash(text: &str) -> Vec<String> {
    text.split("/ ").map(str::to_string).collect()
}

/// " or " separates two names when both sides have at least three words ("Анна Андреевна
/// Пушкарева or Анна Андреевна Шейман"); shorter sides are spelling variants of one word
/// ("Aleksandr Evgenyevich or Evgenievich Kon’kov") and stay together.
fn split_long_or(text: &str) -> Vec<String> {
    let parts = split_or(text);
    if parts.len() > 1 && parts.iter().all(|p| p.split_whitespace().count() >= 3) {
        parts
    } else {
        vec![text.to_string()]
    }
}

/// Trims spaces, separators and unbalanced brackets left over from splitting.
fn tidy_alias(text: &str) -> String {
    let mut name = clean(text);
    loop {
        let before = name.clone();
        let trimmed = name
            .trim_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':'))
            .to_string();
        name = trimmed;
        if let Some(rest) = name.strip_prefix("also ") {
            name = rest.to_string();
        }
        let opens = name.matches('(').count();
        let closes = name.matches(')').count();
        if (closes > opens && name.ends_with(')')) || (opens > closes && name.ends_with('(')) {
            name.pop();
        } else if opens > closes && name.starts_with('(') {
            name.remove(0);
        } else if let Some(inner) = name.strip_prefix('(').and_then(|n| n.strip_suffix(')'))
            && !inner.contains(['(', ')'])
        {
            // "(Rosselkhozbank)": a name wholly in brackets.
            name = inner.to_string();
        }
        if name == before {
            return name;
        }
    }
}

/// The script of a character, coarsely: enough to tell Latin from the scripts lists use.
fn char_script(c: char) -> Option<&'static str> {
    match c as u32 {
        0x0400..=0x052F | 0x1C80..=0x1C8F | 0xA640..=0xA69F => Some("Cyrl"),
        0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => {
            Some("Arab")
        }
        0x0590..=0x05FF => Some("Hebr"),
        0x0370..=0x03FF => Some("Grek"),
        0x0530..=0x058F => Some("Armn"),
        0x10A0..=0x10FF => Some("Geor"),
        0x1000..=0x109F => Some("Mymr"),
        0xAC00..=0xD7AF | 0x1100..=0x11FF | 0x3130..=0x318F => Some("Hang"),
        0x3040..=0x309F => Some("Hira"),
        0x30A0..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9D => Some("Kana"),
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF => Some("Hani"),
        _ => None,
    }
}

/// The ISO 15924 script of a name written mostly in a script other than Latin: "Cyrl",
/// "Arab", …; Japanese is "Jpan" when it holds kanji or hiragana, "Kana" when only katakana.
/// `None` for Latin names. Shared with the Japanese readers.
pub fn script_of(text: &str) -> Option<&'static str> {
    let mut latin = 0usize;
    let mut counts: Vec<(&'static str, usize)> = Vec::new();
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        match char_script(c) {
            Some(s) => match counts.iter_mut().find(|(k, _)| *k == s) {
                Some((_, n)) => *n += 1,
                None => counts.push((s, 1)),
            },
            None => latin += 1,
        }
    }
    let other: usize = counts.iter().map(|(_, n)| n).sum();
    if other == 0 {
        return None;
    }
    let japanese = |s: &str| matches!(s, "Hira" | "Kana" | "Hani");
    if counts.iter().any(|(s, _)| *s == "Hira" || *s == "Kana") {
        let has_kanji_or_hiragana = counts.iter().any(|(s, _)| *s == "Hira" || *s == "Hani");
        return Some(if has_kanji_or_hiragana {
            "Jpan"
        } else {
            "Kana"
        });
    }
    if other < latin {
        return None;
    }
    counts
        .iter()
        .max_by_key(|(_, n)| *n)
        .map(|(s, _)| if japanese(s) { "Hani" } else { *s })
}

/// [`script_of`] for text from a Japanese list: kanji alone is Japanese ("Jpan"), not
/// Chinese.
/// Any kana or kanji makes the name Japanese, however many Latin letters it also holds
/// ("有限会社Ineko").
pub fn japanese_script_of(text: &str) -> Option<&'static str> {
    let scripts: Vec<Option<&str>> = text.chars().map(char_script).collect();
    let has = |s: &str| scripts.contains(&Some(s));
    match (has("Hani") || has("Hira"), has("Kana")) {
        (true, _) => Some("Jpan"),
        (false, true) => Some("Kana"),
        (false, false) => script_of(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_split_on_separators_but_keep_legal_forms() {
        assert_eq!(
            split_aliases("Vladimir Vladimirovich PUTIN, Владимир Владимирович Путин"),
            [
                "Vladimir Vladimirovich PUTIN",
                "Владимир Владимирович Путин"
            ]
        );
        assert_eq!(
            split_aliases("Завод \"Дагдизель\", АО"),
            ["Завод \"Дагдизель\", АО"]
        );
        assert_eq!(
            split_aliases("Ali Ahmed Karti \nArabic: علي أحمد كرتي"),
            ["Ali Ahmed Karti", "علي أحمد كرتي"]
        );
        assert_eq!(
            split_aliases("Irina Pradun, Belarussian: Ірына Прадун, Russian\u{a0}: Ирина Прадун"),
            ["Irina Pradun", "Ірына Прадун", "Ирина Прадун"]
        );
        assert_eq!(
            split_aliases("Myanma Five Star Line Company\nLimited"),
            ["Myanma Five Star Line Company Limited"]
        );
        assert_eq!(
            split_aliases("Aleksandr Evgenyevich or Evgenievich Kon’kov"),
            ["Aleksandr Evgenyevich or Evgenievich Kon’kov"]
        );
        assert_eq!(
            split_aliases("Министерство обороны Республики Беларусь; Минобороны Беларуси) "),
            [
                "Министерство обороны Республики Беларусь",
                "Минобороны Беларуси"
            ]
        );
    }

    #[test]
    fn scripts_and_slugs() {
        assert_eq!(script_of("Владимир Путин"), Some("Cyrl"));
        assert_eq!(script_of("Газпромбанк AO"), Some("Cyrl"));
        assert_eq!(script_of("Vladimir Putin"), None);
        assert_eq!(script_of("ウラジーミル・プーチン"), Some("Kana"));
        assert_eq!(script_of("株式会社ロシア"), Some("Jpan"));
        assert_eq!(slug("1,Part 3"), "1-part-3");
        assert_eq!(slug("1, Part 1.1"), "1-part-1.1");
        assert_eq!(english_part("Russia / Russie"), "Russia");
    }
}
