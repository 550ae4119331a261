// Two browsers on /recipes, each connected to a different gateway, see each other's changes live.
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

test('a recipe created in one browser appears in the other, which is on another gateway; a delete too', async () => {
  const a = await alice.page(`${GATEWAY_1}/recipes/`);
  const b = await bob.page(`${GATEWAY_2}/recipes/`);
  const nodeA = await waitForIndicator(a, 'open');
  const nodeB = await waitForIndicator(b, 'open');
  assert.ok(nodeA && nodeB, 'the indicator names the gateway node');
  assert.notEqual(nodeA, nodeB, 'the two browsers are on different gateways');

  const title = `Phở bò ${runId()}`;
  await a.fill('#recipe-title', title);
  await a.fill('#recipe-summary', 'Beef noodle soup with star anise');
  await a.fill('#recipe-ingredients', 'rice noodles, beef, star anise, ginger');
  await a.fill('#recipe-minutes', '45');
  await a.click('#recipe-save');

  const row = `#recipe-list tr:has([data-field="title"]:text-is("${title}"))`;
  await b.waitForSelector(row, { timeout: 15_000 });
  await a.waitForSelector(row, { timeout: 15_000 });
  assert.match(await b.textContent(row), /45 min/);
  assert.match(await b.textContent('#recipe-activity'), new RegExp(`created “${title}”`));
  await screenshot(b, 'recipes');

  // Bob deletes it; Alice's list loses it without a reload
  await b.click(`${row} button.danger`);
  await a.waitForSelector(row, { state: 'detached', timeout: 15_000 });
  await eventually(async () => (await a.textContent('#recipe-activity')).includes(`deleted “${title}”`), { message: 'the delete in the activity list' });
  assert.deepEqual(alice.errors.concat(bob.errors), []);
});
