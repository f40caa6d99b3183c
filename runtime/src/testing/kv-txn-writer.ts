import { credentials, Metadata } from '@grpc/grpc-js';
import { Compare_Result, Compare_Target, KVClient, type KeyValue, type TxnResponse } from '../generated/sdn/runtime/v1/kv.js';
import { unary } from './grpc-loopback.js';

export interface KvTxnWriterOptions {
  /** The node's gRPC port (127.0.0.1). */
  readonly grpcPort: number;
  /** Keys live under `w/<name>/`. */
  readonly name: string;
  /** At most this many transactions in all (the loop's bound in count). */
  readonly maxWrites: number;
  /** Pause between two transactions, in ms (pacing: the machine is shared). */
  readonly pauseMs: number;
  /** Each call's gRPC deadline, in ms. */
  readonly callTimeoutMs: number;
}

/** A transaction the node acknowledged (succeeded), with its revision. */
export interface AcknowledgedWrite {
  readonly index: number;
  readonly revision: bigint;
}

const KEYS = ['a', 'b', 'c'] as const;

/**
 * An app's KV traffic during a fault: one transaction in flight at a time
 * through one node's KV API, each a compare transaction over 3 keys
 * (`if createRevision(w/<name>/<i>/a) == 0 then put w/<name>/<i>/{a,b,c}`).
 * Every transaction writes new keys, so each acknowledged one can be checked
 * afterwards on its own (`lostWrites`): all three keys there with its values.
 * A call that fails (the node killed, etcd electing a leader) is not retried:
 * its outcome is unknown, and the check only requires that it is all or
 * nothing. Bounded by `maxWrites` and by `stop()`. Test support only.
 */
export class KvTxnWriter {
  readonly acknowledged: AcknowledgedWrite[] = [];
  /** Calls that failed (error or deadline): outcome unknown. */
  failed = 0;
  /** Transactions whose compare did not hold (a key of a new index already there: never expected). */
  compareFailed = 0;
  private readonly client: KVClient;
  private readonly prefix: string;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private next = 0;

  constructor(private readonly options: KvTxnWriterOptions) {
    // Reconnect quickly to a node that was restarted on the same port (grpc-js backs off up to 120 s by default).
    this.client = new KVClient(`127.0.0.1:${options.grpcPort}`, credentials.createInsecure(), { 'grpc.initial_reconnect_backoff_ms': 100, 'grpc.max_reconnect_backoff_ms': 1000 });
    this.prefix = `w/${options.name}/`;
  }

  /** Starts writing (once). */
  start(): this {
    this.loop ??= this.run();
    return this;
  }

  /** Resolves when the loop ended by itself (`maxWrites` done) or was stopped. */
  finished(): Promise<void> {
    return this.start().loop!;
  }

  /** Stops after the transaction in flight and closes the client. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    this.client.close();
  }

  private async run(): Promise<void> {
    while (!this.stopped && this.next < this.options.maxWrites) {
      const index = this.next++;
      try {
        const response = await this.txn(index);
        if (response.succeeded) this.acknowledged.push({ index, revision: response.revision });
        else this.compareFailed += 1;
      } catch {
        this.failed += 1;
      }
      if (!this.stopped) await new Promise((resolve) => setTimeout(resolve, this.options.pauseMs));
    }
  }

  private txn(index: number): Promise<TxnResponse> {
    const key = (k: string): Buffer => Buffer.from(`${this.prefix}${index}/${k}`);
    const deadline = new Date(Date.now() + this.options.callTimeoutMs);
    return unary<TxnResponse>((done) =>
      this.client.txn(
        {
          compares: [{ key: key('a'), target: Compare_Target.TARGET_CREATE_REVISION, result: Compare_Result.RESULT_EQUAL, value: Buffer.alloc(0), number: 0n }],
          success: KEYS.map((k) => ({ kind: { $case: 'put' as const, value: { key: key(k), value: Buffer.from(`${this.options.name}-${index}-${k}`) } } })),
          failure: [{ kind: { $case: 'get' as const, value: { key: key('a') } } }],
        },
        new Metadata(),
        { deadline },
        done,
      ),
    );
  }

  /**
   * Reads every key of this writer through `client` (paged) and returns what is
   * wrong: an acknowledged write (of those acknowledged when the call started)
   * missing or with another value, or any write present only in part.
   */
  async lostWrites(client: KVClient): Promise<string[]> {
    const acknowledged = [...this.acknowledged];
    const found = new Map<string, string>();
    let start = Buffer.from(this.prefix);
    const end = Buffer.from(this.prefix.slice(0, -1) + String.fromCharCode(this.prefix.charCodeAt(this.prefix.length - 1) + 1));
    for (let page = 0; page < 1000; page++) {
      const response = await unary<{ kvs: KeyValue[]; more: boolean }>((done) => client.range({ start, end, prefix: false, limit: 1000, maxBytes: 0 }, new Metadata(), { deadline: new Date(Date.now() + 10_000) }, done));
      for (const kv of response.kvs) found.set(kv.key.toString(), kv.value.toString());
      if (!response.more || response.kvs.length === 0) break;
      start = Buffer.concat([response.kvs[response.kvs.length - 1]!.key, Buffer.from([0])]);
    }
    const problems: string[] = [];
    for (const { index, revision } of acknowledged) {
      for (const k of KEYS) {
        const value = found.get(`${this.prefix}${index}/${k}`);
        if (value !== `${this.options.name}-${index}-${k}`) problems.push(`${this.prefix}${index}/${k} (acknowledged at revision ${revision}): ${value === undefined ? 'missing' : `holds ${value}`}`);
      }
    }
    for (let index = 0; index < this.next; index++) {
      const present = KEYS.filter((k) => found.has(`${this.prefix}${index}/${k}`)).length;
      if (present !== 0 && present !== KEYS.length) problems.push(`${this.prefix}${index}: ${present} of ${KEYS.length} keys (a transaction applied in part)`);
    }
    return problems;
  }
}
