// Two browsers on /recipes, each connected to a different gateway, see each other's changes live.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, requireSuite, waitForIndicator, eventually, runId, screenshot, crudKey, GATEWAY_1, GATEWAY_2, RELAY } from './support.js';

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
  for (const page of [a, b]) await page.fill('#recipe-key', crudKey());
  assert.ok(nodeA && nodeB, 'the indicator names the gateway node');
  assert.notEqual(nodeA, nodeB, 'the two browsers are on different gateways');

  // two recipes made by another backend client, so that the list is not a single row
  const id = runId();
  const seeded = [];
  for (const r of [
    { title: `Bún chả ${id}`, summary: 'Grilled pork with rice vermicelli and herbs', ingredients: ['pork belly', 'vermicelli', 'fish sauce'], minutes: 60 },
    { title: `Gỏi cuốn ${id}`, summary: 'Fresh spring rolls with shrimp', ingredients: ['rice paper', 'shrimp', 'mint'], minutes: 25 },
  ]) seeded.push(await createRecipe(r));
  for (const s of seeded) await b.waitForSelector(`#recipe-list tr[data-recipe-id="${s.id}"]`, { timeout: 15_000 });

  const title = `Phở bò ${id}`;
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
  for (const s of seeded) await deleteRecipe(s.id);
  for (const s of seeded) await a.waitForSelector(`#recipe-list tr[data-recipe-id="${s.id}"]`, { state: 'detached', timeout: 15_000 });
  assert.deepEqual(alice.errors.concat(bob.errors), []);
});

async function createRecipe(body) {
  const res = await fetch(`${RELAY}/api/recipes`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${crudKey()}` }, body: JSON.stringify(body) });
  assert.equal(res.status, 201, await res.clone().text());
  return res.json();
}

async function deleteRecipe(id) {
  const res = await fetch(`${RELAY}/api/recipes/${id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${crudKey()}` } });
  assert.equal(res.status, 200);
}
