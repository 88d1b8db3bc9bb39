//! The `sanctum` binary: one command per job, each a thin layer over the library crates.
//!
//! - `update`: fetch (or read `--from`) publications, parse them, store them as versions.
//! - `rollback`: make an earlier version's parties current again, as a new version.
//! - `lists`, `diff`, `show`: read the store; `check` verifies it, `migrate` updates its schema.
//! - `export`: write the current lists as FollowTheMoney JSON lines.
//! - `eval`: measure the matcher on a deck generated from the lists.
//! - `search`: look one name up in every current list (ranked hits, why).
//! - `screen`: a customer file against the lists (`--shard I/N`: one share of its rows);
//!   `batch` and `worker`: the same, as chunks in PostgreSQL screened by any number of
//!   workers (sanctum-batch).
//! - `users`, `book`, `alerts`, `memory`, `audit`, `report`: alert review (sanctum-review):
//!   the customer book screened into alerts, decided under four eyes, on the record.

#[macro_use]
mod term;
mod alerts;
mod align;
mod audit;
mod batch;
mod book;
mod config;
mod eval;
mod export;
mod memory;
mod message;
mod ofac;
mod report;
mod rollback;
mod screen;
mod search;
mod serve;
mod time;
mod update;
mod users;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

// Screening analyses every customer name into small strings and vectors: mimalloc serves
// these from per-thread pages, where the system allocator spent ~5% of a screening run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// sanctum: sanctions list management and screening.
///
/// Ingests the official sanctions lists in their native formats into one entity model,
/// keeps every published version, and shows what changed.
#[derive(Parser)]
#[command(name = "sanctum", version, propagate_version = true)]
struct Cli {
    /// Where the store lives (default: the user's data directory, e.g. ~/.local/share/sanctum).
    #[arg(long, global = true, env = "SANCTUM_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Configuration file (default: sanctum.toml in the data directory, if present).
    #[arg(long, global = true, env = "SANCTUM_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// Keep the lists and the review tables in this PostgreSQL database
    /// (postgres://user:password@host/db) instead of the SQLite file in the data directory.
    #[arg(
        long,
        global = true,
        env = "SANCTUM_DATABASE_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    database: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Fetch the lists and store each new publication as a version.
    ///
    /// Without --from, each source is downloaded from its official URL (or read from the
    /// directory named by SANCTUM_LISTS_DIR). With --from, a file or a directory of
    /// publications is ingested in publication-date order. An update is atomic: a
    /// publication that fails to parse, is empty, or removes too many parties is rejected
    /// and the previous version stays current.
    Update(update::UpdateArgs),
    /// Make an earlier version's parties current again, as a new version.
    ///
    /// History is append-only: the rollback is stored as the next version of the source
    /// (with the earlier version's publication date, file name and sha256), nothing is
    /// deleted, and the diff against the version it replaces is printed. Atomic, as an
    /// update: a failure leaves the store unchanged.
    Rollback(rollback::RollbackArgs),
    /// The stored sources: current version, publication date, counts, age.
    Lists {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// What changed in a source between two versions: parties added, removed, amended.
    Diff(report::DiffArgs),
    /// A party's card: names, dates, identifiers, designations and the versions it is in.
    Show(report::ShowArgs),
    /// Write the current lists in another format.
    Export(export::ExportArgs),
    /// Verify the store: the database's integrity and the version history's invariants.
    Check,
    /// Bring the store's schema up to date (every command does this on start) and say
    /// which migrations ran: the SQLite file in the data directory, or --database.
    Migrate,
    /// Measure the matcher on a deck of name variants, look-alikes and customers generated
    /// from the lists in the store: recall per class, alert rates.
    Eval(eval::EvalArgs),
    /// One target across lists: for each party, which of the US, UK, EU, UN, Canada,
    /// Switzerland and Japan designated it and when, the lag behind the first designator,
    /// the gaps and the delistings.
    Align(align::AlignArgs),
    /// Look a name up in every current list: ranked hits with score, source, programs and
    /// why (`sanctum search vladimir putin`; --json for JSON).
    Search(search::SearchArgs),
    /// Screen a customer file (CSV, JSON lines, XLSX) against the lists: one alert record
    /// per alert, a summary of rows read, rejected and alerted. Exit codes: 0 no alert,
    /// 4 alerts, 5 rows rejected (no alert), 6 both, 1 error.
    Screen(screen::ScreenArgs),
    /// Distributed batch screening in PostgreSQL: submit a file as a job of chunks pinned
    /// to the current list versions; status, results, cancel. `sanctum worker`s screen it.
    #[command(subcommand)]
    Batch(batch::BatchCommand),
    /// Screen the chunks of batch jobs (any number of workers, on any machines reaching the
    /// database): claim a chunk, screen it, write its alerts, until stopped.
    Worker(batch::WorkerArgs),
    /// Screening benchmarks' tools: customer-file generator, index recall measurement.
    #[command(hide = true, subcommand)]
    ScreenTools(screen::ScreenTools),
    /// Serve the HTTP API: yente-compatible /match and /search, /v1 screening, versions and
    /// diffs, health, readiness and Prometheus metrics; lists updated on a schedule.
    Serve(serve::ServeArgs),
    /// Manage the HTTP API's keys (stored hashed in the data directory).
    #[command(subcommand)]
    Keys(serve::KeysCommand),
    /// Review users and their roles; each gets an API key that acts as them.
    #[command(subcommand)]
    Users(users::UsersCommand),
    /// The customer book: import, list, show, remove, screen into alerts.
    #[command(subcommand)]
    Book(book::BookCommand),
    /// Payment messages (SWIFT MT, ISO 20022): screen every party, agent, BIC, account and
    /// free-text field.
    #[command(subcommand)]
    Message(message::MessageCommand),
    /// Alerts: list, show, claim, propose, approve, return (four eyes), stats.
    #[command(subcommand)]
    Alerts(alerts::AlertsCommand),
    /// The false-positive memory.
    #[command(subcommand)]
    Memory(memory::MemoryCommand),
    /// The hash-chained audit trail: verify, export, head.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Regulatory report drafts.
    #[command(subcommand)]
    Report(ofac::ReportCommand),
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
    Table,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = config::Context::load(cli.data_dir, cli.config, cli.database).and_then(|ctx| {
        match cli.command {
            Command::Update(args) => update::run(&ctx, args),
            Command::Rollback(args) => rollback::run(&ctx, args),
            Command::Lists { json } => report::lists(&ctx, json),
            Command::Diff(args) => report::diff(&ctx, args),
            Command::Show(args) => report::show(&ctx, args),
            Command::Export(args) => export::run(&ctx, args),
            Command::Check => report::check(&ctx),
            Command::Migrate => report::migrate(&ctx),
            Command::Eval(args) => eval::run(&ctx, args),
            Command::Align(args) => align::run(&ctx, args),
            Command::Search(args) => search::run(&ctx, args),
            Command::Screen(args) => screen::run(&ctx, args),
            Command::ScreenTools(command) => screen::tools(&ctx, command),
            Command::Batch(command) => batch::run(&ctx, command),
            Command::Worker(args) => batch::worker(&ctx, args),
            Command::Serve(args) => serve::run(ctx, args),
            Command::Keys(command) => serve::keys(&ctx, command),
            Command::Users(command) => users::run(&ctx, command),
            Command::Book(command) => book::run(&ctx, command),
            Command::Message(command) => message::run(&ctx, command),
            Command::Alerts(command) => alerts::run(&ctx, command),
            Command::Memory(command) => memory::run(&ctx, command),
            Command::Audit(command) => audit::run(&ctx, command),
            Command::Report(command) => ofac::run(&ctx, command),
        }
    });
    match result {
        Ok(code) => code,
        // The reader of standard output has what it wanted (`| head`).
        Err(err) if term::closed_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            note!("error: {err:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// Exit codes, documented in README.md.
pub const EXIT_ERROR: u8 = 1;
/// Some publications were rejected; the others were stored.
pub const EXIT_REJECTED: u8 = 2;
