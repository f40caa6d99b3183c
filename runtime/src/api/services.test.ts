import assert from 'node:assert/strict';
import { status } from '@grpc/grpc-js';
import { after, before, describe, it } from 'node:test';
import { SdnError } from '../errors.js';
import { EventKind } from '../generated/sdn/runtime/v1/events.js';
import { Compare_Result, Compare_Target } from '../generated/sdn/runtime/v1/kv.js';
import type { PubSubBus, PubSubMessage, Subscription } from '../pubsub/types.js';
import type { Compare, KeyValue, KvChange, KvStore, RangeOptions, TxnOp, TxnOpResult, TxnResult, Watch, WatchHandler, WatchOptions } from '../store/types.js';
import { StreamClient } from '../testing/api-client.js';
import { eventually, startTestRuntime, type TestRuntime } from '../testing/test-runtime.js';

// In-memory stand-ins for the bus and the store: the API is written against their
// interfaces; the real ones (store/lmdb-store.ts, the pubsub bus) are tested on their own.

function matches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return i === p.length - 1 && s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

export class MemoryBus implements PubSubBus {
  private readonly subscriptions = new Set<{ pattern: string; handler: (m: PubSubMessage) => void }>();

  get subscribers(): number {
    return this.subscriptions.size;
  }

  publish(message: PubSubMessage): number {
    let delivered = 0;
    for (const s of [...this.subscriptions]) {
      if (!matches(s.pattern, message.subject)) continue;
      s.handler(message);
      delivered++;
    }
    return delivered;
  }

  subscribe(pattern: string, handler: (message: PubSubMessage) => void): Subscription {
    const tokens = pattern.split('.');
    if (tokens.some((t, i) => t === '' || (t === '>' && i !== tokens.length - 1))) throw new SdnError('PUBSUB_PATTERN', `"${pattern}" is not a subject pattern`);
    const entry = { pattern, handler };
    this.subscriptions.add(entry);
    return { unsubscribe: () => this.subscriptions.delete(entry) };
  }
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

export class MemoryStore implements KvStore {
  private readonly data = new Map<string, KeyValue>();
  private rev = 0n;
  private readonly watches = new Set<{ key: string; prefix: boolean; handler: WatchHandler }>();

  get watchers(): number {
    return this.watches.size;
  }

  revision(): bigint {
    return this.rev;
  }

  async get(key: Uint8Array): Promise<KeyValue | undefined> {
    return this.data.get(hex(key));
  }

  async put(key: Uint8Array, value: Uint8Array): Promise<{ revision: bigint; previous: KeyValue | undefined }> {
    const r = (await this.txn([], [{ type: 'put', key, value }], [])).results[0] as Extract<TxnOpResult, { type: 'put' }>;
    return { revision: r.revision, previous: r.previous };
  }

  async delete(key: Uint8Array, options: { prefix?: boolean } = {}): Promise<{ revision: bigint; deleted: number }> {
    const r = (await this.txn([], [{ type: 'delete', key, prefix: options.prefix }], [])).results[0] as Extract<TxnOpResult, { type: 'delete' }>;
    return { revision: r.revision, deleted: r.deleted };
  }

  async range(start: Uint8Array, options: RangeOptions = {}): Promise<{ kvs: KeyValue[]; more: boolean; revision: bigint }> {
    const kvs = [...this.data.values()].filter((kv) => (options.prefix === true ? hex(kv.key).startsWith(hex(start)) : hex(kv.key) === hex(start)));
    return { kvs, more: false, revision: this.rev };
  }

  async txn(compares: readonly Compare[], success: readonly TxnOp[], failure: readonly TxnOp[]): Promise<TxnResult> {
    const holds = compares.every((c) => {
      const kv = this.data.get(hex(c.key));
      if (c.target === 'value') return c.result === 'equal' ? kv !== undefined && hex(kv.value) === hex(c.value ?? new Uint8Array()) : kv === undefined || hex(kv.value) !== hex(c.value ?? new Uint8Array());
      const n = kv === undefined ? 0n : kv[c.target];
      return c.result === 'equal' ? n === c.number : c.result === 'notEqual' ? n !== c.number : c.result === 'greater' ? n > (c.number ?? 0n) : n < (c.number ?? 0n);
    });
    const ops = holds ? success : failure;
    const writes = ops.some((op) => op.type !== 'get');
    const revision = writes ? this.rev + 1n : this.rev;
    const changes: KvChange[] = [];
    const results = ops.map((op): TxnOpResult => {
      const k = hex(op.key);
      const previous = this.data.get(k);
      switch (op.type) {
        case 'get':
          return { type: 'get', kv: previous, revision };
        case 'put': {
          const kv = { key: op.key, value: op.value, createRevision: previous?.createRevision ?? revision, modRevision: revision, version: (previous?.version ?? 0n) + 1n };
          this.data.set(k, kv);
          changes.push({ type: 'put', kv });
          return { type: 'put', revision, previous };
        }
        case 'delete': {
          const gone = [...this.data.values()].filter((kv) => (op.prefix === true ? hex(kv.key).startsWith(k) : hex(kv.key) === k));
          for (const kv of gone) {
            this.data.delete(hex(kv.key));
            changes.push({ type: 'delete', kv: { ...kv, value: new Uint8Array(), modRevision: revision } });
          }
          return { type: 'delete', revision, deleted: gone.length };
        }
      }
    });
    this.rev = revision;
    for (const w of [...this.watches]) {
      const mine = changes.filter((c) => (w.prefix ? hex(c.kv.key).startsWith(w.key) : hex(c.kv.key) === w.key));
      if (mine.length > 0) w.handler.onChanges(mine, revision);
    }
    return { succeeded: holds, results, revision };
  }

  watch(key: Uint8Array, options: WatchOptions, handler: WatchHandler): Watch {
    const entry = { key: hex(key), prefix: options.prefix === true, handler };
    this.watches.add(entry);
    // Deliveries here are synchronous and unbuffered, so pausing has nothing to hold back.
    return { close: () => this.watches.delete(entry), pause: () => {}, resume: () => {} };
  }

  async close(): Promise<void> {
    this.watches.clear();
  }
}

describe('Events.Connect with a pubsub bus and a KV store', () => {
  const bus = new MemoryBus();
  const store = new MemoryStore();
  let t: TestRuntime;
  before(async () => {
    t = await startTestRuntime({}, { bus, store });
  });
  after(() => t.stop());

  it('publish reaches topic subscribers as PUBSUB events, and disconnecting unsubscribes', async () => {
    const listener = new StreamClient(t.rt.grpcPort);
    await listener.subscribe({ kinds: [EventKind.EVENT_KIND_PUBSUB], topics: ['topology.>'] });
    const publisher = new StreamClient(t.rt.grpcPort);
    await publisher.subscribe({ kinds: [EventKind.EVENT_KIND_SWITCH_UP] });
    const r = await publisher.command({ kind: { $case: 'publish', value: { message: { subject: 'topology.links', payload: Buffer.from('l1'), headers: { from: 'test' } } } } });
    assert.deepEqual(r.kind, { $case: 'publish', value: { delivered: 1 } });
    const e = await listener.event((ev) => ev.body?.$case === 'pubsub', 'the published message');
    assert.deepEqual(e.body?.$case === 'pubsub' && [e.body.value.subject, e.body.value.payload.toString(), e.body.value.headers], ['topology.links', 'l1', { from: 'test' }]);
    listener.close();
    await eventually(() => bus.subscribers === 0, 'the bus subscription of the closed stream is gone');
    publisher.close();
  });

  it('a malformed topic pattern ends the stream with INVALID_ARGUMENT naming the topic', async () => {
    const c = new StreamClient(t.rt.grpcPort);
    c.send({ kind: { $case: 'subscribe', value: { appName: 'x', kinds: [], dpids: [], packetIn: undefined, initialCredit: 0, maxBatch: 0, topics: ['ok.*', 'a.>.b'], kvWatches: [], tables: [] } } });
    const s = await c.status;
    assert.equal(s.code, status.INVALID_ARGUMENT);
    assert.match(s.details, /^subscribe\.topics\[1\]: "a\.>\.b" is not a subject pattern/);
    await eventually(() => bus.subscribers === 0, 'the first topic\'s subscription is undone');
    c.close();
  });

  it('kv_txn runs the transaction; kv_watches deliver the change as a KV event; disconnecting closes the watch', async () => {
    const watcher = new StreamClient(t.rt.grpcPort);
    await watcher.subscribe({ kinds: [EventKind.EVENT_KIND_KV], kvWatches: [{ key: Buffer.from('cfg/'), prefix: true }] });
    const writer = new StreamClient(t.rt.grpcPort);
    await writer.subscribe({});
    const txn = {
      compares: [{ key: Buffer.from('cfg/a'), target: Compare_Target.TARGET_VERSION, result: Compare_Result.RESULT_EQUAL, number: 0n }],
      success: [{ kind: { $case: 'put' as const, value: { key: Buffer.from('cfg/a'), value: Buffer.from('1') } } }],
    };
    const r = await writer.command({ kind: { $case: 'kvTxn', value: txn } });
    assert.equal(r.kind?.$case === 'kvTxn' && r.kind.value.succeeded, true);
    const again = await writer.command({ kind: { $case: 'kvTxn', value: txn } });
    assert.equal(again.kind?.$case === 'kvTxn' && again.kind.value.succeeded, false, 'the compare fails the second time');
    const e = await watcher.event((ev) => ev.body?.$case === 'kv', 'the KV change');
    assert.deepEqual(e.body?.$case === 'kv' && [e.body.value.type, e.body.value.kv?.key.toString(), e.body.value.kv?.value.toString(), e.body.value.kv?.version], [0, 'cfg/a', '1', 1n]);
    watcher.close();
    await eventually(() => store.watchers === 0, 'the watch of the closed stream is closed');
    writer.close();
  });
});
