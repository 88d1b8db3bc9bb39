//! The review lifecycle end to end on a small fixture: lists stored as versions, a book
//! imported, screened, an alert cleared under four eyes, suppressed while nothing
//! changes, raised again when the listed party changes and when the memory expires, and
//! an audit trail that verifies until a row is edited.

#[macro_use]
mod common;

use common::TestStore;
use sanctum_model::{Entity, EntityKind, Name, NameKind};
use sanctum_review::alerts::AlertFilter;
use sanctum_review::book::{self, ImportOptions};
use sanctum_review::db::Dialect;
use sanctum_review::schema;
use sanctum_review::screening::{self, Mode, ScreenOptions};
use sanctum_review::{Action, Actor, AlertState, Cause, Decision, Review, Role, users};
use sanctum_store::{IngestPolicy, NewVersion, Store};
use serde_json::json;
use std::path::Path;

fn person(source: &str, id: &str, name: &str, born: &str, passport: &str) -> Entity {
    let mut e = Entity::new(source, id, EntityKind::Person);
    e.names.push(Name::new(name, NameKind::Primary));
    e.birth_dates.push(
        serde_json::from_value(json!({"date": {"exact": born}})).unwrap_or_else(|_| {
            serde_json::from_value(json!({"date": born})).expect("a birth date")
        }),
    );
    e.identifiers.push(
        serde_json::from_value(json!({"kind": "passport", "value": passport}))
            .expect("an identifier"),
    );
    e.designations.push(
        serde_json::from_value(json!({
            "authority": if source == "us_csl" { "US State" } else { "US OFAC" },
            "list": if source == "us_csl" { "CSL" } else { "SDN" },
            "programs": ["RUSSIA-EO14024"]
        }))
        .expect("a designation"),
    );
    e
}

fn ingest(store: &mut Store, source: &str, day: &str, entities: Vec<Entity>) {
    let new = NewVersion {
        source: source.into(),
        published: Some(day.parse().expect("a date")),
        fetched_at: format!("{day}T12:00:00Z"),
        sha256: format!("{:0<64}", hex::encode(format!("{source}{day}"))),
        file_name: format!("{source}-{day}.json"),
    };
    let policy = IngestPolicy {
        force: true,
        ..IngestPolicy::default()
    };
    store.ingest(new, entities, &policy).expect("ingest");
}

fn sidorov() -> Entity {
    person(
        "us_ofac_sdn",
        "100",
        "SIDOROV, Ivan Petrovich",
        "1960-01-01",
        "7100001",
    )
}

fn write_book(dir: &Path, rows: &str) -> std::path::PathBuf {
    let path = dir.join("customers.csv");
    std::fs::write(&path, format!("id,name,dob,country\n{rows}")).expect("write");
    path
}

fn open_alert(review: &Review, customer: &str) -> sanctum_review::alerts::AlertRecord {
    let found = review
        .alerts(&AlertFilter {
            customer_id: Some(customer.into()),
            ..AlertFilter::default()
        })
        .expect("alerts");
    assert_eq!(found.len(), 1, "one alert for {customer}: {found:#?}");
    found.into_iter().next().expect("an alert")
}

fn clear_as_false_positive(review: &mut Review, id: i64, analyst: &Actor, reviewer: &Actor) {
    review.decide(analyst, id, &Action::Claim).expect("claim");
    review
        .decide(
            analyst,
            id,
            &Action::Propose {
                decision: Decision::FalsePositive,
                reason: Some("birth_date_differs".into()),
                comment: None,
            },
        )
        .expect("propose");
    let t = review
        .decide(reviewer, id, &Action::Approve { comment: None })
        .expect("approve");
    assert_eq!(t.to, AlertState::Closed);
}

fn an_alert_goes_from_hit_to_memory_to_realert_with_its_audit_trail(at: &TestStore) {
    let dir = &at.dir;
    let mut store = at.store();
    let mut csl_sidorov = sidorov();
    csl_sidorov.source = "us_csl".into();
    csl_sidorov.source_id = "csl-9".into();
    csl_sidorov.designations = vec![
        serde_json::from_value(
            json!({"authority": "US State", "list": "CSL", "programs": ["RUSSIA-EO14024"]}),
        )
        .expect("designation"),
    ];
    let trading = {
        let mut e = Entity::new("us_ofac_sdn", "200", EntityKind::Organization);
        e.names
            .push(Name::new("NORTHERN STAR TRADING LLC", NameKind::Primary));
        e
    };
    ingest(
        &mut store,
        "us_ofac_sdn",
        "2022-02-17",
        vec![sidorov(), trading.clone()],
    );
    ingest(&mut store, "us_csl", "2022-02-17", vec![csl_sidorov]);

    let mut review = at.review();
    review.set_clock(Some("2022-02-18T09:00:00Z".parse().expect("time")));
    let t = review.now();
    let root =
        users::add(&review.conn().unwrap(), None, "root", Role::Admin, None, t).expect("admin");
    let admin = review.actor(&root.name).expect("actor");
    for (name, role) in [("ana", Role::Analyst), ("rex", Role::Reviewer)] {
        users::add(&review.conn().unwrap(), Some(&admin), name, role, None, t).expect("user");
    }
    let ana = review.actor("ana").expect("ana");
    let rex = review.actor("rex").expect("rex");

    let file = write_book(
        dir.path(),
        "c1,Ivan Petrovich Sidorov,1960,RU\nc2,Maria Lopez,1990-01-01,ES\nc3,Northern Star Trading LLC,,\nc4,Olga Smirnova,1975-07-07,RU\n",
    );
    let imported =
        book::import(&mut review, &ana, "main", &file, &ImportOptions::default()).expect("import");
    assert_eq!((imported.new, imported.rows_rejected), (4, 0));

    // Full screening: Sidorov once across both lists, the company once.
    let run = screening::screen_book(
        &mut review,
        &store,
        "main",
        &Mode::Full,
        &ScreenOptions::default(),
    )
    .expect("screen");
    assert_eq!(run.alerts_created, 2, "{run:#?}");
    assert_eq!(run.list_versions.len(), 2);
    let c1 = open_alert(&review, "c1");
    let parties: Vec<&str> = c1.designations.iter().map(|d| d.party.as_str()).collect();
    assert_eq!(parties, ["us_csl:csl-9", "us_ofac_sdn:100"], "{c1:#?}");
    assert_eq!(c1.cause, Cause::NewHit);
    open_alert(&review, "c3");

    // Four eyes: ana proposes, ana cannot approve, rex approves; the pair is remembered.
    clear_as_false_positive(&mut review, c1.id, &ana, &rex);
    let live = sanctum_review::memory::list(&review.conn().unwrap(), None).expect("memory");
    assert_eq!(live.len(), 1);
    assert_eq!(live[0].approved_by, "rex");

    // The next publication lists Olga Smirnova: a delta raises her, not the cleared pair.
    review.set_clock(Some("2022-02-25T09:00:00Z".parse().expect("time")));
    let smirnova = person(
        "us_ofac_sdn",
        "300",
        "SMIRNOVA, Olga",
        "1975-07-07",
        "7100003",
    );
    ingest(
        &mut store,
        "us_ofac_sdn",
        "2022-02-25",
        vec![sidorov(), trading.clone(), smirnova.clone()],
    );
    let run = screening::screen_book(
        &mut review,
        &store,
        "main",
        &Mode::Delta,
        &ScreenOptions::default(),
    )
    .expect("delta");
    assert_eq!((run.alerts_created, run.realerts), (1, 0), "{run:#?}");
    assert_eq!(run.parties, 1, "only the new party is screened");
    open_alert(&review, "c4");

    // The age filter: the alerts in their state since the 20th or earlier, in id order
    // (c1 closed and c3 open since the 18th; c4 open since the 25th).
    let waiting = |states: Vec<AlertState>| -> Vec<String> {
        let filter = AlertFilter {
            states,
            state_since_until: Some("2022-02-20T00:00:00Z".into()),
            ..AlertFilter::default()
        };
        let found = review.alerts(&filter).expect("alerts");
        found.into_iter().map(|alert| alert.customer_id).collect()
    };
    assert_eq!(waiting(Vec::new()), ["c1", "c3"]);
    assert_eq!(waiting(vec![AlertState::Open]), ["c3"]);

    // A full run meets the cleared pair again: suppressed, counted and listed.
    let run = screening::screen_book(
        &mut review,
        &store,
        "main",
        &Mode::Full,
        &ScreenOptions::default(),
    )
    .expect("full");
    assert_eq!(
        (run.suppressed, run.already_open, run.alerts_created),
        (1, 2, 0),
        "{run:#?}"
    );
    let suppressed =
        screening::suppressions(&review.conn().unwrap(), Some(run.run_id)).expect("list");
    assert_eq!(suppressed[0].alert_id, c1.id);
    assert_eq!(
        review.alert(c1.id).expect("alert").state,
        AlertState::Closed
    );

    // The listed party gains an alias: the cleared pair is raised again, with the diff.
    review.set_clock(Some("2022-03-24T09:00:00Z".parse().expect("time")));
    let mut amended = sidorov();
    amended
        .names
        .push(Name::new("SIDOROV, Vanya", NameKind::Alias));
    ingest(
        &mut store,
        "us_ofac_sdn",
        "2022-03-24",
        vec![amended, trading, smirnova],
    );
    let run = screening::screen_book(
        &mut review,
        &store,
        "main",
        &Mode::Delta,
        &ScreenOptions::default(),
    )
    .expect("delta");
    assert_eq!(run.realerts, 1, "{run:#?}");
    let c1 = review.alert(c1.id).expect("alert");
    assert_eq!(c1.state, AlertState::Reopened);
    assert_eq!(c1.cause, Cause::ListedChanged);
    let changes = c1.changes.clone().expect("what changed");
    assert_eq!(
        changes["listed"]["aliases"]["added"],
        json!(["sidorov, vanya"]),
        "{changes:#}"
    );

    // Cleared again; thirteen months later the memory has expired: raised again.
    clear_as_false_positive(&mut review, c1.id, &ana, &rex);
    review.set_clock(Some("2023-04-25T09:00:00Z".parse().expect("time")));
    let run = screening::screen_book(
        &mut review,
        &store,
        "main",
        &Mode::Full,
        &ScreenOptions::default(),
    )
    .expect("full");
    assert_eq!(run.realerts_by_cause.get("memory_expired"), Some(&1));
    assert_eq!(
        review.alert(c1.id).expect("alert").cause,
        Cause::MemoryExpired
    );

    let stats =
        sanctum_review::alerts::stats(&review.conn().unwrap(), &review.policy, review.now())
            .expect("stats");
    assert_eq!(stats.realerts_by_cause.get("listed_changed"), Some(&1));
    assert_eq!(stats.realerts_by_cause.get("memory_expired"), Some(&1));
    assert_eq!(stats.by_state.get("reopened"), Some(&1));
    // Sidorov and Smirnova are on the SDN, Sidorov on the CSL too; the company has no
    // designation in this fixture.
    assert_eq!(
        stats.open_by_list.get("US OFAC SDN"),
        Some(&2),
        "{stats:#?}"
    );
    assert_eq!(
        stats.open_by_list.get("US State CSL"),
        Some(&1),
        "{stats:#?}"
    );
    assert_eq!(stats.overdue_by_state.get("open"), Some(&2), "{stats:#?}");

    // The trail verifies; one payload edited behind the triggers' back is named.
    let verified = review.verify_audit(None).expect("verify");
    assert_eq!(verified.broken, None);
    let history =
        sanctum_review::audit::history(&review.conn().unwrap(), &c1.subject()).expect("history");
    let approval = history
        .iter()
        .find(|e| e.kind == "alert.approve")
        .expect("an approval");
    let tamper = match review.dialect() {
        Dialect::Sqlite => "DROP TRIGGER audit_no_update;",
        Dialect::Postgres => "ALTER TABLE audit DISABLE TRIGGER audit_append_only;",
    };
    let raw = review.conn().expect("connection");
    raw.execute_batch(tamper).expect("drop trigger");
    raw.execute(
        "UPDATE audit SET actor = 'ana' WHERE seq = ?1",
        sanctum_review::params![approval.seq],
    )
    .expect("tamper");
    drop(raw);
    let broken = review.verify_audit(None).expect("verify").broken;
    assert_eq!(broken.map(|b| b.seq), Some(approval.seq));
}

fn a_revoked_memory_raises_its_pair_again(at: &TestStore) {
    let dir = &at.dir;
    let mut store = at.store();
    ingest(&mut store, "us_ofac_sdn", "2022-02-17", vec![sidorov()]);
    let mut review = at.review();
    let (ana, rex, rita) = (
        Actor::user("ana", Role::Analyst),
        Actor::user("rex", Role::Reviewer),
        Actor::user("rita", Role::Reviewer),
    );
    let file = write_book(dir.path(), "c1,Ivan Petrovich Sidorov,,\n");
    book::import(&mut review, &ana, "main", &file, &ImportOptions::default()).expect("import");
    let full = |review: &mut Review| {
        screening::screen_book(
            review,
            &store,
            "main",
            &Mode::Full,
            &ScreenOptions::default(),
        )
        .expect("screen")
    };
    full(&mut review);
    let id = open_alert(&review, "c1").id;
    clear_as_false_positive(&mut review, id, &ana, &rex);
    assert_eq!(full(&mut review).suppressed, 1);
    let memory = sanctum_review::memory::list(&review.conn().unwrap(), None).expect("memory")[0].id;
    review
        .revoke_memory(&rex, memory, "new KYC facts")
        .expect("propose");
    assert_eq!(
        full(&mut review).suppressed,
        1,
        "one reviewer alone revokes nothing"
    );
    review
        .revoke_memory(&rita, memory, "agreed")
        .expect("confirm");
    let run = full(&mut review);
    assert_eq!(
        run.realerts_by_cause.get("memory_revoked"),
        Some(&1),
        "{run:#?}"
    );
    assert_eq!(review.alert(id).expect("alert").state, AlertState::Reopened);
}

fn an_interrupted_run_is_resumed_from_its_last_chunk(at: &TestStore) {
    let dir = &at.dir;
    let mut store = at.store();
    ingest(&mut store, "us_ofac_sdn", "2022-02-17", vec![sidorov()]);
    let mut review = at.review();
    let ana = Actor::user("ana", Role::Analyst);
    let rows: String = (0..30)
        .map(|i| format!("c{i:02},Ivan Petrovich Sidorov,,\n"))
        .collect();
    let file = write_book(dir.path(), &rows);
    book::import(&mut review, &ana, "main", &file, &ImportOptions::default()).expect("import");
    let stopping = ScreenOptions {
        chunk_rows: 10,
        stop_after_chunks: Some(2),
        ..ScreenOptions::default()
    };
    screening::screen_book(&mut review, &store, "main", &Mode::Full, &stopping).unwrap_err();
    let created_before = review
        .alerts(&AlertFilter::default())
        .expect("alerts")
        .len();
    assert_eq!(created_before, 20, "two chunks committed, nothing more");
    let options = ScreenOptions {
        chunk_rows: 10,
        ..ScreenOptions::default()
    };
    let run =
        screening::screen_book(&mut review, &store, "main", &Mode::Full, &options).expect("resume");
    assert!(run.resumed);
    assert_eq!((run.customers, run.alerts_created), (30, 30), "{run:#?}");
    assert_eq!(
        review
            .alerts(&AlertFilter::default())
            .expect("alerts")
            .len(),
        30
    );
}

/// A store at review schema version 4 (before the queue's age and book indexes) opened by
/// this build gains both indexes through the version 5 step, and records version 5.
fn a_version_4_store_gains_the_queue_indexes(at: &TestStore) {
    let _store = at.store();
    let queue_indexes = |review: &Review| -> i64 {
        let conn = review.conn().expect("conn");
        let sql = match conn.dialect() {
            Dialect::Sqlite => {
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index'
                 AND name IN ('alerts_by_state_since', 'alerts_by_book')"
            }
            Dialect::Postgres => {
                "SELECT COUNT(*) FROM pg_indexes
                 WHERE indexname IN ('alerts_by_state_since', 'alerts_by_book')"
            }
        };
        conn.query_row(sql, sanctum_review::params![], |row| row.get(0))
            .expect("count indexes")
    };
    let mut review = at.review();
    assert_eq!(queue_indexes(&review), 2, "a new store has them");
    let tx = review.write().expect("transaction");
    tx.execute_batch("DROP INDEX alerts_by_state_since; DROP INDEX alerts_by_book;")
        .expect("drop the version 5 indexes");
    tx.execute(
        "UPDATE schema_components SET version = 4 WHERE component = ?1",
        sanctum_review::params![schema::COMPONENT],
    )
    .expect("record version 4");
    tx.commit().expect("commit");
    assert_eq!(queue_indexes(&review), 0);
    drop(review);

    let review = at.review();
    assert_eq!(queue_indexes(&review), 2, "the upgrade created them");
    let version: i64 = review
        .conn()
        .expect("conn")
        .query_row(
            "SELECT version FROM schema_components WHERE component = ?1",
            sanctum_review::params![schema::COMPONENT],
            |row| row.get(0),
        )
        .expect("version");
    assert_eq!(version, schema::REVIEW_SCHEMA_VERSION);
}

/// The customers an import touched are read back a batch at a time: more of them than one
/// statement reads, in the order asked, a closed one kept (for the screening to pass over)
/// and an unknown id left out, each as the one-at-a-time read gives it; screened, they
/// raise an alert for each open customer that matches.
fn the_customers_an_import_touched_are_read_in_batches_and_screened(at: &TestStore) {
    const CUSTOMERS: usize = 450;
    const LISTED_EVERY: usize = 10;
    let dir = &at.dir;
    let mut store = at.store();
    ingest(&mut store, "us_ofac_sdn", "2022-02-17", vec![sidorov()]);
    let mut review = at.review();
    let ana = Actor::user("ana", Role::Analyst);
    let rows: String = (0..CUSTOMERS)
        .map(|i| {
            if i % LISTED_EVERY == 0 {
                format!("c{i:03},Ivan Petrovich Sidorov,,\n")
            } else {
                format!("c{i:03},Customer Number {i},,\n")
            }
        })
        .collect();
    let file = write_book(dir.path(), &rows);
    let imported =
        book::import(&mut review, &ana, "main", &file, &ImportOptions::default()).expect("import");
    assert_eq!(imported.touched.len(), CUSTOMERS);
    let closed = book::remove(&mut review, &ana, "main", &["c010".to_string()]).expect("remove");
    assert_eq!(closed, 1);

    let mut asked = imported.touched.clone();
    asked.reverse();
    asked.insert(CUSTOMERS / 2, "nobody".to_string());
    let conn = review.conn().expect("connection");
    let read = book::customers(&conn, "main", &asked).expect("customers");
    let read_ids: Vec<&str> = read.iter().map(|c| c.customer_id.as_str()).collect();
    let known: Vec<&str> = asked
        .iter()
        .map(String::as_str)
        .filter(|id| *id != "nobody")
        .collect();
    assert_eq!(read_ids, known);
    for customer in &read {
        let alone = book::customer(&conn, "main", &customer.customer_id).expect("customer");
        assert_eq!(alone.as_ref(), Some(customer));
    }
    assert!(
        read.iter()
            .any(|c| c.customer_id == "c010" && c.closed_at.is_some())
    );
    drop(conn);

    let run = screening::screen_book(
        &mut review,
        &store,
        "main",
        &Mode::Customers(imported.touched),
        &ScreenOptions::default(),
    )
    .expect("screening");
    let listed_open = CUSTOMERS / LISTED_EVERY - 1;
    assert_eq!(
        run.customers,
        CUSTOMERS as u64 - 1,
        "the closed one is passed over"
    );
    assert_eq!(run.alerts_created, listed_open as u64, "{run:#?}");
}

on_both_backends!(
    the_customers_an_import_touched_are_read_in_batches_and_screened,
    an_alert_goes_from_hit_to_memory_to_realert_with_its_audit_trail,
    a_revoked_memory_raises_its_pair_again,
    an_interrupted_run_is_resumed_from_its_last_chunk,
    a_version_4_store_gains_the_queue_indexes,
);
