//! The uploads list, kept in IndexedDB so an upload can be resumed after a reload and
//! its files downloaded or audited later. Holds no file data and nothing secret.

use alloy_primitives::B256;
use idb::TransactionMode;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

use crate::local_db::{self, UPLOAD_STORE};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadRecord {
    pub network: String,
    pub root: B256,
    pub name: String,
    pub size: u64,
    /// The Flow submission transaction, once sent.
    pub tx_hash: Option<B256>,
    /// The block the submission was proven in.
    pub submitted_block: Option<u64>,
    /// The flow sector the file starts at, from the proven `Submit` event.
    #[serde(default)]
    pub start_entry: Option<u64>,
    /// Segments every node that keeps them has acknowledged.
    pub acknowledged: Vec<u64>,
    pub segments: u64,
    /// Milliseconds since the epoch, for ordering the list.
    pub created_ms: u64,
}

impl UploadRecord {
    pub fn key(&self) -> String {
        key(&self.network, self.root)
    }

    pub fn complete(&self) -> bool {
        self.acknowledged.len() as u64 >= self.segments
    }
}

fn key(network: &str, root: B256) -> String {
    format!("{network}:{root}")
}

/// Every upload on `network`, newest first.
pub async fn list(network: &str) -> Result<Vec<UploadRecord>, String> {
    let db = local_db::open().await?;
    let tx = db.transaction(&[UPLOAD_STORE], TransactionMode::ReadOnly).map_err(|e| e.to_string())?;
    let store = tx.object_store(UPLOAD_STORE).map_err(|e| e.to_string())?;
    let values = store.get_all(None, None).map_err(|e| e.to_string())?.await.map_err(|e| e.to_string())?;
    db.close();
    let mut records: Vec<UploadRecord> = values
        .into_iter()
        .filter_map(|v| serde_json::from_str::<UploadRecord>(&v.as_string()?).ok())
        .filter(|r| r.network == network)
        .collect();
    records.sort_by_key(|r| std::cmp::Reverse(r.created_ms));
    Ok(records)
}

/// Writes `record`; an error means the browser refused (a full disk, private mode).
pub async fn save(record: &UploadRecord) -> Result<(), String> {
    let db = local_db::open().await?;
    let json = serde_json::to_string(record).map_err(|e| e.to_string())?;
    let tx = db.transaction(&[UPLOAD_STORE], TransactionMode::ReadWrite).map_err(|e| e.to_string())?;
    let store = tx.object_store(UPLOAD_STORE).map_err(|e| e.to_string())?;
    store
        .put(&JsValue::from_str(&json), Some(&JsValue::from_str(&record.key())))
        .map_err(|e| e.to_string())?
        .await
        .map_err(|e| e.to_string())?;
    tx.commit().map_err(|e| e.to_string())?.await.map_err(|e| e.to_string())?;
    db.close();
    Ok(())
}

pub async fn remove(network: &str, root: B256) -> Result<(), String> {
    let db = local_db::open().await?;
    let tx = db.transaction(&[UPLOAD_STORE], TransactionMode::ReadWrite).map_err(|e| e.to_string())?;
    let store = tx.object_store(UPLOAD_STORE).map_err(|e| e.to_string())?;
    store
        .delete(JsValue::from_str(&key(network, root)))
        .map_err(|e| e.to_string())?
        .await
        .map_err(|e| e.to_string())?;
    tx.commit().map_err(|e| e.to_string())?.await.map_err(|e| e.to_string())?;
    db.close();
    Ok(())
}

/// Saves an upload's acknowledged segments into its record as they grow, so that a reload
/// resumes where it stopped.
pub struct RecordJournal(pub UploadRecord);

impl zg_core::storage::transfer::Journal for RecordJournal {
    async fn save(&self, acknowledged: &[u64]) -> Result<(), String> {
        let record = UploadRecord { acknowledged: acknowledged.to_vec(), ..self.0.clone() };
        save(&record).await
    }
}
