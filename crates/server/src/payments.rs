//! `POST /v1/screen/message`: one payment message (SWIFT MT or ISO 20022) screened field by
//! field against the served snapshot, answered within the request.
//!
//! The body is the raw message; its content type says which syntax (`text/plain` for MT,
//! `application/xml` or `text/xml` for MX). The message is read by `sanctum-payments`,
//! screened on the scoring pool (never on the async workers) with the snapshot's
//! [`PaymentFilter`] (built on the first message a snapshot sees) and the same scoring loop
//! as `/v1/screen`, so `threshold` and `source` mean what they mean there.

use crate::api::{Params, ScreenOptions, request_deadline, screen_options, versions_of};
use crate::error::ApiError;
use crate::query;
use crate::scoring::Cancel;
use crate::snapshot::Snapshot;
use crate::{AppState, Authorized, ScreenScope};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use sanctum_index::Scratch;
use sanctum_matcher::{Matcher, PreparedEntity, PreparedQuery};
use sanctum_payments::{ListMatch, Lists, PaymentFilter, Verdict};
use serde::Serialize;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct MessageResponse {
    /// One per message in the body (an RJE body of MT messages holds several).
    pub verdicts: Vec<Verdict>,
    pub threshold: f64,
    pub versions: BTreeMap<String, u32>,
}

/// The syntax a content type announces.
#[derive(Clone, Copy)]
enum Syntax {
    Mt,
    Mx,
}

fn syntax(headers: &HeaderMap) -> Result<Syntax, ApiError> {
    let given = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let essence = given
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "text/plain" => Ok(Syntax::Mt),
        "application/xml" | "text/xml" => Ok(Syntax::Mx),
        _ => Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!(
                "Content-Type {given:?}: send an MT message as text/plain, an ISO 20022 message as application/xml"
            ),
        )),
    }
}

/// The snapshot as payment screening sees it: names scored by the loop `/v1/screen` uses,
/// within the request's filters, stopping when the request's time is up.
struct SnapshotLists<'a> {
    snapshot: &'a Snapshot,
    matcher: Matcher,
    options: &'a ScreenOptions,
    cancel: &'a Cancel,
    cancelled: Cell<bool>,
}

impl Lists for SnapshotLists<'_> {
    fn parties(&self) -> &[PreparedEntity] {
        &self.snapshot.parties
    }
    fn threshold(&self) -> f64 {
        self.options.threshold
    }
    fn matches(&self, query: &PreparedQuery, _scratch: &mut Scratch) -> Vec<ListMatch> {
        let scored = query::score(
            self.snapshot,
            &self.matcher,
            query,
            &self.options.filters,
            self.options.threshold,
            self.options.limit,
            self.cancel,
        );
        match scored {
            Ok((_, hits)) => hits
                .into_iter()
                .map(|(party, hit)| ListMatch {
                    party,
                    score: hit.score,
                    explanation: hit.explanation,
                })
                .collect(),
            Err(_) => {
                self.cancelled.set(true);
                Vec::new()
            }
        }
    }
}

/// Screen one payment message: every party, agent, BIC, account, country and free-text
/// field. `hold` when anything hit; R16 completeness findings do not hold on their own.
#[utoipa::path(
    post, path = "/v1/screen/message", tag = "screening",
    params(
        ("threshold" = Option<f64>, Query, description = "Score at which a name is a match (default 0.80)"),
        ("source" = Option<Vec<String>>, Query, description = "Only these sources"),
    ),
    request_body(
        content(
            (String = "text/plain"),
            (String = "application/xml"),
        ),
        description = "The raw message: SWIFT MT (one message, or an RJE file of several separated by `$`) as text/plain; ISO 20022 (pacs.008, pacs.009 COV, pain.001, with or without its head.001 header) as application/xml. At most `max_message_bytes`.",
    ),
    responses(
        (status = 200, body = MessageResponse),
        (status = 400, body = crate::error::Problem, content_type = "application/problem+json", description = "The message cannot be read (cut short, malformed, too deep): the problem names the byte offset and the reason"),
        (status = 413, body = crate::error::Problem, content_type = "application/problem+json", description = "The body is over `max_body_bytes` or `max_message_bytes`"),
        (status = 415, body = crate::error::Problem, content_type = "application/problem+json", description = "The body is not sent as text/plain (MT) or application/xml (ISO 20022)"),
    ),
    security(("api_key" = []))
)]
pub async fn screen_message(
    _auth: Authorized<ScreenScope>,
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<MessageResponse>, ApiError> {
    let deadline = request_deadline(&state);
    let syntax = syntax(&headers)?;
    let limits = state.config.limits.clone();
    if body.len() > limits.max_message_bytes {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the message has {} bytes, over max_message_bytes ({})",
                body.len(),
                limits.max_message_bytes
            ),
        ));
    }
    let snapshot = state.snapshot();
    let options = screen_options(&snapshot, &Params::parse(raw))?;
    let threshold = options.threshold;
    let versions = versions_of(&snapshot);
    let jurisdictions = state.config.jurisdictions.clone();
    let counting = state.clone();
    let verdicts = state
        .scoring
        .run(deadline, move |cancel| {
            let messages = match syntax {
                Syntax::Mt => sanctum_payments::mt::read(&body, &limits),
                Syntax::Mx => sanctum_payments::mx::read(&body, &limits).map(|one| vec![one]),
            }
            .map_err(|error| {
                ApiError::bad_request(format!("the message cannot be read: {error}"))
            })?;
            let lists = SnapshotLists {
                snapshot: &snapshot,
                matcher: Matcher::default(),
                options: &options,
                cancel,
                cancelled: Cell::new(false),
            };
            let filter = snapshot
                .payments
                .get_or_init(|| PaymentFilter::new(&lists, jurisdictions));
            let mut scratch = Scratch::default();
            let mut verdicts = Vec::with_capacity(messages.len());
            for message in &messages {
                let mut verdict = filter.screen(&lists, message, &mut scratch);
                // A listed BIC or IMO number of a source the request left out is no hit.
                verdict.hits.retain(|hit| {
                    hit.party
                        .is_none_or(|party| options.filters.admits_at(&snapshot, party as usize))
                });
                if verdict.hits.is_empty() {
                    verdict.decision = sanctum_payments::Decision::Clean;
                }
                verdicts.push(verdict);
                if lists.cancelled.get() || cancel.is_cancelled() {
                    return Err(crate::scoring::Cancelled.into());
                }
            }
            let held = verdicts
                .iter()
                .filter(|verdict| verdict.decision == sanctum_payments::Decision::Hold)
                .count();
            let metrics = &counting.metrics;
            metrics
                .screened_messages
                .fetch_add(verdicts.len() as u64, Ordering::Relaxed);
            metrics
                .held_messages
                .fetch_add(held as u64, Ordering::Relaxed);
            Ok(verdicts)
        })
        .await?;
    Ok(Json(MessageResponse {
        verdicts,
        threshold,
        versions,
    }))
}
