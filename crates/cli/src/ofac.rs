//! `sanctum report ofac-blocked ALERT`: the draft of OFAC's blocked-property report for an
//! alert closed as a true match or a payment blocked, or of the report on a rejected
//! transaction for a payment rejected, with its due date.

use crate::OutputFormat;
use crate::config::Context;
use anyhow::Result;
use clap::Subcommand;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum ReportCommand {
    /// Draft the Report of Blocked Property (31 CFR 501.603) of a true match or a blocked
    /// payment, or the report on a rejected transaction (501.604) of a rejected payment,
    /// due in 10 US business days.
    OfacBlocked {
        alert: i64,
        #[arg(long, value_enum, default_value = "table")]
        format: OutputFormat,
    },
}

pub fn run(ctx: &Context, command: ReportCommand) -> Result<ExitCode> {
    let (_store, review) = ctx.open_review()?;
    match command {
        ReportCommand::OfacBlocked { alert, format } => {
            let draft =
                sanctum_review::report::blocked_property(&review.conn()?, alert, review.now())?;
            match format {
                OutputFormat::Json => say!("{}", serde_json::to_string_pretty(&draft)?)?,
                OutputFormat::Table => {
                    say!(
                        "{} (draft) for alert {}: {} {}, due {}{}",
                        match draft.report {
                            sanctum_review::report::ReportKind::BlockedProperty =>
                                "Report of Blocked Property",
                            sanctum_review::report::ReportKind::RejectedTransaction =>
                                "Report on Rejected Transaction",
                        },
                        draft.alert,
                        match draft.report {
                            sanctum_review::report::ReportKind::BlockedProperty => "blocked",
                            sanctum_review::report::ReportKind::RejectedTransaction => "rejected",
                        },
                        draft.blocked_on,
                        draft.due,
                        if draft.overdue { " — OVERDUE" } else { "" }
                    )?;
                    for f in &draft.fields {
                        say!(
                            "  {}: {}",
                            f.name,
                            crate::term::safe(f.value.as_deref().unwrap_or("[to complete]"))
                        )?;
                    }
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
