import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventInterest } from './event-interest.js';

describe('EventInterest', () => {
  it('counts holds per kind and dpid: a kind stays wanted until its last hold is released', () => {
    const interest = new EventInterest();
    let changes = 0;
    interest.onChange(() => changes++);
    const some = interest.hold(['packetIn'], [1n, 2n, 2n]);
    const alsoOne = interest.hold(['packetIn', 'error'], [1n]);
    assert.deepEqual(interest.of('packetIn'), new Set([1n, 2n]));
    assert.deepEqual(interest.of('error'), new Set([1n]));
    const every = interest.hold(['packetIn']);
    assert.equal(interest.of('packetIn'), 'all');
    every();
    some();
    assert.deepEqual(interest.of('packetIn'), new Set([1n]));
    alsoOne();
    alsoOne();
    assert.equal(interest.of('packetIn'), undefined);
    assert.equal(interest.of('error'), undefined);
    assert.equal(changes, 6);
  });
});
