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
    let explanation = &top["explanations"][0];
    assert!(explanation["matched_name"].is_string(), "{top}");
    assert!(explanation["alignment"].is_array(), "{top}");
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
