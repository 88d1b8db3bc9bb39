//! `sanctum serve` (the HTTP API, in the sanctum-server crate) and `sanctum keys`.

use crate::config::Context;
use anyhow::{Context as _, Result, bail};
use clap::{Args, Subcommand};
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use sanctum_server::auth::{KeyStore, Scope, is_unprintable};
use sanctum_server::{ServerConfig, UpdateHook};
use std::net::SocketAddr;
use std::process::{Command, ExitCode, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on. Keep it on loopback and put TLS in a reverse proxy in front
    /// (see README: "Serving over HTTPS").
    #[arg(long, env = "SANCTUM_BIND", default_value = "127.0.0.1:8000")]
    bind: SocketAddr,
    /// Let requests without a key match, screen and read (never admin).
    #[arg(long, env = "SANCTUM_OPEN")]
    open: bool,
    /// The address users reach the server at, through its reverse proxy (e.g.
    /// https://sanctum.example.com): with https, the web pages' session cookie is Secure.
    #[arg(long, env = "SANCTUM_PUBLIC_URL", value_name = "URL")]
    public_url: Option<String>,
    /// Requests per second per key (or per client address without a key); 0 disables.
    #[arg(long, env = "SANCTUM_RATE_LIMIT", default_value_t = 100)]
    rate_limit: u32,
    /// Requests a caller may send at once before the rate applies.
    #[arg(long, env = "SANCTUM_RATE_BURST", default_value_t = 200)]
    rate_burst: u32,
    /// Largest request body accepted, in KiB (default: `max_body_bytes` in [limits], 4 MiB).
    #[arg(long)]
    max_body_kib: Option<usize>,
    /// Most records in one /v1/screen/batch, or queries in one /match (default: `max_batch`
    /// in [limits], 1,000).
    #[arg(long)]
    max_batch: Option<usize>,
    /// A request taking longer is stopped and answered 503 (default: `request_timeout` in
    /// [limits], 30s).
    #[arg(long, value_parser = parse_duration)]
    timeout: Option<Duration>,
    /// Run `sanctum update` this often while serving (e.g. 30m, 6h, 1d); the new index is
    /// built aside and swapped in without dropping a request.
    #[arg(long, env = "SANCTUM_UPDATE_EVERY", value_parser = parse_duration)]
    update_every: Option<Duration>,
    /// /readyz fails (503) and sanctum_source_stale is 1 when a source is older than this
    /// (e.g. 2d): since its version was fetched or an update last confirmed it.
    #[arg(long, env = "SANCTUM_MAX_AGE", value_parser = parse_duration)]
    max_age: Option<Duration>,
    /// On a PostgreSQL database: re-read it this often for versions other processes
    /// stored, besides hearing of them at once by LISTEN/NOTIFY (default: 30s).
    #[arg(long, env = "SANCTUM_VERSION_POLL", value_parser = parse_duration, value_name = "DURATION")]
    version_poll: Option<Duration>,
    /// On a PostgreSQL database: do not LISTEN for new versions, only re-read every
    /// --version-poll (behind a pooler in transaction mode, e.g. PgBouncer's, where LISTEN
    /// hears nothing).
    #[arg(long, env = "SANCTUM_NO_LISTEN")]
    no_listen: bool,
}

/// `30s`, `15m`, `6h`, `2d`, or plain seconds.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => text.split_at(i),
        None => (text, "s"),
    };
    let n: u64 = number
        .parse()
        .map_err(|_| format!("{text:?}: expected a number and a unit (s, m, h, d), e.g. 6h"))?;
    let secs = match unit {
        "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        other => return Err(format!("{text:?}: unknown unit {other:?} (s, m, h, d)")),
    };
    if secs == 0 {
        return Err(format!("{text:?}: must be more than zero"));
    }
    Ok(Duration::from_secs(secs))
}

/// The server's update: `sanctum update` (every source, with this configuration) run as a
/// child process, so that a list that exhausts memory or the stack takes the child down,
/// not the server, and so that it can be stopped at its deadline (`update_timeout`): the
/// store keeps whatever whole versions it committed, never half of one. Its output goes to
/// the server's log.
fn update_hook(ctx: &Context) -> Result<UpdateHook> {
    let exe = std::env::current_exe().context("finding the sanctum executable")?;
    let data_dir = ctx.data_dir.clone();
    let config_path = ctx.config_path.clone();
    let database = ctx.database.clone();
    Ok(Arc::new(move |deadline: Instant| {
        let mut command = Command::new(&exe);
        command.arg("--data-dir").arg(&data_dir);
        // By the environment, not the command line, where any user's `ps` would show its
        // password.
        match &database {
            Some(url) => command.env("SANCTUM_DATABASE_URL", url),
            None => command.env_remove("SANCTUM_DATABASE_URL"),
        };
        if let Some(path) = &config_path {
            command.arg("--config").arg(path);
        }
        command
            .arg("update")
            .stdin(Stdio::null())
            .stdout(Stdio::from(std::io::stderr()))
            .stderr(Stdio::from(std::io::stderr()));
        let mut child = command
            .spawn()
            .with_context(|| format!("starting {}", exe.display()))?;
        let status = loop {
            if let Some(status) = child.try_wait().context("waiting for the update")? {
                break status;
            }
            if Instant::now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                bail!(
                    "the update took longer than update_timeout in [limits] and was stopped; \
                     the versions it stored whole are kept"
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        match status.code() {
            Some(0) => Ok("update: every source fetched".to_string()),
            Some(code) if code == i32::from(crate::EXIT_REJECTED) => {
                Ok("update: some sources failed or were rejected; see the log".to_string())
            }
            _ => bail!("the update failed ({status})"),
        }
    }))
}

pub fn run(ctx: Context, args: ServeArgs) -> Result<ExitCode> {
    let hook = update_hook(&ctx)?;
    let mut anonymous = Vec::new();
    if args.open {
        anonymous = vec![Scope::Screen, Scope::Read];
    }
    // [limits] from the configuration, then the flags given.
    let mut limits = ctx.config.limits.clone();
    if let Some(kib) = args.max_body_kib {
        limits.max_body_bytes = kib.saturating_mul(1024);
    }
    if let Some(n) = args.max_batch {
        limits.max_batch = n;
    }
    if let Some(timeout) = args.timeout {
        limits.request_timeout = timeout;
    }
    let config = ServerConfig {
        data_dir: ctx.data_dir.clone(),
        store: ctx.store_location()?,
        anonymous_scopes: anonymous,
        rate_limit_per_second: args.rate_limit,
        rate_limit_burst: args.rate_burst,
        limits,
        update_interval: args.update_every,
        max_source_age: args.max_age,
        versions: sanctum_server::replicas::VersionWatch {
            listen: !args.no_listen,
            poll: args
                .version_poll
                .unwrap_or(sanctum_server::replicas::VERSION_POLL),
        },
        review: ctx.config.review.clone(),
        jurisdictions: match &ctx.config.payments.jurisdictions {
            Some(list) => sanctum_payments::Jurisdictions::new(list.clone()),
            None => sanctum_payments::Jurisdictions::default(),
        },
    };
    // The analyst's pages, on the server's own review tables and snapshot.
    let secure = args
        .public_url
        .as_deref()
        .is_some_and(|url| url.starts_with("https://"));
    let pages: sanctum_server::Pages = Box::new(move |state| {
        sanctum_ui::router(std::sync::Arc::new(sanctum_ui::Desk::new(state, secure)))
    });
    sanctum_server::run_with_pages(config, Some(hook), args.bind, Some(pages))?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
pub enum KeysCommand {
    /// Create a key and print it once; only its SHA-256 is stored.
    Create {
        /// Who or what uses the key.
        #[arg(long, default_value = "default")]
        name: String,
        /// screen (match and screen), read (search, entities, versions, diffs), admin
        /// (everything, updates, keys). Repeat for several.
        #[arg(long = "scope", value_name = "SCOPE", required = true, value_parser = parse_scope)]
        scopes: Vec<Scope>,
    },
    /// The keys: id, name, scopes, creation time.
    List,
    /// Revoke a key by its id.
    Revoke { id: String },
}

fn parse_scope(text: &str) -> Result<Scope, String> {
    Scope::parse(text).ok_or_else(|| format!("{text:?}: one of screen, read, admin"))
}

pub fn keys(ctx: &Context, command: KeysCommand) -> Result<ExitCode> {
    ctx.ensure_data_dir()?;
    let store = KeyStore::open(&ctx.data_dir)?;
    match command {
        KeysCommand::Create { name, scopes } => {
            if name.chars().any(is_unprintable) {
                bail!("--name: control and bidirectional-override characters are not allowed");
            }
            let (key, record) = store.create(&name, &scopes)?;
            eprintln!(
                "key {} ({}) created with scopes {}; it is shown only now:",
                record.id,
                crate::term::safe(&record.name),
                scope_list(&record.scopes)
            );
            say!("{key}")?;
        }
        KeysCommand::List => {
            let mut t = Table::new();
            t.load_style(UTF8_FULL_CONDENSED)
                .set_header(["id", "name", "scopes", "created"]);
            for r in store.list() {
                t.add_row(vec![
                    r.id,
                    crate::term::safe(&r.name).into_owned(),
                    scope_list(&r.scopes),
                    r.created_at,
                ]);
            }
            say!("{t}")?;
        }
        KeysCommand::Revoke { id } => {
            if !store.revoke(&id).context("revoking the key")? {
                bail!(
                    "no key with id {:?}: see `sanctum keys list`",
                    crate::term::safe(&id)
                );
            }
            eprintln!(
                "key {} revoked; a running server drops it within seconds",
                crate::term::safe(&id)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn scope_list(scopes: &[Scope]) -> String {
    scopes
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
