//! Distributed batch screening: a customer file screened by any number of workers, on any
//! machines that reach one PostgreSQL database.
//!
//! `sanctum batch submit FILE → submit (InputReader, rows chunked) → Queue: batch_jobs +
//! batch_chunks, one transaction → sanctum worker × M: Queue::claim (FOR UPDATE SKIP
//! LOCKED, a lease) → Screener of the pinned versions → sanctum_screen::screen_rows →
//! Queue::complete (alerts + done, one transaction) → sanctum batch results (chunks in
//! order)`.
//!
//! - [`submit`]: reads the file as `sanctum screen` does (same reader, same line numbers,
//!   same rejected rows), pins the list versions current at submission ([`JobSettings`]),
//!   and stores the job and its chunks in one transaction: a failed submission leaves
//!   nothing behind.
//! - [`Queue`]: the job tables (their own recorded schema, `schema.rs`) and every
//!   statement on them. A claim raises the chunk's fencing token; completing writes the
//!   chunk's results and marks it done in one transaction, and only under the token it was
//!   claimed with, so a chunk's results are written exactly once however workers die.
//! - [`run_worker`]: the worker loop. It renews its lease while it screens; a worker killed
//!   mid-chunk stops renewing, and the chunk is claimed again when the lease ends; a chunk
//!   failing its job's `max_attempts` ([`SubmitOptions`]) times (or whose leases lapse
//!   that often) is marked failed with its error. The database lost mid-run: every queue statement is
//!   retried with backoff on a new connection; a completion whose commit went unanswered is
//!   looked up, never written twice.
//!
//! PostgreSQL only: the point is a queue shared by machines, which a SQLite file on one
//! disk cannot be (nor has SQLite `SKIP LOCKED`); on one machine `sanctum screen` uses every
//! core, and `sanctum screen --shard i/N` splits a file with no database at all.

mod queue;
mod rows;
mod schema;
mod submit;
mod worker;

pub use queue::{ChunkFailure, Claim, JobState, JobStatus, Queue};
pub use schema::BATCH_SCHEMA_VERSION;
pub use submit::{JobSettings, SubmitOptions, Submitted, submit};
pub use worker::{WorkerOptions, WorkerReport, run_worker};

/// Everything that can go wrong in batch screening. Nothing here panics.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// A statement failed; `transient` when a retry on a new connection may succeed (the
    /// connection was lost, the server is shutting down, a serialization failure).
    #[error("PostgreSQL at {location}: {message}")]
    Database {
        location: String,
        message: String,
        transient: bool,
    },
    #[error(
        "the batch tables use schema version {found}, newer than the {supported} this sanctum understands; upgrade sanctum"
    )]
    UnsupportedSchema { found: i64, supported: i64 },
    #[error("no batch job {0} (see `sanctum batch status`)")]
    NoSuchJob(i64),
    /// A job that cannot give what was asked (results of a job still running …).
    #[error("job {job}: {reason}")]
    Job { job: i64, reason: String },
    /// Stored data that cannot be read back.
    #[error("corrupt batch data in {item}: {reason}")]
    Corrupt { item: String, reason: String },
    #[error(transparent)]
    Screen(#[from] sanctum_screen::ScreenError),
    #[error(transparent)]
    Store(#[from] sanctum_store::StoreError),
    #[error("{0}")]
    Usage(String),
}

impl BatchError {
    /// Whether retrying on a new connection may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            BatchError::Database {
                transient: true,
                ..
            }
        )
    }
}

pub type Result<T, E = BatchError> = std::result::Result<T, E>;
