//! The UK readers: OFSI ConList (CSV, XLSX, XML) and the FCDO UK Sanctions List (CSV, XML).

mod common;

use sanctum_model::{Entity, EntityKind, Gender, IdKind, NameKind, NamePartKind, PartialDate};
use sanctum_sources::{Input, ParseError, ParseOptions, Parsed, uk_fcdo, uk_ofsi};
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

type Parser = fn(&str, Input<'_>, &ParseOptions) -> Result<Parsed, ParseError>;

fn run(parser: Parser, path: &Path, opts: &ParseOptions) -> Result<Parsed, ParseError> {
    parser("uk_test", Input::open(path)?, opts)
}

fn fixture(parser: Parser, name: &str, opts: &ParseOptions) -> Result<Parsed, ParseError> {
    run(parser, &common::fixture(&format!("uk/{name}")), opts)
}

fn date(s: &str) -> PartialDate {
    s.parse().expect("test date")
}

fn find<'e>(parsed: &'e Parsed, id: &str) -> &'e Entity {
    parsed
        .entities
        .iter()
        .find(|e| e.source_id == id)
        .unwrap_or_else(|| panic!("no entity {id}"))
}

fn names(e: &Entity, kind: NameKind) -> Vec<&str> {
    e.names
        .iter()
        .filter(|n| n.kind == kind)
        .map(|n| n.full.as_str())
        .collect()
}

fn ids<'e>(e: &'e Entity, label: &str) -> Vec<&'e str> {
    e.identifiers
        .iter()
        .filter(|i| i.label.as_deref() == Some(label))
        .map(|i| i.value.as_str())
        .collect()
}

fn ids_of(e: &Entity, kind: IdKind) -> Vec<&str> {
    e.identifiers
        .iter()
        .filter(|i| i.kind == kind)
        .map(|i| i.value.as_str())
        .collect()
}

fn countries(list: &[sanctum_model::CountryValue]) -> Vec<&str> {
    list.iter().map(|c| c.code.as_str()).collect()
}

fn dobs(e: &Entity) -> Vec<String> {
    e.birth_dates.iter().map(|d| d.date.to_string()).collect()
}

fn row_error(result: Result<Parsed, ParseError>) -> sanctum_sources::RowError {
    match result {
        Err(ParseError::Row(row)) => row,
        other => panic!("expected a row error, got {other:?}"),
    }
}

fn assert_truncated(result: Result<Parsed, ParseError>) {
    match result {
        Err(ParseError::Format { reason, .. }) => {
            assert!(reason.contains("truncated"), "{reason}")
        }
        Err(ParseError::Row(row)) => assert!(row.reason.contains("truncated"), "{row}"),
        other => panic!("expected a truncation error, got {other:?}"),
    }
}

// ---- ConList CSV / XLSX ----

#[test]
fn conlist_csv_groups_one_row_per_name_into_one_entity() {
    let parsed = fixture(uk_ofsi::parse_csv, "conlist.csv", &strict()).unwrap();
    assert_eq!(parsed.published, Some(date("2023-06-05")));
    assert!(parsed.skipped.is_empty());
    let order: Vec<&str> = parsed
        .entities
        .iter()
        .map(|e| e.source_id.as_str())
        .collect();
    // Groups in first-seen order, although Putin's rows are not adjacent.
    assert_eq!(order, ["14196", "15076", "13647", "11241", "90001"]);

    let putin = find(&parsed, "14196");
    assert_eq!(putin.kind, EntityKind::Person);
    assert_eq!(putin.source, "uk_test");
    assert_eq!(
        names(putin, NameKind::Primary),
        ["Vladimir Vladimirovich PUTIN"]
    );
    // Two identical "Primary name variation" rows give one alias.
    assert_eq!(names(putin, NameKind::Alias), ["Vladimir PUTIN"]);
    let primary = putin
        .names
        .iter()
        .find(|n| n.kind == NameKind::Primary)
        .unwrap();
    assert_eq!(primary.part(NamePartKind::Family), Some("PUTIN"));
    assert_eq!(primary.part(NamePartKind::Given), Some("Vladimir"));
    let original = putin
        .names
        .iter()
        .find(|n| n.kind == NameKind::OriginalScript)
        .unwrap();
    assert_eq!(original.full, "Владимир Владимирович Путин");
    assert_eq!(original.script.as_deref(), Some("Cyrillic"));
    assert_eq!(original.lang.as_deref(), Some("Russian"));
    // Values repeated on each of the three rows are kept once.
    assert_eq!(dobs(putin), ["1952-10-07"]);
    assert_eq!(countries(&putin.nationalities), ["RU"]);
    assert_eq!(putin.birth_places.len(), 1);
    assert_eq!(
        putin.birth_places[0].value,
        "St Petersburg (then Leningrad), Russia"
    );
    assert_eq!(putin.positions.len(), 1);
    assert_eq!(putin.addresses.len(), 1);
    assert_eq!(putin.addresses[0].city.as_deref(), Some("Moscow"));
    assert_eq!(putin.addresses[0].country.as_deref(), Some("RU"));
    assert_eq!(putin.gender, Some(Gender::Male));
    assert_eq!(ids(putin, "UK sanctions list ref"), ["RUS0251"]);
    assert_eq!(ids(putin, "OFSI group id"), ["14196"]);
    assert_eq!(putin.designations.len(), 1);
    let d = &putin.designations[0];
    assert_eq!(
        (d.authority.as_str(), d.list.as_str()),
        ("UK OFSI", "Consolidated List")
    );
    assert_eq!(d.programs, ["Russia"]);
    assert_eq!(d.listed_on, Some(date("2022-02-25")));
    assert!(d.legal_basis.is_empty());
    assert!(putin.remarks.iter().any(|r| {
        r.value
            .starts_with("(UK Sanctions List Ref):RUS0251. Financial sanctions imposed")
    }));
    assert!(
        putin
            .remarks
            .iter()
            .any(|r| r.value == "Last Updated: 21/03/2023")
    );
    assert_eq!(putin.remarks.len(), 2);
}

#[test]
fn conlist_csv_entities_ships_and_regimes() {
    let parsed = fixture(uk_ofsi::parse_csv, "conlist.csv", &strict()).unwrap();
    let sber = find(&parsed, "15076");
    assert_eq!(sber.kind, EntityKind::Organization);
    let primary = &sber.names[0];
    assert_eq!(
        primary.full,
        "PJSC SBERBANK (PUBLIC JOINT-STOCK COMPANY SBERBANK)"
    );
    assert_eq!(primary.kind, NameKind::Primary);
    assert_eq!(
        primary.part(NamePartKind::Whole),
        Some(primary.full.as_str())
    );
    assert_eq!(names(sber, NameKind::Alias), ["SBERBANK"]);
    assert_eq!(names(sber, NameKind::OriginalScript), ["ПАО Сбербанк"]);
    let address = &sber.addresses[0];
    assert_eq!(address.lines, ["19 Vavilova St."]);
    assert_eq!(address.postal_code.as_deref(), Some("117997"));
    assert_eq!(address.full(), "19 Vavilova St., Moscow, 117997, RU");
    assert_eq!(ids_of(sber, IdKind::Website), ["www.sberbank.ru"]);
    assert_eq!(sber.links.len(), 1);
    assert_eq!(sber.links[0].relation, "Parent company");
    assert_eq!(
        sber.links[0].target_name.as_deref(),
        Some("Federal Government of the Russian Federation")
    );

    let ship = find(&parsed, "13647");
    assert_eq!(ship.kind, EntityKind::Vessel);
    assert_eq!(names(ship, NameKind::Primary), ["CHON MYONG 1"]);
    assert_eq!(names(ship, NameKind::Alias), ["EASTERN LUCK"]);
    assert_eq!(ids_of(ship, IdKind::Imo), ["8712362"]);
    assert_eq!(ship.craft.flag.as_deref(), Some("KP"));
    assert_eq!(ship.craft.craft_type.as_deref(), Some("Oil tanker"));
    assert_eq!(ship.craft.tonnage.as_deref(), Some("1220"));
    assert_eq!(ship.craft.build_date, Some(PartialDate::year(1987)));
    assert_eq!(ship.craft.owner.as_deref(), Some("Chonmyong Shipping Co"));
    // Listed On 03/04/2018, designated 30/03/2018: the earlier one is the listing date.
    let d = &ship.designations[0];
    assert_eq!(d.listed_on, Some(date("2018-03-30")));
    assert_eq!(d.legal_basis, ["Listed On: 03/04/2018"]);

    // One party under two regimes: one designation each; two refs in one cell.
    let qods = find(&parsed, "11241");
    let regimes: Vec<(&str, Option<PartialDate>)> = qods
        .designations
        .iter()
        .map(|d| (d.programs[0].as_str(), d.listed_on))
        .collect();
    assert_eq!(
        regimes,
        [
            ("Iran (Nuclear)", Some(date("2010-07-27"))),
            ("Syria", Some(date("2011-08-24")))
        ]
    );
    assert_eq!(
        qods.designations[0].legal_basis,
        ["UK Sanctions List Date Designated: 31/12/2020"]
    );
    assert_eq!(ids(qods, "UK sanctions list ref"), ["INU0082", "SYR0310"]);
    assert_eq!(names(qods, NameKind::OriginalScript), ["سپاه قدس"]);
}

#[test]
fn conlist_csv_several_values_in_one_cell_and_partial_dates() {
    let parsed = fixture(uk_ofsi::parse_csv, "conlist.csv", &strict()).unwrap();
    let p = find(&parsed, "90001");
    assert_eq!(names(p, NameKind::Primary), ["Amina Ben Salah TESTOVA"]);
    assert_eq!(names(p, NameKind::WeakAlias), ["UMM TEST"]);
    assert_eq!(names(p, NameKind::Alias), ["Amina TESTOVA"]);
    assert_eq!(names(p, NameKind::Former), ["Amina OLDNAME"]);
    let titles: Vec<&str> = p.titles.iter().map(|t| t.value.as_str()).collect();
    assert_eq!(titles, ["Doctor", "Sheikh"]);
    // 00/00/1954 → 1954, 00/05/1956 → May 1956; the FKA row adds 1955.
    assert_eq!(dobs(p), ["1954", "1956-05", "1957", "1955"]);
    assert!(p.remarks.iter().any(|r| r.value == "DOB: 31/02/1958"));
    let places: Vec<&str> = p.birth_places.iter().map(|t| t.value.as_str()).collect();
    assert_eq!(places, ["Tunis, Tunisia", "Morocco"]);
    assert_eq!(countries(&p.nationalities), ["TN", "MA"]);
    let passports: Vec<(&str, Option<&str>)> = p
        .identifiers
        .iter()
        .filter(|i| i.kind == IdKind::Passport)
        .map(|i| (i.value.as_str(), i.note.as_deref()))
        .collect();
    assert_eq!(
        passports,
        [
            ("223611", Some("Tunisian number")),
            (
                "C00146605",
                Some("Moroccan. Issued on 28 June 1995. Expired.")
            )
        ]
    );
    let national: Vec<(&str, Option<&str>)> = p
        .identifiers
        .iter()
        .filter(|i| i.kind == IdKind::NationalId)
        .map(|i| (i.value.as_str(), i.note.as_deref()))
        .collect();
    assert_eq!(
        national,
        [("04643632", Some("Tunisian national identity card"))]
    );
    assert_eq!(p.positions.len(), 2);
    assert_eq!(ids(p, "UN reference number"), ["QDi.999"]);
    assert_eq!(
        ids_of(p, IdKind::Phone),
        ["+963 11 1111111", "+963 11 2222222"]
    );
    assert_eq!(ids_of(p, IdKind::Email), ["test@example.org"]);
    assert_eq!(p.gender, Some(Gender::Female));
    assert_eq!(p.addresses[0].country.as_deref(), Some("IT"));
}

#[test]
fn conlist_xlsx_gives_the_same_entities_as_the_csv() {
    let csv = fixture(uk_ofsi::parse_csv, "conlist.csv", &strict()).unwrap();
    let xlsx = fixture(uk_ofsi::parse_xlsx, "conlist.xlsx", &strict()).unwrap();
    assert_eq!(xlsx.published, csv.published);
    assert_eq!(xlsx.entities, csv.entities);
}

#[test]
fn conlist_bad_rows_strict_and_lenient() {
    let err = row_error(fixture(
        uk_ofsi::parse_csv,
        "conlist_bad_rows.csv",
        &strict(),
    ));
    assert_eq!(err.line, 7);
    assert!(err.file.ends_with("conlist_bad_rows.csv"));
    assert!(err.reason.contains("Group Type"), "{}", err.reason);

    let parsed = fixture(uk_ofsi::parse_csv, "conlist_bad_rows.csv", &lenient()).unwrap();
    let lines: Vec<u64> = parsed.skipped.iter().map(|s| s.line).collect();
    assert_eq!(lines, [7, 8]);
    assert!(parsed.skipped[1].reason.contains("Group ID"));
    let order: Vec<&str> = parsed
        .entities
        .iter()
        .map(|e| e.source_id.as_str())
        .collect();
    assert_eq!(order, ["14196", "15076", "13647"]);
}

#[test]
fn conlist_truncated_files_are_errors_even_when_lenient() {
    for opts in [strict(), lenient()] {
        assert_truncated(fixture(uk_ofsi::parse_csv, "conlist_truncated.csv", &opts));
        assert_truncated(fixture(uk_ofsi::parse_xml, "conlist_truncated.xml", &opts));
        match fixture(uk_ofsi::parse_xlsx, "conlist_truncated.xlsx", &opts) {
            Err(ParseError::Format { .. }) => {}
            other => panic!("expected a format error, got {other:?}"),
        }
    }
}

#[test]
fn conlist_rejects_other_files() {
    let err = fixture(uk_ofsi::parse_csv, "fcdo.csv", &strict()).unwrap_err();
    assert!(matches!(err, ParseError::Format { .. }), "{err}");
    let err = fixture(uk_ofsi::parse_xml, "fcdo.xml", &strict()).unwrap_err();
    assert!(matches!(err, ParseError::Format { .. }), "{err}");
    let err = fixture(uk_ofsi::parse_xlsx, "conlist.csv", &strict()).unwrap_err();
    assert!(matches!(err, ParseError::Format { .. }), "{err}");
}

// ---- ConList XML ----

#[test]
fn conlist_xml_groups_targets_by_group_id() {
    let parsed = fixture(uk_ofsi::parse_xml, "conlist.xml", &strict()).unwrap();
    assert_eq!(parsed.published, None);
    let order: Vec<&str> = parsed
        .entities
        .iter()
        .map(|e| e.source_id.as_str())
        .collect();
    assert_eq!(order, ["14196", "13647"]);
    let putin = find(&parsed, "14196");
    assert_eq!(
        names(putin, NameKind::Primary),
        ["Vladimir Vladimirovich PUTIN"]
    );
    assert_eq!(names(putin, NameKind::Alias), ["Vladimir PUTIN"]);
    assert_eq!(
        names(putin, NameKind::OriginalScript),
        ["Владимир Владимирович Путин"]
    );
    assert_eq!(dobs(putin), ["1952-10-07"]);
    assert_eq!(countries(&putin.nationalities), ["RU"]);
    assert_eq!(putin.gender, Some(Gender::Male));
    assert_eq!(ids(putin, "UK sanctions list ref"), ["RUS0251"]);
    assert_eq!(ids(putin, "OFSI group id"), ["14196"]);
    assert_eq!(putin.designations.len(), 1);
    assert_eq!(putin.designations[0].listed_on, Some(date("2022-02-25")));
    assert!(
        putin
            .remarks
            .iter()
            .any(|r| r.value.starts_with("Vladimir Vladimirovich Putin is"))
    );
    let ship = find(&parsed, "13647");
    assert_eq!(ship.kind, EntityKind::Vessel);
    assert_eq!(names(ship, NameKind::WeakAlias), ["EASTERN LUCK"]);
    assert_eq!(ids_of(ship, IdKind::Imo), ["8712362"]);
    assert_eq!(ship.craft.flag.as_deref(), Some("KP"));
    assert_eq!(ship.craft.build_date, Some(PartialDate::year(1987)));
    assert!(
        ship.remarks
            .iter()
            .any(|r| r.value == "Previous flags: Togo")
    );
    assert_eq!(
        ship.designations[0].programs,
        ["Democratic People's Republic of Korea"]
    );
    assert_eq!(ship.designations[0].listed_on, Some(date("2018-03-30")));
}

#[test]
fn conlist_xml_bad_row_strict_and_lenient() {
    let err = row_error(fixture(
        uk_ofsi::parse_xml,
        "conlist_bad_row.xml",
        &strict(),
    ));
    assert_eq!(err.line, 69);
    assert!(err.reason.contains("contradicts"), "{}", err.reason);
    let parsed = fixture(uk_ofsi::parse_xml, "conlist_bad_row.xml", &lenient()).unwrap();
    assert_eq!(parsed.skipped.len(), 1);
    assert_eq!(parsed.entities.len(), 2);
    assert!(names(find(&parsed, "13647"), NameKind::WeakAlias).is_empty());
}

// ---- FCDO ----

#[test]
fn fcdo_csv_groups_rows_by_unique_id() {
    let parsed = fixture(uk_fcdo::parse_csv, "fcdo.csv", &strict()).unwrap();
    assert_eq!(parsed.published, Some(date("2026-02-13")));
    let order: Vec<&str> = parsed
        .entities
        .iter()
        .map(|e| e.source_id.as_str())
        .collect();
    assert_eq!(order, ["RUS0251", "RUS0256", "DPR0096", "AQD0999"]);

    let putin = find(&parsed, "RUS0251");
    assert_eq!(putin.kind, EntityKind::Person);
    assert_eq!(
        names(putin, NameKind::Primary),
        ["Vladimir Vladimirovich PUTIN"]
    );
    assert_eq!(names(putin, NameKind::Alias), ["Vladimir PUTIN"]);
    assert_eq!(
        names(putin, NameKind::OriginalScript),
        ["Владимир Владимирович Путин"]
    );
    assert_eq!(ids(putin, "UK sanctions list ref"), ["RUS0251"]);
    assert_eq!(ids(putin, "OFSI group id"), ["14196"]);
    assert_eq!(dobs(putin), ["1952-10-07"]);
    assert_eq!(countries(&putin.nationalities), ["RU"]);
    assert_eq!(putin.gender, Some(Gender::Male));
    let d = &putin.designations[0];
    assert_eq!(
        (d.authority.as_str(), d.list.as_str()),
        ("UK FCDO", "UK Sanctions List")
    );
    assert_eq!(d.programs, ["Russia"]);
    assert_eq!(d.listed_on, Some(date("2022-02-25")));
    assert!(
        putin
            .remarks
            .iter()
            .any(|r| r.value
                == "Sanctions Imposed: Asset freeze|Trust services sanctions|Travel Ban")
    );
    assert!(
        putin
            .remarks
            .iter()
            .any(|r| r.value == "Designation source: UK")
    );

    let sber = find(&parsed, "RUS0256");
    assert_eq!(sber.kind, EntityKind::Organization);
    assert_eq!(names(sber, NameKind::Alias), ["SBERBANK"]);
    assert_eq!(ids_of(sber, IdKind::Registration), ["1027700132195"]);
    assert_eq!(sber.links[0].relation, "Parent company");
    assert_eq!(
        sber.addresses[0].full(),
        "19 Vavilova St., Moscow, 117997, RU"
    );

    let ship = find(&parsed, "DPR0096");
    assert_eq!(ship.kind, EntityKind::Vessel);
    assert_eq!(names(ship, NameKind::WeakAlias), ["EASTERN LUCK"]);
    assert_eq!(ids_of(ship, IdKind::Imo), ["8712362"]);
    assert_eq!(ship.craft.flag.as_deref(), Some("KP"));
    assert_eq!(ship.craft.owner.as_deref(), Some("Chonmyong Shipping Co"));

    let p = find(&parsed, "AQD0999");
    assert_eq!(dobs(p), ["1958"]);
    assert_eq!(countries(&p.nationalities), ["TN", "MA"]);
    assert_eq!(ids(p, "UN reference number"), ["QDi.999"]);
    assert_eq!(ids_of(p, IdKind::Passport), ["223611", "C00146605"]);
    assert_eq!(p.gender, Some(Gender::Female));
    assert_eq!(names(p, NameKind::WeakAlias), ["UMM TEST"]);
    assert_eq!(p.titles[0].value, "Doctor");
}

#[test]
fn fcdo_xml_reads_designations() {
    let parsed = fixture(uk_fcdo::parse_xml, "fcdo.xml", &strict()).unwrap();
    assert_eq!(parsed.published, Some(date("2026-02-13")));
    let order: Vec<&str> = parsed
        .entities
        .iter()
        .map(|e| e.source_id.as_str())
        .collect();
    assert_eq!(order, ["RUS0251", "DPR0096", "RUS0256"]);
    let csv = fixture(uk_fcdo::parse_csv, "fcdo.csv", &strict()).unwrap();
    // The same party from both formats: the same names, dates, countries and designation.
    for id in ["RUS0251", "DPR0096", "RUS0256"] {
        let (x, c) = (find(&parsed, id), find(&csv, id));
        assert_eq!(x.kind, c.kind, "{id}");
        assert_eq!(x.birth_dates, c.birth_dates, "{id}");
        assert_eq!(x.nationalities, c.nationalities, "{id}");
        assert_eq!(x.designations, c.designations, "{id}");
        assert_eq!(x.addresses, c.addresses, "{id}");
        assert_eq!(x.craft, c.craft, "{id}");
        let mut xn: Vec<_> = x.names.iter().map(|n| (&n.full, n.kind)).collect();
        let mut cn: Vec<_> = c.names.iter().map(|n| (&n.full, n.kind)).collect();
        xn.sort();
        cn.sort();
        assert_eq!(xn, cn, "{id}");
    }
    let putin = find(&parsed, "RUS0251");
    assert_eq!(
        putin.birth_places[0].value,
        "St Petersburg (then Leningrad), Russia"
    );
    assert_eq!(ids_of(putin, IdKind::Passport), ["1234567"]);
    assert_eq!(putin.gender, Some(Gender::Male));
    let sber = find(&parsed, "RUS0256");
    assert_eq!(ids_of(sber, IdKind::Website), ["www.sberbank.ru"]);
    assert_eq!(ids_of(sber, IdKind::Registration), ["1027700132195"]);
}

#[test]
fn fcdo_bad_rows_strict_and_lenient() {
    let err = row_error(fixture(uk_fcdo::parse_csv, "fcdo_bad_rows.csv", &strict()));
    assert_eq!(err.line, 6);
    assert!(err.reason.contains("designation type"), "{}", err.reason);
    let parsed = fixture(uk_fcdo::parse_csv, "fcdo_bad_rows.csv", &lenient()).unwrap();
    assert_eq!(parsed.skipped.len(), 1);
    assert_eq!(parsed.entities.len(), 3);

    let err = row_error(fixture(uk_fcdo::parse_xml, "fcdo_bad_row.xml", &strict()));
    assert_eq!(err.line, 68);
    let parsed = fixture(uk_fcdo::parse_xml, "fcdo_bad_row.xml", &lenient()).unwrap();
    assert_eq!(parsed.skipped.len(), 1);
    assert_eq!(parsed.entities.len(), 2);
}

#[test]
fn fcdo_truncated_files_are_errors_even_when_lenient() {
    for opts in [strict(), lenient()] {
        assert_truncated(fixture(uk_fcdo::parse_csv, "fcdo_truncated.csv", &opts));
        assert_truncated(fixture(uk_fcdo::parse_xml, "fcdo_truncated.xml", &opts));
    }
    let err = fixture(uk_fcdo::parse_csv, "conlist.csv", &strict()).unwrap_err();
    assert!(matches!(err, ParseError::Format { .. }), "{err}");
    let err = fixture(uk_fcdo::parse_xml, "conlist.xml", &strict()).unwrap_err();
    assert!(matches!(err, ParseError::Format { .. }), "{err}");
}

#[test]
fn sniffers_tell_the_formats_apart() {
    let head = |name: &str| {
        let bytes = std::fs::read(common::fixture(&format!("uk/{name}"))).unwrap();
        bytes[..bytes.len().min(4096)].to_vec()
    };
    let cases: [(&str, [bool; 5]); 5] = [
        ("conlist.csv", [true, false, false, false, false]),
        ("conlist.xlsx", [false, true, false, false, false]),
        ("conlist.xml", [false, false, true, false, false]),
        ("fcdo.csv", [false, false, false, true, false]),
        ("fcdo.xml", [false, false, false, false, true]),
    ];
    for (name, want) in cases {
        let h = head(name);
        let got = [
            uk_ofsi::sniff_csv(&h, name),
            uk_ofsi::sniff_xlsx(&h, name),
            uk_ofsi::sniff_xml(&h, name),
            uk_fcdo::sniff_csv(&h, name),
            uk_fcdo::sniff_xml(&h, name),
        ];
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn garbage_never_panics() {
    let inputs: [&[u8]; 6] = [
        b"",
        b"Last Updated,xx/yy/zzzz\r\n",
        b"\xff\xfe\x00garbage",
        b"PK\x03\x04not a zip",
        b"<ArrayOfFinancialSanctionsTarget><FinancialSanctionsTarget><GroupID>1",
        b"<Designations><Designation><UniqueID>X</UniqueID></Designation></Designations>",
    ];
    let parsers: [Parser; 5] = [
        uk_ofsi::parse_csv,
        uk_ofsi::parse_xlsx,
        uk_ofsi::parse_xml,
        uk_fcdo::parse_csv,
        uk_fcdo::parse_xml,
    ];
    for input in inputs {
        for parser in parsers {
            for opts in [strict(), lenient()] {
                let _ = parser("uk_test", Input::new("garbage", input), &opts);
            }
        }
    }
}

// ---- Real files ----

fn kinds(parsed: &Parsed) -> [usize; 3] {
    let count = |k| parsed.entities.iter().filter(|e| e.kind == k).count();
    [
        count(EntityKind::Person),
        count(EntityKind::Organization),
        count(EntityKind::Vessel),
    ]
}

fn russia(parsed: &Parsed) -> usize {
    parsed
        .entities
        .iter()
        .filter(|e| e.programs().contains(&"Russia"))
        .count()
}

#[test]
fn real_conlist_2023_xlsx_and_derived_csv() {
    let Some(dir) = common::shared_lists("real_conlist_2023_xlsx_and_derived_csv") else {
        return;
    };
    let dir = dir.join("uk_ofsi");
    let xlsx = run(
        uk_ofsi::parse_xlsx,
        &dir.join("ConList_2023-06-05.xlsx"),
        &strict(),
    )
    .unwrap();
    assert_eq!(xlsx.published, Some(date("2023-06-05")));
    assert_eq!(xlsx.entities.len(), 3993);
    assert_eq!(kinds(&xlsx), [3231, 747, 15]);
    assert_eq!(russia(&xlsx), 1829);
    assert!(xlsx.entities.iter().all(|e| !e.names.is_empty()));
    // Nationalities resolve to ISO codes but for a few typos ("Belrus", "Repubic of Moldova").
    let unresolved = xlsx
        .entities
        .iter()
        .flat_map(|e| &e.remarks)
        .filter(|r| r.value.starts_with("Nationality: "))
        .count();
    assert!(unresolved <= 5, "{unresolved} nationalities unresolved");
    // Every group but one (15878, whose Other Information starts with the statement of
    // reasons) carries its UK Sanctions List Ref.
    let without_ref: Vec<&str> = xlsx
        .entities
        .iter()
        .filter(|e| ids(e, "UK sanctions list ref").is_empty())
        .map(|e| e.source_id.as_str())
        .collect();
    assert_eq!(without_ref, ["15878"]);

    let putin = find(&xlsx, "14196");
    assert_eq!(ids(putin, "UK sanctions list ref"), ["RUS0251"]);
    assert_eq!(
        names(putin, NameKind::Primary),
        ["Vladimir Vladimirovich PUTIN"]
    );
    assert_eq!(putin.designations[0].listed_on, Some(date("2022-02-25")));
    assert_eq!(dobs(putin), ["1952-10-07"]);
    let sber = find(&xlsx, "15076");
    assert_eq!(ids(sber, "UK sanctions list ref"), ["RUS0256"]);
    assert_eq!(sber.designations[0].listed_on, Some(date("2022-04-06")));

    // The derived CSV holds the same cells: the CSV reader must give the same entities.
    let gz = std::fs::File::open(dir.join("ConList_2023-06-05.DERIVED_from_xlsx.csv.gz")).unwrap();
    let reader = std::io::BufReader::new(flate2::read::GzDecoder::new(gz));
    let csv = uk_ofsi::parse_csv("uk_test", Input::new("ConList.csv", reader), &strict()).unwrap();
    assert_eq!(csv.published, xlsx.published);
    assert_eq!(csv.entities.len(), xlsx.entities.len());
    for (c, x) in csv.entities.iter().zip(&xlsx.entities) {
        assert_eq!(c, x);
    }
}

#[test]
fn real_conlist_2025_xlsx() {
    let Some(dir) = common::shared_lists("real_conlist_2025_xlsx") else {
        return;
    };
    let parsed = run(
        uk_ofsi::parse_xlsx,
        &dir.join("uk_ofsi/ConList_2025-04-14.xlsx"),
        &strict(),
    )
    .unwrap();
    assert_eq!(parsed.published, Some(date("2025-04-14")));
    assert_eq!(parsed.entities.len(), 4688);
    assert_eq!(kinds(&parsed), [3663, 1010, 15]);
    assert_eq!(russia(&parsed), 2181);
    assert!(parsed.entities.iter().all(|e| !e.names.is_empty()));
}
