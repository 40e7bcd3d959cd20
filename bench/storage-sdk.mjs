// `cargo xtask bench`, storage part: 0G's own TypeScript SDK (@0gfoundation/0g-ts-sdk,
// unchanged) uploading and downloading the same 64 MiB the native client moves, against a
// devnet of its own, so the two figures sit side by side. Upload = Flow submission, every
// segment to the two shard nodes, finality on both; download = every segment fetched and
// checked by the SDK against the root. Prints `{"uploadMiBs":…,"downloadMiBs":…}` last.
//
//   ZG_DEVNET_BIN=target/bench-native/release/zg-devnet node bench/storage-sdk.mjs
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ethers } from 'ethers';
import { Downloader, MemData, StorageNode, Uploader, getFlowContract } from '@0gfoundation/0g-ts-sdk';
import { startDevnet } from '../e2e/harness.mjs';

const SIZE = 64 << 20;
// anvil's dev account #6: the native client's bench uses #5, the faucet #0, the deployer #9.
const DEV_KEY_6 = '0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e';

const dist = mkdtempSync(join(tmpdir(), 'zg-bench-sdk-'));
writeFileSync(join(dist, 'index.html'), '<!doctype html>');
const devnet = await startDevnet({ dist });
// The SDK logs every step; keep the bench's output to its figures.
const log = console.log;
console.log = () => {};
try {
  const bytes = new Uint8Array(SIZE);
  for (let i = 0; i < SIZE; i++) bytes[i] = (i * 131 + 17) % 251;
  const shards = devnet.storageNodes.filter((n) => n.numShard === 2).map((n) => new StorageNode(n.url));
  const signer = new ethers.Wallet(DEV_KEY_6, new ethers.JsonRpcProvider(devnet.rpcUrl));
  const uploader = new Uploader(shards, devnet.rpcUrl, getFlowContract(devnet.contracts.flow, signer));

  let started = performance.now();
  const [result, uploadErr] = await uploader.uploadFile(new MemData(bytes), { finalityRequired: true });
  if (uploadErr) throw new Error(`the SDK's upload failed: ${uploadErr}`);
  const uploadS = (performance.now() - started) / 1000;

  started = performance.now();
  const [blob, downloadErr] = await new Downloader(shards).downloadToBlob(result.rootHash, true);
  if (downloadErr) throw new Error(`the SDK's download failed: ${downloadErr}`);
  const back = new Uint8Array(await blob.arrayBuffer());
  const downloadS = (performance.now() - started) / 1000;
  if (back.length !== SIZE || back.some((b, i) => b !== bytes[i])) throw new Error('the download differs');

  const mib = SIZE / (1 << 20);
  log(JSON.stringify({ uploadMiBs: mib / uploadS, downloadMiBs: mib / downloadS }));
} finally {
  console.log = log;
  await devnet.stop();
  rmSync(dist, { recursive: true, force: true });
}
