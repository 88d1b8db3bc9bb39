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
//! - [`stored`]: the alignment kept in the store with the list versions it follows
//!   ([`stored::TargetSummary`] per target): computed after an update (a few seconds for
//!   every list) or when a reader finds it behind the current versions, then read back at
//!   once by `sanctum align`, `sanctum show`, the `/align` page and alert review.

pub mod link;
pub mod stored;
pub mod timeline;

pub use link::{Alignment, Link, LinkOptions, Record, Target, align};
pub use stored::{Aligned, TargetSummary};
pub use timeline::{Jurisdiction, TargetRow, target_row};
