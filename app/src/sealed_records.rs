//! Records the wallet keeps in this browser that only its password opens: the addresses an
//! account has sent to (the Send page's first-time and look-alike warnings) and each agent's
//! conversations. Each is sealed under the vault's key with its name as the purpose
//! (`Sealer::seal_record`), so a record planted by someone without the password, altered,
//! or copied under another name does not open; they are read and written only while the
//! wallet is unlocked.

use idb::TransactionMode;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;

use crate::local_db::{self, SEALED_STORE};
use crate::wallet::vault::Sealer;

/// Bumped if the framing changes; part of every record's purpose.
const PREFIX: &str = "zg-console/sealed/v1";

/// What went wrong keeping a record, in the browser's words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    #[error("this browser's storage refused the record ({0}); free some space or allow storage for this site")]
    Storage(String),
    #[error("the record could not be sealed ({0})")]
    Seal(String),
}

/// The record kept under `name`; `None` when there is none, or when it does not open under
/// this vault's key (planted, altered, or from a wallet since deleted): it is then ignored,
/// never trusted.
pub async fn load<T: DeserializeOwned>(name: &str, sealer: &Sealer) -> Option<T> {
    let db = local_db::open().await.ok()?;
    let value = async {
        let tx = db.transaction(&[SEALED_STORE], TransactionMode::ReadOnly).ok()?;
        tx.object_store(SEALED_STORE).ok()?.get(JsValue::from_str(name)).ok()?.await.ok()?
    }
    .await;
    db.close();
    let sealed = hex::decode(value?.as_string()?).ok()?;
    let plain = sealer.open_record(&format!("{PREFIX}/{name}"), &sealed).await?;
    serde_json::from_slice(&plain).ok()
}

/// Seals `value` and keeps it under `name`, replacing what was there.
pub async fn save<T: Serialize>(name: &str, value: &T, sealer: &Sealer) -> Result<(), RecordError> {
    let plain = serde_json::to_vec(value).map_err(|e| RecordError::Seal(e.to_string()))?;
    let sealed =
        sealer.seal_record(&format!("{PREFIX}/{name}"), &plain).await.map_err(|e| RecordError::Seal(e.to_string()))?;
    let db = local_db::open().await.map_err(RecordError::Storage)?;
    let result = async {
        let storage = |e: idb::Error| RecordError::Storage(e.to_string());
        let tx = db.transaction(&[SEALED_STORE], TransactionMode::ReadWrite).map_err(storage)?;
        let store = tx.object_store(SEALED_STORE).map_err(storage)?;
        store
            .put(&JsValue::from_str(&hex::encode(sealed)), Some(&JsValue::from_str(name)))
            .map_err(storage)?
            .await
            .map_err(storage)?;
        tx.commit().map_err(storage)?.await.map_err(storage)?;
        Ok(())
    }
    .await;
    db.close();
    result
}
