import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, SdnClientError } from '../errors.js';
import { Event, type DeepPartial } from '../generated/sdn/runtime/v1/events.js';
import { KvEvent_Type } from '../generated/sdn/runtime/v1/kv.js';
import { SwitchRole } from '../generated/sdn/runtime/v1/switches.js';
import { eventFromProto } from './events.js';

/** An Event as it comes off the wire (encoded, then decoded by the generated code). */
function wire(e: DeepPartial<Event>): Event {
  return Event.decode(Event.encode(Event.fromPartial(e)).finish());
}

describe('event conversion', () => {
  it('a packet-in: bigint dpid and cookie, bytes as Uint8Array, match values typed by field', () => {
    const data = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x08, 0x06]);
    const ev = eventFromProto(
      wire({
        dpid: 0xfedcba9876543210n,
        timeMs: 1_700_000_000_000n,
        body: {
          $case: 'packetIn',
          value: {
            bufferId: 0xffffffff,
            totalLen: 14,
            reason: 0,
            tableId: 0,
            cookie: 5n,
            inPort: 3,
            data: Buffer.from(data),
            match: {
              fields: [
                { field: 'in_port', value: { kind: { $case: 'uint', value: 3n } } },
                { field: 'metadata', value: { kind: { $case: 'uint', value: 7n } }, mask: { kind: { $case: 'uint', value: 0xffn } } },
                { field: 'eth_src', value: { kind: { $case: 'text', value: '02:00:00:00:00:01' } } },
                { field: 'future_field', value: { kind: { $case: 'uint', value: 1n << 60n } } },
                { field: 'opaque', opaqueClass: 0xffff, opaqueField: 9, opaqueHasMask: false, opaquePayload: Buffer.from([1, 2]) },
              ],
            },
          },
        },
      }),
    );
    assert.equal(ev.type, 'packetIn');
    assert.equal(ev.dpid, 0xfedcba9876543210n);
    assert.equal(ev.timeMs, 1_700_000_000_000);
    assert.equal(ev.cookie, 5n);
    assert.ok(ev.data instanceof Uint8Array);
    assert.deepEqual([...ev.data], [...data]);
    assert.deepEqual(ev.match.slice(0, 4), [
      { field: 'in_port', value: 3 },
      { field: 'metadata', value: 7n, mask: 0xffn },
      { field: 'eth_src', value: '02:00:00:00:00:01' },
      { field: 'future_field', value: 1n << 60n },
    ]);
    assert.deepEqual({ ...ev.match[4], payload: [...(ev.match[4] as { payload: Uint8Array }).payload] }, { field: 'opaque', oxmClass: 0xffff, oxmField: 9, hasMask: false, payload: [1, 2] });
  });

  it('lifecycle events carry their seq', () => {
    const up = eventFromProto(wire({ seq: 9n, dpid: 1n, body: { $case: 'switchUp', value: { switch: { dpid: 1n, dpidHex: '0000000000000001', version: 4, ports: [{ portNo: 1, hwAddr: '02:00:00:00:00:01', name: 'p1' }], connectedAtMs: 5n } } } }));
    assert.equal(up.type, 'switchUp');
    assert.deepEqual([up.seq, up.switch.dpidHex, up.switch.ports[0]?.name, up.switch.connectedAtMs], [9n, '0000000000000001', 'p1', 5]);
    assert.equal(up.snapshot, false);
    const snap = eventFromProto(wire({ seq: 3n, dpid: 1n, body: { $case: 'switchUp', value: { switch: { dpid: 1n }, snapshot: true } } }));
    assert.deepEqual(snap.type === 'switchUp' && [snap.seq, snap.snapshot], [3n, true], 'a switch connected before the app subscribed');
    const down = eventFromProto(wire({ seq: 10n, dpid: 1n, body: { $case: 'switchDown', value: { reason: 'echoTimeout' } } }));
    assert.deepEqual(down.type === 'switchDown' && [down.seq, down.reason], [10n, 'echoTimeout']);
    const err = eventFromProto(wire({ seq: 11n, dpid: 1n, body: { $case: 'switchError', value: { type: 4, code: 9, description: 'OFPET_BAD_MATCH/OFPBMC_BAD_PREREQ', data: Buffer.from([4]) } } }));
    assert.deepEqual(err.type === 'switchError' && [err.error.type, err.error.code, err.error.description], [4, 9, 'OFPET_BAD_MATCH/OFPBMC_BAD_PREREQ']);
    const fr = eventFromProto(wire({ seq: 12n, dpid: 1n, body: { $case: 'flowRemoved', value: { cookie: 1n, reason: 0, packetCount: 3n } } }));
    assert.deepEqual(fr.type === 'flowRemoved' && [fr.cookie, fr.packetCount, fr.match], [1n, 3n, []]);
    const ps = eventFromProto(wire({ seq: 13n, dpid: 1n, body: { $case: 'portStatus', value: { reason: 2, desc: { portNo: 4, state: 1 } } } }));
    assert.deepEqual(ps.type === 'portStatus' && [ps.reason, ps.port.portNo, ps.port.state], [2, 4, 1]);
  });

  it('pubsub, kv and gap events', () => {
    const msg = eventFromProto(wire({ body: { $case: 'pubsub', value: { subject: 'a.b', payload: Buffer.from('hi'), headers: { k: 'v' } } } }));
    assert.deepEqual(msg.type === 'message' && [msg.subject, Buffer.from(msg.payload).toString(), msg.headers], ['a.b', 'hi', { k: 'v' }]);
    const kv = eventFromProto(wire({ body: { $case: 'kv', value: { type: KvEvent_Type.TYPE_DELETE, kv: { key: Buffer.from('k'), modRevision: 4n } } } }));
    assert.deepEqual(kv.type === 'kvChange' && [kv.change, Buffer.from(kv.kv.key).toString(), kv.kv.modRevision], ['delete', 'k', 4n]);
    const gap = eventFromProto(wire({ body: { $case: 'gap', value: { fromSeq: 3n, toSeq: 7n, packetInsShed: 2n } } }));
    assert.deepEqual(gap.type === 'gap' && [gap.fromSeq, gap.toSeq, gap.packetInsShed, gap.runtimeRestarted], [3n, 7n, 2n, false]);
  });

  it('topology events: links and hosts with their endpoints, as lifecycle events', () => {
    const link = { src: { dpid: 1n, port: 2 }, dst: { dpid: 3n, port: 4 }, latencyMs: 5, srcNode: 6, upSinceMs: 7n, lastSeenMs: 8n };
    const up = eventFromProto(wire({ seq: 20n, dpid: 3n, body: { $case: 'linkUp', value: { link } } }));
    assert.deepEqual(up, { type: 'linkUp', dpid: 3n, seq: 20n, timeMs: 0, link: { ...link, upSinceMs: 7, lastSeenMs: 8 } });
    const down = eventFromProto(wire({ seq: 21n, dpid: 3n, body: { $case: 'linkDown', value: { link, reason: 'timeout' } } }));
    assert.ok(down.type === 'linkDown' && down.reason === 'timeout' && down.link.src.port === 2);
    const host = { mac: '02:00:00:00:00:01', ips: ['10.0.0.1'], location: { dpid: 1n, port: 3 }, firstSeenMs: 1n, lastSeenMs: 2n };
    const added = eventFromProto(wire({ seq: 22n, dpid: 1n, body: { $case: 'hostAdded', value: { host } } }));
    assert.deepEqual(added, { type: 'hostAdded', dpid: 1n, seq: 22n, timeMs: 0, host: { ...host, firstSeenMs: 1, lastSeenMs: 2 } });
    const moved = eventFromProto(wire({ seq: 23n, dpid: 1n, body: { $case: 'hostMoved', value: { host, from: { dpid: 2n, port: 9 } } } }));
    assert.ok(moved.type === 'hostMoved' && moved.from.dpid === 2n && moved.host.location.port === 3);
    const removed = eventFromProto(wire({ seq: 24n, dpid: 1n, body: { $case: 'hostRemoved', value: { host, reason: 'notEdge' } } }));
    assert.ok(removed.type === 'hostRemoved' && removed.reason === 'notEdge');
    assert.throws(() => eventFromProto(wire({ seq: 25n, body: { $case: 'linkUp', value: {} } })), (e: unknown) => e instanceof SdnClientError && e.code === ErrorCode.PROTOCOL);
  });

  it('a role change: the role as a word, an unknown master and generation as \'\' and 0n; an unknown role is a PROTOCOL error', () => {
    const slave = eventFromProto(wire({ seq: 30n, dpid: 5n, timeMs: 9n, body: { $case: 'roleChanged', value: { role: SwitchRole.SWITCH_ROLE_SLAVE, masterNode: 'node-b', generation: 41n } } }));
    assert.deepEqual(slave, { type: 'roleChanged', dpid: 5n, seq: 30n, timeMs: 9, role: 'slave', masterNode: 'node-b', generation: 41n });
    const none = eventFromProto(wire({ seq: 31n, dpid: 5n, body: { $case: 'roleChanged', value: { role: SwitchRole.SWITCH_ROLE_NONE } } }));
    assert.deepEqual(none.type === 'roleChanged' && [none.role, none.masterNode, none.generation], ['none', '', 0n]);
    const master = eventFromProto(wire({ seq: 32n, dpid: 5n, body: { $case: 'roleChanged', value: { role: SwitchRole.SWITCH_ROLE_MASTER } } }));
    assert.equal(master.type === 'roleChanged' && master.role, 'master');
    assert.throws(() => eventFromProto(wire({ seq: 33n, body: { $case: 'roleChanged', value: { role: SwitchRole.SWITCH_ROLE_UNSPECIFIED } } })), (e: unknown) => e instanceof SdnClientError && e.code === ErrorCode.PROTOCOL);
  });

  it('node events: the other node\'s id, names, route cost or reason, as lifecycle events of no switch', () => {
    const up = eventFromProto(wire({ seq: 40n, timeMs: 3n, body: { $case: 'nodeUp', value: { nodeId: 0xfeedbeef, aliases: ['b', 'edge'], costMs: 12.5 } } }));
    assert.deepEqual(up, { type: 'nodeUp', dpid: 0n, seq: 40n, timeMs: 3, nodeId: 0xfeedbeef, aliases: ['b', 'edge'], costMs: 12.5 });
    const down = eventFromProto(wire({ seq: 41n, body: { $case: 'nodeDown', value: { nodeId: 7, reason: 'linkDown', detail: 'shutdown: the connection closed' } } }));
    assert.deepEqual(down, { type: 'nodeDown', dpid: 0n, seq: 41n, timeMs: 0, nodeId: 7, aliases: [], reason: 'linkDown', detail: 'shutdown: the connection closed' });
  });

  it('an event without a body is a PROTOCOL error', () => {
    assert.throws(() => eventFromProto(wire({ seq: 1n })), (e: unknown) => e instanceof SdnClientError && e.code === ErrorCode.PROTOCOL);
  });
});
