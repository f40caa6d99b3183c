import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { Controller, EventBus, SwitchRegistry } from '../core/index.js';
import { RuntimeMetrics } from '../observability/metrics.js';
import type { OfpMessage } from '../openflow/index.js';
import { FakeMastership } from '../testing/fake-mastership.js';
import { fakeSession, recordingLogger, switchInfo, type FakeSession } from '../testing/fake-session.js';
import { fakePort } from '../testing/fake-switch.js';
import { eventually } from '../testing/test-runtime.js';
import { topologyService } from './topology-service.js';

const NODE = 7;
const SECRET = Buffer.from('the mastership test secret, 32 b');
const PROBE_INTERVAL_MS = 20;

const isProbe = (m: OfpMessage): boolean => m.type === 'PacketOut';
const isLldpFlow = (m: OfpMessage): boolean => m.type === 'FlowMod' && m.priority === 0xffff;

function connect(registry: SwitchRegistry, dpid: bigint): FakeSession {
  const session = fakeSession(dpid, `127.0.0.1:${Number(dpid)}`);
  registry.onReady(session, { ...switchInfo(dpid), ports: [fakePort(1), fakePort(2)] });
  return session;
}

describe('the topology service with mastership', () => {
  it('probes (and installs the LLDP flow on) only the switches this node is master of, starting and stopping with the role', async () => {
    const { log } = recordingLogger();
    const metrics = new RuntimeMetrics();
    const bus = new EventBus({ log, metrics });
    const mastership = new FakeMastership();
    const registry = new SwitchRegistry({ node: NODE, log, metrics, bus, mastership });
    const controller = new Controller({ node: NODE, log, switches: registry, bus });
    // Connected here before topology starts, another node its master: never probed from here.
    const slave = connect(registry, 1n);
    mastership.become(1n, 'slave', { node: 'b', generation: 1n });
    const service = topologyService({ node: NODE, secret: SECRET, probeIntervalMs: PROBE_INTERVAL_MS, registry: new Registry(), publish: () => {} });
    await controller.use(service);
    try {
      const mastered = connect(registry, 2n);
      mastership.become(2n, 'master', { node: 'a', generation: 1n });
      await eventually(() => mastered.sent.filter(isProbe).length >= 4, 'probes out of both ports of the switch this node is master of');
      assert.equal(mastered.sent.filter(isLldpFlow).length, 1);
      assert.deepEqual(slave.sent.filter((m) => isProbe(m) || isLldpFlow(m)), [], 'nothing written to the switch another node is master of');

      mastership.become(1n, 'master', { node: 'a', generation: 2n });
      await eventually(() => slave.sent.filter(isProbe).length >= 2, 'probes once this node became master');
      assert.equal(slave.sent.filter(isLldpFlow).length, 1);

      mastership.become(1n, 'slave', { node: 'b', generation: 3n });
      const probesWhenDemoted = slave.sent.filter(isProbe).length;
      const reference = mastered.sent.filter(isProbe).length;
      // Time passes by the other switch's probes (each port every interval), not by a sleep.
      await eventually(() => mastered.sent.filter(isProbe).length >= reference + 10, 'five more probe rounds on the other switch');
      assert.equal(slave.sent.filter(isProbe).length, probesWhenDemoted, 'no probe after losing mastership');
      assert.equal((await metrics.errors.get()).values.find((v) => v.labels.cause === 'notMaster')?.value ?? 0, 0, 'no write was even tried as a slave');
    } finally {
      await controller.stopApps();
    }
  });
});
