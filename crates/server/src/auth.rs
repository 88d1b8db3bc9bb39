//! API keys and request rate limits.
//!
//! A key is 32 random bytes, shown once as `sk_` + 64 hex digits. The keys file
//! (`api_keys.json` in the data directory, mode 0600) keeps only each key's SHA-256. A plain
//! SHA-256 is adequate here, unlike for passwords: a 256-bit random key cannot be guessed
//! or brute-forced from its hash, so a slow, salted hash (argon2, bcrypt) would add no
//! protection and would cost every request milliseconds. Keys are looked up by hash, so the
//! comparison leaks nothing about a stored key through its timing.

use crate::error::ApiError;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, RwLock};
use std::time::Instant;
use utoipa::ToSchema;

/// What a key may do. `admin` implies the other two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Match and screen: /match, /v1/screen.
    Screen,
    /// Read the lists: /search, /entities, /catalog, versions and diffs.
    Read,
    /// Trigger updates, manage keys.
    Admin,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Screen => "screen",
            Scope::Read => "read",
            Scope::Admin => "admin",
        }
    }
    pub fn parse(text: &str) -> Option<Scope> {
        match text.trim().to_ascii_lowercase().as_str() {
            "screen" => Some(Scope::Screen),
            "read" => Some(Scope::Read),
            "admin" => Some(Scope::Admin),
            _ => None,
        }
    }
}

/// A stored key: its hash, never the key.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct KeyRecord {
    /// Public identifier of the key (the first 8 hex digits of its hash).
    pub id: String,
    pub name: String,
    pub scopes: Vec<Scope>,
    pub created_at: String,
    /// Lower-case hex SHA-256 of the key.
    #[serde(rename = "sha256")]
    pub hash: String,
    /// The review user the key acts as (`sanctum users add`), so every alert decision is
    /// attributable; `None` for a service key. Absent from files written before users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
}

impl KeyRecord {
    pub fn allows(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope) || self.scopes.contains(&Scope::Admin)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{path}: {reason}")]
    File { path: PathBuf, reason: String },
    #[error("no random source: {0}")]
    Random(String),
}

/// Whether a character must not reach a terminal raw from data: C0 and C1 controls (escape
/// sequences start with one), DEL, bidirectional controls (they reorder what is shown), and
/// the line and paragraph separators. The one definition: the CLI escapes these on output,
/// the API refuses key names holding them.
pub fn is_unprintable(c: char) -> bool {
    c.is_control() || sanctum_matcher::is_bidi_control(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// What identifies one state of the keys file: a change through a rename gives a new inode,
/// so two writes within the file system's time resolution are still told apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileStamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    inode: u64,
}

fn stamp(path: &Path) -> Option<FileStamp> {
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let inode = 0;
    Some(FileStamp {
        len: meta.len(),
        modified: meta.modified().ok(),
        inode,
    })
}

/// The keys, kept in one JSON file and in memory.
///
/// Every change, from the server (`/v1/admin/keys`) or the CLI (`sanctum keys`), follows one
/// protocol: take an exclusive lock on `api_keys.lock`, read the file as it is now, change
/// that, write it to a new temporary file (mode 0600, created exclusively, never through a
/// symbolic link) and rename it over the old one, then release the lock. A change therefore
/// never writes back a stale table: a key revoked or created by another process a moment
/// before stays revoked or created (a server once wrote its in-memory table over the file,
/// undoing a `keys revoke` made since its last re-read). Readers need no lock: a rename
/// replaces the file whole.
pub struct KeyStore {
    path: Option<PathBuf>,
    by_hash: RwLock<HashMap<String, KeyRecord>>,
    /// The file's state when last read. Lock order: `loaded` before `by_hash`, in every
    /// method (the 2 s reload and a key created through the API once deadlocked taking them
    /// in opposite orders); the file lock is taken while `loaded` is held.
    loaded: Mutex<Option<FileStamp>>,
}

pub fn hash_key(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

fn by_hash(records: Vec<KeyRecord>) -> HashMap<String, KeyRecord> {
    records.into_iter().map(|r| (r.hash.clone(), r)).collect()
}

/// Opens a file for writing without following a symbolic link at `path`.
fn open_options(create_new: bool) -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true);
    if create_new {
        options.create_new(true);
    } else {
        options.create(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    options
}

impl KeyStore {
    pub const FILE_NAME: &'static str = "api_keys.json";
    /// The lock every change takes.
    pub const LOCK_FILE_NAME: &'static str = "api_keys.lock";

    /// Keys held in memory only (tests).
    pub fn in_memory() -> KeyStore {
        KeyStore {
            path: None,
            by_hash: RwLock::new(HashMap::new()),
            loaded: Mutex::new(None),
        }
    }

    /// Loads `api_keys.json` from the data directory; no file means no keys yet.
    pub fn open(data_dir: &Path) -> Result<KeyStore, KeyError> {
        let path = data_dir.join(Self::FILE_NAME);
        let loaded = stamp(&path);
        let records = Self::read(&path)?;
        Ok(KeyStore {
            path: Some(path),
            by_hash: RwLock::new(by_hash(records)),
            loaded: Mutex::new(loaded),
        })
    }

    /// Re-reads the file when another process (`sanctum keys`) changed it. A file that
    /// cannot be read leaves the keys in memory as they were.
    pub fn reload_if_changed(&self) {
        let Some(path) = &self.path else {
            return;
        };
        let Ok(mut loaded) = self.loaded.lock() else {
            return;
        };
        let now = stamp(path);
        if *loaded == now {
            return;
        }
        match Self::read(path) {
            Ok(records) => {
                if let Ok(mut map) = self.by_hash.write() {
                    *map = by_hash(records);
                    *loaded = now;
                }
            }
            Err(e) => eprintln!("sanctum serve: keeping the keys loaded before: {e}"),
        }
    }

    fn read(path: &Path) -> Result<Vec<KeyRecord>, KeyError> {
        let path = path.to_path_buf();
        let records: Vec<KeyRecord> = match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| KeyError::File {
                path: path.clone(),
                reason: format!("not a keys file: {e}"),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => {
                return Err(KeyError::File {
                    path,
                    reason: e.to_string(),
                });
            }
        };
        Ok(records)
    }

    pub fn is_empty(&self) -> bool {
        self.by_hash.read().map(|m| m.is_empty()).unwrap_or(true)
    }

    pub fn lookup(&self, key: &str) -> Option<KeyRecord> {
        let hash = hash_key(key);
        self.by_hash.read().ok()?.get(&hash).cloned()
    }

    pub fn list(&self) -> Vec<KeyRecord> {
        let mut out: Vec<KeyRecord> = self
            .by_hash
            .read()
            .map(|m| m.values().cloned().collect())
            .unwrap_or_default();
        out.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
        out
    }

    /// Creates a key; returns the key itself (shown once) and its record.
    pub fn create(&self, name: &str, scopes: &[Scope]) -> Result<(String, KeyRecord), KeyError> {
        self.create_for(name, scopes, None)
    }

    /// Creates a key acting as review user `user` (`None`: a service key).
    pub fn create_for(
        &self,
        name: &str,
        scopes: &[Scope],
        user: Option<&str>,
    ) -> Result<(String, KeyRecord), KeyError> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| KeyError::Random(e.to_string()))?;
        let key = format!("sk_{}", hex::encode(bytes));
        let hash = hash_key(&key);
        let mut scopes = scopes.to_vec();
        scopes.sort_by_key(|s| s.as_str());
        scopes.dedup();
        let record = KeyRecord {
            id: hash.chars().take(8).collect(),
            name: name.to_string(),
            scopes,
            created_at: jiff::Timestamp::now()
                .strftime("%Y-%m-%dT%H:%M:%SZ")
                .to_string(),
            hash,
            user: user.map(str::to_string),
        };
        let stored = record.clone();
        self.change(move |records| {
            records.push(stored);
            true
        })?;
        Ok((key, record))
    }

    /// Revokes a key by id; false when there is none.
    pub fn revoke(&self, id: &str) -> Result<bool, KeyError> {
        self.change(|records| {
            let before = records.len();
            records.retain(|r| r.id != id);
            records.len() != before
        })
    }

    fn file_error(&self, reason: impl std::fmt::Display) -> KeyError {
        KeyError::File {
            path: self.path.clone().unwrap_or_default(),
            reason: reason.to_string(),
        }
    }

    /// One change by the protocol in [`KeyStore`]'s doc: `f` changes the records as the
    /// file holds them now and says whether it changed anything (nothing is written then).
    /// The table in memory becomes the file's.
    fn change(&self, f: impl FnOnce(&mut Vec<KeyRecord>) -> bool) -> Result<bool, KeyError> {
        let mut loaded = self
            .loaded
            .lock()
            .map_err(|_| self.file_error("key table poisoned"))?;
        let Some(path) = &self.path else {
            let mut map = self
                .by_hash
                .write()
                .map_err(|_| self.file_error("key table poisoned"))?;
            let mut records: Vec<KeyRecord> = map.values().cloned().collect();
            let changed = f(&mut records);
            *map = by_hash(records);
            return Ok(changed);
        };
        let err = |e: std::io::Error| KeyError::File {
            path: path.clone(),
            reason: e.to_string(),
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(err)?;
        }
        let lock_path = path.with_file_name(Self::LOCK_FILE_NAME);
        let lock = open_options(false)
            .open(&lock_path)
            .map_err(|e| KeyError::File {
                path: lock_path.clone(),
                reason: e.to_string(),
            })?;
        lock.lock().map_err(|e| KeyError::File {
            path: lock_path.clone(),
            reason: format!("locking: {e}"),
        })?;
        let mut records = Self::read(path)?;
        let changed = f(&mut records);
        if changed {
            records.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
            Self::write(path, &records)?;
        }
        let now = stamp(path);
        // The lock is released when `lock` is dropped; the table in memory follows the file.
        drop(lock);
        let mut map = self
            .by_hash
            .write()
            .map_err(|_| self.file_error("key table poisoned"))?;
        *map = by_hash(records);
        *loaded = now;
        Ok(changed)
    }

    /// Writes the records to a new temporary file and renames it over the keys file, so a
    /// crash leaves one or the other whole. Called with the lock held: a temporary file
    /// already there is a crashed writer's, and is removed (never written through: it may
    /// be a symbolic link planted to make the server overwrite another file).
    fn write(path: &Path, records: &[KeyRecord]) -> Result<(), KeyError> {
        use std::io::Write as _;
        let err = |e: std::io::Error| KeyError::File {
            path: path.to_path_buf(),
            reason: e.to_string(),
        };
        let text = serde_json::to_string_pretty(records).map_err(|e| KeyError::File {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        let tmp = path.with_extension("json.tmp");
        let mut file = match open_options(true).open(&tmp) {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                std::fs::remove_file(&tmp).map_err(err)?;
                open_options(true).open(&tmp).map_err(err)?
            }
            other => other.map_err(err)?,
        };
        file.write_all(text.as_bytes()).map_err(err)?;
        file.sync_all().map_err(err)?;
        drop(file);
        std::fs::rename(&tmp, path).map_err(err)?;
        // The rename itself is durable once the directory is synced.
        if let Some(dir) = path.parent()
            && let Ok(dir) = std::fs::File::open(dir)
        {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

/// A token bucket per caller (key id, or client address for anonymous callers).
pub struct RateLimiter {
    per_second: f64,
    burst: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl RateLimiter {
    /// `per_second == 0` disables the limit.
    pub fn new(per_second: u32, burst: u32) -> Self {
        RateLimiter {
            per_second: f64::from(per_second),
            burst: f64::from(burst.max(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes `cost` tokens for the caller, or says how many seconds to wait.
    pub fn check(&self, caller: &str, cost: f64) -> Result<(), ApiError> {
        if self.per_second <= 0.0 {
            return Ok(());
        }
        let now = Instant::now();
        let Ok(mut buckets) = self.buckets.lock() else {
            return Ok(());
        };
        // Bounded memory: forget idle callers once the table grows large.
        if buckets.len() > 100_000 {
            let refill = self.burst / self.per_second;
            buckets.retain(|_, (_, t)| now.duration_since(*t).as_secs_f64() < refill);
        }
        let (tokens, last) = buckets
            .entry(caller.to_string())
            .or_insert((self.burst, now));
        let elapsed = now.duration_since(*last).as_secs_f64();
        *tokens = (*tokens + elapsed * self.per_second).min(self.burst);
        *last = now;
        if *tokens >= cost {
            *tokens -= cost;
            Ok(())
        } else {
            let wait = ((cost - *tokens) / self.per_second).ceil().max(1.0) as u64;
            Err(ApiError {
                status: StatusCode::TOO_MANY_REQUESTS,
                detail: format!(
                    "rate limit of {} requests per second exceeded; retry in {wait} s",
                    self.per_second
                ),
                retry_after: Some(wait),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Duration;

    /// Keys created and revoked while the file is re-read: both lock the key table and the
    /// file time, and once took them in opposite orders (a deadlock that hung CI).
    #[test]
    fn keys_change_while_the_file_is_reloaded() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Arc::new(KeyStore::open(dir.path()).expect("keys"));
        let (done_tx, done_rx) = std::sync::mpsc::channel();
        let writer = Arc::clone(&store);
        let reloader = Arc::clone(&store);
        std::thread::spawn(move || {
            let reloads = std::thread::spawn(move || {
                for _ in 0..2_000 {
                    reloader.reload_if_changed();
                }
            });
            for i in 0..200 {
                let (key, record) = writer
                    .create(&format!("k{i}"), &[Scope::Read])
                    .expect("create");
                assert!(writer.lookup(&key).is_some());
                assert!(writer.revoke(&record.id).expect("revoke"));
                assert!(writer.lookup(&key).is_none());
            }
            reloads.join().expect("reloads");
            let _ = done_tx.send(());
        });
        done_rx
            .recv_timeout(Duration::from_secs(60))
            .expect("key changes and reloads finish (no deadlock)");
        assert!(store.is_empty());
        // Another process's change is picked up.
        let other = KeyStore::open(dir.path()).expect("keys");
        let (key, _) = other.create("cli", &[Scope::Admin]).expect("create");
        std::thread::sleep(Duration::from_millis(20));
        store.reload_if_changed();
        assert_eq!(store.lookup(&key).map(|r| r.name), Some("cli".to_string()));
    }

    /// A server and the CLI, each with its own view of the keys: a change through one
    /// never undoes the other's (a server's key creation once wrote back a key the CLI had
    /// just revoked, and dropped a key the CLI had just created).
    #[test]
    fn a_change_through_one_store_keeps_the_others_changes() {
        let dir = tempfile::tempdir().expect("temp dir");
        let server = KeyStore::open(dir.path()).expect("keys");
        let (admin, _) = server.create("admin", &[Scope::Admin]).expect("create");
        let (old, old_record) = server.create("old", &[Scope::Read]).expect("create");
        let cli = KeyStore::open(dir.path()).expect("keys");
        assert!(cli.revoke(&old_record.id).expect("revoke"));
        let (from_cli, _) = cli.create("cli", &[Scope::Screen]).expect("create");
        // The server has not re-read the file since.
        let (new, _) = server.create("new", &[Scope::Read]).expect("create");
        let file = KeyStore::open(dir.path()).expect("keys");
        assert!(file.lookup(&old).is_none(), "a revoked key came back");
        assert!(file.lookup(&from_cli).is_some(), "the CLI's key was lost");
        assert!(file.lookup(&new).is_some() && file.lookup(&admin).is_some());
        // The server knows at once, without waiting for its re-read.
        assert!(server.lookup(&old).is_none());
        assert!(server.lookup(&from_cli).is_some());
        // A revocation through the server of a key it never saw loaded works too.
        let id = &file.lookup(&from_cli).expect("record").id;
        assert!(server.revoke(id).expect("revoke"));
        assert!(
            KeyStore::open(dir.path())
                .expect("keys")
                .lookup(&from_cli)
                .is_none()
        );
    }

    #[test]
    fn concurrent_changes_from_two_stores_all_land() {
        let dir = tempfile::tempdir().expect("temp dir");
        let stores = [
            Arc::new(KeyStore::open(dir.path()).expect("keys")),
            Arc::new(KeyStore::open(dir.path()).expect("keys")),
        ];
        let writers: Vec<_> = stores
            .iter()
            .map(|store| {
                let store = store.clone();
                std::thread::spawn(move || {
                    (0..40)
                        .map(|i| {
                            store
                                .create(&format!("k{i}"), &[Scope::Read])
                                .expect("create")
                                .0
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let keys: Vec<String> = writers
            .into_iter()
            .flat_map(|w| w.join().expect("writer"))
            .collect();
        let file = KeyStore::open(dir.path()).expect("keys");
        assert_eq!(file.list().len(), 80);
        assert!(keys.iter().all(|k| file.lookup(k).is_some()));
    }

    #[cfg(unix)]
    #[test]
    fn the_keys_file_is_written_0600_never_through_a_planted_link() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, "precious").expect("victim");
        std::os::unix::fs::symlink(&victim, dir.path().join("api_keys.json.tmp")).expect("link");
        let store = KeyStore::open(dir.path()).expect("keys");
        let (key, _) = store.create("k", &[Scope::Read]).expect("create");
        assert_eq!(
            std::fs::read_to_string(&victim).expect("victim"),
            "precious"
        );
        let path = dir.path().join(KeyStore::FILE_NAME);
        let mode = std::fs::metadata(&path)
            .expect("keys file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "mode {mode:o}");
        assert!(
            !std::fs::symlink_metadata(&path)
                .expect("meta")
                .file_type()
                .is_symlink()
        );
        assert!(
            KeyStore::open(dir.path())
                .expect("keys")
                .lookup(&key)
                .is_some()
        );
    }

    #[test]
    fn a_key_names_its_user_and_an_old_file_without_users_still_reads() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join("api_keys.json"),
            r#"[{"id":"abcd1234","name":"old","scopes":["read"],"created_at":"2026-01-01T00:00:00Z","sha256":"abcd1234ef"}]"#,
        )
        .expect("write");
        let store = KeyStore::open(dir.path()).expect("open");
        assert_eq!(store.list()[0].user, None);
        let (key, record) = store
            .create_for("ana's key", &[Scope::Read], Some("ana"))
            .expect("create");
        assert_eq!(record.user.as_deref(), Some("ana"));
        let reopened = KeyStore::open(dir.path()).expect("open");
        assert_eq!(
            reopened.lookup(&key).and_then(|r| r.user).as_deref(),
            Some("ana")
        );
    }

    #[test]
    fn unprintable_characters_are_escaped() {
        assert!(is_unprintable('\u{1b}') && is_unprintable('\u{202e}'));
        assert!(!"Zoë 李".chars().any(is_unprintable));
    }
}
