//! One target across lists.
//!
//! The same party is listed by several publishers (OFAC, BIS, OFSI, the UN, Canada, …),
//! each with its own record, id, spelling and facts. This crate links those records:
//!
//! - [`link::align`]: candidate pairs by shared identifiers and name tokens, a decision per
//!   pair (identifier, or matcher score with agreeing birth date and nationality), with its
//!   confidence and evidence ([`link::Link`]); targets are the connected components.
//! - [`timeline::target_row`]: for one target, which jurisdictions designated it and when,
//!   the lag of each behind the first, the gaps and the delistings.
//!
//! Links are computed on demand from the records loaded from the store (a few seconds
//! for every list), never stored, so they always follow the current versions.

pub mod link;
pub mod timeline;

pub use link::{Alignment, Link, LinkOptions, Record, Target, align};
pub use timeline::{Jurisdiction, TargetRow, target_row};
