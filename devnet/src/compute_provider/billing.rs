//! What each user owes the provider between settlements, and what is held back for
//! answers still being written.
//!
//! A request first *reserves* its worst case (every prompt token plus `max_tokens` answer
//! tokens at the service's prices). It is admitted under 0G's rule
//! (0g-serving-broker, api/inference/internal/ctrl/request.go `validateBalanceAdequacy`):
//! the sub-account's locked balance (`balance - pendingRefund`, read from the chain just
//! before) must cover this request's fee, everything unsettled, and
//! `MinimumLockedBalance` (1 0G, api/inference/const/const.go) on top. The devnet counts
//! the worst case and what is held for answers still being written as part of the
//! fee and the unsettled sum, so it is never more lenient than 0G. A completed answer turns
//! its reservation into a fee at the real token counts; an answer that did not arrive
//! (client gone, stream cut, inference failed) only releases its reservation, so it costs
//! nothing. Settlement takes a snapshot of the fees, and only what was snapshotted is
//! removed afterwards, so answers completed while the transaction is mined are kept for the
//! next round.

use std::collections::HashMap;

use alloy_primitives::{keccak256, Address, B256};

#[derive(Debug, Clone, Copy)]
pub struct Prices {
    pub input: u128,
    pub output: u128,
}

impl Prices {
    pub fn fee(&self, prompt_tokens: usize, completion_tokens: usize) -> u128 {
        self.input
            .saturating_mul(prompt_tokens as u128)
            .saturating_add(self.output.saturating_mul(completion_tokens as u128))
    }
}

#[derive(Debug, Default, Clone)]
struct UserFees {
    unsettled: u128,
    reserved: u128,
    /// keccak256 of each completed answer's signed text, in order (for `requestsHash`).
    answers: Vec<B256>,
}

/// 0G's `MinimumLockedBalance`: what must stay locked beyond the fees (1 0G, in neuron).
pub const MINIMUM_LOCKED_BALANCE: u128 = 1_000_000_000_000_000_000;

/// A request the locked balance cannot cover, in 0G's words (the broker's message, with
/// the devnet's provider address and the amounts in 0G with six decimals).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "insufficient balance: your locked balance is {} 0G, but the required minimum is {} 0G (breakdown: minimum \
     reserve {} 0G + unsettled fees {} 0G + current request fee {} 0G). Please add more funds with: 0g-compute-cli \
     transfer-fund --provider {provider} --amount <amount>",
    zg(*available), zg(self.required()), zg(MINIMUM_LOCKED_BALANCE), zg(unsettled + reserved), zg(*request)
)]
pub struct Insufficient {
    pub available: u128,
    pub request: u128,
    pub unsettled: u128,
    pub reserved: u128,
    pub provider: Address,
}

impl Insufficient {
    pub fn required(&self) -> u128 {
        MINIMUM_LOCKED_BALANCE.saturating_add(self.unsettled).saturating_add(self.reserved).saturating_add(self.request)
    }
}

/// neuron → 0G with six decimals, as 0G's broker prints amounts (`Text('f', 6)`, rounded).
fn zg(neuron: u128) -> String {
    let micro = neuron / 1_000_000_000_000 + u128::from(neuron % 1_000_000_000_000 >= 500_000_000_000);
    format!("{}.{:06}", micro / 1_000_000, micro % 1_000_000)
}

/// One user's settlement as taken by [`Billing::snapshot`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub user: Address,
    pub amount: u128,
    pub answers: usize,
    pub requests_hash: B256,
}

#[derive(Debug, Default)]
pub struct Billing {
    users: HashMap<Address, UserFees>,
}

impl Billing {
    /// Holds `worst` for `user` if the locked balance `locked` covers it under 0G's rule
    /// (see the module's comment); `provider` is named in the refusal.
    pub fn reserve(&mut self, user: Address, worst: u128, locked: u128, provider: Address) -> Result<(), Insufficient> {
        let fees = self.users.entry(user).or_default();
        let refusal = Insufficient {
            available: locked,
            request: worst,
            unsettled: fees.unsettled,
            reserved: fees.reserved,
            provider,
        };
        if refusal.required() > locked {
            return Err(refusal);
        }
        fees.reserved += worst;
        Ok(())
    }

    /// The answer arrived: `fee` becomes owed (never more than was reserved).
    pub fn complete(&mut self, user: Address, reserved: u128, fee: u128, signed_text: &str) {
        let fees = self.users.entry(user).or_default();
        fees.reserved = fees.reserved.saturating_sub(reserved);
        fees.unsettled = fees.unsettled.saturating_add(fee.min(reserved));
        fees.answers.push(keccak256(signed_text.as_bytes()));
    }

    /// The answer did not arrive: nothing is owed.
    pub fn release(&mut self, user: Address, reserved: u128) {
        if let Some(fees) = self.users.get_mut(&user) {
            fees.reserved = fees.reserved.saturating_sub(reserved);
        }
    }

    /// What `user` owes and has held for answers being written (0G's unsettled fee).
    pub fn owed(&self, user: Address) -> u128 {
        self.users.get(&user).map_or(0, |f| f.unsettled.saturating_add(f.reserved))
    }

    #[cfg(test)]
    pub fn unsettled(&self, user: Address) -> u128 {
        self.users.get(&user).map_or(0, |f| f.unsettled)
    }

    pub fn total_unsettled(&self) -> u128 {
        self.users.values().map(|f| f.unsettled).sum()
    }

    /// Every user with fees owed, with `requestsHash` = keccak256 of the concatenated
    /// hashes of the answers settled.
    pub fn snapshot(&self) -> Vec<Due> {
        let mut due: Vec<Due> = self
            .users
            .iter()
            .filter(|(_, f)| f.unsettled > 0)
            .map(|(user, f)| Due {
                user: *user,
                amount: f.unsettled,
                answers: f.answers.len(),
                requests_hash: keccak256(f.answers.iter().flat_map(|h| h.0).collect::<Vec<u8>>()),
            })
            .collect();
        due.sort_by_key(|d| d.user);
        due
    }

    /// A snapshotted settlement went through (or was refused for good): forget what it
    /// covered.
    pub fn settled(&mut self, due: &Due) {
        if let Some(fees) = self.users.get_mut(&due.user) {
            fees.unsettled = fees.unsettled.saturating_sub(due.amount);
            fees.answers.drain(..due.answers.min(fees.answers.len()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: Address = Address::repeat_byte(9);
    /// The reserve plus `n` neuron.
    fn locked(n: u128) -> u128 {
        MINIMUM_LOCKED_BALANCE + n
    }

    #[test]
    fn reserves_the_worst_case_and_charges_only_what_arrived() {
        let user = Address::repeat_byte(1);
        let mut billing = Billing::default();
        billing.reserve(user, 600, locked(1000), P).unwrap();
        let err = billing.reserve(user, 600, locked(1000), P).unwrap_err();
        assert_eq!((err.reserved, err.request, err.available), (600, 600, locked(1000)));
        billing.release(user, 600);
        assert_eq!(billing.unsettled(user), 0);
        billing.reserve(user, 600, locked(1000), P).unwrap();
        billing.complete(user, 600, 250, "a:b");
        assert_eq!(billing.unsettled(user), 250);
        // 250 owed + 600 held fits 1000 over the reserve; another 600 does not.
        billing.reserve(user, 600, locked(1000), P).unwrap();
        assert!(billing.reserve(user, 200, locked(1000), P).is_err());
        let due = billing.snapshot();
        assert_eq!(due.len(), 1);
        assert_eq!((due[0].amount, due[0].answers), (250, 1));
        billing.complete(user, 600, 100, "c:d");
        billing.settled(&due[0]);
        assert_eq!(billing.unsettled(user), 100, "fees earned during settlement stay owed");
        assert_eq!(billing.snapshot()[0].requests_hash, keccak256(keccak256("c:d").0));
    }

    #[test]
    fn a_request_below_the_reserve_is_refused_in_0gs_words() {
        let user = Address::repeat_byte(1);
        let mut billing = Billing::default();
        // Exactly fee + the 1 0G reserve: admitted (0G's rule is `>=`).
        billing.reserve(user, 5, locked(5), P).unwrap();
        billing.release(user, 5);
        // One neuron short.
        let err = billing.reserve(user, 5, locked(4), P).unwrap_err();
        assert_eq!(err.required(), locked(5));
        // 1 0G locked and a 0.25 0G request with 0.5 0G unsettled: 1.75 0G needed.
        billing.reserve(user, 500_000_000_000_000_000, u128::MAX, P).unwrap();
        billing.complete(user, 500_000_000_000_000_000, 500_000_000_000_000_000, "a:b");
        let err = billing.reserve(user, 250_000_000_000_000_000, MINIMUM_LOCKED_BALANCE, P).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "insufficient balance: your locked balance is 1.000000 0G, but the required minimum is 1.750000 0G \
                 (breakdown: minimum reserve 1.000000 0G + unsettled fees 0.500000 0G + current request fee 0.250000 \
                 0G). Please add more funds with: 0g-compute-cli transfer-fund --provider {P} --amount <amount>"
            )
        );
        assert_eq!(zg(1_499_999_999_999), "0.000001");
        assert_eq!(zg(0), "0.000000");
    }

    #[test]
    fn prices_per_token() {
        let p = Prices { input: 3, output: 5 };
        assert_eq!(p.fee(10, 4), 50);
    }
}
