//! An immutable, searchable picture of the current lists: every party prepared for matching,
//! the candidate index, the versions it was built from, and when each party was first seen,
//! last seen and last changed (read from the store's version history once, when the
//! snapshot is built). The server holds one behind an `ArcSwap`; an update builds the next
//! one aside and swaps it in, and requests already running keep the `Arc` of the one they
//! started with.

use sanctum_index::{CandidateIndex, Prepared};
use sanctum_limits::Limits;
use sanctum_matcher::PreparedEntity;
use sanctum_model::Entity;
use sanctum_store::{Store, VersionInfo};
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

/// When a party was seen, as yente gives it (`2024-05-03T00:00:00`: ISO seconds, no zone).
/// A version speaks from its publication date, else (undated, or a rollback) from when it
/// was fetched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seen {
    /// The version that first listed the party.
    pub first_seen: Option<String>,
    /// The last fetch that found the source's current version (or its fetch).
    pub last_seen: Option<String>,
    /// The version the party's current record dates from.
    pub last_change: Option<String>,
}

pub struct Snapshot {
    pub parties: Vec<PreparedEntity>,
    /// Position in `parties` → when the party was seen; empty for a snapshot built without a
    /// store ([`Snapshot::from_entities`]).
    pub seen: Vec<Seen>,
    pub index: CandidateIndex,
    /// FtM id ([`api_id`]) → position in `parties`.
    pub by_id: HashMap<String, u32>,
    pub sources: BTreeMap<String, SourceState>,
    pub built_in: Duration,
    /// Seconds since the epoch when this snapshot was built.
    pub built_at: i64,
    /// What payment screening derives from the parties (listed BICs, IMO numbers, name
    /// words), built by the first `/v1/screen/message` on this snapshot.
    pub payments: std::sync::OnceLock<sanctum_payments::PaymentFilter>,
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
        let seen = seen_of(store, &entities)?;
        let mut snapshot = Snapshot::from_entities(entities, sources, limits);
        snapshot.seen = seen;
        Ok(snapshot)
    }

    /// When the party at `position` was seen (all `None` when the store was not read).
    pub fn seen(&self, position: usize) -> &Seen {
        static UNKNOWN: Seen = Seen {
            first_seen: None,
            last_seen: None,
            last_change: None,
        };
        self.seen.get(position).unwrap_or(&UNKNOWN)
    }

    pub fn from_entities(
        entities: Vec<Entity>,
        sources: BTreeMap<String, SourceState>,
        limits: &Limits,
    ) -> Self {
        let started = Instant::now();
        let Prepared { parties, index } = Prepared::within(entities, limits);
        let by_id = parties
            .iter()
            .enumerate()
            .map(|(i, p)| (api_id(&p.entity), i as u32))
            .collect();
        Snapshot {
            parties,
            seen: Vec::new(),
            index,
            by_id,
            sources,
            built_in: started.elapsed(),
            built_at: jiff::Timestamp::now().as_second(),
            payments: std::sync::OnceLock::new(),
        }
    }

    /// The party with this id ([`api_id`]).
    pub fn get(&self, id: &str) -> Option<&PreparedEntity> {
        self.parties.get(self.position(id)?)
    }

    /// The position in `parties` of the party with this id ([`api_id`]).
    pub fn position(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).map(|&i| i as usize)
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

/// yente's timestamp of a version: its publication date at midnight, else (undated, or a
/// rollback, which speaks from when it was made) its fetch time.
fn version_time(v: &VersionInfo) -> String {
    match (v.published, v.restores) {
        (Some(date), None) => {
            let (y, m, d) = date.earliest();
            format!("{y:04}-{m:02}-{d:02}T00:00:00")
        }
        _ => rfc3339_to_yente(&v.fetched_at),
    }
}

/// `2026-12-07T04:12:00Z` → `2026-12-07T04:12:00`: yente's timestamps carry no zone (they are
/// UTC).
fn rfc3339_to_yente(text: &str) -> String {
    text.get(..19).unwrap_or(text).to_string()
}

/// When each of `entities` was seen, in their order: one query over the store's spans and
/// one over each source's versions, however many parties.
fn seen_of(store: &Store, entities: &[Entity]) -> anyhow::Result<Vec<Seen>> {
    let history = store.current_party_history()?;
    let confirmed = store.confirmed_fetches()?;
    let mut times: HashMap<(String, u32), String> = HashMap::new();
    let mut last_seen: HashMap<String, String> = HashMap::new();
    for summary in store.sources()? {
        for v in store.versions(&summary.source)? {
            times.insert((v.source.clone(), v.seq), version_time(&v));
        }
        let fetched = rfc3339_to_yente(&summary.current.fetched_at);
        let latest = match confirmed.get(&summary.source) {
            Some((_, at)) => fetched.max(rfc3339_to_yente(at)),
            None => fetched,
        };
        last_seen.insert(summary.source, latest);
    }
    Ok(entities
        .iter()
        .map(|e| {
            let key = (e.source.clone(), e.source_id.clone());
            let Some(h) = history.get(&key) else {
                return Seen::default();
            };
            let at = |seq: u32| times.get(&(e.source.clone(), seq)).cloned();
            Seen {
                first_seen: at(h.first_seen),
                last_seen: last_seen.get(&e.source).cloned(),
                last_change: at(h.last_change),
            }
        })
        .collect())
}
