//! The audit trail: append-only and hash-chained.
//!
//! Each entry holds `seq, at, actor, kind, subject, payload, prev_hash, hash`, where `hash`
//! is the SHA-256 of a canonical encoding of every other field, `prev_hash` included (each
//! field as its byte length, 8 bytes big-endian, then its bytes: no separator can be
//! forged). The payload is hashed as stored (JSON text), never re-serialised, so a JSON
//! library's key order cannot break old entries.
//!
//! Triggers refuse `UPDATE` and `DELETE` on the table (in SQLite and in PostgreSQL);
//! someone with the file and `sqlite3`, or the database's owner, can still drop them, and [`verify`] then names the first entry that was
//! changed, deleted or reordered. Deleting the newest entries leaves a shorter valid chain:
//! that is what [`head`] is for (notarise the head hash elsewhere, then pass it to
//! [`verify`] as the expected head).

use crate::ReviewError;
use crate::db::{Connection, Dialect, Row};
use crate::params;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::Write;

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit entry as stored.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub seq: i64,
    /// RFC 3339 UTC.
    pub at: String,
    pub actor: String,
    /// What happened: `alert.propose`, `user.add`, `book.import`, `screen.run`, …
    pub kind: String,
    /// What it happened to: `alert:12`, `user:alice`, `book:main`, …
    pub subject: String,
    /// JSON text.
    pub payload: String,
    pub prev_hash: String,
    pub hash: String,
}

impl Entry {
    fn from_row(row: &Row<'_>) -> Result<Entry, ReviewError> {
        Ok(Entry {
            seq: row.get(0)?,
            at: row.get(1)?,
            actor: row.get(2)?,
            kind: row.get(3)?,
            subject: row.get(4)?,
            payload: row.get(5)?,
            prev_hash: row.get(6)?,
            hash: row.get(7)?,
        })
    }

    /// The hash its fields give.
    pub fn computed_hash(&self) -> String {
        entry_hash(
            self.seq,
            &self.at,
            &self.actor,
            &self.kind,
            &self.subject,
            &self.payload,
            &self.prev_hash,
        )
    }
}

const COLUMNS: &str = "seq, at, actor, kind, subject, payload, prev_hash, hash";

fn entry_hash(
    seq: i64,
    at: &str,
    actor: &str,
    kind: &str,
    subject: &str,
    payload: &str,
    prev_hash: &str,
) -> String {
    let mut hasher = Sha256::new();
    let seq = seq.to_string();
    for field in [seq.as_str(), at, actor, kind, subject, payload, prev_hash] {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// The PostgreSQL advisory lock that serialises appends ("audit" in ASCII): held from
/// reading the head to the commit, so two processes (API replicas) never both extend the
/// same head and fork the chain. SQLite's transactions already hold the whole file.
const CHAIN_LOCK: i64 = 0x61_75_64_69_74;

/// Appends an entry. Call it inside the transaction that makes the change it records, so
/// the change and its entry commit together or not at all.
pub fn append(
    conn: &Connection,
    at: &str,
    actor: &str,
    kind: &str,
    subject: &str,
    payload: &serde_json::Value,
) -> Result<Entry, ReviewError> {
    if conn.dialect() == Dialect::Postgres {
        conn.execute("SELECT pg_advisory_xact_lock(?1)", params![CHAIN_LOCK])?;
    }
    let last: Option<(i64, String)> = conn.query_opt(
        "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
        params![],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    let (seq, prev_hash) = match last {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS.to_string()),
    };
    let payload = payload.to_string();
    let hash = entry_hash(seq, at, actor, kind, subject, &payload, &prev_hash);
    conn.execute(
        &format!("INSERT INTO audit ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
        params![seq, at, actor, kind, subject, payload, prev_hash, hash],
    )?;
    Ok(Entry {
        seq,
        at: at.to_string(),
        actor: actor.to_string(),
        kind: kind.to_string(),
        subject: subject.to_string(),
        payload,
        prev_hash,
        hash,
    })
}

/// The newest entry's sequence number and hash; `(0, GENESIS)` for an empty trail.
pub fn head(conn: &Connection) -> Result<(i64, String), ReviewError> {
    let last: Option<(i64, String)> = conn.query_opt(
        "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
        params![],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    Ok(last.unwrap_or((0, GENESIS.to_string())))
}

/// Where the chain breaks.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Break {
    /// The first entry changed, deleted or out of place.
    pub seq: i64,
    pub reason: String,
}

/// What [`verify`] found.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub entries: u64,
    pub head_seq: i64,
    pub head_hash: String,
    /// `None` when every entry holds.
    pub broken: Option<Break>,
}

/// Walks the whole chain. `expected_head` (a hash notarised earlier) must be the hash of
/// some entry of the chain, else the entries after it were cut off or the chain rewritten.
pub fn verify(conn: &Connection, expected_head: Option<&str>) -> Result<Verification, ReviewError> {
    let verified = Verification {
        entries: 0,
        head_seq: 0,
        head_hash: GENESIS.to_string(),
        broken: None,
    };
    // Every row, whatever its number: one renumbered below 1 is a break too.
    walk(conn, &verified, i64::MIN, expected_head)
}

/// Goes on from an earlier [`verify`] (`verified`): walks only the entries appended since,
/// chained from its head, so that a page showing the trail does not hash every entry again
/// on each view. A chain found broken stays broken; entries cut off after the verified
/// head are a break. Changes to entries already walked are seen by the next [`verify`].
pub fn verify_after(
    conn: &Connection,
    verified: &Verification,
) -> Result<Verification, ReviewError> {
    if verified.broken.is_some() {
        return Ok(verified.clone());
    }
    let (head_seq, head_hash) = head(conn)?;
    if head_seq < verified.head_seq {
        return Ok(Verification {
            head_seq,
            head_hash,
            broken: Some(Break {
                seq: head_seq + 1,
                reason: format!(
                    "entries {} to {} were verified and are gone: the newest entries were removed",
                    head_seq + 1,
                    verified.head_seq
                ),
            }),
            ..verified.clone()
        });
    }
    walk(conn, verified, verified.head_seq + 1, None)
}

/// Walks the entries numbered `from_seq` and on, the first expected to follow `verified`'s
/// head and to be chained from its hash.
fn walk(
    conn: &Connection,
    verified: &Verification,
    from_seq: i64,
    expected_head: Option<&str>,
) -> Result<Verification, ReviewError> {
    let mut expected_seq = verified.head_seq + 1;
    let mut prev_hash = verified.head_hash.clone();
    let mut entries = verified.entries;
    let mut broken = None;
    let mut head_seen = expected_head.is_none();
    let sql = format!("SELECT {COLUMNS} FROM audit WHERE seq >= ?1 ORDER BY seq");
    conn.for_each(&sql, params![from_seq], |row| {
        let entry = Entry::from_row(row)?;
        entries += 1;
        if broken.is_some() {
            return Ok(());
        }
        if entry.seq != expected_seq {
            broken = Some(Break {
                seq: expected_seq,
                reason: format!(
                    "entry {expected_seq} is missing (deleted, or the entries renumbered): the next entry is {}",
                    entry.seq
                ),
            });
        } else if entry.computed_hash() != entry.hash {
            broken = Some(Break {
                seq: entry.seq,
                reason: format!(
                    "entry {} was changed: its fields no longer give its hash",
                    entry.seq
                ),
            });
        } else if entry.prev_hash != prev_hash {
            let changed = entry.seq - 1;
            broken = Some(Break {
                seq: changed,
                reason: format!(
                    "entry {changed} was changed, replaced or moved: entry {} recorded another hash for it",
                    entry.seq
                ),
            });
        }
        if expected_head == Some(entry.hash.as_str()) {
            head_seen = true;
        }
        prev_hash = entry.hash;
        expected_seq += 1;
        Ok(())
    })?;
    let (head_seq, head_hash) = head(conn)?;
    if broken.is_none() && !head_seen {
        broken = Some(Break {
            seq: head_seq + 1,
            reason: format!(
                "the expected head {} is not in the trail: entries after {head_seq} were removed, or the trail was rewritten",
                expected_head.unwrap_or_default()
            ),
        });
    }
    Ok(Verification {
        entries,
        head_seq,
        head_hash,
        broken,
    })
}

/// Writes entries `from..=to` (by sequence number, either bound open) as JSON lines;
/// returns how many.
pub fn export(
    conn: &Connection,
    from: Option<i64>,
    to: Option<i64>,
    out: &mut dyn Write,
) -> Result<u64, ReviewError> {
    let sql = format!("SELECT {COLUMNS} FROM audit WHERE seq >= ?1 AND seq <= ?2 ORDER BY seq");
    let mut count = 0;
    conn.for_each(
        &sql,
        params![from.unwrap_or(1), to.unwrap_or(i64::MAX)],
        |row| {
            let entry = Entry::from_row(row)?;
            serde_json::to_writer(&mut *out, &entry)
                .map_err(|e| ReviewError::Io(std::io::Error::other(e)))?;
            out.write_all(b"\n")?;
            count += 1;
            Ok(())
        },
    )?;
    Ok(count)
}

/// Entries `from..=to` by sequence number (either bound open), at most `limit`: a page
/// of the trail.
pub fn entries(
    conn: &Connection,
    from: Option<i64>,
    to: Option<i64>,
    limit: usize,
) -> Result<Vec<Entry>, ReviewError> {
    conn.query_map(
        &format!("SELECT {COLUMNS} FROM audit WHERE seq >= ?1 AND seq <= ?2 ORDER BY seq LIMIT ?3"),
        params![
            from.unwrap_or(1),
            to.unwrap_or(i64::MAX),
            i64::try_from(limit).unwrap_or(i64::MAX)
        ],
        Entry::from_row,
    )
}

/// The entries about one subject (`alert:12`), oldest first: an alert's history.
pub fn history(conn: &Connection, subject: &str) -> Result<Vec<Entry>, ReviewError> {
    conn.query_map(
        &format!("SELECT {COLUMNS} FROM audit WHERE subject = ?1 ORDER BY seq"),
        params![subject],
        Entry::from_row,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params;
    use serde_json::json;

    fn trail(n: i64) -> crate::Review {
        let review = crate::Review::open_in_memory(crate::Policy::default()).unwrap();
        let conn = review.conn().unwrap();
        for i in 1..=n {
            append(
                &conn,
                "2026-12-07T00:00:00Z",
                "alice",
                "test.entry",
                &format!("thing:{i}"),
                &json!({"n": i}),
            )
            .unwrap();
        }
        drop(conn);
        review
    }

    #[test]
    fn an_intact_chain_verifies_and_its_head_is_the_last_hash() {
        let review = trail(5);
        let conn = review.conn().unwrap();
        let v = verify(&conn, None).unwrap();
        assert_eq!(v.entries, 5);
        assert_eq!(v.broken, None);
        let (seq, hash) = head(&conn).unwrap();
        assert_eq!((seq, &hash), (5, &v.head_hash));
        let third = history(&conn, "thing:3").unwrap();
        assert_eq!(verify(&conn, Some(&third[0].hash)).unwrap().broken, None);
    }

    #[test]
    fn the_triggers_refuse_update_and_delete() {
        let review = trail(2);
        let conn = review.conn().unwrap();
        let err = conn
            .execute("UPDATE audit SET payload = '{}' WHERE seq = 1", params![])
            .unwrap_err();
        assert!(err.to_string().contains("append-only"), "{err}");
        assert!(
            conn.execute("DELETE FROM audit WHERE seq = 2", params![])
                .is_err()
        );
        assert_eq!(verify(&conn, None).unwrap().broken, None);
    }

    #[test]
    fn an_edited_payload_is_named_by_its_seq() {
        let review = trail(5);
        let conn = review.conn().unwrap();
        conn.execute_batch(
            "DROP TRIGGER audit_no_update;
             UPDATE audit SET payload = '{\"n\":99}' WHERE seq = 3;",
        )
        .unwrap();
        let broken = verify(&conn, None).unwrap().broken.unwrap();
        assert_eq!(broken.seq, 3, "{}", broken.reason);
    }

    #[test]
    fn an_edit_with_its_hash_recomputed_is_caught_by_the_next_entry() {
        let review = trail(4);
        let conn = review.conn().unwrap();
        let mut e = history(&conn, "thing:2").unwrap().remove(0);
        e.payload = "{\"n\":7}".into();
        let forged = e.computed_hash();
        conn.execute_batch("DROP TRIGGER audit_no_update;").unwrap();
        conn.execute(
            "UPDATE audit SET payload = ?1, hash = ?2 WHERE seq = 2",
            params![e.payload, forged],
        )
        .unwrap();
        let broken = verify(&conn, None).unwrap().broken.unwrap();
        assert_eq!(broken.seq, 2, "{}", broken.reason);
    }

    #[test]
    fn a_deleted_entry_and_a_reordering_are_named() {
        let review = trail(5);
        let conn = review.conn().unwrap();
        conn.execute_batch("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 2;")
            .unwrap();
        assert_eq!(verify(&conn, None).unwrap().broken.unwrap().seq, 2);

        let review = trail(5);
        let conn = review.conn().unwrap();
        // Swap the contents of entries 3 and 4, keeping their numbers.
        conn.execute_batch(
            "DROP TRIGGER audit_no_update;
             UPDATE audit SET seq = -3 WHERE seq = 3;
             UPDATE audit SET seq = 3 WHERE seq = 4;
             UPDATE audit SET seq = 4 WHERE seq = -3;",
        )
        .unwrap();
        assert_eq!(verify(&conn, None).unwrap().broken.unwrap().seq, 3);
    }

    #[test]
    fn a_cut_off_tail_is_caught_against_a_notarised_head() {
        let review = trail(5);
        let conn = review.conn().unwrap();
        let (_, notarised) = head(&conn).unwrap();
        conn.execute_batch("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 5;")
            .unwrap();
        assert_eq!(verify(&conn, None).unwrap().broken, None);
        let broken = verify(&conn, Some(&notarised)).unwrap().broken.unwrap();
        assert_eq!(broken.seq, 5, "{}", broken.reason);
    }

    #[test]
    fn a_verification_goes_on_over_the_entries_appended_since() {
        let review = trail(3);
        let conn = review.conn().unwrap();
        let first = verify(&conn, None).unwrap();
        append(
            &conn,
            "2026-12-07T00:00:01Z",
            "alice",
            "test.entry",
            "thing:4",
            &json!({"n": 4}),
        )
        .unwrap();
        let next = verify_after(&conn, &first).unwrap();
        assert_eq!(next, verify(&conn, None).unwrap(), "as a full walk gives");
        assert_eq!((next.entries, next.head_seq, next.broken), (4, 4, None));
        // An appended entry changed after it was written is a break.
        conn.execute_batch(
            "DROP TRIGGER audit_no_update; UPDATE audit SET payload = '{}' WHERE seq = 4;",
        )
        .unwrap();
        assert_eq!(verify_after(&conn, &first).unwrap().broken.unwrap().seq, 4);
        // Verified entries removed from the end are a break.
        let review = trail(3);
        let conn = review.conn().unwrap();
        let verified = verify(&conn, None).unwrap();
        conn.execute_batch("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 3;")
            .unwrap();
        assert_eq!(
            verify_after(&conn, &verified).unwrap().broken.unwrap().seq,
            3
        );
    }

    #[test]
    fn export_writes_the_range_as_json_lines() {
        let review = trail(5);
        let conn = review.conn().unwrap();
        let mut out = Vec::new();
        assert_eq!(export(&conn, Some(2), Some(3), &mut out).unwrap(), 2);
        let lines: Vec<serde_json::Value> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines[0]["seq"], 2);
        assert_eq!(lines[1]["subject"], "thing:3");
    }
}
