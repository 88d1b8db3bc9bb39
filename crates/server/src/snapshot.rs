//! An immutable, searchable picture of the current lists: every party prepared for matching,
//! the candidate index, and the versions it was built from. The server holds one behind an
//! `ArcSwap`; an update builds the next one aside and swaps it in, and requests already
//! running keep the `Arc` of the one they started with.

use rayon::prelude::*;
use sanctum_index::CandidateIndex;
use sanctum_limits::Limits;
use sanctum_matcher::PreparedEntity;
use sanctum_model::Entity;
use sanctum_store::Store;
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

/// A source as the snapshot holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceState {
    pub source: String,
    pub seq: u32,
    pub published: Option<String>,
    pub fetched_at: String,
    pub sha256: String,
    pub party_count: u64,
    pub version_count: u32,
}

pub struct Snapshot {
    pub parties: Vec<PreparedEntity>,
    pub index: CandidateIndex,
    /// FtM id (`{source}-{source_id}`) → position in `parties`.
    pub by_id: HashMap<String, u32>,
    pub sources: BTreeMap<String, SourceState>,
    pub built_in: Duration,
    /// Seconds since the epoch when this snapshot was built.
    pub built_at: i64,
}

/// The FtM id of a party, as `sanctum export` writes it.
pub fn ftm_id(e: &Entity) -> String {
    format!("{}-{}", e.source, e.source_id)
}

impl Snapshot {
    pub fn empty() -> Snapshot {
        Snapshot::from_entities(Vec::new(), BTreeMap::new(), &Limits::default())
    }

    /// Loads the current version of every source and prepares it within `limits` (a listed
    /// name is analysed on its first `max_name_tokens` words, as a query's is).
    pub fn load(store: &Store, limits: &Limits) -> anyhow::Result<Snapshot> {
        let sources = source_states(store)?;
        let entities = store.current_entities(None)?;
        Ok(Snapshot::from_entities(entities, sources, limits))
    }

    pub fn from_entities(
        entities: Vec<Entity>,
        sources: BTreeMap<String, SourceState>,
        limits: &Limits,
    ) -> Self {
        let started = Instant::now();
        let parties: Vec<PreparedEntity> = entities
            .into_par_iter()
            .map(|e| PreparedEntity::within(e, limits))
            .collect();
        let index = CandidateIndex::build(&parties);
        let by_id = parties
            .iter()
            .enumerate()
            .map(|(i, p)| (ftm_id(&p.entity), i as u32))
            .collect();
        Snapshot {
            parties,
            index,
            by_id,
            sources,
            built_in: started.elapsed(),
            built_at: jiff::Timestamp::now().as_second(),
        }
    }

    /// The party with this id: `{source}-{source_id}` (FtM) or `{source}:{source_id}`.
    pub fn get(&self, id: &str) -> Option<&PreparedEntity> {
        if let Some(&i) = self.by_id.get(id) {
            return self.parties.get(i as usize);
        }
        let (source, source_id) = id.split_once(':')?;
        let i = *self.by_id.get(&format!("{source}-{source_id}"))?;
        self.parties.get(i as usize)
    }
}

/// The current version of every source in the store.
pub fn source_states(store: &Store) -> anyhow::Result<BTreeMap<String, SourceState>> {
    Ok(store
        .sources()?
        .into_iter()
        .map(|s| {
            let v = s.current;
            (
                s.source.clone(),
                SourceState {
                    source: s.source,
                    seq: v.seq,
                    published: v.published.map(|d| d.to_string()),
                    fetched_at: v.fetched_at,
                    sha256: v.sha256,
                    party_count: v.party_count,
                    version_count: s.version_count,
                },
            )
        })
        .collect())
}
