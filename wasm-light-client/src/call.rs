//! `eth_call` executed here, with revm, over state proven against a verified header.
//!
//! revm asks for state synchronously while proofs arrive asynchronously, so a call is
//! run in rounds: the EVM runs over the state proven so far, and every account, slot or
//! code it touches that is not proven yet is recorded and read as empty. If anything
//! was missing, those are proven and the call runs again; a round that touches nothing
//! unproven is the answer. A node's access list can only seed the first round: whatever
//! it names is proven like everything else, and whatever it leaves out is found by the
//! EVM itself.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use alloy_consensus::Header;
use alloy_primitives::{Address, Bytes, Log, TxKind, B256, I256, KECCAK256_EMPTY, U256};
use revm::bytecode::Bytecode;
use revm::context::result::{ExecutionResult, Output};
use revm::context::{BlockEnv, CfgEnv, Context, TxEnv};
use revm::context_interface::block::BlobExcessGasAndPrice;
use revm::database_interface::{DBErrorMarker, Database};
use revm::primitives::hardfork::SpecId;
use revm::state::AccountInfo;
use revm::{ExecuteEvm, MainBuilder, MainContext};

use serde::{Deserialize, Serialize};

use crate::account::AccountState;

/// What to call: the fields of `eth_call`'s transaction object that a read needs.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CallRequest {
    pub from: Option<Address>,
    /// A contract to call, or `TxKind::Create`: run `data` as creation code (what
    /// deploying it would do, and the gas it would use).
    pub to: TxKind,
    pub data: Bytes,
    pub value: U256,
}

/// How a call ended. A revert is a proven answer too (the contract said no).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CallOutcome {
    Success(Bytes),
    Revert(Bytes),
    Halt(String),
}

/// A call's outcome and the gas it spent before refunds (what a transaction doing the
/// same needs, plus headroom for the 63/64 rule on nested calls), and what it moved: the
/// preview a wallet shows before signing is read from these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Executed {
    pub outcome: CallOutcome,
    pub gas_spent: u64,
    /// The logs of a successful run (token transfers among them); empty otherwise, as a
    /// reverted transaction's logs are undone with it.
    // Defaulted: `Executed` crosses into the verifiers' module as JSON, and an answer
    // from a module built before these fields must still read.
    #[serde(default)]
    pub logs: Vec<Log>,
    /// The caller's 0G balance after the run minus before it: the value sent, less any
    /// 0G contracts paid back to it. Fees are not in it: a call charges none.
    #[serde(default)]
    pub sender_change: I256,
}

/// State the light client has proven at one block: accounts, their slots and code.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct ProvenState {
    accounts: HashMap<Address, AccountState>,
    code: HashMap<B256, Bytes>,
}

impl ProvenState {
    /// Adds a proven account (and whatever slots its proof carried).
    pub fn insert_account(&mut self, account: AccountState) {
        match self.accounts.get_mut(&account.address) {
            Some(known) => {
                for slot in account.storage {
                    if !known.storage.iter().any(|(k, _)| *k == slot.0) {
                        known.storage.push(slot);
                    }
                }
            }
            None => {
                self.accounts.insert(account.address, account);
            }
        }
    }

    /// Adds code already checked against a proven code hash.
    pub fn insert_code(&mut self, code_hash: B256, code: Bytes) {
        self.code.insert(code_hash, code);
    }

    pub fn has_code(&self, code_hash: &B256) -> bool {
        self.code.contains_key(code_hash)
    }

    pub fn account(&self, address: &Address) -> Option<&AccountState> {
        self.accounts.get(address)
    }

    fn slot(&self, address: &Address, key: U256) -> Option<U256> {
        self.accounts.get(address)?.storage.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }
}

/// What a round touched that is not proven yet.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Missing {
    /// Accounts to prove, each with the slots wanted from it.
    pub slots: BTreeMap<Address, BTreeSet<U256>>,
    /// Accounts (by address) whose code must be fetched and checked.
    pub code: BTreeSet<Address>,
}

impl Missing {
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty() && self.code.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum CallError {
    #[error("the call needs block {0}'s hash, which is not among the verified headers")]
    UnknownBlockHash(u64),
    #[error("the EVM refused the call: {0}")]
    Evm(String),
    /// The EVM could not run (in the browser: its lazily loaded module failed to load).
    #[error("the EVM is unavailable here: {0}")]
    Unavailable(String),
}

/// Where a call's rounds run, as a seam: revm is a large part of a wasm binary that most
/// pages never call with, so the browser loads it on first use (`app/src/verifiers`) and
/// hands the provider an `Evm` that calls into it; everything else uses [`Revm`].
pub trait Evm {
    /// [`run_round`]'s contract: the outcome, and what the round touched unproven.
    fn run_round(
        &self,
        header: &Header,
        chain_id: u64,
        block_hashes: &BTreeMap<u64, B256>,
        state: &ProvenState,
        request: &CallRequest,
    ) -> Result<(Executed, Missing), CallError>;
}

/// revm, linked here.
#[derive(Debug, Clone, Copy, Default)]
pub struct Revm;

impl Evm for Revm {
    fn run_round(
        &self,
        header: &Header,
        chain_id: u64,
        block_hashes: &BTreeMap<u64, B256>,
        state: &ProvenState,
        request: &CallRequest,
    ) -> Result<(Executed, Missing), CallError> {
        run_round(header, chain_id, block_hashes, state, request)
    }
}

impl DBErrorMarker for CallError {}

/// revm's view of [`ProvenState`]: unproven reads come back empty and are noted.
struct RoundDb<'a> {
    state: &'a ProvenState,
    block_hashes: &'a BTreeMap<u64, B256>,
    missing: RefCell<Missing>,
    code_owner: HashMap<B256, Address>,
}

impl Database for RoundDb<'_> {
    type Error = CallError;

    fn basic(&mut self, address: Address) -> Result<Option<AccountInfo>, CallError> {
        let Some(account) = self.state.account(&address) else {
            self.missing.borrow_mut().slots.entry(address).or_default();
            return Ok(None);
        };
        if account.nonce == 0 && account.balance.is_zero() && account.code_hash == KECCAK256_EMPTY {
            return Ok(None);
        }
        self.code_owner.insert(account.code_hash, address);
        // `code: None` makes revm ask `code_by_hash`, which notes code still to fetch.
        let code = self.state.code.get(&account.code_hash).map(|c| Bytecode::new_raw(c.clone()));
        let code = if account.code_hash == KECCAK256_EMPTY { Some(Bytecode::default()) } else { code };
        Ok(Some(AccountInfo {
            balance: account.balance,
            nonce: account.nonce,
            code_hash: account.code_hash,
            code,
            ..Default::default()
        }))
    }

    fn code_by_hash(&mut self, code_hash: B256) -> Result<Bytecode, CallError> {
        if code_hash == KECCAK256_EMPTY {
            return Ok(Bytecode::default());
        }
        match self.state.code.get(&code_hash) {
            Some(code) => Ok(Bytecode::new_raw(code.clone())),
            None => {
                if let Some(owner) = self.code_owner.get(&code_hash) {
                    self.missing.borrow_mut().code.insert(*owner);
                }
                Ok(Bytecode::default())
            }
        }
    }

    fn storage(&mut self, address: Address, index: U256) -> Result<U256, CallError> {
        match self.state.slot(&address, index) {
            Some(value) => Ok(value),
            None => {
                self.missing.borrow_mut().slots.entry(address).or_default().insert(index);
                Ok(U256::ZERO)
            }
        }
    }

    fn block_hash(&mut self, number: u64) -> Result<B256, CallError> {
        self.block_hashes.get(&number).copied().ok_or(CallError::UnknownBlockHash(number))
    }
}

/// The fork a header implies from the fields it carries (Prague adds `requestsHash`,
/// Cancun the blob fields). Enough for reads; a chain's exact fork table is not needed.
pub fn spec_of(header: &Header) -> SpecId {
    if header.requests_hash.is_some() {
        SpecId::PRAGUE
    } else if header.blob_gas_used.is_some() {
        SpecId::CANCUN
    } else if header.withdrawals_root.is_some() {
        SpecId::SHANGHAI
    } else {
        SpecId::LONDON
    }
}

/// The most gas one call may burn here, as geth's `RPCGasCap`: a block's whole gas limit
/// (a verified header may name billions) could keep the page busy for minutes.
pub const CALL_GAS_CAP: u64 = 50_000_000;

/// Runs `request` once over `state` in the environment of `header`. Returns the outcome
/// and what was missing; the outcome only counts when nothing was.
pub fn run_round(
    header: &Header,
    chain_id: u64,
    block_hashes: &BTreeMap<u64, B256>,
    state: &ProvenState,
    request: &CallRequest,
) -> Result<(Executed, Missing), CallError> {
    let spec = spec_of(header);
    let mut cfg = CfgEnv::new_with_spec(spec);
    cfg.chain_id = chain_id;
    // eth_call semantics: no fee, no nonce, no balance requirement for gas.
    cfg.disable_nonce_check = true;
    cfg.disable_balance_check = true;
    cfg.disable_base_fee = true;
    cfg.disable_fee_charge = true;
    cfg.disable_eip3607 = true;
    cfg.tx_gas_limit_cap = Some(u64::MAX);
    let block = BlockEnv {
        number: U256::from(header.number),
        beneficiary: header.beneficiary,
        timestamp: U256::from(header.timestamp),
        gas_limit: header.gas_limit,
        basefee: header.base_fee_per_gas.unwrap_or_default(),
        difficulty: header.difficulty,
        prevrandao: Some(header.mix_hash),
        blob_excess_gas_and_price: header
            .excess_blob_gas
            .map(|excess| BlobExcessGasAndPrice::new_with_spec(excess, spec)),
        ..Default::default()
    };
    let tx = TxEnv {
        caller: request.from.unwrap_or_default(),
        kind: request.to,
        data: request.data.clone(),
        value: request.value,
        gas_limit: header.gas_limit.min(CALL_GAS_CAP),
        gas_price: 0,
        chain_id: Some(chain_id),
        ..Default::default()
    };
    let db = RoundDb { state, block_hashes, missing: RefCell::default(), code_owner: HashMap::new() };
    let mut evm = Context::mainnet().with_db(db).with_cfg(cfg).with_block(block).build_mainnet();
    let result = evm.transact(tx).map_err(|e| CallError::Evm(e.to_string()))?;
    let missing = evm.ctx.journaled_state.database.missing.take();
    let gas_spent = result.result.gas().total_gas_spent();
    let caller = request.from.unwrap_or_default();
    // The pre-state is what revm started from: an unproven caller was read as empty.
    let before = state.account(&caller).map(|a| a.balance).unwrap_or_default();
    let after = result.state.get(&caller).map_or(before, |a| a.info.balance);
    // Two's complement: exact for any difference below 2^255 wei, which every real
    // balance is.
    let sender_change = I256::from_raw(after.wrapping_sub(before));
    let (outcome, logs) = match result.result {
        ExecutionResult::Success { output: Output::Call(bytes), logs, .. } => (CallOutcome::Success(bytes), logs),
        ExecutionResult::Success { output: Output::Create(bytes, _), logs, .. } => (CallOutcome::Success(bytes), logs),
        ExecutionResult::Revert { output, .. } => (CallOutcome::Revert(output), Vec::new()),
        ExecutionResult::Halt { reason, .. } => (CallOutcome::Halt(format!("{reason:?}")), Vec::new()),
    };
    Ok((Executed { outcome, gas_spent, logs, sender_change }, missing))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::keccak256;

    #[test]
    fn a_call_burns_at_most_the_gas_cap_whatever_the_block_allows() {
        // JUMPDEST; PUSH1 0; JUMP: loops until the gas runs out.
        let code = Bytes::from_static(&[0x5b, 0x60, 0x00, 0x56]);
        let looper = Address::repeat_byte(0x42);
        let mut state = ProvenState::default();
        state.insert_account(AccountState {
            address: looper,
            balance: U256::ZERO,
            nonce: 1,
            code_hash: keccak256(&code),
            storage_root: B256::ZERO,
            storage: vec![],
        });
        state.insert_code(keccak256(&code), code);
        state.insert_account(AccountState {
            address: Address::ZERO,
            balance: U256::ZERO,
            nonce: 0,
            code_hash: KECCAK256_EMPTY,
            storage_root: B256::ZERO,
            storage: vec![],
        });
        let header = Header { gas_limit: 1_000_000_000_000, base_fee_per_gas: Some(1), ..Default::default() };
        let request = CallRequest { to: looper.into(), ..Default::default() };
        let (executed, missing) = run_round(&header, 31337, &BTreeMap::new(), &state, &request).unwrap();
        assert!(missing.is_empty(), "{missing:?}");
        assert!(matches!(executed.outcome, CallOutcome::Halt(_)), "{:?}", executed.outcome);
        assert_eq!(executed.gas_spent, CALL_GAS_CAP);
    }

    fn eoa(address: Address, balance: u64) -> AccountState {
        AccountState {
            address,
            balance: U256::from(balance),
            nonce: 0,
            code_hash: KECCAK256_EMPTY,
            storage_root: B256::ZERO,
            storage: vec![],
        }
    }

    fn with_contract(state: &mut ProvenState, address: Address, code: &'static [u8]) {
        let code = Bytes::from_static(code);
        state.insert_account(AccountState { code_hash: keccak256(&code), nonce: 1, ..eoa(address, 0) });
        state.insert_code(keccak256(&code), code);
    }

    fn run(state: &ProvenState, from: Address, to: Address, value: u64) -> Executed {
        let header = Header { gas_limit: 30_000_000, ..Default::default() };
        let request = CallRequest { from: Some(from), to: to.into(), value: U256::from(value), ..Default::default() };
        let (executed, missing) = run_round(&header, 31337, &BTreeMap::new(), state, &request).unwrap();
        assert!(missing.is_empty(), "{missing:?}");
        executed
    }

    #[test]
    fn a_plain_payment_shows_as_the_senders_loss_and_no_logs() {
        let (me, friend) = (Address::repeat_byte(0x11), Address::repeat_byte(0xee));
        let mut state = ProvenState::default();
        state.insert_account(eoa(me, 10_000));
        state.insert_account(eoa(friend, 0));
        let executed = run(&state, me, friend, 2_500);
        assert_eq!(executed.outcome, CallOutcome::Success(Bytes::new()));
        assert_eq!(executed.sender_change, I256::try_from(-2_500).unwrap());
        assert!(executed.logs.is_empty());
    }

    #[test]
    fn a_contracts_logs_and_what_it_pays_back_are_reported() {
        let (me, shop) = (Address::repeat_byte(0x11), Address::repeat_byte(0x5c));
        let mut state = ProvenState::default();
        state.insert_account(eoa(me, 10_000));
        #[rustfmt::skip]
        with_contract(&mut state, shop, &[
            // MSTORE(0, 42); LOG1(0, 32, topic 0x77)
            0x60, 42, 0x60, 0, 0x52, 0x60, 0x77, 0x60, 32, 0x60, 0, 0xa1,
            // CALL(gas, CALLER, 400, 0, 0, 0, 0): change back to the payer. POP, STOP.
            0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0, 0x61, 0x01, 0x90, 0x33, 0x5a, 0xf1, 0x50, 0x00,
        ]);
        let executed = run(&state, me, shop, 1_000);
        assert_eq!(executed.outcome, CallOutcome::Success(Bytes::new()));
        assert_eq!(executed.sender_change, I256::try_from(-600).unwrap(), "1,000 paid, 400 back");
        assert_eq!(executed.logs.len(), 1);
        assert_eq!(executed.logs[0].address, shop);
        assert_eq!(executed.logs[0].topics(), &[B256::with_last_byte(0x77)]);
        assert_eq!(executed.logs[0].data.data, Bytes::from(U256::from(42).to_be_bytes_vec()));
    }

    #[test]
    fn a_revert_moves_nothing_and_keeps_no_logs() {
        let (me, refuser) = (Address::repeat_byte(0x11), Address::repeat_byte(0x4e));
        let mut state = ProvenState::default();
        state.insert_account(eoa(me, 10_000));
        // LOG0(0, 0); REVERT(0, 0): the log is undone with the rest.
        with_contract(&mut state, refuser, &[0x60, 0, 0x60, 0, 0xa0, 0x60, 0, 0x60, 0, 0xfd]);
        let executed = run(&state, me, refuser, 1_000);
        assert_eq!(executed.outcome, CallOutcome::Revert(Bytes::new()));
        assert_eq!(executed.sender_change, I256::ZERO);
        assert!(executed.logs.is_empty());
    }

    #[test]
    fn an_answer_without_the_moved_fields_still_reads() {
        let old: Executed = serde_json::from_str(r#"{"outcome":{"Success":"0x"},"gas_spent":21000}"#).unwrap();
        assert_eq!((old.logs.len(), old.sender_change), (0, I256::ZERO));
        let new = Executed {
            logs: vec![Log::new_unchecked(
                Address::repeat_byte(1),
                vec![B256::repeat_byte(2)],
                Bytes::from_static(&[3]),
            )],
            sender_change: I256::try_from(-7).unwrap(),
            ..old
        };
        assert_eq!(serde_json::from_str::<Executed>(&serde_json::to_string(&new).unwrap()).unwrap(), new);
    }
}
