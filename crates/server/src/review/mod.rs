//! The review API: alerts, the customer book and the audit trail over HTTP, each request
//! acting as the user its key names (the same [`Actor`] the CLI resolves from `--key`).
//!
//! The handlers are thin: they check parameters, then call sanctum-review on tokio's
//! blocking pool (database work never runs on the async workers). The review tables are
//! where the store is: its SQLite file, or its PostgreSQL database (`--database`), which
//! several replicas share. Every state change goes through
//! [`sanctum_review::workflow::decide`] inside one transaction with its audit entry, so two
//! requests (or a request and a CLI process, or two replicas) deciding one alert take turns
//! (SQLite: the file's write lock; PostgreSQL: the alert's row lock) and the second meets
//! the first one's result.
//!
//! - [`alerts`]: `GET /v1/alerts`, `POST /v1/alerts/claim`, `GET /v1/alerts/{id}`,
//!   `POST /v1/alerts/{id}/proposals`, `POST /v1/alerts/{id}/approvals`;
//! - [`book`]: `GET /v1/book/customers`, `GET /v1/book/customers/{key}`, `POST
//!   /v1/book/customers` (up to `max_batch` new and changed customers, screened at once;
//!   whole files stay with `sanctum book import`, which reads XLSX and files of any size);
//! - [`audit`]: `GET /v1/audit/head`, `/verify`, `/entries` (auditors and admins);
//! - [`ReviewTables::metrics`]: the review figures in `/metrics`.

pub mod alerts;
pub mod audit;
pub mod book;

use crate::error::ApiError;
use crate::{AppState, Authorized, ReadScope};
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use sanctum_review::{Actor, Policy, Review, ReviewError, Role};
use sanctum_store::StoreLocation;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use utoipa_axum::router::OpenApiRouter;

/// Most alerts one `GET /v1/alerts` page holds.
pub const ALERTS_MAX_LIMIT: usize = 500;
pub const ALERTS_DEFAULT_LIMIT: usize = 50;
/// Most customers one `GET /v1/book/customers` page holds.
pub const CUSTOMERS_MAX_LIMIT: usize = 500;
/// Most entries one `GET /v1/audit/entries` page holds.
pub const AUDIT_MAX_LIMIT: usize = 1000;
/// Longest comment on a proposal or an approval, in characters.
pub const MAX_COMMENT_CHARS: usize = 4000;
/// Longest reason code, in characters (codes are configured, `[review] reason_codes`).
pub const MAX_REASON_CHARS: usize = 64;
/// Longest filter value (a book, source, program, user or customer id), in characters.
pub const MAX_FILTER_CHARS: usize = 256;
/// Most values one repeatable filter takes.
pub const MAX_FILTER_VALUES: usize = 20;
/// The oldest age a filter may ask for: the ten years records are kept.
pub const MAX_AGE_HOURS: usize = 87_600;
/// Connections kept open between requests; more are opened under load and closed after.
const MAX_IDLE_CONNECTIONS: usize = 8;
/// How long the review figures of `/metrics` are reused before they are counted again.
const METRICS_TTL: Duration = Duration::from_secs(5);
/// How long a page's counts per state are reused for the same filters: counting 100k
/// alerts costs more than the page itself. A change made through this server clears them.
const COUNTS_TTL: Duration = Duration::from_secs(2);
/// Filters whose counts are kept at most; past it, none more until some expire.
const MAX_CACHED_COUNTS: usize = 256;

/// Alerts per state, as `count_by_state` gives them.
pub type Counts = std::collections::BTreeMap<sanctum_review::AlertState, u64>;

/// What the counts of a page depend on: its filters but the states and the page.
pub fn counts_key(filter: &sanctum_review::alerts::AlertFilter) -> String {
    let mut filter = filter.clone();
    filter.states.clear();
    filter.after_id = None;
    filter.limit = None;
    format!("{filter:?}")
}

/// The review tables of the served store (in its SQLite file or its PostgreSQL database):
/// a few connections kept open, and the policy from `[review]`.
pub struct ReviewTables {
    location: StoreLocation,
    policy: Policy,
    idle: Mutex<Vec<Review>>,
    /// The last `/metrics` text and when it was counted.
    metrics: Mutex<Option<(Instant, String)>>,
    /// Held by each request that changes the review tables: this server's writers queue
    /// here rather than in SQLite's busy handler, which sleeps up to 100 ms between tries
    /// (four concurrent claims once took 2 s at the 99th percentile). Other processes (the
    /// CLI, screening) still meet the store's lock and its busy timeout.
    writer: Mutex<()>,
    /// Counts per state by [`counts_key`], and when they were counted.
    counts: Mutex<std::collections::HashMap<String, (Instant, Counts)>>,
}

impl ReviewTables {
    /// Opens the review tables where the store is (creating or upgrading them), refusing a
    /// policy that cannot be applied.
    pub fn open(location: StoreLocation, policy: Policy) -> Result<ReviewTables, ReviewError> {
        let first = Review::connect(&location, policy.clone())?;
        Ok(ReviewTables {
            location,
            policy,
            idle: Mutex::new(vec![first]),
            metrics: Mutex::new(None),
            writer: Mutex::new(()),
            counts: Mutex::new(std::collections::HashMap::new()),
        })
    }

    fn take(&self) -> Result<Review, ReviewError> {
        let idle = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        match idle {
            Some(review) => Ok(review),
            None => Review::connect(&self.location, self.policy.clone()),
        }
    }

    fn put(&self, review: Review) {
        if let Ok(mut idle) = self.idle.lock()
            && idle.len() < MAX_IDLE_CONNECTIONS
        {
            idle.push(review);
        }
    }

    /// Runs `f` on a connection of its own. Blocking: call it off the async workers.
    fn run<T>(&self, f: impl FnOnce(&mut Review) -> Result<T, ApiError>) -> Result<T, ApiError> {
        let mut review = self.take()?;
        let result = f(&mut review);
        self.put(review);
        result
    }

    /// The review figures in the Prometheus text format, counted at most once every
    /// [`METRICS_TTL`] however often `/metrics` is scraped. Blocking.
    pub fn metrics(&self) -> Result<String, ApiError> {
        if let Ok(cached) = self.metrics.lock()
            && let Some((at, text)) = cached.as_ref()
            && at.elapsed() < METRICS_TTL
        {
            return Ok(text.clone());
        }
        let text = self.run(|review| {
            let gauges =
                sanctum_review::alerts::gauges(&review.conn()?, &review.policy, review.now())?;
            Ok(render_gauges(&gauges))
        })?;
        if let Ok(mut cached) = self.metrics.lock() {
            *cached = Some((Instant::now(), text.clone()));
        }
        Ok(text)
    }
}

fn render_gauges(gauges: &sanctum_review::alerts::Gauges) -> String {
    use sanctum_review::{AlertState, Cause};
    use std::collections::BTreeMap;
    use std::fmt::Write as _;
    let mut out = String::new();
    let mut by_state: BTreeMap<AlertState, u64> = AlertState::ALL.iter().map(|s| (*s, 0)).collect();
    let mut by_cause: BTreeMap<Cause, u64> = Cause::ALL.iter().map(|c| (*c, 0)).collect();
    for ((state, cause), n) in &gauges.by_state_cause {
        *by_state.entry(*state).or_default() += n;
        // An alert keeps the cause of its latest raising through review: those not
        // closed whose cause is not a new hit are re-alerts still being worked.
        if *cause != Cause::NewHit && *state != AlertState::Closed {
            *by_cause.entry(*cause).or_default() += n;
        }
    }
    let _ = writeln!(
        out,
        "# HELP sanctum_review_alerts Alerts by state.\n# TYPE sanctum_review_alerts gauge"
    );
    for (state, n) in &by_state {
        let _ = writeln!(out, "sanctum_review_alerts{{state=\"{state}\"}} {n}");
    }
    let _ = writeln!(
        out,
        "# HELP sanctum_review_realerts Alerts not closed that screening raised again, by cause.\n# TYPE sanctum_review_realerts gauge"
    );
    for (cause, n) in by_cause.iter().filter(|(c, _)| **c != Cause::NewHit) {
        let _ = writeln!(out, "sanctum_review_realerts{{cause=\"{cause}\"}} {n}");
    }
    let _ = writeln!(
        out,
        "# HELP sanctum_review_sla_breaches Alerts waiting in their state longer than its SLA hours ([review.sla_hours]).\n# TYPE sanctum_review_sla_breaches gauge"
    );
    for state in AlertState::ALL.iter().filter(|s| **s != AlertState::Closed) {
        let n = gauges.overdue_by_state.get(state).copied().unwrap_or(0);
        let _ = writeln!(out, "sanctum_review_sla_breaches{{state=\"{state}\"}} {n}");
    }
    let _ = writeln!(
        out,
        "# HELP sanctum_review_suppressions_total Hits a false-positive memory suppressed, over every screening run.\n# TYPE sanctum_review_suppressions_total counter\nsanctum_review_suppressions_total {}",
        gauges.suppressions
    );
    out
}

impl From<ReviewError> for ApiError {
    fn from(err: ReviewError) -> Self {
        let status = match &err {
            ReviewError::NotFound(_) => StatusCode::NOT_FOUND,
            ReviewError::Forbidden(_) => StatusCode::FORBIDDEN,
            ReviewError::WrongState { .. }
            | ReviewError::FourEyes(_)
            | ReviewError::Conflict(_) => StatusCode::CONFLICT,
            ReviewError::BadReason(_)
            | ReviewError::CommentRequired(_)
            | ReviewError::Usage(_)
            | ReviewError::Input(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ReviewError::Store(sanctum_store::StoreError::Sqlite(rusqlite_err))
                if rusqlite_err.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) =>
            {
                return ApiError {
                    status: StatusCode::SERVICE_UNAVAILABLE,
                    detail: "the review store is busy; try again".into(),
                    retry_after: Some(1),
                };
            }
            _ => return ApiError::internal(err),
        };
        ApiError::new(status, err.to_string())
    }
}

/// The user a request acts as: its key must name one (`sanctum users add` prints such a
/// key). No key is a 401; a service key (no user) is a 403, and so is a key whose user is
/// unknown or disabled (found when the request runs, [`AppState::with_review`]).
pub struct ReviewUser {
    pub name: String,
}

impl FromRequestParts<AppState> for ReviewUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let auth = Authorized::<ReadScope>::from_request_parts(parts, state).await?;
        let Some(key) = auth.key else {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "the review API acts as a user: send Authorization: Bearer <the key `sanctum users add` printed>",
            ));
        };
        match key.user {
            Some(name) => Ok(ReviewUser { name }),
            None => Err(ApiError::new(
                StatusCode::FORBIDDEN,
                format!(
                    "key {} belongs to no user (a service key); use a key from `sanctum users add`",
                    key.id
                ),
            )),
        }
    }
}

/// The API scopes a user's key gets (`sanctum users add`): every role reads the review
/// API; analysts and reviewers screen too; an admin's key is an admin key.
pub fn role_scopes(role: Role) -> Vec<crate::auth::Scope> {
    use crate::auth::Scope;
    match role {
        Role::Admin => vec![Scope::Admin],
        Role::Analyst | Role::Reviewer => vec![Scope::Read, Scope::Screen],
        Role::Auditor => vec![Scope::Read],
    }
}

/// Refuses an actor whose role is not among `roles`.
pub fn require(actor: &Actor, roles: &[Role], what: &str) -> Result<(), ApiError> {
    if actor.role.is_some_and(|r| roles.contains(&r)) {
        return Ok(());
    }
    let needed: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    Err(ApiError::new(
        StatusCode::FORBIDDEN,
        format!("{actor} may not {what}: that needs {}", needed.join(" or ")),
    ))
}

impl AppState {
    /// Runs `f` as `user` on the review tables, on the blocking pool.
    pub async fn with_review<T: Send + 'static>(
        &self,
        user: ReviewUser,
        f: impl FnOnce(&mut Review, &Actor) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        self.review_job(user, false, f).await
    }

    /// [`Self::with_review`] for a change: one at a time in this server.
    pub async fn with_review_writing<T: Send + 'static>(
        &self,
        user: ReviewUser,
        f: impl FnOnce(&mut Review, &Actor) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        self.review_job(user, true, f).await
    }

    async fn review_job<T: Send + 'static>(
        &self,
        user: ReviewUser,
        writes: bool,
        f: impl FnOnce(&mut Review, &Actor) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let tables = state.review_tables()?;
            // A poisoned lock only means another writer panicked: SQLite rolled it back.
            let _turn = writes.then(|| tables.writer.lock().unwrap_or_else(|e| e.into_inner()));
            tables.run(|review| {
                let actor = review.actor(&user.name)?;
                f(review, &actor)
            })
        })
        .await
        .map_err(ApiError::internal)?
    }

    /// Refuses (503) when this server has no review tables.
    pub fn check_review_tables(&self) -> Result<(), ApiError> {
        self.review_tables().map(|_| ())
    }

    /// Records held payment messages as cases, as the system (screening records, people
    /// decide), in one transaction: every case or none.
    pub async fn record_held_payments(
        &self,
        held: Vec<sanctum_review::payments::HeldMessage>,
    ) -> Result<Vec<sanctum_review::payments::Recorded>, ApiError> {
        let state = self.clone();
        let recorded = tokio::task::spawn_blocking(move || {
            let tables = state.review_tables()?;
            let _turn = tables.writer.lock().unwrap_or_else(|e| e.into_inner());
            tables.run(|review| {
                let at = sanctum_review::timestamp_text(review.now());
                let tx = review.write()?;
                let mut recorded = Vec::with_capacity(held.len());
                for message in &held {
                    recorded.push(sanctum_review::payments::record(&tx, message, &at)?);
                }
                tx.commit()?;
                Ok(recorded)
            })
        })
        .await
        .map_err(ApiError::internal)??;
        self.forget_counts();
        Ok(recorded)
    }

    fn review_tables(&self) -> Result<&ReviewTables, ApiError> {
        self.review.as_ref().ok_or_else(|| {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "this server has no review tables (its store has no database file)",
            )
        })
    }

    /// Counts per state kept for these filters, if fresh.
    pub fn cached_counts(&self, key: &str) -> Option<Counts> {
        let tables = self.review.as_ref()?;
        let counts = tables.counts.lock().ok()?;
        counts
            .get(key)
            .filter(|(at, _)| at.elapsed() < COUNTS_TTL)
            .map(|(_, c)| c.clone())
    }

    pub fn keep_counts(&self, key: String, counts: Counts) {
        if let Some(tables) = self.review.as_ref()
            && let Ok(mut kept) = tables.counts.lock()
        {
            kept.retain(|_, (at, _)| at.elapsed() < COUNTS_TTL);
            if kept.len() < MAX_CACHED_COUNTS {
                kept.insert(key, (Instant::now(), counts));
            }
        }
    }

    /// Drops every kept count: an alert changed.
    pub fn forget_counts(&self) {
        if let Some(tables) = self.review.as_ref()
            && let Ok(mut kept) = tables.counts.lock()
        {
            kept.clear();
        }
    }

    /// The review figures for `/metrics`; empty when there are no review tables.
    pub async fn review_metrics(&self) -> String {
        let state = self.clone();
        let text = tokio::task::spawn_blocking(move || match state.review.as_ref() {
            Some(tables) => tables.metrics(),
            None => Ok(String::new()),
        })
        .await;
        match text {
            Ok(Ok(text)) => text,
            Ok(Err(e)) => {
                eprintln!("sanctum serve: review metrics: {}", e.detail);
                String::new()
            }
            Err(e) => {
                eprintln!("sanctum serve: review metrics: {e}");
                String::new()
            }
        }
    }
}

/// The review routes, for [`crate::api::router`].
pub fn router() -> OpenApiRouter<AppState> {
    use utoipa_axum::routes;
    OpenApiRouter::new()
        .routes(routes!(alerts::list_alerts))
        .routes(routes!(alerts::claim_next))
        .routes(routes!(alerts::get_alert))
        .routes(routes!(alerts::propose))
        .routes(routes!(alerts::approve))
        .routes(routes!(book::list_customers, book::upload_customers))
        .routes(routes!(book::get_customer))
        .routes(routes!(audit::head))
        .routes(routes!(audit::verify))
        .routes(routes!(audit::entries))
}
