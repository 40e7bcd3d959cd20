// The light client's JS package (`cargo xtask build-lc`) as another tool would use it:
// loaded in Node with initSync, fed real anvil fixtures and forgeries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, '../../pkg');
const lc = await import(join(pkg, 'wasm_light_client.js'));
lc.initSync({ module: readFileSync(join(pkg, 'wasm_light_client_bg.wasm')) });

const headers = readFileSync(join(here, '../fixtures/anvil-headers.json'), 'utf8');
const proofs = JSON.parse(readFileSync(join(here, '../fixtures/anvil-proofs.json'), 'utf8'));

test('verifyHeaderChain counts verified headers and throws with the block on forgery', () => {
  const blocks = JSON.parse(headers);
  assert.equal(lc.verifyHeaderChain(headers, blocks[0].hash), blocks.length);
  blocks[2].stateRoot = '0x' + '11'.repeat(32);
  assert.throws(() => lc.verifyHeaderChain(JSON.stringify(blocks), blocks[0].hash), /block 2/);
  assert.throws(() => lc.verifyHeaderChain('not json', blocks[0].hash), /JSON/);
  assert.throws(() => lc.verifyHeaderChain(headers, '0x1234'), /trustedHash/);
  // Anything but JSON text (say, an already parsed array) is named for what it is.
  assert.throws(() => lc.verifyHeaderChain(blocks, blocks[0].hash), /headersJson must be JSON text \(a string\), not object/);
  assert.throws(() => lc.verifyHeaderChain(null, blocks[0].hash), /headersJson must be JSON text \(a string\), not null/);
});

test('verifyAccountProof returns proven values and refuses lies', () => {
  const contract = proofs.proofs[2];
  const account = lc.verifyAccountProof(JSON.stringify(contract), proofs.stateRoot);
  assert.equal(account.address.toLowerCase(), contract.address.toLowerCase());
  assert.equal(account.balance, BigInt(contract.balance).toString());
  assert.equal(account.storage.length, 3);
  assert.equal(account.storage[0].value, '42');
  assert.throws(() => lc.verifyAccountProof(contract, proofs.stateRoot), /proofJson must be JSON text \(a string\), not object/);
  assert.throws(() => lc.verifyAccountProof(undefined, proofs.stateRoot), /proofJson must be JSON text \(a string\), not undefined/);
  const lie = { ...proofs.proofs[0], balance: '0x1' };
  assert.throws(() => lc.verifyAccountProof(JSON.stringify(lie), proofs.stateRoot), /does not match state root/);
});

test('zgStorageRoot and zgSubmissionNodes equal what 0G\'s SDK computed', () => {
  const fixture = JSON.parse(readFileSync(join(here, '../fixtures/storage/roots.json'), 'utf8'));
  for (const f of fixture.files.filter((f) => f.size < 600_000)) {
    const bytes = Uint8Array.from({ length: f.size }, (_, i) => (i * 31 + 7) % 251);
    assert.equal(lc.zgStorageRoot(bytes), f.root, `size ${f.size}`);
    assert.deepEqual(lc.zgSubmissionNodes(bytes), f.nodes, `size ${f.size}`);
  }
  assert.throws(() => lc.zgStorageRoot(new Uint8Array()), /empty/i);
});

test('text beyond ASCII reaches the verifier intact (both passes of the UTF-8 copy)', () => {
  // Members the verifier ignores, with 2-, 3- and 4-byte characters, first in the text so
  // the ASCII-sized first pass stops early; and a raw lone surrogate (JSON.stringify would
  // escape it), which the engine writes as U+FFFD.
  const note = 'é€🦀'.repeat(50) + '\ud800';
  const blocks = JSON.parse(headers).map((b) => ({ note, ...b }));
  const raw = (v) => JSON.stringify(v).replaceAll('\\ud800', '\ud800');
  assert.ok(raw(blocks).includes('\ud800'));
  assert.equal(lc.verifyHeaderChain(raw(blocks), blocks[0].hash), blocks.length);
  blocks[1].stateRoot = '0x' + '22'.repeat(32);
  assert.throws(() => lc.verifyHeaderChain(raw(blocks), blocks[0].hash), /block 1/);
  const contract = { note, ...proofs.proofs[2] };
  assert.equal(lc.verifyAccountProof(JSON.stringify(contract), proofs.stateRoot).storage[0].value, '42');
  // A lie after the non-ASCII part is still caught.
  contract.balance = '0x' + (BigInt(contract.balance) + 1n).toString(16);
  assert.throws(() => lc.verifyAccountProof(JSON.stringify(contract), proofs.stateRoot), /does not match state root/);
  // The smallest text that needs the second pass.
  assert.throws(() => lc.verifyHeaderChain('é', blocks[0].hash), /JSON/);
});
