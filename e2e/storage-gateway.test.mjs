// 0G Storage from a page that cannot reach the storage nodes: every request from the page
// to a node is aborted (what a blocked http:// node on an https page, a node refusing CORS
// or a firewalled node looks like to the page), so the app goes through the devnet's
// zg-indexer gateway, as it would through 0G's indexer on Galileo or mainnet. And an
// indexer that lies (a dead node, a wrong shard, wrong file locations) or a gateway that
// sends a corrupted file: the app says so and goes another way, or refuses.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, newProfile, randomFile, restoreWallet, rpc, shot, startDevnet } from './harness.mjs';

const PASSWORD = 'correct horse battery';
const PHRASE = 'test test test test test test test test test test test junk';
const SEGMENT = 256 * 1024;
const DEAD_NODE = 'http://127.0.0.1:9';

let devnet, browser, closeBrowser, dir;

before(async () => {
  devnet = await startDevnet();
  ({ browser, close: closeBrowser } = await launchBrowser());
  dir = mkdtempSync(join(tmpdir(), 'zg-e2e-gateway-'));
});

after(async () => {
  await closeBrowser?.();
  await devnet?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Every request from the page to a storage node fails as a blocked request does. */
async function blockNodes(page) {
  const hosts = new Set(devnet.storageNodes.map((n) => new URL(n.url).host));
  const blocked = [];
  await page.route((url) => hosts.has(url.host), (route) => {
    blocked.push(route.request().url());
    return route.abort('blockedbyclient');
  });
  return blocked;
}

/** Every gateway request the page makes, by path. */
function watchGateway(page) {
  const seen = [];
  const indexer = new URL(devnet.indexer.url).host;
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.host === indexer && r.method() !== 'OPTIONS') seen.push(`${r.method()} ${url.pathname}`);
  });
  return seen;
}

async function openStorage(page) {
  await restoreWallet(page, devnet.appUrl, PHRASE, PASSWORD);
  await page.locator('nav[aria-label="Main"]').getByRole('link', { name: 'Storage' }).click();
  await page.getByRole('heading', { name: 'Storage', level: 1 }).waitFor();
  await page.getByTestId('storage-path').waitFor();
}

async function pick(page, path) {
  await page.getByLabel('File to upload').setInputFiles(path);
  await page.getByTestId('upload-root').waitFor({ timeout: 60_000 });
  return (await page.getByTestId('upload-root').textContent()).trim();
}

function row(page, root) {
  return page.locator(`li.upload-row[data-root="${root}"]`);
}

async function downloadFrom(page, entry, name) {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    entry.getByRole('button', { name: 'Download' }).click(),
  ]);
  const saved = join(dir, name);
  await download.saveAs(saved);
  return readFileSync(saved);
}

test('nodes unreachable from the page: upload, download and resume go through the indexer gateway', async () => {
  const { page, consoleLines } = await newProfile(browser);
  const blocked = await blockNodes(page);
  const gateway = watchGateway(page);
  await openStorage(page);
  const path = await page.getByTestId('storage-path').textContent();
  assert.match(path, /via 0G indexer gateway/, 'the page says which path it takes');
  assert.match(await page.getByTestId('storage-nodes').textContent(), /No storage node is reachable from this page/);
  assert.ok(blocked.length > 0, 'the page did try the nodes first');
  await shot(page, 'gateway-01-path');

  // Two full segments and a partial one, through POST /file/segment.
  const file = await randomFile(dir, 'via-gateway.bin', 2 * SEGMENT + 5_000);
  assert.equal(await pick(page, file.path), file.root);
  await page.getByRole('button', { name: /^Pay .* and upload$/ }).click();
  await page.getByTestId('upload-status').waitFor({ timeout: 90_000 });
  assert.match(await page.getByTestId('upload-status').textContent(), /is stored: .*via 0G indexer gateway/);
  assert.equal(gateway.filter((r) => r === 'POST /file/segment').length, 3, 'one gateway request per segment');

  // The nodes really hold it: asked directly (not through the page), the nodes that
  // finalized it cover every shard (the gateway picks one complete set, 0G's "min").
  const finalized = [];
  for (const node of devnet.storageNodes) {
    const info = await rpc(node.url, 'zgs_getFileInfo', [file.root, true]);
    if (info?.finalized) finalized.push(`${node.shardId}/${node.numShard}`);
  }
  assert.ok(finalized.includes('0/1') || (finalized.includes('0/2') && finalized.includes('1/2')),
    `a complete shard set finalized the file (${finalized})`);

  const entry = row(page, file.root);
  const bytes = await downloadFrom(page, entry, 'via-gateway-downloaded.bin');
  assert.ok(bytes.equals(file.bytes), 'the download through the gateway is byte-identical');
  const said = await entry.getByText('downloaded via 0G indexer gateway').textContent();
  assert.match(said, /the whole file verified against the root/);
  assert.ok(gateway.some((r) => r === 'GET /file'), 'the file came from GET /file');

  // An audit needs the nodes: the page says so rather than pretending.
  await entry.getByRole('button', { name: 'Audit' }).click();
  const refusal = entry.getByRole('alert').filter({ hasText: 'only through the 0G indexer gateway' });
  await refusal.waitFor({ timeout: 10_000 });
  await shot(page, 'gateway-02-stored-downloaded');

  // Resume after a reload, on the same path: hold the gateway's segment uploads so the
  // reload lands mid-upload.
  const big = await randomFile(dir, 'gateway-resume.bin', 24 * SEGMENT + 3);
  await page.route(`${devnet.indexer.url}/file/segment`, async (route) => {
    await new Promise((r) => setTimeout(r, 200));
    try {
      await route.continue();
    } catch {
      // The page went away while the request was held.
    }
  });
  await pick(page, big.path);
  await page.getByRole('button', { name: /^Pay .* and upload$/ }).click();
  await page.waitForFunction(() => {
    const bar = document.querySelector('[role="progressbar"][aria-label="Segments uploaded"]');
    const now = Number(bar?.getAttribute('aria-valuenow') ?? 0);
    return now > 0 && now < 100;
  }, null, { timeout: 90_000, polling: 10 });
  await page.unroute(`${devnet.indexer.url}/file/segment`);
  await page.reload();
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await page.locator('nav[aria-label="Main"]').getByRole('link', { name: 'Storage' }).click();
  const status = await row(page, big.root).getByTestId('upload-row-status').textContent();
  const [, stored] = status.match(/(\d+) of 25 segments stored/);
  assert.ok(Number(stored) > 0 && Number(stored) < 25, `the reload came mid-upload (${status})`);
  const sentBefore = gateway.filter((r) => r === 'POST /file/segment').length;
  await pick(page, big.path);
  assert.match(await page.getByTestId('upload-fee').textContent(), /already paid/);
  await page.getByRole('button', { name: 'Resume upload' }).click();
  await page.getByTestId('upload-status').waitFor({ timeout: 120_000 });
  const resent = gateway.filter((r) => r === 'POST /file/segment').length - sentBefore;
  assert.ok(resent <= 25 - Number(stored), `only the missing segments went again (${resent})`);
  const again = await downloadFrom(page, row(page, big.root), 'gateway-resume-downloaded.bin');
  assert.ok(again.equals(big.bytes), 'the resumed file downloads byte-identical');

  assert.deepEqual(consoleLines.filter((l) => l.startsWith('pageerror')), []);
  await page.context().close();
});

test('an indexer listing a dead node, a wrong shard and wrong locations: the app says so and still succeeds', async () => {
  const { page } = await newProfile(browser);
  const shard1 = devnet.storageNodes.find((n) => n.numShard === 2 && n.shardId === 1).url;
  // A man in the middle of the indexer's JSON-RPC answers.
  await page.route(`${devnet.indexer.url}/`, async (route) => {
    const request = route.request();
    if (request.method() !== 'POST') return route.continue();
    const call = request.postDataJSON();
    const response = await route.fetch();
    const body = await response.json();
    if (call.method === 'indexer_getShardedNodes') {
      // A dead whole replica, listed first; and shard 1/2 claimed to be a whole replica, so
      // both are chosen before the honest nodes.
      body.result.trusted.unshift({ url: DEAD_NODE, config: { shardId: 0, numShard: 1 }, latency: 1, since: 0 });
      for (const node of body.result.trusted) if (node.url === shard1) node.config = { shardId: 0, numShard: 1 };
    } else if (call.method === 'indexer_getFileLocations') {
      body.result = [{ url: DEAD_NODE, config: { shardId: 0, numShard: 1 }, latency: 1, since: 0 }];
    }
    return route.fulfill({ response, json: body });
  });
  await openStorage(page);
  const nodes = await page.getByTestId('storage-nodes').textContent();
  assert.match(nodes, /127\.0\.0\.1:9\b.*unreachable|unreachable.*127\.0\.0\.1:9\b/, `the dead node is named: ${nodes}`);
  assert.match(nodes, /the indexer said .* keeps shard 0\/1, the node says 1\/2/);
  assert.match(nodes, /shard 1\/2/, 'the misdescribed node is used for the shard it really keeps');
  assert.match(await page.getByTestId('storage-path').textContent(), /direct to 3 nodes/);
  await shot(page, 'gateway-03-lying-indexer');

  const file = await randomFile(dir, 'despite-indexer.bin', 2 * SEGMENT + 77);
  await pick(page, file.path);
  await page.getByRole('button', { name: /^Pay .* and upload$/ }).click();
  await page.getByTestId('upload-status').waitFor({ timeout: 90_000 });
  assert.match(await page.getByTestId('upload-status').textContent(), /direct to 3 nodes/);
  const entry = row(page, file.root);
  const bytes = await downloadFrom(page, entry, 'despite-indexer-downloaded.bin');
  assert.ok(bytes.equals(file.bytes), 'byte-identical although the indexer pointed at a dead node');
  const said = await entry.getByText('downloaded direct to 3 nodes').textContent();
  assert.match(said, /the indexer says 127\.0\.0\.1:9 holds the file, but/);
  await page.context().close();
});

test('a gateway that sends a corrupted file: nothing is saved and the reason is given', async () => {
  const { page } = await newProfile(browser);
  await blockNodes(page);
  await openStorage(page);
  const file = await randomFile(dir, 'corrupted-by-gateway.bin', SEGMENT + 1_000);
  await pick(page, file.path);
  await page.getByRole('button', { name: /^Pay .* and upload$/ }).click();
  await page.getByTestId('upload-status').waitFor({ timeout: 90_000 });

  const indexerHost = new URL(devnet.indexer.url).host;
  await page.route((url) => url.host === indexerHost && url.pathname === '/file', async (route) => {
    const response = await route.fetch();
    const body = Buffer.from(await response.body());
    body[SEGMENT + 10] ^= 0x01;
    return route.fulfill({ response, body });
  });
  let saved = false;
  page.on('download', () => (saved = true));
  const entry = row(page, file.root);
  await entry.getByRole('button', { name: 'Download' }).click();
  const alert = entry.getByRole('alert').filter({ hasText: 'sent a bad file' });
  await alert.waitFor({ timeout: 30_000 });
  assert.match(await alert.textContent(), /whose root is 0x[0-9a-f]{64}, not 0x[0-9a-f]{64}.*nothing it sent was used/);
  assert.equal(saved, false, 'no file was handed to the user');

  // The gateway honest again: the same download works.
  await page.unrouteAll({ behavior: 'wait' });
  await blockNodes(page);
  const bytes = await downloadFrom(page, entry, 'corrupted-then-honest.bin');
  assert.ok(bytes.equals(file.bytes));
  await page.context().close();
});

test("the indexer is down: the network's own node list is used, and the page says why", async () => {
  const { page } = await newProfile(browser);
  const indexerHost = new URL(devnet.indexer.url).host;
  await page.route((url) => url.host === indexerHost, (route) => route.abort('connectionrefused'));
  await openStorage(page);
  const nodes = await page.getByTestId('storage-nodes').textContent();
  assert.match(nodes, /the 0G indexer at 127\.0\.0\.1:\d+ is unreachable .*Trying the network's own node list/);
  assert.match(await page.getByTestId('storage-path').textContent(), /direct to 3 nodes, 2 copies/);

  const file = await randomFile(dir, 'indexer-down.bin', SEGMENT + 3);
  await pick(page, file.path);
  await page.getByRole('button', { name: /^Pay .* and upload$/ }).click();
  await page.getByTestId('upload-status').waitFor({ timeout: 90_000 });
  const entry = row(page, file.root);
  const bytes = await downloadFrom(page, entry, 'indexer-down-downloaded.bin');
  assert.ok(bytes.equals(file.bytes), 'byte-identical without the indexer');
  // The file locations could not be asked: said, and the download went on without them.
  assert.match(await entry.getByText('downloaded direct to 3 nodes').textContent(), /file locations: the 0G indexer at .* is unreachable/);
  await page.context().close();
});
