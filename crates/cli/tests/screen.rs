//! `sanctum screen` end to end on the real lists: the example customer file, delta
//! re-screening over SDN snapshots, and the index's recall against a brute-force scan.

mod common;

use common::{link_dir, run, sanctum};
use sanctum_testkit::shared_lists;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn alerts(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("an alert record"))
        .collect()
}

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/customers.csv")
}

#[test]
fn example_customers_alert_on_their_planted_parties() {
    let Some(lists) = shared_lists("example_customers_alert_on_their_planted_parties") else {
        return;
    };
    let sdn = link_dir(&[lists.join("ofac_sdn_csv/sdn_2024-05-03.csv")]);
    let data = tempfile::tempdir().unwrap();
    let out = run(sanctum(data.path())
        .args(["update", "us_ofac_sdn", "--from"])
        .arg(sdn.path()));
    assert!(out.status.success());
    let alerts_file = data.path().join("alerts.jsonl");
    let summary_file = data.path().join("summary.json");
    let out = run(sanctum(data.path())
        .arg("screen")
        .arg(example())
        .arg("--out")
        .arg(&alerts_file)
        .arg("--summary")
        .arg(&summary_file));
    assert_eq!(out.status.code(), Some(4), "alerts found");
    let mut by_row: HashMap<String, Vec<String>> = HashMap::new();
    for a in alerts(&alerts_file) {
        assert_eq!(a["source"], "us_ofac_sdn");
        assert!(a["score"].as_f64().unwrap() >= 0.8);
        assert!(a["explanation"]["matched_name"].is_string());
        by_row
            .entry(a["input_id"].as_str().unwrap().to_string())
            .or_default()
            .push(a["source_id"].as_str().unwrap().to_string());
    }
    let mut reader = csv::Reader::from_path(example()).unwrap();
    let (mut planted, mut found, mut plain, mut plain_alerted) = (0, 0, 0, 0);
    for row in reader.records() {
        let row = row.unwrap();
        let (id, expected) = (&row[0], &row[6]);
        if let Some(uid) = expected.strip_prefix("us_ofac_sdn:") {
            planted += 1;
            if by_row
                .get(id)
                .is_some_and(|ids| ids.iter().any(|s| s == uid))
            {
                found += 1;
            }
        } else {
            plain += 1;
            if by_row.contains_key(id) {
                plain_alerted += 1;
            }
        }
    }
    assert!(planted >= 30, "{planted} planted rows");
    assert!(
        found + 1 >= planted,
        "{found} of {planted} planted names alerted"
    );
    assert!(plain >= 250);
    assert!(
        plain_alerted * 100 <= plain * 2,
        "{plain_alerted} of {plain} plain customers alerted"
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&summary_file).unwrap()).unwrap();
    assert_eq!(summary["summary"]["rows_read"], 320);
    assert_eq!(summary["summary"]["rows_rejected"], 0);
}

fn write_customers(dir: &Path, names: &[&str]) -> PathBuf {
    let path = dir.join("customers.csv");
    let mut text = String::from("id,name\n");
    for (i, n) in names.iter().enumerate() {
        text.push_str(&format!("R{i},\"{n}\"\n"));
    }
    std::fs::write(&path, text).unwrap();
    path
}

/// Rows alerted, as (input_id, source_id, status).
fn screen_rows(
    data: &Path,
    input: &Path,
    extra: &[&str],
) -> (Option<i32>, Vec<(String, String, String)>) {
    let out_file = data.join("out.jsonl");
    let _ = std::fs::remove_file(&out_file);
    let out = run(sanctum(data)
        .arg("screen")
        .arg(input)
        .arg("--out")
        .arg(&out_file)
        .args(extra));
    let mut rows: Vec<(String, String, String)> = alerts(&out_file)
        .iter()
        .map(|a| {
            (
                a["input_id"].as_str().unwrap().to_string(),
                a["source_id"].as_str().unwrap().to_string(),
                a["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    rows.sort();
    rows.dedup();
    (out.status.code(), rows)
}

#[test]
fn delta_rescreening_over_sdn_snapshots() {
    let Some(lists) = shared_lists("delta_rescreening_over_sdn_snapshots") else {
        return;
    };
    let dir = lists.join("ofac_sdn_csv");
    let data = tempfile::tempdir().unwrap();
    for file in ["sdn_2022-02-17.csv", "sdn_2022-02-23T0152.csv"] {
        let out = run(sanctum(data.path())
            .args(["update", "us_ofac_sdn", "--from"])
            .arg(dir.join(file)));
        assert!(out.status.success());
    }
    // R0, R1 listed on 2022-02-23; R2 listed long before; R3, R4 nobody.
    let input = write_customers(
        data.path(),
        &[
            "Denis Aleksandrovich Bortnikov",
            "Petr Mikhailovich FRADKOV",
            "Viktor Fedorovich YANUKOVYCH",
            "Margarethe Vollmer",
            "Osagie Emmanuel Okafor",
        ],
    );
    let russia = ["--program", "RUSSIA", "--program", "UKRAINE"];
    let listed = |rows: &[(String, String, String)]| {
        let mut ids: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
        ids.dedup();
        ids
    };

    let (code, before) = screen_rows(
        data.path(),
        &input,
        &[&russia[..], &["--as-of", "2022-02-17"]].concat(),
    );
    assert_eq!(code, Some(4));
    assert_eq!(listed(&before), vec!["R2"], "as of 2022-02-17: {before:?}");

    let (_, now) = screen_rows(data.path(), &input, &russia);
    assert_eq!(listed(&now), vec!["R0", "R1", "R2"], "{now:?}");
    assert!(now.contains(&("R0".into(), "34577".into(), "alert".into())));
    assert!(now.contains(&("R1".into(), "34658".into(), "alert".into())));

    // Only what changed since 2022-02-17: the new designations, as new.
    let (code, delta) = screen_rows(data.path(), &input, &["--changes-since", "2022-02-17"]);
    assert_eq!(code, Some(4));
    assert_eq!(
        delta,
        vec![
            ("R0".into(), "34577".into(), "new".into()),
            ("R1".into(), "34658".into(), "new".into()),
        ]
    );

    // The 2022-02-17 list published again (a temporary copy with one more newline, so that
    // its hash differs): the parties of 2022-02-23 are delisted, and the earlier alerts on
    // them no longer hold.
    let again = tempfile::tempdir().unwrap();
    let mut bytes = std::fs::read(dir.join("sdn_2022-02-17.csv")).unwrap();
    bytes.push(b'\n');
    std::fs::write(again.path().join("sdn_2022-02-17.csv"), bytes).unwrap();
    let out = run(sanctum(data.path())
        .args(["update", "us_ofac_sdn", "--force", "--from"])
        .arg(again.path().join("sdn_2022-02-17.csv")));
    assert!(out.status.success());
    let (_, withdrawn) = screen_rows(data.path(), &input, &["--changes-since", "us_ofac_sdn:2"]);
    assert_eq!(
        withdrawn,
        vec![
            ("R0".into(), "34577".into(), "delisted".into()),
            ("R1".into(), "34658".into(), "delisted".into()),
        ]
    );
    let (code, none) = screen_rows(data.path(), &input, &["--changes-since", "3"]);
    assert_eq!(
        (code, none),
        (Some(0), vec![]),
        "nothing changed since version 3"
    );
}

#[test]
fn candidate_index_finds_what_a_brute_force_scan_alerts_on() {
    let Some(lists) = shared_lists("candidate_index_finds_what_a_brute_force_scan_alerts_on")
    else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let out = run(sanctum(data.path())
        .args(["update", "us_ofac_cons", "--from"])
        .arg(lists.join("ofac_consolidated")));
    assert!(out.status.success());
    let report = data.path().join("recall.json");
    let out = run(sanctum(data.path())
        .args(["screen-tools", "recall", "--queries", "300", "--json"])
        .arg(&report));
    assert!(out.status.success());
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let alerts = report["brute_force_alerts"].as_u64().unwrap();
    assert!(alerts >= 100, "a deck with alerts to find: {alerts}");
    assert!(report["recall"].as_f64().unwrap() >= 0.999, "{report}");
    // Candidates are a small share of the parties.
    assert!(
        report["mean_candidates"].as_f64().unwrap() < 0.1 * report["parties"].as_f64().unwrap()
    );
}
