//! Processes sharing one PostgreSQL store keep each other informed: an ingest or rollback
//! announces its new version on [`VERSIONS_CHANNEL`] when it commits (NOTIFY), and a
//! [`VersionListener`] hears it (LISTEN); an [`ExclusiveUpdate`] lets one process at a
//! time fetch the lists (an advisory lock), so replicas on a schedule do not all download.
//!
//! Each holds a connection of its own, apart from the store's pool: a LISTEN and a
//! session-level lock belong to a session. A SQLite store is one machine's: it has neither
//! (no listener; the exclusive update is granted at once, the store's own write lock being
//! enough between the processes of one machine).

use crate::location::{DatabaseUrl, StoreLocation};
use crate::{Result, StoreError};
use postgres::{Client, NoTls};
use std::time::Duration;

/// The channel new versions are announced on; the payload is `source:seq`.
pub const VERSIONS_CHANNEL: &str = "sanctum_versions";

/// The advisory lock key of a list update ("sanc" "updt").
const UPDATE_LOCK: i64 = 0x73_61_6e_63_75_70_64_74;

/// How long opening the connection may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

fn connect(url: &DatabaseUrl) -> Result<Client> {
    let mut config: postgres::Config =
        url.secret()
            .parse()
            .map_err(|e: postgres::Error| StoreError::BadLocation {
                location: url.redacted(),
                reason: e.to_string(),
            })?;
    config.connect_timeout(CONNECT_TIMEOUT);
    if config.get_application_name().is_none() {
        config.application_name("sanctum");
    }
    config.connect(NoTls).map_err(|e| StoreError::Unreachable {
        location: url.redacted(),
        reason: StoreError::from(e).to_string(),
    })
}

/// A connection listening for new versions. Blocking: run it on a thread of its own.
pub struct VersionListener {
    client: Client,
}

impl VersionListener {
    /// Listens at `location`; `None` for a SQLite store.
    pub fn connect(location: &StoreLocation) -> Result<Option<VersionListener>> {
        let StoreLocation::Postgres(url) = location else {
            return Ok(None);
        };
        let mut client = connect(url)?;
        client.batch_execute(&format!("LISTEN {VERSIONS_CHANNEL}"))?;
        Ok(Some(VersionListener { client }))
    }

    /// Waits up to `timeout` for announcements: those that arrived (`source:seq`), empty
    /// when none did. An error means the connection is lost: connect again.
    pub fn wait(&mut self, timeout: Duration) -> Result<Vec<String>> {
        use postgres::fallible_iterator::FallibleIterator;
        let mut heard = Vec::new();
        let first = {
            let mut notifications = self.client.notifications();
            let mut waiting = notifications.timeout_iter(timeout);
            waiting.next()?
        };
        if let Some(first) = first {
            heard.push(first.payload().to_string());
            // Whatever else arrived with it, without waiting again.
            let mut notifications = self.client.notifications();
            let mut pending = notifications.iter();
            while let Some(next) = pending.next()? {
                heard.push(next.payload().to_string());
            }
        }
        Ok(heard)
    }
}

/// The right to fetch the lists, held by one process of those sharing the store until
/// dropped (its session ends, and the lock with it, if the process dies).
pub struct ExclusiveUpdate {
    /// The session holding the lock; `None` for a SQLite store.
    session: Option<Client>,
}

impl Drop for ExclusiveUpdate {
    /// Unlocks before the session closes: a closed connection frees its locks only once the
    /// server has processed the close, and another process asking at once would be refused.
    fn drop(&mut self) {
        if let Some(client) = self.session.as_mut() {
            // A lost connection has freed the lock already.
            let _ = client.execute("SELECT pg_advisory_unlock($1)", &[&UPDATE_LOCK]);
        }
    }
}

impl ExclusiveUpdate {
    /// The update lock if no other process holds it, without waiting: `None` when another
    /// holds it (its update will announce what it stores).
    pub fn try_acquire(location: &StoreLocation) -> Result<Option<ExclusiveUpdate>> {
        let StoreLocation::Postgres(url) = location else {
            return Ok(Some(ExclusiveUpdate { session: None }));
        };
        let mut client = connect(url)?;
        let acquired: bool = client
            .query_one("SELECT pg_try_advisory_lock($1)", &[&UPDATE_LOCK])?
            .get(0);
        Ok(acquired.then_some(ExclusiveUpdate {
            session: Some(client),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sanctum_testkit::postgres::TestDatabase;

    #[test]
    fn one_process_at_a_time_holds_the_update_and_a_sqlite_store_always_may() {
        let dir = tempfile::tempdir().unwrap();
        let sqlite = StoreLocation::Directory(dir.path().to_path_buf());
        assert!(ExclusiveUpdate::try_acquire(&sqlite).unwrap().is_some());
        assert!(VersionListener::connect(&sqlite).unwrap().is_none());
        let Some(database) = TestDatabase::create("one_process_at_a_time_holds_the_update") else {
            return;
        };
        let location = StoreLocation::Postgres(DatabaseUrl::parse(database.url()).unwrap());
        let held = ExclusiveUpdate::try_acquire(&location).unwrap();
        assert!(held.is_some());
        assert!(ExclusiveUpdate::try_acquire(&location).unwrap().is_none());
        drop(held);
        assert!(ExclusiveUpdate::try_acquire(&location).unwrap().is_some());
    }
}
