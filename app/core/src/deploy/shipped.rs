//! The contracts the app can deploy, as it shipped them (`dist/contracts/deployable.json`,
//! written by `contracts/build.mjs`), and the check that code found on chain is one of them.
//! Pure: no web dependency.
//!
//! A contract's runtime code is fixed by its source and compiler, except for the words its
//! constructor writes into it (Solidity's `immutable`s: solc lists each one's byte range).
//! So code on chain "is ours" when it has the shipped runtime's length and every byte
//! outside those ranges. What the immutables hold is the constructor's arguments and the
//! contract's own address and chain; the ones a user relies on (the governor's token, the
//! agent NFT's verifier) are read back and checked by `service::check_suite`.

use std::collections::BTreeMap;
use std::ops::Range;

use alloy_primitives::{keccak256, Bytes, B256};
use serde::Deserialize;

/// One of the contracts the app deploys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    SignatureVerifier,
    AgentNft,
    WrappedZg,
    Timelock,
    Governor,
    /// zg-devnet's storage Flow (`contracts/src/storage/Flow.sol`): never deployed by the
    /// app, but recognised when a link to a network running zg-devnet's storage names it.
    Flow,
}

impl Kind {
    pub const ALL: [Kind; 6] =
        [Kind::SignatureVerifier, Kind::AgentNft, Kind::WrappedZg, Kind::Timelock, Kind::Governor, Kind::Flow];

    /// The contract's name in `contracts/src` (the artifact's key).
    pub fn contract_name(self) -> &'static str {
        match self {
            Kind::SignatureVerifier => "SignatureVerifier",
            Kind::AgentNft => "AgentNFT",
            Kind::WrappedZg => "WrappedZG",
            Kind::Timelock => "ZgTimelock",
            Kind::Governor => "ZgGovernor",
            Kind::Flow => "Flow",
        }
    }

    /// What it is, in words.
    pub fn label(self) -> &'static str {
        match self {
            Kind::SignatureVerifier => "the agents' handover verifier",
            Kind::AgentNft => "the agent NFT (ERC-7857)",
            Kind::WrappedZg => "Wrapped 0G (voting power)",
            Kind::Timelock => "the governance timelock",
            Kind::Governor => "the governor",
            Kind::Flow => "the 0G Storage Flow",
        }
    }
}

/// A shipped contract: what deploys it and what it looks like once deployed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShippedContract {
    pub kind: Kind,
    /// Creation code, before the constructor's ABI-encoded arguments.
    pub creation: Bytes,
    /// Runtime code as compiled, immutables zeroed.
    pub runtime: Bytes,
    /// Where the constructor writes immutables into the runtime code, sorted.
    pub immutables: Vec<Range<usize>>,
}

/// Why code on chain is not the shipped contract.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeMismatch {
    #[error("there is no code there")]
    NoCode,
    #[error("its code is {got} bytes long where {what} is {expected}: it is some other contract")]
    Length { what: &'static str, expected: usize, got: usize },
    #[error("its code differs from {what} at byte {offset}: it is some other contract")]
    Differs { what: &'static str, offset: usize },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShippedError {
    #[error("the app's contract bundle is unreadable ({0}); reload the page, and if it persists the site is damaged")]
    Unreadable(String),
    #[error("the app's contract bundle lacks {0}; the site is incomplete")]
    Missing(&'static str),
    #[error("the app's contract bundle lists an immutable of {0} outside its code; the site is damaged")]
    BadImmutable(&'static str),
}

impl ShippedContract {
    /// Creation code with the constructor's arguments appended (as `abi.encode` gives them).
    pub fn creation_with(&self, args: &[u8]) -> Bytes {
        [self.creation.as_ref(), args].concat().into()
    }

    /// Whether `code` is this contract's runtime code with any immutable values.
    pub fn check_code(&self, code: &[u8]) -> Result<(), CodeMismatch> {
        let what = self.kind.label();
        if code.is_empty() {
            return Err(CodeMismatch::NoCode);
        }
        if code.len() != self.runtime.len() {
            return Err(CodeMismatch::Length { what, expected: self.runtime.len(), got: code.len() });
        }
        let mut at = 0;
        for gap in self.immutables.iter().cloned().chain(std::iter::once(code.len()..code.len())) {
            if let Some(offset) = (at..gap.start).find(|&i| code[i] != self.runtime[i]) {
                return Err(CodeMismatch::Differs { what, offset });
            }
            at = gap.end.max(at);
        }
        Ok(())
    }

    /// The 32-byte words the constructor wrote, in code order (what an immutable holds).
    pub fn immutable_words(&self, code: &[u8]) -> Vec<B256> {
        self.immutables.iter().filter_map(|r| code.get(r.clone())).map(B256::from_slice).collect()
    }
}

/// Every contract the app can deploy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shipped {
    pub compiler: String,
    contracts: BTreeMap<Kind, ShippedContract>,
    /// keccak256 of the bundle as loaded, to name it in a note.
    pub digest: B256,
}

#[derive(Deserialize)]
struct BundleFile {
    compiler: String,
    contracts: BTreeMap<String, ContractFile>,
}

#[derive(Deserialize)]
struct ContractFile {
    creation: Bytes,
    runtime: Bytes,
    immutables: Vec<(usize, usize)>,
}

impl Shipped {
    pub fn parse(json: &[u8]) -> Result<Shipped, ShippedError> {
        let file: BundleFile = serde_json::from_slice(json).map_err(|e| ShippedError::Unreadable(e.to_string()))?;
        let mut contracts = BTreeMap::new();
        for kind in Kind::ALL {
            let c = file.contracts.get(kind.contract_name()).ok_or(ShippedError::Missing(kind.contract_name()))?;
            let mut immutables: Vec<Range<usize>> =
                c.immutables.iter().map(|&(start, len)| start..start + len).collect();
            immutables.sort_by_key(|r| r.start);
            if immutables.iter().any(|r| r.end > c.runtime.len()) || c.creation.is_empty() || c.runtime.is_empty() {
                return Err(ShippedError::BadImmutable(kind.contract_name()));
            }
            contracts.insert(
                kind,
                ShippedContract { kind, creation: c.creation.clone(), runtime: c.runtime.clone(), immutables },
            );
        }
        Ok(Shipped { compiler: file.compiler, contracts, digest: keccak256(json) })
    }

    pub fn get(&self, kind: Kind) -> &ShippedContract {
        &self.contracts[&kind]
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The bundle `contracts/build.mjs` wrote (the native test run builds the contracts first).
    pub(crate) fn bundle() -> Shipped {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../contracts/out/deployable.json");
        let json = std::fs::read(path).expect("contracts/out/deployable.json: run `node contracts/build.mjs`");
        Shipped::parse(&json).unwrap()
    }

    #[test]
    fn the_bundle_holds_every_deployable_contract_with_immutables_inside_its_code() {
        let shipped = bundle();
        assert!(shipped.compiler.starts_with("solc 0.8."), "{}", shipped.compiler);
        for kind in Kind::ALL {
            let c = shipped.get(kind);
            assert!(c.runtime.len() > 1_000, "{kind:?}");
            assert!(c.immutables.iter().all(|r| r.end <= c.runtime.len() && r.len() == 32), "{kind:?}");
            // The compiled runtime with its immutables still zero is, trivially, itself.
            assert_eq!(c.check_code(&c.runtime), Ok(()), "{kind:?}");
        }
        // The agent NFT's verifier and the governor's token are immutables: their ranges are listed.
        assert!(!shipped.get(Kind::AgentNft).immutables.is_empty());
        assert!(!shipped.get(Kind::Governor).immutables.is_empty());
    }

    #[test]
    fn code_with_other_immutable_values_is_still_ours_and_any_other_byte_is_not() {
        let shipped = bundle();
        let nft = shipped.get(Kind::AgentNft);
        let mut code = nft.runtime.to_vec();
        for r in &nft.immutables {
            code[r.clone()].copy_from_slice(&[0xab; 32]);
        }
        assert_eq!(nft.check_code(&code), Ok(()));
        assert!(nft.immutable_words(&code).iter().all(|w| *w == B256::repeat_byte(0xab)));

        // One byte outside the immutables, at the start, between them and at the end.
        let first = nft.immutables[0].start;
        for offset in [0, first - 1, nft.immutables[0].end, code.len() - 1] {
            let mut changed = code.clone();
            changed[offset] ^= 1;
            assert_eq!(
                nft.check_code(&changed),
                Err(CodeMismatch::Differs { what: Kind::AgentNft.label(), offset }),
                "offset {offset}"
            );
        }
        let mut longer = code.clone();
        longer.push(0);
        assert!(matches!(nft.check_code(&longer), Err(CodeMismatch::Length { .. })));
        assert_eq!(nft.check_code(&[]), Err(CodeMismatch::NoCode));
        // Another of our own contracts is not this one.
        let verifier = shipped.get(Kind::SignatureVerifier);
        assert!(nft.check_code(&verifier.runtime).is_err());
    }

    #[test]
    fn a_damaged_bundle_is_refused_with_what_is_wrong() {
        assert!(matches!(Shipped::parse(b"<html>"), Err(ShippedError::Unreadable(_))));
        let json = r#"{"compiler":"solc","contracts":{}}"#;
        assert_eq!(Shipped::parse(json.as_bytes()), Err(ShippedError::Missing("SignatureVerifier")));
        let mut file: serde_json::Value = serde_json::from_slice(
            &std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../contracts/out/deployable.json")).unwrap(),
        )
        .unwrap();
        file["contracts"]["AgentNFT"]["immutables"] = serde_json::json!([[1_000_000, 32]]);
        assert_eq!(
            Shipped::parse(serde_json::to_vec(&file).unwrap().as_slice()),
            Err(ShippedError::BadImmutable("AgentNFT"))
        );
    }
}
