//! The contracts the app uses on a network, by role, and the addresses a user sets for them
//! per network in Settings (a custom network has none until then; a public network may lack
//! one 0G has not published, such as mainnet's staking registry). Pure: no web dependency.
//!
//! An address typed here is only a claim: before the app reads from or sends to a contract
//! it proves that code lives there (`ChainClient::require_contract`), and names the role
//! when it does not.

use std::collections::BTreeMap;

use alloy_primitives::Address;
use serde::{Deserialize, Serialize};

use super::networks::{Network, StorageConfig};
use crate::format::{parse_address, AddressError};

/// A contract the app calls, by what it is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ContractRole {
    Flow,
    AgentNft,
    WrappedZg,
    Governor,
    Timelock,
    Staking,
    Ledger,
    InferenceServing,
}

impl ContractRole {
    pub const ALL: [ContractRole; 8] = [
        ContractRole::Flow,
        ContractRole::AgentNft,
        ContractRole::WrappedZg,
        ContractRole::Governor,
        ContractRole::Timelock,
        ContractRole::Staking,
        ContractRole::Ledger,
        ContractRole::InferenceServing,
    ];

    /// A stable name: the key in saved settings and in devnet.json, and the form field's id.
    pub fn key(self) -> &'static str {
        match self {
            ContractRole::Flow => "flow",
            ContractRole::AgentNft => "agentNft",
            ContractRole::WrappedZg => "wrappedZG",
            ContractRole::Governor => "governor",
            ContractRole::Timelock => "timelock",
            ContractRole::Staking => "staking",
            ContractRole::Ledger => "ledger",
            ContractRole::InferenceServing => "inferenceServing",
        }
    }

    /// What the contract is, in words a person recognises.
    pub fn label(self) -> &'static str {
        match self {
            ContractRole::Flow => "0G Storage Flow",
            ContractRole::AgentNft => "Agent NFT (ERC-7857)",
            ContractRole::WrappedZg => "Wrapped 0G (voting power)",
            ContractRole::Governor => "Governor",
            ContractRole::Timelock => "Timelock",
            ContractRole::Staking => "Staking",
            ContractRole::Ledger => "0G Compute ledger",
            ContractRole::InferenceServing => "0G Compute inference registry",
        }
    }

    fn from_key(key: &str) -> Option<ContractRole> {
        ContractRole::ALL.into_iter().find(|r| r.key() == key)
    }

    /// Where `network` has this contract, if anywhere.
    pub fn address(self, network: &Network) -> Option<Address> {
        let c = &network.contracts;
        match self {
            ContractRole::Flow => network.storage.as_ref().map(|s| s.flow),
            ContractRole::AgentNft => c.agent_nft,
            ContractRole::WrappedZg => c.wrapped_zg,
            ContractRole::Governor => c.governor,
            ContractRole::Timelock => c.timelock,
            ContractRole::Staking => c.staking,
            ContractRole::Ledger => c.ledger,
            ContractRole::InferenceServing => c.inference_serving,
        }
    }

    fn set(self, network: &mut Network, address: Address) {
        let c = &mut network.contracts;
        let slot = match self {
            ContractRole::Flow => {
                match &mut network.storage {
                    Some(storage) => storage.flow = address,
                    // Storage nodes come from the network's indexer; without one the
                    // Storage page says what is missing.
                    None => network.storage = Some(StorageConfig::with_flow(address)),
                }
                return;
            }
            ContractRole::AgentNft => &mut c.agent_nft,
            ContractRole::WrappedZg => &mut c.wrapped_zg,
            ContractRole::Governor => &mut c.governor,
            ContractRole::Timelock => &mut c.timelock,
            ContractRole::Staking => &mut c.staking,
            ContractRole::Ledger => &mut c.ledger,
            ContractRole::InferenceServing => &mut c.inference_serving,
        };
        *slot = Some(address);
    }
}

/// The role of `address` on `network`, if it is one of the contracts the app uses.
pub fn role_of(network: &Network, address: Address) -> Option<ContractRole> {
    ContractRole::ALL.into_iter().find(|r| r.address(network) == Some(address))
}

/// What the user set for one network: contract addresses by [`ContractRole::key`] and the
/// 0G Storage indexer's URL. Anything left out keeps the network's own (or none).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AddressOverrides {
    contracts: BTreeMap<String, Address>,
    indexer: Option<String>,
    /// The block contracts set here were created in (a deployment or a link names it).
    #[serde(skip_serializing_if = "Option::is_none")]
    first_block: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressFieldError {
    #[error("{label}: {problem}")]
    Address { label: &'static str, problem: AddressError },
    #[error("0G Storage indexer: the URL must start with https:// (or http:// for a node on this computer)")]
    IndexerUrl,
    #[error("0G Storage indexer: set the 0G Storage Flow address too; the indexer serves that Flow's files")]
    IndexerWithoutFlow,
}

impl AddressOverrides {
    /// From the Settings form: one text per role; an empty text keeps the network's own.
    pub fn from_form<'a>(
        fields: impl IntoIterator<Item = (ContractRole, &'a str)>,
    ) -> Result<AddressOverrides, AddressFieldError> {
        let mut contracts = BTreeMap::new();
        for (role, text) in fields {
            if text.trim().is_empty() {
                continue;
            }
            let address =
                parse_address(text).map_err(|problem| AddressFieldError::Address { label: role.label(), problem })?;
            contracts.insert(role.key().to_string(), address);
        }
        Ok(AddressOverrides { contracts, indexer: None, first_block: None })
    }

    /// Adds the indexer URL from the form (empty: the network's own). `network` is the
    /// network as shipped: an indexer needs a Flow, the network's or one set here.
    pub fn with_indexer(mut self, text: &str, network: &Network) -> Result<AddressOverrides, AddressFieldError> {
        let url = text.trim();
        if url.is_empty() {
            return Ok(self);
        }
        let local = ["http://127.0.0.1", "http://localhost", "http://[::1]"].iter().any(|p| url.starts_with(p));
        if !(url.starts_with("https://") || local) {
            return Err(AddressFieldError::IndexerUrl);
        }
        if self.get(ContractRole::Flow).is_none() && network.storage.is_none() {
            return Err(AddressFieldError::IndexerWithoutFlow);
        }
        self.indexer = Some(url.trim_end_matches('/').to_string());
        Ok(self)
    }

    /// Sets `role` to `address` (a deployment the app made and proved, or a link it checked).
    pub fn insert(&mut self, role: ContractRole, address: Address) {
        self.contracts.insert(role.key().to_string(), address);
    }

    /// Records the block the contracts were created in (log scans start there).
    pub fn created_at(mut self, block: u64) -> AddressOverrides {
        self.first_block = Some(block);
        self
    }

    pub fn first_block(&self) -> Option<u64> {
        self.first_block
    }

    /// These overrides with `other`'s set on top; the earlier first block is kept.
    pub fn merged(mut self, other: &AddressOverrides) -> AddressOverrides {
        self.contracts.extend(other.contracts.iter().map(|(k, v)| (k.clone(), *v)));
        if other.indexer.is_some() {
            self.indexer = other.indexer.clone();
        }
        self.first_block = match (self.first_block, other.first_block) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self
    }

    pub fn get(&self, role: ContractRole) -> Option<Address> {
        self.contracts.get(role.key()).copied()
    }

    pub fn indexer(&self) -> Option<&str> {
        self.indexer.as_deref()
    }

    pub fn is_empty(&self) -> bool {
        self.contracts.is_empty() && self.indexer.is_none()
    }

    /// `network` with these addresses in place of its own. Keys this version does not
    /// know (saved by a later one) are ignored.
    pub fn apply(&self, network: &mut Network) {
        for (key, address) in &self.contracts {
            if let Some(role) = ContractRole::from_key(key) {
                role.set(network, *address);
            }
        }
        if let (Some(url), Some(storage)) = (&self.indexer, network.storage.as_mut()) {
            storage.indexer = Some(url.clone());
        }
        if let Some(block) = self.first_block {
            let first = network.contracts.first_block.map_or(block, |b| b.min(block));
            network.contracts.first_block = Some(first);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::networks::public_networks;

    fn galileo() -> Network {
        public_networks().into_iter().find(|n| n.id == "galileo").unwrap()
    }

    #[test]
    fn every_role_has_a_distinct_key_and_label() {
        let keys: std::collections::BTreeSet<_> = ContractRole::ALL.iter().map(|r| r.key()).collect();
        let labels: std::collections::BTreeSet<_> = ContractRole::ALL.iter().map(|r| r.label()).collect();
        assert_eq!((keys.len(), labels.len()), (ContractRole::ALL.len(), ContractRole::ALL.len()));
        for role in ContractRole::ALL {
            assert_eq!(ContractRole::from_key(role.key()), Some(role));
        }
    }

    #[test]
    fn a_typed_address_replaces_the_networks_own_and_empty_fields_keep_it() {
        let mut network = galileo();
        let staking = Address::repeat_byte(0x5a);
        let flow = Address::repeat_byte(0xf1);
        let form = [
            (ContractRole::Staking, format!("{staking:#x}")),
            (ContractRole::Flow, format!("  {} ", flow.to_checksum(None))),
            (ContractRole::Governor, "   ".to_string()),
        ];
        let overrides = AddressOverrides::from_form(form.iter().map(|(r, t)| (*r, t.as_str()))).unwrap();
        assert_eq!(overrides.get(ContractRole::Staking), Some(staking));
        assert_eq!(overrides.get(ContractRole::Governor), None);
        let before_governor = network.contracts.governor;
        overrides.apply(&mut network);
        assert_eq!(network.contracts.staking, Some(staking));
        assert_eq!(network.contracts.governor, before_governor);
        assert_eq!(ContractRole::Flow.address(&network), Some(flow));
        assert_eq!(role_of(&network, staking), Some(ContractRole::Staking));
        assert_eq!(role_of(&network, Address::repeat_byte(0x01)), None);
    }

    #[test]
    fn a_flow_on_a_network_without_storage_makes_a_storage_config() {
        let mut network = crate::chain::networks::custom_network("http://127.0.0.1:8545", "", "31337", None).unwrap();
        assert!(network.storage.is_none());
        let flow = Address::repeat_byte(0xf1);
        AddressOverrides::from_form([(ContractRole::Flow, format!("{flow:#x}").as_str())]).unwrap().apply(&mut network);
        let storage = network.storage.expect("a storage config");
        assert_eq!(storage.flow, flow);
        assert!(storage.nodes.is_empty());
    }

    #[test]
    fn a_bad_address_names_its_field_and_the_problem() {
        let e = AddressOverrides::from_form([(ContractRole::Ledger, "0x1234")]).unwrap_err();
        assert_eq!(e, AddressFieldError::Address { label: "0G Compute ledger", problem: AddressError::Malformed });
        // One character changed in a checksummed address.
        let good = Address::repeat_byte(0xab).to_checksum(None);
        let bad = good.replacen('A', "a", 1);
        let e = AddressOverrides::from_form([(ContractRole::Staking, bad.as_str())]).unwrap_err();
        assert_eq!(e, AddressFieldError::Address { label: "Staking", problem: AddressError::BadChecksum });
        assert!(e.to_string().starts_with("Staking: "), "{e}");
    }

    #[test]
    fn an_indexer_needs_https_and_a_flow() {
        let mut custom = crate::chain::networks::custom_network("http://127.0.0.1:8545", "", "31337", None).unwrap();
        let none = AddressOverrides::default();
        assert_eq!(
            none.clone().with_indexer("https://indexer.example", &custom),
            Err(AddressFieldError::IndexerWithoutFlow)
        );
        assert_eq!(none.clone().with_indexer("http://indexer.example", &custom), Err(AddressFieldError::IndexerUrl));
        let flow = Address::repeat_byte(0xf1);
        let set = AddressOverrides::from_form([(ContractRole::Flow, format!("{flow:#x}").as_str())])
            .unwrap()
            .with_indexer(" http://127.0.0.1:6789/ ", &custom)
            .unwrap();
        assert_eq!(set.indexer(), Some("http://127.0.0.1:6789"));
        set.apply(&mut custom);
        let storage = custom.storage.unwrap();
        assert_eq!((storage.flow, storage.indexer.as_deref()), (flow, Some("http://127.0.0.1:6789")));
        // A public network has its own Flow: the indexer alone may be replaced.
        let mut galileo = galileo();
        let mine = AddressOverrides::default().with_indexer("https://my-indexer.example", &galileo).unwrap();
        mine.apply(&mut galileo);
        assert_eq!(galileo.storage.unwrap().indexer.as_deref(), Some("https://my-indexer.example"));
    }

    #[test]
    fn a_deployment_merges_over_what_was_set_and_log_scans_start_at_its_block() {
        let mut network = crate::chain::networks::custom_network("http://127.0.0.1:8545", "", "31337", None).unwrap();
        assert_eq!(network.contracts_first_block(), 0);
        let typed =
            AddressOverrides::from_form([(ContractRole::Staking, "0x00000000000000000000000000000000000000b2")])
                .unwrap()
                .with_indexer("http://127.0.0.1:6789", &galileo())
                .unwrap();
        let mut agents = AddressOverrides::default();
        agents.insert(ContractRole::AgentNft, Address::repeat_byte(0xa1));
        let mut governance = AddressOverrides::default();
        governance.insert(ContractRole::Governor, Address::repeat_byte(0x60));
        let saved = typed.merged(&agents.created_at(40)).merged(&governance.created_at(55));
        assert_eq!(saved.first_block(), Some(40), "the earlier deployment's block");
        assert_eq!(saved.indexer(), Some("http://127.0.0.1:6789"), "what was typed stays");
        saved.apply(&mut network);
        assert_eq!(network.contracts.agent_nft, Some(Address::repeat_byte(0xa1)));
        assert_eq!(network.contracts.governor, Some(Address::repeat_byte(0x60)));
        assert_eq!(network.contracts.staking, Some(Address::with_last_byte(0xb2)));
        assert_eq!(network.contracts_first_block(), 40);
    }

    #[test]
    fn saved_overrides_round_trip_and_unknown_keys_are_ignored() {
        let overrides =
            AddressOverrides::from_form([(ContractRole::AgentNft, "0x00000000000000000000000000000000000000a1")])
                .unwrap();
        let json = serde_json::to_string(&overrides).unwrap();
        assert_eq!(json, r#"{"contracts":{"agentNft":"0x00000000000000000000000000000000000000a1"},"indexer":null}"#);
        assert_eq!(serde_json::from_str::<AddressOverrides>(&json).unwrap(), overrides);
        let deployed = overrides.clone().created_at(12);
        let json = serde_json::to_string(&deployed).unwrap();
        assert!(json.ends_with(r#""firstBlock":12}"#), "{json}");
        assert_eq!(serde_json::from_str::<AddressOverrides>(&json).unwrap(), deployed);
        let later: AddressOverrides = serde_json::from_str(
            r#"{"contracts":{"somethingNew":"0x00000000000000000000000000000000000000a1"},"more":1}"#,
        )
        .unwrap();
        let mut network = galileo();
        let before = network.clone();
        later.apply(&mut network);
        assert_eq!(network, before);
    }
}
