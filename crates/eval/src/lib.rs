//! Measuring the matcher and the candidate index, apart from both: what is measured is not
//! part of what measures it.
//!
//! - [`deck`]: the matching deck, generated from the listed parties: variants of listed
//!   names by class (spellings, orders, initials, scripts, field cuts…), look-alikes, and
//!   customers in many locales that are on no list.
//! - [`report`]: the matcher run over a deck: recall per variant class, alert rate on
//!   look-alikes and customers, and the regressions against an earlier report (`sanctum
//!   eval`, the gate in CI).
//! - [`recall`]: the candidate index measured against a brute-force scan with the same
//!   matcher (`sanctum screen-tools recall`).
//! - [`customers`]: reproducible customer files for tests and benchmarks; [`grow`]: lists
//!   grown with generated parties, to measure how the cost grows (`sanctum screen-tools`).

pub mod customers;
pub mod deck;
pub mod grow;
pub mod recall;
pub mod report;
