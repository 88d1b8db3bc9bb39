//! Where a row's time goes as the lists grow: the lists grown to N parties, then each
//! customer row looked up in the index and scored, on one thread, with the index's
//! counters and the thread's CPU time (wall time is meaningless on a shared machine).
//! `cargo run --release -p sanctum-eval --example growth_probe -- DATA_DIR CSV PARTIES [ROWS]`
use sanctum_matcher::{MatchOptions, Query};
use sanctum_screen::{Scratch, Screener, lists};

// The sanctum binary's allocator (crates/cli/src/main.rs): the build's time and memory are
// mostly small allocations.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// CPU seconds of `clock` (the thread's or the process's).
fn cpu_seconds(clock: libc::clockid_t) -> f64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes the timespec it is given and nothing else.
    unsafe { libc::clock_gettime(clock, &mut t) };
    t.tv_sec as f64 + t.tv_nsec as f64 * 1e-9
}

/// The process's resident and peak resident memory in MB (Linux).
fn memory_mb() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn thread_cpu() -> f64 {
    cpu_seconds(libc::CLOCK_THREAD_CPUTIME_ID)
}

fn process_cpu() -> f64 {
    cpu_seconds(libc::CLOCK_PROCESS_CPUTIME_ID)
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let store = sanctum_store::Store::open(std::path::Path::new(&args[1]))?;
    let target: usize = args[3].parse()?;
    let rows: usize = args.get(4).map(|s| s.parse()).transpose()?.unwrap_or(5000);
    let loaded = lists::load(&store, &lists::Selection::default())?;
    let grown = sanctum_eval::grow::grow(loaded.parties, target, 0);
    let (grown_rss, _) = memory_mb();
    let started = process_cpu();
    let screener = Screener::new(grown, MatchOptions::default());
    let build = process_cpu() - started;
    let (built_rss, built_peak) = memory_mb();
    println!(
        "memory: {grown_rss} MB with the parties grown, {built_rss} MB prepared and indexed (peak {built_peak} MB); index keys {}",
        screener.index().key_count()
    );
    let mut reader = csv::Reader::from_path(&args[2])?;
    let queries: Vec<_> = reader
        .records()
        .take(rows)
        .filter_map(|r| {
            let r = r.ok()?;
            let mut q = Query::name(&r[1]);
            if !r[2].is_empty() {
                q.birth_dates.push(r[2].to_string());
            }
            if !r[3].is_empty() {
                q.countries.push(r[3].to_string());
            }
            q.prepare().ok()
        })
        .collect();
    let mut scratch = Scratch::default();
    let started = thread_cpu();
    let mut candidates = 0;
    for q in &queries {
        screener.candidates(q, &mut scratch);
        candidates += scratch.parties.len();
    }
    let lookup = thread_cpu() - started;
    let started = thread_cpu();
    let mut alerts = 0;
    for q in &queries {
        alerts += screener.screen(q, &mut scratch).len();
    }
    let whole = thread_cpu() - started;
    if std::env::var_os("PROBE_SCORES").is_some() {
        // Name score and final score of every candidate, by tenths.
        let mut names = [0usize; 11];
        let mut finals = [0usize; 11];
        for (k, q) in queries.iter().enumerate() {
            screener.candidates(q, &mut scratch);
            for &c in &scratch.parties {
                let party = &screener.parties()[c as usize];
                if let Some(hit) = screener.matcher().score(q, party) {
                    names[(hit.explanation.name_score * 10.0) as usize] += 1;
                    finals[(hit.score.max(0.0) * 10.0).min(10.0) as usize] += 1;
                    if k < 4 {
                        println!(
                            "{:.3} {:.3} {:?} / {:?}",
                            hit.explanation.name_score,
                            hit.score,
                            hit.explanation.query_name,
                            hit.explanation.matched_name
                        );
                    }
                }
            }
        }
        println!("name scores by tenths {names:?}\nfinal scores by tenths {finals:?}");
    }
    let n = queries.len() as f64;
    let half = |x: u64| x as f64 / (2.0 * n);
    println!(
        "parties {target} rows {n} build_cpu {build:.1}s | lookup {:.0} us/row, screen {:.0} us/row ({:.0} rows/s/core) | candidates {:.1} alerts {alerts} | postings {:.0} met {:.0} bounded {:.0} quick {:.0} bound {:.0} per row",
        lookup / n * 1e6,
        whole / n * 1e6,
        n / whole,
        candidates as f64 / n,
        half(scratch.postings_read),
        half(scratch.names_met),
        half(scratch.names_bounded),
        half(scratch.quick_passed),
        half(scratch.bound_passed),
    );
    Ok(())
}
