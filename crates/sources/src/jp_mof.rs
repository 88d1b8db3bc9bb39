//! Japan Ministry of Finance asset-freeze list ("経済制裁措置及び対象者リスト"), an Excel
//! workbook (`.xlsx`; older releases `.xls`).
//!
//! **Not yet met a real file.** Written from the structure documented in FORMATS.md §1.10
//! (itself taken from the OpenSanctions crawler) and tested on a hand-made workbook.
//!
//! Layout: one sheet per measure. The first non-empty row is the section title (the measure,
//! e.g. "資産凍結等の措置の対象となるロシア連邦の団体及び個人（個人）"), taken as the programme.
//! A header row starting with 告示日付 (notice date) follows; every row after it with a name is
//! one party. Header cells are matched with their spaces removed ("日 本 語 表 記"):
//! 告示日付, 告示番号, 日本語表記, 英語表記, 別称・別名 (aliases), 過去の別名 / 旧称 (former
//! names), 確定に十分でない別名 (weak aliases), 称号, 役職, 生年月日, 出生地, 国籍, 旅券番号,
//! 身分証番号 / ID番号, 住所・所在地, その他の情報, 国連制裁委員会による指定日, 国連参照番号,
//! リスト掲載日. Unknown columns become remarks "header: value".
//!
//! Cells: several values in one cell are split on line breaks and on the markers `(a)`, `(b)`,
//! full-width `（ａ）`, `(i)`, `(ii)`; `_x000D_` artefacts are removed; `不明` (unknown) is
//! dropped. Dates are Excel serials or Japanese text ("1952年10月7日", "1960年頃" circa,
//! "1955年から1958年の間" a range). Nationalities are resolved from Japanese country names
//! for the countries the lists concern, else from English.
//!
//! Names: the English name (英語表記) is the primary name, kept in full as published (Japanese
//! lists often put the family name first); the Japanese one (日本語表記) is an
//! `OriginalScript` name with script "Jpan" or "Kana".
//!
//! Kind: persons on sheets whose title says 個人 (individuals) alone or ends with （個人）,
//! organizations on sheets for 団体 (entities) or 特定銀行 (banks); on mixed sheets a row with
//! a date of birth or passport is a person, otherwise the kind is unknown.
//!
//! **Record key.** The list has no per-party id. `source_id` is `{告示番号}/{English name}`
//! (the notice number and the primary name, each as published, the Japanese name when there
//! is no English one; `-` when there is no notice number), which stays the same as long as the
//! party's entry does. A key repeated in the workbook gets `/{sheet}!{row}` appended.
//!
//! listed_on is リスト掲載日 (list date), else 告示日付 (notice date); the notice number and
//! date go into the legal basis. A row with no name, or a list or notice date that is not a
//! date, is a bad row (its Excel row number is the line). A file that is not a workbook
//! (truncated, say) is an error, and so is a legacy `.xls` workbook: it is read through the
//! bounded reader of [`crate::xlsx`], which reads XLSX only.

use crate::ca_sema::japanese_script_of as script_of;
use crate::uk_ofsi::SheetFailure;
use crate::{Input, ParseError, ParseOptions, Parsed, RowError};
use calamine::{Data, ExcelDateTime, ExcelDateTimeType};
use sanctum_model::date::parse_date_text;
use sanctum_model::{
    Address, DateSpec, DateValue, Designation, Entity, EntityKind, IdKind, Identifier, Name,
    NameKind, PartialDate, Text, country,
};
use std::collections::HashSet;

pub const AUTHORITY: &str = "JP MOF";
pub const LIST: &str = "Asset freeze list";

/// Whether a file looks like the MOF workbook. An XLSX's first bytes do not tell one workbook
/// from another (the sheets are compressed), so this needs an Excel signature and a file name
/// that points to the MOF list.
pub fn sniff(head: &[u8], file_name: &str) -> bool {
    let excel = head.starts_with(b"PK\x03\x04") || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
    let name = file_name.to_lowercase();
    excel
        && [
            "mof",
            "jp_",
            "japan",
            "shisan",
            "seisai",
            "gaitame",
            "資産凍結",
            "経済制裁",
        ]
        .iter()
        .any(|k| name.contains(k))
}

/// What a column holds.
#[derive(Debug, Clone, PartialEq)]
enum Column {
    NoticeDate,
    NoticeNumber,
    NameJa,
    NameEn,
    Alias,
    WeakAlias,
    Former,
    Title,
    Position,
    BirthDate,
    BirthPlace,
    Nationality,
    Passport,
    NationalId,
    Address,
    Other,
    UnDate,
    UnRef,
    ListDate,
    Unknown(String),
}

fn column_for(header: &str) -> Option<Column> {
    let h: String = clean_cell(header)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if h.is_empty() {
        return None;
    }
    let has = |s: &str| h.contains(s);
    Some(if has("告示日付") {
        Column::NoticeDate
    } else if has("告示番号") {
        Column::NoticeNumber
    } else if has("日本語表記") {
        Column::NameJa
    } else if has("英語表記") {
        Column::NameEn
    } else if has("確定に十分でない") {
        Column::WeakAlias
    } else if has("過去の別名") || has("以前の別名") || h.starts_with("旧称") {
        Column::Former
    } else if has("別称") || has("別名") {
        Column::Alias
    } else if has("称号") {
        Column::Title
    } else if has("役職") || has("肩書") {
        Column::Position
    } else if has("生年月日") {
        Column::BirthDate
    } else if has("出生地") {
        Column::BirthPlace
    } else if has("国籍") {
        Column::Nationality
    } else if has("旅券番号") {
        Column::Passport
    } else if has("身分証") || has("ID番号") || has("ＩＤ番号") || has("身分登録番号")
    {
        Column::NationalId
    } else if has("住所") || has("所在地") {
        Column::Address
    } else if has("その他の情報") || has("詳細") {
        Column::Other
    } else if has("国連制裁") && has("指定日") {
        Column::UnDate
    } else if has("国連参照番号") {
        Column::UnRef
    } else if has("リスト掲載日") {
        Column::ListDate
    } else {
        Column::Unknown(clean_cell(header))
    })
}

/// Removes the `_x000D_` artefacts and carriage returns, and trims.
fn clean_cell(text: &str) -> String {
    text.replace("_x000D_", "")
        .replace('\r', "")
        .trim()
        .to_string()
}

/// Collapses runs of spaces (ASCII and full-width) into one.
fn squash(text: &str) -> String {
    text.split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

const ROMAN: [&str; 10] = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"];

/// The length in chars of an enumeration marker at the start of `chars`: `(a)`, `（ａ）`,
/// `(ii)`.
fn marker_len(chars: &[char]) -> Option<usize> {
    let open = chars.first()?;
    if *open != '(' && *open != '（' {
        return None;
    }
    let close = chars.iter().take(7).position(|&c| c == ')' || c == '）')?;
    let inner: String = chars
        .get(1..close)?
        .iter()
        .map(|&c| match c {
            'ａ'..='ｚ' => char::from_u32(c as u32 - 'ａ' as u32 + 'a' as u32).unwrap_or(c),
            c => c,
        })
        .collect();
    let single_letter = inner.len() == 1 && inner.chars().all(|c| c.is_ascii_lowercase());
    (single_letter || ROMAN.contains(&inner.as_str())).then_some(close + 1)
}

/// The values of one cell: split on line breaks and enumeration markers; `不明` dropped.
pub fn split_values(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in clean_cell(text).split('\n') {
        let chars: Vec<char> = line.chars().collect();
        let mut current = String::new();
        let mut i = 0;
        while let Some(&c) = chars.get(i) {
            if let Some(len) = marker_len(chars.get(i..).unwrap_or_default()) {
                out.push(std::mem::take(&mut current));
                i += len;
                continue;
            }
            current.push(c);
            i += 1;
        }
        out.push(current);
    }
    out.into_iter()
        .map(|v| {
            squash(&v)
                .trim_matches(|c: char| matches!(c, ';' | '；' | '、' | ',' | '，'))
                .trim()
                .to_string()
        })
        .filter(|v| !v.is_empty() && v != "不明")
        .collect()
}

/// A cell as text; numbers without a fraction print as integers.
fn cell_text(cell: &Data) -> Option<String> {
    let text = match cell {
        Data::Empty | Data::Error(_) => return None,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => clean_cell(s),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => excel_date(dt.as_f64())?.to_string(),
    };
    Some(text).filter(|t| !t.is_empty())
}

/// An Excel serial day number as a date.
fn excel_date(serial: f64) -> Option<PartialDate> {
    if !(1.0..2958466.0).contains(&serial) {
        return None;
    }
    let (y, m, d, ..) =
        ExcelDateTime::new(serial, ExcelDateTimeType::DateTime, false).to_ymd_hms_milli();
    PartialDate::new(y, Some(m), Some(d)).ok()
}

/// The dates in a date cell: Excel serials, or text values split as in [`split_values`].
fn cell_dates(cell: &Data) -> Vec<Result<DateSpec, String>> {
    let number = match cell {
        Data::DateTime(dt) => Some(dt.as_f64()),
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        _ => None,
    };
    if let Some(n) = number {
        // A bare year in a date column ("1952") rather than a serial day.
        if n.fract() == 0.0 && (1000.0..=2100.0).contains(&n) && !matches!(cell, Data::DateTime(_))
        {
            return vec![Ok(DateSpec::Exact(PartialDate::year(n as u16)))];
        }
        return vec![
            excel_date(n)
                .map(DateSpec::Exact)
                .ok_or_else(|| format!("{n} is not an Excel date")),
        ];
    }
    let Some(text) = cell_text(cell) else {
        return Vec::new();
    };
    split_values(&text)
        .iter()
        .map(|v| japanese_date(v).ok_or_else(|| v.clone()))
        .collect()
}

/// "1952年10月7日", "1960年頃" (circa), "1955年から1958年の間" (a range), "1955年-1958年".
pub fn japanese_date(text: &str) -> Option<DateSpec> {
    let mut t: String = text
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '（' | '）' | '(' | ')' => ' ',
            c => c,
        })
        .collect();
    let mut circa = false;
    for prefix in ["おおよそ", "およそ", "約"] {
        if let Some(rest) = t.strip_prefix(prefix) {
            t = rest.to_string();
            circa = true;
        }
    }
    for suffix in ["の頃", "頃", "生まれ", "生"] {
        if let Some(rest) = t.trim_end().strip_suffix(suffix) {
            circa |= suffix.contains('頃');
            t = rest.to_string();
        }
    }
    for (from, to) in [
        ("までの間", ""),
        ("の間", ""),
        ("から", " to "),
        ("～", " to "),
        ("~", " to "),
        ("年-", "年 to "),
    ] {
        t = t.replace(from, to);
    }
    let spec = parse_date_text(t.trim()).ok()?;
    Some(match spec {
        DateSpec::Exact(d) if circa => DateSpec::Circa(d),
        other => other,
    })
}

/// Japanese country names the asset-freeze lists use (nationality column).
const JAPANESE_COUNTRIES: [(&str, &str); 52] = [
    ("アフガニスタン", "AF"),
    ("アメリカ", "US"),
    ("アラブ首長国連邦", "AE"),
    ("アルジェリア", "DZ"),
    ("イエメン", "YE"),
    ("イギリス", "GB"),
    ("イスラエル", "IL"),
    ("イラク", "IQ"),
    ("イラン", "IR"),
    ("インド", "IN"),
    ("インドネシア", "ID"),
    ("ウクライナ", "UA"),
    ("ウズベキスタン", "UZ"),
    ("エジプト", "EG"),
    ("エチオピア", "ET"),
    ("エリトリア", "ER"),
    ("英国", "GB"),
    ("カザフスタン", "KZ"),
    ("カタール", "QA"),
    ("キプロス", "CY"),
    ("クウェート", "KW"),
    ("ケニア", "KE"),
    ("コンゴ民主共和国", "CD"),
    ("サウジアラビア", "SA"),
    ("サウディ・アラビア", "SA"),
    ("シリア", "SY"),
    ("スーダン", "SD"),
    ("セルビア", "RS"),
    ("ソマリア", "SO"),
    ("タジキスタン", "TJ"),
    ("中央アフリカ", "CF"),
    ("中国", "CN"),
    ("チュニジア", "TN"),
    ("朝鮮民主主義人民共和国", "KP"),
    ("北朝鮮", "KP"),
    ("トルコ", "TR"),
    ("ドイツ", "DE"),
    ("ナイジェリア", "NG"),
    ("パキスタン", "PK"),
    ("ハイチ", "HT"),
    ("フィリピン", "PH"),
    ("フランス", "FR"),
    ("ベラルーシ", "BY"),
    ("米国", "US"),
    ("マリ", "ML"),
    ("南スーダン", "SS"),
    ("ミャンマー", "MM"),
    ("モロッコ", "MA"),
    ("ヨルダン", "JO"),
    ("リビア", "LY"),
    ("レバノン", "LB"),
    ("ロシア", "RU"),
];

/// A country code for a nationality as the list writes it, in Japanese or English.
pub fn country_code(text: &str) -> Option<String> {
    let t = text.trim();
    // The longest matching name first: "南スーダン" before "スーダン".
    let japanese = JAPANESE_COUNTRIES
        .iter()
        .filter(|(name, _)| t.starts_with(name))
        .max_by_key(|(name, _)| name.len())
        .map(|(_, code)| code.to_string());
    japanese.or_else(|| country::code(t).map(str::to_string))
}

/// Reads the MOF asset-freeze workbook, through the bounded reader of [`crate::xlsx`].
pub fn parse(source: &str, input: Input<'_>, opts: &ParseOptions) -> Result<Parsed, ParseError> {
    let file = input.name;
    let fail = |e: crate::xlsx::XlsxError| ParseError::format(&file, e.to_string());
    let mut workbook = crate::xlsx::Workbook::open(input.reader, &opts.limits).map_err(fail)?;
    let mut parsed = Parsed::default();
    let mut keys = HashSet::new();
    let mut headers_seen = 0;
    for sheet in workbook.sheet_names() {
        let mut section: Option<String> = None;
        let mut columns: Option<Vec<Option<Column>>> = None;
        let each = |sheet_row: crate::xlsx::SheetRow| -> Result<(), SheetFailure> {
            let line = sheet_row.line;
            let row = sheet_row.cells.as_slice();
            let texts: Vec<Option<String>> = row.iter().map(cell_text).collect();
            let filled: Vec<&String> = texts.iter().flatten().collect();
            if filled.is_empty() {
                return Ok(());
            }
            if texts.first().and_then(|t| t.as_deref()).is_some_and(|t| {
                t.chars()
                    .filter(|c| !c.is_whitespace())
                    .collect::<String>()
                    .contains("告示日付")
            }) {
                columns = Some(texts.iter().map(|t| column_for(t.as_deref()?)).collect());
                headers_seen += 1;
                return Ok(());
            }
            let Some(cols) = &columns else {
                if section.is_none() {
                    section = Some(squash(
                        &filled
                            .iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join(" / "),
                    ));
                }
                return Ok(());
            };
            let ctx = RowContext {
                source,
                sheet: &sheet,
                line,
                section: section.as_deref().unwrap_or(&sheet),
            };
            match party(&ctx, cols, row, &mut keys) {
                Ok(Some(entity)) => parsed.entities.push(entity),
                Ok(None) => {
                    // A heading between blocks of rows: the next block's section.
                    if let [only] = filled.as_slice() {
                        section = Some(squash(only));
                    }
                }
                Err(reason) => parsed
                    .reject_row(
                        opts,
                        RowError {
                            file: file.clone(),
                            line,
                            reason: format!("sheet {sheet:?}: {reason}"),
                        },
                    )
                    .map_err(SheetFailure::Parse)?,
            }
            Ok(())
        };
        workbook.for_each_row(&sheet, each).map_err(|e| match e {
            SheetFailure::Parse(e) => e,
            SheetFailure::Sheet(e) => fail(e),
        })?;
    }
    if headers_seen == 0 {
        return Err(ParseError::format(
            &file,
            "not the MOF asset-freeze list: no sheet has a header row starting with 告示日付",
        ));
    }
    Ok(parsed)
}

struct RowContext<'a> {
    source: &'a str,
    sheet: &'a str,
    line: u64,
    section: &'a str,
}

fn kind_for_section(section: &str) -> Option<EntityKind> {
    let s: String = section.chars().filter(|c| !c.is_whitespace()).collect();
    if s.ends_with("（個人）") || s.ends_with("(個人)") {
        return Some(EntityKind::Person);
    }
    if s.contains("（団体") || s.contains("(団体") || s.contains("特定銀行") {
        return Some(EntityKind::Organization);
    }
    match (s.contains("個人"), s.contains("団体")) {
        (true, false) => Some(EntityKind::Person),
        (false, true) => Some(EntityKind::Organization),
        _ => None,
    }
}

/// One data row as a party; `Ok(None)` for a row with one cell and no name (a heading).
fn party(
    ctx: &RowContext<'_>,
    cols: &[Option<Column>],
    row: &[Data],
    keys: &mut HashSet<String>,
) -> Result<Option<Entity>, String> {
    let cells = || {
        cols.iter()
            .zip(row.iter())
            .filter_map(|(c, d)| c.as_ref().map(|c| (c, d)))
    };
    let values = |want: &Column| -> Vec<String> {
        cells()
            .filter(|(c, _)| *c == want)
            .filter_map(|(_, d)| cell_text(d))
            .flat_map(|t| split_values(&t))
            .collect()
    };
    let english = values(&Column::NameEn);
    let japanese = values(&Column::NameJa);
    if english.is_empty() && japanese.is_empty() {
        let filled = row.iter().filter(|d| cell_text(d).is_some()).count();
        return if filled <= 1 {
            Ok(None)
        } else {
            Err("row without a name (英語表記 or 日本語表記)".into())
        };
    }
    let strict_date = |want: &Column, label: &str| -> Result<Option<PartialDate>, String> {
        let mut first = None;
        for (_, cell) in cells().filter(|(c, _)| *c == want) {
            for date in cell_dates(cell) {
                let date = date.map_err(|text| format!("{label}: {text:?} is not a date"))?;
                first = first.or(Some(date.bounds().0));
            }
        }
        Ok(first)
    };
    let notice_date = strict_date(&Column::NoticeDate, "告示日付")?;
    let list_date = strict_date(&Column::ListDate, "リスト掲載日")?;
    let notice_number = values(&Column::NoticeNumber).join(" ");
    let birth_dates: Vec<Result<DateSpec, String>> = cells()
        .filter(|(c, _)| **c == Column::BirthDate)
        .flat_map(|(_, d)| cell_dates(d))
        .collect();
    let passports = values(&Column::Passport);

    let kind = kind_for_section(ctx.section).unwrap_or(
        if birth_dates.is_empty() && passports.is_empty() {
            EntityKind::Unknown
        } else {
            EntityKind::Person
        },
    );
    let caption = english
        .first()
        .or(japanese.first())
        .cloned()
        .unwrap_or_default();
    let number_key = if notice_number.is_empty() {
        "-".to_string()
    } else {
        notice_number.clone()
    };
    let mut key = format!("{number_key}/{caption}");
    if !keys.insert(key.clone()) {
        key = format!("{key}/{}!{}", ctx.sheet, ctx.line);
        keys.insert(key.clone());
    }
    let mut entity = Entity::new(ctx.source, key, kind);

    for (i, name) in english.iter().enumerate() {
        let kind = if i == 0 {
            NameKind::Primary
        } else {
            NameKind::Alias
        };
        let mut n = Name::new(name.clone(), kind);
        n.script = script_of(name).map(str::to_string);
        entity.push_name(n);
    }
    for name in &japanese {
        let kind = if english.is_empty() && entity.names.is_empty() {
            NameKind::Primary
        } else {
            NameKind::OriginalScript
        };
        let mut n = Name::new(name.clone(), kind);
        n.script = script_of(name).map(str::to_string);
        n.lang = Some("jpn".into());
        entity.push_name(n);
    }
    for (column, kind) in [
        (Column::Alias, NameKind::Alias),
        (Column::WeakAlias, NameKind::WeakAlias),
        (Column::Former, NameKind::Former),
    ] {
        for name in values(&column) {
            let mut n = Name::new(name.clone(), kind);
            n.script = script_of(&name).map(str::to_string);
            entity.push_name(n);
        }
    }
    for date in birth_dates {
        match date {
            Ok(date) => entity.birth_dates.push(DateValue { date, record: None }),
            Err(text) => entity
                .remarks
                .push(Text::new(format!("生年月日 (date of birth): {text}"))),
        }
    }
    entity
        .titles
        .extend(values(&Column::Title).into_iter().map(Text::new));
    entity
        .positions
        .extend(values(&Column::Position).into_iter().map(Text::new));
    entity
        .birth_places
        .extend(values(&Column::BirthPlace).into_iter().map(Text::new));
    for nationality in values(&Column::Nationality) {
        match country_code(&nationality) {
            Some(code) => Entity::push_country(&mut entity.nationalities, code, None),
            None => entity
                .remarks
                .push(Text::new(format!("国籍 (nationality): {nationality}"))),
        }
    }
    for (column, kind, label) in [
        (Column::Passport, IdKind::Passport, "旅券番号"),
        (Column::NationalId, IdKind::NationalId, "身分証番号"),
    ] {
        for value in values(&column) {
            let mut id = Identifier::new(kind.clone(), value);
            id.label = Some(label.into());
            entity.identifiers.push(id);
        }
    }
    for value in values(&Column::UnRef) {
        let mut id = Identifier::new(IdKind::Other, value);
        id.label = Some("UN reference number".into());
        entity.identifiers.push(id);
    }
    for value in values(&Column::Address) {
        let country = value.rsplit([',', '、']).next().and_then(country_code);
        entity.addresses.push(Address {
            lines: vec![value],
            country,
            ..Address::default()
        });
    }
    entity
        .remarks
        .extend(values(&Column::Other).into_iter().map(Text::new));
    for (column, _) in cells() {
        if let Column::Unknown(label) = column {
            for value in values(column) {
                entity.remarks.push(Text::new(format!("{label}: {value}")));
            }
        }
    }

    let mut legal_basis = Vec::new();
    if !notice_number.is_empty() || notice_date.is_some() {
        let date = notice_date.map(|d| format!(" ({d})")).unwrap_or_default();
        legal_basis.push(format!("告示 {notice_number}{date}").replace("  ", " "));
    }
    for date in values(&Column::UnDate) {
        legal_basis.push(format!(
            "国連制裁委員会による指定日 (UN designation): {date}"
        ));
    }
    entity.designations.push(Designation {
        authority: AUTHORITY.into(),
        list: LIST.into(),
        programs: vec![ctx.section.to_string()],
        listed_on: list_date.or(notice_date),
        ended_on: None,
        legal_basis,
        record: None,
    });
    Ok(Some(entity))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_split_on_markers_and_lines() {
        assert_eq!(
            split_values("(a) Vladimir PUTIN (b) Wladimir PUTIN"),
            ["Vladimir PUTIN", "Wladimir PUTIN"]
        );
        assert_eq!(split_values("（ａ）甲（ｂ）乙"), ["甲", "乙"]);
        assert_eq!(split_values("(i) A1\n(ii) B2_x000D_"), ["A1", "B2"]);
        assert_eq!(split_values("不明"), Vec::<String>::new());
        assert_eq!(split_values("Company (A) Ltd"), ["Company (A) Ltd"]);
    }

    #[test]
    fn japanese_dates() {
        let d = |s: &str| japanese_date(s).map(|d| d.to_string());
        assert_eq!(d("1952年10月7日").as_deref(), Some("1952-10-07"));
        assert_eq!(d("1960年頃").as_deref(), Some("~1960"));
        assert_eq!(d("1955年から1958年の間").as_deref(), Some("1955/1958"));
        assert_eq!(d("１９５２年１０月７日").as_deref(), Some("1952-10-07"));
        assert_eq!(
            excel_date(44620.0).map(|d| d.to_string()).as_deref(),
            Some("2022-02-28")
        );
        assert_eq!(country_code("ロシア連邦").as_deref(), Some("RU"));
        assert_eq!(country_code("南スーダン").as_deref(), Some("SS"));
    }
}
