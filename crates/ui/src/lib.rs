//! The analyst's desk: HTML pages for alert review, served by `sanctum serve` beside the API.
//!
//! Brief overview: [`router`] gives the pages as an axum router over a [`Desk`]: the
//! server's state (its review tables, with their one writer queue and connection pool, and
//! the served snapshot of the lists) and the signed-in [`sessions`]. A request passes through
//! [`security_headers`] (a strict Content-Security-Policy: no script at all, no inline style,
//! no framing), then its handler: [`sessions`] finds the user from the session cookie (or
//! sends the browser to `/login`), a form's CSRF token is checked against the session's, the
//! work runs on tokio's blocking pool, and an askama template ([`pages`]) renders the answer,
//! escaping every value (list data is untrusted text). Every state change goes through
//! [`Review::decide`] or [`Review::claim_next`], the domain's one choke point, so the four-eyes
//! rules hold here as on the CLI and the API.
//!
//! Pages: sign-in and sign-out; the alert queue (filter by state, counts per state, paging);
//! an alert (the customer and the listed record side by side, the matched name parts, the
//! designations, what changed, the history) with the decision forms; search over every list
//! (any script, each result with its score and the names that met); a listed party's card;
//! the customer book; the audit trail with its verification (auditors, admins); the lists
//! served (admins); who designated whom and when ([`align`], from the cross-list links
//! kept in the store).

pub mod align;
pub mod pages;
pub mod sessions;

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Router, extract::Request};
use sanctum_review::alerts::AlertFilter;
use sanctum_review::workflow::Action;
use sanctum_review::{AlertState, Decision, Policy, Review, ReviewError};
use sanctum_server::AppState;
use sanctum_server::error::ApiError;
use sanctum_server::review::ReviewUser;
use serde::Deserialize;
use sessions::{Session, Sessions};
use std::sync::Arc;

/// The desk's state: the server's (review tables, snapshot) and the sessions.
pub struct Desk {
    state: AppState,
    pub sessions: Sessions,
    /// Every book with its open customers, and when it was counted: counting a book of
    /// 200k customers takes 80 ms, more than the page.
    books: std::sync::Mutex<Option<(std::time::Instant, BookCounts)>>,
    /// The cross-list alignment read from the store, kept per set of list versions.
    pub align: align::AlignState,
    /// The audit trail's last verification (see [`AUDIT_WALK_EVERY`]).
    audit: std::sync::Mutex<Option<AuditCheck>>,
    /// Whether a walk of the whole audit trail runs in the background.
    audit_walking: std::sync::atomic::AtomicBool,
}

/// How often the audit page has the whole hash chain walked again, in the background: a
/// walk hashes every entry (0.4 s at 100k entries), so each view walks only the entries
/// appended since the last walk, and changes to older entries are found by the next one.
const AUDIT_WALK_EVERY: std::time::Duration = std::time::Duration::from_secs(300);

/// A verification of the audit trail: a whole walk, carried on over newer entries since.
#[derive(Clone)]
struct AuditCheck {
    walked: std::time::Instant,
    /// When the whole chain was walked, RFC 3339 UTC.
    walked_at: String,
    verification: sanctum_review::audit::Verification,
}

/// Each book's name and open customers.
type BookCounts = Vec<(String, u64)>;

/// How long the list of books on the book page is kept before it is counted again.
const BOOKS_TTL: std::time::Duration = std::time::Duration::from_secs(5);

impl Desk {
    /// `secure_cookies`: mark the session cookie `Secure` (the server is reached over HTTPS).
    pub fn new(state: AppState, secure_cookies: bool) -> Desk {
        Desk {
            state,
            sessions: Sessions::new(secure_cookies),
            books: std::sync::Mutex::new(None),
            align: align::AlignState::default(),
            audit: std::sync::Mutex::new(None),
            audit_walking: std::sync::atomic::AtomicBool::new(false),
        }
    }
}

type Shared = Arc<Desk>;

/// What a page handler can fail with, shown as a page of its own.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error("{0}")]
    Review(#[from] ReviewError),
    /// Refused by the server's review layer (the user unknown or disabled, a busy store).
    #[error("{}", .0.detail)]
    Api(ApiError),
    #[error("the form's token is missing or stale: reload the page and try again")]
    Csrf,
    #[error("{0}")]
    Forbidden(String),
    #[error("internal error")]
    Internal,
}

impl PageError {
    fn status(&self) -> StatusCode {
        match self {
            PageError::Review(ReviewError::NotFound(_)) => StatusCode::NOT_FOUND,
            PageError::Review(ReviewError::Forbidden(_) | ReviewError::FourEyes(_))
            | PageError::Forbidden(_)
            | PageError::Csrf => StatusCode::FORBIDDEN,
            PageError::Review(ReviewError::WrongState { .. } | ReviewError::Conflict(_)) => {
                StatusCode::CONFLICT
            }
            PageError::Review(
                ReviewError::BadReason(_) | ReviewError::CommentRequired(_) | ReviewError::Usage(_),
            ) => StatusCode::UNPROCESSABLE_ENTITY,
            PageError::Api(error) => error.status,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.status();
        let page = pages::ErrorPage {
            status: status.as_u16(),
            message: match &self {
                // Internals stay in the log.
                PageError::Review(ReviewError::Store(_)) | PageError::Internal => {
                    "The server failed; the error is logged.".to_string()
                }
                other => other.to_string(),
            },
        };
        (status, render(&page)).into_response()
    }
}

/// A template rendered, or a plain error page when rendering fails.
fn render(page: &impl Template) -> Html<String> {
    Html(page.render().unwrap_or_else(|_| {
        "<!doctype html><title>error</title><p>The page failed to render.".into()
    }))
}

/// Runs review work as `user` on the server's review tables, off the async workers; a
/// change (`writes`) queues behind the server's other writers.
async fn with_review<T: Send + 'static>(
    desk: &Shared,
    user: &str,
    writes: bool,
    work: impl FnOnce(&mut Review, &Policy) -> Result<T, PageError> + Send + 'static,
) -> Result<T, PageError> {
    let policy = desk.state.config.review.clone();
    let user = ReviewUser {
        name: user.to_string(),
    };
    // The page error travels inside the server's error type and comes out again.
    let slot: Arc<std::sync::Mutex<Option<PageError>>> = Arc::default();
    let kept = slot.clone();
    let job = move |review: &mut Review, _: &sanctum_review::Actor| {
        work(review, &policy).map_err(|error| {
            let status = error.status();
            if let Ok(mut kept) = kept.lock() {
                *kept = Some(error);
            }
            ApiError::new(status, "page error")
        })
    };
    let result = if writes {
        desk.state.with_review_writing(user, job).await
    } else {
        desk.state.with_review(user, job).await
    };
    result.map_err(|api| {
        slot.lock()
            .ok()
            .and_then(|mut kept| kept.take())
            .unwrap_or(PageError::Api(api))
    })
}

/// The pages, with their security headers.
pub fn router(desk: Arc<Desk>) -> Router {
    // The alignment read (or linked, when the lists changed since it was kept) before the
    // first page asks for it.
    align::start_linking(&desk);
    Router::new()
        .route("/", get(|| async { Redirect::to("/alerts") }))
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/alerts", get(queue))
        .route("/alerts/claim", post(claim))
        .route("/alerts/{id}", get(alert))
        .route("/alerts/{id}/propose", post(propose))
        .route("/alerts/{id}/approve", post(approve))
        .route("/alerts/{id}/return", post(give_back))
        .route("/search", get(search))
        .route("/align", get(alignment))
        .route("/lists", get(lists))
        .route("/lists/update", post(update_lists))
        .route("/book", get(book))
        .route("/audit", get(audit))
        .route("/parties/{id}", get(party))
        .route("/static/sanctum.css", get(stylesheet))
        // Browsers ask for it on every site; no icon, and no 404 in their consoles.
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .with_state(desk)
        .layer(middleware::from_fn(security_headers))
}

/// Headers on every page: no script at all and styles from this server only; never framed;
/// no MIME sniffing; no referrer leaving the site.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn stylesheet() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../static/sanctum.css"),
    )
}

async fn login_form(State(desk): State<Shared>) -> Response {
    let (token, cookie) = desk.sessions.login_token();
    (
        [(header::SET_COOKIE, cookie)],
        render(&pages::LoginPage {
            csrf: token,
            error: None,
        }),
    )
        .into_response()
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    csrf: String,
}

async fn login(
    State(desk): State<Shared>,
    headers: axum::http::HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    if !desk.sessions.check_login_token(&headers, &form.csrf) {
        return Err(PageError::Csrf);
    }
    let name = form.username.trim().to_string();
    let password = form.password;
    let checked = name.clone();
    let checked_as = name.clone();
    let found = with_review(&desk, &checked_as, false, move |review, _| {
        let conn = &review.conn()?;
        if !sanctum_review::users::check_password(conn, &checked, &password)? {
            return Ok(None);
        }
        Ok(Some(review.actor(&checked)?))
    })
    .await;
    // An unknown or disabled user reads as a wrong password: the page tells nothing more.
    let actor = match found {
        Ok(actor) => actor,
        Err(PageError::Api(error)) if error.status == StatusCode::FORBIDDEN => None,
        Err(error) => return Err(error),
    };
    let Some(actor) = actor else {
        let (token, cookie) = desk.sessions.login_token();
        return Ok((
            StatusCode::UNAUTHORIZED,
            [(header::SET_COOKIE, cookie)],
            render(&pages::LoginPage {
                csrf: token,
                error: Some("Unknown user or wrong password.".into()),
            }),
        )
            .into_response());
    };
    let cookie = desk.sessions.open(actor);
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/alerts")).into_response())
}

/// Every form's token: missing counts as wrong (403), not as a malformed form.
#[derive(Deserialize)]
struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

async fn logout(
    State(desk): State<Shared>,
    session: Session,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf)?;
    let cookie = desk.sessions.close(&session);
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/login")).into_response())
}

/// The queue's filters, as its form sends them (an empty field filters nothing).
#[derive(Deserialize, Default)]
pub struct QueueQuery {
    pub state: Option<String>,
    pub source: Option<String>,
    pub program: Option<String>,
    pub min_score: Option<String>,
    pub assignee: Option<String>,
    pub book: Option<String>,
    /// Alerts that waited at least this many hours in their state.
    pub min_age_hours: Option<String>,
    pub after: Option<i64>,
}

fn field(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

fn bad_filter(what: &str, text: &str) -> PageError {
    PageError::Review(ReviewError::Usage(format!(
        "filter {what}: {text:?} is not a number"
    )))
}

/// Alerts shown per page of the queue.
const PAGE_SIZE: usize = 50;

async fn queue(
    State(desk): State<Shared>,
    session: Session,
    Query(query): Query<QueueQuery>,
) -> Result<Html<String>, PageError> {
    let state = match field(&query.state) {
        Some(text) => Some(text.parse::<AlertState>().map_err(|reason| {
            PageError::Review(ReviewError::Usage(format!("state {text:?}: {reason}")))
        })?),
        None => None,
    };
    let min_score = field(&query.min_score)
        .map(|text| {
            text.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| bad_filter("score", &text))
        })
        .transpose()?;
    let min_age_hours = field(&query.min_age_hours)
        .map(|text| text.parse::<u32>().map_err(|_| bad_filter("age", &text)))
        .transpose()?;
    let policy = desk.state.config.review.clone();
    let filter = AlertFilter {
        states: state.into_iter().collect(),
        sources: field(&query.source).into_iter().collect(),
        programs: field(&query.program).into_iter().collect(),
        min_score,
        assignee: field(&query.assignee),
        book: field(&query.book),
        after_id: query.after,
        limit: Some(PAGE_SIZE + 1),
        ..AlertFilter::default()
    };
    // The counts per state are the server's, kept a moment per filter as the API keeps them
    // (counting 100k alerts costs more than the page) and dropped when an alert changes.
    let key = sanctum_server::review::counts_key(&filter);
    let cached = if min_age_hours.is_none() {
        desk.state.cached_counts(&key)
    } else {
        None
    };
    let (alerts, counts, now) = with_review(&desk, &session.actor.name, false, move |review, _| {
        let mut filter = filter;
        if let Some(hours) = min_age_hours {
            let until = review.now() - jiff::SignedDuration::from_hours(i64::from(hours));
            filter.state_since_until = Some(sanctum_review::timestamp_text(until));
        }
        let alerts = review.alerts(&filter)?;
        let counts = match cached {
            Some(counts) => counts,
            None => sanctum_review::alerts::count_by_state(&review.conn()?, &filter)?,
        };
        Ok((alerts, counts, review.now()))
    })
    .await?;
    if min_age_hours.is_none() {
        desk.state.keep_counts(key, counts.clone());
    }
    let counts = pages::state_counts(&counts);
    let more = alerts.len() > PAGE_SIZE;
    let rows: Vec<pages::QueueRow> = alerts
        .iter()
        .take(PAGE_SIZE)
        .map(|alert| pages::QueueRow::new(alert, &policy, now))
        .collect();
    let next_after = more.then(|| rows.last().map(|row| row.id)).flatten();
    Ok(render(&pages::QueuePage::new(
        session.view(),
        &query,
        state,
        counts,
        rows,
        next_after,
    )))
}

async fn claim(
    State(desk): State<Shared>,
    session: Session,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf)?;
    let actor = session.actor.clone();
    let claimed = with_review(&desk, &actor.name.clone(), true, move |review, _| {
        Ok(review.claim_next(&actor)?)
    })
    .await?;
    desk.state.forget_counts();
    Ok(match claimed {
        Some(transition) => Redirect::to(&format!("/alerts/{}", transition.alert)).into_response(),
        None => Redirect::to("/alerts?state=open").into_response(),
    })
}

async fn alert(
    State(desk): State<Shared>,
    session: Session,
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    let (record, history, memories) =
        with_review(&desk, &session.actor.name, false, move |review, _| {
            let record = review.alert(id)?;
            let history = sanctum_review::audit::history(&review.conn()?, &record.subject())?;
            let parties: Vec<String> = record
                .designations
                .iter()
                .map(|d| d.party.clone())
                .collect();
            // The memory of this customer against this target, and any this alert made.
            let mut memories = sanctum_review::memory::for_alert(&review.conn()?, id)?;
            if let Some(latest) = sanctum_review::memory::latest_for(
                &review.conn()?,
                &record.book,
                &record.customer_id,
                &parties,
            )? && !memories.iter().any(|m| m.id == latest.id)
            {
                memories.push(latest);
            }
            let now = sanctum_review::timestamp_text(review.now());
            let memories = memories
                .iter()
                .map(|m| pages::MemoryRow::new(m, &now))
                .collect::<Vec<_>>();
            Ok((record, history, memories))
        })
        .await?;
    // The target on every list, from the alignment kept in the store (none while the
    // lists changed since it was linked: the alignment page links them again).
    let hit: Vec<String> = record
        .designations
        .iter()
        .filter(|d| d.hit)
        .map(|d| d.party.clone())
        .collect();
    let first = hit
        .first()
        .cloned()
        .or_else(|| record.designations.first().map(|d| d.party.clone()));
    let target = match first {
        Some(party) => desk
            .state
            .with_store(move |store| {
                sanctum_align::stored::target_of(store, &party).map_err(ApiError::internal)
            })
            .await
            .map_err(PageError::Api)?,
        None => None,
    };
    let others = target
        .map(|t| pages::OtherListRow::rows(&t, &hit))
        .unwrap_or_default();
    Ok(render(&pages::AlertPage::new(
        session.view(),
        &record,
        &history,
        &desk.state.config.review,
        memories,
        others,
    )))
}

#[derive(Deserialize)]
struct ProposeForm {
    #[serde(default)]
    csrf: String,
    decision: String,
    reason: Option<String>,
    comment: Option<String>,
}

fn non_empty(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty())
}

async fn propose(
    State(desk): State<Shared>,
    session: Session,
    Path(id): Path<i64>,
    Form(form): Form<ProposeForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf)?;
    let decision: Decision = form
        .decision
        .parse()
        .map_err(|reason: String| PageError::Review(ReviewError::Usage(reason)))?;
    let action = Action::Propose {
        decision,
        reason: non_empty(form.reason),
        comment: non_empty(form.comment),
    };
    decide(&desk, &session, id, action).await
}

#[derive(Deserialize)]
struct CommentForm {
    #[serde(default)]
    csrf: String,
    comment: Option<String>,
}

async fn approve(
    State(desk): State<Shared>,
    session: Session,
    Path(id): Path<i64>,
    Form(form): Form<CommentForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf)?;
    let action = Action::Approve {
        comment: non_empty(form.comment),
    };
    decide(&desk, &session, id, action).await
}

async fn give_back(
    State(desk): State<Shared>,
    session: Session,
    Path(id): Path<i64>,
    Form(form): Form<CommentForm>,
) -> Result<Response, PageError> {
    session.check_csrf(&form.csrf)?;
    let comment = non_empty(form.comment).ok_or_else(|| {
        PageError::Review(ReviewError::CommentRequired(
            "returning a proposal needs a comment for its maker".into(),
        ))
    })?;
    decide(&desk, &session, id, Action::Return { comment }).await
}

/// One decision through the domain's choke point, then back to the alert.
async fn decide(
    desk: &Shared,
    session: &Session,
    id: i64,
    action: Action,
) -> Result<Response, PageError> {
    let actor = session.actor.clone();
    with_review(desk, &actor.name.clone(), true, move |review, _| {
        Ok(review.decide(&actor, id, &action)?)
    })
    .await?;
    desk.state.forget_counts();
    Ok(Redirect::to(&format!("/alerts/{id}")).into_response())
}

/// Who designated the targets of a program, when, the lags and the gaps (see [`align`]).
async fn alignment(
    State(desk): State<Shared>,
    session: Session,
    Query(query): Query<align::AlignQuery>,
) -> Result<Html<String>, PageError> {
    match align::current(&desk).await? {
        align::Ready::Aligned(cache) => Ok(render(&align::page(session.view(), &cache, &query)?)),
        align::Ready::Linking => Ok(render(&align::WaitPage {
            user: session.view(),
        })),
    }
}

/// The search box and its filters, as the form and the facet links send them.
#[derive(Deserialize, Default)]
pub struct SearchQuery {
    q: Option<String>,
    source: Option<String>,
    program: Option<String>,
    kind: Option<String>,
    country: Option<String>,
}

/// Most results a search shows.
const SEARCH_RESULTS: usize = 25;

/// Most hits a search scores and counts in its facets: far more than a name has listed
/// look-alikes, so the counts are those of every hit.
const SEARCH_CANDIDATES: usize = 1000;

/// One box over every list: the name in any script, matched by the matcher (not a
/// substring), each result with its score and why; facets (source, program, kind,
/// country) count the hits, and a chosen value narrows them.
async fn search(
    State(desk): State<Shared>,
    session: Session,
    Query(query): Query<SearchQuery>,
) -> Result<Html<String>, PageError> {
    let text = query.q.clone().unwrap_or_default().trim().to_string();
    let chosen = pages::SearchFilters {
        source: field(&query.source),
        program: field(&query.program),
        kind: field(&query.kind),
        country: field(&query.country),
    };
    let mut page = pages::SearchPage {
        user: session.view(),
        q: text.clone(),
        error: None,
        results: Vec::new(),
        total: 0,
        facets: Vec::new(),
        filters: chosen.describe(),
        threshold: format!("{:.2}", sanctum_matcher::DEFAULT_THRESHOLD),
    };
    if text.is_empty() {
        return Ok(render(&page));
    }
    let limits = desk.state.config.limits.clone();
    let prepared = match sanctum_matcher::Query::name(text.as_str()).prepare_within(&limits) {
        Ok(prepared) => prepared.query,
        Err(error) => {
            page.error = Some(error.to_string());
            return Ok(render(&page));
        }
    };
    let snapshot = desk.state.snapshot();
    let deadline = tokio::time::Instant::now() + limits.request_timeout;
    let (rows, total, facets) = desk
        .state
        .scoring
        .run(deadline, move |cancel| {
            let hits = sanctum_server::query::score(
                &snapshot,
                &sanctum_matcher::Matcher::default(),
                &prepared,
                &sanctum_server::query::Filters::default(),
                sanctum_matcher::SEARCH_THRESHOLD,
                SEARCH_CANDIDATES,
                cancel,
            )?
            .1;
            let hits: Vec<(&sanctum_model::Entity, sanctum_matcher::Hit)> = hits
                .into_iter()
                .filter_map(|(position, hit)| {
                    Some((&snapshot.parties.get(position as usize)?.entity, hit))
                })
                .collect();
            let facets = pages::search_facets(&hits, &chosen, &text);
            let kept: Vec<_> = hits
                .iter()
                .filter(|(party, _)| chosen.admits(party))
                .collect();
            let total = kept.len();
            let rows = kept
                .into_iter()
                .take(SEARCH_RESULTS)
                .map(|(party, hit)| pages::SearchRow::new(party, hit))
                .collect::<Vec<_>>();
            Ok((rows, total, facets))
        })
        .await
        .map_err(PageError::Api)?;
    page.results = rows;
    page.total = total;
    page.facets = facets;
    Ok(render(&page))
}

/// A listed party's card: every field, its designations, the versions of its list it
/// appears in (an amendment marked where its record changed).
async fn party(
    State(desk): State<Shared>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let snapshot = desk.state.snapshot();
    let position = snapshot
        .position(&id)
        .ok_or_else(|| PageError::Review(ReviewError::NotFound(format!("listed party {id:?}"))))?;
    let entity = snapshot.parties[position].entity.clone();
    let (source, source_id) = (entity.source.clone(), entity.source_id.clone());
    let record_id = entity.id();
    // Every version it appears in, each amended record read back to say what changed,
    // and its target on the other lists (the alignment kept in the store).
    let (versions, target) = desk
        .state
        .with_store(move |store| {
            let appearances = store
                .appearances(&source, &source_id)
                .map_err(ApiError::internal)?;
            let mut rows: Vec<pages::AppearanceRow> = Vec::with_capacity(appearances.len());
            let read = |hash: &str| {
                store
                    .party_record(hash)
                    .map_err(ApiError::internal)?
                    .ok_or_else(|| ApiError::internal("a version's party record is missing"))
            };
            // The version before and its record.
            let mut previous: Option<(u32, &str, sanctum_model::Entity)> = None;
            for (version, hash) in &appearances {
                let published = version
                    .published
                    .map(|date| date.to_string())
                    .unwrap_or_else(|| version.fetched_at.clone());
                let (change, fields, record) = match previous.take() {
                    None => ("listed".to_string(), Vec::new(), read(hash)?),
                    Some((seq, before_hash, before)) => {
                        let again = seq + 1 < version.seq;
                        if before_hash == hash.as_str() {
                            let change = if again { "listed again" } else { "" };
                            (change.to_string(), Vec::new(), before)
                        } else {
                            let record = read(hash)?;
                            let fields = pages::field_changes(&before, &record);
                            let change = if again {
                                format!("listed again, amended since version {seq}")
                            } else {
                                format!("amended since version {seq}")
                            };
                            (change, fields, record)
                        }
                    }
                };
                previous = Some((version.seq, hash.as_str(), record));
                rows.push(pages::AppearanceRow {
                    version: version.seq,
                    published,
                    change,
                    fields,
                });
            }
            let target =
                sanctum_align::stored::target_of(store, &record_id).map_err(ApiError::internal)?;
            Ok((rows, target))
        })
        .await
        .map_err(PageError::Api)?;
    let me = vec![entity.id()];
    let across = target
        .map(|t| pages::OtherListRow::rows(&t, &me))
        .unwrap_or_default();
    Ok(render(&pages::PartyPage::new(
        session.view(),
        &entity,
        snapshot.seen.get(position),
        versions,
        across,
    )))
}

#[derive(Deserialize)]
struct BookQuery {
    book: Option<String>,
    after: Option<String>,
}

/// A book's open customers, by id, a page at a time.
async fn book(
    State(desk): State<Shared>,
    session: Session,
    Query(query): Query<BookQuery>,
) -> Result<Html<String>, PageError> {
    let book = field(&query.book).unwrap_or_else(|| sanctum_review::book::DEFAULT_BOOK.to_string());
    sanctum_review::book::check_book_name(&book)?;
    let after = field(&query.after);
    let shown = book.clone();
    let kept = desk
        .books
        .lock()
        .ok()
        .and_then(|kept| kept.clone())
        .filter(|(at, _)| at.elapsed() < BOOKS_TTL)
        .map(|(_, books)| books);
    let counted_before = kept.is_some();
    let (books, customers) = with_review(&desk, &session.actor.name, false, move |review, _| {
        let books = match kept {
            Some(books) => books,
            None => sanctum_review::book::books(&review.conn()?)?
                .into_iter()
                .map(|summary| (summary.book, summary.open))
                .collect(),
        };
        let customers = sanctum_review::book::open_customers(
            &review.conn()?,
            &shown,
            after.as_deref(),
            PAGE_SIZE + 1,
        )?;
        Ok((books, customers))
    })
    .await?;
    if !counted_before && let Ok(mut kept) = desk.books.lock() {
        *kept = Some((std::time::Instant::now(), books.clone()));
    }
    Ok(render(&pages::BookPage::new(
        session.view(),
        book,
        books,
        &customers,
        PAGE_SIZE,
    )))
}

#[derive(Deserialize)]
struct AuditQuery {
    from: Option<i64>,
}

/// The audit trail, a page at a time, with whether the chain verifies. Auditors and
/// admins only.
async fn audit(
    State(desk): State<Shared>,
    session: Session,
    Query(query): Query<AuditQuery>,
) -> Result<Html<String>, PageError> {
    if !matches!(
        session.actor.role,
        Some(sanctum_review::Role::Auditor | sanctum_review::Role::Admin)
    ) {
        return Err(PageError::Forbidden(format!(
            "{} may not read the audit trail: that needs auditor or admin",
            session.actor.name
        )));
    }
    let from = query.from.unwrap_or(1).max(1);
    let carried = desk.audit.lock().ok().and_then(|kept| kept.clone());
    let (check, entries) = with_review(&desk, &session.actor.name, false, move |review, _| {
        let check = match carried {
            Some(check) => AuditCheck {
                verification: review.verify_audit_after(&check.verification)?,
                ..check
            },
            None => AuditCheck {
                walked: std::time::Instant::now(),
                walked_at: sanctum_review::timestamp_text(review.now()),
                verification: review.verify_audit(None)?,
            },
        };
        let entries =
            sanctum_review::audit::entries(&review.conn()?, Some(from), None, PAGE_SIZE + 1)?;
        Ok((check, entries))
    })
    .await?;
    if let Ok(mut kept) = desk.audit.lock() {
        // A walk that ended meanwhile is newer than this view's carried verification.
        if kept
            .as_ref()
            .is_none_or(|newest| newest.walked <= check.walked)
        {
            *kept = Some(check.clone());
        }
    }
    if check.walked.elapsed() >= AUDIT_WALK_EVERY {
        walk_audit_in_background(&desk, &session.actor.name);
    }
    Ok(render(&pages::AuditPage::new(
        session.view(),
        &check.verification,
        &check.walked_at,
        &entries,
        PAGE_SIZE,
    )))
}

/// Walks the whole audit trail off the page's path and keeps the result; one walk at a time.
fn walk_audit_in_background(desk: &Shared, user: &str) {
    use std::sync::atomic::Ordering;
    if desk.audit_walking.swap(true, Ordering::SeqCst) {
        return;
    }
    let (desk, user) = (desk.clone(), user.to_string());
    tokio::spawn(async move {
        let walked = with_review(&desk, &user, false, |review, _| {
            Ok((
                review.verify_audit(None)?,
                sanctum_review::timestamp_text(review.now()),
            ))
        })
        .await;
        if let (Ok((verification, walked_at)), Ok(mut kept)) = (walked, desk.audit.lock()) {
            *kept = Some(AuditCheck {
                walked: std::time::Instant::now(),
                walked_at,
                verification,
            });
        }
        desk.audit_walking.store(false, Ordering::SeqCst);
    });
}
/// The lists served: sources, versions, age, the last version's changes, and the update
/// button. Admins only: an analyst is refused (403).
async fn lists(State(desk): State<Shared>, session: Session) -> Result<Html<String>, PageError> {
    require_admin(&session, "open the lists page")?;
    let snapshot = desk.state.snapshot();
    let ages: std::collections::HashMap<String, i64> =
        desk.state.source_ages().into_iter().collect();
    // What each current version changed against the one before.
    let changes: std::collections::HashMap<String, (u64, u64, u64)> = desk
        .state
        .with_store(|store| {
            Ok(store
                .sources()
                .map_err(ApiError::internal)?
                .into_iter()
                .map(|s| {
                    let v = s.current;
                    (s.source, (v.added, v.removed, v.amended))
                })
                .collect())
        })
        .await
        .map_err(PageError::Api)?;
    let rows = snapshot
        .sources
        .values()
        .map(|source| {
            let (added, removed, amended) =
                changes.get(&source.source).copied().unwrap_or_default();
            pages::ListRow {
                source: source.source.clone(),
                version: source.seq,
                versions: source.version_count,
                published: source.published.clone().unwrap_or_default(),
                fetched: source.fetched_at.clone(),
                parties: source.party_count,
                last_change: if source.seq == 1 {
                    "first version".to_string()
                } else {
                    format!("+{added} −{removed} ~{amended}")
                },
                age_hours: ages
                    .get(&source.source)
                    .filter(|age| **age < i64::MAX)
                    .map(|age| format!("{:.1}", *age as f64 / 3600.0))
                    .unwrap_or_else(|| "unknown".into()),
            }
        })
        .collect();
    let update = desk.state.update_state();
    let status = if update.running {
        format!(
            "An update is running since {}.",
            update.started_at.as_deref().unwrap_or("now")
        )
    } else {
        match &update.last {
            Some(last) => match (&last.outcome, &last.error) {
                (Some(outcome), _) => format!(
                    "The last update ended {}: {}{}.",
                    last.finished_at,
                    outcome.message,
                    if outcome.swapped {
                        format!("; {} parties now served", outcome.parties)
                    } else {
                        "; nothing new to serve".to_string()
                    }
                ),
                (None, Some(error)) => {
                    format!(
                        "The last update ended {} and failed: {error}",
                        last.finished_at
                    )
                }
                (None, None) => format!("The last update ended {}.", last.finished_at),
            },
            None => "No update has run since the server started.".to_string(),
        }
    };
    Ok(render(&pages::ListsPage {
        user: session.view(),
        rows,
        update_running: update.running,
        update_status: status,
    }))
}

/// Admins only: anyone else is refused (403) with what they tried.
fn require_admin(session: &Session, what: &str) -> Result<(), PageError> {
    if session.actor.role != Some(sanctum_review::Role::Admin) {
        return Err(PageError::Forbidden(format!(
            "{} may not {what}: that needs admin",
            session.actor.name
        )));
    }
    Ok(())
}

/// The lists page's update button: the update `POST /v1/admin/update` and the schedule run
/// (fetch every source, ingest, swap the new lists in), started on its own task; the page
/// shows how it goes. One at a time: while one runs, the button starts nothing.
async fn update_lists(
    State(desk): State<Shared>,
    session: Session,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, PageError> {
    require_admin(&session, "update the lists")?;
    session.check_csrf(&form.csrf)?;
    if desk.state.start_update(true).is_ok() {
        eprintln!(
            "sanctum serve: update started from the lists page by {}",
            session.actor.name
        );
    }
    Ok(Redirect::to("/lists").into_response())
}
