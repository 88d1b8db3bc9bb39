//! The review's vocabulary: alert states, decisions, roles, causes of an alert, actors.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Defines a snake_case string enum with `as_str`, `FromStr` (listing the accepted values
/// in its error), `Display` and `ALL`.
macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &[$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(text: &str) -> Result<Self, String> {
                match text.trim() {
                    $($text => Ok($name::$variant),)+
                    other => Err(format!(
                        concat!("unknown ", $what, " {:?} (one of: {})"),
                        other,
                        [$($text),+].join(", ")
                    )),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

named_enum!(
    /// Where an alert stands. `open → in_review (claimed) → proposed → closed` (approved) or
    /// `→ returned → in_review …`; `closed → reopened` when screening raises it again.
    AlertState, "alert state" {
        Open => "open",
        /// Claimed by one analyst, under a lease.
        InReview => "in_review",
        /// A decision proposed, waiting for a reviewer (four eyes).
        Proposed => "proposed",
        /// The reviewer sent the proposal back with a comment.
        Returned => "returned",
        /// Approved (or closed by single review where the policy allows it).
        Closed => "closed",
        /// Closed, then raised again by screening (a change, an expired memory).
        Reopened => "reopened",
    }
);

impl AlertState {
    /// States an analyst may claim an alert in.
    pub fn claimable(self) -> bool {
        matches!(
            self,
            AlertState::Open | AlertState::Reopened | AlertState::Returned
        )
    }
}

named_enum!(
    /// What the analyst proposes. A customer's alert is a false positive or a true match; a
    /// held payment's ([`crate::payments`]) is released, blocked or rejected; either may be
    /// escalated.
    Decision, "decision" {
        FalsePositive => "false_positive",
        TrueMatch => "true_match",
        /// Hand the alert to a reviewer to investigate further.
        Escalate => "escalate",
        /// A held payment goes on: the hit was no listed party.
        Release => "release",
        /// A held payment's funds are blocked (frozen in a blocked account): OFAC's report
        /// of blocked property is due in 10 business days.
        Block => "block",
        /// A held payment is refused and returned unexecuted: OFAC's report on a rejected
        /// transaction is due in 10 business days.
        Reject => "reject",
    }
);

impl Decision {
    /// Whether the decision is one a held payment takes (release, block, reject).
    pub fn is_payment(self) -> bool {
        matches!(self, Decision::Release | Decision::Block | Decision::Reject)
    }

    /// Whether the decision is one a customer's alert takes (false positive, true match).
    pub fn is_customer(self) -> bool {
        matches!(self, Decision::FalsePositive | Decision::TrueMatch)
    }
}

named_enum!(
    /// What a user may do. Analysts claim and propose; reviewers also approve and return;
    /// admins manage users and keys; auditors read.
    Role, "role" {
        Analyst => "analyst",
        Reviewer => "reviewer",
        Admin => "admin",
        Auditor => "auditor",
    }
);

named_enum!(
    /// Why screening raised an alert (again).
    Cause, "cause" {
        /// A hit not seen before.
        NewHit => "new_hit",
        /// A cleared pair whose listed party changed (new alias, birth date, program, id).
        ListedChanged => "listed_changed",
        /// A cleared pair whose customer changed.
        CustomerChanged => "customer_changed",
        /// A cleared pair whose memory expired.
        MemoryExpired => "memory_expired",
        /// A cleared pair whose memory two reviewers revoked.
        MemoryRevoked => "memory_revoked",
    }
);

/// Who acts: a user with a role, or screening itself (which only creates and reopens).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub name: String,
    /// `None` for the system.
    pub role: Option<Role>,
}

/// The system's name in the audit trail.
pub const SYSTEM_ACTOR: &str = "sanctum";

impl Actor {
    pub fn user(name: impl Into<String>, role: Role) -> Actor {
        Actor {
            name: name.into(),
            role: Some(role),
        }
    }

    pub fn system() -> Actor {
        Actor {
            name: SYSTEM_ACTOR.to_string(),
            role: None,
        }
    }

    pub fn is_system(&self) -> bool {
        self.role.is_none()
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.role {
            Some(role) => write!(f, "{} ({role})", self.name),
            None => f.write_str(&self.name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_ones_list_the_choices() {
        for state in AlertState::ALL {
            assert_eq!(state.as_str().parse::<AlertState>(), Ok(*state));
        }
        assert_eq!("true_match".parse::<Decision>(), Ok(Decision::TrueMatch));
        let err = "boss".parse::<Role>().unwrap_err();
        assert!(err.contains("analyst, reviewer, admin, auditor"), "{err}");
        assert_eq!(
            serde_json::to_string(&Cause::MemoryExpired).unwrap(),
            "\"memory_expired\""
        );
    }
}
