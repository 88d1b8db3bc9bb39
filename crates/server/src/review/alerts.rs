//! `/v1/alerts`: the queue, one alert's card, and the decisions on it.

use super::{
    ALERTS_DEFAULT_LIMIT, ALERTS_MAX_LIMIT, MAX_AGE_HOURS, MAX_COMMENT_CHARS, MAX_FILTER_CHARS,
    MAX_FILTER_VALUES, MAX_REASON_CHARS, ReviewUser,
};
use crate::AppState;
use crate::api::Params;
use crate::error::{ApiError, ApiJson};
use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sanctum_review::alerts::{AlertFilter, AlertRecord, AlertSummary};
use sanctum_review::audit::Entry;
use sanctum_review::book::Customer;
use sanctum_review::memory::Memory;
use sanctum_review::{Action, AlertState, Decision, Transition};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// One page of alerts, with the counts per state of every alert the filters select.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlertPage {
    pub alerts: Vec<AlertSummary>,
    /// Alerts per state among those the filters other than `state` select (all pages).
    /// Counted at most once every 2 s per filter; a change made through this server shows
    /// at once, one made elsewhere (the CLI, screening) within 2 s.
    pub counts: BTreeMap<AlertState, u64>,
    /// Pass as `after` for the next page; null on the last page.
    pub next_after: Option<i64>,
}

fn values(params: &Params, key: &str) -> Result<Vec<String>, ApiError> {
    // The bounds hold for the values as sent, as the OpenAPI document states them.
    let given = params.given(key);
    if given.len() > MAX_FILTER_VALUES {
        return Err(ApiError::bad_request(format!(
            "parameter {key}: at most {MAX_FILTER_VALUES} values"
        )));
    }
    if let Some(long) = given.iter().find(|v| v.chars().count() > MAX_FILTER_CHARS) {
        return Err(ApiError::bad_request(format!(
            "parameter {key}: {:?}… is longer than {MAX_FILTER_CHARS} characters",
            long.chars().take(20).collect::<String>()
        )));
    }
    Ok(params.all(key))
}

/// The filter a query string asks for, checked (every bad value a 400 naming it).
fn alert_filter(params: &Params) -> Result<AlertFilter, ApiError> {
    let states = values(params, "state")?
        .iter()
        .map(|s| {
            s.parse::<AlertState>()
                .map_err(|e| ApiError::bad_request(format!("parameter state: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let score = |key: &str| {
        params
            .last(key)
            .is_some()
            .then(|| params.number(key, 0.0, 0.0, 1.0))
            .transpose()
    };
    let min_age = params
        .last("min_age_hours")
        .is_some()
        .then(|| params.count("min_age_hours", 0, 0, MAX_AGE_HOURS))
        .transpose()?;
    let state_since_until = match min_age {
        Some(hours) => {
            let until = jiff::Timestamp::now()
                .checked_sub(jiff::SignedDuration::from_hours(hours as i64))
                .map_err(|e| ApiError::bad_request(format!("parameter min_age_hours: {e}")))?;
            Some(sanctum_review::timestamp_text(until))
        }
        None => None,
    };
    Ok(AlertFilter {
        states,
        book: params.text("book", MAX_FILTER_CHARS)?,
        customer_id: params.text("customer", MAX_FILTER_CHARS)?,
        sources: values(params, "source")?,
        programs: values(params, "program")?,
        min_score: score("min_score")?,
        max_score: score("max_score")?,
        assignee: params.text("assignee", MAX_FILTER_CHARS)?,
        state_since_until,
        after_id: params
            .last("after")
            .is_some()
            .then(|| params.count("after", 0, 0, i64::MAX as usize))
            .transpose()?
            .map(|a| a as i64),
        limit: Some(params.count("limit", ALERTS_DEFAULT_LIMIT, 1, ALERTS_MAX_LIMIT)?),
    })
}

/// The alerts, oldest first, filtered and paged by id, with counts per state (any user).
#[utoipa::path(
    get, path = "/v1/alerts", tag = "review",
    params(
        ("state" = Option<Vec<AlertState>>, Query, description = "Only these states (repeat, or separate with commas)"),
        ("book" = Option<String>, Query, description = "Only this customer book"),
        ("customer" = Option<String>, Query, description = "Only this customer id"),
        ("source" = Option<Vec<String>>, Query, description = "Only alerts with a listed party from one of these sources (`us_ofac_sdn`)"),
        ("program" = Option<Vec<String>>, Query, description = "Only alerts with a designation under one of these programs"),
        ("min_score" = Option<f64>, Query, description = "Only alerts scoring at least this"),
        ("max_score" = Option<f64>, Query, description = "Only alerts scoring at most this"),
        ("assignee" = Option<String>, Query, description = "Only alerts held by this user"),
        ("min_age_hours" = Option<u32>, Query, description = "Only alerts in their state for at least this many hours"),
        ("limit" = Option<u32>, Query, description = "Alerts per page (default 50)"),
        ("after" = Option<i64>, Query, description = "The `next_after` of the previous page"),
    ),
    responses(
        (status = 200, body = AlertPage),
    ),
    security(("api_key" = []))
)]
pub async fn list_alerts(
    user: ReviewUser,
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<AlertPage>, ApiError> {
    let filter = alert_filter(&Params::parse(raw))?;
    let counts_key = super::counts_key(&filter);
    let cached = state.cached_counts(&counts_key);
    let (page, counted) = state
        .with_review(user, move |review, _actor| {
            let limit = filter.limit.unwrap_or(ALERTS_DEFAULT_LIMIT);
            let alerts = sanctum_review::alerts::summaries(&review.conn()?, &filter)?;
            let (counts, counted) = match cached {
                Some(counts) => (counts, false),
                None => (
                    sanctum_review::alerts::count_by_state(&review.conn()?, &filter)?,
                    true,
                ),
            };
            let next_after = (alerts.len() == limit)
                .then(|| alerts.last().map(|a| a.id))
                .flatten();
            Ok((
                AlertPage {
                    alerts,
                    counts,
                    next_after,
                },
                counted,
            ))
        })
        .await?;
    if counted {
        state.keep_counts(counts_key, page.counts.clone());
    }
    Ok(Json(page))
}

/// A change made to an alert, and the alert as it now stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct Decided {
    pub transition: Transition,
    pub alert: AlertSummary,
}

/// Claim the next alert waiting, under a lease (`[review] lease_minutes`) (analysts and
/// reviewers). Returned alerts come first, then re-alerts, then new ones, oldest first.
/// 204 when nothing waits.
#[utoipa::path(
    post, path = "/v1/alerts/claim", tag = "review",
    responses(
        (status = 200, description = "The alert claimed", body = Decided),
        (status = 204, description = "No alert is waiting"),
    ),
    security(("api_key" = []))
)]
pub async fn claim_next(
    user: ReviewUser,
    State(state): State<AppState>,
) -> Result<Response, ApiError> {
    let claimed = state
        .with_review_writing(user, |review, actor| {
            let Some(transition) = review.claim_next(actor)? else {
                return Ok(None);
            };
            let alert = review.alert(transition.alert)?.into();
            Ok(Some(Decided { transition, alert }))
        })
        .await?;
    state.forget_counts();
    Ok(match claimed {
        Some(decided) => Json(decided).into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    })
}

/// An alert with everything needed to decide it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlertCard {
    /// Both sides as fingerprinted when raised (`customer_facets`, `party_facets`), every
    /// designation of the target, the matcher's explanation, and `changes`: what changed
    /// since the pair was cleared (re-alerts).
    pub alert: AlertRecord,
    /// The customer as the book holds it now.
    pub customer: Option<Customer>,
    /// The audit entries about the alert, oldest first.
    pub history: Vec<Entry>,
    /// The false-positive memory its approvals created, newest first.
    pub memory: Vec<Memory>,
    /// For a held payment (book `payments`): the message as received, which the hits'
    /// spans in `alert.explanation` point into.
    pub payment: Option<sanctum_review::payments::PaymentMessage>,
}

/// One alert: both sides, the explanation, what changed, its history and memory (any
/// user).
#[utoipa::path(
    get, path = "/v1/alerts/{id}", tag = "review",
    params(("id" = i64, Path, description = "The alert's id")),
    responses(
        (status = 200, body = AlertCard),
    ),
    security(("api_key" = []))
)]
pub async fn get_alert(
    user: ReviewUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<AlertCard>, ApiError> {
    let card = state
        .with_review(user, move |review, _actor| {
            let alert = review.alert(id)?;
            let conn = &review.conn()?;
            Ok(AlertCard {
                customer: sanctum_review::book::customer(conn, &alert.book, &alert.customer_id)?,
                history: sanctum_review::audit::history(conn, &alert.subject())?,
                memory: sanctum_review::memory::for_alert(conn, id)?,
                payment: sanctum_review::payments::message(conn, id)?,
                alert,
            })
        })
        .await?;
    Ok(Json(card))
}

/// A decision proposed on an alert one holds.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Proposal {
    pub decision: Decision,
    /// A reason code from `[review] reason_codes`; needed for a false positive.
    pub reason: Option<String>,
    /// Needed with reason `other`, for a true match, an escalation and every payment
    /// decision (release, block, reject).
    pub comment: Option<String>,
}

fn check_comment(comment: &Option<String>) -> Result<(), ApiError> {
    if comment
        .as_deref()
        .is_some_and(|c| c.chars().count() > MAX_COMMENT_CHARS)
    {
        return Err(ApiError::unprocessable(format!(
            "comment: longer than {MAX_COMMENT_CHARS} characters"
        )));
    }
    Ok(())
}

/// Applies one action through the workflow's choke point and answers the change made.
async fn decide(
    state: AppState,
    user: ReviewUser,
    id: i64,
    action: Action,
) -> Result<Json<Decided>, ApiError> {
    let decided = state
        .with_review_writing(user, move |review, actor| {
            let transition = review.decide(actor, id, &action)?;
            let alert = review.alert(id)?.into();
            Ok(Decided { transition, alert })
        })
        .await?;
    state.forget_counts();
    Ok(Json(decided))
}

/// Propose a decision on an alert one has claimed (analysts and reviewers). A false
/// positive below `[review] single_review_below` closes at once; any other proposal waits
/// for a reviewer other than its maker.
#[utoipa::path(
    post, path = "/v1/alerts/{id}/proposals", tag = "review",
    params(("id" = i64, Path, description = "The alert's id")),
    request_body = Proposal,
    responses(
        (status = 200, description = "Proposed (or closed by single review)", body = Decided),
        (status = 409, description = "The alert is not in review, or not claimed by this user (or the claim lapsed)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown reason code, a reason or comment missing, or a value over its limit", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
pub async fn propose(
    user: ReviewUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ApiJson(proposal): ApiJson<Proposal>,
) -> Result<Json<Decided>, ApiError> {
    check_comment(&proposal.comment)?;
    if proposal
        .reason
        .as_deref()
        .is_some_and(|r| r.chars().count() > MAX_REASON_CHARS)
    {
        return Err(ApiError::unprocessable(format!(
            "reason: longer than {MAX_REASON_CHARS} characters"
        )));
    }
    let action = Action::Propose {
        decision: proposal.decision,
        reason: proposal.reason,
        comment: proposal.comment,
    };
    decide(state, user, id, action).await
}

/// A reviewer's answer to a proposal.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// true: approve (close it, or take an escalation over); false: return it to the
    /// analysts, with a comment.
    pub approve: bool,
    /// Needed when returning.
    pub comment: Option<String>,
}

/// Approve or return another person's proposal (reviewers; never the proposal's maker:
/// four eyes).
#[utoipa::path(
    post, path = "/v1/alerts/{id}/approvals", tag = "review",
    params(("id" = i64, Path, description = "The alert's id")),
    request_body = Approval,
    responses(
        (status = 200, description = "Approved (closed, or an escalation taken over) or returned", body = Decided),
        (status = 409, description = "The alert has no proposal waiting, or this user made it (four eyes)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A return without a comment, or a comment over its limit", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
pub async fn approve(
    user: ReviewUser,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    ApiJson(approval): ApiJson<Approval>,
) -> Result<Json<Decided>, ApiError> {
    check_comment(&approval.comment)?;
    let action = if approval.approve {
        Action::Approve {
            comment: approval.comment,
        }
    } else {
        Action::Return {
            comment: approval.comment.unwrap_or_default(),
        }
    };
    decide(state, user, id, action).await
}
