//! The agent NFT (contracts/src/inft/AgentNFT.sol) as the client sees it: calldata for
//! each call, decoders for the events it emits, and what its reverts mean for the user.
//! The ERC-7857 part is 0G's reference ABI (0gfoundation/0g-agent-nft,
//! contracts/interfaces/): its proof structs, `intelligentDatasOf`, `iTransferFrom`,
//! `iCloneFrom`, the authorization calls, and its `ERC7857…` errors.
//! Pure: encoding only, so it is tested natively.

use alloy_primitives::{Address, Bytes, Log, B256, U256};
use alloy_sol_types::{SolCall, SolError, SolEvent};

use super::proofs::{Operation, TransferTerms};

use zg_abi::agent_nft::AgentNFT::*;
use zg_abi::signature_verifier::SignatureVerifier::{
    BadSignature, HashesDisagree, MalformedNonce, NonceReused, NoncesDisagree, NotForThisContract, NotSignedByHolder,
    ProofExpired, SealedKeyDisagrees, WrongOracleType,
};

/// `OracleType.Signature` in IERC7857.sol: the holder's own signature vouches.
const ORACLE_SIGNATURE: u8 = 2;

/// What every agent token's single data item is called on chain.
pub const DATA_DESCRIPTION: &str = "zg-console agent metadata v1";

fn one_item(data_hash: B256) -> Vec<IntelligentData> {
    vec![IntelligentData { dataDescription: DATA_DESCRIPTION.into(), dataHash: data_hash }]
}

pub fn mint_call(data_hash: B256, to: Address, sealed_key: Bytes) -> Bytes {
    mintCall { datas: one_item(data_hash), to, sealedKeys: vec![sealed_key] }.abi_encode().into()
}

pub fn update_call(token_id: U256, data_hash: B256, sealed_key: Bytes) -> Bytes {
    updateCall { tokenId: token_id, newDatas: one_item(data_hash), sealedKeys: vec![sealed_key] }.abi_encode().into()
}

/// The proof `SignatureVerifier` checks, from the agreed terms and both signatures: both
/// halves name the token's current data; the access proof's `targetPubkey` is empty (the
/// receiver's own key), the ownership proof's the receiver's 64-byte key.
pub fn validity_proof(
    terms: &TransferTerms,
    owner_salt: B256,
    owner_signature: Bytes,
    access_salt: B256,
    access_signature: Bytes,
) -> TransferValidityProof {
    TransferValidityProof {
        accessProof: AccessProof {
            dataHash: terms.data_hash,
            targetPubkey: Bytes::new(),
            nonce: terms.nonce(access_salt),
            proof: access_signature,
        },
        ownershipProof: OwnershipProof {
            oracleType: ORACLE_SIGNATURE,
            dataHash: terms.data_hash,
            sealedKey: terms.sealed_key.clone(),
            targetPubkey: terms.target_pubkey.clone(),
            nonce: terms.nonce(owner_salt),
            proof: owner_signature,
        },
    }
}

/// `iTransferFrom` or `iCloneFrom`, as the terms' operation says.
pub fn handover_call(terms: &TransferTerms, proof: TransferValidityProof) -> Bytes {
    let (from, to, token_id, proofs) = (terms.from, terms.to, terms.token_id, vec![proof]);
    match terms.operation {
        Operation::Transfer => iTransferFromCall { from, to, tokenId: token_id, proofs }.abi_encode().into(),
        Operation::Clone => iCloneFromCall { from, to, tokenId: token_id, proofs }.abi_encode().into(),
    }
}

pub fn authorize_call(token_id: U256, user: Address) -> Bytes {
    authorizeUsageCall { tokenId: token_id, user }.abi_encode().into()
}

pub fn revoke_call(token_id: U256, user: Address) -> Bytes {
    revokeAuthorizationCall { tokenId: token_id, user }.abi_encode().into()
}

pub fn authorized_users_call(token_id: U256) -> Bytes {
    authorizedUsersOfCall { tokenId: token_id }.abi_encode().into()
}

pub fn decode_authorized_users(output: &[u8]) -> Option<Vec<Address>> {
    authorizedUsersOfCall::abi_decode_returns(output).ok()
}

pub fn data_call(token_id: U256) -> Bytes {
    intelligentDatasOfCall { tokenId: token_id }.abi_encode().into()
}

/// The token's data hash; agents made here hold exactly one data item.
pub fn decode_data_hash(output: &[u8]) -> Option<B256> {
    let items = intelligentDatasOfCall::abi_decode_returns(output).ok()?;
    match items.as_slice() {
        [only] => Some(only.dataHash),
        _ => None,
    }
}

pub fn owner_call(token_id: U256) -> Bytes {
    ownerOfCall { tokenId: token_id }.abi_encode().into()
}

pub fn decode_owner(output: &[u8]) -> Option<Address> {
    ownerOfCall::abi_decode_returns(output).ok()
}

/// `Transfer` topic 0, for finding the tokens an address received.
pub fn transfer_topic() -> B256 {
    Transfer::SIGNATURE_HASH
}

pub fn sealed_key_topic() -> B256 {
    PublishedSealedKey::SIGNATURE_HASH
}

/// A `Transfer` from `nft`: (from, to, token id).
pub fn decode_transfer(log: &Log, nft: Address) -> Option<(Address, Address, U256)> {
    if log.address != nft {
        return None;
    }
    let t = Transfer::decode_log_data(&log.data).ok()?;
    Some((t.from, t.to, t.tokenId))
}

/// A `PublishedSealedKey` from `nft`: (holder, token id, the single sealed key).
pub fn decode_sealed_key(log: &Log, nft: Address) -> Option<(Address, U256, Bytes)> {
    if log.address != nft {
        return None;
    }
    let p = PublishedSealedKey::decode_log_data(&log.data).ok()?;
    let [key]: [Bytes; 1] = p.sealedKeys.try_into().ok()?;
    Some((p.to, p.tokenId, key))
}

/// A `Minted` event: a new token and who made it. `creator` is `msg.sender` of `mint`, or
/// of `iCloneFrom` for a clone; `owner` is whom it was minted to, who was not asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MintedEvent {
    pub token: U256,
    pub creator: Address,
    pub owner: Address,
}

/// A `Cloned` event: `token` is a clone of `source`, made by its holder `from` for `to`
/// (who signed an acceptance for it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClonedEvent {
    pub source: U256,
    pub token: U256,
    pub from: Address,
    pub to: Address,
}

pub fn minted_topic() -> B256 {
    Minted::SIGNATURE_HASH
}

pub fn cloned_topic() -> B256 {
    Cloned::SIGNATURE_HASH
}

/// A `Minted` from `nft`. The data lists are not needed for provenance and not returned.
pub fn decode_minted(log: &Log, nft: Address) -> Option<MintedEvent> {
    if log.address != nft {
        return None;
    }
    let m = Minted::decode_log_data(&log.data).ok()?;
    Some(MintedEvent { token: m.tokenId, creator: m.creator, owner: m.owner })
}

/// A `Cloned` from `nft`.
pub fn decode_cloned(log: &Log, nft: Address) -> Option<ClonedEvent> {
    if log.address != nft {
        return None;
    }
    let c = Cloned::decode_log_data(&log.data).ok()?;
    Some(ClonedEvent { source: c.tokenId, token: c.newTokenId, from: c.from, to: c.to })
}

/// Why the agent NFT or its verifier refuses a call, where the revert is one of theirs.
/// Shown in the page's language; `Display` is the English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// `ERC721IncorrectOwner`: the token is held by `owner`, not by `sender`.
    HeldByOther {
        token: U256,
        owner: Address,
        sender: Address,
    },
    /// `ERC721InvalidSender`.
    NotHolder(Address),
    NoSuchAgent(U256),
    /// `ERC721InsufficientApproval`: `operator` may not move `token`.
    NotApproved {
        operator: Address,
        token: U256,
    },
    ZeroReceiver,
    DataChanged,
    NotSignedByReceiver,
    SealedToAnotherKey,
    /// `ERC7857WrongOperation`: the proofs were not signed for this operation.
    WrongOperation(Operation),
    WrongParties,
    AlreadyAuthorized,
    NotAuthorized,
    /// [`authorization_refusal`]: 0G's errors do not name the user, so the client does.
    UserAlreadyAuthorized(Address),
    UserNotAuthorized(Address),
    ZeroUser,
    TooManyUsers,
    UseITransferFrom,
    Expired {
        deadline: U256,
    },
    BadSignature,
    NotSignedByHolder {
        signer: Address,
        holder: Address,
    },
    NonceReused(Address),
    /// A nonce, hash or sealed key in the proofs disagrees with the rest.
    Altered,
    /// The contract refused the lists the client built.
    ClientBug,
    /// Revert data none of the above explains.
    Data(Bytes),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::HeldByOther { token, owner, sender } => {
                write!(f, "agent #{token} is held by {owner}, not {sender}; only its holder can do this")
            }
            Refusal::NotHolder(sender) => {
                write!(f, "{sender} does not hold this agent (any more); only its holder can do this")
            }
            Refusal::NoSuchAgent(token) => write!(f, "there is no agent #{token}"),
            Refusal::NotApproved { operator, token } => {
                write!(f, "{operator} may not move agent #{token}; only its holder can complete this")
            }
            Refusal::ZeroReceiver => f.write_str("an agent cannot go to the zero address"),
            Refusal::DataChanged => {
                f.write_str("the agent's data changed since the offer was made; ask for a new offer")
            }
            Refusal::NotSignedByReceiver => {
                f.write_str("the acceptance was not signed by the receiver (nor by an assistant it delegated to)")
            }
            Refusal::SealedToAnotherKey => {
                f.write_str("the agent's key is sealed to another public key than the receiver's")
            }
            Refusal::WrongOperation(sent) => {
                write!(f, "the proofs were not signed for a {sent}; the code was altered — ask for a new one")
            }
            Refusal::WrongParties => {
                f.write_str("the proofs name other parties, another agent or another network than this transfer")
            }
            Refusal::AlreadyAuthorized => f.write_str("that address is already authorized to use this agent"),
            Refusal::NotAuthorized => {
                f.write_str("that address is not authorized for this agent, so there is nothing to revoke")
            }
            Refusal::UserAlreadyAuthorized(user) => write!(f, "{user} is already authorized to use this agent"),
            Refusal::UserNotAuthorized(user) => {
                write!(f, "{user} is not authorized for this agent, so there is nothing to revoke")
            }
            Refusal::ZeroUser => f.write_str("the zero address cannot be authorized"),
            Refusal::TooManyUsers => {
                f.write_str("this agent already has the most authorized users allowed (100); revoke one first")
            }
            Refusal::UseITransferFrom => f.write_str("agents move only with transfer proofs (iTransferFrom)"),
            Refusal::Expired { deadline } => write!(f, "the offer expired (deadline {deadline}); ask for a new one"),
            Refusal::BadSignature => f.write_str("a signature in the proofs is malformed"),
            Refusal::NotSignedByHolder { signer, holder } => {
                write!(f, "the offer was signed by {signer}, not by the holder {holder}")
            }
            Refusal::NonceReused(signer) => {
                write!(f, "{signer} already used this proof; an offer or acceptance works only once")
            }
            Refusal::Altered => {
                f.write_str("the offer or the acceptance was altered or made for something else; ask for a new one")
            }
            Refusal::ClientBug => {
                f.write_str("the agent contract refused the data or proof list; this is a bug in the client")
            }
            Refusal::Data(data) => write!(f, "revert data 0x{}", hex::encode(data)),
        }
    }
}

/// What an agent-NFT or verifier revert means for the user, where it is one of theirs.
pub fn refusal(data: &[u8]) -> Option<Refusal> {
    if let Ok(e) = ERC721IncorrectOwner::abi_decode(data) {
        return Some(Refusal::HeldByOther { token: e.tokenId, owner: e.owner, sender: e.sender });
    }
    if let Ok(e) = ERC721InvalidSender::abi_decode(data) {
        return Some(Refusal::NotHolder(e.sender));
    }
    if let Ok(e) = ERC721NonexistentToken::abi_decode(data) {
        return Some(Refusal::NoSuchAgent(e.tokenId));
    }
    if let Ok(e) = ERC721InsufficientApproval::abi_decode(data) {
        return Some(Refusal::NotApproved { operator: e.operator, token: e.tokenId });
    }
    if ERC721InvalidReceiver::abi_decode(data).is_ok() {
        return Some(Refusal::ZeroReceiver);
    }
    if ERC7857DataHashMismatch::abi_decode(data).is_ok() {
        return Some(Refusal::DataChanged);
    }
    if ERC7857AccessAssistantMismatch::abi_decode(data).is_ok() {
        return Some(Refusal::NotSignedByReceiver);
    }
    if ERC7857WantedReceiverMismatch::abi_decode(data).is_ok() || ERC7857TargetPubkeyMismatch::abi_decode(data).is_ok()
    {
        return Some(Refusal::SealedToAnotherKey);
    }
    if let Ok(e) = ERC7857WrongOperation::abi_decode(data) {
        let sent = if e.expected == Operation::Clone.tag() { Operation::Clone } else { Operation::Transfer };
        return Some(Refusal::WrongOperation(sent));
    }
    if ERC7857WrongParties::abi_decode(data).is_ok() || NotForThisContract::abi_decode(data).is_ok() {
        return Some(Refusal::WrongParties);
    }
    if ERC7857AlreadyAuthorized::abi_decode(data).is_ok() {
        return Some(Refusal::AlreadyAuthorized);
    }
    if ERC7857NotAuthorized::abi_decode(data).is_ok() {
        return Some(Refusal::NotAuthorized);
    }
    if ERC7857InvalidAuthorizedUser::abi_decode(data).is_ok() {
        return Some(Refusal::ZeroUser);
    }
    if ERC7857TooManyAuthorizedUsers::abi_decode(data).is_ok() {
        return Some(Refusal::TooManyUsers);
    }
    if ERC7857UseITransferFrom::abi_decode(data).is_ok() {
        return Some(Refusal::UseITransferFrom);
    }
    if let Ok(e) = ProofExpired::abi_decode(data) {
        return Some(Refusal::Expired { deadline: e.deadline });
    }
    if let Ok(e) = ERC7857ProofExpired::abi_decode(data) {
        return Some(Refusal::Expired { deadline: e.deadline });
    }
    if BadSignature::abi_decode(data).is_ok() {
        return Some(Refusal::BadSignature);
    }
    if let Ok(e) = NotSignedByHolder::abi_decode(data) {
        return Some(Refusal::NotSignedByHolder { signer: e.signer, holder: e.holder });
    }
    if let Ok(e) = NonceReused::abi_decode(data) {
        return Some(Refusal::NonceReused(e.signer));
    }
    if HashesDisagree::abi_decode(data).is_ok()
        || MalformedNonce::abi_decode(data).is_ok()
        || NoncesDisagree::abi_decode(data).is_ok()
        || SealedKeyDisagrees::abi_decode(data).is_ok()
        || ERC7857MalformedNonce::abi_decode(data).is_ok()
        || ERC7857SealedKeyMismatch::abi_decode(data).is_ok()
    {
        return Some(Refusal::Altered);
    }
    if ERC7857EmptyData::abi_decode(data).is_ok()
        || ERC7857KeyCountMismatch::abi_decode(data).is_ok()
        || ERC7857ProofCountMismatch::abi_decode(data).is_ok()
        || ERC7857EmptyProof::abi_decode(data).is_ok()
        || ERC7857NoUsers::abi_decode(data).is_ok()
        || WrongOracleType::abi_decode(data).is_ok()
    {
        return Some(Refusal::ClientBug);
    }
    None
}

/// [`refusal`] in words (the English).
pub fn explain_revert(data: &[u8]) -> Option<String> {
    refusal(data).map(|r| r.to_string())
}

/// [`refusal`] for `authorizeUsage` / `revokeAuthorization` of `user`: 0G's errors do not
/// name the user, so the client does.
pub fn authorization_refusal(data: &[u8], user: Address) -> Option<Refusal> {
    if ERC7857AlreadyAuthorized::abi_decode(data).is_ok() {
        return Some(Refusal::UserAlreadyAuthorized(user));
    }
    if ERC7857NotAuthorized::abi_decode(data).is_ok() {
        return Some(Refusal::UserNotAuthorized(user));
    }
    refusal(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{address, b256, LogData};

    const NFT: Address = address!("00000000000000000000000000000000000000aa");

    #[test]
    fn mint_calldata_starts_with_the_solidity_selector() {
        let data = mint_call(B256::repeat_byte(1), NFT, Bytes::from_static(b"k"));
        // keccak("mint((string,bytes32)[],address,bytes[])")[..4], as solc computes it.
        let selector = &alloy_primitives::keccak256("mint((string,bytes32)[],address,bytes[])")[..4];
        assert_eq!(&data[..4], selector);
        let decoded = mintCall::abi_decode(&data).unwrap();
        assert_eq!(decoded.datas[0].dataHash, B256::repeat_byte(1));
        assert_eq!(decoded.datas[0].dataDescription, DATA_DESCRIPTION);
        assert_eq!(decoded.sealedKeys, vec![Bytes::from_static(b"k")]);
    }

    /// The selectors 0G's reference interfaces give, from their canonical signatures
    /// (0gfoundation/0g-agent-nft, contracts/interfaces/), not from our `sol!` block.
    #[test]
    fn selectors_are_those_of_0gs_reference_interfaces() {
        const PROOF: &str = "((bytes32,bytes,bytes,bytes),(uint8,bytes32,bytes,bytes,bytes,bytes))[]";
        let sel = |sig: &str| alloy_primitives::keccak256(sig)[..4].to_vec();
        assert_eq!(
            iTransferFromCall::SELECTOR.to_vec(),
            sel(&format!("iTransferFrom(address,address,uint256,{PROOF})"))
        );
        assert_eq!(iCloneFromCall::SELECTOR.to_vec(), sel(&format!("iCloneFrom(address,address,uint256,{PROOF})")));
        assert_eq!(intelligentDatasOfCall::SELECTOR.to_vec(), sel("intelligentDatasOf(uint256)"));
        assert_eq!(authorizeUsageCall::SELECTOR.to_vec(), sel("authorizeUsage(uint256,address)"));
        assert_eq!(revokeAuthorizationCall::SELECTOR.to_vec(), sel("revokeAuthorization(uint256,address)"));
        assert_eq!(authorizedUsersOfCall::SELECTOR.to_vec(), sel("authorizedUsersOf(uint256)"));
        assert_eq!(
            PublishedSealedKey::SIGNATURE_HASH,
            alloy_primitives::keccak256("PublishedSealedKey(address,uint256,bytes[])")
        );
        assert_eq!(Cloned::SIGNATURE_HASH, alloy_primitives::keccak256("Cloned(uint256,uint256,address,address)"));
        assert_eq!(ERC7857DataHashMismatch::SELECTOR.to_vec(), sel("ERC7857DataHashMismatch()"));
        assert_eq!(ERC7857AlreadyAuthorized::SELECTOR.to_vec(), sel("ERC7857AlreadyAuthorized()"));
    }

    #[test]
    fn validity_proof_carries_the_terms_into_both_halves() {
        let terms = TransferTerms {
            operation: Operation::Clone,
            chain_id: 31337,
            nft: NFT,
            token_id: U256::from(7),
            from: address!("0000000000000000000000000000000000000001"),
            to: address!("0000000000000000000000000000000000000002"),
            data_hash: B256::repeat_byte(3),
            new_data_hash: B256::repeat_byte(4),
            sealed_key: Bytes::from_static(b"sealed"),
            target_pubkey: Bytes::from_static(&[5; 64]),
            deadline: 99,
        };
        let (s1, s2) = (B256::repeat_byte(1), B256::repeat_byte(2));
        let p = validity_proof(&terms, s1, Bytes::from_static(b"sig1"), s2, Bytes::from_static(b"sig2"));
        assert_eq!(p.ownershipProof.nonce, terms.nonce(s1));
        assert_eq!(p.accessProof.nonce, terms.nonce(s2));
        assert_eq!((p.ownershipProof.proof.as_ref(), p.accessProof.proof.as_ref()), (&b"sig1"[..], &b"sig2"[..]));
        assert_eq!(p.ownershipProof.oracleType, ORACLE_SIGNATURE);
        assert_eq!((p.accessProof.dataHash, p.ownershipProof.dataHash), (terms.data_hash, terms.data_hash));
        assert_eq!(p.ownershipProof.sealedKey, terms.sealed_key);
        assert_eq!(p.ownershipProof.targetPubkey, terms.target_pubkey);
        assert!(p.accessProof.targetPubkey.is_empty(), "the receiver's own key");
        // The call follows the signed operation.
        let call = iCloneFromCall::abi_decode(&handover_call(&terms, p.clone())).unwrap();
        assert_eq!((call.from, call.to, call.tokenId), (terms.from, terms.to, terms.token_id));
        let transfer = TransferTerms { operation: Operation::Transfer, ..terms.clone() };
        assert!(iTransferFromCall::abi_decode(&handover_call(&transfer, p)).is_ok());
    }

    #[test]
    fn events_decode_only_from_the_nft() {
        let from = address!("0000000000000000000000000000000000000001");
        let to = address!("0000000000000000000000000000000000000002");
        let data = LogData::new_unchecked(
            vec![transfer_topic(), from.into_word(), to.into_word(), B256::from(U256::from(5))],
            Bytes::new(),
        );
        let log = Log { address: NFT, data };
        assert_eq!(decode_transfer(&log, NFT), Some((from, to, U256::from(5))));
        assert_eq!(decode_transfer(&log, Address::ZERO), None);
        assert_eq!(
            transfer_topic(),
            b256!("ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"),
            "the ERC-721 Transfer topic"
        );
    }

    /// A log as ethers encoded it in `app/core/tests/fixtures/inft/events.json` (see `gen-events.mjs` there).
    fn fixture_log(v: &serde_json::Value, address: Address) -> Log {
        let topics = v["topics"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().parse().unwrap()).collect();
        let data: Bytes = v["data"].as_str().unwrap().parse().unwrap();
        Log { address, data: LogData::new_unchecked(topics, data) }
    }

    #[test]
    fn minted_and_cloned_decode_as_an_independent_abi_encoder_wrote_them() {
        let v: serde_json::Value = serde_json::from_str(include_str!("../../tests/fixtures/inft/events.json")).unwrap();
        let (m, c) = (&v["minted"], &v["cloned"]);
        let addr = |x: &serde_json::Value| x.as_str().unwrap().parse::<Address>().unwrap();
        let num = |x: &serde_json::Value| U256::from(x.as_u64().unwrap());
        assert_eq!(minted_topic(), m["topic"].as_str().unwrap().parse::<B256>().unwrap());
        assert_eq!(cloned_topic(), c["topic"].as_str().unwrap().parse::<B256>().unwrap());

        let minted = decode_minted(&fixture_log(m, NFT), NFT).expect("Minted decodes");
        let a = &m["args"];
        assert_eq!(
            minted,
            MintedEvent { token: num(&a["tokenId"]), creator: addr(&a["creator"]), owner: addr(&a["owner"]) }
        );
        let cloned = decode_cloned(&fixture_log(c, NFT), NFT).expect("Cloned decodes");
        let a = &c["args"];
        assert_eq!(
            cloned,
            ClonedEvent {
                source: num(&a["tokenId"]),
                token: num(&a["newTokenId"]),
                from: addr(&a["from"]),
                to: addr(&a["to"])
            }
        );

        // Only from the agent NFT, and only as what they are.
        assert_eq!(decode_minted(&fixture_log(m, Address::ZERO), NFT), None, "another contract's Minted");
        assert_eq!(decode_minted(&fixture_log(c, NFT), NFT), None, "a Cloned is not a Minted");
        assert_eq!(decode_cloned(&fixture_log(m, NFT), NFT), None, "a Minted is not a Cloned");
    }

    #[test]
    fn reverts_are_explained_in_words() {
        let data = ERC721IncorrectOwner { sender: NFT, tokenId: U256::from(3), owner: Address::ZERO }.abi_encode();
        assert!(explain_revert(&data).unwrap().contains("only its holder"));
        assert!(explain_revert(&ERC7857AlreadyAuthorized {}.abi_encode()).unwrap().contains("already authorized"));
        let data = NonceReused { signer: NFT, nonce: Bytes::new() }.abi_encode();
        assert!(explain_revert(&data).unwrap().contains("works only once"));
        let data = ERC7857WrongOperation { index: U256::ZERO, expected: Operation::Transfer.tag() }.abi_encode();
        assert!(explain_revert(&data).unwrap().starts_with("the proofs were not signed for a transfer"));
        let data = ERC7857WrongOperation { index: U256::ZERO, expected: Operation::Clone.tag() }.abi_encode();
        assert!(explain_revert(&data).unwrap().starts_with("the proofs were not signed for a clone"));
        assert_eq!(explain_revert(&[0xde, 0xad, 0xbe, 0xef]), None);
        let data = ERC721NonexistentToken { tokenId: U256::from(4) }.abi_encode();
        assert_eq!(refusal(&data), Some(Refusal::NoSuchAgent(U256::from(4))));
        assert_eq!(explain_revert(&data).unwrap(), "there is no agent #4");
    }

    #[test]
    fn authorization_reverts_name_the_user() {
        let user = address!("0000000000000000000000000000000000000007");
        let already = ERC7857AlreadyAuthorized {}.abi_encode();
        assert_eq!(authorization_refusal(&already, user), Some(Refusal::UserAlreadyAuthorized(user)));
        assert_eq!(
            authorization_refusal(&already, user).unwrap().to_string(),
            format!("{user} is already authorized to use this agent")
        );
        let not = ERC7857NotAuthorized {}.abi_encode();
        assert!(authorization_refusal(&not, user).unwrap().to_string().starts_with(&user.to_string()));
        assert_eq!(refusal(&not), Some(Refusal::NotAuthorized), "without the user, the generic words");
        assert_eq!(authorization_refusal(&[0xde, 0xad, 0xbe, 0xef], user), None);
        assert_eq!(Refusal::Data(Bytes::from_static(&[0xde, 0xad])).to_string(), "revert data 0xdead");
    }
}
