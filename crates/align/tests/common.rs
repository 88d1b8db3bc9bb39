//! Loading the real list files of the measurement (shared folder, absent on some machines).
#![allow(dead_code)]

use sanctum_align::Record;
use sanctum_model::Entity;
use sanctum_sources::ParseOptions;
use sanctum_sources::detect;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// The four publications of the measurement: (source, file under the shared folder).
pub const MEASURED: [(&str, &str); 4] = [
    ("us_csl", "us_csl/consolidated_2022-05.csv.gz"),
    ("uk_ofsi", "uk_ofsi/ConList_2023-06-05.xlsx"),
    ("un_sc", "un/consolidated_2024-09-26.xml"),
    ("ca_sema", "canada_sema/sema-lmes_2025-05.xml"),
];

/// Parses one publication; a repeated id keeps its first record, as the store does.
pub fn parse(dir: &Path, source: &str, file: &str) -> Vec<Entity> {
    let (publications, _) = detect::plan(&dir.join(file), Some(source)).expect("plan");
    let publication = publications.first().expect("a publication");
    let parsed = detect::read(publication, &ParseOptions::default()).expect("parse");
    let mut seen = HashSet::new();
    parsed
        .entities
        .into_iter()
        .filter(|e| seen.insert(e.source_id.clone()))
        .collect()
}

pub fn measured_records(dir: &Path) -> Vec<Record> {
    MEASURED
        .iter()
        .flat_map(|(source, file)| parse(dir, source, file))
        .map(Record::current)
        .collect()
}
