// Accessibility: axe-core (npm, pinned) checks each main screen of the built app, in the
// light and the dark theme, and the keyboard alone gets through the main navigation with
// a visible focus. A serious or critical violation fails the test, named with the
// elements it was found on; lesser ones are written to the artifacts for review.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { artifacts, goTo, launchBrowser, newProfile, restoreWallet, shot, startDevnet } from './harness.mjs';

const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const PAGES = ['Wallet', 'Activity', 'Send', 'Storage', 'Agents', 'Compute', 'Governance', 'Staking', 'Settings'];

let devnet, browser, closeBrowser, profile;
const minor = [];

before(async () => {
  devnet = await startDevnet();
  ({ browser, close: closeBrowser } = await launchBrowser());
  profile = await newProfile(browser);
});

after(async () => {
  await writeFile(join(artifacts, 'a11y-minor.json'), JSON.stringify(minor, null, 2)).catch(() => {});
  await closeBrowser?.();
  await devnet?.stop();
});

/** Runs axe on the page as it is; returns its serious and critical violations, in words. */
async function check(page, screen) {
  // Through the debugging protocol, which the app's CSP (no inline scripts) does not govern.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`),
    }));
  });
  const grave = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  minor.push(...result.filter((v) => !grave.includes(v)).map((v) => ({ screen, ...v })));
  return grave.map((v) => `${screen}: ${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.join('\n    ')}`);
}

/** Forces a theme and waits for its colour transitions to end, so axe sees the final colours. */
async function setTheme(page, theme) {
  await page.evaluate((t) => document.documentElement.setAttribute('data-theme', t), theme);
  await page.waitForFunction(() => document.getAnimations().every((a) => !(a instanceof CSSTransition)));
}

test('the first screen and the restore form have no serious accessibility violations', async () => {
  const { page } = profile;
  await page.goto(devnet.appUrl);
  const restore = page.getByRole('button', { name: 'I have a recovery phrase' });
  await restore.waitFor({ timeout: 120_000 });
  const found = [];
  for (const theme of ['light', 'dark']) {
    await setTheme(page, theme);
    found.push(...await check(page, `welcome (${theme})`));
  }
  await restore.click();
  await page.getByLabel('Recovery phrase').waitFor();
  found.push(...await check(page, 'restore'));
  assert.deepEqual(found, [], found.join('\n'));
});

test('every main page has no serious accessibility violations, light and dark', async () => {
  const { page } = profile;
  await restoreWallet(page, devnet.appUrl);
  const found = [];
  for (const name of PAGES) {
    await goTo(page, name);
    // Let the page's first reads settle, so what is checked is what a user reads.
    await page.waitForLoadState('networkidle').catch(() => {});
    for (const theme of ['light', 'dark']) {
      await setTheme(page, theme);
      found.push(...await check(page, `${name} (${theme})`));
    }
  }
  await setTheme(page, 'light');
  assert.deepEqual(found, [], found.join('\n'));
});

test('the keyboard alone reaches every page of the main navigation, with a visible focus', async () => {
  const { page } = profile;
  await goTo(page, 'Wallet');
  await page.locator('body').focus();
  const reached = new Set();
  for (let i = 0; i < 60 && reached.size < PAGES.length; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el?.closest('nav[aria-label="Main"]')) return null;
      const style = getComputedStyle(el);
      const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
      return { name: el.textContent.replace(/[^\p{L} ]/gu, '').trim(), ring: ring || style.boxShadow !== 'none' };
    });
    if (focused) {
      assert.ok(focused.ring, `the focused "${focused.name}" link shows no focus ring`);
      reached.add(focused.name);
    }
  }
  assert.deepEqual([...reached].sort(), [...PAGES].sort(), 'Tab reaches each page of the main navigation');
  // Enter on a focused link opens its page.
  await page.locator('nav[aria-label="Main"]').getByRole('link', { name: 'Staking' }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Staking', level: 1 }).waitFor();
  await shot(page, 'a11y-keyboard-focus');
});
