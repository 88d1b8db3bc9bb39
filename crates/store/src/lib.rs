//! The sanctum store: every ingested publication of every list, kept as a version.
//!
//! Data passes `parser → Vec<Entity> → Store::ingest → SQLite → queries → screening`.
//!
//! - [`Store`] is one SQLite database (`sanctum.db` in a data directory). [`Store::ingest`]
//!   takes a parsed publication ([`NewVersion`] metadata plus its entities) and, in one
//!   transaction, records it as the next version of its source, or rejects it
//!   ([`StoreError::Rejected`]) leaving the store exactly as it was. Records repeating a
//!   publisher id are merged into one party ([`merge_duplicates`]).
//! - A version ([`VersionInfo`]) records source, publication date, fetch time, file sha256 and
//!   party counts (total, by kind, and added/removed/amended against the previous version).
//! - Party records are content-addressed (`parties`, keyed by the sha256 of the entity's
//!   JSON) and a version's membership is a set of *spans* (`source_id`, record hash,
//!   `from_seq..to_seq`), so versions share unchanged parties and an ingest writes only what
//!   changed.
//! - [`Store::rollback`] makes an earlier version's parties current again as a new version:
//!   history is append-only, nothing is deleted, and the rollback is one transaction too.
//! - Reading back: a version's entities ([`Store::entities`], [`Store::for_each_entity`]), the
//!   current lists ([`Store::current_entities`]), lists as they stood on a date
//!   ([`Store::version_as_of`]), one party's history ([`Store::appearances`]; every current party's first
//!   and last-changed version at once: [`Store::current_party_history`]) and the
//!   [`Diff`] between any two versions ([`Store::diff`], [`Store::changes_since`]).
//! - The cross-list alignment sanctum-align computes, kept with the list versions it was
//!   computed from ([`StoredAlignment`], [`Store::store_alignment`]; `alignment.rs`).
//!
//! Opening: a data directory the store creates is 0700 and its files 0600 (umask or not);
//! several processes may open a new directory at once, one creates the schema
//! ([`SCHEMA_VERSION`]) while the others wait for it.
//!
//! Durability: WAL journal with `synchronous=FULL`. Ingests are rare and large, so one fsync
//! per commit costs nothing noticeable, and in exchange a version reported as stored survives
//! a power loss (with `NORMAL` the last commits could silently roll back, while the caller
//! already logged them as done).

mod alignment;
mod ingest;
mod modes;
mod rollback;
mod schema;

use rusqlite::{Connection, OptionalExtension, Row, params};
use sanctum_model::{Entity, PartialDate};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use alignment::{StoredAlignment, StoredTarget};
pub use modes::create_data_dir;
pub use sanctum_model::merge_duplicates;
pub use schema::SCHEMA_VERSION;

/// The database file name inside the data directory.
pub const DB_FILE_NAME: &str = "sanctum.db";

/// How long a connection waits for another process's write lock (an ingest, a rollback, the
/// first open's schema creation) before failing: ingests of the largest lists commit within
/// seconds, so 30 s waits out any of them and still fails a process stuck behind a hung one.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Everything that can go wrong in the store. No store operation panics.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The publication was refused; the store is unchanged and the previous version current.
    /// (`source_key` rather than `source`: thiserror reserves `source` for the cause.)
    #[error("publication of {source_key} rejected: {reason}")]
    Rejected { source_key: String, reason: String },
    #[error("{source_key} has no version {seq}")]
    NoSuchVersion { source_key: String, seq: u32 },
    /// Stored data that cannot be read back (`item` names the row: a party hash, a version).
    #[error("corrupt store data in {item}: {reason}")]
    Corrupt { item: String, reason: String },
    #[error(
        "the store uses schema version {found}, newer than the {supported} this sanctum understands; upgrade sanctum"
    )]
    UnsupportedSchema { found: i64, supported: i64 },
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Metadata of a publication about to be ingested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVersion {
    /// The source key ("us_csl", "us_ofac_sdn", …); every entity must carry the same.
    pub source: String,
    /// The publication date the publisher gives, if any.
    pub published: Option<PartialDate>,
    /// When the file was fetched, RFC 3339 UTC ("2025-01-14T09:30:00Z").
    pub fetched_at: String,
    /// Lower-case hex sha256 of the published file.
    pub sha256: String,
    pub file_name: String,
}

/// The safety checks an ingest applies.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IngestPolicy {
    /// A publication removing more than this fraction of the current parties is rejected.
    pub max_removed_fraction: f64,
    /// Accept publications that remove too many parties or are dated before the current one,
    /// and store the current version's file again as a new version.
    pub force: bool,
}

impl Default for IngestPolicy {
    fn default() -> Self {
        IngestPolicy {
            max_removed_fraction: 0.10,
            force: false,
        }
    }
}

/// One stored version of a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionInfo {
    /// Store-wide row id.
    pub id: i64,
    pub source: String,
    /// Per-source sequence number, 1 for the first ingested publication.
    pub seq: u32,
    pub published: Option<PartialDate>,
    pub fetched_at: String,
    pub sha256: String,
    pub file_name: String,
    pub party_count: u64,
    /// Against the previous version of the source (all parties are "added" in version 1).
    pub added: u64,
    pub removed: u64,
    pub amended: u64,
    /// Party counts by [`sanctum_model::EntityKind::as_str`].
    pub counts_by_kind: BTreeMap<String, u64>,
    /// For a version made by [`Store::rollback`], the version whose parties it restored
    /// (its publication date, file name and sha256 are that version's too).
    pub restores: Option<u32>,
}

impl VersionInfo {
    /// The day this version speaks for: its publication date (first day of a partial date),
    /// else the day it was fetched. A rollback speaks from the day it was made: the parties
    /// it restored stood again from then, not from their publication, and the lists "as of"
    /// a later day are the rolled-back ones. `None` only if no date can be read.
    pub fn effective_date(&self) -> Option<(u16, u8, u8)> {
        match (self.published, self.restores) {
            (Some(date), None) => Some(date.earliest()),
            _ => self
                .fetched_at
                .get(..10)
                .and_then(|day| day.parse::<PartialDate>().ok())
                .map(|date| date.earliest()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IngestOutcome {
    /// A new version was stored and is now current.
    Created {
        version: VersionInfo,
        /// Records that repeated a `source_id` already in the publication and were merged
        /// into it (the CSL lists some OFAC parties once per sub-list, e.g. SDN and SSI).
        merged_duplicates: u64,
    },
    /// The file is the current version's file (same sha256): nothing was written.
    Unchanged { version: VersionInfo },
}

impl IngestOutcome {
    pub fn version(&self) -> &VersionInfo {
        match self {
            IngestOutcome::Created { version, .. } | IngestOutcome::Unchanged { version } => {
                version
            }
        }
    }
}

/// A current party's history in its source ([`Store::current_party_history`]): the version
/// that first listed it, and the version its current record dates from (its last
/// amendment, or its return after a delisting; `first_seen` when never changed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartyHistory {
    pub first_seen: u32,
    pub last_change: u32,
}

/// A source and its current version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSummary {
    pub source: String,
    pub current: VersionInfo,
    pub version_count: u32,
}

/// A party present in both versions whose record changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amendment {
    pub before: Entity,
    pub after: Entity,
    /// The top-level fields that differ ([`Entity::changed_fields`]).
    pub fields: Vec<&'static str>,
}

/// What changed between two versions of one source, each list ordered by `source_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diff {
    pub from: VersionInfo,
    pub to: VersionInfo,
    pub added: Vec<Entity>,
    pub removed: Vec<Entity>,
    pub amended: Vec<Amendment>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.amended.is_empty()
    }
}

/// Result of [`Store::check`]: SQLite's integrity check plus the store's own invariants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreHealth {
    /// `PRAGMA integrity_check` output ("ok" when sound).
    pub integrity: String,
    pub versions: u64,
    pub parties: u64,
    pub spans: u64,
    /// Party records no span refers to (never written by a committed ingest).
    pub orphan_parties: u64,
    /// Spans that start or end after their source's last version.
    pub dangling_spans: u64,
}

impl StoreHealth {
    pub fn is_ok(&self) -> bool {
        self.integrity == "ok" && self.orphan_parties == 0 && self.dangling_spans == 0
    }
}

/// The versioned store. One connection; ingests take `&mut self`, and a write lock on the
/// database, so concurrent processes serialise their ingests.
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
}

const VERSION_COLUMNS: &str = "id, source, seq, published, fetched_at, sha256, file_name, \
     party_count, added, removed, amended, counts_json, restores";
/// How many columns [`VERSION_COLUMNS`] names: a query's next column is at this index.
const VERSION_COLUMN_COUNT: usize = 13;

/// Membership of version `?2` of source `?1`.
const MEMBER_FILTER: &str =
    "s.source = ?1 AND s.from_seq <= ?2 AND (s.to_seq IS NULL OR s.to_seq > ?2)";

/// A versions row as stored, before its text columns are parsed.
struct VersionRow {
    id: i64,
    source: String,
    seq: u32,
    published: Option<String>,
    fetched_at: String,
    sha256: String,
    file_name: String,
    party_count: u64,
    added: u64,
    removed: u64,
    amended: u64,
    counts_json: String,
    restores: Option<u32>,
}

impl VersionRow {
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(VersionRow {
            id: row.get(0)?,
            source: row.get(1)?,
            seq: row.get(2)?,
            published: row.get(3)?,
            fetched_at: row.get(4)?,
            sha256: row.get(5)?,
            file_name: row.get(6)?,
            party_count: get_count(row, 7)?,
            added: get_count(row, 8)?,
            removed: get_count(row, 9)?,
            amended: get_count(row, 10)?,
            counts_json: row.get(11)?,
            restores: row.get(12)?,
        })
    }

    fn into_info(self) -> Result<VersionInfo> {
        let corrupt = |reason: String| StoreError::Corrupt {
            item: format!("version {} of {}", self.seq, self.source),
            reason,
        };
        let published = match &self.published {
            Some(text) => Some(
                text.parse::<PartialDate>()
                    .map_err(|e| corrupt(e.to_string()))?,
            ),
            None => None,
        };
        let counts_by_kind = serde_json::from_str(&self.counts_json)
            .map_err(|e| corrupt(format!("counts_json: {e}")))?;
        Ok(VersionInfo {
            id: self.id,
            source: self.source,
            seq: self.seq,
            published,
            fetched_at: self.fetched_at,
            sha256: self.sha256,
            file_name: self.file_name,
            party_count: self.party_count,
            added: self.added,
            removed: self.removed,
            amended: self.amended,
            counts_by_kind,
            restores: self.restores,
        })
    }
}

/// A non-negative count column (rusqlite reads no `u64` without its `fallible_uint` feature).
fn get_count(row: &Row<'_>, index: usize) -> rusqlite::Result<u64> {
    let value: i64 = row.get(index)?;
    u64::try_from(value).map_err(|_| rusqlite::Error::IntegralValueOutOfRange(index, value))
}

fn decode_party(hash: &str, data: &[u8]) -> Result<Entity> {
    serde_json::from_slice(data).map_err(|e| StoreError::Corrupt {
        item: format!("party record {hash}"),
        reason: e.to_string(),
    })
}

/// Reads one version row with the given `WHERE … ` tail (`?` params bound by the caller).
fn query_version(
    conn: &Connection,
    tail: &str,
    params: impl rusqlite::Params,
) -> Result<Option<VersionInfo>> {
    let sql = format!("SELECT {VERSION_COLUMNS} FROM versions {tail}");
    let row = conn
        .prepare_cached(&sql)?
        .query_row(params, VersionRow::from_row)
        .optional()?;
    row.map(VersionRow::into_info).transpose()
}

fn current_version_of(conn: &Connection, source: &str) -> Result<Option<VersionInfo>> {
    query_version(
        conn,
        "WHERE source = ?1 ORDER BY seq DESC LIMIT 1",
        params![source],
    )
}

/// Puts the database in WAL mode, which lets readers (a screening server) keep reading the
/// previous version while an ingest writes the next one. The mode is stored in the file.
///
/// When two connections switch a new database together, SQLite answers "busy" at once
/// rather than through the busy handler (each holds the read lock the other must see
/// released), so the switch is retried here, for as long as the busy timeout.
fn enable_wal(conn: &Connection) -> Result<()> {
    let started = Instant::now();
    loop {
        match conn.query_row("PRAGMA journal_mode = WAL", [], |row| {
            row.get::<_, String>(0)
        }) {
            Ok(_mode) => return Ok(()),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy
                    && started.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(WAL_SWITCH_PAUSE);
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// The pause between two attempts at the WAL switch: the other connection's switch takes
/// about a millisecond.
const WAL_SWITCH_PAUSE: Duration = Duration::from_millis(5);

impl Store {
    /// Opens (creating if needed) the store in `dir`, in the file [`DB_FILE_NAME`].
    ///
    /// A directory it creates is private to the user (0700, see [`create_data_dir`]); the
    /// database and SQLite's `-wal` and `-shm` files are 0600, whatever the umask, and an
    /// older store's files are narrowed to that on open.
    pub fn open(dir: &Path) -> Result<Store> {
        create_data_dir(dir)?;
        let path = dir.join(DB_FILE_NAME);
        modes::private_store_files(&path)?;
        let conn = Connection::open(&path)?;
        // Before anything takes a lock: a second process opening a new store waits for the
        // first one's journal-mode switch and schema instead of failing with "locked".
        conn.busy_timeout(BUSY_TIMEOUT)?;
        enable_wal(&conn)?;
        Self::configure(conn, Some(path))
    }

    /// A private in-memory store, for tests and one-off runs.
    pub fn open_in_memory() -> Result<Store> {
        Self::configure(Connection::open_in_memory()?, None)
    }

    fn configure(mut conn: Connection, path: Option<PathBuf>) -> Result<Store> {
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        // 32 MiB page cache: a full list version fits, so ingest and diff stay in memory.
        conn.pragma_update(None, "cache_size", -32_768)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.set_prepared_statement_cache_capacity(64);
        schema::migrate(&mut conn)?;
        Ok(Store { conn, path })
    }

    /// The database file, `None` for an in-memory store.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Whether `sha256` is the file of `source`'s current version, so the caller can skip
    /// parsing a file it has already ingested.
    pub fn is_current_sha(&self, source: &str, sha256: &str) -> Result<bool> {
        Ok(current_version_of(&self.conn, source)?.is_some_and(|v| v.sha256 == sha256))
    }

    /// Records that a fetch of `source` at `at` (RFC 3339) found the file `sha256`, when that
    /// is the current version's file: the version is confirmed current and its source's age
    /// restarts. Returns false (and records nothing) when `sha256` is not the current file.
    pub fn record_fetch_confirmed(&mut self, source: &str, sha256: &str, at: &str) -> Result<bool> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        if current_version_of(&tx, source)?.is_none_or(|v| v.sha256 != sha256) {
            return Ok(false);
        }
        tx.execute(
            "INSERT INTO fetch_confirmations (source, sha256, confirmed_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (source) DO UPDATE SET sha256 = ?2, confirmed_at = ?3",
            params![source, sha256, at],
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// When a fetch last confirmed each source's current version: source → (the current
    /// file's sha256, RFC 3339 time). Sources whose current version no fetch confirmed yet
    /// are absent.
    pub fn confirmed_fetches(&self) -> Result<BTreeMap<String, (String, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.source, c.sha256, c.confirmed_at FROM fetch_confirmations c
             JOIN versions v ON v.source = c.source AND v.sha256 = c.sha256
             WHERE v.seq = (SELECT MAX(seq) FROM versions WHERE source = c.source)",
        )?;
        let rows = stmt
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    (row.get::<_, String>(1)?, row.get::<_, String>(2)?),
                ))
            })?
            .collect::<rusqlite::Result<BTreeMap<_, _>>>()?;
        Ok(rows)
    }

    /// Every source with at least one version, by source key.
    pub fn sources(&self) -> Result<Vec<SourceSummary>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT source, MAX(seq), COUNT(*) FROM versions GROUP BY source ORDER BY source",
        )?;
        let heads = stmt
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, u32>(1)?,
                    row.get::<_, u32>(2)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut out = Vec::with_capacity(heads.len());
        for (source, seq, version_count) in heads {
            let current = self.require_version(&source, seq)?;
            out.push(SourceSummary {
                source,
                current,
                version_count,
            });
        }
        Ok(out)
    }

    /// All versions of `source`, oldest first.
    pub fn versions(&self, source: &str) -> Result<Vec<VersionInfo>> {
        let sql = format!("SELECT {VERSION_COLUMNS} FROM versions WHERE source = ?1 ORDER BY seq");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt
            .query_map(params![source], VersionRow::from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(VersionRow::into_info).collect()
    }

    pub fn version(&self, source: &str, seq: u32) -> Result<Option<VersionInfo>> {
        query_version(
            &self.conn,
            "WHERE source = ?1 AND seq = ?2",
            params![source, seq],
        )
    }

    fn require_version(&self, source: &str, seq: u32) -> Result<VersionInfo> {
        self.version(source, seq)?
            .ok_or_else(|| StoreError::NoSuchVersion {
                source_key: source.to_string(),
                seq,
            })
    }

    /// The latest version of `source`, the one screening uses by default.
    pub fn current_version(&self, source: &str) -> Result<Option<VersionInfo>> {
        current_version_of(&self.conn, source)
    }

    /// The version of `source` that stood on `date`: the latest one whose publication date
    /// (its first day, for a partial date), or fetch day when it has none, is on or before
    /// the last day of `date`. `None` if the source had no version yet.
    pub fn version_as_of(&self, source: &str, date: PartialDate) -> Result<Option<VersionInfo>> {
        let limit = date.latest();
        Ok(self
            .versions(source)?
            .into_iter()
            .filter_map(|v| v.effective_date().filter(|d| *d <= limit).map(|d| (d, v)))
            .max_by_key(|(day, v)| (*day, v.seq))
            .map(|(_, v)| v))
    }

    /// The parties of version `seq` of `source`, by `source_id`.
    pub fn entities(&self, source: &str, seq: u32) -> Result<Vec<Entity>> {
        let mut out = Vec::new();
        self.for_each_entity(source, seq, |entity| out.push(entity))?;
        Ok(out)
    }

    /// Streams the parties of version `seq` of `source`, by `source_id`, without holding
    /// them all in memory.
    pub fn for_each_entity(&self, source: &str, seq: u32, mut f: impl FnMut(Entity)) -> Result<()> {
        self.require_version(source, seq)?;
        let sql = format!(
            "SELECT p.hash, p.data FROM spans s JOIN parties p ON p.hash = s.hash \
             WHERE {MEMBER_FILTER} ORDER BY s.source_id"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(params![source, seq])?;
        while let Some(row) = rows.next()? {
            let hash: String = row.get(0)?;
            let data: Vec<u8> = row.get(1)?;
            f(decode_party(&hash, &data)?);
        }
        Ok(())
    }

    /// The current parties of the given sources (all sources when `None`), by source then
    /// `source_id`.
    pub fn current_entities(&self, sources: Option<&[String]>) -> Result<Vec<Entity>> {
        let mut out = Vec::new();
        let mut read = |sql: &str, source: Option<&str>| -> Result<()> {
            let mut stmt = self.conn.prepare_cached(sql)?;
            let mut rows = match source {
                Some(source) => stmt.query(params![source])?,
                None => stmt.query([])?,
            };
            while let Some(row) = rows.next()? {
                let hash: String = row.get(0)?;
                let data: Vec<u8> = row.get(1)?;
                out.push(decode_party(&hash, &data)?);
            }
            Ok(())
        };
        match sources {
            None => read(
                "SELECT p.hash, p.data FROM spans s JOIN parties p ON p.hash = s.hash \
                 WHERE s.to_seq IS NULL ORDER BY s.source, s.source_id",
                None,
            )?,
            Some(sources) => {
                let mut sorted: Vec<&String> = sources.iter().collect();
                sorted.sort();
                sorted.dedup();
                for source in sorted {
                    read(
                        "SELECT p.hash, p.data FROM spans s JOIN parties p ON p.hash = s.hash \
                         WHERE s.source = ?1 AND s.to_seq IS NULL ORDER BY s.source_id",
                        Some(source),
                    )?;
                }
            }
        }
        Ok(out)
    }

    /// A party's record as currently listed, else as last listed, with that version.
    pub fn entity(&self, source: &str, source_id: &str) -> Result<Option<(Entity, VersionInfo)>> {
        let latest = self
            .conn
            .prepare_cached(
                "SELECT s.to_seq, p.hash, p.data FROM spans s JOIN parties p ON p.hash = s.hash \
                 WHERE s.source = ?1 AND s.source_id = ?2 ORDER BY s.from_seq DESC LIMIT 1",
            )?
            .query_row(params![source, source_id], |row| {
                Ok((
                    row.get::<_, Option<u32>>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, Vec<u8>>(2)?,
                ))
            })
            .optional()?;
        let Some((to_seq, hash, data)) = latest else {
            return Ok(None);
        };
        let entity = decode_party(&hash, &data)?;
        let version = match to_seq {
            Some(end) => self.require_version(source, end.saturating_sub(1))?,
            None => current_version_of(&self.conn, source)?.ok_or_else(|| StoreError::Corrupt {
                item: format!("spans of {source}"),
                reason: "party listed but the source has no version".to_string(),
            })?,
        };
        Ok(Some((entity, version)))
    }

    /// A publisher id looked up across all sources: for each source that ever listed it,
    /// the record as currently (else last) listed.
    pub fn find_by_source_id(&self, source_id: &str) -> Result<Vec<(String, Entity)>> {
        let sources = self
            .conn
            .prepare_cached(
                "SELECT DISTINCT source FROM spans WHERE source_id = ?1 ORDER BY source",
            )?
            .query_map(params![source_id], |row| row.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut out = Vec::with_capacity(sources.len());
        for source in sources {
            if let Some((entity, _)) = self.entity(&source, source_id)? {
                out.push((source, entity));
            }
        }
        Ok(out)
    }

    /// A party record by the hash [`Store::appearances`] gives (`None` when no record has it).
    pub fn party_record(&self, hash: &str) -> Result<Option<Entity>> {
        let data: Option<Vec<u8>> = self
            .conn
            .prepare_cached("SELECT data FROM parties WHERE hash = ?1")?
            .query_row(params![hash], |row| row.get(0))
            .optional()?;
        data.map(|data| decode_party(hash, &data)).transpose()
    }

    /// Every version a party appears in, oldest first, with the hash of its record there
    /// (a change of hash between two versions is an amendment).
    pub fn appearances(&self, source: &str, source_id: &str) -> Result<Vec<(VersionInfo, String)>> {
        let columns = VERSION_COLUMNS
            .split(", ")
            .map(|c| format!("v.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {columns}, s.hash FROM spans s JOIN versions v \
               ON v.source = s.source AND v.seq >= s.from_seq \
              AND (s.to_seq IS NULL OR v.seq < s.to_seq) \
             WHERE s.source = ?1 AND s.source_id = ?2 ORDER BY v.seq"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt
            .query_map(params![source, source_id], |row| {
                Ok((
                    VersionRow::from_row(row)?,
                    row.get::<_, String>(VERSION_COLUMN_COUNT)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(version, hash)| Ok((version.into_info()?, hash)))
            .collect()
    }

    /// When each current party entered its source and when its record last changed, as
    /// version numbers: `(source, source_id) → `[`PartyHistory`]. One pass over the spans
    /// (a party's first span starts where it was first listed, its open span where its
    /// current record began), for a server to compute once per snapshot.
    pub fn current_party_history(&self) -> Result<HashMap<(String, String), PartyHistory>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT source, source_id, MIN(from_seq), \
                    MAX(CASE WHEN to_seq IS NULL THEN from_seq END) \
               FROM spans GROUP BY source, source_id \
             HAVING MAX(to_seq IS NULL) = 1",
        )?;
        let rows = stmt
            .query_map([], |row| {
                Ok((
                    (row.get::<_, String>(0)?, row.get::<_, String>(1)?),
                    PartyHistory {
                        first_seen: row.get(2)?,
                        last_change: row.get(3)?,
                    },
                ))
            })?
            .collect::<rusqlite::Result<HashMap<_, _>>>()?;
        Ok(rows)
    }

    /// `source_id → record hash` for one version.
    fn membership(&self, source: &str, seq: u32) -> Result<HashMap<String, String>> {
        let sql = format!("SELECT s.source_id, s.hash FROM spans s WHERE {MEMBER_FILTER}");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let map = stmt
            .query_map(params![source, seq], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<rusqlite::Result<HashMap<String, String>>>()?;
        Ok(map)
    }

    fn party(&self, hash: &str) -> Result<Entity> {
        let data: Option<Vec<u8>> = self
            .conn
            .prepare_cached("SELECT data FROM parties WHERE hash = ?1")?
            .query_row(params![hash], |row| row.get(0))
            .optional()?;
        match data {
            Some(data) => decode_party(hash, &data),
            None => Err(StoreError::Corrupt {
                item: format!("party record {hash}"),
                reason: "referenced by a span but missing".to_string(),
            }),
        }
    }

    /// What changed from version `from_seq` to version `to_seq` of `source` (either order).
    pub fn diff(&self, source: &str, from_seq: u32, to_seq: u32) -> Result<Diff> {
        let from = self.require_version(source, from_seq)?;
        let to = self.require_version(source, to_seq)?;
        let before = self.membership(source, from_seq)?;
        let after = self.membership(source, to_seq)?;
        let mut added = BTreeMap::new();
        let mut amended = BTreeMap::new();
        for (id, hash) in &after {
            match before.get(id) {
                None => {
                    added.insert(id, self.party(hash)?);
                }
                Some(old) if old != hash => {
                    let before = self.party(old)?;
                    let after = self.party(hash)?;
                    let fields = before.changed_fields(&after);
                    amended.insert(
                        id,
                        Amendment {
                            before,
                            after,
                            fields,
                        },
                    );
                }
                Some(_) => {}
            }
        }
        let mut removed = BTreeMap::new();
        for (id, hash) in &before {
            if !after.contains_key(id) {
                removed.insert(id, self.party(hash)?);
            }
        }
        Ok(Diff {
            from,
            to,
            added: added.into_values().collect(),
            removed: removed.into_values().collect(),
            amended: amended.into_values().collect(),
        })
    }

    /// What changed from version `seq` to the current version of `source`: the input of
    /// delta screening.
    pub fn changes_since(&self, source: &str, seq: u32) -> Result<Diff> {
        let current =
            current_version_of(&self.conn, source)?.ok_or_else(|| StoreError::NoSuchVersion {
                source_key: source.to_string(),
                seq,
            })?;
        self.diff(source, seq, current.seq)
    }

    /// Runs SQLite's integrity check and the store's own consistency checks.
    pub fn check(&self) -> Result<StoreHealth> {
        let integrity = {
            let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
            let lines = stmt
                .query_map([], |row| row.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            lines.join("\n")
        };
        let count =
            |sql: &str| -> Result<u64> { Ok(self.conn.query_row(sql, [], |r| get_count(r, 0))?) };
        Ok(StoreHealth {
            integrity,
            versions: count("SELECT COUNT(*) FROM versions")?,
            parties: count("SELECT COUNT(*) FROM parties")?,
            spans: count("SELECT COUNT(*) FROM spans")?,
            orphan_parties: count(
                "SELECT COUNT(*) FROM parties WHERE hash NOT IN (SELECT hash FROM spans)",
            )?,
            dangling_spans: count(
                "SELECT COUNT(*) FROM spans s WHERE \
                   s.from_seq > COALESCE((SELECT MAX(seq) FROM versions v WHERE v.source = s.source), 0) \
                   OR s.to_seq > COALESCE((SELECT MAX(seq) FROM versions v WHERE v.source = s.source), 0)",
            )?,
        })
    }
}
