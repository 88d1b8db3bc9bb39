//! `/v1/book`: the customer book. Reading it, and uploading new and changed customers in
//! batches of up to `max_batch` (a core system's daily feed), screened at once. Whole files
//! (CSV, JSON lines, XLSX of any size, `--replace`) stay with `sanctum book import FILE`,
//! which a request body within `max_body_bytes` could not carry.

use super::{CUSTOMERS_MAX_LIMIT, MAX_FILTER_CHARS, ReviewUser};
use crate::AppState;
use crate::api::Params;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, RawQuery, State};
use sanctum_review::book::{Customer, CustomerFields, DEFAULT_BOOK};
use serde::{Deserialize, Serialize};
use std::io::Write;
use utoipa::ToSchema;

/// One page of a book's open customers, by id.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerPage {
    pub book: String,
    pub customers: Vec<Customer>,
    /// Pass as `after` for the next page; null on the last page.
    pub next_after: Option<String>,
}

/// The book a query names (default `main`), checked as `book import` checks it.
fn book_param(params: &Params) -> Result<String, ApiError> {
    // Given empty, it names no book (400), rather than the default one.
    let book = params.last("book").unwrap_or(DEFAULT_BOOK).to_string();
    sanctum_review::book::check_book_name(&book)
        .map_err(|e| ApiError::bad_request(format!("parameter book: {e}")))?;
    Ok(book)
}

/// A book's open customers, by id, with their current fields (any user).
#[utoipa::path(
    get, path = "/v1/book/customers", tag = "review",
    params(
        ("book" = Option<String>, Query, description = "The book (default `main`)"),
        ("limit" = Option<u32>, Query, description = "Customers per page (default 100)"),
        ("after" = Option<String>, Query, description = "The `next_after` of the previous page"),
    ),
    responses(
        (status = 200, body = CustomerPage),
        (status = 404, description = "No such book", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
pub async fn list_customers(
    user: ReviewUser,
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<CustomerPage>, ApiError> {
    let params = Params::parse(raw);
    let book = book_param(&params)?;
    let limit = params.count("limit", 100, 1, CUSTOMERS_MAX_LIMIT)?;
    let after = params.text("after", MAX_FILTER_CHARS)?;
    let page = state
        .with_review(user, move |review, _actor| {
            if !sanctum_review::book::exists(&review.conn()?, &book)? {
                return Err(ApiError::not_found(format!("no customer book {book:?}")));
            }
            let customers = sanctum_review::book::open_customers(
                &review.conn()?,
                &book,
                after.as_deref(),
                limit,
            )?;
            let next_after = (customers.len() == limit)
                .then(|| customers.last().map(|c| c.customer_id.clone()))
                .flatten();
            Ok(CustomerPage {
                book,
                customers,
                next_after,
            })
        })
        .await?;
    Ok(Json(page))
}

/// One revision of a customer's fields.
#[derive(Debug, Serialize, ToSchema)]
pub struct Revision {
    pub revision: i64,
    pub fingerprint: String,
    pub fields: CustomerFields,
    pub created_at: String,
}

/// A customer, every revision of it and its alerts.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerCard {
    pub customer: Customer,
    /// Oldest first.
    pub revisions: Vec<Revision>,
    pub alerts: Vec<sanctum_review::alerts::AlertSummary>,
}

/// One customer by id, with its revisions and alerts (any user).
#[utoipa::path(
    get, path = "/v1/book/customers/{key}", tag = "review",
    params(
        ("key" = String, Path, description = "The customer's id in the book"),
        ("book" = Option<String>, Query, description = "The book (default `main`)"),
    ),
    responses((status = 200, body = CustomerCard)),
    security(("api_key" = []))
)]
pub async fn get_customer(
    user: ReviewUser,
    State(state): State<AppState>,
    Path(key): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<CustomerCard>, ApiError> {
    let book = book_param(&Params::parse(raw))?;
    let card = state
        .with_review(user, move |review, _actor| {
            let conn = &review.conn()?;
            let customer = sanctum_review::book::customer(conn, &book, &key)?.ok_or_else(|| {
                ApiError::not_found(format!("no customer {key:?} in book {book:?}"))
            })?;
            let revisions = sanctum_review::book::revisions(conn, &book, &key)?
                .into_iter()
                .map(|(revision, fingerprint, fields, created_at)| Revision {
                    revision,
                    fingerprint,
                    fields,
                    created_at,
                })
                .collect();
            let alerts = sanctum_review::alerts::summaries(
                conn,
                &sanctum_review::alerts::AlertFilter {
                    book: Some(book),
                    customer_id: Some(key),
                    ..Default::default()
                },
            )?;
            Ok(CustomerCard {
                customer,
                revisions,
                alerts,
            })
        })
        .await?;
    Ok(Json(card))
}

/// New and changed customers for a book.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CustomerUpload {
    /// Each customer as `sanctum screen` reads a JSON line: `id` (required for a book),
    /// `name` (or `first_name`, `middle_name`, `last_name`), `birth_date`, `country`,
    /// `nationality`, `gender`, `kind`, `id_number`, `imo`, `bic`. At most `max_batch`.
    #[schema(value_type = Vec<Object>)]
    pub customers: Vec<serde_json::Map<String, serde_json::Value>>,
}

/// What an upload changed, and what screening its new and changed customers found.
#[derive(Debug, Serialize, ToSchema)]
pub struct UploadSummary {
    pub book: String,
    pub received: u64,
    pub new: u64,
    pub changed: u64,
    pub unchanged: u64,
    /// Customers repeating an id given earlier in the upload (the later one wins).
    pub duplicates: u64,
    pub rejected: u64,
    /// Why, for the first rejected customers (`line N` is the customer's position, from 1).
    pub rejected_examples: Vec<String>,
    /// The screening of the new and changed customers; null when nothing was screened
    /// (`screen=false`, nothing new, or no list stored yet).
    pub screening: Option<UploadScreening>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UploadScreening {
    pub run_id: i64,
    pub customers: u64,
    pub alerts_created: u64,
    pub realerts: u64,
    pub suppressed: u64,
    pub already_open: u64,
}

/// Upload new and changed customers (analysts, reviewers, admins); each one new or changed
/// gets a revision and is screened against the current lists at once, as `book import`
/// does.
#[utoipa::path(
    post, path = "/v1/book/customers", tag = "review",
    params(
        ("book" = Option<String>, Query, description = "The book (default `main`)"),
        ("screen" = Option<bool>, Query, description = "Screen the new and changed customers now (default true)"),
    ),
    request_body = CustomerUpload,
    responses(
        (status = 200, body = UploadSummary),
    ),
    security(("api_key" = []))
)]
pub async fn upload_customers(
    user: ReviewUser,
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    crate::error::ApiJson(upload): crate::error::ApiJson<CustomerUpload>,
) -> Result<Json<UploadSummary>, ApiError> {
    let params = Params::parse(raw);
    let book = book_param(&params)?;
    let screen = params.flag("screen", true)?;
    let limits = state.config.limits.clone();
    crate::api::check_batch("customers", upload.customers.len(), &limits)?;
    // The book reads customers through its file readers (column recognition, limits, bad
    // rows with their line): the upload goes to a scratch file as JSON lines.
    let mut scratch = tempfile::Builder::new()
        .suffix(".jsonl")
        .tempfile()
        .map_err(ApiError::internal)?;
    for customer in &upload.customers {
        serde_json::to_writer(&mut scratch, customer).map_err(ApiError::internal)?;
        scratch.write_all(b"\n").map_err(ApiError::internal)?;
    }
    scratch.flush().map_err(ApiError::internal)?;
    let received = upload.customers.len() as u64;
    let working = state.clone();
    let summary = state
        .with_review_writing(user, move |review, actor| {
            let options = sanctum_review::book::ImportOptions {
                format: Some(sanctum_screen::input::InputFormat::Jsonl),
                map: sanctum_screen::input::ColumnMap::default(),
                limits: limits.clone(),
                replace: false,
            };
            let imported =
                sanctum_review::book::import(review, actor, &book, scratch.path(), &options)?;
            let mut screening = None;
            if screen && !imported.touched.is_empty() {
                let store = working
                    .store
                    .lock()
                    .map_err(|_| ApiError::internal("store lock poisoned"))?;
                if !store.sources().map_err(ApiError::internal)?.is_empty() {
                    let run = sanctum_review::screening::screen_book(
                        review,
                        &store,
                        &book,
                        &sanctum_review::screening::Mode::Customers(imported.touched.clone()),
                        &sanctum_review::screening::ScreenOptions {
                            limits,
                            ..Default::default()
                        },
                    )?;
                    screening = Some(UploadScreening {
                        run_id: run.run_id,
                        customers: run.customers,
                        alerts_created: run.alerts_created,
                        realerts: run.realerts,
                        suppressed: run.suppressed,
                        already_open: run.already_open,
                    });
                }
            }
            Ok(UploadSummary {
                book,
                received,
                new: imported.new,
                changed: imported.changed,
                unchanged: imported.unchanged,
                duplicates: imported.duplicates,
                rejected: imported.rows_rejected,
                rejected_examples: imported
                    .rejected_examples
                    .iter()
                    .map(|row| row.to_string())
                    .collect(),
                screening,
            })
        })
        .await?;
    state.forget_counts();
    Ok(Json(summary))
}
