//! The command line itself: help, bad arguments, strict and lenient reading of bad rows.

mod common;

use common::{json, run, sanctum};

#[test]
fn every_command_has_help() {
    let data = tempfile::tempdir().unwrap();
    for command in [
        &[][..],
        &["update"],
        &["lists"],
        &["diff"],
        &["show"],
        &["export"],
        &["check"],
    ] {
        let out = run(sanctum(data.path()).args(command).arg("--help"));
        assert!(out.status.success(), "{command:?} --help");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Usage:"),
            "{command:?}"
        );
    }
}

#[test]
fn bad_arguments_are_clear_errors() {
    let data = tempfile::tempdir().unwrap();
    let out = run(sanctum(data.path()).args(["update", "no_such_list"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown source \"no_such_list\""));
    let out = run(sanctum(data.path()).args(["update", "--from", "/no/such/path"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/path"));
    let out = run(sanctum(data.path()).args(["diff", "us_ofac_sdn"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("us_ofac_sdn has no version"));
    let out = run(sanctum(data.path()).args(["show", "us_ofac_sdn:1"]));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no party us_ofac_sdn:1"));
}

/// Three parties; line 3 has a non-numeric ent_num.
const SDN_WITH_A_BAD_ROW: &str = "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\
173,\"ANGLO-CARIBBEAN CO., LTD.\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\
X306,\"BANCO NACIONAL DE CUBA\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"a.k.a. 'BNC'.\"\r\n\
424,\"BOUTIQUE LA MAISON\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\x1a";

#[test]
fn a_bad_row_rejects_the_publication_unless_lenient() {
    let data = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sdn.csv");
    std::fs::write(&file, SDN_WITH_A_BAD_ROW).unwrap();
    let out = run(sanctum(data.path()).args(["update", "--from"]).arg(&file));
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{}:3:", file.display())),
        "file and line named: {stderr}"
    );
    assert_eq!(
        json(&run(sanctum(data.path()).args(["lists", "--json"])))
            .as_array()
            .map(Vec::len),
        Some(0)
    );

    let out = run(sanctum(data.path())
        .args(["update", "--lenient", "--from"])
        .arg(&file));
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("skipped") && stderr.contains(&format!("{}:3:", file.display())),
        "{stderr}"
    );
    let listed = json(&run(sanctum(data.path()).args(["lists", "--json"])));
    assert_eq!(listed[0]["parties"], 3);
}
