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

/// A store holding the SDN list of 2024-05-03, or `None` without the shared folder.
fn sdn_store(test: &str) -> Option<tempfile::TempDir> {
    let lists = shared_lists(test)?;
    let sdn = link_dir(&[lists.join("ofac_sdn_csv/sdn_2024-05-03.csv")]);
    let data = tempfile::tempdir().unwrap();
    let out = run(sanctum(data.path())
        .args(["update", "us_ofac_sdn", "--from"])
        .arg(sdn.path()));
    assert!(out.status.success());
    Some(data)
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn screen_refuses_options_that_would_hide_alerts_or_overwrite_its_input() {
    let data = tempfile::tempdir().unwrap();
    let input = data.path().join("customers.csv");
    let text = "id,name\n1,Vladimir Putin\n";
    std::fs::write(&input, text).unwrap();
    let screen = |extra: &[&str]| {
        run(sanctum(data.path())
            .arg("screen")
            .arg(&input)
            .arg("--no-fetch")
            .args(extra))
    };
    for (threshold, says) in [
        ("85", "use 0.85"),
        ("2", "above 1"),
        ("inf", "not a score"),
        ("NaN", "not a score"),
        ("0", "out of range"),
    ] {
        let out = screen(&["--threshold", threshold]);
        assert!(!out.status.success(), "--threshold {threshold} accepted");
        assert!(stderr(&out).contains(says), "{threshold}: {}", stderr(&out));
    }
    let out = screen(&["--max-alerts", "0"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("at least 1"), "{}", stderr(&out));
    for flag in ["--program", "--source"] {
        let out = screen(&[flag, ""]);
        assert!(!out.status.success(), "{flag} '' accepted");
        assert!(stderr(&out).contains("empty"), "{}", stderr(&out));
    }
    let out = screen(&["--changes-since", "2999-01-01"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("after today"), "{}", stderr(&out));
    // The input itself, through a symlink or a hard link, as an output: refused before
    // any output is opened, the input untouched.
    let link = data.path().join("link.jsonl");
    std::os::unix::fs::symlink(&input, &link).unwrap();
    let hard = data.path().join("hard.jsonl");
    std::fs::hard_link(&input, &hard).unwrap();
    for (flag, path) in [
        ("--out", &input),
        ("--out", &link),
        ("--rejects", &hard),
        ("--summary", &link),
    ] {
        let out = screen(&[flag, path.to_str().unwrap()]);
        assert!(!out.status.success(), "{flag} {} accepted", path.display());
        assert!(
            stderr(&out).contains("that is the input file"),
            "{}",
            stderr(&out)
        );
        assert_eq!(std::fs::read_to_string(&input).unwrap(), text);
    }
}

#[test]
fn swallowed_customers_crlf_lines_bidi_names_and_formula_cells() {
    let Some(data) = sdn_store("swallowed_customers_crlf_lines_bidi_names_and_formula_cells")
    else {
        return;
    };
    let dir = data.path();
    // An unbalanced quote in the notes column swallowed Lavrov and Sechin: they are
    // screened, line 2 rejected naming the lines.
    let swallow = dir.join("swallow.csv");
    std::fs::write(
        &swallow,
        "id,name,notes\n1,Vladimir Putin,\"customer since 2001\n2,Sergei Lavrov,vip\n3,Igor Sechin,x\"\n",
    )
    .unwrap();
    let summary_file = dir.join("summary.json");
    let rejects_file = dir.join("rejects.jsonl");
    let (code, rows) = screen_rows(
        dir,
        &swallow,
        &[
            "--summary",
            summary_file.to_str().unwrap(),
            "--rejects",
            rejects_file.to_str().unwrap(),
        ],
    );
    assert_eq!(code, Some(6), "alerts and a rejected row");
    let alerted: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert!(alerted.contains(&"2") && alerted.contains(&"3"), "{rows:?}");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&summary_file).unwrap()).unwrap();
    let s = &summary["summary"];
    assert_eq!(
        (
            &s["lines_read"],
            &s["rows_read"],
            &s["rows_screened"],
            &s["rows_rejected"]
        ),
        (&4.into(), &3.into(), &2.into(), &1.into())
    );
    let reject: serde_json::Value =
        serde_json::from_str(std::fs::read_to_string(&rejects_file).unwrap().trim()).unwrap();
    assert_eq!(reject["line"], 2);
    assert!(
        reject["reason"].as_str().unwrap().contains("lines 3 to 4"),
        "{reject}"
    );

    // CRLF: the alert points at Putin's own line and id.
    let crlf = dir.join("crlf.csv");
    std::fs::write(
        &crlf,
        "id,name\r\nC1,Ann Smith\r\nC2,Vladimir Putin\r\nC3,Bob Jones\r\n",
    )
    .unwrap();
    let out_file = dir.join("crlf.jsonl");
    let out = run(sanctum(dir)
        .arg("screen")
        .arg(&crlf)
        .arg("--out")
        .arg(&out_file));
    assert_eq!(out.status.code(), Some(4));
    for a in alerts(&out_file) {
        assert_eq!(
            (&a["input_line"], &a["input_id"]),
            (&3.into(), &"C2".into())
        );
    }

    // A name reversed by U+202E shows as Putin: it alerts, flagged; CSV cells that a
    // spreadsheet would run as formulas are neutralised.
    let tricky = dir.join("tricky.csv");
    std::fs::write(
        &tricky,
        "id,name\n=HYPERLINK(\"http://x\"),\u{202E}nituP rimidalV\n",
    )
    .unwrap();
    let csv_out = dir.join("tricky-alerts.csv");
    let out = run(sanctum(dir)
        .arg("screen")
        .arg(&tricky)
        .arg("--out")
        .arg(&csv_out));
    assert_eq!(out.status.code(), Some(4), "the displayed name alerts");
    let mut reader = csv::Reader::from_path(&csv_out).unwrap();
    let headers = reader.headers().unwrap().clone();
    let record = reader.records().next().unwrap().unwrap();
    let cell = |name: &str| record[headers.iter().position(|h| h == name).unwrap()].to_string();
    assert_eq!(cell("input_id"), "'=HYPERLINK(\"http://x\")");
    assert!(
        cell("input_warnings").contains("bidirectional"),
        "{}",
        cell("input_warnings")
    );
    assert!(stderr(&out).contains("\\u{202e}"), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains('\u{202E}'),
        "a raw control on the terminal"
    );

    // A base version that does not exist.
    let out = run(sanctum(dir)
        .arg("screen")
        .arg(&crlf)
        .args(["--changes-since", "us_ofac_sdn:9"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no such version"), "{}", stderr(&out));
}

#[test]
fn a_closed_standard_output_stops_screening_quietly_with_its_exit_code() {
    let Some(data) =
        sdn_store("a_closed_standard_output_stops_screening_quietly_with_its_exit_code")
    else {
        return;
    };
    let input = data.path().join("many.csv");
    let mut text = String::from("id,name\n");
    for i in 0..2000 {
        text.push_str(&format!("{i},Vladimir Putin\n"));
    }
    std::fs::write(&input, text).unwrap();
    let mut child = sanctum(data.path())
        .arg("screen")
        .arg(&input)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end before the first alert is written.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    eprintln!("{err}");
    assert_eq!(out.status.code(), Some(4), "alerts were found");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("standard output closed"), "{err}");
}
