import { status } from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect } from '../connect.js';
import type { SdnEvent } from '../convert/events.js';
import { ErrorCode, SdnClientError } from '../errors.js';
import { EventKind } from '../generated/sdn/runtime/v1/events.js';
import { actions } from '../openflow/actions.js';
import { Port } from '../openflow/constants.js';
import { instructions } from '../openflow/instructions.js';
import { match } from '../openflow/match.js';
import { FakeRuntime } from '../testing/fake-runtime.js';
import type { SdnApp } from './app.js';
import type { ConnectionState } from './stream.js';

function until<T>(register: (resolve: (v: T) => void) => unknown): Promise<T> {
  return new Promise((resolve) => register(resolve));
}

function stateReached(app: SdnApp, state: ConnectionState): Promise<ConnectionState> {
  return app.state === state ? Promise.resolve(state) : until((resolve) => app.onStateChange((s) => s === state && resolve(s)));
}

const packetIn = (dpid: bigint, inPort: number) => ({ dpid, body: { $case: 'packetIn' as const, value: { inPort, data: Buffer.from([inPort]) } } });
const switchDown = (seq: bigint) => ({ seq, dpid: 1n, body: { $case: 'switchDown' as const, value: { reason: 'peerClosed' } } });

describe('SdnApp against a scripted runtime', () => {
  let rt: FakeRuntime;
  before(async () => (rt = await FakeRuntime.start()));
  after(() => rt.close());

  /** Connects an app, answering its Subscribe on the next stream the fake runtime sees. */
  async function open(options: Partial<Parameters<typeof connect>[0]> = {}): Promise<{ app: SdnApp; index: number }> {
    const index = rt.connections.length;
    const pending = connect({ target: rt.target, name: 'test-app', reconnect: { initialDelayMs: 5, maxDelayMs: 20 }, ...options });
    const conn = await rt.connection(index);
    await conn.subscribeMessage();
    conn.subscribed(0n);
    return { app: await pending, index };
  }

  it('subscribes with its name, named tables, filters, credit and bearer token; knows its app id and the table ids', async () => {
    const index = rt.connections.length;
    const pending = connect({
      target: rt.target,
      name: 'filters',
      tables: [{ name: 'acl' }, { name: 'audit', after: ['acl'] }],
      token: 's3cret',
      credit: 64,
      maxBatch: 16,
      subscribe: { kinds: ['packetIn', 'switchUp'], dpids: [1n, 2n], packetIn: { ethTypes: [0x0806], tableIds: [0], cookies: [7n] }, topics: ['topo.>'], kvWatches: [{ key: 'cfg/', prefix: true }] },
    });
    const conn = await rt.connection(index);
    const sub = await conn.subscribeMessage();
    assert.equal(conn.metadata.get('authorization')[0], 'Bearer s3cret');
    assert.equal(sub.appName, 'filters');
    assert.deepEqual(sub.tables, [{ name: 'acl', after: [] }, { name: 'audit', after: ['acl'] }]);
    assert.deepEqual(sub.kinds, [EventKind.EVENT_KIND_PACKET_IN, EventKind.EVENT_KIND_SWITCH_UP, EventKind.EVENT_KIND_PUBSUB, EventKind.EVENT_KIND_KV]);
    assert.deepEqual(sub.dpids, [1n, 2n]);
    assert.deepEqual(sub.packetIn, { ethTypes: [0x0806], tableIds: [0], cookies: [7n] });
    assert.deepEqual([sub.initialCredit, sub.maxBatch, sub.topics, sub.resumeAfterSeq], [64, 16, ['topo.>'], undefined]);
    assert.deepEqual([sub.kvWatches[0]?.key.toString(), sub.kvWatches[0]?.prefix], ['cfg/', true]);
    conn.subscribed(42n, 'node-a', 0x4654, { acl: 0, audit: 1, l2: 2 });
    const app = await pending;
    assert.deepEqual([app.state, app.nodeId, app.lastEventSeq, app.appId], ['ready', 'node-a', 42n, 0x4654]);
    assert.deepEqual([...app.tables], [['acl', 0], ['audit', 1], ['l2', 2]]);
    await app.close();
  });

  it('delivers typed events in order to handlers and iterators', async () => {
    const { app, index } = await open();
    const conn = await rt.connection(index);
    const seen: string[] = [];
    app.onPacketIn((ev) => void seen.push(`pi:${ev.dpid}:${ev.inPort}:${ev.data[0]}`));
    app.onSwitchDown((ev) => void seen.push(`down:${ev.seq}`));
    const onlyDown = app.events('switchDown');
    const all = app.events();
    conn.events([packetIn(1n, 1), switchDown(5n), packetIn(2n, 3)]);
    const first = await all.next();
    const second = await all.next();
    const third = await all.next();
    assert.deepEqual([first.value?.type, second.value?.type, third.value?.type], ['packetIn', 'switchDown', 'packetIn']);
    assert.deepEqual(seen, ['pi:1:1:1', 'down:5', 'pi:2:3:3']);
    const down = await onlyDown.next();
    assert.equal(down.value?.type === 'switchDown' && down.value.seq, 5n);
    assert.equal(app.lastEventSeq, 5n);
    await app.close();
    assert.deepEqual(await all.next(), { value: undefined, done: true });
  });

  it('commands carry a correlation id and resolve with the result', async () => {
    const { app, index } = await open();
    const conn = await rt.connection(index);
    const sw = app.switch(0x1n);
    const done = sw.flowMod({ match: match().inPort(1), instructions: [instructions.apply(actions.output(2))] }, { confirm: true });
    const cmd = await conn.command(0);
    assert.equal(cmd.dpid, 1n);
    assert.equal(cmd.confirm, true);
    assert.equal(cmd.kind?.$case, 'flowMod');
    assert.notEqual(cmd.correlationId, '');
    conn.result({ correlationId: cmd.correlationId, kind: { $case: 'ok', value: {} } });
    assert.deepEqual(await done, { correlationId: cmd.correlationId, value: undefined });

    const refused = sw.packetOut({ data: new Uint8Array(14), actions: [actions.output(Port.FLOOD)] });
    const po = await conn.command(1);
    conn.result({ correlationId: po.correlationId, kind: { $case: 'error', value: { code: 3, message: 'switch refused', openflow: { type: 2, code: 4, description: 'OFPET_BAD_ACTION/OFPBAC_BAD_OUT_PORT' } } } });
    await assert.rejects(refused, (e: unknown) => e instanceof SdnClientError && e.code === ErrorCode.SWITCH_ERROR && e.openflow?.code === 4 && e.correlationId === po.correlationId && /OFPBAC_BAD_OUT_PORT/.test(e.message));

    const stats = sw.stats.port();
    const st = await conn.command(2);
    assert.equal(st.kind?.$case === 'stats' && st.kind.value.kind?.$case, 'portStats');
    conn.result({ correlationId: st.correlationId, kind: { $case: 'stats', value: { kind: { $case: 'portStats', value: { stats: [{ portNo: 1, rxPackets: 10n }] } } } } });
    const ports = await stats;
    assert.deepEqual([ports.value[0]?.portNo, ports.value[0]?.rxPackets], [1, 10n]);

    const wrong = sw.stats.desc();
    const wd = await conn.command(3);
    conn.result({ correlationId: wd.correlationId, kind: { $case: 'ok', value: {} } });
    await assert.rejects(wrong, (e: unknown) => e instanceof SdnClientError && e.code === ErrorCode.PROTOCOL);

    sw.sendPacketOut({ data: new Uint8Array(14), actions: [actions.output(1)] });
    const fire = await conn.command(4);
    assert.deepEqual([fire.correlationId, fire.kind?.$case], ['', 'packetOut']);
    assert.throws(() => sw.sendFlowMod({ priority: -1 }), (e: unknown) => e instanceof SdnClientError && e.code === ErrorCode.INVALID);
    await assert.rejects(sw.flowMod({ priority: -1 }), (e: unknown) => e instanceof SdnClientError && e.code === ErrorCode.INVALID);
    await app.close();
  });

  it('publishes on the stream', async () => {
    const { app, index } = await open();
    const conn = await rt.connection(index);
    const published = app.publish('topo.links', 'hello', { 'content-type': 'text/plain' });
    const cmd = await conn.command(0);
    assert.equal(cmd.kind?.$case, 'publish');
    assert.deepEqual([cmd.kind.value.message?.subject, cmd.kind.value.message?.payload.toString(), cmd.kind.value.message?.headers], ['topo.links', 'hello', { 'content-type': 'text/plain' }]);
    conn.result({ correlationId: cmd.correlationId, kind: { $case: 'publish', value: { delivered: 2 } } });
    assert.equal((await published).value.delivered, 2);
    await assert.rejects(app.publish('topo.*', 'x'), (e: unknown) => e instanceof SdnClientError && e.code === ErrorCode.INVALID);
    await app.close();
  });

  it('grants credit only as handlers finish, so a slow handler holds the runtime back', async () => {
    const { app, index } = await open({ credit: 8 });
    const conn = await rt.connection(index);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const entered = until<void>((resolve) =>
      app.onPacketIn(async (ev) => {
        if (ev.inPort === 0) {
          resolve();
          await gate;
        }
      }),
    );
    conn.events(Array.from({ length: 8 }, (_, i) => packetIn(1n, i)));
    await entered;
    // A command written now follows any credit the app has sent so far on the same stream.
    void app.switch(1n).barrier().catch(() => {});
    await conn.command(0);
    assert.equal(conn.creditGranted(), 0);
    release();
    await conn.waitFor(() => conn.creditGranted() >= 8);
    assert.equal(conn.creditGranted(), 8);
    await app.close();
  });

  it('reconnects with resume_after_seq, fails commands in flight, keeps handlers', async () => {
    const { app, index } = await open();
    const conn = await rt.connection(index);
    const downs: bigint[] = [];
    app.onSwitchDown((ev) => void downs.push(ev.seq));
    const errors: unknown[] = [];
    app.onError((e) => void errors.push(e));
    conn.events([switchDown(7n)]);
    const inFlight = app.switch(1n).barrier();
    await conn.command(0);
    conn.end(status.UNAVAILABLE, 'runtime going away');
    await assert.rejects(inFlight, (e: unknown) => e instanceof SdnClientError && e.code === ErrorCode.UNAVAILABLE && /may or may not have been applied/.test(e.message));
    const next = await rt.connection(index + 1);
    const sub = await next.subscribeMessage();
    assert.equal(sub.resumeAfterSeq, 7n);
    next.subscribed(9n);
    await stateReached(app, 'ready');
    const gapSeen = until<SdnEvent>((resolve) => app.onGap(resolve));
    const downsSeen = app.events('switchDown');
    next.events([switchDown(8n), { body: { $case: 'gap', value: { fromSeq: 9n, toSeq: 9n, packetInsShed: 3n } } }, switchDown(10n)]);
    const gap = await gapSeen;
    assert.deepEqual(gap.type === 'gap' && [gap.fromSeq, gap.packetInsShed, gap.runtimeRestarted], [9n, 3n, false]);
    await downsSeen.next();
    await downsSeen.next();
    assert.deepEqual(downs, [7n, 8n, 10n]);
    assert.ok(errors.some((e) => e instanceof SdnClientError && e.code === ErrorCode.UNAVAILABLE));
    await app.close();
  });

  it('after a runtime restart, keeps the stream the runtime replays its log on, and reports a gap', async () => {
    const { app, index } = await open();
    const conn = await rt.connection(index);
    app.onError(() => {});
    const downsSeen = app.events('switchDown');
    conn.events([switchDown(50n)]);
    await downsSeen.next();
    const gaps: SdnEvent[] = [];
    app.onGap((g) => void gaps.push(g));
    conn.end(status.UNAVAILABLE);
    const fresh = await rt.connection(index + 1);
    assert.equal((await fresh.subscribeMessage()).resumeAfterSeq, 50n);
    fresh.subscribed(2n, 'node-1');
    await stateReached(app, 'ready');
    fresh.events([switchDown(1n), switchDown(2n)]);
    await downsSeen.next();
    await downsSeen.next();
    assert.deepEqual(gaps.map((g) => g.type === 'gap' && [g.fromSeq, g.toSeq, g.runtimeRestarted]), [[51n, 0n, true]]);
    assert.equal(app.lastEventSeq, 2n, 'the position follows the new log');
    assert.equal(rt.connections.length, index + 2, 'no extra subscription');
    await app.close();
  });

  it('subscribes again from the start when the stream now comes from another node', async () => {
    const { app, index } = await open();
    const conn = await rt.connection(index);
    app.onError(() => {});
    conn.end(status.UNAVAILABLE);
    const other = await rt.connection(index + 1);
    await other.subscribeMessage();
    other.subscribed(10n, 'node-2');
    const again = await rt.connection(index + 2);
    assert.equal((await again.subscribeMessage()).resumeAfterSeq, 0n);
    again.subscribed(10n, 'node-2');
    await stateReached(app, 'ready');
    assert.equal(app.nodeId, 'node-2');
    await app.close();
  });

  it('sends the commands of one turn as one CommandBatch, in order, ahead of later credit', async () => {
    const { app, index } = await open();
    const conn = await rt.connection(index);
    const sw = app.switch(3n);
    app.onPacketIn((ev) => {
      sw.sendPacketOut({ data: ev.data, inPort: ev.inPort, actions: [actions.output(Port.FLOOD)] });
    });
    conn.events([packetIn(3n, 1), packetIn(3n, 2), packetIn(3n, 3), packetIn(3n, 4)]);
    await conn.command(3);
    const batch = conn.commandMessages()[0];
    assert.equal(batch?.kind?.$case, 'commands');
    assert.deepEqual(batch.kind.value.commands.map((c) => c.kind?.$case === 'packetOut' && c.kind.value.inPort), [1, 2, 3, 4]);
    const batchAt = conn.received.indexOf(batch);
    await conn.waitFor((m) => m.kind?.$case === 'credit');
    assert.ok(conn.received.findIndex((m) => m.kind?.$case === 'credit') > batchAt, 'credit follows the commands issued before it');
    const single = sw.barrier();
    const b = await conn.command(4);
    assert.equal(conn.commandMessages()[1]?.kind?.$case, 'command', 'a lone command goes as a Command');
    conn.result({ correlationId: b.correlationId, kind: { $case: 'ok', value: {} } });
    await single;
    await app.close();
  });

  it('stops for good on a fatal status and says why', async () => {
    const { app, index } = await open();
    const conn = await rt.connection(index);
    const it = app.events();
    app.onError(() => {});
    conn.end(status.PERMISSION_DENIED, 'token lacks events:read');
    const why = await app.closed;
    assert.equal(why?.code, ErrorCode.PERMISSION_DENIED);
    await assert.rejects(it.next(), (e: unknown) => e instanceof SdnClientError && e.code === ErrorCode.PERMISSION_DENIED);
    assert.equal(app.state, 'closed');
    assert.throws(() => app.switch(1n).sendPacketOut({ data: new Uint8Array(1), actions: [] }), (e: unknown) => e instanceof SdnClientError && e.code === ErrorCode.UNAVAILABLE);
  });

  it('connect fails with the status the runtime gives, or TIMEOUT', async () => {
    rt.reject = (md) => (md.get('authorization')[0] === 'Bearer bad' ? status.UNAUTHENTICATED : undefined);
    await assert.rejects(connect({ target: rt.target, name: 'x', token: 'bad' }), (e: unknown) => e instanceof SdnClientError && e.code === ErrorCode.UNAUTHENTICATED);
    rt.reject = undefined;
    await assert.rejects(connect({ target: rt.target, name: 'x', connectTimeoutMs: 50 }), (e: unknown) => e instanceof SdnClientError && e.code === ErrorCode.TIMEOUT);
    await assert.rejects(connect({ target: '127.0.0.1:1', name: 'x' }), (e: unknown) => e instanceof SdnClientError && e.code === ErrorCode.UNAVAILABLE);
    await assert.rejects(connect({ target: 'nowhere', name: 'x' }), (e: unknown) => e instanceof SdnClientError && e.code === ErrorCode.INVALID);
    await assert.rejects(connect({ target: rt.target, name: 'x', subscribe: { kinds: [] } }), /subscribes to nothing/);
    await assert.rejects(connect({ target: rt.target, name: 'x', subscribe: { topics: ['a..b'] } }), /not a subject pattern/);
  });

  it('a command without a result times out', async () => {
    await using opened = (await open({ requestTimeoutMs: 50 })).app;
    await assert.rejects(opened.switch(1n).barrier(), (e: unknown) => e instanceof SdnClientError && e.code === ErrorCode.TIMEOUT);
  });

  it('close cancels the commands in flight; await using closes', async () => {
    let app: SdnApp;
    {
      // The default request timeout: the command must still be in flight when close runs, however slow the
      // machine (with 50 ms, a close that took longer saw TIMEOUT instead of CANCELLED).
      await using opened = (await open()).app;
      app = opened;
      const pending = opened.switch(1n).barrier();
      await opened.close();
      await assert.rejects(pending, (e: unknown) => e instanceof SdnClientError && e.code === ErrorCode.CANCELLED);
    }
    assert.equal(app.state, 'closed');
    assert.equal(await app.closed, undefined);
  });

  it('lists switches and uses the KV service', async () => {
    const pbSwitch = { dpid: 1n, dpidHex: '0000000000000001', version: 4, remote: '127.0.0.1:1', nBuffers: 0, nTables: 254, capabilities: 0, desc: undefined, ports: [], connectedAtMs: 0n, role: 1, masterNode: '', generation: 0n };
    rt.switches = [pbSwitch, { ...pbSwitch, dpid: 2n, role: 2, masterNode: 'node-b', generation: 41n }, { ...pbSwitch, dpid: 3n, role: 0 }];
    const { app } = await open({ token: 't' });
    assert.deepEqual((await app.listSwitches()).map((s) => [s.dpid, s.role, s.masterNode, s.generation]), [
      [1n, 'master', '', 0n],
      [2n, 'slave', 'node-b', 41n],
      [3n, 'master', '', 0n], // a runtime older than mastership sends no role
    ]);
    const put = await app.kv.put('cfg/a', '1');
    assert.equal(put.previous, undefined);
    const got = await app.kv.get('cfg/a');
    assert.deepEqual([Buffer.from(got.kv!.value).toString(), got.kv!.version], ['1', 1n]);
    assert.equal((await app.kv.range('cfg/', { prefix: true })).kvs.length, 1);
    const watch = app.kv.watch('cfg/', { prefix: true });
    const first = watch.next();
    await rt.watchOpened();
    rt.put('cfg/b', '2');
    const change = await first;
    assert.deepEqual(change.value && [change.value.change, Buffer.from(change.value.kv.key).toString()], ['put', 'cfg/b']);
    await watch.return();
    await assert.rejects(app.kv.watch('cfg/', { startRevision: 1n }).next(), (e: unknown) => e instanceof SdnClientError && e.code === ErrorCode.COMPACTED);
    await assert.rejects(app.kv.get(''), (e: unknown) => e instanceof SdnClientError && e.code === ErrorCode.INVALID);
    rt.reject = () => status.PERMISSION_DENIED;
    await assert.rejects(app.kv.get('x'), (e: unknown) => e instanceof SdnClientError && e.code === ErrorCode.PERMISSION_DENIED && e.grpcStatus === status.PERMISSION_DENIED);
    rt.reject = undefined;
    await app.close();
    await assert.rejects(app.kv.get('x'), (e: unknown) => e instanceof SdnClientError && e.code === ErrorCode.CANCELLED);
  });
});
