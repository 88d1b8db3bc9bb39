//! Japan METI export-ban list of Russian entities ("ロシア連邦の団体", Foreign Ministry notice
//! 令和四年外務省告示第八十二号, as amended), read from the PDF METI publishes
//! ([`parse_pdf`]: its text laid out by [`crate::pdf`]) or from text extracted from it
//! ([`parse`]).
//!
//! The text reads: a title, `指定日：2022 年03月01 日` (the notice's designation date),
//! `最終更新日：…` (last update, taken as [`Parsed::published`]), then numbered entries:
//!
//! ```text
//! 12 国際量子光学・量子技術センター（別称、ロシア量子センター及び RQC）
//! International Center for Quantum Optics and Quantum Technologies LLS, a.k.a. the
//! following two aliases:
//! -Russian Quantum Center; and
//! -RQC
//! 所在地：Business-center “Ural,” 100 Novaya Street, …, Russia; and 30 Bolshoy Blvd, …
//! ```
//!
//! Read from the PDF itself, each printed line is a line of text, with the entry number, the
//! Japanese and the Latin runs joined as printed. Text extracted by other tools (such as the
//! list's copy in the shared folder) has quirks of its own, all read too.
//!
//! What such an extraction does to it, and how it is read:
//! - Numbers are full-width (`１`–`９`) then ASCII. An entry may start in the middle of a line,
//!   glued after the previous address (`…, Russia.25 株式会社…`): entries are found by looking
//!   for the *next expected number* at a line start or after a `.`, followed by text with
//!   Japanese in it, so numbers inside addresses are never taken for entries.
//! - The Japanese name may wrap over lines (joined without a space, except between two Latin
//!   letters or digits); the English name may be glued to the end of the Japanese line
//!   (`…「プログレス」JSC Rocket and Space Centre – Progress`).
//! - Aliases: in Japanese inside `（別称、A、B及びC）`, in English after "a.k.a., the following
//!   N aliases:" as items starting with `-` or `—` and ending with `;`/`；` (`; and`), several
//!   items sometimes on one line. The newest entries use `別称：` lines instead.
//! - `所在地：` (sometimes spaced `所 在 地 ：`) starts the address; several addresses are
//!   separated by `;` or `; and`. The country is Russia unless the address names another one.
//! - The text ends with the last entry's number glued to its address (`…Russia561`), an
//!   extraction artefact that is removed.
//!
//! Parties are organizations, except entries whose English name is a Russian personal name
//! (given name, patronymic, family name), which are persons.
//!
//! **Listing dates.** The document gives one designation date, 2022-03-01, for the notice;
//! entries added by later amendments carry no date of their own. The entries designated on
//! 2022-03-01 (49 on METI's announcement of that day) are the leading run of entries in
//! alphabetical order of their English names; later additions are appended after it. Those
//! entries get `listed_on` 2022-03-01, the others none. When the whole list is in alphabetical
//! order the run cannot be told apart and no entry gets a date.
//!
//! `source_id` is the entry number, which METI keeps when it appends entries.
//! A missing `所在地`, two of them in one entry (a number missing or out of order) or no English
//! name is a bad entry; a text without numbered entries is not this format.

use crate::ca_sema::japanese_script_of;
use crate::{Input, ParseError, ParseOptions, Parsed, RowError, pdf};
use sanctum_limits::Limits;
use sanctum_model::date::parse_single_date;
use sanctum_model::{
    Address, Designation, Entity, EntityKind, Name, NameKind, PartialDate, Text, country,
};
use std::io::BufRead;
use std::path::Path;

pub const AUTHORITY: &str = "JP METI";
pub const LIST: &str = "End User List";
pub const PROGRAM: &str = "Russia";

/// Whether a file's first bytes look like the METI Russian-entities list text.
pub fn sniff(head: &[u8], _file_name: &str) -> bool {
    let text = String::from_utf8_lossy(head);
    text.contains("ロシア連邦の団体") && (text.contains("所在地") || text.contains("指定日"))
}

/// Whether a PDF is the METI list: the text of its first page reads as the list's title.
pub fn sniff_pdf(path: &Path, limits: &Limits) -> Result<bool, ParseError> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| ParseError::io(&name, e))?;
    let bytes = pdf::read_all(&name, file, limits)?;
    let text = pdf::text_of_pages(&name, &bytes, limits, 1)?;
    Ok(sniff(text.text.as_bytes(), &name))
}

/// Reads the list from the PDF METI publishes: its text, laid out line by line by
/// [`crate::pdf`], read as [`parse`] reads extracted text. A bad entry is reported at its
/// line of that text, and the reason names the page.
pub fn parse_pdf(
    source: &str,
    input: Input<'_>,
    opts: &ParseOptions,
) -> Result<Parsed, ParseError> {
    let file = input.name;
    let bytes = pdf::read_all(&file, input.reader, &opts.limits)?;
    let text = pdf::text(&file, &bytes, &opts.limits)?;
    let on_page = |mut row: RowError| {
        row.reason = format!(
            "{} (page {} of the PDF)",
            row.reason,
            text.page_of(row.line)
        );
        row
    };
    let mut parsed = match parse(source, Input::new(file.clone(), text.text.as_bytes()), opts) {
        Ok(parsed) => parsed,
        Err(ParseError::Row(row)) => return Err(ParseError::Row(on_page(row))),
        Err(e) => return Err(e),
    };
    parsed.skipped = parsed.skipped.into_iter().map(on_page).collect();
    Ok(parsed)
}

/// An entry as found in the text: its number, first line, and lines (the first is the text
/// after the number).
struct RawEntry {
    number: u32,
    line: u64,
    lines: Vec<String>,
}

/// What the title block says.
#[derive(Default)]
struct Header {
    text: String,
    designated: Option<PartialDate>,
    legal_basis: Option<String>,
}

/// Reads the METI list text.
pub fn parse(source: &str, input: Input<'_>, opts: &ParseOptions) -> Result<Parsed, ParseError> {
    let file = input.name;
    let mut reader = input.reader;
    let mut parsed = Parsed::default();
    let mut header = Header::default();
    let mut current: Option<RawEntry> = None;
    let mut next_number = 1u32;
    let mut buf = Vec::new();
    let mut line_no = 0u64;
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| ParseError::io(&file, e))?;
        if n == 0 {
            break;
        }
        line_no += 1;
        let Ok(text) = std::str::from_utf8(&buf) else {
            return Err(ParseError::Row(RowError {
                file: file.clone(),
                line: line_no,
                reason: "not UTF-8 text".into(),
            }));
        };
        let mut rest: Vec<char> = text.trim_end_matches(['\n', '\r']).chars().collect();
        // A line may hold the end of one entry and the start of the next.
        loop {
            match find_entry_start(&rest, next_number) {
                Some((at, content)) => {
                    let before: String = rest.get(..at).unwrap_or_default().iter().collect();
                    push_line(&mut current, &mut header, before);
                    if let Some(done) = current.take() {
                        finish(source, &file, &header, done, &mut parsed, opts)?;
                    }
                    current = Some(RawEntry {
                        number: next_number,
                        line: line_no,
                        lines: Vec::new(),
                    });
                    next_number += 1;
                    rest = rest.get(content..).unwrap_or_default().to_vec();
                }
                None => {
                    push_line(&mut current, &mut header, rest.iter().collect());
                    break;
                }
            }
        }
    }
    let Some(mut last) = current else {
        return Err(ParseError::format(
            &file,
            "not the METI Russian-entities list: no numbered entries",
        ));
    };
    strip_trailing_number(&mut last);
    finish(source, &file, &header, last, &mut parsed, opts)?;
    parsed.published = header_date(&header.text, "最終更新日");
    date_original_designations(&mut parsed, header.designated);
    Ok(parsed)
}

fn push_line(current: &mut Option<RawEntry>, header: &mut Header, line: String) {
    match current {
        Some(entry) => entry.lines.push(line),
        None => {
            header.text.push_str(&line);
            header.text.push('\n');
            if header.designated.is_none() {
                header.designated = header_date(&header.text, "指定日");
            }
            if header.legal_basis.is_none()
                && let Some(at) = header.text.find("令和")
                && let Some(len) = header.text.get(at..).and_then(|t| t.find("号"))
            {
                header.legal_basis = header.text.get(at..at + len + "号".len()).map(String::from);
            }
        }
    }
}

/// The date after `label：` in the title block ("指定日：2022 年03月01 日").
fn header_date(text: &str, label: &str) -> Option<PartialDate> {
    let line = text.lines().find(|l| l.trim_start().starts_with(label))?;
    let value = line
        .split_once(['：', ':'])
        .map(|(_, v)| v)
        .unwrap_or_default();
    let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    parse_single_date(&compact).ok()
}

fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

/// Kana, kanji, and the Japanese punctuation and full-width forms.
fn is_japanese(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x30FF | 0x31F0..=0x31FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

/// Kana and kanji only: what marks a line as (part of) a Japanese name.
fn is_kana_or_kanji(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x31F0..=0x31FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF66..=0xFF9D)
}

/// Where entry `number` starts in this line: at the line start or after a `.`, the number
/// (ASCII or full-width digits), optional spaces, then text holding Japanese. Returns the
/// index of the number and of the text after it.
fn find_entry_start(line: &[char], number: u32) -> Option<(usize, usize)> {
    let digits: Vec<u32> = number
        .to_string()
        .chars()
        .filter_map(|c| c.to_digit(10))
        .collect();
    for at in 0..line.len() {
        if at > 0 && line.get(at - 1) != Some(&'.') {
            continue;
        }
        let matches_number = digits
            .iter()
            .enumerate()
            .all(|(i, d)| line.get(at + i).and_then(|&c| digit_value(c)) == Some(*d));
        if !matches_number {
            continue;
        }
        let mut content = at + digits.len();
        if line.get(content).and_then(|&c| digit_value(c)).is_some() {
            continue;
        }
        while line
            .get(content)
            .is_some_and(|&c| c == ' ' || c == '\u{3000}')
        {
            content += 1;
        }
        let rest = line.get(content..).unwrap_or_default();
        if rest.first().is_some_and(|c| !c.is_whitespace())
            && rest.iter().any(|&c| is_kana_or_kanji(c))
        {
            return Some((at, content));
        }
    }
    None
}

/// Removes the extraction artefact at the end of the text: the last entry's number glued to
/// its address (`…Russia561`).
fn strip_trailing_number(entry: &mut RawEntry) {
    let number = entry.number.to_string();
    let Some(last) = entry.lines.iter_mut().rev().find(|l| !l.trim().is_empty()) else {
        return;
    };
    let trimmed = last.trim_end();
    if let Some(head) = trimmed.strip_suffix(number.as_str())
        && head.chars().last().is_some_and(char::is_alphabetic)
    {
        *last = head.to_string();
    }
}

/// Joins wrapped lines: a space between Latin words, none inside Japanese, none after a
/// hyphen that ends a line after a letter.
fn join_wrapped<'a>(lines: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for line in lines {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if let (Some(prev), Some(next)) = (out.chars().last(), line.chars().next()) {
            let hyphen_wrap = prev == '-'
                && out
                    .chars()
                    .rev()
                    .nth(1)
                    .is_some_and(|c| c.is_ascii_alphabetic());
            if !(is_japanese(prev) || is_japanese(next) || hyphen_wrap) {
                out.push(' ');
            }
        }
        out.push_str(line);
    }
    out
}

fn paren_depth(text: &str) -> i32 {
    text.chars().fold(0, |d, c| match c {
        '(' | '（' => d + 1,
        ')' | '）' => d - 1,
        _ => d,
    })
}

/// Where `所在地：` (also spaced, `所 在 地 ：`) is in a line: its start and the end of the
/// colon.
fn find_address_marker(line: &str) -> Option<(usize, usize)> {
    for (start, _) in line.match_indices('所') {
        let mut chars = line
            .get(start..)?
            .char_indices()
            .filter(|(_, c)| !c.is_whitespace());
        let word = ['所', '在', '地']
            .iter()
            .all(|want| chars.next().is_some_and(|(_, c)| c == *want));
        if let (true, Some((at, colon))) = (word, chars.next())
            && (colon == '：' || colon == ':')
        {
            return Some((start, start + at + colon.len_utf8()));
        }
    }
    None
}

/// The address text after a line-initial `所在地：`.
fn is_address_marker(line: &str) -> Option<String> {
    let (start, end) = find_address_marker(line)?;
    let before = line.get(..start)?;
    before
        .trim()
        .is_empty()
        .then(|| line.get(end..).unwrap_or_default().trim().to_string())
}

/// The entry's lines, with `所在地：` glued to the end of a name line moved to a line of its
/// own.
fn split_glued_markers(lines: &[String]) -> Vec<String> {
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        match find_address_marker(line) {
            Some((start, _)) if !line.get(..start).unwrap_or_default().trim().is_empty() => {
                out.push(line.get(..start).unwrap_or_default().to_string());
                out.push(line.get(start..).unwrap_or_default().to_string());
            }
            _ => out.push(line.clone()),
        }
    }
    out
}

fn is_item_dash(c: char) -> bool {
    matches!(c, '-' | '—' | '–' | '―')
}

fn finish(
    source: &str,
    file: &str,
    header: &Header,
    raw: RawEntry,
    parsed: &mut Parsed,
    opts: &ParseOptions,
) -> Result<(), ParseError> {
    match entry(source, header, &raw) {
        Ok(entity) => parsed.entities.push(entity),
        Err(reason) => {
            let row = RowError {
                file: file.to_string(),
                line: raw.line,
                reason: format!("entry {}: {reason}", raw.number),
            };
            parsed.reject_row(opts, row)?;
        }
    }
    Ok(())
}

fn entry(source: &str, header: &Header, raw: &RawEntry) -> Result<Entity, String> {
    let lines = split_glued_markers(&raw.lines);
    let markers: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| is_address_marker(l).is_some())
        .map(|(i, _)| i)
        .collect();
    let at = match markers.as_slice() {
        [] => return Err("no 所在地 (address) line; the text may be truncated".into()),
        [one] => *one,
        _ => {
            return Err(
                "several 所在地 (address) lines: an entry number is missing or out of order".into(),
            );
        }
    };
    let head = lines.get(..at).unwrap_or_default();
    let first_address = lines
        .get(at)
        .and_then(|l| is_address_marker(l))
        .unwrap_or_default();
    let address_lines = std::iter::once(first_address.as_str())
        .chain(lines.iter().skip(at + 1).map(String::as_str));
    let address_text = join_wrapped(address_lines);

    // The Japanese name: the first line, and following lines while they hold kana or kanji
    // or a bracket is still open.
    let mut ja_lines: Vec<String> = Vec::new();
    let mut index = 0;
    for line in head {
        let open = paren_depth(&ja_lines.concat()) > 0;
        let japanese = line.chars().any(is_kana_or_kanji) && !line.trim_start().starts_with("別称");
        if index == 0 || open || japanese {
            ja_lines.push(line.clone());
            index += 1;
        } else {
            break;
        }
    }
    let mut rest: Vec<String> = head.get(index..).unwrap_or_default().to_vec();
    // The English name glued to the end of the last Japanese line.
    if let Some(last) = ja_lines.last_mut() {
        let cut = last
            .char_indices()
            .rev()
            .find(|(_, c)| is_japanese(*c))
            .map(|(i, c)| i + c.len_utf8())
            .unwrap_or(0);
        let tail = last.get(cut..).unwrap_or_default().trim().to_string();
        let english_missing = rest.first().is_none_or(|l| {
            let l = l.trim_start();
            l.starts_with(is_item_dash) || l.starts_with("別称")
        });
        let tail_is_name = tail.chars().any(|c| c.is_ascii_alphabetic())
            && (english_missing || tail.split_whitespace().count() >= 3);
        if cut > 0 && tail_is_name {
            last.truncate(cut);
            rest.insert(0, tail);
        }
    }
    let japanese = join_wrapped(ja_lines.iter().map(String::as_str));

    // English lines, then the `別称：` block of the newest entries.
    let split_at = rest
        .iter()
        .position(|l| l.trim_start().starts_with("別称"))
        .unwrap_or(rest.len());
    let english_lines = rest.get(..split_at).unwrap_or_default();
    let alias_block = rest.get(split_at..).unwrap_or_default();
    let (english, mut en_aliases) = english_names(english_lines);
    if english.is_empty() {
        return Err("no English name".into());
    }
    let (ja_primary, mut ja_aliases) = japanese_names(&japanese);
    // A description after the name (entry 23, the Ministry of Defence) becomes a remark.
    let (ja_primary, ja_description) = match ja_primary.split_once('。') {
        Some((name, rest)) => (name.to_string(), Some(rest.trim().to_string())),
        None => (ja_primary, None),
    };
    let (english, en_description) = match english.split_once(". This ") {
        Some((name, rest)) => (name.to_string(), Some(format!("This {rest}"))),
        None => (english, None),
    };
    if let Some((first, more)) = alias_block.split_first() {
        let first = first.trim_start().trim_start_matches("別称");
        let first = first.trim_start_matches(['：', ':', ' ']);
        for alias in first.split([';', '；', '、', '､']) {
            let alias = alias.trim();
            if alias.is_empty() {
                continue;
            }
            if alias.chars().any(is_kana_or_kanji) {
                ja_aliases.push(alias.to_string());
            } else {
                en_aliases.push(alias.to_string());
            }
        }
        for alias in join_wrapped(more.iter().map(String::as_str)).split([';', '；']) {
            let alias = alias.trim();
            if !alias.is_empty() {
                en_aliases.push(alias.to_string());
            }
        }
    }

    let kind = if looks_like_person(&english) {
        EntityKind::Person
    } else {
        EntityKind::Organization
    };
    let mut entity = Entity::new(source, raw.number.to_string(), kind);
    entity.names.push(Name::new(english, NameKind::Primary));
    if ja_primary.chars().any(is_kana_or_kanji) {
        let mut name = Name::new(ja_primary, NameKind::OriginalScript);
        name.script = japanese_script_of(&name.full).map(str::to_string);
        name.lang = Some("jpn".into());
        entity.push_name(name);
    } else if !ja_primary.is_empty() {
        // The Japanese list writes some names in Latin letters only ("MPI VOLNA").
        ja_aliases.insert(0, ja_primary);
    }
    for alias in en_aliases.iter().chain(ja_aliases.iter()) {
        if entity.names.iter().any(|n| &n.full == alias) {
            continue;
        }
        let mut name = Name::new(alias.clone(), NameKind::Alias);
        name.script = japanese_script_of(alias).map(str::to_string);
        if name.script.is_some() {
            name.lang = Some("jpn".into());
        }
        entity.push_name(name);
    }
    entity.remarks.extend(
        ja_description
            .into_iter()
            .chain(en_description)
            .map(Text::new),
    );
    for address in split_addresses(&address_text) {
        entity.addresses.push(address);
    }
    entity.designations.push(Designation {
        authority: AUTHORITY.into(),
        list: LIST.into(),
        programs: vec![PROGRAM.into()],
        listed_on: None,
        ended_on: None,
        legal_basis: header.legal_basis.iter().cloned().collect(),
        record: None,
    });
    Ok(entity)
}

/// "Lev Anatolyevich Yershov (Ershov)": given name, patronymic, family name.
fn looks_like_person(english: &str) -> bool {
    let bare = english.split(['(', '（']).next().unwrap_or(english);
    let words: Vec<&str> = bare.split_whitespace().collect();
    let capitalised = |w: &&str| {
        w.chars().next().is_some_and(char::is_uppercase) && w.chars().all(char::is_alphabetic)
    };
    words.len() == 3
        && words.iter().all(capitalised)
        && words.get(1).is_some_and(|w| {
            ["vich", "vna", "ichna", "ich"]
                .iter()
                .any(|s| w.ends_with(s))
        })
}

/// The primary English name and the aliases listed after "a.k.a.".
fn english_names(lines: &[String]) -> (String, Vec<String>) {
    let joined = lines
        .iter()
        .map(|l| l.trim())
        .collect::<Vec<_>>()
        .join("\n");
    let lower = joined.to_ascii_lowercase();
    let Some(aka) = lower.find("a.k.a") else {
        return (trim_name(&join_wrapped(joined.lines())), Vec::new());
    };
    let primary = join_wrapped(joined.get(..aka).unwrap_or_default().lines());
    let primary = primary.trim().trim_end_matches(',').trim();
    let after = joined.get(aka + "a.k.a".len()..).unwrap_or_default();
    let list = match after.find(':') {
        Some(colon) => after.get(colon + 1..).unwrap_or_default(),
        None => after.trim_start_matches(['.', ',', ' ']),
    };
    (trim_name(primary), alias_items(list))
}

/// Items starting with a dash at a line start or after `;`/`; and`.
fn alias_items(list: &str) -> Vec<String> {
    let mut items: Vec<String> = Vec::new();
    let mut current = String::new();
    for c in list.chars() {
        if is_item_dash(c) && at_item_start(&current) {
            push_item(&mut items, &current);
            current.clear();
            continue;
        }
        current.push(c);
    }
    push_item(&mut items, &current);
    items
}

fn at_item_start(current: &str) -> bool {
    let t = current.trim_end_matches([' ', '\t']);
    if t.is_empty() || t.ends_with('\n') || t.ends_with([';', '；']) {
        return true;
    }
    t.strip_suffix("and")
        .is_some_and(|before| before.trim_end().ends_with([';', '；']))
}

fn push_item(items: &mut Vec<String>, raw: &str) {
    let mut item = join_wrapped(raw.lines());
    loop {
        let before = item.clone();
        item = item.trim().to_string();
        for suffix in [";", "；", " and", ",", ":"] {
            if let Some(s) = item.strip_suffix(suffix) {
                item = s.to_string();
            }
        }
        if item == before {
            break;
        }
    }
    let item = trim_name(&item);
    if item.chars().any(char::is_alphanumeric) {
        items.push(item);
    }
}

/// Drops a sentence-final period, keeping one that ends an abbreviation ("Co.", "Ltd.",
/// "G. A.").
fn trim_name(text: &str) -> String {
    let text = text.trim().trim_end_matches([',', ';', '；']).trim_end();
    let Some(body) = text.strip_suffix('.') else {
        return text.to_string();
    };
    let last_word = body
        .rsplit([' ', '(', '.'])
        .next()
        .unwrap_or(body)
        .to_ascii_lowercase();
    let abbreviation = ["co", "ltd", "inc", "corp", "no", "st", "bros"]
        .contains(&last_word.as_str())
        || last_word.chars().count() == 1;
    if abbreviation {
        text.to_string()
    } else {
        body.trim_end().to_string()
    }
}

/// The Japanese primary name and the aliases in its `（別称、…）` part.
fn japanese_names(text: &str) -> (String, Vec<String>) {
    let opening = text.match_indices("別称").find_map(|(at, word)| {
        let before = text.get(..at)?.chars().last()?;
        let after = text.get(at + word.len()..)?.chars().next()?;
        (matches!(before, '（' | '(') && matches!(after, '、' | '､' | ',' | '，'))
            .then(|| (at - before.len_utf8(), at + word.len() + after.len_utf8()))
    });
    let Some((start, inside_start)) = opening else {
        return (text.trim().to_string(), Vec::new());
    };
    let primary = text.get(..start).unwrap_or_default().trim().to_string();
    let inside = text.get(inside_start..).unwrap_or_default().trim_end();
    let inside = inside
        .strip_suffix('）')
        .or_else(|| inside.strip_suffix(')'))
        .unwrap_or(inside);
    let aliases = inside
        .split(['、', '､'])
        .flat_map(|s| s.split("及び"))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    (primary, aliases)
}

/// Addresses separated by `;` or `; and`, each with its country (Russia unless another
/// country is named).
fn split_addresses(text: &str) -> Vec<Address> {
    text.split([';', '；'])
        .map(|a| {
            let a = a.trim();
            a.strip_prefix("and ").unwrap_or(a).trim()
        })
        .map(|a| a.strip_suffix('.').unwrap_or(a).trim())
        .filter(|a| !a.is_empty())
        .map(|a| Address {
            lines: vec![a.to_string()],
            country: Some(address_country(a)),
            ..Address::default()
        })
        .collect()
}

fn address_country(address: &str) -> String {
    for segment in address.rsplit(',') {
        let letters: String = segment
            .chars()
            .filter(|c| !c.is_ascii_digit() && *c != '.')
            .collect();
        if let Some(code) = country::code(letters.trim()) {
            return code.to_string();
        }
        if letters.contains("Russia") {
            return "RU".into();
        }
    }
    "RU".into()
}

/// Gives the notice's designation date to the entries designated with it (see the module
/// documentation).
fn date_original_designations(parsed: &mut Parsed, designated: Option<PartialDate>) {
    let Some(date) = designated else { return };
    let keys: Vec<String> = parsed
        .entities
        .iter()
        .map(|e| e.caption().to_lowercase())
        .collect();
    let run = keys
        .windows(2)
        .position(|w| w.first() > w.get(1))
        .map(|i| i + 1)
        .unwrap_or(keys.len());
    if run >= keys.len() {
        return;
    }
    for entity in parsed.entities.iter_mut().take(run) {
        for designation in &mut entity.designations {
            designation.listed_on = Some(date);
        }
        entity.remarks.push(Text::new(format!(
            "Designated on {date} with the original notice"
        )));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_starts_are_found_at_line_starts_and_after_periods() {
        let line: Vec<char> = "Moscow 127055RU.10 対外諜報庁".chars().collect();
        assert_eq!(find_entry_start(&line, 10), Some((16, 19)));
        let line: Vec<char> = "Yasenevo 11 Kolpachny, Moscow".chars().collect();
        assert_eq!(find_entry_start(&line, 11), None);
        let line: Vec<char> = "１ 株式会社".chars().collect();
        assert_eq!(find_entry_start(&line, 1), Some((0, 2)));
        let line: Vec<char> = "12 Kievskaya Street".chars().collect();
        assert_eq!(find_entry_start(&line, 12), None);
    }

    #[test]
    fn alias_items_split_on_dashes_after_separators() {
        assert_eq!(
            alias_items("\n-Kronshtadt Group;\n-Kronshtadt;\n-Kronde Group; and-ZAO Kronshtadt."),
            [
                "Kronshtadt Group",
                "Kronshtadt",
                "Kronde Group",
                "ZAO Kronshtadt"
            ]
        );
        assert_eq!(
            alias_items("\n—ZALA AERO GROUP—Unmanned Systems; and\n—CST, OOO."),
            ["ZALA AERO GROUP—Unmanned Systems", "CST, OOO"]
        );
        assert_eq!(
            alias_items("\n-Certified Engineering Center, Ltd.;\n-EC."),
            ["Certified Engineering Center, Ltd.", "EC"]
        );
    }

    #[test]
    fn japanese_aliases_and_joins() {
        let (primary, aliases) =
            japanese_names("国際量子光学・量子技術センター（別称、ロシア量子センター及び RQC）");
        assert_eq!(primary, "国際量子光学・量子技術センター");
        assert_eq!(aliases, ["ロシア量子センター", "RQC"]);
        assert_eq!(
            join_wrapped(["KTIPM及びIFP KTIPM", "SO RAN）"]),
            "KTIPM及びIFP KTIPM SO RAN）"
        );
        assert_eq!(
            join_wrapped(["クロンシュタットグループ、クロンデ", "グループ"]),
            "クロンシュタットグループ、クロンデグループ"
        );
        assert!(looks_like_person("Lev Anatolyevich Yershov (Ershov)"));
        assert!(!looks_like_person("Russian Helicopters JSC"));
    }
}
