//! What a transaction will do to the sender's balances, shown before it is signed: 0G
//! and each token, up or down, read from the local simulation over proven state
//! ([`wasm_light_client::Executed`]'s `sender_change` and `logs`).
//!
//! Why from the simulation and not from the calldata: a contract may move tokens the
//! calldata never names (a swap's output, a drainer's `transferFrom`), and only running
//! it shows that. What the simulation cannot see is said by the page, not guessed here:
//! a token that moves balances without a `Transfer` event is not listed.

use alloy_primitives::{Address, Log, I256, U256};

use crate::chain::activity::{token_transfer, Asset};

/// One asset's net change for the sender.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BalanceChange {
    pub asset: Asset,
    /// In the asset's smallest unit; for an NFT, +1 received or −1 sent.
    pub delta: I256,
    /// Whether the worst-case fee is counted in (only the 0G line: the fee actually
    /// charged is at most this, so the real change is this or better).
    pub includes_fee: bool,
}

/// The sender `me`'s balance changes: 0G first (`sender_change` from the simulation,
/// less `fee_worst_case`), then each token in the order its first transfer appears in
/// `logs`, net of what came in and went out. Assets that net to nothing are left out.
pub fn balance_changes(me: Address, sender_change: I256, fee_worst_case: U256, logs: &[Log]) -> Vec<BalanceChange> {
    let mut changes = Vec::new();
    let native = sender_change.saturating_sub(signed(fee_worst_case));
    if !native.is_zero() {
        changes.push(BalanceChange { asset: Asset::Native, delta: native, includes_fee: true });
    }
    let mut tokens: Vec<(Asset, I256)> = Vec::new();
    for transfer in logs.iter().filter_map(token_transfer) {
        if transfer.from != me && transfer.to != me {
            continue;
        }
        let amount = match transfer.asset {
            Asset::Nft(..) => I256::ONE,
            _ => signed(transfer.amount),
        };
        let delta = match (transfer.from == me, transfer.to == me) {
            (true, true) => I256::ZERO,
            (true, false) => amount.saturating_neg(),
            _ => amount,
        };
        match tokens.iter_mut().find(|(asset, _)| *asset == transfer.asset) {
            Some((_, net)) => *net = net.saturating_add(delta),
            None => tokens.push((transfer.asset, delta)),
        }
    }
    changes.extend(tokens.into_iter().filter(|(_, net)| !net.is_zero()).map(|(asset, delta)| BalanceChange {
        asset,
        delta,
        includes_fee: false,
    }));
    changes
}

/// A plain 0G payment's changes: `value` out, and the fee.
pub fn payment_changes(me: Address, value: U256, fee_worst_case: U256) -> Vec<BalanceChange> {
    balance_changes(me, signed(value).saturating_neg(), fee_worst_case, &[])
}

/// `value` as a signed amount. A token can log any 256-bit amount; one beyond 2^255 − 1
/// is shown as that, which is no less alarming.
pub fn signed(value: U256) -> I256 {
    I256::try_from(value).unwrap_or(I256::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{keccak256, Bytes, LogData};

    const ME: Address = Address::repeat_byte(0x11);
    const POOL: Address = Address::repeat_byte(0x22);
    const USDC: Address = Address::repeat_byte(0xc1);
    const WZG: Address = Address::repeat_byte(0xc2);

    fn i(v: i64) -> I256 {
        I256::try_from(v).unwrap()
    }

    fn erc20(token: Address, from: Address, to: Address, amount: u64) -> Log {
        let topic = keccak256("Transfer(address,address,uint256)");
        Log {
            address: token,
            data: LogData::new_unchecked(
                vec![topic, from.into_word(), to.into_word()],
                U256::from(amount).to_be_bytes_vec().into(),
            ),
        }
    }

    fn erc721(token: Address, from: Address, to: Address, id: u64) -> Log {
        let topic = keccak256("Transfer(address,address,uint256)");
        Log {
            address: token,
            data: LogData::new_unchecked(
                vec![topic, from.into_word(), to.into_word(), U256::from(id).into()],
                Bytes::new(),
            ),
        }
    }

    #[test]
    fn a_plain_send_is_its_value_and_the_fee() {
        let changes = balance_changes(ME, i(-5_000), U256::from(21_000 * 3), &[]);
        assert_eq!(changes, vec![BalanceChange { asset: Asset::Native, delta: i(-68_000), includes_fee: true }]);
    }

    #[test]
    fn a_swap_shows_the_token_out_and_the_token_in() {
        let logs = [
            erc20(USDC, ME, POOL, 250),
            erc20(WZG, POOL, ME, 99),
            // Between two others: a hop inside the pool, not ours.
            erc20(USDC, POOL, Address::repeat_byte(0x33), 250),
        ];
        let changes = balance_changes(ME, I256::ZERO, U256::from(100), &logs);
        let summary: Vec<_> = changes.iter().map(|c| (c.asset, c.delta, c.includes_fee)).collect();
        assert_eq!(
            summary,
            vec![
                (Asset::Native, i(-100), true),
                (Asset::Token(USDC), i(-250), false),
                (Asset::Token(WZG), i(99), false)
            ]
        );
    }

    #[test]
    fn tokens_sent_to_oneself_or_returned_net_to_nothing() {
        let logs = [erc20(USDC, ME, ME, 40), erc20(WZG, ME, POOL, 7), erc20(WZG, POOL, ME, 7)];
        let changes = balance_changes(ME, I256::ZERO, U256::from(21_000), &logs);
        assert_eq!(changes, vec![BalanceChange { asset: Asset::Native, delta: i(-21_000), includes_fee: true }]);
        // 0G paid back in full, and no fee: nothing at all.
        assert!(balance_changes(ME, I256::ZERO, U256::ZERO, &logs).is_empty());
    }

    #[test]
    fn an_nft_received_is_plus_one_of_its_id() {
        let agents = Address::repeat_byte(0xa9);
        let logs = [erc721(agents, POOL, ME, 7), erc721(agents, ME, POOL, 8)];
        let changes = balance_changes(ME, i(-1_000), U256::from(10), &logs);
        let summary: Vec<_> = changes.iter().map(|c| (c.asset, c.delta)).collect();
        assert_eq!(
            summary,
            vec![
                (Asset::Native, i(-1_010)),
                (Asset::Nft(agents, U256::from(7)), i(1)),
                (Asset::Nft(agents, U256::from(8)), i(-1)),
            ]
        );
    }

    #[test]
    fn a_huge_token_amount_saturates_rather_than_wrapping() {
        let mut log = erc20(USDC, POOL, ME, 0);
        log.data = LogData::new_unchecked(log.data.topics().to_vec(), U256::MAX.to_be_bytes_vec().into());
        let changes = balance_changes(ME, I256::ZERO, U256::ZERO, &[log]);
        assert_eq!(changes[0].delta, I256::MAX, "received, so positive, however large");
    }
}
