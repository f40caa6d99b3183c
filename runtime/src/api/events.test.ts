import assert from 'node:assert/strict';
import { credentials, makeGenericClientConstructor, Metadata, status, type ClientDuplexStream } from '@grpc/grpc-js';
import { after, before, describe, it } from 'node:test';
import { encodeMessage, type OfpMessage } from '../openflow/index.js';
import { EventKind, EventsService, type Event } from '../generated/sdn/runtime/v1/events.js';
import { StreamClient } from '../testing/api-client.js';
import { FakeSwitch } from '../testing/fake-switch.js';
import { eventually, metricValue, startTestRuntime, type TestRuntime } from '../testing/test-runtime.js';

function frame(ethType: number, size = 60): Buffer {
  const f = Buffer.alloc(size);
  f.writeUInt16BE(ethType, 12);
  return f;
}

function packetIn(id: number, data: Buffer, inPort = 1): OfpMessage {
  return { type: 'PacketIn', version: 4, xid: 0, bufferId: id, totalLen: data.length, reason: 0, tableId: 0, cookie: 0n, match: [{ field: 'in_port', value: inPort }], data };
}

const body = (e: Event): string | undefined => e.body?.$case;
const packetIns = (c: StreamClient): Event[] => c.events.filter((e) => body(e) === 'packetIn');
const shedIn = (c: StreamClient): number => c.events.reduce((n, e) => n + (e.body?.$case === 'gap' ? Number(e.body.value.packetInsShed) : 0), 0);

describe('Events.Connect: subscription, delivery and filters', () => {
  let t: TestRuntime;
  before(async () => {
    t = await startTestRuntime();
  });
  after(() => t.stop());

  it('delivers switch up, packet-ins (filtered per client) and switch down', async () => {
    const all = new StreamClient(t.rt.grpcPort);
    const arpOnly = new StreamClient(t.rt.grpcPort);
    const subscribed = await all.subscribe({ appName: 'all' });
    assert.equal(subscribed.nodeId, 'test-node');
    await arpOnly.subscribe({ appName: 'arp', kinds: [EventKind.EVENT_KIND_PACKET_IN], packetIn: { ethTypes: [0x0806] } });

    const sw = await FakeSwitch.connect(t.rt.openflowPort, { dpid: 0xa1n });
    const up = await all.event((e) => body(e) === 'switchUp', 'switch up');
    assert.equal(up.dpid, 0xa1n);
    assert.ok(up.seq > 0n);
    assert.equal(up.body?.$case === 'switchUp' && up.body.value.switch?.dpidHex, '00000000000000a1');
    assert.deepEqual(up.body?.$case === 'switchUp' && up.body.value.switch?.ports.map((p) => p.portNo), [1, 2]);

    sw.send(packetIn(1, frame(0x0800), 2));
    sw.send(packetIn(2, frame(0x0806)));
    sw.send(packetIn(3, frame(0x0806)));
    await all.until(() => packetIns(all).length === 3, 'three packet-ins');
    const first = packetIns(all)[0]!;
    assert.equal(first.body?.$case === 'packetIn' && first.body.value.inPort, 2);
    assert.equal(first.seq, 0n, 'packet-ins carry no seq');
    assert.deepEqual(first.body?.$case === 'packetIn' && first.body.value.match?.fields.map((f) => f.field), ['in_port']);
    // Per-stream order: once the last ARP arrived, the IPv4 one would have arrived before it.
    await arpOnly.until(() => packetIns(arpOnly).some((e) => e.body?.$case === 'packetIn' && e.body.value.bufferId === 3), 'the last ARP packet-in');
    assert.deepEqual(arpOnly.events.map((e) => e.body?.$case === 'packetIn' && e.body.value.bufferId), [2, 3]);

    await sw.close();
    const down = await all.event((e) => body(e) === 'switchDown', 'switch down');
    assert.equal(down.body?.$case === 'switchDown' && down.body.value.reason, 'peerClosed');
    assert.ok(down.seq > up.seq);
    all.close();
    arpOnly.close();
  });

  it('batches the events of one turn into few messages', async () => {
    const c = new StreamClient(t.rt.grpcPort);
    await c.subscribe({ kinds: [EventKind.EVENT_KIND_PACKET_IN] });
    const sw = await FakeSwitch.connect(t.rt.openflowPort, { dpid: 0xa2n });
    await eventually(() => t.rt.switches.list().some((s) => s.dpid === 0xa2n), 'the switch registered');
    sw.sendRaw(Buffer.concat(Array.from({ length: 50 }, (_, i) => encodeMessage(packetIn(i, frame(0x0800))))));
    await c.until(() => packetIns(c).length === 50, '50 packet-ins');
    assert.ok(c.batches.length < 50 && Math.max(...c.batches) > 1, `batches: ${c.batches.join(',')}`);
    await sw.close();
    c.close();
  });

  it('ends a stream whose first message is not Subscribe with INVALID_ARGUMENT', async () => {
    const c = new StreamClient(t.rt.grpcPort);
    c.grant(10);
    const s = await c.status;
    assert.equal(s.code, status.INVALID_ARGUMENT);
    assert.match(s.details, /first message on the stream must be Subscribe/);
    c.close();
  });

  it('contains a client that sends bytes that are not a ClientMessage: counted, logged once, others unaffected', async () => {
    const healthy = new StreamClient(t.rt.grpcPort);
    await healthy.subscribe({ kinds: [EventKind.EVENT_KIND_SWITCH_UP] });
    const Raw = makeGenericClientConstructor({ connect: { ...EventsService.connect, requestSerialize: (b: Buffer) => b } }, 'raw');
    const garbage = async (): Promise<number> => {
      const client = new Raw(`127.0.0.1:${t.rt.grpcPort}`, credentials.createInsecure()) as unknown as { connect(m: Metadata): ClientDuplexStream<Buffer, unknown>; close(): void };
      const call = client.connect(new Metadata());
      call.on('error', () => {});
      const ended = new Promise<number>((resolve) => call.on('status', (s: { code: number }) => resolve(s.code)));
      call.write(Buffer.from([0x0a, 0xff, 0xff, 0xff]));
      const code = await ended;
      client.close();
      return code;
    };
    assert.equal(await garbage(), status.INTERNAL);
    assert.equal(await garbage(), status.INTERNAL);
    assert.equal(await metricValue(t.rt, 'sdn_runtime_errors_total', { cause: 'grpcBadMessage' }), 2);
    assert.equal(t.logs.filter((l) => String(l.msg).includes('not a ClientMessage')).length, 1);
    const sw = await FakeSwitch.connect(t.rt.openflowPort, { dpid: 0xa3n });
    await healthy.event((e) => e.dpid === 0xa3n, 'the next switch up');
    await sw.close();
    healthy.close();
  });
});

describe('Events.Connect: batching', () => {
  let t: TestRuntime;
  before(async () => {
    t = await startTestRuntime({ clientBatchIntervalMs: 300 });
  });
  after(() => t.stop());

  it('events that follow a batch within the batch interval leave together, in one later batch', async () => {
    const c = new StreamClient(t.rt.grpcPort);
    await c.subscribe({ appName: 'batched' });
    const sw = await FakeSwitch.connect(t.rt.openflowPort, { dpid: 0xc1n });
    await c.event((e) => body(e) === 'switchUp', 'switch up');
    const batchesBefore = c.batches.length;
    for (let i = 0; i < 10; i++) sw.send(packetIn(i, frame(0x0800)));
    await c.until(() => packetIns(c).length === 10, 'the ten packet-ins');
    assert.deepEqual(c.batches.slice(batchesBefore), [10]);
    await sw.close();
    c.close();
  });
});

describe('Events.Connect: credit, back-pressure and shedding', () => {
  let t: TestRuntime;
  before(async () => {
    t = await startTestRuntime({ clientPacketInQueue: 4 });
  });
  after(() => t.stop());

  it('a client with little credit gets at most that many events, then a Gap counting the shed packet-ins; another client gets everything', async () => {
    const slow = new StreamClient(t.rt.grpcPort);
    const fast = new StreamClient(t.rt.grpcPort);
    await slow.subscribe({ appName: 'slow', kinds: [EventKind.EVENT_KIND_PACKET_IN], initialCredit: 3 });
    await fast.subscribe({ appName: 'fast', kinds: [EventKind.EVENT_KIND_PACKET_IN] });
    const sw = await FakeSwitch.connect(t.rt.openflowPort, { dpid: 0xb1n });
    await eventually(() => t.rt.switches.list().length === 1, 'the switch registered');
    for (let i = 0; i < 20; i++) sw.send(packetIn(i, frame(0x0800)));
    await fast.until(() => packetIns(fast).length === 20, 'all 20 packet-ins on the fast client');
    await slow.until(() => slow.events.length === 3, 'the credit-full slow client');
    // A command round trip on the slow stream: whatever was written before its result has arrived.
    await slow.command({ dpid: 0xb1n, kind: { $case: 'barrier', value: {} } });
    assert.equal(slow.events.length, 3, 'no events beyond the credit');
    slow.grant(100);
    await slow.until(() => packetIns(slow).length + shedIn(slow) === 20, 'every packet-in delivered or counted');
    assert.ok(shedIn(slow) > 0);
    assert.ok(packetIns(slow).length <= 3 + 4);
    assert.equal(await metricValue(t.rt, 'sdn_runtime_events_shed_total', { app: 'slow', kind: 'packetIn' }), shedIn(slow));
    assert.equal(await metricValue(t.rt, 'sdn_runtime_events_shed_total', { app: 'fast', kind: 'packetIn' }), 0);
    await sw.close();
    slow.close();
    fast.close();
  });

  it('a client that disconnects mid-stream is cleaned up and does not disturb the others', async () => {
    const leaving = new StreamClient(t.rt.grpcPort);
    const staying = new StreamClient(t.rt.grpcPort);
    await leaving.subscribe({ kinds: [EventKind.EVENT_KIND_PACKET_IN], initialCredit: 2 });
    await staying.subscribe({ kinds: [EventKind.EVENT_KIND_PACKET_IN] });
    const sw = await FakeSwitch.connect(t.rt.openflowPort, { dpid: 0xb3n });
    await eventually(() => t.rt.switches.list().some((s) => s.dpid === 0xb3n), 'the switch registered');
    for (let i = 0; i < 10; i++) sw.send(packetIn(i, frame(0x0800)));
    await leaving.until(() => leaving.events.length === 2, 'two events');
    leaving.close();
    for (let i = 10; i < 20; i++) sw.send(packetIn(i, frame(0x0800)));
    await staying.until(() => packetIns(staying).length === 20, 'all packet-ins on the staying client');
    await eventually(() => t.rt.api.hub.attached === 1, 'the server detached the cancelled stream');
    assert.equal(await metricValue(t.rt, 'sdn_runtime_api_streams'), 1);
    assert.deepEqual(t.logs.filter((l) => (l.level as number) >= 50), []);
    await sw.close();
    staying.close();
  });
});

describe('Events.Connect: write back-pressure', () => {
  let t: TestRuntime;
  before(async () => {
    t = await startTestRuntime();
  });
  after(() => t.stop());

  it('a client that stops reading is shed by grpc-js back-pressure, never blocking the switch or the other client', async () => {
    const stuck = new StreamClient(t.rt.grpcPort);
    const fast = new StreamClient(t.rt.grpcPort);
    await stuck.subscribe({ appName: 'stuck', kinds: [EventKind.EVENT_KIND_PACKET_IN], initialCredit: 1_000_000, maxBatch: 8 });
    await fast.subscribe({ appName: 'fast2', kinds: [EventKind.EVENT_KIND_PACKET_IN] });
    stuck.call.pause();
    const sw = await FakeSwitch.connect(t.rt.openflowPort, { dpid: 0xb2n });
    await eventually(() => t.rt.switches.list().some((s) => s.dpid === 0xb2n), 'the switch registered');
    const n = 3000;
    for (let i = 0; i < n; i++) sw.send(packetIn(i, frame(0x0800, 1000)));
    await fast.until(() => packetIns(fast).length === n, `all ${n} packet-ins on the reading client`, 15_000);
    stuck.call.resume();
    await stuck.until(() => packetIns(stuck).length + shedIn(stuck) === n, 'every packet-in delivered or counted', 15_000);
    assert.ok(shedIn(stuck) > 0, 'the paused client lost packet-ins instead of buffering them all');
    await sw.close();
    stuck.close();
    fast.close();
  });
});

describe('Events.Connect: resume from the lifecycle log', () => {
  let t: TestRuntime;
  before(async () => {
    t = await startTestRuntime({ eventLogSize: 3 });
  });
  after(() => t.stop());

  it('a client that reconnects with its last seq gets what it missed; one whose seq fell out gets a Gap first', async () => {
    const first = new StreamClient(t.rt.grpcPort);
    await first.subscribe({});
    const sw1 = await FakeSwitch.connect(t.rt.openflowPort, { dpid: 1n });
    const up1 = await first.event((e) => body(e) === 'switchUp', 'switch 1 up');
    first.close();

    const watcher = new StreamClient(t.rt.grpcPort);
    await watcher.subscribe({});
    const sw2 = await FakeSwitch.connect(t.rt.openflowPort, { dpid: 2n });
    await watcher.event((e) => body(e) === 'switchUp' && e.dpid === 2n, 'switch 2 up');
    await sw1.close();
    await watcher.event((e) => body(e) === 'switchDown' && e.dpid === 1n, 'switch 1 down');

    const again = new StreamClient(t.rt.grpcPort);
    const subscribed = await again.subscribe({ resumeAfterSeq: up1.seq });
    assert.equal(subscribed.lastSeq, up1.seq + 2n);
    await again.until(() => again.events.length === 2, 'the two missed events');
    assert.deepEqual(again.events.map((e) => [body(e), e.dpid, e.seq]), [
      ['switchUp', 2n, up1.seq + 1n],
      ['switchDown', 1n, up1.seq + 2n],
    ]);

    // Two more lifecycle events: seq 1 and 2 fall out of the 3-entry log.
    await sw2.close();
    await watcher.event((e) => body(e) === 'switchDown' && e.dpid === 2n, 'switch 2 down');
    const sw3 = await FakeSwitch.connect(t.rt.openflowPort, { dpid: 3n });
    await watcher.event((e) => body(e) === 'switchUp' && e.dpid === 3n, 'switch 3 up');
    const late = new StreamClient(t.rt.grpcPort);
    await late.subscribe({ resumeAfterSeq: 0n });
    await late.until(() => late.events.length === 4, 'a Gap and the three events the log holds');
    const gap = late.events[0]!;
    assert.deepEqual(gap.body?.$case === 'gap' && [gap.body.value.fromSeq, gap.body.value.toSeq], [1n, 2n]);
    assert.deepEqual(late.events.slice(1).map((e) => e.seq), [3n, 4n, 5n]);
    await sw3.close();
    for (const c of [watcher, again, late]) c.close();
  });
});

describe('Events.Connect: a late subscriber gets the switches already connected', () => {
  let t: TestRuntime;
  before(async () => {
    t = await startTestRuntime();
  });
  after(() => t.stop());

  const ups = (c: StreamClient): Event[] => c.events.filter((e) => body(e) === 'switchUp');
  const isSnapshot = (e: Event): boolean => e.body?.$case === 'switchUp' && e.body.value.snapshot;

  it('as switch-ups marked snapshot, in the order they connected, with their seq; then live events', async () => {
    const watcher = new StreamClient(t.rt.grpcPort);
    await watcher.subscribe({ kinds: [EventKind.EVENT_KIND_SWITCH_UP] });
    const sw1 = await FakeSwitch.connect(t.rt.openflowPort, { dpid: 0xb1n });
    await watcher.event((e) => e.dpid === 0xb1n, 'switch b1 up');
    const sw2 = await FakeSwitch.connect(t.rt.openflowPort, { dpid: 0xb2n });
    await watcher.event((e) => e.dpid === 0xb2n, 'switch b2 up');
    assert.equal(ups(watcher).some(isSnapshot), false, 'a subscriber that was there saw them live');

    const late = new StreamClient(t.rt.grpcPort);
    const subscribed = await late.subscribe({ appName: 'late' });
    await late.until(() => ups(late).length === 2, 'the two connected switches');
    assert.deepEqual(late.events.map((e) => [body(e), e.dpid, e.seq, isSnapshot(e)]), ups(watcher).map((e) => ['switchUp', e.dpid, e.seq, true]));
    assert.deepEqual(late.events[0]!.body?.$case === 'switchUp' && late.events[0]!.body.value.switch?.ports.map((p) => p.portNo), [1, 2]);
    assert.ok(late.events.every((e) => e.seq <= subscribed.lastSeq));

    const sw3 = await FakeSwitch.connect(t.rt.openflowPort, { dpid: 0xb3n });
    const live = await late.event((e) => e.dpid === 0xb3n, 'switch b3 up, live');
    assert.equal(isSnapshot(live), false);
    assert.ok(live.seq > subscribed.lastSeq);
    const filtered = new StreamClient(t.rt.grpcPort);
    await filtered.subscribe({ dpids: [0xb2n] });
    await filtered.until(() => filtered.events.length === 1, 'switch b2 only');
    assert.equal(filtered.events[0]!.dpid, 0xb2n);
    for (const sw of [sw1, sw2, sw3]) await sw.close();
    for (const c of [watcher, late, filtered]) c.close();
  });

  it('a stream resumed after its last seq gets no snapshot: it saw those switches already', async () => {
    const sw = await FakeSwitch.connect(t.rt.openflowPort, { dpid: 0xb4n });
    await eventually(() => t.rt.switches.list().some((s) => s.dpid === 0xb4n), 'switch b4 registered');
    const first = new StreamClient(t.rt.grpcPort);
    await first.subscribe({ dpids: [0xb4n] });
    const snap = await first.event((e) => body(e) === 'switchUp', 'the snapshot switch-up');
    assert.equal(isSnapshot(snap), true);
    first.close();
    const resumed = new StreamClient(t.rt.grpcPort);
    await resumed.subscribe({ dpids: [0xb4n], resumeAfterSeq: snap.seq });
    await sw.close();
    const down = await resumed.event((e) => body(e) === 'switchDown', 'switch b4 down');
    assert.deepEqual(resumed.events.map(body), ['switchDown'], 'nothing before the switch-down: no snapshot, no replayed switch-up');
    assert.ok(down.seq > snap.seq);
    resumed.close();
  });

  it('switches connecting while the subscription starts arrive exactly once each: snapshot first, then live, seqs rising', async () => {
    const dpids = Array.from({ length: 12 }, (_, i) => 0xc0n + BigInt(i));
    const connecting = dpids.map((dpid) => FakeSwitch.connect(t.rt.openflowPort, { dpid }));
    const c = new StreamClient(t.rt.grpcPort);
    await c.subscribe({ kinds: [EventKind.EVENT_KIND_SWITCH_UP], dpids });
    const switches = await Promise.all(connecting);
    await c.until(() => ups(c).length >= dpids.length, 'a switch-up for each switch');
    const seen = ups(c);
    assert.deepEqual(seen.map((e) => e.dpid).sort((a, b) => (a < b ? -1 : 1)), dpids, 'each switch once');
    const firstLive = seen.findIndex((e) => !isSnapshot(e));
    assert.ok(firstLive === -1 || seen.slice(firstLive).every((e) => !isSnapshot(e)), 'no snapshot event after a live one');
    assert.ok(seen.every((e, i) => i === 0 || e.seq > seen[i - 1]!.seq), `seqs rise: ${seen.map((e) => e.seq).join(',')}`);
    for (const sw of switches) await sw.close();
    c.close();
  });
});
