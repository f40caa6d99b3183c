import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import type { AppEventOf, TopologyEventType } from '../core/index.js';
import { InProcessBus } from '../pubsub/index.js';
import { recordingLogger } from '../testing/fake-session.js';
import { eventually } from '../testing/test-runtime.js';
import { shortestPath, type Host, type Link, type TopologyQuery } from '../topology/index.js';
import { startTopologyCluster, TOPOLOGY_SUBJECT } from './topology-cluster.js';

const SECRET = Buffer.from('the cluster runner secret, 32 by');

class Local implements TopologyQuery {
  linkList: Link[] = [];
  links(): Link[] {
    return [...this.linkList];
  }
  hostList(): Host[] {
    return [];
  }
  path(from: bigint, to: bigint): Link[] | undefined {
    return shortestPath(this.links(), from, to);
  }
}

async function refusedCount(registry: Registry, code: string): Promise<number> {
  const metric = await registry.getSingleMetric('sdn_runtime_topology_announcements_refused_total')?.get();
  return metric?.values.find((v) => v.labels.code === code)?.value ?? 0;
}

describe('the topology cluster runner', () => {
  it("announces a node's events on the bus, hands the other node's to its apps once, and counts an app's forged announcement", async () => {
    // One bus stands for the overlay: each node also hears its own announcements, as on a ClusterBus.
    const bus = new InProcessBus();
    const { log } = recordingLogger();
    const published: { at: string; event: AppEventOf<TopologyEventType> }[] = [];
    const registries = { a: new Registry(), b: new Registry() };
    const locals = { a: new Local(), b: new Local() };
    const start = (name: 'a' | 'b', node: number) =>
      startTopologyCluster({ node, secret: SECRET, refreshIntervalMs: 60_000, local: locals[name], bus, registry: registries[name], publish: (event) => published.push({ at: name, event }), log });
    const a = start('a', 1);
    const b = start('b', 2);
    try {
      const link: Link = { src: { dpid: 2n, port: 1 }, dst: { dpid: 1n, port: 1 }, latencyMs: 1, srcNode: 2, upSinceMs: 1, lastSeenMs: 1 };
      locals.a.linkList = [link];
      a.localEvent({ kind: 'linkUp', link });
      await eventually(() => published.length > 0, 'node b told its apps about the link node a learned');
      assert.deepEqual(published, [{ at: 'b', event: { type: 'linkUp', node: 1, dpid: 1n, link } }]);
      assert.deepEqual(b.view.links(), [link]);
      assert.deepEqual(a.view.links(), [link], 'its own link, once');

      // An app may publish on the subject too: without the cluster secret its bytes do not verify.
      bus.publish({ subject: TOPOLOGY_SUBJECT, payload: Buffer.concat([Buffer.from([1]), Buffer.alloc(64, 7)]), headers: {} });
      assert.equal(await refusedCount(registries.b, 'ANNOUNCE_FORGED'), 1);
      assert.equal(published.length, 1);
    } finally {
      a.stop();
      b.stop();
    }
  });
});
