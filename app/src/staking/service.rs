//! Validators and the account's staking positions, every value read by a verified call at
//! the light client's tip; delegate, undelegate and withdraw.

use std::rc::Rc;

use alloy_primitives::{Address, Bytes, U256};
use k256::ecdsa::SigningKey;

use super::contract;
use crate::chain::client::{ChainClient, ChainError, Inclusion};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StakingError {
    #[error("this network has no staking contract here; the local devnet deploys a stand-in with 0G's interface")]
    NoContract,
    #[error("{0}")]
    Chain(String),
    #[error("the validator would refuse this: {0}. Nothing was sent")]
    Refused(String),
    #[error("not proven by the light client: {0}")]
    NotProven(String),
}

impl From<ChainError> for StakingError {
    fn from(e: ChainError) -> Self {
        match e {
            ChainError::WouldRevert(data) => StakingError::Refused(
                contract::explain_revert(&data).unwrap_or_else(|| format!("revert data 0x{}", hex::encode(&data))),
            ),
            ChainError::NotProven(why) => StakingError::NotProven(why),
            other => StakingError::Chain(other.to_string()),
        }
    }
}

/// One validator and the account's position with it, proven at `block`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidatorView {
    pub address: Address,
    pub moniker: String,
    pub commission_ppm: u32,
    /// All 0G staked with it.
    pub stake: U256,
    pub withdrawal_fee: U256,
    pub my_shares: U256,
    /// What the account's shares are worth now.
    pub my_tokens: U256,
    /// (completion block, amount) of the account's undelegations waiting to be paid.
    pub pending: Vec<(u64, U256)>,
    pub block: u64,
}

pub struct StakingService {
    chain: Rc<ChainClient>,
    registry: Address,
}

impl StakingService {
    pub fn new(chain: Rc<ChainClient>) -> Result<Self, StakingError> {
        let registry = chain.network().contracts.staking.ok_or(StakingError::NoContract)?;
        Ok(Self { chain, registry })
    }

    async fn read<T>(
        &self,
        to: Address,
        data: Bytes,
        decode: fn(&[u8]) -> Option<T>,
        what: &str,
    ) -> Result<(T, u64), StakingError> {
        let (out, block) = self.chain.read(to, data).await?;
        Ok((decode(&out).ok_or_else(|| StakingError::NotProven(format!("{what} did not decode")))?, block))
    }

    pub async fn validators(&self, me: Address) -> Result<Vec<ValidatorView>, StakingError> {
        self.chain.sync().await?;
        let (addresses, _) =
            self.read(self.registry, contract::validators_call(), contract::decode_validators, "getValidators").await?;
        let mut views = Vec::new();
        for address in addresses {
            let (moniker, block) =
                self.read(address, contract::description_call(), contract::decode_moniker, "description").await?;
            let (commission_ppm, _) =
                self.read(address, contract::commission_call(), contract::decode_commission, "commissionRate").await?;
            let (stake, _) =
                self.read(address, contract::tokens_call(), crate::governance::contract::decode_u256, "tokens").await?;
            let (withdrawal_fee, _) =
                self.read(address, contract::fee_call(), contract::decode_fee, "withdrawalFeeInGwei").await?;
            let (my_shares, _) =
                self.read(address, contract::delegation_call(me), contract::decode_delegation, "getDelegation").await?;
            let (my_tokens, _) = self
                .read(
                    address,
                    contract::to_tokens_call(my_shares),
                    crate::governance::contract::decode_u256,
                    "convertToTokens",
                )
                .await?;
            let (pending, _) =
                self.read(address, contract::pending_call(me), contract::decode_pending, "pendingWithdrawals").await?;
            views.push(ValidatorView {
                address,
                moniker,
                commission_ppm,
                stake,
                withdrawal_fee,
                my_shares,
                my_tokens,
                pending,
                block,
            });
        }
        Ok(views)
    }

    pub async fn delegate(
        &self,
        key: &SigningKey,
        validator: Address,
        amount: U256,
    ) -> Result<Inclusion, StakingError> {
        let me = crate::wallet::signer::address_of(key);
        Ok(self.chain.transact(key, validator, amount, contract::delegate_call(me)).await?)
    }

    /// Undelegates `shares`, paying the validator's withdrawal fee; the 0G comes back after
    /// the withdrawal delay.
    pub async fn undelegate(
        &self,
        key: &SigningKey,
        v: &ValidatorView,
        shares: U256,
    ) -> Result<Inclusion, StakingError> {
        let me = crate::wallet::signer::address_of(key);
        Ok(self.chain.transact(key, v.address, v.withdrawal_fee, contract::undelegate_call(me, shares)).await?)
    }

    /// Pays every matured withdrawal in the validator's queue.
    pub async fn withdraw(&self, key: &SigningKey, validator: Address) -> Result<Inclusion, StakingError> {
        Ok(self.chain.transact(key, validator, U256::ZERO, contract::process_queue_call()).await?)
    }
}
