//! The key-file KDF worker (`wallet::kdf_worker`) in real headless Chromium: a worker running
//! this test binary's wasm derives the same key as the page, the message protocol checks the
//! KDF's bounds again and wipes the secrets it carried, and without the trunk-built worker
//! (wasm-bindgen-test does not serve it) the page derives the key itself, with the same result.
//! The trunk-built worker itself runs in `e2e/wallet.test.mjs`.
//!
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p app --target wasm32-unknown-unknown --test kdf_worker`

#![cfg(target_arch = "wasm32")]

use js_sys::{ArrayBuffer, Reflect, Uint8Array};
use k256::ecdsa::SigningKey;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;
use zg_console::wallet::kdf_worker::{self, KdfPath, WorkerScript};
use zg_console::wallet::keystore::{self, KdfParams, KeystoreError};

wasm_bindgen_test_configure!(run_in_browser);

/// Lets workers started with `WorkerScript::SameModule` run this test binary's wasm.
#[wasm_bindgen(js_name = zgKdfWorkerStart)]
pub fn zg_kdf_worker_start() {
    kdf_worker::start();
}

const SALT: &[u8] = b"NaCl, a salt of some length....";
const SECRET: &str = "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";

fn cheap_kdfs() -> [KdfParams; 2] {
    [KdfParams::light_scrypt(), KdfParams::pbkdf2_sha256(1000).unwrap()]
}

fn bytes(value: &JsValue) -> Vec<u8> {
    Uint8Array::new(&value.clone().dyn_into::<ArrayBuffer>().unwrap()).to_vec()
}

#[wasm_bindgen_test]
async fn a_worker_derives_the_pages_key() {
    for kdf in cheap_kdfs() {
        let expected = kdf.derive(b"correct horse", SALT);
        let (key, path) = kdf_worker::derive(WorkerScript::SameModule, kdf, b"correct horse", SALT).await;
        assert_eq!(path, KdfPath::Worker, "{kdf:?}");
        assert_eq!(*key, *expected, "{kdf:?}");
    }
}

#[wasm_bindgen_test]
fn the_secrets_are_moved_to_the_worker_not_copied() {
    let kdf = KdfParams::light_scrypt();
    let (message, transfer) = kdf_worker::request(kdf, b"correct horse", SALT);
    let password = Reflect::get(&message, &"password".into()).unwrap().dyn_into::<ArrayBuffer>().unwrap();
    assert_eq!(password.byte_length(), 13);
    // Posted as `derive_in_worker` posts it, with its transfer list: the page's buffer detaches.
    let channel = web_sys::MessageChannel::new().unwrap();
    channel.port1().post_message_with_transferable(&message, &transfer).unwrap();
    assert_eq!(password.byte_length(), 0, "the page keeps no copy of the password");
}

#[wasm_bindgen_test]
fn the_worker_side_answers_and_wipes_the_password() {
    for kdf in cheap_kdfs() {
        let (message, _) = kdf_worker::request(kdf, b"correct horse", SALT);
        let password = Reflect::get(&message, &"password".into()).unwrap();
        let (reply, transfer) = kdf_worker::answer(&message);
        assert_eq!(bytes(&password), vec![0u8; 13], "the received password is overwritten");
        assert_eq!(transfer.length(), 1, "the derived key is transferred back");
        let key_buffer = Reflect::get(&reply, &"key".into()).unwrap();
        let key = kdf_worker::key_from_reply(&reply).unwrap();
        assert_eq!(*key, *kdf.derive(b"correct horse", SALT), "{kdf:?}");
        assert_eq!(bytes(&key_buffer), vec![0u8; 32], "the page wipes the key's buffer once read");
    }
}

#[wasm_bindgen_test]
fn the_worker_checks_the_bounds_again() {
    // A message no checked `KdfParams` could have produced: 128·n·r·p = 1 GiB, or p = 17.
    for (field, value) in [("n", 1u32 << 20), ("p", 17)] {
        let (message, _) = kdf_worker::request(KdfParams::light_scrypt(), b"pw", SALT);
        if field == "p" {
            Reflect::set(&message, &"n".into(), &2.into()).unwrap();
            Reflect::set(&message, &"r".into(), &1.into()).unwrap();
        }
        Reflect::set(&message, &field.into(), &value.into()).unwrap();
        let (reply, transfer) = kdf_worker::answer(&message);
        let error = Reflect::get(&reply, &"error".into()).unwrap().as_string().unwrap();
        assert!(error.contains("beyond this wallet's limit"), "{field}: {error}");
        assert_eq!(transfer.length(), 0);
        assert!(!error.contains("pw"));
    }
    let (message, _) = kdf_worker::request(KdfParams::light_scrypt(), b"pw", SALT);
    Reflect::set(&message, &"kdf".into(), &"argon2id".into()).unwrap();
    assert!(kdf_worker::key_from_reply(&kdf_worker::answer(&message).0).is_err());
}

#[wasm_bindgen_test]
async fn without_the_trunk_worker_the_page_derives_the_same_key() {
    // wasm-bindgen-test serves no `kdf-worker/`, so the worker cannot load: the page derives.
    for kdf in cheap_kdfs() {
        let (key, path) = kdf_worker::derive(WorkerScript::Trunk, kdf, b"correct horse", SALT).await;
        assert_eq!(path, KdfPath::MainThread, "{kdf:?}");
        assert_eq!(*key, *kdf.derive(b"correct horse", SALT), "{kdf:?}");
    }
}

#[wasm_bindgen_test]
async fn key_files_round_trip_through_the_async_calls() {
    let key = SigningKey::from_slice(&hex::decode(SECRET).unwrap()).unwrap();
    let file =
        kdf_worker::encrypt_v3(|| Ok::<_, ()>(key.clone()), "correct horse", KdfParams::light_scrypt()).await.unwrap();
    let back = kdf_worker::decrypt_v3(&file, "correct horse").await.unwrap();
    assert_eq!(hex::encode(back.to_bytes()), SECRET);
    assert_eq!(keystore::decrypt_v3(&file, "correct horse").unwrap().to_bytes(), key.to_bytes());
    assert_eq!(kdf_worker::decrypt_v3(&file, "wrong").await.unwrap_err(), KeystoreError::WrongPassword);
}

#[wasm_bindgen_test]
async fn hostile_files_are_refused_before_any_worker_starts() {
    let key = SigningKey::from_slice(&hex::decode(SECRET).unwrap()).unwrap();
    let file = keystore::encrypt_v3(&key, "pw", KdfParams::light_scrypt());
    let hostile = file.replace("\"p\":6", "\"p\":4194304").replace("\"n\":4096", "\"n\":2");
    assert!(hostile.contains("4194304"));
    let err = kdf_worker::decrypt_v3(&hostile, "pw").await.unwrap_err();
    assert!(matches!(err, KeystoreError::KdfTooExpensive { .. }), "{err:?}");
}
