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
    /// FtM id ([`api_id`]) → position in `parties`.
    pub by_id: HashMap<String, u32>,
    pub sources: BTreeMap<String, SourceState>,
    pub built_in: Duration,
    /// Seconds since the epoch when this snapshot was built.
    pub built_at: i64,
}

/// The id the API gives a party: its FtM id, as `sanctum export` writes it
/// (`us-ofac-sdn-35096`; see `sanctum_model::ftm::ids`).
pub fn api_id(e: &Entity) -> String {
    sanctum_model::ftm::entity_id(e)
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
            .map(|(i, p)| (api_id(&p.entity), i as u32))
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

    /// The party with this id ([`api_id`]).
    pub fn get(&self, id: &str) -> Option<&PreparedEntity> {
        let &i = self.by_id.get(id)?;
        self.parties.get(i as usize)
    }

    /// The current id of the party an id of an earlier scheme names, so no caller breaks: a
    /// party `{source}-{source_id}` or `{source}:{source_id}` (`us_ofac_sdn-35096`), or one
    /// of its sub-entities `{party}.{tag}.{n}` (`us_ofac_sdn-35096.sanction.0`: the API
    /// serves sub-entities nested in their party). `None` when `id` is current already or
    /// names nothing served.
    pub fn current_id(&self, id: &str) -> Option<String> {
        if self.by_id.contains_key(id) {
            return None;
        }
        if let Some((source, source_id)) = id.split_once(':') {
            let new = sanctum_model::ftm::party_id(source, source_id);
            return self.by_id.contains_key(&new).then_some(new);
        }
        let legacy = sanctum_model::ftm::legacy_id_to_ftm(id)?;
        self.by_id
            .contains_key(&legacy.party)
            .then_some(legacy.party)
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
