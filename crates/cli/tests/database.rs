//! `--database` / `SANCTUM_DATABASE_URL`: the lists in PostgreSQL, through the binary.

mod common;

use common::{json, run, sanctum};
use sanctum_testkit::postgres::TestDatabase;

fn stdout(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "command failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn migrate_update_and_read_back_through_a_postgresql_database() {
    let test = "migrate_update_and_read_back_through_a_postgresql_database";
    let Some(lists) = sanctum_testkit::shared_lists(test) else {
        return;
    };
    let Some(database) = TestDatabase::create(test) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let url = database.url();

    let first = stdout(&run(sanctum(&data).args(["--database", url, "migrate"])));
    assert!(
        first.starts_with("postgresql store at postgres://")
            && first.contains(&format!(
                "schema version {v}, migrations 1 to {v} applied",
                v = sanctum_store::SCHEMA_VERSION
            )),
        "{first}"
    );
    let again = stdout(&run(sanctum(&data)
        .env("SANCTUM_DATABASE_URL", url)
        .arg("migrate")));
    assert!(
        again.contains(&format!(
            "schema version {}, already up to date",
            sanctum_store::SCHEMA_VERSION
        )),
        "{again}"
    );

    let csl = lists.join("us_csl/consolidated_2022-05.csv.gz");
    let update = run(sanctum(&data)
        .args(["--database", url, "update", "us_csl", "--from"])
        .arg(&csl));
    assert!(
        update.status.success(),
        "{}",
        String::from_utf8_lossy(&update.stderr)
    );

    let in_postgres = json(&run(sanctum(&data).args([
        "--database",
        url,
        "lists",
        "--json",
    ])));
    assert_eq!(in_postgres[0]["source"], "us_csl");
    assert_eq!(in_postgres[0]["version"], 1);
    assert_eq!(in_postgres[0]["parties"], 14_048);
    // The same command through the environment reads the same database.
    let by_env = json(&run(sanctum(&data)
        .env("SANCTUM_DATABASE_URL", url)
        .args(["lists", "--json"])));
    assert_eq!(by_env, in_postgres);
    // Without it, the SQLite file in the data directory: nothing was stored there.
    let in_sqlite = json(&run(sanctum(&data).args(["lists", "--json"])));
    assert_eq!(in_sqlite, serde_json::json!([]));

    let shown = stdout(&run(sanctum(&data).args([
        "--database",
        url,
        "show",
        "us_csl:18741",
    ])));
    assert!(shown.contains("18741"), "{shown}");
    let check = stdout(&run(sanctum(&data).args(["--database", url, "check"])));
    assert!(
        check.starts_with("integrity: ok;") && check.contains("0 orphan records, 0 dangling spans"),
        "{check}"
    );

    // The review tables live in the same database: a user added and the audit trail that
    // records it (user.add, key.create), read back through the database alone (screening a book there is the
    // review crate's suite, on both backends; here it would cost an alignment of the CSL).
    let key = stdout(&run(sanctum(&data).args([
        "--database",
        url,
        "users",
        "add",
        "root",
        "--role",
        "admin",
    ])));
    assert!(key.trim().starts_with("sk_"), "{key}");
    let verified = stdout(&run(sanctum(&data).args([
        "--database",
        url,
        "audit",
        "verify",
    ])));
    assert!(
        verified.starts_with("audit trail intact: 2 entries"),
        "{verified}"
    );
    // Nothing of it in the data directory's SQLite file.
    let in_sqlite = stdout(&run(sanctum(&data).args(["audit", "verify"])));
    assert!(
        in_sqlite.starts_with("audit trail intact: 0 entries"),
        "{in_sqlite}"
    );
}

#[test]
fn an_unreachable_database_fails_naming_the_url_without_its_password() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(sanctum(dir.path()).args([
        "--database",
        "postgres://sanctum:hunter2@127.0.0.1:1/sanctum",
        "lists",
    ]));
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot reach the database postgres://sanctum:***@127.0.0.1:1/sanctum"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");
}
