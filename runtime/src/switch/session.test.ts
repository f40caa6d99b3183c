import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import { RuntimeMetrics } from '../observability/metrics.js';
import type { OfpMessage } from '../openflow/index.js';
import { FakeSwitch } from '../testing/fake-switch.js';
import { eventually } from '../testing/test-runtime.js';
import type { CloseReason, SwitchInfo } from './connection-types.js';
import { OpenFlowServer } from './server.js';
import type { SessionListener, SwitchSession } from './session.js';

interface Closed {
  readonly session: SwitchSession;
  readonly reason: CloseReason;
  readonly detail: string;
  readonly error: unknown;
}

/** A listener that records sessions and can be told to throw for one dpid, as a buggy owner would. */
class RecordingListener implements SessionListener {
  readonly ready = new Map<bigint, SwitchSession>();
  readonly closed: Closed[] = [];
  throwOnMessageFrom: bigint | undefined;
  throwOnClosed = false;
  private waiters: (() => void)[] = [];

  onReady(session: SwitchSession, info: SwitchInfo): void {
    this.ready.set(info.dpid, session);
    this.wake();
  }

  onMessage(session: SwitchSession, _message: OfpMessage): void {
    if (session.dpid === this.throwOnMessageFrom) throw new TypeError('a bug in the owner');
  }

  onProblem(): void {}

  onClosed(session: SwitchSession, reason: CloseReason, detail: string, error?: unknown): void {
    this.closed.push({ session, reason, detail, error });
    this.wake();
    if (this.throwOnClosed) throw new RangeError('a bug while cleaning up');
  }

  /** Resolves once `check()` holds, re-checked on every listener call; rejects after `timeoutMs`. */
  async until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`not within ${timeoutMs} ms: ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

async function startServer(listener: SessionListener): Promise<{ server: OpenFlowServer; port: number; metrics: RuntimeMetrics; logs: Record<string, unknown>[] }> {
  const logs: Record<string, unknown>[] = [];
  const log = pino(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    }),
  );
  const metrics = new RuntimeMetrics();
  const server = new OpenFlowServer(
    { host: '127.0.0.1', port: 0, connection: {}, tickMs: 50, limits: { maxConnections: 100, maxPerSource: 100, maxHandshakes: 100, logIntervalMs: 60_000 }, log, metrics },
    listener,
  );
  return { server, port: await server.listen(), metrics, logs };
}

describe('SwitchSession faults', () => {
  const open: (() => Promise<void>)[] = [];
  after(async () => {
    for (const close of open.reverse()) await close();
  });

  it('an exception from its owner closes that session only, with internalError; the other switches keep working', async () => {
    const listener = new RecordingListener();
    const { server, port } = await startServer(listener);
    open.push(() => server.close());
    const good = await FakeSwitch.connect(port, { dpid: 1n });
    const bad = await FakeSwitch.connect(port, { dpid: 2n });
    open.push(() => good.close(), () => bad.close());
    await listener.until(() => listener.ready.size === 2, 'both switches ready');
    listener.throwOnMessageFrom = 2n;
    bad.send({ type: 'PortStatus', version: 4, xid: 0, reason: 2, desc: { portNo: 1, hwAddr: '02:00:00:00:00:01', name: 'p1', config: 0, state: 0, curr: 0, advertised: 0, supported: 0, peer: 0, currSpeed: 0, maxSpeed: 0 } });
    await eventually(() => bad.socket.closed, 'the runtime closed the failing session', 10_000);
    await listener.until(() => listener.closed.length === 1, 'the failing session closed');
    const [closed] = listener.closed;
    assert.equal(closed?.reason, 'internalError');
    assert.equal(closed?.session, listener.ready.get(2n));
    assert.match(closed?.detail ?? '', /TypeError: a bug in the owner/);
    assert.ok(closed?.error instanceof TypeError);
    const reply = await listener.ready.get(1n)!.request({ type: 'BarrierRequest' });
    assert.equal(reply[0]?.type, 'BarrierReply');
    assert.equal(server.connections(), 1);
  });

  it('a request or confirmed command that cannot be encoded rejects (it does not throw) and the session stays usable', async () => {
    const listener = new RecordingListener();
    const { server, port } = await startServer(listener);
    open.push(() => server.close());
    const sw = await FakeSwitch.connect(port, { dpid: 3n });
    open.push(() => sw.close());
    await listener.until(() => listener.ready.size === 1, 'switch ready');
    const session = listener.ready.get(3n)!;
    const bogus = { type: 'FlowMod', tableId: 300 } as never;
    let request: Promise<unknown> | undefined;
    assert.doesNotThrow(() => (request = session.request(bogus)));
    await assert.rejects(request!, { code: 'OFP_ENCODE' });
    await assert.rejects(session.sendConfirmed(bogus), { code: 'OFP_ENCODE' });
    assert.equal((await session.request({ type: 'BarrierRequest' }))[0]?.type, 'BarrierReply');
    assert.deepEqual(listener.closed, []);
  });

  it('an exception from the owner while a session closes is counted and logged, not thrown out of the socket callback', async () => {
    const listener = new RecordingListener();
    const { server, port, metrics, logs } = await startServer(listener);
    open.push(() => server.close());
    const sw = await FakeSwitch.connect(port, { dpid: 4n });
    await listener.until(() => listener.ready.size === 1, 'switch ready');
    listener.throwOnClosed = true;
    await sw.close();
    await listener.until(() => listener.closed.length === 1, 'session closed');
    const errors = await metrics.errors.get();
    assert.equal(errors.values.find((v) => v.labels.cause === 'internalError')?.value, 1);
    assert.ok(logs.some((l) => String(l.msg).includes('handling a closed switch connection failed: RangeError: a bug while cleaning up')), JSON.stringify(logs));
  });
});
