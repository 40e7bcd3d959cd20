// Compiles contracts/src/**/*.sol with solc-js (pinned in package.json; no download)
// into contracts/out/<Contract>.json = {abi, bytecode, deployedBytecode, immutableReferences},
// and contracts/out/deployable.json: the contracts the app can deploy from the browser
// (creation code, runtime code and where the constructor writes immutables into it), which
// trunk copies into dist/contracts/ for the app to load when a deployment needs it.
//
//   node contracts/build.mjs           # skips when sources and compiler are unchanged
//   node contracts/build.mjs --force
//
// EVM version "cancun": what 0G's chain runs, so the same bytecode deploys there.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const solc = require('solc');

const here = dirname(fileURLToPath(import.meta.url));
const srcDir = join(here, 'src');
const outDir = join(here, 'out');
const nodeModules = join(here, '..', 'node_modules');

function solFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return solFiles(path);
    return name.endsWith('.sol') ? [path] : [];
  });
}

const files = solFiles(srcDir).sort();
const sources = Object.fromEntries(files.map((f) => [relative(srcDir, f), { content: readFileSync(f, 'utf8') }]));
// Bumped when what this script writes changes, so old outputs are rebuilt.
const OUTPUT_FORMAT = '2';
// The contracts a user deploys from the app (app/src/deploy): the agent NFT with its
// verifier, and the governance set; and the devnet's Flow, which a network link to a
// network running zg-devnet's storage may name (the app recognises it, never deploys it).
const DEPLOYABLE = ['SignatureVerifier', 'AgentNFT', 'WrappedZG', 'ZgTimelock', 'ZgGovernor', 'Flow'];
const stamp = createHash('sha256')
  .update(OUTPUT_FORMAT)
  .update(JSON.stringify(DEPLOYABLE))
  .update(solc.version())
  .update(JSON.stringify(sources))
  .digest('hex');
const stampFile = join(outDir, '.stamp');
if (!process.argv.includes('--force') && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
  console.log(`contracts: up to date (${files.length} sources, solc ${solc.version()})`);
  process.exit(0);
}

const input = {
  language: 'Solidity',
  sources,
  settings: {
    evmVersion: 'cancun',
    optimizer: { enabled: true, runs: 200 },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object', 'evm.deployedBytecode.immutableReferences'] } },
  },
};

function findImports(path) {
  for (const base of [nodeModules, srcDir]) {
    const full = join(base, path);
    if (existsSync(full)) return { contents: readFileSync(full, 'utf8') };
  }
  return { error: `not found: ${path}` };
}

const started = Date.now();
const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
for (const e of output.errors ?? []) console.error(e.formattedMessage);
if (errors.length) {
  console.error(`contracts: ${errors.length} compile error(s)`);
  process.exit(1);
}

/** What the app needs of a contract to deploy it and to recognise its code on chain: the
 *  runtime code with every immutable's byte range (solc: start and length per reference). */
function shippable(artifact) {
  const immutables = Object.values(artifact.immutableReferences)
    .flat()
    .map(({ start, length }) => [start, length])
    .sort((a, b) => a[0] - b[0]);
  return { creation: artifact.bytecode, runtime: artifact.deployedBytecode, immutables };
}

mkdirSync(outDir, { recursive: true });
const deployable = {};
let written = 0;
for (const [source, contracts] of Object.entries(output.contracts)) {
  if (!sources[source]) continue; // a library import (OpenZeppelin), not ours
  for (const [name, c] of Object.entries(contracts)) {
    const artifact = {
      contractName: name,
      source: `contracts/src/${source}`,
      compiler: `solc ${solc.version()}`,
      abi: c.abi,
      bytecode: `0x${c.evm.bytecode.object}`,
      deployedBytecode: `0x${c.evm.deployedBytecode.object}`,
      immutableReferences: c.evm.deployedBytecode.immutableReferences ?? {},
    };
    writeFileSync(join(outDir, `${name}.json`), JSON.stringify(artifact, null, 1) + '\n');
    if (DEPLOYABLE.includes(name)) deployable[name] = shippable(artifact);
    written += 1;
  }
}
const missing = DEPLOYABLE.filter((name) => !deployable[name]);
if (missing.length) {
  console.error(`contracts: no artifact for ${missing.join(', ')}`);
  process.exit(1);
}
writeFileSync(
  join(outDir, 'deployable.json'),
  JSON.stringify({ compiler: `solc ${solc.version()}`, contracts: deployable }) + '\n',
);
writeFileSync(stampFile, stamp);
console.log(`contracts: compiled ${written} contracts from ${files.length} sources in ${Date.now() - started} ms (solc ${solc.version()})`);
