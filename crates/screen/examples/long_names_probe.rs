//! The worst-case time of one query by its number of words, against every list in a store,
//! and how many listed names are that long: the figures behind `max_name_tokens`.
//! `cargo run --release -p sanctum-screen --example long_names_probe -- DATA_DIR [WORDS]`
use sanctum_matcher::{MatchOptions, Query};
use sanctum_model::EntityKind;
use sanctum_screen::{Limits, Scratch, Screener, lists};
use std::collections::HashMap;
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let Some(dir) = args.get(1) else {
        anyhow::bail!("usage: long_names_probe DATA_DIR [WORDS]");
    };
    let store = sanctum_store::Store::open(std::path::Path::new(dir))?;
    let most: usize = args.get(2).map(|s| s.parse()).transpose()?.unwrap_or(100);
    let loaded = lists::load(&store, &lists::Selection::default())?;

    // Listed names by their number of words.
    let mut lengths: Vec<usize> = loaded
        .parties
        .iter()
        .flat_map(|(e, _)| e.names.iter())
        .map(|n| sanctum_names::analyze(&n.full).tokens.len())
        .collect();
    lengths.sort_unstable_by(|a, b| b.cmp(a));
    println!(
        "longest listed names (words): {:?}",
        &lengths[..lengths.len().min(8)]
    );
    for k in [16, 24, 32, 50] {
        let over = lengths.iter().filter(|&&n| n > k).count();
        println!("listed names over {k} words: {over} of {}", lengths.len());
    }

    // The query that meets the most names: the most frequent listed words, one token each.
    let mut freq: HashMap<String, usize> = HashMap::new();
    for (e, _) in &loaded.parties {
        for n in &e.names {
            for w in n.full.split_whitespace().filter(|w| w.len() >= 3) {
                *freq.entry(w.to_uppercase()).or_default() += 1;
            }
        }
    }
    let mut common: Vec<(String, usize)> = freq.into_iter().collect();
    common.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let one_token = |w: &&str| {
        sanctum_names::analyze(w).tokens.len() == 1
            && sanctum_names::analyze_person(w).tokens.len() == 1
    };
    let words: Vec<&str> = common
        .iter()
        .map(|(w, _)| w.as_str())
        .filter(one_token)
        .collect();
    let long_words: Vec<&str> = words.iter().copied().filter(|w| w.len() >= 12).collect();

    let started = Instant::now();
    let screener = Screener::new(loaded.parties, MatchOptions::default());
    println!(
        "{} parties indexed in {:.1?}",
        screener.parties().len(),
        started.elapsed()
    );
    // Queries past the configured limits, to show what the limit saves.
    let open = Limits {
        max_name_tokens: 10_000,
        max_name_chars: 100_000,
        ..Limits::default()
    };
    let mut scratch = Scratch::default();
    for n in [8, 16, 24, 32, 33, 50, most] {
        for (label, pool) in [("common", &words), ("long", &long_words)] {
            let name = pool.iter().take(n).copied().collect::<Vec<_>>().join(" ");
            for kind in [None, Some(EntityKind::Person)] {
                let mut q = Query::name(&name);
                q.kind = kind;
                q.birth_dates.push("1960".into());
                let p = q
                    .prepare_within(&open)
                    .map_err(|e| anyhow::anyhow!("{e}"))?
                    .query;
                let t = Instant::now();
                let alerts = screener.screen(&p, &mut scratch).len();
                println!(
                    "{n} {label} words ({} tokens, {} chars, {kind:?}): {} candidates, {:.1?}, {alerts} alerts",
                    p.names[0].tokens.tokens.len(),
                    name.chars().count(),
                    scratch.parties.len(),
                    t.elapsed()
                );
            }
        }
    }
    Ok(())
}
