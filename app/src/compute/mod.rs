//! 0G Compute: inference providers registered on chain, paid from the user's ledger and
//! per-provider sub-accounts, answering OpenAI-style chats whose every answer is signed
//! by the provider's acknowledged TEE signer.
//!
//! Pure (native tests): `contract` (LedgerManager / InferenceServing calls, decoders,
//! reverts in words), `token` (0G's `app-sk-` session tokens), `answer` (the signed text
//! and its check), `chat` (the request body and the answer's stream).
//! Browser: `service` (`ComputeService`: proven reads, proven transactions, chat over
//! fetch with the signature verified). Never shows an answer as verified unless the
//! signature over our own request and response bytes recovers to the signer the registry
//! acknowledges.

pub use zg_core::compute::answer;
pub use zg_core::compute::attestation;
pub use zg_core::compute::chat;
pub use zg_core::compute::contract;
pub use zg_core::compute::exchange;
pub use zg_core::compute::markdown;
pub use zg_core::compute::recall;
pub use zg_core::compute::thread;
#[cfg(target_arch = "wasm32")]
pub mod gpu;
pub mod llm_worker;
pub mod local;
pub mod service;
pub use zg_core::compute::token;
