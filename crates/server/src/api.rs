//! Routes and handlers. Every handler validates its input fully and answers a 4xx problem
//! document naming the field and the reason; nothing a client sends can cause a 500.

use crate::auth::{KeyRecord, Scope};
use crate::error::{
    ApiError, ApiJson, PROBLEM_JSON, panic_response, problem_for_bare_errors, problem_with_members,
};
use crate::query::{self, Filters};
use crate::scoring::{Cancel, Cancelled};
use crate::snapshot::{Snapshot, api_id};
use crate::updates::UpdateState;
use crate::{AdminScope, AppState, Authorized, ReadScope, ScreenScope, UpdateOutcome, track};
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router, middleware};
use sanctum_limits::Limits;
use sanctum_matcher::{DEFAULT_THRESHOLD, Hit, Matcher, PreparedQuery, Query, QueryId};
use sanctum_model::{Entity, EntityKind, IdKind};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use utoipa_swagger_ui::SwaggerUi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "sanctum",
        description = "Sanctions screening and list management. The /match, /search, /entities, /algorithms and \
            /catalog endpoints follow yente's request and response shapes; /v1 is sanctum's own API. \
            Authenticate with `Authorization: Bearer <key>`; errors are RFC 9457 problem documents.",
    ),
    tags(
        (name = "matching", description = "yente-compatible matching and search"),
        (name = "screening", description = "sanctum's own screening API"),
        (name = "lists", description = "sources, versions, diffs"),
        (name = "admin", description = "updates and API keys (admin scope)"),
        (name = "review", description = "Alert review, the customer book and the audit trail. Each request acts as the user its key \
            names (`sanctum users add` prints such a key): no key is a 401, a service key or a disabled user a 403. \
            State changes follow the workflow's rules (four eyes, leases, reason codes): a refused change is a 409 or 422 \
            and changes nothing. Customer files are imported with `sanctum book import` (CSV, JSON lines, XLSX), not \
            through the API."),
        (name = "operations", description = "health, readiness, metrics"),
    ),
    modifiers(&BearerKey)
)]
struct ApiDoc;

struct BearerKey;

impl utoipa::Modify for BearerKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API key from `sanctum keys create`"))
                    .build(),
            ),
        );
    }
}

/// Most results `/match` returns per query (yente's bound).
pub const MATCH_MAX_LIMIT: usize = 500;
/// Most results one `/search` page holds.
pub const SEARCH_MAX_LIMIT: usize = 500;
/// The deepest `/search` page: past it, narrow the search instead.
pub const SEARCH_MAX_OFFSET: usize = 10_000;
/// Most matches `/v1/screen` returns per record.
pub const SCREEN_MAX_LIMIT: usize = 100;
/// Longest API key name, in characters.
pub const MAX_KEY_NAME_CHARS: usize = 200;

/// The whole application: API routes, docs, and the layers every request passes.
pub fn router(state: AppState) -> Router {
    let (api_router, openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(match_entities))
        .routes(routes!(search))
        .routes(routes!(get_entity))
        .routes(routes!(catalog))
        .routes(routes!(algorithms))
        .routes(routes!(screen_one))
        .routes(routes!(screen_batch))
        .routes(routes!(crate::payments::screen_message))
        .routes(routes!(list_sources))
        .routes(routes!(list_versions))
        .routes(routes!(diff_versions))
        .routes(routes!(admin_update, update_status))
        .routes(routes!(list_keys, create_key))
        .routes(routes!(revoke_key))
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .routes(routes!(metrics))
        .merge(crate::review::router())
        .with_state(state.clone())
        .split_for_parts();
    let limits = &state.config.limits;
    let openapi = crate::openapi::complete(openapi, limits);
    api_router
        .merge(SwaggerUi::new("/docs").url("/openapi.json", openapi))
        // Innermost first. The count and timing of a request sit outside the timeout, so
        // that a request the timeout answers is counted too.
        .layer(DefaultBodyLimit::max(limits.max_body_bytes))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            limits.request_timeout,
        ))
        .layer(middleware::from_fn(problem_for_bare_errors))
        .layer(middleware::from_fn_with_state(state.clone(), track))
}

// ---------------------------------------------------------------------------------------
// Query-string parameters, parsed by hand: FtM APIs repeat keys (`topics=a&topics=b`), and
// each bad value deserves its own message.

pub(crate) struct Params(Vec<(String, String)>);

impl Params {
    pub(crate) fn parse(raw: Option<String>) -> Params {
        Params(
            raw.map(|q| {
                form_urlencoded::parse(q.as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default(),
        )
    }
    pub(crate) fn last(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
    /// Every distinct value of a repeated key, in order; comma-separated values are split
    /// too. Repeats are dropped: each value costs work per party (a facet, a filter), and
    /// a value sent 3,000 times once cost it 3,000 times.
    pub(crate) fn all(&self, key: &str) -> Vec<String> {
        let mut seen = HashSet::new();
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty() && seen.insert(*v))
            .map(str::to_string)
            .collect()
    }
    /// Every value of a key as sent, repeats included (what a `maxItems` or an item's
    /// `maxLength` bound counts).
    pub(crate) fn given(&self, key: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }
    pub(crate) fn number(
        &self,
        key: &str,
        default: f64,
        min: f64,
        max: f64,
    ) -> Result<f64, ApiError> {
        let Some(text) = self.last(key) else {
            return Ok(default);
        };
        match text.trim().parse::<f64>() {
            Ok(v) if v.is_finite() && (min..=max).contains(&v) => Ok(v),
            _ => Err(ApiError::bad_request(format!(
                "parameter {key}: {text:?} is not a number between {min} and {max}"
            ))),
        }
    }
    pub(crate) fn count(
        &self,
        key: &str,
        default: usize,
        min: usize,
        max: usize,
    ) -> Result<usize, ApiError> {
        let Some(text) = self.last(key) else {
            return Ok(default);
        };
        match text.trim().parse::<usize>() {
            Ok(v) if (min..=max).contains(&v) => Ok(v),
            _ => Err(ApiError::bad_request(format!(
                "parameter {key}: {text:?} is not a whole number between {min} and {max}"
            ))),
        }
    }
    /// A text value of at most `max_chars` characters (as sent), trimmed; `None` when
    /// absent or blank.
    pub(crate) fn text(&self, key: &str, max_chars: usize) -> Result<Option<String>, ApiError> {
        let Some(text) = self.last(key) else {
            return Ok(None);
        };
        if text.chars().count() > max_chars {
            return Err(ApiError::bad_request(format!(
                "parameter {key}: longer than {max_chars} characters"
            )));
        }
        Ok(Some(text.trim().to_string()).filter(|t| !t.is_empty()))
    }
    pub(crate) fn flag(&self, key: &str, default: bool) -> Result<bool, ApiError> {
        match self.last(key).map(|v| v.trim().to_ascii_lowercase()) {
            None => Ok(default),
            Some(v) if matches!(v.as_str(), "true" | "1" | "yes") => Ok(true),
            Some(v) if matches!(v.as_str(), "false" | "0" | "no") => Ok(false),
            Some(v) => Err(ApiError::bad_request(format!(
                "parameter {key}: {v:?} is not true or false"
            ))),
        }
    }
}

/// Sources a dataset name stands for: `default`, `sanctions` and `all` are every source.
fn dataset_sources(
    snapshot: &Snapshot,
    dataset: &str,
) -> Result<Option<HashSet<String>>, ApiError> {
    if matches!(dataset, "default" | "sanctions" | "all") {
        return Ok(None);
    }
    if snapshot.sources.contains_key(dataset) {
        return Ok(Some(HashSet::from([dataset.to_string()])));
    }
    let known: Vec<&str> = ["default"]
        .into_iter()
        .chain(snapshot.sources.keys().map(String::as_str))
        .collect();
    Err(ApiError::not_found(format!(
        "unknown dataset {dataset:?}: one of {}",
        known.join(", ")
    )))
}

/// When a request's work must end: its arrival plus `request_timeout` (the timeout layer
/// answers then too; whichever comes first, the scoring stops).
pub(crate) fn request_deadline(state: &AppState) -> tokio::time::Instant {
    tokio::time::Instant::now() + state.config.limits.request_timeout
}

/// A batch's size: empty is a 400, over `max_batch` a 413, for `/match` and
/// `/v1/screen/batch` alike.
pub(crate) fn check_batch(field: &str, len: usize, limits: &Limits) -> Result<(), ApiError> {
    if len == 0 {
        return Err(ApiError::bad_request(format!(
            "{field}: the batch is empty"
        )));
    }
    if len > limits.max_batch {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "{field}: {len} in one request; the limit is {} (`max_batch` in [limits])",
                limits.max_batch
            ),
        ));
    }
    Ok(())
}

fn check_sources(snapshot: &Snapshot, param: &str, names: &[String]) -> Result<(), ApiError> {
    for name in names {
        if !snapshot.sources.contains_key(name) {
            return Err(ApiError::bad_request(format!(
                "parameter {param}: unknown dataset {name:?}"
            )));
        }
    }
    Ok(())
}

fn check_schemata(param: &str, names: &[String]) -> Result<(), ApiError> {
    for name in names {
        if name != "Thing" && query::kind_of_schema(name).is_err() {
            return Err(ApiError::bad_request(format!(
                "parameter {param}: unknown schema {name:?}: one of Thing, {}",
                query::QUERY_SCHEMATA.join(", ")
            )));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// yente-compatible shapes.

/// An entity given by example: an FtM schema and its properties.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EntityExample {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[schema(example = "Person")]
    pub schema: String,
    /// Property name → a string or a list of strings.
    #[serde(default)]
    #[schema(value_type = Object, example = json!({"name": ["Vladimir Putin"], "birthDate": ["1952-10-07"], "nationality": ["ru"]}))]
    pub properties: BTreeMap<String, Value>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MatchRequest {
    /// Query name → example; the names come back as keys of `responses`.
    pub queries: BTreeMap<String, EntityExample>,
    /// Accepted for compatibility with yente; sanctum's weights are fixed.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub weights: BTreeMap<String, f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TotalSpec {
    pub value: usize,
    pub relation: &'static str,
}

/// A party in yente's shape.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntityResponse {
    pub id: String,
    pub caption: String,
    pub schema: &'static str,
    #[schema(value_type = Object)]
    pub properties: Value,
    pub datasets: Vec<String>,
    pub referents: Vec<String>,
    pub target: bool,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub last_change: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScoredEntityResponse {
    #[serde(flatten)]
    pub entity: EntityResponse,
    pub score: f64,
    /// Whether the score reaches the threshold.
    #[serde(rename = "match")]
    pub is_match: bool,
    /// Feature → contribution to the score (`name` is the name similarity).
    #[schema(value_type = Object)]
    pub features: BTreeMap<String, f64>,
    /// yente's explanations (nomenklatura's `FeatureResult`): feature → its score and a
    /// sentence saying why; `name` for the names compared, then `birth_date`, `country`,
    /// `gender`, `kind`, `identifier` when they counted.
    pub explanations: BTreeMap<String, FeatureResult>,
    /// sanctum's whole explanation: the names compared, token by token, and every feature
    /// with its contribution (clients built on yente's models ignore it).
    #[schema(value_type = Object)]
    pub sanctum_explanation: Value,
}

/// One feature's part in a score, as nomenklatura's `FeatureResult`.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeatureResult {
    /// The name similarity (0 to 1) for `name`; for the other features, what they added to
    /// (or, conflicting, took from) the score.
    pub score: f64,
    /// Why, in a sentence.
    pub detail: Option<String>,
    /// The query's value compared (the query name for `name`).
    pub query: Option<String>,
    /// The listed value compared (the listed name for `name`).
    pub candidate: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EntityMatches {
    pub status: u16,
    pub results: Vec<ScoredEntityResponse>,
    pub total: TotalSpec,
    pub query: EntityExample,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MatchResponse {
    pub responses: BTreeMap<String, EntityMatches>,
    /// The features the matcher weighs.
    #[schema(value_type = Object)]
    pub matcher: Value,
    pub limit: usize,
}

/// The party at `position` of the snapshot in yente's shape; `nested`: its sub-entities
/// (sanctions, identifications, addresses…) nested as whole entities, as yente nests them.
fn entity_response(snapshot: &Snapshot, position: usize, nested: bool) -> Option<EntityResponse> {
    let e = &snapshot.parties.get(position)?.entity;
    let seen = snapshot.seen(position);
    let datasets = vec![e.source.clone()];
    let properties = if nested {
        let mut props = query::ftm_properties_nested(e);
        complete_nested(&mut props, &datasets, seen);
        props
    } else {
        query::ftm_properties(e)
    };
    Some(EntityResponse {
        id: api_id(e),
        caption: e.caption().to_string(),
        schema: query::schema_of(e.kind),
        properties,
        datasets,
        referents: Vec::new(),
        target: !e.designations.is_empty(),
        first_seen: seen.first_seen.clone(),
        last_seen: seen.last_seen.clone(),
        last_change: seen.last_change.clone(),
    })
}

/// Completes the nested sub-entities of `properties` with the fields yente sends for every
/// entity: `caption`, `datasets`, `referents`, `target` and the party's dates (a
/// sub-entity is listed, and changes, with its party).
fn complete_nested(properties: &mut Value, datasets: &[String], seen: &crate::snapshot::Seen) {
    let Some(map) = properties.as_object_mut() else {
        return;
    };
    for values in map.values_mut() {
        let Some(values) = values.as_array_mut() else {
            continue;
        };
        for value in values {
            let Some(sub) = value.as_object_mut() else {
                continue;
            };
            let schema = sub.get("schema").and_then(Value::as_str).unwrap_or("Thing");
            let caption = sub
                .get("properties")
                .map(|p| query::ftm_caption(schema, p))
                .unwrap_or_else(|| query::ftm_caption(schema, &Value::Null));
            sub.insert("caption".into(), Value::String(caption));
            sub.insert("datasets".into(), serde_json::json!(datasets));
            sub.insert("referents".into(), Value::Array(Vec::new()));
            sub.insert("target".into(), Value::Bool(false));
            for (key, at) in [
                ("first_seen", &seen.first_seen),
                ("last_seen", &seen.last_seen),
                ("last_change", &seen.last_change),
            ] {
                sub.insert(key.into(), serde_json::json!(at));
            }
        }
    }
}

fn features_of(hit: &Hit) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::from([("name".to_string(), hit.explanation.name_score)]);
    for f in &hit.explanation.features {
        *out.entry(f.feature.to_string()).or_default() += f.contribution;
    }
    out
}

/// The explanation in yente's shape: `name` (the best name pair, its similarity and how the
/// words met), then one entry per feature that counted (contributions of a feature seen twice
/// add up, their sentences are joined).
pub fn yente_explanations(e: &sanctum_matcher::Explanation) -> BTreeMap<String, FeatureResult> {
    let aligned = e.alignment.len();
    let words = aligned + e.unmatched_query.len();
    let mut detail = format!(
        "{:?} met the listed {} {:?}: {aligned} of {words} words aligned",
        e.query_name,
        name_kind_label(e.matched_name_kind),
        e.matched_name,
    );
    let loose: Vec<String> = e
        .alignment
        .iter()
        .filter(|a| a.how != sanctum_matcher::How::Exact)
        .map(|a| format!("{} ~ {} ({})", a.query, a.listed, how_label(a.how)))
        .collect();
    if !loose.is_empty() {
        detail.push_str(&format!(", {}", loose.join(", ")));
    }
    if !e.unmatched_listed.is_empty() {
        detail.push_str(&format!(
            "; not in the query: {}",
            e.unmatched_listed.join(" ")
        ));
    }
    let mut out = BTreeMap::from([(
        "name".to_string(),
        FeatureResult {
            score: e.name_score,
            detail: Some(detail),
            query: Some(e.query_name.clone()),
            candidate: Some(e.matched_name.clone()),
        },
    )]);
    for f in &e.features {
        let entry = out
            .entry(f.feature.to_string())
            .or_insert_with(|| FeatureResult {
                score: 0.0,
                detail: None,
                query: None,
                candidate: None,
            });
        entry.score += f.contribution;
        entry.detail = Some(match entry.detail.take() {
            Some(d) => format!("{d}; {}", f.detail),
            None => f.detail.clone(),
        });
    }
    out
}

fn name_kind_label(kind: sanctum_model::NameKind) -> &'static str {
    use sanctum_model::NameKind as K;
    match kind {
        K::Primary => "name",
        K::Alias => "alias",
        K::WeakAlias => "weak alias",
        K::Former => "former name",
        K::OriginalScript => "name in its original script",
    }
}

fn how_label(how: sanctum_matcher::How) -> &'static str {
    use sanctum_matcher::How as H;
    match how {
        H::Exact => "exact",
        H::Variant => "spelling variant",
        H::Fuzzy => "typo",
        H::Phonetic => "sounds alike",
        H::Skeleton => "same consonants",
        H::Initial => "initial",
        H::Prefix => "cut short",
        H::Joined => "joined",
        H::Familiar => "familiar form",
    }
}

fn scored(
    snapshot: &Snapshot,
    position: u32,
    hit: Hit,
    threshold: f64,
) -> Option<ScoredEntityResponse> {
    Some(ScoredEntityResponse {
        entity: entity_response(snapshot, position as usize, false)?,
        score: hit.score,
        is_match: hit.score >= threshold,
        features: features_of(&hit),
        explanations: yente_explanations(&hit.explanation),
        sanctum_explanation: serde_json::to_value(&hit.explanation).unwrap_or(Value::Null),
    })
}

/// The one scoring algorithm sanctum has, by the name `/algorithms` gives it.
pub const ALGORITHM: &str = "sanctum";
/// What `algorithm` may be in `/match`: sanctum's name, and yente's `best` and `default`,
/// which a yente client sends to mean "whatever the server thinks best".
pub const ALGORITHM_NAMES: &[&str] = &[ALGORITHM, "best", "default"];

#[derive(Debug, Serialize, ToSchema)]
pub struct AlgorithmDocs {
    pub name: String,
    pub description: Option<String>,
    /// Configuration variables; sanctum's weights are fixed, so none.
    #[schema(value_type = Object)]
    pub config: BTreeMap<String, Value>,
    /// Feature → `{description, coefficient, url}`.
    #[schema(value_type = Object)]
    pub features: Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Algorithm {
    pub name: String,
    pub description: Option<String>,
    /// Deprecated in yente in favour of `docs.features`; sent as yente sends it.
    #[schema(value_type = Object)]
    pub features: Value,
    pub docs: AlgorithmDocs,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AlgorithmResponse {
    pub algorithms: Vec<Algorithm>,
    pub default: String,
    pub best: String,
}

/// The scoring algorithms `/match` offers (yente's `/algorithms`): sanctum's matcher.
#[utoipa::path(
    get, path = "/algorithms", tag = "matching",
    responses((status = 200, body = AlgorithmResponse)),
    security(("api_key" = []))
)]
async fn algorithms(_auth: Authorized<ReadScope>) -> Json<AlgorithmResponse> {
    let description = "sanctum's matcher: names transliterated, spelling variants folded and \
        aligned word by word (typos, initials, phonetic and cut-short words allowed), then birth \
        date, country, gender, kind and identifiers raise or lower the name's score; an equal \
        identifier lifts it above 0.98.";
    Json(AlgorithmResponse {
        algorithms: vec![Algorithm {
            name: ALGORITHM.to_string(),
            description: Some(description.to_string()),
            features: matcher_docs(),
            docs: AlgorithmDocs {
                name: ALGORITHM.to_string(),
                description: Some(description.to_string()),
                config: BTreeMap::new(),
                features: matcher_docs(),
            },
        }],
        default: ALGORITHM.to_string(),
        best: ALGORITHM.to_string(),
    })
}

fn matcher_docs() -> Value {
    serde_json::json!({
        "name": {"description": "Similarity of the best pair of query and listed names (transliterated, variant-folded, token-aligned)", "coefficient": 0.9, "url": ""},
        "birth_date": {"description": "Agreement or conflict of birth dates, at the precision both give", "coefficient": 1.0, "url": ""},
        "country": {"description": "Agreement or conflict of nationality, citizenship and country", "coefficient": 1.0, "url": ""},
        "gender": {"description": "Conflicting gender", "coefficient": 1.0, "url": ""},
        "kind": {"description": "Conflicting entity type (person against organization…)", "coefficient": 1.0, "url": ""},
        "identifier": {"description": "An identifying number equal after normalisation: lifts the score above 0.98", "coefficient": 1.0, "url": ""}
    })
}

/// Match entities by example (yente's `/match`).
///
/// Each query is an FtM entity example; properties used: `name`, `alias`, `firstName`,
/// `middleName`, `lastName`, `fatherName`, `birthDate`, `incorporationDate`, `nationality`,
/// `citizenship`, `country`, `jurisdiction`, `gender`, `idNumber`, `passportNumber`,
/// `taxNumber`, `registrationNumber`, `imoNumber`, `swiftBic`, `leiCode` and others; the rest
/// are accepted and ignored.
#[utoipa::path(
    post, path = "/match/{dataset}", tag = "matching",
    params(
        ("dataset" = String, Path, description = "`default` for every list, or a source key (us_ofac_sdn…)"),
        ("limit" = Option<usize>, Query, description = "Results per query (default 5, at most 500)"),
        ("threshold" = Option<f64>, Query, description = "Score at which a result is a match (default 0.80)"),
        ("cutoff" = Option<f64>, Query, description = "Lowest score returned at all (default: the threshold)"),
        ("topics" = Option<Vec<String>>, Query, description = "Only parties with one of these topics (`sanction`)"),
        ("include_dataset" = Option<Vec<String>>, Query, description = "Only these sources"),
        ("exclude_dataset" = Option<Vec<String>>, Query, description = "Not these sources"),
        ("exclude_schema" = Option<Vec<String>>, Query, description = "Not these schemata"),
        ("exclude_entity_ids" = Option<Vec<String>>, Query, description = "Not these parties"),
        ("algorithm" = Option<String>, Query, description = "`sanctum` (also accepted: `best`, `default`); another name is a 400. See `/algorithms`"),
        ("changed_since" = Option<String>, Query, description = "Only parties whose record changed at or after this UTC time, `YYYY-MM-DD[THH[:MM[:SS]]]` (a party's `last_change`)"),
    ),
    request_body = MatchRequest,
    responses(
        (status = 200, body = MatchResponse),
        (status = 400, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
async fn match_entities(
    _auth: Authorized<ScreenScope>,
    State(state): State<AppState>,
    Path(dataset): Path<String>,
    RawQuery(raw): RawQuery,
    ApiJson(request): ApiJson<MatchRequest>,
) -> Result<Response, ApiError> {
    let deadline = request_deadline(&state);
    let params = Params::parse(raw);
    let snapshot = state.snapshot();
    let limit = params.count("limit", 5, 1, MATCH_MAX_LIMIT)?;
    let threshold = params.number("threshold", DEFAULT_THRESHOLD, 0.0, 1.0)?;
    let cutoff = params.number("cutoff", threshold, 0.0, 1.0)?.min(threshold);
    if let Some(algorithm) = params.last("algorithm")
        && !ALGORITHM_NAMES.contains(&algorithm)
    {
        return Err(ApiError::bad_request(format!(
            "parameter algorithm: {algorithm:?} is not one of {} (see /algorithms)",
            ALGORITHM_NAMES.join(", ")
        )));
    }
    let mut filters = Filters {
        sources: dataset_sources(&snapshot, &dataset)?,
        topics: params.all("topics"),
        exclude_schema: params.all("exclude_schema"),
        exclude_ids: params.all("exclude_entity_ids").into_iter().collect(),
        changed_since: params
            .last("changed_since")
            .map(query::parse_changed_since)
            .transpose()?,
        ..Filters::default()
    };
    check_schemata("exclude_schema", &filters.exclude_schema)?;
    let include = params.all("include_dataset");
    check_sources(&snapshot, "include_dataset", &include)?;
    if !include.is_empty() {
        let include: HashSet<String> = include.into_iter().collect();
        filters.sources = Some(match filters.sources.take() {
            Some(s) => s.intersection(&include).cloned().collect(),
            None => include,
        });
    }
    let exclude = params.all("exclude_dataset");
    check_sources(&snapshot, "exclude_dataset", &exclude)?;
    filters.exclude_sources = exclude.into_iter().collect();

    let limits = &state.config.limits;
    check_batch("queries", request.queries.len(), limits)?;
    // Validate every query before scoring any.
    let prepared: Vec<(String, EntityExample, PreparedQuery)> = request
        .queries
        .into_iter()
        .map(|(name, example)| {
            let q = query::query_from_example(&name, &example.schema, &example.properties, limits)?;
            Ok((name, example, q))
        })
        .collect::<Result<_, ApiError>>()?;
    state
        .metrics
        .screened_records
        .fetch_add(prepared.len() as u64, Ordering::Relaxed);
    let run = move |cancel: &Cancel| -> Result<MatchResponse, ApiError> {
        let matcher = Matcher::default();
        let mut responses = BTreeMap::new();
        for (name, example, q) in prepared {
            let (total, hits) =
                query::score(&snapshot, &matcher, &q, &filters, cutoff, limit, cancel)?;
            let results = hits
                .into_iter()
                .filter_map(|(i, hit)| scored(&snapshot, i, hit, threshold))
                .collect();
            let matches = EntityMatches {
                status: 200,
                results,
                total: TotalSpec {
                    value: total,
                    relation: "eq",
                },
                query: example,
            };
            responses.insert(name, matches);
        }
        Ok(MatchResponse {
            responses,
            matcher: matcher_docs(),
            limit,
        })
    };
    let response = state.scoring.run(deadline, run).await?;
    let size = response.responses.len();
    let mut out = Json(response).into_response();
    out.headers_mut()
        .insert("x-batch-size", HeaderValue::from(size));
    Ok(out)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchFacetItem {
    pub name: String,
    pub label: String,
    pub count: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchFacet {
    pub label: String,
    pub values: Vec<SearchFacetItem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResult {
    #[serde(flatten)]
    pub entity: EntityResponse,
    /// Name similarity to `q` (absent without `q`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResponse {
    pub limit: usize,
    pub offset: usize,
    pub total: TotalSpec,
    pub results: Vec<SearchResult>,
    pub facets: BTreeMap<String, SearchFacet>,
}

/// The facets `/search` computes.
pub const FACETS: &[&str] = &["countries", "topics", "datasets", "schema", "programs"];

/// Search the lists by name, with filters and facets (yente's `/search`).
#[utoipa::path(
    get, path = "/search/{dataset}", tag = "matching",
    params(
        ("dataset" = String, Path, description = "`default` or a source key"),
        ("q" = Option<String>, Query, description = "A name, in any script; empty lists every party that passes the filters"),
        ("schema" = Option<String>, Query, description = "Person, Organization, Company, LegalEntity, Vessel, Airplane"),
        ("countries" = Option<Vec<String>>, Query, description = "ISO codes (nationality, citizenship or country)"),
        ("topics" = Option<Vec<String>>, Query, description = "`sanction`"),
        ("programs" = Option<Vec<String>>, Query, description = "Sanctions programs (SDGT, RUSSIA-EO14024…)"),
        ("datasets" = Option<Vec<String>>, Query, description = "Source keys"),
        ("facets" = Option<Vec<String>>, Query, description = "countries, topics, datasets, schema, programs (default: countries, topics, datasets)"),
        ("limit" = Option<usize>, Query, description = "default 10, at most 500"),
        ("offset" = Option<usize>, Query, description = "default 0, at most 10000"),
        ("include_dataset" = Option<Vec<String>>, Query, description = "Only these sources"),
        ("exclude_dataset" = Option<Vec<String>>, Query, description = "Not these sources"),
        ("exclude_schema" = Option<Vec<String>>, Query, description = "Not these schemata"),
        ("changed_since" = Option<String>, Query, description = "Only parties whose record changed at or after this UTC time, `YYYY-MM-DD[THH[:MM[:SS]]]`"),
        ("target" = Option<bool>, Query, description = "Only designated parties (true) or only the others (false)"),
        ("filter_op" = Option<String>, Query, description = "`OR` (default): a party passes with any of the given countries, topics, datasets; `AND`: with all of them"),
        ("fuzzy" = Option<bool>, Query, description = "Accepted for yente's clients: sanctum's search is always fuzzy"),
        ("simple" = Option<bool>, Query, description = "Accepted for yente's clients: `q` is a name, never a query syntax"),
        ("filter" = Option<Vec<String>>, Query, description = "yente's `field:value` filters: not supported, a 400"),
        ("sort" = Option<Vec<String>>, Query, description = "yente's sort criteria: not supported (results are ranked by score), a 400"),
    ),
    responses(
        (status = 200, body = SearchResponse),
        (status = 400, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`q` is over a limit (`max_name_chars`, `max_name_tokens`) or has too little to search on", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
async fn search(
    _auth: Authorized<ReadScope>,
    State(state): State<AppState>,
    Path(dataset): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<SearchResponse>, ApiError> {
    let deadline = request_deadline(&state);
    let limits = &state.config.limits;
    let params = Params::parse(raw);
    let snapshot = state.snapshot();
    let limit = params.count("limit", 10, 0, SEARCH_MAX_LIMIT)?;
    let offset = params.count("offset", 0, 0, SEARCH_MAX_OFFSET)?;
    // yente's parameters that sanctum cannot honour are refused, not ignored: a client
    // relying on them would get other results than it asked for.
    for unsupported in ["filter", "sort"] {
        if params
            .last(unsupported)
            .is_some_and(|v| !v.trim().is_empty())
        {
            return Err(ApiError::bad_request(format!(
                "parameter {unsupported}: not supported by sanctum's search; filter with \
                 schema, countries, topics, programs, datasets, include_dataset, \
                 exclude_dataset, exclude_schema, changed_since"
            )));
        }
    }
    // yente's query syntax switches: sanctum's search is always fuzzy, and never reads a
    // query syntax, so both are accepted (checked) and change nothing.
    params.flag("fuzzy", false)?;
    params.flag("simple", false)?;
    // How several values of countries, topics and datasets combine (yente's default: OR).
    let all_of = match params.last("filter_op").map(str::trim) {
        None | Some("OR") | Some("or") => false,
        Some("AND") | Some("and") => true,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "parameter filter_op: {other:?} is not AND or OR"
            )));
        }
    };
    let target_only = match params.last("target") {
        None => None,
        Some(_) => Some(params.flag("target", false)?),
    };
    let changed_since = params
        .last("changed_since")
        .map(query::parse_changed_since)
        .transpose()?;
    let mut sources = dataset_sources(&snapshot, &dataset)?;
    let datasets = params.all("datasets");
    check_sources(&snapshot, "datasets", &datasets)?;
    if !datasets.is_empty() {
        // A party is in one dataset: all of two or more is none.
        let wanted: HashSet<String> = if all_of && datasets.len() > 1 {
            HashSet::new()
        } else {
            datasets.into_iter().collect()
        };
        sources = Some(match sources {
            Some(s) => s.intersection(&wanted).cloned().collect(),
            None => wanted,
        });
    }
    let include = params.all("include_dataset");
    check_sources(&snapshot, "include_dataset", &include)?;
    if !include.is_empty() {
        let include: HashSet<String> = include.into_iter().collect();
        sources = Some(match sources {
            Some(s) => s.intersection(&include).cloned().collect(),
            None => include,
        });
    }
    let exclude_dataset = params.all("exclude_dataset");
    check_sources(&snapshot, "exclude_dataset", &exclude_dataset)?;
    let exclude_schema = params.all("exclude_schema");
    check_schemata("exclude_schema", &exclude_schema)?;
    let schema = params.all("schema");
    check_schemata("schema", &schema)?;
    let mut countries = Vec::new();
    for c in params.all("countries") {
        let code = sanctum_model::country::code(&c).ok_or_else(|| {
            ApiError::bad_request(format!("parameter countries: unknown country {c:?}"))
        })?;
        countries.push(code);
    }
    let topics = params.all("topics");
    let programs: HashSet<String> = params.all("programs").into_iter().collect();
    let facet_names = {
        let f = params.all("facets");
        if f.is_empty() {
            vec![
                "countries".to_string(),
                "topics".to_string(),
                "datasets".to_string(),
            ]
        } else {
            f
        }
    };
    if facet_names.len() > limits.max_facets {
        return Err(ApiError::bad_request(format!(
            "parameter facets: {} facets; the limit is {} (`max_facets` in [limits])",
            facet_names.len(),
            limits.max_facets
        )));
    }
    for f in &facet_names {
        if !FACETS.contains(&f.as_str()) {
            return Err(ApiError::bad_request(format!(
                "parameter facets: unknown facet {f:?}: one of {}",
                FACETS.join(", ")
            )));
        }
    }
    let filters = Filters {
        sources,
        exclude_sources: exclude_dataset.into_iter().collect(),
        exclude_schema,
        changed_since,
        ..Filters::default()
    };
    // Whether `values` pass a filter of `wanted` under `filter_op`.
    fn passes<W: AsRef<str>>(all_of: bool, wanted: &[W], values: &[&str]) -> bool {
        let has = |w: &W| values.contains(&w.as_ref());
        wanted.is_empty()
            || if all_of {
                wanted.iter().all(has)
            } else {
                wanted.iter().any(has)
            }
    }
    let admits = move |snapshot: &Snapshot, position: usize| {
        let Some(e) = snapshot.parties.get(position).map(|p| &p.entity) else {
            return false;
        };
        filters.admits_at(snapshot, position)
            && (schema.is_empty() || schema.iter().any(|s| query::schema_covers(s, e.kind)))
            && passes(all_of, &countries, &countries_of(e))
            && passes(all_of, &topics, &query::topics_of(e))
            && target_only.is_none_or(|t| t != e.designations.is_empty())
            && (programs.is_empty() || e.programs().iter().any(|p| programs.contains(*p)))
    };
    let q = params.last("q").map(str::trim).unwrap_or("").to_string();
    let prepared = if q.is_empty() {
        None
    } else {
        Some(query::prepare(
            "parameter q",
            &Query::name(q.as_str()),
            limits,
        )?)
    };
    let run = move |cancel: &Cancel| -> Result<SearchResponse, ApiError> {
        // (position, score) of every party found, best first.
        let found: Vec<(u32, Option<f64>)> = if let Some(prepared) = prepared {
            let (_, hits) = query::score(
                &snapshot,
                &Matcher::default(),
                &prepared,
                &Filters::default(),
                // Search ranks every candidate sharing a name key with `q`, as a full-text
                // search would; one word of a long name scores low but is still a hit.
                0.0,
                usize::MAX,
                cancel,
            )?;
            hits.into_iter()
                .filter(|(i, _)| admits(&snapshot, *i as usize))
                .map(|(i, h)| (i, Some(h.score)))
                .collect()
        } else {
            let mut found = Vec::new();
            for i in 0..snapshot.parties.len() {
                if i % 1024 == 0 && cancel.is_cancelled() {
                    return Err(Cancelled.into());
                }
                if admits(&snapshot, i) {
                    found.push((i as u32, None));
                }
            }
            found
        };
        let mut facets = BTreeMap::new();
        for name in &facet_names {
            if cancel.is_cancelled() {
                return Err(Cancelled.into());
            }
            facets.insert(name.clone(), facet(&snapshot, name, &found));
        }
        let results = found
            .iter()
            .skip(offset)
            .take(limit)
            .filter_map(|(i, score)| {
                Some(SearchResult {
                    entity: entity_response(&snapshot, *i as usize, false)?,
                    score: *score,
                })
            })
            .collect();
        Ok(SearchResponse {
            limit,
            offset,
            total: TotalSpec {
                value: found.len(),
                relation: "eq",
            },
            results,
            facets,
        })
    };
    Ok(Json(state.scoring.run(deadline, run).await?))
}

fn countries_of(e: &Entity) -> Vec<&str> {
    let mut out: Vec<&str> = e
        .nationalities
        .iter()
        .chain(&e.citizenships)
        .chain(&e.countries)
        .map(|c| c.code.as_str())
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn facet(snapshot: &Snapshot, name: &str, found: &[(u32, Option<f64>)]) -> SearchFacet {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for (i, _) in found {
        let Some(p) = snapshot.parties.get(*i as usize) else {
            continue;
        };
        let e = &p.entity;
        let values: Vec<String> = match name {
            "countries" => countries_of(e)
                .iter()
                .map(|c| c.to_ascii_lowercase())
                .collect(),
            "topics" => query::topics_of(e).iter().map(|t| t.to_string()).collect(),
            "datasets" => vec![e.source.clone()],
            "schema" => vec![query::schema_of(e.kind).to_string()],
            _ => {
                let mut p: Vec<String> = e.programs().iter().map(|p| p.to_string()).collect();
                p.sort();
                p.dedup();
                p
            }
        };
        for v in values {
            *counts.entry(v).or_default() += 1;
        }
    }
    let mut values: Vec<SearchFacetItem> = counts
        .into_iter()
        .map(|(value, count)| SearchFacetItem {
            label: match name {
                "countries" => sanctum_model::country::name(&value)
                    .unwrap_or(value.as_str())
                    .to_string(),
                "datasets" => sanctum_sources::catalog::source(&value)
                    .map(|s| s.title.to_string())
                    .unwrap_or_else(|| value.clone()),
                _ => value.clone(),
            },
            name: value,
            count,
        })
        .collect();
    values.sort_by(|a, b| b.count.cmp(&a.count).then(a.name.cmp(&b.name)));
    values.truncate(100);
    let label = match name {
        "countries" => "Countries",
        "topics" => "Topics",
        "datasets" => "Data sources",
        "schema" => "Entity types",
        _ => "Programs",
    };
    SearchFacet {
        label: label.to_string(),
        values,
    }
}

/// One party, with its sanctions, identifications and addresses nested (yente's `/entities`).
#[utoipa::path(
    get, path = "/entities/{id}", tag = "matching",
    params(
        ("id" = String, Path, description = "The party's FtM id, as `sanctum export` writes it (`us-ofac-sdn-35096`); an id of the earlier scheme (`us_ofac_sdn-35096`, `us_ofac_sdn:35096`, `us_ofac_sdn-35096.sanction.0`) is redirected to it"),
        ("nested" = Option<bool>, Query, description = "Nest sub-entities (default true)"),
    ),
    responses(
        (status = 200, body = EntityResponse),
        (status = 308, description = "An id of the earlier scheme: `Location` gives the current one (yente redirects a merged entity's old id the same way)",
            headers(("Location" = String, description = "`/entities/{current id}`"))),
        (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
async fn get_entity(
    _auth: Authorized<ReadScope>,
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<axum::response::Response, ApiError> {
    let nested = Params::parse(raw.clone()).flag("nested", true)?;
    let snapshot = state.snapshot();
    if let Some(entity) = snapshot
        .position(&id)
        .and_then(|i| entity_response(&snapshot, i, nested))
    {
        return Ok(Json(entity).into_response());
    }
    // Current ids are [0-9A-Za-z.-] only: nothing in the location needs escaping.
    let current = snapshot
        .current_id(&id)
        .ok_or_else(|| ApiError::not_found(format!("no current party with id {id:?}")))?;
    let query = raw.map(|q| format!("?{q}")).unwrap_or_default();
    Ok(axum::response::Redirect::permanent(&format!("/entities/{current}{query}")).into_response())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DatasetModel {
    pub name: String,
    pub title: String,
    pub summary: Option<String>,
    pub url: Option<String>,
    pub load: bool,
    pub entities_url: Option<String>,
    /// The source's current version: `{seq}` or `{seq}-{published}`.
    pub version: String,
    pub index_version: Option<String>,
    pub index_current: bool,
    pub children: Vec<String>,
    pub entity_count: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogResponse {
    pub datasets: Vec<DatasetModel>,
    pub current: Vec<String>,
    pub outdated: Vec<String>,
    pub index_stale: bool,
}

/// The datasets served: one per source, and `default` for them all (yente's `/catalog`).
#[utoipa::path(
    get, path = "/catalog", tag = "matching",
    responses((status = 200, body = CatalogResponse)),
    security(("api_key" = []))
)]
async fn catalog(
    _auth: Authorized<ReadScope>,
    State(state): State<AppState>,
) -> Json<CatalogResponse> {
    let snapshot = state.snapshot();
    let mut datasets: Vec<DatasetModel> = snapshot
        .sources
        .values()
        .map(|s| {
            let info = sanctum_sources::catalog::source(&s.source);
            let version = match &s.published {
                Some(p) => format!("{}-{p}", s.seq),
                None => s.seq.to_string(),
            };
            DatasetModel {
                name: s.source.clone(),
                title: info
                    .map(|i| i.title.to_string())
                    .unwrap_or_else(|| s.source.clone()),
                summary: info.map(|i| format!("Published by {}", i.authority)),
                url: info
                    .and_then(|i| i.files.first())
                    .map(|f| f.url.to_string()),
                load: true,
                entities_url: None,
                index_version: Some(version.clone()),
                version,
                index_current: true,
                children: Vec::new(),
                entity_count: s.party_count,
            }
        })
        .collect();
    let children: Vec<String> = snapshot.sources.keys().cloned().collect();
    datasets.insert(
        0,
        DatasetModel {
            name: "default".into(),
            title: "Every list sanctum serves".into(),
            summary: None,
            url: None,
            load: true,
            entities_url: None,
            version: snapshot.built_at.to_string(),
            index_version: Some(snapshot.built_at.to_string()),
            index_current: true,
            children: children.clone(),
            entity_count: snapshot.parties.len() as u64,
        },
    );
    let mut current = vec!["default".to_string()];
    current.extend(children);
    Json(CatalogResponse {
        datasets,
        current,
        outdated: Vec::new(),
        index_stale: false,
    })
}

// ---------------------------------------------------------------------------------------
// sanctum's /v1.

/// An identifying number of a screened record.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScreenIdentifier {
    /// passport, national_id, tax_id, registration, imo, mmsi, call_sign, swift_bic, lei…;
    /// absent: any kind.
    pub kind: Option<String>,
    pub value: String,
}

/// One record to screen: a customer, a counterparty, a vessel.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScreenRecord {
    /// The caller's reference, echoed back.
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    pub name: Option<String>,
    /// More names (aliases, other scripts).
    #[serde(default)]
    pub names: Vec<String>,
    /// person, organization, vessel, aircraft.
    pub kind: Option<String>,
    /// ISO date, full or partial: 1952-10-07, 1952-10, 1952.
    pub birth_date: Option<String>,
    #[serde(default)]
    pub birth_dates: Vec<String>,
    /// ISO codes or English names.
    #[serde(default)]
    pub countries: Vec<String>,
    /// male, female, other.
    pub gender: Option<String>,
    #[serde(default)]
    pub identifiers: Vec<ScreenIdentifier>,
}

fn parse_kind(text: &str) -> Option<EntityKind> {
    Some(match text.trim().to_ascii_lowercase().as_str() {
        "person" | "individual" => EntityKind::Person,
        "organization" | "organisation" | "company" | "entity" => EntityKind::Organization,
        "vessel" => EntityKind::Vessel,
        "aircraft" | "airplane" => EntityKind::Aircraft,
        _ => return None,
    })
}

fn parse_id_kind(text: &str) -> Option<IdKind> {
    serde_json::from_value(Value::String(text.trim().to_ascii_lowercase())).ok()
}

fn record_query(label: &str, r: &ScreenRecord, limits: &Limits) -> Result<PreparedQuery, ApiError> {
    let bad = |msg: String| ApiError::bad_request(format!("{label}: {msg}"));
    let kind = match &r.kind {
        None => None,
        Some(k) => Some(parse_kind(k).ok_or_else(|| {
            bad(format!(
                "kind {k:?} is not one of person, organization, vessel, aircraft"
            ))
        })?),
    };
    let gender = match &r.gender {
        None => None,
        Some(g) => Some(
            query::parse_gender(g)
                .ok_or_else(|| bad(format!("gender {g:?} is not one of male, female, other")))?,
        ),
    };
    let mut identifiers = Vec::with_capacity(r.identifiers.len().min(limits.max_query_values));
    for i in &r.identifiers {
        let kind = match &i.kind {
            None => None,
            Some(k) => Some(
                parse_id_kind(k).ok_or_else(|| bad(format!("unknown identifier kind {k:?}")))?,
            ),
        };
        identifiers.push(QueryId {
            kind,
            value: i.value.clone(),
        });
    }
    let q = Query {
        names: r.name.iter().chain(&r.names).cloned().collect(),
        kind,
        birth_dates: r.birth_date.iter().chain(&r.birth_dates).cloned().collect(),
        countries: r.countries.clone(),
        gender,
        identifiers,
    };
    query::prepare(label, &q, limits)
}

/// A listed party found for a record.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScreenMatch {
    pub id: String,
    pub source: String,
    pub source_id: String,
    pub caption: String,
    pub kind: &'static str,
    pub score: f64,
    /// Whether the score reaches the threshold.
    #[serde(rename = "match")]
    pub is_match: bool,
    pub programs: Vec<String>,
    #[schema(value_type = Object)]
    pub explanation: Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScreenResult {
    #[serde(rename = "ref", skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Parties at or above the cutoff, best first.
    pub matches: Vec<ScreenMatch>,
    /// How many parties reached the cutoff (before the limit).
    pub total: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScreenResponse {
    #[serde(flatten)]
    pub result: ScreenResult,
    pub threshold: f64,
    /// Source → version screened against.
    pub versions: BTreeMap<String, u32>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchRequest {
    pub records: Vec<ScreenRecord>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BatchResponse {
    /// One per record, in the order given.
    pub results: Vec<ScreenResult>,
    pub threshold: f64,
    pub versions: BTreeMap<String, u32>,
}

pub(crate) struct ScreenOptions {
    pub(crate) threshold: f64,
    cutoff: f64,
    pub(crate) limit: usize,
    pub(crate) filters: Filters,
}

pub(crate) fn screen_options(
    snapshot: &Snapshot,
    params: &Params,
) -> Result<ScreenOptions, ApiError> {
    let threshold = params.number("threshold", DEFAULT_THRESHOLD, 0.0, 1.0)?;
    let cutoff = params.number("cutoff", threshold, 0.0, 1.0)?.min(threshold);
    let limit = params.count("limit", 10, 1, SCREEN_MAX_LIMIT)?;
    let sources = params.all("source");
    check_sources(snapshot, "source", &sources)?;
    Ok(ScreenOptions {
        threshold,
        cutoff,
        limit,
        filters: Filters {
            sources: (!sources.is_empty()).then(|| sources.into_iter().collect()),
            ..Filters::default()
        },
    })
}

fn screen_record(
    snapshot: &Snapshot,
    matcher: &Matcher,
    options: &ScreenOptions,
    reference: Option<String>,
    q: &PreparedQuery,
    cancel: &Cancel,
) -> Result<ScreenResult, Cancelled> {
    let (total, hits) = query::score(
        snapshot,
        matcher,
        q,
        &options.filters,
        options.cutoff,
        options.limit,
        cancel,
    )?;
    let matches = hits
        .into_iter()
        .filter_map(|(i, hit)| {
            let e = &snapshot.parties.get(i as usize)?.entity;
            Some(ScreenMatch {
                id: api_id(e),
                source: e.source.clone(),
                source_id: e.source_id.clone(),
                caption: e.caption().to_string(),
                kind: e.kind.as_str(),
                score: hit.score,
                is_match: hit.score >= options.threshold,
                programs: e.programs().iter().map(|p| p.to_string()).collect(),
                explanation: serde_json::to_value(&hit.explanation).unwrap_or(Value::Null),
            })
        })
        .collect();
    Ok(ScreenResult {
        reference,
        matches,
        total,
    })
}

pub(crate) fn versions_of(snapshot: &Snapshot) -> BTreeMap<String, u32> {
    snapshot
        .sources
        .values()
        .map(|s| (s.source.clone(), s.seq))
        .collect()
}

/// Screen one record against every list (or `source=` ones).
#[utoipa::path(
    post, path = "/v1/screen", tag = "screening",
    params(
        ("threshold" = Option<f64>, Query, description = "Score at which a party is a match (default 0.80)"),
        ("cutoff" = Option<f64>, Query, description = "Lowest score returned (default: the threshold)"),
        ("limit" = Option<usize>, Query, description = "Most matches returned (default 10, at most 100)"),
        ("source" = Option<Vec<String>>, Query, description = "Only these sources"),
    ),
    request_body = ScreenRecord,
    responses(
        (status = 200, body = ScreenResponse),
        (status = 400, body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
async fn screen_one(
    _auth: Authorized<ScreenScope>,
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    ApiJson(record): ApiJson<ScreenRecord>,
) -> Result<Json<ScreenResponse>, ApiError> {
    let deadline = request_deadline(&state);
    let snapshot = state.snapshot();
    let options = screen_options(&snapshot, &Params::parse(raw))?;
    let q = record_query("record", &record, &state.config.limits)?;
    state
        .metrics
        .screened_records
        .fetch_add(1, Ordering::Relaxed);
    let versions = versions_of(&snapshot);
    let threshold = options.threshold;
    let result = state
        .scoring
        .run(deadline, move |cancel| {
            let matcher = Matcher::default();
            Ok(screen_record(
                &snapshot,
                &matcher,
                &options,
                record.reference,
                &q,
                cancel,
            )?)
        })
        .await?;
    Ok(Json(ScreenResponse {
        result,
        threshold,
        versions,
    }))
}

/// Screen up to `max_batch` (default 1,000) records in one request.
#[utoipa::path(
    post, path = "/v1/screen/batch", tag = "screening",
    params(
        ("threshold" = Option<f64>, Query, description = "Score at which a party is a match (default 0.80)"),
        ("cutoff" = Option<f64>, Query, description = "Lowest score returned (default: the threshold)"),
        ("limit" = Option<usize>, Query, description = "Most matches per record (default 10, at most 100)"),
        ("source" = Option<Vec<String>>, Query, description = "Only these sources"),
    ),
    request_body = BatchRequest,
    responses(
        (status = 200, body = BatchResponse),
        (status = 400, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 413, body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
async fn screen_batch(
    _auth: Authorized<ScreenScope>,
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    ApiJson(batch): ApiJson<BatchRequest>,
) -> Result<Json<BatchResponse>, ApiError> {
    let deadline = request_deadline(&state);
    let snapshot = state.snapshot();
    let options = screen_options(&snapshot, &Params::parse(raw))?;
    let limits = &state.config.limits;
    check_batch("records", batch.records.len(), limits)?;
    let queries: Vec<(Option<String>, PreparedQuery)> = batch
        .records
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            Ok((
                r.reference.clone(),
                record_query(&format!("records[{i}]"), &r, limits)?,
            ))
        })
        .collect::<Result<_, ApiError>>()?;
    state
        .metrics
        .screened_records
        .fetch_add(queries.len() as u64, Ordering::Relaxed);
    let threshold = options.threshold;
    let versions = versions_of(&snapshot);
    let results = state
        .scoring
        .run(deadline, move |cancel| {
            let matcher = Matcher::default();
            let mut results = Vec::with_capacity(queries.len());
            for (reference, q) in queries {
                results.push(screen_record(
                    &snapshot, &matcher, &options, reference, &q, cancel,
                )?);
            }
            Ok(results)
        })
        .await?;
    Ok(Json(BatchResponse {
        results,
        threshold,
        versions,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SourceOut {
    pub source: String,
    pub title: Option<String>,
    /// The version served.
    pub version: u32,
    pub published: Option<String>,
    pub fetched_at: String,
    pub parties: u64,
    pub versions: u32,
    pub age_seconds: i64,
}

/// The sources served, with their current version and age.
#[utoipa::path(
    get, path = "/v1/sources", tag = "lists",
    responses((status = 200, body = Vec<SourceOut>)),
    security(("api_key" = []))
)]
async fn list_sources(
    _auth: Authorized<ReadScope>,
    State(state): State<AppState>,
) -> Json<Vec<SourceOut>> {
    let snapshot = state.snapshot();
    let ages: HashMap<String, i64> = state.source_ages().into_iter().collect();
    Json(
        snapshot
            .sources
            .values()
            .map(|s| SourceOut {
                source: s.source.clone(),
                title: sanctum_sources::catalog::source(&s.source).map(|i| i.title.to_string()),
                version: s.seq,
                published: s.published.clone(),
                fetched_at: s.fetched_at.clone(),
                parties: s.party_count,
                versions: s.version_count,
                age_seconds: ages.get(&s.source).copied().unwrap_or(i64::MAX),
            })
            .collect(),
    )
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VersionOut {
    pub seq: u32,
    pub published: Option<String>,
    pub fetched_at: String,
    pub sha256: String,
    pub file_name: String,
    pub parties: u64,
    pub added: u64,
    pub removed: u64,
    pub amended: u64,
    #[schema(value_type = Object)]
    pub counts_by_kind: BTreeMap<String, u64>,
}

fn version_out(v: sanctum_store::VersionInfo) -> VersionOut {
    VersionOut {
        seq: v.seq,
        published: v.published.map(|d| d.to_string()),
        fetched_at: v.fetched_at,
        sha256: v.sha256,
        file_name: v.file_name,
        parties: v.party_count,
        added: v.added,
        removed: v.removed,
        amended: v.amended,
        counts_by_kind: v.counts_by_kind,
    }
}

/// Every stored version of a source, oldest first.
#[utoipa::path(
    get, path = "/v1/sources/{source}/versions", tag = "lists",
    params(("source" = String, Path, description = "A source key")),
    responses(
        (status = 200, body = Vec<VersionOut>),
        (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
async fn list_versions(
    _auth: Authorized<ReadScope>,
    State(state): State<AppState>,
    Path(source): Path<String>,
) -> Result<Json<Vec<VersionOut>>, ApiError> {
    let versions = state
        .with_store(move |store| {
            let versions = store.versions(&source)?;
            if versions.is_empty() {
                return Err(ApiError::not_found(format!("no stored source {source:?}")));
            }
            Ok(versions)
        })
        .await?;
    Ok(Json(versions.into_iter().map(version_out).collect()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartyRef {
    pub id: String,
    pub caption: String,
    pub kind: &'static str,
    /// Top-level fields that changed (amendments only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<&'static str>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DiffOut {
    pub source: String,
    pub from: VersionOut,
    pub to: VersionOut,
    pub added: Vec<PartyRef>,
    pub removed: Vec<PartyRef>,
    pub amended: Vec<PartyRef>,
}

fn party_ref(e: &Entity, fields: Vec<&'static str>) -> PartyRef {
    PartyRef {
        id: api_id(e),
        caption: e.caption().to_string(),
        kind: e.kind.as_str(),
        fields,
    }
}

/// What changed in a source between two versions (default: the current one and the one
/// before it).
#[utoipa::path(
    get, path = "/v1/sources/{source}/diff", tag = "lists",
    params(
        ("source" = String, Path, description = "A source key"),
        ("from" = Option<u32>, Query, description = "Earlier version (default: `to` - 1)"),
        ("to" = Option<u32>, Query, description = "Later version (default: current)"),
    ),
    responses(
        (status = 200, body = DiffOut),
        (status = 400, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
async fn diff_versions(
    _auth: Authorized<ReadScope>,
    State(state): State<AppState>,
    Path(source): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<DiffOut>, ApiError> {
    let params = Params::parse(raw);
    let to = params
        .last("to")
        .is_some()
        .then(|| params.count("to", 0, 1, u32::MAX as usize))
        .transpose()?;
    let from = params
        .last("from")
        .is_some()
        .then(|| params.count("from", 0, 1, u32::MAX as usize))
        .transpose()?;
    let diff = state
        .with_store(move |store| {
            let current = store
                .current_version(&source)?
                .ok_or_else(|| ApiError::not_found(format!("no stored source {source:?}")))?;
            let to = to.map(|t| t as u32).unwrap_or(current.seq);
            let from = from
                .map(|f| f as u32)
                .unwrap_or(to.saturating_sub(1).max(1));
            for seq in [from, to] {
                if seq > current.seq {
                    return Err(ApiError::not_found(format!(
                        "{source} has no version {seq} (latest: {})",
                        current.seq
                    )));
                }
            }
            if from > to {
                return Err(ApiError::bad_request(format!(
                    "from ({from}) must not be after to ({to})"
                )));
            }
            Ok(store.diff(&source, from, to)?)
        })
        .await?;
    Ok(Json(DiffOut {
        source: diff.to.source.clone(),
        added: diff
            .added
            .iter()
            .map(|e| party_ref(e, Vec::new()))
            .collect(),
        removed: diff
            .removed
            .iter()
            .map(|e| party_ref(e, Vec::new()))
            .collect(),
        amended: diff
            .amended
            .iter()
            .map(|a| party_ref(&a.after, a.fields.clone()))
            .collect(),
        from: version_out(diff.from),
        to: version_out(diff.to),
    }))
}

/// Fetch and ingest new publications now, then swap in the new index (admin).
///
/// One update runs at a time: while one runs (started here or by the schedule), this
/// answers 409 with the running update's state and starts nothing. The update runs to its
/// end (at most `update_timeout`) whatever happens to this request: when it ends within the
/// request's time the answer is its outcome (200), otherwise 202 with its state, and
/// `GET /v1/admin/update` tells how it ended; what it stores is served as soon as it ends.
#[utoipa::path(
    post, path = "/v1/admin/update", tag = "admin",
    params(("fetch" = Option<bool>, Query, description = "false: only re-read the store (default true)")),
    responses(
        (status = 200, description = "The update ended", body = UpdateOutcome),
        (status = 202, description = "The update runs on; poll GET /v1/admin/update", body = UpdateState),
        (status = 409, description = "An update is already running; its state is in `update`", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
async fn admin_update(
    _auth: Authorized<AdminScope>,
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let fetch = Params::parse(raw).flag("fetch", true)?;
    let done = match state.start_update(fetch) {
        Ok(done) => done,
        Err(running) => {
            let detail = format!(
                "an update is already running (since {}); see GET /v1/admin/update",
                running.started_at.as_deref().unwrap_or("now")
            );
            let mut members = serde_json::Map::new();
            members.insert(
                "update".into(),
                serde_json::to_value(&running).unwrap_or(Value::Null),
            );
            return Ok(problem_with_members(StatusCode::CONFLICT, detail, members));
        }
    };
    // Answer before the timeout layer would: the outcome if the update ends in time.
    let wait = state.config.limits.request_timeout.mul_f64(0.8);
    match tokio::time::timeout(wait, crate::updates::wait(done)).await {
        Ok(outcome) => Ok(Json(outcome?).into_response()),
        Err(_) => Ok((StatusCode::ACCEPTED, Json(state.update_state())).into_response()),
    }
}

/// Whether an update runs now, and how the last one ended (admin).
#[utoipa::path(
    get, path = "/v1/admin/update", tag = "admin",
    responses((status = 200, body = UpdateState)),
    security(("api_key" = []))
)]
async fn update_status(
    _auth: Authorized<AdminScope>,
    State(state): State<AppState>,
) -> Json<UpdateState> {
    Json(state.update_state())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewKey {
    pub name: String,
    pub scopes: Vec<Scope>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedKey {
    /// The key: shown once, stored only as its hash.
    pub key: String,
    pub record: KeyRecord,
}

/// The API keys (hashes, names, scopes) (admin).
#[utoipa::path(
    get, path = "/v1/admin/keys", tag = "admin",
    responses((status = 200, body = Vec<KeyRecord>)),
    security(("api_key" = []))
)]
async fn list_keys(
    _auth: Authorized<AdminScope>,
    State(state): State<AppState>,
) -> Json<Vec<KeyRecord>> {
    Json(state.keys.list())
}

/// Create an API key (admin).
#[utoipa::path(
    post, path = "/v1/admin/keys", tag = "admin",
    request_body = NewKey,
    responses(
        (status = 201, body = CreatedKey),
        (status = 400, body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
async fn create_key(
    _auth: Authorized<AdminScope>,
    State(state): State<AppState>,
    ApiJson(new): ApiJson<NewKey>,
) -> Result<(StatusCode, Json<CreatedKey>), ApiError> {
    let name = new.name.trim();
    if name.is_empty() || new.name.chars().count() > MAX_KEY_NAME_CHARS {
        return Err(ApiError::bad_request(format!(
            "name: give a name of 1 to {MAX_KEY_NAME_CHARS} characters"
        )));
    }
    // Names are printed by `sanctum keys list`: no terminal escapes or bidi overrides.
    if name.chars().any(crate::auth::is_unprintable) {
        return Err(ApiError::bad_request(
            "name: control and bidirectional-override characters are not allowed",
        ));
    }
    if new.scopes.is_empty() {
        return Err(ApiError::bad_request(
            "scopes: give at least one of screen, read, admin",
        ));
    }
    // File I/O under a lock another process may hold: off the async workers.
    let name = name.to_string();
    let keys = state.clone();
    let (key, record) = tokio::task::spawn_blocking(move || keys.keys.create(&name, &new.scopes))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    Ok((StatusCode::CREATED, Json(CreatedKey { key, record })))
}

/// Revoke an API key by id (admin).
#[utoipa::path(
    delete, path = "/v1/admin/keys/{id}", tag = "admin",
    params(("id" = String, Path, description = "The key's id")),
    responses(
        (status = 204),
        (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
async fn revoke_key(
    _auth: Authorized<AdminScope>,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let keys = state.clone();
    let target = id.clone();
    let revoked = tokio::task::spawn_blocking(move || keys.keys.revoke(&target))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    if revoked {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found(format!("no key with id {id:?}")))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    pub status: &'static str,
}

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, body = Health)))]
async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SourceAge {
    pub source: String,
    pub version: u32,
    pub age_seconds: i64,
    pub max_age_seconds: Option<u64>,
    pub ok: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Readiness {
    pub status: &'static str,
    pub parties: usize,
    pub sources: Vec<SourceAge>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_update_error: Option<String>,
}

/// Readiness: lists are loaded and no source is older than the configured maximum.
/// 503 (a problem document with the same `sources`) otherwise.
#[utoipa::path(
    get, path = "/readyz", tag = "operations",
    responses((status = 200, body = Readiness), (status = 503, body = Readiness))
)]
async fn readyz(State(state): State<AppState>) -> Response {
    let snapshot = state.snapshot();
    let max = state.config.max_source_age.map(|d| d.as_secs());
    let sources: Vec<SourceAge> = state
        .source_ages()
        .into_iter()
        .map(|(source, age)| SourceAge {
            version: snapshot.sources.get(&source).map(|s| s.seq).unwrap_or(0),
            ok: max.is_none_or(|m| age >= 0 && (age as u64) <= m),
            source,
            age_seconds: age,
            max_age_seconds: max,
        })
        .collect();
    let stale: Vec<&str> = sources
        .iter()
        .filter(|s| !s.ok)
        .map(|s| s.source.as_str())
        .collect();
    let empty = snapshot.parties.is_empty();
    let ready = stale.is_empty() && !empty;
    let body = Readiness {
        status: if ready { "ok" } else { "unavailable" },
        parties: snapshot.parties.len(),
        sources: Vec::new(),
        last_update_error: state.last_update_error(),
    };
    if ready {
        return Json(Readiness { sources, ..body }).into_response();
    }
    let detail = if empty {
        "no lists loaded: run `sanctum update`".to_string()
    } else {
        format!("sources older than allowed: {}", stale.join(", "))
    };
    let mut problem = serde_json::json!({
        "type": "about:blank",
        "title": "Service Unavailable",
        "status": 503,
        "detail": detail,
        "parties": body.parties,
        "sources": sources,
    });
    if let Some(error) = body.last_update_error {
        problem["last_update_error"] = Value::String(error);
    }
    let mut response = (StatusCode::SERVICE_UNAVAILABLE, Json(problem)).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    response
}

/// Prometheus metrics: requests, latencies, index size, source ages, updates.
#[utoipa::path(get, path = "/metrics", tag = "operations", responses((status = 200, body = String, content_type = "text/plain")))]
async fn metrics(State(state): State<AppState>) -> Response {
    use std::fmt::Write as _;
    let snapshot: Arc<Snapshot> = state.snapshot();
    let mut extra = String::new();
    let max = state.config.max_source_age.map(|d| d.as_secs() as i64);
    let _ = writeln!(
        extra,
        "# HELP sanctum_index_parties Parties in the served index.\n# TYPE sanctum_index_parties gauge\nsanctum_index_parties {}",
        snapshot.parties.len()
    );
    let _ = writeln!(
        extra,
        "# HELP sanctum_index_build_seconds Time the served index took to build.\n# TYPE sanctum_index_build_seconds gauge\nsanctum_index_build_seconds {}",
        snapshot.built_in.as_secs_f64()
    );
    let _ = writeln!(
        extra,
        "# HELP sanctum_source_age_seconds Age of each source: since its version was fetched or last confirmed current.\n# TYPE sanctum_source_age_seconds gauge"
    );
    let ages = state.source_ages();
    for (source, age) in &ages {
        let _ = writeln!(
            extra,
            "sanctum_source_age_seconds{{source=\"{}\"}} {age}",
            crate::metrics::escape(source)
        );
    }
    let _ = writeln!(
        extra,
        "# HELP sanctum_source_stale 1 when a source is older than the configured maximum.\n# TYPE sanctum_source_stale gauge"
    );
    for (source, age) in &ages {
        let stale = max.is_some_and(|m| *age > m);
        let _ = writeln!(
            extra,
            "sanctum_source_stale{{source=\"{}\"}} {}",
            crate::metrics::escape(source),
            u8::from(stale)
        );
    }
    let _ = writeln!(
        extra,
        "# HELP sanctum_source_version Version of each source served.\n# TYPE sanctum_source_version gauge"
    );
    for s in snapshot.sources.values() {
        let _ = writeln!(
            extra,
            "sanctum_source_version{{source=\"{}\"}} {}",
            crate::metrics::escape(&s.source),
            s.seq
        );
    }
    let _ = writeln!(
        extra,
        "# HELP sanctum_update_failures_total Update runs that did not confirm a source current (its download failed or its publication was rejected).\n# TYPE sanctum_update_failures_total counter"
    );
    let mut failures = state.metrics.source_failures();
    for s in snapshot.sources.keys() {
        failures.entry(s.clone()).or_default();
    }
    for (source, n) in &failures {
        let _ = writeln!(
            extra,
            "sanctum_update_failures_total{{source=\"{}\"}} {n}",
            crate::metrics::escape(source)
        );
    }
    let _ = writeln!(
        extra,
        "# HELP sanctum_scoring_jobs Scoring jobs running on the blocking pool.\n# TYPE sanctum_scoring_jobs gauge\nsanctum_scoring_jobs {}",
        state.scoring.running.load(Ordering::Relaxed)
    );
    let _ = writeln!(
        extra,
        "# HELP sanctum_scoring_stopped_total Scoring jobs stopped before their end: past their request's deadline, or their client gone.\n# TYPE sanctum_scoring_stopped_total counter\nsanctum_scoring_stopped_total {}",
        state.scoring.stopped.load(Ordering::Relaxed)
    );
    let _ = writeln!(
        extra,
        "# HELP sanctum_uptime_seconds Seconds since the server started.\n# TYPE sanctum_uptime_seconds gauge\nsanctum_uptime_seconds {}",
        state.started.elapsed().as_secs()
    );
    extra.push_str(&state.review_metrics().await);
    let text = state.metrics.render(&extra);
    let mut response = text.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}
