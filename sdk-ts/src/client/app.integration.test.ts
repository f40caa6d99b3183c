import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect } from '../connect.js';
import type { SdnEvent } from '../convert/events.js';
import { ErrorCode, SdnClientError } from '../errors.js';
import { actions } from '../openflow/actions.js';
import { Port } from '../openflow/constants.js';
import { instructions } from '../openflow/instructions.js';
import { match } from '../openflow/match.js';
import { buildFrame } from '../packet/frame.js';
import { FakeSwitch, fakePort, startRuntime, type RuntimeProcess } from '../testing/real-runtime.js';
import type { SdnApp } from './app.js';

// Against a real `sdn-runtime serve` and fake switches over TCP: what the SDK
// promises, end to end. Needs the runtime's gRPC server (Events, Switches, KV).

const H1 = '02:00:00:00:00:01';
const H2 = '02:00:00:00:00:02';
const arp = buildFrame({ ethernet: { dst: 'ff:ff:ff:ff:ff:ff', src: H1 }, arp: { op: 1, senderMac: H1, senderIp: '10.0.0.1', targetIp: '10.0.0.2' } });
const udp = buildFrame({ ethernet: { dst: H2, src: H1 }, ipv4: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { srcPort: 1000, dstPort: 2000 }, payload: new Uint8Array(20) });

function packetIn(inPort: number, data: Uint8Array): Parameters<FakeSwitch['send']>[0] {
  return { type: 'PacketIn', version: 4, xid: 0, bufferId: 0xffffffff, totalLen: data.length, reason: 0, tableId: 0, cookie: 0n, match: [{ field: 'in_port', value: inPort }], data };
}

function next<T extends SdnEvent['type']>(app: SdnApp, type: T, pred: (e: Extract<SdnEvent, { type: T }>) => boolean = () => true): Promise<Extract<SdnEvent, { type: T }>> {
  return new Promise((resolve) => {
    const events = app.events(type);
    void (async () => {
      for await (const e of events) {
        if (pred(e)) {
          resolve(e);
          return;
        }
      }
    })();
  });
}

describe('sdk-ts against a real runtime', () => {
  let rt: RuntimeProcess;
  const apps: SdnApp[] = [];
  const switches: FakeSwitch[] = [];
  const open = async (options: Partial<Parameters<typeof connect>[0]> = {}): Promise<SdnApp> => {
    const app = await connect({ target: rt.target, name: 'sdk-it', reconnect: { initialDelayMs: 50, maxDelayMs: 200 }, ...options });
    app.onError(() => {});
    apps.push(app);
    return app;
  };
  let watcher: SdnApp;
  /** A fake switch, once the runtime has finished its handshake (its switchUp seen). */
  const sw = async (dpid: bigint): Promise<FakeSwitch> => {
    const up = next(watcher, 'switchUp', (e) => e.dpid === dpid);
    const s = await FakeSwitch.connect(rt.openflowPort, { dpid, ports: [fakePort(1), fakePort(2), fakePort(3)] });
    switches.push(s);
    await up;
    return s;
  };

  before(async () => {
    rt = await startRuntime();
    watcher = await open({ name: 'sdk-it-watcher', subscribe: { kinds: ['switchUp'] } });
  });
  after(async () => {
    await Promise.all(apps.map((a) => a.close()));
    await Promise.all(switches.map((s) => s.close()));
    await rt?.stop();
  });

  it('sees a switch come up with its ports, and lists it', async () => {
    const app = await open();
    assert.notEqual(app.nodeId, '');
    assert.ok(app.appId >= 1 && app.appId <= 0xfffe, `app id ${app.appId}`);
    const up = next(app, 'switchUp', (e) => e.dpid === 0x11n);
    await sw(0x11n);
    const ev = await up;
    assert.equal(ev.switch.dpidHex, '0000000000000011');
    assert.deepEqual(ev.switch.ports.map((p) => p.portNo).sort(), [1, 2, 3]);
    assert.ok(ev.seq > 0n);
    assert.ok((await app.listSwitches()).some((s) => s.dpid === 0x11n));
  });

  it('an app that starts after its switches connected gets them first, as snapshot switch-ups, then live ones', async () => {
    await sw(0x21n);
    await sw(0x22n);
    const app = await connect({ target: rt.target, name: 'sdk-it-late', subscribe: { kinds: ['switchUp'], dpids: [0x21n, 0x22n, 0x23n] } });
    apps.push(app);
    // Registered in the turn connect() resolved in, as the README's snippet does.
    const seen: [bigint, boolean][] = [];
    const all = new Promise<void>((resolve) =>
      app.onSwitchUp((e) => {
        seen.push([e.dpid, e.snapshot]);
        if (seen.length === 3) resolve();
      }),
    );
    await next(app, 'switchUp', (e) => e.dpid === 0x22n);
    await sw(0x23n);
    await all;
    assert.deepEqual(seen, [
      [0x21n, true],
      [0x22n, true],
      [0x23n, false],
    ]);
  });

  it('delivers packet-ins with their bytes, filtered by ethertype', async () => {
    const s = await sw(0x12n);
    const all = await open({ subscribe: { kinds: ['packetIn'], dpids: [0x12n] } });
    const arpOnly = await open({ subscribe: { kinds: ['packetIn'], dpids: [0x12n], packetIn: { ethTypes: [0x0806] } } });
    const firstAll = next(all, 'packetIn');
    const firstArp = next(arpOnly, 'packetIn');
    s.send(packetIn(2, udp));
    s.send(packetIn(1, arp));
    const a = await firstAll;
    assert.deepEqual([a.dpid, a.inPort, [...a.data]], [0x12n, 2, [...udp]]);
    const b = await firstArp;
    assert.deepEqual([b.inPort, [...b.data]], [1, [...arp]], 'the IPv4 packet-in is filtered out');
  });

  it('gets ids for named tables that compose across apps (an ACL table before a learning switch\'s), and a refusal for a name taken', async () => {
    const acl = await open({ name: 'sdk-it-acl', tables: [{ name: 'it-acl' }] });
    const l2 = await open({ name: 'sdk-it-l2', tables: [{ name: 'it-l2', after: ['it-acl'] }] });
    const aclId = acl.tables.get('it-acl')!;
    assert.equal(l2.tables.get('it-acl'), aclId);
    assert.ok(l2.tables.get('it-l2')! > aclId, `${[...l2.tables].join(' ')}`);
    await assert.rejects(open({ name: 'sdk-it-thief', tables: [{ name: 'it-l2' }] }), (err: unknown) => err instanceof SdnClientError && /already declared by app sdk-it-l2/.test(err.message));
  });

  it('sends flow-mods (confirmed by a barrier) and packet-outs', async () => {
    const s = await sw(0x13n);
    const app = await open();
    const done = await app.switch(0x13n).flowMod({ priority: 10, idleTimeout: 30, cookie: 0x2an, match: match().inPort(1).ethDst(H2), instructions: [instructions.apply(actions.output(2))] }, { confirm: true });
    assert.notEqual(done.correlationId, '');
    const fm = await s.waitFor((m) => m.type === 'FlowMod');
    assert.equal(fm.type === 'FlowMod' && fm.priority, 10);
    // The runtime puts the app's id in the top 16 bits; the app's cookie keeps the low 48.
    assert.ok(app.appId > 0);
    assert.equal(fm.type === 'FlowMod' && fm.cookie, (BigInt(app.appId) << 48n) | 0x2an);
    assert.deepEqual(fm.type === 'FlowMod' && fm.match, [{ field: 'in_port', value: 1 }, { field: 'eth_dst', value: H2 }]);
    await s.waitFor((m) => m.type === 'BarrierRequest');
    app.switch(0x13n).sendPacketOut({ data: udp, inPort: 1, actions: [actions.output(Port.FLOOD)] });
    const po = await s.waitFor((m) => m.type === 'PacketOut');
    assert.deepEqual(po.type === 'PacketOut' && [[...po.data], po.inPort, po.actions], [[...udp], 1, [{ type: 'output', port: Port.FLOOD, maxLen: 0 }]]);
  });

  it('answers stats, and turns a switch error or an unknown dpid into SdnClientError', async () => {
    const s = await sw(0x14n);
    const app = await open();
    const desc = await app.switch(0x14n).stats.desc();
    assert.equal(desc.value.mfrDesc, 'sdn-runtime tests');
    const ports = app.switch(0x14n).stats.port(1);
    const req = await s.waitFor((m) => m.type === 'MultipartRequest' && m.body.type === 'portStats');
    const stat = { portNo: 1, rxPackets: 5n, txPackets: 6n, rxBytes: 7n, txBytes: 8n, rxDropped: 0n, txDropped: 0n, rxErrors: 0n, txErrors: 0n, rxFrameErr: 0n, rxOverErr: 0n, rxCrcErr: 0n, collisions: 0n, durationSec: 1, durationNsec: 2 };
    s.send({ type: 'MultipartReply', version: 4, xid: req.xid, flags: 0, body: { type: 'portStats', stats: [stat] } });
    assert.deepEqual((await ports).value.map((p) => [p.portNo, p.rxPackets, p.txBytes]), [[1, 5n, 8n]]);

    const refused = app.switch(0x14n).stats.table();
    const tableReq = await s.waitFor((m) => m.type === 'MultipartRequest' && m.body.type === 'table');
    s.send({ type: 'Error', version: 4, xid: tableReq.xid, errorType: 1, code: 2, data: new Uint8Array(8) });
    await assert.rejects(refused, (e: unknown) => e instanceof SdnClientError && e.code === ErrorCode.SWITCH_ERROR && e.openflow?.type === 1 && e.openflow.code === 2);

    await assert.rejects(app.switch(0x99n).barrier(), (e: unknown) => e instanceof SdnClientError && e.code === ErrorCode.UNKNOWN_SWITCH);
  });

  it('reports a switch going down after it came up, in seq order', async () => {
    const app = await open({ subscribe: { kinds: ['switchUp', 'switchDown'], dpids: [0x15n] } });
    const up = next(app, 'switchUp');
    const s = await sw(0x15n);
    const u = await up;
    const down = next(app, 'switchDown');
    await s.close();
    const d = await down;
    assert.ok(d.seq > u.seq, `down seq ${d.seq} after up seq ${u.seq}`);
    assert.equal(app.lastEventSeq! >= d.seq, true);
  });

  it('holds packet-ins back by credit and accounts for every one: delivered or shed', async () => {
    const s = await sw(0x16n);
    const app = await open({ credit: 4, subscribe: { kinds: ['packetIn'], dpids: [0x16n] } });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let delivered = 0;
    let shed = 0n;
    const SENT = 2000;
    const accounted = new Promise<void>((resolve) => {
      const check = (): void => void (BigInt(delivered) + shed === BigInt(SENT) && resolve());
      app.onGap((g) => {
        shed += g.packetInsShed;
        check();
      });
      app.onPacketIn(async () => {
        if (delivered++ === 0) await gate;
        check();
      });
    });
    for (let i = 0; i < SENT; i++) s.send(packetIn(1, udp));
    release();
    await accounted;
    assert.ok(delivered <= SENT);
  });

  it('publishes to apps subscribed to the topic', async () => {
    const listener = await open({ subscribe: { kinds: [], topics: ['it.>'] } });
    const publisher = await open({ subscribe: { kinds: ['switchUp'] } });
    const got = next(listener, 'message');
    const sent = await publisher.publish('it.hello', 'hi', { from: 'publisher' });
    assert.ok(sent.value.delivered >= 1);
    const m = await got;
    assert.deepEqual([m.subject, Buffer.from(m.payload).toString(), m.headers.from], ['it.hello', 'hi', 'publisher']);
  });

  it('uses the KV store: put, get, txn, range, watch (RPC and on the stream), delete', async () => {
    const listener = await open({ subscribe: { kinds: [], kvWatches: [{ key: 'it/', prefix: true }] } });
    const app = await open({ subscribe: { kinds: ['switchUp'] } });
    const change = next(listener, 'kvChange');
    const put = await app.kv.put('it/a', '1');
    assert.equal((await change).kv.modRevision, put.revision);
    assert.equal(Buffer.from((await app.kv.get('it/a')).kv!.value).toString(), '1');
    const txn = await app.kv.txn({ compare: [{ key: 'it/a', target: 'version', result: 'equal', number: 1n }], success: [{ type: 'put', key: 'it/b', value: '2' }] });
    assert.equal(txn.succeeded, true);
    assert.deepEqual((await app.kv.range('it/', { prefix: true })).kvs.map((kv) => Buffer.from(kv.key).toString()), ['it/a', 'it/b']);
    const onePerPage = await app.kv.range('it/', { prefix: true, maxBytes: 1 });
    assert.deepEqual([onePerPage.kvs.length, onePerPage.more], [1, true], 'max_bytes 1: a pair comes alone');
    const pages: string[][] = [];
    for await (const page of app.kv.rangePages('it/', { prefix: true, maxBytes: 1 })) pages.push(page.kvs.map((kv) => Buffer.from(kv.key).toString()));
    assert.deepEqual(pages, [['it/a'], ['it/b']], 'rangePages follows `more` to the last key');
    const limited: string[] = [];
    for await (const page of app.kv.rangePages('it/', { prefix: true, maxBytes: 1, limit: 1 })) limited.push(...page.kvs.map((kv) => Buffer.from(kv.key).toString()));
    assert.deepEqual(limited, ['it/a'], 'limit counts over all pages');
    const watch = app.kv.watch('it/', { prefix: true, startRevision: put.revision });
    const replayed = await watch.next();
    assert.equal(replayed.value && Buffer.from(replayed.value.kv.key).toString(), 'it/a');
    await watch.return();
    assert.equal((await app.kv.delete('it/', { prefix: true })).deleted, 2n);
  });

  it('reconnects to a restarted runtime on the same address and sees its switches', async () => {
    const app = await open({ subscribe: { kinds: ['switchUp'] } });
    const grpcPort = Number(rt.target.split(':')[1]);
    const reconnecting = new Promise<void>((resolve) => app.onStateChange((s) => s === 'reconnecting' && resolve()));
    await Promise.all(switches.splice(0).map((s) => s.close()));
    await rt.stop();
    await reconnecting;
    const ready = new Promise<void>((resolve) => app.onStateChange((s) => s === 'ready' && resolve()));
    rt = await startRuntime({ grpcPort });
    await ready;
    const up = next(app, 'switchUp', (e) => e.dpid === 0x17n);
    await sw(0x17n);
    assert.equal((await up).dpid, 0x17n);
  });
});
