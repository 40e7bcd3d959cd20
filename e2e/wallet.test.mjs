// The wallet as a new user meets it, in real headless Chromium against a fresh devnet:
// create → faucet → send → reload/unlock (wrong password first) → export a key file (the wallet
// password asked again) → import a known phrase.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Wallet } from 'ethers';
import { DEV_PHRASE, launchBrowser, newProfile, selectedAddress, shot, startDevnet, waitForVerifiedBalance, restoreWallet, goTo, unlock } from './harness.mjs';

const PASSWORD = 'correct horse battery';
const KEY_FILE_PASSWORD = 'key file only';
let devnet, browser, closeBrowser;
// The key file the first journey exports, and its account: the import test reads it back.
let exportedKeyFile, exportedAddress;

before(async () => {
  devnet = await startDevnet();
  ({ browser, close: closeBrowser } = await launchBrowser());
});

after(async () => {
  await closeBrowser?.();
  await devnet?.stop();
});

// Runs `action` while counting the page's animation frames and the longest gap between two.
// A key file's scrypt (n = 2^17) on the page's thread stops frames for a second or more; in the
// KDF worker they keep coming.
async function framesDuring(page, action) {
  await page.evaluate(() => {
    const m = (window.__frames = { count: 0, longest: 0, last: performance.now(), on: true });
    const tick = (t) => {
      if (!m.on) return;
      m.longest = Math.max(m.longest, t - m.last);
      m.last = t;
      m.count++;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const started = Date.now();
  const result = await action();
  const elapsed = Date.now() - started;
  const frames = await page.evaluate(() => {
    const m = window.__frames;
    m.on = false;
    return { count: m.count, longest: Math.max(m.longest, performance.now() - m.last) };
  });
  return { result, elapsed, ...frames };
}

// The page kept drawing while a key derivation ran: frames advanced, none stalled for long.
function assertResponsive(what, { elapsed, count, longest }) {
  const detail = `${what}: ${count} frames in ${elapsed} ms, longest gap ${Math.round(longest)} ms`;
  console.log(detail);
  assert.ok(count >= 5, `frames advanced while ${detail}`);
  assert.ok(longest < 400, `no frame waited on the key derivation while ${detail}`);
}

const KDF_ON_PAGE = 'key derivation runs on the page';

async function createWallet(page) {
  await page.goto(devnet.appUrl);
  await page.getByRole('button', { name: 'Create a new wallet' }).click();
  const words = await page.locator('[data-testid="mnemonic"] .word').allTextContents();
  assert.equal(words.length, 12, 'a 12-word phrase is shown');
  await shot(page, '01-recovery-phrase');
  await page.getByLabel('I have written these words down').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  for (const label of await page.locator('form label').allTextContents()) {
    const n = Number(label.replace('Word ', ''));
    await page.getByLabel(label, { exact: true }).fill(words[n - 1]);
  }
  await shot(page, '02-confirm-phrase');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('New password').fill(PASSWORD);
  await page.getByLabel('Confirm password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create wallet' }).click();
  await page.getByRole('heading', { name: 'Wallet', exact: true, level: 1 }).waitFor();
  return words;
}

test('a new user creates a wallet, takes faucet funds, sends, reloads and unlocks', async () => {
  const { page, consoleLines } = await newProfile(browser);
  const words = await createWallet(page);
  const first = await selectedAddress(page);
  assert.match(first, /^0x[0-9a-fA-F]{40}$/);

  // Empty at first, and proven empty.
  assert.equal(await waitForVerifiedBalance(page), '0 0G');
  await page.getByRole('button', { name: 'Get 10 test 0G' }).click();
  assert.equal(await waitForVerifiedBalance(page, '10 0G'), '10 0G');
  await shot(page, '03-wallet-funded');

  // A second account to send to.
  await page.getByRole('button', { name: 'Add account' }).click();
  await page.locator('[data-testid="selected-name"]', { hasText: 'Account 2' }).waitFor();
  const second = await selectedAddress(page);
  assert.notEqual(second, first);
  await page.getByRole('list', { name: 'Accounts' }).getByRole('button', { name: 'Account 1', exact: true }).click();
  await page.locator('[data-testid="selected-name"]', { hasText: 'Account 1' }).waitFor();

  await page.getByRole('link', { name: 'Send' }).click();
  await page.getByLabel('To address').fill(second);
  await page.getByLabel('Amount').fill('2.5');
  await page.waitForFunction(() => document.querySelector('#send-max-fee')?.value !== '');
  await shot(page, '04-send-form');
  await page.getByRole('button', { name: 'Review' }).click();
  assert.equal(await page.getByTestId('review-amount').textContent(), '2.5 0G');
  assert.equal((await page.getByTestId('review-to').textContent()).toLowerCase(), second.toLowerCase());
  await shot(page, '05-send-review');
  await page.getByRole('button', { name: 'Sign and send' }).click();
  await page.getByTestId('tx-status').filter({ hasText: 'Included in block' }).waitFor({ timeout: 60_000 });
  // The receipt is proven from the block's transactions and receipts roots, not taken on trust.
  await page.getByTestId('tx-status').locator('[data-state="verified"]').waitFor();
  await shot(page, '06-send-done');

  // Both balances proven: the sender paid 2.5 plus a fee, the receiver has exactly 2.5.
  await page.getByRole('link', { name: 'Wallet' }).click();
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('.account-row')];
    return rows.length === 2 && rows.every((r) => r.querySelector('[data-state="verified"]'))
      && rows[1].querySelector('.amount')?.textContent.trim() === '2.5 0G';
  }, null, { timeout: 30_000 });
  const senderText = await page.locator('.account-row').nth(0).locator('.amount').textContent();
  const sender = Number(senderText.replace(' 0G', ''));
  assert.ok(sender < 7.5 && sender > 7.49, `sender holds 10 - 2.5 - fee, got ${senderText}`);
  await shot(page, '07-wallet-after-send');

  // Reload: locked. A wrong password is refused and changes nothing; the right one works.
  await page.reload();
  await page.getByRole('heading', { name: 'Unlock your wallet' }).waitFor();
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await page.getByRole('alert').filter({ hasText: 'wrong password' }).waitFor();
  await shot(page, '08-unlock-wrong-password');
  await unlock(page, PASSWORD);
  await page.locator('.account-row').nth(1).waitFor();
  await shot(page, '08b-unlocked');
  const names = await page.locator('.account-row .account-name').allTextContents();
  assert.deepEqual(names, ['Account 1', 'Account 2']);
  const addresses = await page.locator('.account-row [data-address]').evaluateAll((els) => els.map((e) => e.dataset.address));
  assert.deepEqual(addresses, [first, second]);

  // Exporting a key asks for the wallet password again (an unlocked session is not enough):
  // a wrong one exports nothing and leaves the wallet unlocked; the right one saves a key file
  // that ethers, another wallet, opens to the same account.
  let downloads = 0;
  page.on('download', () => downloads++);
  await page.getByRole('button', { name: 'Export key file' }).click();
  await page.getByLabel('Wallet password').fill('not the password');
  await page.getByLabel('Key file password').fill(KEY_FILE_PASSWORD);
  await page.getByLabel('Confirm password').fill(KEY_FILE_PASSWORD);
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: "not this wallet's password" }).waitFor();
  await shot(page, '08c-export-wrong-password');
  assert.equal(downloads, 0, 'nothing was exported');
  assert.equal(await page.getByLabel('Wallet password').inputValue(), '', 'the typed wallet password is not kept');
  assert.equal(await page.locator('.account-row').count(), 2, 'still unlocked');
  await page.getByLabel('Wallet password').fill(PASSWORD);
  // scrypt n = 2^17 runs in the KDF worker: the page keeps drawing meanwhile.
  const exporting = await framesDuring(page, () => Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export', exact: true }).click(),
  ]));
  assertResponsive('exporting a key file', exporting);
  const [download] = exporting.result;
  assert.ok(!consoleLines.some((l) => l.includes(KDF_ON_PAGE)), 'the export derived its key in the worker');
  const keyFile = await readFile(await download.path(), 'utf8');
  assert.ok(!keyFile.includes(PASSWORD) && !keyFile.includes(KEY_FILE_PASSWORD), 'no password in the file');
  const { kdf, kdfparams } = JSON.parse(keyFile).crypto;
  assert.deepEqual([kdf, kdfparams.n, kdfparams.r, kdfparams.p], ['scrypt', 131072, 8, 1], "at least ethers v6's default");
  const exported = await Wallet.fromEncryptedJson(keyFile, KEY_FILE_PASSWORD);
  assert.equal(exported.address, first, 'ethers opens the exported file to the selected account');
  [exportedKeyFile, exportedAddress] = [keyFile, first];

  // Nothing secret leaked to the console or to localStorage.
  const storage = await page.evaluate(() => JSON.stringify({ ...localStorage }));
  for (const w of words) assert.ok(!storage.includes(` ${w} `), 'no phrase words in localStorage');
  assert.ok(!consoleLines.some((l) => words.filter((w) => l.includes(w)).length >= 3), 'no phrase in the console');
  assert.ok(!page.url().includes(words[0]), 'no phrase in the URL');
});

test('a new wallet starts from the exported key file', async () => {
  assert.ok(exportedKeyFile, 'the first journey exported a key file');
  const { page, consoleLines } = await newProfile(browser);
  await page.goto(devnet.appUrl);
  await page.getByRole('button', { name: 'Import a private key or key file' }).click();
  await page.getByRole('tab', { name: 'Key file (JSON)' }).click();
  await page.getByLabel('…or paste its contents').fill(exportedKeyFile);
  await page.getByLabel('Key file password').fill('not the key file password');
  await page.getByLabel('New password').fill(PASSWORD);
  await page.getByLabel('Confirm password').fill(PASSWORD);
  // The file's scrypt runs in the KDF worker (a wrong password costs the same derivation).
  assertResponsive('importing with a wrong password', await framesDuring(page, async () => {
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'does not unlock this key file' }).waitFor();
  }));
  // The typed passwords left the form once used; the key file stays for another try.
  assert.equal(await page.getByLabel('New password').inputValue(), '');
  await page.getByLabel('Key file password').fill(KEY_FILE_PASSWORD);
  await page.getByLabel('New password').fill(PASSWORD);
  await page.getByLabel('Confirm password').fill(PASSWORD);
  const importing = await framesDuring(page, async () => {
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    // Until the import form leaves: the derivation, then the vault's creation.
    await page.getByLabel('…or paste its contents').waitFor({ state: 'detached', timeout: 60_000 });
  });
  assertResponsive('importing a key file', importing);
  await page.getByRole('heading', { name: 'Wallet', exact: true, level: 1 }).waitFor();
  assert.equal(await selectedAddress(page), exportedAddress);
  assert.ok(!consoleLines.some((l) => l.includes(KDF_ON_PAGE)), 'the import derived its key in the worker');
});

test('importing a known recovery phrase gives its known first address, proven', async () => {
  const { page } = await newProfile(browser, { width: 390, height: 844 });
  await restoreWallet(page, devnet.appUrl, 'test test test test test test test test test test test junk', PASSWORD);
  assert.equal(await selectedAddress(page), '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266');
  const balance = await waitForVerifiedBalance(page);
  assert.match(balance, /^9,9\d\d(\.\d+)? 0G$/, `the faucet's dev account holds just under 10,000 0G: ${balance}`);
  await shot(page, '09-restored-phone-width');
});

test('a malformed recovery phrase is refused with a clear message', async () => {
  const { page } = await newProfile(browser);
  await page.goto(devnet.appUrl);
  await page.getByRole('button', { name: 'I have a recovery phrase' }).click();
  await page.getByLabel('Recovery phrase').fill('test test test test test test test test test test test test');
  await page.getByLabel('New password').fill(PASSWORD);
  await page.getByLabel('Confirm password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Restore wallet' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.textContent(), /checksum/i);
  await shot(page, '10-bad-phrase');
});

test('every page has an address: the address bar follows, Back and Forward walk the pages, a link opens its page', async () => {
  const { context, page } = await newProfile(browser);
  await restoreWallet(page, devnet.appUrl, DEV_PHRASE, PASSWORD);
  const fragment = () => page.evaluate(() => location.hash);
  assert.equal(await fragment(), '#/wallet', 'the landing page has its address, with no entry before it');
  await goTo(page, 'Storage');
  assert.equal(await fragment(), '#/storage');
  await goTo(page, 'Governance');
  assert.equal(await fragment(), '#/governance');
  const navLink = await page.locator('nav[aria-label="Main"]').getByRole('link', { name: 'Staking' }).getAttribute('href');
  assert.equal(navLink, '#/staking', 'a page can be opened in a new tab from its link');

  await page.goBack();
  await page.getByRole('heading', { name: 'Storage', level: 1 }).waitFor();
  await page.goBack();
  await page.getByRole('heading', { name: 'Wallet', level: 1 }).waitFor();
  await page.goForward();
  await page.getByRole('heading', { name: 'Storage', level: 1 }).waitFor();
  assert.equal(await fragment(), '#/storage');

  // An address typed or pasted while the wallet is open moves the page.
  await page.evaluate(() => { location.hash = '#/compute'; });
  await page.getByRole('heading', { name: 'Compute', level: 1 }).waitFor();

  // A link to a page, opened in another tab of the same browser: unlocked, it shows that page.
  const linked = await context.newPage();
  await linked.goto(`${devnet.appUrl}#/settings`);
  await linked.getByLabel('Password').fill(PASSWORD, { timeout: 120_000 });
  await linked.getByRole('button', { name: 'Unlock' }).click();
  await linked.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
  assert.equal(await linked.evaluate(() => location.hash), '#/settings');
  await shot(linked, '11-page-link');
  // A reload lands on the Wallet after unlocking, as other wallets do.
  await linked.reload();
  await unlock(linked, PASSWORD);
  await linked.waitForFunction(() => location.hash === '#/wallet');
  // An address that names no page changes nothing.
  await linked.evaluate(() => { location.hash = '#/nowhere'; });
  await linked.waitForTimeout(300);
  assert.equal(await linked.getByRole('heading', { level: 1 }).first().textContent(), 'Wallet');
});

test('an idle wallet locks itself after the time chosen in Settings; activity holds it open', async () => {
  const { context, page } = await newProfile(browser);
  // The browser's clock, moved forward by the test instead of waiting minutes. It runs at
  // normal speed otherwise, so the app loads, syncs and polls as it does for a user.
  await page.clock.install();
  await restoreWallet(page, devnet.appUrl, DEV_PHRASE, PASSWORD);
  const address = await selectedAddress(page);
  await goTo(page, 'Settings');
  await page.getByLabel('Lock after idle').selectOption('1');
  await page.getByRole('heading', { name: 'Preferences' }).click(); // activity: the idle time starts here

  // 40 s idle: still open. A key press is activity, so the minute starts again from it.
  await page.clock.fastForward('00:40');
  await page.clock.runFor(10_500); // the app checks every 10 s
  assert.ok(await page.getByRole('heading', { name: 'Settings', level: 1 }).isVisible(), 'open after 50 s idle');
  await page.keyboard.press('Shift');
  await page.clock.fastForward('00:40');
  await page.clock.runFor(10_500);
  assert.ok(await page.getByRole('heading', { name: 'Settings', level: 1 }).isVisible(), 'activity reset the idle time');

  // A full minute without activity: locked, with the reason, and nothing of the vault lost.
  // (The jump fires the app's 10 s check once; no more, or the 6 s toast would be gone.)
  await page.clock.fastForward('00:20');
  await page.getByRole('heading', { name: 'Unlock your wallet' }).waitFor();
  await page.locator('.toast-region [role="status"]').filter({ hasText: 'Locked after 1 minute without activity' }).waitFor();
  await shot(page, '09-auto-locked');
  await unlock(page, PASSWORD);
  assert.equal(await selectedAddress(page), address);
  await context.close();
});
