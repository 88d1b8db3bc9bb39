//! The review tables, beside the list store's tables in the same database (the SQLite
//! file or PostgreSQL), versioned apart from the store's schema: the store keeps its own
//! migrations, the review component has its row in `schema_components`, so either can
//! evolve without the other. Each step is written in both dialects side by side
//! ([`STEPS`]): a step added for one database is added for the other in the same place.

use crate::ReviewError;
use crate::db::{Connection, Dialect};
use crate::params;
use sanctum_store::Database;

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

/// Version 1 in PostgreSQL: see [`SCHEMA_V1`]. Row ids are `BIGSERIAL`, scores `DOUBLE
/// PRECISION`; text compared as ranges or sorted (ids, party keys, times) is `COLLATE "C"`,
/// byte order as in SQLite, so both return rows in one order and a source's party keys
/// stay one range. A trigger refuses changes to the audit trail, as SQLite's do.
const PG_V1: &str = r#"
CREATE TABLE IF NOT EXISTS users (
    name          TEXT COLLATE "C" PRIMARY KEY,
    role          TEXT NOT NULL CHECK (role IN ('analyst', 'reviewer', 'admin', 'auditor')),
    password_hash TEXT,
    disabled      BIGINT NOT NULL DEFAULT 0,
    created_at    TEXT COLLATE "C" NOT NULL
);

CREATE TABLE IF NOT EXISTS audit (
    seq       BIGINT PRIMARY KEY,
    at        TEXT COLLATE "C" NOT NULL,
    actor     TEXT NOT NULL,
    kind      TEXT NOT NULL,
    subject   TEXT COLLATE "C" NOT NULL,
    payload   TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE OR REPLACE FUNCTION sanctum_audit_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION sanctum_audit_append_only();
CREATE INDEX IF NOT EXISTS audit_by_subject ON audit (subject);

CREATE TABLE IF NOT EXISTS customers (
    book        TEXT COLLATE "C" NOT NULL,
    customer_id TEXT COLLATE "C" NOT NULL,
    revision    BIGINT NOT NULL,
    fingerprint TEXT NOT NULL,
    closed_at   TEXT COLLATE "C",
    updated_at  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (book, customer_id)
);
CREATE TABLE IF NOT EXISTS customer_revisions (
    book        TEXT COLLATE "C" NOT NULL,
    customer_id TEXT COLLATE "C" NOT NULL,
    revision    BIGINT NOT NULL,
    fields      TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    created_at  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (book, customer_id, revision)
);

CREATE TABLE IF NOT EXISTS runs (
    id              BIGSERIAL PRIMARY KEY,
    book            TEXT COLLATE "C" NOT NULL,
    mode            TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('running', 'done', 'abandoned')),
    started_at      TEXT COLLATE "C" NOT NULL,
    finished_at     TEXT COLLATE "C",
    list_versions   TEXT NOT NULL,
    base_versions   TEXT,
    threshold       DOUBLE PRECISION NOT NULL,
    matcher_version TEXT NOT NULL,
    resume_after    TEXT COLLATE "C",
    customers       BIGINT NOT NULL DEFAULT 0,
    hits            BIGINT NOT NULL DEFAULT 0,
    alerts_created  BIGINT NOT NULL DEFAULT 0,
    realerts        BIGINT NOT NULL DEFAULT 0,
    suppressed      BIGINT NOT NULL DEFAULT 0,
    already_open    BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS alerts (
    id                   BIGSERIAL PRIMARY KEY,
    book                 TEXT COLLATE "C" NOT NULL,
    customer_id          TEXT COLLATE "C" NOT NULL,
    target               TEXT COLLATE "C" NOT NULL,
    state                TEXT COLLATE "C" NOT NULL,
    cause                TEXT COLLATE "C" NOT NULL,
    score                DOUBLE PRECISION NOT NULL,
    customer_revision    BIGINT NOT NULL,
    customer_fingerprint TEXT NOT NULL,
    customer_facets      TEXT NOT NULL,
    party_fingerprint    TEXT NOT NULL,
    party_facets         TEXT NOT NULL,
    designations         TEXT NOT NULL,
    explanation          TEXT NOT NULL,
    list_versions        TEXT NOT NULL,
    changes              TEXT,
    run_id               BIGINT,
    created_at           TEXT COLLATE "C" NOT NULL,
    state_since          TEXT COLLATE "C" NOT NULL,
    assignee             TEXT COLLATE "C",
    lease_until          TEXT COLLATE "C",
    decision             TEXT COLLATE "C",
    reason               TEXT COLLATE "C",
    comment              TEXT,
    proposed_by          TEXT COLLATE "C",
    decided_by           TEXT COLLATE "C",
    UNIQUE (book, customer_id, target)
);
CREATE INDEX IF NOT EXISTS alerts_by_state ON alerts (state, id);
CREATE TABLE IF NOT EXISTS alert_parties (
    alert_id BIGINT NOT NULL REFERENCES alerts (id),
    party    TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (alert_id, party)
);
CREATE INDEX IF NOT EXISTS alert_parties_by_party ON alert_parties (party);

CREATE TABLE IF NOT EXISTS memory (
    id                     BIGSERIAL PRIMARY KEY,
    book                   TEXT COLLATE "C" NOT NULL,
    customer_id            TEXT COLLATE "C" NOT NULL,
    target                 TEXT COLLATE "C" NOT NULL,
    customer_fingerprint   TEXT NOT NULL,
    customer_facets        TEXT NOT NULL,
    party_fingerprint      TEXT NOT NULL,
    party_facets           TEXT NOT NULL,
    alert_id               BIGINT NOT NULL REFERENCES alerts (id),
    proposed_by            TEXT NOT NULL,
    approved_by            TEXT NOT NULL,
    created_at             TEXT COLLATE "C" NOT NULL,
    expires_at             TEXT COLLATE "C" NOT NULL,
    revocation_proposed_by TEXT,
    revoked_by             TEXT,
    revoked_at             TEXT COLLATE "C"
);
CREATE INDEX IF NOT EXISTS memory_by_customer ON memory (book, customer_id);
CREATE TABLE IF NOT EXISTS memory_parties (
    memory_id BIGINT NOT NULL REFERENCES memory (id),
    party     TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (memory_id, party)
);

CREATE TABLE IF NOT EXISTS suppressions (
    run_id    BIGINT NOT NULL REFERENCES runs (id),
    alert_id  BIGINT NOT NULL REFERENCES alerts (id),
    memory_id BIGINT NOT NULL REFERENCES memory (id),
    score     DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (run_id, alert_id)
);

CREATE TABLE IF NOT EXISTS party_targets (
    party  TEXT COLLATE "C" PRIMARY KEY,
    target TEXT COLLATE "C" NOT NULL
);
CREATE TABLE IF NOT EXISTS party_targets_basis (
    id            BIGINT PRIMARY KEY CHECK (id = 1),
    list_versions TEXT NOT NULL
);
"#;

/// Version 2 in PostgreSQL: see [`SCHEMA_V2`].
const PG_V2: &str = SCHEMA_V2;

/// Version 3 in PostgreSQL: see [`SCHEMA_V3`].
const PG_V3: &str = r#"
CREATE TABLE IF NOT EXISTS alert_programs (
    program  TEXT COLLATE "C" NOT NULL,
    alert_id BIGINT NOT NULL REFERENCES alerts (id),
    PRIMARY KEY (program, alert_id)
);
INSERT INTO alert_programs (program, alert_id)
    SELECT g.value, a.id FROM alerts a,
        jsonb_array_elements(a.designations::jsonb) d,
        jsonb_array_elements_text(COALESCE(d.value -> 'programs', '[]'::jsonb)) g
    ON CONFLICT DO NOTHING;
"#;

/// Version 4 in PostgreSQL: see [`SCHEMA_V4`].
const PG_V4: &str = "
CREATE TABLE IF NOT EXISTS payment_messages (
    alert_id  BIGINT PRIMARY KEY REFERENCES alerts (id),
    kind      TEXT NOT NULL,
    reference TEXT,
    sha256    TEXT NOT NULL UNIQUE,
    raw       TEXT NOT NULL
);
";

/// Version 5 in PostgreSQL: see [`SCHEMA_V5`].
const PG_V5: &str = SCHEMA_V5;

/// One migration of the review tables, in each dialect.
struct Step {
    sqlite: &'static str,
    postgres: &'static str,
}

/// Every migration, oldest first: step `i` brings the tables from version `i` to `i + 1`.
const STEPS: [Step; REVIEW_SCHEMA_VERSION as usize] = [
    Step {
        sqlite: SCHEMA_V1,
        postgres: PG_V1,
    },
    Step {
        sqlite: SCHEMA_V2,
        postgres: PG_V2,
    },
    Step {
        sqlite: SCHEMA_V3,
        postgres: PG_V3,
    },
    Step {
        sqlite: SCHEMA_V4,
        postgres: PG_V4,
    },
    Step {
        sqlite: SCHEMA_V5,
        postgres: PG_V5,
    },
];

/// The table that records each component's schema version (SQLite's version 1 creates it
/// too, as it always did).
const COMPONENTS_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_components (
    component TEXT PRIMARY KEY,
    version   BIGINT NOT NULL
)";

/// The PostgreSQL advisory lock key of review migrations ("review" in ASCII): processes
/// starting together on a new database wait for the one that migrates.
const MIGRATION_LOCK: i64 = 0x72_65_76_69_65_77;

fn component_version(conn: &Connection) -> Result<i64, ReviewError> {
    let has_table = match conn.dialect() {
        Dialect::Sqlite => conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_components')",
            params![],
            |row| row.get::<bool>(0),
        )?,
        Dialect::Postgres => conn.query_row(
            "SELECT to_regclass('schema_components') IS NOT NULL",
            params![],
            |row| row.get::<bool>(0),
        )?,
    };
    if !has_table {
        return Ok(0);
    }
    let found: Option<i64> = conn.query_opt(
        "SELECT version FROM schema_components WHERE component = ?1",
        params![COMPONENT],
        |row| row.get(0),
    )?;
    let found = found.unwrap_or(0);
    if found > REVIEW_SCHEMA_VERSION {
        return Err(ReviewError::UnsupportedSchema {
            found,
            supported: REVIEW_SCHEMA_VERSION,
        });
    }
    Ok(found)
}

/// Creates or upgrades the review tables in one transaction that holds the migration lock
/// (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: an advisory lock), so that when several
/// processes open a new store at once one migrates and the others wait and find it done.
pub fn migrate(db: &mut Database) -> Result<(), ReviewError> {
    let dialect = db.dialect();
    // An up-to-date store, every open but the first, takes no lock.
    if component_version(&Connection::new(db.read()?, dialect))? == REVIEW_SCHEMA_VERSION {
        return Ok(());
    }
    let tx = Connection::new(db.transaction()?, dialect);
    if dialect == Dialect::Postgres {
        tx.execute("SELECT pg_advisory_xact_lock(?1)", params![MIGRATION_LOCK])?;
    }
    let found = component_version(&tx)?;
    if found == REVIEW_SCHEMA_VERSION {
        return Ok(());
    }
    tx.execute_batch(COMPONENTS_TABLE)?;
    for step in STEPS.iter().skip(usize::try_from(found).unwrap_or(0)) {
        tx.execute_batch(match dialect {
            Dialect::Sqlite => step.sqlite,
            Dialect::Postgres => step.postgres,
        })?;
    }
    tx.execute(
        "INSERT INTO schema_components (component, version) VALUES (?1, ?2)
         ON CONFLICT (component) DO UPDATE SET version = excluded.version",
        params![COMPONENT, REVIEW_SCHEMA_VERSION],
    )?;
    tx.commit()
}
