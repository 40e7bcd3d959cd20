// 0G's own TypeScript SDK (@0gfoundation/0g-ts-sdk, unchanged) finds the devnet's storage
// nodes through our zg-indexer exactly as it finds 0G's on a public network: its Indexer
// class asks indexer_getShardedNodes, selects nodes, reads the Flow address from the first
// node's status, submits, uploads, then downloads through indexer_getFileLocations. The
// bytes must come back identical; the gateway's GET /file must serve the same bytes.
//
//   cargo build -p devnet && node --test devnet/tests/js/sdk-indexer.test.mjs
//
// ZG_DEVNET_BIN overrides the zg-devnet binary (default target/debug/zg-devnet).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ethers } from 'ethers';
import { Indexer, MemData, StorageNode, Uploader, getFlowContract } from '@0gfoundation/0g-ts-sdk';
import { startDevnet as startHarnessDevnet } from '../../../e2e/harness.mjs';

// anvil's dev account #4 ("test test … junk"): the faucet uses #0, the deployer #9.
const DEV_KEY_4 = '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a';
const SEGMENT = 256 * 1024;

async function startDevnet() {
  const dist = mkdtempSync(join(tmpdir(), 'zg-sdk-indexer-'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>sdk indexer</title>');
  const devnet = await startHarnessDevnet({ dist });
  const stop = async () => {
    await devnet.stop();
    rmSync(dist, { recursive: true, force: true });
  };
  return { ...devnet, stop };
}

function content(size, seed) {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = ((i * 131 + 17) % 251) ^ seed;
  return bytes;
}

/** Runs `fn` with the SDK's progress chatter (console.log) held back. */
async function quietly(fn) {
  const log = console.log;
  console.log = () => {};
  try {
    return await fn();
  } finally {
    console.log = log;
  }
}

/** The file at `root` comes back byte-identical through the SDK (with and without proofs)
 * and through the gateway, from `holders` nodes. */
async function downloadsBack(indexer, devnet, root, bytes, holders) {
  const locations = await indexer.getFileLocations(root);
  assert.equal(locations.length, holders, `nodes holding ${root}: ${JSON.stringify(locations)}`);
  for (const proof of [false, true]) {
    const [blob, err] = await quietly(() => indexer.downloadToBlob(root, { proof }));
    assert.equal(err, null, `download (proof ${proof}) failed: ${err}`);
    assert.deepEqual(new Uint8Array(await blob.arrayBuffer()), bytes);
  }
  // The REST gateway serves the same bytes, to a page of another origin.
  const r = await fetch(`${devnet.indexer.url}/file?root=${root}`, { headers: { origin: 'http://elsewhere.example' } });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('access-control-allow-origin'), '*');
  assert.deepEqual(new Uint8Array(await r.arrayBuffer()), bytes);
}

test("0G's SDK uploads and downloads through our indexer with its Indexer class", { timeout: 240_000 }, async (t) => {
  const devnet = await startDevnet();
  t.after(() => devnet.stop());
  assert.ok(devnet.indexer?.url, 'devnet.json names the indexer');
  const indexer = new Indexer(devnet.indexer.url);

  // Every storage node is trusted, with its shard.
  const sharded = await indexer.getShardedNodes();
  assert.deepEqual(
    sharded.trusted.map((n) => [n.url, n.config.shardId, n.config.numShard]).sort(),
    devnet.storageNodes.map((n) => [n.url, n.shardId, n.numShard]).sort(),
  );
  for (const node of sharded.trusted) {
    assert.equal(typeof node.latency, 'number');
    assert.equal(typeof node.since, 'number');
  }
  const [selected, selectErr] = await indexer.selectNodes(2);
  assert.equal(selectErr, null);
  assert.equal(selected.length, 3, 'two replicas: the full replica plus both shards');

  const provider = new ethers.JsonRpcProvider(devnet.rpcUrl);
  const signer = new ethers.Wallet(DEV_KEY_4, provider);

  // The SDK's own path: Indexer.upload with one replica ("min" picks the full-replica node),
  // Indexer.downloadToBlob through indexer_getFileLocations.
  const one = content(2 * SEGMENT + 777, 0x11);
  const [oneTree] = await new MemData(one).merkleTree();
  const [oneResult, oneErr] = await quietly(() =>
    indexer.upload(new MemData(one), devnet.rpcUrl, signer, { finalityRequired: true }),
  );
  assert.equal(oneErr, null, `Indexer.upload failed: ${oneErr}`);
  assert.equal(oneResult.rootHash, oneTree.rootHash());
  await downloadsBack(indexer, devnet, oneResult.rootHash, one, 1);

  // The two shard nodes as the indexer lists them, driven by the SDK's Uploader (its
  // Indexer.upload with expectedReplica 2 cannot finish: see the note at the end), then
  // found and fetched through the indexer from the two shards.
  const shards = sharded.trusted.filter((n) => n.config.numShard === 2).map((n) => new StorageNode(n.url));
  const flow = getFlowContract(devnet.contracts.flow, signer);
  const two = content(3 * SEGMENT + 1000, 0x5a);
  const [twoResult, twoErr] = await quietly(() =>
    new Uploader(shards, devnet.rpcUrl, flow).uploadFile(new MemData(two), { finalityRequired: true }),
  );
  assert.equal(twoErr, null, `upload to the shards failed: ${twoErr}`);
  await downloadsBack(indexer, devnet, twoResult.rootHash, two, 2);

  // An unknown root: the SDK's download fails with the indexer's "file not found".
  const unknown = '0x' + 'ab'.repeat(32);
  await assert.rejects(indexer.getFileLocations(unknown), /file not found/);
});

// Note on Indexer.upload with expectedReplica 2 over this devnet (a full replica plus two
// half shards): SDK 1.2.8's Uploader.splitTasks sorts the per-node task lists shortest
// first and interleaves only as many rounds as the shortest list has (src.ts/transfer/
// Uploader.ts), so the full replica receives 2 of its 4 segments and the upload waits for
// finality forever. 0G's Go client sorts longest first (transfer/uploader.go) and works.
