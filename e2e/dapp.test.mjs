// Dapps can use the wallet (issue 21): a page on another origin loads zg-console's
// `zg-provider.js`, finds it the EIP-6963 way, connects (approved in the wallet's own
// window, which names the site), reads a balance the wallet proved, gets a transaction
// approved through the wallet's review and a message signed; then the user revokes the
// site in Settings and the site loses its accounts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { verifyMessage } from 'ethers';
import { launchBrowser, newProfile, restoreWallet, rpc, shot, startDevnet, unlock, waitMined } from './harness.mjs';

let devnet, browser, closeBrowser, dappServer, dappUrl;

// The dapp: a page of buttons, each calling the provider and writing the answer out.
const dappPage = (walletUrl) => `<!doctype html>
<html><head><meta charset="utf-8"><title>Test dapp</title></head><body>
<h1>Test dapp</h1>
<p id="found"></p>
<button id="connect">Connect</button>
<button id="balance">Balance</button>
<button id="send">Send</button>
<button id="sign">Sign</button>
<button id="accounts">Accounts</button>
<pre id="out"></pre>
<script>
  const found = [];
  window.addEventListener('eip6963:announceProvider', (e) => { found.push(e.detail); document.getElementById('found').textContent = found.map((d) => d.info.name + ' ' + d.info.rdns).join(', '); });
  window.dispatchEvent(new Event('eip6963:requestProvider'));
  window.events = [];
  const out = (key, value) => { window.results = { ...(window.results || {}), [key]: value }; document.getElementById('out').textContent = JSON.stringify(window.results); };
  const call = (key, method, params) => () => {
    const provider = found[0].provider;
    provider.request({ method, params: typeof params === 'function' ? params() : params })
      .then((r) => out(key, { ok: r }), (e) => out(key, { code: e.code, message: e.message }));
  };
  window.addEventListener('load', () => {
    found[0]?.provider.on('accountsChanged', (a) => window.events.push(['accountsChanged', a]));
  });
  document.getElementById('connect').onclick = call('connect', 'eth_requestAccounts');
  document.getElementById('balance').onclick = () => call('balance', 'eth_getBalance', [window.results.connect.ok[0], 'latest'])();
  document.getElementById('send').onclick = () => call('send', 'eth_sendTransaction', [{ from: window.results.connect.ok[0], to: '0x000000000000000000000000000000000000dead', value: '0x16345785d8a0000' }])();
  document.getElementById('sign').onclick = () => call('sign', 'personal_sign', ['Sign in to the test dapp', window.results.connect.ok[0]])();
  document.getElementById('accounts').onclick = call('accounts', 'eth_accounts');
</script>
<script src="${walletUrl}zg-provider.js"></script>
</body></html>`;

before(async () => {
  devnet = await startDevnet();
  ({ browser, close: closeBrowser } = await launchBrowser());
  dappServer = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(dappPage(devnet.appUrl.replace(/\/?$/, '/')));
  });
  await new Promise((r) => dappServer.listen(0, '127.0.0.1', r));
  dappUrl = `http://127.0.0.1:${dappServer.address().port}/`;
});

after(async () => {
  await closeBrowser?.();
  await devnet?.stop();
  dappServer?.close();
});

async function result(page, key, timeout = 60_000) {
  await page.waitForFunction((k) => window.results?.[k] !== undefined, key, { timeout });
  return page.evaluate((k) => window.results[k], key);
}

test('a dapp on another origin connects, reads a proven balance, sends and signs through the wallet, and is revoked', async () => {
  const { page: wallet, context } = await newProfile(browser);
  await restoreWallet(wallet, devnet.appUrl);
  const dapp = await context.newPage();
  await dapp.goto(dappUrl);
  await dapp.locator('#found').filter({ hasText: 'zg-console io.github.zg-console' }).waitFor();

  // Connecting opens the wallet in its own window, locked: unlock, then approve there.
  const [popup] = await Promise.all([context.waitForEvent('page'), dapp.locator('#connect').click()]);
  await popup.waitForLoadState();
  await unlock(popup);
  const ask = popup.getByTestId('dapp-ask');
  await ask.waitFor({ timeout: 60_000 });
  assert.equal((await ask.getByTestId('dapp-origin').textContent()).trim(), dappUrl.replace(/\/$/, ''));
  assert.match(await ask.textContent(), /Connect this site\?/);
  await shot(popup, 'dapp-01-connect');
  await ask.getByTestId('dapp-approve').click();
  const connected = await result(dapp, 'connect');
  assert.equal(connected.ok.length, 1);
  const me = connected.ok[0];
  assert.match(await popup.getByTestId('dapp-banner').textContent(), new RegExp(`zg-console for ${dappUrl.replace(/\/$/, '')}`));

  // A read: the balance the wallet proved, as the node has it.
  await dapp.locator('#balance').click();
  const balance = await result(dapp, 'balance');
  assert.equal(BigInt(balance.ok), BigInt(await rpc(devnet.rpcUrl, 'eth_getBalance', [me, 'latest'])));

  // A transaction: the wallet's own review, saying which site asks.
  await dapp.locator('#send').click();
  const review = popup.getByTestId('tx-review');
  await Promise.race([
    review.waitFor({ timeout: 60_000 }),
    result(dapp, 'send').then((r) => assert.fail(`answered before any review: ${JSON.stringify(r)}`)),
  ]);
  assert.match(await review.getByTestId('tx-review-origin').textContent(), new RegExp(dappUrl.replace(/\/$/, '')));
  assert.match(await review.getByTestId('balance-change-amount').first().textContent(), /^−0\.1\d* 0G$/);
  await shot(popup, 'dapp-02-review');
  await review.getByRole('button', { name: 'Confirm and sign' }).click();
  const sent = await result(dapp, 'send', 90_000);
  assert.match(sent.ok ?? JSON.stringify(sent), /^0x[0-9a-f]{64}$/);
  const receipt = await waitMined(devnet.rpcUrl, sent.ok);
  assert.equal(receipt.status, '0x1');
  assert.equal(receipt.from.toLowerCase(), me);

  // A message: shown in full, signed by the connected account.
  await dapp.locator('#sign').click();
  await ask.waitFor();
  assert.equal((await ask.getByTestId('dapp-message').textContent()).trim(), 'Sign in to the test dapp');
  await ask.getByTestId('dapp-approve').click();
  const signed = await result(dapp, 'sign');
  assert.equal(verifyMessage('Sign in to the test dapp', signed.ok).toLowerCase(), me);

  // Revoked in Settings: the site is told, and has no account any more.
  await popup.locator('nav[aria-label="Main"]').getByRole('link', { name: 'Settings' }).click();
  const sites = popup.getByTestId('connected-sites');
  await sites.getByTestId('site').waitFor();
  await shot(popup, 'dapp-03-connected-sites');
  await sites.getByTestId('revoke-site').click();
  await sites.getByTestId('no-sites').waitFor();
  await dapp.waitForFunction(() => window.events.some(([e, a]) => e === 'accountsChanged' && a.length === 0));
  await dapp.locator('#accounts').click();
  assert.deepEqual((await result(dapp, 'accounts')).ok, []);
  await dapp.evaluate(() => { delete window.results.send; });
  await dapp.locator('#send').click();
  assert.equal((await result(dapp, 'send')).code, 4100);
  await context.close();
});
