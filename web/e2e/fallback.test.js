// WebSocket blocked (as by a proxy that refuses upgrades): after three failed attempts the page
// falls back to Server-Sent Events, keeps probing, and returns to WebSocket once it can,
// delivering every event once across both switches.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, requireSuite, waitForIndicator, eventually, runId, publish, GATEWAY_1 } from './support.js';

let browser;
before(async () => {
  await requireSuite();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('WebSocket blocked: fallback to SSE, then back to WebSocket, every event once', { timeout: 180_000 }, async () => {
  const channel = `recipes.e2e-${runId()}`;
  const page = await browser.context.newPage();
  let blocked = true;
  let refused = 0;
  await page.routeWebSocket(/\/ws(\?|$)/, (ws) => {
    if (blocked) {
      refused += 1;
      ws.close({ code: 1011, reason: 'blocked by the test' });
    } else {
      ws.connectToServer();
    }
  });
  await page.goto(`${GATEWAY_1}/recipes/`);
  await page.evaluate((ch) => {
    window.received = [];
    window.transports = [];
    window.heliograph.on('state', (s) => window.transports.push(`${s.state}/${s.transport}`));
    window.heliograph.subscribe(ch, (event, meta) => window.received.push({ n: event.data.n, offset: meta.offset }));
  }, channel);
  await waitForIndicator(page, 'fallback', 30_000);
  assert.ok(refused >= 3, `${refused} WebSocket attempts were refused before the fallback`);

  const send = async (from, to) => {
    for (let n = from; n <= to; n++) await publish(channel, 'recipe:updated', { id: n, n });
  };
  await send(1, 5);
  await eventually(async () => (await page.evaluate(() => window.received.length)) >= 5, { message: 'events over SSE' });
  assert.equal(await page.evaluate(() => window.heliograph.transport), 'sse');

  blocked = false; // the background probe can now succeed
  await waitForIndicator(page, 'open', 90_000);
  assert.equal(await page.evaluate(() => window.heliograph.transport), 'ws');
  await send(6, 10);
  await eventually(async () => (await page.evaluate(() => window.received.length)) >= 10, { message: 'events over WebSocket' })
    .catch(async (e) => {
      const seen = await page.evaluate(() => ({ n: window.received.map((r) => `${r.n}@${r.offset}`), transports: window.transports }));
      throw new Error(`${e.message}; received ${seen.n.join(' ')}; transports ${seen.transports.join(' -> ')}`);
    });
  await page.waitForTimeout(1000); // a late duplicate would show up now
  const received = await page.evaluate(() => window.received);
  assert.deepEqual(received.map((e) => e.n), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.equal(new Set(received.map((e) => e.offset)).size, 10);
  const transports = await page.evaluate(() => window.transports);
  assert.ok(transports.includes('fallback/sse') && transports.at(-1) === 'open/ws', transports.join(' -> '));
  assert.deepEqual(browser.errors, []);
});
