// /chat on two gateways: presence shows both people, messages cross gateways, and the gateway's
// refusals (rate limit) are shown clearly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, requireSuite, waitForIndicator, eventually, runId, screenshot, GATEWAY_1, GATEWAY_2 } from './support.js';

let alice;
let bob;
before(async () => {
  await requireSuite();
  alice = await launchBrowser();
  bob = await launchBrowser();
});
after(async () => {
  await alice?.close();
  await bob?.close();
});

test('presence shows both browsers, messages cross gateways, a too fast message is refused clearly', async () => {
  const room = `e2e-${runId()}`;
  const a = await alice.page(`${GATEWAY_1}/chat/?name=Alice#${room}`);
  await waitForIndicator(a, 'open');
  const b = await bob.page(`${GATEWAY_2}/chat/?name=Bob#${room}`);
  await waitForIndicator(b, 'open');

  for (const p of [a, b]) {
    await eventually(async () => (await p.textContent('#presence-count')) === '2', { message: 'presence count 2' });
    assert.equal(await p.locator('#presence li[data-session]').count(), 2);
  }
  assert.match(await a.textContent('#presence'), /Alice \(you\)/);

  await a.fill('#chat-text', 'Xin chào from gateway 1');
  await a.click('#chat-send');
  await b.waitForSelector('#messages .msg:has-text("Xin chào from gateway 1")', { timeout: 15_000 });
  assert.match(await b.textContent('#messages .msg:last-child .who'), /Alice/);

  await b.fill('#chat-text', 'Hello from gateway 2');
  await b.click('#chat-send');
  await a.waitForSelector('#messages .msg:has-text("Hello from gateway 2")', { timeout: 15_000 });

  // two messages within a second: the gateway allows one per second and per connection
  await a.waitForTimeout(1100);
  await a.fill('#chat-text', 'first');
  await a.click('#chat-send');
  await a.waitForFunction(() => document.querySelector('#chat-text').value === '', null, { timeout: 5000 });
  await a.fill('#chat-text', 'second, too fast');
  await a.click('#chat-send');
  await a.waitForSelector('#chat-feedback[data-code="rate_limited"] .notice', { timeout: 10_000 });
  assert.match(await a.textContent('#chat-feedback'), /one message per second/);
  assert.equal(await a.inputValue('#chat-text'), 'second, too fast', 'the refused text is kept for a retry');
  await screenshot(a, 'chat');

  // Bob leaves: Alice's presence list follows
  await b.close();
  await eventually(async () => (await a.textContent('#presence-count')) === '1', { message: 'presence count back to 1', timeout: 30_000 });
  assert.deepEqual(alice.errors.concat(bob.errors), []);
});

test('an invalid name is explained before anything is sent', async () => {
  const a = await alice.page(`${GATEWAY_1}/chat/#e2e-${runId()}`);
  await waitForIndicator(a, 'open');
  await a.fill('#chat-name', 'x'.repeat(51));
  await a.fill('#chat-text', 'hello');
  await a.click('#chat-send');
  assert.match(await a.textContent('#chat-feedback'), /name must be 1 to 50 characters/);
});
