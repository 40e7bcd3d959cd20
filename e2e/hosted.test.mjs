// The app as anyone can host it: dist/ copied to a plain static file server under a
// sub-path, with no devnet beside it. The user points it at an EVM endpoint (here the
// devnet's anvil) from Settings, as they would at any RPC, and it verifies from the
// checkpoint they enter. Nothing leaves the loopback: a request to anywhere else (the
// built-in 0G networks' public endpoints, which the app tries first) is refused and noted.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, newProfile, restoreWallet, shot, startDevnet, waitForVerifiedBalance } from './harness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(root, 'dist');
const PREFIX = '/apps/zg-console/';
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
};

/** A static file server that knows nothing of the app: files under PREFIX, else 404. */
async function startStaticServer() {
  const served = [];
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    served.push(path);
    if (!path.startsWith(PREFIX)) return res.writeHead(404).end();
    const rel = normalize(path.slice(PREFIX.length) || 'index.html');
    if (rel.startsWith('..')) return res.writeHead(404).end();
    try {
      const body = await readFile(join(DIST, rel));
      res.writeHead(200, { 'content-type': TYPES[extname(rel)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}${PREFIX}`;
  return { url, served, close: () => new Promise((resolve) => server.close(resolve)) };
}

let devnet, site, browser, closeBrowser;

before(async () => {
  devnet = await startDevnet();
  site = await startStaticServer();
  ({ browser, close: closeBrowser } = await launchBrowser());
});

after(async () => {
  await closeBrowser?.();
  await site?.close();
  await devnet?.stop();
});

test('dist/ served from a sub-path by a plain static server runs against any RPC the user enters', async () => {
  const profile = await newProfile(browser);
  const { page, context } = profile;
  const leaving = [];
  await context.route('**/*', (route) => {
    const { hostname } = new URL(route.request().url());
    if (hostname === '127.0.0.1' || hostname === 'localhost') return route.continue();
    leaving.push(route.request().url());
    return route.abort('blockedbyclient');
  });
  try {
    await restoreWallet(page, site.url);
    // Every asset came from under the sub-path; devnet.json is simply not there.
    const assets = site.served.filter((p) => /\.(js|wasm|css)$/.test(p));
    assert.ok(assets.length >= 3, `assets loaded: ${assets}`);
    assert.deepEqual(assets.filter((p) => !p.startsWith(PREFIX)), [], 'an asset was asked for outside the sub-path');
    assert.ok(site.served.includes(`${PREFIX}devnet.json`), 'the app looked for a devnet beside it');

    // Point it at the devnet's EVM node and its genesis checkpoint, as a user would.
    const nav = page.locator('nav[aria-label="Main"]');
    await nav.getByRole('link', { name: 'Settings' }).click();
    const custom = page.getByRole('form', { name: 'Custom network' });
    await custom.getByLabel('RPC URL').fill(devnet.rpcUrl);
    await custom.getByLabel('Chain id').fill(String(devnet.chainId));
    await custom.getByRole('button', { name: 'Use this network' }).click();
    const checkpoint = page.getByRole('form', { name: 'Checkpoint' });
    await checkpoint.getByLabel('Block number').fill(String(devnet.checkpoint.number));
    await checkpoint.getByLabel('Block hash').fill(devnet.checkpoint.hash);
    await checkpoint.getByRole('button', { name: 'Save checkpoint' }).click();
    await nav.getByRole('link', { name: 'Wallet' }).click();
    await waitForVerifiedBalance(page, undefined, 60_000);
    const card = page.getByRole('region', { name: 'Light client' });
    assert.match(await card.getByTestId('lc-network').innerText(), new RegExp(`chain ${devnet.chainId}`));
    await shot(page, 'hosted-sub-path-verified');

    // The hashing worker's files resolve under the sub-path too (they load by URL at runtime).
    const worker = await page.evaluate(async () => (await fetch('hash-worker/zg-hash-worker.js')).status);
    assert.equal(worker, 200);
    // Only the built-in public networks were tried beyond the loopback, and refused.
    for (const url of leaving) assert.match(url, /^https:\/\/[^/]*(0g\.ai|ankr\.com)\//, url);
  } finally {
    await context.close();
  }
});
