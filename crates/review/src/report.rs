//! Drafts of OFAC's reports: the Report of Blocked Property (31 CFR 501.603) for a
//! confirmed match or a blocked payment, and the report on a rejected transaction
//! (31 CFR 501.604) for a rejected payment: the fields the rule asks for, filled from the
//! alert where the store knows them and marked to complete where only the institution does
//! (value, account, holder), with the due date, 10 US business days after the property was
//! blocked or the transaction rejected ([`crate::calendar`]).
//!
//! The day the alert was closed (the decision approved) stands for the day of blocking or
//! rejection.

use crate::alerts::{self, AlertRecord};
use crate::db::Connection;
use crate::model::{AlertState, Decision};
use crate::{ReviewError, calendar};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

/// Business days OFAC allows for a blocked-property report, and for a report on a
/// rejected transaction.
pub const REPORT_DUE_BUSINESS_DAYS: u32 = 10;

/// Which report a decision calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    /// 31 CFR 501.603: a confirmed match's property, or a blocked payment's funds.
    BlockedProperty,
    /// 31 CFR 501.604: a payment refused and returned unexecuted.
    RejectedTransaction,
}

/// One field of the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    pub name: &'static str,
    /// `None`: the reporting institution completes it.
    pub value: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BlockedPropertyDraft {
    pub alert: i64,
    pub report: ReportKind,
    /// The day of blocking (or, for a rejected transaction, of rejection).
    pub blocked_on: Date,
    pub due: Date,
    pub overdue: bool,
    pub fields: Vec<Field>,
}

fn day_of(at: &str) -> Result<Date, ReviewError> {
    at.get(..10)
        .and_then(|d| d.parse().ok())
        .ok_or_else(|| ReviewError::Corrupt(format!("timestamp {at:?}")))
}

/// The draft for alert `id`, closed as a true match, or a held payment closed as blocked or
/// rejected; `now` decides whether it is overdue.
pub fn blocked_property(
    conn: &Connection,
    id: i64,
    now: Timestamp,
) -> Result<BlockedPropertyDraft, ReviewError> {
    let alert = alerts::get(conn, id)?;
    let report = match (alert.state, alert.decision) {
        (AlertState::Closed, Some(Decision::TrueMatch | Decision::Block)) => {
            ReportKind::BlockedProperty
        }
        (AlertState::Closed, Some(Decision::Reject)) => ReportKind::RejectedTransaction,
        _ => {
            return Err(ReviewError::Usage(format!(
                "alert {id} is {}{}: an OFAC report is drafted for an alert closed as a true match, or a payment closed as blocked or rejected",
                alert.state,
                alert
                    .decision
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default()
            )));
        }
    };
    let blocked_on = day_of(&alert.state_since)?;
    let due = calendar::add_business_days(blocked_on, REPORT_DUE_BUSINESS_DAYS);
    let today = day_of(&crate::timestamp_text(now))?;
    Ok(BlockedPropertyDraft {
        alert: id,
        report,
        blocked_on,
        due,
        overdue: today > due,
        fields: fields(&alert, report, blocked_on),
    })
}

fn fields(alert: &AlertRecord, report: ReportKind, blocked_on: Date) -> Vec<Field> {
    let join = |values: Vec<String>| {
        let mut values = values;
        values.sort();
        values.dedup();
        values.join("; ")
    };
    let captions = join(
        alert
            .designations
            .iter()
            .map(|d| format!("{} ({})", d.caption, d.party))
            .collect(),
    );
    let programs = join(
        alert
            .designations
            .iter()
            .flat_map(|d| d.programs.clone())
            .collect(),
    );
    let lists = join(
        alert
            .designations
            .iter()
            .flat_map(|d| d.lists.clone())
            .collect(),
    );
    let customer_names = alert
        .customer_facets
        .get("names")
        .and_then(|n| n.as_array())
        .map(|names| {
            names
                .iter()
                .filter_map(|n| n.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default();
    let facet = |key: &str| {
        alert
            .customer_facets
            .get(key)
            .and_then(|value| value.as_str())
            .unwrap_or("")
            .to_string()
    };
    let payment = crate::payments::is_payment(alert);
    let rejected = report == ReportKind::RejectedTransaction;
    vec![
        Field {
            name: if rejected {
                "financial institution rejecting the transaction (name, address)"
            } else {
                "holder of the blocked property (name, address)"
            },
            value: None,
        },
        Field {
            name: if payment {
                "parties to the transaction (originator, beneficiary, as written)"
            } else {
                "owner or account party"
            },
            value: Some(if payment {
                format!("{customer_names} (payment case {})", alert.id)
            } else {
                format!(
                    "{customer_names} (customer {} in book {})",
                    alert.customer_id, alert.book
                )
            }),
        },
        Field {
            name: "blocked person (as listed)",
            value: Some(match facet("jurisdiction") {
                // A payment held for a sanctioned jurisdiction alone names no listed person.
                jurisdiction if captions.is_empty() && !jurisdiction.is_empty() => {
                    format!("comprehensively sanctioned jurisdiction: {jurisdiction}")
                }
                _ => captions,
            }),
        },
        Field {
            name: "lists and sanctions programs (legal authority)",
            value: Some(format!("{lists}: {programs}")),
        },
        Field {
            name: if rejected {
                "description of the transaction (type, reference)"
            } else {
                "description of the property (type, account or reference number)"
            },
            value: payment.then(|| {
                format!(
                    "funds transfer, {} message, sender's reference {}",
                    facet("kind"),
                    match facet("reference") {
                        reference if reference.is_empty() => "none".to_string(),
                        reference => reference,
                    }
                )
            }),
        },
        Field {
            name: if rejected {
                "date the transaction was rejected"
            } else {
                "date the property was blocked"
            },
            value: Some(blocked_on.to_string()),
        },
        Field {
            name: if rejected {
                "amount of the transaction (USD)"
            } else {
                "value of the property (USD) as of the date blocked"
            },
            value: None,
        },
        Field {
            name: "decision record",
            value: Some(format!(
                "alert {} proposed by {}, approved by {}: {}",
                alert.id,
                alert.proposed_by.as_deref().unwrap_or("?"),
                alert.decided_by.as_deref().unwrap_or("?"),
                alert.comment.as_deref().unwrap_or("")
            )),
        },
        Field {
            name: "contact person (name, telephone, email)",
            value: None,
        },
    ]
}

#[cfg(test)]
mod tests {
    use crate::alerts::{Designated, NewAlert};
    use crate::{Action, Actor, Cause, Decision, Policy, Review, ReviewError, Role};
    use serde_json::json;

    #[test]
    fn a_confirmed_match_gets_a_draft_due_ten_business_days_later() {
        let mut review = Review::open_in_memory(Policy::default()).unwrap();
        review.set_clock(Some("2022-02-17T10:00:00Z".parse().unwrap()));
        let tx = review.write().unwrap();
        let id = crate::alerts::insert(
            &tx,
            &NewAlert {
                book: "main".into(),
                customer_id: "c1".into(),
                target: "us_ofac_sdn:1".into(),
                cause: Cause::NewHit,
                score: 0.97,
                customer_revision: 1,
                customer_fingerprint: "c".into(),
                customer_facets: json!({"names": ["ivan petrov"]}),
                party_fingerprint: "p".into(),
                party_facets: json!({}),
                designations: vec![Designated {
                    party: "us_ofac_sdn:1".into(),
                    caption: "PETROV, Ivan".into(),
                    lists: vec!["US OFAC SDN".into()],
                    programs: vec!["RUSSIA-EO14024".into()],
                    hit: true,
                }],
                explanation: json!({}),
                list_versions: Default::default(),
                changes: None,
                run_id: None,
            },
            "2022-02-17T10:00:00Z",
        )
        .unwrap();
        tx.commit().unwrap();
        let err = super::blocked_property(&review.conn().unwrap(), id, review.now()).unwrap_err();
        assert!(matches!(err, ReviewError::Usage(_)), "{err}");
        let (ana, rex) = (
            Actor::user("ana", Role::Analyst),
            Actor::user("rex", Role::Reviewer),
        );
        review.decide(&ana, id, &Action::Claim).unwrap();
        review
            .decide(
                &ana,
                id,
                &Action::Propose {
                    decision: Decision::TrueMatch,
                    reason: None,
                    comment: Some("passport matches".into()),
                },
            )
            .unwrap();
        review
            .decide(&rex, id, &Action::Approve { comment: None })
            .unwrap();
        let draft = super::blocked_property(&review.conn().unwrap(), id, review.now()).unwrap();
        assert_eq!(draft.blocked_on.to_string(), "2022-02-17");
        assert_eq!(draft.due.to_string(), "2022-03-04");
        assert!(!draft.overdue);
        let blocked = draft
            .fields
            .iter()
            .find(|f| f.name.starts_with("blocked person"))
            .unwrap();
        assert_eq!(
            blocked.value.as_deref(),
            Some("PETROV, Ivan (us_ofac_sdn:1)")
        );
        let later = "2022-03-07T09:00:00Z".parse().unwrap();
        assert!(
            super::blocked_property(&review.conn().unwrap(), id, later)
                .unwrap()
                .overdue
        );
    }
}
