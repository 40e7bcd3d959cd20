// Runs examples/wasm_bench.rs's WebAssembly build under Node and prints SmolLM2's speed as
// one `ZG_LLM_BENCH {json}` line: load time, a 1-token answer (the prompt read: first-token
// latency) and tokens/s over a 64-token answer, median of three.
// Usage: node wasm_bench.mjs path/to/wasm_bench.wasm path/to/SmolLM2.gguf
import { readFileSync } from "node:fs";

const module = await WebAssembly.compile(readFileSync(process.argv[2]));
// wasm-bindgen's placeholders (getrandom's browser hooks) are never called by greedy runs.
const imports = {};
for (const i of WebAssembly.Module.imports(module)) {
  imports[i.module] ??= {};
  imports[i.module][i.name] = () => { throw new Error(`${i.module}.${i.name} is not available in this bench`); };
}
const { exports } = await WebAssembly.instantiate(module, imports);
const weights = readFileSync(process.argv[3]);
// Reserve first: growing the memory detaches any view taken before.
const at = exports.reserve(weights.length);
new Uint8Array(exports.memory.buffer, at, weights.length).set(weights);
let t = performance.now();
if (!exports.load()) throw new Error("the weights did not load");
const loadMs = performance.now() - t;
const time = (n) => { const t = performance.now(); const made = exports.answer(n); return [made, performance.now() - t]; };
time(4);
const first = [1, 2, 3].map(() => time(1)[1]).sort((a, b) => a - b)[1];
const rates = [1, 2, 3].map(() => { const [made, ms] = time(64); return made / (ms / 1000); }).sort((a, b) => a - b);
console.log(`ZG_LLM_BENCH {"where": "wasm", "loadMs": ${loadMs.toFixed(0)}, "firstTokenMs": ${first.toFixed(1)}, "tokensPerSec": ${rates[1].toFixed(1)}}`);
