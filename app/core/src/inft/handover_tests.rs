//! The handover protocol against a world in memory: who holds which agent with which data,
//! and a store keyed by each blob's 0G root. Both sides run it with their own keys, as two
//! browsers would, passing only the offer and the acceptance between them.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use alloy_sol_types::SolCall;
use futures::executor::block_on;
use wasm_light_client::storage::file_root;
use zg_abi::agent_nft::AgentNFT::{iCloneFromCall, iTransferFromCall};

use super::*;

#[derive(Debug, thiserror::Error)]
enum TestError {
    #[error(transparent)]
    Refusal(#[from] HandoverRefusal),
    #[error(transparent)]
    Offer(#[from] OfferError),
    #[error(transparent)]
    Metadata(#[from] MetadataError),
    #[error("{0}")]
    Missing(String),
}

#[derive(Default)]
struct TestWorld {
    holders: RefCell<HashMap<U256, Address>>,
    data: RefCell<HashMap<U256, B256>>,
    blobs: RefCell<HashMap<B256, Vec<u8>>>,
    /// Serves every blob with its last byte changed.
    corrupts: Cell<bool>,
}

impl AgentWorld for TestWorld {
    type Error = TestError;

    async fn holder(&self, token: U256) -> Result<Option<Address>, TestError> {
        Ok(self.holders.borrow().get(&token).copied())
    }

    async fn data_hash(&self, token: U256) -> Result<B256, TestError> {
        self.data.borrow().get(&token).copied().ok_or(TestError::Missing(format!("no data for #{token}")))
    }

    async fn store(
        &self,
        _key: &SigningKey,
        bytes: &[u8],
        _label: &str,
        step: &dyn Fn(Step),
    ) -> Result<(B256, u64), TestError> {
        step(Step::Hashing);
        let root = file_root(bytes).unwrap();
        self.blobs.borrow_mut().insert(root, bytes.to_vec());
        Ok((root, bytes.len() as u64))
    }

    async fn fetch(&self, root: B256) -> Result<Vec<u8>, TestError> {
        let mut bytes = self.blobs.borrow().get(&root).cloned().ok_or(TestError::Missing(format!("no blob {root}")))?;
        if self.corrupts.get() {
            *bytes.last_mut().unwrap() ^= 1;
        }
        Ok(bytes)
    }
}

struct TestClock(Cell<u64>);

impl Clock for TestClock {
    fn now_ms(&self) -> u64 {
        self.0.get()
    }

    async fn sleep(&self, ms: u32) {
        self.0.set(self.0.get() + u64::from(ms));
    }
}

/// Bytes counting up from a seed, so each salt is known and different.
struct Counter(Cell<u8>);

impl Entropy for Counter {
    fn fill(&self, out: &mut [u8]) {
        for byte in out {
            self.0.set(self.0.get().wrapping_add(1));
            *byte = self.0.get();
        }
    }
}

const TOKEN: U256 = U256::from_limbs([7, 0, 0, 0]);
const CHAIN: u64 = 16602;
const NFT: Address = Address::repeat_byte(0x4e);

fn key(byte: u8) -> SigningKey {
    SigningKey::from_slice(&[byte; 32]).unwrap()
}

fn public(key: &SigningKey) -> Vec<u8> {
    envelope::compressed_public_key(key).to_vec()
}

fn agent_address(agent: &AgentMetadata) -> Address {
    address_of(&agent.agent_key().unwrap())
}

struct Scene {
    world: TestWorld,
    clock: TestClock,
    entropy: Counter,
    holder: SigningKey,
    receiver: SigningKey,
    agent: AgentMetadata,
    data_hash: B256,
}

impl Scene {
    /// Agent #7 held by the holder, its data sealed to the holder and stored.
    fn new() -> Self {
        let (world, holder, receiver) = (TestWorld::default(), key(1), key(2));
        let agent = AgentMetadata::new("Scout", "finds things", "zg-tiny-lm-v1", "Be brief.", vec![]);
        let sealed = agent.seal(&k256::PublicKey::from(holder.verifying_key()));
        let data_hash = block_on(world.store(&holder, &sealed.ciphertext, "Scout", &|_| {})).unwrap().0;
        world.holders.borrow_mut().insert(TOKEN, address_of(&holder));
        world.data.borrow_mut().insert(TOKEN, data_hash);
        Scene {
            world,
            clock: TestClock(Cell::new(1_700_000_000_000)),
            entropy: Counter(Cell::new(0)),
            holder,
            receiver,
            agent,
            data_hash,
        }
    }

    fn handover(&self) -> Handover<'_, TestWorld, TestClock, Counter> {
        Handover { world: &self.world, clock: &self.clock, entropy: &self.entropy, chain_id: CHAIN, nft: NFT }
    }

    fn offer(&self, kind: Operation) -> Result<Offer, TestError> {
        let agent = HeldAgent { token: TOKEN, data_hash: self.data_hash, metadata: &self.agent };
        block_on(self.handover().offer(&self.holder, agent, kind, &public(&self.receiver), &|_| {}))
    }

    fn inspect(&self, as_who: &SigningKey, offer: &Offer) -> Result<AgentMetadata, TestError> {
        block_on(self.handover().inspect(as_who, offer))
    }
}

#[test]
fn a_transfer_goes_from_offer_to_the_call_both_signed() {
    let scene = Scene::new();
    let offer = scene.offer(Operation::Transfer).unwrap();
    assert_eq!((offer.from, offer.to), (address_of(&scene.holder), address_of(&scene.receiver)));
    assert_eq!(offer.deadline, scene.clock.now_s() + OFFER_LIFETIME_S);
    // The salt is the entropy passed in, not the platform's.
    assert_eq!(offer.owner_salt, B256::from(std::array::from_fn::<u8, 32, _>(|i| i as u8 + 1)));

    // The receiver opens what they will get: the same agent, its key included.
    let received = scene.inspect(&scene.receiver, &offer).unwrap();
    assert_eq!(received.name, "Scout");
    assert_eq!(agent_address(&received), agent_address(&scene.agent));

    let acceptance = accept(&scene.receiver, offer, &scene.entropy).unwrap();
    let call = block_on(scene.handover().completion(&scene.holder, &acceptance)).unwrap();
    let decoded = iTransferFromCall::abi_decode(&call).unwrap();
    assert_eq!(
        (decoded.from, decoded.to, decoded.tokenId),
        (address_of(&scene.holder), address_of(&scene.receiver), TOKEN)
    );
    assert_eq!(decoded.proofs.len(), 1);
}

#[test]
fn a_clone_gives_the_receiver_its_own_agent_key() {
    let scene = Scene::new();
    let offer = scene.offer(Operation::Clone).unwrap();
    let received = scene.inspect(&scene.receiver, &offer).unwrap();
    assert_eq!(received.name, "Scout");
    assert_ne!(agent_address(&received), agent_address(&scene.agent), "the two agents' funds must stay apart");
    let acceptance = accept(&scene.receiver, offer, &scene.entropy).unwrap();
    let call = block_on(scene.handover().completion(&scene.holder, &acceptance)).unwrap();
    assert!(iCloneFromCall::abi_decode(&call).is_ok());
    assert!(iTransferFromCall::abi_decode(&call).is_err());
}

#[test]
fn the_receiver_refuses_an_offer_once_the_agent_changed_hands_or_data() {
    let scene = Scene::new();
    let offer = scene.offer(Operation::Transfer).unwrap();
    scene.world.data.borrow_mut().insert(TOKEN, B256::repeat_byte(9));
    assert!(matches!(
        scene.inspect(&scene.receiver, &offer),
        Err(TestError::Refusal(HandoverRefusal::StaleOffer { .. }))
    ));
    scene.world.data.borrow_mut().insert(TOKEN, scene.data_hash);
    scene.world.holders.borrow_mut().insert(TOKEN, Address::repeat_byte(3));
    assert!(matches!(
        scene.inspect(&scene.receiver, &offer),
        Err(TestError::Refusal(HandoverRefusal::NotHolder { .. }))
    ));
}

#[test]
fn an_offer_is_refused_after_its_deadline_and_by_anyone_but_its_receiver() {
    let scene = Scene::new();
    let offer = scene.offer(Operation::Transfer).unwrap();
    assert!(matches!(scene.inspect(&key(3), &offer), Err(TestError::Offer(OfferError::NotForYou { .. }))));
    block_on(scene.clock.sleep(((OFFER_LIFETIME_S + 1) * 1000) as u32));
    assert!(matches!(scene.inspect(&scene.receiver, &offer), Err(TestError::Offer(OfferError::Expired))));
}

#[test]
fn data_altered_in_storage_does_not_open() {
    let scene = Scene::new();
    let offer = scene.offer(Operation::Transfer).unwrap();
    scene.world.corrupts.set(true);
    assert!(matches!(scene.inspect(&scene.receiver, &offer), Err(TestError::Metadata(_))));
}

#[test]
fn the_holder_sends_nothing_once_it_no_longer_holds_the_agent() {
    let scene = Scene::new();
    let offer = scene.offer(Operation::Transfer).unwrap();
    let acceptance = accept(&scene.receiver, offer, &scene.entropy).unwrap();
    scene.world.holders.borrow_mut().insert(TOKEN, Address::repeat_byte(3));
    let refused = block_on(scene.handover().completion(&scene.holder, &acceptance));
    assert!(matches!(refused, Err(TestError::Refusal(HandoverRefusal::NotHolder { .. }))));
}

#[test]
fn an_acceptance_for_another_holders_offer_is_refused() {
    let scene = Scene::new();
    let offer = scene.offer(Operation::Transfer).unwrap();
    let acceptance = accept(&scene.receiver, offer, &scene.entropy).unwrap();
    // Someone else now holds the agent and is handed this acceptance.
    let other = key(4);
    scene.world.holders.borrow_mut().insert(TOKEN, address_of(&other));
    let refused = block_on(scene.handover().review(&other, &acceptance));
    assert!(matches!(refused, Err(TestError::Offer(OfferError::NotSignedByHolder { .. }))), "{refused:?}");
}

#[test]
fn a_malformed_receiver_key_stores_nothing() {
    let scene = Scene::new();
    let agent = HeldAgent { token: TOKEN, data_hash: scene.data_hash, metadata: &scene.agent };
    let refused = block_on(scene.handover().offer(&scene.holder, agent, Operation::Transfer, &[2; 12], &|_| {}));
    assert!(matches!(refused, Err(TestError::Refusal(HandoverRefusal::NotAKey))));
    assert_eq!(scene.world.blobs.borrow().len(), 1, "only the agent's own data is stored");
}

#[test]
fn only_the_holder_can_offer() {
    let scene = Scene::new();
    let agent = HeldAgent { token: TOKEN, data_hash: scene.data_hash, metadata: &scene.agent };
    let refused =
        block_on(scene.handover().offer(&scene.receiver, agent, Operation::Transfer, &public(&key(3)), &|_| {}));
    assert!(matches!(refused, Err(TestError::Refusal(HandoverRefusal::NotHolder { .. }))));
    assert_eq!(scene.world.blobs.borrow().len(), 1);
}
