//! The ERC-7857 agent NFT and its signature verifier (contracts/src/inft/), as zg-devnet
//! deploys them, against anvil: 0G's reference ABI (selectors and ERC-165 ids computed
//! here from 0G's signatures), every function, every revert path, and the events; and
//! that proofs signed for a transfer cannot make a clone, nor the reverse.
//!
//! The proofs are built here from their definition (contracts/src/inft/HandoverNonce.sol,
//! SignatureVerifier.sol), not with the app's code.

mod common;

use std::sync::atomic::{AtomicU8, Ordering};

use alloy_primitives::{eip191_hash_message, keccak256, Address, Bytes, Log, LogData, B256, U256};
use alloy_sol_types::{SolCall, SolError, SolEvent, SolValue};
use common::{rpc, Devnet};
use k256::ecdsa::SigningKey;
use serde_json::json;

// The contracts' bindings (generated from contracts/out/); what they must equal is 0G's
// signatures, written out as text in the tests below.
use zg_abi::agent_nft::AgentNFT::*;
use zg_abi::signature_verifier::SignatureVerifier::{
    BadSignature, HashesDisagree, MalformedNonce, NonceReused, NoncesDisagree, NotForThisContract, NotSignedByHolder,
    ProofExpired, SealedKeyDisagrees, WrongOracleType,
};

/// anvil's dev keys #1–#3 ("test test … junk"); #0 is the faucet's, #9 the deployer's.
const KEYS: [&str; 3] = [
    "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
];

struct Party {
    key: SigningKey,
    address: Address,
    /// The 64-byte public key (x ‖ y): 0G's `targetPubkey` for "this account's own key".
    pubkey: Bytes,
}

fn party(i: usize) -> Party {
    let key = SigningKey::from_slice(&hex(KEYS[i])).unwrap();
    let point = key.verifying_key().to_encoded_point(false);
    let pubkey = Bytes::copy_from_slice(&point.as_bytes()[1..]);
    let address = Address::from_slice(&keccak256(&pubkey)[12..]);
    Party { key, address, pubkey }
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

/// What the operation tags leading every proof nonce are keccak256 of (AgentNFT's
/// TRANSFER_OPERATION and CLONE_OPERATION).
const TRANSFER: &str = "zg-console/inft/op/transfer";
const CLONE: &str = "zg-console/inft/op/clone";

/// personal_sign of the digest's 66-character hex string, as 0G's Verifier recovers it.
fn sign(key: &SigningKey, digest: B256) -> Bytes {
    let hash = eip191_hash_message(to_hex(digest.as_slice()));
    let (sig, recovery) = key.sign_prehash_recoverable(hash.as_slice()).unwrap();
    [sig.to_bytes().as_slice(), &[27 + recovery.to_byte()]].concat().into()
}

/// A fresh salt per proof, so no two proofs share a nonce unless a test says so.
fn salt() -> B256 {
    static NEXT: AtomicU8 = AtomicU8::new(1);
    B256::repeat_byte(NEXT.fetch_add(1, Ordering::Relaxed))
}

/// One handover as both parties sign it; tests change a field, then `proof()` signs.
#[derive(Clone)]
struct Handover<'a> {
    /// The operation the holder signed for, and the one the receiver signed for.
    op: &'static str,
    access_op: &'static str,
    chain_id: u64,
    nft: Address,
    token: U256,
    from: Address,
    to: Address,
    data_hash: B256,
    new_data_hash: B256,
    sealed_key: Bytes,
    /// The ownership proof's `targetPubkey` and the access proof's (the wanted key).
    target_pubkey: Bytes,
    wanted_key: Bytes,
    deadline: U256,
    owner_salt: B256,
    access_salt: B256,
    holder: &'a SigningKey,
    signer: &'a SigningKey,
}

impl Handover<'_> {
    /// `abi.encode(Handover)` (HandoverNonce.sol).
    fn nonce(&self, op: &str, salt: B256) -> Bytes {
        (
            keccak256(op),
            U256::from(self.chain_id),
            self.nft,
            self.token,
            self.from,
            self.to,
            self.new_data_hash,
            keccak256(&self.sealed_key),
            self.deadline,
            salt,
        )
            .abi_encode()
            .into()
    }

    fn proof(&self) -> TransferValidityProof {
        let owner_nonce = self.nonce(self.op, self.owner_salt);
        let access_nonce = self.nonce(self.access_op, self.access_salt);
        self.signed(owner_nonce, access_nonce)
    }

    /// The proof with these nonces, each signed by its party as 0G's Verifier hashes it.
    fn signed(&self, owner_nonce: Bytes, access_nonce: Bytes) -> TransferValidityProof {
        let access = keccak256([self.data_hash.as_slice(), &self.wanted_key, &access_nonce].concat());
        let ownership =
            keccak256([self.data_hash.as_slice(), &self.sealed_key, &self.target_pubkey, &owner_nonce].concat());
        TransferValidityProof {
            accessProof: AccessProof {
                dataHash: self.data_hash,
                targetPubkey: self.wanted_key.clone(),
                nonce: access_nonce,
                proof: sign(self.signer, access),
            },
            ownershipProof: OwnershipProof {
                oracleType: 2,
                dataHash: self.data_hash,
                sealedKey: self.sealed_key.clone(),
                targetPubkey: self.target_pubkey.clone(),
                nonce: owner_nonce,
                proof: sign(self.holder, ownership),
            },
        }
    }
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
            Err(e) => Err(common::revert_bytes(&e).unwrap_or_else(|| panic!("no revert data: {e}"))),
        }
    }

    /// The revert the call would hit, which must be `E`.
    fn reverts<E: SolError>(&self, from: Address, data: Vec<u8>) -> E {
        let err = self.call(from, data).expect_err("the call should revert");
        E::abi_decode(&err).unwrap_or_else(|_| panic!("expected {}, got {}", E::SIGNATURE, to_hex(&err)))
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
        let out = self.call(Address::ZERO, intelligentDatasOfCall { tokenId: token }.abi_encode()).unwrap();
        <Vec<IntelligentData>>::abi_decode(&out).unwrap()
    }

    fn users_of(&self, token: U256) -> Vec<Address> {
        let out = self.call(Address::ZERO, authorizedUsersOfCall { tokenId: token }.abi_encode()).unwrap();
        <Vec<Address>>::abi_decode(&out).unwrap()
    }

    fn deadline(&self) -> U256 {
        let block = self.devnet.rpc("eth_getBlockByNumber", json!(["latest", false]));
        U256::from_str_radix(block["timestamp"].as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
            + U256::from(600)
    }

    /// An honest handover of `token` (one data item, `old` → `new`) from `holder` to
    /// `receiver`, who signs the access proof itself, sealed to its own key.
    fn handover<'k>(
        &self,
        op: &'static str,
        token: U256,
        holder: &'k Party,
        receiver: &'k Party,
        (old, new): (B256, B256),
    ) -> Handover<'k> {
        Handover {
            op,
            access_op: op,
            chain_id: 31337,
            nft: self.address,
            token,
            from: holder.address,
            to: receiver.address,
            data_hash: old,
            new_data_hash: new,
            sealed_key: [b"sealed-for-".as_slice(), receiver.address.as_slice()].concat().into(),
            target_pubkey: receiver.pubkey.clone(),
            wanted_key: Bytes::new(),
            deadline: self.deadline(),
            owner_salt: salt(),
            access_salt: salt(),
            holder: &holder.key,
            signer: &receiver.key,
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

/// An ERC-165 id from 0G's reference signatures: the XOR of the interface's own selectors.
fn interface_id(signatures: &[&str]) -> [u8; 4] {
    signatures.iter().fold([0u8; 4], |mut id, sig| {
        for (b, s) in id.iter_mut().zip(&keccak256(sig)[..4]) {
            *b ^= s;
        }
        id
    })
}

#[test]
fn mint_update_reads_and_plain_transfers() {
    let devnet = Devnet::start();
    let nft = nft(&devnet);
    let (alice, bob) = (party(0), party(1));
    let verifier = Address::abi_decode(&nft.call(Address::ZERO, verifierCall {}.abi_encode()).unwrap()).unwrap();
    assert_eq!(verifier, nft.verifier);
    assert_ne!(verifier, Address::ZERO);

    let h1 = B256::repeat_byte(0x11);
    let token = nft.mint(&alice, &[h1]);
    assert_eq!(nft.owner_of(token), alice.address);
    assert_eq!(nft.data_of(token)[0].dataHash, h1);
    let missing = intelligentDatasOfCall { tokenId: U256::from(999) }.abi_encode();
    assert_eq!(nft.reverts::<ERC721NonexistentToken>(alice.address, missing).tokenId, U256::from(999));

    // Mint with its events: Minted names creator and owner, 0G's Updated goes from no data
    // to the new data, the sealed key is published.
    let item = IntelligentData { dataDescription: "memory".into(), dataHash: h1 };
    let logs = nft.send(
        alice.address,
        mintCall { datas: vec![item.clone()], to: bob.address, sealedKeys: vec![Bytes::from_static(b"k")] }
            .abi_encode(),
    );
    let minted = logs.iter().find_map(|l| Minted::decode_log_data(&l.data).ok()).unwrap();
    assert_eq!((minted.creator, minted.owner), (alice.address, bob.address));
    assert_eq!(minted.dataDescriptions, vec!["memory".to_string()]);
    let updated = logs.iter().find_map(|l| Updated::decode_log_data(&l.data).ok()).unwrap();
    assert_eq!((updated.tokenId, updated.oldDatas.len(), updated.newDatas[0].dataHash), (minted.tokenId, 0, h1));
    let published = logs.iter().find_map(|l| PublishedSealedKey::decode_log_data(&l.data).ok()).unwrap();
    assert_eq!((published.to, published.sealedKeys.clone()), (bob.address, vec![Bytes::from_static(b"k")]));

    let empty = mintCall { datas: vec![], to: alice.address, sealedKeys: vec![] }.abi_encode();
    nft.reverts::<ERC7857EmptyData>(alice.address, empty);
    let mismatch = mintCall { datas: vec![item], to: alice.address, sealedKeys: vec![] }.abi_encode();
    assert_eq!(nft.reverts::<ERC7857KeyCountMismatch>(alice.address, mismatch).sealedKeys, U256::ZERO);

    // Update: the holder only.
    let h2 = B256::repeat_byte(0x22);
    let update = updateCall {
        tokenId: token,
        newDatas: vec![IntelligentData { dataDescription: "agent".into(), dataHash: h2 }],
        sealedKeys: vec![Bytes::from_static(b"k2")],
    }
    .abi_encode();
    let e = nft.reverts::<ERC721IncorrectOwner>(bob.address, update.clone());
    assert_eq!((e.sender, e.owner), (bob.address, alice.address));
    let logs = nft.send(alice.address, update);
    let updated = logs.iter().find_map(|l| Updated::decode_log_data(&l.data).ok()).unwrap();
    assert_eq!((updated.oldDatas[0].dataHash, updated.newDatas[0].dataHash), (h1, h2));
    assert_eq!(nft.data_of(token)[0].dataHash, h2);
    let bad_update = updateCall { tokenId: token, newDatas: vec![], sealedKeys: vec![] }.abi_encode();
    nft.reverts::<ERC7857EmptyData>(alice.address, bad_update);

    // A plain ERC-721 transfer would strand the data: refused.
    let plain = transferFromCall { from: alice.address, to: bob.address, tokenId: token }.abi_encode();
    nft.reverts::<ERC7857UseITransferFrom>(alice.address, plain);

    // ERC-165: ERC-721, and 0G's four interfaces by the ids their signatures give.
    let proofs = "((bytes32,bytes,bytes,bytes),(uint8,bytes32,bytes,bytes,bytes,bytes))[]";
    let i_transfer = format!("iTransferFrom(address,address,uint256,{proofs})");
    let i_clone = format!("iCloneFrom(address,address,uint256,{proofs})");
    let ids = [
        (
            "IERC7857",
            interface_id(&["verifier()", &i_transfer, "delegateAccess(address)", "getDelegateAccess(address)"]),
        ),
        ("IERC7857Metadata", interface_id(&["intelligentDatasOf(uint256)"])),
        ("IERC7857Cloneable", interface_id(&[&i_clone])),
        (
            "IERC7857Authorize",
            interface_id(&[
                "authorizeUsage(uint256,address)",
                "revokeAuthorization(uint256,address)",
                "authorizedUsersOf(uint256)",
            ]),
        ),
        ("ERC-721", [0x80, 0xac, 0x58, 0xcd]),
    ];
    let supports = |iface: [u8; 4]| {
        bool::abi_decode(
            &nft.call(Address::ZERO, supportsInterfaceCall { interfaceId: iface.into() }.abi_encode()).unwrap(),
        )
        .unwrap()
    };
    for (name, id) in ids {
        assert!(supports(id), "{name}");
    }
    assert!(!supports(interface_id(&["nothing()"])));
}

#[test]
fn proven_transfer_moves_token_data_and_keys_and_refuses_every_bad_proof() {
    let devnet = Devnet::start();
    let nft = nft(&devnet);
    let (alice, bob, carol) = (party(0), party(1), party(2));
    let (old, new) = (B256::repeat_byte(0x01), B256::repeat_byte(0x02));
    let token = nft.mint(&alice, &[old]);
    let good = nft.handover(TRANSFER, token, &alice, &bob, (old, new));
    let call = |h: &Handover| {
        iTransferFromCall { from: h.from, to: h.to, tokenId: token, proofs: vec![h.proof()] }.abi_encode()
    };

    // Every way to get it wrong, none of which moves the token. The NFT's own checks:
    let e = nft.reverts::<ERC721InsufficientApproval>(carol.address, call(&good));
    assert_eq!(e.operator, carol.address);
    let not_holder = iTransferFromCall { from: carol.address, to: bob.address, tokenId: token, proofs: vec![] };
    assert_eq!(nft.reverts::<ERC721InvalidSender>(carol.address, not_holder.abi_encode()).sender, carol.address);
    let nowhere = iTransferFromCall { from: alice.address, to: Address::ZERO, tokenId: token, proofs: vec![] };
    nft.reverts::<ERC721InvalidReceiver>(alice.address, nowhere.abi_encode());
    let none = iTransferFromCall { from: alice.address, to: bob.address, tokenId: token, proofs: vec![] };
    nft.reverts::<ERC7857EmptyProof>(alice.address, none.abi_encode());
    let two = iTransferFromCall {
        from: alice.address,
        to: bob.address,
        tokenId: token,
        proofs: vec![good.proof(), good.proof()],
    };
    nft.reverts::<ERC7857ProofCountMismatch>(alice.address, two.abi_encode());
    // … on what the verifier vouched for (0G's rules) …
    let by_carol = Handover { signer: &carol.key, ..good.clone() };
    nft.reverts::<ERC7857AccessAssistantMismatch>(alice.address, call(&by_carol));
    let stale = Handover { data_hash: B256::repeat_byte(9), ..good.clone() };
    nft.reverts::<ERC7857DataHashMismatch>(alice.address, call(&stale));
    let sealed_to_carol = Handover { target_pubkey: carol.pubkey.clone(), ..good.clone() };
    nft.reverts::<ERC7857WantedReceiverMismatch>(alice.address, call(&sealed_to_carol));
    let wanted_other = Handover { wanted_key: carol.pubkey.clone(), ..good.clone() };
    nft.reverts::<ERC7857TargetPubkeyMismatch>(alice.address, call(&wanted_other));
    // … and on the terms both signed: carol signs as the holder, naming herself.
    let carol_as_holder = Handover { from: carol.address, holder: &carol.key, ..good.clone() };
    let sent_for_alice = iTransferFromCall {
        from: alice.address,
        to: bob.address,
        tokenId: token,
        proofs: vec![carol_as_holder.proof()],
    };
    assert_eq!(nft.reverts::<ERC7857WrongParties>(alice.address, sent_for_alice.abi_encode()).index, U256::ZERO);

    // The verifier's checks.
    let forged_holder = Handover { holder: &carol.key, ..good.clone() };
    let e = nft.reverts::<NotSignedByHolder>(alice.address, call(&forged_holder));
    assert_eq!((e.signer, e.holder), (carol.address, alice.address));
    let expired = Handover { deadline: U256::from(1), ..good.clone() };
    assert_eq!(nft.reverts::<ProofExpired>(alice.address, call(&expired)).deadline, U256::from(1));
    for elsewhere in [Handover { chain_id: 1, ..good.clone() }, Handover { nft: carol.address, ..good.clone() }] {
        nft.reverts::<NotForThisContract>(alice.address, call(&elsewhere));
    }
    let mut disagree = good.proof();
    disagree.ownershipProof.dataHash = B256::repeat_byte(7);
    let one = |p: TransferValidityProof| {
        iTransferFromCall { from: alice.address, to: bob.address, tokenId: token, proofs: vec![p] }.abi_encode()
    };
    nft.reverts::<HashesDisagree>(alice.address, one(disagree));
    let mut tee = good.proof();
    tee.ownershipProof.oracleType = 0;
    assert_eq!(nft.reverts::<WrongOracleType>(alice.address, one(tee)).oracleType, 0);
    let mut garbage = good.proof();
    garbage.accessProof.proof = vec![1u8; 65].into();
    nft.reverts::<BadSignature>(alice.address, one(garbage));
    // The holder publishes another key than the receiver tried: its hash is in both nonces.
    let mut swapped = good.proof();
    swapped.ownershipProof.sealedKey = Bytes::from_static(b"another key");
    nft.reverts::<SealedKeyDisagrees>(alice.address, one(swapped));
    // Nonces that are no handover, or two handovers.
    let short = good.signed(good.nonce(TRANSFER, salt())[..288].to_vec().into(), good.nonce(TRANSFER, salt()));
    nft.reverts::<MalformedNonce>(alice.address, one(short));
    let other_data = Handover { new_data_hash: B256::repeat_byte(8), ..good.clone() };
    let split = good.signed(good.nonce(TRANSFER, salt()), other_data.nonce(TRANSFER, salt()));
    nft.reverts::<NoncesDisagree>(alice.address, one(split));
    assert_eq!(nft.owner_of(token), alice.address);

    // Usage rights granted by alice must not survive the transfer.
    nft.send(alice.address, authorizeUsageCall { tokenId: token, user: carol.address }.abi_encode());

    let proof = good.proof();
    let logs = nft.send(alice.address, one(proof.clone()));
    assert_eq!(nft.owner_of(token), bob.address);
    assert_eq!(nft.data_of(token)[0].dataHash, new);
    let published = logs.iter().find_map(|l| PublishedSealedKey::decode_log_data(&l.data).ok()).unwrap();
    assert_eq!((published.to, published.tokenId), (bob.address, token));
    assert_eq!(published.sealedKeys, vec![good.sealed_key.clone()]);
    let updated = logs.iter().find_map(|l| Updated::decode_log_data(&l.data).ok()).unwrap();
    assert_eq!((updated.oldDatas[0].dataHash, updated.newDatas[0].dataHash), (old, new));
    let moved = logs.iter().find_map(|l| Transfer::decode_log_data(&l.data).ok()).unwrap();
    assert_eq!((moved.from, moved.to, moved.tokenId), (alice.address, bob.address, token));
    assert!(nft.users_of(token).is_empty());

    // Back to alice through 0G's other key rule: the wanted key (signed by alice) equals
    // the key sealed to, here her compressed key rather than her account's 64-byte key.
    let compressed: Bytes = alice.key.verifying_key().to_encoded_point(true).as_bytes().to_vec().into();
    let back = Handover {
        target_pubkey: compressed.clone(),
        wanted_key: compressed,
        ..nft.handover(TRANSFER, token, &bob, &alice, (new, old))
    };
    let home = iTransferFromCall { from: bob.address, to: alice.address, tokenId: token, proofs: vec![back.proof()] };
    nft.send(bob.address, home.abi_encode());
    assert_eq!(nft.owner_of(token), alice.address);
    assert_eq!(nft.data_of(token)[0].dataHash, old);
    // Alice's first proof fits the token's data again, but its nonces were used.
    let e = nft.reverts::<NonceReused>(alice.address, one(proof));
    assert_eq!(e.signer, alice.address);
}

#[test]
fn clone_delegation_and_usage_authorisation() {
    let devnet = Devnet::start();
    let nft = nft(&devnet);
    let (alice, bob, carol) = (party(0), party(1), party(2));
    let (old, new) = (B256::repeat_byte(0x31), B256::repeat_byte(0x32));
    let token = nft.mint(&alice, &[old]);

    // bob delegates access checks to carol: a proof signed by carol now stands for bob.
    let logs = nft.send(bob.address, delegateAccessCall { assistant: carol.address }.abi_encode());
    let d = logs.iter().find_map(|l| DelegateAccess::decode_log_data(&l.data).ok()).unwrap();
    assert_eq!((d.user, d.assistant), (bob.address, carol.address));
    let got = nft.call(Address::ZERO, getDelegateAccessCall { user: bob.address }.abi_encode()).unwrap();
    assert_eq!(Address::abi_decode(&got).unwrap(), carol.address);

    let h = Handover { signer: &carol.key, ..nft.handover(CLONE, token, &alice, &bob, (old, new)) };
    let clone = iCloneFromCall { from: alice.address, to: bob.address, tokenId: token, proofs: vec![h.proof()] };
    let logs = nft.send(alice.address, clone.abi_encode());
    let cloned = logs.iter().find_map(|l| Cloned::decode_log_data(&l.data).ok()).unwrap();
    assert_eq!((cloned.tokenId, cloned.from, cloned.to), (token, alice.address, bob.address));
    let minted = logs.iter().find_map(|l| Minted::decode_log_data(&l.data).ok()).unwrap();
    assert_eq!((minted.tokenId, minted.creator, minted.owner), (cloned.newTokenId, alice.address, bob.address));
    let published = logs.iter().find_map(|l| PublishedSealedKey::decode_log_data(&l.data).ok()).unwrap();
    assert_eq!((published.to, published.tokenId), (bob.address, cloned.newTokenId));
    assert_eq!(nft.owner_of(cloned.newTokenId), bob.address);
    assert_eq!(nft.data_of(cloned.newTokenId)[0].dataHash, new);
    assert_eq!(nft.owner_of(token), alice.address, "the original stays");
    assert_eq!(nft.data_of(token)[0].dataHash, old);

    // Usage authorisation, with 0G's errors: holder only, no zero address, no duplicates,
    // revocable, listed; the batch forms of 0G's AgentNFT; at most 100 users.
    let auth = |user: Address| authorizeUsageCall { tokenId: token, user }.abi_encode();
    let e = nft.reverts::<ERC721IncorrectOwner>(bob.address, auth(carol.address));
    assert_eq!((e.sender, e.owner), (bob.address, alice.address));
    nft.reverts::<ERC7857InvalidAuthorizedUser>(alice.address, auth(Address::ZERO));
    let logs = nft.send(alice.address, auth(carol.address));
    let a = logs.iter().find_map(|l| Authorization::decode_log_data(&l.data).ok()).unwrap();
    assert_eq!((a.from, a.to, a.tokenId), (alice.address, carol.address, token));
    nft.reverts::<ERC7857AlreadyAuthorized>(alice.address, auth(carol.address));
    nft.send(alice.address, auth(bob.address));
    assert_eq!(nft.users_of(token), vec![carol.address, bob.address]);
    let revoke = |user: Address| revokeAuthorizationCall { tokenId: token, user }.abi_encode();
    assert_eq!(nft.reverts::<ERC721InvalidSender>(carol.address, revoke(carol.address)).sender, carol.address);
    let logs = nft.send(alice.address, revoke(carol.address));
    let r = logs.iter().find_map(|l| AuthorizationRevoked::decode_log_data(&l.data).ok()).unwrap();
    assert_eq!((r.from, r.to, r.tokenId), (alice.address, carol.address, token));
    assert_eq!(nft.users_of(token), vec![bob.address]);
    nft.reverts::<ERC7857NotAuthorized>(alice.address, revoke(carol.address));

    let batch = |users: Vec<Address>| batchAuthorizeUsageCall { tokenId: token, users }.abi_encode();
    nft.reverts::<ERC7857NoUsers>(alice.address, batch(vec![]));
    nft.reverts::<ERC721IncorrectOwner>(bob.address, batch(vec![carol.address]));
    nft.reverts::<ERC7857AlreadyAuthorized>(alice.address, batch(vec![carol.address, bob.address]));
    nft.reverts::<ERC7857InvalidAuthorizedUser>(alice.address, batch(vec![Address::ZERO]));
    let many: Vec<Address> = (1..=99u8).map(Address::repeat_byte).collect();
    let logs = nft.send(alice.address, batch(many.clone()));
    assert_eq!(logs.iter().filter(|l| Authorization::decode_log_data(&l.data).is_ok()).count(), 99);
    assert_eq!(nft.users_of(token).len(), 100);
    nft.reverts::<ERC7857TooManyAuthorizedUsers>(alice.address, auth(carol.address));
    let clear = clearAuthorizedUsersCall { tokenId: token }.abi_encode();
    nft.reverts::<ERC721IncorrectOwner>(bob.address, clear.clone());
    let logs = nft.send(alice.address, clear);
    let c = logs.iter().find_map(|l| AuthorizedUsersCleared::decode_log_data(&l.data).ok()).unwrap();
    assert_eq!((c.owner, c.tokenId), (alice.address, token));
    assert!(nft.users_of(token).is_empty());
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

    let (old, new) = (B256::repeat_byte(0x41), B256::repeat_byte(0x42));
    let token = nft.mint(&alice, &[old]);
    let transfer = |h: &Handover| {
        iTransferFromCall { from: alice.address, to: bob.address, tokenId: token, proofs: vec![h.proof()] }.abi_encode()
    };
    let clone = |h: &Handover| {
        iCloneFromCall { from: alice.address, to: bob.address, tokenId: token, proofs: vec![h.proof()] }.abi_encode()
    };

    // Both parties signed for a clone: the holder cannot send it as a transfer (which would
    // hand over the agent's wallet key), and the reverse.
    let for_clone = nft.handover(CLONE, token, &alice, &bob, (old, new));
    let e = nft.reverts::<ERC7857WrongOperation>(alice.address, transfer(&for_clone));
    assert_eq!((e.index, e.expected), (U256::ZERO, transfer_tag));
    let for_transfer = nft.handover(TRANSFER, token, &alice, &bob, (old, new));
    let e = nft.reverts::<ERC7857WrongOperation>(alice.address, clone(&for_transfer));
    assert_eq!((e.index, e.expected), (U256::ZERO, clone_tag));

    // The two parties signed for different operations: their nonces are two handovers,
    // and neither call goes through.
    for (holder_op, receiver_op) in [(CLONE, TRANSFER), (TRANSFER, CLONE)] {
        let mixed = Handover { op: holder_op, access_op: receiver_op, ..for_clone.clone() };
        nft.reverts::<NoncesDisagree>(alice.address, transfer(&mixed));
        nft.reverts::<NoncesDisagree>(alice.address, clone(&mixed));
    }
    // A nonce tagged for no operation is refused by both calls.
    let untagged = Handover { op: "untagged", access_op: "untagged", ..for_clone.clone() };
    nft.reverts::<ERC7857WrongOperation>(alice.address, transfer(&untagged));
    nft.reverts::<ERC7857WrongOperation>(alice.address, clone(&untagged));
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
