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
import {
  launchBrowser, newProfile, restoreWallet, rpc, shot, startDevnet, toast, waitForVerifiedBalance,
} from './harness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(root, 'dist');
const PREFIX = '/apps/zg-console/';
/** The dev phrase's first account, the one the journeys use (funded on anvil). */
const DEV0 = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
/** Anvil's dev account #5, unlocked on the node: deploys the foreign contract below. */
const FUNDER = '0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc';
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
    for (const url of leaving) assert.match(url, /^https:\/\/[^/]*(0g\.ai|ankr\.com|drpc\.org)\//, url);
  } finally {
    await context.close();
  }
});

/** The hosted app's own saved settings (localStorage): what a link or a deployment kept. */
async function savedSettings(page) {
  return page.evaluate(() => JSON.parse(localStorage.getItem('zg-console.settings') ?? '{}'));
}

async function openPage(page, name) {
  await page.locator('nav[aria-label="Main"]').getByRole('link', { name }).click();
  await page.getByRole('heading', { name, level: 1 }).waitFor();
}

/** Follows the link the page was opened with: the notice, Settings, "Check and use". */
async function joinFromOpenedLink(page) {
  await page.getByTestId('pending-link').getByRole('button', { name: 'Review the link' }).click();
  const form = page.getByRole('form', { name: 'Network link' });
  assert.match(await form.getByLabel('Open a network link').inputValue(), /#join\?/);
  await form.getByRole('button', { name: 'Check and use' }).click();
  await form.getByTestId('join-done').or(form.locator('.alert-error')).waitFor({ timeout: 60_000 });
  assert.equal(await form.locator('.alert-error').count(), 0, await form.locator('.alert-error').allTextContents().then(String));
  return form.getByTestId('join-done').innerText();
}

/** Deploys a suite from the page's deploy card; returns the card's list of checked contracts. */
async function deployFromCard(page, transactions) {
  const card = page.getByTestId('deploy-card');
  await card.getByRole('button', { name: 'Check the cost' }).click();
  await card.getByTestId('deploy-estimate').or(card.locator('.alert-error')).waitFor({ timeout: 60_000 });
  assert.equal(await card.locator('.alert-error').count(), 0, await card.locator('.alert-error').allTextContents().then(String));
  const estimate = await card.getByTestId('deploy-estimate').innerText();
  assert.match(estimate, new RegExp(`^${transactions} transactions, about \\d+ gas: about [\\d.]+ 0G at today's fees, at most [\\d.]+ 0G`));
  await card.getByRole('button', { name: 'Deploy' }).click();
  await toast(page, /Deployed the (agent|governance) contracts from block \d+; their code is proven/, card, 180_000);
  return card.getByTestId('deploy-checked').innerText();
}

test('a network link to any RPC: deploy the agent and governance contracts from the page, mint, vote, and join from the shared link', async () => {
  const a = await newProfile(browser);
  const b = await newProfile(browser);
  for (const { context } of [a, b]) {
    await context.route('**/*', (route) => {
      const { hostname } = new URL(route.request().url());
      return hostname === '127.0.0.1' || hostname === 'localhost' ? route.continue() : route.abort('blockedbyclient');
    });
  }
  try {
    // A link naming only a network: the devnet's EVM node and its genesis checkpoint.
    const network = new URLSearchParams({
      network: 'custom',
      chain: String(devnet.chainId),
      rpc: devnet.rpcUrl,
      checkpoint: `${devnet.checkpoint.number}:${devnet.checkpoint.hash}`,
    });
    await restoreWallet(a.page, `${site.url}#join?${network}`);
    assert.match(await joinFromOpenedLink(a.page), /Now using Custom network/);
    // Once used, the link gives way to the page's own address (Back does not return to it).
    await a.page.waitForFunction(() => location.hash === '#/settings');
    await openPage(a.page, 'Wallet');
    await waitForVerifiedBalance(a.page, undefined, 60_000);
    assert.equal((await savedSettings(a.page)).network, 'custom');

    // Storage for the agents' data: the devnet's Flow and indexer, typed in Settings.
    await openPage(a.page, 'Settings');
    const addresses = a.page.getByRole('form', { name: 'Contract addresses' });
    await addresses.getByLabel('0G Storage Flow', { exact: true }).fill(devnet.contracts.flow);
    await addresses.getByLabel('0G Storage indexer', { exact: true }).fill(devnet.indexer.url);
    await addresses.getByRole('button', { name: 'Save addresses' }).click();
    await toast(a.page, /Contract addresses saved/);

    // Agents: the page offers the deployment. Declining the first review deploys nothing.
    await openPage(a.page, 'Agents');
    const nonce = await rpc(devnet.rpcUrl, 'eth_getTransactionCount', [DEV0, 'latest']);
    a.approving = false;
    try {
      const card = a.page.getByTestId('deploy-card');
      await card.getByRole('button', { name: 'Check the cost' }).click();
      await card.getByTestId('deploy-estimate').waitFor({ timeout: 60_000 });
      await card.getByRole('button', { name: 'Deploy' }).click();
      const dialog = a.page.getByTestId('tx-review');
      await dialog.waitFor({ timeout: 60_000 });
      assert.equal((await dialog.getByTestId('tx-review-what').textContent()).trim(), "Deploys the agents' handover verifier");
      assert.match(await dialog.innerText(), /a new contract at\s+0x[0-9a-fA-F]{4}…/);
      await dialog.getByRole('button', { name: 'Reject' }).click();
      await card.locator('.alert-error').filter({ hasText: /step 1 of 2 .* you declined the transaction; nothing was signed or sent/ }).waitFor();
      assert.equal(await rpc(devnet.rpcUrl, 'eth_getTransactionCount', [DEV0, 'latest']), nonce);
      assert.equal((await savedSettings(a.page)).addresses.custom.contracts.agentNft, undefined, 'nothing was saved');
    } finally {
      a.approving = true;
    }
    const agents = await deployFromCard(a.page, 2);
    assert.match(agents, /the shipped AgentNFT; its verifier 0x[0-9a-fA-F]{40} is the shipped SignatureVerifier/);
    assert.ok(a.reviews.some((r) => r.includes('Deploys the agent NFT (ERC-7857)')), 'the NFT was reviewed as a deployment');
    const agentNft = (await savedSettings(a.page)).addresses.custom.contracts.agentNft;
    assert.match(agentNft, /^0x[0-9a-fA-F]{40}$/);
    assert.notEqual(await rpc(devnet.rpcUrl, 'eth_getCode', [agentNft, 'latest']), '0x');

    // Mint an agent on the contract just deployed.
    const form = a.page.getByRole('form', { name: 'Create agent' });
    await form.getByLabel('Name').fill('Hosted scout');
    await form.getByLabel('Model').fill('zg-devnet-tiny');
    await form.getByLabel('Description').fill('Minted on a contract deployed from the page');
    await form.getByLabel('System prompt').fill('You are terse.');
    await form.getByLabel('Tools').fill('search');
    await form.getByRole('button', { name: 'Create agent' }).click();
    const minted = await toast(a.page, /minted in block \d+ \(receipt verified\)/, form);
    const token = minted.match(/Agent #(\d+)/)[1];
    await a.page.getByTestId('agent-title').filter({ hasText: `Hosted scout · agent #${token}` }).waitFor({ timeout: 60_000 });

    // Governance: deploy the set, wrap, delegate, propose and vote.
    await openPage(a.page, 'Governance');
    const governance = await deployFromCard(a.page, 6);
    assert.match(governance, /the shipped ZgGovernor over token 0x[0-9a-fA-F]{40} and timelock 0x[0-9a-fA-F]{40}, which lets it propose/);
    await a.page.getByTestId('governance-power').waitFor({ timeout: 60_000 });
    const power = a.page.getByRole('region', { name: 'Voting power' });
    await power.getByLabel('Amount to wrap or unwrap').fill('5');
    await power.getByRole('button', { name: 'Wrap', exact: true }).click();
    await toast(a.page, /Wrapped 5 0G in block \d+/);
    await power.getByRole('button', { name: 'Delegate to myself' }).click();
    await toast(a.page, /Delegated to 0x[0-9a-fA-F]{40} in block \d+/);
    const proposal = a.page.getByRole('form', { name: 'New proposal' });
    await proposal.getByLabel('Title').fill('Fund the hosted site');
    await proposal.getByLabel('Description').fill('Pays 1 0G to the docs writer.');
    await proposal.getByLabel('Pay to').fill('0x00000000000000000000000000000000000D0c5A');
    await proposal.getByLabel('Amount').fill('1');
    await proposal.getByRole('button', { name: 'Submit proposal' }).click();
    await toast(a.page, /Proposal submitted in block \d+/);
    const card = a.page.locator('article.proposal').filter({ has: a.page.getByRole('heading', { name: 'Fund the hosted site' }) });
    await card.and(a.page.locator('[data-state="Voting"]')).waitFor({ timeout: 60_000 });
    await card.getByRole('button', { name: 'Vote Yes', exact: true }).click();
    await toast(a.page, /Voted Yes on proposal/);
    await shot(a.page, 'hosted-deployed-and-voted');

    // The shared link carries the network and the four contracts; B joins from it.
    await openPage(a.page, 'Settings');
    const shared = await a.page.getByTestId('share-link').inputValue();
    for (const key of ['agentNft', 'wrappedZG', 'governor', 'timelock', 'flow', 'indexer', 'from', 'checkpoint', 'rpc']) {
      assert.match(shared, new RegExp(`[?&]${key}=`), `${key} in ${shared}`);
    }
    await restoreWallet(b.page, shared);
    const joined = await joinFromOpenedLink(b.page);
    assert.match(joined, /the shipped AgentNFT/);
    assert.match(joined, /the shipped ZgGovernor/);
    assert.match(joined, /the shipped WrappedZG/);
    assert.match(joined, /the shipped ZgTimelock/);
    assert.match(joined, /the shipped Flow/);
    await openPage(b.page, 'Governance');
    await b.page.locator('article.proposal').filter({ has: b.page.getByRole('heading', { name: 'Fund the hosted site' }) })
      .waitFor({ timeout: 60_000 });
    assert.equal(await b.page.getByTestId('deploy-card').count(), 0);
    await openPage(b.page, 'Agents');
    await b.page.locator('li.agent-row', { hasText: 'Hosted scout' }).waitFor({ timeout: 60_000 });

    // A link whose agent NFT is some other contract (the governor), one whose agent NFT is
    // the app's own code but names another contract as its verifier (deployed here from the
    // same artifact, straight through anvil), and one for another chain: each refused with
    // the reason, nothing saved.
    const before = await savedSettings(b.page);
    await openPage(b.page, 'Settings');
    const link = b.page.getByRole('form', { name: 'Network link' });
    const governor = new URL(shared).hash.match(/governor=(0x[0-9a-fA-F]{40})/)[1];
    const nft = JSON.parse(await readFile(join(root, 'contracts/out/AgentNFT.json'), 'utf8'));
    const created = await rpc(devnet.rpcUrl, 'eth_sendTransaction', [
      { from: FUNDER, data: nft.bytecode + governor.slice(2).toLowerCase().padStart(64, '0'), gas: '0x1c9c380' },
    ]);
    let receipt = null;
    while (!receipt) {
      receipt = await rpc(devnet.rpcUrl, 'eth_getTransactionReceipt', [created]);
      if (!receipt) await new Promise((r) => setTimeout(r, 200));
    }
    const tries = [
      [shared.replace(/agentNft=0x[0-9a-fA-F]{40}/, `agentNft=${receipt.contractAddress}`), /names 0x[0-9a-fA-F]{40} as its verifier, which is not the app's/],
      [shared.replace(/agentNft=0x[0-9a-fA-F]{40}/, `agentNft=${governor}`), /the agent NFT \(ERC-7857\) at 0x[0-9a-fA-F]{40}: its code is \d+ bytes long where the agent NFT \(ERC-7857\) is \d+: it is some other contract/],
      [shared.replace(/chain=\d+/, 'chain=16602'), /serves chain 31337, not Custom network \(16602\)/],
    ];
    for (const [bad, reason] of tries) {
      await link.getByLabel('Open a network link').fill(bad);
      await link.getByRole('button', { name: 'Check and use' }).click();
      await link.locator('.alert-error').filter({ hasText: reason }).waitFor({ timeout: 60_000 });
      assert.deepEqual(await savedSettings(b.page), before, 'nothing was saved');
    }
  } finally {
    await a.context.close();
    await b.context.close();
  }
});
