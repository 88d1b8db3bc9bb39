//! Alert review through the binary: users and keys, a book imported and screened, four
//! eyes refused at the command line, two processes deciding one alert, the audit trail.

mod common;

use common::{run, sanctum};
use sanctum_model::{Entity, EntityKind, Name, NameKind};
use sanctum_store::{IngestPolicy, NewVersion, Store};
use std::path::Path;
use std::process::Output;

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

/// Stores one SDN version listing Ivan Petrovich Sidorov.
fn store_fixture(data: &Path) {
    let mut store = Store::open(data).expect("store");
    let mut e = Entity::new("us_ofac_sdn", "100", EntityKind::Person);
    e.names
        .push(Name::new("SIDOROV, Ivan Petrovich", NameKind::Primary));
    e.designations.push(
        serde_json::from_value(serde_json::json!(
            {"authority": "US OFAC", "list": "SDN", "programs": ["RUSSIA-EO14024"]}
        ))
        .expect("designation"),
    );
    let new = NewVersion {
        source: "us_ofac_sdn".into(),
        published: Some("2022-02-17".parse().expect("date")),
        fetched_at: "2022-02-17T12:00:00Z".into(),
        sha256: "a".repeat(64),
        file_name: "sdn.csv".into(),
    };
    store
        .ingest(new, vec![e], &IngestPolicy::default())
        .expect("ingest");
}

/// `sanctum` acting with a key (none: the variable removed).
fn acting(data: &Path, key: Option<&str>) -> std::process::Command {
    let mut cmd = sanctum(data);
    match key {
        Some(k) => cmd.env("SANCTUM_KEY", k),
        None => cmd.env_remove("SANCTUM_KEY"),
    };
    cmd
}

fn add_user(data: &Path, admin: Option<&str>, name: &str, role: &str) -> String {
    let out = run(acting(data, admin).args(["users", "add", name, "--role", role]));
    assert!(out.status.success(), "users add {name}: {}", stderr(&out));
    let key = stdout(&out);
    assert!(
        key.starts_with("sk_") && !key.contains(char::is_whitespace),
        "the key alone on stdout: {key:?}"
    );
    key
}

fn alert_state(data: &Path, id: u32) -> String {
    let out = run(sanctum(data).args(["alerts", "show", &id.to_string()]));
    assert!(out.status.success(), "{}", stderr(&out));
    let card: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    card["alert"]["state"].as_str().expect("state").to_string()
}

#[test]
fn four_eyes_are_enforced_at_the_command_line() {
    let data = tempfile::tempdir().expect("temp dir");
    let data = data.path();
    store_fixture(data);

    // The first admin needs no key; the next user does.
    let root = add_user(data, None, "root", "admin");
    let out = run(acting(data, None).args(["users", "add", "ana", "--role", "analyst"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("admin's key"), "{}", stderr(&out));
    let ana = add_user(data, Some(&root), "ana", "analyst");
    let rex = add_user(data, Some(&root), "rex", "reviewer");
    let rita = add_user(data, Some(&root), "rita", "reviewer");
    let out = run(acting(data, Some(&ana)).args(["users", "add", "eve", "--role", "admin"]));
    assert_eq!(out.status.code(), Some(1), "an analyst adds no user");

    let customers = data.join("customers.csv");
    std::fs::write(
        &customers,
        "id,name\nc1,Ivan Petrovich Sidorov\nc2,Sidorov Ivan Petrovich\nc3,Ivan P Sidorov\nc4,Maria Lopez\n",
    )
    .expect("write");
    let out = run(acting(data, None).args(["book", "import"]).arg(&customers));
    assert_eq!(out.status.code(), Some(1), "no key: refused");
    assert!(stderr(&out).contains("SANCTUM_KEY"), "{}", stderr(&out));
    let out = run(acting(data, Some(&ana))
        .args(["book", "import"])
        .arg(&customers));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("3 new alerts"), "{}", stdout(&out));

    // Alert 1: ana proposes, rex approves.
    let out = run(acting(data, None).args(["alerts", "claim", "1"]));
    assert_eq!(out.status.code(), Some(1), "no key: refused");
    for args in [
        vec!["alerts", "claim", "1"],
        vec![
            "alerts",
            "propose",
            "1",
            "--decision",
            "false_positive",
            "--reason",
            "birth_date_differs",
        ],
    ] {
        let out = run(acting(data, Some(&ana)).args(&args));
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
    let out = run(acting(data, Some(&ana)).args(["alerts", "approve", "1"]));
    assert_eq!(out.status.code(), Some(1), "an analyst does not approve");
    assert_eq!(alert_state(data, 1), "proposed");
    let out = run(acting(data, Some(&rex)).args(["alerts", "approve", "1"]));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "alert 1: proposed -> closed");

    // Alert 2: rex proposes and may not approve his own proposal; rita may.
    for args in [
        vec!["alerts", "claim", "2"],
        vec![
            "alerts",
            "propose",
            "2",
            "--decision",
            "false_positive",
            "--reason",
            "other",
        ],
    ] {
        let out = run(acting(data, Some(&rex)).args(&args));
        if args[1] == "propose" {
            assert_eq!(out.status.code(), Some(1), "`other` needs a comment");
            assert!(stderr(&out).contains("comment"), "{}", stderr(&out));
        } else {
            assert!(out.status.success(), "{}", stderr(&out));
        }
    }
    let out = run(acting(data, Some(&rex)).args([
        "alerts",
        "propose",
        "2",
        "--decision",
        "false_positive",
        "--reason",
        "other",
        "--comment",
        "a different man, KYC file 17",
    ]));
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(acting(data, Some(&rex)).args(["alerts", "approve", "2"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("four eyes"), "{}", stderr(&out));
    assert_eq!(alert_state(data, 2), "proposed", "nothing changed");
    let out = run(acting(data, Some(&rita)).args(["alerts", "approve", "2"]));
    assert!(out.status.success(), "{}", stderr(&out));

    // Alert 3: two reviewers approve at once; exactly one wins.
    for args in [
        vec!["alerts", "claim", "3"],
        vec![
            "alerts",
            "propose",
            "3",
            "--decision",
            "true_match",
            "--comment",
            "same person",
        ],
    ] {
        let out = run(acting(data, Some(&ana)).args(&args));
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let children: Vec<_> = [&rex, &rita]
        .into_iter()
        .map(|key| {
            acting(data, Some(key))
                .args(["alerts", "approve", "3"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    let outcomes: Vec<Output> = children
        .into_iter()
        .map(|c| c.wait_with_output().expect("wait"))
        .collect();
    let wins = outcomes.iter().filter(|o| o.status.success()).count();
    assert_eq!(wins, 1, "exactly one approval lands: {outcomes:?}");
    let loser = outcomes
        .iter()
        .find(|o| !o.status.success())
        .expect("loser");
    assert!(stderr(loser).contains("closed"), "{}", stderr(loser));
    let out = run(sanctum(data).args(["report", "ofac-blocked", "3", "--format", "json"]));
    assert!(out.status.success(), "{}", stderr(&out));

    // The trail verifies, has a head, and names an edited row.
    let out = run(sanctum(data).args(["audit", "verify"]));
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(sanctum(data).args(["audit", "head"]));
    let head = stdout(&out);
    assert!(
        head.split(' ').nth(1).is_some_and(|h| h.len() == 64),
        "{head}"
    );
    let out = run(sanctum(data).args(["audit", "export", "--from", "2", "--to", "3"]));
    assert_eq!(stdout(&out).lines().count(), 2);
    let raw = rusqlite::Connection::open(data.join("sanctum.db")).expect("sqlite");
    raw.execute_batch(
        "DROP TRIGGER audit_no_update;
         UPDATE audit SET actor = 'ana' WHERE kind = 'alert.approve' AND subject = 'alert:1';",
    )
    .expect("tamper");
    let seq: i64 = raw
        .query_row(
            "SELECT seq FROM audit WHERE kind = 'alert.approve' AND subject = 'alert:1'",
            [],
            |r| r.get(0),
        )
        .expect("seq");
    let out = run(sanctum(data).args(["audit", "verify"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!("entry {seq}")),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_held_message_is_recorded_as_a_case_and_blocked_under_four_eyes() {
    let data = tempfile::tempdir().expect("temp dir");
    let data = data.path();
    store_fixture(data);
    let root = add_user(data, None, "root", "admin");
    let ana = add_user(data, Some(&root), "ana", "analyst");
    let rex = add_user(data, Some(&root), "rex", "reviewer");
    let message = data.join("mt103.fin");
    std::fs::write(
        &message,
        "{1:F01BANKDEFFAXXX0000000000}{2:I103BANKBEBBXXXXN}{4:\r\n:20:PAY-7\r\n:23B:CRED\r\n:32A:220301EUR100,\r\n:50K:/DE89370400440532013000\r\nHANS MUELLER\r\nDE/DUESSELDORF\r\n:59:/BE71096123456769\r\nIVAN PETROVICH SIDOROV\r\nBRUSSELS\r\n:71A:SHA\r\n-}",
    )
    .expect("message file");
    let screen = || {
        let out = run(sanctum(data)
            .args(["message", "screen"])
            .arg(&message)
            .arg("--record"));
        assert_eq!(out.status.code(), Some(4), "held: {}", stderr(&out));
        let verdict: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON line");
        assert_eq!(verdict["decision"], "hold");
        (
            verdict["case"].as_u64().expect("a case id"),
            verdict["case_created"].clone(),
        )
    };
    let (case, created) = screen();
    assert_eq!(created, true);
    assert_eq!(screen(), (case, serde_json::json!(false)), "recorded once");
    let id = case.to_string();
    let card = run(sanctum(data).args(["alerts", "show", &id]));
    let card: serde_json::Value = serde_json::from_slice(&card.stdout).expect("card");
    assert_eq!(card["alert"]["book"], "payments");
    assert_eq!(card["payment"]["reference"], "PAY-7");

    let out = run(acting(data, Some(&ana)).args(["alerts", "claim", &id]));
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(acting(data, Some(&ana)).args([
        "alerts",
        "propose",
        &id,
        "--decision",
        "true_match",
        "--comment",
        "x",
    ]));
    assert!(!out.status.success(), "a customer's decision on a payment");
    let out = run(acting(data, Some(&ana)).args([
        "alerts",
        "propose",
        &id,
        "--decision",
        "block",
        "--comment",
        "the listed person",
    ]));
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(acting(data, Some(&ana)).args(["alerts", "approve", &id]));
    assert!(!out.status.success(), "an analyst does not approve");
    let out = run(acting(data, Some(&rex)).args(["alerts", "approve", &id]));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(alert_state(data, case as u32), "closed");
    let out = run(sanctum(data).args(["report", "ofac-blocked", &id, "--format", "json"]));
    assert!(out.status.success(), "{}", stderr(&out));
    let draft: serde_json::Value = serde_json::from_slice(&out.stdout).expect("draft");
    assert_eq!(draft["report"], "blocked_property");
    assert!(draft["due"].as_str().expect("due") > draft["blocked_on"].as_str().expect("day"));
}
