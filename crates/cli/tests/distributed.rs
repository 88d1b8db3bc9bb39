//! Beyond one process: `sanctum batch` + `sanctum worker` on a shared PostgreSQL database
//! (one worker killed mid-chunk; workers whose connections keep being ended), `sanctum
//! screen --shard i/N`, and two `sanctum serve` replicas on one database: hearing of each
//! other's updates (by LISTEN, or by polling alone) and sharing one review queue.

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
    same_lines(&results, &single);
    // In CSV too: the same header, columns and lines as `screen --format csv`.
    let single_csv = screen_whole(data, &db, &customers, &["--format", "csv"]);
    let results_csv = stdout(&run(sanctum(data).args(db).args([
        "batch",
        "results",
        "--format",
        "csv",
        job.as_str(),
    ])));
    assert!(
        single_csv.starts_with("input_id,input_line,"),
        "{single_csv}"
    );
    same_lines(&results_csv, &single_csv);
    // `--out x.csv` chooses CSV, as it does for `screen`.
    let out = data.join("results.csv");
    stdout(&run(sanctum(data)
        .args(db)
        .args(["batch", "results", job.as_str(), "--out"])
        .arg(&out)));
    same_lines(
        &std::fs::read_to_string(&out).expect("results.csv"),
        &single_csv,
    );
}

/// The batch job's output against the single screening's, line for line.
fn same_lines(batch: &str, single: &str) {
    let (batch, whole): (Vec<&str>, Vec<&str>) =
        (batch.lines().collect(), single.lines().collect());
    assert_eq!(batch.len(), whole.len());
    for (i, (b, w)) in batch.iter().zip(&whole).enumerate() {
        assert_eq!(b, w, "line {i} differs");
    }
}

/// Ends the database sessions of the batch queue (`application_name` sanctum-batch) until
/// `stop` is set, every `every`: the sessions ended.
fn end_queue_sessions(url: &str, every: Duration, stop: &std::sync::atomic::AtomicBool) -> i64 {
    let mut admin = postgres::Client::connect(url, postgres::NoTls).expect("connect");
    let mut ended = 0;
    while !stop.load(std::sync::atomic::Ordering::SeqCst) {
        let count: i64 = admin
            .query_one(
                "SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                  WHERE datname = current_database() AND pid <> pg_backend_pid() \
                    AND application_name = 'sanctum-batch') t",
                &[],
            )
            .expect("pg_terminate_backend")
            .get(0);
        ended += count;
        std::thread::sleep(every);
    }
    ended
}

#[test]
fn workers_whose_connections_are_ended_again_and_again_finish_the_job_once() {
    let test = "workers_whose_connections_are_ended_again_and_again_finish_the_job_once";
    let Some(lists) = sanctum_testkit::shared_lists(test) else {
        return;
    };
    let Some(database) = TestDatabase::create(test) else {
        return;
    };
    // Sessions ended four times a second, more often than a worker claims, renews or
    // completes: each of those statements meets a lost connection sometimes.
    const ENDING_EVERY: Duration = Duration::from_millis(250);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let db = ["--database", database.url()];
    let customers = csl_and_customers(data, &db, &lists, 300);
    let single = screen_whole(data, &db, &customers, &[]);
    let job = stdout(&run(sanctum(data)
        .args(db)
        .args(["batch", "submit", "--chunk", "20"])
        .arg(&customers)))
    .trim()
    .to_string();

    let stop = std::sync::atomic::AtomicBool::new(false);
    let ended = std::thread::scope(|scope| {
        // Sessions are ended once both workers are running (claimed a chunk): a database
        // lost at start is an error at once, as it should be.
        let (claimed, first_claims) = std::sync::mpsc::channel::<()>();
        let mut workers: Vec<Child> = (0..2)
            .map(|_| {
                let mut child = sanctum(data)
                    .args(db)
                    .args(["worker", "--exit-when-idle", "--lease", "3"])
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("a worker starts");
                let stderr = child.stderr.take().expect("stderr");
                let claimed = claimed.clone();
                std::thread::spawn(move || {
                    let mut told = false;
                    for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                        eprintln!("{line}");
                        if !told && line.contains("claimed job") {
                            told = true;
                            let _ = claimed.send(());
                        }
                    }
                });
                child
            })
            .collect();
        for _ in 0..workers.len() {
            first_claims
                .recv_timeout(Duration::from_secs(60))
                .expect("a worker claimed no chunk");
        }
        let ending = scope.spawn(|| end_queue_sessions(database.url(), ENDING_EVERY, &stop));
        let statuses: Vec<_> = workers
            .iter_mut()
            .map(|w| wait_for(w, Duration::from_secs(300)))
            .collect();
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
        let ended = ending.join().expect("the ending thread");
        for status in statuses {
            assert!(status.success(), "a worker gave up: {status}");
        }
        ended
    });
    assert!(
        ended >= 4,
        "only {ended} sessions were ended: the test tested little"
    );

    let status: serde_json::Value = serde_json::from_str(&stdout(&run(sanctum(data)
        .args(db)
        .args(["batch", "status", "--json", job.as_str()]))))
    .expect("status JSON");
    assert_eq!(status["state"], "done", "{status}");
    assert_eq!(status["done"], status["chunks"], "{status}");
    assert_eq!(status["failed"], 0, "{status}");
    assert_eq!(status["rows"], 300, "{status}");
    // Each chunk's alerts written once: the results are the single screening's lines.
    let results = stdout(&run(sanctum(data).args(db).args([
        "batch",
        "results",
        job.as_str(),
    ])));
    same_lines(&results, &single);
    eprintln!("{ended} queue sessions ended during the job: {status}");
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
        Replica::start_with(data, database, publisher, &[])
    }

    /// A replica with these environment variables set (its settings by environment, as
    /// a container would give them).
    fn start_with(data: &Path, database: &str, publisher: &str, env: &[(&str, &str)]) -> Replica {
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
            .envs(env.iter().copied())
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

    /// `POST path` with `key`, whatever its status: the status and the body.
    fn post(&self, path: &str, key: &str) -> (u16, String) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(120)))
            .http_status_as_error(false)
            .build()
            .into();
        let mut response = agent
            .post(&format!("{}{path}", self.url))
            .header("Authorization", &format!("Bearer {key}"))
            .send("")
            .unwrap_or_else(|e| panic!("POST {path}: {e}"));
        let mut text = String::new();
        response
            .body_mut()
            .as_reader()
            .read_to_string(&mut text)
            .expect("body");
        (response.status().as_u16(), text)
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

/// Two UN publications: the small fixture, stored as version 1 in the database through
/// `data`, and the next one (one individual more, a later date) served by a loopback
/// publisher; an admin key in `data`. The publisher's base URL and the key.
fn un_version_one_and_a_publisher_of_two(data: &Path, url: &str) -> (String, String) {
    let un = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../sources/tests/fixtures/un_sc/consolidated_small.xml");
    let first = std::fs::read_to_string(&un).expect("UN fixture");
    let start = first.find("<INDIVIDUAL>").expect("an individual");
    let end = first.find("</INDIVIDUAL>").expect("its end") + "</INDIVIDUAL>".len();
    let added = first[start..end]
        .replace("110447", "990001")
        .replace("MUHAMMAD", "ZEPHYRINUS")
        .replace("TAHER", "QUILLFEATHER")
        .replace("TAi.005", "TAi.990");
    let mut second = first.replace("2024-09-26T00:00:07.514Z", "2024-10-03T00:00:07.514Z");
    second.insert_str(start, &format!("{added}\n        "));

    let out = run(sanctum(data)
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
        stdout(&run(sanctum(data).args([
            "keys", "create", "--name", "admin", "--scope", "admin",
        ])))
        .trim()
        .to_string();
    (un_publisher(second), admin)
}

/// Stores UN version 2 through `a` and waits up to `limit` for `b` to serve it: how long
/// `b` took, `None` when it did not.
fn update_through_a_served_by_b(
    a: &Replica,
    b: &Replica,
    admin: &str,
    limit: Duration,
) -> Option<Duration> {
    assert_eq!(a.version_of("un_sc"), Some(1));
    assert_eq!(b.version_of("un_sc"), Some(1));
    let outcome = a.call("POST", "/v1/admin/update", Some(admin));
    assert_eq!(outcome["swapped"], true, "{outcome}");
    assert_eq!(a.version_of("un_sc"), Some(2));
    let stored = Instant::now();
    while b.version_of("un_sc") != Some(2) {
        if stored.elapsed() > limit {
            return None;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let took = stored.elapsed();
    let hits = b.call("GET", "/search/default?q=zephyrinus%20quillfeather", None);
    assert!(
        hits["results"]
            .as_array()
            .is_some_and(|r| r.iter().any(|h| h["caption"]
                .as_str()
                .is_some_and(|c| c.contains("ZEPHYRINUS")))),
        "{hits}"
    );
    Some(took)
}

#[test]
fn an_update_through_one_replica_is_served_by_the_other_within_five_seconds() {
    let test = "an_update_through_one_replica_is_served_by_the_other_within_five_seconds";
    let Some(database) = TestDatabase::create(test) else {
        return;
    };
    let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let url = database.url();
    let (publisher, admin) = un_version_one_and_a_publisher_of_two(a_dir.path(), url);
    let a = Replica::start(a_dir.path(), url, &publisher);
    let b = Replica::start(b_dir.path(), url, &publisher);
    let served = update_through_a_served_by_b(&a, &b, &admin, Duration::from_secs(5));
    assert!(
        served.is_some(),
        "replica B still served version 1 five seconds after A stored version 2"
    );
}

/// The sessions of the database that LISTEN for new versions (a listener's last statement).
fn listening_sessions(url: &str) -> i64 {
    let mut client = postgres::Client::connect(url, postgres::NoTls).expect("connect");
    client
        .query_one(
            "SELECT COUNT(*) FROM pg_stat_activity \
              WHERE datname = current_database() AND query = $1",
            &[&format!("LISTEN {}", sanctum_store::VERSIONS_CHANNEL)],
        )
        .expect("pg_stat_activity")
        .get(0)
}

#[test]
fn a_replica_that_does_not_listen_serves_a_new_version_within_its_polling_interval() {
    let test = "a_replica_that_does_not_listen_serves_a_new_version_within_its_polling_interval";
    let Some(database) = TestDatabase::create(test) else {
        return;
    };
    // B re-reads the store every 2 s; the swap itself (the small UN list) takes well under
    // the margin.
    const POLL: Duration = Duration::from_secs(2);
    const SWAP_MARGIN: Duration = Duration::from_secs(2);
    let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let url = database.url();
    let (publisher, admin) = un_version_one_and_a_publisher_of_two(a_dir.path(), url);
    let a = Replica::start(a_dir.path(), url, &publisher);
    let b = Replica::start_with(
        b_dir.path(),
        url,
        &publisher,
        &[
            ("SANCTUM_NO_LISTEN", "true"),
            ("SANCTUM_VERSION_POLL", "2s"),
        ],
    );
    // A's listener connects on a thread of its own: wait for it, then give B as long
    // again to show that it does not listen.
    let started = Instant::now();
    while listening_sessions(url) < 1 && started.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(listening_sessions(url), 1, "only replica A listens");

    let took = update_through_a_served_by_b(&a, &b, &admin, POLL + SWAP_MARGIN);
    assert!(
        took.is_some(),
        "replica B, polling every {POLL:?}, still served version 1 {:?} after A stored \
         version 2",
        POLL + SWAP_MARGIN
    );
    eprintln!("replica B served version 2 {took:?} after A stored it");
}

/// A review user added through the database, as `admin` (the first admin: none): its key.
fn add_user(data: &Path, url: &str, admin: Option<&str>, name: &str, role: &str) -> String {
    let mut cmd = sanctum(data);
    match admin {
        Some(key) => cmd.env("SANCTUM_KEY", key),
        None => cmd.env_remove("SANCTUM_KEY"),
    };
    stdout(&run(cmd.args([
        "--database",
        url,
        "users",
        "add",
        name,
        "--role",
        role,
    ])))
    .trim()
    .to_string()
}

/// The alerts in `state`: id → assignee.
fn alerts_in(
    data: &Path,
    url: &str,
    state: &str,
) -> std::collections::BTreeMap<i64, Option<String>> {
    let listed: serde_json::Value = serde_json::from_str(&stdout(&run(sanctum(data).args([
        "--database",
        url,
        "alerts",
        "list",
        "--state",
        state,
        "--limit",
        "100000",
        "--format",
        "json",
    ]))))
    .expect("alerts JSON");
    listed
        .as_array()
        .expect("a list of alerts")
        .iter()
        .map(|a| {
            (
                a["id"].as_i64().expect("id"),
                a["assignee"].as_str().map(str::to_string),
            )
        })
        .collect()
}

#[test]
fn fifty_claims_at_once_across_two_replicas_never_hand_one_alert_to_two_callers() {
    let test = "fifty_claims_at_once_across_two_replicas_never_hand_one_alert_to_two_callers";
    let Some(lists) = sanctum_testkit::shared_lists(test) else {
        return;
    };
    let Some(database) = TestDatabase::create(test) else {
        return;
    };
    // Enough customers for a few dozen alerts: fewer than the calls, so that the queue
    // runs dry during the run and the last callers are told so (204).
    const CUSTOMERS: usize = 120;
    const CALLS: usize = 50;
    const ANALYSTS: usize = 10;
    let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a_data, b_data) = (a_dir.path(), b_dir.path());
    let url = database.url();
    let customers = csl_and_customers(a_data, &["--database", url], &lists, CUSTOMERS);

    let root = add_user(a_data, url, None, "root", "admin");
    let analysts: Vec<(String, String)> = (0..ANALYSTS)
        .map(|i| {
            let name = format!("analyst{i}");
            let key = add_user(a_data, url, Some(&root), &name, "analyst");
            (name, key)
        })
        .collect();
    // The book screened as imported: the alerts of a real screening, in the database.
    let out = run(sanctum(a_data)
        .env("SANCTUM_KEY", &analysts[0].1)
        .args(["--database", url, "book", "import"])
        .arg(&customers));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let open = alerts_in(a_data, url, "open");
    assert!(open.len() >= 10, "too few alerts to claim: {open:?}");
    let audit_before = stdout(&run(sanctum(a_data).args([
        "--database",
        url,
        "audit",
        "verify",
    ])));

    // Both replicas know the keys (the key file is each replica's); the users and alerts
    // are the database's.
    std::fs::copy(a_data.join("api_keys.json"), b_data.join("api_keys.json")).expect("keys");
    let replicas = [
        Replica::start(a_data, url, "http://127.0.0.1:9"),
        Replica::start(b_data, url, "http://127.0.0.1:9"),
    ];
    let start = std::sync::Barrier::new(CALLS);
    let answers: Vec<(usize, u16, String)> = std::thread::scope(|scope| {
        let calls: Vec<_> = (0..CALLS)
            .map(|call| {
                let (replicas, analysts, start) = (&replicas, &analysts, &start);
                scope.spawn(move || {
                    let replica = &replicas[call % replicas.len()];
                    let key = &analysts[call % analysts.len()].1;
                    start.wait();
                    let (status, body) = replica.post("/v1/alerts/claim", key);
                    (call, status, body)
                })
            })
            .collect();
        calls
            .into_iter()
            .map(|call| call.join().expect("a claiming thread"))
            .collect()
    });

    // Alert → the callers it was handed to.
    let mut handed: std::collections::BTreeMap<i64, Vec<usize>> = Default::default();
    // Answers naming another holder than the caller: the alert was taken over between
    // its claim and the answer.
    let mut held_by_another = Vec::new();
    let mut nothing_waiting = 0;
    for (call, status, body) in &answers {
        match status {
            200 => {
                let decided: serde_json::Value = serde_json::from_str(body).expect("JSON");
                let alert = decided["transition"]["alert"].as_i64().expect("alert id");
                let analyst = &analysts[call % analysts.len()].0;
                if decided["alert"]["assignee"] != analyst.as_str() {
                    held_by_another.push((alert, analyst, decided["alert"]["assignee"].clone()));
                }
                assert!(open.contains_key(&alert), "alert {alert} was not waiting");
                handed.entry(alert).or_default().push(*call);
            }
            204 => nothing_waiting += 1,
            _ => panic!("call {call}: {status} {body}"),
        }
    }
    let doubles: Vec<_> = handed.iter().filter(|(_, calls)| calls.len() > 1).collect();
    assert!(
        doubles.is_empty(),
        "alerts handed to several callers (alert, calls): {doubles:?}"
    );
    assert!(
        held_by_another.is_empty(),
        "alerts claimed by one caller and held by another (alert, caller, holder): \
         {held_by_another:?}"
    );
    assert_eq!(
        handed.len(),
        open.len().min(CALLS),
        "every waiting alert is claimed while calls remain"
    );
    assert_eq!(nothing_waiting, CALLS - handed.len());
    // The database agrees: each alert claimed is in review, held by the one it was
    // handed to, and the audit chain took one entry per claim, intact.
    let in_review = alerts_in(a_data, url, "in_review");
    let expected: std::collections::BTreeMap<i64, Option<String>> = handed
        .iter()
        .map(|(alert, calls)| (*alert, Some(analysts[calls[0] % analysts.len()].0.clone())))
        .collect();
    assert_eq!(in_review, expected);
    let entries = |verified: &str| -> usize {
        verified
            .strip_prefix("audit trail intact: ")
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("not an intact trail: {verified}"))
    };
    let audit_after = stdout(&run(sanctum(a_data).args([
        "--database",
        url,
        "audit",
        "verify",
    ])));
    assert_eq!(entries(&audit_after), entries(&audit_before) + handed.len());
    eprintln!(
        "{} alerts waiting; {CALLS} claims across two replicas: {} handed out once each, {} \
         told none waits",
        open.len(),
        handed.len(),
        nothing_waiting
    );
}
