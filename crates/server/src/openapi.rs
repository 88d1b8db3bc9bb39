//! The OpenAPI document served at `/openapi.json`: what utoipa derives from the handlers,
//! completed with what each operation may answer besides its own results (the errors the
//! layers and extractors produce: authentication, rate limit, body limits, timeouts, the
//! connection's own parse errors) and with the limits in force (`maxLength`, `maxItems`,
//! `maximum`, from [`Limits`] and the API's page bounds). A client generated from it, or a
//! fuzzer checking answers against it (`scripts/schemathesis.sh`), knows every status and
//! every bound.
//!
//! Written as edits of the document's JSON: the statuses are the same for every operation
//! of a kind, and the limits are known only when the server starts.

use crate::api::{
    MATCH_MAX_LIMIT, MAX_KEY_NAME_CHARS, SCREEN_MAX_LIMIT, SEARCH_MAX_LIMIT, SEARCH_MAX_OFFSET,
};
use crate::review::{
    ALERTS_MAX_LIMIT, AUDIT_MAX_LIMIT, CUSTOMERS_MAX_LIMIT, MAX_AGE_HOURS, MAX_COMMENT_CHARS,
    MAX_FILTER_CHARS, MAX_FILTER_VALUES, MAX_REASON_CHARS,
};
use sanctum_limits::Limits;
use serde_json::{Map, Value, json};
use utoipa::openapi::OpenApi;

/// The document with every status and limit filled in.
pub fn complete(openapi: OpenApi, limits: &Limits) -> OpenApi {
    let Ok(mut doc) = serde_json::to_value(&openapi) else {
        return openapi;
    };
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for (_, operation) in item.iter_mut() {
                if let Some(operation) = operation.as_object_mut() {
                    add_statuses(operation);
                    bound_parameters(path, operation, limits);
                }
            }
        }
    }
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        bound_schemas(schemas, limits);
    }
    match serde_json::from_value(doc) {
        Ok(completed) => completed,
        Err(e) => {
            // A bound utoipa cannot read back: serve the bare document, and say so.
            eprintln!("sanctum serve: the OpenAPI document could not be completed: {e}");
            openapi
        }
    }
}

fn problem(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    })
}

/// Adds the statuses an operation may answer that its handler does not name.
fn add_statuses(operation: &mut Map<String, Value>) {
    let secured = operation
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|s| !s.is_empty());
    let has_body = operation.contains_key("requestBody");
    let in_path = operation
        .get("parameters")
        .and_then(Value::as_array)
        .is_some_and(|ps| ps.iter().any(|p| p["in"] == "path"));
    let mut add: Vec<(&str, Value)> = vec![
        (
            "400",
            problem("A parameter or the body is invalid, or the request is not valid HTTP"),
        ),
        (
            "414",
            problem("The URI is longer than the server accepts (64 KiB)"),
        ),
        (
            "431",
            problem("The headers are larger or more numerous than the server accepts"),
        ),
        (
            "500",
            problem("The server failed; the error is logged, not shown"),
        ),
        (
            "503",
            problem("The request took longer than `request_timeout` and was stopped"),
        ),
    ];
    if secured {
        add.push(("401", problem("No API key, or an unknown or revoked one")));
        add.push(("403", problem("The API key lacks the scope this needs")));
        let mut limited = problem("Over the key's rate limit; retry after `Retry-After` seconds");
        limited["headers"] = json!({"Retry-After": {
            "description": "Seconds to wait",
            "schema": {"type": "integer", "minimum": 1}
        }});
        add.push(("429", limited));
    }
    if in_path {
        add.push((
            "404",
            problem("No such dataset, source, version, party, key, alert or customer"),
        ));
    }
    if has_body {
        add.push((
            "413",
            problem("The body is over `max_body_bytes`, or holds more records or queries than `max_batch`"),
        ));
        add.push((
            "415",
            problem("The body is not sent as `Content-Type: application/json`"),
        ));
        add.push((
            "422",
            problem("The JSON does not have the expected shape, or a value is over a limit (`max_name_chars`, `max_name_tokens`, `max_names_per_query`, `max_query_values`)"),
        ));
    }
    let responses = operation
        .entry("responses")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(responses) = responses.as_object_mut() {
        for (status, response) in add {
            responses.entry(status).or_insert(response);
        }
    }
}

/// The characters a key name may not hold (`auth::is_unprintable`), as a regex class body.
macro_rules! unprintable {
    () => {
        "\\x00-\\x1f\\x7f-\\x9f\u{061c}\u{200e}\u{200f}\u{202a}-\u{202e}\u{2066}-\u{2069}"
    };
}
/// A key name: printable characters, at least one not a space.
const KEY_NAME_PATTERN: &str = concat!(
    "^[^",
    unprintable!(),
    "]*[^\\s",
    unprintable!(),
    "][^",
    unprintable!(),
    "]*$"
);

/// Sets keywords on a schema, making room for them when it is a `$ref` or a bare type.
fn bound(schema: &mut Value, keywords: Value) {
    let (Some(schema), Some(keywords)) = (schema.as_object_mut(), keywords.as_object()) else {
        return;
    };
    for (key, value) in keywords {
        schema.insert(key.clone(), value.clone());
    }
}

/// Query and path parameters' bounds.
fn bound_parameters(path: &str, operation: &mut Map<String, Value>, limits: &Limits) {
    let Some(parameters) = operation
        .get_mut("parameters")
        .and_then(Value::as_array_mut)
    else {
        return;
    };
    for parameter in parameters {
        let name = parameter["name"].as_str().unwrap_or("").to_string();
        let filter_text = json!({"maxLength": MAX_FILTER_CHARS});
        let filter_values = json!({
            "maxItems": MAX_FILTER_VALUES,
            "items": {"type": "string", "maxLength": MAX_FILTER_CHARS},
        });
        let keywords = match (path, name.as_str()) {
            ("/v1/alerts", "limit") => json!({"minimum": 1, "maximum": ALERTS_MAX_LIMIT}),
            ("/v1/alerts", "after") => json!({"minimum": 0, "maximum": i64::MAX}),
            ("/v1/alerts", "min_score" | "max_score") => json!({"minimum": 0, "maximum": 1}),
            ("/v1/alerts", "min_age_hours") => json!({"minimum": 0, "maximum": MAX_AGE_HOURS}),
            ("/v1/alerts", "state") => json!({"maxItems": MAX_FILTER_VALUES}),
            ("/v1/alerts", "source" | "program") => filter_values,
            ("/v1/alerts", "book" | "customer" | "assignee") => filter_text,
            ("/v1/book/customers", "limit") => {
                json!({"minimum": 1, "maximum": CUSTOMERS_MAX_LIMIT})
            }
            ("/v1/book/customers", "after") => filter_text,
            ("/v1/book/customers" | "/v1/book/customers/{key}", "book") => json!({
                // `book import`'s rule (book::check_book_name), in ASCII: a name outside
                // it is a book that cannot exist, answered 404.
                "pattern": "^[A-Za-z0-9_.-]{1,64}$",
            }),
            ("/v1/audit/entries", "limit") => json!({"minimum": 1, "maximum": AUDIT_MAX_LIMIT}),
            ("/v1/audit/entries", "from" | "to") => json!({"minimum": 1, "maximum": i64::MAX}),
            ("/v1/audit/verify", "expected_head") => json!({"pattern": "^[0-9a-fA-F]{64}$"}),
            (
                "/v1/alerts/{id}" | "/v1/alerts/{id}/proposals" | "/v1/alerts/{id}/approvals",
                "id",
            ) => {
                json!({"minimum": i64::MIN, "maximum": i64::MAX})
            }
            ("/match/{dataset}", "limit") => json!({"minimum": 1, "maximum": MATCH_MAX_LIMIT}),
            ("/search/{dataset}", "limit") => json!({"minimum": 0, "maximum": SEARCH_MAX_LIMIT}),
            ("/search/{dataset}", "offset") => json!({"minimum": 0, "maximum": SEARCH_MAX_OFFSET}),
            (_, "limit") => json!({"minimum": 1, "maximum": SCREEN_MAX_LIMIT}),
            (_, "threshold" | "cutoff") => json!({"minimum": 0, "maximum": 1}),
            (_, "from" | "to") => json!({"minimum": 1, "maximum": u32::MAX}),
            (_, "q") => json!({"maxLength": limits.max_name_chars}),
            (_, "algorithm") => json!({"enum": crate::api::ALGORITHM_NAMES}),
            // yente's TS_PATTERN, months, days and hours bounded (a day past the month's
            // end is a 400 too).
            (_, "changed_since") => json!({
                "pattern": r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(T([01]\d|2[0-3])(:[0-5]\d(:[0-5]\d)?)?)?$"
            }),
            (_, "filter_op") => json!({"enum": ["AND", "OR", "and", "or"]}),
            // yente's, refused: only empty values are valid.
            ("/search/{dataset}", "filter" | "sort") => json!({
                "items": {"type": "string", "maxLength": 0},
            }),
            (_, "facets") => json!({
                "maxItems": limits.max_facets,
                "items": {"type": "string", "enum": crate::api::FACETS},
            }),
            _ => continue,
        };
        if let Some(schema) = parameter.get_mut("schema") {
            bound(schema, keywords);
        }
    }
}

/// Request bodies' bounds.
fn bound_schemas(schemas: &mut Map<String, Value>, limits: &Limits) {
    let name = json!({"maxLength": limits.max_name_chars});
    let names = json!({"maxItems": limits.max_names_per_query});
    let values = json!({"maxItems": limits.max_query_values});
    // A property of an FtM example: a string, a number, or a list of them.
    let scalar = json!({"anyOf": [{"type": "string"}, {"type": "number"}]});
    let property = json!({"anyOf": [
        {"type": "string"}, {"type": "number"}, {"type": "null"},
        {"type": "array", "items": scalar},
    ]});
    let comment = json!({"maxLength": MAX_COMMENT_CHARS});
    let rules: [(&str, &str, Value); 16] = [
        ("Proposal", "reason", json!({"maxLength": MAX_REASON_CHARS})),
        ("Proposal", "comment", comment.clone()),
        ("Approval", "comment", comment),
        ("ScreenRecord", "name", name.clone()),
        ("ScreenRecord", "names", names),
        ("ScreenRecord", "birth_dates", values.clone()),
        ("ScreenRecord", "countries", values.clone()),
        ("ScreenRecord", "identifiers", values),
        (
            "EntityExample",
            "schema",
            json!({"enum": crate::query::QUERY_SCHEMATA}),
        ),
        (
            "EntityExample",
            "properties",
            json!({"type": "object", "additionalProperties": property}),
        ),
        (
            "MatchRequest",
            "weights",
            json!({"type": "object", "additionalProperties": {"type": "number"}}),
        ),
        (
            "BatchRequest",
            "records",
            json!({"minItems": 1, "maxItems": limits.max_batch}),
        ),
        (
            "CustomerUpload",
            "customers",
            json!({"minItems": 1, "maxItems": limits.max_batch}),
        ),
        (
            "MatchRequest",
            "queries",
            json!({"minProperties": 1, "maxProperties": limits.max_batch}),
        ),
        (
            "NewKey",
            "name",
            json!({
                "minLength": 1,
                "maxLength": MAX_KEY_NAME_CHARS,
                // Something printable; no control or bidirectional-override character.
                "pattern": KEY_NAME_PATTERN,
            }),
        ),
        ("NewKey", "scopes", json!({"minItems": 1})),
    ];
    for (schema, property, keywords) in rules {
        if let Some(target) = schemas
            .get_mut(schema)
            .and_then(|s| s.pointer_mut(&format!("/properties/{property}")))
        {
            bound(target, keywords);
        }
    }
    if let Some(items) = schemas
        .get_mut("ScreenRecord")
        .and_then(|s| s.pointer_mut("/properties/names/items"))
    {
        bound(items, name);
    }
}
