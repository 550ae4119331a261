// Every dashboard renders live data from the running suite; a screenshot of each goes to
// docs/screenshots/ (recipes and chat are taken by their own tests).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, requireSuite, waitForIndicator, eventually, screenshot, producerKey, GATEWAY_1, GATEWAY_2, MONITOR } from './support.js';

let browser;
before(async () => {
  await requireSuite();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const text = (page, sel) => page.textContent(sel).then((t) => (t || '').trim());

test('/ shows the fleet: every gateway with its connections and deliveries per second', async () => {
  const other = await browser.page(`${GATEWAY_2}/`); // a client on gateway-2 as well
  const page = await browser.page(`${GATEWAY_1}/`);
  const node = await waitForIndicator(page, 'open');
  await waitForIndicator(other, 'open');
  await eventually(async () => (await page.locator('.node-card:not(.offline)').count()) >= 2, { message: 'two gateways online' });
  const mine = page.locator(`.node-card[data-node="${node}"]`);
  assert.match(await mine.textContent(), /this page is connected here/);
  const clients = Number(await mine.locator('[data-field="connectedClients"]').textContent());
  assert.ok(clients >= 1, `connected clients on ${node}: ${clients}`);
  await eventually(async () => (await page.evaluate(() => Chart.getChart('chart-clients').data.datasets.reduce((n, d) => n + d.data.length, 0))) >= 4, { message: 'chart points' });
  await page.waitForTimeout(15_000); // some history in the charts for the screenshot
  await screenshot(page, 'index');
  assert.deepEqual(browser.errors, []);
});

test('/crypto renders the summary and switches to Vietnamese without fetching again', async () => {
  const page = await browser.page(`${GATEWAY_1}/crypto/`);
  await waitForIndicator(page, 'open');
  await eventually(async () => /\$\d/.test(await text(page, '#card-btc .stat-value')), { timeout: 60_000, message: 'a BTC price' });
  assert.notEqual(await text(page, '#card-market-cap .stat-value'), '—');
  assert.notEqual(await text(page, '#card-fear-greed [data-value]'), '—');
  assert.ok(await page.locator('#sources tr[data-source]').count() >= 1, 'the sources table lists the sources');
  await page.click('button[data-lang="en"]');
  await screenshot(page, 'crypto');

  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.click('button[data-lang="vi"]');
  assert.equal(await text(page, '.page-head h1'), 'Thị trường tiền mã hoá');
  assert.equal(await text(page, '#card-btc .stat-label'), 'Giá Bitcoin');
  assert.equal(await page.getAttribute('html', 'lang'), 'vi');
  await page.waitForTimeout(300);
  assert.deepEqual(requests, [], 'the language switch re-renders from memory');
  await screenshot(page, 'crypto-vi');
  await page.click('button[data-lang="en"]');
  assert.equal(await text(page, '#card-btc .stat-label'), 'Bitcoin price');
  assert.deepEqual(browser.errors, []);
});

test('/prices ticks: prices, an activity log and update statistics', async () => {
  const page = await browser.page(`${GATEWAY_2}/prices/`);
  await waitForIndicator(page, 'open');
  await eventually(async () => (await page.locator('#activity tr').count()) >= 3, { timeout: 60_000, message: 'three price updates in the log' });
  const ticking = await page.locator('#tickers [data-field="price"]').evaluateAll((els) => els.filter((e) => e.textContent.trim() !== '—').length);
  assert.ok(ticking >= 1, `${ticking} symbols have a price`);
  await eventually(async () => Number((await text(page, '[data-field="total"]')).replace(/\D/g, '')) >= 3, { message: 'the statistics count the updates' });
  await page.waitForTimeout(2000);
  await screenshot(page, 'prices');
  assert.deepEqual(browser.errors, []);
});

test('/consumers: a record sent from the form moves through the live log to processed', async () => {
  const page = await browser.page(`${GATEWAY_1}/consumers/`);
  await waitForIndicator(page, 'open');
  // records from another producer reach the live log too; one of them fails validation
  for (const body of [{ id: 'e2e-1', amount: 12.5, currency: 'EUR' }, { id: 'e2e-2', note: 'no amount: fails validation' }]) {
    const res = await fetch(`${MONITOR}/api/producers/send/single`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${producerKey()}` }, body: JSON.stringify(body) });
    assert.equal(res.status, 202, await res.text());
  }
  // without the key the producer API refuses, with a problem the form shows
  const refused = await fetch(`${MONITOR}/api/producers/send/single`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"id":"x","amount":1}' });
  assert.equal(refused.status, 401);
  await page.click('#produce-send');
  await page.waitForSelector('#produce-result .notice.error', { timeout: 20_000 });
  await page.fill('#produce-key', producerKey());
  await page.waitForSelector('#record-log tr[data-status="FAILED"]', { timeout: 60_000 });
  await eventually(async () => (await text(page, '[data-stat="totalMessages"] .stat-value')) !== '—', { message: 'statistics' });
  await screenshot(page, 'consumers'); // taken again below once the form's record is processed
  await page.click('button[data-mode="csv"]');
  await page.click('#produce-send');
  const notice = await page.waitForSelector('#produce-result .notice', { timeout: 20_000 });
  const sent = await notice.textContent();
  assert.match(sent, /Sent to (\S+) partition (\d+) offset (\d+)/);
  const [, topic, partition, offset] = sent.match(/Sent to (\S+) partition (\d+) offset (\d+)/);
  const row = `#record-log tr:has(td:text-is("${topic}·${partition}@${offset}"))`;
  await page.waitForSelector(`${row}[data-status="PROCESSED"]`, { timeout: 60_000 });
  assert.match(await page.textContent(row), /CSV batch/);
  await eventually(async () => (await text(page, '[data-stat="totalMessages"] .stat-value')) !== '—', { message: 'statistics' });
  assert.ok(await page.locator('#consumer-list tr[data-consumer]').count() >= 1, 'the consumers are listed');
  // the consumer lag: in total, and per partition of each instance
  await eventually(async () => /^\d/.test(await text(page, '[data-stat="totalLag"] .stat-value')), { message: 'consumer lag' });
  await eventually(async () => /\(\d[\d,]*\)/.test(await text(page, '#consumer-list')), { message: 'the lag of each partition' });
  await screenshot(page, 'consumers');
  assert.deepEqual(browser.errors, []);
});

test('/metrics charts every service; a stream toggle unsubscribes and subscribes', async () => {
  const page = await browser.page(`${GATEWAY_1}/metrics/`);
  await waitForIndicator(page, 'open');
  await eventually(async () => (await page.locator('#metric-nodes tr[data-node]').count()) >= 3, { timeout: 60_000, message: 'samples of three instances' });
  assert.equal(await text(page, '#subscription-count'), '4 channels subscribed');
  await page.uncheck('input[data-service="fetcher-service"]');
  assert.equal(await text(page, '#subscription-count'), '3 channels subscribed');
  await page.check('input[data-service="fetcher-service"]');
  assert.equal(await text(page, '#subscription-count'), '4 channels subscribed');
  await page.uncheck('input[data-metric="threads"]');
  assert.equal(await page.isVisible('[data-metric="threads"].card'), false);
  await page.check('input[data-metric="threads"]');
  await page.waitForTimeout(4000);
  await screenshot(page, 'metrics');
  assert.deepEqual(browser.errors, []);
});
