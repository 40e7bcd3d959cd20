//! Event logs proven complete: which blocks can hold a matching log is read from each
//! verified header's `logsBloom`, and those blocks' receipts must rebuild the header's
//! `receiptsRoot` before any log in them is believed.
//!
//! So a node can neither forge a log (the receipts root would change) nor hide one
//! (the bloom is part of the verified header, and a block whose bloom matches is always
//! fetched whole). `eth_getLogs` is never asked.

use alloy_consensus::{Header, ReceiptEnvelope};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{Address, BloomInput, Log, B256};
use alloy_trie::root::ordered_trie_root_with_encoder;

use crate::inclusion::InclusionError;

/// Which logs to collect: one contract, and optionally fixed topics by position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogFilter {
    pub address: Address,
    /// `topics[i] = Some(t)` keeps only logs whose topic `i` is `t`.
    pub topics: Vec<Option<B256>>,
}

impl LogFilter {
    pub fn new(address: Address) -> Self {
        Self { address, topics: Vec::new() }
    }

    pub fn topic(mut self, position: usize, topic: B256) -> Self {
        if self.topics.len() <= position {
            self.topics.resize(position + 1, None);
        }
        self.topics[position] = Some(topic);
        self
    }

    /// Whether the header's bloom admits a matching log. `false` is a proof of absence:
    /// the bloom has no false negatives.
    pub fn may_match(&self, header: &Header) -> bool {
        header.logs_bloom.contains_input(BloomInput::Raw(self.address.as_slice()))
            && self.topics.iter().flatten().all(|t| header.logs_bloom.contains_input(BloomInput::Raw(t.as_slice())))
    }

    pub fn matches(&self, log: &Log) -> bool {
        log.address == self.address
            && self.topics.iter().enumerate().all(|(i, want)| want.is_none_or(|t| log.topics().get(i) == Some(&t)))
    }
}

/// A log taken from receipts that rebuilt a verified header's receipts root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvenLog {
    pub block: u64,
    pub block_hash: B256,
    /// Position of the emitting transaction in its block.
    pub transaction_index: usize,
    /// Position of the log among all logs of its block.
    pub log_index: usize,
    pub log: Log,
}

/// Checks a block's receipts against its verified header and returns the logs in them
/// that match `filter`.
pub fn prove_block_logs(
    header: &Header,
    block_hash: B256,
    receipts: &[ReceiptEnvelope<Log>],
    filter: &LogFilter,
) -> Result<Vec<ProvenLog>, InclusionError> {
    if ordered_trie_root_with_encoder(receipts, |r, buf| r.encode_2718(buf)) != header.receipts_root {
        return Err(InclusionError::ReceiptsRoot { block: header.number });
    }
    let mut log_index = 0;
    let mut found = Vec::new();
    for (transaction_index, receipt) in receipts.iter().enumerate() {
        for log in receipt.logs() {
            if filter.matches(log) {
                found.push(ProvenLog {
                    block: header.number,
                    block_hash,
                    transaction_index,
                    log_index,
                    log: log.clone(),
                });
            }
            log_index += 1;
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inclusion::parse_receipts;
    use serde_json::Value;

    fn fixture() -> (Header, Vec<ReceiptEnvelope<Log>>) {
        let v: Value = serde_json::from_str(include_str!("../tests/fixtures/anvil-block-receipts.json")).unwrap();
        let header = serde_json::from_value(v["block"].clone()).unwrap();
        let receipts = parse_receipts(v["receipts"].as_array().unwrap()).unwrap();
        (header, receipts)
    }

    #[test]
    fn every_log_of_the_fixture_block_is_found_and_the_bloom_admits_it() {
        let (header, receipts) = fixture();
        let all: Vec<&Log> = receipts.iter().flat_map(|r| r.logs()).collect();
        assert!(!all.is_empty(), "the fixture block should carry logs");
        let emitter = all[0].address;
        let filter = LogFilter::new(emitter);
        assert!(filter.may_match(&header));
        let found = prove_block_logs(&header, header.hash_slow(), &receipts, &filter).unwrap();
        assert_eq!(found.len(), all.iter().filter(|l| l.address == emitter).count());
        assert!(found.iter().all(|l| l.log.address == emitter && l.block == header.number));
    }

    #[test]
    fn topic_filter_narrows_and_an_absent_address_is_ruled_out_by_the_bloom() {
        let (header, receipts) = fixture();
        let first = receipts.iter().flat_map(|r| r.logs()).next().unwrap().clone();
        let topic0 = first.topics()[0];
        let filter = LogFilter::new(first.address).topic(0, topic0);
        let found = prove_block_logs(&header, B256::ZERO, &receipts, &filter).unwrap();
        assert!(found.iter().all(|l| l.log.topics()[0] == topic0));
        assert!(!found.is_empty());
        let wrong_topic = LogFilter::new(first.address).topic(0, B256::repeat_byte(0xab));
        assert!(prove_block_logs(&header, B256::ZERO, &receipts, &wrong_topic).unwrap().is_empty());
        // An address that never logged is (with overwhelming likelihood) absent from the bloom.
        assert!(!LogFilter::new(Address::repeat_byte(0x5a)).may_match(&header));
    }

    #[test]
    fn a_dropped_or_forged_log_breaks_the_receipts_root() {
        let (header, receipts) = fixture();
        let first = receipts.iter().flat_map(|r| r.logs()).next().unwrap().clone();
        let filter = LogFilter::new(first.address);

        let mut dropped = receipts.clone();
        let with_logs = dropped.iter().position(|r| !r.logs().is_empty()).unwrap();
        dropped[with_logs].as_receipt_with_bloom_mut().unwrap().receipt.logs.pop();
        let err = prove_block_logs(&header, B256::ZERO, &dropped, &filter).unwrap_err();
        assert!(matches!(err, InclusionError::ReceiptsRoot { .. }), "{err}");

        let mut forged = receipts.clone();
        let log = &mut forged[with_logs].as_receipt_with_bloom_mut().unwrap().receipt.logs[0];
        log.data = alloy_primitives::LogData::new_unchecked(log.topics().to_vec(), vec![1u8, 2, 3].into());
        assert!(prove_block_logs(&header, B256::ZERO, &forged, &filter).is_err());

        let mut omitted = receipts;
        omitted.pop();
        assert!(prove_block_logs(&header, B256::ZERO, &omitted, &filter).is_err());
    }
}
