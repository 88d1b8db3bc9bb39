//! `POST /v1/screen/message` over HTTP, on the OFAC SDN of 2022-05-08 (the shared folder's
//! real file) and the hand-written messages of sanctum-payments.

mod common;

use sanctum_sources::{ParseOptions, detect};

fn message(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../payments/tests/messages/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

fn sdn_server(test: &str) -> Option<common::TestServer> {
    let dir = sanctum_testkit::shared_lists(test)?;
    let path = dir.join("ofac_sdn_csv/sdn_2022-05-08.csv");
    let (publications, _) = detect::plan(&path, Some("us_ofac_sdn")).expect("plan");
    let parsed = detect::read(&publications[0], &ParseOptions::default()).expect("parse");
    Some(common::start_with_entities(parsed.entities, |_| {}))
}

#[test]
fn a_message_is_screened_field_by_field_over_http() {
    let Some(server) = sdn_server("a_message_is_screened_field_by_field_over_http") else {
        return;
    };
    let key = Some(server.screen_key.as_str());
    let path = "/v1/screen/message";

    let reply = server.post_raw(
        path,
        key,
        "text/plain",
        &message("mt103_listed_bic_only.txt"),
    );
    assert_eq!(reply.status, 200, "{}", reply.text);
    let body = reply.json();
    let verdict = &body["verdicts"][0];
    assert_eq!(verdict["decision"], "hold");
    let hit = &verdict["hits"][0];
    assert_eq!(hit["via"], "bic");
    assert_eq!(hit["location"], "57A");
    assert_eq!(hit["listed_id"], "us-ofac-sdn-17013");
    // The span points into the raw message.
    let raw = message("mt103_listed_bic_only.txt");
    let (start, end) = (
        hit["span"]["start"].as_u64().unwrap() as usize,
        hit["span"]["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&raw[start..end], b"VTBRRUMM");
    assert_eq!(body["versions"]["us_ofac_sdn"], 1);

    let reply = server.post_raw(
        path,
        key,
        "application/xml",
        &message("pacs009cov_underlying_listed.xml"),
    );
    assert_eq!(reply.status, 200, "{}", reply.text);
    let verdict = &reply.json()["verdicts"][0];
    assert_eq!(verdict["decision"], "hold");
    assert_eq!(verdict["hits"][0]["underlying"], true);

    let reply = server.post_raw(
        path,
        key,
        "application/xml; charset=utf-8",
        &message("pacs008_clean.xml"),
    );
    assert_eq!(reply.json()["verdicts"][0]["decision"], "clean");

    // Another source only: the SDN's VTB BIC is then no hit.
    let other = body["versions"]
        .as_object()
        .unwrap()
        .keys()
        .find(|source| *source != "us_ofac_sdn")
        .expect("the fixtures' own source")
        .clone();
    let reply = server.post_raw(
        &format!("{path}?source={other}"),
        key,
        "text/plain",
        &message("mt103_listed_bic_only.txt"),
    );
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(
        reply.json()["verdicts"][0]["decision"],
        "clean",
        "{}",
        reply.text
    );

    let metrics = server.get("/metrics", None).text;
    assert!(
        metrics.contains("sanctum_screened_messages_total 4"),
        "{metrics}"
    );
    assert!(
        metrics.contains("sanctum_held_messages_total 2"),
        "{metrics}"
    );
}

#[test]
fn unreadable_or_unannounced_messages_get_clear_errors() {
    let Some(server) = sdn_server("unreadable_or_unannounced_messages_get_clear_errors") else {
        return;
    };
    let key = Some(server.screen_key.as_str());
    let path = "/v1/screen/message";
    let clean = message("pacs008_clean.xml");

    let reply = server.post_raw(path, key, "application/xml", &clean[..1500]);
    assert_eq!(reply.status, 400);
    let detail = reply.json()["detail"].as_str().unwrap().to_string();
    assert!(
        detail.contains("byte 1500") && detail.contains("cut short"),
        "{detail}"
    );

    let reply = server.post_raw(path, key, "application/json", b"{}");
    assert_eq!(reply.status, 415, "{}", reply.text);

    let reply = server.post_raw(path, None, "text/plain", &message("mt103_clean.txt"));
    assert_eq!(reply.status, 401, "{}", reply.text);
    let reply = server.post_raw(
        path,
        Some(&server.read_key),
        "text/plain",
        &message("mt103_clean.txt"),
    );
    assert_eq!(reply.status, 403, "{}", reply.text);
}

/// The SDN of 2022-05-08 in a store with review users ana (analyst), rex and rita
/// (reviewers), aud (auditor), each with a key; a server on it.
struct PaymentDesk {
    server: common::TestServer,
    keys: std::collections::BTreeMap<&'static str, String>,
}

impl PaymentDesk {
    fn post(&self, user: &str, path: &str, body: serde_json::Value) -> common::Reply {
        self.server
            .post(path, Some(&self.keys[user]), &body.to_string())
    }
    fn get(&self, user: &str, path: &str) -> common::Reply {
        self.server.get(path, Some(&self.keys[user]))
    }
    /// Claims alerts until `id` is the one held.
    fn claim(&self, user: &str, id: i64) {
        loop {
            let reply = self.post(user, "/v1/alerts/claim", serde_json::json!(null));
            assert_eq!(reply.status, 200, "{}", reply.text);
            if reply.json()["alert"]["id"] == id {
                return;
            }
        }
    }
}

fn payment_desk(test: &str) -> Option<PaymentDesk> {
    use sanctum_review::{Policy, Review, Role, users};
    use sanctum_server::auth::KeyStore;
    use sanctum_store::{IngestPolicy, NewVersion, Store};
    let dir = sanctum_testkit::shared_lists(test)?;
    let path = dir.join("ofac_sdn_csv/sdn_2022-05-08.csv");
    let (publications, _) = detect::plan(&path, Some("us_ofac_sdn")).expect("plan");
    let parsed = detect::read(&publications[0], &ParseOptions::default()).expect("parse");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(dir.path()).expect("store");
    store
        .ingest(
            NewVersion {
                source: "us_ofac_sdn".into(),
                published: None,
                fetched_at: "2022-05-08T12:00:00Z".into(),
                sha256: format!("{:0>64}", "sdn20220508"),
                file_name: "sdn_2022-05-08.csv".into(),
            },
            parsed.entities,
            &IngestPolicy::default(),
        )
        .expect("ingest");
    let db = store.path().expect("a file store").to_path_buf();
    let review = Review::open(&db, Policy::default()).expect("review tables");
    let now = review.now();
    let root = users::add(
        &review.conn().unwrap(),
        None,
        "root",
        Role::Admin,
        None,
        now,
    )
    .expect("admin");
    let admin = review.actor(&root.name).expect("actor");
    let roles = [
        ("ana", Role::Analyst),
        ("rex", Role::Reviewer),
        ("rita", Role::Reviewer),
        ("aud", Role::Auditor),
    ];
    let key_store = KeyStore::open(dir.path()).expect("keys");
    let mut keys = std::collections::BTreeMap::new();
    for (name, role) in roles {
        users::add(&review.conn().unwrap(), Some(&admin), name, role, None, now).expect("user");
        let scopes = sanctum_server::review::role_scopes(role);
        let (key, _) = key_store
            .create_for(&format!("user {name}"), &scopes, Some(name))
            .expect("key");
        keys.insert(name, key);
    }
    drop(review);
    let server = common::start_on(dir, store, None, |_| {});
    Some(PaymentDesk { server, keys })
}

#[test]
fn a_held_payment_becomes_a_case_released_under_four_eyes_over_http() {
    let Some(desk) =
        payment_desk("a_held_payment_becomes_a_case_released_under_four_eyes_over_http")
    else {
        return;
    };
    let screen_key = Some(desk.server.screen_key.as_str());
    let raw = message("mt103_listed_beneficiary.txt");
    let reply = desk.server.post_raw(
        "/v1/screen/message?record=true",
        screen_key,
        "text/plain",
        &raw,
    );
    assert_eq!(reply.status, 200, "{}", reply.text);
    let body = reply.json();
    assert_eq!(body["verdicts"][0]["decision"], "hold");
    assert_eq!(body["cases"].as_array().unwrap().len(), 1, "{body}");
    assert_eq!(body["cases"][0]["message"], 0);
    assert_eq!(body["cases"][0]["created"], true);
    let id = body["cases"][0]["case"].as_i64().expect("case id");

    // The same message again is the same case; a clean message records nothing; without
    // `record` nothing is recorded.
    let again = desk
        .server
        .post_raw(
            "/v1/screen/message?record=1",
            screen_key,
            "text/plain",
            &raw,
        )
        .json();
    assert_eq!(again["cases"][0]["case"], id);
    assert_eq!(again["cases"][0]["created"], false);
    let clean = desk
        .server
        .post_raw(
            "/v1/screen/message?record=true",
            screen_key,
            "text/plain",
            &message("mt103_clean.txt"),
        )
        .json();
    assert_eq!(clean["verdicts"][0]["decision"], "clean");
    assert_eq!(clean["cases"], serde_json::json!([]));
    let reply = desk.server.post_raw(
        "/v1/screen/message?record=maybe",
        screen_key,
        "text/plain",
        &raw,
    );
    assert_eq!(reply.status, 400, "{}", reply.text);

    // The case: an alert of the book `payments`, naming the listed beneficiary, with the
    // message its hits point into.
    let card = desk.get("aud", &format!("/v1/alerts/{id}"));
    assert_eq!(card.status, 200, "{}", card.text);
    let card = card.json();
    assert_eq!(card["alert"]["book"], "payments");
    assert_eq!(card["alert"]["state"], "open");
    assert_eq!(card["payment"]["kind"], "MT103");
    assert_eq!(card["payment"]["reference"], "LISTED-1");
    let stored = card["payment"]["raw"].as_str().unwrap();
    assert_eq!(stored.as_bytes(), &raw[..]);
    let designations = card["alert"]["designations"].as_array().unwrap();
    assert!(
        designations
            .iter()
            .any(|d| d["caption"].as_str().unwrap().contains("ROTENBERG")),
        "{designations:?}"
    );
    let hit = card["alert"]["explanation"]["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|hit| hit["location"] == "59")
        .expect("the beneficiary's hit");
    let span = hit["span"]["start"].as_u64().unwrap() as usize
        ..hit["span"]["end"].as_u64().unwrap() as usize;
    assert_eq!(&stored[span], "ARKADY ROTENBERG");
    let listed = desk.get("aud", "/v1/alerts?book=payments").json();
    assert_eq!(listed["alerts"][0]["id"], id);

    // A customer's decision does not fit a payment; a release needs a comment.
    desk.claim("rex", id);
    let proposals = format!("/v1/alerts/{id}/proposals");
    let reply = desk.post(
        "rex",
        &proposals,
        serde_json::json!({"decision": "false_positive", "reason": "weak_alias"}),
    );
    assert_eq!(reply.status, 422, "{}", reply.text);
    let reply = desk.post(
        "rex",
        &proposals,
        serde_json::json!({"decision": "release"}),
    );
    assert_eq!(reply.status, 422, "{}", reply.text);
    let reply = desk.post(
        "rex",
        &proposals,
        serde_json::json!({"decision": "release", "comment": "the beneficiary is another Arkady Rotenberg: passport seen"}),
    );
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json()["alert"]["state"], "proposed");
    // Four eyes: the maker may not approve; an analyst may not either; another reviewer does.
    let approvals = format!("/v1/alerts/{id}/approvals");
    let reply = desk.post("rex", &approvals, serde_json::json!({"approve": true}));
    assert_eq!(reply.status, 409, "{}", reply.text);
    assert!(reply.text.contains("four eyes"), "{}", reply.text);
    let reply = desk.post("ana", &approvals, serde_json::json!({"approve": true}));
    assert_eq!(reply.status, 403, "{}", reply.text);
    let reply = desk.post("rita", &approvals, serde_json::json!({"approve": true}));
    assert_eq!(reply.status, 200, "{}", reply.text);
    let alert = &reply.json()["alert"];
    assert_eq!(alert["state"], "closed");
    assert_eq!(alert["decision"], "release");

    let card = desk.get("aud", &format!("/v1/alerts/{id}")).json();
    let kinds: Vec<&str> = card["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["kind"].as_str().unwrap())
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
    assert_eq!(card["alert"]["decided_by"], "rita");
    assert_eq!(
        card["memory"],
        serde_json::json!([]),
        "a release is not remembered"
    );
    let verify = desk.get("aud", "/v1/audit/verify").json();
    assert_eq!(verify["broken"], serde_json::Value::Null, "{verify}");

    // The document: `record` and its 503; a reviewer's decisions and a message's verdict
    // are two schemas, not one name shared.
    let doc = desk.server.get("/openapi.json", None).json();
    let operation = &doc["paths"]["/v1/screen/message"]["post"];
    let record = operation["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "record")
        .expect("the record parameter");
    assert_eq!(record["schema"]["type"], "boolean");
    assert!(operation["responses"]["503"].is_object());
    let schemas = &doc["components"]["schemas"];
    let decisions = schemas["Decision"]["enum"].as_array().unwrap();
    for decision in ["release", "block", "reject", "false_positive"] {
        assert!(decisions.contains(&decision.into()), "{decisions:?}");
    }
    assert_eq!(
        schemas["MessageDecision"]["enum"],
        serde_json::json!(["clean", "hold"])
    );
    assert!(schemas["TransactionVerdict"]["properties"]["hits"].is_object());
}

/// The SDN of 2022-05-08 screened in this process, for cases decided on a fixed clock.
fn sdn_screener(test: &str) -> Option<(sanctum_screen::Screener, sanctum_payments::PaymentFilter)> {
    let dir = sanctum_testkit::shared_lists(test)?;
    let path = dir.join("ofac_sdn_csv/sdn_2022-05-08.csv");
    let (publications, _) = detect::plan(&path, Some("us_ofac_sdn")).expect("plan");
    let parsed = detect::read(&publications[0], &ParseOptions::default()).expect("parse");
    let parties = parsed
        .entities
        .into_iter()
        .map(|entity| (entity, sanctum_screen::lists::Role::Listed))
        .collect();
    let screener = sanctum_screen::Screener::new(parties, sanctum_matcher::MatchOptions::default());
    let filter =
        sanctum_payments::PaymentFilter::new(&screener, sanctum_payments::Jurisdictions::default());
    Some((screener, filter))
}

/// Screens a fixture and records it as a case at `at`.
fn record_case(
    review: &mut sanctum_review::Review,
    lists: &(sanctum_screen::Screener, sanctum_payments::PaymentFilter),
    fixture: &str,
    at: &str,
) -> i64 {
    let raw = message(fixture);
    let messages = sanctum_payments::read(&raw, &sanctum_limits::Limits::default()).unwrap();
    let verdict = lists.1.screen(
        &lists.0,
        &messages[0],
        &mut sanctum_index::Scratch::default(),
    );
    assert_eq!(
        verdict.decision,
        sanctum_payments::Decision::Hold,
        "{fixture}"
    );
    let versions = [("us_ofac_sdn".to_string(), 1)].into_iter().collect();
    let held = sanctum_server::payments::held_message(
        &raw,
        &messages[0],
        &verdict,
        lists.0.parties(),
        &versions,
    )
    .unwrap();
    review.set_clock(Some(at.parse().unwrap()));
    let recorded = review.record_held_payment(&held).unwrap();
    assert!(recorded.created);
    recorded.case
}

/// Claims, proposes `decision` as `maker`, approves as `checker`, at `at`.
fn decide_case(
    review: &mut sanctum_review::Review,
    case: i64,
    decision: sanctum_review::Decision,
    at: &str,
) {
    use sanctum_review::{Action, Actor, ReviewError, Role};
    let (ana, rex) = (
        Actor::user("ana", Role::Analyst),
        Actor::user("rex", Role::Reviewer),
    );
    review.set_clock(Some(at.parse().unwrap()));
    review.decide(&ana, case, &Action::Claim).unwrap();
    review
        .decide(
            &ana,
            case,
            &Action::Propose {
                decision,
                reason: None,
                comment: Some("the listed party itself".into()),
            },
        )
        .unwrap();
    let err = review
        .decide(&ana, case, &Action::Approve { comment: None })
        .unwrap_err();
    assert!(matches!(err, ReviewError::Forbidden(_)), "{err}");
    let t = review
        .decide(&rex, case, &Action::Approve { comment: None })
        .unwrap();
    assert_eq!(t.to, sanctum_review::AlertState::Closed);
}

#[test]
fn blocked_and_rejected_payments_draft_ofac_reports_due_ten_business_days_later() {
    use sanctum_review::report::{ReportKind, blocked_property};
    use sanctum_review::{Decision, Policy, Review};
    let Some(lists) = sdn_screener(
        "blocked_and_rejected_payments_draft_ofac_reports_due_ten_business_days_later",
    ) else {
        return;
    };
    let mut review = Review::open_in_memory(Policy::default()).unwrap();

    // Blocked on Monday 21 December 2026: Christmas (Friday 25th) and New Year's Day
    // (Friday 1 January 2027) are no business days.
    let blocked = record_case(
        &mut review,
        &lists,
        "mt103_listed_beneficiary.txt",
        "2026-12-21T09:00:00Z",
    );
    let err = blocked_property(&review.conn().unwrap(), blocked, review.now()).unwrap_err();
    assert!(err.to_string().contains("blocked or rejected"), "{err}");
    decide_case(
        &mut review,
        blocked,
        Decision::Block,
        "2026-12-21T15:00:00Z",
    );
    let draft = blocked_property(&review.conn().unwrap(), blocked, review.now()).unwrap();
    assert_eq!(draft.report, ReportKind::BlockedProperty);
    assert_eq!(draft.blocked_on.to_string(), "2026-12-21");
    assert_eq!(draft.due.to_string(), "2027-01-06");
    assert!(!draft.overdue);
    let field = |name: &str| {
        draft
            .fields
            .iter()
            .find(|f| f.name.starts_with(name))
            .and_then(|f| f.value.clone())
            .unwrap_or_else(|| panic!("{name}: {:#?}", draft.fields))
    };
    assert!(
        field("blocked person").contains("ROTENBERG"),
        "{}",
        field("blocked person")
    );
    assert!(field("parties to the transaction").contains("ARKADY ROTENBERG"));
    assert!(field("parties to the transaction").contains("HANS MUELLER"));
    assert_eq!(
        field("description of the property"),
        "funds transfer, MT103 message, sender's reference LISTED-1"
    );

    // Rejected on Tuesday 15 June 2027: Juneteenth (a Saturday) is observed on Friday 18th.
    let rejected = record_case(
        &mut review,
        &lists,
        "mt103_listed_bic_only.txt",
        "2027-06-15T08:00:00Z",
    );
    decide_case(
        &mut review,
        rejected,
        Decision::Reject,
        "2027-06-15T10:00:00Z",
    );
    let draft = blocked_property(&review.conn().unwrap(), rejected, review.now()).unwrap();
    assert_eq!(draft.report, ReportKind::RejectedTransaction);
    assert_eq!(draft.due.to_string(), "2027-06-30");
    assert!(
        draft
            .fields
            .iter()
            .any(|f| f.name == "date the transaction was rejected"
                && f.value.as_deref() == Some("2027-06-15"))
    );
    let later = "2027-07-01T09:00:00Z".parse().unwrap();
    assert!(
        blocked_property(&review.conn().unwrap(), rejected, later)
            .unwrap()
            .overdue
    );

    // The trail holds: created, claimed, proposed, approved.
    assert_eq!(review.verify_audit(None).unwrap().broken, None);
    let entries =
        sanctum_review::audit::history(&review.conn().unwrap(), &format!("alert:{rejected}"))
            .unwrap();
    assert_eq!(entries.len(), 4);
}
