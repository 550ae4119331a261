// Shared helpers of the end-to-end tests: they drive Debian's Chromium through playwright-core
// against a suite started by the launcher (`./heliograph up`: gateways on 8080 and 8090).
import { chromium } from 'playwright-core';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const GATEWAY_1 = process.env.HG_GATEWAY_1 || 'http://localhost:8080';
export const GATEWAY_2 = process.env.HG_GATEWAY_2 || 'http://localhost:8090';
export const RELAY = process.env.HG_RELAY || 'http://localhost:8081';
export const MONITOR = process.env.HG_MONITOR || 'http://localhost:8083';
export const SCREENSHOTS = path.join(ROOT, 'docs', 'screenshots');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/** A random suffix, so that runs never share channels, rooms or recipe titles. */
export const runId = () => Math.random().toString(36).slice(2, 8);

/** One isolated browser (fresh profile); returns the context and a cleanup function. */
export async function launchBrowser({ colorScheme = 'dark', viewport = { width: 1440, height: 900 } } = {}) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'heliograph-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    colorScheme,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const errors = [];
  context.on('page', (page) => watch(page, errors));
  for (const page of context.pages()) watch(page, errors);
  return {
    context,
    errors,
    async page(url) {
      const page = context.pages().find((p) => p.url() === 'about:blank') || await context.newPage();
      await page.goto(url);
      return page;
    },
    async close() {
      await context.close().catch(() => {});
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

function watch(page, errors) {
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
}

/** Fails unless both gateways answer ready (the suite must have been started by the launcher). */
export async function requireSuite(timeoutMs = 60_000) {
  for (const base of [GATEWAY_1, GATEWAY_2]) {
    const end = Date.now() + timeoutMs;
    for (;;) {
      try {
        const res = await fetch(`${base}/q/health/ready`);
        if (res.ok) break;
      } catch { /* not up yet */ }
      if (Date.now() > end) throw new Error(`${base} is not ready: start the suite with ./heliograph up`);
      await sleep(1000);
    }
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Waits until the page's connection indicator shows `state` (and returns its node). */
export async function waitForIndicator(page, state, timeout = 30_000) {
  await page.waitForSelector(`#conn[data-state="${state}"]`, { timeout });
  return page.getAttribute('#conn', 'data-node');
}

/** A key the launcher generated into .heliograph/ (producer.key, crud.key). */
const launcherKey = (name) => fs.readFileSync(path.join(ROOT, '.heliograph', name), 'utf8').trim();
/** The monitor's producer key (the producer API needs it). */
export const producerKey = () => launcherKey('producer.key');
/** The example CRUD backend's key (its writes need it). */
export const crudKey = () => launcherKey('crud.key');

/** Publishes through the relay like any backend (Bearer publisher key from .heliograph/). */
export async function publish(channel, type, data, id) {
  // HG_PUBLISHER_KEY: for a relay started by hand rather than by the launcher.
  const key = process.env.HG_PUBLISHER_KEY || fs.readFileSync(path.join(ROOT, '.heliograph', 'publisher.key'), 'utf8').trim();
  const res = await fetch(`${RELAY}/api/events`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
    body: JSON.stringify(id ? { channel, type, data, id } : { channel, type, data }),
  });
  if (res.status !== 202) throw new Error(`relay answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/** Runs the launcher (`./heliograph <args>`) and resolves with its output. */
export function launcher(...args) {
  return new Promise((resolve, reject) => {
    execFile(path.join(ROOT, 'heliograph'), args, { cwd: ROOT, timeout: 600_000, maxBuffer: 8 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`./heliograph ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** The pid of a service started by the launcher. */
export function servicePid(name) {
  const text = fs.readFileSync(path.join(ROOT, '.heliograph', 'pids', `${name}.pid`), 'utf8').trim();
  const pid = Number(text);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`bad pid file for ${name}: ${text}`);
  return pid;
}

/** Polls `fn` until it returns a truthy value. */
export async function eventually(fn, { timeout = 30_000, interval = 250, message = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${message} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await sleep(interval);
  }
}

/** A full-page screenshot into docs/screenshots/<name>.png. */
export async function screenshot(page, name) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0)); // the sticky top bar belongs at the top of a full-page shot
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
