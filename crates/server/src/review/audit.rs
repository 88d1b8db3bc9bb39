//! `/v1/audit`: the hash-chained trail, read by auditors and admins.

use super::{AUDIT_MAX_LIMIT, ReviewUser, require};
use crate::AppState;
use crate::api::Params;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{RawQuery, State};
use sanctum_review::Role;
use sanctum_review::audit::{Entry, Verification};
use serde::Serialize;
use utoipa::ToSchema;

/// The roles that read the trail.
const READERS: &[Role] = &[Role::Auditor, Role::Admin];

/// The newest entry: notarise its hash elsewhere, then pass it to `verify` later.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditHead {
    /// 0 for an empty trail.
    pub seq: i64,
    /// SHA-256 hex; 64 zeros for an empty trail.
    pub hash: String,
}

/// The head of the audit trail (auditors and admins).
#[utoipa::path(
    get, path = "/v1/audit/head", tag = "review",
    responses((status = 200, body = AuditHead)),
    security(("api_key" = []))
)]
pub async fn head(
    user: ReviewUser,
    State(state): State<AppState>,
) -> Result<Json<AuditHead>, ApiError> {
    let (seq, hash) = state
        .with_review(user, |review, actor| {
            require(actor, READERS, "read the audit trail")?;
            Ok(sanctum_review::audit::head(&review.conn()?)?)
        })
        .await?;
    Ok(Json(AuditHead { seq, hash }))
}

/// Walk the whole chain (auditors and admins). Answers 200 either way: `broken` names the
/// first entry changed, deleted or out of place, and is null when every entry holds.
#[utoipa::path(
    get, path = "/v1/audit/verify", tag = "review",
    params(("expected_head" = Option<String>, Query, description = "A head hash notarised earlier: it must be in the chain, else entries after it were cut off")),
    responses((status = 200, body = Verification)),
    security(("api_key" = []))
)]
pub async fn verify(
    user: ReviewUser,
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Verification>, ApiError> {
    let params = Params::parse(raw);
    let expected = params.last("expected_head").map(str::to_string);
    if let Some(hash) = &expected
        && !(hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return Err(ApiError::bad_request(
            "parameter expected_head: 64 hexadecimal digits (a SHA-256)",
        ));
    }
    let expected = expected.map(|h| h.to_ascii_lowercase());
    let verification = state
        .with_review(user, move |review, actor| {
            require(actor, READERS, "read the audit trail")?;
            Ok(review.verify_audit(expected.as_deref())?)
        })
        .await?;
    Ok(Json(verification))
}

/// One page of the trail.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    /// By sequence number; each entry's `payload` is the JSON text as hashed.
    pub entries: Vec<Entry>,
    /// Pass as `from` for the next page; null on the last page.
    pub next_from: Option<i64>,
}

/// Entries `from..=to` by sequence number, paged (auditors and admins).
#[utoipa::path(
    get, path = "/v1/audit/entries", tag = "review",
    params(
        ("from" = Option<i64>, Query, description = "First sequence number (default 1)"),
        ("to" = Option<i64>, Query, description = "Last sequence number (default: the head)"),
        ("limit" = Option<u32>, Query, description = "Entries per page (default 100)"),
    ),
    responses((status = 200, body = AuditPage)),
    security(("api_key" = []))
)]
pub async fn entries(
    user: ReviewUser,
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<AuditPage>, ApiError> {
    let params = Params::parse(raw);
    let bound = |key: &str| {
        params
            .last(key)
            .is_some()
            .then(|| params.count(key, 1, 1, i64::MAX as usize))
            .transpose()
            .map(|v| v.map(|v| v as i64))
    };
    let (from, to) = (bound("from")?, bound("to")?);
    let limit = params.count("limit", 100, 1, AUDIT_MAX_LIMIT)?;
    let page = state
        .with_review(user, move |review, actor| {
            require(actor, READERS, "read the audit trail")?;
            let entries = sanctum_review::audit::entries(&review.conn()?, from, to, limit)?;
            let next_from = (entries.len() == limit)
                .then(|| entries.last().map(|e| e.seq + 1))
                .flatten();
            Ok(AuditPage { entries, next_from })
        })
        .await?;
    Ok(Json(page))
}
