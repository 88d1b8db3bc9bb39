//! Screening the customer book and recording what it finds as alerts.
//!
//! [`screen_book`] builds a sanctum-screen [`Screener`] from the lists — all current
//! parties ([`Mode::Full`], [`Mode::Customers`]) or only what changed since the book's last
//! run ([`Mode::Delta`], the machinery of `screen --changes-since`) — and screens the
//! book's open customers in chunks of [`SCREEN_CHUNK_ROWS`], on every core. Hits are
//! grouped by target (one party across lists, from sanctum-align's links, kept in
//! `party_targets` and recomputed only when a list version changes), and [`record_hit`]
//! decides for each (customer, target):
//!
//! - an alert still being worked on: left alone (counted as already open);
//! - a live memory with both fingerprints unchanged: suppressed, counted and listed in
//!   `suppressions`, never silently;
//! - a memory that expired or was revoked, or a listed party or customer that changed
//!   since the memory (or since a closed alert's decision): the alert is reopened through
//!   the workflow, with its cause and the facets that changed;
//! - otherwise a new alert.
//!
//! A run row records the list versions, threshold and matcher version; each chunk's alerts
//! and the run's progress commit together, so an interrupted run is resumed from its last
//! chunk by the next call with the same lists, or abandoned (and audited) when the lists
//! moved on.

use crate::alerts::{self, Designated, NewAlert};
use crate::book::{self, Customer};
use crate::db::{Connection, Param};
use crate::fingerprint::{self, Facets};
use crate::model::{Actor, Cause};
use crate::params;
use crate::workflow::{self, Action};
use crate::{Review, ReviewError, memory, timestamp_text};
use rayon::prelude::*;
use sanctum_align::{LinkOptions, Record};
use sanctum_limits::Limits;
use sanctum_matcher::{MatchOptions, QueryWarning};
use sanctum_model::Entity;
use sanctum_screen::lists::{self, Role, Selection, Since};
use sanctum_screen::{Scratch, Screener, Status};
use sanctum_store::Store;
use serde::Serialize;
use serde_json::json;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

/// Customers screened and recorded per transaction.
pub const SCREEN_CHUNK_ROWS: usize = 10_000;

/// What the run records as the matcher's version: the build's.
pub const MATCHER_VERSION: &str = concat!("sanctum ", env!("CARGO_PKG_VERSION"));

/// Which customers against which parties.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Every open customer against every current party.
    Full,
    /// Every open customer against the parties added or amended since the book's last
    /// completed run (a full run when there is none).
    Delta,
    /// These customers (new or changed by an import) against every current party.
    Customers(Vec<String>),
}

impl Mode {
    fn name(&self) -> &'static str {
        match self {
            Mode::Full => "full",
            Mode::Delta => "delta",
            Mode::Customers(_) => "customers",
        }
    }
}

#[derive(Debug, Clone)]
pub struct ScreenOptions {
    pub threshold: f64,
    pub limits: Limits,
    /// Customers per chunk (one transaction each); [`SCREEN_CHUNK_ROWS`] by default.
    pub chunk_rows: usize,
    /// Stop with an error after this many chunks, as a killed process would: for the
    /// tests of resumption.
    pub stop_after_chunks: Option<usize>,
}

impl Default for ScreenOptions {
    fn default() -> Self {
        ScreenOptions {
            threshold: sanctum_matcher::DEFAULT_THRESHOLD,
            limits: Limits::default(),
            chunk_rows: SCREEN_CHUNK_ROWS,
            stop_after_chunks: None,
        }
    }
}

/// What a run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RunSummary {
    pub run_id: i64,
    pub book: String,
    pub mode: String,
    pub list_versions: Versions,
    /// Delta: the versions compared with.
    pub base_versions: Option<Versions>,
    pub parties: usize,
    pub customers: u64,
    /// (customer, target) pairs that hit.
    pub hits: u64,
    pub alerts_created: u64,
    pub realerts: u64,
    pub realerts_by_cause: BTreeMap<String, u64>,
    pub suppressed: u64,
    pub already_open: u64,
    /// A closed pair hit again with nothing changed and no memory (a confirmed match).
    pub already_decided: u64,
    /// Customers whose query could not be prepared (stored before a limit changed).
    pub skipped_customers: u64,
    pub resumed: bool,
    pub seconds: f64,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

fn current_versions(store: &Store) -> Result<Versions, ReviewError> {
    Ok(store
        .sources()?
        .into_iter()
        .map(|s| (s.source, s.current.seq))
        .collect())
}

fn last_done_versions(conn: &Connection, book: &str) -> Result<Option<Versions>, ReviewError> {
    let text: Option<String> = conn.query_opt(
        "SELECT list_versions FROM runs WHERE book = ?1 AND status = 'done'
           AND mode IN ('full', 'delta') ORDER BY id DESC LIMIT 1",
        params![book],
        |row| row.get(0),
    )?;
    text.map(|t| {
        serde_json::from_str(&t).map_err(|e| ReviewError::Corrupt(format!("run versions: {e}")))
    })
    .transpose()
}

/// List versions by source.
pub type Versions = BTreeMap<String, u32>;

/// The parties added or amended (and their records before) since `base`.
fn delta_parties(
    store: &Store,
    versions: &Versions,
    base: &Versions,
) -> Result<Vec<(Entity, Role)>, ReviewError> {
    let mut parties = Vec::new();
    for (source, &seq) in versions {
        let selection = Selection {
            sources: vec![source.clone()],
            ..Selection::default()
        };
        match base.get(source) {
            Some(&from) if from == seq => {}
            Some(&from) => {
                let since = Since::Version {
                    source: Some(source.clone()),
                    seq: from,
                };
                parties.extend(lists::load_delta(store, &selection, &since)?.parties);
            }
            // A source first stored after the base: all of it is new.
            None => parties.extend(
                lists::load(store, &selection)?
                    .parties
                    .into_iter()
                    .map(|(e, _)| (e, Role::Added)),
            ),
        }
    }
    Ok(parties)
}

/// The parties to screen against: every current party, or the delta since `base`.
fn parties_for(
    store: &Store,
    versions: &Versions,
    base: Option<&Versions>,
) -> Result<Vec<(Entity, Role)>, ReviewError> {
    match base {
        Some(base) => delta_parties(store, versions, base),
        None => Ok(lists::load(store, &Selection::default())?.parties),
    }
}

/// A run left running by an interrupted process.
struct Unfinished {
    id: i64,
    mode: String,
    versions: String,
    base: Option<String>,
    resume_after: Option<String>,
}

/// Makes `party_targets` follow the current list versions: recomputed with sanctum-align
/// when they changed, else kept.
pub fn ensure_targets(
    review: &mut Review,
    store: &Store,
    versions: &Versions,
) -> Result<(), ReviewError> {
    let basis = serde_json::to_string(versions)
        .map_err(|e| ReviewError::Corrupt(format!("versions: {e}")))?;
    let stored: Option<String> = review.conn()?.query_opt(
        "SELECT list_versions FROM party_targets_basis WHERE id = 1",
        params![],
        |row| row.get(0),
    )?;
    if stored.as_deref() == Some(basis.as_str()) {
        return Ok(());
    }
    let records: Vec<Record> = store
        .current_entities(None)?
        .into_iter()
        .map(Record::current)
        .collect();
    let alignment = sanctum_align::align(records, &LinkOptions::default());
    let tx = review.write()?;
    tx.execute("DELETE FROM party_targets", params![])?;
    let mut links: Vec<(String, String)> = Vec::new();
    for target in &alignment.targets {
        if target.records.len() < 2 {
            continue;
        }
        let keys: Vec<String> = target
            .records
            .iter()
            .filter_map(|&r| alignment.records.get(r).map(|r| r.entity.id()))
            .collect();
        let Some(first) = keys.iter().min().cloned() else {
            continue;
        };
        links.extend(keys.into_iter().map(|key| (key, first.clone())));
    }
    // Many rows per statement: on PostgreSQL each statement is a network round trip.
    for batch in links.chunks(LINKS_PER_INSERT) {
        let rows: Vec<String> = (0..batch.len())
            .map(|i| format!("(?{}, ?{})", 2 * i + 1, 2 * i + 2))
            .collect();
        let values: Vec<Param<'_>> = batch
            .iter()
            .flat_map(|(party, target)| [Param::Text(party), Param::Text(target)])
            .collect();
        tx.execute(
            &format!(
                "INSERT INTO party_targets (party, target) VALUES {}",
                rows.join(", ")
            ),
            &values,
        )?;
    }
    tx.execute(
        "INSERT INTO party_targets_basis (id, list_versions) VALUES (1, ?1)
         ON CONFLICT (id) DO UPDATE SET list_versions = excluded.list_versions",
        params![basis],
    )?;
    tx.commit()?;
    Ok(())
}

/// Links stored per `INSERT` of [`ensure_targets`]: two parameters each, well under
/// SQLite's and PostgreSQL's limits on a statement's parameters.
const LINKS_PER_INSERT: usize = 500;

/// The target of a party and every party of it (itself alone when unlinked).
fn target_of(conn: &Connection, party: &str) -> Result<(String, Vec<String>), ReviewError> {
    let target: Option<String> = conn.query_opt(
        "SELECT target FROM party_targets WHERE party = ?1",
        params![party],
        |row| row.get(0),
    )?;
    let Some(target) = target else {
        return Ok((party.to_string(), vec![party.to_string()]));
    };
    let members: Vec<String> = conn.query_map(
        "SELECT party FROM party_targets WHERE target = ?1 ORDER BY party",
        params![target],
        |row| row.get(0),
    )?;
    Ok((target, members))
}

/// A target as an alert shows it.
struct TargetView {
    target: String,
    parties: Vec<String>,
    designations: Vec<Designated>,
    facets: Facets,
    fingerprint: String,
}

pub(crate) fn designated(entity: &Entity, hit: bool) -> Designated {
    Designated {
        party: entity.id(),
        caption: entity.caption().to_string(),
        lists: entity
            .designations
            .iter()
            .map(|d| format!("{} {}", d.authority, d.list))
            .collect(),
        programs: entity.programs().iter().map(|p| p.to_string()).collect(),
        hit,
    }
}

/// One customer's hit on one target, before it is recorded.
pub struct Hit<'a> {
    pub customer: &'a Customer,
    pub customer_facets: &'a Facets,
    pub target: String,
    pub parties: Vec<String>,
    pub designations: Vec<Designated>,
    pub party_facets: &'a Facets,
    pub party_fingerprint: &'a str,
    pub score: f64,
    pub explanation: serde_json::Value,
}

/// What [`record_hit`] did with a hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    Created,
    Reopened(Cause),
    Suppressed,
    AlreadyOpen,
    AlreadyDecided,
}

/// Records one hit (see the module doc), inside the chunk's transaction.
pub fn record_hit(
    conn: &Connection,
    review_policy: &workflow::Policy,
    run_id: i64,
    list_versions: &Versions,
    hit: &Hit<'_>,
    now: jiff::Timestamp,
) -> Result<Recorded, ReviewError> {
    let at = timestamp_text(now);
    let customer = hit.customer;
    let existing = alerts::find(conn, &customer.book, &customer.customer_id, &hit.parties)?;
    if let Some(alert) = &existing
        && alert.state != crate::AlertState::Closed
    {
        return Ok(Recorded::AlreadyOpen);
    }
    let remembered = memory::latest_for(conn, &customer.book, &customer.customer_id, &hit.parties)?;
    // The state the pair was last decided in: the memory's, else the closed alert's.
    let (decided_customer_fp, decided_customer_facets, decided_party_fp, decided_party_facets) =
        match (&remembered, &existing) {
            (Some(m), _) => (
                m.customer_fingerprint.as_str(),
                &m.customer_facets,
                m.party_fingerprint.as_str(),
                &m.party_facets,
            ),
            (None, Some(a)) => (
                a.customer_fingerprint.as_str(),
                &a.customer_facets,
                a.party_fingerprint.as_str(),
                &a.party_facets,
            ),
            (None, None) => ("", &serde_json::Value::Null, "", &serde_json::Value::Null),
        };
    let customer_changed = decided_customer_fp != customer.fingerprint;
    let party_changed = decided_party_fp != hit.party_fingerprint;
    let new_alert = |cause: Cause, changes: Option<serde_json::Value>| NewAlert {
        book: customer.book.clone(),
        customer_id: customer.customer_id.clone(),
        target: hit.target.clone(),
        cause,
        score: hit.score,
        customer_revision: customer.revision,
        customer_fingerprint: customer.fingerprint.clone(),
        customer_facets: json!(hit.customer_facets),
        party_fingerprint: hit.party_fingerprint.to_string(),
        party_facets: json!(hit.party_facets),
        designations: hit.designations.clone(),
        explanation: hit.explanation.clone(),
        list_versions: list_versions.clone(),
        changes,
        run_id: Some(run_id),
    };
    let Some(closed) = &existing else {
        alerts::insert(conn, &new_alert(Cause::NewHit, None), &at)?;
        return Ok(Recorded::Created);
    };
    if let Some(m) = &remembered
        && m.is_live(&at)
        && !customer_changed
        && !party_changed
    {
        conn.execute(
            "INSERT INTO suppressions (run_id, alert_id, memory_id, score) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (run_id, alert_id) DO UPDATE
             SET memory_id = excluded.memory_id, score = excluded.score",
            params![run_id, closed.id, m.id, hit.score],
        )?;
        return Ok(Recorded::Suppressed);
    }
    let cause = if party_changed {
        Cause::ListedChanged
    } else if customer_changed {
        Cause::CustomerChanged
    } else if remembered.is_some() {
        Cause::MemoryExpired
    } else if closed.decision == Some(crate::Decision::FalsePositive) {
        // Every false positive closed is remembered: none left means it was revoked.
        Cause::MemoryRevoked
    } else {
        // A confirmed match closed, and nothing changed since.
        return Ok(Recorded::AlreadyDecided);
    };
    let mut changes = serde_json::Map::new();
    if party_changed {
        let before = fingerprint::facets_from_json(decided_party_facets);
        changes.insert(
            "listed".into(),
            json!(fingerprint::diff(&before, hit.party_facets)),
        );
    }
    if customer_changed {
        let before = fingerprint::facets_from_json(decided_customer_facets);
        changes.insert(
            "customer".into(),
            json!(fingerprint::diff(&before, hit.customer_facets)),
        );
    }
    if let Some(m) = remembered.as_ref().filter(|m| !m.is_live(&at)) {
        changes.insert(
            "memory".into(),
            json!({"id": m.id, "expired_at": m.expires_at}),
        );
    }
    let changes = serde_json::Value::Object(changes);
    alerts::refresh(conn, closed.id, &new_alert(cause, Some(changes.clone())))?;
    workflow::decide(
        conn,
        review_policy,
        &Actor::system(),
        closed.id,
        &Action::Reopen {
            cause,
            changes: Some(changes),
        },
        now,
    )?;
    Ok(Recorded::Reopened(cause))
}

/// Whether an alert stands on an identifier match (the only alerts a customer whose names
/// have nothing to screen on may raise, as in `sanctum screen`).
fn identifier_matched(alert: &sanctum_screen::Alert) -> bool {
    alert
        .explanation
        .features
        .iter()
        .any(|f| f.feature == "identifier" && f.contribution > 0.0)
}

/// Screens one customer: its hits, best first, withdrawn ones left out. `None` when its
/// query cannot be prepared.
fn screen_customer(
    screener: &Screener,
    customer: &Customer,
    limits: &Limits,
) -> Option<Vec<sanctum_screen::Alert>> {
    let prepared = customer.fields.to_query().prepare_within(limits).ok()?;
    SCRATCH.with(|scratch| {
        let mut scratch = scratch.borrow_mut();
        let mut hits = screener.screen(&prepared.query, &mut scratch);
        hits.retain(|a| !a.status.is_withdrawn() && a.status != Status::AmendedAway);
        if prepared.warnings.contains(&QueryWarning::IdentifiersOnly) {
            hits.retain(identifier_matched);
        }
        Some(hits)
    })
}

/// Screens `book` and records the alerts; see the module doc.
pub fn screen_book(
    review: &mut Review,
    store: &Store,
    book: &str,
    mode: &Mode,
    options: &ScreenOptions,
) -> Result<RunSummary, ReviewError> {
    let started = std::time::Instant::now();
    book::check_customer_book(book)?;
    let versions = current_versions(store)?;
    ensure_targets(review, store, &versions)?;
    let versions_text = serde_json::to_string(&versions)
        .map_err(|e| ReviewError::Corrupt(format!("versions: {e}")))?;

    // A run left running: resumed when it screened the same lists in the same way.
    let unfinished: Option<Unfinished> = review.conn()?.query_opt(
        "SELECT id, mode, list_versions, base_versions, resume_after FROM runs
             WHERE book = ?1 AND status = 'running' ORDER BY id DESC LIMIT 1",
        params![book],
        |row| {
            Ok(Unfinished {
                id: row.get(0)?,
                mode: row.get(1)?,
                versions: row.get(2)?,
                base: row.get(3)?,
                resume_after: row.get(4)?,
            })
        },
    )?;
    let now = review.now();
    let mut summary = RunSummary {
        book: book.to_string(),
        mode: mode.name().to_string(),
        list_versions: versions.clone(),
        ..RunSummary::default()
    };
    let mut resume_after: Option<String> = None;
    let mut base_override = None;
    if let Some(Unfinished {
        id,
        mode: run_mode,
        versions: run_versions,
        base,
        resume_after: after,
    }) = unfinished
    {
        let resumable = run_mode == mode.name()
            && run_versions == versions_text
            && !matches!(mode, Mode::Customers(_));
        let tx = review.write()?;
        if resumable {
            summary.run_id = id;
            summary.resumed = true;
            resume_after = after;
            base_override = base
                .map(|b| serde_json::from_str::<Versions>(&b))
                .transpose()
                .map_err(|e| ReviewError::Corrupt(format!("run {id} base versions: {e}")))?;
        } else {
            tx.execute(
                "UPDATE runs SET status = 'abandoned', finished_at = ?2 WHERE id = ?1",
                params![id, timestamp_text(now)],
            )?;
            crate::audit::append(
                &tx,
                &timestamp_text(now),
                crate::model::SYSTEM_ACTOR,
                "screen.abandoned",
                &format!("run:{id}"),
                &json!({"book": book, "reason": "the lists or the mode changed since it stopped"}),
            )?;
        }
        tx.commit()?;
    }

    let base = if summary.resumed {
        // A resumed delta compares with the same base as when it started.
        base_override
    } else if *mode == Mode::Delta {
        last_done_versions(&review.conn()?, book)?
    } else {
        None
    };
    let parties = parties_for(store, &versions, base.as_ref())?;
    summary.base_versions = base.clone();
    summary.parties = parties.len();
    let screener = Screener::within(
        parties,
        MatchOptions {
            threshold: options.threshold,
            ..MatchOptions::default()
        },
        &options.limits,
    );

    if !summary.resumed {
        let base_text = base
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| ReviewError::Corrupt(format!("versions: {e}")))?;
        let tx = review.write()?;
        summary.run_id = tx.query_row(
            "INSERT INTO runs (book, mode, status, started_at, list_versions, base_versions,
                               threshold, matcher_version)
             VALUES (?1, ?2, 'running', ?3, ?4, ?5, ?6, ?7) RETURNING id",
            params![
                book,
                mode.name(),
                timestamp_text(now),
                versions_text,
                base_text,
                options.threshold,
                MATCHER_VERSION
            ],
            |row| row.get(0),
        )?;
        tx.commit()?;
    } else {
        let counts: (i64, i64, i64, i64, i64, i64) = review.conn()?.query_row(
            "SELECT customers, hits, alerts_created, realerts, suppressed, already_open
             FROM runs WHERE id = ?1",
            params![summary.run_id],
            |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                    row.get(5)?,
                ))
            },
        )?;
        summary.customers = counts.0.max(0) as u64;
        summary.hits = counts.1.max(0) as u64;
        summary.alerts_created = counts.2.max(0) as u64;
        summary.realerts = counts.3.max(0) as u64;
        summary.suppressed = counts.4.max(0) as u64;
        summary.already_open = counts.5.max(0) as u64;
    }

    // An empty delta screens nobody.
    let nothing_to_screen = screener.parties().is_empty();
    let mut targets: HashMap<String, (String, Vec<String>)> = HashMap::new();
    let mut views: HashMap<String, TargetView> = HashMap::new();
    let mut entities: HashMap<String, Entity> = HashMap::new();
    let mut pending_ids: Option<std::vec::IntoIter<String>> = match mode {
        Mode::Customers(ids) => {
            let mut ids = ids.clone();
            ids.sort();
            ids.dedup();
            Some(ids.into_iter())
        }
        _ => None,
    };
    let chunk_rows = options.chunk_rows.max(1);
    // Time spent reading customers, screening them, recording hits (SANCTUM_REVIEW_TRACE).
    let mut timings = [std::time::Duration::ZERO; 3];
    let mut chunks_done = 0;
    loop {
        if nothing_to_screen {
            break;
        }
        let lap = std::time::Instant::now();
        let customers: Vec<Customer> = match &mut pending_ids {
            Some(ids) => {
                let wanted: Vec<String> = ids.by_ref().take(chunk_rows).collect();
                let mut chunk = book::customers(&review.conn()?, book, &wanted)?;
                chunk.retain(|c| c.closed_at.is_none());
                if chunk.is_empty() && ids.len() == 0 {
                    break;
                }
                chunk
            }
            None => {
                let chunk = book::open_customers(
                    &review.conn()?,
                    book,
                    resume_after.as_deref(),
                    chunk_rows,
                )?;
                if chunk.is_empty() {
                    break;
                }
                chunk
            }
        };
        timings[0] += lap.elapsed();
        let lap = std::time::Instant::now();
        let screened: Vec<Option<Vec<sanctum_screen::Alert>>> = customers
            .par_iter()
            .map(|c| screen_customer(&screener, c, &options.limits))
            .collect();
        timings[1] += lap.elapsed();
        let lap = std::time::Instant::now();
        let now = review.now();
        let policy = review.policy.clone();
        let tx = review.write()?;
        for (customer, hits) in customers.iter().zip(screened) {
            summary.customers += 1;
            let Some(hits) = hits else {
                summary.skipped_customers += 1;
                continue;
            };
            if hits.is_empty() {
                continue;
            }
            // Group by target, best hit first.
            // Target → (its parties, the hits on them).
            type Grouped<'h> = BTreeMap<String, (Vec<String>, Vec<&'h sanctum_screen::Alert>)>;
            let mut by_target: Grouped<'_> = BTreeMap::new();
            for hit in &hits {
                let Some(party) = screener.parties().get(hit.party as usize) else {
                    continue;
                };
                let key = party.entity.id();
                entities
                    .entry(key.clone())
                    .or_insert_with(|| party.entity.clone());
                if !targets.contains_key(&key) {
                    let found = target_of(&tx, &key)?;
                    targets.insert(key.clone(), found);
                }
                let (target, parties) = &targets[&key];
                by_target
                    .entry(target.clone())
                    .or_insert_with(|| (parties.clone(), Vec::new()))
                    .1
                    .push(hit);
            }
            let customer_facets = customer.facets();
            for (target, (parties, target_hits)) in by_target {
                let Some(best) = target_hits
                    .iter()
                    .max_by(|a, b| a.score.total_cmp(&b.score))
                else {
                    continue;
                };
                if !views.contains_key(&target) {
                    for party in &parties {
                        if !entities.contains_key(party)
                            && let Some((source, id)) = party.split_once(':')
                            && let Some((entity, _)) = store.entity(source, id)?
                        {
                            entities.insert(party.clone(), entity);
                        }
                    }
                    let members: Vec<&Entity> =
                        parties.iter().filter_map(|p| entities.get(p)).collect();
                    let facets = fingerprint::target_facets(members.iter().copied());
                    let view = TargetView {
                        target: target.clone(),
                        designations: members.iter().map(|e| designated(e, false)).collect(),
                        fingerprint: fingerprint::fingerprint(&facets),
                        facets,
                        parties,
                    };
                    views.insert(target.clone(), view);
                }
                let view = &views[&target];
                let hit_parties: Vec<String> = target_hits
                    .iter()
                    .filter_map(|h| screener.parties().get(h.party as usize))
                    .map(|p| p.entity.id())
                    .collect();
                let designations = view
                    .designations
                    .iter()
                    .map(|d| Designated {
                        hit: hit_parties.contains(&d.party),
                        ..d.clone()
                    })
                    .collect();
                let explanation = serde_json::to_value(&best.explanation)
                    .map_err(|e| ReviewError::Corrupt(format!("explanation: {e}")))?;
                summary.hits += 1;
                let outcome = record_hit(
                    &tx,
                    &policy,
                    summary.run_id,
                    &versions,
                    &Hit {
                        customer,
                        customer_facets: &customer_facets,
                        target: view.target.clone(),
                        parties: view.parties.clone(),
                        designations,
                        party_facets: &view.facets,
                        party_fingerprint: &view.fingerprint,
                        score: best.score,
                        explanation,
                    },
                    now,
                )?;
                match outcome {
                    Recorded::Created => summary.alerts_created += 1,
                    Recorded::Reopened(cause) => {
                        summary.realerts += 1;
                        *summary
                            .realerts_by_cause
                            .entry(cause.as_str().to_string())
                            .or_default() += 1;
                    }
                    Recorded::Suppressed => summary.suppressed += 1,
                    Recorded::AlreadyOpen => summary.already_open += 1,
                    Recorded::AlreadyDecided => summary.already_decided += 1,
                }
            }
        }
        let last_id = customers.last().map(|c| c.customer_id.clone());
        tx.execute(
            "UPDATE runs SET resume_after = ?2, customers = ?3, hits = ?4, alerts_created = ?5,
                    realerts = ?6, suppressed = ?7, already_open = ?8 WHERE id = ?1",
            params![
                summary.run_id,
                last_id,
                summary.customers as i64,
                summary.hits as i64,
                summary.alerts_created as i64,
                summary.realerts as i64,
                summary.suppressed as i64,
                summary.already_open as i64
            ],
        )?;
        tx.commit()?;
        timings[2] += lap.elapsed();
        resume_after = last_id;
        chunks_done += 1;
        if options.stop_after_chunks == Some(chunks_done) {
            return Err(ReviewError::Usage(format!(
                "stopped after {chunks_done} chunks, as asked"
            )));
        }
    }
    summary.seconds = started.elapsed().as_secs_f64();
    if std::env::var_os("SANCTUM_REVIEW_TRACE").is_some() {
        eprintln!(
            "screen_book: read {:.1?}, screen {:.1?}, record {:.1?}, total {:.1?}",
            timings[0],
            timings[1],
            timings[2],
            started.elapsed()
        );
    }
    let at = timestamp_text(review.now());
    let tx = review.write()?;
    tx.execute(
        "UPDATE runs SET status = 'done', finished_at = ?2 WHERE id = ?1",
        params![summary.run_id, at],
    )?;
    crate::audit::append(
        &tx,
        &at,
        crate::model::SYSTEM_ACTOR,
        "screen.run",
        &format!("run:{}", summary.run_id),
        &json!({"book": book, "mode": summary.mode, "list_versions": summary.list_versions,
                "base_versions": summary.base_versions, "threshold": options.threshold,
                "matcher_version": MATCHER_VERSION, "customers": summary.customers,
                "hits": summary.hits, "alerts_created": summary.alerts_created,
                "realerts": summary.realerts, "suppressed": summary.suppressed,
                "already_open": summary.already_open, "resumed": summary.resumed}),
    )?;
    tx.commit()?;
    Ok(summary)
}

/// A suppressed hit, as listed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suppression {
    pub run_id: i64,
    pub alert_id: i64,
    pub memory_id: i64,
    pub score: f64,
}

/// The hits a run's memory suppressed (every run's when `run_id` is `None`).
pub fn suppressions(
    conn: &Connection,
    run_id: Option<i64>,
) -> Result<Vec<Suppression>, ReviewError> {
    conn.query_map(
        "SELECT run_id, alert_id, memory_id, score FROM suppressions
         WHERE CAST(?1 AS BIGINT) IS NULL OR run_id = ?1 ORDER BY run_id, alert_id",
        params![run_id],
        |row| {
            Ok(Suppression {
                run_id: row.get(0)?,
                alert_id: row.get(1)?,
                memory_id: row.get(2)?,
                score: row.get(3)?,
            })
        },
    )
}
