// Shared e2e plumbing: a fresh devnet per test file (the real zg-devnet binary with a
// real anvil), real headless Chromium through playwright-core, screenshots as artifacts.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { ZgFile } from '@0gfoundation/0g-ts-sdk';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const artifacts = join(root, 'e2e', 'artifacts');
mkdirSync(artifacts, { recursive: true });

/**
 * Starts zg-devnet on free ports; resolves with its ready JSON plus a stop(). `dist` is the
 * app it serves (default: the release build in dist/).
 */
export async function startDevnet({ dist = join(root, 'dist') } = {}) {
  const bin = process.env.ZG_DEVNET_BIN ?? join(root, 'target/debug/zg-devnet');
  const child = spawn(bin, ['--dist', dist, '--port', '0', '--rpc-port', '0'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const ready = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`zg-devnet not ready after 60 s\n${stderr}`)), 60_000);
    child.stdout.on('data', (d) => {
      out += d;
      // Only whole lines: the ready line is long and may arrive in several chunks.
      const line = out.split('\n').slice(0, -1).find((l) => l.startsWith('ZG_DEVNET_READY '));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line.slice('ZG_DEVNET_READY '.length)));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`zg-devnet exited early (${code}); build it with cargo build -p devnet\n${stderr}`));
    });
  });
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
  return { ...ready, stop };
}

/** The JSON-RPC answer of one call, straight to `url` (anvil itself: no proxy, no app). */
export async function rpc(url, method, params = []) {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const answer = await r.json();
  if (answer.error) throw new Error(`${method}: ${answer.error.message}`);
  return answer.result;
}

/** What zg-tamper's forge-balance and proof-unavailable add to a balance: 1000 0G. */
/** The receipt of `hash` once anvil at `url` has mined it (20 s at most). */
export async function waitMined(url, hash) {
  for (let i = 0; i < 100; i++) {
    const receipt = await rpc(url, 'eth_getTransactionReceipt', [hash]);
    if (receipt) return receipt;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${hash} was not mined`);
}

export const FORGED_EXTRA_WEI = 1000n * 10n ** 18n;

/**
 * Starts zg-tamper (the Rust JSON-RPC proxy that lies on command, built next to
 * zg-devnet) in front of `upstream`. Resolves with its url plus:
 *   await proxy.set('forge-balance')   // switch the lie; null: honest
 *   await proxy.state()                // { mutation, classes: [{name, lie}], calls, tampered }
 *   await proxy.close()
 */
export async function startTamperProxy(upstream) {
  const bin = process.env.ZG_TAMPER_BIN
    ?? join(dirname(process.env.ZG_DEVNET_BIN ?? join(root, 'target/debug/zg-devnet')), 'zg-tamper');
  const child = spawn(bin, ['--upstream', upstream, '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const ready = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`zg-tamper not ready after 20 s\n${stderr}`)), 20_000);
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n').slice(0, -1).find((l) => l.startsWith('ZG_TAMPER_READY '));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line.slice('ZG_TAMPER_READY '.length)));
      }
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`could not start ${bin} (${e.message}); build it with cargo build -p devnet`));
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`zg-tamper exited early (${code}); build it with cargo build -p devnet\n${stderr}`));
    });
  });
  const control = async (body) => {
    const r = await fetch(ready.control, body === undefined ? {} : {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = await r.json();
    if (!r.ok) throw new Error(`zg-tamper refused ${JSON.stringify(body)}: ${answer.error}`);
    return answer;
  };
  const close = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
  return {
    url: ready.url,
    set: (mutation, options = {}) => control({ mutation, ...options }),
    state: () => control(),
    close,
  };
}

/** Headless Chromium with the flags this closed network needs. */
export async function launchBrowser() {
  const userDataDir = mkdtempSync(join(tmpdir(), 'zg-e2e-'));
  const browser = await chromium.launch({
    executablePath: process.env.ZG_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      // --enable-unsafe-webgpu: headless Chromium then offers SwiftShader's WebGPU adapter,
      // so the agent console's local runs take their WebGPU path.
      '--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  const close = async () => {
    await browser.close();
    rmSync(userDataDir, { recursive: true, force: true });
  };
  return { browser, close };
}

/** The standard dev accounts' phrase (account #0 is funded on anvil) and the tests' password. */
export const DEV_PHRASE = 'test test test test test test test test test test test junk';
export const TEST_PASSWORD = 'correct horse battery';

/** Opens the app on a fresh profile, restores `phrase` and waits for the Wallet page. */
export async function restoreWallet(page, appUrl, phrase = DEV_PHRASE, password = TEST_PASSWORD) {
  await page.goto(appUrl);
  // A fresh profile compiles the app's wasm from scratch: on a loaded 2-core machine the
  // first screen can take well over Playwright's default 30 s.
  await page.getByRole('button', { name: 'I have a recovery phrase' }).click({ timeout: 120_000 });
  await page.getByLabel('Recovery phrase').fill(phrase);
  await page.getByLabel('New password').fill(password);
  await page.getByLabel('Confirm password').fill(password);
  await page.getByRole('button', { name: 'Restore wallet' }).click();
  await page.getByRole('heading', { name: 'Wallet', exact: true, level: 1 }).waitFor();
}

/** Unlocks a wallet that is locked (after a reload or auto-lock) and waits for the Wallet page. */
export async function unlock(page, password = TEST_PASSWORD) {
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Unlock' }).click();
  // Exactly the Wallet page's title: "Unlock your wallet" also names a wallet.
  await page.getByRole('heading', { name: 'Wallet', exact: true, level: 1 }).waitFor();
}

/** Opens a page from the main navigation and waits for its heading. */
export async function goTo(page, name) {
  await page.locator('nav[aria-label="Main"]').getByRole('link', { name }).click();
  await page.getByRole('heading', { name, level: 1 }).waitFor();
}

/**
 * Waits for a toast matching `pattern` and returns its text; fails at once, with the
 * error's text, if an error alert shows in `scope` (default: the whole main area) instead.
 */
export async function toast(page, pattern, scope = page.locator('main'), timeout = 120_000) {
  const shown = page.locator('.toast-region [role="status"]').filter({ hasText: pattern }).first();
  const failed = scope.locator('.alert-error[role="alert"]').first();
  await shown.or(failed).waitFor({ timeout });
  if (!(await shown.isVisible())) throw new Error(`instead of ${pattern}: ${await failed.textContent()}`);
  return (await shown.textContent()).trim();
}

/**
 * Waits for `wanted` inside `scope`; if the scope shows an error instead, or nothing comes
 * in time, fails with what the scope said (and a screenshot), so a CI log explains itself.
 */
export async function appears(page, wanted, scope, timeout = 60_000) {
  const failed = scope.locator('.alert-error[role="alert"]').first();
  try {
    await wanted.or(failed).waitFor({ timeout });
  } catch (e) {
    await shot(page, `timeout-${Date.now()}`).catch(() => {});
    e.message += `\nthe card showed: ${JSON.stringify((await scope.textContent().catch(String)).trim())}`;
    throw e;
  }
  if (!(await wanted.isVisible())) throw new Error(`instead: ${await failed.textContent()}`);
}

/**
 * A fresh browser profile (its own IndexedDB) with console errors collected.
 *
 * The app shows a review before it signs any transaction. The profile confirms each one,
 * through the dialog's own button, as a user would after reading it, and keeps the
 * dialog's text in `reviews`; set `profile.approving = false` to answer by hand.
 * `serviceWorkers: 'allow'` lets the console's service worker run (the offline test).
 */
export async function newProfile(browser, { width = 1280, height = 900, locale = 'en-US', serviceWorkers = 'block' } = {}) {
  // The console follows the browser's language: English unless a test asks for another.
  // Its service worker is blocked unless a test is about it: requests a service worker
  // makes pass by Playwright's page.route, which the fault tests rely on.
  const context = await browser.newContext({ viewport: { width, height }, locale, serviceWorkers });
  const page = await context.newPage();
  const consoleLines = [];
  page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`));
  const profile = { context, page, consoleLines, reviews: [], approving: true };
  confirmReviews(profile);
  return profile;
}

async function confirmReviews(profile) {
  const { page } = profile;
  const dialog = page.getByTestId('tx-review');
  while (!page.isClosed()) {
    try {
      if (profile.approving && (await dialog.isVisible())) {
        const text = await dialog.innerText();
        // The button in English or Korean: the profile's language decides.
        await dialog.getByRole('button', { name: /^(Confirm and sign|확인 후 서명)$/ }).click({ timeout: 5_000 });
        profile.reviews.push(text);
      }
    } catch {
      // The page navigated or closed meanwhile; look again.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function shot(page, name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

/** Reads the full (checksummed) address of the selected account. */
export async function selectedAddress(page) {
  // By class, not by the card's name: the name is in the profile's language.
  return page.locator('.balance-card [data-address]').first().getAttribute('data-address');
}

/** The selected account's balance text once it is proven ("10 0G"). */
export async function waitForVerifiedBalance(page, expected, timeout = 30_000) {
  const card = page.locator('[data-testid="selected-balance"]');
  try {
    await card.locator('[data-state="verified"]').waitFor({ timeout });
    if (expected !== undefined) {
      await page.waitForFunction(
        ([sel, want]) => document.querySelector(sel)?.querySelector('.amount')?.textContent.trim() === want,
        ['[data-testid="selected-balance"]', expected],
        { timeout },
      );
    }
  } catch (e) {
    // Say what the page showed instead, so a failure in CI can be understood from its log.
    const shown = await page.evaluate(() => {
      const card = document.querySelector('[data-testid="selected-balance"]');
      const badge = card?.querySelector('[data-testid="proof-badge"]');
      return {
        badge: badge ? `${badge.dataset.state}: ${badge.title}` : 'no badge',
        amount: card?.querySelector('.amount')?.textContent.trim() ?? 'no amount',
        reason: card?.querySelector('[data-testid="balance-reason"]')?.textContent.trim() ?? '',
        connection: document.querySelector('[data-testid="connection-error"]')?.textContent.trim() ?? '',
        refresh: document.querySelector('.refresh-btn')?.textContent.trim() ?? 'no refresh button',
      };
    }).catch((err) => ({ unreadable: String(err) }));
    await shot(page, `timeout-verified-balance-${Date.now()}`).catch(() => {});
    e.message += `\nthe page showed: ${JSON.stringify(shown)}`;
    throw e;
  }
  return (await card.locator('.amount').textContent()).trim();
}

/** A file of `size` random bytes written to `dir`, and its root as 0G's SDK computes it. */
export async function randomFile(dir, name, size) {
  const path = join(dir, name);
  writeFileSync(path, randomBytes(size));
  const file = await ZgFile.fromFilePath(path);
  const [tree, err] = await file.merkleTree();
  await file.close();
  if (err) throw new Error(`0G's SDK could not hash ${name}: ${err}`);
  return { path, root: tree.rootHash(), bytes: readFileSync(path) };
}
