//! `sanctum update` against broken and hostile publications (issue #13): files cut short,
//! damaged archives, a file named as another source, credentials in list URLs.

mod common;

use common::{run, sanctum, serve};
use sanctum_testkit::shared_lists;
use std::path::Path;

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn party_count(data: &Path) -> Option<u64> {
    let out = run(sanctum(data).args(["lists", "--json"]));
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    listed
        .as_array()?
        .iter()
        .find(|s| s["source"] == "us_ofac_sdn")
        .and_then(|s| s["parties"].as_u64())
}

#[test]
fn an_sdn_file_cut_inside_a_field_is_rejected_into_an_empty_store_and_onto_a_version() {
    let Some(lists) = shared_lists("an_sdn_file_cut_inside_a_field_is_rejected") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let real = std::fs::read(lists.join("ofac_sdn_csv/sdn_2022-05-08.csv")).unwrap();
    let cut = write(work.path(), "sdn_2022-05-08.csv", &real[..2_338_307]);
    let data = tempfile::tempdir().unwrap();
    let out = run(sanctum(data.path())
        .args(["update", "us_ofac_sdn", "--from"])
        .arg(&cut));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("quoted field"), "{}", stderr(&out));
    assert_eq!(party_count(data.path()), None);
    // Onto the previous publication: version 1 stays, with its 10,026 parties.
    let out = run(sanctum(data.path())
        .args(["update", "us_ofac_sdn", "--from"])
        .arg(lists.join("ofac_sdn_csv/sdn_2022-05-06.csv")));
    assert!(out.status.success());
    let out = run(sanctum(data.path())
        .args(["update", "us_ofac_sdn", "--from"])
        .arg(&cut));
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(party_count(data.path()), Some(10026));
}

#[test]
fn a_publication_cut_at_a_record_end_is_rejected_as_cut_short_unless_forced() {
    let Some(lists) = shared_lists("a_publication_cut_at_a_record_end_is_rejected") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let out = run(sanctum(data.path())
        .args(["update", "us_ofac_sdn", "--from"])
        .arg(lists.join("ofac_sdn_csv/sdn_2022-05-06.csv")));
    assert!(out.status.success());
    // The next file cut after a record, its Ctrl-Z put back: every format check passes, and
    // only 5 parties (0.05%, far below the removal limit) are gone, all from the end.
    let real = std::fs::read(lists.join("ofac_sdn_csv/sdn_2022-05-06.csv")).unwrap();
    let mut ends = real
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i + 1)
        .rev();
    let at = ends.nth(5).unwrap();
    let mut cut = real[..at].to_vec();
    cut.push(0x1a);
    let cut = write(work.path(), "sdn_2022-05-07.csv", &cut);
    let out = run(sanctum(data.path())
        .args(["update", "us_ofac_sdn", "--from"])
        .arg(&cut));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cut short"), "{}", stderr(&out));
    assert_eq!(party_count(data.path()), Some(10026));
    let out = run(sanctum(data.path())
        .args(["update", "us_ofac_sdn", "--force", "--from"])
        .arg(&cut));
    assert!(out.status.success());
    assert_eq!(party_count(data.path()), Some(10021));
}

#[test]
fn a_damaged_zip_is_a_rejected_publication() {
    let Some(lists) = shared_lists("a_damaged_zip_is_a_rejected_publication") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let real = std::fs::read(lists.join("ofac_xml/CONS_ENHANCED_2025-01-14.zip")).unwrap();
    let cut = write(work.path(), "CONS_ENHANCED.ZIP", &real[..1000]);
    let data = tempfile::tempdir().unwrap();
    let out = run(sanctum(data.path())
        .args(["update", "us_ofac_cons", "--from"])
        .arg(&cut));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not a readable zip archive"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn naming_another_source_than_the_file_holds_is_refused() {
    let Some(lists) = shared_lists("naming_another_source_than_the_file_holds_is_refused") else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let out = run(sanctum(data.path())
        .args(["update", "us_ofac_sdn", "--from"])
        .arg(lists.join("un/consolidated_2024-09-26.xml")));
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("un_sc") && err.contains("not of us_ofac_sdn"),
        "{err}"
    );
    assert_eq!(party_count(data.path()), None);
}

#[test]
fn csl_records_merged_under_one_id_are_reported() {
    let work = tempfile::tempdir().unwrap();
    let csv = "_id,source,entity_number,type,programs,name\n\
               7,Entity List (EL) - Bureau of Industry and Security,,,,Acme Trading\n\
               7,Entity List (EL) - Bureau of Industry and Security,,,,Zenith Shipping\n";
    let file = write(work.path(), "consolidated.csv", csv.as_bytes());
    let data = tempfile::tempdir().unwrap();
    let out = run(sanctum(data.path())
        .args(["update", "us_csl", "--from"])
        .arg(&file));
    assert!(out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("warning:") && err.contains("describes another party"),
        "{err}"
    );
}

#[test]
fn credentials_in_a_list_url_are_never_printed() {
    let Some(lists) = shared_lists("credentials_in_a_list_url_are_never_printed") else {
        return;
    };
    let server = serve(lists.clone(), 0);
    let data = tempfile::tempdir().unwrap();
    let with_secret = |path: &str| server.base.replace("http://", "http://feeduser:s3cr3t@") + path;
    // A file that is not there (an error naming the URL), and one that is.
    for (path, code) in [
        ("/nowhere/sdn.csv", 2),
        ("/ofac_sdn_csv/sdn_2022-01-31.csv", 0),
    ] {
        let out = run(sanctum(data.path())
            .args(["update", "us_ofac_sdn"])
            .env("SANCTUM_URL_US_OFAC_SDN_MAIN", with_secret(path))
            .env(
                "SANCTUM_URL_US_OFAC_SDN_ADD",
                with_secret("/ofac_sdn_csv/add_2022-01-31.csv"),
            )
            .env(
                "SANCTUM_URL_US_OFAC_SDN_ALT",
                with_secret("/ofac_sdn_csv/alt_2022-01-31.csv"),
            )
            .env(
                "SANCTUM_URL_US_OFAC_SDN_COMMENTS",
                with_secret("/ofac_sdn_csv/sdn_comments_2025-12.csv"),
            ));
        let printed = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
        assert_eq!(out.status.code(), Some(code), "{printed}");
        assert!(!printed.contains("s3cr3t"), "{printed}");
        if code != 0 {
            assert!(printed.contains("***@127.0.0.1"), "{printed}");
        }
    }
}
