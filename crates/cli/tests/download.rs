//! `sanctum update` over HTTP (a loopback server serving the shared files) and from a
//! local mirror directory.

mod common;

use common::{json, run, sanctum, serve};
use sanctum_testkit::shared_lists;
use std::sync::atomic::Ordering;

fn config_with_fast_retries(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("sanctum.toml");
    std::fs::write(
        &path,
        "[update]\nretries = 3\nbackoff_ms = 10\ntimeout_secs = 30\n",
    )
    .unwrap();
    path
}

#[test]
fn downloads_the_csv_set_retrying_transient_failures() {
    let Some(lists) = shared_lists("downloads_the_csv_set_retrying_transient_failures") else {
        return;
    };
    let server = serve(lists.clone(), 2);
    let data = tempfile::tempdir().unwrap();
    let config = config_with_fast_retries(data.path());
    let url = |f: &str| format!("{}/ofac_sdn_csv/{f}", server.base);
    let out = run(sanctum(data.path())
        .arg("--config")
        .arg(&config)
        .args(["update", "us_ofac_sdn"])
        .env("SANCTUM_URL_US_OFAC_SDN_MAIN", url("sdn_2022-01-31.csv"))
        .env("SANCTUM_URL_US_OFAC_SDN_ADD", url("add_2022-01-31.csv"))
        .env("SANCTUM_URL_US_OFAC_SDN_ALT", url("alt_2022-01-31.csv"))
        .env(
            "SANCTUM_URL_US_OFAC_SDN_COMMENTS",
            url("sdn_comments_2025-12.csv"),
        ));
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("retry 2/3"),
        "two 503 answers were retried"
    );
    assert_eq!(
        server.requests.load(Ordering::SeqCst),
        6,
        "2 failures + 4 files"
    );
    let listed = json(&run(sanctum(data.path()).args(["lists", "--json"])));
    assert_eq!(listed[0]["source"], "us_ofac_sdn");
    assert_eq!(listed[0]["parties"], 9052);
    // Addresses came from add.csv, aliases from alt.csv: AEROCARIBBEAN AIRLINES (36).
    let card = json(&run(sanctum(data.path()).args([
        "show",
        "us_ofac_sdn:36",
        "--json",
    ])));
    let entity = &card["entity"];
    assert!(
        entity["addresses"]
            .as_array()
            .is_some_and(|a| !a.is_empty()),
        "{entity}"
    );
    assert!(
        entity["names"].as_array().is_some_and(|n| n.len() > 1),
        "{entity}"
    );
    // The staging folder is cleaned up.
    let staging = data.path().join("staging");
    assert!(!staging.exists() || std::fs::read_dir(&staging).unwrap().next().is_none());
}

#[test]
fn a_missing_file_fails_the_update_and_leaves_the_store_unchanged() {
    let Some(lists) =
        shared_lists("a_missing_file_fails_the_update_and_leaves_the_store_unchanged")
    else {
        return;
    };
    let server = serve(lists.clone(), 0);
    let data = tempfile::tempdir().unwrap();
    let config = config_with_fast_retries(data.path());
    let out = run(sanctum(data.path())
        .arg("--config")
        .arg(&config)
        .args(["update", "us_csl"])
        .env(
            "SANCTUM_URL_US_CSL_MAIN",
            format!("{}/us_csl/no-such-file.csv", server.base),
        ));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("404"));
    let listed = json(&run(sanctum(data.path()).args(["lists", "--json"])));
    assert_eq!(listed.as_array().map(Vec::len), Some(0));
}

#[test]
fn a_lists_directory_serves_instead_of_the_network() {
    let Some(lists) = shared_lists("a_lists_directory_serves_instead_of_the_network") else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let out = run(sanctum(data.path())
        .args(["update", "us_csl"])
        .env("SANCTUM_LISTS_DIR", &lists));
    assert!(out.status.success());
    let listed = json(&run(sanctum(data.path()).args(["lists", "--json"])));
    assert_eq!(listed[0]["source"], "us_csl");
    assert_eq!(listed[0]["parties"], 14048);
    // The newest SDN snapshot in the mirror is chosen.
    let out = run(sanctum(data.path())
        .args(["update", "us_ofac_sdn"])
        .env("SANCTUM_LISTS_DIR", &lists));
    assert!(out.status.success());
    let listed = json(&run(sanctum(data.path()).args(["lists", "--json"])));
    let sdn = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["source"] == "us_ofac_sdn")
        .unwrap()
        .clone();
    assert_eq!(sdn["parties"], 14965);
    assert_eq!(sdn["published"], "2024-05-03");
}
