//! sanctum's HTTP API (`sanctum serve`).
//!
//! - yente-compatible endpoints: `POST /match/{dataset}`, `GET /search/{dataset}`,
//!   `GET /entities/{id}`, `GET /catalog`, `GET /algorithms` (responses validated with
//!   yente's own models by scripts/contract-yente.sh);
//! - sanctum's own `/v1`: screen one record or a batch, screen a payment message
//!   ([`payments`]), list sources and versions, diff two versions, and the admin endpoints
//!   (update, keys);
//! - the review API under `/v1/alerts`, `/v1/book` and `/v1/audit` ([`review`]): each
//!   request acts as the user its key names, through sanctum-review's one workflow;
//! - operations: `/healthz`, `/readyz` (fails when a source is older than allowed),
//!   `/metrics` (Prometheus), `/openapi.json` and a browsable `/docs` page.
//!
//! The served lists are an immutable [`Snapshot`] behind an `ArcSwap`: an update (on a
//! schedule or `POST /v1/admin/update`) ingests, builds the next snapshot aside, and swaps it
//! in atomically; requests in flight finish on the snapshot they started with. Replicas on
//! one PostgreSQL store ([`replicas`]) hear of each other's new versions and swap too; one
//! of them at a time fetches.
//!
//! Every bound comes from [`ServerConfig::limits`] (`[limits]` in sanctum.toml): [`listener`]
//! accepts at most `max_connections` and gives each `header_read_timeout`; [`api`] checks
//! body, batch and query sizes; [`scoring`] runs every scoring job beside the async workers
//! and stops it at `request_timeout`; [`updates`] runs one update at a time, bounded by
//! `update_timeout`. [`openapi`] completes the OpenAPI document with every status and limit.

pub mod api;
pub mod auth;
pub mod error;
pub mod listener;
pub mod metrics;
pub mod openapi;
pub mod payments;
pub mod query;
pub mod replicas;
pub mod review;
pub mod scoring;
pub mod snapshot;
pub mod updates;

use crate::auth::{KeyRecord, KeyStore, RateLimiter, Scope};
use crate::error::ApiError;
use crate::metrics::Metrics;
use crate::scoring::ScoringPool;
pub use crate::snapshot::Snapshot;
pub use crate::updates::{UpdateHook, UpdateOutcome};
use arc_swap::ArcSwap;
use axum::extract::{ConnectInfo, FromRequestParts, MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use sanctum_limits::Limits;
use sanctum_store::{Store, StoreLocation};
use std::collections::HashMap;
use std::marker::PhantomData;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How the server runs; `sanctum serve` fills it from `[limits]` in sanctum.toml and its
/// flags.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The keys, and the review tables when the lists are not in SQLite.
    pub data_dir: PathBuf,
    /// Where the lists are: the SQLite file in `data_dir` (the default) or PostgreSQL.
    pub store: StoreLocation,
    /// Scopes granted to requests without a key (never admin). Empty: every API call needs a key.
    pub anonymous_scopes: Vec<Scope>,
    /// Requests per second per key (or per client address when anonymous); 0 disables.
    pub rate_limit_per_second: u32,
    pub rate_limit_burst: u32,
    /// The limits the server enforces: `max_body_bytes`, `max_batch`, `request_timeout`,
    /// `header_read_timeout`, `max_connections`, `max_facets`, the query sizes
    /// (`max_name_chars`, `max_name_tokens`, `max_names_per_query`, `max_query_values`) and
    /// `update_timeout`.
    pub limits: Limits,
    /// Run the update this often; `None`: only on `POST /v1/admin/update`.
    pub update_interval: Option<Duration>,
    /// `/readyz` fails when a source is older than this.
    pub max_source_age: Option<Duration>,
    /// On a PostgreSQL store: how this replica hears of versions stored by others.
    pub versions: replicas::VersionWatch,
    /// Alert review's policy (`[review]` in sanctum.toml): reason codes, leases, SLA hours.
    pub review: sanctum_review::Policy,
    /// The sanctioned jurisdictions `/v1/screen/message` holds payments for
    /// (`[[payments.jurisdictions]]` in sanctum.toml).
    pub jurisdictions: sanctum_payments::Jurisdictions,
}

impl ServerConfig {
    pub fn new(data_dir: PathBuf) -> Self {
        ServerConfig {
            store: StoreLocation::Directory(data_dir.clone()),
            data_dir,
            anonymous_scopes: Vec::new(),
            rate_limit_per_second: 100,
            rate_limit_burst: 200,
            limits: Limits::default(),
            update_interval: None,
            max_source_age: None,
            versions: replicas::VersionWatch::default(),
            review: sanctum_review::Policy::default(),
            jurisdictions: sanctum_payments::Jurisdictions::default(),
        }
    }
}

/// A fetch that confirmed a source's current version: the file's sha256 and when (seconds
/// since the epoch).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Confirmed {
    sha256: String,
    at: i64,
}

pub struct Shared {
    snapshot: ArcSwap<Snapshot>,
    store: Mutex<Store>,
    pub keys: KeyStore,
    limiter: RateLimiter,
    pub metrics: Metrics,
    pub config: ServerConfig,
    updater: Option<UpdateHook>,
    updates: updates::Updates,
    /// Source → the last fetch that confirmed its current version (from the store).
    confirmed: Mutex<HashMap<String, Confirmed>>,
    pub scoring: ScoringPool,
    pub started: Instant,
    /// The review tables in the store's database file; `None` for a store without a file.
    review: Option<review::ReviewTables>,
}

/// The state every handler shares.
#[derive(Clone)]
pub struct AppState(pub Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// Seconds since the epoch of an RFC 3339 time; `None` when it does not parse.
fn epoch_seconds(text: &str) -> Option<i64> {
    text.parse::<jiff::Timestamp>().ok().map(|t| t.as_second())
}

impl AppState {
    /// Opens the store and keys in the data directory and loads the current lists.
    pub fn open(config: ServerConfig, updater: Option<UpdateHook>) -> anyhow::Result<AppState> {
        // The keys (and, beside a PostgreSQL store, the review tables) are in the data
        // directory, whichever database holds the lists.
        sanctum_store::create_data_dir(&config.data_dir)?;
        let store = Store::connect(&config.store)?;
        let snapshot = Snapshot::load(&store, &config.limits)?;
        let keys = KeyStore::open(&config.data_dir)?;
        Ok(Self::with_parts(config, store, keys, snapshot, updater))
    }

    pub fn with_parts(
        config: ServerConfig,
        store: Store,
        keys: KeyStore,
        snapshot: Snapshot,
        updater: Option<UpdateHook>,
    ) -> AppState {
        // The review tables live beside the lists, in the store's SQLite file or its
        // PostgreSQL database; an in-memory store (tests) has none.
        let review_location = match (&config.store, store.path()) {
            (StoreLocation::Postgres(_), _) => Some(config.store.clone()),
            (StoreLocation::Directory(_), Some(db)) => db
                .parent()
                .map(|dir| StoreLocation::Directory(dir.to_path_buf())),
            (StoreLocation::Directory(_), None) => None,
        };
        let review = review_location.and_then(|location| {
            review::ReviewTables::open(location, config.review.clone())
                .map_err(|e| eprintln!("sanctum serve: review API unavailable: {e}"))
                .ok()
        });
        let state = AppState(Arc::new(Shared {
            snapshot: ArcSwap::from_pointee(snapshot),
            store: Mutex::new(store),
            keys,
            limiter: RateLimiter::new(config.rate_limit_per_second, config.rate_limit_burst),
            metrics: Metrics::default(),
            config,
            updater,
            updates: updates::Updates::default(),
            confirmed: Mutex::new(HashMap::new()),
            scoring: ScoringPool::default(),
            started: Instant::now(),
            review,
        }));
        state.refresh_confirmations();
        state
    }

    /// The snapshot to answer one request from: held until the request ends.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot.load_full()
    }

    /// Runs a blocking closure on the store.
    pub async fn with_store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let store = state
                .store
                .lock()
                .map_err(|_| ApiError::internal("store lock poisoned"))?;
            f(&store)
        })
        .await
        .map_err(ApiError::internal)?
    }

    /// Re-reads from the store when each source's current version was last confirmed by a
    /// fetch (`sanctum update`, run by this server or by anyone else). Blocking: call it
    /// off the async workers. A store that cannot be read leaves what was known.
    pub fn refresh_confirmations(&self) {
        let read = self
            .store
            .lock()
            .ok()
            .map(|store| store.confirmed_fetches());
        match read {
            Some(Ok(rows)) => {
                let rows = rows
                    .into_iter()
                    .filter_map(|(source, (sha256, at))| {
                        Some((
                            source,
                            Confirmed {
                                sha256,
                                at: epoch_seconds(&at)?,
                            },
                        ))
                    })
                    .collect();
                if let Ok(mut confirmed) = self.confirmed.lock() {
                    *confirmed = rows;
                }
            }
            Some(Err(e)) => eprintln!("sanctum serve: reading fetch confirmations: {e}"),
            None => {}
        }
    }

    /// Replaces the served snapshot (tests, and callers that build one themselves).
    pub fn swap_snapshot(&self, next: Snapshot) {
        self.snapshot.store(Arc::new(next));
        self.metrics.index_swaps.fetch_add(1, Ordering::Relaxed);
    }

    /// Each served source's age in seconds: since its version was fetched, or since a later
    /// fetch found the same file (a confirmed fetch), whichever is later. A failed or
    /// rejected update confirms nothing, so the age keeps growing through an outage.
    pub fn source_ages(&self) -> Vec<(String, i64)> {
        let now = jiff::Timestamp::now().as_second();
        let confirmed = self.confirmed.lock().map(|c| c.clone()).unwrap_or_default();
        self.snapshot()
            .sources
            .values()
            .map(|s| {
                let fetched = epoch_seconds(&s.fetched_at).unwrap_or(i64::MIN);
                let checked = confirmed
                    .get(&s.source)
                    .filter(|c| c.sha256 == s.sha256)
                    .map_or(i64::MIN, |c| c.at);
                let last = fetched.max(checked);
                let age = if last == i64::MIN {
                    i64::MAX
                } else {
                    (now - last).max(0)
                };
                (s.source.clone(), age)
            })
            .collect()
    }

    pub fn last_update_error(&self) -> Option<String> {
        self.updates.last_error()
    }
}

/// A required scope, as a type for [`Authorized`].
pub trait RequiredScope {
    const SCOPE: Scope;
}
pub struct ScreenScope;
pub struct ReadScope;
pub struct AdminScope;
impl RequiredScope for ScreenScope {
    const SCOPE: Scope = Scope::Screen;
}
impl RequiredScope for ReadScope {
    const SCOPE: Scope = Scope::Read;
}
impl RequiredScope for AdminScope {
    const SCOPE: Scope = Scope::Admin;
}

/// A caller allowed the scope `S`, within its rate limit. `key` is `None` for an anonymous
/// caller on a server that grants anonymous scopes.
pub struct Authorized<S: RequiredScope> {
    pub key: Option<KeyRecord>,
    _scope: PhantomData<S>,
}

/// The key a request carries: `Authorization: Bearer <key>`, `Authorization: ApiKey <key>`
/// (yente's form) or `X-API-Key: <key>`.
fn presented_key(parts: &Parts) -> Option<&str> {
    if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
        let text = value.to_str().ok()?.trim();
        let (scheme, key) = text.split_once(' ')?;
        return (scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("apikey"))
            .then(|| key.trim());
    }
    parts.headers.get("x-api-key")?.to_str().ok().map(str::trim)
}

impl<S: RequiredScope> FromRequestParts<AppState> for Authorized<S> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let scope = S::SCOPE;
        let has_header = parts.headers.contains_key(header::AUTHORIZATION)
            || parts.headers.contains_key("x-api-key");
        let (key, caller) = match presented_key(parts) {
            Some(key) => {
                let record = state.keys.lookup(key).ok_or_else(|| {
                    ApiError::new(StatusCode::UNAUTHORIZED, "unknown or revoked API key")
                })?;
                if !record.allows(scope) {
                    return Err(ApiError::new(
                        StatusCode::FORBIDDEN,
                        format!("this API key lacks the {:?} scope", scope.as_str()),
                    ));
                }
                let caller = format!("key:{}", record.id);
                (Some(record), caller)
            }
            None if has_header => {
                return Err(ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "malformed credentials: send Authorization: Bearer <key>",
                ));
            }
            None if scope != Scope::Admin && state.config.anonymous_scopes.contains(&scope) => {
                let addr = parts
                    .extensions
                    .get::<ConnectInfo<SocketAddr>>()
                    .map(|c| c.0.ip().to_string())
                    .unwrap_or_default();
                (None, format!("ip:{addr}"))
            }
            None => {
                return Err(ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    format!(
                        "this endpoint needs an API key with the {:?} scope: send Authorization: Bearer <key>",
                        scope.as_str()
                    ),
                ));
            }
        };
        state.limiter.check(&caller, 1.0)?;
        Ok(Authorized {
            key,
            _scope: PhantomData,
        })
    }
}

/// The method as a metrics label: one of a fixed set, so that clients inventing methods
/// cannot add series (each new token once added one).
fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

/// Counts every request by route template, method and status, and times it.
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let method = method_label(request.method());
    state.metrics.in_flight.fetch_add(1, Ordering::Relaxed);
    let response = next.run(request).await;
    state.metrics.in_flight.fetch_sub(1, Ordering::Relaxed);
    state.metrics.observe(
        &route,
        method,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// Runs the update on the configured schedule, and every 2 s re-reads the keys file and
/// the store's fetch confirmations (both changed by `sanctum keys` and `sanctum update`).
pub fn spawn_scheduler(state: AppState) {
    let files_state = state.clone();
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(Duration::from_secs(2));
        loop {
            ticker.tick().await;
            // File I/O: off the async workers.
            let state = files_state.clone();
            let _ = tokio::task::spawn_blocking(move || {
                state.keys.reload_if_changed();
                state.refresh_confirmations();
            })
            .await;
        }
    });
    let Some(every) = state.config.update_interval else {
        return;
    };
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(every);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticker.tick().await; // the first tick is immediate: the lists were just loaded
        loop {
            ticker.tick().await;
            match state.update(true).await {
                Ok(o) => eprintln!("sanctum serve: scheduled update: {}", o.message),
                Err(e) => eprintln!("sanctum serve: scheduled update: {}", e.detail),
            }
        }
    });
}

/// Serves until `shutdown` resolves; in-flight requests finish first, for at most
/// `request_timeout`.
pub async fn serve(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with_pages(state, listener, shutdown, None).await
}

/// Web pages served beside the API (`sanctum-ui`), made from the server's state.
pub type Pages = Box<dyn FnOnce(AppState) -> axum::Router + Send>;

/// [`serve`], with `pages` answering the paths the API does not.
pub async fn serve_with_pages(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    pages: Option<Pages>,
) -> std::io::Result<()> {
    spawn_scheduler(state.clone());
    replicas::spawn_version_watch(state.clone());
    let limits = state.config.limits.clone();
    let mut app = api::router(state.clone());
    if let Some(pages) = pages {
        app = app.merge(pages(state));
    }
    listener::serve(app, listener, &limits, shutdown).await
}

/// Loads the lists, binds `addr` and serves until Ctrl-C or SIGTERM: what `sanctum serve`
/// runs. Prints the address once listening (port 0 picks a free one).
pub fn run(
    config: ServerConfig,
    updater: Option<UpdateHook>,
    addr: SocketAddr,
) -> anyhow::Result<()> {
    run_with_pages(config, updater, addr, None)
}

/// [`run`], serving `pages` beside the API (see [`serve_with_pages`]).
pub fn run_with_pages(
    config: ServerConfig,
    updater: Option<UpdateHook>,
    addr: SocketAddr,
    pages: Option<Pages>,
) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let grace = config.limits.request_timeout;
    let result = runtime.block_on(async move {
        let started = Instant::now();
        let state = tokio::task::spawn_blocking(move || AppState::open(config, updater)).await??;
        let snapshot = state.snapshot();
        eprintln!(
            "sanctum serve: {} parties from {} sources loaded in {:.1?}",
            snapshot.parties.len(),
            snapshot.sources.len(),
            started.elapsed()
        );
        if state.keys.is_empty() && state.config.anonymous_scopes.is_empty() {
            eprintln!(
                "sanctum serve: no API keys yet: create one with `sanctum keys create --scope admin`"
            );
        }
        let listener = tokio::net::TcpListener::bind(addr).await?;
        println!("listening on http://{}", listener.local_addr()?);
        serve_with_pages(state, listener, shutdown_signal(), pages).await?;
        anyhow::Ok(())
    });
    // Work still running (an update waiting on its process, a scoring job past its
    // request) gets the same grace, then the process ends without it.
    runtime.shutdown_timeout(grace);
    eprintln!("sanctum serve: stopped");
    result
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
