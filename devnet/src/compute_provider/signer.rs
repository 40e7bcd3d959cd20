//! The provider's "TEE signer": a secp256k1 key, separate from the provider's chain
//! account, whose address is the service's `teeSignerAddress`. It signs two things, as
//! 0G's broker does:
//! - every completed answer: EIP-191 `personal_sign` over the UTF-8 text
//!   `sha256hex(request body):sha256hex(response body)` (the vLLM-proxy convention 0G's
//!   TEE providers serve at `GET /v1/proxy/signature/{chatId}`; 0G's SDK checks it with
//!   `ethers.hashMessage(text)` + `recoverAddress`);
//! - settlements: the EIP-712 `TEESettlement` struct under the domain
//!   ("0G Inference Serving", "1", chainId, serving contract).
//!
//! There is no TEE on the devnet: the key is kept in a file in the provider's data
//! directory (created on first start from the OS's randomness, mode 0600), so a restarted
//! provider keeps its acknowledged signer.

use std::io::{Read, Write};
use std::path::Path;

use alloy_primitives::{eip191_hash_message, keccak256, Address, B256, U256};
use alloy_sol_types::{Eip712Domain, SolStruct};
use k256::ecdsa::SigningKey;

use crate::chain::abi;

pub struct TeeSigner {
    key: SigningKey,
    pub address: Address,
}

impl TeeSigner {
    pub fn from_key(key: SigningKey) -> TeeSigner {
        let point = key.verifying_key().to_encoded_point(false);
        let address = Address::from_slice(&keccak256(&point.as_bytes()[1..])[12..]);
        TeeSigner { key, address }
    }

    /// Loads the key kept at `path`, or makes one there.
    pub fn load_or_create(path: &Path) -> std::io::Result<TeeSigner> {
        if let Ok(text) = std::fs::read_to_string(path) {
            let bytes = alloy_primitives::hex::decode(text.trim())
                .map_err(|_| std::io::Error::other(format!("{} does not hold a hex key", path.display())))?;
            let key = SigningKey::from_slice(&bytes)
                .map_err(|_| std::io::Error::other(format!("{} does not hold a secp256k1 key", path.display())))?;
            return Ok(TeeSigner::from_key(key));
        }
        let key = loop {
            let mut seed = [0u8; 32];
            std::fs::File::open("/dev/urandom")?.read_exact(&mut seed)?;
            if let Ok(key) = SigningKey::from_slice(&seed) {
                break key;
            }
        };
        let tmp = path.with_extension("tmp");
        {
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(&tmp)?;
            file.write_all(alloy_primitives::hex::encode(key.to_bytes()).as_bytes())?;
            file.sync_all()?;
        }
        std::fs::rename(&tmp, path)?;
        Ok(TeeSigner::from_key(key))
    }

    fn sign_prehash(&self, digest: B256) -> Vec<u8> {
        let (sig, recovery) = self.key.sign_prehash_recoverable(digest.as_slice()).expect("a 32-byte digest signs");
        let mut bytes = sig.to_bytes().to_vec();
        bytes.push(27 + recovery.to_byte());
        bytes
    }

    /// EIP-191 personal_sign of `text`, as 0x-hex.
    pub fn sign_text(&self, text: &str) -> String {
        format!("0x{}", alloy_primitives::hex::encode(self.sign_prehash(eip191_hash_message(text.as_bytes()))))
    }

    /// The EIP-712 signature `settleFeesWithTEE` checks.
    pub fn sign_settlement(
        &self,
        chain_id: u64,
        serving: Address,
        settlement: &abi::TEESettlement,
    ) -> alloy_primitives::Bytes {
        self.sign_prehash(settlement.eip712_signing_hash(&domain(chain_id, serving))).into()
    }
}

pub fn domain(chain_id: u64, serving: Address) -> Eip712Domain {
    Eip712Domain {
        name: Some("0G Inference Serving".into()),
        version: Some("1".into()),
        chain_id: Some(U256::from(chain_id)),
        verifying_contract: Some(serving),
        salt: None,
    }
}

/// The text an answer's signature covers: `sha256hex(request):sha256hex(response)`.
pub fn answer_text(request: &[u8], response: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    format!(
        "{}:{}",
        alloy_primitives::hex::encode(Sha256::digest(request)),
        alloy_primitives::hex::encode(Sha256::digest(response))
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::Signature;

    #[test]
    fn answers_recover_to_the_signer_like_ethers_verify_message() {
        let signer = TeeSigner::from_key(SigningKey::from_slice(&[9u8; 32]).unwrap());
        let text = answer_text(b"{\"messages\":[]}", b"data: [DONE]\n\n");
        assert_eq!(text.len(), 129);
        let sig = signer.sign_text(&text);
        let bytes = alloy_primitives::hex::decode(&sig).unwrap();
        let recovered = Signature::try_from(bytes.as_slice())
            .unwrap()
            .recover_address_from_prehash(&eip191_hash_message(text.as_bytes()))
            .unwrap();
        assert_eq!(recovered, signer.address);
    }

    #[test]
    fn keeps_its_key_across_restarts() {
        let dir = std::env::temp_dir().join(format!("zg-compute-signer-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("tee-signer.key");
        let first = TeeSigner::load_or_create(&path).unwrap();
        let again = TeeSigner::load_or_create(&path).unwrap();
        assert_eq!(first.address, again.address);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
