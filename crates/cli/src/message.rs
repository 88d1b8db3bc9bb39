//! `sanctum message screen`: payment messages (SWIFT MT, ISO 20022) against the lists.

use crate::config::Context;
use crate::screen::{EXIT_ALERTS, EXIT_ALERTS_AND_REJECTED, EXIT_REJECTED_ROWS, parse_threshold};
use anyhow::{Context as _, Result, bail};
use clap::{Args, Subcommand, ValueEnum};
use sanctum_matcher::{DEFAULT_THRESHOLD, MatchOptions};
use sanctum_payments::{Decision, Jurisdictions, PaymentFilter};
use sanctum_screen::lists::{self, Selection};
use sanctum_screen::{Scratch, Screener};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[derive(Subcommand)]
pub enum MessageCommand {
    /// Screen payment messages: every party, agent, BIC, account and free-text field of
    /// SWIFT MT (MT103, MT202 COV, MT101 …; one message per file or an RJE file of several)
    /// and ISO 20022 (pacs.008, pacs.009 COV, pain.001, with or without head.001). One
    /// verdict per message, `clean` or `hold`, each hit with its field and byte span.
    /// Exit codes: 0 every message clean, 4 a message held, 5 a message unreadable (none
    /// held), 6 both, 1 error.
    Screen(MessageScreenArgs),
    /// Realistic clean MT103 traffic as an RJE file, for benchmarks (false holds, speed).
    #[command(hide = true)]
    Traffic {
        #[arg(long, default_value_t = 10_000)]
        count: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, short, value_name = "FILE")]
        out: PathBuf,
    },
}

#[derive(Args)]
pub struct MessageScreenArgs {
    /// Message files, or directories of them (read in name order, not recursively).
    #[arg(value_name = "FILE", required = true)]
    inputs: Vec<PathBuf>,
    /// Verdicts as JSON lines (one per message) or one JSON array.
    #[arg(long, value_enum, default_value_t = VerdictFormat::Jsonl)]
    format: VerdictFormat,
    /// Write the verdicts here (default: standard output).
    #[arg(long, short, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Hold at or above this name score, above 0 and at most 1 (default 0.80).
    #[arg(long, value_parser = parse_threshold)]
    threshold: Option<f64>,
    /// Only parties of these sources (e.g. us_ofac_sdn); default: every stored source.
    #[arg(long = "source", value_name = "SOURCE")]
    sources: Vec<String>,
    /// Write the summary here as JSON: messages, held, unreadable, time per message.
    #[arg(long, value_name = "FILE")]
    summary: Option<PathBuf>,
    /// Record each held message as a payment case in the review tables (an alert of the
    /// book `payments`, released, blocked or rejected under four eyes with `sanctum alerts
    /// propose` and `approve`); its verdict gives the case id as `case`. A message recorded
    /// before gives its case again.
    #[arg(long)]
    record: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum VerdictFormat {
    Json,
    Jsonl,
}

pub fn run(ctx: &Context, command: MessageCommand) -> Result<ExitCode> {
    match command {
        MessageCommand::Screen(args) => screen(ctx, args),
        MessageCommand::Traffic { count, seed, out } => {
            let store = ctx.open_store()?;
            let lists = lists::load(&store, &Selection::default())?;
            let entities: Vec<_> = lists
                .parties
                .into_iter()
                .map(|(entity, _)| entity)
                .collect();
            let file = std::io::BufWriter::new(
                std::fs::File::create(&out).with_context(|| format!("{}", out.display()))?,
            );
            let written = sanctum_payments::traffic::write_mt103_traffic(
                &entities,
                &sanctum_payments::traffic::TrafficOptions {
                    seed,
                    messages: count,
                },
                file,
            )?;
            note!("{written} MT103 messages written to {}", out.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The files named, directories expanded.
fn files(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(input)
                .with_context(|| format!("{}", input.display()))?
                .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                .filter(|path| path.is_file())
                .collect();
            entries.sort();
            out.extend(entries);
        } else {
            out.push(input.clone());
        }
    }
    Ok(out)
}

fn screen(ctx: &Context, args: MessageScreenArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let limits = &ctx.config.limits;
    let files = files(&args.inputs)?;
    if let Some(out) = &args.out
        && files.iter().any(|file| same_file(file, out))
    {
        bail!(
            "--out {}: that is an input; choose another file",
            out.display()
        );
    }
    let store = ctx.open_store()?;
    let lists = lists::load(
        &store,
        &Selection {
            sources: args.sources.clone(),
            ..Selection::default()
        },
    )?;
    drop(store);
    let mut review = if args.record {
        Some(ctx.open_review()?.1)
    } else {
        None
    };
    let versions: std::collections::BTreeMap<String, u32> = lists
        .versions
        .iter()
        .map(|version| (version.source.clone(), version.seq))
        .collect();
    if lists.versions.is_empty() {
        bail!("the store holds no list: run `sanctum update` first");
    }
    let options = MatchOptions {
        threshold: args.threshold.unwrap_or(DEFAULT_THRESHOLD),
        ..MatchOptions::default()
    };
    let screener = Screener::within(lists.parties, options, limits);
    let jurisdictions = match &ctx.config.payments.jurisdictions {
        Some(list) => Jurisdictions::new(list.clone()),
        None => Jurisdictions::default(),
    };
    let filter = PaymentFilter::new(&screener, jurisdictions);
    note!(
        "{} parties prepared and indexed in {:.1?}",
        screener.parties().len(),
        started.elapsed()
    );

    let mut out: Box<dyn Write> = match &args.out {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("{}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let mut records = Vec::new();
    let (mut messages, mut held, mut unreadable) = (0usize, 0usize, 0usize);
    let mut scratch = Scratch::default();
    let screening = Instant::now();
    // Each message's screening time, for the percentiles of the summary.
    let mut took: Vec<std::time::Duration> = Vec::new();
    for file in &files {
        let name = file.display().to_string();
        let raw = match read_bounded(file, limits.max_message_bytes) {
            Ok(raw) => raw,
            Err(error) => {
                unreadable += 1;
                records.push(serde_json::json!({"file": name, "error": error.to_string()}));
                continue;
            }
        };
        match sanctum_payments::read(&raw, limits) {
            Err(error) => {
                unreadable += 1;
                records.push(serde_json::json!({"file": name, "error": error.to_string()}));
            }
            Ok(read) => {
                for (index, message) in read.iter().enumerate() {
                    messages += 1;
                    let one = Instant::now();
                    let verdict = filter.screen(&screener, message, &mut scratch);
                    took.push(one.elapsed());
                    if verdict.decision == Decision::Hold {
                        held += 1;
                    }
                    let mut record = serde_json::to_value(&verdict)?;
                    record["file"] = name.clone().into();
                    record["message"] = index.into();
                    if let Some(review) = review.as_mut()
                        && verdict.decision == Decision::Hold
                    {
                        let held = sanctum_server::payments::held_message(
                            &raw,
                            message,
                            &verdict,
                            screener.parties(),
                            &versions,
                        )?;
                        let recorded = review
                            .record_held_payment(&held)
                            .with_context(|| format!("{name}: recording the held message"))?;
                        record["case"] = recorded.case.into();
                        record["case_created"] = recorded.created.into();
                    }
                    records.push(record);
                }
            }
        }
        if matches!(args.format, VerdictFormat::Jsonl) {
            for record in records.drain(..) {
                writeln!(out, "{record}")?;
            }
        }
    }
    if matches!(args.format, VerdictFormat::Json) {
        writeln!(out, "{}", serde_json::to_string_pretty(&records)?)?;
    }
    out.flush()?;
    took.sort();
    let percentile = |p: f64| {
        took.get(((took.len() as f64 * p).ceil() as usize).saturating_sub(1))
            .copied()
            .unwrap_or_default()
    };
    note!(
        "{messages} messages screened in {:.1?}: {held} held, {} clean; {unreadable} unreadable; per message p50 {:.2?}, p99 {:.2?}, max {:.2?}",
        screening.elapsed(),
        messages - held,
        percentile(0.50),
        percentile(0.99),
        took.last().copied().unwrap_or_default()
    );
    if let Some(path) = &args.summary {
        let seconds = screening.elapsed().as_secs_f64();
        let millis = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
        let summary = serde_json::json!({
            "messages": messages,
            "held": held,
            "clean": messages - held,
            "unreadable": unreadable,
            "parties": screener.parties().len(),
            "seconds": seconds,
            "messages_per_second": if seconds > 0.0 { messages as f64 / seconds } else { 0.0 },
            "per_message_ms": {
                "p50": millis(percentile(0.50)),
                "p99": millis(percentile(0.99)),
                "max": millis(took.last().copied().unwrap_or_default()),
            },
        });
        std::fs::write(path, serde_json::to_string_pretty(&summary)? + "\n")
            .with_context(|| format!("{}", path.display()))?;
    }
    Ok(ExitCode::from(match (held > 0, unreadable > 0) {
        (false, false) => 0,
        (true, false) => EXIT_ALERTS,
        (false, true) => EXIT_REJECTED_ROWS,
        (true, true) => EXIT_ALERTS_AND_REJECTED,
    }))
}

/// The file's bytes, refused past `limit` without reading it whole.
fn read_bounded(path: &Path, limit: usize) -> Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path).with_context(|| format!("{}", path.display()))?;
    let mut raw = Vec::new();
    file.take(limit as u64 + 1)
        .read_to_end(&mut raw)
        .with_context(|| format!("{}", path.display()))?;
    if raw.len() > limit {
        bail!(
            "{}: larger than max_message_bytes ({limit}); refused, not read",
            path.display()
        );
    }
    Ok(raw)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
