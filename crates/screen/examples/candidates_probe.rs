//! Which candidates the index proposes for a few customer rows, and what they score.
//! `cargo run --release -p sanctum-screen --example candidates_probe -- DATA_DIR CSV [ROWS]`
use sanctum_matcher::{MatchOptions, Query};
use sanctum_screen::{Scratch, Screener, lists};
use std::collections::HashMap;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let store = sanctum_store::Store::open(std::path::Path::new(&args[1]))?;
    let loaded = lists::load(&store, &lists::Selection::default())?;
    let screener = Screener::new(loaded.parties, MatchOptions::default());
    let rows: usize = args.get(3).map(|s| s.parse()).transpose()?.unwrap_or(200);
    let mut reader = csv::Reader::from_path(&args[2])?;
    let mut scratch = Scratch::default();
    let mut total = 0;
    let mut by_count: Vec<(usize, String)> = Vec::new();
    let mut scores: HashMap<u32, usize> = HashMap::new();
    for record in reader.records().take(rows) {
        let r = record?;
        let mut q = Query::name(&r[1]);
        if !r[2].is_empty() {
            q.birth_dates.push(r[2].to_string());
        }
        if !r[3].is_empty() {
            q.countries.push(r[3].to_string());
        }
        let Ok(p) = q.prepare() else { continue };
        screener.candidates(&p, &mut scratch);
        total += scratch.parties.len();
        for &c in &scratch.parties {
            let s = screener
                .matcher()
                .score(&p, &screener.parties()[c as usize])
                .map(|h| h.score)
                .unwrap_or(0.0);
            *scores.entry((s * 10.0) as u32).or_default() += 1;
            if std::env::var_os("PROBE_VERBOSE").is_some() {
                let party = &screener.parties()[c as usize];
                println!(
                    "  {s:.3} {} {:?}",
                    party.entity.id(),
                    party.entity.caption()
                );
            }
        }
        by_count.push((scratch.parties.len(), r[1].to_string()));
    }
    by_count.sort();
    by_count.reverse();
    println!(
        "postings {:.0} quick {:.0} bound {:.0}",
        scratch.postings_read as f64 / rows as f64,
        scratch.quick_passed as f64 / rows as f64,
        scratch.bound_passed as f64 / rows as f64
    );
    println!(
        "mean {:.1} candidates, {:.0} names bounded per row",
        total as f64 / rows as f64,
        scratch.names_bounded as f64 / rows as f64
    );
    for (n, name) in by_count.iter().take(25) {
        println!("{n:6} {name}");
    }
    let mut s: Vec<_> = scores.into_iter().collect();
    s.sort();
    println!("score deciles of candidates: {s:?}");
    Ok(())
}
