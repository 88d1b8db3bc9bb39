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
