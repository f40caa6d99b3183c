import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { OFPP_CONTROLLER, OFPP_FLOOD, type OfpMessage } from '../openflow/index.js';
import { FakeSwitch } from '../testing/fake-switch.js';
import { DEFAULT_SERVE_CONFIG } from './config.js';
import { startRuntime, type RunningRuntime } from './runtime.js';

/** Log lines the runtime wrote, parsed. */
const logLines: Record<string, unknown>[] = [];
const log = pino(
  { level: 'info' },
  new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line !== '') logLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  }),
);

function frame(dst: string, src: string): Buffer {
  const mac = (m: string): Buffer => Buffer.from(m.replaceAll(':', ''), 'hex');
  return Buffer.concat([mac(dst), mac(src), Buffer.from([0x08, 0x00]), Buffer.alloc(46)]);
}

function packetIn(inPort: number, data: Buffer): OfpMessage {
  return { type: 'PacketIn', version: 4, xid: 0, bufferId: 0xffffffff, totalLen: data.length, reason: 0, tableId: 0, cookie: 0n, match: [{ field: 'in_port', value: inPort }], data };
}

async function metricsText(rt: RunningRuntime): Promise<string> {
  return (await fetch(`http://127.0.0.1:${rt.httpPort}/metrics`)).text();
}

describe('runtime with the learning switch, against fake switches over TCP', () => {
  let rt: RunningRuntime;
  before(async () => {
    // The mute switch waits out the handshake timeout. 500 ms left good switches little room on a loaded
    // machine, where this one event loop also runs the fake switches; 2 s adds little to the test.
    rt = await startRuntime({ ...DEFAULT_SERVE_CONFIG, openflowHost: '127.0.0.1', openflowPort: 0, httpHost: '127.0.0.1', httpPort: 0, grpcHost: '127.0.0.1', grpcPort: 0, apps: ['learning-switch'], dataDir: `/tmp/sdn-runtime-test-${process.pid}`, handshakeTimeoutMs: 2000, topology: false }, log);
  });
  after(async () => {
    await rt.stop();
  });

  it('installs the table-miss flow, floods unknown destinations and installs flows for known ones', async () => {
    const sw = await FakeSwitch.connect(rt.openflowPort, { dpid: 0x10n });
    const miss = await sw.waitFor((m) => m.type === 'FlowMod');
    assert.equal(miss.type === 'FlowMod' && miss.priority, 0);
    assert.deepEqual(miss.type === 'FlowMod' && miss.instructions, [{ type: 'applyActions', actions: [{ type: 'output', port: OFPP_CONTROLLER, maxLen: 0xffff }] }]);

    const a = '02:00:00:00:00:0a';
    const b = '02:00:00:00:00:0b';
    sw.send(packetIn(1, frame(b, a)));
    const flood = await sw.waitFor((m) => m.type === 'PacketOut');
    assert.deepEqual(flood.type === 'PacketOut' && flood.actions, [{ type: 'output', port: OFPP_FLOOD, maxLen: 0 }]);
    assert.equal(flood.type === 'PacketOut' && flood.inPort, 1);

    sw.send(packetIn(2, frame(a, b)));
    const flow = await sw.waitFor((m) => m.type === 'FlowMod');
    assert.deepEqual(flow.type === 'FlowMod' && flow.match, [
      { field: 'in_port', value: 2 },
      { field: 'eth_dst', value: a },
      { field: 'eth_src', value: b },
    ]);
    assert.equal(flow.type === 'FlowMod' && flow.idleTimeout, 60);
    const out = await sw.waitFor((m) => m.type === 'PacketOut');
    assert.deepEqual(out.type === 'PacketOut' && out.actions, [{ type: 'output', port: 1, maxLen: 0 }]);

    const health = (await (await fetch(`http://127.0.0.1:${rt.httpPort}/healthz`)).json()) as { switches: number };
    assert.equal(health.switches, 1);
    assert.match(await metricsText(rt), /sdn_runtime_openflow_messages_received_total\{type="PACKET_IN"\} 2/);
    await sw.close();
  });

  it('replaces the old connection when a switch reconnects with the same dpid', async () => {
    const first = await FakeSwitch.connect(rt.openflowPort, { dpid: 0x20n });
    await first.waitFor((m) => m.type === 'FlowMod');
    const second = await FakeSwitch.connect(rt.openflowPort, { dpid: 0x20n, splitPortDesc: true });
    await second.waitFor((m) => m.type === 'FlowMod');
    await first.closed;
    const views = rt.switches.list().filter((v) => v.dpid === 0x20n);
    assert.equal(views.length, 1);
    assert.equal(views[0]!.ports.size, 2);
    await second.close();
  });

  it('disconnects switches that send garbage or never finish the handshake, logs each cause once, and keeps serving others', async () => {
    const good = await FakeSwitch.connect(rt.openflowPort, { dpid: 0x30n });
    await good.waitFor((m) => m.type === 'FlowMod');
    for (let i = 0; i < 3; i++) {
      const liar = await FakeSwitch.connect(rt.openflowPort, { dpid: 0x31n });
      liar.sendRaw(Buffer.from('0400000300000001', 'hex'));
      await liar.closed;
    }
    const mute = await FakeSwitch.connect(rt.openflowPort, { dpid: 0x32n });
    mute.socket.removeAllListeners('data');
    await mute.closed;

    good.send(packetIn(1, frame('ff:ff:ff:ff:ff:ff', '02:00:00:00:00:01')));
    assert.equal((await good.waitFor((m) => m.type === 'PacketOut')).type, 'PacketOut');
    const text = await metricsText(rt);
    assert.match(text, /sdn_runtime_handshake_failures_total\{reason="framing"\} 3/);
    assert.match(text, /sdn_runtime_handshake_failures_total\{reason="handshakeTimeout"\} 1/);
    assert.equal(logLines.filter((l) => l.cause === 'framing').length, 1);
    await good.close();
  });
});
