//! zg-console's pure logic, in a crate of its own so that the compiler keeps it pure: it
//! has no Leptos, wasm-bindgen, js-sys or web-sys among its dependencies, and everything
//! in it is tested natively (`cargo test -p zg-core`).
//!
//! The modules keep the paths they have in the app (`zg_console::storage::flow` is
//! `zg_core::storage::flow` re-exported), so the browser side reads them as before. What
//! talks to the network, the browser or the user lives in `app/` and calls in here.

#![forbid(unsafe_code)]

pub mod env;
pub mod format;

/// Networks, addresses, fee arithmetic and an account's activity from proven blocks.
pub mod chain {
    pub mod activity;
    pub mod addresses;
    pub mod block_clock;
    pub mod fees;
    pub mod networks;
}

/// 0G Compute's calldata, session tokens, signed answers, chat bodies and exchanges, TEE
/// attestation, and the chat console's answers as safe Markdown and its conversations.
pub mod compute {
    pub mod answer;
    pub mod attestation;
    pub mod chat;
    pub mod contract;
    pub mod exchange;
    pub mod markdown;
    pub mod recall;
    pub mod thread;
    pub mod token;
}

pub mod dapp;

/// The shipped contract bundle, deployment plans and network links.
pub mod deploy {
    pub mod link;
    pub mod plan;
    pub mod shipped;
}

/// The governor's and WrappedZG's calldata, the tally rules, and who voted what.
pub mod governance {
    pub mod ballots;
    pub mod contract;
}

/// ERC-7857 agents: envelope cryptography, metadata, proofs, calldata, offers, the
/// handover protocol, provenance.
pub mod inft {
    pub mod contract;
    pub mod envelope;
    pub mod handover;
    pub mod metadata;
    pub mod offer;
    pub mod proofs;
    pub mod provenance;
}

/// 0G's staking interface and the share-value maths.
pub mod staking {
    pub mod contract;
}

/// 0G Storage's rules: the Flow's calldata, wire formats, placement, discovery, segments,
/// and how transfers move them.
pub mod storage {
    pub mod discovery;
    pub mod flow;
    pub mod plan;
    pub mod segment;
    pub mod transfer;
    pub mod whole_file;
    pub mod wire;
}

/// The wallet's formats: mnemonics, key files, signing, the vault's layout, accounts, and
/// the Send form's transaction; what a send is checked against before signing (its
/// balance changes, its recipient) and how a pending one is replaced.
pub mod wallet {
    pub mod accounts;
    pub mod keystore;
    pub mod mnemonic;
    pub mod preview;
    pub mod recipient;
    pub mod replacement;
    pub mod send_form;
    pub mod signer;
    pub mod tokens;
    pub mod vault_format;
}
