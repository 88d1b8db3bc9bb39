//! Versions, diffs, rejections, sharing and as-of queries over synthetic parties.

#[macro_use]
mod common;

use common::{SOURCE, TestStore, new_version, parties, party};
use sanctum_model::{Address, Designation, Entity, EntityKind, Name, NameKind, PartialDate};
use sanctum_store::{
    IngestOutcome, IngestPolicy, SCHEMA_VERSION, Store, StoreError, StoreHealth, VersionInfo,
};
use std::time::Instant;

fn created(outcome: IngestOutcome) -> VersionInfo {
    match outcome {
        IngestOutcome::Created { version, .. } => version,
        IngestOutcome::Unchanged { version } => {
            panic!("expected a new version, got unchanged {}", version.seq)
        }
    }
}

fn ids(entities: &[Entity]) -> Vec<&str> {
    entities.iter().map(|e| e.source_id.as_str()).collect()
}

fn health(store: &Store) -> StoreHealth {
    let health = store.check().unwrap();
    assert!(health.is_ok(), "{health:?}");
    health
}

/// Version 2 of a 100-party list: 3 removed, 5 added, 4 amended (one in two fields).
fn second_publication() -> Vec<Entity> {
    let mut next: Vec<Entity> = parties(SOURCE, 105, 0)
        .into_iter()
        .filter(|e| !["ID-000010", "ID-000020", "ID-000030"].contains(&e.source_id.as_str()))
        .collect();
    for entity in &mut next {
        match entity.source_id.as_str() {
            "ID-000001" => entity
                .names
                .push(Name::new("NEW ALIAS ONE", NameKind::Alias)),
            "ID-000002" => entity.addresses.push(Address {
                city: Some("Dubai".to_string()),
                country: Some("AE".to_string()),
                ..Address::default()
            }),
            "ID-000003" => entity.kind = EntityKind::Organization,
            "ID-000004" => {
                entity.names[0].full = "RENAMED PARTY".to_string();
                entity.designations[0]
                    .programs
                    .push("RUSSIA-EO14024".to_string());
            }
            _ => {}
        }
    }
    next
}

fn versions_and_diffs_name_added_removed_and_amended_parties(at: &TestStore) {
    let mut store = at.open();
    let policy = IngestPolicy::default();
    let first = created(
        store
            .ingest(
                new_version(SOURCE, "a", Some("2025-01-10")),
                parties(SOURCE, 100, 0),
                &policy,
            )
            .unwrap(),
    );
    assert_eq!((first.seq, first.party_count, first.added), (1, 100, 100));
    assert_eq!((first.removed, first.amended), (0, 0));
    assert_eq!(first.counts_by_kind.get("person"), Some(&50));
    assert_eq!(first.counts_by_kind.get("organization"), Some(&25));
    assert_eq!(first.counts_by_kind.get("vessel"), Some(&25));

    let second = created(
        store
            .ingest(
                new_version(SOURCE, "b", Some("2025-01-12")),
                second_publication(),
                &policy,
            )
            .unwrap(),
    );
    assert_eq!(second.seq, 2);
    assert_eq!(second.party_count, 102);
    assert_eq!((second.added, second.removed, second.amended), (5, 3, 4));
    assert_eq!(second.published, "2025-01-12".parse().ok());

    let diff = store.diff(SOURCE, 1, 2).unwrap();
    assert_eq!((diff.from.seq, diff.to.seq), (1, 2));
    assert_eq!(
        ids(&diff.added),
        [
            "ID-000100",
            "ID-000101",
            "ID-000102",
            "ID-000103",
            "ID-000104"
        ]
    );
    assert_eq!(ids(&diff.removed), ["ID-000010", "ID-000020", "ID-000030"]);
    let amended: Vec<(&str, Vec<&str>)> = diff
        .amended
        .iter()
        .map(|a| (a.after.source_id.as_str(), a.fields.clone()))
        .collect();
    assert_eq!(
        amended,
        [
            ("ID-000001", vec!["names"]),
            ("ID-000002", vec!["addresses"]),
            ("ID-000003", vec!["kind"]),
            ("ID-000004", vec!["names", "designations"]),
        ]
    );
    assert_eq!(diff.amended[0].before, party(SOURCE, 1, 0));
    assert_eq!(diff.amended[0].after.names.len(), 3);

    // Reversed, the same changes read the other way round.
    let back = store.diff(SOURCE, 2, 1).unwrap();
    assert_eq!(ids(&back.removed), ids(&diff.added));
    assert_eq!(ids(&back.added), ids(&diff.removed));
    assert_eq!(back.amended[3].fields, ["names", "designations"]);
    assert!(store.diff(SOURCE, 2, 2).unwrap().is_empty());
    assert_eq!(store.changes_since(SOURCE, 1).unwrap(), diff);

    // Each version reads back as published.
    assert_eq!(store.entities(SOURCE, 1).unwrap(), parties(SOURCE, 100, 0));
    let mut expected = second_publication();
    expected.sort_by(|a, b| a.source_id.cmp(&b.source_id));
    assert_eq!(store.entities(SOURCE, 2).unwrap(), expected);
    let mut streamed = 0;
    store.for_each_entity(SOURCE, 2, |_| streamed += 1).unwrap();
    assert_eq!(streamed, 102);
    assert_eq!(store.current_entities(None).unwrap(), expected);

    // One party's history.
    let history = store.appearances(SOURCE, "ID-000004").unwrap();
    assert_eq!(history.len(), 2);
    assert_ne!(history[0].1, history[1].1, "amended record has a new hash");
    let unchanged = store.appearances(SOURCE, "ID-000050").unwrap();
    assert_eq!(unchanged[0].1, unchanged[1].1);
    let gone = store.appearances(SOURCE, "ID-000010").unwrap();
    assert_eq!(gone.iter().map(|(v, _)| v.seq).collect::<Vec<_>>(), [1]);

    // A delisted party is found as last listed, with that version.
    let (entity, version) = store.entity(SOURCE, "ID-000010").unwrap().unwrap();
    assert_eq!((entity, version.seq), (party(SOURCE, 10, 0), 1));
    let (entity, version) = store.entity(SOURCE, "ID-000004").unwrap().unwrap();
    assert_eq!((entity.caption(), version.seq), ("RENAMED PARTY", 2));
    assert!(store.entity(SOURCE, "ID-999999").unwrap().is_none());

    // Metadata queries.
    assert_eq!(
        store.versions(SOURCE).unwrap(),
        [first.clone(), second.clone()]
    );
    assert_eq!(store.version(SOURCE, 1).unwrap(), Some(first));
    assert_eq!(store.current_version(SOURCE).unwrap(), Some(second.clone()));
    assert_eq!(store.version(SOURCE, 3).unwrap(), None);
    assert!(matches!(
        store.entities(SOURCE, 3),
        Err(StoreError::NoSuchVersion { seq: 3, .. })
    ));
    assert!(matches!(
        store.diff("other_list", 1, 2),
        Err(StoreError::NoSuchVersion { .. })
    ));
    let summary = store.sources().unwrap();
    assert_eq!(summary.len(), 1);
    assert_eq!(
        (summary[0].version_count, &summary[0].current),
        (2, &second)
    );
    health(&store);
}

fn sources_are_versioned_separately_and_searchable_by_publisher_id(at: &TestStore) {
    let mut store = at.open();
    let policy = IngestPolicy::default();
    store
        .ingest(
            new_version("list_a", "a", None),
            parties("list_a", 10, 0),
            &policy,
        )
        .unwrap();
    store
        .ingest(
            new_version("list_b", "a", None),
            parties("list_b", 5, 0),
            &policy,
        )
        .unwrap();
    let found = store.find_by_source_id("ID-000003").unwrap();
    assert_eq!(
        found
            .iter()
            .map(|(s, e)| (s.as_str(), e.id()))
            .collect::<Vec<_>>(),
        [
            ("list_a", "list_a:ID-000003".to_string()),
            ("list_b", "list_b:ID-000003".to_string())
        ]
    );
    assert_eq!(store.find_by_source_id("ID-000007").unwrap().len(), 1);
    let only_b = store
        .current_entities(Some(&["list_b".to_string()]))
        .unwrap();
    assert_eq!(only_b, parties("list_b", 5, 0));
    assert_eq!(store.current_entities(None).unwrap().len(), 15);
    let sources: Vec<(String, u32)> = store
        .sources()
        .unwrap()
        .into_iter()
        .map(|s| (s.source, s.current.seq))
        .collect();
    assert_eq!(
        sources,
        [("list_a".to_string(), 1), ("list_b".to_string(), 1)]
    );
}

fn unchanged_file_or_content_writes_nothing(at: &TestStore) {
    let mut store = at.open();
    let policy = IngestPolicy::default();
    let first = created(
        store
            .ingest(
                new_version(SOURCE, "a", None),
                parties(SOURCE, 50, 0),
                &policy,
            )
            .unwrap(),
    );
    let before = health(&store);
    assert!(store.is_current_sha(SOURCE, &first.sha256).unwrap());
    assert!(!store.is_current_sha(SOURCE, "beef").unwrap());
    assert!(!store.is_current_sha("other_list", &first.sha256).unwrap());

    let again = store
        .ingest(
            new_version(SOURCE, "a", None),
            parties(SOURCE, 50, 0),
            &policy,
        )
        .unwrap();
    assert_eq!(again, IngestOutcome::Unchanged { version: first });
    assert_eq!(health(&store), before);

    // A new file with the same parties is a new version that writes no party or span row.
    let second = created(
        store
            .ingest(
                new_version(SOURCE, "b", None),
                parties(SOURCE, 50, 0),
                &policy,
            )
            .unwrap(),
    );
    assert_eq!((second.seq, second.party_count), (2, 50));
    assert_eq!((second.added, second.removed, second.amended), (0, 0, 0));
    let after = health(&store);
    assert_eq!(
        (after.versions, after.parties, after.spans),
        (2, before.parties, before.spans)
    );
}

fn versions_share_unchanged_party_records(at: &TestStore) {
    let mut store = at.open();
    let policy = IngestPolicy::default();
    store
        .ingest(
            new_version(SOURCE, "a", None),
            parties(SOURCE, 200, 0),
            &policy,
        )
        .unwrap();
    let mut next = parties(SOURCE, 200, 0);
    next[7] = party(SOURCE, 7, 1);
    store
        .ingest(new_version(SOURCE, "b", None), next, &policy)
        .unwrap();
    let health = health(&store);
    assert_eq!(health.parties, 201);
    assert_eq!(health.spans, 201);
    // Going back to the old record reuses the stored one.
    store
        .ingest(
            new_version(SOURCE, "c", None),
            parties(SOURCE, 200, 0),
            &policy,
        )
        .unwrap();
    let again = store.check().unwrap();
    assert_eq!((again.parties, again.spans), (201, 202));
    assert_eq!(store.entities(SOURCE, 3).unwrap(), parties(SOURCE, 200, 0));
}

fn assert_rejected(result: Result<IngestOutcome, StoreError>, needles: &[&str]) -> String {
    match result {
        Err(StoreError::Rejected { source_key, reason }) => {
            assert_eq!(source_key, SOURCE);
            for needle in needles {
                assert!(reason.contains(needle), "{needle:?} not in {reason:?}");
            }
            reason
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
}

fn rejected_publications_leave_the_store_unchanged(at: &TestStore) {
    let mut store = at.open();
    let policy = IngestPolicy::default();
    let current = created(
        store
            .ingest(
                new_version(SOURCE, "a", Some("2025-02-01")),
                parties(SOURCE, 100, 0),
                &policy,
            )
            .unwrap(),
    );
    let before = health(&store);
    let unchanged = |store: &Store| {
        assert_eq!(
            store.current_version(SOURCE).unwrap().as_ref(),
            Some(&current)
        );
        assert_eq!(store.check().unwrap(), before);
        assert_eq!(store.entities(SOURCE, 1).unwrap(), parties(SOURCE, 100, 0));
    };

    let reason = assert_rejected(
        store.ingest(
            new_version(SOURCE, "empty", Some("2025-02-02")),
            Vec::new(),
            &policy,
        ),
        &["no parties"],
    );
    println!("empty: {reason}");
    unchanged(&store);

    // 11 of 100 removed (and the rest amended, so the rejection must undo nothing).
    let reason = assert_rejected(
        store.ingest(
            new_version(SOURCE, "shrunk", Some("2025-02-02")),
            (11..100).map(|i| party(SOURCE, i, 1)).collect(),
            &policy,
        ),
        &["removes 11 of the 100", "11.0%", "10.0%", "--force"],
    );
    println!("removal: {reason}");
    unchanged(&store);

    let reason = assert_rejected(
        store.ingest(
            new_version(SOURCE, "stale", Some("2025-01")),
            parties(SOURCE, 100, 1),
            &policy,
        ),
        &["2025-01", "2025-02-01", "stale", "--force"],
    );
    println!("stale: {reason}");
    unchanged(&store);

    let mut mixed = parties(SOURCE, 100, 1);
    mixed.push(party("another_list", 500, 0));
    let reason = assert_rejected(
        store.ingest(
            new_version(SOURCE, "mixed", Some("2025-02-02")),
            mixed,
            &policy,
        ),
        &["another_list"],
    );
    println!("stray: {reason}");
    unchanged(&store);

    let mut nameless = parties(SOURCE, 100, 1);
    nameless[5].source_id = " ".to_string();
    assert_rejected(
        store.ingest(
            new_version(SOURCE, "noid", Some("2025-02-02")),
            nameless,
            &policy,
        ),
        &["no publisher id"],
    );
    unchanged(&store);

    // A stricter limit from configuration.
    let strict = IngestPolicy {
        max_removed_fraction: 0.01,
        force: false,
    };
    assert_rejected(
        store.ingest(
            new_version(SOURCE, "two", None),
            parties(SOURCE, 98, 0),
            &strict,
        ),
        &["removes 2 of the 100", "1.0%"],
    );
    unchanged(&store);

    // Exactly 10% is within the limit (the first ten: the last ten alone would look like a
    // file cut short).
    let tenth = created(
        store
            .ingest(
                new_version(SOURCE, "ten", None),
                (10..100).map(|i| party(SOURCE, i, 0)).collect(),
                &policy,
            )
            .unwrap(),
    );
    assert_eq!((tenth.seq, tenth.removed), (2, 10));
}

fn force_accepts_large_removals_and_stale_dates(at: &TestStore) {
    let mut store = at.open();
    let force = IngestPolicy {
        force: true,
        ..IngestPolicy::default()
    };
    store
        .ingest(
            new_version(SOURCE, "a", Some("2025-02-01")),
            parties(SOURCE, 100, 0),
            &IngestPolicy::default(),
        )
        .unwrap();
    let shrunk = created(
        store
            .ingest(
                new_version(SOURCE, "b", Some("2025-02-02")),
                parties(SOURCE, 40, 0),
                &force,
            )
            .unwrap(),
    );
    assert_eq!(
        (shrunk.seq, shrunk.party_count, shrunk.removed),
        (2, 40, 60)
    );
    let stale = created(
        store
            .ingest(
                new_version(SOURCE, "c", Some("2024-12-31")),
                parties(SOURCE, 40, 1),
                &force,
            )
            .unwrap(),
    );
    assert_eq!((stale.seq, stale.amended), (3, 40));
    assert_eq!(store.current_version(SOURCE).unwrap(), Some(stale));
    // Force does not accept an empty publication.
    assert_rejected(
        store.ingest(new_version(SOURCE, "d", None), Vec::new(), &force),
        &["no parties"],
    );
    health(&store);
}

fn version_as_of_picks_the_list_as_it_stood_on_a_date(at: &TestStore) {
    let mut store = at.open();
    let policy = IngestPolicy::default();
    let date = |text: &str| text.parse::<PartialDate>().unwrap();
    store
        .ingest(
            new_version(SOURCE, "a", Some("2024-01-10")),
            parties(SOURCE, 20, 0),
            &policy,
        )
        .unwrap();
    store
        .ingest(
            new_version(SOURCE, "b", Some("2024-02-15")),
            parties(SOURCE, 20, 1),
            &policy,
        )
        .unwrap();
    let mut undated = new_version(SOURCE, "c", None);
    undated.fetched_at = "2024-03-05T08:00:00Z".to_string();
    store
        .ingest(undated, parties(SOURCE, 20, 2), &policy)
        .unwrap();

    let as_of = |text: &str| {
        store
            .version_as_of(SOURCE, date(text))
            .unwrap()
            .map(|v| v.seq)
    };
    assert_eq!(as_of("2024-01-09"), None);
    assert_eq!(as_of("2024-01-10"), Some(1));
    assert_eq!(as_of("2024-02-14"), Some(1));
    assert_eq!(as_of("2024-02"), Some(2), "a month means its last day");
    assert_eq!(as_of("2024-03-04"), Some(2));
    assert_eq!(
        as_of("2024-03-05"),
        Some(3),
        "undated versions count from their fetch day"
    );
    assert_eq!(as_of("2030"), Some(3));
    assert_eq!(
        store.version_as_of("other_list", date("2030")).unwrap(),
        None
    );

    let stood = store
        .version_as_of(SOURCE, date("2024-02-20"))
        .unwrap()
        .unwrap();
    assert_eq!(
        store.entities(SOURCE, stood.seq).unwrap(),
        parties(SOURCE, 20, 1)
    );
    let delta = store.changes_since(SOURCE, stood.seq).unwrap();
    assert_eq!(
        (delta.added.len(), delta.removed.len(), delta.amended.len()),
        (0, 0, 20)
    );
    assert_eq!(delta.amended[0].fields, ["remarks"]);
}

fn repeated_publisher_ids_are_merged_into_one_party(at: &TestStore) {
    let mut store = at.open();
    let mut sdn = party(SOURCE, 1, 0);
    sdn.kind = EntityKind::Unknown;
    let mut ssi = party(SOURCE, 1, 0);
    ssi.designations = vec![Designation {
        authority: "US OFAC".to_string(),
        list: "SSI".to_string(),
        programs: vec!["UKRAINE-EO13662".to_string()],
        listed_on: None,
        ended_on: None,
        legal_basis: Vec::new(),
        record: None,
    }];
    ssi.names.push(Name::new("ONLY ON SSI", NameKind::Alias));
    let outcome = store
        .ingest(
            new_version(SOURCE, "a", None),
            vec![sdn, party(SOURCE, 2, 0), ssi],
            &IngestPolicy::default(),
        )
        .unwrap();
    let IngestOutcome::Created {
        version,
        merged_duplicates,
    } = outcome
    else {
        panic!("expected a new version");
    };
    assert_eq!((version.party_count, merged_duplicates), (2, 1));
    let (merged, _) = store.entity(SOURCE, "ID-000001").unwrap().unwrap();
    let lists: Vec<&str> = merged
        .designations
        .iter()
        .map(|d| d.list.as_str())
        .collect();
    assert_eq!(lists, ["SDN", "SSI"]);
    assert_eq!(
        merged.names.len(),
        3,
        "shared names kept once, SSI alias added"
    );
    assert_eq!(merged.addresses.len(), 1);
    assert_eq!(
        merged.kind,
        EntityKind::Person,
        "a known kind replaces Unknown"
    );
}

#[test]
fn a_store_directory_persists_and_reports_corrupt_records() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("nested").join("data");
    {
        let mut store = Store::open(&data_dir).unwrap();
        store
            .ingest(
                new_version(SOURCE, "a", None),
                parties(SOURCE, 10, 0),
                &IngestPolicy::default(),
            )
            .unwrap();
        assert_eq!(store.path(), Some(data_dir.join("sanctum.db").as_path()));
    }
    let store = Store::open(&data_dir).unwrap();
    assert_eq!(store.entities(SOURCE, 1).unwrap(), parties(SOURCE, 10, 0));
    drop(store);

    let conn = rusqlite::Connection::open(data_dir.join("sanctum.db")).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let hash: String = conn
        .query_row(
            "SELECT hash FROM spans WHERE source_id = 'ID-000003'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute("UPDATE parties SET data = x'7b7d' WHERE hash = ?1", [&hash])
        .unwrap();
    drop(conn);
    let store = Store::open(&data_dir).unwrap();
    match store.entities(SOURCE, 1) {
        Err(StoreError::Corrupt { item, .. }) => assert!(item.contains(&hash), "{item}"),
        other => panic!("expected Corrupt, got {other:?}"),
    }

    // A store written by a newer schema is refused, not misread.
    drop(store);
    let conn = rusqlite::Connection::open(data_dir.join("sanctum.db")).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    assert!(matches!(
        Store::open(&data_dir),
        Err(StoreError::UnsupportedSchema {
            found: 99,
            supported: SCHEMA_VERSION
        })
    ));
}

/// 15,000 synthetic parties (the CSL holds 14,160) into a store directory: first ingest,
/// re-ingest of the same file, re-ingest of the same parties from a new file, and an update
/// amending 5% of them. Times are printed; the bounds only catch gross regressions in this
/// unoptimised test build.
#[test]
fn ingest_speed_for_a_csl_sized_list() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let policy = IngestPolicy::default();

    let list = parties(SOURCE, 15_000, 0);
    let started = Instant::now();
    let first = created(
        store
            .ingest(new_version(SOURCE, "a", None), list, &policy)
            .unwrap(),
    );
    let first_time = started.elapsed();
    assert_eq!(first.party_count, 15_000);

    let list = parties(SOURCE, 15_000, 0);
    let started = Instant::now();
    let same_file = store.is_current_sha(SOURCE, &first.sha256).unwrap();
    let outcome = store
        .ingest(new_version(SOURCE, "a", None), list, &policy)
        .unwrap();
    let same_file_time = started.elapsed();
    assert!(same_file && matches!(outcome, IngestOutcome::Unchanged { .. }));

    let list = parties(SOURCE, 15_000, 0);
    let started = Instant::now();
    let same_set = created(
        store
            .ingest(new_version(SOURCE, "b", None), list, &policy)
            .unwrap(),
    );
    let same_set_time = started.elapsed();
    assert_eq!(same_set.added + same_set.removed + same_set.amended, 0);

    let list: Vec<Entity> = (0..15_000)
        .map(|i| party(SOURCE, i, u32::from(i % 20 == 0)))
        .collect();
    let started = Instant::now();
    let update = created(
        store
            .ingest(new_version(SOURCE, "c", None), list, &policy)
            .unwrap(),
    );
    let update_time = started.elapsed();
    assert_eq!(update.amended, 750);

    let started = Instant::now();
    let diff = store.diff(SOURCE, 1, 3).unwrap();
    let diff_time = started.elapsed();
    assert_eq!(diff.amended.len(), 750);
    let started = Instant::now();
    assert_eq!(store.entities(SOURCE, 3).unwrap().len(), 15_000);
    let read_time = started.elapsed();

    println!(
        "15,000 parties: first ingest {first_time:?}, same file {same_file_time:?}, \
         same parties new file {same_set_time:?}, 5% amended {update_time:?}, \
         diff {diff_time:?}, read version {read_time:?}"
    );
    assert!(first_time.as_secs_f64() < 10.0);
    assert!(same_file_time.as_secs_f64() < 0.3);
}

fn only_a_fetch_of_the_current_file_is_recorded_as_confirmed(at: &TestStore) {
    let mut store = at.open();
    let policy = IngestPolicy::default();
    let first = created(
        store
            .ingest(
                new_version(SOURCE, "a", None),
                parties(SOURCE, 20, 0),
                &policy,
            )
            .unwrap(),
    );
    assert!(store.confirmed_fetches().unwrap().is_empty());
    // Another file (a failed or rejected download, an older publication) confirms nothing.
    assert!(
        !store
            .record_fetch_confirmed(SOURCE, "beef", "2025-02-01T00:00:00Z")
            .unwrap()
    );
    assert!(
        !store
            .record_fetch_confirmed("other_list", &first.sha256, "2025-02-01T00:00:00Z")
            .unwrap()
    );
    assert!(store.confirmed_fetches().unwrap().is_empty());
    assert!(
        store
            .record_fetch_confirmed(SOURCE, &first.sha256, "2025-02-01T00:00:00Z")
            .unwrap()
    );
    assert!(
        store
            .record_fetch_confirmed(SOURCE, &first.sha256, "2025-02-02T00:00:00Z")
            .unwrap()
    );
    let confirmed = store.confirmed_fetches().unwrap();
    assert_eq!(
        confirmed.get(SOURCE),
        Some(&(first.sha256.clone(), "2025-02-02T00:00:00Z".to_string()))
    );
    // A new version supersedes the confirmation of the one before.
    created(
        store
            .ingest(
                new_version(SOURCE, "b", None),
                parties(SOURCE, 20, 0),
                &policy,
            )
            .unwrap(),
    );
    assert!(store.confirmed_fetches().unwrap().is_empty());
    health(&store);
}

#[test]
fn a_version_3_store_gains_the_fetch_confirmations() {
    let dir = tempfile::tempdir().unwrap();
    let first = {
        let mut store = Store::open(dir.path()).unwrap();
        created(
            store
                .ingest(
                    new_version(SOURCE, "a", None),
                    parties(SOURCE, 5, 0),
                    &IngestPolicy::default(),
                )
                .unwrap(),
        )
    };
    // As a store written before schema version 4 left it.
    let conn = rusqlite::Connection::open(dir.path().join("sanctum.db")).unwrap();
    conn.execute_batch("DROP TABLE fetch_confirmations; PRAGMA user_version = 3;")
        .unwrap();
    drop(conn);
    let mut store = Store::open(dir.path()).unwrap();
    assert_eq!(store.versions(SOURCE).unwrap().len(), 1);
    assert!(
        store
            .record_fetch_confirmed(SOURCE, &first.sha256, "2025-02-01T00:00:00Z")
            .unwrap()
    );
    health(&store);
}

fn party_history_gives_first_listing_and_last_change_of_current_parties(at: &TestStore) {
    let mut store = at.open();
    let policy = IngestPolicy {
        max_removed_fraction: 1.0,
        force: false,
    };
    store
        .ingest(
            new_version(SOURCE, "a", Some("2025-01-10")),
            parties(SOURCE, 100, 0),
            &policy,
        )
        .unwrap();
    // Version 2: ID-000010 removed, ID-000001 amended, ID-000100 added.
    store
        .ingest(
            new_version(SOURCE, "b", Some("2025-01-12")),
            second_publication(),
            &policy,
        )
        .unwrap();
    // Version 3: as version 2 with ID-000010 back, unchanged from version 1.
    let mut third = second_publication();
    third.push(party(SOURCE, 10, 0));
    store
        .ingest(new_version(SOURCE, "c", Some("2025-01-15")), third, &policy)
        .unwrap();

    let history = store.current_party_history().unwrap();
    let of = |id: &str| history.get(&(SOURCE.to_string(), id.to_string())).copied();
    let seqs = |id: &str| of(id).map(|h| (h.first_seen, h.last_change));
    assert_eq!(seqs("ID-000005"), Some((1, 1)), "never changed");
    assert_eq!(seqs("ID-000001"), Some((1, 2)), "amended in version 2");
    assert_eq!(seqs("ID-000100"), Some((2, 2)), "added in version 2");
    assert_eq!(
        seqs("ID-000010"),
        Some((1, 3)),
        "delisted, back in version 3"
    );
    assert_eq!(seqs("ID-000020"), None, "delisted: not current");
    assert_eq!(history.len(), 103);
}

fn an_alignment_is_kept_whole_with_the_versions_it_follows_and_replaced_whole(at: &TestStore) {
    use sanctum_store::StoredTarget;
    let mut store = at.open();
    assert_eq!(store.list_versions_basis().unwrap(), "");
    assert_eq!(store.stored_alignment().unwrap(), None);
    store
        .ingest(
            new_version(SOURCE, "a", Some("2025-01-01")),
            parties(SOURCE, 3, 0),
            &IngestPolicy::default(),
        )
        .unwrap();
    store
        .ingest(
            new_version("other_list", "b", Some("2025-01-02")),
            parties("other_list", 2, 0),
            &IngestPolicy::default(),
        )
        .unwrap();
    let basis = store.list_versions_basis().unwrap();
    assert_eq!(basis, format!("other_list:1,{SOURCE}:1"));

    let target = |parties: &[&str], summary: &str| StoredTarget {
        parties: parties.iter().map(|p| p.to_string()).collect(),
        summary: summary.to_string(),
    };
    let first = vec![
        target(
            &["other_list:ID-000000", "test_list:ID-000000"],
            "{\"t\":0}",
        ),
        target(&["test_list:ID-000001"], "{\"t\":1}"),
    ];
    store
        .store_alignment(&basis, "2025-01-03T00:00:00Z", &first)
        .unwrap();
    assert_eq!(
        store.alignment_basis().unwrap().as_deref(),
        Some(basis.as_str())
    );
    let kept = store.stored_alignment().unwrap().unwrap();
    assert_eq!(kept.targets, first);
    assert_eq!(kept.computed_at, "2025-01-03T00:00:00Z");
    assert_eq!(
        store.stored_target_of("test_list:ID-000000").unwrap(),
        Some(first[0].clone()),
        "a record finds its target and the target's other records"
    );
    assert_eq!(store.stored_target_of("test_list:ID-000002").unwrap(), None);

    // A new version changes the basis; storing again replaces every target.
    store
        .ingest(
            new_version(SOURCE, "c", Some("2025-02-01")),
            parties(SOURCE, 3, 1),
            &IngestPolicy::default(),
        )
        .unwrap();
    let next = store.list_versions_basis().unwrap();
    assert_ne!(next, basis);
    let second = vec![target(&["test_list:ID-000002"], "{\"t\":2}")];
    store
        .store_alignment(&next, "2025-02-02T00:00:00Z", &second)
        .unwrap();
    assert_eq!(store.stored_alignment().unwrap().unwrap().targets, second);
    assert_eq!(store.stored_target_of("test_list:ID-000000").unwrap(), None);
    assert_eq!(health(&store).versions, 3);
}

on_both_backends!(
    versions_and_diffs_name_added_removed_and_amended_parties,
    sources_are_versioned_separately_and_searchable_by_publisher_id,
    unchanged_file_or_content_writes_nothing,
    versions_share_unchanged_party_records,
    rejected_publications_leave_the_store_unchanged,
    force_accepts_large_removals_and_stale_dates,
    version_as_of_picks_the_list_as_it_stood_on_a_date,
    repeated_publisher_ids_are_merged_into_one_party,
    only_a_fetch_of_the_current_file_is_recorded_as_confirmed,
    party_history_gives_first_listing_and_last_change_of_current_parties,
    an_alignment_is_kept_whole_with_the_versions_it_follows_and_replaced_whole,
);
