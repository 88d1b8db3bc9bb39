//! The SQLite schema and its migrations, versioned with `PRAGMA user_version`.

use crate::StoreError;
use rusqlite::Connection;

/// The schema version this build writes and reads.
pub const SCHEMA_VERSION: i64 = 2;

/// Version 1: publications, content-addressed party records, and membership spans.
const SCHEMA_V1: &str = "
CREATE TABLE versions (
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
CREATE TABLE parties (
    hash TEXT PRIMARY KEY,                 -- sha256 of the entity's JSON
    data BLOB NOT NULL                     -- the entity's JSON
);

-- A party record's membership of a run of versions: from_seq <= seq < to_seq.
CREATE TABLE spans (
    id        INTEGER PRIMARY KEY,
    source    TEXT    NOT NULL,
    source_id TEXT    NOT NULL,
    hash      TEXT    NOT NULL REFERENCES parties (hash),
    from_seq  INTEGER NOT NULL,
    to_seq    INTEGER,                     -- exclusive; NULL while still current
    CHECK (to_seq IS NULL OR to_seq > from_seq)
);
CREATE INDEX spans_by_source_end ON spans (source, to_seq);
CREATE INDEX spans_by_source_party ON spans (source, source_id);
CREATE INDEX spans_by_party ON spans (source_id);
";

/// Version 2: when a fetch last found a source's file unchanged, so that a source's age
/// restarts only on a confirmed fetch (a new version has its own `fetched_at`).
const SCHEMA_V2: &str = "
CREATE TABLE fetch_confirmations (
    source       TEXT PRIMARY KEY,
    sha256       TEXT NOT NULL,            -- the file fetched: the current version's
    confirmed_at TEXT NOT NULL             -- RFC 3339 UTC
);
";

/// Creates the schema in an empty database, or checks that an existing one is one this
/// build understands. Runs in one transaction so a half-created schema is never left behind.
pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if found == SCHEMA_VERSION {
        return Ok(());
    }
    if found > SCHEMA_VERSION {
        return Err(StoreError::UnsupportedSchema {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    let tx = conn.transaction()?;
    if found < 1 {
        tx.execute_batch(SCHEMA_V1)?;
    }
    if found < 2 {
        tx.execute_batch(SCHEMA_V2)?;
    }
    // Later versions add their steps here: `if found < 3 { ... }`.
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(())
}
