//! The matching quality gate: recall per variant class on a deck generated from the SDN list
//! of 2022-05-06 may not fall below the committed baseline
//! (`tests/fixtures/eval-baseline.json`, written by the same command in a release build:
//! `sanctum eval --recall-only --per-class 300 --customers 0 --lookalikes 0 --json …`).

mod common;

use common::{run, sanctum};
use sanctum_testkit::shared_lists;

#[test]
fn recall_per_class_holds_the_committed_baseline() {
    let Some(lists) = shared_lists("recall_per_class_holds_the_committed_baseline") else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let sdn = lists.join("ofac_sdn_csv/sdn_2022-05-06.csv");
    assert!(
        run(sanctum(data.path())
            .args(["update", "us_ofac_sdn", "--from"])
            .arg(&sdn))
        .status
        .success()
    );
    let baseline =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/eval-baseline.json");
    let report = data.path().join("eval.json");
    let out = run(sanctum(data.path())
        .args([
            "eval",
            "--recall-only",
            "--per-class",
            "300",
            "--customers",
            "0",
            "--lookalikes",
            "0",
            "--json",
        ])
        .arg(&report)
        .arg("--baseline")
        .arg(&baseline));
    assert!(
        out.status.success(),
        "a class fell below its baseline:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let as_listed = report["classes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["class"] == "as_listed")
        .unwrap();
    assert_eq!(
        as_listed["rate"], 1.0,
        "every listed name is found as listed"
    );
}
