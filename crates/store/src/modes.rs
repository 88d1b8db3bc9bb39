//! File modes of the data directory: private to the user who runs sanctum.
//!
//! The modes are set explicitly after creation, not left to the umask: a umask of 0 (some
//! service managers, containers) would otherwise make the store world-writable.

use crate::{Result, StoreError};
use std::path::Path;

/// The data directory's mode: the user alone lists, reads and writes it.
#[cfg(unix)]
const DIR_MODE: u32 = 0o700;
/// The store files' mode: read and written by the user alone.
#[cfg(unix)]
const FILE_MODE: u32 = 0o600;

/// SQLite's companions of the database file in WAL mode. SQLite creates them itself with
/// the database file's mode, so a 0600 database gives 0600 companions.
const COMPANIONS: [&str; 2] = ["-wal", "-shm"];

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Creates the data directory `dir` (and missing parents) with mode 0700. An existing
/// directory is left as it is: it may be shared on purpose, and the store files in it are
/// 0600 anyway.
pub fn create_data_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        builder.mode(DIR_MODE);
        builder.create(dir).map_err(io_error(dir))?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(DIR_MODE))
            .map_err(io_error(dir))?;
    }
    #[cfg(not(unix))]
    builder.create(dir).map_err(io_error(dir))?;
    Ok(())
}

/// Creates the database file `db` with mode 0600 if it is absent (SQLite would create it
/// 0644 less the umask), and narrows an existing store's database, `-wal` and `-shm` files
/// to 0600. A file owned by another user cannot be narrowed; it is left to that user.
pub fn private_store_files(db: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        // `create_new`: an existing database is not touched here (it may be read-only to
        // this user), and of two processes creating it at once, one does.
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(FILE_MODE)
            .open(db)
        {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(io_error(db)(e)),
        }
        let companions = COMPANIONS.map(|suffix| {
            let mut name = db.as_os_str().to_os_string();
            name.push(suffix);
            std::path::PathBuf::from(name)
        });
        for path in std::iter::once(db).chain(companions.iter().map(|p| p.as_path())) {
            let mode = match std::fs::metadata(path) {
                Ok(meta) => meta.permissions().mode() & 0o777,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(io_error(path)(e)),
            };
            if mode == FILE_MODE {
                continue;
            }
            match std::fs::set_permissions(path, std::fs::Permissions::from_mode(FILE_MODE)) {
                Ok(()) => {}
                // Not this user's file, or a companion SQLite removed meanwhile.
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::NotFound
                    ) => {}
                Err(e) => return Err(io_error(path)(e)),
            }
        }
    }
    #[cfg(not(unix))]
    let _ = (db, COMPANIONS);
    Ok(())
}
