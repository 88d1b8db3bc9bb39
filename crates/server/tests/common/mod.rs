//! A server on 127.0.0.1:0 over a store built from hand-made FtM fixtures, and a real HTTP
//! client (ureq) to drive it.
#![allow(dead_code)]

use sanctum_model::Entity;
use sanctum_server::auth::{KeyStore, Scope};
use sanctum_server::{AppState, ServerConfig, Snapshot};
use sanctum_store::{IngestPolicy, NewVersion, Store};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

pub fn fixture_entities() -> Vec<Entity> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lists.ftm.json");
    let text = std::fs::read_to_string(&path).expect("fixture file");
    sanctum_model::ftm::read_entities(text.as_bytes(), "fixture").expect("fixture parses")
}

/// Stores `entities` as the next version of `source`.
pub fn ingest(store: &mut Store, source: &str, entities: Vec<Entity>, tag: &str) {
    let new = NewVersion {
        source: source.to_string(),
        published: None,
        fetched_at: jiff::Timestamp::now()
            .strftime("%Y-%m-%dT%H:%M:%SZ")
            .to_string(),
        sha256: format!("{:0>64}", tag),
        file_name: format!("{source}-{tag}.json"),
    };
    let policy = IngestPolicy {
        max_removed_fraction: 1.0,
        force: true,
    };
    store.ingest(new, entities, &policy).expect("ingest");
}

pub struct TestServer {
    pub url: String,
    pub state: AppState,
    pub admin_key: String,
    pub screen_key: String,
    pub read_key: String,
    pub agent: ureq::Agent,
    pub dir: tempfile::TempDir,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

pub fn start() -> TestServer {
    start_with(|_| {})
}

/// Starts a server on its own runtime thread; `tweak` adjusts the configuration.
pub fn start_with(tweak: impl FnOnce(&mut ServerConfig)) -> TestServer {
    start_with_entities(Vec::new(), tweak)
}

/// `count` made-up people whose names share common words, so that a query of those words
/// has every one of them for a candidate (a heavy scoring load from a small list).
pub fn crowd(count: usize) -> Vec<Entity> {
    const WORDS: [&str; 12] = [
        "Mohammed", "Ali", "Hassan", "Hussein", "Abdul", "Rahman", "Ahmad", "Mahmoud", "Ibrahim",
        "Khalid", "Omar", "Yusuf",
    ];
    let template = fixture_entities()
        .into_iter()
        .find(|e| e.source == "us_ofac_sdn" && e.kind == sanctum_model::EntityKind::Person)
        .expect("a listed person");
    (0..count)
        .map(|i| {
            let mut e = template.clone();
            e.source_id = format!("crowd-{i}");
            let name: Vec<&str> = (0..5)
                .map(|k| WORDS[(i * 7 + k * 5 + i / 12) % 12])
                .collect();
            e.names = vec![sanctum_model::Name::new(
                name.join(" "),
                sanctum_model::NameKind::Primary,
            )];
            e
        })
        .collect()
}

/// A query name of `words` words from [`crowd`]'s vocabulary.
pub fn crowd_name(words: usize, seed: usize) -> String {
    const WORDS: [&str; 12] = [
        "Mohammed", "Ali", "Hassan", "Hussein", "Abdul", "Rahman", "Ahmad", "Mahmoud", "Ibrahim",
        "Khalid", "Omar", "Yusuf",
    ];
    (0..words)
        .map(|k| WORDS[(seed + k * 5) % 12])
        .collect::<Vec<_>>()
        .join(" ")
}

/// [`start_with`], with `extra` parties listed besides the fixtures.
pub fn start_with_entities(
    extra: Vec<Entity>,
    tweak: impl FnOnce(&mut ServerConfig),
) -> TestServer {
    start_full(extra, None, tweak)
}

/// [`start_with_entities`], with an update hook.
pub fn start_full(
    extra: Vec<Entity>,
    updater: Option<sanctum_server::UpdateHook>,
    tweak: impl FnOnce(&mut ServerConfig),
) -> TestServer {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(dir.path()).expect("store");
    let mut by_source: BTreeMap<String, Vec<Entity>> = BTreeMap::new();
    for e in fixture_entities().into_iter().chain(extra) {
        by_source.entry(e.source.clone()).or_default().push(e);
    }
    for (source, entities) in by_source {
        ingest(&mut store, &source, entities, "1");
    }
    start_on(dir, store, updater, tweak)
}

/// Serves the store already in `dir` (its lists, and its review tables if any).
pub fn start_on(
    dir: tempfile::TempDir,
    store: Store,
    updater: Option<sanctum_server::UpdateHook>,
    tweak: impl FnOnce(&mut ServerConfig),
) -> TestServer {
    let mut config = ServerConfig::new(dir.path().to_path_buf());
    config.rate_limit_per_second = 0;
    tweak(&mut config);
    let keys = KeyStore::open(dir.path()).expect("keys");
    let (admin_key, _) = keys.create("admin", &[Scope::Admin]).expect("key");
    let (screen_key, _) = keys.create("screening", &[Scope::Screen]).expect("key");
    let (read_key, _) = keys.create("reader", &[Scope::Read]).expect("key");
    let snapshot = Snapshot::load(&store, &config.limits).expect("snapshot");
    let state = AppState::with_parts(config, store, keys, snapshot, updater);

    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let server_state = state.clone();
    let thread = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            addr_tx
                .send(listener.local_addr().expect("addr"))
                .expect("send");
            sanctum_server::serve(server_state, listener, async {
                let _ = rx.await;
            })
            .await
            .expect("serve");
        });
    });
    let addr = addr_rx
        .recv_timeout(Duration::from_secs(10))
        .expect("server address");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        // Redirects are answers under test (308 for an old entity id), not followed.
        .max_redirects(0)
        .max_redirects_will_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    TestServer {
        url: format!("http://{addr}"),
        state,
        admin_key,
        screen_key,
        read_key,
        agent,
        dir,
        shutdown: Some(tx),
        thread: Some(thread),
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A response: status, content type, body (parsed when JSON, else a string).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub headers: Vec<(String, String)>,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    /// Asserts a problem document with this status, returns its detail.
    pub fn problem(&self, status: u16) -> String {
        assert_eq!(self.status, status, "{}", self.text);
        assert!(
            self.content_type.starts_with("application/problem+json"),
            "content type {:?}: {}",
            self.content_type,
            self.text
        );
        let v = self.json();
        assert_eq!(v["status"], status);
        assert!(v["title"].is_string());
        let detail = v["detail"].as_str().expect("detail").to_string();
        assert!(
            !detail.contains("/work/") && !detail.contains("src/"),
            "{detail}"
        );
        detail
    }
}

fn reply(result: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
    let mut response = result.expect("request reached the server and was answered");
    let status = response.status().as_u16();
    let headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let text = response
        .body_mut()
        .with_config()
        .limit(64 << 20)
        .read_to_string()
        .expect("body");
    Reply {
        status,
        content_type,
        headers,
        text,
    }
}

impl TestServer {
    pub fn get(&self, path: &str, key: Option<&str>) -> Reply {
        let mut req = self.agent.get(format!("{}{path}", self.url));
        if let Some(k) = key {
            req = req.header("Authorization", format!("Bearer {k}"));
        }
        reply(req.call())
    }

    pub fn post(&self, path: &str, key: Option<&str>, body: &str) -> Reply {
        let mut req = self
            .agent
            .post(format!("{}{path}", self.url))
            .header("Content-Type", "application/json");
        if let Some(k) = key {
            req = req.header("Authorization", format!("Bearer {k}"));
        }
        reply(req.send(body))
    }

    /// POSTs `body` as it is, with `content_type`.
    pub fn post_raw(
        &self,
        path: &str,
        key: Option<&str>,
        content_type: &str,
        body: &[u8],
    ) -> Reply {
        let mut req = self
            .agent
            .post(format!("{}{path}", self.url))
            .header("Content-Type", content_type);
        if let Some(k) = key {
            req = req.header("Authorization", format!("Bearer {k}"));
        }
        reply(req.send(body))
    }

    pub fn delete(&self, path: &str, key: Option<&str>) -> Reply {
        let mut req = self.agent.delete(format!("{}{path}", self.url));
        if let Some(k) = key {
            req = req.header("Authorization", format!("Bearer {k}"));
        }
        reply(req.call())
    }
}

impl TestServer {
    /// The server's `host:port`.
    pub fn addr(&self) -> &str {
        self.url.trim_start_matches("http://")
    }

    /// Sends `request` as written on a fresh connection and returns everything the server
    /// answers until it closes the connection (or `wait` passes).
    pub fn raw(&self, request: &[u8], wait: Duration) -> String {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(self.addr()).expect("connect");
        stream.set_read_timeout(Some(wait)).expect("timeout");
        stream.write_all(request).expect("send");
        let mut out = Vec::new();
        let _ = stream.read_to_end(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    }
}
