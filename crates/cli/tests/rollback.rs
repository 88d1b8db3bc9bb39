//! Going back to an earlier list through the binary: a publisher's A→B→A, an older file
//! with `--force`, and `sanctum rollback`. Small FtM files written here, so these run on
//! every machine.

mod common;

use common::{json, run, sanctum};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// An FtM JSON-lines publication of `count` persons numbered from 1; `renamed` gives
/// person 2 another name (an amendment).
fn ftm_list(count: usize, renamed: bool) -> String {
    (1..=count)
        .map(|i| {
            let name = if i == 2 && renamed {
                "Person Number Two".to_string()
            } else {
                format!("Person Number {i}")
            };
            format!(
                "{{\"id\":\"p{i}\",\"schema\":\"Person\",\"properties\":{{\"name\":[\"{name}\"]}}}}\n"
            )
        })
        .collect()
}

/// Writes a file with a fixed modification time (the date of a file with none in its name
/// or content), so that the test does not depend on the day it runs.
fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    let file = std::fs::File::options().write(true).open(&path).unwrap();
    // 2025-01-10T12:00:00Z
    file.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(1_736_510_400))
        .unwrap();
    path
}

/// A: persons 1-20. B: person 2 renamed, person 20 gone, person 21 new.
fn files(dir: &Path, a_name: &str, b_name: &str) -> (PathBuf, PathBuf) {
    let a = write(dir, a_name, &ftm_list(20, false));
    let mut b_text: String = ftm_list(19, true);
    b_text.push_str(
        "{\"id\":\"p21\",\"schema\":\"Person\",\"properties\":{\"name\":[\"Person Twenty One\"]}}\n",
    );
    let b = write(dir, b_name, &b_text);
    (a, b)
}

fn update(data: &Path, file: &Path, force: bool) -> std::process::Output {
    let mut cmd = sanctum(data);
    cmd.args(["update", "ftm"]);
    if force {
        cmd.arg("--force");
    }
    run(cmd.arg("--from").arg(file))
}

fn current(data: &Path) -> (u64, u64) {
    let listed = json(&run(sanctum(data).args(["lists", "--json"])));
    (
        listed[0]["version"].as_u64().unwrap(),
        listed[0]["parties"].as_u64().unwrap(),
    )
}

fn ids(diff: &serde_json::Value, change: &str) -> Vec<String> {
    diff[change]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["source_id"].as_str().unwrap().to_string())
        .collect()
}

/// The diff from version `from` to `to`: (added, removed, amended) ids.
fn diff(data: &Path, from: u64, to: u64) -> (Vec<String>, Vec<String>, Vec<String>) {
    let d = json(&run(sanctum(data).args([
        "diff",
        "ftm",
        "--from",
        &from.to_string(),
        "--to",
        &to.to_string(),
        "--json",
    ])));
    (ids(&d, "added"), ids(&d, "removed"), ids(&d, "amended"))
}

fn s(list: &[&str]) -> Vec<String> {
    list.iter().map(|x| x.to_string()).collect()
}

#[test]
fn a_publishers_revert_from_b_to_a_makes_a_current_again() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (a, b) = files(dir.path(), "a.ftm.json", "b.ftm.json");
    assert!(update(&data, &a, false).status.success());
    assert!(update(&data, &b, false).status.success());
    assert_eq!(current(&data), (2, 20));

    // The publisher serves A's file again (same bytes, same date as B).
    let out = update(&data, &a, false);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("version 3") && stdout.contains("the file of version 1 again"),
        "{stdout}"
    );
    assert_eq!(current(&data), (3, 20));
    assert_eq!(diff(&data, 2, 3), (s(&["p20"]), s(&["p21"]), s(&["p2"])));
    assert_eq!(diff(&data, 1, 3), (vec![], vec![], vec![]));

    // A's file again is now the current one: recognised, nothing stored.
    let out = update(&data, &a, false);
    assert!(String::from_utf8_lossy(&out.stdout).contains("unchanged"));
    assert_eq!(current(&data), (3, 20));
}

#[test]
fn an_older_stored_file_is_kept_as_history_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (a, b) = files(
        dir.path(),
        "list_2025-01-10.ftm.json",
        "list_2025-02-10.ftm.json",
    );
    assert!(update(&data, &a, false).status.success());
    assert!(update(&data, &b, false).status.success());

    // Dated before the current version: history ingested again, not a revert.
    let out = update(&data, &a, false);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("already stored as version 1")
            && stdout.contains("stays current")
            && stdout.contains("sanctum rollback ftm 1"),
        "{stdout}"
    );
    assert_eq!(current(&data), (2, 20));

    // --force makes it current again, as version 3 with A's parties.
    let out = update(&data, &a, true);
    assert!(out.status.success());
    assert_eq!(current(&data), (3, 20));
    assert_eq!(diff(&data, 2, 3), (s(&["p20"]), s(&["p21"]), s(&["p2"])));

    // --force stores even the current file again.
    assert!(update(&data, &a, true).status.success());
    assert_eq!(current(&data), (4, 20));
    assert_eq!(diff(&data, 3, 4), (vec![], vec![], vec![]));
}

#[test]
fn rollback_makes_an_earlier_version_current_and_prints_the_diff() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (a, b) = files(dir.path(), "a.ftm.json", "b.ftm.json");
    assert!(update(&data, &a, false).status.success());
    assert!(update(&data, &b, false).status.success());

    let out = run(sanctum(&data).args(["rollback", "ftm", "1"]));
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("version 3 restores the parties of version 1")
            && stdout.contains("+1 added, -1 removed, ~1 amended")
            && stdout.contains("Person Number 20")
            && stdout.contains("Person Twenty One"),
        "{stdout}"
    );
    assert_eq!(current(&data), (3, 20));
    assert_eq!(diff(&data, 2, 3), (s(&["p20"]), s(&["p21"]), s(&["p2"])));
    // Nothing deleted: the rolled-back version is still there to compare with.
    assert_eq!(diff(&data, 1, 2), (s(&["p21"]), s(&["p20"]), s(&["p2"])));
    assert!(run(sanctum(&data).arg("check")).status.success());

    // The diff as JSON; a second rollback to the same parties stores nothing.
    let out = run(sanctum(&data).args(["rollback", "ftm", "2", "--json"]));
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (
            printed["from"]["version"].as_u64(),
            printed["to"]["version"].as_u64()
        ),
        (Some(3), Some(4))
    );
    let out = run(sanctum(&data).args(["rollback", "ftm", "2"]));
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("nothing stored"));
    assert_eq!(current(&data), (4, 20));
}

#[test]
fn rollback_to_an_unknown_source_or_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (a, b) = files(dir.path(), "a.ftm.json", "b.ftm.json");
    assert!(update(&data, &a, false).status.success());
    assert!(update(&data, &b, false).status.success());
    for (args, needle) in [
        (["rollback", "us_ofac_sdn", "1"], "no version stored"),
        (["rollback", "ftm", "9"], "has no version 9"),
        (["rollback", "ftm", "0"], "has no version 0"),
        (["rollback", "ftm", "soon"], "not a version"),
    ] {
        let out = run(sanctum(&data).args(args));
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    }
    assert_eq!(current(&data), (2, 20));
}

/// `sanctum keys create` is often the first command on a new machine: the data directory it
/// creates is private too (the store files in it are 0600, see the store's tests).
#[test]
fn the_data_directory_is_created_private() {
    let dir = tempfile::tempdir().unwrap();
    for (command, data) in [
        (
            vec!["keys", "create", "--name", "ops", "--scope", "read"],
            dir.path().join("keys"),
        ),
        (vec!["lists"], dir.path().join("lists")),
    ] {
        let out = run(sanctum(&data).args(&command));
        assert!(out.status.success(), "{command:?}");
        let mode = std::fs::metadata(&data).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "{command:?}");
    }
}
