//! The agent NFT (contracts/src/inft/AgentNFT.sol) as the client sees it: calldata for
//! each call, decoders for the events it emits, and what its reverts mean for the user.
//! Pure: encoding only, so it is tested natively.

use alloy_primitives::{Address, Bytes, Log, B256, U256};
use alloy_sol_types::{sol, SolCall, SolError, SolEvent};

use super::proofs::{Operation, TransferTerms};

sol! {
    struct IntelligentData {
        string dataDescription;
        bytes32 dataHash;
    }

    struct AccessProof {
        bytes32 oldDataHash;
        bytes32 newDataHash;
        bytes nonce;
        bytes encryptedPubKey;
        bytes proof;
    }

    struct OwnershipProof {
        uint8 oracleType;
        bytes32 oldDataHash;
        bytes32 newDataHash;
        bytes sealedKey;
        bytes encryptedPubKey;
        bytes nonce;
        bytes proof;
    }

    struct TransferValidityProof {
        AccessProof accessProof;
        OwnershipProof ownershipProof;
        address from;
        address to;
        uint256 tokenId;
        uint256 deadline;
    }

    function mint(IntelligentData[] datas, address to, bytes[] sealedKeys) external returns (uint256 tokenId);
    function update(uint256 tokenId, IntelligentData[] newDatas, bytes[] sealedKeys) external;
    function iTransferFrom(address from, address to, uint256 tokenId, TransferValidityProof[] proofs) external;
    function iCloneFrom(address from, address to, uint256 tokenId, TransferValidityProof[] proofs) external returns (uint256 newTokenId);
    function authorizeUsage(uint256 tokenId, address user) external;
    function revokeAuthorization(uint256 tokenId, address user) external;
    function authorizedUsersOf(uint256 tokenId) external view returns (address[] memory);
    function intelligentDataOf(uint256 tokenId) external view returns (IntelligentData[] memory);
    function ownerOf(uint256 tokenId) external view returns (address);

    event Transfer(address indexed from, address indexed to, uint256 indexed tokenId);
    event PublishedSealedKey(address indexed to, uint256 indexed tokenId, bytes[] sealedKeys);
    event Minted(uint256 indexed tokenId, address indexed creator, address indexed owner, bytes32[] dataHashes, string[] dataDescriptions);
    event Cloned(uint256 indexed tokenId, uint256 indexed newTokenId, address from, address to);

    error ERC7857EmptyData();
    error ERC7857KeyCountMismatch(uint256 datas, uint256 sealedKeys);
    error ERC7857ProofCountMismatch(uint256 datas, uint256 proofs);
    error ERC7857DataHashMismatch(uint256 index);
    error ERC7857WrongParties(uint256 index);
    error ERC7857AccessAssistantMismatch(address signer, address receiver);
    error ERC7857NotOwner(address caller, uint256 tokenId);
    error ERC7857UseITransferFrom();
    error ERC7857AlreadyAuthorized(address user);
    error ERC7857NotAuthorized(address user);
    error ERC7857InvalidUser(address user);
    error ERC7857WrongOperation(uint256 index, bytes32 expected);
    error ERC721NonexistentToken(uint256 tokenId);
    error ERC721IncorrectOwner(address sender, uint256 tokenId, address owner);
    error ERC721InsufficientApproval(address operator, uint256 tokenId);
    error ProofExpired(uint256 deadline);
    error BadSignature();
    error NotSignedByHolder(address signer, address holder);
    error NonceReused(address signer, bytes nonce);
    error HashesDisagree();
    error PublicKeyDisagrees();
}

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

/// The proof `SignatureVerifier` checks, from the agreed terms and both signatures.
pub fn validity_proof(
    terms: &TransferTerms,
    owner_nonce: Bytes,
    owner_signature: Bytes,
    access_nonce: Bytes,
    access_signature: Bytes,
) -> TransferValidityProof {
    TransferValidityProof {
        accessProof: AccessProof {
            oldDataHash: terms.old_data_hash,
            newDataHash: terms.new_data_hash,
            nonce: access_nonce,
            encryptedPubKey: terms.encrypted_pub_key.clone(),
            proof: access_signature,
        },
        ownershipProof: OwnershipProof {
            oracleType: ORACLE_SIGNATURE,
            oldDataHash: terms.old_data_hash,
            newDataHash: terms.new_data_hash,
            sealedKey: terms.sealed_key.clone(),
            encryptedPubKey: terms.encrypted_pub_key.clone(),
            nonce: owner_nonce,
            proof: owner_signature,
        },
        from: terms.from,
        to: terms.to,
        tokenId: terms.token_id,
        deadline: terms.deadline,
    }
}

pub fn transfer_call(terms: &TransferTerms, proof: TransferValidityProof) -> Bytes {
    iTransferFromCall { from: terms.from, to: terms.to, tokenId: terms.token_id, proofs: vec![proof] }
        .abi_encode()
        .into()
}

pub fn clone_call(terms: &TransferTerms, proof: TransferValidityProof) -> Bytes {
    iCloneFromCall { from: terms.from, to: terms.to, tokenId: terms.token_id, proofs: vec![proof] }.abi_encode().into()
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
    intelligentDataOfCall { tokenId: token_id }.abi_encode().into()
}

/// The token's data hash; agents made here hold exactly one data item.
pub fn decode_data_hash(output: &[u8]) -> Option<B256> {
    let items = intelligentDataOfCall::abi_decode_returns(output).ok()?;
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

/// What an agent-NFT or verifier revert means for the user, where it is one of theirs.
pub fn explain_revert(data: &[u8]) -> Option<String> {
    if let Ok(e) = ERC7857NotOwner::abi_decode(data) {
        return Some(format!("{} does not hold agent #{}; only its holder can do this", e.caller, e.tokenId));
    }
    if let Ok(e) = ERC721IncorrectOwner::abi_decode(data) {
        return Some(format!(
            "agent #{} is now held by {}, not {}; the offer is out of date",
            e.tokenId, e.owner, e.sender
        ));
    }
    if let Ok(e) = ERC721NonexistentToken::abi_decode(data) {
        return Some(format!("there is no agent #{}", e.tokenId));
    }
    if let Ok(e) = ERC721InsufficientApproval::abi_decode(data) {
        return Some(format!("{} may not move agent #{}; only its holder can complete this", e.operator, e.tokenId));
    }
    if ERC7857DataHashMismatch::abi_decode(data).is_ok() {
        return Some("the agent's data changed since the offer was made; ask for a new offer".into());
    }
    if let Ok(e) = ERC7857AccessAssistantMismatch::abi_decode(data) {
        return Some(format!("the acceptance was signed by {}, not by the receiver {}", e.signer, e.receiver));
    }
    if let Ok(e) = ERC7857WrongOperation::abi_decode(data) {
        let sent = if e.expected == Operation::Clone.tag() { Operation::Clone } else { Operation::Transfer };
        return Some(format!("the proofs were not signed for a {sent}; the code was altered — ask for a new one"));
    }
    if ERC7857WrongParties::abi_decode(data).is_ok() {
        return Some("the proofs name other parties or another agent than this transfer".into());
    }
    if let Ok(e) = ERC7857AlreadyAuthorized::abi_decode(data) {
        return Some(format!("{} is already authorized to use this agent", e.user));
    }
    if let Ok(e) = ERC7857NotAuthorized::abi_decode(data) {
        return Some(format!("{} is not authorized for this agent, so there is nothing to revoke", e.user));
    }
    if ERC7857InvalidUser::abi_decode(data).is_ok() {
        return Some("the zero address cannot be authorized".into());
    }
    if ERC7857UseITransferFrom::abi_decode(data).is_ok() {
        return Some("agents move only with transfer proofs (iTransferFrom)".into());
    }
    if let Ok(e) = ProofExpired::abi_decode(data) {
        return Some(format!("the offer expired (deadline {}); ask for a new one", e.deadline));
    }
    if BadSignature::abi_decode(data).is_ok() {
        return Some("a signature in the proofs is malformed".into());
    }
    if let Ok(e) = NotSignedByHolder::abi_decode(data) {
        return Some(format!("the offer was signed by {}, not by the holder {}", e.signer, e.holder));
    }
    if let Ok(e) = NonceReused::abi_decode(data) {
        return Some(format!("{} already used this proof; an offer or acceptance works only once", e.signer));
    }
    if HashesDisagree::abi_decode(data).is_ok() || PublicKeyDisagrees::abi_decode(data).is_ok() {
        return Some("the offer and the acceptance disagree about the data or the receiver's key".into());
    }
    if ERC7857EmptyData::abi_decode(data).is_ok()
        || ERC7857KeyCountMismatch::abi_decode(data).is_ok()
        || ERC7857ProofCountMismatch::abi_decode(data).is_ok()
    {
        return Some("the agent contract refused the data list; this is a bug in the client".into());
    }
    None
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

    #[test]
    fn transfer_selector_matches_the_struct_layout_of_ierc7857() {
        let selector = &alloy_primitives::keccak256(
            "iTransferFrom(address,address,uint256,((bytes32,bytes32,bytes,bytes,bytes),(uint8,bytes32,bytes32,bytes,bytes,bytes,bytes),address,address,uint256,uint256)[])",
        )[..4];
        assert_eq!(iTransferFromCall::SELECTOR.as_slice(), selector);
    }

    #[test]
    fn validity_proof_carries_the_terms_into_both_halves() {
        let terms = TransferTerms {
            chain_id: 31337,
            nft: NFT,
            token_id: U256::from(7),
            from: address!("0000000000000000000000000000000000000001"),
            to: address!("0000000000000000000000000000000000000002"),
            old_data_hash: B256::repeat_byte(3),
            new_data_hash: B256::repeat_byte(4),
            sealed_key: Bytes::from_static(b"sealed"),
            encrypted_pub_key: Bytes::from_static(b"pub"),
            nonce: Bytes::new(),
            deadline: U256::from(99),
        };
        let p = validity_proof(
            &terms,
            Bytes::from_static(b"n1"),
            Bytes::from_static(b"s1"),
            Bytes::from_static(b"n2"),
            Bytes::from_static(b"s2"),
        );
        assert_eq!(p.ownershipProof.nonce, Bytes::from_static(b"n1"));
        assert_eq!(p.accessProof.nonce, Bytes::from_static(b"n2"));
        assert_eq!(p.ownershipProof.oracleType, ORACLE_SIGNATURE);
        assert_eq!(p.accessProof.newDataHash, terms.new_data_hash);
        assert_eq!(p.ownershipProof.sealedKey, terms.sealed_key);
        let call = iTransferFromCall::abi_decode(&transfer_call(&terms, p)).unwrap();
        assert_eq!((call.from, call.to, call.tokenId), (terms.from, terms.to, terms.token_id));
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

    /// A log as ethers encoded it in `fixtures/events.json` (see `gen-events.mjs`).
    fn fixture_log(v: &serde_json::Value, address: Address) -> Log {
        let topics = v["topics"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().parse().unwrap()).collect();
        let data: Bytes = v["data"].as_str().unwrap().parse().unwrap();
        Log { address, data: LogData::new_unchecked(topics, data) }
    }

    #[test]
    fn minted_and_cloned_decode_as_an_independent_abi_encoder_wrote_them() {
        let v: serde_json::Value = serde_json::from_str(include_str!("fixtures/events.json")).unwrap();
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
        let data = ERC7857NotOwner { caller: NFT, tokenId: U256::from(3) }.abi_encode();
        assert!(explain_revert(&data).unwrap().contains("only its holder"));
        let data = NonceReused { signer: NFT, nonce: Bytes::new() }.abi_encode();
        assert!(explain_revert(&data).unwrap().contains("works only once"));
        let data = ERC7857WrongOperation { index: U256::ZERO, expected: Operation::Transfer.tag() }.abi_encode();
        assert!(explain_revert(&data).unwrap().starts_with("the proofs were not signed for a transfer"));
        let data = ERC7857WrongOperation { index: U256::ZERO, expected: Operation::Clone.tag() }.abi_encode();
        assert!(explain_revert(&data).unwrap().starts_with("the proofs were not signed for a clone"));
        assert_eq!(explain_revert(&[0xde, 0xad, 0xbe, 0xef]), None);
    }
}
