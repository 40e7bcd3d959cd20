//! The newest verified head per network, kept in IndexedDB so that after a reload the
//! light client resumes there instead of re-verifying every header from the configured
//! checkpoint (at 0G's 0.4 s blocks, a day is 216,000 headers).
//!
//! A stored head is used only if it was reached from the checkpoint configured now
//! (`root`): changing the checkpoint discards what was verified from the old one.
//!
//! A stored head becomes the light client's root of trust, so it is sealed under the
//! vault's key (AES-GCM, `Sealer::seal_record`): whoever can write this browser's
//! IndexedDB but does not know the password cannot plant a head. So heads are read and
//! written only while the wallet is unlocked; a locked app verifies from the configured
//! checkpoint.

use alloy_primitives::B256;
use idb::TransactionMode;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

use super::networks::Checkpoint;
use crate::local_db::{self, CHECKPOINT_STORE};
use crate::wallet::vault::Sealer;

/// The `root` of a head verified from the endpoints' agreement rather than a checkpoint.
pub const AGREED: B256 = B256::ZERO;

/// What a sealed head record is for (`Sealer::seal_record`'s purpose).
const PURPOSE: &str = "zg-console/stored-head/v1";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredHead {
    /// The configured checkpoint this head was verified from, or [`AGREED`].
    pub root: B256,
    pub number: u64,
    pub hash: B256,
}

/// Where to start verifying: the stored head if it descends from `configured`.
pub fn start_from(configured: Checkpoint, stored: Option<StoredHead>) -> Checkpoint {
    match stored {
        Some(head) if head.root == configured.hash && head.number >= configured.number => {
            Checkpoint { number: head.number, hash: head.hash }
        }
        _ => configured,
    }
}

/// The head stored for `network_id`, if it opens under the vault's key. A record that does
/// not (planted, altered, or from before heads were sealed) is ignored.
pub async fn load(network_id: &str, sealer: &Sealer) -> Option<StoredHead> {
    let db = local_db::open().await.ok()?;
    let tx = db.transaction(&[CHECKPOINT_STORE], TransactionMode::ReadOnly).ok()?;
    let value = tx.object_store(CHECKPOINT_STORE).ok()?.get(JsValue::from_str(network_id)).ok()?.await.ok()??;
    db.close();
    let sealed = hex::decode(value.as_string()?).ok()?;
    let plain = sealer.open_record(&format!("{PURPOSE}/{network_id}"), &sealed).await?;
    serde_json::from_slice(&plain).ok()
}

/// Best effort: failing to save only means re-verifying more headers next time.
pub async fn save(network_id: &str, head: &StoredHead, sealer: &Sealer) {
    let plain = serde_json::to_vec(head).expect("a StoredHead serialises");
    let Ok(sealed) = sealer.seal_record(&format!("{PURPOSE}/{network_id}"), &plain).await else { return };
    let json = hex::encode(sealed);
    let Ok(db) = local_db::open().await else { return };
    if let Ok(tx) = db.transaction(&[CHECKPOINT_STORE], TransactionMode::ReadWrite) {
        if let Ok(store) = tx.object_store(CHECKPOINT_STORE) {
            if let Ok(put) = store.put(&JsValue::from_str(&json), Some(&JsValue::from_str(network_id))) {
                let _ = put.await;
            }
        }
        if let Ok(commit) = tx.commit() {
            let _ = commit.await;
        }
    }
    db.close();
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIGURED: Checkpoint = Checkpoint { number: 10, hash: B256::repeat_byte(1) };

    #[test]
    fn resumes_from_a_head_verified_from_the_same_checkpoint() {
        let head = StoredHead { root: CONFIGURED.hash, number: 500, hash: B256::repeat_byte(5) };
        assert_eq!(start_from(CONFIGURED, Some(head)), Checkpoint { number: 500, hash: head.hash });
    }

    #[test]
    fn ignores_heads_from_another_checkpoint_or_nothing() {
        let other = StoredHead { root: B256::repeat_byte(2), number: 500, hash: B256::repeat_byte(5) };
        assert_eq!(start_from(CONFIGURED, Some(other)), CONFIGURED);
        assert_eq!(start_from(CONFIGURED, None), CONFIGURED);
        let behind = StoredHead { root: CONFIGURED.hash, number: 3, hash: B256::repeat_byte(5) };
        assert_eq!(start_from(CONFIGURED, Some(behind)), CONFIGURED);
    }
}
