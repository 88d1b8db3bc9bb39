//! `sanctum book`: the customer book, imported, listed, screened.

use crate::OutputFormat;
use crate::config::{Context, KeyArg};
use anyhow::Result;
use clap::{Args, Subcommand, ValueEnum};
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use sanctum_review::book::{self, ImportOptions};
use sanctum_review::screening::{self, Mode, RunSummary, ScreenOptions};
use sanctum_review::{Review, ReviewError};
use sanctum_screen::input::{ColumnMap, InputFormat};
use sanctum_store::Store;
use std::path::PathBuf;
use std::process::ExitCode;

/// The book used when none is named.
pub const DEFAULT_BOOK: &str = sanctum_review::book::DEFAULT_BOOK;

#[derive(Clone, Copy, ValueEnum)]
pub enum InputKind {
    Csv,
    Jsonl,
    Xlsx,
}

#[derive(Args)]
pub struct BookName {
    /// The book (a bank may keep several: retail, correspondent, vendors).
    #[arg(long, default_value = DEFAULT_BOOK, value_name = "NAME")]
    book: String,
}

#[derive(Subcommand)]
pub enum BookCommand {
    /// Import customers from a file (CSV, JSON lines, XLSX; the columns `sanctum screen`
    /// reads). A changed customer gets a new revision; new and changed ones are screened
    /// at once unless --no-screen.
    Import {
        file: PathBuf,
        #[command(flatten)]
        book: BookName,
        /// Read column COLUMN as FIELD (repeatable), as `sanctum screen --map`.
        #[arg(long = "map", value_name = "COLUMN=FIELD")]
        map: Vec<String>,
        #[arg(long, value_enum)]
        input_format: Option<InputKind>,
        /// Close the book's customers absent from the file.
        #[arg(long)]
        replace: bool,
        /// Do not screen the new and changed customers now.
        #[arg(long)]
        no_screen: bool,
        #[command(flatten)]
        key: KeyArg,
    },
    /// The books and their customer counts.
    List {
        #[arg(long, value_enum, default_value = "table")]
        format: OutputFormat,
    },
    /// One customer: current fields and every revision.
    Show {
        id: String,
        #[command(flatten)]
        book: BookName,
    },
    /// Close customers (all of the book's when no id is given); nothing is deleted.
    Remove {
        ids: Vec<String>,
        #[command(flatten)]
        book: BookName,
        /// Needed to close a whole book.
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        key: KeyArg,
    },
    /// Screen the book against the current lists and store the alerts.
    Screen {
        #[command(flatten)]
        book: BookName,
        /// Only the parties added or amended since the book's last run.
        #[arg(long)]
        delta: bool,
        /// Least score that alerts (default 0.80).
        #[arg(long)]
        threshold: Option<f64>,
        #[command(flatten)]
        key: KeyArg,
    },
}

pub fn run(ctx: &Context, command: BookCommand) -> Result<ExitCode> {
    let (store, mut review) = ctx.open_review()?;
    match command {
        BookCommand::Import {
            file,
            book,
            map,
            input_format,
            replace,
            no_screen,
            key,
        } => {
            let actor = ctx.actor(&review, key.key.as_deref())?;
            let options = ImportOptions {
                format: input_format.map(|f| match f {
                    InputKind::Csv => InputFormat::Csv,
                    InputKind::Jsonl => InputFormat::Jsonl,
                    InputKind::Xlsx => InputFormat::Xlsx,
                }),
                map: ColumnMap::new(&map)?,
                limits: ctx.config.limits.clone(),
                replace,
            };
            let summary = book::import(&mut review, &actor, &book.book, &file, &options)?;
            for e in &summary.rejected_examples {
                note!("{}: {}", file.display(), crate::term::safe(&e.to_string()));
            }
            if summary.ids_from_line_numbers > 0 {
                note!(
                    "warning: {} rows have no id: their line number stands for it, which a reordered file changes (give an id column)",
                    summary.ids_from_line_numbers
                );
            }
            say!(
                "book {}: {} rows read, {} new, {} changed, {} unchanged, {} closed, {} rejected ({:.1} s)",
                book.book,
                summary.rows_read,
                summary.new,
                summary.changed,
                summary.unchanged,
                summary.closed,
                summary.rows_rejected,
                summary.seconds
            )?;
            if !no_screen && !summary.touched.is_empty() && !store.sources()?.is_empty() {
                let run = screening::screen_book(
                    &mut review,
                    &store,
                    &book.book,
                    &Mode::Customers(summary.touched.clone()),
                    &screen_options(ctx, None),
                )?;
                report_run(&run)?;
            }
        }
        BookCommand::List { format } => {
            let books = book::books(&review.conn()?)?;
            match format {
                OutputFormat::Json => say!("{}", serde_json::to_string_pretty(&books)?)?,
                OutputFormat::Table => {
                    let mut t = Table::new();
                    t.load_style(UTF8_FULL_CONDENSED).set_header([
                        "book",
                        "customers",
                        "closed",
                        "revisions",
                    ]);
                    for b in books {
                        t.add_row(vec![
                            b.book,
                            b.open.to_string(),
                            b.closed.to_string(),
                            b.revisions.to_string(),
                        ]);
                    }
                    say!("{t}")?;
                }
            }
        }
        BookCommand::Show { id, book } => {
            let customer = book::customer(&review.conn()?, &book.book, &id)?.ok_or_else(|| {
                ReviewError::NotFound(format!("customer {id:?} in book {:?}", book.book))
            })?;
            let revisions = book::revisions(&review.conn()?, &book.book, &id)?;
            let card = serde_json::json!({
                "customer": customer,
                "revisions": revisions.iter().map(|(rev, fp, fields, at)| serde_json::json!({
                    "revision": rev, "fingerprint": fp, "fields": fields, "created_at": at
                })).collect::<Vec<_>>(),
            });
            say!("{}", serde_json::to_string_pretty(&card)?)?;
        }
        BookCommand::Remove {
            ids,
            book,
            all,
            key,
        } => {
            if ids.is_empty() && !all {
                anyhow::bail!(
                    "give the ids of the customers to close, or --all for the whole book"
                );
            }
            let actor = ctx.actor(&review, key.key.as_deref())?;
            let closed = book::remove(&mut review, &actor, &book.book, &ids)?;
            say!("book {}: {closed} customers closed", book.book)?;
        }
        BookCommand::Screen {
            book,
            delta,
            threshold,
            key,
        } => {
            ctx.actor(&review, key.key.as_deref())?;
            let mode = if delta { Mode::Delta } else { Mode::Full };
            let run = screen(ctx, &mut review, &store, &book.book, &mode, threshold)?;
            report_run(&run)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn screen_options(ctx: &Context, threshold: Option<f64>) -> ScreenOptions {
    ScreenOptions {
        threshold: threshold.unwrap_or(sanctum_matcher::DEFAULT_THRESHOLD),
        limits: ctx.config.limits.clone(),
        ..ScreenOptions::default()
    }
}

/// Screens a book (also run after `update` stores a new version).
pub fn screen(
    ctx: &Context,
    review: &mut Review,
    store: &Store,
    book: &str,
    mode: &Mode,
    threshold: Option<f64>,
) -> Result<RunSummary> {
    if let Some(t) = threshold
        && !(t > 0.0 && t <= 1.0)
    {
        anyhow::bail!("--threshold {t}: give a score above 0 and at most 1");
    }
    Ok(screening::screen_book(
        review,
        store,
        book,
        mode,
        &screen_options(ctx, threshold),
    )?)
}

pub fn report_run(run: &RunSummary) -> Result<()> {
    say!(
        "run {} ({}, book {}): {} customers against {} parties, {} hits: {} new alerts, {} re-alerts, {} suppressed by memory, {} already open ({:.1} s)",
        run.run_id,
        run.mode,
        run.book,
        run.customers,
        run.parties,
        run.hits,
        run.alerts_created,
        run.realerts,
        run.suppressed,
        run.already_open,
        run.seconds
    )?;
    Ok(())
}
