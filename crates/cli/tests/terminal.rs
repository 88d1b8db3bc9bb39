//! What reaches a terminal: a closed standard output ends a command quietly, and control
//! characters in listed names are escaped in tables and cards.

mod common;

use common::{run, sanctum};
use std::process::Stdio;

/// An OFAC SDN CSV of three parties whose names carry a terminal escape (ESC [31m), a
/// right-to-left override (U+202E) and an OSC title sequence.
fn hostile_sdn(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let row = |id: u32, name: &str| {
        format!("{id},\"{name}\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n")
    };
    let first = format!(
        "{}{}\x1a",
        row(36, "EVIL\x1b[31m RED \u{202E} CORP"),
        row(173, "ANGLO-CARIBBEAN CO., LTD.")
    );
    let second = format!(
        "{}{}{}\x1a",
        row(36, "EVIL\x1b[31m RED \u{202E} CORP"),
        row(173, "ANGLO-CARIBBEAN CO., LTD."),
        row(37, "NEW\x1b]0;pwned\x07 CO")
    );
    let (a, b) = (dir.join("v1"), dir.join("v2"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    std::fs::write(a.join("sdn.csv"), first).unwrap();
    std::fs::write(b.join("sdn.csv"), second).unwrap();
    (a.join("sdn.csv"), b.join("sdn.csv"))
}

#[test]
fn control_characters_in_listed_names_are_escaped_in_tables_and_cards() {
    let data = tempfile::tempdir().unwrap();
    let (v1, v2) = hostile_sdn(data.path());
    for file in [&v1, &v2] {
        let out = run(sanctum(data.path())
            .args(["update", "us_ofac_sdn", "--from"])
            .arg(file));
        assert!(out.status.success());
    }
    for args in [
        &["show", "us_ofac_sdn:36", "--no-links"][..],
        &["diff", "us_ofac_sdn"],
        &["lists"],
    ] {
        let out = run(sanctum(data.path()).args(args));
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            !text.contains(['\x1b', '\x07', '\u{202E}']),
            "{args:?} printed a raw control: {text:?}"
        );
        if args[0] != "lists" {
            assert!(text.contains("\\u{1b}"), "{args:?}: {text}");
        }
    }
    // JSON keeps the names as they are, escaped by JSON itself.
    let out = run(sanctum(data.path()).args(["show", "us_ofac_sdn:36", "--no-links", "--json"]));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(json["entity"].to_string().contains("\\u001b[31m"), "{json}");
}

#[test]
fn a_closed_standard_output_ends_commands_quietly() {
    let data = tempfile::tempdir().unwrap();
    let (v1, v2) = hostile_sdn(data.path());
    let out = run(sanctum(data.path())
        .args(["update", "us_ofac_sdn", "--from"])
        .arg(&v1));
    assert!(out.status.success());
    let closed = |args: &[&str]| {
        let mut child = sanctum(data.path())
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        child.wait_with_output().unwrap()
    };
    for args in [
        &["lists"][..],
        &["lists", "--json"],
        &["show", "us_ofac_sdn:36", "--no-links"],
        &["export"],
        &["check"],
    ] {
        let out = closed(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
    }
    // `update` goes on ingesting after its first progress line fails to print: both
    // publications of a directory are stored.
    let both = data.path().join("both");
    std::fs::create_dir_all(&both).unwrap();
    std::fs::copy(&v1, both.join("sdn_2024-01-01.csv")).unwrap();
    std::fs::copy(&v2, both.join("sdn_2024-02-01.csv")).unwrap();
    let fresh = tempfile::tempdir().unwrap();
    let mut child = sanctum(fresh.path())
        .args(["update", "us_ofac_sdn", "--from"])
        .arg(&both)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert!(out.status.success(), "{err}");
    let lists = run(sanctum(fresh.path()).args(["lists", "--json"]));
    let json: serde_json::Value = serde_json::from_slice(&lists.stdout).unwrap();
    assert_eq!(json[0]["version"], 2, "the second publication was stored");
}
