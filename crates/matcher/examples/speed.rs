//! Time per comparison over a real list:
//! `cargo run --release -p sanctum-matcher --example speed -- path/to/sdn.csv`.
use sanctum_matcher::{Matcher, PreparedEntity, Query};
use sanctum_sources::detect::{self, Format, Publication};
use std::time::Instant;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: speed SDN_CSV");
        return;
    };
    let publication = Publication {
        source: "us_ofac_sdn".into(),
        format: Format::OfacCsv,
        main: path.into(),
        companions: vec![],
        date: None,
    };
    let parsed = detect::read(&publication, &Default::default()).expect("parse");
    let started = Instant::now();
    let parties: Vec<PreparedEntity> = parsed
        .entities
        .into_iter()
        .map(PreparedEntity::new)
        .collect();
    println!(
        "{} parties prepared in {:?}",
        parties.len(),
        started.elapsed()
    );
    let matcher = Matcher::default();
    for name in [
        "Mohammed Ali",
        "Vladimir Putin",
        "LIMITED LIABILITY COMPANY KISMET TELECOM",
    ] {
        let q = Query::name(name).prepare().expect("query");
        let started = Instant::now();
        let alerts = parties
            .iter()
            .filter_map(|p| matcher.score(&q, p))
            .filter(|h| h.score >= 0.8)
            .count();
        let per = started.elapsed() / parties.len() as u32;
        println!("{name:?}: {alerts} alerts, {per:?} per party");
        let started = Instant::now();
        let mut n = 0usize;
        for p in &parties {
            for l in &p.names {
                n += 1;
                std::hint::black_box(sanctum_matcher::names::compare(
                    &q.names[0].tokens,
                    &l.tokens,
                    &l.family_keys,
                    true,
                ));
            }
        }
        println!(
            "  names::compare alone: {:?} per name pair ({n} pairs)",
            started.elapsed() / n as u32
        );
        let started = Instant::now();
        for p in &parties {
            std::hint::black_box(sanctum_matcher::features::weigh(&q, &p.entity));
        }
        println!(
            "  features::weigh alone: {:?} per party",
            started.elapsed() / parties.len() as u32
        );
    }
}
