//! Rolling a source back: an earlier version's parties made current again as a new version.
//!
//! History is append-only: nothing is deleted or rewritten. The rollback closes the current
//! spans the earlier version does not share and opens spans for its records again, so the
//! new version reads exactly as the earlier one, and a diff against any version works as
//! for a publication.

use crate::{IngestOutcome, MEMBER_FILTER, Result, Store, StoreError, current_version_of};
use rusqlite::{TransactionBehavior, params};
use std::collections::HashMap;

impl Store {
    /// Makes the parties of version `seq` of `source` current again, as a new version made
    /// at `at` (RFC 3339 UTC) that carries version `seq`'s publication date, file name and
    /// sha256 and names it in [`crate::VersionInfo::restores`].
    ///
    /// One transaction, as an ingest: an error or a crash leaves the store unchanged.
    /// [`StoreError::NoSuchVersion`] for a source without that version. When the current
    /// version already holds exactly these parties (`seq` is current, or was restored
    /// already) nothing is written and the outcome is [`IngestOutcome::Unchanged`].
    pub fn rollback(&mut self, source: &str, seq: u32, at: &str) -> Result<IngestOutcome> {
        let no_such = || StoreError::NoSuchVersion {
            source_key: source.to_string(),
            seq,
        };
        // IMMEDIATE: the current version read here is still current at commit, even with
        // another process ingesting.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current = current_version_of(&tx, source)?.ok_or_else(no_such)?;
        if seq == 0 || seq > current.seq {
            return Err(no_such());
        }

        let target: HashMap<String, String> = {
            let sql = format!("SELECT s.source_id, s.hash FROM spans s WHERE {MEMBER_FILTER}");
            let mut stmt = tx.prepare_cached(&sql)?;
            stmt.query_map(params![source, seq], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?
        };
        // source_id → (span id, hash) of the current version.
        let current_spans: HashMap<String, (i64, String)> = {
            let mut stmt = tx.prepare_cached(
                "SELECT id, source_id, hash FROM spans WHERE source = ?1 AND to_seq IS NULL",
            )?;
            stmt.query_map(params![source], |row| {
                Ok((row.get(1)?, (row.get(0)?, row.get(2)?)))
            })?
            .collect::<rusqlite::Result<_>>()?
        };

        let mut close: Vec<i64> = Vec::new();
        let (mut removed, mut amended) = (0u64, 0u64);
        for (id, (span_id, hash)) in &current_spans {
            match target.get(id) {
                Some(restored) if restored == hash => {}
                Some(_) => {
                    amended += 1;
                    close.push(*span_id);
                }
                None => {
                    removed += 1;
                    close.push(*span_id);
                }
            }
        }
        let open: Vec<(&String, &String)> = target
            .iter()
            .filter(|(id, hash)| current_spans.get(*id).is_none_or(|(_, h)| h != *hash))
            .collect();
        if close.is_empty() && open.is_empty() {
            return Ok(IngestOutcome::Unchanged { version: current });
        }
        let added = open.len() as u64 - amended;

        let new_seq = current
            .seq
            .checked_add(1)
            .ok_or_else(|| StoreError::Rejected {
                source_key: source.to_string(),
                reason: "the source has run out of version numbers".to_string(),
            })?;
        // The restored version's metadata is copied as stored, counts by kind included: the
        // parties are the same records.
        tx.prepare_cached(
            "INSERT INTO versions (source, seq, published, fetched_at, sha256, file_name, \
             party_count, added, removed, amended, counts_json, restores) \
             SELECT source, ?3, published, ?4, sha256, file_name, party_count, ?5, ?6, ?7, \
                    counts_json, seq \
             FROM versions WHERE source = ?1 AND seq = ?2",
        )?
        .execute(params![
            source,
            seq,
            new_seq,
            at,
            // Counts come from in-memory lengths, far below i64::MAX.
            added as i64,
            removed as i64,
            amended as i64,
        ])?;
        // The restored version's publication order comes back with it, so the check that a
        // later publication is not this one cut short still has an order to compare with.
        let new_id = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO version_order (version_id, ids)
             SELECT ?1, o.ids FROM version_order o JOIN versions v ON v.id = o.version_id
             WHERE v.source = ?2 AND v.seq = ?3",
            params![new_id, source, seq],
        )?;
        {
            let mut close_span = tx.prepare_cached("UPDATE spans SET to_seq = ?1 WHERE id = ?2")?;
            for span_id in close {
                close_span.execute(params![new_seq, span_id])?;
            }
            // The records are in `parties` already: version `seq` lists them.
            let mut open_span = tx.prepare_cached(
                "INSERT INTO spans (source, source_id, hash, from_seq) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (id, hash) in open {
                open_span.execute(params![source, id, hash, new_seq])?;
            }
        }
        let version = current_version_of(&tx, source)?.ok_or_else(no_such)?;
        tx.commit()?;
        Ok(IngestOutcome::Created {
            version,
            merged_duplicates: 0,
        })
    }
}
