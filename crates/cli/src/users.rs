//! `sanctum users`: the people who review alerts, their roles, and their keys.

use crate::OutputFormat;
use crate::config::{Context, KeyArg};
use anyhow::{Context as _, Result};
use clap::Subcommand;
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use sanctum_review::{Role, users};
use sanctum_server::auth::KeyStore;
use std::io::BufRead;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum UsersCommand {
    /// Add a user and print their API key once, alone on standard output. The first admin
    /// needs no key; every later user needs an admin's key.
    Add {
        name: String,
        /// analyst (claims and proposes), reviewer (also approves and returns), admin
        /// (users and keys), auditor (reads).
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Read a password from the first line of standard input (stored as an argon2 hash).
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        key: KeyArg,
    },
    /// The users: name, role, password set, disabled.
    List {
        #[arg(long, value_enum, default_value = "table")]
        format: OutputFormat,
    },
    /// Disable a user (users are never deleted: the audit trail names them).
    Disable {
        name: String,
        #[command(flatten)]
        key: KeyArg,
    },
}

fn parse_role(text: &str) -> Result<Role, String> {
    text.parse()
}

pub fn run(ctx: &Context, command: UsersCommand) -> Result<ExitCode> {
    let (_store, mut review) = ctx.open_review()?;
    match command {
        UsersCommand::Add {
            name,
            role,
            password_stdin,
            key,
        } => {
            let by = match key.key.as_deref() {
                Some(k) => Some(ctx.actor(&review, Some(k))?),
                None => None,
            };
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .lock()
                    .read_line(&mut line)
                    .context("reading the password from standard input")?;
                Some(line.trim_end_matches(['\n', '\r']).to_string())
            } else {
                None
            };
            let now = review.now();
            let keys = KeyStore::open(&ctx.data_dir)?;
            let tx = review.write()?;
            let user = users::add(&tx, by.as_ref(), &name, role, password.as_deref(), now)?;
            let (api_key, record) = keys.create_for(
                &format!("user {name}"),
                &sanctum_server::review::role_scopes(role),
                Some(&name),
            )?;
            let actor = by.as_ref().map(|a| a.name.as_str()).unwrap_or(&name);
            users::record_key(&tx, actor, &name, &record.id, now)?;
            tx.commit()?;
            note!(
                "user {} added as {}; key {} is shown only now:",
                crate::term::safe(&user.name),
                user.role,
                record.id
            );
            say!("{api_key}")?;
        }
        UsersCommand::List { format } => {
            let list = users::list(&review.conn()?)?;
            match format {
                OutputFormat::Json => say!("{}", serde_json::to_string_pretty(&list)?)?,
                OutputFormat::Table => {
                    let mut t = Table::new();
                    t.load_style(UTF8_FULL_CONDENSED)
                        .set_header(["name", "role", "password", "disabled", "created"]);
                    for u in list {
                        t.add_row(vec![
                            crate::term::safe(&u.name).into_owned(),
                            u.role.to_string(),
                            if u.has_password { "yes" } else { "no" }.into(),
                            if u.disabled { "yes" } else { "no" }.into(),
                            u.created_at,
                        ]);
                    }
                    say!("{t}")?;
                }
            }
        }
        UsersCommand::Disable { name, key } => {
            let by = ctx.actor(&review, key.key.as_deref())?;
            let now = review.now();
            let tx = review.write()?;
            users::disable(&tx, &by, &name, now)?;
            tx.commit()?;
            note!("user {} disabled", crate::term::safe(&name));
        }
    }
    Ok(ExitCode::SUCCESS)
}
