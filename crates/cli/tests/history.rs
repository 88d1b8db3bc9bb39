//! The OFAC SDN history of early 2022, ingested snapshot by snapshot through the binary.

mod common;

use common::{json, link_dir, run, sanctum};
use sanctum_testkit::shared_lists;
use std::path::PathBuf;

/// The 2022 snapshots in date order, with the (added, removed) deltas of README's table.
const SNAPSHOTS: &[(&str, usize, usize, usize)] = &[
    ("sdn_2022-01-31.csv", 9052, 0, 0),
    ("sdn_2022-02-17.csv", 9056, 4, 0),
    ("sdn_2022-02-23T0152.csv", 9108, 52, 0),
    ("sdn_2022-02-24T0152.csv", 9123, 15, 0),
    ("sdn_2022-02-25.csv", 9214, 91, 0),
    ("sdn_2022-02-28.csv", 9222, 8, 0),
    ("sdn_2022-03-04.csv", 9318, 96, 0),
    ("sdn_2022-03-12.csv", 9361, 43, 0),
    ("sdn_2022-03-24.csv", 9793, 433, 1),
    ("sdn_2022-04-06.csv", 9929, 137, 1),
    ("sdn_2022-05-06.csv", 10026, 126, 29),
    ("sdn_2022-05-08.csv", 10150, 124, 0),
];

fn snapshot_files(lists: &std::path::Path) -> Vec<PathBuf> {
    SNAPSHOTS
        .iter()
        .map(|(f, ..)| lists.join("ofac_sdn_csv").join(f))
        .collect()
}

#[test]
fn twelve_snapshots_in_date_order_give_the_published_deltas() {
    let Some(lists) = shared_lists("twelve_snapshots_in_date_order_give_the_published_deltas")
    else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let from = link_dir(&snapshot_files(&lists));
    let out = run(sanctum(data.path())
        .args(["update", "us_ofac_sdn", "--from"])
        .arg(from.path()));
    assert!(out.status.success());

    let listed = json(&run(sanctum(data.path()).args(["lists", "--json"])));
    assert_eq!(listed[0]["source"], "us_ofac_sdn");
    assert_eq!(listed[0]["version"], 12);
    assert_eq!(listed[0]["parties"], 10150);
    assert_eq!(listed[0]["published"], "2022-05-08");

    for (i, (file, parties, added, removed)) in SNAPSHOTS.iter().enumerate().skip(1) {
        let (from_v, to_v) = (i.to_string(), (i + 1).to_string());
        let diff = json(&run(sanctum(data.path()).args([
            "diff",
            "us_ofac_sdn",
            "--from",
            &from_v,
            "--to",
            &to_v,
            "--json",
        ])));
        assert_eq!(
            diff["added"].as_array().unwrap().len(),
            *added,
            "{file}: added"
        );
        assert_eq!(
            diff["removed"].as_array().unwrap().len(),
            *removed,
            "{file}: removed"
        );
        assert_eq!(diff["to"]["parties"], *parties, "{file}: parties");
        assert_eq!(
            diff["to"]["published"].as_str(),
            Some(&file[4..14]),
            "{file}: date from the file name"
        );
    }
    let card = json(&run(sanctum(data.path()).args([
        "show",
        "us_ofac_sdn:16666",
        "--json",
    ])));
    assert_eq!(
        card["versions"].as_array().unwrap().len(),
        12,
        "TIMCHENKO is in every version"
    );
    assert_eq!(
        card["entity"]["names"][0]["full"],
        "TIMCHENKO, Gennady Nikolayevich"
    );

    // The 22 February designations: VEB and PSB are among the 52 added on 2022-02-23.
    let diff = json(&run(sanctum(data.path()).args([
        "diff",
        "us_ofac_sdn",
        "--from",
        "2",
        "--to",
        "3",
        "--json",
    ])));
    let names: Vec<&str> = diff["added"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["name"].as_str())
        .collect();
    assert!(
        names.iter().any(|n| n.contains("PROMSVYAZBANK")),
        "{names:?}"
    );
    assert!(
        names
            .iter()
            .any(|n| n.contains("VNESHECONOMBANK") || n.contains("VEB.RF")),
        "{names:?}"
    );

    // Re-ingesting the same directory stores nothing new.
    let out = run(sanctum(data.path())
        .args(["update", "us_ofac_sdn", "--from"])
        .arg(from.path()));
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout)
            .matches("unchanged")
            .count(),
        12
    );
    let listed = json(&run(sanctum(data.path()).args(["lists", "--json"])));
    assert_eq!(listed[0]["versions"], 12);
}

#[test]
fn an_empty_publication_is_rejected_and_the_previous_version_stays_current() {
    let Some(lists) =
        shared_lists("an_empty_publication_is_rejected_and_the_previous_version_stays_current")
    else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let from = link_dir(&[lists.join("ofac_sdn_csv/sdn_2022-05-08.csv")]);
    // The scraper's last commit: a 0-byte sdn.csv.
    std::fs::write(from.path().join("sdn_2024-05-04.csv"), b"").unwrap();
    let out = run(sanctum(data.path())
        .args(["update", "us_ofac_sdn", "--from"])
        .arg(from.path()));
    assert_eq!(
        out.status.code(),
        Some(2),
        "a rejected publication makes the exit code 2"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("sdn_2024-05-04.csv") && stderr.contains("empty"),
        "{stderr}"
    );
    let listed = json(&run(sanctum(data.path()).args(["lists", "--json"])));
    assert_eq!(listed[0]["version"], 1);
    assert_eq!(listed[0]["versions"], 1);
    assert_eq!(listed[0]["parties"], 10150);
}

#[test]
fn a_publication_removing_too_many_parties_needs_force() {
    let Some(lists) = shared_lists("a_publication_removing_too_many_parties_needs_force") else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let full = lists.join("ofac_sdn_csv/sdn_2022-05-08.csv");
    assert!(
        run(sanctum(data.path())
            .args(["update", "us_ofac_sdn", "--from"])
            .arg(&full))
        .status
        .success()
    );
    // The first half of the file, dated a day later, with OFAC's closing Ctrl-Z (a file
    // without it is refused as cut short, forced or not): removes about half the parties.
    let text = std::fs::read(&full).unwrap();
    let cut = text.len() / 2;
    let cut = cut + text[cut..].iter().position(|&b| b == b'\n').unwrap() + 1;
    let dir = tempfile::tempdir().unwrap();
    let half = dir.path().join("sdn_2022-05-09.csv");
    std::fs::write(&half, [&text[..cut], b"\x1a"].concat()).unwrap();
    let out = run(sanctum(data.path())
        .args(["update", "us_ofac_sdn", "--from"])
        .arg(&half));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert_eq!(
        json(&run(sanctum(data.path()).args(["lists", "--json"])))[0]["versions"],
        1
    );
    let out = run(sanctum(data.path())
        .args(["update", "us_ofac_sdn", "--force", "--from"])
        .arg(&half));
    assert!(out.status.success());
    assert_eq!(
        json(&run(sanctum(data.path()).args(["lists", "--json"])))[0]["versions"],
        2
    );
}
