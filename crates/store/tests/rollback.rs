//! Going back to an earlier list: a publisher's A→B→A, the current file stored again with
//! force, and `Store::rollback`, which appends a version and deletes nothing.

#[macro_use]
mod common;

use common::{SOURCE, TestStore, new_version, parties, party};
use sanctum_model::{Entity, PartialDate};
use sanctum_store::{IngestOutcome, IngestPolicy, Store, StoreError, VersionInfo};

const ROLLED_BACK_AT: &str = "2025-03-01T10:00:00Z";

fn created(outcome: IngestOutcome) -> VersionInfo {
    match outcome {
        IngestOutcome::Created { version, .. } => version,
        IngestOutcome::Unchanged { version } => {
            panic!("expected a new version, got unchanged {}", version.seq)
        }
    }
}

/// Version A: 30 parties. Version B: party 3 amended, party 29 removed, parties 30 and 31
/// added.
fn publication_a() -> Vec<Entity> {
    parties(SOURCE, 30, 0)
}

fn publication_b() -> Vec<Entity> {
    let mut b: Vec<Entity> = parties(SOURCE, 32, 0)
        .into_iter()
        .filter(|e| e.source_id != "ID-000029")
        .collect();
    b[3] = party(SOURCE, 3, 1);
    b
}

/// A store holding A (2025-01-10) then B (2025-02-10).
fn store_a_then_b(at: &TestStore) -> Store {
    let mut store = at.open();
    let policy = IngestPolicy::default();
    for (tag, date, list) in [
        ("a", "2025-01-10", publication_a()),
        ("b", "2025-02-10", publication_b()),
    ] {
        created(
            store
                .ingest(new_version(SOURCE, tag, Some(date)), list, &policy)
                .unwrap(),
        );
    }
    store
}

fn counts(version: &VersionInfo) -> (u64, u64, u64, u64) {
    (
        version.party_count,
        version.added,
        version.removed,
        version.amended,
    )
}

fn a_publishers_revert_to_an_earlier_file_is_a_new_version_with_its_parties(at: &TestStore) {
    let mut store = store_a_then_b(at);
    // The publisher serves A's file again (undated here; a dated stale copy needs force).
    let again = created(
        store
            .ingest(
                new_version(SOURCE, "a", None),
                publication_a(),
                &IngestPolicy::default(),
            )
            .unwrap(),
    );
    assert_eq!(again.seq, 3);
    assert_eq!(counts(&again), (30, 1, 2, 1));
    assert_eq!(store.entities(SOURCE, 3).unwrap(), publication_a());
    assert_eq!(store.current_version(SOURCE).unwrap(), Some(again));
}

fn force_stores_the_current_file_again_as_a_new_version(at: &TestStore) {
    let mut store = store_a_then_b(at);
    let force = IngestPolicy {
        force: true,
        ..IngestPolicy::default()
    };
    // The same file read again, e.g. by a parser that now reads one record differently.
    let mut reread = publication_b();
    reread[0] = party(SOURCE, 0, 7);
    let again = created(
        store
            .ingest(new_version(SOURCE, "b", Some("2025-02-10")), reread, &force)
            .unwrap(),
    );
    assert_eq!((again.seq, again.amended), (3, 1));
    // Without force the current file is recognised and nothing is written.
    let unchanged = store
        .ingest(
            new_version(SOURCE, "b", Some("2025-02-10")),
            publication_b(),
            &IngestPolicy::default(),
        )
        .unwrap();
    assert_eq!(unchanged, IngestOutcome::Unchanged { version: again });
}

fn rollback_makes_an_earlier_versions_parties_current_as_a_new_version(at: &TestStore) {
    let mut store = store_a_then_b(at);
    let before = store.check().unwrap();
    let a = store.version(SOURCE, 1).unwrap().unwrap();

    let rolled = created(store.rollback(SOURCE, 1, ROLLED_BACK_AT).unwrap());
    assert_eq!(rolled.seq, 3);
    assert_eq!(rolled.restores, Some(1));
    assert_eq!(counts(&rolled), (30, 1, 2, 1), "the diff against B");
    assert_eq!(
        (
            &rolled.published,
            &rolled.sha256,
            &rolled.file_name,
            &rolled.counts_by_kind
        ),
        (&a.published, &a.sha256, &a.file_name, &a.counts_by_kind)
    );
    assert_eq!(rolled.fetched_at, ROLLED_BACK_AT);
    assert_eq!(
        store.current_version(SOURCE).unwrap().as_ref(),
        Some(&rolled)
    );
    assert_eq!(store.entities(SOURCE, 3).unwrap(), publication_a());
    assert_eq!(
        store.current_entities(Some(&[SOURCE.to_string()])).unwrap(),
        publication_a()
    );

    // Append-only: the earlier versions read as before, and no party record was written.
    assert_eq!(store.entities(SOURCE, 1).unwrap(), publication_a());
    assert_eq!(store.entities(SOURCE, 2).unwrap(), publication_b());
    let after = store.check().unwrap();
    assert!(after.is_ok(), "{after:?}");
    // Two spans opened: the party B removed, and the record B amended.
    assert_eq!(
        (after.versions, after.parties, after.spans),
        (3, before.parties, before.spans + 2)
    );

    let diff = store.diff(SOURCE, 2, 3).unwrap();
    let ids =
        |list: &[Entity]| -> Vec<String> { list.iter().map(|e| e.source_id.clone()).collect() };
    assert_eq!(ids(&diff.added), ["ID-000029"]);
    assert_eq!(ids(&diff.removed), ["ID-000030", "ID-000031"]);
    assert_eq!(diff.amended.len(), 1);
    assert_eq!(diff.amended[0].after, party(SOURCE, 3, 0));
    assert!(store.diff(SOURCE, 1, 3).unwrap().is_empty());

    // The history goes on from the rollback: B published again is version 4.
    let b_again = created(
        store
            .ingest(
                new_version(SOURCE, "b2", Some("2025-03-10")),
                publication_b(),
                &IngestPolicy::default(),
            )
            .unwrap(),
    );
    assert_eq!((b_again.seq, counts(&b_again)), (4, (31, 2, 1, 1)));
    assert_eq!(store.entities(SOURCE, 4).unwrap(), publication_b());
    assert!(store.check().unwrap().is_ok());
}

fn the_lists_as_of_a_day_after_a_rollback_are_the_rolled_back_ones(at: &TestStore) {
    let mut store = store_a_then_b(at);
    created(store.rollback(SOURCE, 1, ROLLED_BACK_AT).unwrap());
    let as_of = |day: &str| {
        store
            .version_as_of(SOURCE, day.parse::<PartialDate>().unwrap())
            .unwrap()
            .map(|v| v.seq)
    };
    assert_eq!(as_of("2025-01-20"), Some(1));
    assert_eq!(as_of("2025-02-20"), Some(2), "B stood until the rollback");
    assert_eq!(as_of("2025-03-01"), Some(3));
    assert_eq!(as_of("2026"), Some(3));
}

fn rollback_to_an_unknown_source_or_version_is_refused_and_writes_nothing(at: &TestStore) {
    let mut store = store_a_then_b(at);
    let before = store.check().unwrap();
    for (source, seq) in [("other_list", 1), (SOURCE, 0), (SOURCE, 3), (SOURCE, 99)] {
        match store.rollback(source, seq, ROLLED_BACK_AT) {
            Err(StoreError::NoSuchVersion { source_key, seq: s }) => {
                assert_eq!((source_key.as_str(), s), (source, seq));
            }
            other => panic!("{source} {seq}: expected NoSuchVersion, got {other:?}"),
        }
    }
    assert_eq!(store.check().unwrap(), before);
    assert_eq!(store.current_version(SOURCE).unwrap().unwrap().seq, 2);
}

fn rollback_to_the_parties_already_current_writes_nothing(at: &TestStore) {
    let mut store = store_a_then_b(at);
    let current = store.current_version(SOURCE).unwrap().unwrap();
    assert_eq!(
        store.rollback(SOURCE, 2, ROLLED_BACK_AT).unwrap(),
        IngestOutcome::Unchanged {
            version: current.clone()
        }
    );
    let rolled = created(store.rollback(SOURCE, 1, ROLLED_BACK_AT).unwrap());
    let before = store.check().unwrap();
    assert_eq!(
        store.rollback(SOURCE, 1, ROLLED_BACK_AT).unwrap(),
        IngestOutcome::Unchanged { version: rolled }
    );
    assert_eq!(store.check().unwrap(), before);
}

/// A rollback is committed like an ingest and survives reopening.
fn a_rollback_persists_in_the_store(at: &TestStore) {
    {
        let mut store = at.open();
        let policy = IngestPolicy::default();
        store
            .ingest(new_version(SOURCE, "a", None), publication_a(), &policy)
            .unwrap();
        store
            .ingest(new_version(SOURCE, "b", None), publication_b(), &policy)
            .unwrap();
        created(store.rollback(SOURCE, 1, ROLLED_BACK_AT).unwrap());
    }
    let store = at.open();
    let current = store.current_version(SOURCE).unwrap().unwrap();
    assert_eq!((current.seq, current.restores), (3, Some(1)));
    assert_eq!(store.entities(SOURCE, 3).unwrap(), publication_a());
    assert!(store.check().unwrap().is_ok());
}

on_both_backends!(
    a_publishers_revert_to_an_earlier_file_is_a_new_version_with_its_parties,
    force_stores_the_current_file_again_as_a_new_version,
    rollback_makes_an_earlier_versions_parties_current_as_a_new_version,
    the_lists_as_of_a_day_after_a_rollback_are_the_rolled_back_ones,
    rollback_to_an_unknown_source_or_version_is_refused_and_writes_nothing,
    rollback_to_the_parties_already_current_writes_nothing,
    a_rollback_persists_in_the_store,
);
