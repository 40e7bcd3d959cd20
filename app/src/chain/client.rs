//! The chain service the UI calls: one connected network, its verified provider, and
//! the few unproven calls a wallet needs (send, receipts, faucet).
//!
//! Every account value goes through the light client. Where a network has no
//! checkpoint, values come back as [`Verified::Unverified`] with that reason; a failed
//! proof comes back as [`Verified::Rejected`] and its value is never returned.

use alloy_primitives::{Address, B256, U256};
use serde_json::{json, Value};
use wasm_light_client::{
    AccountState, ChainRules, CheckpointOnly, JsonRpcTransport, SyncError, TransportError, Verified, VerifiedHeader,
    VerifiedProvider,
};

use super::checkpoint_store::{self, StoredHead};
use super::networks::{check_chain_id, Checkpoint, Network, NetworkError};
use super::rpc::FetchTransport;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    #[error(transparent)]
    Transport(#[from] TransportError),
    #[error(transparent)]
    Network(#[from] NetworkError),
    #[error(transparent)]
    Sync(#[from] SyncError),
    #[error("the node answered {0} with something unexpected")]
    BadAnswer(&'static str),
    #[error("the node reported transaction hash {reported}, but the signed transaction's hash is {expected}; do not trust this endpoint")]
    WrongTxHash { expected: B256, reported: B256 },
    #[error(
        "the transaction was not included within {0} s; it may still be pending. Check again later before resending"
    )]
    NotIncluded(u32),
    #[error("this network has no faucet")]
    NoFaucet,
    #[error("the faucet refused: {0}")]
    Faucet(String),
}

pub struct ChainClient {
    network: Network,
    provider: VerifiedProvider<FetchTransport, CheckpointOnly>,
    /// The last head written to the checkpoint store.
    saved_head: std::cell::Cell<u64>,
}

/// Persist the verified head at most this often (in blocks): it only saves re-verification.
const SAVE_EVERY: u64 = 64;

/// Where a transaction stands after broadcast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inclusion {
    pub block: u64,
    pub success: bool,
}

impl ChainClient {
    /// Connects and checks the endpoint's chain id against the network's.
    pub async fn connect(network: Network) -> Result<Self, ChainError> {
        let transport = FetchTransport::new(network.rpc_url.clone());
        let id = transport.request("eth_chainId", json!([])).await?;
        let id = id.as_str().and_then(|s| u64::from_str_radix(s.trim_start_matches("0x"), 16).ok());
        check_chain_id(&network, id.ok_or(ChainError::BadAnswer("eth_chainId"))?)?;
        // Without a checkpoint the provider can never sync; it stays, unused, so the
        // transport has one owner.
        let start = match network.checkpoint {
            Some(configured) => checkpoint_store::start_from(configured, checkpoint_store::load(&network.id).await),
            None => Checkpoint { number: 0, hash: B256::ZERO },
        };
        let rules = if network.id == "devnet" { ChainRules::devnet() } else { ChainRules::zero_g() };
        Ok(Self {
            provider: VerifiedProvider::new(transport, CheckpointOnly, start.hash).with_rules(rules),
            saved_head: std::cell::Cell::new(start.number),
            network,
        })
    }

    pub fn network(&self) -> &Network {
        &self.network
    }

    fn transport(&self) -> &FetchTransport {
        self.provider.transport()
    }

    pub fn tip(&self) -> Option<VerifiedHeader> {
        self.provider.tip()
    }

    /// Verifies headers from the checkpoint (or the last verified tip) to the head.
    pub async fn sync(&self) -> Result<Option<VerifiedHeader>, ChainError> {
        let Some(configured) = self.network.checkpoint else {
            return Ok(None);
        };
        let tip = self.provider.sync().await?;
        if tip.number() >= self.saved_head.get() + SAVE_EVERY {
            self.saved_head.set(tip.number());
            let head = StoredHead { root: configured.hash, number: tip.number(), hash: tip.hash };
            checkpoint_store::save(&self.network.id, &head).await;
        }
        Ok(Some(tip))
    }

    /// Balance and nonce of `address`: proven at the tip of the last [`Self::sync`], or
    /// labelled. Syncing is the caller's job, once for however many accounts it reads.
    pub async fn account(&self, address: Address) -> Verified<AccountState> {
        if self.network.checkpoint.is_none() {
            return self.unverified_account(address, "no checkpoint is set for this network, so the light client cannot prove values; add one in Settings").await;
        }
        self.provider.account(address).await
    }

    async fn unverified_account(&self, address: Address, reason: &str) -> Verified<AccountState> {
        let answers = self
            .transport()
            .batch(vec![
                ("eth_getBalance", json!([address, "latest"])),
                ("eth_getTransactionCount", json!([address, "latest"])),
            ])
            .await;
        let parsed = answers.ok().and_then(|a| Some((parse_u256(a.first()?)?, parse_u256(a.get(1)?)?)));
        match parsed {
            Some((balance, nonce)) => Verified::Unverified {
                value: AccountState {
                    address,
                    balance,
                    nonce: nonce.saturating_to(),
                    code_hash: B256::ZERO,
                    storage_root: B256::ZERO,
                    storage: vec![],
                },
                reason: reason.to_string(),
            },
            None => Verified::Rejected { reason: format!("{reason}; and the node did not answer the balance query") },
        }
    }

    /// Base fee of the newest verified block (or the node's latest, unverified) and the
    /// node's suggested priority fee (1 gwei if it has none).
    pub async fn fee_inputs(&self) -> Result<(u128, u128), ChainError> {
        let base_fee = match self.sync().await? {
            Some(tip) => tip.header.base_fee_per_gas.map(u128::from),
            None => {
                let block = self.transport().request("eth_getBlockByNumber", json!(["latest", false])).await?;
                block.get("baseFeePerGas").and_then(parse_u256).map(|v| v.saturating_to())
            }
        }
        .unwrap_or(1_000_000_000);
        let priority = self
            .transport()
            .request("eth_maxPriorityFeePerGas", json!([]))
            .await
            .ok()
            .as_ref()
            .and_then(parse_u256)
            .map(|v| v.saturating_to())
            .unwrap_or(crate::wallet::signer::DEFAULT_PRIORITY_FEE);
        Ok((base_fee, priority))
    }

    /// Broadcasts a signed transaction and checks the node reports its real hash.
    pub async fn send_raw(&self, raw: &[u8], expected: B256) -> Result<B256, ChainError> {
        let answer =
            self.transport().request("eth_sendRawTransaction", json!([format!("0x{}", hex::encode(raw))])).await?;
        let reported: B256 =
            serde_json::from_value(answer).map_err(|_| ChainError::BadAnswer("eth_sendRawTransaction"))?;
        if reported != expected {
            return Err(ChainError::WrongTxHash { expected, reported });
        }
        Ok(reported)
    }

    /// Polls until the transaction is in a block, then proves its receipt through the
    /// verified header's transactions and receipts roots. Without a checkpoint the
    /// node's receipt is returned as unverified.
    pub async fn wait_for_inclusion(&self, hash: B256, timeout_s: u32) -> Result<Verified<Inclusion>, ChainError> {
        for _ in 0..timeout_s * 2 {
            if self.network.checkpoint.is_some() {
                if let Some(verdict) = self.provider.receipt(hash).await? {
                    return Ok(verdict.map(|r| Inclusion { block: r.block, success: r.success }));
                }
            } else {
                let receipt = self.transport().request("eth_getTransactionReceipt", json!([hash])).await?;
                if !receipt.is_null() {
                    let block = receipt
                        .get("blockNumber")
                        .and_then(parse_u256)
                        .ok_or(ChainError::BadAnswer("eth_getTransactionReceipt"))?;
                    let success = receipt.get("status").and_then(Value::as_str) == Some("0x1");
                    return Ok(Verified::Unverified {
                        value: Inclusion { block: block.saturating_to(), success },
                        reason: "no checkpoint is set for this network, so the receipt is the node's word".into(),
                    });
                }
            }
            gloo::timers::future::TimeoutFuture::new(500).await;
        }
        Err(ChainError::NotIncluded(timeout_s))
    }

    /// Devnet only: asks the faucet for funds; returns the funding transaction's hash.
    pub async fn request_faucet(&self, address: Address) -> Result<B256, ChainError> {
        let url = self.network.faucet_url.as_deref().ok_or(ChainError::NoFaucet)?;
        let response = gloo::net::http::Request::post(url)
            .json(&json!({"address": address}))
            .map_err(|e| ChainError::Faucet(e.to_string()))?
            .send()
            .await
            .map_err(|e| ChainError::Faucet(format!("the faucet is unreachable ({e}); is the devnet running?")))?;
        let body: Value = response.json().await.map_err(|e| ChainError::Faucet(e.to_string()))?;
        if !response.ok() {
            let why = body.get("error").and_then(Value::as_str).unwrap_or("unknown error");
            return Err(ChainError::Faucet(why.to_string()));
        }
        body.get("txHash")
            .and_then(|h| serde_json::from_value(h.clone()).ok())
            .ok_or_else(|| ChainError::Faucet("the faucet's answer has no transaction hash".into()))
    }
}

fn parse_u256(v: &Value) -> Option<U256> {
    let s = v.as_str()?.strip_prefix("0x")?;
    U256::from_str_radix(s, 16).ok()
}
