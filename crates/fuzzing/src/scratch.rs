//! Scratch files for the readers that take a path (the customer files, format detection):
//! one folder per thread, each input written over the last under the name it needs.

use std::cell::RefCell;
use std::path::PathBuf;

thread_local! {
    /// The folder, removed when the thread ends.
    static SCRATCH: RefCell<Option<tempfile::TempDir>> = const { RefCell::new(None) };
}

/// `data` written to the file `name` of the scratch folder; `None` when it cannot be written
/// (a full disk is no finding about a reader).
pub fn write(name: &str, data: &[u8]) -> Option<PathBuf> {
    SCRATCH.with(|cell| {
        let mut dir = cell.borrow_mut();
        if dir.is_none() {
            *dir = tempfile::tempdir().ok();
        }
        let path = dir.as_ref()?.path().join(name);
        std::fs::write(&path, data).ok()?;
        Some(path)
    })
}
