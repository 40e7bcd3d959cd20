// The browser half of `cargo xtask bench`: bundles page.mjs with esbuild, serves the repo's
// bench files on 127.0.0.1 and runs them in headless Chromium (Debian's, via playwright-core).
//
//   node bench/browser/bench.mjs [--only headers,proofs,storage] [--serve]
//
// Environment: ZG_BENCH_DIR (data and results, default target/zg-bench), ZG_BENCH_PKG (the
// wasm package directory, default wasm-light-client/pkg), ZG_CHROMIUM (the browser binary).
//
// Needs what `cargo xtask bench` makes first: target/zg-bench/{headers,meta}.json (the native
// criterion bench writes them) and wasm-light-client/pkg/ (`cargo xtask build-lc`).
// Writes target/zg-bench/browser.json. `--serve` only serves the page, to open by hand.
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const benchDir = process.env.ZG_BENCH_DIR ?? join(root, 'target', 'zg-bench');
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const only = opt('--only')?.split(',');
const serveOnly = args.includes('--serve');

for (const [path, hint] of [
  [join(benchDir, 'meta.json'), 'run the native bench first (`cargo xtask bench`)'],
  [join(benchDir, 'headers.json'), 'run the native bench first (`cargo xtask bench`)'],
  [
    join(process.env.ZG_BENCH_PKG ?? join(root, 'wasm-light-client/pkg'), 'wasm_light_client_bg.wasm'),
    'run `cargo xtask build-lc`',
  ],
]) {
  if (!existsSync(path)) {
    console.error(`missing ${path}: ${hint}`);
    process.exit(2);
  }
}

await build({
  entryPoints: [join(root, 'bench/browser/page.mjs')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  outfile: join(benchDir, 'page.js'),
  // The package is served as built; the SDK's browser build imports Node modules lazily in
  // Node-only paths (ZgFile.fromFilePath, checkExist) that the page never takes.
  external: ['/wasm-light-client/pkg/*', 'fs', 'path', 'node:*'],
  logLevel: 'warning',
});

// Only these trees are served; everything else is 404.
const served = [
  ['/bench/browser/', join(root, 'bench/browser')],
  ['/target/zg-bench/', benchDir],
  // ZG_BENCH_PKG: another build of the package (e.g. other optimisation settings) to measure.
  ['/wasm-light-client/pkg/', resolve(process.env.ZG_BENCH_PKG ?? join(root, 'wasm-light-client/pkg'))],
  ['/wasm-light-client/tests/fixtures/', join(root, 'wasm-light-client/tests/fixtures')],
];
const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  const target = path === '/' ? join(root, 'bench/browser/index.html') : resolveServed(path);
  if (!target || !existsSync(target) || !statSync(target).isFile()) {
    res.writeHead(404).end('not found');
    return;
  }
  res.writeHead(200, {
    'content-type': types[extname(target)] ?? 'application/octet-stream',
    'cache-control': 'no-store',
    // Cross-origin isolation: performance.now() at its finest resolution.
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-embedder-policy': 'require-corp',
  });
  res.end(readFileSync(target));
});

function resolveServed(path) {
  for (const [prefix, dir] of served) {
    if (!path.startsWith(prefix)) continue;
    const file = normalize(join(dir, path.slice(prefix.length)));
    return file.startsWith(dir + sep) ? file : null;
  }
  return null;
}

await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/`;
if (serveOnly) {
  console.log(`serving the bench page at ${url} (Ctrl-C stops)`);
} else {
  let browser;
  let code = 0;
  try {
    browser = await chromium.launch({
      executablePath: process.env.ZG_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync',
        '--disable-dev-shm-usage',
      ],
    });
    const page = await browser.newPage();
    page.on('console', (m) => console.log(`  [page] ${m.text()}`));
    page.on('pageerror', (e) => console.log(`  [page error] ${e.message}`));
    await page.goto(url);
    await page.waitForFunction(() => window.zgBenchReady === true);
    const started = Date.now();
    const result = await page.evaluate((o) => window.zgBench(o), only ?? null);
    result.chromium = browser.version();
    // Flat figures for `cargo xtask bench`'s table: <workload>_<wasm|js> in units per second.
    result.figures = {};
    for (const [workload, impls] of Object.entries(result.results)) {
      for (const [impl, r] of Object.entries(impls)) result.figures[`${workload}_${impl}`] = r.perSec;
    }
    result.seconds = (Date.now() - started) / 1e3;
    const out = join(benchDir, 'browser.json');
    writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
    console.log(`browser figures (${result.chromium}, ${result.seconds.toFixed(0)} s): ${out}`);
  } catch (e) {
    console.error(`browser bench failed: ${e.message ?? e}`);
    code = 1;
  } finally {
    await browser?.close();
    server.close();
  }
  process.exit(code);
}
