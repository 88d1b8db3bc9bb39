//! Running the matcher over a [`deck`](crate::deck): recall per variant class, alert rate on
//! look-alikes and customers, and the comparison with a committed baseline.
//!
//! A positive case is *found* when its target party scores at or above the threshold. A
//! negative case (look-alike, customer) *alerts* when any party does: those are scanned
//! against every party, in parallel. A far birth year alerts when the party it was derived
//! from still scores at or above the threshold.

use crate::deck::{DeckCase, Group};
use rayon::prelude::*;
use sanctum_matcher::{Matcher, PreparedEntity, PreparedQuery};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// The outcome of one class of the deck.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassResult {
    pub class: String,
    pub group: String,
    pub cases: usize,
    /// Positive classes: cases whose target scored at or above the threshold.
    /// Negative classes: cases that raised an alert.
    pub hits: usize,
    /// hits / cases.
    pub rate: f64,
    /// Whether `rate` is a recall (higher is better) or an alert rate (lower is better).
    pub positive: bool,
    /// The target for this class's group.
    pub target: f64,
    pub meets_target: bool,
    /// A few cases that went the wrong way, for the report.
    pub examples: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalReport {
    pub threshold: f64,
    pub parties: usize,
    pub classes: Vec<ClassResult>,
}

/// The most customers of one locale may alert (issue 16: every locale, Chinese, Korean,
/// Vietnamese, Japanese, Arabic, Persian and Russian included).
pub const CUSTOMER_LOCALE_TARGET: f64 = 0.003;

/// A class whose target is not its group's: names stripped of every vowel are found at 90%
/// (issue 16), as the skeleton of a short word is shared by many names.
pub fn class_target(class: &str) -> Option<f64> {
    match class {
        "vowelless" => Some(0.90),
        _ => None,
    }
}

/// The group's name and target: recall floor for positives, alert-rate ceiling for negatives.
pub fn group_target(group: Group) -> (&'static str, bool, f64) {
    match group {
        Group::Listed => ("listed", true, 1.0),
        Group::Benign => ("benign", true, 0.98),
        Group::Adversarial => ("adversarial", true, 0.95),
        Group::Degraded => ("degraded", true, 0.95),
        Group::BirthDateSame => ("birth_date_same", true, 1.0),
        Group::LookAlikePart => ("lookalike_part", false, 0.05),
        Group::LookAlikeEdits => ("lookalike_edits", false, 0.15),
        Group::Customer => ("customer", false, 0.005),
        Group::BirthYearFar => ("birth_year_far", false, 0.10),
    }
}

/// Finds the positions of the parties worth scoring for a query (all of them, for a
/// brute-force scan; a candidate index's answer otherwise).
pub type Candidates<'a> = &'a (dyn Fn(&PreparedQuery, &mut Vec<u32>) + Sync);

/// Scores every case of the deck. `parties` are all listed parties; negative cases are
/// scanned against the parties `candidates` names, or skipped when it is `None` (recall only,
/// for a quick gate).
pub fn run(
    deck: &[DeckCase],
    parties: &[PreparedEntity],
    matcher: &Matcher,
    candidates: Option<Candidates<'_>>,
) -> EvalReport {
    let by_id: HashMap<String, &PreparedEntity> =
        parties.iter().map(|p| (p.entity.id(), p)).collect();
    let threshold = matcher.options.threshold;
    let outcomes: Vec<(usize, bool, String)> = deck
        .par_iter()
        .enumerate()
        .filter_map(|(i, case)| {
            let query = case.query.prepare().ok()?;
            let (_, positive, _) = group_target(case.group);
            let outcome = if positive {
                let target = case.target.as_ref().and_then(|t| by_id.get(t))?;
                let score = matcher
                    .score(&query, target)
                    .map(|h| h.score)
                    .unwrap_or(0.0);
                (
                    score >= threshold,
                    format!(
                        "{:?} vs {:?}: {score:.3}",
                        case.query.names, case.source_name
                    ),
                )
            } else if case.group == Group::BirthYearFar {
                let party = case.party.as_ref().and_then(|t| by_id.get(t))?;
                let score = matcher.score(&query, party).map(|h| h.score).unwrap_or(0.0);
                (
                    score >= threshold,
                    format!(
                        "{:?} {:?} vs {:?}: {score:.3}",
                        case.query.names, case.query.birth_dates, case.source_name
                    ),
                )
            } else if let Some(candidates) = candidates {
                let mut positions = Vec::new();
                candidates(&query, &mut positions);
                let best = positions
                    .iter()
                    .filter_map(|&i| parties.get(i as usize))
                    .filter_map(|p| matcher.alert(&query, p).map(|h| (h.score, p)))
                    .max_by(|a, b| a.0.total_cmp(&b.0));
                match best {
                    Some((score, p)) if score >= threshold => (
                        true,
                        format!(
                            "{:?} alerted on {:?}: {score:.3}",
                            case.query.names,
                            p.entity.caption()
                        ),
                    ),
                    _ => (false, String::new()),
                }
            } else {
                return None;
            };
            Some((i, outcome.0, outcome.1))
        })
        .collect();

    // How many wrong cases each class keeps for the report (SANCTUM_EVAL_EXAMPLES, default 5).
    let max_examples = std::env::var("SANCTUM_EVAL_EXAMPLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let mut classes: BTreeMap<(&str, String), ClassResult> = BTreeMap::new();
    for (i, hit, example) in outcomes {
        let case = &deck[i];
        let (group, positive, target) = group_target(case.group);
        // Customers are counted per locale too: an alert rate that is low overall can hide
        // one population (Chinese, Korean) that could not be screened.
        let locale = (case.group == Group::Customer)
            .then(|| case.source_name.trim_matches(['(', ')']))
            .filter(|l| !l.is_empty())
            .map(|l| (format!("customer_locale_{l}"), CUSTOMER_LOCALE_TARGET));
        let target = class_target(case.class).unwrap_or(target);
        let keys = std::iter::once((case.class.to_string(), target)).chain(locale);
        for (class, target) in keys {
            let entry = classes
                .entry((group, class.clone()))
                .or_insert_with(|| ClassResult {
                    class,
                    group: group.to_string(),
                    cases: 0,
                    hits: 0,
                    rate: 0.0,
                    positive,
                    target,
                    meets_target: true,
                    examples: Vec::new(),
                });
            entry.cases += 1;
            if hit {
                entry.hits += 1;
            }
            let wrong = hit != positive;
            if wrong && entry.examples.len() < max_examples {
                entry.examples.push(example.clone());
            }
        }
    }
    let mut classes: Vec<ClassResult> = classes.into_values().collect();
    for c in &mut classes {
        c.rate = if c.cases == 0 {
            0.0
        } else {
            c.hits as f64 / c.cases as f64
        };
        c.meets_target = if c.positive {
            c.rate >= c.target
        } else {
            c.rate <= c.target
        };
    }
    EvalReport {
        threshold,
        parties: parties.len(),
        classes,
    }
}

/// Classes whose recall fell below the baseline's (beyond `tolerance`), or whose alert rate
/// rose above it: the CI gate.
pub fn regressions(report: &EvalReport, baseline: &EvalReport, tolerance: f64) -> Vec<String> {
    let mut out = Vec::new();
    for base in &baseline.classes {
        let Some(now) = report.classes.iter().find(|c| c.class == base.class) else {
            out.push(format!("{}: class missing from this run", base.class));
            continue;
        };
        // One case either way is noise: a score a hair from the threshold can round across it.
        let slack = tolerance + 1.0 / now.cases.max(1) as f64 + 1e-9;
        if base.positive && now.rate + slack < base.rate {
            out.push(format!(
                "{}: recall {:.4} ({}/{}) below baseline {:.4} ({}/{})",
                base.class, now.rate, now.hits, now.cases, base.rate, base.hits, base.cases
            ));
        }
        if !base.positive && now.rate > base.rate + slack {
            out.push(format!(
                "{}: alert rate {:.4} ({}/{}) above baseline {:.4} ({}/{})",
                base.class, now.rate, now.hits, now.cases, base.rate, base.hits, base.cases
            ));
        }
    }
    out
}
