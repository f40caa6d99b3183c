import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SwitchView } from '../core/index.js';
import type { FlowStats } from '../openflow/index.js';
import { appCookie } from '../ownership/index.js';
import type { Link } from '../topology/index.js';
import { clusterJson, flowGroup, LIST_CAPS, switchDetailJson, switchJson, topologyJson } from './views.js';

const view = { dpid: 0x10n, node: 7, version: 4, remote: '10.0.0.9:5000', connectedAt: 1, desc: undefined, ports: new Map(), features: {} } as unknown as SwitchView;
const names = new Map([[12, 'acl']]);
const appName = (id: number): string | undefined => names.get(id);

describe('web view documents', () => {
  it('names the master: this node when it is master or there is no mastership, the master node when it is slave', () => {
    assert.equal(switchJson(view, { role: 'master', masterNode: undefined, generation: 3n }, 'n1', undefined).master, 'n1');
    assert.equal(switchJson(view, undefined, 'n1', undefined).master, 'n1');
    const slave = switchJson(view, { role: 'slave', masterNode: 'n2', generation: 4n }, 'n1', undefined);
    assert.deepEqual([slave.role, slave.master, slave.node], ['slave', 'n2', 7]);
  });

  it('lists this node, and with the overlay the other nodes by their first alias, and the links between them with RTT', () => {
    const self = { id: 7, name: 'n1', version: '1', startedAtMs: 0 };
    assert.deepEqual(clusterJson(self, 2000, undefined), { nodes: [{ id: 7, idHex: '00000007', name: 'n1', self: true, version: '1', uptimeSec: 2 }], overlayLinks: [] });
    const snapshot = {
      nodes: [
        { node: 7, aliases: ['n1'], dpids: [1n], costMs: 0 },
        { node: 9, aliases: ['n2', 'spare'], dpids: [2n, 3n], costMs: 4 },
        { node: 0xab, aliases: [], dpids: [], costMs: 8 },
      ],
      links: [{ from: 7, to: 9, rttMs: 3.5 }],
    };
    const { nodes, overlayLinks } = clusterJson(self, 2000, snapshot);
    assert.deepEqual(
      nodes.map((n) => [n.name, n.self, n.switches]),
      [
        ['n1', true, undefined],
        ['n2', false, 2],
        ['000000ab', false, 0],
      ],
    );
    assert.deepEqual(overlayLinks, [{ from: 7, to: 9, rttMs: 3.5 }]);
  });

  it('groups a flow by the app id in its cookie', () => {
    assert.equal(flowGroup(0n, appName), 'runtime');
    assert.equal(flowGroup(appCookie(12, 0x99n), appName), 'acl');
    assert.equal(flowGroup(appCookie(13, 1n), appName), 'app 13');
  });

  it('caps each list and says which, with the full count', () => {
    const links: Link[] = Array.from({ length: LIST_CAPS.links + 5 }, (_, i) => ({ src: { dpid: 1n, port: i }, dst: { dpid: 2n, port: i }, latencyMs: 1, srcNode: 7, upSinceMs: 0, lastSeenMs: 0 }));
    const doc = topologyJson({ node: { id: 7, name: 'n1', version: '1', startedAtMs: 0 }, nowMs: 0, eventId: 'r.1', switches: [view], roleOf: () => undefined, stats: new Map(), links, hosts: [], plugins: [], apps: [], cluster: undefined });
    assert.equal(doc.links.length, LIST_CAPS.links);
    assert.deepEqual(doc.truncated, { links: LIST_CAPS.links + 5 });
    assert.equal(doc.switches.length, 1);
  });

  it('counts every flow of a switch but lists at most the cap', () => {
    const flow: FlowStats = { tableId: 0, durationSec: 0, durationNsec: 0, priority: 1, idleTimeout: 0, hardTimeout: 0, flags: 0, cookie: appCookie(12, 1n), packetCount: 0n, byteCount: 0n, match: [], instructions: [] };
    const flows = Array.from({ length: LIST_CAPS.flows + 3 }, () => flow);
    const doc = switchDetailJson({ view, role: undefined, nodeName: 'n1', stats: undefined, flows, ports: [], appName });
    assert.equal(doc.flowCount, LIST_CAPS.flows + 3);
    assert.deepEqual(doc.flowsByApp, { acl: LIST_CAPS.flows + 3 });
    assert.equal(doc.flows.acl!.length, LIST_CAPS.flows);
    assert.deepEqual(doc.truncated, { flows: LIST_CAPS.flows + 3 });
  });
});
