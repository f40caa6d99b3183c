import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AppEvent } from '../core/index.js';
import type { PacketOut } from '../openflow/index.js';
import { FakeSwitch, fakePort } from '../testing/fake-switch.js';
import { isProbeOut, packetInOn } from '../testing/probe-relay.js';
import { startTestRuntime, type TestRuntime } from '../testing/test-runtime.js';
import { encodeProbe } from '../topology/index.js';

const SECRET = 'the service test secret, 32 byte';
const ARP_FROM_A = Buffer.from('ffffffffffff02aa000000010806000108000604000102aa000000010a000001000000000000' + '0a000002', 'hex');

/** The next probe the switch is told to send out of `port`. */
async function probeOut(sw: FakeSwitch, port: number): Promise<PacketOut> {
  return (await sw.waitFor((m) => isProbeOut(m, port), 5000)) as PacketOut;
}

/** Records the events an app gets; `next` waits (bounded) for one that matches. */
class Recorder {
  readonly events: AppEvent[] = [];
  private waiters: { match: (e: AppEvent) => boolean; resolve: (e: AppEvent) => void }[] = [];

  push(e: AppEvent): void {
    this.events.push(e);
    const ready = this.waiters.filter((w) => w.match(e));
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve(e);
  }

  next(match: (e: AppEvent) => boolean, timeoutMs = 5000): Promise<AppEvent> {
    const found = this.events.find(match);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching event within ${timeoutMs} ms; saw ${this.events.map((e) => e.type).join(', ')}`)), timeoutMs);
      this.waiters.push({ match, resolve: (e) => (clearTimeout(timer), resolve(e)) });
    });
  }
}

describe('the topology service against fake switches', () => {
  let t: TestRuntime;
  let s1: FakeSwitch;
  let s2: FakeSwitch;
  const recorder = new Recorder();
  const seen = recorder.events;

  before(async () => {
    t = await startTestRuntime({ topology: true, topologyProbeIntervalMs: 1000, topologySecret: SECRET, apps: ['learning-switch'] });
    await t.rt.controller.use({ name: 'recorder', start: (ctx) => void ctx.subscribe(['packetIn', 'linkUp', 'linkDown', 'hostAdded'], (e) => recorder.push(e)) });
    s1 = await FakeSwitch.connect(t.rt.openflowPort, { dpid: 1n, ports: [fakePort(1), fakePort(2)] });
    s2 = await FakeSwitch.connect(t.rt.openflowPort, { dpid: 2n, ports: [fakePort(1), fakePort(2)] });
  });
  after(async () => {
    await s1.close();
    await s2.close();
    await t.stop();
  });

  it('installs the LLDP flow above every app flow', async () => {
    const flow = await s1.waitFor((m) => m.type === 'FlowMod' && m.priority === 0xffff);
    assert.ok(flow.type === 'FlowMod');
    assert.deepEqual(flow.match, [
      { field: 'eth_dst', value: '01:80:c2:00:00:0e' },
      { field: 'eth_type', value: 0x88cc },
    ]);
  });

  it('learns a link from a probe sent out of one switch and received by the other, and apps never see the probe', async () => {
    const out = await probeOut(s1, 1);
    s2.send(packetInOn(1, out.data));
    const up = await recorder.next((e) => e.type === 'linkUp');
    assert.ok(up.type === 'linkUp' && up.link.src.dpid === 1n && up.link.src.port === 1 && up.link.dst.dpid === 2n && up.link.dst.port === 1, JSON.stringify(up, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
    assert.equal(up.dpid, 2n);
    assert.equal(seen.filter((e) => e.type === 'packetIn').length, 0);
    assert.deepEqual(t.rt.topology?.links().map((l) => `${l.src.dpid}/${l.src.port}>${l.dst.dpid}/${l.dst.port}`), ['1/1>2/1']);
  });

  it('counts a forged probe and a foreign LLDP frame, and hands neither to apps', async () => {
    const forged = encodeProbe({ dpid: 9n, port: 1, hwAddr: '02:00:00:00:00:09', node: 1, nowMs: Date.now() }, Buffer.from('not the cluster secret, 32 bytes'));
    s2.send(packetInOn(2, forged));
    s2.send(packetInOn(2, forged.subarray(0, 20)));
    await waitForMetric(t, 'sdn_runtime_topology_frames_refused_total{code="LLDP_MALFORMED"} 1');
    const text = await t.rt.metrics.registry.metrics();
    assert.match(text, /sdn_runtime_topology_frames_refused_total\{code="LLDP_FORGED"\} 1/);
    assert.equal(seen.filter((e) => e.type === 'packetIn').length, 0);
  });

  it('learns a host on an edge port and still hands its packet to the apps', async () => {
    s1.send(packetInOn(2, ARP_FROM_A));
    const added = await recorder.next((e) => e.type === 'hostAdded');
    assert.ok(added.type === 'hostAdded' && added.host.mac === '02:aa:00:00:00:01' && added.host.location.port === 2);
    assert.deepEqual(added.type === 'hostAdded' && added.host.ips, ['10.0.0.1']);
    await recorder.next((e) => e.type === 'packetIn');
  });
});

/** Metrics change on the socket's turns: re-reads them (bounded) until `line` is there. */
async function waitForMetric(t: TestRuntime, line: string, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await t.rt.metrics.registry.metrics()).includes(line)) {
    if (Date.now() > until) throw new Error(`no "${line}" in the metrics within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
