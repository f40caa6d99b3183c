import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Reader, Writer } from '../openflow/index.js';
import type { Host, Link } from '../topology/index.js';
import { eventKind, readEvent, writeEvent, type HostEvent } from './events-wire.js';
import type { WitEvent } from './wit-types.js';

const link: Link = { src: { dpid: 1n, port: 2 }, dst: { dpid: 0xabn, port: 3 }, latencyMs: 1.6, srcNode: 7, upSinceMs: 1_700_000_000_000.4, lastSeenMs: 1_700_000_002_000 };
const host: Host = { mac: '02:00:00:00:00:01', ips: ['10.0.0.1', 'fe80::1'], location: { dpid: 0xabn, port: 4 }, firstSeenMs: 1_700_000_000_000, lastSeenMs: 1_700_000_001_000 };
const witLink = { src: { dpid: '0000000000000001', port: 2 }, dst: { dpid: '00000000000000ab', port: 3 }, latencyMs: 2, srcNode: 7, upSinceMs: 1_700_000_000_000n, lastSeenMs: 1_700_000_002_000n };
const witHost = { mac: '02:00:00:00:00:01', ips: ['10.0.0.1', 'fe80::1'], location: { dpid: '00000000000000ab', port: 4 }, firstSeenMs: 1_700_000_000_000n, lastSeenMs: 1_700_000_001_000n };

function roundTrip(events: HostEvent[]): WitEvent[] {
  const w = new Writer(16);
  for (const e of events) writeEvent(w, e, eventKind(e)!);
  const r = new Reader(w.buf, 0, w.pos, 'test');
  const out: WitEvent[] = [];
  while (r.remaining() > 0) out.push(readEvent(r));
  return out;
}

describe('events-wire: the events of world 0.2.0', () => {
  it('carries topology and role events to the worker as their WIT values (whole ms, dpids as text)', () => {
    const node = 1;
    assert.deepEqual(
      roundTrip([
        { type: 'linkUp', node, dpid: 0xabn, link },
        { type: 'linkDown', node, dpid: 0xabn, link, reason: 'portDown' },
        { type: 'hostAdded', node, dpid: 0xabn, host },
        { type: 'hostMoved', node, dpid: 0xabn, host, from: { dpid: 1n, port: 9 } },
        { type: 'hostRemoved', node, dpid: 0xabn, host, reason: 'timeout' },
        { type: 'roleChanged', node, dpid: 0xabn, role: 'slave', masterNode: 'b', generation: 9n },
        { type: 'roleChanged', node, dpid: 0xabn, role: 'master', masterNode: undefined, generation: undefined },
      ]),
      [
        { tag: 'link-up', val: { link: witLink } },
        { tag: 'link-down', val: { link: witLink, reason: 'portDown' } },
        { tag: 'host-added', val: { host: witHost } },
        { tag: 'host-moved', val: { host: witHost, from: { dpid: '0000000000000001', port: 9 } } },
        { tag: 'host-removed', val: { host: witHost, reason: 'timeout' } },
        { tag: 'role-changed', val: { dpid: '00000000000000ab', role: 'slave', masterNode: 'b', generation: '9' } },
        { tag: 'role-changed', val: { dpid: '00000000000000ab', role: 'master', masterNode: undefined, generation: undefined } },
      ],
    );
  });

  it('names the WIT kind of every event plugins can see', () => {
    assert.equal(eventKind({ type: 'hostMoved', node: 1, dpid: 1n, host, from: host.location }), 'host-moved');
    assert.equal(eventKind({ type: 'roleChanged', node: 1, dpid: 1n, role: 'none', masterNode: undefined, generation: undefined }), 'role-changed');
  });
});
