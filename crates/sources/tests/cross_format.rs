//! The same parties read from two publishers' formats on the same day agree.

mod common;

use sanctum_model::{DateSpec, Entity, NameKind};
use sanctum_sources::ParseOptions;
use sanctum_sources::detect::{self, Format, Publication};
use std::collections::{BTreeMap, BTreeSet};

fn read(path: std::path::PathBuf, source: &str, format: Format) -> Vec<Entity> {
    let publication = Publication {
        source: source.into(),
        format,
        main: path,
        companions: vec![],
        date: None,
    };
    detect::read(&publication, &ParseOptions::default())
        .expect("strict parse")
        .entities
}

fn birth_dates(e: &Entity) -> BTreeSet<String> {
    e.birth_dates.iter().map(|d| d.date.to_string()).collect()
}

/// Whether `inner` denotes days all within `outer`.
fn within(inner: &DateSpec, outer: &DateSpec) -> bool {
    inner.bounds().0.earliest() >= outer.bounds().0.earliest()
        && inner.bounds().1.latest() <= outer.bounds().1.latest()
}

/// Ids whose sdn.csv Remarks reached OFAC's 1,000-character cap: the rest of their remarks is
/// in an sdn_comments.csv of that day, which the shared folder does not have.
fn truncated_remarks(path: &std::path::Path) -> BTreeSet<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .unwrap();
    reader
        .byte_records()
        .filter_map(Result::ok)
        .filter(|r| r.get(11).is_some_and(|remarks| remarks.len() >= 990))
        .map(|r| String::from_utf8_lossy(&r[0]).into_owned())
        .collect()
}

/// The CSL publishes OFAC's dates with less precision: a month as its first day
/// ("1938-09" → "1938-09-01") and "circa" dropped. Its dates are compatible when each lies
/// within one of OFAC's and each of OFAC's holds one of them.
fn compatible(ofac: &Entity, csl: &Entity) -> bool {
    let (o, c): (Vec<&DateSpec>, Vec<&DateSpec>) = (
        ofac.birth_dates.iter().map(|d| &d.date).collect(),
        csl.birth_dates.iter().map(|d| &d.date).collect(),
    );
    c.iter().all(|c| o.iter().any(|o| within(c, o)))
        && o.iter().all(|o| c.iter().any(|c| within(c, o)))
}

fn as_published(name: &str) -> String {
    let quoted = name.replace('"', "'");
    quoted
        .trim_matches('\'')
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Names as published; nicknames are quoted differently by the two publishers
/// (''FOOPIE'' in sdn.csv remarks, "FOOPIE" in the CSL; 'IZHMASH' vs "IZHMASH") and the
/// CSL collapses doubled spaces, so quote marks and spacing are normalised.
fn names(e: &Entity) -> BTreeSet<String> {
    e.names
        .iter()
        .filter(|n| n.kind != NameKind::OriginalScript)
        .map(|n| as_published(&n.full))
        .collect()
}

#[test]
fn the_sdn_part_of_the_csl_equals_the_sdn_csv_of_the_same_day() {
    let Some(lists) =
        sanctum_testkit::shared_lists("the_sdn_part_of_the_csl_equals_the_sdn_csv_of_the_same_day")
    else {
        return;
    };
    let sdn_path = lists.join("ofac_sdn_csv/sdn_2022-05-06.csv");
    let truncated = truncated_remarks(&sdn_path);
    let sdn = read(sdn_path, "us_ofac_sdn", Format::OfacCsv);
    let csl = read(
        lists.join("us_csl/consolidated_2022-05.csv.gz"),
        "us_csl",
        Format::UsCslCsv,
    );
    let csl_sdn: BTreeMap<&str, &Entity> = csl
        .iter()
        .filter(|e| {
            e.designations
                .iter()
                .any(|d| d.authority == "US OFAC" && d.list == "SDN")
        })
        .map(|e| (e.source_id.as_str(), e))
        .collect();
    assert_eq!(sdn.len(), 10026);
    assert_eq!(csl_sdn.len(), 10026);

    let mut name_mismatch = Vec::new();
    let mut dob_mismatch = Vec::new();
    let mut same_dates = 0;
    for party in &sdn {
        let Some(other) = csl_sdn.get(party.source_id.as_str()) else {
            panic!(
                "SDN {} ({}) is not in the CSL",
                party.source_id,
                party.caption()
            );
        };
        if as_published(party.caption()) != as_published(other.caption()) {
            name_mismatch.push(format!(
                "{}: {:?} vs {:?}",
                party.source_id,
                party.caption(),
                other.caption()
            ));
        }
        if birth_dates(party) == birth_dates(other) {
            same_dates += 1;
        } else if !compatible(party, other) {
            // The CSL leaves a few dates it could not read in its remarks column.
            let in_remarks = other.birth_dates.is_empty()
                && other.remarks.iter().any(|r| r.value.contains("DOB"));
            let overflowed = party.birth_dates.is_empty() && truncated.contains(&party.source_id);
            if !in_remarks && !overflowed {
                dob_mismatch.push(format!(
                    "{}: {:?} vs {:?}",
                    party.source_id,
                    birth_dates(party),
                    birth_dates(other)
                ));
            }
        }
        // sdn.csv alone carries only the weak a.k.a.s of its remarks (strong ones live in
        // alt.csv); the CSL carries all: every name of the one is a name of the other.
        let missing: Vec<String> = names(party).difference(&names(other)).cloned().collect();
        assert!(
            missing.is_empty(),
            "names of {} missing from the CSL: {missing:?}",
            party.source_id
        );
        assert_eq!(party.kind, other.kind, "kind of {}", party.source_id);
    }
    assert!(
        name_mismatch.is_empty(),
        "{} primary names differ: {:?}",
        name_mismatch.len(),
        &name_mismatch[..name_mismatch.len().min(10)]
    );
    assert!(
        dob_mismatch.is_empty(),
        "{} birth dates differ: {:?}",
        dob_mismatch.len(),
        &dob_mismatch[..dob_mismatch.len().min(10)]
    );
    eprintln!(
        "{same_dates} of {} parties have identical birth dates in both",
        sdn.len()
    );
    assert!(
        same_dates * 100 >= sdn.len() * 98,
        "only {same_dates} identical"
    );
}
