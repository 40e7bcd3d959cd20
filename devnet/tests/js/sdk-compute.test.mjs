// 0G's own compute SDK (@0gfoundation/0g-compute-ts-sdk 0.9.0, unchanged) against the
// devnet's LedgerManager, InferenceServing and zg-compute-provider, the way 0G's docs use it
// against Galileo: create the broker on the contracts' addresses, add a ledger, list the
// services, fund the provider, acknowledge its signer, get the service metadata and the
// request headers, chat through the provider, and processResponse must call the answer
// valid. Where the SDK refuses the devnet, the devnet is what gets fixed.
//
//   cargo build -p devnet && node --test devnet/tests/js/sdk-compute.test.mjs
//
// Not used, because they need the internet (0G's status service): listServiceWithDetail and
// getProviderModels (both ask https://compute-status-testnet.0g.ai for health metrics);
// verifyService (downloads attestation tooling). The provider's /v1/models, which
// getProviderModels reads, is checked here directly.
//
// ZG_DEVNET_BIN overrides the zg-devnet binary (default target/debug/zg-devnet).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ethers } from 'ethers';
import { createZGComputeNetworkBroker } from '@0gfoundation/0g-compute-ts-sdk';
import { startDevnet as startHarnessDevnet } from '../../../e2e/harness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const require = createRequire(import.meta.url);
// anvil's dev account #5 ("test test … junk"): the faucet uses #0, the provider #8, the deployer #9.
const DEV_KEY_5 = '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba';

async function startDevnet() {
  const dist = mkdtempSync(join(tmpdir(), 'zg-sdk-compute-'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>sdk compute</title>');
  const devnet = await startHarnessDevnet({ dist });
  const stop = async () => {
    await devnet.stop();
    rmSync(dist, { recursive: true, force: true });
  };
  return { ...devnet, stop };
}

/** Runs `fn` with the SDK's transaction chatter (console.log) held back. The SDK waits for
 * each receipt in a race against a 300 s timer it never clears (sendTx), which would keep
 * this test's process alive for five minutes after the last transaction: timers of a minute
 * or more started meanwhile are unref'd, so they still fire if the process lives that long
 * but do not hold it. Shorter ones (the SDK's 1 s pause before each transaction) are left
 * as they are. */
async function quietly(fn) {
  const [log, setTimer] = [console.log, globalThis.setTimeout];
  console.log = () => {};
  globalThis.setTimeout = (callback, ms, ...args) => {
    const timer = setTimer(callback, ms, ...args);
    if (ms >= 60_000) timer.unref();
    return timer;
  };
  try {
    return await fn();
  } finally {
    console.log = log;
    globalThis.setTimeout = setTimer;
  }
}

test("our contracts have every function, error and event of 0G's that the SDK's ABIs declare, with the same types", () => {
  const sdk = join(root, 'node_modules/@0gfoundation/0g-compute-ts-sdk/lib.commonjs');
  // What the devnet leaves out on purpose (proxy initialisation, migration and batch
  // helpers), as the contracts' headers say. Everything else must match exactly.
  const omitted = new Set([
    'initialize', 'initialized', 'AlreadyInitialized', 'Initialized', 'MAX_LOCKTIME', 'MIN_LOCKTIME',
    'getAllAccounts', 'getBatchAccountsByUsers', 'previewSettlementResults', 'updateLockTime',
    'BatchSizeTooLarge', 'InvalidTEESignature', 'LockTimeOutOfRange', 'BatchBalanceUpdated',
    'ContractInitialized', 'LockTimeUpdated',
  ]);
  const abis = [
    ['LedgerManager', `${sdk}/ledger/contract/typechain/factories/LedgerManager__factory.js`],
    ['InferenceServing', `${sdk}/inference/contract/typechain/factories/InferenceServing__factory.js`],
  ];
  for (const [name, path] of abis) {
    const theirs = new ethers.Interface(require(path)[`${name}__factory`].abi);
    const ours = new ethers.Interface(JSON.parse(readFileSync(join(root, `contracts/out/${name}.json`))).abi);
    let checked = 0;
    for (const fragment of theirs.fragments) {
      if (!['function', 'error', 'event'].includes(fragment.type) || omitted.has(fragment.name)) continue;
      const mine = ours.fragments.find((f) => f.type === fragment.type && f.name === fragment.name);
      assert.ok(mine, `${name} lacks 0G's ${fragment.type} ${fragment.format('sighash')}`);
      // 'sighash' format: names and types, output names aside (they do not change the ABI).
      assert.equal(mine.format('sighash'), fragment.format('sighash'), `${name}.${fragment.name}`);
      if (fragment.type === 'function') {
        assert.deepEqual(mine.outputs.map((o) => o.format('sighash')), fragment.outputs.map((o) => o.format('sighash')), `${name}.${fragment.name} returns`);
      }
      checked++;
    }
    assert.ok(checked > 30, `${name}: only ${checked} fragments compared`);
  }
});

test("0G's compute SDK funds, acknowledges, chats with and verifies the devnet's provider", { timeout: 300_000 }, async (t) => {
  const devnet = await startDevnet();
  t.after(() => devnet.stop());
  const provider = devnet.computeProviders[0];
  const wallet = new ethers.Wallet(DEV_KEY_5, new ethers.JsonRpcProvider(devnet.rpcUrl));
  // The devnet's addresses from devnet.json; no fine-tuning contract on the devnet, so the
  // SDK's default for chain 31337 stands there (it makes no call to it here).
  const broker = await quietly(() =>
    createZGComputeNetworkBroker(wallet, devnet.contracts.ledger, devnet.contracts.inferenceServing),
  );

  // A ledger of 5 0G: the SDK reads the service name from getServiceInfo at start.
  await quietly(() => broker.ledger.addLedger(5));
  const ledger = await broker.ledger.getLedger();
  assert.equal(ledger.totalBalance, ethers.parseEther('5'));

  // The registry lists the devnet's provider, acknowledged, with a JSON additionalInfo.
  const services = await broker.inference.listService();
  const service = services.find((s) => s.provider === ethers.getAddress(provider.address));
  assert.ok(service, `the provider is listed: ${services.map((s) => s.provider)}`);
  assert.equal(service.teeSignerAddress, ethers.getAddress(provider.signer));
  assert.equal(service.verifiability, 'TeeML');
  assert.equal(JSON.parse(service.additionalInfo).TargetSeparated, false);

  // Fund the provider by the service name the ledger reports ("inference-v1.0"), and
  // acknowledge its signer.
  await quietly(() => broker.ledger.transferFund(provider.address, 'inference', ethers.parseEther('2')));
  await quietly(() => broker.inference.acknowledgeProviderSigner(provider.address));
  assert.equal(await broker.inference.acknowledged(provider.address), true);
  const account = await broker.inference.getAccount(provider.address);
  assert.equal(account.balance, ethers.parseEther('2'));

  const { endpoint, model } = await broker.inference.getServiceMetadata(provider.address);
  assert.equal(endpoint, `${provider.url}/v1/proxy`);
  assert.equal(model, provider.model);
  const models = await (await fetch(`${provider.url}/v1/models`)).json();
  assert.deepEqual(models.data.map((m) => m.id), [model]);

  // The headers: the SDK asks our /v1/user/{address}/unsettledfee with them first and tops
  // the sub-account up to unsettled + 2 × 1 0G if it holds less (it holds 2 0G: nothing to do).
  const headers = await quietly(() => broker.inference.getRequestHeaders(provider.address, 'What is 0G?'));
  assert.match(headers.Authorization, /^Bearer app-sk-/);
  const fee = await fetch(`${provider.url}/v1/user/${wallet.address}/unsettledfee`, { headers });
  assert.deepEqual(await fee.json(), { userAddress: wallet.address, unsettledFee: '0' });

  const response = await fetch(`${endpoint}/chat/completions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ messages: [{ role: 'user', content: 'What is 0G?' }], model, max_tokens: 12 }),
  });
  const text = await response.text();
  assert.equal(response.status, 200, text);
  const answer = JSON.parse(text);
  const chatID = response.headers.get('ZG-Res-Key');
  assert.match(chatID, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(answer.id, `chatcmpl-${chatID}`);
  assert.ok(answer.choices[0].message.content.length > 0);

  // The SDK fetches the signature by the chat key and checks it against the signer.
  const valid = await broker.inference.processResponse(provider.address, chatID, JSON.stringify(answer.usage));
  assert.equal(valid, true);
  // A key of no answer is no proof: the SDK's fetch fails, it does not say "valid".
  await assert.rejects(() => broker.inference.processResponse(provider.address, crypto.randomUUID(), undefined));
  // The completion id is not where 0G's broker files the signature either.
  await assert.rejects(() => broker.inference.processResponse(provider.address, answer.id, undefined));
});
