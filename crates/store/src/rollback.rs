//! Rolling a source back: an earlier version's parties made current again as a new version.
//!
//! History is append-only: nothing is deleted or rewritten. The rollback closes the current
//! spans the earlier version does not share and opens spans for its records again, so the
//! new version reads exactly as the earlier one, and a diff against any version works as
//! for a publication.

use crate::{
    IngestOutcome, Result, Store, StoreError, current_spans, current_version_of, membership,
};

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
        // The write lock: the current version read here is still current at commit, even
        // with another process ingesting.
        let mut tx = self.db.write(source)?;
        let current = current_version_of(&mut *tx, source)?.ok_or_else(no_such)?;
        if seq == 0 || seq > current.seq {
            return Err(no_such());
        }

        let target = membership(&mut *tx, source, seq)?;
        let current_spans = current_spans(&mut *tx, source)?;

        let mut close: Vec<i64> = Vec::new();
        let (mut removed, mut amended) = (0u64, 0u64);
        for (id, span) in &current_spans {
            match target.get(id) {
                Some(restored) if *restored == span.hash => {}
                Some(_) => {
                    amended += 1;
                    close.push(span.span_id);
                }
                None => {
                    removed += 1;
                    close.push(span.span_id);
                }
            }
        }
        let open: Vec<(&str, &str)> = target
            .iter()
            .filter(|(id, hash)| current_spans.get(*id).is_none_or(|s| s.hash != **hash))
            .map(|(id, hash)| (id.as_str(), hash.as_str()))
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
        let new_id = tx.int(
            "INSERT INTO versions (source, seq, published, fetched_at, sha256, file_name, \
             party_count, added, removed, amended, counts_json, restores) \
             SELECT source, CAST(?3 AS BIGINT), published, ?4, sha256, file_name, \
                    party_count, CAST(?5 AS BIGINT), CAST(?6 AS BIGINT), CAST(?7 AS BIGINT), \
                    counts_json, seq \
             FROM versions WHERE source = ?1 AND seq = ?2 RETURNING id",
            &[
                source.into(),
                seq.into(),
                new_seq.into(),
                at.into(),
                // Counts come from in-memory lengths, far below i64::MAX.
                (added as i64).into(),
                (removed as i64).into(),
                (amended as i64).into(),
            ],
        )?;
        // The restored version's publication order comes back with it, so the check that a
        // later publication is not this one cut short still has an order to compare with.
        tx.execute(
            "INSERT INTO version_order (version_id, ids)
             SELECT CAST(?1 AS BIGINT), o.ids FROM version_order o JOIN versions v ON v.id = o.version_id
             WHERE v.source = ?2 AND v.seq = ?3",
            &[new_id.into(), source.into(), seq.into()],
        )?;
        tx.close_spans(new_seq, &close)?;
        // The records are in `parties` already: version `seq` lists them.
        tx.open_spans(source, new_seq, &open)?;
        let version = current_version_of(&mut *tx, source)?.ok_or_else(no_such)?;
        tx.announce_version(source, new_seq)?;
        tx.commit()?;
        Ok(IngestOutcome::Created {
            version,
            merged_duplicates: 0,
        })
    }
}
