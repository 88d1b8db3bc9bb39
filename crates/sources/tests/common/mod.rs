//! Shared helpers for the integration tests of this crate.
#![allow(dead_code)]

use std::path::PathBuf;

/// The shared folder of real list files (`../shared/data/lists` beside the checkout, or
/// `SANCTUM_SHARED_LISTS`), or `None` with a skip notice when it is absent.
pub fn shared_lists(test: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("SANCTUM_SHARED_LISTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/lists")
        });
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "SKIP {test}: shared list folder {} is absent",
            dir.display()
        );
        None
    }
}

/// A fixture file of this crate.
pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}
