import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { DEFAULT_SERVE_CONFIG, type ServeConfig } from '../serve/config.js';
import { startRuntime, type RunningRuntime, type RuntimeServices } from '../serve/runtime.js';

/** A runtime started in-process on loopback with every port 0, and the log lines it wrote. */
export interface TestRuntime {
  readonly rt: RunningRuntime;
  readonly logs: Record<string, unknown>[];
  stop(): Promise<void>;
}

export async function startTestRuntime(overrides: Partial<ServeConfig> = {}, services: RuntimeServices = {}): Promise<TestRuntime> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sdn-runtime-api-'));
  const logs: Record<string, unknown>[] = [];
  const log = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    }),
  );
  const rt = await startRuntime(
    // Topology off unless a test turns it on: its probes and LLDP flow are traffic the fake switches of other tests do not expect.
    { ...DEFAULT_SERVE_CONFIG, openflowHost: '127.0.0.1', openflowPort: 0, httpHost: '127.0.0.1', httpPort: 0, grpcHost: '127.0.0.1', grpcPort: 0, dataDir, nodeId: 'test-node', handshakeTimeoutMs: 1000, topology: false, ...overrides },
    log,
    services,
  );
  return {
    rt,
    logs,
    async stop() {
      await rt.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Resolves once `check()` holds, looking again after every turn of the event
 * loop; for state that changes without an event a test can subscribe to (the
 * server noticing a cancelled stream). Rejects after `timeoutMs`.
 */
export async function eventually(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The value of one series of a metric in the runtime's registry (0 when absent). */
export async function metricValue(rt: RunningRuntime, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = await rt.metrics.registry.getSingleMetric(name)?.get();
  const series = metric?.values.find((v) => Object.entries(labels).every(([k, val]) => String(v.labels[k]) === val));
  return series?.value ?? 0;
}
