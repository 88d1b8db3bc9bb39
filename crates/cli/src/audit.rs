//! `sanctum audit`: verify, export and notarise the hash-chained audit trail. No command
//! deletes an entry.

use crate::config::Context;
use anyhow::Result;
use clap::Subcommand;
use sanctum_review::audit;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Walk the chain; exit 1 naming the first entry changed, deleted or reordered.
    Verify {
        /// A head hash notarised earlier (`audit head`): it must still be in the chain.
        #[arg(long, value_name = "HASH")]
        head: Option<String>,
    },
    /// Entries as JSON lines, by sequence number.
    Export {
        #[arg(long)]
        from: Option<i64>,
        #[arg(long)]
        to: Option<i64>,
    },
    /// The newest entry's sequence number and hash, to notarise elsewhere.
    Head,
}

pub fn run(ctx: &Context, command: AuditCommand) -> Result<ExitCode> {
    let (_store, review) = ctx.open_review()?;
    match command {
        AuditCommand::Verify { head } => {
            let v = audit::verify(&review.conn()?, head.as_deref())?;
            match v.broken {
                None => {
                    say!(
                        "audit trail intact: {} entries, head {} {}",
                        v.entries,
                        v.head_seq,
                        v.head_hash
                    )?;
                }
                Some(b) => {
                    anyhow::bail!("audit trail broken at entry {}: {}", b.seq, b.reason);
                }
            }
        }
        AuditCommand::Export { from, to } => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            let n = audit::export(&review.conn()?, from, to, &mut out)?;
            std::io::Write::flush(&mut out)?;
            note!("{n} entries exported");
        }
        AuditCommand::Head => {
            let (seq, hash) = audit::head(&review.conn()?)?;
            say!("{seq} {hash}")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
