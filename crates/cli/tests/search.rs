//! `sanctum search NAME…` (the one-line lookup) and `sanctum screen -` (standard input), on
//! a store holding the server's fixture lists (FtM JSON lines: OFAC and UK entries, Putin
//! among them), so that they run without the shared list folder.

mod common;

use common::{json, run, sanctum};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;

fn fixture_store() -> tempfile::TempDir {
    let fixture =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../server/tests/fixtures/lists.ftm.json");
    let data = tempfile::tempdir().unwrap();
    let out = run(sanctum(data.path())
        .arg("update")
        .arg("--from")
        .arg(&fixture));
    assert!(out.status.success(), "{}", stderr(&out));
    data
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn search_ranks_hits_across_the_lists_with_source_program_and_why() {
    let data = fixture_store();
    let body = json(&run(
        sanctum(data.path()).args(["search", "vladimir", "putin", "--json"])
    ));
    assert_eq!(body["query"], "vladimir putin");
    assert_eq!(body["threshold"], 0.7);
    let hits = body["hits"].as_array().expect("hits");
    let ids: Vec<&str> = hits.iter().filter_map(|h| h["id"].as_str()).collect();
    assert_eq!(ids.len(), 2, "{body}");
    assert!(ids.contains(&"us-ofac-sdn-35096"), "{ids:?}");
    assert!(ids.contains(&"gb-hmt-sanctions-14196"), "{ids:?}");
    let ofac = hits
        .iter()
        .find(|h| h["id"] == "us-ofac-sdn-35096")
        .expect("the OFAC record");
    assert_eq!(ofac["programs"], serde_json::json!(["RUSSIA-EO14024"]));
    assert_eq!(ofac["alert"], true);
    assert!(ofac["score"].as_f64().is_some_and(|s| s >= 0.8), "{ofac}");
    let why = ofac["why"].as_str().unwrap_or("");
    assert!(
        why.starts_with("\"vladimir putin\" met the listed name") && !why.contains('\n'),
        "{why}"
    );
    assert_eq!(hits[0]["rank"], 1);
    assert!(hits[0]["score"].as_f64() >= hits[1]["score"].as_f64());

    // The table: one row per hit, with the same facts.
    let out = run(sanctum(data.path()).args(["search", "Vladimir", "Putin", "--limit", "1"]));
    assert!(out.status.success(), "{}", stderr(&out));
    let table = stdout(&out);
    let rows = table
        .lines()
        .filter(|l| l.contains("us-ofac-sdn-35096") || l.contains("gb-hmt-sanctions-14196"))
        .count();
    assert_eq!(rows, 1, "{table}");
    assert!(table.contains(" alert"), "{table}");
    assert!(table.contains("met the listed name"), "{table}");

    // A surname alone scores under the threshold: nothing shown, but how close it came.
    let out = run(sanctum(data.path()).args(["search", "putin"]));
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("scores 0.70 or more"), "{text}");
    assert!(text.contains("the closest: 0.45"), "{text}");
    let body = json(&run(sanctum(data.path()).args([
        "search",
        "putin",
        "--threshold",
        "0.4",
        "--json",
    ])));
    assert_eq!(body["hits"].as_array().map(Vec::len), Some(2), "{body}");
    assert_eq!(body["hits"][0]["alert"], false);

    let body = json(&run(sanctum(data.path()).args([
        "search",
        "zebulon",
        "quaxworth",
        "--json",
    ])));
    assert_eq!(body["hits"], serde_json::json!([]));
}

#[test]
fn search_refuses_what_would_show_nothing_useful() {
    let data = fixture_store();
    for (args, says) in [
        (vec!["search", "putin", "--limit", "0"], "at least 1"),
        (vec!["search", "putin", "--threshold", "80"], "use 0.8"),
        (
            vec!["search", "putin", "--source", "nope"],
            "not in the store",
        ),
        (vec!["search", "  "], "no name"),
    ] {
        let out = run(sanctum(data.path()).args(&args));
        assert!(!out.status.success(), "{args:?} accepted");
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
    let empty = tempfile::tempdir().unwrap();
    let out = run(sanctum(empty.path()).args(["search", "putin"]));
    assert!(!out.status.success());
    assert!(stderr(&out).contains("sanctum update"), "{}", stderr(&out));
}

fn screen_stdin(data: &Path, input: &str, extra: &[&str]) -> std::process::Output {
    let mut child = sanctum(data)
        .args(["screen", "-", "--no-fetch"])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sanctum runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("sanctum ends");
    eprintln!("{}{}", stdout(&out), stderr(&out));
    out
}

#[test]
fn screen_reads_csv_or_json_lines_from_standard_input() {
    let data = fixture_store();
    let alerts = |out: &std::process::Output| -> Vec<serde_json::Value> {
        stdout(out)
            .lines()
            .map(|l| serde_json::from_str(l).expect("an alert record"))
            .collect()
    };
    let out = screen_stdin(
        data.path(),
        "id,name,birth_date\nc1,Vladimir Putin,1952-10-07\nc2,John Smith,\n",
        &[],
    );
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let found = alerts(&out);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.iter().all(|a| a["input_id"] == "c1"), "{found:?}");
    assert!(stderr(&out).contains("rows read 2"), "{}", stderr(&out));

    // JSON lines, told apart by the first character.
    let out = screen_stdin(
        data.path(),
        "\n{\"id\":\"j1\",\"name\":\"Vladimir Putin\"}\n",
        &[],
    );
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(alerts(&out).iter().all(|a| a["input_id"] == "j1"));

    // A bad row is named by its line in standard input.
    let out = screen_stdin(
        data.path(),
        "name\nVladimir Putin\n\"broken\n",
        &["--strict"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("standard input"), "{}", stderr(&out));

    // A workbook cannot come through a pipe.
    let out = screen_stdin(data.path(), "", &["--input-format", "xlsx"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cannot be read from standard input"),
        "{}",
        stderr(&out)
    );
}
