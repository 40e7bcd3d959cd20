// Code written against 0G's ERC-7857 reference reads, transfers and clones our agents.
//
// Every call and event below is encoded and decoded by ethers from 0G's reference
// interface signatures, written out here by hand as human-readable ABI
// (0gfoundation/0g-agent-nft, contracts/interfaces/IERC7857.sol, IERC7857Metadata.sol,
// IERC7857Cloneable.sol, IERC7857Authorize.sol, IERC7857DataVerifier.sol, and the batch
// forms of its contracts/AgentNFT.sol) — never from our contracts' artifacts or our code.
// The one call outside 0G's interfaces is the setup: minting an agent, whose `mint` takes
// the sealed keys (ours, documented in contracts/src/inft/AgentNFT.sol).
//
// The proofs are what 0G's structs carry for our verifier (contracts/src/inft/
// SignatureVerifier.sol): the handover's terms in each nonce (HandoverNonce.sol), each
// signed with personal_sign over the digest 0G's reference Verifier computes.
//
//   cargo build -p devnet && node --test devnet/tests/js/erc7857-reference.test.mjs
//
// ZG_DEVNET_BIN overrides the zg-devnet binary (default target/debug/zg-devnet).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AbiCoder, Contract, Interface, JsonRpcProvider, Wallet, id, keccak256, solidityPackedKeccak256, toUtf8Bytes,
} from 'ethers';
import { startDevnet as startHarnessDevnet } from '../../../e2e/harness.mjs';

const DATA = 'tuple(string dataDescription, bytes32 dataHash)';
const ACCESS = 'tuple(bytes32 dataHash, bytes targetPubkey, bytes nonce, bytes proof)';
const OWNERSHIP = 'tuple(uint8 oracleType, bytes32 dataHash, bytes sealedKey, bytes targetPubkey, bytes nonce, bytes proof)';
const PROOFS = `tuple(${ACCESS} accessProof, ${OWNERSHIP} ownershipProof)[]`;

/** 0G's reference interfaces, by name, as their Solidity declares them. */
const REFERENCE = {
  IERC7857Metadata: [
    `function intelligentDatasOf(uint256 _tokenId) view returns (${DATA}[])`,
  ],
  IERC7857: [
    'function verifier() view returns (address)',
    `function iTransferFrom(address _from, address _to, uint256 _tokenId, ${PROOFS} _proofs)`,
    'function delegateAccess(address _assistant)',
    'function getDelegateAccess(address _user) view returns (address)',
    `event Updated(uint256 indexed _tokenId, ${DATA}[] _oldDatas, ${DATA}[] _newDatas)`,
    'event PublishedSealedKey(address indexed _to, uint256 indexed _tokenId, bytes[] _sealedKeys)',
    'event DelegateAccess(address indexed _user, address indexed _assistant)',
    'error ERC7857InvalidAssistant(address)',
    'error ERC7857EmptyProof()',
    'error ERC7857ProofCountMismatch()',
    'error ERC7857DataHashMismatch()',
    'error ERC7857AccessAssistantMismatch()',
    'error ERC7857WantedReceiverMismatch()',
    'error ERC7857TargetPubkeyMismatch()',
  ],
  IERC7857Cloneable: [
    `function iCloneFrom(address _from, address _to, uint256 _tokenId, ${PROOFS} _proofs) returns (uint256 _newTokenId)`,
    'event Cloned(uint256 indexed _tokenId, uint256 indexed _newTokenId, address _from, address _to)',
  ],
  IERC7857Authorize: [
    'function authorizeUsage(uint256 _tokenId, address _user)',
    'function revokeAuthorization(uint256 _tokenId, address _user)',
    'function authorizedUsersOf(uint256 _tokenId) view returns (address[])',
    'event Authorization(address indexed _from, address indexed _to, uint256 indexed _tokenId)',
    'event AuthorizationRevoked(address indexed _from, address indexed _to, uint256 indexed _tokenId)',
    'error ERC7857InvalidAuthorizedUser(address)',
    'error ERC7857TooManyAuthorizedUsers()',
    'error ERC7857AlreadyAuthorized()',
    'error ERC7857NotAuthorized()',
  ],
  // 0G's AgentNFT (contracts/AgentNFT.sol): the batch forms.
  AgentNFT: [
    'function batchAuthorizeUsage(uint256 tokenId, address[] users)',
    'function clearAuthorizedUsers(uint256 tokenId)',
    'event AuthorizedUsersCleared(address indexed owner, uint256 indexed tokenId)',
  ],
  // What IERC7857 inherits: ERC-721 and ERC-165 (OpenZeppelin's).
  ERC721: [
    'function ownerOf(uint256 tokenId) view returns (address)',
    'function supportsInterface(bytes4 interfaceId) view returns (bool)',
    'event Transfer(address indexed from, address indexed to, uint256 indexed tokenId)',
  ],
};
const VERIFIER = new Interface([
  `function verifyTransferValidity(${PROOFS} proofs) returns (tuple(bytes32 dataHash, bytes sealedKey, bytes targetPubkey, bytes wantedKey, address accessAssistant, bytes accessProofNonce, bytes ownershipProofNonce)[])`,
]);
const NFT = new Interface(Object.values(REFERENCE).flat());
/** Setup only, not 0G's: our mint publishes the holder's sealed key. */
const OUR_MINT = new Interface([`function mint(${DATA}[] datas, address to, bytes[] sealedKeys) returns (uint256)`]);

// anvil's dev accounts #5–#7 ("test test … junk"): the faucet uses #0, the deployer #9.
const KEYS = [
  '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba',
  '0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e',
  '0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356',
];
const TRANSFER = keccak256(toUtf8Bytes('zg-console/inft/op/transfer'));
const CLONE = keccak256(toUtf8Bytes('zg-console/inft/op/clone'));
const ORACLE_SIGNATURE = 2; // OracleType.Signature: the holder's own signature vouches
const coder = AbiCoder.defaultAbiCoder();
/** The selector of one of our own errors (not in 0G's interfaces). */
const selector = (signature) => id(signature).slice(0, 10);

/** ERC-165 id of one of 0G's interfaces: the XOR of its own functions' selectors. */
function interfaceId(name) {
  const iface = new Interface(REFERENCE[name]);
  let id = 0;
  iface.forEachFunction((f) => { id ^= Number.parseInt(f.selector.slice(2), 16); });
  return '0x' + (id >>> 0).toString(16).padStart(8, '0');
}

/** The receiver's own key in 0G's `targetPubkey` form: 64 bytes, x ‖ y. */
const targetPubkey = (wallet) => '0x' + wallet.signingKey.publicKey.slice(4);

/** A handover nonce: abi.encode(Handover) of contracts/src/inft/HandoverNonce.sol. */
function nonce(t, salt) {
  return coder.encode(
    ['bytes32', 'uint256', 'address', 'uint256', 'address', 'address', 'bytes32', 'bytes32', 'uint256', 'bytes32'],
    [t.operation, t.chainId, t.nft, t.tokenId, t.from, t.to, t.newDataHash, keccak256(t.sealedKey), t.deadline, salt],
  );
}

/** One TransferValidityProof in 0G's struct, signed as 0G's Verifier recovers: the holder
 * over keccak256(dataHash ‖ sealedKey ‖ targetPubkey ‖ nonce), the receiver (or `signer`,
 * its access assistant) over keccak256(dataHash ‖ wantedKey ‖ nonce), each as
 * personal_sign of the hex string. The key is sealed to the receiver's own key. */
async function proof(t, holder, receiver, signer = receiver) {
  const ownerNonce = nonce(t, keccak256(toUtf8Bytes(`owner ${t.tokenId} ${t.newDataHash}`)));
  const accessNonce = nonce(t, keccak256(toUtf8Bytes(`access ${t.tokenId} ${t.newDataHash}`)));
  const target = targetPubkey(receiver);
  const ownership = solidityPackedKeccak256(['bytes32', 'bytes', 'bytes', 'bytes'], [t.dataHash, t.sealedKey, target, ownerNonce]);
  const access = solidityPackedKeccak256(['bytes32', 'bytes', 'bytes'], [t.dataHash, '0x', accessNonce]);
  return {
    accessProof: { dataHash: t.dataHash, targetPubkey: '0x', nonce: accessNonce, proof: await signer.signMessage(access) },
    ownershipProof: {
      oracleType: ORACLE_SIGNATURE, dataHash: t.dataHash, sealedKey: t.sealedKey, targetPubkey: target,
      nonce: ownerNonce, proof: await holder.signMessage(ownership),
    },
  };
}

/** The events of a mined transaction, decoded with 0G's reference ABI only. */
async function send(wallet, to, data) {
  const receipt = await (await wallet.sendTransaction({ to, data })).wait();
  assert.equal(receipt.status, 1);
  return receipt.logs.map((l) => NFT.parseLog(l)).filter(Boolean);
}

test("0G's reference ABI reads, authorizes, transfers and clones one of our agents", { timeout: 180_000 }, async () => {
  const dist = mkdtempSync(join(tmpdir(), 'zg-erc7857-'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>erc7857</title>');
  const devnet = await startHarnessDevnet({ dist });
  const provider = new JsonRpcProvider(devnet.rpcUrl, undefined, { staticNetwork: true, pollingInterval: 200, cacheTimeout: -1 });
  try {
    const [alice, bob, carol] = KEYS.map((k) => new Wallet(k, provider));
    const address = devnet.contracts.agentNft;
    const nft = new Contract(address, NFT, provider);
    const chainId = (await provider.getNetwork()).chainId;

    // ERC-165: the ids 0G's interfaces give.
    for (const name of ['IERC7857', 'IERC7857Metadata', 'IERC7857Cloneable', 'IERC7857Authorize']) {
      assert.equal(await nft.supportsInterface(interfaceId(name)), true, name);
    }
    assert.equal(await nft.supportsInterface('0xffffffff'), false);
    assert.equal((await nft.verifier()).toLowerCase(), devnet.contracts.inftVerifier.toLowerCase());

    // Setup: alice mints an agent (our mint: it publishes her sealed key).
    const dataHash = keccak256(toUtf8Bytes('alice agent ciphertext'));
    const minted = await (await alice.sendTransaction({
      to: address,
      data: OUR_MINT.encodeFunctionData('mint', [[['zg-console agent metadata v1', dataHash]], alice.address, ['0x01']]),
    })).wait();
    const updated = minted.logs.map((l) => NFT.parseLog(l)).find((e) => e?.name === 'Updated');
    const tokenId = updated.args._tokenId;
    assert.deepEqual(updated.args._newDatas.map((d) => d.dataHash), [dataHash], "0G's Updated on mint");

    // Reads.
    assert.equal(await nft.ownerOf(tokenId), alice.address);
    const datas = await nft.intelligentDatasOf(tokenId);
    assert.deepEqual(datas.map((d) => [d.dataDescription, d.dataHash]), [['zg-console agent metadata v1', dataHash]]);
    assert.deepEqual([...await nft.authorizedUsersOf(tokenId)], []);

    // Authorization, single and batch, with 0G's events and errors.
    let events = await send(alice, address, NFT.encodeFunctionData('authorizeUsage', [tokenId, carol.address]));
    const auth = events.find((e) => e.name === 'Authorization');
    assert.deepEqual([auth.args._from, auth.args._to, auth.args._tokenId], [alice.address, carol.address, tokenId]);
    const again = await provider.call({ from: alice.address, to: address, data: NFT.encodeFunctionData('authorizeUsage', [tokenId, carol.address]) })
      .then(() => null, (e) => e.data);
    assert.equal(NFT.parseError(again)?.name, 'ERC7857AlreadyAuthorized');
    await send(alice, address, NFT.encodeFunctionData('batchAuthorizeUsage', [tokenId, [bob.address]]));
    assert.deepEqual([...await nft.authorizedUsersOf(tokenId)], [carol.address, bob.address]);
    events = await send(alice, address, NFT.encodeFunctionData('revokeAuthorization', [tokenId, bob.address]));
    assert.equal(events.find((e) => e.name === 'AuthorizationRevoked').args._to, bob.address);
    assert.deepEqual([...await nft.authorizedUsersOf(tokenId)], [carol.address]);

    // Transfer to bob: the agent re-encrypted for bob (new root), its key sealed to him.
    const latest = await provider.getBlock('latest');
    const terms = {
      operation: TRANSFER, chainId, nft: address, tokenId, from: alice.address, to: bob.address, dataHash,
      newDataHash: keccak256(toUtf8Bytes('re-encrypted for bob')), sealedKey: '0x02' + 'ab'.repeat(40),
      deadline: latest.timestamp + 600,
    };
    const toBob = await proof(terms, alice, bob);

    // The verifier answers 0G's IERC7857DataVerifier as the NFT would ask it.
    const out = VERIFIER.decodeFunctionResult('verifyTransferValidity', await provider.call({
      from: address, to: devnet.contracts.inftVerifier, data: VERIFIER.encodeFunctionData('verifyTransferValidity', [[toBob]]),
    }))[0];
    assert.equal(out.length, 1);
    assert.equal(out[0].dataHash, dataHash);
    assert.equal(out[0].sealedKey, terms.sealedKey);
    assert.equal(out[0].targetPubkey, targetPubkey(bob));
    assert.equal(out[0].wantedKey, '0x');
    assert.equal(out[0].accessAssistant, bob.address);
    assert.equal(out[0].ownershipProofNonce, toBob.ownershipProof.nonce);

    // A proof for other data than the token holds: 0G's error.
    const stale = await proof({ ...terms, dataHash: keccak256('0x01') }, alice, bob);
    const refused = await provider.call({
      from: alice.address, to: address, data: NFT.encodeFunctionData('iTransferFrom', [alice.address, bob.address, tokenId, [stale]]),
    }).then(() => null, (e) => e.data);
    assert.equal(NFT.parseError(refused)?.name, 'ERC7857DataHashMismatch');

    events = await send(alice, address, NFT.encodeFunctionData('iTransferFrom', [alice.address, bob.address, tokenId, [toBob]]));
    const moved = events.find((e) => e.name === 'Transfer');
    assert.deepEqual([moved.args.from, moved.args.to, moved.args.tokenId], [alice.address, bob.address, tokenId]);
    const published = events.find((e) => e.name === 'PublishedSealedKey');
    assert.deepEqual([published.args._to, published.args._tokenId, [...published.args._sealedKeys]], [bob.address, tokenId, [terms.sealedKey]]);
    const change = events.find((e) => e.name === 'Updated');
    assert.deepEqual([change.args._oldDatas[0].dataHash, change.args._newDatas[0].dataHash], [dataHash, terms.newDataHash]);
    assert.equal(await nft.ownerOf(tokenId), bob.address);
    assert.equal((await nft.intelligentDatasOf(tokenId))[0].dataHash, terms.newDataHash);
    assert.deepEqual([...await nft.authorizedUsersOf(tokenId)], [], "alice's grants do not pass with the token");

    // The verifier now refuses the same proofs: their nonces were used.
    const replay = await provider.call({
      from: address, to: devnet.contracts.inftVerifier, data: VERIFIER.encodeFunctionData('verifyTransferValidity', [[toBob]]),
    }).then(() => null, (e) => e.data);
    assert.equal(replay?.slice(0, 10), selector('NonceReused(address,bytes)'), 'a used proof is refused');

    // Clone: carol delegates her access checks to alice (0G's delegateAccess), and bob
    // clones the agent to carol with proofs alice signs for her.
    events = await send(carol, address, NFT.encodeFunctionData('delegateAccess', [alice.address]));
    assert.equal(events.find((e) => e.name === 'DelegateAccess').args._assistant, alice.address);
    assert.equal(await nft.getDelegateAccess(carol.address), alice.address);
    const cloneTerms = {
      ...terms, operation: CLONE, from: bob.address, to: carol.address, dataHash: terms.newDataHash,
      newDataHash: keccak256(toUtf8Bytes('cloned for carol, with its own agent key')), sealedKey: '0x03' + 'cd'.repeat(40),
    };
    const byAssistant = await proof(cloneTerms, bob, carol, alice);
    const cloneData = NFT.encodeFunctionData('iCloneFrom', [bob.address, carol.address, tokenId, [byAssistant]]);
    const [newTokenId] = NFT.decodeFunctionResult('iCloneFrom', await provider.call({ from: bob.address, to: address, data: cloneData }));
    events = await send(bob, address, cloneData);
    const cloned = events.find((e) => e.name === 'Cloned');
    assert.deepEqual([cloned.args._tokenId, cloned.args._newTokenId, cloned.args._from, cloned.args._to], [tokenId, newTokenId, bob.address, carol.address]);
    const key = events.find((e) => e.name === 'PublishedSealedKey');
    assert.deepEqual([key.args._to, key.args._tokenId, [...key.args._sealedKeys]], [carol.address, newTokenId, [cloneTerms.sealedKey]]);
    assert.equal(await nft.ownerOf(newTokenId), carol.address);
    assert.equal((await nft.intelligentDatasOf(newTokenId))[0].dataHash, cloneTerms.newDataHash);
    assert.equal(await nft.ownerOf(tokenId), bob.address, 'the original stays with bob');
    assert.equal((await nft.intelligentDatasOf(tokenId))[0].dataHash, terms.newDataHash);

    // Proofs signed for a clone cannot make a transfer: ours, on top of 0G's checks.
    const asClone = await proof({ ...cloneTerms, newDataHash: keccak256('0x02') }, bob, carol);
    const wrongCall = await provider.call({
      from: bob.address, to: address, data: NFT.encodeFunctionData('iTransferFrom', [bob.address, carol.address, tokenId, [asClone]]),
    }).then(() => null, (e) => e.data);
    assert.equal(wrongCall?.slice(0, 10), selector('ERC7857WrongOperation(uint256,bytes32)'), 'a clone-signed proof does not transfer');
    assert.equal(await nft.ownerOf(tokenId), bob.address);
  } finally {
    provider.destroy();
    await devnet.stop();
    rmSync(dist, { recursive: true, force: true });
  }
});
