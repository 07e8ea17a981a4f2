//! Claim ids: the name a node holds deliveries under (`node-<ulid>/<epoch>`, stored in
//! `claimed_by`). Two ids are the same claim exactly when their text is equal, so an id read
//! back from the database, or cloned from a job, compares equal to the one the node holds.
//!
//! That makes each id unique per claim taken: a node's name is new at every start (a ULID),
//! and a node's epochs only grow (`dispatch::lease` starts the next one when a claim lapses), so
//! no two claims ever share a text.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// Who holds a delivery: a node in one epoch. Cheap to clone.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ClaimId(Arc<str>);

impl ClaimId {
    /// The claim `node` takes in `epoch`.
    pub fn of(node: &str, epoch: u32) -> Self {
        Self(format!("{node}/{epoch}").into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A claim as stored (`claimed_by`) or named by a test: the same claim as any other id with
/// this text.
impl From<&str> for ClaimId {
    fn from(text: &str) -> Self {
        Self(text.into())
    }
}

impl Deref for ClaimId {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ClaimId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for ClaimId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ClaimId({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Claims are compared by their text, not by where it is kept: a copy made elsewhere (read
    /// back from `claimed_by`) is the same claim.
    #[test]
    fn claims_with_the_same_text_are_the_same_claim() {
        let held = ClaimId::of("node-a", 3);
        let read_back = ClaimId::from("node-a/3");
        assert_eq!(held, read_back);
        assert_eq!(held.as_str(), "node-a/3");
    }

    /// Every epoch of a node, and every node, is a claim of its own.
    #[test]
    fn each_node_and_epoch_is_a_different_claim() {
        assert_ne!(ClaimId::of("node-a", 0), ClaimId::of("node-a", 1));
        assert_ne!(ClaimId::of("node-a", 0), ClaimId::of("node-b", 0));
    }
}
