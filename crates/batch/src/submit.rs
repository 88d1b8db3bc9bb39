//! Submitting a job: the file read as `sanctum screen` reads it, chunked, and stored with
//! the list versions current at submission.

use crate::queue::Queue;
use crate::rows::StoredRow;
use crate::{BatchError, Result};
use sanctum_limits::Limits;
use sanctum_screen::input::{ColumnMap, InputFormat, InputReader};
use sanctum_store::Store;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// What every worker screens a job's rows with: the same parties, threshold and alert
/// count, whatever was ingested after the submission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobSettings {
    /// The list versions pinned at submission, `(source, seq)`, in the store's source
    /// order (the order `sanctum screen` loads them in, so ties between parties break
    /// alike).
    pub versions: Vec<(String, u32)>,
    /// Only parties with a program containing one of these (case-insensitively).
    pub programs: Vec<String>,
    pub threshold: f64,
    pub max_alerts_per_row: usize,
}

/// `sanctum batch submit`'s options.
#[derive(Debug, Clone)]
pub struct SubmitOptions {
    pub format: Option<InputFormat>,
    pub map: ColumnMap,
    /// Rows per chunk: the unit a worker claims, screens and writes at once.
    pub chunk_rows: usize,
    /// Claims of one chunk (a failure, or a lease that ran out) before it is failed.
    pub max_attempts: u32,
    /// Source keys to screen against; empty: every stored source.
    pub sources: Vec<String>,
    pub programs: Vec<String>,
    pub threshold: f64,
    pub max_alerts_per_row: usize,
    /// The record limits the file is read within.
    pub limits: Limits,
}

/// What a submission stored.
#[derive(Debug, Clone)]
pub struct Submitted {
    pub job: i64,
    pub rows: u64,
    pub chunks: u64,
    pub settings: JobSettings,
}

/// The current version of every selected source, in the store's source order.
fn pin_versions(store: &Store, sources: &[String]) -> Result<Vec<(String, u32)>> {
    let stored = store.sources()?;
    for wanted in sources {
        if !stored.iter().any(|s| &s.source == wanted) {
            let names: Vec<&str> = stored.iter().map(|s| s.source.as_str()).collect();
            return Err(BatchError::Usage(format!(
                "--source {wanted}: not in the store (stored: {})",
                names.join(", ")
            )));
        }
    }
    let pinned: Vec<(String, u32)> = stored
        .into_iter()
        .filter(|s| sources.is_empty() || sources.contains(&s.source))
        .map(|s| (s.source, s.current.seq))
        .collect();
    if pinned.is_empty() {
        return Err(BatchError::Usage(
            "the store holds no list to screen against: run `sanctum update` first".to_string(),
        ));
    }
    Ok(pinned)
}

/// Reads `path` and stores it as a job of chunks of `options.chunk_rows` rows, pinned to
/// the selected sources' current versions in `store`, in one transaction of `queue`.
pub fn submit(
    queue: &mut Queue,
    store: &Store,
    path: &Path,
    options: &SubmitOptions,
) -> Result<Submitted> {
    if options.chunk_rows == 0 {
        return Err(BatchError::Usage(
            "--chunk 0: give at least 1 row".to_string(),
        ));
    }
    let chunk_rows = i32::try_from(options.chunk_rows)
        .map_err(|_| BatchError::Usage(format!("--chunk {}: too large", options.chunk_rows)))?;
    let max_attempts = i32::try_from(options.max_attempts.max(1)).unwrap_or(i32::MAX);
    let settings = JobSettings {
        versions: pin_versions(store, &options.sources)?,
        programs: options.programs.clone(),
        threshold: options.threshold,
        max_alerts_per_row: options.max_alerts_per_row,
    };
    let mut reader = InputReader::open(path, options.format, &options.map, &options.limits)
        .map_err(sanctum_screen::ScreenError::from)?;
    let mut rows: u64 = 0;
    let mut chunks: u64 = 0;
    let mut ended = false;
    let mut next_chunk = || -> Option<Result<Vec<StoredRow>>> {
        if ended {
            return None;
        }
        let mut chunk = Vec::with_capacity(options.chunk_rows);
        while chunk.len() < options.chunk_rows {
            match reader.next_row() {
                Ok(Some(row)) => chunk.push(StoredRow::from(row)),
                Ok(None) => {
                    ended = true;
                    break;
                }
                Err(e) => return Some(Err(sanctum_screen::ScreenError::from(e).into())),
            }
        }
        if chunk.is_empty() {
            return None;
        }
        rows += chunk.len() as u64;
        chunks += 1;
        Some(Ok(chunk))
    };
    let file_name = path.display().to_string();
    let job = queue.insert_job(
        &file_name,
        &settings,
        chunk_rows,
        max_attempts,
        &mut std::iter::from_fn(&mut next_chunk),
    )?;
    Ok(Submitted {
        job,
        rows,
        chunks,
        settings,
    })
}
