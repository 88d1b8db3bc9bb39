//! UN Security Council consolidated XML, EU Financial Sanctions Files (XML and CSV) and
//! Swiss SECO SESAM XML: hand-written fixtures for each format and quirk, and the real UN
//! and SECO files of the shared folder.

mod common;

use sanctum_model::{
    DateSpec, Entity, EntityKind, Gender, IdKind, Identifier, NameKind, NamePartKind, PartialDate,
};
use sanctum_sources::{Input, ParseError, ParseOptions, Parsed, ch_seco, eu_fsf, un_sc};
use std::path::Path;

fn strict() -> ParseOptions {
    ParseOptions::default()
}

fn lenient() -> ParseOptions {
    ParseOptions {
        lenient: true,
        ..ParseOptions::default()
    }
}

fn d(text: &str) -> PartialDate {
    text.parse().expect("test date")
}

type Parser = fn(&str, Input<'_>, &ParseOptions) -> Result<Parsed, ParseError>;

fn parse_file(parser: Parser, path: &Path, opts: &ParseOptions) -> Result<Parsed, ParseError> {
    parser("test", Input::open(path)?, opts)
}

fn parse_bytes(
    parser: Parser,
    name: &str,
    bytes: &[u8],
    opts: &ParseOptions,
) -> Result<Parsed, ParseError> {
    parser("test", Input::new(name, bytes), opts)
}

fn fixture_bytes(rel: &str) -> Vec<u8> {
    std::fs::read(common::fixture(rel)).expect("fixture")
}

fn by_id<'a>(parsed: &'a Parsed, id: &str) -> &'a Entity {
    parsed
        .entities
        .iter()
        .find(|e| e.source_id == id)
        .unwrap_or_else(|| panic!("no entity {id}"))
}

fn names_of(entity: &Entity, kind: NameKind) -> Vec<&str> {
    entity
        .names
        .iter()
        .filter(|n| n.kind == kind)
        .map(|n| n.full.as_str())
        .collect()
}

fn labelled<'a>(entity: &'a Entity, label: &str) -> Vec<&'a str> {
    entity
        .identifiers
        .iter()
        .filter(|i| i.kind == IdKind::Other && i.label.as_deref() == Some(label))
        .map(|i| i.value.as_str())
        .collect()
}

fn id_of(entity: &Entity, kind: IdKind) -> &Identifier {
    entity
        .identifiers
        .iter()
        .find(|i| i.kind == kind)
        .unwrap_or_else(|| panic!("{}: no {kind:?}", entity.source_id))
}

fn has_remark(entity: &Entity, text: &str) -> bool {
    entity.remarks.iter().any(|r| r.value == text)
}

fn countries(list: &[sanctum_model::CountryValue]) -> Vec<&str> {
    list.iter().map(|c| c.code.as_str()).collect()
}

fn row_error(result: Result<Parsed, ParseError>) -> (u64, String) {
    match result {
        Err(ParseError::Row(row)) => (row.line, row.reason),
        Err(other) => panic!("expected a row error, got {other}"),
        Ok(p) => panic!("expected a row error, got {} entities", p.entities.len()),
    }
}

fn skipped_lines(parsed: &Parsed) -> Vec<u64> {
    parsed.skipped.iter().map(|r| r.line).collect()
}

fn assert_fails_truncated(result: Result<Parsed, ParseError>) {
    match result {
        // Cut between elements, or inside a tag.
        Err(e) => {
            let message = e.to_string();
            assert!(
                message.contains("truncated") || message.contains("end of input"),
                "{message}"
            )
        }
        Ok(p) => panic!("a truncated file was read as {} entities", p.entities.len()),
    }
}

// ---------------------------------------------------------------- UN

#[test]
fn un_record_fields_are_mapped() {
    let path = common::fixture("un_sc/consolidated_small.xml");
    let parsed = parse_file(un_sc::parse, &path, &strict()).expect("parse");
    assert_eq!(parsed.entities.len(), 3);
    assert_eq!(parsed.published, Some(d("2024-09-26")));

    let anwari = by_id(&parsed, "110447");
    assert_eq!(anwari.kind, EntityKind::Person);
    let primary = &anwari.names[0];
    assert_eq!(primary.kind, NameKind::Primary);
    assert_eq!(primary.full, "MUHAMMAD TAHER ANWARI KHAN");
    let parts: Vec<_> = primary
        .parts
        .iter()
        .map(|p| (p.kind, p.value.as_str()))
        .collect();
    assert_eq!(
        parts,
        [
            (NamePartKind::Other, "MUHAMMAD"),
            (NamePartKind::Other, "TAHER"),
            (NamePartKind::Other, "ANWARI"),
            (NamePartKind::Other, "KHAN")
        ]
    );
    let original = anwari
        .names
        .iter()
        .find(|n| n.kind == NameKind::OriginalScript)
        .expect("original script name");
    assert_eq!(original.full, "محمد طاهر أنوري");
    assert_eq!(original.script.as_deref(), Some("Arab"));
    // Good and empty quality are aliases, Low is weak; the empty alias is dropped.
    assert_eq!(
        names_of(anwari, NameKind::Alias),
        ["Mohammad Taher Anwari", "Muhammad Tahir Anwari"]
    );
    assert_eq!(names_of(anwari, NameKind::WeakAlias), ["Haji Mudir"]);
    assert_eq!(anwari.names.len(), 5);

    // Several values in one element.
    let titles: Vec<_> = anwari.titles.iter().map(|t| t.value.as_str()).collect();
    assert_eq!(titles, ["Mullah", "Haji"]);
    let positions: Vec<_> = anwari.positions.iter().map(|t| t.value.as_str()).collect();
    assert_eq!(
        positions,
        [
            "a) Director of Administrative Affairs under the Taliban regime",
            "Minister of Finance under the Taliban regime"
        ]
    );
    assert_eq!(countries(&anwari.nationalities), ["AF", "PK"]);
    assert_eq!(anwari.gender, Some(Gender::Male));
    assert!(has_remark(
        anwari,
        "Belongs to Andar tribe. Review pursuant to Security Council resolution 1822 (2008) was concluded on 23 Jul. 2010."
    ));

    assert_eq!(labelled(anwari, "UN reference number"), ["TAi.005"]);
    let passport = id_of(anwari, IdKind::Passport);
    assert_eq!(passport.value, "OR 1961825");
    assert_eq!(passport.country.as_deref(), Some("AF"));
    assert_eq!(passport.issued, Some(d("2003-02-04")));
    assert_eq!(
        passport.note.as_deref(),
        Some("issued in Kandahar; Issued under the name Akhter Mohmad")
    );
    let tazkira = id_of(anwari, IdKind::NationalId);
    assert_eq!(tazkira.value, "57388");
    assert_eq!(
        tazkira.label.as_deref(),
        Some("National Identification Number")
    );
    assert_eq!(tazkira.country.as_deref(), Some("AF"));
    assert_eq!(
        tazkira.note.as_deref(),
        Some("Afghan national identification card (tazkira) number")
    );
    assert!(has_remark(
        anwari,
        "Passport: Travels on a false Pakistani passport"
    ));

    // The empty address is skipped.
    assert_eq!(anwari.addresses.len(), 1);
    let address = &anwari.addresses[0];
    assert_eq!(address.lines, ["Street 4, House 12"]);
    assert_eq!(address.city.as_deref(), Some("Kandahar"));
    assert_eq!(address.region.as_deref(), Some("Kandahar Province"));
    assert_eq!(address.country.as_deref(), Some("AF"));
    assert_eq!(address.remarks.as_deref(), Some("previous address"));

    let dates: Vec<DateSpec> = anwari.birth_dates.iter().map(|b| b.date).collect();
    assert_eq!(
        dates,
        [
            DateSpec::Circa(d("1961")),
            DateSpec::Range(d("1955"), d("1958")),
            // Time-zone suffix dropped.
            DateSpec::Exact(d("1965-01-01")),
            // Date given only in the note.
            DateSpec::Exact(d("1973-11")),
        ]
    );
    assert!(has_remark(anwari, "Date of birth: 30-35 years old"));
    assert!(
        anwari
            .remarks
            .iter()
            .any(|r| r.value.starts_with("Date of birth 1955")
                && r.value.ends_with(": Approximately"))
    );
    let places: Vec<_> = anwari
        .birth_places
        .iter()
        .map(|p| p.value.as_str())
        .collect();
    assert_eq!(places, ["Zurmat District, Paktia Province, Afghanistan"]);

    let designation = &anwari.designations[0];
    assert_eq!(designation.authority, "UN SC");
    assert_eq!(designation.list, "UN Security Council Consolidated List");
    assert_eq!(designation.programs, ["Taliban"]);
    assert_eq!(designation.listed_on, Some(d("2001-02-23")));
}

#[test]
fn un_whitespace_free_records_and_entities() {
    let path = common::fixture("un_sc/consolidated_small.xml");
    let parsed = parse_file(un_sc::parse, &path, &strict()).expect("parse");

    // The 2020 layout: no whitespace between elements, padded values.
    let ri = by_id(&parsed, "6908555");
    assert_eq!(ri.caption(), "RI WON HO");
    assert_eq!(ri.names.len(), 1);
    assert_eq!(id_of(ri, IdKind::Passport).value, "381310014");
    assert_eq!(countries(&ri.nationalities), ["KP"]);
    assert_eq!(ri.birth_dates[0].date, DateSpec::Exact(d("1964-07-17")));
    assert!(ri.addresses.is_empty() && ri.birth_places.is_empty());
    assert_eq!(ri.designations[0].programs, ["DPRK"]);

    let kumsan = by_id(&parsed, "6908742");
    assert_eq!(kumsan.kind, EntityKind::Organization);
    assert_eq!(kumsan.caption(), "KOREA KUMSAN TRADING CORPORATION & CO");
    assert_eq!(kumsan.names[0].parts[0].kind, NamePartKind::Whole);
    assert_eq!(names_of(kumsan, NameKind::Alias), ["Kumsan Trading"]);
    assert_eq!(
        names_of(kumsan, NameKind::Former),
        ["Kumsan Trading Company"]
    );
    assert_eq!(names_of(kumsan, NameKind::WeakAlias), ["KKTC"]);
    assert_eq!(kumsan.addresses[0].city.as_deref(), Some("Pyongyang"));
    assert_eq!(kumsan.addresses[0].country.as_deref(), Some("KP"));
    assert_eq!(labelled(kumsan, "UN reference number"), ["KPe.045"]);
    assert_eq!(kumsan.designations[0].listed_on, Some(d("2017-08-05")));
}

#[test]
fn un_bad_records_strict_and_lenient() {
    let path = common::fixture("un_sc/bad_records.xml");
    let (line, reason) = row_error(parse_file(un_sc::parse, &path, &strict()));
    assert_eq!(line, 12);
    assert!(reason.contains("LISTED_ON"), "{reason}");

    let parsed = parse_file(un_sc::parse, &path, &lenient()).expect("lenient");
    let ids: Vec<_> = parsed
        .entities
        .iter()
        .map(|e| e.source_id.as_str())
        .collect();
    assert_eq!(ids, ["6908570", "110"]);
    assert_eq!(skipped_lines(&parsed), [12, 22]);
    assert!(parsed.skipped[1].reason.contains("DATAID"));
    assert!(parsed.skipped[0].file.ends_with("bad_records.xml"));
}

#[test]
fn un_truncated_or_foreign_files_are_errors() {
    let path = common::fixture("un_sc/truncated.xml");
    assert_fails_truncated(parse_file(un_sc::parse, &path, &strict()));
    assert_fails_truncated(parse_file(un_sc::parse, &path, &lenient()));

    let eu = common::fixture("eu_fsf/fsf_small.xml");
    match parse_file(un_sc::parse, &eu, &lenient()) {
        Err(ParseError::Format { reason, .. }) => assert!(reason.contains("<export>"), "{reason}"),
        other => panic!("expected a format error, got {other:?}"),
    }
    assert!(parse_bytes(un_sc::parse, "empty.xml", b"", &lenient()).is_err());
    assert!(un_sc::sniff(
        &fixture_bytes("un_sc/consolidated_small.xml"),
        "consolidated.xml"
    ));
    assert!(!un_sc::sniff(
        &fixture_bytes("eu_fsf/fsf_small.xml"),
        "x.xml"
    ));
}

#[test]
fn un_real_files() {
    let Some(dir) = common::shared_lists("un_real_files") else {
        return;
    };
    for (file, published, individuals, entities) in [
        ("consolidated_2020-11-24.xml", "2020-11-24", 713, 305),
        ("consolidated_2024-09-26.xml", "2024-09-26", 682, 193),
        ("consolidated_2026-02-27.xml", "2026-02-27", 730, 273),
    ] {
        let parsed = parse_file(un_sc::parse, &dir.join("un").join(file), &strict())
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let persons = parsed
            .entities
            .iter()
            .filter(|e| e.kind == EntityKind::Person)
            .count();
        let orgs = parsed
            .entities
            .iter()
            .filter(|e| e.kind == EntityKind::Organization)
            .count();
        assert_eq!((persons, orgs), (individuals, entities), "{file}");
        assert_eq!(parsed.published, Some(d(published)), "{file}");
        assert!(parsed.skipped.is_empty());
        for entity in &parsed.entities {
            let designation = &entity.designations[0];
            assert_eq!(designation.programs.len(), 1, "{file} {}", entity.source_id);
            assert!(
                designation.listed_on.is_some(),
                "{file} {}",
                entity.source_id
            );
            assert_eq!(labelled(entity, "UN reference number").len(), 1);
            assert!(!entity.caption().is_empty());
        }
        // Every nationality name of the two recent files resolves to a country code.
        if !file.contains("2020") {
            let unresolved: Vec<_> = parsed
                .entities
                .iter()
                .flat_map(|e| e.remarks.iter())
                .filter(|r| r.value.starts_with("Nationality:"))
                .map(|r| r.value.as_str())
                .collect();
            assert!(unresolved.is_empty(), "{file}: {unresolved:?}");
        }
    }
    let parsed = parse_file(
        un_sc::parse,
        &dir.join("un/consolidated_2020-11-24.xml"),
        &strict(),
    )
    .expect("2020");
    let ri = parsed
        .entities
        .iter()
        .find(|e| labelled(e, "UN reference number") == ["KPi.033"])
        .expect("KPi.033");
    assert_eq!(ri.caption(), "RI WON HO");
    assert_eq!(ri.designations[0].listed_on, Some(d("2016-11-30")));
    assert_eq!(id_of(ri, IdKind::Passport).value, "381310014");
}

// ---------------------------------------------------------------- EU

#[test]
fn eu_xml_fields_are_mapped() {
    let path = common::fixture("eu_fsf/fsf_small.xml");
    let parsed = parse_file(eu_fsf::parse_xml, &path, &strict()).expect("parse");
    assert_eq!(parsed.entities.len(), 4);
    assert_eq!(parsed.published, Some(d("2022-06-10")));

    let putin = by_id(&parsed, "135909");
    assert_eq!(putin.kind, EntityKind::Person);
    assert_eq!(putin.caption(), "Vladimir Vladimirovich PUTIN");
    let primary = &putin.names[0];
    assert_eq!(primary.part(NamePartKind::Given), Some("Vladimir"));
    assert_eq!(primary.part(NamePartKind::Middle), Some("Vladimirovich"));
    assert_eq!(primary.part(NamePartKind::Family), Some("PUTIN"));
    assert_eq!(primary.record.as_deref(), Some("135910"));
    let aliases: Vec<_> = putin
        .names
        .iter()
        .filter(|n| n.kind == NameKind::Alias)
        .map(|n| (n.full.as_str(), n.lang.as_deref(), n.script.as_deref()))
        .collect();
    assert_eq!(
        aliases,
        [
            ("Vladimir Vladimirovitj PUTIN", Some("SV"), None),
            ("Владимир Владимирович ПУТИН", Some("BG"), Some("Cyrl")),
        ]
    );
    assert_eq!(names_of(putin, NameKind::WeakAlias), ["V. V. PUTIN"]);
    let positions: Vec<_> = putin.positions.iter().map(|p| p.value.as_str()).collect();
    assert_eq!(
        positions,
        [
            "President of the Russian Federation",
            "Президент на Руската федерация"
        ]
    );
    assert_eq!(putin.gender, Some(Gender::Male));
    assert_eq!(countries(&putin.citizenships), ["RU"]);
    assert_eq!(putin.birth_dates[0].date, DateSpec::Exact(d("1952-10-07")));
    assert_eq!(putin.birth_dates[0].record.as_deref(), Some("135915"));
    assert_eq!(
        putin.birth_places[0].value,
        "Leningrad (now Saint Petersburg), RUSSIAN FEDERATION"
    );
    assert_eq!(labelled(putin, "EU reference number"), ["EU.7510.16"]);
    assert!(labelled(putin, "UN reference number").is_empty());
    let designation = &putin.designations[0];
    assert_eq!(designation.authority, "EU");
    assert_eq!(designation.list, "Financial Sanctions Files");
    assert_eq!(designation.programs, ["UKR"]);
    assert_eq!(designation.listed_on, Some(d("2022-02-25")));
    assert_eq!(designation.legal_basis, ["2022/332 (OJ L53)"]);

    let sberbank = by_id(&parsed, "139850");
    assert_eq!(sberbank.kind, EntityKind::Organization);
    assert_eq!(
        sberbank.caption(),
        "Public Joint Stock Company Sberbank of Russia"
    );
    assert_eq!(
        names_of(sberbank, NameKind::Alias),
        ["ПАО Сбербанк", "Sberbank"]
    );
    assert_eq!(sberbank.names[0].parts[0].kind, NamePartKind::Whole);
    let address = &sberbank.addresses[0];
    assert_eq!(address.lines, ["19 Vavilova St."]);
    assert_eq!(address.city.as_deref(), Some("Moscow"));
    assert_eq!(address.postal_code.as_deref(), Some("117997"));
    assert_eq!(address.country.as_deref(), Some("RU"));
    assert_eq!(address.record.as_deref(), Some("139854"));
    let ogrn = id_of(sberbank, IdKind::Registration);
    assert_eq!(ogrn.value, "1027700132195");
    assert_eq!(ogrn.note.as_deref(), Some("OGRN"));
    assert_eq!(ogrn.country.as_deref(), Some("RU"));
    assert_eq!(id_of(sberbank, IdKind::TaxId).value, "7707083893");
    assert!(has_remark(
        sberbank,
        "Date of listing: 3.6.2022; principal place of business: Moscow"
    ));
    assert_eq!(sberbank.designations[0].listed_on, Some(d("2022-06-03")));

    // A UN-derived entry: the UN reference is kept for cross-list linking; with no
    // designationDate the listing regulation's publication date is the listing date.
    let ri = by_id(&parsed, "102977");
    assert_eq!(labelled(ri, "UN reference number"), ["KPi.033"]);
    assert_eq!(ri.designations[0].listed_on, Some(d("2016-12-03")));
    assert_eq!(ri.designations[0].programs, ["PRK"]);
    let dates: Vec<_> = ri.birth_dates.iter().map(|b| b.date).collect();
    assert_eq!(
        dates,
        [
            DateSpec::Exact(d("1964-07-17")),
            DateSpec::Exact(d("1963-07"))
        ]
    );
    assert!(
        ri.birth_places.is_empty(),
        "country 00 / UNKNOWN is no place"
    );
    let passport = id_of(ri, IdKind::Passport);
    assert_eq!(passport.value, "381310014");
    assert_eq!(passport.label.as_deref(), Some("National passport"));
    assert_eq!(passport.country.as_deref(), Some("KP"));
    assert_eq!(countries(&ri.citizenships), ["KP"]);

    let mansur = by_id(&parsed, "2451");
    let dates: Vec<_> = mansur.birth_dates.iter().map(|b| b.date).collect();
    assert_eq!(
        dates,
        [
            DateSpec::Circa(d("1968")),
            DateSpec::Range(d("1966"), d("1970"))
        ]
    );
    assert!(has_remark(mansur, "Date of birth (ISLAMIC calendar): 1387"));
    assert_eq!(mansur.titles[0].value, "Maulavi");
    assert_eq!(
        mansur.birth_places[0].value,
        "Zurmat District, Paktia Province, AFGHANISTAN"
    );
    assert!(has_remark(
        mansur,
        "Belongs to Sahak tribe (Ghilzai); \"Review concluded 27.7.2010\"."
    ));
}

#[test]
fn eu_csv_gives_the_same_entities_as_the_xml() {
    let xml = parse_file(
        eu_fsf::parse_xml,
        &common::fixture("eu_fsf/fsf_small.xml"),
        &strict(),
    )
    .expect("xml");
    let csv = parse_file(
        eu_fsf::parse_csv,
        &common::fixture("eu_fsf/fsf_small.csv"),
        &strict(),
    )
    .expect("csv");
    assert_eq!(csv.published, xml.published);
    assert_eq!(csv.entities.len(), xml.entities.len());
    // The CSV has no `strong` column: its aliases are all strong.
    let mut expected = xml.entities.clone();
    for name in expected.iter_mut().flat_map(|e| e.names.iter_mut()) {
        if name.kind == NameKind::WeakAlias {
            name.kind = NameKind::Alias;
        }
    }
    for (from_csv, from_xml) in csv.entities.iter().zip(&expected) {
        assert_eq!(from_csv, from_xml, "{}", from_xml.source_id);
    }
}

#[test]
fn eu_bad_entities_strict_and_lenient() {
    let path = common::fixture("eu_fsf/fsf_quirks.xml");
    let (line, reason) = row_error(parse_file(eu_fsf::parse_xml, &path, &strict()));
    assert_eq!(line, 15);
    assert!(reason.contains("logicalId"), "{reason}");

    let parsed = parse_file(eu_fsf::parse_xml, &path, &lenient()).expect("lenient");
    assert_eq!(skipped_lines(&parsed), [15, 19]);
    assert!(parsed.skipped[1].reason.contains("designationDate"));
    let delisted = by_id(&parsed, "5000");
    let designation = &delisted.designations[0];
    assert_eq!(designation.ended_on, Some(d("2023-03-15")));
    assert_eq!(designation.programs, ["UKR", "RUS"]);
    assert_eq!(
        designation.legal_basis,
        ["826/2014 (OJ L226)", "960/2014 (OJ L271)"]
    );
    let contact: Vec<_> = delisted
        .identifiers
        .iter()
        .filter(|i| i.record.as_deref() == Some("5002"))
        .map(|i| (i.kind.clone(), i.value.as_str()))
        .collect();
    assert_eq!(
        contact,
        [
            (IdKind::Phone, "+380 692 00 00 00"),
            (IdKind::Email, "info@example.invalid"),
            (IdKind::Website, "www.example.invalid"),
        ]
    );
}

#[test]
fn eu_csv_bad_row_and_truncation() {
    let text = String::from_utf8(fixture_bytes("eu_fsf/fsf_small.csv")).expect("utf8");
    let lines: Vec<&str> = text.lines().collect();

    // Line 3 cut short in the middle of the file: a bad row.
    let mut short = lines.clone();
    let cut: String = lines[2].split(';').take(10).collect::<Vec<_>>().join(";");
    short[2] = &cut;
    let short = short.join("\n") + "\n";
    let (line, reason) = row_error(parse_bytes(
        eu_fsf::parse_csv,
        "short.csv",
        short.as_bytes(),
        &strict(),
    ));
    assert_eq!(line, 3);
    assert!(reason.contains("columns"), "{reason}");
    let parsed =
        parse_bytes(eu_fsf::parse_csv, "short.csv", short.as_bytes(), &lenient()).expect("lenient");
    assert_eq!(skipped_lines(&parsed), [3]);
    assert_eq!(parsed.entities.len(), 4);

    // A row without an entity id.
    let mut no_id = lines.clone();
    let blanked = lines[4].replacen(";135909;", ";;", 1);
    no_id[4] = &blanked;
    let no_id = no_id.join("\n") + "\n";
    let (line, reason) = row_error(parse_bytes(
        eu_fsf::parse_csv,
        "noid.csv",
        no_id.as_bytes(),
        &strict(),
    ));
    assert_eq!(
        (line, reason.as_str()),
        (5, "row without an Entity_LogicalId")
    );

    // The file cut off inside its last row: never a partial success.
    let truncated = &text.as_bytes()[..text.len() - 200];
    assert_fails_truncated(parse_bytes(
        eu_fsf::parse_csv,
        "cut.csv",
        truncated,
        &strict(),
    ));
    assert_fails_truncated(parse_bytes(
        eu_fsf::parse_csv,
        "cut.csv",
        truncated,
        &lenient(),
    ));

    // Not an FSF CSV at all.
    let other = parse_bytes(eu_fsf::parse_csv, "x.csv", b"a,b,c\n1,2,3\n", &lenient());
    assert!(matches!(other, Err(ParseError::Format { .. })));
}

#[test]
fn eu_xml_truncation_and_sniffing() {
    let xml = fixture_bytes("eu_fsf/fsf_small.xml");
    let cut = &xml[..xml.len() / 2];
    assert_fails_truncated(parse_bytes(eu_fsf::parse_xml, "cut.xml", cut, &lenient()));
    let csv = fixture_bytes("eu_fsf/fsf_small.csv");
    assert!(eu_fsf::sniff_xml(
        &xml[..4096.min(xml.len())],
        "20220610-FULL-1_1.xml"
    ));
    assert!(!eu_fsf::sniff_csv(&xml, "x"));
    assert!(eu_fsf::sniff_csv(&csv[..4096], "20220610-FULL-1_1.csv"));
    assert!(!eu_fsf::sniff_xml(&csv[..4096], "x"));
}

// ---------------------------------------------------------------- SECO

#[test]
fn seco_whole_list_fields_are_mapped() {
    let path = common::fixture("ch_seco/whole_list_small.xml");
    let parsed = parse_file(ch_seco::parse, &path, &strict()).expect("parse");
    assert_eq!(parsed.entities.len(), 5);
    assert_eq!(parsed.published, Some(d("2023-03-20")));

    let putin = by_id(&parsed, "40001");
    assert_eq!(putin.kind, EntityKind::Person);
    assert_eq!(putin.gender, Some(Gender::Male));
    // Parts in their published order, not document order.
    assert_eq!(putin.caption(), "Vladimir Vladimirovich Putin");
    let kinds: Vec<_> = putin.names[0].parts.iter().map(|p| p.kind).collect();
    assert_eq!(
        kinds,
        [
            NamePartKind::Given,
            NamePartKind::Patronymic,
            NamePartKind::Family
        ]
    );
    let original = putin
        .names
        .iter()
        .find(|n| n.kind == NameKind::OriginalScript)
        .expect("original script");
    assert_eq!(original.full, "Владимир Владимирович Путин");
    assert_eq!(original.script.as_deref(), Some("Cyrl"));
    assert_eq!(original.lang.as_deref(), Some("rus"));
    assert_eq!(names_of(putin, NameKind::WeakAlias), ["V. V. Putin"]);
    assert_eq!(putin.birth_dates[0].date, DateSpec::Exact(d("1952-10-07")));
    assert_eq!(countries(&putin.nationalities), ["RU"]);
    assert_eq!(
        putin.birth_places[0].value,
        "Leningrad (now St. Petersburg), Russian Federation"
    );
    assert!(has_remark(putin, "President of the Russian Federation."));
    assert!(
        putin
            .remarks
            .iter()
            .any(|r| r.value.starts_with("Justification: Responsible"))
    );
    let designation = &putin.designations[0];
    assert_eq!(designation.authority, "CH SECO");
    assert_eq!(designation.list, "SESAM");
    assert_eq!(designation.programs, ["Ukraine"]);
    assert_eq!(designation.listed_on, Some(d("2022-02-28")));
    assert_eq!(designation.ended_on, None);
    assert_eq!(
        designation.legal_basis,
        [
            "Ordinance of 4 March 2022 on Measures connected with the Situation in Ukraine: Financial sanctions, annex 8"
        ]
    );

    let sberbank = by_id(&parsed, "40020");
    assert_eq!(sberbank.kind, EntityKind::Organization);
    assert_eq!(sberbank.caption(), "Sberbank of Russia");
    assert_eq!(
        names_of(sberbank, NameKind::OriginalScript),
        ["Сбербанк России"]
    );
    assert_eq!(
        names_of(sberbank, NameKind::Former),
        ["Savings Bank of the Russian Federation"]
    );
    let address = &sberbank.addresses[0];
    assert_eq!(address.lines, ["19 Vavilova St."]);
    assert_eq!(address.city.as_deref(), Some("Moscow"));
    assert_eq!(address.postal_code.as_deref(), Some("117997"));
    assert_eq!(address.country.as_deref(), Some("RU"));

    let ri = by_id(&parsed, "50001");
    assert_eq!(ri.caption(), "Ri Won Ho");
    assert_eq!(ri.titles[0].value, "Official");
    // The primary name of a second identity is an alias.
    assert_eq!(names_of(ri, NameKind::Alias), ["Ri Won-ho"]);
    let dates: Vec<_> = ri.birth_dates.iter().map(|b| b.date).collect();
    assert_eq!(
        dates,
        [DateSpec::Exact(d("1964")), DateSpec::Circa(d("1964-07"))]
    );
    assert!(has_remark(ri, "Date of birth: day 17, month 7"));
    // A place defined after the target that uses it.
    assert_eq!(ri.addresses[0].city.as_deref(), Some("Pyongyang"));
    assert_eq!(ri.addresses[0].country.as_deref(), Some("KP"));
    let passport = id_of(ri, IdKind::Passport);
    assert_eq!(passport.value, "381310014");
    assert_eq!(passport.country.as_deref(), Some("KP"));
    assert_eq!(passport.issued, Some(d("2011-07-12")));
    assert_eq!(passport.expires, Some(d("2016-07-12")));
    assert_eq!(passport.note.as_deref(), Some("Diplomatic status unknown"));
    assert_eq!(ri.links[0].relation, "associated-with");
    assert_eq!(ri.links[0].target_id.as_deref(), Some("40020"));
    assert_eq!(ri.designations[0].programs, ["North Korea"]);
    assert_eq!(ri.designations[0].listed_on, Some(d("2016-12-13")));

    // De-listed targets stay in the whole list, with their delisting date.
    let delisted = by_id(&parsed, "60001");
    assert_eq!(delisted.gender, Some(Gender::Female));
    assert_eq!(delisted.designations[0].listed_on, Some(d("2014-07-30")));
    assert_eq!(delisted.designations[0].ended_on, Some(d("2023-03-16")));

    let vessel = by_id(&parsed, "70001");
    assert_eq!(vessel.kind, EntityKind::Vessel);
    assert_eq!(vessel.designations[0].listed_on, Some(d("2018-03-30")));
}

#[test]
fn seco_real_test_amendment_file() {
    let Some(dir) = common::shared_lists("seco_real_test_amendment_file") else {
        return;
    };
    let path = dir.join("swiss_seco/seco_amendment_testfile_2024-01-17.xml");
    let parsed = parse_file(ch_seco::parse, &path, &strict()).expect("parse");
    assert_eq!(parsed.published, Some(d("2024-01-17")));
    let captions: Vec<_> = parsed.entities.iter().map(Entity::caption).collect();
    assert_eq!(captions, ["Test B", "Test C", "Test A"]);
    let test_b = by_id(&parsed, "64398");
    assert_eq!(test_b.gender, Some(Gender::Female));
    assert_eq!(countries(&test_b.nationalities), ["GB"]);
    assert_eq!(test_b.birth_dates[0].date, DateSpec::Exact(d("2025-12-31")));
    assert_eq!(test_b.designations[0].programs, ["PPDM"]);
    assert_eq!(
        test_b.designations[0].legal_basis,
        ["EXAMPLE: Financial measures, annex 2"]
    );
    let test_a = by_id(&parsed, "64393");
    assert_eq!(test_a.gender, None);
    assert_eq!(test_a.designations[0].programs, ["PPDM"]);
    assert_eq!(
        test_a.designations[0].legal_basis,
        [
            "EXAMPLE: Financial measures, annex 2",
            "EXAMPLE: Travel ban, annex 1"
        ]
    );
    // "listed" without dates.
    assert_eq!(test_a.designations[0].listed_on, None);
    assert!(ch_seco::sniff(
        &std::fs::read(&path).expect("read"),
        "seco.xml"
    ));
}

#[test]
fn seco_bad_targets_strict_and_lenient() {
    let path = common::fixture("ch_seco/bad_targets.xml");
    let (line, reason) = row_error(parse_file(ch_seco::parse, &path, &strict()));
    assert_eq!(line, 19);
    assert!(reason.contains("ssid"), "{reason}");

    let parsed = parse_file(ch_seco::parse, &path, &lenient()).expect("lenient");
    let captions: Vec<_> = parsed.entities.iter().map(Entity::caption).collect();
    assert_eq!(captions, ["Test Good"]);
    assert_eq!(skipped_lines(&parsed), [19, 27]);
    assert!(parsed.skipped[1].reason.contains("place-id 999"));

    let whole = fixture_bytes("ch_seco/whole_list_small.xml");
    let cut = &whole[..whole.len() - 300];
    assert_fails_truncated(parse_bytes(ch_seco::parse, "cut.xml", cut, &strict()));
    assert_fails_truncated(parse_bytes(ch_seco::parse, "cut.xml", cut, &lenient()));
    assert!(!ch_seco::sniff(
        &fixture_bytes("un_sc/consolidated_small.xml"),
        "x.xml"
    ));
}

#[test]
fn no_cut_of_any_fixture_panics() {
    let cases: [(&str, Parser); 6] = [
        ("un_sc/consolidated_small.xml", un_sc::parse),
        ("eu_fsf/fsf_small.xml", eu_fsf::parse_xml),
        ("eu_fsf/fsf_small.csv", eu_fsf::parse_csv),
        ("eu_fsf/fsf_quirks.xml", eu_fsf::parse_xml),
        ("ch_seco/whole_list_small.xml", ch_seco::parse),
        ("ch_seco/bad_targets.xml", ch_seco::parse),
    ];
    for (rel, parser) in cases {
        let bytes = fixture_bytes(rel);
        for end in (0..bytes.len()).step_by(41) {
            for opts in [strict(), lenient()] {
                // An error is the expected result; a cut XML file never reads as a success,
                // and a cut CSV file only when the cut falls between two rows.
                if parse_bytes(parser, rel, &bytes[..end], &opts).is_ok() {
                    let at_row_end = bytes.get(end.wrapping_sub(1)) == Some(&b'\n');
                    assert!(rel.ends_with(".csv") && at_row_end, "{rel} cut at {end}");
                }
            }
        }
    }
}
