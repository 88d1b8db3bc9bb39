//! Batch screening: every row of a customer file against the listed parties.
//!
//! `input file → InputReader (rows, bad rows with line and reason) → chunks of
//! CHUNK_ROWS → rayon: Query::prepare, Screener::candidates, Matcher::score → alerts in input
//! order → AlertWriter (JSON lines or CSV) → Summary`.
//!
//! - [`input`]: CSV, JSON lines, XLSX; columns recognised by name; bad rows reported; CSV
//!   and JSON lines read line by line within the record limits (`records`), every line
//!   accounted for.
//! - [`lists`]: the parties screened against (current, as of a date, a source or program
//!   filter) or, for delta re-screening, only those added, amended or delisted since a base.
//! - [`Screener`]: the prepared parties, their [`CandidateIndex`] and the [`Matcher`]. The
//!   index is built at start-up from the parties loaded (about a second for every list on
//!   two cores), not stored with the version: it then always agrees with the selection
//!   (sources, programs, as-of date, delta), and the names crate's analysis can change
//!   without migrating stored indexes.
//! - [`run`]: the pipeline. Memory is bounded: a reader thread reads [`CHUNK_ROWS`] rows at a
//!   time, at most two chunks wait ahead, and alerts are written as each chunk is scored.
//!
//! What measures screening (generated customer files, grown lists, the index's recall
//! against a brute-force scan) lives in `sanctum-eval`.

pub mod input;
pub mod lists;
pub mod output;
mod records;

use input::{InputError, InputReader, InputRow, RowError, RowResult, RowWarning};
use lists::Role;
use rayon::prelude::*;
pub use sanctum_index::Scratch;
use sanctum_index::{CandidateIndex, Prepared};
pub use sanctum_limits::Limits;
use sanctum_matcher::{
    Explanation, MatchOptions, Matcher, PreparedEntity, PreparedQuery, QueryWarning,
};
use sanctum_model::Entity;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

/// Rows read and scored together: large enough to keep both cores busy, small enough that
/// the rows in flight (three chunks) stay a few megabytes.
pub const CHUNK_ROWS: usize = 4096;

#[derive(Debug, thiserror::Error)]
pub enum ScreenError {
    #[error(transparent)]
    Input(#[from] InputError),
    /// A bad row in strict mode.
    #[error("{path}: {row}")]
    BadRow { path: String, row: RowError },
    #[error(transparent)]
    Store(#[from] sanctum_store::StoreError),
    #[error("writing alerts: {0}")]
    Output(#[from] std::io::Error),
    #[error("{0}")]
    Usage(String),
}

/// What an alert says about the party, in a delta re-screening.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// A full screening's alert.
    Alert,
    /// Delta: the party was listed since the base version.
    New,
    /// Delta: the party's record was amended since the base, and it alerts now.
    Amended,
    /// Delta: the row alerted on the party's base record, and no longer does: delisted.
    Delisted,
    /// Delta: the row alerted on the party's base record, and not on its amended record.
    AmendedAway,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Alert => "alert",
            Status::New => "new",
            Status::Amended => "amended",
            Status::Delisted => "delisted",
            Status::AmendedAway => "amended_away",
        }
    }

    /// An earlier alert that no longer holds.
    pub fn is_withdrawn(self) -> bool {
        matches!(self, Status::Delisted | Status::AmendedAway)
    }
}

/// One party a row alerted on.
#[derive(Debug, Clone)]
pub struct Alert {
    /// Position of the party in [`Screener::parties`].
    pub party: u32,
    pub score: f64,
    pub status: Status,
    pub explanation: Explanation,
}

/// The parties to screen against, indexed, with the matcher.
pub struct Screener {
    parties: Vec<PreparedEntity>,
    roles: Vec<Role>,
    index: CandidateIndex,
    matcher: Matcher,
    /// Delta: entity id → position of its amended record.
    amended_after: HashMap<String, u32>,
    /// At most this many alerts per row, best first (withdrawn alerts are all kept).
    pub max_alerts_per_row: usize,
}

impl Screener {
    /// Prepares the parties (in parallel) and builds the index, within the default limits.
    pub fn new(parties: Vec<(Entity, Role)>, options: MatchOptions) -> Screener {
        Self::within(parties, options, &Limits::default())
    }

    /// Prepares the parties (in parallel) and builds the index; a listed name over
    /// `max_name_chars` or `max_name_tokens` is matched on its first words.
    pub fn within(
        parties: Vec<(Entity, Role)>,
        options: MatchOptions,
        limits: &Limits,
    ) -> Screener {
        let (entities, roles): (Vec<Entity>, Vec<Role>) = parties.into_iter().unzip();
        let Prepared {
            parties: prepared,
            index,
        } = Prepared::within(entities, limits);
        let amended_after = prepared
            .iter()
            .zip(&roles)
            .enumerate()
            .filter(|(_, (_, r))| **r == Role::Amended)
            .map(|(i, (p, _))| (p.entity.id(), i as u32))
            .collect();
        Screener {
            parties: prepared,
            roles,
            index,
            matcher: Matcher::new(options),
            amended_after,
            max_alerts_per_row: 10,
        }
    }

    pub fn parties(&self) -> &[PreparedEntity] {
        &self.parties
    }

    pub fn matcher(&self) -> &Matcher {
        &self.matcher
    }

    pub fn index(&self) -> &CandidateIndex {
        &self.index
    }

    /// The positions of the parties worth scoring for `query`.
    pub fn candidates(&self, query: &PreparedQuery, scratch: &mut Scratch) {
        self.index.candidates(query, &self.matcher.options, scratch);
    }

    /// The alerts of one query, best first.
    pub fn screen(&self, query: &PreparedQuery, scratch: &mut Scratch) -> Vec<Alert> {
        self.candidates(query, scratch);
        let mut hits: Vec<Alert> = Vec::new();
        for (&position, &names) in scratch.parties.iter().zip(&scratch.name_masks) {
            let (Some(party), Some(role)) = (
                self.parties.get(position as usize),
                self.roles.get(position as usize),
            ) else {
                continue;
            };
            let Some(hit) = self.matcher.alert_among(query, party, names) else {
                continue;
            };
            let status = match role {
                Role::Listed => Status::Alert,
                Role::Added => Status::New,
                Role::Amended => Status::Amended,
                Role::Delisted => Status::Delisted,
                Role::AmendedBefore => Status::AmendedAway,
            };
            hits.push(Alert {
                party: position,
                score: hit.score,
                status,
                explanation: hit.explanation,
            });
        }
        // An alert on a base record holds on if the amended record alerts too.
        let still: Vec<u32> = hits
            .iter()
            .filter(|a| a.status == Status::Amended)
            .map(|a| a.party)
            .collect();
        hits.retain(|a| {
            a.status != Status::AmendedAway
                || !self
                    .amended_after
                    .get(&self.parties[a.party as usize].entity.id())
                    .is_some_and(|after| still.contains(after))
        });
        hits.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.party.cmp(&b.party))
        });
        let mut kept = 0;
        hits.retain(|a| {
            if a.status.is_withdrawn() {
                return true;
            }
            kept += 1;
            kept <= self.max_alerts_per_row
        });
        hits
    }
}

/// The outcome of one input row.
pub enum RowOutcome {
    Screened { row: InputRow, alerts: Vec<Alert> },
    Rejected(RowError),
}

/// Where the rows went, for the report at the end.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Physical lines of the file read, the header's included (sheet rows for XLSX).
    pub lines_read: u64,
    /// Records found: `rows_screened + rows_rejected`.
    pub rows_read: u64,
    pub rows_screened: u64,
    pub rows_rejected: u64,
    /// Rejected rows by reason.
    pub rejected_by_reason: BTreeMap<String, u64>,
    /// The first rejected rows (all of them go to the rejects file when one is asked for).
    pub rejected_examples: Vec<RowError>,
    /// Rows screened with a warning (a field spanning lines, bidirectional controls …).
    pub rows_with_warnings: u64,
    /// Warnings by kind.
    pub warnings_by_kind: BTreeMap<String, u64>,
    /// The first warnings.
    pub warning_examples: Vec<RowWarning>,
    /// Alert records written (withdrawn ones included).
    pub alerts: u64,
    /// Rows with at least one alert (not counting withdrawn ones).
    pub rows_alerted: u64,
    /// Earlier alerts that no longer hold (delta).
    pub withdrawn: u64,
    /// rows_alerted / rows_screened.
    pub alert_rate: f64,
    pub parties: usize,
    pub seconds: f64,
    pub rows_per_second: f64,
    /// Mean candidates scored per row.
    pub mean_candidates: f64,
    /// The alerts' output was closed (a pipe whose reader left, `| head`): screening
    /// stopped there, and the counts are those of the rows before.
    pub output_closed: bool,
}

thread_local! {
    /// One lookup state per worker thread: its per-name table is as large as the index.
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// Summary examples kept in memory; the rest are only counted.
const MAX_EXAMPLES: usize = 50;

/// Options of a run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Any bad row is fatal.
    pub strict: bool,
    /// The name limits each row's query is prepared within.
    pub limits: Limits,
    /// Screen only this share of the rows (`None`: all of them).
    pub shard: Option<Shard>,
}

/// One of `count` disjoint shares of a file's rows, for schedulers that start `count`
/// processes and give each an index (Kubernetes indexed jobs), with no coordinator: the
/// row with ordinal `r` (0-based, rejected rows counted, in file order) belongs to shard
/// `r % count`. Every process reads the whole file but screens only its rows, so the
/// shards' alerts together are the whole run's, each row in exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 0-based, below `count`.
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// Whether the row with this ordinal is this shard's.
    pub fn holds(&self, ordinal: u64) -> bool {
        ordinal % self.count == self.index
    }
}

impl std::str::FromStr for Shard {
    type Err = String;

    /// `i/N`: shard `i` (0-based) of `N`, as `JOB_COMPLETION_INDEX/N`.
    fn from_str(text: &str) -> Result<Shard, String> {
        let usage = || format!("{text:?}: give i/N with 0 <= i < N, e.g. 0/4 to 3/4");
        let (index, count) = text.trim().split_once('/').ok_or_else(usage)?;
        let index: u64 = index.trim().parse().map_err(|_| usage())?;
        let count: u64 = count.trim().parse().map_err(|_| usage())?;
        if count == 0 || index >= count {
            return Err(usage());
        }
        Ok(Shard { index, count })
    }
}

/// Screens one chunk of rows in parallel: each row's outcome, in input order, with the
/// number of candidates scored for it. [`run`] calls it per chunk; a distributed worker
/// (sanctum-batch) calls it on the rows of a chunk it claimed.
pub fn screen_rows(
    rows: Vec<RowResult>,
    screener: &Screener,
    limits: &Limits,
) -> Vec<(RowOutcome, usize)> {
    rows.into_par_iter()
        .map(|row| match row {
            Err(e) => (RowOutcome::Rejected(e), 0),
            Ok(mut row) => match row.query.prepare_within(limits) {
                Err(e) => (RowOutcome::Rejected(input::query_error(row.line, &e)), 0),
                Ok(prepared) => SCRATCH.with(|scratch| {
                    let mut scratch = scratch.borrow_mut();
                    let mut alerts = screener.screen(&prepared.query, &mut scratch);
                    if prepared.warnings.contains(&QueryWarning::IdentifiersOnly) {
                        alerts.retain(identifier_matched);
                    }
                    row.warnings.extend(
                        prepared
                            .warnings
                            .iter()
                            .map(|w| RowWarning::from_query(row.line, w)),
                    );
                    (RowOutcome::Screened { row, alerts }, scratch.parties.len())
                }),
            },
        })
        .collect()
}

/// Whether an alert stands on an identifier match (the only alerts a query whose names
/// have nothing to screen on may raise).
fn identifier_matched(alert: &Alert) -> bool {
    alert
        .explanation
        .features
        .iter()
        .any(|f| f.feature == "identifier" && f.contribution > 0.0)
}

/// Screens every row of `reader`, handing each row's outcome to `sink` in input order. A
/// sink failing with a closed pipe ends the run early ([`Summary::output_closed`]).
/// `progress` is called after each chunk with (position, total) in the reader's units and
/// the rows read so far.
pub fn run(
    mut reader: InputReader,
    screener: &Screener,
    options: &RunOptions,
    path_label: &str,
    sink: &mut dyn FnMut(&RowOutcome, &Screener) -> Result<(), ScreenError>,
    progress: &mut dyn FnMut(u64, u64, u64),
) -> Result<Summary, ScreenError> {
    let started = Instant::now();
    let total = reader.total;
    let mut summary = Summary {
        parties: screener.parties.len(),
        ..Summary::default()
    };
    let mut candidate_total: u64 = 0;
    std::thread::scope(|scope| -> Result<(), ScreenError> {
        let (sender, receiver) =
            std::sync::mpsc::sync_channel::<Result<(Vec<RowResult>, u64, u64), InputError>>(2);
        let shard = options.shard;
        scope.spawn(move || {
            // Ordinal of the next record in the file, for the shard's share.
            let mut ordinal: u64 = 0;
            loop {
                let mut chunk = Vec::with_capacity(CHUNK_ROWS);
                let mut failed = None;
                let mut ended = false;
                while chunk.len() < CHUNK_ROWS {
                    match reader.next_row() {
                        Ok(Some(row)) => {
                            ordinal += 1;
                            if shard.is_none_or(|shard| shard.holds(ordinal - 1)) {
                                chunk.push(row);
                            }
                        }
                        Ok(None) => {
                            ended = true;
                            break;
                        }
                        Err(e) => {
                            failed = Some(e);
                            break;
                        }
                    }
                }
                let done = ended || failed.is_some();
                // An empty last chunk still carries the lines read (blank lines at the end).
                let message = Ok((chunk, reader.position(), reader.lines_read()));
                if sender.send(message).is_err() {
                    return;
                }
                if let Some(e) = failed {
                    let _ = sender.send(Err(e));
                    return;
                }
                if done {
                    return;
                }
            }
        });
        for message in receiver {
            let (chunk, position, lines) = message?;
            summary.lines_read = lines;
            let outcomes = screen_rows(chunk, screener, &options.limits);
            for (outcome, candidates) in &outcomes {
                summary.rows_read += 1;
                candidate_total += *candidates as u64;
                match outcome {
                    RowOutcome::Rejected(e) => {
                        if options.strict {
                            return Err(ScreenError::BadRow {
                                path: path_label.to_string(),
                                row: e.clone(),
                            });
                        }
                        summary.rows_rejected += 1;
                        *summary
                            .rejected_by_reason
                            .entry(e.kind.as_str().to_string())
                            .or_default() += 1;
                        if summary.rejected_examples.len() < MAX_EXAMPLES {
                            summary.rejected_examples.push(e.clone());
                        }
                    }
                    RowOutcome::Screened { alerts, row } => {
                        summary.rows_screened += 1;
                        if !row.warnings.is_empty() {
                            summary.rows_with_warnings += 1;
                        }
                        for w in &row.warnings {
                            *summary
                                .warnings_by_kind
                                .entry(w.kind.as_str().to_string())
                                .or_default() += 1;
                            if summary.warning_examples.len() < MAX_EXAMPLES {
                                summary.warning_examples.push(w.clone());
                            }
                        }
                        summary.alerts += alerts.len() as u64;
                        let withdrawn = alerts.iter().filter(|a| a.status.is_withdrawn()).count();
                        summary.withdrawn += withdrawn as u64;
                        if alerts.len() > withdrawn {
                            summary.rows_alerted += 1;
                        }
                    }
                }
                match sink(outcome, screener) {
                    Err(ScreenError::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                        summary.output_closed = true;
                        break;
                    }
                    other => other?,
                }
            }
            if summary.output_closed {
                // Dropping the receiver stops the reader thread.
                break;
            }
            progress(position, total, summary.rows_read);
        }
        Ok(())
    })?;
    let seconds = started.elapsed().as_secs_f64();
    summary.seconds = seconds;
    summary.rows_per_second = if seconds > 0.0 {
        summary.rows_read as f64 / seconds
    } else {
        0.0
    };
    if summary.rows_screened > 0 {
        summary.alert_rate = summary.rows_alerted as f64 / summary.rows_screened as f64;
        summary.mean_candidates = candidate_total as f64 / summary.rows_screened as f64;
    }
    Ok(summary)
}
