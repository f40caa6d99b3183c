import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WriteBuffers } from './write-buffers.js';

describe('WriteBuffers', () => {
  it('gives out a buffer again once the socket wrote it, never while it is being written', () => {
    const buffers = new WriteBuffers();
    const first = buffers.take(16_384);
    assert.ok(first.length >= 16_384);
    const second = buffers.take(16_384);
    assert.notEqual(second.buffer, first.buffer, 'the first is still being written');
    buffers.written(first);
    assert.equal(buffers.take(9_000), first, 'written: given out again');
    assert.notEqual(buffers.take(9_000), first, 'not twice');
  });

  it('keeps the larger spare, and none over its bound', () => {
    const buffers = new WriteBuffers();
    const small = buffers.take(8_192);
    const large = buffers.take(65_536);
    buffers.written(large);
    buffers.written(small);
    assert.equal(buffers.take(5_000), large, 'the larger spare is kept');
    const huge = buffers.take(1_048_576);
    buffers.written(huge);
    assert.notEqual(buffers.take(5_000), huge, 'a buffer over the bound is not kept');
  });
});
