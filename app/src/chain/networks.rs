//! The networks zg-console knows, and the checks that an endpoint really serves the one
//! the user picked. Pure data and rules; fetching lives in `rpc`.

use alloy_primitives::B256;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Network {
    /// Stable key: "devnet", "galileo", "mainnet" or "custom".
    pub id: String,
    pub name: String,
    pub chain_id: u64,
    pub rpc_url: String,
    pub explorer: Option<String>,
    /// The light client's root of trust. Without one, values are shown unverified.
    pub checkpoint: Option<Checkpoint>,
    /// Devnet only: where the faucet listens.
    pub faucet_url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub number: u64,
    pub hash: B256,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NetworkError {
    #[error("the endpoint serves chain {got}, not {name} ({expected}); check the RPC URL")]
    WrongChain { name: String, expected: u64, got: u64 },
    #[error("the RPC URL must start with http:// or https://")]
    BadUrl,
    #[error("enter a chain id (a whole number)")]
    BadChainId,
}

pub const DEVNET_CHAIN_ID: u64 = 31337;
pub const GALILEO_CHAIN_ID: u64 = 16602;
pub const MAINNET_CHAIN_ID: u64 = 16661;

/// 0G's public networks. No checkpoint is shipped for them yet (one must come from a
/// source the user trusts; see Settings), so their values show as unverified until set.
pub fn public_networks() -> Vec<Network> {
    vec![
        Network {
            id: "galileo".into(),
            name: "0G Galileo testnet".into(),
            chain_id: GALILEO_CHAIN_ID,
            rpc_url: "https://evmrpc-testnet.0g.ai".into(),
            explorer: Some("https://chainscan-galileo.0g.ai".into()),
            checkpoint: None,
            faucet_url: None,
        },
        Network {
            id: "mainnet".into(),
            name: "0G mainnet".into(),
            chain_id: MAINNET_CHAIN_ID,
            rpc_url: "https://evmrpc.0g.ai".into(),
            explorer: Some("https://chainscan.0g.ai".into()),
            checkpoint: None,
            faucet_url: None,
        },
    ]
}

/// The devnet as described by the `devnet.json` that zg-devnet serves beside the app.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DevnetConfig {
    pub chain_id: u64,
    pub rpc_url: String,
    pub checkpoint: Checkpoint,
    pub faucet: Option<FaucetConfig>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct FaucetConfig {
    pub url: String,
}

impl DevnetConfig {
    pub fn network(&self) -> Network {
        Network {
            id: "devnet".into(),
            name: "Local devnet".into(),
            chain_id: self.chain_id,
            rpc_url: self.rpc_url.clone(),
            explorer: None,
            checkpoint: Some(self.checkpoint),
            faucet_url: self.faucet.as_ref().map(|f| f.url.clone()),
        }
    }
}

/// A user-defined network from the settings form.
pub fn custom_network(rpc_url: &str, chain_id: &str, checkpoint: Option<Checkpoint>) -> Result<Network, NetworkError> {
    let rpc_url = rpc_url.trim();
    if !(rpc_url.starts_with("http://") || rpc_url.starts_with("https://")) {
        return Err(NetworkError::BadUrl);
    }
    let chain_id = chain_id.trim().parse().map_err(|_| NetworkError::BadChainId)?;
    Ok(Network {
        id: "custom".into(),
        name: "Custom network".into(),
        chain_id,
        rpc_url: rpc_url.into(),
        explorer: None,
        checkpoint,
        faucet_url: None,
    })
}

/// The endpoint's `eth_chainId` must be the network's.
pub fn check_chain_id(network: &Network, reported: u64) -> Result<(), NetworkError> {
    if reported == network.chain_id {
        Ok(())
    } else {
        Err(NetworkError::WrongChain { name: network.name.clone(), expected: network.chain_id, got: reported })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_networks_have_0g_chain_ids() {
        let ids: Vec<u64> = public_networks().iter().map(|n| n.chain_id).collect();
        assert_eq!(ids, vec![16602, 16661]);
    }

    #[test]
    fn chain_id_mismatch_is_an_error_naming_both() {
        let n = &public_networks()[0];
        assert!(check_chain_id(n, 16602).is_ok());
        let e = check_chain_id(n, 31337).unwrap_err().to_string();
        assert!(e.contains("31337") && e.contains("16602"), "{e}");
    }

    #[test]
    fn custom_network_validates_input() {
        assert_eq!(custom_network("ftp://x", "1", None), Err(NetworkError::BadUrl));
        assert_eq!(custom_network("http://127.0.0.1:8545", "abc", None), Err(NetworkError::BadChainId));
        assert_eq!(custom_network(" http://127.0.0.1:8545 ", "31337", None).unwrap().chain_id, 31337);
    }

    #[test]
    fn devnet_json_from_zg_devnet_parses() {
        let json = r#"{"name":"devnet","chainId":31337,"rpcUrl":"http://127.0.0.1:8545",
            "checkpoint":{"number":0,"hash":"0x1111111111111111111111111111111111111111111111111111111111111111"},
            "faucet":{"url":"/faucet","amountWei":"10000000000000000000"},"blockTime":0.4}"#;
        let cfg: DevnetConfig = serde_json::from_str(json).unwrap();
        let n = cfg.network();
        assert_eq!(n.chain_id, 31337);
        assert_eq!(n.faucet_url.as_deref(), Some("/faucet"));
        assert_eq!(n.checkpoint.unwrap().number, 0);
    }
}
