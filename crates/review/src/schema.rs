//! The review tables, in the list store's SQLite file, versioned apart from the store's
//! schema: the store keeps `PRAGMA user_version` for itself, the review component has its
//! row in `schema_components`, so either can evolve without the other.

use crate::ReviewError;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

/// The name of this component's row in `schema_components`.
pub const COMPONENT: &str = "review";
/// The review schema version this build writes and reads.
pub const REVIEW_SCHEMA_VERSION: i64 = 5;

const SCHEMA_V1: &str = "
CREATE TABLE IF NOT EXISTS schema_components (
    component TEXT PRIMARY KEY,
    version   INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS users (
    name          TEXT PRIMARY KEY,
    role          TEXT NOT NULL CHECK (role IN ('analyst', 'reviewer', 'admin', 'auditor')),
    password_hash TEXT,                       -- argon2 PHC string; NULL: API keys only
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL
);

-- Append-only and hash-chained: see audit.rs. The triggers refuse any change or deletion,
-- so rewriting history needs a deliberate schema change, which `audit verify` then exposes.
CREATE TABLE IF NOT EXISTS audit (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    kind      TEXT NOT NULL,
    subject   TEXT NOT NULL,
    payload   TEXT NOT NULL,                  -- JSON, hashed as stored
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE INDEX IF NOT EXISTS audit_by_subject ON audit (subject);

-- The customer book: one row per customer, pointing at its latest revision.
CREATE TABLE IF NOT EXISTS customers (
    book        TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    revision    INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    closed_at   TEXT,                         -- set by `--replace` or `book remove`
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (book, customer_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS customer_revisions (
    book        TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    revision    INTEGER NOT NULL,
    fields      TEXT NOT NULL,                -- JSON of book::CustomerFields
    fingerprint TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (book, customer_id, revision)
) WITHOUT ROWID;

-- Screening runs: what they screened against and what they found.
CREATE TABLE IF NOT EXISTS runs (
    id              INTEGER PRIMARY KEY,
    book            TEXT NOT NULL,
    mode            TEXT NOT NULL,            -- full | delta | customers
    status          TEXT NOT NULL CHECK (status IN ('running', 'done', 'abandoned')),
    started_at      TEXT NOT NULL,
    finished_at     TEXT,
    list_versions   TEXT NOT NULL,            -- JSON {source: seq}
    base_versions   TEXT,                     -- delta: JSON {source: seq}
    threshold       REAL NOT NULL,
    matcher_version TEXT NOT NULL,
    resume_after    TEXT,                     -- last customer id of the last committed chunk
    customers       INTEGER NOT NULL DEFAULT 0,
    hits            INTEGER NOT NULL DEFAULT 0,
    alerts_created  INTEGER NOT NULL DEFAULT 0,
    realerts        INTEGER NOT NULL DEFAULT 0,
    suppressed      INTEGER NOT NULL DEFAULT 0,
    already_open    INTEGER NOT NULL DEFAULT 0
);

-- One alert per (customer, target); a target is one party across lists.
CREATE TABLE IF NOT EXISTS alerts (
    id                   INTEGER PRIMARY KEY,
    book                 TEXT NOT NULL,
    customer_id          TEXT NOT NULL,
    target               TEXT NOT NULL,       -- the target's first party key (source:source_id)
    state                TEXT NOT NULL,
    cause                TEXT NOT NULL,
    score                REAL NOT NULL,
    customer_revision    INTEGER NOT NULL,
    customer_fingerprint TEXT NOT NULL,
    customer_facets      TEXT NOT NULL,
    party_fingerprint    TEXT NOT NULL,
    party_facets         TEXT NOT NULL,
    designations         TEXT NOT NULL,       -- JSON [Designated]
    explanation          TEXT NOT NULL,       -- JSON, the matcher's
    list_versions        TEXT NOT NULL,
    changes              TEXT,                -- JSON facet diff of a re-alert
    run_id               INTEGER,
    created_at           TEXT NOT NULL,
    state_since          TEXT NOT NULL,
    assignee             TEXT,
    lease_until          TEXT,
    decision             TEXT,
    reason               TEXT,
    comment              TEXT,
    proposed_by          TEXT,
    decided_by           TEXT,
    UNIQUE (book, customer_id, target)
);
CREATE INDEX IF NOT EXISTS alerts_by_state ON alerts (state, id);
CREATE TABLE IF NOT EXISTS alert_parties (
    alert_id INTEGER NOT NULL REFERENCES alerts (id),
    party    TEXT NOT NULL,
    PRIMARY KEY (alert_id, party)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS alert_parties_by_party ON alert_parties (party);

-- The false-positive memory.
CREATE TABLE IF NOT EXISTS memory (
    id                     INTEGER PRIMARY KEY,
    book                   TEXT NOT NULL,
    customer_id            TEXT NOT NULL,
    target                 TEXT NOT NULL,
    customer_fingerprint   TEXT NOT NULL,
    customer_facets        TEXT NOT NULL,
    party_fingerprint      TEXT NOT NULL,
    party_facets           TEXT NOT NULL,
    alert_id               INTEGER NOT NULL REFERENCES alerts (id),
    proposed_by            TEXT NOT NULL,
    approved_by            TEXT NOT NULL,
    created_at             TEXT NOT NULL,
    expires_at             TEXT NOT NULL,
    revocation_proposed_by TEXT,
    revoked_by             TEXT,
    revoked_at             TEXT
);
CREATE INDEX IF NOT EXISTS memory_by_customer ON memory (book, customer_id);
CREATE TABLE IF NOT EXISTS memory_parties (
    memory_id INTEGER NOT NULL REFERENCES memory (id),
    party     TEXT NOT NULL,
    PRIMARY KEY (memory_id, party)
) WITHOUT ROWID;

-- Hits a memory suppressed, per run: counted and listable, never silent.
CREATE TABLE IF NOT EXISTS suppressions (
    run_id    INTEGER NOT NULL REFERENCES runs (id),
    alert_id  INTEGER NOT NULL REFERENCES alerts (id),
    memory_id INTEGER NOT NULL REFERENCES memory (id),
    score     REAL NOT NULL,
    PRIMARY KEY (run_id, alert_id)
) WITHOUT ROWID;

-- Cross-list links (align), kept with the list versions they were computed for.
CREATE TABLE IF NOT EXISTS party_targets (
    party  TEXT PRIMARY KEY,
    target TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS party_targets_basis (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    list_versions TEXT NOT NULL
);
";

/// Version 2, for the HTTP API: an alert's memory entries found without a scan
/// (`GET /v1/alerts/{id}`), the alerts counted per state over a score range from the
/// index alone (`GET /v1/alerts?min_score=`), and lapsed claims found among thousands
/// held without reading each (claim-next).
const SCHEMA_V2: &str = "
CREATE INDEX IF NOT EXISTS memory_by_alert ON memory (alert_id);
CREATE INDEX IF NOT EXISTS alerts_by_state_score ON alerts (state, score);
CREATE INDEX IF NOT EXISTS alerts_by_state_lease ON alerts (state, lease_until);
";

/// Version 3: each alert's programs in a table of their own, so that a program filter
/// (`GET /v1/alerts?program=`, the queue's) and its counts per state are an index lookup
/// rather than a read of every alert's designations (1.5 s over 100k alerts). Filled from
/// the designations of the alerts already stored.
const SCHEMA_V3: &str = "
CREATE TABLE IF NOT EXISTS alert_programs (
    program  TEXT NOT NULL,
    alert_id INTEGER NOT NULL REFERENCES alerts (id),
    PRIMARY KEY (program, alert_id)
) WITHOUT ROWID;
INSERT OR IGNORE INTO alert_programs (program, alert_id)
    SELECT g.value, a.id FROM alerts a, json_each(a.designations) d,
        json_each(d.value, '$.programs') g;
";

/// Version 4: held payment messages ([`crate::payments`]). Each is an alert of the book
/// `payments`; this table keeps the message as received (the analyst reads it, the hits'
/// byte spans point into it) and its reference, beside the alert rather than in its facets
/// so that a page of alerts never carries whole messages.
const SCHEMA_V4: &str = "
CREATE TABLE IF NOT EXISTS payment_messages (
    alert_id  INTEGER PRIMARY KEY REFERENCES alerts (id),
    kind      TEXT NOT NULL,                  -- MT103, pacs.008.001.08, ...
    reference TEXT,                           -- MT field 20, MX MsgId or BizMsgIdr
    sha256    TEXT NOT NULL UNIQUE,           -- of the raw message: recorded once
    raw       TEXT NOT NULL                   -- the verdict is the alert's explanation
);
";

/// Version 5, for the analyst's queue page over 100k alerts: the alerts counted per state
/// by age in their state from the index alone (the age filter, 300 ms as a read of every
/// alert), and a book's page of alerts read in id order from its index rather than every
/// alert of the book sorted (the book filter, 40 ms).
const SCHEMA_V5: &str = "
CREATE INDEX IF NOT EXISTS alerts_by_state_since ON alerts (state, state_since);
CREATE INDEX IF NOT EXISTS alerts_by_book ON alerts (book, id);
";

fn component_version(conn: &Connection) -> Result<i64, ReviewError> {
    let has_table: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_components')",
        [],
        |row| row.get(0),
    )?;
    if !has_table {
        return Ok(0);
    }
    let found: Option<i64> = conn
        .query_row(
            "SELECT version FROM schema_components WHERE component = ?1",
            params![COMPONENT],
            |row| row.get(0),
        )
        .optional()?;
    let found = found.unwrap_or(0);
    if found > REVIEW_SCHEMA_VERSION {
        return Err(ReviewError::UnsupportedSchema {
            found,
            supported: REVIEW_SCHEMA_VERSION,
        });
    }
    Ok(found)
}

/// Creates or upgrades the review tables in one `BEGIN IMMEDIATE` transaction (several
/// processes opening a new store at once: one migrates, the others wait and find it done).
pub fn migrate(conn: &mut Connection) -> Result<(), ReviewError> {
    if component_version(conn)? == REVIEW_SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found = component_version(&tx)?;
    if found == REVIEW_SCHEMA_VERSION {
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
    tx.execute(
        "INSERT INTO schema_components (component, version) VALUES (?1, ?2)
         ON CONFLICT (component) DO UPDATE SET version = ?2",
        params![COMPONENT, REVIEW_SCHEMA_VERSION],
    )?;
    tx.commit()?;
    Ok(())
}
