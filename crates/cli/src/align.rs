//! `sanctum align`: one target across lists — who designated it, when, who lags, who has
//! not, who delisted. Also the linked designations of `sanctum show`.
//!
//! Links are computed on demand from the store (every current record, plus records that
//! left a source with a history, as delistings); nothing is cached, so they always follow
//! the current versions. See `sanctum_align::link` for the linking and
//! `sanctum_align::timeline` for the dates.

use crate::config::Context;
use anyhow::{Result, bail};
use clap::{Args, ValueEnum};
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use sanctum_align::timeline::{self, JURISDICTIONS, Jurisdiction, TargetRow};
use sanctum_align::{Alignment, LinkOptions, Record, align};
use sanctum_model::{Entity, PartialDate};
use sanctum_store::{Store, VersionInfo};
use serde_json::json;
use std::collections::{HashMap, HashSet};
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
    /// Only targets with a name containing this text (case-insensitive).
    #[arg(long)]
    name: Option<String>,
    /// Only targets designated by at least this many jurisdictions.
    #[arg(long, default_value_t = 1)]
    min_jurisdictions: usize,
    #[arg(long, value_enum, default_value = "table")]
    format: AlignFormat,
}

fn version_date(v: &VersionInfo) -> Option<PartialDate> {
    v.published.or_else(|| {
        let (y, m, d) = v.effective_date()?;
        PartialDate::new(y, Some(m), Some(d)).ok()
    })
}

/// Every current record of the store, with its first appearance in its source's history,
/// plus the records that left a source (delisted, with the date of the version they left).
pub fn load_records(store: &Store) -> Result<Vec<Record>> {
    let mut records = Vec::new();
    for summary in store.sources()? {
        let source = summary.source.as_str();
        let versions = store.versions(source)?;
        let Some(first) = versions.first() else {
            continue;
        };
        let current = &summary.current;
        // source_id → (first version date, in the first version)
        let mut first_seen: HashMap<String, (Option<PartialDate>, bool)> = HashMap::new();
        let mut left: HashMap<String, (PartialDate, Entity)> = HashMap::new();
        store.for_each_entity(source, first.seq, |e| {
            first_seen.insert(e.source_id, (version_date(first), true));
        })?;
        for pair in versions.windows(2) {
            let (before, after) = (&pair[0], &pair[1]);
            let diff = store.diff(source, before.seq, after.seq)?;
            let date = version_date(after);
            for e in diff.added {
                left.remove(&e.source_id);
                first_seen
                    .entry(e.source_id.clone())
                    .or_insert((date, false));
            }
            if let Some(date) = date {
                for e in diff.removed {
                    left.insert(e.source_id.clone(), (date, e));
                }
            }
        }
        store.for_each_entity(source, current.seq, |e| {
            let (seen, bound) = first_seen.get(&e.source_id).copied().unwrap_or_default();
            records.push(Record {
                entity: e,
                first_seen: seen,
                first_seen_is_bound: bound,
                delisted_on: None,
            });
        })?;
        let mut gone: Vec<(PartialDate, Entity)> = left.into_values().collect();
        gone.sort_by(|a, b| a.1.source_id.cmp(&b.1.source_id));
        for (date, e) in gone {
            let (seen, bound) = first_seen.get(&e.source_id).copied().unwrap_or_default();
            records.push(Record {
                entity: e,
                first_seen: seen,
                first_seen_is_bound: bound,
                delisted_on: Some(date),
            });
        }
    }
    Ok(records)
}

/// Loads and links every record of the store, reporting the time taken on stderr.
pub fn compute(store: &Store) -> Result<Alignment> {
    let started = Instant::now();
    let records = load_records(store)?;
    let loaded = started.elapsed();
    eprintln!("{} records loaded in {loaded:.1?}", records.len());
    let alignment = align(records, &LinkOptions::default());
    eprintln!(
        "{} records loaded in {:.1?}, {} pairs scored, {} links, {} targets in {:.1?}",
        alignment.records.len(),
        loaded,
        alignment.scored_pairs,
        alignment.links.len(),
        alignment.targets.len(),
        started.elapsed()
    );
    for (stage, took) in &alignment.timings {
        eprintln!("  {stage}: {took:.1?}");
    }
    Ok(alignment)
}

fn compared(alignment: &Alignment) -> Vec<Jurisdiction> {
    let present: HashSet<Jurisdiction> = alignment
        .records
        .iter()
        .filter_map(|r| timeline::jurisdiction(&r.entity))
        .collect();
    JURISDICTIONS
        .iter()
        .copied()
        .filter(|j| present.contains(j))
        .collect()
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
    let store = ctx.open_store()?;
    let alignment = compute(&store)?;
    if alignment.records.is_empty() {
        bail!("the store holds no parties: run `sanctum update` first");
    }
    let compared = compared(&alignment);
    let name = args.name.as_ref().map(|n| n.to_lowercase());
    let mut rows: Vec<TargetRow> = alignment
        .targets
        .iter()
        .filter(|t| {
            args.program
                .as_deref()
                .is_none_or(|p| timeline::has_program(&alignment, t, p))
        })
        .filter(|t| {
            name.as_deref().is_none_or(|n| {
                t.records.iter().any(|i| {
                    alignment.records[*i]
                        .entity
                        .names
                        .iter()
                        .any(|x| x.full.to_lowercase().contains(n))
                })
            })
        })
        .map(|t| timeline::target_row(&alignment, t, &compared))
        .filter(|r| r.jurisdictions.len() >= args.min_jurisdictions)
        .collect();
    rows.sort_by(|a, b| {
        let first = |r: &TargetRow| {
            r.jurisdictions
                .iter()
                .filter_map(|j| j.first_listed.map(|l| l.date.earliest()))
                .min()
        };
        first(a)
            .cmp(&first(b))
            .then_with(|| a.caption.cmp(&b.caption))
    });

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

/// `sanctum show`'s linked designations: every record of the party's target, with its
/// authority, list, programs, listing date and the evidence of its link. Empty when the
/// party is linked to nothing.
pub fn linked_designations(
    alignment: &Alignment,
    entity: &Entity,
) -> (Vec<String>, Vec<serde_json::Value>) {
    let Some(me) = alignment.position(&entity.source, &entity.source_id) else {
        return (Vec::new(), Vec::new());
    };
    let Some(target) = alignment.target(me) else {
        return (Vec::new(), Vec::new());
    };
    if target.records.len() < 2 {
        return (Vec::new(), Vec::new());
    }
    let mut lines = Vec::new();
    let mut values = Vec::new();
    for &i in &target.records {
        let record = &alignment.records[i];
        let e = &record.entity;
        let evidence: Vec<String> = target
            .links
            .iter()
            .filter_map(|l| alignment.links.get(*l))
            .filter(|l| l.a == i || l.b == i)
            .map(|l| {
                let other = if l.a == i { l.b } else { l.a };
                format!(
                    "{} ({:.2}) with {}",
                    l.describe(),
                    l.confidence,
                    alignment.records[other].entity.id()
                )
            })
            .collect();
        let listed = timeline::listed(record);
        for d in &e.designations {
            let date = d
                .listed_on
                .map(|l| l.to_string())
                .or_else(|| listed.map(|l| format!("{l} (first seen)")))
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
                e.id(),
                if i == me { "  (this record)" } else { "" }
            ));
            values.push(json!({
                "record": e.id(),
                "authority": d.authority,
                "list": d.list,
                "programs": d.programs,
                "listed_on": d.listed_on.map(|l| l.to_string()),
                "first_seen": record.first_seen.map(|l| l.to_string()),
                "delisted_on": record.delisted_on.map(|l| l.to_string()),
                "evidence": evidence,
            }));
        }
        for ev in evidence.iter().filter(|_| i != me) {
            lines.push(format!("    linked by {ev}"));
        }
    }
    (lines, values)
}
