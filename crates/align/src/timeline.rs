//! Who designated a target and when: per jurisdiction, the first listing date, the lag
//! behind the first designator, the gaps and the delistings.
//!
//! A record's listing date is the publisher's own (`Designation::listed_on`, the earliest
//! one). Where the publisher gives none (OFAC's SDN and the CSL rows copied from it), it is
//! the publication date of the first stored version of a source with a history that lists
//! the party (`Record::first_seen`): an upper bound, later than the real designation by at
//! most the interval between the stored versions. A party already in the first stored
//! version has only "on or before" that date, shown with a `≤`.

use crate::link::{Alignment, Record, Target};
use sanctum_model::{Entity, EntityKind, PartialDate};
use serde::{Deserialize, Serialize};

/// The jurisdictions compared, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Jurisdiction {
    US,
    UK,
    EU,
    UN,
    CA,
    CH,
    JP,
}

pub const JURISDICTIONS: [Jurisdiction; 7] = [
    Jurisdiction::US,
    Jurisdiction::UK,
    Jurisdiction::EU,
    Jurisdiction::UN,
    Jurisdiction::CA,
    Jurisdiction::CH,
    Jurisdiction::JP,
];

impl Jurisdiction {
    pub fn as_str(self) -> &'static str {
        match self {
            Jurisdiction::US => "US",
            Jurisdiction::UK => "UK",
            Jurisdiction::EU => "EU",
            Jurisdiction::UN => "UN",
            Jurisdiction::CA => "CA",
            Jurisdiction::CH => "CH",
            Jurisdiction::JP => "JP",
        }
    }

    /// From a designation authority ("US OFAC", "UK OFSI", "UN SC", "CA GAC", …).
    pub fn of_authority(authority: &str) -> Option<Self> {
        let head = authority.split_whitespace().next()?;
        Self::of_code(head)
    }

    fn of_code(code: &str) -> Option<Self> {
        Some(match code.to_ascii_uppercase().as_str() {
            "US" => Jurisdiction::US,
            "UK" | "GB" => Jurisdiction::UK,
            "EU" => Jurisdiction::EU,
            "UN" => Jurisdiction::UN,
            "CA" => Jurisdiction::CA,
            "CH" => Jurisdiction::CH,
            "JP" => Jurisdiction::JP,
            _ => return None,
        })
    }

    /// From a source key ("us_csl", "uk_ofsi", …).
    pub fn of_source(source: &str) -> Option<Self> {
        Self::of_code(source.split('_').next()?)
    }
}

/// A record's jurisdiction: its designating authority's, else its source's.
pub fn jurisdiction(e: &Entity) -> Option<Jurisdiction> {
    e.designations
        .iter()
        .find_map(|d| Jurisdiction::of_authority(&d.authority))
        .or_else(|| Jurisdiction::of_source(&e.source))
}

/// When one record says its party was listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listed {
    pub date: PartialDate,
    /// Only known to be on or before `date` (present in the first stored version).
    pub on_or_before: bool,
    /// Taken from the version history rather than the publisher's listing date.
    pub from_history: bool,
}

impl std::fmt::Display for Listed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.on_or_before {
            write!(f, "≤")?;
        }
        write!(f, "{}", self.date)
    }
}

pub fn listed(record: &Record) -> Option<Listed> {
    let own = record
        .entity
        .designations
        .iter()
        .filter_map(|d| d.listed_on)
        .min_by_key(PartialDate::earliest);
    match (own, record.first_seen) {
        (Some(date), _) => Some(Listed {
            date,
            on_or_before: false,
            from_history: false,
        }),
        (None, Some(date)) => Some(Listed {
            date,
            on_or_before: record.first_seen_is_bound,
            from_history: true,
        }),
        (None, None) => None,
    }
}

/// One jurisdiction's part in a target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JurisdictionRow {
    pub jurisdiction: Jurisdiction,
    /// Designated by a current or delisted record.
    pub designated: bool,
    pub first_listed: Option<Listed>,
    /// Days after the first designator (0 for it).
    pub lag_days: Option<i64>,
    /// Every record is delisted: the latest delisting date.
    pub delisted_on: Option<PartialDate>,
    /// `source:source_id` of its records.
    pub records: Vec<String>,
}

/// A target's row in `sanctum align`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetRow {
    pub caption: String,
    pub kind: EntityKind,
    pub programs: Vec<String>,
    pub jurisdictions: Vec<JurisdictionRow>,
    /// The jurisdictions that listed it first (ties included).
    pub first: Vec<Jurisdiction>,
    /// Jurisdictions in the comparison that have not designated it.
    pub gaps: Vec<Jurisdiction>,
    pub delistings: Vec<(Jurisdiction, PartialDate)>,
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u8, d: u8) -> i64 {
    let (m, d) = (i64::from(m), i64::from(d));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn day_number(d: PartialDate) -> i64 {
    let (y, m, dd) = d.earliest();
    days_from_civil(i64::from(y), m, dd)
}

const CAPTION_ORDER: [Jurisdiction; 7] = [
    Jurisdiction::UN,
    Jurisdiction::UK,
    Jurisdiction::EU,
    Jurisdiction::US,
    Jurisdiction::CA,
    Jurisdiction::CH,
    Jurisdiction::JP,
];

/// The row of one target; `compared` are the jurisdictions that have lists in the store.
pub fn target_row(alignment: &Alignment, target: &Target, compared: &[Jurisdiction]) -> TargetRow {
    let records: Vec<&Record> = target
        .records
        .iter()
        .filter_map(|i| alignment.records.get(*i))
        .collect();
    let caption = CAPTION_ORDER
        .iter()
        .find_map(|j| {
            records.iter().find(|r| {
                jurisdiction(&r.entity) == Some(*j) && r.entity.kind != EntityKind::Unknown
            })
        })
        .or_else(|| records.first())
        .map(|r| r.entity.caption().to_string())
        .unwrap_or_default();
    let kind = records
        .iter()
        .map(|r| r.entity.kind)
        .find(|k| *k != EntityKind::Unknown)
        .unwrap_or(EntityKind::Unknown);
    let mut programs: Vec<String> = Vec::new();
    for r in &records {
        for p in r.entity.programs() {
            if !programs.iter().any(|q| q == p) {
                programs.push(p.to_string());
            }
        }
    }
    let mut rows: Vec<JurisdictionRow> = Vec::new();
    for j in JURISDICTIONS {
        let mine: Vec<&&Record> = records
            .iter()
            .filter(|r| jurisdiction(&r.entity) == Some(j))
            .collect();
        if mine.is_empty() {
            continue;
        }
        let first_listed = mine
            .iter()
            .filter_map(|r| listed(r))
            .min_by_key(|l| (l.date.earliest(), l.on_or_before));
        let delisted_on = if mine.iter().all(|r| r.delisted_on.is_some()) {
            mine.iter().filter_map(|r| r.delisted_on).max()
        } else {
            None
        };
        rows.push(JurisdictionRow {
            jurisdiction: j,
            designated: true,
            first_listed,
            lag_days: None,
            delisted_on,
            records: mine.iter().map(|r| r.entity.id()).collect(),
        });
    }
    let first_day = rows
        .iter()
        .filter_map(|r| r.first_listed.map(|l| day_number(l.date)))
        .min();
    let mut first = Vec::new();
    if let Some(first_day) = first_day {
        for r in &mut rows {
            if let Some(l) = r.first_listed {
                let lag = day_number(l.date) - first_day;
                r.lag_days = Some(lag);
                if lag == 0 {
                    first.push(r.jurisdiction);
                }
            }
        }
    }
    let gaps = compared
        .iter()
        .copied()
        .filter(|j| !rows.iter().any(|r| r.jurisdiction == *j))
        .collect();
    let delistings = rows
        .iter()
        .filter_map(|r| r.delisted_on.map(|d| (r.jurisdiction, d)))
        .collect();
    TargetRow {
        caption,
        kind,
        programs,
        jurisdictions: rows,
        first,
        gaps,
        delistings,
    }
}

/// Whether any record of the target is under a program containing `needle`
/// (case-insensitive): `russia` meets RUSSIA-EO14024, UK "Russia", Canada "Russia".
pub fn has_program(alignment: &Alignment, target: &Target, needle: &str) -> bool {
    let needle = needle.to_lowercase();
    target.records.iter().any(|i| {
        alignment.records.get(*i).is_some_and(|r| {
            r.entity
                .programs()
                .iter()
                .any(|p| p.to_lowercase().contains(&needle))
        })
    })
}
