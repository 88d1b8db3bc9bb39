//! `sanctum alerts`: list, show, claim, propose, approve, return, stats. Every change goes
//! through sanctum-review's one workflow choke point, as the user whose key is given.

use crate::OutputFormat;
use crate::config::{Context, KeyArg};
use anyhow::Result;
use clap::Subcommand;
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use sanctum_review::alerts::{self, AlertFilter};
use sanctum_review::{Action, AlertState, Decision, Transition};
use serde_json::json;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum AlertsCommand {
    /// The alerts, oldest first.
    List {
        /// Only these states (repeatable): open, in_review, proposed, returned, closed,
        /// reopened.
        #[arg(long = "state", value_parser = parse_state)]
        states: Vec<AlertState>,
        #[arg(long)]
        book: Option<String>,
        #[arg(long, default_value_t = 1000)]
        limit: usize,
        #[arg(long, value_enum, default_value = "table")]
        format: OutputFormat,
    },
    /// One alert: both sides, the explanation, what changed, its history and memory.
    Show { id: i64 },
    /// Claim an alert (the next one waiting when no id is given) for review.
    Claim {
        id: Option<i64>,
        #[command(flatten)]
        key: KeyArg,
    },
    /// Propose a decision on an alert one holds: false_positive, true_match or escalate
    /// for a customer's; release, block, reject or escalate for a held payment's.
    Propose {
        id: i64,
        #[arg(long, value_parser = parse_decision)]
        decision: Decision,
        /// A reason code from [review] reason_codes (needed for a false positive).
        #[arg(long)]
        reason: Option<String>,
        /// Needed with reason `other`, a true match, an escalation and every payment
        /// decision.
        #[arg(long)]
        comment: Option<String>,
        #[command(flatten)]
        key: KeyArg,
    },
    /// Approve another person's proposal (reviewers).
    Approve {
        id: i64,
        #[arg(long)]
        comment: Option<String>,
        #[command(flatten)]
        key: KeyArg,
    },
    /// Send a proposal back to the analysts with a comment (reviewers).
    Return {
        id: i64,
        #[arg(long)]
        comment: String,
        #[command(flatten)]
        key: KeyArg,
    },
    /// Counts per state, list, program and reason; age, SLA, re-alerts by cause.
    Stats {
        #[arg(long, value_enum, default_value = "table")]
        format: OutputFormat,
    },
}

fn parse_state(text: &str) -> Result<AlertState, String> {
    text.parse()
}

fn parse_decision(text: &str) -> Result<Decision, String> {
    text.parse()
}

fn announce(t: &Transition) -> Result<()> {
    say!("alert {}: {} -> {}", t.alert, t.from, t.to)?;
    if let Some(memory) = t.memory {
        note!("remembered as false positive: memory entry {memory}");
    }
    Ok(())
}

pub fn run(ctx: &Context, command: AlertsCommand) -> Result<ExitCode> {
    let (_store, mut review) = ctx.open_review()?;
    match command {
        AlertsCommand::List {
            states,
            book,
            limit,
            format,
        } => {
            let list = review.alerts(&AlertFilter {
                states,
                book,
                limit: Some(limit),
                ..AlertFilter::default()
            })?;
            match format {
                OutputFormat::Json => say!("{}", serde_json::to_string_pretty(&list)?)?,
                OutputFormat::Table => {
                    let mut t = Table::new();
                    t.load_style(UTF8_FULL_CONDENSED).set_header([
                        "id", "state", "customer", "target", "score", "cause", "assignee", "since",
                    ]);
                    for a in list {
                        let caption = a
                            .designations
                            .iter()
                            .find(|d| d.hit)
                            .or(a.designations.first())
                            .map(|d| d.caption.clone())
                            .unwrap_or_default();
                        t.add_row(vec![
                            a.id.to_string(),
                            a.state.to_string(),
                            crate::term::safe(&format!("{}/{}", a.book, a.customer_id))
                                .into_owned(),
                            crate::term::safe(&format!(
                                "{caption} ({} record{})",
                                a.designations.len(),
                                if a.designations.len() == 1 { "" } else { "s" }
                            ))
                            .into_owned(),
                            format!("{:.3}", a.score),
                            a.cause.to_string(),
                            a.assignee.unwrap_or_default(),
                            a.state_since,
                        ]);
                    }
                    say!("{t}")?;
                }
            }
        }
        AlertsCommand::Show { id } => {
            let alert = review.alert(id)?;
            let history = sanctum_review::audit::history(&review.conn()?, &alert.subject())?;
            let memory: Vec<_> = sanctum_review::memory::list(&review.conn()?, None)?
                .into_iter()
                .filter(|m| m.alert_id == id)
                .collect();
            let payment = sanctum_review::payments::message(&review.conn()?, id)?;
            let card = json!({"alert": alert, "history": history, "memory": memory,
                              "payment": payment});
            say!("{}", serde_json::to_string_pretty(&card)?)?;
        }
        AlertsCommand::Claim { id, key } => {
            let actor = ctx.actor(&review, key.key.as_deref())?;
            match id {
                Some(id) => announce(&review.decide(&actor, id, &Action::Claim)?)?,
                None => match review.claim_next(&actor)? {
                    Some(t) => announce(&t)?,
                    None => note!("no alert is waiting"),
                },
            }
        }
        AlertsCommand::Propose {
            id,
            decision,
            reason,
            comment,
            key,
        } => {
            let actor = ctx.actor(&review, key.key.as_deref())?;
            let action = Action::Propose {
                decision,
                reason,
                comment,
            };
            announce(&review.decide(&actor, id, &action)?)?;
        }
        AlertsCommand::Approve { id, comment, key } => {
            let actor = ctx.actor(&review, key.key.as_deref())?;
            announce(&review.decide(&actor, id, &Action::Approve { comment })?)?;
        }
        AlertsCommand::Return { id, comment, key } => {
            let actor = ctx.actor(&review, key.key.as_deref())?;
            announce(&review.decide(&actor, id, &Action::Return { comment })?)?;
        }
        AlertsCommand::Stats { format } => {
            let stats = alerts::stats(&review.conn()?, &review.policy, review.now())?;
            match format {
                OutputFormat::Json => say!("{}", serde_json::to_string_pretty(&stats)?)?,
                OutputFormat::Table => {
                    let mut t = Table::new();
                    t.load_style(UTF8_FULL_CONDENSED)
                        .set_header(["figure", "key", "count"]);
                    for (figure, map) in [
                        ("state", &stats.by_state),
                        ("open by list", &stats.open_by_list),
                        ("open by program", &stats.open_by_program),
                        ("closed by decision/reason", &stats.closed_by_reason),
                        ("re-alerts by cause", &stats.realerts_by_cause),
                        ("over SLA by state", &stats.overdue_by_state),
                    ] {
                        for (key, count) in map {
                            t.add_row(vec![
                                figure.to_string(),
                                crate::term::safe(key).into_owned(),
                                count.to_string(),
                            ]);
                        }
                    }
                    if let Some(hours) = stats.oldest_open_hours {
                        t.add_row(vec![
                            "oldest waiting".to_string(),
                            "hours".to_string(),
                            format!("{hours:.1}"),
                        ]);
                    }
                    say!("{t}")?;
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
