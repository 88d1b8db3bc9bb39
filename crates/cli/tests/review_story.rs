//! The acceptance story of alert review on the real 2022 SDN snapshots: a book with names
//! first listed on 2022-02-25 and 2022-03-24 and a namesake of a party listed long before;
//! the namesake cleared under four eyes; each update re-screens the book as a delta; the
//! cleared pair stays quiet until its listed party is amended (Timchenko, 2022-03-24: full
//! name, RUSSIA-EO14024, tax id), then comes back with what changed.

mod common;

use common::{run, sanctum};
use sanctum_testkit::shared_lists;
use std::path::Path;

fn update(data: &Path, file: &Path) -> String {
    let out = run(sanctum(data)
        .args(["update", "us_ofac_sdn", "--from"])
        .arg(file));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn alerts(data: &Path) -> Vec<serde_json::Value> {
    let out = run(sanctum(data).args(["alerts", "list", "--format", "json"]));
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn alert_of<'a>(alerts: &'a [serde_json::Value], customer: &str) -> Option<&'a serde_json::Value> {
    alerts.iter().find(|a| a["customer_id"] == customer)
}

fn user(data: &Path, admin: Option<&str>, name: &str, role: &str) -> String {
    let mut cmd = sanctum(data);
    cmd.args(["users", "add", name, "--role", role]);
    if let Some(key) = admin {
        cmd.env("SANCTUM_KEY", key);
    }
    let out = run(&mut cmd);
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn act(data: &Path, key: &str, args: &[&str]) {
    let out = run(sanctum(data).env("SANCTUM_KEY", key).args(args));
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_book_screened_through_the_2022_sdn_updates() {
    let Some(lists) = shared_lists("a_book_screened_through_the_2022_sdn_updates") else {
        return;
    };
    let dir = lists.join("ofac_sdn_csv");
    let data = tempfile::tempdir().expect("temp dir");
    let data = data.path();
    update(data, &dir.join("sdn_2022-02-17.csv"));
    let root = user(data, None, "root", "admin");
    let ana = user(data, Some(&root), "ana", "analyst");
    let rex = user(data, Some(&root), "rex", "reviewer");

    let customers = data.join("book.csv");
    std::fs::write(
        &customers,
        "id,name,country\n\
         feb25,Andrey Sergeyevich Puchkov,RU\n\
         mar24,Khusein Merlovich Khutaev,RU\n\
         namesake,Gennady Timchenko,FI\n\
         plain,Margarethe Vollmer,DE\n",
    )
    .expect("write");
    act(
        data,
        &ana,
        &["book", "import", customers.to_str().expect("path")],
    );
    let now = alerts(data);
    let namesake = alert_of(&now, "namesake").expect("the namesake alerts");
    assert!(
        alert_of(&now, "feb25").is_none(),
        "not listed yet: {now:#?}"
    );
    assert!(alert_of(&now, "mar24").is_none(), "not listed yet");
    assert!(alert_of(&now, "plain").is_none());
    let id = namesake["id"].to_string();

    act(data, &ana, &["alerts", "claim", &id]);
    act(
        data,
        &ana,
        &[
            "alerts",
            "propose",
            &id,
            "--decision",
            "false_positive",
            "--reason",
            "birth_date_differs",
        ],
    );
    act(data, &rex, &["alerts", "approve", &id]);

    // 2022-02-25: the newly listed name alerts; the cleared namesake stays closed.
    let said = update(data, &dir.join("sdn_2022-02-25.csv"));
    assert!(said.contains("(delta, book main)"), "{said}");
    let now = alerts(data);
    assert!(alert_of(&now, "feb25").is_some(), "{now:#?}");
    assert_eq!(
        alert_of(&now, "namesake").expect("alert")["state"],
        "closed"
    );
    assert!(alert_of(&now, "mar24").is_none());

    // 2022-03-24 amends Timchenko's record: the cleared pair comes back, with the diff.
    update(data, &dir.join("sdn_2022-03-24.csv"));
    let now = alerts(data);
    assert!(alert_of(&now, "mar24").is_some(), "{now:#?}");
    let again = alert_of(&now, "namesake").expect("alert");
    assert_eq!(again["state"], "reopened");
    assert_eq!(again["cause"], "listed_changed");
    let added = &again["changes"]["listed"]["programs"]["added"];
    assert_eq!(added, &serde_json::json!(["RUSSIA-EO14024"]), "{again:#}");

    let out = run(sanctum(data).args(["audit", "verify"]));
    assert!(out.status.success());
    let raw = rusqlite::Connection::open(data.join("sanctum.db")).expect("sqlite");
    raw.execute_batch(
        "DROP TRIGGER audit_no_update;
         UPDATE audit SET payload = '{}' WHERE seq = 5;",
    )
    .expect("tamper");
    let out = run(sanctum(data).args(["audit", "verify"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("entry 5"));
}
