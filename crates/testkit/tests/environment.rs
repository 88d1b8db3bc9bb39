//! `shared_lists` as the test suites call it, reading the real environment: this binary runs
//! itself as a child with `CI` set or not and `SANCTUM_SHARED_LISTS` naming an absent folder.

use sanctum_testkit::{CI_ENV, LISTS_ENV, shared_lists};
use std::process::{Command, Output};

const CHILD: &str = "child_looks_for_the_shared_lists";
const CHILD_ENV: &str = "SANCTUM_TESTKIT_CHILD";

#[test]
#[ignore = "child process of the tests below"]
fn child_looks_for_the_shared_lists() {
    if std::env::var_os(CHILD_ENV).is_none() {
        return;
    }
    assert_eq!(shared_lists("the_child"), None);
    println!("SKIPPED AND RETURNED");
}

fn child(ci: Option<&str>) -> Output {
    let absent = absent_dir();
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", CHILD, "--ignored", "--nocapture"])
        .env(CHILD_ENV, "1")
        .env(LISTS_ENV, &absent);
    match ci {
        Some(value) => cmd.env(CI_ENV, value),
        None => cmd.env_remove(CI_ENV),
    };
    cmd.output().unwrap()
}

/// A path that does not exist (a child of this crate's manifest, never created).
fn absent_dir() -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("no-such-shared-lists");
    assert!(!dir.exists());
    dir
}

#[test]
fn absent_lists_with_ci_set_fail_the_test() {
    let out = child(Some("true"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("the_child: the shared list folder")
            && stderr.contains("no-such-shared-lists")
            && stderr.contains("CI is set"),
        "{stderr}"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("SKIPPED AND RETURNED"));
}

#[test]
fn absent_lists_without_ci_skip_with_a_notice() {
    for ci in [None, Some("false")] {
        let out = child(ci);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{ci:?}: {stderr}");
        assert!(
            stderr.contains("SKIP the_child: shared list folder"),
            "{ci:?}: {stderr}"
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("SKIPPED AND RETURNED"));
    }
}
