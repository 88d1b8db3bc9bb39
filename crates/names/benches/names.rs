//! Speed of the name pipeline per name. Run: cargo bench -p sanctum-names

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

const LATIN: &[&str] = &[
    "Vladimir Vladimirovich PUTIN",
    "Ayman al-Zawahiri",
    "Mohammed bin Salman Al Saud",
    "Arkady Romanovich ROTENBERG",
    "Kim Jong Un",
    "ROSNEFT OIL COMPANY PJSC",
    "Dr. Abdul Qadeer Khan",
    "Yevgeniy Viktorovich PRIGOZHIN",
];

const OTHER_SCRIPTS: &[&str] = &[
    "Владимир Владимирович Путин",
    "محمد بن سلمان",
    "김정은",
    "习近平",
    "ハヤシ ヨシマサ",
    "Αλέξης Τσίπρας",
];

fn per_name(c: &mut Criterion, group_name: &str, names: &'static [&'static str]) {
    let mut group = c.benchmark_group(group_name);
    group.bench_function("normalize", |b| {
        b.iter(|| {
            names
                .iter()
                .map(|n| sanctum_names::normalize(black_box(n)).len())
                .sum::<usize>()
        })
    });
    group.bench_function("normalize+to_latin", |b| {
        b.iter(|| {
            names
                .iter()
                .map(|n| sanctum_names::to_latin(&sanctum_names::normalize(black_box(n))).len())
                .sum::<usize>()
        })
    });
    group.bench_function("tokens", |b| {
        b.iter(|| {
            names
                .iter()
                .map(|n| sanctum_names::tokens(black_box(n)).len())
                .sum::<usize>()
        })
    });
    group.bench_function("analyze", |b| {
        b.iter(|| {
            names
                .iter()
                .map(|n| sanctum_names::analyze(black_box(n)).tokens.len())
                .sum::<usize>()
        })
    });
    group.finish();
}

fn benches(c: &mut Criterion) {
    // Each iteration processes the whole list: divide by its length for a per-name time.
    per_name(c, "latin_8_names", LATIN);
    per_name(c, "other_scripts_6_names", OTHER_SCRIPTS);
    let tokens = ["mohammed", "yevgeniy", "rotenberg", "zawahiri"];
    c.bench_function("fold_variant_4_tokens", |b| {
        b.iter(|| {
            tokens
                .iter()
                .map(|t| sanctum_names::fold_variant(black_box(t)).len())
                .sum::<usize>()
        })
    });
    c.bench_function("phonetic_4_tokens", |b| {
        b.iter(|| {
            tokens
                .iter()
                .map(|t| sanctum_names::phonetic(black_box(t)).len())
                .sum::<usize>()
        })
    });
}

criterion_group!(name_benches, benches);
criterion_main!(name_benches);
