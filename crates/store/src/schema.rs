//! The SQLite schema and its migrations, versioned with `PRAGMA user_version`.
//!
//! The version lives in the database header and is written in the same transaction as the
//! schema it describes, so a store is never seen with one and not the other.

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

fn user_version(conn: &Connection) -> Result<i64, StoreError> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::UnsupportedSchema {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(found)
}

/// Creates the schema in an empty database, brings an older one up to date, or checks that
/// an existing one is one this build understands.
///
/// Safe when several processes open a new store at once (a scheduled update starting with a
/// server): the steps run in one `BEGIN IMMEDIATE` transaction, which takes the write lock
/// before the version is read again, so one process migrates while the others wait (the
/// connection's busy timeout) and then find the work done. A half-created schema is never
/// left behind.
pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    // An up-to-date store, every open but the first, takes no write lock.
    if user_version(conn)? == SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found = user_version(&tx)?;
    if found == SCHEMA_VERSION {
        return Ok(());
    }
    if found < 1 {
        tx.execute_batch(SCHEMA_V1)?;
    }
    if found < 2 {
        tx.execute_batch(SCHEMA_V2)?;
    }
    if found < 3 {
        tx.execute_batch(SCHEMA_V3)?;
    }
    if found < 4 {
        tx.execute_batch(SCHEMA_V4)?;
    }
    if found < 5 {
        tx.execute_batch(SCHEMA_V5)?;
    }
    // Later versions add their steps here: `if found < 6 { ... }`.
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(())
}
