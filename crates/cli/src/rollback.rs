//! `sanctum rollback SOURCE VERSION`: an earlier version's parties made current again.

use crate::config::Context;
use crate::report::{self, DiffArgs, resolve_version};
use crate::time::now_rfc3339;
use anyhow::{Context as _, Result, bail};
use clap::Args;
use sanctum_store::IngestOutcome;
use std::process::ExitCode;

#[derive(Args)]
pub struct RollbackArgs {
    /// The source to roll back (see `sanctum lists`).
    source: String,
    /// The version whose parties become current again: its number, or a date (the version
    /// current then).
    #[arg(value_name = "VERSION")]
    target: String,
    /// Print the diff as JSON (the summary line goes to standard error).
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Context, args: RollbackArgs) -> Result<ExitCode> {
    let mut store = ctx.open_store()?;
    let source = args.source.as_str();
    if store.current_version(source)?.is_none() {
        bail!("{source}: no version stored; `sanctum lists` shows the stored sources");
    }
    let target = resolve_version(&store, source, &args.target)?;
    let outcome = store
        .rollback(source, target.seq, &now_rfc3339())
        .with_context(|| format!("rolling {source} back to version {}", target.seq))?;
    let say = |line: String| {
        if args.json {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
    };
    match outcome {
        IngestOutcome::Unchanged { version } => {
            say(format!(
                "{source}: the current version {} already lists the parties of version {}; \
                 nothing stored",
                version.seq, target.seq
            ));
            Ok(ExitCode::SUCCESS)
        }
        IngestOutcome::Created { version, .. } => {
            say(format!(
                "{source}: version {} restores the parties of version {} (published {}): {} \
                 parties, +{} -{} ~{} against version {}",
                version.seq,
                target.seq,
                target
                    .published
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "undated".into()),
                version.party_count,
                version.added,
                version.removed,
                version.amended,
                version.seq - 1
            ));
            report::diff(
                ctx,
                DiffArgs::between(source, version.seq - 1, version.seq, args.json),
            )
        }
    }
}
