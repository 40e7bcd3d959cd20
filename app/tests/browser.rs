//! Browser-only wallet code in real headless Chromium (wasm-bindgen-test through
//! chromedriver; `cargo xtask test` runs it). Covers what native tests cannot: WebCrypto
//! and IndexedDB.

#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;
use zg_console::wallet::vault::{self, VaultError};
use zg_console::wallet::vault_format::{
    AccountSource, StoredAccount, VaultBlob, VaultFormatError, VaultSecrets, PBKDF2_ITERATIONS,
};
use zg_console::wallet::vault_store;

wasm_bindgen_test_configure!(run_in_browser);

const PHRASE: &str = "test test test test test test test test test test test junk";
const KEY: &str = "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const PASSWORD: &str = "correct horse battery";

fn secrets() -> VaultSecrets {
    VaultSecrets {
        mnemonic: Some(PHRASE.into()),
        accounts: vec![
            StoredAccount { name: "Main".into(), source: AccountSource::Hd { index: 0 } },
            StoredAccount { name: "Imported".into(), source: AccountSource::Imported { key: KEY.into() } },
        ],
    }
}

async fn fresh() {
    vault_store::clear().await.expect("IndexedDB is available in Chromium");
    assert!(!vault::exists().await.unwrap());
}

#[wasm_bindgen_test]
async fn vault_round_trips_through_indexeddb() {
    fresh().await;
    let created = vault::create(secrets(), PASSWORD).await.unwrap();
    assert_eq!(created.secrets(), &secrets());
    assert!(vault::exists().await.unwrap());
    drop(created);

    let unlocked = vault::unlock(PASSWORD).await.unwrap();
    assert_eq!(unlocked.secrets(), &secrets());
    assert_eq!(unlocked.iterations(), PBKDF2_ITERATIONS);
}

#[wasm_bindgen_test]
async fn wrong_password_is_refused_and_leaves_the_vault_intact() {
    fresh().await;
    vault::create(secrets(), PASSWORD).await.unwrap();
    let before = vault_store::load().await.unwrap().unwrap();

    let err = vault::unlock("not the password").await.unwrap_err();
    assert_eq!(err, VaultError::WrongPassword);
    assert!(!err.to_string().contains("not the password"), "the error never echoes the password");

    assert_eq!(vault_store::load().await.unwrap().unwrap(), before, "the stored blob is unchanged");
    assert_eq!(vault::unlock(PASSWORD).await.unwrap().secrets(), &secrets(), "the right password still works");
}

#[wasm_bindgen_test]
async fn stored_blob_holds_no_plaintext_secret() {
    fresh().await;
    vault::create(secrets(), PASSWORD).await.unwrap();
    let stored = vault_store::load().await.unwrap().unwrap();
    let blob = VaultBlob::from_json(&stored).expect("a well-formed vault blob");
    assert_eq!(blob.kdf.iterations, PBKDF2_ITERATIONS);
    assert!(blob.kdf.iterations >= 600_000);
    for secret in [PHRASE, "junk", KEY, &KEY[..16], "Imported", PASSWORD] {
        assert!(!stored.contains(secret), "the stored vault must not contain {secret:?} in clear");
    }
    // Nor may localStorage hold anything of it.
    let local = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    for i in 0..local.length().unwrap() {
        let key = local.key(i).unwrap().unwrap();
        let value = local.get_item(&key).unwrap().unwrap_or_default();
        assert!(!value.contains("junk") && !value.contains(KEY), "localStorage[{key}] holds a secret");
    }
}

#[wasm_bindgen_test]
async fn update_changes_disk_and_memory_together() {
    fresh().await;
    let mut open = vault::create(secrets(), PASSWORD).await.unwrap();
    let before = vault_store::load().await.unwrap().unwrap();
    open.update(|s| s.accounts[0].name = "Renamed".into()).await.unwrap();
    let after = vault_store::load().await.unwrap().unwrap();
    assert_ne!(before, after, "a change re-encrypts with a fresh IV");
    assert_eq!(vault::unlock(PASSWORD).await.unwrap().secrets().accounts[0].name, "Renamed");
    assert_eq!(open.secrets().accounts[0].name, "Renamed");
}

#[wasm_bindgen_test]
async fn a_damaged_vault_says_so_and_is_not_overwritten() {
    fresh().await;
    vault::create(secrets(), PASSWORD).await.unwrap();
    let mut blob = VaultBlob::from_json(&vault_store::load().await.unwrap().unwrap()).unwrap();
    // Flip one byte of the ciphertext: GCM's tag must catch it.
    let mut ct = blob.ciphertext().unwrap();
    ct[0] ^= 1;
    blob.ciphertext = hex::encode(&ct);
    vault_store::save(&blob).await.unwrap();
    assert_eq!(vault::unlock(PASSWORD).await.unwrap_err(), VaultError::WrongPassword);
    assert_eq!(vault_store::load().await.unwrap().unwrap(), blob.to_json());
}

#[wasm_bindgen_test]
async fn verified_heads_are_kept_per_network_beside_the_vault() {
    use alloy_primitives::B256;
    use zg_console::chain::checkpoint_store::{self, StoredHead};

    fresh().await;
    let open = vault::create(secrets(), PASSWORD).await.unwrap();
    let sealer = open.sealer();
    let head = StoredHead { root: B256::repeat_byte(1), number: 1234, hash: B256::repeat_byte(2) };
    checkpoint_store::save("devnet-test", &head, &sealer).await;
    assert_eq!(checkpoint_store::load("devnet-test", &sealer).await, Some(head));
    assert_eq!(checkpoint_store::load("no-such-network", &sealer).await, None);
    // The vault in the same database is untouched.
    assert_eq!(vault::unlock(PASSWORD).await.unwrap().secrets(), &secrets());
}

#[wasm_bindgen_test]
async fn a_head_planted_without_the_password_is_not_trusted() {
    use alloy_primitives::B256;
    use idb::TransactionMode;
    use wasm_bindgen::JsValue;
    use zg_console::chain::checkpoint_store::{self, StoredHead};
    use zg_console::local_db::{self, CHECKPOINT_STORE};

    fresh().await;
    let sealer = vault::create(secrets(), PASSWORD).await.unwrap().sealer();
    let honest = StoredHead { root: B256::repeat_byte(1), number: 10, hash: B256::repeat_byte(2) };
    checkpoint_store::save("devnet-test", &honest, &sealer).await;
    let put = |value: String| async move {
        let db = local_db::open().await.unwrap();
        let tx = db.transaction(&[CHECKPOINT_STORE], TransactionMode::ReadWrite).unwrap();
        let store = tx.object_store(CHECKPOINT_STORE).unwrap();
        store.put(&JsValue::from_str(&value), Some(&JsValue::from_str("devnet-test"))).unwrap().await.unwrap();
        tx.commit().unwrap().await.unwrap();
        db.close();
    };
    // A forged head written as plain JSON, as heads were once kept: ignored.
    let forged = StoredHead { root: B256::repeat_byte(1), number: 99_999, hash: B256::repeat_byte(6) };
    put(serde_json::to_string(&forged).unwrap()).await;
    assert_eq!(checkpoint_store::load("devnet-test", &sealer).await, None);
    // A record sealed by another vault (another password): ignored.
    let other = vault::create(secrets(), "another password").await.unwrap().sealer();
    checkpoint_store::save("devnet-test", &forged, &other).await;
    assert_eq!(checkpoint_store::load("devnet-test", &sealer).await, None);
    // A record sealed for another network is not this network's head.
    checkpoint_store::save("galileo", &forged, &sealer).await;
    let moved = {
        let db = local_db::open().await.unwrap();
        let tx = db.transaction(&[CHECKPOINT_STORE], TransactionMode::ReadOnly).unwrap();
        let v = tx.object_store(CHECKPOINT_STORE).unwrap().get(JsValue::from_str("galileo")).unwrap().await.unwrap();
        db.close();
        v.unwrap().as_string().unwrap()
    };
    put(moved).await;
    assert_eq!(checkpoint_store::load("devnet-test", &sealer).await, None);
}

#[wasm_bindgen_test]
async fn exporting_needs_the_vault_password_again() {
    fresh().await;
    let open = vault::create(secrets(), PASSWORD).await.unwrap();
    let before = vault_store::load().await.unwrap().unwrap();
    let sealer = open.sealer();

    let err = sealer.confirm_password("not the password").await.unwrap_err();
    assert_eq!(err, VaultError::NotConfirmed);
    assert!(err.to_string().contains("nothing was exported"), "{err}");
    assert!(!err.to_string().contains("not the password"), "the error never echoes the password");
    assert_eq!(sealer.confirm_password("").await.unwrap_err(), VaultError::NotConfirmed);
    // A wrong password leaves the vault on disk and the open session as they were.
    assert_eq!(vault_store::load().await.unwrap().unwrap(), before);
    assert_eq!(open.secrets(), &secrets());

    sealer.confirm_password(PASSWORD).await.expect("the vault's own password is confirmed");
    // After an unlock (a new key derived from the stored salt) the check still holds.
    drop(open);
    let reopened = vault::unlock(PASSWORD).await.unwrap();
    reopened.sealer().confirm_password(PASSWORD).await.unwrap();
    assert_eq!(reopened.sealer().confirm_password("correct horse battery!").await, Err(VaultError::NotConfirmed));
}

async fn stored() -> String {
    vault_store::load().await.unwrap().unwrap()
}

#[wasm_bindgen_test]
async fn an_older_vault_is_sealed_again_at_the_current_count_when_unlocked() {
    fresh().await;
    vault::create_with_iterations(secrets(), PASSWORD, 100_000).await.unwrap();
    let before = VaultBlob::from_json(&stored().await).unwrap();
    assert_eq!(before.kdf.iterations, 100_000);

    // A wrong password re-seals nothing.
    assert_eq!(vault::unlock("not the password").await.unwrap_err(), VaultError::WrongPassword);
    assert_eq!(stored().await, before.to_json());

    let mut open = vault::unlock(PASSWORD).await.unwrap();
    assert_eq!(open.secrets(), &secrets());
    assert_eq!(open.iterations(), PBKDF2_ITERATIONS, "the open vault adopted the new key");
    let after = VaultBlob::from_json(&stored().await).unwrap();
    assert_eq!(after.kdf.iterations, PBKDF2_ITERATIONS, "disk holds the re-sealed vault");
    assert_ne!(after.kdf.salt, before.kdf.salt, "under a fresh salt");

    // Later changes are sealed under the new key, and the password still opens them.
    open.update(|s| s.accounts[0].name = "Renamed".into()).await.unwrap();
    open.sealer().confirm_password(PASSWORD).await.unwrap();
    drop(open);
    let again = vault::unlock(PASSWORD).await.unwrap();
    assert_eq!(again.iterations(), PBKDF2_ITERATIONS);
    assert_eq!(again.secrets().accounts[0].name, "Renamed");
    assert_eq!(VaultBlob::from_json(&stored().await).unwrap().kdf.iterations, PBKDF2_ITERATIONS);
}

#[wasm_bindgen_test]
async fn a_vault_naming_an_iteration_count_out_of_range_is_refused_before_deriving() {
    fresh().await;
    vault::create(secrets(), PASSWORD).await.unwrap();
    let mut blob = VaultBlob::from_json(&stored().await).unwrap();
    for iterations in [20_000_000, 1_000] {
        blob.kdf.iterations = iterations;
        vault_store::save(&blob).await.unwrap();
        let err = vault::unlock(PASSWORD).await.unwrap_err();
        assert_eq!(err, VaultError::Damaged(VaultFormatError::IterationsOutOfRange { iterations }));
        assert_eq!(stored().await, blob.to_json(), "left as it was");
    }
    let err = vault::create_with_iterations(secrets(), PASSWORD, 50_000).await.unwrap_err();
    assert_eq!(err, VaultError::Damaged(VaultFormatError::IterationsOutOfRange { iterations: 50_000 }));
}
