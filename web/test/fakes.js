// Test doubles injected into the Heliograph client: a manual clock, a scripted
// WebSocket factory and a fetch that serves a controllable SSE stream.

/** Lets pending promise callbacks (the client's async connect steps) run. */
export async function flush() {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
}

/** A manual clock: timers fire only when the test advances time. */
export class FakeClock {
  constructor() {
    this.t = 1_000_000;
    this.timers = new Map();
    this.seq = 1;
    this.setTimeout = (fn, ms = 0) => {
      const id = this.seq++;
      this.timers.set(id, { at: this.t + Math.max(0, ms), fn });
      return id;
    };
    this.clearTimeout = (id) => { this.timers.delete(id); };
    this.now = () => this.t;
  }

  /** Advances time by `ms`, firing due timers in order (and letting async work settle). */
  async advance(ms) {
    const end = this.t + ms;
    for (;;) {
      let next = null;
      for (const [id, tm] of this.timers) if (tm.at <= end && (!next || tm.at < next[1].at)) next = [id, tm];
      if (!next) break;
      this.timers.delete(next[0]);
      this.t = next[1].at;
      next[1].fn();
      await flush();
    }
    this.t = end;
    await flush();
  }

  /** The delay of the earliest pending timer, or null. */
  nextDelay() {
    let min = null;
    for (const tm of this.timers.values()) if (min === null || tm.at - this.t < min) min = tm.at - this.t;
    return min;
  }
}

/** A WebSocket class whose instances the test drives from the server side. */
export function fakeWebSocketFactory() {
  const sockets = [];
  class FakeWebSocket {
    constructor(url) {
      this.url = url;
      this.sent = [];
      this.closedByClient = null;
      this.onmessage = null;
      this.onclose = null;
      this.onerror = null;
      sockets.push(this);
    }
    send(text) {
      if (this.closedByClient) throw new Error('closed');
      this.sent.push(JSON.parse(text));
    }
    close(code, reason) {
      this.closedByClient = { code, reason };
    }
    // ---- server side
    receive(obj) { this.onmessage?.({ data: JSON.stringify(obj) }); }
    welcome(node = 'gateway-1', heartbeatMs = 25000) {
      this.receive({ op: 'welcome', session: `s-${sockets.indexOf(this)}`, node, protocol: 1, heartbeatMs });
    }
    serverClose(code = 1006, reason = '') { this.onclose?.({ code, reason }); }
    /** The commands the client sent with the given op. */
    ops(op) { return this.sent.filter((m) => m.op === op); }
    /** Replies to the client's last `subscribe` of `channel`. */
    subscribed(channel, { epoch = 'e1', offset = 0, recovered = false, snapshot = null } = {}) {
      const cmd = this.ops('subscribe').filter((m) => m.channel === channel).at(-1);
      this.receive({ op: 'subscribed', id: cmd.id, channel, epoch, offset, recovered, snapshot });
      return cmd;
    }
    event(channel, epoch, offset, data = { n: offset }, type = 'test') {
      this.receive({ op: 'event', channel, epoch, offset, event: frameEnvelope(type, data, `${channel}-${epoch}-${offset}`) });
    }
  }
  FakeWebSocket.sockets = sockets;
  return FakeWebSocket;
}

export function frameEnvelope(type, data, id = 'x') {
  return { specversion: '1.0', id, source: '/test', type, time: new Date(0).toISOString(), datacontenttype: 'application/json', data };
}

/** A fetch that answers /sse requests with a stream the test writes to. */
export function fakeSseFetch() {
  const requests = [];
  const fetch = async (url, init = {}) => {
    let controller;
    const body = new ReadableStream({ start(c) { controller = c; } });
    const req = {
      url: new URL(url),
      headers: init.headers || {},
      aborted: false,
      write(text) { controller.enqueue(new TextEncoder().encode(text)); },
      frame(channel, epoch, offset, data = { n: offset }) {
        const frame = { op: 'event', channel, epoch, offset, event: frameEnvelope('test', data, `${channel}-${epoch}-${offset}`) };
        this.write(`id: ${channel}@${epoch}:${offset}\nevent: test\ndata: ${JSON.stringify(frame)}\n\n`);
      },
      end() { controller.close(); },
    };
    init.signal?.addEventListener('abort', () => {
      req.aborted = true;
      try { controller.error(new Error('aborted')); } catch { /* closed */ }
    });
    requests.push(req);
    if (fetch.failNext) {
      fetch.failNext = false;
      return { ok: false, status: 503, body: null };
    }
    return { ok: true, status: 200, body };
  };
  fetch.requests = requests;
  fetch.failNext = false;
  return fetch;
}
