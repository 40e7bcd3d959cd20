//! The ERC-7857 agent NFT and its signature verifier (contracts/src/inft/), as zg-devnet
//! deploys them, against anvil: every function, every revert path, and the events; and
//! that proofs signed for a transfer cannot make a clone, nor the reverse.

mod common;

use alloy_primitives::{eip191_hash_message, keccak256, Address, Bytes, Log, LogData, B256, U256};
use alloy_sol_types::{sol, SolCall, SolError, SolEvent, SolValue};
use common::{rpc, Devnet};
use k256::ecdsa::SigningKey;
use serde_json::{json, Value};

sol! {
    struct IntelligentData { string dataDescription; bytes32 dataHash; }
    struct AccessProof { bytes32 oldDataHash; bytes32 newDataHash; bytes nonce; bytes encryptedPubKey; bytes proof; }
    struct OwnershipProof { uint8 oracleType; bytes32 oldDataHash; bytes32 newDataHash; bytes sealedKey; bytes encryptedPubKey; bytes nonce; bytes proof; }
    struct TransferValidityProof { AccessProof accessProof; OwnershipProof ownershipProof; address from; address to; uint256 tokenId; uint256 deadline; }

    function mint(IntelligentData[] datas, address to, bytes[] sealedKeys) returns (uint256);
    function update(uint256 tokenId, IntelligentData[] newDatas, bytes[] sealedKeys);
    function iTransferFrom(address from, address to, uint256 tokenId, TransferValidityProof[] proofs);
    function iCloneFrom(address from, address to, uint256 tokenId, TransferValidityProof[] proofs) returns (uint256);
    function authorizeUsage(uint256 tokenId, address user);
    function revokeAuthorization(uint256 tokenId, address user);
    function authorizedUsersOf(uint256 tokenId) returns (address[]);
    function delegateAccess(address assistant);
    function getDelegateAccess(address user) returns (address);
    function intelligentDataOf(uint256 tokenId) returns (IntelligentData[]);
    function ownerOf(uint256 tokenId) returns (address);
    function transferFrom(address from, address to, uint256 tokenId);
    function supportsInterface(bytes4 id) returns (bool);
    function TRANSFER_OPERATION() returns (bytes32);
    function CLONE_OPERATION() returns (bytes32);

    event Minted(uint256 indexed tokenId, address indexed creator, address indexed owner, bytes32[] dataHashes, string[] dataDescriptions);
    event Updated(uint256 indexed tokenId, IntelligentData[] oldDatas, IntelligentData[] newDatas);
    event Transferred(uint256 tokenId, address indexed from, address indexed to);
    event Cloned(uint256 indexed tokenId, uint256 indexed newTokenId, address from, address to);
    event PublishedSealedKey(address indexed to, uint256 indexed tokenId, bytes[] sealedKeys);
    event Authorization(address indexed from, address indexed to, uint256 indexed tokenId);
    event AuthorizationRevoked(address indexed from, address indexed to, uint256 indexed tokenId);
    event DelegateAccess(address indexed user, address indexed assistant);

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
    error ERC721InsufficientApproval(address operator, uint256 tokenId);
    error ProofExpired(uint256 deadline);
    error HashesDisagree();
    error PublicKeyDisagrees();
    error WrongOracleType(uint8 oracleType);
    error BadSignature();
    error NotSignedByHolder(address signer, address holder);
    error NonceReused(address signer, bytes nonce);
}

/// anvil's dev keys #1–#3 ("test test … junk"); #0 is the faucet's, #9 the deployer's.
const KEYS: [&str; 3] = [
    "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
];

struct Party {
    key: SigningKey,
    address: Address,
}

fn party(i: usize) -> Party {
    let key = SigningKey::from_slice(&hex(KEYS[i])).unwrap();
    let point = key.verifying_key().to_encoded_point(false);
    let address = Address::from_slice(&keccak256(&point.as_bytes()[1..])[12..]);
    Party { key, address }
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len() / 2).map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap()).collect()
}

fn to_hex(bytes: &[u8]) -> String {
    let mut s = String::from("0x");
    for b in bytes {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// What the tags in every proof nonce are keccak256 of (AgentNFT's TRANSFER_OPERATION and
/// CLONE_OPERATION).
const TRANSFER: &str = "zg-console/inft/op/transfer";
const CLONE: &str = "zg-console/inft/op/clone";

/// A proof nonce signed for `op`: its tag, then `unique` (the client uses 32 random bytes).
fn tagged(op: &str, unique: &[u8]) -> Vec<u8> {
    [keccak256(op).as_slice(), unique].concat()
}

/// EIP-191 signature over a 32-byte digest, as a wallet's personal_sign gives it.
fn sign(key: &SigningKey, digest: B256) -> Bytes {
    let hash = eip191_hash_message(digest);
    let (sig, recovery) = key.sign_prehash_recoverable(hash.as_slice()).unwrap();
    [sig.to_bytes().as_slice(), &[27 + recovery.to_byte()]].concat().into()
}

struct Nft<'a> {
    devnet: &'a Devnet,
    address: Address,
    verifier: Address,
}

impl Nft<'_> {
    /// Sends `data` from `from` and returns the receipt's logs (panics on revert).
    fn send(&self, from: Address, data: Vec<u8>) -> Vec<Log> {
        let tx = self.devnet.rpc(
            "eth_sendTransaction",
            json!([{ "from": from, "to": self.address, "data": to_hex(&data), "gas": "0x1000000" }]),
        );
        let receipt = self.devnet.wait_receipt(tx.as_str().unwrap());
        assert_eq!(receipt["status"], "0x1", "{receipt}");
        receipt["logs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                let topics = serde_json::from_value::<Vec<B256>>(l["topics"].clone()).unwrap();
                let data: Bytes = serde_json::from_value(l["data"].clone()).unwrap();
                Log {
                    address: serde_json::from_value(l["address"].clone()).unwrap(),
                    data: LogData::new_unchecked(topics, data),
                }
            })
            .collect()
    }

    fn call(&self, from: Address, data: Vec<u8>) -> Result<Vec<u8>, Vec<u8>> {
        let call = json!({ "from": from, "to": self.address, "data": to_hex(&data) });
        match rpc(&self.devnet.rpc_url, "eth_call", json!([call, "latest"])) {
            Ok(v) => Ok(hex(v.as_str().unwrap().trim_start_matches("0x"))),
            Err(e) => {
                let e: Value = serde_json::from_str(&e).unwrap();
                Err(hex(e["data"].as_str().unwrap_or_else(|| panic!("no revert data: {e}")).trim_start_matches("0x")))
            }
        }
    }

    /// The revert the call would hit, which must be `E`.
    fn reverts<E: SolError>(&self, from: Address, data: Vec<u8>) -> E {
        let err = self.call(from, data).expect_err("the call should revert");
        E::abi_decode(&err).unwrap_or_else(|_| panic!("expected {}, got 0x{}", E::SIGNATURE, to_hex(&err)))
    }

    fn mint(&self, owner: &Party, hashes: &[B256]) -> U256 {
        let datas = hashes.iter().map(|h| IntelligentData { dataDescription: "agent".into(), dataHash: *h }).collect();
        let keys = hashes.iter().map(|h| Bytes::from(h.to_vec())).collect();
        let logs = self.send(owner.address, mintCall { datas, to: owner.address, sealedKeys: keys }.abi_encode());
        logs.iter().find_map(|l| Minted::decode_log_data(&l.data).ok()).unwrap().tokenId
    }

    fn owner_of(&self, token: U256) -> Address {
        Address::abi_decode(&self.call(Address::ZERO, ownerOfCall { tokenId: token }.abi_encode()).unwrap()).unwrap()
    }

    fn data_of(&self, token: U256) -> Vec<IntelligentData> {
        let out = self.call(Address::ZERO, intelligentDataOfCall { tokenId: token }.abi_encode()).unwrap();
        <Vec<IntelligentData>>::abi_decode(&out).unwrap()
    }

    fn chain_id(&self) -> U256 {
        U256::from(31337)
    }

    fn deadline(&self) -> U256 {
        let block = self.devnet.rpc("eth_getBlockByNumber", json!(["latest", false]));
        U256::from_str_radix(block["timestamp"].as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
            + U256::from(600)
    }

    /// A transfer proof for one data item, signed by `holder` and `signer` (the receiver
    /// or its assistant), with this nonce for both.
    #[allow(clippy::too_many_arguments)]
    fn proof(
        &self,
        token: U256,
        holder: &Party,
        to: Address,
        signer: &Party,
        old: B256,
        new: B256,
        nonce: &[u8],
        deadline: U256,
    ) -> TransferValidityProof {
        self.proof_with_nonces(token, holder, to, signer, old, new, (nonce, nonce), deadline)
    }

    /// [`Self::proof`] with the holder's and the receiver's nonces: (ownership, access).
    #[allow(clippy::too_many_arguments)]
    fn proof_with_nonces(
        &self,
        token: U256,
        holder: &Party,
        to: Address,
        signer: &Party,
        old: B256,
        new: B256,
        (owner_nonce, access_nonce): (&[u8], &[u8]),
        deadline: U256,
    ) -> TransferValidityProof {
        let sealed: Bytes = [b"sealed-for-".as_slice(), to.as_slice()].concat().into();
        let pubkey: Bytes = vec![2u8; 33].into();
        let owner_nonce: Bytes = owner_nonce.to_vec().into();
        let access_nonce: Bytes = access_nonce.to_vec().into();
        let digest = |typehash: &str, nonce: &Bytes| {
            keccak256(
                (
                    keccak256(typehash),
                    self.chain_id(),
                    self.address,
                    token,
                    holder.address,
                    to,
                    old,
                    new,
                    keccak256(&sealed),
                    keccak256(&pubkey),
                    keccak256(nonce),
                    deadline,
                )
                    .abi_encode(),
            )
        };
        let access_sig = sign(&signer.key, digest("zg-console/inft/access-proof/v1", &access_nonce));
        let owner_sig = sign(&holder.key, digest("zg-console/inft/ownership-proof/v1", &owner_nonce));
        TransferValidityProof {
            accessProof: AccessProof {
                oldDataHash: old,
                newDataHash: new,
                nonce: access_nonce,
                encryptedPubKey: pubkey.clone(),
                proof: access_sig,
            },
            ownershipProof: OwnershipProof {
                oracleType: 2,
                oldDataHash: old,
                newDataHash: new,
                sealedKey: sealed,
                encryptedPubKey: pubkey,
                nonce: owner_nonce,
                proof: owner_sig,
            },
            from: holder.address,
            to,
            tokenId: token,
            deadline,
        }
    }
}

fn nft(devnet: &Devnet) -> Nft<'_> {
    let c = &devnet.ready["contracts"];
    Nft {
        devnet,
        address: c["agentNft"].as_str().unwrap().parse().unwrap(),
        verifier: c["inftVerifier"].as_str().unwrap().parse().unwrap(),
    }
}

#[test]
fn mint_update_and_plain_transfers() {
    let devnet = Devnet::start();
    let nft = nft(&devnet);
    let (alice, bob) = (party(0), party(1));
    assert_ne!(nft.verifier, Address::ZERO);

    let h1 = B256::repeat_byte(0x11);
    let token = nft.mint(&alice, &[h1]);
    assert_eq!(nft.owner_of(token), alice.address);
    assert_eq!(nft.data_of(token)[0].dataHash, h1);

    // Mint with its events: Minted names creator and owner, the sealed key is published.
    let logs = nft.send(
        alice.address,
        mintCall {
            datas: vec![IntelligentData { dataDescription: "memory".into(), dataHash: h1 }],
            to: bob.address,
            sealedKeys: vec![Bytes::from_static(b"k")],
        }
        .abi_encode(),
    );
    let minted = logs.iter().find_map(|l| Minted::decode_log_data(&l.data).ok()).unwrap();
    assert_eq!((minted.creator, minted.owner), (alice.address, bob.address));
    assert_eq!(minted.dataDescriptions, vec!["memory".to_string()]);
    let published = logs.iter().find_map(|l| PublishedSealedKey::decode_log_data(&l.data).ok()).unwrap();
    assert_eq!((published.to, published.sealedKeys.clone()), (bob.address, vec![Bytes::from_static(b"k")]));

    let empty = mintCall { datas: vec![], to: alice.address, sealedKeys: vec![] }.abi_encode();
    nft.reverts::<ERC7857EmptyData>(alice.address, empty);
    let mismatch = mintCall {
        datas: vec![IntelligentData { dataDescription: "x".into(), dataHash: h1 }],
        to: alice.address,
        sealedKeys: vec![],
    }
    .abi_encode();
    assert_eq!(nft.reverts::<ERC7857KeyCountMismatch>(alice.address, mismatch).sealedKeys, U256::ZERO);

    // Update: the holder only.
    let h2 = B256::repeat_byte(0x22);
    let update = updateCall {
        tokenId: token,
        newDatas: vec![IntelligentData { dataDescription: "agent".into(), dataHash: h2 }],
        sealedKeys: vec![Bytes::from_static(b"k2")],
    }
    .abi_encode();
    assert_eq!(nft.reverts::<ERC7857NotOwner>(bob.address, update.clone()).caller, bob.address);
    let logs = nft.send(alice.address, update);
    let updated = logs.iter().find_map(|l| Updated::decode_log_data(&l.data).ok()).unwrap();
    assert_eq!((updated.oldDatas[0].dataHash, updated.newDatas[0].dataHash), (h1, h2));
    assert_eq!(nft.data_of(token)[0].dataHash, h2);
    let bad_update = updateCall { tokenId: token, newDatas: vec![], sealedKeys: vec![] }.abi_encode();
    nft.reverts::<ERC7857EmptyData>(alice.address, bad_update);

    // A plain ERC-721 transfer would strand the data: refused.
    let plain = transferFromCall { from: alice.address, to: bob.address, tokenId: token }.abi_encode();
    nft.reverts::<ERC7857UseITransferFrom>(alice.address, plain);

    let id = |sig: &str| <[u8; 4]>::try_from(&keccak256(sig)[..4]).unwrap();
    let supports = |iface: [u8; 4]| {
        bool::abi_decode(&nft.call(Address::ZERO, supportsInterfaceCall { id: iface.into() }.abi_encode()).unwrap())
            .unwrap()
    };
    assert!(supports([0x80, 0xac, 0x58, 0xcd]), "ERC-721");
    assert!(!supports(id("nothing()")));
}

#[test]
fn proven_transfer_moves_token_data_and_keys_and_refuses_every_bad_proof() {
    let devnet = Devnet::start();
    let nft = nft(&devnet);
    let (alice, bob, carol) = (party(0), party(1), party(2));
    let old = B256::repeat_byte(0x01);
    let new = B256::repeat_byte(0x02);
    let token = nft.mint(&alice, &[old]);
    let deadline = nft.deadline();
    let call = |proof: TransferValidityProof, from: Address| {
        iTransferFromCall { from, to: bob.address, tokenId: token, proofs: vec![proof] }.abi_encode()
    };
    let n1 = tagged(TRANSFER, b"n1");

    // Every way to get it wrong, none of which moves the token.
    let good = nft.proof(token, &alice, bob.address, &bob, old, new, &n1, deadline);
    assert_eq!(
        nft.reverts::<ERC721InsufficientApproval>(carol.address, call(good.clone(), alice.address)).operator,
        carol.address
    );
    let by_carol = nft.proof(token, &alice, bob.address, &carol, old, new, &n1, deadline);
    let e = nft.reverts::<ERC7857AccessAssistantMismatch>(alice.address, call(by_carol, alice.address));
    assert_eq!((e.signer, e.receiver), (carol.address, bob.address));
    let holder_forged = nft.proof(token, &carol, bob.address, &bob, old, new, &n1, deadline);
    nft.reverts::<ERC7857WrongParties>(alice.address, call(holder_forged.clone(), alice.address));
    let mut not_holder = holder_forged;
    not_holder.from = alice.address; // claims alice, signed by carol over a digest naming carol
    let e = nft.reverts::<NotSignedByHolder>(alice.address, call(not_holder, alice.address));
    assert_eq!(e.holder, alice.address);
    assert_ne!(e.signer, alice.address);
    let stale_hash = nft.proof(token, &alice, bob.address, &bob, B256::repeat_byte(9), new, &n1, deadline);
    nft.reverts::<ERC7857DataHashMismatch>(alice.address, call(stale_hash, alice.address));
    let expired = nft.proof(token, &alice, bob.address, &bob, old, new, &n1, U256::from(1));
    nft.reverts::<ProofExpired>(alice.address, call(expired, alice.address));
    let mut disagree = good.clone();
    disagree.ownershipProof.newDataHash = B256::repeat_byte(7);
    nft.reverts::<HashesDisagree>(alice.address, call(disagree, alice.address));
    let mut other_key = good.clone();
    other_key.ownershipProof.encryptedPubKey = vec![3u8; 33].into();
    nft.reverts::<PublicKeyDisagrees>(alice.address, call(other_key, alice.address));
    let mut tee = good.clone();
    tee.ownershipProof.oracleType = 0;
    nft.reverts::<WrongOracleType>(alice.address, call(tee, alice.address));
    let mut garbage = good.clone();
    garbage.accessProof.proof = vec![1u8; 65].into();
    nft.reverts::<BadSignature>(alice.address, call(garbage, alice.address));
    let mut swapped_sealed_key = good.clone();
    swapped_sealed_key.ownershipProof.sealedKey = Bytes::from_static(b"another key");
    nft.reverts::<NotSignedByHolder>(alice.address, call(swapped_sealed_key, alice.address));
    let two = iTransferFromCall {
        from: alice.address,
        to: bob.address,
        tokenId: token,
        proofs: vec![good.clone(), good.clone()],
    };
    nft.reverts::<ERC7857ProofCountMismatch>(alice.address, two.abi_encode());
    assert_eq!(nft.owner_of(token), alice.address);

    // Usage rights granted by alice must not survive the transfer.
    nft.send(alice.address, authorizeUsageCall { tokenId: token, user: carol.address }.abi_encode());

    let logs = nft.send(alice.address, call(good.clone(), alice.address));
    assert_eq!(nft.owner_of(token), bob.address);
    assert_eq!(nft.data_of(token)[0].dataHash, new);
    let published = logs.iter().find_map(|l| PublishedSealedKey::decode_log_data(&l.data).ok()).unwrap();
    assert_eq!(published.to, bob.address);
    assert_eq!(published.sealedKeys[0], good.ownershipProof.sealedKey);
    let moved = logs.iter().find_map(|l| Transferred::decode_log_data(&l.data).ok()).unwrap();
    assert_eq!((moved.from, moved.to), (alice.address, bob.address));
    let users = nft.call(Address::ZERO, authorizedUsersOfCall { tokenId: token }.abi_encode()).unwrap();
    assert!(<Vec<Address>>::abi_decode(&users).unwrap().is_empty());

    // Back to alice with fresh nonces; then alice's first proofs, whose hashes fit again,
    // are refused as replays.
    let back = nft.proof(token, &bob, alice.address, &alice, new, old, &tagged(TRANSFER, b"n2"), deadline);
    let home = iTransferFromCall { from: bob.address, to: alice.address, tokenId: token, proofs: vec![back] };
    nft.send(bob.address, home.abi_encode());
    assert_eq!(nft.owner_of(token), alice.address);
    assert_eq!(nft.data_of(token)[0].dataHash, old);
    let e = nft.reverts::<NonceReused>(alice.address, call(good, alice.address));
    assert_eq!(e.signer, alice.address);
}

#[test]
fn clone_delegation_and_usage_authorisation() {
    let devnet = Devnet::start();
    let nft = nft(&devnet);
    let (alice, bob, carol) = (party(0), party(1), party(2));
    let old = B256::repeat_byte(0x31);
    let new = B256::repeat_byte(0x32);
    let token = nft.mint(&alice, &[old]);
    let deadline = nft.deadline();

    // bob delegates access checks to carol: a proof signed by carol now stands for bob.
    let logs = nft.send(bob.address, delegateAccessCall { assistant: carol.address }.abi_encode());
    let d = logs.iter().find_map(|l| DelegateAccess::decode_log_data(&l.data).ok()).unwrap();
    assert_eq!((d.user, d.assistant), (bob.address, carol.address));
    let got = nft.call(Address::ZERO, getDelegateAccessCall { user: bob.address }.abi_encode()).unwrap();
    assert_eq!(Address::abi_decode(&got).unwrap(), carol.address);

    let proof = nft.proof(token, &alice, bob.address, &carol, old, new, &tagged(CLONE, b"c1"), deadline);
    let clone = iCloneFromCall { from: alice.address, to: bob.address, tokenId: token, proofs: vec![proof] };
    let logs = nft.send(alice.address, clone.abi_encode());
    let cloned = logs.iter().find_map(|l| Cloned::decode_log_data(&l.data).ok()).unwrap();
    assert_eq!(cloned.tokenId, token);
    assert_eq!(nft.owner_of(cloned.newTokenId), bob.address);
    assert_eq!(nft.data_of(cloned.newTokenId)[0].dataHash, new);
    assert_eq!(nft.owner_of(token), alice.address, "the original stays");
    assert_eq!(nft.data_of(token)[0].dataHash, old);

    // Usage authorisation: holder only, no duplicates, revocable, listed.
    let auth = |user: Address| authorizeUsageCall { tokenId: token, user }.abi_encode();
    assert_eq!(nft.reverts::<ERC7857NotOwner>(bob.address, auth(carol.address)).caller, bob.address);
    nft.reverts::<ERC7857InvalidUser>(alice.address, auth(Address::ZERO));
    let logs = nft.send(alice.address, auth(carol.address));
    let a = logs.iter().find_map(|l| Authorization::decode_log_data(&l.data).ok()).unwrap();
    assert_eq!((a.from, a.to, a.tokenId), (alice.address, carol.address, token));
    nft.reverts::<ERC7857AlreadyAuthorized>(alice.address, auth(carol.address));
    nft.send(alice.address, auth(bob.address));
    let list = |t: U256| {
        <Vec<Address>>::abi_decode(&nft.call(Address::ZERO, authorizedUsersOfCall { tokenId: t }.abi_encode()).unwrap())
            .unwrap()
    };
    assert_eq!(list(token), vec![carol.address, bob.address]);
    let revoke = |user: Address| revokeAuthorizationCall { tokenId: token, user }.abi_encode();
    nft.reverts::<ERC7857NotOwner>(carol.address, revoke(carol.address));
    let logs = nft.send(alice.address, revoke(carol.address));
    assert!(logs.iter().any(|l| AuthorizationRevoked::decode_log_data(&l.data).is_ok()));
    assert_eq!(list(token), vec![bob.address]);
    nft.reverts::<ERC7857NotAuthorized>(alice.address, revoke(carol.address));
}

#[test]
fn proofs_signed_for_one_operation_are_refused_by_the_other() {
    let devnet = Devnet::start();
    let nft = nft(&devnet);
    let (alice, bob) = (party(0), party(1));
    let constant = |data: Vec<u8>| B256::abi_decode(&nft.call(Address::ZERO, data).unwrap()).unwrap();
    let transfer_tag = constant(TRANSFER_OPERATIONCall {}.abi_encode());
    let clone_tag = constant(CLONE_OPERATIONCall {}.abi_encode());
    assert_eq!((transfer_tag, clone_tag), (keccak256(TRANSFER), keccak256(CLONE)));

    let old = B256::repeat_byte(0x41);
    let new = B256::repeat_byte(0x42);
    let token = nft.mint(&alice, &[old]);
    let deadline = nft.deadline();
    let transfer = |proof: &TransferValidityProof| {
        iTransferFromCall { from: alice.address, to: bob.address, tokenId: token, proofs: vec![proof.clone()] }
            .abi_encode()
    };
    let clone = |proof: &TransferValidityProof| {
        iCloneFromCall { from: alice.address, to: bob.address, tokenId: token, proofs: vec![proof.clone()] }
            .abi_encode()
    };
    let proof = |owner_nonce: &[u8], access_nonce: &[u8]| {
        nft.proof_with_nonces(token, &alice, bob.address, &bob, old, new, (owner_nonce, access_nonce), deadline)
    };

    // Both parties signed for a clone: the holder cannot send it as a transfer (which would
    // hand over the agent's wallet key), and the reverse.
    let for_clone = proof(&tagged(CLONE, &[1; 32]), &tagged(CLONE, &[1; 32]));
    let e = nft.reverts::<ERC7857WrongOperation>(alice.address, transfer(&for_clone));
    assert_eq!((e.index, e.expected), (U256::ZERO, transfer_tag));
    let for_transfer = proof(&tagged(TRANSFER, &[2; 32]), &tagged(TRANSFER, &[2; 32]));
    let e = nft.reverts::<ERC7857WrongOperation>(alice.address, clone(&for_transfer));
    assert_eq!((e.index, e.expected), (U256::ZERO, clone_tag));

    // The two parties signed for different operations: neither call goes through.
    let holder_clone_receiver_transfer = proof(&tagged(CLONE, &[3; 32]), &tagged(TRANSFER, &[3; 32]));
    let holder_transfer_receiver_clone = proof(&tagged(TRANSFER, &[4; 32]), &tagged(CLONE, &[4; 32]));
    for mixed in [&holder_clone_receiver_transfer, &holder_transfer_receiver_clone] {
        nft.reverts::<ERC7857WrongOperation>(alice.address, transfer(mixed));
        nft.reverts::<ERC7857WrongOperation>(alice.address, clone(mixed));
    }

    // Nonces that name no operation: untagged (as before tags), shorter than a tag, or
    // with the tag anywhere but at the start.
    let short = &keccak256(TRANSFER)[..31];
    let late = [b"x".as_slice(), keccak256(TRANSFER).as_slice()].concat();
    for nonce in [b"untagged-nonce".as_slice(), short, &late] {
        let untagged = proof(nonce, nonce);
        nft.reverts::<ERC7857WrongOperation>(alice.address, transfer(&untagged));
        nft.reverts::<ERC7857WrongOperation>(alice.address, clone(&untagged));
    }
    assert_eq!(nft.owner_of(token), alice.address);
    assert_eq!(nft.data_of(token)[0].dataHash, old);

    // The honest paths: a clone signed as a clone, then a transfer signed as a transfer.
    let logs = nft.send(alice.address, clone(&for_clone));
    let cloned = logs.iter().find_map(|l| Cloned::decode_log_data(&l.data).ok()).unwrap();
    assert_eq!(nft.owner_of(cloned.newTokenId), bob.address);
    assert_eq!(nft.owner_of(token), alice.address, "a clone leaves the original with its holder");
    nft.send(alice.address, transfer(&for_transfer));
    assert_eq!(nft.owner_of(token), bob.address);
    assert_eq!(nft.data_of(token)[0].dataHash, new);
}
