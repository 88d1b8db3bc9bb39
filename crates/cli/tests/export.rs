//! `sanctum export --format ftm` and the FtM file ingested back as a source.

mod common;

use common::{json, run, sanctum};
use sanctum_testkit::shared_lists;

#[test]
fn exported_ftm_ingests_back_with_the_same_parties() {
    let Some(lists) = shared_lists("exported_ftm_ingests_back_with_the_same_parties") else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let csl = lists.join("us_csl/consolidated_2022-05.csv.gz");
    assert!(
        run(sanctum(data.path())
            .args(["update", "us_csl", "--from"])
            .arg(&csl))
        .status
        .success()
    );
    let out_dir = tempfile::tempdir().unwrap();
    let ftm = out_dir.path().join("entities.ftm.json");
    let out = run(sanctum(data.path())
        .args(["export", "--format", "ftm", "--out"])
        .arg(&ftm));
    assert!(out.status.success());
    let text = std::fs::read_to_string(&ftm).unwrap();
    let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert!(
        first["schema"].is_string() && first["properties"].is_object(),
        "{first}"
    );
    assert!(
        text.lines().any(|l| l.contains("\"schema\":\"Sanction\"")),
        "designations are Sanction entities"
    );

    assert!(
        run(sanctum(data.path())
            .args(["update", "ftm", "--from"])
            .arg(&ftm))
        .status
        .success()
    );
    let listed = json(&run(sanctum(data.path()).args(["lists", "--json"])));
    let count = |source: &str| {
        listed
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["source"] == source)
            .unwrap()["parties"]
            .clone()
    };
    assert_eq!(count("ftm"), count("us_csl"));
    let original = json(&run(sanctum(data.path()).args([
        "show",
        "us_csl:35096",
        "--json",
    ])));
    let back = json(&run(sanctum(data.path()).args([
        "show",
        "ftm:us_csl-35096",
        "--json",
    ])));
    for field in [
        "kind",
        "birth_dates",
        "nationalities",
        "designations",
        "addresses",
    ] {
        assert_eq!(original["entity"][field], back["entity"][field], "{field}");
    }
    assert_eq!(
        original["entity"]["names"][0]["full"],
        back["entity"]["names"][0]["full"]
    );
}
