//! The one place an alert changes state: [`decide`].
//!
//! Every entry point (the CLI, the API, screening's re-alerts) goes through it, inside a
//! transaction that also holds the audit entry, so a state change and its record commit
//! together. It checks, in order: the actor's role, the alert's state (the transition
//! table below), the lease of a claimed alert, four eyes (the maker of a proposal never
//! approves or returns it), and the reason code and comment against the [`Policy`]. Any
//! failure returns before anything is written: the caller drops the transaction.
//!
//! Held payments ([`crate::payments`]) are alerts of the book [`PAYMENT_BOOK`] and go
//! through the same table: their decisions are release, block or reject (or escalate),
//! each with a comment, and never closed by single review; an approved payment decision
//! leaves no false-positive memory (every payment is a new message).
//!
//! | action   | who               | from                                         | to |
//! |----------|-------------------|----------------------------------------------|----|
//! | claim    | analyst, reviewer | open, reopened, returned; in_review with an expired lease (or one's own) | in_review |
//! | propose  | the claim holder  | in_review                                    | proposed (closed: single review) |
//! | approve  | reviewer ≠ maker  | proposed                                     | closed (escalate: in_review, claimed by the approver) |
//! | return   | reviewer ≠ maker  | proposed                                     | returned |
//! | reopen   | the system        | closed                                       | reopened |

use crate::ReviewError;
use crate::alerts::{self, AlertRecord};
use crate::db::{Connection, Dialect};
use crate::model::{Actor, AlertState, Cause, Decision, Role};
use crate::params;
use crate::payments::PAYMENT_BOOK;
use crate::{memory, timestamp_text};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeMap;

/// The reason code that needs a comment.
pub const OTHER_REASON: &str = "other";

/// What the configuration decides about review (`[review]` in sanctum.toml).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// Reason codes a false positive may be proposed with. `other` needs a comment.
    pub reason_codes: Vec<String>,
    /// False positives scoring below this may be closed by one analyst (no reviewer);
    /// `None`: every closing needs four eyes.
    pub single_review_below: Option<f64>,
    /// How long a false-positive memory holds.
    pub memory_expiry_months: u32,
    /// How long an alert may stay in each state before it is overdue.
    pub sla_hours: BTreeMap<AlertState, u32>,
    /// How long a claim holds an alert before another analyst may take it.
    pub lease_minutes: u32,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            reason_codes: [
                "birth_date_differs",
                "nationality_differs",
                "kind_differs",
                "partial_name_only",
                "weak_alias",
                OTHER_REASON,
            ]
            .map(String::from)
            .to_vec(),
            single_review_below: None,
            memory_expiry_months: 12,
            sla_hours: [
                (AlertState::Open, 24),
                (AlertState::Reopened, 24),
                (AlertState::InReview, 48),
                (AlertState::Returned, 24),
                (AlertState::Proposed, 24),
            ]
            .into_iter()
            .collect(),
            lease_minutes: 240,
        }
    }
}

impl Policy {
    /// Refuses a policy that cannot be applied.
    pub fn validate(&self) -> Result<(), ReviewError> {
        let bad = |reason: String| Err(ReviewError::Usage(format!("[review]: {reason}")));
        if self.reason_codes.is_empty() {
            return bad("reason_codes is empty: give at least one".into());
        }
        for code in &self.reason_codes {
            if code.is_empty()
                || !code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                return bad(format!(
                    "reason code {code:?}: use lower-case letters, digits and _"
                ));
            }
        }
        if let Some(t) = self.single_review_below
            && !(0.0..=1.0).contains(&t)
        {
            return bad(format!(
                "single_review_below = {t}: a score between 0 and 1"
            ));
        }
        if self.memory_expiry_months == 0 || self.memory_expiry_months > 120 {
            return bad("memory_expiry_months: between 1 and 120".into());
        }
        if self.lease_minutes == 0 {
            return bad("lease_minutes: at least 1".into());
        }
        Ok(())
    }
}

/// What an actor does to an alert.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Claim,
    Propose {
        decision: Decision,
        reason: Option<String>,
        comment: Option<String>,
    },
    Approve {
        comment: Option<String>,
    },
    Return {
        comment: String,
    },
    /// Screening raises a closed alert again.
    Reopen {
        cause: Cause,
        changes: Option<serde_json::Value>,
    },
}

impl Action {
    pub fn name(&self) -> &'static str {
        match self {
            Action::Claim => "claim",
            Action::Propose { .. } => "propose",
            Action::Approve { .. } => "approve",
            Action::Return { .. } => "return",
            Action::Reopen { .. } => "reopen",
        }
    }

    /// The roles that may take the action (`None`: only the system).
    fn roles(&self) -> Option<&'static [Role]> {
        match self {
            Action::Claim | Action::Propose { .. } => Some(&[Role::Analyst, Role::Reviewer]),
            Action::Approve { .. } | Action::Return { .. } => Some(&[Role::Reviewer]),
            Action::Reopen { .. } => None,
        }
    }
}

/// A state change that was made.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Transition {
    pub alert: i64,
    pub from: AlertState,
    pub to: AlertState,
    /// The memory entry an approved false positive created.
    pub memory: Option<i64>,
    /// The audit entry that records the change.
    pub audit_seq: i64,
}

fn non_empty(text: &Option<String>) -> Option<&str> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

fn check_role(actor: &Actor, action: &Action) -> Result<(), ReviewError> {
    let allowed = match (action.roles(), actor.role) {
        (None, None) => true,
        (Some(roles), Some(role)) => roles.contains(&role),
        _ => false,
    };
    if allowed {
        return Ok(());
    }
    let needed = match action.roles() {
        Some(roles) => roles
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(" or "),
        None => "screening itself".to_string(),
    };
    Err(ReviewError::Forbidden(format!(
        "{actor} may not {} an alert: that needs {needed}",
        action.name()
    )))
}

fn wrong_state(alert: &AlertRecord, action: &Action) -> ReviewError {
    ReviewError::WrongState {
        alert: alert.id,
        state: alert.state,
        action: action.name(),
    }
}

/// Applies `action` by `actor` to alert `alert_id` at `now`, writing the change and its
/// audit entry through `conn` (a transaction the caller commits). On error nothing was
/// written.
pub fn decide(
    conn: &Connection,
    policy: &Policy,
    actor: &Actor,
    alert_id: i64,
    action: &Action,
    now: Timestamp,
) -> Result<Transition, ReviewError> {
    check_role(actor, action)?;
    let alert = alerts::get_for_update(conn, alert_id)?;
    let at = timestamp_text(now);
    let from = alert.state;
    let lease_ok = |alert: &AlertRecord| {
        alert.assignee.as_deref() == Some(actor.name.as_str())
            && alert
                .lease_until
                .as_deref()
                .is_some_and(|l| l > at.as_str())
    };
    let mut memory_id = None;
    if matches!(action, Action::Approve { .. } | Action::Return { .. })
        && from != AlertState::Proposed
    {
        return Err(wrong_state(&alert, action));
    }
    let (to, payload) = match action {
        Action::Claim => {
            let expired = alert
                .lease_until
                .as_deref()
                .is_none_or(|l| l <= at.as_str());
            let own = alert.assignee.as_deref() == Some(actor.name.as_str());
            let takeable = from.claimable() || (from == AlertState::InReview && (expired || own));
            if !takeable {
                if from == AlertState::InReview {
                    return Err(ReviewError::Conflict(format!(
                        "alert {alert_id} is claimed by {} until {}",
                        alert.assignee.as_deref().unwrap_or("?"),
                        alert.lease_until.as_deref().unwrap_or("?")
                    )));
                }
                return Err(wrong_state(&alert, action));
            }
            let lease = now
                .checked_add(SignedDuration::from_mins(i64::from(policy.lease_minutes)))
                .map_err(|e| ReviewError::Usage(format!("lease_minutes: {e}")))?;
            let lease = timestamp_text(lease);
            conn.execute(
                "UPDATE alerts SET assignee = ?2, lease_until = ?3 WHERE id = ?1",
                params![alert_id, actor.name, lease],
            )?;
            (
                AlertState::InReview,
                json!({"lease_until": lease, "previous_holder": alert.assignee}),
            )
        }
        Action::Propose {
            decision,
            reason,
            comment,
        } => {
            if from != AlertState::InReview {
                return Err(wrong_state(&alert, action));
            }
            if !lease_ok(&alert) {
                return Err(ReviewError::Conflict(format!(
                    "alert {alert_id} is not claimed by {} (holder: {}, lease until {}): claim it first",
                    actor.name,
                    alert.assignee.as_deref().unwrap_or("none"),
                    alert.lease_until.as_deref().unwrap_or("-")
                )));
            }
            let reason = non_empty(reason);
            let comment = non_empty(comment);
            let payment = alert.book == PAYMENT_BOOK;
            if (payment && decision.is_customer()) || (!payment && decision.is_payment()) {
                return Err(ReviewError::Usage(format!(
                    "alert {alert_id} is {}: decide it with {}",
                    if payment {
                        "a held payment"
                    } else {
                        "a customer's alert"
                    },
                    if payment {
                        "release, block, reject or escalate"
                    } else {
                        "false_positive, true_match or escalate"
                    }
                )));
            }
            if let Some(code) = reason
                && !policy.reason_codes.iter().any(|c| c == code)
            {
                return Err(ReviewError::BadReason(format!(
                    "unknown reason code {code:?} (configured: {})",
                    policy.reason_codes.join(", ")
                )));
            }
            match (decision, reason) {
                (Decision::FalsePositive, None) => {
                    return Err(ReviewError::BadReason(format!(
                        "a false positive needs --reason (one of: {})",
                        policy.reason_codes.join(", ")
                    )));
                }
                (
                    Decision::TrueMatch
                    | Decision::Escalate
                    | Decision::Release
                    | Decision::Block
                    | Decision::Reject,
                    _,
                ) if comment.is_none() => {
                    return Err(ReviewError::CommentRequired(format!(
                        "a {decision} proposal needs a comment saying why"
                    )));
                }
                _ => {}
            }
            if reason == Some(OTHER_REASON) && comment.is_none() {
                return Err(ReviewError::CommentRequired(
                    "reason `other` needs a comment".into(),
                ));
            }
            let single_review = *decision == Decision::FalsePositive
                && policy
                    .single_review_below
                    .is_some_and(|limit| alert.score < limit);
            let to = if single_review {
                AlertState::Closed
            } else {
                AlertState::Proposed
            };
            conn.execute(
                "UPDATE alerts SET decision = ?2, reason = ?3, comment = ?4, proposed_by = ?5,
                        assignee = NULL, lease_until = NULL,
                        decided_by = CASE WHEN ?6 THEN ?5 ELSE NULL END
                 WHERE id = ?1",
                params![
                    alert_id,
                    decision.as_str(),
                    reason,
                    comment,
                    actor.name,
                    single_review
                ],
            )?;
            if single_review {
                memory_id = Some(memory::remember(
                    conn,
                    policy,
                    &alert,
                    &actor.name,
                    &actor.name,
                    now,
                )?);
            }
            (
                to,
                json!({"decision": decision, "reason": reason, "comment": comment,
                       "score": alert.score, "single_review": single_review}),
            )
        }
        Action::Approve { comment } => {
            let maker = alert.proposed_by.clone().unwrap_or_default();
            if maker == actor.name {
                return Err(ReviewError::FourEyes(format!(
                    "{} proposed this decision on alert {alert_id} and may not approve it: another reviewer must",
                    actor.name
                )));
            }
            let decision = alert.decision.ok_or_else(|| {
                ReviewError::Corrupt(format!("alert {alert_id} is proposed with no decision"))
            })?;
            let comment = non_empty(comment);
            let to = match decision {
                Decision::Escalate => {
                    let lease = now
                        .checked_add(SignedDuration::from_mins(i64::from(policy.lease_minutes)))
                        .map_err(|e| ReviewError::Usage(format!("lease_minutes: {e}")))?;
                    conn.execute(
                        "UPDATE alerts SET assignee = ?2, lease_until = ?3, decision = NULL,
                                reason = NULL, proposed_by = NULL WHERE id = ?1",
                        params![alert_id, actor.name, timestamp_text(lease)],
                    )?;
                    AlertState::InReview
                }
                Decision::FalsePositive
                | Decision::TrueMatch
                | Decision::Release
                | Decision::Block
                | Decision::Reject => {
                    conn.execute(
                        "UPDATE alerts SET decided_by = ?2 WHERE id = ?1",
                        params![alert_id, actor.name],
                    )?;
                    if decision == Decision::FalsePositive {
                        memory_id = Some(memory::remember(
                            conn,
                            policy,
                            &alert,
                            &maker,
                            &actor.name,
                            now,
                        )?);
                    }
                    AlertState::Closed
                }
            };
            (
                to,
                json!({"decision": decision, "maker": maker, "comment": comment,
                       "memory": memory_id}),
            )
        }
        Action::Return { comment } => {
            let maker = alert.proposed_by.clone().unwrap_or_default();
            if maker == actor.name {
                return Err(ReviewError::FourEyes(format!(
                    "{} proposed this decision on alert {alert_id} and may not return it: another reviewer must",
                    actor.name
                )));
            }
            if comment.trim().is_empty() {
                return Err(ReviewError::CommentRequired(
                    "returning a proposal needs a comment for the analyst".into(),
                ));
            }
            conn.execute(
                "UPDATE alerts SET comment = ?2 WHERE id = ?1",
                params![alert_id, comment.trim()],
            )?;
            (
                AlertState::Returned,
                json!({"decision": alert.decision, "maker": maker, "comment": comment.trim()}),
            )
        }
        Action::Reopen { cause, changes } => {
            if from != AlertState::Closed {
                return Err(wrong_state(&alert, action));
            }
            conn.execute(
                "UPDATE alerts SET cause = ?2, changes = ?3, assignee = NULL, lease_until = NULL,
                        decision = NULL, reason = NULL, comment = NULL, proposed_by = NULL,
                        decided_by = NULL
                 WHERE id = ?1",
                params![
                    alert_id,
                    cause.as_str(),
                    changes.as_ref().map(|c| c.to_string())
                ],
            )?;
            (
                AlertState::Reopened,
                json!({"cause": cause, "changes": changes, "previous_decision": alert.decision,
                       "previous_reason": alert.reason, "previous_decider": alert.decided_by}),
            )
        }
    };
    if to != from {
        conn.execute(
            "UPDATE alerts SET state = ?2, state_since = ?3 WHERE id = ?1",
            params![alert_id, to.as_str(), at],
        )?;
    }
    let mut payload = payload;
    if let Some(object) = payload.as_object_mut() {
        object.insert("from".into(), json!(from));
        object.insert("to".into(), json!(to));
    }
    let entry = crate::audit::append(
        conn,
        &at,
        &actor.name,
        &format!("alert.{}", action.name()),
        &alerts::subject(alert_id),
        &payload,
    )?;
    Ok(Transition {
        alert: alert_id,
        from,
        to,
        memory: memory_id,
        audit_seq: entry.seq,
    })
}

/// The next alert `actor` may claim, oldest first (re-alerts and returned ones before new
/// ones, as they have waited longest), claimed: `None` when there is none.
pub fn claim_next(
    conn: &Connection,
    policy: &Policy,
    actor: &Actor,
    now: Timestamp,
) -> Result<Option<Transition>, ReviewError> {
    check_role(actor, &Action::Claim)?;
    let at = timestamp_text(now);
    if conn.dialect() == Dialect::Postgres {
        return claim_next_locked(conn, policy, actor, now, &at);
    }
    // One indexed lookup per rank (the oldest alert of a state is the first entry of
    // `alerts_by_state`): ordering every waiting alert by rank instead sorted the whole
    // queue on each claim, 20 ms with 100k open alerts.
    let oldest_in = |state: AlertState| -> Result<Option<i64>, ReviewError> {
        conn.query_opt(
            "SELECT id FROM alerts WHERE state = ?1 ORDER BY id LIMIT 1",
            params![state.as_str()],
            |row| row.get(0),
        )
    };
    let mut next = oldest_in(AlertState::Returned)?;
    if next.is_none() {
        next = oldest_in(AlertState::Reopened)?;
    }
    if next.is_none() {
        // New alerts and lapsed claims wait together, oldest first.
        // Two ranges of `alerts_by_state_lease`: the claims without a lease and those
        // lapsed by now, usually none of the thousands held.
        let lapsed: Option<i64> = conn.query_row(
            "SELECT MIN(id) FROM (
                 SELECT MIN(id) AS id FROM alerts
                  WHERE state = 'in_review' AND lease_until IS NULL
                 UNION ALL
                 SELECT MIN(id) FROM alerts
                  WHERE state = 'in_review' AND lease_until <= ?1) AS waiting",
            params![at],
            |row| row.get(0),
        )?;
        next = match (oldest_in(AlertState::Open)?, lapsed) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    match next {
        Some(id) => decide(conn, policy, actor, id, &Action::Claim, now).map(Some),
        None => Ok(None),
    }
}

/// [`claim_next`] on PostgreSQL, where several processes claim at once: each rank's oldest
/// alert is taken with `FOR UPDATE SKIP LOCKED`, so a claimer passes over the alert another
/// is claiming rather than wait for it (or take it too); PostgreSQL re-checks the locked
/// row's state after the wait, so one just claimed by another is no longer a candidate.
fn claim_next_locked(
    conn: &Connection,
    policy: &Policy,
    actor: &Actor,
    now: Timestamp,
    at: &str,
) -> Result<Option<Transition>, ReviewError> {
    let returned = params![];
    let lapsed = params![at];
    let ranks = [
        ("state = 'returned'", returned),
        ("state = 'reopened'", returned),
        // New alerts and lapsed claims wait together, oldest first.
        (
            "state = 'open' OR (state = 'in_review' AND (lease_until IS NULL OR lease_until <= ?1))",
            lapsed,
        ),
    ];
    for (rank, values) in ranks {
        let sql = format!(
            "SELECT id FROM alerts WHERE {rank} ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED"
        );
        if let Some(id) = conn.query_opt(&sql, values, |row| row.get::<i64>(0))? {
            return decide(conn, policy, actor, id, &Action::Claim, now).map(Some);
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Review;
    use crate::alerts::{Designated, NewAlert};

    const T0: &str = "2026-12-07T09:00:00Z";

    fn review_with(policy: Policy) -> Review {
        let mut review = Review::open_in_memory(policy).unwrap();
        review.set_clock(Some(T0.parse().unwrap()));
        review
    }

    fn new_alert(customer: &str, score: f64) -> NewAlert {
        NewAlert {
            book: "main".into(),
            customer_id: customer.into(),
            target: "us_ofac_sdn:1".into(),
            cause: Cause::NewHit,
            score,
            customer_revision: 1,
            customer_fingerprint: "c".repeat(64),
            customer_facets: json!({"names": ["ivan petrov"]}),
            party_fingerprint: "p".repeat(64),
            party_facets: json!({"names": ["ivan petrov"]}),
            designations: vec![Designated {
                party: "us_ofac_sdn:1".into(),
                caption: "PETROV, Ivan".into(),
                lists: vec!["US OFAC SDN".into()],
                programs: vec!["RUSSIA-EO14024".into()],
                hit: true,
            }],
            explanation: json!({}),
            list_versions: [("us_ofac_sdn".to_string(), 1)].into_iter().collect(),
            changes: None,
            run_id: None,
        }
    }

    fn add_alert(review: &mut Review, customer: &str, score: f64) -> i64 {
        let tx = review.write().unwrap();
        let id = crate::alerts::insert(&tx, &new_alert(customer, score), T0).unwrap();
        tx.commit().unwrap();
        id
    }

    fn ana() -> Actor {
        Actor::user("ana", Role::Analyst)
    }
    fn rex() -> Actor {
        Actor::user("rex", Role::Reviewer)
    }
    fn rita() -> Actor {
        Actor::user("rita", Role::Reviewer)
    }

    fn fp(reason: &str) -> Action {
        Action::Propose {
            decision: Decision::FalsePositive,
            reason: Some(reason.into()),
            comment: None,
        }
    }

    /// Everything an action could change: the alert row, the audit head, the memory.
    fn snapshot(review: &Review, id: i64) -> (String, (i64, String), usize) {
        (
            format!("{:?}", review.alert(id).unwrap()),
            crate::audit::head(&review.conn().unwrap()).unwrap(),
            crate::memory::list(&review.conn().unwrap(), None)
                .unwrap()
                .len(),
        )
    }

    /// Applies an action that must fail, and checks that nothing changed.
    fn refused(review: &mut Review, actor: &Actor, id: i64, action: Action) -> ReviewError {
        let before = snapshot(review, id);
        let err = review.decide(actor, id, &action).unwrap_err();
        assert_eq!(
            snapshot(review, id),
            before,
            "{action:?} by {actor} changed something"
        );
        err
    }

    #[test]
    fn a_false_positive_closes_with_four_eyes_and_is_remembered() {
        let mut review = review_with(Policy::default());
        let id = add_alert(&mut review, "c1", 0.9);
        let t = review.decide(&ana(), id, &Action::Claim).unwrap();
        assert_eq!((t.from, t.to), (AlertState::Open, AlertState::InReview));
        let t = review
            .decide(&ana(), id, &fp("birth_date_differs"))
            .unwrap();
        assert_eq!(t.to, AlertState::Proposed);
        let t = review
            .decide(&rex(), id, &Action::Approve { comment: None })
            .unwrap();
        assert_eq!(t.to, AlertState::Closed);
        let alert = review.alert(id).unwrap();
        assert_eq!(alert.decision, Some(Decision::FalsePositive));
        assert_eq!(alert.proposed_by.as_deref(), Some("ana"));
        assert_eq!(alert.decided_by.as_deref(), Some("rex"));
        let memory = crate::memory::get(&review.conn().unwrap(), t.memory.unwrap()).unwrap();
        assert_eq!(
            (memory.proposed_by.as_str(), memory.approved_by.as_str()),
            ("ana", "rex")
        );
        assert_eq!(memory.expires_at, "2027-12-07T09:00:00Z");
        let kinds: Vec<String> = crate::audit::history(&review.conn().unwrap(), &alert.subject())
            .unwrap()
            .into_iter()
            .map(|e| e.kind)
            .collect();
        assert_eq!(
            kinds,
            [
                "alert.create",
                "alert.claim",
                "alert.propose",
                "alert.approve"
            ]
        );
        assert_eq!(review.verify_audit(None).unwrap().broken, None);
    }

    #[test]
    fn every_illegal_action_is_refused_and_changes_nothing() {
        let mut review = review_with(Policy::default());
        let id = add_alert(&mut review, "c1", 0.9);
        let auditor = Actor::user("aud", Role::Auditor);
        let admin = Actor::user("adm", Role::Admin);
        // Roles.
        for actor in [&auditor, &admin] {
            let err = refused(&mut review, actor, id, Action::Claim);
            assert!(matches!(err, ReviewError::Forbidden(_)), "{err}");
        }
        let err = refused(
            &mut review,
            &ana(),
            id,
            Action::Reopen {
                cause: Cause::NewHit,
                changes: None,
            },
        );
        assert!(matches!(err, ReviewError::Forbidden(_)), "{err}");
        let err = refused(
            &mut review,
            &Actor::system(),
            id,
            Action::Reopen {
                cause: Cause::NewHit,
                changes: None,
            },
        );
        assert!(matches!(err, ReviewError::WrongState { .. }), "{err}");
        // Unclaimed.
        let err = refused(&mut review, &ana(), id, fp("weak_alias"));
        assert!(matches!(err, ReviewError::WrongState { .. }), "{err}");
        let err = refused(&mut review, &rex(), id, Action::Approve { comment: None });
        assert!(matches!(err, ReviewError::WrongState { .. }), "{err}");

        review.decide(&ana(), id, &Action::Claim).unwrap();
        // Held by ana: nobody else claims or proposes.
        let err = refused(&mut review, &rex(), id, Action::Claim);
        assert!(matches!(err, ReviewError::Conflict(_)), "{err}");
        let err = refused(&mut review, &rex(), id, fp("weak_alias"));
        assert!(matches!(err, ReviewError::Conflict(_)), "{err}");
        // Reason codes and comments.
        let err = refused(&mut review, &ana(), id, fp("looks_fine"));
        assert!(matches!(err, ReviewError::BadReason(_)), "{err}");
        let err = refused(
            &mut review,
            &ana(),
            id,
            Action::Propose {
                decision: Decision::FalsePositive,
                reason: None,
                comment: Some("no".into()),
            },
        );
        assert!(matches!(err, ReviewError::BadReason(_)), "{err}");
        let err = refused(&mut review, &ana(), id, fp("other"));
        assert!(matches!(err, ReviewError::CommentRequired(_)), "{err}");
        let err = refused(
            &mut review,
            &ana(),
            id,
            Action::Propose {
                decision: Decision::TrueMatch,
                reason: None,
                comment: Some("   ".into()),
            },
        );
        assert!(matches!(err, ReviewError::CommentRequired(_)), "{err}");
        // An analyst cannot approve, a proposal cannot be approved before it exists.
        let err = refused(&mut review, &ana(), id, Action::Approve { comment: None });
        assert!(matches!(err, ReviewError::Forbidden(_)), "{err}");

        review
            .decide(
                &ana(),
                id,
                &Action::Propose {
                    decision: Decision::FalsePositive,
                    reason: Some("other".into()),
                    comment: Some("different person, see KYC file".into()),
                },
            )
            .unwrap();
        let err = refused(&mut review, &ana(), id, Action::Claim);
        assert!(matches!(err, ReviewError::WrongState { .. }), "{err}");
        let err = refused(
            &mut review,
            &rex(),
            id,
            Action::Return {
                comment: " ".into(),
            },
        );
        assert!(matches!(err, ReviewError::CommentRequired(_)), "{err}");
        review
            .decide(&rex(), id, &Action::Approve { comment: None })
            .unwrap();
        // Approving twice, or anything on a closed alert.
        for action in [
            Action::Approve { comment: None },
            Action::Return {
                comment: "again".into(),
            },
            Action::Claim,
        ] {
            let err = refused(&mut review, &rita(), id, action);
            assert!(matches!(err, ReviewError::WrongState { .. }), "{err}");
        }
        let err = review.decide(&rex(), 999, &Action::Claim).unwrap_err();
        assert!(matches!(err, ReviewError::NotFound(_)), "{err}");
    }

    #[test]
    fn the_maker_never_checks_their_own_proposal() {
        let mut review = review_with(Policy::default());
        let id = add_alert(&mut review, "c1", 0.9);
        review.decide(&rex(), id, &Action::Claim).unwrap();
        review.decide(&rex(), id, &fp("kind_differs")).unwrap();
        let err = refused(&mut review, &rex(), id, Action::Approve { comment: None });
        assert!(matches!(err, ReviewError::FourEyes(_)), "{err}");
        let err = refused(
            &mut review,
            &rex(),
            id,
            Action::Return {
                comment: "hm".into(),
            },
        );
        assert!(matches!(err, ReviewError::FourEyes(_)), "{err}");
        let t = review
            .decide(
                &rita(),
                id,
                &Action::Return {
                    comment: "check the passport".into(),
                },
            )
            .unwrap();
        assert_eq!(t.to, AlertState::Returned);
        // Back to the queue: claimed again, proposed again, approved by the other reviewer.
        review.decide(&ana(), id, &Action::Claim).unwrap();
        review.decide(&ana(), id, &fp("kind_differs")).unwrap();
        let t = review
            .decide(&rex(), id, &Action::Approve { comment: None })
            .unwrap();
        assert_eq!(t.to, AlertState::Closed);
    }

    #[test]
    fn a_lapsed_claim_can_be_taken_over_and_no_longer_proposes() {
        let mut review = review_with(Policy::default());
        let id = add_alert(&mut review, "c1", 0.9);
        review.decide(&ana(), id, &Action::Claim).unwrap();
        review.set_clock(Some("2026-12-07T13:00:01Z".parse().unwrap()));
        let err = refused(&mut review, &ana(), id, fp("weak_alias"));
        assert!(matches!(err, ReviewError::Conflict(_)), "{err}");
        let t = review.decide(&rex(), id, &Action::Claim).unwrap();
        assert_eq!((t.from, t.to), (AlertState::InReview, AlertState::InReview));
        assert_eq!(review.alert(id).unwrap().assignee.as_deref(), Some("rex"));
    }

    #[test]
    fn single_review_closes_only_false_positives_below_the_score() {
        let policy = Policy {
            single_review_below: Some(0.85),
            ..Policy::default()
        };
        let mut review = review_with(policy);
        let low = add_alert(&mut review, "low", 0.84);
        let high = add_alert(&mut review, "high", 0.86);
        for id in [low, high] {
            review.decide(&ana(), id, &Action::Claim).unwrap();
        }
        let t = review.decide(&ana(), low, &fp("weak_alias")).unwrap();
        assert_eq!(t.to, AlertState::Closed);
        assert!(t.memory.is_some());
        let t = review.decide(&ana(), high, &fp("weak_alias")).unwrap();
        assert_eq!(t.to, AlertState::Proposed);
    }

    #[test]
    fn an_approved_escalation_goes_to_the_reviewer_who_then_needs_another() {
        let mut review = review_with(Policy::default());
        let id = add_alert(&mut review, "c1", 0.95);
        review.decide(&ana(), id, &Action::Claim).unwrap();
        review
            .decide(
                &ana(),
                id,
                &Action::Propose {
                    decision: Decision::Escalate,
                    reason: None,
                    comment: Some("same birth year, unsure".into()),
                },
            )
            .unwrap();
        let t = review
            .decide(&rex(), id, &Action::Approve { comment: None })
            .unwrap();
        assert_eq!(t.to, AlertState::InReview);
        assert_eq!(review.alert(id).unwrap().assignee.as_deref(), Some("rex"));
        review
            .decide(
                &rex(),
                id,
                &Action::Propose {
                    decision: Decision::TrueMatch,
                    reason: None,
                    comment: Some("passport number matches".into()),
                },
            )
            .unwrap();
        let err = refused(&mut review, &rex(), id, Action::Approve { comment: None });
        assert!(matches!(err, ReviewError::FourEyes(_)));
        let t = review
            .decide(&rita(), id, &Action::Approve { comment: None })
            .unwrap();
        assert_eq!(t.to, AlertState::Closed);
        assert_eq!(t.memory, None, "a true match is not remembered");
    }

    #[test]
    fn claim_next_takes_the_oldest_waiting_alert_and_skips_held_ones() {
        let mut review = review_with(Policy::default());
        let first = add_alert(&mut review, "c1", 0.9);
        let second = add_alert(&mut review, "c2", 0.9);
        assert_eq!(review.claim_next(&ana()).unwrap().unwrap().alert, first);
        assert_eq!(review.claim_next(&rex()).unwrap().unwrap().alert, second);
        assert_eq!(review.claim_next(&rita()).unwrap(), None);
        let err = review
            .claim_next(&Actor::user("aud", Role::Auditor))
            .unwrap_err();
        assert!(matches!(err, ReviewError::Forbidden(_)));
    }

    #[test]
    fn claim_next_ranks_returned_then_reopened_then_new_and_lapsed_by_age() {
        let mut review = review_with(Policy::default());
        let [lapsing, new, returned, reopened] =
            ["c1", "c2", "c3", "c4"].map(|c| add_alert(&mut review, c, 0.9));
        // `returned`: proposed, sent back; `reopened`: closed, raised again.
        for id in [returned, reopened] {
            review.decide(&ana(), id, &Action::Claim).unwrap();
            review.decide(&ana(), id, &fp("weak_alias")).unwrap();
        }
        let back = Action::Return {
            comment: "check the passport".into(),
        };
        review.decide(&rex(), returned, &back).unwrap();
        review
            .decide(&rex(), reopened, &Action::Approve { comment: None })
            .unwrap();
        let reopen = Action::Reopen {
            cause: Cause::ListedChanged,
            changes: None,
        };
        review.decide(&Actor::system(), reopened, &reopen).unwrap();
        review.decide(&ana(), lapsing, &Action::Claim).unwrap();
        let next =
            |review: &mut Review, who: &Actor| review.claim_next(who).unwrap().unwrap().alert;
        assert_eq!(next(&mut review, &rita()), returned);
        assert_eq!(next(&mut review, &rita()), reopened);
        assert_eq!(next(&mut review, &rita()), new, "ana's claim still holds");
        review.set_clock(Some("2026-12-07T13:00:01Z".parse().unwrap()));
        assert_eq!(next(&mut review, &rex()), lapsing, "the lease lapsed");
    }

    #[test]
    fn revoking_a_memory_needs_two_reviewers() {
        let mut review = review_with(Policy::default());
        let id = add_alert(&mut review, "c1", 0.9);
        review.decide(&ana(), id, &Action::Claim).unwrap();
        review.decide(&ana(), id, &fp("weak_alias")).unwrap();
        let memory = review
            .decide(&rex(), id, &Action::Approve { comment: None })
            .unwrap()
            .memory
            .unwrap();
        let err = review.revoke_memory(&ana(), memory, "wrong").unwrap_err();
        assert!(matches!(err, ReviewError::Forbidden(_)));
        assert_eq!(
            review.revoke_memory(&rex(), memory, "new KYC").unwrap(),
            crate::memory::Revocation::Proposed
        );
        let err = review.revoke_memory(&rex(), memory, "again").unwrap_err();
        assert!(matches!(err, ReviewError::FourEyes(_)));
        let live_at = crate::timestamp_text(review.now());
        assert_eq!(
            crate::memory::list(&review.conn().unwrap(), Some(&live_at))
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            review.revoke_memory(&rita(), memory, "agreed").unwrap(),
            crate::memory::Revocation::Revoked
        );
        assert!(
            crate::memory::list(&review.conn().unwrap(), Some(&live_at))
                .unwrap()
                .is_empty()
        );
    }
}
