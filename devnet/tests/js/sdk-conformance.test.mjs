// 0G's own TypeScript SDK (@0gfoundation/0g-ts-sdk, pinned in the root package.json) against
// the devnet: its Uploader builds the submission, pays our Flow contract through ethers,
// waits for our storage nodes to see the Submit event, splits the segments across both
// shards and uploads them (zgs_uploadSegmentsByTxSeq), waits for finality; its Downloader
// then fetches the file back from the two nodes. If our contract ABI, event, fee, node
// method names or JSON shapes differed from 0G's, the SDK would fail here.
//
//   cargo build -p devnet && node --test devnet/tests/js/
//
// ZG_DEVNET_BIN overrides the zg-devnet binary (default target/debug/zg-devnet).
//
// 0G assigns a file's segment i to the shard of its position in the whole flow
// (startEntryIndex / 1024 + i). Its Flow starts with one identifier sector, aligns each
// submission to its largest subtree, and moves a submission that would straddle a segment
// boundary to the next segment. The last part of the test places a file at an odd flow
// segment, where a per-file rule would send segment 0 to the wrong shard and the SDK's
// upload would be refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ethers } from 'ethers';
import { MemData, Uploader, Downloader, StorageNode, getFlowContract } from '@0gfoundation/0g-ts-sdk';
import { startDevnet as startHarnessDevnet } from '../../../e2e/harness.mjs';

// anvil's dev account #3 ("test test … junk"): the faucet uses #0, the deployer #9.
const DEV_KEY_3 = '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6';
const SEGMENT = 256 * 1024;

/** A devnet serving a placeholder page: the app is not needed here. */
async function startDevnet() {
  const dist = mkdtempSync(join(tmpdir(), 'zg-sdk-conformance-'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>sdk conformance</title>');
  const devnet = await startHarnessDevnet({ dist });
  const stop = async () => {
    await devnet.stop();
    rmSync(dist, { recursive: true, force: true });
  };
  return { ...devnet, stop };
}

test("0G's SDK submits to our Flow, uploads to our two shards and downloads the file back", async (t) => {
  const devnet = await startDevnet();
  t.after(() => devnet.stop());
  // The two shards (the devnet's third node is a full replica the SDK is not told about).
  const shards = devnet.storageNodes.filter((n) => n.numShard === 2);
  assert.equal(shards.length, 2);

  const bytes = new Uint8Array(3 * SEGMENT + 1000);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 131 + 17) % 251;
  const file = new MemData(bytes);
  const [tree, treeErr] = await file.merkleTree();
  assert.equal(treeErr, null);
  const rootHash = tree.rootHash();

  const provider = new ethers.JsonRpcProvider(devnet.rpcUrl);
  const signer = new ethers.Wallet(DEV_KEY_3, provider);
  const flow = getFlowContract(devnet.contracts.flow, signer);
  const nodes = shards.map((n) => new StorageNode(n.url));
  for (const [i, node] of nodes.entries()) {
    assert.deepEqual(await node.getShardConfig(), { shardId: i, numShard: 2 });
  }

  const marketBefore = await provider.getBalance(devnet.contracts.market);
  const uploader = new Uploader(nodes, devnet.rpcUrl, flow);
  const [result, uploadErr] = await uploader.uploadFile(file, { finalityRequired: true });
  assert.equal(uploadErr, null, `upload failed: ${uploadErr}`);
  assert.equal(result.rootHash, rootHash);
  assert.equal(result.txSeq, 0);

  // The fee the SDK computed (sectors × pricePerSector) is what our market received.
  const receipt = await provider.getTransactionReceipt(result.txHash);
  assert.equal(receipt.status, 1);
  // 3076 chunks pad to 3328 sectors (a multiple of 4096 / 16).
  assert.equal(
    (await provider.getBalance(devnet.contracts.market)) - marketBefore,
    BigInt(3328) * BigInt(devnet.contracts.pricePerSectorWei),
  );

  for (const [i, node] of nodes.entries()) {
    const info = await node.getFileInfo(rootHash, true);
    assert.equal(info.tx.dataMerkleRoot, rootHash);
    assert.equal(info.tx.size, bytes.length);
    assert.equal(info.finalized, true);
    // Finalized: 0G's node reports the file's segment count, not its own share.
    assert.equal(info.uploadedSegNum, 4, `shard ${i} reports the whole file`);
    const status = await node.getStatus();
    assert.equal(status.networkIdentity.flowAddress, devnet.contracts.flow.toLowerCase());
    assert.equal(status.nextTxSeq, 1);
  }

  const downloader = new Downloader(nodes);
  const [blob, downloadErr] = await downloader.downloadToBlob(rootHash);
  assert.equal(downloadErr, null, `download failed: ${downloadErr}`);
  assert.deepEqual(new Uint8Array(await blob.arrayBuffer()), bytes);

  // Segment proofs from our nodes check out with the SDK's own tree.
  for (let index = 0; index < 4; index++) {
    const seg = await nodes[index % 2].downloadSegmentWithProof(rootHash, index);
    const sdk = tree.proofAt(index);
    assert.deepEqual(seg.proof, { lemma: sdk.lemma, path: sdk.path }, `proof of segment ${index}`);
    assert.equal(sdk.validateHash(rootHash, seg.proof.lemma[0], index, 4), null);
  }

  // The first file (subtrees 2048 + 1024 + 256) took sectors 2048 to 5375. A file of 800
  // chunks (subtrees 512 + 256 + 64) would start at 5632 and straddle flow segments 5 and 6,
  // so 0G's Flow moves it to 6144; it ends at 6976, and the next file, whose largest subtree
  // is 1024 sectors, starts at 7168: flow segment 7, shard 1.
  const filler = new MemData(new Uint8Array(800 * 256).fill(7));
  const [fillerResult, fillerErr] = await uploader.uploadFile(filler, { finalityRequired: true });
  assert.equal(fillerErr, null, `upload failed: ${fillerErr}`);
  const oddBytes = new Uint8Array(1124 * 256);
  for (let i = 0; i < oddBytes.length; i++) oddBytes[i] = (i * 7 + 3) % 253;
  const [odd, oddErr] = await uploader.uploadFile(new MemData(oddBytes), { finalityRequired: true });
  assert.equal(oddErr, null, `upload at an odd flow segment failed: ${oddErr}`);
  const oddInfo = await nodes[1].getFileInfo(odd.rootHash, true);
  const fillerInfo = await nodes[0].getFileInfo(fillerResult.rootHash, true);
  assert.equal(fillerInfo.tx.startEntryIndex, 6144);
  assert.equal(oddInfo.tx.startEntryIndex, 7168);
  assert.equal(oddInfo.finalized, true);
  assert.ok(await nodes[1].downloadSegmentWithProof(odd.rootHash, 0), 'segment 0 is on shard 1');
  assert.ok(await nodes[0].downloadSegmentWithProof(odd.rootHash, 1), 'segment 1 is on shard 0');
  const [oddBlob, oddDownloadErr] = await downloader.downloadToBlob(odd.rootHash);
  assert.equal(oddDownloadErr, null);
  assert.deepEqual(new Uint8Array(await oddBlob.arrayBuffer()), oddBytes);
});
