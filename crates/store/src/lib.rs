//! The sanctum store: every ingested publication of every list, kept as a version.
//!
//! Data passes `parser → Vec<Entity> → Store::ingest → database → queries → screening`.
//!
//! - [`Store`] is one database: by default the SQLite file `sanctum.db` in a data directory
//!   ([`Store::open`]), or a PostgreSQL database several processes and machines share
//!   ([`Store::connect`] with a [`StoreLocation::Postgres`] URL). Both hold the same tables
//!   and run the same rules: the store's logic is written once, over a narrow session
//!   interface (`backend`), which alone decides what differs between the two databases.
//! - [`Store::ingest`] takes a parsed publication ([`NewVersion`] metadata plus its entities)
//!   and, in one transaction, records it as the next version of its source, or rejects it
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
//! - [`Database`]: the same database opened for a component that keeps tables of its own
//!   beside the lists (sanctum-review), through [`SqlSession`]s of `?1`-numbered SQL with
//!   [`Param`]s and [`Value`]s, so it lives in whichever backend the lists do.
//!
//! Opening: the schema is migrated on open ([`SCHEMA_VERSION`]; each migration runs once, in
//! one transaction, however many processes open a new store at once). A data directory the
//! store creates is 0700 and its files 0600 (umask or not). A PostgreSQL database that
//! cannot be reached is an error naming its URL without the password.
//!
//! Several processes on one PostgreSQL store: an ingest or rollback announces its version
//! when it commits, a [`VersionListener`] hears it, and an [`ExclusiveUpdate`] lets one
//! process at a time fetch the lists (`notify.rs`).
//!
//! Concurrency: several processes may ingest at once. Each ingest holds a write lock (SQLite:
//! the file's; PostgreSQL: an advisory lock per source) from reading the current version to
//! committing the next, so a version number is never handed out twice.

mod alignment;
mod backend;
mod ingest;
mod location;
mod modes;
mod notify;
mod rollback;
mod schema;

use backend::{Backend, Row, Session};
use sanctum_model::{Entity, PartialDate};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

pub use alignment::{StoredAlignment, StoredTarget};
pub use backend::{Database, Dialect, Param, Row as SqlRow, SqlSession, Value};
pub use location::{DatabaseUrl, StoreLocation};
pub use modes::create_data_dir;
pub use notify::{ExclusiveUpdate, VERSIONS_CHANNEL, VersionListener};
pub use sanctum_model::merge_duplicates;
pub use schema::SCHEMA_VERSION;

/// The database file name inside the data directory.
pub const DB_FILE_NAME: &str = "sanctum.db";

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
    #[error("PostgreSQL: {0}")]
    Postgres(String),
    /// The database could not be reached; `location` is its URL without the password.
    #[error("cannot reach the database {location}: {reason}")]
    Unreachable { location: String, reason: String },
    /// A `--database` value that is no database URL sanctum can use.
    #[error("{location}: {reason}")]
    BadLocation { location: String, reason: String },
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

/// Result of [`Store::check`]: the database's integrity check plus the store's own invariants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreHealth {
    /// "ok" when sound: SQLite's `PRAGMA integrity_check` output; for PostgreSQL, which
    /// guards its pages itself, whether the recorded migrations are this build's.
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

/// The versioned store. Ingests take `&mut self` and a write lock in the database, so
/// concurrent processes serialise their ingests of a source.
pub struct Store {
    db: Backend,
    /// The schema versions the open migrated the database to (empty when it was current).
    migrated: Vec<i64>,
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
    fn from_row(row: &mut Row) -> Result<Self> {
        Ok(VersionRow {
            id: row.int(0)?,
            source: row.take_text(1)?,
            seq: row.seq(2)?,
            published: row.take_opt_text(3)?,
            fetched_at: row.take_text(4)?,
            sha256: row.take_text(5)?,
            file_name: row.take_text(6)?,
            party_count: row.count(7)?,
            added: row.count(8)?,
            removed: row.count(9)?,
            amended: row.count(10)?,
            counts_json: row.take_text(11)?,
            restores: row.opt_seq(12)?,
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

fn decode_party(hash: &str, data: &[u8]) -> Result<Entity> {
    serde_json::from_slice(data).map_err(|e| StoreError::Corrupt {
        item: format!("party record {hash}"),
        reason: e.to_string(),
    })
}

/// A `(hash, data)` row of `parties`, decoded.
fn party_from_row(mut row: Row) -> Result<Entity> {
    let hash = row.take_text(0)?;
    decode_party(&hash, &row.take_bytes(1)?)
}

/// Reads one version row with the given `WHERE … ` tail (`?` params bound by the caller).
fn query_version(
    session: &mut (dyn Session + '_),
    tail: &str,
    params: &[Param<'_>],
) -> Result<Option<VersionInfo>> {
    let sql = format!("SELECT {VERSION_COLUMNS} FROM versions {tail}");
    match session.row(&sql, params)? {
        Some(mut row) => Ok(Some(VersionRow::from_row(&mut row)?.into_info()?)),
        None => Ok(None),
    }
}

fn current_version_of(
    session: &mut (dyn Session + '_),
    source: &str,
) -> Result<Option<VersionInfo>> {
    query_version(
        session,
        "WHERE source = ?1 ORDER BY seq DESC LIMIT 1",
        &[source.into()],
    )
}

/// `source_id → record hash` of one version.
fn membership(
    session: &mut (dyn Session + '_),
    source: &str,
    seq: u32,
) -> Result<HashMap<String, String>> {
    let sql = format!("SELECT s.source_id, s.hash FROM spans s WHERE {MEMBER_FILTER}");
    let mut map = HashMap::new();
    session.query_each(&sql, &[source.into(), seq.into()], &mut |mut row| {
        map.insert(row.take_text(0)?, row.take_text(1)?);
        Ok(())
    })?;
    Ok(map)
}

/// A span that is current: its row id and record hash.
struct CurrentSpan {
    span_id: i64,
    hash: String,
}

/// `source_id →` its current span, for the parties `source` lists now.
fn current_spans(
    session: &mut (dyn Session + '_),
    source: &str,
) -> Result<HashMap<String, CurrentSpan>> {
    let mut map = HashMap::new();
    session.query_each(
        "SELECT id, source_id, hash FROM spans WHERE source = ?1 AND to_seq IS NULL",
        &[source.into()],
        &mut |mut row| {
            let span = CurrentSpan {
                span_id: row.int(0)?,
                hash: row.take_text(2)?,
            };
            map.insert(row.take_text(1)?, span);
            Ok(())
        },
    )?;
    Ok(map)
}

impl Store {
    /// Opens (creating if needed) the SQLite store in `dir`, in the file [`DB_FILE_NAME`].
    ///
    /// A directory it creates is private to the user (0700, see [`create_data_dir`]); the
    /// database and SQLite's `-wal` and `-shm` files are 0600, whatever the umask, and an
    /// older store's files are narrowed to that on open.
    pub fn open(dir: &Path) -> Result<Store> {
        create_data_dir(dir)?;
        let (db, migrated) = backend::sqlite::SqliteDb::open(&dir.join(DB_FILE_NAME))?;
        Ok(Store {
            db: Backend::Sqlite(db),
            migrated,
        })
    }

    /// Opens the store at `location`: [`Store::open`] for a directory; for a PostgreSQL URL,
    /// connects (an unreachable server is [`StoreError::Unreachable`], naming the URL
    /// without its password) and migrates the schema.
    pub fn connect(location: &StoreLocation) -> Result<Store> {
        match location {
            StoreLocation::Directory(dir) => Store::open(dir),
            StoreLocation::Postgres(url) => {
                let (db, migrated) = backend::pg::PostgresDb::connect(url)?;
                Ok(Store {
                    db: Backend::Postgres(db),
                    migrated,
                })
            }
        }
    }

    /// A private in-memory SQLite store, for tests and one-off runs.
    pub fn open_in_memory() -> Result<Store> {
        let (db, migrated) = backend::sqlite::SqliteDb::open_in_memory()?;
        Ok(Store {
            db: Backend::Sqlite(db),
            migrated,
        })
    }

    /// The SQLite database file; `None` for an in-memory or a PostgreSQL store.
    pub fn path(&self) -> Option<&Path> {
        self.db.path()
    }

    /// Which kind of database holds the store: "sqlite" or "postgresql".
    pub fn backend_name(&self) -> &'static str {
        match self.db {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgresql",
        }
    }

    /// The schema versions this open migrated the database through, oldest first (empty
    /// when it was already at [`SCHEMA_VERSION`]).
    pub fn migrated_on_open(&self) -> &[i64] {
        &self.migrated
    }

    /// Whether `sha256` is the file of `source`'s current version, so the caller can skip
    /// parsing a file it has already ingested.
    pub fn is_current_sha(&self, source: &str, sha256: &str) -> Result<bool> {
        Ok(current_version_of(&mut *self.db.read()?, source)?.is_some_and(|v| v.sha256 == sha256))
    }

    /// Records that a fetch of `source` at `at` (RFC 3339) found the file `sha256`, when that
    /// is the current version's file: the version is confirmed current and its source's age
    /// restarts. Returns false (and records nothing) when `sha256` is not the current file.
    pub fn record_fetch_confirmed(&mut self, source: &str, sha256: &str, at: &str) -> Result<bool> {
        let mut tx = self.db.write(source)?;
        if current_version_of(&mut *tx, source)?.is_none_or(|v| v.sha256 != sha256) {
            return Ok(false);
        }
        tx.execute(
            "INSERT INTO fetch_confirmations (source, sha256, confirmed_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (source) DO UPDATE SET sha256 = excluded.sha256, \
             confirmed_at = excluded.confirmed_at",
            &[source.into(), sha256.into(), at.into()],
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// When a fetch last confirmed each source's current version: source → (the current
    /// file's sha256, RFC 3339 time). Sources whose current version no fetch confirmed yet
    /// are absent.
    pub fn confirmed_fetches(&self) -> Result<BTreeMap<String, (String, String)>> {
        let mut out = BTreeMap::new();
        self.db.read()?.query_each(
            "SELECT c.source, c.sha256, c.confirmed_at FROM fetch_confirmations c
             JOIN versions v ON v.source = c.source AND v.sha256 = c.sha256
             WHERE v.seq = (SELECT MAX(seq) FROM versions WHERE source = c.source)",
            &[],
            &mut |mut row| {
                out.insert(row.take_text(0)?, (row.take_text(1)?, row.take_text(2)?));
                Ok(())
            },
        )?;
        Ok(out)
    }

    /// Every source with at least one version, by source key.
    pub fn sources(&self) -> Result<Vec<SourceSummary>> {
        let mut session = self.db.read()?;
        let heads = session.rows(
            "SELECT source, MAX(seq), COUNT(*) FROM versions GROUP BY source ORDER BY source",
            &[],
        )?;
        let mut out = Vec::with_capacity(heads.len());
        for mut head in heads {
            let (source, seq) = (head.take_text(0)?, head.seq(1)?);
            let version_count = u32::try_from(head.count(2)?).unwrap_or(u32::MAX);
            let current = require_version(&mut *session, &source, seq)?;
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
        self.db
            .read()?
            .rows(&sql, &[source.into()])?
            .into_iter()
            .map(|mut row| VersionRow::from_row(&mut row)?.into_info())
            .collect()
    }

    pub fn version(&self, source: &str, seq: u32) -> Result<Option<VersionInfo>> {
        query_version(
            &mut *self.db.read()?,
            "WHERE source = ?1 AND seq = ?2",
            &[source.into(), seq.into()],
        )
    }

    /// The latest version of `source`, the one screening uses by default.
    pub fn current_version(&self, source: &str) -> Result<Option<VersionInfo>> {
        current_version_of(&mut *self.db.read()?, source)
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
        let mut session = self.db.read()?;
        require_version(&mut *session, source, seq)?;
        let sql = format!(
            "SELECT p.hash, p.data FROM spans s JOIN parties p ON p.hash = s.hash \
             WHERE {MEMBER_FILTER} ORDER BY s.source_id"
        );
        session.query_each(&sql, &[source.into(), seq.into()], &mut |row| {
            f(party_from_row(row)?);
            Ok(())
        })
    }

    /// The current parties of the given sources (all sources when `None`), by source then
    /// `source_id`.
    pub fn current_entities(&self, sources: Option<&[String]>) -> Result<Vec<Entity>> {
        let mut session = self.db.read()?;
        let mut out = Vec::new();
        let mut push = |row: Row| -> Result<()> {
            out.push(party_from_row(row)?);
            Ok(())
        };
        match sources {
            None => session.query_each(
                "SELECT p.hash, p.data FROM spans s JOIN parties p ON p.hash = s.hash \
                 WHERE s.to_seq IS NULL ORDER BY s.source, s.source_id",
                &[],
                &mut push,
            )?,
            Some(sources) => {
                let mut sorted: Vec<&String> = sources.iter().collect();
                sorted.sort();
                sorted.dedup();
                for source in sorted {
                    session.query_each(
                        "SELECT p.hash, p.data FROM spans s JOIN parties p ON p.hash = s.hash \
                         WHERE s.source = ?1 AND s.to_seq IS NULL ORDER BY s.source_id",
                        &[source.into()],
                        &mut push,
                    )?;
                }
            }
        }
        Ok(out)
    }

    /// A party's record as currently listed, else as last listed, with that version.
    pub fn entity(&self, source: &str, source_id: &str) -> Result<Option<(Entity, VersionInfo)>> {
        let mut session = self.db.read()?;
        let latest = session.row(
            "SELECT p.hash, p.data, s.to_seq FROM spans s JOIN parties p ON p.hash = s.hash \
             WHERE s.source = ?1 AND s.source_id = ?2 ORDER BY s.from_seq DESC LIMIT 1",
            &[source.into(), source_id.into()],
        )?;
        let Some(row) = latest else {
            return Ok(None);
        };
        let to_seq = row.opt_seq(2)?;
        let entity = party_from_row(row)?;
        let version = match to_seq {
            Some(end) => require_version(&mut *session, source, end.saturating_sub(1))?,
            None => {
                current_version_of(&mut *session, source)?.ok_or_else(|| StoreError::Corrupt {
                    item: format!("spans of {source}"),
                    reason: "party listed but the source has no version".to_string(),
                })?
            }
        };
        Ok(Some((entity, version)))
    }

    /// A publisher id looked up across all sources: for each source that ever listed it,
    /// the record as currently (else last) listed.
    pub fn find_by_source_id(&self, source_id: &str) -> Result<Vec<(String, Entity)>> {
        let sources = self
            .db
            .read()?
            .rows(
                "SELECT DISTINCT source FROM spans WHERE source_id = ?1 ORDER BY source",
                &[source_id.into()],
            )?
            .into_iter()
            .map(|mut row| row.take_text(0))
            .collect::<Result<Vec<_>>>()?;
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
        let data = self
            .db
            .read()?
            .row("SELECT data FROM parties WHERE hash = ?1", &[hash.into()])?
            .map(|mut row| row.take_bytes(0))
            .transpose()?;
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
        self.db
            .read()?
            .rows(&sql, &[source.into(), source_id.into()])?
            .into_iter()
            .map(|mut row| {
                let hash = row.take_text(VERSION_COLUMN_COUNT)?;
                Ok((VersionRow::from_row(&mut row)?.into_info()?, hash))
            })
            .collect()
    }

    /// When each current party entered its source and when its record last changed, as
    /// version numbers: `(source, source_id) → `[`PartyHistory`]. One pass over the spans
    /// (a party's first span starts where it was first listed, its open span where its
    /// current record began), for a server to compute once per snapshot.
    pub fn current_party_history(&self) -> Result<HashMap<(String, String), PartyHistory>> {
        let mut out = HashMap::new();
        // `COUNT(to_seq) < COUNT(*)`: the party has an open span (a NULL end), so it is
        // current; written so in both dialects (PostgreSQL has no MAX of a boolean).
        self.db.read()?.query_each(
            "SELECT source, source_id, MIN(from_seq), \
                    MAX(CASE WHEN to_seq IS NULL THEN from_seq END) \
               FROM spans GROUP BY source, source_id \
             HAVING COUNT(to_seq) < COUNT(*)",
            &[],
            &mut |mut row| {
                let history = PartyHistory {
                    first_seen: row.seq(2)?,
                    last_change: row.seq(3)?,
                };
                out.insert((row.take_text(0)?, row.take_text(1)?), history);
                Ok(())
            },
        )?;
        Ok(out)
    }

    /// What changed from version `from_seq` to version `to_seq` of `source` (either order).
    pub fn diff(&self, source: &str, from_seq: u32, to_seq: u32) -> Result<Diff> {
        let mut session = self.db.read()?;
        let session = &mut *session;
        let from = require_version(session, source, from_seq)?;
        let to = require_version(session, source, to_seq)?;
        let before = membership(session, source, from_seq)?;
        let after = membership(session, source, to_seq)?;
        // Every record the diff shows, fetched at once.
        let wanted: Vec<&str> = after
            .iter()
            .filter(|(id, hash)| before.get(*id) != Some(*hash))
            .flat_map(|(id, hash)| {
                std::iter::once(hash.as_str()).chain(before.get(id).map(String::as_str))
            })
            .chain(
                before
                    .iter()
                    .filter(|(id, _)| !after.contains_key(*id))
                    .map(|(_, hash)| hash.as_str()),
            )
            .collect();
        let records = session.parties(&wanted)?;
        let party = |hash: &str| -> Result<Entity> {
            match records.get(hash) {
                Some(data) => decode_party(hash, data),
                None => Err(StoreError::Corrupt {
                    item: format!("party record {hash}"),
                    reason: "referenced by a span but missing".to_string(),
                }),
            }
        };
        let mut added = BTreeMap::new();
        let mut amended = BTreeMap::new();
        for (id, hash) in &after {
            match before.get(id) {
                None => {
                    added.insert(id, party(hash)?);
                }
                Some(old) if old != hash => {
                    let before = party(old)?;
                    let after = party(hash)?;
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
                removed.insert(id, party(hash)?);
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
        let current = self
            .current_version(source)?
            .ok_or_else(|| StoreError::NoSuchVersion {
                source_key: source.to_string(),
                seq,
            })?;
        self.diff(source, seq, current.seq)
    }

    /// Runs the database's integrity check and the store's own consistency checks.
    pub fn check(&self) -> Result<StoreHealth> {
        let integrity = self.db.integrity()?;
        let mut session = self.db.read()?;
        let mut count = |sql: &str| -> Result<u64> {
            u64::try_from(session.int(sql, &[])?).map_err(|_| StoreError::Corrupt {
                item: "a count".to_string(),
                reason: format!("negative from {sql}"),
            })
        };
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

fn require_version(
    session: &mut (dyn Session + '_),
    source: &str,
    seq: u32,
) -> Result<VersionInfo> {
    query_version(
        session,
        "WHERE source = ?1 AND seq = ?2",
        &[source.into(), seq.into()],
    )?
    .ok_or_else(|| StoreError::NoSuchVersion {
        source_key: source.to_string(),
        seq,
    })
}
