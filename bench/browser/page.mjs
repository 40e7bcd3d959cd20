// The browser half of `cargo xtask bench`, bundled by esbuild (bench.mjs) into
// target/zg-bench/page.js and run in headless Chromium by bench.mjs.
//
// The same data as the native criterion bench (wasm-light-client/benches/verify.rs writes it
// to target/zg-bench/) goes through the light client's wasm package and through the
// JavaScript reference libraries, in this one page:
//   headers  verifyHeaderChain(JSON text, trusted hash)  vs  @ethereumjs/block
//   proofs   verifyAccountProof(JSON text, state root)    vs  @ethereumjs/mpt
//   storage  zgStorageRoot(64 MiB)                        vs  @0gfoundation/0g-ts-sdk (MemData)
// Every anchor's answer is checked (hashes, links, proven values, the file root) before it is
// timed, so a library that silently does less work cannot look fast.

import { createBlockHeaderFromRPC } from '@ethereumjs/block';
import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { verifyMerkleProof } from '@ethereumjs/mpt';
import {
  KECCAK256_NULL,
  KECCAK256_RLP,
  bigIntToBytes,
  bytesToBigInt,
  createAccountFromRLP,
  equalsBytes,
  hexToBytes,
  setLengthLeft,
} from '@ethereumjs/util';
import { RLP } from '@ethereumjs/rlp';
// The SDK's own browser build (its package.json "./browser" export).
import { MemData } from '@0gfoundation/0g-ts-sdk/browser';
// Not bundled: the package `cargo xtask build-lc` just built, served as-is.
import init, { verifyHeaderChain, verifyAccountProof, zgStorageRoot } from '/wasm-light-client/pkg/wasm_light_client.js';

const log = (...a) => console.log(...a);

// ---- @ethereumjs/block: header from RPC JSON, hash, link, the checks a light client makes ----

const common = new Common({ chain: Mainnet, hardfork: Hardfork.Prague });

function ethjsVerifyHeaderChain(text, trustedHash) {
  const blocks = JSON.parse(text);
  const trusted = hexToBytes(trustedHash);
  let parent = null;
  let parentHash = null;
  for (const block of blocks) {
    // The constructor checks the post-merge format (difficulty, nonce, ommers) and fork fields.
    const header = createBlockHeaderFromRPC(block, { common });
    const hash = header.hash();
    if (block.hash && !equalsBytes(hash, hexToBytes(block.hash))) throw new Error(`block ${header.number}: hash mismatch`);
    if (parent === null) {
      if (!equalsBytes(hash, trusted)) throw new Error('first block is not the checkpoint');
    } else {
      if (header.number !== parent.number + 1n) throw new Error(`block ${header.number}: not consecutive`);
      if (!equalsBytes(header.parentHash, parentHash)) throw new Error(`block ${header.number}: broken link`);
      if (header.gasUsed > header.gasLimit) throw new Error(`block ${header.number}: gas used`);
      header.validateGasLimit(parent);
      if (header.timestamp < parent.timestamp) throw new Error(`block ${header.number}: timestamp`);
      // anvil gives block 1 the genesis base fee (the devnet rule skips it, as ours does).
      if (parent.number !== 0n && header.baseFeePerGas !== parent.calcNextBaseFee()) {
        throw new Error(`block ${header.number}: base fee`);
      }
    }
    parent = header;
    parentHash = hash;
  }
  return blocks.length;
}

// ---- @ethereumjs/mpt: the same EIP-1186 answers against the same state root ----

const EMPTY_PROOF = [new Uint8Array([0x80])];

async function ethjsVerifyAccountProof(text, stateRoot) {
  const p = JSON.parse(text);
  // useKeyHashing: the library hashes the key (keccak256(address), keccak256(slot)).
  const value = await verifyMerkleProof(hexToBytes(p.address), p.accountProof.map(hexToBytes), {
    root: stateRoot,
    useKeyHashing: true,
  });
  const storageHash = hexToBytes(p.storageHash);
  const codeHash = hexToBytes(p.codeHash);
  if (value === null) {
    const empty =
      BigInt(p.balance) === 0n &&
      BigInt(p.nonce) === 0n &&
      equalsBytes(storageHash, KECCAK256_RLP) &&
      equalsBytes(codeHash, KECCAK256_NULL);
    if (!empty) throw new Error(`${p.address}: proven absent but the node claims an account`);
  } else {
    const account = createAccountFromRLP(value);
    if (
      account.balance !== BigInt(p.balance) ||
      account.nonce !== BigInt(p.nonce) ||
      !equalsBytes(account.storageRoot, storageHash) ||
      !equalsBytes(account.codeHash, codeHash)
    ) {
      throw new Error(`${p.address}: proven account differs from the claim`);
    }
  }
  const storage = [];
  for (const slot of p.storageProof ?? []) {
    const claimed = BigInt(slot.value);
    const proof = slot.proof.map(hexToBytes);
    if (equalsBytes(storageHash, KECCAK256_RLP)) {
      // geth sends [] and anvil ["0x80"] for an empty storage trie: only a zero value.
      const emptyForm = proof.length === 0 || (proof.length === 1 && equalsBytes(proof[0], EMPTY_PROOF[0]));
      if (claimed !== 0n || !emptyForm) throw new Error(`${p.address}: bad empty-storage proof`);
    } else {
      const slotKey = setLengthLeft(bigIntToBytes(BigInt(slot.key)), 32);
      const raw = await verifyMerkleProof(slotKey, proof, { root: storageHash, useKeyHashing: true });
      const proven = raw === null ? 0n : bytesToBigInt(RLP.decode(raw));
      if (proven !== claimed) throw new Error(`${p.address}: slot ${slot.key} differs from the claim`);
    }
    storage.push([slot.key, claimed]);
  }
  return storage.length;
}

// ---- the 0G TypeScript SDK's file root ----

async function sdkFileRoot(bytes) {
  const [tree, err] = await new MemData(bytes).merkleTree();
  if (err) throw err;
  return tree.rootHash();
}

// ---- timing ----

const sleep = () => new Promise((r) => setTimeout(r, 0));

/**
 * Median time of one call of `fn` (sync or async), in seconds: a warm-up, then samples of
 * `batch` calls each until `budget` seconds or `maxSamples` samples, at least `minSamples`.
 */
async function measure(fn, { budget = 3, minSamples = 3, maxSamples = 15 } = {}) {
  const call = async () => {
    const r = fn();
    if (r instanceof Promise) await r;
  };
  let t = performance.now();
  await call();
  const first = (performance.now() - t) / 1e3;
  // About 0.2 s per sample, at least one call.
  const batch = Math.max(1, Math.round(0.2 / Math.max(first, 1e-6)));
  for (let i = 0; i < batch && first < 0.5; i++) await call(); // warm-up (JIT tiers)
  const samples = [];
  const start = performance.now();
  while (
    samples.length < minSamples ||
    (samples.length < maxSamples && (performance.now() - start) / 1e3 < budget)
  ) {
    await sleep();
    t = performance.now();
    for (let i = 0; i < batch; i++) await call();
    samples.push((performance.now() - t) / 1e3 / batch);
  }
  samples.sort((a, b) => a - b);
  return { secs: samples[Math.floor(samples.length / 2)], samples: samples.length, batch };
}

function fileContent(size) {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + 7) % 251;
  return b;
}

async function fetchText(path) {
  const r = await fetch(path, { cache: 'no-store' });
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
  return r.text();
}

export async function run(only) {
  const want = (w) => !only || only.includes(w);
  await init();
  const meta = JSON.parse(await fetchText('/target/zg-bench/meta.json'));
  const out = { userAgent: navigator.userAgent, results: {} };
  const record = (workload, impl, units, m, unit) => {
    out.results[workload] ??= {};
    out.results[workload][impl] = { perSec: units / m.secs, unit, secsPerCall: m.secs, samples: m.samples, batch: m.batch };
    log(`${workload} ${impl}: ${(units / m.secs).toFixed(1)} ${unit}/s (${(m.secs * 1e3).toFixed(3)} ms per call)`);
  };

  if (want('headers')) {
    const text = await fetchText('/target/zg-bench/headers.json');
    const n = meta.headers;
    if (verifyHeaderChain(text, meta.trustedHash) !== n) throw new Error('wasm: wrong header count');
    if (ethjsVerifyHeaderChain(text, meta.trustedHash) !== n) throw new Error('ethereumjs: wrong header count');
    // Both must refuse a forged chain: one byte of one header's state root changed.
    const forged = text.replace(/"stateRoot": "0x([0-9a-f])/, (m, c) => m.slice(0, -1) + (c === '0' ? '1' : '0'));
    for (const [name, f] of [['wasm', verifyHeaderChain], ['ethereumjs', ethjsVerifyHeaderChain]]) {
      let refused = false;
      try { f(forged, meta.trustedHash); } catch { refused = true; }
      if (!refused) throw new Error(`${name} accepted a forged header chain`);
    }
    record('headers', 'wasm', n, await measure(() => verifyHeaderChain(text, meta.trustedHash)), 'headers');
    record('headers', 'js', n, await measure(() => ethjsVerifyHeaderChain(text, meta.trustedHash)), 'headers');
  }

  if (want('proofs')) {
    const fixture = JSON.parse(await fetchText('/wasm-light-client/tests/fixtures/anvil-proofs.json'));
    const texts = fixture.proofs.map((p) => JSON.stringify(p));
    const root = fixture.stateRoot;
    const rootBytes = hexToBytes(root);
    if (texts.length !== meta.proofs || root !== meta.stateRoot) throw new Error('proof fixture differs from the native bench');
    for (const t of texts) {
      const wasm = verifyAccountProof(t, root);
      const js = await ethjsVerifyAccountProof(t, rootBytes);
      if (wasm.storage.length !== js) throw new Error('wasm and ethereumjs prove different slot counts');
    }
    // Both must refuse an inflated balance.
    const lie = JSON.parse(texts[0]);
    lie.balance = '0x' + (BigInt(lie.balance) + 1n).toString(16);
    const lieText = JSON.stringify(lie);
    let refused = 0;
    try { verifyAccountProof(lieText, root); } catch { refused++; }
    try { await ethjsVerifyAccountProof(lieText, rootBytes); } catch { refused++; }
    if (refused !== 2) throw new Error('an inflated balance was accepted');
    const n = texts.length;
    record('proofs', 'wasm', n, await measure(() => { for (const t of texts) verifyAccountProof(t, root); }), 'proofs');
    record('proofs', 'js', n, await measure(async () => { for (const t of texts) await ethjsVerifyAccountProof(t, rootBytes); }), 'proofs');
  }

  if (want('storage')) {
    const bytes = fileContent(meta.fileSize);
    const mib = meta.fileSize / (1 << 20);
    // Hashing 64 MiB in JavaScript takes tens of seconds: each call is checked as it is timed
    // (the first, untimed, call warms up) instead of spending a separate run on the check.
    const checked = (name, root) => {
      if (root !== meta.fileRoot) throw new Error(`${name} file root ${root} != native ${meta.fileRoot}`);
    };
    const wasm = await measure(() => checked('wasm', zgStorageRoot(bytes)), { budget: 0, minSamples: 2 });
    record('storage', 'wasm', mib, wasm, 'MiB');
    const sdk = await measure(async () => checked('0G SDK', await sdkFileRoot(bytes)), { budget: 0, minSamples: 1 });
    record('storage', 'js', mib, sdk, 'MiB');
  }
  return out;
}
