//! `zg-hash-worker`: the wasm a hashing Web Worker runs (built by trunk from `app/index.html`
//! with `data-type="worker"`). It links only what `hashing::worker::start` reaches, so it is
//! a fraction of the app's size and holds nothing of the wallet.

fn main() {
    #[cfg(target_arch = "wasm32")]
    zg_console::storage::hashing::worker::start();
}
