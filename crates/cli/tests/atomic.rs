//! A `sanctum update` killed with SIGKILL at any moment leaves the store consistent, with the
//! previous version current.

mod common;

use common::{json, run, sanctum};
use sanctum_testkit::shared_lists;
use std::time::Instant;

#[test]
fn sigkill_during_an_ingest_leaves_the_previous_version_current() {
    let Some(lists) = shared_lists("sigkill_during_an_ingest_leaves_the_previous_version_current")
    else {
        return;
    };
    let new = lists.join("us_csl/consolidated_2022-05.csv.gz");
    // The previous version: the same CSL with its SDN rows only (10,026 parties). (A file of
    // another source, such as sdn.csv, is refused under us_csl.)
    let work = tempfile::tempdir().unwrap();
    let old = work.path().join("consolidated_sdn_only.csv");
    {
        let gz = std::fs::File::open(&new).unwrap();
        let mut reader = csv::Reader::from_reader(flate2::read::GzDecoder::new(gz));
        let mut writer = csv::Writer::from_path(&old).unwrap();
        writer.write_record(reader.headers().unwrap()).unwrap();
        for record in reader.records() {
            let record = record.unwrap();
            if record[1].starts_with("Specially Designated Nationals") {
                writer.write_record(&record).unwrap();
            }
        }
        writer.flush().unwrap();
    }

    // How long an undisturbed ingest of the new publication takes here.
    let probe = tempfile::tempdir().unwrap();
    let started = Instant::now();
    assert!(
        run(sanctum(probe.path())
            .args(["update", "us_csl", "--from"])
            .arg(&new))
        .status
        .success()
    );
    let full = started.elapsed();

    let data = tempfile::tempdir().unwrap();
    assert!(
        run(sanctum(data.path())
            .args(["update", "us_csl", "--force", "--from"])
            .arg(&old))
        .status
        .success()
    );
    let mut interrupted = 0;
    for tenth in 1..=9 {
        let mut child = sanctum(data.path())
            .args(["update", "us_csl", "--force", "--from"])
            .arg(&new)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(full.mul_f64(f64::from(tenth) / 10.0));
        child.kill().unwrap(); // SIGKILL
        let status = child.wait().unwrap();
        assert!(
            run(sanctum(data.path()).arg("check")).status.success(),
            "store consistent after kill {tenth}"
        );
        let listed = json(&run(sanctum(data.path()).args(["lists", "--json"])));
        let current = &listed[0];
        if current["versions"] == 1 {
            assert_eq!(current["parties"], 10026, "the previous version is whole");
            if !status.success() {
                interrupted += 1;
            }
        } else {
            // The kill came after the commit: the new version is whole.
            assert_eq!(current["versions"], 2);
            assert_eq!(current["parties"], 14048);
            break;
        }
    }
    assert!(
        interrupted > 0,
        "at least one kill landed before the commit (full ingest took {full:?})"
    );
    // Whatever was interrupted, a clean run afterwards stores exactly the new publication.
    assert!(
        run(sanctum(data.path())
            .args(["update", "us_csl", "--force", "--from"])
            .arg(&new))
        .status
        .success()
    );
    let diff =
        json(&run(sanctum(data.path()).args([
            "diff", "us_csl", "--from", "1", "--to", "2", "--json",
        ])));
    assert_eq!(diff["to"]["parties"], 14048);
    assert_eq!(diff["added"].as_array().unwrap().len(), 14048 - 10026);
}
