//! The review API end to end, on the real OFAC SDN list of 2022-02-17: a book of customers
//! named as listed people, screened through sanctum-review into open alerts, then decided
//! over HTTP by users with different roles. Four eyes, wrong states, unknown reason codes,
//! concurrent approvals and claims, the audit trail and the review figures in /metrics.

mod common;

use common::{Reply, TestServer, start_on};
use sanctum_model::EntityKind;
use sanctum_review::book::{self, ImportOptions};
use sanctum_review::screening::{self, Mode, ScreenOptions};
use sanctum_review::{Policy, Review, Role, users};
use sanctum_server::ServerConfig;
use sanctum_server::auth::{KeyStore, Scope};
use sanctum_sources::detect::{self, Format, Publication};
use sanctum_store::{IngestPolicy, NewVersion, Store};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashSet};

/// Customers screened: enough alerts for every test to take its own.
const CUSTOMERS: usize = 24;

struct Desk {
    server: TestServer,
    /// User name → API key.
    keys: BTreeMap<&'static str, String>,
    /// A key that belongs to no user.
    service_key: String,
}

impl Desk {
    fn key(&self, user: &str) -> &str {
        &self.keys[user]
    }
    fn get(&self, user: &str, path: &str) -> Reply {
        self.server.get(path, Some(self.key(user)))
    }
    fn post(&self, user: &str, path: &str, body: Value) -> Reply {
        self.server
            .post(path, Some(self.key(user)), &body.to_string())
    }
    fn alert(&self, id: i64) -> Value {
        let reply = self.get("aud", &format!("/v1/alerts/{id}"));
        assert_eq!(reply.status, 200, "{}", reply.text);
        reply.json()
    }
    fn audit_head(&self) -> Value {
        let reply = self.get("aud", "/v1/audit/head");
        assert_eq!(reply.status, 200, "{}", reply.text);
        reply.json()
    }
    /// The ids of the open alerts, oldest first.
    fn open_alerts(&self) -> Vec<i64> {
        let reply = self.get("aud", "/v1/alerts?state=open&limit=500");
        assert_eq!(reply.status, 200, "{}", reply.text);
        ids(&reply.json())
    }
    fn claim(&self, user: &str, id: i64) {
        // Claim-next takes the oldest; to hold a given alert, claim until it comes.
        loop {
            let reply = self.post(user, "/v1/alerts/claim", json!(null));
            assert_eq!(reply.status, 200, "{}", reply.text);
            if reply.json()["alert"]["id"] == id {
                return;
            }
        }
    }
    fn propose_fp(&self, user: &str, id: i64) -> Reply {
        self.post(
            user,
            &format!("/v1/alerts/{id}/proposals"),
            json!({"decision": "false_positive", "reason": "birth_date_differs"}),
        )
    }
}

fn ids(page: &Value) -> Vec<i64> {
    page["alerts"]
        .as_array()
        .expect("alerts")
        .iter()
        .map(|a| a["id"].as_i64().expect("id"))
        .collect()
}

/// A store holding the SDN list of 2022-02-17, a book of [`CUSTOMERS`] people named as
/// listed ones, screened into open alerts; users ana, ann (analysts), rex, rita
/// (reviewers), aud (auditor), root (admin), each with a key; a server on it.
fn setup(test: &str) -> Option<Desk> {
    setup_with(test, |_| {})
}

/// [`setup`], with the server's configuration adjusted by `tweak`.
fn setup_with(test: &str, tweak: impl FnOnce(&mut ServerConfig)) -> Option<Desk> {
    let lists = sanctum_testkit::shared_lists(test)?;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(dir.path()).expect("store");
    let publication = Publication {
        source: "us_ofac_sdn".into(),
        format: Format::OfacCsv,
        main: lists.join("ofac_sdn_csv/sdn_2022-02-17.csv"),
        companions: vec![],
        date: None,
    };
    let parsed = detect::read(&publication, &Default::default()).expect("the SDN list parses");
    let people: Vec<String> = parsed
        .entities
        .iter()
        .filter(|e| e.kind == EntityKind::Person)
        .map(|e| e.caption().to_string())
        .take(CUSTOMERS)
        .collect();
    store
        .ingest(
            NewVersion {
                source: "us_ofac_sdn".into(),
                published: None,
                fetched_at: "2022-02-17T12:00:00Z".into(),
                sha256: format!("{:0>64}", "sdn20220217"),
                file_name: "sdn_2022-02-17.csv".into(),
            },
            parsed.entities,
            &IngestPolicy::default(),
        )
        .expect("ingest");

    let db = store.path().expect("a file store").to_path_buf();
    let mut review = Review::open(&db, Policy::default()).expect("review tables");
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
        ("ann", Role::Analyst),
        ("rex", Role::Reviewer),
        ("rita", Role::Reviewer),
        ("aud", Role::Auditor),
    ];
    for (name, role) in roles {
        users::add(&review.conn().unwrap(), Some(&admin), name, role, None, now).expect("user");
    }
    let key_store = KeyStore::open(dir.path()).expect("keys");
    let mut keys = BTreeMap::new();
    for (name, role) in roles.into_iter().chain([("root", Role::Admin)]) {
        let scopes = sanctum_server::review::role_scopes(role);
        let (key, _) = key_store
            .create_for(&format!("user {name}"), &scopes, Some(name))
            .expect("key");
        keys.insert(name, key);
    }
    let (service_key, _) = key_store
        .create(
            "service",
            &sanctum_server::review::role_scopes(Role::Reviewer),
        )
        .expect("key");

    let file = dir.path().join("customers.csv");
    let mut csv = String::from("id,name\n");
    for (i, name) in people.iter().enumerate() {
        csv.push_str(&format!("c{i:02},\"{}\"\n", name.replace('"', "\"\"")));
    }
    std::fs::write(&file, csv).expect("book file");
    let ana = review.actor("ana").expect("ana");
    book::import(&mut review, &ana, "main", &file, &ImportOptions::default()).expect("import");
    let run = screening::screen_book(
        &mut review,
        &store,
        "main",
        &Mode::Full,
        &ScreenOptions::default(),
    )
    .expect("screening");
    assert!(
        run.alerts_created >= CUSTOMERS as u64,
        "every listed name alerts: {run:#?}"
    );
    drop(review);
    let server = start_on(dir, store, None, tweak);
    Some(Desk {
        server,
        keys,
        service_key,
    })
}

#[test]
fn four_eyes_hold_through_the_api_and_a_refused_change_changes_nothing() {
    let Some(r) = setup("four_eyes_hold_through_the_api_and_a_refused_change_changes_nothing")
    else {
        return;
    };
    let id = r.open_alerts()[0];
    // Nothing to propose on before a claim.
    let detail = r.propose_fp("ana", id).problem(409);
    assert!(detail.contains("is open"), "{detail}");
    r.claim("ana", id);
    // Someone else's claim.
    let detail = r.propose_fp("ann", id).problem(409);
    assert!(detail.contains("not claimed by ann"), "{detail}");
    // Unknown reason code: 422, nothing changed.
    let (before, head) = (r.alert(id), r.audit_head());
    let reply = r.post(
        "ana",
        &format!("/v1/alerts/{id}/proposals"),
        json!({"decision": "false_positive", "reason": "looks_fine"}),
    );
    assert!(reply.problem(422).contains("unknown reason code"));
    assert_eq!((r.alert(id), r.audit_head()), (before, head));
    // A true match needs a comment.
    let reply = r.post(
        "ana",
        &format!("/v1/alerts/{id}/proposals"),
        json!({"decision": "true_match"}),
    );
    reply.problem(422);

    let reply = r.propose_fp("ana", id);
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json()["transition"]["to"], "proposed");
    assert_eq!(reply.json()["alert"]["proposed_by"], "ana");

    // An analyst cannot approve (403), the maker cannot either (409): nothing changes.
    let (before, head) = (r.alert(id), r.audit_head());
    let approve = json!({"approve": true});
    let detail = r
        .post(
            "ann",
            &format!("/v1/alerts/{id}/approvals"),
            approve.clone(),
        )
        .problem(403);
    assert!(detail.contains("needs reviewer"), "{detail}");
    assert_eq!(
        (r.alert(id), r.audit_head()),
        (before.clone(), head.clone())
    );

    // A reviewer who proposed cannot approve their own proposal.
    let other = r.open_alerts()[0];
    r.claim("rex", other);
    assert_eq!(r.propose_fp("rex", other).status, 200);
    let (other_before, head) = (r.alert(other), r.audit_head());
    let detail = r
        .post(
            "rex",
            &format!("/v1/alerts/{other}/approvals"),
            approve.clone(),
        )
        .problem(409);
    assert!(detail.contains("four eyes"), "{detail}");
    assert_eq!((r.alert(other), r.audit_head()), (other_before, head));

    // Returning needs a comment.
    r.post(
        "rita",
        &format!("/v1/alerts/{id}/approvals"),
        json!({"approve": false}),
    )
    .problem(422);
    // Another reviewer approves: closed, remembered, and recorded in the history.
    let reply = r.post(
        "rex",
        &format!("/v1/alerts/{id}/approvals"),
        approve.clone(),
    );
    assert_eq!(reply.status, 200, "{}", reply.text);
    let t = &reply.json()["transition"];
    assert_eq!(
        (t["from"].as_str(), t["to"].as_str()),
        (Some("proposed"), Some("closed"))
    );
    let card = r.alert(id);
    assert_eq!(card["alert"]["decided_by"], "rex");
    assert_eq!(card["memory"][0]["approved_by"], "rex");
    assert_eq!(card["memory"][0]["proposed_by"], "ana");
    let kinds: Vec<&str> = card["history"]
        .as_array()
        .expect("history")
        .iter()
        .map(|e| e["kind"].as_str().expect("kind"))
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
    assert!(
        card["alert"]["party_facets"]["names"].is_array(),
        "{card:#}"
    );
    assert_eq!(
        card["customer"]["customer_id"],
        card["alert"]["customer_id"]
    );
    // Approving twice: wrong state.
    let detail = r
        .post("rita", &format!("/v1/alerts/{id}/approvals"), approve)
        .problem(409);
    assert!(detail.contains("is closed"), "{detail}");
}

#[test]
fn only_a_known_user_acts_and_only_auditors_and_admins_read_the_trail() {
    // A server open to anonymous screening and reading still wants a user for review.
    let Some(r) = setup_with(
        "only_a_known_user_acts_and_only_auditors_and_admins_read_the_trail",
        |config| config.anonymous_scopes = vec![Scope::Screen, Scope::Read],
    ) else {
        return;
    };
    assert_eq!(r.server.get("/catalog", None).status, 200);
    let detail = r.server.get("/v1/alerts", None).problem(401);
    assert!(detail.contains("acts as a user"), "{detail}");
    let detail = r
        .server
        .get("/v1/alerts", Some(&r.service_key))
        .problem(403);
    assert!(detail.contains("belongs to no user"), "{detail}");
    // A key naming a user the store does not know.
    let keys = KeyStore::open(r.server.dir.path()).expect("keys");
    let (ghost, _) = keys
        .create_for("ghost", &[Scope::Read], Some("ghost"))
        .expect("key");
    r.server.state.keys.reload_if_changed();
    let detail = r.server.get("/v1/alerts", Some(&ghost)).problem(403);
    assert!(detail.contains("no user \"ghost\""), "{detail}");
    // An auditor reads but does not claim.
    r.post("aud", "/v1/alerts/claim", json!(null)).problem(403);
    r.get("ana", "/v1/audit/verify").problem(403);
    r.get("rex", "/v1/audit/entries").problem(403);

    // Filters and counts.
    let page = r.get("ana", "/v1/alerts?limit=5").json();
    assert_eq!(ids(&page).len(), 5);
    let total: u64 = page["counts"]
        .as_object()
        .expect("counts")
        .values()
        .map(|v| v.as_u64().expect("count"))
        .sum();
    assert_eq!(page["counts"]["open"].as_u64(), Some(total));
    assert!(total >= CUSTOMERS as u64);
    let next = r
        .get(
            "ana",
            &format!("/v1/alerts?limit=5&after={}", page["next_after"]),
        )
        .json();
    assert!(ids(&next)[0] > ids(&page)[4]);
    let sdn = r
        .get("ana", "/v1/alerts?source=us_ofac_sdn&limit=500")
        .json();
    assert_eq!(ids(&sdn).len() as u64, total);
    assert_eq!(
        ids(&r.get("ana", "/v1/alerts?source=gb_hmt").json()).len(),
        0
    );
    let program = sdn["alerts"][0]["programs"][0].as_str().expect("program");
    let by_program = r
        .get("ana", &format!("/v1/alerts?program={program}&limit=500"))
        .json();
    assert!(!ids(&by_program).is_empty());
    // Every alert with the program, and only those (the alert_programs table follows the
    // designations).
    let with_program = sdn["alerts"]
        .as_array()
        .expect("alerts")
        .iter()
        .filter(|a| {
            a["programs"]
                .as_array()
                .expect("programs")
                .iter()
                .any(|p| p == program)
        })
        .count();
    assert_eq!(ids(&by_program).len(), with_program);
    assert!(
        by_program["alerts"]
            .as_array()
            .expect("alerts")
            .iter()
            .all(|a| a["programs"]
                .as_array()
                .expect("programs")
                .iter()
                .any(|p| p == program))
    );
    let high = r.get("ana", "/v1/alerts?min_score=0.99&limit=500").json();
    assert!(
        high["alerts"]
            .as_array()
            .expect("alerts")
            .iter()
            .all(|a| a["score"].as_f64().expect("score") >= 0.99)
    );
    assert_eq!(
        ids(&r.get("ana", "/v1/alerts?min_age_hours=1").json()).len(),
        0
    );
    r.get("ana", "/v1/alerts?state=shelved").problem(400);
    // Bounds count the values as sent, repeats included, as the OpenAPI document says.
    let repeated = vec!["state=open"; 21].join("&");
    r.get("ana", &format!("/v1/alerts?{repeated}")).problem(400);
    r.get("ana", "/v1/book/customers?book=").problem(400);
    r.get("ana", "/v1/alerts?limit=501").problem(400);

    // The book.
    let customers = r.get("ana", "/v1/book/customers?limit=10").json();
    assert_eq!(
        customers["customers"].as_array().expect("customers").len(),
        10
    );
    let card = r.get("ana", "/v1/book/customers/c00").json();
    assert_eq!(card["revisions"].as_array().expect("revisions").len(), 1);
    assert!(!card["alerts"].as_array().expect("alerts").is_empty());
    r.get("ana", "/v1/book/customers/nobody").problem(404);
    r.get("ana", "/v1/book/customers?book=other").problem(404);

    // The trail verifies, pages, and names the entry edited behind its back.
    let head = r.audit_head();
    let verified = r.get("aud", "/v1/audit/verify").json();
    assert_eq!(verified["broken"], Value::Null);
    assert_eq!(verified["head_hash"], head["hash"]);
    let page = r.get("root", "/v1/audit/entries?from=2&limit=3").json();
    let seqs: Vec<i64> = page["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["seq"].as_i64().expect("seq"))
        .collect();
    assert_eq!((seqs, page["next_from"].as_i64()), (vec![2, 3, 4], Some(5)));
    let raw = rusqlite::Connection::open(r.server.dir.path().join("sanctum.db")).expect("db");
    raw.execute_batch(
        "DROP TRIGGER audit_no_update;
         UPDATE audit SET actor = 'mallory' WHERE seq = 3;",
    )
    .expect("tamper");
    let verified = r.get("aud", "/v1/audit/verify").json();
    assert_eq!(verified["broken"]["seq"], 3, "{verified:#}");
}

#[test]
fn two_concurrent_approvals_of_one_alert_exactly_one_wins() {
    let Some(r) = setup("two_concurrent_approvals_of_one_alert_exactly_one_wins") else {
        return;
    };
    let alerts: Vec<i64> = r.open_alerts().into_iter().take(8).collect();
    for &id in &alerts {
        r.claim("ana", id);
        assert_eq!(r.propose_fp("ana", id).status, 200);
    }
    for &id in &alerts {
        let statuses: Vec<u16> = std::thread::scope(|s| {
            let racers: Vec<_> = ["rex", "rita"]
                .into_iter()
                .map(|user| {
                    let r = &r;
                    s.spawn(move || {
                        r.post(
                            user,
                            &format!("/v1/alerts/{id}/approvals"),
                            json!({"approve": true}),
                        )
                        .status
                    })
                })
                .collect();
            racers
                .into_iter()
                .map(|t| t.join().expect("racer"))
                .collect()
        });
        let mut sorted = statuses.clone();
        sorted.sort();
        assert_eq!(sorted, [200, 409], "alert {id}: {statuses:?}");
        let card = r.alert(id);
        let approvals = card["history"]
            .as_array()
            .expect("history")
            .iter()
            .filter(|e| e["kind"] == "alert.approve")
            .count();
        assert_eq!(approvals, 1, "{card:#}");
        assert_eq!(card["memory"].as_array().expect("memory").len(), 1);
    }
    assert_eq!(
        r.get("aud", "/v1/audit/verify").json()["broken"],
        Value::Null
    );
}

#[test]
fn claim_next_never_gives_one_alert_to_two_users() {
    let Some(r) = setup("claim_next_never_gives_one_alert_to_two_users") else {
        return;
    };
    let waiting: HashSet<i64> = r.open_alerts().into_iter().collect();
    let claimed: Vec<(String, i64)> = std::thread::scope(|s| {
        let claimers: Vec<_> = ["ana", "ann", "rex", "rita"]
            .into_iter()
            .map(|user| {
                let r = &r;
                s.spawn(move || {
                    let mut mine = Vec::new();
                    loop {
                        let reply = r.post(user, "/v1/alerts/claim", json!(null));
                        match reply.status {
                            204 => return mine,
                            200 => {
                                let alert = &reply.json()["alert"];
                                assert_eq!(alert["assignee"], user);
                                assert_eq!(alert["state"], "in_review");
                                mine.push((user.to_string(), alert["id"].as_i64().expect("id")));
                            }
                            other => panic!("{user}: {other} {}", reply.text),
                        }
                    }
                })
            })
            .collect();
        claimers
            .into_iter()
            .flat_map(|t| t.join().expect("claimer"))
            .collect()
    });
    let ids: Vec<i64> = claimed.iter().map(|(_, id)| *id).collect();
    let distinct: HashSet<i64> = ids.iter().copied().collect();
    assert_eq!(
        ids.len(),
        distinct.len(),
        "an alert claimed twice: {claimed:?}"
    );
    assert_eq!(distinct, waiting, "every waiting alert claimed once");
    let users: HashSet<&str> = claimed.iter().map(|(u, _)| u.as_str()).collect();
    assert!(users.len() > 1, "the claims were spread: {claimed:?}");
    // Each alert stays with the one who claimed it.
    for (user, id) in claimed.iter().take(5) {
        assert_eq!(r.alert(*id)["alert"]["assignee"], user.as_str());
    }
}

#[test]
fn the_review_figures_are_in_metrics() {
    let Some(r) = setup("the_review_figures_are_in_metrics") else {
        return;
    };
    let id = r.open_alerts()[0];
    r.claim("ana", id);
    let open = r.open_alerts().len();
    let text = r.server.get("/metrics", None).text;
    assert!(
        text.contains(&format!("sanctum_review_alerts{{state=\"open\"}} {open}\n")),
        "{text}"
    );
    assert!(
        text.contains("sanctum_review_alerts{state=\"in_review\"} 1\n"),
        "{text}"
    );
    assert!(text.contains("sanctum_review_realerts{cause=\"listed_changed\"} 0\n"));
    assert!(text.contains("sanctum_review_sla_breaches{state=\"open\"} 0\n"));
    assert!(text.contains("sanctum_review_suppressions_total 0\n"));
}

#[test]
fn customers_uploaded_over_the_api_get_revisions_and_are_screened_at_once() {
    let Some(r) = setup("customers_uploaded_over_the_api_get_revisions_and_are_screened_at_once")
    else {
        return;
    };
    let open_before = r.open_alerts().len();
    let upload = json!({"customers": [
        {"id": "u1", "name": "Arkady Romanovich Rotenberg", "country": "RU"},
        {"id": "u2", "name": "Margarethe Vollmer", "country": "DE"},
    ]});
    let reply = r.post("ana", "/v1/book/customers?book=feed", upload.clone());
    assert_eq!(reply.status, 200, "{}", reply.text);
    let summary = reply.json();
    assert_eq!(
        (summary["new"].as_u64(), summary["changed"].as_u64()),
        (Some(2), Some(0))
    );
    assert_eq!(summary["screening"]["customers"], 2);
    assert_eq!(summary["screening"]["alerts_created"], 1, "{summary}");
    assert_eq!(r.open_alerts().len(), open_before + 1);
    let customer = r.get("ana", "/v1/book/customers/u1?book=feed");
    assert_eq!(customer.status, 200, "{}", customer.text);

    // The same again: nothing new, nothing screened.
    let again = r.post("ana", "/v1/book/customers?book=feed", upload).json();
    assert_eq!(again["unchanged"], 2);
    assert!(again["screening"].is_null(), "{again}");

    // A changed customer gets a revision; a customer without a name is rejected with why.
    let changed = r
        .post(
            "ana",
            "/v1/book/customers?book=feed&screen=false",
            json!({"customers": [{"id": "u2", "name": "Margarethe Vollmer", "country": "AT"}, {"id": "u3"}]}),
        )
        .json();
    assert_eq!(
        (changed["changed"].as_u64(), changed["rejected"].as_u64()),
        (Some(1), Some(1)),
        "{changed}"
    );
    assert!(
        changed["rejected_examples"][0]
            .as_str()
            .unwrap()
            .contains("line 2"),
        "{changed}"
    );

    // An auditor changes nothing; an empty upload is a 400.
    let refused = r.post(
        "aud",
        "/v1/book/customers?book=feed",
        json!({"customers": [{"id": "u9", "name": "X Y"}]}),
    );
    assert_eq!(refused.status, 403, "{}", refused.text);
    let empty = r.post("ana", "/v1/book/customers", json!({"customers": []}));
    assert_eq!(empty.status, 400, "{}", empty.text);
}
