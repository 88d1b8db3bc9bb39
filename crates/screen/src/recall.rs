//! The candidate index measured against a brute-force scan with the same matcher: of the
//! (query, party) pairs the scan alerts on, the share the index proposes.

use crate::Screener;
use rayon::prelude::*;
use sanctum_matcher::PreparedQuery;
use serde::Serialize;

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
    /// A few missed pairs, for the report.
    pub missed: Vec<String>,
}

/// Scans every query against every party, and against the screener's candidates.
pub fn measure(screener: &Screener, queries: &[PreparedQuery]) -> RecallReport {
    let parties = screener.parties();
    let matcher = screener.matcher();
    let threshold = matcher.options.threshold;
    let per_query: Vec<(usize, usize, usize, Vec<String>)> = queries
        .par_iter()
        .map_init(crate::Scratch::default, |scratch, q| {
            screener.candidates(q, scratch);
            let mut alerts = 0;
            let mut found = 0;
            let mut missed = Vec::new();
            for (i, party) in parties.iter().enumerate() {
                let Some(hit) = matcher.score(q, party) else {
                    continue;
                };
                if hit.score < threshold {
                    continue;
                }
                alerts += 1;
                if scratch.parties.binary_search(&(i as u32)).is_ok() {
                    found += 1;
                } else if missed.len() < 3 {
                    missed.push(format!(
                        "{:?} vs {} {:?}: {:.3}",
                        hit.explanation.query_name,
                        party.entity.id(),
                        hit.explanation.matched_name,
                        hit.score
                    ));
                }
            }
            (alerts, found, scratch.parties.len(), missed)
        })
        .collect();
    let mut report = RecallReport {
        queries: queries.len(),
        parties: parties.len(),
        ..RecallReport::default()
    };
    let mut candidates = 0;
    for (alerts, found, count, missed) in per_query {
        report.brute_force_alerts += alerts;
        report.found += found;
        candidates += count;
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
    report.mean_candidates = if queries.is_empty() {
        0.0
    } else {
        candidates as f64 / queries.len() as f64
    };
    report
}
