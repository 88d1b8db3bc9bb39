//! The same parties read from two publishers' formats on the same day agree.

mod common;

use sanctum_model::{Entity, NameKind};
use sanctum_sources::detect::{self, Format, Publication};
use sanctum_sources::ParseOptions;
use std::collections::{BTreeMap, BTreeSet};

fn read(path: std::path::PathBuf, source: &str, format: Format) -> Vec<Entity> {
    let publication = Publication { source: source.into(), format, main: path, companions: vec![], date: None };
    detect::read(&publication, &ParseOptions::default()).expect("strict parse").entities
}

fn birth_dates(e: &Entity) -> BTreeSet<String> {
    e.birth_dates.iter().map(|d| d.date.to_string()).collect()
}

fn names(e: &Entity) -> BTreeSet<String> {
    e.names.iter().filter(|n| n.kind != NameKind::OriginalScript).map(|n| n.full.clone()).collect()
}

#[test]
fn the_sdn_part_of_the_csl_equals_the_sdn_csv_of_the_same_day() {
    let Some(lists) = common::shared_lists("the_sdn_part_of_the_csl_equals_the_sdn_csv_of_the_same_day") else {
        return;
    };
    let sdn = read(lists.join("ofac_sdn_csv/sdn_2022-05-06.csv"), "us_ofac_sdn", Format::OfacCsv);
    let csl = read(lists.join("us_csl/consolidated_2022-05.csv.gz"), "us_csl", Format::UsCslCsv);
    let csl_sdn: BTreeMap<&str, &Entity> = csl
        .iter()
        .filter(|e| e.designations.iter().any(|d| d.authority == "US OFAC" && d.list == "SDN"))
        .map(|e| (e.source_id.as_str(), e))
        .collect();
    assert_eq!(sdn.len(), 10026);
    assert_eq!(csl_sdn.len(), 10026);

    let mut name_mismatch = Vec::new();
    let mut dob_mismatch = Vec::new();
    for party in &sdn {
        let Some(other) = csl_sdn.get(party.source_id.as_str()) else {
            panic!("SDN {} ({}) is not in the CSL", party.source_id, party.caption());
        };
        if party.caption() != other.caption() {
            name_mismatch.push(format!("{}: {:?} vs {:?}", party.source_id, party.caption(), other.caption()));
        }
        if birth_dates(party) != birth_dates(other) {
            dob_mismatch.push(format!("{}: {:?} vs {:?}", party.source_id, birth_dates(party), birth_dates(other)));
        }
        // Every a.k.a. of the remarks is among the CSL's alternative names, and vice versa.
        assert_eq!(names(party), names(other), "names of {}", party.source_id);
        assert_eq!(party.kind, other.kind, "kind of {}", party.source_id);
    }
    assert!(name_mismatch.is_empty(), "{} primary names differ: {:?}", name_mismatch.len(), &name_mismatch[..name_mismatch.len().min(10)]);
    assert!(dob_mismatch.is_empty(), "{} birth dates differ: {:?}", dob_mismatch.len(), &dob_mismatch[..dob_mismatch.len().min(10)]);
}
