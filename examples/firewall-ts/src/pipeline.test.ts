import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Port, SdnClientError, Table } from '@sdn-runtime/sdk';
import { DEFAULT_COOKIE, firewallFlowMods } from './pipeline.js';

const COOKIE = 0xf1n;
const FLOOD = { type: 'output', port: Port.FLOOD, maxLen: 0 };
const ct = (flags: number, recircTable: number) => ({ type: 'nxCt', flags, zoneSrc: '', zoneOfsNbits: 9, recircTable, alg: 0, actions: [] });
const apply = (...actions: unknown[]) => [{ type: 'applyActions', actions }];
const v4 = { field: 'eth_type', value: 0x0800 };
const v6 = { field: 'eth_type', value: 0x86dd };
const state = (value: number, mask: number) => ({ field: 'ct_state', value, mask });
const add = (tableId: number, priority: number, match: unknown[], instructions: unknown[]) => ({ tableId, priority, cookie: COOKIE, match, instructions });

describe('firewall pipeline', () => {
  it('builds the two tables: classify and track, then decide on the connection state', () => {
    const mods = firewallFlowMods({ insidePorts: [3], insideNets: ['10.0.0.0/24', '2001:db8::/64'], zone: 9, cookie: COOKIE });
    const nd = (type: number) => add(0, 200, [v6, { field: 'ip_proto', value: 58 }, { field: 'icmpv6_type', value: type }], apply(FLOOD));
    const commit = (match: unknown[]) => add(1, 100, match, apply(ct(1, 255), FLOOD));
    assert.deepEqual(mods, [
      { command: 'delete', tableId: Table.ALL, cookie: COOKIE, cookieMask: 0xffffffffffffffffn },
      // table 0: ND forwarded, untracked IP to ct(table=1, zone=9), everything else forwarded
      nd(133), nd(134), nd(135), nd(136),
      add(0, 100, [v4, state(0, 0x20)], apply(ct(0, 1))),
      add(0, 100, [v6, state(0, 0x20)], apply(ct(0, 1))),
      add(0, 0, [], apply(FLOOD)),
      // table 1: +trk+inv dropped, +trk+est and +trk+rel forwarded, +trk+new committed from the inside, other +trk+new dropped
      add(1, 300, [state(0x30, 0x30)], []),
      add(1, 200, [state(0x22, 0x22)], apply(FLOOD)),
      add(1, 200, [state(0x24, 0x24)], apply(FLOOD)),
      commit([{ field: 'in_port', value: 3 }, v4, state(0x21, 0x21)]),
      commit([{ field: 'in_port', value: 3 }, v6, state(0x21, 0x21)]),
      commit([v4, { field: 'ipv4_src', value: '10.0.0.0', mask: '255.255.255.0' }, state(0x21, 0x21)]),
      commit([v6, { field: 'ipv6_src', value: '2001:db8::', mask: 'ffff:ffff:ffff:ffff::' }, state(0x21, 0x21)]),
      add(1, 50, [state(0x21, 0x21)], []),
    ]);
  });

  it('allows no new connection when nothing is inside, and uses its own cookie by default', () => {
    const mods = firewallFlowMods({ insidePorts: [], insideNets: [], zone: 0, cookie: DEFAULT_COOKIE });
    assert.equal(mods.filter((m) => m.priority === 100 && m.tableId === 1).length, 0);
    assert.ok(mods.every((m) => m.cookie === 0x667277616c6cn));
    assert.equal(DEFAULT_COOKIE >> 48n, 0n, 'the top 16 bits are the runtime\'s (the app id)');
  });

  it('refuses a bad address, port or zone with the SDK\'s INVALID error', () => {
    const config = { insidePorts: [], insideNets: [], zone: 1, cookie: COOKIE };
    for (const bad of [{ insideNets: ['10.0.0.0/33'] }, { insideNets: ['inside'] }, { insidePorts: [-1] }, { zone: 0x10000 }]) {
      assert.throws(() => firewallFlowMods({ ...config, ...bad }), (err: unknown) => err instanceof SdnClientError && err.code === 'INVALID', JSON.stringify(bad));
    }
  });
});
