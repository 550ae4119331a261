import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SseParser } from './lib.js';

function parse(chunks) {
  const events = [];
  const parser = new SseParser((e) => events.push(e));
  for (const c of chunks) parser.push(c);
  return { events, parser };
}

test('events split across chunks at any point are reassembled', () => {
  const text = 'id: a@e1:1\nevent: price-update\ndata: {"x":1}\n\nid: a@e1:2\ndata: {"x":2}\n\n';
  for (let cut = 0; cut <= text.length; cut++) {
    const { events, parser } = parse([text.slice(0, cut), text.slice(cut)]);
    assert.deepEqual(events, [
      { id: 'a@e1:1', event: 'price-update', data: '{"x":1}' },
      { id: 'a@e1:2', event: 'message', data: '{"x":2}' },
    ], `cut at ${cut}`);
    assert.equal(parser.lastEventId, 'a@e1:2');
  }
});

test('CRLF and CR line endings, also split between chunks', () => {
  const { events } = parse(['data: one\r', '\n\r\ndata: two\r\r']);
  assert.deepEqual(events.map((e) => e.data), ['one', 'two']);
});

test('comments are ignored, data lines are joined with newlines, a missing space is fine', () => {
  const { events } = parse([': keep-alive\n\ndata:line1\ndata: line2\n\n']);
  assert.deepEqual(events, [{ id: null, event: 'message', data: 'line1\nline2' }]);
});

test('a block without data dispatches nothing but still sets the last event id', () => {
  const { events, parser } = parse(['id: x@e:3\n\n']);
  assert.equal(events.length, 0);
  assert.equal(parser.lastEventId, 'x@e:3');
});

test('an unterminated event is not dispatched', () => {
  const { events } = parse(['data: half']);
  assert.equal(events.length, 0);
});
