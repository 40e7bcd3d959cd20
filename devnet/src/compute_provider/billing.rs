//! What each user owes the provider between settlements, and what is held back for
//! answers still being written.
//!
//! A request first *reserves* its worst case (every prompt token plus `max_tokens` answer
//! tokens at the service's prices): the reservation is granted only if the sub-account's
//! unlocked balance (`balance - pendingRefund`, read from the chain just before) covers
//! everything unsettled, everything reserved and this reservation. A completed answer turns
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

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "insufficient balance: the sub-account's unlocked balance is {available} neuron, but this request may cost \
     up to {request} neuron on top of {unsettled} neuron not yet settled and {reserved} neuron held for answers \
     in progress. Transfer more funds to this provider (LedgerManager.transferFund)"
)]
pub struct Insufficient {
    pub available: u128,
    pub request: u128,
    pub unsettled: u128,
    pub reserved: u128,
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
    pub fn reserve(&mut self, user: Address, worst: u128, available: u128) -> Result<(), Insufficient> {
        let fees = self.users.entry(user).or_default();
        let needed = fees.unsettled.saturating_add(fees.reserved).saturating_add(worst);
        if needed > available {
            return Err(Insufficient { available, request: worst, unsettled: fees.unsettled, reserved: fees.reserved });
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

    #[test]
    fn reserves_the_worst_case_and_charges_only_what_arrived() {
        let user = Address::repeat_byte(1);
        let mut billing = Billing::default();
        billing.reserve(user, 600, 1000).unwrap();
        let err = billing.reserve(user, 600, 1000).unwrap_err();
        assert_eq!((err.reserved, err.request, err.available), (600, 600, 1000));
        billing.release(user, 600);
        assert_eq!(billing.unsettled(user), 0);
        billing.reserve(user, 600, 1000).unwrap();
        billing.complete(user, 600, 250, "a:b");
        assert_eq!(billing.unsettled(user), 250);
        // 250 owed + 600 held fits 1000; another 600 does not.
        billing.reserve(user, 600, 1000).unwrap();
        assert!(billing.reserve(user, 200, 1000).is_err());
        let due = billing.snapshot();
        assert_eq!(due.len(), 1);
        assert_eq!((due[0].amount, due[0].answers), (250, 1));
        billing.complete(user, 600, 100, "c:d");
        billing.settled(&due[0]);
        assert_eq!(billing.unsettled(user), 100, "fees earned during settlement stay owed");
        assert_eq!(billing.snapshot()[0].requests_hash, keccak256(keccak256("c:d").0));
    }

    #[test]
    fn prices_per_token() {
        let p = Prices { input: 3, output: 5 };
        assert_eq!(p.fee(10, 4), 50);
    }
}
