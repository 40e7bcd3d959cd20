// Intelligent NFTs (ERC-7857) as new users meet them, with separate browser profiles (each
// its own IndexedDB, so its own wallet): A mints an agent, reloads and reads it back, edits
// it, transfers it to B through offer and acceptance codes; B reads it and sweeps the
// agent's funds; A can no longer read it; A clones another agent to B and authorizes C.
// Before anything is signed each side is told which operation will happen, and an
// acceptance whose kind was edited (clone → transfer) is refused with nothing sent.
// Every listed agent says who created it and how it arrived; when B mints an agent
// straight to A (no handover), A is warned, naming B, and must acknowledge that B may
// control its wallet before the wallet's address is shown.
// Everything runs against the devnet's real anvil, AgentNFT and storage nodes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Interface, JsonRpcProvider, Wallet } from 'ethers';
import { appears, launchBrowser, newProfile, rpc, selectedAddress, shot, startDevnet, restoreWallet, toast, unlock } from './harness.mjs';

const PASSWORD = 'correct horse battery';
// A: the dev phrase (account #0 is funded). B: another well-known phrase, never funded: B
// pays for nothing (the holder sends the handover, the agent pays for its own sweep).
const PHRASE_A = 'test test test test test test test test test test test junk';
const PHRASE_B = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
// C only needs an address to be authorized.
const C = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';
// anvil's dev account #5, which pays the agent: unlocked on anvil, so eth_sendTransaction works.
const FUNDER = '0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc';

let devnet, browser, closeBrowser, a, b;

before(async () => {
  devnet = await startDevnet();
  ({ browser, close: closeBrowser } = await launchBrowser());
});

after(async () => {
  for (const p of [a, b]) {
    if (p && p.consoleLines.some((l) => /agent_key/i.test(l))) {
      throw new Error('a console line looks like it carries a secret');
    }
  }
  await closeBrowser?.();
  await devnet?.stop();
});

async function openAgents(page) {
  await page.locator('nav[aria-label="Main"]').getByRole('link', { name: 'Agents' }).click();
  await page.getByRole('heading', { name: 'Agents', level: 1 }).waitFor();
}

/** Waits for the agents list to settle and returns the {token: name} it shows. */
async function listedAgents(page) {
  const card = page.getByRole('region', { name: 'Your agents' });
  await card.getByTestId('agent-list').or(card.getByTestId('no-agents')).waitFor({ timeout: 60_000 });
  const rows = await card.locator('li.agent-row').evaluateAll((lis) =>
    lis.map((li) => [li.dataset.token, li.querySelector('.agent-name').textContent.trim()]));
  return Object.fromEntries(rows);
}

async function createAgent(page, { name, description, model, prompt, tools }) {
  const form = page.getByRole('form', { name: 'Create agent' });
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Model').fill(model);
  await form.getByLabel('Description').fill(description);
  await form.getByLabel('System prompt').fill(prompt);
  await form.getByLabel('Tools').fill(tools);
  await form.getByRole('button', { name: 'Create agent' }).click();
  const said = await toast(page, /minted in block \d+ \(receipt verified\)/, form);
  const token = said.match(/Agent #(\d+)/)[1];
  await page.getByTestId('agent-title').filter({ hasText: `${name} · agent #${token}` }).waitFor({ timeout: 60_000 });
  return token;
}

/** On an open agent's page: makes an offer to `receiverKey`, returns the offer code. */
async function makeOffer(page, receiverKey, { clone = false } = {}) {
  const form = page.getByRole('form', { name: 'Offer' });
  await form.getByLabel("Receiver's public key").fill(receiverKey);
  if (clone) await form.getByLabel(/Clone instead/).check();
  await form.getByRole('button', { name: 'Create offer' }).click();
  await page.getByTestId('offer-code').waitFor({ timeout: 120_000 });
  return page.getByTestId('offer-code').inputValue();
}

/** On the Agents page: checks the offer, accepts it, returns the acceptance code. */
async function acceptOffer(page, code) {
  const card = page.getByRole('region', { name: 'Receive an agent' });
  await card.getByLabel('Offer code').fill(code);
  await card.getByRole('button', { name: 'Check offer' }).click();
  await appears(page, card.getByTestId('offer-preview'), card);
  const preview = await card.getByTestId('offer-preview').textContent();
  await card.getByRole('button', { name: 'Accept and sign' }).click();
  await card.getByTestId('acceptance-code').waitFor();
  return { preview, acceptance: await card.getByTestId('acceptance-code').inputValue() };
}

/** On the Agents page: pastes an acceptance and asks for the review; returns the card. */
async function review(page, acceptance) {
  const card = page.getByRole('region', { name: 'Complete a handover' });
  await card.getByLabel('Acceptance code').fill(acceptance);
  await card.getByRole('button', { name: 'Check acceptance' }).click();
  return card;
}

/** Reviews the acceptance, then signs and sends; returns what the review said would happen. */
async function complete(page, acceptance) {
  const card = await review(page, acceptance);
  await appears(page, card.getByTestId('handover-preview'), card);
  const said = (await card.getByTestId('handover-operation').textContent()).trim();
  await card.getByRole('button', { name: 'Sign and send' }).click();
  return said;
}

/** A code with its JSON edited, as anyone holding it could: base64url JSON after the prefix. */
function editCode(code, prefix, edit) {
  assert.ok(code.startsWith(prefix));
  const json = JSON.parse(Buffer.from(code.slice(prefix.length), 'base64url').toString('utf8'));
  edit(json);
  return prefix + Buffer.from(JSON.stringify(json)).toString('base64url');
}

const nonceOf = async (address) => BigInt(await rpc(devnet.rpcUrl, 'eth_getTransactionCount', [address, 'latest']));

async function openAgent(page, token) {
  await page.locator(`li.agent-row[data-token="${token}"]`).getByRole('button', { name: 'Open' }).click();
  await page.getByTestId('agent-title').waitFor({ timeout: 60_000 });
}

const ADA = {
  name: 'Ada',
  description: 'Answers questions about 0G storage',
  model: 'qwen2.5-7b-instruct',
  prompt: 'You are Ada. Be brief and cite block numbers.',
  tools: 'search, calculator',
};

let adaToken, agentAddress, aAddress, bKey, bAddress, offerCode;

test('A mints an agent, reloads, and reads it back from storage', async () => {
  a = await newProfile(browser);
  await restoreWallet(a.page, devnet.appUrl, PHRASE_A, PASSWORD);
  aAddress = await selectedAddress(a.page);
  await openAgents(a.page);
  assert.deepEqual(await listedAgents(a.page), {}, 'a fresh devnet has no agents');
  await shot(a.page, 'inft-01-agents-empty');

  adaToken = await createAgent(a.page, ADA);
  assert.equal(await a.page.getByTestId('agent-prompt').textContent(), ADA.prompt);
  agentAddress = await a.page.getByTestId('agent-address').locator('[data-address]').getAttribute('data-address');
  assert.match(agentAddress, /^0x[0-9a-fA-F]{40}$/);
  await shot(a.page, 'inft-02-agent-minted');

  // Reload: the agent is found again from proven events and opened with the unlocked key.
  await a.page.reload();
  await unlock(a.page, PASSWORD);
  await openAgents(a.page);
  assert.deepEqual(await listedAgents(a.page), { [adaToken]: 'Ada' });
  assert.match(await a.page.getByRole('region', { name: 'Your agents' }).getByTestId('proof-badge').textContent(),
    /Verified at block \d+/);
  await openAgent(a.page, adaToken);
  assert.equal(await a.page.getByTestId('agent-model').textContent(), ADA.model);
  assert.equal(await a.page.getByTestId('agent-address').locator('[data-address]').getAttribute('data-address'),
    agentAddress, 'the agent keeps its own key');

  // The open agent has an address: Back returns to the list, Forward to the agent, and a
  // link to it, opened in another tab, opens it once unlocked.
  assert.equal(await a.page.evaluate(() => location.hash), `#/agents/${adaToken}`);
  await a.page.goBack();
  await a.page.getByRole('heading', { name: 'Agents', level: 1 }).waitFor();
  await a.page.goForward();
  await a.page.getByTestId('agent-title').waitFor({ timeout: 60_000 });
  const linked = await a.context.newPage();
  await linked.goto(`${devnet.appUrl}#/agents/${adaToken}`);
  await linked.getByLabel('Password').fill(PASSWORD, { timeout: 120_000 });
  await linked.getByRole('button', { name: 'Unlock' }).click();
  await linked.getByTestId('agent-title').waitFor({ timeout: 60_000 });
  assert.equal(await linked.getByTestId('agent-title').textContent(), `Ada · agent #${adaToken}`);
  await shot(linked, 'inft-02b-agent-link');
  await linked.close();
});

test('an upload that fails half way mints nothing and says so', async () => {
  const { page } = a;
  await page.locator('button', { hasText: '← Agents' }).click();
  const before = await listedAgents(page);
  // Every storage node refuses segment uploads: the data never gets fully stored.
  const urls = devnet.storageNodes.map((n) => n.url.replace(/\/$/, ''));
  const refuse = async (route) => {
    const call = route.request().method() === 'POST' ? route.request().postDataJSON() : null;
    if (call?.method === 'zgs_uploadSegments') return route.fulfill({ status: 503, body: 'disk full' });
    return route.continue();
  };
  for (const url of urls) await page.route(`${url}/**`, refuse);
  // The app's other route, the indexer's gateway, refuses too (it stores on the same nodes).
  const gateway = `${devnet.indexer.url}/file/segment`;
  const gatewayRefuses = (route) => route.request().method() === 'POST'
    ? route.fulfill({
      status: 500,
      headers: { 'access-control-allow-origin': '*' },
      json: { code: 2, message: 'Internal server error', data: 'disk full' },
    })
    : route.continue();
  await page.route(gateway, gatewayRefuses);
  const form = page.getByRole('form', { name: 'Create agent' });
  await form.getByLabel('Name').fill('Orphan');
  await form.getByRole('button', { name: 'Create agent' }).click();
  const alert = form.getByRole('alert');
  await alert.waitFor({ timeout: 120_000 });
  assert.match(await alert.textContent(), /^storing the agent's data failed: .*The agent on chain is unchanged; try again$/);
  await shot(page, 'inft-02b-upload-failed');
  for (const url of urls) await page.unroute(`${url}/**`, refuse);
  await page.unroute(gateway, gatewayRefuses);
  await page.getByRole('region', { name: 'Your agents' }).getByRole('button', { name: 'Refresh' }).click();
  assert.deepEqual(await listedAgents(page), before, 'no token points at data that is not stored');
  await openAgent(page, adaToken);
});

test('A edits the agent: re-encrypted, re-uploaded, the token points at the new data', async () => {
  const { page } = a;
  const rootBefore = await page.locator('.kv dd.mono[title]').first().getAttribute('title');
  const form = page.getByRole('form', { name: 'Edit agent' });
  await form.getByLabel('Description').fill('Answers questions about 0G storage and compute');
  await form.getByRole('button', { name: 'Save changes' }).click();
  await toast(page, new RegExp(`Agent #${adaToken} updated in block \\d+ \\(receipt verified\\)`), form);
  await page.getByTestId('agent-description').filter({ hasText: 'storage and compute' }).waitFor({ timeout: 60_000 });
  const rootAfter = await page.locator('.kv dd.mono[title]').first().getAttribute('title');
  assert.notEqual(rootAfter, rootBefore, 'a fresh key gives new ciphertext and a new root');
});

test('the agent earns funds; its balance is proven', async () => {
  const { page } = a;
  await rpc(devnet.rpcUrl, 'eth_sendTransaction', [{ from: FUNDER, to: agentAddress, value: '0x1bc16d674ec80000' }]);
  const card = page.getByRole('region', { name: 'Agent wallet' });
  for (let i = 0; i < 20; i++) {
    await card.getByRole('button', { name: 'Refresh' }).click();
    const text = await card.getByTestId('agent-balance').textContent();
    if (/^2 0G/.test(text.trim())) break;
    await page.waitForTimeout(500);
  }
  assert.match(await card.getByTestId('agent-balance').textContent(), /^2 0G/);
  assert.equal(await card.getByTestId('agent-balance').getByTestId('proof-badge').getAttribute('data-state'), 'verified');
  await shot(page, 'inft-03-agent-page');
});

test('A offers the agent to B; B checks it opens, accepts; A completes the transfer', async () => {
  b = await newProfile(browser);
  await restoreWallet(b.page, devnet.appUrl, PHRASE_B, PASSWORD);
  bAddress = await selectedAddress(b.page);
  await openAgents(b.page);
  assert.deepEqual(await listedAgents(b.page), {});
  bKey = (await b.page.getByTestId('my-public-key').textContent()).trim();
  assert.match(bKey, /^0x0[23][0-9a-f]{64}$/);

  offerCode = await makeOffer(a.page, bKey);
  assert.match(offerCode, /^zg-agent-offer:/);
  assert.ok(!offerCode.includes(agentAddress.slice(2).toLowerCase()), 'the offer carries nothing readable of the agent');
  await shot(a.page, 'inft-04-offer');

  const { preview, acceptance } = await acceptOffer(b.page, offerCode);
  assert.match(preview, /You can open this agent: "Ada" \(qwen2\.5-7b-instruct\)/);
  assert.match(preview, new RegExp(`Transfer: token #${adaToken} comes to you from 0x[0-9a-fA-F]{40}`));
  await shot(b.page, 'inft-05-offer-checked');

  await a.page.locator('button', { hasText: '← Agents' }).click();
  const said = await complete(a.page, acceptance);
  assert.equal(said.toLowerCase(), `transfer: token #${adaToken} leaves your account to ${bAddress}`.toLowerCase());
  await toast(a.page, new RegExp(`Agent #${adaToken} transferred to 0x[0-9a-fA-F]{40} in block \\d+ \\(receipt verified\\)`));
  assert.deepEqual(await listedAgents(a.page), {}, 'A no longer lists it');

  // Read back with 0G's reference ABI (IERC7857Metadata, IERC721), not ours: B holds it,
  // and it holds the data the offer re-encrypted for B.
  const offer = JSON.parse(Buffer.from(offerCode.slice('zg-agent-offer:'.length), 'base64url').toString('utf8'));
  const reference = new Interface([
    'function intelligentDatasOf(uint256 _tokenId) view returns (tuple(string dataDescription, bytes32 dataHash)[])',
    'function ownerOf(uint256 tokenId) view returns (address)',
  ]);
  const read = async (fn) => reference.decodeFunctionResult(fn, await rpc(devnet.rpcUrl, 'eth_call', [
    { to: devnet.contracts.agentNft, data: reference.encodeFunctionData(fn, [adaToken]) }, 'latest',
  ]))[0];
  assert.equal((await read('ownerOf')).toLowerCase(), bAddress.toLowerCase());
  assert.deepEqual((await read('intelligentDatasOf')).map((d) => d.dataHash), [offer.new_data_hash]);

  // The same acceptance cannot be replayed: A no longer holds the agent.
  const card = await review(a.page, acceptance);
  await card.getByRole('alert').filter({ hasText: `agent #${adaToken} is held by` }).waitFor();
  assert.equal(await card.getByTestId('handover-preview').count(), 0, 'nothing offered for sending');
});

test('B reads the agent and sweeps its funds; A cannot read it any more', async () => {
  const { page } = b;
  await page.getByRole('region', { name: 'Your agents' }).getByRole('button', { name: 'Refresh' }).click();
  await page.locator(`li.agent-row[data-token="${adaToken}"]`).waitFor({ timeout: 60_000 });
  assert.deepEqual(await listedAgents(page), { [adaToken]: 'Ada' });
  await openAgent(page, adaToken);
  assert.equal(await page.getByTestId('agent-prompt').textContent(), ADA.prompt);
  assert.equal(await page.getByTestId('agent-address').locator('[data-address]').getAttribute('data-address'),
    agentAddress, 'B controls the same agent wallet');
  await shot(page, 'inft-06-b-holds-agent');

  const card = page.getByRole('region', { name: 'Agent wallet' });
  await card.getByRole('button', { name: 'Sweep to me' }).click();
  const said = await toast(page, /Swept .* to you in block \d+ \(receipt verified\)/, card);
  assert.match(said, /Swept 1\.99/);
  await page.locator('button', { hasText: '← Agents' }).click();
  const bBalance = BigInt(await rpc(devnet.rpcUrl, 'eth_getBalance', [bAddress, 'latest']));
  assert.ok(bBalance > 19n * 10n ** 17n, `B received the agent's funds (${bBalance})`);

  // A looks the agent up by number: the holder is B, and A's old key opens nothing.
  await a.page.getByRole('form', { name: 'Look up an agent' }).getByLabel('Agent number').fill(adaToken);
  await a.page.getByRole('form', { name: 'Look up an agent' }).getByRole('button', { name: 'Look up' }).click();
  const refusal = await a.page.getByTestId('agent-error').textContent({ timeout: 60_000 });
  assert.match(refusal, new RegExp(`agent #${adaToken} is held by ${bAddress}: its data is sealed to them, and your key cannot open it`));
  await shot(a.page, 'inft-07-a-cannot-read');
  await a.page.locator('button', { hasText: '← Agents' }).click();
});

test('bad codes get clear errors and change nothing', async () => {
  const card = b.page.getByRole('region', { name: 'Receive an agent' });
  await card.getByLabel('Offer code').fill('zg-agent-offer:not-really');
  await card.getByRole('button', { name: 'Check offer' }).click();
  await card.getByRole('alert').filter({ hasText: 'the offer code is damaged' }).waitFor();
  // The offer already used: A no longer holds the agent, so B is told it is out of date.
  await card.getByLabel('Offer code').fill(offerCode);
  await card.getByRole('button', { name: 'Check offer' }).click();
  await card.getByRole('alert').filter({ hasText: 'not by' }).waitFor({ timeout: 60_000 });
  // An offer addressed to someone else: A's profile tries B's offer.
  const aCard = a.page.getByRole('region', { name: 'Receive an agent' });
  await aCard.getByLabel('Offer code').fill(offerCode);
  await aCard.getByRole('button', { name: 'Check offer' }).click();
  await aCard.getByRole('alert').filter({ hasText: 'not to your selected account' }).waitFor();
});

test('A clones another agent to B and authorizes C on it', async () => {
  await a.page.reload();
  await unlock(a.page, PASSWORD);
  await openAgents(a.page);
  const cleo = await createAgent(a.page, {
    name: 'Cleo', description: 'Summarises governance proposals', model: 'llama-3-8b',
    prompt: 'You are Cleo.', tools: '',
  });
  const cleoWallet = await a.page.getByTestId('agent-address').locator('[data-address]').getAttribute('data-address');

  // Authorize C: the list is read through the light client and shown verified.
  const auth = a.page.getByRole('region', { name: 'Authorized users' });
  await auth.getByLabel('Address to authorize').fill(C);
  await auth.getByRole('button', { name: 'Authorize' }).click();
  await toast(a.page, new RegExp(`Authorized ${C} in block \\d+`), auth);
  await auth.locator(`[data-user="${C}"]`).waitFor({ timeout: 30_000 });
  assert.equal(await auth.getByTestId('proof-badge').getAttribute('data-state'), 'verified');
  await shot(a.page, 'inft-08-authorized');
  // A transaction that would revert is explained, and not sent.
  await auth.getByLabel('Address to authorize').fill(C);
  await auth.getByRole('button', { name: 'Authorize' }).click();
  await auth.getByRole('alert').filter({ hasText: `${C} is already authorized to use this agent. Nothing was sent` }).waitFor();

  const code = await makeOffer(a.page, bKey, { clone: true });
  await openAgents(b.page);
  const { preview, acceptance } = await acceptOffer(b.page, code);
  assert.match(preview, /"Cleo"/);
  assert.match(preview, new RegExp(`Clone: 0x[0-9a-fA-F]{40} keeps token #${cleo}; you get a new token with its own agent key`));
  await a.page.locator('button', { hasText: '← Agents' }).click();

  // B edits the acceptance from clone to transfer, to get A's token and its agent wallet
  // instead of a copy. Both signatures still verify (kind is only a label), but they are
  // for a clone: A's console refuses before anything is signed, and nothing goes on chain.
  const PREFIX = 'zg-agent-accept:';
  const edited = editCode(acceptance, PREFIX, (j) => { assert.equal(j.offer.kind, 'clone'); j.offer.kind = 'transfer'; });
  const sentBefore = await nonceOf(aAddress);
  const card = await review(a.page, edited);
  await card.getByRole('alert')
    .filter({ hasText: 'this code says transfer but its signatures are for a clone; it was altered — ask for a new one' })
    .waitFor({ timeout: 60_000 });
  assert.equal(await card.getByTestId('handover-preview').count(), 0, 'no "Sign and send" for an altered code');
  await shot(a.page, 'inft-08b-altered-acceptance');
  assert.equal(await nonceOf(aAddress), sentBefore, 'A sent no transaction');
  assert.deepEqual(await listedAgents(a.page), { [cleo]: 'Cleo' }, 'A still holds Cleo');

  // The honest code: A is told it keeps the agent, then sends the clone.
  const said = await complete(a.page, acceptance);
  assert.match(said, new RegExp(`^Clone: you keep token #${cleo}; 0x[0-9a-fA-F]{40} gets a new token with its own agent key$`));
  assert.ok(said.toLowerCase().includes(bAddress.toLowerCase()), said);
  const done = await toast(a.page, new RegExp(`Agent #${cleo} cloned to 0x[0-9a-fA-F]{40} as #(\\d+)`));
  const copy = done.match(/ as #(\d+)/)[1];
  assert.deepEqual(await listedAgents(a.page), { [cleo]: 'Cleo' }, 'A keeps the original');

  await b.page.getByRole('region', { name: 'Your agents' }).getByRole('button', { name: 'Refresh' }).click();
  await b.page.locator(`li.agent-row[data-token="${copy}"]`).waitFor({ timeout: 60_000 });
  assert.deepEqual(await listedAgents(b.page), { [adaToken]: 'Ada', [copy]: 'Cleo' });
  await openAgent(b.page, copy);
  const copyWallet = await b.page.getByTestId('agent-address').locator('[data-address]').getAttribute('data-address');
  assert.notEqual(copyWallet, cleoWallet, "a clone gets its own wallet key, so the original's funds stay apart");
  assert.equal(await b.page.getByTestId('agent-prompt').textContent(), 'You are Cleo.');
  assert.match(await b.page.getByRole('region', { name: 'Authorized users' }).getByTestId('authorized-users').textContent(),
    /Nobody else/, "the original's authorizations do not come with a clone");
  await shot(b.page, 'inft-09-b-clone');
});

/** The row of agent `token` on the Agents list: its origin kind, provenance line and warning. */
async function rowOf(page, token) {
  const row = page.locator(`li.agent-row[data-token="${token}"]`);
  await row.waitFor({ timeout: 60_000 });
  return {
    origin: await row.getAttribute('data-origin'),
    provenance: (await row.getByTestId('agent-provenance').textContent()).trim(),
    warning: (await row.getByTestId('foreign-warning').count()) ? (await row.getByTestId('foreign-warning').textContent()).trim() : null,
  };
}

test('every agent says where it came from; one a stranger minted to A is marked and its wallet needs an acknowledgement', async () => {
  // A's own agent, and B's two it accepted from A (a transfer, a clone): no warning.
  const cleo = Object.keys(await listedAgents(a.page))[0];
  const own = await rowOf(a.page, cleo);
  assert.equal(own.origin, 'own');
  assert.match(own.provenance, /^Created by you in block \d+$/);
  assert.equal(own.warning, null);
  await b.page.locator('button', { hasText: '← Agents' }).click();
  const bAgents = await listedAgents(b.page);
  const ada = await rowOf(b.page, adaToken);
  assert.equal(ada.origin, 'accepted');
  assert.match(ada.provenance, new RegExp(`^Created by ${aAddress} \\(not you\\) in block \\d+; received from ${aAddress} \\(not you\\) in block \\d+$`));
  assert.equal(ada.warning, null);
  const copy = Object.keys(bAgents).find((t) => t !== adaToken);
  const cloned = await rowOf(b.page, copy);
  assert.equal(cloned.origin, 'accepted');
  assert.equal(cloned.provenance, `Created by ${aAddress} (not you) in block ${cloned.provenance.match(/block (\d+)/)[1]}; a clone of agent #${cleo} of ${aAddress} (not you)`);

  // B prepares an agent A's key opens — a clone offer sealed to A's key is encrypted and
  // uploaded by B's console (paid from what B swept) — but instead of a handover A would
  // have to accept, B mints a token with that data straight to A, from its own key.
  const aKey = (await a.page.getByTestId('my-public-key').textContent()).trim();
  await openAgent(b.page, copy);
  const code = await makeOffer(b.page, aKey, { clone: true });
  const offer = JSON.parse(Buffer.from(code.slice('zg-agent-offer:'.length), 'base64url').toString('utf8'));
  const provider = new JsonRpcProvider(devnet.rpcUrl, undefined, { pollingInterval: 200 });
  const minter = Wallet.fromPhrase(PHRASE_B, provider);
  assert.equal(minter.address, bAddress, "B's first account");
  const nft = new Interface([
    'function mint((string dataDescription, bytes32 dataHash)[] datas, address to, bytes[] sealedKeys) returns (uint256)',
    'event Transfer(address indexed from, address indexed to, uint256 indexed tokenId)',
  ]);
  const sent = await minter.sendTransaction({
    to: devnet.contracts.agentNft,
    data: nft.encodeFunctionData('mint', [[['zg-console agent metadata v1', offer.new_data_hash]], aAddress, [offer.sealed_key]]),
  });
  const receipt = await sent.wait();
  assert.equal(receipt.status, 1);
  const airdrop = receipt.logs.map((l) => nft.parseLog(l)).find((e) => e?.name === 'Transfer').args.tokenId.toString();
  provider.destroy();

  // A's list: a second "Cleo", looking like A's own — but marked, naming B.
  await a.page.getByRole('region', { name: 'Your agents' }).getByRole('button', { name: 'Refresh' }).click();
  await a.page.locator(`li.agent-row[data-token="${airdrop}"]`).waitFor({ timeout: 60_000 });
  assert.deepEqual(await listedAgents(a.page), { [cleo]: 'Cleo', [airdrop]: 'Cleo' }, 'the stranger copied the name');
  const WARNING = `You did not create this agent. Its wallet key and instructions came from ${bAddress}; whoever made it may control funds sent to its wallet.`;
  const foreign = await rowOf(a.page, airdrop);
  assert.equal(foreign.origin, 'foreign');
  assert.match(foreign.provenance, new RegExp(`^Created by ${bAddress} \\(not you\\) in block ${receipt.blockNumber}; minted to you$`));
  assert.equal(foreign.warning, WARNING);
  await a.page.locator(`li.agent-row[data-token="${airdrop}"]`).getByTestId('foreign-badge').waitFor();
  assert.equal(await a.page.locator(`li.agent-row[data-token="${cleo}"]`).getByTestId('foreign-badge').count(), 0);
  await shot(a.page, 'inft-10-foreign-agent-listed');

  // Its page: the warning, and the wallet's address only after the acknowledgement.
  await openAgent(a.page, airdrop);
  assert.equal((await a.page.getByTestId('foreign-warning').textContent()).trim(), WARNING);
  assert.match(await a.page.getByTestId('agent-provenance').textContent(), new RegExp(`^Created by ${bAddress} \\(not you\\)`));
  const wallet = a.page.getByRole('region', { name: 'Agent wallet' });
  assert.equal((await wallet.getByTestId('fund-warning').textContent()).trim(), WARNING);
  await wallet.getByTestId('agent-address-hidden').waitFor();
  assert.equal(await wallet.locator('[data-address]').count(), 0, 'no address to fund before the acknowledgement');
  await shot(a.page, 'inft-11-foreign-agent-wallet-hidden');
  const acknowledge = wallet.getByLabel(`I understand that ${bAddress} may control anything sent to this agent's wallet`);
  await acknowledge.check();
  const address = await wallet.getByTestId('agent-address').locator('[data-address]').getAttribute('data-address');
  assert.match(address, /^0x[0-9a-fA-F]{40}$/);
  await acknowledge.uncheck();
  assert.equal(await wallet.locator('[data-address]').count(), 0, 'hidden again when the acknowledgement is withdrawn');

  // A's own agent's page has neither.
  await a.page.locator('button', { hasText: '← Agents' }).click();
  await openAgent(a.page, cleo);
  assert.equal(await a.page.getByTestId('foreign-warning').count(), 0);
  assert.equal(await a.page.getByRole('region', { name: 'Agent wallet' }).getByTestId('fund-acknowledge').count(), 0);
  await a.page.getByTestId('agent-address').locator('[data-address]').waitFor();
});
