//! A `book screen` killed mid-run leaves whole chunks only, and the next one resumes it.

mod common;

use common::{run, sanctum};
use sanctum_testkit::shared_lists;
use std::time::{Duration, Instant};

#[test]
fn a_killed_book_screening_is_resumed_from_its_last_chunk() {
    let Some(lists) = shared_lists("a_killed_book_screening_is_resumed_from_its_last_chunk") else {
        return;
    };
    let data = tempfile::tempdir().expect("temp dir");
    let data = data.path();
    let out = run(sanctum(data)
        .args(["update", "us_ofac_sdn", "--from"])
        .arg(lists.join("ofac_sdn_csv/sdn_2022-02-17.csv")));
    assert!(out.status.success());
    let customers = data.join("customers.csv");
    let out = run(sanctum(data)
        .args(["screen-tools", "customers", "--rows", "40000", "-o"])
        .arg(&customers));
    assert!(out.status.success());
    let out = run(sanctum(data).args(["users", "add", "root", "--role", "admin"]));
    let root = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let out = run(sanctum(data)
        .env("SANCTUM_KEY", &root)
        .args(["users", "add", "ana", "--role", "analyst"]));
    let ana = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let out = run(sanctum(data)
        .env("SANCTUM_KEY", &ana)
        .args(["book", "import", "--no-screen"])
        .arg(&customers));
    assert!(out.status.success());

    let mut child = sanctum(data)
        .env("SANCTUM_KEY", &ana)
        .args(["book", "screen"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let db = rusqlite::Connection::open(data.join("sanctum.db")).expect("sqlite");
    db.busy_timeout(Duration::from_secs(30)).expect("timeout");
    let started = Instant::now();
    let progress = |db: &rusqlite::Connection| -> Option<(i64, i64)> {
        db.query_row(
            "SELECT customers, alerts_created FROM runs WHERE status = 'running' AND resume_after IS NOT NULL",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .ok()
    };
    while progress(&db).is_none() {
        assert!(
            child.try_wait().expect("wait").is_none(),
            "the run ended before a chunk could be seen: make the book larger"
        );
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "no chunk committed"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().expect("kill");
    child.wait().expect("reap");

    // Whole chunks only: the run's counts are the alerts stored.
    let (screened, created) = progress(&db).expect("the run is left running");
    assert!(screened > 0 && screened < 40_000, "{screened}");
    assert_eq!(screened % 10_000, 0, "whole chunks of 10,000: {screened}");
    let stored: i64 = db
        .query_row("SELECT COUNT(*) FROM alerts", [], |r| r.get(0))
        .expect("count");
    assert_eq!(stored, created);

    let out = run(sanctum(data)
        .env("SANCTUM_KEY", &ana)
        .args(["book", "screen"]));
    assert!(out.status.success());
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.starts_with("run 1 (full"),
        "the same run resumed: {said}"
    );
    let (customers_done, status): (i64, String) = db
        .query_row("SELECT customers, status FROM runs WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("run");
    let book_size: i64 = db
        .query_row(
            "SELECT COUNT(*) FROM customers WHERE closed_at IS NULL",
            [],
            |r| r.get(0),
        )
        .expect("book");
    assert_eq!((customers_done, status.as_str()), (book_size, "done"));
    let out = run(sanctum(data).args(["audit", "verify"]));
    assert!(out.status.success());
}
