// SmolLM2's llama, one token's forward pass, as WebGPU compute kernels (driven by gpu.rs,
// planned by zg_llm::gpu::GpuLlama::plan, which says where every tensor lives).
//
// Each kernel follows candle's quantized_llama as it runs in wasm (simd128) step by step,
// so the two agree to float rounding: activations are quantized to Q8_0 before every
// mat-vec as candle's CPU mat-vec does (a block's amax / 127, its scale rounded to f16,
// values rounded half away from zero), and the Q8_0 dot keeps candle's four lanes.
//
// Bindings: the token embeddings (also the tied LM head) and the other weights as u32
// words (four int8 quants a word, f32 scales and vectors as bits); the activations; the
// quantized activations (quants, then scales from `op.b`/`op.src`); the KV cache's keys
// and values ([layer][position][kv head][head dim]); the dispatch's `Op` and the token's
// `Step`, both chosen by dynamic offsets.
//
// `CONTEXT` is prepended by gpu.rs: the positions the cache holds (the scores' stride).

struct Op {
    a: u32,
    b: u32,
    src: u32,
    dst: u32,
    n_in: u32,
    n_out: u32,
    mode: u32,
    extra: u32,
}

struct Step {
    token: u32,
    pos: u32,
}

// Words are read four at a time (every tensor starts on a multiple of four words, see
// zg_llm::gpu::ALIGN): a Q8_0 block's 32 quants are two loads.
@group(0) @binding(0) var<storage, read> embedding: array<vec4<u32>>;
@group(0) @binding(1) var<storage, read> weights: array<vec4<u32>>;
@group(0) @binding(2) var<storage, read_write> acts: array<f32>;
@group(0) @binding(3) var<storage, read_write> xq: array<vec4<u32>>;
@group(0) @binding(4) var<storage, read_write> keys: array<f32>;
@group(0) @binding(5) var<storage, read_write> values: array<f32>;
@group(0) @binding(6) var<uniform> op: Op;
@group(0) @binding(7) var<uniform> cur: Step;

const WG: u32 = 64u;
const BLOCK: u32 = 32u;

var<workgroup> red: array<f32, 64>;
var<workgroup> stat: f32;

fn weight(i: u32) -> u32 {
    return weights[i >> 2u][i & 3u];
}

fn embedding_word(i: u32) -> u32 {
    return embedding[i >> 2u][i & 3u];
}

fn quant(word: u32, byte: u32) -> i32 {
    return extractBits(bitcast<i32>(word), byte * 8u, 8u);
}

// x = the token's embedding row, dequantized as candle's Embedding holds it.
@compute @workgroup_size(64)
fn embed(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    if (i >= op.n_out) {
        return;
    }
    let e = cur.token * op.n_out + i;
    let q = quant(embedding_word(op.a + e / 4u), e % 4u);
    acts[op.dst + i] = f32(q) * bitcast<f32>(embedding_word(op.b + e / BLOCK));
}

// candle's rms_norm: the squares summed in order, then x / sqrt(mean + eps) × weight.
@compute @workgroup_size(64)
fn rms_norm(@builtin(local_invocation_id) lid: vec3<u32>) {
    let n = op.n_in;
    if (lid.x == 0u) {
        var sum = 0.0;
        for (var i = 0u; i < n; i++) {
            let v = acts[op.src + i];
            sum += v * v;
        }
        stat = sqrt(sum / f32(n) + bitcast<f32>(op.extra));
    }
    workgroupBarrier();
    let m = stat;
    for (var i = lid.x; i < n; i += WG) {
        acts[op.dst + i] = acts[op.src + i] / m * bitcast<f32>(weight(op.a + i));
    }
}

// f32 → the nearest f16 (ties to even, as the `half` crate rounds), back as f32; v ≥ 0.
fn to_f16(v: f32) -> f32 {
    if (v < 6.103515625e-05) {
        // f16's subnormals are multiples of 2^-24; WGSL's round() ties to even.
        return round(v * 16777216.0) / 16777216.0;
    }
    let bits = bitcast<u32>(v);
    return bitcast<f32>((bits + 0xfffu + ((bits >> 13u) & 1u)) & ~0x1fffu);
}

// Rust's f32::round: halves away from zero (WGSL's round() would take them to even).
fn round_away(v: f32) -> f32 {
    let t = trunc(v);
    if (abs(v - t) >= 0.5) {
        return t + sign(v);
    }
    return t;
}

// One thread per block of 32: candle's BlockQ8_0::from_float.
@compute @workgroup_size(64)
fn quantize(@builtin(global_invocation_id) gid: vec3<u32>) {
    let b = gid.x;
    if (b >= op.n_in / BLOCK) {
        return;
    }
    let base = op.src + b * BLOCK;
    var amax = 0.0;
    for (var i = 0u; i < BLOCK; i++) {
        amax = max(amax, abs(acts[base + i]));
    }
    let d = amax / 127.0;
    var id = 0.0;
    if (d != 0.0) {
        id = 1.0 / d;
    }
    var words: array<u32, 8>;
    for (var w = 0u; w < BLOCK / 4u; w++) {
        var word = 0u;
        for (var k = 0u; k < 4u; k++) {
            let q = i32(round_away(acts[base + w * 4u + k] * id));
            word |= (bitcast<u32>(q) & 0xffu) << (k * 8u);
        }
        words[w] = word;
    }
    xq[b * 2u] = vec4<u32>(words[0], words[1], words[2], words[3]);
    xq[b * 2u + 1u] = vec4<u32>(words[4], words[5], words[6], words[7]);
    let scale = op.b + b;
    xq[scale >> 2u][scale & 3u] = bitcast<u32>(to_f16(d));
}

// candle's simd128 Q8_0 dot keeps four lanes: lane k sums the pairs of elements 2k, 2k+1 of
// every eight, is scaled per block, and the lanes are added in order at the end. Word w of
// a block holds elements 4w..4w+3, so its low half goes to lane 0 (w even) or 2 (w odd)
// and its high half to lane 1 or 3. Following that keeps the logits bit-identical to
// candle's at most positions; dot4I8Packed over a masked word gives a half's pair sum.
fn pairs(w: u32, x: u32) -> vec2<i32> {
    return vec2<i32>(dot4I8Packed(w & 0xffffu, x), dot4I8Packed(w & 0xffff0000u, x));
}

fn block_dot(w: vec4<u32>, v: vec4<u32>, x: vec4<u32>, y: vec4<u32>) -> vec4<i32> {
    let even = pairs(w.x, x.x) + pairs(w.z, x.z) + pairs(v.x, y.x) + pairs(v.z, y.z);
    let odd = pairs(w.y, x.y) + pairs(w.w, x.w) + pairs(v.y, y.y) + pairs(v.w, y.w);
    return vec4<i32>(even, odd);
}

fn finish_dot(acc: vec4<f32>) -> f32 {
    return ((acc.x + acc.y) + acc.z) + acc.w;
}

fn activation_scale(b: u32) -> f32 {
    let i = op.src + b;
    return bitcast<f32>(xq[i >> 2u][i & 3u]);
}

fn store(j: u32, r: f32) {
    let at = op.dst + j;
    if (op.mode == 1u) {
        acts[at] = r + acts[at];
    } else if (op.mode == 2u) {
        let g = acts[op.extra + j];
        acts[at] = g / (1.0 + exp(-g)) * r;
    } else {
        acts[at] = r;
    }
}

// out[j] = row j of a Q8_0 matrix in `weights` · the quantized activations.
@compute @workgroup_size(64)
fn matvec(@builtin(global_invocation_id) gid: vec3<u32>) {
    let j = gid.x;
    if (j >= op.n_out) {
        return;
    }
    let blocks = op.n_in / BLOCK;
    var acc = vec4<f32>(0.0);
    for (var b = 0u; b < blocks; b++) {
        let row = (op.a >> 2u) + (j * blocks + b) * 2u;
        let s = block_dot(weights[row], weights[row + 1u], xq[b * 2u], xq[b * 2u + 1u]);
        acc += vec4<f32>(s) * (bitcast<f32>(weight(op.b + j * blocks + b)) * activation_scale(b));
    }
    store(j, finish_dot(acc));
}

// The same over the token embeddings: the tied LM head.
@compute @workgroup_size(64)
fn lm_head(@builtin(global_invocation_id) gid: vec3<u32>) {
    let j = gid.x;
    if (j >= op.n_out) {
        return;
    }
    let blocks = op.n_in / BLOCK;
    var acc = vec4<f32>(0.0);
    for (var b = 0u; b < blocks; b++) {
        let row = (op.a >> 2u) + (j * blocks + b) * 2u;
        let s = block_dot(embedding[row], embedding[row + 1u], xq[b * 2u], xq[b * 2u + 1u]);
        acc += vec4<f32>(s) * (bitcast<f32>(embedding_word(op.b + j * blocks + b)) * activation_scale(b));
    }
    store(j, finish_dot(acc));
}

// candle's rope_i (interleaved pairs) on the query heads in place and on the key heads
// into the cache at this position; the remaining threads copy the values there.
// op: a = rotary table, b = KV heads, src = q (k and v follow), dst = the layer's cache,
// n_in = head dim, n_out = heads.
@compute @workgroup_size(64)
fn rope_store(@builtin(global_invocation_id) gid: vec3<u32>) {
    let t = gid.x;
    let hd = op.n_in;
    let half = hd / 2u;
    let kv_dim = op.b * hd;
    let pairs = (op.n_out + op.b) * half;
    let slot = op.dst + cur.pos * kv_dim;
    if (t < pairs) {
        let h = t / half;
        let i = t % half;
        let at = op.src + h * hd + 2u * i;
        let c = bitcast<f32>(weight(op.a + cur.pos * hd + i));
        let s = bitcast<f32>(weight(op.a + cur.pos * hd + half + i));
        let x0 = acts[at];
        let x1 = acts[at + 1u];
        let r0 = x0 * c - x1 * s;
        let r1 = x0 * s + x1 * c;
        if (h < op.n_out) {
            acts[at] = r0;
            acts[at + 1u] = r1;
        } else {
            let k = slot + (h - op.n_out) * hd + 2u * i;
            keys[k] = r0;
            keys[k + 1u] = r1;
        }
    } else if (t < pairs + kv_dim) {
        let j = t - pairs;
        values[slot + j] = acts[op.src + op.n_out * hd + kv_dim + j];
    }
}

// One workgroup per query head, reading KV head h / (heads / KV heads) as candle's
// repeat_kv does: scores over positions 0..=pos, softmax, the weighted sum of values.
// op: a = the layer's cache, b = KV heads, src = q, dst = out, n_in = head dim,
// n_out = heads, mode = the score scale's bits, extra = the scores' scratch.
@compute @workgroup_size(64)
fn attention(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
    let h = wid.x;
    let hd = op.n_in;
    let kh = h / (op.n_out / op.b);
    let kv_dim = op.b * hd;
    let pos = cur.pos;
    let scale = bitcast<f32>(op.mode);
    let scores = op.extra + h * CONTEXT;
    let q = op.src + h * hd;
    var local_max = -0x1.fffffep+127f; // -f32::MAX, exactly (a decimal literal rounds past it)
    for (var t = lid.x; t <= pos; t += WG) {
        let k = op.a + t * kv_dim + kh * hd;
        var qk = 0.0;
        for (var i = 0u; i < hd; i++) {
            qk += acts[q + i] * keys[k + i];
        }
        let s = qk * scale;
        acts[scores + t] = s;
        local_max = max(local_max, s);
    }
    red[lid.x] = local_max;
    workgroupBarrier();
    if (lid.x == 0u) {
        var m = red[0];
        for (var i = 1u; i < WG; i++) {
            m = max(m, red[i]);
        }
        stat = m;
    }
    workgroupBarrier();
    let m = stat;
    var local_sum = 0.0;
    for (var t = lid.x; t <= pos; t += WG) {
        let e = exp(acts[scores + t] - m);
        acts[scores + t] = e;
        local_sum += e;
    }
    workgroupBarrier();
    red[lid.x] = local_sum;
    workgroupBarrier();
    if (lid.x == 0u) {
        var sum = 0.0;
        for (var i = 0u; i < WG; i++) {
            sum += red[i];
        }
        stat = sum;
    }
    // The scores written above by every thread are read by every thread below.
    storageBarrier();
    workgroupBarrier();
    let sum = stat;
    for (var j = lid.x; j < hd; j += WG) {
        var o = 0.0;
        for (var t = 0u; t <= pos; t++) {
            o += (acts[scores + t] / sum) * values[op.a + t * kv_dim + kh * hd + j];
        }
        acts[op.dst + h * hd + j] = o;
    }
}
