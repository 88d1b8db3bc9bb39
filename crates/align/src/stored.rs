//! The alignment kept in the store, so that readers (`sanctum align`, `sanctum show`, the
//! `/align` page, alert review) answer from it at once instead of linking every list again.
//!
//! [`refresh`] links every record of the store ([`load_records`]: the current versions,
//! plus the records that left a source with a history, as delistings) and stores one
//! [`TargetSummary`] per target with the list versions it was computed from. `sanctum
//! update` calls it after an ingest; [`current`] reads it and calls it first when the
//! stored basis is not the store's current versions (a store updated by an older build,
//! a rollback), so a reader never sees links of other versions than the lists it serves.

use crate::link::{Alignment, LinkOptions, Record, align};
use crate::timeline::{self, JURISDICTIONS, Jurisdiction, Listed, TargetRow};
use sanctum_model::{Entity, PartialDate};
use sanctum_store::{Store, StoreError, StoredTarget, VersionInfo};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

#[derive(Debug, thiserror::Error)]
pub enum StoredError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A stored summary that does not read back (written by another build).
    #[error("the stored alignment's target {index} does not read back: {reason}")]
    Corrupt { index: usize, reason: String },
}

/// One record of a target, as its readers show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordSummary {
    /// `source:source_id`.
    pub id: String,
    /// Its FtM id, the id of its card (`/parties/{ftm_id}`) and of `sanctum show`.
    pub ftm_id: String,
    pub caption: String,
    pub jurisdiction: Option<Jurisdiction>,
    /// "US OFAC SDN List", one per designation of the record.
    pub designations: Vec<DesignationSummary>,
    pub listed: Option<Listed>,
    pub delisted_on: Option<PartialDate>,
    /// Why it is linked to the others: "same UN reference number KPi.059 (0.99) with …".
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DesignationSummary {
    pub authority: String,
    pub list: String,
    pub programs: Vec<String>,
    pub listed_on: Option<PartialDate>,
}

/// One target as stored: its timeline row and its records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetSummary {
    pub row: TargetRow,
    pub records: Vec<RecordSummary>,
}

impl TargetSummary {
    /// Whether any of its records is under a program containing `needle`
    /// (case-insensitive): `russia` meets RUSSIA-EO14024, UK "Russia", Canada "Russia".
    pub fn has_program(&self, needle: &str) -> bool {
        let needle = needle.to_lowercase();
        self.row
            .programs
            .iter()
            .any(|p| p.to_lowercase().contains(&needle))
    }

    /// The earliest listing date of any jurisdiction.
    pub fn first_listed(&self) -> Option<(u16, u8, u8)> {
        self.row
            .jurisdictions
            .iter()
            .filter_map(|j| j.first_listed.map(|l| l.date.earliest()))
            .min()
    }
}

/// The alignment read back: the targets, ordered by first listing date then caption.
#[derive(Debug, Clone)]
pub struct Aligned {
    /// The list versions it follows (`source:seq,…`).
    pub basis: String,
    pub computed_at: String,
    pub targets: Vec<TargetSummary>,
    /// The jurisdictions with records in the store, in display order.
    pub compared: Vec<Jurisdiction>,
}

impl Aligned {
    /// Record id (`source:source_id`) → position of its target.
    pub fn by_record(&self) -> HashMap<&str, usize> {
        self.targets
            .iter()
            .enumerate()
            .flat_map(|(t, target)| target.records.iter().map(move |r| (r.id.as_str(), t)))
            .collect()
    }
}

fn version_date(v: &VersionInfo) -> Option<PartialDate> {
    v.published.or_else(|| {
        let (y, m, d) = v.effective_date()?;
        PartialDate::new(y, Some(m), Some(d)).ok()
    })
}

/// Every current record of the store, with its first appearance in its source's history,
/// plus the records that left a source (delisted, with the date of the version they left).
pub fn load_records(store: &Store) -> Result<Vec<Record>, StoreError> {
    let mut records = Vec::new();
    for summary in store.sources()? {
        let source = summary.source.as_str();
        let versions = store.versions(source)?;
        let Some(first) = versions.first() else {
            continue;
        };
        let current = &summary.current;
        // source_id → (first version date, in the first version)
        let mut first_seen: HashMap<String, (Option<PartialDate>, bool)> = HashMap::new();
        let mut left: HashMap<String, (PartialDate, Entity)> = HashMap::new();
        store.for_each_entity(source, first.seq, |e| {
            first_seen.insert(e.source_id, (version_date(first), true));
        })?;
        for pair in versions.windows(2) {
            let (before, after) = (&pair[0], &pair[1]);
            let diff = store.diff(source, before.seq, after.seq)?;
            let date = version_date(after);
            for e in diff.added {
                left.remove(&e.source_id);
                first_seen
                    .entry(e.source_id.clone())
                    .or_insert((date, false));
            }
            if let Some(date) = date {
                for e in diff.removed {
                    left.insert(e.source_id.clone(), (date, e));
                }
            }
        }
        store.for_each_entity(source, current.seq, |e| {
            let (seen, bound) = first_seen.get(&e.source_id).copied().unwrap_or_default();
            records.push(Record {
                entity: e,
                first_seen: seen,
                first_seen_is_bound: bound,
                delisted_on: None,
            });
        })?;
        let mut gone: Vec<(PartialDate, Entity)> = left.into_values().collect();
        gone.sort_by(|a, b| a.1.source_id.cmp(&b.1.source_id));
        for (date, e) in gone {
            let (seen, bound) = first_seen.get(&e.source_id).copied().unwrap_or_default();
            records.push(Record {
                entity: e,
                first_seen: seen,
                first_seen_is_bound: bound,
                delisted_on: Some(date),
            });
        }
    }
    Ok(records)
}

/// The jurisdictions an alignment's records come from, in display order.
pub fn compared(alignment: &Alignment) -> Vec<Jurisdiction> {
    let present: HashSet<Jurisdiction> = alignment
        .records
        .iter()
        .filter_map(|r| timeline::jurisdiction(&r.entity))
        .collect();
    JURISDICTIONS
        .iter()
        .copied()
        .filter(|j| present.contains(j))
        .collect()
}

/// Every target of an alignment summarised, ordered by first listing date then caption.
pub fn summarize(alignment: &Alignment) -> Vec<TargetSummary> {
    let compared = compared(alignment);
    let mut targets: Vec<TargetSummary> = alignment
        .targets
        .iter()
        .map(|target| {
            let records = target
                .records
                .iter()
                .filter_map(|&i| {
                    let record = alignment.records.get(i)?;
                    let e = &record.entity;
                    let evidence = target
                        .links
                        .iter()
                        .filter_map(|l| alignment.links.get(*l))
                        .filter(|l| l.a == i || l.b == i)
                        .filter_map(|l| {
                            let other = if l.a == i { l.b } else { l.a };
                            let other = alignment.records.get(other)?;
                            Some(format!(
                                "{} ({:.2}) with {}",
                                l.describe(),
                                l.confidence,
                                other.entity.id()
                            ))
                        })
                        .collect();
                    Some(RecordSummary {
                        id: e.id(),
                        ftm_id: sanctum_model::ftm::entity_id(e),
                        caption: e.caption().to_string(),
                        jurisdiction: timeline::jurisdiction(e),
                        designations: e
                            .designations
                            .iter()
                            .map(|d| DesignationSummary {
                                authority: d.authority.clone(),
                                list: d.list.clone(),
                                programs: d.programs.clone(),
                                listed_on: d.listed_on,
                            })
                            .collect(),
                        listed: timeline::listed(record),
                        delisted_on: record.delisted_on,
                        evidence,
                    })
                })
                .collect();
            TargetSummary {
                row: timeline::target_row(alignment, target, &compared),
                records,
            }
        })
        .collect();
    targets.sort_by(|a, b| {
        a.first_listed()
            .cmp(&b.first_listed())
            .then_with(|| a.row.caption.cmp(&b.row.caption))
    });
    targets
}

fn now_text() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// Links every record of the store and keeps the result with the list versions it
/// follows, replacing what was kept.
pub fn refresh(store: &mut Store) -> Result<Aligned, StoredError> {
    let basis = store.list_versions_basis()?;
    let alignment = align(load_records(store)?, &LinkOptions::default());
    let targets = summarize(&alignment);
    let stored = targets
        .iter()
        .map(|t| {
            Ok(StoredTarget {
                parties: t.records.iter().map(|r| r.id.clone()).collect(),
                summary: serde_json::to_string(t).map_err(|e| StoredError::Corrupt {
                    index: 0,
                    reason: e.to_string(),
                })?,
            })
        })
        .collect::<Result<Vec<_>, StoredError>>()?;
    let computed_at = now_text();
    store.store_alignment(&basis, &computed_at, &stored)?;
    Ok(Aligned {
        basis,
        computed_at,
        compared: compared(&alignment),
        targets,
    })
}

/// The stored alignment whatever its basis, read back (`None` when none was stored).
pub fn read(store: &Store) -> Result<Option<Aligned>, StoredError> {
    let Some(stored) = store.stored_alignment()? else {
        return Ok(None);
    };
    let targets = stored
        .targets
        .iter()
        .enumerate()
        .map(|(index, t)| {
            serde_json::from_str::<TargetSummary>(&t.summary).map_err(|e| StoredError::Corrupt {
                index,
                reason: e.to_string(),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let present: HashSet<Jurisdiction> = targets
        .iter()
        .flat_map(|t| t.records.iter().filter_map(|r| r.jurisdiction))
        .collect();
    Ok(Some(Aligned {
        basis: stored.basis,
        computed_at: stored.computed_at,
        compared: JURISDICTIONS
            .iter()
            .copied()
            .filter(|j| present.contains(j))
            .collect(),
        targets,
    }))
}

/// Whether the stored alignment follows the store's current list versions.
pub fn is_current(store: &Store) -> Result<bool, StoreError> {
    Ok(store.alignment_basis()?.as_deref() == Some(store.list_versions_basis()?.as_str()))
}

/// The alignment of the current lists: the stored one when it follows them, else computed
/// now and stored.
pub fn current(store: &mut Store) -> Result<Aligned, StoredError> {
    if is_current(store)?
        && let Some(aligned) = read(store)?
    {
        return Ok(aligned);
    }
    refresh(store)
}

/// The stored target of one record (`source:source_id`), when the stored alignment
/// follows the current lists (`None` otherwise, or when it has no target).
pub fn target_of(store: &Store, record: &str) -> Result<Option<TargetSummary>, StoredError> {
    if !is_current(store)? {
        return Ok(None);
    }
    let Some(stored) = store.stored_target_of(record)? else {
        return Ok(None);
    };
    serde_json::from_str(&stored.summary)
        .map(Some)
        .map_err(|e| StoredError::Corrupt {
            index: 0,
            reason: e.to_string(),
        })
}
