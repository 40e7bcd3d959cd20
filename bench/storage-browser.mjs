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
import { launchBrowser, newProfile, randomFile, restoreWallet, startDevnet } from '../e2e/harness.mjs';

const SIZE = 64 << 20;
const dir = mkdtempSync(join(tmpdir(), 'zg-bench-browser-'));
const devnet = await startDevnet();
const { browser, close } = await launchBrowser();
try {
  const { page } = await newProfile(browser);
  await restoreWallet(page, devnet.appUrl);
  await page.locator('nav[aria-label="Main"]').getByRole('link', { name: 'Storage' }).click();
  await page.getByTestId('storage-nodes').waitFor();
  const file = await randomFile(dir, 'bench.bin', SIZE);

  let started = performance.now();
  await page.getByLabel('File to upload').setInputFiles(file.path);
  await page.getByTestId('upload-root').waitFor({ timeout: 300_000 });
  if ((await page.getByTestId('upload-root').textContent()).trim() !== file.root) throw new Error('another root');
  const hashS = (performance.now() - started) / 1000;
  await page.getByRole('button', { name: /^Pay .* and upload$/ }).click();
  await page.getByTestId('upload-status').filter({ hasText: /is stored/ }).waitFor({ timeout: 600_000 });
  const uploadS = (performance.now() - started) / 1000;

  const entry = page.locator(`li.upload-row[data-root="${file.root}"]`);
  started = performance.now();
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 600_000 }),
    entry.getByRole('button', { name: 'Download' }).click(),
  ]);
  const saved = join(dir, 'back.bin');
  await download.saveAs(saved);
  const downloadS = (performance.now() - started) / 1000;
  if (!readFileSync(saved).equals(file.bytes)) throw new Error('the download differs');

  const mib = SIZE / (1 << 20);
  // The phases, for finding where an upload's time goes (stderr: the last stdout line is the result).
  console.error(`hashing ${hashS.toFixed(1)} s, payment and sending ${(uploadS - hashS).toFixed(1)} s, download ${downloadS.toFixed(1)} s`);
  console.log(JSON.stringify({ uploadMiBs: mib / uploadS, downloadMiBs: mib / downloadS }));
} finally {
  await close();
  await devnet.stop();
  rmSync(dir, { recursive: true, force: true });
}
