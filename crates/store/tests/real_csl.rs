//! The real 2022 CSL copy (14,160 rows) through parser and store.

mod common;

use sanctum_sources::{Input, ParseOptions, us_csl};
use sanctum_store::{IngestOutcome, IngestPolicy, NewVersion, Store};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::time::Instant;

#[test]
fn the_real_csl_is_stored_and_its_reingest_is_a_no_op() {
    let Some(lists) =
        sanctum_testkit::shared_lists("the_real_csl_is_stored_and_its_reingest_is_a_no_op")
    else {
        return;
    };
    let path = lists.join("us_csl/consolidated_2022-05.csv.gz");
    let mut csv = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(&path).unwrap())
        .read_to_end(&mut csv)
        .unwrap();
    let sha256 = hex::encode(Sha256::digest(&csv));
    let new_version = || NewVersion {
        source: "us_csl".to_string(),
        published: None,
        fetched_at: "2022-05-05T12:00:00Z".to_string(),
        sha256: sha256.clone(),
        file_name: "consolidated.csv".to_string(),
    };
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();

    let started = Instant::now();
    let parsed = us_csl::parse_csv(
        "us_csl",
        Input::new("consolidated.csv", csv.as_slice()),
        &ParseOptions::default(),
    )
    .unwrap();
    let parse_time = started.elapsed();
    assert_eq!(parsed.entities.len(), 14_160);
    let outcome = store
        .ingest(new_version(), parsed.entities, &IngestPolicy::default())
        .unwrap();
    let total_time = started.elapsed();
    let IngestOutcome::Created {
        version,
        merged_duplicates,
    } = outcome
    else {
        panic!("expected a new version");
    };
    // 71 OFAC uids are listed on two or three sub-lists (SDN and SSI, …): 112 repeat rows.
    assert_eq!(merged_duplicates, 112);
    assert_eq!(version.party_count, 14_048);
    let (ssi_too, _) = store.entity("us_csl", "18741").unwrap().unwrap();
    let lists: Vec<&str> = ssi_too
        .designations
        .iter()
        .map(|d| d.list.as_str())
        .collect();
    assert_eq!(lists.len(), 2, "{lists:?}");

    let started = Instant::now();
    assert!(store.is_current_sha("us_csl", &sha256).unwrap());
    let again = store
        .ingest(new_version(), Vec::new(), &IngestPolicy::default())
        .unwrap();
    let reingest_time = started.elapsed();
    assert_eq!(again, IngestOutcome::Unchanged { version });
    println!(
        "real CSL: parse {parse_time:?}, parse + store {total_time:?}, \
         unchanged re-ingest {reingest_time:?}"
    );
    assert!(store.check().unwrap().is_ok());
}
