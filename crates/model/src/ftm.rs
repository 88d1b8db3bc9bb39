//! FollowTheMoney JSON lines in and out (being written).
