//! Shared helpers for the integration tests of this crate.
#![allow(dead_code)]

use std::path::PathBuf;

/// A fixture file of this crate.
pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}
