//! Network links: a URL fragment that carries a network and the contracts someone deployed
//! on it, so another person can join the deployment from a link. Pure: no web dependency.
//!
//! `#join?network=galileo&chain=16602&agentNft=0x…&governor=0x…` for a network the app
//! knows, `#join?network=custom&chain=31337&rpc=http%3A%2F%2F…&checkpoint=12:0x…&…` for
//! any other. It rides in the fragment, which browsers do not send to the site's server.
//! A link is only a claim: the app connects, checks the chain id, and proves the code behind
//! every address (`service::check_suite`) before it keeps anything.

use std::collections::BTreeMap;

use alloy_primitives::{Address, B256};

use crate::chain::addresses::ContractRole;
use crate::chain::networks::{custom_network, Checkpoint, Network, NetworkError};
use crate::format::parse_address;

const PREFIX: &str = "join?";

/// The roles a link may carry: the contracts the app ships and can recognise on chain (a
/// storage Flow only on a custom network: a known network's is its own, and 0G's code).
pub const LINKABLE: [ContractRole; 5] = [
    ContractRole::AgentNft,
    ContractRole::WrappedZg,
    ContractRole::Governor,
    ContractRole::Timelock,
    ContractRole::Flow,
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkLink {
    /// "devnet", "galileo", "mainnet" or "custom".
    pub network: String,
    pub chain_id: u64,
    /// A custom network's endpoint.
    pub rpc_url: Option<String>,
    /// A custom network's trust root, as the link's author gives it.
    pub checkpoint: Option<Checkpoint>,
    pub contracts: BTreeMap<ContractRole, Address>,
    /// The block the contracts were created in (where log scans start).
    pub first_block: Option<u64>,
    /// A custom network's 0G Storage indexer (it serves the link's Flow's files; what it
    /// serves is verified against the roots the Flow holds).
    pub indexer: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("this is not a zg-console network link (it should contain #join?…)")]
    NotALink,
    #[error("the link names a network this app does not know (\"{0}\"); ask its author for a link with network=custom and an RPC URL")]
    UnknownNetwork(String),
    #[error("the link says chain {link}, but {name} is chain {expected}: it was made for another network, so nothing was used")]
    ChainMismatch { name: String, expected: u64, link: u64 },
    #[error("the link has no chain id (chain=…)")]
    NoChainId,
    #[error("the link's chain id \"{0}\" is not a whole number")]
    BadChainId(String),
    #[error("a link to a custom network must carry its RPC URL (rpc=…)")]
    NoRpc,
    #[error("the link's network: {0}")]
    Network(#[from] NetworkError),
    #[error("the link's checkpoint must be <block number>:<block hash>")]
    BadCheckpoint,
    #[error("the link's {key} is not an address: {problem}")]
    BadAddress { key: String, problem: crate::format::AddressError },
    #[error("the link carries \"{0}\", which the app cannot check; only the agent and governance contracts it deploys can be shared")]
    UnknownField(String),
    #[error("the link names {0} twice")]
    Repeated(String),
    #[error("the link names a storage Flow for a network that has its own; only a custom network's can be linked")]
    FlowOfKnownNetwork,
    #[error("the link names a storage indexer without the Flow it serves")]
    IndexerWithoutFlow,
    #[error("the link's first block \"{0}\" is not a whole number")]
    BadFirstBlock(String),
}

impl NetworkLink {
    /// A link to `network` with `contracts`. A custom network's endpoint and checkpoint
    /// go with it; a known network is named by its id.
    pub fn new(network: &Network, contracts: BTreeMap<ContractRole, Address>) -> NetworkLink {
        let custom = network.id == "custom";
        NetworkLink {
            network: network.id.clone(),
            chain_id: network.chain_id,
            rpc_url: custom.then(|| network.rpc_url.clone()),
            checkpoint: if custom { network.checkpoint } else { None },
            contracts: contracts
                .into_iter()
                .filter(|(role, _)| LINKABLE.contains(role) && (custom || *role != ContractRole::Flow))
                .collect(),
            first_block: network.contracts.first_block,
            indexer: if custom { network.storage.as_ref().and_then(|s| s.indexer.clone()) } else { None },
        }
    }

    /// The fragment, without its `#`.
    pub fn to_fragment(&self) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("network", &self.network).append_pair("chain", &self.chain_id.to_string());
        if let Some(rpc) = &self.rpc_url {
            query.append_pair("rpc", rpc);
        }
        if let Some(c) = &self.checkpoint {
            query.append_pair("checkpoint", &format!("{}:{:#x}", c.number, c.hash));
        }
        if let Some(block) = self.first_block {
            query.append_pair("from", &block.to_string());
        }
        if let Some(indexer) = &self.indexer {
            query.append_pair("indexer", indexer);
        }
        for (role, address) in &self.contracts {
            query.append_pair(role.key(), &address.to_checksum(None));
        }
        format!("{PREFIX}{}", query.finish())
    }

    /// Reads a link from a whole URL, a fragment (`#join?…`) or the fragment's text.
    pub fn parse(text: &str) -> Result<NetworkLink, LinkError> {
        let text = text.trim();
        let fragment = text.split_once('#').map_or(text, |(_, f)| f);
        let query = fragment.strip_prefix(PREFIX).ok_or(LinkError::NotALink)?;
        let mut fields: BTreeMap<String, String> = BTreeMap::new();
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            if fields.insert(key.to_string(), value.to_string()).is_some() {
                return Err(LinkError::Repeated(key.to_string()));
            }
        }
        let network = fields.remove("network").unwrap_or_else(|| "custom".into());
        let chain = fields.remove("chain").ok_or(LinkError::NoChainId)?;
        let chain_id = chain.trim().parse().map_err(|_| LinkError::BadChainId(chain.clone()))?;
        let rpc_url = fields.remove("rpc");
        let checkpoint = fields.remove("checkpoint").map(|c| parse_checkpoint(&c)).transpose()?;
        let first_block = fields
            .remove("from")
            .map(|b| b.trim().parse().map_err(|_| LinkError::BadFirstBlock(b.clone())))
            .transpose()?;
        let indexer = fields.remove("indexer");
        let mut contracts = BTreeMap::new();
        for (key, value) in fields {
            let role =
                LINKABLE.into_iter().find(|r| r.key() == key).ok_or_else(|| LinkError::UnknownField(key.clone()))?;
            let address = parse_address(&value).map_err(|problem| LinkError::BadAddress { key, problem })?;
            contracts.insert(role, address);
        }
        if network != "custom" && contracts.contains_key(&ContractRole::Flow) {
            return Err(LinkError::FlowOfKnownNetwork);
        }
        if indexer.is_some() && !contracts.contains_key(&ContractRole::Flow) {
            return Err(LinkError::IndexerWithoutFlow);
        }
        Ok(NetworkLink { network, chain_id, rpc_url, checkpoint, contracts, first_block, indexer })
    }

    /// The network the link points at: one of `known` (its chain id must agree with the
    /// link's), or a custom network from the link's endpoint, chain id and checkpoint.
    pub fn network(&self, known: &[Network]) -> Result<Network, LinkError> {
        if self.network == "custom" {
            let rpc = self.rpc_url.as_deref().ok_or(LinkError::NoRpc)?;
            return Ok(custom_network(rpc, "", &self.chain_id.to_string(), self.checkpoint)?);
        }
        let network = known
            .iter()
            .find(|n| n.id == self.network)
            .ok_or_else(|| LinkError::UnknownNetwork(self.network.clone()))?;
        if network.chain_id != self.chain_id {
            return Err(LinkError::ChainMismatch {
                name: network.name.clone(),
                expected: network.chain_id,
                link: self.chain_id,
            });
        }
        Ok(network.clone())
    }
}

fn parse_checkpoint(text: &str) -> Result<Checkpoint, LinkError> {
    let (number, hash) = text.split_once(':').ok_or(LinkError::BadCheckpoint)?;
    let number = number.trim().parse().map_err(|_| LinkError::BadCheckpoint)?;
    let hash: B256 = hash.trim().parse().map_err(|_| LinkError::BadCheckpoint)?;
    Ok(Checkpoint { number, hash })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::networks::public_networks;

    fn contracts() -> BTreeMap<ContractRole, Address> {
        BTreeMap::from([
            (ContractRole::AgentNft, Address::repeat_byte(0xa1)),
            (ContractRole::Governor, Address::repeat_byte(0x60)),
            (ContractRole::Timelock, Address::repeat_byte(0x70)),
            (ContractRole::WrappedZg, Address::repeat_byte(0x77)),
        ])
    }

    #[test]
    fn a_custom_network_link_round_trips_with_its_endpoint_and_checkpoint() {
        let checkpoint = Checkpoint { number: 7, hash: B256::repeat_byte(0x5c) };
        let mut network = custom_network("http://127.0.0.1:8545/rpc?key=a&b=1", "", "31337", Some(checkpoint)).unwrap();
        network.contracts.first_block = Some(41);
        let link = NetworkLink::new(&network, contracts());
        let url = format!("https://example.org/apps/zg/#{}", link.to_fragment());
        // The endpoint's own '?', '&' and '=' are escaped, so they cannot add fields.
        assert!(url.contains("rpc=http%3A%2F%2F127.0.0.1%3A8545%2Frpc%3Fkey%3Da%26b%3D1"), "{url}");
        assert!(url.contains("&from=41&"), "{url}");
        let back = NetworkLink::parse(&url).unwrap();
        assert_eq!(back, link);
        let joined = back.network(&public_networks()).unwrap();
        assert_eq!(
            (joined.chain_id, joined.rpc_url.as_str(), joined.checkpoint),
            (31337, network.rpc_url.as_str(), Some(checkpoint))
        );
    }

    #[test]
    fn a_custom_networks_storage_goes_with_it_and_a_known_networks_does_not() {
        let mut network = custom_network("http://127.0.0.1:8545", "", "31337", None).unwrap();
        let flow = Address::repeat_byte(0xf1);
        network.storage = Some(crate::chain::networks::StorageConfig {
            indexer: Some("http://127.0.0.1:6789".into()),
            ..crate::chain::networks::StorageConfig::with_flow(flow)
        });
        let mut with_flow = contracts();
        with_flow.insert(ContractRole::Flow, flow);
        let back = NetworkLink::parse(&NetworkLink::new(&network, with_flow.clone()).to_fragment()).unwrap();
        assert_eq!(
            (back.contracts.get(&ContractRole::Flow), back.indexer.as_deref()),
            (Some(&flow), Some("http://127.0.0.1:6789"))
        );
        let galileo = public_networks().into_iter().find(|n| n.id == "galileo").unwrap();
        let link = NetworkLink::new(&galileo, with_flow);
        assert!(!link.contracts.contains_key(&ContractRole::Flow) && link.indexer.is_none(), "{link:?}");
    }

    #[test]
    fn a_known_network_is_named_not_described_and_its_chain_id_must_agree() {
        let galileo = public_networks().into_iter().find(|n| n.id == "galileo").unwrap();
        let link = NetworkLink::new(&galileo, contracts());
        let fragment = link.to_fragment();
        assert!(!fragment.contains("rpc="), "{fragment}");
        assert_eq!(NetworkLink::parse(&fragment).unwrap().network(&public_networks()).unwrap().id, "galileo");
        let wrong = NetworkLink::parse(&fragment.replace("chain=16602", "chain=16661")).unwrap();
        assert!(matches!(
            wrong.network(&public_networks()),
            Err(LinkError::ChainMismatch { expected: 16602, link: 16661, .. })
        ));
        let unknown = NetworkLink::parse(&fragment.replace("network=galileo", "network=testnet9")).unwrap();
        assert_eq!(unknown.network(&public_networks()), Err(LinkError::UnknownNetwork("testnet9".into())));
    }

    #[test]
    fn bad_links_say_what_is_wrong() {
        let a = Address::repeat_byte(0xa1).to_checksum(None);
        let parse = |q: &str| NetworkLink::parse(&format!("#join?{q}"));
        assert_eq!(NetworkLink::parse("https://example.org/#settings"), Err(LinkError::NotALink));
        assert_eq!(parse(&format!("network=custom&agentNft={a}")), Err(LinkError::NoChainId));
        assert_eq!(parse(&format!("chain=x&agentNft={a}")), Err(LinkError::BadChainId("x".into())));
        // A link may name just a network (someone deploys on it afterwards).
        assert!(parse("network=custom&chain=1&rpc=http%3A%2F%2F127.0.0.1%3A8545").unwrap().contracts.is_empty());
        assert_eq!(parse(&format!("chain=1&agentNft={a}&agentNft={a}")), Err(LinkError::Repeated("agentNft".into())));
        // Only the contracts the app ships can be checked, so only those may be shared.
        assert_eq!(parse(&format!("chain=1&ledger={a}")), Err(LinkError::UnknownField("ledger".into())));
        assert_eq!(parse(&format!("network=galileo&chain=16602&flow={a}")), Err(LinkError::FlowOfKnownNetwork));
        assert_eq!(parse("chain=1&indexer=http%3A%2F%2F127.0.0.1%3A1"), Err(LinkError::IndexerWithoutFlow));
        assert!(matches!(parse("chain=1&governor=0x12"), Err(LinkError::BadAddress { .. })));
        assert_eq!(parse(&format!("chain=1&checkpoint=12&agentNft={a}")), Err(LinkError::BadCheckpoint));
        assert_eq!(parse(&format!("chain=1&from=-3&agentNft={a}")), Err(LinkError::BadFirstBlock("-3".into())));
        let no_rpc = parse(&format!("network=custom&chain=1&agentNft={a}")).unwrap();
        assert_eq!(no_rpc.network(&[]), Err(LinkError::NoRpc));
        let bad_rpc = parse(&format!("chain=1&rpc=javascript%3Aalert(1)&agentNft={a}")).unwrap();
        assert_eq!(bad_rpc.network(&[]), Err(LinkError::Network(NetworkError::BadUrl)));
    }
}
