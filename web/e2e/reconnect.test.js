// Kill the gateway a page is connected to: the indicator shows reconnecting, the page comes back
// to its gateway once the launcher restarts it, and every event published meanwhile arrives once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, requireSuite, waitForIndicator, eventually, runId, publish, launcher, servicePid, GATEWAY_2 } from './support.js';

let browser;
before(async () => {
  await requireSuite();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('gateway-2 is killed and restarted: reconnect with resume, every event exactly once', { timeout: 300_000 }, async () => {
  const channel = `recipes.e2e-${runId()}`;
  const page = await browser.page(`${GATEWAY_2}/recipes/`);
  const node = await waitForIndicator(page, 'open');
  assert.equal(node, 'gateway-2');
  await page.evaluate((ch) => {
    window.received = [];
    window.states = [];
    window.heliograph.on('state', (s) => window.states.push(s.state === 'connecting' && s.reconnecting ? 'reconnecting' : s.state));
    window.heliograph.subscribe(ch, (event, meta) => window.received.push({ n: event.data.n, offset: meta.offset, epoch: meta.epoch }));
  }, channel);

  const send = async (from, to) => {
    for (let n = from; n <= to; n++) await publish(channel, 'recipe:updated', { id: n, n, title: `step ${n}` });
  };
  await send(1, 5);
  await eventually(async () => (await page.evaluate(() => window.received.length)) === 5, { message: 'the first 5 events' });

  process.kill(servicePid('gateway-2'), 'SIGKILL');
  await waitForIndicator(page, 'reconnecting', 15_000);
  await send(6, 20); // published while the page has no gateway

  await launcher('up'); // idempotent: starts only what is missing, i.e. gateway-2
  await waitForIndicator(page, 'open', 120_000);
  assert.equal(await page.getAttribute('#conn', 'data-node'), 'gateway-2', 'back on its own gateway');
  await send(21, 25);

  await eventually(async () => (await page.evaluate(() => window.received.length)) >= 25, { timeout: 60_000, message: 'all 25 events' })
    .catch(async (e) => {
      const seen = await page.evaluate(() => ({ n: window.received.map((r) => `${r.n}@${r.offset}`), states: window.states }));
      throw new Error(`${e.message}; received ${seen.n.join(' ')}; states ${seen.states.join(', ')}`);
    });
  await new Promise((r) => setTimeout(r, 1000)); // a late duplicate would show up now
  const final = await page.evaluate(() => window.received);
  assert.deepEqual(final.map((e) => e.n), Array.from({ length: 25 }, (_, i) => i + 1), 'every event once, in order');
  const offsets = final.map((e) => e.offset);
  assert.deepEqual(offsets, [...offsets].sort((x, y) => x - y));
  assert.equal(new Set(offsets).size, 25);
  const states = await page.evaluate(() => window.states);
  assert.ok(states.includes('reconnecting'), `states seen: ${states.join(', ')}`);
  assert.equal(states.at(-1), 'open');
  assert.deepEqual(browser.errors, []);
});
