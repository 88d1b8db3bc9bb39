mod common;

use sanctum_model::{EntityKind, Gender, IdKind, NameKind, NamePartKind, PartialDate};
use sanctum_sources::us_csl::{parse_csv, parse_json};
use sanctum_sources::{Input, ParseError, ParseOptions, Parsed};
use std::collections::BTreeMap;

fn strict() -> ParseOptions {
    ParseOptions::default()
}

fn lenient() -> ParseOptions {
    ParseOptions {
        lenient: true,
        ..ParseOptions::default()
    }
}

fn csv_fixture(name: &str, opts: &ParseOptions) -> Result<Parsed, ParseError> {
    let input = Input::open(&common::fixture(&format!("us_csl/{name}"))).expect("fixture");
    parse_csv("us_csl", input, opts)
}

fn json_fixture(name: &str, opts: &ParseOptions) -> Result<Parsed, ParseError> {
    let input = Input::open(&common::fixture(&format!("us_csl/{name}"))).expect("fixture");
    parse_json("us_csl", input, opts)
}

fn date(s: &str) -> PartialDate {
    s.parse().unwrap()
}

#[test]
fn sdn_row_gives_names_dates_ids_and_designation() {
    let parsed = csv_fixture("basic.csv", &strict()).unwrap();
    assert_eq!(parsed.entities.len(), 5);
    assert_eq!(parsed.published, None);
    let putin = &parsed.entities[0];
    assert_eq!(putin.source, "us_csl");
    assert_eq!(putin.source_id, "35096");
    assert_eq!(putin.kind, EntityKind::Person);
    assert_eq!(putin.caption(), "PUTIN, Vladimir Vladimirovich");
    assert_eq!(putin.names[0].part(NamePartKind::Family), Some("PUTIN"));
    assert_eq!(
        putin.names[0].part(NamePartKind::Given),
        Some("Vladimir Vladimirovich")
    );
    assert_eq!(putin.names[1].full, "PUTIN, Vladimir");
    assert_eq!(putin.names[1].kind, NameKind::Alias);
    assert_eq!(putin.birth_dates[0].date.to_string(), "1952-10-07");
    assert_eq!(putin.birth_places[0].value, "Leningrad, Russia");
    assert_eq!(putin.nationalities[0].code, "RU");
    assert_eq!(putin.citizenships[0].code, "RU");
    assert_eq!(putin.gender, Some(Gender::Male));
    assert_eq!(putin.titles[0].value, "President of the Russian Federation");
    assert_eq!(putin.addresses.len(), 2);
    assert_eq!(putin.addresses[0].lines, vec!["Kremlin"]);
    assert_eq!(putin.addresses[0].city.as_deref(), Some("Moscow"));
    assert_eq!(putin.addresses[0].country.as_deref(), Some("RU"));
    assert_eq!(
        putin.addresses[1].full(),
        "Novo-Ogaryevo, Moscow Region, RU"
    );

    let passports: Vec<_> = putin
        .identifiers
        .iter()
        .filter(|i| i.kind == IdKind::Passport)
        .collect();
    assert_eq!(passports.len(), 2);
    assert_eq!(passports[0].value, "K475336");
    assert_eq!(passports[0].country.as_deref(), Some("JO"));
    assert_eq!(passports[0].issued, Some(date("2009-08-31")));
    assert_eq!(passports[0].expires, Some(date("2014-08-30")));
    // A lone date may be either: it is kept as a note, not guessed.
    assert_eq!(passports[1].issued, None);
    assert_eq!(passports[1].expires, None);
    assert_eq!(
        passports[1].note.as_deref(),
        Some("date 2017-05-30 (issue or expiry)")
    );

    let d = &putin.designations[0];
    assert_eq!((d.authority.as_str(), d.list.as_str()), ("US OFAC", "SDN"));
    assert_eq!(d.programs, vec!["RUSSIA-EO14024"]);
    assert_eq!(d.listed_on, None);
}

#[test]
fn bis_row_has_unknown_kind_dates_notices_and_licence_remarks() {
    let parsed = csv_fixture("basic.csv", &strict()).unwrap();
    let bis = &parsed.entities[1];
    assert_eq!(bis.kind, EntityKind::Unknown);
    // Surrounding spaces are trimmed; the name is otherwise as published.
    assert_eq!(bis.caption(), "Open Joint Stock Company 140 Repair Plant");
    // The alias equal to the primary name is not repeated.
    assert_eq!(bis.names.len(), 2);
    assert_eq!(bis.names[1].full, "JSC 140 Repair Plant");
    assert!(bis.names[0].parts.is_empty());
    let d = &bis.designations[0];
    assert_eq!(
        (d.authority.as_str(), d.list.as_str()),
        ("US BIS", "Entity List")
    );
    assert_eq!(d.listed_on, Some(date("2016-06-22")));
    assert_eq!(d.legal_basis, vec!["81 FR 40174", "83 FR 48534"]);
    let remarks: Vec<_> = bis.remarks.iter().map(|r| r.value.as_str()).collect();
    assert_eq!(
        remarks,
        vec![
            "License requirement: For all items subject to the EAR. (See §744.11 of the EAR).",
            "License policy: Presumption of denial."
        ]
    );
    assert_eq!(bis.addresses[0].country.as_deref(), Some("BY"));
    assert_eq!(bis.addresses[0].city.as_deref(), Some("Borisov"));

    let dpl = &parsed.entities[3];
    assert_eq!(dpl.caption(), "I. ASH");
    let d = &dpl.designations[0];
    assert_eq!(d.list, "Denied Persons List");
    assert_eq!(d.listed_on, Some(date("2003-06-19")));
    assert_eq!(d.ended_on, Some(date("2056-06-29")));
    let a = &dpl.addresses[0];
    assert_eq!(a.region.as_deref(), Some("TX"));
    assert_eq!(a.postal_code.as_deref(), Some("75159"));
    assert_eq!(a.city.as_deref(), Some("SEAGOVILLE"));
    assert!(dpl.remarks.iter().any(|r| r.value == "Standard order: Y"));
}

#[test]
fn vessel_row_fills_craft_info_links_and_facts() {
    let parsed = csv_fixture("basic.csv", &strict()).unwrap();
    let vessel = &parsed.entities[2];
    assert_eq!(vessel.kind, EntityKind::Vessel);
    assert_eq!(vessel.craft.craft_type.as_deref(), Some("Crude Oil Tanker"));
    assert_eq!(vessel.craft.flag.as_deref(), Some("PA"));
    assert_eq!(vessel.craft.tonnage.as_deref(), Some("159681"));
    assert_eq!(vessel.craft.owner.as_deref(), Some("NITC"));
    assert_eq!(vessel.designations[0].programs, vec!["IRAN", "SDGT"]);
    let kinds: Vec<_> = vessel
        .identifiers
        .iter()
        .map(|i| (i.kind.clone(), i.value.as_str()))
        .collect();
    assert_eq!(
        kinds,
        vec![(IdKind::Imo, "IMO 9116412"), (IdKind::CallSign, "9HA2504")]
    );
    assert_eq!(vessel.birth_dates[0].date.to_string(), "1996");
    assert!(
        vessel
            .remarks
            .iter()
            .any(|r| r.value == "Additional Sanctions Information: Subject to Secondary Sanctions")
    );
    let targets: Vec<_> = vessel
        .links
        .iter()
        .filter_map(|l| l.target_name.as_deref())
        .collect();
    assert_eq!(
        targets,
        vec![
            "NATIONAL IRANIAN TANKER COMPANY",
            "ISLAMIC REVOLUTIONARY GUARD CORPS (IRGC)-QODS FORCE"
        ]
    );
}

#[test]
fn unknown_source_circa_and_range_dates_and_crypto_wallets() {
    let parsed = csv_fixture("basic.csv", &strict()).unwrap();
    let doe = &parsed.entities[4];
    let d = &doe.designations[0];
    assert_eq!(d.authority, "US");
    assert_eq!(d.list, "Some Future List (SFL) - Department of Examples");
    let dobs: Vec<_> = doe.birth_dates.iter().map(|d| d.date.to_string()).collect();
    assert_eq!(dobs, vec!["~1970", "1955/1958"]);
    assert_eq!(doe.nationalities[0].code, "RU");
    let wallet = &doe.identifiers[0];
    assert_eq!(wallet.kind, IdKind::CryptoWallet);
    assert_eq!(wallet.label.as_deref(), Some("ETH"));
}

#[test]
fn byte_order_mark_is_ignored() {
    let parsed = csv_fixture("bom.csv", &strict()).unwrap();
    assert_eq!(parsed.entities.len(), 1);
    assert_eq!(parsed.entities[0].source_id, "21944");
    assert_eq!(parsed.entities[0].caption(), "'ABBAS, Rim");
}

#[test]
fn multi_line_cells_keep_physical_line_numbers() {
    let err = csv_fixture("multiline.csv", &strict()).unwrap_err();
    match err {
        // Header on line 1, m1 spans lines 2-3, m2 on line 4, the bad row on line 5.
        ParseError::Row(row) => {
            assert_eq!(row.line, 5);
            assert!(row.reason.contains("_id"), "{}", row.reason);
        }
        other => panic!("unexpected {other}"),
    }
    let parsed = csv_fixture("multiline.csv", &lenient()).unwrap();
    assert_eq!(parsed.entities.len(), 2);
    assert_eq!(
        parsed.entities[0].remarks[0].value,
        "First line of the remark\nsecond line of the remark"
    );
    assert_eq!(parsed.skipped.len(), 1);
}

#[test]
fn bad_rows_are_errors_in_strict_mode_and_skipped_in_lenient_mode() {
    let err = csv_fixture("bad_rows.csv", &strict()).unwrap_err();
    let ParseError::Row(row) = err else {
        panic!("expected a row error")
    };
    assert_eq!(row.line, 3);
    assert!(row.file.ends_with("bad_rows.csv"));
    assert!(row.reason.contains("expected 29 columns, found 6"));

    let parsed = csv_fixture("bad_rows.csv", &lenient()).unwrap();
    let ids: Vec<_> = parsed
        .entities
        .iter()
        .map(|e| e.source_id.as_str())
        .collect();
    // An unreadable date does not reject its row: the text is kept as a remark.
    assert_eq!(ids, vec!["g1", "b4", "g2"]);
    assert!(parsed.entities[1].birth_dates.is_empty());
    assert_eq!(
        parsed.entities[1].remarks[0].value,
        "Date of birth: 31 Feb 1952"
    );
    let skipped: Vec<_> = parsed
        .skipped
        .iter()
        .map(|r| (r.line, r.reason.as_str()))
        .collect();
    assert_eq!(
        skipped,
        vec![
            (3, "expected 29 columns, found 6"),
            (4, "missing _id"),
            (5, "record b3: missing name")
        ]
    );
}

#[test]
fn not_a_csl_file_is_a_format_error() {
    let input = Input::new("x.csv", "a,b,c\n1,2,3\n".as_bytes());
    assert!(matches!(
        parse_csv("us_csl", input, &strict()),
        Err(ParseError::Format { .. })
    ));
    let input = Input::new("empty.csv", "".as_bytes());
    assert!(matches!(
        parse_csv("us_csl", input, &strict()),
        Err(ParseError::Format { .. })
    ));
}

#[test]
fn json_results_are_read_like_csv_rows() {
    let err = json_fixture("sample.json", &strict()).unwrap_err();
    let ParseError::Row(row) = err else {
        panic!("expected a row error")
    };
    assert!(row.reason.contains("results[2]"), "{}", row.reason);
    // JSON rows are located by the line where the result ends.
    assert_eq!(row.line, 59);

    let parsed = json_fixture("sample.json", &lenient()).unwrap();
    assert_eq!(parsed.entities.len(), 2);
    assert_eq!(parsed.skipped.len(), 1);
    let putin = &parsed.entities[0];
    assert_eq!(putin.source_id, "35096");
    assert_eq!(putin.kind, EntityKind::Person);
    assert_eq!(putin.gender, Some(Gender::Male));
    assert_eq!(putin.birth_dates[0].date.to_string(), "1952-10-07");
    assert_eq!(putin.names[1].full, "PUTIN, Vladimir");
    assert_eq!(putin.addresses[0].full(), "Kremlin, Moscow, RU");
    let passport = &putin.identifiers[0];
    assert_eq!(passport.kind, IdKind::Passport);
    assert_eq!(passport.issued, Some(date("2009-08-31")));
    assert_eq!(passport.expires, Some(date("2014-08-30")));
    assert_eq!(putin.designations[0].programs, vec!["RUSSIA-EO14024"]);
    let bis = &parsed.entities[1];
    assert_eq!(bis.kind, EntityKind::Unknown);
    assert_eq!(bis.addresses[0].postal_code.as_deref(), Some("222120"));
    assert_eq!(bis.designations[0].legal_basis, vec!["81 FR 40174"]);
    assert_eq!(bis.designations[0].listed_on, Some(date("2016-06-22")));
}

#[test]
fn malformed_json_is_a_format_error() {
    let err = json_fixture("malformed.json", &strict()).unwrap_err();
    assert!(
        matches!(&err, ParseError::Format { reason, .. } if reason.contains("line 4")),
        "{err}"
    );
    let input = Input::new("x.json", r#"{"data": []}"#.as_bytes());
    assert!(matches!(
        parse_json("us_csl", input, &strict()),
        Err(ParseError::Format { .. })
    ));
}

#[test]
fn real_file_parses_strictly_with_the_published_counts() {
    let Some(dir) = common::shared_lists("real_file_parses_strictly_with_the_published_counts")
    else {
        return;
    };
    let path = dir.join("us_csl/consolidated_2022-05.csv.gz");
    let file = std::fs::File::open(&path).unwrap();
    let reader = std::io::BufReader::new(flate2::read::GzDecoder::new(file));
    let parsed = parse_csv(
        "us_csl",
        Input::new(path.display().to_string(), reader),
        &strict(),
    )
    .unwrap();
    assert_eq!(parsed.entities.len(), 14160);
    assert!(parsed.skipped.is_empty());

    let mut by_list: BTreeMap<String, usize> = BTreeMap::new();
    for e in &parsed.entities {
        let d = &e.designations[0];
        *by_list
            .entry(format!("{}/{}", d.authority, d.list))
            .or_default() += 1;
    }
    let want: BTreeMap<String, usize> = [
        ("US OFAC/SDN", 10026),
        ("US BIS/Entity List", 2001),
        ("US State/ITAR Debarred", 727),
        ("US BIS/Denied Persons List", 462),
        ("US OFAC/SSI", 290),
        ("US BIS/Unverified List", 201),
        ("US State/Nonproliferation Sanctions", 163),
        ("US OFAC/NS-PLC", 78),
        ("US BIS/Military End User", 71),
        ("US OFAC/CMIC", 68),
        ("US OFAC/CAPTA", 53),
        ("US OFAC/NS-MBS", 17),
        ("US OFAC/FSE", 3),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(by_list, want);

    let kinds = |k: EntityKind| parsed.entities.iter().filter(|e| e.kind == k).count();
    assert_eq!(kinds(EntityKind::Aircraft), 283);
    assert_eq!(kinds(EntityKind::Vessel), 433);
    assert_eq!(
        kinds(EntityKind::Unknown),
        462 + 2001 + 727 + 163 + 71 + 201
    );

    let putin = parsed
        .entities
        .iter()
        .find(|e| e.source_id == "35096")
        .unwrap();
    assert_eq!(putin.caption(), "PUTIN, Vladimir Vladimirovich");
    assert_eq!(putin.kind, EntityKind::Person);
    assert_eq!(putin.birth_dates[0].date.to_string(), "1952-10-07");
    assert_eq!(putin.designations[0].list, "SDN");
    assert_eq!(putin.designations[0].programs, vec!["RUSSIA-EO14024"]);
    assert_eq!(putin.gender, Some(Gender::Male));
    assert_eq!(putin.addresses.len(), 4);

    // Every `; `-separated address of the file is kept (17454 in all).
    let addresses: usize = parsed.entities.iter().map(|e| e.addresses.len()).sum();
    assert_eq!(addresses, 17454);
    // Circa and range birth dates of the file (75 and 57) are kept as such.
    let circa = parsed
        .entities
        .iter()
        .flat_map(|e| &e.birth_dates)
        .filter(|d| d.date.to_string().starts_with('~'))
        .count();
    assert_eq!(circa, 75);

    // 71 OFAC ids are on two or three lists (183 rows): merged, one entity per id.
    let total_designations = parsed.entities.len();
    let merged = sanctum_model::merge_duplicates(parsed.entities.clone()).0;
    assert_eq!(merged.len(), 14160 - (183 - 71));
    let designations: usize = merged.iter().map(|e| e.designations.len()).sum();
    // One id is on the CAPTA list twice with the same data: one designation.
    assert_eq!(designations, total_designations - 1);
    let on_sdn_and_capta = merged.iter().find(|e| e.source_id == "34616").unwrap();
    let lists: Vec<_> = on_sdn_and_capta
        .designations
        .iter()
        .map(|d| d.list.as_str())
        .collect();
    assert_eq!(lists.len(), 2);
    assert!(
        lists.contains(&"SDN") && lists.contains(&"CAPTA"),
        "{lists:?}"
    );

    // "0097-06-30" is no date: it stays as a remark, the designation has no listing date.
    let typo = parsed
        .entities
        .iter()
        .find(|e| e.source_id == "d6a68bd30aed352b043524ccacf9fc8551b786c2")
        .unwrap();
    assert_eq!(typo.designations[0].listed_on, None);
    assert!(
        typo.remarks
            .iter()
            .any(|r| r.value == "start_date: 0097-06-30")
    );
}
