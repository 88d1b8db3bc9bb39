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

/// The keys, loaded from and saved to one JSON file.
pub struct KeyStore {
    path: Option<PathBuf>,
    by_hash: RwLock<HashMap<String, KeyRecord>>,
    /// The file's modification time when last read, to pick up `sanctum keys` changes.
    /// Lock order: `loaded` before `by_hash`, in every method (the 2 s reload and a key
    /// created through the API once deadlocked taking them in opposite orders).
    loaded: Mutex<Option<std::time::SystemTime>>,
}

pub fn hash_key(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

impl KeyStore {
    pub const FILE_NAME: &'static str = "api_keys.json";

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
        let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
        let records = Self::read(&path)?;
        Ok(KeyStore {
            path: Some(path),
            by_hash: RwLock::new(records.into_iter().map(|r| (r.hash.clone(), r)).collect()),
            loaded: Mutex::new(modified),
        })
    }

    /// Re-reads the file when another process (`sanctum keys`) changed it. A file that
    /// cannot be read leaves the keys in memory as they were.
    pub fn reload_if_changed(&self) {
        let Some(path) = &self.path else {
            return;
        };
        let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
        let Ok(mut loaded) = self.loaded.lock() else {
            return;
        };
        if *loaded == modified {
            return;
        }
        match Self::read(path) {
            Ok(records) => {
                if let Ok(mut map) = self.by_hash.write() {
                    *map = records.into_iter().map(|r| (r.hash.clone(), r)).collect();
                    *loaded = modified;
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
            hash: hash.clone(),
        };
        let (mut loaded, mut map) = self.lock_for_write()?;
        map.insert(hash, record.clone());
        self.save(&map, &mut loaded)?;
        Ok((key, record))
    }

    /// Revokes a key by id; false when there is none.
    pub fn revoke(&self, id: &str) -> Result<bool, KeyError> {
        let (mut loaded, mut map) = self.lock_for_write()?;
        let before = map.len();
        map.retain(|_, r| r.id != id);
        if map.len() == before {
            return Ok(false);
        }
        self.save(&map, &mut loaded)?;
        Ok(true)
    }

    /// Both locks, in the one order every method takes them.
    #[allow(clippy::type_complexity)]
    fn lock_for_write(
        &self,
    ) -> Result<
        (
            std::sync::MutexGuard<'_, Option<std::time::SystemTime>>,
            std::sync::RwLockWriteGuard<'_, HashMap<String, KeyRecord>>,
        ),
        KeyError,
    > {
        let poisoned = || KeyError::File {
            path: self.path.clone().unwrap_or_default(),
            reason: "key table poisoned".into(),
        };
        let loaded = self.loaded.lock().map_err(|_| poisoned())?;
        let map = self.by_hash.write().map_err(|_| poisoned())?;
        Ok((loaded, map))
    }

    /// Writes the file aside and renames it over the old one, so a crash leaves either.
    fn save(
        &self,
        map: &HashMap<String, KeyRecord>,
        loaded: &mut Option<std::time::SystemTime>,
    ) -> Result<(), KeyError> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let mut records: Vec<&KeyRecord> = map.values().collect();
        records.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
        let err = |e: std::io::Error| KeyError::File {
            path: path.clone(),
            reason: e.to_string(),
        };
        let text = serde_json::to_string_pretty(&records).map_err(|e| KeyError::File {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(err)?;
        }
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, text).map_err(err)?;
        restrict_permissions(&tmp);
        std::fs::rename(&tmp, path).map_err(err)?;
        *loaded = std::fs::metadata(path).and_then(|m| m.modified()).ok();
        Ok(())
    }
}

#[cfg(unix)]
fn restrict_permissions(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
}

#[cfg(not(unix))]
fn restrict_permissions(_path: &Path) {}

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
        // File times may be coarse: touch the time the store last saw to force a re-read.
        *store.loaded.lock().expect("lock") = None;
        store.reload_if_changed();
        assert_eq!(store.lookup(&key).map(|r| r.name), Some("cli".to_string()));
    }
}
