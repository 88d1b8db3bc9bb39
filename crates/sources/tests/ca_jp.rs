//! Canada SEMA XML, Japan MOF asset-freeze workbook and Japan METI Russian-entities text:
//! hand-made fixtures for each format and quirk, bad records in strict and lenient mode,
//! truncated input, and the real Canada and METI files in the shared list folder.

mod common;

use sanctum_model::{DateSpec, Entity, EntityKind, IdKind, NameKind, NamePartKind, PartialDate};
use sanctum_sources::{Input, ParseError, ParseOptions, Parsed, ca_sema, jp_meti, jp_mof};
use std::collections::{HashMap, HashSet};
use std::path::Path;

type ParseFn = fn(&str, Input<'_>, &ParseOptions) -> Result<Parsed, ParseError>;

fn parse_path(parse: ParseFn, path: &Path, lenient: bool) -> Result<Parsed, ParseError> {
    let input = Input::open(path).expect("open");
    parse(
        "test",
        input,
        &ParseOptions {
            lenient,
            ..ParseOptions::default()
        },
    )
}

fn parse_ok(parse: ParseFn, path: &Path) -> Parsed {
    parse_path(parse, path, false).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn by_id(parsed: &Parsed) -> HashMap<&str, &Entity> {
    parsed
        .entities
        .iter()
        .map(|e| (e.source_id.as_str(), e))
        .collect()
}

fn date(s: &str) -> PartialDate {
    s.parse().expect("date")
}

fn names_of(entity: &Entity, kind: NameKind) -> Vec<&str> {
    entity
        .names
        .iter()
        .filter(|n| n.kind == kind)
        .map(|n| n.full.as_str())
        .collect()
}

// ---------------------------------------------------------------- Canada SEMA

#[test]
fn sema_current_element_set() {
    let parsed = parse_ok(ca_sema::parse, &common::fixture("ca_sema/sema_2025.xml"));
    assert_eq!(parsed.entities.len(), 7);
    assert!(parsed.published.is_none());
    let ids = by_id(&parsed);

    let putin = ids["russia/1-part-1/503"];
    assert_eq!(putin.kind, EntityKind::Person);
    assert_eq!(putin.caption(), "Vladimir Vladimirovich PUTIN");
    let primary = &putin.names[0];
    assert_eq!(primary.part(NamePartKind::Family), Some("PUTIN"));
    assert_eq!(
        primary.part(NamePartKind::Given),
        Some("Vladimir Vladimirovich")
    );
    let cyrillic = putin
        .names
        .iter()
        .find(|n| n.kind == NameKind::Alias)
        .expect("alias");
    assert_eq!(cyrillic.full, "Владимир Владимирович Путин");
    assert_eq!(cyrillic.script.as_deref(), Some("Cyrl"));
    assert_eq!(
        putin.birth_dates[0].date,
        DateSpec::Exact(PartialDate::year(1952))
    );
    let d = &putin.designations[0];
    assert_eq!(d.authority, "CA GAC");
    assert_eq!(d.list, "Consolidated Canadian Autonomous Sanctions List");
    assert_eq!(d.programs, ["Russia"]);
    assert_eq!(d.listed_on, Some(date("2022-02-28")));
    assert_eq!(
        d.legal_basis,
        ["Russia / Russie: Schedule 1, Part 1, Item 503"]
    );

    // Several aliases in one field: `;`, `,`, a trailing legal form, "/ ".
    let sber = ids["russia/1-part-2/12"];
    assert_eq!(sber.kind, EntityKind::Organization);
    assert_eq!(
        names_of(sber, NameKind::Alias),
        [
            "Сбербанк",
            "Сбер",
            "Sberbank of Russia",
            "Завод \"Дагдизель\", АО",
            "ООО \"ТРАНСОЙЛ\"",
            "ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ \"ТРАНСОЙЛ\""
        ]
    );

    let ship = ids["russia/1.1/1"];
    assert_eq!(ship.kind, EntityKind::Vessel);
    assert_eq!(ship.identifiers[0].kind, IdKind::Imo);
    assert_eq!(ship.identifiers[0].value, "7612448");
    assert_eq!(
        ship.craft.craft_type.as_deref(),
        Some("General Cargo / Multi Purpose")
    );
    assert_eq!(ship.craft.build_date, Some(PartialDate::year(1980)));
    assert!(ship.birth_dates.is_empty());

    // "1963 or 1964": two dates; an Arabic alias after a line break and a language label.
    let iran = ids["iran/1-part-1/80"];
    assert_eq!(iran.titles[0].value, "Brigadier");
    assert_eq!(iran.birth_dates.len(), 2);
    let aliases = names_of(iran, NameKind::Alias);
    assert_eq!(aliases.len(), 4, "{aliases:?}");
    let arabic = iran
        .names
        .iter()
        .find(|n| n.full == "سيامک ره‌پيک")
        .expect("arabic");
    assert_eq!(arabic.script.as_deref(), Some("Arab"));

    // A date of birth that is no date is kept as a remark.
    let sudan = ids["sudan/part-1/3"];
    assert!(sudan.birth_dates.is_empty());
    assert_eq!(
        sudan.remarks[0].value,
        "Date of birth: born in the early 1970s"
    );

    // No schedule; a family name alone; a month-precision date; "Venezuela " trimmed.
    let thaung = ids["venezuela/-/12"];
    assert_eq!(thaung.caption(), "Thaung");
    assert_eq!(thaung.birth_dates[0].date, DateSpec::Exact(date("1965-07")));
    assert_eq!(thaung.designations[0].programs, ["Venezuela"]);

    let jvcfor = &parsed.entities[6];
    assert_eq!(
        jvcfor.designations[0].programs,
        ["Justice for Victims of Corrupt Foreign Officials Regulations (JVCFOR)"]
    );
}

#[test]
fn sema_2020_element_set() {
    let parsed = parse_ok(ca_sema::parse, &common::fixture("ca_sema/sema_2020.xml"));
    let ids = by_id(&parsed);
    let micb = ids["burma/1/17"];
    assert_eq!(micb.kind, EntityKind::Organization);
    assert_eq!(
        names_of(micb, NameKind::Alias),
        [
            "Myanma Investment and Commercial Bank",
            "Burma Investment and Commercial Bank"
        ]
    );
    assert_eq!(micb.designations[0].listed_on, None);
    let rami = ids["syria/1/42"];
    assert_eq!(rami.titles[0].value, "Dr.");
    assert_eq!(
        rami.birth_dates[0].date,
        DateSpec::Exact(date("1969-07-10"))
    );
}

#[test]
fn sema_bad_records_strict_and_lenient() {
    let path = common::fixture("ca_sema/bad_record.xml");
    match parse_path(ca_sema::parse, &path, false) {
        Err(ParseError::Row(row)) => {
            assert_eq!(row.line, 11);
            assert!(row.reason.contains("without a name"), "{}", row.reason);
        }
        other => panic!("expected a row error, got {other:?}"),
    }
    let parsed = parse_path(ca_sema::parse, &path, true).expect("lenient");
    assert_eq!(parsed.entities.len(), 1);
    assert_eq!(parsed.skipped.len(), 2);
    assert_eq!(parsed.skipped[1].line, 17);
    assert!(parsed.skipped[1].reason.contains("DateOfListing"));
}

#[test]
fn sema_truncated_and_foreign_files_are_errors() {
    let text = std::fs::read_to_string(common::fixture("ca_sema/sema_2025.xml")).expect("read");
    let cut = &text[..text.len() / 2];
    for lenient in [false, true] {
        let result = ca_sema::parse(
            "t",
            Input::new("cut.xml", cut.as_bytes()),
            &ParseOptions {
                lenient,
                ..ParseOptions::default()
            },
        );
        assert!(
            result.is_err(),
            "truncated file accepted (lenient {lenient})"
        );
    }
    let other = ca_sema::parse(
        "t",
        Input::new("x.xml", "<sdnList/>".as_bytes()),
        &ParseOptions::default(),
    );
    assert!(matches!(other, Err(ParseError::Format { .. })));
    assert!(ca_sema::sniff(text.as_bytes(), "sema-lmes.xml"));
    assert!(!ca_sema::sniff(b"<sdnList>", "sdn.xml"));
}

#[test]
fn sema_real_files() {
    let Some(dir) = common::shared_lists("sema_real_files") else {
        return;
    };
    let old = parse_ok(
        ca_sema::parse,
        &dir.join("canada_sema/sema-lmes_2020-04.xml"),
    );
    assert_eq!(old.entities.len(), 1369);
    let russia = |p: &Parsed| {
        p.entities
            .iter()
            .filter(|e| e.designations[0].programs == ["Russia"])
            .count()
    };
    assert_eq!(russia(&old), 197);

    let new = parse_ok(
        ca_sema::parse,
        &dir.join("canada_sema/sema-lmes_2025-05.xml"),
    );
    assert_eq!(new.entities.len(), 4759);
    assert_eq!(russia(&new), 2426);
    for parsed in [&old, &new] {
        let ids: HashSet<&str> = parsed
            .entities
            .iter()
            .map(|e| e.source_id.as_str())
            .collect();
        assert_eq!(ids.len(), parsed.entities.len(), "record keys are unique");
        // No key needed the collision suffix (regime/schedule/item is unique).
        assert!(
            parsed
                .entities
                .iter()
                .all(|e| e.source_id.matches('/').count() == 2)
        );
    }
    let listed_in = |prefix: &str| {
        new.entities
            .iter()
            .filter(|e| e.designations[0].programs == ["Russia"])
            .filter(|e| {
                e.designations[0]
                    .listed_on
                    .is_some_and(|d| d.to_string().starts_with(prefix))
            })
            .count()
    };
    assert_eq!(listed_in("2022-02"), 425);
    assert_eq!(listed_in("2022-03"), 227);
    let latest = new
        .entities
        .iter()
        .filter_map(|e| e.designations[0].listed_on)
        .max();
    assert_eq!(latest, Some(date("2025-03-20")));
    assert_eq!(
        new.entities
            .iter()
            .filter(|e| e.kind == EntityKind::Vessel)
            .count(),
        109
    );

    let putin = new
        .entities
        .iter()
        .find(|e| e.caption() == "Vladimir Vladimirovich PUTIN")
        .expect("Putin is listed");
    assert_eq!(putin.source_id, "russia/1-part-1/503");
    assert_eq!(putin.designations[0].listed_on, Some(date("2022-02-28")));
    assert!(putin.names.iter().any(|n| n.full == "Владимир Владимирович Путин"
        && n.script.as_deref() == Some("Cyrl")));

    let cyrillic_aliases = new
        .entities
        .iter()
        .flat_map(|e| &e.names)
        .filter(|n| n.script.as_deref() == Some("Cyrl"))
        .count();
    assert!(cyrillic_aliases > 2400, "{cyrillic_aliases}");
}

// ---------------------------------------------------------------- Japan METI

#[test]
fn meti_text_entries() {
    let parsed = parse_ok(jp_meti::parse, &common::fixture("jp_meti/meti_sample.txt"));
    assert_eq!(parsed.entities.len(), 9);
    assert_eq!(parsed.published, Some(date("2025-09-12")));
    let ids = by_id(&parsed);

    let first = ids["1"];
    assert_eq!(first.kind, EntityKind::Organization);
    assert_eq!(first.caption(), "Admiralty Shipyard JSC");
    let ja = first
        .names
        .iter()
        .find(|n| n.kind == NameKind::OriginalScript)
        .expect("japanese");
    assert_eq!(ja.full, "株式会社アドミラルティ造船所");
    assert_eq!(ja.script.as_deref(), Some("Jpan"));
    let d = &first.designations[0];
    assert_eq!(d.authority, "JP METI");
    assert_eq!(d.list, "End User List");
    assert_eq!(d.programs, ["Russia"]);
    assert_eq!(d.listed_on, Some(date("2022-03-01")));
    assert_eq!(d.legal_basis, ["令和四年外務省告示第八十二号"]);
    assert_eq!(first.addresses[0].country.as_deref(), Some("RU"));

    let fsb = ids["2"];
    assert_eq!(fsb.caption(), "Federal Security Service (FSB)");
    assert_eq!(
        names_of(fsb, NameKind::Alias),
        ["Federalnaya Sluzhba Bezopasnosti"]
    );
    assert_eq!(fsb.addresses.len(), 2);
    assert_eq!(
        fsb.addresses[1].lines[0],
        "Lubyanskaya Ploschad, Dom 2, Moscow 107031, Russia"
    );

    // The English name glued to the Japanese line.
    let progress = ids["3"];
    assert_eq!(progress.caption(), "JSC Rocket and Space Centre – Progress");
    assert_eq!(
        names_of(progress, NameKind::OriginalScript),
        ["株式会社ロケット・宇宙センター「プログレス」"]
    );

    // Japanese aliases in （別称、…）, wrapped inside the bracket; English "a.k.a." items.
    let ktipm = ids["4"];
    assert_eq!(
        names_of(ktipm, NameKind::OriginalScript),
        ["ノヴォシビルスク・マイクロエレクトロニクス研究開発センター"]
    );
    assert_eq!(
        names_of(ktipm, NameKind::Alias),
        ["KTIPM", "IFP KTIPM SO RAN"]
    );

    // Entry 5 starts glued after entry 4's address; "; and-" separates items.
    let kronshtadt = ids["5"];
    assert_eq!(
        names_of(kronshtadt, NameKind::Alias),
        [
            "Kronshtadt Group",
            "Kronde Group",
            "ZAO Kronshtadt",
            "クロンシュタットグループ",
            "クロンデグループ",
            "非公開株式会社クロンシュタット"
        ]
    );
    assert_eq!(ktipm.addresses.len(), 2);
    assert!(ktipm.addresses[1].lines[0].ends_with("630090"));
    assert_eq!(
        kronshtadt.designations[0].listed_on, None,
        "after the first run"
    );

    // Spaced "所 在 地 ：".
    assert_eq!(
        ids["6"].addresses[0].lines[0],
        "1 Alleya Truda Street, Komsomolsk-na-Amure, Russia, 681000"
    );

    let person = ids["7"];
    assert_eq!(person.kind, EntityKind::Person);
    assert_eq!(
        names_of(person, NameKind::OriginalScript),
        ["レフ・アナトリエヴィチ・イェルショフ（エルショフ）"]
    );
    assert_eq!(person.names[1].script.as_deref(), Some("Kana"));

    // `別称：` lines of the newest entries.
    let amg = ids["8"];
    assert_eq!(
        names_of(amg, NameKind::Alias),
        ["LLC Company AMG", "Kompaniya AMG", "AMG社", "有限会社 AMG"]
    );
    // The trailing entry number glued to the last address is dropped; another country.
    let last = ids["9"];
    assert_eq!(names_of(last, NameKind::Alias), ["OOO Vneshekostil"]);
    assert!(last.addresses[0].lines[0].ends_with("Moscow 115211, Belarus"));
    assert_eq!(last.addresses[0].country.as_deref(), Some("BY"));
}

#[test]
fn meti_bad_entry_strict_and_lenient() {
    let path = common::fixture("jp_meti/meti_bad_entry.txt");
    match parse_path(jp_meti::parse, &path, false) {
        Err(ParseError::Row(row)) => {
            assert_eq!(row.line, 6);
            assert!(row.reason.contains("entry 2"), "{}", row.reason);
        }
        other => panic!("expected a row error, got {other:?}"),
    }
    let parsed = parse_path(jp_meti::parse, &path, true).expect("lenient");
    let ids: Vec<&str> = parsed
        .entities
        .iter()
        .map(|e| e.source_id.as_str())
        .collect();
    assert_eq!(ids, ["1", "3"]);
    assert_eq!(parsed.skipped.len(), 1);

    // Truncated in the middle of an entry: its address is missing.
    let text = std::fs::read_to_string(common::fixture("jp_meti/meti_sample.txt")).expect("read");
    let cut = &text[..text.find("Amur Shipbuilding").expect("entry 6")];
    let result = jp_meti::parse(
        "t",
        Input::new("cut.txt", cut.as_bytes()),
        &ParseOptions::default(),
    );
    assert!(matches!(result, Err(ParseError::Row(_))));
    let nothing = jp_meti::parse(
        "t",
        Input::new("x.txt", "hello\n".as_bytes()),
        &ParseOptions::default(),
    );
    assert!(matches!(nothing, Err(ParseError::Format { .. })));
    assert!(jp_meti::sniff(text.as_bytes(), "list.txt"));
}

#[test]
fn meti_real_file() {
    let Some(dir) = common::shared_lists("meti_real_file") else {
        return;
    };
    let parsed = parse_ok(
        jp_meti::parse,
        &dir.join("japan/meti_russia_export_ban_list_2025-09-12.pdf.txt"),
    );
    // Entries are numbered 1..=561 (the README's "≈560").
    assert_eq!(parsed.entities.len(), 561);
    assert_eq!(parsed.published, Some(date("2025-09-12")));
    for (i, e) in parsed.entities.iter().enumerate() {
        assert_eq!(e.source_id, (i + 1).to_string());
        assert!(!e.addresses.is_empty(), "{} has an address", e.source_id);
        // Entry 74 is written "MPI VOLNA" in the Japanese column too.
        assert_eq!(
            e.names.iter().any(|n| n.kind == NameKind::OriginalScript),
            e.source_id != "74",
            "{} has a Japanese name",
            e.source_id
        );
        assert!(
            !e.caption()
                .chars()
                .any(|c| ('\u{3040}'..='\u{9fff}').contains(&c)),
            "{}: English primary {:?}",
            e.source_id,
            e.caption()
        );
    }
    let dated = parsed
        .entities
        .iter()
        .filter(|e| e.designations[0].listed_on == Some(date("2022-03-01")))
        .count();
    assert_eq!(dated, 49, "the 49 entities designated on 2022-03-01");
    let persons = parsed
        .entities
        .iter()
        .filter(|e| e.kind == EntityKind::Person)
        .count();
    assert_eq!(persons, 2);
    let ids = by_id(&parsed);
    assert_eq!(ids["10"].caption(), "Foreign Intelligence Service (SVR)");
    assert_eq!(
        ids["18"].caption(),
        "JSC Rocket and Space Centre – Progress"
    );
    assert_eq!(ids["137"].caption(), "Electrosignal JSC");
    // The Ministry of Defence's description is a remark, not part of its name.
    assert_eq!(
        ids["23"].caption(),
        "Ministry of Defence of the Russian Federation, including the Armed Forces of Russia and all operating units wherever located"
    );
    assert!(ids["23"].remarks.iter().any(|r| {
        r.value
            .starts_with("This includes the national armed services")
    }));
    // Aliases in （別称､…） with the half-width comma.
    assert!(
        names_of(ids["167"], NameKind::Alias).contains(&"公共株式会社国立学術・製造企業レギオン")
    );
    let japanese_scripts: HashSet<Option<&str>> = parsed
        .entities
        .iter()
        .flat_map(|e| &e.names)
        .filter(|n| n.kind == NameKind::OriginalScript)
        .map(|n| n.script.as_deref())
        .collect();
    assert_eq!(
        japanese_scripts,
        HashSet::from([Some("Jpan"), Some("Kana")])
    );
    // 14 English aliases and 8 Japanese ones, "CST" being in both.
    assert_eq!(names_of(ids["514"], NameKind::Alias).len(), 14 + 7);
    assert!(ids["561"].addresses[0].lines[0].ends_with("Russia"));
}

// ---------------------------------------------------------------- Japan MOF

#[test]
fn mof_workbook() {
    let path = common::fixture("jp_mof/mof_sample.xlsx");
    let parsed = parse_ok(jp_mof::parse, &path);
    assert_eq!(parsed.entities.len(), 4);
    let putin = &parsed.entities[0];
    assert_eq!(putin.kind, EntityKind::Person);
    assert_eq!(putin.caption(), "Vladimir Vladimirovich PUTIN");
    assert_eq!(
        putin.source_id,
        "財務省告示第五十一号/Vladimir Vladimirovich PUTIN"
    );
    let ja = &putin.names[1];
    assert_eq!(ja.kind, NameKind::OriginalScript);
    assert_eq!(ja.full, "ウラジーミル・ウラジーミロヴィチ・プーチン");
    assert_eq!(ja.script.as_deref(), Some("Kana"));
    assert_eq!(
        names_of(putin, NameKind::Alias),
        ["Vladimir PUTIN", "Wladimir PUTIN"]
    );
    assert_eq!(
        putin.birth_dates[0].date,
        DateSpec::Exact(date("1952-10-07"))
    );
    assert_eq!(putin.nationalities[0].code, "RU");
    assert_eq!(putin.positions[0].value, "ロシア連邦大統領");
    let d = &putin.designations[0];
    assert_eq!(d.authority, "JP MOF");
    assert_eq!(d.list, "Asset freeze list");
    assert_eq!(
        d.programs,
        ["資産凍結等の措置の対象となるロシア連邦の団体及び個人（個人）"]
    );
    assert_eq!(d.listed_on, Some(date("2022-02-28")));
    assert_eq!(d.legal_basis, ["告示 財務省告示第五十一号 (2022-02-28)"]);

    // Family-name-first English name kept as published; weak alias; `_x000D_`; 不明; circa.
    let lavrov = &parsed.entities[1];
    assert_eq!(lavrov.caption(), "LAVROV Sergei Viktorovich");
    assert_eq!(names_of(lavrov, NameKind::WeakAlias), ["Sergey LAVROV"]);
    assert_eq!(
        lavrov
            .positions
            .iter()
            .map(|p| p.value.as_str())
            .collect::<Vec<_>>(),
        ["外務大臣", "(Minister of Foreign Affairs)"]
    );
    assert!(lavrov.birth_places.is_empty());
    assert!(lavrov.remarks.is_empty());
    assert_eq!(
        lavrov.birth_dates[0].date,
        DateSpec::Circa(PartialDate::year(1950))
    );
    let passports: Vec<&str> = lavrov
        .identifiers
        .iter()
        .map(|i| i.value.as_str())
        .collect();
    assert_eq!(passports, ["100000001", "100000002"]);
    assert_eq!(lavrov.designations[0].listed_on, Some(date("2022-02-28")));

    let bank = &parsed.entities[2];
    assert_eq!(bank.kind, EntityKind::Organization);
    assert_eq!(bank.caption(), "Bank Rossiya");
    assert_eq!(names_of(bank, NameKind::Alias), ["JSC AB Rossiya", "ABR"]);
    assert_eq!(
        names_of(bank, NameKind::Former),
        ["Joint Stock Company Bank Rossiya"]
    );
    assert_eq!(bank.addresses[0].country.as_deref(), Some("RU"));
    assert_eq!(bank.designations[0].listed_on, Some(date("2022-02-26")));
    assert_eq!(bank.remarks[0].value, "SWIFT/BIC ROSYRU2P");

    let komid = &parsed.entities[3];
    let un_ref = komid
        .identifiers
        .iter()
        .find(|i| i.label.as_deref() == Some("UN reference number"))
        .expect("UN ref");
    assert_eq!(un_ref.value, "KPe.001");
    assert_eq!(komid.designations[0].listed_on, Some(date("2016-12-09")));
    assert!(komid.designations[0].legal_basis[1].contains("2009年4月24日"));
    assert!(jp_mof::sniff(b"PK\x03\x04rest", "mof_list.xlsx"));
    assert!(!jp_mof::sniff(b"PK\x03\x04rest", "ConList.xlsx"));
}

#[test]
fn mof_bad_rows_strict_and_lenient() {
    let path = common::fixture("jp_mof/mof_bad_row.xlsx");
    match parse_path(jp_mof::parse, &path, false) {
        Err(ParseError::Row(row)) => {
            assert_eq!(row.line, 5);
            assert!(row.reason.contains("リスト掲載日"), "{}", row.reason);
        }
        other => panic!("expected a row error, got {other:?}"),
    }
    let parsed = parse_path(jp_mof::parse, &path, true).expect("lenient");
    assert_eq!(parsed.entities.len(), 1);
    let lines: Vec<u64> = parsed.skipped.iter().map(|s| s.line).collect();
    assert_eq!(lines, [5, 6]);

    // A truncated workbook is not read at all.
    let bytes = std::fs::read(common::fixture("jp_mof/mof_sample.xlsx")).expect("read");
    let cut = &bytes[..bytes.len() / 2];
    for lenient in [false, true] {
        let result = jp_mof::parse(
            "t",
            Input::new("cut.xlsx", cut),
            &ParseOptions {
                lenient,
                ..ParseOptions::default()
            },
        );
        assert!(matches!(result, Err(ParseError::Format { .. })));
    }
}
