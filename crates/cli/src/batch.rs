//! `sanctum batch submit|status|results|cancel` and `sanctum worker`: a customer file
//! screened by workers on any machines that reach one PostgreSQL database (sanctum-batch).

use crate::config::Context;
use crate::screen::{
    AlertFormat, InputKind, alert_format, parse_filter, parse_max_alerts, parse_threshold,
};
use anyhow::{Context as _, Result, bail};
use clap::{Args, Subcommand};
use sanctum_batch::{JobState, JobStatus, Queue, SubmitOptions, WorkerOptions};
use sanctum_matcher::DEFAULT_THRESHOLD;
use sanctum_screen::input::ColumnMap;
use sanctum_screen::output::{OutputFormat, write_csv_header};
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Rows per chunk by default: a few seconds of one worker's time against every list, so a
/// killed worker costs little and claims stay a small share of the work.
const DEFAULT_CHUNK_ROWS: usize = 2_000;

/// Claims of a chunk before it is failed for good.
const DEFAULT_MAX_ATTEMPTS: u32 = 3;

/// A worker's lease by default: long beside a chunk's screening and a renewal every third
/// of it; a killed worker's chunk waits this long.
const DEFAULT_LEASE_SECONDS: f64 = 60.0;

/// How long a worker rides out a lost database before it stops with an error.
const OUTAGE_LIMIT: Duration = Duration::from_secs(600);

/// A worker's pause before looking for work again when there is none.
const IDLE_POLL: Duration = Duration::from_millis(500);

#[derive(Subcommand)]
pub enum BatchCommand {
    /// Store a customer file as a job of chunks, pinned to the current list versions, for
    /// `sanctum worker`s to screen.
    Submit(SubmitArgs),
    /// A job's progress (every job's without JOB): chunks pending, running, done, failed.
    Status {
        job: Option<i64>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// A finished job's alert records, as `sanctum screen` writes them (the same columns
    /// and lines), in the order of the file.
    Results {
        job: i64,
        /// Write them here (default: standard output).
        #[arg(long, short, value_name = "FILE")]
        out: Option<PathBuf>,
        /// jsonl or csv (default: csv when --out ends in .csv, else jsonl), as `screen`.
        #[arg(long, value_enum)]
        format: Option<AlertFormat>,
        /// Write the rejected rows here as JSON lines.
        #[arg(long, value_name = "FILE")]
        rejects: Option<PathBuf>,
    },
    /// Stop a job: no chunk of it is claimed or written any more.
    Cancel { job: i64 },
}

#[derive(Args)]
pub struct SubmitArgs {
    /// The file: CSV with a header row, JSON lines, or XLSX.
    #[arg(value_name = "FILE")]
    input: PathBuf,
    /// Rows per chunk (the unit a worker claims).
    #[arg(long = "chunk", default_value_t = DEFAULT_CHUNK_ROWS, value_name = "N")]
    chunk_rows: usize,
    /// Claims of a chunk (failures, or leases that ran out) before it is failed.
    #[arg(long, default_value_t = DEFAULT_MAX_ATTEMPTS)]
    max_attempts: u32,
    #[arg(long, value_enum)]
    input_format: Option<InputKind>,
    /// Read column COLUMN as FIELD (as `sanctum screen --map`).
    #[arg(long = "map", value_name = "COLUMN=FIELD")]
    map: Vec<String>,
    #[arg(long, value_parser = parse_threshold)]
    threshold: Option<f64>,
    #[arg(long = "source", value_name = "SOURCE", value_parser = parse_filter)]
    sources: Vec<String>,
    #[arg(long = "program", value_name = "PROGRAM", value_parser = parse_filter)]
    programs: Vec<String>,
    #[arg(long, default_value_t = 10, value_parser = parse_max_alerts)]
    max_alerts: usize,
}

#[derive(Args)]
pub struct WorkerArgs {
    /// Seconds a claim holds a chunk without renewal (renewed every third of it): a
    /// killed worker's chunk is claimed again after this long.
    #[arg(long = "lease", default_value_t = DEFAULT_LEASE_SECONDS, value_name = "SECONDS", value_parser = parse_lease)]
    lease_seconds: f64,
    /// Stop when no job has work left, instead of waiting for more.
    #[arg(long)]
    exit_when_idle: bool,
    /// The worker's name in the chunks it holds (default: host:pid).
    #[arg(long)]
    name: Option<String>,
}

fn parse_lease(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(v) if (0.3..=86_400.0).contains(&v) => Ok(v),
        _ => Err(format!(
            "{text:?}: give a lease in seconds, from 0.3 to 86400"
        )),
    }
}

/// The database URL: batch screening needs PostgreSQL.
fn database_url(ctx: &Context) -> Result<&str> {
    match ctx
        .database
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
    {
        Some(url) => Ok(url),
        None => bail!(
            "batch screening needs a PostgreSQL database (--database postgres://… or \
             SANCTUM_DATABASE_URL): its job queue is shared by workers on several machines, \
             which a SQLite file on one disk cannot be. On one machine `sanctum screen` uses \
             every core, and `sanctum screen --shard I/N` splits a file with no database."
        ),
    }
}

fn connect(ctx: &Context) -> Result<Queue> {
    Ok(Queue::connect(database_url(ctx)?)?)
}

pub fn run(ctx: &Context, command: BatchCommand) -> Result<ExitCode> {
    match command {
        BatchCommand::Submit(args) => submit(ctx, args),
        BatchCommand::Status { job, json } => {
            let mut queue = connect(ctx)?;
            let jobs = match job {
                Some(job) => vec![queue.status(job)?],
                None => queue.jobs()?,
            };
            if json {
                let value = match job {
                    Some(_) => serde_json::to_value(&jobs[0])?,
                    None => serde_json::to_value(&jobs)?,
                };
                say!("{}", serde_json::to_string_pretty(&value)?)?;
            } else if jobs.is_empty() {
                say!("no batch job")?;
            } else {
                for status in &jobs {
                    print_status(status)?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        BatchCommand::Results {
            job,
            out,
            format,
            rejects,
        } => {
            let format = alert_format(format, out.as_deref());
            let mut queue = connect(ctx)?;
            let mut alerts_out: Box<dyn Write> = match &out {
                Some(path) => Box::new(BufWriter::new(
                    std::fs::File::create(path)
                        .with_context(|| format!("creating {}", path.display()))?,
                )),
                None => Box::new(BufWriter::new(std::io::stdout().lock())),
            };
            let mut rejects_out = match &rejects {
                Some(path) => Some(BufWriter::new(
                    std::fs::File::create(path)
                        .with_context(|| format!("creating {}", path.display()))?,
                )),
                None => None,
            };
            let mut written: Result<(), std::io::Error> = Ok(());
            let mut header_written = false;
            queue.for_each_result(job, format, &mut |alerts, rejected| {
                // The header once the job is known to have results: a refused job writes
                // nothing.
                if format == OutputFormat::Csv && !header_written && written.is_ok() {
                    header_written = true;
                    written = write_csv_header(&mut alerts_out).map_err(std::io::Error::other);
                }
                if written.is_ok() {
                    written = alerts_out.write_all(alerts.as_bytes()).and_then(|()| {
                        match rejects_out.as_mut() {
                            Some(w) => w.write_all(rejected.as_bytes()),
                            None => Ok(()),
                        }
                    });
                }
                Ok(())
            })?;
            if format == OutputFormat::Csv && !header_written {
                // A job of no chunk: the header alone, as `screen` writes for an empty file.
                write_csv_header(&mut alerts_out)?;
            }
            written?;
            alerts_out.flush()?;
            if let Some(mut w) = rejects_out {
                w.flush()?;
            }
            Ok(ExitCode::SUCCESS)
        }
        BatchCommand::Cancel { job } => {
            let mut queue = connect(ctx)?;
            if queue.cancel(job)? {
                say!("job {job} cancelled")?;
            } else {
                say!("job {job} was already cancelled")?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn submit(ctx: &Context, args: SubmitArgs) -> Result<ExitCode> {
    let url = database_url(ctx)?;
    let mut queue = Queue::connect(url)?;
    let store = ctx.open_store()?;
    let options = SubmitOptions {
        format: args.input_format.map(InputKind::format),
        map: ColumnMap::new(&args.map)?,
        chunk_rows: args.chunk_rows,
        max_attempts: args.max_attempts,
        sources: args.sources,
        programs: args.programs,
        threshold: args.threshold.unwrap_or(DEFAULT_THRESHOLD),
        max_alerts_per_row: args.max_alerts,
        limits: ctx.config.limits.clone(),
    };
    let submitted = sanctum_batch::submit(&mut queue, &store, &args.input, &options)?;
    for (source, seq) in &submitted.settings.versions {
        note!("{source} version {seq}");
    }
    note!(
        "job {}: {} rows in {} chunks of up to {} rows; start workers with `sanctum worker`",
        submitted.job,
        submitted.rows,
        submitted.chunks,
        args.chunk_rows
    );
    say!("{}", submitted.job)?;
    Ok(ExitCode::SUCCESS)
}

fn print_status(s: &JobStatus) -> Result<()> {
    let state = match s.state {
        JobState::Queued => "queued",
        JobState::Running => "running",
        JobState::Done => "done",
        JobState::Failed => "failed",
        JobState::Cancelled => "cancelled",
    };
    say!(
        "job {} ({}, submitted {}): {state}; chunks {} done, {} running, {} pending, {} failed of {}; rows {}: screened {}, rejected {}; alerts {} on {} rows",
        s.job,
        crate::term::safe(&s.file_name),
        s.submitted_at,
        s.done,
        s.running,
        s.pending,
        s.failed,
        s.chunks,
        s.rows,
        s.rows_screened,
        s.rows_rejected,
        s.alerts,
        s.rows_alerted
    )?;
    for f in &s.failures {
        say!(
            "  chunk {} (from line {}) failed after {} attempts: {}",
            f.chunk,
            f.first_line,
            f.attempts,
            crate::term::safe(&f.error)
        )?;
    }
    Ok(())
}

/// This machine's name, for a worker's default name: no crate needed for one file read.
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "localhost".to_string())
}

pub fn worker(ctx: &Context, args: WorkerArgs) -> Result<ExitCode> {
    let url = database_url(ctx)?;
    let name = args
        .name
        .unwrap_or_else(|| format!("{}:{}", host_name(), std::process::id()));
    let options = WorkerOptions {
        name: name.clone(),
        lease: Duration::from_secs_f64(args.lease_seconds),
        outage_limit: OUTAGE_LIMIT,
        idle_poll: IDLE_POLL.min(Duration::from_secs_f64(args.lease_seconds / 2.0)),
        exit_when_idle: args.exit_when_idle,
        limits: ctx.config.limits.clone(),
    };
    let log = |line: &str| {
        note!("worker {name}: {line}");
    };
    let report = sanctum_batch::run_worker(url, &options, &log)?;
    note!(
        "worker {}: idle; {} chunks done ({} rows), {} failed, {} leases taken over",
        options.name,
        report.chunks_done,
        report.rows,
        report.chunks_failed,
        report.leases_lost
    );
    Ok(ExitCode::SUCCESS)
}
