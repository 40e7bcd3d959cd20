//! Execution-layer block headers: reading them from a node's JSON and checking that a
//! run of them hangs together from a trusted hash.
//!
//! A hash sent by the node is never trusted: every hash is recomputed as
//! keccak256(rlp(header)), and a header is accepted only when its parent is a header
//! already accepted (or the trusted checkpoint itself).

use alloy_consensus::Header;
use alloy_primitives::B256;
use serde_json::Value;

use crate::rules::{check_child, ChainRules};

/// A header whose hash was recomputed locally and which links back to the checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedHeader {
    pub hash: B256,
    pub header: Header,
}

impl VerifiedHeader {
    pub fn number(&self) -> u64 {
        self.header.number
    }

    pub fn state_root(&self) -> B256 {
        self.header.state_root
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    #[error("block {number}: the node's answer is not a block header ({reason})")]
    Malformed { number: String, reason: String },
    #[error("block {number}: the node says its hash is {claimed} but the header hashes to {computed}; the node is faulty or lying, use another endpoint")]
    HashMismatch { number: u64, claimed: B256, computed: B256 },
    #[error("block {number}: hashes to {computed}, not the trusted checkpoint {trusted}; check the checkpoint or the endpoint's network")]
    NotCheckpoint { number: u64, computed: B256, trusted: B256 },
    #[error("block {number}: its parent hash {parent} is not the hash of block {previous} ({expected}); the node is serving another chain or a forged header")]
    BrokenLink { number: u64, parent: B256, previous: u64, expected: B256 },
    #[error("block {number} cannot follow block {previous}: block numbers must rise by one")]
    NotConsecutive { number: u64, previous: u64 },
    #[error("no headers to verify")]
    Empty,
    #[error("block {number} breaks the rule \"{rule}\" ({detail}); the node is serving an invalid chain, use another endpoint")]
    RuleBroken { number: u64, rule: &'static str, detail: String },
    #[error("the node's chain forks from the verified one more than {window} blocks back (below block {oldest}); a reorganisation that deep is not accepted. Use another endpoint or a newer checkpoint")]
    ReorgTooDeep { oldest: u64, window: usize },
    #[error("block {number} is not the parent of verified block {child}: it hashes to {computed}, the child names {expected}")]
    NotAncestor { number: u64, child: u64, computed: B256, expected: B256 },
}

/// Reads an `eth_getBlockBy*` result into a header and recomputes its hash.
///
/// If the JSON carries a `hash` field it must equal the recomputed hash: a node that
/// reports one hash and serves another header is caught here.
pub fn parse_rpc_header(block: &Value) -> Result<VerifiedHash, HeaderError> {
    let number_hint = block.get("number").and_then(Value::as_str).unwrap_or("?").to_string();
    let header: Header = serde_json::from_value(block.clone())
        .map_err(|e| HeaderError::Malformed { number: number_hint.clone(), reason: e.to_string() })?;
    let claimed = match block.get("hash").filter(|v| !v.is_null()) {
        Some(claimed) => Some(
            serde_json::from_value(claimed.clone())
                .map_err(|e| HeaderError::Malformed { number: number_hint, reason: format!("hash: {e}") })?,
        ),
        None => None,
    };
    hash_and_check(header, claimed)
}

/// Recomputes the header's hash; a hash the node claimed must equal it.
fn hash_and_check(header: Header, claimed: Option<B256>) -> Result<VerifiedHash, HeaderError> {
    let computed = header.hash_slow();
    match claimed {
        Some(claimed) if claimed != computed => {
            Err(HeaderError::HashMismatch { number: header.number, claimed, computed })
        }
        _ => Ok(VerifiedHash { hash: computed, header }),
    }
}

/// Reads a JSON array of `eth_getBlockBy*` results straight from text into headers, each
/// hashed and checked against its claimed hash. One typed pass: no `serde_json::Value` per
/// header (the cost that once dominated header throughput in wasm) and no second pass for
/// the claimed hashes. On malformed input it falls back to the per-block path, whose
/// errors name the block.
pub fn parse_rpc_headers_text(text: &str) -> Result<Vec<VerifiedHash>, HeaderError> {
    match serde_json::from_str::<Vec<rpc_block::RpcBlock>>(text) {
        Ok(blocks) => blocks.into_iter().map(|b| hash_and_check(b.header, b.hash)).collect(),
        Err(_) => {
            let blocks: Vec<Value> = serde_json::from_str(text).map_err(|e| HeaderError::Malformed {
                number: "?".into(),
                reason: format!("not a JSON array of blocks: {e}"),
            })?;
            blocks.iter().map(parse_rpc_header).collect()
        }
    }
}

/// An `eth_getBlockBy*` result read in one pass: its `hash` member is taken out and every
/// other member goes to alloy's `Header` as it is read. serde's `flatten` would do the
/// same by buffering every member first, which is the cost this avoids.
mod rpc_block {
    use std::borrow::Cow;
    use std::fmt;

    use alloy_consensus::Header;
    use alloy_primitives::B256;
    use serde::de::value::{CowStrDeserializer, MapAccessDeserializer};
    use serde::de::{DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, Visitor};
    use serde::Deserialize;

    pub struct RpcBlock {
        pub header: Header,
        pub hash: Option<B256>,
    }

    impl<'de> Deserialize<'de> for RpcBlock {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_map(BlockVisitor)
        }
    }

    struct BlockVisitor;

    impl<'de> Visitor<'de> for BlockVisitor {
        type Value = RpcBlock;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a block object")
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RpcBlock, A::Error> {
            let mut hash = None;
            let header = Header::deserialize(MapAccessDeserializer::new(WithoutHash { map, hash: &mut hash }))?;
            Ok(RpcBlock { header, hash })
        }
    }

    /// The block's members with `hash` held back (into `hash`) from the header.
    struct WithoutHash<'h, A> {
        map: A,
        hash: &'h mut Option<B256>,
    }

    impl<'de, A: MapAccess<'de>> MapAccess<'de> for WithoutHash<'_, A> {
        type Error = A::Error;

        fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
            while let Some(Key(key)) = self.map.next_key::<Key<'de>>()? {
                if key == "hash" {
                    *self.hash = self.map.next_value()?;
                    continue;
                }
                let key: CowStrDeserializer<'_, A::Error> = key.into_deserializer();
                return seed.deserialize(key).map(Some);
            }
            Ok(None)
        }

        fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
            self.map.next_value_seed(seed)
        }
    }

    /// A member name, borrowed from the text unless it had escapes.
    #[derive(Deserialize)]
    struct Key<'a>(#[serde(borrow)] Cow<'a, str>);
}

/// A header with its locally computed hash, not yet linked to anything trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedHash {
    pub hash: B256,
    pub header: Header,
}

/// Verifies an ascending run of `eth_getBlockByNumber` results whose first block must
/// hash to `trusted`. Returns every verified header (however many, not just a window), or
/// the first failure.
pub fn verify_header_chain(trusted: B256, blocks: &[Value]) -> Result<Vec<VerifiedHeader>, HeaderError> {
    let (first, rest) = blocks.split_first().ok_or(HeaderError::Empty)?;
    let first = parse_rpc_header(first)?;
    verify_linked(trusted, first, rest.iter().map(parse_rpc_header))
}

/// [`verify_header_chain`] on the JSON text of the array (see [`parse_rpc_headers_text`]).
pub fn verify_header_chain_text(trusted: B256, text: &str) -> Result<Vec<VerifiedHeader>, HeaderError> {
    let mut parsed = parse_rpc_headers_text(text)?.into_iter();
    let first = parsed.next().ok_or(HeaderError::Empty)?;
    verify_linked(trusted, first, parsed.map(Ok))
}

fn verify_linked(
    trusted: B256,
    first: VerifiedHash,
    rest: impl Iterator<Item = Result<VerifiedHash, HeaderError>>,
) -> Result<Vec<VerifiedHeader>, HeaderError> {
    if first.hash != trusted {
        return Err(HeaderError::NotCheckpoint { number: first.header.number, computed: first.hash, trusted });
    }
    let first = VerifiedHeader { hash: first.hash, header: first.header };
    let mut verified = vec![first.clone()];
    let mut chain = HeaderChain::new(first);
    for next in rest {
        let next = next?;
        if next.header.number <= chain.tip().number() {
            // A block given twice is not progress; only a strictly ascending run counts.
            return Err(HeaderError::NotConsecutive { number: next.header.number, previous: chain.tip().number() });
        }
        chain.push(next)?;
        verified.push(chain.tip().clone());
    }
    Ok(verified)
}

/// Verifies headers older than `child`, given newest first: each must hash to the
/// parent hash its verified child names, and obey the rules as that child's parent.
/// This is how the client reaches blocks before its checkpoint or window.
pub fn verify_ancestors(
    rules: &ChainRules,
    child: &VerifiedHeader,
    older: Vec<VerifiedHash>,
) -> Result<Vec<VerifiedHeader>, HeaderError> {
    let mut verified: Vec<VerifiedHeader> = Vec::with_capacity(older.len());
    for parent in older {
        let below = verified.last().unwrap_or(child);
        if parent.header.number + 1 != below.number() {
            return Err(HeaderError::NotConsecutive { number: parent.header.number, previous: below.number() });
        }
        if parent.hash != below.header.parent_hash {
            return Err(HeaderError::NotAncestor {
                number: parent.header.number,
                child: below.number(),
                computed: parent.hash,
                expected: below.header.parent_hash,
            });
        }
        check_child(rules, &parent.header, &below.header).map_err(|v| HeaderError::RuleBroken {
            number: below.number(),
            rule: v.rule,
            detail: v.detail,
        })?;
        verified.push(VerifiedHeader { hash: parent.hash, header: parent.header });
    }
    Ok(verified)
}

/// The verified chain from a checkpoint to the newest header accepted so far.
///
/// Keeps the most recent [`HeaderChain::WINDOW`] headers so that values can be proven
/// against a recent state root without refetching headers.
#[derive(Debug, Clone)]
pub struct HeaderChain {
    headers: std::collections::VecDeque<VerifiedHeader>,
    rules: ChainRules,
}

impl HeaderChain {
    pub const WINDOW: usize = 256;

    /// Starts from a header the caller already trusts (the checkpoint).
    pub fn new(checkpoint: VerifiedHeader) -> Self {
        Self::with_rules(checkpoint, ChainRules::default())
    }

    pub fn with_rules(checkpoint: VerifiedHeader, rules: ChainRules) -> Self {
        Self { headers: std::collections::VecDeque::from([checkpoint]), rules }
    }

    pub fn tip(&self) -> &VerifiedHeader {
        self.headers.back().expect("a HeaderChain is never empty")
    }

    pub fn get(&self, number: u64) -> Option<&VerifiedHeader> {
        let first = self.headers.front()?.number();
        let index = usize::try_from(number.checked_sub(first)?).ok()?;
        self.headers.get(index)
    }

    /// Accepts `next` if it is the child of the current tip. A header the chain
    /// already holds (same number, same hash) is accepted without change.
    pub fn push(&mut self, next: VerifiedHash) -> Result<(), HeaderError> {
        let tip = self.tip();
        if let Some(known) = self.get(next.header.number) {
            if known.hash == next.hash {
                return Ok(());
            }
        }
        if next.header.number != tip.number() + 1 {
            return Err(HeaderError::NotConsecutive { number: next.header.number, previous: tip.number() });
        }
        if next.header.parent_hash != tip.hash {
            return Err(HeaderError::BrokenLink {
                number: next.header.number,
                parent: next.header.parent_hash,
                previous: tip.number(),
                expected: tip.hash,
            });
        }
        check_child(&self.rules, &tip.header, &next.header).map_err(|v| HeaderError::RuleBroken {
            number: next.header.number,
            rule: v.rule,
            detail: v.detail,
        })?;
        self.headers.push_back(VerifiedHeader { hash: next.hash, header: next.header });
        if self.headers.len() > Self::WINDOW {
            self.headers.pop_front();
        }
        Ok(())
    }

    /// The oldest header still held.
    pub fn oldest(&self) -> &VerifiedHeader {
        self.headers.front().expect("a HeaderChain is never empty")
    }

    /// Whether `hash` is the verified header at `number`; `None` when `number` is outside
    /// the window (nothing can be said about it from here).
    pub fn is_canonical(&self, number: u64, hash: B256) -> Option<bool> {
        self.get(number).map(|h| h.hash == hash)
    }

    /// Replaces everything above the branch's parent with `branch` (ascending, linked,
    /// rule-checked from a header this chain holds). Returns the headers that left the
    /// canonical chain, oldest first. On any error the chain is left as it was.
    ///
    /// A branch that forks below the window cannot be checked against anything trusted
    /// and is refused as [`HeaderError::ReorgTooDeep`].
    pub fn reorganise(&mut self, branch: Vec<VerifiedHash>) -> Result<Vec<VerifiedHeader>, HeaderError> {
        let first = branch.first().ok_or(HeaderError::Empty)?;
        let fork = first.header.number.checked_sub(1).ok_or(HeaderError::NotConsecutive { number: 0, previous: 0 })?;
        let parent = self
            .get(fork)
            .cloned()
            .ok_or(HeaderError::ReorgTooDeep { oldest: self.oldest().number(), window: Self::WINDOW })?;
        if parent.hash != first.header.parent_hash {
            return Err(HeaderError::ReorgTooDeep { oldest: self.oldest().number(), window: Self::WINDOW });
        }
        // Check the whole branch on a scratch chain first so a bad branch changes nothing.
        let mut scratch = HeaderChain::with_rules(parent, self.rules);
        for header in branch {
            scratch.push(header)?;
        }
        let keep = usize::try_from(fork - self.oldest().number()).expect("fork is inside the window") + 1;
        let dropped: Vec<VerifiedHeader> = self.headers.drain(keep..).collect();
        self.headers.extend(scratch.headers.into_iter().skip(1));
        while self.headers.len() > Self::WINDOW {
            self.headers.pop_front();
        }
        Ok(dropped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slashed_member_in_an_rpc_block_is_ignored_for_the_hash() {
        let header = crate::memory::child(&crate::memory::genesis(), 0);
        let mut block = serde_json::to_value(&header).unwrap();
        block["hash"] = serde_json::json!(header.hash_slow());
        block["slashed"] =
            serde_json::json!([{"address": "0x0000000000000000000000000000000000000001", "amount": "0x1"}]);
        assert_eq!(parse_rpc_header(&block).unwrap().hash, header.hash_slow());
        let text = serde_json::to_string(&vec![block]).unwrap();
        assert_eq!(parse_rpc_headers_text(&text).unwrap()[0].hash, header.hash_slow());
    }

    fn fixture() -> Vec<Value> {
        serde_json::from_str(include_str!("../tests/fixtures/anvil-headers.json")).unwrap()
    }

    fn hash_of(block: &Value) -> B256 {
        serde_json::from_value(block["hash"].clone()).unwrap()
    }

    #[test]
    fn real_anvil_headers_verify_from_their_first_hash() {
        let blocks = fixture();
        let verified = verify_header_chain(hash_of(&blocks[0]), &blocks).unwrap();
        assert_eq!(verified.len(), blocks.len());
        for (v, b) in verified.iter().zip(&blocks) {
            assert_eq!(v.hash, hash_of(b));
        }
    }

    #[test]
    fn wrong_checkpoint_is_refused() {
        let blocks = fixture();
        let err = verify_header_chain(hash_of(&blocks[1]), &blocks).unwrap_err();
        assert!(matches!(err, HeaderError::NotCheckpoint { .. }), "{err}");
    }

    #[test]
    fn tampered_state_root_is_caught_by_the_hash() {
        let mut blocks = fixture();
        blocks[2]["stateRoot"] = Value::String(format!("0x{}", "11".repeat(32)));
        let err = verify_header_chain(hash_of(&blocks[0]), &blocks).unwrap_err();
        assert!(
            matches!(err, HeaderError::HashMismatch { number, .. } if number == blocks_number(&blocks[2])),
            "{err}"
        );
    }

    #[test]
    fn tampered_header_with_matching_claimed_hash_breaks_the_link() {
        let mut blocks = fixture();
        blocks[2]["stateRoot"] = Value::String(format!("0x{}", "11".repeat(32)));
        // A cleverer liar also fixes up the claimed hash; the child's parent link still exposes it.
        let forged = parse_rpc_header(&{
            let mut b = blocks[2].clone();
            b.as_object_mut().unwrap().remove("hash");
            b
        })
        .unwrap();
        blocks[2]["hash"] = Value::String(forged.hash.to_string());
        let err = verify_header_chain(hash_of(&blocks[0]), &blocks).unwrap_err();
        assert!(matches!(err, HeaderError::BrokenLink { .. }), "{err}");
    }

    #[test]
    fn gaps_and_reordering_are_refused() {
        let blocks = fixture();
        let skipped = [blocks[0].clone(), blocks[2].clone()];
        let err = verify_header_chain(hash_of(&blocks[0]), &skipped).unwrap_err();
        assert!(matches!(err, HeaderError::NotConsecutive { .. }), "{err}");
    }

    #[test]
    fn garbage_is_malformed_not_a_panic() {
        let err = verify_header_chain(B256::ZERO, &[serde_json::json!({"number": "0x1"})]).unwrap_err();
        assert!(matches!(err, HeaderError::Malformed { .. }), "{err}");
        assert_eq!(verify_header_chain(B256::ZERO, &[]).unwrap_err(), HeaderError::Empty);
    }

    #[test]
    fn chain_window_keeps_recent_headers() {
        let blocks = fixture();
        let verified = verify_header_chain(hash_of(&blocks[0]), &blocks).unwrap();
        let mut chain = HeaderChain::new(verified[0].clone());
        for v in &verified[1..] {
            chain.push(VerifiedHash { hash: v.hash, header: v.header.clone() }).unwrap();
        }
        assert_eq!(chain.tip(), verified.last().unwrap());
        assert_eq!(chain.get(verified[1].number()), Some(&verified[1]));
        // Re-pushing a known header is harmless.
        chain.push(VerifiedHash { hash: verified[1].hash, header: verified[1].header.clone() }).unwrap();
        assert_eq!(chain.tip(), verified.last().unwrap());
    }

    fn verified_fixture() -> Vec<VerifiedHeader> {
        let blocks = fixture();
        verify_header_chain(hash_of(&blocks[0]), &blocks).unwrap()
    }

    fn unverified(h: &VerifiedHeader) -> VerifiedHash {
        VerifiedHash { hash: h.hash, header: h.header.clone() }
    }

    /// A sibling of `h`: same parent, different contents (as a competing block would be).
    fn sibling(h: &VerifiedHeader, parent_hash: B256) -> VerifiedHash {
        let mut header = h.header.clone();
        header.parent_hash = parent_hash;
        header.extra_data = alloy_primitives::Bytes::from_static(b"other branch");
        VerifiedHash { hash: header.hash_slow(), header }
    }

    #[test]
    fn reorganise_swaps_the_branch_above_the_fork() {
        let v = verified_fixture();
        assert!(v.len() >= 4, "fixture too short");
        let mut chain = HeaderChain::new(v[0].clone());
        for h in &v[1..] {
            chain.push(unverified(h)).unwrap();
        }
        let fork = 1;
        let a = sibling(&v[fork + 1], v[fork].hash);
        let b = sibling(&v[fork + 2], a.hash);
        let dropped = chain.reorganise(vec![a.clone(), b.clone()]).unwrap();
        assert_eq!(
            dropped.iter().map(|h| h.hash).collect::<Vec<_>>(),
            v[fork + 1..].iter().map(|h| h.hash).collect::<Vec<_>>()
        );
        assert_eq!(chain.tip().hash, b.hash);
        assert_eq!(chain.is_canonical(v[fork + 1].number(), v[fork + 1].hash), Some(false));
        assert_eq!(chain.is_canonical(v[fork + 1].number(), a.hash), Some(true));
        assert_eq!(chain.is_canonical(v[fork].number(), v[fork].hash), Some(true));
    }

    #[test]
    fn a_bad_branch_leaves_the_chain_untouched() {
        let v = verified_fixture();
        let mut chain = HeaderChain::new(v[0].clone());
        for h in &v[1..] {
            chain.push(unverified(h)).unwrap();
        }
        let a = sibling(&v[2], v[1].hash);
        // Second block of the branch does not link to the first.
        let b = sibling(&v[3], B256::repeat_byte(7));
        let err = chain.reorganise(vec![a, b]).unwrap_err();
        assert!(matches!(err, HeaderError::BrokenLink { .. }), "{err}");
        assert_eq!(chain.tip(), v.last().unwrap());
        // A branch whose parent the chain never held is too deep to judge.
        let orphan = sibling(&v[2], B256::repeat_byte(9));
        assert!(matches!(chain.reorganise(vec![orphan]).unwrap_err(), HeaderError::ReorgTooDeep { .. }));
        assert_eq!(chain.tip(), v.last().unwrap());
    }

    #[test]
    fn ancestors_verify_backwards_by_parent_hash() {
        let v = verified_fixture();
        let tip = v.last().unwrap();
        let older: Vec<VerifiedHash> = v[..v.len() - 1].iter().rev().map(unverified).collect();
        let got = verify_ancestors(&ChainRules::devnet(), tip, older).unwrap();
        assert_eq!(got.len(), v.len() - 1);
        assert_eq!(got.last().unwrap(), &v[0]);

        // A forged ancestor (any field changed) no longer hashes to what its child names.
        let mut forged: Vec<VerifiedHash> = v[..v.len() - 1].iter().rev().map(unverified).collect();
        forged[1].header.state_root = B256::repeat_byte(0x11);
        forged[1].hash = forged[1].header.hash_slow();
        let err = verify_ancestors(&ChainRules::devnet(), tip, forged).unwrap_err();
        assert!(matches!(err, HeaderError::NotAncestor { .. }), "{err}");
    }

    #[test]
    fn text_and_value_paths_agree_and_both_catch_forgeries() {
        let blocks = fixture();
        let text = serde_json::to_string(&blocks).unwrap();
        let trusted = hash_of(&blocks[0]);
        assert_eq!(verify_header_chain_text(trusted, &text).unwrap(), verify_header_chain(trusted, &blocks).unwrap());
        let mut forged = blocks.clone();
        forged[2]["stateRoot"] = Value::String(format!("0x{}", "11".repeat(32)));
        let err = verify_header_chain_text(trusted, &serde_json::to_string(&forged).unwrap()).unwrap_err();
        assert!(matches!(err, HeaderError::HashMismatch { .. }), "{err}");
        // Malformed input still names the block, through the per-block path.
        let mut broken = blocks;
        broken[1]["gasLimit"] = Value::String("not a number".into());
        let err = verify_header_chain_text(trusted, &serde_json::to_string(&broken).unwrap()).unwrap_err();
        assert!(matches!(&err, HeaderError::Malformed { number, .. } if number != "?"), "{err}");
        assert!(verify_header_chain_text(trusted, "not json").is_err());
        assert_eq!(verify_header_chain_text(trusted, "[]").unwrap_err(), HeaderError::Empty);
    }

    #[test]
    fn the_one_pass_reader_checks_claimed_hashes_and_reads_any_spelling() {
        let blocks = fixture();
        let trusted = hash_of(&blocks[0]);
        let expected = verify_header_chain(trusted, &blocks).unwrap();
        // A claimed hash that is not the header's own is caught, however the header reads.
        let mut lying = blocks.clone();
        lying[2]["hash"] = Value::String(format!("0x{}", "22".repeat(32)));
        let err = verify_header_chain_text(trusted, &serde_json::to_string(&lying).unwrap()).unwrap_err();
        assert!(matches!(err, HeaderError::HashMismatch { .. }), "{err}");
        // A block without a claimed hash (absent or null) is hashed all the same.
        let mut unclaimed = blocks.clone();
        unclaimed[1].as_object_mut().unwrap().remove("hash");
        unclaimed[2]["hash"] = Value::Null;
        assert_eq!(verify_header_chain_text(trusted, &serde_json::to_string(&unclaimed).unwrap()).unwrap(), expected);
        // Member names written with JSON escapes are the same names.
        let text = serde_json::to_string(&blocks).unwrap().replacen("\"gasLimit\"", "\"gas\\u004cimit\"", 1).replacen(
            "\"hash\"",
            "\"\\u0068ash\"",
            1,
        );
        assert!(text.contains("\\u0068ash") && text.contains("gas\\u004cimit"));
        assert_eq!(verify_header_chain_text(trusted, &text).unwrap(), expected);
        let mut lying = blocks;
        lying[0]["hash"] = Value::String(format!("0x{}", "33".repeat(32)));
        let text = serde_json::to_string(&lying).unwrap().replacen("\"hash\"", "\"\\u0068ash\"", 1);
        let err = verify_header_chain_text(trusted, &text).unwrap_err();
        assert!(matches!(err, HeaderError::HashMismatch { .. }), "an escaped name still claims the hash: {err}");
    }

    #[test]
    fn long_runs_are_counted_whole_not_by_the_window() {
        let mut blocks = fixture();
        let mut parent: Header = serde_json::from_value(blocks.last().unwrap().clone()).unwrap();
        while blocks.len() < HeaderChain::WINDOW + 40 {
            let mut child = parent.clone();
            child.number += 1;
            child.parent_hash = parent.hash_slow();
            child.gas_used = 0;
            child.base_fee_per_gas =
                parent.next_block_base_fee(alloy_eips::eip1559::BaseFeeParams::ethereum()).or(parent.base_fee_per_gas);
            let mut json = serde_json::to_value(&child).unwrap();
            json["hash"] = Value::String(child.hash_slow().to_string());
            blocks.push(json);
            parent = child;
        }
        let verified = verify_header_chain(hash_of(&blocks[0]), &blocks).unwrap();
        assert_eq!(verified.len(), blocks.len());
        assert_eq!(verified.last().unwrap().hash, parent.hash_slow());
        // A repeated block is refused, not silently counted.
        let mut repeated = blocks[..5].to_vec();
        repeated.insert(3, blocks[2].clone());
        assert!(matches!(verify_header_chain(hash_of(&blocks[0]), &repeated), Err(HeaderError::NotConsecutive { .. })));
    }

    fn blocks_number(b: &Value) -> u64 {
        crate::serde_hex::parse_u64(b["number"].as_str().unwrap()).unwrap()
    }
}
