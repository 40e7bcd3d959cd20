// A JSON-RPC man in the middle for the e2e tests: forwards every call to a real node
// (the devnet's anvil) and, when told to, lies in its answers. The lies are the ones a
// dishonest public endpoint could tell; the light client must catch each of them.
//
//   const proxy = await startTamperProxy(devnet.rpcUrl);
//   proxy.url                      // http://127.0.0.1:<free port>
//   proxy.lies.inflateBalance = true;   // eth_getProof: balance + 1000 0G, proofs untouched
//   proxy.lies.forgeHeader = true;      // eth_getBlockByNumber (blocks > 0): stateRoot changed, hash kept
//   proxy.lies.chainId = 4242;          // eth_chainId answers this id (null: the truth)
//   proxy.stats                    // { calls: {method: n}, tampered: {method: n} }
//   await proxy.close();
//
// Only node:http; single calls and batches (arrays); CORS preflight answered and
// `Access-Control-Allow-Origin: *` on every answer, since the app is served from another port.
import http from 'node:http';

export const ONE_0G = 10n ** 18n;
export const INFLATE_BY = 1000n * ONE_0G;

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
  'Access-Control-Max-Age': '600',
};

/** Starts the proxy on 127.0.0.1 (a free port); resolves once it listens. */
export async function startTamperProxy(upstream) {
  const lies = { inflateBalance: false, forgeHeader: false, chainId: null };
  const stats = { calls: {}, tampered: {} };
  const count = (table, method) => (table[method] = (table[method] ?? 0) + 1);

  /** Rewrites one answer to `call` according to the lies switched on now. */
  function tamper(call, answer) {
    if (!call || !answer || typeof answer !== 'object' || answer.error || answer.result == null) return answer;
    const { method } = call;
    const result = answer.result;
    if (method === 'eth_getProof' && lies.inflateBalance && typeof result.balance === 'string') {
      count(stats.tampered, method);
      return { ...answer, result: { ...result, balance: `0x${(BigInt(result.balance) + INFLATE_BY).toString(16)}` } };
    }
    if (method === 'eth_getBlockByNumber' && lies.forgeHeader && typeof result.stateRoot === 'string'
      && BigInt(result.number ?? '0x0') > 0n) {
      count(stats.tampered, method);
      // Flip the last nibble: a different, well-formed root. `hash` stays the honest one.
      const root = result.stateRoot;
      const last = (parseInt(root.slice(-1), 16) ^ 0xf).toString(16);
      return { ...answer, result: { ...result, stateRoot: root.slice(0, -1) + last } };
    }
    if (method === 'eth_chainId' && lies.chainId != null) {
      count(stats.tampered, method);
      return { ...answer, result: `0x${BigInt(lies.chainId).toString(16)}` };
    }
    return answer;
  }

  async function forward(body) {
    const response = await fetch(upstream, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, json: await response.json() };
  }

  const server = http.createServer((req, res) => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        ...CORS,
        'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? 'content-type',
      });
      return res.end();
    }
    const reply = (status, value) => {
      const text = JSON.stringify(value);
      res.writeHead(status, { ...CORS, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    if (req.method !== 'POST') return reply(405, { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'POST only' } });
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return reply(400, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } });
      }
      const calls = Array.isArray(body) ? body : [body];
      for (const c of calls) count(stats.calls, c?.method);
      try {
        const { status, json } = await forward(body);
        if (Array.isArray(body) && Array.isArray(json)) {
          // Answers may come in any order: match them to their calls by id.
          const byId = new Map(calls.map((c) => [JSON.stringify(c?.id), c]));
          return reply(status, json.map((a) => tamper(byId.get(JSON.stringify(a?.id)), a)));
        }
        return reply(status, Array.isArray(body) ? json : tamper(body, json));
      } catch (e) {
        return reply(502, { jsonrpc: '2.0', id: null, error: { code: -32603, message: `upstream: ${e.message}` } });
      }
    });
  });

  // Keep-alive sockets would hold close() open; track them to end them.
  const sockets = new Set();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();

  const close = () =>
    new Promise((resolve, reject) => {
      server.close((e) => (e ? reject(e) : resolve()));
      for (const s of sockets) s.destroy();
    });

  /** Switches every lie off. */
  const honest = () => Object.assign(lies, { inflateBalance: false, forgeHeader: false, chainId: null });

  return { url: `http://127.0.0.1:${port}`, port, lies, stats, honest, close };
}
