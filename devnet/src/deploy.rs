//! Deploys the project's contracts (compiled by `contracts/build.mjs` into
//! `contracts/out/`) onto the devnet's anvil, so the app, the storage nodes and the tests
//! find them at addresses announced in `/devnet.json`.
//!
//! Deployment uses anvil's dev account #9 (unlocked, so anvil signs): the faucet spends
//! from #0, and a separate account keeps the two from racing for nonces.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::{json, Value};

use crate::anvil::{Rpc, RpcError};

/// anvil's dev account #9 for the "test test … junk" mnemonic.
pub const DEPLOYER: &str = "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720";
/// The devnet's storage price: 1 gwei per 256-byte sector (4096 gwei per MiB).
pub const PRICE_PER_SECTOR_WEI: u64 = 1_000_000_000;

#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    #[error("{path}: {reason}. Run `cargo xtask setup` (or `node contracts/build.mjs`) to compile the contracts")]
    Artifact { path: PathBuf, reason: String },
    #[error("deploying {contract}: {source}")]
    Node { contract: &'static str, source: RpcError },
    #[error("deploying {contract}: the transaction failed or was not mined within 30 s ({detail})")]
    Failed { contract: &'static str, detail: String },
}

/// Where each contract lives on the devnet (`contracts` in `/devnet.json`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployed {
    pub flow: String,
    pub market: String,
    #[serde(rename = "wrappedZG")]
    pub wrapped_zg: String,
    pub price_per_sector_wei: String,
    /// The ERC-7857 agent NFT and the verifier of its transfer proofs.
    pub agent_nft: String,
    pub inft_verifier: String,
    /// The block the Flow contract was created in: where log scans can start.
    pub first_block: u64,
}

pub fn deploy_all(rpc: &Rpc, artifacts: &Path) -> Result<Deployed, DeployError> {
    let market = deploy(rpc, artifacts, "FixedPriceMarket", &[word_u64(PRICE_PER_SECTOR_WEI)])?;
    let flow = deploy(rpc, artifacts, "Flow", &[word_address(&market.address)])?;
    let set_flow = [selector("setFlow(address)").to_vec(), word_address(&flow.address).to_vec()].concat();
    send(rpc, "FixedPriceMarket.setFlow", json!({"from": DEPLOYER, "to": market.address, "data": hex(&set_flow)}))?;
    let wrapped = deploy(rpc, artifacts, "WrappedZG", &[])?;
    let verifier = deploy(rpc, artifacts, "SignatureVerifier", &[])?;
    let agent_nft = deploy(rpc, artifacts, "AgentNFT", &[word_address(&verifier.address)])?;
    Ok(Deployed {
        flow: flow.address,
        market: market.address,
        wrapped_zg: wrapped.address,
        price_per_sector_wei: PRICE_PER_SECTOR_WEI.to_string(),
        agent_nft: agent_nft.address,
        inft_verifier: verifier.address,
        first_block: flow.block,
    })
}

struct Created {
    address: String,
    block: u64,
}

fn deploy(rpc: &Rpc, artifacts: &Path, name: &'static str, args: &[[u8; 32]]) -> Result<Created, DeployError> {
    let path = artifacts.join(format!("{name}.json"));
    let fail = |reason: String| DeployError::Artifact { path: path.clone(), reason };
    let text = std::fs::read_to_string(&path).map_err(|e| fail(e.to_string()))?;
    let artifact: Value = serde_json::from_str(&text).map_err(|e| fail(e.to_string()))?;
    let bytecode = artifact["bytecode"].as_str().filter(|b| b.len() > 2).ok_or_else(|| fail("no bytecode".into()))?;
    let mut data = bytecode.to_owned();
    for word in args {
        data.push_str(&hex(word)[2..]);
    }
    let receipt = send(rpc, name, json!({"from": DEPLOYER, "data": data, "gas": "0x1c9c380"}))?;
    let address = receipt["contractAddress"]
        .as_str()
        .ok_or_else(|| DeployError::Failed { contract: name, detail: "no contract address".into() })?;
    let block = receipt["blockNumber"].as_str().and_then(|b| u64::from_str_radix(b.trim_start_matches("0x"), 16).ok());
    Ok(Created { address: address.to_owned(), block: block.unwrap_or_default() })
}

/// Sends a transaction from the deployer and waits until it is mined successfully.
fn send(rpc: &Rpc, contract: &'static str, tx: Value) -> Result<Value, DeployError> {
    let hash = rpc.call("eth_sendTransaction", json!([tx])).map_err(|source| DeployError::Node { contract, source })?;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let receipt = rpc
            .call("eth_getTransactionReceipt", json!([hash]))
            .map_err(|source| DeployError::Node { contract, source })?;
        if !receipt.is_null() {
            if receipt["status"] != "0x1" {
                return Err(DeployError::Failed { contract, detail: format!("reverted: {receipt}") });
            }
            return Ok(receipt);
        }
        if Instant::now() > deadline {
            return Err(DeployError::Failed { contract, detail: format!("transaction {hash}") });
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn word_u64(v: u64) -> [u8; 32] {
    let mut w = [0u8; 32];
    w[24..].copy_from_slice(&v.to_be_bytes());
    w
}

fn word_address(address: &str) -> [u8; 32] {
    let mut w = [0u8; 32];
    let raw = address.trim_start_matches("0x");
    for (i, byte) in (0..20).map(|i| u8::from_str_radix(&raw[2 * i..2 * i + 2], 16).unwrap_or(0)).enumerate() {
        w[12 + i] = byte;
    }
    w
}

fn selector(signature: &str) -> [u8; 4] {
    let hash = alloy_primitives::keccak256(signature.as_bytes());
    [hash[0], hash[1], hash[2], hash[3]]
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(2 + bytes.len() * 2);
    s.push_str("0x");
    for b in bytes {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abi_words_are_left_padded_big_endian() {
        assert_eq!(&word_u64(1_000_000_000)[24..], &1_000_000_000u64.to_be_bytes());
        assert!(word_u64(5)[..24].iter().all(|b| *b == 0));
        let w = word_address(DEPLOYER);
        assert!(w[..12].iter().all(|b| *b == 0));
        assert_eq!(hex(&w[12..]), DEPLOYER.to_ascii_lowercase());
        assert_eq!(hex(&selector("transfer(address,uint256)")), "0xa9059cbb");
    }
}
