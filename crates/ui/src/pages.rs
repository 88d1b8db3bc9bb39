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
    /// The current version against the one before: `+added −removed ~amended`.
    pub last_change: String,
    pub age_hours: String,
}

#[derive(Template)]
#[template(path = "lists.html")]
pub struct ListsPage {
    pub user: UserView,
    pub rows: Vec<ListRow>,
    pub update_running: bool,
    /// How the running or the last update goes, in a sentence.
    pub update_status: String,
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

/// One facet that changed since an alert was decided.
pub struct ChangeRow {
    /// "Listed record" or "Customer".
    pub side: &'static str,
    pub facet: String,
    pub added: String,
    pub removed: String,
}

/// A false-positive memory entry, as the alert shows it.
pub struct MemoryRow {
    pub id: i64,
    pub alert_id: i64,
    pub made: String,
    pub expires_at: String,
    /// "suppresses", "expired", "revoked", "revocation proposed".
    pub status: String,
}

impl MemoryRow {
    pub fn new(memory: &sanctum_review::memory::Memory, now: &str) -> MemoryRow {
        let status = if memory.revoked_at.is_some() {
            format!(
                "revoked by {}",
                memory.revoked_by.as_deref().unwrap_or("a reviewer")
            )
        } else if !memory.is_live(now) {
            "expired".to_string()
        } else if let Some(by) = &memory.revocation_proposed_by {
            format!("suppresses; revocation proposed by {by}")
        } else {
            "suppresses".to_string()
        };
        MemoryRow {
            id: memory.id,
            alert_id: memory.alert_id,
            made: format!(
                "{}: proposed by {}, approved by {}",
                memory.created_at.chars().take(10).collect::<String>(),
                memory.proposed_by,
                memory.approved_by
            ),
            expires_at: memory.expires_at.chars().take(10).collect(),
            status,
        }
    }
}

/// One record of the alert's target on a list, from the stored alignment.
pub struct OtherListRow {
    pub jurisdiction: String,
    pub record: String,
    /// Its card's id; empty when the record left its list.
    pub card: String,
    pub caption: String,
    pub lists: String,
    pub programs: String,
    pub listed: String,
    pub evidence: String,
    /// The record the customer's name hit.
    pub hit: bool,
}

impl OtherListRow {
    /// The target's records; none when it has only the one (linked to no other list).
    pub fn rows(target: &sanctum_align::TargetSummary, hit: &[String]) -> Vec<OtherListRow> {
        if target.records.len() < 2 {
            return Vec::new();
        }
        target
            .records
            .iter()
            .map(|record| OtherListRow {
                jurisdiction: record
                    .jurisdiction
                    .map(|j| j.as_str().to_string())
                    .unwrap_or_default(),
                record: record.id.clone(),
                card: if record.delisted_on.is_none() {
                    record.ftm_id.clone()
                } else {
                    String::new()
                },
                caption: record.caption.clone(),
                lists: record
                    .designations
                    .iter()
                    .map(|d| format!("{} {}", d.authority, d.list))
                    .collect::<Vec<_>>()
                    .join(", "),
                programs: record
                    .designations
                    .iter()
                    .flat_map(|d| d.programs.iter().map(String::as_str))
                    .collect::<Vec<_>>()
                    .join(", "),
                listed: match (record.listed, record.delisted_on) {
                    (Some(l), Some(d)) => format!("{l}, delisted {d}"),
                    (Some(l), None) => l.to_string(),
                    (None, Some(d)) => format!("delisted {d}"),
                    (None, None) => String::new(),
                },
                evidence: record.evidence.join("; "),
                hit: hit.contains(&record.id),
            })
            .collect()
    }
}

/// The rows of a re-alert's `changes` (`{"listed": {facet: {added, removed}}, "customer":
/// …, "memory": {…}}`), and what reads as no facet.
fn change_rows(changes: &Value) -> (Vec<ChangeRow>, String) {
    let mut rows = Vec::new();
    let mut note = Vec::new();
    let list = |value: Option<&Value>| {
        value
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .map(|item| match item {
                        Value::String(text) => text.clone(),
                        other => other.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default()
    };
    let Some(map) = changes.as_object() else {
        return (
            rows,
            serde_json::to_string_pretty(changes).unwrap_or_default(),
        );
    };
    for (key, value) in map {
        let side = match key.as_str() {
            "listed" => "Listed record",
            "customer" => "Customer",
            "memory" => {
                note.push(format!(
                    "The false-positive memory {} expired on {}.",
                    text_of(value, "id"),
                    text_of(value, "expired_at")
                ));
                continue;
            }
            _ => {
                note.push(format!("{key}: {value}"));
                continue;
            }
        };
        for (facet, change) in value.as_object().into_iter().flatten() {
            rows.push(ChangeRow {
                side,
                facet: facet.clone(),
                added: list(change.get("added")),
                removed: list(change.get("removed")),
            });
        }
    }
    (rows, note.join(" "))
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
    /// On a re-alert, what changed since the decision: one row per facet and side.
    pub changes: Vec<ChangeRow>,
    /// What changed that reads as no facet (a memory that expired), or the raw record.
    pub changes_note: String,
    /// The false-positive memory of this customer against this target.
    pub memories: Vec<MemoryRow>,
    /// The target's records on every list, from the alignment kept in the store.
    pub others: Vec<OtherListRow>,
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
        memories: Vec<MemoryRow>,
        others: Vec<OtherListRow>,
    ) -> AlertPage {
        let (changes, changes_note) = alert.changes.as_ref().map(change_rows).unwrap_or_default();
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
            changes,
            changes_note,
            memories,
            others,
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
    /// Why it scored what it scored: the names compared, how their words met, each
    /// feature that counted.
    pub why: String,
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
            why: sanctum_server::query::why(&hit.explanation),
        }
    }
}

/// The facet values a search is narrowed to (each optional).
#[derive(Clone, Default)]
pub struct SearchFilters {
    pub source: Option<String>,
    pub program: Option<String>,
    pub kind: Option<String>,
    pub country: Option<String>,
}

/// A party's countries: nationalities, citizenships and the others, each once.
fn countries_of(party: &sanctum_model::Entity) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for c in party
        .nationalities
        .iter()
        .chain(&party.citizenships)
        .chain(&party.countries)
    {
        if !out.contains(&c.code.as_str()) {
            out.push(&c.code);
        }
    }
    out
}

/// The facets, in the order the page shows them.
const FACETS: [&str; 4] = ["source", "program", "kind", "country"];

impl SearchFilters {
    fn chosen(&self, facet: &str) -> Option<&str> {
        match facet {
            "source" => self.source.as_deref(),
            "program" => self.program.as_deref(),
            "kind" => self.kind.as_deref(),
            _ => self.country.as_deref(),
        }
    }

    /// A party's values of one facet.
    fn values<'a>(party: &'a sanctum_model::Entity, facet: &str) -> Vec<&'a str> {
        match facet {
            "source" => vec![party.source.as_str()],
            "program" => party.programs(),
            "kind" => vec![party.kind.as_str()],
            _ => countries_of(party),
        }
    }

    /// Whether a party has every chosen value, leaving out one facet (`except`), so that
    /// a facet counts what choosing another of its values would show.
    fn admits_except(&self, party: &sanctum_model::Entity, except: Option<&str>) -> bool {
        FACETS.iter().filter(|f| Some(**f) != except).all(|facet| {
            self.chosen(facet)
                .is_none_or(|value| Self::values(party, facet).contains(&value))
        })
    }

    pub fn admits(&self, party: &sanctum_model::Entity) -> bool {
        self.admits_except(party, None)
    }

    /// The chosen values in words, for the results' caption.
    pub fn describe(&self) -> String {
        FACETS
            .iter()
            .filter_map(|facet| self.chosen(facet).map(|v| format!("{facet} {v}")))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The query string of the search with `facet` set to `value` (`None`: left out).
    fn link(&self, q: &str, facet: &str, value: Option<&str>) -> String {
        let mut out = format!("/search?q={}", encode(q));
        for f in FACETS {
            let v = if f == facet { value } else { self.chosen(f) };
            if let Some(v) = v {
                out.push_str(&format!("&{f}={}", encode(v)));
            }
        }
        out
    }
}

/// One facet value with its count and the link that chooses (or drops) it.
pub struct FacetValue {
    pub value: String,
    pub count: usize,
    pub link: String,
    pub chosen: bool,
}

pub struct Facet {
    pub name: &'static str,
    pub values: Vec<FacetValue>,
    /// The link that drops this facet's choice; empty when nothing is chosen.
    pub clear: String,
}

/// Values shown per facet.
const FACET_VALUES: usize = 12;

/// Each facet's values among the hits, with counts (of the hits that meet the other
/// facets' choices), most first.
pub fn search_facets(
    hits: &[(&sanctum_model::Entity, sanctum_matcher::Hit)],
    chosen: &SearchFilters,
    q: &str,
) -> Vec<Facet> {
    FACETS
        .iter()
        .map(|facet| {
            let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
            for (party, _) in hits
                .iter()
                .filter(|(party, _)| chosen.admits_except(party, Some(facet)))
            {
                for value in SearchFilters::values(party, facet) {
                    *counts.entry(value).or_default() += 1;
                }
            }
            let mut values: Vec<(&str, usize)> = counts.into_iter().collect();
            values.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            let current = chosen.chosen(facet);
            let mut shown: Vec<(&str, usize)> = values.iter().take(FACET_VALUES).copied().collect();
            // The chosen value stays in view even when others outnumber it.
            if let Some(current) = current
                && !shown.iter().any(|(v, _)| *v == current)
            {
                let n = values
                    .iter()
                    .find(|(v, _)| *v == current)
                    .map_or(0, |(_, n)| *n);
                shown.push((current, n));
            }
            Facet {
                name: facet,
                values: shown
                    .into_iter()
                    .map(|(value, count)| FacetValue {
                        value: value.to_string(),
                        count,
                        link: chosen.link(q, facet, Some(value)),
                        chosen: current == Some(value),
                    })
                    .collect(),
                clear: if current.is_some() {
                    chosen.link(q, facet, None)
                } else {
                    String::new()
                },
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "search.html")]
pub struct SearchPage {
    pub user: UserView,
    pub q: String,
    pub error: Option<String>,
    pub results: Vec<SearchRow>,
    /// Hits meeting the chosen facets (the results show the best of them).
    pub total: usize,
    pub facets: Vec<Facet>,
    /// The chosen facet values in words; empty for none.
    pub filters: String,
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
    /// Its target's records on every list (itself included), from the stored alignment.
    pub across: Vec<OtherListRow>,
}

/// A version of its list a party appears in.
pub struct AppearanceRow {
    pub version: u32,
    pub published: String,
    /// `listed` for its first, `amended since version N` where its record changed,
    /// `listed again` after an absence, empty otherwise.
    pub change: String,
    /// Where it was amended: each field that changed, with what came and what went.
    pub fields: Vec<FieldChange>,
}

/// One field of a party record that changed between two versions.
pub struct FieldChange {
    pub field: &'static str,
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

/// A value of a record in a line: a text as it is, an object as its non-empty values.
fn brief(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        Value::Array(items) => items
            .iter()
            .map(brief)
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(map) => map
            .iter()
            .filter_map(|(key, value)| {
                let text = brief(value);
                (!text.is_empty()).then(|| format!("{key}: {text}"))
            })
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

/// Per changed field of `after` against `before`: the values added and removed (for a
/// list, its items; for a single value, the value before and after).
pub fn field_changes(
    before: &sanctum_model::Entity,
    after: &sanctum_model::Entity,
) -> Vec<FieldChange> {
    let (Ok(Value::Object(b)), Ok(Value::Object(a))) =
        (serde_json::to_value(before), serde_json::to_value(after))
    else {
        return Vec::new();
    };
    before
        .changed_fields(after)
        .into_iter()
        .map(|field| {
            let items = |map: &serde_json::Map<String, Value>| match map.get(field) {
                Some(Value::Array(items)) => items.iter().map(brief).collect::<Vec<_>>(),
                Some(Value::Null) | None => Vec::new(),
                Some(other) => vec![brief(other)],
            };
            let (was, now) = (items(&b), items(&a));
            FieldChange {
                field,
                added: now.iter().filter(|v| !was.contains(v)).cloned().collect(),
                removed: was.iter().filter(|v| !now.contains(v)).cloned().collect(),
            }
        })
        .collect()
}

impl PartyPage {
    pub fn new(
        user: UserView,
        party: &sanctum_model::Entity,
        seen: Option<&sanctum_server::snapshot::Seen>,
        versions: Vec<AppearanceRow>,
        across: Vec<OtherListRow>,
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
            across,
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
    /// When every entry was last walked (RFC 3339 UTC, as `YYYY-MM-DD HH:MM:SS`); entries
    /// appended since were walked on this view.
    pub walked_at: String,
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
        walked_at: &str,
        entries: &[Entry],
        page: usize,
    ) -> AuditPage {
        let shown = &entries[..entries.len().min(page)];
        AuditPage {
            user,
            entries_total: verification.entries,
            head_hash: verification.head_hash.clone(),
            walked_at: walked_at
                .chars()
                .take(19)
                .collect::<String>()
                .replace('T', " "),
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
