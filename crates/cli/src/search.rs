//! `sanctum search NAME…`: the one-line lookup ("is this name listed?"). The name is scored
//! against the current version of every stored list, as `screen` scores a customer row, and
//! the hits are printed best first: score, source, id, listed name, programs and why (the
//! matcher's explanation in one line, the sentences `/match` gives as yente's explanations).

use crate::config::Context;
use crate::term::safe;
use anyhow::{Result, bail};
use clap::Args;
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use sanctum_matcher::{DEFAULT_THRESHOLD, MatchOptions, Query};
use sanctum_screen::lists::{self, Selection};
use sanctum_screen::{Alert, Screener};
use serde::Serialize;
use std::process::ExitCode;

pub use sanctum_matcher::SEARCH_THRESHOLD;

#[derive(Args)]
pub struct SearchArgs {
    /// The name to look up, in any script; several words are one name (`sanctum search
    /// vladimir putin`).
    #[arg(value_name = "NAME", required = true, num_args = 1..)]
    name: Vec<String>,
    /// Print the hits as JSON.
    #[arg(long)]
    json: bool,
    /// At most this many hits, best first (at least 1).
    #[arg(long, default_value_t = 10, value_parser = parse_limit)]
    limit: usize,
    /// Show hits scoring at least this, above 0 and at most 1 (default 0.70; a hit of 0.80
    /// or more is what `screen` alerts on).
    #[arg(long, value_parser = crate::screen::parse_threshold)]
    threshold: Option<f64>,
    /// Only parties of these sources (e.g. us_ofac_sdn); default: every stored source.
    #[arg(long = "source", value_name = "SOURCE")]
    sources: Vec<String>,
}

fn parse_limit(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(0) => Err("0 would show nothing: give at least 1".to_string()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("{text:?} is not a number of hits (at least 1)")),
    }
}

/// One hit, as `--json` prints it.
#[derive(Debug, Serialize)]
struct SearchHit<'a> {
    rank: usize,
    score: f64,
    /// Whether the score reaches the alert threshold (0.80) `screen` and `/match` use.
    alert: bool,
    /// The party's FtM id, as `sanctum export` and the API give it.
    id: String,
    source: &'a str,
    source_id: &'a str,
    /// The party's name.
    name: &'a str,
    /// The listed name that matched (a primary name, an alias…).
    matched_name: &'a str,
    programs: Vec<&'a str>,
    why: String,
    explanation: &'a sanctum_matcher::Explanation,
}

pub use sanctum_server::query::why;

pub fn run(ctx: &Context, args: SearchArgs) -> Result<ExitCode> {
    let name = args.name.join(" ");
    let limits = &ctx.config.limits;
    let query = Query::name(name.as_str())
        .prepare_within(limits)
        .map_err(|e| anyhow::anyhow!("{:?}: {e}", safe(&name)))?
        .query;
    let store = ctx.open_store()?;
    let known: Vec<String> = store.sources()?.into_iter().map(|s| s.source).collect();
    if known.is_empty() {
        bail!("the store holds no list: run `sanctum update` first");
    }
    for source in &args.sources {
        if !known.contains(source) {
            bail!(
                "--source {}: not in the store (stored: {})",
                safe(source),
                known.join(", ")
            );
        }
    }
    let selection = Selection {
        sources: args.sources.clone(),
        ..Selection::default()
    };
    let lists = lists::load(&store, &selection)?;
    drop(store);
    let threshold = args.threshold.unwrap_or(SEARCH_THRESHOLD);
    // Every candidate is scored, so that a search with no hit at the threshold can say
    // how close the best one came (one query: the cost is the index lookup's).
    let options = MatchOptions {
        threshold: f64::MIN_POSITIVE,
        ..MatchOptions::default()
    };
    let mut screener = Screener::within(lists.parties, options, limits);
    screener.max_alerts_per_row = args.limit;
    let mut scratch = Default::default();
    let alerts = screener.screen(&query, &mut scratch);
    let hits: Vec<SearchHit> = alerts
        .iter()
        .filter(|a| a.score >= threshold)
        .enumerate()
        .filter_map(|(rank, alert)| hit(&screener, rank + 1, alert))
        .collect();
    if args.json {
        let out = serde_json::json!({
            "query": name,
            "threshold": threshold,
            "alert_threshold": DEFAULT_THRESHOLD,
            "sources": lists.versions.iter().map(|v| &v.source).collect::<Vec<_>>(),
            "hits": hits,
        });
        say!("{}", serde_json::to_string_pretty(&out)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    if hits.is_empty() {
        say!(
            "no party of {} lists scores {threshold:.2} or more against {:?}",
            lists.versions.len(),
            safe(&name)
        )?;
        if let Some(best) = alerts.first().and_then(|a| hit(&screener, 1, a)) {
            say!(
                "the closest: {:.2} {} {:?} (--threshold {:.2} shows it)",
                best.score,
                best.id,
                safe(best.name),
                (best.score * 100.0).floor() / 100.0
            )?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut table = Table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_header(["#", "score", "source", "id", "name", "programs", "why"]);
    for h in &hits {
        let score = if h.alert {
            format!("{:.2} alert", h.score)
        } else {
            format!("{:.2}", h.score)
        };
        table.add_row([
            h.rank.to_string(),
            score,
            h.source.to_string(),
            h.id.clone(),
            safe(h.name).into_owned(),
            safe(&h.programs.join(", ")).into_owned(),
            safe(&h.why).into_owned(),
        ]);
    }
    say!("{}", crate::term::safe_lines(&table.to_string()))?;
    Ok(ExitCode::SUCCESS)
}

fn hit<'a>(screener: &'a Screener, rank: usize, alert: &'a Alert) -> Option<SearchHit<'a>> {
    let entity = &screener.parties().get(alert.party as usize)?.entity;
    Some(SearchHit {
        rank,
        score: alert.score,
        alert: alert.score >= DEFAULT_THRESHOLD,
        id: sanctum_server::snapshot::api_id(entity),
        source: &entity.source,
        source_id: &entity.source_id,
        name: entity.caption(),
        matched_name: &alert.explanation.matched_name,
        programs: entity.programs(),
        why: why(&alert.explanation),
        explanation: &alert.explanation,
    })
}
