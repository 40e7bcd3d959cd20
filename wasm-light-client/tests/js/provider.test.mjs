// createVerifiedProvider (EIP-1193) in Node against a real anvil, honest and lying.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTamperProxy } from '../../../e2e/harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../../..');
const pkg = join(here, '../../pkg');
const lc = await import(join(pkg, 'wasm_light_client.js'));
lc.initSync({ module: readFileSync(join(pkg, 'wasm_light_client_bg.wasm')) });

const DEV0 = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
let anvil, url, checkpoint, proxy;

async function rpc(method, params = []) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  const body = await res.json();
  if (body.error) throw new Error(JSON.stringify(body.error));
  return body.result;
}

before(async () => {
  const port = 20000 + Math.floor(Math.random() * 20000);
  anvil = spawn(join(root, 'node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil'), ['--port', String(port), '--silent'], { stdio: 'ignore' });
  url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try { await rpc('eth_chainId'); break; } catch (e) { if (i > 150) throw e; await new Promise((r) => setTimeout(r, 100)); }
  }
  await rpc('evm_mine');
  checkpoint = (await rpc('eth_getBlockByNumber', ['0x0', false])).hash;
  proxy = await startTamperProxy(url);
});

after(async () => {
  await proxy?.close();
  anvil?.kill();
});

test('answers are proven and equal what the honest node reports', async () => {
  const provider = lc.createVerifiedProvider({ rpc: url, checkpoint });
  const head = await provider.request({ method: 'eth_blockNumber' });
  const balance = await provider.request({ method: 'eth_getBalance', params: [DEV0, 'latest'] });
  assert.equal(balance, await rpc('eth_getBalance', [DEV0, head]));
  assert.equal(await provider.request({ method: 'eth_getTransactionCount', params: [DEV0] }), '0x0');
  assert.equal(await provider.request({ method: 'eth_getCode', params: [DEV0] }), '0x');
  assert.equal(await provider.request({ method: 'eth_chainId' }), '0x7a69');
});

test('without a checkpoint, a head the endpoints agree on is the root; one endpoint alone is refused', async () => {
  const provider = lc.createVerifiedProvider({ rpc: url, witnesses: [proxy.url] });
  const head = await provider.request({ method: 'eth_blockNumber' });
  assert.equal(await provider.request({ method: 'eth_getBalance', params: [DEV0, 'latest'] }), await rpc('eth_getBalance', [DEV0, head]));
  assert.throws(() => lc.createVerifiedProvider({ rpc: url }), /one endpoint alone cannot stand in for a checkpoint/);
});

test('unverifiable methods and old blocks are refused, not passed through', async () => {
  const provider = lc.createVerifiedProvider({ rpc: url, checkpoint });
  await assert.rejects(provider.request({ method: 'eth_sendTransaction', params: [] }), (e) => e.code === 4200);
  await assert.rejects(provider.request({ method: 'eth_getBalance', params: [DEV0, '0x0'] }), /verified head/);
  assert.throws(() => lc.createVerifiedProvider({ rpc: url, checkpoint: '0x12' }), /checkpoint/);
});

test('a lying node is caught: inflated balance and a wrong checkpoint', async () => {
  const provider = lc.createVerifiedProvider({ rpc: proxy.url, checkpoint });
  await proxy.set('forge-balance');
  try {
    await assert.rejects(provider.request({ method: 'eth_getBalance', params: [DEV0, 'latest'] }), /does not match state root/);
  } finally {
    await proxy.set(null);
  }
  // Broken bodies are refused with what went wrong; the honest node then answers again.
  for (const [mutation, reason] of [
    ['truncated-body', /not JSON/],
    ['non-json-body', /not JSON/],
    ['oversized-body', /larger than 16 MiB/],
  ]) {
    await proxy.set(mutation);
    try {
      await assert.rejects(provider.request({ method: 'eth_getBalance', params: [DEV0, 'latest'] }), reason, mutation);
    } finally {
      await proxy.set(null);
    }
    assert.match(await provider.request({ method: 'eth_getBalance', params: [DEV0, 'latest'] }), /^0x[0-9a-f]+$/);
  }
  const wrong = lc.createVerifiedProvider({ rpc: url, checkpoint: '0x' + '11'.repeat(32) });
  await assert.rejects(wrong.request({ method: 'eth_blockNumber' }), /checkpoint/);
});

test('the chain id is the configured one: a node serving another chain is refused', async () => {
  await proxy.set('wrong-chain-id');
  try {
    const provider = lc.createVerifiedProvider({ rpc: proxy.url, checkpoint });
    // Answered from the configuration, never from the node.
    assert.equal(await provider.request({ method: 'eth_chainId' }), '0x7a69');
    await assert.rejects(
      provider.request({ method: 'eth_getBalance', params: [DEV0, 'latest'] }),
      (e) => e.code === 4901 && /serves chain 4242, not the configured chain 31337/.test(e.message),
    );
  } finally {
    await proxy.set(null);
  }
  const galileo = lc.createVerifiedProvider({ rpc: url, checkpoint, network: 'galileo' });
  assert.equal(await galileo.request({ method: 'eth_chainId' }), '0x40da');
  await assert.rejects(galileo.request({ method: 'eth_blockNumber' }), /serves chain 31337, not the configured chain 16602/);
  assert.throws(() => lc.createVerifiedProvider({ rpc: url, checkpoint, network: 'other' }), /give its chainId/);
  assert.throws(() => lc.createVerifiedProvider({ rpc: url, checkpoint, network: 'mainnet', chainId: 1 }), /16661, not 1/);
  const custom = lc.createVerifiedProvider({ rpc: url, checkpoint, network: 'other', chainId: 31337 });
  assert.match(await custom.request({ method: 'eth_blockNumber' }), /^0x[0-9a-f]+$/);
});

test('contract reads: eth_call runs locally, storage and logs are proven', async () => {
  const { Interface, id, zeroPadValue } = await import('ethers');
  const artifact = JSON.parse(readFileSync(join(root, 'contracts/out/WrappedZG.json'), 'utf8'));
  const token = new Interface(artifact.abi);
  const wait = async (hash) => {
    for (;;) {
      const r = await rpc('eth_getTransactionReceipt', [hash]);
      if (r) return r;
      await new Promise((res) => setTimeout(res, 50));
    }
  };
  const deployed = await wait(await rpc('eth_sendTransaction', [{ from: DEV0, data: artifact.bytecode, gas: '0x1000000' }]));
  const address = deployed.contractAddress;
  const deposit = await wait(await rpc('eth_sendTransaction', [{ from: DEV0, to: address, data: token.encodeFunctionData('deposit'), value: '0x' + (3n * 10n ** 18n).toString(16) }]));
  assert.equal(deposit.status, '0x1');

  const provider = lc.createVerifiedProvider({ rpc: url, checkpoint });
  const data = token.encodeFunctionData('balanceOf', [DEV0]);
  const proven = await provider.request({ method: 'eth_call', params: [{ to: address, data }, 'latest'] });
  assert.equal(proven, await rpc('eth_call', [{ to: address, data }, 'latest']));
  assert.equal(token.decodeFunctionResult('balanceOf', proven)[0], 3n * 10n ** 18n);

  // A revert comes back as EIP-1193's code 3 with the contract's error data.
  const tooMuch = token.encodeFunctionData('withdraw', [10n ** 20n]);
  await assert.rejects(
    provider.request({ method: 'eth_call', params: [{ from: DEV0, to: address, data: tooMuch }] }),
    (e) => e.code === 3 && token.parseError(e.data).name === 'ERC20InsufficientBalance',
  );

  // totalSupply sits in slot 2 of OpenZeppelin's ERC20 layout.
  const slot2 = await provider.request({ method: 'eth_getStorageAt', params: [address, '0x2', 'latest'] });
  assert.equal(BigInt(slot2), 3n * 10n ** 18n);

  // A node that proves the account but leaves the slot's proof out does not get a zero
  // accepted: the answer is refused.
  const lied = lc.createVerifiedProvider({ rpc: proxy.url, checkpoint });
  await proxy.set('drop-storage-proof');
  try {
    await assert.rejects(
      lied.request({ method: 'eth_getStorageAt', params: [address, '0x2', 'latest'] }),
      /leaves out the asked-for slot 2/,
    );
  } finally {
    await proxy.set(null);
  }
  assert.equal(BigInt(await lied.request({ method: 'eth_getStorageAt', params: [address, '0x2', 'latest'] })), 3n * 10n ** 18n);

  const logs = await provider.request({
    method: 'eth_getLogs',
    params: [{ address, topics: [id('Deposit(address,uint256)'), zeroPadValue(DEV0, 32)], fromBlock: '0x0', toBlock: 'latest' }],
  });
  assert.equal(logs.length, 1);
  assert.equal(logs[0].blockHash, deposit.blockHash);
  assert.equal(BigInt(logs[0].data), 3n * 10n ** 18n);
});
