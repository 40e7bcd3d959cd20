// 0G Compute as a user meets it: the Compute page lists the registry's providers (each
// proven), the user opens a ledger and funds a provider; an agent chats through the
// provider (answer, cost, signature verified against the acknowledged signer), saves the
// exchange to its encrypted memory, which is still there after a reload; the same prompt
// runs locally in the browser. Faults: chatting before funding says to fund the provider;
// a provider that is down says so. Everything runs against the devnet's real anvil,
// LedgerManager, InferenceServing, storage nodes and zg-compute-provider.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, newProfile, shot, startDevnet, restoreWallet, toast } from './harness.mjs';

const PASSWORD = 'correct horse battery';
const PHRASE = 'test test test test test test test test test test test junk';

let devnet, browser, closeBrowser, a, provider, agentToken;

before(async () => {
  devnet = await startDevnet();
  ({ browser, close: closeBrowser } = await launchBrowser());
  const config = await (await fetch(new URL('devnet.json', devnet.appUrl))).json();
  provider = config.computeProviders[0];
  assert.ok(provider?.url, 'devnet.json lists a compute provider');
});

after(async () => {
  await closeBrowser?.();
  await devnet?.stop();
});

async function nav(page, name) {
  await page.locator('nav[aria-label="Main"]').getByRole('link', { name }).click();
  await page.getByRole('heading', { name, level: 1 }).waitFor();
}

function providerRow(page) {
  return page.locator(`[data-testid="provider"][data-provider="${provider.address}" i]`);
}

async function openAgent(page, token) {
  await nav(page, 'Agents');
  const row = page.locator(`li.agent-row[data-token="${token}"]`);
  await row.waitFor({ timeout: 60_000 });
  await row.getByRole('button', { name: 'Open' }).click();
  await page.getByTestId('agent-title').waitFor({ timeout: 60_000 });
}

async function send(page, message) {
  const card = page.getByRole('region', { name: 'Agent console' });
  await card.locator('#console-provider option').first().waitFor({ state: 'attached', timeout: 60_000 });
  await card.getByLabel('Message').fill(message);
  await card.getByRole('button', { name: 'Send' }).click();
  return card;
}

test('the Compute page proves the registry; the user opens a ledger', async () => {
  a = await newProfile(browser);
  await restoreWallet(a.page, devnet.appUrl, PHRASE, PASSWORD);
  const { page } = a;
  await nav(page, 'Compute');
  const row = providerRow(page);
  await row.waitFor({ timeout: 60_000 });
  assert.equal(await row.getByTestId('proof-badge').getAttribute('data-state'), 'verified');
  assert.match(await row.getByTestId('proof-badge').textContent(), /Verified at block \d+/);
  assert.equal((await row.getByTestId('provider-model').textContent()).trim(), provider.model);
  assert.match(await row.getByTestId('provider-ack').textContent(), /^yes/);
  assert.match(await row.getByTestId('sub-account').textContent(), /none yet/);
  assert.match(await page.getByTestId('model-description').textContent(), /memorised/);
  await page.getByTestId('no-ledger').waitFor();
  await shot(page, 'compute-01-registry');

  const ledger = page.getByRole('region', { name: 'Ledger' });
  await ledger.getByLabel('Ledger amount').fill('5');
  await ledger.getByRole('button', { name: 'Create ledger' }).click();
  await toast(page, /Ledger created with 5 0G: block \d+ \(receipt verified\)/, ledger);
  await page.getByTestId('ledger-available').filter({ hasText: /^5 0G/ }).waitFor({ timeout: 60_000 });
  assert.equal(await page.getByRole('region', { name: 'Ledger' }).getByTestId('proof-badge').getAttribute('data-state'), 'verified');
});

test('an agent chatting before its holder funds the provider is told to fund it', async () => {
  const { page } = a;
  await nav(page, 'Agents');
  const form = page.getByRole('form', { name: 'Create agent' });
  await form.getByLabel('Name').fill('Cleo');
  await form.getByLabel('Model').fill(provider.model);
  await form.getByLabel('Description').fill('Talks about 0G');
  await form.getByLabel('System prompt').fill('You are Cleo.');
  await form.getByRole('button', { name: 'Create agent' }).click();
  const said = await toast(page, /minted in block \d+ \(receipt verified\)/, form);
  agentToken = said.match(/Agent #(\d+)/)[1];
  await page.getByTestId('agent-title').filter({ hasText: `Cleo · agent #${agentToken}` }).waitFor({ timeout: 60_000 });
  await page.getByTestId('memory-empty').waitFor();

  const card = await send(page, 'What is 0G?');
  const alert = card.locator('.alert-error[role="alert"]');
  await alert.waitFor({ timeout: 60_000 });
  assert.match(await alert.textContent(), /fund the provider first/);
  assert.equal(await card.getByTestId('console-answer').count(), 0, 'no answer is shown');
  await shot(page, 'compute-02-unfunded');
});

test('the user funds the provider; the agent chats, the answer is verified and costed', async () => {
  const { page } = a;
  await nav(page, 'Compute');
  const row = providerRow(page);
  await row.waitFor({ timeout: 60_000 });
  await row.getByLabel('Amount to fund the provider').fill('2');
  await row.getByRole('button', { name: 'Fund provider' }).click();
  await toast(page, /Moved 2 0G to the provider: block \d+ \(receipt verified\)/, row);
  await providerRow(page).getByTestId('sub-account').filter({ hasText: /^2 0G/ }).waitFor({ timeout: 60_000 });
  await page.getByTestId('ledger-available').filter({ hasText: /^3 0G/ }).waitFor({ timeout: 60_000 });
  await shot(page, 'compute-03-funded');

  await openAgent(page, agentToken);
  const t0 = Date.now();

  const card = await send(page, 'What is 0G?');
  await card.getByTestId('console-answer').or(card.locator('.alert-error')).first().waitFor({ timeout: 90_000 });
  if (await card.locator('.alert-error').count()) assert.fail(await card.locator('.alert-error').first().textContent());
  console.log(`chat answered and verified in ${Date.now() - t0} ms`);
  await card.getByTestId('answer-verified').waitFor();
  assert.equal(await card.getByTestId('answer-unverified').count(), 0);
  assert.ok((await card.getByTestId('answer-text').textContent()).length > 0, 'an answer is shown');
  assert.match(await card.getByTestId('answer-cost').textContent(), /^Cost [0-9.]+ 0G \(\d+ prompt \+ \d+ answer tokens\)$/);
  await shot(page, 'compute-04-verified-answer');

  await card.getByRole('button', { name: 'Save to memory' }).click();
  await toast(page, new RegExp(`Saved to agent #${agentToken}'s memory in block \\d+ \\(receipt verified\\)`), card, 180_000);
  await page.getByRole('region', { name: 'Agent console' }).getByTestId('memory-entry').nth(1).waitFor({ timeout: 60_000 });
});

test('an answer altered on the way is shown UNVERIFIED, with the reason', async () => {
  const { page } = a;
  const url = `${provider.url.replace(/\/$/, '')}/v1/proxy/chat/completions`;
  const forge = async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replace('"content":"', '"content":"FORGED ');
    await route.fulfill({ response, body });
  };
  await page.route(url, forge);
  try {
    const card = await send(page, 'What is 0G?');
    await card.getByTestId('console-answer').or(card.locator('.alert-error')).first().waitFor({ timeout: 60_000 });
    await card.getByTestId('answer-unverified').waitFor();
    assert.equal(await card.getByTestId('answer-verified').count(), 0, 'never badged verified');
    assert.match(await card.getByTestId('answer-text').textContent(), /^FORGED /);
    assert.match(await card.getByTestId('answer-unverified-reason').textContent(),
      /the provider signed other bytes than the request and answer we exchanged/);
    assert.equal(await card.getByRole('button', { name: 'Save to memory' }).count(), 0, 'an unverified answer is not offered for memory');
    await shot(page, 'compute-04b-unverified');
  } finally {
    await page.unroute(url, forge);
  }
});

test('after a reload the memory holds the exchange; a local run is labelled local', async () => {
  const { page } = a;
  await page.reload();
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await page.getByRole('heading', { name: 'Wallet' }).waitFor();
  await openAgent(page, agentToken);
  const card = page.getByRole('region', { name: 'Agent console' });
  const entries = await card.getByTestId('memory-entry').allTextContents();
  assert.equal(entries.length, 2);
  assert.equal(entries[0], 'user: What is 0G?');
  assert.match(entries[1], /^agent: /);
  await shot(page, 'compute-05-memory');

  await card.getByLabel('Message').fill('Tell me about storage.');
  await card.getByRole('button', { name: 'Run locally' }).click();
  await card.getByTestId('answer-local').waitFor({ timeout: 60_000 });
  assert.equal((await card.getByTestId('answer-local').textContent()).trim(), 'local (CPU, wasm)');
  assert.match(await card.getByTestId('answer-cost').textContent(), /nothing paid/);
  await shot(page, 'compute-06-local');
});

test('a provider that is down is reported as down, and nothing is shown as answered', async () => {
  const { page } = a;
  const fault = (body) => fetch(`${provider.url.replace(/\/$/, '')}/__admin/fault`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  assert.equal((await fault({ down: true })).status, 200);
  try {
    const card = await send(page, 'Are you there?');
    const alert = card.locator('.alert-error[role="alert"]');
    await alert.waitFor({ timeout: 60_000 });
    assert.match(await alert.textContent(), /down/);
    assert.equal(await card.getByTestId('answer-verified').count(), 0);
    await shot(page, 'compute-07-provider-down');
  } finally {
    await fault({ down: false });
  }
});
