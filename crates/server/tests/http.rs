//! The running server driven by a real HTTP client: /v1 endpoints, keys and scopes, limits,
//! bad requests (always a precise 4xx problem document), operations endpoints.

mod common;

use serde_json::json;

#[test]
fn v1_screen_batch_versions_and_diff() {
    let server = common::start();
    let key = Some(server.screen_key.as_str());
    let r = server.post(
        "/v1/screen",
        key,
        r#"{"ref": "c-1", "name": "Vladimir Putin", "birth_date": "1952-10-07", "countries": ["Russia"], "kind": "person"}"#,
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let body = r.json();
    assert_eq!(body["ref"], "c-1");
    assert_eq!(body["total"], 2);
    assert_eq!(body["matches"][0]["match"], true);
    assert!(body["matches"][0]["programs"].is_array());
    assert!(body["matches"][0]["explanation"]["alignment"].is_array());
    assert_eq!(body["versions"]["us_ofac_sdn"], 1);

    let r = server.post(
        "/v1/screen?source=us_ofac_sdn&limit=1",
        key,
        r#"{"name": "Vladimir Putin"}"#,
    );
    assert_eq!(
        r.json()["matches"].as_array().map(Vec::len),
        Some(1),
        "{}",
        r.text
    );
    assert_eq!(r.json()["matches"][0]["source"], "us_ofac_sdn");

    let records: Vec<_> = (0..1000)
        .map(|i| json!({"ref": format!("r{i}"), "name": if i % 2 == 0 { "Ramzan Kadyrov" } else { "Jane Nobody" }}))
        .collect();
    let r = server.post(
        "/v1/screen/batch",
        key,
        &json!({"records": records}).to_string(),
    );
    assert_eq!(r.status, 200, "{}", &r.text[..r.text.len().min(500)]);
    let results = r.json()["results"].as_array().cloned().expect("results");
    assert_eq!(results.len(), 1000);
    assert_eq!(results[0]["ref"], "r0");
    assert_eq!(results[0]["matches"][0]["id"], "gb-hmt-sanctions-13206");
    assert_eq!(results[1]["matches"].as_array().map(Vec::len), Some(0));

    // Versions and diff, after a second version of one source.
    let read = Some(server.read_key.as_str());
    {
        let mut store = sanctum_store::Store::open(server.dir.path()).expect("store");
        let mut entities: Vec<_> = common::fixture_entities()
            .into_iter()
            .filter(|e| e.source == "gb_hmt_sanctions" && e.source_id != "13206")
            .collect();
        let mut added = entities[0].clone();
        added.source_id = "99999".into();
        added.names = vec![sanctum_model::Name::new(
            "Ivan NEWLYLISTED",
            sanctum_model::NameKind::Primary,
        )];
        entities.push(added);
        common::ingest(&mut store, "gb_hmt_sanctions", entities, "2");
    }
    let r = server.get("/v1/sources/gb_hmt_sanctions/versions", read);
    assert_eq!(r.json().as_array().map(Vec::len), Some(2), "{}", r.text);
    let r = server.get("/v1/sources/gb_hmt_sanctions/diff", read);
    let diff = r.json();
    assert_eq!(diff["from"]["seq"], 1, "{}", r.text);
    assert_eq!(diff["to"]["seq"], 2);
    assert_eq!(diff["added"][0]["id"], "gb-hmt-sanctions-99999");
    assert_eq!(diff["removed"][0]["id"], "gb-hmt-sanctions-13206");
    server
        .get("/v1/sources/gb_hmt_sanctions/diff?from=1&to=9", read)
        .problem(404);
    server
        .get("/v1/sources/gb_hmt_sanctions/diff?from=2&to=1", read)
        .problem(400);
    server
        .get("/v1/sources/gb_hmt_sanctions/diff?from=x", read)
        .problem(400);
    server.get("/v1/sources/nope/versions", read).problem(404);

    // Not served until the admin update swaps the index.
    let find = || {
        server
            .post("/v1/screen", key, r#"{"name": "Ivan Newlylisted"}"#)
            .json()["total"]
            .clone()
    };
    assert_eq!(find(), 0);
    let r = server.post("/v1/admin/update?fetch=false", Some(&server.admin_key), "");
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["swapped"], true);
    assert_eq!(find(), 1);
    let r = server.get("/v1/sources", read);
    let sources = r.json();
    assert!(
        sources
            .as_array()
            .expect("sources")
            .iter()
            .any(|s| s["source"] == "gb_hmt_sanctions" && s["version"] == 2),
        "{sources}"
    );
}

#[test]
fn bad_requests_get_precise_problem_documents() {
    let server = common::start_with(|c| c.limits.max_body_bytes = 64 * 1024);
    let key = Some(server.screen_key.as_str());
    let d = server
        .post(
            "/match/default",
            key,
            r#"{"queries": {"q1": {"schema": "Person", "#,
        )
        .problem(400);
    assert!(d.contains("malformed JSON") && d.contains("line 1"), "{d}");
    let d = server
        .post(
            "/match/default",
            key,
            r#"{"queries": {"q1": {"schema": "Banana", "properties": {"name": ["x"]}}}}"#,
        )
        .problem(400);
    assert!(
        d.contains("q1") && d.contains("unknown schema \"Banana\""),
        "{d}"
    );
    let d = server.post("/match/default", key, r#"{"queries": {"q1": {"schema": "Person", "properties": {"name": ["Jo"], "birthDate": ["1952-13-45"]}}}}"#).problem(400);
    assert!(d.contains("invalid birth date"), "{d}");
    let d = server
        .post(
            "/match/default",
            key,
            r#"{"queries": {"q1": {"schema": "Person", "properties": {"name": [{"a": 1}]}}}}"#,
        )
        .problem(400);
    assert!(d.contains("must be a string"), "{d}");
    let d = server.post("/match/default", key, r#"{"queries": {"q1": {"schema": "Person", "properties": {"nationality": ["xx-land"], "name": ["Jo"]}}}}"#).problem(400);
    assert!(d.contains("unknown country"), "{d}");
    let d = server
        .post("/match/default", key, r#"{"queries": {}}"#)
        .problem(400);
    assert!(d.contains("queries: the batch is empty"), "{d}");
    let d = server
        .post("/match/default", key, r#"{"queries": []}"#)
        .problem(422);
    assert!(d.contains("expected"), "{d}");
    let d = server
        .post(
            "/match/default?limit=abc",
            key,
            r#"{"queries": {"q": {"schema": "Person", "properties": {"name": "x"}}}}"#,
        )
        .problem(400);
    assert!(d.contains("limit"), "{d}");
    let d = server
        .post(
            "/match/nowhere",
            key,
            r#"{"queries": {"q": {"schema": "Person", "properties": {"name": "x"}}}}"#,
        )
        .problem(404);
    assert!(d.contains("unknown dataset"), "{d}");
    let d = server
        .post("/v1/screen", key, r#"{"name": "Jo", "birthdate": "1952"}"#)
        .problem(422);
    assert!(d.contains("unknown field `birthdate`"), "{d}");
    let d = server
        .post(
            "/v1/screen",
            key,
            r#"{"name": "Jo", "birth_date": "yesterday"}"#,
        )
        .problem(400);
    assert!(d.contains("record: invalid birth date"), "{d}");
    let d = server
        .post("/v1/screen", key, r#"{"names": []}"#)
        .problem(400);
    assert!(d.contains("no name"), "{d}");
    // An oversized batch: 1,001 records.
    let records: Vec<_> = (0..1001).map(|_| json!({"name": "x"})).collect();
    let d = server
        .post(
            "/v1/screen/batch",
            key,
            &json!({"records": records}).to_string(),
        )
        .problem(413);
    assert!(d.contains("limit is 1000"), "{d}");
    let d = server
        .post(
            "/v1/screen/batch",
            key,
            r#"{"records": [{"name": "ok"}, {"name": "Jo", "gender": "x"}]}"#,
        )
        .problem(400);
    assert!(d.contains("records[1]: gender"), "{d}");
    // A body over the limit.
    let big = format!(r#"{{"name": "{}"}}"#, "a".repeat(100 * 1024));
    server.post("/v1/screen", key, &big).problem(413);
    // Wrong content type, unknown route, wrong method.
    let r = server
        .agent
        .post(format!("{}/v1/screen", server.url))
        .header("Authorization", format!("Bearer {}", server.screen_key))
        .header("Content-Type", "text/plain")
        .send("name=x")
        .expect("answered");
    assert_eq!(r.status().as_u16(), 415);
    server.get("/nowhere", key).problem(404);
    server.get("/v1/screen", key).problem(405);
    // Search parameters.
    let read = Some(server.read_key.as_str());
    assert!(
        server
            .get("/search/default?schema=Banana", read)
            .problem(400)
            .contains("unknown schema")
    );
    assert!(
        server
            .get("/search/default?countries=Atlantis", read)
            .problem(400)
            .contains("Atlantis")
    );
    assert!(
        server
            .get("/search/default?facets=colour", read)
            .problem(400)
            .contains("unknown facet")
    );
    assert!(
        server
            .get("/search/default?limit=-1", read)
            .problem(400)
            .contains("limit")
    );
}

#[test]
fn keys_and_scopes() {
    let server = common::start();
    let body = r#"{"name": "Vladimir Putin"}"#;
    assert!(
        server
            .post("/v1/screen", None, body)
            .problem(401)
            .contains("API key")
    );
    server
        .post("/v1/screen", Some("sk_0000"), body)
        .problem(401);
    assert!(
        server
            .post("/v1/screen", Some(&server.read_key), body)
            .problem(403)
            .contains("screen")
    );
    server
        .get("/catalog", Some(&server.screen_key))
        .problem(403);
    server
        .post("/v1/admin/update?fetch=false", Some(&server.screen_key), "")
        .problem(403);
    // yente's header form and X-API-Key.
    let r = server
        .agent
        .get(format!("{}/catalog", server.url))
        .header("Authorization", format!("ApiKey {}", server.read_key))
        .call()
        .expect("answered");
    assert_eq!(r.status().as_u16(), 200);

    // Key management through the API; the new key works, then is revoked.
    let admin = Some(server.admin_key.as_str());
    let r = server.post(
        "/v1/admin/keys",
        admin,
        r#"{"name": "ci", "scopes": ["read"]}"#,
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let created = r.json();
    let new_key = created["key"].as_str().expect("key").to_string();
    assert!(new_key.starts_with("sk_") && new_key.len() == 67);
    let listed = server.get("/v1/admin/keys", admin).text;
    assert!(
        !listed.contains(&new_key),
        "the key itself is never stored or listed"
    );
    assert!(listed.contains(&sanctum_server::auth::hash_key(&new_key)));
    let file = std::fs::read_to_string(server.dir.path().join("api_keys.json")).expect("keys file");
    assert!(!file.contains(&new_key) && file.contains("\"read\""));
    assert_eq!(server.get("/catalog", Some(&new_key)).status, 200);
    let id = created["record"]["id"].as_str().expect("id").to_string();
    assert_eq!(
        server.delete(&format!("/v1/admin/keys/{id}"), admin).status,
        204
    );
    server.get("/catalog", Some(&new_key)).problem(401);
    server
        .delete(&format!("/v1/admin/keys/{id}"), admin)
        .problem(404);
    server
        .post(
            "/v1/admin/keys",
            admin,
            r#"{"name": "x", "scopes": ["root"]}"#,
        )
        .problem(422);
}

#[test]
fn rate_limit_per_key() {
    let server = common::start_with(|c| {
        c.rate_limit_per_second = 1;
        c.rate_limit_burst = 3;
    });
    let body = r#"{"name": "Vladimir Putin"}"#;
    let statuses: Vec<u16> = (0..6)
        .map(|_| {
            server
                .post("/v1/screen", Some(&server.screen_key), body)
                .status
        })
        .collect();
    assert!(
        statuses.contains(&200) && statuses.contains(&429),
        "{statuses:?}"
    );
    let r = server.post("/v1/screen", Some(&server.screen_key), body);
    assert!(r.problem(429).contains("rate limit"));
    assert!(r.header("retry-after").is_some());
    // Another key has its own bucket.
    assert_eq!(server.get("/catalog", Some(&server.read_key)).status, 200);
}

#[test]
fn operations_endpoints_and_docs() {
    let server =
        common::start_with(|c| c.max_source_age = Some(std::time::Duration::from_secs(3600)));
    assert_eq!(server.get("/healthz", None).json()["status"], "ok");
    let r = server.get("/readyz", None);
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["sources"].as_array().map(Vec::len), Some(2));
    let _ = server.post(
        "/match/default",
        Some(&server.screen_key),
        r#"{"queries": {"q": {"schema": "Person", "properties": {"name": "Putin"}}}}"#,
    );
    let metrics = server.get("/metrics", None);
    assert!(metrics.content_type.starts_with("text/plain"));
    for needle in [
        "sanctum_http_requests_total{route=\"/match/{dataset}\",method=\"POST\",status=\"200\"} 1",
        "sanctum_http_request_duration_seconds_bucket{route=\"/match/{dataset}\",le=\"+Inf\"} 1",
        "sanctum_index_parties 6",
        "sanctum_source_age_seconds{source=\"us_ofac_sdn\"}",
        "sanctum_source_stale{source=\"us_ofac_sdn\"} 0",
    ] {
        assert!(
            metrics.text.contains(needle),
            "{needle} not in\n{}",
            metrics.text
        );
    }
    let api = server.get("/openapi.json", None).json();
    for path in [
        "/match/{dataset}",
        "/search/{dataset}",
        "/entities/{id}",
        "/catalog",
        "/algorithms",
        "/v1/screen",
        "/v1/screen/batch",
        "/v1/sources/{source}/diff",
        "/v1/admin/keys",
        "/readyz",
        "/metrics",
    ] {
        assert!(
            api["paths"].get(path).is_some(),
            "{path} missing from the OpenAPI document"
        );
    }
    assert!(api["components"]["schemas"].get("MatchRequest").is_some());
    let docs = server.get("/docs/", None);
    assert_eq!(docs.status, 200);
    assert!(
        docs.text.contains("swagger"),
        "{}",
        &docs.text[..docs.text.len().min(300)]
    );
}

#[test]
fn readyz_fails_past_the_maximum_source_age() {
    let server = common::start_with(|c| c.max_source_age = Some(std::time::Duration::from_secs(1)));
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let r = server.get("/readyz", None);
    let detail = r.problem(503);
    assert!(detail.contains("us_ofac_sdn"), "{detail}");
    assert_eq!(r.json()["sources"][0]["ok"], false);
    assert!(
        server
            .get("/metrics", None)
            .text
            .contains("sanctum_source_stale{source=\"us_ofac_sdn\"} 1")
    );
}
