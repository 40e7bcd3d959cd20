// 0G segment roots on the GPU: one workgroup per 256 KiB segment hashes its 1024 chunks
// (keccak256 of 256 bytes) and then pairs them level by level up to the segment root.
// WGSL has no u64: a keccak lane is vec2<u32>(low word, high word), which is also how the
// little-endian file bytes read as u32 words line up.

@group(0) @binding(0) var<storage, read> data: array<u32>;
// Per segment: two regions of 1024 hashes (8 words each), written alternately per level.
@group(0) @binding(1) var<storage, read_write> scratch: array<u32>;
@group(0) @binding(2) var<storage, read_write> roots: array<u32>;

var<private> st: array<vec2<u32>, 25>;

var<private> RC: array<vec2<u32>, 24> = array<vec2<u32>, 24>(
  vec2<u32>(0x00000001u, 0x00000000u),
  vec2<u32>(0x00008082u, 0x00000000u),
  vec2<u32>(0x0000808au, 0x80000000u),
  vec2<u32>(0x80008000u, 0x80000000u),
  vec2<u32>(0x0000808bu, 0x00000000u),
  vec2<u32>(0x80000001u, 0x00000000u),
  vec2<u32>(0x80008081u, 0x80000000u),
  vec2<u32>(0x00008009u, 0x80000000u),
  vec2<u32>(0x0000008au, 0x00000000u),
  vec2<u32>(0x00000088u, 0x00000000u),
  vec2<u32>(0x80008009u, 0x00000000u),
  vec2<u32>(0x8000000au, 0x00000000u),
  vec2<u32>(0x8000808bu, 0x00000000u),
  vec2<u32>(0x0000008bu, 0x80000000u),
  vec2<u32>(0x00008089u, 0x80000000u),
  vec2<u32>(0x00008003u, 0x80000000u),
  vec2<u32>(0x00008002u, 0x80000000u),
  vec2<u32>(0x00000080u, 0x80000000u),
  vec2<u32>(0x0000800au, 0x00000000u),
  vec2<u32>(0x8000000au, 0x80000000u),
  vec2<u32>(0x80008081u, 0x80000000u),
  vec2<u32>(0x00008080u, 0x80000000u),
  vec2<u32>(0x80000001u, 0x00000000u),
  vec2<u32>(0x80008008u, 0x80000000u)
);

// Rotation of lane x + 5y.
var<private> RHO: array<u32, 25> = array<u32, 25>(
  0u, 1u, 62u, 28u, 27u,
  36u, 44u, 6u, 55u, 20u,
  3u, 10u, 43u, 25u, 39u,
  41u, 45u, 15u, 21u, 8u,
  18u, 2u, 61u, 56u, 14u
);

fn rotl(v: vec2<u32>, n: u32) -> vec2<u32> {
  // WGSL takes shift amounts modulo 32, so 0 and 32 need their own cases.
  if (n == 0u) {
    return v;
  }
  if (n < 32u) {
    return vec2<u32>((v.x << n) | (v.y >> (32u - n)), (v.y << n) | (v.x >> (32u - n)));
  }
  if (n == 32u) {
    return vec2<u32>(v.y, v.x);
  }
  let m = n - 32u;
  return vec2<u32>((v.y << m) | (v.x >> (32u - m)), (v.x << m) | (v.y >> (32u - m)));
}

fn keccak_f() {
  for (var round = 0u; round < 24u; round++) {
    var c: array<vec2<u32>, 5>;
    for (var x = 0u; x < 5u; x++) {
      c[x] = st[x] ^ st[x + 5u] ^ st[x + 10u] ^ st[x + 15u] ^ st[x + 20u];
    }
    for (var x = 0u; x < 5u; x++) {
      let d = c[(x + 4u) % 5u] ^ rotl(c[(x + 1u) % 5u], 1u);
      for (var y = 0u; y < 25u; y += 5u) {
        st[y + x] = st[y + x] ^ d;
      }
    }
    var b: array<vec2<u32>, 25>;
    for (var i = 0u; i < 25u; i++) {
      let x = i % 5u;
      let y = i / 5u;
      b[y + 5u * ((2u * x + 3u * y) % 5u)] = rotl(st[i], RHO[i]);
    }
    for (var i = 0u; i < 25u; i++) {
      let row = i - i % 5u;
      st[i] = b[i] ^ (~b[row + (i + 1u) % 5u] & b[row + (i + 2u) % 5u]);
    }
    st[0] = st[0] ^ RC[round];
  }
}

fn clear_state() {
  for (var i = 0u; i < 25u; i++) {
    st[i] = vec2<u32>(0u, 0u);
  }
}

// keccak256 of the 256-byte chunk at word `at` of `data`: two 136-byte blocks.
fn hash_chunk(at: u32) {
  clear_state();
  for (var i = 0u; i < 17u; i++) {
    st[i] = vec2<u32>(data[at + 2u * i], data[at + 2u * i + 1u]);
  }
  keccak_f();
  for (var i = 0u; i < 15u; i++) {
    st[i] = st[i] ^ vec2<u32>(data[at + 34u + 2u * i], data[at + 35u + 2u * i]);
  }
  st[15].x = st[15].x ^ 0x01u;
  st[16].y = st[16].y ^ 0x80000000u;
  keccak_f();
}

// keccak256(left ‖ right) for the two hashes at words `at` and `at + 8` of `scratch`.
fn hash_pair(at: u32) {
  clear_state();
  for (var i = 0u; i < 8u; i++) {
    st[i] = vec2<u32>(scratch[at + 2u * i], scratch[at + 2u * i + 1u]);
  }
  st[8].x = st[8].x ^ 0x01u;
  st[16].y = st[16].y ^ 0x80000000u;
  keccak_f();
}

fn store_hash(at: u32) {
  for (var i = 0u; i < 4u; i++) {
    scratch[at + 2u * i] = st[i].x;
    scratch[at + 2u * i + 1u] = st[i].y;
  }
}

@compute @workgroup_size(256)
fn segment_roots(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let segment = group.x;
  let chunks = segment * 1024u * 64u;
  var src = segment * 2048u * 8u;
  var dst = src + 1024u * 8u;
  for (var i = t; i < 1024u; i += 256u) {
    hash_chunk(chunks + i * 64u);
    store_hash(src + i * 8u);
  }
  storageBarrier();
  var count = 512u;
  for (var level = 0u; level < 10u; level++) {
    for (var i = t; i < count; i += 256u) {
      hash_pair(src + i * 16u);
      store_hash(dst + i * 8u);
    }
    storageBarrier();
    let swap = src;
    src = dst;
    dst = swap;
    count = count / 2u;
  }
  if (t == 0u) {
    for (var k = 0u; k < 8u; k++) {
      roots[segment * 8u + k] = scratch[src + k];
    }
  }
}
