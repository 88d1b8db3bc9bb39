//! Which listed parties a screening runs against: the current lists or the lists as they
//! stood on a date, narrowed to some sources and programs; or, for delta re-screening, only
//! what changed since a version or a date.

use crate::ScreenError;
use sanctum_model::{Entity, PartialDate};
use sanctum_store::{Store, VersionInfo};
use std::str::FromStr;

/// What a party is to this screening.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Listed in the version screened against (a full screening).
    Listed,
    /// Delta: listed since the base version.
    Added,
    /// Delta: the record as amended since the base version.
    Amended,
    /// Delta: listed in the base version, since removed. Alerts on it no longer hold.
    Delisted,
    /// Delta: the record as it stood in the base version, before its amendment. An alert on
    /// it whose amended record no longer alerts was amended away.
    AmendedBefore,
}

/// Which parties: sources, programs, date.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Source keys (`us_ofac_sdn`); empty means every source in the store.
    pub sources: Vec<String>,
    /// Keep parties with a program containing one of these, case-insensitively
    /// (`RUSSIA` keeps `RUSSIA-EO14024`); empty keeps all.
    pub programs: Vec<String>,
    /// The lists as they stood on this date instead of the current ones.
    pub as_of: Option<PartialDate>,
}

impl Selection {
    fn keeps(&self, entity: &Entity) -> bool {
        if self.programs.is_empty() {
            return true;
        }
        let wanted: Vec<String> = self.programs.iter().map(|p| p.to_uppercase()).collect();
        entity.programs().iter().any(|p| {
            let p = p.to_uppercase();
            wanted.iter().any(|w| p.contains(w.as_str()))
        })
    }

    fn source_keys(&self, store: &Store) -> Result<Vec<String>, ScreenError> {
        let stored: Vec<String> = store.sources()?.into_iter().map(|s| s.source).collect();
        if self.sources.is_empty() {
            return Ok(stored);
        }
        for s in &self.sources {
            if !stored.contains(s) {
                return Err(ScreenError::Usage(format!(
                    "--source {s}: not in the store (stored: {})",
                    stored.join(", ")
                )));
            }
        }
        Ok(self.sources.clone())
    }

    /// The version of `source` screened against: current, or as of the date.
    fn target_version(
        &self,
        store: &Store,
        source: &str,
    ) -> Result<Option<VersionInfo>, ScreenError> {
        Ok(match self.as_of {
            Some(date) => store.version_as_of(source, date)?,
            None => store.current_version(source)?,
        })
    }
}

/// The parties of a full screening, with the versions they come from.
pub struct Lists {
    pub parties: Vec<(Entity, Role)>,
    pub versions: Vec<VersionInfo>,
}

/// Loads the selected parties.
pub fn load(store: &Store, selection: &Selection) -> Result<Lists, ScreenError> {
    let mut parties = Vec::new();
    let mut versions = Vec::new();
    for source in selection.source_keys(store)? {
        let Some(version) = selection.target_version(store, &source)? else {
            continue;
        };
        store.for_each_entity(&source, version.seq, |e| {
            if selection.keeps(&e) {
                parties.push((e, Role::Listed));
            }
        })?;
        versions.push(version);
    }
    Ok(Lists { parties, versions })
}

/// The parties of exactly these versions (`(source, seq)`, in this order), narrowed to
/// `selection`'s programs: what a screening pinned to those versions at submission screens
/// against, however many versions were ingested since. Given the versions [`load`] chose,
/// in its order, the parties come in [`load`]'s order too, so alerts tie-break alike.
pub fn load_pinned(
    store: &Store,
    versions: &[(String, u32)],
    selection: &Selection,
) -> Result<Lists, ScreenError> {
    let mut parties = Vec::new();
    let mut infos = Vec::with_capacity(versions.len());
    for (source, seq) in versions {
        let version = store.version(source, *seq)?.ok_or_else(|| {
            sanctum_store::StoreError::NoSuchVersion {
                source_key: source.clone(),
                seq: *seq,
            }
        })?;
        store.for_each_entity(source, *seq, |e| {
            if selection.keeps(&e) {
                parties.push((e, Role::Listed));
            }
        })?;
        infos.push(version);
    }
    Ok(Lists {
        parties,
        versions: infos,
    })
}

/// The base of a delta re-screening.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Since {
    /// The version each source had on that date.
    Date(PartialDate),
    /// A version number, of the named source or of every selected source.
    Version { source: Option<String>, seq: u32 },
}

impl FromStr for Since {
    type Err = String;
    fn from_str(text: &str) -> Result<Since, String> {
        let text = text.trim();
        if let Some((source, seq)) = text.rsplit_once([':', '@'])
            && let Ok(seq) = seq.parse()
        {
            return Ok(Since::Version {
                source: Some(source.to_string()),
                seq,
            });
        }
        if let Ok(seq) = text.parse() {
            return Ok(Since::Version { source: None, seq });
        }
        sanctum_model::date::parse_single_date(text)
            .map(Since::Date)
            .map_err(|e| {
                format!(
                    "{text:?}: neither a version (7, us_ofac_sdn:7) nor a date ({})",
                    e.reason
                )
            })
    }
}

/// One source's change, as screened.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SourceChange {
    pub source: String,
    pub from_seq: u32,
    pub to_seq: u32,
    pub from_published: Option<String>,
    pub to_published: Option<String>,
    pub added: usize,
    pub amended: usize,
    pub removed: usize,
}

/// The parties of a delta re-screening, by role.
pub struct Delta {
    pub parties: Vec<(Entity, Role)>,
    pub changes: Vec<SourceChange>,
}

/// What changed in the selected sources since `since`, up to the current version (or the
/// version standing on `selection.as_of`).
pub fn load_delta(
    store: &Store,
    selection: &Selection,
    since: &Since,
) -> Result<Delta, ScreenError> {
    let mut sources = selection.source_keys(store)?;
    if let Since::Version {
        source: Some(s), ..
    } = since
    {
        if !sources.contains(s) {
            return Err(ScreenError::Usage(format!(
                "--changes-since {s}: source not selected or not in the store"
            )));
        }
        sources = vec![s.clone()];
    } else if let Since::Version { source: None, .. } = since
        && sources.len() > 1
    {
        return Err(ScreenError::Usage(
            "--changes-since N: a version number needs one --source (or write SOURCE:N), or give a date"
                .to_string(),
        ));
    }
    let mut parties = Vec::new();
    let mut changes = Vec::new();
    for source in sources {
        let Some(to) = selection.target_version(store, &source)? else {
            continue;
        };
        let from_seq = match since {
            Since::Version { seq, .. } => {
                if *seq > to.seq || store.version(&source, *seq)?.is_none() {
                    return Err(ScreenError::Usage(format!(
                        "--changes-since {source}:{seq}: no such version to compare with (versions 1 to {} are screened against; see `sanctum lists`)",
                        to.seq
                    )));
                }
                *seq
            }
            // A source with no version yet on that date: all of it is new.
            Since::Date(date) => match store.version_as_of(&source, *date)? {
                Some(v) => v.seq,
                None => {
                    let mut added = 0;
                    store.for_each_entity(&source, to.seq, |e| {
                        if selection.keeps(&e) {
                            added += 1;
                            parties.push((e, Role::Added));
                        }
                    })?;
                    changes.push(SourceChange {
                        source: source.clone(),
                        from_seq: 0,
                        to_seq: to.seq,
                        from_published: None,
                        to_published: to.published.map(|d| d.to_string()),
                        added,
                        amended: 0,
                        removed: 0,
                    });
                    continue;
                }
            },
        };
        let diff = store.diff(&source, from_seq, to.seq)?;
        let mut change = SourceChange {
            source: source.clone(),
            from_seq,
            to_seq: to.seq,
            from_published: diff.from.published.map(|d| d.to_string()),
            to_published: diff.to.published.map(|d| d.to_string()),
            added: 0,
            amended: 0,
            removed: 0,
        };
        for e in diff.added {
            if selection.keeps(&e) {
                change.added += 1;
                parties.push((e, Role::Added));
            }
        }
        for e in diff.removed {
            if selection.keeps(&e) {
                change.removed += 1;
                parties.push((e, Role::Delisted));
            }
        }
        for a in diff.amended {
            let (before, after) = (selection.keeps(&a.before), selection.keeps(&a.after));
            if before || after {
                change.amended += 1;
            }
            if after {
                parties.push((a.after, Role::Amended));
            }
            if before {
                parties.push((a.before, Role::AmendedBefore));
            }
        }
        changes.push(change);
    }
    Ok(Delta { parties, changes })
}
