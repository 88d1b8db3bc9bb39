//! `sanctum screen`: a customer file (CSV, JSON lines, XLSX) against the lists, one alert
//! record per alert, a summary at the end. `sanctum screen-tools` (hidden): the benchmark's
//! customer-file generator and the candidate index's recall measurement.

use crate::config::Context;
use crate::term::safe;
use anyhow::{Context as _, Result, bail};
use clap::{Args, FromArgMatches, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use sanctum_eval::recall::BruteForce;
use sanctum_matcher::{DEFAULT_THRESHOLD, MatchOptions};
use sanctum_screen::input::{ColumnMap, InputFormat, InputReader};
use sanctum_screen::lists::{self, Selection, Since};
use sanctum_screen::output::{AlertWriter, OutputFormat, RejectWriter};
use sanctum_screen::{RowOutcome, RunOptions, ScreenError, Screener, Shard, Summary};
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Exit code: screened, some rows alerted.
pub const EXIT_ALERTS: u8 = 4;
/// Exit code: screened without alerts, but some rows were rejected (lenient mode).
pub const EXIT_REJECTED_ROWS: u8 = 5;
/// Exit code: some rows alerted and some rows were rejected.
pub const EXIT_ALERTS_AND_REJECTED: u8 = 6;

#[derive(Clone, Copy, ValueEnum)]
pub enum AlertFormat {
    Jsonl,
    Csv,
}

/// The alert records' format: the one asked for, else CSV for a `.csv` file, else JSON
/// lines (`screen` and `batch results` alike).
pub fn alert_format(asked: Option<AlertFormat>, out: Option<&Path>) -> OutputFormat {
    match asked {
        Some(AlertFormat::Csv) => OutputFormat::Csv,
        Some(AlertFormat::Jsonl) => OutputFormat::Jsonl,
        None if out.is_some_and(|p| p.extension().is_some_and(|e| e == "csv")) => OutputFormat::Csv,
        None => OutputFormat::Jsonl,
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum InputKind {
    Csv,
    Jsonl,
    Xlsx,
}

impl InputKind {
    pub fn format(self) -> InputFormat {
        match self {
            InputKind::Csv => InputFormat::Csv,
            InputKind::Jsonl => InputFormat::Jsonl,
            InputKind::Xlsx => InputFormat::Xlsx,
        }
    }
}

#[derive(Args)]
pub struct ScreenArgs {
    /// The file to screen: CSV with a header row, JSON lines, or XLSX (by its extension
    /// unless --input-format says); `-` reads CSV or JSON lines from standard input (told
    /// apart by the first character: `{` is JSON lines).
    #[arg(value_name = "INPUT")]
    input: PathBuf,
    /// Write the alerts here (default: standard output).
    #[arg(long, short, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Alert records as JSON lines or CSV (default: from --out's extension, else jsonl).
    #[arg(long, value_enum)]
    format: Option<AlertFormat>,
    #[arg(long, value_enum)]
    input_format: Option<InputKind>,
    /// Read column COLUMN as FIELD (id, name, first_name, middle_name, last_name,
    /// birth_date, country, nationality, gender, kind, id_number, imo, bic, ignore).
    #[arg(long = "map", value_name = "COLUMN=FIELD")]
    map: Vec<String>,
    /// Stop at the first bad row (exit code 1) instead of reporting and skipping it.
    #[arg(long)]
    strict: bool,
    /// Alert at or above this score, above 0 and at most 1 (default: the matcher's
    /// documented threshold, 0.80).
    #[arg(long, value_parser = parse_threshold)]
    threshold: Option<f64>,
    /// Only parties of these sources (e.g. us_ofac_sdn); default: every stored source.
    #[arg(long = "source", value_name = "SOURCE", value_parser = parse_filter)]
    sources: Vec<String>,
    /// Only parties with a program containing this text, case-insensitively (e.g. RUSSIA
    /// keeps RUSSIA-EO14024).
    #[arg(long = "program", value_name = "PROGRAM", value_parser = parse_filter)]
    programs: Vec<String>,
    /// Screen against the lists as they stood on this date.
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// Delta re-screening: only parties added or amended since this version (N, or
    /// SOURCE:N) or date, and report earlier alerts that no longer hold (delisted, amended
    /// away).
    #[arg(long, value_name = "VERSION|DATE")]
    changes_since: Option<String>,
    /// At most this many alerts per row, best first (at least 1; earlier alerts that no
    /// longer hold are always all written).
    #[arg(long, default_value_t = 10, value_parser = parse_max_alerts)]
    max_alerts: usize,
    /// Write every rejected row (line, kind, reason) here as JSON lines.
    #[arg(long, value_name = "FILE")]
    rejects: Option<PathBuf>,
    /// Write the summary here as JSON.
    #[arg(long, value_name = "FILE")]
    summary: Option<PathBuf>,
    /// No progress bar even on a terminal.
    #[arg(long)]
    quiet: bool,
    /// Do not fetch the lists when the store is empty.
    #[arg(long)]
    no_fetch: bool,
    /// Screen only shard I of N (0-based, e.g. 0/4 to 3/4; Kubernetes indexed jobs:
    /// $JOB_COMPLETION_INDEX/N): the rows whose ordinal in the file, counted from 0, leaves
    /// I when divided by N. N processes with the same file and lists write, together, the
    /// alerts of one whole run, with no coordinator.
    #[arg(long, value_name = "I/N")]
    shard: Option<Shard>,
}

/// `--threshold`: a finite score above 0 and at most 1. A percentage (85) is refused with
/// the score it likely means (0.85): it would otherwise silently alert on nothing.
pub fn parse_threshold(text: &str) -> Result<f64, String> {
    let value: f64 = text.trim().parse().map_err(|_| {
        format!("{text:?} is not a number: give a score above 0 and at most 1, e.g. 0.85")
    })?;
    if !value.is_finite() {
        return Err(format!(
            "{text} is not a score: give one above 0 and at most 1, e.g. 0.85"
        ));
    }
    if value > 1.0 && value <= 100.0 {
        return Err(format!(
            "{text} is above 1: scores run from 0 to 1 (use {} for {text}%)",
            value / 100.0
        ));
    }
    if value <= 0.0 || value > 1.0 {
        return Err(format!(
            "{text} is out of range: give a score above 0 and at most 1, e.g. 0.85"
        ));
    }
    Ok(value)
}

/// `--max-alerts`: at least one. Zero alerts per row would screen and hide every match.
pub fn parse_max_alerts(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(0) => Err(
            "0 would write no alert at all: give at least 1 (alerts kept per row, best first)"
                .to_string(),
        ),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("{text:?} is not a number of alerts (at least 1)")),
    }
}

/// `--source`, `--program`: not empty (an empty program matched nothing and dropped every
/// party, a screening against nothing).
pub fn parse_filter(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(
            "empty: give a name (e.g. us_ofac_sdn, RUSSIA), or leave the option out".to_string(),
        );
    }
    Ok(text.to_string())
}

/// Today's date (UTC), for refusing a base date in the future.
fn today() -> (u16, u8, u8) {
    let (y, m, d) =
        sanctum_sources::detect::civil_from_days(crate::time::now_secs().div_euclid(86_400));
    (u16::try_from(y).unwrap_or(u16::MAX), m, d)
}

/// Refuses an output file that is the input file, by identity (a symlink or hard link to
/// it is the same file), or another output: opening it for writing would truncate what is
/// still being read. Checked before any output is opened.
fn check_outputs(input: &std::path::Path, outputs: &[(&str, Option<&PathBuf>)]) -> Result<()> {
    let outputs: Vec<(&str, &PathBuf)> = outputs
        .iter()
        .filter_map(|(flag, path)| path.map(|p| (*flag, p)))
        .collect();
    for (i, (flag, path)) in outputs.iter().enumerate() {
        if same_file(input, path) {
            bail!(
                "{flag} {}: that is the input file {}; writing it would destroy the file being screened",
                path.display(),
                input.display()
            );
        }
        for (other, other_path) in &outputs[..i] {
            if same_file(path, other_path) {
                bail!(
                    "{flag} {} and {other} {}: the same file; give each its own",
                    path.display(),
                    other_path.display()
                );
            }
        }
    }
    Ok(())
}

/// Whether two paths name one file: the same file by identity (device and inode, through
/// symlinks and hard links) when both exist, else the same directory and file name.
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    if let Ok(same) = same_file::is_same_file(a, b) {
        return same;
    }
    let place = |p: &std::path::Path| {
        let dir = match p.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Some((dir.canonicalize().ok()?, p.file_name()?.to_os_string()))
    };
    matches!((place(a), place(b)), (Some(x), Some(y)) if x == y)
}

fn parse_date(text: &str, flag: &str) -> Result<sanctum_model::PartialDate> {
    sanctum_model::date::parse_single_date(text)
        .map_err(|e| anyhow::anyhow!("{flag} {text:?}: {}", e.reason))
}

/// Fetches every list when the store holds none, so a first `sanctum screen` works alone.
fn ensure_lists(ctx: &Context) -> Result<()> {
    let store = ctx.open_store()?;
    if !store.sources()?.is_empty() {
        return Ok(());
    }
    drop(store);
    note!("the store is empty: fetching the lists first (sanctum update)");
    let command = crate::update::UpdateArgs::augment_args(clap::Command::new("update"));
    let matches = command.try_get_matches_from(["update"])?;
    let args = crate::update::UpdateArgs::from_arg_matches(&matches)?;
    crate::update::run(ctx, args)?;
    Ok(())
}

pub fn run(ctx: &Context, args: ScreenArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let limits = &ctx.config.limits;
    let from_stdin = args.input.as_os_str() == "-";
    check_outputs(
        // Standard input is no file an output could overwrite; the outputs are still
        // checked against each other.
        if from_stdin {
            std::path::Path::new("")
        } else {
            &args.input
        },
        &[
            ("--out", args.out.as_ref()),
            ("--rejects", args.rejects.as_ref()),
            ("--summary", args.summary.as_ref()),
        ],
    )?;
    let since: Option<Since> = args
        .changes_since
        .as_deref()
        .map(|since| {
            since
                .parse()
                .map_err(|e: String| anyhow::anyhow!("--changes-since {e}"))
        })
        .transpose()?;
    if let Some(Since::Date(date)) = &since
        && date.earliest() > today()
    {
        bail!("--changes-since {date}: a date after today; give a past date or a version");
    }
    if !args.no_fetch {
        ensure_lists(ctx)?;
    }
    let store = ctx.open_store()?;
    let selection = Selection {
        sources: args.sources.clone(),
        programs: args.programs.clone(),
        as_of: args
            .as_of
            .as_deref()
            .map(|d| parse_date(d, "--as-of"))
            .transpose()?,
    };
    let (parties, changes) = match &since {
        Some(since) => {
            let delta = lists::load_delta(&store, &selection, since)?;
            for c in &delta.changes {
                note!(
                    "{}: version {} ({}) → {} ({}): {} added, {} amended, {} removed",
                    c.source,
                    c.from_seq,
                    c.from_published.as_deref().unwrap_or("-"),
                    c.to_seq,
                    c.to_published.as_deref().unwrap_or("-"),
                    c.added,
                    c.amended,
                    c.removed
                );
            }
            (delta.parties, Some(delta.changes))
        }
        None => {
            let lists = lists::load(&store, &selection)?;
            if lists.versions.is_empty() {
                bail!(
                    "no list version matches (see `sanctum lists`; --as-of before the first version?)"
                );
            }
            for v in &lists.versions {
                note!(
                    "{} version {} ({})",
                    v.source,
                    v.seq,
                    v.published
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| v.fetched_at.clone())
                );
            }
            (lists.parties, None)
        }
    };
    drop(store);
    let options = MatchOptions {
        threshold: args.threshold.unwrap_or(DEFAULT_THRESHOLD),
        ..MatchOptions::default()
    };
    let mut screener = Screener::within(parties, options, limits);
    screener.max_alerts_per_row = args.max_alerts;
    note!(
        "{} parties prepared and indexed in {:.1?}",
        screener.parties().len(),
        started.elapsed()
    );

    let map = ColumnMap::new(&args.map)?;
    let format = args.input_format.map(InputKind::format);
    let reader = if from_stdin {
        InputReader::stdin(format, &map, limits)?
    } else {
        InputReader::open(&args.input, format, &map, limits)?
    };
    if !reader.ignored_columns.is_empty() {
        note!(
            "ignored columns (use --map COLUMN=FIELD to read them): {}",
            safe(&reader.ignored_columns.join(", "))
        );
    }
    let alert_format = alert_format(args.format, args.out.as_deref());
    let out: Box<dyn Write + Send> = match &args.out {
        Some(path) => Box::new(BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        )),
        None => Box::new(BufWriter::new(std::io::stdout())),
    };
    let mut writer = AlertWriter::new(out, alert_format)?;
    let mut rejects = match &args.rejects {
        Some(path) => Some(RejectWriter::new(Box::new(BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        )))),
        None => None,
    };

    // Standard input has no size to show progress against.
    let bar = if !args.quiet && !from_stdin && std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(reader.total);
        bar.set_style(
            ProgressStyle::with_template(
                "{bar:40} {percent:>3}% {msg} [{elapsed_precise} < {eta_precise}]",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let label = if from_stdin {
        "standard input".to_string()
    } else {
        args.input.display().to_string()
    };
    let mut sink = |outcome: &RowOutcome, screener: &Screener| {
        if let (RowOutcome::Rejected(e), Some(r)) = (outcome, rejects.as_mut()) {
            r.write(e)?;
        }
        writer.write(outcome, screener)
    };
    let mut progress = |position: u64, _total: u64, rows: u64| {
        bar.set_position(position);
        bar.set_message(format!("{rows} rows"));
    };
    let summary = sanctum_screen::run(
        reader,
        &screener,
        &RunOptions {
            strict: args.strict,
            limits: limits.clone(),
            shard: args.shard,
        },
        &label,
        &mut sink,
        &mut progress,
    );
    bar.finish_and_clear();
    let mut summary = summary?;
    // Standard output closed (`| head`): what was written stands, the rest goes unwritten.
    match writer.finish() {
        Err(ScreenError::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            summary.output_closed = true;
        }
        other => other?,
    }
    if let Some(r) = rejects {
        r.finish()?;
    }
    print_summary(&summary, changes.is_some());
    if let Some(path) = &args.summary {
        let json = serde_json::json!({ "summary": summary, "changes": changes });
        std::fs::write(path, serde_json::to_string_pretty(&json)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(ExitCode::from(
        match (summary.alerts > 0, summary.rows_rejected > 0) {
            (false, false) => 0,
            (true, false) => EXIT_ALERTS,
            (false, true) => EXIT_REJECTED_ROWS,
            (true, true) => EXIT_ALERTS_AND_REJECTED,
        },
    ))
}

fn print_summary(s: &Summary, delta: bool) {
    if s.output_closed {
        note!(
            "standard output closed: screening stopped after {} rows; the rows after them were not screened",
            s.rows_read
        );
    }
    note!(
        "lines read {}, rows read {}: screened {}, rejected {}",
        s.lines_read,
        s.rows_read,
        s.rows_screened,
        s.rows_rejected
    );
    for (reason, count) in &s.rejected_by_reason {
        note!("  rejected, {reason}: {count}");
    }
    // Reasons quote the file's text: escaped, so no control in it reaches the terminal.
    for e in s.rejected_examples.iter().take(20) {
        note!("  {}", safe(&e.to_string()));
    }
    if s.rows_rejected > 20 {
        note!("  … (--rejects FILE lists every one)");
    }
    if s.rows_with_warnings > 0 {
        note!("screened with a warning: {} rows", s.rows_with_warnings);
        for (kind, count) in &s.warnings_by_kind {
            note!("  {kind}: {count}");
        }
        for w in s.warning_examples.iter().take(20) {
            note!("  {}", safe(&w.to_string()));
        }
    }
    note!(
        "alerts {} on {} rows (alert rate {:.3}%){}",
        s.alerts,
        s.rows_alerted,
        100.0 * s.alert_rate,
        if delta {
            format!(", earlier alerts no longer holding {}", s.withdrawn)
        } else {
            String::new()
        }
    );
    note!(
        "{} parties, {:.1} candidates scored per row, {:.2} s, {:.0} rows/s",
        s.parties,
        s.mean_candidates,
        s.seconds,
        s.rows_per_second
    );
}

#[derive(Subcommand)]
pub enum ScreenTools {
    /// Write a reproducible customer file (CSV) from the lists in the store.
    Customers {
        #[arg(long, default_value_t = 1_000_000)]
        rows: usize,
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Share of rows that are listed names with variants.
        #[arg(long, default_value_t = 0.001)]
        listed_share: f64,
        /// Plant only parties of these sources.
        #[arg(long = "plant-source")]
        plant_sources: Vec<String>,
        #[arg(long, short)]
        out: PathBuf,
    },
    /// Screens a customer file against the lists grown (or cut) to a number of parties with
    /// generated ones; prints one JSON line: parties, rows, rows per second, index build time.
    Growth {
        #[arg(long)]
        parties: usize,
        #[arg(long, default_value_t = 11)]
        seed: u64,
        /// Customer file to screen (CSV with a header row).
        input: PathBuf,
    },
    /// The candidate index's recall against a brute-force scan, on a deck sample.
    Recall {
        #[arg(long = "source", value_name = "SOURCE")]
        sources: Vec<String>,
        /// Deck queries to scan (each against every party).
        #[arg(long, default_value_t = 1000)]
        queries: usize,
        #[arg(long, default_value_t = 3)]
        seed: u64,
        #[arg(long, value_parser = parse_threshold)]
        threshold: Option<f64>,
        #[arg(long)]
        json: Option<PathBuf>,
        /// Reuse the brute-force scan saved in FILE (made and saved there when absent or made
        /// for other queries, lists or threshold): index changes are then measured in
        /// seconds. Delete it when the matcher changes.
        #[arg(long, value_name = "FILE")]
        brute_force: Option<PathBuf>,
    },
}

pub fn tools(ctx: &Context, command: ScreenTools) -> Result<ExitCode> {
    let store = ctx.open_store()?;
    match command {
        ScreenTools::Customers {
            rows,
            seed,
            listed_share,
            plant_sources,
            out,
        } => {
            let entities = store.current_entities(None)?;
            let file = std::fs::File::create(&out)
                .with_context(|| format!("creating {}", out.display()))?;
            let stats = sanctum_eval::customers::write_customer_file(
                &entities,
                &sanctum_eval::customers::CustomerFileOptions {
                    seed,
                    rows,
                    listed_share,
                    planted_sources: plant_sources,
                },
                BufWriter::new(file),
            )?;
            note!(
                "{}: {} rows, {} listed names planted",
                out.display(),
                stats.rows,
                stats.planted
            );
        }
        ScreenTools::Growth {
            parties,
            seed,
            input,
        } => {
            let loaded = lists::load(&store, &Selection::default())?;
            let started = Instant::now();
            let grown = sanctum_eval::grow::grow(loaded.parties, parties, seed);
            let screener = Screener::new(grown, MatchOptions::default());
            let built = started.elapsed().as_secs_f64();
            let reader =
                InputReader::open(&input, None, &ColumnMap::new(&[])?, &ctx.config.limits)?;
            let summary = sanctum_screen::run(
                reader,
                &screener,
                &RunOptions::default(),
                &input.display().to_string(),
                &mut |_, _| Ok(()),
                &mut |_, _, _| {},
            )?;
            say!(
                "{}",
                serde_json::json!({
                    "parties": summary.parties,
                    "rows": summary.rows_read,
                    "rows_per_second": summary.rows_per_second,
                    "mean_candidates": summary.mean_candidates,
                    "alerts": summary.alerts,
                    "prepare_and_index_seconds": built,
                })
            )?;
        }
        ScreenTools::Recall {
            sources,
            queries,
            seed,
            threshold,
            json,
            brute_force,
        } => {
            let selection = Selection {
                sources,
                ..Selection::default()
            };
            let loaded = lists::load(&store, &selection)?;
            let entities: Vec<_> = loaded.parties.iter().map(|(e, _)| e.clone()).collect();
            let options = MatchOptions {
                threshold: threshold.unwrap_or(DEFAULT_THRESHOLD),
                ..MatchOptions::default()
            };
            let screener = Screener::new(loaded.parties, options);
            let sample = sanctum_eval::recall::sample(&entities, queries, seed);
            let started = Instant::now();
            let saved = brute_force
                .as_ref()
                .and_then(|path| std::fs::read(path).ok())
                .and_then(|bytes| serde_json::from_slice::<BruteForce>(&bytes).ok())
                .filter(|scan| scan.fits(&screener, &sample));
            let scan = match saved {
                Some(scan) => scan,
                None => {
                    let scan = sanctum_eval::recall::brute_force(&screener, &sample);
                    if let Some(path) = &brute_force {
                        std::fs::write(path, serde_json::to_vec(&scan)?)
                            .with_context(|| format!("writing {}", path.display()))?;
                    }
                    scan
                }
            };
            let report = sanctum_eval::recall::compare(&screener, &sample, &scan);
            note!("scanned in {:.1?}", started.elapsed());
            say!("{}", serde_json::to_string_pretty(&report)?)?;
            if let Some(path) = json {
                std::fs::write(&path, serde_json::to_string_pretty(&report)?)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
