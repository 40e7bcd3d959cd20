//! [`CometBftVerifier`]: the consensus seam ([`ConsensusVerifier`]) filled with 0G's own
//! validators' signatures instead of endpoints' agreement. Each head the provider moves to
//! is one the validators finalised, reached from a block the user pinned.

use std::cell::RefCell;

use alloy_primitives::B256;

use super::binding;
use super::bls::SignatureScheme;
use super::light::{self, CometError, LightSource, TrustOptions, Trusted};
use super::merkle::Hash;
use super::rpc::CometRpc;
use crate::clock::Clock;
use crate::consensus::ConsensusVerifier;
use crate::header::VerifiedHeader;
use crate::node::EthNode;
use crate::provider::{JsonRpcTransport, SyncError, TrustBasis};

/// The consensus block a user (or the network's configuration) trusts to start from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pin {
    pub height: i64,
    pub hash: Hash,
}

pub struct CometBftVerifier<T> {
    rpc: CometRpc<T>,
    chain_id: String,
    pin: Pin,
    options: TrustOptions,
    clock: Clock,
    scheme: Box<dyn SignatureScheme>,
    trusted: RefCell<Option<Trusted>>,
}

impl<T: JsonRpcTransport> CometBftVerifier<T> {
    /// Verifies the consensus chain `chain_id` served at `transport` from `pin`, reading the
    /// time from `clock` (a trusted block expires after the trusting period), checking
    /// signatures with `scheme` ([`super::bls::Bls12381`] unless the pairing code lives elsewhere).
    pub fn new(
        transport: T,
        chain_id: impl Into<String>,
        pin: Pin,
        clock: Clock,
        scheme: Box<dyn SignatureScheme>,
    ) -> Self {
        CometBftVerifier {
            rpc: CometRpc::new(transport),
            chain_id: chain_id.into(),
            pin,
            options: TrustOptions::default(),
            clock,
            scheme,
            trusted: RefCell::new(None),
        }
    }

    pub fn with_options(mut self, options: TrustOptions) -> Self {
        self.options = options;
        self
    }

    /// The newest consensus block verified so far.
    pub fn trusted(&self) -> Option<Trusted> {
        self.trusted.borrow().clone()
    }

    /// The pinned block, checked against its hash (and its validator sets against it).
    async fn start(&self) -> Result<Trusted, CometError> {
        if let Some(trusted) = self.trusted() {
            return Ok(trusted);
        }
        let block = self.rpc.light_block(Some(self.pin.height)).await?;
        let hash = block.header.hash();
        if hash != self.pin.hash {
            return Err(CometError::PinMismatch { height: self.pin.height });
        }
        if block.next_validators.hash().as_slice() != block.header.next_validators_hash {
            return Err(CometError::ValidatorsMismatch { height: self.pin.height + 1 });
        }
        Ok(Trusted { header: block.header, hash, next_validators: block.next_validators })
    }

    /// The newest finalised consensus block and the EVM header it carries.
    pub async fn finalized<N: EthNode>(&self, node: &N) -> Result<(Trusted, VerifiedHeader), CometError> {
        let now = (self.clock)().ok_or(CometError::NoClock)? as i64;
        let start = self.start().await?;
        let (trusted, block) =
            light::verify_to(&self.rpc, &self.chain_id, &start, None, now, self.options, &*self.scheme).await?;
        let txs = self.rpc.txs(block.header.height).await?;
        let payload = binding::execution_payload(&txs, &block.header.data_hash)?;
        let evm = node
            .header_by_hash(payload.block_hash)
            .await
            .map_err(|e| CometError::Transport(e.to_string()))?
            .ok_or(CometError::EvmBlockMissing { height: block.header.height, hash: payload.block_hash })?;
        binding::check_header(&payload, &evm.header, evm.hash)?;
        *self.trusted.borrow_mut() = Some(trusted.clone());
        Ok((trusted, VerifiedHeader { hash: evm.hash, header: evm.header }))
    }
}

impl<T: JsonRpcTransport> ConsensusVerifier for CometBftVerifier<T> {
    /// Heads come only from [`Self::finalized`], and headers between two of them are
    /// hash-linked to the newer one.
    fn accept_head(&self, _head: &VerifiedHeader) -> Result<(), String> {
        Ok(())
    }

    fn proves_heads(&self) -> bool {
        true
    }

    async fn finalized_head<N: EthNode>(
        &self,
        nodes: &[&N],
        _quorum: usize,
    ) -> Result<(VerifiedHeader, TrustBasis), SyncError> {
        let node = nodes.first().expect("the provider passes its own node first");
        let (trusted, head) = self.finalized(*node).await.map_err(|e| SyncError::Consensus(e.to_string()))?;
        let basis =
            TrustBasis::Consensus { block: head.number(), hash: B256::from(head.hash), height: trusted.height() };
        Ok((head, basis))
    }

    fn describe(&self) -> &'static str {
        "CometBFT light client (experimental)"
    }
}
