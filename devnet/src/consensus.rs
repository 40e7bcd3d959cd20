//! The devnet's stand-in for 0G's consensus layer: a CometBFT RPC (`POST /cometbft`,
//! JSON-RPC `status`, `commit`, `validators`, `block`) whose block at height N carries
//! anvil's block N in a beacon block, signed by four test validators with BLS12-381 keys.
//! It lets the app's CometBFT light client run end to end; nothing about anvil's own
//! consensus changes. `/cometbft-forged` serves the same chain re-signed from block 2 on
//! by a forger's validator set (that borrows the honest keys), for the tamper journey.

use std::collections::BTreeMap;
use std::sync::Mutex;

use alloy_primitives::B256;
use serde_json::{json, Value};
use wasm_light_client::cometbft::block::{BlockId, LightBlock, Timestamp};
use wasm_light_client::cometbft::testnet::{self, TestValidators};
use wasm_light_client::header::parse_rpc_header;

use devnet::jsonrpc::Endpoint;

/// The consensus chain's id, as CometBFT names chains.
pub const CHAIN_ID: &str = "zg-devnet-1";

/// What `/devnet.json` says about the stand-in (`consensus`).
#[derive(serde::Serialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct ConsensusInfo {
    pub url: String,
    pub chain_id: &'static str,
    pub pin: Pin,
}

#[derive(serde::Serialize, Clone)]
pub struct Pin {
    pub height: i64,
    pub hash: String,
}

struct Built {
    block: LightBlock,
    txs: Vec<Vec<u8>>,
}

pub struct StandIn {
    anvil: Endpoint,
    honest: TestValidators,
    forger: TestValidators,
    /// Blocks built so far (honest, forged), by height: signing is the costly part, and
    /// each block links to the one before.
    chains: Mutex<(BTreeMap<i64, Built>, BTreeMap<i64, Built>)>,
}

fn honest_validators() -> TestValidators {
    TestValidators::new(
        &["zg-devnet-validator-1", "zg-devnet-validator-2", "zg-devnet-validator-3", "zg-devnet-validator-4"],
        &[100, 100, 100, 100],
    )
}

const FORGER: &str = "zg-devnet-forger";

/// The honest keys listed beside one heavy key only the forger holds.
fn forger_validators() -> TestValidators {
    TestValidators::new(
        &["zg-devnet-validator-1", "zg-devnet-validator-2", "zg-devnet-validator-3", "zg-devnet-validator-4", FORGER],
        &[100, 100, 100, 100, 10_000],
    )
}

impl StandIn {
    pub fn new(anvil: Endpoint) -> StandIn {
        StandIn {
            anvil,
            honest: honest_validators(),
            forger: forger_validators(),
            chains: Mutex::new(Default::default()),
        }
    }

    /// The block to pin: height 1, which carries anvil's block 1.
    pub fn pin(&self) -> Result<Pin, String> {
        let hash = self.with_block(false, 1, |b| b.block.header.hash())?;
        Ok(Pin { height: 1, hash: B256::from(hash).to_string() })
    }

    fn latest(&self) -> Result<i64, String> {
        let n = self.anvil.call("eth_blockNumber", json!([])).map_err(|e| e.to_string())?;
        let n = n.as_str().and_then(|s| i64::from_str_radix(s.trim_start_matches("0x"), 16).ok());
        n.ok_or_else(|| "anvil's eth_blockNumber is not a number".into())
    }

    /// Runs `f` on block `height` of the honest or forged chain, building what is missing.
    fn with_block<R>(&self, forged: bool, height: i64, f: impl FnOnce(&Built) -> R) -> Result<R, String> {
        let mut chains = self.chains.lock().unwrap_or_else(|p| p.into_inner());
        let (honest, forgeds) = &mut *chains;
        // The forged chain shares only block 1 with the honest one.
        let honest_to = if forged { height.min(1) } else { height };
        for h in 1..=honest_to {
            if honest.contains_key(&h) {
                continue;
            }
            let last = honest.get(&(h - 1)).map(|b| b.block.commit.block_id.clone()).unwrap_or_default();
            honest.insert(h, self.build(h, last, &self.honest)?);
        }
        if !forged || height < 2 {
            return Ok(f(&honest[&height]));
        }
        for h in 2..=height {
            if forgeds.contains_key(&h) {
                continue;
            }
            let last = match h {
                2 => honest[&1].block.commit.block_id.clone(),
                _ => forgeds[&(h - 1)].block.commit.block_id.clone(),
            };
            let mut built = self.build(h, last, &self.forger)?;
            // Only the forger can sign: the honest members' votes are left absent.
            self.forger.sign_alone(CHAIN_ID, &mut built.block.commit, FORGER);
            forgeds.insert(h, built);
        }
        Ok(f(&forgeds[&height]))
    }

    fn build(&self, height: i64, last: BlockId, validators: &TestValidators) -> Result<Built, String> {
        let block = self
            .anvil
            .call("eth_getBlockByNumber", json!([format!("0x{height:x}"), false]))
            .map_err(|e| e.to_string())?;
        let evm = parse_rpc_header(&block).map_err(|e| format!("anvil's block {height}: {e}"))?;
        // Dated at the EVM block's second; the height in the nanoseconds keeps blocks made
        // in the same second in order, as CometBFT requires.
        let time = Timestamp { seconds: evm.header.timestamp as i64, nanos: (height % 1_000) as i32 * 1_000_000 };
        let txs = testnet::beacon_txs(height as u64, &evm.header, evm.hash);
        let block = testnet::light_block(CHAIN_ID, height, time, last, &txs, validators, validators);
        Ok(Built { block, txs })
    }

    /// Answers one JSON-RPC request body.
    pub fn answer(&self, forged: bool, body: &[u8]) -> Value {
        let request: Value = match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(e) => {
                return json!({"jsonrpc": "2.0", "id": -1, "error": {"code": -32700, "message": format!("parse error: {e}")}})
            }
        };
        let id = request.get("id").cloned().unwrap_or(json!(-1));
        match self.result(forged, &request) {
            Ok(result) => json!({"jsonrpc": "2.0", "id": id, "result": result}),
            Err((code, message)) => json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}}),
        }
    }

    fn result(&self, forged: bool, request: &Value) -> Result<Value, (i64, String)> {
        let internal = |e: String| (-32603, e);
        let latest = self.latest().map_err(internal)?;
        let param = |name: &str| -> Option<i64> {
            let v = request.pointer(&format!("/params/{name}"))?;
            v.as_str().and_then(|s| s.parse().ok()).or_else(|| v.as_i64())
        };
        let height = param("height").unwrap_or(latest);
        let method = request.get("method").and_then(Value::as_str).unwrap_or_default();
        // CometBFT serves validators one height past its newest block; nothing else beyond.
        let limit = if method == "validators" { latest + 1 } else { latest };
        if method != "status" && !(1..=limit).contains(&height) {
            return Err((
                -32603,
                format!("height {height} must be less than or equal to the current blockchain height {latest}"),
            ));
        }
        match method {
            "status" => Ok(json!({
                "node_info": {"network": CHAIN_ID, "version": "zg-devnet stand-in"},
                "sync_info": {"latest_block_height": latest.to_string(), "catching_up": false},
            })),
            "commit" => self.with_block(forged, height, |b| testnet::commit_json(&b.block)).map_err(internal),
            "block" => self.with_block(forged, height, |b| testnet::block_json(&b.block, &b.txs)).map_err(internal),
            "validators" => {
                let page = param("page").unwrap_or(1).max(1) as usize;
                let per_page = param("per_page").unwrap_or(30).clamp(1, 100) as usize;
                let set = match (forged, height) {
                    (true, h) if h >= 2 => &self.forger.set,
                    _ => &self.honest.set,
                };
                Ok(testnet::validators_json(set, height, page, per_page))
            }
            other => Err((-32601, format!("method \"{other}\" is not served by the devnet's consensus stand-in"))),
        }
    }
}
