//! Where a /match request's time goes: candidate generation, scoring, rendering.
//! `cargo run --release -p sanctum-server --example match_probe -- DATA_DIR "name" ...`
use sanctum_matcher::{Matcher, Query};
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .unwrap_or_else(|| "/tmp/sanctum-bench-http".into());
    let store = sanctum_store::Store::open(std::path::Path::new(&dir))?;
    let t = Instant::now();
    let snapshot = sanctum_server::Snapshot::load(&store, &Default::default())?;
    println!(
        "{} parties loaded in {:.1?}",
        snapshot.parties.len(),
        t.elapsed()
    );
    let matcher = Matcher::default();
    for name in args {
        let q = Query::name(name.as_str())
            .prepare()
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let mut scratch = sanctum_index::Scratch::default();
        let runs = 20;
        let t = Instant::now();
        for _ in 0..runs {
            snapshot
                .index
                .candidates(&q, &matcher.options, &mut scratch);
        }
        let cand = t.elapsed() / runs;
        let t = Instant::now();
        let mut hits = 0;
        for _ in 0..runs {
            hits = scratch
                .parties
                .iter()
                .filter_map(|&i| matcher.score(&q, &snapshot.parties[i as usize]))
                .filter(|h| h.score >= 0.8)
                .count();
        }
        let score = t.elapsed() / runs;
        let t = Instant::now();
        for _ in 0..runs {
            let _ = sanctum_server::query::ftm_properties(&snapshot.parties[0].entity);
        }
        let render = t.elapsed() / runs;
        println!(
            "{name:?}: {} candidates in {cand:.1?}, scored in {score:.1?} ({hits} hits), one render {render:.1?}",
            scratch.parties.len()
        );
    }
    Ok(())
}
