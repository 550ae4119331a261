import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff } from './lib.js';

test('the ceiling doubles from 500 ms and is capped at 30 s', () => {
  const b = new Backoff();
  const ceilings = [];
  for (let n = 0; n < 10; n++) ceilings.push(b.ceiling(n));
  assert.deepEqual(ceilings, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]);
  assert.equal(b.ceiling(5000), 30000, 'huge attempt numbers stay at the cap');
});

test('full jitter: every delay lies in [0, ceiling) and uses the whole window', () => {
  const b = new Backoff();
  const samples = new Map();
  for (let round = 0; round < 400; round++) {
    b.reset();
    for (let n = 0; n < 8; n++) {
      const d = b.next();
      const ceiling = b.ceiling(n);
      assert.ok(Number.isInteger(d) && d >= 0 && d < ceiling, `attempt ${n}: ${d} not in [0, ${ceiling})`);
      if (!samples.has(n)) samples.set(n, []);
      samples.get(n).push(d);
    }
  }
  // jitter is full, not "equal": small delays occur at every attempt, large ones too
  for (const [n, ds] of samples) {
    const c = b.ceiling(n);
    assert.ok(ds.some((d) => d < c / 4), `attempt ${n} never waited less than a quarter of the window`);
    assert.ok(ds.some((d) => d > (3 * c) / 4), `attempt ${n} never waited more than three quarters of the window`);
  }
});

test('the random source decides the position inside the window', () => {
  const values = [0, 0.5, 0.999999];
  const b = new Backoff({ random: () => values.shift() });
  assert.equal(b.next(), 0);
  assert.equal(b.next(), 500);
  assert.equal(b.next(), 1999);
  assert.equal(b.attempt, 3);
});

test('reset starts again from the base window', () => {
  const b = new Backoff({ random: () => 0.5 });
  for (let i = 0; i < 6; i++) b.next();
  assert.equal(b.next(), 15000);
  b.reset();
  assert.equal(b.attempt, 0);
  assert.equal(b.next(), 250);
});
