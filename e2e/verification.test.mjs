// The light client's promise, checked in real Chromium: a value shown as verified was
// proven, and a forged value is never shown. The app talks to the devnet through
// zg-tamper (the Rust JSON-RPC proxy in devnet/) that lies on command: an inflated
// balance with honest proofs, a header whose state root was swapped, a wrong chain id.
// adversarial.test.mjs walks through every other lie it knows.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { FORGED_EXTRA_WEI, launchBrowser, newProfile, rpc, selectedAddress, shot, startDevnet, startTamperProxy, unlock, waitForVerifiedBalance, restoreWallet, goTo } from './harness.mjs';

const PASSWORD = 'correct horse battery';
const PHRASE = 'test test test test test test test test test test test junk';
const DEV_ADDRESS = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
/** What zg-tamper's wrong-chain-id claims. */
const LYING_CHAIN_ID = 4242;

let devnet, browser, closeBrowser, proxy;
/** The profile journeys 1–4, 5b and 6 share (one user clicking on). */
let main;

before(async () => {
  devnet = await startDevnet();
  proxy = await startTamperProxy(devnet.rpcUrl);
  ({ browser, close: closeBrowser } = await launchBrowser());
});

after(async () => {
  await closeBrowser?.();
  await proxy?.close();
  await devnet?.stop();
});

/** The app's own amount format (format_units with 6 decimals): "10,000", "9,999.5". */
function formatUnits(wei, decimals = 6) {
  const s = wei.toString().padStart(19, '0');
  const int = s.slice(0, -18).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const frac = s.slice(-18).slice(0, decimals).replace(/0+$/, '');
  return frac ? `${int}.${frac}` : int;
}

/** The dev account's balance straight from anvil (no proxy, no app). */
async function realBalance() {
  const r = await fetch(devnet.rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_getBalance', params: [DEV_ADDRESS, 'latest'] }),
  });
  return BigInt((await r.json()).result);
}

async function restoreDevWallet(page) {
  await restoreWallet(page, devnet.appUrl, PHRASE, PASSWORD);
  assert.equal(await selectedAddress(page), DEV_ADDRESS);
}


/** Runs `journey` on a profile of its own, the dev wallet restored and its balance verified. */
async function onFreshVerifiedProfile(journey) {
  const fresh = await newProfile(browser);
  try {
    await restoreDevWallet(fresh.page);
    await waitForVerifiedBalance(fresh.page);
    await journey(fresh.page);
  } finally {
    await fresh.context.close();
  }
}

async function useCustomNetwork(page, url, chainId = '31337', witnesses = '') {
  await goTo(page, 'Settings');
  const form = page.getByRole('form', { name: 'Custom network' });
  await form.getByLabel('RPC URL').fill(url);
  await form.getByLabel(/Witness endpoints/).fill(witnesses);
  await form.getByLabel('Chain id').fill(chainId);
  await form.getByRole('button', { name: 'Use this network' }).click();
}

async function saveCheckpoint(page, number, hash) {
  await goTo(page, 'Settings');
  const form = page.getByRole('form', { name: 'Checkpoint' });
  await form.getByLabel('Block number').fill(String(number));
  await form.getByLabel('Block hash').fill(hash);
  await form.getByRole('button', { name: 'Save checkpoint' }).click();
}

const badge = (page) => page.locator('[data-testid="selected-balance"] [data-testid="proof-badge"]');
const verifiedAnywhere = (page) => page.locator('[data-state="verified"]').count();

/**
 * Records, inside the page, every moment any of `needles` is in the page's text or
 * markup: a MutationObserver checks after each DOM change, so even a value rendered for
 * a single frame is caught. `seen()` returns what was caught.
 */
async function watchFor(page, needles) {
  await page.evaluate((needles) => {
    window.__forgedSeen = [];
    const check = () => {
      const text = document.body.innerText;
      const html = document.documentElement.outerHTML;
      for (const n of needles) {
        if (text.includes(n) || html.includes(n)) window.__forgedSeen.push({ needle: n, at: Date.now(), text: text.slice(0, 2000) });
      }
    };
    window.__forgedObserver?.disconnect();
    window.__forgedObserver = new MutationObserver(check);
    window.__forgedObserver.observe(document.documentElement, { subtree: true, childList: true, characterData: true, attributes: true });
    check();
  }, needles);
  return {
    seen: () => page.evaluate(() => window.__forgedSeen),
    stop: () => page.evaluate(() => window.__forgedObserver?.disconnect()),
  };
}

test('1. the dev account restored from its phrase is proven on the devnet', async () => {
  main = await newProfile(browser);
  const { page } = main;
  await restoreDevWallet(page);
  const want = `${formatUnits(await realBalance())} 0G`;
  assert.equal(await waitForVerifiedBalance(page, want), want);
  assert.match(await badge(page).textContent(), /^Verified at block \d+$/);
  await shot(page, 'v1-restored-verified-devnet');
});

test('2. a custom network (honest proxy, no checkpoint) shows the balance as unverified', async () => {
  const { page } = main;
  const before = (await proxy.state()).calls.eth_chainId ?? 0;
  await useCustomNetwork(page, proxy.url);
  await goTo(page, 'Wallet');
  const card = page.locator('[data-testid="selected-balance"]');
  await card.locator('[data-state="unverified"]').waitFor({ timeout: 30_000 });
  assert.ok(((await proxy.state()).calls.eth_chainId ?? 0) > before, 'the app connected through the proxy');
  assert.equal(await page.locator('#network-select').inputValue(), 'custom');
  // The value is still shown, labelled, with the reason in the badge's title.
  const want = `${formatUnits(await realBalance())} 0G`;
  assert.equal((await card.locator('.amount').textContent()).trim(), want);
  assert.equal((await badge(page).textContent()).trim(), 'Unverified');
  assert.match(await badge(page).getAttribute('title'), /checkpoint/i);
  assert.equal(await verifiedAnywhere(page), 0, 'nothing claims to be verified without a checkpoint');
  await shot(page, 'v2-custom-network-unverified');
  await goTo(page, 'Settings');
  assert.match(await page.getByTestId('trust-root').innerText(), /^Custom network: one endpoint and no checkpoint, so values are shown unverified/);
});

test('2b. with a second endpoint and still no checkpoint, the balance is verified by the endpoints agreeing', async () => {
  const { page } = main;
  // The proxy and anvil itself, added in Settings → Root of trust: two endpoints, both of
  // which must serve the same head.
  await goTo(page, 'Settings');
  const more = page.getByRole('form', { name: 'More endpoints' });
  await more.getByLabel(/Endpoints of this network/).fill('ftp://nowhere.example');
  await more.getByRole('button', { name: 'Save endpoints' }).click();
  await more.getByRole('alert').filter({ hasText: 'ftp://nowhere.example' }).waitFor();
  await more.getByLabel(/Endpoints of this network/).fill(devnet.rpcUrl);
  await more.getByRole('button', { name: 'Save endpoints' }).click();
  await page.getByTestId('trust-root').filter({ hasText: 'no checkpoint; verified from a head 2 of its 2 independent endpoints serve alike' }).waitFor();
  await goTo(page, 'Wallet');
  const want = `${formatUnits(await realBalance())} 0G`;
  assert.equal(await waitForVerifiedBalance(page, want), want);
  const lightClient = page.getByRole('region', { name: 'Light client' });
  assert.match(await lightClient.getByTestId('lc-checkpoint').innerText(), /no checkpoint: a head 2 of 2 independent endpoints serve alike/);
  await page.waitForFunction(() => /served alike/.test(document.querySelector('[data-testid="lc-trust"]')?.textContent ?? ''));
  assert.match(await lightClient.getByTestId('lc-trust').innerText(), /^hash-linked from block \d+, which 2 of 2 independent endpoints served alike$/);
  await shot(page, 'v2b-verified-by-agreement');

  // One endpoint goes its own way (a private fork): they disagree, and nothing is shown
  // as verified until they agree again.
  await proxy.set('private-fork');
  try {
    await page.evaluate(() => document.querySelector('.refresh-btn:not([disabled])')?.click());
    await badge(page).and(page.locator('[data-state="rejected"]')).waitFor({ timeout: 45_000 });
    assert.match(await badge(page).getAttribute('title'), /endpoints disagree/);
    assert.equal(await verifiedAnywhere(page), 0, 'nothing claims to be verified while the endpoints disagree');
  } finally {
    await proxy.set(null);
  }
  await page.evaluate(() => document.querySelector('.refresh-btn:not([disabled])')?.click());
  assert.equal(await waitForVerifiedBalance(page, want, 45_000), want, 'verified again once they agree');

  // Coming back after the chain went on by more than the light client walks (1,000 blocks;
  // a week is 1.5 million on 0G): reloaded and unlocked, the balance is verified again from
  // a head the endpoints agree on, above the blocks it was away for, not by walking them.
  for (let i = 0; i < 5; i++) await rpc(devnet.rpcUrl, 'anvil_mine', ['0xfa']);
  const away = Number(BigInt(await rpc(devnet.rpcUrl, 'eth_blockNumber')));
  await page.reload();
  await unlock(page, PASSWORD);
  assert.equal(await waitForVerifiedBalance(page, want, 45_000), want, 'verified on coming back');
  await page.waitForFunction(() => /served alike/.test(document.querySelector('[data-testid="lc-trust"]')?.textContent ?? ''));
  const rests = await page.getByTestId('lc-trust').innerText();
  const [, from] = rests.match(/^hash-linked from block (\d+), which 2 of 2 independent endpoints served alike$/) ?? [];
  assert.ok(Number(from) >= away, `rests on block ${from}, at or above block ${away} the chain reached while away: ${rests}`);
  // Back to the proxy alone for the steps that follow.
  await goTo(page, 'Settings');
  await more.getByLabel(/Endpoints of this network/).fill('');
  await more.getByRole('button', { name: 'Save endpoints' }).click();
  await page.getByTestId('trust-root').filter({ hasText: 'one endpoint and no checkpoint' }).waitFor();
});

test('3. with the devnet checkpoint saved, the balance is verified through the proxy', async () => {
  const { page } = main;
  const proofsBefore = (await proxy.state()).calls.eth_getProof ?? 0;
  await saveCheckpoint(page, devnet.checkpoint.number, devnet.checkpoint.hash);
  await goTo(page, 'Wallet');
  const want = `${formatUnits(await realBalance())} 0G`;
  assert.equal(await waitForVerifiedBalance(page, want), want);
  assert.ok(((await proxy.state()).calls.eth_getProof ?? 0) > proofsBefore, 'the proof came through the proxy');
  assert.equal(await page.locator('#network-select').inputValue(), 'custom');
  const lightClient = page.getByRole('region', { name: 'Light client' });
  assert.match(await lightClient.textContent(), /chain 31337/);
  assert.match(await lightClient.textContent(), /block 0 ·/);
  await shot(page, 'v3-checkpoint-verified-via-proxy');
});

test('4. an inflated balance with honest proofs is rejected and never displayed', async () => {
  const { page } = main;
  const real = await realBalance();
  const forged = real + FORGED_EXTRA_WEI;
  const forgedText = formatUnits(forged);
  assert.notEqual(forgedText, formatUnits(real));
  // The forged amount in every form it could take on the page; the real amount as a
  // control that the watcher sees what is on screen.
  const realText = formatUnits(real);
  const forgedForms = [forgedText, forged.toString(), `0x${forged.toString(16)}`];
  const watch = await watchFor(page, [realText, ...forgedForms]);
  const forgedSeen = async () => (await watch.seen()).filter((s) => forgedForms.includes(s.needle));
  assert.ok((await watch.seen()).some((s) => s.needle === realText), 'the watcher sees the verified real amount');
  const tamperedBefore = (await proxy.state()).tampered.eth_getProof ?? 0;

  await proxy.set('forge-balance');
  // Poll from outside as well, through the whole transition and a few refreshes after it.
  const samples = [];
  const deadline = Date.now() + 30_000;
  let rejectedAt = null;
  while (Date.now() < deadline) {
    const text = await page.evaluate(() => document.body.innerText);
    samples.push(text);
    assert.ok(!text.includes(forgedText), `the forged amount ${forgedText} 0G is on the page:\n${text}`);
    const state = await page.evaluate(() =>
      document.querySelector('[data-testid="selected-balance"] [data-testid="proof-badge"]')?.dataset.state ?? null);
    if (state === 'rejected' && rejectedAt === null) rejectedAt = Date.now();
    // Keep watching for three more refresh periods once rejected.
    if (rejectedAt !== null && Date.now() - rejectedAt > 12_000) break;
    await page.waitForTimeout(100);
  }
  assert.ok(rejectedAt !== null, `the badge never became rejected; it is ${await badge(page).getAttribute('data-state')}`);
  assert.ok(((await proxy.state()).tampered.eth_getProof ?? 0) > tamperedBefore, 'the proxy did serve inflated proofs');
  assert.equal(await badge(page).getAttribute('data-state'), 'rejected', 'still rejected on later refreshes');
  assert.equal((await badge(page).textContent()).trim(), 'Proof failed');
  assert.match(await badge(page).getAttribute('title'), /proof for account .* does not match state root/i);

  // The real balance is not passed off as verified either: the number is withheld.
  const card = page.locator('[data-testid="selected-balance"]');
  assert.equal(await card.locator('.amount').count(), 0, 'no amount is shown for a rejected balance');
  assert.match(await card.textContent(), /withheld/);
  assert.equal(await verifiedAnywhere(page), 0, 'no value anywhere is marked verified');
  const seen = await forgedSeen();
  assert.deepEqual(seen, [], `the forged amount was rendered at some point: ${JSON.stringify(seen).slice(0, 2000)}`);
  assert.ok(samples.length > 50, `polled the page ${samples.length} times`);
  await shot(page, 'v4-inflated-balance-rejected');

  // Honest again: the next refresh proves the real balance.
  await proxy.set(null);
  const want = `${formatUnits(real)} 0G`;
  assert.equal(await waitForVerifiedBalance(page, want, 20_000), want);
  assert.deepEqual(await forgedSeen(), []);
  await watch.stop();
  await shot(page, 'v4b-honest-again-verified');
});

test('5. a header with a swapped state root is refused on a fresh profile', async () => {
  const fresh = await newProfile(browser);
  const { page } = fresh;
  try {
    await restoreDevWallet(page);
    await useCustomNetwork(page, proxy.url);
    await goTo(page, 'Wallet');
    await page.locator('[data-testid="selected-balance"] [data-state="unverified"]').waitFor({ timeout: 30_000 });

    // State roots of the blocks mined from now on are swapped; their claimed hashes kept.
    await proxy.set('header-field-altered');
    const forgedBefore = (await proxy.state()).tampered.eth_getBlockByNumber ?? 0;
    await saveCheckpoint(page, devnet.checkpoint.number, devnet.checkpoint.hash);
    await goTo(page, 'Wallet');
    const error = page.getByTestId('connection-error');
    await error.waitFor({ timeout: 30_000 });
    const text = await error.textContent();
    assert.match(text, /header hashes to 0x[0-9a-f]{64}|not the hash of block|forged header/i, text);
    assert.match(text, /block \d+/, text);
    await badge(page).and(page.locator('[data-state="rejected"]')).waitFor({ timeout: 20_000 });
    assert.match(await badge(page).getAttribute('title'), /could not verify the chain/i);
    assert.ok(
      ((await proxy.state()).tampered.eth_getBlockByNumber ?? 0) > forgedBefore, 'the proxy did serve forged headers');
    // A few refreshes later: still nothing verified, the error still up.
    await page.waitForTimeout(9_000);
    assert.equal(await verifiedAnywhere(page), 0, 'no value anywhere is marked verified');
    assert.equal(await page.locator('[data-testid="selected-balance"] .amount').count(), 0);
    assert.ok(await error.isVisible());
    await shot(page, 'v5-forged-header-fresh-profile');
  } finally {
    await proxy.set(null);
    await fresh.context.close();
  }
});

test('5b. a forged header met while already synced stops verification', async () => {
  const { page } = main;
  await waitForVerifiedBalance(page);
  await proxy.set('header-field-altered');
  try {
    const error = page.getByTestId('connection-error');
    await error.waitFor({ timeout: 20_000 });
    const text = await error.textContent();
    assert.match(text, /header hashes to 0x[0-9a-f]{64}|not the hash of block|forged header/i, text);
    await badge(page).and(page.locator('[data-state="rejected"]')).waitFor({ timeout: 20_000 });
    assert.equal(await verifiedAnywhere(page), 0, 'no value anywhere is marked verified');
    await shot(page, 'v5b-forged-header-live');
  } finally {
    await proxy.set(null);
  }
});

test('6. an endpoint reporting another chain id is refused with both ids', async () => {
  const { page } = main;
  await proxy.set('wrong-chain-id');
  try {
    // Re-connect to the same custom network (the form keeps its values).
    await goTo(page, 'Settings');
    const form = page.getByRole('form', { name: 'Custom network' });
    assert.equal(await form.getByLabel('RPC URL').inputValue(), proxy.url);
    assert.equal(await form.getByLabel('Chain id').inputValue(), '31337');
    await form.getByRole('button', { name: 'Use this network' }).click();
    const error = page.locator('[data-testid="connection-error"]');
    await error.filter({ hasText: String(LYING_CHAIN_ID) }).waitFor({ timeout: 20_000 });
    const text = await error.textContent();
    assert.ok(text.includes(String(LYING_CHAIN_ID)) && text.includes('31337'), text);
    assert.match(text, /chain/i);
    await shot(page, 'v6-wrong-chain-id-settings');
    await goTo(page, 'Wallet');
    await page.waitForTimeout(5_000);
    assert.ok(await error.isVisible());
    assert.equal(await verifiedAnywhere(page), 0, 'no value anywhere is marked verified');
    assert.equal(await page.locator('[data-testid="selected-balance"] .amount').count(), 0, 'no balance from that endpoint');
    await shot(page, 'v6-wrong-chain-id-wallet');
  } finally {
    await proxy.set(null);
  }
});

test('7. a contract address set in Settings is proven to hold code before the app uses it', () => onFreshVerifiedProfile(async (page) => {
  await goTo(page, 'Settings');
  const form = page.getByRole('form', { name: 'Contract addresses' });
  const governor = form.getByLabel('Governor', { exact: true });
  // Empty: the devnet's own governor is used, and shown as the placeholder.
  assert.equal(await governor.inputValue(), '');
  assert.match(await governor.getAttribute('placeholder'), /^0x[0-9a-fA-F]{40}$/);
  assert.match(await form.getByLabel('Staking', { exact: true }).getAttribute('placeholder'), /^0x|not set/);

  // A mistyped checksum is caught and names the field; nothing is saved.
  const mistyped = DEV_ADDRESS.replace('39Fd', '39fd');
  await governor.fill(mistyped);
  await form.getByRole('button', { name: 'Save addresses' }).click();
  await form.getByRole('alert').filter({ hasText: /Governor: .*checksum/ }).waitFor();

  // An account without code (the dev account itself) as the governor.
  await governor.fill(DEV_ADDRESS);
  await form.getByRole('button', { name: 'Save addresses' }).click();
  await goTo(page, 'Governance');
  // Voting power reads only the token; the proposals need the governor.
  const proposals = page.getByRole('region', { name: 'Proposals' });
  const alert = proposals.getByRole('alert').filter({ hasText: /no contract at/ });
  await alert.waitFor({ timeout: 30_000 });
  const text = await alert.innerText();
  assert.match(text, /there is no contract at 0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266/i, text);
  assert.match(text, /where the app expects Governor/, text);
  assert.match(text, /Settings → Contract addresses/, text);
  await shot(page, 'v7-no-contract-at-governor');

  // Emptying the field brings the devnet's own governor back.
  await goTo(page, 'Settings');
  assert.equal(await governor.inputValue(), DEV_ADDRESS, 'the saved address is shown');
  await governor.fill('');
  await form.getByRole('button', { name: 'Save addresses' }).click();
  await goTo(page, 'Governance');
  await page.getByRole('region', { name: 'Voting power' }).getByTestId('governance-power').waitFor({ timeout: 30_000 });
  await proposals.getByRole('alert').filter({ hasText: /no contract at/ }).waitFor({ state: 'detached', timeout: 30_000 });
}));

test('8. switching to a network that cannot be reached updates every card and stops the pages waiting', () => onFreshVerifiedProfile(async (page) => {
  const card = page.getByRole('region', { name: 'Light client' });
  assert.match(await card.getByTestId('lc-network').innerText(), /Local devnet \(chain 31337\)/);
  // Nothing listens on port 9 (discard): the connection fails after its retries.
  await useCustomNetwork(page, 'http://127.0.0.1:9', '4242');
  await goTo(page, 'Wallet');
  // The card follows the switch at once, before the connection has even failed.
  assert.match(await card.getByTestId('lc-network').innerText(), /Custom network \(chain 4242\)/);
  assert.match(await card.getByTestId('lc-checkpoint').innerText(), /none/);
  const banner = page.getByTestId('connection-error');
  await banner.waitFor({ timeout: 60_000 });
  assert.equal(await banner.count(), 1, 'the failure is said once, at the top');
  // A page that needs the chain says it cannot be used instead of spinning.
  await goTo(page, 'Governance');
  await page.getByTestId('governance-unavailable').filter({ hasText: /cannot be used right now/ }).waitFor();
  assert.equal(await page.getByRole('region', { name: 'Voting power' }).count(), 0, 'no card left waiting');
  assert.equal(await page.locator('main .spinner').count(), 0, 'nothing spins');
  await shot(page, 'v8-unreachable-network');
}));

test("9. with 0G's validators' signatures (experimental), the balance is verified from a pinned consensus block, also far ahead", () => onFreshVerifiedProfile(async (page) => {
  await goTo(page, 'Settings');
  const form = page.getByRole('form', { name: 'Consensus endpoint and pin' });
  // The devnet offers its consensus stand-in and the block to pin.
  assert.equal(await form.getByLabel('Consensus RPC').inputValue(), devnet.consensus.url);
  assert.equal(await form.getByLabel('Pinned block height').inputValue(), '1');
  // A malformed pin is refused, saying what to fix.
  await form.getByLabel('Pinned block hash').fill('0x12');
  await form.getByRole('button', { name: "Verify with validators' signatures" }).click();
  await form.getByRole('alert').filter({ hasText: /64 hexadecimal characters/ }).waitFor();
  await form.getByLabel('Pinned block hash').fill(devnet.consensus.pin.hash);
  await form.getByRole('button', { name: "Verify with validators' signatures" }).click();
  await page.getByTestId('trust-root').filter({ hasText: "verified from its validators' signatures, starting at consensus block 1 (CometBFT light client, experimental)" }).waitFor();

  await goTo(page, 'Wallet');
  const want = `${formatUnits(await realBalance())} 0G`;
  assert.equal(await waitForVerifiedBalance(page, want, 45_000), want);
  const lightClient = page.getByRole('region', { name: 'Light client' });
  const finalised = /^hash-linked from block (\d+), which 0G's validators finalised at consensus height (\d+) \(CometBFT light client, experimental\)$/;
  await page.waitForFunction(() => /validators finalised/.test(document.querySelector('[data-testid="lc-trust"]')?.textContent ?? ''));
  assert.match(await lightClient.getByTestId('lc-trust').innerText(), finalised);
  assert.match(await lightClient.getByTestId('lc-checkpoint').innerText(), /validators' signatures from consensus block 1/);
  assert.match(await lightClient.getByTestId('head-agreement').innerText(), /not needed: each head is one the validators signed/);
  await shot(page, 'v9-verified-by-validators');

  // 1,250 blocks later (more than the light client walks): one skip across them.
  for (let i = 0; i < 5; i++) await rpc(devnet.rpcUrl, 'anvil_mine', ['0xfa']);
  const away = Number(BigInt(await rpc(devnet.rpcUrl, 'eth_blockNumber')));
  await page.evaluate(() => document.querySelector('.refresh-btn:not([disabled])')?.click());
  await page.waitForFunction(
    (min) => {
      const m = (document.querySelector('[data-testid="lc-trust"]')?.textContent ?? '').match(/consensus height (\d+)/);
      return m && Number(m[1]) >= min;
    },
    away,
    { timeout: 60_000 },
  );
  assert.equal(await waitForVerifiedBalance(page, want, 45_000), want, 'verified far ahead');
}));

test('10. a validator set the pinned block did not announce is refused, and nothing is shown as verified', () => onFreshVerifiedProfile(async (page) => {
  await goTo(page, 'Settings');
  const form = page.getByRole('form', { name: 'Consensus endpoint and pin' });
  // The same chain, re-signed from block 2 on by a forger who lists the honest keys
  // beside a heavy one of its own.
  await form.getByLabel('Consensus RPC').fill(devnet.consensus.url.replace(/\/cometbft$/, '/cometbft-forged'));
  await form.getByRole('button', { name: "Verify with validators' signatures" }).click();
  await goTo(page, 'Wallet');
  const error = page.getByTestId('connection-error');
  await error.waitFor({ timeout: 45_000 });
  const text = await error.textContent();
  assert.match(text, /validator set served for block 2 does not hash to the one its header names|other than the one the trusted block \d+ announced/, text);
  assert.match(text, /forged/, text);
  await page.waitForTimeout(3_000);
  assert.equal(await verifiedAnywhere(page), 0, 'no value anywhere is marked verified');
  await shot(page, 'v10-forged-validator-set');
  // Turning it off goes back to the checkpoint.
  await goTo(page, 'Settings');
  await form.getByRole('button', { name: 'Stop using signatures' }).click();
  await page.getByTestId('trust-root').filter({ hasText: 'verified from the checkpoint at block 0' }).waitFor();
  await goTo(page, 'Wallet');
  await waitForVerifiedBalance(page, undefined, 45_000);
}));
