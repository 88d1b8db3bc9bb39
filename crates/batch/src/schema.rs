//! The batch tables, in the crate's own recorded schema: `batch_schema_migrations` records
//! each step applied, as the store's `schema_migrations` does for its tables. Kept apart
//! from the store's migrations so that the list store's schema (and its version number,
//! which other crates follow) is not touched by a feature only PostgreSQL deployments use.
//!
//! - `batch_jobs`: one screening job: the file it came from, its settings (the list
//!   versions pinned at submission, threshold, alerts per row, programs) and whether it
//!   is open or cancelled.
//! - `batch_chunks`: the job's rows, a chunk at a time, with the queue's bookkeeping:
//!   `state` (pending, running, done, failed), `attempts`, `claim` (a fencing token raised
//!   by every claim, so a worker whose lease was taken over cannot complete the chunk),
//!   `lease_until` (database time, so workers' clocks do not matter), `error`, counts.
//! - `batch_results`: a done chunk's alert records, as `sanctum screen` writes them both in
//!   JSON lines (`alerts`) and in CSV without the header (`alerts_csv`, from schema version
//!   2; empty for chunks written before), and rejected rows, written in the transaction
//!   that marks the chunk done.

use postgres::Client;

/// The first key of the advisory lock migrations take ("sbat"), so that processes starting
/// at once apply each step once.
const MIGRATION_LOCK: i64 = 0x73_62_61_74;

/// Each step, applied in order, once, in one transaction.
const STEPS: &[&str] = &[
    r"
CREATE TABLE batch_jobs (
    id BIGSERIAL PRIMARY KEY,
    file_name TEXT NOT NULL,
    submitted_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'cancelled')),
    settings TEXT NOT NULL,
    chunk_rows INTEGER NOT NULL CHECK (chunk_rows > 0),
    max_attempts INTEGER NOT NULL CHECK (max_attempts > 0)
);
CREATE TABLE batch_chunks (
    job_id BIGINT NOT NULL REFERENCES batch_jobs (id) ON DELETE CASCADE,
    chunk_no INTEGER NOT NULL,
    first_line BIGINT NOT NULL,
    rows INTEGER NOT NULL,
    input TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'running', 'done', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    claim BIGINT NOT NULL DEFAULT 0,
    worker TEXT,
    lease_until TIMESTAMPTZ,
    error TEXT,
    rows_screened INTEGER,
    rows_rejected INTEGER,
    alerts INTEGER,
    rows_alerted INTEGER,
    finished_at TIMESTAMPTZ,
    PRIMARY KEY (job_id, chunk_no)
);
CREATE INDEX batch_chunks_open ON batch_chunks (job_id, chunk_no)
    WHERE state IN ('pending', 'running');
CREATE TABLE batch_results (
    job_id BIGINT NOT NULL,
    chunk_no INTEGER NOT NULL,
    alerts TEXT NOT NULL,
    rejects TEXT NOT NULL,
    PRIMARY KEY (job_id, chunk_no),
    FOREIGN KEY (job_id, chunk_no) REFERENCES batch_chunks (job_id, chunk_no) ON DELETE CASCADE
);
",
    // 2: the results in CSV too, so that `batch results --format csv` gives the lines of
    // `sanctum screen --format csv` (its explanation column is rendered by the matcher's
    // types, which the JSON lines cannot be read back into).
    "ALTER TABLE batch_results ADD COLUMN alerts_csv TEXT;",
];

/// The batch schema version this build writes.
pub const BATCH_SCHEMA_VERSION: i64 = STEPS.len() as i64;

/// Applies the steps not yet recorded; the versions applied, oldest first.
pub(crate) fn migrate(client: &mut Client) -> Result<Vec<i64>, postgres::Error> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS batch_schema_migrations (
             version BIGINT PRIMARY KEY,
             applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
    )?;
    let current: i64 = tx
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM batch_schema_migrations",
            &[],
        )?
        .get(0);
    let mut applied = Vec::new();
    for (version, step) in (1..).zip(STEPS) {
        if version <= current {
            continue;
        }
        tx.batch_execute(step)?;
        tx.execute(
            "INSERT INTO batch_schema_migrations (version) VALUES ($1)",
            &[&version],
        )?;
        applied.push(version);
    }
    tx.commit()?;
    Ok(applied)
}
