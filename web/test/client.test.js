import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Heliograph, State } from './lib.js';
import { FakeClock, fakeWebSocketFactory, fakeSseFetch, flush } from './fakes.js';

/** A client wired to fakes; `random` 0.5 makes every backoff delay half its window. */
async function setup(options = {}) {
  const clock = new FakeClock();
  const WS = fakeWebSocketFactory();
  const fetch = fakeSseFetch();
  const states = [];
  const client = new Heliograph({
    url: 'ws://gw.test:8080/ws',
    WebSocket: WS,
    fetch,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    now: clock.now,
    random: () => 0.5,
    ...options,
  });
  client.on('state', (s) => states.push(s));
  await flush();
  const ws = () => WS.sockets.at(-1);
  return { client, clock, WS, fetch, states, ws };
}

function collector() {
  const got = [];
  const fn = (event, meta) => got.push({ offset: meta.offset, epoch: meta.epoch, data: event.data, snapshot: meta.snapshot });
  fn.got = got;
  fn.offsets = () => got.map((g) => g.offset);
  return fn;
}

test('connects to /ws, reports connecting then open with the node from welcome', async () => {
  const { client, states, ws } = await setup();
  assert.equal(ws().url, 'ws://gw.test:8080/ws');
  assert.equal(client.state, State.CONNECTING);
  ws().welcome('gateway-7f9c');
  assert.equal(client.state, State.OPEN);
  assert.equal(client.node, 'gateway-7f9c');
  assert.deepEqual(states.map((s) => s.state), ['open'], 'connecting was the state before the listener was added');
  assert.equal(states.at(-1).node, 'gateway-7f9c');
  client.close();
  assert.equal(client.state, State.CLOSED);
  assert.equal(ws().closedByClient.code, 1000);
});

test('a token, or a token provider, is passed as access_token', async () => {
  const a = await setup({ token: 'abc.def.ghi' });
  assert.equal(new URL(a.ws().url).searchParams.get('access_token'), 'abc.def.ghi');
  a.client.close();
  let calls = 0;
  const b = await setup({ getToken: async () => `t${++calls}` });
  assert.equal(new URL(b.ws().url).searchParams.get('access_token'), 't1');
  b.ws().serverClose(1006);
  await b.clock.advance(b.clock.nextDelay());
  assert.equal(new URL(b.ws().url).searchParams.get('access_token'), 't2', 'each connect asks the provider again');
  b.client.close();
});

test('subscribe delivers the snapshot, then live events in order, and drops duplicates', async () => {
  const { client, ws } = await setup();
  ws().welcome();
  const onEvent = collector();
  const infos = [];
  client.subscribe('crypto.summary', onEvent, { onSubscribed: (i) => infos.push(i) });
  const cmd = ws().ops('subscribe')[0];
  assert.equal(cmd.channel, 'crypto.summary');
  assert.equal(cmd.since, undefined);
  const snapshot = { op: 'event', channel: 'crypto.summary', epoch: 'e9', offset: 45, event: { type: 'dashboard-summary', data: { n: 45 } } };
  ws().subscribed('crypto.summary', { epoch: 'e9', offset: 45, snapshot });
  ws().event('crypto.summary', 'e9', 46);
  ws().event('crypto.summary', 'e9', 46);
  ws().event('crypto.summary', 'e9', 45);
  ws().event('crypto.summary', 'e9', 47);
  assert.deepEqual(onEvent.offsets(), [45, 46, 47]);
  assert.equal(onEvent.got[0].snapshot, true);
  assert.equal(onEvent.got[1].snapshot, false);
  assert.deepEqual(infos, [{ channel: 'crypto.summary', epoch: 'e9', offset: 45, recovered: false }]);
  assert.equal(client.stats.duplicatesDropped, 2);
  client.close();
});

test('a subscribe made before the connection opens is sent on welcome', async () => {
  const { client, ws } = await setup();
  const onEvent = collector();
  client.subscribe('prices.aapl', onEvent);
  assert.equal(ws().sent.length, 0);
  ws().welcome();
  assert.deepEqual(ws().ops('subscribe').map((c) => c.channel), ['prices.aapl']);
  client.close();
});

test('after a drop it reconnects with backoff and resubscribes with since; recovered events arrive exactly once', async () => {
  const { client, clock, states, ws, WS } = await setup();
  ws().welcome('gateway-2');
  const onEvent = collector();
  client.subscribe('consumer.events', onEvent);
  ws().subscribed('consumer.events', { epoch: 'e3', offset: 40 });
  ws().event('consumer.events', 'e3', 41);

  ws().serverClose(1006);
  assert.equal(client.state, State.CONNECTING);
  assert.equal(states.at(-1).reconnecting, true, 'the indicator can tell reconnecting from first connect');
  assert.equal(clock.nextDelay(), 250, 'attempt 0 waits random * 500 ms');
  await clock.advance(249);
  assert.equal(WS.sockets.length, 1);
  await clock.advance(1);
  assert.equal(WS.sockets.length, 2);

  ws().welcome('gateway-1');
  const cmd = ws().ops('subscribe')[0];
  assert.deepEqual(cmd.since, { epoch: 'e3', offset: 41 });
  ws().subscribed('consumer.events', { epoch: 'e3', offset: 45, recovered: true });
  for (const o of [41, 42, 43, 44, 45]) ws().event('consumer.events', 'e3', o);
  ws().event('consumer.events', 'e3', 46);
  assert.deepEqual(onEvent.offsets(), [41, 42, 43, 44, 45, 46]);
  assert.equal(client.node, 'gateway-1');
  client.close();
});

test('when the history no longer reaches, the subscriber hears recovered:false and gets the snapshot', async () => {
  const { client, clock, ws } = await setup();
  ws().welcome();
  const onEvent = collector();
  const infos = [];
  client.subscribe('prices.btc-usd', onEvent, { onSubscribed: (i) => infos.push(i.recovered) });
  ws().subscribed('prices.btc-usd', { epoch: 'e1', offset: 3 });
  ws().event('prices.btc-usd', 'e1', 4);
  ws().serverClose(1012);
  await clock.advance(clock.nextDelay());
  ws().welcome();
  const snap = { op: 'event', channel: 'prices.btc-usd', epoch: 'e2', offset: 7, event: { type: 'price-update', data: { n: 7 } } };
  ws().subscribed('prices.btc-usd', { epoch: 'e2', offset: 7, recovered: false, snapshot: snap });
  ws().event('prices.btc-usd', 'e2', 8);
  assert.deepEqual(infos, [false, false]);
  assert.deepEqual(onEvent.got.map((g) => `${g.epoch}:${g.offset}`), ['e1:4', 'e2:7', 'e2:8']);
  client.close();
});

test('the delay grows exponentially while attempts fail and resets after a connection lived 10 s', async () => {
  const { client, clock, ws } = await setup({ fallback: false });
  const delays = [];
  client.on('retry', (r) => delays.push(r.delayMs));
  for (let i = 0; i < 8; i++) {
    ws().serverClose(1006);
    await clock.advance(clock.nextDelay());
  }
  assert.deepEqual(delays, [250, 500, 1000, 2000, 4000, 8000, 15000, 15000]);

  ws().welcome();
  await clock.advance(9000);
  ws().serverClose(1006);
  assert.equal(delays.at(-1), 15000, 'a connection that lived 9 s does not reset the backoff');
  await clock.advance(clock.nextDelay());
  ws().welcome();
  await clock.advance(10000);
  ws().serverClose(1001);
  assert.equal(delays.at(-1), 250, 'a connection that lived 10 s resets it');
  client.close();
});

for (const code of [4001, 4003]) {
  test(`close ${code} is terminal: state closed, no reconnect`, async () => {
    const { client, clock, ws, WS, states } = await setup();
    ws().welcome();
    ws().serverClose(code, 'nope');
    assert.equal(client.state, State.CLOSED);
    assert.equal(states.at(-1).code, code);
    await clock.advance(120000);
    assert.equal(WS.sockets.length, 1);
  });
}

test('the server may ask for a resubscribe; the client sends since its last position', async () => {
  const { client, ws } = await setup();
  ws().welcome();
  const onEvent = collector();
  client.subscribe('prices.spy', onEvent);
  ws().subscribed('prices.spy', { epoch: 'e5', offset: 10 });
  ws().event('prices.spy', 'e5', 11);
  ws().receive({ op: 'resubscribe', channel: 'prices.spy' });
  const subs = ws().ops('subscribe');
  assert.equal(subs.length, 2);
  assert.deepEqual(subs[1].since, { epoch: 'e5', offset: 11 });
  client.close();
});

test('a subscribe refused with unavailable (the gateway could not reach Redis) is tried again with backoff', async () => {
  const { client, clock, ws } = await setup();
  ws().welcome();
  const onEvent = collector();
  const errors = [];
  client.on('error', (e) => errors.push(e.code));
  client.subscribe('recipes.r1', onEvent);
  for (let attempt = 1; attempt <= 2; attempt++) {
    const cmd = ws().ops('subscribe').at(-1);
    ws().receive({ op: 'error', id: cmd.id, code: 'unavailable', message: 'Redis is unreachable' });
    assert.equal(ws().ops('subscribe').length, attempt, 'not at once: after a backoff delay');
    await clock.advance(clock.nextDelay());
    assert.equal(ws().ops('subscribe').length, attempt + 1, `retry ${attempt}`);
  }
  ws().subscribed('recipes.r1', { epoch: 'e1', offset: 0 });
  ws().event('recipes.r1', 'e1', 1);
  assert.deepEqual(onEvent.offsets(), [1]);
  assert.deepEqual(errors, ['unavailable', 'unavailable'], 'each refusal is still reported');
  client.close();
});

test('a subscribe refused for good (forbidden) is not retried', async () => {
  const { client, clock, ws } = await setup();
  ws().welcome();
  client.on('error', () => {});
  client.subscribe('user.bob', collector());
  const cmd = ws().ops('subscribe').at(-1);
  ws().receive({ op: 'error', id: cmd.id, code: 'forbidden', message: 'not your channel' });
  await clock.advance(60_000);
  assert.equal(ws().ops('subscribe').length, 1);
  client.close();
});

test('ping every heartbeatMs; two missed pongs close the dead link and reconnect', async () => {
  const { client, clock, ws, WS } = await setup();
  ws().welcome('gateway-1', 1000);
  await clock.advance(1000);
  const ping1 = ws().ops('ping')[0];
  assert.ok(ping1, 'first ping after heartbeatMs');
  ws().receive({ op: 'pong', id: ping1.id });
  await clock.advance(1000);
  const ping2 = ws().ops('ping')[1];
  ws().receive({ op: 'pong', id: ping2.id });
  await clock.advance(1000);
  assert.equal(client.state, State.OPEN, 'answered pings keep the link');
  // from now on the gateway is silent
  await clock.advance(1000);
  assert.equal(client.state, State.OPEN, 'one missed pong is tolerated');
  await clock.advance(1000);
  assert.equal(client.state, State.CONNECTING, 'the second missed pong declares the link dead');
  assert.equal(WS.sockets[0].closedByClient.code, 4000);
  await clock.advance(clock.nextDelay());
  assert.equal(WS.sockets.length, 2);
  client.close();
});

function jwt(expSeconds) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'none' })}.${b64({ sub: 'alice', exp: expSeconds })}.sig`;
}

test('a token provider refreshes the token in band before it expires', async () => {
  let clockRef;
  let issued = 0;
  const provider = async () => {
    issued += 1;
    return jwt(Math.floor(clockRef.now() / 1000) + 120); // valid for 2 minutes
  };
  const clock = new FakeClock();
  clockRef = clock;
  const { client, ws, WS } = await setup({ getToken: provider, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout, now: clock.now, heartbeatMs: 1e9 });
  ws().welcome('gateway-1', 1e9);
  assert.equal(issued, 1);
  await clock.advance(89000);
  assert.equal(ws().ops('auth').length, 0, 'not yet: refresh is 30 s before expiry');
  await clock.advance(1000);
  assert.equal(issued, 2);
  const auth = ws().ops('auth')[0];
  assert.ok(auth, 'auth op sent');
  ws().receive({ op: 'authed', id: auth.id, expiresAt: new Date(clock.now() + 120000).toISOString() });
  await clock.advance(90000);
  assert.equal(ws().ops('auth').length, 2, 'the next refresh is scheduled from the new token');
  assert.equal(WS.sockets.length, 1, 'no reconnect was needed');
  client.close();
});

test('publish, presence and history resolve with the reply; errors reject with the protocol code', async () => {
  const { client, ws } = await setup();
  ws().welcome();
  const p = client.publish('chat.lobby', 'chat-message', { name: 'Alice', text: 'hi' });
  const pub = ws().ops('publish')[0];
  assert.deepEqual({ ...pub, id: 0 }, { op: 'publish', id: 0, channel: 'chat.lobby', type: 'chat-message', data: { name: 'Alice', text: 'hi' } });
  ws().receive({ op: 'published', id: pub.id, channel: 'chat.lobby', epoch: 'e1', offset: 7 });
  assert.deepEqual(await p, { channel: 'chat.lobby', epoch: 'e1', offset: 7 });

  const limited = client.publish('chat.lobby', 'chat-message', { name: 'Alice', text: 'again' });
  ws().receive({ op: 'error', id: ws().ops('publish')[1].id, code: 'rate_limited', message: '1 message/s' });
  await assert.rejects(limited, (e) => e.code === 'rate_limited' && e.message === '1 message/s');

  const pr = client.presence('chat.lobby');
  ws().receive({ op: 'presence', id: ws().ops('presence')[0].id, channel: 'chat.lobby', count: 1, clients: [{ session: 's-1', user: null }] });
  assert.equal((await pr).count, 1);

  const h = client.history('chat.lobby', { limit: 5 });
  const hcmd = ws().ops('history')[0];
  assert.equal(hcmd.limit, 5);
  ws().receive({ op: 'history', id: hcmd.id, channel: 'chat.lobby', epoch: 'e1', offset: 7, events: [{ offset: 7 }] });
  assert.equal((await h).events.length, 1);
  client.close();
});

test('commands made while connecting wait for the connection; unanswered commands time out', async () => {
  const { client, clock, ws } = await setup({ commandTimeoutMs: 5000 });
  const pr = client.presence('chat.lobby');
  assert.equal(ws().sent.length, 0);
  ws().welcome();
  const cmd = ws().ops('presence')[0];
  assert.ok(cmd, 'sent after welcome');
  ws().receive({ op: 'presence', id: cmd.id, channel: 'chat.lobby', count: 0, clients: [] });
  assert.equal((await pr).count, 0);
  const lost = assert.rejects(client.history('chat.lobby'), (e) => e.code === 'timeout');
  await clock.advance(5000);
  await lost;
  client.close();
});

test('in-flight commands fail with disconnected when the connection drops', async () => {
  const { client, ws } = await setup();
  ws().welcome();
  const p = assert.rejects(client.publish('chat.lobby', 'chat-message', { name: 'a', text: 'b' }), (e) => e.code === 'disconnected');
  ws().serverClose(1006);
  await p;
  client.close();
});

test('unsubscribe of the last handler unsubscribes on the server and stops delivery', async () => {
  const { client, ws } = await setup();
  ws().welcome();
  const a = collector();
  const b = collector();
  const subA = client.subscribe('prices.nvda', a);
  const subB = client.subscribe('prices.nvda', b);
  assert.equal(ws().ops('subscribe').length, 1, 'one server subscription per channel');
  ws().subscribed('prices.nvda', { epoch: 'e1', offset: 0 });
  ws().event('prices.nvda', 'e1', 1);
  subA.unsubscribe();
  assert.equal(ws().ops('unsubscribe').length, 0);
  ws().event('prices.nvda', 'e1', 2);
  subB.unsubscribe();
  subB.unsubscribe();
  assert.deepEqual(ws().ops('unsubscribe').map((c) => c.channel), ['prices.nvda']);
  ws().event('prices.nvda', 'e1', 3);
  assert.deepEqual(a.offsets(), [1]);
  assert.deepEqual(b.offsets(), [1, 2]);
  client.close();
});

test('join and leave reach the channel handlers and the client listeners', async () => {
  const { client, ws } = await setup();
  ws().welcome();
  const seen = [];
  client.subscribe('chat.lobby', () => {}, { onJoin: (j) => seen.push(`join ${j.client.session}`), onLeave: (l) => seen.push(`leave ${l.client.session}`) });
  client.on('join', (j) => seen.push(`any join ${j.channel}`));
  ws().receive({ op: 'join', channel: 'chat.lobby', client: { session: 's-9', user: 'bob' } });
  ws().receive({ op: 'leave', channel: 'chat.lobby', client: { session: 's-9', user: 'bob' } });
  assert.deepEqual(seen, ['join s-9', 'any join chat.lobby', 'leave s-9']);
  client.close();
});

test('an invalid channel name is refused at once', async () => {
  const { client } = await setup();
  assert.throws(() => client.subscribe('Bad Channel', () => {}), (e) => e.code === 'invalid_channel');
  client.close();
});

test('three failed attempts switch to SSE with the positions as Last-Event-ID; a probe returns to WebSocket', async () => {
  const { client, clock, ws, WS, fetch, states } = await setup();
  ws().welcome('gateway-2');
  const prices = collector();
  const events = collector();
  client.subscribe('prices.btc-usd', prices);
  client.subscribe('consumer.events', events);
  ws().subscribed('prices.btc-usd', { epoch: 'e3', offset: 12 });
  ws().subscribed('consumer.events', { epoch: 'e9', offset: 45 });
  ws().serverClose(1006); // the gateway died; the next attempts fail before welcome

  for (let i = 0; i < 3; i++) {
    await clock.advance(clock.nextDelay());
    assert.equal(fetch.requests.length, 0, `no fallback after ${i} failed attempts`);
    ws().serverClose(1006);
  }
  await flush();
  assert.equal(fetch.requests.length, 1, 'fallback after the third failed attempt');
  const req = fetch.requests[0];
  assert.equal(req.url.pathname, '/sse');
  assert.equal(req.url.origin, 'http://gw.test:8080');
  assert.deepEqual(req.url.searchParams.getAll('channel'), ['prices.btc-usd', 'consumer.events']);
  assert.equal(req.headers['Last-Event-ID'], 'prices.btc-usd@e3:12,consumer.events@e9:45');
  assert.equal(client.state, State.FALLBACK);
  assert.equal(states.at(-1).transport, 'sse');

  req.frame('consumer.events', 'e9', 46);
  req.frame('consumer.events', 'e9', 46);
  req.frame('prices.btc-usd', 'e3', 13);
  await flush();
  assert.deepEqual(events.offsets(), [46]);
  assert.deepEqual(prices.offsets(), [13]);
  await assert.rejects(client.publish('chat.lobby', 'chat-message', {}), (e) => e.code === 'unavailable');

  // background probing goes on; the next WebSocket attempt succeeds
  const before = WS.sockets.length;
  await clock.advance(clock.nextDelay());
  assert.equal(WS.sockets.length, before + 1, 'a WebSocket probe was made');
  ws().welcome('gateway-2');
  assert.equal(client.state, State.OPEN);
  assert.equal(req.aborted, true, 'the SSE stream is closed');
  const subs = ws().ops('subscribe');
  assert.deepEqual(subs.map((s) => [s.channel, s.since]), [
    ['prices.btc-usd', { epoch: 'e3', offset: 13 }],
    ['consumer.events', { epoch: 'e9', offset: 46 }],
  ]);
  ws().subscribed('consumer.events', { epoch: 'e9', offset: 47, recovered: true });
  ws().event('consumer.events', 'e9', 46);
  ws().event('consumer.events', 'e9', 47);
  assert.deepEqual(events.offsets(), [46, 47], 'the overlap between SSE and WebSocket is delivered once');
  client.close();
});

test('the SSE stream is reopened when the subscriptions change and after it fails', async () => {
  const { client, clock, ws, fetch } = await setup();
  for (let i = 0; i < 3; i++) {
    ws().serverClose(1006);
    await clock.advance(clock.nextDelay());
  }
  assert.equal(fetch.requests.length, 0, 'nothing to stream without subscriptions');
  assert.equal(client.state, State.CONNECTING, 'an idle fallback has proved nothing yet');
  const got = collector();
  client.subscribe('prices.aapl', got);
  await clock.advance(0);
  assert.equal(fetch.requests.length, 1);
  fetch.requests[0].frame('prices.aapl', 'e1', 5);
  await flush();
  fetch.requests[0].end();
  await flush();
  assert.equal(client.state, State.CONNECTING, 'a broken stream is not shown as connected');
  await clock.advance(250);
  assert.equal(fetch.requests.length, 2);
  assert.equal(fetch.requests[1].headers['Last-Event-ID'], 'prices.aapl@e1:5');
  assert.equal(client.state, State.FALLBACK);
  client.close();
  assert.equal(fetch.requests[1].aborted, true);
});

test('close() stops everything: no reconnect and commands are refused', async () => {
  const { client, clock, ws, WS } = await setup();
  ws().welcome();
  client.close();
  await clock.advance(60000);
  assert.equal(WS.sockets.length, 1);
  await assert.rejects(client.presence('chat.lobby'), (e) => e.code === 'closed');
  client.connect();
  await flush();
  assert.equal(WS.sockets.length, 2, 'connect() starts again');
  client.close();
});

test('the SSE stream\'s subscribed frames deliver the snapshot and set the position, as on the WebSocket', async () => {
  const { client, clock, ws, fetch } = await setup();
  for (let i = 0; i < 3; i++) {
    ws().serverClose(1006);
    await clock.advance(clock.nextDelay());
  }
  const got = collector();
  const infos = [];
  client.subscribe('prices.eur-usd', got, { onSubscribed: (i) => infos.push(i) });
  await clock.advance(0);
  const req = fetch.requests[0];
  assert.equal(req.headers['Last-Event-ID'], undefined, 'nothing to resume yet');
  const snapshot = { op: 'event', channel: 'prices.eur-usd', epoch: 'x1', offset: 798, event: { type: 'price-update', data: { n: 798 } } };
  const subscribed = { op: 'subscribed', id: 0, channel: 'prices.eur-usd', epoch: 'x1', offset: 798, recovered: false, snapshot };
  req.write(`retry: 1000\n\nid: prices.eur-usd@x1:798\nevent: subscribed\ndata: ${JSON.stringify(subscribed)}\n\n`);
  req.frame('prices.eur-usd', 'x1', 798);
  req.frame('prices.eur-usd', 'x1', 799);
  await flush();
  assert.deepEqual(got.offsets(), [798, 799]);
  assert.equal(got.got[0].snapshot, true);
  assert.deepEqual(infos, [{ channel: 'prices.eur-usd', epoch: 'x1', offset: 798, recovered: false }]);
  assert.deepEqual(client.position('prices.eur-usd'), { epoch: 'x1', offset: 799 });
  client.close();
});

test('a channel never published (epoch "") takes the epoch of its first event and resumes from it', async () => {
  const { client, clock, ws } = await setup();
  ws().welcome();
  const got = collector();
  client.subscribe('recipes.fresh', got);
  ws().subscribed('recipes.fresh', { epoch: '', offset: 0 });
  assert.deepEqual(client.position('recipes.fresh'), { epoch: '', offset: 0 });
  ws().serverClose(1006);
  await clock.advance(clock.nextDelay());
  ws().welcome();
  assert.deepEqual(ws().ops('subscribe').at(-1).since, { epoch: '', offset: 0 }, 'nothing seen yet');
  ws().subscribed('recipes.fresh', { epoch: 'e7', offset: 2, recovered: true });
  ws().event('recipes.fresh', 'e7', 1);
  ws().event('recipes.fresh', 'e7', 2);
  assert.deepEqual(got.offsets(), [1, 2]);
  ws().serverClose(1006);
  await clock.advance(clock.nextDelay());
  ws().welcome();
  assert.deepEqual(ws().ops('subscribe').at(-1).since, { epoch: 'e7', offset: 2 });
  client.close();
});

test('an SSE stream that ends with an unauthorized error is reopened with a fresh token', async () => {
  let calls = 0;
  const { client, clock, ws, fetch } = await setup({ getToken: async () => `t${++calls}` });
  const errors = [];
  client.on('error', (e) => errors.push(e.code));
  for (let i = 0; i < 3; i++) {
    ws().serverClose(1006);
    await clock.advance(clock.nextDelay());
  }
  client.subscribe('user.carol', collector());
  await clock.advance(0);
  assert.equal(fetch.requests.length, 1);
  const first = fetch.requests[0];
  const used = first.url.searchParams.get('access_token');
  assert.match(used, /^t\d+$/);
  first.write(`id: user.carol@:0\nevent: error\ndata: ${JSON.stringify({ op: 'error', code: 'unauthorized', message: 'token expired' })}\n\n`);
  first.end();
  await flush();
  assert.ok(errors.includes('unauthorized'));
  await clock.advance(250);
  assert.equal(fetch.requests.length, 2);
  const fresh = fetch.requests[1].url.searchParams.get('access_token');
  assert.notEqual(fresh, used, 'the provider was asked again');
  assert.equal(fetch.requests[1].headers['Last-Event-ID'], 'user.carol@:0');
  client.close();
});
