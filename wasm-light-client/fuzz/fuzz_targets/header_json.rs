//! Untrusted JSON from a node → `parse_rpc_header` / `verify_header_chain`: errors, never panics.
//!
//! Seeded with the captured anvil headers; the trusted hash is the fixture's block 0, so inputs
//! that keep the first header intact reach the hash links and the header rules.
#![no_main]

use std::sync::OnceLock;

use alloy_primitives::B256;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use wasm_light_client::header::parse_rpc_header;
use wasm_light_client::verify_header_chain;

fn trusted() -> B256 {
    static TRUSTED: OnceLock<B256> = OnceLock::new();
    *TRUSTED.get_or_init(|| {
        let blocks: Vec<Value> =
            serde_json::from_str(include_str!("../../tests/fixtures/anvil-headers.json")).expect("fixture");
        serde_json::from_value(blocks[0]["hash"].clone()).expect("fixture hash")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<Value>(data) else { return };
    match &value {
        Value::Array(blocks) => {
            for block in blocks {
                let _ = parse_rpc_header(block);
            }
            if let Ok(chain) = verify_header_chain(trusted(), blocks) {
                // What verified links from the checkpoint, one by one.
                assert_eq!(chain[0].hash, trusted());
                for pair in chain.windows(2) {
                    assert_eq!(pair[1].header.parent_hash, pair[0].hash);
                    assert_eq!(pair[1].header.number, pair[0].header.number + 1);
                }
            }
        }
        other => {
            if let Ok(verified) = parse_rpc_header(other) {
                assert_eq!(verified.hash, verified.header.hash_slow());
            }
        }
    }
});
