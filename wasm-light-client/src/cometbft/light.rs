//! CometBFT's light-client rules (`light/verifier.go`): a block is accepted when validators
//! holding more than 2/3 of its own set's power signed it, and, if it is not the next
//! block after the trusted one, validators of the *trusted* set holding more than 1/3 of
//! that set's power signed it too. Between them sits bisection: a block too far ahead to be
//! trusted directly is reached through one in the middle.

use super::block::{BlockIdFlag, Header, LightBlock, PublicKey, ValidatorSet};
use super::bls::SignatureScheme;
use super::merkle::Hash;

/// A block this client has accepted: where the next verification starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trusted {
    pub header: Header,
    pub hash: Hash,
    pub next_validators: ValidatorSet,
}

impl Trusted {
    pub fn height(&self) -> i64 {
        self.header.height
    }
}

/// How long a trusted block may be used, and how far ahead of this device's clock a
/// header's time may be.
#[derive(Debug, Clone, Copy)]
pub struct TrustOptions {
    pub trusting_period_s: i64,
    pub max_clock_drift_s: i64,
}

impl Default for TrustOptions {
    /// CometBFT's light client defaults: a week of trust, ten seconds of drift.
    fn default() -> Self {
        TrustOptions { trusting_period_s: 7 * 24 * 3600, max_clock_drift_s: 10 }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CometError {
    #[error("the consensus endpoint serves chain \"{got}\", not \"{expected}\"; check its URL")]
    WrongChain { expected: String, got: String },
    #[error("block {got} is not newer than the trusted block {trusted}")]
    NotNewer { trusted: i64, got: i64 },
    #[error("block {height}'s time is not after the trusted block's")]
    TimeNotIncreasing { height: i64 },
    #[error("block {height} is dated {ahead_s} s ahead of this device's clock; check the clock")]
    FromTheFuture { height: i64, ahead_s: i64 },
    #[error("the trusted block {height} is {age_days} days old, past the {period_days}-day trusting period; pin a recent block in Settings")]
    TrustExpired { height: i64, age_days: i64, period_days: i64 },
    #[error("the validator set served for block {height} does not hash to the one its header names: the consensus endpoint serves a forged or inconsistent set; use another")]
    ValidatorsMismatch { height: i64 },
    #[error("block {height} names a validator set other than the one the trusted block {trusted} announced: a forged block, or an endpoint on another chain")]
    UnannouncedValidators { height: i64, trusted: i64 },
    #[error("the commit served for block {height} is for another block")]
    CommitForAnotherBlock { height: i64 },
    #[error("the commit for block {height} has {got} signatures for {validators} validators")]
    CommitSize { height: i64, got: usize, validators: usize },
    #[error("validator {address} signed block {height} twice")]
    DoubleSigned { address: String, height: i64 },
    #[error("validator {address}'s signature on block {height} is wrong: {reason}")]
    BadSignature { address: String, height: i64, reason: String },
    #[error("validator {address} uses a {kind} key; this light client checks BLS12-381 keys only")]
    UnsupportedKey { address: String, kind: &'static str },
    #[error(
        "block {height} was signed by validators holding {signed} of {total} voting power; more than 2/3 must sign"
    )]
    NotEnoughPower { height: i64, signed: i64, total: i64 },
    /// Not final on its own: bisection looks for a block in between.
    #[error("validators this client trusts hold only {signed} of {total} voting power in block {height}'s commit; more than 1/3 must")]
    NotEnoughTrust { height: i64, signed: i64, total: i64 },
    #[error("the consensus endpoint's block {height} is not the pinned one; check the pin in Settings, or the endpoint serves another chain")]
    PinMismatch { height: i64 },
    #[error("this device has no clock to check how old the trusted block is")]
    NoClock,
    #[error("the EVM node does not have block {hash}, which consensus block {height} finalised; it is behind or on another chain")]
    EvmBlockMissing { height: i64, hash: alloy_primitives::B256 },
    #[error("the finalised consensus block does not carry the EVM block it claims: {0}")]
    Binding(String),
    /// Not final on its own: bisection looks for a block in between.
    #[error("block {height}'s aggregate signature includes validator {address}, whose key no validator set this client trusts holds")]
    UnverifiedAggregateKey { height: i64, address: String },
    #[error("the consensus endpoint's answer is malformed: {0}")]
    Malformed(String),
    #[error("the consensus endpoint cannot be reached: {0}")]
    Transport(String),
}

/// Checks `untrusted` against `trusted` at `now_s` (Unix seconds) and returns it as the
/// new trusted block.
pub fn verify(
    chain_id: &str,
    trusted: &Trusted,
    untrusted: &LightBlock,
    now_s: i64,
    options: TrustOptions,
    scheme: &dyn SignatureScheme,
) -> Result<Trusted, CometError> {
    let header = &untrusted.header;
    let height = header.height;
    if header.chain_id != chain_id {
        return Err(CometError::WrongChain { expected: chain_id.into(), got: header.chain_id.clone() });
    }
    let age = now_s - trusted.header.time.seconds;
    if age >= options.trusting_period_s {
        return Err(CometError::TrustExpired {
            height: trusted.height(),
            age_days: age / 86_400,
            period_days: options.trusting_period_s / 86_400,
        });
    }
    if height <= trusted.height() {
        return Err(CometError::NotNewer { trusted: trusted.height(), got: height });
    }
    if header.time <= trusted.header.time {
        return Err(CometError::TimeNotIncreasing { height });
    }
    if header.time.seconds > now_s + options.max_clock_drift_s {
        return Err(CometError::FromTheFuture { height, ahead_s: header.time.seconds - now_s });
    }
    if untrusted.validators.hash().as_slice() != header.validators_hash {
        return Err(CometError::ValidatorsMismatch { height });
    }
    if untrusted.next_validators.hash().as_slice() != header.next_validators_hash {
        return Err(CometError::ValidatorsMismatch { height: height + 1 });
    }
    let adjacent = height == trusted.height() + 1;
    if adjacent && header.validators_hash != trusted.header.next_validators_hash {
        return Err(CometError::UnannouncedValidators { height, trusted: trusted.height() });
    }
    let hash = header.hash();
    let (signed, vouched) = tally(chain_id, untrusted, &hash, (!adjacent).then_some(&trusted.next_validators), scheme)?;
    if !adjacent {
        let total = trusted.next_validators.total_power();
        // More than 1/3: at least one honest validator, if fewer than 1/3 are faulty.
        if 3 * i128::from(vouched) <= i128::from(total) {
            return Err(CometError::NotEnoughTrust { height, signed: vouched, total });
        }
    }
    let total = untrusted.validators.total_power();
    if 3 * i128::from(signed) <= 2 * i128::from(total) {
        return Err(CometError::NotEnoughPower { height, signed, total });
    }
    Ok(Trusted { header: header.clone(), hash, next_validators: untrusted.next_validators.clone() })
}

/// Verifies the precommits for the block (an aggregate once, individual signatures each
/// once) and sums the power behind them: in the block's own set, and, if given, in the
/// trusted set, where a signer counts only under the key that set holds for it. Against a
/// trusted set, every key in an aggregate must be one that set holds: the basic BLS suite
/// lets a forged set pair honest keys with a key crafted to cancel them, so an aggregate
/// over keys no verified set vouches for proves nothing.
fn tally(
    chain_id: &str,
    block: &LightBlock,
    hash: &Hash,
    trusted: Option<&ValidatorSet>,
    scheme: &dyn SignatureScheme,
) -> Result<(i64, i64), CometError> {
    let (commit, height) = (&block.commit, block.header.height);
    if commit.height != height || commit.block_id.hash != hash {
        return Err(CometError::CommitForAnotherBlock { height });
    }
    let validators = &block.validators.validators;
    if commit.signatures.len() != validators.len() {
        return Err(CometError::CommitSize { height, got: commit.signatures.len(), validators: validators.len() });
    }
    let message = commit.vote_sign_bytes(chain_id);
    let (mut signed, mut vouched) = (0i64, 0i64);
    let mut seen = std::collections::HashSet::new();
    let mut aggregate: Option<&[u8]> = None;
    let mut aggregated_keys: Vec<&[u8]> = Vec::new();
    for (sig, validator) in commit.signatures.iter().zip(validators) {
        if !sig.flag.for_block() {
            continue;
        }
        let address = alloy_primitives::hex::encode_upper(&validator.address);
        let bad = |reason: &str| CometError::BadSignature { address: address.clone(), height, reason: reason.into() };
        if sig.validator_address != validator.address || validator.pub_key.address() != validator.address {
            return Err(bad("signed under another address"));
        }
        if !seen.insert(validator.address.clone()) {
            return Err(CometError::DoubleSigned { address, height });
        }
        let PublicKey::Bls12381(key) = &validator.pub_key else {
            return Err(CometError::UnsupportedKey { address, kind: "Ed25519" });
        };
        let key = key.as_slice();
        let held =
            trusted.and_then(|set| set.by_address(&validator.address)).filter(|v| v.pub_key == validator.pub_key);
        match sig.flag {
            BlockIdFlag::Commit => {
                scheme.verify_aggregate(&[key], &message, &sig.signature).map_err(|e| bad(&e.to_string()))?
            }
            BlockIdFlag::AggCommit if aggregate.is_some() => return Err(bad("a second aggregate in one commit")),
            BlockIdFlag::AggCommitAbsent if aggregate.is_none() => {
                return Err(bad("a vote in an aggregate listed before the aggregate"))
            }
            _ => {
                if trusted.is_some() && held.is_none() {
                    return Err(CometError::UnverifiedAggregateKey { height, address });
                }
                if sig.flag == BlockIdFlag::AggCommit {
                    aggregate = Some(&sig.signature);
                }
                aggregated_keys.push(key);
            }
        }
        signed += validator.voting_power;
        vouched += held.map_or(0, |v| v.voting_power);
    }
    if let Some(aggregate) = aggregate {
        scheme.verify_aggregate(&aggregated_keys, &message, aggregate).map_err(|e| CometError::BadSignature {
            address: format!("aggregate of {}", aggregated_keys.len()),
            height,
            reason: e.to_string(),
        })?;
    }
    Ok((signed, vouched))
}

/// Where light blocks come from: a CometBFT RPC endpoint, or the devnet's stand-in.
#[allow(async_fn_in_trait)] // browser futures are not Send; callers never need them to be.
pub trait LightSource {
    /// The light block at `height`; None: the newest.
    async fn light_block(&self, height: Option<i64>) -> Result<LightBlock, CometError>;
}

/// Moves from `trusted` to the block at `target` (None: the newest), through blocks in
/// between where the trusted validators have too little say in the target's commit
/// (`light/client.go` `verifySkipping`). Returns the target and how many blocks were fetched.
pub async fn verify_to<S: LightSource>(
    source: &S,
    chain_id: &str,
    trusted: &Trusted,
    target: Option<i64>,
    now_s: i64,
    options: TrustOptions,
    scheme: &dyn SignatureScheme,
) -> Result<(Trusted, LightBlock), CometError> {
    let target = source.light_block(target).await?;
    if target.header.height == trusted.height() && target.header.hash() == trusted.hash {
        return Ok((trusted.clone(), target));
    }
    let mut verified = trusted.clone();
    let mut pending = vec![target];
    loop {
        let next = pending.last().expect("the target stays until verified");
        match verify(chain_id, &verified, next, now_s, options, scheme) {
            Ok(accepted) => {
                verified = accepted;
                let block = pending.pop().expect("just verified");
                if pending.is_empty() {
                    return Ok((verified, block));
                }
            }
            Err(CometError::NotEnoughTrust { .. } | CometError::UnverifiedAggregateKey { .. })
                if next.header.height > verified.height() + 1 =>
            {
                let pivot = verified.height() + (next.header.height - verified.height()) / 2;
                pending.push(source.light_block(Some(pivot)).await?);
            }
            Err(e) => return Err(e),
        }
    }
}
