import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Positions, formatEventId, parseEventId } from './lib.js';

test('offsets at or below the last seen one in the same epoch are duplicates', () => {
  const p = new Positions();
  assert.equal(p.accept('a', 'e1', 5), true);
  assert.equal(p.accept('a', 'e1', 5), false);
  assert.equal(p.accept('a', 'e1', 3), false);
  assert.equal(p.accept('a', 'e1', 6), true);
  assert.deepEqual(p.get('a'), { epoch: 'e1', offset: 6 });
});

test('a gap is accepted (the client cannot invent missing events) and moves the position', () => {
  const p = new Positions();
  p.accept('a', 'e1', 1);
  assert.equal(p.accept('a', 'e1', 9), true);
  assert.equal(p.accept('a', 'e1', 8), false);
});

test('a new epoch restarts the sequence', () => {
  const p = new Positions();
  p.accept('a', 'e1', 40);
  assert.equal(p.accept('a', 'e2', 1), true);
  assert.deepEqual(p.get('a'), { epoch: 'e2', offset: 1 });
  assert.equal(p.accept('a', 'e2', 1), false);
});

test('channels are tracked independently', () => {
  const p = new Positions();
  p.accept('a', 'e1', 10);
  assert.equal(p.accept('b', 'e1', 1), true);
  assert.equal(p.accept('b', 'e1', 1), false);
  assert.equal(p.accept('a', 'e1', 11), true);
});

test('the compound SSE id lists the channels with a position', () => {
  const p = new Positions();
  p.set('consumer.events', 'e9', 46);
  p.set('prices.btc-usd', 'e3', 12);
  assert.equal(p.toEventId(['consumer.events', 'nothing.yet', 'prices.btc-usd']), 'consumer.events@e9:46,prices.btc-usd@e3:12');
  assert.equal(p.toEventId([]), '');
});

test('compound ids round-trip, including channel names with colons', () => {
  const entries = [['chat:room-1', { epoch: 'ab12', offset: 0 }], ['a.b', { epoch: 'x', offset: 123456 }]];
  const id = formatEventId(entries);
  assert.equal(id, 'chat:room-1@ab12:0,a.b@x:123456');
  assert.deepEqual([...parseEventId(id)], entries);
});

test('malformed items of a compound id are skipped', () => {
  const parsed = parseEventId('A@e9:46,nope,b@e1:x,c@:4,d@e2:7,@e:1');
  assert.deepEqual([...parsed.keys()], ['d']);
  assert.equal(parseEventId('').size, 0);
  assert.equal(parseEventId(undefined).size, 0);
});

test('a channel never published has the empty epoch at offset 0, and its id round-trips', () => {
  const p = new Positions();
  p.set('recipes.new', '', 0);
  assert.equal(p.toEventId(['recipes.new']), 'recipes.new@:0');
  assert.deepEqual([...parseEventId('recipes.new@:0,chat:x@:0')], [['recipes.new', { epoch: '', offset: 0 }], ['chat:x', { epoch: '', offset: 0 }]]);
  assert.equal(parseEventId('c@:4').size, 0, 'only offset 0 exists without an epoch');
  assert.equal(p.accept('recipes.new', 'e1', 1), true, 'the first event brings the epoch');
  assert.deepEqual(p.get('recipes.new'), { epoch: 'e1', offset: 1 });
});
