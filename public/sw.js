// zg-console's service worker: the console opens without a network, from its own files.
//
// It keeps the app's static files (same origin, GET, a file type the app is built from),
// as last fetched, and nothing else: never chain or node traffic (JSON-RPC is POST and
// mostly on another origin; storage and indexer answers are not files of the app), never the
// model weights (the app keeps those itself and checks their sha256), never a response
// that is not plainly ours. Nothing secret passes through it: keys live in IndexedDB,
// encrypted, and are never fetched.
//
// Online, every file comes from the network first, so a new release is used at once; the
// cache answers only when the network cannot.
const CACHE = 'zg-shell-v1';
const FILE = /\.(?:js|wasm|css|svg|png|webmanifest|woff2?)$/;

function keepable(url) {
  const u = new URL(url, self.registration.scope);
  return u.origin === self.location.origin && u.href.startsWith(self.registration.scope)
    && !u.pathname.includes('/models/') && FILE.test(u.pathname);
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    // The page that registered this worker loaded before it existed: fetch the index and
    // the files it names (trunk's hashed script, wasm and stylesheet) so the next visit
    // can open offline.
    const cache = await caches.open(CACHE);
    const index = await fetch('./', { cache: 'no-cache' });
    if (index.ok) {
      const html = await index.clone().text();
      await cache.put('./', index);
      const named = [...html.matchAll(/(?:href|src)="(\.\/[^"#?]+)"/g)].map((m) => m[1]).filter(keepable);
      await Promise.all([...new Set(named)].map(async (url) => {
        const response = await fetch(url, { cache: 'no-cache' });
        if (response.ok) await cache.put(url, response);
      }));
    }
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('zg-shell-') && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const navigation = request.mode === 'navigate' && request.url.startsWith(self.registration.scope);
  if (!navigation && !keepable(request.url)) return;
  // Every page of the console is the one index (routes live in the fragment).
  const key = navigation ? './' : request;
  event.respondWith((async () => {
    try {
      const response = await fetch(request);
      if (response.ok && response.type === 'basic') {
        const copy = response.clone();
        event.waitUntil(caches.open(CACHE).then((cache) => cache.put(key, copy)));
      }
      return response;
    } catch (offline) {
      const cached = await caches.match(key, { cacheName: CACHE });
      if (cached) return cached;
      throw offline;
    }
  })());
});
