//! A list update while clients keep matching: every request is answered 200, and after
//! the swap the new party is found.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[test]
fn list_updates_under_load_fail_no_request() {
    let server = Arc::new(common::start());
    let stop = Arc::new(AtomicBool::new(false));
    let ok = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let body = r#"{"queries": {"q1": {"schema": "Person", "properties": {"name": ["Vladimir Putin"], "birthDate": ["1952-10-07"]}}}}"#;
    let clients: Vec<_> = (0..4)
        .map(|_| {
            let (server, stop, ok, failed) =
                (server.clone(), stop.clone(), ok.clone(), failed.clone());
            std::thread::spawn(move || {
                let deadline = Instant::now() + Duration::from_secs(20);
                while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
                    let r = server.post("/match/default", Some(&server.screen_key), body);
                    let found = r.status == 200
                        && r.json()["responses"]["q1"]["results"]
                            .as_array()
                            .is_some_and(|l| l.iter().any(|x| x["id"] == "us-ofac-sdn-35096"));
                    if found {
                        ok.fetch_add(1, Ordering::Relaxed);
                    } else {
                        failed.fetch_add(1, Ordering::Relaxed);
                        eprintln!("failed: {} {}", r.status, r.text);
                    }
                }
            })
        })
        .collect();

    // Five updates in a row: each ingests a new version of a source and swaps the index.
    for round in 2..7u32 {
        std::thread::sleep(Duration::from_millis(150));
        {
            let mut store = sanctum_store::Store::open(server.dir.path()).expect("store");
            let mut entities: Vec<_> = common::fixture_entities()
                .into_iter()
                .filter(|e| e.source == "gb_hmt_sanctions")
                .collect();
            let mut added = entities[0].clone();
            added.source_id = format!("round-{round}");
            added.names = vec![sanctum_model::Name::new(
                format!("Olga ROUND{round}"),
                sanctum_model::NameKind::Primary,
            )];
            entities.push(added);
            common::ingest(&mut store, "gb_hmt_sanctions", entities, &round.to_string());
        }
        let r = server.post("/v1/admin/update?fetch=false", Some(&server.admin_key), "");
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.json()["swapped"], true, "{}", r.text);
        let r = server.post(
            "/v1/screen",
            Some(&server.screen_key),
            &format!(r#"{{"name": "Olga Round{round}"}}"#),
        );
        assert_eq!(
            r.json()["matches"][0]["id"],
            format!("gb-hmt-sanctions-round-{round}"),
            "{}",
            r.text
        );
    }
    std::thread::sleep(Duration::from_millis(150));
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().expect("client thread");
    }
    let (ok, failed) = (ok.load(Ordering::Relaxed), failed.load(Ordering::Relaxed));
    eprintln!("{ok} requests answered during 5 index swaps, {failed} failed");
    assert_eq!(failed, 0);
    assert!(ok > 20, "only {ok} requests");
    let metrics = server.get("/metrics", None).text;
    assert!(metrics.contains("sanctum_index_swaps_total 5"), "{metrics}");
}
