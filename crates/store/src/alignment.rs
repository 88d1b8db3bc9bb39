//! The cross-list alignment kept in the store: which records of different publishers
//! denote one target, with each target's summary (its timeline, its links' evidence).
//!
//! sanctum-align computes it from the stored lists (seconds for every list) and keeps it
//! here with its *basis*, the current version of every source it was computed from
//! ([`Store::list_versions_basis`]). A reader compares the basis with the store's: equal,
//! the alignment follows the current lists and answers at once; different (a list was
//! updated or rolled back since), it is computed again. The store does not read the
//! summaries: their shape is sanctum-align's.

use crate::{Result, Store};
use rusqlite::{OptionalExtension, params};

/// One target: its records (`source:source_id`) and its summary (JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTarget {
    pub parties: Vec<String>,
    pub summary: String,
}

/// An alignment as stored, with the list versions it was computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAlignment {
    pub basis: String,
    pub computed_at: String,
    pub targets: Vec<StoredTarget>,
}

impl Store {
    /// The current version of every source, `source:seq` joined by commas in source order:
    /// what an alignment computed now is computed from.
    pub fn list_versions_basis(&self) -> Result<String> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT source, MAX(seq) FROM versions GROUP BY source ORDER BY source",
        )?;
        let heads = stmt
            .query_map([], |row| {
                Ok(format!(
                    "{}:{}",
                    row.get::<_, String>(0)?,
                    row.get::<_, u32>(1)?
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(heads.join(","))
    }

    /// The basis of the stored alignment (`None` when none was ever stored).
    pub fn alignment_basis(&self) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT list_versions FROM alignment_basis WHERE id = 1")?
            .query_row([], |row| row.get(0))
            .optional()?)
    }

    /// Replaces the stored alignment, in one transaction: a reader sees the previous one
    /// or this one whole. `computed_at` is RFC 3339 UTC.
    pub fn store_alignment(
        &mut self,
        basis: &str,
        computed_at: &str,
        targets: &[StoredTarget],
    ) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM alignment_parties", [])?;
        tx.execute("DELETE FROM alignment_targets", [])?;
        {
            let mut target_row =
                tx.prepare("INSERT INTO alignment_targets (id, summary) VALUES (?1, ?2)")?;
            let mut party_row = tx.prepare(
                "INSERT OR REPLACE INTO alignment_parties (party, target) VALUES (?1, ?2)",
            )?;
            for (id, target) in targets.iter().enumerate() {
                let id = id as i64;
                target_row.execute(params![id, target.summary])?;
                for party in &target.parties {
                    party_row.execute(params![party, id])?;
                }
            }
        }
        tx.execute(
            "INSERT INTO alignment_basis (id, list_versions, computed_at) VALUES (1, ?1, ?2)
             ON CONFLICT (id) DO UPDATE SET list_versions = ?1, computed_at = ?2",
            params![basis, computed_at],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The stored alignment whole, whatever its basis (`None` when none was stored).
    pub fn stored_alignment(&self) -> Result<Option<StoredAlignment>> {
        let basis: Option<(String, String)> = self
            .conn
            .prepare_cached("SELECT list_versions, computed_at FROM alignment_basis WHERE id = 1")?
            .query_row([], |row| Ok((row.get(0)?, row.get(1)?)))
            .optional()?;
        let Some((basis, computed_at)) = basis else {
            return Ok(None);
        };
        let mut targets: Vec<StoredTarget> = self
            .conn
            .prepare_cached("SELECT summary FROM alignment_targets ORDER BY id")?
            .query_map([], |row| {
                Ok(StoredTarget {
                    parties: Vec::new(),
                    summary: row.get(0)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = self
            .conn
            .prepare_cached("SELECT party, target FROM alignment_parties ORDER BY target, party")?;
        let rows = stmt.query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
        })?;
        for row in rows {
            let (party, target) = row?;
            if let Some(slot) = usize::try_from(target)
                .ok()
                .and_then(|t| targets.get_mut(t))
            {
                slot.parties.push(party);
            }
        }
        Ok(Some(StoredAlignment {
            basis,
            computed_at,
            targets,
        }))
    }

    /// The stored target of one record (`source:source_id`), whatever the basis.
    pub fn stored_target_of(&self, party: &str) -> Result<Option<StoredTarget>> {
        let target: Option<(i64, String)> = self
            .conn
            .prepare_cached(
                "SELECT t.id, t.summary FROM alignment_parties p
                 JOIN alignment_targets t ON t.id = p.target WHERE p.party = ?1",
            )?
            .query_row(params![party], |row| Ok((row.get(0)?, row.get(1)?)))
            .optional()?;
        let Some((id, summary)) = target else {
            return Ok(None);
        };
        let parties = self
            .conn
            .prepare_cached("SELECT party FROM alignment_parties WHERE target = ?1 ORDER BY party")?
            .query_map(params![id], |row| row.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(Some(StoredTarget { parties, summary }))
    }
}
