//! `sanctum worker`: claims chunks, screens them against the job's pinned versions, writes
//! their results; renews its lease while it works.

use crate::queue::{ChunkOutput, Completion, Queue, RETRY_PAUSE_FIRST, RETRY_PAUSE_MAX};
use crate::rows::StoredRow;
use crate::submit::JobSettings;
use crate::{BatchError, Result};
use sanctum_limits::Limits;
use sanctum_matcher::MatchOptions;
use sanctum_screen::input::RowResult;
use sanctum_screen::lists::{self, Selection};
use sanctum_screen::output::{AlertWriter, OutputFormat, RejectWriter};
use sanctum_screen::{RowOutcome, Screener};
use sanctum_store::{DatabaseUrl, Store, StoreLocation};
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// A worker's settings.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// The worker's name in the chunks it holds (host and process id by default).
    pub name: String,
    /// How long a claim holds a chunk without renewal: a killed worker's chunk waits this
    /// long before another worker takes it. Renewed every third of it.
    pub lease: Duration,
    /// How long the database may be lost before the worker gives up.
    pub outage_limit: Duration,
    /// The pause before looking again when no chunk is claimable.
    pub idle_poll: Duration,
    /// Stop when no open job has a chunk pending or running (scripts, tests, benchmarks);
    /// otherwise wait for work for ever.
    pub exit_when_idle: bool,
    /// The name limits each row's query is prepared within.
    pub limits: Limits,
}

/// What a worker did, when it stops.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkerReport {
    pub chunks_done: u64,
    pub chunks_failed: u64,
    /// Chunks screened whose lease was taken over before they were written: their results
    /// were discarded, the other claim's stand.
    pub leases_lost: u64,
    pub rows: u64,
}

/// The screener of the job last worked on, kept while the next chunks are of a job with the
/// same settings (usually the same job).
struct Cached {
    settings: String,
    screener: Screener,
}

/// An in-memory buffer the alert and reject writers (which own their output) write to.
#[derive(Clone, Default)]
struct SharedBuffer(Arc<Mutex<Vec<u8>>>);

impl Write for SharedBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl SharedBuffer {
    fn take_text(&self) -> Result<String> {
        let bytes = std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner));
        String::from_utf8(bytes).map_err(|e| BatchError::Corrupt {
            item: "alert records".to_string(),
            reason: e.to_string(),
        })
    }
}

/// The screener of a job's settings: the pinned versions loaded from the store.
fn build_screener(url: &str, settings: &JobSettings, limits: &Limits) -> Result<Screener> {
    let store = Store::connect(&StoreLocation::Postgres(DatabaseUrl::parse(url)?))?;
    let selection = Selection {
        programs: settings.programs.clone(),
        ..Selection::default()
    };
    let loaded = lists::load_pinned(&store, &settings.versions, &selection)?;
    drop(store);
    let options = MatchOptions {
        threshold: settings.threshold,
        ..MatchOptions::default()
    };
    let mut screener = Screener::within(loaded.parties, options, limits);
    screener.max_alerts_per_row = settings.max_alerts_per_row;
    Ok(screener)
}

/// Whether a store error may pass on a new connection (the database was lost), rather
/// than fail the chunk.
fn store_error_is_transient(e: &BatchError) -> bool {
    matches!(
        e,
        BatchError::Store(
            sanctum_store::StoreError::Postgres(_) | sanctum_store::StoreError::Unreachable { .. }
        )
    )
}

/// Screens a chunk's rows and renders its results as `sanctum screen` writes them.
fn screen_chunk(
    stored: Vec<StoredRow>,
    screener: &Screener,
    limits: &Limits,
) -> Result<ChunkOutput> {
    let rows: Vec<RowResult> = stored.into_iter().map(RowResult::from).collect();
    let outcomes = sanctum_screen::screen_rows(rows, screener, limits);
    let alerts_buffer = SharedBuffer::default();
    let csv_buffer = SharedBuffer::default();
    let rejects_buffer = SharedBuffer::default();
    // Both formats `sanctum screen` writes, so that `batch results` gives either; the CSV
    // header is written once, by `batch results`.
    let mut alerts = AlertWriter::continuing(Box::new(alerts_buffer.clone()), OutputFormat::Jsonl);
    let mut alerts_csv = AlertWriter::continuing(Box::new(csv_buffer.clone()), OutputFormat::Csv);
    let mut rejects = RejectWriter::new(Box::new(rejects_buffer.clone()));
    let mut output = ChunkOutput {
        alerts_jsonl: String::new(),
        alerts_csv: String::new(),
        rejects_jsonl: String::new(),
        rows_screened: 0,
        rows_rejected: 0,
        alerts: 0,
        rows_alerted: 0,
    };
    for (outcome, _) in &outcomes {
        match outcome {
            RowOutcome::Rejected(e) => {
                output.rows_rejected += 1;
                rejects.write(e)?;
            }
            RowOutcome::Screened { alerts: found, .. } => {
                output.rows_screened += 1;
                let count = i32::try_from(found.len()).unwrap_or(i32::MAX);
                output.alerts = output.alerts.saturating_add(count);
                if found.iter().any(|a| !a.status.is_withdrawn()) {
                    output.rows_alerted += 1;
                }
            }
        }
        alerts.write(outcome, screener)?;
        alerts_csv.write(outcome, screener)?;
    }
    alerts.finish()?;
    alerts_csv.finish()?;
    rejects.finish()?;
    output.alerts_jsonl = alerts_buffer.take_text()?;
    output.alerts_csv = csv_buffer.take_text()?;
    output.rejects_jsonl = rejects_buffer.take_text()?;
    Ok(output)
}

/// The screener for a job's settings: the cached one when they are the same, else built
/// from the store, retried with backoff while the database is lost.
fn ready_screener<'a>(
    url: &str,
    cached: &'a mut Option<Cached>,
    settings_text: &str,
    options: &WorkerOptions,
    log: &(dyn Fn(&str) + Sync),
) -> Result<&'a Screener> {
    if cached.as_ref().is_none_or(|c| c.settings != settings_text) {
        *cached = None;
        let settings: JobSettings =
            serde_json::from_str(settings_text).map_err(|e| BatchError::Corrupt {
                item: "a job's settings".to_string(),
                reason: e.to_string(),
            })?;
        let started = Instant::now();
        let mut pause = RETRY_PAUSE_FIRST;
        let screener = loop {
            match build_screener(url, &settings, &options.limits) {
                Err(e)
                    if store_error_is_transient(&e)
                        && started.elapsed() + pause <= options.outage_limit =>
                {
                    log(&format!("loading the lists: {e}; retrying in {pause:?}"));
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(RETRY_PAUSE_MAX);
                }
                other => break other?,
            }
        };
        log(&format!(
            "screening against {} ({} parties)",
            settings
                .versions
                .iter()
                .map(|(source, seq)| format!("{source} version {seq}"))
                .collect::<Vec<_>>()
                .join(", "),
            screener.parties().len()
        ));
        *cached = Some(Cached {
            settings: settings_text.to_string(),
            screener,
        });
    }
    cached
        .as_ref()
        .map(|c| &c.screener)
        .ok_or_else(|| BatchError::Usage("no screener".to_string()))
}

/// A panic's message, for the chunk's error.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_string())
}

/// Runs the worker loop on the database at `url` until it is idle (with
/// `exit_when_idle`) or the database stays lost past `outage_limit`. `log` receives one
/// line per event (claims, completions, failures, lost leases, retries).
pub fn run_worker(
    url: &str,
    options: &WorkerOptions,
    log: &(dyn Fn(&str) + Sync),
) -> Result<WorkerReport> {
    let mut queue = Queue::connect(url)?;
    queue.retry_for(options.outage_limit);
    let queue = Mutex::new(queue);
    let lock = || queue.lock().unwrap_or_else(PoisonError::into_inner);
    let mut cached: Option<Cached> = None;
    let mut report = WorkerReport::default();
    let renew_every = options.lease / 3;
    loop {
        let claimed = lock().claim(&options.name, options.lease)?;
        let Some(claim) = claimed else {
            if options.exit_when_idle && !lock().has_open_work()? {
                return Ok(report);
            }
            std::thread::sleep(options.idle_poll);
            continue;
        };
        log(&format!(
            "claimed job {} chunk {} (attempt {})",
            claim.job, claim.chunk, claim.attempt
        ));
        let stored_rows = claim.rows();
        let rows = stored_rows.as_ref().map_or(0, |r| r.len() as u64);
        let lost = AtomicBool::new(false);
        let (stop, stopped) = channel::<()>();
        let outcome = std::thread::scope(|scope| {
            // The lease is renewed while the chunk is screened, on the queue's connection,
            // which the screening itself does not use.
            let claim = &claim;
            let lost = &lost;
            let lock = &lock;
            scope.spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(renew_every) {
                    match lock().renew(claim, options.lease, renew_every) {
                        Ok(true) => {}
                        Ok(false) => {
                            lost.store(true, Ordering::SeqCst);
                            return;
                        }
                        Err(e) => log(&format!(
                            "job {} chunk {}: renewing the lease: {e}",
                            claim.job, claim.chunk
                        )),
                    }
                }
            });
            let outcome = stored_rows.and_then(|stored_rows| {
                let screener = ready_screener(url, &mut cached, &claim.settings, options, log)?;
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    screen_chunk(stored_rows, screener, &options.limits)
                }))
                .unwrap_or_else(|payload| {
                    Err(BatchError::Job {
                        job: claim.job,
                        reason: format!(
                            "screening chunk {} panicked: {}",
                            claim.chunk,
                            panic_message(payload.as_ref())
                        ),
                    })
                })
            });
            drop(stop);
            outcome
        });
        if lost.load(Ordering::SeqCst) {
            report.leases_lost += 1;
            log(&format!(
                "job {} chunk {}: lease taken over; results discarded",
                claim.job, claim.chunk
            ));
            continue;
        }
        match outcome {
            Ok(output) => match lock().complete(&claim, &output)? {
                Completion::Written => {
                    report.chunks_done += 1;
                    report.rows += rows;
                    log(&format!(
                        "done job {} chunk {}: {} rows, {} alerts",
                        claim.job, claim.chunk, rows, output.alerts
                    ));
                }
                Completion::LeaseLost => {
                    report.leases_lost += 1;
                    log(&format!(
                        "job {} chunk {}: lease taken over (or job cancelled); results discarded",
                        claim.job, claim.chunk
                    ));
                }
            },
            Err(e) => {
                report.chunks_failed += 1;
                log(&format!(
                    "job {} chunk {} failed: {e}",
                    claim.job, claim.chunk
                ));
                lock().fail(&claim, &e.to_string())?;
            }
        }
    }
}
