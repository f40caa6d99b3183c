import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeMessage, encodeMessage, Reader, Writer, type PacketIn } from '../openflow/index.js';
import { appCookie, cookieSeenBy, NO_COOKIE } from '../ownership/index.js';
import type { Host, Link } from '../topology/index.js';
import { eventKind, readEvent, witEvent, writeEvent, type HostEvent, type WorkerEvent } from './events-wire.js';
import { packetInMessages, packetInWit } from './testing/glue-corpus.js';
import type { WitEvent } from './wit-types.js';

const link: Link = { src: { dpid: 1n, port: 2 }, dst: { dpid: 0xabn, port: 3 }, latencyMs: 1.6, srcNode: 7, upSinceMs: 1_700_000_000_000.4, lastSeenMs: 1_700_000_002_000 };
const host: Host = { mac: '02:00:00:00:00:01', ips: ['10.0.0.1', 'fe80::1'], location: { dpid: 0xabn, port: 4 }, firstSeenMs: 1_700_000_000_000, lastSeenMs: 1_700_000_001_000 };
const witLink = { src: { dpid: '0000000000000001', port: 2 }, dst: { dpid: '00000000000000ab', port: 3 }, latencyMs: 2, srcNode: 7, upSinceMs: 1_700_000_000_000n, lastSeenMs: 1_700_000_002_000n };
const witHost = { mac: '02:00:00:00:00:01', ips: ['10.0.0.1', 'fe80::1'], location: { dpid: '00000000000000ab', port: 4 }, firstSeenMs: 1_700_000_000_000n, lastSeenMs: 1_700_000_001_000n };

/** The plugin's app id, and another app's. */
const APP = 0x21;
const OTHER = 0x22;
const DPID = 0xabn;

/** What the main thread writes for the plugin of app id APP, and the events the worker reads from it (packet-ins as frames). */
function written(events: HostEvent[]): { bytes: Buffer; read: WorkerEvent[] } {
  const w = new Writer(16);
  for (const e of events) writeEvent(w, e, eventKind(e)!, APP);
  const r = new Reader(w.buf, 0, w.pos, 'test');
  const read: WorkerEvent[] = [];
  while (r.remaining() > 0) read.push(readEvent(r));
  return { bytes: w.buf.subarray(0, w.pos), read };
}

function roundTrip(events: HostEvent[]): WitEvent[] {
  return written(events).read.map(witEvent);
}

function frameOf(e: WorkerEvent): Buffer {
  assert.equal(e.tag, 'packet-in-frame');
  const f = e as Extract<WorkerEvent, { tag: 'packet-in-frame' }>;
  return f.bytes.subarray(f.start, f.end);
}

const u64 = (n: bigint): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(n);
  return b;
};

describe('events-wire: packet-ins as the bytes the switch sent', () => {
  /** `m` as the plugin of APP is shown it. */
  const shown = (m: PacketIn): PacketIn => ({ ...m, cookie: cookieSeenBy(APP, m.cookie) });

  it('passes the frame on as it is (but the cookie) and decodes it into the WIT value the message has', () => {
    for (const m of packetInMessages()) {
      const frame = encodeMessage(m);
      const message = decodeMessage(frame) as PacketIn;
      const { read } = written([{ type: 'packetIn', node: 1, dpid: DPID, message, frame }]);
      assert.deepEqual(frameOf(read[0]!), encodeMessage(shown(m)));
      assert.deepEqual(witEvent(read[0]!), packetInWit('00000000000000ab', shown(message)));
    }
  });

  it('encodes a packet-in once as OpenFlow 1.3 when it has no frame, or one of another version', () => {
    for (const m of packetInMessages()) {
      const frame10 = Buffer.from(encodeMessage(m));
      frame10[0] = 1;
      const { read } = written([
        { type: 'packetIn', node: 1, dpid: DPID, message: m },
        { type: 'packetIn', node: 1, dpid: DPID, message: m, frame: frame10 },
      ]);
      assert.deepEqual(read.map(frameOf), [encodeMessage(shown(m)), encodeMessage(shown(m))]);
    }
  });

  it('shows the plugin its own cookie bits only: a cookie with another app\'s bits never leaves the main thread', () => {
    const m = packetInMessages()[0]!;
    /** [the switch's cookie, the cookie of the event as the bus routed it, what the plugin is shown] */
    const cases: [bigint, bigint, bigint][] = [
      [appCookie(APP, 0x1234n), 0x1234n, 0x1234n], // its own flow: routed to it, ownership masked it
      [appCookie(OTHER, 0x5678n), appCookie(OTHER, 0x5678n), NO_COOKIE], // a table miss through another app's table-miss flow
      [appCookie(APP, 9n), appCookie(APP, 9n), 9n], // a table miss through its own table-miss flow
      [appCookie(0, 5n), appCookie(0, 5n), 5n], // the runtime's flow
      [NO_COOKIE, NO_COOKIE, NO_COOKIE], // no flow
    ];
    for (const [switchCookie, routed, shown] of cases) {
      const frame = encodeMessage({ ...m, cookie: switchCookie });
      const { bytes, read } = written([{ type: 'packetIn', node: 1, dpid: DPID, message: { ...(decodeMessage(frame) as PacketIn), cookie: routed }, frame }]);
      assert.equal(frameOf(read[0]!).readBigUInt64BE(16), shown);
      assert.equal((witEvent(read[0]!).val as { cookie: string }).cookie, shown.toString());
      if (switchCookie !== shown) assert.equal(bytes.indexOf(u64(switchCookie)), -1, `the switch's cookie ${switchCookie.toString(16)} is in what the worker gets`);
      assert.deepEqual(frameOf(read[0]!).subarray(24), frame.subarray(24), 'the rest of the frame as the switch sent it');
    }
  });
});

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
