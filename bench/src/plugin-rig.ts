import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { AppContext, AppEvent, AppScope, Command, SwitchDirectory, SwitchHandle } from '../../runtime/dist/core/index.js';
import { RuntimeMetrics } from '../../runtime/dist/observability/metrics.js';
import { encodeMessage, encodeMessageInto, expectWholeMessage, OFPT_PACKET_OUT, Writer, type PacketIn } from '../../runtime/dist/openflow/index.js';
import { PluginManager, type PluginStateChange, type SlotPolicy } from '../../runtime/dist/plugins/index.js';
import { CACHE as KIT_BUILDS } from '../../runtime/dist/plugins/testing/kits.js';

/**
 * A plugin manager driven straight from this process, without sockets: events
 * go in through the app context's subscription, commands come out on a fake
 * switch handle that counts them. What is measured is the plugin host (queue,
 * main⇄worker transfer, worker, guest, outputs), not TCP or the codec of a
 * connection.
 */

export const BENCH_DPID = 0x1n;
const STALL_MS = 30_000;

/** One PACKET_IN from host `src` to host `dst` (MACs 02:00:00:00:hh:ll), on port 1 + src % 8. */
export function packetInEvent(src: number, dst: number, seq: number): AppEvent {
  const data = Buffer.alloc(64);
  const mac = (n: number): Buffer => Buffer.from([2, 0, 0, 0, (n >>> 8) & 0xff, n & 0xff]);
  mac(dst).copy(data, 0);
  mac(src).copy(data, 6);
  data.writeUInt16BE(0x88b5, 12);
  data.writeUInt32BE(seq, 14);
  const message: PacketIn = { type: 'PacketIn', version: 4, xid: 0, bufferId: 0xffffffff, totalLen: data.length, reason: 0, tableId: 0, cookie: 0n, match: [{ field: 'in_port', value: 1 + (src % 8) }], data };
  // With the frame a connection hands over with it: the plugin host passes that on as it is.
  return { type: 'packetIn', node: 0, dpid: BENCH_DPID, message, frame: encodeMessage(message) };
}

export class PluginRig {
  readonly manager: PluginManager;
  readonly metrics = new RuntimeMetrics();
  readonly dir: string;
  readonly logs: Record<string, unknown>[] = [];
  readonly changes: PluginStateChange[] = [];
  /** Commands received on the fake switch, by OpenFlow message type. */
  readonly received = new Map<number, number>();
  /**
   * What a connection does with a command, so that the host's hand-over is
   * measured with its cost on the other side: a value is encoded, an encoded
   * message copied with a fresh xid (switch/connection.ts). Reset when it fills.
   */
  private readonly out = new Writer(64 * 1024);
  /** The manager's subscriptions (the events one and, while a plugin is loaded, its interest hold): each gets every event, as from the bus. */
  private readonly handlers = new Set<(event: AppEvent) => void>();
  /** PACKET_OUTs received: each plugin measured here answers every PACKET_IN with exactly one. */
  private packetOuts = 0;
  private waiter: { count: number; resolve: () => void; reject: (err: Error) => void } | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private changeWaiters: { predicate: (c: PluginStateChange) => boolean; resolve: (c: PluginStateChange) => void }[] = [];

  private constructor(cacheDir: string, policy: Partial<SlotPolicy>) {
    this.dir = mkdtempSync(join(tmpdir(), 'sdn-bench-plugins-'));
    // Its own folder (test guests) and the kit builds are where its plugins come from, as in the plugin tests' harness.
    this.manager = new PluginManager({ dataDir: this.dir, cacheDir, watch: false, metrics: this.metrics, policy, loadDirs: [this.dir, KIT_BUILDS] });
    this.manager.onStateChange((c) => {
      this.changes.push(c);
      for (const w of this.changeWaiters.splice(0)) {
        if (w.predicate(c)) w.resolve(c);
        else this.changeWaiters.push(w);
      }
    });
  }

  /** A started manager; `cacheDir` is its compile cache (shared between runs: keyed by component hash). */
  static async start(cacheDir: string, policy: Partial<SlotPolicy> = {}): Promise<PluginRig> {
    const rig = new PluginRig(cacheDir, policy);
    const logs = rig.logs;
    const log = pino(
      { level: 'info' },
      new Writable({
        write(chunk: Buffer, _enc, done) {
          for (const line of chunk.toString().split('\n')) if (line !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
          done();
        },
      }),
    );
    const handle: SwitchHandle = {
      dpid: BENCH_DPID,
      node: 0,
      version: 4,
      send: (command: Command) => rig.onCommand(rig.written(() => encodeMessageInto(command, rig.out, 4, 1))),
      sendEncoded: (message: Buffer) =>
        rig.onCommand(
          rig.written(() => {
            expectWholeMessage(message, 4);
            rig.out.bytes(message);
            rig.out.buf.writeUInt32BE(1, rig.out.pos - message.length + 4);
          }),
        ),
      sendConfirmed: () => Promise.resolve(),
      request: () => Promise.resolve([]),
      barrier: () => Promise.resolve(),
    };
    const switches: SwitchDirectory = { lookup: (dpid) => (dpid === BENCH_DPID ? handle : undefined), view: () => undefined, list: () => [], role: () => undefined };
    const scope = (name: string): AppScope => ({ name, id: 0, switches, removeFlows: () => Promise.resolve([]), declareTables: () => new Map(), limitFlows: () => {} });
    const ctx: AppContext = {
      log,
      node: 0,
      subscribe: (_kinds, h) => {
        const handler = h as (event: AppEvent) => void;
        rig.handlers.add(handler);
        return () => void rig.handlers.delete(handler);
      },
      switches,
      // The bench measures the plugin host, not ownership: every plugin reaches the one switch unconfined.
      apps: { own: scope('bench'), scope: (name) => scope(name), unconfined: switches },
    };
    await rig.manager.start(ctx);
    await rig.manager.ready();
    rig.watch();
    return rig;
  }

  /** Seconds plugin `name` has spent inside its guest's handle, as its worker measured them. */
  async guestSeconds(name: string): Promise<number> {
    const { values } = await this.metrics.plugins.guestSeconds.get();
    return values.find((v) => v.labels.plugin === name)?.value ?? 0;
  }

  /** Hands an event to the manager as the controller would. */
  offer(event: AppEvent): void {
    for (const handler of this.handlers) handler(event);
  }

  /** PACKET_OUTs received so far. */
  get answered(): number {
    return this.packetOuts;
  }

  /**
   * Resolves once `count` PACKET_OUTs in total have been received; rejects when
   * none arrived for 30 s (one watchdog for the rig: a timer per call would be
   * part of what is measured).
   */
  answeredReach(count: number): Promise<void> {
    if (this.packetOuts >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiter = { count, resolve, reject };
    });
  }

  private watch(): void {
    let seen = this.packetOuts;
    let stalledSince = performance.now();
    this.watchdog = setInterval(() => {
      const w = this.waiter;
      if (w === undefined || this.packetOuts !== seen) {
        seen = this.packetOuts;
        stalledSince = performance.now();
        return;
      }
      if (performance.now() - stalledSince < STALL_MS) return;
      this.waiter = undefined;
      w.reject(new Error(`only ${this.packetOuts} of ${w.count} PACKET_OUTs arrived, none for ${STALL_MS / 1000} s; plugin states: ${JSON.stringify(this.manager.list().map((p) => [p.name, p.state, p.lastError]))}`));
    }, 1000);
    this.watchdog.unref();
  }

  /** Resolves with the first state change from now on that matches. */
  nextChange(predicate: (c: PluginStateChange) => boolean, timeoutMs = 30_000): Promise<PluginStateChange> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching plugin state change within ${timeoutMs} ms`)), timeoutMs);
      this.changeWaiters.push({ predicate, resolve: (c) => (clearTimeout(timer), resolve(c)) });
    });
  }

  async stop(): Promise<void> {
    clearInterval(this.watchdog);
    await this.manager.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Runs `write` into the fake connection's buffer; returns the OpenFlow type it wrote. */
  private written(write: () => void): number {
    if (this.out.pos > 60 * 1024) this.out.reset();
    const start = this.out.pos;
    write();
    return this.out.buf[start + 1]!;
  }

  private onCommand(type: number): void {
    this.received.set(type, (this.received.get(type) ?? 0) + 1);
    if (type !== OFPT_PACKET_OUT) return;
    this.packetOuts++;
    const w = this.waiter;
    if (w !== undefined && this.packetOuts >= w.count) {
      this.waiter = undefined;
      w.resolve();
    }
  }
}
