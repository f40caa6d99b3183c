import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SwitchView } from '../../core/index.js';
import type { FeaturesReply, Port } from '../../openflow/index.js';
import { EventKind, Subscribe } from '../../generated/sdn/runtime/v1/events.js';
import { SwitchRole } from '../../generated/sdn/runtime/v1/switches.js';
import { accepts, filterOf } from './filter.js';
import { EventHub } from './hub.js';
import type { StreamEvent } from './event.js';

function view(dpid: bigint, connectedAt: number): SwitchView & { readonly ports: Map<number, Port> } {
  const features: FeaturesReply = { type: 'FeaturesReply', version: 4, xid: 0, datapathId: dpid, nBuffers: 0, nTables: 1, auxiliaryId: 0, capabilities: 0, reserved: 0 };
  return { dpid, node: 1, version: 4, remote: '127.0.0.1:1', features, desc: undefined, ports: new Map(), connectedAt };
}

/** dpid@seq for each snapshot event, checking each is a switch-up marked snapshot. */
function described(events: readonly StreamEvent[]): string[] {
  return events.map((e) => {
    assert.equal(e.kind, EventKind.EVENT_KIND_SWITCH_UP);
    assert.equal(e.proto.body?.$case === 'switchUp' && e.proto.body.value.snapshot, true);
    return `${e.dpid}@${e.seq}`;
  });
}

describe('EventHub.snapshot: the switches connected now', () => {
  it('lists them in the order they connected, with the seq of their switch-up; a reconnect moves a switch to the end, a switch-down removes it', () => {
    const hub = new EventHub(100, () => 5000);
    const live: StreamEvent[] = [];
    hub.attach((e) => live.push(e));
    hub.onAppEvent({ type: 'switchUp', node: 1, dpid: 1n, view: view(1n, 10) });
    hub.onAppEvent({ type: 'switchUp', node: 1, dpid: 2n, view: view(2n, 20) });
    hub.onAppEvent({ type: 'switchUp', node: 1, dpid: 3n, view: view(3n, 30) });
    assert.deepEqual(described(hub.snapshot()), ['1@1', '2@2', '3@3']);
    // dpid 1 connects again (its old connection is replaced without a switch-down), dpid 2 goes.
    hub.onAppEvent({ type: 'switchUp', node: 1, dpid: 1n, view: view(1n, 40) });
    hub.onAppEvent({ type: 'switchDown', node: 1, dpid: 2n, reason: 'peerClosed', detail: '' });
    assert.deepEqual(described(hub.snapshot()), ['3@3', '1@4']);
    assert.equal(hub.snapshot()[1]!.timeMs, 40, 'the time of the connection it stands for');
    assert.deepEqual(live.map((e) => e.proto.body?.$case === 'switchUp' && e.proto.body.value.snapshot), [false, false, false, false, false], 'live switch-ups are not marked');
  });

  it('describes a switch as it is now: ports that changed since its switch-up', () => {
    const hub = new EventHub(100);
    const v = view(7n, 10);
    hub.onAppEvent({ type: 'switchUp', node: 1, dpid: 7n, view: v });
    v.ports.set(3, { portNo: 3, hwAddr: '00:00:00:00:00:03', name: 'p3', config: 0, state: 0, curr: 0, advertised: 0, supported: 0, peer: 0, currSpeed: 0, maxSpeed: 0 });
    const [up] = hub.snapshot();
    assert.deepEqual(up!.proto.body?.$case === 'switchUp' && up!.proto.body.value.switch?.ports.map((p) => p.portNo), [3]);
  });
});

describe('EventHub: a switch-up carries the directory’s role', () => {
  it('live: the role when the switch came up; snapshot: the role now', () => {
    let role = { role: 'slave' as const, masterNode: 'n2', generation: 7n };
    const hub = new EventHub(10, () => 5, (dpid) => (dpid === 4n ? role : undefined));
    const live: StreamEvent[] = [];
    hub.attach((e) => live.push(e));
    hub.onAppEvent({ type: 'switchUp', node: 2, dpid: 4n, view: view(4n, 10) });
    const info = (e: StreamEvent | undefined): unknown => (e?.proto.body?.$case === 'switchUp' ? [e.proto.body.value.switch?.role, e.proto.body.value.switch?.masterNode, e.proto.body.value.switch?.generation] : undefined);
    assert.deepEqual(info(live[0]), [SwitchRole.SWITCH_ROLE_SLAVE, 'n2', 7n]);
    role = { role: 'slave', masterNode: 'n3', generation: 9n };
    assert.deepEqual(info(hub.snapshot()[0]), [SwitchRole.SWITCH_ROLE_SLAVE, 'n3', 9n]);
    assert.deepEqual(info(live[0]), [SwitchRole.SWITCH_ROLE_SLAVE, 'n2', 7n], 'the live event keeps the role it had');
  });
});

describe('EventHub: topology events', () => {
  const link = { src: { dpid: 1n, port: 2 }, dst: { dpid: 3n, port: 4 }, latencyMs: 1.6, srcNode: 9, upSinceMs: 10, lastSeenMs: 20 };

  it('logs them as lifecycle events with their proto bodies', () => {
    const hub = new EventHub(10, () => 5);
    const got: StreamEvent[] = [];
    hub.attach((e) => got.push(e));
    hub.onAppEvent({ type: 'linkDown', node: 9, dpid: 3n, link, reason: 'timeout' });
    const [e] = got;
    assert.equal(e?.kind, EventKind.EVENT_KIND_LINK_DOWN);
    assert.equal(e?.seq, 1);
    assert.deepEqual(e?.proto.body, {
      $case: 'linkDown',
      value: { link: { src: { dpid: 1n, port: 2 }, dst: { dpid: 3n, port: 4 }, latencyMs: 2, srcNode: 9, upSinceMs: 10n, lastSeenMs: 20n }, reason: 'timeout' },
    });
  });

  it('reach a subscription that names them, and not one that takes the default kinds (clients older than them)', () => {
    const hub = new EventHub(10, () => 5);
    const got: StreamEvent[] = [];
    hub.attach((e) => got.push(e));
    hub.onAppEvent({ type: 'hostAdded', node: 9, dpid: 1n, host: { mac: '02:00:00:00:00:01', ips: ['10.0.0.1'], location: { dpid: 1n, port: 3 }, firstSeenMs: 1, lastSeenMs: 1 } });
    const named = filterOf(Subscribe.fromPartial({ kinds: [EventKind.EVENT_KIND_HOST_ADDED] }), 'subscribe', 1);
    const byDefault = filterOf(Subscribe.fromPartial({}), 'subscribe', 1);
    assert.equal(accepts(named, got[0]!), true);
    assert.equal(accepts(byDefault, got[0]!), false);
  });
});

describe('EventHub: role changes and node events', () => {
  it('logs a role change with its proto body; it reaches a subscription that names it, and not one of the default kinds', () => {
    const hub = new EventHub(10, () => 5);
    const got: StreamEvent[] = [];
    hub.attach((e) => got.push(e));
    hub.onAppEvent({ type: 'roleChanged', node: 9, dpid: 4n, role: 'slave', masterNode: 'node-b', generation: 17n });
    hub.onAppEvent({ type: 'roleChanged', node: 9, dpid: 4n, role: 'none', masterNode: undefined, generation: undefined });
    assert.deepEqual(
      got.map((e) => [e.kind, e.seq, e.dpid, e.deliveryClass, e.proto.body]),
      [
        [EventKind.EVENT_KIND_ROLE_CHANGED, 1, 4n, 'lifecycle', { $case: 'roleChanged', value: { role: SwitchRole.SWITCH_ROLE_SLAVE, masterNode: 'node-b', generation: 17n } }],
        [EventKind.EVENT_KIND_ROLE_CHANGED, 2, 4n, 'lifecycle', { $case: 'roleChanged', value: { role: SwitchRole.SWITCH_ROLE_NONE, masterNode: '', generation: 0n } }],
      ],
    );
    assert.equal(accepts(filterOf(Subscribe.fromPartial({ kinds: [EventKind.EVENT_KIND_ROLE_CHANGED], dpids: [4n] }), 'subscribe', 1), got[0]!), true);
    assert.equal(accepts(filterOf(Subscribe.fromPartial({ kinds: [EventKind.EVENT_KIND_ROLE_CHANGED], dpids: [5n] }), 'subscribe', 1), got[0]!), false);
    assert.equal(accepts(filterOf(Subscribe.fromPartial({}), 'subscribe', 1), got[0]!), false);
  });

  it('logs node up/down as lifecycle events of no switch (dpid 0), which a subscription that names them gets whatever its dpids', () => {
    const hub = new EventHub(10, () => 5);
    const got: StreamEvent[] = [];
    hub.attach((e) => got.push(e));
    hub.onAppEvent({ type: 'nodeUp', node: 9, nodeId: 12, aliases: ['b'], costMs: 10.5 });
    hub.onAppEvent({ type: 'nodeDown', node: 9, nodeId: 12, aliases: ['b'], reason: 'linkDown', detail: 'shutdown: the connection closed' });
    assert.deepEqual(
      got.map((e) => [e.kind, e.seq, e.dpid, e.deliveryClass, e.proto.body]),
      [
        [EventKind.EVENT_KIND_NODE_UP, 1, 0n, 'lifecycle', { $case: 'nodeUp', value: { nodeId: 12, aliases: ['b'], costMs: 10.5 } }],
        [EventKind.EVENT_KIND_NODE_DOWN, 2, 0n, 'lifecycle', { $case: 'nodeDown', value: { nodeId: 12, aliases: ['b'], reason: 'linkDown', detail: 'shutdown: the connection closed' } }],
      ],
    );
    const named = filterOf(Subscribe.fromPartial({ kinds: [EventKind.EVENT_KIND_NODE_UP, EventKind.EVENT_KIND_NODE_DOWN], dpids: [4n] }), 'subscribe', 1);
    assert.deepEqual(got.map((e) => accepts(named, e)), [true, true]);
    assert.deepEqual(got.map((e) => accepts(filterOf(Subscribe.fromPartial({}), 'subscribe', 1), e)), [false, false]);
    assert.deepEqual(hub.log.readAfter(0).entries.map((e) => e.item.kind), [EventKind.EVENT_KIND_NODE_UP, EventKind.EVENT_KIND_NODE_DOWN], 'resumable from the log');
  });
});
