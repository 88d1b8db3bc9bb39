//! The candidate index measured against a brute-force scan with the same matcher: of the
//! (query, party) pairs the scan alerts on, the share the index proposes.
//!
//! The scan ([`brute_force`]) depends only on the matcher and the lists; it can be saved and
//! reused ([`BruteForce`] is serialisable) to measure index changes in seconds.

use crate::deck::{self, DeckOptions};
use rayon::prelude::*;
use sanctum_matcher::PreparedQuery;
use sanctum_model::Entity;
use sanctum_screen::{Scratch, Screener};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize)]
pub struct RecallReport {
    pub queries: usize,
    pub parties: usize,
    /// (query, party) pairs scoring at or above the threshold in a scan of every party.
    pub brute_force_alerts: usize,
    /// Of those, the pairs whose party the index proposed.
    pub found: usize,
    /// found / brute_force_alerts (1 when there is no alert).
    pub recall: f64,
    /// Mean parties proposed per query (out of `parties`).
    pub mean_candidates: f64,
    /// Mean listed names a query's keys met and the index bounded (its cost).
    pub mean_names_bounded: f64,
    /// A few missed pairs, for the report.
    pub missed: Vec<String>,
}

/// What a scan of every party found: per query, the alerting parties with their score and
/// matched name. `queries`, `parties` and `threshold` say what it was run on.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BruteForce {
    pub queries: usize,
    pub parties: usize,
    pub threshold: f64,
    pub alerts: Vec<Vec<BruteForceAlert>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BruteForceAlert {
    pub party: u32,
    pub score: f64,
    /// "QUERY NAME" vs ID "MATCHED NAME", for the report of misses.
    pub pair: String,
}

impl BruteForce {
    /// Whether this scan was made for these queries, lists and threshold.
    pub fn fits(&self, screener: &Screener, queries: &[PreparedQuery]) -> bool {
        self.queries == queries.len()
            && self.parties == screener.parties().len()
            && self.threshold == screener.matcher().options.threshold
            && self.alerts.len() == queries.len()
    }
}

/// Scores every query against every party.
pub fn brute_force(screener: &Screener, queries: &[PreparedQuery]) -> BruteForce {
    let parties = screener.parties();
    let matcher = screener.matcher();
    let threshold = matcher.options.threshold;
    let alerts = queries
        .par_iter()
        .map(|q| {
            parties
                .iter()
                .enumerate()
                .filter_map(|(i, party)| {
                    let hit = matcher.score(q, party)?;
                    (hit.score >= threshold).then(|| BruteForceAlert {
                        party: i as u32,
                        score: hit.score,
                        pair: format!(
                            "{:?} vs {} {:?}",
                            hit.explanation.query_name,
                            party.entity.id(),
                            hit.explanation.matched_name
                        ),
                    })
                })
                .collect()
        })
        .collect();
    BruteForce {
        queries: queries.len(),
        parties: parties.len(),
        threshold,
        alerts,
    }
}

/// Scans every query against every party, and against the screener's candidates.
pub fn measure(screener: &Screener, queries: &[PreparedQuery]) -> RecallReport {
    compare(screener, queries, &brute_force(screener, queries))
}

/// The screener's candidates for each query against a scan made by [`brute_force`].
pub fn compare(screener: &Screener, queries: &[PreparedQuery], scan: &BruteForce) -> RecallReport {
    let per_query: Vec<(usize, usize, usize, u64, Vec<String>)> = queries
        .par_iter()
        .zip(&scan.alerts)
        .map_init(Scratch::default, |scratch, (q, alerts)| {
            let bounded = scratch.names_bounded;
            screener.candidates(q, scratch);
            let mut found = 0;
            let mut missed = Vec::new();
            for alert in alerts {
                if scratch.parties.binary_search(&alert.party).is_ok() {
                    found += 1;
                } else if missed.len() < 3 {
                    missed.push(format!("{}: {:.3}", alert.pair, alert.score));
                }
            }
            let bounded = scratch.names_bounded - bounded;
            (alerts.len(), found, scratch.parties.len(), bounded, missed)
        })
        .collect();
    let mut report = RecallReport {
        queries: queries.len(),
        parties: screener.parties().len(),
        ..RecallReport::default()
    };
    let mut candidates = 0;
    let mut bounded = 0;
    for (alerts, found, count, names, missed) in per_query {
        report.brute_force_alerts += alerts;
        report.found += found;
        candidates += count;
        bounded += names;
        for m in missed {
            if report.missed.len() < 20 {
                report.missed.push(m);
            }
        }
    }
    report.recall = if report.brute_force_alerts == 0 {
        1.0
    } else {
        report.found as f64 / report.brute_force_alerts as f64
    };
    if !queries.is_empty() {
        report.mean_candidates = candidates as f64 / queries.len() as f64;
        report.mean_names_bounded = bounded as f64 / queries.len() as f64;
    }
    report
}

/// A deck sample for the recall measurement: every class of the matching deck (variants,
/// look-alikes, customers), evenly.
pub fn sample(entities: &[Entity], queries: usize, seed: u64) -> Vec<PreparedQuery> {
    let per = (queries / 28).max(2);
    let deck = deck::generate(
        entities,
        &DeckOptions {
            seed,
            per_class: per,
            customers: per * 2,
            lookalikes: per,
        },
    );
    // The listed classes hold every listed name: take an even stride of them.
    let listed: Vec<_> = deck
        .iter()
        .filter(|c| c.class == "as_listed" || c.class == "natural_order")
        .collect();
    let stride = (listed.len() / (per * 2)).max(1);
    deck.iter()
        .filter(|c| c.class != "as_listed" && c.class != "natural_order")
        .chain(listed.into_iter().step_by(stride))
        .take(queries)
        .collect::<Vec<_>>()
        .par_iter()
        .filter_map(|c| c.query.prepare().ok())
        .collect()
}
