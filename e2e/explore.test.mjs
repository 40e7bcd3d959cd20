// Demo mode (issue 21): "Explore without a wallet" watches any address read-only, with its
// balance and tokens proven and its activity listed from proven blocks; nothing that signs is offered;
// the first-run tour walks four cards once and stays finished; leaving returns to the
// first screen with no wallet made.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { appears, launchBrowser, newProfile, rpc, shot, startDevnet, waitForVerifiedBalance, waitMined } from './harness.mjs';

let devnet, browser, closeBrowser;

before(async () => {
  devnet = await startDevnet();
  ({ browser, close: closeBrowser } = await launchBrowser());
});

after(async () => {
  await closeBrowser?.();
  await devnet?.stop();
});

const FUNDER = '0x14dC79964da2C08b23698B3D3cc7Ca32193d9955'; // anvil dev #7, unlocked
// An address no key in any test holds, so only this test moves 0G to it.
const WATCHED = '0x00000000000000000000000000000000000be7ed';

test('an address is watched read-only with proven values, and the tour runs once', async () => {
  const hash = await rpc(devnet.rpcUrl, 'eth_sendTransaction', [{ from: FUNDER, to: WATCHED, value: '0x22b1c8c1227a0000' }]); // 2.5 0G
  await waitMined(devnet.rpcUrl, hash);
  const { page, context } = await newProfile(browser);
  await page.goto(devnet.appUrl);
  await page.getByTestId('explore').click({ timeout: 120_000 });
  await page.getByRole('heading', { name: 'Explore without a wallet', level: 1 }).waitFor();

  // A malformed address is refused with the reason, and nothing is opened.
  await page.getByLabel('Address to watch').fill('0x1234');
  await page.getByRole('button', { name: 'Watch', exact: true }).click();
  assert.match(await page.locator('.alert-error').textContent(), /^Address: /);
  await shot(page, 'explore-01-bad-address');

  await page.getByLabel('Address to watch').fill(WATCHED);
  await page.getByRole('button', { name: 'Watch', exact: true }).click();
  await page.getByRole('heading', { name: 'Wallet', exact: true, level: 1 }).waitFor();
  assert.match(await page.getByTestId('watch-banner').textContent(), new RegExp(`Watching ${WATCHED} read-only`, 'i'));
  await waitForVerifiedBalance(page, '2.5 0G', 60_000);

  // Only the pages that read are offered, and nothing that signs.
  const nav = page.locator('nav[aria-label="Main"]');
  assert.deepEqual(
    (await nav.getByRole('link').allTextContents()).map((t) => t.replace(/^\W+/, '').trim()),
    ['Wallet', 'Activity', 'Governance', 'Staking'],
  );
  assert.equal(await page.getByRole('button', { name: 'Send' }).count(), 0);
  assert.equal(await page.getByRole('button', { name: 'Lock' }).count(), 0);
  assert.equal(await page.getByRole('heading', { name: 'Accounts' }).count(), 0);

  // The tour: four cards, back and forth, then done.
  const tour = page.getByTestId('tour');
  assert.equal((await tour.getByTestId('tour-step').textContent()).trim(), '1 of 4');
  assert.equal((await tour.getByTestId('tour-title').textContent()).trim(), 'Values this browser checked');
  await shot(page, 'explore-02-watching-with-tour');
  await tour.getByTestId('tour-next').click();
  await tour.getByTestId('tour-next').click();
  await tour.getByRole('button', { name: 'Back' }).click();
  assert.equal((await tour.getByTestId('tour-step').textContent()).trim(), '2 of 4');
  await tour.getByTestId('tour-next').click();
  await tour.getByTestId('tour-next').click();
  assert.equal((await tour.getByTestId('tour-title').textContent()).trim(), 'Networks and keys');
  await tour.getByTestId('tour-done').click();
  assert.equal(await page.getByTestId('tour').count(), 0);

  // Tokens can be watched too, their balances proven, kept for the watch only.
  const tokens = page.getByRole('region', { name: 'Tokens' });
  await tokens.getByTestId('tokens-watching').waitFor();
  await tokens.getByLabel('Token contract address').fill(devnet.contracts.wrappedZG);
  await tokens.getByRole('button', { name: 'Add token' }).click();
  await tokens.getByTestId('token').waitFor({ timeout: 30_000 });
  assert.equal((await tokens.getByTestId('token-balance').textContent()).trim(), '0 wZG');
  assert.equal(await tokens.getByTestId('proof-badge').getAttribute('data-state'), 'verified');

  // Activity works for a watched address as for an own one.
  await page.getByRole('link', { name: 'Activity' }).click();
  await page.getByRole('heading', { name: 'Activity', level: 1 }).waitFor();
  const list = page.getByTestId('activity-list');
  await appears(page, list, page.getByTestId('activity'), 120_000);
  const received = list.locator('.activity-row[data-direction="in"]');
  assert.equal(await received.count(), 1);
  assert.equal((await received.getByTestId('activity-amount').textContent()).trim(), '+2.5 0G');
  assert.match(await received.textContent(), /proven in block \d+/);
  await shot(page, 'explore-03-watched-activity');

  // A page that signs, asked for by its address, shows the Wallet instead.
  await page.evaluate(() => { location.hash = '#/send'; });
  await page.getByRole('heading', { name: 'Wallet', exact: true, level: 1 }).waitFor();
  assert.equal(await page.getByRole('heading', { name: 'Send', level: 1 }).count(), 0);
  await tokens.getByTestId('token').waitFor({ timeout: 30_000 }); // kept across pages

  // A reload starts over (nothing of the watch is kept), but the finished tour stays finished.
  await page.reload();
  await page.getByTestId('explore').click({ timeout: 120_000 });
  await page.getByLabel('Address to watch').fill(WATCHED);
  await page.getByRole('button', { name: 'Watch', exact: true }).click();
  await page.getByRole('heading', { name: 'Wallet', exact: true, level: 1 }).waitFor();
  assert.equal(await page.getByTestId('tour').count(), 0, 'the finished tour came back');
  await tokens.getByTestId('no-tokens').waitFor({ timeout: 30_000 }); // the watched tokens are not kept

  // Leaving returns to the first screen, with no wallet made.
  await page.getByTestId('stop-watching').click();
  await page.getByRole('button', { name: 'Create a new wallet' }).waitFor();
  const vaults = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const open = indexedDB.open('zg-console');
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('vault')) return resolve(0);
          const count = db.transaction('vault').objectStore('vault').count();
          count.onsuccess = () => resolve(count.result);
        };
      }),
  );
  assert.equal(vaults, 0, 'watching made a vault');
  await context.close();
});
