//! `sanctum lists`, `sanctum diff`, `sanctum show`: the store, read for people and for scripts.

use crate::config::Context;
use crate::term::{safe, safe_lines};
use crate::time::{age, days_from_civil, now_secs, parse_rfc3339};
use anyhow::{Context as _, Result, bail};
use clap::Args;
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use sanctum_model::{Entity, PartialDate};
use sanctum_store::{Store, VersionInfo};
use serde_json::json;
use std::process::ExitCode;

fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED)
        .set_header(header.iter().copied());
    t
}

fn date_or_dash(d: Option<PartialDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_else(|| "-".into())
}

/// `sanctum check`: SQLite's integrity check and the store's own invariants.
pub fn check(ctx: &Context) -> Result<ExitCode> {
    let health = ctx.open_store()?.check()?;
    say!(
        "integrity: {}; {} versions, {} party records, {} spans; {} orphan records, {} dangling spans",
        health.integrity,
        health.versions,
        health.parties,
        health.spans,
        health.orphan_parties,
        health.dangling_spans
    )?;
    Ok(if health.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(crate::EXIT_ERROR)
    })
}

/// `sanctum migrate`: opening the store runs the migrations it lacks; this says which.
pub fn migrate(ctx: &Context) -> Result<ExitCode> {
    let location = ctx.store_location()?;
    let store = ctx.open_store()?;
    let migrated = store.migrated_on_open();
    let done = match (migrated.first(), migrated.last()) {
        (Some(first), Some(last)) if first == last => format!("migration {first} applied"),
        (Some(first), Some(last)) => format!("migrations {first} to {last} applied"),
        _ => "already up to date".to_string(),
    };
    say!(
        "{} store at {location}: schema version {}, {done}",
        store.backend_name(),
        sanctum_store::SCHEMA_VERSION
    )?;
    // The review tables beside the lists, versioned apart (created or upgraded on open).
    ctx.review_tables()?;
    say!(
        "review tables: schema version {}",
        sanctum_review::schema::REVIEW_SCHEMA_VERSION
    )?;
    Ok(ExitCode::SUCCESS)
}

pub fn lists(ctx: &Context, json: bool) -> Result<ExitCode> {
    let store = ctx.open_store()?;
    let summaries = store.sources()?;
    let now = now_secs();
    if json {
        let rows: Vec<_> = summaries
            .iter()
            .map(|s| {
                json!({
                    "source": s.source,
                    "version": s.current.seq,
                    "versions": s.version_count,
                    "published": s.current.published.map(|d| d.to_string()),
                    "fetched_at": s.current.fetched_at,
                    "parties": s.current.party_count,
                    "counts": s.current.counts_by_kind,
                    "sha256": s.current.sha256,
                })
            })
            .collect();
        say!("{}", serde_json::to_string_pretty(&rows)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    if summaries.is_empty() {
        say!(
            "The store in {} holds no list yet: run `sanctum update`.",
            ctx.store_location()?
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut t = table(&[
        "source",
        "version",
        "published",
        "parties",
        "by kind",
        "fetched",
        "age",
    ]);
    for s in &summaries {
        let v = &s.current;
        let kinds: Vec<String> = v
            .counts_by_kind
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        let published_age = v.published.map(|d| {
            let (y, m, dd) = d.latest();
            now - days_from_civil(i64::from(y), m, dd) * 86_400
        });
        let fetched_age = parse_rfc3339(&v.fetched_at).map(|t| now - t);
        t.add_row(vec![
            s.source.clone(),
            format!("{} of {}", v.seq, s.version_count),
            date_or_dash(v.published),
            v.party_count.to_string(),
            kinds.join(", "),
            fetched_age
                .map(|a| format!("{} ago", age(a)))
                .unwrap_or_else(|| v.fetched_at.clone()),
            published_age.map(age).unwrap_or_else(|| "-".into()),
        ]);
    }
    say!("{}", safe_lines(&t.to_string()))?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
pub struct DiffArgs {
    /// The source to compare versions of.
    source: String,
    /// The older version: a version number, a date (the version current then), or
    /// `previous` (default: the version before --to).
    #[arg(long, value_name = "VERSION")]
    from: Option<String>,
    /// The newer version: a version number, a date, or `current` (default).
    #[arg(long, value_name = "VERSION")]
    to: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

impl DiffArgs {
    /// `sanctum diff SOURCE --from FROM --to TO`, for commands that show what they changed.
    pub fn between(source: &str, from: u32, to: u32, json: bool) -> DiffArgs {
        DiffArgs {
            source: source.to_string(),
            from: Some(from.to_string()),
            to: Some(to.to_string()),
            json,
        }
    }
}

/// A version named on the command line: `3`, `current`, or a date `2022-02-25`.
pub fn resolve_version(store: &Store, source: &str, spec: &str) -> Result<VersionInfo> {
    let found = if spec == "current" || spec == "latest" {
        store.current_version(source)?
    } else if let Ok(seq) = spec.parse::<u32>() {
        store.version(source, seq)?
    } else if let Ok(date) = spec.parse::<PartialDate>() {
        store.version_as_of(source, date)?
    } else {
        bail!("{spec:?} is not a version: give a number, a date (YYYY-MM-DD) or `current`");
    };
    found.with_context(|| format!("{source} has no version {spec}"))
}

pub fn diff(ctx: &Context, args: DiffArgs) -> Result<ExitCode> {
    let store = ctx.open_store()?;
    let to = resolve_version(
        &store,
        &args.source,
        args.to.as_deref().unwrap_or("current"),
    )?;
    let from = match args.from.as_deref() {
        None | Some("previous") => {
            if to.seq <= 1 {
                bail!(
                    "{} version {} has no previous version; pass --from",
                    args.source,
                    to.seq
                );
            }
            resolve_version(&store, &args.source, &(to.seq - 1).to_string())?
        }
        Some(spec) => resolve_version(&store, &args.source, spec)?,
    };
    let d = store.diff(&args.source, from.seq, to.seq)?;
    if args.json {
        let out = json!({
            "source": args.source,
            "from": {"version": from.seq, "published": from.published.map(|d| d.to_string()), "parties": from.party_count},
            "to": {"version": to.seq, "published": to.published.map(|d| d.to_string()), "parties": to.party_count},
            "added": d.added.iter().map(brief).collect::<Vec<_>>(),
            "removed": d.removed.iter().map(brief).collect::<Vec<_>>(),
            "amended": d.amended.iter().map(|a| {
                let mut b = brief(&a.after);
                b["fields"] = json!(a.fields);
                b
            }).collect::<Vec<_>>(),
        });
        say!("{}", serde_json::to_string_pretty(&out)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    say!(
        "{}: version {} ({}) → version {} ({}): +{} added, -{} removed, ~{} amended",
        args.source,
        from.seq,
        date_or_dash(from.published),
        to.seq,
        date_or_dash(to.published),
        d.added.len(),
        d.removed.len(),
        d.amended.len()
    )?;
    let mut t = table(&["change", "id", "kind", "name", "programs", "fields"]);
    let row = |change: &str, e: &Entity, fields: String| {
        vec![
            change.to_string(),
            safe(&e.source_id).into_owned(),
            e.kind.as_str().to_string(),
            safe(e.caption()).into_owned(),
            safe(&e.programs().join(", ")).into_owned(),
            fields,
        ]
    };
    for e in &d.added {
        t.add_row(row("added", e, String::new()));
    }
    for e in &d.removed {
        t.add_row(row("removed", e, String::new()));
    }
    for a in &d.amended {
        t.add_row(row("amended", &a.after, a.fields.join(", ")));
    }
    if !t.is_empty() {
        say!("{}", safe_lines(&t.to_string()))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn brief(e: &Entity) -> serde_json::Value {
    json!({"id": e.id(), "source_id": e.source_id, "kind": e.kind, "name": e.caption(), "programs": e.programs()})
}

#[derive(Args)]
pub struct ShowArgs {
    /// The party: `source:id` (e.g. us_ofac_sdn:35096), or the publisher's id alone.
    id: String,
    /// Print JSON instead of a card.
    #[arg(long)]
    json: bool,
    /// Skip the linked designations (the same party on other lists), which link every
    /// list in the store first (a few seconds) when the lists changed since they were kept.
    #[arg(long)]
    no_links: bool,
}

pub fn show(ctx: &Context, args: ShowArgs) -> Result<ExitCode> {
    let mut store = ctx.open_store()?;
    let found: Vec<(Entity, Option<VersionInfo>)> = match args.id.split_once(':') {
        Some((source, id)) => store
            .entity(source, id)?
            .map(|(e, v)| (e, Some(v)))
            .into_iter()
            .collect(),
        None => store
            .find_by_source_id(&args.id)?
            .into_iter()
            .map(|(_, e)| (e, None))
            .collect(),
    };
    if found.is_empty() {
        bail!("no party {} in the store", args.id);
    }
    if !args.no_links && !sanctum_align::stored::is_current(&store)? {
        crate::align::aligned(&mut store)?;
    }
    for (entity, _) in &found {
        let appearances = store.appearances(&entity.source, &entity.source_id)?;
        let (linked, linked_json) = if args.no_links {
            Default::default()
        } else {
            let target = sanctum_align::stored::target_of(&store, &entity.id())?;
            crate::align::linked_designations(target.as_ref(), entity)
        };
        if args.json {
            let versions: Vec<_> = appearances
                .iter()
                .map(|(v, hash)| json!({"version": v.seq, "published": v.published.map(|d| d.to_string()), "record": hash}))
                .collect();
            say!(
                "{}",
                serde_json::to_string_pretty(
                    &json!({"entity": entity, "versions": versions, "linked_designations": linked_json})
                )?
            )?;
        } else {
            let mut card = card(entity, &appearances);
            if !linked.is_empty() {
                card.push_str("  linked designations (the same party on every list):\n");
                for l in linked {
                    card.push_str(&format!("    {l}\n"));
                }
            }
            // Names, remarks and addresses are the publisher's text: escaped, so that no
            // terminal escape or bidirectional control in them reaches the terminal.
            say!("{}", safe_lines(card.trim_end()))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A party's card, one fact a line (each line escaped of line breaks of its own).
fn card(e: &Entity, appearances: &[(VersionInfo, String)]) -> String {
    let mut card = format!(
        "{}  [{}]  {}\n",
        safe(e.caption()),
        e.kind.as_str(),
        safe(&e.id())
    );
    let mut section = |title: &str, lines: Vec<String>| {
        if !lines.is_empty() {
            card.push_str(&format!("  {title}:\n"));
            for l in lines {
                card.push_str(&format!("    {}\n", safe(&l)));
            }
        }
    };
    section(
        "names",
        e.names
            .iter()
            .map(|n| format!("{} ({:?})", n.full, n.kind).to_lowercase_kind())
            .collect(),
    );
    section(
        "birth dates",
        e.birth_dates.iter().map(|d| d.date.to_string()).collect(),
    );
    section(
        "birth places",
        e.birth_places.iter().map(|p| p.value.clone()).collect(),
    );
    let countries = |list: &[sanctum_model::CountryValue]| {
        list.iter()
            .map(|c| c.code.clone())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut facts = Vec::new();
    if !e.nationalities.is_empty() {
        facts.push(format!("nationality: {}", countries(&e.nationalities)));
    }
    if !e.citizenships.is_empty() {
        facts.push(format!("citizenship: {}", countries(&e.citizenships)));
    }
    if !e.countries.is_empty() {
        facts.push(format!("country: {}", countries(&e.countries)));
    }
    if let Some(g) = e.gender {
        facts.push(format!("gender: {g:?}").to_lowercase());
    }
    facts.extend(e.titles.iter().map(|t| format!("title: {}", t.value)));
    facts.extend(e.positions.iter().map(|t| format!("position: {}", t.value)));
    section("facts", facts);
    section(
        "identifiers",
        e.identifiers
            .iter()
            .map(|i| {
                let mut s = format!(
                    "{} {}",
                    i.label.as_deref().unwrap_or(i.kind.as_str()),
                    i.value
                );
                if let Some(c) = &i.country {
                    s.push_str(&format!(" ({c})"));
                }
                s
            })
            .collect(),
    );
    section("addresses", e.addresses.iter().map(|a| a.full()).collect());
    section(
        "links",
        e.links
            .iter()
            .map(|l| {
                format!(
                    "{}: {}",
                    l.relation,
                    l.target_name
                        .as_deref()
                        .or(l.target_id.as_deref())
                        .unwrap_or("?")
                )
            })
            .collect(),
    );
    section(
        "designations",
        e.designations
            .iter()
            .map(|d| {
                format!(
                    "{} {}: {}{}",
                    d.authority,
                    d.list,
                    d.programs.join(", "),
                    d.listed_on
                        .map(|l| format!(", listed {l}"))
                        .unwrap_or_default()
                )
            })
            .collect(),
    );
    section(
        "remarks",
        e.remarks.iter().map(|r| r.value.clone()).collect(),
    );
    section("versions", version_runs(appearances));
    card
}

trait LowercaseKind {
    fn to_lowercase_kind(self) -> String;
}

impl LowercaseKind for String {
    /// "X (WeakAlias)" → "X (weak alias)".
    fn to_lowercase_kind(self) -> String {
        match self.rfind(" (") {
            Some(i) => {
                let (name, kind) = self.split_at(i);
                let mut spaced = String::new();
                for (j, ch) in kind.chars().enumerate() {
                    if ch.is_uppercase() && j > 2 {
                        spaced.push(' ');
                    }
                    spaced.extend(ch.to_lowercase());
                }
                format!("{name}{spaced}")
            }
            None => self,
        }
    }
}

/// Consecutive versions with the same record collapse into one line.
fn version_runs(appearances: &[(VersionInfo, String)]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < appearances.len() {
        let (first, hash) = &appearances[i];
        let mut j = i;
        while j + 1 < appearances.len()
            && appearances[j + 1].1 == *hash
            && appearances[j + 1].0.seq == appearances[j].0.seq + 1
        {
            j += 1;
        }
        let last = &appearances[j].0;
        let label = if i == 0 {
            "listed"
        } else if appearances[i - 1].0.seq + 1 == first.seq {
            "amended"
        } else {
            "relisted"
        };
        out.push(format!(
            "v{}–v{} ({} … {}): {label}, record {}",
            first.seq,
            last.seq,
            date_or_dash(first.published),
            date_or_dash(last.published),
            &hash[..hash.len().min(12)]
        ));
        i = j + 1;
    }
    out
}
