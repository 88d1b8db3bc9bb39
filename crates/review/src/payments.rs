//! Held payment messages as review cases.
//!
//! A payment message the payment filter holds (sanctum-payments; the CLI and the server join
//! the two crates, neither depends on the other) is recorded with [`record`] as one alert of
//! the book [`PAYMENT_BOOK`]: its hits (the filter's verdict) are the alert's explanation,
//! the listed parties they name its designations, and the message as received is kept
//! beside it (`payment_messages`), so the analyst reads what the hits' byte spans point
//! into. From there it is an alert like any other: claimed, then released, blocked or
//! rejected under four eyes through [`crate::workflow::decide`], every step in the audit
//! trail; a blocked or rejected payment gets its OFAC report drafted
//! ([`crate::report::blocked_property`]), due 10 business days after the decision.
//!
//! A message is recorded once: the same bytes recorded again (a retry, a re-run over the
//! same file) give the case already open.

use crate::ReviewError;
use crate::alerts::{self, AlertRecord, Designated, NewAlert};
use crate::db::Connection;
use crate::model::Cause;
use crate::params;
use sanctum_model::Entity;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The book held payments are alerts of. No customer book may take the name
/// ([`crate::book::check_book_name`]).
pub const PAYMENT_BOOK: &str = "payments";

/// A held message, as the payment filter gave it.
#[derive(Debug, Clone, PartialEq)]
pub struct HeldMessage {
    /// `MT103`, `pacs.008.001.08`, …
    pub kind: String,
    /// The sender's reference (MT field 20, MX message id), when the message has one.
    pub reference: Option<String>,
    /// The message as received (MT text, MX XML).
    pub raw: String,
    /// The names of the message's parties, for the card and the report.
    pub names: Vec<String>,
    /// Every listed party a hit names ([`designation`]), the best hit's first.
    pub designations: Vec<Designated>,
    /// The sanctioned jurisdiction of a country or place hit, when no listed party hit.
    pub jurisdiction: Option<String>,
    /// The best hit's score (1 for an identifier, a BIC or a jurisdiction).
    pub score: f64,
    /// The verdict, as the filter's JSON gives it (hits with fields and byte spans).
    pub verdict: serde_json::Value,
    pub list_versions: BTreeMap<String, u32>,
}

/// A held message recorded: its case (alert) id, and whether this call created it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Recorded {
    pub case: i64,
    /// false: the same message was recorded before, and this is its case.
    pub created: bool,
}

/// A listed party as a payment case names it.
pub fn designation(entity: &Entity) -> Designated {
    crate::screening::designated(entity, true)
}

/// Records `held` as an open case (an alert of [`PAYMENT_BOOK`], created by the system and
/// audited), or finds the case the same message already has. Call it in a write
/// transaction.
pub fn record(conn: &Connection, held: &HeldMessage, at: &str) -> Result<Recorded, ReviewError> {
    let sha256 = hex::encode(Sha256::digest(held.raw.as_bytes()));
    let known: Option<i64> = conn.query_opt(
        "SELECT alert_id FROM payment_messages WHERE sha256 = ?1",
        params![sha256],
        |row| row.get(0),
    )?;
    if let Some(case) = known {
        return Ok(Recorded {
            case,
            created: false,
        });
    }
    let target = match (held.designations.first(), &held.jurisdiction) {
        (Some(first), _) => first.party.clone(),
        (None, Some(jurisdiction)) => format!("jurisdiction:{jurisdiction}"),
        (None, None) => "message".to_string(),
    };
    // The reference names the case for people; the digest keeps two messages that share a
    // reference (references are unique per sender only) apart.
    let customer_id = format!(
        "{} {}:{}",
        held.kind,
        held.reference.as_deref().unwrap_or("-"),
        &sha256[..16]
    );
    let alert = NewAlert {
        book: PAYMENT_BOOK.to_string(),
        customer_id,
        target,
        cause: Cause::NewHit,
        score: held.score,
        customer_revision: 1,
        customer_fingerprint: sha256.clone(),
        customer_facets: serde_json::json!({
            "names": held.names,
            "kind": held.kind,
            "reference": held.reference,
            "jurisdiction": held.jurisdiction,
        }),
        party_fingerprint: String::new(),
        party_facets: serde_json::json!({}),
        designations: held.designations.clone(),
        explanation: held.verdict.clone(),
        list_versions: held.list_versions.clone(),
        changes: None,
        run_id: None,
    };
    let case = alerts::insert(conn, &alert, at)?;
    conn.execute(
        "INSERT INTO payment_messages (alert_id, kind, reference, sha256, raw)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![case, held.kind, held.reference, sha256, held.raw],
    )?;
    Ok(Recorded {
        case,
        created: true,
    })
}

/// The message a payment case holds.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PaymentMessage {
    pub kind: String,
    pub reference: Option<String>,
    /// SHA-256 of the message, hex.
    pub sha256: String,
    /// The message as received; the hits' spans (the alert's explanation) are byte offsets
    /// into it.
    pub raw: String,
}

/// The message of alert `id`; `None` when the alert is a customer's (or does not exist).
pub fn message(conn: &Connection, id: i64) -> Result<Option<PaymentMessage>, ReviewError> {
    conn.query_opt(
        "SELECT kind, reference, sha256, raw FROM payment_messages WHERE alert_id = ?1",
        params![id],
        |row| {
            Ok(PaymentMessage {
                kind: row.get(0)?,
                reference: row.get(1)?,
                sha256: row.get(2)?,
                raw: row.get(3)?,
            })
        },
    )
}

/// Whether an alert is a held payment's.
pub fn is_payment(alert: &AlertRecord) -> bool {
    alert.book == PAYMENT_BOOK
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Action, Actor, Decision, Policy, Review, Role};

    fn held(raw: &str) -> HeldMessage {
        HeldMessage {
            kind: "MT103".into(),
            reference: Some("REF-1".into()),
            raw: raw.into(),
            names: vec!["IVAN PETROV".into()],
            designations: vec![Designated {
                party: "us_ofac_sdn:1".into(),
                caption: "PETROV, Ivan".into(),
                lists: vec!["US OFAC SDN".into()],
                programs: vec!["RUSSIA-EO14024".into()],
                hit: true,
            }],
            jurisdiction: None,
            score: 0.97,
            verdict: serde_json::json!({"decision": "hold", "hits": []}),
            list_versions: [("us_ofac_sdn".to_string(), 1)].into_iter().collect(),
        }
    }

    #[test]
    fn a_message_is_recorded_once_and_takes_only_payment_decisions() {
        let mut review = Review::open_in_memory(Policy::default()).unwrap();
        review.set_clock(Some("2026-12-07T09:00:00Z".parse().unwrap()));
        let first = review.record_held_payment(&held(":20:REF-1")).unwrap();
        assert!(first.created);
        let again = review.record_held_payment(&held(":20:REF-1")).unwrap();
        assert_eq!((again.case, again.created), (first.case, false));
        let other = review.record_held_payment(&held(":20:REF-1 ")).unwrap();
        assert_ne!(
            other.case, first.case,
            "another message with the same reference"
        );
        let stored = message(&review.conn().unwrap(), first.case)
            .unwrap()
            .unwrap();
        assert_eq!(
            (stored.raw.as_str(), stored.kind.as_str()),
            (":20:REF-1", "MT103")
        );
        assert!(is_payment(&review.alert(first.case).unwrap()));

        let ana = Actor::user("ana", Role::Analyst);
        review.decide(&ana, first.case, &Action::Claim).unwrap();
        let propose = |decision| Action::Propose {
            decision,
            reason: Some("weak_alias".into()),
            comment: Some("checked".into()),
        };
        let err = review
            .decide(&ana, first.case, &propose(Decision::FalsePositive))
            .unwrap_err();
        assert!(err.to_string().contains("release, block, reject"), "{err}");
        review
            .decide(&ana, first.case, &propose(Decision::Release))
            .unwrap();
        assert!(
            crate::book::check_customer_book(PAYMENT_BOOK)
                .unwrap_err()
                .to_string()
                .contains("reserved")
        );
        assert!(crate::book::check_customer_book("main").is_ok());
    }
}
