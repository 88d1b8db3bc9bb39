//! The SQLite backend: one file in a data directory, the embedded default.
//!
//! Durability: WAL journal with `synchronous=FULL`. Ingests are rare and large, so one fsync
//! per commit costs nothing noticeable, and in exchange a version reported as stored survives
//! a power loss (with `NORMAL` the last commits could silently roll back, while the caller
//! already logged them as done).

use super::{Param, Row, Session, Value};
use crate::{Result, StoreError, modes, schema};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension, ToSql, TransactionBehavior};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a connection waits for another process's write lock (an ingest, a rollback, the
/// first open's schema creation) before failing: ingests of the largest lists commit within
/// seconds, so 30 s waits out any of them and still fails a process stuck behind a hung one.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// The pause between two attempts at the WAL switch: the other connection's switch takes
/// about a millisecond.
const WAL_SWITCH_PAUSE: Duration = Duration::from_millis(5);

/// Prepared statements kept per connection: every statement the store runs fits.
const STATEMENT_CACHE: usize = 64;

pub(crate) struct SqliteDb {
    conn: Connection,
    path: Option<PathBuf>,
}

impl SqliteDb {
    /// Opens (creating if needed) the database file `path`, made private to the user.
    pub(crate) fn open(path: &Path) -> Result<(SqliteDb, Vec<i64>)> {
        modes::private_store_files(path)?;
        let conn = Connection::open(path)?;
        // Before anything takes a lock: a second process opening a new store waits for the
        // first one's journal-mode switch and schema instead of failing with "locked".
        conn.busy_timeout(BUSY_TIMEOUT)?;
        enable_wal(&conn)?;
        Self::configure(conn, Some(path.to_path_buf()))
    }

    pub(crate) fn open_in_memory() -> Result<(SqliteDb, Vec<i64>)> {
        Self::configure(Connection::open_in_memory()?, None)
    }

    fn configure(mut conn: Connection, path: Option<PathBuf>) -> Result<(SqliteDb, Vec<i64>)> {
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        // 32 MiB page cache: a full list version fits, so ingest and diff stay in memory.
        conn.pragma_update(None, "cache_size", -32_768)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        let applied = schema::migrate_sqlite(&mut conn)?;
        Ok((SqliteDb { conn, path }, applied))
    }

    pub(crate) fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub(crate) fn read(&self) -> SqliteSession<'_> {
        SqliteSession::Read(&self.conn)
    }

    /// `BEGIN IMMEDIATE` takes the write lock now, so what the transaction reads is still
    /// current when it commits, even with another process writing.
    pub(crate) fn write(&mut self) -> Result<SqliteSession<'_>> {
        Ok(SqliteSession::Write(self.conn.transaction_with_behavior(
            TransactionBehavior::Immediate,
        )?))
    }

    pub(crate) fn integrity(&self) -> Result<String> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let lines = stmt
            .query_map([], |row| row.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(lines.join("\n"))
    }
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

pub(crate) enum SqliteSession<'a> {
    Read(&'a Connection),
    /// Rolled back when dropped uncommitted (rusqlite's default).
    Write(rusqlite::Transaction<'a>),
}

impl SqliteSession<'_> {
    fn conn(&self) -> &Connection {
        match self {
            SqliteSession::Read(conn) => conn,
            SqliteSession::Write(tx) => tx,
        }
    }
}

impl ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::ToSqlOutput::Borrowed;
        Ok(match *self {
            Param::Null => Borrowed(ValueRef::Null),
            Param::Int(v) => Borrowed(ValueRef::Integer(v)),
            Param::Float(v) => Borrowed(ValueRef::Real(v)),
            Param::Text(v) => Borrowed(ValueRef::Text(v.as_bytes())),
            Param::Bytes(v) => Borrowed(ValueRef::Blob(v)),
        })
    }
}

fn read_row(row: &rusqlite::Row<'_>, columns: usize) -> Result<Row> {
    let mut values = Vec::with_capacity(columns);
    for index in 0..columns {
        values.push(match row.get_ref(index)? {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(v) => Value::Int(v),
            ValueRef::Text(bytes) => Value::Text(String::from_utf8(bytes.to_vec()).map_err(
                |e| StoreError::Corrupt {
                    item: format!("result column {index}"),
                    reason: e.to_string(),
                },
            )?),
            ValueRef::Blob(bytes) => Value::Bytes(bytes.to_vec()),
            ValueRef::Real(v) => Value::Float(v),
        });
    }
    Ok(Row(values))
}

impl Session for SqliteSession<'_> {
    fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64> {
        let changed = self
            .conn()
            .prepare_cached(sql)?
            .execute(rusqlite::params_from_iter(params))?;
        Ok(changed as u64)
    }

    fn announce_version(&mut self, _source: &str, _seq: u32) -> Result<()> {
        Ok(())
    }

    fn query_each(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        each: &mut dyn FnMut(Row) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = self.conn().prepare_cached(sql)?;
        let columns = stmt.column_count();
        let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
        while let Some(row) = rows.next()? {
            each(read_row(row, columns)?)?;
        }
        Ok(())
    }

    fn insert_parties(&mut self, parties: &[(&str, &[u8])]) -> Result<()> {
        let mut stmt = self.conn().prepare_cached(
            "INSERT INTO parties (hash, data) VALUES (?1, ?2) ON CONFLICT (hash) DO NOTHING",
        )?;
        for (hash, data) in parties {
            stmt.execute(rusqlite::params![hash, data])?;
        }
        Ok(())
    }

    fn open_spans(&mut self, source: &str, seq: u32, spans: &[(&str, &str)]) -> Result<()> {
        let mut stmt = self.conn().prepare_cached(
            "INSERT INTO spans (source, source_id, hash, from_seq) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (source_id, hash) in spans {
            stmt.execute(rusqlite::params![source, source_id, hash, seq])?;
        }
        Ok(())
    }

    fn parties(&mut self, hashes: &[&str]) -> Result<HashMap<String, Vec<u8>>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT data FROM parties WHERE hash = ?1")?;
        let mut out = HashMap::with_capacity(hashes.len());
        for hash in hashes {
            if let Some(data) = stmt
                .query_row([hash], |row| row.get::<_, Vec<u8>>(0))
                .optional()?
            {
                out.insert(hash.to_string(), data);
            }
        }
        Ok(out)
    }

    fn close_spans(&mut self, seq: u32, span_ids: &[i64]) -> Result<()> {
        let mut stmt = self
            .conn()
            .prepare_cached("UPDATE spans SET to_seq = ?1 WHERE id = ?2")?;
        for id in span_ids {
            stmt.execute(rusqlite::params![seq, id])?;
        }
        Ok(())
    }

    fn execute_batch(&mut self, sql: &str) -> Result<()> {
        Ok(self.conn().execute_batch(sql)?)
    }

    fn commit(self: Box<Self>) -> Result<()> {
        match *self {
            SqliteSession::Read(_) => Ok(()),
            SqliteSession::Write(tx) => Ok(tx.commit()?),
        }
    }
}
