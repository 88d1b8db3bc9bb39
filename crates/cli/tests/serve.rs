//! `sanctum serve` as a process, with `sanctum keys` and `sanctum update` as other processes
//! beside it: keys changed by both, updates that fail, updates that outlive their time.

mod common;

use common::{run, sanctum};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The UN fixture list: stored first with `--from`, then served by the fake publisher.
fn un_fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../sources/tests/fixtures/un_sc/consolidated_small.xml")
}

/// How the fake publisher answers.
#[derive(Clone)]
enum Publisher {
    /// 503 to every request: an outage.
    Down,
    /// The UN file for un_sc's main file, 404 for anything else.
    Serving(PathBuf),
    /// Accepts connections and never answers.
    Hanging,
}

/// A loopback HTTP server standing in for every publisher.
fn publisher(mode: Arc<Mutex<Publisher>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mode = mode.lock().expect("mode").clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut request_line = String::new();
                let _ = reader.read_line(&mut request_line);
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let mut stream = stream;
                let path = request_line
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or("/")
                    .to_string();
                let answer = match mode {
                    Publisher::Hanging => {
                        std::thread::sleep(Duration::from_secs(120));
                        return;
                    }
                    Publisher::Down => b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".to_vec(),
                    Publisher::Serving(file) if path == "/un_sc/main" => {
                        let body = std::fs::read(file).expect("fixture");
                        let mut r = format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", body.len()).into_bytes();
                        r.extend(body);
                        r
                    }
                    Publisher::Serving(_) => b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".to_vec(),
                };
                let _ = stream.write_all(&answer);
            });
        }
    });
    base
}

/// A running `sanctum serve`, stopped when dropped.
struct Server {
    child: Child,
    url: String,
    agent: ureq::Agent,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Reply {
    status: u16,
    text: String,
}

impl Reply {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
}

impl Server {
    /// Starts `sanctum serve` on a free port; every catalog URL points at `publisher`.
    fn start(data: &Path, config: &Path, publisher: &str, args: &[&str]) -> Server {
        let mut cmd = sanctum(data);
        cmd.arg("--config")
            .arg(config)
            .args(["serve", "--bind", "127.0.0.1:0", "--rate-limit", "0"])
            .args(args)
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
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        stdout.read_line(&mut line).expect("the listening line");
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_string();
        // Keep draining stdout so the server never blocks on it.
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut stdout, &mut std::io::sink());
        });
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        Server { child, url, agent }
    }

    fn call(&self, method: &str, path: &str, key: Option<&str>, body: Option<&str>) -> Reply {
        let url = format!("{}{path}", self.url);
        let auth = key.map(|k| format!("Bearer {k}"));
        let result = match (method, body) {
            ("GET", _) => {
                let mut r = self.agent.get(&url);
                if let Some(a) = &auth {
                    r = r.header("Authorization", a);
                }
                r.call()
            }
            ("DELETE", _) => {
                let mut r = self.agent.delete(&url);
                if let Some(a) = &auth {
                    r = r.header("Authorization", a);
                }
                r.call()
            }
            (_, body) => {
                let mut r = self
                    .agent
                    .post(&url)
                    .header("Content-Type", "application/json");
                if let Some(a) = &auth {
                    r = r.header("Authorization", a);
                }
                r.send(body.unwrap_or(""))
            }
        };
        let mut response = result.expect("the server answered");
        let status = response.status().as_u16();
        let mut text = String::new();
        let _ = response.body_mut().as_reader().read_to_string(&mut text);
        Reply { status, text }
    }
}

/// Creates a key with the CLI; returns it.
fn cli_key(data: &Path, name: &str, scope: &str) -> String {
    let out = run(sanctum(data).args(["keys", "create", "--name", name, "--scope", scope]));
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn key_id(data: &Path, key: &str) -> String {
    let file = std::fs::read_to_string(data.join("api_keys.json")).expect("keys file");
    let records: serde_json::Value = serde_json::from_str(&file).expect("keys JSON");
    let hash = sha256_hex(key);
    records
        .as_array()
        .expect("records")
        .iter()
        .find(|r| r["sha256"] == hash.as_str())
        .map(|r| r["id"].as_str().expect("id").to_string())
        .unwrap_or_else(|| panic!("no record for the key in {file}"))
}

fn sha256_hex(key: &str) -> String {
    sanctum_server::auth::hash_key(key)
}

fn file_has(data: &Path, key: &str) -> bool {
    let file = std::fs::read_to_string(data.join("api_keys.json")).expect("keys file");
    file.contains(&sha256_hex(key))
}

fn config(dir: &Path, extra: &str) -> PathBuf {
    let path = dir.join("sanctum.toml");
    std::fs::write(
        &path,
        format!("[update]\nretries = 0\nbackoff_ms = 10\ntimeout_secs = 60\n{extra}"),
    )
    .expect("config");
    path
}

#[test]
fn keys_changed_by_the_cli_and_the_server_at_once_all_hold() {
    let data = tempfile::tempdir().expect("data dir");
    let conf_dir = tempfile::tempdir().expect("config dir");
    let config = config(conf_dir.path(), "");
    let admin = cli_key(data.path(), "admin", "admin");
    let server = Server::start(data.path(), &config, "http://127.0.0.1:9", &[]);
    for round in 0..3 {
        // The CLI revokes a key the server has loaded, and the server creates one at once,
        // before its periodic re-read of the file.
        let victim = cli_key(data.path(), &format!("victim{round}"), "read");
        std::thread::sleep(Duration::from_millis(2100)); // the server has loaded it
        assert_eq!(
            server.call("GET", "/catalog", Some(&victim), None).status,
            200
        );
        let id = key_id(data.path(), &victim);
        assert!(
            run(sanctum(data.path()).args(["keys", "revoke", &id]))
                .status
                .success()
        );
        let r = server.call(
            "POST",
            "/v1/admin/keys",
            Some(&admin),
            Some(&format!(r#"{{"name": "api{round}", "scopes": ["read"]}}"#)),
        );
        assert_eq!(r.status, 201, "{}", r.text);
        let from_api = r.json()["key"].as_str().expect("key").to_string();
        assert!(
            !file_has(data.path(), &victim),
            "round {round}: a revoked key came back"
        );
        assert_eq!(
            server.call("GET", "/catalog", Some(&victim), None).status,
            401,
            "round {round}: the revoked key still works"
        );
        // The CLI creates a key, and the server revokes another at once.
        let from_cli = cli_key(data.path(), &format!("cli{round}"), "read");
        let api_id = r.json()["record"]["id"].as_str().expect("id").to_string();
        let r = server.call(
            "DELETE",
            &format!("/v1/admin/keys/{api_id}"),
            Some(&admin),
            None,
        );
        assert_eq!(r.status, 204, "{}", r.text);
        assert!(
            file_has(data.path(), &from_cli),
            "round {round}: the CLI's key was lost"
        );
        assert!(!file_has(data.path(), &from_api));
        assert_eq!(
            server.call("GET", "/catalog", Some(&from_cli), None).status,
            200
        );
    }
}

#[test]
fn keys_list_escapes_control_characters_in_names() {
    let data = tempfile::tempdir().expect("data dir");
    let record = serde_json::json!([{
        "id": "0123abcd",
        "name": "ops\u{1b}]0;pwned\u{7}\u{1b}[2J\u{202e}",
        "scopes": ["read"],
        "created_at": "2026-12-01T00:00:00Z",
        "sha256": "0123abcd".repeat(8),
    }]);
    std::fs::write(data.path().join("api_keys.json"), record.to_string()).expect("keys file");
    let out = run(sanctum(data.path()).args(["keys", "list"]));
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\u{202e}'));
    assert!(text.contains("ops\\u{1b}]0;pwned"), "{text}");
    let out = run(sanctum(data.path()).args([
        "keys",
        "create",
        "--name",
        "a\u{1b}[31m",
        "--scope",
        "read",
    ]));
    assert!(!out.status.success());
}

#[test]
fn a_failed_update_leaves_a_stale_source_stale() {
    let data = tempfile::tempdir().expect("data dir");
    let conf_dir = tempfile::tempdir().expect("config dir");
    let config = config(conf_dir.path(), "[limits]\nmax_batch = 2\n");
    let out = run(sanctum(data.path())
        .arg("--config")
        .arg(&config)
        .args(["update", "un_sc", "--from"])
        .arg(un_fixture()));
    assert!(out.status.success());
    let admin = cli_key(data.path(), "admin", "admin");
    let mode = Arc::new(Mutex::new(Publisher::Down));
    let base = publisher(mode.clone());
    let server = Server::start(data.path(), &config, &base, &["--max-age", "2s"]);
    // [limits] reaches the server.
    let r = server.call(
        "POST",
        "/v1/screen/batch",
        Some(&admin),
        Some(r#"{"records": [{"name": "a"}, {"name": "b"}, {"name": "c"}]}"#),
    );
    assert_eq!(r.status, 413, "{}", r.text);
    std::thread::sleep(Duration::from_millis(3100));
    let stale = |server: &Server| {
        let metrics = server.call("GET", "/metrics", None, None).text;
        metrics.contains("sanctum_source_stale{source=\"un_sc\"} 1")
    };
    assert_eq!(server.call("GET", "/readyz", None, None).status, 503);
    assert!(stale(&server));

    // Every download fails: nothing is confirmed, the source stays stale.
    let r = server.call("POST", "/v1/admin/update", Some(&admin), None);
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json()["unconfirmed"],
        serde_json::json!(["un_sc"]),
        "{}",
        r.text
    );
    let ready = server.call("GET", "/readyz", None, None);
    assert_eq!(
        ready.status, 503,
        "a failed update made the source fresh: {}",
        ready.text
    );
    assert!(stale(&server));
    let metrics = server.call("GET", "/metrics", None, None).text;
    assert!(
        metrics.contains("sanctum_update_failures_total{source=\"un_sc\"} 1"),
        "{metrics}"
    );

    // The publisher is back with the same file: a confirmed fetch, no new version.
    *mode.lock().expect("mode") = Publisher::Serving(un_fixture());
    let r = server.call("POST", "/v1/admin/update", Some(&admin), None);
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["unconfirmed"], serde_json::json!([]), "{}", r.text);
    assert_eq!(r.json()["swapped"], false, "{}", r.text);
    let ready = server.call("GET", "/readyz", None, None);
    assert_eq!(ready.status, 200, "{}", ready.text);
    assert!(!stale(&server));
    let versions = server.call("GET", "/v1/sources/un_sc/versions", Some(&admin), None);
    assert_eq!(
        versions.json().as_array().map(Vec::len),
        Some(1),
        "{}",
        versions.text
    );
}

#[test]
fn an_update_past_its_time_is_stopped_and_another_can_run() {
    let data = tempfile::tempdir().expect("data dir");
    let conf_dir = tempfile::tempdir().expect("config dir");
    let config = config(conf_dir.path(), "[limits]\nupdate_timeout = 2\n");
    let admin = cli_key(data.path(), "admin", "admin");
    let mode = Arc::new(Mutex::new(Publisher::Hanging));
    let base = publisher(mode.clone());
    let server = Server::start(data.path(), &config, &base, &[]);
    let started = Instant::now();
    let r = server.call("POST", "/v1/admin/update", Some(&admin), None);
    let took = started.elapsed();
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert_eq!(r.json()["fetched"], false, "{}", r.text);
    let state = server
        .call("GET", "/v1/admin/update", Some(&admin), None)
        .json();
    assert_eq!(state["running"], false, "{state}");
    let ready = server.call("GET", "/readyz", None, None).text;
    assert!(ready.contains("update_timeout"), "{ready}");
    // No update is left holding the server: the next one starts.
    *mode.lock().expect("mode") = Publisher::Down;
    let r = server.call("POST", "/v1/admin/update", Some(&admin), None);
    assert_eq!(r.status, 200, "{}", r.text);
}

#[test]
fn serve_on_a_postgresql_database_offers_the_review_api_from_it() {
    let test = "serve_on_a_postgresql_database_offers_the_review_api_from_it";
    let Some(database) = sanctum_testkit::postgres::TestDatabase::create(test) else {
        return;
    };
    let url = database.url();
    let data = tempfile::tempdir().expect("data dir");
    let conf_dir = tempfile::tempdir().expect("config dir");
    let config = config(conf_dir.path(), "");
    // The user is added in the database; its key, as always, in the data directory's key
    // file.
    let out = run(sanctum(data.path()).args([
        "--database",
        url,
        "users",
        "add",
        "root",
        "--role",
        "admin",
    ]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key = String::from_utf8_lossy(&out.stdout).trim().to_string();
    // The server runs on another data directory holding only the key file: the user it
    // names can be found in the database alone.
    let served = tempfile::tempdir().expect("served data dir");
    std::fs::copy(
        data.path().join("api_keys.json"),
        served.path().join("api_keys.json"),
    )
    .expect("key file");
    let server = Server::start(
        served.path(),
        &config,
        "http://127.0.0.1:9",
        &["--database", url],
    );
    let head = server.call("GET", "/v1/audit/head", Some(&key), None);
    assert_eq!(head.status, 200, "{}", head.text);
    // user.add and key.create, recorded in PostgreSQL by the CLI.
    assert_eq!(head.json()["seq"], 2, "{}", head.text);
}
