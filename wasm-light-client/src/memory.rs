//! An EVM node in memory, for testing the provider without a network: a chain of
//! synthetic headers that follow the devnet's rules, each committing to a state (accounts,
//! balances, code, storage) through a real Merkle-Patricia state root, served through
//! [`EthNode`] with real proofs, and switched to another branch, made to lie or taken down
//! on command.
//!
//! Its blocks hold no transactions: receipts and logs are proven against real nodes, in
//! `devnet/tests/`.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

use alloy_consensus::{Header, ReceiptEnvelope, EMPTY_OMMER_ROOT_HASH};
use alloy_eips::eip1559::BaseFeeParams;
use alloy_primitives::{keccak256, Address, Bytes, Log, B256, U256};
use alloy_trie::proof::ProofRetainer;
use alloy_trie::{nybbles::Nibbles, HashBuilder, TrieAccount, EMPTY_ROOT_HASH, KECCAK_EMPTY};

use crate::account::{AccountProofResponse, StorageProofResponse};
use crate::call::CallRequest;
use crate::header::VerifiedHash;
use crate::node::{AccessList, EthNode, NodeError, ProofRequest};
use crate::provider::TransportError;

/// The genesis every [`MemoryNode`] starts from (fixed, so two nodes share it).
pub fn genesis() -> Header {
    Header {
        number: 0,
        gas_limit: 30_000_000,
        base_fee_per_gas: Some(1_000_000_000),
        timestamp: 1_700_000_000,
        ommers_hash: EMPTY_OMMER_ROOT_HASH,
        state_root: EMPTY_ROOT_HASH,
        transactions_root: EMPTY_ROOT_HASH,
        receipts_root: EMPTY_ROOT_HASH,
        ..Header::default()
    }
}

/// The child of `parent` that the devnet's rules accept: one second later, empty, its base
/// fee as EIP-1559 sets it, the state unchanged. `branch` goes into `extra_data`, so two
/// branches built on the same parent differ in hash.
pub fn child(parent: &Header, branch: u8) -> Header {
    Header {
        parent_hash: parent.hash_slow(),
        number: parent.number + 1,
        gas_limit: parent.gas_limit,
        base_fee_per_gas: parent.next_block_base_fee(BaseFeeParams::ethereum()),
        timestamp: parent.timestamp + 1,
        ommers_hash: EMPTY_OMMER_ROOT_HASH,
        state_root: parent.state_root,
        transactions_root: EMPTY_ROOT_HASH,
        receipts_root: EMPTY_ROOT_HASH,
        extra_data: Bytes::from(vec![branch]),
        ..Header::default()
    }
}

/// One account in the node's state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemoryAccount {
    pub balance: U256,
    pub nonce: u64,
    pub code: Bytes,
    pub storage: BTreeMap<U256, U256>,
}

type State = BTreeMap<Address, MemoryAccount>;

struct Block {
    header: Header,
    state: Rc<State>,
}

/// Ways the node can be made to misbehave.
#[derive(Debug, Default)]
struct Faults {
    /// This many of the next proofs it serves claim one wei more than the account holds.
    bad_proofs: u32,
    /// It serves code other than the account's.
    bad_code: bool,
    /// It does not serve `eth_getProof` (some public endpoints do not).
    no_proofs: bool,
    /// Every request fails as if the node were down.
    down: bool,
}

/// An EVM node that holds one chain of blocks, and the state each commits to, in memory.
pub struct MemoryNode {
    name: String,
    chain: RefCell<Vec<Block>>,
    /// The state the next mined block commits to; changed by the `set_*` methods.
    pending: RefCell<State>,
    chain_id: u64,
    faults: RefCell<Faults>,
    /// What `eth_createAccessList` answers, whatever the call.
    hint: RefCell<AccessList>,
    proofs_served: Cell<usize>,
    headers_served: Cell<usize>,
}

impl MemoryNode {
    /// A node whose chain is genesis plus `blocks` blocks, every account empty.
    pub fn new(name: &str, blocks: u64) -> MemoryNode {
        let node = MemoryNode {
            name: name.into(),
            chain: RefCell::new(vec![Block { header: genesis(), state: Rc::default() }]),
            pending: RefCell::default(),
            chain_id: 31337,
            faults: RefCell::default(),
            hint: RefCell::default(),
            proofs_served: Cell::new(0),
            headers_served: Cell::new(0),
        };
        node.mine(blocks);
        node
    }

    /// The checkpoint a provider trusts: genesis' hash.
    pub fn genesis_hash(&self) -> B256 {
        self.chain.borrow()[0].header.hash_slow()
    }

    pub fn hash_at(&self, number: u64) -> B256 {
        self.chain.borrow()[number as usize].header.hash_slow()
    }

    /// Changes an account in the state the next mined block commits to.
    pub fn set_account(&self, address: Address, f: impl FnOnce(&mut MemoryAccount)) {
        let mut pending = self.pending.borrow_mut();
        let account = pending.entry(address).or_default();
        f(account);
        account.storage.retain(|_, value| !value.is_zero());
        if *account == MemoryAccount::default() {
            pending.remove(&address);
        }
    }

    /// Extends the chain by `blocks` blocks; the first commits to the pending state.
    pub fn mine(&self, blocks: u64) {
        self.mine_branch(blocks, 0);
    }

    fn mine_branch(&self, blocks: u64, branch: u8) {
        let mut chain = self.chain.borrow_mut();
        let state = Rc::new(self.pending.borrow().clone());
        let root = state_root(&state);
        for _ in 0..blocks {
            let mut header = child(&chain.last().expect("genesis is never removed").header, branch);
            header.state_root = root;
            chain.push(Block { header, state: Rc::clone(&state) });
        }
    }

    /// Switches to another branch: the blocks above `fork` are replaced by `blocks` new
    /// ones tagged `branch` (nonzero, so they differ from the first branch).
    pub fn reorganise(&self, fork: u64, blocks: u64, branch: u8) {
        self.chain.borrow_mut().truncate(fork as usize + 1);
        self.mine_branch(blocks, branch);
    }

    /// Changes one header in place (after which the chain no longer links): what a node
    /// that lies about one block serves.
    pub fn tamper(&self, number: u64, f: impl FnOnce(&mut Header)) {
        f(&mut self.chain.borrow_mut()[number as usize].header);
    }

    /// Copies another node's chain (a second endpoint of the same network).
    pub fn follow(&self, other: &MemoryNode) {
        let copy = other
            .chain
            .borrow()
            .iter()
            .map(|b| Block { header: b.header.clone(), state: Rc::clone(&b.state) })
            .collect();
        *self.chain.borrow_mut() = copy;
        *self.pending.borrow_mut() = other.pending.borrow().clone();
    }

    pub fn set_down(&self, down: bool) {
        self.faults.borrow_mut().down = down;
    }

    /// The next `count` proofs claim one wei more than the account holds.
    pub fn serve_bad_proofs(&self, count: u32) {
        self.faults.borrow_mut().bad_proofs = count;
    }

    pub fn serve_bad_code(&self, bad: bool) {
        self.faults.borrow_mut().bad_code = bad;
    }

    /// Stops serving `eth_getProof`, as endpoints without proofs do.
    pub fn refuse_proofs(&self, refuse: bool) {
        self.faults.borrow_mut().no_proofs = refuse;
    }

    /// What `eth_createAccessList` answers from now on.
    pub fn set_access_list(&self, hint: AccessList) {
        *self.hint.borrow_mut() = hint;
    }

    /// How many account proofs the node has served.
    pub fn proofs_served(&self) -> usize {
        self.proofs_served.get()
    }

    /// How many headers the node has served by number.
    pub fn headers_served(&self) -> usize {
        self.headers_served.get()
    }

    fn up(&self, method: &str) -> Result<(), NodeError> {
        if self.faults.borrow().down {
            return Err(TransportError(format!("{} did not answer {method}: connection refused", self.name)).into());
        }
        Ok(())
    }

    fn head(&self) -> u64 {
        self.chain.borrow().len() as u64 - 1
    }

    fn state_at(&self, block: u64) -> Result<Rc<State>, NodeError> {
        let chain = self.chain.borrow();
        let found = chain.get(block as usize).map(|b| Rc::clone(&b.state));
        found.ok_or_else(|| TransportError(format!("{} (in memory) has no block {block}", self.name)).into())
    }

    fn hashed(header: &Header) -> VerifiedHash {
        VerifiedHash { hash: header.hash_slow(), header: header.clone() }
    }

    fn proof(&self, state: &State, address: Address, keys: &[B256]) -> AccountProofResponse {
        let account = state.get(&address).cloned().unwrap_or_default();
        let storage = storage_leaves(&account);
        let storage_proof = keys
            .iter()
            .map(|key| {
                let (_, proof) = trie(&storage, keccak256(key));
                let value = account.storage.get(&U256::from_be_bytes(key.0)).copied().unwrap_or_default();
                StorageProofResponse { key: U256::from_be_bytes(key.0), value, proof }
            })
            .collect();
        let (_, account_proof) = trie(&account_leaves(state), keccak256(address));
        let mut faults = self.faults.borrow_mut();
        let lie = if faults.bad_proofs > 0 {
            faults.bad_proofs -= 1;
            U256::from(1)
        } else {
            U256::ZERO
        };
        self.proofs_served.set(self.proofs_served.get() + 1);
        AccountProofResponse {
            address,
            balance: account.balance + lie,
            code_hash: code_hash(&account.code),
            nonce: account.nonce,
            storage_hash: trie(&storage, B256::ZERO).0,
            account_proof,
            storage_proof,
        }
    }
}

fn code_hash(code: &Bytes) -> B256 {
    if code.is_empty() {
        KECCAK_EMPTY
    } else {
        keccak256(code)
    }
}

/// Leaves of an account's storage trie: keccak(slot) → rlp(value), zeros left out.
fn storage_leaves(account: &MemoryAccount) -> BTreeMap<B256, Vec<u8>> {
    account.storage.iter().map(|(slot, value)| (keccak256(B256::from(*slot)), alloy_rlp::encode(value))).collect()
}

/// Leaves of the state trie: keccak(address) → rlp(account).
fn account_leaves(state: &State) -> BTreeMap<B256, Vec<u8>> {
    state
        .iter()
        .map(|(address, account)| {
            let trie_account = TrieAccount {
                nonce: account.nonce,
                balance: account.balance,
                storage_root: trie(&storage_leaves(account), B256::ZERO).0,
                code_hash: code_hash(&account.code),
            };
            (keccak256(address), alloy_rlp::encode(trie_account))
        })
        .collect()
}

fn state_root(state: &State) -> B256 {
    trie(&account_leaves(state), B256::ZERO).0
}

/// The root of the trie holding `leaves`, and the proof of `target`'s presence or absence.
fn trie(leaves: &BTreeMap<B256, Vec<u8>>, target: B256) -> (B256, Vec<Bytes>) {
    let target = Nibbles::unpack(target);
    let mut builder = HashBuilder::default().with_proof_retainer(ProofRetainer::new(vec![target]));
    for (key, value) in leaves {
        builder.add_leaf(Nibbles::unpack(key), value);
    }
    let root = builder.root();
    let proof = builder.take_proof_nodes().matching_nodes_sorted(&target).into_iter().map(|(_, node)| node).collect();
    (root, proof)
}

impl EthNode for &MemoryNode {
    fn endpoint(&self) -> String {
        self.name.clone()
    }

    async fn block_number(&self) -> Result<u64, NodeError> {
        self.up("eth_blockNumber")?;
        Ok(self.head())
    }

    async fn chain_id(&self) -> Result<u64, NodeError> {
        self.up("eth_chainId")?;
        Ok(self.chain_id)
    }

    async fn header_by_hash(&self, hash: B256) -> Result<Option<VerifiedHash>, NodeError> {
        self.up("eth_getBlockByHash")?;
        Ok(self.chain.borrow().iter().map(|b| MemoryNode::hashed(&b.header)).find(|h| h.hash == hash))
    }

    async fn headers(&self, from: u64, to: u64) -> Result<Vec<Option<VerifiedHash>>, NodeError> {
        self.up("eth_getBlockByNumber")?;
        self.headers_served.set(self.headers_served.get() + (to + 1).saturating_sub(from) as usize);
        let chain = self.chain.borrow();
        Ok((from..=to).map(|n| chain.get(n as usize).map(|b| MemoryNode::hashed(&b.header))).collect())
    }

    async fn proofs(&self, block: u64, requests: &[ProofRequest]) -> Result<Vec<AccountProofResponse>, NodeError> {
        self.up("eth_getProof")?;
        if self.faults.borrow().no_proofs {
            return Err(TransportError(format!("{} refused: the method eth_getProof does not exist", self.name)).into());
        }
        let state = self.state_at(block)?;
        Ok(requests.iter().map(|(address, keys)| self.proof(&state, *address, keys)).collect())
    }

    async fn codes(&self, block: u64, addresses: &[Address]) -> Result<Vec<Bytes>, NodeError> {
        self.up("eth_getCode")?;
        let state = self.state_at(block)?;
        let bad = self.faults.borrow().bad_code;
        Ok(addresses
            .iter()
            .map(|a| {
                let code = state.get(a).map(|acc| acc.code.clone()).unwrap_or_default();
                if bad {
                    Bytes::from([code.as_ref(), &[0x00]].concat())
                } else {
                    code
                }
            })
            .collect())
    }

    async fn receipt_block(&self, _tx: B256) -> Result<Option<u64>, NodeError> {
        self.up("eth_getTransactionReceipt")?;
        Ok(None)
    }

    async fn block_receipts(&self, blocks: &[u64]) -> Result<Vec<Vec<ReceiptEnvelope<Log>>>, NodeError> {
        self.up("eth_getBlockReceipts")?;
        Ok(blocks.iter().map(|_| Vec::new()).collect())
    }

    async fn raw_transactions(&self, _block: u64, count: usize) -> Result<Vec<Bytes>, NodeError> {
        self.up("eth_getRawTransactionByBlockNumberAndIndex")?;
        Ok(vec![Bytes::new(); count])
    }

    async fn access_list(&self, _request: &CallRequest, _block: u64) -> Result<AccessList, NodeError> {
        self.up("eth_createAccessList")?;
        Ok(self.hint.borrow().clone())
    }

    async fn balance_and_nonce(&self, address: Address, block: u64) -> Result<(U256, u64), NodeError> {
        self.up("eth_getBalance")?;
        let state = self.state_at(block)?;
        Ok(state.get(&address).map_or((U256::ZERO, 0), |a| (a.balance, a.nonce)))
    }
}
