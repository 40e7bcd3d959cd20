//! The seam where consensus verification plugs into header sync.
//!
//! 0G's chain runs a CometBFT / beacon-kit consensus layer that drives a standard
//! execution client, so execution headers are plain Ethereum headers and can be linked
//! by hash from a checkpoint. Proving that a *new* head is the one consensus finalised
//! needs the consensus layer's commits; until that is built the only implementation is
//! [`CheckpointOnly`], which accepts any head that links back to the checkpoint.
//! See ARCHITECTURE.md ("Consensus") for what a full verifier would take.

use crate::header::VerifiedHeader;
use crate::node::EthNode;
use crate::provider::{SyncError, TrustBasis};

/// Decides whether a head that already links to the trusted checkpoint is canonical, and
/// is the source of heads to start from (without a checkpoint) or jump to (far behind).
#[allow(async_fn_in_trait)] // browser futures are not Send; callers never need them to be.
pub trait ConsensusVerifier {
    /// `Ok(())` accepts the head; `Err` carries a reason the UI can show.
    fn accept_head(&self, head: &VerifiedHeader) -> Result<(), String>;

    /// A finalized head, found through `nodes` (the provider's own endpoint first, then its
    /// witnesses), and what it rests on. By default: the newest head `quorum` of them serve
    /// alike ([`crate::agreement`]). A verifier of 0G's consensus would prove a head here
    /// from the validators' signatures instead.
    async fn finalized_head<T: EthNode>(
        &self,
        nodes: &[&T],
        quorum: usize,
    ) -> Result<(VerifiedHeader, TrustBasis), SyncError> {
        crate::agreement::agreed_head(nodes, quorum).await
    }

    /// Whether [`Self::finalized_head`] proves heads by itself (a consensus light client),
    /// so that the provider takes every new head from it and needs no witnesses.
    fn proves_heads(&self) -> bool {
        false
    }

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
