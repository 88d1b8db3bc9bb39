//! The two databases a [`crate::Store`] can keep its data in, behind one narrow interface.
//!
//! Every rule of the store (the ingest policy, diffs, rollbacks, the checks) is written once,
//! in the crate's other modules, as SQL both databases understand plus plain Rust. What
//! differs between SQLite and PostgreSQL is decided here and nowhere else:
//!
//! - how a connection is opened and the schema migrated ([`crate::schema`] holds both
//!   dialects' steps side by side);
//! - how a write transaction takes its lock (SQLite: `BEGIN IMMEDIATE`, the whole file;
//!   PostgreSQL: an advisory lock per source, so two processes never hand out one version
//!   number twice while ingests of different sources run at once);
//! - placeholders (`?1` in the shared SQL, `$1` for PostgreSQL) and value types;
//! - the bulk reads and writes ([`Session::insert_parties`], [`Session::parties`] and their
//!   siblings): one prepared statement per row for SQLite, one `UNNEST` or `ANY` statement per
//!   batch for PostgreSQL, where each statement is a network round trip;
//! - the integrity check.
//!
//! A [`Session`] is a connection for a run of statements: autocommit for reads, or a write
//! transaction that holds the lock until [`Session::commit`] (dropped uncommitted, it rolls
//! back, so an error or a rejection leaves nothing half-written).

pub(crate) mod pg;
pub(crate) mod sqlite;

use crate::location::StoreLocation;
use crate::{DB_FILE_NAME, Result, StoreError};
use std::collections::HashMap;
use std::path::Path;

/// A statement parameter, bound by position (`?1` is the first).
#[derive(Debug, Clone, Copy)]
pub enum Param<'a> {
    Null,
    Int(i64),
    Float(f64),
    Text(&'a str),
    Bytes(&'a [u8]),
}

impl From<f64> for Param<'_> {
    fn from(value: f64) -> Self {
        Param::Float(value)
    }
}

/// A flag as 0 or 1: SQLite has no boolean type, and PostgreSQL takes the integer for a
/// `BOOLEAN` parameter (see the backend's encoding).
impl From<bool> for Param<'_> {
    fn from(value: bool) -> Self {
        Param::Int(i64::from(value))
    }
}

impl From<i64> for Param<'_> {
    fn from(value: i64) -> Self {
        Param::Int(value)
    }
}

impl From<u32> for Param<'_> {
    fn from(value: u32) -> Self {
        Param::Int(i64::from(value))
    }
}

impl<'a> From<&'a str> for Param<'a> {
    fn from(value: &'a str) -> Self {
        Param::Text(value)
    }
}

impl<'a> From<&'a String> for Param<'a> {
    fn from(value: &'a String) -> Self {
        Param::Text(value)
    }
}

impl<'a> From<&'a [u8]> for Param<'a> {
    fn from(value: &'a [u8]) -> Self {
        Param::Bytes(value)
    }
}

impl<'a, T: Into<Param<'a>>> From<Option<T>> for Param<'a> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Param::Null, Into::into)
    }
}

/// A value read back, whichever database it came from (a PostgreSQL boolean reads as 0 or 1).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Float(f64),
    Text(String),
    Bytes(Vec<u8>),
}

/// One result row. The getters name the column on a type mismatch rather than panic.
#[derive(Debug)]
pub struct Row(pub(crate) Vec<Value>);

impl Row {
    /// The row's values, by column.
    pub fn values(&self) -> &[Value] {
        &self.0
    }

    pub fn into_values(self) -> Vec<Value> {
        self.0
    }

    fn mismatch(&self, index: usize, wanted: &str) -> StoreError {
        StoreError::Corrupt {
            item: format!("result column {index}"),
            reason: format!("expected {wanted}, found {:?}", self.0.get(index)),
        }
    }

    pub(crate) fn opt_int(&self, index: usize) -> Result<Option<i64>> {
        match self.0.get(index) {
            Some(Value::Int(v)) => Ok(Some(*v)),
            Some(Value::Null) => Ok(None),
            _ => Err(self.mismatch(index, "an integer")),
        }
    }

    pub(crate) fn int(&self, index: usize) -> Result<i64> {
        self.opt_int(index)?
            .ok_or_else(|| self.mismatch(index, "an integer"))
    }

    /// A version number (1..).
    pub(crate) fn opt_seq(&self, index: usize) -> Result<Option<u32>> {
        self.opt_int(index)?
            .map(|v| u32::try_from(v).map_err(|_| self.mismatch(index, "a version number")))
            .transpose()
    }

    pub(crate) fn seq(&self, index: usize) -> Result<u32> {
        self.opt_seq(index)?
            .ok_or_else(|| self.mismatch(index, "a version number"))
    }

    /// A non-negative count.
    pub(crate) fn count(&self, index: usize) -> Result<u64> {
        u64::try_from(self.int(index)?).map_err(|_| self.mismatch(index, "a count"))
    }

    pub(crate) fn take_opt_text(&mut self, index: usize) -> Result<Option<String>> {
        match self.0.get_mut(index) {
            Some(Value::Text(v)) => Ok(Some(std::mem::take(v))),
            Some(Value::Null) => Ok(None),
            _ => Err(self.mismatch(index, "text")),
        }
    }

    pub(crate) fn take_text(&mut self, index: usize) -> Result<String> {
        self.take_opt_text(index)?
            .ok_or_else(|| self.mismatch(index, "text"))
    }

    pub(crate) fn take_bytes(&mut self, index: usize) -> Result<Vec<u8>> {
        match self.0.get_mut(index) {
            Some(Value::Bytes(v)) => Ok(std::mem::take(v)),
            _ => Err(self.mismatch(index, "bytes")),
        }
    }
}

/// A connection for a run of statements (see the module doc).
pub(crate) trait Session {
    /// Runs a statement; the number of rows it changed.
    fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64>;
    /// Tells the processes listening for new versions ([`crate::VersionListener`]) that
    /// version `seq` of `source` is stored, when this transaction commits (PostgreSQL's
    /// NOTIFY is delivered at commit, and never for a transaction rolled back); nothing for
    /// SQLite, whose file no other machine shares.
    fn announce_version(&mut self, source: &str, seq: u32) -> Result<()>;
    /// Runs a query and hands each row to `each` as it arrives, without holding them all.
    fn query_each(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        each: &mut dyn FnMut(Row) -> Result<()>,
    ) -> Result<()>;
    /// Stores party records `(hash, JSON)`, skipping hashes already stored.
    fn insert_parties(&mut self, parties: &[(&str, &[u8])]) -> Result<()>;
    /// Opens a span from version `seq` for each `(source_id, hash)` of `source`.
    fn open_spans(&mut self, source: &str, seq: u32, spans: &[(&str, &str)]) -> Result<()>;
    /// The stored JSON of the party records with these hashes (those found).
    fn parties(&mut self, hashes: &[&str]) -> Result<HashMap<String, Vec<u8>>>;
    /// Ends the spans with these ids before version `seq`.
    fn close_spans(&mut self, seq: u32, span_ids: &[i64]) -> Result<()>;
    /// Runs several `;`-separated statements without parameters (a migration step).
    fn execute_batch(&mut self, sql: &str) -> Result<()>;
    /// Commits a write session (a no-op for a read session).
    fn commit(self: Box<Self>) -> Result<()>;
}

impl dyn Session + '_ {
    pub(crate) fn rows(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Row>> {
        let mut out = Vec::new();
        self.query_each(sql, params, &mut |row| {
            out.push(row);
            Ok(())
        })?;
        Ok(out)
    }

    /// The first row, if any.
    pub(crate) fn row(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Option<Row>> {
        Ok(self.rows(sql, params)?.into_iter().next())
    }

    /// The integer in the first column of the first row (a count, an id).
    pub(crate) fn int(&mut self, sql: &str, params: &[Param<'_>]) -> Result<i64> {
        match self.row(sql, params)? {
            Some(row) => row.int(0),
            None => Err(StoreError::Corrupt {
                item: "a query".to_string(),
                reason: format!("no row from {sql}"),
            }),
        }
    }
}

/// The database behind a [`crate::Store`].
pub(crate) enum Backend {
    Sqlite(sqlite::SqliteDb),
    Postgres(pg::PostgresDb),
}

impl Backend {
    /// A session for reads.
    pub(crate) fn read(&self) -> Result<Box<dyn Session + '_>> {
        match self {
            Backend::Sqlite(db) => Ok(Box::new(db.read())),
            Backend::Postgres(db) => Ok(Box::new(db.read()?)),
        }
    }

    /// A write transaction holding the write lock of `source` (SQLite: of the whole file).
    pub(crate) fn write(&mut self, source: &str) -> Result<Box<dyn Session + '_>> {
        match self {
            Backend::Sqlite(db) => Ok(Box::new(db.write()?)),
            Backend::Postgres(db) => Ok(Box::new(db.write(source)?)),
        }
    }

    /// The database's own integrity check: "ok" when sound.
    pub(crate) fn integrity(&self) -> Result<String> {
        match self {
            Backend::Sqlite(db) => db.integrity(),
            Backend::Postgres(db) => db.integrity(),
        }
    }

    pub(crate) fn path(&self) -> Option<&Path> {
        match self {
            Backend::Sqlite(db) => db.path(),
            Backend::Postgres(_) => None,
        }
    }

    pub(crate) fn dialect(&self) -> Dialect {
        match self {
            Backend::Sqlite(_) => Dialect::Sqlite,
            Backend::Postgres(_) => Dialect::Postgres,
        }
    }
}

/// Which SQL a [`Database`] speaks, for the few statements written once per dialect
/// (row locks, which SQLite has no syntax for; schema types).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// The store's database opened for a component that keeps tables of its own beside the
/// lists (sanctum-review), so that it lives in whichever backend the lists do without a
/// second driver. Opening migrates the store's schema, as [`crate::Store::connect`] does;
/// the component versions its own tables.
pub struct Database {
    db: Backend,
}

impl Database {
    /// The database at `location`: the SQLite file [`DB_FILE_NAME`] of a data directory
    /// (created private, as [`crate::Store::open`] does), or a PostgreSQL database.
    pub fn connect(location: &StoreLocation) -> Result<Database> {
        match location {
            StoreLocation::Directory(dir) => {
                crate::create_data_dir(dir)?;
                Database::open_file(&dir.join(DB_FILE_NAME))
            }
            StoreLocation::Postgres(url) => Ok(Database {
                db: Backend::Postgres(pg::PostgresDb::connect(url)?.0),
            }),
        }
    }

    /// An SQLite database file (a store's `sanctum.db`).
    pub fn open_file(path: &Path) -> Result<Database> {
        Ok(Database {
            db: Backend::Sqlite(sqlite::SqliteDb::open(path)?.0),
        })
    }

    /// A private in-memory SQLite database, for tests.
    pub fn open_in_memory() -> Result<Database> {
        Ok(Database {
            db: Backend::Sqlite(sqlite::SqliteDb::open_in_memory()?.0),
        })
    }

    pub fn dialect(&self) -> Dialect {
        self.db.dialect()
    }

    /// Statements in autocommit, for reads.
    pub fn read(&self) -> Result<SqlSession<'_>> {
        Ok(SqlSession(self.db.read()?))
    }

    /// A transaction, rolled back unless committed. SQLite takes the whole file's write
    /// lock at once (`BEGIN IMMEDIATE`); PostgreSQL takes no lock up front: the caller
    /// locks the rows it changes (`SELECT … FOR UPDATE`) or an advisory lock of its own.
    pub fn transaction(&mut self) -> Result<SqlSession<'_>> {
        Ok(SqlSession(match &mut self.db {
            Backend::Sqlite(db) => Box::new(db.write()?),
            Backend::Postgres(db) => Box::new(db.begin()?),
        }))
    }
}

/// A run of statements on a [`Database`]: `?1`-numbered placeholders in either dialect.
pub struct SqlSession<'a>(Box<dyn Session + 'a>);

impl SqlSession<'_> {
    /// Runs a statement; the number of rows it changed.
    pub fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64> {
        self.0.execute(sql, params)
    }

    /// Runs `;`-separated statements without parameters.
    pub fn execute_batch(&mut self, sql: &str) -> Result<()> {
        self.0.execute_batch(sql)
    }

    /// Hands each row to `each` as it arrives; the first error `each` returns ends the
    /// query and is returned as it was.
    pub fn query_each<E: From<StoreError>>(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        mut each: impl FnMut(Row) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let mut failed = None;
        let outcome = self.0.query_each(sql, params, &mut |row| match each(row) {
            Ok(()) => Ok(()),
            Err(e) => {
                failed = Some(e);
                // Only stops the query: the caller's error is returned below.
                Err(StoreError::Corrupt {
                    item: "a query".to_string(),
                    reason: "stopped by its reader".to_string(),
                })
            }
        });
        match (failed, outcome) {
            (Some(e), _) => Err(e),
            (None, outcome) => outcome.map_err(E::from),
        }
    }

    /// Commits a transaction (a no-op for reads).
    pub fn commit(self) -> Result<()> {
        self.0.commit()
    }
}
