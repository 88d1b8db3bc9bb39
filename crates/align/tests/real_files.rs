//! Linking measured on the real files (US CSL 2022-05, UK ConList 2023-06, UN 2024-09,
//! Canada 2025-05) against the hand-labelled sample in tests/fixtures/labelled_targets.json.

mod common;

use sanctum_align::{LinkOptions, align};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

#[derive(Deserialize)]
struct Labelled {
    targets: Vec<LabelledTarget>,
}

#[derive(Deserialize)]
struct LabelledTarget {
    label: String,
    /// source → the ids of its records of this target (empty: absent from that file).
    records: BTreeMap<String, Vec<String>>,
}

#[test]
fn linking_precision_and_recall_on_the_labelled_sample() {
    let Some(dir) =
        sanctum_testkit::shared_lists("linking_precision_and_recall_on_the_labelled_sample")
    else {
        return;
    };
    let text = std::fs::read_to_string(common::fixture("labelled_targets.json")).unwrap();
    let labelled: Labelled = serde_json::from_str(&text).unwrap();
    assert!(
        labelled.targets.len() >= 100,
        "the sample has at least 100 targets"
    );

    let started = Instant::now();
    let records = common::measured_records(&dir);
    let parsed = started.elapsed();
    let alignment = align(records, &LinkOptions::default());
    eprintln!(
        "{} records parsed in {parsed:.1?}, linked in {:.1?}: {} pairs scored, {} links, {} targets",
        alignment.records.len(),
        started.elapsed() - parsed,
        alignment.scored_pairs,
        alignment.links.len(),
        alignment.targets.len()
    );
    let position: HashMap<(String, String), usize> = alignment
        .records
        .iter()
        .enumerate()
        .map(|(i, r)| ((r.entity.source.clone(), r.entity.source_id.clone()), i))
        .collect();

    // Every labelled record, with its labelled target.
    let mut truth: Vec<(usize, usize)> = Vec::new();
    for (t, target) in labelled.targets.iter().enumerate() {
        for (source, ids) in &target.records {
            for id in ids {
                let p = position
                    .get(&(source.clone(), id.clone()))
                    .unwrap_or_else(|| panic!("{}: no record {source}:{id}", target.label));
                truth.push((*p, t));
            }
        }
    }
    let labelled_positions: HashSet<usize> = truth.iter().map(|(p, _)| *p).collect();
    assert_eq!(
        labelled_positions.len(),
        truth.len(),
        "a record labelled twice"
    );

    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    for (x, (pa, ta)) in truth.iter().enumerate() {
        for (pb, tb) in &truth[x + 1..] {
            let same_truth = ta == tb;
            let same_linked = alignment.target_of[*pa] == alignment.target_of[*pb];
            let describe = |p: usize| alignment.records[p].entity.id();
            match (same_truth, same_linked) {
                (true, true) => tp += 1,
                (false, true) => {
                    fp += 1;
                    eprintln!(
                        "false link: {} ({}) ~ {} ({})",
                        describe(*pa),
                        labelled.targets[*ta].label,
                        describe(*pb),
                        labelled.targets[*tb].label
                    );
                }
                (true, false) => {
                    fn_ += 1;
                    eprintln!(
                        "missed link: {} ~ {} ({})",
                        describe(*pa),
                        describe(*pb),
                        labelled.targets[*ta].label
                    );
                }
                (false, false) => {}
            }
        }
    }
    // A labelled record linked to an unlabelled record of a source the label says is
    // absent is a false link too.
    for (p, t) in &truth {
        let target = &alignment.targets[alignment.target_of[*p]];
        for other in &target.records {
            let e = &alignment.records[*other].entity;
            let labelled_sources = &labelled.targets[*t].records;
            if !labelled_positions.contains(other)
                && labelled_sources
                    .get(&e.source)
                    .is_some_and(|ids| ids.is_empty())
            {
                fp += 1;
                eprintln!(
                    "false link: {} ({}) ~ unlabelled {} {:?}",
                    alignment.records[*p].entity.id(),
                    labelled.targets[*t].label,
                    e.id(),
                    e.caption()
                );
            }
        }
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    eprintln!(
        "{} targets, {} records: {tp} true links, {fp} false, {fn_} missed: precision {:.2}%, recall {:.2}%",
        labelled.targets.len(),
        truth.len(),
        100.0 * precision,
        100.0 * recall
    );
    assert!(precision >= 0.98, "precision {precision:.4} below 98%");
    assert!(recall >= 0.90, "recall {recall:.4} below 90%");
}
