//! Where the encrypted vault lives: one record in IndexedDB.
//!
//! Only [`VaultBlob`] JSON (ciphertext plus KDF parameters) is ever written here. Writes
//! go through a single readwrite transaction, so a failed write leaves the previous vault
//! in place.

use idb::{Database, TransactionMode};
use wasm_bindgen::JsValue;

use super::vault_format::VaultBlob;

use crate::local_db::VAULT_STORE as STORE;

const KEY: &str = "main";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error("the browser's storage (IndexedDB) is unavailable: {0}. Private windows and some settings block it")]
    Unavailable(String),
    #[error("saving to the browser's storage failed ({0}); your previous wallet is unchanged. Free some disk space and try again")]
    WriteFailed(String),
    #[error("reading the browser's storage failed: {0}")]
    ReadFailed(String),
}

async fn open() -> Result<Database, StoreError> {
    crate::local_db::open().await.map_err(StoreError::Unavailable)
}

/// The stored vault JSON, if any. Not parsed here: the caller reports damage.
pub async fn load() -> Result<Option<String>, StoreError> {
    let db = open().await?;
    let tx = db.transaction(&[STORE], TransactionMode::ReadOnly).map_err(|e| StoreError::ReadFailed(e.to_string()))?;
    let store = tx.object_store(STORE).map_err(|e| StoreError::ReadFailed(e.to_string()))?;
    let value = store
        .get(JsValue::from_str(KEY))
        .map_err(|e| StoreError::ReadFailed(e.to_string()))?
        .await
        .map_err(|e| StoreError::ReadFailed(e.to_string()))?;
    db.close();
    Ok(value.and_then(|v| v.as_string()))
}

/// Replaces the stored vault in one transaction.
pub async fn save(blob: &VaultBlob) -> Result<(), StoreError> {
    let db = open().await?;
    let tx =
        db.transaction(&[STORE], TransactionMode::ReadWrite).map_err(|e| StoreError::WriteFailed(e.to_string()))?;
    let store = tx.object_store(STORE).map_err(|e| StoreError::WriteFailed(e.to_string()))?;
    store
        .put(&JsValue::from_str(&blob.to_json()), Some(&JsValue::from_str(KEY)))
        .map_err(|e| StoreError::WriteFailed(e.to_string()))?
        .await
        .map_err(|e| StoreError::WriteFailed(e.to_string()))?;
    let result = tx.commit().map_err(|e| StoreError::WriteFailed(e.to_string()))?.await;
    db.close();
    match result {
        Ok(r) if r.is_committed() => Ok(()),
        Ok(_) => Err(StoreError::WriteFailed("the transaction was aborted".into())),
        Err(e) => Err(StoreError::WriteFailed(e.to_string())),
    }
}

/// Removes the vault (used by "forget this wallet", after the user confirms).
pub async fn clear() -> Result<(), StoreError> {
    let db = open().await?;
    let tx =
        db.transaction(&[STORE], TransactionMode::ReadWrite).map_err(|e| StoreError::WriteFailed(e.to_string()))?;
    let store = tx.object_store(STORE).map_err(|e| StoreError::WriteFailed(e.to_string()))?;
    store
        .delete(JsValue::from_str(KEY))
        .map_err(|e| StoreError::WriteFailed(e.to_string()))?
        .await
        .map_err(|e| StoreError::WriteFailed(e.to_string()))?;
    tx.commit()
        .map_err(|e| StoreError::WriteFailed(e.to_string()))?
        .await
        .map_err(|e| StoreError::WriteFailed(e.to_string()))?;
    db.close();
    Ok(())
}
