//! The three OFAC XML readers: hand-made fixtures for each format, malformed and truncated
//! input, and the real publications in the shared list folder.

mod common;

use sanctum_model::{
    DateSpec, Entity, EntityKind, Gender, IdKind, NameKind, NamePartKind, PartialDate,
};
use sanctum_sources::ofac_common::{LIST_CONSOLIDATED, LIST_SDN};
use sanctum_sources::{
    Input, ParseError, ParseOptions, Parsed, ofac_advanced_xml, ofac_enhanced_xml, ofac_legacy_xml,
};
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

type ParseFn = fn(&str, &str, Input<'_>, &ParseOptions) -> Result<Parsed, ParseError>;

fn parse_file(parse: ParseFn, path: &Path) -> Parsed {
    let input = Input::open(path).expect("open");
    parse(
        "us_ofac",
        LIST_CONSOLIDATED,
        input,
        &ParseOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn parse_text(parse: ParseFn, name: &str, xml: &str) -> Result<Parsed, ParseError> {
    parse(
        "us_ofac",
        LIST_SDN,
        Input::new(name, xml.as_bytes()),
        &ParseOptions::default(),
    )
}

fn by_id(parsed: &Parsed) -> HashMap<&str, &Entity> {
    parsed
        .entities
        .iter()
        .map(|e| (e.source_id.as_str(), e))
        .collect()
}

fn date(y: u16, m: Option<u8>, d: Option<u8>) -> PartialDate {
    PartialDate::new(y, m, d).expect("valid date")
}

fn program_count(parsed: &Parsed, program: &str) -> usize {
    parsed
        .entities
        .iter()
        .filter(|e| e.programs().contains(&program))
        .count()
}

fn kind_count(parsed: &Parsed, kind: EntityKind) -> usize {
    parsed.entities.iter().filter(|e| e.kind == kind).count()
}

fn enhanced_zip_member(path: &Path) -> Vec<u8> {
    let file = std::fs::File::open(path).expect("open zip");
    let mut archive = zip::ZipArchive::new(file).expect("zip");
    let mut member = archive.by_index(0).expect("member");
    let mut bytes = Vec::new();
    member.read_to_end(&mut bytes).expect("read member");
    bytes
}

fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(common::fixture(&format!("ofac_xml/{name}"))).expect("fixture")
}

fn parse_fixture(parse: ParseFn, name: &str) -> Parsed {
    parse_text(parse, name, &fixture_text(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn name_of<'e>(entity: &'e Entity, full: &str) -> &'e sanctum_model::Name {
    entity
        .names
        .iter()
        .find(|n| n.full == full)
        .unwrap_or_else(|| panic!("no name {full:?} in {:?}", entity.names))
}

const ALL_FORMATS: [(ParseFn, &str); 3] = [
    (ofac_legacy_xml::parse, "legacy_sdn.xml"),
    (ofac_advanced_xml::parse, "advanced_sdn.xml"),
    (ofac_enhanced_xml::parse, "enhanced_sdn.xml"),
];

// ---------------------------------------------------------------- fixtures

#[test]
fn legacy_fixture_maps_every_section() {
    let parsed = parse_fixture(ofac_legacy_xml::parse, "legacy_sdn.xml");
    assert_eq!(parsed.published, Some(date(2023, Some(3), Some(14))));
    assert_eq!(parsed.entities.len(), 3);
    let ids = by_id(&parsed);

    let person = ids["1001"];
    assert_eq!(person.kind, EntityKind::Person);
    assert_eq!(person.source, "us_ofac");
    let primary = name_of(person, "SIDOROV, Ivan Petrovich");
    assert_eq!(primary.kind, NameKind::Primary);
    assert_eq!(primary.part(NamePartKind::Family), Some("SIDOROV"));
    assert_eq!(primary.part(NamePartKind::Given), Some("Ivan Petrovich"));
    assert_eq!(name_of(person, "SIDOROFF, Ivan").kind, NameKind::Alias);
    let weak = name_of(person, "VANYA");
    assert_eq!(
        (weak.kind, weak.record.as_deref()),
        (NameKind::WeakAlias, Some("602"))
    );
    assert_eq!(name_of(person, "PETROV, Ivan").kind, NameKind::Former);
    assert_eq!(person.titles[0].value, "Deputy Minister");
    assert_eq!(person.gender, Some(Gender::Male));

    let passport = person
        .identifiers
        .iter()
        .find(|i| i.kind == IdKind::Passport)
        .expect("passport");
    assert_eq!(passport.value, "7123456");
    assert_eq!(passport.country.as_deref(), Some("RU"));
    assert_eq!(passport.issued, Some(date(2015, Some(3), Some(12))));
    assert_eq!(passport.expires, Some(date(2025, Some(3), Some(12))));
    assert_eq!(passport.record.as_deref(), Some("501"));
    let wallet = person
        .identifiers
        .iter()
        .find(|i| i.kind == IdKind::CryptoWallet)
        .expect("wallet");
    assert_eq!(wallet.label.as_deref(), Some("XBT"));
    // Facts filed as ids become remarks.
    assert!(person.remarks.iter().any(|r| r.value
        == "Secondary sanctions risk: Ukraine-/Russia-Related Sanctions Regulations, 31 CFR 589.201"
        && r.record.as_deref() == Some("504")));
    // Entity references in text are decoded.
    assert!(
        person
            .remarks
            .iter()
            .any(|r| r.value == "Linked To: BANK OF TESTS & TRIALS; Driver's License <5>")
    );
    assert_eq!(
        person.links[0].target_name.as_deref(),
        Some("BANK OF TESTS & TRIALS")
    );

    assert_eq!(person.addresses[0].lines, ["Ulitsa Testovaya 1"]);
    assert_eq!(person.addresses[0].city.as_deref(), Some("Moscow"));
    assert_eq!(person.addresses[0].country.as_deref(), Some("RU"));
    assert_eq!(person.addresses[0].record.as_deref(), Some("701"));
    assert_eq!(person.nationalities[0].code, "RU");
    assert_eq!(person.citizenships[0].code, "CY");
    let dates: Vec<DateSpec> = person.birth_dates.iter().map(|d| d.date).collect();
    assert_eq!(
        dates,
        [
            DateSpec::Circa(PartialDate::year(1970)),
            DateSpec::Range(PartialDate::year(1955), PartialDate::year(1958))
        ]
    );
    assert_eq!(person.birth_places[0].value, "Leningrad, Russia");
    let d = &person.designations[0];
    assert_eq!(
        (d.authority.as_str(), d.list.as_str()),
        ("US OFAC", LIST_SDN)
    );
    assert_eq!(d.programs, ["RUSSIA-EO14024", "UKRAINE-EO13660"]);
    assert_eq!(d.listed_on, None);

    let bank = ids["1002"];
    assert_eq!(bank.kind, EntityKind::Organization);
    assert_eq!(bank.caption(), "BANK OF TESTS & TRIALS");
    assert_eq!(bank.names[0].parts[0].kind, NamePartKind::Whole);
    assert_eq!(bank.identifiers[0].kind, IdKind::SwiftBic);
    assert_eq!(
        bank.birth_dates[0].date,
        DateSpec::Exact(date(1994, Some(6), Some(1)))
    );

    let vessel = ids["1003"];
    assert_eq!(vessel.kind, EntityKind::Vessel);
    assert!(
        vessel
            .identifiers
            .iter()
            .any(|i| i.kind == IdKind::CallSign && i.value == "9BXY")
    );
    assert!(
        vessel
            .identifiers
            .iter()
            .any(|i| i.kind == IdKind::Imo && i.value == "IMO 9123456")
    );
    assert_eq!(vessel.craft.flag.as_deref(), Some("IR"));
    assert_eq!(vessel.craft.craft_type.as_deref(), Some("Crude Oil Tanker"));
    assert_eq!(
        vessel.craft.owner.as_deref(),
        Some("NATIONAL TEST TANKER CO")
    );
    assert_eq!(vessel.craft.tonnage.as_deref(), Some("150000"));
    assert_eq!(
        vessel.craft.gross_registered_tonnage.as_deref(),
        Some("80000")
    );
}

#[test]
fn advanced_fixture_joins_tables() {
    let parsed = parse_fixture(ofac_advanced_xml::parse, "advanced_sdn.xml");
    assert_eq!(parsed.published, Some(date(2023, Some(5), Some(1))));
    let ids = by_id(&parsed);
    let person = ids["1001"];
    assert_eq!(person.kind, EntityKind::Person);

    // One primary alias written in two scripts.
    let primary = name_of(person, "SIDOROV, Ivan Petrovich");
    assert_eq!(primary.kind, NameKind::Primary);
    assert_eq!(primary.script, None);
    assert_eq!(primary.record.as_deref(), Some("7001"));
    assert_eq!(primary.part(NamePartKind::Family), Some("Sidorov"));
    assert_eq!(primary.part(NamePartKind::Middle), Some("Petrovich"));
    let cyrillic = name_of(person, "СИДОРОВ, Иван");
    assert_eq!(cyrillic.kind, NameKind::OriginalScript);
    assert_eq!(cyrillic.script.as_deref(), Some("Cyrl"));
    assert_eq!(name_of(person, "VANYA").kind, NameKind::WeakAlias);
    assert_eq!(name_of(person, "PETROV, Ivan").kind, NameKind::Former);

    let dates: Vec<DateSpec> = person.birth_dates.iter().map(|d| d.date).collect();
    assert_eq!(
        dates,
        [
            DateSpec::Circa(PartialDate::year(1970)),
            DateSpec::Range(PartialDate::year(1955), PartialDate::year(1958))
        ]
    );
    assert_eq!(person.birth_dates[0].record.as_deref(), Some("8001"));
    assert_eq!(person.birth_places[0].value, "Leningrad, Russia");
    assert_eq!(person.citizenships[0].code, "CY");
    assert_eq!(person.gender, Some(Gender::Male));
    assert_eq!(person.addresses[0].city.as_deref(), Some("Moscow"));
    assert_eq!(person.addresses[0].country.as_deref(), Some("RU"));
    let wallet = person
        .identifiers
        .iter()
        .find(|i| i.kind == IdKind::CryptoWallet)
        .expect("wallet");
    assert_eq!(
        (wallet.value.as_str(), wallet.label.as_deref()),
        ("0xabc123def456", Some("ETH"))
    );
    // The IDRegDocument precedes its party and is joined through the identity id.
    let passport = person
        .identifiers
        .iter()
        .find(|i| i.kind == IdKind::Passport)
        .expect("passport");
    assert_eq!(passport.value, "7123456");
    assert_eq!(passport.country.as_deref(), Some("RU"));
    assert_eq!(passport.issued, Some(date(2015, Some(3), Some(12))));
    assert_eq!(passport.record.as_deref(), Some("300"));

    // SanctionsEntries come after the parties they designate.
    let d = &person.designations[0];
    assert_eq!(person.designations.len(), 1);
    assert_eq!(d.list, LIST_SDN);
    assert_eq!(d.programs, ["RUSSIA-EO14024"]);
    assert_eq!(d.listed_on, Some(date(2022, Some(2), Some(24))));
    assert_eq!(d.legal_basis, ["Executive Order 14024 (Russia)"]);
    assert_eq!(d.record.as_deref(), Some("3001"));

    let bank = ids["1002"];
    assert_eq!(bank.kind, EntityKind::Organization);
    assert_eq!(bank.caption(), "BANK OF TESTS & TRIALS");
    assert_eq!(bank.identifiers[0].kind, IdKind::SwiftBic);
    assert_eq!(
        bank.designations[0].list,
        "Sectoral Sanctions Identifications List"
    );
    assert!(
        bank.remarks
            .iter()
            .any(|r| r.value.starts_with("Secondary sanctions risk: Ukraine-"))
    );
    let link = &bank.links[0];
    assert_eq!(link.relation, "Owned or Controlled By");
    assert_eq!(link.target_id.as_deref(), Some("1001"));
    assert_eq!(link.target_name.as_deref(), Some("SIDOROV, Ivan Petrovich"));
    assert_eq!(link.record.as_deref(), Some("2001"));
}

#[test]
fn enhanced_fixture_maps_every_section() {
    let parsed = parse_fixture(ofac_enhanced_xml::parse, "enhanced_sdn.xml");
    assert_eq!(parsed.published, Some(date(2024, Some(11), Some(5))));
    let ids = by_id(&parsed);
    let person = ids["2001"];
    assert_eq!(person.kind, EntityKind::Person);
    let primary = name_of(person, "SABURINEZHAD, Hasan");
    assert_eq!(primary.kind, NameKind::Primary);
    assert_eq!(primary.part(NamePartKind::Family), Some("Saburinezhad"));
    assert_eq!(primary.record.as_deref(), Some("3001"));
    // The Arabic translation, without its bidi embedding marks.
    let arabic = name_of(person, "حسن سبری نژاد");
    assert_eq!(arabic.kind, NameKind::OriginalScript);
    assert_eq!(arabic.script.as_deref(), Some("Arabic"));
    assert_eq!(arabic.part(NamePartKind::Given), Some("حسن"));
    assert_eq!(name_of(person, "ABU HASAN").kind, NameKind::WeakAlias);
    assert_eq!(
        name_of(person, "SABOURI NEJAD, Hassan").kind,
        NameKind::Former
    );
    assert_eq!(person.titles[0].value, "Brigadier General");
    assert_eq!(
        person.remarks[0].value,
        "Driver's License is issued by the State of Texas"
    );

    let dates: Vec<DateSpec> = person.birth_dates.iter().map(|d| d.date).collect();
    assert_eq!(
        dates,
        [
            DateSpec::Range(date(1955, Some(3), None), date(1956, Some(3), None)),
            DateSpec::Circa(PartialDate::year(1957))
        ]
    );
    assert_eq!(person.birth_places[0].value, "Qom, Iran");
    assert_eq!(person.nationalities[0].code, "IR");
    assert_eq!(person.gender, Some(Gender::Male));
    assert!(
        person
            .remarks
            .iter()
            .any(|r| r.value == "Additional Sanctions Information: Subject to Secondary Sanctions")
    );
    let passport = &person.identifiers[0];
    assert_eq!(
        (passport.kind.clone(), passport.value.as_str()),
        (IdKind::Passport, "G9342868")
    );
    assert_eq!(passport.country.as_deref(), Some("IR"));
    assert_eq!(passport.issued, Some(date(2016, Some(3), Some(16))));
    // The empty address element is dropped.
    assert_eq!(person.addresses.len(), 1);
    assert_eq!(person.addresses[0].lines, ["No. 5, Pasdaran Street"]);
    assert_eq!(person.addresses[0].city.as_deref(), Some("Tehran"));
    assert_eq!(person.addresses[0].country.as_deref(), Some("IR"));
    let d = &person.designations[0];
    assert_eq!(d.list, LIST_SDN);
    assert_eq!(d.listed_on, Some(date(2019, Some(3), Some(26))));
    assert_eq!(d.programs, ["IRGC", "SDGT"]);
    assert_eq!(d.legal_basis, ["Executive Order 13224 (Terrorism)"]);
    let link = &person.links[0];
    assert_eq!(link.relation, "Acting for or on behalf of");
    assert_eq!(link.target_id.as_deref(), Some("2002"));
    assert_eq!(
        link.target_name.as_deref(),
        Some("TEST & TRIAL SHIPPING CO.")
    );

    let company = ids["2002"];
    assert_eq!(company.kind, EntityKind::Organization);
    assert_eq!(company.caption(), "TEST & TRIAL SHIPPING CO.");
    assert_eq!(company.names[0].parts[0].value, "Test & Trial Shipping Co.");
    assert_eq!(
        name_of(company, "ТЕСТ И ИСПЫТАНИЕ").kind,
        NameKind::OriginalScript
    );
    assert_eq!(company.countries[0].code, "RU");
    let lists: Vec<(&str, Option<PartialDate>)> = company
        .designations
        .iter()
        .map(|d| (d.list.as_str(), d.listed_on))
        .collect();
    assert_eq!(
        lists,
        [
            (LIST_CONSOLIDATED, Some(date(2014, Some(10), Some(10)))),
            (
                "Sectoral Sanctions Identifications List",
                Some(date(2014, Some(9), Some(12)))
            )
        ]
    );
}

#[test]
fn malformed_xml_is_an_error_with_file_and_line() {
    for (parse, name) in ALL_FORMATS {
        let text = fixture_text(name);
        // Break the end tag on the 40th line.
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let line_no = (40..lines.len())
            .find(|&i| lines[i].trim_start().starts_with("</"))
            .expect("an end tag");
        lines[line_no] = lines[line_no].replacen("</", "</broken", 1);
        let broken = lines.join("\n");
        match parse_text(parse, name, &broken) {
            Err(ParseError::Row(row)) => {
                assert_eq!(row.file, name);
                assert_eq!(row.line, line_no as u64 + 1, "{name}: {}", row.reason);
                assert!(row.reason.contains("malformed XML"), "{}", row.reason);
            }
            other => panic!("{name}: expected a located error, got {other:?}"),
        }
    }
}

#[test]
fn truncated_files_are_errors_never_partial_results() {
    for (parse, name) in ALL_FORMATS {
        let bytes = fixture_text(name).into_bytes();
        let last_open = bytes.len() - bytes.iter().rev().position(|&b| b == b'<').expect("<") - 1;
        let mut cuts = vec![
            bytes.len() / 4,
            bytes.len() / 2,
            bytes.len() * 3 / 4,
            last_open,
        ];
        cuts.push(bytes.len() - 3);
        for cut in cuts {
            let result = parse(
                "us_ofac",
                LIST_SDN,
                Input::new(name, &bytes[..cut]),
                &ParseOptions {
                    lenient: true,
                    ..ParseOptions::default()
                },
            );
            assert!(
                result.is_err(),
                "{name} cut at {cut} of {} parsed",
                bytes.len()
            );
        }
    }
}

#[test]
fn wrong_root_is_a_format_error() {
    let enhanced = fixture_text("enhanced_sdn.xml");
    let err = parse_text(ofac_legacy_xml::parse, "x.xml", &enhanced).expect_err("wrong root");
    assert!(matches!(err, ParseError::Format { .. }), "{err}");
    assert!(err.to_string().contains("sanctionsData"), "{err}");
    let err = parse_text(ofac_advanced_xml::parse, "x.xml", "").expect_err("empty");
    assert!(matches!(err, ParseError::Format { .. }), "{err}");
    let err = parse_text(ofac_enhanced_xml::parse, "x.xml", "not xml at all").expect_err("text");
    assert!(
        matches!(err, ParseError::Format { .. } | ParseError::Row(_)),
        "{err}"
    );
}

#[test]
fn unknown_entity_reference_is_an_error() {
    let text = fixture_text("legacy_sdn.xml")
        .replace("&amp; TRIALS</lastName>", "&bogus; TRIALS</lastName>");
    let err = parse_text(ofac_legacy_xml::parse, "l.xml", &text).expect_err("bad entity");
    assert!(err.to_string().contains("&bogus;"), "{err}");
}

#[test]
fn bad_records_fail_strict_and_are_skipped_lenient() {
    let text = fixture_text("legacy_sdn.xml").replacen("<uid>1002</uid>", "", 1);
    // The second sdnEntry, 1-based.
    let line = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim() == "<sdnEntry>")
        .nth(1)
        .map(|(i, _)| i as u64 + 1)
        .expect("second entry");
    match parse_text(ofac_legacy_xml::parse, "l.xml", &text) {
        Err(ParseError::Row(row)) => {
            // The line where the bad sdnEntry starts.
            assert_eq!(row.line, line);
            assert!(row.reason.contains("uid"), "{}", row.reason);
        }
        other => panic!("expected a row error, got {other:?}"),
    }
    let lenient = ofac_legacy_xml::parse(
        "us_ofac",
        LIST_SDN,
        Input::new("l.xml", text.as_bytes()),
        &ParseOptions {
            lenient: true,
            ..ParseOptions::default()
        },
    )
    .expect("lenient");
    assert_eq!(lenient.entities.len(), 2);
    assert_eq!(lenient.skipped.len(), 1);

    // A SanctionsEntry for a profile the file does not define.
    let text = fixture_text("advanced_sdn.xml")
        .replace("ProfileID=\"1002\" ListID", "ProfileID=\"9999\" ListID");
    let err = parse_text(ofac_advanced_xml::parse, "a.xml", &text).expect_err("unknown profile");
    assert!(err.to_string().contains("9999"), "{err}");
    let lenient = ofac_advanced_xml::parse(
        "us_ofac",
        LIST_SDN,
        Input::new("a.xml", text.as_bytes()),
        &ParseOptions {
            lenient: true,
            ..ParseOptions::default()
        },
    )
    .expect("lenient");
    assert_eq!(lenient.entities.len(), 2);
    assert_eq!(lenient.skipped.len(), 1);
}

// ---------------------------------------------------------------- real files

#[test]
fn real_legacy_consolidated_2024() {
    let Some(dir) = common::shared_lists("real_legacy_consolidated_2024") else {
        return;
    };
    let parsed = parse_file(
        ofac_legacy_xml::parse,
        &dir.join("ofac_xml/consolidated_nonsdn_legacy_2024-05-06.xml"),
    );
    assert_eq!(parsed.entities.len(), 443);
    assert_eq!(kind_count(&parsed, EntityKind::Person), 79);
    assert_eq!(kind_count(&parsed, EntityKind::Organization), 364);
    assert_eq!(parsed.published, Some(date(2024, Some(5), Some(6))));
    assert_eq!(program_count(&parsed, "UKRAINE-EO13662"), 287);
    assert_eq!(program_count(&parsed, "NS-PLC"), 78);
    assert_eq!(program_count(&parsed, "RUSSIA-EO14024"), 69);
    assert_eq!(program_count(&parsed, "CMIC-EO13959"), 68);
    assert!(parsed.skipped.is_empty());

    let ids = by_id(&parsed);
    let haniya = ids["9639"];
    assert_eq!(haniya.caption(), "HANIYA, Ismail Abdul Salah");
    assert_eq!(
        haniya.birth_dates[0].date,
        DateSpec::Exact(PartialDate::year(1962))
    );
    assert_eq!(haniya.birth_dates[0].record.as_deref(), Some("4696"));
    assert_eq!(haniya.birth_places[0].value, "Shati");
    assert!(haniya.names.iter().any(|n| n.full == "HANIYYA, Ismaeel"
        && n.kind == NameKind::Alias
        && n.record.as_deref() == Some("9151")));
    let d = &haniya.designations[0];
    assert_eq!(
        (d.authority.as_str(), d.list.as_str()),
        ("US OFAC", LIST_CONSOLIDATED)
    );
    // Every entity has a primary name; addresses resolve "Palestinian" to PS.
    assert!(
        parsed
            .entities
            .iter()
            .all(|e| e.names.iter().any(|n| n.kind == NameKind::Primary))
    );
    assert_eq!(ids["9641"].addresses[0].country.as_deref(), Some("PS"));
    // The "&amp;" in a remark is decoded and the "Linked To" party read out.
    assert!(parsed.entities.iter().any(|e| {
        e.links
            .iter()
            .any(|l| l.target_name.as_deref() == Some("HUAWEI INVESTMENT & HOLDING CO., LTD."))
    }));
}

#[test]
fn real_advanced_consolidated_2020() {
    let Some(dir) = common::shared_lists("real_advanced_consolidated_2020") else {
        return;
    };
    let parsed = parse_file(
        ofac_advanced_xml::parse,
        &dir.join("ofac_xml/cons_advanced_2020-03-17.xml"),
    );
    assert_eq!(parsed.entities.len(), 375);
    assert_eq!(parsed.published, Some(date(2020, Some(3), Some(17))));
    assert!(parsed.skipped.is_empty());
    // 759 SanctionsEntry elements, each joined to its party.
    let designations: usize = parsed.entities.iter().map(|e| e.designations.len()).sum();
    assert_eq!(designations, 759);
    assert!(
        parsed
            .entities
            .iter()
            .all(|e| e.designations.iter().all(|d| d.listed_on.is_some()))
    );
    let ids = by_id(&parsed);
    let haniya = ids["9639"];
    assert_eq!(haniya.kind, EntityKind::Person);
    assert_eq!(haniya.caption(), "HANIYA, Ismail Abdul Salah");
    assert_eq!(
        haniya.birth_dates[0].date,
        DateSpec::Exact(PartialDate::year(1962))
    );
    assert_eq!(haniya.birth_places[0].value, "Shati");
    let plc = haniya
        .designations
        .iter()
        .find(|d| d.list == "Non-SDN Palestinian Legislative Council List")
        .expect("NS-PLC list entry");
    assert_eq!(plc.listed_on, Some(date(2006, Some(4), Some(12))));
    assert_eq!(plc.programs, ["NS-PLC"]);
    assert_eq!(
        plc.legal_basis,
        ["General License 4 Under EO 13224 (Terrorism)"]
    );
    assert!(haniya.designations.iter().any(
        |d| d.list == LIST_CONSOLIDATED && d.listed_on == Some(date(2014, Some(10), Some(10)))
    ));
    // Relationships become links to the other profile.
    let linked = ids["18267"];
    assert!(
        linked
            .links
            .iter()
            .any(|l| l.relation == "Owned or Controlled By"
                && l.target_id.as_deref() == Some("17022"))
    );
    // Registration documents are joined through the identity id.
    assert!(parsed.entities.iter().any(|e| {
        e.identifiers
            .iter()
            .any(|i| i.value == "1027739609391" && i.country.as_deref() == Some("RU"))
    }));
}

#[test]
fn real_enhanced_consolidated_2025_from_zip() {
    let Some(dir) = common::shared_lists("real_enhanced_consolidated_2025_from_zip") else {
        return;
    };
    let zip_path = dir.join("ofac_xml/CONS_ENHANCED_2025-01-14.zip");
    let bytes = enhanced_zip_member(&zip_path);
    let input = Input::new("CONS_ENHANCED_2025-01-14.zip!CONS_ENHANCED.XML", &bytes[..]);
    let parsed = ofac_enhanced_xml::parse(
        "us_ofac",
        LIST_CONSOLIDATED,
        input,
        &ParseOptions::default(),
    )
    .expect("parse");
    assert_eq!(parsed.entities.len(), 443);
    assert_eq!(parsed.published, Some(date(2025, Some(1), Some(10))));
    assert!(parsed.skipped.is_empty());
    assert_eq!(kind_count(&parsed, EntityKind::Person), 80);
    assert_eq!(kind_count(&parsed, EntityKind::Organization), 363);
    // Every designation carries its listing date.
    assert!(
        parsed
            .entities
            .iter()
            .all(|e| e.designations.iter().all(|d| d.listed_on.is_some()))
    );
    // Cyrillic names are kept as original-script names beside the Latin primary name.
    let cyrillic = parsed
        .entities
        .iter()
        .flat_map(|e| &e.names)
        .filter(|n| n.script.as_deref() == Some("Cyrillic"))
        .count();
    // 50 Cyrillic translations, 39 distinct names once repeats within an entity are merged.
    assert_eq!(cyrillic, 39);
}

#[test]
fn real_enhanced_irgc_filter_2024() {
    let Some(dir) = common::shared_lists("real_enhanced_irgc_filter_2024") else {
        return;
    };
    let parsed = parse_file(
        ofac_enhanced_xml::parse,
        &dir.join("ofac_xml/enhanced_IRGC_filter_2024-08-28.xml"),
    );
    assert_eq!(parsed.entities.len(), 293);
    assert_eq!(parsed.published, Some(date(2024, Some(8), Some(28))));
    assert_eq!(kind_count(&parsed, EntityKind::Person), 165);
    assert_eq!(kind_count(&parsed, EntityKind::Aircraft), 44);
    assert_eq!(program_count(&parsed, "IRGC"), 293);
    let ids = by_id(&parsed);
    let ebrahimi = ids["26526"];
    assert_eq!(ebrahimi.caption(), "EBRAHIMI, Ayatollah");
    assert_eq!(
        ebrahimi.birth_dates[0].date,
        DateSpec::Exact(PartialDate::year(1972))
    );
    assert_eq!(ebrahimi.designations[0].list, LIST_SDN);
    assert_eq!(
        ebrahimi.designations[0].listed_on,
        Some(date(2019, Some(3), Some(26)))
    );
    assert_eq!(ebrahimi.links[0].target_id.as_deref(), Some("12478"));
    // "1951 to 1953" and "circa 1957" birth dates.
    let all_dates: Vec<DateSpec> = parsed
        .entities
        .iter()
        .flat_map(|e| e.birth_dates.iter().map(|d| d.date))
        .collect();
    assert!(all_dates.contains(&DateSpec::Range(
        PartialDate::year(1951),
        PartialDate::year(1953)
    )));
    assert!(all_dates.contains(&DateSpec::Circa(PartialDate::year(1957))));
    // Arabic translations: original-script names with the bidi marks removed.
    let arabic: Vec<_> = parsed
        .entities
        .iter()
        .flat_map(|e| &e.names)
        .filter(|n| n.script.as_deref() == Some("Arabic"))
        .collect();
    assert!(!arabic.is_empty());
    assert!(
        arabic
            .iter()
            .all(|n| !n.full.contains('\u{202B}') && !n.full.contains('\u{202C}'))
    );
    assert!(arabic.iter().any(|n| n.kind == NameKind::OriginalScript));
}

#[test]
fn real_legacy_and_enhanced_agree_on_shared_uids() {
    let Some(dir) = common::shared_lists("real_legacy_and_enhanced_agree_on_shared_uids") else {
        return;
    };
    let legacy = parse_file(
        ofac_legacy_xml::parse,
        &dir.join("ofac_xml/consolidated_nonsdn_legacy_2024-05-06.xml"),
    );
    let bytes = enhanced_zip_member(&dir.join("ofac_xml/CONS_ENHANCED_2025-01-14.zip"));
    let enhanced = ofac_enhanced_xml::parse(
        "us_ofac",
        LIST_CONSOLIDATED,
        Input::new("CONS_ENHANCED.XML", &bytes[..]),
        &ParseOptions::default(),
    )
    .expect("parse");
    let (old, new) = (by_id(&legacy), by_id(&enhanced));
    let shared: Vec<&str> = old
        .keys()
        .filter(|k| new.contains_key(*k))
        .copied()
        .collect();
    let same_name = shared
        .iter()
        .filter(|id| old[*id].caption() == new[*id].caption())
        .count();
    let same_kind = shared
        .iter()
        .filter(|id| old[*id].kind == new[*id].kind)
        .count();
    eprintln!(
        "shared {} same name {same_name} same kind {same_kind}",
        shared.len()
    );
    for id in shared
        .iter()
        .filter(|id| old[*id].caption() != new[*id].caption())
        .take(10)
    {
        eprintln!("{id}: {:?} vs {:?}", old[*id].caption(), new[*id].caption());
    }
    // 442 of the 443 uids are in both; two parties were renamed between the publications
    // (uids 23562 and 23577), every other shared uid has the same primary name.
    assert_eq!(shared.len(), 442);
    assert_eq!(same_name, 440);
    assert_eq!(same_kind, shared.len());
}

#[test]
fn byte_order_mark_and_crlf_line_ends_are_accepted() {
    let text = format!(
        "\u{FEFF}{}",
        fixture_text("legacy_sdn.xml").replace('\n', "\r\n")
    );
    let parsed = parse_text(ofac_legacy_xml::parse, "bom.xml", &text).expect("parse");
    assert_eq!(parsed.entities.len(), 3);
    assert_eq!(parsed.entities[0].caption(), "SIDOROV, Ivan Petrovich");
}
