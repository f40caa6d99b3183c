import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventLog } from '../../core/index.js';
import type { ClientMessage} from '../../generated/sdn/runtime/v1/events.js';
import { EventKind, Subscribe } from '../../generated/sdn/runtime/v1/events.js';
import { decoded, label, lifecycle, packetIn, snapshotUp } from '../../testing/stream-events.js';
import type { Principal, Scope } from '../auth.js';
import type { StreamEvent } from './event.js';
import { EventSession, type SessionEffect } from './session.js';

const everything: Principal = { name: 'tester', scopes: new Set<Scope>(['admin']) };

function session(options: { principal?: Principal; log?: EventLog<StreamEvent>; connected?: readonly StreamEvent[] } = {}): EventSession {
  const connected = options.connected ?? [];
  return new EventSession({
    nodeId: 'node-a',
    principal: options.principal ?? everything,
    limits: { lifecycle: 100, packetIns: 100 },
    log: options.log ?? new EventLog(100),
    snapshot: () => connected,
    onShed: () => {},
    onFull: () => {},
    appIdOf: () => 7,
    declareTables: (_app, tables) => new Map(tables.map((t, i) => [t.name, i])),
  });
}

function subscribe(s: Partial<Subscribe>): ClientMessage {
  return { kind: { $case: 'subscribe', value: Subscribe.fromPartial(s) } };
}

/** Everything the session would write now, events as labels. */
function output(s: EventSession): string[] {
  const out: string[] = [];
  for (let m = s.next(0); m !== undefined; m = s.next(0)) {
    const k = decoded(m).kind!;
    if (k.$case === 'events') out.push(...k.value.events.map(label));
    else if (k.$case === 'subscribed') out.push(`subscribed@${k.value.lastSeq}`);
    else out.push(`result:${k.value.correlationId}`);
  }
  return out;
}

function ended(effect: SessionEffect | undefined, code: string, message: RegExp): void {
  assert.equal(effect?.type, 'end');
  const error = (effect as Extract<SessionEffect, { type: 'end' }>).error;
  assert.equal(error.code, code);
  assert.match(error.message, message);
}

describe('EventSession: the Events.Connect protocol', () => {
  it('refuses anything before Subscribe and ends the stream', () => {
    const s = session();
    ended(s.receive({ kind: { $case: 'credit', value: { events: 5 } } }), 'API_STREAM_PROTOCOL', /first message on the stream must be Subscribe, got credit/);
    assert.equal(s.state, 'ended');
    assert.equal(s.receive(subscribe({})), undefined);
  });

  it('answers Subscribed first, with the node id, the newest seq and the app id, and refuses a second Subscribe', () => {
    const log = new EventLog<StreamEvent>(10);
    log.append((seq) => lifecycle(seq));
    const s = session({ log });
    assert.deepEqual(s.receive(subscribe({ appName: 'app-1' })), { type: 'subscribed', subscribe: Subscribe.fromPartial({ appName: 'app-1' }) });
    const first = s.next(0);
    assert.deepEqual(first && decoded(first).kind, { $case: 'subscribed', value: { lastSeq: 1n, nodeId: 'node-a', appId: 7, tables: {} } });
    assert.equal(s.appName, 'app-1');
    ended(s.receive(subscribe({})), 'API_STREAM_PROTOCOL', /only once/);
  });

  it('declares the app\'s named tables and answers with the node\'s table ids', () => {
    const s = session();
    s.receive(subscribe({ appName: 'acl', tables: [{ name: 'acl', after: [] }, { name: 'audit', after: ['acl'] }] }));
    const first = s.next(0);
    assert.deepEqual(first && decoded(first).kind, { $case: 'subscribed', value: { lastSeq: 0n, nodeId: 'node-a', appId: 7, tables: { acl: 0, audit: 1 } } });
  });

  it('needs the events:read scope, and pubsub / kv:read for topics and watches', () => {
    const reader: Principal = { name: 'reader', scopes: new Set<Scope>(['events:read']) };
    ended(session({ principal: { name: 'none', scopes: new Set() } }).receive(subscribe({})), 'API_PERMISSION_DENIED', /Subscribe needs the scope "events:read", which the token of "none" does not have/);
    ended(session({ principal: reader }).receive(subscribe({ topics: ['a.b'] })), 'API_PERMISSION_DENIED', /"pubsub"/);
    ended(session({ principal: reader }).receive(subscribe({ kvWatches: [{ key: Buffer.from('k'), prefix: true, startRevision: 0n }] })), 'API_PERMISSION_DENIED', /"kv:read"/);
  });

  it('refuses unknown kinds and oversized batches by field path', () => {
    ended(session().receive(subscribe({ kinds: [EventKind.EVENT_KIND_PACKET_IN, 42 as EventKind] })), 'API_INVALID', /^subscribe\.kinds\[1\]: 42 is not an event kind/);
    ended(session().receive(subscribe({ maxBatch: 100_000 })), 'API_INVALID', /^subscribe\.max_batch/);
  });

  it('replays lifecycle events after resume_after_seq, with a Gap for those the log lost', () => {
    const log = new EventLog<StreamEvent>(3);
    for (let i = 0; i < 6; i++) log.append((seq) => lifecycle(seq));
    const s = session({ log });
    s.receive(subscribe({ resumeAfterSeq: 1n }));
    assert.deepEqual(output(s), ['subscribed@6', 'G2-3/0', 'L4', 'L5', 'L6']);
    const fresh = session({ log });
    fresh.receive(subscribe({}));
    assert.deepEqual(output(fresh), ['subscribed@6'], 'no resume_after_seq: no replay');
  });

  it('starts a new subscription with the connected switches (snapshot, in connection order, filtered), then live events', () => {
    const connected = [snapshotUp(4, 2n), snapshotUp(2, 1n), snapshotUp(5, 3n)];
    const log = new EventLog<StreamEvent>(10);
    for (let i = 0; i < 5; i++) log.append((seq) => lifecycle(seq));
    const s = session({ log, connected });
    s.receive(subscribe({}));
    s.offer(lifecycle(6));
    assert.deepEqual(output(s), ['subscribed@5', 'S4', 'S2', 'S5', 'L6']);
    const one = session({ log, connected });
    one.receive(subscribe({ dpids: [1n] }));
    assert.deepEqual(output(one), ['subscribed@5', 'S2']);
    const packetInsOnly = session({ log, connected });
    packetInsOnly.receive(subscribe({ kinds: [EventKind.EVENT_KIND_PACKET_IN] }));
    assert.deepEqual(output(packetInsOnly), ['subscribed@5']);
  });

  it('on resume sends only the snapshot switch-ups the Gap lost: the others were seen or are replayed', () => {
    const log = new EventLog<StreamEvent>(3);
    for (let i = 0; i < 6; i++) log.append((seq) => lifecycle(seq));
    // Switches announced at seq 1 (before the resume point), 3 (lost in the Gap) and 5 (replayed).
    const connected = [snapshotUp(1, 1n), snapshotUp(3, 2n), snapshotUp(5, 3n)];
    const lost = session({ log, connected });
    lost.receive(subscribe({ resumeAfterSeq: 1n }));
    assert.deepEqual(output(lost), ['subscribed@6', 'G2-3/0', 'S3', 'L4', 'L5', 'L6']);
    const complete = session({ log, connected });
    complete.receive(subscribe({ resumeAfterSeq: 3n }));
    assert.deepEqual(output(complete), ['subscribed@6', 'L4', 'L5', 'L6'], 'nothing lost: no snapshot');
    const earlierRun = session({ log, connected });
    earlierRun.receive(subscribe({ resumeAfterSeq: 99n }));
    assert.deepEqual(output(earlierRun), ['subscribed@6', 'G1-3/0', 'S1', 'S3', 'L4', 'L5', 'L6'], 'a seq from an earlier run: this run\'s lost switch-ups come from the snapshot');
  });

  it('filters by kind, dpid, and packet-in table, cookie and ethertype (past a VLAN tag)', () => {
    const s = session();
    s.receive(subscribe({ kinds: [EventKind.EVENT_KIND_PACKET_IN], dpids: [1n], packetIn: { tableIds: [0], cookies: [7n], ethTypes: [0x0806] } }));
    const arp = Buffer.concat([Buffer.alloc(12), Buffer.from([0x81, 0x00, 0x00, 0x05, 0x08, 0x06]), Buffer.alloc(28)]);
    const ipv4 = Buffer.concat([Buffer.alloc(12), Buffer.from([0x08, 0x00]), Buffer.alloc(20)]);
    s.offer(lifecycle(1));
    s.offer(packetIn(1, { cookie: 7n, frame: arp }));
    s.offer(packetIn(2, { cookie: 7n, frame: ipv4 }));
    s.offer(packetIn(3, { cookie: 8n, frame: arp }));
    s.offer(packetIn(4, { cookie: 7n, frame: arp, tableId: 1 }));
    s.offer(packetIn(5, { cookie: 7n, frame: arp, dpid: 2n }));
    s.offer(packetIn(6, { cookie: 7n, frame: arp }));
    assert.deepEqual(output(s), ['subscribed@0', 'P1', 'P6']);
  });

  it('hands commands out as effects and queues their results ahead of events', () => {
    const s = session();
    s.receive(subscribe({ initialCredit: 1 }));
    const command = { correlationId: 'c1', dpid: 1n, confirm: false, kind: { $case: 'barrier' as const, value: {} }, expectReply: false };
    assert.deepEqual(s.receive({ kind: { $case: 'command', value: command } }), { type: 'commands', commands: [command] });
    const second = { ...command, correlationId: 'c2' };
    assert.deepEqual(s.receive({ kind: { $case: 'commands', value: { commands: [command, second] } } }), { type: 'commands', commands: [command, second] });
    s.offer(lifecycle(1));
    s.offer(lifecycle(2));
    s.result({ correlationId: 'c1', kind: { $case: 'ok', value: {} } });
    assert.deepEqual(output(s), ['subscribed@0', 'result:c1', 'L1']);
    s.receive({ kind: { $case: 'credit', value: { events: 5 } } });
    assert.deepEqual(output(s), ['L2']);
  });
});
