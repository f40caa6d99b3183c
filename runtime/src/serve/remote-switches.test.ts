import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import type { AppEvent, Command, SwitchDirectory, SwitchHandle, SwitchView } from '../core/index.js';
import { MergedDirectory } from '../core/index.js';
import { decodeMessage, encodeMessage, OfpEncodeError, type ErrorMsg, type FeaturesReply, type OfpMessage, type PacketIn, type Port } from '../openflow/index.js';
import { parseSeeds } from '../overlay/index.js';
import { SwitchBusyError, SwitchRequestError, SwitchUnavailableError } from '../switch/session.js';
import { eventually } from '../testing/test-runtime.js';
import { OverlayRunner } from './overlay-runner.js';
import { RemoteSwitchMetrics } from './remote-switch-metrics.js';
import { SwitchOwner } from './remote-switch-owner.js';
import { RemoteSwitches } from './remote-switches.js';

const DPID = 0xabn;
const silent = pino({ level: 'silent' });
const running: OverlayRunner[] = [];

after(async () => {
  await Promise.all(running.map((r) => r.stop()));
});

function switchView(node: number): SwitchView & { ports: Map<number, Port> } {
  const features: FeaturesReply = { type: 'FeaturesReply', version: 4, xid: 0, datapathId: DPID, nBuffers: 0, nTables: 254, auxiliaryId: 0, capabilities: 0, reserved: 0 };
  const port: Port = { portNo: 1, hwAddr: '02:00:00:00:00:01', name: 'p1', config: 0, state: 0, curr: 0, advertised: 0, supported: 0, peer: 0, currSpeed: 0, maxSpeed: 0 };
  return { dpid: DPID, node, version: 4, remote: '10.0.0.1:6633', features, desc: undefined, ports: new Map([[1, port]]), connectedAt: 1000 };
}

function packetIn(n: number): PacketIn {
  return { type: 'PacketIn', version: 4, xid: 0, bufferId: 0xffffffff, totalLen: 1, reason: 0, tableId: 0, cookie: BigInt(n), match: [{ field: 'in_port', value: 1 }], data: Buffer.from([n]) };
}

/** The owner's switch: records what it is sent; `answer` decides each awaited command's fate. */
class FakeSwitch implements SwitchDirectory {
  readonly sent: Command[] = [];
  answer: (command: Command | 'barrier') => Promise<readonly OfpMessage[]> = () => Promise.resolve([]);
  constructor(readonly theView: SwitchView) {}
  lookup(dpid: bigint): SwitchHandle | undefined {
    if (dpid !== DPID) return undefined;
    return {
      dpid,
      node: this.theView.node,
      version: 4,
      send: (command) => void this.sent.push(command),
      sendEncoded: (message) => void this.sent.push(decodeMessage(message) as Command),
      sendConfirmed: (command) => this.answer(command).then(() => undefined),
      request: (command) => this.answer(command),
      barrier: () => this.answer('barrier').then(() => undefined),
    };
  }
  view(dpid: bigint): SwitchView | undefined {
    return dpid === DPID ? this.theView : undefined;
  }
  list(): readonly SwitchView[] {
    return [this.theView];
  }
  role(): undefined {
    return undefined;
  }
}

async function runner(id: number, seeds = ''): Promise<OverlayRunner> {
  const r = new OverlayRunner({ nodeId: id, host: '127.0.0.1', port: 0, seeds: parseSeeds(seeds, id), aliases: [], tls: undefined, log: silent, registry: new Registry(), tickMs: 20, overrides: { backoffInitialMs: 50, backoffMaxMs: 200, recordMinIntervalMs: 20 } });
  await r.start();
  running.push(r);
  return r;
}

/**
/**
 * Node 1 owns the switch (it came up before node 2 joined); node 2 reaches it
 * through the overlay. Commands get the production timeout (10 s) unless a test
 * is about the timeout: a round trip through the overlay on a loaded machine may
 * take longer than 2 s. `packed`: node 2's interest says it reads
 * SwitchEventPacks (false: a node of an earlier build). `cases` lists the
 * SwitchMessage kinds node 2 got.
 */
async function pair(options = { timeoutMs: 10_000, maxInFlightPerNode: 16 }, localOfNode2?: SwitchDirectory, packed = true) {
  const a = await runner(1);
  const local = new FakeSwitch(switchView(1));
  const owner = new SwitchOwner(a, local, silent, new RemoteSwitchMetrics(new Registry()));
  owner.onLocalEvent({ type: 'switchUp', node: 1, dpid: DPID, view: local.theView });
  const b = await runner(2, `1@127.0.0.1:${a.port}`);
  // Node 2 wants node 1's packet-ins (remote-switch-interest.test.ts: a node that does not is sent none).
  b.control((node) => node.setSwitchInterests([{ kind: 'packetIn', dpids: [], packed }]));
  const cases: string[] = [];
  b.onOutput((output) => {
    if (output.kind === 'switch-message') cases.push(output.message.body?.$case ?? 'none');
  });
  const published: AppEvent[] = [];
  const registry = new Registry();
  const remote = new RemoteSwitches(b, { publish: (e) => void published.push(e) }, silent, new RemoteSwitchMetrics(registry), options, localOfNode2);
  const empty: SwitchDirectory = { lookup: () => undefined, view: () => undefined, list: () => [], role: () => undefined };
  const directory = new MergedDirectory(localOfNode2 ?? empty, remote);
  if (localOfNode2 === undefined) await eventually(() => directory.lookup(DPID) !== undefined, 'node 2 learns node 1 switch');
  await eventually(() => a.node.record(2)?.switchInterests.length === 1, 'node 1 learns that node 2 wants packet-ins');
  return { a, b, local, owner, remote, published, directory, registry, cases };
}

describe('remote switches through the overlay', () => {
  it('a switch of another node is listed with its owner, and comes up on the bus with node = the owner', async () => {
    const { published, directory } = await pair();
    const [view] = directory.list();
    assert.equal(view?.node, 1);
    assert.equal(view?.features.nTables, 254);
    assert.equal(view?.ports.get(1)?.name, 'p1');
    assert.deepEqual(directory.role(DPID), { role: 'slave', masterNode: '1', generation: undefined });
    assert.deepEqual(published.map((e) => [e.type, e.node, 'dpid' in e ? e.dpid : undefined]), [['switchUp', 1, DPID]]);
  });

  it('commands travel to the owner and their results come back; refusals keep their error class', async () => {
    const { local, directory } = await pair();
    const handle = directory.lookup(DPID)!;
    assert.equal(handle.node, 1);
    local.answer = (command) => Promise.resolve(command === 'barrier' ? [] : [{ type: 'EchoReply', version: 4, xid: 9, data: Buffer.from('pong') }]);
    const replies = await handle.request({ type: 'EchoRequest', data: Buffer.from('ping') });
    assert.deepEqual(replies.map((r) => r.type), ['EchoReply']);
    await handle.barrier();
    handle.send({ type: 'EchoRequest', data: Buffer.from('fire') });
    await eventually(() => local.sent.length === 1, 'the fire-and-forget command reaches the switch');
    assert.equal(local.sent[0]?.type, 'EchoRequest');
    const encoded = encodeMessage({ type: 'PacketOut', version: 4, xid: 0, bufferId: 0xffffffff, inPort: 1, actions: [], data: Buffer.from('sent as bytes') });
    handle.sendEncoded(encoded);
    // The caller may reuse its buffer at once (a plugin's reply area): what travels is a copy.
    encoded.fill(0);
    await eventually(() => local.sent.length === 2, 'the encoded command reaches the switch');
    assert.equal(local.sent[1]?.type === 'PacketOut' && Buffer.from(local.sent[1].data).toString(), 'sent as bytes');
    assert.throws(() => handle.sendEncoded(encodeMessage({ type: 'EchoRequest', version: 1, xid: 0, data: Buffer.alloc(0) })), (err: unknown) => err instanceof OfpEncodeError && err.field === 'version');
    const refusal: ErrorMsg = { type: 'Error', version: 4, xid: 3, errorType: 5, code: 1, data: Buffer.alloc(0) };
    local.answer = () => Promise.reject(new SwitchRequestError(refusal));
    await assert.rejects(handle.sendConfirmed({ type: 'EchoRequest', data: Buffer.alloc(0) }), (err: unknown) => err instanceof SwitchRequestError && err.error.type === 'Error' && err.error.errorType === 5);
  });

  it('a command without a result times out, and more in flight than allowed are refused', async () => {
    const { local, directory } = await pair({ timeoutMs: 300, maxInFlightPerNode: 1 });
    local.answer = () => new Promise(() => {});
    const handle = directory.lookup(DPID)!;
    const first = handle.barrier();
    await assert.rejects(handle.barrier(), SwitchBusyError);
    await assert.rejects(first, SwitchUnavailableError);
  });

  for (const packed of [true, false]) {
    it(`events arrive in the order the owner published them (${packed ? 'packed' : 'as SwitchEvents, to a node of an earlier build'}); LLDP stays with the owner`, async () => {
      const { owner, published, cases, registry } = await pair(undefined, undefined, packed);
      for (let n = 1; n <= 25; n++) owner.onLocalEvent({ type: 'packetIn', node: 1, dpid: DPID, message: packetIn(n) });
      // An LLDP frame (this node's topology's probe) stays here.
      owner.onLocalEvent({ type: 'packetIn', node: 1, dpid: DPID, message: { ...packetIn(99), data: Buffer.from('0180c200000e02000000000188cc', 'hex') } });
      for (let n = 26; n <= 50; n++) owner.onLocalEvent({ type: 'packetIn', node: 1, dpid: DPID, message: packetIn(n) });
      await eventually(() => published.length === 51, 'fifty packet-ins arrive');
      assert.deepEqual(
        published.slice(1).map((e) => (e.type === 'packetIn' ? [e.node, Number(e.message.cookie)] : e.type)),
        Array.from({ length: 50 }, (_, i) => [1, i + 1]),
      );
      assert.ok(cases.includes(packed ? 'packed' : 'events') && !cases.includes(packed ? 'events' : 'packed'), `the packet-ins came as ${cases.join(', ')}`);
      const counted = (await registry.getSingleMetric('sdn_runtime_remote_switch_events_total')?.get())?.values.map((v) => [v.labels.kind, v.value]);
      assert.deepEqual(counted, [['switchUp', 1], ['packetIn', 50]]);
    });
  }

  it('a switch message with no body (a case this node does not know, or emptied by a relay of an earlier build) is counted', async () => {
    const { a, registry } = await pair();
    a.control((node) => node.sendSwitchMessage(2, { body: undefined }));
    const empty = async (): Promise<number> => (await registry.getSingleMetric('sdn_runtime_remote_switch_dropped_total')?.get())?.values.find((v) => v.labels.reason === 'empty')?.value ?? 0;
    const deadline = Date.now() + 5000;
    while ((await empty()) < 1) {
      assert.ok(Date.now() < deadline, 'the empty message is not counted within 5 s');
      await new Promise((resolve) => setImmediate(resolve));
    }
  });

  it('a pack that does not parse is dropped from the fault on, counted and logged; the link carries on', async () => {
    const { a, owner, published, registry } = await pair();
    const good = Buffer.from('00000000000000ab', 'hex');
    // A record header, then a message header whose length runs past the end.
    const bad = Buffer.concat([good, Buffer.alloc(8), Buffer.from([4, 10, 0, 200, 0, 0, 0, 0])]);
    a.control((node) => node.sendSwitchMessage(2, { body: { $case: 'packed', value: { records: bad } } }));
    const malformed = async (): Promise<number> => (await registry.getSingleMetric('sdn_runtime_remote_switch_dropped_total')?.get())?.values.find((v) => v.labels.reason === 'malformed')?.value ?? 0;
    const deadline = Date.now() + 5000;
    while ((await malformed()) < 1) {
      assert.ok(Date.now() < deadline, 'the bad pack is not counted within 5 s');
      await new Promise((resolve) => setImmediate(resolve));
    }
    owner.onLocalEvent({ type: 'packetIn', node: 1, dpid: DPID, message: packetIn(1) });
    await eventually(() => published.some((e) => e.type === 'packetIn'), 'a later packet-in still arrives');
  });

  it('a switch that reconnected is taken again even when its switchDown was lost on the way; apps see it go down first', async () => {
    const { owner, directory, published } = await pair();
    owner.onLocalEvent({ type: 'switchUp', node: 1, dpid: DPID, view: { ...switchView(1), connectedAt: 2000 } });
    await eventually(() => directory.view(DPID)?.connectedAt === 2000, 'the new view replaces the old one');
    assert.deepEqual(published.map((e) => [e.type, e.node]), [['switchUp', 1], ['switchDown', 1], ['switchUp', 1]]);
  });

  it('a new master announcing the switch before the old one is seen gone: apps see the old one go down, then the new one come up', async () => {
    const { a, published, directory } = await pair();
    const c = await runner(3, `1@127.0.0.1:${a.port}`);
    const newOwner = new SwitchOwner(c, new FakeSwitch(switchView(3)), silent, new RemoteSwitchMetrics(new Registry()));
    newOwner.onLocalEvent({ type: 'switchUp', node: 3, dpid: DPID, view: switchView(3) });
    await eventually(() => directory.view(DPID)?.node === 3, 'node 2 takes the switch from node 3');
    assert.deepEqual(published.map((e) => [e.type, e.node, e.type === 'switchDown' ? e.reason : '']), [['switchUp', 1, ''], ['switchDown', 1, 'notMaster'], ['switchUp', 3, '']]);
  });

  it('this node becoming master of a remote switch (the old master not seen gone yet): apps see the remote one go down before the local switchUp', async () => {
    const { a, remote, published, directory } = await pair();
    const localUp: AppEvent = { type: 'switchUp', node: 2, dpid: DPID, view: switchView(2) };
    remote.onLocalEvent(localUp);
    published.push(localUp);
    assert.equal(directory.lookup(DPID), undefined, 'the old master\'s handle is gone');
    await a.stop();
    await eventually(() => directory.list().length === 0, 'node 1 is gone');
    assert.deepEqual(published.map((e) => [e.type, e.node, e.type === 'switchDown' ? e.reason : '']), [['switchUp', 1, ''], ['switchDown', 1, 'notMaster'], ['switchUp', 2, '']]);
  });

  it('a switch this node is master of is driven here: another node announcing it is not published', async () => {
    const here = new FakeSwitch(switchView(2));
    const master: SwitchDirectory = { lookup: (d) => here.lookup(d), view: (d) => here.view(d), list: () => here.list(), role: () => ({ role: 'master', masterNode: undefined, generation: undefined }) };
    const { owner, published, directory, registry } = await pair(undefined, master);
    const drivenHere = async (): Promise<number> => (await registry.getSingleMetric('sdn_runtime_remote_switch_dropped_total')?.get())?.values.find((v) => v.labels.reason === 'driven-here')?.value ?? 0;
    const dropped = async (count: number, what: string): Promise<void> => {
      const deadline = Date.now() + 5000;
      while ((await drivenHere()) < count) {
        assert.ok(Date.now() < deadline, `${what} from node 1 not dropped within 5 s`);
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    await dropped(1, 'the switchUp');
    owner.onLocalEvent({ type: 'packetIn', node: 1, dpid: DPID, message: packetIn(1) });
    await dropped(2, 'the packet-in');
    assert.deepEqual(published, []);
    assert.equal(directory.lookup(DPID)?.node, 2);
  });

  it('an owner that goes away takes its switch down and fails its commands in flight', async () => {
    const { a, local, published, directory } = await pair();
    local.answer = () => new Promise(() => {});
    const pending = directory.lookup(DPID)!.barrier();
    await eventually(() => local.sent.length === 0 && published.length === 1, 'the barrier is on its way');
    await a.stop();
    await assert.rejects(pending, SwitchUnavailableError);
    await eventually(() => published.some((e) => e.type === 'switchDown'), 'switchDown published');
    assert.equal(directory.lookup(DPID), undefined);
    assert.equal(directory.list().length, 0);
  });
});

describe('a remote OpenFlow 1.0 switch', () => {
  it('takes commands in the 1.3 model (its session maps them down) and sends its events mapped up, with version 1', async () => {
    const a = await runner(1);
    const of10 = { ...switchView(1), version: 1, features: { ...switchView(1).features, version: 1, actions: 0, ports: [] } };
    const local = new FakeSwitch(of10);
    const owner = new SwitchOwner(a, local, silent, new RemoteSwitchMetrics(new Registry()));
    owner.onLocalEvent({ type: 'switchUp', node: 1, dpid: DPID, view: of10 });
    const b = await runner(2, `1@127.0.0.1:${a.port}`);
    b.control((node) => node.setSwitchInterests([{ kind: 'packetIn', dpids: [], packed: true }]));
    const published: AppEvent[] = [];
    const remote = new RemoteSwitches(b, { publish: (e) => void published.push(e) }, silent, new RemoteSwitchMetrics(new Registry()));
    await eventually(() => remote.lookup(DPID) !== undefined && a.node.record(2)?.switchInterests.length === 1, 'node 2 learns the 1.0 switch, node 1 its interest');
    assert.equal(remote.view(DPID)?.version, 1);
    remote.lookup(DPID)!.send({ type: 'FlowMod', cookie: 7n, cookieMask: 0n, tableId: 0, command: 0, idleTimeout: 0, hardTimeout: 0, priority: 10, bufferId: 0xffffffff, outPort: 0xffffffff, outGroup: 0xffffffff, flags: 0, match: [{ field: 'in_port', value: 1 }], instructions: [] });
    await eventually(() => local.sent.length === 1, 'the flow-mod reaches the owner');
    assert.equal(local.sent[0]?.type, 'FlowMod');
    // As a 1.0 session publishes it: the 1.3 model, the switch's version.
    owner.onLocalEvent({ type: 'packetIn', node: 1, dpid: DPID, message: { ...packetIn(3), version: 1 } });
    await eventually(() => published.some((e) => e.type === 'packetIn'), 'the packet-in reaches node 2');
    const event = published.find((e) => e.type === 'packetIn');
    assert.equal(event?.type === 'packetIn' && event.message.version, 1);
    assert.equal(event?.type === 'packetIn' && event.message.cookie, 3n);
  });
});
