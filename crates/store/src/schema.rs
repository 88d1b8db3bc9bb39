//! The store's schema and its migrations, in both dialects side by side ([`STEPS`]): a
//! migration added for one backend is added for the other in the same place.
//!
//! SQLite records the version in the database header (`PRAGMA user_version`), PostgreSQL in
//! a `schema_migrations` table (one row per migration, with when it ran); either is written
//! in the same transaction as the schema it describes, so a store is never seen with one and
//! not the other, and each migration runs once.

use crate::StoreError;
use rusqlite::{Connection, TransactionBehavior};

/// The schema version this build writes and reads.
pub const SCHEMA_VERSION: i64 = 5;

/// Version 1: publications, content-addressed party records, and membership spans.
/// `IF NOT EXISTS` throughout, so the step is harmless on a database that already has it.
const SCHEMA_V1: &str = "
CREATE TABLE IF NOT EXISTS versions (
    id          INTEGER PRIMARY KEY,
    source      TEXT    NOT NULL,
    seq         INTEGER NOT NULL,          -- per source, 1..
    published   TEXT,                      -- ISO partial date, as the publisher dates it
    fetched_at  TEXT    NOT NULL,          -- RFC 3339 UTC
    sha256      TEXT    NOT NULL,          -- of the published file
    file_name   TEXT    NOT NULL,
    party_count INTEGER NOT NULL,
    added       INTEGER NOT NULL,
    removed     INTEGER NOT NULL,
    amended     INTEGER NOT NULL,
    counts_json TEXT    NOT NULL,          -- party counts by kind
    UNIQUE (source, seq)
);

-- One row per distinct party record; versions that list the same record share it.
CREATE TABLE IF NOT EXISTS parties (
    hash TEXT PRIMARY KEY,                 -- sha256 of the entity's JSON
    data BLOB NOT NULL                     -- the entity's JSON
);

-- A party record's membership of a run of versions: from_seq <= seq < to_seq.
CREATE TABLE IF NOT EXISTS spans (
    id        INTEGER PRIMARY KEY,
    source    TEXT    NOT NULL,
    source_id TEXT    NOT NULL,
    hash      TEXT    NOT NULL REFERENCES parties (hash),
    from_seq  INTEGER NOT NULL,
    to_seq    INTEGER,                     -- exclusive; NULL while still current
    CHECK (to_seq IS NULL OR to_seq > from_seq)
);
CREATE INDEX IF NOT EXISTS spans_by_source_end ON spans (source, to_seq);
CREATE INDEX IF NOT EXISTS spans_by_source_party ON spans (source, source_id);
CREATE INDEX IF NOT EXISTS spans_by_party ON spans (source_id);
";

/// Version 2: a version made by a rollback names the version whose parties it restores.
const SCHEMA_V2: &str = "
ALTER TABLE versions ADD COLUMN restores INTEGER; -- seq restored by `rollback`; NULL otherwise
";

/// Version 3: each version's parties in publication order, for the check that a publication
/// is not the previous one cut short (see `Store::ingest`). Versions stored before it have
/// no order, and the check skips them.
const SCHEMA_V3: &str = "
CREATE TABLE IF NOT EXISTS version_order (
    version_id INTEGER PRIMARY KEY REFERENCES versions (id),
    ids        BLOB NOT NULL           -- JSON array of source_ids in publication order, deflated
);
";

/// Version 4: when a fetch last found a source's file unchanged, so that a source's age
/// restarts only on a confirmed fetch (a new version has its own `fetched_at`).
const SCHEMA_V4: &str = "
CREATE TABLE IF NOT EXISTS fetch_confirmations (
    source       TEXT PRIMARY KEY,
    sha256       TEXT NOT NULL,            -- the file fetched: the current version's
    confirmed_at TEXT NOT NULL             -- RFC 3339 UTC
);
";

/// Version 5: the cross-list alignment (which records of different publishers are one
/// target), kept with the list versions it was computed from (see `alignment.rs`). The
/// store holds each target's summary as JSON it does not read: its shape belongs to
/// sanctum-align, which computes it.
const SCHEMA_V5: &str = "
CREATE TABLE IF NOT EXISTS alignment_basis (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    list_versions TEXT NOT NULL,           -- `source:seq` of every source, comma-separated
    computed_at   TEXT NOT NULL            -- RFC 3339 UTC
);
CREATE TABLE IF NOT EXISTS alignment_targets (
    id      INTEGER PRIMARY KEY,           -- 0.. in the order stored
    summary TEXT NOT NULL                  -- JSON, sanctum-align's target summary
);
-- Each record of a target, `source:source_id`.
CREATE TABLE IF NOT EXISTS alignment_parties (
    party  TEXT PRIMARY KEY,
    target INTEGER NOT NULL REFERENCES alignment_targets (id)
) WITHOUT ROWID;
";

/// The PostgreSQL schema, step by step as [`STEPS`] numbers them. Integers are `BIGINT`
/// (read back as `i64` whatever they count); text the store sorts by is `COLLATE "C"`, so
/// PostgreSQL orders ids byte by byte as SQLite does and both return parties in one order.
const PG_V1: &str = r#"
CREATE TABLE versions (
    id          BIGSERIAL PRIMARY KEY,
    source      TEXT COLLATE "C" NOT NULL,
    seq         BIGINT NOT NULL,
    published   TEXT,
    fetched_at  TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    party_count BIGINT NOT NULL,
    added       BIGINT NOT NULL,
    removed     BIGINT NOT NULL,
    amended     BIGINT NOT NULL,
    counts_json TEXT NOT NULL,
    UNIQUE (source, seq)
);
CREATE TABLE parties (
    hash TEXT PRIMARY KEY,
    data BYTEA NOT NULL
);
CREATE TABLE spans (
    id        BIGSERIAL PRIMARY KEY,
    source    TEXT COLLATE "C" NOT NULL,
    source_id TEXT COLLATE "C" NOT NULL,
    hash      TEXT NOT NULL REFERENCES parties (hash),
    from_seq  BIGINT NOT NULL,
    to_seq    BIGINT,
    CHECK (to_seq IS NULL OR to_seq > from_seq)
);
CREATE INDEX spans_by_source_end ON spans (source, to_seq);
CREATE INDEX spans_by_source_party ON spans (source, source_id);
CREATE INDEX spans_by_party ON spans (source_id);
"#;
const PG_V2: &str = "ALTER TABLE versions ADD COLUMN restores BIGINT;";
const PG_V3: &str = "
CREATE TABLE version_order (
    version_id BIGINT PRIMARY KEY REFERENCES versions (id),
    ids        BYTEA NOT NULL
);
";
const PG_V4: &str = "
CREATE TABLE fetch_confirmations (
    source       TEXT PRIMARY KEY,
    sha256       TEXT NOT NULL,
    confirmed_at TEXT NOT NULL
);
";

/// Version 5 in PostgreSQL: see [`SCHEMA_V5`].
const PG_V5: &str = "
CREATE TABLE alignment_basis (
    id            BIGINT PRIMARY KEY CHECK (id = 1),
    list_versions TEXT NOT NULL,
    computed_at   TEXT NOT NULL
);
CREATE TABLE alignment_targets (
    id      BIGINT PRIMARY KEY,
    summary TEXT NOT NULL
);
CREATE TABLE alignment_parties (
    party  TEXT COLLATE \"C\" PRIMARY KEY,
    target BIGINT NOT NULL REFERENCES alignment_targets (id)
);
";

/// One migration: what it adds, in each dialect.
pub(crate) struct Step {
    pub description: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

/// Every migration, oldest first: step `i` brings a store from version `i` to `i + 1`.
pub(crate) const STEPS: [Step; SCHEMA_VERSION as usize] = [
    Step {
        description: "publications, party records and membership spans",
        sqlite: SCHEMA_V1,
        postgres: PG_V1,
    },
    Step {
        description: "a rollback names the version it restores",
        sqlite: SCHEMA_V2,
        postgres: PG_V2,
    },
    Step {
        description: "each version's parties in publication order",
        sqlite: SCHEMA_V3,
        postgres: PG_V3,
    },
    Step {
        description: "fetches that confirmed a source's current file",
        sqlite: SCHEMA_V4,
        postgres: PG_V4,
    },
    Step {
        description: "the cross-list alignment, with the list versions it was computed from",
        sqlite: SCHEMA_V5,
        postgres: PG_V5,
    },
];

fn unsupported(found: i64) -> Result<i64, StoreError> {
    if found > SCHEMA_VERSION {
        return Err(StoreError::UnsupportedSchema {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(found)
}

fn user_version(conn: &Connection) -> Result<i64, StoreError> {
    unsupported(conn.query_row("PRAGMA user_version", [], |row| row.get(0))?)
}

/// The versions a migration brought the store to, e.g. `[3, 4]`; empty when it was current.
fn applied_from(found: i64) -> Vec<i64> {
    (found + 1..=SCHEMA_VERSION).collect()
}

/// Creates the SQLite schema in an empty database, brings an older one up to date, or
/// checks that an existing one is one this build understands. Returns the migrations run.
///
/// Safe when several processes open a new store at once (a scheduled update starting with a
/// server): the steps run in one `BEGIN IMMEDIATE` transaction, which takes the write lock
/// before the version is read again, so one process migrates while the others wait (the
/// connection's busy timeout) and then find the work done. A half-created schema is never
/// left behind.
pub(crate) fn migrate_sqlite(conn: &mut Connection) -> Result<Vec<i64>, StoreError> {
    // An up-to-date store, every open but the first, takes no write lock.
    if user_version(conn)? == SCHEMA_VERSION {
        return Ok(Vec::new());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found = user_version(&tx)?;
    for step in STEPS.iter().skip(usize::try_from(found).unwrap_or(0)) {
        tx.execute_batch(step.sqlite)?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(applied_from(found))
}

/// The PostgreSQL advisory lock key of migrations ("sanctum" in ASCII): processes starting
/// together on a new database wait for the one that migrates.
const MIGRATION_LOCK: i64 = 0x73_61_6e_63_74_75_6d;

/// Brings a PostgreSQL database to [`SCHEMA_VERSION`], recording each migration in
/// `schema_migrations`; the same guarantees as [`migrate_sqlite`], with an advisory lock in
/// the place of SQLite's write lock. Returns the migrations run.
pub(crate) fn migrate_postgres(client: &mut postgres::Client) -> Result<Vec<i64>, StoreError> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version     BIGINT PRIMARY KEY,
             description TEXT NOT NULL,
             applied_at  TIMESTAMPTZ NOT NULL DEFAULT now()
         )",
    )?;
    let found: i64 = tx
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            &[],
        )?
        .get(0);
    let found = unsupported(found)?;
    for (index, step) in STEPS
        .iter()
        .enumerate()
        .skip(usize::try_from(found).unwrap_or(0))
    {
        tx.batch_execute(step.postgres)?;
        let version = index as i64 + 1;
        tx.execute(
            "INSERT INTO schema_migrations (version, description) VALUES ($1, $2)",
            &[&version, &step.description],
        )?;
    }
    tx.commit()?;
    Ok(applied_from(found))
}
