// 0G Storage from the browser, against the devnet's Flow contract and its two sharded
// storage nodes: upload a multi-segment file through the UI (its root checked against
// 0G's own SDK), download it byte-identical, audit it, and survive a storage node killed
// with SIGKILL in the middle of an upload.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Interface } from 'ethers';
import { launchBrowser, newProfile, randomFile, rpc, shot, startDevnet, restoreWallet } from './harness.mjs';

const PASSWORD = 'correct horse battery';
const PHRASE = 'test test test test test test test test test test test junk';
const SEGMENT = 256 * 1024;

let devnet, browser, closeBrowser, dir;

before(async () => {
  devnet = await startDevnet();
  ({ browser, close: closeBrowser } = await launchBrowser());
  dir = mkdtempSync(join(tmpdir(), 'zg-e2e-storage-'));
});

after(async () => {
  await closeBrowser?.();
  await devnet?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function openStorage(page) {
  await restoreWallet(page, devnet.appUrl, PHRASE, PASSWORD);
  await page.locator('nav[aria-label="Main"]').getByRole('link', { name: 'Storage' }).click();
  await page.getByRole('heading', { name: 'Storage', level: 1 }).waitFor();
  await page.getByTestId('storage-nodes').waitFor();
}

/** Picks `path` in the upload card and waits for its root and verified fee. */
async function pick(page, path) {
  await page.getByLabel('File to upload').setInputFiles(path);
  await page.getByTestId('upload-root').waitFor({ timeout: 60_000 });
  return (await page.getByTestId('upload-root').textContent()).trim();
}

/**
 * Holds each segment upload to the node at `url` for `ms` before passing it on, so an
 * upload takes long enough on loopback for a test to act in the middle of it.
 */
async function slowUploads(page, url, ms) {
  await page.route(`${url.replace(/\/$/, '')}/**`, async (route) => {
    const call = route.request().method() === 'POST' ? route.request().postDataJSON() : null;
    if (call?.method === 'zgs_uploadSegments') await new Promise((r) => setTimeout(r, ms));
    try {
      await route.continue();
    } catch {
      // The page went away (a reload) while the request was held.
    }
  });
}

/** Resolves once the upload has acknowledged some segments but not all. */
async function midUpload(page) {
  await page.waitForFunction(() => {
    const bar = document.querySelector('[role="progressbar"][aria-label="Segments uploaded"]');
    const now = Number(bar?.getAttribute('aria-valuenow') ?? 0);
    return now > 0 && now < 100;
  }, null, { timeout: 90_000, polling: 10 });
}

function row(page, root) {
  return page.locator(`li.upload-row[data-root="${root}"]`);
}

test('upload a multi-segment file, download it byte-identical, audit it', async () => {
  const { page, consoleLines } = await newProfile(browser);
  await openStorage(page);
  const nodes = await page.getByTestId('storage-nodes').textContent();
  assert.match(nodes, /shard 0\/2/);
  assert.match(nodes, /shard 1\/2/);

  // 3 full segments and a partial one: both shards get some.
  const file = await randomFile(dir, 'agent-memory.bin', 3 * SEGMENT + 40_000);
  assert.equal(await pick(page, file.path), file.root, "the app's root is the SDK's root");
  assert.match(await page.getByTestId('upload-fee').textContent(), /price verified at block \d+/);
  await shot(page, 'storage-01-quote');

  await page.getByRole('button', { name: /^Pay .* and upload$/ }).click();
  await page.getByTestId('upload-status').waitFor({ timeout: 90_000 });
  assert.match(await page.getByTestId('upload-status').textContent(), /is stored/);
  await shot(page, 'storage-02-stored');

  const entry = row(page, file.root);
  assert.match(await entry.getByTestId('upload-row-status').textContent(), /^stored$/);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    entry.getByRole('button', { name: 'Download' }).click(),
  ]);
  const saved = join(dir, 'downloaded.bin');
  await download.saveAs(saved);
  assert.ok(readFileSync(saved).equals(file.bytes), 'the download is byte-identical');
  await entry.getByText(/downloaded direct to 3 nodes, 2 copies, every segment verified against the root/).waitFor();

  await entry.getByRole('button', { name: 'Audit' }).click();
  const verdict = entry.getByText(/^Audit: \d+ of \d+ sampled segments/);
  await verdict.waitFor({ timeout: 30_000 });
  const [, ok, asked] = (await verdict.textContent()).match(/Audit: (\d+) of (\d+)/);
  assert.equal(ok, asked, 'every sampled segment came back with a valid proof');
  assert.ok(Number(asked) >= 4, 'all four segments were sampled');
  await shot(page, 'storage-03-audited');

  assert.deepEqual(consoleLines.filter((l) => l.startsWith('pageerror')), []);
  await page.context().close();
});

test('a storage node killed with SIGKILL mid-upload: nothing acknowledged is lost, the upload completes', async () => {
  const { page } = await newProfile(browser);
  await openStorage(page);
  const victim = devnet.storageNodes.find((n) => n.shardId === 1);
  assert.ok(victim?.pid, 'zg-devnet reports its storage nodes with their pids');

  const file = await randomFile(dir, 'big.bin', 48 * SEGMENT + 1234);
  await slowUploads(page, victim.url, 250);
  await pick(page, file.path);
  await page.getByRole('button', { name: /^Pay .* and upload$/ }).click();
  // Kill the node once some, but not all, segments are acknowledged.
  await midUpload(page);
  process.kill(victim.pid, 'SIGKILL');
  await shot(page, 'storage-04-node-killed');

  // zg-devnet restarts the node on the same data directory. The app either rides it
  // out on retries or stops with a message saying how to resume; then resuming works.
  const stored = page.getByTestId('upload-status');
  const resume = page.getByRole('button', { name: 'Resume upload' });
  await Promise.race([stored.waitFor({ timeout: 120_000 }), resume.waitFor({ timeout: 120_000 })]);
  if (!(await stored.isVisible())) {
    assert.match(await page.getByRole('alert').first().textContent(), /resume the upload/);
    await resume.click();
    await stored.waitFor({ timeout: 120_000 });
  }
  await shot(page, 'storage-05-resumed');

  const entry = row(page, file.root);
  await entry.getByRole('button', { name: 'Audit' }).click();
  const verdict = entry.getByText(/^Audit: \d+ of \d+ sampled segments/);
  await verdict.waitFor({ timeout: 30_000 });
  const [, ok, asked] = (await verdict.textContent()).match(/Audit: (\d+) of (\d+)/);
  assert.equal(ok, asked, 'after the crash every sampled segment is still served with a valid proof');
  await page.context().close();
});

test('bad input: an empty file, and a price rise between quote and payment, cost nothing', async () => {
  const { page } = await newProfile(browser);
  await openStorage(page);

  const empty = join(dir, 'empty.bin');
  writeFileSync(empty, '');
  await page.getByLabel('File to upload').setInputFiles(empty);
  await page.getByText('This file is empty').waitFor();

  // 5 GiB, sparse on disk: refused before a byte is read.
  const huge = join(dir, 'huge.bin');
  writeFileSync(huge, '');
  truncateSync(huge, 5 * 1024 ** 3);
  await page.getByLabel('File to upload').setInputFiles(huge);
  await page.getByText('takes files up to 4 GiB').waitFor();

  const file = await randomFile(dir, 'priced.bin', SEGMENT + 7);
  await pick(page, file.path);
  const before = await page.getByTestId('upload-fee').textContent();

  // The market's admin (dev account #9, which deployed it) doubles the price.
  const market = new Interface(['function setPricePerSector(uint256)']);
  const tx = await rpc(devnet.rpcUrl, 'eth_sendTransaction', [{
    from: '0xa0Ee7A142d267C1f36714E4a8F75612F20a79720',
    to: devnet.contracts.market,
    data: market.encodeFunctionData('setPricePerSector', [2n * BigInt(devnet.contracts.pricePerSectorWei)]),
  }]);
  for (let i = 0; !(await rpc(devnet.rpcUrl, 'eth_getTransactionReceipt', [tx])); i++) {
    assert.ok(i < 100, 'the price change was mined');
    await page.waitForTimeout(100);
  }
  await page.getByRole('button', { name: /^Pay .* and upload$/ }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'the price changed since the quote' });
  await alert.waitFor({ timeout: 30_000 });
  assert.match(await alert.textContent(), /Nothing was sent and no fee was taken/);
  await shot(page, 'storage-06-price-rose');

  // A new quote at the new price goes through.
  await pick(page, file.path);
  const after = await page.getByTestId('upload-fee').textContent();
  const price = BigInt(devnet.contracts.pricePerSectorWei);
  assert.match(before, new RegExp(`× ${price} wei`));
  assert.match(after, new RegExp(`× ${2n * price} wei`), 'the new quote is at the new, proven price');
  await page.getByRole('button', { name: /^Pay .* and upload$/ }).click();
  await page.getByTestId('upload-status').waitFor({ timeout: 90_000 });
  await page.context().close();
});

/**
 * Makes every answer of the storage node at `url` lie in the way `lie` says, by rewriting
 * the node's real JSON-RPC answers as they reach the page (a man in the middle).
 */
async function lyingNode(page, url, lie, options = {}) {
  await page.route(`${url.replace(/\/$/, "")}/**`, async (route) => {
    const request = route.request();
    if (request.method() !== 'POST') return route.continue();
    const call = request.postDataJSON();
    const response = await route.fetch();
    const body = await response.json();
    if (lie === 'huge-size' && call.method === 'zgs_getFileInfo' && body.result) {
      body.result.tx.size = 2 ** 52; // 4 PiB: reserving it would abort the page
      return route.fulfill({ response, json: body });
    }
    if (call.method !== 'zgs_downloadSegmentWithProof' || !body.result) return route.fulfill({ response, json: body });
    if (lie === 'garbage') return route.fulfill({ response, body: '<html>502 Bad Gateway</html>' });
    const seg = body.result;
    if (lie === 'corrupt') {
      const data = Buffer.from(seg.data, 'base64');
      data[7] ^= 0xff;
      seg.data = data.toString('base64');
    } else if (lie === 'wrong-index') {
      // Another segment of the same file, with its own valid proof, passed off as this one.
      const [root, index] = call.params;
      const other = await fetch(options.replica, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...call, params: [root, (index + 1) % options.segments] }),
      });
      body.result = { ...(await other.json()).result, index };
    } else if (lie === 'wrong-root') {
      seg.root = `0x${'ab'.repeat(32)}`;
    } else if (lie === 'nothing') {
      body.result = null;
    }
    return route.fulfill({ response, json: body });
  });
}

test('downloads fall back past nodes that lie or fail, and say so; all liars means a clear error', async () => {
  const { page } = await newProfile(browser);
  await openStorage(page);
  const file = await randomFile(dir, 'fallback.bin', 2 * SEGMENT + 99);
  await pick(page, file.path);
  await page.getByRole('button', { name: /^Pay .* and upload$/ }).click();
  await page.getByTestId('upload-status').waitFor({ timeout: 90_000 });
  const entry = row(page, file.root);

  // Shard 0 corrupts its segments, or answers with another segment's valid proof; shard 1
  // answers garbage, or nothing. The full replica serves what they withhold.
  const shard0 = devnet.storageNodes.find((n) => n.numShard === 2 && n.shardId === 0).url;
  const shard1 = devnet.storageNodes.find((n) => n.numShard === 2 && n.shardId === 1).url;
  const replica = devnet.storageNodes.find((n) => n.numShard === 1).url;
  const rounds = [
    { lies: ['corrupt', 'garbage'], named: [/proof refused/, /not JSON/] },
    { lies: ['wrong-index', 'nothing'], named: [/proof refused/, /does not have it/] },
  ];
  for (const [n, { lies, named }] of rounds.entries()) {
    await page.unrouteAll({ behavior: 'wait' });
    await lyingNode(page, shard0, lies[0], { replica, segments: 3 });
    await lyingNode(page, shard1, lies[1]);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      entry.getByRole('button', { name: 'Download' }).click(),
    ]);
    const saved = join(dir, `fallback-downloaded-${n}.bin`);
    await download.saveAs(saved);
    assert.ok(readFileSync(saved).equals(file.bytes), `byte-identical despite ${lies.join(' and ')}`);
    const report = await entry.getByText('Skipped bad answers').textContent();
    for (const pattern of named) assert.match(report, pattern, `${lies}: the bad answer is named`);
    if (n === 0) await shot(page, 'storage-07-fallback');
  }

  // The replica now claims a wrong root: no node left with a valid answer for segment 0.
  // The app takes the other route, the indexer's gateway, and checks the whole file there.
  await lyingNode(page, replica, 'wrong-root');
  const [viaGateway] = await Promise.all([
    page.waitForEvent('download'),
    entry.getByRole('button', { name: 'Download' }).click(),
  ]);
  const rescued = join(dir, 'fallback-gateway.bin');
  await viaGateway.saveAs(rescued);
  assert.ok(readFileSync(rescued).equals(file.bytes), 'byte-identical through the gateway');
  const report = await entry.getByText('downloaded via 0G indexer gateway').textContent();
  assert.match(report, /could not be downloaded from any node.*fetching the whole file through the gateway instead/);

  // With the gateway unreachable too, a clear error names both routes.
  const indexerHost = new URL(devnet.indexer.url).host;
  await page.route((url) => url.host === indexerHost && url.pathname === '/file', (route) => route.abort('connectionrefused'));
  await entry.getByRole('button', { name: 'Download' }).click();
  const failure = entry.getByRole('alert').filter({ hasText: 'could not be downloaded from any node' });
  await failure.waitFor({ timeout: 30_000 });
  assert.match(await failure.textContent(), /instead|proof refused|not JSON/);
  assert.match(await failure.textContent(), /and through the gateway: the 0G indexer at .* is unreachable/);

  // Every node claims the file is 4 PiB: refused with the reason, and the page lives on.
  await page.unrouteAll({ behavior: 'wait' });
  for (const node of devnet.storageNodes) await lyingNode(page, node.url, 'huge-size');
  const form = page.getByRole('form', { name: 'Download by root' });
  await form.getByLabel('File root').fill(file.root);
  await form.getByRole('button', { name: 'Download' }).click();
  const refused = form.getByRole('alert').filter({ hasText: 'more than this browser client downloads' });
  await refused.waitFor({ timeout: 30_000 });
  assert.match(await refused.textContent(), /4503599627370496 bytes.*may be lying: give the size by hand/);
  // Given the size by hand, the same nodes' segments still verify.
  await page.unrouteAll({ behavior: 'wait' });
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    (async () => {
      await form.getByLabel('Size in bytes (optional)').fill(String(file.bytes.length));
      await form.getByRole('button', { name: 'Download' }).click();
    })(),
  ]);
  const saved = join(dir, 'fallback-by-root.bin');
  await download.saveAs(saved);
  assert.ok(readFileSync(saved).equals(file.bytes), 'the page still works after the refusal');
  await page.context().close();
});

test('an upload interrupted by a reload resumes from the uploads list without paying twice', async () => {
  const { page } = await newProfile(browser);
  await openStorage(page);
  const file = await randomFile(dir, 'resume.bin', 40 * SEGMENT + 17);
  const shard1 = devnet.storageNodes.find((n) => n.numShard === 2 && n.shardId === 1).url;
  await slowUploads(page, shard1, 250);
  await pick(page, file.path);
  await page.getByRole('button', { name: /^Pay .* and upload$/ }).click();
  await midUpload(page);
  // Reloaded with the slow route still in place: the held requests die with the page, so
  // the upload stops part way (lifting the route first let it finish before the reload).
  await page.reload();
  await page.unrouteAll({ behavior: 'ignoreErrors' });
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await page.locator('nav[aria-label="Main"]').getByRole('link', { name: 'Storage' }).click();
  const entry = row(page, file.root);
  const status = await entry.getByTestId('upload-row-status').textContent();
  assert.match(status, /\d+ of 41 segments stored: pick the same file above to resume/);
  await shot(page, 'storage-08-after-reload');

  const balanceBefore = await rpc(devnet.rpcUrl, 'eth_getBalance', ['0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266', 'latest']);
  await pick(page, file.path);
  assert.match(await page.getByTestId('upload-fee').textContent(), /already paid/);
  await page.getByRole('button', { name: 'Resume upload' }).click();
  await page.getByTestId('upload-status').waitFor({ timeout: 120_000 });
  const balanceAfter = await rpc(devnet.rpcUrl, 'eth_getBalance', ['0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266', 'latest']);
  assert.equal(balanceAfter, balanceBefore, 'resuming sends no transaction');
  await page.context().close();
});
