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

/// The write lock an alignment is stored under (a source name no list has): on PostgreSQL
/// an advisory lock of its own, on SQLite the file's.
const ALIGNMENT_LOCK: &str = "(alignment)";

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
        let heads = self.db.read()?.rows(
            "SELECT source, MAX(seq) FROM versions GROUP BY source ORDER BY source",
            &[],
        )?;
        let heads = heads
            .into_iter()
            .map(|mut row| Ok(format!("{}:{}", row.take_text(0)?, row.seq(1)?)))
            .collect::<Result<Vec<_>>>()?;
        Ok(heads.join(","))
    }

    /// The basis of the stored alignment (`None` when none was ever stored).
    pub fn alignment_basis(&self) -> Result<Option<String>> {
        self.db
            .read()?
            .row(
                "SELECT list_versions FROM alignment_basis WHERE id = 1",
                &[],
            )?
            .map(|mut row| row.take_text(0))
            .transpose()
    }

    /// Replaces the stored alignment, in one transaction: a reader sees the previous one
    /// or this one whole. `computed_at` is RFC 3339 UTC.
    pub fn store_alignment(
        &mut self,
        basis: &str,
        computed_at: &str,
        targets: &[StoredTarget],
    ) -> Result<()> {
        let mut tx = self.db.write(ALIGNMENT_LOCK)?;
        tx.execute("DELETE FROM alignment_parties", &[])?;
        tx.execute("DELETE FROM alignment_targets", &[])?;
        for (id, target) in targets.iter().enumerate() {
            let id = id as i64;
            tx.execute(
                "INSERT INTO alignment_targets (id, summary) VALUES (?1, ?2)",
                &[id.into(), target.summary.as_str().into()],
            )?;
            for party in &target.parties {
                tx.execute(
                    "INSERT INTO alignment_parties (party, target) VALUES (?1, ?2)
                     ON CONFLICT (party) DO UPDATE SET target = excluded.target",
                    &[party.as_str().into(), id.into()],
                )?;
            }
        }
        tx.execute(
            "INSERT INTO alignment_basis (id, list_versions, computed_at) VALUES (1, ?1, ?2)
             ON CONFLICT (id) DO UPDATE SET list_versions = excluded.list_versions,
             computed_at = excluded.computed_at",
            &[basis.into(), computed_at.into()],
        )?;
        tx.commit()
    }

    /// The stored alignment whole, whatever its basis (`None` when none was stored).
    pub fn stored_alignment(&self) -> Result<Option<StoredAlignment>> {
        let mut session = self.db.read()?;
        let Some(mut row) = session.row(
            "SELECT list_versions, computed_at FROM alignment_basis WHERE id = 1",
            &[],
        )?
        else {
            return Ok(None);
        };
        let (basis, computed_at) = (row.take_text(0)?, row.take_text(1)?);
        let mut targets: Vec<StoredTarget> = session
            .rows("SELECT summary FROM alignment_targets ORDER BY id", &[])?
            .into_iter()
            .map(|mut row| {
                Ok(StoredTarget {
                    parties: Vec::new(),
                    summary: row.take_text(0)?,
                })
            })
            .collect::<Result<_>>()?;
        session.query_each(
            "SELECT party, target FROM alignment_parties ORDER BY target, party",
            &[],
            &mut |mut row| {
                let (party, target) = (row.take_text(0)?, row.int(1)?);
                if let Some(slot) = usize::try_from(target)
                    .ok()
                    .and_then(|t| targets.get_mut(t))
                {
                    slot.parties.push(party);
                }
                Ok(())
            },
        )?;
        Ok(Some(StoredAlignment {
            basis,
            computed_at,
            targets,
        }))
    }

    /// The stored target of one record (`source:source_id`), whatever the basis.
    pub fn stored_target_of(&self, party: &str) -> Result<Option<StoredTarget>> {
        let mut session = self.db.read()?;
        let Some(mut row) = session.row(
            "SELECT t.id, t.summary FROM alignment_parties p
             JOIN alignment_targets t ON t.id = p.target WHERE p.party = ?1",
            &[party.into()],
        )?
        else {
            return Ok(None);
        };
        let (id, summary) = (row.int(0)?, row.take_text(1)?);
        let parties = session
            .rows(
                "SELECT party FROM alignment_parties WHERE target = ?1 ORDER BY party",
                &[id.into()],
            )?
            .into_iter()
            .map(|mut row| row.take_text(0))
            .collect::<Result<Vec<_>>>()?;
        Ok(Some(StoredTarget { parties, summary }))
    }
}
