//! The PostgreSQL backend: one database shared by every process that reaches it.
//!
//! Driver: `postgres`, the blocking client of tokio-postgres (the same project; it links no
//! SQLite, so no second `libsqlite3-sys` beside rusqlite's), under r2d2's pool. Blocking, because
//! the store's API is synchronous and its callers (the CLI, the server's blocking threads,
//! the review crate) call it so; the pool lets each read take a connection of its own.
//!
//! The blocking client runs a small tokio runtime per connection, which tokio refuses to
//! start on an async worker thread: inside a tokio runtime, call the store from a blocking
//! thread (`tokio::task::spawn_blocking`), as the server does for every store call.

use super::{Param, Row, Session, Value};
use crate::location::DatabaseUrl;
use crate::{Result, StoreError, schema};
use postgres::NoTls;
use postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use r2d2_postgres::PostgresConnectionManager;
use r2d2_postgres::r2d2::{Pool, PooledConnection};
use std::collections::HashMap;
use std::time::Duration;

/// How long opening a connection may take before the store reports the database
/// unreachable: a server on the same network answers within milliseconds.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Connections kept per process: the server's store calls run one at a time, readers of a
/// CLI command one or two; a handful leaves room without holding many server slots.
const POOL_SIZE: u32 = 4;

/// How long a read waits for a free pooled connection.
const POOL_WAIT: Duration = Duration::from_secs(30);

/// How long a write waits for another process's write lock on the same source (an ingest
/// of the largest lists commits within seconds) before failing, rather than hang behind a
/// stuck process; SQLite's busy timeout plays the same part.
const WRITE_LOCK_WAIT: Duration = Duration::from_secs(120);

/// Rows per bulk statement of an ingest: a batch of party records is a few MB.
const BULK_BATCH: usize = 2_000;

/// The first key of the per-source advisory write lock ("sanc"): the second is the source's
/// hash, so ingests of one source queue while those of different sources run at once.
const WRITE_LOCK_SPACE: i32 = 0x73_61_6e_63;

type Manager = PostgresConnectionManager<NoTls>;

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        // The server's own message (and detail) is what says what went wrong.
        let message = match e.as_db_error() {
            Some(db) => match db.detail() {
                Some(detail) => format!("{}: {} ({detail})", db.severity(), db.message()),
                None => format!("{}: {}", db.severity(), db.message()),
            },
            None => e.to_string(),
        };
        StoreError::Postgres(message)
    }
}

pub(crate) struct PostgresDb {
    /// `None` only while being dropped.
    pool: Option<Pool<Manager>>,
}

impl Drop for PostgresDb {
    /// A blocking client closes its connection through its own small runtime, which tokio
    /// refuses to start on an async worker, where a server may drop its last reference to
    /// the store at shutdown: the pool is closed on a thread of its own.
    fn drop(&mut self) {
        if let Some(pool) = self.pool.take()
            && let Ok(closer) = std::thread::Builder::new()
                .name("sanctum-pg-close".to_string())
                .spawn(move || drop(pool))
        {
            let _ = closer.join();
        }
    }
}

impl PostgresDb {
    /// Connects, runs the migrations, and keeps a pool. An unreachable database is reported
    /// at once, with the URL less its password.
    pub(crate) fn connect(url: &DatabaseUrl) -> Result<(PostgresDb, Vec<i64>)> {
        let mut config: postgres::Config =
            url.secret()
                .parse()
                .map_err(|e: postgres::Error| StoreError::BadLocation {
                    location: url.redacted(),
                    reason: e.to_string(),
                })?;
        config.connect_timeout(CONNECT_TIMEOUT);
        if config.get_application_name().is_none() {
            config.application_name("sanctum");
        }
        let unreachable = |e: postgres::Error| StoreError::Unreachable {
            location: url.redacted(),
            reason: StoreError::from(e).to_string(),
        };
        // One direct connection first: its error is the server's answer, where the pool
        // would only time out.
        let mut client = config.connect(NoTls).map_err(unreachable)?;
        let applied = schema::migrate_postgres(&mut client)?;
        drop(client);
        let pool = Pool::builder()
            .max_size(POOL_SIZE)
            .min_idle(Some(0))
            .connection_timeout(POOL_WAIT)
            .build_unchecked(PostgresConnectionManager::new(config, NoTls));
        Ok((PostgresDb { pool: Some(pool) }, applied))
    }

    fn connection(&self) -> Result<PooledConnection<Manager>> {
        self.pool
            .as_ref()
            .ok_or_else(|| StoreError::Postgres("the store is closed".to_string()))?
            .get()
            .map_err(|e| StoreError::Postgres(format!("no connection from the pool: {e}")))
    }

    pub(crate) fn read(&self) -> Result<PgSession> {
        Ok(PgSession {
            conn: self.connection()?,
            in_transaction: false,
        })
    }

    /// A transaction holding the advisory write lock of `source` until it ends. After the
    /// lock, each statement (READ COMMITTED) sees every version committed before, so the
    /// next version number read is free; `UNIQUE (source, seq)` backs that up.
    pub(crate) fn write(&self, source: &str) -> Result<PgSession> {
        let mut session = self.begin()?;
        session.conn.execute(
            "SELECT pg_advisory_xact_lock($1, hashtext($2))",
            &[&WRITE_LOCK_SPACE, &source],
        )?;
        Ok(session)
    }

    /// A transaction that waits at most [`WRITE_LOCK_WAIT`] for any lock it takes.
    pub(crate) fn begin(&self) -> Result<PgSession> {
        let mut conn = self.connection()?;
        conn.batch_execute("BEGIN")?;
        let mut session = PgSession {
            conn,
            in_transaction: true,
        };
        session.conn.batch_execute(&format!(
            "SET LOCAL lock_timeout = '{}ms'",
            WRITE_LOCK_WAIT.as_millis()
        ))?;
        Ok(session)
    }

    /// What PostgreSQL can say about the store beyond its own guarantees (write-ahead log,
    /// constraints): the recorded migrations are the ones this build knows.
    pub(crate) fn integrity(&self) -> Result<String> {
        let mut conn = self.connection()?;
        let recorded: Vec<i64> = conn
            .query(
                "SELECT version FROM schema_migrations ORDER BY version",
                &[],
            )?
            .iter()
            .map(|row| row.get(0))
            .collect();
        let expected: Vec<i64> = (1..=crate::SCHEMA_VERSION).collect();
        if recorded == expected {
            Ok("ok".to_string())
        } else {
            Ok(format!(
                "schema_migrations records {recorded:?}, expected {expected:?}"
            ))
        }
    }
}

pub(crate) struct PgSession {
    conn: PooledConnection<Manager>,
    in_transaction: bool,
}

impl Drop for PgSession {
    /// An uncommitted write rolls back; a connection that cannot even do that is closed,
    /// and the pool drops it.
    fn drop(&mut self) {
        if self.in_transaction {
            let _ = self.conn.batch_execute("ROLLBACK");
        }
    }
}

/// `?1` (the shared SQL's placeholders) as PostgreSQL's `$1`. The store's SQL has no `?`
/// anywhere else.
fn dollar_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

impl ToSql for Param<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        let mismatch = || format!("a {self:?} cannot be sent as {ty}").into();
        match *self {
            Param::Null => Ok(IsNull::Yes),
            Param::Int(v) => match *ty {
                Type::INT8 => v.to_sql(ty, out),
                Type::INT4 => i32::try_from(v)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(v)?.to_sql(ty, out),
                // SQLite's flags are integers: 0 is false.
                Type::BOOL => (v != 0).to_sql(ty, out),
                #[allow(clippy::cast_precision_loss)]
                Type::FLOAT8 => (v as f64).to_sql(ty, out),
                _ => Err(mismatch()),
            },
            Param::Float(v) => match *ty {
                Type::FLOAT8 => v.to_sql(ty, out),
                #[allow(clippy::cast_possible_truncation)]
                Type::FLOAT4 => (v as f32).to_sql(ty, out),
                _ => Err(mismatch()),
            },
            Param::Text(v) if <&str as ToSql>::accepts(ty) => v.to_sql(ty, out),
            Param::Bytes(v) if <&[u8] as ToSql>::accepts(ty) => v.to_sql(ty, out),
            Param::Text(_) | Param::Bytes(_) => Err(mismatch()),
        }
    }

    /// Any column type, so that `Null` binds anywhere; `to_sql` refuses a mismatch.
    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

fn read_row(row: &postgres::Row) -> Result<Row> {
    let mut values = Vec::with_capacity(row.len());
    for (index, column) in row.columns().iter().enumerate() {
        let ty = column.type_();
        let value = if *ty == Type::INT8 {
            row.try_get::<_, Option<i64>>(index)?.map(Value::Int)
        } else if *ty == Type::INT4 {
            row.try_get::<_, Option<i32>>(index)?
                .map(|v| Value::Int(v.into()))
        } else if *ty == Type::INT2 {
            row.try_get::<_, Option<i16>>(index)?
                .map(|v| Value::Int(v.into()))
        } else if *ty == Type::BOOL {
            row.try_get::<_, Option<bool>>(index)?
                .map(|v| Value::Int(v.into()))
        } else if *ty == Type::FLOAT8 {
            row.try_get::<_, Option<f64>>(index)?.map(Value::Float)
        } else if *ty == Type::FLOAT4 {
            row.try_get::<_, Option<f32>>(index)?
                .map(|v| Value::Float(v.into()))
        } else if *ty == Type::BYTEA {
            row.try_get::<_, Option<Vec<u8>>>(index)?.map(Value::Bytes)
        } else if [Type::TEXT, Type::VARCHAR, Type::NAME].contains(ty) {
            row.try_get::<_, Option<String>>(index)?.map(Value::Text)
        } else {
            return Err(StoreError::Corrupt {
                item: format!("result column {}", column.name()),
                reason: format!("unexpected type {ty}"),
            });
        };
        values.push(value.unwrap_or(Value::Null));
    }
    Ok(Row(values))
}

impl Session for PgSession {
    fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64> {
        let refs: Vec<&(dyn ToSql + Sync)> =
            params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
        Ok(self
            .conn
            .execute(dollar_placeholders(sql).as_str(), &refs)?)
    }

    fn announce_version(&mut self, source: &str, seq: u32) -> Result<()> {
        self.conn.execute(
            "SELECT pg_notify($1, $2)",
            &[&crate::notify::VERSIONS_CHANNEL, &format!("{source}:{seq}")],
        )?;
        Ok(())
    }

    fn query_each(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        each: &mut dyn FnMut(Row) -> Result<()>,
    ) -> Result<()> {
        use postgres::fallible_iterator::FallibleIterator;
        let mut rows = self.conn.query_raw(
            dollar_placeholders(sql).as_str(),
            params.iter().map(|p| p as &dyn ToSql),
        )?;
        while let Some(row) = rows.next()? {
            each(read_row(&row)?)?;
        }
        Ok(())
    }

    fn insert_parties(&mut self, parties: &[(&str, &[u8])]) -> Result<()> {
        for batch in parties.chunks(BULK_BATCH) {
            let hashes: Vec<&str> = batch.iter().map(|(hash, _)| *hash).collect();
            let data: Vec<&[u8]> = batch.iter().map(|(_, data)| *data).collect();
            self.conn.execute(
                "INSERT INTO parties (hash, data) SELECT * FROM UNNEST($1::text[], $2::bytea[]) \
                 ON CONFLICT (hash) DO NOTHING",
                &[&hashes, &data],
            )?;
        }
        Ok(())
    }

    fn open_spans(&mut self, source: &str, seq: u32, spans: &[(&str, &str)]) -> Result<()> {
        let seq = i64::from(seq);
        for batch in spans.chunks(BULK_BATCH) {
            let ids: Vec<&str> = batch.iter().map(|(id, _)| *id).collect();
            let hashes: Vec<&str> = batch.iter().map(|(_, hash)| *hash).collect();
            self.conn.execute(
                "INSERT INTO spans (source, source_id, hash, from_seq) \
                 SELECT $1::text, t.id, t.hash, $2::bigint FROM UNNEST($3::text[], $4::text[]) AS t (id, hash)",
                &[&source, &seq, &ids, &hashes],
            )?;
        }
        Ok(())
    }

    fn parties(&mut self, hashes: &[&str]) -> Result<HashMap<String, Vec<u8>>> {
        let mut out = HashMap::with_capacity(hashes.len());
        for batch in hashes.chunks(BULK_BATCH) {
            for row in self.conn.query(
                "SELECT hash, data FROM parties WHERE hash = ANY ($1::text[])",
                &[&batch],
            )? {
                out.insert(row.try_get(0)?, row.try_get(1)?);
            }
        }
        Ok(out)
    }

    fn close_spans(&mut self, seq: u32, span_ids: &[i64]) -> Result<()> {
        let seq = i64::from(seq);
        for batch in span_ids.chunks(BULK_BATCH) {
            self.conn.execute(
                "UPDATE spans SET to_seq = $1 WHERE id = ANY ($2::bigint[])",
                &[&seq, &batch],
            )?;
        }
        Ok(())
    }

    fn execute_batch(&mut self, sql: &str) -> Result<()> {
        Ok(self.conn.batch_execute(sql)?)
    }

    fn commit(mut self: Box<Self>) -> Result<()> {
        if self.in_transaction {
            // Cleared first: a failed COMMIT has ended the transaction all the same.
            self.in_transaction = false;
            self.conn.batch_execute("COMMIT")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::dollar_placeholders;

    #[test]
    fn placeholders_are_numbered_the_postgresql_way() {
        assert_eq!(
            dollar_placeholders("SELECT a FROM t WHERE b = ?1 AND c > ?12"),
            "SELECT a FROM t WHERE b = $1 AND c > $12"
        );
    }
}
