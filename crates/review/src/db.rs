//! The review tables' connection: statements run through sanctum-store's [`SqlSession`],
//! so the tables live in whichever database the lists do (the SQLite file, or PostgreSQL).
//!
//! [`Connection`] is a session (autocommit for reads, or one transaction for an acting
//! method) with the small part of rusqlite's call shape the review code was written in:
//! [`Connection::execute`], [`Connection::query_row`], [`Connection::query_map`] with `?1`
//! placeholders, [`params!`](crate::params) and typed [`Row::get`]. Written here rather than
//! taken from a crate because it adapts the store's own session, which no crate knows.
//!
//! The SQL is shared by both databases; where they differ (row locks, JSON, the schema),
//! the caller asks [`Connection::dialect`].

use crate::ReviewError;
use sanctum_store::SqlSession;
pub use sanctum_store::{Dialect, Param, Value};
use std::cell::RefCell;

/// A statement parameter, borrowed from a value that outlives the statement.
pub trait ToParam {
    fn to_param(&self) -> Param<'_>;
}

impl<T: ToParam + ?Sized> ToParam for &T {
    fn to_param(&self) -> Param<'_> {
        (**self).to_param()
    }
}

impl ToParam for i64 {
    fn to_param(&self) -> Param<'_> {
        Param::Int(*self)
    }
}

impl ToParam for i32 {
    fn to_param(&self) -> Param<'_> {
        Param::Int(i64::from(*self))
    }
}

impl ToParam for u32 {
    fn to_param(&self) -> Param<'_> {
        Param::Int(i64::from(*self))
    }
}

/// Counts above `i64::MAX` cannot occur; they would bind as the largest value.
impl ToParam for u64 {
    fn to_param(&self) -> Param<'_> {
        Param::Int(i64::try_from(*self).unwrap_or(i64::MAX))
    }
}

impl ToParam for usize {
    fn to_param(&self) -> Param<'_> {
        Param::Int(i64::try_from(*self).unwrap_or(i64::MAX))
    }
}

impl ToParam for f64 {
    fn to_param(&self) -> Param<'_> {
        Param::Float(*self)
    }
}

impl ToParam for bool {
    fn to_param(&self) -> Param<'_> {
        Param::from(*self)
    }
}

impl ToParam for str {
    fn to_param(&self) -> Param<'_> {
        Param::Text(self)
    }
}

impl ToParam for String {
    fn to_param(&self) -> Param<'_> {
        Param::Text(self)
    }
}

impl ToParam for [u8] {
    fn to_param(&self) -> Param<'_> {
        Param::Bytes(self)
    }
}

impl<T: ToParam> ToParam for Option<T> {
    fn to_param(&self) -> Param<'_> {
        self.as_ref().map_or(Param::Null, ToParam::to_param)
    }
}

impl ToParam for Value {
    fn to_param(&self) -> Param<'_> {
        match self {
            Value::Null => Param::Null,
            Value::Int(v) => Param::Int(*v),
            Value::Float(v) => Param::Float(*v),
            Value::Text(v) => Param::Text(v),
            Value::Bytes(v) => Param::Bytes(v),
        }
    }
}

/// The parameters of one statement, by position: `params![id, name]` binds `?1` and `?2`.
#[macro_export]
macro_rules! params {
    ($($value:expr),* $(,)?) => {
        &[$($crate::db::ToParam::to_param(&$value)),*] as &[$crate::db::Param<'_>]
    };
}

/// Owned values bound in turn (a query assembled from filters).
pub fn params_from(values: &[Value]) -> Vec<Param<'_>> {
    values.iter().map(ToParam::to_param).collect()
}

/// A column value read as a Rust type.
pub trait FromValue: Sized {
    fn from_value(value: &Value) -> Option<Self>;
    const WANTED: &'static str;
}

impl FromValue for i64 {
    const WANTED: &'static str = "an integer";
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Int(v) => Some(*v),
            _ => None,
        }
    }
}

impl FromValue for u32 {
    const WANTED: &'static str = "a non-negative integer";
    fn from_value(value: &Value) -> Option<Self> {
        i64::from_value(value).and_then(|v| u32::try_from(v).ok())
    }
}

impl FromValue for u64 {
    const WANTED: &'static str = "a non-negative integer";
    fn from_value(value: &Value) -> Option<Self> {
        i64::from_value(value).and_then(|v| u64::try_from(v).ok())
    }
}

impl FromValue for usize {
    const WANTED: &'static str = "a non-negative integer";
    fn from_value(value: &Value) -> Option<Self> {
        i64::from_value(value).and_then(|v| usize::try_from(v).ok())
    }
}

impl FromValue for f64 {
    const WANTED: &'static str = "a number";
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Float(v) => Some(*v),
            // SQLite stores a whole REAL as an integer when the column type lets it.
            #[allow(clippy::cast_precision_loss)]
            Value::Int(v) => Some(*v as f64),
            _ => None,
        }
    }
}

impl FromValue for bool {
    const WANTED: &'static str = "a flag";
    fn from_value(value: &Value) -> Option<Self> {
        i64::from_value(value).map(|v| v != 0)
    }
}

impl FromValue for String {
    const WANTED: &'static str = "text";
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Text(v) => Some(v.clone()),
            _ => None,
        }
    }
}

impl FromValue for Vec<u8> {
    const WANTED: &'static str = "bytes";
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Bytes(v) => Some(v.clone()),
            _ => None,
        }
    }
}

impl<T: FromValue> FromValue for Option<T> {
    const WANTED: &'static str = T::WANTED;
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Null => Some(None),
            other => T::from_value(other).map(Some),
        }
    }
}

/// One result row.
pub struct Row<'r>(&'r [Value]);

impl Row<'_> {
    /// Column `index` as `T`; a type mismatch is [`ReviewError::Corrupt`], naming the column.
    pub fn get<T: FromValue>(&self, index: usize) -> Result<T, ReviewError> {
        let value = self.0.get(index).unwrap_or(&Value::Null);
        T::from_value(value).ok_or_else(|| {
            ReviewError::Corrupt(format!(
                "result column {index}: expected {}, found {value:?}",
                T::WANTED
            ))
        })
    }
}

/// A session on the review tables (see the module doc). Each call runs at once; a
/// transaction is rolled back unless [`Connection::commit`] is called.
pub struct Connection<'a> {
    session: RefCell<SqlSession<'a>>,
    dialect: Dialect,
}

impl<'a> Connection<'a> {
    pub(crate) fn new(session: SqlSession<'a>, dialect: Dialect) -> Connection<'a> {
        Connection {
            session: RefCell::new(session),
            dialect,
        }
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// `sql` with ` FOR UPDATE` (or `suffix`) appended on PostgreSQL, where a statement
    /// locks the rows it reads; SQLite's transactions already hold the whole file.
    pub fn locking(&self, sql: &str, suffix: &str) -> String {
        match self.dialect {
            Dialect::Sqlite => sql.to_string(),
            Dialect::Postgres => format!("{sql} {suffix}"),
        }
    }

    fn session(&self) -> Result<std::cell::RefMut<'_, SqlSession<'a>>, ReviewError> {
        // Only a row callback that queries again could find the session busy.
        self.session.try_borrow_mut().map_err(|_| {
            ReviewError::Corrupt("a query ran inside another query's row callback".into())
        })
    }

    /// Runs a statement; the number of rows it changed.
    pub fn execute(&self, sql: &str, params: &[Param<'_>]) -> Result<usize, ReviewError> {
        let changed = self.session()?.execute(sql, params)?;
        Ok(usize::try_from(changed).unwrap_or(usize::MAX))
    }

    /// Runs `;`-separated statements without parameters (a migration step).
    pub fn execute_batch(&self, sql: &str) -> Result<(), ReviewError> {
        Ok(self.session()?.execute_batch(sql)?)
    }

    /// Hands each row to `each` as it arrives, without holding them all; `each` must not
    /// use this connection.
    pub fn for_each(
        &self,
        sql: &str,
        params: &[Param<'_>],
        mut each: impl FnMut(&Row<'_>) -> Result<(), ReviewError>,
    ) -> Result<(), ReviewError> {
        self.session()?
            .query_each(sql, params, |row| each(&Row(row.values())))
    }

    /// Every row, mapped (the rows are read first, so `map` may use this connection).
    pub fn query_map<T>(
        &self,
        sql: &str,
        params: &[Param<'_>],
        mut map: impl FnMut(&Row<'_>) -> Result<T, ReviewError>,
    ) -> Result<Vec<T>, ReviewError> {
        let mut rows = Vec::new();
        self.session()?
            .query_each(sql, params, |row| -> Result<(), ReviewError> {
                rows.push(row.into_values());
                Ok(())
            })?;
        rows.iter().map(|row| map(&Row(row))).collect()
    }

    /// The first row, mapped; `None` when there is none.
    pub fn query_opt<T>(
        &self,
        sql: &str,
        params: &[Param<'_>],
        map: impl FnOnce(&Row<'_>) -> Result<T, ReviewError>,
    ) -> Result<Option<T>, ReviewError> {
        let mut first = None;
        self.session()?
            .query_each(sql, params, |row| -> Result<(), ReviewError> {
                if first.is_none() {
                    first = Some(row.into_values());
                }
                Ok(())
            })?;
        first.map(|row| map(&Row(&row))).transpose()
    }

    /// The first row, mapped; no row is [`ReviewError::Corrupt`] (a query that always
    /// answers: a count, an `INSERT … RETURNING`).
    pub fn query_row<T>(
        &self,
        sql: &str,
        params: &[Param<'_>],
        map: impl FnOnce(&Row<'_>) -> Result<T, ReviewError>,
    ) -> Result<T, ReviewError> {
        self.query_opt(sql, params, map)?
            .ok_or_else(|| ReviewError::Corrupt(format!("no row from {sql}")))
    }

    /// Commits a transaction (a no-op for a read session).
    pub fn commit(self) -> Result<(), ReviewError> {
        Ok(self.session.into_inner().commit()?)
    }
}
