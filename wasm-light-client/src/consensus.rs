//! The seam where consensus verification plugs into header sync.
//!
//! 0G's chain runs a CometBFT / beacon-kit consensus layer that drives a standard
//! execution client, so execution headers are plain Ethereum headers and can be linked
//! by hash from a checkpoint. Proving that a *new* head is the one consensus finalised
//! needs the consensus layer's commits; until that is built the only implementation is
//! [`CheckpointOnly`], which accepts any head that links back to the checkpoint.
//! See ARCHITECTURE.md ("Consensus") for what a full verifier would take.

use crate::header::VerifiedHeader;

/// Decides whether a head that already links to the trusted checkpoint is canonical.
pub trait ConsensusVerifier {
    /// `Ok(())` accepts the head; `Err` carries a reason the UI can show.
    fn accept_head(&self, head: &VerifiedHeader) -> Result<(), String>;

    /// A short label for the UI ("checkpoint only").
    fn describe(&self) -> &'static str;
}

/// Trusts hash links from the checkpoint and nothing more.
#[derive(Debug, Default, Clone, Copy)]
pub struct CheckpointOnly;

impl ConsensusVerifier for CheckpointOnly {
    fn accept_head(&self, _head: &VerifiedHeader) -> Result<(), String> {
        Ok(())
    }

    fn describe(&self) -> &'static str {
        "checkpoint only"
    }
}
