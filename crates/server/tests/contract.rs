//! Contract tests: the request and response examples of yente's documentation, sent to a
//! running server with a real HTTP client.

mod common;

use serde_json::{Value, json};

/// The example in yente's `/match` documentation, verbatim.
const YENTE_MATCH_EXAMPLE: &str = r#"{
    "queries": {
        "entity1": {
            "schema": "Person",
            "properties": {
                "name": ["John Doe"],
                "birthDate": ["1975-04-21"],
                "nationality": ["us"]
            }
        },
        "entity2": {
            "schema": "Company",
            "properties": {
                "name": ["Brilliant Amazing Limited"],
                "jurisdiction": ["hk"],
                "registrationNumber": ["84BA99810"]
            }
        }
    }
}"#;

fn assert_entity_shape(e: &Value) {
    assert!(e["id"].is_string(), "{e}");
    assert!(e["caption"].is_string(), "{e}");
    assert!(e["schema"].is_string(), "{e}");
    assert!(e["properties"].is_object(), "{e}");
    assert!(e["datasets"].is_array(), "{e}");
    assert!(e["referents"].is_array(), "{e}");
    assert!(e["target"].is_boolean(), "{e}");
    for key in ["first_seen", "last_seen", "last_change"] {
        assert!(e.get(key).is_some(), "{key} missing in {e}");
    }
}

#[test]
fn yente_match_example_has_yente_shape() {
    let server = common::start();
    let r = server.post(
        "/match/default",
        Some(&server.screen_key),
        YENTE_MATCH_EXAMPLE,
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.header("x-batch-size"), Some("2"));
    let body = r.json();
    assert_eq!(body["limit"], 5);
    assert!(body["matcher"]["name"]["description"].is_string());
    for name in ["entity1", "entity2"] {
        let resp = &body["responses"][name];
        assert_eq!(resp["status"], 200, "{resp}");
        assert!(resp["results"].is_array());
        assert_eq!(resp["total"]["relation"], "eq");
        assert!(resp["total"]["value"].is_u64());
        assert!(resp["query"]["schema"].is_string());
        assert!(resp["query"]["properties"]["name"].is_array());
        // Neither example is on the fixture lists.
        assert_eq!(resp["results"].as_array().map(Vec::len), Some(0), "{resp}");
    }
    assert_eq!(body["responses"]["entity2"]["query"]["schema"], "Company");
}

#[test]
fn match_finds_a_listed_person_with_scores_features_and_explanations() {
    let server = common::start();
    let query = json!({"queries": {"q1": {"schema": "Person", "properties": {
        "name": ["Vladimir Putin"], "birthDate": ["1952-10-07"], "nationality": ["ru"]}}}});
    let r = server.post(
        "/match/default?limit=10",
        Some(&server.screen_key),
        &query.to_string(),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let body = r.json();
    let results = body["responses"]["q1"]["results"]
        .as_array()
        .expect("results");
    let ids: Vec<&str> = results.iter().filter_map(|r| r["id"].as_str()).collect();
    assert!(ids.contains(&"us-ofac-sdn-35096"), "{ids:?}");
    assert!(ids.contains(&"gb-hmt-sanctions-14196"), "{ids:?}");
    let top = &results[0];
    assert_entity_shape(top);
    assert_eq!(top["schema"], "Person");
    assert_eq!(top["match"], true);
    assert!(top["score"].as_f64().unwrap_or(0.0) >= 0.8, "{top}");
    assert!(
        top["features"]["name"].as_f64().unwrap_or(0.0) > 0.9,
        "{top}"
    );
    assert!(top["features"].get("birth_date").is_some(), "{top}");
    assert!(
        top["properties"]["name"][0]
            .as_str()
            .unwrap_or("")
            .contains("PUTIN")
    );
    assert_eq!(top["properties"]["birthDate"][0], "1952-10-07");
    // yente's explanations: feature → nomenklatura's FeatureResult.
    let name = &top["explanations"]["name"];
    assert_eq!(name["score"], top["features"]["name"], "{top}");
    assert_eq!(name["query"], "Vladimir Putin", "{top}");
    assert_eq!(
        name["candidate"],
        top["sanctum_explanation"]["matched_name"]
    );
    let detail = name["detail"].as_str().unwrap_or("");
    assert!(
        detail.starts_with("\"Vladimir Putin\" met the listed"),
        "{detail}"
    );
    let birth = &top["explanations"]["birth_date"];
    assert_eq!(birth["score"], top["features"]["birth_date"], "{top}");
    assert!(
        birth["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "{top}"
    );
    // sanctum's own explanation, under a key yente clients ignore.
    let explanation = &top["sanctum_explanation"];
    assert!(explanation["matched_name"].is_string(), "{top}");
    assert!(explanation["alignment"].is_array(), "{top}");
    // Dates from the version store.
    assert!(
        top["first_seen"].as_str().is_some_and(|t| t.len() == 19),
        "{top}"
    );
    assert_eq!(body["responses"]["q1"]["total"]["value"], 2);

    // Dataset in the path, and yente's filters.
    let r = server.post(
        "/match/gb_hmt_sanctions",
        Some(&server.screen_key),
        &query.to_string(),
    );
    let ids: Vec<String> = r.json()["responses"]["q1"]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["id"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(ids, ["gb-hmt-sanctions-14196"]);
    let r = server.post(
        "/match/default?exclude_dataset=gb_hmt_sanctions&topics=sanction",
        Some(&server.screen_key),
        &query.to_string(),
    );
    let results = r.json()["responses"]["q1"]["results"].clone();
    assert_eq!(results.as_array().map(Vec::len), Some(1), "{results}");
    let r = server.post(
        "/match/default?exclude_schema=Person",
        Some(&server.screen_key),
        &query.to_string(),
    );
    assert_eq!(r.json()["responses"]["q1"]["total"]["value"], 0);
    // The current id and the earlier scheme's both exclude the party.
    for id in ["us-ofac-sdn-35096", "us_ofac_sdn-35096"] {
        let r = server.post(
            &format!("/match/default?exclude_entity_ids={id}"),
            Some(&server.screen_key),
            &query.to_string(),
        );
        assert_eq!(r.json()["responses"]["q1"]["total"]["value"], 1, "{id}");
    }
}

#[test]
fn match_threshold_cutoff_and_identifier_properties() {
    let server = common::start();
    // A name alone, below a raised threshold: returned above the cutoff, not a match.
    let query = json!({"queries": {"v": {"schema": "Vessel", "properties": {"name": "ARTAVIL"}}}});
    let r = server.post(
        "/match/default?threshold=0.99&cutoff=0.5",
        Some(&server.screen_key),
        &query.to_string(),
    );
    let top = r.json()["responses"]["v"]["results"][0].clone();
    assert_eq!(top["id"], "us-ofac-sdn-9647", "{}", r.text);
    assert_eq!(top["match"], false);
    // The IMO number lifts it above 0.98.
    let query = json!({"queries": {"v": {"schema": "Vessel", "properties": {
        "name": ["ARTAVIL"], "imoNumber": ["9187629"]}}}});
    let r = server.post(
        "/match/default",
        Some(&server.screen_key),
        &query.to_string(),
    );
    let top = r.json()["responses"]["v"]["results"][0].clone();
    assert!(top["score"].as_f64().unwrap_or(0.0) >= 0.98, "{}", r.text);
    // firstName + lastName without name.
    let query = json!({"queries": {"p": {"schema": "Person", "properties": {
        "firstName": ["Ramzan"], "lastName": ["Kadyrov"]}}}});
    let r = server.post(
        "/match/default",
        Some(&server.screen_key),
        &query.to_string(),
    );
    assert_eq!(
        r.json()["responses"]["p"]["results"][0]["id"],
        "gb-hmt-sanctions-13206",
        "{}",
        r.text
    );
}

#[test]
fn search_entities_and_catalog_have_yente_shapes() {
    let server = common::start();
    let key = Some(server.read_key.as_str());
    let r = server.get("/search/default?q=putin", key);
    assert_eq!(r.status, 200, "{}", r.text);
    let body = r.json();
    assert_eq!(body["limit"], 10);
    assert_eq!(body["offset"], 0);
    assert_eq!(body["total"]["value"], 2);
    for e in body["results"].as_array().expect("results") {
        assert_entity_shape(e);
    }
    let countries = &body["facets"]["countries"];
    assert_eq!(countries["label"], "Countries");
    assert_eq!(countries["values"][0]["name"], "ru");
    assert_eq!(countries["values"][0]["count"], 2);
    assert!(countries["values"][0]["label"].is_string());
    assert_eq!(body["facets"]["topics"]["values"][0]["name"], "sanction");
    assert_eq!(
        body["facets"]["datasets"]["values"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );

    // Filters without q.
    let r = server.get(
        "/search/default?schema=Person&countries=ru&datasets=gb_hmt_sanctions",
        key,
    );
    assert_eq!(r.json()["total"]["value"], 2, "{}", r.text);
    let r = server.get("/search/us_ofac_sdn?programs=CUBA&facets=schema", key);
    let body = r.json();
    assert_eq!(body["total"]["value"], 1, "{}", r.text);
    assert_eq!(body["results"][0]["id"], "us-ofac-sdn-7581");
    assert_eq!(
        body["facets"]["schema"]["values"][0]["name"],
        "Organization"
    );
    let r = server.get("/search/default?limit=1&offset=1", key);
    assert_eq!(r.json()["results"].as_array().map(Vec::len), Some(1));

    // One entity, nested.
    let r = server.get("/entities/us-ofac-sdn-35096", key);
    assert_eq!(r.status, 200, "{}", r.text);
    let e = r.json();
    assert_entity_shape(&e);
    assert_eq!(e["target"], true);
    let sanction = &e["properties"]["sanctions"][0];
    assert_eq!(sanction["schema"], "Sanction", "{e}");
    assert_eq!(sanction["properties"]["program"][0], "RUSSIA-EO14024");
    // Nested entities are whole, as yente sends them: caption from FtM's caption
    // properties, the party's datasets and dates.
    assert_entity_shape(sanction);
    assert_eq!(sanction["caption"], "RUSSIA-EO14024");
    assert_eq!(sanction["datasets"], json!(["us_ofac_sdn"]));
    assert_eq!(sanction["target"], false);
    assert_eq!(sanction["first_seen"], e["first_seen"]);
    assert!(e["first_seen"].is_string(), "{e}");
    assert_eq!(e["id"], "us-ofac-sdn-35096");
    // Ids of the earlier scheme are redirected to the current one, the query kept.
    for (old, location) in [
        (
            "us_ofac_sdn:35096?nested=false",
            "/entities/us-ofac-sdn-35096?nested=false",
        ),
        ("us_ofac_sdn-35096", "/entities/us-ofac-sdn-35096"),
        (
            "us_ofac_sdn-35096.sanction.0",
            "/entities/us-ofac-sdn-35096",
        ),
    ] {
        let r = server.get(&format!("/entities/{old}"), key);
        assert_eq!(r.status, 308, "{old}: {}", r.text);
        assert_eq!(r.header("location"), Some(location), "{old}");
        let followed = server.get(location, key);
        assert_eq!(followed.status, 200, "{location}");
    }
    server.get("/entities/nope-1", key).problem(404);
    server.get("/entities/us_ofac_sdn-1", key).problem(404);

    let r = server.get("/catalog", key);
    let body = r.json();
    let names: Vec<&str> = body["datasets"]
        .as_array()
        .expect("datasets")
        .iter()
        .filter_map(|d| d["name"].as_str())
        .collect();
    assert_eq!(names, ["default", "gb_hmt_sanctions", "us_ofac_sdn"]);
    assert_eq!(
        body["datasets"][0]["children"].as_array().map(Vec::len),
        Some(2)
    );
    assert_eq!(body["index_stale"], false);
}

#[test]
fn algorithms_has_yentes_shape_and_names_what_match_accepts() {
    let server = common::start();
    let r = server.get("/algorithms", Some(&server.read_key));
    assert_eq!(r.status, 200, "{}", r.text);
    let body = r.json();
    assert_eq!(body["default"], "sanctum");
    assert_eq!(body["best"], "sanctum");
    let algorithm = &body["algorithms"][0];
    assert_eq!(algorithm["name"], "sanctum");
    assert!(algorithm["description"].is_string(), "{body}");
    assert_eq!(algorithm["docs"]["name"], "sanctum");
    assert!(algorithm["docs"]["config"].is_object(), "{body}");
    let feature = &algorithm["docs"]["features"]["birth_date"];
    assert!(feature["description"].is_string(), "{body}");
    assert!(feature["coefficient"].is_number(), "{body}");
    assert_eq!(algorithm["features"], algorithm["docs"]["features"]);
    server.get("/algorithms", None).problem(401);
    let api = server.get("/openapi.json", None).json();
    let documented = &api["paths"]["/algorithms"]["get"]["responses"];
    for status in ["200", "401", "403", "429"] {
        assert!(
            documented.get(status).is_some(),
            "/algorithms lacks {status}"
        );
    }
    for (path, method) in [("/match/{dataset}", "post"), ("/search/{dataset}", "get")] {
        let params = api["paths"][path][method]["parameters"]
            .as_array()
            .expect("parameters");
        let since = params
            .iter()
            .find(|p| p["name"] == "changed_since")
            .unwrap_or_else(|| panic!("{path} lacks changed_since"));
        assert!(since["schema"]["pattern"].is_string(), "{since}");
    }

    let query = r#"{"queries":{"q":{"schema":"Person","properties":{"name":["Vladimir Putin"]}}}}"#;
    for name in ["sanctum", "best", "default"] {
        let r = server.post(
            &format!("/match/default?algorithm={name}"),
            Some(&server.screen_key),
            query,
        );
        assert_eq!(r.status, 200, "{name}: {}", r.text);
    }
    let detail = server
        .post(
            "/match/default?algorithm=logic-v2",
            Some(&server.screen_key),
            query,
        )
        .problem(400);
    assert!(
        detail.contains("\"logic-v2\"") && detail.contains("/algorithms"),
        "{detail}"
    );
}

#[test]
fn changed_since_keeps_parties_changed_from_then_and_refuses_bad_times() {
    let server = common::start();
    let query = r#"{"queries":{"q":{"schema":"Person","properties":{"name":["Vladimir Putin"]}}}}"#;
    let total = |path: &str| {
        let r = server.post(path, Some(&server.screen_key), query);
        assert_eq!(r.status, 200, "{path}: {}", r.text);
        r.json()["responses"]["q"]["total"]["value"].clone()
    };
    // The fixtures were stored now: every party changed since 2000, none since 2999.
    assert_eq!(total("/match/default?changed_since=2000-01-01"), 2);
    assert_eq!(total("/match/default?changed_since=2000-01-01T10:30"), 2);
    assert_eq!(total("/match/default?changed_since=2999-01-01T00"), 0);
    let read = Some(server.read_key.as_str());
    let found = |path: &str| {
        let r = server.get(path, read);
        assert_eq!(r.status, 200, "{path}: {}", r.text);
        r.json()["total"]["value"].clone()
    };
    assert_eq!(found("/search/default?q=putin&changed_since=2000-01-01"), 2);
    assert_eq!(found("/search/default?q=putin&changed_since=2999-12-31"), 0);
    for bad in [
        "2024-02-30",
        "2024-1-01",
        "yesterday",
        "2024-01-01T25",
        "2024-01-01Z",
    ] {
        let detail = server
            .get(&format!("/search/default?changed_since={bad}"), read)
            .problem(400);
        assert!(detail.contains("changed_since"), "{bad}: {detail}");
        server
            .post(
                &format!("/match/default?changed_since={bad}"),
                Some(&server.screen_key),
                query,
            )
            .problem(400);
    }
}

#[test]
fn search_honours_yentes_filters_or_refuses_them() {
    let server = common::start();
    let read = Some(server.read_key.as_str());
    let ids = |path: &str| -> Vec<String> {
        let r = server.get(path, read);
        assert_eq!(r.status, 200, "{path}: {}", r.text);
        let mut ids: Vec<String> = r.json()["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|e| e["id"].as_str().unwrap_or("").to_string())
            .collect();
        ids.sort();
        ids
    };
    let both = ids("/search/default?q=putin");
    assert_eq!(both, ["gb-hmt-sanctions-14196", "us-ofac-sdn-35096"]);
    assert_eq!(
        ids("/search/default?q=putin&exclude_dataset=gb_hmt_sanctions"),
        ["us-ofac-sdn-35096"]
    );
    assert_eq!(
        ids("/search/default?q=putin&include_dataset=gb_hmt_sanctions"),
        ["gb-hmt-sanctions-14196"]
    );
    assert!(ids("/search/default?q=putin&exclude_schema=Person").is_empty());
    assert_eq!(ids("/search/default?q=putin&target=true"), both);
    assert!(ids("/search/default?q=putin&target=false").is_empty());
    assert_eq!(ids("/search/default?q=putin&fuzzy=true&simple=true"), both);
    // OR (yente's default) against AND over two datasets: a party is in one.
    let two = "datasets=gb_hmt_sanctions&datasets=us_ofac_sdn";
    assert_eq!(ids(&format!("/search/default?q=putin&{two}")), both);
    assert!(ids(&format!("/search/default?q=putin&{two}&filter_op=AND")).is_empty());
    assert_eq!(
        ids("/search/default?q=putin&countries=ru&topics=sanction&filter_op=AND"),
        both
    );

    for (path, needle) in [
        (
            "/search/default?q=putin&filter=properties.birthDate:1952",
            "filter",
        ),
        ("/search/default?q=putin&sort=caption", "sort"),
        ("/search/default?filter_op=XOR", "filter_op"),
        ("/search/default?target=maybe", "target"),
        ("/search/default?fuzzy=2", "fuzzy"),
        ("/search/default?include_dataset=nope", "include_dataset"),
        ("/search/default?exclude_schema=Boat", "exclude_schema"),
    ] {
        let detail = server.get(path, read).problem(400);
        assert!(detail.contains(needle), "{path}: {detail}");
    }
}

#[test]
fn first_seen_and_last_change_come_from_the_version_history() {
    use sanctum_server::snapshot::api_id;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = sanctum_store::Store::open(dir.path()).expect("store");
    let parties: Vec<_> = common::fixture_entities()
        .into_iter()
        .filter(|e| e.source == "us_ofac_sdn")
        .collect();
    common::ingest(&mut store, "us_ofac_sdn", parties.clone(), "1");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let mut amended = parties.clone();
    amended[0].names.push(sanctum_model::Name::new(
        "A NEW ALIAS",
        sanctum_model::NameKind::Alias,
    ));
    common::ingest(&mut store, "us_ofac_sdn", amended.clone(), "2");
    let snapshot = sanctum_server::Snapshot::load(&store, &Default::default()).expect("snapshot");
    let versions = store.versions("us_ofac_sdn").expect("versions");
    let at = |seq: usize| versions[seq - 1].fetched_at[..19].to_string();
    assert_ne!(at(1), at(2));
    let seen = |e: &sanctum_model::Entity| {
        let i = snapshot.position(&api_id(e)).expect("served");
        snapshot.seen(i).clone()
    };
    let changed = seen(&amended[0]);
    assert_eq!(changed.first_seen, Some(at(1)));
    assert_eq!(changed.last_change, Some(at(2)));
    assert_eq!(changed.last_seen, Some(at(2)));
    let unchanged = seen(&amended[1]);
    assert_eq!(unchanged.first_seen, Some(at(1)));
    assert_eq!(unchanged.last_change, Some(at(1)));
}
