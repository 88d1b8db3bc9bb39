//! List updates run by the server, on a schedule or on `POST /v1/admin/update`.
//!
//! One at a time: a request while one runs starts nothing (409, with the running one's
//! state). Each runs as its own task, not as part of the request that asked for it: the
//! request answers with the outcome if the update ends within the request's time, else 202,
//! and the update carries on; whatever it stores is swapped in when it ends, whoever is
//! still waiting. The fetch itself is the [`UpdateHook`], given a deadline
//! (`update_timeout` in `[limits]`) that it must keep (`sanctum serve` runs `sanctum update`
//! as a child process and kills it at the deadline).
//!
//! A source's age restarts only on a confirmed fetch (a new version, or the current file
//! fetched again, recorded in the store by `sanctum update`); a served source an update
//! did not confirm counts in `sanctum_update_failures_total{source}`.

use crate::error::ApiError;
use crate::snapshot::{self, Snapshot};
use crate::{AppState, epoch_seconds};
use axum::http::StatusCode;
use serde::Serialize;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::watch;
use utoipa::ToSchema;

/// Fetches and ingests new publications (the CLI's `sanctum update`) and returns a summary
/// line; must return by the deadline it is given.
pub type UpdateHook = Arc<dyn Fn(std::time::Instant) -> anyhow::Result<String> + Send + Sync>;

/// The result of an update run.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UpdateOutcome {
    /// Whether new publications were fetched (false: the store was only re-read, or the
    /// fetch failed).
    pub fetched: bool,
    pub message: String,
    /// Whether a new index replaced the served one.
    pub swapped: bool,
    pub parties: usize,
    /// Seconds spent building the new index (0 when nothing changed).
    pub build_seconds: f64,
    /// Sources this update did not confirm current (their download failed, or their
    /// publication was rejected): their age keeps growing. Empty when nothing was fetched.
    pub unconfirmed: Vec<String>,
}

/// An update that ended.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FinishedUpdate {
    pub started_at: String,
    pub finished_at: String,
    /// Its outcome, when it ran to its end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<UpdateOutcome>,
    /// Why it failed, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Whether an update runs now, and how the last one ended.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UpdateState {
    pub running: bool,
    /// When the running update started.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    /// Whether the running update fetches (false: it only re-reads the store).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fetch: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last: Option<FinishedUpdate>,
}

type Result<T> = std::result::Result<T, ApiError>;
/// Where a running update's result appears.
pub type Done = watch::Receiver<Option<Result<UpdateOutcome>>>;

#[derive(Default)]
pub(crate) struct Updates {
    board: Mutex<Board>,
}

#[derive(Default)]
struct Board {
    running: Option<Running>,
    last: Option<FinishedUpdate>,
    /// The last fetch's error; cleared by a fetch that succeeds.
    last_error: Option<String>,
}

struct Running {
    started_at: String,
    fetch: bool,
}

impl Updates {
    /// The board; a poisoned lock is taken over (nothing in it can be half-written).
    fn board(&self) -> MutexGuard<'_, Board> {
        self.board.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn state(&self) -> UpdateState {
        let board = self.board();
        UpdateState {
            running: board.running.is_some(),
            started_at: board.running.as_ref().map(|r| r.started_at.clone()),
            fetch: board.running.as_ref().map(|r| r.fetch),
            last: board.last.clone(),
        }
    }

    pub(crate) fn last_error(&self) -> Option<String> {
        self.board().last_error.clone()
    }
}

fn now_text() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// Ends the running update on the board when dropped: by its task when it finishes, and
/// also if the task is dropped (runtime shut down) or panics, so that updates never stay
/// blocked.
struct Finish {
    state: AppState,
    started_at: String,
    result: Option<Result<UpdateOutcome>>,
}

impl Drop for Finish {
    fn drop(&mut self) {
        let result = self
            .result
            .take()
            .unwrap_or_else(|| Err(ApiError::internal("the update stopped before its end")));
        let mut board = self.state.updates.board();
        board.running = None;
        board.last = Some(FinishedUpdate {
            started_at: std::mem::take(&mut self.started_at),
            finished_at: now_text(),
            outcome: result.as_ref().ok().cloned(),
            error: result.as_ref().err().map(|e| e.detail.clone()),
        });
    }
}

impl AppState {
    /// Whether an update runs now, and how the last one ended.
    pub fn update_state(&self) -> UpdateState {
        self.updates.state()
    }

    /// Starts an update unless one runs (then: its state). The update runs on its own task
    /// to its end whatever happens to the caller; its result appears in the receiver.
    pub fn start_update(&self, fetch: bool) -> std::result::Result<Done, Box<UpdateState>> {
        let mut board = self.updates.board();
        if board.running.is_some() {
            drop(board);
            return Err(Box::new(self.updates.state()));
        }
        let started_at = now_text();
        board.running = Some(Running {
            started_at: started_at.clone(),
            fetch,
        });
        drop(board);
        let (tx, rx) = watch::channel(None);
        let state = self.clone();
        tokio::spawn(async move {
            let mut finish = Finish {
                state: state.clone(),
                started_at,
                result: None,
            };
            let result = state.run_update(fetch).await;
            finish.result = Some(result.clone());
            // The board first, then the waiters: one who hears the end finds it recorded.
            drop(finish);
            let _ = tx.send(Some(result));
        });
        Ok(rx)
    }

    /// Runs an update and waits for its end; 409 when one already runs.
    pub async fn update(&self, fetch: bool) -> Result<UpdateOutcome> {
        let done = self.start_update(fetch).map_err(|running| {
            ApiError::new(
                StatusCode::CONFLICT,
                format!(
                    "an update is already running (since {})",
                    running.started_at.unwrap_or_default()
                ),
            )
        })?;
        wait(done).await
    }

    /// Runs the update hook (when `fetch`), counts the sources it did not confirm, then
    /// re-reads the store and, if any source's version changed, builds a new snapshot aside
    /// and swaps it in.
    async fn run_update(&self, fetch: bool) -> Result<UpdateOutcome> {
        let started = jiff::Timestamp::now().as_second();
        let mut message = String::from("store re-read");
        let mut fetched = false;
        let mut unconfirmed = Vec::new();
        if fetch && let Some(hook) = self.updater.clone() {
            let deadline = std::time::Instant::now() + self.config.limits.update_timeout;
            let location = self.config.store.clone();
            // One replica of those sharing a store fetches at a time; the others hear of
            // what it stores (`replicas.rs`).
            let result = tokio::task::spawn_blocking(move || -> anyhow::Result<Option<String>> {
                match sanctum_store::ExclusiveUpdate::try_acquire(&location)? {
                    Some(_exclusive) => hook(deadline).map(Some),
                    None => Ok(None),
                }
            })
            .await
            .map_err(ApiError::internal)?;
            let mut ran = true;
            match result {
                Ok(None) => {
                    ran = false;
                    message = "another replica is updating the lists; what it stores is \
                               swapped in here when it is stored"
                        .to_string();
                }
                Ok(Some(summary)) => {
                    self.metrics.updates_ok.fetch_add(1, Ordering::Relaxed);
                    self.updates.board().last_error = None;
                    message = summary;
                    fetched = true;
                }
                Err(err) => {
                    self.metrics
                        .update_runs_failed
                        .fetch_add(1, Ordering::Relaxed);
                    let text = format!("{err:#}");
                    eprintln!("sanctum serve: update failed: {text}");
                    self.updates.board().last_error = Some(text);
                    // The lists already served stay served; still pick up what was stored.
                    message = "update failed; see the server log".to_string();
                }
            }
            if ran {
                unconfirmed = self.unconfirmed_since(started).await?;
                for source in &unconfirmed {
                    self.metrics.source_update_failed(source);
                }
            }
        }
        let current = self.snapshot();
        let location = self.config.store.clone();
        let current_sources = current.sources.clone();
        let limits = self.config.limits.clone();
        let next = tokio::task::spawn_blocking(move || -> anyhow::Result<Option<Snapshot>> {
            let store = sanctum_store::Store::connect(&location)?;
            if snapshot::source_states(&store)? == current_sources {
                return Ok(None);
            }
            Ok(Some(Snapshot::load(&store, &limits)?))
        })
        .await
        .map_err(ApiError::internal)??;
        let outcome = match next {
            Some(next) => {
                let outcome = UpdateOutcome {
                    fetched,
                    message,
                    swapped: true,
                    parties: next.parties.len(),
                    build_seconds: next.built_in.as_secs_f64(),
                    unconfirmed,
                };
                self.swap_snapshot(next);
                eprintln!(
                    "sanctum serve: index swapped: {} parties, built in {:.1} s",
                    outcome.parties, outcome.build_seconds
                );
                outcome
            }
            None => UpdateOutcome {
                fetched,
                message,
                swapped: false,
                parties: current.parties.len(),
                build_seconds: 0.0,
                unconfirmed,
            },
        };
        let state = self.clone();
        let _ = tokio::task::spawn_blocking(move || state.refresh_confirmations()).await;
        Ok(outcome)
    }

    /// The stored sources an update fetches (those with a download location: not FtM
    /// imports or Japan's lists, which are only ingested from files) whose current version
    /// neither was fetched nor confirmed by a fetch since `since` (seconds since the epoch).
    async fn unconfirmed_since(&self, since: i64) -> Result<Vec<String>> {
        self.with_store(move |store| {
            let confirmed = store.confirmed_fetches()?;
            Ok(store
                .sources()?
                .into_iter()
                .filter(|s| sanctum_sources::catalog::source(&s.source).is_some())
                .filter(|s| {
                    let fetched = epoch_seconds(&s.current.fetched_at).unwrap_or(i64::MIN);
                    let checked = confirmed
                        .get(&s.source)
                        .and_then(|(_, at)| epoch_seconds(at))
                        .unwrap_or(i64::MIN);
                    fetched.max(checked) < since
                })
                .map(|s| s.source)
                .collect())
        })
        .await
    }
}

/// Waits for a running update's result.
pub async fn wait(mut done: Done) -> Result<UpdateOutcome> {
    let result = done
        .wait_for(Option::is_some)
        .await
        .map_err(|_| ApiError::internal("the update stopped before its end"))?
        .clone();
    result.unwrap_or_else(|| Err(ApiError::internal("the update ended without a result")))
}
