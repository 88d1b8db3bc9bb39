//! The alignment kept in the store, on real lists: the SDN before and after 2022-02-25,
//! the UK list of 2023-06-05 and Canada's of 2025-05. Linked once, stored with the list
//! versions it follows, read back whole; a new version makes it stale until linked again.

mod common;

use sanctum_align::stored;
use sanctum_align::timeline::Jurisdiction;
use sanctum_store::{IngestPolicy, NewVersion, Store};
use std::path::Path;

fn ingest(store: &mut Store, dir: &Path, source: &str, file: &str, published: &str) {
    let entities = common::parse(dir, source, file);
    let version = NewVersion {
        source: source.to_string(),
        published: Some(published.parse().expect("a date")),
        fetched_at: format!("{published}T12:00:00Z"),
        sha256: format!(
            "{:0>64}",
            file.len() + published.len() * 31 + entities.len()
        ),
        file_name: file.to_string(),
    };
    store
        .ingest(version, entities, &IngestPolicy::default())
        .expect("ingested");
}

fn date(target: &stored::TargetSummary, j: Jurisdiction) -> Option<String> {
    target
        .row
        .jurisdictions
        .iter()
        .find(|r| r.jurisdiction == j)
        .and_then(|r| r.first_listed)
        .map(|l| l.date.to_string())
}

#[test]
fn the_alignment_is_kept_with_the_list_versions_it_follows() {
    let Some(dir) = sanctum_testkit::shared_lists("the_alignment_is_kept_with_the_list_versions")
    else {
        return;
    };
    let mut store = Store::open_in_memory().expect("store");
    ingest(
        &mut store,
        &dir,
        "us_ofac_sdn",
        "ofac_sdn_csv/sdn_2022-02-17.csv",
        "2022-02-17",
    );
    ingest(
        &mut store,
        &dir,
        "us_ofac_sdn",
        "ofac_sdn_csv/sdn_2022-02-28.csv",
        "2022-02-28",
    );
    ingest(
        &mut store,
        &dir,
        "uk_ofsi",
        "uk_ofsi/ConList_2023-06-05.xlsx",
        "2023-06-05",
    );
    ingest(
        &mut store,
        &dir,
        "ca_sema",
        "canada_sema/sema-lmes_2025-05.xml",
        "2025-05-01",
    );

    assert!(!stored::is_current(&store).unwrap(), "nothing kept yet");
    assert!(
        stored::target_of(&store, "uk_ofsi:14196")
            .unwrap()
            .is_none()
    );
    let linked = stored::current(&mut store).expect("linked and stored");
    assert_eq!(
        linked.basis, "ca_sema:1,uk_ofsi:1,us_ofac_sdn:2",
        "the versions it follows"
    );
    assert!(stored::is_current(&store).unwrap());
    assert_eq!(
        linked.compared,
        vec![Jurisdiction::US, Jurisdiction::UK, Jurisdiction::CA]
    );

    // Read back whole, as stored.
    let read = stored::read(&store).unwrap().expect("kept");
    assert_eq!(read.targets, linked.targets);
    assert_eq!(read.compared, linked.compared);

    // Putin: the UK on 02-25, Canada and the US (its first SDN version listing him) on
    // 02-28, each record with its card id and the evidence of its link.
    let putin = stored::target_of(&store, "uk_ofsi:14196")
        .unwrap()
        .expect("his target");
    assert_eq!(
        date(&putin, Jurisdiction::UK).as_deref(),
        Some("2022-02-25")
    );
    assert_eq!(
        date(&putin, Jurisdiction::CA).as_deref(),
        Some("2022-02-28")
    );
    assert_eq!(
        date(&putin, Jurisdiction::US).as_deref(),
        Some("2022-02-28")
    );
    assert_eq!(putin.row.first, vec![Jurisdiction::UK]);
    assert!(putin.has_program("russia"));
    let us = putin
        .records
        .iter()
        .find(|r| r.id == "us_ofac_sdn:35096")
        .expect("the SDN record");
    assert_eq!(us.ftm_id, "us-ofac-sdn-35096");
    assert!(!us.evidence.is_empty(), "{us:?}");
    assert_eq!(
        stored::target_of(&store, "us_ofac_sdn:35096")
            .unwrap()
            .as_ref(),
        Some(&putin),
        "every record finds the same target"
    );
    // Ordered by first listing date: no target before one listed earlier.
    let firsts: Vec<_> = read.targets.iter().map(|t| t.first_listed()).collect();
    assert!(firsts.windows(2).all(|w| w[0] <= w[1]));

    // A new SDN version: the kept alignment no longer follows the lists.
    ingest(
        &mut store,
        &dir,
        "us_ofac_sdn",
        "ofac_sdn_csv/sdn_2022-03-04.csv",
        "2022-03-04",
    );
    assert!(!stored::is_current(&store).unwrap());
    assert!(
        stored::target_of(&store, "uk_ofsi:14196")
            .unwrap()
            .is_none()
    );
    let again = stored::current(&mut store).unwrap();
    assert_eq!(again.basis, "ca_sema:1,uk_ofsi:1,us_ofac_sdn:3");
    assert!(
        stored::target_of(&store, "uk_ofsi:14196")
            .unwrap()
            .is_some()
    );
}
