//! What a dapp may ask zg-console, read from an EIP-1193 `request({ method, params })`,
//! and the errors it is answered with.
//!
//! The methods are a closed list, and anything else is refused with 4200 rather than
//! passed on to a node. Every answer the wallet gives a dapp is one it can stand behind: a
//! read its light client verified against proven state, a signature or a transaction the
//! user approved, or a refusal. A node's unchecked answer handed over by the wallet would
//! carry the wallet's name without its checks, and the dapp could not tell the two apart.
//!
//! For the same reason reads take only the `latest` block tag (or `pending`, answered at
//! the same verified tip): the light client proves the newest state, so a block number or
//! `earliest` is refused rather than answered from the tip as if it were that block.

use alloy_primitives::{Address, Bytes, B256, U256};
use serde_json::{json, Value};

/// The block a read is answered at. Both are the light client's verified tip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BlockTag {
    /// `latest`, or no tag at all.
    #[default]
    Latest,
    /// `pending`: the node's pool is its own and cannot be proven, so this too is answered
    /// at the verified tip. A nonce read this way does not count the account's
    /// transactions still waiting in the pool.
    Pending,
}

/// A transaction as a dapp describes it, for `eth_sendTransaction`, `eth_call` and
/// `eth_estimateGas`. Fields the wallet decides for itself (`nonce`, `type`, `chainId`,
/// `accessList`) are not read: it signs for the network it is on, with its own nonce.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TxParams {
    pub from: Option<Address>,
    /// `None` deploys `data` as a contract.
    pub to: Option<Address>,
    pub value: U256,
    /// `data`, or `input` (the newer name for the same field).
    pub data: Bytes,
    pub gas: Option<u64>,
    /// A legacy `gasPrice` sent alone sets both fees: the wallet sends EIP-1559
    /// transactions, and one whose fee cap and tip both equal the price never costs more
    /// per gas than the price, all of it above the base fee going to the validator, as a
    /// legacy transaction's would.
    pub max_fee_per_gas: Option<u128>,
    pub max_priority_fee_per_gas: Option<u128>,
}

impl TxParams {
    /// The JSON object dapps send: hex quantities, `0x` data, addresses.
    pub fn parse(value: &Value) -> Result<Self, DappError> {
        read_tx(value).map_err(DappError::InvalidParams)
    }
}

/// A request the wallet answers. The JSON-RPC method each comes from is in its doc.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DappRequest {
    /// `eth_requestAccounts`: asks the user to connect the site.
    RequestAccounts,
    /// `eth_accounts`: the site's connected accounts, `[]` when it is not connected (as
    /// MetaMask answers, so a dapp can ask on load without an error).
    Accounts,
    /// `eth_chainId`, as a hex quantity ([`chain_id_hex`]).
    ChainId,
    /// `net_version`: the chain id in decimal.
    NetVersion,
    /// `eth_blockNumber`: the verified tip.
    BlockNumber,
    /// `eth_getBalance [address, block]`.
    GetBalance { address: Address, block: BlockTag },
    /// `eth_getTransactionCount [address, block]`.
    GetTransactionCount { address: Address, block: BlockTag },
    /// `eth_call [tx, block]`.
    Call { tx: TxParams, block: BlockTag },
    /// `eth_estimateGas [tx, block]` (the block, if sent, must be one of [`BlockTag`]'s).
    EstimateGas { tx: TxParams },
    /// `eth_getCode [address, block]`.
    GetCode { address: Address, block: BlockTag },
    /// `eth_sendTransaction [tx]`.
    SendTransaction { tx: TxParams },
    /// `personal_sign [data, address]`: `data` in hex, or, as MetaMask accepts, a plain
    /// string signed as its UTF-8 bytes.
    PersonalSign { message: Bytes, address: Address },
    /// `wallet_switchEthereumChain [{ chainId }]`.
    SwitchChain { chain_id: u64 },
    /// `eth_getTransactionReceipt [hash]`.
    GetReceipt { hash: B256 },
}

impl DappRequest {
    /// The request `method` with `params` makes, or why it is refused: an unknown method
    /// is [`DappError::Unsupported`], known ones with bad parameters
    /// [`DappError::InvalidParams`]. Methods without parameters ignore any sent.
    pub fn parse(method: &str, params: &Value) -> Result<Self, DappError> {
        match read(method, params) {
            Ok(Some(request)) => Ok(request),
            Ok(None) => Err(DappError::Unsupported(shown(method))),
            Err(why) => Err(DappError::InvalidParams(format!("{method}: {why}"))),
        }
    }

    /// The JSON-RPC method this request came from.
    pub fn method(&self) -> &'static str {
        match self {
            Self::RequestAccounts => "eth_requestAccounts",
            Self::Accounts => "eth_accounts",
            Self::ChainId => "eth_chainId",
            Self::NetVersion => "net_version",
            Self::BlockNumber => "eth_blockNumber",
            Self::GetBalance { .. } => "eth_getBalance",
            Self::GetTransactionCount { .. } => "eth_getTransactionCount",
            Self::Call { .. } => "eth_call",
            Self::EstimateGas { .. } => "eth_estimateGas",
            Self::GetCode { .. } => "eth_getCode",
            Self::SendTransaction { .. } => "eth_sendTransaction",
            Self::PersonalSign { .. } => "personal_sign",
            Self::SwitchChain { .. } => "wallet_switchEthereumChain",
            Self::GetReceipt { .. } => "eth_getTransactionReceipt",
        }
    }

    /// The user must say yes in the wallet before this is answered.
    pub fn needs_approval(&self) -> bool {
        matches!(
            self,
            Self::RequestAccounts | Self::SendTransaction { .. } | Self::PersonalSign { .. } | Self::SwitchChain { .. }
        )
    }

    /// Only a connected site may ask this: it acts with one of the user's accounts.
    /// [`DappRequest::Accounts`] is not among them: it answers `[]` to a site that is not
    /// connected. Reads are about public state and need no connection.
    pub fn needs_connection(&self) -> bool {
        matches!(self, Self::SendTransaction { .. } | Self::PersonalSign { .. })
    }

    /// The account a transaction or signature would use, given the accounts the site was
    /// given (`connected`, the first being its default); `None` for other requests. An
    /// account the site was not given, or none at all, is [`DappError::Unauthorized`].
    pub fn signer(&self, connected: &[Address]) -> Result<Option<Address>, DappError> {
        let account = match self {
            Self::SendTransaction { tx } => tx.from.or(connected.first().copied()),
            Self::PersonalSign { address, .. } => Some(*address),
            _ => return Ok(None),
        };
        match account {
            Some(account) if connected.contains(&account) => Ok(Some(account)),
            _ => Err(DappError::Unauthorized),
        }
    }
}

/// Why a dapp's request was not answered, in EIP-1193's and JSON-RPC's codes. The messages
/// reach the dapp's user through the dapp, so they say what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DappError {
    #[error("the request was declined in zg-console")]
    UserRejected,
    #[error("this site is not connected to zg-console, or asked to use an account it was not given: connect it, and choose the account in zg-console")]
    Unauthorized,
    #[error("zg-console does not answer {0}: it gives only answers its light client can verify")]
    Unsupported(String),
    #[error("zg-console is not connected to its network: open it and check the network")]
    Disconnected,
    #[error("zg-console does not know chain {0}: add the network in zg-console's settings first")]
    ChainNotAdded(u64),
    #[error("invalid parameters: {0}")]
    InvalidParams(String),
    #[error("zg-console could not answer: {0}")]
    Internal(String),
    /// The call reverted on proven state; its revert data go with the error, as nodes
    /// give them (EIP-1474's code 3), so the dapp can decode its own error.
    #[error("execution reverted")]
    Reverted(Bytes),
    /// The page's origin cannot connect ([`super::sites::check_origin`] says why).
    #[error("zg-console connects only to sites served over https (or from this computer, for development): {0}")]
    BadOrigin(String),
}

impl DappError {
    pub fn code(&self) -> i64 {
        match self {
            Self::UserRejected => 4001,
            Self::Unauthorized | Self::BadOrigin(_) => 4100,
            Self::Unsupported(_) => 4200,
            Self::Disconnected => 4900,
            Self::ChainNotAdded(_) => 4902,
            Self::InvalidParams(_) => -32602,
            Self::Internal(_) => -32603,
            Self::Reverted(_) => 3,
        }
    }

    /// The error as the wire carries it: `{code, message}`.
    pub fn to_json(&self) -> Value {
        match self {
            Self::Reverted(data) => {
                json!({ "code": self.code(), "message": self.to_string(), "data": data.to_string() })
            }
            _ => json!({ "code": self.code(), "message": self.to_string() }),
        }
    }
}

/// A JSON-RPC quantity: `0x` and hex digits without leading zeros ("0x0", "0x400").
pub fn quantity(value: U256) -> String {
    format!("{value:#x}")
}

/// A chain id as `eth_chainId` and `chainChanged` give it, a quantity like any other.
pub fn chain_id_hex(chain_id: u64) -> String {
    format!("{chain_id:#x}")
}

/// Accounts as `eth_accounts` and `accountsChanged` give them: lowercase hex, as MetaMask
/// does, so dapps comparing strings find the same address.
pub fn accounts_json(accounts: &[Address]) -> Value {
    accounts.iter().map(|a| Value::String(format!("{a:#x}"))).collect()
}

/// A method name from the dapp as it may be repeated, in the wallet too: printable, short.
fn shown(method: &str) -> String {
    const MAX: usize = 64;
    let mut out: String = method.chars().take(MAX).map(|c| if c.is_control() { ' ' } else { c }).collect();
    if method.chars().count() > MAX {
        out.push('…');
    }
    out
}

fn read(method: &str, params: &Value) -> Result<Option<DappRequest>, String> {
    use DappRequest as R;
    let args = || Args::new(params);
    Ok(Some(match method {
        "eth_requestAccounts" => R::RequestAccounts,
        "eth_accounts" => R::Accounts,
        "eth_chainId" => R::ChainId,
        "net_version" => R::NetVersion,
        "eth_blockNumber" => R::BlockNumber,
        "eth_getBalance" => {
            let a = args()?;
            R::GetBalance { address: address(a.required(0, "the address")?, "the address")?, block: a.block(1)? }
        }
        "eth_getTransactionCount" => {
            let a = args()?;
            R::GetTransactionCount {
                address: address(a.required(0, "the address")?, "the address")?,
                block: a.block(1)?,
            }
        }
        "eth_getCode" => {
            let a = args()?;
            R::GetCode { address: address(a.required(0, "the address")?, "the address")?, block: a.block(1)? }
        }
        "eth_call" => {
            let a = args()?;
            R::Call { tx: read_tx(a.required(0, "the transaction")?)?, block: a.block(1)? }
        }
        "eth_estimateGas" => {
            let a = args()?;
            a.block(1)?;
            R::EstimateGas { tx: read_tx(a.required(0, "the transaction")?)? }
        }
        "eth_sendTransaction" => R::SendTransaction { tx: read_tx(args()?.required(0, "the transaction")?)? },
        "personal_sign" => {
            let a = args()?;
            let message = sign_data(a.required(0, "the message")?)?;
            // Some old dapps sent [address, message]; the order is not guessed, since a
            // message may itself look like an address.
            let address = address(a.required(1, "the address")?, "the second parameter (the address)")?;
            R::PersonalSign { message, address }
        }
        "wallet_switchEthereumChain" => {
            let target = args()?.required(0, "{chainId}")?;
            let id = target.get("chainId").ok_or("the parameter must be {\"chainId\": \"0x…\"}")?;
            R::SwitchChain { chain_id: quantity_u64(id, "chainId")? }
        }
        "eth_getTransactionReceipt" => {
            R::GetReceipt { hash: hash(args()?.required(0, "the transaction hash")?, "the transaction hash")? }
        }
        _ => return Ok(None),
    }))
}

/// Positional parameters: JSON-RPC allows a list or an object, and every method here
/// takes a list. Absent (`null`) is an empty list.
struct Args<'a>(&'a [Value]);

impl<'a> Args<'a> {
    fn new(params: &'a Value) -> Result<Self, String> {
        match params {
            Value::Null => Ok(Self(&[])),
            Value::Array(list) => Ok(Self(list)),
            _ => Err("params must be a list, as [a, b]".into()),
        }
    }

    fn required(&self, index: usize, what: &str) -> Result<&'a Value, String> {
        self.0.get(index).filter(|v| !v.is_null()).ok_or_else(|| format!("{what} is missing"))
    }

    fn block(&self, index: usize) -> Result<BlockTag, String> {
        match self.0.get(index) {
            None | Some(Value::Null) => Ok(BlockTag::Latest),
            Some(Value::String(tag)) if tag == "latest" => Ok(BlockTag::Latest),
            Some(Value::String(tag)) if tag == "pending" => Ok(BlockTag::Pending),
            Some(_) => Err("only the newest state is proven here: ask for the \"latest\" block".into()),
        }
    }
}

fn read_tx(value: &Value) -> Result<TxParams, String> {
    let object =
        value.as_object().ok_or("the transaction must be an object, as {\"to\": \"0x…\", \"value\": \"0x…\"}")?;
    let field = |key: &str| object.get(key).filter(|v| !v.is_null());
    let from = field("from").map(|v| address(v, "from")).transpose()?;
    let to = field("to").map(|v| address(v, "to")).transpose()?;
    let value = field("value").map(|v| quantity_u256(v, "value")).transpose()?.unwrap_or_default();
    let data = match (field("data"), field("input")) {
        (Some(data), Some(input)) => {
            let (data, input) = (bytes(data, "data")?, bytes(input, "input")?);
            if data != input {
                return Err("data and input differ: send the calldata once".into());
            }
            data
        }
        (Some(data), None) => bytes(data, "data")?,
        (None, Some(input)) => bytes(input, "input")?,
        (None, None) => Bytes::new(),
    };
    let gas = field("gas").map(|v| quantity_u64(v, "gas")).transpose()?;
    let fee = |key| field(key).map(|v| quantity_u128(v, key)).transpose();
    let (max_fee_per_gas, max_priority_fee_per_gas) =
        match (fee("gasPrice")?, fee("maxFeePerGas")?, fee("maxPriorityFeePerGas")?) {
            (Some(price), None, None) => (Some(price), Some(price)),
            (Some(_), _, _) => return Err("gasPrice goes with neither maxFeePerGas nor maxPriorityFeePerGas".into()),
            (None, max, tip) => (max, tip),
        };
    if let (Some(max), Some(tip)) = (max_fee_per_gas, max_priority_fee_per_gas) {
        if tip > max {
            return Err("maxPriorityFeePerGas is above maxFeePerGas".into());
        }
    }
    // Value sent to a new contract with no code stays there for good: a dapp's mistake,
    // not a deployment.
    if to.is_none() && data.is_empty() {
        return Err("a transaction without \"to\" deploys a contract, and this one has no code".into());
    }
    Ok(TxParams { from, to, value, data, gas, max_fee_per_gas, max_priority_fee_per_gas })
}

/// `0x` and 40 hex digits. Mixed case is an EIP-55 checksum and must be right: a wrong one
/// is how a mistyped address shows.
fn address(value: &Value, what: &str) -> Result<Address, String> {
    let text = value.as_str().unwrap_or_default();
    let digits = text.strip_prefix("0x").unwrap_or_default();
    if digits.len() != 40 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("{what} must be an address, 0x and 40 hex digits"));
    }
    let mixed = digits.bytes().any(|b| b.is_ascii_lowercase()) && digits.bytes().any(|b| b.is_ascii_uppercase());
    let parsed = if mixed { Address::parse_checksummed(text, None).ok() } else { text.parse().ok() };
    parsed.ok_or_else(|| format!("{what} has a wrong checksum (the case of its letters): check it was copied whole"))
}

/// A quantity's hex digits, leading zeros dropped (tolerated on the way in).
fn hex_digits<'v>(value: &'v Value, what: &str) -> Result<&'v str, String> {
    let digits = value
        .as_str()
        .and_then(|text| text.strip_prefix("0x"))
        .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or_else(|| format!("{what} must be a hex quantity, as \"0x1\""))?;
    let trimmed = digits.trim_start_matches('0');
    Ok(if trimmed.is_empty() { "0" } else { trimmed })
}

fn quantity_u256(value: &Value, what: &str) -> Result<U256, String> {
    U256::from_str_radix(hex_digits(value, what)?, 16).map_err(|_| format!("{what} is too large"))
}

fn quantity_u128(value: &Value, what: &str) -> Result<u128, String> {
    u128::from_str_radix(hex_digits(value, what)?, 16).map_err(|_| format!("{what} is too large"))
}

fn quantity_u64(value: &Value, what: &str) -> Result<u64, String> {
    u64::from_str_radix(hex_digits(value, what)?, 16).map_err(|_| format!("{what} is too large"))
}

/// `0x` and an even number of hex digits; `0x` alone is empty.
fn bytes(value: &Value, what: &str) -> Result<Bytes, String> {
    value
        .as_str()
        .and_then(|text| text.strip_prefix("0x"))
        .and_then(|digits| hex::decode(digits).ok())
        .map(Bytes::from)
        .ok_or_else(|| format!("{what} must be bytes in hex, 0x and an even number of digits"))
}

fn hash(value: &Value, what: &str) -> Result<B256, String> {
    let digits = value.as_str().and_then(|text| text.strip_prefix("0x")).unwrap_or_default();
    let mut out = [0u8; 32];
    hex::decode_to_slice(digits, &mut out).map_err(|_| format!("{what} must be 0x and 64 hex digits"))?;
    Ok(B256::from(out))
}

/// What `personal_sign` signs: hex as bytes; any other string, as MetaMask accepts, as its
/// UTF-8 text. Hex digits in an odd number are neither, and refused rather than guessed.
fn sign_data(value: &Value) -> Result<Bytes, String> {
    let text = value.as_str().ok_or("the message must be a string, hex or text")?;
    match text.strip_prefix("0x") {
        Some(digits) if digits.bytes().all(|b| b.is_ascii_hexdigit()) => hex::decode(digits)
            .map(Bytes::from)
            .map_err(|_| "the message looks like hex but has an odd number of digits".into()),
        _ => Ok(Bytes::copy_from_slice(text.as_bytes())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::address;

    const ANVIL: Address = address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    const ANVIL_LOWER: &str = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
    const ANVIL_CHECKSUM: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

    fn parse(method: &str, params: Value) -> Result<DappRequest, DappError> {
        DappRequest::parse(method, &params)
    }

    fn invalid(method: &str, params: Value) -> String {
        match parse(method, params) {
            Err(DappError::InvalidParams(why)) => why,
            other => panic!("{method} was not refused as invalid: {other:?}"),
        }
    }

    #[test]
    fn methods_without_parameters() {
        assert_eq!(parse("eth_requestAccounts", Value::Null), Ok(DappRequest::RequestAccounts));
        assert_eq!(parse("eth_accounts", json!([])), Ok(DappRequest::Accounts));
        assert_eq!(parse("eth_chainId", Value::Null), Ok(DappRequest::ChainId));
        assert_eq!(parse("net_version", json!([])), Ok(DappRequest::NetVersion));
        assert_eq!(parse("eth_blockNumber", json!(["ignored"])), Ok(DappRequest::BlockNumber));
    }

    #[test]
    fn account_reads_take_an_address_and_the_latest_or_pending_block() {
        assert_eq!(
            parse("eth_getBalance", json!([ANVIL_LOWER, "latest"])),
            Ok(DappRequest::GetBalance { address: ANVIL, block: BlockTag::Latest })
        );
        assert_eq!(
            parse("eth_getTransactionCount", json!([ANVIL_CHECKSUM, "pending"])),
            Ok(DappRequest::GetTransactionCount { address: ANVIL, block: BlockTag::Pending })
        );
        assert_eq!(
            parse("eth_getCode", json!([ANVIL_LOWER])),
            Ok(DappRequest::GetCode { address: ANVIL, block: BlockTag::Latest }),
            "no tag is the latest block"
        );
        assert_eq!(
            parse("eth_getBalance", json!([ANVIL_LOWER, null])),
            Ok(DappRequest::GetBalance { address: ANVIL, block: BlockTag::Latest })
        );
    }

    #[test]
    fn a_block_other_than_the_newest_is_refused() {
        for tag in [json!("0x10"), json!("earliest"), json!("safe"), json!("finalized"), json!({"blockHash": "0x00"})] {
            let why = invalid("eth_getBalance", json!([ANVIL_LOWER, tag]));
            assert!(why.contains("only the newest state is proven"), "{tag}: {why}");
        }
        invalid("eth_call", json!([{"to": ANVIL_LOWER}, "0x1"]));
        invalid("eth_estimateGas", json!([{"to": ANVIL_LOWER}, "earliest"]));
    }

    #[test]
    fn malformed_addresses_are_refused() {
        assert!(invalid("eth_getBalance", json!([])).contains("the address is missing"));
        invalid("eth_getBalance", json!([42]));
        invalid("eth_getBalance", json!([&ANVIL_LOWER[2..]]));
        invalid("eth_getBalance", json!([&ANVIL_LOWER[..41]]));
        invalid("eth_getBalance", json!([format!("{}zz", &ANVIL_LOWER[..40])]));
        // One letter's case flipped breaks the checksum; all upper case carries none.
        let flipped = ANVIL_CHECKSUM.replacen('F', "f", 1);
        assert!(invalid("eth_getBalance", json!([flipped])).contains("checksum"));
        let upper = format!("0x{}", ANVIL_LOWER[2..].to_uppercase());
        assert_eq!(
            parse("eth_getBalance", json!([upper])),
            Ok(DappRequest::GetBalance { address: ANVIL, block: BlockTag::Latest })
        );
        invalid("eth_getBalance", json!({"address": ANVIL_LOWER}));
        invalid("eth_getBalance", json!(ANVIL_LOWER));
    }

    #[test]
    fn a_transaction_object_is_read_with_hex_quantities() {
        let tx = json!({
            "from": ANVIL_LOWER,
            "to": "0x0000000000000000000000000000000000000001",
            "value": "0xde0b6b3a7640000",
            "data": "0xa9059cbb",
            "gas": "0x5208",
            "maxFeePerGas": "0x3b9aca00",
            "maxPriorityFeePerGas": "0x01",
            "nonce": "0x7",
            "chainId": "0x4115",
        });
        let Ok(DappRequest::SendTransaction { tx }) = parse("eth_sendTransaction", json!([tx])) else {
            panic!("not read");
        };
        assert_eq!(
            tx,
            TxParams {
                from: Some(ANVIL),
                to: Some(Address::with_last_byte(1)),
                value: U256::from(10u64).pow(U256::from(18)),
                data: Bytes::from_static(&[0xa9, 0x05, 0x9c, 0xbb]),
                gas: Some(21_000),
                max_fee_per_gas: Some(1_000_000_000),
                max_priority_fee_per_gas: Some(1),
            }
        );
    }

    #[test]
    fn input_is_data_and_a_deployment_has_no_to() {
        let call = parse("eth_call", json!([{"to": ANVIL_LOWER, "input": "0x1234"}])).unwrap();
        let DappRequest::Call { tx, block: BlockTag::Latest } = call else { panic!("{call:?}") };
        assert_eq!(tx.data, Bytes::from_static(&[0x12, 0x34]));
        assert_eq!(tx.value, U256::ZERO);
        let same = TxParams::parse(&json!({"to": ANVIL_LOWER, "data": "0x1234", "input": "0x1234"})).unwrap();
        assert_eq!(same.data, tx.data, "both, when they agree");
        assert!(invalid("eth_call", json!([{"to": ANVIL_LOWER, "data": "0x12", "input": "0x34"}])).contains("differ"));
        let deploy = TxParams::parse(&json!({"data": "0x6000", "to": null})).unwrap();
        assert_eq!(deploy.to, None);
        assert!(invalid("eth_sendTransaction", json!([{"value": "0x1"}])).contains("no code"));
        let estimate = parse("eth_estimateGas", json!([{"to": ANVIL_LOWER}, "latest"])).unwrap();
        assert!(matches!(estimate, DappRequest::EstimateGas { tx } if tx.to == Some(ANVIL)));
    }

    #[test]
    fn malformed_transactions_are_refused() {
        invalid("eth_sendTransaction", json!([]));
        invalid("eth_sendTransaction", json!(["0x1234"]));
        for (key, bad) in [
            ("value", json!(1)),
            ("value", json!("0x")),
            ("value", json!("12")),
            ("value", json!("0xg1")),
            ("gas", json!("0x10000000000000000")),
            ("data", json!("0x123")),
            ("data", json!("1234")),
            ("maxFeePerGas", json!("0x1000000000000000000000000000000000")),
            ("to", json!("0x")),
        ] {
            let mut tx = json!({"to": ANVIL_LOWER});
            tx[key] = bad.clone();
            let why = invalid("eth_sendTransaction", json!([tx]));
            assert!(why.starts_with(&format!("eth_sendTransaction: {key} ")), "{key} = {bad}: {why}");
        }
        let too_big = format!("0x1{}", "0".repeat(64));
        assert!(invalid("eth_call", json!([{"to": ANVIL_LOWER, "value": too_big}])).contains("too large"));
        let tip_above_cap = json!({"to": ANVIL_LOWER, "maxFeePerGas": "0x1", "maxPriorityFeePerGas": "0x2"});
        assert!(invalid("eth_sendTransaction", json!([tip_above_cap])).contains("above"));
    }

    #[test]
    fn a_legacy_gas_price_sets_fee_cap_and_tip() {
        let tx = TxParams::parse(&json!({"to": ANVIL_LOWER, "gasPrice": "0x3b9aca00"})).unwrap();
        assert_eq!((tx.max_fee_per_gas, tx.max_priority_fee_per_gas), (Some(1_000_000_000), Some(1_000_000_000)));
        let mixed = json!({"to": ANVIL_LOWER, "gasPrice": "0x1", "maxFeePerGas": "0x1"});
        assert!(matches!(TxParams::parse(&mixed), Err(DappError::InvalidParams(why)) if why.contains("gasPrice")));
        let tip_only = TxParams::parse(&json!({"to": ANVIL_LOWER, "maxPriorityFeePerGas": "0x2"})).unwrap();
        assert_eq!((tip_only.max_fee_per_gas, tip_only.max_priority_fee_per_gas), (None, Some(2)));
    }

    #[test]
    fn personal_sign_takes_hex_or_plain_text() {
        assert_eq!(
            parse("personal_sign", json!(["0x68656c6c6f", ANVIL_LOWER])),
            Ok(DappRequest::PersonalSign { message: Bytes::from_static(b"hello"), address: ANVIL })
        );
        assert_eq!(
            parse("personal_sign", json!(["Sign in to example.com\nNonce: 0xab", ANVIL_LOWER])),
            Ok(DappRequest::PersonalSign {
                message: Bytes::from_static(b"Sign in to example.com\nNonce: 0xab"),
                address: ANVIL
            })
        );
        assert_eq!(
            parse("personal_sign", json!(["0xzz", ANVIL_LOWER])),
            Ok(DappRequest::PersonalSign { message: Bytes::from_static(b"0xzz"), address: ANVIL }),
            "not hex after 0x: text"
        );
        assert!(invalid("personal_sign", json!(["0xabc", ANVIL_LOWER])).contains("odd"));
        assert!(invalid("personal_sign", json!([ANVIL_LOWER, "hello"])).contains("the second parameter"));
        assert!(invalid("personal_sign", json!(["hello"])).contains("missing"));
        invalid("personal_sign", json!([7, ANVIL_LOWER]));
    }

    #[test]
    fn switch_chain_and_receipts() {
        assert_eq!(
            parse("wallet_switchEthereumChain", json!([{"chainId": "0x40da"}])),
            Ok(DappRequest::SwitchChain { chain_id: 16_602 })
        );
        invalid("wallet_switchEthereumChain", json!([{"chainId": 16_602}]));
        invalid("wallet_switchEthereumChain", json!([{}]));
        invalid("wallet_switchEthereumChain", json!([]));
        let hash = format!("0x{}", "ab".repeat(32));
        assert_eq!(
            parse("eth_getTransactionReceipt", json!([hash])),
            Ok(DappRequest::GetReceipt { hash: B256::repeat_byte(0xab) })
        );
        invalid("eth_getTransactionReceipt", json!([format!("0x{}", "ab".repeat(31))]));
        invalid("eth_getTransactionReceipt", json!(["ab".repeat(32)]));
    }

    #[test]
    fn other_methods_are_unsupported_not_passed_on() {
        for method in ["eth_signTypedData_v4", "eth_sign", "eth_getBlockByNumber", "eth_subscribe", "eth_chainid"] {
            assert_eq!(parse(method, json!([])), Err(DappError::Unsupported(method.into())));
        }
        let long = format!("x\u{7}{}", "y".repeat(100));
        let Err(DappError::Unsupported(shown)) = parse(&long, Value::Null) else { panic!() };
        assert!(shown.starts_with("x y") && shown.ends_with('…') && shown.chars().count() == 65, "{shown}");
    }

    #[test]
    fn approval_connection_and_method_names() {
        let tx = TxParams { to: Some(ANVIL), ..TxParams::default() };
        let cases = [
            (DappRequest::RequestAccounts, true, false),
            (DappRequest::Accounts, false, false),
            (DappRequest::ChainId, false, false),
            (DappRequest::GetBalance { address: ANVIL, block: BlockTag::Latest }, false, false),
            (DappRequest::Call { tx: tx.clone(), block: BlockTag::Latest }, false, false),
            (DappRequest::SendTransaction { tx }, true, true),
            (DappRequest::PersonalSign { message: Bytes::new(), address: ANVIL }, true, true),
            (DappRequest::SwitchChain { chain_id: 1 }, true, false),
        ];
        for (request, approval, connection) in cases {
            assert_eq!((request.needs_approval(), request.needs_connection()), (approval, connection), "{request:?}");
        }
        let params = json!([format!("0x{}", "00".repeat(32))]);
        assert_eq!(parse("eth_getTransactionReceipt", params).unwrap().method(), "eth_getTransactionReceipt");
        assert_eq!(DappRequest::SwitchChain { chain_id: 1 }.method(), "wallet_switchEthereumChain");
    }

    #[test]
    fn the_signer_must_be_an_account_the_site_was_given() {
        let other = Address::repeat_byte(7);
        let send =
            |from| DappRequest::SendTransaction { tx: TxParams { from, to: Some(other), ..TxParams::default() } };
        assert_eq!(send(Some(ANVIL)).signer(&[other, ANVIL]), Ok(Some(ANVIL)));
        assert_eq!(send(None).signer(&[other, ANVIL]), Ok(Some(other)), "no from: the site's first account");
        assert_eq!(send(Some(ANVIL)).signer(&[other]), Err(DappError::Unauthorized));
        assert_eq!(send(None).signer(&[]), Err(DappError::Unauthorized));
        let sign = DappRequest::PersonalSign { message: Bytes::new(), address: ANVIL };
        assert_eq!(sign.signer(&[ANVIL]), Ok(Some(ANVIL)));
        assert_eq!(sign.signer(&[other]), Err(DappError::Unauthorized));
        assert_eq!(DappRequest::ChainId.signer(&[]), Ok(None));
    }

    #[test]
    fn error_codes_and_wire_form() {
        let codes = [
            (DappError::UserRejected, 4001),
            (DappError::Unauthorized, 4100),
            (DappError::BadOrigin("null".into()), 4100),
            (DappError::Unsupported("eth_sign".into()), 4200),
            (DappError::Disconnected, 4900),
            (DappError::ChainNotAdded(1), 4902),
            (DappError::InvalidParams("x".into()), -32602),
            (DappError::Internal("x".into()), -32603),
        ];
        for (error, code) in codes {
            assert_eq!(error.code(), code, "{error:?}");
            let wire = error.to_json();
            assert_eq!(wire["code"], json!(code));
            assert_eq!(wire["message"], json!(error.to_string()));
            assert_eq!(wire.as_object().map(|o| o.len()), Some(2));
        }
        let reverted = DappError::Reverted(Bytes::from_static(&[0x08, 0xc3, 0x79, 0xa0])).to_json();
        assert_eq!(reverted, json!({ "code": 3, "message": "execution reverted", "data": "0x08c379a0" }));
        assert!(DappError::ChainNotAdded(16_602).to_string().contains("16602"));
        assert!(DappError::Internal("the node is unreachable".into()).to_string().contains("the node is unreachable"));
    }

    #[test]
    fn quantities_have_no_leading_zeros() {
        assert_eq!(quantity(U256::ZERO), "0x0");
        assert_eq!(quantity(U256::from(1)), "0x1");
        assert_eq!(quantity(U256::from(0x400)), "0x400");
        assert_eq!(quantity(U256::MAX), format!("0x{}", "f".repeat(64)));
        assert_eq!(chain_id_hex(16_602), "0x40da");
        assert_eq!(chain_id_hex(0), "0x0");
        assert_eq!(accounts_json(&[ANVIL]), json!([ANVIL_LOWER]));
        assert_eq!(accounts_json(&[]), json!([]));
        // Leading zeros are tolerated on the way in.
        assert_eq!(quantity_u64(&json!("0x0010"), "x"), Ok(16));
        assert_eq!(quantity_u64(&json!("0x0"), "x"), Ok(0));
    }
}
