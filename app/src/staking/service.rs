//! Validators, the account's positions and its undelegations, every value proven by the
//! light client; delegate and undelegate through 0G's documented calls only.
//!
//! How validators are found: 0G's documented interface cannot list them (no enumeration,
//! no documented events), only look one up by its 48-byte consensus key
//! (`getValidator(pubkey)`) and count them (`validatorCount()`). So the app looks up the
//! keys the network's configuration lists (the devnet's `devnet.json`) and those the user
//! added, each proven to be the registry's, and shows the proven count beside them.
//!
//! What is proven about an undelegation: its transaction and receipt (through the block's
//! transactions and receipts roots), and from the signed transaction who sent it, to
//! which validator, for how many shares, to which withdrawal address and with what fee.
//! Not provable here: when 0G's consensus layer pays it out (a balance credit, not a
//! transaction), so the page says so instead of showing it as paid.

use std::rc::Rc;

use alloy_primitives::{Address, Bytes, B256, U256};
use k256::ecdsa::SigningKey;
use wasm_light_client::{CallOutcome, Verified};

use super::contract::{self, PubkeyError};
use super::records::{self, SentUndelegation};
use crate::chain::client::{ChainClient, ChainError, Inclusion};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StakingError {
    #[error("this network has no staking registry configured; set its address in Settings (0G documents one for Galileo only)")]
    NoContract,
    #[error("there is no contract at the staking registry address {0} on this network (proven: it has no code); check the address")]
    NoCode(Address),
    #[error(
        "the contract at {address} does not answer 0G's staking interface ({why}); check the staking registry address"
    )]
    WrongInterface { address: Address, why: String },
    #[error("the staking registry has no validator for the key {0}; check the key")]
    UnknownValidator(String),
    #[error(transparent)]
    Pubkey(#[from] PubkeyError),
    #[error(transparent)]
    Chain(ChainError),
    #[error("the validator would refuse this: {0}. Nothing was sent")]
    Refused(contract::Refusal),
    #[error("not proven by the light client: {0}")]
    NotProven(String),
}

impl From<ChainError> for StakingError {
    fn from(e: ChainError) -> Self {
        match e {
            ChainError::WouldRevert(data) => {
                StakingError::Refused(contract::refusal(&data).unwrap_or(contract::Refusal::Data(data)))
            }
            ChainError::NotProven(why) => StakingError::NotProven(why),
            other => StakingError::Chain(other),
        }
    }
}

/// One validator and the account's position with it, proven at `block`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidatorView {
    pub pubkey: Bytes,
    pub address: Address,
    pub commission_ppm: u32,
    /// All 0G in its pool (`tokens()`).
    pub stake: U256,
    /// All shares issued (`delegatorShares()`).
    pub total_shares: U256,
    pub withdrawal_fee: U256,
    pub my_shares: U256,
    /// `my_shares × stake / total_shares`; None when the pool has no shares.
    pub my_value: Option<U256>,
    pub block: u64,
}

/// An undelegation the app sent, proven on chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingWithdrawal {
    pub hash: B256,
    pub validator: Address,
    pub withdrawal_address: Address,
    pub shares: U256,
    pub fee_paid: U256,
    /// The block it was mined in (proven).
    pub block: u64,
    /// What the shares were worth at `estimated_at`, just before it was sent (verified calls then).
    pub estimate: U256,
    pub estimated_at: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overview {
    /// `validatorCount()` of the registry, proven at `block`.
    pub count: u32,
    pub block: u64,
    pub validators: Vec<ValidatorView>,
    pub pending: Vec<PendingWithdrawal>,
    /// Keys or records that could not be shown, each with the reason.
    pub problems: Vec<String>,
}

pub struct StakingService {
    chain: Rc<ChainClient>,
    registry: Address,
    listed: Vec<Bytes>,
}

fn short_key(pubkey: &[u8]) -> String {
    let h = hex::encode(pubkey);
    format!("0x{}…{}", &h[..8.min(h.len())], &h[h.len().saturating_sub(6)..])
}

impl StakingService {
    pub fn new(chain: Rc<ChainClient>) -> Result<Self, StakingError> {
        let contracts = &chain.network().contracts;
        let registry = contracts.staking.ok_or(StakingError::NoContract)?;
        let listed = contracts.staking_validators.clone();
        Ok(Self { chain, registry, listed })
    }

    fn chain_id(&self) -> u64 {
        self.chain.network().chain_id
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

    /// The registry has code (proven) and answers a documented view; returns its
    /// validator count and the block.
    pub async fn check_registry(&self) -> Result<(u32, u64), StakingError> {
        match self.chain.code(self.registry).await {
            Verified::Proven { value, .. } if value.is_empty() => return Err(StakingError::NoCode(self.registry)),
            Verified::Proven { .. } => {}
            Verified::Unverified { reason, .. } | Verified::Rejected { reason } => {
                return Err(StakingError::NotProven(format!("the staking registry's code: {reason}")))
            }
        }
        let wrong = |why: String| StakingError::WrongInterface { address: self.registry, why };
        let (out, block) = match self.chain.call(self.registry, contract::validator_count_call()).await {
            Verified::Proven { value: CallOutcome::Success(out), block } => (out, block),
            Verified::Proven { value: CallOutcome::Revert(_), .. } => {
                return Err(wrong("validatorCount() reverted".into()))
            }
            Verified::Proven { value: CallOutcome::Halt(why), .. } => {
                return Err(wrong(format!("validatorCount() halted: {why}")))
            }
            Verified::Unverified { reason, .. } | Verified::Rejected { reason } => {
                return Err(StakingError::NotProven(format!("the staking registry's validatorCount(): {reason}")))
            }
        };
        let count = contract::decode_count(&out).ok_or_else(|| wrong("validatorCount() answered no number".into()))?;
        Ok((count, block))
    }

    /// The validator of `pubkey` and the account's position with it; None when the
    /// registry has none for that key.
    pub async fn validator(&self, pubkey: Bytes, me: Address) -> Result<Option<ValidatorView>, StakingError> {
        let (address, block) = self
            .read(self.registry, contract::get_validator_call(pubkey.clone()), contract::decode_address, "getValidator")
            .await?;
        if address == Address::ZERO {
            return Ok(None);
        }
        let (stake, _) = self.read(address, contract::tokens_call(), contract::decode_u256, "tokens").await?;
        let (total_shares, _) =
            self.read(address, contract::delegator_shares_call(), contract::decode_u256, "delegatorShares").await?;
        let (commission_ppm, _) =
            self.read(address, contract::commission_call(), contract::decode_commission, "commissionRate").await?;
        let (withdrawal_fee, _) =
            self.read(address, contract::fee_call(), contract::decode_fee, "withdrawalFeeInGwei").await?;
        let (my_shares, _) =
            self.read(address, contract::delegation_call(me), contract::decode_delegation, "getDelegation").await?;
        let my_value = contract::share_value(my_shares, stake, total_shares);
        Ok(Some(ValidatorView {
            pubkey,
            address,
            commission_ppm,
            stake,
            total_shares,
            withdrawal_fee,
            my_shares,
            my_value,
            block,
        }))
    }

    /// Everything the Staking page shows for `me`.
    pub async fn overview(&self, me: Address) -> Result<Overview, StakingError> {
        self.chain.sync().await?;
        let (count, block) = self.check_registry().await?;
        let mut keys = self.listed.clone();
        for key in records::added_validators(self.chain_id()) {
            records::add_unique(&mut keys, key);
        }
        let mut validators = Vec::new();
        let mut problems = Vec::new();
        for key in keys {
            match self.validator(key.clone(), me).await? {
                Some(v) => validators.push(v),
                None => problems.push(StakingError::UnknownValidator(short_key(&key)).to_string()),
            }
        }
        let pending = self.pending(me, &mut problems).await?;
        Ok(Overview { count, block, validators, pending, problems })
    }

    /// The undelegations this app sent for `me`, each proven; the ones that reverted are
    /// forgotten (they changed nothing).
    async fn pending(&self, me: Address, problems: &mut Vec<String>) -> Result<Vec<PendingWithdrawal>, StakingError> {
        let mut found = Vec::new();
        for sent in records::sent_undelegations(self.chain_id(), me) {
            let receipt = match self.chain.proven_transaction(sent.hash).await? {
                None => continue, // not mined yet; it shows once it is
                Some(Verified::Proven { value, .. }) => value,
                Some(Verified::Unverified { reason, .. } | Verified::Rejected { reason }) => {
                    problems.push(format!("undelegation {}: not proven ({reason})", sent.hash));
                    continue;
                }
            };
            let Some(u) = contract::decode_undelegation(&receipt.transaction).filter(|u| u.from == me) else {
                problems.push(format!("transaction {} is not an undelegation sent by this account", sent.hash));
                continue;
            };
            if !receipt.success {
                records::forget_undelegation(self.chain_id(), me, sent.hash);
                continue;
            }
            found.push(PendingWithdrawal {
                hash: sent.hash,
                validator: u.validator,
                withdrawal_address: u.withdrawal_address,
                shares: u.shares,
                fee_paid: u.fee_paid,
                block: receipt.block,
                estimate: sent.estimate,
                estimated_at: sent.estimated_at,
            });
        }
        Ok(found)
    }

    /// Looks `text` up as a consensus key; remembers it when the registry has a validator for it.
    pub async fn add_validator(&self, text: &str) -> Result<(), StakingError> {
        let pubkey = contract::parse_pubkey(text)?;
        // At the newest verified block: a validator created moments ago must be found.
        self.chain.sync().await?;
        let (address, _) = self
            .read(self.registry, contract::get_validator_call(pubkey.clone()), contract::decode_address, "getValidator")
            .await?;
        if address == Address::ZERO {
            return Err(StakingError::UnknownValidator(short_key(&pubkey)));
        }
        records::add_validator(self.chain_id(), pubkey);
        Ok(())
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

    /// Undelegates `shares` to the account's own address, paying the validator's
    /// withdrawal fee as the call's value. The hash is remembered before waiting, so a
    /// page closed meanwhile still finds it; 0G's consensus layer pays the 0G later.
    pub async fn undelegate(
        &self,
        key: &SigningKey,
        v: &ValidatorView,
        shares: U256,
    ) -> Result<Inclusion, StakingError> {
        let me = crate::wallet::signer::address_of(key);
        let hash =
            self.chain.send_call(key, v.address, v.withdrawal_fee, contract::undelegate_call(me, shares)).await?;
        let estimate = contract::share_value(shares, v.stake, v.total_shares).unwrap_or_default();
        records::add_undelegation(self.chain_id(), me, SentUndelegation { hash, estimate, estimated_at: v.block });
        Ok(self.chain.proven_success(hash).await?)
    }

    pub fn forget(&self, me: Address, hash: B256) {
        records::forget_undelegation(self.chain_id(), me, hash);
    }
}
