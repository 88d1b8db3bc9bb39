//! Synthetic parties and publications shared by the store tests.
#![allow(dead_code)] // each test binary uses a different part

use sanctum_model::{
    Address, DateSpec, DateValue, Designation, Entity, EntityKind, IdKind, Identifier, Name,
    NameKind, PartialDate, Text,
};
use sanctum_store::{NewVersion, Store, StoreLocation};
use sanctum_testkit::postgres::TestDatabase;

/// Where one test keeps its store: a fresh SQLite data directory or a fresh PostgreSQL
/// database, both removed when this is dropped. Every [`TestStore::open`] opens the same
/// store again, as another process would.
pub struct TestStore {
    pub location: StoreLocation,
    _dir: tempfile::TempDir,
    _database: Option<TestDatabase>,
}

impl TestStore {
    pub fn sqlite() -> TestStore {
        let dir = tempfile::tempdir().unwrap();
        TestStore {
            location: StoreLocation::Directory(dir.path().join("data")),
            _dir: dir,
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
            _dir: tempfile::tempdir().unwrap(),
            _database: Some(database),
        })
    }

    pub fn open(&self) -> Store {
        Store::connect(&self.location)
            .unwrap_or_else(|e| panic!("opening the store at {}: {e}", self.location))
    }

    /// The PostgreSQL database's URL (with any password: for a child process of the test).
    pub fn url(&self) -> Option<&str> {
        self._database.as_ref().map(TestDatabase::url)
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.location, StoreLocation::Postgres(_))
    }
}

/// Runs each named test, a `fn(&TestStore)`, once per backend: as `sqlite::NAME` on a fresh
/// SQLite directory and as `postgres::NAME` on a fresh PostgreSQL database. One suite, two
/// instantiations: the backends cannot drift apart on a rule without a test failing.
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

pub const SOURCE: &str = "test_list";

/// A party shaped like a real list record (names, birth date, ids, address, designation),
/// about 700 bytes of JSON. `variant` changes the remark only, so distinct variants are
/// distinct records of the same party.
pub fn party(source: &str, index: usize, variant: u32) -> Entity {
    let kind = match index % 4 {
        0 | 1 => EntityKind::Person,
        2 => EntityKind::Organization,
        _ => EntityKind::Vessel,
    };
    let mut entity = Entity::new(source, format!("ID-{index:06}"), kind);
    entity.names.push(Name::new(
        format!("PARTY NUMBER {index} SURNAME{}", index % 97),
        NameKind::Primary,
    ));
    entity.names.push(Name::new(
        format!("ALIAS {index} OF PARTY"),
        NameKind::Alias,
    ));
    if kind == EntityKind::Person {
        entity.birth_dates.push(DateValue {
            date: DateSpec::Exact(PartialDate::year(1950 + (index % 50) as u16)),
            record: None,
        });
    }
    let mut passport = Identifier::new(IdKind::Passport, format!("P{index:08}"));
    passport.country = Some("IR".to_string());
    entity.identifiers.push(passport);
    entity.addresses.push(Address {
        lines: vec![format!("{} Example Street", index % 300)],
        city: Some("Tehran".to_string()),
        country: Some("IR".to_string()),
        ..Address::default()
    });
    entity.designations.push(Designation {
        authority: "US OFAC".to_string(),
        list: "SDN".to_string(),
        programs: vec!["IRAN".to_string(), "SDGT".to_string()],
        listed_on: None,
        ended_on: None,
        legal_basis: Vec::new(),
        record: None,
    });
    entity
        .remarks
        .push(Text::new(format!("record variant {variant}")));
    entity
}

/// `count` parties numbered from 0, all at `variant`.
pub fn parties(source: &str, count: usize, variant: u32) -> Vec<Entity> {
    (0..count).map(|i| party(source, i, variant)).collect()
}

/// Version metadata with a sha256 derived from `tag` (distinct tags, distinct files).
pub fn new_version(source: &str, tag: &str, published: Option<&str>) -> NewVersion {
    NewVersion {
        source: source.to_string(),
        published: published.and_then(|d| d.parse().ok()),
        fetched_at: "2025-01-14T09:30:00Z".to_string(),
        sha256: format!("{tag:0>64}"),
        file_name: format!("{tag}.csv"),
    }
}
