import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { OfpMessage } from '../../openflow/index.js';
import { DEFAULT_SERVE_CONFIG } from '../../serve/config.js';
import { startRuntime, type RunningRuntime } from '../../serve/runtime.js';
import { EventWatcher } from '../../testing/event-watcher.js';
import { FakeSwitch } from '../../testing/fake-switch.js';
import { PluginManager, type PluginManagerOptions } from '../manager.js';
import { CACHE as KIT_BUILDS } from './kits.js';
import type { PluginStateChange } from '../status.js';

/** Compile cache shared by the plugin test files (keyed by component hash, so safe to share). */
export const SHARED_CACHE = join(tmpdir(), 'sdn-runtime-test-plugin-cache');

export interface PluginRig {
  readonly rt: RunningRuntime;
  readonly manager: PluginManager;
  readonly watcher: EventWatcher;
  readonly dir: string;
  readonly logs: Record<string, unknown>[];
  readonly changes: PluginStateChange[];
  /** Resolves with the first state change (past or future) that matches. */
  waitForChange(predicate: (c: PluginStateChange) => boolean, timeoutMs?: number): Promise<PluginStateChange>;
  /** A fake switch connected and reported up. */
  connect(dpid: bigint): Promise<FakeSwitch>;
  stop(): Promise<void>;
}

/**
 * An in-process runtime (OpenFlow over TCP on loopback) with a plugin manager as an app.
 * `topology`: run link discovery and host tracking (off by default: their LLDP packet-outs would reach every fake switch).
 */
export async function startPluginRig(options: Partial<PluginManagerOptions> = {}, { topology = false } = {}): Promise<PluginRig> {
  const dir = mkdtempSync(join(tmpdir(), 'sdn-runtime-plugins-'));
  const logs: Record<string, unknown>[] = [];
  const log = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n')) if (line !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    }),
  );
  // The runtime's own plugin host gets another folder: this rig's manager (with the test's options) owns `<dir>/plugins`.
  // Every port chosen by the OS: test files of other worktrees run on this machine too.
  const rt = await startRuntime({ ...DEFAULT_SERVE_CONFIG, openflowHost: '127.0.0.1', openflowPort: 0, httpHost: '127.0.0.1', httpPort: 0, grpcHost: '127.0.0.1', grpcPort: 0, dataDir: dir, pluginsDir: join(dir, 'runtime-plugins'), handshakeTimeoutMs: 5000, topology }, log);
  const watcher = new EventWatcher();
  await rt.controller.use(watcher);
  // Tests write plugin folders into `dir` and build kit projects into the kits cache: both may be loaded.
  const manager = new PluginManager({ dataDir: dir, cacheDir: SHARED_CACHE, watch: false, metrics: rt.metrics, loadDirs: [dir, KIT_BUILDS], ...options });
  const changes: PluginStateChange[] = [];
  const waiters: { predicate: (c: PluginStateChange) => boolean; resolve: (c: PluginStateChange) => void }[] = [];
  manager.onStateChange((c) => {
    changes.push(c);
    for (const w of waiters.splice(0)) {
      if (w.predicate(c)) w.resolve(c);
      else waiters.push(w);
    }
  });
  await rt.controller.use(manager);
  const switches: FakeSwitch[] = [];
  return {
    rt,
    manager,
    watcher,
    dir,
    logs,
    changes,
    waitForChange(predicate, timeoutMs = 20_000) {
      const seen = changes.find(predicate);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching plugin state change within ${timeoutMs} ms; saw ${JSON.stringify(changes)}`)), timeoutMs);
        waiters.push({ predicate, resolve: (c) => (clearTimeout(timer), resolve(c)) });
      });
    },
    async connect(dpid) {
      const since = watcher.events.length;
      const sw = await FakeSwitch.connect(rt.openflowPort, { dpid });
      switches.push(sw);
      await watcher.waitFor((e) => e.type === 'switchUp' && e.dpid === dpid, 20_000, since);
      return sw;
    },
    async stop() {
      await Promise.all(switches.map((s) => s.close()));
      await rt.stop();
    },
  };
}

/** An Ethernet frame carrying `seq` (u32 at byte 14), so a test can follow each packet. */
export function frameWithSeq(seq: number): Buffer {
  const f = Buffer.alloc(64);
  Buffer.from('ffffffffffff020000000001', 'hex').copy(f, 0);
  f.writeUInt16BE(0x0800, 12);
  f.writeUInt32BE(seq, 14);
  return f;
}

export function packetIn(seq: number, inPort = 1): OfpMessage {
  const data = frameWithSeq(seq);
  return { type: 'PacketIn', version: 4, xid: 0, bufferId: 0xffffffff, totalLen: data.length, reason: 0, tableId: 0, cookie: 0n, match: [{ field: 'in_port', value: inPort }], data };
}

/** Resolves once `condition()` holds (checked every 10 ms); rejects after `timeoutMs` naming `what`. */
export async function until(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not true within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
