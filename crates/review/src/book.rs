//! The customer book: customers keyed by (book, customer id), each change a new revision.
//!
//! [`import`] reads a customer file through sanctum-screen's [`InputReader`] (CSV, JSON
//! lines, XLSX; the same column recognition, `--map` overrides and row errors as `sanctum
//! screen`), checks each row as screening would ([`Query::prepare_within`]: dates,
//! countries, name limits), and stores it in transactions of [`IMPORT_CHUNK_ROWS`] rows. A
//! customer whose fingerprint (names, birth dates, countries, identifiers, kind) is
//! unchanged is left alone; a changed or closed one gets a new revision; `replace` closes
//! the book's customers absent from the file. The import reports which customers are new
//! or changed: the input of a delta screening of the book.

use crate::db::{Connection, Dialect, Param, Row};
use crate::fingerprint::{self, Facets};
use crate::model::{Actor, Role};
use crate::params;
use crate::{Review, ReviewError, timestamp_text};
use rayon::prelude::*;
use sanctum_limits::Limits;
use sanctum_matcher::{Query, QueryId};
use sanctum_model::{EntityKind, Gender, IdKind};
use sanctum_screen::input::{self, ColumnMap, InputFormat, InputReader, RowError};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// Rows stored per transaction: one fsync per 10k rows, and an interrupted import loses at
/// most the chunk in flight.
pub const IMPORT_CHUNK_ROWS: usize = 10_000;

/// An import that writes at least this many customers (new or changed), and at least
/// [`ANALYZE_AFTER_SHARE`] of the rows it read, refreshes PostgreSQL's statistics of the
/// book's tables at its end; a smaller one leaves them to autovacuum, as they still
/// describe the book well enough and ANALYZE (a sample of each table) would cost more than
/// it saves.
const ANALYZE_AFTER_ROWS: u64 = 1_000;

/// See [`ANALYZE_AFTER_ROWS`].
const ANALYZE_AFTER_SHARE: f64 = 0.1;

/// The book a command or request names when it names none.
pub const DEFAULT_BOOK: &str = "main";

/// Bad rows kept as examples in the summary.
const MAX_EXAMPLES: usize = 50;

/// An identifier of a customer.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerId {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub kind: Option<IdKind>,
    pub value: String,
}

/// What the book keeps of a customer: the fields screening reads.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerFields {
    pub names: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub kind: Option<EntityKind>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub birth_dates: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub gender: Option<Gender>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<CustomerId>,
}

impl CustomerFields {
    pub fn from_query(query: &Query) -> CustomerFields {
        CustomerFields {
            names: query.names.clone(),
            kind: query.kind,
            birth_dates: query.birth_dates.clone(),
            countries: query.countries.clone(),
            gender: query.gender,
            identifiers: query
                .identifiers
                .iter()
                .map(|id| CustomerId {
                    kind: id.kind.clone(),
                    value: id.value.clone(),
                })
                .collect(),
        }
    }

    pub fn to_query(&self) -> Query {
        Query {
            names: self.names.clone(),
            kind: self.kind,
            birth_dates: self.birth_dates.clone(),
            countries: self.countries.clone(),
            gender: self.gender,
            identifiers: self
                .identifiers
                .iter()
                .map(|id| QueryId {
                    kind: id.kind.clone(),
                    value: id.value.clone(),
                })
                .collect(),
        }
    }

    /// The fields matching reads, normalised (gender is not among them: the matcher does
    /// not score it).
    pub fn facets(&self) -> Facets {
        let mut facets = Facets::new();
        let mut put = |facet: &str, value: String| {
            if !value.is_empty() {
                facets.entry(facet.to_string()).or_default().insert(value);
            }
        };
        for name in &self.names {
            put("names", fingerprint::normalize_text(name));
        }
        if let Some(kind) = self.kind {
            put("kind", kind.as_str().to_string());
        }
        for date in &self.birth_dates {
            put("birth_dates", date.trim().to_string());
        }
        for country in &self.countries {
            put("countries", fingerprint::normalize_text(country));
        }
        for id in &self.identifiers {
            put(
                "identifiers",
                format!(
                    "{}:{}",
                    id.kind.as_ref().map(|k| k.as_str()).unwrap_or("any"),
                    fingerprint::normalize_identifier(&id.value)
                ),
            );
        }
        facets
    }
}

/// A customer with its current revision.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Customer {
    pub book: String,
    pub customer_id: String,
    pub revision: i64,
    pub fingerprint: String,
    pub fields: CustomerFields,
    pub closed_at: Option<String>,
    pub updated_at: String,
}

impl Customer {
    pub fn facets(&self) -> Facets {
        self.fields.facets()
    }
}

/// What an import did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportSummary {
    pub book: String,
    pub file: String,
    pub rows_read: u64,
    pub rows_rejected: u64,
    pub rejected_by_reason: BTreeMap<String, u64>,
    pub rejected_examples: Vec<RowError>,
    pub new: u64,
    pub changed: u64,
    pub unchanged: u64,
    /// Rows repeating an id met earlier in the file (the later row wins).
    pub duplicates: u64,
    /// Customers closed by `replace`.
    pub closed: u64,
    /// Rows without an id column value: their id is their line number, which a reordered
    /// file changes. Give the book an `id` column.
    pub ids_from_line_numbers: u64,
    /// New and changed customers, for a delta screening.
    #[serde(skip)]
    pub touched: Vec<String>,
    pub seconds: f64,
}

/// Who may change a book: every role but the auditor's.
fn check_may_change(actor: &Actor) -> Result<(), ReviewError> {
    match actor.role {
        Some(Role::Analyst | Role::Reviewer | Role::Admin) => Ok(()),
        _ => Err(ReviewError::Forbidden(format!(
            "{actor} may not change a customer book"
        ))),
    }
}

pub fn check_book_name(book: &str) -> Result<(), ReviewError> {
    if book.is_empty()
        || book.len() > 64
        || !book
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        return Err(ReviewError::Usage(format!(
            "book name {book:?}: 1 to 64 letters, digits, '_', '-' or '.'"
        )));
    }
    Ok(())
}

/// A book customers may be imported into and screened: a valid name, and not the book
/// of held payments ([`crate::payments::PAYMENT_BOOK`]), whose alerts are messages.
pub fn check_customer_book(book: &str) -> Result<(), ReviewError> {
    check_book_name(book)?;
    if book == crate::payments::PAYMENT_BOOK {
        return Err(ReviewError::Usage(format!(
            "book name {book:?} is reserved for held payment messages: choose another"
        )));
    }
    Ok(())
}

/// One row read and checked.
struct ReadRow {
    id: String,
    from_line_number: bool,
    fields: CustomerFields,
    fingerprint: String,
}

/// How to read the customer file.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// From the file name when `None`.
    pub format: Option<InputFormat>,
    pub map: ColumnMap,
    pub limits: Limits,
    /// Close the book's customers absent from the file.
    pub replace: bool,
}

/// Imports a customer file into `book`.
pub fn import(
    review: &mut Review,
    actor: &Actor,
    book: &str,
    path: &Path,
    options: &ImportOptions,
) -> Result<ImportSummary, ReviewError> {
    let (format, map, limits, replace) = (
        options.format,
        &options.map,
        &options.limits,
        options.replace,
    );
    check_may_change(actor)?;
    check_customer_book(book)?;
    let started = std::time::Instant::now();
    let mut reader =
        InputReader::open(path, format, map, limits).map_err(ReviewError::from_input)?;
    let mut summary = ImportSummary {
        book: book.to_string(),
        file: path.display().to_string(),
        ..ImportSummary::default()
    };
    let mut seen: HashSet<String> = HashSet::new();
    let reject = |summary: &mut ImportSummary, e: RowError| {
        summary.rows_rejected += 1;
        *summary
            .rejected_by_reason
            .entry(e.kind.as_str().to_string())
            .or_default() += 1;
        if summary.rejected_examples.len() < MAX_EXAMPLES {
            summary.rejected_examples.push(e);
        }
    };
    loop {
        let mut chunk = Vec::with_capacity(IMPORT_CHUNK_ROWS);
        while chunk.len() < IMPORT_CHUNK_ROWS {
            match reader.next_row().map_err(ReviewError::from_input)? {
                Some(row) => chunk.push(row),
                None => break,
            }
        }
        if chunk.is_empty() {
            break;
        }
        let last = chunk.len() < IMPORT_CHUNK_ROWS;
        summary.rows_read += chunk.len() as u64;
        // Checked as screening checks them, on every core.
        let checked: Vec<Result<ReadRow, RowError>> = chunk
            .into_par_iter()
            .map(|row| {
                let row = row?;
                row.query
                    .prepare_within(limits)
                    .map_err(|e| input::query_error(row.line, &e))?;
                let fields = CustomerFields::from_query(&row.query);
                let fingerprint = fingerprint::fingerprint(&fields.facets());
                Ok(ReadRow {
                    from_line_number: row.id == row.line.to_string(),
                    id: row.id,
                    fields,
                    fingerprint,
                })
            })
            .collect();
        let now = timestamp_text(review.now());
        let mut rows = Vec::with_capacity(checked.len());
        for row in checked {
            match row {
                Ok(row) => rows.push(row),
                Err(e) => reject(&mut summary, e),
            }
        }
        let tx = review.write()?;
        let outcomes = store_customers(&tx, book, &rows, &now)?;
        tx.commit()?;
        for (row, outcome) in rows.into_iter().zip(outcomes) {
            if row.from_line_number {
                summary.ids_from_line_numbers += 1;
            }
            if !seen.insert(row.id.clone()) {
                summary.duplicates += 1;
            }
            match outcome {
                Stored::New => {
                    summary.new += 1;
                    summary.touched.push(row.id);
                }
                Stored::Changed => {
                    summary.changed += 1;
                    summary.touched.push(row.id);
                }
                Stored::Unchanged => summary.unchanged += 1,
            }
        }
        if last {
            break;
        }
    }
    let now = timestamp_text(review.now());
    let tx = review.write()?;
    if replace {
        let open: Vec<String> = tx.query_map(
            "SELECT customer_id FROM customers WHERE book = ?1 AND closed_at IS NULL",
            params![book],
            |row| row.get(0),
        )?;
        for id in open.iter().filter(|id| !seen.contains(*id)) {
            tx.execute(
                "UPDATE customers SET closed_at = ?3, updated_at = ?3 WHERE book = ?1 AND customer_id = ?2",
                params![book, id, now],
            )?;
            summary.closed += 1;
        }
    }
    summary.seconds = started.elapsed().as_secs_f64();
    crate::audit::append(
        &tx,
        &now,
        &actor.name,
        "book.import",
        &subject(book),
        &json!({"file": summary.file, "rows_read": summary.rows_read,
                "rows_rejected": summary.rows_rejected, "new": summary.new,
                "changed": summary.changed, "unchanged": summary.unchanged,
                "closed": summary.closed, "replace": replace}),
    )?;
    tx.commit()?;
    // PostgreSQL plans the screening's reads of these customers from its statistics,
    // which lag a large import until autovacuum's next pass: reading 200 customers of a
    // book that grew from nothing then scanned the whole book (120 ms a statement instead
    // of 15, 50k customers).
    let written = summary.new + summary.changed;
    if review.dialect() == Dialect::Postgres
        && written >= ANALYZE_AFTER_ROWS
        && written as f64 >= ANALYZE_AFTER_SHARE * summary.rows_read as f64
    {
        review
            .conn()?
            .execute("ANALYZE customers, customer_revisions", params![])?;
    }
    Ok(summary)
}

enum Stored {
    New,
    Changed,
    Unchanged,
}

/// Rows per statement when a chunk of customers is stored: a handful of parameters each,
/// well under SQLite's and PostgreSQL's limits on a statement's parameters.
const CUSTOMERS_PER_STATEMENT: usize = 200;

/// `?1, ?2, …` groups of `width` placeholders, one per row, numbered from `first`.
fn placeholder_rows(rows: usize, width: usize, first: usize) -> String {
    (0..rows)
        .map(|row| {
            let marks: Vec<String> = (0..width)
                .map(|column| format!("?{}", first + row * width + column))
                .collect();
            format!("({})", marks.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Stores a chunk of checked rows: a new revision for each new or changed customer, and
/// its current state. A few statements per chunk rather than three per row: on PostgreSQL
/// each statement is a network round trip. A customer repeated within the chunk is taken
/// in file order, as if stored row by row.
fn store_customers(
    conn: &Connection,
    book: &str,
    rows: &[ReadRow],
    now: &str,
) -> Result<Vec<Stored>, ReviewError> {
    // What the book holds now for the chunk's customers: (revision, fingerprint, closed).
    let mut current: HashMap<&str, (i64, String, bool)> = HashMap::with_capacity(rows.len());
    let ids: Vec<&str> = {
        let mut ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    for batch in ids.chunks(CUSTOMERS_PER_STATEMENT) {
        let marks: Vec<String> = (0..batch.len()).map(|i| format!("?{}", i + 2)).collect();
        let mut values = vec![Param::Text(book)];
        values.extend(batch.iter().map(|id| Param::Text(id)));
        let found = conn.query_map(
            &format!(
                "SELECT customer_id, revision, fingerprint, closed_at IS NOT NULL FROM customers
                 WHERE book = ?1 AND customer_id IN ({})",
                marks.join(", ")
            ),
            &values,
            |r| Ok((r.get::<String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        for (id, revision, fingerprint, closed) in found {
            // The key borrowed from the rows (`batch` is sorted).
            if let Ok(at) = batch.binary_search(&id.as_str())
                && let Some(key) = batch.get(at)
            {
                current.insert(key, (revision, fingerprint, closed));
            }
        }
    }
    let mut outcomes = Vec::with_capacity(rows.len());
    // Revisions to insert, and the customers whose state (in `current`) changed.
    let mut revisions: Vec<(&ReadRow, i64, String)> = Vec::new();
    let mut latest: Vec<&str> = Vec::new();
    for row in rows {
        let (revision, outcome) = match current.get(row.id.as_str()) {
            Some((_, fp, false)) if *fp == row.fingerprint => {
                outcomes.push(Stored::Unchanged);
                continue;
            }
            Some((revision, _, _)) => (revision + 1, Stored::Changed),
            None => (1, Stored::New),
        };
        let fields = serde_json::to_string(&row.fields)
            .map_err(|e| ReviewError::Corrupt(format!("encoding customer {}: {e}", row.id)))?;
        current.insert(&row.id, (revision, row.fingerprint.clone(), false));
        latest.push(&row.id);
        revisions.push((row, revision, fields));
        outcomes.push(outcome);
    }
    latest.sort_unstable();
    latest.dedup();
    for batch in revisions.chunks(CUSTOMERS_PER_STATEMENT) {
        let mut values: Vec<Param<'_>> = Vec::with_capacity(batch.len() * 6);
        for (row, revision, fields) in batch {
            values.extend([
                Param::Text(book),
                Param::Text(&row.id),
                Param::Int(*revision),
                Param::Text(fields),
                Param::Text(&row.fingerprint),
                Param::Text(now),
            ]);
        }
        conn.execute(
            &format!(
                "INSERT INTO customer_revisions
                     (book, customer_id, revision, fields, fingerprint, created_at)
                 VALUES {}",
                placeholder_rows(batch.len(), 6, 1)
            ),
            &values,
        )?;
    }
    // One row per customer in each upsert: PostgreSQL refuses to update a row twice in one
    // statement.
    for batch in latest.chunks(CUSTOMERS_PER_STATEMENT) {
        let mut values: Vec<Param<'_>> = Vec::with_capacity(batch.len() * 5);
        for id in batch {
            let Some((revision, fingerprint, _)) = current.get(id) else {
                continue;
            };
            values.extend([
                Param::Text(book),
                Param::Text(id),
                Param::Int(*revision),
                Param::Text(fingerprint),
                Param::Text(now),
            ]);
        }
        if values.is_empty() {
            continue;
        }
        conn.execute(
            &format!(
                "INSERT INTO customers (book, customer_id, revision, fingerprint, updated_at)
                 VALUES {}
                 ON CONFLICT (book, customer_id) DO UPDATE
                 SET revision = excluded.revision, fingerprint = excluded.fingerprint,
                     closed_at = NULL, updated_at = excluded.updated_at",
                placeholder_rows(values.len() / 5, 5, 1)
            ),
            &values,
        )?;
    }
    Ok(outcomes)
}

pub fn subject(book: &str) -> String {
    format!("book:{book}")
}

const CUSTOMER_SELECT: &str = "SELECT c.book, c.customer_id, c.revision, c.fingerprint, r.fields, \
    c.closed_at, c.updated_at FROM customers c JOIN customer_revisions r \
    ON r.book = c.book AND r.customer_id = c.customer_id AND r.revision = c.revision";

fn customer_from_row(row: &Row<'_>) -> Result<Customer, ReviewError> {
    let fields: String = row.get(4)?;
    let fields = serde_json::from_str(&fields)
        .map_err(|e| ReviewError::Corrupt(format!("customer fields: {e}")))?;
    Ok(Customer {
        book: row.get(0)?,
        customer_id: row.get(1)?,
        revision: row.get(2)?,
        fingerprint: row.get(3)?,
        fields,
        closed_at: row.get(5)?,
        updated_at: row.get(6)?,
    })
}

/// One customer as it stands (closed ones included).
pub fn customer(conn: &Connection, book: &str, id: &str) -> Result<Option<Customer>, ReviewError> {
    conn.query_opt(
        &format!("{CUSTOMER_SELECT} WHERE c.book = ?1 AND c.customer_id = ?2"),
        params![book, id],
        customer_from_row,
    )
}

/// These customers as they stand (closed ones included), in the order of `ids`; ids the
/// book does not hold are left out. Read [`CUSTOMERS_PER_STATEMENT`] at a time: one
/// statement per customer, on PostgreSQL a round trip each, made reading the customers an
/// import changed cost more than screening them.
pub fn customers(
    conn: &Connection,
    book: &str,
    ids: &[String],
) -> Result<Vec<Customer>, ReviewError> {
    let mut found: HashMap<String, Customer> = HashMap::with_capacity(ids.len());
    for batch in ids.chunks(CUSTOMERS_PER_STATEMENT) {
        let marks: Vec<String> = (0..batch.len()).map(|i| format!("?{}", i + 2)).collect();
        let mut values = vec![Param::Text(book)];
        values.extend(batch.iter().map(|id| Param::Text(id)));
        let read = conn.query_map(
            &format!(
                "{CUSTOMER_SELECT} WHERE c.book = ?1 AND c.customer_id IN ({})",
                marks.join(", ")
            ),
            &values,
            customer_from_row,
        )?;
        found.extend(read.into_iter().map(|c| (c.customer_id.clone(), c)));
    }
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

/// Whether the book holds any customer, open or closed.
pub fn exists(conn: &Connection, book: &str) -> Result<bool, ReviewError> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM customers WHERE book = ?1)",
        params![book],
        |row| row.get(0),
    )
}

/// Open customers of a book with an id above `after`, by id, at most `limit`.
pub fn open_customers(
    conn: &Connection,
    book: &str,
    after: Option<&str>,
    limit: usize,
) -> Result<Vec<Customer>, ReviewError> {
    conn.query_map(
        &format!(
            "{CUSTOMER_SELECT} WHERE c.book = ?1 AND c.closed_at IS NULL AND c.customer_id > ?2
             ORDER BY c.customer_id LIMIT ?3"
        ),
        params![book, after.unwrap_or(""), limit],
        customer_from_row,
    )
}

/// Every revision of a customer, oldest first: (revision, fingerprint, fields, created).
pub fn revisions(
    conn: &Connection,
    book: &str,
    id: &str,
) -> Result<Vec<(i64, String, CustomerFields, String)>, ReviewError> {
    let rows = conn.query_map(
        "SELECT revision, fingerprint, fields, created_at FROM customer_revisions
         WHERE book = ?1 AND customer_id = ?2 ORDER BY revision",
        params![book, id],
        |row| {
            Ok((
                row.get::<i64>(0)?,
                row.get::<String>(1)?,
                row.get::<String>(2)?,
                row.get::<String>(3)?,
            ))
        },
    )?;
    rows.into_iter()
        .map(|(revision, fp, fields, at)| {
            let fields = serde_json::from_str(&fields).map_err(|e| {
                ReviewError::Corrupt(format!("customer {id} revision {revision}: {e}"))
            })?;
            Ok((revision, fp, fields, at))
        })
        .collect()
}

/// A book's counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BookSummary {
    pub book: String,
    pub open: u64,
    pub closed: u64,
    pub revisions: u64,
}

pub fn books(conn: &Connection) -> Result<Vec<BookSummary>, ReviewError> {
    // Flags summed as integers: PostgreSQL sums no booleans.
    conn.query_map(
        "SELECT c.book, SUM(CASE WHEN c.closed_at IS NULL THEN 1 ELSE 0 END),
                SUM(CASE WHEN c.closed_at IS NULL THEN 0 ELSE 1 END),
                (SELECT COUNT(*) FROM customer_revisions r WHERE r.book = c.book)
         FROM customers c GROUP BY c.book ORDER BY c.book",
        params![],
        |row| {
            Ok(BookSummary {
                book: row.get(0)?,
                open: row.get::<i64>(1)?.max(0) as u64,
                closed: row.get::<i64>(2)?.max(0) as u64,
                revisions: row.get::<i64>(3)?.max(0) as u64,
            })
        },
    )
}

/// Closes customers (all of the book's when `ids` is empty); returns how many. Nothing is
/// deleted: their revisions and alerts stay on record.
pub fn remove(
    review: &mut Review,
    actor: &Actor,
    book: &str,
    ids: &[String],
) -> Result<u64, ReviewError> {
    check_may_change(actor)?;
    let now = timestamp_text(review.now());
    let tx = review.write()?;
    let closed = if ids.is_empty() {
        tx.execute(
            "UPDATE customers SET closed_at = ?2, updated_at = ?2 WHERE book = ?1 AND closed_at IS NULL",
            params![book, now],
        )? as u64
    } else {
        let mut n = 0;
        for id in ids {
            let changed = tx.execute(
                "UPDATE customers SET closed_at = ?3, updated_at = ?3
                 WHERE book = ?1 AND customer_id = ?2 AND closed_at IS NULL",
                params![book, id, now],
            )?;
            if changed == 0 && customer(&tx, book, id)?.is_none() {
                return Err(ReviewError::NotFound(format!(
                    "customer {id:?} in book {book:?}"
                )));
            }
            n += changed as u64;
        }
        n
    };
    crate::audit::append(
        &tx,
        &now,
        &actor.name,
        "book.remove",
        &subject(book),
        &json!({"customers": ids, "closed": closed}),
    )?;
    tx.commit()?;
    Ok(closed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Policy;
    use std::io::Write;

    fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
        let path = dir.join(name);
        std::fs::File::create(&path)
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        path
    }

    fn import_file(review: &mut Review, path: &Path, replace: bool) -> ImportSummary {
        let options = ImportOptions {
            replace,
            ..ImportOptions::default()
        };
        import(
            review,
            &Actor::user("ana", Role::Analyst),
            "main",
            path,
            &options,
        )
        .unwrap()
    }

    #[test]
    fn a_reimport_makes_revisions_only_for_changed_customers_and_replace_closes() {
        let dir = tempfile::tempdir().unwrap();
        let mut review = Review::open_in_memory(Policy::default()).unwrap();
        let first = write(
            dir.path(),
            "a.csv",
            "id,name,dob,country\n1,Ivan Petrov,1970-01-02,RU\n2,Anna Schmidt,,DE\n3,Bad Date,1970-13-45,\n4,Li Wei,,CN\n",
        );
        let s = import_file(&mut review, &first, false);
        assert_eq!((s.rows_read, s.new, s.rows_rejected), (4, 3, 1));
        assert_eq!(s.rejected_examples[0].line, 4, "{:?}", s.rejected_examples);
        // Re-spaced and re-cased: unchanged; a new birth date: a new revision.
        let second = write(
            dir.path(),
            "b.csv",
            "id,name,dob,country\n1,IVAN  petrov,1970-01-02,RU\n2,Anna Schmidt,1980-05-05,DE\n5,New Person,,FR\n",
        );
        let s = import_file(&mut review, &second, true);
        assert_eq!((s.new, s.changed, s.unchanged, s.closed), (1, 1, 1, 1));
        assert_eq!(s.touched, ["2", "5"]);
        let anna = customer(&review.conn().unwrap(), "main", "2")
            .unwrap()
            .unwrap();
        assert_eq!(anna.revision, 2);
        assert_eq!(anna.fields.birth_dates, ["1980-05-05"]);
        assert_eq!(
            revisions(&review.conn().unwrap(), "main", "2")
                .unwrap()
                .len(),
            2
        );
        let li = customer(&review.conn().unwrap(), "main", "4")
            .unwrap()
            .unwrap();
        assert!(li.closed_at.is_some());
        let open: Vec<String> = open_customers(&review.conn().unwrap(), "main", None, 100)
            .unwrap()
            .into_iter()
            .map(|c| c.customer_id)
            .collect();
        assert_eq!(open, ["1", "2", "5"]);
        assert_eq!(
            books(&review.conn().unwrap()).unwrap(),
            [BookSummary {
                book: "main".into(),
                open: 3,
                closed: 1,
                revisions: 5
            }]
        );
        let kinds: Vec<String> = crate::audit::history(&review.conn().unwrap(), "book:main")
            .unwrap()
            .into_iter()
            .map(|e| e.kind)
            .collect();
        assert_eq!(kinds, ["book.import", "book.import"]);
    }

    #[test]
    fn a_file_that_cannot_be_read_is_an_error_naming_it_and_an_auditor_cannot_import() {
        let dir = tempfile::tempdir().unwrap();
        let mut review = Review::open_in_memory(Policy::default()).unwrap();
        let no_name = write(dir.path(), "x.csv", "id,dob\n1,1970\n");
        let err = import(
            &mut review,
            &Actor::user("ana", Role::Analyst),
            "main",
            &no_name,
            &ImportOptions::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("x.csv"), "{err}");
        let err = import(
            &mut review,
            &Actor::user("aud", Role::Auditor),
            "main",
            &no_name,
            &ImportOptions::default(),
        )
        .unwrap_err();
        assert!(matches!(err, ReviewError::Forbidden(_)));
        let closed = remove(
            &mut review,
            &Actor::user("ana", Role::Analyst),
            "main",
            &["nobody".to_string()],
        );
        assert!(matches!(closed, Err(ReviewError::NotFound(_))));
    }
}
