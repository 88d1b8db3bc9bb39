//! The job queue in PostgreSQL: every statement on the batch tables, and the connection
//! they run on, reopened after a loss.
//!
//! A chunk moves `pending → running (claimed, leased) → done | pending (failed, attempts
//! left) | failed`; a running chunk whose lease ran out is claimable again. Each claim
//! raises the chunk's `claim` token; renewing, completing and failing a chunk all name the
//! token they hold, so a worker that lost its lease changes nothing.

use crate::rows::StoredRow;
use crate::submit::JobSettings;
use crate::{BatchError, Result, schema};
use postgres::fallible_iterator::FallibleIterator;
use postgres::{Client, NoTls};
use sanctum_screen::output::OutputFormat;
use serde::Serialize;
use std::time::{Duration, Instant};

/// How long opening a connection may take before the database counts as unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The first pause before a retry, doubled after each failure up to [`RETRY_PAUSE_MAX`].
pub(crate) const RETRY_PAUSE_FIRST: Duration = Duration::from_millis(200);
pub(crate) const RETRY_PAUSE_MAX: Duration = Duration::from_secs(5);

/// Chunk states, as the `state` column spells them.
const PENDING: &str = "pending";
const RUNNING: &str = "running";
const DONE: &str = "done";
const FAILED: &str = "failed";

/// A chunk a worker holds: its rows and the token of its claim.
#[derive(Debug)]
pub struct Claim {
    pub job: i64,
    pub chunk: i32,
    /// Which claim of the chunk this is (1 for the first).
    pub attempt: i32,
    token: i64,
    /// The job's settings as stored (compared as text to reuse a worker's screener).
    pub(crate) settings: String,
    /// The chunk's rows as stored; read by [`Claim::rows`], whose error fails the chunk
    /// rather than the worker.
    input: String,
}

impl Claim {
    pub(crate) fn rows(&self) -> Result<Vec<StoredRow>> {
        serde_json::from_str(&self.input).map_err(|e| BatchError::Corrupt {
            item: format!("chunk {} of job {}", self.chunk, self.job),
            reason: e.to_string(),
        })
    }
}

/// What a completed chunk writes.
pub(crate) struct ChunkOutput {
    /// Alert records, JSON lines.
    pub alerts_jsonl: String,
    /// The same records in CSV, without the header row.
    pub alerts_csv: String,
    /// Rejected rows, JSON lines.
    pub rejects_jsonl: String,
    pub rows_screened: i32,
    pub rows_rejected: i32,
    pub alerts: i32,
    pub rows_alerted: i32,
}

/// Whether a completion was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Completion {
    /// Done: the results are stored (by this call, or by an earlier try of it whose commit
    /// went unanswered).
    Written,
    /// The lease was taken over (or the job cancelled): nothing was written.
    LeaseLost,
}

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// No chunk claimed yet.
    Queued,
    Running,
    /// Every chunk done.
    Done,
    /// Every chunk done or failed, some failed.
    Failed,
    Cancelled,
}

/// A chunk that failed for good.
#[derive(Debug, Clone, Serialize)]
pub struct ChunkFailure {
    pub chunk: i32,
    /// The line of its first row in the file.
    pub first_line: i64,
    pub attempts: i32,
    pub error: String,
}

/// `sanctum batch status`: a job's progress and counts.
#[derive(Debug, Clone, Serialize)]
pub struct JobStatus {
    pub job: i64,
    pub file_name: String,
    pub submitted_at: String,
    pub state: JobState,
    pub chunk_rows: i32,
    pub chunks: i64,
    pub pending: i64,
    pub running: i64,
    pub done: i64,
    pub failed: i64,
    /// Chunks claimed more than once (a worker died, lost its lease, or the chunk failed).
    pub claimed_again: i64,
    pub rows: i64,
    /// Counts of the done chunks.
    pub rows_screened: i64,
    pub rows_rejected: i64,
    pub alerts: i64,
    pub rows_alerted: i64,
    /// The list versions the job screens against.
    pub versions: Vec<(String, u32)>,
    pub failures: Vec<ChunkFailure>,
}

/// The connection to the batch tables.
pub struct Queue {
    config: postgres::Config,
    /// The URL without its password, for messages.
    location: String,
    client: Option<Client>,
    /// How long a statement is retried across a lost database before the error stands
    /// (zero: not retried).
    retry_for: Duration,
}

impl Queue {
    /// Connects to the database at `url`, migrating the batch tables. An unreachable
    /// database is an error naming the URL without its password.
    pub fn connect(url: &str) -> Result<Queue> {
        let location = sanctum_store::DatabaseUrl::parse(url)?.redacted();
        let mut config: postgres::Config = url.parse().map_err(|e| BatchError::Database {
            location: location.clone(),
            message: describe(&e),
            transient: false,
        })?;
        config.connect_timeout(CONNECT_TIMEOUT);
        if config.get_application_name().is_none() {
            config.application_name("sanctum-batch");
        }
        let mut queue = Queue {
            config,
            location,
            client: None,
            retry_for: Duration::ZERO,
        };
        let location = queue.location.clone();
        let client = queue.client()?;
        let db = |e: postgres::Error| database_error(&location, &e);
        let recorded: bool = client
            .query_one(
                "SELECT to_regclass('batch_schema_migrations') IS NOT NULL",
                &[],
            )
            .map_err(db)?
            .get(0);
        let found: Option<i64> = if recorded {
            client
                .query_one("SELECT MAX(version) FROM batch_schema_migrations", &[])
                .map_err(db)?
                .get(0)
        } else {
            None
        };
        if let Some(found) = found
            && found > schema::BATCH_SCHEMA_VERSION
        {
            return Err(BatchError::UnsupportedSchema {
                found,
                supported: schema::BATCH_SCHEMA_VERSION,
            });
        }
        schema::migrate(client).map_err(|e| database_error(&location, &e))?;
        Ok(queue)
    }

    /// Retries each statement that fails for a lost connection, with backoff, for up to
    /// `window` (a worker rides out a database restart; a command fails at once).
    pub fn retry_for(&mut self, window: Duration) {
        self.retry_for = window;
    }

    /// The URL without its password.
    pub fn location(&self) -> &str {
        &self.location
    }

    fn client(&mut self) -> Result<&mut Client> {
        if self.client.as_ref().is_none_or(Client::is_closed) {
            let client = self
                .config
                .connect(NoTls)
                .map_err(|e| database_error(&self.location, &e))?;
            self.client = Some(client);
        }
        self.client.as_mut().ok_or_else(|| BatchError::Database {
            location: self.location.clone(),
            message: "no connection".to_string(),
            transient: true,
        })
    }

    /// Runs `op` on the connection; a transient failure drops the connection and, within
    /// the retry window, tries again on a new one after a pause that doubles each time.
    fn retrying<T>(&mut self, op: impl FnMut(&mut Client) -> Result<T>) -> Result<T> {
        self.retrying_within(self.retry_for, op)
    }

    /// [`Queue::retrying`] with a window of its own, at most the queue's.
    fn retrying_within<T>(
        &mut self,
        window: Duration,
        mut op: impl FnMut(&mut Client) -> Result<T>,
    ) -> Result<T> {
        let window = window.min(self.retry_for);
        let started = Instant::now();
        let mut pause = RETRY_PAUSE_FIRST;
        loop {
            let outcome = self.client().and_then(&mut op);
            match outcome {
                Err(e) if e.is_transient() => {
                    self.client = None;
                    if started.elapsed() + pause > window {
                        return Err(e);
                    }
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(RETRY_PAUSE_MAX);
                }
                other => return other,
            }
        }
    }

    /// Stores a job and its chunks in one transaction; its id.
    pub(crate) fn insert_job(
        &mut self,
        file_name: &str,
        settings: &JobSettings,
        chunk_rows: i32,
        max_attempts: i32,
        chunks: &mut dyn Iterator<Item = Result<Vec<StoredRow>>>,
    ) -> Result<i64> {
        let location = self.location.clone();
        let db = |e: postgres::Error| database_error(&location, &e);
        let settings = serde_json::to_string(settings).map_err(|e| BatchError::Corrupt {
            item: "the job's settings".to_string(),
            reason: e.to_string(),
        })?;
        let client = self.client()?;
        let mut tx = client.transaction().map_err(db)?;
        let job: i64 = tx
            .query_one(
                "INSERT INTO batch_jobs (file_name, settings, chunk_rows, max_attempts) \
                 VALUES ($1, $2, $3, $4) RETURNING id",
                &[&file_name, &settings, &chunk_rows, &max_attempts],
            )
            .map_err(db)?
            .get(0);
        let insert = tx
            .prepare(
                "INSERT INTO batch_chunks (job_id, chunk_no, first_line, rows, input) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .map_err(db)?;
        for (chunk_no, rows) in (0_i32..).zip(chunks) {
            let rows = rows?;
            let first_line = rows.first().map_or(0, StoredRow::line);
            let first_line = i64::try_from(first_line).unwrap_or(i64::MAX);
            let count = i32::try_from(rows.len()).unwrap_or(i32::MAX);
            let input = serde_json::to_string(&rows).map_err(|e| BatchError::Corrupt {
                item: format!("chunk {chunk_no} of the submission"),
                reason: e.to_string(),
            })?;
            tx.execute(&insert, &[&job, &chunk_no, &first_line, &count, &input])
                .map_err(db)?;
        }
        tx.commit().map_err(db)?;
        Ok(job)
    }

    /// Claims the first claimable chunk of the oldest open job (pending, or running with
    /// its lease run out), leasing it to `worker` for `lease`; `None` when there is none.
    /// Chunks whose leases ran out as many times as their job allows attempts are marked
    /// failed first: a chunk that kills every worker taking it does not go round forever.
    pub fn claim(&mut self, worker: &str, lease: Duration) -> Result<Option<Claim>> {
        let lease_seconds = lease.as_secs_f64();
        let location = self.location.clone();
        let row = self.retrying(|client| {
            let db = |e: postgres::Error| database_error(&location, &e);
            client
                .execute(
                    "UPDATE batch_chunks c SET state = 'failed', lease_until = NULL, \
                       error = 'its lease ran out ' || c.attempts || ' times: the workers \
                                holding it stopped (killed, or cut off from the database)' \
                       FROM batch_jobs j \
                      WHERE j.id = c.job_id AND c.state = 'running' \
                        AND c.lease_until < now() AND c.attempts >= j.max_attempts",
                    &[],
                )
                .map_err(db)?;
            client
                .query_opt(
                    "WITH next AS ( \
                       SELECT c.job_id, c.chunk_no FROM batch_chunks c \
                         JOIN batch_jobs j ON j.id = c.job_id \
                        WHERE j.state = 'open' AND c.attempts < j.max_attempts \
                          AND (c.state = 'pending' \
                               OR (c.state = 'running' AND c.lease_until < now())) \
                        ORDER BY c.job_id, c.chunk_no \
                        LIMIT 1 \
                        FOR UPDATE OF c SKIP LOCKED) \
                     UPDATE batch_chunks c SET state = 'running', attempts = c.attempts + 1, \
                            claim = c.claim + 1, worker = $1, \
                            lease_until = now() + make_interval(secs => $2) \
                       FROM next, batch_jobs j \
                      WHERE c.job_id = next.job_id AND c.chunk_no = next.chunk_no \
                        AND j.id = c.job_id \
                  RETURNING c.job_id, c.chunk_no, c.attempts, c.claim, c.input, j.settings",
                    &[&worker, &lease_seconds],
                )
                .map_err(db)
        })?;
        let Some(row) = row else {
            return Ok(None);
        };
        Ok(Some(Claim {
            job: row.get(0),
            chunk: row.get(1),
            attempt: row.get(2),
            token: row.get(3),
            input: row.get(4),
            settings: row.get(5),
        }))
    }

    /// Extends the lease of a chunk still held under `claim`; false when it is no longer
    /// (taken over after the lease ran out, or the job cancelled). Retried on a new
    /// connection until the next renewal is due (`renew_every`): a connection the server
    /// ended while the worker screened (a restart, an idle timeout, a failover) costs a
    /// reconnection, not a renewal, and a worker whose every renewal found its connection
    /// gone would otherwise lose its lease.
    pub(crate) fn renew(
        &mut self,
        claim: &Claim,
        lease: Duration,
        renew_every: Duration,
    ) -> Result<bool> {
        let location = self.location.clone();
        let changed = self.retrying_within(renew_every, |client| {
            client
                .execute(
                    "UPDATE batch_chunks SET lease_until = now() + make_interval(secs => $4) \
                      WHERE job_id = $1 AND chunk_no = $2 AND claim = $3 AND state = 'running' \
                        AND EXISTS (SELECT 1 FROM batch_jobs WHERE id = $1 AND state = 'open')",
                    &[&claim.job, &claim.chunk, &claim.token, &lease.as_secs_f64()],
                )
                .map_err(|e| database_error(&location, &e))
        })?;
        Ok(changed == 1)
    }

    /// Writes a chunk's results and marks it done, in one transaction, if it is still held
    /// under `claim`. A commit whose answer was lost is looked up on the retry: the chunk
    /// is then found done under this very claim, and nothing is written twice.
    pub(crate) fn complete(&mut self, claim: &Claim, output: &ChunkOutput) -> Result<Completion> {
        let location = self.location.clone();
        self.retrying(|client| {
            let db = |e: postgres::Error| database_error(&location, &e);
            let mut tx = client.transaction().map_err(db)?;
            let marked = tx
                .execute(
                    "UPDATE batch_chunks SET state = 'done', lease_until = NULL, error = NULL, \
                            finished_at = now(), rows_screened = $4, rows_rejected = $5, \
                            alerts = $6, rows_alerted = $7 \
                      WHERE job_id = $1 AND chunk_no = $2 AND claim = $3 AND state = 'running' \
                        AND EXISTS (SELECT 1 FROM batch_jobs WHERE id = $1 AND state = 'open')",
                    &[
                        &claim.job,
                        &claim.chunk,
                        &claim.token,
                        &output.rows_screened,
                        &output.rows_rejected,
                        &output.alerts,
                        &output.rows_alerted,
                    ],
                )
                .map_err(db)?;
            if marked == 0 {
                drop(tx);
                let done_by_this_claim = client
                    .query_opt(
                        "SELECT 1 FROM batch_chunks \
                          WHERE job_id = $1 AND chunk_no = $2 AND claim = $3 AND state = 'done'",
                        &[&claim.job, &claim.chunk, &claim.token],
                    )
                    .map_err(db)?
                    .is_some();
                return Ok(if done_by_this_claim {
                    Completion::Written
                } else {
                    Completion::LeaseLost
                });
            }
            tx.execute(
                "INSERT INTO batch_results (job_id, chunk_no, alerts, alerts_csv, rejects) \
                 VALUES ($1, $2, $3, $4, $5)",
                &[
                    &claim.job,
                    &claim.chunk,
                    &output.alerts_jsonl,
                    &output.alerts_csv,
                    &output.rejects_jsonl,
                ],
            )
            .map_err(db)?;
            tx.commit().map_err(db)?;
            Ok(Completion::Written)
        })
    }

    /// Records a failed attempt at a chunk held under `claim`: back to pending while the
    /// job allows more attempts, else failed for good, with `error` either way.
    pub(crate) fn fail(&mut self, claim: &Claim, error: &str) -> Result<()> {
        let location = self.location.clone();
        self.retrying(|client| {
            client
                .execute(
                    "UPDATE batch_chunks c SET lease_until = NULL, error = $4, \
                            state = CASE WHEN c.attempts >= j.max_attempts \
                                         THEN 'failed' ELSE 'pending' END \
                       FROM batch_jobs j \
                      WHERE j.id = c.job_id AND c.job_id = $1 AND c.chunk_no = $2 \
                        AND c.claim = $3 AND c.state = 'running'",
                    &[&claim.job, &claim.chunk, &claim.token, &error],
                )
                .map_err(|e| database_error(&location, &e))?;
            Ok(())
        })
    }

    /// Whether any open job has a chunk pending or running (a running one may yet be
    /// claimed again): a worker told to stop when idle stops when there is none.
    pub fn has_open_work(&mut self) -> Result<bool> {
        let location = self.location.clone();
        self.retrying(|client| {
            Ok(client
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM batch_chunks c JOIN batch_jobs j \
                       ON j.id = c.job_id \
                      WHERE j.state = 'open' AND c.state IN ('pending', 'running'))",
                    &[],
                )
                .map_err(|e| database_error(&location, &e))?
                .get(0))
        })
    }

    /// Cancels a job: no chunk of it is claimed or completed any more. False when it was
    /// already cancelled.
    pub fn cancel(&mut self, job: i64) -> Result<bool> {
        self.status(job)?;
        let location = self.location.clone();
        let changed = self
            .client()?
            .execute(
                "UPDATE batch_jobs SET state = 'cancelled' WHERE id = $1 AND state = 'open'",
                &[&job],
            )
            .map_err(|e| database_error(&location, &e))?;
        Ok(changed == 1)
    }

    /// Every job's status, oldest first.
    pub fn jobs(&mut self) -> Result<Vec<JobStatus>> {
        let location = self.location.clone();
        let ids: Vec<i64> = self
            .client()?
            .query("SELECT id FROM batch_jobs ORDER BY id", &[])
            .map_err(|e| database_error(&location, &e))?
            .iter()
            .map(|row| row.get(0))
            .collect();
        ids.into_iter().map(|job| self.status(job)).collect()
    }

    /// One job's status.
    pub fn status(&mut self, job: i64) -> Result<JobStatus> {
        let location = self.location.clone();
        let db = |e: postgres::Error| database_error(&location, &e);
        let client = self.client()?;
        let head = client
            .query_opt(
                "SELECT file_name, \
                        to_char(submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), \
                        state, settings, chunk_rows \
                   FROM batch_jobs WHERE id = $1",
                &[&job],
            )
            .map_err(db)?
            .ok_or(BatchError::NoSuchJob(job))?;
        let settings: String = head.get(3);
        let settings: JobSettings =
            serde_json::from_str(&settings).map_err(|e| BatchError::Corrupt {
                item: format!("the settings of job {job}"),
                reason: e.to_string(),
            })?;
        let mut status = JobStatus {
            job,
            file_name: head.get(0),
            submitted_at: head.get(1),
            state: JobState::Queued,
            chunk_rows: head.get(4),
            chunks: 0,
            pending: 0,
            running: 0,
            done: 0,
            failed: 0,
            claimed_again: 0,
            rows: 0,
            rows_screened: 0,
            rows_rejected: 0,
            alerts: 0,
            rows_alerted: 0,
            versions: settings.versions,
            failures: Vec::new(),
        };
        let mut ever_claimed: i64 = 0;
        for row in client
            .query(
                "SELECT state, COUNT(*), COALESCE(SUM(rows), 0)::BIGINT, \
                        COALESCE(SUM(rows_screened), 0)::BIGINT, \
                        COALESCE(SUM(rows_rejected), 0)::BIGINT, \
                        COALESCE(SUM(alerts), 0)::BIGINT, \
                        COALESCE(SUM(rows_alerted), 0)::BIGINT, \
                        COUNT(*) FILTER (WHERE attempts > 1), \
                        COUNT(*) FILTER (WHERE attempts > 0) \
                   FROM batch_chunks WHERE job_id = $1 GROUP BY state",
                &[&job],
            )
            .map_err(db)?
        {
            let state: String = row.get(0);
            let count: i64 = row.get(1);
            status.chunks += count;
            status.rows += row.get::<_, i64>(2);
            status.rows_screened += row.get::<_, i64>(3);
            status.rows_rejected += row.get::<_, i64>(4);
            status.alerts += row.get::<_, i64>(5);
            status.rows_alerted += row.get::<_, i64>(6);
            status.claimed_again += row.get::<_, i64>(7);
            ever_claimed += row.get::<_, i64>(8);
            match state.as_str() {
                PENDING => status.pending = count,
                RUNNING => status.running = count,
                DONE => status.done = count,
                FAILED => status.failed = count,
                other => {
                    return Err(BatchError::Corrupt {
                        item: format!("the chunks of job {job}"),
                        reason: format!("unknown state {other:?}"),
                    });
                }
            }
        }
        for row in client
            .query(
                "SELECT chunk_no, first_line, attempts, COALESCE(error, '') FROM batch_chunks \
                  WHERE job_id = $1 AND state = 'failed' ORDER BY chunk_no",
                &[&job],
            )
            .map_err(db)?
        {
            status.failures.push(ChunkFailure {
                chunk: row.get(0),
                first_line: row.get(1),
                attempts: row.get(2),
                error: row.get(3),
            });
        }
        let open = head.get::<_, String>(2) == "open";
        status.state = if !open {
            JobState::Cancelled
        } else if status.pending + status.running > 0 {
            if ever_claimed > 0 {
                JobState::Running
            } else {
                JobState::Queued
            }
        } else if status.failed > 0 {
            JobState::Failed
        } else {
            JobState::Done
        };
        Ok(status)
    }

    /// Hands each chunk's alert records (in `format`; CSV without its header row) and
    /// rejected rows (JSON lines), in chunk order, to `each`, streaming: a job's results
    /// are never all in memory. Only a job whose every chunk is done has results: a
    /// partial file would pass for a whole one.
    pub fn for_each_result(
        &mut self,
        job: i64,
        format: OutputFormat,
        each: &mut dyn FnMut(&str, &str) -> Result<()>,
    ) -> Result<()> {
        let status = self.status(job)?;
        match status.state {
            JobState::Done => {}
            JobState::Cancelled => {
                return Err(BatchError::Job {
                    job,
                    reason: "cancelled: it has no results".to_string(),
                });
            }
            JobState::Failed => {
                return Err(BatchError::Job {
                    job,
                    reason: format!(
                        "{} of {} chunks failed (see `sanctum batch status {job}`): its results would miss their rows",
                        status.failed, status.chunks
                    ),
                });
            }
            JobState::Queued | JobState::Running => {
                return Err(BatchError::Job {
                    job,
                    reason: format!(
                        "not finished: {} of {} chunks done; run workers (`sanctum worker`) and wait",
                        status.done, status.chunks
                    ),
                });
            }
        }
        let location = self.location.clone();
        let db = |e: postgres::Error| database_error(&location, &e);
        let client = self.client()?;
        let column = match format {
            OutputFormat::Jsonl => "alerts",
            OutputFormat::Csv => "alerts_csv",
        };
        let mut rows = client
            .query_raw(
                &format!(
                    "SELECT {column}, rejects FROM batch_results WHERE job_id = $1 \
                      ORDER BY chunk_no"
                ),
                [&job],
            )
            .map_err(db)?;
        let mut seen: i64 = 0;
        while let Some(row) = rows.next().map_err(db)? {
            let (alerts, rejects): (Option<&str>, &str) = (row.get(0), row.get(1));
            let Some(alerts) = alerts else {
                return Err(BatchError::Job {
                    job,
                    reason: "its chunks were screened by a sanctum that kept no CSV results: \
                             take them as JSON lines (--format jsonl)"
                        .to_string(),
                });
            };
            each(alerts, rejects)?;
            seen += 1;
        }
        if seen != status.chunks {
            return Err(BatchError::Corrupt {
                item: format!("the results of job {job}"),
                reason: format!("{seen} chunks of results for {} chunks", status.chunks),
            });
        }
        Ok(())
    }
}

/// The server's message (and detail), where `postgres::Error`'s display says "db error".
fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => match db.detail() {
            Some(detail) => format!("{}: {} ({detail})", db.severity(), db.message()),
            None => format!("{}: {}", db.severity(), db.message()),
        },
        None => {
            let mut message = e.to_string();
            if let Some(source) = std::error::Error::source(e) {
                message = format!("{message}: {source}");
            }
            message
        }
    }
}

/// Whether a new connection may succeed where this error failed: the connection was lost
/// or refused (an I/O error, a closed connection), or the server said so (SQLSTATE class
/// 08 connection exception, 57P operator intervention such as a restart, 53 insufficient
/// resources, 40001 serialization failure, 40P01 deadlock).
fn is_transient(e: &postgres::Error) -> bool {
    if let Some(code) = e.code() {
        let code = code.code();
        return ["08", "57P", "53"]
            .iter()
            .any(|class| code.starts_with(class))
            || code == "40001"
            || code == "40P01";
    }
    e.is_closed()
        || std::error::Error::source(e).is_some_and(|source| source.is::<std::io::Error>())
}

fn database_error(location: &str, e: &postgres::Error) -> BatchError {
    BatchError::Database {
        location: location.to_string(),
        message: describe(e),
        transient: is_transient(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sanctum_screen::input::{InputRow, RowResult};
    use sanctum_testkit::postgres::TestDatabase;

    fn rows(lines: &[u64]) -> Vec<StoredRow> {
        lines
            .iter()
            .map(|&line| {
                StoredRow::from(RowResult::Ok(InputRow {
                    line,
                    id: line.to_string(),
                    query: sanctum_matcher::Query {
                        names: vec![format!("Customer {line}")],
                        ..Default::default()
                    },
                    warnings: Vec::new(),
                }))
            })
            .collect()
    }

    fn settings() -> JobSettings {
        JobSettings {
            versions: vec![("us_csl".to_string(), 1)],
            programs: Vec::new(),
            threshold: 0.8,
            max_alerts_per_row: 10,
        }
    }

    /// The alerts every chunk of `job` wrote, in order.
    fn written_results(queue: &mut Queue, job: i64) -> Vec<String> {
        let mut written = Vec::new();
        queue
            .for_each_result(job, OutputFormat::Jsonl, &mut |alerts, _| {
                written.push(alerts.to_string());
                Ok(())
            })
            .unwrap();
        written
    }

    fn output(alerts: &str) -> ChunkOutput {
        ChunkOutput {
            alerts_jsonl: alerts.to_string(),
            alerts_csv: String::new(),
            rejects_jsonl: String::new(),
            rows_screened: 2,
            rows_rejected: 0,
            alerts: 1,
            rows_alerted: 1,
        }
    }

    #[test]
    fn a_worker_whose_lease_was_taken_over_writes_nothing_and_a_chunk_is_written_once() {
        let test = "a_worker_whose_lease_was_taken_over_writes_nothing";
        let Some(database) = TestDatabase::create(test) else {
            return;
        };
        let mut queue = Queue::connect(database.url()).unwrap();
        let job = queue
            .insert_job(
                "f.csv",
                &settings(),
                2,
                3,
                &mut [Ok(rows(&[2, 3]))].into_iter(),
            )
            .unwrap();
        let slow = queue
            .claim("slow", Duration::from_millis(300))
            .unwrap()
            .unwrap();
        assert_eq!((slow.job, slow.chunk, slow.attempt), (job, 0, 1));
        assert!(
            queue
                .claim("other", Duration::from_secs(60))
                .unwrap()
                .is_none()
        );
        std::thread::sleep(Duration::from_millis(600));
        let fast = queue
            .claim("fast", Duration::from_secs(60))
            .unwrap()
            .unwrap();
        assert_eq!((fast.chunk, fast.attempt), (0, 2));
        assert!(
            !queue
                .renew(&slow, Duration::from_secs(60), Duration::from_secs(20))
                .unwrap()
        );
        assert_eq!(
            queue.complete(&slow, &output("slow\n")).unwrap(),
            Completion::LeaseLost
        );
        assert_eq!(
            queue.complete(&fast, &output("fast\n")).unwrap(),
            Completion::Written
        );
        // A retry of a completion whose answer was lost finds it written, writes nothing.
        assert_eq!(
            queue.complete(&fast, &output("again\n")).unwrap(),
            Completion::Written
        );
        let written = written_results(&mut queue, job);
        assert_eq!(written, ["fast\n"]);
        let status = queue.status(job).unwrap();
        assert_eq!(status.state, JobState::Done);
        assert_eq!(
            (status.done, status.claimed_again, status.alerts),
            (1, 1, 1)
        );
    }

    #[test]
    fn a_chunk_failing_its_attempts_is_failed_with_its_error_and_the_job_with_it() {
        let test = "a_chunk_failing_its_attempts_is_failed_with_its_error";
        let Some(database) = TestDatabase::create(test) else {
            return;
        };
        let mut queue = Queue::connect(database.url()).unwrap();
        let job = queue
            .insert_job(
                "f.csv",
                &settings(),
                1,
                2,
                &mut [Ok(rows(&[2])), Ok(rows(&[3]))].into_iter(),
            )
            .unwrap();
        let lease = Duration::from_secs(60);
        let first = queue.claim("w", lease).unwrap().unwrap();
        queue.fail(&first, "the first error").unwrap();
        // Back to pending: claimed again, before the next chunk.
        let again = queue.claim("w", lease).unwrap().unwrap();
        assert_eq!((again.chunk, again.attempt), (0, 2));
        queue.fail(&again, "the second error").unwrap();
        let next = queue.claim("w", lease).unwrap().unwrap();
        assert_eq!(next.chunk, 1);
        queue.complete(&next, &output("")).unwrap();
        assert!(queue.claim("w", lease).unwrap().is_none());
        assert!(!queue.has_open_work().unwrap());
        let status = queue.status(job).unwrap();
        assert_eq!(status.state, JobState::Failed);
        assert_eq!(status.failures.len(), 1);
        assert_eq!(status.failures[0].chunk, 0);
        assert_eq!(status.failures[0].first_line, 2);
        assert_eq!(status.failures[0].error, "the second error");
        let refused = queue
            .for_each_result(job, OutputFormat::Jsonl, &mut |_, _| Ok(()))
            .unwrap_err();
        assert!(
            refused.to_string().contains("1 of 2 chunks failed"),
            "{refused}"
        );
        // Cancelled: nothing more of it is claimed.
        assert!(queue.cancel(job).unwrap());
        assert_eq!(queue.status(job).unwrap().state, JobState::Cancelled);
    }

    #[test]
    fn a_worker_rides_out_a_lost_connection_and_writes_its_chunk_once() {
        let test = "a_worker_rides_out_a_lost_connection";
        let Some(database) = TestDatabase::create(test) else {
            return;
        };
        let mut queue = Queue::connect(database.url()).unwrap();
        queue.retry_for(Duration::from_secs(30));
        let job = queue
            .insert_job(
                "f.csv",
                &settings(),
                2,
                3,
                &mut [Ok(rows(&[2, 3]))].into_iter(),
            )
            .unwrap();
        let claim = queue.claim("w", Duration::from_secs(60)).unwrap().unwrap();
        // The server ends every other session of the database: the queue's connection.
        let mut admin = postgres::Client::connect(database.url(), NoTls).unwrap();
        let ended: i64 = admin
            .query_one(
                "SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                  WHERE datname = current_database() AND pid <> pg_backend_pid()) t",
                &[],
            )
            .unwrap()
            .get(0);
        assert!(ended >= 1);
        assert_eq!(
            queue.complete(&claim, &output("once\n")).unwrap(),
            Completion::Written
        );
        let written = written_results(&mut queue, job);
        assert_eq!(written, ["once\n"]);
    }
}
