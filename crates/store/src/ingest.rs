//! Ingesting a publication as a new version: checks, then one transaction that writes only
//! what changed.

use crate::backend::Session;
use crate::{
    IngestOutcome, IngestPolicy, NewVersion, Result, Store, StoreError, VersionInfo, current_spans,
    current_version_of,
};
use sanctum_model::Entity;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashSet};

/// A party of the incoming publication, serialised and hashed.
struct Incoming {
    entity: Entity,
    json: Vec<u8>,
    hash: String,
}

impl Store {
    /// Stores a parsed publication as the next version of `new.source`, or rejects it.
    ///
    /// All in one transaction: a rejection, an error or a crash leaves the previous version
    /// current and the store byte-for-byte unchanged. Rejected ([`StoreError::Rejected`]):
    /// an empty publication; a party of another source or without an id; one removing more
    /// than `policy.max_removed_fraction` of the current parties, one whose removals are
    /// exactly the last parties of the current version in publication order (what a file
    /// cut short looks like, however few), or one dated before the current version, unless
    /// `policy.force`. Records repeating a `source_id` are merged into the first (see
    /// [`sanctum_model::merge_duplicates`]). A file whose sha256 is the current version's
    /// gives [`IngestOutcome::Unchanged`] and writes nothing, unless `policy.force` stores it
    /// again as a new version (a parser that reads it differently now). A file of an earlier
    /// version is a new publication like any other (a publisher's revert): it becomes a new
    /// version with that earlier version's parties.
    pub fn ingest(
        &mut self,
        new: NewVersion,
        entities: Vec<Entity>,
        policy: &IngestPolicy,
    ) -> Result<IngestOutcome> {
        let reject = |reason: String| StoreError::Rejected {
            source_key: new.source.clone(),
            reason,
        };
        // Cheap early answer for a file already stored, before any serialising.
        if !policy.force
            && let Some(current) = self.current_version(&new.source)?
            && current.sha256 == new.sha256
        {
            return Ok(IngestOutcome::Unchanged { version: current });
        }

        if entities.is_empty() {
            return Err(reject(
                "the publication lists no parties; an empty list is taken for a broken \
                 download, not for every party delisted"
                    .to_string(),
            ));
        }
        if let Some(stray) = entities.iter().find(|e| e.source != new.source) {
            return Err(reject(format!(
                "party {:?} belongs to source {:?}, not to {:?}",
                stray.source_id, stray.source, new.source
            )));
        }
        if let Some(nameless) = entities.iter().find(|e| e.source_id.trim().is_empty()) {
            return Err(reject(format!(
                "a party has no publisher id (first name {:?}); parties are tracked across \
                 versions by that id",
                nameless.caption()
            )));
        }
        // Serialising and hashing happen before the write lock is taken, to hold it briefly.
        let (entities, merged_duplicates) = sanctum_model::merge_duplicates(entities);
        let incoming = entities
            .into_iter()
            .map(|entity| {
                let json = serde_json::to_vec(&entity).map_err(|e| {
                    reject(format!(
                        "party {:?} cannot be serialised: {e}",
                        entity.source_id
                    ))
                })?;
                let hash = hex::encode(Sha256::digest(&json));
                Ok(Incoming { entity, json, hash })
            })
            .collect::<Result<Vec<_>>>()?;

        // The write lock is taken now, so the current version read below is still current
        // when this transaction commits, even with another process ingesting.
        let mut tx = self.db.write(&new.source)?;
        let current = current_version_of(&mut *tx, &new.source)?;
        if let Some(current) = current
            .as_ref()
            .filter(|c| c.sha256 == new.sha256 && !policy.force)
        {
            return Ok(IngestOutcome::Unchanged {
                version: current.clone(),
            });
        }
        if let Some(current) = &current
            && let (Some(current_date), Some(new_date)) = (current.published, new.published)
            && new_date.latest() < current_date.earliest()
            && !policy.force
        {
            return Err(reject(format!(
                "the publication is dated {new_date}, before the current version {} dated \
                 {current_date}; it looks like a stale copy (use --force to accept it anyway)",
                current.seq
            )));
        }

        let current_spans = current_spans(&mut *tx, &new.source)?;

        // The plan: parties new to the source, parties whose record changed (their old span
        // closes), and parties no longer listed (their span closes).
        let mut added: Vec<&Incoming> = Vec::new();
        let mut amended: Vec<(&Incoming, i64)> = Vec::new();
        let incoming_ids: HashSet<&str> = incoming
            .iter()
            .map(|p| p.entity.source_id.as_str())
            .collect();
        for party in &incoming {
            match current_spans.get(&party.entity.source_id) {
                None => added.push(party),
                Some(span) if span.hash != party.hash => amended.push((party, span.span_id)),
                Some(_) => {}
            }
        }
        let removed: Vec<i64> = current_spans
            .iter()
            .filter(|(id, _)| !incoming_ids.contains(id.as_str()))
            .map(|(_, span)| span.span_id)
            .collect();

        let current_count = current_spans.len();
        // Written so that a NaN limit rejects every removal rather than accepting all.
        let within_limit =
            removed.len() as f64 <= policy.max_removed_fraction * current_count as f64;
        if !removed.is_empty() && !within_limit && !policy.force {
            return Err(reject(format!(
                "the publication removes {} of the {current_count} current parties ({:.1}%), \
                 more than the {:.1}% allowed; if these delistings are genuine, use --force \
                 to accept it",
                removed.len(),
                100.0 * removed.len() as f64 / current_count.max(1) as f64,
                100.0 * policy.max_removed_fraction,
            )));
        }

        if !removed.is_empty()
            && !policy.force
            && let Some(current) = &current
            && let Some(order) = version_order(&mut *tx, current.id)?
        {
            let gone: HashSet<&str> = current_spans
                .keys()
                .map(String::as_str)
                .filter(|id| !incoming_ids.contains(id))
                .collect();
            // Cut short: the removals are the previous order's last parties, and the file
            // ends with the last party kept (a cut file has nothing after the cut, so one
            // ending with a new party was published whole). Additions and amendments before
            // the cut do not clear it: the next day's file cut short has its own.
            let start = order.len().checked_sub(gone.len()).filter(|&s| s > 0);
            let cut_short = start.is_some_and(|start| {
                order[start..].iter().all(|id| gone.contains(id.as_str()))
                    && incoming.last().map(|p| p.entity.source_id.as_str())
                        == Some(order[start - 1].as_str())
            });
            if cut_short {
                return Err(reject(format!(
                    "the publication removes only the last {} parties of version {} (in \
                     publication order), which is what a file cut short looks like; if these \
                     delistings are genuine, use --force to accept it",
                    gone.len(),
                    current.seq
                )));
            }
        }

        let mut counts_by_kind: BTreeMap<String, u64> = BTreeMap::new();
        for party in &incoming {
            *counts_by_kind
                .entry(party.entity.kind.as_str().to_string())
                .or_default() += 1;
        }
        let counts_json = serde_json::to_string(&counts_by_kind)
            .map_err(|e| reject(format!("party counts cannot be serialised: {e}")))?;
        let seq = match &current {
            Some(current) => current
                .seq
                .checked_add(1)
                .ok_or_else(|| reject("the source has run out of version numbers".to_string()))?,
            None => 1,
        };
        let info = VersionInfo {
            id: 0,
            source: new.source.clone(),
            seq,
            published: new.published,
            fetched_at: new.fetched_at.clone(),
            sha256: new.sha256.clone(),
            file_name: new.file_name.clone(),
            party_count: incoming.len() as u64,
            added: added.len() as u64,
            removed: removed.len() as u64,
            amended: amended.len() as u64,
            counts_by_kind,
            restores: None,
        };

        let version_id = tx.int(
            "INSERT INTO versions (source, seq, published, fetched_at, sha256, file_name, \
             party_count, added, removed, amended, counts_json) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING id",
            &[
                info.source.as_str().into(),
                info.seq.into(),
                info.published.map(|d| d.to_string()).as_ref().into(),
                info.fetched_at.as_str().into(),
                info.sha256.as_str().into(),
                info.file_name.as_str().into(),
                // Counts come from in-memory lengths, far below i64::MAX.
                (info.party_count as i64).into(),
                (info.added as i64).into(),
                (info.removed as i64).into(),
                (info.amended as i64).into(),
                counts_json.as_str().into(),
            ],
        )?;
        let info = VersionInfo {
            id: version_id,
            ..info
        };
        let order = encode_order(incoming.iter().map(|p| p.entity.source_id.as_str()))
            .map_err(|e| reject(format!("the party order cannot be stored: {e}")))?;
        tx.execute(
            "INSERT INTO version_order (version_id, ids) VALUES (?1, ?2)",
            &[info.id.into(), order.as_slice().into()],
        )?;
        let closing: Vec<i64> = amended.iter().map(|(_, id)| *id).chain(removed).collect();
        tx.close_spans(seq, &closing)?;
        let opening: Vec<&Incoming> = added
            .iter()
            .copied()
            .chain(amended.iter().map(|(p, _)| *p))
            .collect();
        let records: Vec<(&str, &[u8])> = opening
            .iter()
            .map(|p| (p.hash.as_str(), p.json.as_slice()))
            .collect();
        tx.insert_parties(&records)?;
        let spans: Vec<(&str, &str)> = opening
            .iter()
            .map(|p| (p.entity.source_id.as_str(), p.hash.as_str()))
            .collect();
        tx.open_spans(&new.source, seq, &spans)?;
        tx.announce_version(&new.source, seq)?;
        tx.commit()?;
        Ok(IngestOutcome::Created {
            version: info,
            merged_duplicates,
        })
    }
}

/// A version's source ids in publication order, as stored: a deflated JSON array.
fn encode_order<'a>(ids: impl Iterator<Item = &'a str>) -> std::io::Result<Vec<u8>> {
    let ids: Vec<&str> = ids.collect();
    let json = serde_json::to_vec(&ids)?;
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut encoder, &json)?;
    encoder.finish()
}

/// The publication order of a version's parties; `None` for versions stored before the
/// store kept it (schema version 1).
fn version_order(session: &mut (dyn Session + '_), version_id: i64) -> Result<Option<Vec<String>>> {
    let row = session.row(
        "SELECT ids FROM version_order WHERE version_id = ?1",
        &[version_id.into()],
    )?;
    let Some(mut row) = row else {
        return Ok(None);
    };
    let data = row.take_bytes(0)?;
    let corrupt = |reason: String| StoreError::Corrupt {
        item: format!("party order of version id {version_id}"),
        reason,
    };
    let mut json = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::DeflateDecoder::new(&data[..]), &mut json)
        .map_err(|e| corrupt(e.to_string()))?;
    serde_json::from_slice(&json)
        .map(Some)
        .map_err(|e| corrupt(e.to_string()))
}
