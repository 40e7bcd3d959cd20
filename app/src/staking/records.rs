//! What the app remembers about staking between visits, per network (and account): the
//! consensus keys of validators the user added, and the hashes of the undelegations it
//! sent. Only public data (keys, hashes, an estimate the user saw), so `localStorage`
//! holds it; nothing here is trusted: every key is looked up in the registry and every
//! hash is proven on chain before anything is shown.

use alloy_primitives::{Address, Bytes, B256, U256};
use serde::{Deserialize, Serialize};

/// An undelegation this app sent, and what its shares were worth (by verified calls) at
/// the block the transaction was prepared at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentUndelegation {
    pub hash: B256,
    pub estimate: U256,
    pub estimated_at: u64,
}

fn validators_key(chain_id: u64) -> String {
    format!("zg.staking.validators.{chain_id}")
}

fn undelegations_key(chain_id: u64, account: Address) -> String {
    format!("zg.staking.undelegations.{chain_id}.{account}")
}

/// Adds `item` unless present; false when it was already there.
pub fn add_unique<T: PartialEq>(list: &mut Vec<T>, item: T) -> bool {
    if list.contains(&item) {
        return false;
    }
    list.push(item);
    true
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn load<T: for<'de> Deserialize<'de>>(key: &str) -> Vec<T> {
    storage().and_then(|s| s.get_item(key).ok()?).and_then(|json| serde_json::from_str(&json).ok()).unwrap_or_default()
}

fn save<T: Serialize>(key: &str, list: &[T]) {
    if let Some(s) = storage() {
        // Best effort: losing this loses a convenience (the key can be added again, the
        // undelegation is still on chain), never funds.
        let _ = s.set_item(key, &serde_json::to_string(list).expect("records serialise"));
    }
}

pub fn added_validators(chain_id: u64) -> Vec<Bytes> {
    load(&validators_key(chain_id))
}

pub fn add_validator(chain_id: u64, pubkey: Bytes) {
    let mut list = added_validators(chain_id);
    if add_unique(&mut list, pubkey) {
        save(&validators_key(chain_id), &list);
    }
}

pub fn sent_undelegations(chain_id: u64, account: Address) -> Vec<SentUndelegation> {
    load(&undelegations_key(chain_id, account))
}

pub fn add_undelegation(chain_id: u64, account: Address, sent: SentUndelegation) {
    let mut list = sent_undelegations(chain_id, account);
    if add_unique(&mut list, sent) {
        save(&undelegations_key(chain_id, account), &list);
    }
}

pub fn forget_undelegation(chain_id: u64, account: Address, hash: B256) {
    let mut list = sent_undelegations(chain_id, account);
    list.retain(|s| s.hash != hash);
    save(&undelegations_key(chain_id, account), &list);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_as_json_and_are_kept_once() {
        let sent = SentUndelegation { hash: B256::repeat_byte(1), estimate: U256::from(7), estimated_at: 9 };
        let json = serde_json::to_string(&vec![sent.clone()]).unwrap();
        assert_eq!(serde_json::from_str::<Vec<SentUndelegation>>(&json).unwrap(), vec![sent.clone()]);
        let mut list = vec![sent.clone()];
        assert!(!add_unique(&mut list, sent));
        assert_eq!(list.len(), 1);
        assert_ne!(undelegations_key(1, Address::ZERO), undelegations_key(2, Address::ZERO), "per network");
    }
}
