//! The false-positive memory: an approved false positive remembers the pair (customer,
//! target) with both sides' fingerprints, who proposed and who approved it, and an expiry.
//! Screening suppresses the pair only while the memory is unexpired and both fingerprints
//! are those remembered; anything else raises the alert again (see `screening`).
//! Revoking a memory needs four eyes too: one reviewer proposes, another confirms.

use crate::alerts::AlertRecord;
use crate::db::{Connection, Row};
use crate::model::{Actor, Role};
use crate::params;
use crate::workflow::Policy;
use crate::{ReviewError, timestamp_text};
use jiff::{Timestamp, ToSpan, tz::TimeZone};
use serde::Serialize;
use serde_json::json;

/// A memory row.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Memory {
    pub id: i64,
    pub book: String,
    pub customer_id: String,
    pub target: String,
    pub customer_fingerprint: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub customer_facets: serde_json::Value,
    pub party_fingerprint: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub party_facets: serde_json::Value,
    pub alert_id: i64,
    pub proposed_by: String,
    pub approved_by: String,
    pub created_at: String,
    pub expires_at: String,
    pub revocation_proposed_by: Option<String>,
    pub revoked_by: Option<String>,
    pub revoked_at: Option<String>,
}

const COLUMNS: &str = "id, book, customer_id, target, customer_fingerprint, customer_facets, \
    party_fingerprint, party_facets, alert_id, proposed_by, approved_by, created_at, expires_at, \
    revocation_proposed_by, revoked_by, revoked_at";

fn json_column(row: &Row<'_>, index: usize) -> Result<serde_json::Value, ReviewError> {
    let text: String = row.get(index)?;
    serde_json::from_str(&text)
        .map_err(|e| ReviewError::Corrupt(format!("memory entry, column {index}: {e}")))
}

impl Memory {
    fn from_row(row: &Row<'_>) -> Result<Memory, ReviewError> {
        Ok(Memory {
            id: row.get(0)?,
            book: row.get(1)?,
            customer_id: row.get(2)?,
            target: row.get(3)?,
            customer_fingerprint: row.get(4)?,
            customer_facets: json_column(row, 5)?,
            party_fingerprint: row.get(6)?,
            party_facets: json_column(row, 7)?,
            alert_id: row.get(8)?,
            proposed_by: row.get(9)?,
            approved_by: row.get(10)?,
            created_at: row.get(11)?,
            expires_at: row.get(12)?,
            revocation_proposed_by: row.get(13)?,
            revoked_by: row.get(14)?,
            revoked_at: row.get(15)?,
        })
    }

    /// Whether it still suppresses at `at` (RFC 3339).
    pub fn is_live(&self, at: &str) -> bool {
        self.revoked_at.is_none() && self.expires_at.as_str() > at
    }
}

/// `now` plus the policy's expiry in calendar months (UTC).
pub fn expiry(policy: &Policy, now: Timestamp) -> Result<Timestamp, ReviewError> {
    now.to_zoned(TimeZone::UTC)
        .checked_add(i64::from(policy.memory_expiry_months).months())
        .map(|z| z.timestamp())
        .map_err(|e| ReviewError::Usage(format!("memory_expiry_months: {e}")))
}

/// Remembers an approved false positive (called by the workflow, in its transaction).
pub(crate) fn remember(
    conn: &Connection,
    policy: &Policy,
    alert: &AlertRecord,
    proposed_by: &str,
    approved_by: &str,
    now: Timestamp,
) -> Result<i64, ReviewError> {
    let at = timestamp_text(now);
    let expires = timestamp_text(expiry(policy, now)?);
    let id: i64 = conn.query_row(
        "INSERT INTO memory (book, customer_id, target, customer_fingerprint, customer_facets,
                             party_fingerprint, party_facets, alert_id, proposed_by, approved_by,
                             created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) RETURNING id",
        params![
            alert.book,
            alert.customer_id,
            alert.target,
            alert.customer_fingerprint,
            alert.customer_facets.to_string(),
            alert.party_fingerprint,
            alert.party_facets.to_string(),
            alert.id,
            proposed_by,
            approved_by,
            at,
            expires
        ],
        |row| row.get(0),
    )?;
    for d in &alert.designations {
        conn.execute(
            "INSERT INTO memory_parties (memory_id, party) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            params![id, d.party],
        )?;
    }
    crate::audit::append(
        conn,
        &at,
        approved_by,
        "memory.add",
        &subject(id),
        &json!({"alert": alert.id, "book": alert.book, "customer_id": alert.customer_id,
                "target": alert.target, "customer_fingerprint": alert.customer_fingerprint,
                "party_fingerprint": alert.party_fingerprint, "proposed_by": proposed_by,
                "approved_by": approved_by, "expires_at": expires}),
    )?;
    Ok(id)
}

pub fn subject(id: i64) -> String {
    format!("memory:{id}")
}

pub fn get(conn: &Connection, id: i64) -> Result<Memory, ReviewError> {
    conn.query_opt(
        &format!("SELECT {COLUMNS} FROM memory WHERE id = ?1"),
        params![id],
        Memory::from_row,
    )?
    .ok_or_else(|| ReviewError::NotFound(format!("memory entry {id}")))
}

/// [`get`], the row locked until the transaction ends (PostgreSQL; see
/// [`crate::alerts::get_for_update`]).
fn get_for_update(conn: &Connection, id: i64) -> Result<Memory, ReviewError> {
    let sql = conn.locking(
        &format!("SELECT {COLUMNS} FROM memory WHERE id = ?1"),
        "FOR UPDATE",
    );
    conn.query_opt(&sql, params![id], Memory::from_row)?
        .ok_or_else(|| ReviewError::NotFound(format!("memory entry {id}")))
}

/// Every memory entry, newest first; only the live ones at `at` when `live_at` is given.
pub fn list(conn: &Connection, live_at: Option<&str>) -> Result<Vec<Memory>, ReviewError> {
    let rows = conn.query_map(
        &format!("SELECT {COLUMNS} FROM memory ORDER BY id DESC"),
        params![],
        Memory::from_row,
    )?;
    Ok(rows
        .into_iter()
        .filter(|m| live_at.is_none_or(|at| m.is_live(at)))
        .collect())
}

/// The memory entries an alert's approvals created, newest first.
pub fn for_alert(conn: &Connection, alert_id: i64) -> Result<Vec<Memory>, ReviewError> {
    conn.query_map(
        &format!("SELECT {COLUMNS} FROM memory WHERE alert_id = ?1 ORDER BY id DESC"),
        params![alert_id],
        Memory::from_row,
    )
}

/// The newest unrevoked memory of a customer against any of a target's parties.
pub fn latest_for(
    conn: &Connection,
    book: &str,
    customer_id: &str,
    parties: &[String],
) -> Result<Option<Memory>, ReviewError> {
    let mut best: Option<Memory> = None;
    let sql = format!(
        "SELECT {} FROM memory m JOIN memory_parties p ON p.memory_id = m.id
         WHERE p.party = ?1 AND m.book = ?2 AND m.customer_id = ?3 AND m.revoked_at IS NULL
         ORDER BY m.id DESC LIMIT 1",
        COLUMNS
            .split(", ")
            .map(|c| format!("m.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for party in parties {
        let found = conn.query_opt(&sql, params![party, book, customer_id], Memory::from_row)?;
        if let Some(m) = found
            && best.as_ref().is_none_or(|b| m.id > b.id)
        {
            best = Some(m);
        }
    }
    Ok(best)
}

/// What a revocation step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Revocation {
    /// The first reviewer asked for it; a second must confirm.
    Proposed,
    /// A second reviewer confirmed: the memory no longer suppresses.
    Revoked,
}

/// One step of revoking a memory: the first reviewer proposes, a different one confirms.
pub fn revoke(
    conn: &Connection,
    actor: &Actor,
    id: i64,
    comment: &str,
    now: Timestamp,
) -> Result<Revocation, ReviewError> {
    if actor.role != Some(Role::Reviewer) {
        return Err(ReviewError::Forbidden(format!(
            "{actor} may not revoke a memory entry: that needs the reviewer role"
        )));
    }
    if comment.trim().is_empty() {
        return Err(ReviewError::CommentRequired(
            "revoking a memory entry needs a comment".into(),
        ));
    }
    let memory = get_for_update(conn, id)?;
    if memory.revoked_at.is_some() {
        return Err(ReviewError::Conflict(format!(
            "memory entry {id} was already revoked"
        )));
    }
    let at = timestamp_text(now);
    let outcome = match memory.revocation_proposed_by.as_deref() {
        None => {
            conn.execute(
                "UPDATE memory SET revocation_proposed_by = ?2 WHERE id = ?1",
                params![id, actor.name],
            )?;
            Revocation::Proposed
        }
        Some(maker) if maker == actor.name => {
            return Err(ReviewError::FourEyes(format!(
                "{} proposed revoking memory entry {id} and may not confirm it: another reviewer must",
                actor.name
            )));
        }
        Some(_) => {
            conn.execute(
                "UPDATE memory SET revoked_by = ?2, revoked_at = ?3 WHERE id = ?1",
                params![id, actor.name, at],
            )?;
            Revocation::Revoked
        }
    };
    let kind = match outcome {
        Revocation::Proposed => "memory.revoke_proposed",
        Revocation::Revoked => "memory.revoked",
    };
    crate::audit::append(
        conn,
        &at,
        &actor.name,
        kind,
        &subject(id),
        &json!({"comment": comment.trim(), "proposed_by": memory.revocation_proposed_by}),
    )?;
    Ok(outcome)
}
