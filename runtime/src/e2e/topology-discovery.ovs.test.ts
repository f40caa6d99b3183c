import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { EventKind, type Event } from '../generated/sdn/runtime/v1/events.js';
import { DEFAULT_SERVE_CONFIG, type ServeConfig } from '../serve/config.js';
import { startRuntime, type RunningRuntime } from '../serve/runtime.js';
import { StreamClient } from '../testing/api-client.js';
import { EventWatcher } from '../testing/event-watcher.js';
import { waitFor } from '../testing/ovs/index.js';
import { DPIDS, HOSTS, show, Topology } from './topology.js';

// Real end-to-end: topology discovery, on by default, on the shared Open vSwitch
// topology (topology.ts: bridges s1 and s2 cabled together, two hosts on each),
// reported to a gRPC Events stream client; the learning switch makes the pings work.

const PROBE_INTERVAL_MS = 500;
/** Three probes missed (DiscoveryOptions.timeoutIntervals), plus one interval of jitter and the PORT_STATUS path. */
const LINK_TIMEOUT_MS = PROBE_INTERVAL_MS * 4;
/** Both switches up, their first probes sent (within one interval) and back. */
const DISCOVERY_MS = 15_000;
const TOPOLOGY_KINDS = [EventKind.EVENT_KIND_LINK_UP, EventKind.EVENT_KIND_LINK_DOWN, EventKind.EVENT_KIND_HOST_ADDED, EventKind.EVENT_KIND_HOST_MOVED, EventKind.EVENT_KIND_HOST_REMOVED];

/** "1/1>2/1" for a link event, undefined for others. */
function linkOf(e: Event, kind: 'linkUp' | 'linkDown'): string | undefined {
  if (e.body?.$case !== kind) return undefined;
  const { src, dst } = e.body.value.link!;
  return `${src!.dpid}/${src!.port}>${dst!.dpid}/${dst!.port}`;
}

for (const version of [
  { name: '1.3', protocols: ['OpenFlow13'] },
  { name: '1.0', protocols: ['OpenFlow10'] },
] as const) {
  describe(`topology discovery on Open vSwitch, OpenFlow ${version.name}`, () => {
    let topo: Topology | undefined;
    let rt: RunningRuntime | undefined;
    let client: StreamClient | undefined;
    const watcher = new EventWatcher();
    const config: ServeConfig = {
      ...DEFAULT_SERVE_CONFIG,
      openflowHost: '127.0.0.1',
      openflowPort: 0,
      httpHost: '127.0.0.1',
      httpPort: 0,
      grpcHost: '127.0.0.1',
      grpcPort: 0,
      openflowVersions: [0x04, 0x01],
      apps: ['learning-switch'],
      dataDir: join(tmpdir(), `sdn-runtime-topology-e2e-${process.pid}`),
      topologyProbeIntervalMs: PROBE_INTERVAL_MS,
      topologySecret: 'the e2e cluster secret, 32 bytes',
    };

    before(async () => {
      rt = await startRuntime(config, pino({ level: 'warn' }));
      await rt.controller.use(watcher);
      client = new StreamClient(rt.grpcPort);
      await client.subscribe({ appName: 'topology-e2e', kinds: TOPOLOGY_KINDS });
      client.grant(10_000);
      topo = await Topology.start(rt.openflowPort, version.protocols);
      await topo.switchesUp(watcher);
    });
    after(async () => {
      client?.close();
      await topo?.stop();
      await rt?.stop();
    });

    it('finds both directions of the cable between the bridges, with a latency', async () => {
      const both = (): string[] => client!.events.flatMap((e) => linkOf(e, 'linkUp') ?? []);
      await client!.until(() => both().length >= 2, 'link-up events for both directions of the s1-s2 cable', DISCOVERY_MS);
      const [forward, backward] = both().sort();
      const [src, dst] = forward!.split('>');
      assert.equal(backward, `${dst}>${src}`, show(both()));
      assert.deepEqual(new Set([src!.split('/')[0], dst!.split('/')[0]]), new Set([String(DPIDS.s1), String(DPIDS.s2)]));
      const up = client!.events.find((e) => e.body?.$case === 'linkUp');
      assert.ok(up?.body?.$case === 'linkUp' && up.body.value.link!.latencyMs < 1000, show(up));
    });

    it('installs the LLDP flow above the apps, and no probe reaches an app as a packet-in', async () => {
      for (const bridge of ['s1', 's2']) {
        const flows = await topo!.ovs.dumpFlows(bridge);
        assert.ok(flows.some((f) => f.priority === 65535 && /dl_type=0x88cc|lldp/.test(f.match) && /dl_dst=01:80:c2:00:00:0e/.test(f.match) && /CONTROLLER/.test(f.actions)), show(flows));
      }
      const lldpPacketIns = watcher.events.filter((e) => e.type === 'packetIn' && e.message.data.length >= 14 && ((e.message.data[12]! << 8) | e.message.data[13]!) === 0x88cc);
      assert.equal(lldpPacketIns.length, 0);
    });

    it('finds the hosts on their edge ports after a ping, with their IPs', async () => {
      assert.deepEqual(await topo!.pingAll(), []);
      const added = (): Event[] => client!.events.filter((e) => e.body?.$case === 'hostAdded');
      await client!.until(() => HOSTS.every((h) => added().some((e) => e.body?.$case === 'hostAdded' && e.body.value.host!.mac === h.mac)), 'host-added events for every host', DISCOVERY_MS);
      const linkPorts = new Set(client!.events.flatMap((e) => linkOf(e, 'linkUp')?.split('>') ?? []));
      for (const h of HOSTS) {
        const e = added().find((x) => x.body?.$case === 'hostAdded' && x.body.value.host!.mac === h.mac)!;
        const host = e.body?.$case === 'hostAdded' ? e.body.value.host! : undefined;
        assert.equal(host?.location?.dpid, DPIDS[h.bridge], show(host));
        assert.ok(!linkPorts.has(`${host!.location!.dpid}/${host!.location!.port}`), `${h.name} learned on a link port: ${show(host)}`);
      }
      // A host's first frame may be IPv6 neighbour discovery (no IPv4 yet): its ARP adds the address later, read by query.
      let hosts = rt!.topology!.hostList();
      await waitFor('every host with its IPv4 address', DISCOVERY_MS, async () => {
        hosts = rt!.topology!.hostList();
        return HOSTS.every((h) => hosts.some((x) => x.mac === h.mac && x.ips.includes(h.ip))) ? true : undefined;
      }, () => show(hosts));
      assert.equal(client!.events.filter((e) => e.body?.$case === 'hostMoved').length, 0, 'no host moves while the links are known');
    });

    it('reports both links down within the link timeout when the cable goes down', async () => {
      const since = client!.events.length;
      const started = Date.now();
      await topo!.ovs.setCable('s1', 's2', 'down');
      const downs = (): string[] => client!.events.slice(since).flatMap((e) => linkOf(e, 'linkDown') ?? []);
      await client!.until(() => downs().length >= 2, 'link-down events for both directions', LINK_TIMEOUT_MS + 2000);
      assert.ok(Date.now() - started <= LINK_TIMEOUT_MS + 2000);
      await topo!.ovs.setCable('s1', 's2', 'up');
      await client!.until(() => client!.events.slice(since).filter((e) => e.body?.$case === 'linkUp').length >= 2, 'the links back after the cable comes up', DISCOVERY_MS);
    });
  });
}
