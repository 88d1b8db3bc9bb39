//! A publication that is the previous one cut short (issue #13): its removals are exactly the
//! last parties of the current version, in publication order. Rejected however few they are,
//! unless forced; removals elsewhere in the list are delistings, judged by the percentage.

#[macro_use]
mod common;

use common::{SOURCE, TestStore, new_version, parties};
use sanctum_store::{IngestOutcome, IngestPolicy, Store, StoreError};

fn policy() -> IngestPolicy {
    IngestPolicy::default()
}

fn removing_only_the_last_parties_is_rejected_however_few(at: &TestStore) {
    let mut store = at.open();
    let first = parties(SOURCE, 200, 0);
    store
        .ingest(
            new_version(SOURCE, "a", Some("2022-05-06")),
            first.clone(),
            &policy(),
        )
        .unwrap();
    // The next day's file cut short: the first 197 parties, three new ones lost with the tail.
    for cut in [199, 197, 150] {
        let err = store
            .ingest(
                new_version(SOURCE, &format!("cut{cut}"), Some("2022-05-07")),
                first[..cut].to_vec(),
                &IngestPolicy {
                    max_removed_fraction: 0.5,
                    force: false,
                },
            )
            .unwrap_err();
        match err {
            StoreError::Rejected { reason, .. } => {
                assert!(reason.contains("cut short"), "{reason}");
                assert!(reason.contains(&format!("last {}", 200 - cut)), "{reason}");
            }
            other => panic!("expected a rejection, got {other}"),
        }
    }
    assert_eq!(store.current_entities(None).unwrap().len(), 200);
    // Also when the cut file has amended records and additions before the cut.
    let mut amended = parties(SOURCE, 195, 1);
    amended.insert(10, common::party(SOURCE, 5000, 0));
    let err = store
        .ingest(
            new_version(SOURCE, "b", Some("2022-05-07")),
            amended,
            &policy(),
        )
        .unwrap_err();
    assert!(err.to_string().contains("cut short"), "{err}");
}

fn removals_elsewhere_are_delistings_and_force_accepts_a_tail_removal(at: &TestStore) {
    let mut store = at.open();
    let first = parties(SOURCE, 200, 0);
    store
        .ingest(
            new_version(SOURCE, "a", Some("2022-05-06")),
            first.clone(),
            &policy(),
        )
        .unwrap();
    // The last party stays, two in the middle go: delistings.
    let mut second = first.clone();
    second.remove(120);
    second.remove(40);
    let outcome = store
        .ingest(
            new_version(SOURCE, "b", Some("2022-05-07")),
            second.clone(),
            &policy(),
        )
        .unwrap();
    assert!(matches!(outcome, IngestOutcome::Created { .. }));
    // The last one goes, with --force: accepted.
    let outcome = store
        .ingest(
            new_version(SOURCE, "c", Some("2022-05-08")),
            second[..second.len() - 1].to_vec(),
            &IngestPolicy {
                force: true,
                ..policy()
            },
        )
        .unwrap();
    assert_eq!(outcome.version().removed, 1);
    // The order compared is the current version's own: its last party is now ID-000198.
    let third = store.current_entities(None).unwrap();
    assert_eq!(third.len(), 197);
    let mut fourth = second[..second.len() - 2].to_vec();
    fourth.insert(100, common::party(SOURCE, 6000, 0));
    let err = store
        .ingest(
            new_version(SOURCE, "d", Some("2022-05-09")),
            fourth,
            &policy(),
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("last 1 parties of version 3"),
        "{err}"
    );
    // A file that goes on past the removed tail with a new party was published whole.
    let mut fifth = second[..second.len() - 2].to_vec();
    fifth.push(common::party(SOURCE, 6001, 0));
    let outcome = store
        .ingest(
            new_version(SOURCE, "e", Some("2022-05-09")),
            fifth,
            &policy(),
        )
        .unwrap();
    assert_eq!((outcome.version().added, outcome.version().removed), (1, 1));
}

#[test]
fn a_store_without_party_order_migrates_and_checks_from_its_next_version_on() {
    let dir = tempfile::tempdir().unwrap();
    let first = parties(SOURCE, 100, 0);
    {
        let mut store = Store::open(dir.path()).unwrap();
        store
            .ingest(new_version(SOURCE, "a", None), first.clone(), &policy())
            .unwrap();
    }
    // Make it a schema-2 store, from before the party order was kept.
    let conn = rusqlite::Connection::open(dir.path().join("sanctum.db")).unwrap();
    conn.execute_batch("DROP TABLE version_order; PRAGMA user_version = 2;")
        .unwrap();
    drop(conn);
    let mut store = Store::open(dir.path()).unwrap();
    // Version 1 has no order kept: its tail cannot be told, the removal is judged by size.
    store
        .ingest(
            new_version(SOURCE, "b", None),
            first[..99].to_vec(),
            &policy(),
        )
        .unwrap();
    // Version 2 has one.
    let err = store
        .ingest(
            new_version(SOURCE, "c", None),
            first[..98].to_vec(),
            &policy(),
        )
        .unwrap_err();
    assert!(err.to_string().contains("cut short"), "{err}");
    assert!(store.check().unwrap().is_ok());
}

on_both_backends!(
    removing_only_the_last_parties_is_rejected_however_few,
    removals_elsewhere_are_delistings_and_force_accepts_a_tail_removal,
);
