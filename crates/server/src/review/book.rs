//! `/v1/book`: the customer book, read. Imports stay with `sanctum book import FILE`: it
//! reads CSV, JSON lines and XLSX of any size, with column recognition and a report of
//! bad rows, which a request body within `max_body_bytes` could not carry.

use super::{CUSTOMERS_MAX_LIMIT, MAX_FILTER_CHARS, ReviewUser};
use crate::AppState;
use crate::api::Params;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, RawQuery, State};
use sanctum_review::book::{Customer, CustomerFields, DEFAULT_BOOK};
use serde::Serialize;
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
            if !sanctum_review::book::exists(review.conn(), &book)? {
                return Err(ApiError::not_found(format!("no customer book {book:?}")));
            }
            let customers = sanctum_review::book::open_customers(
                review.conn(),
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
            let conn = review.conn();
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
