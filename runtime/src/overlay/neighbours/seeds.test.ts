import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSeed, parseSeeds } from './seeds.js';

describe('seeds', () => {
  it('parses ID@HOST:PORT, IPv6 in brackets', () => {
    assert.deepEqual(parseSeed('7@10.0.0.2:7000', 1), { node: 7, host: '10.0.0.2', port: 7000, addr: '10.0.0.2:7000' });
    assert.deepEqual(parseSeed('4294967295@[::1]:1', 1), { node: 4294967295, host: '::1', port: 1, addr: '[::1]:1' });
    assert.deepEqual(
      parseSeeds(' 2@a:1, 3@b.example:2 ,', 1).map((s) => s.addr),
      ['a:1', 'b.example:2'],
    );
  });

  it('refuses a seed naming this node, with the reason', () => {
    assert.throws(() => parseSeed('5@10.0.0.5:7000', 5), { code: 'OVERLAY_SEED', message: /names this node \(5\); a node does not dial itself/ });
  });

  for (const [text, reason] of [
    ['10.0.0.2:7000', /not ID@HOST:PORT/],
    ['x@h:1', /not a decimal number/],
    ['0@h:1', /outside 1\.\.4294967295/],
    ['4294967296@h:1', /outside/],
    ['2@h', /no :PORT/],
    ['2@h:0', /not 1\.\.65535/],
    ['2@h:65536', /not 1\.\.65535/],
    ['2@:7', /host "" is not/],
    ['2@::1:7', /IPv6 host goes in brackets/],
  ] as const) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      assert.throws(() => parseSeed(text, 1), { code: 'OVERLAY_SEED', message: reason });
    });
  }

  it('refuses a node listed twice', () => {
    assert.throws(() => parseSeeds('2@a:1,2@b:1', 1), { code: 'OVERLAY_SEED', message: /node 2 appears twice/ });
  });
});
