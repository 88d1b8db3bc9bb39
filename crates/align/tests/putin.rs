//! `sanctum align --program russia` on the measured files: Vladimir Putin designated by the
//! US, the UK and Canada in February 2022, with dates. The US date comes from the OFAC SDN
//! history (the first snapshot listing him), as `sanctum align` takes it from the store.

mod common;

use sanctum_align::timeline::{self, Jurisdiction};
use sanctum_align::{LinkOptions, Record, align};
use sanctum_sources::{ParseOptions, detect};

#[test]
fn putin_is_designated_by_the_us_the_uk_and_canada_in_february_2022() {
    let Some(dir) =
        sanctum_testkit::shared_lists("putin_is_designated_by_the_us_the_uk_and_canada")
    else {
        return;
    };
    let is_putin = |r: &Record| {
        r.entity
            .names
            .iter()
            .any(|n| n.full.to_uppercase().contains("PUTIN"))
    };
    let mut records: Vec<Record> = common::measured_records(&dir)
        .into_iter()
        .filter(is_putin)
        .collect();

    // The SDN history: the first snapshot listing each Putin record is its US date.
    let (publications, _) = detect::plan(&dir.join("ofac_sdn_csv"), Some("us_ofac_sdn")).unwrap();
    let mut history: Vec<Record> = Vec::new();
    for (n, publication) in publications.iter().enumerate() {
        let parsed = detect::read(publication, &ParseOptions::default()).unwrap();
        let date = parsed.published.or(publication.date);
        for e in parsed.entities {
            let seen = history.iter().any(|r| r.entity.source_id == e.source_id);
            let mut r = Record::current(e);
            if !seen && is_putin(&r) {
                r.first_seen = date;
                r.first_seen_is_bound = n == 0;
                history.push(r);
            }
        }
    }
    records.extend(history);

    let alignment = align(records, &LinkOptions::default());
    let putin = alignment
        .position("uk_ofsi", "14196")
        .expect("UK record of Vladimir Putin");
    let target = alignment.target(putin).unwrap();
    assert!(timeline::has_program(&alignment, target, "russia"));
    let row = timeline::target_row(
        &alignment,
        target,
        &[
            Jurisdiction::US,
            Jurisdiction::UK,
            Jurisdiction::UN,
            Jurisdiction::CA,
        ],
    );
    let date = |j: Jurisdiction| {
        row.jurisdictions
            .iter()
            .find(|r| r.jurisdiction == j)
            .and_then(|r| r.first_listed)
            .map(|l| l.date.to_string())
    };
    assert_eq!(
        date(Jurisdiction::UK).as_deref(),
        Some("2022-02-25"),
        "{row:#?}"
    );
    assert_eq!(
        date(Jurisdiction::CA).as_deref(),
        Some("2022-02-28"),
        "{row:#?}"
    );
    // OFAC designated him on 2022-02-25; the first snapshot listing him is of 2022-02-28.
    assert_eq!(
        date(Jurisdiction::US).as_deref(),
        Some("2022-02-28"),
        "{row:#?}"
    );
    assert_eq!(row.first, vec![Jurisdiction::UK]);
    assert_eq!(row.gaps, vec![Jurisdiction::UN]);
    assert!(row.caption.to_uppercase().contains("PUTIN"));
    // His relatives on the UK list are other targets.
    let igor = alignment
        .records
        .iter()
        .position(|r| r.entity.caption().contains("Igor Alexandrovich PUTIN"));
    if let Some(igor) = igor {
        assert_ne!(alignment.target_of[igor], alignment.target_of[putin]);
    }
}
