// Runs examples/wasm_bench.rs's WebAssembly build under Node and prints tokens/s.
// Usage: node wasm_bench.mjs path/to/wasm_bench.wasm
import { readFileSync } from "node:fs";

const bytes = readFileSync(process.argv[2]);
const { instance } = await WebAssembly.instantiate(bytes, {});
const { load, generate } = instance.exports;
let t = performance.now();
const params = load();
console.log(`loaded ${params} parameters in ${(performance.now() - t).toFixed(1)} ms`);
generate(10); // warm up
for (const n of [100, 200]) {
  t = performance.now();
  const made = generate(n);
  const ms = performance.now() - t;
  console.log(`${made} tokens in ${ms.toFixed(1)} ms: ${(made / (ms / 1000)).toFixed(0)} tokens/s`);
}
