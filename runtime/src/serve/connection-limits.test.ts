import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ListSwitchesRequest, SwitchesClient, type ListSwitchesResponse } from '../generated/sdn/runtime/v1/switches.js';
import { FakeSwitch } from '../testing/fake-switch.js';
import { insecureClient, unary } from '../testing/grpc-loopback.js';
import { eventually, metricValue, startTestRuntime, type TestRuntime } from '../testing/test-runtime.js';

/** An idle TCP connection from `localAddress` that says nothing; resolves once connected. */
async function idleConnection(port: number, localAddress: string): Promise<Socket> {
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1', localAddress }, () => resolve(s));
    s.once('error', reject);
  });
  socket.on('error', () => {});
  return socket;
}

const refusalLogs = (t: TestRuntime, source: string): Record<string, unknown>[] => t.logs.filter((l) => String(l.msg).startsWith('switch connection refused') && l.source === source);

describe('OpenFlow connection limits', () => {
  let t: TestRuntime;
  const sockets: Socket[] = [];
  const switches: FakeSwitch[] = [];
  before(async () => {
    // A long handshake timeout: the idle connections must hold their slots for the whole test.
    t = await startTestRuntime({ maxSwitchConnections: 20, maxSwitchConnectionsPerSource: 4, maxSwitchHandshakes: 6, handshakeTimeoutMs: 60_000 });
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    for (const sw of switches) await sw.close();
    await t.stop();
  });

  it('refuses connections past the per-source limit (counted, logged once), while a switch from elsewhere connects and the gRPC API answers', async () => {
    const idle: Socket[] = [];
    for (let i = 0; i < 12; i++) idle.push(await idleConnection(t.rt.openflowPort, '127.0.0.1'));
    sockets.push(...idle);
    await eventually(() => idle.filter((s) => s.closed).length === 8, '8 of the 12 idle connections closed by the runtime');
    assert.equal(await metricValue(t.rt, 'sdn_runtime_switch_connections_refused_total', { reason: 'perSource' }), 8);
    assert.equal(refusalLogs(t, '127.0.0.1').length, 1, 'one log line for the source, not one per refusal');
    assert.match(String(refusalLogs(t, '127.0.0.1')[0]!.detail), /4 switch connections are open from 127\.0\.0\.1 \(limit 4 per source\)/);

    const sw = await FakeSwitch.connect(t.rt.openflowPort, { dpid: 0x77n, localAddress: '127.0.0.2' });
    switches.push(sw);
    await eventually(() => t.rt.switches.list().length === 1, 'the switch from 127.0.0.2 finished its handshake', 10_000);

    const client = insecureClient(SwitchesClient, `127.0.0.1:${t.rt.grpcPort}`);
    try {
      const list = await unary<ListSwitchesResponse>((done) => client.list(ListSwitchesRequest.create(), done));
      assert.deepEqual(list.switches.map((s) => s.dpidHex), ['0000000000000077']);
    } finally {
      client.close();
    }
  });

  it('refuses connections past the handshake limit from any source; a finished handshake does not count against it', async () => {
    // 4 idle connections from 127.0.0.1 are in the handshake; the ready switch is not.
    const more: Socket[] = [];
    for (const address of ['127.0.0.3', '127.0.0.3', '127.0.0.4']) more.push(await idleConnection(t.rt.openflowPort, address));
    sockets.push(...more);
    await eventually(() => more[2]!.closed, 'the third connection refused');
    assert.deepEqual(more.map((s) => s.closed), [false, false, true]);
    assert.equal(await metricValue(t.rt, 'sdn_runtime_switch_connections_refused_total', { reason: 'handshakes' }), 1);
    assert.match(String(refusalLogs(t, '127.0.0.4')[0]?.detail), /6 switch connections are in the handshake \(limit 6\)/);
  });
});
