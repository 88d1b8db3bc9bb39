//! Alerts as stored, read back: one alert per (customer, target), with both sides'
//! fingerprints at the time it was raised, every designation of the target and the
//! matcher's explanation.

use crate::ReviewError;
use crate::db::{Connection, Dialect, Row, Value, params_from};
use crate::model::{AlertState, Cause, Decision};
use crate::params;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One listed record of the target an alert is about.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Designated {
    /// `source:source_id`.
    pub party: String,
    pub caption: String,
    /// `authority list` of each designation ("US OFAC SDN").
    pub lists: Vec<String>,
    pub programs: Vec<String>,
    /// Whether the customer's name hit this record (the others joined it through align).
    pub hit: bool,
}

/// An alert row.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertRecord {
    pub id: i64,
    pub book: String,
    pub customer_id: String,
    pub target: String,
    pub state: AlertState,
    pub cause: Cause,
    pub score: f64,
    pub customer_revision: i64,
    pub customer_fingerprint: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub customer_facets: serde_json::Value,
    pub party_fingerprint: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub party_facets: serde_json::Value,
    pub designations: Vec<Designated>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub explanation: serde_json::Value,
    pub list_versions: BTreeMap<String, u32>,
    /// What changed, for a re-alert.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub changes: Option<serde_json::Value>,
    pub run_id: Option<i64>,
    pub created_at: String,
    pub state_since: String,
    pub assignee: Option<String>,
    pub lease_until: Option<String>,
    pub decision: Option<Decision>,
    pub reason: Option<String>,
    pub comment: Option<String>,
    pub proposed_by: Option<String>,
    pub decided_by: Option<String>,
}

pub(crate) const ALERT_COLUMNS: &str = "id, book, customer_id, target, state, cause, score, \
    customer_revision, customer_fingerprint, customer_facets, party_fingerprint, party_facets, \
    designations, explanation, list_versions, changes, run_id, created_at, state_since, \
    assignee, lease_until, decision, reason, comment, proposed_by, decided_by";

fn corrupt(id: i64, column: &str, reason: impl std::fmt::Display) -> ReviewError {
    ReviewError::Corrupt(format!("alert {id}, column {column}: {reason}"))
}

fn parse_text<T: std::str::FromStr<Err = String>>(
    row: &Row<'_>,
    id: i64,
    index: usize,
    column: &str,
) -> Result<T, ReviewError> {
    let text: String = row.get(index)?;
    text.parse().map_err(|e| corrupt(id, column, e))
}

fn parse_json<T: serde::de::DeserializeOwned>(
    row: &Row<'_>,
    id: i64,
    index: usize,
    column: &str,
) -> Result<T, ReviewError> {
    let text: String = row.get(index)?;
    serde_json::from_str(&text).map_err(|e| corrupt(id, column, e))
}

impl AlertRecord {
    pub(crate) fn from_row(row: &Row<'_>) -> Result<AlertRecord, ReviewError> {
        let id: i64 = row.get(0)?;
        let changes: Option<String> = row.get(15)?;
        let decision: Option<String> = row.get(21)?;
        Ok(AlertRecord {
            id,
            book: row.get(1)?,
            customer_id: row.get(2)?,
            target: row.get(3)?,
            state: parse_text(row, id, 4, "state")?,
            cause: parse_text(row, id, 5, "cause")?,
            score: row.get(6)?,
            customer_revision: row.get(7)?,
            customer_fingerprint: row.get(8)?,
            customer_facets: parse_json(row, id, 9, "customer_facets")?,
            party_fingerprint: row.get(10)?,
            party_facets: parse_json(row, id, 11, "party_facets")?,
            designations: parse_json(row, id, 12, "designations")?,
            explanation: parse_json(row, id, 13, "explanation")?,
            list_versions: parse_json(row, id, 14, "list_versions")?,
            changes: changes
                .map(|text| serde_json::from_str(&text).map_err(|e| corrupt(id, "changes", e)))
                .transpose()?,
            run_id: row.get(16)?,
            created_at: row.get(17)?,
            state_since: row.get(18)?,
            assignee: row.get(19)?,
            lease_until: row.get(20)?,
            decision: decision
                .map(|text| text.parse().map_err(|e| corrupt(id, "decision", e)))
                .transpose()?,
            reason: row.get(22)?,
            comment: row.get(23)?,
            proposed_by: row.get(24)?,
            decided_by: row.get(25)?,
        })
    }

    pub fn subject(&self) -> String {
        subject(self.id)
    }
}

/// The audit subject of an alert.
pub fn subject(id: i64) -> String {
    format!("alert:{id}")
}

/// One alert, or [`ReviewError::NotFound`].
pub fn get(conn: &Connection, id: i64) -> Result<AlertRecord, ReviewError> {
    conn.query_opt(
        &format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE id = ?1"),
        params![id],
        AlertRecord::from_row,
    )?
    .ok_or_else(|| ReviewError::NotFound(format!("alert {id}")))
}

/// One alert read to be changed: in PostgreSQL its row stays locked (`FOR UPDATE`) until
/// the transaction ends, so two deciders of one alert (on two API replicas) take turns and
/// the second reads the first one's result. In SQLite the transaction holds the file.
pub fn get_for_update(conn: &Connection, id: i64) -> Result<AlertRecord, ReviewError> {
    let sql = conn.locking(
        &format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE id = ?1"),
        "FOR UPDATE",
    );
    conn.query_opt(&sql, params![id], AlertRecord::from_row)?
        .ok_or_else(|| ReviewError::NotFound(format!("alert {id}")))
}

/// Which alerts to list. Every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct AlertFilter {
    pub states: Vec<AlertState>,
    pub book: Option<String>,
    pub customer_id: Option<String>,
    /// Alerts with a designated party from one of these sources (`us_ofac_sdn`).
    pub sources: Vec<String>,
    /// Alerts with a designation under one of these programs (`RUSSIA-EO14024`).
    pub programs: Vec<String>,
    pub min_score: Option<f64>,
    pub max_score: Option<f64>,
    /// Alerts held by this user.
    pub assignee: Option<String>,
    /// Alerts in their state since this time or earlier (RFC 3339, as stored): the ones
    /// that have waited at least some age.
    pub state_since_until: Option<String>,
    /// Alerts with an id above this one (paging).
    pub after_id: Option<i64>,
    pub limit: Option<usize>,
}

impl AlertFilter {
    /// The `WHERE` conditions of every filter but the state and the page, with their
    /// values: shared by [`list`] and [`count_by_state`] so the counts are those of the
    /// list.
    fn conditions(&self, values: &mut Vec<Value>) -> Vec<String> {
        let mut mark = |value: Value| {
            values.push(value);
            format!("?{}", values.len())
        };
        let mut out = Vec::new();
        if let Some(book) = &self.book {
            out.push(format!("book = {}", mark(Value::Text(book.clone()))));
        }
        if let Some(customer) = &self.customer_id {
            out.push(format!(
                "customer_id = {}",
                mark(Value::Text(customer.clone()))
            ));
        }
        if !self.sources.is_empty() {
            // Party keys are `source:source_id`: a source is a key range in the primary key.
            let ranges: Vec<String> = self
                .sources
                .iter()
                .map(|s| {
                    let low = mark(Value::Text(format!("{s}:")));
                    let high = mark(Value::Text(format!("{s};")));
                    format!("(p.party >= {low} AND p.party < {high})")
                })
                .collect();
            out.push(format!(
                "EXISTS (SELECT 1 FROM alert_parties p WHERE p.alert_id = alerts.id AND ({}))",
                ranges.join(" OR ")
            ));
        }
        if !self.programs.is_empty() {
            let marks: Vec<String> = self
                .programs
                .iter()
                .map(|p| mark(Value::Text(p.clone())))
                .collect();
            out.push(format!(
                "alerts.id IN (SELECT alert_id FROM alert_programs WHERE program IN ({}))",
                marks.join(", ")
            ));
        }
        if let Some(min) = self.min_score {
            out.push(format!("score >= {}", mark(Value::Float(min))));
        }
        if let Some(max) = self.max_score {
            out.push(format!("score <= {}", mark(Value::Float(max))));
        }
        if let Some(assignee) = &self.assignee {
            out.push(format!(
                "assignee = {}",
                mark(Value::Text(assignee.clone()))
            ));
        }
        if let Some(until) = &self.state_since_until {
            out.push(format!(
                "state_since <= {}",
                mark(Value::Text(until.clone()))
            ));
        }
        out
    }

    /// The query of one page of `columns`, and its values.
    ///
    /// With an age filter the page's ids are read from the (state, state_since) index, every
    /// state named, and its alerts fetched by id: read in id order, a page of old alerts
    /// among many newer ones is a read of every alert (150 ms over 100k).
    fn select(&self, columns: &str) -> (String, Vec<Value>) {
        let mut values: Vec<Value> = vec![Value::Int(self.after_id.unwrap_or(0))];
        let by_age = self.state_since_until.is_some();
        let states = if by_age && self.states.is_empty() {
            AlertState::ALL
        } else {
            &self.states
        };
        let read = if by_age { "id" } else { columns };
        let mut sql = format!("SELECT {read} FROM alerts WHERE id > ?1");
        if !states.is_empty() {
            let marks: Vec<String> = states
                .iter()
                .map(|s| {
                    values.push(Value::Text(s.as_str().to_string()));
                    format!("?{}", values.len())
                })
                .collect();
            sql.push_str(&format!(" AND state IN ({})", marks.join(", ")));
        }
        for condition in self.conditions(&mut values) {
            sql.push_str(" AND ");
            sql.push_str(&condition);
        }
        sql.push_str(" ORDER BY id");
        if let Some(limit) = self.limit {
            sql.push_str(&format!(" LIMIT {limit}"));
        }
        if by_age {
            sql = format!("SELECT {columns} FROM alerts WHERE id IN ({sql}) ORDER BY id");
        }
        (sql, values)
    }
}

/// Alerts by id, filtered.
pub fn list(conn: &Connection, filter: &AlertFilter) -> Result<Vec<AlertRecord>, ReviewError> {
    let (sql, values) = filter.select(ALERT_COLUMNS);
    conn.query_map(&sql, &params_from(&values), AlertRecord::from_row)
}

/// An alert as a queue lists it: who, against whom, where it stands; read without the
/// facets and explanation [`AlertRecord`] carries.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertSummary {
    pub id: i64,
    pub book: String,
    pub customer_id: String,
    /// The target's first party key (`source:source_id`).
    pub target: String,
    /// The caption of the listed record the customer's name hit.
    pub caption: String,
    pub state: AlertState,
    pub cause: Cause,
    pub score: f64,
    /// Every list of the target's designations ("US OFAC SDN").
    pub lists: Vec<String>,
    pub programs: Vec<String>,
    pub assignee: Option<String>,
    pub lease_until: Option<String>,
    /// When the alert entered its state (RFC 3339 UTC).
    pub state_since: String,
    pub created_at: String,
    pub decision: Option<Decision>,
    pub reason: Option<String>,
    pub proposed_by: Option<String>,
}

const SUMMARY_COLUMNS: &str = "id, book, customer_id, target, state, cause, score, designations, \
    assignee, lease_until, state_since, created_at, decision, reason, proposed_by";

fn distinct<'a>(values: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut out: Vec<String> = values.cloned().collect();
    out.sort();
    out.dedup();
    out
}

impl AlertSummary {
    fn from_designations(designations: &[Designated]) -> (String, Vec<String>, Vec<String>) {
        let caption = designations
            .iter()
            .find(|d| d.hit)
            .or(designations.first())
            .map(|d| d.caption.clone())
            .unwrap_or_default();
        (
            caption,
            distinct(designations.iter().flat_map(|d| &d.lists)),
            distinct(designations.iter().flat_map(|d| &d.programs)),
        )
    }

    fn from_row(row: &Row<'_>) -> Result<AlertSummary, ReviewError> {
        let id: i64 = row.get(0)?;
        let designations: Vec<Designated> = parse_json(row, id, 7, "designations")?;
        let (caption, lists, programs) = Self::from_designations(&designations);
        let decision: Option<String> = row.get(12)?;
        Ok(AlertSummary {
            id,
            book: row.get(1)?,
            customer_id: row.get(2)?,
            target: row.get(3)?,
            caption,
            state: parse_text(row, id, 4, "state")?,
            cause: parse_text(row, id, 5, "cause")?,
            score: row.get(6)?,
            lists,
            programs,
            assignee: row.get(8)?,
            lease_until: row.get(9)?,
            state_since: row.get(10)?,
            created_at: row.get(11)?,
            decision: decision
                .map(|text| text.parse().map_err(|e| corrupt(id, "decision", e)))
                .transpose()?,
            reason: row.get(13)?,
            proposed_by: row.get(14)?,
        })
    }
}

impl From<AlertRecord> for AlertSummary {
    fn from(a: AlertRecord) -> Self {
        let (caption, lists, programs) = AlertSummary::from_designations(&a.designations);
        AlertSummary {
            id: a.id,
            book: a.book,
            customer_id: a.customer_id,
            target: a.target,
            caption,
            state: a.state,
            cause: a.cause,
            score: a.score,
            lists,
            programs,
            assignee: a.assignee,
            lease_until: a.lease_until,
            state_since: a.state_since,
            created_at: a.created_at,
            decision: a.decision,
            reason: a.reason,
            proposed_by: a.proposed_by,
        }
    }
}

/// [`list`] as summaries: the queue's page without parsing what only one alert's card
/// shows.
pub fn summaries(
    conn: &Connection,
    filter: &AlertFilter,
) -> Result<Vec<AlertSummary>, ReviewError> {
    let (sql, values) = filter.select(SUMMARY_COLUMNS);
    conn.query_map(&sql, &params_from(&values), AlertSummary::from_row)
}

/// How many alerts each state holds among those `filter` selects, its states and page
/// aside (every state is present, zero included).
pub fn count_by_state(
    conn: &Connection,
    filter: &AlertFilter,
) -> Result<BTreeMap<AlertState, u64>, ReviewError> {
    let mut values = Vec::new();
    let conditions = filter.conditions(&mut values);
    let mut sql = "SELECT state, COUNT(*) FROM alerts".to_string();
    if !conditions.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&conditions.join(" AND "));
    }
    sql.push_str(" GROUP BY state");
    let mut counts: BTreeMap<AlertState, u64> = AlertState::ALL.iter().map(|s| (*s, 0)).collect();
    let rows = conn.query_map(&sql, &params_from(&values), |row| {
        Ok((row.get::<String>(0)?, row.get::<i64>(1)?))
    })?;
    for (state, count) in rows {
        let state: AlertState = state.parse().map_err(ReviewError::Corrupt)?;
        counts.insert(state, count.max(0) as u64);
    }
    Ok(counts)
}

/// What screening knows of a new alert.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewAlert {
    pub book: String,
    pub customer_id: String,
    pub target: String,
    pub cause: Cause,
    pub score: f64,
    pub customer_revision: i64,
    pub customer_fingerprint: String,
    pub customer_facets: serde_json::Value,
    pub party_fingerprint: String,
    pub party_facets: serde_json::Value,
    pub designations: Vec<Designated>,
    pub explanation: serde_json::Value,
    pub list_versions: BTreeMap<String, u32>,
    pub changes: Option<serde_json::Value>,
    pub run_id: Option<i64>,
}

fn json_text<T: Serialize>(value: &T) -> Result<String, ReviewError> {
    serde_json::to_string(value).map_err(|e| ReviewError::Corrupt(format!("encoding JSON: {e}")))
}

/// Stores a new open alert and its audit entry (`alert.create`, by the system); returns
/// its id. Call it inside the transaction of the screening chunk.
pub fn insert(conn: &Connection, alert: &NewAlert, at: &str) -> Result<i64, ReviewError> {
    let id: i64 = conn.query_row(
        "INSERT INTO alerts (book, customer_id, target, state, cause, score, customer_revision,
             customer_fingerprint, customer_facets, party_fingerprint, party_facets, designations,
             explanation, list_versions, changes, run_id, created_at, state_since)
         VALUES (?1, ?2, ?3, 'open', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16)
         RETURNING id",
        params![
            alert.book,
            alert.customer_id,
            alert.target,
            alert.cause.as_str(),
            alert.score,
            alert.customer_revision,
            alert.customer_fingerprint,
            alert.customer_facets.to_string(),
            alert.party_fingerprint,
            alert.party_facets.to_string(),
            json_text(&alert.designations)?,
            alert.explanation.to_string(),
            json_text(&alert.list_versions)?,
            alert.changes.as_ref().map(|c| c.to_string()),
            alert.run_id,
            at,
        ],
        |row| row.get(0),
    )?;
    set_parties(conn, id, &alert.designations)?;
    crate::audit::append(
        conn,
        at,
        crate::model::SYSTEM_ACTOR,
        "alert.create",
        &subject(id),
        &serde_json::json!({"book": alert.book, "customer_id": alert.customer_id,
            "target": alert.target, "cause": alert.cause, "score": alert.score,
            "parties": alert.designations.iter().map(|d| &d.party).collect::<Vec<_>>(),
            "customer_fingerprint": alert.customer_fingerprint,
            "party_fingerprint": alert.party_fingerprint, "run": alert.run_id,
            "changes": alert.changes}),
    )?;
    Ok(id)
}

fn set_parties(conn: &Connection, id: i64, designations: &[Designated]) -> Result<(), ReviewError> {
    for d in designations {
        conn.execute(
            "INSERT INTO alert_parties (alert_id, party) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            params![id, d.party],
        )?;
    }
    // The programs follow the alert's current designations (a re-raised alert may have
    // gained or lost some).
    conn.execute(
        "DELETE FROM alert_programs WHERE alert_id = ?1",
        params![id],
    )?;
    for program in designations.iter().flat_map(|d| &d.programs) {
        conn.execute(
            "INSERT INTO alert_programs (program, alert_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            params![program, id],
        )?;
    }
    Ok(())
}

/// Refreshes what a re-raised alert shows (score, both sides, designations) before the
/// workflow reopens it.
pub fn refresh(conn: &Connection, id: i64, alert: &NewAlert) -> Result<(), ReviewError> {
    conn.execute(
        "UPDATE alerts SET score = ?2, customer_revision = ?3, customer_fingerprint = ?4,
             customer_facets = ?5, party_fingerprint = ?6, party_facets = ?7, designations = ?8,
             explanation = ?9, list_versions = ?10, run_id = ?11
         WHERE id = ?1",
        params![
            id,
            alert.score,
            alert.customer_revision,
            alert.customer_fingerprint,
            alert.customer_facets.to_string(),
            alert.party_fingerprint,
            alert.party_facets.to_string(),
            json_text(&alert.designations)?,
            alert.explanation.to_string(),
            json_text(&alert.list_versions)?,
            alert.run_id,
        ],
    )?;
    set_parties(conn, id, &alert.designations)
}

/// The alert of a customer against any of a target's parties, if one was ever raised.
pub fn find(
    conn: &Connection,
    book: &str,
    customer_id: &str,
    parties: &[String],
) -> Result<Option<AlertRecord>, ReviewError> {
    let columns = ALERT_COLUMNS
        .split(", ")
        .map(|c| format!("a.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {columns} FROM alerts a JOIN alert_parties p ON p.alert_id = a.id
         WHERE p.party = ?1 AND a.book = ?2 AND a.customer_id = ?3 ORDER BY a.id LIMIT 1"
    );
    for party in parties {
        if let Some(found) = conn.query_opt(
            &sql,
            params![party, book, customer_id],
            AlertRecord::from_row,
        )? {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

/// The figures a metrics scrape shows, from one grouped pass over the alerts (by state
/// and cause, past the SLA or not) and the runs' suppression counts: cheap enough to
/// compute every few seconds with 100k alerts, unlike [`stats`].
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Gauges {
    /// Alerts by state and by the cause of their latest raising (`new_hit`, or the
    /// re-alert's cause).
    pub by_state_cause: BTreeMap<(AlertState, Cause), u64>,
    /// Alerts past the SLA hours of their state, by state.
    pub overdue_by_state: BTreeMap<AlertState, u64>,
    /// Hits a false-positive memory suppressed, summed over every screening run.
    pub suppressions: u64,
}

pub fn gauges(
    conn: &Connection,
    policy: &crate::Policy,
    now: jiff::Timestamp,
) -> Result<Gauges, ReviewError> {
    let mut values: Vec<Value> = Vec::new();
    // Written as integers in both dialects (PostgreSQL sums no booleans).
    let mut overdue = String::from("CASE");
    for (state, hours) in &policy.sla_hours {
        let cutoff = now
            .checked_sub(jiff::SignedDuration::from_hours(i64::from(*hours)))
            .map_err(|e| ReviewError::Usage(format!("sla_hours: {e}")))?;
        values.push(Value::Text(state.as_str().to_string()));
        let state_mark = values.len();
        values.push(Value::Text(crate::timestamp_text(cutoff)));
        overdue.push_str(&format!(
            " WHEN state = ?{state_mark} AND state_since < ?{} THEN 1",
            values.len()
        ));
    }
    overdue.push_str(" ELSE 0 END");
    let rows = conn.query_map(
        &format!("SELECT state, cause, COUNT(*), SUM({overdue}) FROM alerts GROUP BY state, cause"),
        &params_from(&values),
        |row| {
            Ok((
                row.get::<String>(0)?,
                row.get::<String>(1)?,
                row.get::<i64>(2)?,
                row.get::<Option<i64>>(3)?,
            ))
        },
    )?;
    let mut gauges = Gauges::default();
    for (state, cause, count, late) in rows {
        let state: AlertState = state.parse().map_err(ReviewError::Corrupt)?;
        let cause: Cause = cause.parse().map_err(ReviewError::Corrupt)?;
        *gauges.by_state_cause.entry((state, cause)).or_default() += count.max(0) as u64;
        *gauges.overdue_by_state.entry(state).or_default() += late.unwrap_or(0).max(0) as u64;
    }
    let suppressed: i64 = conn.query_row(
        "SELECT CAST(COALESCE(SUM(suppressed), 0) AS BIGINT) FROM runs",
        params![],
        |row| row.get(0),
    )?;
    gauges.suppressions = suppressed.max(0) as u64;
    Ok(gauges)
}

/// Figures for `alerts stats` and /metrics.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Stats {
    pub by_state: BTreeMap<String, u64>,
    /// Alerts not closed, by list and by program of their designations.
    pub open_by_list: BTreeMap<String, u64>,
    pub open_by_program: BTreeMap<String, u64>,
    /// Closed alerts by decision and reason code.
    pub closed_by_reason: BTreeMap<String, u64>,
    /// Re-alerts ever raised, by cause.
    pub realerts_by_cause: BTreeMap<String, u64>,
    /// Alerts past the SLA hours of their state, by state.
    pub overdue_by_state: BTreeMap<String, u64>,
    /// Hours the oldest alert not closed has waited in its state.
    pub oldest_open_hours: Option<f64>,
}

/// Counts per state, list, program and reason; age and SLA at `now`; re-alerts by cause
/// (from the audit trail, which keeps every reopening).
pub fn stats(
    conn: &Connection,
    policy: &crate::Policy,
    now: jiff::Timestamp,
) -> Result<Stats, ReviewError> {
    let mut stats = Stats::default();
    let mut tally = |row: &Row<'_>| -> Result<(), ReviewError> {
        let state: String = row.get(0)?;
        let designations: String = row.get(1)?;
        let decision: Option<String> = row.get(2)?;
        let reason: Option<String> = row.get(3)?;
        let since: String = row.get(4)?;
        *stats.by_state.entry(state.clone()).or_default() += 1;
        let parsed: AlertState = state.parse().map_err(|e: String| ReviewError::Corrupt(e))?;
        if parsed == AlertState::Closed {
            let key = format!(
                "{}/{}",
                decision.as_deref().unwrap_or("?"),
                reason.as_deref().unwrap_or("-")
            );
            *stats.closed_by_reason.entry(key).or_default() += 1;
            return Ok(());
        }
        let designations: Vec<Designated> = serde_json::from_str(&designations)
            .map_err(|e| ReviewError::Corrupt(format!("alert designations: {e}")))?;
        let mut lists: Vec<&String> = designations.iter().flat_map(|d| &d.lists).collect();
        lists.sort();
        lists.dedup();
        for list in lists {
            *stats.open_by_list.entry(list.clone()).or_default() += 1;
        }
        let mut programs: Vec<&String> = designations.iter().flat_map(|d| &d.programs).collect();
        programs.sort();
        programs.dedup();
        for program in programs {
            *stats.open_by_program.entry(program.clone()).or_default() += 1;
        }
        if let Ok(since) = since.parse::<jiff::Timestamp>() {
            let hours = now.duration_since(since).as_secs_f64() / 3600.0;
            if stats.oldest_open_hours.is_none_or(|h| hours > h) {
                stats.oldest_open_hours = Some(hours);
            }
            if let Some(&limit) = policy.sla_hours.get(&parsed)
                && hours > f64::from(limit)
            {
                *stats.overdue_by_state.entry(state).or_default() += 1;
            }
        }
        Ok(())
    };
    conn.for_each(
        "SELECT state, designations, decision, reason, state_since FROM alerts",
        params![],
        &mut tally,
    )?;
    let cause = match conn.dialect() {
        Dialect::Sqlite => "json_extract(payload, '$.cause')",
        Dialect::Postgres => "payload::jsonb ->> 'cause'",
    };
    let causes = conn.query_map(
        &format!("SELECT {cause}, COUNT(*) FROM audit WHERE kind = 'alert.reopen' GROUP BY 1"),
        params![],
        |row| Ok((row.get::<Option<String>>(0)?, row.get::<i64>(1)?)),
    )?;
    for (cause, count) in causes {
        stats
            .realerts_by_cause
            .insert(cause.unwrap_or_default(), count.max(0) as u64);
    }
    Ok(stats)
}
