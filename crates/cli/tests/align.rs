//! `sanctum align` from the links kept in the store: linked once per set of list versions,
//! then read back; `--name` found by the matcher, never as a substring.

mod common;

use common::{run, sanctum};
use sanctum_testkit::shared_lists;

#[test]
fn align_name_uses_the_matcher_and_the_links_are_kept_in_the_store() {
    let Some(lists) = shared_lists("align_name_uses_the_matcher_and_the_links_are_kept") else {
        return;
    };
    let data = tempfile::tempdir().expect("temp dir");
    let data = data.path();
    // The SDN of 2022-02-28 lists PUTIN, Vladimir Vladimirovich, and two parties with
    // COMPUTING in their names, which a substring "putin" would also find.
    let out = run(sanctum(data)
        .args(["update", "us_ofac_sdn", "--from"])
        .arg(lists.join("ofac_sdn_csv/sdn_2022-02-28.csv")));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let align = |args: &[&str]| {
        let out = run(sanctum(data).arg("align").args(args));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    };
    let first = align(&["--name", "putin", "--format", "json"]);
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(stderr.contains("linked and stored"), "{stderr}");
    let rows: serde_json::Value = serde_json::from_slice(&first.stdout).expect("JSON rows");
    let captions: Vec<&str> = rows
        .as_array()
        .expect("an array of targets")
        .iter()
        .filter_map(|row| row["caption"].as_str())
        .collect();
    assert!(
        captions.contains(&"PUTIN, Vladimir Vladimirovich"),
        "{captions:?}"
    );
    assert!(
        captions
            .iter()
            .all(|c| !c.to_uppercase().contains("COMPUTING")),
        "a substring match: {captions:?}"
    );

    // The second run reads the kept links: the same targets, nothing linked again.
    let again = align(&["--name", "putin", "--format", "json"]);
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains("read from the store"), "{stderr}");
    assert_eq!(again.stdout, first.stdout);

    // A new version of the list: the kept links follow it (linked again, once).
    let out = run(sanctum(data)
        .args(["update", "us_ofac_sdn", "--from"])
        .arg(lists.join("ofac_sdn_csv/sdn_2022-03-04.csv")));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = align(&["--program", "RUSSIA-EO14024", "--format", "csv"]);
    let stderr = String::from_utf8_lossy(&after.stderr);
    assert!(
        stderr.contains("linked and stored") && stderr.contains("us_ofac_sdn:2"),
        "{stderr}"
    );
    let csv = String::from_utf8_lossy(&after.stdout);
    assert!(csv.contains("PUTIN, Vladimir Vladimirovich"), "{csv}");
}
