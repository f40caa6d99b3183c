import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import type { AppContext, AppEvent, AppScope, Command, SwitchDirectory, SwitchHandle } from '../core/index.js';
import { RuntimeMetrics } from '../observability/metrics.js';
import { decodeMessage, encodeMessage, type OfpMessage, type PacketIn } from '../openflow/index.js';
import { PluginManager } from './manager.js';
import { SPLIT_AT } from './plugin-slot.js';
import { buildGuest, TEST_DEADLINE_MS, writePlugin } from './testing/guests.js';
import { frameWithSeq, SHARED_CACHE, until } from './testing/harness.js';

// The manager driven from this thread without sockets (as the controller's
// bus would), so that a burst of events is offered in one go, as one read of
// a switch's connection does.

const DPID = 0x1n;

function packetInEvent(seq: number): AppEvent {
  const data = frameWithSeq(seq);
  const message: PacketIn = { type: 'PacketIn', version: 4, xid: 0, bufferId: 0xffffffff, totalLen: data.length, reason: 0, tableId: 0, cookie: 0n, match: [{ field: 'in_port', value: 1 }], data };
  return { type: 'packetIn', node: 0, dpid: DPID, message, frame: encodeMessage(message) };
}

/** The seq a PACKET_OUT of the echo guest carries (frameWithSeq's), or undefined for another message. */
function echoedSeq(m: OfpMessage): number | undefined {
  return m.type === 'PacketOut' ? Buffer.from(m.data).readUInt32BE(14) : undefined;
}

describe('two batches in flight', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sdn-runtime-in-flight-'));
  const handlers = new Set<(event: AppEvent) => void>();
  const echoed: number[] = [];
  let manager: PluginManager;

  const offer = (events: AppEvent[]): void => {
    for (const e of events) for (const h of handlers) h(e);
  };
  const burst = (from: number, count: number): AppEvent[] => Array.from({ length: count }, (_, i) => packetInEvent(from + i));

  before(async () => {
    const record = (m: OfpMessage): void => {
      const seq = echoedSeq(m);
      if (seq !== undefined) echoed.push(seq);
    };
    const handle: SwitchHandle = {
      dpid: DPID,
      node: 0,
      version: 4,
      send: (command: Command) => record(command as OfpMessage),
      sendEncoded: (message: Buffer) => record(decodeMessage(message)),
      sendConfirmed: () => Promise.resolve(),
      request: () => Promise.resolve([]),
      barrier: () => Promise.resolve(),
    };
    const switches: SwitchDirectory = { lookup: (dpid) => (dpid === DPID ? handle : undefined), view: () => undefined, list: () => [], role: () => undefined };
    const scope = (name: string): AppScope => ({ name, id: 0, switches, removeFlows: () => Promise.resolve([]), declareTables: () => new Map(), limitFlows: () => {} });
    const ctx: AppContext = {
      log: pino({ level: 'silent' }),
      node: 0,
      subscribe: (_kinds, h) => {
        const handler = h as (event: AppEvent) => void;
        handlers.add(handler);
        return () => void handlers.delete(handler);
      },
      switches,
      apps: { own: scope('test'), scope: (name) => scope(name), unconfined: switches },
    };
    manager = new PluginManager({ dataDir: dir, cacheDir: SHARED_CACHE, watch: false, metrics: new RuntimeMetrics(), loadDirs: [dir], policy: { backoffBaseMs: 20 } });
    await manager.start(ctx);
    await manager.ready();
  });
  after(async () => {
    await manager.stop();
  });

  it('hands a burst to the worker as two batches and answers every event once, in order', async () => {
    await manager.load(writePlugin(join(dir, 'echo'), { name: 'echo', version: '1', capabilities: ['openflow'], subscriptions: { kinds: ['packet-in'] }, limits: { deadlineMs: TEST_DEADLINE_MS } }, await buildGuest('echo')));
    const before = manager.status('echo').counters.batches;
    offer(burst(1, 2 * SPLIT_AT));
    await until('every event of the burst echoed', () => echoed.length >= 2 * SPLIT_AT, 20_000);
    assert.deepEqual(echoed, burst(1, 2 * SPLIT_AT).map((_, i) => 1 + i));
    assert.equal(manager.status('echo').counters.batches - before, 2);
    // A burst below the split size goes as one batch.
    echoed.length = 0;
    offer(burst(100, SPLIT_AT - 1));
    await until('every event of the small burst echoed', () => echoed.length >= SPLIT_AT - 1, 20_000);
    assert.equal(manager.status('echo').counters.batches - before, 3);
  });

  it('hands a full batch over at once, without waiting for the offering task to end', async () => {
    echoed.length = 0;
    offer(burst(4000, 64));
    assert.equal(manager.status('echo').queued, 0);
    await until('the full batch echoed', () => echoed.length >= 64, 20_000);
  });

  it('takes the worker\'s replies while one long task offers events, not after it', async () => {
    echoed.length = 0;
    const before = manager.status('echo').counters.batches;
    offer(burst(2000, 2 * SPLIT_AT));
    // The burst goes out as two batches once the offering task's microtasks run; then a long task offers more.
    await Promise.resolve();
    // One synchronous task, as a socket read offering event after event: no event-loop turn, no microtask.
    const until = performance.now() + 20_000;
    for (let seq = 3000; echoed.length === 0 && performance.now() < until; seq++) offer([packetInEvent(seq)]);
    assert.ok(echoed.length > 0, 'no reply was taken within the task');
    assert.equal(echoed[0], 2000);
    assert.ok(manager.status('echo').counters.batches - before >= 1);
    await manager.unload('echo');
  });

  it('counts a trap in the first of two batches in flight as one fault, drops both, and restarts once both are answered', async () => {
    const changes: string[] = [];
    manager.onStateChange((c) => {
      if (c.name === 'trapper') changes.push(c.reason);
    });
    await manager.load(writePlugin(join(dir, 'trapper'), { name: 'trapper', version: '1', capabilities: ['openflow'], subscriptions: { kinds: ['packet-in'] }, limits: { deadlineMs: TEST_DEADLINE_MS }, config: { mode: 'trap' } }, await buildGuest('hostile')));
    offer(burst(1000, 2 * SPLIT_AT));
    await until('the trapper restarted', () => changes.includes('restarted after trap'), 20_000);
    const { counters } = manager.status('trapper');
    assert.equal(counters.faults.trap, 1);
    assert.equal(counters.batches, 2);
    assert.equal(counters.eventsDropped, 2 * SPLIT_AT);
    assert.equal(counters.restarts, 1);
    assert.equal(changes.filter((r) => r.startsWith('trap')).length, 1);
    await manager.unload('trapper');
  });
});
