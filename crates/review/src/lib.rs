//! Alert review: from a screening hit to a recorded decision.
//!
//! Data passes `customer file → book (customers, revisions, fingerprints) → screening
//! (Screener from sanctum-screen, targets from sanctum-align) → alerts → workflow (claim,
//! propose, approve/return; four eyes) → memory (approved false positives) → the next
//! screening (suppressed, or raised again with what changed)`, and every change leaves an
//! entry in the hash-chained audit trail.
//!
//! - [`Review`]: the review tables, beside the lists in whichever database holds them (the
//!   SQLite file or PostgreSQL, through sanctum-store's sessions: [`db`]; their own schema
//!   version, [`schema`]), the [`Policy`] and the clock. Each acting method runs in one
//!   transaction holding the change and its audit entry.
//! - [`book`]: the customer book, imported through sanctum-screen's readers, with
//!   revisions and fingerprints ([`fingerprint`]).
//! - [`screening::screen_book`]: the book against the lists (full, delta, or the customers
//!   an import changed), hits grouped by target, recorded as alerts, suppressions or
//!   re-alerts in one transaction per chunk.
//! - [`model`]: alert states, decisions, roles, causes, actors.
//! - [`workflow::decide`]: the one choke point every state change goes through.
//! - [`alerts`]: alert rows read back and listed; [`audit`]: the chain, `verify`,
//!   `export`, `head`; [`memory`]: the false-positive memory and its four-eyes revocation.
//! - [`payments`]: a held payment message recorded as an alert of the book `payments`,
//!   released, blocked or rejected under the same four eyes; [`payments::record`] takes
//!   the payment filter's verdict as plain data (sanctum-payments and this crate do not
//!   depend on each other: the CLI and the server join them).
//! - [`report`]: OFAC report drafts (blocked property; rejected transactions), due 10 US
//!   business days after the decision ([`calendar`]); [`alerts::stats`]: counts, age and
//!   SLA.
//! - [`users`]: users, roles, argon2 passwords; API keys name their user (the server's
//!   key file), so every action resolves to an [`Actor`].
//!
//! Concurrency: several processes (CLI runs, API replicas) may act on one database. SQLite
//! serialises their transactions on the file's write lock. On PostgreSQL, claim-next takes
//! its alert `FOR UPDATE SKIP LOCKED`, a decision reads its alert `FOR UPDATE`
//! ([`alerts::get_for_update`]), and an audit append holds an advisory lock from reading
//! the chain's head to the commit ([`audit::append`]): no alert is handed out twice, the
//! second of two deciders meets the first one's result, and the chain never forks.

pub mod alerts;
pub mod audit;
pub mod book;
pub mod calendar;
pub mod db;
pub mod fingerprint;
pub mod memory;
pub mod model;
pub mod payments;
pub mod report;
pub mod schema;
pub mod screening;
pub mod users;
pub mod workflow;

use jiff::Timestamp;
pub use model::{Actor, AlertState, Cause, Decision, Role};
use sanctum_store::{Database, StoreLocation};
use std::path::Path;
pub use workflow::{Action, Policy, Transition};
/// Everything that can go wrong in review. Nothing here panics.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error("{0} not found")]
    NotFound(String),
    /// The actor's role does not allow the action.
    #[error("refused: {0}")]
    Forbidden(String),
    #[error("refused: alert {alert} is {state}; it cannot be given `{action}` now")]
    WrongState {
        alert: i64,
        state: AlertState,
        action: &'static str,
    },
    /// The maker of a proposal tried to check it.
    #[error("refused (four eyes): {0}")]
    FourEyes(String),
    /// Someone else holds the alert, or the actor's claim lapsed.
    #[error("refused: {0}")]
    Conflict(String),
    #[error("refused: {0}")]
    BadReason(String),
    #[error("refused: {0}")]
    CommentRequired(String),
    #[error("{0}")]
    Usage(String),
    #[error("corrupt review data: {0}")]
    Corrupt(String),
    #[error(
        "the store's review tables use schema version {found}, newer than the {supported} this sanctum understands; upgrade sanctum"
    )]
    UnsupportedSchema { found: i64, supported: i64 },
    #[error(transparent)]
    Store(#[from] sanctum_store::StoreError),
    #[error(transparent)]
    Screen(#[from] sanctum_screen::ScreenError),
    /// A customer file that cannot be read at all (its rows' errors are counted instead).
    #[error(transparent)]
    Input(Box<sanctum_screen::input::InputError>),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl ReviewError {
    pub fn from_input(e: sanctum_screen::input::InputError) -> ReviewError {
        ReviewError::Input(Box::new(e))
    }
}

pub type Result<T, E = ReviewError> = std::result::Result<T, E>;

pub use db::Connection;

/// A time as stored: RFC 3339 UTC to the second, so text order is time order.
pub fn timestamp_text(at: Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The review tables of one store, with the policy that governs them.
pub struct Review {
    db: Database,
    pub policy: Policy,
    /// Fixed time for tests; `None`: the system clock.
    clock: Option<Timestamp>,
}

impl Review {
    /// Opens the review tables where the list store is (`--database`, else the data
    /// directory's `sanctum.db`), creating or upgrading them.
    pub fn connect(location: &StoreLocation, policy: Policy) -> Result<Review> {
        policy.validate()?;
        Self::configure(Database::connect(location)?, policy)
    }

    /// Opens the review tables in an SQLite store file (`sanctum.db`), creating them if
    /// needed. Open the list store first (it creates the file, its directory and modes).
    pub fn open(db_path: &Path, policy: Policy) -> Result<Review> {
        policy.validate()?;
        Self::configure(Database::open_file(db_path)?, policy)
    }

    /// Private in-memory review tables, for tests.
    pub fn open_in_memory(policy: Policy) -> Result<Review> {
        policy.validate()?;
        Self::configure(Database::open_in_memory()?, policy)
    }

    fn configure(mut db: Database, policy: Policy) -> Result<Review> {
        schema::migrate(&mut db)?;
        Ok(Review {
            db,
            policy,
            clock: None,
        })
    }

    /// Fixes the clock (tests, reproducible runs); `None` restores the system clock.
    pub fn set_clock(&mut self, at: Option<Timestamp>) {
        self.clock = at;
    }

    pub fn now(&self) -> Timestamp {
        self.clock.unwrap_or_else(Timestamp::now)
    }

    /// Which database holds the tables.
    pub fn dialect(&self) -> db::Dialect {
        self.db.dialect()
    }

    /// A session for reading (each statement on its own).
    pub fn conn(&self) -> Result<Connection<'_>> {
        Ok(Connection::new(self.db.read()?, self.db.dialect()))
    }

    /// A write transaction. SQLite takes the file's write lock at once (`BEGIN
    /// IMMEDIATE`): two processes deciding the same alert serialise here. PostgreSQL locks
    /// the alert's row when the action reads it (`SELECT … FOR UPDATE`) and the audit
    /// chain's head when the entry is appended ([`audit::append`]), so the second of two
    /// deciders waits for the first and then sees its result.
    pub fn write(&mut self) -> Result<Connection<'_>> {
        let dialect = self.db.dialect();
        Ok(Connection::new(self.db.transaction()?, dialect))
    }

    /// Applies one action through [`workflow::decide`], committed with its audit entry.
    pub fn decide(&mut self, actor: &Actor, alert: i64, action: &Action) -> Result<Transition> {
        let now = self.now();
        let policy = self.policy.clone();
        let tx = self.write()?;
        let transition = workflow::decide(&tx, &policy, actor, alert, action, now)?;
        tx.commit()?;
        Ok(transition)
    }

    /// Claims the next alert waiting; `None` when none waits.
    pub fn claim_next(&mut self, actor: &Actor) -> Result<Option<Transition>> {
        let now = self.now();
        let policy = self.policy.clone();
        let tx = self.write()?;
        let transition = workflow::claim_next(&tx, &policy, actor, now)?;
        tx.commit()?;
        Ok(transition)
    }

    /// One step of revoking a memory entry (four eyes).
    pub fn revoke_memory(
        &mut self,
        actor: &Actor,
        id: i64,
        comment: &str,
    ) -> Result<memory::Revocation> {
        let now = self.now();
        let tx = self.write()?;
        let outcome = memory::revoke(&tx, actor, id, comment, now)?;
        tx.commit()?;
        Ok(outcome)
    }

    pub fn alert(&self, id: i64) -> Result<alerts::AlertRecord> {
        alerts::get(&self.conn()?, id)
    }

    pub fn alerts(&self, filter: &alerts::AlertFilter) -> Result<Vec<alerts::AlertRecord>> {
        alerts::list(&self.conn()?, filter)
    }

    /// Records a held payment message as a case (see [`payments`]), in one transaction
    /// with its audit entry.
    pub fn record_held_payment(
        &mut self,
        held: &payments::HeldMessage,
    ) -> Result<payments::Recorded> {
        let at = timestamp_text(self.now());
        let tx = self.write()?;
        let recorded = payments::record(&tx, held, &at)?;
        tx.commit()?;
        Ok(recorded)
    }

    /// The actor a user name stands for (refused when unknown or disabled).
    pub fn actor(&self, name: &str) -> Result<Actor> {
        users::actor(&self.conn()?, name)
    }

    pub fn verify_audit(&self, expected_head: Option<&str>) -> Result<audit::Verification> {
        audit::verify(&self.conn()?, expected_head)
    }

    /// [`audit::verify_after`]: an earlier verification carried over the entries since.
    pub fn verify_audit_after(
        &self,
        verified: &audit::Verification,
    ) -> Result<audit::Verification> {
        audit::verify_after(&self.conn()?, verified)
    }
}
