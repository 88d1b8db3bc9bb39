//! What an adversarial run found (issue #13), each driven through a real HTTP client: work
//! bounded by the request's time, updates one at a time and always served, connections
//! bounded, metrics' labels bounded, every error a problem document, the OpenAPI document
//! complete.

mod common;

use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A record within every query limit (100 distinct names of 24 to 32 words, the most a
/// query may carry) whose every name has each of 30,000 listed names for a candidate: about
/// 10 s of scoring on a 2-core machine, well past the timeouts below.
fn heavy_record() -> String {
    let limits = sanctum_limits::Limits::default();
    let names: Vec<String> = (0..limits.max_names_per_query)
        .map(|i| common::crowd_name(limits.max_name_tokens - i / 12, i % 12))
        .collect();
    json!({ "names": names }).to_string()
}

#[test]
fn a_screen_over_its_time_is_answered_503_and_its_scoring_stops() {
    let server = common::start_with_entities(common::crowd(30_000), |c| {
        c.limits.request_timeout = Duration::from_secs(1)
    });
    let started = Instant::now();
    let r = server.post("/v1/screen", Some(&server.screen_key), &heavy_record());
    let took = started.elapsed();
    let detail = r.problem(503);
    assert!(
        took < Duration::from_millis(2500),
        "answered after {took:?}"
    );
    assert!(detail.contains("too long"), "{detail}");
    // The work stopped with the answer: no scoring job is left running.
    let deadline = Instant::now() + Duration::from_secs(1);
    loop {
        let metrics = server.get("/metrics", None).text;
        if metrics.contains("\nsanctum_scoring_jobs 0\n") {
            assert!(
                metrics.contains("sanctum_scoring_stopped_total 1"),
                "{metrics}"
            );
            // The request the timeout answered is counted.
            assert!(
                metrics.contains(
                    "sanctum_http_requests_total{route=\"/v1/screen\",method=\"POST\",status=\"503\"} 1"
                ),
                "{metrics}"
            );
            break;
        }
        assert!(Instant::now() < deadline, "scoring still runs:\n{metrics}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn health_answers_at_once_while_heavy_screens_run() {
    let server = Arc::new(common::start_with_entities(common::crowd(30_000), |c| {
        c.limits.request_timeout = Duration::from_secs(4)
    }));
    let heavy: Vec<_> = (0..3)
        .map(|_| {
            let server = server.clone();
            std::thread::spawn(move || {
                server
                    .post("/v1/screen", Some(&server.screen_key), &heavy_record())
                    .status
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    for _ in 0..3 {
        let started = Instant::now();
        let r = server.get("/healthz", None);
        assert_eq!(r.status, 200);
        let took = started.elapsed();
        assert!(took < Duration::from_millis(1000), "/healthz took {took:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
    for h in heavy {
        assert_eq!(h.join().expect("client"), 503);
    }
}

#[test]
fn a_name_over_the_query_limits_is_422() {
    let server = common::start();
    let key = Some(server.screen_key.as_str());
    let long = "a".repeat(1001);
    let d = server
        .post("/v1/screen", key, &json!({"name": long}).to_string())
        .problem(422);
    assert!(d.contains("max_name_chars"), "{d}");
    let d = server
        .post(
            "/v1/screen",
            key,
            &json!({"name": common::crowd_name(101, 0)}).to_string(),
        )
        .problem(422);
    assert!(d.contains("max_name_tokens"), "{d}");
    let names: Vec<String> = (0..101).map(|i| format!("Name Number{i}")).collect();
    let d = server
        .post("/v1/screen", key, &json!({"names": names}).to_string())
        .problem(422);
    assert!(d.contains("max_names_per_query"), "{d}");
    let q = json!({"queries": {"q": {"schema": "Person", "properties": {"name": [long]}}}});
    let d = server
        .post("/match/default", key, &q.to_string())
        .problem(422);
    assert!(d.contains("\"q\"") && d.contains("max_name_chars"), "{d}");
    let d = server
        .get(
            &format!("/search/default?q={}", "a".repeat(1001)),
            Some(&server.read_key),
        )
        .problem(422);
    assert!(d.contains("max_name_chars"), "{d}");
    // At the limit is fine.
    let r = server.post(
        "/v1/screen",
        key,
        &json!({"name": "a".repeat(1000)}).to_string(),
    );
    assert_eq!(r.status, 200, "{}", r.text);
}

#[test]
fn match_over_the_batch_limit_is_413_like_screen_batch() {
    let server = common::start_with(|c| c.limits.max_batch = 3);
    let queries: serde_json::Map<String, serde_json::Value> = (0..4)
        .map(|i| {
            (
                format!("q{i}"),
                json!({"schema": "Person", "properties": {"name": ["Jo"]}}),
            )
        })
        .collect();
    let d = server
        .post(
            "/match/default",
            Some(&server.screen_key),
            &json!({ "queries": queries }).to_string(),
        )
        .problem(413);
    assert!(d.contains("limit is 3"), "{d}");
}

/// An update hook that takes `secs` seconds, then stores a new version naming a new party;
/// counts how many runs overlap.
fn slow_hook(
    dir: Arc<std::sync::Mutex<Option<std::path::PathBuf>>>,
    secs: u64,
    running: Arc<AtomicUsize>,
    most: Arc<AtomicUsize>,
) -> sanctum_server::UpdateHook {
    Arc::new(move |_deadline| {
        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
        most.fetch_max(now, Ordering::SeqCst);
        std::thread::sleep(Duration::from_secs(secs));
        let dir = dir.lock().expect("dir").clone().expect("data dir");
        let mut store = sanctum_store::Store::open(&dir).expect("store");
        let mut entities: Vec<_> = common::fixture_entities()
            .into_iter()
            .filter(|e| e.source == "gb_hmt_sanctions")
            .collect();
        let mut added = entities[0].clone();
        added.source_id = "late-1".into();
        added.names = vec![sanctum_model::Name::new(
            "Olga LATECOMER",
            sanctum_model::NameKind::Primary,
        )];
        entities.push(added);
        common::ingest(&mut store, "gb_hmt_sanctions", entities, "late");
        running.fetch_sub(1, Ordering::SeqCst);
        Ok("stored a late version".to_string())
    })
}

#[test]
fn an_update_outliving_its_request_runs_alone_and_is_served() {
    let dir = Arc::new(std::sync::Mutex::new(None));
    let running = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let hook = slow_hook(dir.clone(), 3, running.clone(), most.clone());
    let server = common::start_full(Vec::new(), Some(hook), |c| {
        c.limits.request_timeout = Duration::from_secs(1)
    });
    *dir.lock().expect("dir") = Some(server.dir.path().to_path_buf());
    let admin = Some(server.admin_key.as_str());
    let r = server.post("/v1/admin/update", admin, "");
    assert_eq!(r.status, 202, "{}", r.text);
    assert_eq!(r.json()["running"], true, "{}", r.text);
    // A second request while the first runs starts nothing.
    let d = server.post("/v1/admin/update", admin, "").problem(409);
    assert!(d.contains("already running"), "{d}");
    let status = server.get("/v1/admin/update", admin);
    assert_eq!(status.json()["running"], true, "{}", status.text);
    // What the update stored is served once it ends, though its request timed out.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let r = server.post(
            "/v1/screen",
            Some(&server.screen_key),
            r#"{"name": "Olga Latecomer"}"#,
        );
        if r.json()["total"] == 1 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the stored version is never served"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(most.load(Ordering::SeqCst), 1, "two updates ran at once");
    let status = server.get("/v1/admin/update", admin).json();
    assert_eq!(status["running"], false, "{status}");
    assert_eq!(status["last"]["outcome"]["swapped"], true, "{status}");
}

#[test]
fn a_half_open_connection_does_not_block_shutdown() {
    let server = common::start_with(|c| c.limits.request_timeout = Duration::from_secs(1));
    let mut half = std::net::TcpStream::connect(server.addr()).expect("connect");
    std::io::Write::write_all(&mut half, b"GET /healthz HTTP/1.1\r\nHost: x\r\n").expect("send");
    std::thread::sleep(Duration::from_millis(100));
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        drop(server);
        let _ = done_tx.send(());
    });
    done_rx
        .recv_timeout(Duration::from_secs(5))
        .expect("the server stops within its shutdown deadline");
    drop(half);
}

#[test]
fn unknown_methods_add_no_metrics_series() {
    let server = common::start();
    for i in 0..20 {
        let answer = server.raw(
            format!("FOO{i} /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
            Duration::from_secs(5),
        );
        assert!(answer.starts_with("HTTP/1.1 405"), "{answer}");
    }
    let metrics = server.get("/metrics", None).text;
    assert!(!metrics.contains("FOO"), "{metrics}");
    assert!(
        metrics.contains(
            "sanctum_http_requests_total{route=\"/healthz\",method=\"OTHER\",status=\"405\"} 20"
        ),
        "{metrics}"
    );
}

#[test]
fn repeated_facets_are_computed_once_and_capped() {
    let server = common::start_with_entities(common::crowd(30_000), |_| {});
    let read = Some(server.read_key.as_str());
    let many = vec!["facets=countries"; 3000].join("&");
    let started = Instant::now();
    let r = server.get(&format!("/search/default?limit=1&{many}"), read);
    assert_eq!(r.status, 200, "{}", &r.text[..r.text.len().min(300)]);
    let took = started.elapsed();
    assert_eq!(r.json()["facets"].as_object().map(|f| f.len()), Some(1));
    assert!(took < Duration::from_millis(1500), "took {took:?}");
}

#[test]
fn a_uri_too_long_is_a_problem_document() {
    let server = common::start();
    // Longer than any HTTP client sends (the `http` crate refuses it): written by hand.
    let request = format!(
        "GET /healthz?x={} HTTP/1.1\r\nHost: x\r\n\r\n",
        "a".repeat(70_000)
    );
    let answer = server.raw(request.as_bytes(), Duration::from_secs(5));
    let (head, body) = answer.split_once("\r\n\r\n").expect("a whole response");
    assert!(head.starts_with("HTTP/1.1 414"), "{head}");
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: application/problem+json"),
        "{head}"
    );
    let problem: serde_json::Value = serde_json::from_str(body).expect("a JSON body");
    assert_eq!(problem["status"], 414, "{body}");
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|d| d.contains("URI")),
        "{body}"
    );
    // Headers too large, and a request line that is not HTTP, alike.
    let request = format!(
        "GET /healthz HTTP/1.1\r\nHost: x\r\n{}\r\n",
        "X-A: b\r\n".repeat(200)
    );
    let answer = server.raw(request.as_bytes(), Duration::from_secs(5));
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
    assert!(answer.contains("\"status\":431"), "{answer}");
    let answer = server.raw(b"GET / HTTP/9\r\n\r\n", Duration::from_secs(5));
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("\"status\":400"), "{answer}");
}

#[test]
fn openapi_names_every_status_and_limit() {
    let server = common::start();
    let api = server.get("/openapi.json", None).json();
    let screen = &api["paths"]["/v1/screen"]["post"]["responses"];
    for status in [
        "200", "400", "401", "403", "413", "415", "422", "429", "503",
    ] {
        assert!(
            screen.get(status).is_some(),
            "/v1/screen lacks {status}: {screen}"
        );
    }
    let matching = &api["paths"]["/match/{dataset}"]["post"]["responses"];
    for status in [
        "400", "401", "403", "404", "413", "415", "422", "429", "503",
    ] {
        assert!(matching.get(status).is_some(), "/match lacks {status}");
    }
    // A search's `q` over the name limits is a 422 (schemathesis found it undocumented).
    let search = &api["paths"]["/search/{dataset}"]["get"]["responses"];
    for status in ["200", "400", "401", "403", "404", "422", "429", "503"] {
        assert!(search.get(status).is_some(), "/search lacks {status}");
    }
    let update = &api["paths"]["/v1/admin/update"]["post"]["responses"];
    for status in ["200", "202", "401", "403", "409", "429", "503"] {
        assert!(
            update.get(status).is_some(),
            "/v1/admin/update lacks {status}"
        );
    }
    let record = &api["components"]["schemas"]["ScreenRecord"]["properties"];
    assert_eq!(record["name"]["maxLength"], 1000, "{record}");
    assert_eq!(record["names"]["maxItems"], 100, "{record}");
    let batch = &api["components"]["schemas"]["BatchRequest"]["properties"];
    assert_eq!(batch["records"]["maxItems"], 1000, "{batch}");
}

#[test]
fn connections_are_capped_and_silent_ones_dropped() {
    let server = common::start_with(|c| {
        c.limits.max_connections = 2;
        c.limits.header_read_timeout = Duration::from_secs(1);
    });
    // Two connections that never send a request hold both places.
    let silent: Vec<std::net::TcpStream> = (0..2)
        .map(|_| std::net::TcpStream::connect(server.addr()).expect("connect"))
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    // A third waits in the backlog until the header-read timeout closes the silent ones.
    let started = Instant::now();
    let r = server.get("/healthz", None);
    let waited = started.elapsed();
    assert_eq!(r.status, 200);
    assert!(
        waited >= Duration::from_millis(500) && waited < Duration::from_secs(5),
        "answered after {waited:?}"
    );
    for mut s in silent {
        s.set_read_timeout(Some(Duration::from_secs(2)))
            .expect("timeout");
        let mut buf = [0u8; 64];
        let n = std::io::Read::read(&mut s, &mut buf).unwrap_or(0);
        // Closed by the server (nothing, or hyper's 408 before closing).
        let text = String::from_utf8_lossy(&buf[..n]);
        assert!(n == 0 || text.starts_with("HTTP/1.1 408"), "{text}");
    }
}
