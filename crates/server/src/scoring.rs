//! Where scoring runs, and how it stops.
//!
//! Scoring one name against the lists takes from microseconds to seconds (a 100-word name
//! meets thousands of candidates), so it never runs on the async workers that answer
//! `/healthz`, `/readyz` and every other connection: [`ScoringPool::run`] moves it to
//! tokio's blocking pool, at most one job per CPU at once (more would only share the same
//! cores and slow the workers down), later jobs waiting their turn without a thread.
//!
//! Every job gets a [`Cancel`] flag, raised when its request's deadline passes or when the
//! request is dropped (the client went away, or the timeout layer answered first). The
//! scoring loop reads it between candidates, one relaxed atomic load each, so the work stops
//! within one candidate's scoring of the answer, and the answer is a 503.

use crate::error::ApiError;
use axum::http::StatusCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use tokio::sync::Semaphore;
use tokio::time::Instant;

/// Raised when a job must stop: its deadline passed or its request is gone.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
    fn raise(&self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// A job saw its [`Cancel`] raised and stopped early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cancelled;

impl From<Cancelled> for ApiError {
    fn from(_: Cancelled) -> Self {
        too_long()
    }
}

fn too_long() -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "the request took too long (request_timeout in [limits]) and was stopped; send \
         fewer or shorter names per request",
    )
}

/// Raises the flag when dropped before the job ended: the request's future is dropped when
/// the client goes away or the timeout layer answers, and its job must not outlive it.
struct StopOnDrop {
    cancel: Cancel,
    stopped: Arc<AtomicU64>,
    ended: bool,
}

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        if !self.ended {
            self.cancel.raise();
            self.stopped.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// The scoring jobs of every request: at most one per CPU at once.
pub struct ScoringPool {
    permits: Arc<Semaphore>,
    /// Jobs running now (`sanctum_scoring_jobs`).
    pub running: Arc<AtomicI64>,
    /// Jobs stopped before their end: their request's deadline passed, or the request was
    /// dropped (`sanctum_scoring_stopped_total`).
    pub stopped: Arc<AtomicU64>,
}

impl Default for ScoringPool {
    fn default() -> Self {
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        ScoringPool {
            permits: Arc::new(Semaphore::new(cpus)),
            running: Arc::new(AtomicI64::new(0)),
            stopped: Arc::new(AtomicU64::new(0)),
        }
    }
}

/// Counts a job as running until dropped, on whichever thread ends it.
struct Running(Arc<AtomicI64>);

impl Running {
    fn start(count: &Arc<AtomicI64>) -> Self {
        count.fetch_add(1, Ordering::Relaxed);
        Running(count.clone())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl ScoringPool {
    /// Runs `work` on the blocking pool and answers its result, or a 503 once `deadline`
    /// passes (waiting for a turn counts). `work` must return [`Cancelled`] soon after the
    /// flag it is given is raised.
    pub async fn run<T: Send + 'static>(
        &self,
        deadline: Instant,
        work: impl FnOnce(&Cancel) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let cancel = Cancel::default();
        let mut guard = StopOnDrop {
            cancel: cancel.clone(),
            stopped: self.stopped.clone(),
            ended: false,
        };
        let permit =
            match tokio::time::timeout_at(deadline, self.permits.clone().acquire_owned()).await {
                Ok(Ok(permit)) => permit,
                Ok(Err(closed)) => return Err(ApiError::internal(closed)),
                Err(_) => return Err(too_long()),
            };
        let running = Running::start(&self.running);
        let job = cancel.clone();
        let handle = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let _running = running;
            if job.is_cancelled() {
                return Err(Cancelled.into());
            }
            work(&job)
        });
        match tokio::time::timeout_at(deadline, handle).await {
            Ok(Ok(answer)) => {
                guard.ended = true;
                answer
            }
            Ok(Err(join)) => {
                guard.ended = true;
                Err(ApiError::internal(join))
            }
            // The guard stops the job.
            Err(_) => Err(too_long()),
        }
    }
}
