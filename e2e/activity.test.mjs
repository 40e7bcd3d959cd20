// Activity (issue 21): a payment received from outside the wallet and one sent from it are
// listed, each proven in its block, with the fee the account paid; a payment that comes
// later shows on "Check for new"; the CSV export holds the same entries, exactly.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { appears, launchBrowser, newProfile, restoreWallet, rpc, selectedAddress, shot, startDevnet, waitForVerifiedBalance, waitMined } from './harness.mjs';

let devnet, browser, closeBrowser;

before(async () => {
  devnet = await startDevnet();
  ({ browser, close: closeBrowser } = await launchBrowser());
});

after(async () => {
  await closeBrowser?.();
  await devnet?.stop();
});

// The BIP-39 test vector: an account nothing else on the devnet touches.
const PHRASE = 'legal winner thank year wave sausage worth useful legal winner thank yellow';
const FUNDER = '0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc'; // anvil dev #5, unlocked
const PAYEE = '0x000000000000000000000000000000000000dEaD';
const wei = (n) => '0x' + BigInt(Math.round(n * 1000) * 10 ** 15).toString(16);

/** Wei as an exact 0G decimal without trailing zeros, as the CSV writes it. */
function exact0g(weiAmount) {
  const digits = weiAmount.toString().padStart(19, '0');
  const frac = digits.slice(-18).replace(/0+$/, '');
  return frac ? `${digits.slice(0, -18)}.${frac}` : digits.slice(0, -18);
}

test('payments in and out are listed from proven blocks, and exported as CSV', async () => {
  const { page, context } = await newProfile(browser);
  await restoreWallet(page, devnet.appUrl, PHRASE);
  const me = await selectedAddress(page);
  const funding = await rpc(devnet.rpcUrl, 'eth_sendTransaction', [{ from: FUNDER, to: me, value: wei(3) }]);
  await waitMined(devnet.rpcUrl, funding);
  await page.locator('.refresh-btn').click();
  await waitForVerifiedBalance(page, '3 0G', 60_000);

  // Send 1 0G from the wallet.
  await page.getByRole('link', { name: 'Send' }).click();
  await page.getByLabel('To address').fill(PAYEE);
  await page.getByLabel('Amount').fill('1');
  await page.waitForFunction(() => document.querySelector('#send-max-fee')?.value !== '');
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Sign and send' }).click();
  await page.getByTestId('tx-status').locator('[data-state="verified"]').waitFor({ timeout: 60_000 });

  await page.getByRole('link', { name: 'Activity' }).click();
  await page.getByRole('heading', { name: 'Activity', level: 1 }).waitFor();
  const card = page.getByTestId('activity');
  const list = page.getByTestId('activity-list');
  await appears(page, list, card, 120_000);
  const received = list.locator('.activity-row[data-direction="in"]');
  const sent = list.locator('.activity-row[data-direction="out"]');
  assert.equal(await received.count(), 1);
  assert.equal(await sent.count(), 1);
  assert.equal((await received.getByTestId('activity-amount').textContent()).trim(), '+3 0G');
  assert.match(await received.textContent(), /Received/);
  assert.equal((await received.locator('[data-address]').first().getAttribute('data-address')).toLowerCase(), FUNDER.toLowerCase());
  assert.equal(await received.getByTestId('activity-fee').count(), 0, 'the sender paid the fee of a payment received');
  assert.equal((await sent.getByTestId('activity-amount').textContent()).trim(), '−1 0G');
  assert.equal((await sent.locator('[data-address]').first().getAttribute('data-address')).toLowerCase(), PAYEE.toLowerCase());
  assert.match(await sent.getByTestId('activity-fee').textContent(), /^fee 0\.\d+ 0G$/);
  for (const row of [received, sent]) assert.match(await row.textContent(), /proven in block \d+/);
  assert.match(await page.getByTestId('activity-scope').textContent(), /^Blocks \d+–\d+ searched: every change of this account's balance and nonce found \(\d+ proofs read\)\.$/);
  await shot(page, 'activity-01-in-and-out');

  // The export holds the same two entries, with exact amounts and the fee paid.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  assert.match(download.suggestedFilename(), /^zg-activity-0x[0-9a-fA-F]{40}-\d+-\d+\.csv$/);
  const lines = (await readFile(await download.path(), 'utf8')).trim().split('\n');
  assert.equal(lines[0], 'block,time_utc,tx_hash,direction,counterparty,asset,token_id,amount_raw,amount_0g,fee_0g,status,action');
  const rows = lines.slice(1).map((l) => l.split(','));
  assert.equal(rows.length, 2);
  const [inRow, outRow] = rows;
  assert.deepEqual([inRow[2], inRow[3], inRow[4].toLowerCase(), inRow[8], inRow[9], inRow[10]], [funding, 'in', FUNDER.toLowerCase(), '3', '', 'success']);
  assert.deepEqual([outRow[3], outRow[4].toLowerCase(), outRow[8], outRow[10], outRow[11]], ['out', PAYEE.toLowerCase(), '1', 'success', 'transfer']);
  const receipt = await rpc(devnet.rpcUrl, 'eth_getTransactionReceipt', [outRow[2]]);
  assert.equal(outRow[9], exact0g(BigInt(receipt.gasUsed) * BigInt(receipt.effectiveGasPrice)),
    'the fee is the gas used at the price the block charged');

  // A payment arriving later is found by "Check for new".
  await waitMined(devnet.rpcUrl, await rpc(devnet.rpcUrl, 'eth_sendTransaction', [{ from: FUNDER, to: me, value: wei(0.5) }]));
  await page.getByRole('button', { name: 'Check for new' }).click();
  await list.locator('.activity-row[data-direction="in"]').nth(1).waitFor({ timeout: 60_000 });
  assert.equal((await list.locator('.activity-row').first().getByTestId('activity-amount').textContent()).trim(), '+0.5 0G', 'newest first');
  await shot(page, 'activity-02-new-payment');
  await context.close();
});
