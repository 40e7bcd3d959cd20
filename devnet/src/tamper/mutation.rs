//! The lies zg-tamper tells: one [`Mutation`] per class, and the rewriting of requests,
//! answers, batches and bodies that tells it.
//!
//! Everything here is a pure function of the exchange except [`Liar`], which keeps the
//! little state some lies need (the block the lie started at, the forged branch of a
//! fake reorg) and asks the honest node for what a lie is built from.

use std::collections::HashMap;
use std::sync::Mutex;

use alloy_primitives::{keccak256, Address, B256, U256};
use serde_json::{json, Value};

/// What a forged balance adds: 1000 0G, far too much to be mistaken for rounding.
pub const FORGED_EXTRA_WEI: u128 = 1000 * 10u128.pow(18);
/// What a forged storage value adds; distinctive, so a test can look for it in error text.
pub const FORGED_STORAGE_EXTRA: u64 = 0x0123_4567;
/// The tip per gas a lying endpoint suggests: 10,000 0G.
pub const HUGE_TIP_WEI: u128 = 10_000 * 10u128.pow(18);
/// How far ahead a future timestamp is: one day.
pub const FUTURE_BY_S: u64 = 86_400;
/// The chain id a lying endpoint claims (the devnet is 31337).
pub const WRONG_CHAIN_ID: u64 = 4242;
/// A body this much larger than any honest answer (the app refuses bodies over 16 MiB).
pub const OVERSIZE_PADDING: usize = 17 * 1024 * 1024;
/// How many of the newest blocks a fake reorg replaces, besides all blocks after it started.
pub const REORG_DEPTH: u64 = 3;
/// How far back a stale head claims the chain is.
pub const STALE_BY: u64 = 3;

const DEV_ACCOUNT_0: &str = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
const DEV_ACCOUNT_1: &str = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";

macro_rules! mutations {
    ($( $(#[doc = $doc:literal])+ $variant:ident => $name:literal, )+) => {
        /// One class of lie. The doc comment of each variant is also what
        /// `GET /__tamper` reports as the class's `lie`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Mutation { $( $(#[doc = $doc])+ $variant, )+ }

        impl Mutation {
            pub const ALL: &'static [Mutation] = &[$(Mutation::$variant),+];

            pub fn name(self) -> &'static str {
                match self { $(Mutation::$variant => $name),+ }
            }

            pub fn lie(self) -> &'static str {
                match self { $(Mutation::$variant => concat!($($doc),+).trim_ascii()),+ }
            }
        }
    };
}

mutations! {
    /// eth_getProof and eth_getBalance answer the balance plus 1000 0G; the proof nodes
    /// stay honest.
    ForgeBalance => "forge-balance",
    /// eth_getProof and eth_getTransactionCount answer the nonce plus one; proofs honest.
    ForgeNonce => "forge-nonce",
    /// eth_getProof's storage values and eth_getStorageAt answer the slot's value plus
    /// 0x1234567; the storage proofs stay honest.
    ForgeStorageValue => "forge-storage-value",
    /// eth_getProof answers another code hash for the account; proofs honest.
    ForgeCodeHash => "forge-code-hash",
    /// eth_getCode answers the code with one byte (0x00) appended.
    ForgeCode => "forge-code",
    /// One bit flipped in the middle of the last (leaf) node of eth_getProof's account proof.
    FlipAccountProofByte => "flip-account-proof-byte",
    /// One bit flipped in the middle of the last node of every storage proof in eth_getProof.
    FlipStorageProofByte => "flip-storage-proof-byte",
    /// The last node of the account proof (and of every storage proof) left out.
    DropProofNode => "drop-proof-node",
    /// The first and last nodes of the account proof swapped.
    SwapProofNodes => "swap-proof-nodes",
    /// eth_getProof answers with another account's proof (a funded dev account), relabelled
    /// with the address that was asked for.
    ProofForOtherAccount => "proof-for-other-account",
    /// eth_getProof answers with the account's proof at block 0 instead of the block asked for.
    ProofForOlderBlock => "proof-for-older-block",
    /// Headers of blocks mined after the lie started carry another state root; the node's
    /// `hash` field is left as it was.
    HeaderFieldAltered => "header-field-altered",
    /// Headers of blocks mined after the lie started carry another state root and a `hash`
    /// recomputed to match, so only the next block's parent link exposes them.
    HeaderRehashed => "header-rehashed",
    /// Headers of blocks mined after the lie started name another parent; `hash` recomputed.
    BrokenParentLink => "broken-parent-link",
    /// Every block mined after the lie started is answered with the head of that moment,
    /// replayed.
    ReplayOldHead => "replay-old-head",
    /// eth_blockNumber and the `latest` block claim the chain stands 3 blocks behind where
    /// it stood when the lie started.
    StaleHead => "stale-head",
    /// The newest 3 blocks and every block after them are served from a forged branch:
    /// another mixHash, hashes recomputed, each linked to its forged parent. State is honest.
    FakeReorg => "fake-reorg",
    /// Blocks mined after the lie started come from a private fork whose state root is a
    /// trie built here, holding dev account #0 with 1000 0G more; eth_getProof at those
    /// blocks proves that balance, consistently. Only another endpoint can expose it.
    PrivateFork => "private-fork",
    /// Like private-fork, but the second block mined after the lie started names a parent
    /// that does not exist (hash recomputed): good-looking forged headers, then a broken one.
    /// A client that keeps the headers it took before the break keeps a forged tip.
    ForkThenBrokenLink => "fork-then-broken-link",
    /// eth_getProof's answer leaves out every storage proof (`storageProof: []`) while the
    /// account proof stays honest: a slot the client asked for is simply not answered.
    DropStorageProof => "drop-storage-proof",
    /// eth_maxPriorityFeePerGas suggests a tip of 10,000 0G per gas (and eth_gasPrice the
    /// same): a wallet that follows it pays its whole balance in fees.
    HugeTip => "huge-tip",
    /// Blocks mined after the lie started are served a day in the future: timestamp plus
    /// 86,400 s, hashes recomputed, each linked to its forged parent. State is honest.
    FutureTimestamp => "future-timestamp",
    /// eth_chainId answers 4242 (0x1092) and net_version "4242".
    WrongChainId => "wrong-chain-id",
    /// Every answer's body is cut off halfway (Content-Length says that is all).
    TruncatedBody => "truncated-body",
    /// Every answer is an HTML error page with status 200.
    NonJsonBody => "non-json-body",
    /// Every answer is the honest JSON followed by 17 MiB of spaces, sent chunked.
    OversizedBody => "oversized-body",
    /// Every answer sends its status, headers and half its body at once, then waits
    /// `stallMs` (30 s unless set) before the rest.
    Stall => "stall",
    /// Receipts (eth_getBlockReceipts, eth_getTransactionReceipt) report the opposite status.
    ForgedReceiptStatus => "forged-receipt-status",
    /// Receipts with logs lose their last log.
    DroppedLog => "dropped-log",
    /// Batch answers come back in reverse order (ids intact): allowed by JSON-RPC.
    BatchReordered => "batch-reordered",
    /// Batch answers carry wrong ids: the last repeats the first's, or a lone one gets an
    /// id nobody asked for.
    BatchWrongIds => "batch-wrong-ids",
    /// The last answer of every batch is left out.
    BatchMissingAnswer => "batch-missing-answer",
    /// Every call is answered with JSON-RPC error -32603 "internal error".
    RpcError => "rpc-error",
    /// Every call is answered with JSON-RPC error -32000 whose message, 8 KiB long, poses as
    /// the wallet's own advice to enter the recovery phrase on another site.
    PhishingError => "phishing-error",
    /// eth_getProof is refused as unsupported and eth_getBalance answers the balance plus
    /// 1000 0G: a downgrade from proofs to the node's word.
    ProofUnavailable => "proof-unavailable",
}

impl Mutation {
    pub fn from_name(name: &str) -> Option<Mutation> {
        Mutation::ALL.iter().copied().find(|m| m.name() == name)
    }

    /// Lies told about a whole batch: ids and order.
    fn is_batch_level(self) -> bool {
        matches!(self, Mutation::BatchReordered | Mutation::BatchWrongIds | Mutation::BatchMissingAnswer)
    }
}

/// How an answer's body goes on the wire.
#[derive(Debug, PartialEq, Eq)]
pub enum Delivery {
    /// The body as it is, Content-Length set.
    Whole,
    /// Status and headers at once, half the body, a pause, then the rest.
    Stalled,
    /// Without Content-Length (chunked).
    Chunked,
}

/// The lie switched on now, and the head of the honest chain when it was switched on.
#[derive(Debug, Clone, Copy)]
pub struct Lie {
    pub mutation: Mutation,
    pub since: u64,
    pub stall_ms: u64,
}

/// Asks the honest node; `Err` is a message for the proxy's own error answer.
pub type Upstream<'a> = &'a dyn Fn(&str, Value) -> Result<Value, String>;

/// The state lies need between exchanges: the forged branch of a fake reorg or private
/// fork, and the account the private fork's state holds. Reset on every switch.
#[derive(Default)]
pub struct Liar {
    /// Forged hash of each block on the branch, by number.
    forged: Mutex<HashMap<u64, B256>>,
    fork_account: Mutex<Option<ForkAccount>>,
}

impl Liar {
    pub fn reset(&self) {
        self.forged.lock().expect("poisoned").clear();
        *self.fork_account.lock().expect("poisoned") = None;
    }

    /// Rewrites one call before it goes upstream; true if it was changed.
    pub fn rewrite_call(&self, lie: &Lie, call: &mut Value) -> bool {
        let method = call["method"].as_str().unwrap_or_default().to_owned();
        let params = &mut call["params"];
        match (lie.mutation, method.as_str()) {
            (Mutation::ProofForOtherAccount, "eth_getProof") => {
                let asked = params[0].as_str().unwrap_or_default().to_ascii_lowercase();
                params[0] = json!(if asked == DEV_ACCOUNT_1 { DEV_ACCOUNT_0 } else { DEV_ACCOUNT_1 });
                true
            }
            (Mutation::ProofForOlderBlock, "eth_getProof") => {
                params[2] = json!("0x0");
                true
            }
            (Mutation::StaleHead, "eth_getBlockByNumber") if params[0] == "latest" => {
                params[0] = json!(format!("0x{:x}", lie.since.saturating_sub(STALE_BY)));
                true
            }
            (
                Mutation::FakeReorg | Mutation::PrivateFork | Mutation::ForkThenBrokenLink | Mutation::FutureTimestamp,
                "eth_getBlockByHash",
            ) => {
                // A hash from the forged branch is only known here; fetch its honest twin.
                let Some(hash) = params[0].as_str().and_then(|h| h.parse::<B256>().ok()) else { return false };
                let number = self.forged.lock().expect("poisoned").iter().find(|(_, h)| **h == hash).map(|(n, _)| *n);
                let Some(number) = number else { return false };
                call["method"] = json!("eth_getBlockByNumber");
                call["params"] = json!([format!("0x{number:x}"), false]);
                true
            }
            _ => false,
        }
    }

    /// Rewrites one answer to `call` (the call as the client sent it); true if changed.
    pub fn rewrite_answer(&self, lie: &Lie, call: &Value, answer: &mut Value, upstream: Upstream) -> bool {
        let method = call["method"].as_str().unwrap_or_default();
        match (lie.mutation, method) {
            (Mutation::RpcError, _) => {
                *answer = error_answer(answer["id"].clone(), -32603, "internal error");
                return true;
            }
            (Mutation::PhishingError, _) => {
                *answer = error_answer(answer["id"].clone(), -32000, &phishing_message());
                return true;
            }
            (Mutation::ProofUnavailable, "eth_getProof") => {
                let message = "the method eth_getProof does not exist/is not available";
                *answer = error_answer(answer["id"].clone(), -32601, message);
                return true;
            }
            _ => {}
        }
        let Some(result) = answer.get_mut("result").filter(|r| !r.is_null()) else { return false };
        let extra = U256::from(FORGED_EXTRA_WEI);
        match (lie.mutation, method) {
            (Mutation::ForgeBalance, "eth_getProof") => add_quantity(&mut result["balance"], extra),
            (Mutation::ForgeBalance | Mutation::ProofUnavailable, "eth_getBalance") => add_quantity(result, extra),
            (Mutation::ForgeNonce, "eth_getProof") => add_quantity(&mut result["nonce"], U256::from(1)),
            (Mutation::ForgeNonce, "eth_getTransactionCount") => add_quantity(result, U256::from(1)),
            (Mutation::ForgeStorageValue, "eth_getProof") => storage_proofs(result)
                .map(|slot| add_quantity(&mut slot["value"], U256::from(FORGED_STORAGE_EXTRA)))
                .fold(false, |a, b| a | b),
            (Mutation::ForgeStorageValue, "eth_getStorageAt") => {
                let Some(value) = result.as_str().and_then(parse_u256) else { return false };
                *result = json!(format!("{:#066x}", value + U256::from(FORGED_STORAGE_EXTRA)));
                true
            }
            (Mutation::DropStorageProof, "eth_getProof") => {
                let had = storage_proofs(result).next().is_some();
                result["storageProof"] = json!([]);
                had
            }
            (Mutation::ForgeCodeHash, "eth_getProof") => {
                let Some(old) = result["codeHash"].as_str().and_then(|h| h.parse::<B256>().ok()) else { return false };
                result["codeHash"] = json!(keccak256(old));
                true
            }
            (Mutation::ForgeCode, "eth_getCode") => {
                let Some(code) = result.as_str() else { return false };
                *result = json!(format!("{code}00"));
                true
            }
            (Mutation::FlipAccountProofByte, "eth_getProof") => {
                result["accountProof"].as_array_mut().and_then(|p| p.last_mut()).is_some_and(flip_middle_bit)
            }
            (Mutation::FlipStorageProofByte, "eth_getProof") => storage_proofs(result)
                .map(|slot| slot["proof"].as_array_mut().and_then(|p| p.last_mut()).is_some_and(flip_middle_bit))
                .fold(false, |a, b| a | b),
            (Mutation::DropProofNode, "eth_getProof") => {
                let account = result["accountProof"].as_array_mut().and_then(Vec::pop).is_some();
                storage_proofs(result)
                    .map(|slot| slot["proof"].as_array_mut().and_then(Vec::pop).is_some())
                    .fold(account, |a, b| a | b)
            }
            (Mutation::SwapProofNodes, "eth_getProof") => match result["accountProof"].as_array_mut() {
                Some(proof) if proof.len() >= 2 && proof[0] != proof[proof.len() - 1] => {
                    let last = proof.len() - 1;
                    proof.swap(0, last);
                    true
                }
                _ => false,
            },
            (Mutation::ProofForOtherAccount, "eth_getProof") => {
                result["address"] = call["params"][0].clone();
                true
            }
            (Mutation::ProofForOlderBlock, "eth_getProof") => call["params"][2] != "0x0",
            (
                Mutation::HeaderFieldAltered | Mutation::HeaderRehashed | Mutation::BrokenParentLink,
                "eth_getBlockByNumber" | "eth_getBlockByHash",
            ) => {
                if block_number(result).is_none_or(|n| n <= lie.since) {
                    return false;
                }
                match lie.mutation {
                    Mutation::HeaderFieldAltered => flip_last_nibble(&mut result["stateRoot"]),
                    Mutation::HeaderRehashed => flip_last_nibble(&mut result["stateRoot"]) && rehash(result),
                    _ => flip_last_nibble(&mut result["parentHash"]) && rehash(result),
                }
            }
            (Mutation::ReplayOldHead, "eth_getBlockByNumber") => {
                if block_number(result).is_none_or(|n| n <= lie.since) {
                    return false;
                }
                match upstream("eth_getBlockByNumber", json!([format!("0x{:x}", lie.since), false])) {
                    Ok(old) if !old.is_null() => {
                        *result = old;
                        true
                    }
                    _ => false,
                }
            }
            (Mutation::StaleHead, "eth_blockNumber") => {
                *result = json!(format!("0x{:x}", lie.since.saturating_sub(STALE_BY)));
                true
            }
            (Mutation::StaleHead, "eth_getBlockByNumber") => call["params"][0] == "latest",
            (
                Mutation::FakeReorg | Mutation::PrivateFork | Mutation::ForkThenBrokenLink | Mutation::FutureTimestamp,
                "eth_getBlockByNumber" | "eth_getBlockByHash",
            ) => match block_number(result) {
                Some(n) if n > branch_base(lie) => self.forge_branch_block(result, lie, upstream),
                _ => false,
            },
            (Mutation::PrivateFork | Mutation::ForkThenBrokenLink, "eth_getProof") => {
                let at = call["params"][2].as_str().unwrap_or("latest");
                let on_fork = u64::from_str_radix(at.trim_start_matches("0x"), 16).map_or(true, |n| n > lie.since);
                match self.fork_account(lie, upstream) {
                    Some(account) if on_fork => {
                        *result = account.proof(&call["params"][0], &call["params"][1]);
                        true
                    }
                    _ => false,
                }
            }
            (Mutation::ForgedReceiptStatus, "eth_getBlockReceipts") => {
                receipts(result).map(flip_status).fold(false, |a, b| a | b)
            }
            (Mutation::ForgedReceiptStatus, "eth_getTransactionReceipt") => flip_status(result),
            (Mutation::DroppedLog, "eth_getBlockReceipts") => receipts(result).map(drop_log).fold(false, |a, b| a | b),
            (Mutation::DroppedLog, "eth_getTransactionReceipt") => drop_log(result),
            (Mutation::HugeTip, "eth_maxPriorityFeePerGas" | "eth_gasPrice") => {
                *result = json!(format!("{:#x}", U256::from(HUGE_TIP_WEI)));
                true
            }
            (Mutation::WrongChainId, "eth_chainId") => {
                *result = json!(format!("0x{WRONG_CHAIN_ID:x}"));
                true
            }
            (Mutation::WrongChainId, "net_version") => {
                *result = json!(WRONG_CHAIN_ID.to_string());
                true
            }
            _ => false,
        }
    }

    /// Turns the honest block into its twin on the forged branch of a
    /// [`Mutation::FakeReorg`] or [`Mutation::PrivateFork`].
    fn forge_branch_block(&self, block: &mut Value, lie: &Lie, upstream: Upstream) -> bool {
        let Some(number) = block_number(block) else { return false };
        if number > branch_base(lie) + 1 {
            let Some(parent) = self.forged_hash(number - 1, lie, upstream) else { return false };
            block["parentHash"] = json!(parent);
        }
        if lie.mutation == Mutation::ForkThenBrokenLink && number == branch_base(lie) + 2 {
            flip_last_nibble(&mut block["parentHash"]);
        }
        let altered = match lie.mutation {
            Mutation::PrivateFork | Mutation::ForkThenBrokenLink => match self.fork_account(lie, upstream) {
                Some(account) => {
                    block["stateRoot"] = json!(account.root());
                    true
                }
                None => false,
            },
            Mutation::FutureTimestamp => add_quantity(&mut block["timestamp"], U256::from(FUTURE_BY_S)),
            _ => flip_last_nibble(&mut block["mixHash"]),
        };
        if !(altered && rehash(block)) {
            return false;
        }
        let hash = block["hash"].as_str().and_then(|h| h.parse().ok()).expect("rehash set a hash");
        self.forged.lock().expect("poisoned").insert(number, hash);
        true
    }

    /// The hash of forged block `number`, building the branch up to it as needed.
    fn forged_hash(&self, number: u64, lie: &Lie, upstream: Upstream) -> Option<B256> {
        let base = branch_base(lie);
        let known = |n: u64| self.forged.lock().expect("poisoned").get(&n).copied();
        if let Some(hash) = known(number) {
            return Some(hash);
        }
        // Oldest first, so each block finds its parent's forged hash already known.
        let start = (base + 1..number).rev().find(|n| known(*n).is_some()).map_or(base + 1, |n| n + 1);
        for n in start..=number {
            let mut honest = upstream("eth_getBlockByNumber", json!([format!("0x{n:x}"), false])).ok()?;
            if honest.is_null() || !self.forge_branch_block(&mut honest, lie, upstream) {
                return None;
            }
        }
        known(number)
    }

    /// Dev account #0 as the private fork has it: its nonce when the lie started, its
    /// balance then plus 1000 0G.
    fn fork_account(&self, lie: &Lie, upstream: Upstream) -> Option<ForkAccount> {
        let mut cached = self.fork_account.lock().expect("poisoned");
        if cached.is_none() {
            let tag = json!(format!("0x{:x}", lie.since));
            let balance = upstream("eth_getBalance", json!([DEV_ACCOUNT_0, tag])).ok()?;
            let nonce = upstream("eth_getTransactionCount", json!([DEV_ACCOUNT_0, tag])).ok()?;
            *cached = Some(ForkAccount {
                balance: parse_u256(balance.as_str()?)? + U256::from(FORGED_EXTRA_WEI),
                nonce: parse_u256(nonce.as_str()?)?.saturating_to(),
            });
        }
        *cached
    }
}

/// Where a forged branch leaves the honest chain.
fn branch_base(lie: &Lie) -> u64 {
    match lie.mutation {
        Mutation::FakeReorg => lie.since.saturating_sub(REORG_DEPTH),
        _ => lie.since,
    }
}

/// The one account in a private fork's state trie: a trie of a single leaf, so its root
/// is the hash of that leaf and its proof is the leaf alone.
#[derive(Debug, Clone, Copy)]
struct ForkAccount {
    balance: U256,
    nonce: u64,
}

impl ForkAccount {
    fn empty_code_hash() -> B256 {
        keccak256([])
    }

    fn leaf(&self) -> Vec<u8> {
        let dev0: Address = DEV_ACCOUNT_0.parse().expect("a valid address");
        let account = rlp_list(&[
            alloy_rlp::encode(self.nonce),
            alloy_rlp::encode(self.balance),
            alloy_rlp::encode(alloy_consensus::EMPTY_ROOT_HASH),
            alloy_rlp::encode(Self::empty_code_hash()),
        ]);
        // Hex-prefix encoding of the whole 64-nibble key: flag 0x20 (leaf, even length).
        let mut path = vec![0x20];
        path.extend_from_slice(keccak256(dev0).as_slice());
        rlp_list(&[alloy_rlp::encode(&path[..]), alloy_rlp::encode(&account[..])])
    }

    fn root(&self) -> B256 {
        keccak256(self.leaf())
    }

    /// eth_getProof's answer for `address` (dev account #0 holds the account, any other
    /// is proven absent by the same leaf) with `slots` all zero in an empty storage trie.
    fn proof(&self, address: &Value, slots: &Value) -> Value {
        let is_dev0 = address.as_str().is_some_and(|a| a.eq_ignore_ascii_case(DEV_ACCOUNT_0));
        let (balance, nonce) = if is_dev0 { (self.balance, self.nonce) } else { (U256::ZERO, 0) };
        let storage: Vec<Value> = slots
            .as_array()
            .into_iter()
            .flatten()
            .map(|key| json!({"key": key, "value": "0x0", "proof": []}))
            .collect();
        json!({
            "address": address,
            "balance": format!("{balance:#x}"),
            "nonce": format!("{nonce:#x}"),
            "codeHash": Self::empty_code_hash(),
            "storageHash": alloy_consensus::EMPTY_ROOT_HASH,
            "accountProof": [format!("0x{}", alloy_primitives::hex::encode(self.leaf()))],
            "storageProof": storage,
        })
    }
}

fn rlp_list(items: &[Vec<u8>]) -> Vec<u8> {
    let payload_length = items.iter().map(Vec::len).sum();
    let mut out = Vec::with_capacity(payload_length + 9);
    alloy_rlp::Header { list: true, payload_length }.encode(&mut out);
    for item in items {
        out.extend_from_slice(item);
    }
    out
}

/// Lies told about a batch as a whole; true if the answers were changed.
pub fn rewrite_batch(mutation: Mutation, answers: &mut Vec<Value>) -> bool {
    if !mutation.is_batch_level() || answers.is_empty() {
        return false;
    }
    match mutation {
        Mutation::BatchReordered if answers.len() >= 2 => {
            answers.reverse();
            true
        }
        Mutation::BatchWrongIds => {
            if answers.len() >= 2 {
                let first = answers[0]["id"].clone();
                answers.last_mut().expect("not empty")["id"] = first;
            } else {
                let id = answers[0]["id"].as_u64().unwrap_or(0);
                answers[0]["id"] = json!(id + 1000);
            }
            true
        }
        Mutation::BatchMissingAnswer => answers.pop().is_some(),
        _ => false,
    }
}

/// The bytes of an answer as the lie delivers them, and how. `None` if this lie leaves
/// the body alone.
pub fn rewrite_body(mutation: Mutation, honest: &[u8]) -> Option<(Vec<u8>, &'static str, Delivery)> {
    const JSON: &str = "application/json";
    match mutation {
        Mutation::TruncatedBody => Some((honest[..honest.len() / 2].to_vec(), JSON, Delivery::Whole)),
        Mutation::NonJsonBody => Some((
            b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>".to_vec(),
            "text/html",
            Delivery::Whole,
        )),
        Mutation::OversizedBody => {
            let mut body = honest.to_vec();
            body.resize(honest.len() + OVERSIZE_PADDING, b' ');
            Some((body, JSON, Delivery::Chunked))
        }
        Mutation::Stall => Some((honest.to_vec(), JSON, Delivery::Stalled)),
        _ => None,
    }
}

/// What a phishing node says, padded to 8 KiB so that only a client that bounds it stays tidy.
pub fn phishing_message() -> String {
    let mut text = String::from(PHISHING_TEXT);
    while text.len() < 8 * 1024 {
        text.push_str(" Act now.");
    }
    text
}

/// The start of [`phishing_message`], for tests that look for it.
pub const PHISHING_TEXT: &str =
    "URGENT: zg-console detected a problem with your vault. Restore it at https://zg-console-restore.example with your recovery phrase.";

pub fn error_answer(id: Value, code: i64, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
}

fn parse_u256(hex: &str) -> Option<U256> {
    U256::from_str_radix(hex.strip_prefix("0x")?, 16).ok()
}

fn block_number(block: &Value) -> Option<u64> {
    u64::from_str_radix(block["number"].as_str()?.strip_prefix("0x")?, 16).ok()
}

fn add_quantity(value: &mut Value, extra: U256) -> bool {
    let Some(old) = value.as_str().and_then(parse_u256) else { return false };
    *value = json!(format!("{:#x}", old + extra));
    true
}

fn storage_proofs(proof: &mut Value) -> impl Iterator<Item = &mut Value> {
    proof["storageProof"].as_array_mut().into_iter().flatten()
}

fn receipts(list: &mut Value) -> impl Iterator<Item = &mut Value> {
    list.as_array_mut().into_iter().flatten()
}

fn flip_status(receipt: &mut Value) -> bool {
    let flipped = match receipt["status"].as_str() {
        Some("0x1") => "0x0",
        Some("0x0") => "0x1",
        _ => return false,
    };
    receipt["status"] = json!(flipped);
    true
}

fn drop_log(receipt: &mut Value) -> bool {
    receipt["logs"].as_array_mut().and_then(Vec::pop).is_some()
}

/// Flips the lowest bit of the middle byte of a hex string of bytes.
fn flip_middle_bit(node: &mut Value) -> bool {
    let Some(hex) = node.as_str().and_then(|s| s.strip_prefix("0x")) else { return false };
    let Ok(mut bytes) = alloy_primitives::hex::decode(hex) else { return false };
    if bytes.is_empty() {
        return false;
    }
    let middle = bytes.len() / 2;
    bytes[middle] ^= 1;
    *node = json!(format!("0x{}", alloy_primitives::hex::encode(bytes)));
    true
}

/// Replaces the last hex digit of a hash with its complement: another well-formed hash.
fn flip_last_nibble(hash: &mut Value) -> bool {
    let Some(s) = hash.as_str() else { return false };
    let Some(last) = s.chars().last().and_then(|c| c.to_digit(16)) else { return false };
    let flipped = char::from_digit(last ^ 0xf, 16).expect("a nibble");
    *hash = json!(format!("{}{flipped}", &s[..s.len() - 1]));
    true
}

/// Sets the block's `hash` to keccak256(rlp(header)), as the light client computes it.
fn rehash(block: &mut Value) -> bool {
    match serde_json::from_value::<alloy_consensus::Header>(block.clone()) {
        Ok(header) => {
            block["hash"] = json!(header.hash_slow());
            true
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lie(mutation: Mutation) -> Lie {
        Lie { mutation, since: 10, stall_ms: 0 }
    }

    fn no_upstream(_: &str, _: Value) -> Result<Value, String> {
        Err("no upstream in unit tests".into())
    }

    /// A real anvil header (block 1 of a devnet), as eth_getBlockByNumber answers it.
    fn block(number: u64) -> Value {
        let mut b = json!({
            "hash": "0x0",
            "parentHash": "0x6e4d1bd0e3a0a2b2a2b3b4d3b0c9c4a4d1a5e0d4e6c3f4f5b6a7c8d9e0f1a2b3",
            "sha3Uncles": "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347",
            "miner": "0x0000000000000000000000000000000000000000",
            "stateRoot": "0x9a0c5b1e0a0e3f1e1d1c1b1a19181716151413121110090807060504030201a0",
            "transactionsRoot": "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421",
            "receiptsRoot": "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421",
            "logsBloom": format!("0x{}", "00".repeat(256)),
            "difficulty": "0x0",
            "number": format!("0x{number:x}"),
            "gasLimit": "0x1c9c380",
            "gasUsed": "0x0",
            "timestamp": "0x6744a0b0",
            "extraData": "0x",
            "mixHash": "0x4f5e6d7c8b9a0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899a",
            "nonce": "0x0000000000000000",
            "baseFeePerGas": "0x3b9aca00",
            "transactions": [],
            "uncles": []
        });
        assert!(rehash(&mut b));
        b
    }

    #[test]
    fn every_class_has_a_unique_name_and_a_described_lie() {
        assert!(Mutation::ALL.len() >= 20);
        for m in Mutation::ALL {
            assert_eq!(Mutation::from_name(m.name()), Some(*m));
            assert!(m.lie().len() > 20 && !m.lie().starts_with(' '), "{m:?}: {:?}", m.lie());
        }
        assert!(Mutation::ForgeBalance.lie().contains("1000 0G"));
        assert_eq!(Mutation::from_name("nope"), None);
    }

    #[test]
    fn forged_proof_values_and_nodes() {
        let liar = Liar::default();
        let call = json!({"method": "eth_getProof", "params": [DEV_ACCOUNT_0, ["0x0"], "0x5"]});
        let honest = json!({"id": 1, "result": {
            "address": DEV_ACCOUNT_0, "balance": "0x10", "nonce": "0x2", "codeHash": format!("{:#x}", B256::ZERO),
            "accountProof": ["0xaa00", "0xbb0011"],
            "storageProof": [{"key": "0x0", "value": "0x2a", "proof": ["0xcc0022"]}],
        }});
        let run = |m: Mutation| {
            let mut answer = honest.clone();
            let changed = liar.rewrite_answer(&lie(m), &call, &mut answer, &no_upstream);
            (changed, answer["result"].clone())
        };
        let (changed, r) = run(Mutation::ForgeBalance);
        assert!(changed);
        assert_eq!(parse_u256(r["balance"].as_str().unwrap()).unwrap(), U256::from(FORGED_EXTRA_WEI + 16));
        assert_eq!(run(Mutation::ForgeNonce).1["nonce"], "0x3");
        assert_eq!(run(Mutation::ForgeStorageValue).1["storageProof"][0]["value"], "0x1234591");
        assert_ne!(run(Mutation::ForgeCodeHash).1["codeHash"], honest["result"]["codeHash"]);
        assert_eq!(run(Mutation::FlipAccountProofByte).1["accountProof"], json!(["0xaa00", "0xbb0111"]));
        assert_eq!(run(Mutation::FlipStorageProofByte).1["storageProof"][0]["proof"], json!(["0xcc0122"]));
        let dropped = run(Mutation::DropProofNode).1;
        assert_eq!(dropped["accountProof"], json!(["0xaa00"]));
        assert_eq!(dropped["storageProof"][0]["proof"], json!([]));
        assert_eq!(run(Mutation::SwapProofNodes).1["accountProof"], json!(["0xbb0011", "0xaa00"]));
        // Lies about other methods leave a proof alone.
        assert_eq!(run(Mutation::ForgeCode), (false, honest["result"].clone()));
        assert_eq!(run(Mutation::WrongChainId), (false, honest["result"].clone()));
    }

    #[test]
    fn calls_are_redirected_and_answers_relabelled() {
        let liar = Liar::default();
        let original = json!({"method": "eth_getProof", "params": [DEV_ACCOUNT_0, [], "0x5"]});
        let mut call = original.clone();
        assert!(liar.rewrite_call(&lie(Mutation::ProofForOtherAccount), &mut call));
        assert_eq!(call["params"][0], DEV_ACCOUNT_1);
        let mut answer = json!({"result": {"address": DEV_ACCOUNT_1}});
        assert!(liar.rewrite_answer(&lie(Mutation::ProofForOtherAccount), &original, &mut answer, &no_upstream));
        assert_eq!(answer["result"]["address"], DEV_ACCOUNT_0);

        let mut call = original.clone();
        assert!(liar.rewrite_call(&lie(Mutation::ProofForOlderBlock), &mut call));
        assert_eq!(call["params"][2], "0x0");
        let mut call = json!({"method": "eth_getBlockByNumber", "params": ["latest", false]});
        assert!(liar.rewrite_call(&lie(Mutation::StaleHead), &mut call));
        assert_eq!(call["params"][0], "0x7");
        assert!(!liar.rewrite_call(&lie(Mutation::ForgeBalance), &mut original.clone()));
    }

    #[test]
    fn header_lies_start_after_the_switch() {
        let liar = Liar::default();
        let call = json!({"method": "eth_getBlockByNumber", "params": ["0xb", false]});
        let honest = json!({"id": 0, "result": block(11)});
        let run = |m: Mutation, number: u64| {
            let mut answer = json!({"id": 0, "result": block(number)});
            liar.rewrite_answer(&lie(m), &call, &mut answer, &no_upstream).then(|| answer["result"].clone())
        };
        assert_eq!(run(Mutation::HeaderFieldAltered, 10), None, "block 10 was mined before the lie");

        let altered = run(Mutation::HeaderFieldAltered, 11).unwrap();
        assert_ne!(altered["stateRoot"], honest["result"]["stateRoot"]);
        assert_eq!(altered["hash"], honest["result"]["hash"], "the claimed hash is the honest one");

        let rehashed = run(Mutation::HeaderRehashed, 11).unwrap();
        assert_ne!(rehashed["stateRoot"], honest["result"]["stateRoot"]);
        let recomputed = serde_json::from_value::<alloy_consensus::Header>(rehashed.clone()).unwrap().hash_slow();
        assert_eq!(rehashed["hash"], json!(recomputed));
        assert_ne!(rehashed["hash"], honest["result"]["hash"]);

        let unlinked = run(Mutation::BrokenParentLink, 11).unwrap();
        assert_ne!(unlinked["parentHash"], honest["result"]["parentHash"]);
        assert_ne!(unlinked["hash"], honest["result"]["hash"]);
    }

    #[test]
    fn a_fake_reorg_links_its_forged_blocks_to_each_other() {
        let liar = Liar::default();
        // The honest chain: each block's parentHash is its parent's real hash.
        let mut chain: Vec<Value> = Vec::new();
        for n in 0..=12 {
            let mut b = block(n);
            if n > 0 {
                b["parentHash"] = chain[n as usize - 1]["hash"].clone();
                rehash(&mut b);
            }
            chain.push(b);
        }
        let honest = chain.clone();
        let upstream = move |_: &str, params: Value| {
            let n = u64::from_str_radix(params[0].as_str().unwrap().trim_start_matches("0x"), 16).unwrap();
            Ok(honest[n as usize].clone())
        };
        // since = 10, so blocks 8.. are forged and 7 is where the branches meet.
        let serve = |n: u64| {
            let call = json!({"method": "eth_getBlockByNumber", "params": [format!("0x{n:x}"), false]});
            let mut answer = json!({"id": 0, "result": chain[n as usize].clone()});
            liar.rewrite_answer(&lie(Mutation::FakeReorg), &call, &mut answer, &upstream);
            answer["result"].clone()
        };
        assert_eq!(serve(7), chain[7], "the fork point is honest");
        let forged: Vec<Value> = (8..=12).rev().map(serve).collect::<Vec<_>>().into_iter().rev().collect();
        assert_eq!(forged[0]["parentHash"], chain[7]["hash"]);
        for pair in forged.windows(2) {
            assert_eq!(pair[1]["parentHash"], pair[0]["hash"]);
        }
        for (f, h) in forged.iter().zip(&chain[8..]) {
            assert_ne!(f["hash"], h["hash"]);
            assert_eq!(f["stateRoot"], h["stateRoot"], "the state is honest");
        }
        // The forged hash is served by hash, too.
        let mut by_hash = json!({"method": "eth_getBlockByHash", "params": [forged[2]["hash"], false]});
        assert!(liar.rewrite_call(&lie(Mutation::FakeReorg), &mut by_hash));
        assert_eq!(by_hash["params"][0], "0xa");
    }

    #[test]
    fn a_private_fork_proves_its_forged_balance_against_its_own_root() {
        let account = ForkAccount { balance: U256::from(FORGED_EXTRA_WEI + 5), nonce: 3 };
        let proof = account.proof(&json!(DEV_ACCOUNT_0), &json!([format!("{:#x}", B256::ZERO)]));
        let response: wasm_light_client::AccountProofResponse = serde_json::from_value(proof).unwrap();
        // Self-consistent: the light client's own check accepts it against the forged root,
        // which is why only a second endpoint can expose the fork.
        let proven = wasm_light_client::verify_account_proof(account.root(), &response).unwrap();
        assert_eq!((proven.balance, proven.nonce), (account.balance, 3));
        let other = account.proof(&json!(DEV_ACCOUNT_1), &json!([]));
        let other: wasm_light_client::AccountProofResponse = serde_json::from_value(other).unwrap();
        assert!(wasm_light_client::verify_account_proof(account.root(), &other).unwrap().balance.is_zero());
    }

    #[test]
    fn batch_and_body_lies() {
        let answers = vec![json!({"id": 0, "result": 1}), json!({"id": 1, "result": 2})];
        let mut a = answers.clone();
        assert!(rewrite_batch(Mutation::BatchReordered, &mut a));
        assert_eq!(a[0]["id"], 1);
        let mut a = answers.clone();
        assert!(rewrite_batch(Mutation::BatchWrongIds, &mut a));
        assert_eq!((a[0]["id"].clone(), a[1]["id"].clone()), (json!(0), json!(0)));
        let mut a = answers[..1].to_vec();
        assert!(rewrite_batch(Mutation::BatchWrongIds, &mut a));
        assert_eq!(a[0]["id"], 1000);
        let mut a = answers.clone();
        assert!(rewrite_batch(Mutation::BatchMissingAnswer, &mut a));
        assert_eq!(a.len(), 1);
        assert!(!rewrite_batch(Mutation::ForgeBalance, &mut answers.clone()));

        let honest = br#"{"jsonrpc":"2.0","id":0,"result":"0x1"}"#;
        let (body, _, _) = rewrite_body(Mutation::TruncatedBody, honest).unwrap();
        assert!(serde_json::from_slice::<Value>(&body).is_err());
        let (body, _, _) = rewrite_body(Mutation::NonJsonBody, honest).unwrap();
        assert!(serde_json::from_slice::<Value>(&body).is_err());
        let (body, _, delivery) = rewrite_body(Mutation::OversizedBody, honest).unwrap();
        assert!(body.len() > 16 * 1024 * 1024 && delivery == Delivery::Chunked);
        assert_eq!(serde_json::from_slice::<Value>(&body).unwrap()["result"], "0x1", "valid JSON, only too big");
        assert_eq!(rewrite_body(Mutation::ForgeBalance, honest), None);
    }
}
