//! The networks zg-console knows, and the checks that an endpoint really serves the one
//! the user picked. Pure data and rules; fetching lives in `rpc`.

use alloy_primitives::{address, Address, Bytes, B256};
use serde::{Deserialize, Serialize};

use wasm_light_client::provider::MIN_AGREEMENT;

use super::fees::FeeLimits;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Network {
    /// Stable key: "devnet", "galileo", "mainnet" or "custom".
    pub id: String,
    pub name: String,
    pub chain_id: u64,
    pub rpc_url: String,
    /// Further endpoints of the same chain. A new head is accepted only when a majority
    /// of all endpoints serve the same header at its height.
    #[serde(default)]
    pub witness_urls: Vec<String>,
    pub explorer: Option<String>,
    /// The light client's root of trust. Without one, values are shown unverified.
    pub checkpoint: Option<Checkpoint>,
    /// Devnet only: where the faucet listens.
    pub faucet_url: Option<String>,
    /// A public network's own faucet page, offered as a link (Galileo's, which 0G's docs
    /// and tutorials give as faucet.0g.ai).
    #[serde(default)]
    pub public_faucet: Option<String>,
    /// 0G Storage on this network, where the app knows it.
    #[serde(default)]
    pub storage: Option<StorageConfig>,
    /// The project's contracts on this network, where deployed.
    #[serde(default)]
    pub contracts: Contracts,
    /// Fee ceilings the user set; None: [`FeeLimits::default_for`] this network.
    #[serde(default)]
    pub fee_limits: Option<FeeLimits>,
    /// Verifying 0G's validators' signatures instead (experimental), when the user turned
    /// it on in Settings: it then takes precedence over the checkpoint and the endpoints.
    #[serde(default)]
    pub consensus: Option<ConsensusConfig>,
    /// A consensus endpoint and pin the network itself offers (the devnet's stand-in),
    /// for Settings to suggest.
    #[serde(default)]
    pub consensus_offer: Option<ConsensusConfig>,
}

/// A CometBFT RPC endpoint of the network's consensus layer, and the consensus block the
/// light client starts from (its height and header hash, from a source the user trusts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsensusConfig {
    pub url: String,
    /// CometBFT's chain id (a name, not the EVM chain id).
    pub chain_id: String,
    pub pin: ConsensusPin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsensusPin {
    pub height: i64,
    pub hash: B256,
}

/// Where 0G Storage lives on a network: the Flow contract that announces files (its
/// market is read from `Flow.market()`), the 0G indexer that lists the storage nodes and
/// serves the HTTPS gateway, and storage nodes' JSON-RPC endpoints known without it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageConfig {
    pub flow: Address,
    #[serde(default)]
    pub nodes: Vec<String>,
    /// The block the Flow contract was created in (where log scans start).
    #[serde(default)]
    pub first_block: u64,
    /// The 0G storage indexer (JSON-RPC at `POST /`, REST gateway beside it).
    #[serde(default)]
    pub indexer: Option<String>,
}

/// 0G's storage on Galileo: the "turbo" Flow and its indexer (0g-storage-node's
/// `run/config-testnet-turbo.toml`, log sync from block 1; the indexer URL from 0G's docs).
fn galileo_storage() -> StorageConfig {
    StorageConfig {
        flow: alloy_primitives::address!("22E03a6A89B950F1c82ec5e74F8eCa321a105296"),
        nodes: vec![],
        first_block: 1,
        indexer: Some("https://indexer-storage-testnet-turbo.0g.ai".into()),
    }
}

/// 0G's storage on mainnet (0g-storage-node's `run/config-mainnet-turbo.toml`, log sync
/// from block 2387557; the indexer URL from 0G's compute SDK constants).
fn mainnet_storage() -> StorageConfig {
    StorageConfig {
        flow: alloy_primitives::address!("62D4144dB0F0a6fBBaeb6296c785C71B3D57C526"),
        nodes: vec![],
        first_block: 2_387_557,
        indexer: Some("https://indexer-storage-turbo.0g.ai".into()),
    }
}

impl StorageConfig {
    /// A Flow the user named, on a network the app knows no storage nodes for.
    pub fn with_flow(flow: Address) -> StorageConfig {
        StorageConfig { flow, nodes: vec![], first_block: 0, indexer: None }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Contracts {
    #[serde(default, rename = "wrappedZG")]
    pub wrapped_zg: Option<Address>,
    /// The ERC-7857 agent NFT (contracts/src/inft/AgentNFT.sol).
    #[serde(default)]
    pub agent_nft: Option<Address>,
    /// The four-option governor (contracts/src/governance/ZgGovernor.sol) and its timelock.
    #[serde(default)]
    pub governor: Option<Address>,
    #[serde(default)]
    pub timelock: Option<Address>,
    /// The staking registry (0G's `IStakingContract`; on the devnet the stand-in
    /// contracts/src/staking/ZgStaking.sol).
    #[serde(default)]
    pub staking: Option<Address>,
    /// Consensus keys of validators to look up in the registry: 0G's interface finds a
    /// validator only by its key (`getValidator(pubkey)`), it cannot list them.
    #[serde(default)]
    pub staking_validators: Vec<Bytes>,
    /// 0G Compute: the ledger (LedgerManager) and the inference registry (InferenceServing).
    #[serde(default)]
    pub ledger: Option<Address>,
    #[serde(default)]
    pub inference_serving: Option<Address>,
    /// The block the agent and governance contracts were created in, where their log scans
    /// start (a deployment made from the app, or joined from a link, names it). None: the
    /// storage Flow's first block, else 0.
    #[serde(default)]
    pub first_block: Option<u64>,
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
    #[error("witness endpoint \"{0}\" must start with http:// or https://")]
    BadWitnessUrl(String),
    #[error("enter a chain id (a whole number)")]
    BadChainId,
    #[error("the consensus endpoint must start with http:// or https://")]
    BadConsensusUrl,
    #[error("enter the consensus chain's name (its CometBFT chain id, such as the one its /status reports)")]
    BadConsensusChain,
    #[error("pinned block height: a whole number from 1")]
    BadPinHeight,
    #[error("pinned block hash: 64 hexadecimal characters (CometBFT writes them without 0x)")]
    BadPinHash,
}

pub const DEVNET_CHAIN_ID: u64 = 31337;
pub const GALILEO_CHAIN_ID: u64 = 16602;
pub const MAINNET_CHAIN_ID: u64 = 16661;

/// 0G's public networks. No checkpoint is shipped for them (one must come from a source
/// the user trusts; see Settings); their values are verified from a head most of their
/// independent endpoints serve alike.
pub fn public_networks() -> Vec<Network> {
    vec![
        Network {
            id: "galileo".into(),
            name: "0G Galileo testnet".into(),
            chain_id: GALILEO_CHAIN_ID,
            rpc_url: "https://evmrpc-testnet.0g.ai".into(),
            // Operators other than 0G, among the third-party RPCs 0G's docs list for Galileo
            // (0g-doc, developer-hub/testnet/testnet-overview.md): Ankr and dRPC, at the URLs
            // their naming gives. Three endpoints, so two must agree and one may be down.
            witness_urls: vec![
                "https://rpc.ankr.com/0g_galileo_testnet_evm".into(),
                "https://0g-galileo-testnet.drpc.org".into(),
            ],
            explorer: Some("https://chainscan-galileo.0g.ai".into()),
            checkpoint: None,
            faucet_url: None,
            public_faucet: Some("https://faucet.0g.ai".into()),
            storage: Some(galileo_storage()),
            // 0G Compute on Galileo: 0g-serving-contract deployments/zgTestnetV4 (chain 16602)
            // LedgerManager.json and InferenceServing_v1.0.json (the beacon proxies), the
            // same as 0G's compute SDK 0.9.0's CONTRACT_ADDRESSES.testnet.
            contracts: Contracts {
                ledger: Some(address!("E70830508dAc0A97e6c087c75f402f9Be669E406")),
                inference_serving: Some(address!("a79F4c8311FF93C06b8CfB403690cc987c93F91E")),
                // 0G's staking docs (0gfoundation/0g-doc, staking-interfaces.md): "Testnet".
                staking: Some(address!("ea224dBB52F57752044c0C86aD50930091F561B9")),
                ..Contracts::default()
            },
            fee_limits: None,
            consensus: None,
            consensus_offer: None,
        },
        Network {
            id: "mainnet".into(),
            name: "0G mainnet".into(),
            chain_id: MAINNET_CHAIN_ID,
            rpc_url: "https://evmrpc.0g.ai".into(),
            // Operators other than 0G, among the third-party RPCs 0G's docs list for mainnet
            // (0g-doc, developer-hub/mainnet/mainnet-overview.md): Ankr and dRPC, at the URLs
            // their naming gives. Three endpoints, so two must agree and one may be down.
            witness_urls: vec!["https://rpc.ankr.com/0g_mainnet_evm".into(), "https://0g-mainnet.drpc.org".into()],
            explorer: Some("https://chainscan.0g.ai".into()),
            checkpoint: None,
            faucet_url: None,
            public_faucet: None,
            storage: Some(mainnet_storage()),
            // 0G Compute on mainnet: 0g-serving-contract deployments/zgMainnet (chain 16661),
            // the same as the SDK's CONTRACT_ADDRESSES.mainnet.
            contracts: Contracts {
                ledger: Some(address!("2dE54c845Cd948B72D2e32e39586fe89607074E3")),
                inference_serving: Some(address!("47340d900bdFec2BD393c626E12ea0656F938d84")),
                ..Contracts::default()
            },
            fee_limits: None,
            consensus: None,
            consensus_offer: None,
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
    pub contracts: Option<DevnetContracts>,
    #[serde(default)]
    pub storage_nodes: Vec<DevnetStorageNode>,
    /// zg-devnet's zg-indexer over those nodes.
    #[serde(default)]
    pub indexer: Option<DevnetIndexer>,
    /// zg-devnet's stand-in for 0G's consensus RPC.
    #[serde(default)]
    pub consensus: Option<ConsensusConfig>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DevnetIndexer {
    pub url: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DevnetContracts {
    pub flow: Address,
    #[serde(default)]
    pub first_block: u64,
    /// Everything else in devnet.json's `contracts`, by the same names as [`Contracts`].
    #[serde(flatten)]
    pub deployed: Contracts,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DevnetStorageNode {
    pub url: String,
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
            witness_urls: vec![],
            explorer: None,
            checkpoint: Some(self.checkpoint),
            faucet_url: self.faucet.as_ref().map(|f| f.url.clone()),
            public_faucet: None,
            storage: self.contracts.as_ref().map(|c| StorageConfig {
                flow: c.flow,
                nodes: self.storage_nodes.iter().map(|n| n.url.clone()).collect(),
                first_block: c.first_block,
                indexer: self.indexer.as_ref().map(|i| i.url.clone()),
            }),
            contracts: self.contracts.as_ref().map(|c| c.deployed.clone()).unwrap_or_default(),
            fee_limits: None,
            consensus: None,
            consensus_offer: self.consensus.clone(),
        }
    }
}

/// A user-defined network from the settings form. `witnesses` holds further endpoints,
/// separated by spaces, commas or new lines.
pub fn custom_network(
    rpc_url: &str,
    witnesses: &str,
    chain_id: &str,
    checkpoint: Option<Checkpoint>,
) -> Result<Network, NetworkError> {
    let rpc_url = rpc_url.trim();
    if !is_http(rpc_url) {
        return Err(NetworkError::BadUrl);
    }
    let witness_urls = parse_endpoints(witnesses)?;
    let chain_id = chain_id.trim().parse().map_err(|_| NetworkError::BadChainId)?;
    Ok(Network {
        id: "custom".into(),
        name: "Custom network".into(),
        chain_id,
        rpc_url: rpc_url.into(),
        witness_urls,
        explorer: None,
        checkpoint,
        faucet_url: None,
        public_faucet: None,
        storage: None,
        contracts: Contracts::default(),
        fee_limits: None,
        consensus: None,
        consensus_offer: None,
    })
}

fn is_http(url: &str) -> bool {
    url.starts_with("http://") || url.starts_with("https://")
}

/// Endpoint URLs typed in a form, separated by spaces, commas or new lines; each must be
/// http(s).
/// The consensus light client's settings from the form's four fields.
pub fn consensus_config(url: &str, chain_id: &str, height: &str, hash: &str) -> Result<ConsensusConfig, NetworkError> {
    let url = url.trim();
    if !is_http(url) {
        return Err(NetworkError::BadConsensusUrl);
    }
    let chain_id = chain_id.trim();
    if chain_id.is_empty() || chain_id.chars().any(char::is_whitespace) {
        return Err(NetworkError::BadConsensusChain);
    }
    let height = height.trim().parse::<i64>().ok().filter(|h| *h >= 1).ok_or(NetworkError::BadPinHeight)?;
    let hash = hash.trim();
    let hash = hash.strip_prefix("0x").unwrap_or(hash).parse::<B256>().map_err(|_| NetworkError::BadPinHash)?;
    Ok(ConsensusConfig { url: url.into(), chain_id: chain_id.into(), pin: ConsensusPin { height, hash } })
}

pub fn parse_endpoints(text: &str) -> Result<Vec<String>, NetworkError> {
    let urls: Vec<String> =
        text.split(|c: char| c.is_whitespace() || c == ',').filter(|w| !w.is_empty()).map(String::from).collect();
    match urls.iter().find(|w| !is_http(w)) {
        Some(bad) => Err(NetworkError::BadWitnessUrl(bad.clone())),
        None => Ok(urls),
    }
}

impl Network {
    /// Adds endpoints the user named for this network to its witnesses (each once; the
    /// network's own RPC URL is not its own witness).
    pub fn add_witnesses(&mut self, extra: &[String]) {
        for url in extra {
            if *url != self.rpc_url && !self.witness_urls.contains(url) {
                self.witness_urls.push(url.clone());
            }
        }
    }

    /// Where scans for the agent and governance contracts' logs start.
    pub fn contracts_first_block(&self) -> u64 {
        self.contracts.first_block.or(self.storage.as_ref().map(|s| s.first_block)).unwrap_or(0)
    }

    /// The fee ceilings in force: the user's, else the network's defaults.
    pub fn fee_limits(&self) -> FeeLimits {
        self.fee_limits.unwrap_or_else(|| FeeLimits::default_for(&self.id))
    }

    /// How many endpoints must agree on a head: a majority of all of them.
    pub fn quorum(&self) -> usize {
        let endpoints = self.witness_urls.len() + 1;
        endpoints / 2 + 1
    }

    /// What the light client can verify from on this network (see [`TrustRoot`]).
    pub fn trust_root(&self) -> TrustRoot {
        if let Some(consensus) = &self.consensus {
            return TrustRoot::Consensus(consensus.pin);
        }
        match self.checkpoint {
            Some(checkpoint) => TrustRoot::Checkpoint(checkpoint),
            None if self.quorum() >= MIN_AGREEMENT => {
                TrustRoot::Agreement { quorum: self.quorum(), endpoints: self.witness_urls.len() + 1 }
            }
            None => TrustRoot::Nothing,
        }
    }
}

/// What the light client starts verifying from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrustRoot {
    /// A checkpoint the network ships or the user set: every header is hash-linked to it.
    Checkpoint(Checkpoint),
    /// No checkpoint, but independent endpoints enough that `quorum` of `endpoints` serving
    /// the same head can stand in for one.
    Agreement { quorum: usize, endpoints: usize },
    /// Neither: values are shown unverified until a checkpoint or another endpoint is added.
    Nothing,
    /// 0G's validators' signatures, checked from a pinned consensus block (experimental).
    Consensus(ConsensusPin),
}

impl TrustRoot {
    pub fn verifies(&self) -> bool {
        !matches!(self, TrustRoot::Nothing)
    }
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
    fn endpoints_a_user_adds_become_witnesses_once_and_can_make_a_network_verifiable() {
        let mut mainnet = public_networks().into_iter().find(|n| n.id == "mainnet").unwrap();
        mainnet.witness_urls.clear();
        assert_eq!(mainnet.trust_root(), TrustRoot::Nothing);
        let extra = parse_endpoints("https://a.example, https://b.example\nhttps://a.example").unwrap();
        mainnet.add_witnesses(&extra);
        mainnet.add_witnesses(&[mainnet.rpc_url.clone()]);
        assert_eq!(mainnet.witness_urls, vec!["https://a.example", "https://b.example"]);
        assert_eq!(mainnet.trust_root(), TrustRoot::Agreement { quorum: 2, endpoints: 3 });
        assert_eq!(parse_endpoints("ftp://x.example"), Err(NetworkError::BadWitnessUrl("ftp://x.example".into())));
        assert_eq!(parse_endpoints("  "), Ok(vec![]));
    }

    #[test]
    fn a_network_verifies_from_a_checkpoint_or_from_two_endpoints_or_not_at_all() {
        let mut galileo = public_networks().into_iter().find(|n| n.id == "galileo").unwrap();
        assert_eq!(galileo.checkpoint, None);
        // 0G's endpoint and two other operators': any two agreeing carry it.
        assert_eq!(galileo.trust_root(), TrustRoot::Agreement { quorum: 2, endpoints: 3 });
        let mainnet = public_networks().into_iter().find(|n| n.id == "mainnet").unwrap();
        assert_eq!(mainnet.trust_root(), TrustRoot::Agreement { quorum: 2, endpoints: 3 });
        galileo.witness_urls.clear();
        assert_eq!(galileo.trust_root(), TrustRoot::Nothing);
        assert!(!galileo.trust_root().verifies());
        let checkpoint = Checkpoint { number: 7, hash: B256::repeat_byte(7) };
        galileo.checkpoint = Some(checkpoint);
        assert_eq!(galileo.trust_root(), TrustRoot::Checkpoint(checkpoint));
        galileo.checkpoint = None;
        galileo.witness_urls = vec!["https://a.example".into(), "https://b.example".into()];
        assert_eq!(galileo.trust_root(), TrustRoot::Agreement { quorum: 2, endpoints: 3 });
    }

    #[test]
    fn public_networks_have_0g_chain_ids() {
        let ids: Vec<u64> = public_networks().iter().map(|n| n.chain_id).collect();
        assert_eq!(ids, vec![16602, 16661]);
    }

    #[test]
    fn public_networks_name_0gs_compute_contracts() {
        let [galileo, mainnet] = <[Network; 2]>::try_from(public_networks()).unwrap();
        let hex = |a: Option<Address>| a.map(|a| a.to_checksum(None));
        assert_eq!(hex(galileo.contracts.ledger).as_deref(), Some("0xE70830508dAc0A97e6c087c75f402f9Be669E406"));
        assert_eq!(
            hex(galileo.contracts.inference_serving).as_deref(),
            Some("0xa79F4c8311FF93C06b8CfB403690cc987c93F91E")
        );
        assert_eq!(hex(mainnet.contracts.ledger).as_deref(), Some("0x2dE54c845Cd948B72D2e32e39586fe89607074E3"));
        assert_eq!(
            hex(mainnet.contracts.inference_serving).as_deref(),
            Some("0x47340d900bdFec2BD393c626E12ea0656F938d84")
        );
    }

    #[test]
    fn public_networks_carry_0g_storage() {
        let nets = public_networks();
        let galileo = nets[0].storage.as_ref().unwrap();
        assert_eq!(galileo.flow, "0x22E03a6A89B950F1c82ec5e74F8eCa321a105296".parse::<Address>().unwrap());
        assert_eq!(
            (galileo.first_block, galileo.indexer.as_deref()),
            (1, Some("https://indexer-storage-testnet-turbo.0g.ai"))
        );
        let mainnet = nets[1].storage.as_ref().unwrap();
        assert_eq!(mainnet.flow, "0x62D4144dB0F0a6fBBaeb6296c785C71B3D57C526".parse::<Address>().unwrap());
        assert_eq!(
            (mainnet.first_block, mainnet.indexer.as_deref()),
            (2_387_557, Some("https://indexer-storage-turbo.0g.ai"))
        );
        // No node list: public nodes are found through the indexer.
        assert!(galileo.nodes.is_empty() && mainnet.nodes.is_empty());
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
        assert_eq!(custom_network("ftp://x", "", "1", None), Err(NetworkError::BadUrl));
        assert_eq!(custom_network("http://127.0.0.1:8545", "", "abc", None), Err(NetworkError::BadChainId));
        let n = custom_network(" http://127.0.0.1:8545 ", "", "31337", None).unwrap();
        assert_eq!((n.chain_id, n.quorum()), (31337, 1));
        assert_eq!(
            custom_network("http://a", "http://b nope", "1", None),
            Err(NetworkError::BadWitnessUrl("nope".into()))
        );
    }

    #[test]
    fn a_majority_of_endpoints_must_agree() {
        let n = custom_network("http://a", "http://b,\nhttp://c", "1", None).unwrap();
        assert_eq!(n.witness_urls, vec!["http://b", "http://c"]);
        assert_eq!(n.quorum(), 2);
        let two = custom_network("http://a", "http://b", "1", None).unwrap();
        assert_eq!(two.quorum(), 2, "with two endpoints both must agree");
    }

    #[test]
    fn devnet_json_from_zg_devnet_parses() {
        let json = r#"{"name":"devnet","chainId":31337,"rpcUrl":"http://127.0.0.1:8545",
            "checkpoint":{"number":0,"hash":"0x1111111111111111111111111111111111111111111111111111111111111111"},
            "faucet":{"url":"/faucet","amountWei":"10000000000000000000"},"blockTime":0.4,
            "contracts":{"flow":"0x5fbdb2315678afecb367f032d93f642f64180aa3","market":"0xe7f1725e7734ce288f8367e1bb143e90bb3f0512",
              "wrappedZG":"0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0","pricePerSectorWei":"1000000000","firstBlock":2,
              "agentNft":"0x00000000000000000000000000000000000000a1","governor":"0x00000000000000000000000000000000000000a2",
              "inferenceServing":"0x00000000000000000000000000000000000000a3",
              "stakingValidators":["0xa1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"]},
            "storageNodes":[{"url":"http://127.0.0.1:5678","shardId":0,"numShard":2}],
            "indexer":{"url":"http://127.0.0.1:12345","pid":4242}}"#;
        let cfg: DevnetConfig = serde_json::from_str(json).unwrap();
        let n = cfg.network();
        assert_eq!(n.chain_id, 31337);
        assert_eq!(n.faucet_url.as_deref(), Some("/faucet"));
        assert_eq!(n.checkpoint.unwrap().number, 0);
        let storage = n.storage.unwrap();
        assert_eq!(storage.nodes, vec!["http://127.0.0.1:5678"]);
        assert_eq!(storage.first_block, 2);
        assert_eq!(storage.indexer.as_deref(), Some("http://127.0.0.1:12345"));
        assert!(n.contracts.wrapped_zg.is_some());
        let short = |a: Option<Address>| a.map(|a| a[19]);
        assert_eq!(short(n.contracts.agent_nft), Some(0xa1));
        assert_eq!(short(n.contracts.governor), Some(0xa2));
        assert_eq!(short(n.contracts.inference_serving), Some(0xa3));
        assert_eq!(n.contracts.staking, None, "a contract the devnet did not list stays unset");
        assert_eq!(n.contracts.staking_validators, vec![Bytes::from(vec![0xa1u8; 48])]);
    }

    #[test]
    fn only_galileo_ships_a_staking_registry() {
        let networks = public_networks();
        let staking = |id: &str| networks.iter().find(|n| n.id == id).unwrap().contracts.staking;
        // 0G's staking docs list this registry for the testnet; no mainnet address is confirmed.
        assert_eq!(staking("galileo"), Some(address!("ea224dBB52F57752044c0C86aD50930091F561B9")));
        assert_eq!(staking("mainnet"), None);
    }

    #[test]
    fn a_consensus_pin_is_read_from_the_form_or_refused_with_what_to_fix() {
        let hash = "AB".repeat(32);
        let got = consensus_config(" http://127.0.0.1:8545/cometbft ", "zg-devnet-1", "7", &hash).unwrap();
        assert_eq!(
            (got.url.as_str(), got.chain_id.as_str(), got.pin.height),
            ("http://127.0.0.1:8545/cometbft", "zg-devnet-1", 7)
        );
        assert_eq!(got.pin.hash, B256::from([0xAB; 32]));
        assert_eq!(consensus_config("x", "c", "7", &hash), Err(NetworkError::BadConsensusUrl));
        assert_eq!(consensus_config("http://h", " ", "7", &hash), Err(NetworkError::BadConsensusChain));
        assert_eq!(consensus_config("http://h", "c", "0", &hash), Err(NetworkError::BadPinHeight));
        assert_eq!(consensus_config("http://h", "c", "7", "0x12"), Err(NetworkError::BadPinHash));
        let trusted = Network { consensus: Some(got), ..public_networks()[0].clone() };
        assert_eq!(
            trusted.trust_root(),
            TrustRoot::Consensus(ConsensusPin { height: 7, hash: B256::from([0xAB; 32]) })
        );
    }
}
