//! Opening a data directory: concurrent first opens (threads and processes), and the modes
//! of the directory and of every file the store writes there.
//!
//! The process tests re-run this test binary as children (ignored tests that act only when
//! their environment variable names a directory).

mod common;

use common::{SOURCE, new_version, parties};
use sanctum_store::{DB_FILE_NAME, IngestPolicy, SCHEMA_VERSION, Store};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const OPEN_DIR_ENV: &str = "SANCTUM_STORE_OPEN_DIR";
/// Milliseconds since the epoch at which the child opens the store, so that all start together.
const OPEN_AT_ENV: &str = "SANCTUM_STORE_OPEN_AT";
const OPEN_CHILD: &str = "open_child_opens_the_store_at_the_given_instant";
const MODES_DIR_ENV: &str = "SANCTUM_STORE_MODES_DIR";
const MODES_CHILD: &str = "modes_child_writes_a_store_and_reports_its_modes";

fn schema_version(dir: &Path) -> i64 {
    let conn = rusqlite::Connection::open(dir.join(DB_FILE_NAME)).unwrap();
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

/// Two `sanctum` processes started together on a new data directory (a scheduled update and
/// a server, say) both create the schema. Each thread here has its own connection, as each
/// process would; they start their opens at the same instant.
#[test]
fn concurrent_first_opens_of_a_fresh_directory_all_succeed() {
    for round in 0..20 {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("data");
        let threads = 8;
        let barrier = Arc::new(Barrier::new(threads));
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let (dir, barrier) = (dir.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    Store::open(&dir).map(|store| store.check().unwrap())
                })
            })
            .collect();
        for handle in handles {
            let health = handle.join().unwrap();
            let health = health.unwrap_or_else(|e| panic!("round {round}: open failed: {e}"));
            assert!(health.is_ok(), "{health:?}");
        }
        assert_eq!(schema_version(&dir), SCHEMA_VERSION);
    }
}

#[test]
#[ignore = "child process of concurrent_first_opens_by_separate_processes_all_succeed"]
fn open_child_opens_the_store_at_the_given_instant() {
    let (Some(dir), Some(at)) = (
        std::env::var_os(OPEN_DIR_ENV),
        std::env::var(OPEN_AT_ENV).ok(),
    ) else {
        return;
    };
    let at = UNIX_EPOCH + Duration::from_millis(at.parse().unwrap());
    if let Ok(wait) = at.duration_since(SystemTime::now()) {
        std::thread::sleep(wait);
    }
    let store = Store::open(Path::new(&dir)).unwrap();
    assert!(store.check().unwrap().is_ok());
}

#[test]
fn concurrent_first_opens_by_separate_processes_all_succeed() {
    for round in 0..3 {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("data");
        // Far enough ahead for every child to have started and be waiting.
        let at = SystemTime::now().duration_since(UNIX_EPOCH).unwrap() + Duration::from_secs(1);
        let children: Vec<_> = (0..6)
            .map(|_| {
                Command::new(std::env::current_exe().unwrap())
                    .args(["--exact", OPEN_CHILD, "--ignored", "--nocapture"])
                    .env(OPEN_DIR_ENV, &dir)
                    .env(OPEN_AT_ENV, at.as_millis().to_string())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "round {round}: a child failed to open: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        assert_eq!(schema_version(&dir), SCHEMA_VERSION);
    }
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

/// The database file and SQLite's companions while a connection is open, by name.
fn store_files(dir: &Path) -> Vec<PathBuf> {
    ["", "-shm", "-wal"]
        .iter()
        .map(|suffix| dir.join(format!("{DB_FILE_NAME}{suffix}")))
        .collect()
}

#[test]
#[ignore = "child process of the_data_dir_is_0700_and_the_store_files_0600_whatever_the_umask"]
fn modes_child_writes_a_store_and_reports_its_modes() {
    let Some(dir) = std::env::var_os(MODES_DIR_ENV) else {
        return;
    };
    let dir = PathBuf::from(dir);
    let mut store = Store::open(&dir).unwrap();
    store
        .ingest(
            new_version(SOURCE, "a", None),
            parties(SOURCE, 50, 0),
            &IngestPolicy::default(),
        )
        .unwrap();
    // Everything in the directory while the store is open: -wal and -shm exist now.
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files, store_files(&dir));
    println!("MODE {:o} {}", mode(&dir), dir.display());
    for file in files {
        println!("MODE {:o} {}", mode(&file), file.display());
    }
}

/// A umask of 0 (some service managers and containers run so) must not make the store
/// readable or writable by others: the modes are set, not left to the umask.
#[test]
fn the_data_dir_is_0700_and_the_store_files_0600_whatever_the_umask() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("new/data");
    let out = Command::new("sh")
        .args(["-c", "umask 000 && exec \"$@\"", "sh"])
        .arg(std::env::current_exe().unwrap())
        .args(["--exact", MODES_CHILD, "--ignored", "--nocapture"])
        .env(MODES_DIR_ENV, &dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let modes: Vec<&str> = stdout
        .lines()
        .filter_map(|line| line.strip_prefix("MODE "))
        .collect();
    let expected: Vec<String> = std::iter::once(format!("700 {}", dir.display()))
        .chain(
            store_files(&dir)
                .iter()
                .map(|f| format!("600 {}", f.display())),
        )
        .collect();
    assert_eq!(modes, expected);
}

/// A store written by an earlier sanctum (0644 files) is narrowed when opened.
#[test]
fn an_older_stores_readable_files_are_narrowed_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let dir_mode = mode(dir.path());
    let db = dir.path().join(DB_FILE_NAME);
    std::fs::write(&db, b"").unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let wal = dir.path().join(format!("{DB_FILE_NAME}-wal"));
    std::fs::write(&wal, b"").unwrap();
    std::fs::set_permissions(&wal, std::fs::Permissions::from_mode(0o666)).unwrap();
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(mode(&db), 0o600);
    assert_eq!(mode(&wal), 0o600);
    drop(store);
    // An existing directory is left as it is: it may be shared on purpose.
    assert_eq!(mode(dir.path()), dir_mode);
}

/// A store written by schema version 1 (before rollbacks) is migrated on open, its versions
/// read back as publications.
#[test]
fn a_version_1_store_is_migrated_on_open() {
    let dir = tempfile::tempdir().unwrap();
    {
        let conn = rusqlite::Connection::open(dir.path().join(DB_FILE_NAME)).unwrap();
        conn.execute_batch(
            "CREATE TABLE versions (
                id INTEGER PRIMARY KEY, source TEXT NOT NULL, seq INTEGER NOT NULL,
                published TEXT, fetched_at TEXT NOT NULL, sha256 TEXT NOT NULL,
                file_name TEXT NOT NULL, party_count INTEGER NOT NULL, added INTEGER NOT NULL,
                removed INTEGER NOT NULL, amended INTEGER NOT NULL, counts_json TEXT NOT NULL,
                UNIQUE (source, seq));
             CREATE TABLE parties (hash TEXT PRIMARY KEY, data BLOB NOT NULL);
             CREATE TABLE spans (
                id INTEGER PRIMARY KEY, source TEXT NOT NULL, source_id TEXT NOT NULL,
                hash TEXT NOT NULL REFERENCES parties (hash), from_seq INTEGER NOT NULL,
                to_seq INTEGER, CHECK (to_seq IS NULL OR to_seq > from_seq));
             INSERT INTO versions VALUES
                (1, 'test_list', 1, '2024-01-10', '2024-01-10T08:00:00Z', 'ab', 'a.csv',
                 0, 0, 0, 0, '{}');
             PRAGMA user_version = 1;",
        )
        .unwrap();
    }
    let store = Store::open(dir.path()).unwrap();
    let versions = store.versions(SOURCE).unwrap();
    assert_eq!(versions.len(), 1);
    assert_eq!((versions[0].seq, versions[0].restores), (1, None));
    drop(store);
    assert_eq!(schema_version(dir.path()), SCHEMA_VERSION);
}
