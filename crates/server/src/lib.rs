//! sanctum's HTTP API (`sanctum serve`).
//!
//! - yente-compatible endpoints: `POST /match/{dataset}`, `GET /search/{dataset}`,
//!   `GET /entities/{id}`, `GET /catalog`;
//! - sanctum's own `/v1`: screen one record or a batch, list sources and versions, diff two
//!   versions, and the admin endpoints (update, keys);
//! - operations: `/healthz`, `/readyz` (fails when a source is older than allowed),
//!   `/metrics` (Prometheus), `/openapi.json` and a browsable `/docs` page.
//!
//! The served lists are an immutable [`Snapshot`] behind an `ArcSwap`: an update (on a
//! schedule or `POST /v1/admin/update`) ingests, builds the next snapshot aside, and swaps it
//! in atomically; requests in flight finish on the snapshot they started with.

pub mod api;
pub mod auth;
pub mod error;
pub mod metrics;
pub mod query;
pub mod snapshot;

use crate::auth::{KeyRecord, KeyStore, RateLimiter, Scope};
use crate::error::ApiError;
use crate::metrics::Metrics;
pub use crate::snapshot::Snapshot;
use arc_swap::ArcSwap;
use axum::extract::{ConnectInfo, FromRequestParts, MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use sanctum_store::Store;
use std::marker::PhantomData;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How the server runs; `sanctum serve` fills it from flags and `[server]` in sanctum.toml.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub data_dir: PathBuf,
    /// Scopes granted to requests without a key (never admin). Empty: every API call needs a key.
    pub anonymous_scopes: Vec<Scope>,
    /// Requests per second per key (or per client address when anonymous); 0 disables.
    pub rate_limit_per_second: u32,
    pub rate_limit_burst: u32,
    pub max_body_bytes: usize,
    /// Most records in one `/v1/screen/batch` or queries in one `/match`.
    pub max_batch: usize,
    pub request_timeout: Duration,
    /// Run the update this often; `None`: only on `POST /v1/admin/update`.
    pub update_interval: Option<Duration>,
    /// `/readyz` fails when a source is older than this.
    pub max_source_age: Option<Duration>,
}

impl ServerConfig {
    pub fn new(data_dir: PathBuf) -> Self {
        ServerConfig {
            data_dir,
            anonymous_scopes: Vec::new(),
            rate_limit_per_second: 100,
            rate_limit_burst: 200,
            max_body_bytes: 4 << 20,
            max_batch: 1000,
            request_timeout: Duration::from_secs(30),
            update_interval: None,
            max_source_age: None,
        }
    }
}

/// Fetches and ingests new publications (the CLI's `sanctum update`); returns a summary line.
pub type UpdateHook = Arc<dyn Fn() -> anyhow::Result<String> + Send + Sync>;

/// The result of an update run.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct UpdateOutcome {
    /// Whether new publications were fetched (false: the store was only re-read).
    pub fetched: bool,
    pub message: String,
    /// Whether a new index replaced the served one.
    pub swapped: bool,
    pub parties: usize,
    /// Seconds spent building the new index (0 when nothing changed).
    pub build_seconds: f64,
}

#[derive(Debug, Default, Clone)]
struct UpdateStatus {
    /// Seconds since the epoch of the last update that succeeded.
    last_ok: Option<i64>,
    last_error: Option<String>,
}

pub struct Shared {
    snapshot: ArcSwap<Snapshot>,
    store: Mutex<Store>,
    pub keys: KeyStore,
    limiter: RateLimiter,
    pub metrics: Metrics,
    pub config: ServerConfig,
    updater: Option<UpdateHook>,
    update_lock: tokio::sync::Mutex<()>,
    update_status: Mutex<UpdateStatus>,
    pub started: Instant,
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

impl AppState {
    /// Opens the store and keys in the data directory and loads the current lists.
    pub fn open(config: ServerConfig, updater: Option<UpdateHook>) -> anyhow::Result<AppState> {
        let store = Store::open(&config.data_dir)?;
        let snapshot = Snapshot::load(&store)?;
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
        AppState(Arc::new(Shared {
            snapshot: ArcSwap::from_pointee(snapshot),
            store: Mutex::new(store),
            keys,
            limiter: RateLimiter::new(config.rate_limit_per_second, config.rate_limit_burst),
            metrics: Metrics::default(),
            config,
            updater,
            update_lock: tokio::sync::Mutex::new(()),
            update_status: Mutex::new(UpdateStatus::default()),
            started: Instant::now(),
        }))
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

    /// Runs the update hook (when `fetch`), then re-reads the store and, if any source's
    /// version changed, builds a new snapshot aside and swaps it in. One run at a time.
    pub async fn update(&self, fetch: bool) -> Result<UpdateOutcome, ApiError> {
        let _guard = self.update_lock.lock().await;
        let mut message = String::from("store re-read");
        let mut fetched = false;
        if fetch && let Some(hook) = self.updater.clone() {
            let result = tokio::task::spawn_blocking(move || hook())
                .await
                .map_err(ApiError::internal)?;
            let mut status = self.update_status.lock().map_err(ApiError::internal)?;
            match result {
                Ok(summary) => {
                    self.metrics.updates_ok.fetch_add(1, Ordering::Relaxed);
                    status.last_ok = Some(jiff::Timestamp::now().as_second());
                    status.last_error = None;
                    message = summary;
                    fetched = true;
                }
                Err(err) => {
                    self.metrics.updates_failed.fetch_add(1, Ordering::Relaxed);
                    let text = format!("{err:#}");
                    eprintln!("sanctum serve: update failed: {text}");
                    status.last_error = Some(text);
                    // The lists already served stay served; still pick up what was stored.
                    message = "update failed; see the server log".to_string();
                }
            }
        }
        let current = self.snapshot();
        let data_dir = self.config.data_dir.clone();
        let current_sources = current.sources.clone();
        let next = tokio::task::spawn_blocking(move || -> anyhow::Result<Option<Snapshot>> {
            let store = Store::open(&data_dir)?;
            if snapshot::source_states(&store)? == current_sources {
                return Ok(None);
            }
            Ok(Some(Snapshot::load(&store)?))
        })
        .await
        .map_err(ApiError::internal)??;
        let outcome = match next {
            Some(next) => {
                let outcome = UpdateOutcome {
                    fetched,
                    message,
                    swapped: true,
                    parties: next.parties.len(),
                    build_seconds: next.built_in.as_secs_f64(),
                };
                self.snapshot.store(Arc::new(next));
                self.metrics.index_swaps.fetch_add(1, Ordering::Relaxed);
                eprintln!(
                    "sanctum serve: index swapped: {} parties, built in {:.1} s",
                    outcome.parties, outcome.build_seconds
                );
                outcome
            }
            None => UpdateOutcome {
                fetched,
                message,
                swapped: false,
                parties: current.parties.len(),
                build_seconds: 0.0,
            },
        };
        Ok(outcome)
    }

    /// Replaces the served snapshot (tests, and callers that build one themselves).
    pub fn swap_snapshot(&self, next: Snapshot) {
        self.snapshot.store(Arc::new(next));
        self.metrics.index_swaps.fetch_add(1, Ordering::Relaxed);
    }

    /// Each source's age in seconds: since its current version was fetched, or since the
    /// last successful update confirmed it, whichever is later.
    pub fn source_ages(&self) -> Vec<(String, i64)> {
        let now = jiff::Timestamp::now().as_second();
        let last_ok = self
            .update_status
            .lock()
            .ok()
            .and_then(|s| s.last_ok)
            .unwrap_or(i64::MIN);
        self.snapshot()
            .sources
            .values()
            .map(|s| {
                let fetched = s
                    .fetched_at
                    .parse::<jiff::Timestamp>()
                    .map(|t| t.as_second())
                    .unwrap_or(i64::MIN);
                let confirmed = fetched.max(last_ok);
                let age = if confirmed == i64::MIN {
                    i64::MAX
                } else {
                    (now - confirmed).max(0)
                };
                (s.source.clone(), age)
            })
            .collect()
    }

    pub fn last_update_error(&self) -> Option<String> {
        self.update_status
            .lock()
            .ok()
            .and_then(|s| s.last_error.clone())
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

/// Counts every request by route and status, and times it.
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let method = request.method().as_str().to_string();
    state.metrics.in_flight.fetch_add(1, Ordering::Relaxed);
    let response = next.run(request).await;
    state.metrics.in_flight.fetch_sub(1, Ordering::Relaxed);
    state.metrics.observe(
        &route,
        &method,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// Runs the update on the configured schedule, and re-reads the keys file every 2 s.
pub fn spawn_scheduler(state: AppState) {
    let keys_state = state.clone();
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(Duration::from_secs(2));
        loop {
            ticker.tick().await;
            // File I/O: off the async workers.
            let state = keys_state.clone();
            let _ = tokio::task::spawn_blocking(move || state.keys.reload_if_changed()).await;
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
                Err(e) => eprintln!("sanctum serve: scheduled update failed: {}", e.detail),
            }
        }
    });
}

/// Serves until `shutdown` resolves; in-flight requests finish first.
pub async fn serve(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    spawn_scheduler(state.clone());
    let app = api::router(state);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Loads the lists, binds `addr` and serves until Ctrl-C or SIGTERM: what `sanctum serve`
/// runs. Prints the address once listening (port 0 picks a free one).
pub fn run(
    config: ServerConfig,
    updater: Option<UpdateHook>,
    addr: SocketAddr,
) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
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
        serve(state, listener, shutdown_signal()).await?;
        eprintln!("sanctum serve: stopped");
        Ok(())
    })
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
