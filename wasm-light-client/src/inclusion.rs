//! Transaction inclusion proven from a verified header: the block's raw transactions
//! must rebuild its `transactionsRoot`, its receipts must rebuild its `receiptsRoot`, and
//! only then is a receipt (status, gas, logs) believed.
//!
//! The node's receipt fields that are not in the consensus encoding (transactionHash,
//! blockNumber, gasUsed per tx…) are never used: the transaction is located by hashing
//! the raw transactions ourselves.

use alloy_consensus::{Eip658Value, Header, ReceiptEnvelope, TxReceipt};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{keccak256, Bytes, Log, B256};
use alloy_trie::root::{ordered_trie_root_encoded, ordered_trie_root_with_encoder};
use serde_json::Value;

/// A transaction's outcome, proven against a verified header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvenReceipt {
    pub block: u64,
    /// The hash of the verified header the receipt was proven against, so a caller can
    /// tell later whether that block is still canonical.
    pub block_hash: B256,
    pub index: usize,
    pub success: bool,
    pub cumulative_gas_used: u64,
    pub logs: Vec<Log>,
    /// The signed transaction itself (EIP-2718 bytes), proven through the transactions
    /// root: what it called, with what value and data, and (from its signature) who sent it.
    pub transaction: Bytes,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InclusionError {
    #[error("the node's block data is malformed ({0}); use another endpoint")]
    Malformed(String),
    #[error("block {block}: the transactions the node sent do not rebuild the verified transactions root; it omitted, added or altered one")]
    TransactionsRoot { block: u64 },
    #[error("block {block}: the receipts the node sent do not rebuild the verified receipts root; their status or logs cannot be trusted")]
    ReceiptsRoot { block: u64 },
    #[error("block {block} has {transactions} transactions but the node sent {receipts} receipts")]
    CountMismatch { block: u64, transactions: usize, receipts: usize },
    #[error("transaction {0} is not in block {1}")]
    NotInBlock(B256, u64),
}

pub fn parse_receipts(receipts: &[Value]) -> Result<Vec<ReceiptEnvelope<Log>>, InclusionError> {
    receipts
        .iter()
        .map(|r| serde_json::from_value(r.clone()).map_err(|e| InclusionError::Malformed(format!("receipt: {e}"))))
        .collect()
}

/// A whole block's transactions and receipts, proven against its verified header: what
/// an account's activity is read from (every transfer in and out, not only the ones this
/// wallet sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvenBlock {
    pub number: u64,
    pub hash: B256,
    /// Seconds since the epoch, from the verified header.
    pub timestamp: u64,
    pub base_fee_per_gas: Option<u64>,
    /// The signed transactions (EIP-2718 bytes), in block order.
    pub transactions: Vec<Bytes>,
    /// Their receipts, one for one.
    pub receipts: Vec<ReceiptEnvelope<Log>>,
}

impl ProvenBlock {
    /// Gas the transaction at `index` used: its receipt's cumulative gas less the one before.
    pub fn gas_used(&self, index: usize) -> u64 {
        let before = index.checked_sub(1).map_or(0, |i| self.receipts[i].cumulative_gas_used());
        self.receipts[index].cumulative_gas_used().saturating_sub(before)
    }

    /// Whether the transaction at `index` succeeded (pre-Byzantium post-state counts as success).
    pub fn succeeded(&self, index: usize) -> bool {
        matches!(self.receipts[index].status_or_post_state(), Eip658Value::Eip658(true) | Eip658Value::PostState(_))
    }
}

/// Proves that `raw_transactions` and `receipts` are exactly the block of `header`: both
/// rebuild the header's roots, one receipt per transaction.
pub fn prove_block(
    header: &Header,
    raw_transactions: Vec<Bytes>,
    receipts: Vec<ReceiptEnvelope<Log>>,
) -> Result<ProvenBlock, InclusionError> {
    let block = header.number;
    if ordered_trie_root_encoded(&raw_transactions) != header.transactions_root {
        return Err(InclusionError::TransactionsRoot { block });
    }
    if receipts.len() != raw_transactions.len() {
        return Err(InclusionError::CountMismatch {
            block,
            transactions: raw_transactions.len(),
            receipts: receipts.len(),
        });
    }
    if ordered_trie_root_with_encoder(&receipts, |r, buf| r.encode_2718(buf)) != header.receipts_root {
        return Err(InclusionError::ReceiptsRoot { block });
    }
    Ok(ProvenBlock {
        number: block,
        hash: header.hash_slow(),
        timestamp: header.timestamp,
        base_fee_per_gas: header.base_fee_per_gas,
        transactions: raw_transactions,
        receipts,
    })
}

/// Proves where `tx_hash` sits in the block of `header`, and its receipt.
pub fn prove_receipt(
    header: &Header,
    raw_transactions: &[Bytes],
    receipts: &[ReceiptEnvelope<Log>],
    tx_hash: B256,
) -> Result<ProvenReceipt, InclusionError> {
    let block = prove_block(header, raw_transactions.to_vec(), receipts.to_vec())?;
    let index = block
        .transactions
        .iter()
        .position(|raw| keccak256(raw) == tx_hash)
        .ok_or(InclusionError::NotInBlock(tx_hash, block.number))?;
    let receipt = &block.receipts[index];
    Ok(ProvenReceipt {
        block: block.number,
        block_hash: block.hash,
        index,
        success: block.succeeded(index),
        cumulative_gas_used: receipt.cumulative_gas_used(),
        logs: receipt.logs().to_vec(),
        transaction: block.transactions[index].clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixture {
        header: Header,
        raw: Vec<Bytes>,
        receipts: Vec<Value>,
        hashes: Vec<B256>,
    }

    fn fixture() -> Fixture {
        let v: Value = serde_json::from_str(include_str!("../tests/fixtures/anvil-block-receipts.json")).unwrap();
        Fixture {
            header: serde_json::from_value(v["block"].clone()).unwrap(),
            raw: serde_json::from_value(v["rawTransactions"].clone()).unwrap(),
            receipts: v["receipts"].as_array().unwrap().clone(),
            hashes: serde_json::from_value(v["transactionHashes"].clone()).unwrap(),
        }
    }

    #[test]
    fn every_transaction_of_a_real_block_is_proven_with_its_logs() {
        let f = fixture();
        let receipts = parse_receipts(&f.receipts).unwrap();
        for (i, hash) in f.hashes.iter().enumerate() {
            let proven = prove_receipt(&f.header, &f.raw, &receipts, *hash).unwrap();
            assert_eq!(proven.index, i);
            assert!(proven.success);
            assert_eq!(keccak256(&proven.transaction), *hash, "the proven transaction is the one asked for");
        }
        let with_log = prove_receipt(&f.header, &f.raw, &receipts, f.hashes[1]).unwrap();
        assert_eq!(with_log.logs.len(), 1);
        assert_eq!(with_log.logs[0].topics()[0], B256::with_last_byte(7));
    }

    #[test]
    fn a_dropped_or_altered_transaction_breaks_the_transactions_root() {
        let f = fixture();
        let receipts = parse_receipts(&f.receipts).unwrap();
        let dropped = &f.raw[..2];
        assert!(matches!(
            prove_receipt(&f.header, dropped, &receipts, f.hashes[0]),
            Err(InclusionError::TransactionsRoot { .. })
        ));
        let mut altered = f.raw.clone();
        let mut bytes = altered[0].to_vec();
        *bytes.last_mut().unwrap() ^= 1;
        altered[0] = bytes.into();
        assert!(matches!(
            prove_receipt(&f.header, &altered, &receipts, f.hashes[0]),
            Err(InclusionError::TransactionsRoot { .. })
        ));
    }

    #[test]
    fn a_forged_status_or_log_breaks_the_receipts_root() {
        let f = fixture();
        let mut forged = f.receipts.clone();
        forged[0]["status"] = Value::String("0x0".into());
        let receipts = parse_receipts(&forged).unwrap();
        assert!(matches!(
            prove_receipt(&f.header, &f.raw, &receipts, f.hashes[0]),
            Err(InclusionError::ReceiptsRoot { .. })
        ));
        let mut forged = f.receipts.clone();
        forged[1]["logs"][0]["data"] = Value::String("0x01".into());
        let receipts = parse_receipts(&forged).unwrap();
        assert!(matches!(
            prove_receipt(&f.header, &f.raw, &receipts, f.hashes[1]),
            Err(InclusionError::ReceiptsRoot { .. })
        ));
    }

    #[test]
    fn a_transaction_from_elsewhere_is_not_in_the_block() {
        let f = fixture();
        let receipts = parse_receipts(&f.receipts).unwrap();
        let err = prove_receipt(&f.header, &f.raw, &receipts, B256::repeat_byte(9)).unwrap_err();
        assert!(matches!(err, InclusionError::NotInBlock(..)));
    }

    #[test]
    fn a_whole_block_is_proven_with_each_transactions_gas() {
        let f = fixture();
        let receipts = parse_receipts(&f.receipts).unwrap();
        let block = prove_block(&f.header, f.raw.clone(), receipts.clone()).unwrap();
        assert_eq!(block.number, f.header.number);
        assert_eq!(block.hash, f.header.hash_slow());
        assert_eq!(block.transactions.len(), f.hashes.len());
        let total: u64 = (0..block.transactions.len()).map(|i| block.gas_used(i)).sum();
        assert_eq!(total, f.header.gas_used, "each transaction's gas adds up to the block's");
        assert!((0..block.transactions.len()).all(|i| block.succeeded(i)));
        // A receipt the node left out is refused, not shifted onto the wrong transaction.
        assert!(matches!(
            prove_block(&f.header, f.raw.clone(), receipts[1..].to_vec()),
            Err(InclusionError::CountMismatch { .. })
        ));
    }
}
