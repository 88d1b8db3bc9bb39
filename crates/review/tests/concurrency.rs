//! Several processes on one review database, each thread on a connection of its own (as
//! API replicas are): claim-next never hands one alert to two claimers, two reviewers
//! approving one proposal at once give one approval, and the audit chain never forks (a
//! verification carried on over the claims agrees with a full walk).

#[macro_use]
mod common;

use common::TestStore;
use sanctum_review::alerts::{Designated, NewAlert};
use sanctum_review::{Action, Actor, AlertState, Cause, Decision, ReviewError, Role};
use serde_json::json;
use std::collections::BTreeSet;
use std::sync::Barrier;

const T0: &str = "2026-12-07T09:00:00Z";

/// Claimers at once: more than the machine's cores, so they interleave.
const CLAIMERS: usize = 6;
const ALERTS: usize = 30;

fn new_alert(customer: &str) -> NewAlert {
    NewAlert {
        book: "main".into(),
        customer_id: customer.into(),
        target: "us_ofac_sdn:1".into(),
        cause: Cause::NewHit,
        score: 0.9,
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

fn add_alerts(at: &TestStore, count: usize) -> Vec<i64> {
    let mut review = at.review();
    let tx = review.write().expect("transaction");
    let ids = (0..count)
        .map(|i| sanctum_review::alerts::insert(&tx, &new_alert(&format!("c{i:03}")), T0))
        .collect::<Result<Vec<_>, _>>()
        .expect("insert");
    tx.commit().expect("commit");
    ids
}

fn concurrent_claims_never_hand_out_one_alert_twice(at: &TestStore) {
    let ids = add_alerts(at, ALERTS);
    let before_claims = at.review().verify_audit(None).expect("verify");
    let start = Barrier::new(CLAIMERS);
    let claimed: Vec<Vec<i64>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..CLAIMERS)
            .map(|n| {
                let start = &start;
                scope.spawn(move || {
                    let mut review = at.review();
                    review.set_clock(Some(T0.parse().expect("time")));
                    let actor = Actor::user(format!("analyst{n}"), Role::Analyst);
                    start.wait();
                    let mut mine = Vec::new();
                    while let Some(t) = review.claim_next(&actor).expect("claim-next") {
                        assert_eq!((t.from, t.to), (AlertState::Open, AlertState::InReview));
                        mine.push(t.alert);
                    }
                    mine
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("claimer"))
            .collect()
    });
    let all: Vec<i64> = claimed.iter().flatten().copied().collect();
    let distinct: BTreeSet<i64> = all.iter().copied().collect();
    assert_eq!(
        all.len(),
        distinct.len(),
        "an alert claimed twice: {claimed:?}"
    );
    assert_eq!(
        distinct,
        ids.into_iter().collect(),
        "every alert claimed once"
    );
    let review = at.review();
    let verified = review.verify_audit(None).expect("verify");
    assert_eq!(verified.broken, None, "the chain forked");
    // One entry per alert created and one per claim.
    assert_eq!(verified.entries, 2 * ALERTS as u64);
    // Carried on from before the claims, over the entries the claimers appended.
    assert_eq!(
        review
            .verify_audit_after(&before_claims)
            .expect("verify after"),
        verified,
        "as a full walk gives"
    );
}

fn two_concurrent_approvals_of_one_proposal_give_one(at: &TestStore) {
    let id = add_alerts(at, 1)[0];
    let mut review = at.review();
    review.set_clock(Some(T0.parse().expect("time")));
    let ana = Actor::user("ana", Role::Analyst);
    review.decide(&ana, id, &Action::Claim).expect("claim");
    review
        .decide(
            &ana,
            id,
            &Action::Propose {
                decision: Decision::FalsePositive,
                reason: Some("birth_date_differs".into()),
                comment: None,
            },
        )
        .expect("propose");
    let start = Barrier::new(2);
    let outcomes: Vec<Result<_, ReviewError>> = std::thread::scope(|scope| {
        let workers: Vec<_> = ["rex", "rita"]
            .into_iter()
            .map(|name| {
                let start = &start;
                scope.spawn(move || {
                    let mut review = at.review();
                    review.set_clock(Some(T0.parse().expect("time")));
                    let reviewer = Actor::user(name, Role::Reviewer);
                    start.wait();
                    review.decide(&reviewer, id, &Action::Approve { comment: None })
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("approver"))
            .collect()
    });
    let approved: Vec<_> = outcomes.iter().filter_map(|o| o.as_ref().ok()).collect();
    assert_eq!(approved.len(), 1, "{outcomes:?}");
    assert_eq!(approved[0].to, AlertState::Closed);
    let refused = outcomes
        .iter()
        .find_map(|o| o.as_ref().err())
        .expect("one refusal");
    assert!(
        matches!(
            refused,
            ReviewError::WrongState {
                state: AlertState::Closed,
                ..
            }
        ),
        "the second approval met the first one's result: {refused}"
    );
    let memory = sanctum_review::memory::list(&review.conn().expect("conn"), None).expect("memory");
    assert_eq!(memory.len(), 1, "one approval, one memory entry");
    assert_eq!(review.verify_audit(None).expect("verify").broken, None);
}

on_both_backends!(
    concurrent_claims_never_hand_out_one_alert_twice,
    two_concurrent_approvals_of_one_proposal_give_one,
);
