//! Where a review test keeps its store, on either backend, and the macro that runs a test
//! on both (the same shape as the store's own tests).
#![allow(dead_code)] // each test binary uses a different part

use sanctum_review::{Policy, Review};
use sanctum_store::{Store, StoreLocation};
use sanctum_testkit::postgres::TestDatabase;

/// A fresh SQLite data directory or a fresh PostgreSQL database, removed when dropped.
/// Every open opens the same database again, as another process would.
pub struct TestStore {
    pub location: StoreLocation,
    /// Files the test writes (customer books), on either backend.
    pub dir: tempfile::TempDir,
    _database: Option<TestDatabase>,
}

impl TestStore {
    pub fn sqlite() -> TestStore {
        let dir = tempfile::tempdir().unwrap();
        TestStore {
            location: StoreLocation::Directory(dir.path().join("data")),
            dir,
            _database: None,
        }
    }

    /// `None` (a SKIP notice) without a PostgreSQL server, outside CI.
    pub fn postgres(test: &str) -> Option<TestStore> {
        let database = TestDatabase::create(test)?;
        let location = StoreLocation::new(std::path::Path::new("."), Some(database.url()))
            .expect("test database URL");
        Some(TestStore {
            location,
            dir: tempfile::tempdir().unwrap(),
            _database: Some(database),
        })
    }

    pub fn store(&self) -> Store {
        Store::connect(&self.location)
            .unwrap_or_else(|e| panic!("opening the store at {}: {e}", self.location))
    }

    /// The review tables, on a connection of their own.
    pub fn review(&self) -> Review {
        Review::connect(&self.location, Policy::default())
            .unwrap_or_else(|e| panic!("opening the review tables at {}: {e}", self.location))
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.location, StoreLocation::Postgres(_))
    }
}

/// Runs each named test, a `fn(&TestStore)`, once per backend: `sqlite::NAME` and
/// `postgres::NAME`.
#[allow(unused_macros)] // each test binary that uses it has `#[macro_use]`
macro_rules! on_both_backends {
    ($($test:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $test() {
                    super::$test(&crate::common::TestStore::sqlite())
                }
            )+
        }
        mod postgres {
            $(
                #[test]
                fn $test() {
                    let name = concat!("postgres::", stringify!($test));
                    if let Some(store) = crate::common::TestStore::postgres(name) {
                        super::$test(&store)
                    }
                }
            )+
        }
    };
}
