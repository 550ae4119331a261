// The npm package of the browser client, as a user of a bundler or Node would get it: `npm pack` of
// web/client/, installed from the tarball into a fresh project, a usage sample type-checked by strict
// TypeScript through the package's `exports` (moduleResolution nodenext), then run in Node 20 (with `ws`)
// against the suite's gateway: it receives an event published through the relay.
// Needs nothing from the network: the tarball has no dependencies and `ws` comes from web/node_modules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { GATEWAY_1, ROOT, publish, runId } from './support.js';

const WEB = path.join(ROOT, 'web');
const CLIENT = path.join(WEB, 'client');
const TSC = path.join(WEB, 'node_modules', 'typescript', 'bin', 'tsc');

const SAMPLE = `
import { Heliograph, State, HeliographError, type CloudEvent, type StateChange } from '@heliograph/client';

export interface Recipe { id: number; title: string }

/** Subscribes, tells the test when the subscription stands, and resolves with the first event. */
export function firstEvent(url: string, channel: string, WebSocketImpl: typeof WebSocket,
    onReady: () => void): Promise<{ event: CloudEvent<Recipe>; offset: number }> {
  const hg = new Heliograph({ url, WebSocket: WebSocketImpl, fallback: false });
  hg.on('state', (s: StateChange) => { if (s.state === State.CLOSED && s.code === 4001) throw new HeliographError('unauthorized'); });
  return new Promise((resolve) => {
    const sub = hg.subscribe<Recipe>(channel, (event, meta) => {
      sub.unsubscribe();
      hg.close();
      resolve({ event, offset: meta.offset });
    }, { onSubscribed: () => onReady() });
  });
}

// The declarations are real types, not any: each of these misuses must be an error (type-checked, never run).
export function misuses(hg: Heliograph): void {
  // @ts-expect-error a channel is a string
  hg.subscribe(42, () => {});
  // @ts-expect-error there is no such state
  const wrong: StateChange['state'] = 'opened';
  void wrong;
}
`;

const RUNNER = `
import { WebSocket } from 'ws';
import { firstEvent } from './dist/usage.js';
const { event, offset } = await firstEvent(process.env.HG_WS_URL, process.env.HG_CHANNEL, WebSocket,
  () => console.log('ready'));
console.log(JSON.stringify({ id: event.id, type: event.type, title: event.data.title, offset }));
`;

function npm(args, cwd) {
  return execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

test('the npm package installs from its tarball, type-checks and receives an event from a live gateway', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heliograph-client-package-'));
  try {
    const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', dir], CLIENT));
    const tarball = path.join(dir, packed[0].filename);
    assert.deepEqual(packed[0].files.map((f) => f.path).sort(),
      ['README.md', 'heliograph.d.ts', 'heliograph.js', 'package.json']);

    const app = path.join(dir, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'sample-app', private: true, type: 'module' }));
    npm(['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', tarball,
      path.join(WEB, 'node_modules', 'ws')], app);
    const installed = path.join(app, 'node_modules', '@heliograph', 'client');
    assert.equal(JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')).name, '@heliograph/client');

    // One source: the gateway serves the very file the package ships.
    const served = await (await fetch(`${GATEWAY_1}/heliograph.js`)).text();
    assert.equal(served, fs.readFileSync(path.join(installed, 'heliograph.js'), 'utf8'));

    fs.writeFileSync(path.join(app, 'usage.ts'), SAMPLE);
    fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        strict: true, target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext',
        lib: ['es2022', 'dom'], outDir: 'dist', skipLibCheck: false, types: [],
      },
      files: ['usage.ts'],
    }));
    try {
      execFileSync(process.execPath, [TSC, '-p', app], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      assert.fail(`tsc reported:\n${e.stdout}${e.stderr}`);
    }
    fs.writeFileSync(path.join(app, 'run.mjs'), RUNNER);

    const channel = `recipes.pkg${runId()}`;
    const child = spawn(process.execPath, ['run.mjs'], {
      cwd: app, env: { ...process.env, HG_WS_URL: `${GATEWAY_1.replace(/^http/, 'ws')}/ws`, HG_CHANNEL: channel },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
      assert.equal((await lines.next()).value, 'ready');
      const published = await publish(channel, 'recipe:created', { id: 7, title: 'Pho' });
      const received = JSON.parse((await lines.next()).value);
      assert.deepEqual(received, { id: published.id, type: 'recipe:created', title: 'Pho', offset: published.offset });
      assert.equal(await exited, 0);
    } finally {
      child.kill();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
