//! `sanctum align`: one target across lists — who designated it, when, who lags, who has
//! not, who delisted. Also the linked designations of `sanctum show`.
//!
//! The links are kept in the store with the list versions they follow
//! (`sanctum_align::stored`): read back at once, or linked again first when the lists
//! changed since (every current record, plus records that left a source with a history,
//! as delistings). `--name` finds names with the matcher, as `sanctum search` does. See
//! `sanctum_align::link` for the linking and `sanctum_align::timeline` for the dates.

use crate::config::Context;
use anyhow::{Result, bail};
use clap::{Args, ValueEnum};
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use sanctum_align::stored;
use sanctum_align::timeline::{Jurisdiction, TargetRow};
use sanctum_align::{Aligned, TargetSummary};
use sanctum_matcher::{MatchOptions, Query};
use sanctum_model::Entity;
use sanctum_screen::Screener;
use sanctum_screen::lists::{self, Selection};
use sanctum_store::Store;
use serde_json::json;
use std::collections::HashSet;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Clone, Copy, ValueEnum)]
pub enum AlignFormat {
    Table,
    Csv,
    Json,
}

#[derive(Args)]
pub struct AlignArgs {
    /// Only targets with a record under a program containing this text (case-insensitive):
    /// `russia` meets RUSSIA-EO14024 and the UK and Canadian "Russia" regimes.
    #[arg(long)]
    program: Option<String>,
    /// Only targets with a record whose name the matcher finds for this one: each of its
    /// words aligned with a word of the listed name ("putin" meets PUTIN and a typo of
    /// it, never COMPUTING).
    #[arg(long)]
    name: Option<String>,
    /// Only targets designated by at least this many jurisdictions.
    #[arg(long, default_value_t = 1)]
    min_jurisdictions: usize,
    #[arg(long, value_enum, default_value = "table")]
    format: AlignFormat,
}

/// The alignment of the current lists, from the store (linked again first when the lists
/// changed since it was kept), with the time taken on stderr.
pub fn aligned(store: &mut Store) -> Result<Aligned> {
    let started = Instant::now();
    let fresh = !stored::is_current(store)?;
    let aligned = stored::current(store)?;
    eprintln!(
        "{} targets {} in {:.1?} (lists {})",
        aligned.targets.len(),
        if fresh {
            "linked and stored"
        } else {
            "read from the store"
        },
        started.elapsed(),
        aligned.basis
    );
    Ok(aligned)
}

/// The least similarity of each word of `--name` to the listed word the matcher aligned it
/// with: a typo or a transliteration meets it ("putin" ~ "PUTINA"), a word that only
/// contains the other ("putin" in "COMPUTING") does not.
const NAME_WORD_MIN_SIMILARITY: f64 = 0.85;

/// The records whose names the matcher finds for `name` in the current lists, as
/// `source:source_id`: every word of `name` aligned with a word of one of the record's
/// names (the listed name may have more words: "putin" meets "PUTIN, Vladimir
/// Vladimirovich"), never a substring ("putin" does not meet "COMPUTING").
fn records_named(ctx: &Context, store: &Store, name: &str) -> Result<HashSet<String>> {
    let limits = &ctx.config.limits;
    let query = Query::name(name)
        .prepare_within(limits)
        .map_err(|e| anyhow::anyhow!("--name {:?}: {e}", crate::term::safe(name)))?
        .query;
    let lists = lists::load(store, &Selection::default())?;
    // Every candidate the index finds is scored; the words decide, not the score (a
    // surname alone scores low against a full name).
    let options = MatchOptions {
        threshold: f64::MIN_POSITIVE,
        ..MatchOptions::default()
    };
    let mut screener = Screener::within(lists.parties, options, limits);
    screener.max_alerts_per_row = usize::MAX;
    let mut scratch = Default::default();
    let alerts = screener.screen(&query, &mut scratch);
    Ok(alerts
        .iter()
        .filter(|a| {
            let e = &a.explanation;
            e.unmatched_query.is_empty()
                && !e.alignment.is_empty()
                && e.alignment
                    .iter()
                    .all(|pair| pair.similarity >= NAME_WORD_MIN_SIMILARITY)
        })
        .filter_map(|a| screener.parties().get(a.party as usize))
        .map(|p| p.entity.id())
        .collect())
}

fn cell(row: &TargetRow, j: Jurisdiction) -> (String, String) {
    match row.jurisdictions.iter().find(|r| r.jurisdiction == j) {
        None => ("-".into(), String::new()),
        Some(r) => {
            let date = r
                .first_listed
                .map(|l| l.to_string())
                .unwrap_or_else(|| "listed".into());
            let lag = r.lag_days.map(|d| d.to_string()).unwrap_or_default();
            (date, lag)
        }
    }
}

fn codes(list: &[Jurisdiction]) -> String {
    list.iter()
        .map(|j| j.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

fn delistings(row: &TargetRow) -> String {
    row.delistings
        .iter()
        .map(|(j, d)| format!("{} {d}", j.as_str()))
        .collect::<Vec<_>>()
        .join("; ")
}

pub fn run(ctx: &Context, args: AlignArgs) -> Result<ExitCode> {
    let mut store = ctx.open_store()?;
    if store.sources()?.is_empty() {
        bail!("the store holds no parties: run `sanctum update` first");
    }
    let aligned = aligned(&mut store)?;
    let named = match args.name.as_deref() {
        Some(name) => Some(records_named(ctx, &store, name)?),
        None => None,
    };
    let compared = aligned.compared.clone();
    // Stored in order of first listing date, then caption.
    let rows: Vec<TargetRow> = aligned
        .targets
        .into_iter()
        .filter(|t| args.program.as_deref().is_none_or(|p| t.has_program(p)))
        .filter(|t| {
            named
                .as_ref()
                .is_none_or(|named| t.records.iter().any(|r| named.contains(&r.id)))
        })
        .map(|t| t.row)
        .filter(|r| r.jurisdictions.len() >= args.min_jurisdictions)
        .collect();

    match args.format {
        AlignFormat::Json => {
            say!("{}", serde_json::to_string_pretty(&rows)?)?;
        }
        AlignFormat::Csv => {
            let mut header = vec!["caption".to_string(), "kind".into(), "programs".into()];
            for j in &compared {
                header.push(format!("{}_listed", j.as_str()));
                header.push(format!("{}_lag_days", j.as_str()));
            }
            header.extend(["first".into(), "gaps".into(), "delistings".into()]);
            let mut out = csv::Writer::from_writer(std::io::stdout());
            out.write_record(&header)?;
            for row in &rows {
                let mut fields = vec![
                    row.caption.clone(),
                    row.kind.as_str().to_string(),
                    row.programs.join("; "),
                ];
                for j in &compared {
                    let (date, lag) = cell(row, *j);
                    fields.push(date);
                    fields.push(lag);
                }
                fields.extend([codes(&row.first), codes(&row.gaps), delistings(row)]);
                out.write_record(&fields)?;
            }
            out.flush()?;
        }
        AlignFormat::Table => {
            let mut header = vec!["target".to_string(), "kind".into(), "programs".into()];
            header.extend(compared.iter().map(|j| j.as_str().to_string()));
            header.extend(["first".into(), "gaps".into(), "delisted".into()]);
            let mut t = Table::new();
            t.load_style(UTF8_FULL_CONDENSED).set_header(header);
            for row in &rows {
                let mut programs = row.programs.clone();
                if programs.len() > 3 {
                    let more = programs.len() - 3;
                    programs.truncate(3);
                    programs.push(format!("+{more}"));
                }
                let mut fields = vec![
                    crate::term::safe(&row.caption).into_owned(),
                    row.kind.as_str().to_string(),
                    crate::term::safe(&programs.join(", ")).into_owned(),
                ];
                for j in &compared {
                    let (date, lag) = cell(row, *j);
                    fields.push(match lag.as_str() {
                        "" | "0" => date,
                        lag => format!("{date} (+{lag} d)"),
                    });
                }
                fields.extend([codes(&row.first), codes(&row.gaps), delistings(row)]);
                t.add_row(fields);
            }
            say!("{}", crate::term::safe_lines(&t.to_string()))?;
            say!("{} targets", rows.len())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `sanctum show`'s linked designations: every record of the party's target (from the
/// stored alignment), with its authority, list, programs, listing date and the evidence of
/// its link. Empty when the party is linked to nothing.
pub fn linked_designations(
    target: Option<&TargetSummary>,
    entity: &Entity,
) -> (Vec<String>, Vec<serde_json::Value>) {
    let Some(target) = target.filter(|t| t.records.len() >= 2) else {
        return (Vec::new(), Vec::new());
    };
    let me = entity.id();
    let mut lines = Vec::new();
    let mut values = Vec::new();
    for record in &target.records {
        let this = record.id == me;
        for d in &record.designations {
            let date = d
                .listed_on
                .map(|l| l.to_string())
                .or_else(|| record.listed.map(|l| format!("{l} (first seen)")))
                .unwrap_or_else(|| "-".into());
            let delisted = record
                .delisted_on
                .map(|d| format!(", delisted {d}"))
                .unwrap_or_default();
            lines.push(format!(
                "{} {}: {}, listed {date}{delisted}  [{}]{}",
                d.authority,
                d.list,
                d.programs.join(", "),
                record.id,
                if this { "  (this record)" } else { "" }
            ));
            values.push(json!({
                "record": record.id,
                "authority": d.authority,
                "list": d.list,
                "programs": d.programs,
                "listed_on": d.listed_on.map(|l| l.to_string()),
                "first_seen": record.listed.filter(|l| l.from_history).map(|l| l.date.to_string()),
                "delisted_on": record.delisted_on.map(|l| l.to_string()),
                "evidence": record.evidence,
            }));
        }
        for ev in record.evidence.iter().filter(|_| !this) {
            lines.push(format!("    linked by {ev}"));
        }
    }
    (lines, values)
}
