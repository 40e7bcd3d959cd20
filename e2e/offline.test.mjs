// Installable and resilient: the console registers a service worker that keeps its own
// files, so a visit without a network opens to the unlock screen; the page says it is
// offline and shows nothing from the chain as fresh; the cache holds only the app's files.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, newProfile, restoreWallet, shot, startDevnet, unlock, waitForVerifiedBalance } from './harness.mjs';

let devnet, browser, closeBrowser;

before(async () => {
  devnet = await startDevnet();
  ({ browser, close: closeBrowser } = await launchBrowser());
});

after(async () => {
  await closeBrowser?.();
  await devnet?.stop();
});

test('offline, the console opens from its cache to the unlock screen and says it is offline', async () => {
  const { page, context } = await newProfile(browser, { serviceWorkers: 'allow' });
  await restoreWallet(page, devnet.appUrl);
  await waitForVerifiedBalance(page, undefined, 60_000);
  // The worker took over this page once installed (it fetched the index's files then).
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 60_000 });
  assert.equal(await page.getByTestId('offline').count(), 0, 'online: no offline banner');

  // What the worker keeps: the app's own files, nothing else.
  const kept = await page.evaluate(async () => {
    const cache = await caches.open('zg-shell-v1');
    return (await cache.keys()).map((r) => new URL(r.url).pathname);
  });
  assert.ok(kept.some((p) => p.endsWith('.wasm')), `the app's wasm is kept: ${kept}`);
  assert.ok(kept.some((p) => p.endsWith('/')), 'the index is kept');
  const foreign = kept.filter((p) => !/(\/|\.(js|wasm|css|svg|png|webmanifest))$/.test(p) || p.includes('/models/'));
  assert.deepEqual(foreign, [], 'nothing but the app\'s files');

  await context.setOffline(true);
  await page.getByTestId('offline').waitFor();
  await page.reload();
  await page.getByRole('heading', { name: 'Unlock your wallet', level: 1 }).waitFor({ timeout: 60_000 });
  await page.getByTestId('offline').filter({ hasText: 'You are offline' }).waitFor();
  await shot(page, 'offline-01-unlock');

  // Unlocked offline: the wallet opens (the vault is in this browser), and no balance is
  // shown as verified — there is no network to prove one against.
  await unlock(page);
  await page.getByTestId('offline').filter({ hasText: 'nothing from the chain is fresh' }).waitFor();
  await page.waitForTimeout(3_000);
  assert.equal(await page.getByTestId('selected-balance').locator('[data-state="verified"]').count(), 0,
    'no balance passes for verified offline');
  await shot(page, 'offline-02-wallet');

  // Back online, the banner goes and the balance is proven again.
  await context.setOffline(false);
  await page.getByTestId('offline').waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Refresh' }).click();
  await waitForVerifiedBalance(page, undefined, 60_000);
  await context.close();
});
