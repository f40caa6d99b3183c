import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EthType, SdnClientError, Table } from '@sdn-runtime/sdk';
import { aclFlowMods, DEFAULT_COOKIE, parsePair } from './rules.js';

const invalid = (fn: () => unknown, detail: RegExp) => assert.throws(fn, (err: unknown) => err instanceof SdnClientError && err.code === 'INVALID' && detail.test(err.message));

describe('acl rules', () => {
  it('clears its flows, then drops each blocked pair in both directions, by MAC', () => {
    const mods = aclFlowMods({ blocked: [{ a: '00:00:00:00:00:01', b: '00:00:00:00:00:03' }], priority: 1000, cookie: 7n });
    // The SDK's builder keeps fields in OXM order: eth_dst before eth_src.
    const mac = (src: string, dst: string) => [
      { field: 'eth_dst', value: dst },
      { field: 'eth_src', value: src },
    ];
    assert.deepEqual(mods, [
      { command: 'delete', tableId: Table.ALL },
      { priority: 1000, cookie: 7n, match: mac('00:00:00:00:00:01', '00:00:00:00:00:03'), instructions: [] },
      { priority: 1000, cookie: 7n, match: mac('00:00:00:00:00:03', '00:00:00:00:00:01'), instructions: [] },
    ]);
  });

  it('drops by IPv4 address with the eth_type prerequisite', () => {
    const [, there, back] = aclFlowMods({ blocked: [parsePair('10.0.0.1, 10.0.0.3')], priority: 5, cookie: DEFAULT_COOKIE });
    assert.deepEqual(there!.match, [
      { field: 'eth_type', value: EthType.IPV4 },
      { field: 'ipv4_src', value: '10.0.0.1' },
      { field: 'ipv4_dst', value: '10.0.0.3' },
    ]);
    assert.equal(back!.match instanceof Array && back!.match.length, 3);
  });

  it('keeps its cookie inside the 48 bits an app owns', () => {
    assert.equal(DEFAULT_COOKIE >> 48n, 0n);
  });

  it('refuses what is not a pair of two hosts of one kind', () => {
    invalid(() => parsePair('10.0.0.1'), /not a pair "A,B"/);
    invalid(() => aclFlowMods({ blocked: [{ a: '10.0.0.1', b: '00:00:00:00:00:01' }], priority: 1, cookie: 1n }), /two MAC or two IPv4/);
    invalid(() => aclFlowMods({ blocked: [{ a: '10.0.0.300', b: '10.0.0.1' }], priority: 1, cookie: 1n }), /neither a MAC address/);
    invalid(() => aclFlowMods({ blocked: [{ a: '10.0.0.1', b: '10.0.0.1' }], priority: 1, cookie: 1n }), /two different hosts/);
  });
});
