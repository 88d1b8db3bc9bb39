//! `sanctum export --format ftm` and the FtM file ingested back as a source.

mod common;

use common::{json, run, sanctum};
use sanctum_testkit::shared_lists;
use std::collections::HashSet;
use std::path::Path;

/// Checks what FtM itself checks (scripts/contract-ftm.sh runs followthemoney over every
/// list): ids in FtM's pattern and unique, every reference naming a line of the file.
fn assert_ftm_ids_and_references(text: &str) {
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ids: HashSet<&str> = lines.iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), lines.len(), "ids are unique");
    for id in &ids {
        assert!(sanctum_model::ftm::is_valid_id(id), "{id}");
    }
    for l in &lines {
        for key in ["entity", "holder", "addressEntity", "subject", "object"] {
            for r in l["properties"][key].as_array().into_iter().flatten() {
                let r = r.as_str().unwrap();
                assert!(ids.contains(r), "{}: {key} {r} is in the file", l["id"]);
            }
        }
    }
}

fn update(data: &Path, args: &[&str], from: &Path) {
    let out = run(sanctum(data)
        .arg("update")
        .args(args)
        .arg("--from")
        .arg(from));
    assert!(out.status.success(), "update {args:?} {}", from.display());
}

/// The newest publications of five lists (links by id, hashed publisher ids, the values FtM
/// refuses: OFSI's phones and e-mails, the CSL's flags): exported, ingested back as the
/// `ftm` source and exported again, the two files are the same, line for line.
#[test]
fn exported_ftm_ingests_back_with_the_same_parties() {
    let Some(lists) = shared_lists("exported_ftm_ingests_back_with_the_same_parties") else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    for file in [
        "us_csl/consolidated_2022-05.csv.gz",
        "ofac_xml/CONS_ENHANCED_2025-01-14.zip",
        "uk_ofsi/ConList_2025-04-14.xlsx",
        "canada_sema/sema-lmes_2025-05.xml",
        "un/consolidated_2026-02-27.xml",
    ] {
        update(data.path(), &[], &lists.join(file));
    }
    let out_dir = tempfile::tempdir().unwrap();
    let first = out_dir.path().join("entities.ftm.json");
    let out = run(sanctum(data.path())
        .args(["export", "--format", "ftm", "--out"])
        .arg(&first));
    assert!(out.status.success());
    let text = std::fs::read_to_string(&first).unwrap();
    let party: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert!(
        party["schema"].is_string() && party["properties"].is_object() && party["target"] == true,
        "{party}"
    );
    assert!(
        text.lines().any(|l| l.contains("\"schema\":\"Sanction\"")),
        "designations are Sanction entities"
    );
    assert!(
        text.contains("\"id\":\"us-csl-35096\""),
        "publisher ids that fit FtM's pattern are in the id"
    );
    assert_ftm_ids_and_references(&text);

    update(data.path(), &["ftm"], &first);
    let listed = json(&run(sanctum(data.path()).args(["lists", "--json"])));
    let count = |source: &str| {
        listed
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["source"] == source)
            .unwrap()["parties"]
            .as_u64()
            .unwrap()
    };
    let sources = ["us_csl", "us_ofac_cons", "uk_ofsi", "ca_sema", "un_sc"];
    assert_eq!(count("ftm"), sources.iter().map(|s| count(s)).sum::<u64>());

    let second = out_dir.path().join("again.ftm.json");
    let out = run(sanctum(data.path())
        .args(["export", "--format", "ftm", "--source", "ftm", "--out"])
        .arg(&second));
    assert!(out.status.success());
    let again = std::fs::read_to_string(&second).unwrap();
    assert_eq!(again.lines().count(), text.lines().count());
    for (n, (a, b)) in text.lines().zip(again.lines()).enumerate() {
        assert_eq!(a, b, "line {}", n + 1);
    }

    // The imported party keeps its list and publisher id, and what FtM can say of it.
    // (`--no-links`: linking every list in a store holding each party twice takes minutes.)
    let show = |id: &str| {
        json(&run(sanctum(data.path()).args([
            "show",
            id,
            "--json",
            "--no-links",
        ])))
    };
    let original = show("us_csl:35096");
    let back = show("ftm:us_csl:35096");
    for field in [
        "kind",
        "birth_dates",
        "nationalities",
        "designations",
        "addresses",
    ] {
        assert_eq!(original["entity"][field], back["entity"][field], "{field}");
    }
    assert_eq!(
        original["entity"]["names"][0]["full"],
        back["entity"]["names"][0]["full"]
    );
}
