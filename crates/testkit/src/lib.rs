//! Test support shared by sanctum's test suites; a dev-dependency only, never in the binary.
//!
//! [`shared_lists`] finds the folder of real official list files that many tests read
//! (`../shared/data/lists` beside the checkout, or `SANCTUM_SHARED_LISTS`). On a machine
//! without it a test prints a `SKIP` notice and returns; in CI (the `CI` environment
//! variable set, as `.ci/run` sets it) a missing folder panics instead, so that a test run
//! can never pass while the tests that read real data did not run.
//!
//! [`postgres::TestDatabase`] gives a test a throwaway PostgreSQL database, under the same
//! rule: a `SKIP` notice without a server, a failure in CI.

pub mod postgres;

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The environment variable that names the shared list folder, overriding the default.
pub const LISTS_ENV: &str = "SANCTUM_SHARED_LISTS";

/// The environment variable CI services set (`CI=true`), and `.ci/run` too.
pub const CI_ENV: &str = "CI";

/// `../shared/data/lists` beside the checkout: this crate is `crates/testkit` in it.
fn default_lists_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/lists")
}

/// Whether a value of `CI` means a CI run: set, and not empty, `0` or `false`.
pub fn is_ci(value: Option<&OsString>) -> bool {
    value.is_some_and(|v| {
        let v = v.to_string_lossy();
        let v = v.trim();
        !(v.is_empty() || v == "0" || v.eq_ignore_ascii_case("false"))
    })
}

/// The shared folder of real list files, or `None` with a `SKIP {test}` notice on standard
/// error when it is absent.
///
/// # Panics
/// When the folder is absent and the `CI` environment variable is set (see [`is_ci`]): a
/// CI run must not pass with these tests skipped.
pub fn shared_lists(test: &str) -> Option<PathBuf> {
    let dir = std::env::var_os(LISTS_ENV)
        .map(PathBuf::from)
        .unwrap_or_else(default_lists_dir);
    locate(test, dir, is_ci(std::env::var_os(CI_ENV).as_ref()))
}

/// [`shared_lists`] with its inputs given: `dir` if it is a directory, else a skip (`None`),
/// or a panic when `ci`.
pub fn locate(test: &str, dir: PathBuf, ci: bool) -> Option<PathBuf> {
    if dir.is_dir() {
        return Some(dir);
    }
    if ci {
        panic!(
            "{test}: the shared list folder {} is absent, and {CI_ENV} is set: in CI the \
             tests that read the real list files must run, not skip. Put the folder at \
             ../shared/data/lists beside the checkout or name it in {LISTS_ENV}.",
            dir.display()
        );
    }
    eprintln!(
        "SKIP {test}: shared list folder {} is absent",
        dir.display()
    );
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn absent() -> PathBuf {
        PathBuf::from("/nonexistent/sanctum-testkit/shared/data/lists")
    }

    #[test]
    fn an_absent_folder_outside_ci_is_a_skip() {
        assert_eq!(locate("a_test", absent(), false), None);
    }

    #[test]
    #[should_panic(expected = "a_test: the shared list folder /nonexistent/sanctum-testkit")]
    fn an_absent_folder_in_ci_panics() {
        locate("a_test", absent(), true);
    }

    #[test]
    fn a_present_folder_is_found_in_ci_or_not() {
        let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        assert_eq!(locate("a_test", here.clone(), true), Some(here.clone()));
        assert_eq!(locate("a_test", here.clone(), false), Some(here));
    }

    #[test]
    fn ci_values() {
        let ci = |v: &str| is_ci(Some(&OsString::from(v)));
        assert!(ci("true") && ci("1") && ci("yes") && ci("TRUE"));
        assert!(!ci("") && !ci("0") && !ci("false") && !ci("False"));
        assert!(!is_ci(None));
    }
}
