import { Counter, Gauge, type Registry } from 'prom-client';
import type { Logger } from 'pino';
import type { App, AppEventOf, SwitchDirectory, SwitchView, TopologyEventType } from '../core/index.js';
import { matchValue, OFP_NO_BUFFER, OFPCML_NO_BUFFER, OFPP_CONTROLLER, OFPPC_PORT_DOWN, OFPPR_DELETE, OFPPS_LINK_DOWN, type Port } from '../openflow/index.js';
import { LLDP_NEAREST_BRIDGE, Topology, type PortInfo, type TopologyEvent, type TopologyOutput } from '../topology/index.js';

/** The priority of the flow that sends LLDP to the controller: above every app's flows, as Ryu does. */
export const LLDP_FLOW_PRIORITY = 0xffff;
/** A refusal or limit of one kind is logged at most once per this many ms (each one is counted). */
const LOG_INTERVAL_MS = 60_000;
/** The shortest timer wait: probes due within it go out in one tick, not one timer each (jitter is far larger). */
const MIN_TIMER_MS = 10;

export interface TopologyServiceOptions {
  /** This node's 32-bit id (core/node.ts). */
  readonly node: number;
  /** The cluster secret that signs and checks probes (at least 16 bytes). */
  readonly secret: Uint8Array;
  readonly probeIntervalMs: number;
  readonly registry: Registry;
  /** Hands a topology event to the EventBus (and so to every kind of app). */
  readonly publish: (event: AppEventOf<TopologyEventType>) => void;
  /** Also told every topology event of this node (the cluster side announces them to the other nodes). */
  readonly onEvent?: (event: TopologyEvent) => void;
  /** Milliseconds since the epoch (probe timestamps travel between nodes). */
  readonly now?: () => number;
}

/** The in-process topology app, plus what the runtime asks of it outside the event flow. */
export interface TopologyService extends App {
  /** Called for every packet-in before apps see it: true when it is LLDP, which topology keeps. */
  claimPacketIn(event: AppEventOf<'packetIn'>): boolean;
  /** The links and hosts known now (for queries). */
  readonly topology: Topology;
}

/**
 * The runner of topology/ (pure state machines): feeds it switch, port and
 * packet-in events with the clock, sends its probes as PACKET_OUT out of each
 * port, installs the flow that brings LLDP back to the controller, publishes
 * its events, and counts what it refused. Main thread only.
 */
export function topologyService(options: TopologyServiceOptions): TopologyService {
  const now = options.now ?? Date.now;
  const topology = new Topology({ discovery: { node: options.node, secret: options.secret, probeIntervalMs: options.probeIntervalMs } });
  const metrics = topologyMetrics(options.registry, topology);
  const lastLogged = new Map<string, number>();
  let switches: SwitchDirectory | undefined;
  let log: Logger | undefined;
  let timer: NodeJS.Timeout | undefined;
  let timerDueMs = Infinity;
  let unsubscribe: (() => void) | undefined;

  /** Logs the first of a kind of problem and then at most once per LOG_INTERVAL_MS; the caller counted it. */
  const logOnce = (key: string, fields: object, message: string): void => {
    const at = now();
    if (at - (lastLogged.get(key) ?? -Infinity) < LOG_INTERVAL_MS) return;
    lastLogged.set(key, at);
    log?.warn(fields, `${message} (more of this kind within a minute are only counted)`);
  };

  const handle = (out: TopologyOutput): void => {
    if (out.kind === 'probe') {
      const sw = switches?.lookup(out.dpid);
      if (sw === undefined) return;
      try {
        sw.send({ type: 'PacketOut', bufferId: OFP_NO_BUFFER, inPort: OFPP_CONTROLLER, actions: [{ type: 'output', port: out.port, maxLen: 0 }], data: out.frame });
        metrics.probesSent.inc();
      } catch (err) {
        // A switch too far behind refuses commands (counted by its session); the next probe tries again.
        metrics.probesNotSent.inc();
        logOnce('probeNotSent', { err, dpid: out.dpid.toString(16) }, 'LLDP probe not sent');
      }
    } else if (out.kind === 'limit') {
      metrics.limits.inc({ what: out.what });
      logOnce(`limit:${out.what}`, { what: out.what }, out.detail);
    } else {
      options.publish(appEvent(options.node, out));
      options.onEvent?.(out);
    }
  };

  /** Drains the outputs of the last input and re-arms the timer for the next due time. */
  const drain = (): void => {
    for (let out = topology.popOutput(); out !== undefined; out = topology.popOutput()) handle(out);
    const due = topology.nextDueMs();
    if (due === undefined || due >= timerDueMs) return;
    clearTimeout(timer);
    timerDueMs = due;
    timer = setTimeout(onTimer, Math.max(MIN_TIMER_MS, due - now()));
    timer.unref();
  };

  const onTimer = (): void => {
    timerDueMs = Infinity;
    timer = undefined;
    topology.tick(now());
    drain();
  };

  const switchUp = (view: SwitchView): void => {
    switches?.lookup(view.dpid)?.send({
      type: 'FlowMod',
      cookie: 0n,
      cookieMask: 0n,
      tableId: 0,
      command: 0,
      idleTimeout: 0,
      hardTimeout: 0,
      priority: LLDP_FLOW_PRIORITY,
      bufferId: OFP_NO_BUFFER,
      outPort: 0,
      outGroup: 0,
      flags: 0,
      match: [
        { field: 'eth_dst', value: LLDP_NEAREST_BRIDGE },
        { field: 'eth_type', value: 0x88cc },
      ],
      instructions: [{ type: 'applyActions', actions: [{ type: 'output', port: OFPP_CONTROLLER, maxLen: OFPCML_NO_BUFFER }] }],
    });
    topology.switchUp(view.dpid, [...view.ports.values()].map(portInfo), now());
  };

  return {
    name: 'topology',
    topology,
    start(ctx) {
      switches = ctx.switches;
      log = ctx.log;
      const off = ctx.subscribe(['switchUp', 'switchDown', 'portStatus'], (event) => {
        // Another node's switch (through the overlay) is probed by that node: links are learned where the switch is.
        if (event.node !== options.node) return;
        if (event.type === 'switchUp') switchUp(event.view);
        else if (event.type === 'switchDown') topology.switchDown(event.dpid, now());
        else if (event.message.reason === OFPPR_DELETE) topology.portRemoved(event.dpid, event.message.desc.portNo, now());
        else topology.portChanged(event.dpid, portInfo(event.message.desc), now());
        drain();
      });
      unsubscribe = off;
      // With mastership a switch connected here is probed only while this node is its master (switchUp says so from then on).
      for (const view of ctx.switches.list()) if (view.node === options.node && ctx.switches.role(view.dpid)?.role === 'master') switchUp(view);
      drain();
    },
    stop() {
      unsubscribe?.();
      clearTimeout(timer);
      timer = undefined;
    },
    claimPacketIn(event) {
      if (event.node !== options.node) return false;
      const inPort = matchValue(event.message.match, 'in_port');
      if (typeof inPort !== 'number') return false;
      const verdict = topology.packetIn(event.dpid, inPort, event.message.data, now());
      if (verdict.error !== undefined) {
        metrics.refused.inc({ code: verdict.error.code });
        logOnce(`refused:${verdict.error.code}`, { err: verdict.error, dpid: event.dpid.toString(16), inPort }, 'frame refused by topology');
      }
      drain();
      return verdict.consumed;
    },
  };
}

/** The bus form of a topology event learned by `node`: `dpid` is the link's destination switch, or the host's switch. */
export function appEvent(node: number, e: TopologyEvent): AppEventOf<TopologyEventType> {
  switch (e.kind) {
    case 'linkUp':
      return { type: 'linkUp', node, dpid: e.link.dst.dpid, link: e.link };
    case 'linkDown':
      return { type: 'linkDown', node, dpid: e.link.dst.dpid, link: e.link, reason: e.reason };
    case 'hostAdded':
      return { type: 'hostAdded', node, dpid: e.host.location.dpid, host: e.host };
    case 'hostMoved':
      return { type: 'hostMoved', node, dpid: e.host.location.dpid, host: e.host, from: e.from };
    case 'hostRemoved':
      return { type: 'hostRemoved', node, dpid: e.host.location.dpid, host: e.host, reason: e.reason };
  }
}

/** A port as discovery sees it: up unless administratively down or without carrier. */
function portInfo(p: Port): PortInfo {
  return { port: p.portNo, hwAddr: p.hwAddr, up: (p.config & OFPPC_PORT_DOWN) === 0 && (p.state & OFPPS_LINK_DOWN) === 0 };
}

function topologyMetrics(registry: Registry, topology: Topology) {
  return {
    probesSent: new Counter({ name: 'sdn_runtime_topology_probes_sent_total', help: 'LLDP probes sent as PACKET_OUT', registers: [registry] }),
    probesNotSent: new Counter({ name: 'sdn_runtime_topology_probes_not_sent_total', help: 'LLDP probes a switch refused (too far behind)', registers: [registry] }),
    refused: new Counter({
      name: 'sdn_runtime_topology_frames_refused_total',
      help: 'Packet-ins topology refused, by code: LLDP_MALFORMED, LLDP_FOREIGN (not our probe), LLDP_FORGED (bad HMAC: another cluster or a forgery), LLDP_STALE (a replay), PACKET_MALFORMED',
      labelNames: ['code'],
      registers: [registry],
    }),
    limits: new Counter({ name: 'sdn_runtime_topology_limits_total', help: 'Input topology capped, by what: ports, switches, links, hosts (a table full), flapping (a host moving too often)', labelNames: ['what'], registers: [registry] }),
    links: new Gauge({ name: 'sdn_runtime_topology_links', help: 'Links known now (one per direction)', registers: [registry], collect() { this.set(topology.links().length); } }),
    hosts: new Gauge({ name: 'sdn_runtime_topology_hosts', help: 'Hosts known now', registers: [registry], collect() { this.set(topology.hostList().length); } }),
  };
}
