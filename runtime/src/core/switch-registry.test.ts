import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RuntimeMetrics } from '../observability/metrics.js';
import type { AppEvent } from './app-types.js';
import { OFPFC_ADD } from '../openflow/index.js';
import { SwitchBusyError } from '../switch/session.js';
import { EventBus } from './event-bus.js';
import { SWITCH_EVENT_TYPES } from './event-kinds.js';
import { nodeIdOf } from './node.js';
import { Ownership } from './ownership.js';
import type { MessageBody, OfpMessage } from '../openflow/index.js';
import type { SwitchDirectory } from './switch-directory.js';
import { MAX_LOGGED_CAUSES, SwitchRegistry } from './switch-registry.js';
import { fakeSession, recordingLogger, switchInfo } from '../testing/fake-session.js';

const NODE = 0x0a0b0c0d;

function registry() {
  const { log, lines } = recordingLogger();
  const metrics = new RuntimeMetrics();
  const bus = new EventBus({ log, metrics });
  const events: AppEvent[] = [];
  bus.subscribe('recorder', SWITCH_EVENT_TYPES, (e) => events.push(e));
  return { registry: new SwitchRegistry({ node: NODE, log, metrics, bus }), events, lines, metrics };
}

describe('SwitchRegistry timing PACKET_IN handling', () => {
  it('reads the clock once per PACKET_IN of one dispatch: each starts when the one before ended', async () => {
    const { log } = recordingLogger();
    const metrics = new RuntimeMetrics();
    const bus = new EventBus({ log, metrics });
    let clock = 0;
    let reads = 0;
    // Each handler takes 2 ms of the clock.
    bus.subscribe('app', ['packetIn'], () => void (clock += 2));
    const r = new SwitchRegistry({ node: NODE, log, metrics, bus, now: () => (reads++, clock) });
    const s = fakeSession(1n);
    r.onReady(s, switchInfo(1n));
    const packetIn = (): OfpMessage => ({ type: 'PacketIn', version: 4, xid: 0, bufferId: 0xffffffff, totalLen: 0, reason: 0, tableId: 0, cookie: 0n, match: [], data: Buffer.alloc(0) });
    const observed = async (): Promise<[number, number]> => {
      const values = (await metrics.packetInHandling.get()).values;
      const value = (name: string): number => values.find((v) => v.metricName === name)!.value;
      return [value('sdn_runtime_packet_in_handling_seconds_count'), value('sdn_runtime_packet_in_handling_seconds_sum')];
    };
    for (let i = 0; i < 3; i++) r.onMessage(s, packetIn());
    assert.equal(reads, 4, 'one read to start the dispatch, one as each PACKET_IN ends');
    assert.deepEqual(await observed(), [3, 0.006]);
    // Another message, or another dispatch, in between: time that is not a PACKET_IN's is not counted as one's.
    r.onMessage(s, { type: 'BarrierReply', version: 4, xid: 1 });
    clock += 5;
    r.onMessage(s, packetIn());
    s.dispatchRun++;
    clock += 7;
    r.onMessage(s, packetIn());
    assert.equal(reads, 8);
    assert.deepEqual(await observed(), [5, 0.01]);
  });
});

describe('SwitchRegistry as the SwitchDirectory', () => {
  it('looks up, views and lists the connected switches in the order they connected, each owned by this node', () => {
    const { registry: r } = registry();
    const directory: SwitchDirectory = r;
    r.onReady(fakeSession(2n), switchInfo(2n));
    r.onReady(fakeSession(1n), switchInfo(1n));
    assert.deepEqual(directory.list().map((v) => [v.dpid, v.node]), [[2n, NODE], [1n, NODE]]);
    assert.equal(directory.view(1n)?.dpid, 1n);
    assert.deepEqual([directory.lookup(1n)?.dpid, directory.lookup(1n)?.node], [1n, NODE]);
    assert.equal(directory.lookup(3n), undefined);
    assert.equal(directory.view(3n), undefined);
  });

  it('sends through the handle of the session that is current; a reconnect replaces it and moves the switch to the end', () => {
    const { registry: r } = registry();
    const old = fakeSession(1n, '10.0.0.1:1');
    r.onReady(old, switchInfo(1n));
    r.onReady(fakeSession(2n), switchInfo(2n));
    const fresh = fakeSession(1n, '10.0.0.1:2');
    r.onReady(fresh, switchInfo(1n));
    assert.equal(old.closedWith, 'replaced');
    r.lookup(1n)!.send({ type: 'BarrierRequest' });
    assert.deepEqual([old.sent.length, fresh.sent.length], [0, 1]);
    assert.deepEqual(r.list().map((v) => [v.dpid, v.remote]), [[2n, '127.0.0.1:6653'], [1n, '10.0.0.1:2']]);
    // The replaced session closing later does not take the switch away.
    r.onClosed(old, 'replaced', '');
    assert.ok(r.lookup(1n) !== undefined);
  });

  it('refuses a confined flow-mod to a busy switch before the flow ledger records it', () => {
    const { registry: r } = registry();
    const session = fakeSession(1n);
    r.onReady(session, switchInfo(1n));
    const ownership = new Ownership({ defaultQuota: Infinity });
    ownership.route({ type: 'switchUp', node: NODE, dpid: 1n, view: r.view(1n)! });
    const app = ownership.app('learning-switch');
    const handle = ownership.confine(app, r.lookup(1n)!);
    const add = (port: number): MessageBody => ({
      type: 'FlowMod', cookie: 0n, cookieMask: 0n, tableId: 0, command: OFPFC_ADD, idleTimeout: 0, hardTimeout: 0, priority: 1,
      bufferId: 0xffffffff, outPort: 0, outGroup: 0, flags: 0, match: [{ field: 'in_port', value: port }], instructions: [],
    });
    session.refuseWith = new SwitchBusyError('switch 1 is busy', 1 << 20);
    assert.throws(() => handle.send(add(1)), (err: unknown) => err === session.refuseWith);
    assert.equal(ownership.flowCount(app.id, 1n), 0, 'a flow that never reached the switch is in the ledger');
    session.refuseWith = undefined;
    handle.send(add(1));
    assert.deepEqual([ownership.flowCount(app.id, 1n), session.sent.length], [1, 1]);
  });

  it('publishes each switch event with this node as its origin, and forgets a switch that closed', () => {
    const { registry: r, events } = registry();
    const s = fakeSession(5n);
    r.onReady(s, switchInfo(5n));
    r.onMessage(s, { type: 'BarrierReply', version: 4, xid: 1 });
    r.onClosed(s, 'peerClosed', 'bye');
    assert.deepEqual(events.map((e) => [e.type, e.node, 'dpid' in e ? e.dpid : undefined]), [['switchUp', NODE, 5n], ['message', NODE, 5n], ['switchDown', NODE, 5n]]);
    assert.equal(r.lookup(5n), undefined);
    assert.deepEqual(r.list(), []);
  });
});

describe('SwitchRegistry: connection problems', () => {
  it('logs a cause once per address, remembers a bounded number of them, and counts every one', async () => {
    const { registry: r, lines, metrics } = registry();
    const from = (i: number) => fakeSession(1n, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:6653`);
    r.onProblem(from(0), 'badMessage', 'x');
    r.onProblem(from(0), 'badMessage', 'x');
    assert.equal(lines.length, 1);
    for (let i = 1; i < 3 * MAX_LOGGED_CAUSES; i++) r.onProblem(from(i), 'badMessage', 'x');
    assert.equal(lines.length, MAX_LOGGED_CAUSES + 1, 'one line per remembered address, then one saying the rest are only counted');
    assert.match(String(lines.at(-1)?.msg), /too many addresses/);
    const errors = (await metrics.registry.getSingleMetric('sdn_runtime_errors_total')?.get())?.values.find((v) => v.labels.cause === 'badMessage');
    assert.equal(errors?.value, 3 * MAX_LOGGED_CAUSES + 1);
  });
});

describe('nodeIdOf', () => {
  it('is a 32-bit number, the same for the same name (FNV-1a)', () => {
    assert.equal(nodeIdOf(''), 0x811c9dc5);
    assert.equal(nodeIdOf('a'), 0xe40c292c);
    assert.equal(nodeIdOf('node-1'), nodeIdOf('node-1'));
    assert.notEqual(nodeIdOf('node-1'), nodeIdOf('node-2'));
  });
});
