//! From a finalised CometBFT block to the EVM block it carries, as beacon-kit builds
//! 0G's blocks: the block's first transaction is the SSZ-encoded signed beacon block (the
//! second its blob sidecars), the header's `data_hash` is CometBFT's Merkle root over the
//! transactions' SHA-256 hashes, and the beacon block's body holds the execution payload
//! whose `block_hash` is the EVM header's hash. Every field the payload repeats from the
//! EVM header is compared, so a beacon block cannot pair one header's hash with another's
//! contents. The SSZ layout is beacon-kit's (0G's fork `0glabs/beacon-kit`, branch
//! `dev-v2`, `consensus-types/types/`), read from its source, not from a block 0G served
//! (ARCHITECTURE.md, "Consensus"); a mismatch refuses the head, it never passes one.
//! Electra's extra body field comes after the payload's offsets, so it moves nothing read here.

use alloy_consensus::Header as EvmHeader;
use alloy_primitives::{Address, Bloom, Bytes, B256, U256};

use super::light::CometError;
use super::merkle;

/// The execution payload's fields that the EVM header also holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutionPayload {
    pub parent_hash: B256,
    pub fee_recipient: Address,
    pub state_root: B256,
    pub receipts_root: B256,
    pub logs_bloom: Bloom,
    pub prev_randao: B256,
    pub number: u64,
    pub gas_limit: u64,
    pub gas_used: u64,
    pub timestamp: u64,
    pub extra_data: Bytes,
    pub base_fee_per_gas: U256,
    pub block_hash: B256,
    pub blob_gas_used: u64,
    pub excess_blob_gas: u64,
}

fn bad(what: impl Into<String>) -> CometError {
    CometError::Binding(what.into())
}

/// SSZ offsets and fixed fields, read with bounds checks.
struct Ssz<'a>(&'a [u8]);

impl<'a> Ssz<'a> {
    fn bytes(&self, at: usize, len: usize) -> Result<&'a [u8], CometError> {
        self.0.get(at..at + len).ok_or_else(|| bad(format!("the beacon block is cut short at byte {at}")))
    }

    fn u64(&self, at: usize) -> Result<u64, CometError> {
        Ok(u64::from_le_bytes(self.bytes(at, 8)?.try_into().expect("8 bytes")))
    }

    fn offset(&self, at: usize) -> Result<usize, CometError> {
        let offset = u32::from_le_bytes(self.bytes(at, 4)?.try_into().expect("4 bytes")) as usize;
        if offset > self.0.len() {
            return Err(bad(format!("an offset ({offset}) points past the beacon block's end")));
        }
        Ok(offset)
    }

    /// The variable-size field whose offset is at `at`, ending where the field at
    /// `next_at` starts (or at the container's end).
    fn variable(&self, at: usize, next_at: Option<usize>) -> Result<Ssz<'a>, CometError> {
        let start = self.offset(at)?;
        let end = match next_at {
            Some(next) => self.offset(next)?,
            None => self.0.len(),
        };
        if end < start {
            return Err(bad("the beacon block's offsets run backwards"));
        }
        Ok(Ssz(&self.0[start..end]))
    }
}

/// `SignedBeaconBlock`: the message's offset, then the proposer's 96-byte signature.
const SIGNED_MESSAGE_OFFSET: usize = 0;
#[cfg(any(test, feature = "cometbft-signer"))]
const SIGNED_FIXED_LEN: usize = 4 + 96;
/// `BeaconBlock`: slot, proposer index, parent root, state root, then the body's offset.
const BLOCK_BODY_OFFSET: usize = 8 + 8 + 32 + 32;
/// `BeaconBlockBody` up to the execution payload's offset: randao reveal (96), eth1 data
/// (72), graffiti (32), five list offsets (proposer and attester slashings, attestations,
/// deposits, voluntary exits), the sync aggregate (64 + 96).
pub const BODY_PAYLOAD_OFFSET: usize = 96 + 72 + 32 + 5 * 4 + 160;
/// After the payload's offset: the BLS-to-execution changes' and blob commitments' offsets.
const BODY_NEXT_OFFSET: usize = BODY_PAYLOAD_OFFSET + 4;
/// `ExecutionPayload`'s fixed part, through the extra data's offset.
const PAYLOAD_EXTRA_DATA_OFFSET: usize = 32 + 20 + 32 + 32 + 256 + 32 + 8 * 4;
const PAYLOAD_FIXED_LEN: usize = PAYLOAD_EXTRA_DATA_OFFSET + 4 + 32 + 32 + 4 + 4 + 8 + 8;

/// The payload of the beacon block in `txs`, once `txs` is shown to be the block's
/// transactions (their root is `data_hash`).
pub fn execution_payload(txs: &[Vec<u8>], data_hash: &[u8]) -> Result<ExecutionPayload, CometError> {
    let hashes: Vec<merkle::Hash> = txs.iter().map(|t| merkle::sha256(t)).collect();
    if merkle::root(&hashes).as_slice() != data_hash {
        return Err(bad("its transactions do not hash to the header's data_hash"));
    }
    let signed = Ssz(txs.first().ok_or_else(|| bad("it has no transactions, so no beacon block"))?);
    let block = signed.variable(SIGNED_MESSAGE_OFFSET, None)?;
    let body = block.variable(BLOCK_BODY_OFFSET, None)?;
    let payload = body.variable(BODY_PAYLOAD_OFFSET, Some(BODY_NEXT_OFFSET))?;
    decode_payload(&payload)
}

fn decode_payload(p: &Ssz<'_>) -> Result<ExecutionPayload, CometError> {
    if p.0.len() < PAYLOAD_FIXED_LEN {
        return Err(bad("the execution payload is shorter than its fixed fields"));
    }
    let b32 = |at| p.bytes(at, 32).map(B256::from_slice);
    let mut at = 0;
    let mut next = |len: usize| {
        at += len;
        at - len
    };
    let parent_hash = b32(next(32))?;
    let fee_recipient = Address::from_slice(p.bytes(next(20), 20)?);
    let state_root = b32(next(32))?;
    let receipts_root = b32(next(32))?;
    let logs_bloom = Bloom::from_slice(p.bytes(next(256), 256)?);
    let prev_randao = b32(next(32))?;
    let number = p.u64(next(8))?;
    let gas_limit = p.u64(next(8))?;
    let gas_used = p.u64(next(8))?;
    let timestamp = p.u64(next(8))?;
    let extra_at = next(4);
    let base_fee_per_gas = U256::from_le_slice(p.bytes(next(32), 32)?);
    let block_hash = b32(next(32))?;
    let transactions_at = next(4);
    let _withdrawals_at = next(4);
    let blob_gas_used = p.u64(next(8))?;
    let excess_blob_gas = p.u64(next(8))?;
    let extra_data = Bytes::copy_from_slice(p.variable(extra_at, Some(transactions_at))?.0);
    Ok(ExecutionPayload {
        parent_hash,
        fee_recipient,
        state_root,
        receipts_root,
        logs_bloom,
        prev_randao,
        number,
        gas_limit,
        gas_used,
        timestamp,
        extra_data,
        base_fee_per_gas,
        block_hash,
        blob_gas_used,
        excess_blob_gas,
    })
}

/// The EVM header `hash` names must be the one the payload describes, field by field.
pub fn check_header(payload: &ExecutionPayload, header: &EvmHeader, hash: B256) -> Result<(), CometError> {
    let mismatch = |field: &str| Err(bad(format!("the payload's {field} differs from EVM block {}'s", header.number)));
    if hash != payload.block_hash {
        return mismatch("block hash");
    }
    let pairs: [(&str, bool); 14] = [
        ("parent hash", header.parent_hash == payload.parent_hash),
        ("fee recipient", header.beneficiary == payload.fee_recipient),
        ("state root", header.state_root == payload.state_root),
        ("receipts root", header.receipts_root == payload.receipts_root),
        ("logs bloom", header.logs_bloom == payload.logs_bloom),
        ("prev randao", header.mix_hash == payload.prev_randao),
        ("number", header.number == payload.number),
        ("gas limit", header.gas_limit == payload.gas_limit),
        ("gas used", header.gas_used == payload.gas_used),
        ("timestamp", header.timestamp == payload.timestamp),
        ("extra data", header.extra_data == payload.extra_data),
        ("base fee", header.base_fee_per_gas.map(U256::from) == Some(payload.base_fee_per_gas)),
        ("blob gas used", header.blob_gas_used.unwrap_or(0) == payload.blob_gas_used),
        ("excess blob gas", header.excess_blob_gas.unwrap_or(0) == payload.excess_blob_gas),
    ];
    match pairs.iter().find(|(_, same)| !same) {
        Some((field, _)) => mismatch(field),
        None => Ok(()),
    }
}

/// The signed beacon block transaction for `header` (whose hash is `hash`), laid out as
/// [`execution_payload`] reads it: for the devnet's stand-in and tests.
#[cfg(any(test, feature = "cometbft-signer"))]
pub fn beacon_block(slot: u64, header: &EvmHeader, hash: B256) -> Vec<u8> {
    let mut payload = Vec::with_capacity(PAYLOAD_FIXED_LEN + header.extra_data.len() + 8);
    payload.extend(header.parent_hash);
    payload.extend(header.beneficiary);
    payload.extend(header.state_root);
    payload.extend(header.receipts_root);
    payload.extend(header.logs_bloom);
    payload.extend(header.mix_hash);
    for n in [header.number, header.gas_limit, header.gas_used, header.timestamp] {
        payload.extend(n.to_le_bytes());
    }
    let extra_at = PAYLOAD_FIXED_LEN as u32;
    payload.extend(extra_at.to_le_bytes());
    payload.extend(U256::from(header.base_fee_per_gas.unwrap_or(0)).to_le_bytes::<32>());
    payload.extend(hash);
    let transactions_at = extra_at + header.extra_data.len() as u32;
    payload.extend(transactions_at.to_le_bytes());
    payload.extend(transactions_at.to_le_bytes()); // no transactions: withdrawals start there
    payload.extend(header.blob_gas_used.unwrap_or(0).to_le_bytes());
    payload.extend(header.excess_blob_gas.unwrap_or(0).to_le_bytes());
    payload.extend(&header.extra_data);

    let body_fixed = BODY_NEXT_OFFSET + 4 + 4;
    let mut body = vec![0u8; body_fixed];
    for list in 0..5 {
        // The five empty lists all start where the fixed part ends.
        body[200 + 4 * list..204 + 4 * list].copy_from_slice(&(body_fixed as u32).to_le_bytes());
    }
    body[BODY_PAYLOAD_OFFSET..BODY_NEXT_OFFSET].copy_from_slice(&(body_fixed as u32).to_le_bytes());
    let after = (body_fixed + payload.len()) as u32;
    body[BODY_NEXT_OFFSET..BODY_NEXT_OFFSET + 4].copy_from_slice(&after.to_le_bytes());
    body[BODY_NEXT_OFFSET + 4..body_fixed].copy_from_slice(&after.to_le_bytes());
    body.extend(payload);

    let mut block = Vec::with_capacity(SIGNED_FIXED_LEN + BLOCK_BODY_OFFSET + 4 + body.len());
    block.extend((SIGNED_FIXED_LEN as u32).to_le_bytes());
    block.extend([0u8; 96]); // the proposer's signature, which the binding does not need
    block.extend(slot.to_le_bytes());
    block.extend(0u64.to_le_bytes());
    block.extend(merkle::sha256(&slot.to_be_bytes()));
    block.extend([0u8; 32]);
    block.extend(((BLOCK_BODY_OFFSET + 4) as u32).to_le_bytes());
    block.extend(body);
    block
}
