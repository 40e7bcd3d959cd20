// 0G Compute as a user meets it: the Compute page lists the registry's providers (each
// proven), the user opens a ledger and funds a provider; an agent chats through the
// provider (answer, cost, signature fetched by the ZG-Res-Key uuid and verified against the
// acknowledged signer, saying what it covered; funding below 0G's locked reserve refused), saves the
// exchange to its encrypted memory, which is still there after a reload; the same prompt
// runs locally in the browser. Answers stream in. Faults: chatting before funding says to
// fund the provider; a provider that is down says so; a stream cut half way and a provider
// that goes silent are reported and cost nothing. Revoking session tokens kills a captured
// token; a sub-account's balance comes back through the refund lock to the ledger and the
// wallet. Everything runs against the devnet's real anvil, LedgerManager, InferenceServing,
// storage nodes and zg-compute-provider.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { appears, launchBrowser, newProfile, rpc, shot, startDevnet, restoreWallet, toast, unlock } from './harness.mjs';

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
  // The devnet has no TEE: its /v1/quote says so, and the app must not show "TEE verified".
  const attest = row.getByTestId('provider-attestation');
  await attest.locator('[data-state="unattested"]').waitFor({ timeout: 30_000 });
  assert.match(await attest.textContent(), /not attested.*the provider serves no TDX quote/i);
  assert.doesNotMatch(await attest.textContent(), /TEE verified/);
  assert.match(await row.getByTestId('sub-account').textContent(), /none yet/);
  assert.match(await page.getByTestId('model-description').textContent(), /SmolLM2-135M-Instruct: 135M parameters, English only/);
  await page.getByTestId('no-ledger').waitFor();
  await shot(page, 'compute-01-registry');

  const ledger = page.getByRole('region', { name: 'Ledger' });
  await ledger.getByLabel('Ledger amount').fill('5');
  await ledger.getByRole('button', { name: 'Create ledger' }).click();
  await toast(page, /Ledger created with 5 0G in block \d+ \(receipt verified\)/, ledger);
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
  // Before paying, the page shows 0G's locked reserve (a request's fee + unsettled fees +
  // 1 0G) and prefills at least that; 1 0G, the least the ledger would take, is refused.
  const reserve = await row.getByTestId('provider-reserve').textContent();
  assert.match(reserve, /^A request needs 1\.00\d+ 0G locked: its fee \(up to 0\.00\d+ 0G\) \+ unsettled fees \(0 0G, as the provider reports\) \+ the 1 0G reserve/);
  assert.match(reserve, /Transfer at least 1\.00\d+ 0G before chatting/);
  assert.ok(parseFloat(await row.getByLabel('Amount to fund the provider').inputValue()) > 1, 'the prefilled amount covers the reserve');
  await row.getByLabel('Amount to fund the provider').fill('1');
  await row.getByRole('button', { name: 'Fund provider' }).click();
  const short = row.locator('.alert-error[role="alert"]');
  await short.waitFor();
  assert.match(await short.textContent(), /^1 0G is less than this provider's requests need: a request needs 1\.00\d+ 0G locked/);
  assert.match(await row.getByTestId('sub-account').textContent(), /none yet/, 'nothing was sent');
  assert.equal(await page.getByRole('dialog').count(), 0, 'no transaction was put up for signing');
  await shot(page, 'compute-03a-below-reserve');
  await row.getByLabel('Amount to fund the provider').fill('2');
  await row.getByRole('button', { name: 'Fund provider' }).click();
  await toast(page, /Moved 2 0G to the provider in block \d+ \(receipt verified\)/, row);
  await providerRow(page).getByTestId('sub-account').filter({ hasText: /^2 0G/ }).waitFor({ timeout: 60_000 });
  await page.getByTestId('ledger-available').filter({ hasText: /^3 0G/ }).waitFor({ timeout: 60_000 });
  await shot(page, 'compute-03-funded');

  await openAgent(page, agentToken);
  const t0 = Date.now();
  // The signature is asked for by the ZG-Res-Key chat key (a uuid), as 0G's broker files it.
  const signatureRequests = [];
  const watch = (request) => request.url().includes('/v1/proxy/signature/') && signatureRequests.push(request.url());
  page.on('request', watch);

  const card = await send(page, 'What is the capital of France?');
  await card.getByTestId('console-answer').or(card.locator('.alert-error')).first().waitFor({ timeout: 90_000 });
  if (await card.locator('.alert-error').count()) assert.fail(await card.locator('.alert-error').first().textContent());
  console.log(`chat answered and verified in ${Date.now() - t0} ms`);
  await card.getByTestId('answer-verified').waitFor();
  page.off('request', watch);
  assert.equal(await card.getByTestId('answer-unverified').count(), 0);
  assert.equal(signatureRequests.length, 1, signatureRequests.join(' '));
  assert.match(signatureRequests[0], /\/v1\/proxy\/signature\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\?model=SmolLM2-135M-Instruct$/);
  // The devnet's broker signs exactly the bytes exchanged: both sides are covered, and said so.
  assert.equal(await card.getByTestId('answer-verified').getAttribute('data-coverage'), 'RequestAndAnswer');
  assert.match(await card.getByTestId('answer-checked').textContent(), /^Checked: signed by the acknowledged signer over the request we sent and the answer we received, byte for byte \(0x[0-9a-fA-F]{40}\)\.$/);
  // SmolLM2 on the devnet's provider: a real model's answer, not just some text. It samples
  // (temperature 0.2, a seed per request, as 0G's providers do), and at 135M parameters a
  // rare draw wanders off (a full e2e run once got "la capital de France"); Regenerate,
  // as a user would, asks again, up to twice. Three misses in a row would be a real fault.
  const answers = [await card.getByTestId('answer-text').textContent()];
  for (let retry = 0; retry < 2 && !/Paris/.test(answers.at(-1)); retry++) {
    await card.getByTestId('regenerate').click();
    await card.getByTestId('answer-verified').waitFor({ state: 'detached' }).catch(() => {});
    await appears(page, card.getByTestId('answer-verified'), card, 90_000);
    answers.push(await card.getByTestId('answer-text').textContent());
  }
  assert.match(answers.at(-1), /Paris/, `three answers without Paris: ${JSON.stringify(answers)}`);
  assert.match(await card.getByTestId('answer-cost').textContent(), /^Cost [0-9.]+ 0G \(\d+ prompt \+ \d+ answer tokens\), [\d.]+ tokens\/s, first token after \d+ ms$/);
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
    await appears(page, card.getByTestId('answer-unverified'), card, 30_000);
    assert.equal(await card.getByTestId('answer-verified').count(), 0, 'never badged verified');
    assert.match(await card.getByTestId('answer-text').textContent(), /^FORGED /);
    assert.match(await card.getByTestId('answer-unverified-reason').textContent(),
      /the provider signed another answer than the one we received: it was altered on the way/);
    assert.equal(await card.getByRole('button', { name: 'Save to memory' }).count(), 0, 'an unverified answer is not offered for memory');
    await shot(page, 'compute-04b-unverified');
  } finally {
    await page.unroute(url, forge);
  }
});

test('after a reload the memory holds the exchange; local runs say whether WebGPU or the CPU ran them, and why', async () => {
  const { page } = a;
  await page.reload();
  await unlock(page, PASSWORD);
  await openAgent(page, agentToken);
  const card = page.getByRole('region', { name: 'Agent console' });
  const entries = await card.getByTestId('memory-entry').allTextContents();
  assert.equal(entries.length, 2);
  assert.equal(entries[0], 'user: What is the capital of France?');
  assert.match(entries[1], /^agent: .*Paris/);
  await shot(page, 'compute-05-memory');

  // Headless Chromium's only WebGPU adapter is SwiftShader, a GPU emulated on the CPU: the
  // default leaves it for the CPU path and says why.
  // SmolLM2 in its worker: the weights are downloaded once, checked and kept.
  await card.getByLabel('Message').fill('What is the capital of France?');
  await card.getByRole('button', { name: 'Run locally' }).click();
  await card.locator('[data-testid="answer-local"][data-backend="cpu"]').or(card.locator('.alert-error')).first().waitFor({ timeout: 120_000 });
  if (await card.locator('.alert-error').count()) assert.fail(await card.locator('.alert-error').first().textContent());
  assert.equal((await card.getByTestId('answer-local').textContent()).trim(), 'local · CPU, wasm');
  assert.match(await card.getByTestId('model-loaded').textContent(), /^SmolLM2 downloaded, checked and kept in this browser/);
  assert.match(await card.getByTestId('answer-why-cpu').textContent(), /^Ran on the CPU: the only WebGPU adapter is a software one \(\S+\)/);
  assert.match(await card.getByTestId('answer-cost').textContent(), /^SmolLM2-135M-Instruct in this browser: \d+ prompt \+ \d+ answer tokens, \d+(\.\d)? tokens\/s, first token after \d+ ms, nothing paid/);
  assert.match(await card.getByTestId('answer-text').textContent(), /Paris/);
  // A local answer can be kept in memory like a provider's.
  assert.equal(await card.getByRole('button', { name: 'Save to memory' }).count(), 1);
  await shot(page, 'compute-06-local-cpu');

  // Asked for, the software adapter runs SmolLM2's WGSL kernels in the worker, and the
  // badge names it. SwiftShader emulates the GPU on the CPU: about a token a second here
  // (`cargo xtask bench`), prompt included, hence the wait.
  await card.getByLabel('Run locally on').selectOption('webgpu');
  await card.getByRole('button', { name: 'Run locally' }).click();
  const badge = card.locator('[data-testid="answer-local"][data-backend="webgpu"]');
  await badge.or(card.locator('.alert-error')).first().waitFor({ timeout: 600_000 });
  if (await card.locator('.alert-error').count()) assert.fail(await card.locator('.alert-error').first().textContent());
  assert.match((await badge.textContent()).trim(), /^local · WebGPU · \S+/);
  assert.match(await badge.getAttribute('title'), /software adapter/);
  assert.equal(await card.getByTestId('answer-why-cpu').count(), 0);
  assert.match(await card.getByTestId('answer-cost').textContent(), /nothing paid/);
  await shot(page, 'compute-06-local-webgpu');
});

test('memory by meaning: a Korean question recalls the English exchange it is about', async () => {
  const { page } = a;
  await openAgent(page, agentToken);
  const card = page.getByRole('region', { name: 'Agent console' });
  // A second exchange, on another subject, kept in memory (its meaning embedded on save).
  await card.getByLabel('Run locally on').selectOption('cpu');
  await card.getByLabel('Message').fill('What is 0G Storage?');
  await card.getByRole('button', { name: 'Run locally' }).click();
  await card.getByTestId('answer-local').waitFor({ timeout: 120_000 });
  await card.getByRole('button', { name: 'Save to memory' }).click();
  await toast(page, new RegExp(`Saved to agent #${agentToken}'s memory in block \\d+ \\(receipt verified\\)`), card, 180_000);
  await page.getByTestId('memory-entry').nth(3).waitFor({ timeout: 60_000 });

  // In Korean: "What is the capital of France?" The nearest memories are the English
  // exchange about France, not the newer one about storage.
  await card.getByLabel('Message').fill('프랑스의 수도는 어디인가요?');
  await card.getByRole('button', { name: 'Run locally' }).click();
  await card.getByTestId('answer-local').waitFor({ timeout: 120_000 });
  const recalled = await card.getByTestId('recalled-entry').evaluateAll((items) =>
    items.map((li) => ({ text: li.textContent, similarity: Number(li.dataset.similarity) })));
  assert.equal(recalled.length, 4, JSON.stringify(recalled));
  assert.ok(recalled.every((r) => r.similarity > 0), 'every entry was compared by meaning');
  const ranked = [...recalled].sort((x, y) => y.similarity - x.similarity);
  assert.match(ranked[0].text, /France|Paris/, JSON.stringify(ranked));
  assert.match(ranked[1].text, /France|Paris/, JSON.stringify(ranked));
  await card.getByTestId('recalled').locator('summary').click();
  await shot(page, 'compute-06b-memory-by-meaning');
});

/** The devnet provider's admin controls (fault injection, settle now, billing state). */
function admin(path, body) {
  const url = `${provider.url.replace(/\/$/, '')}/__admin/${path}`;
  return body === undefined
    ? fetch(url)
    : fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}
const fault = (body) => admin('fault', body);

test("a slow provider's answer streams in, piece by piece, before it is checked", async () => {
  const { page } = a;
  await openAgent(page, agentToken);
  assert.equal((await fault({ delayMs: 120 })).status, 200);
  try {
    const card = await send(page, 'What is 0G?');
    // Some text is on screen while the answer is still arriving (no badge yet).
    await page.waitForFunction(() => {
      const partial = document.querySelector('[data-testid="answer-streaming"]');
      return partial && partial.textContent.length > 0 && !document.querySelector('[data-testid="console-answer"]');
    }, null, { timeout: 60_000 });
    await shot(page, 'compute-04c-streaming');
    await card.getByTestId('answer-verified').waitFor({ timeout: 60_000 });
    assert.equal(await card.getByTestId('answer-partial').count(), 0, 'the whole answer replaces the streamed pieces');
  } finally {
    await fault({});
  }
});

test('Stop ends an answer as it streams; leaving the page mid-answer stops it too', async () => {
  const { page } = a;
  await openAgent(page, agentToken);
  assert.equal((await fault({ delayMs: 400 })).status, 200);
  try {
    const waitForText = () => page.waitForFunction(() => {
      const partial = document.querySelector('[data-testid="answer-streaming"]');
      return partial && partial.textContent.length > 0;
    }, null, { timeout: 60_000 });
    const card = await send(page, 'Tell me about 0G Storage.');
    await waitForText();
    await card.getByTestId('console-stop').click();
    const alert = card.locator('.alert-error[role="alert"]');
    await alert.waitFor({ timeout: 30_000 });
    assert.match(await alert.textContent(), /stopped after \d+ characters?; nothing is charged/);
    // What arrived stays, marked; nothing is shown as answered or verified.
    await card.getByTestId('answer-cut').waitFor({ timeout: 10_000 });
    assert.equal(await card.getByTestId('answer-verified').count(), 0);
    assert.equal(await card.getByTestId('console-stop').count(), 0, 'Stop goes once the chat has ended');
    await shot(page, 'compute-04d-stopped');

    // Leaving the page while an answer streams stops it; the app stays whole.
    await send(page, 'And about 0G Compute?');
    await waitForText();
    await nav(page, 'Wallet');
    await openAgent(page, agentToken);
    const again = page.getByRole('region', { name: 'Agent console' });
    await again.getByRole('button', { name: 'Send' }).waitFor({ timeout: 30_000 });
    assert.equal(await again.getByTestId('answer-streaming').count(), 0);
  } finally {
    await fault({});
  }
});

test('a conversation: answers drawn as safe Markdown, regenerated, continued with its history, kept sealed across a reload', async () => {
  const { page, context } = a;
  await openAgent(page, agentToken);
  const url = `${provider.url.replace(/\/$/, '')}/v1/proxy/chat/completions`;
  // An answer altered on the way to carry markup and HTML: it must be drawn as formatting,
  // with the HTML as text, no image loaded and no script link.
  const hostile = '**Bold** <img src=x onerror="window.__pwned=1"> [run](javascript:window.__pwned=2)\n\n```js\nalert(1)\n```\n';
  const forge = async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replace('"content":"', `"content":"${JSON.stringify(hostile).slice(1, -1)}`);
    await route.fulfill({ response, body });
  };
  await page.route(url, forge);
  let card;
  try {
    card = await send(page, 'Say hello.');
    await appears(page, card.getByTestId('answer-unverified'), card, 60_000);
  } finally {
    await page.unroute(url, forge);
  }
  const text = card.getByTestId('answer-text');
  assert.equal(await text.locator('strong').first().textContent(), 'Bold');
  assert.equal(await text.locator('img').count(), 0, 'an image from the answer was put in the page');
  assert.equal(await text.locator('a').count(), 0, 'a javascript: link was made a link');
  assert.match(await text.textContent(), /<img src=x onerror="window\.__pwned=1">/);
  assert.equal((await text.locator('pre code').textContent()).trim(), 'alert(1)');
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  await shot(page, 'compute-04e-markdown-safe');

  // Regenerate asks the same question again, of the provider: now answered untouched.
  await card.getByTestId('regenerate').click();
  await appears(page, card.getByTestId('answer-verified'), card, 90_000);
  assert.equal(await card.getByTestId('turn').count(), 0, 'the regenerated answer replaced the first');

  // The next question goes with the conversation so far.
  const bodies = [];
  const watch = (request) => request.url() === url && bodies.push(JSON.parse(request.postData()));
  page.on('request', watch);
  await card.getByLabel('Message').fill('What is the capital of France?');
  await card.getByRole('button', { name: 'Send' }).click();
  await card.getByTestId('answer-verified').waitFor({ state: 'detached', timeout: 30_000 }).catch(() => {});
  await appears(page, card.getByTestId('answer-verified'), card, 90_000);
  page.off('request', watch);
  const roles = bodies.at(-1).messages.map((m) => `${m.role}:${m.content}`);
  const asked = roles.indexOf('user:Say hello.');
  assert.ok(asked >= 0 && roles[asked + 1].startsWith('assistant:'), roles.join(' | '));
  assert.equal(roles.at(-1), 'user:What is the capital of France?');
  assert.equal(await card.getByTestId('turn').count(), 1, 'the first exchange is listed above the answer');
  assert.match(await card.getByTestId('answer-cost').textContent(), /, [\d.]+ tokens\/s, first token after \d+ ms$/);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(devnet.appUrl).origin });
  await card.getByTestId('console-answer').getByRole('button', { name: 'Copy' }).click();
  assert.match(await page.evaluate(() => navigator.clipboard.readText()), /Paris/);
  await shot(page, 'compute-04f-conversation');

  // After a reload the conversation is there to pick, whole; then it is deleted.
  await page.reload();
  await unlock(page);
  await openAgent(page, agentToken);
  const again = page.getByRole('region', { name: 'Agent console' });
  const option = again.locator('#console-thread option', { hasText: 'Say hello. (2)' });
  await option.waitFor({ state: 'attached', timeout: 30_000 });
  await again.locator('#console-thread').selectOption({ label: 'Say hello. (2)' });
  assert.equal(await again.getByTestId('turn').count(), 2);
  assert.match(await again.getByTestId('conversation').textContent(), /What is the capital of France\?/);
  await again.getByTestId('delete-conversation').click();
  assert.equal(await again.locator('#console-thread option', { hasText: 'Say hello.' }).count(), 0);
});

/** Settles what the provider is owed, then returns the sub-account's proven balance text. */
async function settledSubAccount(page) {
  assert.equal((await admin('settle', {})).status, 200);
  const settledBy = parseInt(await rpc(devnet.rpcUrl, 'eth_blockNumber'), 16);
  await nav(page, 'Compute');
  // Read only an overview proven at or after the settlement's block.
  for (let i = 0; ; i++) {
    const row = providerRow(page);
    await row.waitFor({ timeout: 60_000 });
    const block = parseInt((await row.getByTestId('proof-badge').textContent()).match(/block (\d+)/)[1], 10);
    if (block >= settledBy) return (await row.getByTestId('sub-account').textContent()).trim();
    assert.ok(i < 20, `the Compute page stays behind block ${settledBy}`);
    await new Promise((r) => setTimeout(r, 500));
    await page.getByRole('region', { name: 'Providers' }).getByRole('button', { name: 'Refresh' }).click();
  }
}

test('a provider that is down is reported as down, and nothing is shown as answered', async () => {
  const { page } = a;
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

test('a stream cut half way shows what arrived, marked, and costs nothing', async () => {
  const { page } = a;
  const before = await settledSubAccount(page);
  await openAgent(page, agentToken);
  assert.equal((await fault({ cutAfterPieces: 3 })).status, 200);
  try {
    const card = await send(page, 'What is 0G?');
    const alert = card.locator('.alert-error[role="alert"]');
    await alert.waitFor({ timeout: 60_000 });
    assert.match(await alert.textContent(), /the answer was cut off after \d+ characters? \(the connection failed.*\); nothing is charged/);
    await card.getByTestId('answer-cut').waitFor();
    assert.ok((await card.getByTestId('answer-streaming').textContent()).length > 0, 'the pieces that arrived stay visible');
    assert.equal(await card.getByTestId('answer-verified').count(), 0, 'never badged verified');
    assert.equal(await card.getByRole('button', { name: 'Save to memory' }).count(), 0, 'a cut answer cannot be saved');
    await shot(page, 'compute-08-stream-cut');
  } finally {
    await fault({});
  }
  const state = await (await admin('state')).json();
  assert.equal(state.totalOwed, '0', 'the provider bills nothing for the cut answer');
  assert.equal(await settledSubAccount(page), before, 'the sub-account paid nothing');
});

test('a provider that goes silent is given up on after the deadline, at no cost', async () => {
  const { page } = a;
  await openAgent(page, agentToken);
  assert.equal((await fault({ stallMs: 25_000 })).status, 200);
  try {
    const card = await send(page, 'Hello?');
    const alert = card.locator('.alert-error[role="alert"]');
    await alert.waitFor({ timeout: 60_000 });
    assert.match(await alert.textContent(), /the provider sent nothing for 20 s, so the app gave up; nothing is charged/);
    assert.equal(await card.getByTestId('console-answer').count(), 0);
    await shot(page, 'compute-09-silent-provider');
  } finally {
    await fault({});
  }
  // The stalled request finds the page gone when it wakes, and bills nothing.
  await new Promise((r) => setTimeout(r, 6_000));
  assert.equal((await (await admin('state')).json()).totalOwed, '0');
});

test('revoking session tokens kills a captured token; the next message still works', async () => {
  const { page } = a;
  await openAgent(page, agentToken);
  const url = `${provider.url.replace(/\/$/, '')}/v1/proxy/chat/completions`;
  let captured;
  const capture = async (route) => {
    captured = { authorization: route.request().headers().authorization, body: route.request().postData() };
    await route.continue();
  };
  await page.route(url, capture);
  let card = await send(page, 'What is storage?');
  await card.getByTestId('answer-verified').waitFor({ timeout: 60_000 });
  await page.unroute(url, capture);
  assert.match(captured.authorization, /^Bearer app-sk-/);
  const replay = () => fetch(url, {
    method: 'POST', headers: { Authorization: captured.authorization, 'Content-Type': 'application/json' }, body: captured.body,
  });
  const accepted = await replay();
  assert.equal(accepted.status, 200, 'before revocation the captured token is good');
  await accepted.text();

  await nav(page, 'Compute');
  const row = providerRow(page);
  await row.getByTestId('token-generation').filter({ hasText: /^0$/ }).waitFor({ timeout: 60_000 });
  await row.getByRole('button', { name: 'Revoke session tokens' }).click();
  await toast(page, /Revoked every session token for this provider in block \d+ \(receipt verified\)/, row);
  await providerRow(page).getByTestId('token-generation').filter({ hasText: /^1$/ }).waitFor({ timeout: 60_000 });

  const refused = await replay();
  assert.equal(refused.status, 401);
  assert.match((await refused.json()).error.message, /revoked/);

  await openAgent(page, agentToken);
  card = await send(page, 'What is storage?');
  await card.getByTestId('answer-verified').waitFor({ timeout: 60_000 });
  await shot(page, 'compute-10-after-revocation');
});

test("a provider's balance comes back through the refund lock, then to the wallet", async () => {
  const { page } = a;
  await settledSubAccount(page);
  let row = providerRow(page);
  const available = async () => parseFloat(await page.getByTestId('ledger-available').textContent());
  const ledgerBefore = await available();
  await row.getByRole('button', { name: 'Retrieve' }).click();
  await toast(page, /Asked the provider's balance back in block \d+ \(receipt verified\)/, row);
  row = providerRow(page);
  await row.getByTestId('refunds').filter({ hasText: /locked for about 2 min more/ }).waitFor({ timeout: 60_000 });
  const locked = parseFloat(await row.getByTestId('refunds').textContent());
  assert.ok(locked > 1 && locked <= 2, `most of the 2 0G funded is pending (${locked})`);
  await shot(page, 'compute-11-refund-locked');

  // The devnet's lock is 120 s of chain time: let the chain's clock pass it.
  await rpc(devnet.rpcUrl, 'evm_increaseTime', [125]);
  await rpc(devnet.rpcUrl, 'evm_mine', []);
  await row.getByRole('button', { name: 'Retrieve' }).waitFor();
  await page.getByRole('region', { name: 'Providers' }).getByRole('button', { name: 'Refresh' }).click();
  row = providerRow(page);
  await row.getByTestId('refunds').filter({ hasText: /ready: Retrieve moves it to your ledger/ }).waitFor({ timeout: 60_000 });
  await row.getByRole('button', { name: 'Retrieve' }).click();
  await toast(page, /Asked the provider's balance back in block \d+/, row);
  await page.waitForFunction(([before, amount]) => {
    const text = document.querySelector('[data-testid="ledger-available"]')?.textContent ?? '';
    return Math.abs(parseFloat(text) - (before + amount)) < 2e-6; // each figure is cut to 6 decimals
  }, [ledgerBefore, locked], { timeout: 60_000 });

  const ledger = page.getByRole('region', { name: 'Ledger' });
  await ledger.getByLabel('Ledger amount').fill('1');
  await ledger.getByRole('button', { name: 'Withdraw to wallet' }).click();
  await toast(page, /Withdrew 1 0G to your wallet in block \d+ \(receipt verified\)/, ledger);
  await page.waitForFunction((want) => {
    const text = document.querySelector('[data-testid="ledger-available"]')?.textContent ?? '';
    return Math.abs(parseFloat(text) - want) < 2e-6;
  }, ledgerBefore + locked - 1, { timeout: 60_000 });
  await shot(page, 'compute-12-refunded');
});

test("a verifiers' module that does not load is named, nothing unproven is listed, and a reload recovers", async () => {
  const { page } = a;
  // Contract reads run in revm inside dist/verifiers/, imported on first use: without it
  // the registry cannot be proven, and the page must say so rather than list providers.
  const module = '**/verifiers/zg-verifiers.js';
  await page.route(module, (route) => route.abort());
  await page.reload();
  await unlock(page, PASSWORD);
  await nav(page, 'Compute');
  const alert = page.getByRole('alert').filter({ hasText: "verifiers' wasm" });
  await alert.waitFor({ timeout: 60_000 });
  assert.match(await alert.textContent(), /the verifiers' wasm \(dist\/verifiers\/\) did not load: .*Reload the page/);
  assert.equal(await providerRow(page).count(), 0, 'no provider is listed without its proof');
  await shot(page, 'compute-13-verifiers-missing');
  await page.unroute(module);
  await page.reload();
  await unlock(page, PASSWORD);
  await nav(page, 'Compute');
  await providerRow(page).waitFor({ timeout: 60_000 });
  assert.equal(await providerRow(page).getByTestId('proof-badge').getAttribute('data-state'), 'verified');
});

test('in a browser without WebGPU a local run takes the CPU and says why', async () => {
  const { page } = a;
  // What a browser without WebGPU exposes: no navigator.gpu at all.
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
  });
  await page.reload();
  await unlock(page, PASSWORD);
  assert.equal(await page.evaluate(() => navigator.gpu), undefined);
  await openAgent(page, agentToken);
  const card = page.getByRole('region', { name: 'Agent console' });
  await card.getByLabel('Message').fill('Tell me about storage.');
  await card.getByRole('button', { name: 'Run locally' }).click();
  await card.locator('[data-testid="answer-local"][data-backend="cpu"]').waitFor({ timeout: 60_000 });
  assert.equal((await card.getByTestId('answer-local').textContent()).trim(), 'local · CPU, wasm');
  assert.equal((await card.getByTestId('answer-why-cpu').textContent()).trim(), 'Ran on the CPU: this browser has no WebGPU (navigator.gpu is missing).');
  // A new page, a new worker: the weights come from the browser's cache this time.
  assert.match(await card.getByTestId('model-loaded').textContent(), /^SmolLM2 loaded from this browser's cache in [0-9.]+ s\.$/);
  await shot(page, 'compute-08-local-no-webgpu');
});
