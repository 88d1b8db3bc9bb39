//! `sanctum memory`: the false-positive memory, and its four-eyes revocation.

use crate::OutputFormat;
use crate::config::{Context, KeyArg};
use anyhow::Result;
use clap::Subcommand;
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use sanctum_review::memory::{self, Revocation};
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum MemoryCommand {
    /// Memory entries, newest first (only the live ones unless --all).
    List {
        #[arg(long)]
        all: bool,
        #[arg(long, value_enum, default_value = "table")]
        format: OutputFormat,
    },
    /// The hits the memory suppressed, by screening run (never silent).
    Suppressed {
        /// Only this run's.
        #[arg(long)]
        run: Option<i64>,
    },
    /// Revoke an entry: one reviewer proposes, a second confirms.
    Revoke {
        id: i64,
        #[arg(long)]
        comment: String,
        #[command(flatten)]
        key: KeyArg,
    },
}

pub fn run(ctx: &Context, command: MemoryCommand) -> Result<ExitCode> {
    let (_store, mut review) = ctx.open_review()?;
    match command {
        MemoryCommand::List { all, format } => {
            let now = sanctum_review::timestamp_text(review.now());
            let list = memory::list(&review.conn()?, (!all).then_some(now.as_str()))?;
            match format {
                OutputFormat::Json => say!("{}", serde_json::to_string_pretty(&list)?)?,
                OutputFormat::Table => {
                    let mut t = Table::new();
                    t.load_style(UTF8_FULL_CONDENSED).set_header([
                        "id", "customer", "target", "alert", "proposed", "approved", "expires",
                        "revoked",
                    ]);
                    for m in list {
                        t.add_row(vec![
                            m.id.to_string(),
                            crate::term::safe(&format!("{}/{}", m.book, m.customer_id))
                                .into_owned(),
                            m.target,
                            m.alert_id.to_string(),
                            m.proposed_by,
                            m.approved_by,
                            m.expires_at,
                            m.revoked_at.unwrap_or_default(),
                        ]);
                    }
                    say!("{t}")?;
                }
            }
        }
        MemoryCommand::Suppressed { run } => {
            let list = sanctum_review::screening::suppressions(&review.conn()?, run)?;
            say!("{}", serde_json::to_string_pretty(&list)?)?;
        }
        MemoryCommand::Revoke { id, comment, key } => {
            let actor = ctx.actor(&review, key.key.as_deref())?;
            match review.revoke_memory(&actor, id, &comment)? {
                Revocation::Proposed => say!(
                    "memory entry {id}: revocation proposed; a second reviewer must confirm it"
                )?,
                Revocation::Revoked => say!("memory entry {id}: revoked")?,
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
