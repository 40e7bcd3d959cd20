//! `zg-kdf-worker`: the wasm a key-file KDF Web Worker runs (built by trunk from `app/index.html`
//! with `data-type="worker"`). It links only what `wallet::kdf_worker::start` reaches (scrypt,
//! PBKDF2 and the message handling), and each instance derives one key and is terminated.

fn main() {
    #[cfg(target_arch = "wasm32")]
    zg_console::wallet::kdf_worker::start();
}
