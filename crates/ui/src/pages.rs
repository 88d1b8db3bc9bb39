//! The pages' templates (`templates/*.html`, checked at compile time, every value
//! HTML-escaped) and the views they are filled from.

use askama::Template;
use sanctum_review::alerts::AlertRecord;
use sanctum_review::audit::Entry;
use sanctum_review::{AlertState, Policy};
use serde_json::Value;

/// The states in the order of the workflow, for the queue's filter and counts.
pub const STATES: &[AlertState] = AlertState::ALL;

/// The signed-in user, as every page shows them.
pub struct UserView {
    pub name: String,
    pub role: String,
    /// The session's token, put in every form.
    pub csrf: String,
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub csrf: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub status: u16,
    pub message: String,
}

/// One line of the queue.
pub struct QueueRow {
    pub id: i64,
    pub customer: String,
    pub customer_id: String,
    pub listed: String,
    pub lists: String,
    pub score: String,
    pub state: String,
    pub cause: String,
    pub assignee: String,
    pub since: String,
    /// Past the SLA hours of its state (`[review] sla_hours`).
    pub overdue: bool,
}

impl QueueRow {
    pub fn new(alert: &AlertRecord, policy: &Policy, now: jiff::Timestamp) -> QueueRow {
        let overdue = policy.sla_hours.get(&alert.state).is_some_and(|&hours| {
            alert
                .state_since
                .parse::<jiff::Timestamp>()
                .is_ok_and(|since| {
                    now.duration_since(since).as_secs_f64() > f64::from(hours) * 3600.0
                })
        });
        let mut lists: Vec<&str> = alert
            .designations
            .iter()
            .flat_map(|designated| designated.lists.iter().map(String::as_str))
            .collect();
        lists.sort_unstable();
        lists.dedup();
        QueueRow {
            id: alert.id,
            customer: facet_text(&alert.customer_facets, "names"),
            customer_id: format!("{} / {}", alert.book, alert.customer_id),
            listed: alert
                .designations
                .iter()
                .find(|designated| designated.hit)
                .or(alert.designations.first())
                .map(|designated| designated.caption.clone())
                .unwrap_or_else(|| alert.target.clone()),
            lists: lists.join(", "),
            score: format!("{:.2}", alert.score),
            state: alert.state.as_str().to_string(),
            cause: alert.cause.as_str().to_string(),
            assignee: alert.assignee.clone().unwrap_or_default(),
            since: alert
                .state_since
                .chars()
                .take(16)
                .collect::<String>()
                .replace('T', " "),
            overdue,
        }
    }
}

#[derive(Template)]
#[template(path = "queue.html")]
pub struct QueuePage {
    pub user: UserView,
    /// The state filtered on; empty for all.
    pub state: String,
    pub states: Vec<&'static str>,
    pub counts: Vec<(String, u64)>,
    pub rows: Vec<QueueRow>,
    /// The filters as given, to fill the form and the paging links.
    pub source: String,
    pub program: String,
    pub min_score: String,
    pub assignee: String,
    pub book: String,
    pub min_age_hours: String,
    /// The query string of the filters (state aside), for the links.
    pub filters: String,
    pub next_after: Option<i64>,
}

impl QueuePage {
    pub fn new(
        user: UserView,
        query: &crate::QueueQuery,
        state: Option<AlertState>,
        counts: Vec<(String, u64)>,
        rows: Vec<QueueRow>,
        next_after: Option<i64>,
    ) -> QueuePage {
        let text = |value: &Option<String>| value.as_deref().unwrap_or("").trim().to_string();
        let given = [
            ("source", text(&query.source)),
            ("program", text(&query.program)),
            ("min_score", text(&query.min_score)),
            ("assignee", text(&query.assignee)),
            ("book", text(&query.book)),
            ("min_age_hours", text(&query.min_age_hours)),
        ];
        let filters = given
            .iter()
            .filter(|(_, value)| !value.is_empty())
            .map(|(key, value)| format!("&{key}={}", encode(value)))
            .collect::<String>();
        let [source, program, min_score, assignee, book, min_age_hours] = given.map(|(_, v)| v);
        QueuePage {
            user,
            state: state.map(|s| s.as_str().to_string()).unwrap_or_default(),
            states: STATES.iter().map(|s| s.as_str()).collect(),
            counts,
            rows,
            source,
            program,
            min_score,
            assignee,
            book,
            min_age_hours,
            filters,
            next_after,
        }
    }
}

/// Percent-encodes a query value (letters, digits and `-_.~` stay).
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (byte as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

pub struct ListRow {
    pub source: String,
    pub version: u32,
    pub versions: u32,
    pub published: String,
    pub fetched: String,
    pub parties: u64,
    pub age_hours: String,
}

#[derive(Template)]
#[template(path = "lists.html")]
pub struct ListsPage {
    pub user: UserView,
    pub rows: Vec<ListRow>,
}

/// Alerts per state, in workflow order.
pub fn state_counts(counts: &sanctum_server::review::Counts) -> Vec<(String, u64)> {
    STATES
        .iter()
        .map(|state| {
            (
                state.as_str().to_string(),
                counts.get(state).copied().unwrap_or(0),
            )
        })
        .collect()
}

/// A facet of a fingerprint (`names`, `birth_dates`, `countries`, `identifiers`, `kind`) as
/// text: a list joined with semicolons.
fn facet_text(facets: &Value, key: &str) -> String {
    match facets.get(key) {
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| match item {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join("; "),
        Some(Value::String(text)) => text.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// One facet compared side by side.
pub struct FacetRow {
    pub label: &'static str,
    pub customer: String,
    pub listed: String,
}

/// One aligned pair of name parts, with how they matched.
pub struct AlignedRow {
    pub query: String,
    pub listed: String,
    pub how: String,
    pub similarity: String,
}

pub struct DesignationRow {
    pub caption: String,
    pub party: String,
    pub lists: String,
    pub programs: String,
    pub hit: bool,
}

pub struct HistoryRow {
    pub at: String,
    pub actor: String,
    pub kind: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "alert.html")]
pub struct AlertPage {
    pub user: UserView,
    pub id: i64,
    pub customer_id: String,
    pub state: String,
    pub cause: String,
    pub score: String,
    pub assignee: String,
    pub lease_until: String,
    pub query_name: String,
    pub matched_name: String,
    pub facets: Vec<FacetRow>,
    pub aligned: Vec<AlignedRow>,
    pub unmatched_query: String,
    pub unmatched_listed: String,
    pub designations: Vec<DesignationRow>,
    pub versions: String,
    pub changes: String,
    pub proposal: String,
    pub history: Vec<HistoryRow>,
    pub reasons: Vec<String>,
    /// A held payment's alert: decided release, block or reject.
    pub payment: bool,
    /// Which forms the page offers (the domain decides; these only spare a refused click).
    pub can_propose: bool,
    pub can_check: bool,
}

fn text_of(value: &Value, key: &str) -> String {
    match value.get(key) {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

impl AlertPage {
    pub fn new(
        user: UserView,
        alert: &AlertRecord,
        history: &[Entry],
        policy: &Policy,
    ) -> AlertPage {
        let explanation = &alert.explanation;
        let aligned = explanation
            .get("alignment")
            .and_then(Value::as_array)
            .map(|pairs| {
                pairs
                    .iter()
                    .map(|pair| AlignedRow {
                        query: text_of(pair, "query"),
                        listed: text_of(pair, "listed"),
                        how: text_of(pair, "how"),
                        similarity: pair
                            .get("similarity")
                            .and_then(Value::as_f64)
                            .map(|s| format!("{s:.2}"))
                            .unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let joined = |key: &str| {
            explanation
                .get(key)
                .and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .unwrap_or_default()
        };
        let facets = [
            ("Names", "names"),
            ("Kind", "kind"),
            ("Birth dates", "birth_dates"),
            ("Countries", "countries"),
            ("Identifiers", "identifiers"),
        ]
        .into_iter()
        .map(|(label, key)| FacetRow {
            label,
            customer: facet_text(&alert.customer_facets, key),
            listed: facet_text(&alert.party_facets, key),
        })
        .collect();
        let role = user.role.clone();
        let mine = alert.assignee.as_deref() == Some(user.name.as_str());
        AlertPage {
            id: alert.id,
            customer_id: format!("{} / {}", alert.book, alert.customer_id),
            state: alert.state.as_str().to_string(),
            cause: alert.cause.as_str().to_string(),
            score: format!("{:.3}", alert.score),
            assignee: alert.assignee.clone().unwrap_or_default(),
            lease_until: alert.lease_until.clone().unwrap_or_default(),
            query_name: text_of(explanation, "query_name"),
            matched_name: text_of(explanation, "matched_name"),
            facets,
            aligned,
            unmatched_query: joined("unmatched_query"),
            unmatched_listed: joined("unmatched_listed"),
            designations: alert
                .designations
                .iter()
                .map(|designated| DesignationRow {
                    caption: designated.caption.clone(),
                    party: designated.party.clone(),
                    lists: designated.lists.join(", "),
                    programs: designated.programs.join(", "),
                    hit: designated.hit,
                })
                .collect(),
            versions: alert
                .list_versions
                .iter()
                .map(|(source, seq)| format!("{source} v{seq}"))
                .collect::<Vec<_>>()
                .join(", "),
            changes: alert
                .changes
                .as_ref()
                .map(|changes| serde_json::to_string_pretty(changes).unwrap_or_default())
                .unwrap_or_default(),
            proposal: match (&alert.decision, &alert.proposed_by) {
                (Some(decision), Some(maker)) => format!(
                    "{} by {maker}{}{}",
                    decision.as_str(),
                    alert
                        .reason
                        .as_deref()
                        .map(|r| format!(", reason {r}"))
                        .unwrap_or_default(),
                    alert
                        .comment
                        .as_deref()
                        .map(|c| format!(": {c}"))
                        .unwrap_or_default()
                ),
                _ => String::new(),
            },
            history: history
                .iter()
                .map(|entry| HistoryRow {
                    at: entry
                        .at
                        .chars()
                        .take(19)
                        .collect::<String>()
                        .replace('T', " "),
                    actor: entry.actor.clone(),
                    kind: entry.kind.clone(),
                    detail: entry.payload.clone(),
                })
                .collect(),
            reasons: policy.reason_codes.clone(),
            payment: sanctum_review::payments::is_payment(alert),
            can_propose: matches!(alert.state, AlertState::InReview | AlertState::Returned)
                && mine
                && matches!(role.as_str(), "analyst" | "reviewer"),
            can_check: alert.state == AlertState::Proposed
                && matches!(role.as_str(), "reviewer")
                && alert.proposed_by.as_deref() != Some(user.name.as_str()),
            user,
        }
    }
}

/// One search result.
pub struct SearchRow {
    pub id: String,
    pub caption: String,
    pub source: String,
    pub kind: String,
    pub programs: String,
    pub score: String,
    pub alerts: bool,
    pub matched: String,
}

impl SearchRow {
    pub fn new(party: &sanctum_model::Entity, hit: &sanctum_matcher::Hit) -> SearchRow {
        SearchRow {
            id: sanctum_server::snapshot::api_id(party),
            caption: party.caption().to_string(),
            source: party.source.clone(),
            kind: party.kind.as_str().to_string(),
            programs: party.programs().join(", "),
            score: format!("{:.2}", hit.score),
            alerts: hit.score >= sanctum_matcher::DEFAULT_THRESHOLD,
            matched: hit.explanation.matched_name.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "search.html")]
pub struct SearchPage {
    pub user: UserView,
    pub q: String,
    pub error: Option<String>,
    pub results: Vec<SearchRow>,
    pub threshold: String,
}

pub struct FieldRow {
    pub key: String,
    pub value: String,
}

pub struct PartyDesignation {
    pub authority: String,
    pub list: String,
    pub programs: String,
    pub listed_on: String,
}

#[derive(Template)]
#[template(path = "party.html")]
pub struct PartyPage {
    pub user: UserView,
    pub id: String,
    pub caption: String,
    pub kind: String,
    pub source: String,
    pub names: Vec<(String, String)>,
    pub designations: Vec<PartyDesignation>,
    pub first_seen: String,
    pub last_change: String,
    pub fields: Vec<FieldRow>,
    pub versions: Vec<AppearanceRow>,
}

/// A version of its list a party appears in.
pub struct AppearanceRow {
    pub version: u32,
    pub published: String,
    /// `listed` for its first, `amended` where its record changed, empty otherwise.
    pub change: String,
}

impl PartyPage {
    pub fn new(
        user: UserView,
        party: &sanctum_model::Entity,
        seen: Option<&sanctum_server::snapshot::Seen>,
        versions: Vec<AppearanceRow>,
    ) -> PartyPage {
        let fields = match serde_json::to_value(party) {
            Ok(Value::Object(map)) => map
                .into_iter()
                .filter(|(key, _)| !matches!(key.as_str(), "names" | "designations"))
                .map(|(key, value)| FieldRow {
                    key,
                    value: match value {
                        Value::String(text) => text,
                        other => serde_json::to_string_pretty(&other).unwrap_or_default(),
                    },
                })
                .collect(),
            _ => Vec::new(),
        };
        PartyPage {
            user,
            id: sanctum_server::snapshot::api_id(party),
            caption: party.caption().to_string(),
            kind: party.kind.as_str().to_string(),
            source: party.source.clone(),
            names: party
                .names
                .iter()
                .map(|name| (name.full.clone(), format!("{:?}", name.kind).to_lowercase()))
                .collect(),
            designations: party
                .designations
                .iter()
                .map(|designation| PartyDesignation {
                    authority: designation.authority.clone(),
                    list: designation.list.clone(),
                    programs: designation.programs.join(", "),
                    listed_on: designation
                        .listed_on
                        .as_ref()
                        .map(|date| date.to_string())
                        .unwrap_or_default(),
                })
                .collect(),
            first_seen: seen.and_then(|s| s.first_seen.clone()).unwrap_or_default(),
            last_change: seen.and_then(|s| s.last_change.clone()).unwrap_or_default(),
            fields,
            versions,
        }
    }
}

pub struct CustomerRow {
    pub id: String,
    pub names: String,
    pub birth_dates: String,
    pub countries: String,
    pub revision: i64,
    pub updated: String,
}

#[derive(Template)]
#[template(path = "book.html")]
pub struct BookPage {
    pub user: UserView,
    pub book: String,
    /// Every book: name, open customers.
    pub books: Vec<(String, u64)>,
    pub rows: Vec<CustomerRow>,
    pub next_after: Option<String>,
}

impl BookPage {
    pub fn new(
        user: UserView,
        book: String,
        books: Vec<(String, u64)>,
        customers: &[sanctum_review::book::Customer],
        page: usize,
    ) -> BookPage {
        let rows: Vec<CustomerRow> = customers
            .iter()
            .take(page)
            .map(|customer| CustomerRow {
                id: customer.customer_id.clone(),
                names: customer.fields.names.join("; "),
                birth_dates: customer.fields.birth_dates.join("; "),
                countries: customer.fields.countries.join("; "),
                revision: customer.revision,
                updated: customer
                    .updated_at
                    .chars()
                    .take(16)
                    .collect::<String>()
                    .replace('T', " "),
            })
            .collect();
        let next_after = (customers.len() > page)
            .then(|| rows.last().map(|row| row.id.clone()))
            .flatten();
        BookPage {
            user,
            book,
            books,
            rows,
            next_after,
        }
    }
}

#[derive(Template)]
#[template(path = "audit.html")]
pub struct AuditPage {
    pub user: UserView,
    pub entries_total: u64,
    pub head_hash: String,
    /// Empty when the chain holds; else where and why it breaks.
    pub broken: String,
    pub history: Vec<HistoryRow>,
    pub seqs: Vec<i64>,
    pub next_from: Option<i64>,
}

impl AuditPage {
    pub fn new(
        user: UserView,
        verification: &sanctum_review::audit::Verification,
        entries: &[Entry],
        page: usize,
    ) -> AuditPage {
        let shown = &entries[..entries.len().min(page)];
        AuditPage {
            user,
            entries_total: verification.entries,
            head_hash: verification.head_hash.clone(),
            broken: verification
                .broken
                .as_ref()
                .map(|b| format!("entry {}: {}", b.seq, b.reason))
                .unwrap_or_default(),
            history: shown
                .iter()
                .map(|entry| HistoryRow {
                    at: entry
                        .at
                        .chars()
                        .take(19)
                        .collect::<String>()
                        .replace('T', " "),
                    actor: entry.actor.clone(),
                    kind: format!("{} {}", entry.kind, entry.subject),
                    detail: entry.payload.clone(),
                })
                .collect(),
            seqs: shown.iter().map(|entry| entry.seq).collect(),
            next_from: entries.get(page).map(|entry| entry.seq),
        }
    }
}
