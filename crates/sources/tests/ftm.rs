mod common;

use sanctum_model::ftm::{read_entities, read_ftm, write_entity};
use sanctum_model::{EntityKind, Gender, IdKind, NameKind, NamePartKind, PartialDate};
use sanctum_sources::{Input, ParseError, ParseOptions, ftm, us_csl};
use std::io::BufReader;

fn date(s: &str) -> PartialDate {
    s.parse().unwrap()
}

fn open(name: &str) -> Input<'static> {
    Input::open(&common::fixture(&format!("ftm/{name}"))).expect("fixture")
}

#[test]
fn opensanctions_style_file_is_read() {
    let parsed = ftm::parse(
        "opensanctions",
        open("opensanctions_putin.ftm.json"),
        &ParseOptions::default(),
    )
    .unwrap();
    assert_eq!(parsed.published, None);
    assert!(parsed.skipped.is_empty());
    assert_eq!(parsed.entities.len(), 2);

    let putin = &parsed.entities[0];
    // Three datasets: the id cannot be split, so the default source applies.
    assert_eq!(putin.source, "opensanctions");
    assert_eq!(putin.source_id, "Q7747");
    assert_eq!(putin.kind, EntityKind::Person);
    assert_eq!(putin.caption(), "Vladimir Vladimirovich Putin");
    let kinds: Vec<_> = putin.names.iter().map(|n| n.kind).collect();
    assert_eq!(
        kinds,
        vec![
            NameKind::Primary,
            NameKind::Alias,
            NameKind::Alias,
            NameKind::WeakAlias
        ]
    );
    assert_eq!(putin.names[0].part(NamePartKind::Given), Some("Vladimir"));
    assert_eq!(putin.names[0].part(NamePartKind::Family), Some("Putin"));
    assert_eq!(
        putin.names[0].part(NamePartKind::Patronymic),
        Some("Vladimirovich")
    );
    assert_eq!(putin.birth_dates[0].date.to_string(), "1952-10-07");
    assert_eq!(putin.birth_places[0].value, "Leningrad");
    assert_eq!(putin.nationalities[0].code, "RU");
    assert_eq!(putin.citizenships[0].code, "RU");
    assert_eq!(putin.countries[0].code, "RU");
    assert_eq!(putin.gender, Some(Gender::Male));
    assert_eq!(
        putin.positions[0].value,
        "President of the Russian Federation"
    );
    assert_eq!(putin.titles[0].value, "President");
    assert_eq!(putin.remarks[0].value, "Head of state");

    // The OFAC sanction comes before the person in the file, the EU one after.
    assert_eq!(putin.designations.len(), 2);
    let ofac = &putin.designations[0];
    assert_eq!(ofac.authority, "Office of Foreign Assets Control");
    assert_eq!(ofac.programs, vec!["RUSSIA-EO14024"]);
    assert_eq!(ofac.listed_on, Some(date("2022-02-25")));
    assert_eq!(ofac.legal_basis, vec!["Block"]);
    let eu = &putin.designations[1];
    assert_eq!(eu.authority, "European Union");
    assert_eq!(eu.listed_on, Some(date("2022-02-25")));

    // The passport entity and the party's passportNumber are one identifier.
    let passports: Vec<_> = putin
        .identifiers
        .iter()
        .filter(|i| i.kind == IdKind::Passport)
        .collect();
    assert_eq!(passports.len(), 1);
    assert_eq!(passports[0].value, "100000001");
    assert_eq!(passports[0].country.as_deref(), Some("RU"));
    assert_eq!(passports[0].label.as_deref(), Some("Diplomatic passport"));
    assert_eq!(passports[0].issued, Some(date("2010-01-01")));
    assert_eq!(passports[0].expires, Some(date("2020-01-01")));
    let inn = putin
        .identifiers
        .iter()
        .find(|i| i.kind == IdKind::TaxId)
        .unwrap();
    assert_eq!(
        (inn.value.as_str(), inn.label.as_deref()),
        ("780000000000", Some("INN"))
    );

    assert_eq!(putin.addresses.len(), 1);
    assert_eq!(putin.addresses[0].full(), "Kremlin, Moscow, RU");
    assert_eq!(putin.addresses[0].country.as_deref(), Some("RU"));

    let links: Vec<_> = putin
        .links
        .iter()
        .map(|l| (l.relation.as_str(), l.target_id.as_deref()))
        .collect();
    assert_eq!(
        links,
        vec![
            ("beneficial owner", Some("ofac-rostec")),
            ("Occupancy", Some("pos-president"))
        ]
    );

    let rostec = &parsed.entities[1];
    assert_eq!(rostec.kind, EntityKind::Organization);
    assert_eq!(rostec.source_id, "ofac-rostec");
    assert_eq!(rostec.birth_dates[0].date.to_string(), "2007-11");
    assert_eq!(rostec.nationalities[0].code, "RU");
    assert_eq!(rostec.identifiers[0].kind, IdKind::Registration);
    assert_eq!(rostec.identifiers[0].label.as_deref(), Some("OGRN"));
    // Only the asset end of this ownership is a party in the file.
    assert_eq!(rostec.links[0].relation, "Ownership (as asset)");
    assert_eq!(rostec.links[0].target_id.as_deref(), Some("Q999"));
}

#[test]
fn non_parties_are_skipped_and_counted() {
    let file = std::fs::File::open(common::fixture("ftm/opensanctions_putin.ftm.json")).unwrap();
    let read = read_ftm(BufReader::new(file), "opensanctions", false).unwrap();
    assert_eq!(read.entities.len(), 2);
    let skipped: Vec<_> = read.skipped.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(skipped, vec![("Position", 1), ("Sanction", 1)]);
}

#[test]
fn malformed_line_is_reported_with_its_line_number() {
    let err = ftm::parse("a", open("malformed.ftm.json"), &ParseOptions::default()).unwrap_err();
    let ParseError::Row(row) = err else {
        panic!("expected a row error")
    };
    assert_eq!(row.line, 3);
    assert!(row.file.ends_with("malformed.ftm.json"));
    assert!(row.reason.contains("invalid JSON"), "{}", row.reason);

    let parsed = ftm::parse(
        "a",
        open("malformed.ftm.json"),
        &ParseOptions {
            lenient: true,
            ..ParseOptions::default()
        },
    )
    .unwrap();
    let ids: Vec<_> = parsed
        .entities
        .iter()
        .map(|e| (e.source.as_str(), e.source_id.as_str()))
        .collect();
    assert_eq!(ids, vec![("a", "1"), ("a", "2"), ("a", "4")]);
    assert_eq!(parsed.skipped.len(), 1);
    assert_eq!(parsed.skipped[0].line, 3);
}

/// The whole real CSL through FtM and back: what FtM can express survives.
#[test]
fn real_csl_survives_a_round_trip_through_ftm() {
    let Some(dir) = common::shared_lists("real_csl_survives_a_round_trip_through_ftm") else {
        return;
    };
    let path = dir.join("us_csl/consolidated_2022-05.csv.gz");
    let file = std::fs::File::open(&path).unwrap();
    let reader = BufReader::new(flate2::read::GzDecoder::new(file));
    let parsed = us_csl::parse_csv(
        "us_csl",
        Input::new(path.display().to_string(), reader),
        &ParseOptions::default(),
    )
    .unwrap();
    // FtM ids must be unique: parties on several lists are merged first.
    let entities = sanctum_model::merge_duplicates(parsed.entities).0;
    let mut buf = Vec::new();
    for e in &entities {
        write_entity(e, &mut buf).unwrap();
    }
    let back = read_entities(buf.as_slice(), "elsewhere").unwrap();
    assert_eq!(back.len(), entities.len());
    for (a, b) in entities.iter().zip(&back) {
        assert_eq!((&a.source, &a.source_id), (&b.source, &b.source_id));
        assert_eq!(a.kind, b.kind);
        assert_eq!(a.caption(), b.caption());
        assert_eq!(a.designations, b.designations, "{}", a.source_id);
        assert_eq!(a.identifiers, b.identifiers, "{}", a.source_id);
        assert_eq!(a.addresses, b.addresses, "{}", a.source_id);
        assert_eq!(a.links, b.links, "{}", a.source_id);
        assert_eq!(a.remarks, b.remarks, "{}", a.source_id);
        if a.kind == EntityKind::Person {
            assert_eq!(a.nationalities, b.nationalities, "{}", a.source_id);
            assert_eq!(a.gender, b.gender, "{}", a.source_id);
        }
    }
}
