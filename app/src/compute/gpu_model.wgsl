// zg-model's forward pass for one token, as WebGPU compute kernels (see gpu.rs).
//
// Every kernel shares one bind group: the model's parameters (one flat f32 buffer in
// zg_model::Layout order), the activations (x, ln, qkv, att, hidden and logits side by
// side), the KV cache (keys of every layer, then values), the operation's uniform (offsets
// and sizes, chosen per dispatch by a dynamic offset) and the step's uniform (token and
// position, one slot per position, also by dynamic offset). Sums run in the same order as
// zg_model's CPU kernels (src/ops.rs) so the two agree to float rounding.
//
// `CONTEXT` is prepended by gpu.rs: the model's context length (workgroup memory for the
// attention scores).

struct Op {
    a: u32,      // weights (matvec, logits), gamma (layer norm), wte (embed), key base (attention)
    b: u32,      // bias (matvec), beta (layer norm), wpe (embed), value base (attention)
    src: u32,    // input offset in acts
    dst: u32,    // output offset in acts
    n_in: u32,   // input length; head dim for attention
    n_out: u32,  // output length; d_model for attention and kv_store
    mode: u32,   // matvec: 0 = write, 1 = GELU, 2 = add to the output (residual)
    extra: u32,  // heads (attention)
}

struct Step {
    token: u32,
    pos: u32,
}

@group(0) @binding(0) var<storage, read> params: array<f32>;
@group(0) @binding(1) var<storage, read_write> acts: array<f32>;
@group(0) @binding(2) var<storage, read_write> kv: array<f32>;
@group(0) @binding(3) var<uniform> op: Op;
@group(0) @binding(4) var<uniform> cur: Step;

const WG: u32 = 64u;
const LN_EPS: f32 = 1e-5;
const GELU_C: f32 = 0.7978846;
const GELU_A: f32 = 0.044715;

var<workgroup> scores: array<f32, CONTEXT>;
var<workgroup> red: array<f32, 64>;
var<workgroup> stats: vec2<f32>;

// x = wte[token] + wpe[pos]
@compute @workgroup_size(64)
fn embed(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    let d = op.n_out;
    if (i >= d) {
        return;
    }
    acts[op.dst + i] = params[op.a + cur.token * d + i] + params[op.b + cur.pos * d + i];
}

// One workgroup: mean and 1/std summed sequentially as ops::layer_norm does, then every
// thread writes its share.
@compute @workgroup_size(64)
fn layer_norm(@builtin(local_invocation_id) lid: vec3<u32>) {
    let n = op.n_in;
    if (lid.x == 0u) {
        var sum = 0.0;
        for (var i = 0u; i < n; i++) {
            sum += acts[op.src + i];
        }
        let mean = sum / f32(n);
        var var_sum = 0.0;
        for (var i = 0u; i < n; i++) {
            let c = acts[op.src + i] - mean;
            var_sum += c * c;
        }
        stats = vec2<f32>(mean, 1.0 / sqrt(var_sum / f32(n) + LN_EPS));
    }
    workgroupBarrier();
    let s = stats;
    for (var i = lid.x; i < n; i += WG) {
        acts[op.dst + i] = (acts[op.src + i] - s.x) * s.y * params[op.a + i] + params[op.b + i];
    }
}

fn gelu(x: f32) -> f32 {
    return 0.5 * x * (1.0 + tanh(GELU_C * (x + GELU_A * x * x * x)));
}

// out = x · W + b, W row-major [n_in][n_out]; one thread per output, summed over the
// inputs in order (ops::linear's axpy order).
@compute @workgroup_size(64)
fn matvec(@builtin(global_invocation_id) gid: vec3<u32>) {
    let j = gid.x;
    let n_out = op.n_out;
    if (j >= n_out) {
        return;
    }
    var acc = params[op.b + j];
    for (var i = 0u; i < op.n_in; i++) {
        acc += acts[op.src + i] * params[op.a + i * n_out + j];
    }
    if (op.mode == 1u) {
        acc = gelu(acc);
    }
    if (op.mode == 2u) {
        acc = acts[op.dst + j] + acc;
    }
    acts[op.dst + j] = acc;
}

// The key and value of this position (qkv[d..2d], qkv[2d..3d]) into the layer's cache.
@compute @workgroup_size(64)
fn kv_store(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    let d = op.n_out;
    if (i >= d) {
        return;
    }
    kv[op.a + cur.pos * d + i] = acts[op.src + d + i];
    kv[op.b + cur.pos * d + i] = acts[op.src + 2u * d + i];
}

// One workgroup per head: scores over positions 0..=pos (8-accumulator dots like
// ops::dot), softmax, then the weighted sum of values in position order.
@compute @workgroup_size(64)
fn attention(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
    let h = wid.x;
    let hd = op.n_in;
    let d = op.n_out;
    let pos = cur.pos;
    let scale = 1.0 / sqrt(f32(hd));
    let q = op.src + h * hd;
    var local_max = -0x1.fffffep+127f; // -f32::MAX, exactly (a decimal literal rounds past it)
    for (var t = lid.x; t <= pos; t += WG) {
        let k = op.a + t * d + h * hd;
        var acc = array<f32, 8>(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
        let whole = hd / 8u * 8u;
        for (var i = 0u; i < whole; i += 8u) {
            for (var m = 0u; m < 8u; m++) {
                acc[m] += acts[q + i + m] * kv[k + i + m];
            }
        }
        var tail = 0.0;
        for (var i = whole; i < hd; i++) {
            tail += acts[q + i] * kv[k + i];
        }
        let s = (((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])) + tail) * scale;
        scores[t] = s;
        local_max = max(local_max, s);
    }
    red[lid.x] = local_max;
    workgroupBarrier();
    if (lid.x == 0u) {
        var m = red[0];
        for (var i = 1u; i < WG; i++) {
            m = max(m, red[i]);
        }
        var sum = 0.0;
        for (var t = 0u; t <= pos; t++) {
            let e = exp(scores[t] - m);
            scores[t] = e;
            sum += e;
        }
        stats = vec2<f32>(m, 1.0 / sum);
    }
    workgroupBarrier();
    let inv = stats.y;
    for (var j = lid.x; j < hd; j += WG) {
        var o_acc = 0.0;
        for (var t = 0u; t <= pos; t++) {
            o_acc += (scores[t] * inv) * kv[op.b + t * d + h * hd + j];
        }
        acts[op.dst + h * hd + j] = o_acc;
    }
}

// logits[t] = ln · wte[t] (the tied LM head), 8-accumulator dots like ops::dot.
@compute @workgroup_size(64)
fn logits(@builtin(global_invocation_id) gid: vec3<u32>) {
    let t = gid.x;
    if (t >= op.n_out) {
        return;
    }
    let d = op.n_in;
    let w = op.a + t * d;
    var acc = array<f32, 8>(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    let whole = d / 8u * 8u;
    for (var i = 0u; i < whole; i += 8u) {
        for (var m = 0u; m < 8u; m++) {
            acc[m] += acts[op.src + i + m] * params[w + i + m];
        }
    }
    var tail = 0.0;
    for (var i = whole; i < d; i++) {
        tail += acts[op.src + i] * params[w + i];
    }
    acts[op.dst + t] = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])) + tail;
}
