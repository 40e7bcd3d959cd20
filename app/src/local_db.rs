//! The app's one IndexedDB database and its object stores. Every module that keeps data
//! in the browser opens it here, so the schema and its version live in one place.

use idb::{Database, DatabaseEvent, Factory, ObjectStoreParams};

const DB_NAME: &str = "zg-console";
/// 1: `vault`. 2: `+ checkpoints`. 3: `+ uploads`. 4: `+ sealed`.
const DB_VERSION: u32 = 4;
pub const VAULT_STORE: &str = "vault";
pub const CHECKPOINT_STORE: &str = "checkpoints";
pub const UPLOAD_STORE: &str = "uploads";
/// Records sealed under the vault's key (`sealed_records`).
pub const SEALED_STORE: &str = "sealed";
const STORES: [&str; 4] = [VAULT_STORE, CHECKPOINT_STORE, UPLOAD_STORE, SEALED_STORE];

/// Opens (creating or upgrading) the database. The error text is the browser's.
pub async fn open() -> Result<Database, String> {
    let factory = Factory::new().map_err(|e| e.to_string())?;
    let mut request = factory.open(DB_NAME, Some(DB_VERSION)).map_err(|e| e.to_string())?;
    request.on_upgrade_needed(|event| {
        if let Ok(db) = event.database() {
            let existing = db.store_names();
            for store in STORES {
                if !existing.iter().any(|s| s == store) {
                    let _ = db.create_object_store(store, ObjectStoreParams::new());
                }
            }
        }
    });
    request.await.map_err(|e| e.to_string())
}
