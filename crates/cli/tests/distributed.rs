//! Beyond one process: `sanctum batch` + `sanctum worker` on a shared PostgreSQL database
//! (one worker killed mid-chunk), `sanctum screen --shard i/N`, and two `sanctum serve`
//! replicas on one database hearing of each other's updates.

mod common;

use common::{run, sanctum};
use sanctum_testkit::postgres::TestDatabase;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "command failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Stores the shared CSL copy in the store `args` name, and writes a customer file of
/// `rows` rows, a quarter of them listed names with variants, so that there are alerts.
fn csl_and_customers(data: &Path, database: &[&str], lists: &Path, rows: usize) -> PathBuf {
    let csl = lists.join("us_csl/consolidated_2022-05.csv.gz");
    let out = run(sanctum(data)
        .args(database)
        .args(["update", "us_csl", "--no-screen", "--from"])
        .arg(&csl));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let customers = data.join("customers.csv");
    let rows = rows.to_string();
    stdout(&run(sanctum(data)
        .args(database)
        .args([
            "screen-tools",
            "customers",
            "--rows",
            rows.as_str(),
            "--listed-share",
            "0.25",
            "--seed",
            "5",
            "--out",
        ])
        .arg(&customers)));
    customers
}

/// `sanctum screen` of the whole file, its alert records.
fn screen_whole(data: &Path, database: &[&str], customers: &Path, extra: &[&str]) -> String {
    let out = run(sanctum(data)
        .args(database)
        .args(["screen", "--no-fetch", "--quiet"])
        .args(extra)
        .arg(customers));
    // 4: screened, with alerts.
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Waits for a child's end, failing the test after `limit`.
fn wait_for(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("waiting for a worker") {
            return status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("a worker did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn three_workers_one_killed_mid_chunk_give_the_alerts_of_one_screening() {
    let test = "three_workers_one_killed_mid_chunk_give_the_alerts_of_one_screening";
    let Some(lists) = sanctum_testkit::shared_lists(test) else {
        return;
    };
    let Some(database) = TestDatabase::create(test) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let db = ["--database", database.url()];
    let customers = csl_and_customers(data, &db, &lists, 400);
    let single = screen_whole(data, &db, &customers, &[]);
    assert!(
        single.lines().count() > 20,
        "too few alerts to compare: {single}"
    );

    let submitted = stdout(&run(sanctum(data)
        .args(db)
        .args(["batch", "submit", "--chunk", "25"])
        .arg(&customers)));
    let job = submitted.trim().to_string();
    // A version stored after submission is not screened against: the job is pinned.
    let un = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../sources/tests/fixtures/un_sc/consolidated_small.xml");
    let out = run(sanctum(data)
        .args(db)
        .args(["update", "un_sc", "--no-screen", "--from"])
        .arg(&un));
    assert!(out.status.success());

    let worker = || {
        sanctum(data)
            .args(db)
            .args(["worker", "--exit-when-idle", "--lease", "1.5"])
            .stderr(Stdio::piped())
            .spawn()
            .expect("a worker starts")
    };
    let mut doomed = worker();
    // Killed as soon as it holds a chunk: it is then loading the lists, before its first
    // chunk is screened, so that chunk must be claimed again when its lease runs out.
    let mut lines = BufReader::new(doomed.stderr.take().expect("stderr")).lines();
    let claimed = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|line| line.contains("claimed job"));
    assert!(claimed.is_some(), "the first worker claimed nothing");
    doomed.kill().expect("SIGKILL");
    let _ = doomed.wait();
    let mut others = [worker(), worker()];
    for child in &mut others {
        let mut stderr = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            eprint!("{text}");
        });
    }
    for child in &mut others {
        assert!(wait_for(child, Duration::from_secs(300)).success());
    }

    let status: serde_json::Value = serde_json::from_str(&stdout(&run(sanctum(data)
        .args(db)
        .args(["batch", "status", "--json", job.as_str()]))))
    .expect("status JSON");
    assert_eq!(status["state"], "done", "{status}");
    assert_eq!(status["chunks"], 16, "{status}");
    assert_eq!(status["done"], 16, "{status}");
    assert_eq!(status["rows"], 400, "{status}");
    assert!(
        status["claimed_again"].as_i64() >= Some(1),
        "the killed worker's chunk was not claimed again: {status}"
    );
    assert_eq!(status["versions"], serde_json::json!([["us_csl", 1]]));

    let results = stdout(&run(sanctum(data).args(db).args([
        "batch",
        "results",
        job.as_str(),
    ])));
    let (batch, whole): (Vec<&str>, Vec<&str>) =
        (results.lines().collect(), single.lines().collect());
    assert_eq!(batch.len(), whole.len());
    for (i, (b, w)) in batch.iter().zip(&whole).enumerate() {
        assert_eq!(b, w, "alert record {i} differs");
    }
}

#[test]
fn batch_screening_on_sqlite_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(sanctum(dir.path()).args(["worker", "--exit-when-idle"]));
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("batch screening needs a PostgreSQL database")
            && stderr.contains("--shard"),
        "{stderr}"
    );
}

#[test]
fn the_shards_of_a_file_together_give_the_whole_run() {
    let test = "the_shards_of_a_file_together_give_the_whole_run";
    let Some(lists) = sanctum_testkit::shared_lists(test) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let customers = csl_and_customers(data, &[], &lists, 300);
    let whole = screen_whole(data, &[], &customers, &[]);
    let line_of = |record: &str| -> u64 {
        let value: serde_json::Value = serde_json::from_str(record).expect("JSON line");
        value["input_line"].as_u64().expect("input_line")
    };
    let mut union: Vec<(u64, String)> = Vec::new();
    let mut rows_of_shards = Vec::new();
    for shard in ["0/3", "1/3", "2/3"] {
        let part = screen_whole(data, &[], &customers, &["--shard", shard]);
        let lines: std::collections::BTreeSet<u64> = part.lines().map(line_of).collect();
        rows_of_shards.push(lines);
        union.extend(part.lines().map(|l| (line_of(l), l.to_string())));
    }
    // Each alerted row in exactly one shard.
    for (i, a) in rows_of_shards.iter().enumerate() {
        assert!(!a.is_empty(), "shard {i} alerted on no row");
        for b in &rows_of_shards[i + 1..] {
            assert!(a.is_disjoint(b), "a row screened in two shards");
        }
    }
    // A row's alerts stay together and in order: a stable sort by line restores the file.
    union.sort_by_key(|(line, _)| *line);
    let union: Vec<&str> = union.iter().map(|(_, l)| l.as_str()).collect();
    assert_eq!(union, whole.lines().collect::<Vec<_>>());

    let out = run(sanctum(data)
        .args(["screen", "--no-fetch", "--shard", "3/3"])
        .arg(&customers));
    assert_eq!(out.status.code(), Some(2), "clap refuses a bad --shard");
    assert!(String::from_utf8_lossy(&out.stderr).contains("0 <= i < N"));
}

/// A `sanctum serve` process, killed when dropped.
struct Replica {
    child: Child,
    url: String,
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Replica {
    fn start(data: &Path, database: &str, publisher: &str) -> Replica {
        let mut cmd = sanctum(data);
        cmd.args(["--database", database])
            .args([
                "serve",
                "--bind",
                "127.0.0.1:0",
                "--rate-limit",
                "0",
                "--open",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for source in sanctum_sources::catalog::SOURCES {
            for file in source.files {
                cmd.env(
                    sanctum_sources::catalog::url_env_var(source.key, file.role),
                    format!("{publisher}/{}/{}", source.key, file.role.as_str()),
                );
            }
        }
        let mut child = cmd.spawn().expect("sanctum serve starts");
        let mut out = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        out.read_line(&mut line).expect("the listening line");
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_string();
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut out, &mut std::io::sink());
        });
        Replica { child, url }
    }

    fn call(&self, method: &str, path: &str, key: Option<&str>) -> serde_json::Value {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        let url = format!("{}{path}", self.url);
        let auth = key.map(|k| format!("Bearer {k}"));
        let mut response = if method == "GET" {
            let mut request = agent.get(&url);
            if let Some(auth) = &auth {
                request = request.header("Authorization", auth);
            }
            request.call()
        } else {
            let mut request = agent.post(&url);
            if let Some(auth) = &auth {
                request = request.header("Authorization", auth);
            }
            request.send("")
        }
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let mut text = String::new();
        response
            .body_mut()
            .as_reader()
            .read_to_string(&mut text)
            .expect("body");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {text}"))
    }

    /// The version of `source` this replica serves.
    fn version_of(&self, source: &str) -> Option<u64> {
        self.call("GET", "/v1/sources", None)
            .as_array()
            .expect("sources")
            .iter()
            .find(|s| s["source"] == source)
            .and_then(|s| s["version"].as_u64())
    }
}

/// A loopback publisher serving `body` as the UN list's main file, 404 for the rest.
fn un_publisher(body: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut request_line = String::new();
            let _ = reader.read_line(&mut request_line);
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let answer = if request_line.contains(" /un_sc/main ") {
                format!(
                    "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                )
            } else {
                "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                    .to_string()
            };
            let mut stream = stream;
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    base
}

#[test]
fn an_update_through_one_replica_is_served_by_the_other_within_five_seconds() {
    let test = "an_update_through_one_replica_is_served_by_the_other_within_five_seconds";
    let Some(database) = TestDatabase::create(test) else {
        return;
    };
    let un = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../sources/tests/fixtures/un_sc/consolidated_small.xml");
    let first = std::fs::read_to_string(&un).expect("UN fixture");
    // The next publication: one individual more, a later date.
    let start = first.find("<INDIVIDUAL>").expect("an individual");
    let end = first.find("</INDIVIDUAL>").expect("its end") + "</INDIVIDUAL>".len();
    let added = first[start..end]
        .replace("110447", "990001")
        .replace("MUHAMMAD", "ZEPHYRINUS")
        .replace("TAHER", "QUILLFEATHER")
        .replace("TAi.005", "TAi.990");
    let mut second = first.replace("2024-09-26T00:00:07.514Z", "2024-10-03T00:00:07.514Z");
    second.insert_str(start, &format!("{added}\n        "));

    let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let url = database.url();
    let out = run(sanctum(a_dir.path())
        .args([
            "--database",
            url,
            "update",
            "un_sc",
            "--no-screen",
            "--from",
        ])
        .arg(&un));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let admin =
        stdout(&run(sanctum(a_dir.path()).args([
            "keys", "create", "--name", "admin", "--scope", "admin",
        ])))
        .trim()
        .to_string();
    let publisher = un_publisher(second);
    let a = Replica::start(a_dir.path(), url, &publisher);
    let b = Replica::start(b_dir.path(), url, &publisher);
    assert_eq!(a.version_of("un_sc"), Some(1));
    assert_eq!(b.version_of("un_sc"), Some(1));

    let outcome = a.call("POST", "/v1/admin/update", Some(&admin));
    assert_eq!(outcome["swapped"], true, "{outcome}");
    assert_eq!(a.version_of("un_sc"), Some(2));
    let stored = Instant::now();
    let mut served = b.version_of("un_sc");
    while served != Some(2) && stored.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(100));
        served = b.version_of("un_sc");
    }
    assert_eq!(
        served,
        Some(2),
        "replica B still served version 1 five seconds after A stored version 2"
    );
    let hits = b.call("GET", "/search/default?q=zephyrinus%20quillfeather", None);
    assert!(
        hits["results"]
            .as_array()
            .is_some_and(|r| r.iter().any(|h| h["caption"]
                .as_str()
                .is_some_and(|c| c.contains("ZEPHYRINUS")))),
        "{hits}"
    );
}
