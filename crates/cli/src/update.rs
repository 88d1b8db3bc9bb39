//! `sanctum update`: publication → parser → store, one atomic version at a time.

use crate::config::{Context, remove_dir};
use crate::time::now_rfc3339;
use anyhow::{Context as _, Result, bail};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use sanctum_sources::detect::{self, Publication};
use sanctum_sources::download::{self, FetchOptions, Progress};
use sanctum_sources::{ParseOptions, catalog};
use sanctum_store::{IngestOutcome, IngestPolicy, NewVersion, Store};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(Args)]
pub struct UpdateArgs {
    /// Sources to update (default: all). See `sanctum lists` for keys: us_ofac_sdn,
    /// us_ofac_cons, us_csl.
    #[arg(value_name = "SOURCE")]
    sources: Vec<String>,
    /// Ingest a local file, or a directory of publications in publication-date order,
    /// instead of downloading.
    #[arg(long, value_name = "PATH")]
    from: Option<PathBuf>,
    /// Skip rows that cannot be parsed, reporting each, instead of rejecting the publication.
    #[arg(long)]
    lenient: bool,
    /// Accept a publication that removes more parties than allowed, or is older than the
    /// current version; store a file already stored (the current one, or an earlier one to
    /// go back to it) again as a new version.
    #[arg(long)]
    force: bool,
    /// Reject a publication that removes more than this percentage of a source's parties.
    #[arg(long, value_name = "PERCENT")]
    max_removed: Option<f64>,
    /// A directory that serves the lists instead of the network.
    #[arg(long, env = "SANCTUM_LISTS_DIR", value_name = "DIR")]
    lists_dir: Option<PathBuf>,
    /// Do not re-screen the customer books against what the new versions changed.
    #[arg(long)]
    no_screen: bool,
}

pub fn run(ctx: &Context, args: UpdateArgs) -> Result<ExitCode> {
    for key in &args.sources {
        if !catalog::is_known(key) {
            let known: Vec<&str> = catalog::SOURCES.iter().map(|s| s.key).collect();
            bail!(
                "unknown source {key:?}; known sources: {}",
                known.join(", ")
            );
        }
    }
    let max_removed = args
        .max_removed
        .or(ctx.config.update.max_removed_percent)
        .unwrap_or(10.0);
    if !(0.0..=100.0).contains(&max_removed) {
        bail!("--max-removed must be a percentage between 0 and 100, not {max_removed}");
    }
    let policy = IngestPolicy {
        max_removed_fraction: max_removed / 100.0,
        force: args.force,
    };
    let parse_opts = ParseOptions {
        lenient: args.lenient,
        limits: ctx.config.limits.clone(),
    };
    let mut store = ctx.open_store()?;
    let before = current_seqs(&store)?;
    let mut rejected = 0usize;

    if let Some(from) = &args.from {
        if args.sources.len() > 1 {
            bail!("--from takes at most one SOURCE");
        }
        let plan = detect::plan_all(
            from,
            args.sources.first().map(String::as_str),
            &ctx.config.limits,
        )?;
        for note in &plan.notes {
            note!("note: {note}");
        }
        // A file that cannot even be opened to tell what it is (a damaged archive) is a
        // rejected publication, like one that fails to parse.
        for err in &plan.unreadable {
            note!("rejected: {err}; the previous version stays current");
            rejected += 1;
        }
        if plan.publications.is_empty() && plan.unreadable.is_empty() {
            bail!("{}: no list publication found", from.display());
        }
        for publication in &plan.publications {
            if !ingest(&mut store, publication, &parse_opts, &policy) {
                rejected += 1;
            }
        }
    } else {
        let keys: Vec<&str> = if args.sources.is_empty() {
            catalog::SOURCES.iter().map(|s| s.key).collect()
        } else {
            args.sources.iter().map(String::as_str).collect()
        };
        let fetch_opts = FetchOptions {
            timeout: Duration::from_secs(ctx.config.update.timeout_secs.unwrap_or(300)),
            retries: ctx.config.update.retries.unwrap_or(3),
            lists_dir: args
                .lists_dir
                .clone()
                .or_else(|| ctx.config.update.lists_dir.clone()),
            urls: ctx.url_overrides()?,
            backoff: Duration::from_millis(ctx.config.update.backoff_ms.unwrap_or(2000)),
        };
        for key in keys {
            let Some(info) = catalog::source(key) else {
                note!("{key}: no download location; ingest it with --from");
                rejected += 1;
                continue;
            };
            let staging = ctx
                .staging_dir()
                .join(format!("{key}-{}", std::process::id()));
            std::fs::create_dir_all(&staging)?;
            let fetched = download::fetch(info, &staging, &fetch_opts, &BarProgress::new());
            match fetched {
                Ok(publication) => {
                    if ingest(&mut store, &publication, &parse_opts, &policy) {
                        confirm_fetch(&mut store, &publication);
                    } else {
                        rejected += 1;
                    }
                }
                Err(err) => {
                    note!("{key}: update failed, previous version stays current: {err}");
                    rejected += 1;
                }
            }
            remove_dir(&staging);
        }
    }
    if !args.no_screen && current_seqs(&store)? != before {
        rescreen_books(ctx, &store)?;
    }
    Ok(if rejected == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(crate::EXIT_REJECTED)
    })
}

fn current_seqs(store: &Store) -> Result<Vec<(String, u32)>> {
    Ok(store
        .sources()?
        .into_iter()
        .map(|s| (s.source, s.current.seq))
        .collect())
}

/// After a new version: every customer book screened against what changed since its last
/// run (a delta; a book never screened is screened in full).
fn rescreen_books(ctx: &Context, store: &Store) -> Result<()> {
    let mut review = ctx.review_tables()?;
    let books = sanctum_review::book::books(&review.conn()?)?;
    for book in books {
        if book.open == 0 {
            continue;
        }
        let run = crate::book::screen(
            ctx,
            &mut review,
            store,
            &book.book,
            &sanctum_review::screening::Mode::Delta,
            None,
        )
        .with_context(|| format!("re-screening book {} after the update", book.book))?;
        crate::book::report_run(&run)?;
    }
    Ok(())
}

/// Records a downloaded file equal to the current version's as a confirmed fetch: the
/// source's age restarts (a new version's own fetch time restarts it already). A download
/// that failed, or a publication rejected or older than the current one, confirms nothing,
/// so a source whose publisher cannot be reached grows stale and says so.
fn confirm_fetch(store: &mut Store, publication: &Publication) {
    let source = &publication.source;
    let recorded = publication
        .sha256()
        .map_err(anyhow::Error::from)
        .and_then(|sha| Ok(store.record_fetch_confirmed(source, &sha, &now_rfc3339())?));
    if let Err(err) = recorded {
        eprintln!("{source}: could not record the fetch as confirmed: {err:#}");
    }
}

/// Parses and stores one publication; reports the outcome. False when it was rejected.
fn ingest(
    store: &mut Store,
    publication: &Publication,
    opts: &ParseOptions,
    policy: &IngestPolicy,
) -> bool {
    let started = Instant::now();
    let source = &publication.source;
    let main = publication.main.display();
    let reject = |reason: &dyn std::fmt::Display| {
        note!("{source}: rejected {main}: {reason}; the previous version stays current");
        false
    };
    let sha256 = match publication.sha256() {
        Ok(sha) => sha,
        Err(err) => return reject(&err),
    };
    // A publication stored before is recognised by its hash, without parsing, when it is
    // the current version's file, or an older one dated before the current version (a
    // directory of history ingested again). Any other earlier file is a revert by the
    // publisher and becomes a new version; --force stores any file again.
    let versions = match store.versions(source) {
        Ok(versions) => versions,
        Err(err) => return reject(&err),
    };
    let stored = versions.iter().rev().find(|v| v.sha256 == sha256);
    if let (Some(v), Some(current)) = (stored, versions.last())
        && !policy.force
    {
        if v.seq == current.seq {
            let _ = say!(
                "{source}: {main} unchanged: already stored as version {} ({:.0?})",
                v.seq,
                started.elapsed()
            );
            return true;
        }
        if let (Some(date), Some(current_date)) = (v.published, current.published)
            && date.latest() < current_date.earliest()
        {
            let _ = say!(
                "{source}: {main} unchanged: already stored as version {}, dated {date}, before \
                 the current version {} ({current_date}), which stays current; `--force` or \
                 `sanctum rollback {source} {}` makes it current again ({:.0?})",
                v.seq,
                current.seq,
                v.seq,
                started.elapsed()
            );
            return true;
        }
    }
    let earlier = stored.map(|v| v.seq);
    let parsed = match detect::read(publication, opts) {
        Ok(parsed) => parsed,
        Err(err) => return reject(&err),
    };
    for row in &parsed.skipped {
        note!("{source}: skipped {row}");
    }
    for warning in &parsed.warnings {
        note!("{source}: warning: {warning}");
    }
    let version = NewVersion {
        source: source.clone(),
        published: parsed.published.or(publication.date),
        fetched_at: now_rfc3339(),
        sha256,
        file_name: publication
            .main
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    match store.ingest(version, parsed.entities, policy) {
        Ok(IngestOutcome::Unchanged { version }) => {
            let _ = say!(
                "{source}: {main} unchanged, version {} stays current",
                version.seq
            );
            true
        }
        Ok(IngestOutcome::Created {
            version,
            merged_duplicates,
        }) => {
            let _ = say!(
                "{source}: version {} from {main} (published {}): {} parties, +{} -{} ~{}{}{}{} ({:.0?})",
                version.seq,
                version
                    .published
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "undated".into()),
                version.party_count,
                version.added,
                version.removed,
                version.amended,
                match earlier {
                    Some(seq) => format!(", the file of version {seq} again"),
                    None => String::new(),
                },
                if parsed.skipped.is_empty() {
                    String::new()
                } else {
                    format!(", {} rows skipped", parsed.skipped.len())
                },
                if merged_duplicates == 0 {
                    String::new()
                } else {
                    format!(", {merged_duplicates} repeated records merged")
                },
                started.elapsed()
            );
            true
        }
        Err(err) => reject(&err),
    }
}

/// A download progress bar on a terminal; silent otherwise.
struct BarProgress {
    bar: ProgressBar,
}

impl BarProgress {
    fn new() -> Self {
        let bar = ProgressBar::hidden();
        BarProgress { bar }
    }
}

impl Progress for BarProgress {
    fn start(&self, file: &str, total: Option<u64>) {
        self.bar
            .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        self.bar.reset();
        self.bar.set_length(total.unwrap_or(0));
        let style =
            ProgressStyle::with_template("{msg} {bar:30} {bytes}/{total_bytes} {bytes_per_sec}")
                .unwrap_or_else(|_| ProgressStyle::default_bar());
        self.bar.set_style(style);
        self.bar
            .set_message(file.rsplit('/').next().unwrap_or(file).to_string());
    }
    fn advance(&self, bytes: u64) {
        self.bar.inc(bytes);
    }
    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
