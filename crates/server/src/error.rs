//! Errors as RFC 9457 problem details: `application/problem+json` with `type`, `title`,
//! `status` and a `detail` a client can act on. Nothing internal (paths, stack traces,
//! SQL) reaches a client: server faults are logged and answered with a generic detail.

use axum::body::Body;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// A problem details document (RFC 9457).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// `about:blank`: the status code says what kind of problem this is.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: String,
    pub status: u16,
    pub detail: String,
}

/// An error answered to the client.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub detail: String,
    /// Seconds to wait before retrying (429, 503).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            detail: detail.into(),
            retry_after: None,
        }
    }
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, detail)
    }
    pub fn unprocessable(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, detail)
    }
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, detail)
    }
    /// A fault of the server: logged in full, answered without its details.
    pub fn internal(err: impl std::fmt::Display) -> Self {
        eprintln!("sanctum serve: internal error: {err}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the server failed to answer this request; the error is logged",
        )
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(err: anyhow::Error) -> Self {
        ApiError::internal(format!("{err:#}"))
    }
}

impl From<sanctum_store::StoreError> for ApiError {
    fn from(err: sanctum_store::StoreError) -> Self {
        ApiError::internal(err)
    }
}

pub fn problem_response(status: StatusCode, detail: String, retry_after: Option<u64>) -> Response {
    let problem = Problem {
        kind: "about:blank",
        title: status.canonical_reason().unwrap_or("Error").to_string(),
        status: status.as_u16(),
        detail,
    };
    let body = serde_json::to_vec(&problem).unwrap_or_default();
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    if let Some(secs) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}

/// A problem document with extension members (RFC 9457 §3.2) besides the standard ones.
pub fn problem_with_members(
    status: StatusCode,
    detail: String,
    members: serde_json::Map<String, serde_json::Value>,
) -> Response {
    let mut document = serde_json::json!({
        "type": "about:blank",
        "title": status.canonical_reason().unwrap_or("Error"),
        "status": status.as_u16(),
        "detail": detail,
    });
    if let Some(object) = document.as_object_mut() {
        for (key, value) in members {
            object.entry(key).or_insert(value);
        }
    }
    let mut response = (status, axum::Json(document)).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    response
}

/// The body of a problem document, for answers written below the application (the
/// connection's own parse errors).
pub fn problem_body(status: StatusCode, detail: &str) -> Vec<u8> {
    let problem = Problem {
        kind: "about:blank",
        title: status.canonical_reason().unwrap_or("Error").to_string(),
        status: status.as_u16(),
        detail: detail.to_string(),
    };
    serde_json::to_vec(&problem).unwrap_or_default()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        problem_response(self.status, self.detail, self.retry_after)
    }
}

/// A JSON body whose every rejection (wrong content type, malformed JSON, wrong shape,
/// too large) is a problem document naming the reason.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    let status = rejection.status();
    let detail = match &rejection {
        JsonRejection::MissingJsonContentType(_) => {
            "the request body must be JSON, sent with Content-Type: application/json".to_string()
        }
        JsonRejection::JsonSyntaxError(e) => format!("malformed JSON: {}", source_text(e)),
        JsonRejection::JsonDataError(e) => {
            format!(
                "the JSON does not have the expected shape: {}",
                source_text(e)
            )
        }
        JsonRejection::BytesRejection(_) if status == StatusCode::PAYLOAD_TOO_LARGE => {
            "the request body is larger than the server accepts".to_string()
        }
        other => other.body_text(),
    };
    ApiError::new(status, detail)
}

/// The innermost cause of an extractor error: serde's message with its line and column,
/// without axum's generic prefix.
fn source_text(err: &dyn std::error::Error) -> String {
    let mut current: &dyn std::error::Error = err;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

/// Turns every error response not already a problem document (unknown route, method not
/// allowed, body limit, timeout, caught panic) into one.
pub async fn problem_for_bare_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if is_problem {
        return response;
    }
    let detail = match status {
        StatusCode::NOT_FOUND => "no such endpoint: see /openapi.json or /docs".to_string(),
        StatusCode::METHOD_NOT_ALLOWED => "this endpoint does not accept that method".to_string(),
        StatusCode::PAYLOAD_TOO_LARGE => {
            "the request body is larger than the server accepts".to_string()
        }
        StatusCode::REQUEST_TIMEOUT | StatusCode::SERVICE_UNAVAILABLE => {
            "the request took too long (request_timeout in [limits]); try again".to_string()
        }
        s if s.is_server_error() => "the server failed to answer this request".to_string(),
        s => s.canonical_reason().unwrap_or("error").to_string(),
    };
    let mut out = problem_response(status, detail, None);
    if let Some(allow) = response.headers().get(header::ALLOW) {
        out.headers_mut().insert(header::ALLOW, allow.clone());
    }
    out
}

/// The answer to a panic inside a handler: a 500 without the panic's message.
pub fn panic_response(_panic: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    eprintln!("sanctum serve: a request handler panicked");
    problem_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        "the server failed to answer this request; the error is logged".to_string(),
        None,
    )
}
