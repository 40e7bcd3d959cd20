//! An agent's private metadata, what the INFT's dataHash points to once encrypted: its
//! name and purpose, the model and system prompt it runs with, its tools, its memory, and
//! its own secp256k1 key (so the agent can hold and earn funds; whoever holds the token
//! can open the key and so controls the earnings).

use k256::SecretKey;
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

use super::envelope::{self, EnvelopeError};

/// Bumped when the shape changes; readers refuse versions they do not know.
pub const METADATA_VERSION: u32 = 1;

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Zeroize)]
#[zeroize(drop)]
#[serde(rename_all = "camelCase")]
pub struct AgentMetadata {
    pub version: u32,
    pub name: String,
    pub description: String,
    pub model: String,
    pub system_prompt: String,
    pub tools: Vec<String>,
    pub memory: Vec<MemoryEntry>,
    /// The agent's own private key, hex without 0x.
    agent_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Zeroize)]
#[serde(rename_all = "camelCase")]
pub struct MemoryEntry {
    /// Milliseconds since the epoch.
    pub at_ms: u64,
    /// "user", "agent" or "note".
    pub role: String,
    pub text: String,
    /// The text's meaning as a vector (`compute::recall`), so a message finds it; absent in
    /// entries saved before embeddings or when none could be computed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embedding: Option<String>,
}

/// Never prints the agent's key (logs and error text must not carry secrets).
impl std::fmt::Debug for AgentMetadata {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AgentMetadata")
            .field("version", &self.version)
            .field("name", &self.name)
            .field("model", &self.model)
            .field("tools", &self.tools)
            .field("memory", &self.memory.len())
            .field("agent_key", &"<secret>")
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetadataError {
    #[error(transparent)]
    Envelope(#[from] EnvelopeError),
    #[error("the agent data decrypted but is not agent metadata ({0}); it may come from another app")]
    NotMetadata(String),
    #[error("this agent was saved by a newer zg-console (format {0}); update to read it")]
    NewerVersion(u32),
    #[error("the agent's own key is damaged")]
    BadAgentKey,
}

/// Metadata encrypted for storage, and its data key sealed to the holder.
pub struct Sealed {
    /// Goes to 0G Storage; its root is the token's dataHash.
    pub ciphertext: Vec<u8>,
    /// Goes on chain with the token (`PublishedSealedKey`).
    pub sealed_key: Vec<u8>,
    /// Kept only in memory, to re-seal the same data for another holder.
    pub data_key: Zeroizing<[u8; 32]>,
}

impl AgentMetadata {
    /// A new agent with a fresh key of its own.
    pub fn new(name: &str, description: &str, model: &str, system_prompt: &str, tools: Vec<String>) -> Self {
        let key = SecretKey::random(&mut envelope::Os);
        Self {
            version: METADATA_VERSION,
            name: name.trim().to_string(),
            description: description.trim().to_string(),
            model: model.trim().to_string(),
            system_prompt: system_prompt.to_string(),
            tools,
            memory: Vec::new(),
            agent_key: hex::encode(key.to_bytes()),
        }
    }

    /// The same agent with a fresh key of its own: what a clone gets, so the original's
    /// funds stay with the original's holder.
    pub fn with_new_agent_key(mut self) -> Self {
        self.agent_key = hex::encode(SecretKey::random(&mut envelope::Os).to_bytes());
        self
    }

    /// The agent's signing key (for its own wallet).
    pub fn agent_key(&self) -> Result<k256::ecdsa::SigningKey, MetadataError> {
        let bytes = Zeroizing::new(hex::decode(&self.agent_key).map_err(|_| MetadataError::BadAgentKey)?);
        k256::ecdsa::SigningKey::from_slice(&bytes).map_err(|_| MetadataError::BadAgentKey)
    }

    /// Encrypts under a fresh data key sealed to `holder`.
    pub fn seal(&self, holder: &k256::PublicKey) -> Sealed {
        let data_key = envelope::new_data_key();
        self.seal_with(holder, data_key)
    }

    /// Encrypts under `data_key` (a fresh one per version of the data) sealed to `holder`.
    pub fn seal_with(&self, holder: &k256::PublicKey, data_key: Zeroizing<[u8; 32]>) -> Sealed {
        let json = Zeroizing::new(serde_json::to_vec(self).expect("metadata always serialises"));
        Sealed {
            ciphertext: envelope::encrypt_metadata(&data_key, &json),
            sealed_key: envelope::seal_key(holder, &data_key),
            data_key,
        }
    }

    /// Opens `ciphertext` with the data key sealed to `holder` in `sealed_key`.
    pub fn open(ciphertext: &[u8], sealed_key: &[u8], holder: &SecretKey) -> Result<Self, MetadataError> {
        let data_key = envelope::open_key(holder, sealed_key)?;
        Self::decrypt(ciphertext, &data_key)
    }

    pub fn decrypt(ciphertext: &[u8], data_key: &[u8; 32]) -> Result<Self, MetadataError> {
        let json = envelope::decrypt_metadata(data_key, ciphertext)?;
        let meta: Self = serde_json::from_slice(&json).map_err(|e| MetadataError::NotMetadata(e.to_string()))?;
        if meta.version > METADATA_VERSION {
            return Err(MetadataError::NewerVersion(meta.version));
        }
        meta.agent_key()?;
        Ok(meta)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent() -> AgentMetadata {
        let mut a = AgentMetadata::new(" Ada ", "helps", "tiny-llama", "Be brief.", vec!["search".into()]);
        a.memory.push(MemoryEntry { at_ms: 1, role: "user".into(), text: "hello".into(), embedding: None });
        a
    }

    #[test]
    fn seals_for_the_holder_and_opens_only_for_them() {
        let holder = SecretKey::random(&mut envelope::Os);
        let stranger = SecretKey::random(&mut envelope::Os);
        let meta = agent();
        let sealed = meta.seal(&holder.public_key());
        let back = AgentMetadata::open(&sealed.ciphertext, &sealed.sealed_key, &holder).unwrap();
        assert_eq!(back, meta);
        assert_eq!(back.name, "Ada", "names are trimmed");
        assert_eq!(back.agent_key().unwrap(), meta.agent_key().unwrap());
        let err = AgentMetadata::open(&sealed.ciphertext, &sealed.sealed_key, &stranger).unwrap_err();
        assert_eq!(err, MetadataError::Envelope(EnvelopeError::NotForThisKey));
    }

    #[test]
    fn a_transfer_reseals_fresh_data_the_old_holder_cannot_open() {
        let (a, b) = (SecretKey::random(&mut envelope::Os), SecretKey::random(&mut envelope::Os));
        let meta = agent();
        let for_a = meta.seal(&a.public_key());
        let for_b = meta.seal(&b.public_key());
        assert_ne!(for_a.ciphertext, for_b.ciphertext, "a fresh data key and nonce");
        assert!(AgentMetadata::decrypt(&for_b.ciphertext, &for_a.data_key).is_err(), "A's old key opens nothing new");
        assert_eq!(AgentMetadata::open(&for_b.ciphertext, &for_b.sealed_key, &b).unwrap(), meta);
    }

    #[test]
    fn debug_never_prints_the_agent_key() {
        let meta = agent();
        let printed = format!("{meta:?}");
        assert!(!printed.contains(&meta.agent_key), "{printed}");
        assert!(printed.contains("<secret>"));
    }

    #[test]
    fn other_json_and_newer_formats_are_refused_clearly() {
        let key = envelope::new_data_key();
        let not_meta = envelope::encrypt_metadata(&key, br#"{"hello":1}"#);
        assert!(matches!(AgentMetadata::decrypt(&not_meta, &key), Err(MetadataError::NotMetadata(_))));
        let mut newer = agent();
        newer.version = 99;
        let ct = envelope::encrypt_metadata(&key, &serde_json::to_vec(&newer).unwrap());
        assert_eq!(AgentMetadata::decrypt(&ct, &key).unwrap_err(), MetadataError::NewerVersion(99));
    }
}
