// Safer sends (issue 21): before signing, the review shows the full address in groups, the
// balance changes, a warning for a first payment to an address and a stronger one, to be
// ticked, for an address that looks like a known one (address poisoning); a contract that
// cannot take a plain transfer is caught on proven state before anything is signed. While a
// payment waits in the pool it can be sped up (same nonce, higher fees) or cancelled (0 0G
// to oneself in its place). Mining is paused through anvil to hold a payment pending.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, newProfile, restoreWallet, rpc, selectedAddress, shot, startDevnet } from './harness.mjs';

let devnet, browser, closeBrowser, page, me;

before(async () => {
  devnet = await startDevnet();
  ({ browser, close: closeBrowser } = await launchBrowser());
  ({ page } = await newProfile(browser));
  await restoreWallet(page, devnet.appUrl);
  me = await selectedAddress(page);
});

after(async () => {
  await closeBrowser?.();
  await devnet?.stop();
});

// A known recipient, and an address made to look like it: the same first and last four.
const FRIEND = '0x1234000000000000000000000000000000005678';
const LOOK_ALIKE = '0x1234ffffffffffffffffffffffffffffffff5678';

async function review(to, amount) {
  await page.locator('nav[aria-label="Main"]').getByRole('link', { name: 'Send' }).click();
  await page.getByLabel('To address').fill(to);
  await page.getByLabel('Amount').fill(amount);
  await page.waitForFunction(() => document.querySelector('#send-max-fee')?.value !== '');
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByTestId('balance-changes').waitFor();
  // The recipient is tried on proven state before sending is allowed.
  await page.getByTestId('recipient-trial').filter({ hasText: 'Trying' }).waitFor({ state: 'detached', timeout: 60_000 });
}

async function signed() {
  await page.getByRole('button', { name: 'Sign and send' }).click();
  await page.getByTestId('tx-status').locator('[data-state="verified"]').waitFor({ timeout: 90_000 });
}

/** The transaction waiting in anvil's pool from `from`, if one is. */
async function pooled(from) {
  const content = await rpc(devnet.rpcUrl, 'txpool_content');
  const entry = Object.entries(content.pending).find(([a]) => a.toLowerCase() === from.toLowerCase());
  const txs = entry ? Object.values(entry[1]) : [];
  assert.ok(txs.length <= 1, `more than one pending: ${JSON.stringify(txs)}`);
  return txs[0];
}

async function pendingIn(from) {
  for (let i = 0; i < 100; i++) {
    const tx = await pooled(from);
    if (tx) return tx;
    await new Promise((r) => setTimeout(r, 200));
  }
  await shot(page, `sends-timeout-${Date.now()}`);
  throw new Error(`nothing reached the pool; the page showed: ${await page.locator('main').innerText()}`);
}

test('the first payment to an address is warned about, with the full address and the balance changes', async () => {
  await review(FRIEND, '1');
  assert.equal((await page.getByTestId('review-to').textContent()).toLowerCase(), FRIEND);
  assert.equal(await page.getByTestId('review-to').locator('.chunk').count(), 10, 'ten groups of four, 0x on the first');
  assert.match(await page.getByTestId('first-time').textContent(), /not sent to this address from this account before/);
  assert.equal(await page.getByTestId('look-alike').count(), 0);
  const change = page.getByTestId('balance-change');
  assert.equal(await change.count(), 1);
  assert.match(await change.getByTestId('balance-change-amount').textContent(), /^−1\.\d+ 0G$/);
  assert.match(await change.textContent(), /with the most the fee can be/);
  await shot(page, 'sends-01-first-time');
  await signed();

  // The second payment to it is not a first.
  await review(FRIEND, '0.1');
  assert.equal(await page.getByTestId('first-time').count(), 0);
});

test('an address that looks like a known one must be checked and ticked before it is paid', async () => {
  await review(LOOK_ALIKE, '0.1');
  const warning = page.getByTestId('look-alike');
  assert.match(await warning.textContent(), new RegExp(`looks like ${FRIEND}`, 'i'));
  await page.getByRole('button', { name: 'Sign and send' }).click();
  assert.match(await page.locator('.alert-error[role="alert"]').last().textContent(), /Check every character, then tick the box/);
  assert.equal(await page.getByTestId('tx-status').count(), 0, 'sent without the tick');
  await shot(page, 'sends-02-look-alike');
  await warning.getByRole('checkbox').check();
  await signed();
});

test('a contract that cannot take a plain transfer is caught before signing', async () => {
  await review(devnet.contracts.wrappedZG, '0.1');
  const trial = page.getByTestId('recipient-trial');
  assert.match(await trial.textContent(), /is a contract that needs \d+ gas to take a payment; a plain transfer has 21000/);
  await page.getByRole('button', { name: 'Sign and send' }).click();
  assert.equal(await page.getByTestId('tx-status').count(), 0);
  assert.equal(await page.getByTestId('sending-status').count(), 0, 'it was signed anyway');
  await shot(page, 'sends-03-contract-recipient');
});

test('a pending payment is sped up, and another one cancelled', async () => {
  await rpc(devnet.rpcUrl, 'evm_setIntervalMining', [0]);
  try {
    await review(FRIEND, '0.5');
    await page.getByRole('button', { name: 'Sign and send' }).click();
    const first = await pendingIn(me);
    await page.getByTestId('speed-up').waitFor({ timeout: 30_000 });
    await shot(page, 'sends-04-pending');
    await page.getByTestId('speed-up').click();
    await page.getByTestId('sending-status').filter({ hasText: 'Sped up' }).waitFor({ timeout: 30_000 });
    const faster = await pooled(me);
    assert.equal(faster.nonce, first.nonce);
    assert.notEqual(faster.hash, first.hash);
    assert.ok(BigInt(faster.maxFeePerGas) * 10n >= BigInt(first.maxFeePerGas) * 11n, 'max fee raised by 10% or more');
    assert.ok(BigInt(faster.maxPriorityFeePerGas) > BigInt(first.maxPriorityFeePerGas), 'tip raised');
    assert.equal(faster.to.toLowerCase(), FRIEND);
    await rpc(devnet.rpcUrl, 'evm_mine');
    await page.getByTestId('tx-status').locator('[data-state="verified"]').waitFor({ timeout: 90_000 });
    const mined = await rpc(devnet.rpcUrl, 'eth_getTransactionReceipt', [faster.hash]);
    assert.equal(mined.status, '0x1');

    const before = BigInt(await rpc(devnet.rpcUrl, 'eth_getBalance', [FRIEND, 'latest']));
    await review(FRIEND, '0.25');
    await page.getByRole('button', { name: 'Sign and send' }).click();
    const payment = await pendingIn(me);
    await page.getByTestId('cancel-pending').click();
    await page.getByTestId('sending-status').filter({ hasText: 'Cancelling' }).waitFor({ timeout: 30_000 });
    const cancel = await pooled(me);
    assert.equal(cancel.nonce, payment.nonce);
    assert.equal(cancel.to.toLowerCase(), me.toLowerCase());
    assert.equal(BigInt(cancel.value), 0n);
    await rpc(devnet.rpcUrl, 'evm_mine');
    await page.getByTestId('send-cancelled').waitFor({ timeout: 90_000 });
    assert.equal(BigInt(await rpc(devnet.rpcUrl, 'eth_getBalance', [FRIEND, 'latest'])), before, 'the cancelled payment arrived');
    await shot(page, 'sends-05-cancelled');
  } finally {
    await rpc(devnet.rpcUrl, 'evm_setIntervalMining', [1]);
  }
});
