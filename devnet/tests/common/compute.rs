//! A 0G Compute user as the provider tests and the latency bench need one: dev keys, the
//! ledger calls that fund a provider, and session tokens made the way 0G's SDK makes them.

use std::time::{SystemTime, UNIX_EPOCH};

use alloy_primitives::{eip191_hash_message, keccak256, Address, U256};
use alloy_sol_types::SolCall;
use base64::Engine;
use k256::ecdsa::SigningKey;

use super::Devnet;

use zg_abi::ledger::LedgerManager::{addLedgerCall, transferFundCall};

/// anvil's dev keys #1–#3 ("test test … junk"): the users.
const KEYS: [&str; 3] = [
    "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
];
pub const ONE_0G: u128 = 1_000_000_000_000_000_000;
pub const SERVICE: &str = "inference-v1.0";

pub struct User {
    pub key: SigningKey,
    pub address: Address,
}

/// Dev account #`i + 1`.
pub fn user(i: usize) -> User {
    let key = SigningKey::from_slice(&alloy_primitives::hex::decode(KEYS[i]).unwrap()).unwrap();
    let point = key.verifying_key().to_encoded_point(false);
    let address = Address::from_slice(&keccak256(&point.as_bytes()[1..])[12..]);
    User { key, address }
}

pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as i64
}

/// An `Authorization` value made the way 0G's SDK makes it: EIP-191 signature of the
/// keccak256 of the token JSON, `app-sk-` + base64(json + "|" + signature).
pub fn token_as(
    signer: &SigningKey,
    claimed: Address,
    provider: Address,
    expires_at: i64,
    token_id: u8,
    generation: u64,
) -> String {
    let json = format!(
        r#"{{"address":"{claimed}","provider":"{provider}","timestamp":{},"expiresAt":{expires_at},"nonce":"{}","generation":{generation},"tokenId":{token_id}}}"#,
        now_ms(),
        now_ms()
    );
    let digest = eip191_hash_message(keccak256(json.as_bytes()));
    let (sig, recovery) = signer.sign_prehash_recoverable(digest.as_slice()).unwrap();
    let signature = [sig.to_bytes().as_slice(), &[27 + recovery.to_byte()]].concat();
    let payload = format!("{json}|0x{}", alloy_primitives::hex::encode(signature));
    format!("Bearer app-sk-{}", base64::engine::general_purpose::STANDARD.encode(payload))
}

/// A ledger of 5 0G for `who`, with `sub` (wei) moved to `provider`'s sub-account.
pub fn fund(devnet: &Devnet, who: &User, provider: Address, sub: u128) {
    let ledger: Address = devnet.ready["contracts"]["ledger"].as_str().unwrap().parse().unwrap();
    let open = addLedgerCall { additionalInfo: String::new() }.abi_encode();
    devnet.transact(who.address, ledger, &open, U256::from(5 * ONE_0G));
    let call = transferFundCall { provider, serviceName: SERVICE.into(), amount: U256::from(sub) };
    devnet.transact(who.address, ledger, &call.abi_encode(), U256::ZERO);
}
