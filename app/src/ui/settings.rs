//! User preferences that are not secret (network choice, custom endpoint, checkpoints,
//! auto-lock, theme, language), kept in localStorage. Nothing from the vault ever goes here.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::chain::addresses::AddressOverrides;
use crate::chain::fees::FeeLimits;
use crate::chain::networks::{Checkpoint, ConsensusConfig, Network};

const KEY: &str = "zg-console.settings";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    pub network: String,
    pub custom: Option<Network>,
    /// Checkpoints the user set for networks that ship without one.
    pub checkpoints: BTreeMap<String, Checkpoint>,
    /// Fee ceilings the user raised (or lowered), by network id.
    pub fee_limits: BTreeMap<String, FeeLimits>,
    /// Contract addresses the user set, by network id.
    pub addresses: BTreeMap<String, AddressOverrides>,
    /// Endpoints the user added to a network's witnesses, by network id.
    pub witnesses: BTreeMap<String, Vec<String>>,
    /// Networks verified through their validators' signatures (experimental), by network id.
    pub consensus: BTreeMap<String, ConsensusConfig>,
    pub auto_lock_minutes: u32,
    /// "system", "light" or "dark".
    pub theme: String,
    /// "en" or "ko" once the user picked one; until then the browser's languages decide.
    pub language: Option<String>,
    /// The first-run tour was finished or skipped.
    pub tour_done: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            network: "devnet".into(),
            custom: None,
            checkpoints: BTreeMap::new(),
            fee_limits: BTreeMap::new(),
            addresses: BTreeMap::new(),
            witnesses: BTreeMap::new(),
            consensus: BTreeMap::new(),
            auto_lock_minutes: 5,
            theme: "system".into(),
            language: None,
            tour_done: false,
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

impl Settings {
    pub fn load() -> Self {
        storage()
            .and_then(|s| s.get_item(KEY).ok()?)
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default()
    }

    pub fn save(&self) {
        if let Some(s) = storage() {
            // Best effort: losing a preference is harmless, and quota errors are rare here.
            let _ = s.set_item(KEY, &serde_json::to_string(self).expect("settings serialise"));
        }
    }

    pub fn apply_theme(&self) {
        let root = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element());
        if let Some(root) = root {
            match self.theme.as_str() {
                "light" | "dark" => {
                    let _ = root.set_attribute("data-theme", &self.theme);
                }
                _ => {
                    let _ = root.remove_attribute("data-theme");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::addresses::{AddressOverrides, ContractRole};

    #[test]
    fn settings_saved_before_contract_addresses_still_load_and_new_ones_round_trip() {
        let old: Settings = serde_json::from_str(r#"{"network":"galileo","autoLockMinutes":7}"#).unwrap();
        assert_eq!((old.network.as_str(), old.auto_lock_minutes), ("galileo", 7));
        assert!(old.addresses.is_empty(), "no override unless the user set one");
        let mut s = Settings::default();
        let staking =
            AddressOverrides::from_form([(ContractRole::Staking, "0x4242424242424242424242424242424242424242")])
                .unwrap();
        s.addresses.insert("mainnet".into(), staking.clone());
        let back: Settings = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(back.addresses.get("mainnet"), Some(&staking));
    }
}
