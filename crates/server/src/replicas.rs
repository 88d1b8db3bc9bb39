//! Several `sanctum serve` replicas on one PostgreSQL store: each learns of a new list
//! version as soon as it is stored, whoever stored it, and swaps its snapshot.
//!
//! A thread of its own LISTENs for the versions the store announces at each ingest's commit
//! ([`sanctum_store::VersionListener`]); on an announcement the replica re-reads the store
//! and, when a source's version changed, builds the next snapshot aside and swaps it in
//! (the update path's `update(false)`). Every [`VersionWatch::poll`] ([`VERSION_POLL`] by
//! default) it re-reads all the same: a lost connection (announcements sent while it was
//! down are not replayed) costs at most that long. Where the connection cannot LISTEN (a
//! pooler in transaction mode, such as PgBouncer's, passes NOTIFY on to no session),
//! [`VersionWatch::listen`] off leaves the polling alone. A SQLite store is one machine's,
//! and has nothing to listen to.
//!
//! The scheduled fetch itself runs on one replica at a time (see `updates.rs`:
//! [`sanctum_store::ExclusiveUpdate`]); the others hear of what it stored here.

use crate::AppState;
use sanctum_store::{StoreLocation, VersionListener};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// How often a replica re-reads the store without an announcement, by default: the longest
/// a replica serves an old version when its listening connection was lost.
pub const VERSION_POLL: Duration = Duration::from_secs(30);

/// How a replica on a PostgreSQL store learns of the versions other processes store
/// (`sanctum serve --version-poll`, `--no-listen`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionWatch {
    /// LISTEN for the announcement each ingest sends at its commit: a new version is
    /// served within a second or so. Off: polling only.
    pub listen: bool,
    /// Re-read the store this often, announcement or not.
    pub poll: Duration,
}

impl Default for VersionWatch {
    fn default() -> Self {
        VersionWatch {
            listen: true,
            poll: VERSION_POLL,
        }
    }
}

/// The pause before listening again after the connection was lost.
const RELISTEN_PAUSE: Duration = Duration::from_secs(2);

/// The pause before re-reading again when an update was running.
const BUSY_PAUSE: Duration = Duration::from_millis(500);

/// Starts listening for new versions (PostgreSQL stores only).
pub fn spawn_version_watch(state: AppState) {
    let location = state.config.store.clone();
    if !matches!(location, StoreLocation::Postgres(_)) {
        return;
    }
    let watch = state.config.versions.clone();
    let heard = Arc::new(Notify::new());
    if watch.listen {
        let listener_heard = heard.clone();
        let poll = watch.poll;
        // A blocking client's connection runs its own small runtime: on a plain thread,
        // not on the server's async workers.
        let spawned = std::thread::Builder::new()
            .name("sanctum-listen".to_string())
            .spawn(move || listen(&location, poll, &listener_heard));
        if let Err(e) = spawned {
            eprintln!("sanctum serve: cannot listen for new versions ({e}); polling only");
        }
    } else {
        eprintln!(
            "sanctum serve: not listening for new versions; re-reading the store every {:?}",
            watch.poll
        );
    }
    tokio::spawn(async move {
        loop {
            tokio::select! {
                () = heard.notified() => {}
                () = tokio::time::sleep(watch.poll) => {}
            }
            reread(&state).await;
        }
    });
}

/// Listens until the process ends, reconnecting after a loss; `poll` bounds each wait.
fn listen(location: &StoreLocation, poll: Duration, heard: &Notify) {
    loop {
        match VersionListener::connect(location) {
            Ok(Some(mut listener)) => loop {
                match listener.wait(poll) {
                    Ok(versions) if versions.is_empty() => {}
                    Ok(versions) => {
                        eprintln!(
                            "sanctum serve: new versions stored: {}",
                            versions.join(", ")
                        );
                        heard.notify_one();
                    }
                    Err(e) => {
                        eprintln!("sanctum serve: listening for new versions: {e}");
                        break;
                    }
                }
            },
            Ok(None) => return,
            Err(e) => eprintln!("sanctum serve: listening for new versions: {e}"),
        }
        std::thread::sleep(RELISTEN_PAUSE);
        // Whatever was announced while the connection was down.
        heard.notify_one();
    }
}

/// Re-reads the store and swaps in what changed; when an update is running, tries again
/// once it has ended (it may have read the store before the announced version).
async fn reread(state: &AppState) {
    loop {
        if state.update_state().running {
            tokio::time::sleep(BUSY_PAUSE).await;
            continue;
        }
        match state.update(false).await {
            Ok(_) => return,
            Err(e) if e.status == axum::http::StatusCode::CONFLICT => {
                tokio::time::sleep(BUSY_PAUSE).await;
            }
            Err(e) => {
                eprintln!("sanctum serve: re-reading the store: {}", e.detail);
                return;
            }
        }
    }
}
