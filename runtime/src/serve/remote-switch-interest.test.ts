import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { EventBus, EventInterest, nodeIdOf, type AppEvent, type SwitchDirectory, type SwitchView } from '../core/index.js';
import { EventKind } from '../generated/sdn/runtime/v1/events.js';
import { RuntimeMetrics } from '../observability/metrics.js';
import { OFPT_PACKET_IN, OFPT_PORT_STATUS, type FeaturesReply, type PacketIn, type Port, type PortStatus } from '../openflow/index.js';
import { parseSeeds, type OverlayConfig } from '../overlay/index.js';
import { StreamClient } from '../testing/api-client.js';
import { FakeSwitch, fakePort } from '../testing/fake-switch.js';
import { eventually, metricValue, startTestRuntime } from '../testing/test-runtime.js';
import { OverlayRunner } from './overlay-runner.js';
import { InterestAnnouncer } from './remote-switch-interest.js';
import { RemoteSwitchMetrics } from './remote-switch-metrics.js';
import { readPack } from './remote-switch-pack.js';
import { SwitchOwner } from './remote-switch-owner.js';
import { RemoteSwitches } from './remote-switches.js';

const DPID = 0xabn;
const OTHER = 0xcdn;
const silent = pino({ level: 'silent' });
const running: OverlayRunner[] = [];

after(async () => {
  await Promise.all(running.map((r) => r.stop()));
});

const port: Port = { portNo: 1, hwAddr: '02:00:00:00:00:01', name: 'p1', config: 0, state: 0, curr: 0, advertised: 0, supported: 0, peer: 0, currSpeed: 0, maxSpeed: 0 };

function switchView(dpid: bigint): SwitchView {
  const features: FeaturesReply = { type: 'FeaturesReply', version: 4, xid: 0, datapathId: dpid, nBuffers: 0, nTables: 254, auxiliaryId: 0, capabilities: 0, reserved: 0 };
  return { dpid, node: 1, version: 4, remote: '10.0.0.1:6633', features, desc: undefined, ports: new Map([[1, port]]), connectedAt: 1000 };
}

function packetIn(n: number): PacketIn {
  return { type: 'PacketIn', version: 4, xid: 0, bufferId: 0xffffffff, totalLen: 1, reason: 0, tableId: 0, cookie: BigInt(n), match: [{ field: 'in_port', value: 1 }], data: Buffer.from([n]) };
}

function portStatus(n: number): PortStatus {
  return { type: 'PortStatus', version: 4, xid: 0, reason: 2, desc: { ...port, curr: n } };
}

async function runner(id: number, seeds = '', config: Partial<OverlayConfig> = {}): Promise<OverlayRunner> {
  // Records go out quickly so that interest reaches the owner within the test's bound.
  const overrides = { backoffInitialMs: 50, backoffMaxMs: 200, recordMinIntervalMs: 20, pullRetryMs: 200, ...config };
  const r = new OverlayRunner({ nodeId: id, host: '127.0.0.1', port: 0, seeds: parseSeeds(seeds, id), aliases: [], tls: undefined, log: silent, registry: new Registry(), tickMs: 10, overrides });
  await r.start();
  running.push(r);
  return r;
}

/** A receiving node: its bus (with interest), its remote switches, and what its subscribers got. */
async function receiver(id: number, seeds: string, config: Partial<OverlayConfig> = {}) {
  const overlay = await runner(id, seeds, config);
  const interest = new EventInterest();
  const registry = new Registry();
  const metrics = new RemoteSwitchMetrics(registry);
  const bus = new EventBus({ log: silent, metrics: new RuntimeMetrics(), interest });
  new InterestAnnouncer(overlay, interest, silent, metrics);
  const remote = new RemoteSwitches(overlay, bus, silent, metrics);
  const got: AppEvent[] = [];
  const received = async (kind: string): Promise<number> => (await registry.getSingleMetric('sdn_runtime_remote_switch_events_total')?.get())?.values.find((v) => v.labels.kind === kind)?.value ?? 0;
  return { overlay, bus, remote, got, received };
}

/** Node 1 owns two switches; nodes 2 and 3 link to it (`config`: their overlay's). */
async function cluster(config: Partial<OverlayConfig> = {}) {
  const a = await runner(1);
  const views = new Map([DPID, OTHER].map((dpid) => [dpid, switchView(dpid)]));
  const local: SwitchDirectory = { lookup: () => undefined, view: (dpid) => views.get(dpid), list: () => [...views.values()], role: () => undefined };
  const ownerRegistry = new Registry();
  const owner = new SwitchOwner(a, local, silent, new RemoteSwitchMetrics(ownerRegistry));
  for (const view of views.values()) owner.onLocalEvent({ type: 'switchUp', node: 1, dpid: view.dpid, view });
  const b = await receiver(2, `1@127.0.0.1:${a.port}`, config);
  const c = await receiver(3, `1@127.0.0.1:${a.port}`, config);
  await eventually(() => b.remote.list().length === 2 && c.remote.list().length === 2, 'nodes 2 and 3 learn both switches');
  /** Whether node 1 holds node `id`'s record announcing `kinds` (none: announcing nothing). */
  const ownerSees = (id: number, kinds: string[]): boolean => JSON.stringify(a.node.record(id)?.switchInterests.map((i) => i.kind) ?? []) === JSON.stringify(kinds);
  /** Sends packet-ins 1..count of `dpid`, then a port-status that goes to every node: when a node has it, every packet-in sent to it arrived before. */
  let marker = 0;
  const burst = async (dpid: bigint, count: number): Promise<void> => {
    for (let n = 1; n <= count; n++) owner.onLocalEvent({ type: 'packetIn', node: 1, dpid, message: packetIn(n) });
    const curr = ++marker;
    owner.onLocalEvent({ type: 'portStatus', node: 1, dpid: DPID, message: portStatus(curr) });
    await eventually(() => [b, c].every((n) => n.remote.view(DPID)?.ports.get(1)?.curr === curr), 'the port-status after the packet-ins reaches nodes 2 and 3');
  };
  const shedAtOwner = async (): Promise<number> => (await ownerRegistry.getSingleMetric('sdn_runtime_remote_switch_dropped_total')?.get())?.values.find((v) => v.labels.reason === 'shed')?.value ?? 0;
  const packedAtOwner = async (): Promise<number> => (await ownerRegistry.getSingleMetric('sdn_runtime_remote_switch_packed_total')?.get())?.values[0]?.value ?? 0;
  return { a, owner, b, c, ownerSees, burst, shedAtOwner, packedAtOwner };
}

describe('remote switch events by interest', () => {
  it('a node without subscribers is sent no packet-in; a node with one gets them all; lifecycle reaches both', async () => {
    const { b, c, ownerSees, burst } = await cluster();
    c.bus.subscribe('app', ['packetIn'], (e) => void c.got.push(e));
    await eventually(() => ownerSees(3, ['packetIn']), 'node 1 learns that node 3 wants packet-ins');
    await burst(DPID, 20);
    assert.equal(c.got.length, 20);
    assert.equal(await c.received('packetIn'), 20);
    assert.equal(await b.received('packetIn'), 0);
    assert.equal(await b.received('portStatus'), 1);
  });

  it('a new subscriber\'s interest reaches the owner at once, not with the node\'s next ordinary record version', async () => {
    // A minute between ordinary versions: only the push of an interest change can tell node 1 within the test's bound.
    const { a, c, ownerSees, burst } = await cluster({ recordMinIntervalMs: 60_000 });
    await eventually(() => (a.node.record(3)?.version ?? 0) > 0, 'node 1 holds the first record of node 3');
    c.bus.subscribe('app', ['packetIn'], (e) => void c.got.push(e));
    await eventually(() => ownerSees(3, ['packetIn']), 'node 1 learns that node 3 wants packet-ins');
    await burst(DPID, 4);
    assert.equal(c.got.length, 4);
  });

  it('the owner packs no packet-in that no node wants, and packs them once a node announces interest', async () => {
    const { c, ownerSees, burst, packedAtOwner } = await cluster();
    await burst(DPID, 20);
    assert.equal(await packedAtOwner(), 0);
    c.bus.subscribe('app', ['packetIn'], (e) => void c.got.push(e), { dpids: [OTHER] });
    await eventually(() => ownerSees(3, ['packetIn']), 'node 1 learns that node 3 wants packet-ins');
    await burst(DPID, 6);
    assert.equal(await packedAtOwner(), 0);
    await burst(OTHER, 5);
    assert.equal(await packedAtOwner(), 5);
    assert.equal(c.got.length, 5);
  });

  it('a subscriber of some switches is sent those switches\' packet-ins only', async () => {
    const { c, ownerSees, burst } = await cluster();
    c.bus.subscribe('app', ['packetIn'], (e) => void c.got.push(e), { dpids: [OTHER] });
    await eventually(() => ownerSees(3, ['packetIn']), 'node 1 learns that node 3 wants packet-ins');
    await burst(DPID, 5);
    await burst(OTHER, 7);
    assert.equal(await c.received('packetIn'), 7);
    assert.deepEqual(new Set(c.got.map((e) => ('dpid' in e ? e.dpid : undefined))), new Set([OTHER]));
  });

  it('interest is withdrawn when the last subscriber goes, and the packet-ins stop', async () => {
    const { c, ownerSees, burst } = await cluster();
    const first = c.bus.subscribe('one', ['packetIn', 'flowRemoved'], () => {});
    const second = c.bus.subscribe('two', ['packetIn'], () => {});
    await eventually(() => ownerSees(3, ['packetIn', 'flowRemoved']), 'node 1 learns what node 3 wants');
    first();
    await eventually(() => ownerSees(3, ['packetIn']), 'flow-removed withdrawn with its only subscriber');
    await burst(DPID, 3);
    assert.equal(await c.received('packetIn'), 3);
    second();
    await eventually(() => ownerSees(3, []), 'packet-ins withdrawn with their last subscriber');
    await burst(DPID, 4);
    assert.equal(await c.received('packetIn'), 3);
  });

  it('a subscription that says interest: false (a host holding it per stream) is not announced', async () => {
    const { c, ownerSees, burst } = await cluster();
    c.bus.subscribe('host', ['packetIn'], () => {}, { everyOwner: true, interest: false });
    c.bus.subscribe('app', ['flowRemoved'], () => {});
    await eventually(() => ownerSees(3, ['flowRemoved']), 'node 1 learns what node 3 wants');
    await burst(DPID, 2);
    assert.equal(await c.received('packetIn'), 0);
  });
});

describe('remote switch events when the overlay link is backed up', () => {
  it('packet-ins for a node whose link is over half full are shed and counted; lifecycle events still go', async () => {
    const { a, b, c, ownerSees, burst, shedAtOwner } = await cluster();
    for (const n of [b, c]) n.bus.subscribe('app', ['packetIn'], (e) => void n.got.push(e));
    await eventually(() => ownerSees(2, ['packetIn']) && ownerSees(3, ['packetIn']), 'node 1 learns that nodes 2 and 3 want packet-ins');
    // The runner reports the link toward node 3 as 60 % full (a peer that reads slower than packet-ins come).
    a.sendQueueShare = (dest) => (dest === 3 ? 0.6 : 0);
    await burst(DPID, 8);
    assert.equal(b.got.length, 8);
    assert.equal(c.got.length, 0);
    assert.equal(await c.received('portStatus'), 1);
    assert.equal(await shedAtOwner(), 8);
  });

  it('packet-ins travel in frames marked sheddable, apart from lifecycle events, so that a relay may shed them', async () => {
    const { a, c, ownerSees, burst } = await cluster();
    c.bus.subscribe('app', ['packetIn'], (e) => void c.got.push(e));
    await eventually(() => ownerSees(3, ['packetIn']), 'node 1 learns that node 3 wants packet-ins');
    const frames: string[] = [];
    a.onOutput((o) => {
      const body = o.kind === 'send' && o.to === 3 && o.message.body?.$case === 'unicast' ? o.message.body.value.payload : undefined;
      if (o.kind !== 'send' || body?.$case !== 'switchMessage') return;
      const types: unknown[] = [];
      const events = body.value.body;
      if (events?.$case === 'events') types.push(...events.value.events.map((e) => (e.body?.$case === 'openflow' ? e.body.value[1] : e.body?.$case)));
      else if (events?.$case === 'packed') readPack(events.value.records, (_dpid, _seq, buf, offset) => types.push(buf[offset + 1]));
      else return;
      frames.push(`${o.sheddable === true ? 'sheddable' : 'kept'} ${events.$case}: ${types.join(' ')}`);
    });
    // One turn: packet-ins, then the port-status burst() sends after them.
    await burst(DPID, 3);
    assert.deepEqual(frames, [`sheddable packed: ${OFPT_PACKET_IN} ${OFPT_PACKET_IN} ${OFPT_PACKET_IN}`, `kept events: ${OFPT_PORT_STATUS}`]);
  });
});

describe('remote switch events by interest, between two runtimes', () => {
  const started: { stop(): Promise<void> }[] = [];
  after(async () => {
    for (const s of started.reverse()) await s.stop();
  });

  it('a node with no app, plugin or client subscribed is sent no packet-in; a client stream there makes them come', async () => {
    const overlay = { overlayHost: '127.0.0.1', overlayPort: 0, overlayInsecure: true };
    const a = await startTestRuntime({ ...overlay, nodeId: 'interest-a' });
    started.push(a);
    const b = await startTestRuntime({ ...overlay, nodeId: 'interest-b', seeds: [`${nodeIdOf('interest-a')}@127.0.0.1:${a.rt.overlay!.port}`] });
    started.push(b);
    const sw = await FakeSwitch.connect(a.rt.openflowPort, { dpid: DPID, ports: [fakePort(1)] });
    started.push({ stop: () => sw.close() });
    await until(async () => (await metricValue(b.rt, 'sdn_runtime_remote_switches')) === 1, 'node b learns the switch of node a');
    const frame = Buffer.alloc(60, 0xab);
    let marker = 0;
    /** `count` packet-ins, then a port-status that every node is sent: when b has it, the packet-ins sent to b arrived before. */
    const burst = async (count: number): Promise<void> => {
      for (let n = 0; n < count; n++) sw.send({ ...packetIn(n), data: frame, totalLen: frame.length });
      const curr = ++marker;
      sw.send({ ...portStatus(curr), desc: { ...fakePort(1), curr } });
      await until(async () => (await metricValue(b.rt, 'sdn_runtime_remote_switch_events_total', { kind: 'portStatus' })) === curr, 'the port-status after the packet-ins reaches node b');
    };
    await burst(10);
    assert.equal(await metricValue(b.rt, 'sdn_runtime_remote_switch_events_total', { kind: 'packetIn' }), 0);
    assert.equal(await metricValue(b.rt, 'sdn_runtime_remote_switch_events_total', { kind: 'portStatus' }), 1);

    const client = new StreamClient(b.rt.grpcPort);
    started.push({ stop: async () => client.close() });
    await client.subscribe({ appName: 'watcher', kinds: [EventKind.EVENT_KIND_PACKET_IN], initialCredit: 1000 });
    const idB = nodeIdOf('interest-b');
    await eventually(() => a.rt.overlay!.node.record(idB)?.switchInterests.some((i) => i.kind === 'packetIn') === true, 'node a learns that node b wants packet-ins', 10_000);
    await burst(10);
    assert.equal(await metricValue(b.rt, 'sdn_runtime_remote_switch_events_total', { kind: 'packetIn' }), 10);
    await client.event((e) => e.body?.$case === 'packetIn', 'a packet-in of node a switch reaches the client on node b');
  });
});

/** Resolves once `check` holds, looking again after every turn of the event loop; rejects after 10 s. */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within 10 s: ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
