import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Event, EventKind, Subscribe } from '../../generated/sdn/runtime/v1/events.js';
import { OFPR_ACTION, OFPR_NO_MATCH, type PacketIn } from '../../openflow/index.js';
import { appCookie, NO_COOKIE } from '../../ownership/index.js';
import { label, lifecycle, packetIn } from '../../testing/stream-events.js';
import { Delivery, type ShedKind } from './delivery.js';
import { accepts, filterOf } from './filter.js';
import { StreamEvent } from './event.js';

function drain(d: Delivery): string[][] {
  const batches: string[][] = [];
  for (let b = d.nextBatch(0); b !== undefined; b = d.nextBatch(0)) batches.push(b.map(label));
  return batches;
}

describe('Delivery: credit, batches and shedding', () => {
  it('sends no more events than the credit, in batches of at most maxBatch', () => {
    const d = new Delivery({ lifecycle: 100, packetIns: 100 }, 3, 2, { onShed: () => {}, onFull: () => {} });
    for (let seq = 1; seq <= 6; seq++) d.push(lifecycle(seq));
    assert.deepEqual(drain(d), [['L1', 'L2'], ['L3']]);
    assert.equal(d.remainingCredit, 0);
    d.grant(10);
    assert.deepEqual(drain(d), [['L4', 'L5'], ['L6']]);
    assert.equal(d.remainingCredit, 7);
  });

  it('calls a client behind once more than three quarters of its window is unconsumed', () => {
    const d = new Delivery({ lifecycle: 100, packetIns: 100 }, 8, 100, { onShed: () => {}, onFull: () => {} });
    for (let seq = 1; seq <= 7; seq++) d.push(lifecycle(seq));
    d.nextBatch(0);
    assert.equal(d.behind, true, '1 of 8 left');
    d.grant(1);
    assert.equal(d.behind, false, '2 of 8 left');
  });

  it('keeps arrival order across lifecycle events and packet-ins', () => {
    const d = new Delivery({ lifecycle: 100, packetIns: 100 }, 100, 100, { onShed: () => {}, onFull: () => {} });
    d.push(lifecycle(1));
    d.push(packetIn(10));
    d.push(lifecycle(2));
    d.push(packetIn(11));
    assert.deepEqual(drain(d), [['L1', 'P10', 'L2', 'P11']]);
  });

  it('sheds the oldest packet-ins beyond the bound, counts them, and reports them in a Gap first', () => {
    const shed: ShedKind[] = [];
    const d = new Delivery({ lifecycle: 100, packetIns: 4 }, 0, 100, { onShed: (k) => shed.push(k), onFull: () => {} });
    for (let i = 1; i <= 10; i++) d.push(packetIn(i));
    assert.equal(shed.length, 6);
    assert.ok(shed.every((k) => k === 'packetIn'));
    assert.equal(d.nextBatch(0), undefined);
    d.grant(100);
    assert.deepEqual(drain(d), [['G0-0/6', 'P7', 'P8', 'P9', 'P10']]);
    assert.equal(d.remainingCredit, 95);
  });

  it('drops lifecycle events beyond the bound and puts one Gap with their seq range at their place', () => {
    const shed: ShedKind[] = [];
    const d = new Delivery({ lifecycle: 3, packetIns: 100 }, 0, 100, { onShed: (k) => shed.push(k), onFull: () => {} });
    for (let seq = 1; seq <= 6; seq++) d.push(lifecycle(seq));
    d.push(packetIn(50));
    d.grant(100);
    assert.deepEqual(drain(d), [['L1', 'L2', 'L3', 'G4-6/0', 'P50']]);
    assert.deepEqual(shed, ['lifecycle', 'lifecycle', 'lifecycle']);
    // Room again: later events queue normally.
    d.push(lifecycle(7));
    assert.deepEqual(drain(d), [['L7']]);
  });

  it('asks its host to send before it sheds, so a client with credit loses nothing', () => {
    const sent: string[] = [];
    const d: Delivery = new Delivery({ lifecycle: 100, packetIns: 2 }, 100, 10, {
      onShed: () => assert.fail('nothing may be shed'),
      onFull: () => {
        for (let b = d.nextBatch(0); b !== undefined; b = d.nextBatch(0)) sent.push(...b.map(label));
      },
    });
    for (let i = 1; i <= 5; i++) d.push(packetIn(i));
    sent.push(...drain(d).flat());
    assert.deepEqual(sent, ['P1', 'P2', 'P3', 'P4', 'P5']);
  });

  it('reports a KV event that finds its queue full, so the stream can end', () => {
    const d = new Delivery({ lifecycle: 2, packetIns: 2 }, 0, 10, { onShed: () => {}, onFull: () => {} });
    const kv = (): StreamEvent => new StreamEvent(EventKind.EVENT_KIND_KV, 0n, 0, 0, () => ({ $case: 'kv', value: { type: 0, kv: undefined } }));
    assert.equal(d.push(kv()), true);
    assert.equal(d.push(kv()), true);
    assert.equal(d.push(kv()), false);
  });
});

describe('Delivery: the packet-in cookie a stream\'s app may see', () => {
  const cookieOf = (bytes: Uint8Array): bigint | undefined => {
    const body = Event.decode(bytes).body;
    return body?.$case === 'packetIn' ? body.value.cookie : undefined;
  };
  const sent = (appId: number | undefined, cookie: bigint, reason = OFPR_NO_MATCH): bigint | undefined => {
    const message: PacketIn = { type: 'PacketIn', version: 4, xid: 0, bufferId: 0xffffffff, totalLen: 1, reason, tableId: 0, cookie, match: [{ field: 'in_port', value: 1 }], data: new Uint8Array(1) };
    const d = new Delivery({ lifecycle: 100, packetIns: 100 }, 10, 10, { onShed: () => {}, onFull: () => {}, appId });
    d.push(new StreamEvent(EventKind.EVENT_KIND_PACKET_IN, 1n, 0, 5, undefined, message));
    return cookieOf(d.nextBatch(0)![0]!);
  };

  it('a table miss through another app\'s table-miss flow: NO_COOKIE, never that app\'s bits; through its own: its own part', () => {
    assert.equal(sent(5, appCookie(7, 0x42n)), NO_COOKIE);
    assert.equal(sent(7, appCookie(7, 0x42n)), 0x42n);
  });

  it('a flow no app owns, or none (the all-ones cookie): as the switch sent it; a stream of no app: as the switch sent it', () => {
    assert.equal(sent(5, 0x42n), 0x42n);
    assert.equal(sent(5, NO_COOKIE), NO_COOKIE);
    assert.equal(sent(undefined, appCookie(7, 0x42n)), appCookie(7, 0x42n));
    assert.equal(sent(7, 0x42n, OFPR_ACTION), 0x42n, 'an owned packet-in arrives with its own part already (Ownership.route)');
  });

  it('a packet-in filter on cookies compares the cookie the app is shown', () => {
    const message: PacketIn = { type: 'PacketIn', version: 4, xid: 0, bufferId: 0xffffffff, totalLen: 1, reason: OFPR_NO_MATCH, tableId: 0, cookie: appCookie(7, 0x42n), match: [], data: new Uint8Array(1) };
    const event = new StreamEvent(EventKind.EVENT_KIND_PACKET_IN, 1n, 0, 5, undefined, message);
    const wants = (appId: number, cookie: bigint): boolean => accepts(filterOf(Subscribe.fromPartial({ kinds: [EventKind.EVENT_KIND_PACKET_IN], packetIn: { cookies: [cookie] } }), 'subscribe', appId), event);
    assert.equal(wants(7, 0x42n), true, 'its own table-miss flow, by its own part');
    assert.equal(wants(5, 0x42n), false, 'another app\'s own part means nothing to it');
    assert.equal(wants(5, NO_COOKIE), true);
  });
});
