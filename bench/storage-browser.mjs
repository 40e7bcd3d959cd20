// `cargo xtask bench`, storage part: our browser client — the built app in headless
// Chromium, driven like a user on its Storage page — moving the same 64 MiB the native
// client and 0G's SDK move, on a devnet of its own. Upload = pick → root (hashed in the
// page's workers) → verified fee → paid Flow submission → every segment to the nodes that
// keep it, timed from the file pick to "stored"; download = every segment fetched and
// proven, timed from the click to the saved file. Prints `{"uploadMiBs":…,"downloadMiBs":…}`.
//
//   cargo xtask build && ZG_DEVNET_BIN=target/bench-native/release/zg-devnet node bench/storage-browser.mjs
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_PHRASE, TEST_PASSWORD, randomFile, startDevnet } from '../e2e/harness.mjs';
import { launchRawBrowser } from './cdp.mjs';

const SIZE = 64 << 20;
const dir = mkdtempSync(join(tmpdir(), 'zg-bench-browser-'));
const devnet = await startDevnet();
// Not Playwright: its DevTools network capture costs about 30% here (see cdp.mjs).
const { page, close } = await launchRawBrowser(devnet.appUrl);
const testId = (id) => `document.querySelector('[data-testid="${id}"]')`;
try {
  // A fresh profile compiles the app's wasm from scratch: allow for a loaded machine.
  await page.clickButton('^I have a recovery phrase$', 180_000);
  await page.fill('Recovery phrase', DEV_PHRASE);
  await page.fill('New password', TEST_PASSWORD);
  await page.fill('Confirm password', TEST_PASSWORD);
  await page.clickButton('^Restore wallet$');
  await page.waitFor(`[...document.querySelectorAll('h1, h2')].some((h) => h.textContent.trim() === 'Wallet')`, 'the wallet');
  // The link's text is its icon and its name.
  await page.waitFor(`(() => { const link = [...document.querySelectorAll('nav[aria-label="Main"] a')]
    .find((a) => a.textContent.trim().endsWith('Storage'));
    if (link) { link.click(); return true; } })()`, 'the Storage link');
  await page.waitFor(testId('storage-nodes'), 'the storage nodes');
  const file = await randomFile(dir, 'bench.bin', SIZE);
  const saved = await page.downloads(dir);

  let started = performance.now();
  await page.setFile('input[type="file"]', file.path);
  const root = await page.waitFor(`${testId('upload-root')}?.textContent.trim()`, 'the root', 300_000);
  if (root !== file.root) throw new Error(`another root: ${root}`);
  const hashS = (performance.now() - started) / 1000;
  await page.clickButton('^Pay .* and upload$');
  // Approves the transaction review as a user would, until the file is stored.
  await page.waitFor(`(() => {
    const review = ${testId('tx-review')};
    const sign = review && [...review.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Confirm and sign');
    if (sign && !sign.disabled) sign.click();
    return /is stored/.test(${testId('upload-status')}?.textContent ?? '');
  })()`, 'the upload to finish', 600_000);
  const uploadS = (performance.now() - started) / 1000;

  started = performance.now();
  const downloaded = saved();
  await page.evaluate(`[...document.querySelector('li.upload-row[data-root="${file.root}"]').querySelectorAll('button')]
    .find((b) => b.textContent.trim() === 'Download').click()`);
  const path = await downloaded;
  const downloadS = (performance.now() - started) / 1000;
  if (!readFileSync(path).equals(file.bytes)) throw new Error('the download differs');

  const mib = SIZE / (1 << 20);
  // The phases, for finding where an upload's time goes (stderr: the last stdout line is the result).
  console.error(`hashing ${hashS.toFixed(1)} s, payment and sending ${(uploadS - hashS).toFixed(1)} s, download ${downloadS.toFixed(1)} s`);
  console.log(JSON.stringify({ uploadMiBs: mib / uploadS, downloadMiBs: mib / downloadS }));
} finally {
  await close();
  await devnet.stop();
  rmSync(dir, { recursive: true, force: true });
}
