//! Deploying the agent and governance contracts from the user's own account, and checking a
//! deployment someone else made (from a network link) before the app uses it.
//!
//! What a check rests on: the code at each address, proven against the verified state root
//! (account proof → code hash → `eth_getCode` bytes hashed), equals the contract the app
//! shipped outside the immutables its constructor wrote (`shipped::check_code`); of those,
//! the ones the app relies on are read back by verified calls — the agent NFT's verifier
//! (whose code must be the shipped verifier), the governor's token and timelock (which must
//! be the link's, or shipped code) — and the timelock must let the governor propose. What
//! is not checked: the EIP-712 words the token and governor cache (the app signs no EIP-712
//! message for them) and who else holds roles on the timelock (OpenZeppelin's
//! `AccessControl` cannot list members; the app's own deployments renounce theirs).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use alloy_primitives::{Address, Bytes, TxKind, U256};
use alloy_sol_types::SolCall;
use wasm_light_client::Verified;

use super::plan::{self, GovernanceParams, ParamsError, Step, Suite};
use super::shipped::{CodeMismatch, Kind, Shipped, ShippedError};
use crate::chain::addresses::ContractRole;
use crate::chain::client::{gas_limit_for, ChainClient, ChainError};

use zg_abi::agent_nft::AgentNFT::verifierCall;
use zg_abi::governor::ZgGovernor::{timelockCall, tokenCall};
use zg_abi::timelock::ZgTimelock::hasRoleCall;

/// Where the app's contract bundle is, relative to the page (trunk copies it there).
const BUNDLE_URL: &str = "contracts/deployable.json";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeployError {
    #[error(transparent)]
    Shipped(#[from] ShippedError),
    #[error("the app's contract bundle could not be loaded ({0}); check the connection to this site and try again")]
    Bundle(String),
    #[error(transparent)]
    Chain(#[from] ChainError),
    #[error(transparent)]
    Params(#[from] ParamsError),
    #[error("{what} at {address}: {mismatch}. Nothing was saved")]
    Code { what: &'static str, address: Address, mismatch: CodeMismatch },
    #[error("the code at {address} could not be proven ({reason}); nothing was saved")]
    CodeNotProven { address: Address, reason: String },
    #[error("{0}. Nothing was saved")]
    Wiring(String),
    #[error("step {step} of {steps} ({what}) failed: {source}. The contracts deployed before it are not saved; starting again deploys a fresh set")]
    Step { step: usize, steps: usize, what: &'static str, source: Box<DeployError> },
}

thread_local! {
    static BUNDLE: RefCell<Option<Rc<Shipped>>> = const { RefCell::new(None) };
}

/// The contracts the app shipped, fetched the first time a deployment or a link needs them.
pub async fn shipped() -> Result<Rc<Shipped>, DeployError> {
    if let Some(bundle) = BUNDLE.with(|b| b.borrow().clone()) {
        return Ok(bundle);
    }
    let response =
        gloo::net::http::Request::get(BUNDLE_URL).send().await.map_err(|e| DeployError::Bundle(e.to_string()))?;
    if !response.ok() {
        return Err(DeployError::Bundle(format!("HTTP {}", response.status())));
    }
    let bytes = response.binary().await.map_err(|e| DeployError::Bundle(e.to_string()))?;
    let bundle = Rc::new(Shipped::parse(&bytes)?);
    BUNDLE.with(|b| *b.borrow_mut() = Some(bundle.clone()));
    Ok(bundle)
}

/// What a deployment will cost, before anything is signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Estimate {
    pub transactions: usize,
    pub gas: u64,
    /// How many of the transactions were simulated on proven state; the others' gas is
    /// guessed from what they are (`plan::gas_guess`).
    pub simulated: usize,
    /// At the verified base fee plus the tip offered.
    pub likely: U256,
    /// Every gas limit at the max fee offered: the most it can cost.
    pub most: U256,
    pub balance: U256,
}

/// Simulates each contract creation on proven state (with the addresses the earlier
/// creations will get) and prices the whole suite at the fees the app would offer.
pub async fn estimate(
    client: &ChainClient,
    shipped: &Shipped,
    suite: Suite,
    params: &GovernanceParams,
    from: Address,
) -> Result<Estimate, DeployError> {
    params.check()?;
    let fees = client.fee_quote().await?;
    let account = match client.account(from).await {
        Verified::Proven { value, .. } => value,
        Verified::Unverified { reason, .. } | Verified::Rejected { reason } => {
            return Err(ChainError::NotProven(format!("your account could not be proven: {reason}")).into())
        }
    };
    let mut predicted = BTreeMap::new();
    let (mut gas, mut limits, mut simulated) = (0u64, 0u64, 0);
    for (i, step) in suite.steps().iter().enumerate() {
        let resolved = plan::resolve(*step, shipped, params, from, &predicted).expect("steps in order");
        let spent = match &resolved {
            Step::Create { kind, code } if step.simulable_first() => {
                predicted.insert(*kind, from.create(account.nonce + i as u64));
                simulated += 1;
                client.simulate(from, TxKind::Create, U256::ZERO, code.clone()).await?
            }
            Step::Create { kind, .. } => {
                predicted.insert(*kind, from.create(account.nonce + i as u64));
                plan::gas_guess(&resolved, shipped)
            }
            Step::Call { .. } => plan::gas_guess(&resolved, shipped),
        };
        gas += spent;
        limits += gas_limit_for(spent);
    }
    Ok(Estimate {
        transactions: suite.steps().len(),
        gas,
        simulated,
        likely: U256::from(gas) * U256::from(fees.base_fee + fees.tip),
        most: fees.worst_case(limits, U256::ZERO),
        balance: account.balance,
    })
}

/// A finished deployment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deployment {
    /// Every contract created, the verifier included.
    pub contracts: BTreeMap<Kind, Address>,
    /// The block the first one was created in.
    pub first_block: u64,
    pub checked: Vec<Checked>,
}

impl Deployment {
    /// What the app keeps for the network.
    pub fn overrides(&self, suite: Suite) -> crate::chain::addresses::AddressOverrides {
        suite.overrides(&self.contracts).created_at(self.first_block)
    }
}

/// Deploys `suite` from `key`'s account, one reviewed transaction per step, proving each
/// new contract's code against the shipped one; then checks the whole set as a link would
/// be checked.
pub async fn deploy(
    client: &ChainClient,
    key: &k256::ecdsa::SigningKey,
    shipped: &Shipped,
    suite: Suite,
    params: &GovernanceParams,
    progress: impl Fn(usize, usize, &'static str),
) -> Result<Deployment, DeployError> {
    params.check()?;
    let me = crate::wallet::signer::address_of(key);
    let steps = suite.steps().len();
    let mut deployed = BTreeMap::new();
    let mut first_block = None;
    for (i, step) in suite.steps().iter().enumerate() {
        let resolved = plan::resolve(*step, shipped, params, me, &deployed).expect("steps in order");
        let what = match &resolved {
            Step::Create { kind, .. } => kind.label(),
            Step::Call { what, .. } => what,
        };
        progress(i + 1, steps, what);
        let done = async {
            match resolved {
                Step::Create { kind, code } => {
                    let (address, inclusion) = client.deploy(key, kind.label(), code).await?;
                    check_code(client, shipped, kind, address).await?;
                    deployed.insert(kind, address);
                    first_block.get_or_insert(inclusion.block);
                }
                Step::Call { target, data, .. } => {
                    client.transact(key, deployed[&target], U256::ZERO, data).await?;
                }
            }
            Ok::<_, DeployError>(())
        };
        done.await.map_err(|e| DeployError::Step { step: i + 1, steps, what, source: Box::new(e) })?;
    }
    let roles: BTreeMap<ContractRole, Address> =
        deployed.iter().filter_map(|(kind, a)| plan::role_of(*kind).map(|r| (r, *a))).collect();
    let checked = check_suite(client, shipped, &roles).await?;
    Ok(Deployment { contracts: deployed, first_block: first_block.unwrap_or_default(), checked })
}

/// One contract a check accepted, and what was proven about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub what: &'static str,
    pub address: Address,
    pub note: CheckedNote,
}

/// What a check proved about a contract, and at which block. Shown in the page's language;
/// `Display` is the English.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckedNote {
    pub found: Found,
    /// The verified tip the check read at.
    pub block: u64,
}

/// What the code at an address was proven to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// The shipped AgentNFT, whose verifier is the shipped SignatureVerifier.
    AgentNft { verifier: Address },
    /// The shipped ZgGovernor over `token` and `timelock`, which lets it propose.
    Governor { token: Address, timelock: Address },
    /// The shipped contract of this kind.
    Shipped(Kind),
}

impl std::fmt::Display for Found {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Found::AgentNft { verifier } => {
                write!(f, "the shipped AgentNFT; its verifier {verifier} is the shipped SignatureVerifier")
            }
            Found::Governor { token, timelock } => {
                write!(f, "the shipped ZgGovernor over token {token} and timelock {timelock}, which lets it propose")
            }
            Found::Shipped(kind) => write!(f, "the shipped {}", kind.contract_name()),
        }
    }
}

impl std::fmt::Display for CheckedNote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (proven at block {})", self.found, self.block)
    }
}

/// Proves that every address in `contracts` holds the shipped contract of its role, and
/// that they are wired to each other as the app deploys them.
pub async fn check_suite(
    client: &ChainClient,
    shipped: &Shipped,
    contracts: &BTreeMap<ContractRole, Address>,
) -> Result<Vec<Checked>, DeployError> {
    let mut checked = Vec::new();
    let block = client.tip().map_or(0, |t| t.number());
    for (role, address) in contracts {
        let kind = match role {
            ContractRole::AgentNft => Kind::AgentNft,
            ContractRole::WrappedZg => Kind::WrappedZg,
            ContractRole::Governor => Kind::Governor,
            ContractRole::Timelock => Kind::Timelock,
            ContractRole::Flow => Kind::Flow,
            other => {
                return Err(DeployError::Wiring(format!(
                    "{} is not a contract the app deploys, so it cannot be checked here",
                    other.label()
                )))
            }
        };
        check_code(client, shipped, kind, *address).await?;
        let found = match kind {
            Kind::AgentNft => {
                let verifier = read_address(client, *address, verifierCall {}.abi_encode()).await?;
                check_code(client, shipped, Kind::SignatureVerifier, verifier).await.map_err(|e| {
                    DeployError::Wiring(format!(
                        "the agent NFT at {address} names {verifier} as its verifier, which is not the app's ({e})"
                    ))
                })?;
                Found::AgentNft { verifier }
            }
            Kind::Governor => {
                let token = read_address(client, *address, tokenCall {}.abi_encode()).await?;
                let timelock = read_address(client, *address, timelockCall {}.abi_encode()).await?;
                for (kind, role, found) in [
                    (Kind::WrappedZg, ContractRole::WrappedZg, token),
                    (Kind::Timelock, ContractRole::Timelock, timelock),
                ] {
                    match contracts.get(&role) {
                        Some(expected) if *expected != found => {
                            return Err(DeployError::Wiring(format!(
                                "the governor at {address} uses {found} as {}, not {expected}",
                                kind.label()
                            )))
                        }
                        Some(_) => {}
                        None => check_code(client, shipped, kind, found).await?,
                    }
                }
                let proposer = hasRoleCall { role: alloy_primitives::keccak256("PROPOSER_ROLE"), account: *address };
                let (answer, _) = client.read(timelock, proposer.abi_encode().into()).await?;
                if !hasRoleCall::abi_decode_returns(&answer).unwrap_or(false) {
                    return Err(DeployError::Wiring(format!(
                        "the timelock at {timelock} does not let the governor at {address} propose"
                    )));
                }
                Found::Governor { token, timelock }
            }
            _ => Found::Shipped(kind),
        };
        checked.push(Checked { what: kind.label(), address: *address, note: CheckedNote { found, block } });
    }
    Ok(checked)
}

/// The proven code at `address` is the shipped `kind`.
async fn check_code(client: &ChainClient, shipped: &Shipped, kind: Kind, address: Address) -> Result<(), DeployError> {
    match client.code(address).await {
        Verified::Proven { value, .. } => shipped.get(kind).check_code(&value).map_err(|mismatch| DeployError::Code {
            what: kind.label(),
            address,
            mismatch,
        }),
        Verified::Unverified { reason, .. } | Verified::Rejected { reason } => {
            Err(DeployError::CodeNotProven { address, reason })
        }
    }
}

async fn read_address(client: &ChainClient, to: Address, data: Vec<u8>) -> Result<Address, DeployError> {
    let (answer, _) = client.read(to, Bytes::from(data)).await?;
    <Address as alloy_sol_types::SolValue>::abi_decode(&answer).map_err(|_| {
        DeployError::Wiring(format!("the contract at {to} answered a read with something that is not an address"))
    })
}
