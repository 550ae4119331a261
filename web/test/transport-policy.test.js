import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TransportPolicy } from './lib.js';

test('three failed WebSocket attempts in a row switch to the fallback', () => {
  const p = new TransportPolicy();
  assert.equal(p.wsFailed(), false);
  assert.equal(p.wsFailed(), false);
  assert.equal(p.mode, 'ws');
  assert.equal(p.wsFailed(), true);
  assert.equal(p.mode, 'sse');
  assert.equal(p.wsFailed(), false, 'further failed probes keep the fallback without switching again');
  assert.equal(p.mode, 'sse');
});

test('a successful attempt resets the count', () => {
  const p = new TransportPolicy();
  p.wsFailed();
  p.wsFailed();
  assert.equal(p.wsOpened(), false);
  p.wsFailed();
  p.wsFailed();
  assert.equal(p.mode, 'ws');
});

test('a successful probe returns from the fallback to WebSocket', () => {
  const p = new TransportPolicy();
  for (let i = 0; i < 3; i++) p.wsFailed();
  assert.equal(p.wsOpened(), true);
  assert.equal(p.mode, 'ws');
  assert.equal(p.failures, 0);
});

test('the fallback can be disabled', () => {
  const p = new TransportPolicy({ fallbackEnabled: false });
  for (let i = 0; i < 10; i++) assert.equal(p.wsFailed(), false);
  assert.equal(p.mode, 'ws');
});
