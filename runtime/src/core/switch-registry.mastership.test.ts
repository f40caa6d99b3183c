import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MastershipError } from '../mastership/index.js';
import { RuntimeMetrics } from '../observability/metrics.js';
import { encodeMessage, OFPCR_ROLE_MASTER, OFPCR_ROLE_SLAVE, OFPET_ROLE_REQUEST_FAILED, OFPRRFC_STALE, ONFT_ROLE_STATUS, type OfpMessage, type PacketIn, type PortStatus } from '../openflow/index.js';
import { FakeMastership } from '../testing/fake-mastership.js';
import { fakeSession, recordingLogger, switchInfo } from '../testing/fake-session.js';
import type { AppEvent } from './app-types.js';
import { EventBus } from './event-bus.js';
import { SWITCH_EVENT_TYPES } from './event-kinds.js';
import { SwitchRegistry } from './switch-registry.js';

const NODE = 7;
const DPID = 0x2an;
const FLOW_MOD = { type: 'FlowMod', cookie: 0n, cookieMask: 0n, tableId: 0, command: 0, idleTimeout: 0, hardTimeout: 0, priority: 1, bufferId: 0xffffffff, outPort: 0xffffffff, outGroup: 0xffffffff, flags: 0, match: [], instructions: [] } as const;
const PACKET_IN: PacketIn = { type: 'PacketIn', version: 4, xid: 0, bufferId: 0xffffffff, totalLen: 0, reason: 0, tableId: 0, cookie: 0n, match: [], data: new Uint8Array(0) };
const PORT_STATUS: PortStatus = {
  type: 'PortStatus', version: 4, xid: 0, reason: 0,
  desc: { portNo: 3, hwAddr: '02:00:00:00:00:03', name: 'p3', config: 0, state: 0, curr: 0, advertised: 0, supported: 0, peer: 0, currSpeed: 0, maxSpeed: 0 },
};

function setup(answer?: (m: OfpMessage) => readonly OfpMessage[]) {
  const { log, lines } = recordingLogger();
  const metrics = new RuntimeMetrics();
  const bus = new EventBus({ log, metrics });
  const events: AppEvent[] = [];
  bus.subscribe('recorder', SWITCH_EVENT_TYPES, (e) => events.push(e));
  const mastership = new FakeMastership();
  const registry = new SwitchRegistry({ node: NODE, log, metrics, bus, mastership });
  const session = fakeSession(DPID, '127.0.0.1:6653', answer);
  registry.onReady(session, switchInfo(DPID));
  return { registry, mastership, events, session, metrics, lines };
}

async function notMasterCount(metrics: RuntimeMetrics): Promise<number> {
  const { values } = await metrics.errors.get();
  return values.find((v) => v.labels.cause === 'notMaster')?.value ?? 0;
}

describe('SwitchRegistry with mastership', () => {
  it('a slave keeps the session and its ports, publishes only roleChanged, and refuses writes with NOT_MASTER (counted, logged once)', async () => {
    const { registry, mastership, events, session, metrics, lines } = setup();
    assert.ok(mastership.sinks.has(DPID), 'the session campaigns');
    assert.equal(events.length, 0, 'no switchUp before the role is known');
    mastership.become(DPID, 'slave', { node: 'b', generation: 9n });
    registry.onMessage(session, PACKET_IN);
    registry.onMessage(session, PORT_STATUS);
    assert.deepEqual(events.map((e) => e.type), ['roleChanged']);
    assert.deepEqual(events[0], { type: 'roleChanged', node: NODE, dpid: DPID, role: 'slave', masterNode: 'b', generation: 9n });
    assert.ok(registry.view(DPID)?.ports.has(3), 'ports stay current on a slave');
    assert.deepEqual(registry.role(DPID), { role: 'slave', masterNode: 'b', generation: 9n });

    const handle = registry.lookup(DPID)!;
    assert.throws(() => handle.send(FLOW_MOD), (e: unknown) => e instanceof MastershipError && e.code === 'NOT_MASTER' && e.message.includes('node b'));
    await assert.rejects(handle.sendConfirmed(FLOW_MOD), (e: unknown) => e instanceof MastershipError && e.code === 'NOT_MASTER');
    assert.throws(() => handle.sendEncoded(encodeMessage({ ...FLOW_MOD, version: 4, xid: 0 })), (e: unknown) => e instanceof MastershipError && e.code === 'NOT_MASTER');
    let admitted = false;
    assert.throws(() => handle.sendAdmitted!(FLOW_MOD, () => void (admitted = true)), (e: unknown) => e instanceof MastershipError && e.code === 'NOT_MASTER');
    assert.equal(admitted, false, 'a refused write was shown to admit');
    assert.equal(session.sent.some((m) => m.type === 'FlowMod'), false, 'nothing was written');
    await handle.request({ type: 'MultipartRequest', flags: 0, body: { type: 'desc' } });
    assert.equal(await notMasterCount(metrics), 4);
    assert.equal(lines.filter((l) => String(l.msg).includes('not master of was refused')).length, 1);
  });

  it('becoming master publishes switchUp and then the switch events; losing it publishes switchDown(notMaster); the role gauge follows', async () => {
    const { registry, mastership, events, session, metrics } = setup();
    mastership.become(DPID, 'master', { node: 'a', generation: 11n });
    assert.equal((await metrics.switchRoles.get()).values.find((v) => v.labels.role === 'master')?.value, 1);
    registry.onMessage(session, PACKET_IN);
    registry.lookup(DPID)!.send(FLOW_MOD);
    registry.lookup(DPID)!.sendEncoded(encodeMessage({ ...FLOW_MOD, version: 4, xid: 0 }));
    registry.lookup(DPID)!.sendAdmitted!(FLOW_MOD, () => {});
    mastership.become(DPID, 'none', undefined);
    registry.onMessage(session, PACKET_IN);
    assert.deepEqual(events.map((e) => e.type), ['roleChanged', 'switchUp', 'packetIn', 'roleChanged', 'switchDown']);
    assert.equal((events[4] as Extract<AppEvent, { type: 'switchDown' }>).reason, 'notMaster');
    assert.equal(session.sent.filter((m) => m.type === 'FlowMod').length, 3, 'the value, the encoded flow-mod and the admitted one');
    const roles = async (): Promise<Record<string, number>> => Object.fromEntries((await metrics.switchRoles.get()).values.map((v) => [v.labels.role, v.value]));
    assert.deepEqual(await roles(), { master: 0, slave: 0, none: 1 });
    registry.onClosed(session, 'peerClosed', '');
    assert.deepEqual(await roles(), { master: 0, slave: 0, none: 0 });
    assert.deepEqual(mastership.detached, [DPID]);
    assert.equal(events.length, 5, 'no second switchDown for a switch apps were already told is down');
  });

  it('counts each change of the role by cause (a master seen again, or only a new master, is no change), and a closed session as disconnected', async () => {
    const { registry, mastership, session, metrics, lines } = setup();
    const changes = async (): Promise<Record<string, number>> => Object.fromEntries((await metrics.switchRoleChanges.get()).values.map((v) => [v.labels.cause, v.value]));
    mastership.become(DPID, 'slave', { node: 'b', generation: 9n });
    mastership.become(DPID, 'slave', { node: 'c', generation: 12n });
    mastership.become(DPID, 'master', { node: 'a', generation: 15n });
    mastership.become(DPID, 'none', undefined, 'deadline');
    mastership.become(DPID, 'master', { node: 'a', generation: 17n });
    mastership.become(DPID, 'none', undefined, 'stale');
    mastership.become(DPID, 'master', { node: 'a', generation: 19n });
    mastership.become(DPID, 'none', undefined, 'etcdLost');
    mastership.become(DPID, 'slave', { node: 'b', generation: 21n });
    registry.onClosed(session, 'peerClosed', '');
    assert.deepEqual(await changes(), { lost: 2, won: 3, deadline: 1, stale: 1, etcdLost: 1, disconnected: 1 });
    const logged = lines.filter((l) => l.msg === 'switch role changed');
    assert.equal(logged.length, 9, 'one line per change the machine reports');
    assert.deepEqual(logged.map((l) => l.cause), ['lost', 'lost', 'won', 'deadline', 'won', 'stale', 'won', 'etcdLost', 'lost']);
  });

  it('ROLE_REQUESTs go through the session and their replies, errors and ROLE_STATUS come back to mastership', async () => {
    const { registry, mastership, session } = setup((m) => (m.type === 'RoleRequest' ? [{ type: 'RoleReply', version: 4, xid: 1, role: m.role, generationId: m.generationId }] : []));
    mastership.sinks.get(DPID)!.sendRoleRequest('master', 11n);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(session.sent.map((m) => (m.type === 'RoleRequest' ? [m.role, m.generationId] : m.type)), [[OFPCR_ROLE_MASTER, 11n]]);
    registry.onMessage(session, { type: 'Error', version: 4, xid: 5, errorType: OFPET_ROLE_REQUEST_FAILED, code: OFPRRFC_STALE, data: new Uint8Array(0) });
    const body = Buffer.alloc(16);
    body.writeUInt32BE(OFPCR_ROLE_SLAVE, 0);
    body.writeBigUInt64BE(12n, 8);
    registry.onMessage(session, { type: 'Experimenter', version: 4, xid: 0, experimenter: 0x4f4e4600, expType: ONFT_ROLE_STATUS, data: new Uint8Array(body) });
    assert.deepEqual(mastership.fromSwitchInputs.map((f) => f.input), [
      { type: 'roleReply', role: OFPCR_ROLE_MASTER, generationId: 11n },
      { type: 'switchError', errorType: OFPET_ROLE_REQUEST_FAILED, code: OFPRRFC_STALE },
      { type: 'roleStatus', role: OFPCR_ROLE_SLAVE, generationId: 12n },
    ]);
  });

  it('an app whose write fails NOT_MASTER (it was demoted meanwhile) is not counted as a faulty app: the registry counted the refusal', async () => {
    const { log } = recordingLogger();
    const metrics = new RuntimeMetrics();
    const bus = new EventBus({ log, metrics });
    bus.subscribe('app', ['packetIn'], () => {
      throw new MastershipError('NOT_MASTER', 'not master');
    });
    bus.publish({ type: 'packetIn', node: NODE, dpid: DPID, message: PACKET_IN });
    const { values } = await metrics.appHandlerErrors.get();
    assert.equal(values.find((v) => v.labels.app === 'app')?.value ?? 0, 0);
  });

  it('an OpenFlow 1.0 switch is not shared (no roles in 1.0 here): no campaign, no events, writes refused, a warning', () => {
    const { log, lines } = recordingLogger();
    const metrics = new RuntimeMetrics();
    const bus = new EventBus({ log, metrics });
    const events: AppEvent[] = [];
    bus.subscribe('recorder', SWITCH_EVENT_TYPES, (e) => events.push(e));
    const mastership = new FakeMastership();
    const registry = new SwitchRegistry({ node: NODE, log, metrics, bus, mastership });
    const session = fakeSession(DPID);
    registry.onReady(session, { ...switchInfo(DPID), version: 1 });
    registry.onMessage(session, PACKET_IN);
    assert.equal(mastership.sinks.size, 0);
    assert.equal(events.length, 0);
    assert.throws(() => registry.lookup(DPID)!.send(FLOW_MOD), MastershipError);
    assert.ok(lines.some((l) => String(l.msg).includes('OpenFlow 1.0 switch cannot be shared')));
  });

  it('without mastership: this node is master of every switch and sends no ROLE_REQUEST', () => {
    const { log } = recordingLogger();
    const metrics = new RuntimeMetrics();
    const registry = new SwitchRegistry({ node: NODE, log, metrics, bus: new EventBus({ log, metrics }) });
    const session = fakeSession(DPID);
    registry.onReady(session, switchInfo(DPID));
    registry.lookup(DPID)!.send(FLOW_MOD);
    assert.deepEqual(registry.role(DPID), { role: 'master', masterNode: undefined, generation: undefined });
    assert.equal(registry.role(99n), undefined);
    assert.deepEqual(session.sent.map((m) => m.type), ['FlowMod']);
  });
});
