//! `sanctum export`: the current lists in another format.

use crate::config::Context;
use anyhow::{Context as _, Result};
use clap::{Args, ValueEnum};
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    /// FollowTheMoney JSON lines, the OpenSanctions `entities.ftm.json` format.
    Ftm,
}

#[derive(Args)]
pub struct ExportArgs {
    #[arg(long, value_enum, default_value = "ftm")]
    format: ExportFormat,
    /// Only these sources (default: all).
    #[arg(long = "source", value_name = "SOURCE")]
    sources: Vec<String>,
    /// Write here instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    out: Option<PathBuf>,
}

pub fn run(ctx: &Context, args: ExportArgs) -> Result<ExitCode> {
    let store = ctx.open_store()?;
    let filter = (!args.sources.is_empty()).then_some(args.sources.as_slice());
    let entities = store.current_entities(filter)?;
    let mut out: Box<dyn Write> = match &args.out {
        Some(path) => Box::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = BufWriter::new(&mut out);
    match args.format {
        ExportFormat::Ftm => sanctum_model::ftm::write_entities(&entities, &mut out)?,
    }
    out.flush()?;
    eprintln!("exported {} parties", entities.len());
    Ok(ExitCode::SUCCESS)
}
