//! An account's activity, read from blocks the light client proved: 0G sent and received,
//! contract calls and deployments, and ERC-20 and ERC-721 transfers (agents are ERC-721
//! tokens), each with its block, time, fee and status.
//!
//! Nothing here comes from an indexer: every entry is decoded from a transaction or a log
//! whose block rebuilt its verified header's transactions and receipts roots
//! ([`ProvenBlock`]). The sender is recovered from the transaction's signature, not taken
//! from the node. What a block cannot show is said, not guessed: 0G a contract pays out
//! (an internal transfer) leaves no transaction or log of its own, so it is not listed.

use alloy_consensus::transaction::SignerRecoverable;
use alloy_consensus::{Transaction, TxEnvelope};
use alloy_eips::eip2718::Decodable2718;
use alloy_primitives::{b256, keccak256, Address, Log, TxKind, B256, U256};
use wasm_light_client::ProvenBlock;

/// `Transfer(address,address,uint256)`: ERC-20 (amount in the data) and ERC-721 (token id
/// as the third topic) share it.
const TRANSFER: B256 = b256!("ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// From this account to another.
    Out,
    /// From another account to this one.
    In,
    /// From this account to itself (a nonce burn, a cancel).
    ToSelf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asset {
    /// The chain's own coin, in wei.
    Native,
    /// An ERC-20 token, by contract; the amount is in its smallest unit.
    Token(Address),
    /// An ERC-721 token (an agent, for one): the contract and the token id.
    Nft(Address, U256),
}

/// What a transaction did, apart from moving value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// A plain payment: no calldata.
    Transfer,
    /// A contract call, by its 4-byte selector.
    Call([u8; 4]),
    /// A contract deployment, and the address it created.
    Deploy(Address),
    /// A token moved (seen in a log, not in the transaction's own fields).
    TokenTransfer,
    /// 0G that reached the account without a transaction to it: a contract paid it out
    /// (a refund, a withdrawal). Found from the proven balance, not from a transaction.
    Payout,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityEntry {
    pub block: u64,
    /// Seconds since the epoch, from the verified header.
    pub timestamp: u64,
    /// The transaction; `None` for 0G a contract paid out ([`Action::Payout`]), which no
    /// transaction of this account's names.
    pub tx_hash: Option<B256>,
    /// The transaction's place in its block (0 for a payout).
    pub index: usize,
    /// For a token transfer, the log's place among the transaction's logs.
    pub log_index: Option<usize>,
    pub direction: Direction,
    /// The other side: the recipient when sending, the sender when receiving. `None` for
    /// a deployment (its address is in [`Action::Deploy`]).
    pub counterparty: Option<Address>,
    pub asset: Asset,
    /// Value moved, in the asset's smallest unit (zero for an NFT).
    pub amount: U256,
    /// What this account paid in fees, in wei: only for transactions it sent.
    pub fee: Option<U256>,
    pub success: bool,
    pub action: Action,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActivityError {
    #[error("transaction {index} of block {block} cannot be decoded; the block's activity is not listed")]
    Undecodable { block: u64, index: usize },
    #[error("the signature of transaction {index} in block {block} does not recover a sender")]
    NoSigner { block: u64, index: usize },
}

/// Everything in `block` that moved value to or from `me`, or that `me` sent, in block
/// and log order.
pub fn entries_of(block: &ProvenBlock, me: Address) -> Result<Vec<ActivityEntry>, ActivityError> {
    let mut entries = Vec::new();
    for (index, raw) in block.transactions.iter().enumerate() {
        let tx = TxEnvelope::decode_2718(&mut raw.as_ref())
            .map_err(|_| ActivityError::Undecodable { block: block.number, index })?;
        let success = block.succeeded(index);
        let tx_hash = keccak256(raw);
        let base = |direction, counterparty, asset, amount, fee, action| ActivityEntry {
            block: block.number,
            timestamp: block.timestamp,
            tx_hash: Some(tx_hash),
            index,
            log_index: None,
            direction,
            counterparty,
            asset,
            amount,
            fee,
            success,
            action,
        };
        let to = match tx.kind() {
            TxKind::Call(to) => Some(to),
            TxKind::Create => None,
        };
        // Recovering a signer costs a few hundred microseconds: only for transactions
        // that could concern `me` (sent to it, or possibly sent by it).
        let from = tx.recover_signer().map_err(|_| ActivityError::NoSigner { block: block.number, index })?;
        if from == me || to == Some(me) {
            let direction = match (from == me, to == Some(me)) {
                (true, true) => Direction::ToSelf,
                (true, false) => Direction::Out,
                _ => Direction::In,
            };
            let action = match to {
                None => Action::Deploy(from.create(tx.nonce())),
                Some(_) if tx.input().len() >= 4 => Action::Call(tx.input()[..4].try_into().expect("four bytes")),
                Some(_) => Action::Transfer,
            };
            let fee = (from == me).then(|| {
                U256::from(block.gas_used(index)) * U256::from(tx.effective_gas_price(block.base_fee_per_gas))
            });
            let counterparty = match direction {
                Direction::In => Some(from),
                _ => to,
            };
            entries.push(base(direction, counterparty, Asset::Native, tx.value(), fee, action));
        }
        for (log_index, log) in block.receipts[index].logs().iter().enumerate() {
            let Some(TokenTransfer { from: sender, to: receiver, asset, amount }) = token_transfer(log) else {
                continue;
            };
            if sender != me && receiver != me {
                continue;
            }
            let direction = match (sender == me, receiver == me) {
                (true, true) => Direction::ToSelf,
                (true, false) => Direction::Out,
                _ => Direction::In,
            };
            let counterparty = if direction == Direction::In { sender } else { receiver };
            let mut entry = base(direction, Some(counterparty), asset, amount, None, Action::TokenTransfer);
            entry.log_index = Some(log_index);
            entries.push(entry);
        }
    }
    Ok(entries)
}

/// A token moved by one log: an ERC-20 or ERC-721 `Transfer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenTransfer {
    pub from: Address,
    pub to: Address,
    /// [`Asset::Token`] or [`Asset::Nft`], never [`Asset::Native`].
    pub asset: Asset,
    /// In the token's smallest unit; zero for an NFT.
    pub amount: U256,
}

/// The token transfer `log` records, if it is one. The two standards share the event and
/// differ in where the third value sits: ERC-721 indexes the token id as a fourth topic,
/// ERC-20 puts the amount in the data as one word. Anything else with the same topic is
/// not read as either. A mint is a transfer from the zero address, a burn one to it.
pub fn token_transfer(log: &Log) -> Option<TokenTransfer> {
    let topics = log.topics();
    if topics.first() != Some(&TRANSFER) || !(3..=4).contains(&topics.len()) {
        return None;
    }
    let (from, to) = (Address::from_word(topics[1]), Address::from_word(topics[2]));
    let (asset, amount) = if topics.len() == 4 {
        (Asset::Nft(log.address, topics[3].into()), U256::ZERO)
    } else if log.data.data.len() == 32 {
        (Asset::Token(log.address), U256::from_be_slice(&log.data.data))
    } else {
        return None;
    };
    Some(TokenTransfer { from, to, asset, amount })
}

/// The entries as CSV (RFC 4180), for a spreadsheet or a tax tool: amounts exact, in
/// the asset's smallest unit and, for 0G, also in 0G; times in UTC.
pub fn to_csv(entries: &[ActivityEntry]) -> String {
    let mut out = String::from(
        "block,time_utc,tx_hash,direction,counterparty,asset,token_id,amount_raw,amount_0g,fee_0g,status,action\n",
    );
    for e in entries {
        let (asset, token_id) = match e.asset {
            Asset::Native => ("0G".to_string(), String::new()),
            Asset::Token(a) => (a.to_checksum(None), String::new()),
            Asset::Nft(a, id) => (a.to_checksum(None), id.to_string()),
        };
        let amount_0g = if e.asset == Asset::Native { exact_units(e.amount, 18) } else { String::new() };
        let fields = [
            e.block.to_string(),
            iso_utc(e.timestamp),
            e.tx_hash.map(|h| h.to_string()).unwrap_or_default(),
            match e.direction {
                Direction::Out => "out",
                Direction::In => "in",
                Direction::ToSelf => "self",
            }
            .to_string(),
            e.counterparty.map(|a| a.to_checksum(None)).unwrap_or_default(),
            asset,
            token_id,
            e.amount.to_string(),
            amount_0g,
            e.fee.map(|f| exact_units(f, 18)).unwrap_or_default(),
            if e.success { "success" } else { "failed" }.to_string(),
            match e.action {
                Action::Transfer => "transfer".to_string(),
                Action::Call(sel) => format!("call 0x{}", hex::encode(sel)),
                Action::Deploy(a) => format!("deploy {}", a.to_checksum(None)),
                Action::TokenTransfer => "token transfer".to_string(),
                Action::Payout => "payout".to_string(),
            },
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

/// A field quoted when it holds a comma, a quote or a line break; a leading `=`, `+`,
/// `-` or `@` is prefixed with `'` so a spreadsheet does not run it as a formula.
fn csv_field(field: &str) -> String {
    let field = if field.starts_with(['=', '+', '-', '@']) { format!("'{field}") } else { field.to_string() };
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field
    }
}

/// `value` with `decimals` decimals, exactly, without grouping: "1.5", "0.000000000000000021".
pub fn exact_units(value: U256, decimals: usize) -> String {
    let digits = format!("{value:0>width$}", width = decimals + 1);
    let (int, frac) = digits.split_at(digits.len() - decimals);
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        int.to_string()
    } else {
        format!("{int}.{frac}")
    }
}

/// Seconds since the epoch as "2026-12-06T05:22:40Z".
pub fn iso_utc(secs: u64) -> String {
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rest / 3600, rest % 3600 / 60, rest % 60)
}

/// 0G that moved in `block` but that none of `entries` accounts for: a contract's payout
/// to the account (or, for an account with code, a payment it made). `before` and `after`
/// are the account's proven states either side of the block.
pub fn payout(
    entries: &[ActivityEntry],
    before: AccountAt,
    after: AccountAt,
    block: &ProvenBlockInfo,
) -> Option<ActivityEntry> {
    let mut explained = alloy_primitives::I256::ZERO;
    let signed = |v: U256| alloy_primitives::I256::from_raw(v);
    for e in entries.iter().filter(|e| e.asset == Asset::Native) {
        let fee = signed(e.fee.unwrap_or_default());
        explained += match (e.direction, e.success) {
            (Direction::In, true) => signed(e.amount),
            (Direction::In, false) => alloy_primitives::I256::ZERO,
            (Direction::Out, true) => -signed(e.amount) - fee,
            (Direction::Out | Direction::ToSelf, _) => -fee,
        };
    }
    let change = signed(after.balance) - signed(before.balance);
    let rest = change - explained;
    if rest.is_zero() {
        return None;
    }
    Some(ActivityEntry {
        block: block.number,
        timestamp: block.timestamp,
        tx_hash: None,
        index: 0,
        log_index: None,
        direction: if rest.is_positive() { Direction::In } else { Direction::Out },
        counterparty: None,
        asset: Asset::Native,
        amount: rest.unsigned_abs(),
        fee: None,
        success: true,
        action: Action::Payout,
    })
}

/// A block's number and time, for entries that are not read from one of its transactions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProvenBlockInfo {
    pub number: u64,
    pub timestamp: u64,
}

/// An account's balance and nonce after some block: what [`changed_blocks`] compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountAt {
    pub balance: U256,
    pub nonce: u64,
}

/// The blocks in `(from, to]` in which an account's balance or nonce changed, found by
/// bisection over proven account states, ascending, with how many states were read.
///
/// Why this finds every payment, in and out, with O(k·log n) proofs instead of reading n
/// blocks: an account without code spends only through transactions it signs, and each
/// of those raises its nonce. So over a span where the nonce stayed the same, the balance
/// can only have grown, and if it is also the same at both ends, nothing came in either:
/// the span is skipped whole. (0G a contract pays out leaves no transaction to the
/// account, yet it changes the balance, so it is found here too.) Not for contracts or
/// EIP-7702-delegated accounts, whose code can move funds without a nonce.
///
/// Reading stops after `budget` states; the blocks not yet narrowed are returned in
/// `unsearched`, so a caller can say how far the search got rather than claim completeness.
pub async fn changed_blocks<F, Fut, E>(
    from: (u64, AccountAt),
    to: (u64, AccountAt),
    budget: usize,
    mut state_at: F,
) -> Result<ChangeSearch, E>
where
    F: FnMut(u64) -> Fut,
    Fut: std::future::Future<Output = Result<AccountAt, E>>,
{
    let mut found = Vec::new();
    let mut unsearched = Vec::new();
    let mut reads = 0;
    // Spans still to look at, lowest on top so blocks come out ascending.
    let mut spans = vec![(from, to)];
    while let Some(((lo, at_lo), (hi, at_hi))) = spans.pop() {
        if at_lo == at_hi || hi <= lo {
            continue;
        }
        if hi == lo + 1 {
            found.push(hi);
            continue;
        }
        if reads == budget {
            unsearched.push((lo + 1, hi));
            continue;
        }
        let mid = lo + (hi - lo) / 2;
        let at_mid = state_at(mid).await?;
        reads += 1;
        spans.push(((mid, at_mid), (hi, at_hi)));
        spans.push(((lo, at_lo), (mid, at_mid)));
    }
    Ok(ChangeSearch { found, unsearched, reads })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeSearch {
    /// Blocks in which the balance or the nonce changed, ascending.
    pub found: Vec<u64>,
    /// Inclusive block ranges in which a change is known to lie but which the budget
    /// left unsearched.
    pub unsearched: Vec<(u64, u64)>,
    /// Account states read.
    pub reads: usize,
}

/// An account's activity over a range of blocks, every entry proven.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct History {
    /// The state at `from` is the baseline: entries are from blocks `from+1..=to`.
    pub from: u64,
    pub to: u64,
    /// Ascending by block, then by place in the block.
    pub entries: Vec<ActivityEntry>,
    /// Ranges where a change lies that the search's budget left unread.
    pub unsearched: Vec<(u64, u64)>,
    /// Account states read (each one a proof).
    pub reads: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_consensus::{Receipt, ReceiptEnvelope, SignableTransaction, TxEip1559};
    use alloy_primitives::{Bytes, LogData, TxKind};
    use k256::ecdsa::SigningKey;

    fn key(n: u8) -> (SigningKey, Address) {
        let key = SigningKey::from_slice(&[n; 32]).unwrap();
        let address = Address::from_public_key(key.verifying_key());
        (key, address)
    }

    fn signed(key: &SigningKey, nonce: u64, to: TxKind, value: u64, input: &[u8]) -> Bytes {
        let tx = TxEip1559 {
            chain_id: 16602,
            nonce,
            gas_limit: 100_000,
            max_fee_per_gas: 30,
            max_priority_fee_per_gas: 2,
            to,
            value: U256::from(value),
            input: input.to_vec().into(),
            ..Default::default()
        };
        let (sig, recovery) = key.sign_prehash_recoverable(tx.signature_hash().as_slice()).unwrap();
        let signature = alloy_primitives::Signature::from_signature_and_parity(sig, recovery.is_y_odd());
        let envelope: TxEnvelope = tx.into_signed(signature).into();
        let mut out = Vec::new();
        alloy_eips::eip2718::Encodable2718::encode_2718(&envelope, &mut out);
        out.into()
    }

    fn receipt(cumulative: u64, success: bool, logs: Vec<Log>) -> ReceiptEnvelope<Log> {
        ReceiptEnvelope::Eip1559(Receipt { status: success.into(), cumulative_gas_used: cumulative, logs }.with_bloom())
    }

    fn transfer_log(token: Address, from: Address, to: Address, amount: u64) -> Log {
        Log {
            address: token,
            data: LogData::new_unchecked(
                vec![TRANSFER, from.into_word(), to.into_word()],
                U256::from(amount).to_be_bytes_vec().into(),
            ),
        }
    }

    fn block(transactions: Vec<Bytes>, receipts: Vec<ReceiptEnvelope<Log>>) -> ProvenBlock {
        ProvenBlock {
            number: 42,
            hash: B256::repeat_byte(1),
            timestamp: 1_765_000_000,
            base_fee_per_gas: Some(10),
            transactions,
            receipts,
        }
    }

    #[test]
    fn payments_in_and_out_calls_deployments_and_token_transfers_are_found() {
        let ((me_key, me), (other_key, other), (_, third)) = (key(1), key(2), key(3));
        let token = Address::repeat_byte(0x70);
        let b = block(
            vec![
                signed(&other_key, 0, TxKind::Call(me), 5_000, &[]),
                signed(&me_key, 0, TxKind::Call(other), 7_000, &[]),
                signed(&other_key, 1, TxKind::Call(third), 1, &[]),
                signed(&me_key, 1, TxKind::Call(token), 0, &[0xa9, 0x05, 0x9c, 0xbb, 0]),
                signed(&me_key, 2, TxKind::Create, 0, &[0x60, 0x00]),
                signed(&other_key, 2, TxKind::Call(token), 0, &[0xa9, 0x05, 0x9c, 0xbb]),
            ],
            vec![
                receipt(21_000, true, vec![]),
                receipt(42_000, true, vec![]),
                receipt(63_000, true, vec![]),
                receipt(100_000, true, vec![transfer_log(token, me, other, 3)]),
                receipt(160_000, false, vec![]),
                receipt(200_000, true, vec![transfer_log(token, other, me, 9)]),
            ],
        );
        let entries = entries_of(&b, me).unwrap();
        let summary: Vec<_> =
            entries.iter().map(|e| (e.index, e.direction, e.counterparty, e.asset, e.amount)).collect();
        assert_eq!(
            summary,
            vec![
                (0, Direction::In, Some(other), Asset::Native, U256::from(5_000)),
                (1, Direction::Out, Some(other), Asset::Native, U256::from(7_000)),
                (3, Direction::Out, Some(token), Asset::Native, U256::ZERO),
                (3, Direction::Out, Some(other), Asset::Token(token), U256::from(3)),
                (4, Direction::Out, None, Asset::Native, U256::ZERO),
                (5, Direction::In, Some(other), Asset::Token(token), U256::from(9)),
            ],
            "the payment between two others (index 2) is not ours"
        );
        // Fees: only what this account paid, at the price the block charged (base 10 + tip 2).
        assert_eq!(entries[0].fee, None, "the sender paid for a payment received");
        assert_eq!(entries[1].fee, Some(U256::from(21_000 * 12)));
        assert_eq!(entries[4].fee, Some(U256::from(60_000 * 12)));
        assert_eq!(entries[2].action, Action::Call([0xa9, 0x05, 0x9c, 0xbb]));
        assert_eq!(entries[4].action, Action::Deploy(me.create(2)));
        assert!(!entries[4].success, "a reverted deployment is listed as failed");
        assert_eq!(entries[3].log_index, Some(0));
        assert_eq!(entries[1].tx_hash, Some(keccak256(&b.transactions[1])));
    }

    #[test]
    fn an_agent_handed_over_shows_as_an_nft_with_its_id() {
        let ((_, me), (other_key, other)) = (key(1), key(2));
        let agents = Address::repeat_byte(0xa9);
        let log = Log {
            address: agents,
            data: LogData::new_unchecked(
                vec![TRANSFER, other.into_word(), me.into_word(), U256::from(7).into()],
                Bytes::new(),
            ),
        };
        let b = block(
            vec![signed(&other_key, 0, TxKind::Call(agents), 0, &[1, 2, 3, 4])],
            vec![receipt(50_000, true, vec![log])],
        );
        let entries = entries_of(&b, me).unwrap();
        assert_eq!(entries.len(), 1, "the call was not ours; the token that came to us is");
        assert_eq!(entries[0].asset, Asset::Nft(agents, U256::from(7)));
        assert_eq!(entries[0].direction, Direction::In);
    }

    #[test]
    fn a_transfer_log_is_read_only_in_either_standards_shape() {
        let (from, to, token) = (Address::repeat_byte(1), Address::repeat_byte(2), Address::repeat_byte(0x70));
        let read = token_transfer(&transfer_log(token, from, to, 9)).unwrap();
        assert_eq!(read, TokenTransfer { from, to, asset: Asset::Token(token), amount: U256::from(9) });
        // Three topics and an amount that is not one word: neither standard's event.
        let mut odd = transfer_log(token, from, to, 9);
        odd.data = LogData::new_unchecked(odd.data.topics().to_vec(), Bytes::from_static(&[9]));
        assert_eq!(token_transfer(&odd), None);
        // Another event at the same address is not a transfer.
        let other =
            Log::new_unchecked(token, vec![B256::repeat_byte(7), from.into_word(), to.into_word()], odd.data.data);
        assert_eq!(token_transfer(&other), None);
    }

    #[test]
    fn bytes_that_are_not_a_transaction_are_refused_not_skipped() {
        let b = block(vec![Bytes::from_static(&[0x02, 0xff])], vec![receipt(1, true, vec![])]);
        assert_eq!(entries_of(&b, Address::ZERO), Err(ActivityError::Undecodable { block: 42, index: 0 }));
    }

    #[test]
    fn csv_is_exact_quoted_and_safe_for_spreadsheets() {
        let ((_, me), (other_key, other)) = (key(1), key(2));
        let b = block(
            vec![signed(&other_key, 0, TxKind::Call(me), 1_500_000_000_000_000_021, &[])],
            vec![receipt(21_000, true, vec![])],
        );
        let csv = to_csv(&entries_of(&b, me).unwrap());
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 2);
        let fields: Vec<&str> = lines[1].split(',').collect();
        assert_eq!(fields[0], "42");
        assert_eq!(fields[1], "2025-12-06T05:46:40Z");
        assert_eq!(fields[3], "in");
        assert_eq!(fields[4], other.to_checksum(None));
        assert_eq!(fields[8], "1.500000000000000021");
        assert_eq!(fields[9], "", "no fee for a payment received");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
    }

    #[test]
    fn exact_units_and_utc_times() {
        assert_eq!(exact_units(U256::ZERO, 18), "0");
        assert_eq!(exact_units(U256::from(21), 18), "0.000000000000000021");
        assert_eq!(exact_units(U256::from(10).pow(U256::from(21)), 18), "1000");
        assert_eq!(iso_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso_utc(1_796_529_599), "2026-12-06T03:59:59Z");
    }

    /// An account's history: balance and nonce after each block, changing only at `changes`.
    fn history(changes: &[(u64, u64, u64)]) -> impl Fn(u64) -> AccountAt + '_ {
        move |block| {
            let mut at = AccountAt { balance: U256::from(1_000u64), nonce: 0 };
            for &(b, balance, nonce) in changes {
                if b <= block {
                    at = AccountAt { balance: U256::from(balance), nonce };
                }
            }
            at
        }
    }

    fn search(changes: &[(u64, u64, u64)], from: u64, to: u64, budget: usize) -> ChangeSearch {
        let at = history(changes);
        let run = changed_blocks((from, at(from)), (to, at(to)), budget, |b| {
            std::future::ready(Ok::<_, std::convert::Infallible>(at(b)))
        });
        futures::executor::block_on(run).unwrap()
    }

    #[test]
    fn every_block_that_moved_the_balance_or_nonce_is_found_with_few_reads() {
        // Received at 1,000; sent (nonce 1) at 70,000; a payment in and one out of the
        // same size at 500,000 (the balance ends as it was, the nonce does not).
        let changes = [(1_000, 1_500, 0), (70_000, 1_200, 1), (500_000, 1_200, 2)];
        let s = search(&changes, 0, 1_000_000, 1_000);
        assert_eq!(s.found, vec![1_000, 70_000, 500_000]);
        assert!(s.unsearched.is_empty());
        assert!(s.reads <= 3 * 20 + 3, "about log2(10^6) reads per change, not a million: {}", s.reads);
    }

    #[test]
    fn a_quiet_account_costs_nothing_and_adjacent_changes_are_both_found() {
        assert_eq!(search(&[], 0, 1_000_000, 10).reads, 0);
        let s = search(&[(41, 2_000, 0), (42, 3_000, 0)], 0, 100, 100);
        assert_eq!(s.found, vec![41, 42]);
    }

    #[test]
    fn a_spent_budget_says_where_changes_remain() {
        let s = search(&[(1_000, 1_500, 0), (900_000, 1_600, 0)], 0, 1_000_000, 5);
        assert_eq!(s.reads, 5);
        assert!(s.found.len() < 2);
        let left: u64 = s.unsearched.iter().map(|(a, b)| b - a + 1).sum();
        assert!(left > 0 && left < 1_000_000, "the unsearched ranges are narrowed, not the whole span");
        for &(a, b) in &s.unsearched {
            assert!(a <= b);
        }
        assert!(s.unsearched.iter().any(|&(a, b)| a <= 1_000 && 1_000 <= b) || s.found.contains(&1_000));
    }

    #[test]
    fn a_contracts_payout_is_what_the_transactions_do_not_explain() {
        let ((me_key, me), (_, other)) = (key(1), key(2));
        let b = block(vec![signed(&me_key, 0, TxKind::Call(other), 7_000, &[])], vec![receipt(21_000, true, vec![])]);
        let entries = entries_of(&b, me).unwrap();
        let info = ProvenBlockInfo { number: 42, timestamp: b.timestamp };
        let at = |balance: u64, nonce| AccountAt { balance: U256::from(balance), nonce };
        let paid = 7_000 + 21_000 * 12;
        assert_eq!(payout(&entries, at(1_000_000, 0), at(1_000_000 - paid, 1), &info), None, "all explained");
        let extra = payout(&entries, at(1_000_000, 0), at(1_000_000 - paid + 5_000, 1), &info).unwrap();
        assert_eq!(
            (extra.direction, extra.amount, extra.action, extra.tx_hash),
            (Direction::In, U256::from(5_000), Action::Payout, None)
        );
    }
}
