//! `sanctum eval`: the matcher measured on a deck generated from the lists in the store.

use crate::config::Context;
use anyhow::{Context as _, Result, bail};
use clap::Args;
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use sanctum_eval::deck::{self, DeckOptions};
use sanctum_eval::report::{self as eval, EvalReport};
use sanctum_index::Prepared;
use sanctum_limits::Limits;
use sanctum_matcher::{MatchOptions, Matcher, PreparedQuery};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Args)]
pub struct EvalArgs {
    /// Only parties of these sources (default: every source in the store).
    #[arg(long = "source", value_name = "SOURCE")]
    sources: Vec<String>,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Cases per variant class, sampled from the listed names.
    #[arg(long, default_value_t = 500)]
    per_class: usize,
    /// Generated customers (persons and companies in many locales) not on the lists.
    #[arg(long, default_value_t = 5000)]
    customers: usize,
    /// Cases per look-alike class.
    #[arg(long, default_value_t = 500)]
    lookalikes: usize,
    /// Alert threshold (default: the matcher's documented default).
    #[arg(long)]
    threshold: Option<f64>,
    /// Write the report as JSON here.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Fail (exit code 3) when a class does worse than in this earlier report.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Recall only: do not scan look-alikes and customers against every party.
    #[arg(long)]
    recall_only: bool,
    /// Write the deck as JSON lines here (class, group, query, target, party), so that
    /// other matchers can be run on the very same cases.
    #[arg(long, value_name = "FILE")]
    deck_out: Option<PathBuf>,
}

thread_local! {
    /// The index's lookup buffers, one per rayon worker.
    static SCRATCH: std::cell::Cell<sanctum_index::Scratch> =
        std::cell::Cell::new(sanctum_index::Scratch::default());
}

/// Exit code when the evaluation regressed against its baseline.
pub const EXIT_REGRESSION: u8 = 3;

pub fn run(ctx: &Context, args: EvalArgs) -> Result<ExitCode> {
    let store = ctx.open_store()?;
    let filter = (!args.sources.is_empty()).then_some(args.sources.as_slice());
    let started = Instant::now();
    let entities = store.current_entities(filter)?;
    if entities.is_empty() {
        bail!("the store holds no parties: run `sanctum update` first");
    }
    let Prepared { parties, index } = Prepared::within(entities.clone(), &Limits::default());
    eprintln!(
        "{} parties prepared and indexed in {:.1?}",
        parties.len(),
        started.elapsed()
    );

    let options = DeckOptions {
        seed: args.seed,
        per_class: args.per_class,
        customers: args.customers,
        lookalikes: args.lookalikes,
    };
    let deck = deck::generate(&entities, &options);
    eprintln!(
        "{} cases generated in {:.1?}",
        deck.len(),
        started.elapsed()
    );

    if let Some(path) = &args.deck_out {
        write_deck(path, &deck)?;
    }

    let mut match_options = MatchOptions::default();
    if let Some(t) = args.threshold {
        match_options.threshold = t;
    }
    let matcher = Matcher::new(match_options);
    let candidates = |q: &PreparedQuery, out: &mut Vec<u32>| {
        let mut scratch = SCRATCH.take();
        index.candidates(q, &matcher.options, &mut scratch);
        out.clear();
        out.extend_from_slice(&scratch.parties);
        SCRATCH.set(scratch);
    };
    let report = eval::run(
        &deck,
        &parties,
        &matcher,
        (!args.recall_only).then_some(&candidates),
    );
    eprintln!("scored in {:.1?}", started.elapsed());
    print_report(&report)?;

    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_string_pretty(&report)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = &args.baseline {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let baseline: EvalReport = serde_json::from_str(&text)
            .with_context(|| format!("{}: not an eval report", path.display()))?;
        let regressions = eval::regressions(&report, &baseline, 0.0);
        if !regressions.is_empty() {
            for r in &regressions {
                eprintln!("regression: {r}");
            }
            return Ok(ExitCode::from(EXIT_REGRESSION));
        }
        eprintln!("no class below its baseline {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn print_report(report: &EvalReport) -> std::io::Result<()> {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED).set_header([
        "group", "class", "cases", "rate", "measures", "target", "meets",
    ]);
    for c in &report.classes {
        t.add_row(vec![
            c.group.clone(),
            c.class.clone(),
            c.cases.to_string(),
            format!("{:.2}%", 100.0 * c.rate),
            if c.positive { "recall" } else { "alert rate" }.to_string(),
            format!(
                "{}{:.1}%",
                if c.positive { "≥" } else { "≤" },
                100.0 * c.target
            ),
            if c.meets_target { "yes" } else { "NO" }.to_string(),
        ]);
    }
    say!("threshold {}, {} parties", report.threshold, report.parties)?;
    say!("{t}")?;
    for c in report.classes.iter().filter(|c| !c.meets_target) {
        for e in &c.examples {
            say!("  {}: {}", c.class, crate::term::safe(e))?;
        }
    }
    Ok(())
}

/// The deck as JSON lines, one case a line.
fn write_deck(path: &std::path::Path, deck: &[deck::DeckCase]) -> Result<()> {
    use std::io::Write;
    let file =
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut out = std::io::BufWriter::new(file);
    for case in deck {
        let q = &case.query;
        let line = serde_json::json!({
            "class": case.class,
            "group": format!("{:?}", case.group),
            "names": q.names,
            "kind": q.kind.map(|k| k.as_str()),
            "birth_dates": q.birth_dates,
            "countries": q.countries,
            "gender": q.gender.map(|g| format!("{g:?}").to_lowercase()),
            "identifiers": q.identifiers.iter().map(|i| &i.value).collect::<Vec<_>>(),
            "target": case.target,
            "party": case.party,
            "source_name": case.source_name,
        });
        writeln!(out, "{line}").with_context(|| format!("writing {}", path.display()))?;
    }
    out.flush()
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
