//! What the two backends must agree on, and what concerns the shared database: the same real
//! publications give the same versions, parties and diffs in SQLite and PostgreSQL;
//! concurrent ingests never hand out one version number twice; migrations run once however
//! many processes open a new store; an unreachable server is named without its password.

#[macro_use]
mod common;

use common::{SOURCE, TestStore, new_version, parties};
use sanctum_sources::{ParseOptions, detect};
use sanctum_store::{
    IngestOutcome, IngestPolicy, NewVersion, SCHEMA_VERSION, Store, StoreError, StoreLocation,
};
use sha2::{Digest, Sha256};
use std::path::Path;

/// Ingests `count` publications from 4 threads at once, each with its own connection: the
/// versions are numbered 1..=count with no gap and no repeat, and each holds exactly the
/// parties of the publication its file names (no ingest saw another's half-written state).
fn concurrent_ingests_never_share_a_version_number(at: &TestStore) {
    const THREADS: u32 = 4;
    const EACH: u32 = 3;
    drop(at.open());
    let workers: Vec<_> = (0..THREADS)
        .map(|thread| {
            let location = at.location.clone();
            std::thread::spawn(move || {
                let mut store = Store::connect(&location).unwrap();
                (0..EACH)
                    .map(|i| {
                        let variant = thread * EACH + i;
                        let tag = format!("v{variant}");
                        match store
                            .ingest(
                                new_version(SOURCE, &tag, None),
                                parties(SOURCE, 200, variant),
                                &IngestPolicy::default(),
                            )
                            .unwrap()
                        {
                            IngestOutcome::Created { version, .. } => version.seq,
                            IngestOutcome::Unchanged { version } => {
                                panic!("{tag} unchanged as version {}", version.seq)
                            }
                        }
                    })
                    .collect::<Vec<u32>>()
            })
        })
        .collect();
    let mut seqs: Vec<u32> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=THREADS * EACH).collect::<Vec<_>>());

    let store = at.open();
    let versions = store.versions(SOURCE).unwrap();
    assert_eq!(versions.len(), (THREADS * EACH) as usize);
    for version in &versions {
        let variant: u32 = version
            .file_name
            .strip_prefix('v')
            .and_then(|name| name.strip_suffix(".csv"))
            .and_then(|number| number.parse().ok())
            .unwrap();
        assert_eq!(
            store.entities(SOURCE, version.seq).unwrap(),
            parties(SOURCE, 200, variant),
            "version {} ({})",
            version.seq,
            version.file_name
        );
        // Every version after the first amends all 200 parties of the one before it.
        let expected = if version.seq == 1 { (200, 0) } else { (0, 200) };
        assert_eq!((version.added, version.amended), expected);
    }
    let health = store.check().unwrap();
    assert!(health.is_ok(), "{health:?}");
    assert_eq!(health.spans, 200 * u64::from(THREADS * EACH));
}

/// Several processes opening a new store together: one migrates it through every schema
/// version, in one transaction, and the others find it done.
fn concurrent_first_opens_migrate_once(at: &TestStore) {
    let openers: Vec<_> = (0..4)
        .map(|_| {
            let location = at.location.clone();
            std::thread::spawn(move || {
                Store::connect(&location)
                    .unwrap()
                    .migrated_on_open()
                    .to_vec()
            })
        })
        .collect();
    let mut migrated: Vec<Vec<i64>> = openers.into_iter().map(|o| o.join().unwrap()).collect();
    migrated.sort();
    let all: Vec<i64> = (1..=SCHEMA_VERSION).collect();
    assert_eq!(migrated, vec![vec![], vec![], vec![], all]);
    let store = at.open();
    assert!(store.migrated_on_open().is_empty());
    // PostgreSQL's integrity check compares the recorded migrations with this build's.
    assert_eq!(store.check().unwrap().integrity, "ok");
}

on_both_backends!(
    concurrent_ingests_never_share_a_version_number,
    concurrent_first_opens_migrate_once,
);

#[test]
fn an_unreachable_database_is_named_without_its_password() {
    // Nothing listens on port 1: the connection is refused at once.
    let location = StoreLocation::new(
        Path::new("."),
        Some("postgres://sanctum:hunter2@127.0.0.1:1/sanctum"),
    )
    .unwrap();
    let err = match Store::connect(&location) {
        Err(err) => err,
        Ok(_) => panic!("connected to port 1"),
    };
    let text = err.to_string();
    assert!(matches!(err, StoreError::Unreachable { .. }), "{err:?}");
    assert!(
        text.starts_with("cannot reach the database postgres://sanctum:***@127.0.0.1:1/sanctum: "),
        "{text}"
    );
    assert!(!text.contains("hunter2"), "{text}");
    assert!(!format!("{err:?}").contains("hunter2"), "{err:?}");
}

/// The publications the real-data comparison ingests: the CSL, and the OFAC SDN snapshots
/// of February and March 2022 (the invasion of Ukraine: hundreds of additions each week).
fn real_publications(lists: &Path) -> Vec<(NewVersion, Vec<sanctum_model::Entity>)> {
    let mut out = Vec::new();
    let mut add = |publication: &detect::Publication| {
        let parsed = detect::read(publication, &ParseOptions::default()).unwrap();
        let bytes = std::fs::read(&publication.main).unwrap();
        let new = NewVersion {
            source: publication.source.clone(),
            published: parsed.published.or(publication.date),
            fetched_at: "2026-12-07T10:00:00Z".to_string(),
            sha256: hex::encode(Sha256::digest(&bytes)),
            file_name: publication
                .main
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned(),
        };
        out.push((new, parsed.entities));
    };
    let (csl, _) = detect::plan(&lists.join("us_csl"), Some("us_csl")).unwrap();
    csl.iter().for_each(&mut add);
    let (sdn, _) = detect::plan(&lists.join("ofac_sdn_csv"), Some("us_ofac_sdn")).unwrap();
    sdn.iter()
        .filter(|p| {
            p.date
                .is_some_and(|d| (2022, 2, 1) <= d.earliest() && d.earliest() < (2022, 4, 1))
        })
        .for_each(&mut add);
    out
}

#[test]
fn real_lists_give_the_same_versions_parties_and_diffs_in_both_backends() {
    let test = "real_lists_give_the_same_versions_parties_and_diffs_in_both_backends";
    let Some(lists) = sanctum_testkit::shared_lists(test) else {
        return;
    };
    let Some(postgres) = TestStore::postgres(test) else {
        return;
    };
    let sqlite = TestStore::sqlite();
    let publications = real_publications(&lists);
    assert!(
        publications.len() >= 7,
        "{} publications",
        publications.len()
    );

    let mut stores = [sqlite.open(), postgres.open()];
    let outcomes: Vec<Vec<String>> = stores
        .iter_mut()
        .map(|store| {
            publications
                .iter()
                .map(|(new, entities)| {
                    match store.ingest(new.clone(), entities.clone(), &IngestPolicy::default()) {
                        Ok(outcome) => format!("{outcome:?}"),
                        Err(e) => format!("error: {e}"),
                    }
                })
                .collect()
        })
        .collect();
    assert_eq!(outcomes[0], outcomes[1]);
    let [sqlite, postgres] = &stores;

    let sources = sqlite.sources().unwrap();
    assert_eq!(sources, postgres.sources().unwrap());
    let names: Vec<&str> = sources.iter().map(|s| s.source.as_str()).collect();
    assert_eq!(names, ["us_csl", "us_ofac_sdn"]);
    let sdn_versions = sqlite.versions("us_ofac_sdn").unwrap();
    assert!(sdn_versions.len() >= 6, "{sdn_versions:?}");
    assert_eq!(sdn_versions, postgres.versions("us_ofac_sdn").unwrap());
    assert_eq!(
        sqlite.versions("us_csl").unwrap(),
        postgres.versions("us_csl").unwrap()
    );

    for version in &sdn_versions {
        let parties = sqlite.entities("us_ofac_sdn", version.seq).unwrap();
        assert_eq!(parties.len() as u64, version.party_count);
        assert_eq!(
            parties,
            postgres.entities("us_ofac_sdn", version.seq).unwrap(),
            "SDN version {}",
            version.seq
        );
        if version.seq > 1 {
            let diff = sqlite
                .diff("us_ofac_sdn", version.seq - 1, version.seq)
                .unwrap();
            assert_eq!(
                (diff.added.len(), diff.removed.len(), diff.amended.len()),
                (
                    version.added as usize,
                    version.removed as usize,
                    version.amended as usize
                )
            );
            assert_eq!(
                diff,
                postgres
                    .diff("us_ofac_sdn", version.seq - 1, version.seq)
                    .unwrap()
            );
        }
    }
    let last = sdn_versions.last().unwrap().seq;
    let whole = sqlite.diff("us_ofac_sdn", 1, last).unwrap();
    assert!(whole.added.len() > 500, "{} added", whole.added.len());
    assert_eq!(whole, postgres.diff("us_ofac_sdn", 1, last).unwrap());

    let current = sqlite.current_entities(None).unwrap();
    assert_eq!(current, postgres.current_entities(None).unwrap());
    assert_eq!(
        sqlite.current_party_history().unwrap(),
        postgres.current_party_history().unwrap()
    );
    // Vladimir Putin's SDN record: absent from the first snapshot, then in every one.
    let putin = sqlite.appearances("us_ofac_sdn", "35096").unwrap();
    assert!(!putin.is_empty() && putin[0].0.seq > 1, "{putin:?}");
    assert_eq!(putin, postgres.appearances("us_ofac_sdn", "35096").unwrap());
    assert_eq!(
        sqlite.find_by_source_id("35096").unwrap(),
        postgres.find_by_source_id("35096").unwrap()
    );

    let health = [sqlite.check().unwrap(), postgres.check().unwrap()];
    assert!(health[0].is_ok() && health[1].is_ok(), "{health:?}");
    assert_eq!(health[0], health[1]);
}
