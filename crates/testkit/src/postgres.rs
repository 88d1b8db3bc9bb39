//! Throwaway PostgreSQL databases for the tests of the PostgreSQL store.
//!
//! [`TestDatabase::create`] connects to the server named by [`POSTGRES_ENV`] (default: the
//! project machines' server at 127.0.0.1:5432, trust authentication, role `postgres`),
//! creates a database of a unique name, and drops it when dropped, so each test starts
//! empty and leaves nothing behind. `scripts/postgres.sh` starts a server where none runs.
//! No server: a `SKIP` notice outside CI, a panic in CI (see [`crate::is_ci`]).

use std::sync::atomic::{AtomicU32, Ordering};

/// The environment variable naming the server's administrative URL (a role that may create
/// databases), overriding [`DEFAULT_ADMIN_URL`].
pub const POSTGRES_ENV: &str = "SANCTUM_TEST_POSTGRES";

/// The project machines' server: loopback, trust authentication.
pub const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// Databases created by this process so far: with the process id, a unique name.
static CREATED: AtomicU32 = AtomicU32::new(0);

/// A database that exists until this value is dropped.
pub struct TestDatabase {
    admin_url: String,
    name: String,
    url: String,
}

fn admin_url() -> String {
    std::env::var(POSTGRES_ENV).unwrap_or_else(|_| DEFAULT_ADMIN_URL.to_string())
}

/// `url` with its database name replaced by `name` (and any query kept).
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{name}", &base[..host_end]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// The server's message, where `postgres::Error`'s own display says only "db error".
fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{}: {}", db.severity(), db.message()),
        None => e.to_string(),
    }
}

impl TestDatabase {
    /// A new empty database, or `None` with a `SKIP {test}` notice when no server answers.
    ///
    /// # Panics
    /// When no server answers and `CI` is set: a CI run must not pass with these tests
    /// skipped.
    pub fn create(test: &str) -> Option<TestDatabase> {
        let admin_url = admin_url();
        let mut admin = match postgres::Client::connect(&admin_url, postgres::NoTls) {
            Ok(client) => client,
            Err(e) => {
                if crate::is_ci(std::env::var_os(crate::CI_ENV).as_ref()) {
                    panic!(
                        "{test}: no PostgreSQL server at {admin_url} ({e}), and {} is set: in \
                         CI the PostgreSQL store's tests must run (scripts/postgres.sh starts \
                         a server)",
                        crate::CI_ENV
                    );
                }
                eprintln!("SKIP {test}: no PostgreSQL server at {admin_url}: {e}");
                return None;
            }
        };
        let name = format!(
            "sanctum_test_{}_{}",
            std::process::id(),
            CREATED.fetch_add(1, Ordering::Relaxed)
        );
        // A database left by an earlier process of the same id (killed before its drop).
        // One statement per call: several would run as one transaction, which CREATE
        // DATABASE refuses.
        for statement in [
            format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            format!("CREATE DATABASE {name}"),
        ] {
            admin
                .batch_execute(&statement)
                .unwrap_or_else(|e| panic!("{test}: {statement}: {}", describe(&e)));
        }
        let url = with_database(&admin_url, &name);
        Some(TestDatabase {
            admin_url,
            name,
            url,
        })
    }

    /// The database's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // FORCE ends the connections a store's pool still holds.
        let dropped =
            postgres::Client::connect(&self.admin_url, postgres::NoTls).and_then(|mut admin| {
                admin.batch_execute(&format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    self.name
                ))
            });
        if let Err(e) = dropped {
            eprintln!("dropping the test database {}: {}", self.name, describe(&e));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_name_is_replaced() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(
            with_database("postgres://u:p@h/db?sslmode=disable", "t2"),
            "postgres://u:p@h/t2?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "t3"), "postgres://h/t3");
    }
}
