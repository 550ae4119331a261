/**
 * heliograph.js: the browser client of the Heliograph gateway (wire protocol v1).
 *
 * One ES module, no runtime dependencies. It speaks PROTOCOL.md sections 4 to 6:
 * WebSocket commands, reconnect with exponential backoff and full jitter, resubscribe
 * with `since` and duplicate dropping, ping/pong dead-link detection, token refresh
 * in band, and a Server-Sent Events fallback after three failed WebSocket attempts.
 *
 *   import { Heliograph } from '/heliograph.js';
 *   const hg = new Heliograph();                       // same-origin /ws
 *   hg.on('state', (s) => console.log(s.state, s.node));
 *   const sub = hg.subscribe('crypto.summary', (event, meta) => render(event.data));
 *   sub.unsubscribe();
 *
 * The building blocks (Backoff, Positions, TransportPolicy, SseParser, event ids) are
 * exported so that they can be tested on their own; the client takes its clock, random
 * source, WebSocket and fetch as options for the same reason.
 */

/** Connection states shown by a connection indicator. */
export const State = Object.freeze({
  CONNECTING: 'connecting',
  OPEN: 'open',
  FALLBACK: 'fallback',
  CLOSED: 'closed',
});

/** WebSocket close codes of PROTOCOL.md section 4. */
export const CloseCode = Object.freeze({
  NORMAL: 1000,
  GOING_AWAY: 1001,
  POLICY: 1008,
  TOO_BIG: 1009,
  INTERNAL: 1011,
  SERVICE_RESTART: 1012,
  UNAUTHORIZED: 4001,
  FORBIDDEN_ORIGIN: 4003,
  RATE_LIMITED: 4008,
  SLOW_CONSUMER: 4009,
});

/** Close codes after which retrying with the same credentials cannot succeed. */
const TERMINAL_CLOSE_CODES = new Set([CloseCode.UNAUTHORIZED, CloseCode.FORBIDDEN_ORIGIN]);

/** Client-chosen close code for a link that stopped answering pings (4000-4999 is private use). */
const DEAD_LINK_CLOSE_CODE = 4000;

const CHANNEL_PATTERN = /^[a-z0-9][a-z0-9._:-]{0,127}$/;

/** True when `name` is a valid channel name (PROTOCOL.md section 1). */
export function isValidChannel(name) {
  return typeof name === 'string' && CHANNEL_PATTERN.test(name);
}

/** An error reported by the gateway (`code` is one of the protocol's error codes) or by the client. */
export class HeliographError extends Error {
  constructor(code, message) {
    super(message || code);
    this.name = 'HeliographError';
    this.code = code;
  }
}

/**
 * Exponential backoff with full jitter: attempt n waits a uniformly random time in
 * [0, min(cap, base * factor^n)). Full jitter spreads a fleet of clients that lost the
 * same gateway over the whole window instead of having them reconnect in waves.
 */
export class Backoff {
  constructor({ base = 500, factor = 2, cap = 30000, random = Math.random } = {}) {
    this.base = base;
    this.factor = factor;
    this.cap = cap;
    this.random = random;
    this.attempt = 0;
  }

  /** The upper bound of the delay of attempt `n` (0-based). */
  ceiling(n = this.attempt) {
    return Math.min(this.cap, this.base * Math.pow(this.factor, n));
  }

  /** The delay before the next attempt, in ms; advances the attempt counter. */
  next() {
    const delay = Math.floor(this.random() * this.ceiling(this.attempt));
    this.attempt += 1;
    return delay;
  }

  reset() {
    this.attempt = 0;
  }
}

/**
 * The last position `{epoch, offset}` seen per channel. `accept` is the duplicate filter:
 * inside one epoch offsets only grow, so a frame at or below the last seen offset has
 * been delivered already; a new epoch means the channel's sequence restarted.
 */
export class Positions {
  #map = new Map();

  get(channel) {
    const p = this.#map.get(channel);
    return p ? { epoch: p.epoch, offset: p.offset } : undefined;
  }

  set(channel, epoch, offset) {
    this.#map.set(channel, { epoch: String(epoch), offset: Number(offset) });
  }

  delete(channel) {
    this.#map.delete(channel);
  }

  has(channel) {
    return this.#map.has(channel);
  }

  /** Records the frame's position and returns true when it is new, false for a duplicate. */
  accept(channel, epoch, offset) {
    const p = this.#map.get(channel);
    if (p && p.epoch === String(epoch) && Number(offset) <= p.offset) return false;
    this.set(channel, epoch, offset);
    return true;
  }

  /** The compound SSE event id `A@e9:46,B@e3:12` of the given channels that have a position. */
  toEventId(channels) {
    const parts = [];
    for (const c of channels) {
      const p = this.#map.get(c);
      if (p) parts.push([c, p]);
    }
    return formatEventId(parts);
  }
}

/** Formats `[[channel, {epoch, offset}], ...]` (or a Map) as a compound SSE event id. */
export function formatEventId(entries) {
  const out = [];
  for (const [channel, p] of entries) out.push(`${channel}@${p.epoch}:${p.offset}`);
  return out.join(',');
}

/**
 * Parses a compound SSE event id `A@e9:46,B@e3:12` into a Map channel -> {epoch, offset}.
 * Channel names cannot contain `@` and offsets are integers, so the first `@` and the
 * last `:` delimit the parts; malformed items are skipped. The epoch is empty only in
 * `A@:0`, the position of a channel never published (PROTOCOL.md section 3).
 */
export function parseEventId(id) {
  const result = new Map();
  if (typeof id !== 'string' || id === '') return result;
  for (const item of id.split(',')) {
    const at = item.indexOf('@');
    const colon = item.lastIndexOf(':');
    if (at <= 0 || colon <= at) continue;
    const channel = item.slice(0, at);
    const epoch = item.slice(at + 1, colon);
    const offsetText = item.slice(colon + 1);
    if (!/^\d+$/.test(offsetText) || !isValidChannel(channel)) continue;
    if (epoch === '' && Number(offsetText) !== 0) continue;
    result.set(channel, { epoch, offset: Number(offsetText) });
  }
  return result;
}

/**
 * Chooses between WebSocket and the HTTP fallback (PROTOCOL.md section 5): after
 * `maxFailures` WebSocket attempts in a row that never got a `welcome` it switches to
 * SSE, and a successful WebSocket attempt (the background probe) switches back.
 */
export class TransportPolicy {
  constructor({ maxFailures = 3, fallbackEnabled = true } = {}) {
    this.maxFailures = maxFailures;
    this.fallbackEnabled = fallbackEnabled;
    this.failures = 0;
    this.mode = 'ws';
  }

  /** A WebSocket attempt failed; returns true when this switches the client to the fallback. */
  wsFailed() {
    this.failures += 1;
    if (this.fallbackEnabled && this.mode === 'ws' && this.failures >= this.maxFailures) {
      this.mode = 'sse';
      return true;
    }
    return false;
  }

  /** A WebSocket connection opened; returns true when this ends the fallback. */
  wsOpened() {
    this.failures = 0;
    const wasFallback = this.mode === 'sse';
    this.mode = 'ws';
    return wasFallback;
  }
}

/**
 * Incremental parser of a `text/event-stream` body (the WHATWG rules: lines end in
 * CRLF, LF or CR; `:` starts a comment; `data` lines are joined with newlines; an
 * event is dispatched at an empty line when it has data).
 */
export class SseParser {
  #buffer = '';
  #data = [];
  #event = '';
  #id = null;
  #pendingCr = false;

  /** @param {(e: {id: string|null, event: string, data: string, retry?: number}) => void} onEvent */
  constructor(onEvent) {
    this.onEvent = onEvent;
    this.lastEventId = null;
  }

  push(chunk) {
    let text = chunk;
    if (this.#pendingCr) {
      if (text.startsWith('\n')) text = text.slice(1);
      this.#pendingCr = false;
    }
    this.#buffer += text;
    let start = 0;
    for (let i = 0; i < this.#buffer.length; i++) {
      const ch = this.#buffer[i];
      if (ch !== '\n' && ch !== '\r') continue;
      this.#line(this.#buffer.slice(start, i));
      if (ch === '\r') {
        if (i + 1 < this.#buffer.length) {
          if (this.#buffer[i + 1] === '\n') i += 1;
        } else {
          this.#pendingCr = true;
        }
      }
      start = i + 1;
    }
    this.#buffer = this.#buffer.slice(start);
  }

  #line(line) {
    if (line === '') {
      this.#dispatch();
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data': this.#data.push(value); break;
      case 'event': this.#event = value; break;
      case 'id': if (!value.includes('\0')) this.#id = value; break;
      case 'retry': if (/^\d+$/.test(value)) this.onEvent({ id: null, event: 'retry', data: '', retry: Number(value) }); break;
      default: break;
    }
  }

  #dispatch() {
    if (this.#id !== null) this.lastEventId = this.#id;
    if (this.#data.length > 0) {
      this.onEvent({ id: this.#id, event: this.#event || 'message', data: this.#data.join('\n') });
    }
    this.#data = [];
    this.#event = '';
    this.#id = null;
  }
}

/** The `exp` of a JWT in ms since the epoch, or null when it has none or is not a JWT. */
export function tokenExpiry(token) {
  if (typeof token !== 'string') return null;
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const b64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const padded = b64 + '='.repeat((4 - (b64.length % 4)) % 4);
    const claims = JSON.parse(atob(padded));
    return typeof claims.exp === 'number' ? claims.exp * 1000 : null;
  } catch {
    return null;
  }
}

/** The default WebSocket URL: `/ws` on the page's own origin. */
function defaultUrl() {
  const loc = globalThis.location;
  if (!loc || !loc.host) return 'ws://localhost:8080/ws';
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/ws`;
}

/** The HTTP origin of a WebSocket URL (`ws://h:1/ws` -> `http://h:1`). */
export function httpBaseOf(wsUrl) {
  const u = new URL(wsUrl);
  const scheme = u.protocol === 'wss:' ? 'https:' : 'http:';
  return `${scheme}//${u.host}`;
}

function withQuery(url, params) {
  const u = new URL(url);
  for (const [k, v] of params) u.searchParams.append(k, v);
  return u.toString();
}

/**
 * The client. One instance holds one logical connection (WebSocket, or SSE while
 * WebSocket is unreachable) and any number of channel subscriptions.
 *
 * Guarantees to subscribers: per channel, events arrive in offset order and each
 * offset at most once, across reconnects and transport switches; after an outage
 * longer than the channel's history window the subscriber is told (`recovered:false`
 * in `onSubscribed`) and gets the snapshot when the namespace keeps one.
 */
export class Heliograph {
  #listeners = new Map();
  #channels = new Map(); // channel -> { handlers: Set, confirmed: boolean }
  #pending = new Map(); // command id -> { onReply, onError, timer }
  #queue = []; // commands waiting for an open WebSocket
  #nextId = 1;
  #conn = null; // the current WebSocket attempt or connection
  #sse = null; // the running SSE fallback stream
  #reconnectTimer = null;
  #refreshTimer = null;
  #sseRestartTimer = null;
  #state = State.CLOSED;
  #started = false;
  #everOpen = false;
  #token = null;

  /**
   * @param {object} [options] see heliograph.d.ts (HeliographOptions)
   */
  constructor(options = {}) {
    const o = options;
    this.url = o.url || defaultUrl();
    this.httpUrl = o.httpUrl || httpBaseOf(this.url);
    this.#token = o.token ?? null;
    this.getToken = o.getToken || null;
    this.WebSocket = o.WebSocket || globalThis.WebSocket;
    this.fetch = o.fetch || (globalThis.fetch ? globalThis.fetch.bind(globalThis) : null);
    this.setTimeout = o.setTimeout || globalThis.setTimeout.bind(globalThis);
    this.clearTimeout = o.clearTimeout || globalThis.clearTimeout.bind(globalThis);
    this.now = o.now || (() => Date.now());
    this.protocols = o.protocols;
    this.resetAfterMs = o.resetAfterMs ?? 10000;
    this.commandTimeoutMs = o.commandTimeoutMs ?? 10000;
    this.tokenRefreshMarginMs = o.tokenRefreshMarginMs ?? 30000;
    this.defaultHeartbeatMs = o.heartbeatMs ?? 25000;
    this.backoff = new Backoff({ random: o.random || Math.random, ...(o.backoff || {}) });
    this.sseBackoff = new Backoff({ random: o.random || Math.random, ...(o.backoff || {}) });
    this.policy = new TransportPolicy({
      maxFailures: o.maxWsFailures ?? 3,
      fallbackEnabled: o.fallback !== false && !!this.fetch,
    });
    this.positions = new Positions();
    this.node = null;
    this.session = null;
    this.stats = { received: 0, duplicatesDropped: 0, reconnects: 0 };
    if (o.autoConnect !== false) this.connect();
  }

  /** The current state: connecting, open, fallback or closed. */
  get state() {
    return this.#state;
  }

  /** 'ws' or 'sse': the transport in use or being tried. */
  get transport() {
    return this.policy.mode;
  }

  /** Registers a listener for state, welcome, join, leave, error or retry; returns a function removing it. */
  on(type, fn) {
    if (!this.#listeners.has(type)) this.#listeners.set(type, new Set());
    this.#listeners.get(type).add(fn);
    return () => this.#listeners.get(type)?.delete(fn);
  }

  /** Starts connecting (again, after close()). */
  connect() {
    if (this.#started) return this;
    this.#started = true;
    this.#openWebSocket();
    return this;
  }

  /** Closes for good: no reconnect until connect() is called again. */
  close() {
    this.#started = false;
    this.#clearTimer('reconnect');
    this.#clearTimer('refresh');
    this.#stopSse();
    const conn = this.#conn;
    this.#conn = null;
    if (conn) this.#teardown(conn, 'closed by the client');
    if (conn && conn.ws) {
      try {
        conn.ws.close(CloseCode.NORMAL, 'client closed');
      } catch { /* already closed */ }
    }
    this.#failQueue(new HeliographError('closed', 'the client was closed'));
    this.#setState(State.CLOSED, { code: CloseCode.NORMAL, reason: 'client closed' });
  }

  /** The last position seen on a channel, or undefined. */
  position(channel) {
    return this.positions.get(channel);
  }

  /**
   * Subscribes `onEvent(event, meta)` to a channel. Several subscriptions to one channel
   * share one server subscription. Returns a handle with `unsubscribe()`.
   */
  subscribe(channel, onEvent, options = {}) {
    if (!isValidChannel(channel)) throw new HeliographError('invalid_channel', `invalid channel name: ${channel}`);
    if (typeof onEvent !== 'function') throw new TypeError('onEvent must be a function');
    const handler = { onEvent, options };
    let entry = this.#channels.get(channel);
    const isNew = !entry;
    if (isNew) {
      entry = { handlers: new Set(), confirmed: false };
      this.#channels.set(channel, entry);
      if (options.since && !this.positions.has(channel)) {
        this.positions.set(channel, options.since.epoch, options.since.offset);
      }
    }
    entry.handlers.add(handler);
    if (isNew) {
      if (this.#isWsOpen()) this.#sendSubscribe(channel);
      else if (this.#sse) this.#restartSseSoon();
    }
    let active = true;
    return {
      channel,
      unsubscribe: () => {
        if (!active) return;
        active = false;
        this.#removeHandler(channel, handler);
      },
    };
  }

  /** Publishes an event on a channel a browser may publish to (e.g. `chat.*`). */
  publish(channel, type, data) {
    return this.#request({ op: 'publish', channel, type, data }).then((r) => ({ channel: r.channel, epoch: r.epoch, offset: r.offset }));
  }

  /** Who is in a presence channel: `{count, clients:[{session, user}]}`. */
  presence(channel) {
    return this.#request({ op: 'presence', channel }).then((r) => ({ channel: r.channel, count: r.count, clients: r.clients || [] }));
  }

  /** The last `limit` events of a channel: `{epoch, offset, events:[frames]}`. */
  history(channel, { limit = 50 } = {}) {
    return this.#request({ op: 'history', channel, limit }).then((r) => ({
      channel: r.channel, epoch: r.epoch, offset: r.offset, events: r.events || [],
    }));
  }

  // ---------------------------------------------------------------------------
  // events and state

  #emit(type, payload) {
    const set = this.#listeners.get(type);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        fn(payload);
      } catch (e) {
        if (type !== 'error') this.#emit('error', { code: 'listener', message: String(e), error: e });
      }
    }
  }

  /** Emits `state` on a change of state (or always with `force`, e.g. a new `welcome` on another node). */
  #setState(state, { force = false, ...detail } = {}) {
    const previous = this.#state;
    if (previous === state && !force) return;
    this.#state = state;
    this.#emit('state', {
      state,
      previous,
      transport: this.policy.mode,
      node: this.node,
      session: this.session,
      reconnecting: state === State.CONNECTING && this.#everOpen,
      ...detail,
    });
  }

  #clearTimer(name) {
    if (name === 'reconnect' && this.#reconnectTimer !== null) {
      this.clearTimeout(this.#reconnectTimer);
      this.#reconnectTimer = null;
    } else if (name === 'refresh' && this.#refreshTimer !== null) {
      this.clearTimeout(this.#refreshTimer);
      this.#refreshTimer = null;
    }
  }

  // ---------------------------------------------------------------------------
  // WebSocket

  #isWsOpen() {
    return !!(this.#conn && this.#conn.welcomed && !this.#conn.dead);
  }

  async #currentToken() {
    if (this.getToken) {
      this.#token = await this.getToken();
    }
    return this.#token;
  }

  async #openWebSocket() {
    this.#reconnectTimer = null;
    if (!this.#started) return;
    if (this.#state !== State.FALLBACK) this.#setState(State.CONNECTING);
    const conn = { ws: null, welcomed: false, dead: false, openedAt: 0, heartbeatTimer: null, pingId: null, missed: 0, heartbeatMs: this.defaultHeartbeatMs };
    this.#conn = conn;
    let token;
    try {
      token = await this.#currentToken();
    } catch (e) {
      if (this.#conn !== conn) return;
      this.#emit('error', { code: 'unauthorized', message: `token provider failed: ${e && e.message ? e.message : e}` });
      this.#conn = null;
      this.#afterFailure(conn, { code: 0, reason: 'token provider failed' });
      return;
    }
    if (this.#conn !== conn || !this.#started) return;
    const url = token ? withQuery(this.url, [['access_token', token]]) : this.url;
    let ws;
    try {
      ws = this.protocols ? new this.WebSocket(url, this.protocols) : new this.WebSocket(url);
    } catch (e) {
      this.#conn = null;
      this.#afterFailure(conn, { code: 0, reason: String(e) });
      return;
    }
    conn.ws = ws;
    ws.onmessage = (m) => this.#onWsMessage(conn, m.data);
    ws.onclose = (e) => this.#onWsClose(conn, e ? e.code : 1006, e ? e.reason : '');
    ws.onerror = () => { /* a close event follows */ };
  }

  #onWsMessage(conn, data) {
    if (this.#conn !== conn || conn.dead) return;
    if (typeof data !== 'string') return;
    let msg;
    try {
      msg = JSON.parse(data);
    } catch {
      this.#emit('error', { code: 'bad_frame', message: 'unparseable frame from the gateway' });
      return;
    }
    switch (msg.op) {
      case 'welcome': this.#onWelcome(conn, msg); break;
      case 'event': this.#onEventFrame(msg, false); break;
      case 'pong':
        conn.missed = 0;
        conn.pingId = null;
        this.#settle(msg);
        break;
      case 'join':
      case 'leave': this.#onPresenceChange(msg); break;
      case 'resubscribe':
        if (this.#channels.has(msg.channel)) this.#sendSubscribe(msg.channel);
        break;
      case 'error':
        if (msg.id !== undefined && this.#pending.has(msg.id)) this.#settle(msg);
        else this.#emit('error', { code: msg.code, message: msg.message });
        break;
      default:
        if (msg.id !== undefined) this.#settle(msg);
        break;
    }
  }

  #onWelcome(conn, msg) {
    conn.welcomed = true;
    conn.openedAt = this.now();
    conn.heartbeatMs = Number(msg.heartbeatMs) > 0 ? Number(msg.heartbeatMs) : this.defaultHeartbeatMs;
    this.node = msg.node ?? null;
    this.session = msg.session ?? null;
    const returned = this.policy.wsOpened();
    this.#clearTimer('reconnect');
    if (this.#sse) this.#stopSse();
    this.#everOpen = true;
    this.#setState(State.OPEN, { force: true, returnedFromFallback: returned });
    this.#emit('welcome', { session: this.session, node: this.node, protocol: msg.protocol, heartbeatMs: conn.heartbeatMs });
    this.#scheduleHeartbeat(conn);
    this.#scheduleRefresh(conn);
    for (const channel of this.#channels.keys()) this.#sendSubscribe(channel);
    const queued = this.#queue;
    this.#queue = [];
    for (const q of queued) {
      if (q.cancelled) continue;
      this.clearTimeout(q.timer);
      this.#send(q.cmd, q.onReply, q.onError);
    }
  }

  #onWsClose(conn, code, reason) {
    if (this.#conn !== conn) return;
    this.#conn = null;
    this.#teardown(conn, `connection closed (${code})`);
    if (!this.#started) return;
    if (TERMINAL_CLOSE_CODES.has(code)) {
      this.#started = false;
      this.#stopSse();
      this.#failQueue(new HeliographError(code === CloseCode.UNAUTHORIZED ? 'unauthorized' : 'forbidden', reason || `closed with ${code}`));
      this.#setState(State.CLOSED, { code, reason });
      return;
    }
    this.#afterFailure(conn, { code, reason });
  }

  /** Schedules the next WebSocket attempt after a close, a failed attempt or a dead link. */
  #afterFailure(conn, { code, reason }) {
    if (!this.#started) return;
    let switched = false;
    if (conn.welcomed) {
      if (this.now() - conn.openedAt >= this.resetAfterMs) this.backoff.reset();
    } else {
      switched = this.policy.wsFailed();
    }
    if (switched) this.#failQueue(new HeliographError('unavailable', 'the WebSocket is unreachable; commands need it'));
    if (this.policy.mode === 'sse' && !this.#sse) this.#startSse();
    const delay = this.backoff.next();
    this.stats.reconnects += 1;
    if (!(this.#sse && this.#sse.open)) this.#setState(State.CONNECTING, { code, reason });
    this.#emit('retry', { attempt: this.backoff.attempt, delayMs: delay, code, reason, transport: this.policy.mode, fallback: switched, reconnecting: this.#everOpen });
    this.#reconnectTimer = this.setTimeout(() => this.#openWebSocket(), delay);
  }

  /** Stops timers of a finished connection and fails its in-flight commands. */
  #teardown(conn, why) {
    conn.dead = true;
    if (conn.heartbeatTimer !== null) this.clearTimeout(conn.heartbeatTimer);
    conn.heartbeatTimer = null;
    this.#clearTimer('refresh');
    if (conn.ws) {
      conn.ws.onmessage = null;
      conn.ws.onclose = null;
      conn.ws.onerror = null;
    }
    for (const [id, p] of [...this.#pending]) {
      this.#pending.delete(id);
      this.clearTimeout(p.timer);
      p.onError(new HeliographError('disconnected', why));
    }
    for (const entry of this.#channels.values()) entry.confirmed = false;
  }

  #scheduleHeartbeat(conn) {
    conn.heartbeatTimer = this.setTimeout(() => {
      conn.heartbeatTimer = null;
      if (this.#conn !== conn || conn.dead) return;
      if (conn.pingId !== null) conn.missed += 1;
      if (conn.missed >= 2) {
        this.#deadLink(conn);
        return;
      }
      const id = this.#nextId++;
      conn.pingId = id;
      this.#rawSend(conn, { op: 'ping', id });
      this.#scheduleHeartbeat(conn);
    }, conn.heartbeatMs);
  }

  /** Two pings went unanswered: the link is dead even if the socket does not know it yet. */
  #deadLink(conn) {
    this.#emit('error', { code: 'dead_link', message: 'no pong for two heartbeats; reconnecting' });
    this.#conn = null;
    this.#teardown(conn, 'dead link');
    try {
      conn.ws.close(DEAD_LINK_CLOSE_CODE, 'heartbeat timeout');
    } catch { /* ignore */ }
    this.#afterFailure(conn, { code: DEAD_LINK_CLOSE_CODE, reason: 'heartbeat timeout' });
  }

  /** Refreshes the token before it expires, in band (`auth` op), when a token provider was given. */
  #scheduleRefresh(conn, expiresAtMs) {
    this.#clearTimer('refresh');
    if (!this.getToken) return;
    const exp = expiresAtMs ?? tokenExpiry(this.#token);
    if (!exp) return;
    const delay = Math.max(1000, exp - this.tokenRefreshMarginMs - this.now());
    this.#refreshTimer = this.setTimeout(async () => {
      this.#refreshTimer = null;
      if (this.#conn !== conn || conn.dead) return;
      let token;
      try {
        token = await this.getToken();
      } catch (e) {
        this.#emit('error', { code: 'unauthorized', message: `token refresh failed: ${e && e.message ? e.message : e}` });
        this.#scheduleRefresh(conn, this.now() + this.tokenRefreshMarginMs + 5000);
        return;
      }
      if (this.#conn !== conn || conn.dead) return;
      this.#token = token;
      this.#send({ op: 'auth', access_token: token }, (reply) => {
        const next = tokenExpiry(token) ?? (reply.expiresAt ? Date.parse(reply.expiresAt) : null);
        this.#emit('authed', { expiresAt: reply.expiresAt });
        if (next) this.#scheduleRefresh(conn, next);
      }, (err) => this.#emit('error', { code: err.code, message: `token refresh refused: ${err.message}` }));
    }, delay);
  }

  // ---------------------------------------------------------------------------
  // commands

  #rawSend(conn, obj) {
    try {
      conn.ws.send(JSON.stringify(obj));
      return true;
    } catch {
      return false;
    }
  }

  /** Sends a command on the open connection; `onReply`/`onError` run synchronously with the reply. */
  #send(cmd, onReply, onError) {
    const conn = this.#conn;
    const id = this.#nextId++;
    const timer = this.setTimeout(() => {
      if (this.#pending.delete(id)) onError(new HeliographError('timeout', `no reply to ${cmd.op} within ${this.commandTimeoutMs} ms`));
    }, this.commandTimeoutMs);
    this.#pending.set(id, { onReply, onError, timer });
    if (!this.#rawSend(conn, { ...cmd, id })) {
      this.#pending.delete(id);
      this.clearTimeout(timer);
      onError(new HeliographError('disconnected', 'the connection is not open'));
    }
  }

  #settle(msg) {
    const p = this.#pending.get(msg.id);
    if (!p) return;
    this.#pending.delete(msg.id);
    this.clearTimeout(p.timer);
    if (msg.op === 'error') p.onError(new HeliographError(msg.code, msg.message));
    else p.onReply(msg);
  }

  /** A command as a promise; waits (up to the command timeout) for an open WebSocket. */
  #request(cmd) {
    return new Promise((resolve, reject) => {
      if (!this.#started) {
        reject(new HeliographError('closed', 'the client is closed'));
        return;
      }
      if (this.#isWsOpen()) {
        this.#send(cmd, resolve, reject);
        return;
      }
      if (this.policy.mode === 'sse') {
        reject(new HeliographError('unavailable', `${cmd.op} needs the WebSocket; the client is on the HTTP fallback`));
        return;
      }
      const q = { cmd, onReply: resolve, onError: reject, cancelled: false, timer: null };
      q.timer = this.setTimeout(() => {
        q.cancelled = true;
        reject(new HeliographError('timeout', `not connected within ${this.commandTimeoutMs} ms`));
      }, this.commandTimeoutMs);
      this.#queue.push(q);
    });
  }

  #failQueue(err) {
    const queued = this.#queue;
    this.#queue = [];
    for (const q of queued) {
      if (q.cancelled) continue;
      this.clearTimeout(q.timer);
      q.onError(err);
    }
  }

  // ---------------------------------------------------------------------------
  // subscriptions

  #sendSubscribe(channel) {
    const cmd = { op: 'subscribe', channel };
    const pos = this.positions.get(channel);
    if (pos) cmd.since = { epoch: pos.epoch, offset: pos.offset };
    const conn = this.#conn;
    this.#send(cmd, (reply) => this.#onSubscribed(channel, reply), (err) => {
      const entry = this.#channels.get(channel);
      if (!entry) return;
      if (err.code === 'disconnected') return; // resubscribed on the next welcome
      for (const h of entry.handlers) h.options.onError?.(err);
      this.#emit('error', { code: err.code, message: `subscribe ${channel}: ${err.message}`, channel });
      // `unavailable`: the gateway could not reach Redis in time. The subscription is still
      // wanted, so it is tried again on this connection with backoff (from `since`: nothing is lost).
      if (err.code === 'unavailable') this.#retrySubscribe(channel, entry, conn);
    });
  }

  #retrySubscribe(channel, entry, conn) {
    entry.retry ??= new Backoff({ random: this.backoff.random, base: 500, cap: 10000 });
    const delay = entry.retry.next();
    this.setTimeout(() => {
      if (this.#conn !== conn || !conn || conn.dead || this.#channels.get(channel) !== entry || entry.confirmed) return;
      this.#sendSubscribe(channel);
    }, delay);
  }

  #onSubscribed(channel, reply) {
    const entry = this.#channels.get(channel);
    if (!entry) return;
    entry.confirmed = true;
    entry.retry?.reset();
    const recovered = reply.recovered === true;
    if (!recovered) {
      if (reply.snapshot && typeof reply.snapshot === 'object') {
        this.#onEventFrame({ ...reply.snapshot, channel: reply.snapshot.channel || channel }, true);
      }
      const pos = this.positions.get(channel);
      if (!pos || pos.epoch !== String(reply.epoch) || pos.offset < Number(reply.offset)) {
        this.positions.set(channel, reply.epoch, reply.offset);
      }
    }
    const info = { channel, epoch: reply.epoch, offset: reply.offset, recovered };
    for (const h of entry.handlers) h.options.onSubscribed?.(info);
  }

  #onEventFrame(frame, snapshot) {
    const entry = this.#channels.get(frame.channel);
    if (!entry) return;
    if (!this.positions.accept(frame.channel, frame.epoch, frame.offset)) {
      this.stats.duplicatesDropped += 1;
      return;
    }
    this.stats.received += 1;
    const meta = { channel: frame.channel, epoch: frame.epoch, offset: frame.offset, snapshot };
    for (const h of [...entry.handlers]) {
      try {
        h.onEvent(frame.event, meta);
      } catch (e) {
        this.#emit('error', { code: 'listener', message: String(e), error: e, channel: frame.channel });
      }
    }
  }

  #onPresenceChange(msg) {
    const entry = this.#channels.get(msg.channel);
    const payload = { channel: msg.channel, client: msg.client };
    if (entry) {
      for (const h of entry.handlers) {
        if (msg.op === 'join') h.options.onJoin?.(payload);
        else h.options.onLeave?.(payload);
      }
    }
    this.#emit(msg.op, payload);
  }

  #removeHandler(channel, handler) {
    const entry = this.#channels.get(channel);
    if (!entry) return;
    entry.handlers.delete(handler);
    if (entry.handlers.size > 0) return;
    this.#channels.delete(channel);
    this.positions.delete(channel);
    if (this.#isWsOpen()) {
      this.#send({ op: 'unsubscribe', channel }, () => {}, () => {});
    } else if (this.#sse) {
      this.#restartSseSoon();
    }
  }

  // ---------------------------------------------------------------------------
  // SSE fallback (PROTOCOL.md section 6), read with fetch so that the compound
  // Last-Event-ID can be sent on the first request too, not only on reconnects.

  #startSse() {
    if (this.#sse || !this.fetch) return;
    const sse = { controller: null, open: false, retryTimer: null, stopped: false };
    this.#sse = sse;
    this.#runSse(sse);
  }

  async #runSse(sse) {
    sse.retryTimer = null;
    if (sse.stopped || this.#sse !== sse) return;
    const channels = [...this.#channels.keys()];
    if (channels.length === 0) return; // started again by the first subscribe
    // Each (re)open asks the token provider again: a stream whose token expired ended with
    // an `unauthorized` error event and comes back with a fresh token.
    let token;
    try {
      token = await this.#currentToken();
    } catch (e) {
      this.#emit('error', { code: 'unauthorized', message: `token provider failed: ${e && e.message ? e.message : e}` });
      if (!sse.stopped && this.#sse === sse) sse.retryTimer = this.setTimeout(() => this.#runSse(sse), this.sseBackoff.next());
      return;
    }
    if (sse.stopped || this.#sse !== sse) return;
    const params = channels.map((c) => ['channel', c]);
    if (token) params.push(['access_token', token]);
    const url = withQuery(`${this.httpUrl}/sse`, params);
    const headers = { Accept: 'text/event-stream' };
    const lastId = this.positions.toEventId(channels);
    if (lastId) headers['Last-Event-ID'] = lastId;
    const controller = typeof AbortController !== 'undefined' ? new AbortController() : null;
    sse.controller = controller;
    try {
      const res = await this.fetch(url, { headers, cache: 'no-store', signal: controller?.signal });
      if (sse.stopped) return;
      if (!res.ok || !res.body) throw new Error(`SSE answered ${res.status}`);
      sse.open = true;
      this.sseBackoff.reset();
      this.#setState(State.FALLBACK, { transport: 'sse' });
      const parser = new SseParser((e) => this.#onSseEvent(e));
      const decoder = new TextDecoder();
      const reader = res.body.getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done || sse.stopped) break;
        parser.push(decoder.decode(value, { stream: true }));
      }
      if (sse.stopped) return;
      throw new Error('SSE stream ended');
    } catch (e) {
      if (sse.stopped || this.#sse !== sse) return;
      sse.open = false;
      if (this.#state === State.FALLBACK) this.#setState(State.CONNECTING, { reason: String(e && e.message ? e.message : e) });
      sse.retryTimer = this.setTimeout(() => this.#runSse(sse), this.sseBackoff.next());
    }
  }

  #onSseEvent(e) {
    if (e.event === 'retry') return;
    let frame;
    try {
      frame = JSON.parse(e.data);
    } catch {
      return;
    }
    if (frame && frame.op === 'event') {
      this.#onEventFrame(frame, false);
    } else if (frame && frame.op === 'subscribed' && typeof frame.channel === 'string') {
      // the stream opens with one `subscribed` per channel, as on the WebSocket
      this.#onSubscribed(frame.channel, frame);
    } else if (frame && frame.op === 'error') {
      // e.g. `unauthorized` when the token expired: the gateway ends the stream and the
      // retry reopens it with a fresh token from the provider
      this.#emit('error', { code: frame.code, message: frame.message });
    }
    // The compound id also carries positions of channels that had no event yet.
    if (e.id) {
      for (const [channel, p] of parseEventId(e.id)) {
        if (this.#channels.has(channel) && !this.positions.has(channel)) this.positions.set(channel, p.epoch, p.offset);
      }
    }
  }

  #restartSseSoon() {
    if (this.#sseRestartTimer !== null) return;
    this.#sseRestartTimer = this.setTimeout(() => {
      this.#sseRestartTimer = null;
      const old = this.#sse;
      if (!old) return;
      this.#stopSse();
      this.#startSse();
    }, 0);
  }

  #stopSse() {
    const sse = this.#sse;
    if (this.#sseRestartTimer !== null) {
      this.clearTimeout(this.#sseRestartTimer);
      this.#sseRestartTimer = null;
    }
    if (!sse) return;
    this.#sse = null;
    sse.stopped = true;
    if (sse.retryTimer !== null) this.clearTimeout(sse.retryTimer);
    try {
      sse.controller?.abort();
    } catch { /* ignore */ }
  }
}

export default Heliograph;
