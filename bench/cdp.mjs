// A bare Chrome DevTools Protocol driver for benches that time network-heavy journeys.
//
// Why not Playwright, as e2e/ uses: Playwright enables the DevTools Network domain on every
// page, so Chromium copies each request and response into DevTools events and buffers.
// Measured on the storage bench's own traffic (256 segment downloads of 0G's JSON API,
// 8 in flight, nothing parsed): 43.7 MiB/s under Playwright, 61.6 MiB/s with this driver,
// which enables no domain but Runtime (and Browser for downloads). A user has no DevTools
// attached, so the figures are taken without.
//
// It drives the page the way a user does — by visible labels and button text — through
// `Runtime.evaluate`, and fails with what it was waiting for when a step times out.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';

export async function launchRawBrowser(url) {
  const profile = mkdtempSync(join(tmpdir(), 'zg-bench-cdp-'));
  const chrome = spawn(process.env.ZG_CHROMIUM ?? '/usr/bin/chromium', [
    '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
    `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank',
  ], { stdio: 'ignore' });
  const portFile = join(profile, 'DevToolsActivePort');
  for (let waited = 0; !(existsSync(portFile) && readFileSync(portFile, 'utf8').includes('\n')); waited += 100) {
    if (waited > 60_000) throw new Error('Chromium did not open its DevTools port within 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  const [port, path] = readFileSync(portFile, 'utf8').split('\n');
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`);
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });

  let nextId = 0;
  const waiting = new Map();
  const listeners = [];
  ws.on('message', (raw) => {
    const message = JSON.parse(raw);
    if (message.id !== undefined && waiting.has(message.id)) {
      const { resolve, reject, method } = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.error) reject(new Error(`${method}: ${message.error.message}`));
      else resolve(message.result);
    } else if (message.method) {
      for (const listener of listeners) listener(message);
    }
  });
  const send = (method, params = {}, sessionId) => new Promise((resolve, reject) => {
    const id = ++nextId;
    waiting.set(id, { resolve, reject, method });
    ws.send(JSON.stringify({ id, method, params, sessionId }));
  });

  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
  await send('Runtime.enable', {}, sessionId);
  await send('Page.navigate', { url }, sessionId);

  const page = {
    /** The value of `expression` (awaited when it is a promise). */
    async evaluate(expression) {
      const { result, exceptionDetails } = await send(
        'Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, sessionId);
      if (exceptionDetails) throw new Error(`in the page: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
      return result.value;
    },
    /** Polls until `expression` is truthy; returns its value. */
    async waitFor(expression, what, timeout = 120_000) {
      const started = Date.now();
      for (;;) {
        const value = await page.evaluate(expression).catch(() => undefined);
        if (value) return value;
        if (Date.now() - started > timeout) throw new Error(`waited ${timeout / 1000} s for ${what}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    /** Clicks the enabled button whose text matches `pattern` (a RegExp source), once it exists. */
    async clickButton(pattern, timeout) {
      await page.waitFor(`(() => { const b = [...document.querySelectorAll('button')]
        .find((b) => !b.disabled && new RegExp(${JSON.stringify(pattern)}).test(b.textContent.trim()));
        if (b) { b.click(); return true; } })()`, `a button matching /${pattern}/`, timeout);
    },
    /** Types into the control labelled `label`, as input events. */
    async fill(label, value) {
      await page.waitFor(`(() => { const l = [...document.querySelectorAll('label')]
        .find((l) => l.textContent.trim().startsWith(${JSON.stringify(label)}));
        const c = l && (l.control ?? l.querySelector('input,textarea'));
        if (!c) return false;
        const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(c), 'value').set;
        setter.call(c, ${JSON.stringify(value)});
        c.dispatchEvent(new Event('input', { bubbles: true }));
        c.dispatchEvent(new Event('change', { bubbles: true }));
        return true; })()`, `a field labelled ${label}`);
    },
    /** Puts a file from disk into the file input matching `selector`. */
    async setFile(selector, file) {
      const { root } = await send('DOM.getDocument', { depth: 0 }, sessionId);
      const { nodeId } = await send('DOM.querySelector', { nodeId: root.nodeId, selector }, sessionId);
      if (!nodeId) throw new Error(`no ${selector} on the page`);
      await send('DOM.setFileInputFiles', { nodeId, files: [file] }, sessionId);
    },
    /** Saves downloads to `dir`; resolves with the next finished download's path. */
    async downloads(dir) {
      await send('Browser.setDownloadBehavior', { behavior: 'allowAndName', downloadPath: dir, eventsEnabled: true });
      return () => new Promise((resolve, reject) => {
        const listener = (message) => {
          if (message.method !== 'Browser.downloadProgress') return;
          const { state, guid } = message.params;
          if (state === 'completed') resolve(join(dir, guid));
          if (state === 'canceled') reject(new Error('the download was cancelled'));
          if (state !== 'inProgress') listeners.splice(listeners.indexOf(listener), 1);
        };
        listeners.push(listener);
      });
    },
  };
  const close = async () => {
    ws.close();
    if (chrome.exitCode === null && chrome.signalCode === null) {
      const exited = new Promise((r) => chrome.once('exit', r));
      chrome.kill();
      await exited;
    }
    // Chromium's helper processes may still be writing the profile for a moment.
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  };
  return { page, close };
}
