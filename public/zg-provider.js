/*
 * zg-console as a wallet for other sites: an EIP-1193 provider, announced per EIP-6963.
 *
 * On a dapp's page:
 *   <script src="https://WALLET/zg-provider.js"></script>
 * then either pick "zg-console" among the wallets EIP-6963 announces (wagmi, RainbowKit,
 * Web3Modal and ethers' BrowserProvider all take it), or use `window.zgConsole` directly:
 *   const [account] = await window.zgConsole.request({ method: 'eth_requestAccounts' });
 *
 * The first request opens zg-console in a popup window (allow pop-ups for the site, and
 * connect from a click); the two talk by postMessage, each checking the other's origin
 * and window. Every answer is the wallet's own: reads are verified by its light client
 * against proven state, signatures and transactions are approved by the user in its
 * window, and what it cannot verify it refuses (4200) rather than pass on a node's word.
 * Keys never leave the wallet's origin. No build step, no dependencies.
 */
(() => {
  'use strict';
  // The wallet is wherever this script came from: its directory is the app.
  const script = document.currentScript;
  if (!script || !script.src || window.zgConsole) return; // a module load, or loaded twice
  const walletBase = new URL('.', script.src).href;
  const walletOrigin = new URL(walletBase).origin;
  const T = 'zg-console:';
  // Methods the user must answer in the wallet's window: it is brought to the front.
  const ASKS_USER = ['eth_requestAccounts', 'eth_sendTransaction', 'personal_sign', 'wallet_switchEthereumChain'];
  const EVENTS = ['accountsChanged', 'chainChanged', 'disconnect'];

  // EIP-1193's ProviderRpcError: an Error with a numeric code and optional data.
  function rpcError(code, message, data) {
    const error = new Error(message);
    error.code = code;
    if (data !== undefined) error.data = data;
    return error;
  }
  const closedError = () => rpcError(4900, 'the zg-console window was closed');

  class ZgConsoleProvider {
    #listeners = new Map(); // event -> Set of listeners
    #popup = null;
    #ready = false; // the popup said it is ready for requests
    #pending = new Map(); // id -> { message, resolve, reject }, in id order
    #nextId = 1;
    #connected = false; // `connect` was emitted and not followed by `disconnect`
    #watch = 0;

    constructor() {
      window.addEventListener('message', (event) => this.#receive(event));
    }

    get isZgConsole() {
      return true;
    }

    request(args) {
      const { method, params } = args || {};
      if (typeof method !== 'string' || method === '') {
        return Promise.reject(rpcError(-32602, 'request expects { method, params }'));
      }
      let plain;
      try {
        // The wallet reads JSON: anything else (a BigInt, a function) is refused here.
        plain = params === undefined ? undefined : JSON.parse(JSON.stringify(params));
      } catch {
        return Promise.reject(rpcError(-32602, 'params must be plain JSON'));
      }
      if (plain !== undefined && (plain === null || typeof plain !== 'object')) {
        return Promise.reject(rpcError(-32602, 'params must be an array or an object'));
      }
      // A site asking for its accounts while the wallet is not open is not connected now;
      // answering [] (as MetaMask does when not connected) spares a pop-up on page load.
      if (method === 'eth_accounts' && !this.#isOpen()) return Promise.resolve([]);
      const popup = this.#open();
      if (!popup) {
        const why = 'zg-console could not open its window: allow pop-ups for this site, then connect again';
        return Promise.reject(rpcError(4900, why));
      }
      if (ASKS_USER.includes(method)) popup.focus();
      return new Promise((resolve, reject) => {
        const id = this.#nextId++;
        const message = { type: T + 'request', id, method, params: plain };
        this.#pending.set(id, { message, resolve, reject });
        if (this.#ready) this.#post(id);
      });
    }

    on(event, listener) {
      if (!this.#listeners.has(event)) this.#listeners.set(event, new Set());
      this.#listeners.get(event).add(listener);
      return this;
    }

    removeListener(event, listener) {
      this.#listeners.get(event)?.delete(listener);
      return this;
    }

    #emit(event, data) {
      for (const listener of [...(this.#listeners.get(event) || [])]) {
        try {
          listener(data);
        } catch (error) {
          // One listener's failure must not keep the others from hearing the event.
          setTimeout(() => { throw error; });
        }
      }
    }

    #isOpen() {
      return this.#popup !== null && !this.#popup.closed;
    }

    #open() {
      if (this.#isOpen()) return this.#popup;
      const popup = window.open(walletBase + '#/connect', 'zg-console', 'popup,width=420,height=680');
      if (!popup) return null;
      this.#popup = popup;
      this.#ready = false;
      clearInterval(this.#watch);
      // A closed window sends no message: it is noticed by looking.
      this.#watch = setInterval(() => { if (popup.closed) this.#closed(); }, 500);
      return popup;
    }

    #closed() {
      clearInterval(this.#watch);
      this.#popup = null;
      this.#ready = false;
      const waiting = [...this.#pending.values()];
      this.#pending.clear();
      for (const { reject } of waiting) reject(closedError());
      if (this.#connected) {
        this.#connected = false;
        this.#emit('disconnect', closedError());
      }
    }

    #post(id) {
      const entry = this.#pending.get(id);
      try {
        this.#popup.postMessage(entry.message, walletOrigin);
      } catch (error) {
        this.#pending.delete(id);
        entry.reject(rpcError(-32603, 'the request could not be sent to zg-console: ' + error.message));
      }
    }

    #receive(event) {
      // Only the window this provider opened, showing the wallet, is listened to.
      if (event.origin !== walletOrigin || !this.#popup || event.source !== this.#popup) return;
      const data = event.data;
      if (!data || typeof data !== 'object') return;
      if (data.type === T + 'ready') {
        // Sent again if the wallet's page reloads, which forgets what it was asked:
        // everything unanswered is asked again.
        this.#ready = true;
        for (const id of this.#pending.keys()) this.#post(id);
      } else if (data.type === T + 'response') {
        const entry = this.#pending.get(data.id);
        if (!entry) return;
        this.#pending.delete(data.id);
        if (data.error) {
          const { code, message, data: detail } = data.error;
          const known = Number.isInteger(code) ? code : -32603;
          entry.reject(rpcError(known, String(message || 'zg-console refused'), detail));
          return;
        }
        entry.resolve(data.result);
        if (entry.message.method === 'eth_chainId' && !this.#connected) {
          this.#connected = true;
          this.#emit('connect', { chainId: data.result });
        }
      } else if (data.type === T + 'event' && EVENTS.includes(data.event)) {
        if (data.event === 'disconnect') {
          this.#connected = false;
          const { code, message } = data.data || {};
          this.#emit('disconnect', rpcError(Number.isInteger(code) ? code : 4900, String(message || 'disconnected')));
        } else {
          this.#emit(data.event, data.data);
        }
      }
    }
  }

  const provider = new ZgConsoleProvider();
  // Not window.ethereum: another wallet usually owns it, and overwriting it would break
  // that wallet on this page. EIP-6963 lets each wallet announce itself and coexist.
  window.zgConsole = provider;

  // crypto.randomUUID needs a secure context; getRandomValues does not.
  const uuid = () => crypto.randomUUID?.() ??
    '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (c) =>
      (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16));
  const icon = 'data:image/svg+xml,' + encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">' +
    '<rect width="64" height="64" rx="14" fill="#5a3fd6"/>' +
    '<path d="M43.3 20.7A16 16 0 1 0 48 32H34" fill="none" stroke="#fff" stroke-width="7" ' +
    'stroke-linecap="round" stroke-linejoin="round"/></svg>');
  const info = Object.freeze({ uuid: uuid(), name: 'zg-console', icon, rdns: 'io.github.zg-console' });
  const announce = () => window.dispatchEvent(
    new CustomEvent('eip6963:announceProvider', { detail: Object.freeze({ info, provider }) }));
  window.addEventListener('eip6963:requestProvider', announce);
  announce();
})();
