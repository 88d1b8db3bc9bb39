//! `POST /v1/screen/message`: one payment message (SWIFT MT or ISO 20022) screened field by
//! field against the served snapshot, answered within the request.
//!
//! The body is the raw message; its content type says which syntax (`text/plain` for MT,
//! `application/xml` or `text/xml` for MX). The message is read by `sanctum-payments`,
//! screened on the scoring pool (never on the async workers) with the snapshot's
//! [`PaymentFilter`] (built on the first message a snapshot sees) and the same scoring loop
//! as `/v1/screen`, so `threshold` and `source` mean what they mean there.
//!
//! With `record=true`, each held message also becomes a payment case in the review tables
//! (sanctum-review's `payments`: an alert of the book `payments`, decided release, block
//! or reject under four eyes through `/v1/alerts/{id}/proposals` and `/approvals`); the
//! answer gives each case's id. [`held_message`] joins the two crates, for the CLI too.

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
use sanctum_payments::{ListMatch, Lists, Message, PaymentFilter, Verdict};
use sanctum_review::payments::{HeldMessage, Recorded};
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
    /// With `record=true`: the case of each held message (empty otherwise).
    pub cases: Vec<RecordedCase>,
}

/// A held message recorded as a payment case.
#[derive(Serialize, ToSchema)]
pub struct RecordedCase {
    /// Its position in `verdicts`.
    pub message: usize,
    /// The case's alert id: `GET /v1/alerts/{id}`, decided through its proposals and
    /// approvals.
    pub case: i64,
    /// false: the same message was recorded before, and this is its case.
    pub created: bool,
}

/// A held message as the review tables record it: the message's own bytes (an RJE input
/// holds several; the hits' spans are moved to count from the message's start), the names
/// of its parties, the listed parties its hits name (best first) and the jurisdiction of
/// a country or place hit.
pub fn held_message(
    input: &[u8],
    message: &Message,
    verdict: &Verdict,
    parties: &[PreparedEntity],
    versions: &BTreeMap<String, u32>,
) -> Result<HeldMessage, serde_json::Error> {
    let start = message.span.start;
    let raw = input
        .get(message.span.clone())
        .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
        .unwrap_or_default();
    let mut own = verdict.clone();
    own.span = 0..own.span.len();
    let rebase = |span: &mut std::ops::Range<usize>| {
        *span = span.start.saturating_sub(start)..span.end.saturating_sub(start);
    };
    for hit in &mut own.hits {
        rebase(&mut hit.span);
    }
    for transaction in &mut own.transactions {
        rebase(&mut transaction.span);
        for hit in &mut transaction.hits {
            rebase(&mut hit.span);
        }
    }
    let mut ranked: Vec<&sanctum_payments::Hit> = own.hits.iter().collect();
    ranked.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut designations: Vec<sanctum_review::alerts::Designated> = Vec::new();
    for hit in &ranked {
        if let Some(party) = hit.party.and_then(|p| parties.get(p as usize)) {
            let designation = sanctum_review::payments::designation(&party.entity);
            if !designations.iter().any(|d| d.party == designation.party) {
                designations.push(designation);
            }
        }
    }
    let mut names: Vec<String> = Vec::new();
    for party in &message.parties {
        if let Some(name) = &party.name
            && !party.role.is_agent()
            && !names.contains(&name.value)
        {
            names.push(name.value.clone());
        }
    }
    Ok(HeldMessage {
        kind: own.kind.clone(),
        reference: own.reference.clone(),
        raw,
        names,
        designations,
        jurisdiction: ranked.iter().find_map(|hit| hit.jurisdiction.clone()),
        score: ranked.first().map_or(0.0, |hit| hit.score),
        verdict: serde_json::to_value(&own)?,
        list_versions: versions.clone(),
    })
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
        ("record" = Option<bool>, Query, description = "Record each held message as a payment case in the review tables (default false); `cases` gives their ids. A message recorded before gives its case again"),
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
        (status = 503, body = crate::error::Problem, content_type = "application/problem+json", description = "`record=true` on a server without review tables (a store with no database file), or the review store is busy"),
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
    let params = Params::parse(raw);
    let options = screen_options(&snapshot, &params)?;
    let record = params.flag("record", false)?;
    if record {
        state.check_review_tables()?;
    }
    let threshold = options.threshold;
    let versions = versions_of(&snapshot);
    let jurisdictions = state.config.jurisdictions.clone();
    let counting = state.clone();
    let recording_versions = versions.clone();
    let (verdicts, held) = state
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
            let mut held_messages = Vec::new();
            for message in &messages {
                let mut verdict = filter.screen(&lists, message, &mut scratch);
                // A listed BIC or IMO number of a source the request left out is no hit.
                verdict.retain_hits(|hit| {
                    hit.party
                        .is_none_or(|party| options.filters.admits_at(&snapshot, party as usize))
                });
                if record && verdict.decision == sanctum_payments::Decision::Hold {
                    let held = held_message(
                        &body,
                        message,
                        &verdict,
                        &snapshot.parties,
                        &recording_versions,
                    )
                    .map_err(ApiError::internal)?;
                    held_messages.push((verdicts.len(), held));
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
            Ok((verdicts, held_messages))
        })
        .await?;
    let cases = if held.is_empty() {
        Vec::new()
    } else {
        let (positions, messages): (Vec<usize>, Vec<HeldMessage>) = held.into_iter().unzip();
        let recorded: Vec<Recorded> = state.record_held_payments(messages).await?;
        positions
            .into_iter()
            .zip(recorded)
            .map(|(message, recorded)| RecordedCase {
                message,
                case: recorded.case,
                created: recorded.created,
            })
            .collect()
    };
    Ok(Json(MessageResponse {
        verdicts,
        threshold,
        versions,
        cases,
    }))
}
